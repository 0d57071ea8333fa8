#include "tessera/offline/compaction.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/source_log_internal.h"

namespace tessera::offline {
namespace {

std::string MergedFileName(int64_t first_seq, int64_t last_seq) {
  char name[80];
  std::snprintf(name, sizeof(name), "part-%020" PRId64 "-%020" PRId64 ".parquet", first_seq,
                last_seq);
  return name;
}

// [begin, end) of manifest.parts merged into one.
struct Run {
  size_t begin = 0;
  size_t end = 0;
};

// floor(log_fanout(rows)) for fanout >= 2; 0 for every part when fanout is
// 0 (one tier: any run of small parts merges).
int Tier(int64_t rows, int64_t fanout) {
  int tier = 0;
  if (fanout < 2) return tier;
  for (int64_t n = rows; n >= fanout; n /= fanout) ++tier;
  return tier;
}

// The shortest run merged: 2 parts, or `fanout` in a tiered compaction.
size_t MinRun(int64_t fanout) { return fanout < 2 ? 2 : static_cast<size_t>(fanout); }

}  // namespace

bool NeedsCompaction(const Manifest& manifest, const CompactionPolicy& policy, int64_t now_micros) {
  for (size_t r = 0; r < manifest.replaced.size(); ++r) {
    const int64_t at = r < manifest.replaced_at.size() ? manifest.replaced_at[r] : 0;
    if (at <= now_micros - policy.retention_micros) return true;
  }
  size_t run = 0;
  int64_t rows = 0;
  int tier = -1;
  for (const LogPart& p : manifest.parts) {
    const int t = Tier(p.num_rows, policy.fanout);
    if (p.num_rows >= policy.target_rows) {
      run = 0;
      tier = -1;
      continue;
    }
    if (t != tier || rows + p.num_rows > policy.target_rows) {
      run = 0;
      rows = 0;
    }
    tier = t;
    ++run;
    rows += p.num_rows;
    if (run >= MinRun(policy.fanout)) return true;
  }
  return false;
}

namespace {

class LogCompaction {
 public:
  explicit LogCompaction(const CompactSpec& spec) : spec_(spec), env_(spec.env) {}
  ~LogCompaction() { Undo(); }

  // Compactions take COMPACT_LOCK for the whole run (one at a time), and
  // the log's LOCK only to remove orphans before merging and to write the
  // checkpoint after: the merges run without it (committed parts never
  // change), so commits go on meanwhile. A commit's checkpoint spares merge
  // outputs when it removes orphans (source_log_internal.h).
  Result<CompactResult> Run() {
    CompactResult result;
    TS_ASSIGN_OR_RETURN(Manifest seen, ReadManifest(env_, spec_.log_dir));
    if (seen.generation == 0) return result;  // no log: never create one
    const std::string compact_lock = internal::CompactLockPath(spec_.log_dir);
    created_compact_lock_ = !env_->FileExists(compact_lock);
    TS_ASSIGN_OR_RETURN(compact_lock_, env_->LockFile(compact_lock));
    {
      TS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                          env_->LockFile(internal::LockPath(spec_.log_dir)));
      TS_ASSIGN_OR_RETURN(seen, ReadManifest(env_, spec_.log_dir));
      TS_RETURN_NOT_OK(internal::RemoveOrphans(env_, spec_.log_dir, seen, false));
    }
    TS_ASSIGN_OR_RETURN(std::vector<struct Run> runs, ChooseRuns(seen));
    std::vector<Merged> merged;
    for (const struct Run& run : runs) {
      TS_ASSIGN_OR_RETURN(LogPart part, Merge(seen, run));
      std::vector<std::string> files;
      for (size_t i = run.begin; i < run.end; ++i) files.push_back(seen.parts[i].file);
      merged.push_back({std::move(part), std::move(files)});
    }
    TS_ASSIGN_OR_RETURN(lock_, env_->LockFile(internal::LockPath(spec_.log_dir)));
    TS_ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(env_, spec_.log_dir));  // under LOCK
    result.parts_before = static_cast<int64_t>(manifest.parts.size());
    const int64_t now = env_->NowMicros();
    std::vector<std::string> expired;
    Manifest next = manifest;
    next.replaced.clear();
    next.replaced_at.clear();
    for (size_t r = 0; r < manifest.replaced.size(); ++r) {
      const int64_t at = r < manifest.replaced_at.size() ? manifest.replaced_at[r] : 0;
      if (at > now - spec_.retention_micros) {
        next.replaced.push_back(manifest.replaced[r]);
        next.replaced_at.push_back(at);
      } else {
        expired.push_back(manifest.replaced[r]);
      }
    }
    next.parts.clear();
    size_t i = 0;
    for (const Merged& m : merged) {
      // Commits only append and compactions are one at a time, so each run
      // is still in the log; checked all the same.
      const size_t begin = FindRun(manifest, i, m.files);
      if (begin == kNotFound) {
        return Status::Internal(spec_.log_dir + ": a merged run left the log during compaction");
      }
      for (; i < begin; ++i) next.parts.push_back(manifest.parts[i]);
      next.parts.push_back(m.part);
      for (const std::string& file : m.files) {
        next.replaced.push_back(file);
        next.replaced_at.push_back(now);
      }
      i += m.files.size();
    }
    for (; i < manifest.parts.size(); ++i) next.parts.push_back(manifest.parts[i]);
    if (merged.empty() && expired.empty()) {
      result.parts_after = result.parts_before;
      return result;
    }
    next.generation += 1;
    TS_RETURN_NOT_OK(internal::WriteCheckpoint(env_, spec_.log_dir, next, &manifest_attempted_));
    done_ = true;
    // Files replaced longer ago than the retention: no manifest names them
    // now, and no reader has needed them for that long.
    for (const std::string& file : expired) {
      Status st = env_->RemoveFile(spec_.log_dir + "/" + file);
      if (st.ok()) result.parts_removed++;
    }
    result.parts_after = static_cast<int64_t>(next.parts.size());
    result.committed = true;
    return result;
  }

