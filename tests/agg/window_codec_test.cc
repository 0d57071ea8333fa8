// The window state encoding: round trips, its header checks, compactness,
// and random truncations, byte flips and insertions, which must give
// Corruption or a valid state, never a crash or a read outside the bytes
// (Decode and ReadEncoded both).
#include <gtest/gtest.h>

#include "window_test_util.h"

namespace tessera::agg::testing {
namespace {

std::string EncodedStream(const WindowPlan& plan, uint64_t seed, int events) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> reads;  // a few, for a few events at window edges
  for (int j = 0; j < 12; ++j) reads.push_back(kBase + static_cast<int64_t>(rng() % (8 * kDay)));
  StreamOptions opt;
  opt.random_events = events;
  const std::vector<Ev> stream = RandomStream(plan, reads, rng, opt);
  WindowState state(&plan);
  AddAllTo(plan, stream, &state);
  state.Expire(kBase + 2 * kDay);
  std::string bytes;
  state.EncodeTo(&bytes);
  return bytes;
}

// Decodes and reads `bytes` every way; each either works or says Corruption.
void ReadAnyway(const WindowPlan& plan, const std::string& bytes) {
  Result<WindowState> decoded = WindowState::Decode(&plan, bytes);
  if (!decoded.ok()) {
    ASSERT_TRUE(decoded.status().IsCorruption()) << decoded.status().ToString();
  }
  for (int64_t t : {kBase + 3 * kDay, kBase + 9 * kDay + 17}) {
    std::vector<Value> out;
    Status st = WindowState::ReadEncoded(plan, bytes, t, &out);
    if (!st.ok()) {
      ASSERT_TRUE(st.IsCorruption()) << st.ToString();
      continue;
    }
    ASSERT_EQ(out.size(), plan.aggs.size());
    if (decoded.ok()) {  // valid bytes: both reads agree
      std::vector<Value> in_memory;
      decoded->Read(t, &in_memory);
      for (size_t a = 0; a < out.size(); ++a) {
        ASSERT_TRUE(SameBits(out[a], in_memory[a])) << plan.aggs[a].feature_name;
      }
    }
  }
  if (decoded.ok()) {
    std::vector<std::optional<AggInput>> values(plan.column_names.size());
    (void)decoded->Add({kBase + 5 * kDay, kNullCreatedTs, 1}, values);
  }
}

TEST(WindowCodecTest, EveryPrefixIsCorruption) {
  const WindowPlan plan = EveryFunctionPlan();
  const std::string bytes = EncodedStream(plan, 21, 80);
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::string prefix = bytes.substr(0, n);
    Result<WindowState> decoded = WindowState::Decode(&plan, prefix);
    ASSERT_FALSE(decoded.ok()) << "a " << n << "-byte prefix of " << bytes.size() << " decoded";
    ASSERT_TRUE(decoded.status().IsCorruption());
    std::vector<Value> out;
    Status st = WindowState::ReadEncoded(plan, prefix, kBase + 3 * kDay, &out);
    ASSERT_TRUE(st.IsCorruption()) << n << ": " << st.ToString();
  }
}

TEST(WindowCodecTest, RandomDamageNeverCrashes) {
  const WindowPlan plan = EveryFunctionPlan();
  const std::string bytes = EncodedStream(plan, 22, 60);
  std::mt19937_64 rng(23);
  for (int round = 0; round < 1500; ++round) {
    std::string damaged = bytes;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % damaged.size();
      switch (rng() % 4) {
        case 0: damaged[at] = static_cast<char>(damaged[at] ^ (1 << (rng() % 8))); break;
        case 1: damaged[at] = static_cast<char>(rng()); break;
        case 2: damaged.insert(at, 1, static_cast<char>(rng())); break;
        case 3: damaged.resize(at + 1); break;
      }
    }
    ASSERT_NO_FATAL_FAILURE(ReadAnyway(plan, damaged)) << "round " << round;
  }
}

