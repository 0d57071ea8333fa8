// BuildTrainingSet over a small repo whose sources are Parquet files written
// here, checked against a brute-force reference written plainly in the test
// (nested loop over every source row for every spine row), and its errors.
#include "tessera/offline/training_set.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <random>

#include "tessera/core/value.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/view_features.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;
using registry::FeatureDef;

constexpr int64_t kSec = 1000000;

std::unique_ptr<RecordBatchReader> BatchReader(RecordBatchPtr batch) {
  SchemaPtr schema = batch->schema();
  return std::make_unique<VectorBatchReader>(schema, std::vector<RecordBatchPtr>{std::move(batch)});
}

FeatureDef Feature(std::string name, DataType type, std::string expr = "") {
  FeatureDef f;
  f.name = std::move(name);
  f.type = type;
  f.expr = std::move(expr);
  return f;
}

RecordBatchPtr MakeBatch(std::vector<Field> fields, const std::vector<std::vector<Value>>& rows) {
  auto schema = Schema::Make(std::move(fields));
  EXPECT_TRUE(schema.ok());
  RecordBatchBuilder builder(*schema);
  for (const auto& row : rows) EXPECT_TRUE(builder.AppendRow(row).ok());
  auto batch = builder.Finish();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return *batch;
}

Value Ts(int64_t seconds) { return Value::Timestamp(seconds * kSec); }

// Source rows as the reference reads them.
struct UserRow {
  std::optional<int64_t> user_id;
  int64_t ts;
  std::optional<int64_t> created;
  std::optional<int32_t> age;
  std::string country;
};
struct MerchantRow {
  std::string merchant_id;
  int64_t ts;
  std::optional<double> risk;
  std::string country;
};
struct SpineRow {
  int64_t user_id;
  std::string merchant_id;
  int64_t t;
  double amount;
  int64_t label;
};

class TrainingSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tessera_training_set_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    Define();
  }
  void TearDown() override { fs::remove_all(root_); }

  void Define() {
    registry::Entity user{"user", {{"user_id", DataType::Int64()}}, {}, {}};
    registry::Entity merchant{"merchant", {{"merchant_id", DataType::String()}}, {}, {}};
    defs_.entities = {user, merchant};
    registry::Source users;
    users.name = "users";
    users.path = "users.parquet";
    users.timestamp_field = "event_timestamp";
    users.created_timestamp_field = "created";
    registry::Source merchants;
    merchants.name = "merchants";
    merchants.path = "merchants.parquet";
    merchants.timestamp_field = "ts";
    registry::Source push;
    push.name = "merchants_push";
    push.kind = registry::SourceKind::kPush;
    push.batch_source = "merchants";
    registry::Source request;
    request.name = "txn";
    request.kind = registry::SourceKind::kRequest;
    request.schema = {{"amount", DataType::Double()},
                      {"hour", DataType::Int32()}};  // hour: never read
    defs_.sources = {users, merchants, push, request};

    registry::FeatureView profile;
    profile.name = "user_profile";
    profile.entities = {"user"};
    profile.source = "users";
    profile.ttl = 5 * kSec;
    profile.features = {Feature("age", DataType::Int32()), Feature("country", DataType::String()),
                        Feature("is_adult", DataType::Bool(), "age >= 18"),
                        Feature("age_next", DataType::Int64(), "age_next_base + 1"),
                        Feature("age_or_zero", DataType::Int64(), "coalesce(age, 0)")};
    registry::FeatureView risk;
    risk.name = "merchant_risk";
    risk.entities = {"merchant"};
    risk.source = "merchants_push";  // reads its batch source
    risk.features = {Feature("risk", DataType::Double()), Feature("country", DataType::String())};
    registry::FeatureView spend;
    spend.name = "user_spend";
    spend.entities = {"user"};
    spend.source = "users";
    spend.aggregations = {{"age", "sum", {3600 * kSec}, {}}};
    defs_.feature_views = {profile, risk, spend};

    registry::OnDemandFeatureView scores;
    scores.name = "scores";
    scores.inputs = {"user_profile", "txn"};
    scores.features = {
        Feature("amount_per_year", DataType::Double(), "amount / nullif(user_profile.age, 0)"),
        Feature("big", DataType::Bool(), "amount_per_year > 2")};
    registry::OnDemandFeatureView over_agg;
    over_agg.name = "over_agg";
    over_agg.inputs = {"user_spend"};
    over_agg.features = {Feature("x", DataType::Int64(), "age_sum_1h")};
    defs_.on_demand_feature_views = {scores, over_agg};
    registry::FeatureService service;
    service.name = "model";
    service.features = {"user_profile:age", "merchant_risk", "scores:big"};
    defs_.feature_services = {service};
  }

  // Random sources with few keys and a small time domain, so ties, ttl
  // edges and misses all occur; written as Parquet under the repo root.
  void WriteRandomSources(std::mt19937_64& rng) {
    auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
    users_.clear();
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 120; ++i) {
      UserRow r;
      if (pick(20) != 0) r.user_id = pick(6);
      r.ts = pick(100);
      if (pick(3) != 0) r.created = pick(4);
      if (pick(8) != 0) r.age = static_cast<int32_t>(pick(40));
      r.country = std::string(1, static_cast<char>('A' + pick(3)));
      users_.push_back(r);
      rows.push_back({r.user_id ? Value::Int64(*r.user_id) : Value::Null(DataType::Int64()),
                      Ts(r.ts), r.created ? Ts(*r.created) : Value::Null(DataType::Timestamp()),
                      r.age ? Value::Int32(*r.age) : Value::Null(DataType::Int32()),
                      Value::String(r.country),
                      r.age ? Value::Int64(*r.age) : Value::Null(DataType::Int64())});
    }
    Write("users.parquet", MakeBatch({{"user_id", DataType::Int64()},
                                      {"event_timestamp", DataType::Timestamp()},
                                      {"created", DataType::Timestamp()},
                                      {"age", DataType::Int32()},
                                      {"country", DataType::String()},
                                      {"age_next_base", DataType::Int64()}},
                                     rows));
    merchants_.clear();
    rows.clear();
    for (int i = 0; i < 60; ++i) {
      MerchantRow r{"m" + std::to_string(pick(4)), pick(100), std::nullopt, "X"};
      if (pick(6) != 0) r.risk = static_cast<double>(pick(100)) / 100.0;
      r.country = std::string(1, static_cast<char>('P' + pick(3)));
      merchants_.push_back(r);
      rows.push_back({Value::String(r.merchant_id), Ts(r.ts),
                      r.risk ? Value::Double(*r.risk) : Value::Null(DataType::Double()),
                      Value::String(r.country)});
    }
    Write("merchants.parquet", MakeBatch({{"merchant_id", DataType::String()},
                                          {"ts", DataType::Timestamp()},
                                          {"risk", DataType::Double()},
                                          {"country", DataType::String()}},
                                         rows));
  }

  // A spine in random order with duplicate rows, keys no source has and
  // times before any data.
  RecordBatchPtr RandomSpine(std::mt19937_64& rng, int n) {
    auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
    spine_.clear();
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < n; ++i) {
      SpineRow r{pick(8), "m" + std::to_string(pick(5)), pick(130) - 10,
                 static_cast<double>(pick(1000)) / 10.0, pick(2)};
      if (i > 0 && pick(5) == 0) r = spine_[static_cast<size_t>(pick(i))];  // a duplicate
      spine_.push_back(r);
      rows.push_back({Value::Int64(r.user_id), Value::String(r.merchant_id), Value::Int64(r.label),
                      Ts(r.t), Value::Double(r.amount)});
    }
    return MakeBatch({{"user_id", DataType::Int64()},
                      {"merchant_id", DataType::String()},
                      {"label", DataType::Int64()},
                      {"event_timestamp", DataType::Timestamp()},
                      {"amount", DataType::Double()}},
                     rows);
  }

  void Write(const std::string& rel, const RecordBatchPtr& batch) {
    auto writer = parquet::ParquetWriter::Open((root_ / rel).string(), batch->schema());
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write(*batch).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }

  TrainingSetRequest Request(std::vector<std::string> features) {
    TrainingSetRequest r;
    r.repo_root = root_.string();
    r.offline_root = (root_ / "data/offline").string();
    r.project = "p";
    r.definitions = defs_;
    r.features = std::move(features);
    return r;
  }

  Result<TrainingSet> Build(const TrainingSetRequest& r, RecordBatchPtr spine) {
    std::unique_ptr<RecordBatchReader> reader = BatchReader(std::move(spine));
    return BuildTrainingSet(r, reader.get());
  }

  Status BuildError(const TrainingSetRequest& r, RecordBatchPtr spine) {
    Result<TrainingSet> set = Build(r, std::move(spine));
    EXPECT_FALSE(set.ok());
    return set.ok() ? Status::OK() : set.status();
  }

  // The reference: index of the user row DESIGN.md section 3 picks, or -1.
  int PickUser(const SpineRow& s, int64_t ttl) const {
    int best = -1;
    for (int i = 0; i < static_cast<int>(users_.size()); ++i) {
      const UserRow& r = users_[static_cast<size_t>(i)];
      if (!r.user_id || *r.user_id != s.user_id || r.ts > s.t) continue;
      if (ttl > 0 && r.ts * kSec <= s.t * kSec - ttl) continue;
      if (best >= 0) {
        const UserRow& b = users_[static_cast<size_t>(best)];
        int64_t rc = r.created ? *r.created : -1, bc = b.created ? *b.created : -1;
        if (r.ts < b.ts || (r.ts == b.ts && rc < bc)) continue;  // equal: the later row wins
      }
      best = i;
    }
    return best;
  }
  int PickMerchant(const SpineRow& s) const {
    int best = -1;
    for (int i = 0; i < static_cast<int>(merchants_.size()); ++i) {
      const MerchantRow& r = merchants_[static_cast<size_t>(i)];
      if (r.merchant_id != s.merchant_id || r.ts > s.t) continue;
      if (best >= 0 && r.ts < merchants_[static_cast<size_t>(best)].ts) continue;
      best = i;
    }
    return best;
  }

  fs::path root_;
  registry::RepoDefinitions defs_;
  std::vector<UserRow> users_;
  std::vector<MerchantRow> merchants_;
  std::vector<SpineRow> spine_;
};

