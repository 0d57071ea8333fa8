// DuckDB interop, both ways, comparing every value:
//   (1) Tessera writes (every type, nulls, dictionary and plain, several row
//       groups, zstd and snappy) -> DuckDB reads;
//   (2) DuckDB writes (COPY ... TO with ROW_GROUP_SIZE and COMPRESSION,
//       dictionary and plain) -> Tessera reads, compared with the values
//       DuckDB itself reports for the file.
// Skipped, with the reason, when node or @duckdb/node-api is not installed
// (tests/duckdb/install.sh; `make test` runs it); failed instead in CI
// (CI=true, require_oracle.h).
#include <cmath>
#include <limits>
#include <string>

#include "duckdb_runner.h"
#include "parquet_writer_test_util.h"
#include "require_oracle.h"

namespace tessera::parquet {
namespace {

using testing::AllTypesSchema;
using testing::DuckDbResult;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::TempDir;

#define REQUIRE_DUCKDB()                                                                     \
  do {                                                                                       \
    if (auto why = testing::DuckDbUnavailable()) TESSERA_MISSING_ORACLE("DuckDB: " << *why); \
  } while (0)

std::string Base64Decode(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    buf = (buf << 6) | static_cast<uint32_t>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

// DuckDB's JSON rendering of a floating-point value (see duckdb_query.mjs).
std::optional<double> JsonDouble(const rapidjson::Value& j) {
  if (j.IsNumber()) return j.GetDouble();
  if (!j.IsString()) return std::nullopt;
  const std::string s = j.GetString();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

// Empty when Tessera's `v` equals DuckDB's `j`, else a description.
std::string Diff(const Value& v, const rapidjson::Value& j) {
  const std::string mismatch = "tessera " + v.ToString() + " vs duckdb ";
  auto json_text = [&] {
    if (j.IsString()) return std::string("\"") + j.GetString() + "\"";
    if (j.IsNull()) return std::string("null");
    if (j.IsNumber()) return std::to_string(j.GetDouble());  // (a hint only)
    if (j.IsBool()) return std::string(j.GetBool() ? "true" : "false");
    return std::string("[...]");
  };
  if (v.is_null() || j.IsNull()) return v.is_null() == j.IsNull() ? "" : mismatch + json_text();
  bool same = false;
  switch (v.type().id()) {
    case TypeId::kBool: same = j.IsBool() && j.GetBool() == v.bool_value(); break;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kTimestamp: same = j.IsInt64() && j.GetInt64() == v.int_value(); break;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      auto d = JsonDouble(j);
      const double x = v.double_value();
      same = d && ((std::isnan(x) && std::isnan(*d)) ||
                   (x == *d && std::signbit(x) == std::signbit(*d)));
      break;
    }
    case TypeId::kString:
      same =
          j.IsString() && std::string_view(j.GetString(), j.GetStringLength()) == v.string_value();
      break;
    case TypeId::kBytes:
      same = j.IsString() &&
             Base64Decode(std::string_view(j.GetString(), j.GetStringLength())) == v.string_value();
      break;
    case TypeId::kList: {
      if (!j.IsArray() || j.Size() != v.list_value().size())
        return mismatch + "list of another size";
      for (rapidjson::SizeType k = 0; k < j.Size(); ++k) {
        std::string d = Diff(v.list_value()[k], j[k]);
        if (!d.empty()) return "element " + std::to_string(k) + ": " + d;
      }
      return "";
    }
  }
  return same ? "" : mismatch + json_text();
}

// Expects DuckDB's rows to equal the rows of `batches`, every value.
void ExpectDuckDbRowsEqual(const SchemaPtr& schema, const std::vector<RecordBatchPtr>& batches,
                           const DuckDbResult& duck) {
  ASSERT_EQ(static_cast<int>(duck.columns.size()), schema->num_fields());
  size_t row = 0;
  int failures = 0;
  for (const auto& batch : batches) {
    for (int64_t i = 0; i < batch->num_rows(); ++i, ++row) {
      ASSERT_LT(row, duck.rows.size()) << "DuckDB returned fewer rows";
      for (int c = 0; c < schema->num_fields(); ++c) {
        const std::string d = Diff(batch->column(c)->GetValue(i), duck.rows[row][c]);
        if (d.empty()) continue;
        ADD_FAILURE() << "row " << row << " column " << schema->field(c).name << ": " << d;
        if (++failures > 10) return;
      }
    }
  }
  EXPECT_EQ(row, duck.rows.size());
}

// ---- (1) Tessera writes, DuckDB reads ----

std::vector<Value> InteropRow(int64_t i) {
  auto null_every = [&](int n, DataType t, Value v) { return i % n == 0 ? Value::Null(t) : v; };
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             -0.0,
                             0.0,
                             1e308,
                             -5e-324};
  const double d = i % 3 == 0 ? specials[(i / 3) % 7] : static_cast<double>(i) * 1.25 - 4000;
  const int64_t i64 = i % 50 == 1   ? INT64_MIN
                      : i % 50 == 2 ? INT64_MAX
                                    : i * 982451653LL - (1LL << 40);
  const int32_t i32 = i % 40 == 1   ? INT32_MIN
                      : i % 40 == 2 ? INT32_MAX
                                    : static_cast<int32_t>(i % 100);
  static const char* kWords[] = {"",        "alpha",        "ünïcödé",    "日本語",
                                 "emoji 😀", "tab\tquote\"", "back\\slash"};
  std::string s = kWords[i % 7];
  if (i % 97 == 0) s = std::string(3000, 'L') + std::to_string(i);  // long, unique
  std::string bin = std::string("\x00\xff\x80", 3) + std::to_string(i % 23);
  const DataType lf = DataType::List(TypeId::kFloat), ld = DataType::List(TypeId::kDouble);
  const DataType li = DataType::List(TypeId::kInt64), ls = DataType::List(TypeId::kString);
  auto list_shape = [&](DataType t, Value a, Value b) {
    switch (i % 4) {
      case 0: return Value::Null(t);
      case 1: return Value::List(t, {});
      case 2: return Value::List(t, {Value::Null(t.element_type())});
      default: return Value::List(t, {std::move(a), Value::Null(t.element_type()), std::move(b)});
    }
  };
  return {null_every(5, DataType::Bool(), Value::Bool(i % 2 == 0)),
          null_every(6, DataType::Int32(), Value::Int32(i32)),
          null_every(7, DataType::Int64(), Value::Int64(i64)),
          null_every(8, DataType::Float(), Value::Float(static_cast<float>(d))),
          null_every(9, DataType::Double(), Value::Double(d)),
          null_every(10, DataType::String(), Value::String(s)),
          null_every(11, DataType::Bytes(), Value::Bytes(bin)),
          null_every(12, DataType::Timestamp(),
                     Value::Timestamp(-86400000000LL * 365 + i * 3600000001LL)),
          list_shape(lf, Value::Float(0.5f * static_cast<float>(i % 9)), Value::Float(-0.0f)),
          list_shape(ld, Value::Double(d), Value::Double(-1.0 / 3)),
          list_shape(li, Value::Int64(i64), Value::Int64(-i)),
          list_shape(ls, Value::String(s), Value::String(""))};
}

struct WriteCase {
  const char* name;
  Codec codec;
  bool dictionary;
};

class TesseraWritesDuckDbReads : public ::testing::TestWithParam<WriteCase> {};

TEST_P(TesseraWritesDuckDbReads, EveryValueMatches) {
  REQUIRE_DUCKDB();
  TempDir dir;
  const std::string path = dir.File("tessera.parquet");
  SchemaPtr schema = AllTypesSchema();
  std::vector<RecordBatchPtr> batches;
  const int64_t kRows = 4000, kBatch = 1300;
  for (int64_t start = 0; start < kRows; start += kBatch) {
    std::vector<std::vector<Value>> rows;
    for (int64_t i = start; i < std::min(kRows, start + kBatch); ++i) rows.push_back(InteropRow(i));
    batches.push_back(MakeBatch(schema, rows));
  }
  WriteOptions o;
  o.codec = GetParam().codec;
  o.dictionary = GetParam().dictionary;
  o.row_group_size = 1500;  // three row groups
  o.data_page_size = 8192;  // several pages per chunk
  ASSERT_TRUE(WriteParquetFile(path, schema, batches, o).ok());

  auto duck = testing::RunDuckDb({"SELECT * EXCLUDE (file_row_number) FROM read_parquet('" + path +
                                  "', file_row_number = true) ORDER BY file_row_number"},
                                 dir.path());
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  EXPECT_EQ(duck->types,
            (std::vector<std::string>{"BOOLEAN", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "VARCHAR",
                                      "BLOB", "TIMESTAMP WITH TIME ZONE", "FLOAT[]", "DOUBLE[]",
                                      "BIGINT[]", "VARCHAR[]"}));
  ExpectDuckDbRowsEqual(schema, batches, *duck);

  // DuckDB sees the same row groups and trusts the statistics.
  auto groups = testing::RunDuckDb(
      {"SELECT count(DISTINCT row_group_id), min(stats_min_value), max(stats_null_count) "
       "FROM parquet_metadata('" +
       path + "') WHERE path_in_schema = 'i32'"},
      dir.path());
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->rows.size(), 1u);
  EXPECT_EQ(groups->rows[0][0].GetInt64(), 3);
  EXPECT_STREQ(groups->rows[0][1].GetString(), std::to_string(INT32_MIN).c_str());
  auto filtered = testing::RunDuckDb({"SELECT count(*) FROM read_parquet('" + path +
                                      "') WHERE i64 = " + std::to_string(INT64_MAX)},
                                     dir.path());
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  int64_t expect_max = 0;
  for (int64_t i = 0; i < kRows; ++i) expect_max += (i % 50 == 2 && i % 7 != 0);
  EXPECT_EQ(filtered->rows[0][0].GetInt64(), expect_max);
}

INSTANTIATE_TEST_SUITE_P(Codecs, TesseraWritesDuckDbReads,
                         ::testing::Values(WriteCase{"zstd_dict", Codec::kZstd, true},
                                           WriteCase{"zstd_plain", Codec::kZstd, false},
                                           WriteCase{"snappy_dict", Codec::kSnappy, true},
                                           WriteCase{"snappy_plain", Codec::kSnappy, false}),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- (2) DuckDB writes, Tessera reads ----

constexpr char kDuckDbTable[] = R"sql(
SELECT
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
  CASE WHEN i % 11 = 0 THEN NULL WHEN i % 101 = 1 THEN -2147483648 ELSE (i * 37 % 1000 - 500) END::INTEGER AS i32,
  CASE WHEN i % 13 = 0 THEN NULL WHEN i % 103 = 2 THEN 9223372036854775807 ELSE i * 1000003 - 9223372036854775 END::BIGINT AS i64,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 17 = 0 THEN 'nan'::FLOAT WHEN i % 19 = 0 THEN '-0.0'::FLOAT ELSE (i % 100) / 4.0 END::FLOAT AS f,
  CASE WHEN i % 9 = 0 THEN NULL WHEN i % 23 = 0 THEN '-inf'::DOUBLE WHEN i % 29 = 0 THEN 'inf'::DOUBLE ELSE i / 7.0 END::DOUBLE AS d,
  CASE WHEN i % 6 = 0 THEN NULL WHEN i % 10 = 0 THEN '' WHEN i % 89 = 0 THEN repeat('x', 2000) || i::VARCHAR ELSE 'v' || (i % 50)::VARCHAR || 'ü😀' END AS s,
  CASE WHEN i % 8 = 0 THEN NULL ELSE '\x00\xFF'::BLOB || encode((i % 30)::VARCHAR) END AS bin,
  CASE WHEN i % 14 = 0 THEN NULL ELSE TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 1000003) END AS ts,
  CASE WHEN i % 15 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-02-29 12:00:00+00' + to_microseconds(i * 7) END AS tstz,
  CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN []::BIGINT[] ELSE [i, NULL, -i * 1000000007] END AS li,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN []::VARCHAR[] ELSE ['a' || (i % 3)::VARCHAR, NULL, ''] END AS ls,
  CASE WHEN i % 6 = 0 THEN NULL ELSE [(i % 8)::FLOAT / 2, NULL] END AS lf,
  CASE WHEN i % 3 = 0 THEN NULL ELSE [i / 3.0, 'nan'::DOUBLE, '-0.0'::DOUBLE] END::DOUBLE[] AS ld
FROM range(7000) t(i)
)sql";

