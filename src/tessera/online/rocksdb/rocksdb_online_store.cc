#include "tessera/online/rocksdb/rocksdb_online_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <thread>

#include "tessera/core/env.h"
#include "tessera/core/suggest.h"
#include "tessera/offline/parallel_for.h"
#include "tessera/online/rocksdb/rocksdb_layout.h"

namespace tessera::online {

namespace {

// Deletes of DeleteView go out in batches of this many keys.
constexpr uint32_t kDeleteBatch = 10000;

// WriteBulk's table files, in the store's folder until ingested (RocksDB
// ignores files whose names are not its own).
constexpr std::string_view kBulkFilePrefix = "tessera-bulk-";

// Removes table files of WriteBulk that a crash left in `path` (the caller
// holds the database's lock, so no other store writes them).
void RemoveStaleBulkFiles(const std::string& path) {
  Result<std::vector<std::string>> names = Env::Default()->GetChildren(path);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    if (name.starts_with(kBulkFilePrefix)) (void)Env::Default()->RemoveFile(path + "/" + name);
  }
}

Status FromRocks(const rocksdb::Status& s, const std::string& path, const std::string& action) {
  return Status::IOError("online store " + path + ": " + action + ": " + s.ToString());
}

// RocksDB's LOCK file is held (fcntl) by another process, or by another
// open DB in this one.
bool IsLockConflict(const rocksdb::Status& s) {
  return s.IsIOError() && s.ToString().find("/LOCK") != std::string::npos;
}

Status CheckViewName(const ViewId& view) {
  if (view.name.size() > kMaxRocksDbViewName) {
    return Status::Invalid("online store: a view name of " + std::to_string(view.name.size()) +
                           " bytes is longer than the 65535 a key holds");
  }
  return Status::OK();
}

size_t StripeOf(std::string_view key, size_t stripes) {
  return std::hash<std::string_view>{}(key) % stripes;
}

// Holds the stripe mutexes marked in `wanted`, locked in index order (every
// holder locks in that order, so none waits in a cycle).
template <size_t N>
class StripeGuard {
 public:
  StripeGuard(std::array<std::mutex, N>& stripes, const std::array<bool, N>& wanted)
      : stripes_(stripes), wanted_(wanted) {
    for (size_t i = 0; i < N; ++i) {
      if (wanted_[i]) stripes_[i].lock();
    }
  }
  ~StripeGuard() {
    for (size_t i = N; i-- > 0;) {
      if (wanted_[i]) stripes_[i].unlock();
    }
  }
  StripeGuard(const StripeGuard&) = delete;
  StripeGuard& operator=(const StripeGuard&) = delete;

 private:
  std::array<std::mutex, N>& stripes_;
  std::array<bool, N> wanted_;
};

rocksdb::Options MakeOptions(const RocksDbOnlineStoreOptions& o) {
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(o.bloom_bits_per_key));
  table.whole_key_filtering = true;
  table.block_cache = rocksdb::NewLRUCache(static_cast<size_t>(o.block_cache_mb) << 20);
  // A hash index inside each data block: a point lookup skips the binary
  // search over the block's restart points.
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.02;
  options.level_compaction_dynamic_level_bytes = true;
  options.keep_log_file_num = 3;
  return options;
}

