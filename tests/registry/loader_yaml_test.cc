// The YAML surface of the loader (libyaml, yaml_tree.*), through the
// in-memory entry point: hostile texts give one exact "file:line[:col]:
// reason" error each, never a crash, a hang or unbounded memory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

using Lines = std::vector<std::string>;

// Errors of a repo made of tessera.yaml and one definition file, a.yaml.
Lines Errors(const std::string& definitions, const std::string& config = "project: p\n",
             LoadedRepo* loaded = nullptr) {
  LoadedRepo local;
  Lines out;
  for (const LoadError& e : LoadRepoFromFiles({{"tessera.yaml", config}, {"a.yaml", definitions}},
                                              loaded ? loaded : &local)) {
    out.push_back(e.ToString());
  }
  return out;
}

constexpr const char* kEntityAndSource = R"(entities:
  - {name: user, join_keys: [{name: id, type: int64}]}
sources:
  - {name: s, kind: batch, path: p.parquet, timestamp_field: ts}
)";

// yaml-cpp 0.7 allocated until out of memory on each of these
// (jbeder/yaml-cpp#1040).
TEST(LoaderYamlTest, TextsThatExhaustedYamlCppMemoryAreSyntaxErrors) {
  EXPECT_EQ(Errors(",\n"), Lines{"a.yaml:1:1: invalid YAML: did not find expected node content, "
                                 "found ',' (while parsing a block node started at line 1)"});
  EXPECT_EQ(Errors("- x\n, y\n"),
            Lines{"a.yaml:2:1: invalid YAML: did not find expected '-' indicator, found ',' "
                  "(while parsing a block collection started at line 1)"});
  EXPECT_EQ(Errors("---\n,\n"),
            Lines{"a.yaml:2:1: invalid YAML: did not find expected node content, found ',' "
                  "(while parsing a block node started at line 2)"});
  EXPECT_EQ(Errors("entities: []\n", ",\n"),
            Lines{"tessera.yaml:1:1: invalid YAML: did not find expected node content, found ',' "
                  "(while parsing a block node started at line 1)"});
}

std::string FlowNesting(int depth) {
  return "entities: " + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "\n";
}

std::string BlockNesting(int depth) {
  std::string text = "entities:\n";
  for (int i = 1; i < depth; ++i) text += std::string(2 * i, ' ') + "-\n";
  return text;
}

// 64 levels (the top-level mapping included) are read; the 65th is a clean
// error at the collection that opens it.
TEST(LoaderYamlTest, NestingDeeperThan64LevelsIsAnError) {
  EXPECT_EQ(Errors(FlowNesting(64)), Lines{"a.yaml:1: each entity of 'entities' must be a mapping "
                                           "of keys to values"});
  EXPECT_EQ(Errors(FlowNesting(65)), Lines{"a.yaml:1:74: nesting deeper than 64 levels"});
  EXPECT_EQ(Errors(FlowNesting(100000)), Lines{"a.yaml:1:74: nesting deeper than 64 levels"});
  EXPECT_EQ(Errors(BlockNesting(64)).size(), 1u);
  EXPECT_EQ(Errors(BlockNesting(65)), Lines{"a.yaml:65:129: nesting deeper than 64 levels"});
}

TEST(LoaderYamlTest, AliasesAreRefusedSoNothingExpands) {
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n";
  EXPECT_EQ(Errors(laughs), Lines{"a.yaml:2:8: aliases (*name) are not supported in definition "
                                  "files; write the value out"});
  // A merge key needs an alias; written inline it is an unknown key.
  EXPECT_EQ(Errors(std::string(kEntityAndSource) +
                   "feature_services:\n  - {<<: {x: 1}, name: s, features: [v]}\n"),
            (Lines{"a.yaml:6: unknown key '<<' in feature service 's'",
                   "a.yaml:6: feature service 's': unknown feature view 'v' in 'v'"}));
}

TEST(LoaderYamlTest, ExplicitTagsAreRefused) {
  EXPECT_EQ(Errors("entities:\n  - name: !!str user\n"),
            Lines{"a.yaml:2:11: tags (such as !!str) are not supported in definition files"});
  EXPECT_EQ(Errors("entities: !custom []\n"),
            Lines{"a.yaml:1:11: tags (such as !!str) are not supported in definition files"});
}

TEST(LoaderYamlTest, UnterminatedQuoteIsReportedWhereItStarts) {
  EXPECT_EQ(Errors("entities:\n  - name: \"user\n    join_keys: []\n"),
            Lines{"a.yaml:2:11: invalid YAML: unterminated quoted string (no closing quote)"});
  EXPECT_EQ(Errors("entities:\n  - name: 'user\n---\nsources: []\n"),
            Lines{"a.yaml:2:11: invalid YAML: unterminated quoted string (no closing quote)"});
}

