// The source log's manifest: its JSON round trip, ReadManifest on a missing
// folder and file, and every corruption ManifestFromJson rejects (exact
// messages).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tessera/offline/source_log.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

LogPart Part(const std::string& file, int64_t first, int64_t last, int64_t rows) {
  LogPart p;
  p.file = file;
  p.num_rows = rows;
  p.min_event_ts = -5 * (first % 1000);  // negative times (before 1970) round-trip too
  p.max_event_ts = 1'700'000'000'000'000 + last % 1000;
  p.first_seq = first;
  p.last_seq = last;
  p.committed_at = 1'700'000'000'123'456 + first % 1000;
  return p;
}

Manifest Sample() {
  Manifest m;
  m.generation = 7;
  m.last_seq = 1000;
  m.parts = {Part("part-00000000000000000001-00000000000000000500.parquet", 1, 500, 500),
             Part("part-00000000000000000501.parquet", 501, 900, 400),
             Part("part-00000000000000000950.parquet", 950, 999, 50)};
  m.replaced = {"part-00000000000000000001.parquet", "part-00000000000000000002.parquet"};
  m.replaced_at = {1700000000000000, 1700000000000001};
  return m;
}

void ExpectSame(const Manifest& a, const Manifest& b) {
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.last_seq, b.last_seq);
  ASSERT_EQ(a.parts.size(), b.parts.size());
  for (size_t i = 0; i < a.parts.size(); ++i) {
    const LogPart& x = a.parts[i];
    const LogPart& y = b.parts[i];
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.num_rows, y.num_rows);
    EXPECT_EQ(x.min_event_ts, y.min_event_ts);
    EXPECT_EQ(x.max_event_ts, y.max_event_ts);
    EXPECT_EQ(x.first_seq, y.first_seq);
    EXPECT_EQ(x.last_seq, y.last_seq);
    EXPECT_EQ(x.committed_at, y.committed_at);
  }
  EXPECT_EQ(a.replaced, b.replaced);
  EXPECT_EQ(a.replaced_at, b.replaced_at);
}

