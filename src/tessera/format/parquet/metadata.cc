// Names of the Parquet enums and annotations, as parquet-format spells them,
// for messages and the CLI: the one place they are spelled. Values outside
// the enums (newer files) name themselves rather than failing.
#include "tessera/format/parquet/metadata.h"

#include <iterator>

namespace tessera::parquet {

namespace {

std::string TimeName(const char* kind, const LogicalType& t) {
  return std::string(kind) + "(" + (t.unit_known ? TimeUnitName(t.unit) : "UNKNOWN") +
         (t.is_adjusted_to_utc ? ",utc" : ",local") + ")";
}

}  // namespace

const char* TypeName(Type t) {
  switch (t) {
    case Type::kBoolean: return "BOOLEAN";
    case Type::kInt32: return "INT32";
    case Type::kInt64: return "INT64";
    case Type::kInt96: return "INT96";
    case Type::kFloat: return "FLOAT";
    case Type::kDouble: return "DOUBLE";
    case Type::kByteArray: return "BYTE_ARRAY";
    case Type::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

const char* CodecName(Codec c) {
  switch (c) {
    case Codec::kUncompressed: return "UNCOMPRESSED";
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kLzo: return "LZO";
    case Codec::kBrotli: return "BROTLI";
    case Codec::kLz4: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

const char* PageTypeName(PageType t) {
  switch (t) {
    case PageType::kDataPage: return "DATA_PAGE";
    case PageType::kIndexPage: return "INDEX_PAGE";
    case PageType::kDictionaryPage: return "DICTIONARY_PAGE";
    case PageType::kDataPageV2: return "DATA_PAGE_V2";
  }
  return "UNKNOWN";
}

const char* TimeUnitName(TimeUnit u) {
  switch (u) {
    case TimeUnit::kMillis: return "MILLIS";
    case TimeUnit::kMicros: return "MICROS";
    case TimeUnit::kNanos: return "NANOS";
  }
  return "UNKNOWN";
}

const char* RepetitionName(const std::optional<Repetition>& r) {
  if (!r) return "required";
  switch (*r) {
    case Repetition::kRequired: return "required";
    case Repetition::kOptional: return "optional";
    case Repetition::kRepeated: return "repeated";
  }
  return "unknown";
}

std::string PhysicalTypeName(const SchemaElement& e) {
  if (!e.type) return "GROUP";
  std::string name = TypeName(*e.type);
  if (*e.type == Type::kFixedLenByteArray && e.type_length) {
    name += "(" + std::to_string(*e.type_length) + ")";
  }
  return name;
}

std::string LogicalTypeName(const LogicalType& t) {
  switch (t.kind) {
    case LogicalType::kString: return "STRING";
    case LogicalType::kMap: return "MAP";
    case LogicalType::kList: return "LIST";
    case LogicalType::kEnum: return "ENUM";
    case LogicalType::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case LogicalType::kDate: return "DATE";
    case LogicalType::kTime: return TimeName("TIME", t);
    case LogicalType::kTimestamp: return TimeName("TIMESTAMP", t);
    case LogicalType::kInteger:
      return "INTEGER(" + std::to_string(t.bit_width) + (t.is_signed ? ",signed)" : ",unsigned)");
    case LogicalType::kUnknown: return "UNKNOWN";
    case LogicalType::kJson: return "JSON";
    case LogicalType::kBson: return "BSON";
    case LogicalType::kUuid: return "UUID";
    case LogicalType::kFloat16: return "FLOAT16";
    case LogicalType::kVariant: return "VARIANT";
    case LogicalType::kGeometry: return "GEOMETRY";
    case LogicalType::kGeography: return "GEOGRAPHY";
  }
  return "LOGICAL(" + std::to_string(t.kind) + ")";
}

std::string ConvertedTypeName(ConvertedType t) {
  static constexpr const char* kNames[] = {"UTF8",
                                           "MAP",
                                           "MAP_KEY_VALUE",
                                           "LIST",
                                           "ENUM",
                                           "DECIMAL",
                                           "DATE",
                                           "TIME_MILLIS",
                                           "TIME_MICROS",
                                           "TIMESTAMP_MILLIS",
                                           "TIMESTAMP_MICROS",
                                           "UINT_8",
                                           "UINT_16",
                                           "UINT_32",
                                           "UINT_64",
                                           "INT_8",
                                           "INT_16",
                                           "INT_32",
                                           "INT_64",
                                           "JSON",
                                           "BSON",
                                           "INTERVAL"};
  auto i = static_cast<size_t>(t);
  if (i < std::size(kNames)) return kNames[i];
  return "CONVERTED(" + std::to_string(static_cast<int32_t>(t)) + ")";
}

}  // namespace tessera::parquet
