// Replays every input of fuzz/corpus/time_parse/ through the same checks as
// time_parse_fuzz (parse, format, parse again), so the seeds and the inputs
// the fuzzer found stay regression tests. The corpus is part of the
// repository: a missing folder fails the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/time_parse_check.h"

namespace tessera::fuzz {
namespace {

namespace fs = std::filesystem;

TEST(TimeFuzzCorpus, EveryInputParsesOrFailsCleanlyAndRoundTrips) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  const fs::path dir = fs::path(src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus" / "time_parse";
  ASSERT_TRUE(fs::is_directory(dir)) << "fuzz corpus folder missing: " << dir;
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    const std::string input = s.str();
    EXPECT_EQ(CheckTimeInput(reinterpret_cast<const uint8_t*>(input.data()), input.size()), "")
        << entry.path().filename();
    ++inputs;
  }
  EXPECT_GE(inputs, 16) << "inputs under " << dir;
}

// The round trips are exercised, not skipped: seeds of modes 0 and 1 parse
// (a corpus of only rejected texts would check nothing).
TEST(TimeFuzzCorpus, SeedsParseSoTheRoundTripsRun) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  const fs::path dir = fs::path(src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus" / "time_parse";
  int parsed[2] = {0, 0};
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    const std::string input = s.str();
    if (input.empty()) continue;
    const std::string_view text(input.data() + 1, input.size() - 1);
    if (input[0] % 4 == 0 && ParseTimestamp(text).ok()) ++parsed[0];
    if (input[0] % 4 == 1 && ParseDuration(text).ok()) ++parsed[1];
  }
  EXPECT_GE(parsed[0], 5);
  EXPECT_GE(parsed[1], 4);
}

}  // namespace
}  // namespace tessera::fuzz
