// ParquetWriter: write then read back (ParquetReader) for every type, nulls,
// empty strings and lists; the dictionary and plain paths, dictionary
// fallback, many row groups and pages, each codec; the footer (schema,
// statistics, offsets, encodings); crash safety.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>

#include "parquet_writer_test_util.h"
#include "test_seed.h"

namespace tessera::parquet {
namespace {

using testing::AllTypesSchema;
using testing::ExpectSameRows;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::ReadFooter;
using testing::TempDir;

// Row i of a deterministic table over AllTypesSchema with nulls, empty
// strings, repeated values (dictionary-friendly) and every list shape.
std::vector<Value> AllTypesRow(int64_t i) {
  const DataType lf = DataType::List(TypeId::kFloat);
  const DataType ld = DataType::List(TypeId::kDouble);
  const DataType li = DataType::List(TypeId::kInt64);
  const DataType ls = DataType::List(TypeId::kString);
  auto nul = [&](int k, DataType t, Value v) { return (i + k) % 7 == 0 ? Value::Null(t) : v; };
  auto list_s = [&]() -> Value {
    switch (i % 5) {
      case 0: return Value::Null(ls);
      case 1: return Value::List(ls, {});
      case 2: return Value::List(ls, {Value::Null(DataType::String())});
      case 3: return Value::List(ls, {Value::String(""), Value::String("x" + std::to_string(i))});
      default:
        return Value::List(
            ls, {Value::String("a"), Value::Null(DataType::String()), Value::String("ü€😀")});
    }
  }();
  return {
      nul(0, DataType::Bool(), Value::Bool(i % 3 == 0)),
      nul(1, DataType::Int32(), Value::Int32(static_cast<int32_t>(i % 11) - 5)),
      nul(2, DataType::Int64(), Value::Int64(i * 1000003 - 77)),
      nul(3, DataType::Float(), Value::Float(static_cast<float>(i % 13) * 0.5f)),
      nul(4, DataType::Double(), Value::Double(static_cast<double>(i) / 3.0)),
      nul(5, DataType::String(), Value::String(i % 4 == 0 ? "" : "str" + std::to_string(i % 9))),
      nul(6, DataType::Bytes(), Value::Bytes(std::string("\0\xff", 2) + std::to_string(i))),
      Value::Timestamp(1700000000000000 + i * 1000001),
      i % 6 == 0 ? Value::Null(lf) : Value::List(lf, {Value::Float(1.5f), Value::Float(-2.0f)}),
      Value::List(ld, std::vector<Value>(static_cast<size_t>(i % 4), Value::Double(i * 0.25))),
      i % 3 == 0 ? Value::List(li, {})
                 : Value::List(li, {Value::Int64(i), Value::Null(DataType::Int64())}),
      list_s,
  };
}

std::vector<RecordBatchPtr> AllTypesBatches(const SchemaPtr& schema, int64_t rows,
                                            int64_t batch_rows) {
  std::vector<RecordBatchPtr> batches;
  for (int64_t start = 0; start < rows; start += batch_rows) {
    std::vector<std::vector<Value>> block;
    for (int64_t i = start; i < std::min(rows, start + batch_rows); ++i) {
      block.push_back(AllTypesRow(i));
    }
    batches.push_back(MakeBatch(schema, block));
  }
  return batches;
}

std::vector<RecordBatchPtr> ReadBack(const std::string& path) {
  auto r = ReadParquetFile(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<RecordBatchPtr>{};
}

struct Case {
  const char* name;
  Codec codec;
  bool dictionary;
  int64_t row_group_size;
  int64_t data_page_size;
  int num_threads;
};

class WriterRoundTripTest : public ::testing::TestWithParam<Case> {};

TEST_P(WriterRoundTripTest, AllTypesReadBackEqual) {
  const Case& c = GetParam();
  TempDir dir;
  const std::string path = dir.File("t.parquet");
  SchemaPtr schema = AllTypesSchema();
  auto batches = AllTypesBatches(schema, 1000, 333);
  WriteOptions o;
  o.codec = c.codec;
  o.dictionary = c.dictionary;
  o.row_group_size = c.row_group_size;
  o.data_page_size = c.data_page_size;
  o.num_threads = c.num_threads;
  ASSERT_TRUE(WriteParquetFile(path, schema, batches, o).ok());

  FileMetaData md = ReadFooter(path);
  EXPECT_EQ(md.num_rows, 1000);
  EXPECT_EQ(static_cast<int64_t>(md.row_groups.size()),
            (1000 + c.row_group_size - 1) / c.row_group_size);
  auto read = ReadBack(path);
  ExpectSameRows(schema, batches, read);
}

INSTANTIATE_TEST_SUITE_P(
    Options, WriterRoundTripTest,
    ::testing::Values(Case{"zstd_dict", Codec::kZstd, true, 1 << 20, 1 << 20, 1},
                      Case{"zstd_plain", Codec::kZstd, false, 1 << 20, 1 << 20, 1},
                      Case{"snappy_dict_rowgroups", Codec::kSnappy, true, 128, 1 << 20, 1},
                      Case{"snappy_plain_pages", Codec::kSnappy, false, 400, 64, 1},
                      Case{"uncompressed_dict_pages", Codec::kUncompressed, true, 250, 32, 1},
                      Case{"uncompressed_plain", Codec::kUncompressed, false, 1 << 20, 1 << 20, 1},
                      Case{"gzip_dict", Codec::kGzip, true, 300, 256, 1},
                      Case{"zstd_threads", Codec::kZstd, true, 100, 128, 4}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ParquetWriterTest, SchemaMapping) {
  TempDir dir;
  const std::string path = dir.File("s.parquet");
  SchemaPtr schema = AllTypesSchema();
  ASSERT_TRUE(WriteParquetFile(path, schema, AllTypesBatches(schema, 10, 10)).ok());
  FileMetaData md = ReadFooter(path);
  ASSERT_EQ(md.schema.size(), 1u + 8u + 4u * 3u);
  EXPECT_EQ(md.schema[0].num_children, 12);
  EXPECT_EQ(md.column_orders.size(), 12u);
  const SchemaElement& s = md.schema[6];
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(s.type, Type::kByteArray);
  EXPECT_EQ(s.repetition, Repetition::kOptional);
  EXPECT_EQ(s.converted_type, ConvertedType::kUtf8);
  ASSERT_TRUE(s.logical_type.has_value());
  EXPECT_EQ(s.logical_type->kind, LogicalType::kString);
  EXPECT_FALSE(md.schema[7].logical_type.has_value());  // bytes: plain BYTE_ARRAY
  const SchemaElement& ts = md.schema[8];
  EXPECT_EQ(ts.type, Type::kInt64);
  EXPECT_EQ(ts.converted_type, ConvertedType::kTimestampMicros);
  ASSERT_TRUE(ts.logical_type.has_value());
  EXPECT_EQ(ts.logical_type->kind, LogicalType::kTimestamp);
  EXPECT_TRUE(ts.logical_type->is_adjusted_to_utc);
  EXPECT_EQ(ts.logical_type->unit, TimeUnit::kMicros);
  // list<float>: optional group (LIST) { repeated group list { optional float element } }
  EXPECT_EQ(md.schema[9].name, "lf");
  EXPECT_FALSE(md.schema[9].type.has_value());
  EXPECT_EQ(md.schema[9].converted_type, ConvertedType::kList);
  EXPECT_EQ(md.schema[9].repetition, Repetition::kOptional);
  EXPECT_EQ(md.schema[10].name, "list");
  EXPECT_EQ(md.schema[10].repetition, Repetition::kRepeated);
  EXPECT_EQ(md.schema[11].name, "element");
  EXPECT_EQ(md.schema[11].type, Type::kFloat);
  EXPECT_EQ(md.schema[11].repetition, Repetition::kOptional);
  const auto& chunk = *md.row_groups[0].columns[8].meta_data;
  EXPECT_EQ(chunk.path_in_schema, (std::vector<std::string>{"lf", "list", "element"}));
}

TEST(ParquetWriterTest, OffsetsAndSizesAddUp) {
  TempDir dir;
  const std::string path = dir.File("o.parquet");
  SchemaPtr schema = AllTypesSchema();
  WriteOptions o;
  o.row_group_size = 100;
  o.data_page_size = 100;
  ASSERT_TRUE(WriteParquetFile(path, schema, AllTypesBatches(schema, 450, 450), o).ok());
  FileMetaData md = ReadFooter(path);
  ASSERT_EQ(md.row_groups.size(), 5u);
  int64_t expect_at = 4;  // after "PAR1"
  for (const RowGroup& rg : md.row_groups) {
    int64_t group_bytes = 0;
    EXPECT_EQ(rg.file_offset, expect_at);
    for (const ColumnChunk& cc : rg.columns) {
      const ColumnMetaData& m = *cc.meta_data;
      const int64_t start = m.dictionary_page_offset.value_or(m.data_page_offset);
      EXPECT_EQ(start, expect_at);
      if (m.dictionary_page_offset) {
        EXPECT_LT(*m.dictionary_page_offset, m.data_page_offset);
      }
      EXPECT_GT(m.total_uncompressed_size, 0);
      expect_at += m.total_compressed_size;
      group_bytes += m.total_compressed_size;
      int32_t pages = 0;
      for (const auto& es : m.encoding_stats) pages += es.count;
      EXPECT_GE(pages, 1);
    }
    EXPECT_EQ(rg.total_compressed_size, group_bytes);
  }
  const int64_t file_size = static_cast<int64_t>(std::filesystem::file_size(path));
  uint32_t footer_len = 0;
  const std::string bytes = testing::ReadFileBytes(path);
  std::memcpy(&footer_len, bytes.data() + bytes.size() - 8, 4);
  EXPECT_EQ(expect_at + footer_len + 8, file_size);
}

TEST(ParquetWriterTest, DictionaryFallsBackToPlainMidChunk) {
  TempDir dir;
  const std::string path = dir.File("f.parquet");
  SchemaPtr schema = MakeSchema({{"s", DataType::String()}, {"i", DataType::Int64()}});
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 5000; ++i) {
    rows.push_back({Value::String("unique-value-" + std::to_string(i)), Value::Int64(i * 7919)});
  }
  std::vector<RecordBatchPtr> batches{MakeBatch(schema, rows)};
  WriteOptions o;
  o.dictionary_page_limit = 4096;
  o.data_page_size = 2048;
  ASSERT_TRUE(WriteParquetFile(path, schema, batches, o).ok());
  FileMetaData md = ReadFooter(path);
  ASSERT_EQ(md.row_groups.size(), 1u);
  for (const ColumnChunk& cc : md.row_groups[0].columns) {
    const ColumnMetaData& m = *cc.meta_data;
    ASSERT_TRUE(m.dictionary_page_offset.has_value());
    int dict_pages = 0, rle_dict = 0, plain = 0;
    for (const auto& es : m.encoding_stats) {
      if (es.page_type == PageType::kDictionaryPage) dict_pages += es.count;
      if (es.page_type == PageType::kDataPage && es.encoding == Encoding::kRleDictionary) {
        rle_dict += es.count;
      }
      if (es.page_type == PageType::kDataPage && es.encoding == Encoding::kPlain) plain += es.count;
    }
    EXPECT_EQ(dict_pages, 1);
    EXPECT_GE(rle_dict, 1);
    EXPECT_GE(plain, 1);
  }
  ExpectSameRows(schema, batches, ReadBack(path));
}

TEST(ParquetWriterTest, SmallDictionaryStaysDictionaryEncoded) {
  TempDir dir;
  const std::string path = dir.File("d.parquet");
  SchemaPtr schema = MakeSchema({{"s", DataType::String()}});
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 3000; ++i) rows.push_back({Value::String(i % 3 ? "red" : "blue")});
  ASSERT_TRUE(WriteParquetFile(path, schema, {MakeBatch(schema, rows)}).ok());
  const FileMetaData md = ReadFooter(path);
  const ColumnMetaData& m = *md.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(m.encodings,
            (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary}));
  for (const auto& es : m.encoding_stats) {
    if (es.page_type == PageType::kDataPage) {
      EXPECT_EQ(es.encoding, Encoding::kRleDictionary);
    }
  }
}

TEST(ParquetWriterTest, PlainOptionWritesNoDictionary) {
  TempDir dir;
  const std::string path = dir.File("p.parquet");
  SchemaPtr schema = AllTypesSchema();
  WriteOptions o;
  o.dictionary = false;
  ASSERT_TRUE(WriteParquetFile(path, schema, AllTypesBatches(schema, 50, 50), o).ok());
  const FileMetaData md = ReadFooter(path);
  for (const ColumnChunk& cc : md.row_groups[0].columns) {
    EXPECT_FALSE(cc.meta_data->dictionary_page_offset.has_value());
    EXPECT_EQ(cc.meta_data->encodings, (std::vector<Encoding>{Encoding::kPlain, Encoding::kRle}));
  }
}

TEST(ParquetWriterTest, EmptyFileHasNoRowGroups) {
  TempDir dir;
  const std::string path = dir.File("e.parquet");
  SchemaPtr schema = AllTypesSchema();
  ASSERT_TRUE(WriteParquetFile(path, schema, {}).ok());
  FileMetaData md = ReadFooter(path);
  EXPECT_EQ(md.num_rows, 0);
  EXPECT_TRUE(md.row_groups.empty());
  EXPECT_TRUE(ReadBack(path).empty() || ReadBack(path)[0]->num_rows() == 0);
}

TEST(ParquetWriterTest, KeyValueMetadataAndCreatedBy) {
  TempDir dir;
  const std::string path = dir.File("kv.parquet");
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64()}});
  WriteOptions o;
  o.key_value_metadata = {{"tessera.view", "user_profile"}};
  ASSERT_TRUE(WriteParquetFile(path, schema, {MakeBatch(schema, {{Value::Int64(1)}})}, o).ok());
  FileMetaData md = ReadFooter(path);
  ASSERT_EQ(md.key_value_metadata.size(), 1u);
  EXPECT_EQ(md.key_value_metadata[0].key, "tessera.view");
  EXPECT_EQ(md.created_by, o.created_by);
}

