// ParquetReader behaviour beyond interop: statistics pruning, projection,
// threads, type conversions, and hostile inputs (truncated, corrupted,
// wrong magic, lying footer) that must give a Status, never a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/schema_mapping.h"
#include "tessera/format/parquet/value_convert.h"
#include "tessera/format/parquet/writer.h"
#include "testdata.h"

namespace tessera::parquet {
namespace {

namespace fs = std::filesystem;
using ::tessera::testing::TestDataPath;

constexpr const char* kEvents = "parquet/duckdb/events_200k.parquet";
constexpr int64_t kStart = 1704067200LL * 1000000;  // 2024-01-01T00:00:00Z
constexpr int64_t kStep = 30LL * 1000000;           // 30 s between rows
// The README says 50 groups of 4,000 rows; DuckDB actually wrote 49 groups
// of 4,096 rows (the last one 3,392): DuckDB rounds row groups to its
// 2,048-row vectors. The expected sets below use the real group sizes.
constexpr int64_t kRowsPerGroup = 4096;
constexpr int64_t kRows = 200000;
constexpr int kGroups = 49;

int64_t GroupRows(int g) { return std::min(kRowsPerGroup, kRows - g * kRowsPerGroup); }

// The groups overlapping [lo, hi], from the file's layout alone (row r has
// event_timestamp kStart + r * kStep; group g holds rows from 4096 g on),
// not from its statistics.
std::vector<int> ExpectedGroups(int64_t lo, int64_t hi) {
  std::vector<int> out;
  for (int g = 0; g < kGroups; ++g) {
    int64_t min = kStart + g * kRowsPerGroup * kStep;
    int64_t max = kStart + (g * kRowsPerGroup + GroupRows(g) - 1) * kStep;
    if (max >= lo && min <= hi) out.push_back(g);
  }
  return out;
}

TEST(ParquetReaderTest, RangeFilterKeepsOnlyOverlappingRowGroups) {
  TESSERA_REQUIRE_TESTDATA(kEvents);
  const int64_t day = 86400LL * 1000000;
  const int64_t lo = kStart + 10 * day;  // 2024-01-11, one whole day
  const int64_t hi = lo + day - 1;
  ReadOptions options;
  options.filter = RangeFilter{"event_timestamp", lo, hi};
  options.columns = {"event_timestamp", "amount"};
  auto reader = ParquetReader::Open(TestDataPath(kEvents), options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->num_row_groups(), kGroups);
  for (int g = 0; g < kGroups; ++g) {
    ASSERT_EQ((*reader)->metadata().row_groups[static_cast<size_t>(g)].num_rows, GroupRows(g));
  }
  std::vector<int> expected = ExpectedGroups(lo, hi);
  ASSERT_FALSE(expected.empty());
  EXPECT_LT(expected.size(), 3u);  // one day is 2880 rows: one or two groups
  EXPECT_EQ((*reader)->selected_row_groups(), expected);

  ASSERT_EQ((*reader)->schema()->num_fields(), 2);
  EXPECT_EQ((*reader)->schema()->field(0).name, "event_timestamp");
  EXPECT_EQ((*reader)->schema()->field(0).type, DataType::Timestamp());
  EXPECT_EQ((*reader)->schema()->field(1).name, "amount");
  auto batches = ReadAll(reader->get());
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), expected.size());
  for (size_t b = 0; b < batches->size(); ++b) {
    const RecordBatch& batch = *(*batches)[b];
    ASSERT_EQ(batch.num_columns(), 2);
    ASSERT_EQ(batch.num_rows(), GroupRows(expected[b]));
    int64_t first_row = expected[b] * kRowsPerGroup;
    for (int64_t r = 0; r < batch.num_rows(); r += 997) {
      EXPECT_EQ(batch.column(0)->GetInt64(r), kStart + (first_row + r) * kStep);
      // The double nearest row / 100 (DuckDB casts the exact decimal).
      EXPECT_EQ(batch.column(1)->GetDouble(r), static_cast<double>(first_row + r) / 100.0);
    }
  }
}

TEST(ParquetReaderTest, RangeFilterOutsideTheDataSelectsNothing) {
  TESSERA_REQUIRE_TESTDATA(kEvents);
  ReadOptions options;
  options.filter = RangeFilter{"event_timestamp", 0, kStart - 1};
  auto reader = ParquetReader::Open(TestDataPath(kEvents), options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->selected_row_groups().empty());
  auto next = (*reader)->Next();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, nullptr);
}

