// Tests of the Parquet metadata codec: round trips of every struct, byte
// sequences written by hand from parquet.thrift and the compact-protocol
// spec, hostile input, and the footers of files written by DuckDB,
// parquet-mr, pyarrow, Impala and others (../shared/testdata).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/format/parquet/metadata.h"
#include "testdata.h"

namespace tessera::parquet {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
std::string Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

// --------------------------------------------------------------- builders

LogicalType Logical(int32_t kind) {
  LogicalType t;
  t.kind = kind;
  return t;
}

LogicalType Timestamp(bool utc, TimeUnit unit) {
  LogicalType t = Logical(LogicalType::kTimestamp);
  t.is_adjusted_to_utc = utc;
  t.unit = unit;
  return t;
}

SchemaElement Leaf(std::string name, Type type, Repetition rep) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition = rep;
  return e;
}

Statistics FullStatistics() {
  Statistics s;
  s.max = std::string("\x7f\0\0\0", 4);
  s.min = std::string("\0\0\0\x80", 4);
  s.null_count = 0;
  s.distinct_count = 17;
  s.max_value = "zz";
  s.min_value = "";
  s.is_max_value_exact = true;
  s.is_min_value_exact = false;
  s.nan_count = 3;
  return s;
}

// A FileMetaData with every field Tessera models set, most to non-defaults.
FileMetaData FullMetaData() {
  FileMetaData md;
  md.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 9;
  md.schema.push_back(root);
  md.schema.push_back(Leaf("id", Type::kInt64, Repetition::kRequired));
  md.schema.back().field_id = 7;
  md.schema.push_back(Leaf("name", Type::kByteArray, Repetition::kOptional));
  md.schema.back().converted_type = ConvertedType::kUtf8;
  md.schema.back().logical_type = Logical(LogicalType::kString);
  md.schema.push_back(Leaf("ts", Type::kInt64, Repetition::kOptional));
  md.schema.back().converted_type = ConvertedType::kTimestampMicros;
  md.schema.back().logical_type = Timestamp(true, TimeUnit::kMicros);
  md.schema.push_back(Leaf("ts_local_ms", Type::kInt64, Repetition::kOptional));
  md.schema.back().logical_type = Timestamp(false, TimeUnit::kMillis);
  md.schema.push_back(Leaf("ts_ns", Type::kInt64, Repetition::kOptional));
  md.schema.back().logical_type = Timestamp(true, TimeUnit::kNanos);
  md.schema.push_back(Leaf("price", Type::kFixedLenByteArray, Repetition::kOptional));
  md.schema.back().type_length = 9;
  md.schema.back().converted_type = ConvertedType::kDecimal;
  md.schema.back().scale = 4;
  md.schema.back().precision = 20;
  LogicalType dec = Logical(LogicalType::kDecimal);
  dec.scale = 4;
  dec.precision = 20;
  md.schema.back().logical_type = dec;
  md.schema.push_back(Leaf("small", Type::kInt32, Repetition::kOptional));
  LogicalType u8 = Logical(LogicalType::kInteger);
  u8.bit_width = 8;
  u8.is_signed = false;
  md.schema.back().logical_type = u8;
  md.schema.push_back(Leaf("t", Type::kInt32, Repetition::kRequired));
  LogicalType time = Logical(LogicalType::kTime);
  time.is_adjusted_to_utc = true;
  time.unit = TimeUnit::kMillis;
  md.schema.back().logical_type = time;
  md.schema.push_back(Leaf("day", Type::kInt32, Repetition::kRequired));
  md.schema.back().logical_type = Logical(LogicalType::kDate);
  md.num_rows = 3000000000LL;

  ColumnMetaData cmd;
  cmd.type = Type::kInt64;
  cmd.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  cmd.path_in_schema = {"id"};
  cmd.codec = Codec::kZstd;
  cmd.num_values = 1 << 20;
  cmd.total_uncompressed_size = 8 << 20;
  cmd.total_compressed_size = 1 << 20;
  cmd.key_value_metadata = {{"k", "v"}, {"only_key", std::nullopt}};
  cmd.data_page_offset = 1234;
  cmd.index_page_offset = 99;
  cmd.dictionary_page_offset = 4;
  cmd.statistics = FullStatistics();
  cmd.encoding_stats = {{PageType::kDictionaryPage, Encoding::kPlain, 1},
                        {PageType::kDataPage, Encoding::kRleDictionary, 12}};
  cmd.bloom_filter_offset = 5555;
  cmd.bloom_filter_length = 256;
  ColumnChunk chunk;
  chunk.file_path = "part-0.parquet";
  chunk.file_offset = 4;
  chunk.meta_data = cmd;
  chunk.offset_index_offset = 10000;
  chunk.offset_index_length = 40;
  chunk.column_index_offset = 10040;
  chunk.column_index_length = 60;
  RowGroup group;
  group.columns = {chunk, ColumnChunk{}};
  group.total_byte_size = 8 << 20;
  group.num_rows = 1 << 20;
  group.sorting_columns = {{0, false, true}, {3, true, false}};
  group.file_offset = 4;
  group.total_compressed_size = 1 << 20;
  group.ordinal = 0;
  md.row_groups = {group, RowGroup{}};
  md.key_value_metadata = {{"tessera.schema", "{}"}};
  md.created_by = "tessera version 0.1.0";
  md.column_orders = std::vector<ColumnOrder>(9);
  return md;
}

