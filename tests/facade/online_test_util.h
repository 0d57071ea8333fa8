// A small feature repo for the online tests (each test runs on the memory
// and the RocksDB online store), a clock
// the tests set, and helpers to build entity and push batches and to print
// responses as "name: value STATUS@seconds | ...".
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/time.h"
#include "tessera/feature_store.h"

namespace tessera::online_test {

namespace fs = std::filesystem;
inline constexpr int64_t kSec = 1000000;

// Env whose clock the test sets.
class ClockEnv : public EnvWrapper {
 public:
  ClockEnv() : EnvWrapper(Env::Default()) {}
  int64_t NowMicros() override { return now_.load(); }
  void Set(int64_t micros) { now_.store(micros); }

 private:
  std::atomic<int64_t> now_{0};
};

inline std::string Ts(int64_t seconds) { return FormatTimestamp(seconds * kSec); }

// The definitions: user_profile (ttl 1h; age, city, age2 = age * 2) over
// push source users_push, user_merchant (composite key) over txn_push,
// user_spend (aggregated) over spend_push, the on-demand view scored
// (age * amount), the service svc. `extra` is appended to the file.
inline std::string Definitions(const std::string& extra = "") {
  return R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
  - name: merchant
    join_keys: [{name: merchant_id, type: string}]
  - name: shop
    join_keys: [{name: shop_id, type: int32}]
sources:
  - {name: users, kind: batch, path: users.csv, timestamp_field: event_timestamp}
  - {name: users_push, kind: push, batch_source: users}
  - {name: txn, kind: batch, path: txn.csv, timestamp_field: event_timestamp}
  - {name: txn_push, kind: push, batch_source: txn}
  - {name: spend, kind: batch, path: spend.csv, timestamp_field: event_timestamp}
  - {name: spend_push, kind: push, batch_source: spend}
  - {name: shops, kind: batch, path: shops.csv, timestamp_field: event_timestamp}
  - {name: shops_push, kind: push, batch_source: shops}
  - name: req
    kind: request
    schema: [{name: amount, type: double}]
feature_views:
  - name: user_profile
    entities: [user]
    source: users_push
    ttl: 1h
    features:
      - {name: age, type: int64}
      - {name: city, type: string}
      - {name: age2, type: int64, expr: "age * 2"}
  - name: user_merchant
    entities: [user, merchant]
    source: txn_push
    features:
      - {name: spend, type: double}
  - name: user_spend
    entities: [user]
    source: spend_push
    aggregations:
      - {column: amount, function: sum, windows: [1h]}
  - name: shop_stats
    entities: [shop]
    source: shops_push
    features:
      - {name: visits, type: int64}
on_demand_feature_views:
  - name: scored
    inputs: [user_profile, req]
    features:
      - {name: score, type: double, expr: "age * amount"}
feature_services:
  - name: svc
    features: [user_profile:age, scored]
)" + extra;
}

// tessera.yaml's online_store for backend `name` of TESSERA_ONLINE_BACKENDS
// ("rocksdb_row_cache": RocksDB behind a 1 MiB row cache, so the reads
// after every push, materialization and version change go through it).
inline std::string OnlineStoreYaml(const std::string& name) {
  if (name == "rocksdb_row_cache") return "{type: rocksdb, row_cache_mb: 1}";
  return "{type: " + name + "}";
}

// Runs each test on every online store backend the repo can name.
class OnlineRepoTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    dir_ = fs::temp_directory_path() /
           ("tessera_online_" + std::to_string(::getpid()) + "_" + GetParam() + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    Write("tessera.yaml", "project: p\nonline_store: " + OnlineStoreYaml(GetParam()) + "\n");
    Write("features/defs.yaml", Definitions());
    Write("users.csv", "user_id,event_timestamp,age,city\n1," + Ts(10) + ",20,old\n");
    Write("txn.csv", "user_id,merchant_id,event_timestamp,spend\n");
    Write("spend.csv", "user_id,event_timestamp,amount\n1," + Ts(10) + ",1.5\n");
    Write("shops.csv", "shop_id,event_timestamp,visits\n");
    clock_.Set(1000 * kSec);
    StoreOptions options;
    options.env = &clock_;
    auto store = FeatureStore::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto applied = store_->Apply("test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  static RecordBatchPtr Batch(const std::vector<Field>& fields,
                              const std::vector<std::vector<Value>>& rows) {
    RecordBatchBuilder builder(*Schema::Make(fields));
    for (const auto& row : rows) EXPECT_TRUE(builder.AppendRow(row).ok());
    return *builder.Finish();
  }

  // Users' rows (user_id, event_timestamp in seconds, age, city; a
  // negative age or empty city is null).
  static RecordBatchPtr UserRows(
      const std::vector<std::tuple<int64_t, int64_t, int64_t, std::string>>& rows) {
    std::vector<std::vector<Value>> values;
    for (const auto& [id, ts, age, city] : rows) {
      values.push_back({Value::Int64(id), Value::Timestamp(ts * kSec),
                        age < 0 ? Value::Null(DataType::Int64()) : Value::Int64(age),
                        city.empty() ? Value::Null(DataType::String()) : Value::String(city)});
    }
    return Batch({{"user_id", DataType::Int64()},
                  {"event_timestamp", DataType::Timestamp()},
                  {"age", DataType::Int64()},
                  {"city", DataType::String()}},
                 values);
  }

  static RecordBatchPtr UserIds(const std::vector<int64_t>& ids) {
    std::vector<std::vector<Value>> rows;
    for (int64_t id : ids) rows.push_back({Value::Int64(id)});
    return Batch({{"user_id", DataType::Int64()}}, rows);
  }

  // "name: value STATUS@seconds | ..." one line per column.
  static std::string Show(const Result<OnlineResponse>& r) {
    if (!r.ok()) return r.status().ToString();
    std::string out;
    for (size_t i = 0; i < r->names.size(); ++i) {
      out += r->names[i] + ":";
      for (int64_t row = 0; row < r->values[i]->length(); ++row) {
        out += (row ? " | " : " ") + r->values[i]->GetValue(row).ToString() + " " +
               FeatureStatusName(r->statuses[i][static_cast<size_t>(row)]) + "@" +
               std::to_string(r->event_timestamps[i][static_cast<size_t>(row)] / kSec);
      }
      out += "\n";
    }
    return out;
  }

  Result<OnlineResponse> Get(const RecordBatchPtr& entities, std::vector<std::string> features,
                             bool full_names = false) {
    OnlineRequest request;
    request.features = std::move(features);
    request.full_feature_names = full_names;
    return store_->GetOnlineFeatures(*entities, request);
  }

  // Every file under the repo's data folder with its bytes.
  std::map<std::string, std::string> DataFiles() const {
    std::map<std::string, std::string> out;
    if (!fs::exists(dir_ / "data")) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "data")) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      out[e.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return out;
  }

  fs::path dir_;
  ClockEnv clock_;
  std::unique_ptr<FeatureStore> store_;
};

#define TESSERA_ONLINE_BACKENDS(Fixture)                                                \
  INSTANTIATE_TEST_SUITE_P(Stores, Fixture,                                             \
                           ::testing::Values("memory", "rocksdb", "rocksdb_row_cache"), \
                           [](const auto& info) { return info.param; })

}  // namespace tessera::online_test
