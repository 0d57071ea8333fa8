#include "tessera/agg/basic_accumulators.h"

#include <limits>

#include "tessera/agg/partial_coding.h"
#include "tessera/agg/value_order.h"

namespace tessera::agg {

namespace {

class CountAccumulator final : public Accumulator {
 public:
  explicit CountAccumulator(const AggSpec& spec) : Accumulator(spec) {}
  void Reset() override { n_ = 0; }
  void Add(const AggInput&, const EventRank&) override { ++n_; }
  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    uint64_t n;
    if (!in.GetVarint64(&n) || !in.done()) return PartialReader::Corrupt("count", "bad count");
    n_ += n;
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override { PutVarint64(out, n_); }
  // The count plus one, read and written as MergeEncoded and EncodeTo do.
  void AddToPartial(std::optional<std::string_view> partial, const AggInput&, const EventRank&,
                    std::string* out) override {
    uint64_t n = 0;
    if (partial) {
      PartialReader in(*partial);
      // Cannot fail (the REQUIRES); a failure would have left n_ at 0.
      if (!in.GetVarint64(&n) || !in.done()) n = 0;
    }
    PutVarint64(out, n + 1);
  }
  Value Finish() const override { return Value::Int64(static_cast<int64_t>(n_)); }

 private:
  uint64_t n_ = 0;
};

// Sums in 128 bits: 2^64 values of magnitude 2^63 cannot leave it, so the
// sum is exact and only the final result can overflow int64.
class IntSumAccumulator final : public Accumulator {
 public:
  explicit IntSumAccumulator(const AggSpec& spec) : Accumulator(spec) {}
  void Reset() override {
    n_ = 0;
    sum_ = 0;
  }
  void Add(const AggInput& v, const EventRank&) override {
    ++n_;
    sum_ += v.i;
  }
  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    uint64_t n;
    __int128 sum;
    if (!in.GetVarint64(&n) || !in.GetZigZag128(&sum) || !in.done()) {
      return PartialReader::Corrupt("sum", "truncated or trailing bytes");
    }
    if (n == 0 && sum != 0) return PartialReader::Corrupt("sum", "a sum of no values");
    n_ += n;
    // Wrapping addition: bad bytes must not be undefined behaviour.
    using U = unsigned __int128;
    sum_ = static_cast<__int128>(static_cast<U>(sum_) + static_cast<U>(sum));
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override {
    PutVarint64(out, n_);
    PutZigZag128(out, sum_);
  }
  Value Finish() const override {
    if (n_ == 0 || overflowed()) return Value::Null(DataType::Int64());
    return Value::Int64(static_cast<int64_t>(sum_));
  }
  bool overflowed() const override {
    return n_ > 0 && (sum_ > std::numeric_limits<int64_t>::max() ||
                      sum_ < std::numeric_limits<int64_t>::min());
  }