FileMetaData RoundTrip(const FileMetaData& md) {
  std::string bytes;
  EncodeFileMetaData(md, &bytes);
  auto decoded = DecodeFileMetaData(U8(bytes), bytes.size());
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? *decoded : FileMetaData{};
}

// ------------------------------------------------------------ round trips

TEST(ParquetMetadata, FileMetaDataRoundTripsEveryField) {
  const FileMetaData md = FullMetaData();
  const FileMetaData back = RoundTrip(md);
  EXPECT_EQ(back, md);
  // Spot checks, so a broken operator== cannot hide a loss.
  ASSERT_EQ(back.schema.size(), 10u);
  EXPECT_EQ(back.schema[3].logical_type->kind, LogicalType::kTimestamp);
  EXPECT_TRUE(back.schema[3].logical_type->is_adjusted_to_utc);
  EXPECT_EQ(back.schema[5].logical_type->unit, TimeUnit::kNanos);
  EXPECT_EQ(back.schema[6].logical_type->precision, 20);
  EXPECT_EQ(back.schema[7].logical_type->bit_width, 8);
  EXPECT_FALSE(back.schema[7].logical_type->is_signed);
  EXPECT_EQ(back.num_rows, 3000000000LL);
  EXPECT_EQ(back.row_groups[0].columns[0].meta_data->statistics->nan_count, 3);
  EXPECT_EQ(back.row_groups[0].columns[0].meta_data->statistics->min_value, "");
  EXPECT_FALSE(back.row_groups[0].columns[0].meta_data->key_value_metadata[1].value.has_value());
}

TEST(ParquetMetadata, EmptyColumnOrdersAreWrittenAsTypeOrderPerLeaf) {
  FileMetaData md = FullMetaData();
  md.column_orders.clear();
  // A group with children is not a leaf.
  SchemaElement group;
  group.name = "g";
  group.repetition = Repetition::kOptional;
  group.num_children = 1;
  md.schema.push_back(group);
  md.schema.push_back(Leaf("x", Type::kDouble, Repetition::kOptional));
  md.schema[0].num_children = 10;
  const FileMetaData back = RoundTrip(md);
  ASSERT_EQ(back.column_orders.size(), 10u);
  for (const ColumnOrder& o : back.column_orders) EXPECT_EQ(o.kind, 1);
}

TEST(ParquetMetadata, MinimalFileMetaDataRoundTrips) {
  FileMetaData md;
  md.schema.push_back(SchemaElement{});
  md.schema[0].name = "root";
  const FileMetaData back = RoundTrip(md);
  EXPECT_EQ(back, md);
}

TEST(ParquetMetadata, PageHeadersRoundTrip) {
  PageHeader v1;
  v1.type = PageType::kDataPage;
  v1.uncompressed_page_size = 1 << 20;
  v1.compressed_page_size = 12345;
  v1.crc = -123456789;
  v1.data_page_header = DataPageHeader{1000, Encoding::kRleDictionary, Encoding::kRle,
                                       Encoding::kBitPacked, FullStatistics()};
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 10;
  dict.dictionary_page_header = DictionaryPageHeader{3, Encoding::kPlainDictionary, true};
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 100;
  v2.compressed_page_size = 80;
  v2.data_page_header_v2 =
      DataPageHeaderV2{50, 5, 50, Encoding::kDeltaBinaryPacked, 7, 0, false, Statistics{}};
  for (const PageHeader& h : {v1, dict, v2}) {
    std::string bytes;
    EncodePageHeader(h, &bytes);
    const size_t encoded = bytes.size();
    bytes += "page body follows";
    size_t header_size = 0;
    auto back = DecodePageHeader(U8(bytes), bytes.size(), &header_size);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, h);
    EXPECT_EQ(header_size, encoded);
  }
}

// ------------------------------------------------- hand-written byte input

// FileMetaData { 1: version 1, 2: schema [root{name "r", num_children 1},
// {name "ts", type INT64, logicalType TIMESTAMP(UTC, MICROS)}], 3: num_rows
// 5, 4: row_groups [] , 7: column_orders [TYPE_ORDER] }, written by hand.
Bytes HandWrittenFooter() {
  return {
      0x15, 0x02,                          // 1: i32 1
      0x19, 0x2c,                          // 2: list of 2 structs
      0x48, 0x01, 'r',  0x15, 0x02, 0x00,  //   {4: "r", 5: 1}
      0x15, 0x04,                          //   {1: i32 2 (INT64),
      0x38, 0x02, 't',  's',               //    4: "ts",
      0x6c,                                //    10: LogicalType {
      0x8c,                                //      8: TimestampType {
      0x11,                                //        1: true,
      0x1c, 0x2c, 0x00, 0x00,              //        2: TimeUnit { 2: MicroSeconds {} } }
      0x00, 0x00, 0x00,                    //   }}}
      0x16, 0x0a,                          // 3: i64 5
      0x19, 0x0c,                          // 4: empty list of structs
      0x39, 0x1c, 0x1c, 0x00, 0x00,        // 7: [ColumnOrder{1: TypeDefinedOrder{}}]
      0x00,
  };
}

