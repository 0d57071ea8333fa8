// MemoryOnlineStore: an OnlineStore in a std::map, for tests (the reference
// the contract tests hold the real backends to) and for callers that want
// no disk. Not persistent.
//
// Thread-safety: as OnlineStore (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "tessera/online/online_store.h"

namespace tessera::online {

class MemoryOnlineStore final : public OnlineStore {
 public:
  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override;
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override;
  Status DeleteView(const ViewId& view) override;
  Status Ping() override { return Status::OK(); }
  std::string Describe() const override { return "memory"; }

  // Rows stored, over all views (for tests).
  int64_t size() const;

 private:
  // (view name, version, entity key) -> row
  using Key = std::tuple<std::string, int64_t, std::string>;
  mutable std::mutex mu_;
  std::map<Key, OnlineRow> rows_;
};

}  // namespace tessera::online