TEST(ParquetWriterTest, RejectsMismatchedBatchAndBadOptions) {
  TempDir dir;
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64()}});
  SchemaPtr other = MakeSchema({{"x", DataType::Int32()}});
  auto w = ParquetWriter::Open(dir.File("m.parquet"), schema);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Write(*MakeBatch(other, {{Value::Int32(1)}})).IsInvalid());
  WriteOptions bad;
  bad.row_group_size = 0;
  EXPECT_TRUE(ParquetWriter::Open(dir.File("n.parquet"), schema, bad).status().IsInvalid());
}

// ---- statistics: min/max/null_count per chunk, computed independently ----

template <typename T>
T DecodeBound(const std::string& bytes) {
  T v{};
  EXPECT_EQ(bytes.size(), sizeof(T));
  std::memcpy(&v, bytes.data(), std::min(bytes.size(), sizeof(T)));
  return v;
}

bool UnsignedLess(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  });
}

TEST(ParquetWriterTest, StatisticsMatchIndependentComputation) {
  TempDir dir;
  const std::string path = dir.File("stats.parquet");
  SchemaPtr schema = MakeSchema({{"i32", DataType::Int32()},
                                 {"i64", DataType::Int64()},
                                 {"d", DataType::Double()},
                                 {"f", DataType::Float()},
                                 {"s", DataType::String()},
                                 {"b", DataType::Bool()},
                                 {"li", DataType::List(TypeId::kInt64)}});
  const ::tessera::testing::RandomTestParams params(42, 1000);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  const int kRows = params.iterations, kGroup = 300;
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < kRows; ++i) {
    const bool null = rng() % 5 == 0;
    std::string s(rng() % 4, 'a');
    for (char& ch : s) ch = static_cast<char>(rng() % 256);  // bytes >= 0x80 test unsigned order
    const double d =
        rng() % 10 == 0 ? kNaN : (rng() % 2 ? -0.0 : static_cast<double>(rng() % 1000) - 500);
    const DataType li = DataType::List(TypeId::kInt64);
    rows.push_back(
        {null ? Value::Null(DataType::Int32()) : Value::Int32(static_cast<int32_t>(rng())),
         null ? Value::Null(DataType::Int64()) : Value::Int64(static_cast<int64_t>(rng())),
         null ? Value::Null(DataType::Double()) : Value::Double(d),
         Value::Float(i < kGroup ? std::numeric_limits<float>::quiet_NaN() : 1.0f),
         null ? Value::Null(DataType::String()) : Value::String(s),
         null ? Value::Null(DataType::Bool()) : Value::Bool(rng() % 2),
         rng() % 3 == 0 ? Value::Null(li)
                        : Value::List(li, {Value::Int64(static_cast<int64_t>(rng() % 100) - 50),
                                           Value::Null(DataType::Int64())})});
  }
  WriteOptions o;
  o.row_group_size = kGroup;
  auto batch = MakeBatch(schema, rows);
  ASSERT_TRUE(WriteParquetFile(path, schema, {batch}, o).ok());
  FileMetaData md = ReadFooter(path);
  ASSERT_EQ(md.row_groups.size(), static_cast<size_t>((kRows + kGroup - 1) / kGroup));
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const int begin = static_cast<int>(g) * kGroup, end = std::min(kRows, begin + kGroup);
    auto stats = [&](int c) {
      return *md.row_groups[g].columns[static_cast<size_t>(c)].meta_data->statistics;
    };
    // Integers: signed order.
    int64_t nulls = 0, lo32 = INT32_MAX, hi32 = INT32_MIN, lo64 = INT64_MAX, hi64 = INT64_MIN;
    double lod = INFINITY, hid = -INFINITY;
    std::optional<std::string> los, his;
    int64_t list_nulls = 0, lol = INT64_MAX, hil = INT64_MIN;
    for (int i = begin; i < end; ++i) {
      const auto& r = rows[static_cast<size_t>(i)];
      if (r[0].is_null()) {
        ++nulls;
      } else {
        lo32 = std::min(lo32, r[0].int_value());
        hi32 = std::max(hi32, r[0].int_value());
        lo64 = std::min(lo64, r[1].int_value());
        hi64 = std::max(hi64, r[1].int_value());
        if (!std::isnan(r[2].double_value())) {
          lod = std::min(lod, r[2].double_value());
          hid = std::max(hid, r[2].double_value());
        }
        const std::string& s = r[4].string_value();
        if (!los || UnsignedLess(s, *los)) los = s;
        if (!his || UnsignedLess(*his, s)) his = s;
      }
      if (r[6].is_null()) {
        ++list_nulls;
      } else {
        list_nulls += 1;  // the null element
        lol = std::min(lol, r[6].list_value()[0].int_value());
        hil = std::max(hil, r[6].list_value()[0].int_value());
      }
    }
    EXPECT_EQ(stats(0).null_count, nulls);
    EXPECT_EQ(DecodeBound<int32_t>(*stats(0).min_value), lo32);
    EXPECT_EQ(DecodeBound<int32_t>(*stats(0).max_value), hi32);
    EXPECT_EQ(DecodeBound<int64_t>(*stats(1).min_value), lo64);
    EXPECT_EQ(DecodeBound<int64_t>(*stats(1).max_value), hi64);
    // Doubles: NaN skipped; a zero bound is -0.0 as min and +0.0 as max.
    const double got_lo = DecodeBound<double>(*stats(2).min_value);
    const double got_hi = DecodeBound<double>(*stats(2).max_value);
    EXPECT_EQ(got_lo, lod);
    EXPECT_EQ(got_hi, hid);
    if (lod == 0) {
      EXPECT_TRUE(std::signbit(got_lo));
    }
    if (hid == 0) {
      EXPECT_FALSE(std::signbit(got_hi));
    }
    // Floats: the first group holds only NaN, so it has no bounds.
    if (g == 0) {
      EXPECT_FALSE(stats(3).min_value.has_value());
      EXPECT_EQ(stats(3).null_count, 0);
    } else {
      EXPECT_EQ(DecodeBound<float>(*stats(3).min_value), 1.0f);
    }
    // Strings: unsigned byte-wise order.
    EXPECT_EQ(stats(4).null_count, nulls);
    EXPECT_EQ(*stats(4).min_value, *los);
    EXPECT_EQ(*stats(4).max_value, *his);
    EXPECT_EQ(stats(5).null_count, nulls);
    // Lists: bounds over elements, nulls = level entries without a value.
    EXPECT_EQ(stats(6).null_count, list_nulls);
    EXPECT_EQ(DecodeBound<int64_t>(*stats(6).min_value), lol);
    EXPECT_EQ(DecodeBound<int64_t>(*stats(6).max_value), hil);
  }
}

