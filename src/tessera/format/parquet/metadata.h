// The Parquet file metadata that Tessera reads and writes, as plain structs:
// the subset of parquet.thrift (apache/parquet-format) a flat-schema reader
// and writer need. The Thrift field ids are in metadata_ids.h, one enum per
// struct shared by the decoder and the encoder. Fields a file
// may omit are std::optional; unknown Thrift fields are skipped on decode
// (see thrift.h), which is how newer writers stay readable.
//
// Decoding never trusts the input: counts and lengths are checked against
// the bytes available, and a malformed structure is a Corruption status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/result.h"

namespace tessera::parquet {

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated Hadoop framing
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// ConvertedType (legacy annotations), field 6 of SchemaElement.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class TimeUnit : int32_t { kMillis = 1, kMicros = 2, kNanos = 3 };

// LogicalType union (SchemaElement field 10). `kind` is the union's field id:
// 1 STRING, 2 MAP, 3 LIST, 4 ENUM, 5 DECIMAL, 6 DATE, 7 TIME, 8 TIMESTAMP,
// 10 INTEGER, 11 UNKNOWN(null), 12 JSON, 13 BSON, 14 UUID, 15 FLOAT16; other
// ids are kept as their number so the reader can report them unsupported.
struct LogicalType {
  enum Kind : int32_t {
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kVariant = 16,
    kGeometry = 17,
    kGeography = 18,
  };
  int32_t kind = 0;
  // DECIMAL
  int32_t scale = 0;
  int32_t precision = 0;
  // TIME / TIMESTAMP
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMicros;  // 0 if unknown unit: see unit_known
  bool unit_known = true;
  // INTEGER
  int8_t bit_width = 0;
  bool is_signed = true;

  friend bool operator==(const LogicalType&, const LogicalType&) = default;
};

struct SchemaElement {
  std::optional<Type> type;  // 1; absent for groups
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition;
  std::string name;  // required
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;

  friend bool operator==(const SchemaElement&, const SchemaElement&) = default;
};

struct Statistics {
  std::optional<std::string> max;  // deprecated, signed order
  std::optional<std::string> min;  // deprecated
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;  // FLOAT/DOUBLE/FLOAT16 only

  friend bool operator==(const Statistics&, const Statistics&) = default;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;

  friend bool operator==(const PageEncodingStats&, const PageEncodingStats&) = default;
};

struct ColumnMetaData {
  Type type = Type::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::vector<KeyValue> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;

  friend bool operator==(const ColumnMetaData&, const ColumnMetaData&) = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  bool has_crypto_metadata = false;  // encrypted column

  friend bool operator==(const ColumnChunk&, const ColumnChunk&) = default;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;

  friend bool operator==(const SortingColumn&, const SortingColumn&) = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::vector<SortingColumn> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  friend bool operator==(const RowGroup&, const RowGroup&) = default;
};

// ColumnOrder union: 1 TYPE_ORDER (the only one Tessera writes).
struct ColumnOrder {
  int32_t kind = 1;

  friend bool operator==(const ColumnOrder&, const ColumnOrder&) = default;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first, [0] = root
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  std::vector<ColumnOrder> column_orders;
  bool has_encryption_algorithm = false;

  friend bool operator==(const FileMetaData&, const FileMetaData&) = default;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;

  friend bool operator==(const DataPageHeader&, const DataPageHeader&) = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;

  friend bool operator==(const DictionaryPageHeader&, const DictionaryPageHeader&) = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;  // default true
  std::optional<Statistics> statistics;

  friend bool operator==(const DataPageHeaderV2&, const DataPageHeaderV2&) = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  friend bool operator==(const PageHeader&, const PageHeader&) = default;
};

// Decodes FileMetaData from the footer bytes (Thrift compact protocol).
// Bytes after the FileMetaData struct are ignored (an encrypted file's
// plaintext footer is followed by its signature). A required field missing
// or of the wrong type is a Corruption status naming the struct and field.
// Enum values outside the enums above are kept as their number: deciding
// whether they are usable is the reader's job.
Result<FileMetaData> DecodeFileMetaData(const uint8_t* data, size_t size);
// Appends the compact-protocol encoding of `md` to `out`. When
// md.column_orders is empty, one TYPE_ORDER entry per leaf column is written
// (readers such as DuckDB use min_value/max_value only when a column order
// is present). has_crypto_metadata and has_encryption_algorithm are not
// written: Tessera does not write encrypted files.
void EncodeFileMetaData(const FileMetaData& md, std::string* out);

// Decodes one PageHeader at the start of [data, data + size); on success
// `*header_size` is the number of bytes the header took.
Result<PageHeader> DecodePageHeader(const uint8_t* data, size_t size, size_t* header_size);
void EncodePageHeader(const PageHeader& header, std::string* out);

// Names as parquet-format spells them, for messages and `tessera schema`
// (metadata.cc; the only place Parquet names are spelled). Values outside
// the enums (newer files) name themselves ("UNKNOWN", "LOGICAL(17)").
const char* TypeName(Type t);
const char* EncodingName(Encoding e);
const char* CodecName(Codec c);
const char* PageTypeName(PageType t);
const char* TimeUnitName(TimeUnit u);
// "required" | "optional" | "repeated"; absent is "required" (the spec's default).
const char* RepetitionName(const std::optional<Repetition>& r);
// "INT64", "FIXED_LEN_BYTE_ARRAY(16)"; "GROUP" for an element without a type.
std::string PhysicalTypeName(const SchemaElement& e);
// "STRING", "DECIMAL(10,2)", "TIMESTAMP(MICROS,utc)", "INTEGER(16,unsigned)".
std::string LogicalTypeName(const LogicalType& t);
// "UTF8", "TIMESTAMP_MICROS"; "CONVERTED(99)" for values past the enum.
std::string ConvertedTypeName(ConvertedType t);

}  // namespace tessera::parquet
