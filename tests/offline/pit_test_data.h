// Random inputs for the point-in-time join tests and a brute-force
// reference written plainly: for every spine row, a loop over every row of
// every view, keeping the best qualifying one by the rules of DESIGN.md
// section 3. Shared by point_in_time_join_test.cc and
// point_in_time_join_duckdb_test.cc. Header-only.
//
// The data are made to hit the edges: a few keys and a small time domain
// (whole seconds), so equal event_ts, equal created_ts, null created_ts,
// rows exactly at t and at t - ttl all occur often; null keys, null event
// times and null values; keys the spine lacks and spine keys no view has;
// three views: an int64 key (read as int32 in some cases), a string key,
// a composite int32 + string key.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tessera/core/entity_key.h"
#include "tessera/core/record_batch.h"
#include "tessera/offline/point_in_time_join.h"

namespace tessera::offline::testing {

constexpr int64_t kSecond = 1000000;

using VectorReader = VectorBatchReader;

struct PitView {
  std::string name;
  SchemaPtr schema;  // keys, event_ts, created_ts, values
  std::vector<RecordBatchPtr> batches;
  int num_keys = 1;
  std::vector<int> spine_key_columns;
  int64_t ttl = 0;
};

struct PitCase {
  RecordBatchPtr spine;  // user_id, merchant, region_id, region_code, event_timestamp, label
  int timestamp_column = 4;
  std::vector<PitView> views;

  std::vector<JoinViewInput> Inputs() const {
    std::vector<JoinViewInput> inputs;
    for (const PitView& v : views) {
      JoinViewInput in;
      in.name = v.name;
      in.rows = std::make_unique<VectorReader>(v.schema, v.batches);
      in.num_keys = v.num_keys;
      in.spine_key_columns = v.spine_key_columns;
      in.ttl = v.ttl;
      inputs.push_back(std::move(in));
    }
    return inputs;
  }
};

inline SchemaPtr MustSchema(std::vector<Field> fields) { return *Schema::Make(std::move(fields)); }

class PitCaseGenerator {
 public:
  explicit PitCaseGenerator(uint64_t seed) : rng_(seed) {}

