// `tessera plan` over every tests/registry/repos/broken_*/ folder: exit code
// 1, and stderr lists exactly the expected errors (tests/cli/
// broken_repo_expectations.txt), each with the right file, line and reason,
// before the final "error:" line: none missing, none extra. Also checks that plan/apply on a broken
// repo write nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "registry_cli_test_util.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;

struct Expectation {
  std::vector<std::string> locations;             // any of these
  std::vector<std::vector<std::string>> reasons;  // all of these; each any of its alternatives
  int line_in_file = 0;                           // of the expectations file, for messages
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    std::string part = Trim(s.substr(start, at == std::string::npos ? at : at - start));
    if (!part.empty()) parts.push_back(part);
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::map<std::string, std::vector<Expectation>> ReadExpectations() {
  std::map<std::string, std::vector<Expectation>> out;
  std::vector<std::string> lines =
      Lines(ReadBytes(SourceDir() + "/tests/cli/broken_repo_expectations.txt"));
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = Trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = Split(line, '|');
    EXPECT_EQ(fields.size(), 3u) << "expectations line " << i + 1 << ": " << line;
    if (fields.size() != 3) continue;
    Expectation e;
    e.locations = Split(fields[1], ',');
    for (const std::string& word : Split(fields[2], ';')) e.reasons.push_back(Split(word, '/'));
    e.line_in_file = static_cast<int>(i + 1);
    out[fields[0]].push_back(e);
  }
  return out;
}

std::vector<std::string> BrokenRepos() {
  std::vector<std::string> repos;
  for (const auto& entry : fs::directory_iterator(SourceDir() + "/tests/registry/repos")) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind("broken_", 0) == 0) repos.push_back(name);
  }
  std::sort(repos.begin(), repos.end());
  return repos;
}

// The stderr lines that report one definition error each (all but the
// final "error: N errors" summary).
std::vector<std::string> LocatedErrors(const std::string& err) {
  std::vector<std::string> located;
  for (const std::string& line : Lines(err)) {
    if (line.rfind("error: ", 0) != 0) located.push_back(line);
  }
  return located;
}

// True when `raw` starts with one of the locations followed by ":" and
// contains every reason word (one alternative of each).
bool LineMatches(const std::string& raw, const Expectation& e) {
  std::string line = Lower(raw);
  bool at_location = std::any_of(e.locations.begin(), e.locations.end(), [&](const auto& loc) {
    return line.rfind(Lower(loc) + ":", 0) == 0;
  });
  if (!at_location) return false;
  return std::all_of(e.reasons.begin(), e.reasons.end(), [&](const auto& alternatives) {
    return std::any_of(alternatives.begin(), alternatives.end(),
                       [&](const auto& word) { return line.find(Lower(word)) != line.npos; });
  });
}

// Pairs each expectation with a distinct error line (in order, first fit:
// the expectations of one repo never match each other's lines). Returns
// the expectations left unmatched; *extra gets the lines left over.
std::vector<const Expectation*> MatchExactly(const std::vector<std::string>& located,
                                             const std::vector<Expectation>& expected,
                                             std::vector<std::string>* extra) {
  std::vector<bool> used(located.size(), false);
  std::vector<const Expectation*> missing;
  for (const Expectation& e : expected) {
    bool found = false;
    for (size_t i = 0; i < located.size() && !found; ++i) {
      if (!used[i] && LineMatches(located[i], e)) used[i] = found = true;
    }
    if (!found) missing.push_back(&e);
  }
  for (size_t i = 0; i < located.size(); ++i) {
    if (!used[i]) extra->push_back(located[i]);
  }
  return missing;
}

