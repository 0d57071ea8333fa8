#include "tessera/agg/quantile_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "tessera/agg/value_order.h"

namespace tessera::agg {

namespace {

constexpr int kMantissaBits = 6;  // 64 buckets per power of two
constexpr int32_t kInfKey = 139999;
constexpr int32_t kNaNKey = 140000;

bool Below(double a, double b) { return DoubleOrderKey(a) < DoubleOrderKey(b); }

}  // namespace

int32_t QuantileSketch::KeyOf(double x) {
  if (std::isnan(x)) return kNaNKey;
  if (std::isinf(x)) return x > 0 ? kInfKey : -kInfKey;
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  const int32_t biased = static_cast<int32_t>((bits >> 52) & 0x7FF);
  if (biased == 0) return 0;  // zero or subnormal
  const int32_t top = static_cast<int32_t>((bits >> (52 - kMantissaBits)) & 63);
  const int32_t key = ((biased - 1) << kMantissaBits) + top + 1;  // 1 .. 130944
  return x < 0 ? -key : key;
}

double QuantileSketch::Representative(int32_t key) {
  if (key == kNaNKey) return std::numeric_limits<double>::quiet_NaN();
  if (key == kInfKey) return INFINITY;
  if (key == -kInfKey) return -INFINITY;
  if (key == 0) return 0.0;
  const int32_t p = std::abs(key) - 1;
  const int32_t biased = (p >> kMantissaBits) + 1;
  const int32_t top = p & 63;
  // The midpoint (1 + (2 top + 1) / 128) * 2^(biased - 1023), exact.
  const double mid = std::ldexp(128 + 2 * top + 1, biased - 1023 - 7);
  return key < 0 ? -mid : mid;
}

void QuantileSketch::Clear() {
  n_ = 0;
  buckets_.clear();
}

void QuantileSketch::Extend(double lo, double hi) {
  if (n_ == 0 || Below(lo, min_)) min_ = CanonicalDouble(lo);
  if (n_ == 0 || Below(max_, hi)) max_ = CanonicalDouble(hi);
}

void QuantileSketch::Add(double x) {
  Extend(x, x);
  ++n_;
  const int32_t key = KeyOf(x);
  auto at = std::lower_bound(buckets_.begin(), buckets_.end(), Bucket{key, 0});
  if (at != buckets_.end() && at->first == key) {
    ++at->second;
  } else {
    buckets_.insert(at, Bucket{key, 1});
  }
}

double QuantileSketch::Quantile(double p) const {
  const uint64_t position = static_cast<uint64_t>(std::floor(p * static_cast<double>(n_ - 1)));
  if (position == 0) return min_;  // the extremes are kept exactly
  if (position >= n_ - 1) return max_;
  uint64_t seen = 0;
  double value = max_;
  for (const Bucket& b : buckets_) {
    seen += b.second;
    if (seen > position) {
      value = Representative(b.first);
      break;
    }
  }
  if (Below(value, min_)) return min_;
  if (Below(max_, value)) return max_;
  return value;
}

void QuantileSketch::EncodeTo(std::string* out) const {
  PutVarint64(out, buckets_.size());
  int32_t previous = 0;
  for (size_t j = 0; j < buckets_.size(); ++j) {
    const int32_t key = buckets_[j].first;
    if (j == 0) {
      PutZigZag64(out, key);
    } else {
      PutVarint64(out, static_cast<uint64_t>(key - previous));
    }
    PutVarint64(out, buckets_[j].second);
    previous = key;
  }
  if (n_ > 0) {
    PutDouble(out, min_);
    PutDouble(out, max_);
  }
}

bool QuantileSketch::MergeFrom(PartialReader* in) {
  uint64_t count;
  if (!in->GetVarint64(&count)) return false;
  std::vector<Bucket>& more = scratch_;
  more.clear();
  int64_t key = 0;
  uint64_t total = 0;
  for (uint64_t j = 0; j < count; ++j) {
    uint64_t delta, n;
    int64_t first;
    if (j == 0 ? !in->GetZigZag64(&first) : !in->GetVarint64(&delta)) return false;
    if (j > 0 && (delta == 0 || delta > 2 * kNaNKey)) return false;
    key = j == 0 ? first : key + static_cast<int64_t>(delta);
    if (key < -kInfKey || key > kNaNKey || !in->GetVarint64(&n) || n == 0) return false;
    if (total + n < total) return false;  // overflow
    total += n;
    more.emplace_back(static_cast<int32_t>(key), n);
  }
  if (count == 0) return true;
  double lo, hi;
  if (!in->GetDouble(&lo) || !in->GetDouble(&hi) || Below(hi, lo)) return false;
  Extend(lo, hi);
  n_ += total;
  MergeBuckets(more);
  return true;
}

void QuantileSketch::MergeBuckets(const std::vector<Bucket>& more) {
  if (buckets_.empty()) {  // the common case of a tile being rebuilt
    buckets_.assign(more.begin(), more.end());
    return;
  }
  std::vector<Bucket>& merged = merged_;
  merged.clear();
  merged.reserve(buckets_.size() + more.size());
  size_t a = 0, b = 0;
  while (a < buckets_.size() || b < more.size()) {
    if (b == more.size() || (a < buckets_.size() && buckets_[a].first < more[b].first)) {
      merged.push_back(buckets_[a++]);
    } else if (a == buckets_.size() || more[b].first < buckets_[a].first) {
      merged.push_back(more[b++]);
    } else {
      merged.emplace_back(buckets_[a].first, buckets_[a].second + more[b].second);
      ++a;
      ++b;
    }
  }
  buckets_.swap(merged);
}

namespace {

class QuantileAccumulator final : public Accumulator {
 public:
  explicit QuantileAccumulator(const AggSpec& spec)
      : Accumulator(spec),
        integral_(spec.input == DataType::Int32() || spec.input == DataType::Int64()) {}
  void Reset() override { sketch_.Clear(); }
  void Add(const AggInput& v, const EventRank&) override {
    sketch_.Add(integral_ ? static_cast<double>(v.i) : v.d);
  }
  Status MergeEncoded(std::string_view partial) override {
    PartialReader in(partial);
    if (!sketch_.MergeFrom(&in) || !in.done()) {
      return PartialReader::Corrupt("approx_percentile", "bad buckets");
    }
    return Status::OK();
  }
  void EncodeTo(std::string* out) const override { sketch_.EncodeTo(out); }
  Value Finish() const override {
    if (sketch_.count() == 0) return Value::Null(DataType::Double());
    return Value::Double(sketch_.Quantile(spec().p));
  }

 private:
  const bool integral_;
  QuantileSketch sketch_;
};

}  // namespace

std::unique_ptr<Accumulator> NewQuantileAccumulator(const AggSpec& spec) {
  return std::make_unique<QuantileAccumulator>(spec);
}

}  // namespace tessera::agg
