// String function kernels: lower, upper, length, trim, substr, replace,
// concat, starts_with, ends_with, contains, regexp_matches. Strings are
// valid UTF-8 (Tessera checks text where it enters); positions and lengths
// count code points, as DuckDB's do. Case mapping and the space class are
// utf8proc's, the library DuckDB uses; regular expressions are RE2's, as
// DuckDB's.
#include <re2/re2.h>
#include <utf8proc.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/expr/kernel_util.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

int64_t CountCodePoints(std::string_view s) {
  int64_t n = 0;
  for (unsigned char b : s) n += !IsContinuation(b);
  return n;
}

// Byte offset of code point `cp` (0 <= cp <= count) of s.
size_t ByteOfCodePoint(std::string_view s, int64_t cp) {
  size_t i = 0;
  for (int64_t k = 0; k < cp && i < s.size(); ++k) {
    ++i;
    while (i < s.size() && IsContinuation(static_cast<unsigned char>(s[i]))) ++i;
  }
  return i;
}

// Decodes the code point at s[i]; sets *len to its byte length. A byte that
// starts no valid sequence decodes as itself (cannot happen for checked
// text, but must not crash).
int32_t Decode(std::string_view s, size_t i, size_t* len) {
  utf8proc_int32_t cp;
  const utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                       static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    *len = 1;
    return static_cast<unsigned char>(s[i]);
  }
  *len = static_cast<size_t>(n);
  return cp;
}

// Applies a string -> string function to every present row.
template <typename Fn>
Status MapStrings(const Array& a, int64_t length, Fn fn, ArrayPtr* out) {
  BinaryBuilder builder(DataType::String());
  TS_RETURN_NOT_OK(builder.Reserve(length));
  TS_RETURN_NOT_OK(builder.ReserveData(a.values_buffer() ? a.values_buffer()->size() : 0));
  std::string scratch;
  for (int64_t i = 0; i < length; ++i) {
    if (a.IsNull(i)) {
      TS_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    TS_RETURN_NOT_OK(builder.Append(fn(a.GetView(i), &scratch)));
  }
  return FinishInto(&builder, out);
}

// Maps every code point through utf8proc's simple (one to one) case
// mapping, as DuckDB's lower/upper do: upper('ß') is 'ẞ', not 'SS'.
template <bool kUpper>
std::string_view MapCase(std::string_view s, std::string* scratch) {
  scratch->clear();
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      char c = static_cast<char>(b);
      if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      scratch->push_back(c);
      ++i;
      continue;
    }
    size_t len;
    const int32_t cp = Decode(s, i, &len);
    const int32_t mapped = kUpper ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t n = utf8proc_encode_char(mapped, buf);
    if (n > 0) {
      scratch->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    } else {
      scratch->append(s.substr(i, len));
    }
    i += len;
  }
  return *scratch;
}

