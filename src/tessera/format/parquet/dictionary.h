// DictionaryBuilder<T>: the dictionary of one column chunk being written
// with RLE_DICTIONARY encoding. Maps each distinct value to a dense index in
// first-seen order, and encodes the dictionary page (PLAIN).
//
// T is int32_t, int64_t, float, double (distinct bit patterns are distinct
// entries, so -0.0 and 0.0, and NaN payloads, round-trip exactly) or
// std::string_view. String views are not copied: they point into the arrays
// being written, which the caller keeps alive until the chunk is finished.
//
// Open addressing with linear probing over a power-of-two table kept at most
// half full; each slot caches the 64-bit hash (or, for fixed-width values,
// the bit pattern itself) so most probes never touch the value array.
// Thread-compatible.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tessera/core/coding.h"

namespace tessera::parquet {

uint64_t HashBytes(const char* data, size_t size);

inline uint64_t MixBits(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

template <typename T>
class DictionaryBuilder {
 public:
  static constexpr bool kIsBinary = std::is_same_v<T, std::string_view>;

  DictionaryBuilder() { slots_.assign(kInitialSlots, Slot{0, 0}); }

  // The index of `v`, inserting it when new.
  uint32_t GetOrInsert(T v) {
    const uint64_t key = KeyOf(v);
    size_t mask = slots_.size() - 1;
    size_t pos = MixBits(key) & mask;
    while (true) {
      Slot& s = slots_[pos];
      if (s.index_plus_one == 0) break;
      if (s.key == key && Same(s.index_plus_one - 1, v)) return s.index_plus_one - 1;
      pos = (pos + 1) & mask;
    }
    const uint32_t index = static_cast<uint32_t>(values_.size());
    slots_[pos] = Slot{key, index + 1};
    values_.push_back(v);
    if constexpr (kIsBinary) {
      byte_size_ += 4 + static_cast<int64_t>(v.size());
    } else {
      byte_size_ += sizeof(T);
    }
    if (values_.size() * 2 > slots_.size()) Grow();
    return index;
  }

  // Empties the dictionary but keeps its memory, so the next column chunk
  // does not pay for growing (and page-faulting) the table again.
  void Clear() {
    values_.clear();
    byte_size_ = 0;
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0});
  }

  int64_t size() const { return static_cast<int64_t>(values_.size()); }
  // Bytes of the PLAIN-encoded dictionary page body.
  int64_t byte_size() const { return byte_size_; }
  // Appends the PLAIN encoding of the entries, in index order.
  void EncodePlain(std::string* out) const {
    if constexpr (kIsBinary) {
      out->reserve(out->size() + static_cast<size_t>(byte_size_));
      for (std::string_view v : values_) {
        PutFixed32(out, static_cast<uint32_t>(v.size()));
        out->append(v.data(), v.size());
      }
    } else {
      out->append(reinterpret_cast<const char*>(values_.data()), values_.size() * sizeof(T));
    }
  }

 private:
  static constexpr size_t kInitialSlots = 1024;
  struct Slot {
    uint64_t key;             // bit pattern (fixed width) or hash (binary)
    uint32_t index_plus_one;  // 0 = empty
  };

  static uint64_t KeyOf(T v) {
    if constexpr (kIsBinary) {
      return HashBytes(v.data(), v.size());
    } else {
      uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof(T));
      return bits;
    }
  }
  bool Same(uint32_t index, T v) const {
    if constexpr (kIsBinary) {
      return values_[index] == v;
    } else {
      return true;  // equal keys are equal bit patterns
    }
  }
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{0, 0});
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index_plus_one == 0) continue;
      size_t pos = MixBits(s.key) & mask;
      while (slots_[pos].index_plus_one != 0) pos = (pos + 1) & mask;
      slots_[pos] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<T> values_;
  int64_t byte_size_ = 0;
};

}  // namespace tessera::parquet
