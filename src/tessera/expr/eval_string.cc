// String operators: `||` and LIKE. As DuckDB 1.5: `'a' || NULL` is null;
// LIKE is case-sensitive, `%` matches any run of characters, `_` exactly
// one code point (`'é' LIKE '_'` is true), and there is no escape
// character unless ESCAPE is given (Tessera has no ESCAPE clause), so
// `'a%c' LIKE 'a\%c'` is false.
#include <cstring>
#include <string_view>

#include "tessera/expr/eval_ops.h"
#include "tessera/expr/eval_util.h"

namespace tessera::expr {

namespace {

// Length of the UTF-8 sequence starting with byte `b` (1 for a stray byte).
inline size_t CodePointLength(unsigned char b) {
  if (b < 0xC0) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  return 4;
}

inline size_t Advance(std::string_view s, size_t i) {
  const size_t len = CodePointLength(static_cast<unsigned char>(s[i]));
  return i + len <= s.size() ? i + len : s.size();
}

// Wildcard match with one backtrack point per `%` (linear in practice).
bool LikeMatch(std::string_view text, std::string_view pat) {
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pat.size() && pat[p] == '%') {
      star_p = ++p;
      star_t = t;
    } else if (p < pat.size() && pat[p] == '_') {
      t = Advance(text, t);
      ++p;
    } else if (p < pat.size() && pat[p] == text[t]) {
      ++t;
      ++p;
    } else if (star_p != std::string_view::npos) {
      star_t = Advance(text, star_t);
      t = star_t;
      p = star_p;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '%') ++p;
  return p == pat.size();
}

// A constant pattern of a common shape, matched without the general loop.
struct PatternPlan {
  enum Kind { kGeneral, kExact, kPrefix, kSuffix, kContains } kind = kGeneral;
  std::string_view needle;
};

PatternPlan Plan(std::string_view pat) {
  PatternPlan plan;
  if (pat.find('_') != std::string_view::npos) return plan;
  const bool lead = !pat.empty() && pat.front() == '%';
  const bool trail = pat.size() > (lead ? 1u : 0u) && pat.back() == '%';
  std::string_view core = pat.substr(lead ? 1 : 0);
  if (trail) core.remove_suffix(1);
  if (core.find('%') != std::string_view::npos) return plan;
  plan.needle = core;
  plan.kind = lead ? (trail ? PatternPlan::kContains : PatternPlan::kSuffix)
                   : (trail ? PatternPlan::kPrefix : PatternPlan::kExact);
  return plan;
}

inline bool PlanMatch(const PatternPlan& plan, std::string_view text, std::string_view pat) {
  switch (plan.kind) {
    case PatternPlan::kExact: return text == plan.needle;
    case PatternPlan::kPrefix: return text.substr(0, plan.needle.size()) == plan.needle;
    case PatternPlan::kSuffix:
      return text.size() >= plan.needle.size() &&
             text.substr(text.size() - plan.needle.size()) == plan.needle;
    case PatternPlan::kContains: return text.find(plan.needle) != std::string_view::npos;
    case PatternPlan::kGeneral: break;
  }
  return LikeMatch(text, pat);
}

}  // namespace

Result<Datum> EvalConcat(const Datum& a, const Datum& b, int64_t n) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, AndValidity(a, b, n));
  const Array& x = *a.array;
  const Array& y = *b.array;
  const int64_t sa = a.scalar ? 0 : 1;
  const int64_t sb = b.scalar ? 0 : 1;
  const uint8_t* bits = validity ? validity->data() : nullptr;
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
  int64_t* o = offsets->mutable_data_as<int64_t>();
  o[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool valid = bits == nullptr || GetBit(bits, i);
    const int64_t len = static_cast<int64_t>(x.GetView(i * sa).size() + y.GetView(i * sb).size());
    o[i + 1] = o[i] + (valid ? len : 0);
  }
  TS_ASSIGN_OR_RETURN(auto data, Buffer::Allocate(o[n]));
  char* d = reinterpret_cast<char*>(data->mutable_data());
  for (int64_t i = 0; i < n; ++i) {
    if (o[i + 1] == o[i]) continue;
    const std::string_view u = x.GetView(i * sa);
    std::memcpy(d + o[i], u.data(), u.size());
    const std::string_view v = y.GetView(i * sb);
    std::memcpy(d + o[i] + static_cast<int64_t>(u.size()), v.data(), v.size());
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr out,
                      Array::Make(x.type(), n, validity, Buffer::Share(std::move(data)),
                                  Buffer::Share(std::move(offsets))));
  return Datum{out, false};
}

Result<Datum> EvalLike(const Datum& x, const Datum& pattern, bool negated, int64_t n) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, AndValidity(x, pattern, n));
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<uint8_t>(n));
  uint8_t* o = values->mutable_data();
  const Array& text = *x.array;
  const Array& pat = *pattern.array;
  const int64_t st = x.scalar ? 0 : 1;
  if (pattern.scalar) {
    const std::string_view p = pat.GetView(0);
    const PatternPlan plan = Plan(p);
    for (int64_t i = 0; i < n; ++i) o[i] = PlanMatch(plan, text.GetView(i * st), p) != negated;
  } else {
    for (int64_t i = 0; i < n; ++i) {
      o[i] = LikeMatch(text.GetView(i * st), pat.GetView(i)) != negated;
    }
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(DataType::Bool(), n, validity, std::move(values)));
  return Datum{out, false};
}

}  // namespace tessera::expr
