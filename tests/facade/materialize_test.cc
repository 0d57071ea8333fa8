// FeatureStore::Materialize end to end on a repo with the default RocksDB
// online store: for every key, the online row (read back from RocksDB with
// RowCodec) equals GetHistoricalFeatures for a spine of every key at END,
// values and event_ts; records, idempotence, and a refused run leaving the
// repo's files as they were.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "tessera/core/entity_key.h"
#include "tessera/core/time.h"
#include "tessera/feature_store.h"
#include "tessera/online/online_store_factory.h"
#include "tessera/online/row_codec.h"
#include "tessera/registry/loader.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

int64_t Sec(int64_t s) { return s * kMicrosPerSecond; }

constexpr const char* kDefs = R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: users, kind: batch, path: "users/*.csv", timestamp_field: event_timestamp,
     created_timestamp_field: created}
feature_views:
  - name: profile
    entities: [user]
    source: users
    features:
      - {name: age, type: int64}
      - {name: city, type: string}
      - {name: senior, type: bool, expr: "age >= 60"}
  - name: recent
    entities: [user]
    source: users
    ttl: 20s
    features:
      - {name: age, type: int64}
)";

std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it) {
    std::ostringstream s;
    if (it->is_regular_file()) s << std::ifstream(it->path(), std::ios::binary).rdbuf();
    out[fs::relative(it->path(), root).string()] = it->is_directory() ? "<dir>" : s.str();
  }
  return out;
}

class MaterializeFacadeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera_facade_mat_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    fs::create_directories(dir_ / "users");
    Write("tessera.yaml", "project: p\n");  // the default online store: RocksDB
    Write("features/defs.yaml", kDefs);
    std::mt19937_64 rng(42);
    for (int f = 0; f < 2; ++f) Write("users/" + std::to_string(f) + ".csv", Rows(&rng, 200));
    Write("late.csv", Rows(&rng, 100));
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  // Keys 1..30, event times in whole seconds 0..79 (ties), created null or
  // 0..2 s.
  static std::string Rows(std::mt19937_64* rng, int n) {
    static const char* kCities[] = {"Paris", "Oslo", "Lima", ""};
    std::string text = "user_id,event_timestamp,created,age,city\n";
    for (int i = 0; i < n; ++i) {
      uint64_t r = (*rng)();
      text += std::to_string(r % 30 + 1) + "," + FormatTimestamp(Sec((r >> 8) % 80)) + "," +
              ((r >> 20) % 3 == 0 ? "" : FormatTimestamp(Sec((r >> 24) % 3))) + "," +
              std::to_string((r >> 32) % 90) + "," + kCities[(r >> 40) % 4] + "\n";
    }
    return text;
  }

  std::unique_ptr<FeatureStore> Open() {
    auto store = FeatureStore::Open(dir_.string());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).MoveValueUnsafe() : nullptr;
  }

  // The training set of `view` for keys 1..32 at `at`, with event times.
  RecordBatchPtr Historical(FeatureStore* store, const std::string& view, int64_t at) {
    auto schema =
        *Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}});
    RecordBatchBuilder builder(schema);
    for (int64_t id = 1; id <= 32; ++id) {
      EXPECT_TRUE(builder.AppendRow({Value::Int64(id), Value::Timestamp(at)}).ok());
    }
    auto spine =
        std::make_unique<VectorBatchReader>(schema, std::vector<RecordBatchPtr>{*builder.Finish()});
    HistoricalRequest request;
    request.features = {view};
    request.with_timestamps = true;
    request.full_feature_names = true;
    auto reader = store->GetHistoricalFeatures(std::move(spine), request);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return nullptr;
    auto batches = ReadAll(reader->get());
    EXPECT_TRUE(batches.ok() && batches->size() == 1);
    return batches.ok() && batches->size() == 1 ? (*batches)[0] : nullptr;
  }

  // Compares the RocksDB rows of `view` version 1 with `table` (no
  // FeatureStore may hold the store open). Returns the keys with a row.
  int64_t ExpectOnlineEquals(const std::string& view, const std::vector<DataType>& types,
                             const RecordBatch& table, int64_t end, int64_t ttl) {
    auto repo = registry::LoadRepo(dir_.string());
    EXPECT_TRUE(repo.ok());
    auto store = online::OpenOnlineStore(repo->config.online, repo->root, "p", Env::Default());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return -1;
    online::ViewId id{view, 1};
    online::RowCodec codec(types);
    const int ts_column = table.num_columns() - 1;
    int64_t present = 0;
    for (int64_t i = 0; i < table.num_rows(); ++i) {
      EntityKey::Builder key;
      key.AppendInt(i + 1);
      std::string bytes = key.Build().bytes();
      online::OnlineLookup lookup{&id, bytes};
      std::vector<std::optional<online::OnlineRow>> rows;
      EXPECT_TRUE((*store)->Read({&lookup, 1}, &rows).ok());
      std::optional<online::OnlineRow> row = rows[0];
      if (row && ttl > 0 && row->rank.event_ts <= end - ttl) row.reset();  // OUTSIDE_MAX_AGE
      if (table.column(ts_column)->IsNull(i)) {
        EXPECT_FALSE(row.has_value()) << view << " key " << i + 1;
        continue;
      }
      ++present;
      if (!row) {
        ADD_FAILURE() << view << " key " << i + 1 << " has no online row";
        continue;
      }
      EXPECT_EQ(row->rank.event_ts, table.column(ts_column)->GetInt64(i)) << "key " << i + 1;
      std::vector<std::unique_ptr<ArrayBuilder>> builders;
      std::vector<ArrayBuilder*> raw;
      for (DataType t : types) {
        builders.push_back(ArrayBuilder::Make(t));
        raw.push_back(builders.back().get());
      }
      if (!codec.DecodeRow(row->values, raw).ok()) {
        ADD_FAILURE() << view << " key " << i + 1 << ": bad row encoding";
        continue;
      }
      for (size_t f = 0; f < types.size(); ++f) {
        auto value = builders[f]->Finish();
        if (!value.ok()) continue;
        EXPECT_EQ((*value)->GetValue(0).ToString(),
                  table.column(2 + static_cast<int>(f))->GetValue(i).ToString())
            << view << " key " << i + 1 << " feature " << f;
      }
    }
    return present;
  }

  fs::path dir_;
};