TEST(ParquetMetadata, DecodesHandWrittenFooter) {
  Bytes b = HandWrittenFooter();
  auto md = DecodeFileMetaData(b.data(), b.size());
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->version, 1);
  ASSERT_EQ(md->schema.size(), 2u);
  EXPECT_EQ(md->schema[0].name, "r");
  EXPECT_EQ(md->schema[0].num_children, 1);
  EXPECT_FALSE(md->schema[0].type.has_value());
  EXPECT_EQ(md->schema[1].name, "ts");
  EXPECT_EQ(md->schema[1].type, Type::kInt64);
  ASSERT_TRUE(md->schema[1].logical_type.has_value());
  EXPECT_EQ(md->schema[1].logical_type->kind, LogicalType::kTimestamp);
  EXPECT_TRUE(md->schema[1].logical_type->is_adjusted_to_utc);
  EXPECT_EQ(md->schema[1].logical_type->unit, TimeUnit::kMicros);
  EXPECT_TRUE(md->schema[1].logical_type->unit_known);
  EXPECT_EQ(md->num_rows, 5);
  EXPECT_TRUE(md->row_groups.empty());
  ASSERT_EQ(md->column_orders.size(), 1u);
  EXPECT_EQ(md->column_orders[0].kind, 1);
}

TEST(ParquetMetadata, EncodesHandWrittenFooter) {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "r";
  root.num_children = 1;
  SchemaElement ts;
  ts.name = "ts";
  ts.type = Type::kInt64;
  ts.logical_type = Timestamp(true, TimeUnit::kMicros);
  md.schema = {root, ts};
  md.num_rows = 5;
  std::string out;
  EncodeFileMetaData(md, &out);  // column_orders derived: one leaf
  EXPECT_EQ(out, Str(HandWrittenFooter()));
}

// PageHeader { 1: DATA_PAGE, 2: 100, 3: 50, 5: DataPageHeader { 1: 10,
// 2: PLAIN, 3: RLE, 4: BIT_PACKED, 5: Statistics { 3: null_count 2,
// 5: max_value "\x09", 6: min_value "\x01" } } }.
Bytes HandWrittenPageHeader() {
  return {0x15, 0x00, 0x15, 0xc8, 0x01, 0x15, 0x64, 0x2c, 0x15, 0x14, 0x15, 0x00, 0x15, 0x06,
          0x15, 0x08, 0x1c, 0x36, 0x04, 0x28, 0x01, 0x09, 0x18, 0x01, 0x01, 0x00, 0x00, 0x00};
}

TEST(ParquetMetadata, DecodesHandWrittenPageHeader) {
  Bytes b = HandWrittenPageHeader();
  b.push_back(0xab);  // first byte of the page body
  size_t header_size = 0;
  auto h = DecodePageHeader(b.data(), b.size(), &header_size);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(header_size, b.size() - 1);
  EXPECT_EQ(h->type, PageType::kDataPage);
  EXPECT_EQ(h->uncompressed_page_size, 100);
  EXPECT_EQ(h->compressed_page_size, 50);
  EXPECT_FALSE(h->crc.has_value());
  ASSERT_TRUE(h->data_page_header.has_value());
  EXPECT_EQ(h->data_page_header->num_values, 10);
  EXPECT_EQ(h->data_page_header->encoding, Encoding::kPlain);
  EXPECT_EQ(h->data_page_header->definition_level_encoding, Encoding::kRle);
  EXPECT_EQ(h->data_page_header->repetition_level_encoding, Encoding::kBitPacked);
  ASSERT_TRUE(h->data_page_header->statistics.has_value());
  const Statistics& s = *h->data_page_header->statistics;
  EXPECT_EQ(s.null_count, 2);
  EXPECT_EQ(s.max_value, "\x09");
  EXPECT_EQ(s.min_value, "\x01");
  EXPECT_FALSE(s.max.has_value());

  std::string out;  // and the encoder writes the same bytes
  EncodePageHeader(*h, &out);
  EXPECT_EQ(out, Str(HandWrittenPageHeader()));
}

// Decodes a one-column schema whose leaf carries `logical` (the bytes of a
// LogicalType struct, stop byte included) and returns the decode result.
Result<FileMetaData> DecodeWithLogicalType(const Bytes& logical) {
  Bytes b = {0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'x', 0x6c};
  b.insert(b.end(), logical.begin(), logical.end());
  b.insert(b.end(), {0x00, 0x16, 0x00, 0x19, 0x0c, 0x00});
  return DecodeFileMetaData(b.data(), b.size());
}

