#include "tessera/online/memory_online_store.h"

namespace tessera::online {

Result<int64_t> MemoryOnlineStore::Write(const ViewId& view, std::span<const OnlineWrite> rows) {
  std::lock_guard lock(mu_);
  int64_t stored = 0;
  for (const OnlineWrite& w : rows) {
    Key key(view.name, view.version, std::string(w.entity_key));
    auto it = rows_.find(key);
    if (it != rows_.end() && w.rank < it->second.rank) continue;  // the stored row wins
    OnlineRow& row = rows_[std::move(key)];
    row.rank = w.rank;
    row.values.assign(w.values);
    ++stored;
  }
  return stored;
}

Status MemoryOnlineStore::CompareAndWrite(const ViewId& view,
                                          std::span<const OnlineCompareWrite> rows,
                                          std::vector<uint8_t>* stored) {
  std::lock_guard lock(mu_);
  stored->assign(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const OnlineCompareWrite& w = rows[i];
    Key key(view.name, view.version, std::string(w.entity_key));
    auto it = rows_.find(key);
    const bool unchanged = it == rows_.end()
                               ? w.expected == nullptr
                               : w.expected != nullptr && it->second.rank == w.expected->rank &&
                                     it->second.values == w.expected->values;
    if (!unchanged) continue;
    OnlineRow& row = rows_[std::move(key)];
    row.rank = w.rank;
    row.values.assign(w.values);
    (*stored)[i] = 1;
  }
  return Status::OK();
}

Status MemoryOnlineStore::Read(std::span<const OnlineLookup> lookups,
                               std::vector<std::optional<OnlineRow>>* out) {
  std::lock_guard lock(mu_);
  out->assign(lookups.size(), std::nullopt);
  for (size_t i = 0; i < lookups.size(); ++i) {
    const OnlineLookup& l = lookups[i];
    auto it = rows_.find(Key(l.view->name, l.view->version, std::string(l.entity_key)));
    if (it != rows_.end()) (*out)[i] = it->second;
  }
  return Status::OK();
}

Status MemoryOnlineStore::DeleteView(const ViewId& view) {
  std::lock_guard lock(mu_);
  std::erase_if(rows_, [&](const auto& kv) {
    return std::get<0>(kv.first) == view.name && std::get<1>(kv.first) == view.version;
  });
  return Status::OK();
}

int64_t MemoryOnlineStore::size() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(rows_.size());
}

}  // namespace tessera::online