// The rows' storage keys (in one buffer), grouped by key (sorted, as
// MultiGet and table files want them), in call order within a key (rows of
// one key compete in that order), and the stripes they need. Rows already
// in key order (materialization sorts them) skip the sort.
template <size_t N>
struct KeyGroups {
  template <typename Row>
  KeyGroups(const ViewId& view, std::span<const Row> rows) : order(rows.size()) {
    const std::string suffix = RocksDbKeySuffix(view);
    size_t bytes = 0;
    for (const Row& r : rows) bytes += r.entity_key.size() + suffix.size();
    buffer.reserve(bytes);
    ends.reserve(rows.size());
    for (const Row& r : rows) {
      buffer.append(r.entity_key);
      buffer.append(suffix);
      ends.push_back(buffer.size());
    }
    std::iota(order.begin(), order.end(), 0);
    bool sorted = true;
    for (uint32_t i = 1; i < order.size() && sorted; ++i) sorted = Key(i - 1) <= Key(i);
    if (!sorted) {
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return Key(a) < Key(b); });
    }
    for (size_t i = 0; i < order.size(); ++i) {
      if (i > 0 && Key(order[i]) == Key(order[i - 1])) continue;
      group_start.push_back(i);
      unique_keys.emplace_back(Key(order[i]));
      wanted[StripeOf(Key(order[i]), N)] = true;
    }
    group_start.push_back(order.size());
  }

  std::string_view Key(uint32_t row) const {
    const size_t begin = row == 0 ? 0 : ends[row - 1];
    return std::string_view(buffer.data() + begin, ends[row] - begin);
  }

  std::string buffer;                       // every row's key, in call order
  std::vector<size_t> ends;                 // per row, its key's end in `buffer`
  std::vector<uint32_t> order;              // row indexes, by key
  std::vector<size_t> group_start;          // into order, per key, then order.size()
  std::vector<rocksdb::Slice> unique_keys;  // per key, into `buffer`
  std::array<bool, N> wanted{};
};

// Keys per MultiGet: bounds its per-call vectors.
constexpr size_t kReadBatch = 4096;

// Reads the stored rows of groups' keys [begin, end) (sorted) into
// values/statuses [0, end - begin).
void ReadGroups(rocksdb::DB* db, const std::vector<rocksdb::Slice>& keys, size_t begin, size_t end,
                std::vector<rocksdb::PinnableSlice>* values,
                std::vector<rocksdb::Status>* statuses) {
  for (size_t i = 0; i < end - begin; ++i) (*values)[i].Reset();
  db->MultiGet(rocksdb::ReadOptions(), db->DefaultColumnFamily(), end - begin, keys.data() + begin,
               values->data(), statuses->data(), /*sorted_input=*/true);
}

// Write's tie-break, under the caller's stripes, for groups [begin, end)
// of `groups`: (*winners)[g] is the row to store for key g (nullptr: the
// stored row wins), comparing the rows with the stored rank and with each
// other; *applied counts the rows that won in turn (Write's count).
// `winners` is sized to every group by the caller; only [begin, end) is set.
// With `read_stored` false the keys are known to hold no row (the marks):
// only the call's rows compete.
template <size_t N>
Status PickWinners(rocksdb::DB* db, const std::string& shown, const ViewId& view,
                   const KeyGroups<N>& groups, std::span<const OnlineWrite> rows, size_t begin,
                   size_t end, bool read_stored, std::vector<const OnlineWrite*>* winners,
                   int64_t* applied) {
  *applied = 0;
  std::vector<rocksdb::PinnableSlice> stored(read_stored ? std::min(end - begin, kReadBatch) : 0);
  std::vector<rocksdb::Status> statuses(stored.size());
  for (size_t first = begin; first < end; first += kReadBatch) {
    const size_t last = std::min(end, first + kReadBatch);
    if (read_stored) ReadGroups(db, groups.unique_keys, first, last, &stored, &statuses);
    for (size_t g = first; g < last; ++g) {
      std::optional<RowRank> current;
      const rocksdb::Status status =
          read_stored ? statuses[g - first] : rocksdb::Status::NotFound();
      if (status.ok()) {
        RowRank rank;
        Status st = DecodeRocksDbValue(stored[g - first].ToStringView(), &rank, nullptr);
        if (!st.ok()) {
          return st.WithContext("online store " + shown + ", view " + Quoted(view.name) + "@" +
                                std::to_string(view.version));
        }
        current = rank;
      } else if (!status.IsNotFound()) {
        return FromRocks(status, shown, "read before write");
      }
      (*winners)[g] = nullptr;
      for (size_t i = groups.group_start[g]; i < groups.group_start[g + 1]; ++i) {
        const OnlineWrite& w = rows[groups.order[i]];
        if (current && w.rank < *current) continue;  // the stored (or earlier) row wins
        current = w.rank;
        (*winners)[g] = &w;
        ++*applied;
      }
    }
  }
  return Status::OK();
}

}  // namespace