Value OrNull(bool present, Value v) { return present ? v : Value::Null(v.type()); }

TEST_F(TrainingSetTest, MatchesBruteForceReference) {
  tessera::testing::RandomTestParams params(20240301, 3);
  for (int iteration = 0; iteration < params.iterations; ++iteration) {
    std::mt19937_64 rng(params.seed + static_cast<uint64_t>(iteration));
    WriteRandomSources(rng);
    RecordBatchPtr spine = RandomSpine(rng, 200);
    TrainingSetRequest r =
        Request({"user_profile", "merchant_risk:risk", "scores", "merchant_risk:country"});
    r.full_feature_names = true;
    r.with_timestamps = true;
    Result<TrainingSet> set = Build(r, spine);
    ASSERT_TRUE(set.ok()) << set.status().ToString() << " " << params.Trace();
    const RecordBatch& t = *set->table;
    std::vector<std::string> expected_names = {"user_id",
                                               "merchant_id",
                                               "label",
                                               "event_timestamp",
                                               "amount",
                                               "user_profile__age",
                                               "user_profile__country",
                                               "user_profile__is_adult",
                                               "user_profile__age_next",
                                               "user_profile__age_or_zero",
                                               "merchant_risk__risk",
                                               "scores__amount_per_year",
                                               "scores__big",
                                               "merchant_risk__country",
                                               "user_profile__event_timestamp",
                                               "merchant_risk__event_timestamp"};
    ASSERT_EQ(t.num_columns(), static_cast<int>(expected_names.size()));
    for (int c = 0; c < t.num_columns(); ++c)
      EXPECT_EQ(t.schema()->field(c).name, expected_names[c]);
    ASSERT_EQ(t.num_rows(), static_cast<int64_t>(spine_.size()));
    for (int c = 0; c < 5; ++c) EXPECT_TRUE(t.column(c)->Equals(*spine->column(c)));
    for (size_t i = 0; i < spine_.size(); ++i) {
      const SpineRow& s = spine_[i];
      int u = PickUser(s, 5 * kSec);
      int m = PickMerchant(s);
      const UserRow* ur = u >= 0 ? &users_[static_cast<size_t>(u)] : nullptr;
      const MerchantRow* mr = m >= 0 ? &merchants_[static_cast<size_t>(m)] : nullptr;
      bool age = ur && ur->age;
      std::optional<double> per_year;
      if (age && *ur->age != 0) per_year = s.amount / *ur->age;
      std::vector<Value> expected = {
          OrNull(age, Value::Int32(age ? *ur->age : 0)),
          OrNull(ur, Value::String(ur ? ur->country : "")),
          OrNull(age, Value::Bool(age && *ur->age >= 18)),
          OrNull(age, Value::Int64(age ? *ur->age + 1 : 0)),
          OrNull(ur, Value::Int64(age ? *ur->age : 0)),  // coalesce: null only without a row
          OrNull(mr && mr->risk, Value::Double(mr && mr->risk ? *mr->risk : 0)),
          OrNull(per_year.has_value(), Value::Double(per_year.value_or(0))),
          OrNull(per_year.has_value(), Value::Bool(per_year.value_or(0) > 2)),
          OrNull(mr, Value::String(mr ? mr->country : "")),
          OrNull(ur, Ts(ur ? ur->ts : 0)),
          OrNull(mr, Ts(mr ? mr->ts : 0))};
      for (size_t c = 0; c < expected.size(); ++c) {
        Value got = t.column(static_cast<int>(5 + c))->GetValue(static_cast<int64_t>(i));
        ASSERT_EQ(got.ToString(), expected[c].ToString())
            << "row " << i << " column " << expected_names[5 + c] << " " << params.Trace();
      }
    }
  }
}

