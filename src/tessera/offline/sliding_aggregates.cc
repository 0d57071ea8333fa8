#include "tessera/offline/sliding_aggregates.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "tessera/agg/exact_sum.h"
#include "tessera/agg/value_order.h"

namespace tessera::offline {

namespace {

enum class Kind { kCount, kIntSum, kDoubleSum, kExtreme };

Kind KindOf(const agg::AggSpec& spec) {
  switch (spec.function) {
    case agg::AggFunction::kCount: return Kind::kCount;
    case agg::AggFunction::kSum:
      return spec.output == DataType::Int64() ? Kind::kIntSum : Kind::kDoubleSum;
    default: return Kind::kExtreme;
  }
}

bool IsNumber(DataType t) {
  return t == DataType::Int32() || t == DataType::Int64() || t == DataType::Float() ||
         t == DataType::Double();
}

// A finite nonzero double as m * 2^pos in units of 2^-1074 (ExactSum's
// decomposition), with m odd: the smallest unit that holds it exactly.
void Decompose(double x, uint64_t* m, int64_t* pos) {
  agg::DecomposeDouble(x, m, pos);
  const int zeros = std::countr_zero(*m);
  *m >>= zeros;
  *pos += zeros;
}

// Terms of the fixed point stay below 2^62, so sums of up to 2^64 of them
// fit in 128 bits.
constexpr int64_t kMaxSpanBits = 62;

}  // namespace

// What the aggregates of one kind over one column share whatever their
// window: prefix sums and order keys over the key's events.
struct SlidingAggregates::Series {
  struct Special {
    uint32_t nan = 0, pos_inf = 0, neg_inf = 0, not_neg_zero = 0;
  };