RocksDbOnlineStore::RocksDbOnlineStore(std::unique_ptr<rocksdb::DB> db, std::string path,
                                       std::string display_path,
                                       const RocksDbOnlineStoreOptions& options)
    : db_(std::move(db)),
      path_(std::move(path)),
      display_path_(std::move(display_path)),
      bulk_min_rows_(options.bulk_min_rows),
      bulk_threads_(options.bulk_threads > 0 ? options.bulk_threads
                                             : std::max(1u, std::thread::hardware_concurrency())),
      bulk_min_part_keys_(std::max<size_t>(1, options.bulk_min_part_keys)) {}

RocksDbOnlineStore::~RocksDbOnlineStore() = default;

Result<std::unique_ptr<RocksDbOnlineStore>> RocksDbOnlineStore::Open(
    const RocksDbOnlineStoreOptions& options) {
  const std::string& shown = options.display_path.empty() ? options.path : options.display_path;
  if (options.block_cache_mb < 1 || options.bloom_bits_per_key < 1) {
    return Status::Invalid("online store " + shown +
                           ": block_cache_mb and bloom_bits_per_key must be at least 1");
  }
  std::vector<std::string> created;
  Status made = CreateMissingDirs(Env::Default(), options.path, &created);
  if (!made.ok()) return made.WithContext("online store " + shown);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(MakeOptions(options), options.path, &raw);
  if (!s.ok()) {
    // Leave no folder this call made (RemoveDir keeps any that is not empty).
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
      (void)Env::Default()->RemoveDir(*it);
    }
    if (IsLockConflict(s)) {
      return Status::IOError("online store " + shown +
                             " is in use by another process (a running `tessera serve` owns "
                             "it: send the command to that server, or stop it first)");
    }
    return FromRocks(s, shown, "cannot open");
  }
  RemoveStaleBulkFiles(options.path);
  std::unique_ptr<RocksDbOnlineStore> store(
      new RocksDbOnlineStore(std::unique_ptr<rocksdb::DB>(raw), options.path, shown, options));
  TS_RETURN_NOT_OK(store->LoadMarks());
  return store;
}

Status RocksDbOnlineStore::LoadMarks() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (!it->status().ok()) return FromRocks(it->status(), display_path_, "read marks");
  if (!it->Valid()) {
    // Nothing stored: every row from now on comes with its marks.
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status s = db_->Put(sync, RocksDbStoreMarkKey(), "");
    if (!s.ok()) return FromRocks(s, display_path_, "write marks");
    marks_kept_ = true;
    return Status::OK();
  }
  const std::string point = RocksDbPointMarkKey(""), bulk = RocksDbBulkMarkKey("");
  for (; it->Valid() && it->key().starts_with(kRocksDbMarkPrefix); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (key == RocksDbStoreMarkKey()) {
      marks_kept_ = true;
    } else if (key.starts_with(point)) {
      marks_[std::string(key.substr(point.size()))].point = true;
    } else if (key.starts_with(bulk)) {
      marks_[std::string(key.substr(bulk.size()))].bulk_high = it->value().ToString();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), display_path_, "read marks");
  return Status::OK();
}

bool RocksDbOnlineStore::NotePointWrite(const std::string& suffix) {
  std::lock_guard<std::mutex> lock(marks_mu_);
  ViewMarks& marks = marks_[suffix];
  if (marks.point) return false;
  marks.point = true;
  return true;
}

bool RocksDbOnlineStore::NoteBulkWrite(const std::string& suffix, std::string_view low,
                                       std::string_view high, std::string* new_high) {
  std::lock_guard<std::mutex> lock(marks_mu_);
  ViewMarks& marks = marks_[suffix];
  const bool unread =
      marks_kept_ && !marks.point && (marks.bulk_high.empty() || low > marks.bulk_high);
  new_high->clear();
  if (high > marks.bulk_high) {
    marks.bulk_high.assign(high);
    new_high->assign(high);
  }
  return unread;
}

Result<int64_t> RocksDbOnlineStore::Write(const ViewId& view, std::span<const OnlineWrite> rows) {
  return WriteRows(view, rows, /*bulk=*/false);
}

