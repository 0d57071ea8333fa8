#include "tessera/serving/json_columns.h"

#include <cmath>
#include <limits>
#include <string>

#include "tessera/core/builder.h"

namespace tessera::serving {
namespace {

using rapidjson::Value;

// What one JSON value is, for choosing its column's type.
enum Kind : int { kNull, kBool, kInt, kDouble, kSpecial, kString, kArray, kObject, kNumKinds };

const char* KindName(int kind) {
  static const char* const kNames[] = {"null",     "a boolean", "an integer", "a number",
                                       "a number", "a string",  "a list",     "an object"};
  return kNames[kind];
}

bool IsSpecialDouble(std::string_view s) {
  return s == "NaN" || s == "Infinity" || s == "-Infinity";
}

std::string_view View(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

Kind KindOf(const Value& v) {
  if (v.IsNull()) return kNull;
  if (v.IsBool()) return kBool;
  if (v.IsInt64() || v.IsUint64()) return kInt;  // beyond int64: refused by CheckRanges
  if (v.IsNumber()) return kDouble;
  if (v.IsString()) return IsSpecialDouble(View(v)) ? kSpecial : kString;
  if (v.IsArray()) return kArray;
  return kObject;
}

// The first position (row, or element across a column's lists) of each kind.
struct KindSeen {
  int64_t first[kNumKinds];
  KindSeen() {
    for (int64_t& f : first) f = -1;
  }
  void Add(Kind k, int64_t at) {
    if (first[k] < 0) first[k] = at;
  }
  bool Has(int k) const { return first[k] >= 0; }
};

ApiError Error(std::string field, std::string reason) { return {400, std::move(field), reason}; }

std::string At(std::string_view name, int64_t row) {
  return std::string(name) + "[" + std::to_string(row) + "]";
}

// A column's place in errors, "entities.user_id": spelled only for one
// (a request's columns are checked on every request).
struct ColumnName {
  std::string_view field;
  std::string_view name;
  std::string str() const {
    std::string out(field);
    out += '.';
    out += name;
    return out;
  }
};

// The scalar type for the kinds seen (nulls aside), or an error naming two
// kinds that cannot share a column. `what` names positions ("row", "list
// element"). Arrays give kList (the caller looks at their elements).
std::optional<ApiError> ScalarType(const KindSeen& seen, const ColumnName& column, const char* what,
                                   TypeId* type) {
  enum Group { kBoolean, kNumber, kText, kList, kNumGroups };
  static const char* const kGroupNames[] = {"a boolean", "a number", "a string", "a list"};
  int64_t first[kNumGroups] = {-1, -1, -1, -1};
  auto add = [&](Group g, int64_t at) {
    if (at >= 0 && (first[g] < 0 || at < first[g])) first[g] = at;
  };
  bool numbers = seen.Has(kInt) || seen.Has(kDouble);
  add(kBoolean, seen.first[kBool]);
  add(kNumber, seen.first[kInt]);
  add(kNumber, seen.first[kDouble]);
  add(numbers ? kNumber : kText, seen.first[kSpecial]);  // "NaN" among numbers is a double
  add(kText, seen.first[kString]);
  add(kList, seen.first[kArray]);
  int present[kNumGroups];
  int n = 0;
  for (int g = 0; g < kNumGroups; ++g) {
    if (first[g] >= 0) present[n++] = g;
  }
  if (n > 1) {
    int a = present[0], b = present[1];
    return Error(column.str(), std::string("mixed value types: ") + what + " " +
                                   std::to_string(first[a]) + " is " + kGroupNames[a] + " and " +
                                   what + " " + std::to_string(first[b]) + " is " + kGroupNames[b]);
  }
  if (n == 0) {
    *type = TypeId::kInt64;  // only nulls
  } else if (present[0] == kBoolean) {
    *type = TypeId::kBool;
  } else if (present[0] == kNumber) {
    *type = seen.Has(kDouble) || seen.Has(kSpecial) ? TypeId::kDouble : TypeId::kInt64;
  } else {
    *type = present[0] == kText ? TypeId::kString : TypeId::kList;
  }
  return std::nullopt;
}

// An integer beyond int64 (RapidJSON keeps those as uint64 or double), at
// row `row` of `column` (the place is spelled only for an error).
std::optional<ApiError> CheckInt64Range(const Value& v, const ColumnName& column, int64_t row) {
  if (v.IsUint64() && !v.IsInt64()) {
    return Error(At(column.str(), row),
                 std::to_string(v.GetUint64()) + " is outside the int64 range");
  }
  return std::nullopt;
}

// The type of a column whose values are `array` (a JSON array).
std::optional<ApiError> ColumnType(const Value& array, const ColumnName& column, DataType* type) {
  KindSeen rows;
  KindSeen elements;
  int64_t element_index = 0;
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    const Value& v = array[i];
    Kind k = KindOf(v);
    rows.Add(k, i);
    if (k == kObject) return Error(At(column.str(), i), "an object is not a value");
    if (k != kArray) continue;
    for (rapidjson::SizeType j = 0; j < v.Size(); ++j, ++element_index) {
      Kind e = KindOf(v[j]);
      if (e == kArray || e == kObject || e == kBool) {
        return Error(At(column.str(), i),
                     std::string("a list may hold numbers or strings, not ") + KindName(e));
      }
      elements.Add(e, element_index);
    }
  }
  TypeId scalar;
  if (auto err = ScalarType(rows, column, "row", &scalar)) return err;
  if (scalar != TypeId::kList) {
    *type = DataType(scalar);
    return std::nullopt;
  }
  TypeId element;
  if (auto err = ScalarType(elements, column, "list element", &element)) return err;
  *type = DataType::List(element);
  return std::nullopt;
}

double DoubleOf(const Value& v) {
  if (v.IsNumber()) return v.GetDouble();
  std::string_view s = View(v);
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  return s == "Infinity" ? std::numeric_limits<double>::infinity()
                         : -std::numeric_limits<double>::infinity();
}

// Appends scalar `v` (not null) to `builder` of scalar type `type`.
Status AppendScalar(const Value& v, TypeId type, ArrayBuilder* builder) {
  switch (type) {
    case TypeId::kBool: return static_cast<BoolBuilder*>(builder)->Append(v.GetBool() ? 1 : 0);
    case TypeId::kInt64: return static_cast<Int64Builder*>(builder)->Append(v.GetInt64());
    case TypeId::kDouble: return static_cast<DoubleBuilder*>(builder)->Append(DoubleOf(v));
    default: return static_cast<BinaryBuilder*>(builder)->Append(View(v));
  }
}

std::optional<ApiError> CheckRanges(const Value& array, const ColumnName& column, bool list) {
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    const Value& v = array[i];
    if (!list) {
      if (auto err = CheckInt64Range(v, column, i)) return err;
      continue;
    }
    if (!v.IsArray()) continue;
    for (const Value& e : v.GetArray()) {
      if (auto err = CheckInt64Range(e, column, i)) return err;
    }
  }
  return std::nullopt;
}

// A builder for `type`: for a scalar type the thread's own, kept from one
// column to the next (Finish empties it; one that a failed column left
// with values is replaced), so a request's key column does not make and
// free one; a list builder is made afresh.
ArrayBuilder* BuilderFor(DataType type, std::unique_ptr<ArrayBuilder>* fresh) {
  if (!type.is_list()) {
    thread_local std::unique_ptr<ArrayBuilder> kept[4];  // bool, int64, double, string
    std::unique_ptr<ArrayBuilder>& b = kept[type.id() == TypeId::kBool     ? 0
                                            : type.id() == TypeId::kInt64  ? 1
                                            : type.id() == TypeId::kDouble ? 2
                                                                           : 3];
    if (b == nullptr || !(b->type() == type) || b->length() != 0) b = ArrayBuilder::Make(type);
    return b.get();
  }
  *fresh = ArrayBuilder::Make(type);
  return fresh->get();
}

Result<ArrayPtr> BuildColumn(const Value& array, DataType type) {
  std::unique_ptr<ArrayBuilder> fresh;
  ArrayBuilder* builder = BuilderFor(type, &fresh);
  TS_RETURN_NOT_OK(builder->Reserve(array.Size()));
  for (const Value& v : array.GetArray()) {
    if (v.IsNull()) {
      TS_RETURN_NOT_OK(builder->AppendNull());
    } else if (!type.is_list()) {
      TS_RETURN_NOT_OK(AppendScalar(v, type.id(), builder));
    } else {
      auto* list = static_cast<ListBuilder*>(builder);
      TS_RETURN_NOT_OK(list->StartList());
      for (const Value& e : v.GetArray()) {
        TS_RETURN_NOT_OK(e.IsNull() ? list->child()->AppendNull()
                                    : AppendScalar(e, type.element(), list->child()));
      }
    }
  }
  return builder->Finish();
}

}  // namespace

