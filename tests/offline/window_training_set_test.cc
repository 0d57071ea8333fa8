// Training sets over an aggregated feature view (window_features.h): random
// events in a Parquet file read in place and in commits to the source log,
// checked against a brute-force reference written plainly here (for every
// spine row, a loop over every event: window membership (t - W, t], the
// DESIGN.md tie-break for first/last, nulls skipped), with no tiles and no
// accumulators. Double values are multiples of 1/64 small enough that any
// sum of them is exact in plain double arithmetic, so the reference's naive
// sum is the exact sum.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>

#include "tessera/core/value.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/training_set.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kSec = 1000000;

struct Event {
  std::optional<int64_t> user;
  int64_t ts;
  std::optional<int64_t> created;
  std::optional<double> amount;
  std::optional<int64_t> qty;
  std::optional<std::string> merchant;
  int64_t seq;  // the reference's rank: in place INT64_MIN + position, logged 1, 2, ...
};

struct Rank {
  int64_t ts, created, seq;
  auto operator<=>(const Rank&) const = default;
};
Rank RankOf(const Event& e) {
  return {e.ts, e.created.value_or(std::numeric_limits<int64_t>::min()), e.seq};
}

template <typename T>
Value Opt(const std::optional<T>& v, Value (*make)(T), DataType type) {
  return v ? make(*v) : Value::Null(type);
}

RecordBatchPtr EventBatch(const std::vector<Event>& events) {
  auto schema = Schema::Make({{"user_id", DataType::Int64()},
                              {"ts", DataType::Timestamp()},
                              {"created", DataType::Timestamp()},
                              {"amount", DataType::Double()},
                              {"qty", DataType::Int64()},
                              {"merchant", DataType::String()}});
  EXPECT_TRUE(schema.ok());
  RecordBatchBuilder builder(*schema);
  for (const Event& e : events) {
    std::vector<Value> row = {
        Opt<int64_t>(e.user, Value::Int64, DataType::Int64()),
        Value::Timestamp(e.ts),
        Opt<int64_t>(e.created, Value::Timestamp, DataType::Timestamp()),
        Opt<double>(e.amount, Value::Double, DataType::Double()),
        Opt<int64_t>(e.qty, Value::Int64, DataType::Int64()),
        e.merchant ? Value::String(*e.merchant) : Value::Null(DataType::String())};
    EXPECT_TRUE(builder.AppendRow(row).ok());
  }
  auto batch = builder.Finish();
  EXPECT_TRUE(batch.ok());
  return *batch;
}

registry::Aggregation Agg(std::string column, std::string function,
                          std::vector<int64_t> windows_sec, std::vector<int64_t> tiles_sec = {}) {
  registry::Aggregation a;
  a.column = std::move(column);
  a.function = std::move(function);
  for (int64_t w : windows_sec) a.windows.push_back(w * kSec);
  for (int64_t t : tiles_sec) a.tile_widths.push_back(t * kSec);
  return a;
}

// Bit-exact equality of two Values (doubles by their bits).
bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  if (a.type() == DataType::Double()) {
    return std::bit_cast<uint64_t>(a.double_value()) == std::bit_cast<uint64_t>(b.double_value());
  }
  return a == b;
}

class WindowTrainingSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tessera_window_ts_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    defs_.entities = {registry::Entity{"user", {{"user_id", DataType::Int64()}}, {}, {}}};
    registry::Source txns;
    txns.name = "txns";
    txns.path = "txns/*.parquet";
    txns.timestamp_field = "ts";
    txns.created_timestamp_field = "created";
    defs_.sources = {txns};
    registry::FeatureView spend;
    spend.name = "spend";
    spend.entities = {"user"};
    spend.source = "txns";
    spend.aggregations = {Agg("amount", "sum", {10, 60}, {3, 0}),
                          Agg("qty", "sum", {60}),
                          Agg("", "count", {10}),
                          Agg("amount", "count", {60}),
                          Agg("qty", "min", {60}, {7}),
                          Agg("qty", "max", {10, 60}),
                          Agg("merchant", "last", {60}),
                          Agg("merchant", "first", {10, 60}, {4, 9}),
                          Agg("merchant", "max", {10})};
    defs_.feature_views = {spend};
  }
  void TearDown() override { fs::remove_all(root_); }

  Event RandomEvent(std::mt19937_64& rng) {
    auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
    Event e;
    if (pick(20) != 0) e.user = pick(4);
    e.ts = pick(121) * kSec + (pick(4) == 0 ? pick(3) - 1 : 0);  // some a micro off a second
    if (pick(3) != 0) e.created = pick(3) * kSec;
    if (pick(5) != 0) e.amount = static_cast<double>(pick(2001) - 1000) / 64.0;
    if (pick(5) != 0) e.qty = pick(2000001) - 1000000;
    if (pick(5) != 0) e.merchant = std::string(1, static_cast<char>('a' + pick(6)));
    return e;
  }

  void WriteFile(const std::string& rel, const std::vector<Event>& events) {
    fs::create_directories(root_ / "txns");
    RecordBatchPtr batch = EventBatch(events);
    auto writer = parquet::ParquetWriter::Open((root_ / rel).string(), batch->schema());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(*batch).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }

  void Commit(const std::vector<Event>& events) {
    RecordBatchPtr batch = EventBatch(events);
    VectorBatchReader reader(batch->schema(), {batch});
    CommitSpec spec;
    spec.log_dir = SourceLogDir((root_ / "data/offline").string(), "p", "txns");
    spec.timestamp_column = "ts";
    ASSERT_TRUE(CommitBatches(&reader, spec).ok());
  }

  // The reference value of one feature for (user, t).
  Value Reference(const registry::Aggregation& a, int64_t window, std::optional<int64_t> user,
                  std::optional<int64_t> t) const {
    const bool counts = a.function == "count";
    if (!t) return counts ? Value::Null(DataType::Int64()) : Null(a);
    std::vector<const Event*> in;
    for (const Event& e : events_) {
      if (!user || !e.user || *e.user != *user) continue;
      if (e.ts <= *t - window || e.ts > *t) continue;
      in.push_back(&e);
    }
    if (a.column.empty()) return Value::Int64(static_cast<int64_t>(in.size()));
    std::vector<const Event*> present;
    for (const Event* e : in) {
      bool has = a.column == "amount" ? e->amount.has_value()
                 : a.column == "qty"  ? e->qty.has_value()
                                      : e->merchant.has_value();
      if (has) present.push_back(e);
    }
    if (counts) return Value::Int64(static_cast<int64_t>(present.size()));
    if (present.empty()) return Null(a);
    if (a.function == "sum" && a.column == "amount") {
      double s = 0;
      for (const Event* e : present) s += *e->amount;
      return Value::Double(s);
    }
    if (a.function == "sum") {
      int64_t s = 0;
      for (const Event* e : present) s += *e->qty;
      return Value::Int64(s);
    }
    if (a.function == "min" || a.function == "max") {
      if (a.column == "amount") {  // finite multiples of 1/64, no -0.0
        double m = *present[0]->amount;
        for (const Event* e : present)
          m = a.function == "min" ? std::min(m, *e->amount) : std::max(m, *e->amount);
        return Value::Double(m);
      }
      if (a.column == "qty") {
        int64_t m = *present[0]->qty;
        for (const Event* e : present)
          m = a.function == "min" ? std::min(m, *e->qty) : std::max(m, *e->qty);
        return Value::Int64(m);
      }
      std::string m = *present[0]->merchant;
      for (const Event* e : present) {
        m = a.function == "min" ? std::min(m, *e->merchant) : std::max(m, *e->merchant);
      }
      return Value::String(m);
    }
    const Event* pick = present[0];
    for (const Event* e : present) {
      bool better = a.function == "last" ? RankOf(*e) > RankOf(*pick) : RankOf(*e) < RankOf(*pick);
      if (better) pick = e;
    }
    return Value::String(*pick->merchant);
  }

  static Value Null(const registry::Aggregation& a) {
    if (a.column == "amount") return Value::Null(DataType::Double());
    if (a.column == "qty") return Value::Null(DataType::Int64());
    return Value::Null(DataType::String());
  }

  void CheckRandomTrainingSets(uint64_t seed,
                               std::optional<std::vector<registry::Aggregation>> aggregations,
                               int64_t ttl);

  fs::path root_;
  registry::RepoDefinitions defs_;
  std::vector<Event> events_;  // in scan order: files by path, then log commits
};

