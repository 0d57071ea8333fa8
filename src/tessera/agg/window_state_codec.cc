#include "tessera/agg/window_state_codec.h"

#include <bit>

#include "tessera/core/coding.h"

namespace tessera::agg {

namespace {

constexpr uint64_t kHasCreated = 1, kHasSeq = 2;  // flags

bool IsIntLike(TypeId t) {
  return t == TypeId::kBool || t == TypeId::kInt32 || t == TypeId::kInt64 ||
         t == TypeId::kTimestamp;
}
bool IsBinary(TypeId t) { return t == TypeId::kString || t == TypeId::kBytes; }

// Column c of every event: validity bitmap (when a null exists), values.
void EncodeColumn(const EventColumns& events, int c, TypeId type, std::string* out) {
  const size_t n = events.size();
  AggInput v;
  auto value = [&](size_t i) {
    v = AggInput{};
    events.Input(c, i, &v);
    return v;
  };
  size_t present = n;
  if (events.MayHaveNulls(c)) {
    present = 0;
    for (size_t i = 0; i < n; ++i) present += events.Input(c, i, &v) ? 1 : 0;
  }
  out->push_back(present < n ? 1 : 0);
  if (present < n) {
    const size_t at = out->size();
    out->resize(at + (n + 7) / 8, '\0');
    for (size_t i = 0; i < n; ++i) {
      if (events.Input(c, i, &v))
        (*out)[at + i / 8] = static_cast<char>((*out)[at + i / 8] | (1 << (i % 8)));
    }
  }
  if (IsIntLike(type)) {
    PutPackedInts(out, n, [&](size_t i) { return value(i).i; });
  } else if (type == TypeId::kFloat) {
    for (size_t i = 0; i < n; ++i)
      PutFixed32(out, std::bit_cast<uint32_t>(static_cast<float>(value(i).d)));
  } else if (type == TypeId::kDouble) {
    for (size_t i = 0; i < n; ++i) PutDouble(out, value(i).d);
  } else if (IsBinary(type)) {
    thread_local std::vector<int64_t> ends;
    ends.resize(n);
    int64_t end = 0;
    for (size_t i = 0; i < n; ++i) ends[i] = end += static_cast<int64_t>(value(i).s.size());
    PutPackedInts(out, n, [&](size_t i) { return ends[i]; });
    PutVarint64(out, static_cast<uint64_t>(end));
    for (size_t i = 0; i < n; ++i) out->append(value(i).s);
  }
}

void EncodeGrid(const TileGrid& grid, int slots, std::string* out) {
  PutVarint64(out, grid.size());
  if (grid.size() == 0) return;
  PutPackedInts(
      out, grid.size(), [&](size_t pos) { return grid.index(pos); }, 1);
  // Every partial of every tile, in order, from one walk of the grid.
  thread_local std::vector<std::string_view> partials;
  thread_local std::vector<int64_t> ends;
  partials.clear();
  ends.clear();
  int64_t end = 0;
  for (size_t pos = 0; pos < grid.size(); ++pos) {
    PartialReader in(grid.bytes(pos));
    for (int s = 0; s < slots; ++s) {
      uint64_t length = 0;
      std::string_view partial;
      (void)(in.GetVarint64(&length) && in.GetBytes(length, &partial));  // written by Set
      partials.push_back(partial);
      ends.push_back(end += static_cast<int64_t>(partial.size()));
    }
  }
  PutPackedInts(out, ends.size(), [&](size_t j) { return ends[j]; });
  PutVarint64(out, static_cast<uint64_t>(end));
  for (std::string_view partial : partials) out->append(partial);
}

}  // namespace

void EncodeWindowState(const WindowPlan& plan, const TileLayout& layout, int64_t horizon,
                       const EventColumns& events, std::span<const TileGrid> grids,
                       std::string* out) {
  out->push_back(static_cast<char>(kWindowStateVersion));
  PutFixed32(out, layout.fingerprint);
  PutVarint64(out, (events.has_created() ? kHasCreated : 0) | (events.has_seq() ? kHasSeq : 0));
  PutZigZag64(out, horizon);
  const size_t n = events.size();
  PutVarint64(out, n);
  if (n > 0) {
    PutPackedInts(
        out, n, [&](size_t i) { return events.ts(i); }, 1);
    if (events.has_created())
      PutPackedInts(out, n, [&](size_t i) { return events.rank(i).created_ts; });
    if (events.has_seq())
      PutPackedInts(out, n, [&](size_t i) { return events.rank(i).ingest_seq; });
    for (size_t c = 0; c < plan.column_types.size(); ++c) {
      EncodeColumn(events, static_cast<int>(c), plan.column_types[c].id(), out);
    }
  }
  for (size_t g = 0; g < layout.groups.size(); ++g) {
    EncodeGrid(grids[g], static_cast<int>(layout.groups[g].aggs.size()), out);
  }
}

Status EncodedState::Parse(const WindowPlan& plan, const TileLayout& layout,
                           std::string_view bytes) {
  PartialReader in(bytes);
  corrupt_ = false;
  uint8_t version = 0;
  std::string_view fingerprint;
  if (!in.GetByte(&version)) return Status::Corruption("window state: empty");
  if (version != kWindowStateVersion) {
    return Status::Corruption("window state: unknown version " + std::to_string(version));
  }
  if (!in.GetBytes(4, &fingerprint)) return Status::Corruption("window state: truncated header");
  if (DecodeFixed32(fingerprint.data()) != layout.fingerprint) {
    return Status::Corruption("window state: encoded for another aggregation plan");
  }
  if (!ParseEvents(plan, &in)) return Status::Corruption("window state: bad or truncated events");
  groups_.assign(layout.groups.size(), Group{});
  for (size_t g = 0; g < layout.groups.size(); ++g) {
    if (!ParseGroup(static_cast<int>(layout.groups[g].aggs.size()), &in, &groups_[g])) {
      return Status::Corruption("window state: bad or truncated tiles");
    }
  }
  if (!in.done()) return Status::Corruption("window state: trailing bytes");
  return Status::OK();
}

bool EncodedState::ParseEvents(const WindowPlan& plan, PartialReader* in) {
  uint64_t flags = 0, n = 0;
  if (!in->GetVarint64(&flags) || flags > (kHasCreated | kHasSeq)) return false;
  has_created_ = (flags & kHasCreated) != 0;
  has_seq_ = (flags & kHasSeq) != 0;
  if (!in->GetZigZag64(&horizon_) || !in->GetVarint64(&n)) return false;
  // Every event takes at least one timestamp byte: n is bounded by the bytes.
  if (n > in->remaining()) return false;
  n_ = static_cast<size_t>(n);
  columns_.assign(plan.column_types.size(), Column{});
  if (n_ == 0) return true;
  if (!GetPackedInts(in, n_, &ts_) || ts_.width == 0) return false;
  if (has_created_ && !GetPackedInts(in, n_, &created_)) return false;
  if (has_seq_ && !GetPackedInts(in, n_, &seq_)) return false;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!ParseColumn(plan.column_types[c].id(), in, &columns_[c])) return false;
  }
  return true;
}