TEST(ManifestJsonTest, RoundTripsEveryField) {
  Manifest m = Sample();
  std::string json = ManifestToJson(m);
  Result<Manifest> back = ManifestFromJson(json, "m.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(m, *back);
  EXPECT_EQ(ManifestToJson(*back), json);  // stable text
}

TEST(ManifestJsonTest, RoundTripsExtremeIntegers) {
  Manifest m;
  m.generation = INT64_MAX;
  m.last_seq = INT64_MAX;
  LogPart p = Part("a.parquet", INT64_MAX - 1, INT64_MAX, 2);
  p.min_event_ts = INT64_MIN;
  p.max_event_ts = INT64_MAX;
  p.committed_at = INT64_MIN;
  m.parts = {p};
  Result<Manifest> back = ManifestFromJson(ManifestToJson(m), "m.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(m, *back);
}

TEST(ManifestJsonTest, EmptyManifestRoundTrips) {
  Result<Manifest> back = ManifestFromJson(ManifestToJson(Manifest{}), "m.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(Manifest{}, *back);
}

TEST(ManifestJsonTest, TextIsTheDocumentedLayout) {
  Manifest m;
  m.generation = 1;
  m.last_seq = 2;
  m.parts = {Part("part-1.parquet", 1, 2, 2)};
  EXPECT_EQ(ManifestToJson(m),
            "{\n"
            "  \"format_version\": 2,\n"
            "  \"generation\": 1,\n"
            "  \"last_seq\": 2,\n"
            "  \"parts\": [\n"
            "    {\n"
            "      \"file\": \"part-1.parquet\",\n"
            "      \"num_rows\": 2,\n"
            "      \"min_event_ts\": -5,\n"
            "      \"max_event_ts\": 1700000000000002,\n"
            "      \"first_seq\": 1,\n"
            "      \"last_seq\": 2,\n"
            "      \"committed_at\": 1700000000123457\n"
            "    }\n"
            "  ],\n"
            "  \"replaced\": [],\n"
            "  \"replaced_at\": []\n"
            "}\n");
}

// The sample's JSON with `from` replaced by `to` (which must occur).
std::string Edited(const std::string& from, const std::string& to) {
  std::string json = ManifestToJson(Sample());
  size_t at = json.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return json;
  return json.replace(at, from.size(), to);
}

std::string ErrorOf(const std::string& json) {
  Result<Manifest> m = ManifestFromJson(json, "src/manifest.json");
  if (m.ok()) return "ok";
  return m.status().ToString();
}

TEST(ManifestJsonTest, RejectsCorruptionNamingTheField) {
  EXPECT_EQ(ErrorOf(""),
            "Corruption: src/manifest.json: not valid JSON at offset 0: The document is empty.");
  EXPECT_EQ(ErrorOf("{\"generation\": 1,"),
            "Corruption: src/manifest.json: not valid JSON at offset 17: Missing a name for "
            "object member.");
  EXPECT_EQ(ErrorOf("[1]"), "Corruption: src/manifest.json: manifest: not a JSON object");
  EXPECT_EQ(ErrorOf(Edited("\"format_version\": 2,", "")),
            "Corruption: src/manifest.json: manifest: missing \"format_version\"");
  EXPECT_EQ(ErrorOf(Edited("\"format_version\": 2", "\"format_version\": 3")),
            "Unsupported: src/manifest.json: format_version 3 is not 1 or 2 (written by a newer "
            "Tessera?)");
  EXPECT_EQ(ErrorOf(Edited("\"format_version\": 2", "\"format_version\": 0")),
            "Unsupported: src/manifest.json: format_version 0 is not 1 or 2");
  EXPECT_EQ(ErrorOf(Edited("\"format_version\": 2", "\"format_version\": 1")), "ok");
  EXPECT_EQ(ErrorOf(Edited("\"generation\": 7", "\"generation\": 7.5")),
            "Corruption: src/manifest.json: manifest.generation: not an integer");
  EXPECT_EQ(ErrorOf(Edited("\"generation\": 7", "\"generation\": -1")),
            "Corruption: src/manifest.json: generation: is negative");
  EXPECT_EQ(ErrorOf(Edited("\"last_seq\": 1000", "\"last_seq\": \"1000\"")),
            "Corruption: src/manifest.json: manifest.last_seq: not an integer");
  EXPECT_EQ(ErrorOf(Edited("\"last_seq\": 1000", "\"last_seq\": 998")),
            "Corruption: src/manifest.json: last_seq: is below the last part's last_seq");
  EXPECT_EQ(ErrorOf(Edited("\"parts\": [", "\"parts\": {\"x\": [")),
            "Corruption: src/manifest.json: not valid JSON at offset 998: Missing a comma or "
            "'}' after an object member.");
  EXPECT_EQ(ErrorOf(Edited("\"num_rows\": 400", "\"num_rows\": 0")),
            "Corruption: src/manifest.json: parts[1].num_rows: must be at least 1");
  EXPECT_EQ(ErrorOf(Edited("\"num_rows\": 400", "\"num_rows\": 401")),
            "Corruption: src/manifest.json: parts[1]: num_rows exceeds the seq range's length");
  EXPECT_EQ(ErrorOf(Edited("\"num_rows\": 400,", "")),
            "Corruption: src/manifest.json: parts[1]: missing \"num_rows\"");
  EXPECT_EQ(ErrorOf(Edited("\"first_seq\": 501", "\"first_seq\": 500")),
            "Corruption: src/manifest.json: parts[1]: seq range overlaps or precedes the "
            "previous part's");
  EXPECT_EQ(ErrorOf(Edited("\"first_seq\": 1,", "\"first_seq\": 0,")),
            "Corruption: src/manifest.json: parts[0]: seq range [first_seq, last_seq] is empty "
            "or below 1");
  EXPECT_EQ(ErrorOf(Edited("\"min_event_ts\": -2505", "\"min_event_ts\": 1800000000000000")),
            "Corruption: src/manifest.json: parts[1]: min_event_ts is after max_event_ts");
  EXPECT_EQ(ErrorOf(Edited("part-00000000000000000501.parquet", "../../etc/passwd.parquet")),
            "Corruption: src/manifest.json: parts[1].file: not a plain file name ending in "
            ".parquet");
  EXPECT_EQ(ErrorOf(Edited("part-00000000000000000501.parquet", "part-1.csv")),
            "Corruption: src/manifest.json: parts[1].file: not a plain file name ending in "
            ".parquet");
  EXPECT_EQ(
      ErrorOf(Edited("part-00000000000000000950.parquet", "part-00000000000000000501.parquet")),
      "Corruption: src/manifest.json: parts[2].file: names a file listed before");
  EXPECT_EQ(ErrorOf(Edited("\"part-00000000000000000002.parquet\"",
                           "\"part-00000000000000000501.parquet\"")),
            "Corruption: src/manifest.json: replaced[1]: names a file listed before");
  EXPECT_EQ(ErrorOf(Edited("\"part-00000000000000000002.parquet\"", "3")),
            "Corruption: src/manifest.json: replaced[1]: not a string");
  EXPECT_EQ(ErrorOf(Edited("\"generation\": 7", "\"generation\": 0")),
            "Corruption: src/manifest.json: generation: is 0 but parts are listed");
  EXPECT_EQ(ErrorOf(Edited("\"replaced_at\": [", "\"replaced_at\": [1, ")),
            "Corruption: src/manifest.json: replaced_at: not an array as long as \"replaced\"");
  EXPECT_EQ(ErrorOf(Edited("1700000000000001", "\"x\"")),
            "Corruption: src/manifest.json: replaced_at[1]: not an integer");
}

// A manifest written before replaced_at existed: its replaced parts count
// as replaced long ago (the next compaction removes them, as it did then).
TEST(ManifestJsonTest, ReplacedAtIsOptional) {
  std::string json = ManifestToJson(Sample());
  size_t at = json.find(",\n  \"replaced_at\"");
  ASSERT_NE(at, std::string::npos);
  json = json.substr(0, at) + "\n}\n";
  Result<Manifest> m = ManifestFromJson(json, "m");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->replaced, Sample().replaced);
  EXPECT_EQ(m->replaced_at, (std::vector<int64_t>{0, 0}));
}

TEST(ManifestJsonTest, InvalidUtf8InAFileNameIsNotEchoed) {
  std::string msg = ErrorOf(Edited("part-00000000000000000501", "part-\xff\xfe"));
  EXPECT_EQ(msg,
            "Corruption: src/manifest.json: parts[1].file: not a plain file name ending in "
            ".parquet");
}

TEST(ManifestJsonTest, UnknownMembersAreIgnoredAndReplacedIsOptional) {
  std::string json = Edited("\"generation\": 7", "\"note\": {\"a\": [1]}, \"generation\": 7");
  size_t at = json.find(",\n  \"replaced\"");
  json = json.substr(0, at) + "\n}\n";
  Result<Manifest> m = ManifestFromJson(json, "m");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->parts.size(), 3u);
  EXPECT_TRUE(m->replaced.empty());
}

class ReadManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        (fs::temp_directory_path() / ("tessera_manifest_" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ReadManifestTest, MissingFolderOrFileIsAnEmptyLog) {
  Result<Manifest> m = ReadManifest(Env::Default(), dir_ + "/no/such");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->generation, 0);
  EXPECT_TRUE(m->parts.empty());
  fs::create_directories(dir_);
  m = ReadManifest(Env::Default(), dir_);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->generation, 0);
}

