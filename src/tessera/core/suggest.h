// Did-you-mean suggestions for misspelt names in messages ("unknown column
// 'amout' (did you mean 'amount'?)"): the closest candidate by edit
// distance, when it is close enough to be a plausible typo.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tessera {

// The Levenshtein distance between `a` and `b` counted in bytes, with a
// swap of two adjacent bytes counting as one edit (optimal string
// alignment), so "amout"/"amount" is 1 and "mount"/"muont" is 1.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name`: distance at most max(1, |name| / 3),
// ties to the earliest candidate; an exact match is never suggested (it is
// not a typo). An ASCII case-only difference counts as distance 0 and is
// suggested first. Empty when no candidate is close enough.
std::string SuggestName(std::string_view name, const std::vector<std::string>& candidates);

// A name as messages show it: 'amount'.
inline std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

// " (did you mean 'x'?)" for SuggestName's answer, or empty.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace tessera
