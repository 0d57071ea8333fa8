// WindowState against the brute-force reference (window_test_util.h):
// random streams added in random order, read at random times, at tile
// boundaries +/- 1 micro and where the window starts at a tile boundary;
// the same through Encode/Decode and ReadEncoded; arrival order; expiry.
#include "tessera/agg/window_state.h"

#include <gtest/gtest.h>

#include "tessera/agg/tile_layout.h"
#include "tessera/agg/window_state_codec.h"
#include "window_test_util.h"

namespace tessera::agg::testing {
namespace {

std::vector<Value> ReadAt(const WindowState& state, int64_t t) {
  std::vector<Value> out;
  state.Read(t, &out);
  return out;
}

std::string Encoded(const WindowState& state) {
  std::string out;
  state.EncodeTo(&out);
  return out;
}

void CheckPlan(const WindowPlan& plan, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<int64_t> reads = ReadTimes(plan, rng, 40, kBase - kH, kBase + 10 * kDay);
  const std::vector<Ev> events = RandomStream(plan, reads, rng);
  WindowState state(&plan);
  AddAllTo(plan, events, &state);
  ASSERT_EQ(state.event_count(), events.size());
  const std::string bytes = Encoded(state);
  Result<WindowState> decoded = WindowState::Decode(&plan, bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(Encoded(*decoded) == bytes) << "decode then encode gives other bytes";
  for (int64_t t : reads) {
    std::vector<Value> direct;
    ASSERT_TRUE(WindowState::ReadEncoded(plan, bytes, t, &direct).ok());
    ExpectReference(plan, events, t,
                    {{"Read", ReadAt(state, t)},
                     {"Read after Decode", ReadAt(*decoded, t)},
                     {"ReadEncoded", direct}});
  }
}

TEST(WindowStateTest, EveryFunctionEqualsBruteForce) {
  const WindowPlan plan = EveryFunctionPlan();
  for (uint64_t seed : {1, 2}) CheckPlan(plan, seed);
}

TEST(WindowStateTest, ThreeFunctionsThreeWindowsEqualBruteForce) {
  const WindowPlan plan = ThreeByThreePlan();
  for (uint64_t seed : {3, 4}) CheckPlan(plan, seed);
}

TEST(WindowStateTest, EmptyStateGivesNullsAndZeroCounts) {
  const WindowPlan plan = EveryFunctionPlan();
  WindowState state(&plan);
  const std::vector<Ev> none;
  ExpectReference(plan, none, kBase, {{"empty", ReadAt(state, kBase)}});
  EXPECT_EQ(ReadAt(state, kBase)[0], Value::Int64(0));  // count_1h
  ASSERT_EQ(plan.aggs[3].spec.function, AggFunction::kSum);
  EXPECT_TRUE(ReadAt(state, kBase)[3].is_null());  // qty_sum_1h
}

TEST(WindowStateTest, WindowIsOpenAtItsStartAndClosedAtItsEnd) {
  const WindowPlan plan = PlanOf({Agg("qty", "sum", {kH}, {10 * kMin})});
  WindowState state(&plan);
  const int64_t t = kBase + 5 * kH;  // also a tile boundary
  int64_t seq = 1;
  for (int64_t ts : {t - kH - 1, t - kH, t - kH + 1, t - 1, t, t + 1}) {
    std::optional<AggInput> v = AggInput{ts == t - kH + 1 ? 1 : ts == t ? 10 : 1000, 0, {}};
    ASSERT_EQ(state.Add({ts, kNullCreatedTs, seq++}, std::span(&v, 1)),
              WindowState::AddResult::kApplied);
  }
  // t - 1h and before excluded, t included, t + 1 excluded: 1 + 1000 + 10.
  EXPECT_EQ(ReadAt(state, t)[0], Value::Int64(1011));
}

TEST(WindowStateTest, ArrivalOrderDoesNotChangeReads) {
  const WindowPlan plan = EveryFunctionPlan();
  std::mt19937_64 rng(7);
  const std::vector<int64_t> reads = ReadTimes(plan, rng, 30, kBase, kBase + 10 * kDay);
  std::vector<Ev> events = RandomStream(plan, reads, rng);
  WindowState a(&plan);
  AddAllTo(plan, events, &a);
  std::sort(events.begin(), events.end(), [](const Ev& x, const Ev& y) { return y.rank < x.rank; });
  WindowState b(&plan);  // newest first, through a restart halfway
  AddAllTo(plan, std::vector<Ev>(events.begin(), events.begin() + events.size() / 2), &b);
  Result<WindowState> restarted = WindowState::Decode(&plan, Encoded(b));
  ASSERT_TRUE(restarted.ok());
  AddAllTo(plan, std::vector<Ev>(events.begin() + events.size() / 2, events.end()), &*restarted);
  for (int64_t t : reads) {
    const std::vector<Value> x = ReadAt(a, t), y = ReadAt(*restarted, t);
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_TRUE(SameBits(x[i], y[i]))
          << plan.aggs[i].feature_name << " at " << t << ": " << Show(x[i]) << " vs " << Show(y[i]);
    }
  }
}

// Online: events arrive in arrival-time order (late by up to 8 days, a few
// minutes early from clock skew); before each Add the state expires at the
// arrival time. Reads at t >= now equal the reference over the events that
// arrived; events at or before the horizon are refused and change nothing.
TEST(WindowStateTest, ExpiryKeepsReadsAtOrAfterNowExact) {
  for (const WindowPlan& plan : {EveryFunctionPlan(), ThreeByThreePlan()}) {
    std::mt19937_64 rng(11);
    StreamOptions opt;
    opt.to = kBase + 20 * kDay;
    opt.random_events = 900;
    const std::vector<int64_t> reads = ReadTimes(plan, rng, 30, kBase, opt.to);
    std::vector<Ev> stream = RandomStream(plan, reads, rng, opt);
    std::vector<std::pair<int64_t, Ev>> arrivals;
    for (Ev& ev : stream) {
      const int64_t delay = rng() % 6 == 0 ? static_cast<int64_t>(rng() % (8 * kDay))
                                           : static_cast<int64_t>(rng() % (20 * kMin)) - 5 * kMin;
      arrivals.emplace_back(ev.rank.event_ts + delay, ev);
    }
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    WindowState state(&plan);
    std::vector<Ev> applied;
    int too_old = 0, checks = 0;
    for (size_t j = 0; j < arrivals.size(); ++j) {
      const auto& [now, ev] = arrivals[j];
      state.Expire(now);
      ASSERT_EQ(state.horizon(), now - plan.max_window);
      const auto values = InputsOf(plan, ev);
      if (ev.rank.event_ts <= state.horizon()) {
        const std::string before = Encoded(state);
        ASSERT_EQ(state.Add(ev.rank, values), WindowState::AddResult::kTooOld);
        ASSERT_TRUE(Encoded(state) == before) << "a refused event changed the state";
        ++too_old;
        continue;
      }
      ASSERT_EQ(state.Add(ev.rank, values), WindowState::AddResult::kApplied);
      applied.push_back(ev);
      if (j % 40 == 0) {
        ++checks;
        const std::string bytes = Encoded(state);
        for (int64_t t : {now, now + 1, now + static_cast<int64_t>(rng() % (3 * kDay))}) {
          std::vector<Value> direct;
          ASSERT_TRUE(WindowState::ReadEncoded(plan, bytes, t, &direct).ok());
          ExpectReference(
              plan, applied, t,
              {{"Read after Expire", ReadAt(state, t)}, {"ReadEncoded after Expire", direct}});
        }
        if (j % 200 == 0) {  // a restart
          Result<WindowState> decoded = WindowState::Decode(&plan, bytes);
          ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
          state = std::move(*decoded);
        }
      }
    }
    EXPECT_GT(too_old, 10);
    EXPECT_GT(checks, 10);
    // Only events after the horizon are kept.
    size_t live = 0;
    for (const Ev& ev : applied) live += ev.rank.event_ts > state.horizon();
    EXPECT_EQ(state.event_count(), live);
  }
}

// Expire skips the state's arrays while its cutoff is below the oldest
// event and the oldest tiles' drop points (kept in the objects): whenever
// it runs, the state must hold exactly what a fresh state holds after
// Expire(now) and the Adds of the surviving events, byte for byte (no
// event or tile left behind, none dropped early).
TEST(WindowStateTest, ExpireLeavesWhatAFreshStateHolds) {
  for (const WindowPlan& plan : {EveryFunctionPlan(), ThreeByThreePlan()}) {
    std::mt19937_64 rng(23);
    StreamOptions opt;
    opt.to = kBase + 20 * kDay;
    opt.random_events = 700;
    const std::vector<int64_t> reads = ReadTimes(plan, rng, 10, kBase, opt.to);
    std::vector<std::pair<int64_t, Ev>> arrivals;
    for (Ev& ev : RandomStream(plan, reads, rng, opt)) {
      const int64_t delay = rng() % 4 == 0 ? static_cast<int64_t>(rng() % (2 * kDay))
                                           : static_cast<int64_t>(rng() % (3 * kMin));
      arrivals.emplace_back(ev.rank.event_ts + delay, ev);
    }
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    WindowState state(&plan);
    std::vector<Ev> applied;
    int checks = 0;
    for (size_t j = 0; j < arrivals.size(); ++j) {
      const auto& [now, ev] = arrivals[j];
      state.Expire(now);
      if (state.Add(ev.rank, InputsOf(plan, ev)) == WindowState::AddResult::kApplied) {
        applied.push_back(ev);
      }
      if (j % 7 != 0) continue;
      // A later clock, so that some calls drop and some do not.
      const int64_t later = now + static_cast<int64_t>(rng() % (2 * kH));
      state.Expire(later);
      WindowState fresh(&plan);
      fresh.Expire(state.horizon() + plan.max_window);  // an earlier `later` may have been later
      ASSERT_EQ(fresh.horizon(), state.horizon());
      for (const Ev& kept : applied) {
        if (kept.rank.event_ts > fresh.horizon()) {
          ASSERT_EQ(fresh.Add(kept.rank, InputsOf(plan, kept)), WindowState::AddResult::kApplied);
        }
      }
      ASSERT_EQ(state.event_count(), fresh.event_count()) << "arrival " << j;
      ASSERT_TRUE(Encoded(state) == Encoded(fresh)) << "arrival " << j << ": other tiles";
      ++checks;
    }
    EXPECT_GT(checks, 50);
  }
}

TEST(WindowStateTest, EventAtTheHorizonIsTooOldAndTheNextMicroIsNot) {
  const WindowPlan plan = ThreeByThreePlan();
  WindowState state(&plan);
  EXPECT_EQ(state.horizon(), std::numeric_limits<int64_t>::min());
  state.Expire(kBase + 10 * kDay);
  const int64_t horizon = kBase + 3 * kDay;  // now - 7d
  ASSERT_EQ(state.horizon(), horizon);
  state.Expire(kBase);  // never lowers it
  ASSERT_EQ(state.horizon(), horizon);
  std::vector<std::optional<AggInput>> values(plan.column_names.size(), AggInput{5, 2.5, {}});
  EXPECT_EQ(state.Add({horizon, kNullCreatedTs, 1}, values), WindowState::AddResult::kTooOld);
  EXPECT_EQ(state.event_count(), 0u);
  EXPECT_EQ(state.Add({horizon + 1, kNullCreatedTs, 2}, values), WindowState::AddResult::kApplied);
  EXPECT_EQ(state.event_count(), 1u);
  EXPECT_EQ(ReadAt(state, kBase + 10 * kDay)[2], Value::Int64(1));  // count_7d
}

// Ranks identify events: the same event applied again (a backfill's tail
// overlapping pushes) changes nothing, in memory and through the encoding;
// another ingest sequence at the same times is another event.
TEST(WindowStateTest, AnEventAppliedTwiceCountsOnce) {
  const WindowPlan plan = ThreeByThreePlan();
  WindowState state(&plan);
  std::vector<std::optional<AggInput>> values(plan.column_names.size(), AggInput{5, 2.5, {}});
  const EventRank rank{kBase, kNullCreatedTs, 7};
  ASSERT_EQ(state.Add(rank, values), WindowState::AddResult::kApplied);
  std::string before;
  state.EncodeTo(&before);
  EXPECT_EQ(state.Add(rank, values), WindowState::AddResult::kDuplicate);
  std::string after;
  state.EncodeTo(&after);
  EXPECT_EQ(after, before);
  Result<WindowState> decoded = WindowState::Decode(&plan, before);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->Add(rank, values), WindowState::AddResult::kDuplicate);
  EXPECT_EQ(decoded->Add({kBase, kNullCreatedTs, 8}, values), WindowState::AddResult::kApplied);
  EXPECT_EQ(ReadAt(*decoded, kBase)[2], Value::Int64(2));  // count_7d: two events
}

TEST(WindowStateTest, ExpiryDropsEventsAndTiles) {
  const WindowPlan plan = ThreeByThreePlan();
  WindowState state(&plan);
  std::mt19937_64 rng(5);
  std::vector<double> seen;
  for (int j = 0; j < 300; ++j) {
    const Ev ev = RandomEvent(kBase + static_cast<int64_t>(rng() % (7 * kDay)), j + 1, rng, seen);
    ASSERT_EQ(state.Add(ev.rank, InputsOf(plan, ev)), WindowState::AddResult::kApplied);
  }
  const size_t full = state.MemoryBytes();
  state.Expire(kBase + 14 * kDay + 1);
  EXPECT_EQ(state.event_count(), 0u);
  EXPECT_LT(state.MemoryBytes(), full / 4);
  std::string bytes;
  state.EncodeTo(&bytes);
  EXPECT_LT(bytes.size(), 40u) << "no tile left";
}

// After Expire(now), a tile of the 1h window's grid that no read at t >= now
// can merge whole is garbage: a late event (still inside the 7d window)
// lands in the 7d grid and the raw events, not in a new 1h tile.
TEST(WindowStateTest, LateEventsMakeNoTileNoReadCanMerge) {
  const WindowPlan plan = PlanOf({Agg("", "count", {kH, 7 * kDay})});
  WindowState state(&plan);
  const int64_t now = kBase + 10 * kDay;
  state.Expire(now);
  std::vector<std::optional<AggInput>> none;
  ASSERT_EQ(state.Add({kBase + 4 * kDay, kNullCreatedTs, 1}, none),
            WindowState::AddResult::kApplied);
  ASSERT_EQ(state.Add({now - 10 * kMin, kNullCreatedTs, 2}, none),
            WindowState::AddResult::kApplied);
  std::string bytes;
  state.EncodeTo(&bytes);
  const TileLayout layout(plan);
  ASSERT_EQ(layout.groups.size(), 2u);
  ASSERT_EQ(layout.groups[0].width, 2 * kMin);
  EncodedState encoded;
  ASSERT_TRUE(encoded.Parse(plan, layout, bytes).ok());
  EXPECT_EQ(encoded.TileCount(0), 1u) << "only the recent event has a 1h-grid tile";
  EXPECT_EQ(encoded.TileCount(1), 2u);
  EXPECT_EQ(ReadAt(state, now), (std::vector<Value>{Value::Int64(1), Value::Int64(2)}));
}

// AddBatch leaves the state exactly as Add of each event in order: random
// streams (every function, out of order, nulls, NaN, bursts, edges) split
// into a prefix applied by Add and batches, with events repeated inside a
// batch and across batches (kDuplicate), and events at or before the
// horizon (kTooOld); the encodings must be equal byte for byte, the
// results equal, and reads equal to the brute-force reference.
void CheckBatchEqualsAdds(const WindowPlan& plan, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<int64_t> reads = ReadTimes(plan, rng, 20, kBase + 2 * kDay, kBase + 10 * kDay);
  std::vector<Ev> events = RandomStream(plan, reads, rng);
  // Repeats: the same event again (same rank and values), and the same rank
  // with other values (Add keeps the first one).
  for (int j = 0; j < 60; ++j) {
    Ev again = events[rng() % events.size()];
    if (j % 2 == 0) again.cells[kAmount] = Cell{0, std::nan(""), ""};
    events.insert(events.begin() + static_cast<ptrdiff_t>(rng() % events.size()), again);
  }
  WindowState one(&plan), batch(&plan);
  std::vector<WindowState::AddResult> want, got;
  const size_t prefix = events.size() / 5;
  for (size_t i = 0; i < prefix; ++i) {
    want.push_back(one.Add(events[i].rank, InputsOf(plan, events[i])));
    got.push_back(batch.Add(events[i].rank, InputsOf(plan, events[i])));
  }
  // Expire so that some later events are too old and some tiles dead.
  one.Expire(kBase + 8 * kDay);
  batch.Expire(kBase + 8 * kDay);
  for (size_t begin = prefix; begin < events.size();) {
    const size_t end = std::min(events.size(), begin + 1 + rng() % 400);
    std::vector<EventRank> ranks;
    std::vector<std::optional<AggInput>> values;
    for (size_t i = begin; i < end; ++i) {
      want.push_back(one.Add(events[i].rank, InputsOf(plan, events[i])));
      ranks.push_back(events[i].rank);
      for (const std::optional<AggInput>& v : InputsOf(plan, events[i])) values.push_back(v);
    }
    std::vector<WindowState::AddResult> results(ranks.size());
    batch.AddBatch(ranks, values, results);
    got.insert(got.end(), results.begin(), results.end());
    begin = end;
    ASSERT_EQ(Encoded(batch), Encoded(one)) << "after a batch ending at event " << end;
  }
  ASSERT_EQ(got, want);
  for (WindowState::AddResult r :
       {WindowState::AddResult::kApplied, WindowState::AddResult::kTooOld,
        WindowState::AddResult::kDuplicate}) {
    EXPECT_NE(std::count(want.begin(), want.end(), r), 0) << "the stream exercises every result";
  }
  // What the state holds: each applied event, the first of its rank.
  std::vector<Ev> applied;
  for (size_t i = 0; i < events.size(); ++i) {
    if (want[i] == WindowState::AddResult::kApplied) applied.push_back(events[i]);
  }
  for (int64_t t : reads) {
    if (t < kBase + 8 * kDay) continue;  // before now: expired events are absent
    ExpectReference(plan, applied, t, {{"AddBatch", ReadAt(batch, t)}});
  }
}

TEST(WindowStateTest, AddBatchEqualsAddOfEachEvent) {
  for (uint64_t seed : {11, 12}) CheckBatchEqualsAdds(EveryFunctionPlan(), seed);
  for (uint64_t seed : {13, 14}) CheckBatchEqualsAdds(ThreeByThreePlan(), seed);
}

// A fresh state built by one AddBatch of a whole shuffled history (what
// training sets and the backfill do) encodes as the Adds do.
TEST(WindowStateTest, AddBatchOfAWholeHistoryEqualsAdds) {
  const WindowPlan plan = EveryFunctionPlan();
  std::mt19937_64 rng(15);
  const std::vector<int64_t> reads = ReadTimes(plan, rng, 20, kBase, kBase + 10 * kDay);
  const std::vector<Ev> events = RandomStream(plan, reads, rng);
  WindowState one(&plan), batch(&plan);
  AddAllTo(plan, events, &one);
  std::vector<EventRank> ranks;
  std::vector<std::optional<AggInput>> values;
  for (const Ev& ev : events) {
    ranks.push_back(ev.rank);
    for (const std::optional<AggInput>& v : InputsOf(plan, ev)) values.push_back(v);
  }
  std::vector<WindowState::AddResult> results(ranks.size());
  batch.AddBatch(ranks, values, results);
  EXPECT_EQ(std::count(results.begin(), results.end(), WindowState::AddResult::kApplied),
            static_cast<ptrdiff_t>(events.size()));
  EXPECT_EQ(Encoded(batch), Encoded(one));
  for (int64_t t : reads) ExpectReference(plan, events, t, {{"AddBatch", ReadAt(batch, t)}});
}

}  // namespace
}  // namespace tessera::agg::testing
