// Decoding of the Parquet metadata structs (metadata.h) from the Thrift
// compact protocol, field by field as parquet.thrift numbers them. Unknown
// fields, and known ids sent with another wire type, are skipped (as
// Thrift's generated code does); a required field not read is a Corruption
// status naming struct and field. Failures inside nested structs and lists
// carry their path: "FileMetaData.row_groups[0]: RowGroup.columns[2]: ...".
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/metadata_ids.h"
#include "tessera/format/parquet/thrift.h"

namespace tessera::parquet {
namespace {

using thrift::CompactReader;
using thrift::CType;
using thrift::FieldHeader;

// One decoder per struct; declared first so the templates below find them.
Status Decode(CompactReader& r, Statistics* out);
Status Decode(CompactReader& r, LogicalType* out);
Status Decode(CompactReader& r, SchemaElement* out);
Status Decode(CompactReader& r, KeyValue* out);
Status Decode(CompactReader& r, PageEncodingStats* out);
Status Decode(CompactReader& r, ColumnMetaData* out);
Status Decode(CompactReader& r, ColumnChunk* out);
Status Decode(CompactReader& r, SortingColumn* out);
Status Decode(CompactReader& r, RowGroup* out);
Status Decode(CompactReader& r, ColumnOrder* out);
Status Decode(CompactReader& r, FileMetaData* out);
Status Decode(CompactReader& r, DataPageHeader* out);
Status Decode(CompactReader& r, DictionaryPageHeader* out);
Status Decode(CompactReader& r, DataPageHeaderV2* out);
Status Decode(CompactReader& r, PageHeader* out);

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// The wire type a C++ field type is sent as: enums as i32, structs as
// struct, bool as its list-element code (fields carry bools in the header).
template <typename T>
constexpr CType WireType() {
  if constexpr (std::is_same_v<T, bool>) return CType::kBoolFalse;
  if constexpr (std::is_same_v<T, int8_t>) return CType::kI8;
  if constexpr (std::is_same_v<T, int16_t>) return CType::kI16;
  if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) return CType::kI32;
  if constexpr (std::is_same_v<T, int64_t>) return CType::kI64;
  if constexpr (std::is_same_v<T, std::string>) return CType::kBinary;
  return CType::kStruct;
}

struct Required {
  int16_t id;
  const char* name;
};

// True when field `f` carries the wire type a T is sent as.
template <typename T>
bool HasWireType(const FieldHeader& f) {
  if constexpr (IsOptional<T>::value) {
    return HasWireType<typename T::value_type>(f);
  } else if constexpr (IsVector<T>::value) {
    return f.type == CType::kList || f.type == CType::kSet;
  } else if constexpr (std::is_same_v<T, bool>) {
    return f.is_bool();
  } else {
    return f.type == WireType<T>();
  }
}

// Reads one value of T whose header (field or list) was already read. A
// bool here is a list element, one byte.
template <typename T>
Status ReadValue(CompactReader& r, T* out) {
  if constexpr (std::is_same_v<T, bool>) {
    TS_ASSIGN_OR_RETURN(*out, r.ReadBoolElement());
  } else if constexpr (std::is_same_v<T, int8_t>) {
    TS_ASSIGN_OR_RETURN(*out, r.ReadI8());
  } else if constexpr (std::is_same_v<T, int16_t>) {
    TS_ASSIGN_OR_RETURN(*out, r.ReadI16());
  } else if constexpr (std::is_same_v<T, int32_t>) {
    TS_ASSIGN_OR_RETURN(*out, r.ReadI32());
  } else if constexpr (std::is_enum_v<T>) {
    TS_ASSIGN_OR_RETURN(int32_t v, r.ReadI32());
    *out = static_cast<T>(v);  // unknown values are kept: see metadata.h
  } else if constexpr (std::is_same_v<T, int64_t>) {
    TS_ASSIGN_OR_RETURN(*out, r.ReadI64());
  } else if constexpr (std::is_same_v<T, std::string>) {
    TS_ASSIGN_OR_RETURN(std::string_view v, r.ReadBinary());
    out->assign(v);
  } else {
    return Decode(r, out);
  }
  return Status::OK();
}

// Reads a list whose field header was read; `where` names it in messages.
template <typename T>
Status ReadList(CompactReader& r, const std::string& where, std::vector<T>* out) {
  auto header = r.ReadListHeader();
  if (!header.ok()) return header.status().WithContext(where);
  const thrift::ListHeader list = *header;
  if (list.size > 0 && list.elem_type != WireType<T>()) {
    return Status::Corruption("Parquet " + where + ": expected a list of Thrift " +
                              thrift::CTypeName(WireType<T>()) + ", found a list of " +
                              thrift::CTypeName(list.elem_type));
  }
  // list.size is bounded by the bytes left (see ReadListHeader), the memory
  // by the reader's allocation budget.
  Status charged = r.ChargeAllocation(uint64_t(list.size) * sizeof(T));
  if (!charged.ok()) return charged.WithContext(where);
  out->clear();
  out->resize(list.size);
  for (int32_t i = 0; i < list.size; ++i) {
    Status st = ReadValue(r, &(*out)[i]);
    if (!st.ok()) return st.WithContext(where + "[" + std::to_string(i) + "]");
  }
  return Status::OK();
}

// Decodes the fields of one struct: Run() reads field headers up to the stop
// field and hands each to a callback that reads (Read) or skips it, then
// checks that every required field was read.
class StructDecoder {
 public:
  StructDecoder(CompactReader& r, const char* struct_name) : r_(r), name_(struct_name) {}