Result<int64_t> RocksDbOnlineStore::WriteRows(const ViewId& view, std::span<const OnlineWrite> rows,
                                              bool bulk) {
  TS_RETURN_NOT_OK(CheckViewName(view));
  if (rows.empty()) return 0;
  const KeyGroups<kStripes> groups(view, rows);
  StripeGuard<kStripes> guard(stripes_, groups.wanted);
  std::vector<const OnlineWrite*> winners(groups.unique_keys.size());
  int64_t applied = 0;
  TS_RETURN_NOT_OK(PickWinners(db_.get(), display_path_, view, groups, rows, 0, winners.size(),
                               /*read_stored=*/true, &winners, &applied));
  rocksdb::WriteBatch batch;
  // The marks go with the rows (the same atomic batch).
  const std::string suffix = RocksDbKeySuffix(view);
  if (bulk) {
    std::string high;
    (void)NoteBulkWrite(suffix, groups.unique_keys.front().ToStringView(),
                        groups.unique_keys.back().ToStringView(), &high);
    if (!high.empty()) batch.Put(RocksDbBulkMarkKey(suffix), high);
  } else if (NotePointWrite(suffix)) {
    batch.Put(RocksDbPointMarkKey(suffix), "");
  }
  std::string value;
  for (size_t g = 0; g < winners.size(); ++g) {
    if (winners[g] == nullptr) continue;
    value.clear();
    AppendRocksDbValue(winners[g]->rank, winners[g]->values, &value);
    batch.Put(groups.unique_keys[g], value);
  }
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return FromRocks(s, display_path_, "write");
  return applied;
}

Result<int64_t> RocksDbOnlineStore::WriteBulk(const ViewId& view,
                                              std::span<const OnlineWrite> rows) {
  if (rows.size() < bulk_min_rows_) return WriteRows(view, rows, /*bulk=*/true);
  TS_RETURN_NOT_OK(CheckViewName(view));
  const KeyGroups<kStripes> groups(view, rows);
  // Held until the files are ingested: no Write of these keys lands between
  // the read of their stored ranks and the ingest, which would overwrite it.
  StripeGuard<kStripes> guard(stripes_, groups.wanted);
  const std::string suffix = RocksDbKeySuffix(view);
  std::string high;
  const bool read_stored = !NoteBulkWrite(suffix, groups.unique_keys.front().ToStringView(),
                                          groups.unique_keys.back().ToStringView(), &high);
  if (!read_stored) bulk_loads_unread_.fetch_add(1);
  // Parts of the keys (contiguous, so their files do not overlap), each
  // read, decided and written to its own table file on its own thread.
  const size_t n = groups.unique_keys.size();
  const int parts = static_cast<int>(std::clamp<size_t>(n / bulk_min_part_keys_, 1, bulk_threads_));
  std::vector<const OnlineWrite*> winners(n);
  std::vector<int64_t> applied(parts, 0);
  std::vector<Status> results(parts);
  std::vector<std::string> files(parts);
  offline::ParallelFor(static_cast<int64_t>(n), parts, [&](int p, int64_t begin, int64_t end) {
    results[p] = PickWinners(db_.get(), display_path_, view, groups, rows, begin, end, read_stored,
                             &winners, &applied[p]);
    if (!results[p].ok() || applied[p] == 0) return;
    files[p] = path_ + "/" + std::string(kBulkFilePrefix) +
               std::to_string(bulk_files_.fetch_add(1)) + ".sst";
    results[p] = WriteTableFile(files[p], groups.unique_keys, winners, begin, end);
  });
  std::vector<std::string> written;
  for (const std::string& f : files) {
    if (!f.empty()) written.push_back(f);
  }
  Status loaded;
  for (const Status& r : results) {
    if (loaded.ok()) loaded = r;
  }
  if (loaded.ok() && !written.empty() && !high.empty()) {
    // The bulk mark is durable before the rows it covers are.
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status s = db_->Put(sync, RocksDbBulkMarkKey(suffix), high);
    if (!s.ok()) loaded = FromRocks(s, display_path_, "bulk load: write marks");
  }
  if (loaded.ok() && !written.empty()) {
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;           // a hard link, no copy
    ingest.write_global_seqno = false;  // the sequence number lives in the MANIFEST
    rocksdb::Status s = db_->IngestExternalFile(written, ingest);  // all files or none
    if (!s.ok()) loaded = FromRocks(s, display_path_, "bulk load: ingest");
  }
  for (const std::string& f : written) {
    (void)Env::Default()->RemoveFile(f);  // still there when a write or the ingest failed
  }
  TS_RETURN_NOT_OK(loaded);
  int64_t total = 0;
  for (int64_t a : applied) total += a;
  return total;
}