bool EncodedState::ParseColumn(TypeId type, PartialReader* in, Column* col) {
  col->type = type;
  uint8_t has_nulls = 0;
  std::string_view bytes;
  if (!in->GetByte(&has_nulls) || has_nulls > 1) return false;
  if (has_nulls == 1) {
    if (!in->GetBytes((n_ + 7) / 8, &bytes)) return false;
    col->valid = reinterpret_cast<const unsigned char*>(bytes.data());
  }
  if (IsIntLike(type)) return GetPackedInts(in, n_, &col->ints);
  if (type == TypeId::kFloat || type == TypeId::kDouble) {
    const size_t width = type == TypeId::kFloat ? 4 : 8;
    if (n_ > in->remaining() / width || !in->GetBytes(n_ * width, &bytes)) return false;
    col->fixed = bytes.data();
    return true;
  }
  if (IsBinary(type)) {
    uint64_t length = 0;
    return GetPackedInts(in, n_, &col->ints) && in->GetVarint64(&length) &&
           in->GetBytes(length, &col->data);
  }
  return true;  // lists: validity only
}

bool EncodedState::ParseGroup(int slots, PartialReader* in, Group* group) {
  uint64_t m = 0, length = 0;
  group->slots = slots;
  if (!in->GetVarint64(&m) || m > in->remaining()) return false;
  if (m == 0) return true;
  const auto tiles = static_cast<size_t>(m);
  return GetPackedInts(in, tiles, &group->index) && group->index.width > 0 &&
         GetPackedInts(in, tiles * slots, &group->ends) && in->GetVarint64(&length) &&
         in->GetBytes(length, &group->blob);
}

bool EncodedState::Input(int c, size_t i, AggInput* out) const {
  const Column& col = columns_[c];
  if (col.valid != nullptr && (col.valid[i / 8] & (1 << (i % 8))) == 0) return false;
  if (IsIntLike(col.type)) {
    out->i = col.ints.Get(i);
  } else if (col.type == TypeId::kFloat) {
    out->d = std::bit_cast<float>(DecodeFixed32(col.fixed + 4 * i));
  } else if (col.type == TypeId::kDouble) {
    out->d = std::bit_cast<double>(DecodeFixed64(col.fixed + 8 * i));
  } else if (IsBinary(col.type)) {
    const auto start = static_cast<uint64_t>(i == 0 ? 0 : col.ints.Get(i - 1));
    const auto end = static_cast<uint64_t>(col.ints.Get(i));
    if (start > end || end > col.data.size()) {
      corrupt_ = true;
      return false;
    }
    out->s = col.data.substr(start, end - start);
  }
  return true;
}

size_t EncodedState::LowerBoundTs(int64_t ts) const {
  size_t lo = 0, hi = n_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (ts_.Get(mid) < ts) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

size_t EncodedState::TileLowerBound(int g, int64_t k) const {
  const PackedInts& index = groups_[g].index;
  size_t lo = 0, hi = index.size;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (index.Get(mid) < k) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::string_view EncodedState::Partial(int g, size_t pos, int slot) const {
  const Group& group = groups_[g];
  const size_t j = pos * group.slots + slot;
  const auto start = static_cast<uint64_t>(j == 0 ? 0 : group.ends.Get(j - 1));
  const auto end = static_cast<uint64_t>(group.ends.Get(j));
  if (start > end || end > group.blob.size()) {
    corrupt_ = true;
    return {};
  }
  return group.blob.substr(start, end - start);
}

}  // namespace tessera::agg
