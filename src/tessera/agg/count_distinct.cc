#include "tessera/agg/count_distinct.h"

#include <algorithm>
#include <bit>
#include <string>
#include <unordered_set>
#include <vector>

#include "tessera/agg/partial_coding.h"
#include "tessera/agg/value_order.h"

namespace tessera::agg {

namespace {

// The 64-bit key of a number: equal keys for equal values as defined above.
uint64_t NumberKey(ValueKind kind, const AggInput& v) {
  if (kind == ValueKind::kInt) return ZigZag(v.i);  // small magnitudes, small keys
  const double d = v.d == 0 ? 0.0 : CanonicalDouble(v.d);
  return std::bit_cast<uint64_t>(d);
}

class CountDistinctAccumulator final : public Accumulator {
 public:
  explicit CountDistinctAccumulator(const AggSpec& spec)
      : Accumulator(spec), kind_(KindOf(spec.input)) {}

  void Reset() override {
    numbers_.clear();
    strings_.clear();
  }

  void Add(const AggInput& v, const EventRank&) override {
    if (kind_ == ValueKind::kBytes) {
      strings_.emplace(v.s);
    } else {
      numbers_.insert(NumberKey(kind_, v));
    }
  }

  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    uint64_t count, key = 0;
    if (!in.GetVarint64(&count)) return PartialReader::Corrupt("count_distinct", "bad count");
    for (uint64_t j = 0; j < count; ++j) {
      if (kind_ == ValueKind::kBytes) {
        uint64_t n;
        std::string_view s;
        if (!in.GetVarint64(&n) || !in.GetBytes(n, &s)) {
          return PartialReader::Corrupt("count_distinct", "bad string");
        }
        strings_.emplace(s);
      } else {
        uint64_t delta;
        if (!in.GetVarint64(&delta)) return PartialReader::Corrupt("count_distinct", "bad key");
        key += delta;
        numbers_.insert(key);
      }
    }
    if (!in.done()) return PartialReader::Corrupt("count_distinct", "trailing bytes");
    return Status::OK();
  }

  void EncodeTo(std::string* out) const override {
    if (kind_ == ValueKind::kBytes) {
      std::vector<std::string_view> sorted(strings_.begin(), strings_.end());
      std::sort(sorted.begin(), sorted.end());
      PutVarint64(out, sorted.size());
      for (std::string_view s : sorted) {
        PutVarint64(out, s.size());
        out->append(s);
      }
      return;
    }
    std::vector<uint64_t> sorted(numbers_.begin(), numbers_.end());
    std::sort(sorted.begin(), sorted.end());
    PutVarint64(out, sorted.size());
    uint64_t previous = 0;
    for (uint64_t key : sorted) {
      PutVarint64(out, key - previous);
      previous = key;
    }
  }

  Value Finish() const override {
    return Value::Int64(static_cast<int64_t>(numbers_.size() + strings_.size()));
  }

 private:
  const ValueKind kind_;
  std::unordered_set<uint64_t> numbers_;
  std::unordered_set<std::string> strings_;
};

}  // namespace

std::unique_ptr<Accumulator> NewCountDistinctAccumulator(const AggSpec& spec) {
  return std::make_unique<CountDistinctAccumulator>(spec);
}

}  // namespace tessera::agg