TEST_F(TrainingSetTest, BareNamesAndServiceExpansion) {
  std::mt19937_64 rng(7);
  WriteRandomSources(rng);
  RecordBatchPtr spine = RandomSpine(rng, 20);
  Result<std::vector<std::string>> refs = ExpandFeatureService(defs_, "model");
  ASSERT_TRUE(refs.ok());
  Result<TrainingSet> set = Build(Request(*refs), spine);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  std::vector<std::string> names;
  for (const Field& f : set->table->schema()->fields()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"user_id", "merchant_id", "label", "event_timestamp",
                                             "amount", "age", "risk", "country", "big"}));

  Result<std::vector<std::string>> unknown = ExpandFeatureService(defs_, "modle");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "no feature service named 'modle' (did you mean 'model'?)");
}

TEST_F(TrainingSetTest, ErrorsNameWhatIsWrong) {
  std::mt19937_64 rng(11);
  WriteRandomSources(rng);
  RecordBatchPtr spine = RandomSpine(rng, 5);
  EXPECT_EQ(BuildError(Request({"user_profile:agee"}), spine).message(),
            "feature view 'user_profile' has no feature 'agee' (in 'user_profile:agee') (did you "
            "mean 'age'?)");
  EXPECT_EQ(BuildError(Request({"user_profiel:age"}), spine).message(),
            "unknown feature view 'user_profiel' in 'user_profiel:age' (did you mean "
            "'user_profile'?)");
  EXPECT_EQ(
      BuildError(Request({"user_profile:age", "merchant_risk:country", "user_profile:country"}),
                 spine)
          .message(),
      "output column 'country' would come from both feature 'merchant_risk:country' and "
      "feature 'user_profile:country'; use --full-feature-names (view__feature)");
  EXPECT_EQ(BuildError(Request({"user_profile@2:age"}), spine).message(),
            "feature reference 'user_profile@2:age': no registry to read pinned versions from");

  TrainingSetRequest other_ts = Request({"user_profile:age"});
  other_ts.timestamp_column = "ts";
  EXPECT_EQ(BuildError(other_ts, spine).message(),
            "the spine has no column 'ts' (the spine's timestamp column); its columns: user_id, "
            "merchant_id, label, event_timestamp, amount");
}

TEST_F(TrainingSetTest, MissingSpineColumnsAreNamed) {
  std::mt19937_64 rng(13);
  WriteRandomSources(rng);
  RecordBatchPtr no_merchant =
      MakeBatch({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}},
                {{Value::Int64(1), Ts(50)}});
  EXPECT_EQ(BuildError(Request({"merchant_risk:risk"}), no_merchant).message(),
            "the spine has no column 'merchant_id' (join key of entity 'merchant' of feature view "
            "'merchant_risk'); its columns: user_id, event_timestamp");
  EXPECT_EQ(BuildError(Request({"scores:big"}), no_merchant).message(),
            "the spine has no column 'amount' (request field of 'txn' read by on-demand view "
            "'scores'); its columns: user_id, event_timestamp");
}

