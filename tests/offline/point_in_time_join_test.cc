// PointInTimeJoin against its contract (point_in_time_join.h, DESIGN.md
// section 3): hand-made cases for each rule, then random cases compared
// value for value with the brute-force reference of pit_test_data.h, in
// memory and through the spill path.
#include "tessera/offline/point_in_time_join.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "pit_test_data.h"
#include "tessera/core/fault_injection_env.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

using testing::BruteForce;
using testing::kSecond;
using testing::MustSchema;
using testing::PitCase;
using testing::PitCaseGenerator;
using testing::PitView;

// Compares every value of every view's result with the brute force.
void ExpectMatchesBruteForce(const PitCase& c, const std::vector<RecordBatchPtr>& result) {
  ASSERT_EQ(result.size(), c.views.size());
  for (size_t v = 0; v < c.views.size(); ++v) {
    const PitView& view = c.views[v];
    const auto expected = BruteForce(*c.spine, c.timestamp_column, view);
    const RecordBatch& got = *result[v];
    ASSERT_EQ(got.num_rows(), c.spine->num_rows()) << view.name;
    const int num_values = view.schema->num_fields() - view.num_keys - 2;
    ASSERT_EQ(got.num_columns(), num_values + 1) << view.name;
    for (int j = 0; j < num_values; ++j) {
      EXPECT_EQ(got.schema()->field(j), view.schema->field(view.num_keys + 2 + j));
    }
    EXPECT_EQ(got.schema()->field(num_values), (Field{"event_ts", DataType::Timestamp()}));
    int failures = 0;
    for (int64_t r = 0; r < got.num_rows() && failures < 5; ++r) {
      for (int j = 0; j <= num_values; ++j) {
        Value g = got.column(j)->GetValue(r);
        const Value& e = expected[static_cast<size_t>(r)][static_cast<size_t>(j)];
        if (g != e) {
          ADD_FAILURE() << "view " << view.name << " ttl " << view.ttl << " spine row " << r
                        << " column " << got.schema()->field(j).name << ": got " << g.ToString()
                        << ", expected " << e.ToString();
          ++failures;
        }
      }
    }
  }
}

Result<std::vector<RecordBatchPtr>> Join(const PitCase& c, JoinOptions options = {}) {
  return PointInTimeJoin(*c.spine, c.timestamp_column, c.Inputs(), options);
}

// A one-view case from literal rows: view (user_id int64, event_ts,
// created_ts, v int64) against a spine (user_id int64, t).
struct Literal {
  std::vector<std::vector<Value>> spine;
  std::vector<std::vector<Value>> view;
  int64_t ttl = 0;
};

PitCase FromLiteral(const Literal& lit) {
  PitCase c;
  RecordBatchBuilder sb(MustSchema({{"user_id", DataType::Int64()}, {"t", DataType::Timestamp()}}));
  for (const auto& row : lit.spine) EXPECT_TRUE(sb.AppendRow(row).ok());
  c.spine = *sb.Finish();
  c.timestamp_column = 1;
  PitView v;
  v.name = "v";
  v.schema = MustSchema({{"user_id", DataType::Int64()},
                         {"event_ts", DataType::Timestamp()},
                         {"created_ts", DataType::Timestamp()},
                         {"v", DataType::Int64()}});
  RecordBatchBuilder vb(v.schema);
  for (const auto& row : lit.view) EXPECT_TRUE(vb.AppendRow(row).ok());
  v.batches = {*vb.Finish()};
  v.spine_key_columns = {0};
  v.ttl = lit.ttl;
  c.views.push_back(std::move(v));
  return c;
}

Value I(int64_t v) { return Value::Int64(v); }
Value T(int64_t s) { return Value::Timestamp(s * kSecond); }
Value NullT() { return Value::Null(DataType::Timestamp()); }

// The picked `v` per spine row (null: none).
std::vector<Value> Picked(const Literal& lit) {
  auto result = Join(FromLiteral(lit));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<Value> out;
  if (!result.ok()) return out;
  for (int64_t r = 0; r < (*result)[0]->num_rows(); ++r) {
    out.push_back((*result)[0]->column(0)->GetValue(r));
  }
  return out;
}

TEST(PointInTimeJoinTest, LatestRowAtOrBeforeT) {
  Literal lit;
  lit.view = {{I(1), T(10), NullT(), I(100)},
              {I(1), T(20), NullT(), I(200)},
              {I(1), T(30), NullT(), I(300)},
              {I(2), T(5), NullT(), I(900)}};
  lit.spine = {{I(1), T(9)},  {I(1), T(10)}, {I(1), T(25)},
               {I(1), T(99)}, {I(2), T(5)},  {I(3), T(50)}};
  EXPECT_EQ(Picked(lit), (std::vector<Value>{Value::Null(DataType::Int64()), I(100), I(200), I(300),
                                             I(900), Value::Null(DataType::Int64())}));
}

