#include "tessera/agg/last_n.h"

#include <algorithm>
#include <vector>

#include "tessera/agg/partial_coding.h"
#include "tessera/agg/value_order.h"

namespace tessera::agg {

namespace {

class LastNAccumulator final : public Accumulator {
 public:
  explicit LastNAccumulator(const AggSpec& spec)
      : Accumulator(spec), kind_(KindOf(spec.input)), k_(static_cast<size_t>(spec.k)) {}

  void Reset() override { kept_.clear(); }

  void Add(const AggInput& v, const EventRank& rank) override {
    if (kept_.size() == k_ && !Less(kept_.front(), rank, v)) return;
    auto at = std::lower_bound(kept_.begin(), kept_.end(), 0,
                               [&](const Entry& e, int) { return Less(e, rank, v); });
    Entry entry;
    entry.rank = rank;
    entry.value.Assign(kind_, v);
    kept_.insert(at, std::move(entry));
    if (kept_.size() > k_) kept_.erase(kept_.begin());
  }

  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    uint64_t count;
    if (!in.GetVarint64(&count)) return PartialReader::Corrupt("last_n", "bad count");
    for (uint64_t j = 0; j < count; ++j) {
      EventRank rank;
      AggInput v;
      if (!in.GetRank(&rank) || !DecodeValue(kind_, &in, &v)) {
        return PartialReader::Corrupt("last_n", "bad rank or value");
      }
      Add(v, rank);
    }
    if (!in.done()) return PartialReader::Corrupt("last_n", "trailing bytes");
    return Status::OK();
  }

  void EncodeTo(std::string* out) const override {
    PutVarint64(out, kept_.size());
    for (const Entry& e : kept_) {
      PutRank(out, e.rank);
      EncodeValue(kind_, e.value.ref(), out);
    }
  }

  Value Finish() const override {
    if (kept_.empty()) return Value::Null(spec().output);
    std::vector<Value> list;
    list.reserve(kept_.size());
    for (const Entry& e : kept_)
      list.push_back(ToValue(spec().output.element_type(), e.value.ref()));
    return Value::List(spec().output, std::move(list));
  }

 private:
  struct Entry {
    EventRank rank;
    OwnedValue value;
  };

  // (e.rank, e.value) < (rank, v)
  bool Less(const Entry& e, const EventRank& rank, const AggInput& v) const {
    const auto c = e.rank <=> rank;
    if (c != 0) return c < 0;
    return CompareValues(kind_, e.value.ref(), v) < 0;
  }

  const ValueKind kind_;
  const size_t k_;
  std::vector<Entry> kept_;  // ascending, at most k_
};

}  // namespace

std::unique_ptr<Accumulator> NewLastNAccumulator(const AggSpec& spec) {
  return std::make_unique<LastNAccumulator>(spec);
}

}  // namespace tessera::agg
