// FeatureStore (include/tessera/feature_store.h) end to end on a small CSV
// repo: Plan and Apply summaries, a training set from the applied
// definitions, and Ingest whose rows the next training set sees (an
// ingested row tied on event time with a file row wins: it came later).
#include "tessera/feature_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tessera/core/time.h"

namespace tessera {
namespace {

std::unique_ptr<RecordBatchReader> OneBatch(RecordBatchPtr b) {
  SchemaPtr schema = b->schema();
  return std::make_unique<VectorBatchReader>(schema, std::vector<RecordBatchPtr>{std::move(b)});
}

namespace fs = std::filesystem;

class FeatureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera_facade_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    Write("tessera.yaml", "project: p\n");
    Write("features/defs.yaml", R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: users, kind: batch, path: users.csv, timestamp_field: event_timestamp}
feature_views:
  - name: user_profile
    entities: [user]
    source: users
    features:
      - {name: age, type: int64}
)");
    Write("users.csv", "user_id,event_timestamp,age\n1," + Ts(10) + ",30\n2," + Ts(10) + ",40\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Ts(int64_t s) { return FormatTimestamp(s * 1000000); }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  // The ages a training set gives users 1 and 2 at time 20s.
  std::string Ages(FeatureStore* store) {
    RecordBatchBuilder builder(*Schema::Make(
        {{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}}));
    EXPECT_TRUE(builder.AppendRow({Value::Int64(1), Value::Timestamp(20000000)}).ok());
    EXPECT_TRUE(builder.AppendRow({Value::Int64(2), Value::Timestamp(20000000)}).ok());
    HistoricalRequest request;
    request.features = {"user_profile:age"};
    auto reader = store->GetHistoricalFeatures(OneBatch(*builder.Finish()), request);
    if (!reader.ok()) return reader.status().ToString();
    auto batches = ReadAll(reader->get());
    EXPECT_TRUE(batches.ok());
    std::string out;
    for (const auto& b : *batches)
      out += b->column(2)->GetValue(0).ToString() + "," + b->column(2)->GetValue(1).ToString();
    return out;
  }

  fs::path dir_;
};

TEST_F(FeatureStoreTest, PlanApplyHistoricalIngest) {
  auto missing = FeatureStore::Open((dir_ / "nope").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  auto store = FeatureStore::Open(dir_.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto before = Ages(store->get());
  EXPECT_EQ(before,
            "Not found: registry 'data/registry.db' does not exist yet: run tessera apply first");

  auto plan = (*store)->Plan();
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->ToString(),
            "+ entity user (v1)\n+ source users (v1)\n+ feature-view user_profile (v1)\n"
            "3 changed, 0 unchanged\n");
  auto applied = (*store)->Apply("t");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_TRUE(applied->applied);
  EXPECT_EQ(applied->registry_version, 1);
  auto again = (*store)->Plan();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
  EXPECT_EQ(again->unchanged, 3);

  EXPECT_EQ(Ages(store->get()), "30,40");
  // A newer row for user 1 and a row tied with user 2's file row.
  Write("more.csv", "user_id,event_timestamp,age\n1," + Ts(15) + ",31\n2," + Ts(10) + ",41\n");
  auto ingested = (*store)->Ingest("users", {(dir_ / "more.csv").string()});
  ASSERT_TRUE(ingested.ok()) << ingested.status().ToString();
  EXPECT_EQ(ingested->source, "users");
  EXPECT_EQ(ingested->rows, 2);
  EXPECT_EQ(Ages(store->get()), "31,41");

  // An invalid repo: Plan and Apply fail with file:line errors, nothing applied.
  Write("features/bad.yaml", "feature_views:\n  - name: v\n    entities: [nobody]\n");
  auto bad = (*store)->Apply("t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().substr(0, 18), "features/bad.yaml:");
  EXPECT_EQ(Ages(store->get()), "31,41");
}

}  // namespace
}  // namespace tessera
