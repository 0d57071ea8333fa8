#include "tessera/offline/spine_slots.h"

#include <algorithm>

namespace tessera::offline {

SpineSlots::SpineSlots(const std::vector<int32_t>& row_ids, int64_t num_ids, const Array& times) {
  const int64_t n = static_cast<int64_t>(row_ids.size());
  const int64_t* t = times.values<int64_t>();
  // Counting sort of the spine rows by key id, then each key's rows by time.
  std::vector<int64_t> start(static_cast<size_t>(num_ids) + 1, 0);
  for (int64_t r = 0; r < n; ++r) {
    if (row_ids[static_cast<size_t>(r)] >= 0 && times.IsValid(r)) {
      ++start[static_cast<size_t>(row_ids[static_cast<size_t>(r)]) + 1];
    }
  }
  for (int64_t k = 0; k < num_ids; ++k)
    start[static_cast<size_t>(k) + 1] += start[static_cast<size_t>(k)];
  std::vector<int64_t> order(static_cast<size_t>(start.back()));
  std::vector<int64_t> fill(start.begin(), start.end() - 1);
  for (int64_t r = 0; r < n; ++r) {
    int32_t id = row_ids[static_cast<size_t>(r)];
    if (id >= 0 && times.IsValid(r))
      order[static_cast<size_t>(fill[static_cast<size_t>(id)]++)] = r;
  }
  row_slot_.assign(static_cast<size_t>(n), kNoSlot);
  key_first_slot_.resize(static_cast<size_t>(num_ids) + 1);
  slot_time_.reserve(order.size());
  for (int64_t k = 0; k < num_ids; ++k) {
    auto first = order.begin() + start[static_cast<size_t>(k)];
    auto last = order.begin() + start[static_cast<size_t>(k) + 1];
    std::sort(first, last, [t](int64_t a, int64_t b) { return t[a] < t[b]; });
    key_first_slot_[static_cast<size_t>(k)] = static_cast<int64_t>(slot_time_.size());
    for (auto it = first; it != last; ++it) {
      if (slot_time_.size() == static_cast<size_t>(key_first_slot_[static_cast<size_t>(k)]) ||
          slot_time_.back() != t[*it]) {
        slot_time_.push_back(t[*it]);
      }
      row_slot_[static_cast<size_t>(*it)] = static_cast<int64_t>(slot_time_.size()) - 1;
    }
  }
  key_first_slot_[static_cast<size_t>(num_ids)] = static_cast<int64_t>(slot_time_.size());
}

const int64_t* SpineSlots::LowerBound(const int64_t* begin, const int64_t* end, int64_t e) {
  return std::lower_bound(begin, end, e);
}

void SpineSlots::FindMany(const int32_t* ids, const int64_t* e, int64_t n, int64_t ttl,
                          int64_t* out) const {
  // In blocks, in stages: prefetch each row's key entry, then its first
  // slot time, then search, so the cache misses of a block overlap.
  constexpr int64_t kBlock = 64;
  int64_t first[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; ++i) {
      if (ids[b + i] >= 0) __builtin_prefetch(&key_first_slot_[static_cast<size_t>(ids[b + i])]);
    }
    for (int64_t i = 0; i < m; ++i) {
      if (ids[b + i] < 0) continue;
      first[i] = key_first_slot_[static_cast<size_t>(ids[b + i])];
      __builtin_prefetch(slot_time_.data() + first[i]);
    }
    for (int64_t i = 0; i < m; ++i) {
      const int32_t id = ids[b + i];
      out[b + i] =
          id < 0 ? kNoSlot
                 : FindIn(first[i], key_first_slot_[static_cast<size_t>(id) + 1], e[b + i], ttl);
    }
  }
}

}  // namespace tessera::offline
