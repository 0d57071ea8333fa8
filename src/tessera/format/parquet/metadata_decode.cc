// Decoding of the Parquet metadata structs (metadata.h) from the Thrift
// compact protocol, field by field as parquet.thrift numbers them. Unknown
// fields are skipped; a known field of the wrong wire type, or a required
// field that is missing, is a Corruption status naming struct and field.
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/thrift.h"

namespace tessera::parquet {
namespace {

using thrift::CompactReader;
using thrift::CType;
using thrift::FieldHeader;

// Names a field in messages: "ColumnMetaData.codec".
struct FieldName {
  const char* struct_name;
  const char* field_name;
  std::string ToString() const { return std::string(struct_name) + "." + field_name; }
};

struct Required {
  int16_t id;
  const char* name;
};

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

// The wire type a C++ field type is sent as; enums are i32, structs struct.
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

Status WrongType(const FieldName& where, CType expected, CType found) {
  return Status::Corruption("Parquet " + where.ToString() + ": expected Thrift " +
                            thrift::CTypeName(expected) + ", found " + thrift::CTypeName(found));
}

Status CheckType(const FieldHeader& f, CType expected, const FieldName& where) {
  const bool ok = expected == CType::kBoolFalse ? f.is_bool() : f.type == expected;
  return ok ? Status::OK() : WrongType(where, expected, f.type);
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

template <typename T>
Status ReadList(CompactReader& r, const FieldHeader& f, const FieldName& where,
                std::vector<T>* out) {
  if (f.type != CType::kList && f.type != CType::kSet) {
    return WrongType(where, CType::kList, f.type);
  }
  TS_ASSIGN_OR_RETURN(thrift::ListHeader list, r.ReadListHeader());
  if (list.size > 0 && list.elem_type != WireType<T>()) {
    return Status::Corruption("Parquet " + where.ToString() + ": expected a list of Thrift " +
                              thrift::CTypeName(WireType<T>()) + ", found " +
                              thrift::CTypeName(list.elem_type));
  }
  out->clear();
  out->resize(list.size);  // bounded by the bytes left: see ReadListHeader
  for (int32_t i = 0; i < list.size; ++i) {
    Status st = ReadValue(r, &(*out)[i]);
    if (!st.ok()) return st.WithContext(where.ToString() + "[" + std::to_string(i) + "]");
  }
  return Status::OK();
}

// Reads the value of field `f` into `out`, checking the wire type.
template <typename T>
Status ReadField(CompactReader& r, const FieldHeader& f, const FieldName& where, T* out) {
  if constexpr (IsOptional<T>::value) {
    typename T::value_type value{};
    TS_RETURN_NOT_OK(ReadField(r, f, where, &value));
    *out = std::move(value);
    return Status::OK();
  } else if constexpr (IsVector<T>::value) {
    return ReadList(r, f, where, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    TS_RETURN_NOT_OK(CheckType(f, CType::kBoolFalse, where));
    *out = f.bool_value();
    return Status::OK();
  } else {
    TS_RETURN_NOT_OK(CheckType(f, WireType<T>(), where));
    Status st = ReadValue(r, out);
    if (WireType<T>() == CType::kStruct && !st.ok()) return st.WithContext(where.ToString());
    return st;
  }
}

// Reads the fields of one struct, handing each to `on_field` (which reads
// or skips its value), then checks that the `required` ids were all seen.
template <typename Fn>
Status DecodeFields(CompactReader& r, const char* struct_name,
                    std::initializer_list<Required> required, Fn&& on_field) {
  TS_RETURN_NOT_OK(r.BeginStruct());
  uint64_t seen = 0;
  while (true) {
    TS_ASSIGN_OR_RETURN(FieldHeader f, r.ReadFieldHeader());
    if (f.is_stop()) break;
    if (f.id >= 0 && f.id < 64) seen |= uint64_t{1} << f.id;
    TS_RETURN_NOT_OK(on_field(f));
  }
  r.EndStruct();
  for (const Required& req : required) {
    if ((seen & (uint64_t{1} << req.id)) == 0) {
      return Status::Corruption("Parquet " + std::string(struct_name) + ": required field '" +
                                req.name + "' (" + std::to_string(req.id) + ") is missing");
    }
  }
  return Status::OK();
}

// A union is a struct with exactly one field set.
Status CheckUnion(const char* union_name, int members) {
  if (members == 1) return Status::OK();
  return Status::Corruption("Parquet " + std::string(union_name) +
                            ": a union must hold exactly one member, found " +
                            std::to_string(members));
}

Status Decode(CompactReader& r, Statistics* out) {
  constexpr const char* kName = "Statistics";
  return DecodeFields(r, kName, {}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return ReadField(r, f, {kName, "max"}, &out->max);
      case 2: return ReadField(r, f, {kName, "min"}, &out->min);
      case 3: return ReadField(r, f, {kName, "null_count"}, &out->null_count);
      case 4: return ReadField(r, f, {kName, "distinct_count"}, &out->distinct_count);
      case 5: return ReadField(r, f, {kName, "max_value"}, &out->max_value);
      case 6: return ReadField(r, f, {kName, "min_value"}, &out->min_value);
      case 7: return ReadField(r, f, {kName, "is_max_value_exact"}, &out->is_max_value_exact);
      case 8: return ReadField(r, f, {kName, "is_min_value_exact"}, &out->is_min_value_exact);
      case 9: return ReadField(r, f, {kName, "nan_count"}, &out->nan_count);
      default: return r.Skip(f.type);
    }
  });
}

// TimeUnit union {1 MILLIS, 2 MICROS, 3 NANOS}, each an empty struct. An
// unknown unit is kept as unit_known = false: unsupported, not corrupt.
Status DecodeTimeUnit(CompactReader& r, LogicalType* out) {
  int members = 0;
  TS_RETURN_NOT_OK(DecodeFields(r, "TimeUnit", {}, [&](const FieldHeader& f) -> Status {
    ++members;
    const bool known = f.id >= 1 && f.id <= 3;
    if (known) TS_RETURN_NOT_OK(CheckType(f, CType::kStruct, {"TimeUnit", "unit"}));
    out->unit = known ? static_cast<TimeUnit>(f.id) : static_cast<TimeUnit>(0);
    out->unit_known = known;
    return r.Skip(f.type);
  }));
  return CheckUnion("TimeUnit", members);
}

// TimestampType and TimeType share {1 isAdjustedToUTC, 2 unit}.
Status DecodeTimeOrTimestamp(CompactReader& r, const char* name, LogicalType* out) {
  return DecodeFields(
      r, name, {{1, "isAdjustedToUTC"}, {2, "unit"}}, [&](const FieldHeader& f) -> Status {
        switch (f.id) {
          case 1: return ReadField(r, f, {name, "isAdjustedToUTC"}, &out->is_adjusted_to_utc);
          case 2:
            TS_RETURN_NOT_OK(CheckType(f, CType::kStruct, {name, "unit"}));
            return DecodeTimeUnit(r, out);
          default: return r.Skip(f.type);
        }
      });
}

Status DecodeDecimal(CompactReader& r, LogicalType* out) {
  constexpr const char* kName = "DecimalType";
  return DecodeFields(r, kName, {{1, "scale"}, {2, "precision"}},
                      [&](const FieldHeader& f) -> Status {
                        switch (f.id) {
                          case 1: return ReadField(r, f, {kName, "scale"}, &out->scale);
                          case 2: return ReadField(r, f, {kName, "precision"}, &out->precision);
                          default: return r.Skip(f.type);
                        }
                      });
}

Status DecodeInteger(CompactReader& r, LogicalType* out) {
  constexpr const char* kName = "IntType";
  return DecodeFields(r, kName, {{1, "bitWidth"}, {2, "isSigned"}},
                      [&](const FieldHeader& f) -> Status {
                        switch (f.id) {
                          case 1: return ReadField(r, f, {kName, "bitWidth"}, &out->bit_width);
                          case 2: return ReadField(r, f, {kName, "isSigned"}, &out->is_signed);
                          default: return r.Skip(f.type);
                        }
                      });
}

// The members whose struct has fields Tessera reads; the others (STRING,
// DATE, UUID, ... and ids this code does not know) are skipped, keeping
// their id in `kind`.
Status DecodeLogicalTypeMember(CompactReader& r, const FieldHeader& f, LogicalType* out) {
  out->kind = f.id;
  switch (f.id) {
    case LogicalType::kDecimal:
      TS_RETURN_NOT_OK(CheckType(f, CType::kStruct, {"LogicalType", "DECIMAL"}));
      return DecodeDecimal(r, out);
    case LogicalType::kTime:
      TS_RETURN_NOT_OK(CheckType(f, CType::kStruct, {"LogicalType", "TIME"}));
      return DecodeTimeOrTimestamp(r, "TimeType", out);
    case LogicalType::kTimestamp:
      TS_RETURN_NOT_OK(CheckType(f, CType::kStruct, {"LogicalType", "TIMESTAMP"}));
      return DecodeTimeOrTimestamp(r, "TimestampType", out);
    case LogicalType::kInteger:
      TS_RETURN_NOT_OK(CheckType(f, CType::kStruct, {"LogicalType", "INTEGER"}));
      return DecodeInteger(r, out);
    default: return r.Skip(f.type);
  }
}

Status Decode(CompactReader& r, LogicalType* out) {
  int members = 0;
  TS_RETURN_NOT_OK(DecodeFields(r, "LogicalType", {}, [&](const FieldHeader& f) -> Status {
    ++members;
    return DecodeLogicalTypeMember(r, f, out);
  }));
  return CheckUnion("LogicalType", members);
}

Status Decode(CompactReader& r, SchemaElement* out) {
  constexpr const char* kName = "SchemaElement";
  return DecodeFields(r, kName, {{4, "name"}}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return ReadField(r, f, {kName, "type"}, &out->type);
      case 2: return ReadField(r, f, {kName, "type_length"}, &out->type_length);
      case 3: return ReadField(r, f, {kName, "repetition_type"}, &out->repetition);
      case 4: return ReadField(r, f, {kName, "name"}, &out->name);
      case 5: return ReadField(r, f, {kName, "num_children"}, &out->num_children);
      case 6: return ReadField(r, f, {kName, "converted_type"}, &out->converted_type);
      case 7: return ReadField(r, f, {kName, "scale"}, &out->scale);
      case 8: return ReadField(r, f, {kName, "precision"}, &out->precision);
      case 9: return ReadField(r, f, {kName, "field_id"}, &out->field_id);
      case 10: return ReadField(r, f, {kName, "logicalType"}, &out->logical_type);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, KeyValue* out) {
  constexpr const char* kName = "KeyValue";
  return DecodeFields(r, kName, {{1, "key"}}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return ReadField(r, f, {kName, "key"}, &out->key);
      case 2: return ReadField(r, f, {kName, "value"}, &out->value);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, PageEncodingStats* out) {
  constexpr const char* kName = "PageEncodingStats";
  return DecodeFields(r, kName, {{1, "page_type"}, {2, "encoding"}, {3, "count"}},
                      [&](const FieldHeader& f) -> Status {
                        switch (f.id) {
                          case 1: return ReadField(r, f, {kName, "page_type"}, &out->page_type);
                          case 2: return ReadField(r, f, {kName, "encoding"}, &out->encoding);
                          case 3: return ReadField(r, f, {kName, "count"}, &out->count);
                          default: return r.Skip(f.type);
                        }
                      });
}

Status Decode(CompactReader& r, ColumnMetaData* out) {
  constexpr const char* kName = "ColumnMetaData";
  static constexpr std::initializer_list<Required> kRequired = {{1, "type"},
                                                                {2, "encodings"},
                                                                {3, "path_in_schema"},
                                                                {4, "codec"},
                                                                {5, "num_values"},
                                                                {6, "total_uncompressed_size"},
                                                                {7, "total_compressed_size"},
                                                                {9, "data_page_offset"}};
  return DecodeFields(r, kName, kRequired, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return ReadField(r, f, {kName, "type"}, &out->type);
      case 2: return ReadField(r, f, {kName, "encodings"}, &out->encodings);
      case 3: return ReadField(r, f, {kName, "path_in_schema"}, &out->path_in_schema);
      case 4: return ReadField(r, f, {kName, "codec"}, &out->codec);
      case 5: return ReadField(r, f, {kName, "num_values"}, &out->num_values);
      case 6:
        return ReadField(r, f, {kName, "total_uncompressed_size"}, &out->total_uncompressed_size);
      case 7: return ReadField(r, f, {kName, "total_compressed_size"}, &out->total_compressed_size);
      case 8: return ReadField(r, f, {kName, "key_value_metadata"}, &out->key_value_metadata);
      case 9: return ReadField(r, f, {kName, "data_page_offset"}, &out->data_page_offset);
      case 10: return ReadField(r, f, {kName, "index_page_offset"}, &out->index_page_offset);
      case 11:
        return ReadField(r, f, {kName, "dictionary_page_offset"}, &out->dictionary_page_offset);
      case 12: return ReadField(r, f, {kName, "statistics"}, &out->statistics);
      case 13: return ReadField(r, f, {kName, "encoding_stats"}, &out->encoding_stats);
      case 14: return ReadField(r, f, {kName, "bloom_filter_offset"}, &out->bloom_filter_offset);
      case 15: return ReadField(r, f, {kName, "bloom_filter_length"}, &out->bloom_filter_length);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, ColumnChunk* out) {
  constexpr const char* kName = "ColumnChunk";
  return DecodeFields(r, kName, {{2, "file_offset"}}, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return ReadField(r, f, {kName, "file_path"}, &out->file_path);
      case 2: return ReadField(r, f, {kName, "file_offset"}, &out->file_offset);
      case 3: return ReadField(r, f, {kName, "meta_data"}, &out->meta_data);
      case 4: return ReadField(r, f, {kName, "offset_index_offset"}, &out->offset_index_offset);
      case 5: return ReadField(r, f, {kName, "offset_index_length"}, &out->offset_index_length);
      case 6: return ReadField(r, f, {kName, "column_index_offset"}, &out->column_index_offset);
      case 7: return ReadField(r, f, {kName, "column_index_length"}, &out->column_index_length);
      case 8: out->has_crypto_metadata = true; return r.Skip(f.type);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, SortingColumn* out) {
  constexpr const char* kName = "SortingColumn";
  return DecodeFields(r, kName, {{1, "column_idx"}, {2, "descending"}, {3, "nulls_first"}},
                      [&](const FieldHeader& f) -> Status {
                        switch (f.id) {
                          case 1: return ReadField(r, f, {kName, "column_idx"}, &out->column_idx);
                          case 2: return ReadField(r, f, {kName, "descending"}, &out->descending);
                          case 3: return ReadField(r, f, {kName, "nulls_first"}, &out->nulls_first);
                          default: return r.Skip(f.type);
                        }
                      });
}

Status Decode(CompactReader& r, RowGroup* out) {
  constexpr const char* kName = "RowGroup";
  return DecodeFields(
      r, kName, {{1, "columns"}, {2, "total_byte_size"}, {3, "num_rows"}},
      [&](const FieldHeader& f) -> Status {
        switch (f.id) {
          case 1: return ReadField(r, f, {kName, "columns"}, &out->columns);
          case 2: return ReadField(r, f, {kName, "total_byte_size"}, &out->total_byte_size);
          case 3: return ReadField(r, f, {kName, "num_rows"}, &out->num_rows);
          case 4: return ReadField(r, f, {kName, "sorting_columns"}, &out->sorting_columns);
          case 5: return ReadField(r, f, {kName, "file_offset"}, &out->file_offset);
          case 6:
            return ReadField(r, f, {kName, "total_compressed_size"}, &out->total_compressed_size);
          case 7: return ReadField(r, f, {kName, "ordinal"}, &out->ordinal);
          default: return r.Skip(f.type);
        }
      });
}

// ColumnOrder union: the member's id is the kind; its struct is skipped.
Status Decode(CompactReader& r, ColumnOrder* out) {
  int members = 0;
  TS_RETURN_NOT_OK(DecodeFields(r, "ColumnOrder", {}, [&](const FieldHeader& f) -> Status {
    ++members;
    out->kind = f.id;
    return r.Skip(f.type);
  }));
  return CheckUnion("ColumnOrder", members);
}

Status Decode(CompactReader& r, FileMetaData* out) {
  constexpr const char* kName = "FileMetaData";
  return DecodeFields(
      r, kName, {{1, "version"}, {2, "schema"}, {3, "num_rows"}, {4, "row_groups"}},
      [&](const FieldHeader& f) -> Status {
        switch (f.id) {
          case 1: return ReadField(r, f, {kName, "version"}, &out->version);
          case 2: return ReadField(r, f, {kName, "schema"}, &out->schema);
          case 3: return ReadField(r, f, {kName, "num_rows"}, &out->num_rows);
          case 4: return ReadField(r, f, {kName, "row_groups"}, &out->row_groups);
          case 5: return ReadField(r, f, {kName, "key_value_metadata"}, &out->key_value_metadata);
          case 6: return ReadField(r, f, {kName, "created_by"}, &out->created_by);
          case 7: return ReadField(r, f, {kName, "column_orders"}, &out->column_orders);
          case 8: out->has_encryption_algorithm = true; return r.Skip(f.type);
          default: return r.Skip(f.type);
        }
      });
}

Status Decode(CompactReader& r, DataPageHeader* out) {
  constexpr const char* kName = "DataPageHeader";
  return DecodeFields(r, kName,
                      {{1, "num_values"},
                       {2, "encoding"},
                       {3, "definition_level_encoding"},
                       {4, "repetition_level_encoding"}},
                      [&](const FieldHeader& f) -> Status {
                        switch (f.id) {
                          case 1: return ReadField(r, f, {kName, "num_values"}, &out->num_values);
                          case 2: return ReadField(r, f, {kName, "encoding"}, &out->encoding);
                          case 3:
                            return ReadField(r, f, {kName, "definition_level_encoding"},
                                             &out->definition_level_encoding);
                          case 4:
                            return ReadField(r, f, {kName, "repetition_level_encoding"},
                                             &out->repetition_level_encoding);
                          case 5: return ReadField(r, f, {kName, "statistics"}, &out->statistics);
                          default: return r.Skip(f.type);
                        }
                      });
}

Status Decode(CompactReader& r, DictionaryPageHeader* out) {
  constexpr const char* kName = "DictionaryPageHeader";
  return DecodeFields(r, kName, {{1, "num_values"}, {2, "encoding"}},
                      [&](const FieldHeader& f) -> Status {
                        switch (f.id) {
                          case 1: return ReadField(r, f, {kName, "num_values"}, &out->num_values);
                          case 2: return ReadField(r, f, {kName, "encoding"}, &out->encoding);
                          case 3: return ReadField(r, f, {kName, "is_sorted"}, &out->is_sorted);
                          default: return r.Skip(f.type);
                        }
                      });
}

Status Decode(CompactReader& r, DataPageHeaderV2* out) {
  constexpr const char* kName = "DataPageHeaderV2";
  static constexpr std::initializer_list<Required> kRequired = {
      {1, "num_values"},
      {2, "num_nulls"},
      {3, "num_rows"},
      {4, "encoding"},
      {5, "definition_levels_byte_length"},
      {6, "repetition_levels_byte_length"}};
  return DecodeFields(r, kName, kRequired, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return ReadField(r, f, {kName, "num_values"}, &out->num_values);
      case 2: return ReadField(r, f, {kName, "num_nulls"}, &out->num_nulls);
      case 3: return ReadField(r, f, {kName, "num_rows"}, &out->num_rows);
      case 4: return ReadField(r, f, {kName, "encoding"}, &out->encoding);
      case 5:
        return ReadField(r, f, {kName, "definition_levels_byte_length"},
                         &out->definition_levels_byte_length);
      case 6:
        return ReadField(r, f, {kName, "repetition_levels_byte_length"},
                         &out->repetition_levels_byte_length);
      case 7: return ReadField(r, f, {kName, "is_compressed"}, &out->is_compressed);
      case 8: return ReadField(r, f, {kName, "statistics"}, &out->statistics);
      default: return r.Skip(f.type);
    }
  });
}

Status Decode(CompactReader& r, PageHeader* out) {
  constexpr const char* kName = "PageHeader";
  return DecodeFields(
      r, kName, {{1, "type"}, {2, "uncompressed_page_size"}, {3, "compressed_page_size"}},
      [&](const FieldHeader& f) -> Status {
        switch (f.id) {
          case 1: return ReadField(r, f, {kName, "type"}, &out->type);
          case 2:
            return ReadField(r, f, {kName, "uncompressed_page_size"}, &out->uncompressed_page_size);
          case 3:
            return ReadField(r, f, {kName, "compressed_page_size"}, &out->compressed_page_size);
          case 4: return ReadField(r, f, {kName, "crc"}, &out->crc);
          case 5: return ReadField(r, f, {kName, "data_page_header"}, &out->data_page_header);
          case 7:
            return ReadField(r, f, {kName, "dictionary_page_header"}, &out->dictionary_page_header);
          case 8: return ReadField(r, f, {kName, "data_page_header_v2"}, &out->data_page_header_v2);
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
