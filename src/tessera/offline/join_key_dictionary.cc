#include "tessera/offline/join_key_dictionary.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace tessera::offline {

namespace {

// MurmurHash3's finalizer: a cheap, well-mixed hash of an integer key.
inline uint64_t MixInt(int64_t key) {
  uint64_t h = static_cast<uint64_t>(key);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Part `row` of an integer column, widened; REQUIRES: valid.
inline int64_t IntAt(const Array& a, int64_t row) {
  return a.type().id() == TypeId::kInt32 ? a.GetInt32(row) : a.GetInt64(row);
}

// The prefix-free encoding of row `row`'s key, or false for a null part.
bool EncodeKey(const std::vector<const Array*>& columns, int64_t row, std::string* out) {
  out->clear();
  if (columns.size() == 1 && columns[0]->type().is_binary_like()) {
    if (columns[0]->IsNull(row)) return false;
    out->assign(columns[0]->GetView(row));  // one part: no prefix needed
    return true;
  }
  for (const Array* a : columns) {
    if (a->IsNull(row)) return false;
    if (a->type().is_binary_like()) {
      std::string_view v = a->GetView(row);
      uint64_t n = v.size();
      out->append(reinterpret_cast<const char*>(&n), sizeof(n));
      out->append(v);
    } else {
      int64_t v = IntAt(*a, row);
      out->append(reinterpret_cast<const char*>(&v), sizeof(v));
    }
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<JoinKeyDictionary>> JoinKeyDictionary::Build(
    const std::vector<const Array*>& columns, std::vector<int32_t>* row_ids) {
  auto dict = std::unique_ptr<JoinKeyDictionary>(new JoinKeyDictionary());
  dict->int_mode_ = columns.size() == 1 && !columns[0]->type().is_binary_like();
  const int64_t n = columns.empty() ? 0 : columns[0]->length();
  // Sized for distinct keys, not rows: the table doubles as keys arrive.
  const uint64_t capacity = 1024;
  dict->mask_ = capacity - 1;
  if (dict->int_mode_) {
    dict->int_slots_.assign(capacity, IntSlot{0, kNoId});
  } else {
    dict->slot_id_.assign(capacity, kNoId);
    dict->slot_hash_.resize(capacity);
    dict->key_offset_.push_back(0);
  }
  row_ids->resize(static_cast<size_t>(n));
  std::string scratch;
  for (int64_t i = 0; i < n; ++i) {
    int32_t id = kNoId;
    if (dict->int_mode_) {
      if (columns[0]->IsValid(i)) id = dict->InsertInt(IntAt(*columns[0], i));
    } else if (EncodeKey(columns, i, &scratch)) {
      id = dict->InsertBytes(scratch, XXH3_64bits(scratch.data(), scratch.size()));
    }
    if (static_cast<uint64_t>(dict->num_keys_) * 2 > dict->mask_) dict->Grow();
    if (dict->num_keys_ > INT32_MAX - 1) {
      return Status::OutOfRange("point-in-time join: the spine has more than 2^31 distinct keys");
    }
    (*row_ids)[static_cast<size_t>(i)] = id;
  }
  return dict;
}

int32_t JoinKeyDictionary::FindInt(int64_t key, uint64_t s) const {
  for (;; s = (s + 1) & mask_) {
    const IntSlot& slot = int_slots_[s];
    if (slot.id == kNoId || slot.key == key) return slot.id;
  }
}

int32_t JoinKeyDictionary::InsertInt(int64_t key) {
  uint64_t s = MixInt(key) & mask_;
  for (; int_slots_[s].id != kNoId; s = (s + 1) & mask_) {
    if (int_slots_[s].key == key) return int_slots_[s].id;
  }
  int_slots_[s] = IntSlot{key, static_cast<int32_t>(num_keys_++)};
  return int_slots_[s].id;
}

void JoinKeyDictionary::Grow() {
  const uint64_t capacity = (mask_ + 1) * 2;
  mask_ = capacity - 1;
  if (int_mode_) {
    std::vector<IntSlot> old(capacity, IntSlot{0, kNoId});
    old.swap(int_slots_);
    for (const IntSlot& slot : old) {
      if (slot.id == kNoId) continue;
      uint64_t s = MixInt(slot.key) & mask_;
      while (int_slots_[s].id != kNoId) s = (s + 1) & mask_;
      int_slots_[s] = slot;
    }
    return;
  }
  std::vector<int32_t> old_id(capacity, kNoId);
  std::vector<uint64_t> old_hash(capacity);
  old_id.swap(slot_id_);
  old_hash.swap(slot_hash_);
  for (size_t i = 0; i < old_id.size(); ++i) {
    if (old_id[i] == kNoId) continue;
    uint64_t s = old_hash[i] & mask_;
    while (slot_id_[s] != kNoId) s = (s + 1) & mask_;
    slot_id_[s] = old_id[i];
    slot_hash_[s] = old_hash[i];
  }
}

int32_t JoinKeyDictionary::FindBytes(const std::string& key, uint64_t hash) const {
  for (uint64_t s = hash & mask_;; s = (s + 1) & mask_) {
    int32_t id = slot_id_[s];
    if (id == kNoId) return kNoId;
    if (slot_hash_[s] != hash) continue;
    int64_t begin = key_offset_[static_cast<size_t>(id)];
    int64_t len = key_offset_[static_cast<size_t>(id) + 1] - begin;
    if (len == static_cast<int64_t>(key.size()) &&
        std::memcmp(arena_.data() + begin, key.data(), key.size()) == 0) {
      return id;
    }
  }
}

int32_t JoinKeyDictionary::InsertBytes(const std::string& key, uint64_t hash) {
  int32_t found = FindBytes(key, hash);
  if (found != kNoId) return found;
  uint64_t s = hash & mask_;
  while (slot_id_[s] != kNoId) s = (s + 1) & mask_;
  slot_hash_[s] = hash;
  slot_id_[s] = static_cast<int32_t>(num_keys_++);
  arena_.append(key);
  key_offset_.push_back(static_cast<int64_t>(arena_.size()));
  return slot_id_[s];
}

void JoinKeyDictionary::Lookup(const std::vector<const Array*>& columns, int64_t begin, int64_t end,
                               int32_t* out) const {
  if (int_mode_) {
    LookupInt(*columns[0], begin, end, out);
    return;
  }
  std::string scratch;
  for (int64_t i = begin; i < end; ++i) {
    out[i - begin] = EncodeKey(columns, i, &scratch)
                         ? FindBytes(scratch, XXH3_64bits(scratch.data(), scratch.size()))
                         : kNoId;
  }
}

void JoinKeyDictionary::LookupInt(const Array& a, int64_t begin, int64_t end, int32_t* out) const {
  // In blocks: hash and prefetch the whole block's table slots first, so
  // the cache misses of one block overlap instead of queueing.
  constexpr int64_t kBlock = 64;
  const bool is32 = a.type().id() == TypeId::kInt32;
  int64_t keys[kBlock];
  uint64_t pos[kBlock];
  for (int64_t b = begin; b < end; b += kBlock) {
    const int64_t m = std::min(kBlock, end - b);
    for (int64_t i = 0; i < m; ++i) {
      keys[i] = is32 ? a.GetInt32(b + i) : a.GetInt64(b + i);  // a null's slot is readable
      pos[i] = MixInt(keys[i]) & mask_;
      __builtin_prefetch(&int_slots_[pos[i]]);
    }
    for (int64_t i = 0; i < m; ++i) {
      out[b + i - begin] = a.IsNull(b + i) ? kNoId : FindInt(keys[i], pos[i]);
    }
  }
}

}  // namespace tessera::offline