Status RocksDbOnlineStore::WriteTableFile(const std::string& file,
                                          const std::vector<rocksdb::Slice>& keys,
                                          const std::vector<const OnlineWrite*>& winners,
                                          size_t begin, size_t end) {
  // The page cache keeps the file's pages: serving reads them next.
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db_->GetOptions(),
                                /*column_family=*/nullptr, /*invalidate_page_cache=*/false);
  rocksdb::Status s = writer.Open(file);
  std::string value;
  for (size_t g = begin; g < end && s.ok(); ++g) {
    if (winners[g] == nullptr) continue;
    value.clear();
    AppendRocksDbValue(winners[g]->rank, winners[g]->values, &value);
    s = writer.Put(keys[g], value);
  }
  if (s.ok()) s = writer.Finish();  // syncs the file
  if (!s.ok()) return FromRocks(s, display_path_, "bulk load: write " + file);
  return Status::OK();
}

// One process owns the folder, so the stripes (held from the read to the
// write, as in Write) make the compare and the put atomic.
Status RocksDbOnlineStore::CompareAndWrite(const ViewId& view,
                                           std::span<const OnlineCompareWrite> rows,
                                           std::vector<uint8_t>* stored) {
  stored->assign(rows.size(), 0);
  TS_RETURN_NOT_OK(CheckViewName(view));
  if (rows.empty()) return Status::OK();
  const KeyGroups<kStripes> groups(view, rows);
  const size_t n = groups.unique_keys.size();
  StripeGuard<kStripes> guard(stripes_, groups.wanted);
  const std::string suffix = RocksDbKeySuffix(view);
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, groups.unique_keys.data(),
                values.data(), statuses.data(), /*sorted_input=*/true);
  rocksdb::WriteBatch batch;
  std::string value;
  for (size_t g = 0; g < n; ++g) {
    std::optional<OnlineRow> current;  // what the key holds, as rows of the group land
    if (statuses[g].ok()) {
      current.emplace();
      Status st = DecodeRocksDbValue(values[g].ToStringView(), &current->rank, &current->values);
      if (!st.ok())
        return st.WithContext("online store " + display_path_ + ", view " + Quoted(view.name) +
                              "@" + std::to_string(view.version));
    } else if (!statuses[g].IsNotFound()) {
      return FromRocks(statuses[g], display_path_, "read before write");
    }
    const OnlineCompareWrite* last = nullptr;
    for (size_t i = groups.group_start[g]; i < groups.group_start[g + 1]; ++i) {
      const OnlineCompareWrite& w = rows[groups.order[i]];
      const bool unchanged = current.has_value()
                                 ? w.expected != nullptr && current->rank == w.expected->rank &&
                                       current->values == w.expected->values
                                 : w.expected == nullptr;
      if (!unchanged) continue;
      current = OnlineRow{w.rank, std::string(w.values)};
      last = &w;
      (*stored)[groups.order[i]] = 1;
    }
    if (last == nullptr) continue;
    value.clear();
    AppendRocksDbValue(last->rank, last->values, &value);
    batch.Put(groups.unique_keys[g], value);
  }
  if (batch.Count() > 0 && NotePointWrite(suffix)) batch.Put(RocksDbPointMarkKey(suffix), "");
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) {
    stored->assign(rows.size(), 0);
    return FromRocks(s, display_path_, "write");
  }
  return Status::OK();
}

