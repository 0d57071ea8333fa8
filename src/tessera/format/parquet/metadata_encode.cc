// Encoding of the Parquet metadata structs (metadata.h) in the Thrift compact
// protocol. Fields go out in increasing id order, required ones always,
// optional ones when set, so the bytes are what parquet.thrift's own
// generated code would accept (DuckDB, Spark, pyarrow).
#include <string>
#include <type_traits>
#include <vector>

#include "tessera/format/parquet/metadata.h"
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
  WriteOptionalBinary(w, 1, s.max);
  WriteOptionalBinary(w, 2, s.min);
  WriteOptionalI64(w, 3, s.null_count);
  WriteOptionalI64(w, 4, s.distinct_count);
  WriteOptionalBinary(w, 5, s.max_value);
  WriteOptionalBinary(w, 6, s.min_value);
  WriteOptionalBool(w, 7, s.is_max_value_exact);
  WriteOptionalBool(w, 8, s.is_min_value_exact);
  WriteOptionalI64(w, 9, s.nan_count);
  w.EndStruct();
}

void Encode(CompactWriter& w, const LogicalType& t) {
  w.BeginStruct();
  w.BeginStructField(static_cast<int16_t>(t.kind));
  switch (t.kind) {
    case LogicalType::kDecimal:
      w.WriteI32Field(1, t.scale);
      w.WriteI32Field(2, t.precision);
      break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      // TimeType / TimestampType {1 isAdjustedToUTC, 2 unit: TimeUnit union}.
      w.WriteBoolField(1, t.is_adjusted_to_utc);
      w.BeginStructField(2);
      WriteEmptyStructField(w, static_cast<int16_t>(t.unit));
      w.EndStruct();
      break;
    case LogicalType::kInteger:
      w.WriteI8Field(1, t.bit_width);
      w.WriteBoolField(2, t.is_signed);
      break;
    default: break;  // members without fields, or unknown ones kept by id
  }
  w.EndStruct();
  w.EndStruct();
}

void Encode(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.WriteI32Field(1, Wire(*e.type));
  WriteOptionalI32(w, 2, e.type_length);
  if (e.repetition) w.WriteI32Field(3, Wire(*e.repetition));
  w.WriteBinaryField(4, e.name);
  WriteOptionalI32(w, 5, e.num_children);
  if (e.converted_type) w.WriteI32Field(6, Wire(*e.converted_type));
  WriteOptionalI32(w, 7, e.scale);
  WriteOptionalI32(w, 8, e.precision);
  WriteOptionalI32(w, 9, e.field_id);
  if (e.logical_type) {
    w.WriteFieldHeader(10, CType::kStruct);
    Encode(w, *e.logical_type);
  }
  w.EndStruct();
}

void Encode(CompactWriter& w, const KeyValue& kv) {
  w.BeginStruct();
  w.WriteBinaryField(1, kv.key);
  WriteOptionalBinary(w, 2, kv.value);
  w.EndStruct();
}

void Encode(CompactWriter& w, const PageEncodingStats& s) {
  w.BeginStruct();
  w.WriteI32Field(1, Wire(s.page_type));
  w.WriteI32Field(2, Wire(s.encoding));
  w.WriteI32Field(3, s.count);
  w.EndStruct();
}