// Random events over two files and three commits, a random spine, and
// every feature of the view against the reference. `aggregations` (when
// given) replace the view's; `ttl` is set on the view (an aggregated view's
// windows are its only bound: the ttl changes nothing).
void WindowTrainingSetTest::CheckRandomTrainingSets(
    uint64_t seed, std::optional<std::vector<registry::Aggregation>> aggregations, int64_t ttl) {
  testing::RandomTestParams params(seed, 4);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  for (int iteration = 0; iteration < params.iterations; ++iteration) {
    SetUp();
    if (aggregations) defs_.feature_views[0].aggregations = *aggregations;
    defs_.feature_views[0].ttl = ttl;
    events_.clear();
    int64_t position = 0;
    for (const char* file : {"txns/a.parquet", "txns/b.parquet"}) {
      std::vector<Event> rows;
      for (int i = 0; i < 150; ++i) rows.push_back(RandomEvent(rng));
      for (Event& e : rows) e.seq = std::numeric_limits<int64_t>::min() + position++;
      WriteFile(file, rows);
      events_.insert(events_.end(), rows.begin(), rows.end());
    }
    int64_t seq = 1;
    for (int commit = 0; commit < 3; ++commit) {
      std::vector<Event> rows;
      for (int i = 0; i < 60; ++i) rows.push_back(RandomEvent(rng));
      for (Event& e : rows) e.seq = seq++;
      Commit(rows);
      events_.insert(events_.end(), rows.begin(), rows.end());
    }

    // Spine: random users (some null, some unknown) and times, some exactly
    // on window edges of event times, some null.
    auto schema =
        Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}});
    ASSERT_TRUE(schema.ok());
    RecordBatchBuilder spine_builder(*schema);
    std::vector<std::pair<std::optional<int64_t>, std::optional<int64_t>>> spine;
    for (int i = 0; i < 300; ++i) {
      std::optional<int64_t> user;
      if (pick(15) != 0) user = pick(5);
      std::optional<int64_t> t;
      if (pick(30) != 0) {
        const Event& e = events_[static_cast<size_t>(pick(static_cast<int64_t>(events_.size())))];
        const int64_t edges[] = {0, 10 * kSec, 60 * kSec, 10 * kSec - 1, 60 * kSec + 1};
        t = pick(3) == 0 ? pick(135) * kSec : e.ts + edges[pick(5)];
      }
      spine.push_back({user, t});
      ASSERT_TRUE(spine_builder
                      .AppendRow({user ? Value::Int64(*user) : Value::Null(DataType::Int64()),
                                  t ? Value::Timestamp(*t) : Value::Null(DataType::Timestamp())})
                      .ok());
    }
    auto spine_batch = spine_builder.Finish();
    ASSERT_TRUE(spine_batch.ok());

    TrainingSetRequest request;
    request.repo_root = root_.string();
    request.offline_root = (root_ / "data/offline").string();
    request.project = "p";
    request.definitions = defs_;
    request.features = {"spend"};
    request.num_threads = 2;
    request.with_timestamps = true;  // adds spend__last_committed_at
    VectorBatchReader reader((*spine_batch)->schema(), {*spine_batch});
    Result<TrainingSet> built = BuildTrainingSet(request, &reader);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const RecordBatch& table = *built->table;

    int column = 2;  // after the spine's two columns
    for (const registry::Aggregation& a : defs_.feature_views[0].aggregations) {
      for (int64_t window : a.windows) {
        ASSERT_EQ(table.schema()->field(column).name, a.FeatureName(window));
        const Array& values = *table.column(column);
        for (size_t r = 0; r < spine.size(); ++r) {
          Value expected = Reference(a, window, spine[r].first, spine[r].second);
          Value got = values.GetValue(static_cast<int64_t>(r));
          ASSERT_TRUE(SameValue(got, expected))
              << a.FeatureName(window) << " row " << r << ": got " << got.ToString()
              << ", expected " << expected.ToString();
        }
        ++column;
      }
    }
    // The audit column: the latest commit time of the key's logged events in
    // the largest window (60 s), from the manifest's commit times.
    auto manifest =
        ReadManifest(Env::Default(), SourceLogDir((root_ / "data/offline").string(), "p", "txns"));
    ASSERT_TRUE(manifest.ok());
    auto committed_at = [&](int64_t seq) {
      for (const LogPart& part : manifest->parts) {
        if (seq >= part.first_seq && seq <= part.last_seq) return part.committed_at;
      }
      return std::numeric_limits<int64_t>::min();
    };
    ASSERT_EQ(table.schema()->field(column).name, "spend__last_committed_at");
    const Array& audit = *table.column(column);
    for (size_t r = 0; r < spine.size(); ++r) {
      int64_t latest = std::numeric_limits<int64_t>::min();
      if (spine[r].first && spine[r].second) {
        for (const Event& e : events_) {
          if (!e.user || *e.user != *spine[r].first || e.seq <= 0) continue;  // logged only
          if (e.ts <= *spine[r].second - 60 * kSec || e.ts > *spine[r].second) continue;
          latest = std::max(latest, committed_at(e.seq));
        }
      }
      Value expected = latest == std::numeric_limits<int64_t>::min()
                           ? Value::Null(DataType::Timestamp())
                           : Value::Timestamp(latest);
      ASSERT_EQ(audit.GetValue(static_cast<int64_t>(r)), expected) << "row " << r;
    }
    EXPECT_EQ(column + 1, table.num_columns());
    TearDown();
  }
}

// The plan of SetUp (first, last and a string max among its aggregates):
// the general path, a WindowState per key.
TEST_F(WindowTrainingSetTest, EqualsBruteForceOverFilesAndLog) {
  CheckRandomTrainingSets(20261130, std::nullopt, 0);
}

// Only count, sum, min and max of numbers: SlidingAggregates computes the
// view (window_features.cc); a ttl on the view changes nothing.
TEST_F(WindowTrainingSetTest, SlidingFormEqualsBruteForceOverFilesAndLog) {
  CheckRandomTrainingSets(
      20261201,
      std::vector<registry::Aggregation>{
          Agg("amount", "sum", {10, 60}, {3, 0}), Agg("qty", "sum", {60}), Agg("", "count", {10}),
          Agg("amount", "count", {60}), Agg("qty", "min", {60}, {7}), Agg("qty", "max", {10, 60}),
          Agg("amount", "max", {1, 10})},
      5 * kSec);
}

}  // namespace
}  // namespace tessera::offline