TEST(PointInTimeJoinTest, TtlExcludesExactlyTMinusTtlAndIncludesT) {
  Literal lit;
  lit.ttl = 10 * kSecond;
  lit.view = {{I(1), T(10), NullT(), I(100)}};
  // t = 20: 10 <= 20 - 10, excluded. t = 19: included. t = 10: included.
  lit.spine = {{I(1), T(20)}, {I(1), T(19)}, {I(1), T(10)}};
  EXPECT_EQ(Picked(lit), (std::vector<Value>{Value::Null(DataType::Int64()), I(100), I(100)}));
}

TEST(PointInTimeJoinTest, TtlNeverFallsBackToAnOlderRow) {
  Literal lit;
  lit.ttl = 5 * kSecond;
  lit.view = {{I(1), T(10), NullT(), I(100)}, {I(1), T(1), NullT(), I(1)}};
  lit.spine = {{I(1), T(16)}};
  EXPECT_EQ(Picked(lit), (std::vector<Value>{Value::Null(DataType::Int64())}));
}

TEST(PointInTimeJoinTest, TiesGoToCreatedTsThenToTheLaterRow) {
  Literal lit;
  lit.view = {
      {I(1), T(10), T(5), I(1)},    {I(1), T(10), T(7), I(2)},    {I(1), T(10), T(6), I(3)},
      {I(2), T(10), T(1), I(4)},    {I(2), T(10), NullT(), I(5)}, {I(3), T(10), NullT(), I(6)},
      {I(3), T(10), NullT(), I(7)}, {I(4), T(10), T(3), I(8)},    {I(4), T(10), T(3), I(9)}};
  lit.spine = {{I(1), T(10)}, {I(2), T(10)}, {I(3), T(10)}, {I(4), T(11)}};
  EXPECT_EQ(Picked(lit), (std::vector<Value>{I(2), I(4), I(7), I(9)}));
}

TEST(PointInTimeJoinTest, NullKeysAndNullTimesMatchNothing) {
  Literal lit;
  const Value null_key = Value::Null(DataType::Int64());
  lit.view = {{null_key, T(1), NullT(), I(1)}, {I(1), NullT(), NullT(), I(2)}};
  lit.spine = {{null_key, T(5)}, {I(1), T(5)}, {I(1), NullT()}};
  EXPECT_EQ(Picked(lit), std::vector<Value>(3, Value::Null(DataType::Int64())));
}

TEST(PointInTimeJoinTest, Int32ViewKeyMatchesInt64SpineKey) {
  PitCase c = FromLiteral({{{I(7), T(5)}}, {}, 0});
  PitView& v = c.views[0];
  v.schema = MustSchema({{"user_id", DataType::Int32()},
                         {"event_ts", DataType::Timestamp()},
                         {"created_ts", DataType::Timestamp()},
                         {"v", DataType::Int64()}});
  RecordBatchBuilder b(v.schema);
  ASSERT_TRUE(b.AppendRow({Value::Int32(7), T(4), NullT(), I(42)}).ok());
  v.batches = {*b.Finish()};
  auto result = Join(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)[0]->column(0)->GetValue(0), I(42));
  EXPECT_EQ((*result)[0]->column(1)->GetValue(0), T(4));
}

TEST(PointInTimeJoinTest, StringKeyAgainstIntegerSpineColumnNamesBoth) {
  PitCase c = FromLiteral({{{I(7), T(5)}}, {}, 0});
  c.views[0].schema = MustSchema({{"user_name", DataType::String()},
                                  {"event_ts", DataType::Timestamp()},
                                  {"created_ts", DataType::Timestamp()},
                                  {"v", DataType::Int64()}});
  c.views[0].batches.clear();
  auto result = Join(c);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().ToString(),
            "Invalid argument: point-in-time join: view 'v': key part 0 'user_name' is string but "
            "spine column 'user_id' is int64");
}

TEST(PointInTimeJoinTest, EmptySpineAndEmptyView) {
  PitCase empty_spine = FromLiteral({{}, {{I(1), T(1), NullT(), I(1)}}, 0});
  auto a = Join(empty_spine);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)[0]->num_rows(), 0);
  EXPECT_EQ((*a)[0]->num_columns(), 2);
  PitCase empty_view = FromLiteral({{{I(1), T(1)}}, {}, 0});
  auto b = Join(empty_view);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)[0]->column(0)->GetValue(0), Value::Null(DataType::Int64()));
}

