// Replays every input of the CLI argument fuzzer's corpus
// (fuzz/corpus/cli_args/, see fuzz/cli_args_fuzz.cc) through the same
// parse-only entry point, so the seeds and whatever the fuzzer found stay
// regression tests in the ordinary build. The corpus is part of the
// repository: a missing or empty folder fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/cli/app.h"

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return fs::path(src && *src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus" / "cli_args";
}

// argv as the fuzz target builds it: "tessera", then the input split on NUL.
std::vector<std::string> SplitArgs(const std::string& input) {
  std::vector<std::string> args{"tessera"};
  if (input.empty()) return args;
  std::string current;
  for (char c : input) {
    if (c == '\0') {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  args.push_back(current);
  return args;
}

struct Parsed {
  std::optional<int> code;
  std::string out, err;
};

Parsed ParseOnly(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  CommandLine command_line;
  Parsed p;
  p.code = command_line.Parse(static_cast<int>(args.size()), argv.data(), out, err);
  p.out = out.str();
  p.err = err.str();
  return p;
}

TEST(CliArgsFuzzCorpus, EveryInputParsesToAKnownOutcome) {
  const fs::path dir = CorpusDir();
  ASSERT_TRUE(fs::is_directory(dir)) << "fuzz corpus folder missing: " << dir;
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    Parsed p;
    ASSERT_NO_THROW(p = ParseOnly(SplitArgs(bytes.str()))) << entry.path();
    if (p.code) {
      EXPECT_TRUE(*p.code == 0 || *p.code == 2) << entry.path() << ": " << *p.code;
    }
    // A usage error is one line.
    if (p.code == 2) {
      EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    }
    ++replayed;
  }
  EXPECT_GE(replayed, 10) << "the corpus lost its seeds: " << dir;
}

// Parse alone runs nothing, and answers what it can answer itself.
TEST(CliArgsFuzzCorpus, ParseOnlyOutcomes) {
  Parsed version = ParseOnly({"tessera", "--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out, "tessera 0.1.0\n");
  Parsed unknown = ParseOnly({"tessera", "frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err, "error: unknown command 'frobnicate' (see tessera --help)\n");
  Parsed chosen = ParseOnly({"tessera", "-r", "/nonexistent/repo", "apply", "--user", "x"});
  EXPECT_EQ(chosen.code, std::nullopt);  // a command chosen, not run
  EXPECT_FALSE(fs::exists("/nonexistent/repo"));
}

}  // namespace
}  // namespace tessera::cli