  template <typename Fn>
  Status Run(std::initializer_list<Required> required, Fn&& on_field) {
    TS_RETURN_NOT_OK(r_.BeginStruct());
    while (true) {
      TS_ASSIGN_OR_RETURN(FieldHeader f, r_.ReadFieldHeader());
      if (f.is_stop()) break;
      TS_RETURN_NOT_OK(on_field(f));
    }
    r_.EndStruct();
    for (const Required& req : required) {
      if ((seen_ & (uint64_t{1} << req.id)) == 0) {
        return Status::Corruption("Parquet " + std::string(name_) + ": required field '" +
                                  req.name + "' (" + std::to_string(req.id) + ") is missing");
      }
    }
    return Status::OK();
  }

  // Reads field `f` into `out` when its wire type is T's. A field of another
  // type is skipped as if unknown, as Thrift's generated code does: writers
  // have reused ids (a parquet-mr fork wrote a list as ColumnMetaData field
  // 15), and a required field skipped this way is then reported missing.
  template <typename T>
  Status Read(const FieldHeader& f, const char* field, T* out) {
    if (!HasWireType<T>(f)) return r_.Skip(f.type);
    TS_RETURN_NOT_OK(ReadChecked(f, field, out));
    MarkSeen(f.id);
    return Status::OK();
  }

  // Records that field `id` was read by the caller's own code.
  void MarkSeen(int16_t id) {
    if (id >= 0 && id < 64) seen_ |= uint64_t{1} << id;
  }
  // Prefixes a failure of a nested struct with "Struct.field".
  Status Nested(const char* field, Status st) const {
    return st.ok() ? st : st.WithContext(std::string(name_) + "." + field);
  }

 private:
  template <typename T>
  Status ReadChecked(const FieldHeader& f, const char* field, T* out) {
    if constexpr (IsOptional<T>::value) {
      typename T::value_type value{};
      TS_RETURN_NOT_OK(ReadChecked(f, field, &value));
      *out = std::move(value);
      return Status::OK();
    } else if constexpr (IsVector<T>::value) {
      return ReadList(r_, std::string(name_) + "." + field, out);
    } else if constexpr (std::is_same_v<T, bool>) {
      *out = f.bool_value();
      return Status::OK();
    } else {
      return Nested(field, ReadValue(r_, out));
    }
  }

