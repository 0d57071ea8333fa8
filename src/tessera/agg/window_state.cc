#include "tessera/agg/window_state.h"

#include <algorithm>
#include <array>
#include <new>

#include "tessera/agg/event_columns.h"
#include "tessera/agg/partial_coding.h"
#include "tessera/agg/state_memory.h"
#include "tessera/agg/tile_grid.h"
#include "tessera/agg/tile_layout.h"
#include "tessera/agg/window_read.h"
#include "tessera/agg/window_state_codec.h"
#include "tessera/core/time.h"

namespace tessera::agg {

namespace {

// The in-memory tiles as window_read.h reads them.
struct GridTiles {
  std::span<const TileGrid> grids;
  size_t TileCount(int g) const { return grids[g].size(); }
  int64_t TileIndex(int g, size_t pos) const { return grids[g].index(pos); }
  size_t TileLowerBound(int g, int64_t k) const { return grids[g].LowerBound(k); }
  std::string_view Partial(int g, size_t pos, int slot) const {
    return grids[g].Partial(pos, slot);
  }
};

bool Takes(const WindowedAgg& agg, std::span<const std::optional<AggInput>> values) {
  return agg.column < 0 || values[agg.column].has_value();
}

Status CorruptEvents(const char* reason) {
  return Status::Corruption(std::string("window state: events ") + reason);
}

// The events of `in` appended to *events, checked: sorted by rank, after
// the horizon, values inside the bytes.
Status DecodeEvents(const EncodedState& in, EventColumns* events) {
  std::vector<std::optional<AggInput>> values(in.column_count());
  events->Reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const EventRank rank = in.rank(i);
    if (i == 0 ? rank.event_ts <= in.horizon() : rank < in.rank(i - 1)) {
      return CorruptEvents("out of order or at the horizon");
    }
    for (size_t c = 0; c < values.size(); ++c) {
      AggInput input;
      values[c] = in.Input(static_cast<int>(c), i, &input) ? std::optional(input) : std::nullopt;
    }
    if (in.corrupt()) return CorruptEvents("value offsets out of bounds");
    events->Insert(events->size(), rank, values);
  }
  return Status::OK();
}

// The tiles of `in` into *grids, each partial checked by merging it into a
// scratch accumulator of its aggregate.
Status DecodeTiles(const WindowPlan& plan, const TileLayout& layout, const EncodedState& in,
                   std::span<TileGrid> grids) {
  std::vector<std::unique_ptr<Accumulator>>& accs = ScratchAccumulators(plan);
  std::string bytes;
  for (size_t g = 0; g < layout.groups.size(); ++g) {
    const std::vector<int>& slots = layout.groups[g].aggs;
    const size_t tiles = in.TileCount(static_cast<int>(g));
    // Each partial gains a length prefix in memory (a byte, rarely more).
    grids[g].Reserve(tiles, in.TileBytes(static_cast<int>(g)) + tiles * slots.size());
    for (size_t pos = 0; pos < tiles; ++pos) {
      const int64_t k = in.TileIndex(static_cast<int>(g), pos);
      if (pos > 0 && k <= in.TileIndex(static_cast<int>(g), pos - 1)) {
        return Status::Corruption("window state: tiles out of order");
      }
      bytes.clear();
      for (size_t s = 0; s < slots.size(); ++s) {
        const std::string_view partial = in.Partial(static_cast<int>(g), pos, static_cast<int>(s));
        if (in.corrupt()) return Status::Corruption("window state: tile offsets out of bounds");
        accs[slots[s]]->Reset();
        Status st = accs[slots[s]]->MergeEncoded(partial);
        if (!st.ok()) return Status::Corruption("window state: tile " + st.message());
        PutVarint64(&bytes, partial.size());
        bytes.append(partial);
      }
      grids[g].Append(k, bytes);
    }
  }
  return Status::OK();
}

}  // namespace

// Aligned to a cache line, and what every Add reads first (the header,
// the inline grids, the events' bookkeeping) in the first four lines.
struct alignas(64) WindowState::Rep {
  explicit Rep(const WindowPlan* p) : Rep(p, ScratchFor(*p).layout) {}
  Rep(const WindowPlan* p, std::shared_ptr<const TileLayout> l)
      : plan(p), layout(*l), events(p->column_types), shared_layout(std::move(l)) {
    const size_t n = layout.groups.size();
    if (n <= kInlineGrids) {
      grids = std::span<TileGrid>(inline_grids.data(), n);
    } else {
      more_grids.resize(n);
      grids = std::span<TileGrid>(more_grids);
    }
  }
  Rep(const Rep&) = delete;  // grids may point into the Rep itself
  Rep& operator=(const Rep&) = delete;