// -0.0 survives the round trip bit for bit, and the zero bounds follow the
// specification (parquet.thrift, Statistics: "if the min is +0, the row
// group may contain -0 values as well"): a zero min is written as -0.0 and a
// zero max as +0.0, whichever zeros the group holds. The expected bounds are
// spelled as IEEE-754 little-endian bytes, not computed by the writer's code.
TEST(ParquetWriterTest, NegativeZeroRoundTripsAndZeroBoundsFollowTheSpec) {
  TempDir dir;
  const std::string path = dir.File("zeros.parquet");
  SchemaPtr schema = MakeSchema({{"d", DataType::Double()}, {"f", DataType::Float()}});
  const std::string kNegZero64("\0\0\0\0\0\0\0\x80", 8), kPosZero64(8, '\0');
  const std::string kNegZero32("\0\0\0\x80", 4), kPosZero32(4, '\0');
  // One row group each (row_group_size 2).
  const std::vector<std::vector<double>> groups = {
      {-0.0, 0.0},   // both zeros
      {-0.0, -0.0},  // only -0.0: the max must still be +0.0
      {0.0, 0.0},    // only +0.0: the min must still be -0.0
  };
  std::vector<std::vector<Value>> rows;
  for (const auto& g : groups) {
    for (double v : g) rows.push_back({Value::Double(v), Value::Float(static_cast<float>(v))});
  }
  WriteOptions o;
  o.row_group_size = 2;
  ASSERT_TRUE(WriteParquetFile(path, schema, {MakeBatch(schema, rows)}, o).ok());
  FileMetaData md = ReadFooter(path);
  ASSERT_EQ(md.row_groups.size(), groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    SCOPED_TRACE("row group " + std::to_string(g));
    const Statistics& d = *md.row_groups[g].columns[0].meta_data->statistics;
    const Statistics& f = *md.row_groups[g].columns[1].meta_data->statistics;
    EXPECT_EQ(d.min_value, kNegZero64);
    EXPECT_EQ(d.max_value, kPosZero64);
    EXPECT_EQ(f.min_value, kNegZero32);
    EXPECT_EQ(f.max_value, kPosZero32);
  }
  auto read = ReadParquetFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  size_t row = 0;
  for (const auto& batch : *read) {
    for (int64_t r = 0; r < batch->num_rows(); ++r, ++row) {
      ASSERT_LT(row, rows.size());
      const bool negative = std::signbit(rows[row][0].double_value());
      EXPECT_EQ(std::signbit(batch->column(0)->GetDouble(r)), negative) << "row " << row;
      EXPECT_EQ(std::signbit(batch->column(1)->GetFloat(r)), negative) << "row " << row;
    }
  }
  EXPECT_EQ(row, rows.size());
}

