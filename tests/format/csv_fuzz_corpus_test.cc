// Replays every input of fuzz/corpus/csv_reader/ (the seeds and the inputs
// the fuzzer found) through the same check as csv_reader_fuzz, so they stay
// regression tests in the ordinary build. The corpus is part of the
// repository: a missing folder fails the test.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/csv_reader_check.h"

namespace tessera::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return fs::path(src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus" / "csv_reader";
}

TEST(CsvFuzzCorpus, EveryInputReadsOrFailsCleanlyAndRoundTrips) {
  const fs::path dir = CorpusDir();
  ASSERT_TRUE(fs::is_directory(dir)) << "fuzz corpus folder missing: " << dir;
  std::string scratch = (fs::temp_directory_path() / "tessera-csv-corpus-XXXXXX").string();
  ASSERT_NE(::mkdtemp(scratch.data()), nullptr);
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    const std::string input = s.str();
    EXPECT_EQ(CheckCsvInput(reinterpret_cast<const uint8_t*>(input.data()), input.size(), scratch),
              "")
        << entry.path().filename();
    ++inputs;
  }
  fs::remove_all(scratch);
  EXPECT_GE(inputs, 8) << "inputs under " << dir;
}

// The check is not vacuous: a declared-schema input with values of every
// type reads rows (so the round trip compared something).
TEST(CsvFuzzCorpus, DeclaredSeedReadsRows) {
  std::ifstream in(CorpusDir() / "declared_all_types", std::ios::binary);
  ASSERT_TRUE(in) << "seed missing";
  std::ostringstream s;
  s << in.rdbuf();
  std::string scratch = (fs::temp_directory_path() / "tessera-csv-corpus-XXXXXX").string();
  ASSERT_NE(::mkdtemp(scratch.data()), nullptr);
  const std::string path = scratch + "/seed.csv";
  std::ofstream(path, std::ios::binary) << s.str().substr(1);
  auto batches = ReadAllCsv(path, CsvFuzzSchema(), 7);
  fs::remove_all(scratch);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_EQ((*batches)[0]->num_rows(), 1);
}

}  // namespace
}  // namespace tessera::fuzz