 private:
  // A merged run: its part and the files it replaces, in order.
  struct Merged {
    LogPart part;
    std::vector<std::string> files;
  };
  static constexpr size_t kNotFound = static_cast<size_t>(-1);

  // Where `files` stand consecutively in m.parts at or after `from`.
  static size_t FindRun(const Manifest& m, size_t from, const std::vector<std::string>& files) {
    for (size_t b = from; b + files.size() <= m.parts.size(); ++b) {
      if (m.parts[b].file != files[0]) continue;
      for (size_t k = 0; k < files.size(); ++k) {
        if (m.parts[b + k].file != files[k]) return kNotFound;
      }
      return b;
    }
    return kNotFound;
  }

  // Runs of consecutive small parts of one schema (and, tiered, of one
  // tier), each up to target_rows rows and at least MinRun parts long.
  Result<std::vector<struct Run>> ChooseRuns(const Manifest& m) {
    std::vector<struct Run> runs;
    struct Run run;
    int64_t rows = 0;
    int tier = -1;
    SchemaPtr run_schema;
    auto close = [&](size_t at) {
      if (run.end - run.begin >= MinRun(spec_.fanout)) runs.push_back(run);
      run = {at, at};
      rows = 0;
      run_schema = nullptr;
    };
    for (size_t i = 0; i < m.parts.size(); ++i) {
      const LogPart& p = m.parts[i];
      if (p.num_rows >= spec_.target_rows) {
        close(i + 1);
        continue;
      }
      const int t = Tier(p.num_rows, spec_.fanout);
      if (run_schema != nullptr && t != tier) close(i);
      tier = t;
      TS_ASSIGN_OR_RETURN(SchemaPtr schema, PartSchema(p));
      bool fits =
          run_schema != nullptr && *schema == *run_schema && rows + p.num_rows <= spec_.target_rows;
      if (!fits) close(i);
      run.end = i + 1;
      rows += p.num_rows;
      run_schema = schema;
    }
    close(m.parts.size());
    return runs;
  }

  Result<SchemaPtr> PartSchema(const LogPart& p) {
    parquet::ReadOptions ro;
    ro.env = env_;
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(PathOf(p.file), ro));
    return reader->schema();
  }

  std::string PathOf(const std::string& file) const { return spec_.log_dir + "/" + file; }

  // Writes the run's rows, in order, to one part.
  Result<LogPart> Merge(const Manifest& m, const struct Run& run) {
    const LogPart& first = m.parts[run.begin];
    const LogPart& last = m.parts[run.end - 1];
    LogPart merged;
    merged.file = MergedFileName(first.first_seq, last.last_seq);
    merged.first_seq = first.first_seq;
    merged.last_seq = last.last_seq;
    merged.committed_at = last.committed_at;
    merged.min_event_ts = first.min_event_ts;
    merged.max_event_ts = first.max_event_ts;
    TS_ASSIGN_OR_RETURN(SchemaPtr schema, PartSchema(first));
    parquet::WriteOptions wo;
    wo.env = env_;
    wo.row_group_size = spec_.row_group_size;
    written_.push_back(merged.file);
    TS_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Open(PathOf(merged.file), schema, wo));
    for (size_t i = run.begin; i < run.end; ++i) {
      const LogPart& p = m.parts[i];
      merged.num_rows += p.num_rows;
      merged.min_event_ts = std::min(merged.min_event_ts, p.min_event_ts);
      merged.max_event_ts = std::max(merged.max_event_ts, p.max_event_ts);
      parquet::ReadOptions ro;
      ro.env = env_;
      TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(PathOf(p.file), ro));
      if (!(*reader->schema() == *schema)) {
        return Status::Corruption(PathOf(p.file) + ": its columns changed while compacting");
      }
      while (true) {
        TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
        if (batch == nullptr) break;
        TS_RETURN_NOT_OK(writer->Write(*batch));
      }
    }
    TS_RETURN_NOT_OK(writer->Close());
    return merged;
  }

  // After a failure before the manifest could be visible: the merged parts
  // written so far go (the old manifest still names every original part).
  void Undo() {
    if (done_) return;
    if (manifest_attempted_) {
      for (const std::string& f : written_) {
        if (internal::ManifestMayName(env_, spec_.log_dir, f)) return;
      }
    }
    for (const std::string& f : written_) (void)env_->RemoveFile(PathOf(f));
    // The folder as before: COMPACT_LOCK goes too when this run made it.
    if (created_compact_lock_ && compact_lock_ != nullptr) {
      (void)env_->RemoveFile(compact_lock_->path());
    }
  }

  const CompactSpec& spec_;
  Env* env_;
  std::unique_ptr<FileLock> compact_lock_;
  bool created_compact_lock_ = false;
  std::unique_ptr<FileLock> lock_;
  std::vector<std::string> written_;
  bool manifest_attempted_ = false;
  bool done_ = false;
};

}  // namespace

Result<CompactResult> CompactLog(const CompactSpec& spec) {
  if (spec.target_rows < 1) return Status::Invalid("target_rows must be at least 1");
  if (spec.fanout == 1 || spec.fanout < 0) return Status::Invalid("fanout must be 0 or at least 2");
  LogCompaction compaction(spec);
  return compaction.Run();
}

}  // namespace tessera::offline