TEST(ParquetReaderTest, FilterOnIntColumnAndBadFilters) {
  TESSERA_REQUIRE_TESTDATA(kEvents);
  ReadOptions options;
  options.filter = RangeFilter{"cnt", 200, 300};  // cnt = row % 97 < 97
  auto reader = ParquetReader::Open(TestDataPath(kEvents), options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->selected_row_groups().empty());

  options.filter = RangeFilter{"amount", 0, 1};
  EXPECT_TRUE(ParquetReader::Open(TestDataPath(kEvents), options).status().IsInvalid());
  options.filter = RangeFilter{"no_such_column", 0, 1};
  EXPECT_TRUE(ParquetReader::Open(TestDataPath(kEvents), options).status().IsInvalid());
  options.filter.reset();
  options.columns = {"nope"};
  EXPECT_TRUE(ParquetReader::Open(TestDataPath(kEvents), options).status().IsInvalid());
}

TEST(ParquetReaderTest, TwoThreadsGiveTheSameBatchesAsOne) {
  TESSERA_REQUIRE_TESTDATA(kEvents);
  ReadOptions one;
  ReadOptions two;
  two.num_threads = 2;
  auto a = ReadParquetFile(TestDataPath(kEvents), one);
  auto b = ReadParquetFile(TestDataPath(kEvents), two);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->size(), static_cast<size_t>(kGroups));
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_TRUE((*a)[i]->Equals(*(*b)[i])) << "row group " << i;
  }
  const RecordBatch& last = *a->back();
  int64_t row = (kGroups - 1) * kRowsPerGroup + 5;
  EXPECT_EQ(last.num_rows(), GroupRows(kGroups - 1));
  EXPECT_EQ(last.GetColumnByName("cnt")->GetInt32(5), row % 97);
  EXPECT_EQ(last.GetColumnByName("user_id")->type(), DataType::Int64());
}

TEST(ParquetReaderTest, ReadRowGroupIsSafeFromManyThreads) {
  TESSERA_REQUIRE_TESTDATA(kEvents);
  auto reader = ParquetReader::Open(TestDataPath(kEvents));
  ASSERT_TRUE(reader.ok());
  const ParquetReader& r = **reader;
  std::vector<RecordBatchPtr> out(kGroups);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int g = t; g < kGroups; g += 3) {
        auto batch = r.ReadRowGroup(g);
        if (batch.ok()) out[static_cast<size_t>(g)] = *batch;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int g = 0; g < kGroups; ++g) {
    ASSERT_NE(out[static_cast<size_t>(g)], nullptr) << g;
    EXPECT_EQ(out[static_cast<size_t>(g)]->column(1)->GetInt64(0),
              kStart + g * kRowsPerGroup * kStep);
  }
  EXPECT_TRUE(r.ReadRowGroup(kGroups).status().code() == StatusCode::kOutOfRange);
}

// ---- conversions -------------------------------------------------------

TEST(ParquetConvertTest, DecimalsHalfFloatsAndInt96) {
  const uint8_t neg[] = {0xff, 0xfe};  // -2
  EXPECT_EQ(DecimalToString(neg, 2, 1), "-0.2");
  const uint8_t v[] = {0x30, 0x39};  // 12345
  EXPECT_EQ(DecimalToString(v, 2, 2), "123.45");
  EXPECT_EQ(DecimalToString(v, 2, 0), "12345");
  EXPECT_EQ(DecimalToString(v, 2, 6), "0.012345");
  EXPECT_EQ(DecimalToDouble(v, 2, 2), 123.45);  // 12345 / 100, correctly rounded
  std::vector<uint8_t> big(20, 0xff);           // -1 in 20 bytes
  EXPECT_EQ(DecimalToString(big.data(), 20, 0), "-1");
  big.assign(20, 0);
  big[19] = 7;
  EXPECT_EQ(DecimalToString(big.data(), 20, 3), "0.007");
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));
  uint8_t int96[12] = {};
  int64_t nanos = 1500;  // 1.5 us after midnight
  int32_t day = 2440588 + 1;
  std::memcpy(int96, &nanos, 8);
  std::memcpy(int96 + 8, &day, 4);
  int64_t micros = 0;
  ASSERT_TRUE(Int96ToMicros(int96, &micros));
  EXPECT_EQ(micros, 86400LL * 1000000 + 1);
}