  // *new_tiles: bit g set when group g's thread-local tile bytes hold the
  // new tile this Add made there (reused by later groups of the same slots).
  void UpdateTile(int g, const EventRank& rank, std::span<const std::optional<AggInput>> values,
                  std::vector<std::unique_ptr<Accumulator>>& accs, uint64_t* new_tiles);

  // The smallest cutoff at which Expire drops tile k of group g (at or
  // below it: FirstLiveTile(g, cutoff) > k means cutoff >= k * width -
  // (plan max window - group max window)); one less, so it is a lower
  // bound whatever the rounding and clamping.
  int64_t TileDropCutoff(int g, int64_t k) const {
    const TileLayout::Group& group = layout.groups[g];
    return window_read_internal::Clamp64(static_cast<__int128>(k) * group.width -
                                         (plan->max_window - group.max_window) - 1);
  }
  // An Add with a million states waits for memory: each array it touches
  // is a cache miss. Asking for all of them first (the grids' headers,
  // then every array's tail) overlaps the misses instead of taking them
  // one after another.
  void Prefetch() const {
    const char* headers = reinterpret_cast<const char*>(grids.data());
    const size_t header_bytes = grids.size() * sizeof(TileGrid);
    // Inline grids lie in the Rep's own lines (fetched with it).
    if (!more_grids.empty()) {
      for (size_t at = 0; at < header_bytes; at += 64) __builtin_prefetch(headers + at);
    }
    events.PrefetchTail();
    for (const TileGrid& grid : grids) grid.PrefetchTail();
  }

  // Recomputes next_drop from the oldest event and tiles (kept in the
  // objects: no array is touched).
  void ResetNextDrop() {
    next_drop = events.front_ts();
    for (size_t g = 0; g < grids.size(); ++g) {
      if (grids[g].size() > 0) {
        next_drop =
            std::min(next_drop, TileDropCutoff(static_cast<int>(g), grids[g].front_index()));
      }
    }
  }

  const WindowPlan* plan;
  const TileLayout& layout;  // *shared_layout
  int64_t horizon = std::numeric_limits<int64_t>::min();
  // A lower bound of the smallest cutoff at which Expire drops an event or
  // a tile (the largest int64: nothing held). Expire below it only raises
  // the horizon, without touching the events' and tiles' memory (with a
  // million states, each array touched is a cache miss).
  int64_t next_drop = std::numeric_limits<int64_t>::max();
  // Per layout group. Up to kInlineGrids grids live inside the Rep (the
  // usual plan has one to three tile widths), not in an array of their
  // own: with a million states an Add then reaches every grid's entries
  // and arena from the Rep's lines, one dependent cache miss fewer.
  static constexpr size_t kInlineGrids = 3;
  std::span<TileGrid> grids;
  std::array<TileGrid, kInlineGrids> inline_grids;
  EventColumns events;
  std::vector<TileGrid> more_grids;  // only when the layout has more groups
  // Shared by every state of the plan on this thread (one per plan, not per
  // key); kept alive here if the thread's cache drops it.
  std::shared_ptr<const TileLayout> shared_layout;
};

// Appends [varint length][partial] for the partial `write` appends to
// *out; partials are almost always under 128 bytes, so the length's byte is
// reserved first and the partial written in place.
template <typename Write>
void AppendPrefixed(std::string* out, Write write) {
  const size_t at = out->size();
  out->push_back(0);
  write(out);
  const size_t length = out->size() - at - 1;
  if (length < 0x80) {
    (*out)[at] = static_cast<char>(length);
    return;
  }
  std::string prefix;
  PutVarint64(&prefix, length);
  out->replace(at, 1, prefix);
}

