// The Parquet file metadata that Tessera reads and writes, as plain structs:
// the subset of parquet.thrift (apache/parquet-format) a flat-schema reader
// and writer need. Field comments give the Thrift field ids. Fields a file
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
  std::optional<Type> type;                     // 1; absent for groups
  std::optional<int32_t> type_length;           // 2
  std::optional<Repetition> repetition;         // 3
  std::string name;                             // 4 (required)
  std::optional<int32_t> num_children;          // 5
  std::optional<ConvertedType> converted_type;  // 6
  std::optional<int32_t> scale;                 // 7
  std::optional<int32_t> precision;             // 8
  std::optional<int32_t> field_id;              // 9
  std::optional<LogicalType> logical_type;      // 10

  friend bool operator==(const SchemaElement&, const SchemaElement&) = default;
};

struct Statistics {
  std::optional<std::string> max;          // 1 (deprecated, signed order)
  std::optional<std::string> min;          // 2 (deprecated)
  std::optional<int64_t> null_count;       // 3
  std::optional<int64_t> distinct_count;   // 4
  std::optional<std::string> max_value;    // 5
  std::optional<std::string> min_value;    // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
  std::optional<int64_t> nan_count;        // 9 (FLOAT/DOUBLE/FLOAT16 only)

  friend bool operator==(const Statistics&, const Statistics&) = default;
};

struct KeyValue {
  std::string key;                   // 1
  std::optional<std::string> value;  // 2

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;  // 1
  Encoding encoding = Encoding::kPlain;      // 2
  int32_t count = 0;                         // 3

  friend bool operator==(const PageEncodingStats&, const PageEncodingStats&) = default;
};

struct ColumnMetaData {
  Type type = Type::kInt32;                       // 1
  std::vector<Encoding> encodings;                // 2
  std::vector<std::string> path_in_schema;        // 3
  Codec codec = Codec::kUncompressed;             // 4
  int64_t num_values = 0;                         // 5
  int64_t total_uncompressed_size = 0;            // 6
  int64_t total_compressed_size = 0;              // 7
  std::vector<KeyValue> key_value_metadata;       // 8
  int64_t data_page_offset = 0;                   // 9
  std::optional<int64_t> index_page_offset;       // 10
  std::optional<int64_t> dictionary_page_offset;  // 11
  std::optional<Statistics> statistics;           // 12
  std::vector<PageEncodingStats> encoding_stats;  // 13
  std::optional<int64_t> bloom_filter_offset;     // 14
  std::optional<int32_t> bloom_filter_length;     // 15

  friend bool operator==(const ColumnMetaData&, const ColumnMetaData&) = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;        // 1
  int64_t file_offset = 0;                     // 2
  std::optional<ColumnMetaData> meta_data;     // 3
  std::optional<int64_t> offset_index_offset;  // 4
  std::optional<int32_t> offset_index_length;  // 5
  std::optional<int64_t> column_index_offset;  // 6
  std::optional<int32_t> column_index_length;  // 7
  bool has_crypto_metadata = false;            // 8 present (encrypted column)

  friend bool operator==(const ColumnChunk&, const ColumnChunk&) = default;
};

struct SortingColumn {
  int32_t column_idx = 0;    // 1
  bool descending = false;   // 2
  bool nulls_first = false;  // 3

  friend bool operator==(const SortingColumn&, const SortingColumn&) = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1
  int64_t total_byte_size = 0;                   // 2
  int64_t num_rows = 0;                          // 3
  std::vector<SortingColumn> sorting_columns;    // 4
  std::optional<int64_t> file_offset;            // 5
  std::optional<int64_t> total_compressed_size;  // 6
  std::optional<int16_t> ordinal;                // 7

  friend bool operator==(const RowGroup&, const RowGroup&) = default;
};

// ColumnOrder union: 1 TYPE_ORDER (the only one Tessera writes).
struct ColumnOrder {
  int32_t kind = 1;

  friend bool operator==(const ColumnOrder&, const ColumnOrder&) = default;
};

struct FileMetaData {
  int32_t version = 1;                       // 1
  std::vector<SchemaElement> schema;         // 2 (depth-first, [0] = root)
  int64_t num_rows = 0;                      // 3
  std::vector<RowGroup> row_groups;          // 4
  std::vector<KeyValue> key_value_metadata;  // 5
  std::optional<std::string> created_by;     // 6
  std::vector<ColumnOrder> column_orders;    // 7
  bool has_encryption_algorithm = false;     // 8 present

  friend bool operator==(const FileMetaData&, const FileMetaData&) = default;
};

struct DataPageHeader {
  int32_t num_values = 0;                               // 1
  Encoding encoding = Encoding::kPlain;                 // 2
  Encoding definition_level_encoding = Encoding::kRle;  // 3
  Encoding repetition_level_encoding = Encoding::kRle;  // 4
  std::optional<Statistics> statistics;                 // 5

  friend bool operator==(const DataPageHeader&, const DataPageHeader&) = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;                // 1
  Encoding encoding = Encoding::kPlain;  // 2
  std::optional<bool> is_sorted;         // 3

  friend bool operator==(const DictionaryPageHeader&, const DictionaryPageHeader&) = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::kPlain;       // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  bool is_compressed = true;                  // 7 (default true)
  std::optional<Statistics> statistics;       // 8

  friend bool operator==(const DataPageHeaderV2&, const DataPageHeaderV2&) = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;                         // 1
  int32_t uncompressed_page_size = 0;                          // 2
  int32_t compressed_page_size = 0;                            // 3
  std::optional<int32_t> crc;                                  // 4
  std::optional<DataPageHeader> data_page_header;              // 5
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2;         // 8

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

const char* TypeName(Type t);
const char* EncodingName(Encoding e);
const char* CodecName(Codec c);
const char* PageTypeName(PageType t);

}  // namespace tessera::parquet