TEST_F(MaterializeFacadeTest, OnlineEqualsHistoricalAtEndInRocksDb) {
  const std::vector<DataType> profile_types = {DataType::Int64(), DataType::String(),
                                               DataType::Bool()};
  RecordBatchPtr profile_at_50, recent_at_50, profile_at_90;
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply("t").ok());
    ASSERT_TRUE(store->Ingest("users", {(dir_ / "late.csv").string()}).ok());
    MaterializeRequest request;
    request.incremental = true;
    request.end_micros = Sec(50);
    int64_t progress_calls = 0;
    request.progress = [&](const HistoricalProgress&) { ++progress_calls; };
    auto summary = store->Materialize(request);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    ASSERT_EQ(summary->views.size(), 2u);
    EXPECT_EQ(summary->views[0].view, "profile");
    EXPECT_EQ(summary->views[0].version, 1);
    EXPECT_EQ(summary->views[0].start_micros, -1);  // just before the earliest row (0 s)
    EXPECT_EQ(summary->views[0].end_micros, Sec(50));
    EXPECT_EQ(summary->views[0].rows_scanned, 500);
    EXPECT_GT(progress_calls, 0);
    profile_at_50 = Historical(store.get(), "profile", Sec(50));
    recent_at_50 = Historical(store.get(), "recent", Sec(50));
  }
  ASSERT_NE(profile_at_50, nullptr);
  ASSERT_NE(recent_at_50, nullptr);
  EXPECT_GT(ExpectOnlineEquals("profile", profile_types, *profile_at_50, Sec(50), 0), 25);
  EXPECT_GT(ExpectOnlineEquals("recent", {DataType::Int64()}, *recent_at_50, Sec(50), Sec(20)), 10);
  {
    auto store = Open();
    MaterializeRequest request;
    request.incremental = true;
    request.end_micros = Sec(90);
    auto summary = store->Materialize(request);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->views[0].start_micros, Sec(50));
    profile_at_90 = Historical(store.get(), "profile", Sec(90));
  }
  EXPECT_EQ(ExpectOnlineEquals("profile", profile_types, *profile_at_90, Sec(90), 0), 30);
}

TEST_F(MaterializeFacadeTest, RefusedRunsLeaveTheRepoAsItWas) {
  {
    auto store = Open();
    auto before_apply = store->Materialize(MaterializeRequest{0, Sec(10)});
    ASSERT_FALSE(before_apply.ok());
    EXPECT_EQ(before_apply.status().ToString(),
              "Not found: registry 'data/registry.db' does not exist yet: run tessera apply first");
    ASSERT_TRUE(store->Apply("t").ok());
  }
  const auto before = Tree(dir_);
  auto store = Open();
  MaterializeRequest request{0, Sec(10)};
  request.views = {"profile", "nope"};
  auto unknown = store->Materialize(request);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().ToString(), "Not found: no feature view named 'nope'");
  auto backwards = store->Materialize(MaterializeRequest{Sec(10), Sec(10)});
  ASSERT_FALSE(backwards.ok());
  store.reset();
  EXPECT_EQ(Tree(dir_), before);
}

}  // namespace
}  // namespace tessera
