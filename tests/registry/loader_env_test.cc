// The loader reads every file through the Env it is given: a fault injected
// at any of its I/O calls is reported as "<file>:0: cannot read the file"
// for exactly the file whose call failed, and nothing else changes.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "loader_test_util.h"
#include "tessera/core/fault_injection_env.h"
#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Strings(const std::vector<LoadError>& errors) {
  std::vector<std::string> out;
  for (const LoadError& e : errors) out.push_back(e.ToString());
  return out;
}

TEST(LoaderEnv, AFaultAtEachCallNamesTheFileThatCouldNotBeRead) {
  const std::string repo = testing::RepoPath("valid_fraud_split");
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  LoadedRepo clean;
  ASSERT_TRUE(LoadRepoCollectErrors(repo, &clean, &env).empty());
  const int64_t n = policy.calls();
  ASSERT_GE(n, 4);  // tessera.yaml and at least one definition file, open + read each
  for (int64_t k = 1; k <= n; ++k) {
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    LoadedRepo out;
    std::vector<LoadError> errors = LoadRepoCollectErrors(repo, &out, &env);
    ASSERT_TRUE(policy.injected()) << "call " << k;
    const std::string rel =
        fs::path(policy.injected_path()).lexically_relative(clean.root).generic_string();
    EXPECT_EQ(Strings(errors), std::vector<std::string>{rel + ":0: cannot read the file"})
        << "call " << k << " (" << IoOpName(policy.injected_op()) << ")";
  }
}

TEST(LoaderEnv, ConfigOnlyReadsTesseraYamlThroughTheEnv) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  LoadedRepo out;
  policy.FailCallNumber(1, EIO);
  std::vector<LoadError> errors = LoadRepoConfig(testing::RepoPath("valid_fraud"), &out, &env);
  EXPECT_EQ(Strings(errors), std::vector<std::string>{"tessera.yaml:0: cannot read the file"});
  EXPECT_EQ(policy.injected_op(), IoOp::kOpen);
  EXPECT_EQ(fs::path(policy.injected_path()).filename(), "tessera.yaml");
}

}  // namespace
}  // namespace tessera::registry
