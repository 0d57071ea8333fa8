// SpineSlots: the spine of a point-in-time join, seen from one view. Each
// distinct (key id, spine time) pair is a slot; slots are numbered by key
// id, then time, so the slots of one key are consecutive and increasing in
// time. A view row (key k, event_ts e) belongs to the first slot of k whose
// time is >= e: the row can only be picked for spine rows at that time or
// later, and among the rows of one slot only the best (point_in_time_join.h
// order) can ever be picked. That is what lets the join keep one candidate
// per slot instead of every view row.
//
// Memory: 8 bytes per spine row (its slot) plus 8 per slot and 8 per key.
// Thread-safety: immutable after Build; Find may run on many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/array.h"

namespace tessera::offline {

class SpineSlots {
 public:
  static constexpr int64_t kNoSlot = -1;

  // `row_ids`: the key id of each spine row (JoinKeyDictionary, -1 none);
  // `times`: the spine's timestamp column (a null time gets no slot).
  SpineSlots(const std::vector<int32_t>& row_ids, int64_t num_ids, const Array& times);

  int64_t num_slots() const { return static_cast<int64_t>(slot_time_.size()); }
  int64_t slot_time(int64_t slot) const { return slot_time_[static_cast<size_t>(slot)]; }
  // Slots of key `id`: [first_slot(id), first_slot(id + 1)).
  int64_t first_slot(int64_t id) const { return key_first_slot_[static_cast<size_t>(id)]; }
  int64_t num_ids() const { return static_cast<int64_t>(key_first_slot_.size()) - 1; }
  // The slot of spine row `row`, or kNoSlot (null key part or null time).
  int64_t row_slot(int64_t row) const { return row_slot_[static_cast<size_t>(row)]; }

  // The slot a view row (key `id`, event_ts `e`) belongs to, or kNoSlot
  // when no spine row of the key is at or after e, or when the ttl (> 0)
  // excludes the row for every such spine row (e <= slot time - ttl).
  int64_t Find(int32_t id, int64_t e, int64_t ttl) const {
    return FindIn(key_first_slot_[static_cast<size_t>(id)],
                  key_first_slot_[static_cast<size_t>(id) + 1], e, ttl);
  }
  // out[i] = Find(ids[i], e[i], ttl), or kNoSlot where ids[i] < 0, for
  // i < n; prefetches ahead, for long runs of rows.
  void FindMany(const int32_t* ids, const int64_t* e, int64_t n, int64_t ttl, int64_t* out) const;

  // True when a row at `e` may be picked for a spine row at `t` >= e under
  // `ttl` (0 = no bound): e > t - ttl, without overflow.
  static bool WithinTtl(int64_t e, int64_t t, int64_t ttl) {
    if (ttl <= 0) return true;
    int64_t bound;
    if (__builtin_sub_overflow(t, ttl, &bound)) return true;  // t - ttl below INT64_MIN
    return e > bound;
  }

 private:
  static const int64_t* LowerBound(const int64_t* begin, const int64_t* end, int64_t e);
  // Find among slots [first, last) of one key.
  int64_t FindIn(int64_t first, int64_t last, int64_t e, int64_t ttl) const {
    const int64_t* begin = slot_time_.data() + first;
    const int64_t* end = slot_time_.data() + last;
    const int64_t* it = begin;
    if (end - begin <= 8) {
      while (it < end && *it < e) ++it;
    } else {
      it = LowerBound(begin, end, e);
    }
    if (it == end || !WithinTtl(e, *it, ttl)) return kNoSlot;
    return it - slot_time_.data();
  }

  std::vector<int64_t> row_slot_;        // per spine row
  std::vector<int64_t> slot_time_;       // per slot
  std::vector<int64_t> key_first_slot_;  // per key id, plus one past the end
};

}  // namespace tessera::offline
