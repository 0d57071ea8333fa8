// CommitBatches (source_log.h): one commit to a source log, under LOCK.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <limits>
#include <optional>

#include "tessera/format/parquet/writer.h"
#include "tessera/offline/manifest_journal.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/source_log_internal.h"

namespace tessera::offline {
namespace {

// How often a commit starts over when a concurrent failing first commit
// removed the folder it was about to lock (each retry follows real progress
// of another writer, so this bounds nothing a user can meet).
constexpr int kMaxLockRetries = 1000;

std::string PartFileName(int64_t first_seq) {
  char name[64];
  std::snprintf(name, sizeof(name), "part-%020" PRId64 ".parquet", first_seq);
  return name;
}

// The part's schema: the input's columns, then _ingest_seq, _committed_at.
Result<SchemaPtr> PartSchema(const Schema& in, const std::string& timestamp_column) {
  for (const char* reserved : {kIngestSeqColumn, kCommittedAtColumn}) {
    if (in.IndexOf(reserved) >= 0) {
      return Status::Invalid(std::string("column '") + reserved +
                             "' is reserved for the source log and cannot be ingested");
    }
  }
  const int ts = in.IndexOf(timestamp_column);
  if (ts < 0) {
    return Status::Invalid("the rows have no timestamp column '" + timestamp_column + "'");
  }
  if (in.field(ts).type != DataType::Timestamp()) {
    return Status::Invalid("timestamp column '" + timestamp_column + "' is " +
                           in.field(ts).type.ToString() + ", not timestamp");
  }
  std::vector<Field> fields = in.fields();
  fields.push_back({kIngestSeqColumn, DataType::Int64()});
  fields.push_back({kCommittedAtColumn, DataType::Timestamp()});
  return Schema::Make(std::move(fields));
}

// One commit; Run() is the whole of CommitBatches.
class LogCommit {
 public:
  explicit LogCommit(const CommitSpec& spec) : spec_(spec), env_(spec.env) {}
  ~LogCommit() { Undo(); }

  Result<LogPart> Run(RecordBatchReader* rows) {
    TS_ASSIGN_OR_RETURN(part_schema_, PartSchema(*rows->schema(), spec_.timestamp_column));
    TS_RETURN_NOT_OK(Lock());
    TS_ASSIGN_OR_RETURN(Manifest manifest, ReadHead());
    if (manifest.last_seq == std::numeric_limits<int64_t>::max()) {
      return Status::OutOfRange(spec_.log_dir + ": no _ingest_seq is left to give");
    }
    part_.first_seq = manifest.last_seq + 1;
    part_.committed_at = env_->NowMicros();
    part_.file = PartFileName(part_.first_seq);
    TS_RETURN_NOT_OK(WritePart(rows));
    if (part_.num_rows == 0) return LogPart{};
    manifest.generation += 1;
    manifest.last_seq = part_.last_seq;
    if (append_) {
      TS_RETURN_NOT_OK(internal::AppendCommit(env_, spec_.log_dir, manifest.generation,
                                              manifest.last_seq, part_, &manifest_attempted_));
    } else {
      manifest.parts.push_back(part_);
      TS_RETURN_NOT_OK(
          internal::WriteCheckpoint(env_, spec_.log_dir, manifest, &manifest_attempted_));
    }
    done_ = true;
    return part_;
  }

 private:
  // What the commit builds on, under LOCK. When manifest.log can take one
  // more record (it is whole, no checkpoint is half done, it holds fewer
  // than checkpoint_every commits), only its generation and last_seq: the
  // commit appends a record, reading and listing nothing else. Otherwise
  // the whole manifest (checkpoint and journal), after removing orphans:
  // the commit writes a checkpoint.
  Result<Manifest> ReadHead() {
    Result<uint64_t> next = env_->GetFileSize(internal::NextJournalPath(spec_.log_dir));
    if (!next.ok() && !next.status().IsNotFound()) return next.status();
    if (!next.ok()) {
      TS_ASSIGN_OR_RETURN(std::optional<internal::Journal> journal,
                          internal::ReadJournal(env_, internal::JournalPath(spec_.log_dir)));
      append_ = journal.has_value() && journal->started && !journal->torn() &&
                static_cast<int64_t>(journal->commits.size()) < spec_.checkpoint_every;
      if (append_) {
        Manifest head;
        head.generation = journal->generation();
        head.last_seq = journal->last_seq();
        return head;
      }
    }
    TS_ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(env_, spec_.log_dir));
    TS_RETURN_NOT_OK(internal::RemoveOrphans(env_, spec_.log_dir, manifest, /*spare_merges=*/true));
    return manifest;
  }

  // Creates the missing folders and takes LOCK. A concurrent first commit
  // that fails removes the folders it made, so this starts over when the
  // folder vanished between the two.
  Status Lock() {
    const std::string lock_path = internal::LockPath(spec_.log_dir);
    for (int attempt = 0;; ++attempt) {
      TS_RETURN_NOT_OK(CreateFolders());
      const bool had_lock_file = env_->FileExists(lock_path);
      Result<std::unique_ptr<FileLock>> lock = env_->LockFile(lock_path);
      if (lock.ok()) {
        lock_ = std::move(*lock);
        created_lock_file_ = !had_lock_file;
        return Status::OK();
      }
      if (!lock.status().IsNotFound() || attempt >= kMaxLockRetries) return lock.status();
    }
  }

