// Ingest: the contract a source's definitions give, CSV and Parquet input
// checked against it (exact messages naming file:row:column), a bad file
// leaving the store byte for byte unchanged, push sources logging into
// their batch source, every I/O call failing in turn, and two ingests at
// once.
#include "tessera/offline/ingest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "log_test_util.h"
#include "tessera/core/fault_injection_env.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/ingest_contract.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

using logtest::LogRows;
using logtest::ScratchDir;
using logtest::Snapshot;

constexpr const char* kDefs = R"(
entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
  - name: shop
    join_keys: [{name: shop_id, type: string}]
sources:
  - name: orders
    kind: batch
    path: data/orders.csv
    timestamp_field: ts
  - name: orders_push
    kind: push
    batch_source: orders
  - name: visits
    kind: batch
    path: data/visits.parquet
    timestamp_field: ts
  - name: req
    kind: request
    schema:
      - {name: amount, type: double}
feature_views:
  - name: user_orders
    entities: [user]
    source: orders
    features:
      - {name: amount, type: double}
      - {name: items, type: int64}
      - {name: big, type: bool, expr: "amount > 100"}
  - name: shop_orders
    entities: [shop]
    source: orders_push
    features:
      - {name: amount, type: double}
  - name: user_visits
    entities: [user]
    source: visits
    features:
      - {name: pages, type: int64}
)";

class IngestTest : public ::testing::Test {
 protected:
  IngestTest() : scratch_("ingest") {}

  void SetUp() override {
    Write("tessera.yaml", "project: shop\noffline_store: {path: data/offline}\n");
    Write("features/defs.yaml", kDefs);
    // The sources' own files (read in place; they give the contract).
    Write("data/orders.csv",
          "user_id,shop_id,ts,amount,items,note\n"
          "1,s1,2024-03-01T00:00:00Z,10.5,2,hello\n");
    WriteVisits("data/visits.parquet", {{1, 2}});
    Result<registry::LoadedRepo> repo = registry::LoadRepo(Root());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }

  std::string Root() const { return scratch_.path(); }
  std::string In(const std::string& rel) const { return Root() + "/" + rel; }
  std::string LogDir(const std::string& source) const {
    return Root() + "/data/offline/shop/sources/" + source;
  }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories(fs::path(In(rel)).parent_path());
    std::ofstream(In(rel), std::ios::binary) << text;
  }
  // visits: user_id int32, ts timestamp, pages int64 (a null user_id where
  // the pair's first is < 0).
  void WriteVisits(const std::string& rel, const std::vector<std::pair<int, int64_t>>& rows,
                   DataType pages_type = DataType::Int64()) {
    SchemaPtr schema =
        Schema::Make(
            {{"user_id", DataType::Int32()}, {"ts", DataType::Timestamp()}, {"pages", pages_type}})
            .value();
    RecordBatchBuilder b(schema);
    int64_t t = 1'700'000'000'000'000;
    for (const auto& [user, pages] : rows) {
      Value pv = pages_type == DataType::String() ? Value::String(std::to_string(pages))
                                                  : Value::Int64(pages);
      ASSERT_TRUE(b.AppendRow({user < 0 ? Value::Null(DataType::Int32()) : Value::Int32(user),
                               Value::Timestamp(t += 1'000'000), pv})
                      .ok());
    }
    fs::create_directories(fs::path(In(rel)).parent_path());
    parquet::WriteOptions wo;
    wo.row_group_size = 3;
    ASSERT_TRUE(parquet::WriteParquetFile(In(rel), schema, {b.Finish().value()}, wo).ok());
  }

  Result<IngestResult> Run(const std::string& source, std::vector<std::string> rels,
                           Env* env = Env::Default()) {
    std::vector<std::string> files;
    for (const std::string& r : rels) files.push_back(In(r));
    IngestOptions options;
    options.env = env;
    options.csv_batch_size = 2;  // several batches per file
    return Ingest(repo_, source, files, options);
  }

  // Ingest that must fail: its message.
  std::string ErrorOf(const std::string& source, std::vector<std::string> rels) {
    Result<IngestResult> r = Run(source, std::move(rels));
    return r.ok() ? "ok" : r.status().ToString();
  }

  ScratchDir scratch_;
  registry::LoadedRepo repo_;
};