struct ReadCase {
  const char* name;
  const char* options;
};

class DuckDbWritesTesseraReads : public ::testing::TestWithParam<ReadCase> {};

TEST_P(DuckDbWritesTesseraReads, EveryValueMatches) {
  REQUIRE_DUCKDB();
  TempDir dir;
  const std::string path = dir.File("duckdb.parquet");
  auto duck =
      testing::RunDuckDb({std::string("COPY (") + kDuckDbTable + ") TO '" + path +
                              "' (FORMAT parquet, ROW_GROUP_SIZE 2048, " + GetParam().options + ")",
                          "SELECT * EXCLUDE (file_row_number) FROM read_parquet('" + path +
                              "', file_row_number = true) ORDER BY file_row_number"},
                         dir.path());
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  ASSERT_EQ(duck->rows.size(), 7000u);

  auto read = ReadParquetFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_GE(read->size(), 3u);  // one batch per row group
  const SchemaPtr& schema = (*read)[0]->schema();
  const std::vector<std::string> want_types = {
      "bool",         "int32",       "int64",       "float",     "double",
      "string",       "bytes",       "timestamp",   "timestamp", "list<int64>",
      "list<string>", "list<float>", "list<double>"};
  ASSERT_EQ(schema->num_fields(), static_cast<int>(want_types.size()));
  for (int c = 0; c < schema->num_fields(); ++c) {
    EXPECT_EQ(schema->field(c).name, duck->columns[static_cast<size_t>(c)]);
    EXPECT_EQ(schema->field(c).type.ToString(), want_types[static_cast<size_t>(c)]);
  }
  ExpectDuckDbRowsEqual(schema, *read, *duck);
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, DuckDbWritesTesseraReads,
    ::testing::Values(ReadCase{"zstd_dict", "COMPRESSION zstd"},
                      ReadCase{"zstd_plain", "COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 1"},
                      ReadCase{"snappy_dict", "COMPRESSION snappy"},
                      ReadCase{"snappy_plain", "COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 1"},
                      ReadCase{"uncompressed_v2", "COMPRESSION uncompressed, PARQUET_VERSION V2"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tessera::parquet