TEST(ParquetMetadata, LogicalTypeUnionMembers) {
  struct Case {
    Bytes bytes;
    LogicalType expected;
  };
  LogicalType dec = Logical(LogicalType::kDecimal);
  dec.scale = 2;
  dec.precision = 12;
  LogicalType i16 = Logical(LogicalType::kInteger);
  i16.bit_width = 16;
  i16.is_signed = true;
  LogicalType time_ns = Logical(LogicalType::kTime);
  time_ns.unit = TimeUnit::kNanos;
  LogicalType ts_unknown_unit = Timestamp(false, static_cast<TimeUnit>(0));
  ts_unknown_unit.unit_known = false;
  LogicalType future = Logical(25);
  const std::vector<Case> cases = {
      {{0x1c, 0x00, 0x00}, Logical(LogicalType::kString)},
      {{0x6c, 0x00, 0x00}, Logical(LogicalType::kDate)},
      {{0x5c, 0x15, 0x04, 0x15, 0x18, 0x00, 0x00}, dec},
      {{0xac, 0x13, 0x10, 0x11, 0x00, 0x00}, i16},
      {{0x7c, 0x12, 0x1c, 0x3c, 0x00, 0x00, 0x00, 0x00}, time_ns},
      // TIMESTAMP with a TimeUnit member 9 unknown to this code.
      {{0x8c, 0x12, 0x1c, 0x9c, 0x00, 0x00, 0x00, 0x00}, ts_unknown_unit},
      // A future member 25 (long form: 0x0C, zigzag 50) with a payload.
      {{0x0c, 0x32, 0x15, 0x02, 0x18, 0x01, 'z', 0x00, 0x00}, future},
      // UUID (14), FLOAT16 (15), UNKNOWN/null (11): empty member structs.
      {{0xec, 0x00, 0x00}, Logical(LogicalType::kUuid)},
      {{0xfc, 0x00, 0x00}, Logical(LogicalType::kFloat16)},
      {{0xbc, 0x00, 0x00}, Logical(LogicalType::kUnknown)},
  };
  for (const Case& c : cases) {
    auto md = DecodeWithLogicalType(c.bytes);
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    ASSERT_TRUE(md->schema[0].logical_type.has_value());
    EXPECT_EQ(*md->schema[0].logical_type, c.expected) << "kind " << c.expected.kind;
  }
}

TEST(ParquetMetadata, MalformedUnionsAreCorruption) {
  for (const Bytes& bytes : {Bytes{0x00},                    // no member
                             Bytes{0x1c, 0x00, 0x5c, 0x00},  // STRING and DATE (stop added below)
                             Bytes{0x8c, 0x11, 0x1c, 0x00, 0x00, 0x00}}) {  // TimeUnit empty
    Bytes logical = bytes;
    if (bytes.size() == 4) logical.push_back(0x00);
    auto md = DecodeWithLogicalType(logical);
    ASSERT_FALSE(md.ok());
    EXPECT_TRUE(md.status().IsCorruption()) << md.status().ToString();
    EXPECT_NE(md.status().message().find("union"), std::string::npos) << md.status().ToString();
  }
}

TEST(ParquetMetadata, MissingRequiredFieldsNameStructAndField) {
  // FileMetaData without num_rows (3).
  Bytes no_rows = {0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x29, 0x0c, 0x00};
  auto md = DecodeFileMetaData(no_rows.data(), no_rows.size());
  ASSERT_TRUE(md.status().IsCorruption());
  EXPECT_NE(md.status().message().find("FileMetaData"), std::string::npos);
  EXPECT_NE(md.status().message().find("num_rows"), std::string::npos);
  // A SchemaElement without its name: the message gives the path.
  Bytes no_name = {0x15, 0x02, 0x19, 0x2c, 0x48, 0x01, 'r',  0x00,
                   0x15, 0x02, 0x00, 0x16, 0x00, 0x19, 0x0c, 0x00};
  md = DecodeFileMetaData(no_name.data(), no_name.size());
  ASSERT_TRUE(md.status().IsCorruption());
  EXPECT_NE(md.status().message().find("FileMetaData.schema[1]"), std::string::npos)
      << md.status().ToString();
  EXPECT_NE(md.status().message().find("SchemaElement: required field 'name'"), std::string::npos)
      << md.status().ToString();
  // PageHeader without compressed_page_size; DictionaryPageHeader without encoding.
  Bytes page = {0x15, 0x04, 0x15, 0x02, 0x00};
  size_t header_size = 0;
  auto h = DecodePageHeader(page.data(), page.size(), &header_size);
  ASSERT_TRUE(h.status().IsCorruption());
  EXPECT_NE(h.status().message().find("compressed_page_size"), std::string::npos);
  Bytes dict = {0x15, 0x04, 0x15, 0x02, 0x15, 0x02, 0x4c, 0x15, 0x02, 0x00, 0x00};
  h = DecodePageHeader(dict.data(), dict.size(), &header_size);
  ASSERT_TRUE(h.status().IsCorruption());
  EXPECT_NE(h.status().message().find("PageHeader.dictionary_page_header"), std::string::npos)
      << h.status().ToString();
  EXPECT_NE(h.status().message().find("DictionaryPageHeader: required field 'encoding'"),
            std::string::npos)
      << h.status().ToString();
}