TEST(WindowCodecTest, HeaderNamesVersionAndPlan) {
  const WindowPlan plan = ThreeByThreePlan();
  std::string bytes = EncodedStream(plan, 24, 40);
  ASSERT_TRUE(WindowState::Decode(&plan, bytes).ok());
  ASSERT_EQ(bytes[0], 1) << "version 1";
  std::string other_version = bytes;
  other_version[0] = 2;
  EXPECT_EQ(WindowState::Decode(&plan, other_version).status().message(),
            "window state: unknown version 2");
  const WindowPlan other = PlanOf({Agg("", "count", {kH, 24 * kH, 7 * kDay}),
                                   Agg("amount", "sum", {kH, 24 * kH, 7 * kDay}),
                                   Agg("qty", "max", {kH, 24 * kH, 8 * kDay})});
  EXPECT_EQ(WindowState::Decode(&other, bytes).status().message(),
            "window state: encoded for another aggregation plan");
  std::vector<Value> out;
  EXPECT_TRUE(WindowState::ReadEncoded(other, bytes, kBase, &out).IsCorruption());
  EXPECT_EQ(WindowState::Decode(&plan, "").status().message(), "window state: empty");
  EXPECT_EQ(WindowState::Decode(&plan, bytes + "x").status().message(),
            "window state: trailing bytes");
}

// Ten events a day per key over the 3x3 plan's 7 days: timestamps take 5
// bytes (frame of reference over a week of micros), doubles 8, small ints
// 2, tiles a few bytes per tile and aggregate; far less than the 8-byte
// fields of a naive layout times three ranks.
TEST(WindowCodecTest, StateIsCompact) {
  const WindowPlan plan = ThreeByThreePlan();
  WindowState state(&plan);
  std::mt19937_64 rng(25);
  const int n = 70;
  for (int j = 0; j < n; ++j) {
    std::optional<AggInput> values[2];
    values[0] = AggInput{0, double(rng() % 10000) / 100, {}};
    values[1] = AggInput{static_cast<int64_t>(rng() % 100), 0, {}};
    const int64_t ts = kBase + static_cast<int64_t>(rng() % (7 * kDay));
    ASSERT_EQ(state.Add({ts, kNullCreatedTs, 1000000 + j}, values),
              WindowState::AddResult::kApplied);
  }
  state.Expire(kBase + 7 * kDay);  // online expires at every write
  std::string bytes;
  state.EncodeTo(&bytes);
  EXPECT_LT(bytes.size(), 40u * n) << bytes.size() << " bytes for " << n << " events";
  Result<WindowState> decoded = WindowState::Decode(&plan, bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->event_count(), static_cast<size_t>(n));
}

// created_ts and ingest_seq are kept whatever the aggregates (they identify
// events, and first, last and last_n order by them): the same values at the
// same event times with other ranks encode differently.
TEST(WindowCodecTest, RanksAreKept) {
  for (bool ranked : {false, true}) {
    std::vector<registry::Aggregation> aggs = {Agg("qty", "sum", {kH, 24 * kH})};
    if (ranked) aggs.push_back(Agg("qty", "last", {kH}));
    const WindowPlan plan = PlanOf(aggs);
    std::string bytes[2];
    for (int variant = 0; variant < 2; ++variant) {
      WindowState state(&plan);
      for (int j = 0; j < 20; ++j) {
        std::optional<AggInput> qty = AggInput{j, 0, {}};
        const EventRank rank{kBase + j * kMin, variant == 0 ? kNullCreatedTs : kBase + j,
                             variant == 0 ? 0 : 1000 + j};
        ASSERT_EQ(state.Add(rank, std::span(&qty, 1)), WindowState::AddResult::kApplied);
      }
      state.EncodeTo(&bytes[variant]);
    }
    EXPECT_NE(bytes[0], bytes[1]);  // ranks are always kept: they identify events
    if (!ranked) continue;
    // Ranked: `last` follows the ranks, which survive the encoding.
    Result<WindowState> decoded = WindowState::Decode(&plan, bytes[1]);
    ASSERT_TRUE(decoded.ok());
    std::vector<Value> out;
    decoded->Read(kBase + 19 * kMin, &out);
    EXPECT_EQ(out[2], Value::Int64(19));
  }
}

