#include "tessera/serving/json_conform.h"

#include <charconv>
#include <limits>
#include <string>

#include "tessera/core/builder.h"
#include "tessera/core/time.h"

namespace tessera::serving {
namespace {

ApiError ValueError(const std::string& column, int64_t row, std::string reason) {
  return {400, column + "[" + std::to_string(row) + "]", std::move(reason)};
}

// Quoted and cut to 40 bytes, for messages (the writer escapes the rest).
std::string Shown(std::string_view text) {
  if (text.size() > 40) return "'" + std::string(text.substr(0, 40)) + "...'";
  return "'" + std::string(text) + "'";
}

bool IsAllNull(const Array& a) { return a.null_count() == a.length(); }

// Converts element `i` of `in` (valid) and appends it to `out` of type `to`.
// Returns the reason when it does not convert.
std::optional<std::string> AppendConverted(const Array& in, int64_t i, DataType to,
                                           ArrayBuilder* out) {
  TypeId from = in.type().id();
  auto ok = [](const Status& st) -> std::optional<std::string> {
    if (st.ok()) return std::nullopt;
    return st.message();
  };
  if (from == TypeId::kInt64) {
    int64_t v = in.GetInt64(i);
    switch (to.id()) {
      case TypeId::kInt64: return ok(static_cast<Int64Builder*>(out)->Append(v));
      case TypeId::kInt32:
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
          return std::to_string(v) + " is outside the int32 range";
        }
        return ok(static_cast<Int32Builder*>(out)->Append(static_cast<int32_t>(v)));
      case TypeId::kFloat:
        return ok(static_cast<FloatBuilder*>(out)->Append(static_cast<float>(v)));
      case TypeId::kDouble:
        return ok(static_cast<DoubleBuilder*>(out)->Append(static_cast<double>(v)));
      default: break;
    }
  } else if (from == TypeId::kDouble) {
    double v = in.GetDouble(i);
    if (to.id() == TypeId::kFloat) {
      return ok(static_cast<FloatBuilder*>(out)->Append(static_cast<float>(v)));
    }
    if (to.id() == TypeId::kDouble) return ok(static_cast<DoubleBuilder*>(out)->Append(v));
  } else if (from == TypeId::kString) {
    std::string_view text = in.GetView(i);
    if (to.id() == TypeId::kTimestamp) {
      Result<int64_t> ts = ParseTimestamp(text);
      if (!ts.ok()) return Shown(text) + " is not a timestamp: " + ts.status().message();
      return ok(static_cast<Int64Builder*>(out)->Append(*ts));
    }
    if (to.id() == TypeId::kBytes) {
      std::string bytes;
      if (!DecodeBase64(text, &bytes)) return Shown(text) + " is not base64";
      return ok(static_cast<BinaryBuilder*>(out)->Append(bytes));
    }
    if (to.id() == TypeId::kInt64 || to.id() == TypeId::kInt32) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
        return Shown(text) + " is not an integer";
      }
      if (to.id() == TypeId::kInt64) return ok(static_cast<Int64Builder*>(out)->Append(v));
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return std::string(text) + " is outside the int32 range";
      }
      return ok(static_cast<Int32Builder*>(out)->Append(static_cast<int32_t>(v)));
    }
    if (to.id() == TypeId::kString) return ok(static_cast<BinaryBuilder*>(out)->Append(text));
  }
  return "cannot convert";  // not reached: Converts() said yes
}

// Whether ConformJsonColumns converts `from` to `to` (see the header).
bool Converts(DataType from, DataType to) {
  if (from == to) return false;
  auto scalar = [](TypeId f, TypeId t) {
    switch (f) {
      case TypeId::kInt64:
        return t == TypeId::kInt32 || t == TypeId::kFloat || t == TypeId::kDouble;
      case TypeId::kDouble: return t == TypeId::kFloat;
      case TypeId::kString:
        return t == TypeId::kTimestamp || t == TypeId::kBytes || t == TypeId::kInt64 ||
               t == TypeId::kInt32;
      default: return false;
    }
  };
  if (from.is_list() && to.is_list()) {
    return (from.element() == TypeId::kInt64 || from.element() == TypeId::kDouble) &&
           (to.element() == TypeId::kFloat || to.element() == TypeId::kDouble) &&
           from.element() != to.element();
  }
  return !from.is_list() && !to.is_list() && scalar(from.id(), to.id());
}

Result<ArrayPtr> NullColumn(DataType type, int64_t rows) {
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(type);
  for (int64_t i = 0; i < rows; ++i) TS_RETURN_NOT_OK(b->AppendNull());
  return b->Finish();
}

std::optional<ApiError> Convert(const Array& in, DataType to, const std::string& column,
                                ArrayPtr* out) {
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(to);
  for (int64_t i = 0; i < in.length(); ++i) {
    Status st;
    std::optional<std::string> reason;
    if (in.IsNull(i)) {
      st = b->AppendNull();
    } else if (!to.is_list()) {
      reason = AppendConverted(in, i, to, b.get());
    } else {
      auto* list = static_cast<ListBuilder*>(b.get());
      st = list->StartList();
      const Array& child = in.child();
      for (int64_t j = in.offset(i); j < in.offset(i + 1) && st.ok() && !reason; ++j) {
        if (child.IsNull(j)) {
          st = list->child()->AppendNull();
        } else {
          reason = AppendConverted(child, j, to.element_type(), list->child());
        }
      }
    }
    if (reason) return ValueError(column, i, *reason);
    if (!st.ok()) return ApiError{500, column, st.message()};
  }
  Result<ArrayPtr> array = b->Finish();
  if (!array.ok()) return ApiError{500, column, array.status().message()};
  *out = std::move(*array);
  return std::nullopt;
}

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool DecodeBase64(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 != 0) return false;
  out->reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    uint32_t n = 0;
    for (size_t k = 0; k < 4; ++k) {
      int v = k >= 4 - static_cast<size_t>(pad) ? 0 : Sextet(text[i + k]);
      if (v < 0) return false;
      n = n << 6 | static_cast<uint32_t>(v);
    }
    out->push_back(static_cast<char>(n >> 16));
    if (pad < 2) out->push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out->push_back(static_cast<char>(n & 0xff));
  }
  return true;
}

std::optional<ApiError> ConformJsonColumns(const Schema& target, std::string_view field,
                                           JsonColumns* columns) {
  for (size_t c = 0; c < columns->fields.size(); ++c) {
    Field& f = columns->fields[c];
    int at = target.IndexOf(f.name);
    if (at < 0) continue;
    DataType to = target.field(at).type;
    const Array& in = *columns->columns[c];
    std::string column = std::string(field) + "." + f.name;
    if (f.type != to && IsAllNull(in)) {
      Result<ArrayPtr> nulls = NullColumn(to, in.length());
      if (!nulls.ok()) return ApiError{500, column, nulls.status().message()};
      columns->columns[c] = std::move(*nulls);
      f.type = to;
      continue;
    }
    if (!Converts(f.type, to)) continue;
    ArrayPtr converted;
    if (auto err = Convert(in, to, column, &converted)) return err;
    columns->columns[c] = std::move(converted);
    f.type = to;
  }
  return std::nullopt;
}

}  // namespace tessera::serving