// Rebuilds tile bytes: per slot, the old partial plus the event
// (Accumulator::AddToPartial), or the old partial verbatim for an
// aggregate that skips the event.
void WindowState::Rep::UpdateTile(int g, const EventRank& rank,
                                  std::span<const std::optional<AggInput>> values,
                                  std::vector<std::unique_ptr<Accumulator>>& accs,
                                  uint64_t* new_tiles) {
  const TileLayout::Group& group = layout.groups[g];
  if (std::none_of(group.aggs.begin(), group.aggs.end(),
                   [&](int a) { return Takes(plan->aggs[a], values); })) {
    return;  // tiles stay sparse: only events some aggregate takes make one
  }
  const int64_t k = FloorDiv(rank.event_ts, group.width);
  if (k < layout.FirstLiveTile(g, horizon, plan->max_window)) return;  // no read merges it
  TileGrid& grid = grids[g];
  const size_t pos = grid.LowerBound(k);
  const bool exists = pos < grid.size() && grid.index(pos) == k;
  // Per group, reused: no allocation in steady state.
  thread_local std::vector<std::string> tile_bytes;
  if (tile_bytes.size() < grids.size()) tile_bytes.resize(grids.size());
  const int same = group.same_slots_as;
  if (!exists && same >= 0 && same < 64 && (*new_tiles >> same & 1)) {
    // A new tile of an event another group made a new tile of too: the
    // same bytes (each slot's partial of this one event).
    if (pos == grid.size()) {
      grid.Append(k, tile_bytes[same]);
    } else {
      grid.Set(k, tile_bytes[same]);
    }
    next_drop = std::min(next_drop, TileDropCutoff(g, k));
    return;
  }
  // The old partials, in slot order (written by Set: they parse).
  PartialReader old(exists ? grid.bytes(pos) : std::string_view());
  std::string& bytes = tile_bytes[g];
  bytes.clear();
  for (size_t s = 0; s < group.aggs.size(); ++s) {
    const WindowedAgg& agg = plan->aggs[group.aggs[s]];
    std::optional<std::string_view> before;
    if (exists) {
      uint64_t length = 0;
      std::string_view partial;
      (void)(old.GetVarint64(&length) && old.GetBytes(length, &partial));
      before = partial;
    }
    Accumulator* acc = accs[group.aggs[s]].get();
    AppendPrefixed(&bytes, [&](std::string* out) {
      if (Takes(agg, values)) {
        acc->AddToPartial(before, agg.column < 0 ? AggInput{} : *values[agg.column], rank, out);
      } else if (before) {
        out->append(*before);
      } else {
        acc->Reset();
        acc->EncodeTo(out);
      }
    });
  }
  if (pos == grid.size()) {
    grid.Append(k, bytes);  // a new newest tile (most Adds): no second search, no insert
  } else {
    grid.Set(k, bytes);
  }
  if (!exists) {
    next_drop = std::min(next_drop, TileDropCutoff(g, k));
    if (g < 64) *new_tiles |= uint64_t{1} << g;
  }
}

void WindowState::RepDeleter::operator()(Rep* rep) const {
  rep->~Rep();
  StateFree(rep, sizeof(Rep));
}

WindowState::WindowState(const WindowPlan* plan) {
  // A multiple of 64 bytes of at least 256: its StateAlloc block is
  // aligned to a cache line, as alignas(64) asks.
  static_assert(sizeof(Rep) % 64 == 0 && sizeof(Rep) >= 256);
  void* block = StateAlloc(sizeof(Rep));
  try {
    rep_.reset(new (block) Rep(plan));
  } catch (...) {
    StateFree(block, sizeof(Rep));
    throw;
  }
}
WindowState::~WindowState() = default;
WindowState::WindowState(WindowState&&) noexcept = default;
WindowState& WindowState::operator=(WindowState&&) noexcept = default;

WindowState::AddResult WindowState::Add(const EventRank& rank,
                                        std::span<const std::optional<AggInput>> values) {
  Rep& r = *rep_;
  if (rank.event_ts <= r.horizon) return AddResult::kTooOld;
  r.Prefetch();
  const EventRank kept = r.layout.needs_rank ? rank : EventRank{rank.event_ts, kNullCreatedTs, 0};
  const size_t pos = r.events.UpperBound(kept);
  // Ranks identify events: the one just before an equal rank is this event.
  if (pos > 0 && r.events.rank(pos - 1) == kept) return AddResult::kDuplicate;
  r.events.Insert(pos, kept, values);
  r.next_drop = std::min(r.next_drop, kept.event_ts);
  std::vector<std::unique_ptr<Accumulator>>& accs = ScratchFor(*r.plan, &r.layout).accumulators;
  uint64_t new_tiles = 0;
  for (size_t g = 0; g < r.grids.size(); ++g) {
    r.UpdateTile(static_cast<int>(g), kept, values, accs, &new_tiles);
  }
  return AddResult::kApplied;
}

