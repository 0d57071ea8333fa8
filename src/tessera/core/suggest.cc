#include "tessera/core/suggest.h"

#include <algorithm>
#include <limits>

namespace tessera {
namespace {

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table: i-2, i-1, i.
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

std::string SuggestName(std::string_view name, const std::vector<std::string>& candidates) {
  for (const std::string& c : candidates) {
    if (c != name && EqualsIgnoreAsciiCase(c, name)) return c;
  }
  const size_t limit = std::max<size_t>(1, name.size() / 3);
  size_t best = std::numeric_limits<size_t>::max();
  const std::string* choice = nullptr;
  for (const std::string& c : candidates) {
    if (c == name) continue;
    // Cheap bound first: the length difference is a lower bound.
    const size_t diff = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
    if (diff > limit) continue;
    const size_t d = EditDistance(name, c);
    if (d <= limit && d < best) {
      best = d;
      choice = &c;
    }
  }
  return choice ? *choice : std::string();
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string s = SuggestName(name, candidates);
  return s.empty() ? std::string() : " (did you mean '" + s + "'?)";
}

}  // namespace tessera
