#include "tessera/agg/moment_accumulators.h"

#include <cmath>
#include <limits>

#include "tessera/agg/exact_sum.h"
#include "tessera/agg/value_order.h"

namespace tessera::agg {

namespace {

bool IsIntegral(DataType t) { return t == DataType::Int32() || t == DataType::Int64(); }

void AddTo(ExactSum* sum, bool integral, const AggInput& v) {
  if (integral) {
    sum->AddInt(v.i);
  } else {
    sum->AddDouble(v.d);
  }
}

class MeanAccumulator final : public Accumulator {
 public:
  explicit MeanAccumulator(const AggSpec& spec)
      : Accumulator(spec), integral_(IsIntegral(spec.input)) {}
  void Reset() override { sum_.Clear(); }
  void Add(const AggInput& v, const EventRank&) override { AddTo(&sum_, integral_, v); }
  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    if (!sum_.MergeFrom(&in) || !in.done()) {
      return PartialReader::Corrupt(AggFunctionName(spec().function), "bad exact sum");
    }
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override { sum_.EncodeTo(out); }
  void AddToPartial(std::optional<std::string_view> partial, const AggInput& value,
                    const EventRank& rank, std::string* out) override {
    const bool fast = integral_ ? ExactSum::AddIntToEncoded(partial, value.i, out)
                                : ExactSum::AddDoubleToEncoded(partial, value.d, out);
    if (!fast) Accumulator::AddToPartial(partial, value, rank, out);
  }
  Value Finish() const override {
    if (sum_.count() == 0) return Value::Null(DataType::Double());
    const bool avg = spec().function == AggFunction::kAvg;
    return Value::Double(avg ? sum_.Mean() : sum_.Sum());
  }

 private:
  const bool integral_;
  ExactSum sum_;
};

// The double nearest to (n * S2 - S1^2) / (n * (n - 1)). REQUIRES: n >= 2,
// every value finite.
double SampleVariance(const ExactSum& s1, const SquareSum& s2) {
  BigNat a, b;
  bool negative;
  int64_t a_low, b_low;
  s1.GetExact(&a, &negative, &a_low);
  s2.GetExact(&b, &b_low);
  // S1^2 = a^2 * 2^(64 a_low - 2148) and S2 = b * 2^(32 b_low - 2148):
  // bring both to the lower power of two.
  const int64_t low = std::min(2 * a_low, b_low);
  const BigNat square = ShiftDigits(Mul(a, a), 2 * a_low - low);
  const BigNat scaled = ShiftDigits(MulSmall(b, s1.count()), b_low - low);
  if (Compare(scaled, square) <= 0) return 0.0;  // equal values (< only for bad partials)
  constexpr int64_t kGuardDigits = 6;            // the quotient keeps 54 bits beyond a double
  bool inexact_n, inexact_n1;
  const BigNat q1 =
      DivSmall(ShiftDigits(Sub(scaled, square), kGuardDigits), s1.count(), &inexact_n);
  const BigNat q = DivSmall(q1, s1.count() - 1, &inexact_n1);
  return RoundToDouble(q, false, 32 * (low - kGuardDigits) + SquareSum::kScale,
                       inexact_n || inexact_n1);
}

class VarianceAccumulator final : public Accumulator {
 public:
  explicit VarianceAccumulator(const AggSpec& spec)
      : Accumulator(spec), integral_(IsIntegral(spec.input)) {}
  void Reset() override {
    sum_.Clear();
    squares_.Clear();
  }
  void Add(const AggInput& v, const EventRank&) override {
    AddTo(&sum_, integral_, v);
    if (integral_) {
      squares_.AddInt(v.i);
    } else {
      squares_.AddDouble(v.d);
    }
  }
  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    if (!sum_.MergeFrom(&in) || !squares_.MergeFrom(&in) || !in.done()) {
      return PartialReader::Corrupt(AggFunctionName(spec().function), "bad exact sums");
    }
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override {
    sum_.EncodeTo(out);
    squares_.EncodeTo(out);
  }
  Value Finish() const override {
    if (sum_.count() < 2) return Value::Null(DataType::Double());
    if (sum_.Special()) return Value::Double(std::numeric_limits<double>::quiet_NaN());
    const double var = SampleVariance(sum_, squares_);
    return Value::Double(spec().function == AggFunction::kVar ? var : std::sqrt(var));
  }

 private:
  const bool integral_;
  ExactSum sum_;
  SquareSum squares_;
};

}  // namespace

std::unique_ptr<Accumulator> NewMeanAccumulator(const AggSpec& spec) {
  return std::make_unique<MeanAccumulator>(spec);
}
std::unique_ptr<Accumulator> NewVarianceAccumulator(const AggSpec& spec) {
  return std::make_unique<VarianceAccumulator>(spec);
}

}  // namespace tessera::agg
