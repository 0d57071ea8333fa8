#include "tessera/serving/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

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

// The shortest round-trip text of finite `v` when it is a short decimal
// (at most kMaxFraction fraction digits, |v| < 2^49) that std::to_chars
// writes in fixed notation: the usual feature value (39.5, 1.58, 8160.59)
// costs a few multiplies instead of to_chars' general algorithm (a sixth
// of a small response's cost). Returns the length written into `buf`, or 0
// when `v` is not such a value (the caller uses to_chars), so the text is
// always to_chars' own:
//  - the digits: D / 10^k reads back as |v| (D < 2^53 and 10^k are exact,
//    so the quotient is the correctly rounded double nearest the decimal,
//    as from_chars reads it), for the smallest such k. The bound 2^49
//    keeps ulp(|v|) * 10^k below 1/8, so at most one k-digit decimal reads
//    back as |v| and the rounded |v| * 10^k finds it; no decimal with
//    fewer significant digits reads back (it would have fewer fraction
//    digits). A power of two (mantissa bits 0) is left to to_chars: the
//    values reading back as it lie unevenly around it.
//  - the notation: to_chars writes the shorter of fixed and scientific,
//    fixed on a tie; when scientific is shorter, 0 is returned.
size_t ShortDecimal(double v, char* buf) {
  constexpr int kMaxFraction = 8;
  static constexpr double kPow10[kMaxFraction + 1] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  static constexpr uint64_t kPow10Int[kMaxFraction + 1] = {
      1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  if ((bits & ((uint64_t{1} << 52) - 1)) == 0) return 0;  // a power of two, or zero
  const double a = std::fabs(v);
  for (int k = 0; k <= kMaxFraction; ++k) {
    const double scaled = a * kPow10[k];
    if (!(scaled < 0x1p49)) return 0;
    const double rounded = std::nearbyint(scaled);
    if (rounded / kPow10[k] != a) continue;
    const uint64_t d = static_cast<uint64_t>(rounded);
    if (d == 0) return 0;
    const uint64_t int_part = d / kPow10Int[k];
    const uint64_t frac = d % kPow10Int[k];
    char int_digits[24];
    char* int_end = std::to_chars(int_digits, int_digits + sizeof(int_digits), int_part).ptr;
    const size_t int_len = static_cast<size_t>(int_end - int_digits);
    const size_t sign = v < 0 ? 1 : 0;
    const size_t fixed_len = sign + int_len + (k > 0 ? 1 + static_cast<size_t>(k) : 0);
    // Scientific: the significant digits of d (no leading or trailing
    // zeros), a point when more than one, and a two-digit exponent
    // ("e+05", "e-03": |exponent| < 100 here). With an integer part and a
    // fraction (whose last digit is not 0) it is longer than fixed.
    if (int_part == 0 || k == 0) {
      uint64_t sig = d;
      while (sig % 10 == 0) sig /= 10;
      size_t sig_digits = 1;
      for (uint64_t t = sig; t >= 10; t /= 10) ++sig_digits;
      const size_t sci_len = sign + sig_digits + (sig_digits > 1 ? 1 : 0) + 4;
      if (sci_len < fixed_len) return 0;
    }
    char* p = buf;
    if (sign) *p++ = '-';
    std::memcpy(p, int_digits, int_len);
    p += int_len;
    if (k > 0) {
      *p++ = '.';
      uint64_t f = frac;
      for (int i = k - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + f % 10);
        f /= 10;
      }
      p += k;
    }
    return static_cast<size_t>(p - buf);
  }
  return 0;
}

template <typename T>
size_t FormatFloating(T v, char (&buf)[kMaxJsonNumberChars]) {
  auto literal = [&buf](std::string_view text) {
    std::memcpy(buf, text.data(), text.size());
    return text.size();
  };
  if (std::isnan(v)) return literal("\"NaN\"");
  if (std::isinf(v)) return literal(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  // Shortest round-trip digits, always with a fraction or an exponent, so
  // a JSON reader (Python's, Feast's clients) reads a float back as a
  // float and -0.0 keeps its sign ("2.0", not "2"; "-0.0", not "-0").
  char* end = nullptr;
  if constexpr (std::is_same_v<T, double>) {
    if (size_t n = ShortDecimal(v, buf); n > 0) end = buf + n;
  }
  if (end == nullptr) end = std::to_chars(buf, buf + 32, v).ptr;
  // std::string::find_first_of calls memchr per character: as costly as
  // the formatting itself. The digits are at most ~25 bytes.
  bool has_point = false;
  for (const char* c = buf; c < end; ++c) has_point |= *c == '.' || *c == 'e' || *c == 'E';
  if (!has_point) {
    *end++ = '.';
    *end++ = '0';
  }
  return static_cast<size_t>(end - buf);
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

size_t FormatJsonDouble(double v, char (&buf)[kMaxJsonNumberChars]) {
  return FormatFloating(v, buf);
}

size_t FormatJsonFloat(float v, char (&buf)[kMaxJsonNumberChars]) { return FormatFloating(v, buf); }

bool IsPlainJsonString(std::string_view s) { return IsPlain(s); }

void JsonWriter::Double(double v) {
  Separate();
  char buf[kMaxJsonNumberChars];
  out_->append(buf, FormatJsonDouble(v, buf));
}

void JsonWriter::Float(float v) {
  Separate();
  char buf[kMaxJsonNumberChars];
  out_->append(buf, FormatJsonFloat(v, buf));
}

void JsonWriter::String(std::string_view v) {
  Separate();
  if (AppendPlainQuoted(out_, v, "\"")) return;
  out_->push_back('"');
  AppendEscaped(out_, v);
  out_->push_back('"');
}

std::string_view QuotedTimestamp::Text(int64_t micros) {
  if (!has_ || micros != micros_) {
    char text[kMaxTimestampChars];
    const size_t n = FormatTimestampTo(micros, text);
    text_[0] = '"';
    std::memcpy(text_ + 1, text, n);
    text_[n + 1] = '"';
    size_ = n + 2;
    micros_ = micros;
    has_ = true;
  }
  return std::string_view(text_, size_);
}

void JsonWriter::Timestamp(int64_t micros) {
  Separate();
  out_->append(timestamp_.Text(micros));
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