std::optional<ApiError> JsonColumnsToBatch(JsonColumns columns, std::string_view field,
                                           RecordBatchPtr* out) {
  if (columns.fields.empty()) return Error(std::string(field), "has no columns");
  // Requests of one shape repeat their columns (names and types): the
  // thread's last schema is shared (schemas are immutable) instead of
  // built again.
  thread_local SchemaPtr last;
  SchemaPtr schema = last;
  if (schema == nullptr || schema->fields() != columns.fields) {
    Result<SchemaPtr> made = Schema::Make(std::move(columns.fields));
    if (!made.ok()) return Error(std::string(field), made.status().message());
    schema = *made;
    last = schema;
  }
  Result<RecordBatchPtr> batch = RecordBatch::Make(schema, std::move(columns.columns));
  if (!batch.ok()) return ApiError{500, std::string(field), batch.status().message()};
  *out = std::move(*batch);
  return std::nullopt;
}

std::optional<ApiError> AppendJsonColumns(const Value& object, std::string_view field,
                                          JsonColumns* out) {
  if (!object.IsObject()) {
    return Error(std::string(field), "expected an object of columns ({\"name\": [values]})");
  }
  for (const auto& member : object.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const ColumnName column{field, name};
    if (name.empty()) return Error(column.str(), "a column name is empty");
    for (const Field& f : out->fields) {
      if (f.name == name) {
        return Error(column.str(), "the column " + std::string(name) + " is given twice");
      }
    }
    const Value& values = member.value;
    if (!values.IsArray()) {
      return Error(column.str(), "expected an array of values, one per row");
    }
    int64_t n = values.Size();
    if (out->num_rows >= 0 && n != out->num_rows) {
      return Error(column.str(), "has " + std::to_string(n) + " values, " + out->fields[0].name +
                                     " has " + std::to_string(out->num_rows));
    }
    DataType type;
    if (auto err = ColumnType(values, column, &type)) return err;
    bool int_elements =
        type.id() == TypeId::kInt64 || (type.is_list() && type.element() == TypeId::kInt64);
    if (int_elements) {
      if (auto err = CheckRanges(values, column, type.is_list())) return err;
    }
    Result<ArrayPtr> array = BuildColumn(values, type);
    if (!array.ok()) return ApiError{500, column.str(), array.status().message()};
    out->num_rows = n;
    out->fields.push_back(Field{std::string(name), type});
    out->columns.push_back(std::move(*array));
  }
  return std::nullopt;
}

}  // namespace tessera::serving
