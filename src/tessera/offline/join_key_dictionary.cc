#include "tessera/offline/join_key_dictionary.h"

#include <xxhash.h>

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
  uint64_t capacity = 16;
  while (capacity < static_cast<uint64_t>(n) * 2) capacity <<= 1;
  dict->mask_ = capacity - 1;
  dict->slot_id_.assign(capacity, kNoId);
  if (dict->int_mode_) {
    dict->slot_int_.resize(capacity);
  } else {
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
    if (dict->num_keys_ > INT32_MAX - 1) {
      return Status::OutOfRange("point-in-time join: the spine has more than 2^31 distinct keys");
    }
    (*row_ids)[static_cast<size_t>(i)] = id;
  }
  return dict;
}

int32_t JoinKeyDictionary::FindInt(int64_t key) const {
  for (uint64_t s = MixInt(key) & mask_;; s = (s + 1) & mask_) {
    int32_t id = slot_id_[s];
    if (id == kNoId || slot_int_[s] == key) return id;
  }
}

int32_t JoinKeyDictionary::InsertInt(int64_t key) {
  uint64_t s = MixInt(key) & mask_;
  for (; slot_id_[s] != kNoId; s = (s + 1) & mask_) {
    if (slot_int_[s] == key) return slot_id_[s];
  }
  slot_int_[s] = key;
  slot_id_[s] = static_cast<int32_t>(num_keys_++);
  return slot_id_[s];
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

void JoinKeyDictionary::Lookup(const std::vector<const Array*>& columns, int64_t begin,
                               int64_t end, int32_t* out) const {
  if (int_mode_) {
    const Array& a = *columns[0];
    const bool is32 = a.type().id() == TypeId::kInt32;
    const bool has_nulls = a.null_count() > 0;
    for (int64_t i = begin; i < end; ++i) {
      if (has_nulls && a.IsNull(i)) {
        out[i - begin] = kNoId;
        continue;
      }
      out[i - begin] = FindInt(is32 ? a.GetInt32(i) : a.GetInt64(i));
    }
    return;
  }
  std::string scratch;
  for (int64_t i = begin; i < end; ++i) {
    out[i - begin] = EncodeKey(columns, i, &scratch)
                         ? FindBytes(scratch, XXH3_64bits(scratch.data(), scratch.size()))
                         : kNoId;
  }
}

}  // namespace tessera::offline
