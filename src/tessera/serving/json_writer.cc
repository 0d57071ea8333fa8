#include "tessera/serving/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "tessera/core/time.h"
#include "tessera/core/utf8.h"

namespace tessera::serving {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Appends `s`, which is valid UTF-8, with the characters JSON requires
// escaped (quote, backslash, controls below 0x20).
void AppendEscapedValid(std::string* out, std::string_view s) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
}

// kPlain[c]: byte c is printable ASCII other than quote and backslash.
constexpr auto kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// True when every byte of `s` is plain: the string is written as it is (the
// common case: names, statuses, ASCII values), with no UTF-8 decoding.
bool IsPlain(std::string_view s) {
  for (char ch : s) {
    if (!kPlain[static_cast<unsigned char>(ch)]) return false;
  }
  return true;
}

// Appends `open`, `s` and `close` in one append when `s` is plain and short
// (the usual key or string value; fewer appends is most of the cost of a
// small response); false, appending nothing, otherwise.
bool AppendPlainQuoted(std::string* out, std::string_view s, std::string_view close) {
  char buf[96];
  if (s.size() + 1 + close.size() > sizeof(buf) || !IsPlain(s)) return false;
  buf[0] = '"';
  std::memcpy(buf + 1, s.data(), s.size());
  std::memcpy(buf + 1 + s.size(), close.data(), close.size());
  out->append(buf, 1 + s.size() + close.size());
  return true;
}

// As AppendEscapedValid, replacing each byte that starts no well-formed
// sequence with U+FFFD.
void AppendEscaped(std::string* out, std::string_view s) {
  if (IsPlain(s)) {
    out->append(s);
    return;
  }
  size_t bad = FindInvalidUtf8(s);
  if (bad == std::string_view::npos) return AppendEscapedValid(out, s);
  size_t i = 0;
  while (i < s.size()) {
    size_t good = i;
    size_t len = 0;
    while (good < s.size() && (len = Utf8SequenceLength(s, good)) != 0) good += len;
    AppendEscapedValid(out, s.substr(i, good - i));
    if (good < s.size()) {
      out->append("\xEF\xBF\xBD");
      ++good;
    }
    i = good;
  }
}

template <typename T>
void AppendNumber(std::string* out, T v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(end - buf));
}

template <typename T>
void AppendFloating(std::string* out, T v) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    // Shortest round-trip digits, always with a fraction or an exponent, so
    // a JSON reader (Python's, Feast's clients) reads a float back as a
    // float and -0.0 keeps its sign ("2.0", not "2"; "-0.0", not "-0").
    char buf[40];
    char* end = std::to_chars(buf, buf + 32, v).ptr;
    // std::string::find_first_of calls memchr per character: as costly as
    // the formatting itself. The digits are at most ~25 bytes.
    bool has_point = false;
    for (const char* c = buf; c < end; ++c) has_point |= *c == '.' || *c == 'e' || *c == 'E';
    if (!has_point) {
      *end++ = '.';
      *end++ = '0';
    }
    out->append(buf, static_cast<size_t>(end - buf));
  }
}

}  // namespace

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  uint64_t bit = uint64_t{1} << (depth_ - 1);
  if (has_items_ & bit) out_->push_back(',');
  has_items_ |= bit;
}

void JsonWriter::Open(char c) {
  Separate();
  out_->push_back(c);
  ++depth_;
  has_items_ &= ~(uint64_t{1} << (depth_ - 1));
}

void JsonWriter::Close(char c) {
  out_->push_back(c);
  --depth_;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  after_key_ = true;
  if (AppendPlainQuoted(out_, key, "\":")) return;
  out_->push_back('"');
  AppendEscaped(out_, key);
  out_->append("\":");
  after_key_ = true;
}

void JsonWriter::Null() {
  Separate();
  out_->append("null");
}

void JsonWriter::Bool(bool v) {
  Separate();
  out_->append(v ? "true" : "false");
}

void JsonWriter::Int(int64_t v) {
  Separate();
  AppendNumber(out_, v);
}

void JsonWriter::Double(double v) {
  Separate();
  AppendFloating(out_, v);
}

void JsonWriter::Float(float v) {
  Separate();
  AppendFloating(out_, v);
}

void JsonWriter::String(std::string_view v) {
  Separate();
  if (AppendPlainQuoted(out_, v, "\"")) return;
  out_->push_back('"');
  AppendEscaped(out_, v);
  out_->push_back('"');
}

void JsonWriter::Timestamp(int64_t micros) {
  Separate();
  // A response repeats event times (every feature of a view row has its
  // row's): the last one formatted is reused instead of formatted again.
  if (!has_last_timestamp_ || micros != last_timestamp_) {
    char text[kMaxTimestampChars];
    const size_t n = FormatTimestampTo(micros, text);
    last_timestamp_text_[0] = '"';
    std::memcpy(last_timestamp_text_ + 1, text, n);
    last_timestamp_text_[n + 1] = '"';
    last_timestamp_size_ = n + 2;
    last_timestamp_ = micros;
    has_last_timestamp_ = true;
  }
  out_->append(last_timestamp_text_, last_timestamp_size_);
}

void JsonWriter::Base64(std::string_view bytes) {
  Separate();
  out_->push_back('"');
  out_->append(EncodeBase64(bytes));
  out_->push_back('"');
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_->append(json);
}

std::string EncodeBase64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace tessera::serving