// Raw bytes are named in hex with their column, never printed.
TEST(LoaderYamlTest, ControlCharactersAndInvalidUtf8AreNamedInHex) {
  EXPECT_EQ(Errors("entities:\n  - name: \"us\x01"
                   "er\"\n"),
            Lines{"a.yaml:2:14: invalid YAML: control character 0x01"});
  EXPECT_EQ(Errors(std::string("entities:\n  - name: us\0er\n", 23)),
            Lines{"a.yaml:2:13: invalid YAML: control character 0x00"});
  EXPECT_EQ(Errors("entities:\n  - name: u\n    description: caf\xE9\n"),
            Lines{"a.yaml:3:21: invalid YAML: byte 0xE9 is not valid UTF-8"});
  EXPECT_EQ(Errors("entities:\n  - name: u\n    tags: {t\xFF: x}\n"),
            Lines{"a.yaml:3:13: invalid YAML: byte 0xFF is not valid UTF-8"});
  EXPECT_EQ(Errors("entities: [\"\xC3\"]"),
            Lines{"a.yaml:1:13: invalid YAML: byte 0xC3 is not valid UTF-8"});
  EXPECT_EQ(Errors("entities:\n  - name: \"\\x01\"\n"),
            Lines{"a.yaml:2:11: control character 0x01 in a string (written as an escape)"});
  EXPECT_EQ(Errors("entities:\n  - name: \"\\u0085\"\n"),
            Lines{"a.yaml:2:11: control character U+0085 in a string (written as an escape)"});
}

// Tabs and line breaks in user text are kept in values but escaped in
// messages, which stay one line.
TEST(LoaderYamlTest, MessagesEscapeLineBreaksOfUserText) {
  EXPECT_EQ(Errors("entities:\n  - {name: \"a\\nb\\tc\", join_keys: [{name: id, type: int64}]}\n"),
            Lines{"a.yaml:2: invalid entity name 'a\\nb\\tc' (use letters, digits and '_', not "
                  "starting with a digit, at most 128 characters)"});
  LoadedRepo loaded;
  EXPECT_EQ(Errors("entities:\n  - name: u\n    join_keys: [{name: id, type: int64}]\n"
                   "    description: \"line one\\nline two\"\n",
                   "project: p\n", &loaded),
            Lines{});
  ASSERT_EQ(loaded.definitions.entities.size(), 1u);
  EXPECT_EQ(loaded.definitions.entities[0].doc.description, "line one\nline two");
}

std::string ViewWithValidation(const std::string& rule) {
  return std::string(kEntityAndSource) + R"(feature_views:
  - name: v
    entities: [user]
    source: s
    features: [{name: f, type: double}]
    validation: {f: )" +
         rule + "}\n";
}

TEST(LoaderYamlTest, NumbersOutOfRangeOrNotFiniteAreErrors) {
  const std::string range =
      " is out of range (a double holds magnitudes from about 2.2e-308 to 1.8e308)";
  EXPECT_EQ(
      Errors(ViewWithValidation("{min: -1e400, max: 1e400}")),
      (Lines{"a.yaml:10: validation of 'f' in feature view 'v': min: number '-1e400'" + range,
             "a.yaml:10: validation of 'f' in feature view 'v': max: number '1e400'" + range}));
  EXPECT_EQ(Errors(ViewWithValidation("{min: .nan, max: .inf}")),
            (Lines{"a.yaml:10: validation of 'f' in feature view 'v': min: expected a number, "
                   "got '.nan'",
                   "a.yaml:10: validation of 'f' in feature view 'v': max: expected a number, "
                   "got '.inf'"}));
  EXPECT_EQ(Errors(ViewWithValidation("{min: nan, max: 0x10}")),
            (Lines{"a.yaml:10: validation of 'f' in feature view 'v': min: expected a number, "
                   "got 'nan'",
                   "a.yaml:10: validation of 'f' in feature view 'v': max: expected a number, "
                   "got '0x10'"}));
  LoadedRepo loaded;
  EXPECT_EQ(Errors(ViewWithValidation("{min: -1.5e3, max: +.5}"), "project: p\n", &loaded),
            Lines{});
  ASSERT_EQ(loaded.definitions.feature_views.size(), 1u);
  EXPECT_EQ(loaded.definitions.feature_views[0].validation.at("f").min, -1500.0);
  EXPECT_EQ(loaded.definitions.feature_views[0].validation.at("f").max, 0.5);
}

