// Derived view files (offline/view_files.h) through the facade: training
// sets read them while they are fresh and give exactly the result of a scan
// of the source (with logs ingested after them, after a compaction merged
// the parts they cover, after a source file changed, after they were
// deleted); and they are really read (a tampered data file shows through
// until the source changes).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "tessera/core/time.h"
#include "tessera/feature_store.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

class ViewFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera_view_files_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    fs::create_directories(dir_ / "data");
    Write("tessera.yaml", "project: p\n");
    Write("features/defs.yaml", R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - name: txns
    kind: batch
    path: data/*.csv
    timestamp_field: ts
    created_timestamp_field: created
feature_views:
  - name: spend
    entities: [user]
    source: txns
    ttl: 30s
    features:
      - {name: amount, type: double}
      - {name: doubled, type: double, expr: "amount * 2"}
      - {name: note, type: string}
)");
    for (int f = 0; f < 3; ++f) Write("data/part" + std::to_string(f) + ".csv", RandomCsv(40));
    auto store = FeatureStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Apply("test").ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  // Rows with few keys and event times, so ties on event_ts (broken by
  // created, null or not, then by ingest order) are common.
  std::string RandomCsv(int rows) {
    std::string out = "user_id,ts,created,amount,note\n";
    for (int i = 0; i < rows; ++i) {
      out +=
          std::to_string(rng_() % 8) + "," + FormatTimestamp(int64_t(rng_() % 40) * 1000000) + ",";
      if (rng_() % 3 != 0) out += FormatTimestamp(int64_t(rng_() % 3) * 1000000);
      out += ",";
      if (rng_() % 5 != 0) out += std::to_string(rng_() % 1000) + ".5";
      out += ",n" + std::to_string(rng_() % 100) + "\n";
    }
    return out;
  }

  void Ingest() {
    std::string file = (dir_ / ("in" + std::to_string(ingested_++) + ".csv")).string();
    std::ofstream(file) << RandomCsv(25);
    auto r = store_->Ingest("txns", {file});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // The training set of a fixed random spine, rendered row by row.
  std::string TrainingSet() {
    RecordBatchBuilder builder(*Schema::Make(
        {{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}}));
    std::mt19937 spine_rng(7);
    for (int i = 0; i < 200; ++i) {
      EXPECT_TRUE(builder
                      .AppendRow({Value::Int64(spine_rng() % 9),
                                  Value::Timestamp(int64_t(spine_rng() % 60) * 1000000)})
                      .ok());
    }
    RecordBatchPtr spine = *builder.Finish();
    HistoricalRequest request;
    request.features = {"spend"};
    request.with_timestamps = true;
    auto reader = store_->GetHistoricalFeatures(
        std::make_unique<VectorBatchReader>(spine->schema(), std::vector<RecordBatchPtr>{spine}),
        request);
    if (!reader.ok()) return reader.status().ToString();
    auto batches = ReadAll(reader->get());
    if (!batches.ok()) return batches.status().ToString();
    std::string out;
    for (const RecordBatchPtr& b : *batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r) {
        for (int c = 0; c < b->num_columns(); ++c)
          out += b->column(c)->GetValue(r).ToString() + " ";
        out += "\n";
      }
    }
    return out;
  }

  // The training set computed from the sources alone (the derived files
  // moved away for the call).
  std::string FromSources() {
    fs::path views = dir_ / "data/offline/p/views";
    fs::path aside = dir_ / "views-aside";
    bool had = fs::exists(views);
    if (had) fs::rename(views, aside);
    std::string out = TrainingSet();
    if (had) fs::rename(aside, views);
    return out;
  }

  fs::path ViewDir() const { return dir_ / "data/offline/p/views/spend/v1"; }

  std::mt19937 rng_{20261130};
  int ingested_ = 0;
  std::unique_ptr<FeatureStore> store_;
  fs::path dir_;
};

TEST_F(ViewFilesTest, TrainingSetsEqualTheSourceScanWhateverHappensToTheSource) {
  std::string before = TrainingSet();
  ASSERT_EQ(before.find("rror"), std::string::npos) << before;
  Ingest();
  Ingest();
  auto compacted = store_->Compact("");
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  ASSERT_EQ(compacted->views.size(), 1u);
  EXPECT_TRUE(compacted->views[0].rebuilt);
  EXPECT_EQ(compacted->views[0].rows, 3 * 40 + 2 * 25);
  ASSERT_TRUE(fs::exists(ViewDir() / "view_files.json"));
  EXPECT_EQ(TrainingSet(), FromSources());

  // Rows ingested after the build: the derived file plus the new parts.
  Ingest();
  Ingest();
  EXPECT_EQ(TrainingSet(), FromSources());

  // A compaction merging the covered parts makes the files stale; the next
  // build covers everything again.
  compacted = store_->Compact("txns");
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_TRUE(compacted->views[0].rebuilt);
  EXPECT_EQ(TrainingSet(), FromSources());
  compacted = store_->Compact("txns");
  ASSERT_TRUE(compacted.ok());
  EXPECT_FALSE(compacted->views[0].rebuilt);  // fresh: kept

  // A source file rewritten (new rows, new size and time).
  Write("data/part1.csv", RandomCsv(30));
  EXPECT_EQ(TrainingSet(), FromSources());

  // Deleted derived files change nothing either.
  ASSERT_TRUE(store_->Compact("").ok());
  std::string with_files = TrainingSet();
  fs::remove_all(dir_ / "data/offline/p/views");
  EXPECT_EQ(TrainingSet(), with_files);
}

TEST_F(ViewFilesTest, FreshFilesAreReadAndStaleOnesAreNot) {
  ASSERT_TRUE(store_->Compact("").ok());
  std::string truth = TrainingSet();
  // Tamper with the derived data: every amount becomes 12345.5. Only a
  // reader of the derived file can show that value.
  std::string data;
  for (const auto& entry : fs::directory_iterator(ViewDir())) {
    if (entry.path().extension() == ".parquet") data = entry.path().string();
  }
  ASSERT_FALSE(data.empty());
  auto reader = parquet::ParquetReader::Open(data);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batches = ReadAll(reader->get());
  ASSERT_TRUE(batches.ok());
  SchemaPtr schema = (*reader)->schema();
  int amount = schema->IndexOf("amount");
  ASSERT_GE(amount, 0);
  std::vector<RecordBatchPtr> tampered;
  for (const RecordBatchPtr& b : *batches) {
    std::vector<ArrayPtr> columns(b->columns().begin(), b->columns().end());
    RecordBatchBuilder one(*Schema::Make({{"amount", DataType::Double()}}));
    for (int64_t r = 0; r < b->num_rows(); ++r)
      ASSERT_TRUE(one.AppendRow({Value::Double(12345.5)}).ok());
    columns[amount] = (*one.Finish())->column(0);
    tampered.push_back(*RecordBatch::Make(schema, std::move(columns)));
  }
  reader->reset();
  ASSERT_TRUE(parquet::WriteParquetFile(data, schema, tampered).ok());
  std::string read = TrainingSet();
  EXPECT_NE(read.find("12345.5"), std::string::npos);
  EXPECT_EQ(truth.find("12345.5"), std::string::npos);

  // Touching a source file (same bytes, new modification time) makes the
  // files stale: the truth again.
  std::string text;
  {
    std::ifstream in(dir_ / "data/part0.csv");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  fs::last_write_time(dir_ / "data/part0.csv",
                      fs::last_write_time(dir_ / "data/part0.csv") + std::chrono::seconds(5));
  EXPECT_EQ(TrainingSet(), truth);

  // A garbled index is ignored the same way.
  ASSERT_TRUE(store_->Compact("").ok());
  Write("data/offline/p/views/spend/v1/view_files.json", "{not json");
  EXPECT_EQ(TrainingSet(), truth);
}

}  // namespace
}  // namespace tessera
