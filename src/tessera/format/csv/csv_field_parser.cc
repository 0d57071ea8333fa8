#include "tessera/format/csv/csv_field_parser.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "tessera/core/time.h"
#include "tessera/format/csv/csv_json_list.h"
#include "tessera/format/csv/csv_text.h"

namespace tessera::csv::internal {

namespace {

bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// from_chars takes no leading '+'; CSV producers sometimes write one.
std::string_view StripPlus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  return s;
}

Status NotA(std::string_view text, const char* what) {
  return Status::Invalid(QuoteForMessage(text) + " is not " + what);
}

Status OutOfRange(std::string_view text, const char* type) {
  return Status::Invalid(QuoteForMessage(text) + " is out of range for " + type);
}

// Floating parse; `*range_error` is set when the text is a number too large
// for T. Numbers too small for T become zero or a subnormal, as strtod does.
template <typename T>
bool ParseFloating(std::string_view s, T* out, bool* range_error) {
  *range_error = false;
  s = StripPlus(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ptr != s.data() + s.size()) return false;
  if (ec == std::errc()) return true;
  if (ec != std::errc::result_out_of_range) return false;
  // Rare path: let strtod tell overflow (error) from underflow (fine).
  std::string copy(s);
  double d = std::strtod(copy.c_str(), nullptr);
  if (std::isinf(d) || std::abs(d) > std::numeric_limits<T>::max()) {
    *range_error = true;
    return false;
  }
  *out = static_cast<T>(d);
  return true;
}

}  // namespace

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseBoolText(std::string_view s, bool* out) {
  if (s == "1" || EqualsIgnoreCase(s, "true")) {
    *out = true;
    return true;
  }
  if (s == "0" || EqualsIgnoreCase(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

bool ParseInt64Text(std::string_view s, int64_t* out, bool* overflow) {
  *overflow = false;
  s = StripPlus(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ptr != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) *overflow = true;
  return ec == std::errc();
}

bool ParseDoubleText(std::string_view s, double* out) {
  bool range_error;
  return ParseFloating(s, out, &range_error);
}

bool ParseFloatText(std::string_view s, float* out) {
  bool range_error;
  return ParseFloating(s, out, &range_error);
}

ColumnParser::ColumnParser(DataType type) : type_(type), builder_(ArrayBuilder::Make(type)) {
  if (type.is_list()) list_parser_ = std::make_unique<JsonListParser>(type);
}

ColumnParser::~ColumnParser() = default;
ColumnParser::ColumnParser(ColumnParser&&) noexcept = default;

Status ColumnParser::Append(const CsvField& field) {
  if (field.text.empty() && (!field.quoted || !type_.is_binary_like())) {
    return builder_->AppendNull();
  }
  switch (type_.id()) {
    case TypeId::kString: TS_RETURN_NOT_OK(CheckUtf8Field(field.text)); [[fallthrough]];
    case TypeId::kBytes: return static_cast<BinaryBuilder*>(builder_.get())->Append(field.text);
    case TypeId::kBool: return AppendBool(field.text);
    case TypeId::kInt32: return AppendInt32(field.text);
    case TypeId::kInt64: return AppendInt64(field.text);
    case TypeId::kFloat: return AppendFloat(field.text);
    case TypeId::kDouble: return AppendDouble(field.text);
    case TypeId::kTimestamp: return AppendTimestamp(field.text);
    case TypeId::kList:
      if (type_.element() == TypeId::kString) TS_RETURN_NOT_OK(CheckUtf8Field(field.text));
      return list_parser_->Append(field.text, static_cast<ListBuilder*>(builder_.get()));
  }
  return Status::Internal("unknown type");
}

Status ColumnParser::AppendBool(std::string_view text) {
  bool v;
  if (!ParseBoolText(TrimBlanks(text), &v)) {
    return NotA(text, "a bool (expected true, false, 1 or 0)");
  }
  return static_cast<BoolBuilder*>(builder_.get())->Append(v ? 1 : 0);
}

Status ColumnParser::AppendInt32(std::string_view text) {
  int64_t v;
  bool overflow;
  if (!ParseInt64Text(TrimBlanks(text), &v, &overflow)) {
    return overflow ? OutOfRange(text, "int32") : NotA(text, "an int32");
  }
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return OutOfRange(text, "int32");
  }
  return static_cast<Int32Builder*>(builder_.get())->Append(static_cast<int32_t>(v));
}

Status ColumnParser::AppendInt64(std::string_view text) {
  int64_t v;
  bool overflow;
  if (!ParseInt64Text(TrimBlanks(text), &v, &overflow)) {
    return overflow ? OutOfRange(text, "int64") : NotA(text, "an int64");
  }
  return static_cast<Int64Builder*>(builder_.get())->Append(v);
}

Status ColumnParser::AppendFloat(std::string_view text) {
  float v;
  bool range_error;
  if (!ParseFloating(TrimBlanks(text), &v, &range_error)) {
    return range_error ? OutOfRange(text, "float") : NotA(text, "a float");
  }
  return static_cast<FloatBuilder*>(builder_.get())->Append(v);
}

Status ColumnParser::AppendDouble(std::string_view text) {
  double v;
  bool range_error;
  if (!ParseFloating(TrimBlanks(text), &v, &range_error)) {
    return range_error ? OutOfRange(text, "double") : NotA(text, "a double");
  }
  return static_cast<DoubleBuilder*>(builder_.get())->Append(v);
}

Status ColumnParser::AppendTimestamp(std::string_view text) {
  Result<int64_t> micros = ParseTimestamp(TrimBlanks(text));
  if (!micros.ok()) {
    // ParseTimestamp says "invalid timestamp '<text>': why"; keep the why.
    const std::string& msg = micros.status().message();
    size_t why = msg.find("': ");
    return NotA(text,
                ("a timestamp" +
                 (why == std::string::npos ? std::string() : " (" + msg.substr(why + 3) + ")"))
                    .c_str());
  }
  return static_cast<Int64Builder*>(builder_.get())->Append(*micros);
}

}  // namespace tessera::csv::internal