void Encode(CompactWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.WriteI32Field(1, Wire(m.type));
  w.BeginListField(2, CType::kI32, static_cast<int32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w.WriteI32(Wire(e));
  w.BeginListField(3, CType::kBinary, static_cast<int32_t>(m.path_in_schema.size()));
  for (const std::string& part : m.path_in_schema) w.WriteBinary(part);
  w.WriteI32Field(4, Wire(m.codec));
  w.WriteI64Field(5, m.num_values);
  w.WriteI64Field(6, m.total_uncompressed_size);
  w.WriteI64Field(7, m.total_compressed_size);
  WriteStructList(w, 8, m.key_value_metadata,
                  [](CompactWriter& cw, const KeyValue& kv) { Encode(cw, kv); });
  w.WriteI64Field(9, m.data_page_offset);
  WriteOptionalI64(w, 10, m.index_page_offset);
  WriteOptionalI64(w, 11, m.dictionary_page_offset);
  if (m.statistics) {
    w.WriteFieldHeader(12, CType::kStruct);
    Encode(w, *m.statistics);
  }
  WriteStructList(w, 13, m.encoding_stats,
                  [](CompactWriter& cw, const PageEncodingStats& s) { Encode(cw, s); });
  WriteOptionalI64(w, 14, m.bloom_filter_offset);
  WriteOptionalI32(w, 15, m.bloom_filter_length);
  w.EndStruct();
}

void Encode(CompactWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  WriteOptionalBinary(w, 1, c.file_path);
  w.WriteI64Field(2, c.file_offset);
  if (c.meta_data) {
    w.WriteFieldHeader(3, CType::kStruct);
    Encode(w, *c.meta_data);
  }
  WriteOptionalI64(w, 4, c.offset_index_offset);
  WriteOptionalI32(w, 5, c.offset_index_length);
  WriteOptionalI64(w, 6, c.column_index_offset);
  WriteOptionalI32(w, 7, c.column_index_length);
  w.EndStruct();
}

void Encode(CompactWriter& w, const SortingColumn& s) {
  w.BeginStruct();
  w.WriteI32Field(1, s.column_idx);
  w.WriteBoolField(2, s.descending);
  w.WriteBoolField(3, s.nulls_first);
  w.EndStruct();
}

void Encode(CompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  // `columns` is required, so it is written even when empty.
  w.BeginListField(1, CType::kStruct, static_cast<int32_t>(g.columns.size()));
  for (const ColumnChunk& c : g.columns) Encode(w, c);
  w.WriteI64Field(2, g.total_byte_size);
  w.WriteI64Field(3, g.num_rows);
  WriteStructList(w, 4, g.sorting_columns,
                  [](CompactWriter& cw, const SortingColumn& s) { Encode(cw, s); });
  WriteOptionalI64(w, 5, g.file_offset);
  WriteOptionalI64(w, 6, g.total_compressed_size);
  if (g.ordinal) w.WriteI16Field(7, *g.ordinal);
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
    WriteStructList(w, 7, md.column_orders,
                    [](CompactWriter& cw, const ColumnOrder& o) { Encode(cw, o); });
    return;
  }
  const int32_t leaves = CountLeaves(md.schema);
  if (leaves == 0) return;
  w.BeginListField(7, CType::kStruct, leaves);
  for (int32_t i = 0; i < leaves; ++i) Encode(w, ColumnOrder{});
}

void Encode(CompactWriter& w, const FileMetaData& md) {
  w.BeginStruct();
  w.WriteI32Field(1, md.version);
  w.BeginListField(2, CType::kStruct, static_cast<int32_t>(md.schema.size()));
  for (const SchemaElement& e : md.schema) Encode(w, e);
  w.WriteI64Field(3, md.num_rows);
  w.BeginListField(4, CType::kStruct, static_cast<int32_t>(md.row_groups.size()));
  for (const RowGroup& g : md.row_groups) Encode(w, g);
  WriteStructList(w, 5, md.key_value_metadata,
                  [](CompactWriter& cw, const KeyValue& kv) { Encode(cw, kv); });
  WriteOptionalBinary(w, 6, md.created_by);
  EncodeColumnOrders(w, md);
  w.EndStruct();
}

void Encode(CompactWriter& w, const DataPageHeader& h) {
  w.BeginStruct();
  w.WriteI32Field(1, h.num_values);
  w.WriteI32Field(2, Wire(h.encoding));
  w.WriteI32Field(3, Wire(h.definition_level_encoding));
  w.WriteI32Field(4, Wire(h.repetition_level_encoding));
  if (h.statistics) {
    w.WriteFieldHeader(5, CType::kStruct);
    Encode(w, *h.statistics);
  }
  w.EndStruct();
}

void Encode(CompactWriter& w, const DictionaryPageHeader& h) {
  w.BeginStruct();
  w.WriteI32Field(1, h.num_values);
  w.WriteI32Field(2, Wire(h.encoding));
  WriteOptionalBool(w, 3, h.is_sorted);
  w.EndStruct();
}

void Encode(CompactWriter& w, const DataPageHeaderV2& h) {
  w.BeginStruct();
  w.WriteI32Field(1, h.num_values);
  w.WriteI32Field(2, h.num_nulls);
  w.WriteI32Field(3, h.num_rows);
  w.WriteI32Field(4, Wire(h.encoding));
  w.WriteI32Field(5, h.definition_levels_byte_length);
  w.WriteI32Field(6, h.repetition_levels_byte_length);
  w.WriteBoolField(7, h.is_compressed);
  if (h.statistics) {
    w.WriteFieldHeader(8, CType::kStruct);
    Encode(w, *h.statistics);
  }
  w.EndStruct();
}

void Encode(CompactWriter& w, const PageHeader& h) {
  w.BeginStruct();
  w.WriteI32Field(1, Wire(h.type));
  w.WriteI32Field(2, h.uncompressed_page_size);
  w.WriteI32Field(3, h.compressed_page_size);
  WriteOptionalI32(w, 4, h.crc);
  if (h.data_page_header) {
    w.WriteFieldHeader(5, CType::kStruct);
    Encode(w, *h.data_page_header);
  }
  if (h.dictionary_page_header) {
    w.WriteFieldHeader(7, CType::kStruct);
    Encode(w, *h.dictionary_page_header);
  }
  if (h.data_page_header_v2) {
    w.WriteFieldHeader(8, CType::kStruct);
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
