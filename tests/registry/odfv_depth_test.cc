// The limit on chains of on-demand views (kMaxOnDemandChainDepth): a chain
// of 64 loads, one of 65 fails at load (so at plan and apply) naming the
// view and the chain; a 100,000-view chain is reported without recursion.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/registry/loader.h"
#include "tessera/registry/loader_internal.h"

namespace tessera::registry {
namespace {

// A repo whose on-demand views v0..v<n-1> form one chain: v<i> reads
// v<i-1>, v0 reads a request source. View v<i> is defined at line 6 + 3i.
class ChainRepo {
 public:
  explicit ChainRepo(int n) {
    std::string tmpl = "/tmp/tessera-odfv-depth-XXXXXX";
    dir_ = mkdtemp(tmpl.data()) ? tmpl : "";
    std::ofstream(dir_ + "/tessera.yaml") << "project: chain\n";
    std::ofstream f(dir_ + "/features.yaml");
    f << "sources:\n  - name: req\n    kind: request\n    schema: [{name: amount, type: double}]\n"
      << "on_demand_feature_views:\n";
    for (int i = 0; i < n; ++i) {
      f << "  - name: v" << i << "\n    inputs: [" << (i == 0 ? "req" : "v" + std::to_string(i - 1))
        << "]\n    features: [{name: f" << i << ", type: double, expr: \"1\"}]\n";
    }
  }
  ~ChainRepo() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::vector<std::string> Errors() const {
    LoadedRepo repo;
    std::vector<std::string> out;
    for (const LoadError& e : LoadRepoCollectErrors(dir_, &repo)) out.push_back(e.ToString());
    return out;
  }

 private:
  std::string dir_;
};

TEST(OnDemandChainDepth, SixtyFourLevelsLoad) {
  EXPECT_EQ(kMaxOnDemandChainDepth, 64);
  EXPECT_EQ(ChainRepo(64).Errors(), std::vector<std::string>{});
}

TEST(OnDemandChainDepth, SixtyFiveLevelsFailNamingTheChain) {
  EXPECT_EQ(ChainRepo(65).Errors(),
            std::vector<std::string>{
                "features.yaml:198: on-demand feature view 'v64': chain of 65 on-demand views "
                "is deeper than the limit of 64 (v64 -> v63 -> v62 -> ... -> v2 -> v1 -> v0)"});
}

// Only the view where a long chain first exceeds the limit is reported: one
// error however long the chain, found without recursion (validated in
// memory: parsing 100,000 views of YAML would only make the test slow).
TEST(OnDemandChainDepth, HundredThousandChainIsOneErrorWithoutRecursion) {
  constexpr int kChain = 100000;
  internal::ParsedRepo repo;
  Source req;
  req.name = "req";
  req.kind = SourceKind::kRequest;
  req.schema.push_back(Field{"amount", DataType::Double()});
  req.location = {"f.yaml", 1};
  repo.definitions.sources.push_back(req);
  for (int i = 0; i < kChain; ++i) {
    OnDemandFeatureView v;
    v.name = "v" + std::to_string(i);
    v.inputs = {i == 0 ? "req" : "v" + std::to_string(i - 1)};
    FeatureDef f;
    f.name = "f" + std::to_string(i);
    f.type = DataType::Double();
    f.expr = "1";
    v.features.push_back(f);
    v.location = {"f.yaml", 10 + i};
    repo.definitions.on_demand_feature_views.push_back(std::move(v));
  }
  std::vector<LoadError> errors;
  internal::ValidateRepo(repo, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "f.yaml:74: on-demand feature view 'v64': chain of 65 on-demand views is deeper than "
            "the limit of 64 (v64 -> v63 -> v62 -> ... -> v2 -> v1 -> v0)");
}

}  // namespace
}  // namespace tessera::registry
