// Replays every file of the Parquet fuzz corpora (fuzz/corpus/parquet_footer/,
// fuzz/corpus/parquet_reader/) through the metadata decoders and the reader,
// so inputs the fuzzers found (and the seeds) stay regression tests in the
// ordinary build: nothing may crash, and whatever decodes must survive an
// encode/decode round trip. A missing corpus folder fails.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/reader.h"

namespace tessera::parquet {
namespace {

namespace fs = std::filesystem;

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

fs::path CorpusRoot() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return fs::path(src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ExpectFileMetaDataRoundTrips(const std::string& input, const std::string& name) {
  auto md = DecodeFileMetaData(U8(input), input.size());
  if (!md.ok()) return;
  std::string bytes;
  EncodeFileMetaData(*md, &bytes);
  auto again = DecodeFileMetaData(U8(bytes), bytes.size());
  ASSERT_TRUE(again.ok()) << name << ": " << again.status().ToString();
  FileMetaData expected = *md;
  expected.has_encryption_algorithm = false;  // not written by the encoder
  for (RowGroup& g : expected.row_groups) {
    for (ColumnChunk& c : g.columns) c.has_crypto_metadata = false;
  }
  if (expected.column_orders.empty()) again->column_orders.clear();  // derived on encode
  EXPECT_EQ(*again, expected) << name;
}

void ExpectPageHeaderRoundTrips(const std::string& input, const std::string& name) {
  size_t header_size = 0;
  auto header = DecodePageHeader(U8(input), input.size(), &header_size);
  if (!header.ok()) return;
  EXPECT_GT(header_size, 0u) << name;
  EXPECT_LE(header_size, input.size()) << name;
  std::string bytes;
  EncodePageHeader(*header, &bytes);
  size_t again_size = 0;
  auto again = DecodePageHeader(U8(bytes), bytes.size(), &again_size);
  ASSERT_TRUE(again.ok()) << name << ": " << again.status().ToString();
  EXPECT_EQ(*again, *header) << name;
  EXPECT_EQ(again_size, bytes.size()) << name;
}

TEST(FuzzCorpus, EveryInputDecodesOrFailsCleanly) {
  const fs::path root = CorpusRoot();
  int inputs = 0;
  // The corpora of the two Parquet targets (folder = target name without
  // _fuzz). They are part of the repository: a missing one is a failure.
  for (const char* target : {"parquet_footer", "parquet_reader"}) {
    const fs::path dir = root / target;
    ASSERT_TRUE(fs::is_directory(dir)) << "fuzz corpus folder missing: " << dir;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string input = ReadFile(entry.path());
      const std::string name = entry.path().filename().string();
      ExpectFileMetaDataRoundTrips(input, name);
      ExpectPageHeaderRoundTrips(input, name);
      // The seeds named after their source are real footers / page headers.
      if (name.size() > 7 && name.compare(name.size() - 7, 7, ".footer") == 0) {
        EXPECT_TRUE(DecodeFileMetaData(U8(input), input.size()).ok()) << name;
      }
      if (name.find(".page") != std::string::npos) {
        size_t header_size = 0;
        EXPECT_TRUE(DecodePageHeader(U8(input), input.size(), &header_size).ok()) << name;
      }
      ++inputs;
    }
  }
  EXPECT_GT(inputs, 0) << "no inputs under " << root;
}

// Inputs of parquet_reader_fuzz that once crashed it: each, as a file, must
// open and read to the end or fail with a Status (under ASan in `make
// sanitize`, an overflow fails the test).
TEST(FuzzCorpus, ReaderInputsReadOrFailCleanly) {
  const fs::path dir = CorpusRoot() / "parquet_reader";
  ASSERT_TRUE(fs::is_directory(dir)) << "reader corpus folder missing: " << dir;
  const fs::path tmp = fs::path(::testing::TempDir()) / "tessera_reader_corpus.parquet";
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    fs::copy_file(entry.path(), tmp, fs::copy_options::overwrite_existing);
    auto reader = ParquetReader::Open(tmp.string());
    if (reader.ok()) {
      while (true) {
        auto batch = (*reader)->Next();
        if (!batch.ok() || *batch == nullptr) break;
      }
    }
    ++inputs;
  }
  fs::remove(tmp);
  EXPECT_GT(inputs, 0) << "no inputs under " << dir;
}

}  // namespace
}  // namespace tessera::parquet
