#include "tessera/expr/cast_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tessera/core/time.h"

namespace tessera::expr {

namespace {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Copies `s` without the '_' that stand between two digits ("1_000");
// false on any other '_' and on a NUL byte. The copy, NUL-terminated, goes to `small` (of
// `cap` bytes) when it fits, else to *large (numbers may be written with
// any number of leading zeros or digits: DuckDB reads
// CAST(repeat('0', 400) || '1' AS BIGINT) as 1); *out points at it.
bool StripUnderscores(std::string_view s, char* small, size_t cap, std::string* large,
                      const char** out) {
  char* buf = small;
  if (s.size() >= cap) {
    large->assign(s.size() + 1, '\0');
    buf = large->data();
  }
  size_t k = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (i == 0 || i + 1 == s.size() || !IsDigit(s[i - 1]) || !IsDigit(s[i + 1])) return false;
      continue;
    }
    if (s[i] == '\0') return false;  // would end the C string early: '1\0' is not 1
    buf[k++] = s[i];
  }
  buf[k] = '\0';
  *out = buf;
  return true;
}

bool ParseHex(std::string_view digits, bool negative, int64_t* out) {
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    int d;
    if (IsDigit(c))
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    if (v > (UINT64_MAX >> 4)) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (v > limit) return false;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

}  // namespace

bool ParseInt64Text(std::string_view text, int64_t* out) {
  char small[128];
  std::string large;
  const char* buf;
  if (!StripUnderscores(Trim(text), small, sizeof(small), &large, &buf)) return false;
  std::string_view s(buf);
  // Hex takes no sign (DuckDB: '0X1f' is 31, '-0x10' and '+0x10' fail).
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    return ParseHex(s.substr(2), false, out);
  }
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Integer digits, then an optional fraction rounded half away from zero.
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  const size_t int_digits = i;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    frac_digits = i - start;
    if (frac_digits > 0 && s[start] >= '5') ++v;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size()) {
    // An exponent ("1e2"): the value as a double, rounded half away.
    if (s[i] != 'e' && s[i] != 'E') return false;
    double d;
    if (!ParseDoubleText(text, &d) || !std::isfinite(d)) return false;
    d = std::round(d);
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
    *out = static_cast<int64_t>(d);
    return true;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (v > limit) return false;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool ParseDoubleText(std::string_view text, double* out) {
  char small[512];
  std::string large;
  const char* buf;
  if (!StripUnderscores(Trim(text), small, sizeof(small), &large, &buf) || buf[0] == '\0') {
    return false;
  }
  const char* p = buf;
  if (*p == '+') ++p;
  const char* body = (*p == '-') ? p + 1 : p;
  // No hex floats ('0x10' is an error in DuckDB), no leading spaces left.
  if (body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) return false;
  if (IsSpace(*body) || *body == '+' || *body == '-') return false;
  char* end = nullptr;
  const double v = std::strtod(p, &end);
  if (end == p || *end != '\0') return false;
  *out = v;  // out of range: +-inf or 0, as DuckDB's '1e400'
  return true;
}

bool ParseBoolText(std::string_view s, bool* out) {
  auto eq = [&](const char* word) {
    const size_t n = std::strlen(word);
    if (s.size() != n) return false;
    for (size_t i = 0; i < n; ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (eq("true") || eq("t") || eq("yes") || eq("y") || eq("1")) {
    *out = true;
    return true;
  }
  if (eq("false") || eq("f") || eq("no") || eq("n") || eq("0")) {
    *out = false;
    return true;
  }
  return false;
}

bool ParseTimestampText(std::string_view text, int64_t* out) {
  Result<int64_t> r = ParseTimestamp(Trim(text));
  if (!r.ok()) return false;
  *out = *r;
  return true;
}

namespace {

template <typename T>
void AppendFloating(T v, std::string* out) {
  if (std::isnan(v)) {
    out->append("nan");
    return;
  }
  if (std::isinf(v)) {
    out->append(v < 0 ? "-inf" : "inf");
    return;
  }
  // The shortest digits that read back exactly, laid out by the exponent:
  // "1.2345679e+08" is 123456790.0 (zeros, not the float's exact digits).
  char sci[64];
  auto r = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific);
  const std::string_view s(sci, static_cast<size_t>(r.ptr - sci));
  const size_t e_pos = s.find('e');
  // The exponent, from the view (to_chars does not NUL-terminate).
  int exp = 0;
  const char* e_begin = s.data() + e_pos + 1;
  if (*e_begin == '+') ++e_begin;
  std::from_chars(e_begin, s.data() + s.size(), exp);
  if (exp < -4 || exp >= 16) {
    out->append(s);
    return;
  }
  std::string_view mantissa = s.substr(0, e_pos);
  if (!mantissa.empty() && mantissa[0] == '-') {
    out->push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  if (exp < 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-exp - 1), '0');
    out->append(digits);
    return;
  }
  const size_t int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) {
    out->append(digits);
    out->append(int_len - digits.size(), '0');
    out->append(".0");
  } else {
    out->append(digits, 0, int_len);
    out->push_back('.');
    out->append(digits, int_len, std::string::npos);
  }
}

void AppendPadded(int64_t v, int width, std::string* out) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  out->append(buf);
}

}  // namespace

void AppendDouble(double v, std::string* out) { AppendFloating(v, out); }
void AppendFloat(float v, std::string* out) { AppendFloating(v, out); }

void AppendTimestamp(int64_t micros, std::string* out) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  // The time of day, floored; not micros - days * kMicrosPerDay, which
  // overflows for the earliest timestamps.
  int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) rest += kMicrosPerDay;
  const CivilDate d = CivilFromDays(days);
  AppendPadded(d.year, 4, out);
  out->push_back('-');
  AppendPadded(d.month, 2, out);
  out->push_back('-');
  AppendPadded(d.day, 2, out);
  out->push_back(' ');
  AppendPadded(rest / kMicrosPerHour, 2, out);
  rest %= kMicrosPerHour;
  out->push_back(':');
  AppendPadded(rest / kMicrosPerMinute, 2, out);
  rest %= kMicrosPerMinute;
  out->push_back(':');
  AppendPadded(rest / kMicrosPerSecond, 2, out);
  int64_t frac = rest % kMicrosPerSecond;
  if (frac != 0) {
    int width = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      --width;
    }
    out->push_back('.');
    AppendPadded(frac, width, out);
  }
}

void AppendBytesEscaped(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : bytes) {
    if (c >= 32 && c <= 126 && c != '\\') {
      out->push_back(static_cast<char>(c));
    } else {
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

bool ParseBytesEscaped(std::string_view text, std::string* out) {
  auto hex = [](char c) -> int {
    if (IsDigit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out->push_back(text[i]);
      continue;
    }
    if (i + 3 >= text.size() || text[i + 1] != 'x') return false;
    const int hi = hex(text[i + 2]), lo = hex(text[i + 3]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
    i += 3;
  }
  return true;
}

}  // namespace tessera::expr