TEST(BrokenReposCli, EveryBrokenRepoFailsPlanNamingFileLineAndReason) {
  std::map<std::string, std::vector<Expectation>> expectations = ReadExpectations();
  std::vector<std::string> repos = BrokenRepos();
  ASSERT_GE(repos.size(), 15u) << "expected at least 15 broken repos";
  int covered = 0;
  for (const std::string& repo : repos) {
    SCOPED_TRACE(repo);
    auto it = expectations.find(repo);
    if (it == expectations.end()) {
      ADD_FAILURE() << repo << " has no line in tests/cli/broken_repo_expectations.txt";
      continue;
    }
    ++covered;
    std::string dir = SourceDir() + "/tests/registry/repos/" + repo;
    CliResult r = RunTessera({"-r", dir, "plan"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.out, "") << "a failed plan prints no plan";
    std::vector<std::string> err_lines = Lines(r.err);
    ASSERT_FALSE(err_lines.empty());
    EXPECT_THAT(err_lines.back(), testing::StartsWith("error: "));
    // Exactly the expected errors: each met by its own line, none extra.
    std::vector<std::string> extra;
    for (const Expectation* e : MatchExactly(LocatedErrors(r.err), it->second, &extra)) {
      ADD_FAILURE() << "expectation at broken_repo_expectations.txt:" << e->line_in_file
                    << " not met; stderr was:\n"
                    << r.err;
    }
    for (const std::string& line : extra) {
      ADD_FAILURE() << "error not in broken_repo_expectations.txt: " << line;
    }
    // Nothing of the repo was written: plan never creates the registry.
    EXPECT_FALSE(fs::exists(dir + "/data/registry.db"));
  }
  EXPECT_GE(covered, 15);
  for (const auto& [repo, unused] : expectations) {
    EXPECT_TRUE(std::find(repos.begin(), repos.end(), repo) != repos.end())
        << repo << " is in the expectations but not under tests/registry/repos";
  }
}

TEST(BrokenReposCli, MultipleErrorsAreAllListedInFileThenLineOrder) {
  std::string dir = SourceDir() + "/tests/registry/repos/broken_multiple_errors";
  CliResult r = RunTessera({"-r", dir, "plan"});
  EXPECT_EQ(r.exit_code, 1);
  std::vector<std::string> located = LocatedErrors(r.err);
  EXPECT_EQ(located.size(), ReadExpectations()["broken_multiple_errors"].size()) << r.err;
  EXPECT_TRUE(std::is_sorted(located.begin(), located.end(), [](const auto& a, const auto& b) {
    std::string fa = a.substr(0, a.find(':')), fb = b.substr(0, b.find(':'));
    if (fa != fb) return fa < fb;
    return std::stoi(a.substr(fa.size() + 1)) < std::stoi(b.substr(fb.size() + 1));
  })) << r.err;
}

// Apply on a broken copy of a repo whose registry exists: exit 1, every
// error listed, and the registry file byte for byte as before.
TEST(BrokenReposCli, FailedApplyLeavesRegistryUnchanged) {
  ScratchDir tmp;
  std::string repo = tmp / "repo";
  ASSERT_EQ(RunTessera({"init", repo}).exit_code, 0);
  CliResult first = RunTessera({"-r", repo, "apply", "--user", "alice"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string db = repo + "/data/registry.db";
  std::string before = ReadBytes(db);
  ASSERT_FALSE(before.empty());

  // A schema change (which alone would bump a version) plus an error.
  EditFile(repo + "/features/fraud_features.yaml", "      - {name: country, type: string}\n",
           "      - {name: country, type: string}\n      - {name: city, type: strin}\n");
  EditFile(repo + "/features/fraud_features.yaml", "source: user_profiles",
           "source: user_profile_snapshots");
  CliResult r = RunTessera({"-r", repo, "apply", "--user", "mallory"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, testing::HasSubstr("features/fraud_features.yaml:"));
  EXPECT_THAT(r.err, testing::HasSubstr("strin"));
  EXPECT_THAT(r.err, testing::HasSubstr("user_profile_snapshots"));
  EXPECT_EQ(ReadBytes(db), before) << "a failed apply changed the registry";

  CliResult history = RunTessera({"-r", repo, "describe", "user_profile", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  rapidjson::Document doc = ParseJson(history.out);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["version"].GetInt64(), 1);
  EXPECT_EQ(std::string(doc["applied_by"].GetString()), "alice");
}

}  // namespace
}  // namespace tessera::cli_test