// Written by the code at c4255f7 (main before the state's layout changed).
// Sizes and FNV-1a hashes of the bytes (the encodings are 3-9 KB).
constexpr size_t kGoldenOneColumnSize = 3428;
constexpr uint64_t kGoldenOneColumnFnv = 4186995189884801365ull;
constexpr size_t kGoldenEveryFunctionSize = 8722;
constexpr uint64_t kGoldenEveryFunctionFnv = 3938276012531570462ull;

// The stored encoding (version 1) is what the online store keeps, so the
// in-memory layout may change but these bytes may not: a fixed stream
// (no random generator, so the bytes cannot depend on a library's
// distributions) gives exactly the bytes the code at c4255f7 wrote, and
// those bytes still decode to a state that reads and re-encodes the same.
std::vector<Ev> FixedStream() {
  std::vector<Ev> evs;
  for (int i = 0; i < 60; ++i) {
    Ev ev;
    // Mostly in order over ~9 days, every fifth event 50 minutes late.
    ev.rank = {kBase + i * 211 * kMin - (i % 5 == 0 ? 50 * kMin : 0), kNullCreatedTs, i + 1};
    if (i % 7 != 3) {
      Cell amount;
      amount.d = (i * 7919 % 1000) / 8.0 - 50.0;
      ev.cells[kAmount] = amount;
    }
    Cell qty;
    qty.i = static_cast<int64_t>(i) * i - 100;
    ev.cells[kQty] = qty;
    Cell country;
    country.s = std::string("c") + static_cast<char>('a' + i % 4);
    ev.cells[kCountry] = country;
    if (i % 4 != 1) {
      Cell score;
      score.d = static_cast<float>(i) / 3.0f;
      ev.cells[kScore] = score;
    }
    evs.push_back(ev);
  }
  return evs;
}

std::string Hex(std::string_view bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  return hex;
}

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Encodes the fixed stream after an Expire (so expired events and tiles
// have left the front) and checks that the encoding decodes to the same
// reads and re-encodes to the same bytes.
std::string FixedEncoding(const WindowPlan& plan) {
  WindowState state(&plan);
  AddAllTo(plan, FixedStream(), &state);
  state.Expire(kBase + 4 * kDay);
  std::string bytes;
  state.EncodeTo(&bytes);
  Result<WindowState> decoded = WindowState::Decode(&plan, bytes);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  if (!decoded.ok()) return bytes;
  std::string again;
  decoded->EncodeTo(&again);
  EXPECT_EQ(Hex(again), Hex(bytes));
  for (int64_t t : {kBase + 5 * kDay, kBase + 8 * kDay + 7 * kMin}) {
    std::vector<Value> in_memory, from_decoded, from_bytes;
    state.Read(t, &in_memory);
    decoded->Read(t, &from_decoded);
    EXPECT_TRUE(WindowState::ReadEncoded(plan, bytes, t, &from_bytes).ok());
    for (size_t a = 0; a < plan.aggs.size(); ++a) {
      EXPECT_TRUE(SameBits(in_memory[a], from_decoded[a])) << plan.aggs[a].feature_name;
      EXPECT_TRUE(SameBits(in_memory[a], from_bytes[a])) << plan.aggs[a].feature_name;
    }
  }
  return bytes;
}

TEST(WindowCodecTest, EncodingIsStableOneColumn) {
  // The benchmark's shape: sum, count and max of one column, 1h, 24h, 7d.
  const WindowPlan plan = PlanOf({
      Agg("", "count", {kH, 24 * kH, 7 * kDay}),
      Agg("amount", "sum", {kH, 24 * kH, 7 * kDay}),
      Agg("amount", "max", {kH, 24 * kH, 7 * kDay}),
  });
  const std::string bytes = FixedEncoding(plan);
  EXPECT_EQ(bytes.size(), kGoldenOneColumnSize);
  EXPECT_EQ(Fnv1a(bytes), kGoldenOneColumnFnv);
}

TEST(WindowCodecTest, EncodingIsStableEveryFunction) {
  const std::string bytes = FixedEncoding(EveryFunctionPlan());
  EXPECT_EQ(bytes.size(), kGoldenEveryFunctionSize);
  EXPECT_EQ(Fnv1a(bytes), kGoldenEveryFunctionFnv);
}

}  // namespace
}  // namespace tessera::agg::testing