  // A case with `spine_rows` spine rows and about `view_rows` rows per view
  // (some views empty now and then). `lists`: view b carries a list column.
  PitCase Make(int64_t spine_rows, int64_t view_rows, bool lists = true) {
    PitCase c;
    c.spine = Spine(spine_rows);
    const bool int32_user = Chance(0.5);
    c.views.push_back(View("a", {{"user_id", int32_user ? DataType::Int32() : DataType::Int64()}},
                           {0},
                           {{"a_int", DataType::Int64()},
                            {"a_dbl", DataType::Double()},
                            {"a_str", DataType::String()}},
                           view_rows));
    std::vector<Field> b_values = {{"b_val", DataType::Double()}, {"b_flag", DataType::Bool()}};
    if (lists) b_values.push_back({"b_list", DataType::List(TypeId::kInt64)});
    c.views.push_back(View("b", {{"merchant", DataType::String()}}, {1}, b_values, view_rows));
    c.views.push_back(
        View("c", {{"region_id", DataType::Int32()}, {"region_code", DataType::String()}}, {2, 3},
             {{"c_val", DataType::Int32()}, {"c_ts", DataType::Timestamp()}}, view_rows));
    return c;
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int64_t Int(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  Value KeyValue(DataType type, int64_t domain) {
    if (Chance(0.03)) return Value::Null(type);
    int64_t k = Int(0, domain);
    switch (type.id()) {
      case TypeId::kInt32: return Value::Int32(static_cast<int32_t>(k));
      case TypeId::kInt64: return Value::Int64(k);
      default: return Value::String(k == 0 ? std::string() : "m" + std::to_string(k));
    }
  }
  Value Time(int64_t lo, int64_t hi, double null_p) {
    if (Chance(null_p)) return Value::Null(DataType::Timestamp());
    return Value::Timestamp(Int(lo, hi) * kSecond);
  }
  Value RandomValue(DataType type) {
    if (Chance(0.1)) return Value::Null(type);
    switch (type.id()) {
      case TypeId::kInt32: return Value::Int32(static_cast<int32_t>(Int(-1000, 1000)));
      case TypeId::kInt64: return Value::Int64(Int(INT64_MIN / 2, INT64_MAX / 2));
      case TypeId::kDouble:
        return Value::Double(Chance(0.05) ? -0.0 : static_cast<double>(Int(-1000000, 1000000)) / 7);
      case TypeId::kBool: return Value::Bool(Chance(0.5));
      case TypeId::kTimestamp: return Value::Timestamp(Int(0, 1LL << 50));
      case TypeId::kString: return Value::String("s" + std::to_string(Int(0, 100000)));
      case TypeId::kList: {
        std::vector<Value> elems;
        for (int64_t i = Int(0, 3); i > 0; --i) elems.push_back(Value::Int64(Int(-9, 9)));
        return Value::List(type, std::move(elems));
      }
      default: return Value::Null(type);
    }
  }

  RecordBatchPtr Spine(int64_t rows) {
    SchemaPtr schema = MustSchema({{"user_id", DataType::Int64()},
                                   {"merchant", DataType::String()},
                                   {"region_id", DataType::Int64()},
                                   {"region_code", DataType::String()},
                                   {"event_timestamp", DataType::Timestamp()},
                                   {"label", DataType::Int64()}});
    RecordBatchBuilder b(schema);
    for (int64_t r = 0; r < rows; ++r) {
      Value code = KeyValue(DataType::String(), 2);
      (void)b.AppendRow({KeyValue(DataType::Int64(), 12), KeyValue(DataType::String(), 9),
                         KeyValue(DataType::Int64(), 4), code, Time(-5, 45, 0.02),
                         Value::Int64(r)});
    }
    return *b.Finish();
  }

  PitView View(std::string name, std::vector<Field> keys, std::vector<int> spine_cols,
               std::vector<Field> values, int64_t rows) {
    PitView v;
    v.name = std::move(name);
    v.num_keys = static_cast<int>(keys.size());
    v.spine_key_columns = std::move(spine_cols);
    const int64_t ttls[] = {0, 0, 5 * kSecond, 10 * kSecond, 1};
    v.ttl = ttls[Int(0, 4)];
    std::vector<Field> fields = keys;
    fields.push_back({"event_ts", DataType::Timestamp()});
    fields.push_back({"created_ts", DataType::Timestamp()});
    for (const Field& f : values) fields.push_back(f);
    v.schema = MustSchema(fields);
    if (Chance(0.1)) rows = 0;  // an empty view
    RecordBatchBuilder b(v.schema);
    int64_t in_batch = 0, batch_size = Int(0, rows / 3 + 2);
    auto flush = [&] {
      v.batches.push_back(*b.Finish());
      in_batch = 0;
      batch_size = Int(0, rows / 3 + 2);
    };
    for (int64_t r = 0; r < rows; ++r) {
      if (in_batch >= batch_size) flush();
      std::vector<Value> row;
      for (const Field& k : keys) {
        row.push_back(KeyValue(k.type, k.type == DataType::String() && keys.size() > 1 ? 2 : 10));
      }
      row.push_back(Time(0, 40, 0.02));
      row.push_back(Chance(0.3) ? Value::Null(DataType::Timestamp()) : Time(0, 3, 0));
      for (const Field& f : values) row.push_back(RandomValue(f.type));
      (void)b.AppendRow(row);
      ++in_batch;
    }
    flush();
    return v;
  }

  std::mt19937_64 rng_;
};

// The EntityKey of row `row` of `columns`, or false when a part is null.
inline bool RowKey(const std::vector<ArrayPtr>& columns, int64_t row, EntityKey* key) {
  EntityKey::Builder b;
  for (const ArrayPtr& c : columns) {
    if (c->IsNull(row)) return false;
    if (!b.AppendFromArray(*c, row).ok()) return false;
  }
  *key = b.Build();
  return true;
}

// For each spine row, the expected output row of `view`: its values then
// event_ts. The plain definition: every row of the view is looked at.
inline std::vector<std::vector<Value>> BruteForce(const RecordBatch& spine, int ts_col,
                                                  const PitView& view) {
  struct Row {
    bool has_key;
    EntityKey key;
    const RecordBatch* batch;
    int64_t index;
  };
  std::vector<Row> rows;
  for (const auto& batch : view.batches) {
    std::vector<ArrayPtr> keys(batch->columns().begin(), batch->columns().begin() + view.num_keys);
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      Row row{false, {}, batch.get(), i};
      row.has_key = RowKey(keys, i, &row.key);
      rows.push_back(row);
    }
  }
  std::vector<ArrayPtr> spine_keys;
  for (int c : view.spine_key_columns) spine_keys.push_back(spine.column(c));
  const int e_col = view.num_keys, c_col = view.num_keys + 1;
  const int num_values = view.schema->num_fields() - view.num_keys - 2;
  std::vector<std::vector<Value>> out;
  for (int64_t r = 0; r < spine.num_rows(); ++r) {
    EntityKey key;
    const Row* best = nullptr;
    const bool spine_ok = RowKey(spine_keys, r, &key) && spine.column(ts_col)->IsValid(r);
    const int64_t t = spine_ok ? spine.column(ts_col)->GetInt64(r) : 0;
    for (const Row& row : rows) {
      if (!spine_ok || !row.has_key || row.key != key) continue;
      const Array& e = *row.batch->column(e_col);
      if (e.IsNull(row.index) || e.GetInt64(row.index) > t) continue;
      if (view.ttl > 0 && e.GetInt64(row.index) <= t - view.ttl) continue;
      if (best != nullptr) {
        int64_t be = best->batch->column(e_col)->GetInt64(best->index);
        if (e.GetInt64(row.index) < be) continue;
        if (e.GetInt64(row.index) == be) {
          const Array& c = *row.batch->column(c_col);
          const Array& bc = *best->batch->column(c_col);
          // null created_ts is the smallest; on a full tie the later row wins.
          if (c.IsNull(row.index) && bc.IsValid(best->index)) continue;
          if (c.IsValid(row.index) && bc.IsValid(best->index) &&
              c.GetInt64(row.index) < bc.GetInt64(best->index)) {
            continue;
          }
        }
      }
      best = &row;
    }
    std::vector<Value> values;
    for (int j = 0; j < num_values; ++j) {
      DataType type = view.schema->field(view.num_keys + 2 + j).type;
      values.push_back(best ? best->batch->column(view.num_keys + 2 + j)->GetValue(best->index)
                            : Value::Null(type));
    }
    values.push_back(best ? best->batch->column(e_col)->GetValue(best->index)
                          : Value::Null(DataType::Timestamp()));
    out.push_back(std::move(values));
  }
  return out;
}

}  // namespace tessera::offline::testing
