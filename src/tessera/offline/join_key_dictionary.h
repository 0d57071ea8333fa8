// JoinKeyDictionary: dense ids 0..size()-1 for the distinct keys of a
// spine's key columns, so the point-in-time join (point_in_time_join.h)
// works on small integers instead of key values. View rows are looked up
// against it; a key the spine does not hold has no id, and such rows are
// dropped as they stream in.
//
// Keys match as EntityKey does (core/entity_key.h): an int32 part equals
// the int64 part of the same value; strings and bytes compare bytewise; a
// key with a null part matches nothing (its id is kNoId). REQUIRES (checked
// by the join, not here): part i of a looked-up key has the same kind
// (integer, string, bytes) as spine column i.
//
// Two layouts, chosen by Build: one integer part (the common case: a flat
// open-addressing table of int64 keys), or any other key (each key encoded
// to bytes: integers as 8 bytes, strings and bytes length-prefixed, so the
// encoding is prefix-free; bytes kept in one arena, hashed with XXH3).
//
// Thread-safety: immutable after Build; Lookup may run on many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/result.h"

namespace tessera::offline {

class JoinKeyDictionary {
 public:
  static constexpr int32_t kNoId = -1;

  // Ids for the keys of `columns` (one per key part, all of one length), in
  // order of first appearance; `row_ids` gets one id per row (kNoId for a
  // row with a null part). OutOfRange past 2^31 - 1 distinct keys.
  static Result<std::unique_ptr<JoinKeyDictionary>> Build(const std::vector<const Array*>& columns,
                                                          std::vector<int32_t>* row_ids);

  int64_t size() const { return num_keys_; }

  // out[i - begin] = the id of row i of `columns` (same parts as Build's),
  // or kNoId, for i in [begin, end).
  void Lookup(const std::vector<const Array*>& columns, int64_t begin, int64_t end,
              int32_t* out) const;

 private:
  JoinKeyDictionary() = default;
  // The id of `key`, or kNoId; Insert* adds it when absent.
  // Probes from table slot `s` (the key's hash slot).
  int32_t FindInt(int64_t key, uint64_t s) const;
  void LookupInt(const Array& a, int64_t begin, int64_t end, int32_t* out) const;
  int32_t InsertInt(int64_t key);
  int32_t FindBytes(const std::string& key, uint64_t hash) const;
  int32_t InsertBytes(const std::string& key, uint64_t hash);
  // Doubles the table (kept at most half full).
  void Grow();

  bool int_mode_ = true;
  int64_t num_keys_ = 0;
  uint64_t mask_ = 0;  // capacity - 1 (capacity a power of two)
  // Int mode: key and id side by side, so a probe touches one cache line.
  struct IntSlot {
    int64_t key;
    int32_t id;  // kNoId when empty
  };
  std::vector<IntSlot> int_slots_;
  std::vector<int32_t> slot_id_;     // bytes mode, per table slot: id, or kNoId when empty
  std::vector<uint64_t> slot_hash_;  // bytes mode: the hash of the slot's key
  std::vector<int64_t> key_offset_;  // bytes mode: id -> [offset[id], offset[id + 1]) of arena_
  std::string arena_;
};

}  // namespace tessera::offline