TEST(ParquetMetadata, KnownIdWithAnotherWireTypeIsSkipped) {
  // Some writers reused ids (a parquet-mr fork sent a list as ColumnMetaData
  // field 15): like Thrift's generated code, such a field is skipped. Here
  // the PageHeader's crc (4) comes as a binary and is ignored...
  Bytes crc_as_binary = {0x15, 0x00, 0x15, 0x02, 0x15, 0x02, 0x18, 0x02, 'h', 'i', 0x00};
  size_t header_size = 0;
  auto h = DecodePageHeader(crc_as_binary.data(), crc_as_binary.size(), &header_size);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_FALSE(h->crc.has_value());
  // ...and a required field of the wrong type then counts as missing.
  Bytes type_as_binary = {0x18, 0x00, 0x15, 0x02, 0x15, 0x02, 0x00};
  h = DecodePageHeader(type_as_binary.data(), type_as_binary.size(), &header_size);
  ASSERT_TRUE(h.status().IsCorruption());
  EXPECT_NE(h.status().message().find("'type'"), std::string::npos) << h.status().ToString();
  // A list of the wrong element type is corrupt, not skipped.
  Bytes bad_list = {0x15, 0x02, 0x19, 0x15, 0x02, 0x16, 0x00, 0x19, 0x0c, 0x00};
  auto md = DecodeFileMetaData(bad_list.data(), bad_list.size());
  EXPECT_TRUE(md.status().IsCorruption());
}

// Unknown fields of every type, long-form ids 1000.., each value written by
// hand; inserted before the closing stop of a top-level struct.
Bytes UnknownFieldsOfEveryType() {
  return {
      0x01, 0xd0, 0x0f,                                                  // bool true
      0x02, 0xd2, 0x0f,                                                  // bool false
      0x03, 0xd4, 0x0f, 0x7f,                                            // i8
      0x04, 0xd6, 0x0f, 0x03,                                            // i16
      0x05, 0xd8, 0x0f, 0x80, 0x01,                                      // i32
      0x06, 0xda, 0x0f, 0x01,                                            // i64
      0x07, 0xdc, 0x0f, 0,    0,    0,    0,    0,    0,    0xf0, 0x3f,  // double
      0x08, 0xde, 0x0f, 0x02, 'h',  'i',                                 // binary
      0x09, 0xe0, 0x0f, 0x25, 0x02, 0x04,                                // list<i32>
      0x0a, 0xe2, 0x0f, 0x12, 0x01,                                      // set<bool>
      0x0b, 0xe4, 0x0f, 0x01, 0x85, 0x01, 'a',  0x02,                    // map<binary, i32>
      0x0c, 0xe6, 0x0f, 0x1c, 0x19, 0x1c, 0x00, 0x00, 0x00,              // nested structs and list
      0x0d, 0xe8, 0x0f, 0,    1,    2,    3,    4,    5,    6,    7,
      8,    9,    10,   11,   12,   13,   14,   15,  // uuid
  };
}

Bytes WithUnknownFields(const std::string& encoded) {
  Bytes b(encoded.begin(), encoded.end() - 1);  // drop the stop byte
  Bytes unknown = UnknownFieldsOfEveryType();
  b.insert(b.end(), unknown.begin(), unknown.end());
  b.push_back(0x00);
  return b;
}

TEST(ParquetMetadata, UnknownFieldsOfEveryTypeAreSkipped) {
  const FileMetaData md = FullMetaData();
  std::string encoded;
  EncodeFileMetaData(md, &encoded);
  Bytes b = WithUnknownFields(encoded);
  auto back = DecodeFileMetaData(b.data(), b.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, md);

  Bytes page = WithUnknownFields(Str(HandWrittenPageHeader()));
  size_t header_size = 0;
  auto h = DecodePageHeader(page.data(), page.size(), &header_size);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(header_size, page.size());
  EXPECT_EQ(h->data_page_header->num_values, 10);
}

// ------------------------------------------------------- hostile input

TEST(ParquetMetadata, EveryPrefixOfAFooterFailsCleanly) {
  std::string encoded;
  EncodeFileMetaData(FullMetaData(), &encoded);
  for (size_t n = 0; n < encoded.size(); ++n) {
    auto md = DecodeFileMetaData(U8(encoded), n);
    ASSERT_FALSE(md.ok()) << "prefix " << n;
    EXPECT_TRUE(md.status().IsCorruption()) << md.status().ToString();
  }
  std::string page;
  EncodePageHeader(
      PageHeader{PageType::kDataPage, 10, 10, 7, DataPageHeader{}, std::nullopt, std::nullopt},
      &page);
  for (size_t n = 0; n < page.size(); ++n) {
    size_t header_size = 0;
    EXPECT_TRUE(DecodePageHeader(U8(page), n, &header_size).status().IsCorruption());
  }
}

TEST(ParquetMetadata, HugeListSizesFailWithoutAllocating) {
  // schema: list of 2^31-1 structs in a 12-byte footer.
  Bytes b = {0x15, 0x02, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x00, 0x00};
  auto md = DecodeFileMetaData(b.data(), b.size());
  ASSERT_TRUE(md.status().IsCorruption());
  // encodings: a list of a million i32 in a handful of bytes, deep inside.
  std::string encoded;
  FileMetaData full = FullMetaData();
  full.row_groups[0].columns[0].meta_data->encodings.assign(1000, Encoding::kPlain);
  EncodeFileMetaData(full, &encoded);
  const std::string needle = "\x19\xf5\xe8\x07";  // field 2 list<i32>, size 1000
  size_t at = encoded.find(needle);
  ASSERT_NE(at, std::string::npos);
  encoded.replace(at, needle.size(), "\x19\xf5\xc0\x84\x3d");  // size 1,000,000
  md = DecodeFileMetaData(U8(encoded), encoded.size());
  ASSERT_TRUE(md.status().IsCorruption());
  EXPECT_NE(md.status().message().find("ColumnMetaData.encodings"), std::string::npos)
      << md.status().ToString();
}