  Kind kind = Kind::kCount;
  int column = -1;   // -1: a count of events
  bool min = false;  // kExtreme
  agg::ValueKind value_kind = agg::ValueKind::kInt;
  // Prefix sums over events [0, i), i = 0 .. n.
  std::vector<int64_t> taken;  // values taken (every event for a count of events)
  std::vector<__int128> sum;   // kIntSum: the values; kDoubleSum: fixed-point terms
  std::vector<Special> special;
  bool fixed = true;            // kDoubleSum: every finite value is on the fixed point
  int64_t scale = 0;            // kDoubleSum: the fixed point's unit is 2^scale
  std::vector<uint64_t> order;  // kExtreme: per event its order key, the best largest
};

struct SlidingAggregates::Slider {
  const agg::WindowedAgg* agg = nullptr;
  Series* series = nullptr;
  size_t window = 0;            // index into windows_
  size_t pushed = 0;            // kExtreme: events [0, pushed) went through the queue
  std::vector<uint32_t> queue;  // kExtreme: [head, end) in window, order keys decreasing
  size_t head = 0;
  std::unique_ptr<agg::Accumulator> acc;  // kDoubleSum: reads the fixed point cannot do
};

bool SlidingAggregates::Supports(const agg::WindowPlan& plan) {
  for (const agg::WindowedAgg& a : plan.aggs) {
    switch (a.spec.function) {
      case agg::AggFunction::kCount: break;
      case agg::AggFunction::kSum:
        if (!IsNumber(a.spec.input)) return false;
        break;
      case agg::AggFunction::kMin:
      case agg::AggFunction::kMax:
        if (a.spec.input.is_list() || agg::KindOf(a.spec.input) == agg::ValueKind::kBytes) {
          return false;
        }
        break;
      default: return false;
    }
  }
  return true;
}

SlidingAggregates::SlidingAggregates(const agg::WindowPlan* plan) : plan_(plan) {
  for (const agg::WindowedAgg& a : plan->aggs) {
    const Kind kind = KindOf(a.spec);
    const bool min = a.spec.function == agg::AggFunction::kMin;
    Series* series = nullptr;
    for (const std::unique_ptr<Series>& candidate : series_) {
      if (candidate->kind == kind && candidate->column == a.column && candidate->min == min) {
        series = candidate.get();
      }
    }
    if (series == nullptr) {
      auto made = std::make_unique<Series>();
      made->kind = kind;
      made->column = a.column;
      made->min = min;
      if (kind == Kind::kExtreme) made->value_kind = agg::KindOf(a.spec.input);
      series = made.get();
      series_.push_back(std::move(made));
    }
    auto s = std::make_unique<Slider>();
    s->agg = &a;
    s->series = series;
    s->window = static_cast<size_t>(std::find(windows_.begin(), windows_.end(), a.window) -
                                    windows_.begin());
    if (s->window == windows_.size()) windows_.push_back(a.window);
    if (kind == Kind::kDoubleSum) s->acc = agg::NewAccumulator(a.spec);
    sliders_.push_back(std::move(s));
  }
}

SlidingAggregates::~SlidingAggregates() = default;

void SlidingAggregates::Reset(std::span<const int64_t> ts,
                              std::span<const std::optional<agg::AggInput>> values) {
  ts_ = ts;
  values_ = values;
  const size_t n = ts.size();
  const size_t columns = plan_->column_names.size();
  // An event at the smallest int64 is in no window: WindowState's horizon
  // starts there and refuses it.
  size_t refused = 0;
  while (refused < n && ts[refused] == std::numeric_limits<int64_t>::min()) ++refused;
  hi_ = 0;
  lo_.assign(windows_.size(), refused);
  for (const std::unique_ptr<Slider>& slider : sliders_) {
    slider->pushed = 0;
    slider->queue.clear();
    slider->head = 0;
  }
  for (const std::unique_ptr<Series>& series : series_) {
    Series& s = *series;
    const int column = s.column;
    auto value = [&](size_t i) -> const std::optional<agg::AggInput>& {
      return values[i * columns + static_cast<size_t>(column)];
    };
    auto taken = [&](size_t i) { return column < 0 || value(i).has_value(); };
    s.taken.resize(n + 1);
    s.taken[0] = 0;
    for (size_t i = 0; i < n; ++i) s.taken[i + 1] = s.taken[i] + (taken(i) ? 1 : 0);
    switch (s.kind) {
      case Kind::kCount: break;
      case Kind::kIntSum:
        s.sum.resize(n + 1);
        s.sum[0] = 0;
        for (size_t i = 0; i < n; ++i) s.sum[i + 1] = s.sum[i] + (taken(i) ? value(i)->i : 0);
        break;
      case Kind::kDoubleSum: {
        // The fixed point: the unit of the smallest finite value's lowest
        // bit, when every value's highest bit lies within kMaxSpanBits of it.
        int64_t low = std::numeric_limits<int64_t>::max();
        int64_t high = std::numeric_limits<int64_t>::min();
        for (size_t i = 0; i < n; ++i) {
          if (!taken(i)) continue;
          const double x = value(i)->d;
          if (!std::isfinite(x) || x == 0) continue;
          uint64_t m;
          int64_t pos;
          Decompose(x, &m, &pos);
          low = std::min(low, pos);
          high = std::max(high, pos + static_cast<int64_t>(std::bit_width(m)));
        }
        s.fixed = low > high || high - low <= kMaxSpanBits;
        s.scale = low > high ? 0 : low - 1074;
        s.sum.resize(n + 1);
        s.special.resize(n + 1);
        s.sum[0] = 0;
        s.special[0] = Series::Special{};
        for (size_t i = 0; i < n; ++i) {
          __int128 term = 0;
          Series::Special sp = s.special[i];
          if (taken(i)) {
            const double x = value(i)->d;
            if (std::bit_cast<uint64_t>(x) != std::bit_cast<uint64_t>(-0.0)) ++sp.not_neg_zero;
            if (std::isnan(x)) {
              ++sp.nan;
            } else if (std::isinf(x)) {
              ++(x > 0 ? sp.pos_inf : sp.neg_inf);
            } else if (x != 0 && s.fixed) {
              uint64_t m;
              int64_t pos;
              Decompose(x, &m, &pos);
              term = static_cast<__int128>(m) << (pos - low);
              if (x < 0) term = -term;
            }
          }
          s.sum[i + 1] = s.sum[i] + term;
          s.special[i + 1] = sp;
        }
        break;
      }
      case Kind::kExtreme:
        s.order.resize(n);
        for (size_t i = 0; i < n; ++i) {
          if (!taken(i)) continue;
          const uint64_t key = s.value_kind == agg::ValueKind::kInt
                                   ? static_cast<uint64_t>(value(i)->i) ^ (uint64_t{1} << 63)
                                   : agg::DoubleOrderKey(value(i)->d);
          s.order[i] = s.min ? ~key : key;
        }
        break;
    }
  }
}

void SlidingAggregates::Read(int64_t t, std::vector<Value>* out) {
  out->clear();
  const size_t n = ts_.size();
  const size_t columns = plan_->column_names.size();
  // Each window (t - W, t] is events [lo_[w], hi_): edges in 128 bits, so
  // none overflows.
  while (hi_ < n && ts_[hi_] <= t) ++hi_;
  for (size_t w = 0; w < windows_.size(); ++w) {
    const __int128 cut = static_cast<__int128>(t) - windows_[w];
    while (lo_[w] < hi_ && ts_[lo_[w]] <= cut) ++lo_[w];
  }
  for (const std::unique_ptr<Slider>& slider : sliders_) {
    Slider& q = *slider;
    const Series& s = *q.series;
    const agg::WindowedAgg& a = *q.agg;
    const size_t lo = lo_[q.window];
    const size_t hi = hi_;
    if (s.kind == Kind::kExtreme) {
      for (; q.pushed < hi; ++q.pushed) {
        if (s.taken[q.pushed + 1] == s.taken[q.pushed]) continue;  // a null
        const uint64_t key = s.order[q.pushed];
        while (q.queue.size() > q.head && s.order[q.queue.back()] <= key) q.queue.pop_back();
        q.queue.push_back(static_cast<uint32_t>(q.pushed));
      }
    }
    const int64_t count = s.taken[hi] - s.taken[lo];
    switch (s.kind) {
      case Kind::kCount: out->push_back(Value::Int64(count)); break;
      case Kind::kIntSum: {
        const __int128 sum = s.sum[hi] - s.sum[lo];
        if (count == 0 || sum > std::numeric_limits<int64_t>::max() ||
            sum < std::numeric_limits<int64_t>::min()) {
          out->push_back(Value::Null(DataType::Int64()));
        } else {
          out->push_back(Value::Int64(static_cast<int64_t>(sum)));
        }
        break;
      }
      case Kind::kDoubleSum: {
        if (count == 0) {
          out->push_back(Value::Null(DataType::Double()));
          break;
        }
        const Series::Special& h = s.special[hi];
        const Series::Special& l = s.special[lo];
        const bool nan = h.nan > l.nan;
        const bool pos_inf = h.pos_inf > l.pos_inf;
        const bool neg_inf = h.neg_inf > l.neg_inf;
        if (nan || (pos_inf && neg_inf)) {
          out->push_back(Value::Double(std::numeric_limits<double>::quiet_NaN()));
          break;
        }
        if (pos_inf || neg_inf) {
          out->push_back(Value::Double(pos_inf ? INFINITY : -INFINITY));
          break;
        }
        if (s.fixed) {
          const __int128 sum = s.sum[hi] - s.sum[lo];
          if (sum == 0) {
            out->push_back(Value::Double(h.not_neg_zero > l.not_neg_zero ? 0.0 : -0.0));
            break;
          }
          // Rounded once to 53 bits, then scaled exactly: the correctly
          // rounded sum whenever the result is a normal double.
          const double r = std::ldexp(static_cast<double>(sum), static_cast<int>(s.scale));
          if (std::isfinite(r) && std::fabs(r) > std::numeric_limits<double>::min()) {
            out->push_back(Value::Double(r));
            break;
          }
        }
        q.acc->Reset();
        for (size_t i = lo; i < hi; ++i) {
          const std::optional<agg::AggInput>& v =
              values_[i * columns + static_cast<size_t>(a.column)];
          if (v.has_value()) q.acc->Add(*v, agg::EventRank{});
        }
        out->push_back(q.acc->Finish());
        break;
      }
      case Kind::kExtreme: {
        while (q.head < q.queue.size() && q.queue[q.head] < lo) ++q.head;
        if (q.head == q.queue.size()) {
          out->push_back(Value::Null(a.spec.output));
          break;
        }
        agg::AggInput v = *values_[q.queue[q.head] * columns + static_cast<size_t>(a.column)];
        v.d = agg::CanonicalDouble(v.d);
        out->push_back(agg::ToValue(a.spec.output, v));
        break;
      }
    }
  }
}

}  // namespace tessera::offline
