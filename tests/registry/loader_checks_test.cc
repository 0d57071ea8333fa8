// Loader checks exercised on small repos written to a temporary folder
// (the folder-per-case repos under repos/ cover the common errors).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBase = R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: profiles, kind: batch, path: p.parquet, timestamp_field: ts}
  - {name: req, kind: request, schema: [{name: amount, type: double}]}
feature_views:
  - name: v
    entities: [user]
    source: profiles
    features: [{name: age, type: int32}]
)";

class TempRepo {
 public:
  explicit TempRepo(const std::string& config = "project: p\n") {
    dir_ = fs::temp_directory_path() /
           ("tessera_loader_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(dir_);
    Write("tessera.yaml", config);
  }
  ~TempRepo() { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  std::vector<std::string> Errors(LoadedRepo* repo = nullptr) const {
    LoadedRepo local;
    std::vector<std::string> out;
    for (const LoadError& e : LoadRepoCollectErrors(dir_.string(), repo ? repo : &local)) {
      out.push_back(e.ToString());
    }
    return out;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

using Lines = std::vector<std::string>;

TEST(LoaderChecksTest, BaseIsValidAndMultipleDocumentsAreRead) {
  TempRepo repo;
  repo.Write("a.yaml",
             std::string(kBase) + "---\nfeature_services:\n  - {name: s, features: [v]}\n");
  repo.Write("empty.yml", "# nothing yet\n");
  LoadedRepo loaded;
  EXPECT_EQ(repo.Errors(&loaded), Lines{});
  EXPECT_EQ(loaded.definitions.feature_services.size(), 1u);
}

TEST(LoaderChecksTest, SkipsNodeModulesAndNestedHiddenFolders) {
  TempRepo repo;
  repo.Write("a.yaml", kBase);
  repo.Write("node_modules/x/config.yaml", "name: junk\n");
  repo.Write("features/.cache/x.yaml", "junk: [\n");
  repo.Write(".hidden.yaml", "junk: 1\n");
  repo.Write("notes.txt", "junk: 1\n");
  repo.Write("build-debug/x.yaml", "junk: 1\n");
  EXPECT_EQ(repo.Errors(), Lines{});
  // data/ and build*/ are skipped at the root only.
  repo.Write("features/building/x.yaml", "junk: 1\n");
  repo.Write("features/data/y.yml", "junk: 2\n");
  EXPECT_EQ(repo.Errors(),
            (Lines{"features/building/x.yaml:1: unknown top-level key 'junk' (expected entities, "
                   "sources, feature_views, on_demand_feature_views or feature_services)",
                   "features/data/y.yml:1: unknown top-level key 'junk' (expected entities, "
                   "sources, feature_views, on_demand_feature_views or feature_services)"}));
}

TEST(LoaderChecksTest, ServiceReferences) {
  TempRepo repo;
  repo.Write("a.yaml", std::string(kBase) + R"(feature_services:
  - name: s
    features:
      - v@3:age
      - v@0:age
      - v:age
      - v:age
      - "v:"
)");
  EXPECT_EQ(repo.Errors(),
            (Lines{"a.yaml:16: feature service 's': invalid feature reference 'v@0:age' (expected "
                   "view, view:feature or view@N:feature)",
                   "a.yaml:18: feature service 's': duplicate reference 'v:age' (first declared at "
                   "a.yaml:17)",
                   "a.yaml:19: feature service 's': invalid feature reference 'v:' (expected view, "
                   "view:feature or view@N:feature)"}));
}

TEST(LoaderChecksTest, OnDemandViewsShareTheViewNamespace) {
  TempRepo repo;
  repo.Write("a.yaml", std::string(kBase) + R"(on_demand_feature_views:
  - name: v
    inputs: [req, profiles]
    features: [{name: x, type: double}]
)");
  EXPECT_EQ(repo.Errors(),
            (Lines{"a.yaml:13: on-demand feature view 'v' has the name of a feature view (defined "
                   "at a.yaml:8); views and on-demand views share one namespace",
                   "a.yaml:14: on-demand feature view 'v': input 'profiles' is a batch source; "
                   "on-demand views read feature views and request sources",
                   "a.yaml:15: missing required key 'expr' in feature 'x' of on-demand feature "
                   "view 'v'"}));
}

TEST(LoaderChecksTest, ViewChecks) {
  TempRepo repo;
  repo.Write("a.yaml", R"(entities:
  - name: user
    join_keys: [{name: id, type: int64}, {name: id, type: string}]
sources:
  - {name: req, kind: request, schema: [{name: amount, type: double}], path: x}
  - {name: s, kind: stream}
feature_views:
  - name: v
    entities: [user, user]
    source: req
    ttl: [1d]
    features: [{name: age, type: int32}]
    validation:
      age: {min: 5, max: 1, not_nul: true}
)");
  EXPECT_EQ(repo.Errors(),
            (Lines{
                "a.yaml:3: entity 'user': duplicate join key 'id' (first declared at a.yaml:3)",
                "a.yaml:5: unknown key 'path' in request source 'req'",
                "a.yaml:6: source 's': unknown kind 'stream' (expected batch, push or request)",
                "a.yaml:9: feature view 'v': duplicate entity 'user' (first declared at a.yaml:9)",
                "a.yaml:10: feature view 'v': source 'req' is a request source; feature views "
                "read batch or push sources (request data feeds on-demand feature views)",
                "a.yaml:11: 'ttl' in feature view 'v' must be a single value, not a list or "
                "mapping",
                "a.yaml:14: validation of 'age' in feature view 'v': min is greater than max",
                "a.yaml:14: unknown key 'not_nul' in validation of 'age' in feature view 'v'",
            }));
}

TEST(LoaderChecksTest, AggregationWindows) {
  TempRepo repo;
  repo.Write("a.yaml", std::string(kBase) + R"(  - name: w
    entities: [user]
    source: profiles
    aggregations:
      - {column: amount, function: sum, windows: [1h, 60m, 1d, 24h, 2d]}
      - {column: amount, function: avg, windows: [90m, "7d"]}
)");
  LoadedRepo loaded;
  EXPECT_EQ(loaded.definitions.feature_views.size(), 0u);
  EXPECT_EQ(repo.Errors(&loaded),
            (Lines{"a.yaml:16: aggregation of feature view 'w': duplicate window '60m'",
                   "a.yaml:16: aggregation of feature view 'w': duplicate window '24h'"}));
  ASSERT_EQ(loaded.definitions.feature_views.size(), 2u);
  EXPECT_EQ(FeatureNames(loaded.definitions.feature_views[1]),
            (Lines{"amount_sum_1h", "amount_sum_24h", "amount_sum_2d", "amount_avg_90m",
                   "amount_avg_7d"}));
}

TEST(LoaderChecksTest, RepoConfig) {
  TempRepo redis("project: p\nonline_store: {type: redis}\noffline: x\n");
  EXPECT_EQ(redis.Errors(),
            (Lines{"tessera.yaml:2: online_store: type redis needs a url (redis://host:port)",
                   "tessera.yaml:3: unknown key 'offline' in tessera.yaml"}));
  TempRepo cluster(
      "project: p\nregistry: r.db\noffline_store: {path: off}\n"
      "online_store: {type: redis-cluster, nodes: [\"h:1\", \"h:2\"]}\n");
  LoadedRepo loaded;
  EXPECT_EQ(cluster.Errors(&loaded), Lines{});
  EXPECT_EQ(loaded.config.registry_path, "r.db");
  EXPECT_EQ(loaded.config.offline_path, "off");
  EXPECT_EQ(loaded.config.online.type, "redis-cluster");
  EXPECT_EQ(loaded.config.online.nodes, (Lines{"h:1", "h:2"}));
  TempRepo bad_project("project: my-project\n");
  EXPECT_EQ(bad_project.Errors(),
            (Lines{"tessera.yaml:1: invalid project name 'my-project' (use letters, digits and "
                   "'_', not starting with a digit, at most 128 characters)"}));
}

TEST(LoaderChecksTest, SyntaxErrorSuppressesUnresolvedReferences) {
  TempRepo repo;
  repo.Write("a.yaml", "entities: [\n");
  repo.Write("b.yaml", R"(feature_views:
  - {name: v, entities: [user], source: s, features: [{name: a, type: int32}]}
)");
  Lines errors = repo.Errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("a.yaml:")) << errors[0];
}

// The folder path reads files as bytes and parses them like the in-memory
// one: yaml-cpp 0.7 ran out of memory here, a NUL byte stopped nothing.
TEST(LoaderChecksTest, HostileFilesOnDisk) {
  TempRepo repo;
  repo.Write("features/a.yaml", ",\n");
  repo.Write("features/b.yaml", std::string("entities:\n  - name: u\0\n", 24));
  repo.Write("features/c.yml", "entities:\n  - {name: \"user}\n");
  EXPECT_EQ(repo.Errors(),
            (Lines{"features/a.yaml:1:1: invalid YAML: did not find expected node content, "
                   "found ',' (while parsing a block node started at line 1)",
                   "features/b.yaml:2:12: invalid YAML: control character 0x00",
                   "features/c.yml:2:12: invalid YAML: unterminated quoted string (no closing "
                   "quote)"}));
}

TEST(LoaderChecksTest, MissingConfig) {
  LoadedRepo loaded;
  std::string root = fs::temp_directory_path() / "tessera_loader_no_config";
  fs::create_directories(root);
  std::vector<LoadError> errors = LoadRepoCollectErrors(root, &loaded);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location.file, "tessera.yaml");
  fs::remove_all(root);
}

}  // namespace
}  // namespace tessera::registry