TEST(ParquetMetadata, ListsOfTinyStructsHitTheAllocationBudget) {
  // One row group whose 100,000 ColumnChunks are 3 bytes each ({2: i64 0}):
  // 300 KB of input that would decode to ~54 MB of ColumnChunk objects.
  auto footer = [](int chunks) {
    Bytes b = {0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16, 0x00,  // version..num_rows
               0x19, 0x1c,                                                 // row_groups: 1
               0x19, 0xfc};                                                // columns: long form
    for (uint32_t n = static_cast<uint32_t>(chunks);; n >>= 7) {           // varint size
      b.push_back(static_cast<uint8_t>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
      if (n <= 0x7f) break;
    }
    for (int i = 0; i < chunks; ++i) b.insert(b.end(), {0x26, 0x00, 0x00});
    b.insert(b.end(), {0x16, 0x00, 0x16, 0x00, 0x00, 0x00});  // sizes, end row group, end
    return b;
  };
  Bytes big = footer(100000);
  auto md = DecodeFileMetaData(big.data(), big.size());
  ASSERT_TRUE(md.status().IsCorruption());
  EXPECT_NE(md.status().message().find("allocate"), std::string::npos) << md.status().ToString();
  EXPECT_NE(md.status().message().find("RowGroup.columns"), std::string::npos);
  Bytes small = footer(1000);  // within the slack: decodes
  md = DecodeFileMetaData(small.data(), small.size());
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->row_groups[0].columns.size(), 1000u);
}

TEST(ParquetMetadata, DeepNestingInAnUnknownFieldFails) {
  Bytes b = {0x15, 0x02, 0x0c, 0xc8, 0x01};  // version, then unknown field 100: struct
  b.insert(b.end(), 100000, 0x1c);           // 100,000 nested structs
  auto md = DecodeFileMetaData(b.data(), b.size());
  ASSERT_TRUE(md.status().IsCorruption());
  EXPECT_NE(md.status().message().find("nesting"), std::string::npos) << md.status().ToString();
}

// ------------------------------------------------------ files of others

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The FileMetaData bytes of a Parquet file ("PAR1" ... footer len "PAR1").
std::string FooterOf(const std::string& file) {
  if (file.size() < 12) return {};
  uint32_t len = 0;
  for (int i = 0; i < 4; ++i) {
    len |= static_cast<uint32_t>(static_cast<uint8_t>(file[file.size() - 8 + i])) << (8 * i);
  }
  if (len > file.size() - 12) return {};
  return file.substr(file.size() - 8 - len, len);
}

class ParquetMetadataFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_TESTDATA("parquet");
    dir_ = fs::path(tessera::testing::TestDataPath("parquet"));
  }
  FileMetaData Decode(const std::string& relative) {
    const std::string file = ReadFile(dir_ / relative);
    const std::string footer = FooterOf(file);
    EXPECT_FALSE(footer.empty()) << relative;
    auto md = DecodeFileMetaData(U8(footer), footer.size());
    EXPECT_TRUE(md.ok()) << relative << ": " << md.status().ToString();
    return md.ok() ? *md : FileMetaData{};
  }
  fs::path dir_;
};