void WindowState::AddBatch(std::span<const EventRank> ranks,
                           std::span<const std::optional<AggInput>> values,
                           std::span<AddResult> results) {
  Rep& r = *rep_;
  const size_t columns = r.plan->column_names.size();
  // The events Add would apply, by (kept rank, position in the batch): the
  // first of equal ranks is applied, later ones are duplicates.
  thread_local std::vector<std::pair<EventRank, size_t>> order;
  order.clear();
  for (size_t i = 0; i < ranks.size(); ++i) {
    if (ranks[i].event_ts <= r.horizon) {
      results[i] = AddResult::kTooOld;
      continue;
    }
    order.emplace_back(
        r.layout.needs_rank ? ranks[i] : EventRank{ranks[i].event_ts, kNullCreatedTs, 0}, i);
  }
  std::sort(order.begin(), order.end());
  r.events.Reserve(r.events.size() + order.size());  // sized once, not grown per event
  auto values_of = [&](size_t i) { return values.subspan(i * columns, columns); };
  size_t applied = 0;
  for (size_t j = 0; j < order.size(); ++j) {
    const auto& [kept, i] = order[j];
    const size_t pos = r.events.UpperBound(kept);
    if ((j > 0 && order[j - 1].first == kept) || (pos > 0 && r.events.rank(pos - 1) == kept)) {
      results[i] = AddResult::kDuplicate;
      continue;
    }
    results[i] = AddResult::kApplied;
    r.events.Insert(pos, kept, values_of(i));
    order[applied++] = order[j];  // keeps the applied events, in rank order
  }
  order.resize(applied);
  std::vector<std::unique_ptr<Accumulator>>& accs = ScratchFor(*r.plan, &r.layout).accumulators;
  thread_local std::string bytes, partial;
  for (size_t g = 0; g < r.grids.size(); ++g) {
    const TileLayout::Group& group = r.layout.groups[g];
    const int64_t first_live =
        r.layout.FirstLiveTile(static_cast<int>(g), r.horizon, r.plan->max_window);
    TileGrid& grid = r.grids[g];
    // Runs of events in one tile (rank order is event_ts order).
    for (size_t begin = 0; begin < order.size();) {
      const int64_t k = FloorDiv(order[begin].first.event_ts, group.width);
      // The tile's end, exclusive (no division per event; beyond int64 the
      // tile holds every later event).
      const __int128 tile_end = (static_cast<__int128>(k) + 1) * group.width;
      size_t end = begin + 1;
      while (end < order.size() && order[end].first.event_ts < tile_end) ++end;
      const size_t run_begin = begin;
      begin = end;
      if (k < first_live) continue;  // no read merges it
      bool taken = false;
      for (size_t e = run_begin; e < end && !taken; ++e) {
        for (int a : group.aggs)
          taken = taken || Takes(r.plan->aggs[a], values_of(order[e].second));
      }
      if (!taken) continue;  // tiles stay sparse
      const size_t pos = grid.LowerBound(k);
      const bool exists = pos < grid.size() && grid.index(pos) == k;
      bytes.clear();
      for (size_t s = 0; s < group.aggs.size(); ++s) {
        const WindowedAgg& agg = r.plan->aggs[group.aggs[s]];
        Accumulator* acc = accs[group.aggs[s]].get();
        partial.clear();
        bool added = false;
        for (size_t e = run_begin; e < end; ++e) {
          const auto event_values = values_of(order[e].second);
          if (!Takes(agg, event_values)) continue;
          if (!added) {
            acc->Reset();
            // Cannot fail: the partial was written by EncodeTo or checked by Decode.
            if (exists) (void)acc->MergeEncoded(grid.Partial(pos, static_cast<int>(s)));
            added = true;
          }
          acc->Add(agg.column < 0 ? AggInput{} : *event_values[agg.column], order[e].first);
        }
        if (added) {
          acc->EncodeTo(&partial);
        } else if (exists) {
          partial.append(grid.Partial(pos, static_cast<int>(s)));  // as Add keeps it: verbatim
        } else {
          acc->Reset();
          acc->EncodeTo(&partial);
        }
        PutVarint64(&bytes, partial.size());
        bytes.append(partial);
      }
      grid.Set(k, bytes);
    }
  }
  r.ResetNextDrop();
}