TEST(ParquetSchemaMappingTest, NestedStructsAreUnsupportedByName) {
  std::vector<SchemaElement> s(4);
  s[0].name = "root";
  s[0].num_children = 2;
  s[1].name = "x";
  s[1].num_children = 1;
  s[1].repetition = Repetition::kOptional;
  s[2].name = "inner";
  s[2].type = Type::kInt32;
  s[2].repetition = Repetition::kOptional;
  s[3].name = "y";
  s[3].type = Type::kInt64;
  s[3].repetition = Repetition::kRequired;
  s[3].converted_type = ConvertedType::kUint64;
  auto fields = MapSchema(s, 2);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  ASSERT_EQ(fields->size(), 2u);
  EXPECT_TRUE((*fields)[0].status.IsUnsupported());
  EXPECT_EQ((*fields)[0].status.message(), "column 'x': nested struct columns are unsupported");
  ASSERT_TRUE((*fields)[1].status.ok());
  EXPECT_EQ((*fields)[1].column.type, DataType::Int64());
  EXPECT_EQ((*fields)[1].column.conversion, ConversionKind::kUint64ToInt64);
  EXPECT_EQ((*fields)[1].column.leaf_index, 1);
  s[0].num_children = 9;  // runs past the end
  EXPECT_TRUE(MapSchema(s, 2).status().IsCorruption());
}

// ---- hostile inputs ----------------------------------------------------

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The one schema walk (MapSchema and `tessera schema` use it): spans, first
// leaves and leaf column indexes of flat, list, struct and childless fields.
TEST(ParquetSchemaMappingTest, WalkTopLevelFieldsGivesEachSubtree) {
  std::vector<SchemaElement> s(9);
  auto group = [&](size_t i, const char* name, int32_t children) {
    s[i].name = name;
    s[i].num_children = children;
  };
  auto leaf = [&](size_t i, const char* name) {
    s[i].name = name;
    s[i].type = Type::kInt64;
  };
  group(0, "root", 5);
  leaf(1, "a");      // field 0: leaf column 0
  group(2, "l", 1);  // field 1: list<int64>, leaf column 1 at element 4
  group(3, "list", 1);
  leaf(4, "element");
  group(5, "st", 2);  // field 2: struct of two leaves, columns 2 and 3
  leaf(6, "x");
  leaf(7, "y");
  group(8, "empty", 0);  // field 3: a childless group, no leaf
  s[0].num_children = 4;
  auto walk = WalkTopLevelFields(s);
  ASSERT_TRUE(walk.ok()) << walk.status().ToString();
  ASSERT_EQ(walk->size(), 4u);
  const size_t want[4][5] = {{1, 2, 1, 0, 1}, {2, 5, 4, 1, 1}, {5, 8, 6, 2, 2}, {8, 9, 8, 4, 0}};
  for (size_t f = 0; f < 4; ++f) {
    const TopLevelField& t = (*walk)[f];
    EXPECT_EQ(t.element, want[f][0]) << f;
    EXPECT_EQ(t.end, want[f][1]) << f;
    EXPECT_EQ(t.first_leaf, want[f][2]) << f;
    EXPECT_EQ(t.leaf_index, static_cast<int64_t>(want[f][3])) << f;
    EXPECT_EQ(t.num_leaves, static_cast<int64_t>(want[f][4])) << f;
  }
  s[5].num_children = 7;  // runs past the end
  EXPECT_EQ(WalkTopLevelFields(s).status().message(), "schema: child count runs past the end");
  s[5].num_children = 1;  // leaves "y" after the last field
  EXPECT_EQ(WalkTopLevelFields(s).status().message(), "schema: elements after the last field");
}

class HostileFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera_hostile_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Reads `bytes` as a file: must give OK or an error naming the file.
  Status ReadBytes(const std::string& bytes, int threads = 1) {
    std::string path = (dir_ / "f.parquet").string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    ReadOptions options;
    options.num_threads = threads;
    Status st = ReadParquetFile(path, options).status();
    if (!st.ok()) {
      EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
    }
    return st;
  }

  fs::path dir_;
};

TEST_F(HostileFileTest, TruncationsAtManyOffsets) {
  const std::string file = "parquet/duckdb/types_snappy.parquet";
  TESSERA_REQUIRE_TESTDATA(file);
  std::string bytes = ReadFileBytes(TestDataPath(file));
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t len = 0; len < bytes.size(); len += (len < 64 ? 1 : 97)) {
    EXPECT_FALSE(ReadBytes(bytes.substr(0, len)).ok()) << "truncated to " << len;
  }
  EXPECT_TRUE(ReadBytes(bytes).ok());
}

