#include "tessera/format/csv/csv_json_list.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "tessera/format/csv/csv_tokenizer.h"

namespace tessera::csv::internal {

namespace {

// SAX handler accepting exactly one flat array of `element` values. On a
// type mismatch it records why and stops the parse.
class ListHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ListHandler> {
 public:
  ListHandler(TypeId element, JsonListParser::Elements* out) : element_(element), out_(out) {}

  const std::string& why() const { return why_; }

  bool StartArray() {
    if (depth_++ == 0) return true;
    return Reject("nested arrays are not allowed");
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartObject() { return Reject("objects are not allowed in a list"); }
  bool Null() {
    if (!InArray()) return false;
    out_->valid.push_back(0);
    PushPlaceholder();
    return true;
  }
  bool Bool(bool) { return Reject("booleans are not allowed in a list<" + ElementName() + ">"); }
  // Numbers arrive as their text (kParseNumbersAsStringsFlag) so that "-0"
  // keeps its sign (RapidJSON would report it as the integer 0) and every
  // double is parsed correctly rounded by from_chars.
  bool RawNumber(const char* s, rapidjson::SizeType len, bool) {
    if (!InArray()) return false;
    const std::string_view text(s, len);
    if (element_ == TypeId::kInt64) return IntegerText(text);
    if (text == "NaN") return Floating(std::numeric_limits<double>::quiet_NaN());
    if (text == "Infinity") return Floating(std::numeric_limits<double>::infinity());
    if (text == "-Infinity") return Floating(-std::numeric_limits<double>::infinity());
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (end != text.data() + text.size() || ec == std::errc::invalid_argument) {
      return Reject("element " + QuoteForMessage(text) + " is not a number");
    }
    if (ec == std::errc::result_out_of_range) {  // strtod tells overflow from underflow
      v = std::strtod(std::string(text).c_str(), nullptr);
      if (!std::isfinite(v)) {
        return Reject("element " + std::string(text) + " is out of range for " + ElementName());
      }
    }
    return Floating(v);
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    if (!InArray()) return false;
    std::string_view text(s, len);
    if (element_ == TypeId::kString) {
      out_->string_data.append(text);
      out_->string_ends.push_back(out_->string_data.size());
      out_->valid.push_back(1);
      return true;
    }
    if (element_ == TypeId::kFloat || element_ == TypeId::kDouble) {
      if (text == "NaN") return Floating(std::numeric_limits<double>::quiet_NaN());
      if (text == "Infinity") return Floating(std::numeric_limits<double>::infinity());
      if (text == "-Infinity") return Floating(-std::numeric_limits<double>::infinity());
    }
    return Reject("string element " + QuoteForMessage(text) + " is not a " + ElementName());
  }
  bool Default() { return false; }

 private:
  bool InArray() {
    if (depth_ == 1) return true;
    why_ = depth_ == 0 ? "expected a JSON array" : "nested values are not allowed";
    return false;
  }
  bool Reject(std::string why) {
    why_ = std::move(why);
    return false;
  }
  std::string ElementName() const { return TypeIdName(element_); }
  bool IntegerText(std::string_view text) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (end != text.data() + text.size()) {
      return Reject("element is not an int64 (has a fraction)");
    }
    if (ec == std::errc::result_out_of_range) {
      return Reject("element " + std::string(text) + " is out of range for int64");
    }
    if (ec != std::errc()) return Reject("element " + QuoteForMessage(text) + " is not an int64");
    out_->ints.push_back(v);
    out_->valid.push_back(1);
    return true;
  }
  bool Floating(double v) {
    if (!InArray()) return false;
    if (element_ != TypeId::kFloat && element_ != TypeId::kDouble) {
      return Reject("number elements are not allowed in a list<" + ElementName() + ">");
    }
    out_->doubles.push_back(v);
    out_->valid.push_back(1);
    return true;
  }
  void PushPlaceholder() {
    if (element_ == TypeId::kInt64) out_->ints.push_back(0);
    if (element_ == TypeId::kString) out_->string_ends.push_back(out_->string_data.size());
    if (element_ == TypeId::kFloat || element_ == TypeId::kDouble) out_->doubles.push_back(0);
  }

