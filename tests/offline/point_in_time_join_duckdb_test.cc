// PointInTimeJoin against DuckDB's ASOF JOIN on the same random cases as
// the brute-force test (pit_test_data.h): the inputs are written as Parquet
// (each view with `_ord`, its rows' position in the input stream; the spine
// with `_row`), DuckDB runs the query of tests/common/pit_asof_sql.h (the
// ttl bound and the created_ts tie-break included) through one long-lived
// session, and every value must be equal. Skipped where DuckDB is absent,
// failed in CI (require_oracle.h).
#include <gtest/gtest.h>

#include <filesystem>

#include "duckdb_session.h"
#include "pit_asof_sql.h"
#include "pit_test_data.h"
#include "require_oracle.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/point_in_time_join.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

using tessera::testing::DuckDbAnswer;
using tessera::testing::DuckDbSession;
using tessera::testing::PitAsofSpine;
using tessera::testing::PitAsofView;
using testing::PitCase;
using testing::PitCaseGenerator;
using testing::PitView;

// `batches` plus an int64 column `name` numbering their rows from 0.
Status WriteNumbered(const std::string& path, const SchemaPtr& schema,
                     const std::vector<RecordBatchPtr>& batches, const std::string& name) {
  std::vector<Field> fields = schema->fields();
  fields.push_back({name, DataType::Int64()});
  TS_ASSIGN_OR_RETURN(SchemaPtr numbered, Schema::Make(fields));
  std::vector<RecordBatchPtr> out;
  int64_t next = 0;
  for (const RecordBatchPtr& b : batches) {
    Int64Builder ord(DataType::Int64());
    for (int64_t i = 0; i < b->num_rows(); ++i) TS_RETURN_NOT_OK(ord.Append(next++));
    std::vector<ArrayPtr> columns = b->columns();
    TS_ASSIGN_OR_RETURN(ArrayPtr ord_column, ord.Finish());
    columns.push_back(ord_column);
    TS_ASSIGN_OR_RETURN(RecordBatchPtr nb, RecordBatch::Make(numbered, columns));
    out.push_back(nb);
  }
  return parquet::WriteParquetFile(path, numbered, out);
}

// DuckDB's JSON value as a Tessera Value of `type`.
Value FromJson(const rapidjson::Value& v, DataType type) {
  if (v.IsNull()) return Value::Null(type);
  switch (type.id()) {
    case TypeId::kBool: return Value::Bool(v.GetBool());
    case TypeId::kInt32: return Value::Int32(static_cast<int32_t>(v.GetInt64()));
    case TypeId::kInt64: return Value::Int64(v.GetInt64());
    case TypeId::kTimestamp: return Value::Timestamp(v.GetInt64());
    case TypeId::kDouble: return Value::Double(v.GetDouble());
    case TypeId::kString: return Value::String(v.GetString());
    case TypeId::kList: {
      std::vector<Value> elems;
      for (const auto& e : v.GetArray()) elems.push_back(FromJson(e, type.element_type()));
      return Value::List(type, std::move(elems));
    }
    default: return Value::Null(type);
  }
}

std::string Quoted(const std::string& path) { return "read_parquet('" + path + "')"; }

TEST(PointInTimeJoinDuckDbTest, RandomCasesEqualDuckDbAsofJoin) {
  if (auto why = tessera::testing::DuckDbSessionUnavailable()) {
    TESSERA_MISSING_ORACLE("DuckDB: " << *why);
  }
  auto duck = DuckDbSession::Start();
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  tessera::testing::RandomTestParams params(8080, 8);
  SCOPED_TRACE(params.Trace());
  PitCaseGenerator gen(params.seed);
  const std::string dir = ::testing::TempDir() + "pit_duckdb_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  for (int i = 0; i < params.iterations; ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const int64_t spine_rows = i == 0 ? 1 : (i == 1 ? 0 : 400 + i * 50);
    PitCase c = gen.Make(spine_rows, 200 + i * 60);
    JoinOptions options;
    options.num_threads = 2;
    auto result = PointInTimeJoin(*c.spine, c.timestamp_column, c.Inputs(), options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();

    const std::string spine_path = dir + "/spine.parquet";
    ASSERT_TRUE(WriteNumbered(spine_path, c.spine->schema(), {c.spine}, "_row").ok());
    PitAsofSpine spine{Quoted(spine_path), "event_timestamp", "s._row", "s._row"};
    std::vector<PitAsofView> views;
    for (const PitView& v : c.views) {
      const std::string path = dir + "/" + v.name + ".parquet";
      ASSERT_TRUE(WriteNumbered(path, v.schema, v.batches, "_ord").ok());
      PitAsofView pv;
      pv.table = Quoted(path);
      for (int k = 0; k < v.num_keys; ++k) {
        pv.key_columns.push_back(v.schema->field(k).name);
        pv.spine_keys.push_back(c.spine->schema()->field(v.spine_key_columns[k]).name);
      }
      for (int j = v.num_keys + 2; j < v.schema->num_fields(); ++j) {
        pv.values.push_back(v.schema->field(j).name);
      }
      pv.ttl_micros = v.ttl;
      pv.prefix = v.name + "__";
      views.push_back(pv);
    }
    const std::string sql = tessera::testing::PitAsofSql(spine, views);
    auto answer = (*duck)->Query(sql);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(answer->ok) << answer->error << "\n" << sql;
    ASSERT_EQ(static_cast<int64_t>(answer->num_rows()), c.spine->num_rows());
    int failures = 0;
    for (int64_t r = 0; r < c.spine->num_rows() && failures < 5; ++r) {
      ASSERT_EQ(answer->at(static_cast<size_t>(r), 0).GetInt64(), r);
      size_t col = 1;
      for (size_t v = 0; v < c.views.size(); ++v) {
        const RecordBatch& got = *(*result)[v];
        for (int j = 0; j < got.num_columns(); ++j, ++col) {
          const Value mine = got.column(j)->GetValue(r);
          const Value theirs =
              FromJson(answer->at(static_cast<size_t>(r), col), got.schema()->field(j).type);
          if (mine != theirs) {
            ADD_FAILURE() << "view " << c.views[v].name << " spine row " << r << " column "
                          << got.schema()->field(j).name << ": tessera " << mine.ToString()
                          << ", duckdb " << theirs.ToString();
            ++failures;
          }
        }
      }
    }
    if (HasFailure()) break;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tessera::offline
