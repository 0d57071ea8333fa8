#include "tessera/agg/hyperloglog.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "tessera/agg/value_order.h"
#include "tessera/core/coding.h"

namespace tessera::agg {

void HyperLogLog::Clear() {
  sparse_.clear();
  dense_.clear();
}

void HyperLogLog::AddHash(uint64_t hash) {
  const uint32_t index = static_cast<uint32_t>(hash >> (64 - kPrecision));
  const uint64_t rest = hash << kPrecision;
  const uint8_t rank = rest == 0 ? kMaxRank : static_cast<uint8_t>(std::countl_zero(rest) + 1);
  Raise(index, rank);
}

void HyperLogLog::Raise(uint32_t index, uint8_t rank) {
  if (dense()) {
    dense_[index] = std::max(dense_[index], rank);
    return;
  }
  auto at = std::lower_bound(sparse_.begin(), sparse_.end(), index << 8);
  if (at != sparse_.end() && (*at >> 8) == index) {
    if ((*at & 0xFF) < rank) *at = (index << 8) | rank;
    return;
  }
  sparse_.insert(at, (index << 8) | rank);
  if (sparse_.size() > kSparseMemoryMax) ToDense();
}

void HyperLogLog::ToDense() {
  dense_.assign(kRegisters, 0);
  for (uint32_t e : sparse_) dense_[e >> 8] = static_cast<uint8_t>(e & 0xFF);
  sparse_.clear();
  sparse_.shrink_to_fit();
}

namespace {

// Ertl's sigma and tau (2017, algorithm 6).
double Sigma(double x) {
  if (x == 1) return INFINITY;
  double y = 1, z = x, previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

double Tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z != previous);
  return z / 3;
}

}  // namespace

int64_t HyperLogLog::Estimate() const {
  int64_t histogram[kMaxRank + 1] = {};
  if (dense()) {
    for (uint8_t r : dense_) ++histogram[r];
  } else {
    histogram[0] = kRegisters - static_cast<int64_t>(sparse_.size());
    for (uint32_t e : sparse_) ++histogram[e & 0xFF];
  }
  const double m = kRegisters;
  double z = m * Tau(1 - static_cast<double>(histogram[kMaxRank]) / m);
  for (int k = kMaxRank - 1; k >= 1; --k) z = 0.5 * (z + static_cast<double>(histogram[k]));
  z += m * Sigma(static_cast<double>(histogram[0]) / m);
  constexpr double kAlphaInf = 0.72134752044448170368;  // 1 / (2 ln 2)
  return static_cast<int64_t>(std::llround(kAlphaInf * m * m / z));
}

void HyperLogLog::EncodeTo(std::string* out) const {
  std::vector<uint32_t> from_dense;
  const std::vector<uint32_t>* entries = &sparse_;
  if (dense()) {
    for (uint32_t j = 0; j < kRegisters; ++j) {
      if (dense_[j]) from_dense.push_back((j << 8) | dense_[j]);
    }
    if (from_dense.size() > kSparseMax) {
      out->push_back(1);
      out->append(reinterpret_cast<const char*>(dense_.data()), dense_.size());
      return;
    }
    entries = &from_dense;
  }
  out->push_back(0);
  PutVarint64(out, entries->size());
  uint32_t previous = 0;
  for (uint32_t e : *entries) {
    PutVarint64(out, (e >> 8) - previous);
    out->push_back(static_cast<char>(e & 0xFF));
    previous = e >> 8;
  }
}

bool HyperLogLog::MergeFrom(PartialReader* in) {
  uint8_t tag;
  if (!in->GetByte(&tag) || tag > 1) return false;
  if (tag == 1) {
    std::string_view ranks;
    if (!in->GetBytes(kRegisters, &ranks)) return false;
    for (uint32_t j = 0; j < kRegisters; ++j) {
      const uint8_t r = static_cast<uint8_t>(ranks[j]);
      if (r > kMaxRank) return false;
      if (r) Raise(j, r);
    }
    return true;
  }
  uint64_t count, index = 0;
  if (!in->GetVarint64(&count) || count > kRegisters) return false;
  scratch_.clear();
  for (uint64_t j = 0; j < count; ++j) {
    uint64_t delta;
    uint8_t rank;
    if (!in->GetVarint64(&delta) || !in->GetByte(&rank)) return false;
    index += delta;
    if ((j > 0 && delta == 0) || index >= kRegisters || rank == 0 || rank > kMaxRank) return false;
    scratch_.push_back(static_cast<uint32_t>(index << 8) | rank);
  }
  MergeSparse();
  return true;
}

// Merges the sorted entries in scratch_ in one pass (Raise one by one
// would shift the sparse vector for each).
void HyperLogLog::MergeSparse() {
  if (!dense() && sparse_.size() + scratch_.size() > kSparseMemoryMax) ToDense();
  if (dense()) {
    for (uint32_t e : scratch_) Raise(e >> 8, static_cast<uint8_t>(e & 0xFF));
    return;
  }
  std::vector<uint32_t>& merged = merged_;
  merged.clear();
  size_t a = 0, b = 0;
  while (a < sparse_.size() || b < scratch_.size()) {
    const uint32_t ia = a < sparse_.size() ? sparse_[a] >> 8 : kRegisters;
    const uint32_t ib = b < scratch_.size() ? scratch_[b] >> 8 : kRegisters;
    if (ia < ib) {
      merged.push_back(sparse_[a++]);
    } else if (ib < ia) {
      merged.push_back(scratch_[b++]);
    } else {
      merged.push_back(std::max(sparse_[a++], scratch_[b++]));  // same index: larger rank
    }
  }
  sparse_.swap(merged);
}

uint64_t HashValue(DataType type, const AggInput& v) {
  char bytes[8];
  switch (type.id()) {
    case TypeId::kBool: {
      const char b = v.i ? 1 : 0;
      return XXH64(&b, 1, 0);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const double d = v.d == 0 ? 0.0 : CanonicalDouble(v.d);  // -0.0 and NaNs as one
      EncodeFixed64(bytes, std::bit_cast<uint64_t>(d));
      return XXH64(bytes, 8, 0);
    }
    case TypeId::kString:
    case TypeId::kBytes: return XXH64(v.s.data(), v.s.size(), 0);
    default:  // int32, int64, timestamp: the value as int64
      EncodeFixed64(bytes, static_cast<uint64_t>(v.i));
      return XXH64(bytes, 8, 0);
  }
}

namespace {

class HyperLogLogAccumulator final : public Accumulator {
 public:
  explicit HyperLogLogAccumulator(const AggSpec& spec) : Accumulator(spec) {}
  void Reset() override { sketch_.Clear(); }
  void Add(const AggInput& v, const EventRank&) override {
    sketch_.AddHash(HashValue(spec().input, v));
  }
  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    if (!sketch_.MergeFrom(&in) || !in.done()) {
      return PartialReader::Corrupt("approx_count_distinct", "bad registers");
    }
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override { sketch_.EncodeTo(out); }
  Value Finish() const override { return Value::Int64(sketch_.Estimate()); }

 private:
  HyperLogLog sketch_;
};

}  // namespace

std::unique_ptr<Accumulator> NewHyperLogLogAccumulator(const AggSpec& spec) {
  return std::make_unique<HyperLogLogAccumulator>(spec);
}

}  // namespace tessera::agg