  TypeId element_;
  JsonListParser::Elements* out_;
  int depth_ = 0;
  std::string why_;
};

constexpr unsigned kParseFlags = rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseNanAndInfFlag |
                                 rapidjson::kParseValidateEncodingFlag;

}  // namespace

void JsonListParser::Elements::Clear() {
  doubles.clear();
  ints.clear();
  string_data.clear();
  string_ends.clear();
  valid.clear();
}

Status JsonListParser::Append(std::string_view text, ListBuilder* builder) {
  elements_.Clear();
  ListHandler handler(element_, &elements_);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  rapidjson::ParseResult ok = reader.Parse<kParseFlags>(stream, handler);
  if (!ok) {
    std::string why = handler.why().empty() ? std::string(rapidjson::GetParseError_En(ok.Code())) +
                                                  " at offset " + std::to_string(ok.Offset())
                                            : handler.why();
    return Status::Invalid(QuoteForMessage(text) + " is not a JSON array of " +
                           TypeIdName(element_) + ": " + why);
  }
  return AppendElements(builder);
}

Status JsonListParser::AppendElements(ListBuilder* builder) {
  TS_RETURN_NOT_OK(builder->StartList());
  ArrayBuilder* child = builder->child();
  size_t string_start = 0;
  for (size_t i = 0; i < elements_.valid.size(); ++i) {
    if (!elements_.valid[i]) {
      TS_RETURN_NOT_OK(child->AppendNull());
      if (element_ == TypeId::kString) string_start = elements_.string_ends[i];
      continue;
    }
    switch (element_) {
      case TypeId::kInt64:
        TS_RETURN_NOT_OK(static_cast<Int64Builder*>(child)->Append(elements_.ints[i]));
        break;
      case TypeId::kDouble:
        TS_RETURN_NOT_OK(static_cast<DoubleBuilder*>(child)->Append(elements_.doubles[i]));
        break;
      case TypeId::kFloat:
        TS_RETURN_NOT_OK(
            static_cast<FloatBuilder*>(child)->Append(static_cast<float>(elements_.doubles[i])));
        break;
      default: {
        size_t end = elements_.string_ends[i];
        TS_RETURN_NOT_OK(static_cast<BinaryBuilder*>(child)->Append(
            std::string_view(elements_.string_data).substr(string_start, end - string_start)));
        string_start = end;
      }
    }
  }
  return Status::OK();
}

void AppendJsonString(std::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

namespace {

template <typename T>
void AppendFloating(T v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v < 0 ? "-Infinity" : "Infinity");
  } else {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, res.ptr);
  }
}

// JSON has no NaN or infinities: write them as the strings DESIGN.md uses.
template <typename T>
void AppendJsonFloating(T v, std::string* out) {
  if (std::isfinite(v)) return AppendFloating(v, out);
  out->push_back('"');
  AppendFloating(v, out);
  out->push_back('"');
}

}  // namespace

void AppendDouble(double v, std::string* out) { AppendFloating(v, out); }
void AppendFloat(float v, std::string* out) { AppendFloating(v, out); }

void FormatJsonList(const Array& list, int64_t row, std::string* out) {
  const Array& child = list.child();
  out->push_back('[');
  for (int64_t i = list.offset(row), end = list.offset(row + 1); i < end; ++i) {
    if (i != list.offset(row)) out->push_back(',');
    if (child.IsNull(i)) {
      out->append("null");
      continue;
    }
    switch (child.type().id()) {
      case TypeId::kInt64: {
        char buf[32];
        auto res = std::to_chars(buf, buf + sizeof(buf), child.GetInt64(i));
        out->append(buf, res.ptr);
        break;
      }
      case TypeId::kFloat: AppendJsonFloating(child.GetFloat(i), out); break;
      case TypeId::kDouble: AppendJsonFloating(child.GetDouble(i), out); break;
      default: AppendJsonString(child.GetView(i), out);
    }
  }
  out->push_back(']');
}

}  // namespace tessera::csv::internal
