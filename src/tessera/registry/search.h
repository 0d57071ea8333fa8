// Search over registry objects: a query is tokenized case-insensitively
// (split on anything but letters, digits and '_'); each token is scored
// against each object's fields and the object's score is the sum over tokens
// of the best field match of that token:
//   exact name 100 > name prefix 80 > name substring 60 > feature name 40 >
//   tag key or value 20 > owner 15 > description word 10.
// Objects no token matches are left out. Results are ordered by score
// (highest first), then name, then kind: deterministic.
//
// Pure functions over plain values; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/registry/definitions.h"

namespace tessera::registry {

// What search looks at of one object (its current version).
struct SearchDocument {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  std::string description;
  std::string owner;
  std::map<std::string, std::string> tags;
  std::vector<std::string> feature_names;  // views' features, entities' join keys
};

struct SearchResult {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  int score = 0;
  // The field of the best match ("name", "name prefix", "name substring",
  // "feature", "tag", "owner", "description").
  std::string matched_field;
  // Why, human-readable: one "<token>: <field> <value>" per matched token,
  // joined by "; " (e.g. "spend: name substring user_spend").
  std::string why;
};

// Lower-cased tokens of `text`, in order, duplicates removed.
std::vector<std::string> TokenizeQuery(std::string_view text);

// Ranks `docs` for `query`. An empty query (no tokens) gives no results.
std::vector<SearchResult> RankSearch(const std::vector<SearchDocument>& docs,
                                     std::string_view query);

}  // namespace tessera::registry
