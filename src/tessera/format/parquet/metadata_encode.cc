// Encoding of the Parquet metadata structs (metadata.h) in the Thrift compact
// protocol. Fields go out in increasing id order, required ones always,
// optional ones when set, so the bytes are what parquet.thrift's own
// generated code would accept (DuckDB, Spark, pyarrow).
#include <string>
#include <type_traits>
#include <vector>

#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/metadata_ids.h"
#include "tessera/format/parquet/thrift.h"

namespace tessera::parquet {
namespace {

using thrift::CompactWriter;
using thrift::CType;

template <typename E>
int32_t Wire(E e) {
  static_assert(std::is_enum_v<E>);
  return static_cast<int32_t>(e);
}

void WriteOptionalI32(CompactWriter& w, int16_t id, const std::optional<int32_t>& v) {
  if (v) w.WriteI32Field(id, *v);
}
void WriteOptionalI64(CompactWriter& w, int16_t id, const std::optional<int64_t>& v) {
  if (v) w.WriteI64Field(id, *v);
}
void WriteOptionalBinary(CompactWriter& w, int16_t id, const std::optional<std::string>& v) {
  if (v) w.WriteBinaryField(id, *v);
}
void WriteOptionalBool(CompactWriter& w, int16_t id, const std::optional<bool>& v) {
  if (v) w.WriteBoolField(id, *v);
}

// A list<struct> field, each element written by `encode`; nothing when empty
// (every list Tessera writes that may be empty is optional).
template <typename T, typename Fn>
void WriteStructList(CompactWriter& w, int16_t id, const std::vector<T>& items, Fn&& encode) {
  if (items.empty()) return;
  w.BeginListField(id, CType::kStruct, static_cast<int32_t>(items.size()));
  for (const T& item : items) encode(w, item);
}

// An empty struct as a field: how unions name members without payload.
void WriteEmptyStructField(CompactWriter& w, int16_t id) {
  w.BeginStructField(id);
  w.EndStruct();
}

void Encode(CompactWriter& w, const Statistics& s) {
  w.BeginStruct();
  WriteOptionalBinary(w, StatisticsId::kMax, s.max);
  WriteOptionalBinary(w, StatisticsId::kMin, s.min);
  WriteOptionalI64(w, StatisticsId::kNullCount, s.null_count);
  WriteOptionalI64(w, StatisticsId::kDistinctCount, s.distinct_count);
  WriteOptionalBinary(w, StatisticsId::kMaxValue, s.max_value);
  WriteOptionalBinary(w, StatisticsId::kMinValue, s.min_value);
  WriteOptionalBool(w, StatisticsId::kIsMaxValueExact, s.is_max_value_exact);
  WriteOptionalBool(w, StatisticsId::kIsMinValueExact, s.is_min_value_exact);
  WriteOptionalI64(w, StatisticsId::kNanCount, s.nan_count);
  w.EndStruct();
}

void Encode(CompactWriter& w, const LogicalType& t) {
  w.BeginStruct();
  w.BeginStructField(static_cast<int16_t>(t.kind));
  switch (t.kind) {
    case LogicalType::kDecimal:
      w.WriteI32Field(DecimalTypeId::kScale, t.scale);
      w.WriteI32Field(DecimalTypeId::kPrecision, t.precision);
      break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      // TimeType / TimestampType {1 isAdjustedToUTC, 2 unit: TimeUnit union}.
      w.WriteBoolField(TimeTypeId::kIsAdjustedToUtc, t.is_adjusted_to_utc);
      w.BeginStructField(TimeTypeId::kUnit);
      WriteEmptyStructField(w, static_cast<int16_t>(t.unit));
      w.EndStruct();
      break;
    case LogicalType::kInteger:
      w.WriteI8Field(IntTypeId::kBitWidth, t.bit_width);
      w.WriteBoolField(IntTypeId::kIsSigned, t.is_signed);
      break;
    default: break;  // members without fields, or unknown ones kept by id
  }
  w.EndStruct();
  w.EndStruct();
}

void Encode(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.WriteI32Field(SchemaElementId::kType, Wire(*e.type));
  WriteOptionalI32(w, SchemaElementId::kTypeLength, e.type_length);
  if (e.repetition) w.WriteI32Field(SchemaElementId::kRepetitionType, Wire(*e.repetition));
  w.WriteBinaryField(SchemaElementId::kName, e.name);
  WriteOptionalI32(w, SchemaElementId::kNumChildren, e.num_children);
  if (e.converted_type) w.WriteI32Field(SchemaElementId::kConvertedType, Wire(*e.converted_type));
  WriteOptionalI32(w, SchemaElementId::kScale, e.scale);
  WriteOptionalI32(w, SchemaElementId::kPrecision, e.precision);
  WriteOptionalI32(w, SchemaElementId::kFieldId, e.field_id);
  if (e.logical_type) {
    w.WriteFieldHeader(SchemaElementId::kLogicalType, CType::kStruct);
    Encode(w, *e.logical_type);
  }
  w.EndStruct();
}

void Encode(CompactWriter& w, const KeyValue& kv) {
  w.BeginStruct();
  w.WriteBinaryField(KeyValueId::kKey, kv.key);
  WriteOptionalBinary(w, KeyValueId::kValue, kv.value);
  w.EndStruct();
}

void Encode(CompactWriter& w, const PageEncodingStats& s) {
  w.BeginStruct();
  w.WriteI32Field(PageEncodingStatsId::kPageType, Wire(s.page_type));
  w.WriteI32Field(PageEncodingStatsId::kEncoding, Wire(s.encoding));
  w.WriteI32Field(PageEncodingStatsId::kCount, s.count);
  w.EndStruct();
}

void Encode(CompactWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.WriteI32Field(ColumnMetaDataId::kType, Wire(m.type));
  w.BeginListField(ColumnMetaDataId::kEncodings, CType::kI32,
                   static_cast<int32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w.WriteI32(Wire(e));
  w.BeginListField(ColumnMetaDataId::kPathInSchema, CType::kBinary,
                   static_cast<int32_t>(m.path_in_schema.size()));
  for (const std::string& part : m.path_in_schema) w.WriteBinary(part);
  w.WriteI32Field(ColumnMetaDataId::kCodec, Wire(m.codec));
  w.WriteI64Field(ColumnMetaDataId::kNumValues, m.num_values);
  w.WriteI64Field(ColumnMetaDataId::kTotalUncompressedSize, m.total_uncompressed_size);
  w.WriteI64Field(ColumnMetaDataId::kTotalCompressedSize, m.total_compressed_size);
  WriteStructList(w, ColumnMetaDataId::kKeyValueMetadata, m.key_value_metadata,
                  [](CompactWriter& cw, const KeyValue& kv) { Encode(cw, kv); });
  w.WriteI64Field(ColumnMetaDataId::kDataPageOffset, m.data_page_offset);
  WriteOptionalI64(w, ColumnMetaDataId::kIndexPageOffset, m.index_page_offset);
  WriteOptionalI64(w, ColumnMetaDataId::kDictionaryPageOffset, m.dictionary_page_offset);
  if (m.statistics) {
    w.WriteFieldHeader(ColumnMetaDataId::kStatistics, CType::kStruct);
    Encode(w, *m.statistics);
  }
  WriteStructList(w, ColumnMetaDataId::kEncodingStats, m.encoding_stats,
                  [](CompactWriter& cw, const PageEncodingStats& s) { Encode(cw, s); });
  WriteOptionalI64(w, ColumnMetaDataId::kBloomFilterOffset, m.bloom_filter_offset);
  WriteOptionalI32(w, ColumnMetaDataId::kBloomFilterLength, m.bloom_filter_length);
  w.EndStruct();
}

void Encode(CompactWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  WriteOptionalBinary(w, ColumnChunkId::kFilePath, c.file_path);
  w.WriteI64Field(ColumnChunkId::kFileOffset, c.file_offset);
  if (c.meta_data) {
    w.WriteFieldHeader(ColumnChunkId::kMetaData, CType::kStruct);
    Encode(w, *c.meta_data);
  }
  WriteOptionalI64(w, ColumnChunkId::kOffsetIndexOffset, c.offset_index_offset);
  WriteOptionalI32(w, ColumnChunkId::kOffsetIndexLength, c.offset_index_length);
  WriteOptionalI64(w, ColumnChunkId::kColumnIndexOffset, c.column_index_offset);
  WriteOptionalI32(w, ColumnChunkId::kColumnIndexLength, c.column_index_length);
  w.EndStruct();
}

void Encode(CompactWriter& w, const SortingColumn& s) {
  w.BeginStruct();
  w.WriteI32Field(SortingColumnId::kColumnIdx, s.column_idx);
  w.WriteBoolField(SortingColumnId::kDescending, s.descending);
  w.WriteBoolField(SortingColumnId::kNullsFirst, s.nulls_first);
  w.EndStruct();
}

void Encode(CompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  // `columns` is required, so it is written even when empty.
  w.BeginListField(RowGroupId::kColumns, CType::kStruct, static_cast<int32_t>(g.columns.size()));
  for (const ColumnChunk& c : g.columns) Encode(w, c);
  w.WriteI64Field(RowGroupId::kTotalByteSize, g.total_byte_size);
  w.WriteI64Field(RowGroupId::kNumRows, g.num_rows);
  WriteStructList(w, RowGroupId::kSortingColumns, g.sorting_columns,
                  [](CompactWriter& cw, const SortingColumn& s) { Encode(cw, s); });
  WriteOptionalI64(w, RowGroupId::kFileOffset, g.file_offset);
  WriteOptionalI64(w, RowGroupId::kTotalCompressedSize, g.total_compressed_size);
  if (g.ordinal) w.WriteI16Field(RowGroupId::kOrdinal, *g.ordinal);
  w.EndStruct();
}

void Encode(CompactWriter& w, const ColumnOrder& o) {
  w.BeginStruct();
  WriteEmptyStructField(w, static_cast<int16_t>(o.kind));
  w.EndStruct();
}

// Leaves are the schema elements without children (element 0 is the root).
int32_t CountLeaves(const std::vector<SchemaElement>& schema) {
  int32_t leaves = 0;
  for (size_t i = 1; i < schema.size(); ++i) {
    if (schema[i].num_children.value_or(0) == 0) ++leaves;
  }
  return leaves;
}

void EncodeColumnOrders(CompactWriter& w, const FileMetaData& md) {
  if (!md.column_orders.empty()) {
    WriteStructList(w, FileMetaDataId::kColumnOrders, md.column_orders,
                    [](CompactWriter& cw, const ColumnOrder& o) { Encode(cw, o); });
    return;
  }
  const int32_t leaves = CountLeaves(md.schema);
  if (leaves == 0) return;
  w.BeginListField(FileMetaDataId::kColumnOrders, CType::kStruct, leaves);
  for (int32_t i = 0; i < leaves; ++i) Encode(w, ColumnOrder{});
}

void Encode(CompactWriter& w, const FileMetaData& md) {
  w.BeginStruct();
  w.WriteI32Field(FileMetaDataId::kVersion, md.version);
  w.BeginListField(FileMetaDataId::kSchema, CType::kStruct, static_cast<int32_t>(md.schema.size()));
  for (const SchemaElement& e : md.schema) Encode(w, e);
  w.WriteI64Field(FileMetaDataId::kNumRows, md.num_rows);
  w.BeginListField(FileMetaDataId::kRowGroups, CType::kStruct,
                   static_cast<int32_t>(md.row_groups.size()));
  for (const RowGroup& g : md.row_groups) Encode(w, g);
  WriteStructList(w, FileMetaDataId::kKeyValueMetadata, md.key_value_metadata,
                  [](CompactWriter& cw, const KeyValue& kv) { Encode(cw, kv); });
  WriteOptionalBinary(w, FileMetaDataId::kCreatedBy, md.created_by);
  EncodeColumnOrders(w, md);
  w.EndStruct();
}

void Encode(CompactWriter& w, const DataPageHeader& h) {
  w.BeginStruct();
  w.WriteI32Field(DataPageHeaderId::kNumValues, h.num_values);
  w.WriteI32Field(DataPageHeaderId::kEncoding, Wire(h.encoding));
  w.WriteI32Field(DataPageHeaderId::kDefinitionLevelEncoding, Wire(h.definition_level_encoding));
  w.WriteI32Field(DataPageHeaderId::kRepetitionLevelEncoding, Wire(h.repetition_level_encoding));
  if (h.statistics) {
    w.WriteFieldHeader(DataPageHeaderId::kStatistics, CType::kStruct);
    Encode(w, *h.statistics);
  }
  w.EndStruct();
}

void Encode(CompactWriter& w, const DictionaryPageHeader& h) {
  w.BeginStruct();
  w.WriteI32Field(DictionaryPageHeaderId::kNumValues, h.num_values);
  w.WriteI32Field(DictionaryPageHeaderId::kEncoding, Wire(h.encoding));
  WriteOptionalBool(w, DictionaryPageHeaderId::kIsSorted, h.is_sorted);
  w.EndStruct();
}

void Encode(CompactWriter& w, const DataPageHeaderV2& h) {
  w.BeginStruct();
  w.WriteI32Field(DataPageHeaderV2Id::kNumValues, h.num_values);
  w.WriteI32Field(DataPageHeaderV2Id::kNumNulls, h.num_nulls);
  w.WriteI32Field(DataPageHeaderV2Id::kNumRows, h.num_rows);
  w.WriteI32Field(DataPageHeaderV2Id::kEncoding, Wire(h.encoding));
  w.WriteI32Field(DataPageHeaderV2Id::kDefinitionLevelsByteLength, h.definition_levels_byte_length);
  w.WriteI32Field(DataPageHeaderV2Id::kRepetitionLevelsByteLength, h.repetition_levels_byte_length);
  w.WriteBoolField(DataPageHeaderV2Id::kIsCompressed, h.is_compressed);
  if (h.statistics) {
    w.WriteFieldHeader(DataPageHeaderV2Id::kStatistics, CType::kStruct);
    Encode(w, *h.statistics);
  }
  w.EndStruct();
}

void Encode(CompactWriter& w, const PageHeader& h) {
  w.BeginStruct();
  w.WriteI32Field(PageHeaderId::kType, Wire(h.type));
  w.WriteI32Field(PageHeaderId::kUncompressedPageSize, h.uncompressed_page_size);
  w.WriteI32Field(PageHeaderId::kCompressedPageSize, h.compressed_page_size);
  WriteOptionalI32(w, PageHeaderId::kCrc, h.crc);
  if (h.data_page_header) {
    w.WriteFieldHeader(PageHeaderId::kDataPageHeader, CType::kStruct);
    Encode(w, *h.data_page_header);
  }
  if (h.dictionary_page_header) {
    w.WriteFieldHeader(PageHeaderId::kDictionaryPageHeader, CType::kStruct);
    Encode(w, *h.dictionary_page_header);
  }
  if (h.data_page_header_v2) {
    w.WriteFieldHeader(PageHeaderId::kDataPageHeaderV2, CType::kStruct);
    Encode(w, *h.data_page_header_v2);
  }
  w.EndStruct();
}

}  // namespace

void EncodeFileMetaData(const FileMetaData& md, std::string* out) {
  CompactWriter writer(out);
  Encode(writer, md);
}

void EncodePageHeader(const PageHeader& header, std::string* out) {
  CompactWriter writer(out);
  Encode(writer, header);
}

}  // namespace tessera::parquet
