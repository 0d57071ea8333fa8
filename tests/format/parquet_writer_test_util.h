// Helpers shared by the Parquet writer tests (parquet_writer_test.cc,
// parquet_roundtrip_property_test.cc, duckdb_interop_test.cc): a temporary
// folder, batches from rows of Values, and reading a file back as one
// concatenated column per field. Header-only; thread-compatible.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "tessera/core/record_batch.h"
#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::parquet::testing {

using ::tessera::testing::TempDir;

inline SchemaPtr MakeSchema(std::vector<Field> fields) {
  auto r = Schema::Make(std::move(fields));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

// Every Tessera type, lists included: the schema the writer tests and the
// DuckDB interop tests write.
inline SchemaPtr AllTypesSchema() {
  return MakeSchema({{"b", DataType::Bool()},
                     {"i32", DataType::Int32()},
                     {"i64", DataType::Int64()},
                     {"f", DataType::Float()},
                     {"d", DataType::Double()},
                     {"s", DataType::String()},
                     {"bin", DataType::Bytes()},
                     {"ts", DataType::Timestamp()},
                     {"lf", DataType::List(TypeId::kFloat)},
                     {"ld", DataType::List(TypeId::kDouble)},
                     {"li", DataType::List(TypeId::kInt64)},
                     {"ls", DataType::List(TypeId::kString)}});
}

inline RecordBatchPtr MakeBatch(const SchemaPtr& schema,
                                const std::vector<std::vector<Value>>& rows) {
  RecordBatchBuilder b(schema);
  for (const auto& row : rows) {
    Status st = b.AppendRow(row);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto r = b.Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

// Column `c` of all `batches`, concatenated into one array.
inline ArrayPtr ConcatColumn(const std::vector<RecordBatchPtr>& batches, int c, DataType type) {
  auto builder = ArrayBuilder::Make(type);
  for (const auto& batch : batches) {
    const Array& a = *batch->column(c);
    for (int64_t i = 0; i < a.length(); ++i) EXPECT_TRUE(builder->AppendValue(a.GetValue(i)).ok());
  }
  auto r = builder->Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

// True when every float/double (also inside lists) has the same sign bit in
// both arrays: Array::Equals compares values, so -0.0 == 0.0 there.
inline bool SameZeroSigns(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return true;
  if (a.type().is_list()) {
    const auto& x = a.list_value();
    const auto& y = b.list_value();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!SameZeroSigns(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.type().id() == TypeId::kFloat || a.type().id() == TypeId::kDouble) {
    return std::signbit(a.double_value()) == std::signbit(b.double_value());
  }
  return true;
}

// Asserts that `actual` batches hold exactly the rows of `expected` batches
// (row-group boundaries may differ).
inline void ExpectSameRows(const SchemaPtr& schema, const std::vector<RecordBatchPtr>& expected,
                           const std::vector<RecordBatchPtr>& actual) {
  for (int c = 0; c < schema->num_fields(); ++c) {
    const DataType type = schema->field(c).type;
    ArrayPtr want = ConcatColumn(expected, c, type);
    ArrayPtr got = ConcatColumn(actual, c, type);
    ASSERT_EQ(want->length(), got->length()) << schema->field(c).name;
    const bool equal = want->Equals(*got);
    EXPECT_TRUE(equal) << "column " << schema->field(c).name;
    for (int64_t i = 0; i < want->length(); ++i) {
      const Value w = want->GetValue(i);
      const Value g = got->GetValue(i);
      if ((equal || w == g) && SameZeroSigns(w, g)) continue;
      ADD_FAILURE() << "column " << schema->field(c).name << " row " << i << ": want "
                    << w.ToString() << " got " << g.ToString();
      break;
    }
  }
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Decodes the footer of the Parquet file at `path`.
inline FileMetaData ReadFooter(const std::string& path) {
  const std::string bytes = ReadFileBytes(path);
  EXPECT_GE(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
  uint32_t len = 0;
  std::memcpy(&len, bytes.data() + bytes.size() - 8, 4);
  auto md = DecodeFileMetaData(
      reinterpret_cast<const uint8_t*>(bytes.data() + bytes.size() - 8 - len), len);
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  return md.ok() ? *md : FileMetaData{};
}

}  // namespace tessera::parquet::testing