// DuckDB's trim: removes leading and trailing space separators (Unicode
// category Zs: ' ', U+00A0, U+3000, ...), not tabs or newlines.
bool IsSpaceSeparator(int32_t cp) {
  return cp == ' ' || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

std::string_view Trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t len;
    if (!IsSpaceSeparator(Decode(s, begin, &len))) break;
    begin += len;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && IsContinuation(static_cast<unsigned char>(s[start]))) --start;
    size_t len;
    if (!IsSpaceSeparator(Decode(s, start, &len))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

// DuckDB accepts substr offsets and lengths in [-2^32, 2^32 - 1].
constexpr int64_t kSubstrMax = 4294967295;
constexpr int64_t kSubstrMin = -4294967296;

// The code points [start, end) of substr(s, offset, count), clamped to the
// string: offset 1 is the first code point, 0 the (absent) one before it,
// -1 the last; a negative count takes the code points before the start.
std::string_view Substr(std::string_view s, int64_t offset, int64_t count) {
  if (count == 0) return {};
  int64_t n = -1;  // code points, counted only when needed
  int64_t start;
  if (offset > 0) {
    start = offset - 1;
  } else if (offset < 0) {
    n = CountCodePoints(s);
    start = n + offset;
  } else {
    start = -1;
  }
  int64_t end = start + count;
  if (count < 0) std::swap(start, end);
  if (start < 0) start = 0;
  if (end <= start) return {};
  const size_t b = ByteOfCodePoint(s, start);
  if (b >= s.size()) return {};
  const size_t e = b + ByteOfCodePoint(s.substr(b), end - start);
  return s.substr(b, e - b);
}

// The longest result replace() may grow a string to. Each occurrence of
// `from` copies `to`, so nested calls grow a value geometrically
// (replace(replace(s, 'a', s), 'a', s) is |s|^3 bytes): a few dozen bytes of
// expression text could otherwise ask for terabytes. A result longer than
// both this and its input is an error row; a replace that does not grow
// its input never fails.
constexpr size_t kMaxReplaceGrowth = size_t{1} << 24;  // 16 MiB

// Whether replace(s, from, to) would be longer than both s and
// kMaxReplaceGrowth; from is not empty.
bool ReplaceTooLong(std::string_view s, std::string_view from, std::string_view to) {
  if (to.size() <= from.size()) return false;  // never grows
  size_t count = 0;
  for (size_t pos = s.find(from); pos != std::string_view::npos;
       pos = s.find(from, pos + from.size())) {
    ++count;
  }
  const size_t growth = to.size() - from.size();
  // s.size() + count * growth > kMaxReplaceGrowth, without overflowing.
  if (s.size() > kMaxReplaceGrowth) return count > 0;
  return count > (kMaxReplaceGrowth - s.size()) / growth;
}

// Sets *result to s with every non-overlapping occurrence of `from`
// replaced (held in *scratch, or s itself when nothing changes) and returns
// null; or returns the error reason when the result would be too long.
const char* Replace(std::string_view s, std::string_view from, std::string_view to,
                    std::string* scratch, std::string_view* result) {
  *result = s;
  if (from.empty()) return nullptr;
  size_t pos = s.find(from);
  if (pos == std::string_view::npos) return nullptr;
  if (ReplaceTooLong(s, from, to)) return "replace result longer than 16 MiB";
  scratch->clear();
  size_t done = 0;
  while (pos != std::string_view::npos) {
    scratch->append(s.substr(done, pos - done));
    scratch->append(to);
    done = pos + from.size();
    pos = s.find(from, done);
  }
  scratch->append(s.substr(done));
  *result = *scratch;
  return nullptr;
}

// A two-string predicate over every row where both are present.
template <typename Fn>
Status StringPredicate(const std::vector<const Array*>& args, int64_t length, Fn fn,
                       ArrayPtr* out) {
  FixedOutput<uint8_t> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  uint8_t* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (o.IsValid(i)) v[i] = fn(args[0]->GetView(i), args[1]->GetView(i)) ? 1 : 0;
  }
  return o.Finish(DataType::Bool(), out);
}

}  // namespace

TS_DECLARE_KERNEL(KernelLower) { return MapStrings(*args[0], length, MapCase<false>, out); }

TS_DECLARE_KERNEL(KernelUpper) { return MapStrings(*args[0], length, MapCase<true>, out); }

TS_DECLARE_KERNEL(KernelLength) {
  FixedOutput<int64_t> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  int64_t* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (o.IsValid(i)) v[i] = CountCodePoints(args[0]->GetView(i));
  }
  return o.Finish(result, out);
}

TS_DECLARE_KERNEL(KernelTrim) {
  return MapStrings(
      *args[0], length, [](std::string_view s, std::string*) { return Trim(s); }, out);
}

