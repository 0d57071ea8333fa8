#include "tessera/online/cached_online_store.h"

#include <cstring>

namespace tessera::online {

void AppendRowCacheKey(const ViewId& view, std::string_view entity_key, std::string* out) {
  const uint32_t name_size = static_cast<uint32_t>(view.name.size());
  char fixed[sizeof(name_size)];
  std::memcpy(fixed, &name_size, sizeof(name_size));
  out->append(fixed, sizeof(fixed));
  out->append(view.name);
  char version[sizeof(view.version)];
  std::memcpy(version, &view.version, sizeof(version));
  out->append(version, sizeof(version));
  out->append(entity_key);
}

CachedOnlineStore::CachedOnlineStore(std::unique_ptr<OnlineStore> inner, size_t capacity_bytes)
    : inner_(std::move(inner)), cache_(capacity_bytes) {}

template <typename Row>
void CachedOnlineStore::EraseKeys(const ViewId& view, std::span<const Row> rows) {
  std::string key;
  for (const Row& row : rows) {
    key.clear();
    AppendRowCacheKey(view, row.entity_key, &key);
    cache_.Erase(key);
  }
}

// Each write erases after the inner store returns, whatever it returned: on
// an error the store may have applied a prefix.
Result<int64_t> CachedOnlineStore::Write(const ViewId& view, std::span<const OnlineWrite> rows) {
  Result<int64_t> written = inner_->Write(view, rows);
  EraseKeys(view, rows);
  return written;
}

Result<int64_t> CachedOnlineStore::WriteBulk(const ViewId& view,
                                             std::span<const OnlineWrite> rows) {
  Result<int64_t> written = inner_->WriteBulk(view, rows);
  if (rows.size() <= kEraseEachMax) {
    EraseKeys(view, rows);
  } else {
    cache_.EraseAll();
  }
  return written;
}

Status CachedOnlineStore::CompareAndWrite(const ViewId& view,
                                          std::span<const OnlineCompareWrite> rows,
                                          std::vector<uint8_t>* stored) {
  Status status = inner_->CompareAndWrite(view, rows, stored);
  EraseKeys(view, rows);
  return status;
}

Status CachedOnlineStore::DeleteView(const ViewId& view) {
  Status status = inner_->DeleteView(view);
  cache_.EraseAll();
  return status;
}

namespace {

// A thread's buffers for Read, reused from call to call (the serving hot
// path allocates nothing once warm).
struct ReadScratch {
  std::string key;        // the lookup being tried
  std::string miss_keys;  // the missed lookups' keys, one after another
  std::vector<size_t> miss_ends;
  std::vector<size_t> miss_at;  // their positions in the call
  std::vector<RowCache::Ticket> tickets;
  std::vector<OnlineLookup> miss_lookups;
  std::vector<std::optional<OnlineRow>> miss_rows;
};

}  // namespace

Status CachedOnlineStore::Read(std::span<const OnlineLookup> lookups,
                               std::vector<std::optional<OnlineRow>>* out) {
  out->resize(lookups.size());
  thread_local ReadScratch s;
  s.miss_keys.clear();
  s.miss_ends.clear();
  s.miss_at.clear();
  s.tickets.clear();
  s.miss_lookups.clear();
  for (size_t i = 0; i < lookups.size(); ++i) {
    s.key.clear();
    AppendRowCacheKey(*lookups[i].view, lookups[i].entity_key, &s.key);
    RowCache::Ticket ticket;
    if (cache_.Lookup(s.key, &(*out)[i], &ticket)) continue;
    s.miss_keys.append(s.key);
    s.miss_ends.push_back(s.miss_keys.size());
    s.miss_at.push_back(i);
    s.tickets.push_back(ticket);
    s.miss_lookups.push_back(lookups[i]);
  }
  if (s.miss_at.empty()) return Status::OK();
  TS_RETURN_NOT_OK(inner_->Read(s.miss_lookups, &s.miss_rows));
  size_t start = 0;
  for (size_t j = 0; j < s.miss_at.size(); ++j) {
    const std::string_view key(s.miss_keys.data() + start, s.miss_ends[j] - start);
    start = s.miss_ends[j];
    cache_.Insert(key, s.miss_rows[j], s.tickets[j]);
    (*out)[s.miss_at[j]].swap(s.miss_rows[j]);
  }
  return Status::OK();
}

}  // namespace tessera::online