TEST_F(ParquetMetadataFiles, DuckDbTypesZstd) {
  const FileMetaData md = Decode("duckdb/types_zstd.parquet");
  EXPECT_EQ(md.version, 1);
  EXPECT_EQ(md.num_rows, 1000);
  ASSERT_TRUE(md.created_by.has_value());
  EXPECT_EQ(md.created_by->rfind("DuckDB", 0), 0u);
  // The README asks for 128-row groups, but DuckDB 1.5.6 wrote one group
  // (its row groups are multiples of its 2048-row vectors).
  ASSERT_EQ(md.row_groups.size(), 1u);
  EXPECT_EQ(md.row_groups[0].num_rows, 1000);
  ASSERT_EQ(md.row_groups[0].columns.size(), 13u);
  EXPECT_EQ(md.column_orders.size(), 13u);

  const std::vector<std::string> names = {
      "duckdb_schema", "id",    "b",     "i32", "i64", "f32", "f64",  "s_dict",
      "s_plain",       "ts_us", "ts_tz", "dt",  "dec", "emb", "list", "element"};
  ASSERT_EQ(md.schema.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(md.schema[i].name, names[i]);
  EXPECT_EQ(md.schema[0].num_children, 13);
  EXPECT_EQ(md.schema[1].type, Type::kInt32);
  EXPECT_EQ(md.schema[1].converted_type, ConvertedType::kInt32);
  EXPECT_EQ(md.schema[2].type, Type::kBoolean);
  EXPECT_EQ(md.schema[4].type, Type::kInt64);
  EXPECT_EQ(md.schema[5].type, Type::kFloat);
  // `f64` is a DECIMAL(36,15) in FIXED_LEN_BYTE_ARRAY(16) in this file (the
  // README says double; the footer is the authority).
  EXPECT_EQ(md.schema[6].type, Type::kFixedLenByteArray);
  EXPECT_EQ(md.schema[6].type_length, 16);
  ASSERT_TRUE(md.schema[6].logical_type.has_value());
  EXPECT_EQ(md.schema[6].logical_type->kind, LogicalType::kDecimal);
  EXPECT_EQ(md.schema[6].logical_type->precision, 36);
  EXPECT_EQ(md.schema[6].logical_type->scale, 15);
  for (int i : {7, 8}) {
    EXPECT_EQ(md.schema[i].type, Type::kByteArray);
    EXPECT_EQ(md.schema[i].converted_type, ConvertedType::kUtf8);
  }
  for (int i : {9, 10}) {
    EXPECT_EQ(md.schema[i].type, Type::kInt64);
    EXPECT_EQ(md.schema[i].converted_type, ConvertedType::kTimestampMicros);
    ASSERT_TRUE(md.schema[i].logical_type.has_value());
    EXPECT_EQ(md.schema[i].logical_type->kind, LogicalType::kTimestamp);
    EXPECT_EQ(md.schema[i].logical_type->unit, TimeUnit::kMicros);
    EXPECT_EQ(md.schema[i].logical_type->is_adjusted_to_utc, i == 10);
  }
  EXPECT_EQ(md.schema[11].type, Type::kInt32);
  EXPECT_EQ(md.schema[11].converted_type, ConvertedType::kDate);
  EXPECT_EQ(md.schema[12].type, Type::kInt64);
  EXPECT_EQ(md.schema[12].scale, 2);
  EXPECT_EQ(md.schema[12].precision, 12);
  EXPECT_EQ(md.schema[12].logical_type->kind, LogicalType::kDecimal);
  EXPECT_EQ(md.schema[12].logical_type->scale, 2);
  EXPECT_EQ(md.schema[12].logical_type->precision, 12);
  EXPECT_FALSE(md.schema[13].type.has_value());
  EXPECT_EQ(md.schema[13].converted_type, ConvertedType::kList);
  EXPECT_EQ(md.schema[13].num_children, 1);
  EXPECT_EQ(md.schema[14].repetition, Repetition::kRepeated);
  EXPECT_EQ(md.schema[15].type, Type::kFloat);

  const ColumnMetaData& s_dict = *md.row_groups[0].columns[6].meta_data;
  EXPECT_EQ(s_dict.path_in_schema, std::vector<std::string>{"s_dict"});
  EXPECT_EQ(s_dict.codec, Codec::kZstd);
  EXPECT_EQ(s_dict.encodings, std::vector<Encoding>{Encoding::kPlainDictionary});
  ASSERT_TRUE(s_dict.dictionary_page_offset.has_value());
  const ColumnMetaData& emb = *md.row_groups[0].columns[12].meta_data;
  EXPECT_EQ(emb.path_in_schema, (std::vector<std::string>{"emb", "list", "element"}));
  const ColumnMetaData& id = *md.row_groups[0].columns[0].meta_data;
  ASSERT_TRUE(id.statistics.has_value());
  EXPECT_EQ(id.statistics->null_count, 0);
  // id is 0..999: INT32 PLAIN little-endian bounds.
  EXPECT_EQ(id.statistics->min_value, std::string("\0\0\0\0", 4));
  EXPECT_EQ(id.statistics->max_value, std::string("\xe7\x03\0\0", 4));
}

TEST_F(ParquetMetadataFiles, DuckDbPageHeaders) {
  for (const char* name : {"duckdb/types_zstd.parquet", "duckdb/types_v2pages.parquet"}) {
    const std::string file = ReadFile(dir_ / name);
    const std::string footer = FooterOf(file);
    auto md = DecodeFileMetaData(U8(footer), footer.size());
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    // DuckDB's "v2" file uses the v2 encodings but still v1 page headers.
    const bool v2_encodings = std::string(name).find("v2") != std::string::npos;
    for (const ColumnChunk& chunk : md->row_groups[0].columns) {
      const ColumnMetaData& m = *chunk.meta_data;
      const int64_t offset = m.dictionary_page_offset.value_or(m.data_page_offset);
      ASSERT_LT(static_cast<size_t>(offset), file.size());
      size_t header_size = 0;
      auto h = DecodePageHeader(U8(file) + offset, file.size() - offset, &header_size);
      ASSERT_TRUE(h.ok()) << name << " " << m.path_in_schema[0] << ": " << h.status().ToString();
      EXPECT_GT(header_size, 0u);
      EXPECT_LE(h->compressed_page_size, m.total_compressed_size);
      if (m.dictionary_page_offset) {
        EXPECT_EQ(h->type, PageType::kDictionaryPage);
        EXPECT_TRUE(h->dictionary_page_header.has_value());
      } else {
        EXPECT_EQ(h->type, PageType::kDataPage);
        ASSERT_TRUE(h->data_page_header.has_value());
        EXPECT_GT(h->data_page_header->num_values, 0);
        const std::string& column = m.path_in_schema[0];
        if (v2_encodings && column == "id") {
          EXPECT_EQ(h->data_page_header->encoding, Encoding::kDeltaBinaryPacked);
        }
        if (v2_encodings && column == "f32") {
          EXPECT_EQ(h->data_page_header->encoding, Encoding::kByteStreamSplit);
        }
        if (!v2_encodings) {
          EXPECT_EQ(h->data_page_header->encoding, Encoding::kPlain);
        }
      }
    }
  }
}

TEST_F(ParquetMetadataFiles, AllTypesPlain) {
  const FileMetaData md = Decode("parquet-testing/alltypes_plain.parquet");
  EXPECT_EQ(md.num_rows, 8);
  ASSERT_EQ(md.row_groups.size(), 1u);
  EXPECT_EQ(md.row_groups[0].num_rows, 8);
  const std::vector<std::string> names = {
      "schema",     "id",        "bool_col",   "tinyint_col",     "smallint_col", "int_col",
      "bigint_col", "float_col", "double_col", "date_string_col", "string_col",   "timestamp_col"};
  ASSERT_EQ(md.schema.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(md.schema[i].name, names[i]);
  EXPECT_EQ(md.schema[2].type, Type::kBoolean);
  EXPECT_EQ(md.schema[6].type, Type::kInt64);
  EXPECT_EQ(md.schema[8].type, Type::kDouble);
  EXPECT_EQ(md.schema[10].type, Type::kByteArray);
  EXPECT_FALSE(md.schema[10].converted_type.has_value());  // un-annotated strings
  EXPECT_EQ(md.schema[11].type, Type::kInt96);
  EXPECT_TRUE(md.column_orders.empty());
}

TEST_F(ParquetMetadataFiles, MoreParquetTestingFiles) {
  EXPECT_EQ(Decode("parquet-testing/alltypes_dictionary.parquet").num_rows, 2);
  EXPECT_EQ(Decode("parquet-testing/datapage_v2.snappy.parquet").num_rows, 5);
  const FileMetaData sorted = Decode("parquet-testing/sort_columns.parquet");
  ASSERT_EQ(sorted.row_groups.size(), 2u);
  EXPECT_FALSE(sorted.row_groups[0].sorting_columns.empty());
  const FileMetaData unknown = Decode("parquet-testing/unknown-logical-type.parquet");
  bool found_unknown_kind = false;
  for (const SchemaElement& e : unknown.schema) {
    if (e.logical_type && e.logical_type->kind > LogicalType::kGeography) {
      found_unknown_kind = true;
    }
  }
  EXPECT_TRUE(found_unknown_kind) << "unknown-logical-type.parquet: kind not kept";
  // A parquet-mr fork wrote a list as ColumnMetaData field 15: skipped.
  const FileMetaData fork = Decode("parquet-testing/dict-page-offset-zero.parquet");
  EXPECT_EQ(fork.num_rows, 39);
  EXPECT_FALSE(fork.row_groups[0].columns[0].meta_data->bloom_filter_length.has_value());
  const FileMetaData nans = Decode("parquet-testing/floating_orders_nan_count.parquet");
  bool has_nan_count = false;
  for (const RowGroup& g : nans.row_groups) {
    for (const ColumnChunk& c : g.columns) {
      has_nan_count |= c.meta_data->statistics && c.meta_data->statistics->nan_count;
    }
  }
  EXPECT_TRUE(has_nan_count);
}

// Every file's footer decodes (plaintext footers) or fails cleanly
// (encrypted footers), re-encodes to the same metadata, and none of its
// prefixes decodes.
TEST_F(ParquetMetadataFiles, EveryFooterDecodesAndRoundTrips) {
  int decoded = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || path.find(".parquet") == std::string::npos) continue;
    const std::string file = ReadFile(entry.path());
    if (file.compare(0, 4, "PAR1") != 0) continue;  // e.g. key material .json
    const std::string footer = FooterOf(file);
    const bool encrypted_footer = file.size() >= 4 && file.compare(file.size() - 4, 4, "PARE") == 0;
    auto md = DecodeFileMetaData(U8(footer), footer.size());
    if (encrypted_footer) {
      EXPECT_FALSE(md.ok()) << path;
      continue;
    }
    ASSERT_TRUE(md.ok()) << path << ": " << md.status().ToString();
    ++decoded;
    FileMetaData expected = *md;
    expected.has_encryption_algorithm = false;  // not written by the encoder
    for (RowGroup& g : expected.row_groups) {
      for (ColumnChunk& c : g.columns) c.has_crypto_metadata = false;
    }
    FileMetaData back = RoundTrip(*md);
    if (expected.column_orders.empty()) back.column_orders.clear();  // derived on encode
    EXPECT_EQ(back, expected) << path;
    // A plaintext footer of an encrypted file is followed by its signature,
    // so its prefixes that hold the whole struct decode.
    if (footer.size() < 4096 && !md->has_encryption_algorithm) {
      for (size_t n = 0; n < footer.size(); ++n) {
        ASSERT_FALSE(DecodeFileMetaData(U8(footer), n).ok()) << path << " prefix " << n;
      }
    }
  }
  EXPECT_GT(decoded, 60);
}

}  // namespace
}  // namespace tessera::parquet