TS_DECLARE_KERNEL(KernelSubstr) {
  BinaryBuilder builder(result);
  TS_RETURN_NOT_OK(builder.Reserve(length));
  const bool has_count = args.size() == 3;
  for (int64_t i = 0; i < length; ++i) {
    if (!AllValid(args, i)) {
      TS_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    const int64_t offset = args[1]->GetInt64(i);
    // Without a count DuckDB takes 2^32 - 1 code points.
    const int64_t count = has_count ? args[2]->GetInt64(i) : kSubstrMax;
    const char* err = nullptr;
    if (offset < kSubstrMin || offset > kSubstrMax) err = "substr offset outside [-2^32, 2^32 - 1]";
    if (count < kSubstrMin || count > kSubstrMax) err = "substr length outside [-2^32, 2^32 - 1]";
    if (err != nullptr) {
      ctx->RecordError(i, err);
      TS_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    TS_RETURN_NOT_OK(builder.Append(Substr(args[0]->GetView(i), offset, count)));
  }
  return FinishInto(&builder, out);
}

TS_DECLARE_KERNEL(KernelReplace) {
  BinaryBuilder builder(result);
  TS_RETURN_NOT_OK(builder.Reserve(length));
  std::string scratch;
  for (int64_t i = 0; i < length; ++i) {
    if (!AllValid(args, i)) {
      TS_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    std::string_view replaced;
    const char* err =
        Replace(args[0]->GetView(i), args[1]->GetView(i), args[2]->GetView(i), &scratch, &replaced);
    if (err != nullptr) {
      ctx->RecordError(i, err);
      TS_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    TS_RETURN_NOT_OK(builder.Append(replaced));
  }
  return FinishInto(&builder, out);
}

TS_DECLARE_KERNEL(KernelConcat) {
  // Nulls count as empty strings: the result is never null (DuckDB).
  BinaryBuilder builder(result);
  TS_RETURN_NOT_OK(builder.Reserve(length));
  std::string scratch;
  for (int64_t i = 0; i < length; ++i) {
    scratch.clear();
    for (const Array* a : args) {
      if (a->IsValid(i)) scratch.append(a->GetView(i));
    }
    TS_RETURN_NOT_OK(builder.Append(scratch));
  }
  return FinishInto(&builder, out);
}

TS_DECLARE_KERNEL(KernelStartsWith) {
  return StringPredicate(
      args, length, [](std::string_view s, std::string_view p) { return s.starts_with(p); }, out);
}

TS_DECLARE_KERNEL(KernelEndsWith) {
  return StringPredicate(
      args, length, [](std::string_view s, std::string_view p) { return s.ends_with(p); }, out);
}

TS_DECLARE_KERNEL(KernelContains) {
  return StringPredicate(
      args, length,
      [](std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; },
      out);
}

namespace {

// The compiled patterns of one regexp_matches call, by text. A pattern
// column usually holds a few distinct patterns in any order; compiling on
// every change of pattern made alternating patterns cost a compile per row
// (0.4 ms a row for a 1,500-byte pattern). Each program is bounded by
// RE2's memory budget (kMaxProgramBytes): a larger one fails to compile,
// an invalid pattern (an error row), not an out-of-memory.
std::atomic<int64_t> g_regexp_compilations{0};

class PatternCache {
 public:
  static constexpr int64_t kMaxProgramBytes = int64_t{8} << 20;  // RE2's default, explicit

  PatternCache() {
    options_.set_log_errors(false);
    options_.set_max_mem(kMaxProgramBytes);
  }

  // The compiled `pattern` (check ok()); valid until the next call.
  const RE2& Get(std::string_view pattern) {
    if (!entries_.empty() && entries_[last_]->pattern() == pattern) return *entries_[last_];
    for (size_t k = 0; k < entries_.size(); ++k) {
      if (entries_[k]->pattern() == pattern) {
        last_ = k;
        return *entries_[k];
      }
    }
    auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options_);
    g_regexp_compilations.fetch_add(1, std::memory_order_relaxed);
    if (entries_.size() < kMaxEntries) {
      entries_.push_back(std::move(re));
      last_ = entries_.size() - 1;
    } else {
      last_ = next_victim_;
      next_victim_ = (next_victim_ + 1) % kMaxEntries;
      entries_[last_] = std::move(re);
    }
    return *entries_[last_];
  }

 private:
  static constexpr size_t kMaxEntries = 16;
  RE2::Options options_;
  std::vector<std::unique_ptr<RE2>> entries_;
  size_t last_ = 0;
  size_t next_victim_ = 0;  // replaced round-robin once full
};

}  // namespace

int64_t RegexpCompilationsForTesting() {
  return g_regexp_compilations.load(std::memory_order_relaxed);
}

TS_DECLARE_KERNEL(KernelRegexpMatches) {
  FixedOutput<uint8_t> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  uint8_t* v = o.values();
  PatternCache patterns;
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    const RE2& re = patterns.Get(args[1]->GetView(i));
    if (!re.ok()) {
      TS_RETURN_NOT_OK(o.SetError(ctx, i, "invalid regular expression in regexp_matches"));
      continue;
    }
    v[i] = RE2::PartialMatch(args[0]->GetView(i), re) ? 1 : 0;
  }
  return o.Finish(DataType::Bool(), out);
}

}  // namespace tessera::expr