namespace {

// A thread's buffers for Read, reused from call to call so a small read
// (the serving hot path: one entity, a few views) allocates nothing for its
// keys, slices and results once the thread has served one like it.
struct ReadScratch {
  std::string keys;  // the storage keys one after another
  std::vector<size_t> ends;
  std::vector<rocksdb::Slice> slices;
  std::vector<rocksdb::PinnableSlice> values;
  std::vector<rocksdb::Status> statuses;
};

// Releases the values' pins on the block cache when a Read ends (however
// it ends): a pinned slice kept by a thread between calls would hold its
// block in the cache.
struct Unpin {
  std::vector<rocksdb::PinnableSlice>* values;
  size_t n;
  ~Unpin() {
    for (size_t i = 0; i < n; ++i) (*values)[i].Reset();
  }
};

}  // namespace

Status RocksDbOnlineStore::Read(std::span<const OnlineLookup> lookups,
                                std::vector<std::optional<OnlineRow>>* out) {
  // Rows already in *out are decoded over (their strings keep their
  // buffers); the others are emplaced.
  out->resize(lookups.size());
  if (lookups.empty()) return Status::OK();
  const size_t n = lookups.size();
  thread_local ReadScratch scratch;
  // The storage keys one after another in one buffer; the slices are taken
  // once it has stopped growing.
  std::string& keys = scratch.keys;
  keys.clear();
  scratch.ends.resize(n);
  for (size_t i = 0; i < n; ++i) {
    TS_RETURN_NOT_OK(CheckViewName(*lookups[i].view));
    AppendRocksDbKey(*lookups[i].view, lookups[i].entity_key, &keys);
    scratch.ends[i] = keys.size();
  }
  scratch.slices.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t start = i == 0 ? 0 : scratch.ends[i - 1];
    scratch.slices[i] = rocksdb::Slice(keys.data() + start, scratch.ends[i] - start);
  }
  if (scratch.values.size() < n) scratch.values.resize(n);
  scratch.statuses.resize(n);
  Unpin unpin{&scratch.values, n};
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, scratch.slices.data(),
                scratch.values.data(), scratch.statuses.data());
  for (size_t i = 0; i < n; ++i) {
    const rocksdb::Status& status = scratch.statuses[i];
    std::optional<OnlineRow>& row = (*out)[i];
    if (status.IsNotFound()) {
      row.reset();
      continue;
    }
    if (!status.ok()) return FromRocks(status, display_path_, "read");
    if (!row.has_value()) row.emplace();
    Status st = DecodeRocksDbValue(scratch.values[i].ToStringView(), &row->rank, &row->values);
    if (!st.ok()) {
      return st.WithContext("online store " + display_path_ + ", view " +
                            Quoted(lookups[i].view->name) + "@" +
                            std::to_string(lookups[i].view->version));
    }
  }
  return Status::OK();
}

Status RocksDbOnlineStore::DeleteView(const ViewId& view) {
  TS_RETURN_NOT_OK(CheckViewName(view));
  const std::string suffix = RocksDbKeySuffix(view);
  std::array<bool, kStripes> all;
  all.fill(true);
  StripeGuard<kStripes> guard(stripes_, all);
  rocksdb::ReadOptions scan;
  scan.fill_cache = false;  // a full scan would evict the serving working set
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan));
  rocksdb::WriteBatch batch;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().starts_with(kRocksDbMarkPrefix)) continue;  // deleted last, below
    if (!it->key().ToStringView().ends_with(suffix)) continue;
    batch.Delete(it->key());
    if (batch.Count() >= kDeleteBatch) {
      rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
      if (!s.ok()) return FromRocks(s, display_path_, "delete view " + view.name);
      batch.Clear();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), display_path_, "scan");
  // The marks go after every row (a crash in between leaves marks that
  // only cost a read).
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return FromRocks(s, display_path_, "delete view " + view.name);
  batch.Clear();
  batch.Delete(RocksDbPointMarkKey(suffix));
  batch.Delete(RocksDbBulkMarkKey(suffix));
  s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return FromRocks(s, display_path_, "delete view " + view.name);
  std::lock_guard<std::mutex> lock(marks_mu_);
  marks_.erase(suffix);
  return Status::OK();
}

}  // namespace tessera::online