TEST_F(HostileFileTest, CorruptedBytesNeverCrash) {
  for (const char* file :
       {"parquet/duckdb/types_zstd.parquet", "parquet/duckdb/types_v2pages.parquet",
        "parquet/parquet-testing/alltypes_plain.parquet",
        "parquet/parquet-testing/delta_byte_array.parquet"}) {
    TESSERA_REQUIRE_TESTDATA(file);
    std::string bytes = ReadFileBytes(TestDataPath(file));
    std::mt19937_64 rng(20261123);
    for (int round = 0; round < 150; ++round) {
      std::string copy = bytes;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        size_t at = rng() % copy.size();
        copy[at] = static_cast<char>(rng());
      }
      (void)ReadBytes(copy);  // OK or an error naming the file; never a crash
    }
  }
}

TEST_F(HostileFileTest, WrongMagicAndLyingFooter) {
  const std::string file = "parquet/parquet-testing/alltypes_plain.parquet";
  TESSERA_REQUIRE_TESTDATA(file);
  std::string bytes = ReadFileBytes(TestDataPath(file));
  std::string bad = bytes;
  bad.replace(bad.size() - 4, 4, "PARX");
  EXPECT_TRUE(ReadBytes(bad).IsCorruption());
  bad = bytes;
  bad.replace(0, 4, "JUNK");
  EXPECT_TRUE(ReadBytes(bad).IsCorruption());
  bad = bytes;
  bad.replace(bad.size() - 4, 4, "PARE");
  EXPECT_TRUE(ReadBytes(bad).IsUnsupported());
  for (uint32_t len : {0xffffffffu, 0x7fffffffu, static_cast<uint32_t>(bytes.size()),
                       static_cast<uint32_t>(bytes.size() - 8), 0u, 1u}) {
    bad = bytes;
    std::memcpy(&bad[bad.size() - 8], &len, 4);
    EXPECT_FALSE(ReadBytes(bad).ok()) << len;
  }
  EXPECT_FALSE(ReadBytes("PAR1PAR1").ok());
  EXPECT_FALSE(ReadBytes("").ok());
  EXPECT_TRUE(ReadBytes(bytes, 2).ok());
}

// A cut-short or foreign file is named as such, whatever byte it stops at;
// the detail follows in parentheses. The file is written here (no oracle).
TEST_F(HostileFileTest, TruncatedOrForeignFileSaysSo) {
  const std::string good = (dir_ / "good.parquet").string();
  SchemaPtr schema = *Schema::Make({{"x", DataType::Int64()}});
  RecordBatchBuilder builder(schema);
  for (int64_t i = 0; i < 100; ++i) ASSERT_TRUE(builder.AppendRow({Value::Int64(i)}).ok());
  ASSERT_TRUE(WriteParquetFile(good, schema, {*builder.Finish()}).ok());
  const std::string bytes = ReadFileBytes(good);
  ASSERT_GT(bytes.size(), 100u);
  const std::string path = (dir_ / "f.parquet").string();
  auto message = [&](const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return ReadParquetFile(path).status().message();
  };
  const std::string prefix = "file '" + path + "': truncated or not a Parquet file (";
  EXPECT_EQ(message(bytes.substr(0, bytes.size() - 3)), prefix + "no PAR1 magic at its end)");
  EXPECT_EQ(message(bytes.substr(0, 11)),
            prefix + "11 bytes, fewer than the 12 of an empty Parquet file)");
  EXPECT_EQ(message("this is not a parquet file at all"), prefix + "no PAR1 magic at its end)");
  EXPECT_EQ(message("JUNK" + bytes.substr(4)), prefix + "no PAR1 magic at its start)");
  // The head and the tail kept, the middle lost (a failed splice or copy).
  const std::string spliced = bytes.substr(0, 4) + bytes.substr(bytes.size() - 8);
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, bytes.data() + bytes.size() - 8, 4);
  EXPECT_EQ(message(spliced), prefix + "its footer claims " + std::to_string(footer_len) +
                                  " bytes, only 0 lie between the magics)");
}

// NotFound with the same message as a missing CSV file (one errno mapping,
// core/io_error.h).
TEST(ParquetReaderTest, MissingFileIsNotFound) {
  Status st = ReadParquetFile("/nonexistent/x.parquet").status();
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_EQ(st.message(), "cannot open '/nonexistent/x.parquet': No such file or directory");
}

}  // namespace
}  // namespace tessera::parquet