// Random cases: every rule at once, against the brute force.
TEST(PointInTimeJoinTest, RandomCasesMatchBruteForce) {
  tessera::testing::RandomTestParams params(20261130, 60);
  SCOPED_TRACE(params.Trace());
  PitCaseGenerator gen(params.seed);
  for (int i = 0; i < params.iterations; ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const int64_t spine_rows = i % 10 == 0 ? (i % 20 == 0 ? 1 : 0) : 1 + i * 7 % 300;
    PitCase c = gen.Make(spine_rows, 1 + i * 13 % 400);
    if (i % 2 == 1) {  // a second view on the spine's user_id: they share its index
      PitView again = c.views[0];
      again.name = "a_again";
      again.ttl = again.ttl == 0 ? 3 * kSecond : 0;
      c.views.push_back(again);
    }
    JoinOptions options;
    options.num_threads = 1 + i % 3;
    auto result = Join(c, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ExpectMatchesBruteForce(c, *result);
    if (HasFailure()) return;
  }
}

TEST(PointInTimeJoinTest, LargeSpineMatchesBruteForce) {
  tessera::testing::RandomTestParams params(77, 1);
  SCOPED_TRACE(params.Trace());
  PitCaseGenerator gen(params.seed);
  PitCase c = gen.Make(100000, 300);
  JoinOptions options;
  options.num_threads = 2;
  auto result = Join(c, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ExpectMatchesBruteForce(c, *result);
}

TEST(PointInTimeJoinTest, ProgressCountsTheRowsOfEveryView) {
  PitCaseGenerator gen(5);
  PitCase c = gen.Make(10, 100);
  int64_t total = 0;
  for (const PitView& v : c.views) {
    for (const auto& b : v.batches) total += b->num_rows();
  }
  std::vector<int64_t> seen;
  JoinOptions options;
  options.progress = [&](int64_t rows) { seen.push_back(rows); };
  ASSERT_TRUE(Join(c, options).ok());
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), total);
}

TEST(PointInTimeJoinTest, ABatchOfAnotherSchemaIsAnError) {
  PitCase c = FromLiteral({{{I(1), T(5)}}, {{I(1), T(1), NullT(), I(1)}}, 0});
  RecordBatchBuilder b(MustSchema({{"user_id", DataType::String()},
                                   {"event_ts", DataType::Timestamp()},
                                   {"created_ts", DataType::Timestamp()},
                                   {"v", DataType::Int64()}}));
  ASSERT_TRUE(b.AppendRow({Value::String("1"), T(1), NullT(), I(1)}).ok());
  c.views[0].batches.push_back(*b.Finish());
  auto result = Join(c);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().ToString(),
            "Invalid argument: point-in-time join: view 'v': a batch of its input has columns "
            "(user_id: string, event_ts: timestamp, created_ts: timestamp, v: int64), not "
            "(user_id: int64, event_ts: timestamp, created_ts: timestamp, v: int64)");
}

// Counts the files created under one folder.
class CountingEnv : public EnvWrapper {
 public:
  CountingEnv() : EnvWrapper(Env::Default()) {}
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        CreateMode mode) override {
    ++files_written;
    return EnvWrapper::NewWritableFile(path, mode);
  }
  int files_written = 0;
};

TEST(PointInTimeJoinTest, SpillingWithATinyBudgetGivesTheSameRows) {
  tessera::testing::RandomTestParams params(4242, 12);
  SCOPED_TRACE(params.Trace());
  PitCaseGenerator gen(params.seed);
  const std::string dir = ::testing::TempDir() + "pit_spill_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  int spilled_cases = 0;
  for (int i = 0; i < params.iterations; ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    PitCase c = gen.Make(1 + i * 11 % 200, 50 + i * 17 % 300);
    CountingEnv env;
    JoinOptions options;
    options.num_threads = 1 + i % 2;
    options.memory_budget_bytes = 1 + i % 3 * 200;  // a few rows at most
    options.spill_dir = dir;
    options.env = &env;
    auto result = Join(c, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ExpectMatchesBruteForce(c, *result);
    if (env.files_written > 0) ++spilled_cases;
    // The spill folder and its files are gone.
    EXPECT_TRUE(std::filesystem::is_empty(dir));
    if (HasFailure()) return;
  }
  EXPECT_GT(spilled_cases, params.iterations / 2);
  std::filesystem::remove_all(dir);
}

// Each I/O call of a spilling join fails in turn: the join either fails
// with an error naming the spill file or folder, or (a failed removal,
// ignored) still gives the right rows; the spill folder is removed unless
// the failed call was that removal.
TEST(PointInTimeJoinTest, EveryFailedSpillCallIsAnErrorOrHarmless) {
  PitCaseGenerator gen(99);
  PitCase c = gen.Make(20, 40, /*lists=*/false);
  const std::string dir = ::testing::TempDir() + "pit_fault_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  JoinOptions options;
  options.memory_budget_bytes = 1;
  options.spill_dir = dir;
  options.env = &env;
  ASSERT_TRUE(Join(c, options).ok());
  const int64_t calls = policy.calls();
  ASSERT_GT(calls, 10);
  for (int64_t k = 1; k <= calls; ++k) {
    SCOPED_TRACE("failing call " + std::to_string(k));
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    auto result = Join(c, options);
    const bool removal = policy.injected() && (policy.injected_op() == IoOp::kRemove);
    if (result.ok()) {
      ExpectMatchesBruteForce(c, *result);
    } else {
      const std::string& m = result.status().message();
      EXPECT_NE(m.find("point-in-time join: "), std::string::npos) << m;
      EXPECT_NE(m.find(dir), std::string::npos) << m;
    }
    if (!removal) {
      EXPECT_TRUE(std::filesystem::is_empty(dir)) << IoOpName(policy.injected_op());
    }
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    if (HasFailure()) break;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tessera::offline