  CompactReader& r_;
  const char* name_;
  uint64_t seen_ = 0;  // bit i: field i was read
};

// A union is a struct with exactly one (known-typed) member.
Status CheckUnion(const char* union_name, int members) {
  if (members == 1) return Status::OK();
  return Status::Corruption("Parquet " + std::string(union_name) +
                            ": a union must hold exactly one member, found " +
                            std::to_string(members));
}

Status Decode(CompactReader& r, Statistics* out) {
  constexpr const char* kName = "Statistics";
  StructDecoder d(r, kName);
  return d.Run({}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case StatisticsId::kMax: return d.Read(f, "max", &out->max);
      case StatisticsId::kMin: return d.Read(f, "min", &out->min);
      case StatisticsId::kNullCount: return d.Read(f, "null_count", &out->null_count);
      case StatisticsId::kDistinctCount: return d.Read(f, "distinct_count", &out->distinct_count);
      case StatisticsId::kMaxValue: return d.Read(f, "max_value", &out->max_value);
      case StatisticsId::kMinValue: return d.Read(f, "min_value", &out->min_value);
      case StatisticsId::kIsMaxValueExact:
        return d.Read(f, "is_max_value_exact", &out->is_max_value_exact);
      case StatisticsId::kIsMinValueExact:
        return d.Read(f, "is_min_value_exact", &out->is_min_value_exact);
      case StatisticsId::kNanCount: return d.Read(f, "nan_count", &out->nan_count);
      default: return r.Skip(f.type);
    }
  });
}

// Reads a union whose members are all structs: `on_member` reads or skips
// the struct of a member; a member sent as another type is skipped. The union
// must end up with exactly one member.
template <typename Fn>
Status DecodeUnion(CompactReader& r, const char* union_name, Fn&& on_member) {
  int members = 0;
  StructDecoder d(r, union_name);
  TS_RETURN_NOT_OK(d.Run({}, [&](const FieldHeader& f) -> Status {
    if (f.type != CType::kStruct) return r.Skip(f.type);
    ++members;
    return on_member(f);
  }));
  return CheckUnion(union_name, members);
}

// TimeUnit union {1 MILLIS, 2 MICROS, 3 NANOS}, each an empty struct. An
// unknown unit is kept as unit_known = false: unsupported, not corrupt.
Status DecodeTimeUnit(CompactReader& r, LogicalType* out) {
  return DecodeUnion(r, "TimeUnit", [&](const FieldHeader& f) {
    out->unit_known = f.id >= 1 && f.id <= 3;
    out->unit = out->unit_known ? static_cast<TimeUnit>(f.id) : static_cast<TimeUnit>(0);
    return r.Skip(f.type);
  });
}

// TimestampType and TimeType share {1 isAdjustedToUTC, 2 unit}.
Status DecodeTimeOrTimestamp(CompactReader& r, const char* name, LogicalType* out) {
  StructDecoder d(r, name);
  return d.Run({{TimeTypeId::kIsAdjustedToUtc, "isAdjustedToUTC"}, {TimeTypeId::kUnit, "unit"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case TimeTypeId::kIsAdjustedToUtc:
                     return d.Read(f, "isAdjustedToUTC", &out->is_adjusted_to_utc);
                   case TimeTypeId::kUnit:
                     if (f.type != CType::kStruct) return r.Skip(f.type);
                     d.MarkSeen(f.id);
                     return d.Nested("unit", DecodeTimeUnit(r, out));
                   default: return r.Skip(f.type);
                 }
               });
}

Status DecodeDecimal(CompactReader& r, LogicalType* out) {
  StructDecoder d(r, "DecimalType");
  return d.Run({{DecimalTypeId::kScale, "scale"}, {DecimalTypeId::kPrecision, "precision"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case DecimalTypeId::kScale: return d.Read(f, "scale", &out->scale);
                   case DecimalTypeId::kPrecision: return d.Read(f, "precision", &out->precision);
                   default: return r.Skip(f.type);
                 }
               });
}

