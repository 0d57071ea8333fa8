// The Thrift field ids of the Parquet metadata structs (parquet.thrift,
// apache/parquet-format), one enum per struct, written once here and used by
// both the decoder (metadata_decode.cc) and the encoder
// (metadata_encode.cc), so the two cannot disagree. Union member ids
// (LogicalType, TimeUnit, ColumnOrder) are the `kind` constants of
// metadata.h.
//
// Each enum sits in a struct so that its names are scoped
// (StatisticsId::kMax) yet convert to the int16_t the Thrift codec takes.
#pragma once

#include <cstdint>

namespace tessera::parquet {

struct StatisticsId {
  enum : int16_t {
    kMax = 1,  // deprecated, signed order
    kMin = 2,
    kNullCount = 3,
    kDistinctCount = 4,
    kMaxValue = 5,
    kMinValue = 6,
    kIsMaxValueExact = 7,
    kIsMinValueExact = 8,
    kNanCount = 9,
  };
};

// TimestampType and TimeType share their fields.
struct TimeTypeId {
  enum : int16_t { kIsAdjustedToUtc = 1, kUnit = 2 };
};

struct DecimalTypeId {
  enum : int16_t { kScale = 1, kPrecision = 2 };
};

struct IntTypeId {
  enum : int16_t { kBitWidth = 1, kIsSigned = 2 };
};

struct SchemaElementId {
  enum : int16_t {
    kType = 1,
    kTypeLength = 2,
    kRepetitionType = 3,
    kName = 4,
    kNumChildren = 5,
    kConvertedType = 6,
    kScale = 7,
    kPrecision = 8,
    kFieldId = 9,
    kLogicalType = 10,
  };
};

struct KeyValueId {
  enum : int16_t { kKey = 1, kValue = 2 };
};

struct PageEncodingStatsId {
  enum : int16_t { kPageType = 1, kEncoding = 2, kCount = 3 };
};

struct ColumnMetaDataId {
  enum : int16_t {
    kType = 1,
    kEncodings = 2,
    kPathInSchema = 3,
    kCodec = 4,
    kNumValues = 5,
    kTotalUncompressedSize = 6,
    kTotalCompressedSize = 7,
    kKeyValueMetadata = 8,
    kDataPageOffset = 9,
    kIndexPageOffset = 10,
    kDictionaryPageOffset = 11,
    kStatistics = 12,
    kEncodingStats = 13,
    kBloomFilterOffset = 14,
    kBloomFilterLength = 15,
  };
};

struct ColumnChunkId {
  enum : int16_t {
    kFilePath = 1,
    kFileOffset = 2,
    kMetaData = 3,
    kOffsetIndexOffset = 4,
    kOffsetIndexLength = 5,
    kColumnIndexOffset = 6,
    kColumnIndexLength = 7,
    kCryptoMetadata = 8,
  };
};

struct SortingColumnId {
  enum : int16_t { kColumnIdx = 1, kDescending = 2, kNullsFirst = 3 };
};

struct RowGroupId {
  enum : int16_t {
    kColumns = 1,
    kTotalByteSize = 2,
    kNumRows = 3,
    kSortingColumns = 4,
    kFileOffset = 5,
    kTotalCompressedSize = 6,
    kOrdinal = 7,
  };
};

struct FileMetaDataId {
  enum : int16_t {
    kVersion = 1,
    kSchema = 2,
    kNumRows = 3,
    kRowGroups = 4,
    kKeyValueMetadata = 5,
    kCreatedBy = 6,
    kColumnOrders = 7,
    kEncryptionAlgorithm = 8,
  };
};

struct DataPageHeaderId {
  enum : int16_t {
    kNumValues = 1,
    kEncoding = 2,
    kDefinitionLevelEncoding = 3,
    kRepetitionLevelEncoding = 4,
    kStatistics = 5,
  };
};

struct DictionaryPageHeaderId {
  enum : int16_t { kNumValues = 1, kEncoding = 2, kIsSorted = 3 };
};

struct DataPageHeaderV2Id {
  enum : int16_t {
    kNumValues = 1,
    kNumNulls = 2,
    kNumRows = 3,
    kEncoding = 4,
    kDefinitionLevelsByteLength = 5,
    kRepetitionLevelsByteLength = 6,
    kIsCompressed = 7,
    kStatistics = 8,
  };
};

struct PageHeaderId {
  enum : int16_t {
    kType = 1,
    kUncompressedPageSize = 2,
    kCompressedPageSize = 3,
    kCrc = 4,
    kDataPageHeader = 5,
    kIndexPageHeader = 6,
    kDictionaryPageHeader = 7,
    kDataPageHeaderV2 = 8,
  };
};

}  // namespace tessera::parquet
