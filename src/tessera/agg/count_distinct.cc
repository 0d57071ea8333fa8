#include "tessera/agg/count_distinct.h"

#include <algorithm>
#include <bit>
#include <string>
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

// A set kept as a vector: a sorted, duplicate-free prefix plus values
// appended since, compacted (sort, unique) when the tail outgrows the
// prefix and before the set is read. No node per value, and partials,
// which are sorted, merge by appending.
template <typename T>
class LazySet {
 public:
  void Clear() {
    values_.clear();
    sorted_ = 0;
  }
  template <typename U>
  void Insert(U&& v) {
    values_.emplace_back(std::forward<U>(v));
    if (values_.size() >= 2 * sorted_ + 64) Compact();
  }
  // The distinct values, ascending.
  const std::vector<T>& Sorted() const {
    Compact();
    return values_;
  }

 private:
  void Compact() const {
    if (sorted_ == values_.size()) return;
    std::sort(values_.begin(), values_.end());
    values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
    sorted_ = values_.size();
  }

  mutable std::vector<T> values_;
  mutable size_t sorted_ = 0;
};

class CountDistinctAccumulator final : public Accumulator {
 public:
  explicit CountDistinctAccumulator(const AggSpec& spec)
      : Accumulator(spec), kind_(KindOf(spec.input)) {}

  void Reset() override {
    numbers_.Clear();
    strings_.Clear();
  }

  void Add(const AggInput& v, const EventRank&) override {
    if (kind_ == ValueKind::kBytes) {
      strings_.Insert(std::string(v.s));
    } else {
      numbers_.Insert(NumberKey(kind_, v));
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
        strings_.Insert(std::string(s));
      } else {
        uint64_t delta;
        if (!in.GetVarint64(&delta)) return PartialReader::Corrupt("count_distinct", "bad key");
        key += delta;
        numbers_.Insert(key);
      }
    }
    if (!in.done()) return PartialReader::Corrupt("count_distinct", "trailing bytes");
    return Status::OK();
  }

  void EncodeTo(std::string* out) const override {
    if (kind_ == ValueKind::kBytes) {
      const std::vector<std::string>& sorted = strings_.Sorted();
      PutVarint64(out, sorted.size());
      for (const std::string& s : sorted) {
        PutVarint64(out, s.size());
        out->append(s);
      }
      return;
    }
    const std::vector<uint64_t>& sorted = numbers_.Sorted();
    PutVarint64(out, sorted.size());
    uint64_t previous = 0;
    for (uint64_t key : sorted) {
      PutVarint64(out, key - previous);
      previous = key;
    }
  }

  Value Finish() const override {
    return Value::Int64(static_cast<int64_t>(numbers_.Sorted().size() + strings_.Sorted().size()));
  }

 private:
  const ValueKind kind_;
  LazySet<uint64_t> numbers_;
  LazySet<std::string> strings_;
};

}  // namespace

std::unique_ptr<Accumulator> NewCountDistinctAccumulator(const AggSpec& spec) {
  return std::make_unique<CountDistinctAccumulator>(spec);
}

}  // namespace tessera::agg
