// Replays the repo loader's fuzz corpus (fuzz/corpus/repo_loader/: seeds
// and every input that once crashed, hung or exhausted memory) through the
// fuzz target's own entry point, without clang or libFuzzer. The corpus is
// part of the repository: a missing folder fails the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../../fuzz/repo_loader_input.h"

namespace tessera::registry {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() {
  const char* env = std::getenv("TESSERA_SOURCE_DIR");
  std::string root = env != nullptr && *env != '\0' ? env : TESSERA_SOURCE_DIR;
  return fs::path(root) / "fuzz" / "corpus" / "repo_loader";
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return std::move(buf).str();
}

TEST(LoaderFuzzCorpusTest, EveryInputLoadsOrFailsCleanly) {
  const fs::path dir = CorpusDir();
  ASSERT_TRUE(fs::is_directory(dir)) << "fuzz corpus folder missing: " << dir;
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    // A hang is caught by ctest's timeout (tests never assert timings).
    EXPECT_EQ(fuzz::CheckRepoInput(ReadBytes(entry.path())), "") << entry.path().filename();
    ++inputs;
  }
  EXPECT_GE(inputs, 40) << "seeds missing under " << dir;
}

// The input format: parts split on "#@file" lines, the first one being
// tessera.yaml; without a separator, one definition file.
TEST(LoaderFuzzCorpusTest, SplitsInputIntoFiles) {
  std::vector<RepoFile> one = fuzz::SplitRepoInput("entities: []\n");
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].path, "tessera.yaml");
  EXPECT_EQ(one[0].text, "project: fuzz\n");
  EXPECT_EQ(one[1].path, "a.yaml");
  EXPECT_EQ(one[1].text, "entities: []\n");
  std::vector<RepoFile> three = fuzz::SplitRepoInput("project: p\n#@file\na: 1\n#@file\nb");
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[0].text, "project: p\n");
  EXPECT_EQ(three[1].path, "f1.yaml");
  EXPECT_EQ(three[1].text, "a: 1\n");
  EXPECT_EQ(three[2].path, "f2.yaml");
  EXPECT_EQ(three[2].text, "b");
}

// The seed made from a valid test repo loads without error through the
// in-memory entry point, as the folder does through LoadRepo.
TEST(LoaderFuzzCorpusTest, ValidSeedLoadsLikeItsFolder) {
  std::string input = ReadBytes(CorpusDir() / "valid_fraud_split.yaml");
  ASSERT_FALSE(input.empty());
  LoadedRepo from_memory;
  EXPECT_TRUE(LoadRepoFromFiles(fuzz::SplitRepoInput(input), &from_memory).empty());
  Result<LoadedRepo> from_folder =
      LoadRepo(std::string(TESSERA_SOURCE_DIR) + "/tests/registry/repos/valid_fraud_split");
  ASSERT_TRUE(from_folder.ok()) << from_folder.status().ToString();
  auto a = CanonicalizeAll(from_memory.definitions);
  auto b = CanonicalizeAll(from_folder->definitions);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].definition_json, (*b)[i].definition_json);
  }
}

}  // namespace
}  // namespace tessera::registry