TEST_F(ReadManifestTest, ReadsTheFileAndNamesItWhenCorrupt) {
  fs::create_directories(dir_);
  std::ofstream(ManifestPath(dir_)) << ManifestToJson(Sample());
  Result<Manifest> m = ReadManifest(Env::Default(), dir_);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectSame(Sample(), *m);

  std::ofstream(ManifestPath(dir_), std::ios::trunc) << "{\"format_version\": 1}";
  m = ReadManifest(Env::Default(), dir_);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().ToString(),
            "Corruption: " + dir_ + "/manifest.json: manifest: missing \"generation\"");
}

TEST(SourceLogDirTest, IsRootProjectSourcesSource) {
  EXPECT_EQ(SourceLogDir("/r/data/offline", "shop", "orders"),
            "/r/data/offline/shop/sources/orders");
  EXPECT_EQ(ManifestPath("/x"), "/x/manifest.json");
}

TEST(IsPartFileNameTest, AcceptsOnlyPlainParquetNames) {
  EXPECT_TRUE(IsPartFileName("part-00000000000000000001.parquet"));
  EXPECT_TRUE(IsPartFileName("a_B.9.parquet"));
  EXPECT_FALSE(IsPartFileName(".parquet"));
  EXPECT_FALSE(IsPartFileName(".x.parquet"));
  EXPECT_FALSE(IsPartFileName("a/b.parquet"));
  EXPECT_FALSE(IsPartFileName("a b.parquet"));
  EXPECT_FALSE(IsPartFileName("manifest.json"));
  EXPECT_FALSE(IsPartFileName(""));
}

}  // namespace
}  // namespace tessera::offline