TEST_F(IngestTest, ContractComesFromTheDefinitionsAndTheSourceFiles) {
  Result<IngestContract> c = ResolveIngestContract(repo_, "orders_push");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->source, "orders_push");
  EXPECT_EQ(c->log_source, "orders");
  EXPECT_EQ(c->timestamp_column, "ts");
  std::vector<std::string> cols;
  for (const ContractColumn& col : c->columns) {
    cols.push_back(col.name + ":" + col.type.ToString() +
                   (col.required() ? " required (" + col.required_by + ")" : ""));
  }
  // The CSV file's columns, typed by the views (note: inferred), required:
  // the timestamp and the join keys of views over orders and orders_push.
  EXPECT_EQ(cols, (std::vector<std::string>{
                      "user_id:int64 required (a join key of view 'user_orders')",
                      "shop_id:string required (a join key of view 'shop_orders')",
                      "ts:timestamp required (the timestamp field of source 'orders')",
                      "amount:double", "items:int64", "note:string"}));

  // Parquet types, widened to what a view declares (int32 file, int64 key).
  c = ResolveIngestContract(repo_, "visits");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->columns.size(), 3u);
  EXPECT_EQ(c->columns[0].type, DataType::Int64());

  EXPECT_EQ(ResolveIngestContract(repo_, "ordres").status().ToString(),
            "Not found: no source 'ordres' in the definitions (did you mean 'orders'?)");
  EXPECT_EQ(ResolveIngestContract(repo_, "req").status().ToString(),
            "Invalid argument: source 'req' is a request source: its fields come with each "
            "request and it has no log");
}

TEST_F(IngestTest, LogOnlySourceTakesTheTypesItsViewsDeclare) {
  fs::remove(In("data/orders.csv"));
  Result<IngestContract> c = ResolveIngestContract(repo_, "orders");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<std::string> cols;
  for (const ContractColumn& col : c->columns) cols.push_back(col.name + ":" + col.type.ToString());
  EXPECT_EQ(cols, (std::vector<std::string>{"ts:timestamp", "user_id:int64", "amount:double",
                                            "items:int64", "shop_id:string"}));
}

