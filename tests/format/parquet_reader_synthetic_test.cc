// ParquetReader on small files assembled here page by page (with the
// metadata encoder), for type conversions no testdata file exercises
// (TIMESTAMP MILLIS/NANOS, unsigned, DATE, TIME, wide DECIMAL) and for
// precise hostile cases (lying page sizes, dictionary index out of range,
// CRC mismatch).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/format/parquet/compression.h"
#include "tessera/format/parquet/reader.h"

namespace tessera::parquet {
namespace {

namespace fs = std::filesystem;

struct TestPage {
  PageHeader header;
  std::string body;
};

template <typename T>
std::string Plain(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

TestPage DataPage(int32_t num_values, std::string body, Encoding enc = Encoding::kPlain) {
  TestPage p;
  p.header.type = PageType::kDataPage;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.header.data_page_header = DataPageHeader{};
  p.header.data_page_header->num_values = num_values;
  p.header.data_page_header->encoding = enc;
  p.body = std::move(body);
  return p;
}

TestPage DictPage(int32_t num_values, std::string body) {
  TestPage p;
  p.header.type = PageType::kDictionaryPage;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.header.dictionary_page_header = DictionaryPageHeader{};
  p.header.dictionary_page_header->num_values = num_values;
  p.body = std::move(body);
  return p;
}

class SyntheticFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("tessera_synth_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".parquet"))
                .string();
  }
  void TearDown() override { fs::remove(path_); }

  // One required (or `rep`) column "x" described by `leaf`, of `rows` rows.
  void Write(SchemaElement leaf, int64_t rows, const std::vector<TestPage>& pages) {
    std::string data = "PAR1";
    ColumnMetaData meta;
    meta.type = *leaf.type;
    meta.path_in_schema = {"x"};
    meta.codec = Codec::kUncompressed;
    meta.num_values = rows;
    meta.data_page_offset = 4;
    for (const TestPage& p : pages) {
      EncodePageHeader(p.header, &data);
      data += p.body;
    }
    meta.total_compressed_size = meta.total_uncompressed_size =
        static_cast<int64_t>(data.size()) - 4;
    FileMetaData md;
    SchemaElement root;
    root.name = "schema";
    root.num_children = 1;
    leaf.name = "x";
    if (!leaf.repetition) leaf.repetition = Repetition::kRequired;
    md.schema = {root, leaf};
    md.num_rows = rows;
    RowGroup rg;
    rg.num_rows = rows;
    ColumnChunk chunk;
    chunk.meta_data = meta;
    rg.columns = {chunk};
    md.row_groups = {rg};
    std::string footer;
    EncodeFileMetaData(md, &footer);
    uint32_t len = static_cast<uint32_t>(footer.size());
    data += footer;
    data.append(reinterpret_cast<const char*>(&len), 4);
    data += "PAR1";
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << data;
  }

  Result<ArrayPtr> ReadColumn() {
    TS_ASSIGN_OR_RETURN(std::vector<RecordBatchPtr> batches, ReadParquetFile(path_));
    if (batches.size() != 1) return Status::Internal("expected one batch");
    return batches[0]->column(0);
  }

  std::string path_;
};

SchemaElement Leaf(Type type, int kind = 0) {
  SchemaElement e;
  e.type = type;
  if (kind != 0) {
    e.logical_type = LogicalType{};
    e.logical_type->kind = kind;
  }
  return e;
}

TEST_F(SyntheticFileTest, TimestampNanosFloorsToMicros) {
  SchemaElement e = Leaf(Type::kInt64, LogicalType::kTimestamp);
  e.logical_type->unit = TimeUnit::kNanos;
  Write(e, 3, {DataPage(3, Plain<int64_t>({-1, 1500, -1001}))});
  auto a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), DataType::Timestamp());
  EXPECT_EQ((*a)->GetInt64(0), -1);
  EXPECT_EQ((*a)->GetInt64(1), 1);
  EXPECT_EQ((*a)->GetInt64(2), -2);
}

TEST_F(SyntheticFileTest, TimestampMillisDateAndTime) {
  SchemaElement e = Leaf(Type::kInt64);
  e.converted_type = ConvertedType::kTimestampMillis;  // legacy: UTC-adjusted
  Write(e, 2, {DataPage(2, Plain<int64_t>({1, -2}))});
  auto a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->GetInt64(0), 1000);
  EXPECT_EQ((*a)->GetInt64(1), -2000);

  Write(Leaf(Type::kInt32, LogicalType::kDate), 2, {DataPage(2, Plain<int32_t>({1, -1}))});
  a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), DataType::Timestamp());
  EXPECT_EQ((*a)->GetInt64(0), 86400LL * 1000000);
  EXPECT_EQ((*a)->GetInt64(1), -86400LL * 1000000);

  e = Leaf(Type::kInt32, LogicalType::kTime);
  e.logical_type->unit = TimeUnit::kMillis;
  Write(e, 1, {DataPage(1, Plain<int32_t>({1500}))});
  a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), DataType::Int64());
  EXPECT_EQ((*a)->GetInt64(0), 1500000);
}

