#include "tessera/online/rocksdb/rocksdb_online_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <functional>
#include <numeric>

#include "tessera/core/env.h"
#include "tessera/core/suggest.h"
#include "tessera/online/rocksdb/rocksdb_layout.h"

namespace tessera::online {

namespace {

// Deletes of DeleteView go out in batches of this many keys.
constexpr uint32_t kDeleteBatch = 10000;

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

// The rows' storage keys, grouped by key (sorted, as MultiGet likes them),
// in call order within a key (rows of one key compete in that order), and
// the stripes they need.
template <size_t N>
struct KeyGroups {
  template <typename Row>
  KeyGroups(const ViewId& view, std::span<const Row> rows) : keys(rows.size()), order(rows.size()) {
    for (size_t i = 0; i < rows.size(); ++i) AppendRocksDbKey(view, rows[i].entity_key, &keys[i]);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    for (size_t i = 0; i < order.size(); ++i) {
      if (i > 0 && keys[order[i]] == keys[order[i - 1]]) continue;
      group_start.push_back(i);
      unique_keys.emplace_back(keys[order[i]]);
      wanted[StripeOf(keys[order[i]], N)] = true;
    }
    group_start.push_back(order.size());
  }

  std::vector<std::string> keys;            // per row
  std::vector<uint32_t> order;              // row indexes, by key
  std::vector<size_t> group_start;          // into order, per key, then order.size()
  std::vector<rocksdb::Slice> unique_keys;  // per key, into `keys`
  std::array<bool, N> wanted{};
};

}  // namespace

RocksDbOnlineStore::RocksDbOnlineStore(std::unique_ptr<rocksdb::DB> db, std::string display_path)
    : db_(std::move(db)), display_path_(std::move(display_path)) {}

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
  return std::unique_ptr<RocksDbOnlineStore>(
      new RocksDbOnlineStore(std::unique_ptr<rocksdb::DB>(raw), shown));
}

Result<int64_t> RocksDbOnlineStore::Write(const ViewId& view, std::span<const OnlineWrite> rows) {
  TS_RETURN_NOT_OK(CheckViewName(view));
  if (rows.empty()) return 0;
  const KeyGroups<kStripes> groups(view, rows);
  const size_t n = groups.unique_keys.size();
  StripeGuard<kStripes> guard(stripes_, groups.wanted);
  std::vector<rocksdb::PinnableSlice> stored(n);
  std::vector<rocksdb::Status> statuses(n);
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, groups.unique_keys.data(),
                stored.data(), statuses.data(), /*sorted_input=*/true);
  rocksdb::WriteBatch batch;
  int64_t applied = 0;
  std::string value;
  for (size_t g = 0; g < n; ++g) {
    std::optional<RowRank> current;
    if (statuses[g].ok()) {
      RowRank rank;
      Status st = DecodeRocksDbValue(stored[g].ToStringView(), &rank, nullptr);
      if (!st.ok())
        return st.WithContext("online store " + display_path_ + ", view " + Quoted(view.name) +
                              "@" + std::to_string(view.version));
      current = rank;
    } else if (!statuses[g].IsNotFound()) {
      return FromRocks(statuses[g], display_path_, "read before write");
    }
    const OnlineWrite* winner = nullptr;
    for (size_t i = groups.group_start[g]; i < groups.group_start[g + 1]; ++i) {
      const OnlineWrite& w = rows[groups.order[i]];
      if (current && w.rank < *current) continue;  // the stored (or earlier) row wins
      current = w.rank;
      winner = &w;
      ++applied;
    }
    if (winner == nullptr) continue;
    value.clear();
    AppendRocksDbValue(winner->rank, winner->values, &value);
    batch.Put(groups.unique_keys[g], value);
  }
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return FromRocks(s, display_path_, "write");
  return applied;
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
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) {
    stored->assign(rows.size(), 0);
    return FromRocks(s, display_path_, "write");
  }
  return Status::OK();
}

Status RocksDbOnlineStore::Read(std::span<const OnlineLookup> lookups,
                                std::vector<std::optional<OnlineRow>>* out) {
  out->assign(lookups.size(), std::nullopt);
  if (lookups.empty()) return Status::OK();
  const size_t n = lookups.size();
  // The storage keys one after another in one buffer (no allocation per
  // key); the slices are taken once it has stopped growing.
  std::string keys;
  std::vector<size_t> ends(n);
  for (size_t i = 0; i < n; ++i) {
    TS_RETURN_NOT_OK(CheckViewName(*lookups[i].view));
    AppendRocksDbKey(*lookups[i].view, lookups[i].entity_key, &keys);
    ends[i] = keys.size();
  }
  std::vector<rocksdb::Slice> slices(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t start = i == 0 ? 0 : ends[i - 1];
    slices[i] = rocksdb::Slice(keys.data() + start, ends[i] - start);
  }
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, slices.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], display_path_, "read");
    OnlineRow row;
    Status st = DecodeRocksDbValue(values[i].ToStringView(), &row.rank, &row.values);
    if (!st.ok()) {
      return st.WithContext("online store " + display_path_ + ", view " +
                            Quoted(lookups[i].view->name) + "@" +
                            std::to_string(lookups[i].view->version));
    }
    (*out)[i] = std::move(row);
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
    if (!it->key().ToStringView().ends_with(suffix)) continue;
    batch.Delete(it->key());
    if (batch.Count() >= kDeleteBatch) {
      rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
      if (!s.ok()) return FromRocks(s, display_path_, "delete view " + view.name);
      batch.Clear();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), display_path_, "scan");
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return FromRocks(s, display_path_, "delete view " + view.name);
  return Status::OK();
}

}  // namespace tessera::online