TEST_F(IngestTest, CsvRowsLandWithSeqsAndExtraColumnsAreReported) {
  Write("in/a.csv",
        "ts,user_id,shop_id,amount,coupon\n"
        "2024-03-02T00:00:00Z,7,s2,1.25,X1\n"
        "2024-03-03T00:00:00Z,8,s3,,X2\n"
        "2024-03-04T00:00:00Z,9,s4,3,X3\n");
  Result<IngestResult> r = Run("orders", {"in/a.csv"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->log_source, "orders");
  EXPECT_EQ(r->log_dir, LogDir("orders"));
  EXPECT_EQ(r->num_rows, 3);
  EXPECT_EQ(r->first_seq, 1);
  EXPECT_EQ(r->last_seq, 3);
  EXPECT_EQ(r->ignored_columns, std::vector<std::string>{"coupon"});
  std::vector<std::string> rows = LogRows(LogDir("orders"));
  ASSERT_EQ(rows.size(), 3u);
  // Contract order; the missing optional columns (items, note) are null.
  EXPECT_EQ(rows[1].substr(0, rows[1].find(", _committed_at")),
            "user_id=8, shop_id=\"s3\", ts=2024-03-03T00:00:00.000000Z, amount=null, items=null, "
            "note=null, _ingest_seq=2");
}

TEST_F(IngestTest, PushSourceLogsIntoItsBatchSource) {
  Write("in/a.csv", "user_id,shop_id,ts\n1,s,2024-03-02T00:00:00Z\n");
  ASSERT_TRUE(Run("orders", {"in/a.csv"}).ok());
  Result<IngestResult> r = Run("orders_push", {"in/a.csv", "in/a.csv"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->log_source, "orders");
  EXPECT_EQ(r->first_seq, 2);
  EXPECT_EQ(r->last_seq, 3);
  EXPECT_EQ(LogRows(LogDir("orders")).size(), 3u);
  EXPECT_FALSE(fs::exists(LogDir("orders_push")));
}

TEST_F(IngestTest, ParquetColumnsAreWidenedAndRowsNumberedFromOne) {
  WriteVisits("in/v.parquet", {{1, 5}, {2, 6}, {3, 7}, {4, 8}});
  Result<IngestResult> r = Run("visits", {"in/v.parquet"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows, 4);
  auto batches = parquet::ReadParquetFile(LogDir("visits") + "/part-00000000000000000001.parquet");
  ASSERT_TRUE(batches.ok());
  EXPECT_EQ((*batches)[0]->schema()->ToString(),
            "user_id: int64, ts: timestamp, pages: int64, _ingest_seq: int64, "
            "_committed_at: timestamp");

  WriteVisits("in/null_key.parquet", {{1, 5}, {2, 6}, {3, 7}, {4, 8}, {-1, 9}, {6, 1}});
  EXPECT_EQ(ErrorOf("visits", {"in/null_key.parquet"}),
            "Invalid argument: " + In("in/null_key.parquet") +
                ":5:user_id: null, but it is a join key of view 'user_visits' and may not be "
                "null");
  WriteVisits("in/strings.parquet", {{1, 5}}, DataType::String());
  EXPECT_EQ(ErrorOf("visits", {"in/strings.parquet"}),
            "Invalid argument: " + In("in/strings.parquet") +
                ": column 'pages' is string, but source 'visits' takes int64");
}

TEST_F(IngestTest, BadRowsAreRejectedNamingFileRowAndColumn) {
  Write("in/oops.csv",
        "user_id,shop_id,ts,items\n"
        "1,s,2024-03-02T00:00:00Z,1\n"
        "\n"
        "2,s,2024-03-02T00:00:00Z,oops\n");
  EXPECT_EQ(ErrorOf("orders", {"in/oops.csv"}),
            "Invalid argument: " + In("in/oops.csv") + ":4:items: 'oops' is not an int64");
  Write("in/null_ts.csv",
        "user_id,shop_id,ts\n"
        "1,s,2024-03-02T00:00:00Z\n"
        "2,s,2024-03-02T00:00:00Z\n"
        "\n"
        "3,s,\n");
  EXPECT_EQ(ErrorOf("orders", {"in/null_ts.csv"}),
            "Invalid argument: " + In("in/null_ts.csv") +
                ":5:ts: null, but it is the timestamp field of source 'orders' and may not be "
                "null");
  Write("in/no_key.csv", "user_id,ts\n1,2024-03-02T00:00:00Z\n");
  EXPECT_EQ(ErrorOf("orders_push", {"in/no_key.csv"}),
            "Invalid argument: " + In("in/no_key.csv") +
                ":1:shop_id: column missing from the header (it is a join key of view "
                "'shop_orders')");
  Write("in/x.txt", "a\n");
  EXPECT_EQ(ErrorOf("orders", {"in/x.txt"}),
            "Invalid argument: " + In("in/x.txt") +
                ": neither Parquet nor CSV (the name must end in .parquet or .csv)");
  EXPECT_EQ(ErrorOf("orders", {"in/none.csv"}).substr(0, 11), "Not found: ");
  EXPECT_FALSE(fs::exists(Root() + "/data/offline"));
}

// The issue's check: a bad row in the middle of a file (and a bad second
// file) leaves the store byte for byte as it was, whether the log exists
// or not.
TEST_F(IngestTest, BadRowInTheMiddleLeavesTheStoreUnchanged) {
  std::string good = "user_id,shop_id,ts,amount\n";
  std::string bad = good;
  for (int i = 0; i < 40; ++i) {
    good += std::to_string(i) + ",s,2024-03-02T00:00:00Z,1.5\n";
    bad += std::to_string(i) + ",s,2024-03-02T00:00:00Z," + (i == 20 ? "1.5.1" : "2") + "\n";
  }
  Write("in/good.csv", good);
  Write("in/bad.csv", bad);
  for (bool existing : {false, true}) {
    SCOPED_TRACE(existing ? "existing log" : "fresh store");
    if (existing) {
      ASSERT_TRUE(Run("orders", {"in/good.csv"}).ok());
    }
    const auto before = Snapshot(Root());
    EXPECT_EQ(ErrorOf("orders", {"in/bad.csv"}),
              "Invalid argument: " + In("in/bad.csv") + ":22:amount: '1.5.1' is not a double");
    EXPECT_EQ(Snapshot(Root()), before);
    EXPECT_NE(ErrorOf("orders", {"in/good.csv", "in/bad.csv"}), "ok");
    EXPECT_EQ(Snapshot(Root()), before);
  }
}

// Every I/O call of an ingest (reading the inputs, the contract's footers
// and headers, the log) failing in turn: the log reads as before or after.
TEST_F(IngestTest, EachFailingIoCallLeavesTheOldOrTheNewLog) {
  Write("in/a.csv", "user_id,shop_id,ts\n1,s,2024-03-02T00:00:00Z\n2,s,2024-03-03T00:00:00Z\n");
  ASSERT_TRUE(Run("orders", {"in/a.csv"}).ok());
  const std::vector<std::string> old_rows = LogRows(LogDir("orders"));
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  ASSERT_TRUE(Run("orders", {"in/a.csv"}, &env).ok());
  const std::vector<std::string> new_rows = LogRows(LogDir("orders"));
  ASSERT_EQ(new_rows.size(), 4u);
  const int64_t calls = policy.calls();
  for (int64_t k = 1; k <= calls; ++k) {
    SCOPED_TRACE("failing call " + std::to_string(k));
    fs::remove_all(Root() + "/data/offline");
    ASSERT_TRUE(Run("orders", {"in/a.csv"}).ok());
    const auto before = Snapshot(Root());
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    Result<IngestResult> r = Run("orders", {"in/a.csv"}, &env);
    std::vector<std::string> rows = LogRows(LogDir("orders"));
    // Rows differ only in _committed_at (the clock): compare the rest.
    auto strip = [](std::vector<std::string> v) {
      for (std::string& s : v) s = s.substr(0, s.find(", _committed_at"));
      return v;
    };
    if (r.ok() || strip(rows) == strip(new_rows)) {
      EXPECT_EQ(strip(rows), strip(new_rows));
    } else {
      EXPECT_EQ(strip(rows), strip(old_rows));
      EXPECT_EQ(Snapshot(Root()), before) << r.status().ToString();
    }
  }
}

TEST_F(IngestTest, TwoConcurrentIngestsBothLand) {
  std::string a = "user_id,shop_id,ts\n", b = a;
  for (int i = 0; i < 500; ++i) {
    a += std::to_string(i) + ",a,2024-03-02T00:00:00Z\n";
    b += std::to_string(1000 + i) + ",b,2024-03-02T00:00:00Z\n";
  }
  Write("in/a.csv", a);
  Write("in/b.csv", b);
  Result<IngestResult> ra = Status::Internal("not run");
  Result<IngestResult> rb = Status::Internal("not run");
  std::thread ta([&] { ra = Run("orders", {"in/a.csv"}); });
  std::thread tb([&] { rb = Run("orders_push", {"in/b.csv"}); });
  ta.join();
  tb.join();
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  // Disjoint seq ranges covering 1..1000.
  std::vector<std::pair<int64_t, int64_t>> ranges = {{ra->first_seq, ra->last_seq},
                                                     {rb->first_seq, rb->last_seq}};
  std::sort(ranges.begin(), ranges.end());
  EXPECT_EQ(ranges, (std::vector<std::pair<int64_t, int64_t>>{{1, 500}, {501, 1000}}));
  EXPECT_EQ(LogRows(LogDir("orders")).size(), 1000u);
}

}  // namespace
}  // namespace tessera::offline