void WindowState::Expire(int64_t now) {
  Rep& r = *rep_;
  const int64_t cutoff =
      window_read_internal::Clamp64(static_cast<__int128>(now) - r.plan->max_window);
  if (cutoff <= r.horizon) return;
  r.horizon = cutoff;
  if (cutoff < r.next_drop) return;  // most calls: nothing to drop
  // What this drop touches (the events' and grids' fronts) and what the
  // Add that usually follows an Expire touches (their tails), asked for at
  // once: the cache misses overlap instead of following one another.
  r.events.PrefetchFront();
  for (const TileGrid& grid : r.grids) grid.PrefetchFront();
  r.Prefetch();
  if (r.events.front_ts() <= cutoff) {  // most calls drop nothing
    // Mostly one or two events leave: a scan from the front touches only
    // their line, where a binary search touched lines all over the events,
    // one dependent cache miss after another.
    size_t gone = 1;  // front_ts() <= cutoff
    while (gone < r.events.size() && gone < 8 && r.events.ts(gone) <= cutoff) ++gone;
    if (gone == 8) gone = r.events.LowerBoundTs(cutoff);
    while (gone < r.events.size() && r.events.ts(gone) <= cutoff) ++gone;
    r.events.EraseFront(gone);
  }
  for (size_t g = 0; g < r.grids.size(); ++g) {
    r.grids[g].EraseBefore(r.layout.FirstLiveTile(static_cast<int>(g), cutoff, r.plan->max_window));
  }
  r.ResetNextDrop();
}

int64_t WindowState::horizon() const { return rep_->horizon; }

void WindowState::Read(int64_t t, std::vector<Value>* out) const {
  const Rep& r = *rep_;
  // Cannot fail: every partial was written by EncodeTo or checked by Decode.
  Status st = ReadWindow(*r.plan, r.layout, r.events, GridTiles{r.grids}, t,
                         ScratchFor(*r.plan, &r.layout).accumulators, out);
  (void)st;
}

void WindowState::EncodeTo(std::string* out) const {
  const Rep& r = *rep_;
  EncodeWindowState(*r.plan, r.layout, r.horizon, r.events, r.grids, out);
}

Result<WindowState> WindowState::Decode(const WindowPlan* plan, std::string_view bytes) {
  WindowState state(plan);
  Rep& r = *state.rep_;
  EncodedState in;
  TS_RETURN_NOT_OK(in.Parse(*plan, r.layout, bytes));
  r.horizon = in.horizon();
  TS_RETURN_NOT_OK(DecodeEvents(in, &r.events));
  TS_RETURN_NOT_OK(DecodeTiles(*plan, r.layout, in, r.grids));
  r.ResetNextDrop();
  return state;
}

Status WindowState::ReadEncoded(const WindowPlan& plan, std::string_view bytes, int64_t t,
                                std::vector<Value>* out) {
  PlanScratch& scratch = ScratchFor(plan);
  const TileLayout& layout = *scratch.layout;
  thread_local EncodedState in;  // reused: a read allocates nothing of its own
  TS_RETURN_NOT_OK(in.Parse(plan, layout, bytes));
  Status st = ReadWindow(plan, layout, in, in, t, scratch.accumulators, out);
  if (!st.ok()) return Status::Corruption("window state: tile " + st.message());
  if (in.corrupt()) return Status::Corruption("window state: value offsets out of bounds");
  return Status::OK();
}

size_t WindowState::event_count() const { return rep_->events.size(); }

size_t WindowState::MemoryBytes() const {
  const Rep& r = *rep_;
  // The layout is shared by the plan's states: not counted per state.
  size_t bytes = StateBlockBytes(sizeof(Rep)) + r.events.MemoryBytes() +
                 r.more_grids.capacity() * sizeof(TileGrid);
  for (const TileGrid& grid : r.grids) bytes += grid.MemoryBytes();
  return bytes;
}

}  // namespace tessera::agg
