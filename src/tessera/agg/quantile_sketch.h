// QuantileSketch: a deterministic, mergeable relative-error sketch for
// approx_percentile (in the spirit of DDSketch: counts per logarithmic
// bucket, so its content is a function of the multiset alone, unlike KLL
// or t-digest whose state depends on arrival order).
//
// Buckets come from a double's bits, not from log(): a normal |x| falls in
// the bucket of its binary exponent and the top 6 bits of its mantissa
// (64 buckets per power of two), so every machine computes the same bucket
// without libm. A bucket [lo, hi) is represented by its midpoint, within
// relative error 1/128 (< 0.79%) of every value in it. Negative values use
// the mirrored buckets; zeros and subnormals (|x| < 2^-1022) share one
// bucket represented by 0; -inf, +inf and NaN have their own (NaN
// greatest, as in value_order.h).
//
// Quantile(p) is the value at 0-based position floor(p * (n - 1)) of the
// sorted multiset, to within that relative error: the representative of
// the bucket holding that position, clamped to the exact minimum and
// maximum; positions 0 and n - 1 give the exact minimum and maximum (so
// one value, p = 0 and p = 1 are exact).
//
// Partial: varint bucket count, then per bucket (ascending) the key (the
// first zigzagged, then varint differences) and a varint count, then the
// minimum and maximum as 8-byte doubles when not empty.
//
// Thread-safety: none; a plain value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tessera/agg/accumulator.h"
#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

class QuantileSketch {
 public:
  void Clear();
  void Add(double x);
  uint64_t count() const { return n_; }
  // REQUIRES: count() > 0, p in [0, 1].
  double Quantile(double p) const;

  void EncodeTo(std::string* out) const;
  [[nodiscard]] bool MergeFrom(PartialReader* in);

  // The bucket key of x (order-preserving) and a key's representative.
  static int32_t KeyOf(double x);
  static double Representative(int32_t key);

 private:
  using Bucket = std::pair<int32_t, uint64_t>;  // key, count
  void MergeBuckets(const std::vector<Bucket>& more);
  void Extend(double lo, double hi);

  uint64_t n_ = 0;
  std::vector<Bucket> buckets_;           // ascending keys, counts > 0
  double min_ = 0, max_ = 0;              // exact, by value_order.h's total order
  std::vector<Bucket> scratch_, merged_;  // reused by MergeFrom
};

// REQUIRES: spec.function == kApproxPercentile, a numeric input.
std::unique_ptr<Accumulator> NewQuantileAccumulator(const AggSpec& spec);

}  // namespace tessera::agg