// ---- crash safety ----

TEST(ParquetWriterTest, DestroyedWithoutCloseLeavesNoFile) {
  TempDir dir;
  const std::string path = dir.File("t.parquet");
  SchemaPtr schema = AllTypesSchema();
  {
    WriteOptions o;
    o.row_group_size = 10;
    auto w = ParquetWriter::Open(path, schema, o);
    ASSERT_TRUE(w.ok());
    for (const auto& b : AllTypesBatches(schema, 100, 30)) ASSERT_TRUE((*w)->Write(*b).ok());
    EXPECT_EQ(dir.Entries().size(), 1u);  // the temporary file
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  EXPECT_TRUE(dir.Entries().empty());
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ParquetWriterTest, FailingWriteLeavesOldFileUntouched) {
  TempDir dir;
  const std::string path = dir.File("t.parquet");
  WriteText(path, "old contents");
  // The file-size limit makes write(2) fail with EFBIG: a real I/O error.
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status st;
  {
    SchemaPtr schema = MakeSchema({{"s", DataType::String()}});
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 20000; ++i)
      rows.push_back({Value::String(std::to_string(i * 7919) + "abcdefgh")});
    WriteOptions o;
    o.codec = Codec::kUncompressed;
    o.dictionary = false;
    o.row_group_size = 1000;
    auto w = ParquetWriter::Open(path, schema, o);
    ASSERT_TRUE(w.ok());
    st = (*w)->Write(*MakeBatch(schema, rows));
    if (st.ok()) st = (*w)->Close();
    EXPECT_FALSE((*w)->Close().ok());  // the failure is sticky
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_EQ(testing::ReadFileBytes(path), "old contents");
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"t.parquet"});
}