TEST_F(SyntheticFileTest, UnsignedIntegers) {
  SchemaElement e = Leaf(Type::kInt32);
  e.converted_type = ConvertedType::kUint32;
  Write(e, 1, {DataPage(1, Plain<int32_t>({-1}))});
  auto a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), DataType::Int64());
  EXPECT_EQ((*a)->GetInt64(0), 4294967295LL);

  e = Leaf(Type::kInt64, LogicalType::kInteger);
  e.logical_type->bit_width = 64;
  e.logical_type->is_signed = false;
  Write(e, 2, {DataPage(2, Plain<int64_t>({5, -1}))});
  a = ReadColumn();
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().IsInvalid()) << a.status().ToString();
  EXPECT_NE(a.status().message().find("column 'x'"), std::string::npos);
  EXPECT_NE(a.status().message().find(path_), std::string::npos);
}

TEST_F(SyntheticFileTest, WideDecimalIsAnExactString) {
  SchemaElement e = Leaf(Type::kFixedLenByteArray, LogicalType::kDecimal);
  e.type_length = 9;
  e.logical_type->precision = 20;
  e.logical_type->scale = 2;
  std::string body(18, '\0');
  body[8] = 0x05;                                                      // 5 -> 0.05
  for (int i = 9; i < 18; ++i) body[static_cast<size_t>(i)] = '\xff';  // -1 -> -0.01
  Write(e, 2, {DataPage(2, body)});
  auto a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), DataType::String());
  EXPECT_EQ((*a)->GetView(0), "0.05");
  EXPECT_EQ((*a)->GetView(1), "-0.01");
}

TEST_F(SyntheticFileTest, DictionaryIndexOutOfRange) {
  std::string indices;
  indices.push_back(2);  // bit width
  indices.push_back(2);  // RLE run of 1 value
  indices.push_back(3);  // index 3 of a 2-entry dictionary
  Write(Leaf(Type::kInt32), 1,
        {DictPage(2, Plain<int32_t>({7, 8})), DataPage(1, indices, Encoding::kRleDictionary)});
  auto a = ReadColumn();
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().IsCorruption()) << a.status().ToString();
  EXPECT_NE(a.status().message().find("page 1: dictionary index 3"), std::string::npos)
      << a.status().ToString();
  indices[2] = 1;
  Write(Leaf(Type::kInt32), 1,
        {DictPage(2, Plain<int32_t>({7, 8})), DataPage(1, indices, Encoding::kRleDictionary)});
  a = ReadColumn();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->GetInt32(0), 8);
}

TEST_F(SyntheticFileTest, CrcMismatchNamesFileColumnAndPage) {
  TestPage p = DataPage(2, Plain<int32_t>({1, 2}));
  p.header.crc = static_cast<int32_t>(
      Crc32(reinterpret_cast<const uint8_t*>(p.body.data()), static_cast<int64_t>(p.body.size())));
  Write(Leaf(Type::kInt32), 2, {p});
  ASSERT_TRUE(ReadColumn().ok());
  p.header.crc = *p.header.crc ^ 1;
  Write(Leaf(Type::kInt32), 2, {p});
  auto a = ReadColumn();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "file '" + path_ + "': column 'x': page 0: CRC mismatch");
}

TEST_F(SyntheticFileTest, LyingPageSizesAndCounts) {
  TestPage p = DataPage(2, Plain<int32_t>({1, 2}));
  p.header.compressed_page_size = 1 << 20;  // beyond the chunk and the file
  Write(Leaf(Type::kInt32), 2, {p});
  EXPECT_TRUE(ReadColumn().status().IsCorruption());

  p = DataPage(2, Plain<int32_t>({1, 2}));
  p.header.uncompressed_page_size = INT32_MAX;  // absurd: rejected before allocating
  Write(Leaf(Type::kInt32), 2, {p});
  EXPECT_TRUE(ReadColumn().status().IsCorruption());

  p = DataPage(3, Plain<int32_t>({1, 2}));  // claims 3 values, holds 2
  Write(Leaf(Type::kInt32), 3, {p});
  EXPECT_TRUE(ReadColumn().status().IsCorruption());

  p = DataPage(5, Plain<int32_t>({1, 2, 3, 4, 5}));  // more than the row group's 2 rows
  Write(Leaf(Type::kInt32), 2, {p});
  EXPECT_TRUE(ReadColumn().status().IsCorruption());

  p = DataPage(1, Plain<int32_t>({1}));  // chunk ends before its values do
  Write(Leaf(Type::kInt32), 2, {p});
  EXPECT_TRUE(ReadColumn().status().IsCorruption());
}

}  // namespace
}  // namespace tessera::parquet
