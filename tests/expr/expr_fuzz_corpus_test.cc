// Replays every input of fuzz/corpus/expr_parse/ through the same checks as
// expr_parse_fuzz (parse, print, parse again, bind), so the seeds and the
// inputs the fuzzer found stay regression tests. The corpus is part of the
// repository: a missing folder fails the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/expr_parse_check.h"

namespace tessera::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return fs::path(src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus" / "expr_parse";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ExprFuzzCorpus, EveryInputFailsCleanlyOrRoundTripsAndBinds) {
  ASSERT_TRUE(fs::is_directory(CorpusDir())) << "fuzz corpus folder missing: " << CorpusDir();
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(CorpusDir())) {
    if (!entry.is_regular_file()) continue;
    const std::string input = ReadFile(entry.path());
    EXPECT_EQ(CheckExprInput(reinterpret_cast<const uint8_t*>(input.data()), input.size()), "")
        << entry.path().filename();
    ++inputs;
  }
  EXPECT_GE(inputs, 19) << "inputs under " << CorpusDir();
}

// The round trip and the binder are exercised, not skipped: most seeds
// parse and bind (a corpus of only rejected texts would check little).
TEST(ExprFuzzCorpus, MostSeedsBind) {
  int bound = 0;
  for (const auto& entry : fs::directory_iterator(CorpusDir())) {
    const std::string input = ReadFile(entry.path());
    Result<expr::NodePtr> tree = expr::Parse(input);
    if (tree.ok() && expr::Bind(tree->get(), ExprFuzzScope()).ok()) ++bound;
  }
  EXPECT_GE(bound, 12);
}

// The checker itself catches what it should (it could otherwise pass
// everything).
TEST(ExprFuzzCorpus, CheckerRejectsMalformedErrors) {
  EXPECT_EQ(CheckExprError(Status::Invalid("at col 1: fine")), "");
  EXPECT_NE(CheckExprError(Status::Invalid("no column")), "");
  EXPECT_NE(CheckExprError(Status::Invalid("at col 1: a\nb")), "");
  EXPECT_NE(CheckExprError(Status::Internal("at col 1: x")), "");
}

}  // namespace
}  // namespace tessera::fuzz