TEST(ParquetWriterTest, FailedRenameRemovesTemporaryFile) {
  TempDir dir;
  const std::string path = dir.File("occupied");
  std::filesystem::create_directory(path);
  WriteText(path + "/keep", "x");
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64()}});
  Status st = WriteParquetFile(path, schema, {MakeBatch(schema, {{Value::Int64(1)}})});
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"occupied"});
  EXPECT_EQ(testing::ReadFileBytes(path + "/keep"), "x");
}

TEST(ParquetWriterTest, SuccessfulCloseReplacesOldFile) {
  TempDir dir;
  const std::string path = dir.File("t.parquet");
  WriteText(path, "old contents");
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64()}});
  auto batch = MakeBatch(schema, {{Value::Int64(7)}, {Value::Null(DataType::Int64())}});
  ASSERT_TRUE(WriteParquetFile(path, schema, {batch}).ok());
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"t.parquet"});
  ExpectSameRows(schema, {batch}, ReadBack(path));
}

TEST(ParquetWriterTest, OpenInMissingFolderFails) {
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64()}});
  Status st = ParquetWriter::Open("/nonexistent-dir-tessera/x.parquet", schema).status();
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  const std::string prefix = "cannot create '/nonexistent-dir-tessera/x.parquet.tmp-";
  EXPECT_EQ(st.message().substr(0, prefix.size()), prefix);
  EXPECT_TRUE(st.message().ends_with("': No such file or directory")) << st.message();
}

}  // namespace
}  // namespace tessera::parquet
