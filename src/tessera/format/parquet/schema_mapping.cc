#include "tessera/format/parquet/schema_mapping.h"

#include <string>

namespace tessera::parquet {

namespace {

// Deep enough for any real schema; bounds the recursion on hostile ones.
constexpr int kMaxSchemaDepth = 64;
// FIXED_LEN_BYTE_ARRAY widths above this are not data a feature store reads.
constexpr int32_t kMaxFixedWidth = 1 << 20;

Status Unsupported(const std::string& column, const std::string& what) {
  return Status::Unsupported("column '" + column + "': " + what);
}

void Set(ColumnDesc* out, DataType type, ConversionKind conversion = ConversionKind::kNone) {
  out->type = type;
  out->value_type = type;
  out->conversion = conversion;
}

Status MapDecimal(const SchemaElement& e, int32_t precision, int32_t scale,
                  const std::string& column, ColumnDesc* out) {
  Type t = *e.type;
  if (t != Type::kInt32 && t != Type::kInt64 && t != Type::kFixedLenByteArray &&
      t != Type::kByteArray) {
    return Unsupported(column, std::string("DECIMAL on ") + TypeName(t));
  }
  if (precision <= 0 || scale < 0 || scale > precision || precision > 1000) {
    return Status::Corruption("column '" + column + "': invalid DECIMAL(" +
                              std::to_string(precision) + ", " + std::to_string(scale) + ")");
  }
  out->decimal_scale = scale;
  if (precision <= 15) {
    Set(out, DataType::Double(), ConversionKind::kDecimalToDouble);
  } else {
    Set(out, DataType::String(), ConversionKind::kDecimalToString);
  }
  return Status::OK();
}

Status MapInteger(const SchemaElement& e, int bits, bool is_signed, const std::string& column,
                  ColumnDesc* out) {
  Type t = *e.type;
  if (bits <= 32 && t == Type::kInt32) {
    if (is_signed) {
      Set(out, DataType::Int32());
    } else {
      Set(out, DataType::Int64(), ConversionKind::kUint32ToInt64);
    }
    return Status::OK();
  }
  if (bits == 64 && t == Type::kInt64) {
    Set(out, DataType::Int64(), is_signed ? ConversionKind::kNone : ConversionKind::kUint64ToInt64);
    return Status::OK();
  }
  return Unsupported(column, "INTEGER(" + std::to_string(bits) + ") on " + TypeName(t));
}

Status MapTime(Type t, TimeUnit unit, bool is_timestamp, const std::string& column,
               ColumnDesc* out) {
  DataType type = is_timestamp ? DataType::Timestamp() : DataType::Int64();
  if (unit == TimeUnit::kMillis && !is_timestamp && t == Type::kInt32) {
    Set(out, type, ConversionKind::kTimeMillisToMicros);
  } else if (unit == TimeUnit::kMillis && t == Type::kInt64) {
    Set(out, type, ConversionKind::kMillisToMicros);
  } else if (unit == TimeUnit::kMicros && t == Type::kInt64) {
    Set(out, type);
  } else if (unit == TimeUnit::kNanos && t == Type::kInt64) {
    Set(out, type, ConversionKind::kNanosToMicros);
  } else {
    return Unsupported(column,
                       std::string(is_timestamp ? "TIMESTAMP" : "TIME") + " on " + TypeName(t));
  }
  return Status::OK();
}

Status MapStringLike(Type t, DataType type, const std::string& column, ColumnDesc* out) {
  if (t == Type::kByteArray) {
    Set(out, type);
  } else if (t == Type::kFixedLenByteArray) {
    Set(out, type, ConversionKind::kFixedToBytes);
  } else {
    return Unsupported(column, std::string("string annotation on ") + TypeName(t));
  }
  return Status::OK();
}

Status MapPhysical(Type t, int32_t type_length, const std::string& column, ColumnDesc* out) {
  switch (t) {
    case Type::kBoolean: Set(out, DataType::Bool()); return Status::OK();
    case Type::kInt32: Set(out, DataType::Int32()); return Status::OK();
    case Type::kInt64: Set(out, DataType::Int64()); return Status::OK();
    case Type::kInt96:
      Set(out, DataType::Timestamp(), ConversionKind::kInt96ToMicros);
      return Status::OK();
    case Type::kFloat: Set(out, DataType::Float()); return Status::OK();
    case Type::kDouble: Set(out, DataType::Double()); return Status::OK();
    case Type::kByteArray: Set(out, DataType::Bytes()); return Status::OK();
    case Type::kFixedLenByteArray:
      Set(out, DataType::Bytes(), ConversionKind::kFixedToBytes);
      return Status::OK();
  }
  return Unsupported(column, "physical type " + std::to_string(static_cast<int>(t)));
}

Status MapLogical(const SchemaElement& e, const LogicalType& lt, const std::string& column,
                  ColumnDesc* out) {
  Type t = *e.type;
  switch (lt.kind) {
    case LogicalType::kString:
    case LogicalType::kEnum:
    case LogicalType::kJson: return MapStringLike(t, DataType::String(), column, out);
    case LogicalType::kBson:
    case LogicalType::kUuid:
    case LogicalType::kGeometry:  // WKB
    case LogicalType::kGeography: return MapStringLike(t, DataType::Bytes(), column, out);
    case LogicalType::kDecimal: return MapDecimal(e, lt.precision, lt.scale, column, out);
    case LogicalType::kDate:
      if (t != Type::kInt32) return Unsupported(column, "DATE not on INT32");
      Set(out, DataType::Timestamp(), ConversionKind::kDaysToMicros);
      return Status::OK();
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      if (!lt.unit_known) return Unsupported(column, "unknown time unit");
      return MapTime(t, lt.unit, lt.kind == LogicalType::kTimestamp, column, out);
    case LogicalType::kInteger: return MapInteger(e, lt.bit_width, lt.is_signed, column, out);
    case LogicalType::kUnknown: return MapPhysical(t, out->type_length, column, out);
    case LogicalType::kFloat16:
      if (t != Type::kFixedLenByteArray || out->type_length != 2) {
        return Unsupported(column, "FLOAT16 not on FIXED_LEN_BYTE_ARRAY(2)");
      }
      Set(out, DataType::Float(), ConversionKind::kFloat16ToFloat);
      return Status::OK();
    case LogicalType::kMap:
    case LogicalType::kList:
    case LogicalType::kVariant:
      return Unsupported(column, "logical type " + std::to_string(lt.kind) + " on a leaf");
    default:  // a type newer than this reader: its physical type still reads
      return MapPhysical(t, out->type_length, column, out);
  }
}

Status MapConverted(const SchemaElement& e, ConvertedType ct, const std::string& column,
                    ColumnDesc* out) {
  Type t = *e.type;
  switch (ct) {
    case ConvertedType::kUtf8:
    case ConvertedType::kEnum:
    case ConvertedType::kJson: return MapStringLike(t, DataType::String(), column, out);
    case ConvertedType::kBson:
    case ConvertedType::kInterval: return MapStringLike(t, DataType::Bytes(), column, out);
    case ConvertedType::kDecimal:
      return MapDecimal(e, e.precision.value_or(0), e.scale.value_or(0), column, out);
    case ConvertedType::kDate:
      if (t != Type::kInt32) return Unsupported(column, "DATE not on INT32");
      Set(out, DataType::Timestamp(), ConversionKind::kDaysToMicros);
      return Status::OK();
    case ConvertedType::kTimeMillis: return MapTime(t, TimeUnit::kMillis, false, column, out);
    case ConvertedType::kTimeMicros: return MapTime(t, TimeUnit::kMicros, false, column, out);
    case ConvertedType::kTimestampMillis: return MapTime(t, TimeUnit::kMillis, true, column, out);
    case ConvertedType::kTimestampMicros: return MapTime(t, TimeUnit::kMicros, true, column, out);
    case ConvertedType::kUint8:
    case ConvertedType::kUint16:
    case ConvertedType::kUint32: return MapInteger(e, 32, false, column, out);
    case ConvertedType::kUint64: return MapInteger(e, 64, false, column, out);
    case ConvertedType::kInt8:
    case ConvertedType::kInt16:
    case ConvertedType::kInt32: return MapInteger(e, 32, true, column, out);
    case ConvertedType::kInt64: return MapInteger(e, 64, true, column, out);
    default:
      return Unsupported(column,
                         "converted type " + std::to_string(static_cast<int>(ct)) + " on a leaf");
  }
}

bool IsRepeated(const SchemaElement& e) { return e.repetition == Repetition::kRepeated; }
bool IsOptional(const SchemaElement& e) { return e.repetition == Repetition::kOptional; }
bool IsGroup(const SchemaElement& e) { return !e.type.has_value(); }
bool IsList(const SchemaElement& e) {
  return e.converted_type == ConvertedType::kList ||
         (e.logical_type && e.logical_type->kind == LogicalType::kList);
}
bool IsMap(const SchemaElement& e) {
  return e.converted_type == ConvertedType::kMap ||
         e.converted_type == ConvertedType::kMapKeyValue ||
         (e.logical_type && e.logical_type->kind == LogicalType::kMap);
}

// Skips the subtree at `i`, counting its leaves (the first one's element
// index goes to *first_leaf when it is still npos). Corruption on malformed
// child counts.
Status SkipSubtree(const std::vector<SchemaElement>& s, size_t* i, int depth, int64_t* leaves,
                   size_t* first_leaf) {
  if (*i >= s.size()) return Status::Corruption("schema: child count runs past the end");
  if (depth > kMaxSchemaDepth) return Status::Corruption("schema: nesting too deep");
  const SchemaElement& e = s[(*i)++];
  if (!IsGroup(e)) {
    if (*first_leaf == std::string::npos) *first_leaf = *i - 1;
    ++*leaves;
    return Status::OK();
  }
  int32_t n = e.num_children.value_or(0);
  if (n < 0 || static_cast<size_t>(n) > s.size()) {
    return Status::Corruption("schema: invalid child count for '" + e.name + "'");
  }
  for (int32_t c = 0; c < n; ++c) {
    TS_RETURN_NOT_OK(SkipSubtree(s, i, depth + 1, leaves, first_leaf));
  }
  return Status::OK();
}

// Fills `out` for a list element leaf: its type must be a list element type.
Status MapListElement(const SchemaElement& elem, const std::string& column, ColumnDesc* out) {
  TS_RETURN_NOT_OK(MapPrimitive(elem, column, out));
  DataType v = out->value_type;
  if (v.id() == TypeId::kInt32 && out->conversion == ConversionKind::kNone) {
    out->conversion = ConversionKind::kInt32ToInt64;
    v = DataType::Int64();
  }
  if (!DataType::IsValidListElement(v.id())) {
    return Unsupported(column, "list<" + v.ToString() + "> columns are unsupported");
  }
  out->value_type = v;
  out->type = DataType::List(v.id());
  out->max_rep = 1;
  return Status::OK();
}

// Maps the top-level group at s[i] (its subtree spans [i, end)).
Status MapGroup(const std::vector<SchemaElement>& s, size_t i, size_t end, ColumnDesc* out) {
  const SchemaElement& g = s[i];
  const std::string& column = g.name;
  if (IsMap(g)) return Unsupported(column, "map columns are unsupported");
  if (!IsList(g)) return Unsupported(column, "nested struct columns are unsupported");
  if (IsRepeated(g) || g.num_children.value_or(0) != 1 || i + 1 >= end || !IsRepeated(s[i + 1])) {
    return Unsupported(column, "this LIST layout is unsupported");
  }
  const SchemaElement& rep = s[i + 1];
  out->list_def = IsOptional(g) ? 1 : 0;
  out->element_def = out->list_def + 1;
  if (!IsGroup(rep)) {  // legacy 2-level: the repeated field is the element
    TS_RETURN_NOT_OK(MapListElement(rep, column, out));
    out->max_def = out->element_def;
    return Status::OK();
  }
  bool legacy_struct = rep.name == "array" || rep.name == column + "_tuple";
  if (rep.num_children.value_or(0) != 1 || i + 2 >= end || IsGroup(s[i + 2]) ||
      IsRepeated(s[i + 2]) || legacy_struct) {
    return Unsupported(column, "nested lists and lists of structs are unsupported");
  }
  const SchemaElement& elem = s[i + 2];
  TS_RETURN_NOT_OK(MapListElement(elem, column, out));
  out->max_def = static_cast<int16_t>(out->element_def + (IsOptional(elem) ? 1 : 0));
  return Status::OK();
}

Status MapField(const std::vector<SchemaElement>& s, size_t i, size_t end, ColumnDesc* out) {
  const SchemaElement& e = s[i];
  if (IsGroup(e)) return MapGroup(s, i, end, out);
  if (IsRepeated(e)) {  // a bare repeated primitive is a list of required values
    TS_RETURN_NOT_OK(MapListElement(e, e.name, out));
    out->list_def = 0;
    out->element_def = 1;
    out->max_def = 1;
    return Status::OK();
  }
  TS_RETURN_NOT_OK(MapPrimitive(e, e.name, out));
  out->max_def = IsOptional(e) ? 1 : 0;
  return Status::OK();
}

}  // namespace

Status MapPrimitive(const SchemaElement& e, const std::string& column, ColumnDesc* out) {
  if (!e.type) return Unsupported(column, "expected a primitive");
  out->physical = *e.type;
  if (out->physical == Type::kFixedLenByteArray) {
    int32_t width = e.type_length.value_or(0);
    if (width <= 0 || width > kMaxFixedWidth) {
      return Status::Corruption("column '" + column + "': invalid FIXED_LEN_BYTE_ARRAY length " +
                                std::to_string(width));
    }
    out->type_length = width;
  }
  if (e.logical_type && e.logical_type->kind != LogicalType::kUnknown) {
    return MapLogical(e, *e.logical_type, column, out);
  }
  if (e.converted_type) return MapConverted(e, *e.converted_type, column, out);
  return MapPhysical(out->physical, out->type_length, column, out);
}

Result<std::vector<TopLevelField>> WalkTopLevelFields(const std::vector<SchemaElement>& s) {
  if (s.empty()) return Status::Corruption("schema is empty");
  int32_t n = s[0].num_children.value_or(0);
  if (n < 0 || static_cast<size_t>(n) >= s.size() + 1) {
    return Status::Corruption("schema: invalid root child count");
  }
  std::vector<TopLevelField> fields;
  size_t i = 1;
  int64_t leaves = 0;
  for (int32_t f = 0; f < n; ++f) {
    TopLevelField field;
    field.element = i;
    field.leaf_index = leaves;
    size_t first_leaf = std::string::npos;
    TS_RETURN_NOT_OK(SkipSubtree(s, &i, 1, &leaves, &first_leaf));
    field.end = i;
    field.num_leaves = leaves - field.leaf_index;
    // A childless group has no leaf: it stands for itself (and maps to an
    // unsupported field, not a corrupt file).
    field.first_leaf = first_leaf == std::string::npos ? field.element : first_leaf;
    fields.push_back(field);
  }
  if (i != s.size()) return Status::Corruption("schema: elements after the last field");
  return fields;
}

Result<std::vector<FieldMapping>> MapSchema(const std::vector<SchemaElement>& s,
                                            int64_t num_leaves) {
  TS_ASSIGN_OR_RETURN(std::vector<TopLevelField> walk, WalkTopLevelFields(s));
  std::vector<FieldMapping> fields;
  int64_t leaves = 0;
  for (const TopLevelField& t : walk) {
    FieldMapping m;
    m.name = s[t.element].name;
    m.column.name = m.name;
    m.column.leaf_index = static_cast<int>(t.leaf_index);
    m.status = MapField(s, t.element, t.end, &m.column);
    if (m.status.ok() && t.num_leaves != 1) {
      m.status = Status::Internal("column '" + m.name + "': expected one leaf");
    }
    leaves += t.num_leaves;
    fields.push_back(std::move(m));
  }
  if (num_leaves >= 0 && leaves != num_leaves) {
    return Status::Corruption("schema has " + std::to_string(leaves) +
                              " leaf columns but row groups have " + std::to_string(num_leaves));
  }
  return fields;
}

}  // namespace tessera::parquet