TEST_F(TrainingSetTest, PinnedVersionAppliesThatDefinition) {
  std::mt19937_64 rng(17);
  WriteRandomSources(rng);
  RecordBatchPtr spine = RandomSpine(rng, 30);
  TrainingSetRequest r = Request({"user_profile@1:age", "user_profile:age"});
  r.full_feature_names = false;
  registry::FeatureView v1 = defs_.feature_views[0];
  v1.ttl = 0;  // version 1 had no ttl
  r.view_at = [&](const std::string& name, int64_t version) -> Result<registry::FeatureView> {
    if (name == "user_profile" && version == 1) return v1;
    return Status::NotFound("no such version");
  };
  // Both give a column named age: an error naming both.
  EXPECT_EQ(BuildError(r, spine).message(),
            "output column 'age' would come from both feature 'user_profile:age' and feature "
            "'user_profile:age'; use --full-feature-names (view__feature)");
  r.features = {"user_profile@1:age"};
  Result<TrainingSet> set = Build(r, spine);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  for (size_t i = 0; i < spine_.size(); ++i) {
    int u = PickUser(spine_[i], 0);
    bool present = u >= 0 && users_[static_cast<size_t>(u)].age.has_value();
    Value expected =
        OrNull(present, Value::Int32(present ? *users_[static_cast<size_t>(u)].age : 0));
    EXPECT_EQ(set->table->column(5)->GetValue(static_cast<int64_t>(i)).ToString(),
              expected.ToString())
        << "row " << i;
  }
  r.features = {"user_profile@3:age"};
  EXPECT_EQ(BuildError(r, spine).message(),
            "feature reference 'user_profile@3:age': no such version");
}

TEST_F(TrainingSetTest, ExpressionErrorsBecomeWarnings) {
  defs_.feature_views[0].features.push_back(
      Feature("country_code", DataType::Int32(), "CAST(country AS int32)"));
  std::mt19937_64 rng(19);
  WriteRandomSources(rng);
  RecordBatchPtr spine = RandomSpine(rng, 40);
  Result<TrainingSet> set = Build(Request({"user_profile:country_code"}), spine);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  int64_t picked = 0, first = -1;
  for (size_t i = 0; i < spine_.size(); ++i) {
    if (PickUser(spine_[i], 5 * kSec) < 0) continue;
    ++picked;
    if (first < 0) first = static_cast<int64_t>(i);
  }
  ASSERT_GT(picked, 0);
  ASSERT_EQ(set->warnings.size(), 1u);
  std::string prefix = "feature view 'user_profile': " + std::to_string(picked) +
                       (picked == 1 ? " row" : " rows") +
                       " evaluated to null because of an error; "
                       "first at row " +
                       std::to_string(first) + ":";
  EXPECT_EQ(set->warnings[0].substr(0, prefix.size()), prefix) << set->warnings[0];
}

// Features after the last one asked for are not computed (nor their
// columns read); asking for them reports their expression's error.
TEST_F(TrainingSetTest, OnlyTheFeaturesNeededAreComputed) {
  defs_.feature_views[0].features.push_back(
      Feature("later", DataType::Int64(), "no_such_column + 1"));
  std::mt19937_64 rng(29);
  WriteRandomSources(rng);
  RecordBatchPtr spine = RandomSpine(rng, 10);
  Result<TrainingSet> set = Build(Request({"user_profile:age"}), spine);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  std::string message = BuildError(Request({"user_profile:later"}), spine).message();
  std::string prefix =
      "feature view 'user_profile', feature 'later': expression 'no_such_column + 1': ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
}

TEST_F(TrainingSetTest, EmptySpineGivesEmptyResult) {
  std::mt19937_64 rng(23);
  WriteRandomSources(rng);
  RecordBatchPtr spine = RandomSpine(rng, 0);
  Result<TrainingSet> set = Build(Request({"user_profile:age", "scores:big"}), spine);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->table->num_rows(), 0);
  EXPECT_EQ(set->table->num_columns(), 7);
}

}  // namespace
}  // namespace tessera::offline
