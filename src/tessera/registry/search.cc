#include "tessera/registry/search.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

namespace tessera::registry {
namespace {

constexpr int kExactName = 100;
constexpr int kNamePrefix = 80;
constexpr int kNameSubstring = 60;
constexpr int kFeature = 40;
constexpr int kTag = 20;
constexpr int kOwner = 15;
constexpr int kDescription = 10;

struct Match {
  int score = 0;
  std::string field;
  std::string value;  // what matched, for `why`
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(std::string_view text, std::string_view token) {
  return Lower(text).find(token) != std::string::npos;
}

Match NameMatch(const std::string& name, const std::string& token) {
  std::string lower = Lower(name);
  if (lower == token) return {kExactName, "name", name};
  if (lower.rfind(token, 0) == 0) return {kNamePrefix, "name prefix", name};
  if (lower.find(token) != std::string::npos) return {kNameSubstring, "name substring", name};
  return {};
}

std::optional<Match> FeatureMatch(const SearchDocument& doc, const std::string& token) {
  for (const std::string& feature : doc.feature_names) {
    if (Contains(feature, token)) return Match{kFeature, "feature", feature};
  }
  return std::nullopt;
}

std::optional<Match> TagMatch(const SearchDocument& doc, const std::string& token) {
  for (const auto& [key, value] : doc.tags) {
    if (Contains(key, token) || Contains(value, token)) {
      return Match{kTag, "tag", key + "=" + value};
    }
  }
  return std::nullopt;
}

std::optional<Match> DescriptionMatch(const SearchDocument& doc, const std::string& token) {
  // Word prefixes, so that "pay" finds "payments" but "a" does not match
  // every description containing the letter.
  for (const std::string& word : TokenizeQuery(doc.description)) {
    if (word.rfind(token, 0) == 0) return Match{kDescription, "description", word};
  }
  return std::nullopt;
}

// The best match of `token` in `doc`; score 0 when none.
Match BestMatch(const SearchDocument& doc, const std::string& token) {
  Match best = NameMatch(doc.name, token);
  auto consider = [&](std::optional<Match> m) {
    if (m && m->score > best.score) best = std::move(*m);
  };
  consider(FeatureMatch(doc, token));
  consider(TagMatch(doc, token));
  if (Contains(doc.owner, token)) consider(Match{kOwner, "owner", doc.owner});
  consider(DescriptionMatch(doc, token));
  return best;
}

std::optional<SearchResult> Score(const SearchDocument& doc,
                                  const std::vector<std::string>& tokens) {
  SearchResult result;
  result.kind = doc.kind;
  result.name = doc.name;
  int best_token_score = 0;
  for (const std::string& token : tokens) {
    Match m = BestMatch(doc, token);
    if (m.score == 0) continue;
    result.score += m.score;
    if (m.score > best_token_score) {
      best_token_score = m.score;
      result.matched_field = m.field;
    }
    if (!result.why.empty()) result.why += "; ";
    result.why += token + ": " + m.field + " " + m.value;
  }
  if (result.score == 0) return std::nullopt;
  return result;
}

}  // namespace

std::vector<std::string> TokenizeQuery(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && std::find(tokens.begin(), tokens.end(), current) == tokens.end()) {
      tokens.push_back(current);
    }
    current.clear();
  };
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_') {
      current.push_back(static_cast<char>(std::tolower(u)));
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::vector<SearchResult> RankSearch(const std::vector<SearchDocument>& docs,
                                     std::string_view query) {
  std::vector<std::string> tokens = TokenizeQuery(query);
  std::vector<SearchResult> results;
  if (tokens.empty()) return results;
  for (const SearchDocument& doc : docs) {
    if (auto r = Score(doc, tokens)) results.push_back(std::move(*r));
  }
  std::sort(results.begin(), results.end(), [](const SearchResult& a, const SearchResult& b) {
    return std::tie(b.score, a.name, a.kind) < std::tie(a.score, b.name, b.kind);
  });
  return results;
}

}  // namespace tessera::registry
