// HyperLogLog: the approximate number of distinct values of a multiset,
// for approx_count_distinct (docs/DEFINITIONS.md, "Aggregation
// semantics"). Order-insensitive and mergeable: the sketch is 4096
// registers (precision p = 12), register j the largest rank seen among
// hashes whose top 12 bits are j, where the rank is 1 + the number of
// leading zeros of the other 52 bits (53 when they are all zero); merge is
// the register-wise maximum. The estimate is Ertl's improved raw estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches",
// 2017, algorithm 6), which needs no bias tables or range switches and
// uses only +, *, / and sqrt, so it is the same on every machine. Standard
// error about 1.04 / sqrt(4096) = 1.6%.
//
// Values are hashed as hash_bucket hashes them (XXH64, seed 0, of the
// bytes docs/EXPRESSIONS.md lists), so int32 7 and int64 7 hash alike.
//
// In memory the registers are sparse (sorted (index, rank) pairs) while at
// most 256 are set, dense (4096 bytes) after: merging many partials is then
// one store per register. Neither form changes a result: the estimate and
// the encoding depend on the registers only. Partial (canonical, sparse
// while at most 1024 registers are set): a tag byte, 0 sparse (varint count, then per register the
// varint index difference from the previous one and the rank byte), 1 dense (4096 rank bytes).
//
// Thread-safety: none; a plain value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/agg/accumulator.h"
#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 12;
  static constexpr int kRegisters = 1 << kPrecision;
  static constexpr int kMaxRank = 64 - kPrecision + 1;  // 53
  static constexpr size_t kSparseMax = 1024;            // encoding
  static constexpr size_t kSparseMemoryMax = 256;       // memory

  void Clear();
  void AddHash(uint64_t hash);
  // Register-wise maximum with (index, rank).
  void Raise(uint32_t index, uint8_t rank);
  int64_t Estimate() const;

  void EncodeTo(std::string* out) const;
  [[nodiscard]] bool MergeFrom(PartialReader* in);

 private:
  bool dense() const { return !dense_.empty(); }
  void ToDense();
  void MergeSparse();

  std::vector<uint32_t> sparse_;   // (index << 8) | rank, ascending by index
  std::vector<uint8_t> dense_;     // kRegisters ranks once dense
  std::vector<uint32_t> scratch_;  // a decoded sparse partial
  std::vector<uint32_t> merged_;   // MergeSparse's output, swapped in
};

// XXH64 (seed 0) of `v` encoded as hash_bucket encodes a value of `type`.
uint64_t HashValue(DataType type, const AggInput& v);

// REQUIRES: spec.function == kApproxCountDistinct, a non-list input.
std::unique_ptr<Accumulator> NewHyperLogLogAccumulator(const AggSpec& spec);

}  // namespace tessera::agg