TEST(LoaderYamlTest, TooLargeDurationSaysSo) {
  std::string text = std::string(kEntityAndSource) + R"(feature_views:
  - name: v
    entities: [user]
    source: s
    ttl: 99999999999999999999d
    features: [{name: f, type: double}]
    aggregations: [{column: f, function: sum, windows: [2562047788h, 106751992d]}]
)";
  EXPECT_EQ(Errors(text),
            (Lines{"a.yaml:9: feature view 'v': ttl: duration '99999999999999999999d' is too "
                   "large (at most 106751991d)",
                   "a.yaml:11: aggregation of feature view 'v': window: duration '106751992d' is "
                   "too large (at most 106751991d)"}));
}

TEST(LoaderYamlTest, ConfigHoldsOneDocumentDefinitionFilesMany) {
  EXPECT_EQ(Errors("", "project: p\n---\nproject: q\n"),
            Lines{"tessera.yaml:3: tessera.yaml must hold one YAML document, found a second one"});
  LoadedRepo loaded;
  EXPECT_EQ(Errors(std::string(kEntityAndSource) + "---\n---\nentities: []\n...\n", "project: p\n",
                   &loaded),
            Lines{});
  EXPECT_EQ(loaded.definitions.sources.size(), 1u);
}

TEST(LoaderYamlTest, NullSpellingsAndEmptyFiles) {
  EXPECT_EQ(Errors(""), Lines{});
  EXPECT_EQ(Errors("# only a comment\n"), Lines{});
  EXPECT_EQ(Errors("entities: ~\nsources: null\n"), Lines{});
  // Quoted, "null" is a string: a name that is not a mapping.
  EXPECT_EQ(Errors("entities: \"null\"\n"), Lines{"a.yaml:1: 'entities' must be a list"});
  EXPECT_EQ(Errors("", ""),
            Lines{"tessera.yaml:1: tessera.yaml must be a mapping with at least 'project'"});
}

}  // namespace
}  // namespace tessera::registry

namespace tessera::registry {
namespace {

constexpr const char* kRequestSource = R"(sources:
  - {name: req, kind: request, schema: [{name: amount, type: double}]}
)";

// Found by repo_loader_fuzz (fuzz/corpus/repo_loader/crash_odfv_without_name.yaml):
// the cycle check looked up an on-demand view that has no name and threw.
TEST(LoaderYamlTest, OnDemandViewWithoutANameIsReported) {
  EXPECT_EQ(Errors(std::string(kRequestSource) + R"(on_demand_feature_views:
  - qame: x
    inputs: [req]
    features: [{name: f, type: double, expr: "amount"}]
)"),
            (Lines{"a.yaml:4: missing required key 'name' in on-demand feature view",
                   "a.yaml:4: unknown key 'qame' in on-demand feature view"}));
}

// A chain of on-demand views as long as a big repo makes it: the checks
// walk it without recursion, report the chain-depth limit once (not once
// per view beyond it), and still find a cycle at its end.
TEST(LoaderYamlTest, LongChainsOfOnDemandViewsAreWalkedWithoutRecursion) {
  const int n = 100000;
  std::string text = std::string(kRequestSource) + "on_demand_feature_views:\n";
  for (int i = 0; i < n; ++i) {
    std::string input = i == 0 ? "req" : "v" + std::to_string(i - 1);
    text += "  - {name: v" + std::to_string(i) + ", inputs: [" + input +
            "], features: [{name: f, type: double, expr: \"1\"}]}\n";
  }
  // The walk finishes; such a chain is refused for its depth (limit 64).
  EXPECT_EQ(Errors(text),
            Lines{"a.yaml:68: on-demand feature view 'v64': chain of 65 on-demand views is deeper "
                  "than the limit of 64 (v64 -> v63 -> v62 -> ... -> v2 -> v1 -> v0)"});
  // v0 reads the last view: one cycle through all of them.
  std::string cyclic = text;
  cyclic.replace(cyclic.find("inputs: [req]"), 13, "inputs: [v" + std::to_string(n - 1) + "]");
  // The cycle (its middle elided), and the chain below it that is too deep.
  EXPECT_EQ(Errors(cyclic),
            Lines({"a.yaml:4: on-demand feature view 'v0': cycle v0 -> v99999 -> v99998 -> ... "
                   "-> v2 -> v1 -> v0",
                   "a.yaml:69: on-demand feature view 'v65': chain of 65 on-demand views is deeper "
                   "than the limit of 64 (v65 -> v64 -> v63 -> ... -> v3 -> v2 -> v1)"}));
}

}  // namespace
}  // namespace tessera::registry