 private:
  uint64_t n_ = 0;
  __int128 sum_ = 0;
};

// min and max: one kept value.
class ExtremeAccumulator final : public Accumulator {
 public:
  explicit ExtremeAccumulator(const AggSpec& spec)
      : Accumulator(spec), kind_(KindOf(spec.input)), max_(spec.function == AggFunction::kMax) {}
  void Reset() override { has_ = false; }
  void Add(const AggInput& v, const EventRank&) override {
    if (!has_ || Better(v)) {
      value_.Assign(kind_, v);
      has_ = true;
    }
  }
  Status MergeEncoded(std::string_view partial) override {
    if (partial.empty()) return Status::OK();
    PartialReader in(partial);
    AggInput v;
    if (!DecodeValue(kind_, &in, &v) || !in.done()) {
      return PartialReader::Corrupt(AggFunctionName(spec().function), "bad value");
    }
    Add(v, EventRank{});
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override {
    if (has_) EncodeValue(kind_, value_.ref(), out);
  }
  // The base class's steps without its virtual calls (and, for numbers,
  // without the kept value: each window-state Add does this per tile).
  void AddToPartial(std::optional<std::string_view> partial, const AggInput& value,
                    const EventRank&, std::string* out) override {
    if (kind_ == ValueKind::kFloat) {
      double old;
      PartialReader in(partial.value_or(std::string_view()));
      // As MergeEncoded: an empty or bad partial holds no value.
      const bool has_old = partial && !partial->empty() && in.GetDouble(&old) && in.done();
      const uint64_t key = DoubleOrderKey(value.d);
      const bool better =
          !has_old || (max_ ? key > DoubleOrderKey(old) : key < DoubleOrderKey(old));
      PutDouble(out, CanonicalDouble(better ? value.d : old));
      return;
    }
    if (kind_ == ValueKind::kInt) {
      int64_t old;
      PartialReader in(partial.value_or(std::string_view()));
      const bool has_old = partial && !partial->empty() && in.GetZigZag64(&old) && in.done();
      const bool better = !has_old || (max_ ? value.i > old : value.i < old);
      PutZigZag64(out, better ? value.i : old);
      return;
    }
    has_ = false;
    if (partial && !partial->empty()) {
      PartialReader in(*partial);
      AggInput old;
      // Cannot fail (the REQUIRES); as MergeEncoded, a bad value is skipped.
      if (DecodeValue(kind_, &in, &old) && in.done()) {
        value_.Assign(kind_, old);
        has_ = true;
      }
    }
    if (!has_ || Better(value)) value_.Assign(kind_, value);
    EncodeValue(kind_, value_.ref(), out);
  }
  Value Finish() const override {
    return has_ ? ToValue(spec().output, value_.ref()) : Value::Null(spec().output);
  }

 private:
  bool Better(const AggInput& v) const {
    const auto c = CompareValues(kind_, v, value_.ref());
    return max_ ? c > 0 : c < 0;
  }

  const ValueKind kind_;
  const bool max_;
  bool has_ = false;
  OwnedValue value_;
};

// first and last: the (rank, value) pair that is smallest (first) or
// largest (last); equal ranks fall back to the value order.
class RankedAccumulator final : public Accumulator {
 public:
  explicit RankedAccumulator(const AggSpec& spec)
      : Accumulator(spec), kind_(KindOf(spec.input)), last_(spec.function == AggFunction::kLast) {}
  void Reset() override { has_ = false; }
  void Add(const AggInput& v, const EventRank& rank) override {
    if (!has_ || Better(v, rank)) {
      value_.Assign(kind_, v);
      rank_ = rank;
      has_ = true;
    }
  }
  Status MergeEncoded(std::string_view partial) override {
    if (partial.empty()) return Status::OK();
    PartialReader in(partial);
    EventRank rank;
    AggInput v;
    if (!in.GetRank(&rank) || !DecodeValue(kind_, &in, &v) || !in.done()) {
      return PartialReader::Corrupt(AggFunctionName(spec().function), "bad rank or value");
    }
    Add(v, rank);
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override {
    if (!has_) return;
    PutRank(out, rank_);
    EncodeValue(kind_, value_.ref(), out);
  }
  Value Finish() const override {
    return has_ ? ToValue(spec().output, value_.ref()) : Value::Null(spec().output);
  }

 private:
  bool Better(const AggInput& v, const EventRank& rank) const {
    auto c = rank <=> rank_;
    if (c == 0) c = CompareValues(kind_, v, value_.ref());
    return last_ ? c > 0 : c < 0;
  }

  const ValueKind kind_;
  const bool last_;
  bool has_ = false;
  EventRank rank_;
  OwnedValue value_;
};

}  // namespace

std::unique_ptr<Accumulator> NewCountAccumulator(const AggSpec& spec) {
  return std::make_unique<CountAccumulator>(spec);
}
std::unique_ptr<Accumulator> NewIntSumAccumulator(const AggSpec& spec) {
  return std::make_unique<IntSumAccumulator>(spec);
}
std::unique_ptr<Accumulator> NewExtremeAccumulator(const AggSpec& spec) {
  return std::make_unique<ExtremeAccumulator>(spec);
}
std::unique_ptr<Accumulator> NewRankedAccumulator(const AggSpec& spec) {
  return std::make_unique<RankedAccumulator>(spec);
}

}  // namespace tessera::agg