  Status CreateFolders() { return CreateMissingDirs(env_, spec_.log_dir, &created_folders_); }

  Status WritePart(RecordBatchReader* rows) {
    parquet::WriteOptions options;
    options.env = env_;
    options.row_group_size = spec_.row_group_size;
    const std::string path = spec_.log_dir + "/" + part_.file;
    TS_ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetWriter> writer,
                        parquet::ParquetWriter::Open(path, part_schema_, options));
    while (true) {
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, rows->Next());
      if (batch == nullptr) break;
      if (batch->num_rows() == 0) continue;
      TS_ASSIGN_OR_RETURN(RecordBatchPtr logged, AddLogColumns(*batch));
      TS_RETURN_NOT_OK(writer->Write(*logged));
    }
    if (part_.num_rows == 0) return Status::OK();  // the writer removes its temp file
    wrote_part_ = true;
    return writer->Close();
  }

  // `batch` plus its rows' seqs and commit time; tracks the event times.
  Result<RecordBatchPtr> AddLogColumns(const RecordBatch& batch) {
    if (!(*batch.schema() == *rows_schema())) {
      return Status::Invalid("a batch's schema differs from the stream's");
    }
    const Array& ts = *batch.GetColumnByName(spec_.timestamp_column);
    if (ts.null_count() > 0) {
      return Status::Invalid("timestamp column '" + spec_.timestamp_column + "' has a null");
    }
    const int64_t n = batch.num_rows();
    if (n > std::numeric_limits<int64_t>::max() - (part_.first_seq - 1 + part_.num_rows)) {
      return Status::OutOfRange(spec_.log_dir + ": no _ingest_seq is left to give");
    }
    Int64Builder seqs(DataType::Int64());
    Int64Builder committed(DataType::Timestamp());
    TS_RETURN_NOT_OK(seqs.Reserve(n));
    TS_RETURN_NOT_OK(committed.Reserve(n));
    for (int64_t i = 0; i < n; ++i) {
      const int64_t t = ts.GetInt64(i);
      const bool first = part_.num_rows == 0 && i == 0;
      part_.min_event_ts = first ? t : std::min(part_.min_event_ts, t);
      part_.max_event_ts = first ? t : std::max(part_.max_event_ts, t);
      TS_RETURN_NOT_OK(seqs.Append(part_.first_seq + part_.num_rows + i));
      TS_RETURN_NOT_OK(committed.Append(part_.committed_at));
    }
    part_.num_rows += n;
    part_.last_seq = part_.first_seq + part_.num_rows - 1;
    std::vector<ArrayPtr> columns = batch.columns();
    TS_ASSIGN_OR_RETURN(ArrayPtr seq_array, seqs.Finish());
    TS_ASSIGN_OR_RETURN(ArrayPtr committed_array, committed.Finish());
    columns.push_back(std::move(seq_array));
    columns.push_back(std::move(committed_array));
    return RecordBatch::Make(part_schema_, std::move(columns));
  }

  const SchemaPtr& rows_schema() {
    if (rows_schema_ == nullptr) {
      std::vector<Field> fields(part_schema_->fields().begin(), part_schema_->fields().end() - 2);
      rows_schema_ = Schema::Make(std::move(fields)).value();
    }
    return rows_schema_;
  }

  // After a failure: removes what this commit created, newest first, so the
  // folder is as before (best effort: a failing Env may refuse). Once the
  // record or the checkpoint was attempted the commit may be visible (a
  // whole record whose sync failed, a renamed checkpoint whose folder sync
  // failed): the part goes only when the manifest reads back without it.
  // A torn record is ignored by readers and replaced by the next writer.
  void Undo() {
    if (done_ ||
        (manifest_attempted_ && internal::ManifestMayName(env_, spec_.log_dir, part_.file)))
      return;
    if (wrote_part_) (void)env_->RemoveFile(spec_.log_dir + "/" + part_.file);
    if (lock_ != nullptr && created_lock_file_) {
      (void)env_->RemoveFile(lock_->path());  // waiters retry on the path
    }
    lock_.reset();
    for (auto it = created_folders_.rbegin(); it != created_folders_.rend(); ++it) {
      if (!env_->RemoveDir(*it).ok()) break;  // another writer is using it
    }
  }

  const CommitSpec& spec_;
  Env* env_;
  SchemaPtr part_schema_;
  SchemaPtr rows_schema_;
  std::unique_ptr<FileLock> lock_;
  std::vector<std::string> created_folders_;
  bool created_lock_file_ = false;
  bool wrote_part_ = false;
  bool append_ = false;  // a journal record, not a checkpoint (ReadHead)
  bool manifest_attempted_ = false;
  bool done_ = false;
  LogPart part_;
};

}  // namespace

Result<LogPart> CommitBatches(RecordBatchReader* rows, const CommitSpec& spec) {
  LogCommit commit(spec);
  Result<LogPart> part = commit.Run(rows);
  return part;
}

}  // namespace tessera::offline