Status DecodeInteger(CompactReader& r, LogicalType* out) {
  StructDecoder d(r, "IntType");
  return d.Run({{IntTypeId::kBitWidth, "bitWidth"}, {IntTypeId::kIsSigned, "isSigned"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case IntTypeId::kBitWidth: return d.Read(f, "bitWidth", &out->bit_width);
                   case IntTypeId::kIsSigned: return d.Read(f, "isSigned", &out->is_signed);
                   default: return r.Skip(f.type);
                 }
               });
}

// Reads the members whose struct has fields Tessera uses; the others
// (STRING, DATE, UUID, ... and ids this code does not know) are skipped,
// keeping their id in `kind`.
Status Decode(CompactReader& r, LogicalType* out) {
  return DecodeUnion(r, "LogicalType", [&](const FieldHeader& f) -> Status {
    out->kind = f.id;
    switch (f.id) {
      case LogicalType::kDecimal: return DecodeDecimal(r, out);
      case LogicalType::kTime: return DecodeTimeOrTimestamp(r, "TimeType", out);
      case LogicalType::kTimestamp: return DecodeTimeOrTimestamp(r, "TimestampType", out);
      case LogicalType::kInteger: return DecodeInteger(r, out);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, SchemaElement* out) {
  constexpr const char* kName = "SchemaElement";
  StructDecoder d(r, kName);
  return d.Run({{SchemaElementId::kName, "name"}}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case SchemaElementId::kType: return d.Read(f, "type", &out->type);
      case SchemaElementId::kTypeLength: return d.Read(f, "type_length", &out->type_length);
      case SchemaElementId::kRepetitionType: return d.Read(f, "repetition_type", &out->repetition);
      case SchemaElementId::kName: return d.Read(f, "name", &out->name);
      case SchemaElementId::kNumChildren: return d.Read(f, "num_children", &out->num_children);
      case SchemaElementId::kConvertedType:
        return d.Read(f, "converted_type", &out->converted_type);
      case SchemaElementId::kScale: return d.Read(f, "scale", &out->scale);
      case SchemaElementId::kPrecision: return d.Read(f, "precision", &out->precision);
      case SchemaElementId::kFieldId: return d.Read(f, "field_id", &out->field_id);
      case SchemaElementId::kLogicalType: return d.Read(f, "logicalType", &out->logical_type);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, KeyValue* out) {
  constexpr const char* kName = "KeyValue";
  StructDecoder d(r, kName);
  return d.Run({{KeyValueId::kKey, "key"}}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case KeyValueId::kKey: return d.Read(f, "key", &out->key);
      case KeyValueId::kValue: return d.Read(f, "value", &out->value);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, PageEncodingStats* out) {
  constexpr const char* kName = "PageEncodingStats";
  StructDecoder d(r, kName);
  return d.Run({{PageEncodingStatsId::kPageType, "page_type"},
                {PageEncodingStatsId::kEncoding, "encoding"},
                {PageEncodingStatsId::kCount, "count"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case PageEncodingStatsId::kPageType:
                     return d.Read(f, "page_type", &out->page_type);
                   case PageEncodingStatsId::kEncoding:
                     return d.Read(f, "encoding", &out->encoding);
                   case PageEncodingStatsId::kCount: return d.Read(f, "count", &out->count);
                   default: return r.Skip(f.type);
                 }
               });
}

Status Decode(CompactReader& r, ColumnMetaData* out) {
  constexpr const char* kName = "ColumnMetaData";
  static constexpr std::initializer_list<Required> kRequired = {
      {ColumnMetaDataId::kType, "type"},
      {ColumnMetaDataId::kEncodings, "encodings"},
      {ColumnMetaDataId::kPathInSchema, "path_in_schema"},
      {ColumnMetaDataId::kCodec, "codec"},
      {ColumnMetaDataId::kNumValues, "num_values"},
      {ColumnMetaDataId::kTotalUncompressedSize, "total_uncompressed_size"},
      {ColumnMetaDataId::kTotalCompressedSize, "total_compressed_size"},
      {ColumnMetaDataId::kDataPageOffset, "data_page_offset"}};
  StructDecoder d(r, kName);
  return d.Run(kRequired, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case ColumnMetaDataId::kType: return d.Read(f, "type", &out->type);
      case ColumnMetaDataId::kEncodings: return d.Read(f, "encodings", &out->encodings);
      case ColumnMetaDataId::kPathInSchema:
        return d.Read(f, "path_in_schema", &out->path_in_schema);
      case ColumnMetaDataId::kCodec: return d.Read(f, "codec", &out->codec);
      case ColumnMetaDataId::kNumValues: return d.Read(f, "num_values", &out->num_values);
      case ColumnMetaDataId::kTotalUncompressedSize:
        return d.Read(f, "total_uncompressed_size", &out->total_uncompressed_size);
      case ColumnMetaDataId::kTotalCompressedSize:
        return d.Read(f, "total_compressed_size", &out->total_compressed_size);
      case ColumnMetaDataId::kKeyValueMetadata:
        return d.Read(f, "key_value_metadata", &out->key_value_metadata);
      case ColumnMetaDataId::kDataPageOffset:
        return d.Read(f, "data_page_offset", &out->data_page_offset);
      case ColumnMetaDataId::kIndexPageOffset:
        return d.Read(f, "index_page_offset", &out->index_page_offset);
      case ColumnMetaDataId::kDictionaryPageOffset:
        return d.Read(f, "dictionary_page_offset", &out->dictionary_page_offset);
      case ColumnMetaDataId::kStatistics: return d.Read(f, "statistics", &out->statistics);
      case ColumnMetaDataId::kEncodingStats:
        return d.Read(f, "encoding_stats", &out->encoding_stats);
      case ColumnMetaDataId::kBloomFilterOffset:
        return d.Read(f, "bloom_filter_offset", &out->bloom_filter_offset);
      case ColumnMetaDataId::kBloomFilterLength:
        return d.Read(f, "bloom_filter_length", &out->bloom_filter_length);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, ColumnChunk* out) {
  constexpr const char* kName = "ColumnChunk";
  StructDecoder d(r, kName);
  return d.Run({{ColumnChunkId::kFileOffset, "file_offset"}}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case ColumnChunkId::kFilePath: return d.Read(f, "file_path", &out->file_path);
      case ColumnChunkId::kFileOffset: return d.Read(f, "file_offset", &out->file_offset);
      case ColumnChunkId::kMetaData: return d.Read(f, "meta_data", &out->meta_data);
      case ColumnChunkId::kOffsetIndexOffset:
        return d.Read(f, "offset_index_offset", &out->offset_index_offset);
      case ColumnChunkId::kOffsetIndexLength:
        return d.Read(f, "offset_index_length", &out->offset_index_length);
      case ColumnChunkId::kColumnIndexOffset:
        return d.Read(f, "column_index_offset", &out->column_index_offset);
      case ColumnChunkId::kColumnIndexLength:
        return d.Read(f, "column_index_length", &out->column_index_length);
      case ColumnChunkId::kCryptoMetadata: out->has_crypto_metadata = true; return r.Skip(f.type);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, SortingColumn* out) {
  constexpr const char* kName = "SortingColumn";
  StructDecoder d(r, kName);
  return d.Run({{SortingColumnId::kColumnIdx, "column_idx"},
                {SortingColumnId::kDescending, "descending"},
                {SortingColumnId::kNullsFirst, "nulls_first"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case SortingColumnId::kColumnIdx:
                     return d.Read(f, "column_idx", &out->column_idx);
                   case SortingColumnId::kDescending:
                     return d.Read(f, "descending", &out->descending);
                   case SortingColumnId::kNullsFirst:
                     return d.Read(f, "nulls_first", &out->nulls_first);
                   default: return r.Skip(f.type);
                 }
               });
}

Status Decode(CompactReader& r, RowGroup* out) {
  constexpr const char* kName = "RowGroup";
  StructDecoder d(r, kName);
  return d.Run({{RowGroupId::kColumns, "columns"},
                {RowGroupId::kTotalByteSize, "total_byte_size"},
                {RowGroupId::kNumRows, "num_rows"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case RowGroupId::kColumns: return d.Read(f, "columns", &out->columns);
                   case RowGroupId::kTotalByteSize:
                     return d.Read(f, "total_byte_size", &out->total_byte_size);
                   case RowGroupId::kNumRows: return d.Read(f, "num_rows", &out->num_rows);
                   case RowGroupId::kSortingColumns:
                     return d.Read(f, "sorting_columns", &out->sorting_columns);
                   case RowGroupId::kFileOffset: return d.Read(f, "file_offset", &out->file_offset);
                   case RowGroupId::kTotalCompressedSize:
                     return d.Read(f, "total_compressed_size", &out->total_compressed_size);
                   case RowGroupId::kOrdinal: return d.Read(f, "ordinal", &out->ordinal);
                   default: return r.Skip(f.type);
                 }
               });
}

// ColumnOrder union: the member's id is the kind; its struct is skipped.
Status Decode(CompactReader& r, ColumnOrder* out) {
  return DecodeUnion(r, "ColumnOrder", [&](const FieldHeader& f) {
    out->kind = f.id;
    return r.Skip(f.type);
  });
}

Status Decode(CompactReader& r, FileMetaData* out) {
  constexpr const char* kName = "FileMetaData";
  StructDecoder d(r, kName);
  return d.Run({{FileMetaDataId::kVersion, "version"},
                {FileMetaDataId::kSchema, "schema"},
                {FileMetaDataId::kNumRows, "num_rows"},
                {FileMetaDataId::kRowGroups, "row_groups"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case FileMetaDataId::kVersion: return d.Read(f, "version", &out->version);
                   case FileMetaDataId::kSchema: return d.Read(f, "schema", &out->schema);
                   case FileMetaDataId::kNumRows: return d.Read(f, "num_rows", &out->num_rows);
                   case FileMetaDataId::kRowGroups:
                     return d.Read(f, "row_groups", &out->row_groups);
                   case FileMetaDataId::kKeyValueMetadata:
                     return d.Read(f, "key_value_metadata", &out->key_value_metadata);
                   case FileMetaDataId::kCreatedBy:
                     return d.Read(f, "created_by", &out->created_by);
                   case FileMetaDataId::kColumnOrders:
                     return d.Read(f, "column_orders", &out->column_orders);
                   case FileMetaDataId::kEncryptionAlgorithm:
                     out->has_encryption_algorithm = true;
                     return r.Skip(f.type);
                   default: return r.Skip(f.type);
                 }
               });
}

Status Decode(CompactReader& r, DataPageHeader* out) {
  constexpr const char* kName = "DataPageHeader";
  StructDecoder d(r, kName);
  return d.Run({{DataPageHeaderId::kNumValues, "num_values"},
                {DataPageHeaderId::kEncoding, "encoding"},
                {DataPageHeaderId::kDefinitionLevelEncoding, "definition_level_encoding"},
                {DataPageHeaderId::kRepetitionLevelEncoding, "repetition_level_encoding"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case DataPageHeaderId::kNumValues:
                     return d.Read(f, "num_values", &out->num_values);
                   case DataPageHeaderId::kEncoding: return d.Read(f, "encoding", &out->encoding);
                   case DataPageHeaderId::kDefinitionLevelEncoding:
                     return d.Read(f, "definition_level_encoding", &out->definition_level_encoding);
                   case DataPageHeaderId::kRepetitionLevelEncoding:
                     return d.Read(f, "repetition_level_encoding", &out->repetition_level_encoding);
                   case DataPageHeaderId::kStatistics:
                     return d.Read(f, "statistics", &out->statistics);
                   default: return r.Skip(f.type);
                 }
               });
}

Status Decode(CompactReader& r, DictionaryPageHeader* out) {
  constexpr const char* kName = "DictionaryPageHeader";
  StructDecoder d(r, kName);
  return d.Run({{DictionaryPageHeaderId::kNumValues, "num_values"},
                {DictionaryPageHeaderId::kEncoding, "encoding"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case DictionaryPageHeaderId::kNumValues:
                     return d.Read(f, "num_values", &out->num_values);
                   case DictionaryPageHeaderId::kEncoding:
                     return d.Read(f, "encoding", &out->encoding);
                   case DictionaryPageHeaderId::kIsSorted:
                     return d.Read(f, "is_sorted", &out->is_sorted);
                   default: return r.Skip(f.type);
                 }
               });
}

Status Decode(CompactReader& r, DataPageHeaderV2* out) {
  constexpr const char* kName = "DataPageHeaderV2";
  static constexpr std::initializer_list<Required> kRequired = {
      {DataPageHeaderV2Id::kNumValues, "num_values"},
      {DataPageHeaderV2Id::kNumNulls, "num_nulls"},
      {DataPageHeaderV2Id::kNumRows, "num_rows"},
      {DataPageHeaderV2Id::kEncoding, "encoding"},
      {DataPageHeaderV2Id::kDefinitionLevelsByteLength, "definition_levels_byte_length"},
      {DataPageHeaderV2Id::kRepetitionLevelsByteLength, "repetition_levels_byte_length"}};
  StructDecoder d(r, kName);
  return d.Run(kRequired, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case DataPageHeaderV2Id::kNumValues: return d.Read(f, "num_values", &out->num_values);
      case DataPageHeaderV2Id::kNumNulls: return d.Read(f, "num_nulls", &out->num_nulls);
      case DataPageHeaderV2Id::kNumRows: return d.Read(f, "num_rows", &out->num_rows);
      case DataPageHeaderV2Id::kEncoding: return d.Read(f, "encoding", &out->encoding);
      case DataPageHeaderV2Id::kDefinitionLevelsByteLength:
        return d.Read(f, "definition_levels_byte_length", &out->definition_levels_byte_length);
      case DataPageHeaderV2Id::kRepetitionLevelsByteLength:
        return d.Read(f, "repetition_levels_byte_length", &out->repetition_levels_byte_length);
      case DataPageHeaderV2Id::kIsCompressed:
        return d.Read(f, "is_compressed", &out->is_compressed);
      case DataPageHeaderV2Id::kStatistics: return d.Read(f, "statistics", &out->statistics);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, PageHeader* out) {
  constexpr const char* kName = "PageHeader";
  StructDecoder d(r, kName);
  return d.Run({{PageHeaderId::kType, "type"},
                {PageHeaderId::kUncompressedPageSize, "uncompressed_page_size"},
                {PageHeaderId::kCompressedPageSize, "compressed_page_size"}},
               [&](const FieldHeader& f) -> Status {
                 switch (f.id) {
                   case PageHeaderId::kType: return d.Read(f, "type", &out->type);
                   case PageHeaderId::kUncompressedPageSize:
                     return d.Read(f, "uncompressed_page_size", &out->uncompressed_page_size);
                   case PageHeaderId::kCompressedPageSize:
                     return d.Read(f, "compressed_page_size", &out->compressed_page_size);
                   case PageHeaderId::kCrc: return d.Read(f, "crc", &out->crc);
                   case PageHeaderId::kDataPageHeader:
                     return d.Read(f, "data_page_header", &out->data_page_header);
                   case PageHeaderId::kDictionaryPageHeader:
                     return d.Read(f, "dictionary_page_header", &out->dictionary_page_header);
                   case PageHeaderId::kDataPageHeaderV2:
                     return d.Read(f, "data_page_header_v2", &out->data_page_header_v2);
                   default: return r.Skip(f.type);
                 }
               });
}

}  // namespace

Result<FileMetaData> DecodeFileMetaData(const uint8_t* data, size_t size) {
  CompactReader reader(data, size);
  FileMetaData md;
  TS_RETURN_NOT_OK(Decode(reader, &md));
  return md;
}

Result<PageHeader> DecodePageHeader(const uint8_t* data, size_t size, size_t* header_size) {
  CompactReader reader(data, size);
  PageHeader header;
  TS_RETURN_NOT_OK(Decode(reader, &header));
  *header_size = reader.position();
  return header;
}

}  // namespace tessera::parquet
