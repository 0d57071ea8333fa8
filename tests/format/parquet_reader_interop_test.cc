// Interop: every Parquet file under the shared testdata folder (written by
// DuckDB, parquet-mr, pyarrow, Impala, Spark, ...) is either read and
// compared value by value with an independent oracle, or rejected cleanly.
//
// Oracles: parquet/duckdb/types.expected.jsonl for the five DuckDB types_*
// files; parquet/parquet-testing/expected/NAME.jsonl (DuckDB 1.5.6's reading)
// and the suite's own *_expect.csv files.
//
// Where Tessera's mapping differs from DuckDB's by design (DESIGN.md 3b), the
// oracle value is converted before comparing:
//   - timestamps: DuckDB prints 'YYYY-MM-DD HH:MM:SS[.ffffff]'; Tessera holds
//     micros since the epoch. Parsed to micros (INT96 included).
//   - DATE: Tessera reads a timestamp at midnight UTC; DuckDB prints
//     'YYYY-MM-DD' (or, in types.expected.jsonl, dt_days = days since epoch).
//   - un-annotated BYTE_ARRAY / FLBA are bytes in Tessera; DuckDB prints BLOBs
//     with \xNN escapes for bytes outside printable ASCII, so Tessera's bytes
//     are escaped the same way before comparing.
//   - DECIMAL(p <= 15) is a double: the oracle's number text is parsed with
//     strtod (both sides are then the double nearest the exact decimal);
//     DECIMAL(p > 15) is an exact string: compared as numbers too.
//   - FLOAT16 is float: DuckDB prints it widened, compared after a float cast.
//   - NaN compares equal to NaN (the bare NaN token of the JSONL).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/format/parquet/reader.h"
#include "testdata.h"

namespace tessera::parquet {
namespace {

namespace fs = std::filesystem;
using ::tessera::testing::TestDataPath;

enum class Outcome {
  kRead,         // reads; compared with the oracle
  kUnsupported,  // Status::Unsupported (nested, encrypted, ...)
  kCrcError,     // Corruption naming the page's CRC mismatch
  kCorruption,   // Corruption (DuckDB rejects these too)
  kBadValue,     // InvalidArgument naming a column whose value Tessera cannot hold
  kReadOrError,  // either a correct read or a clean error
};

enum class Oracle { kNone, kJsonl, kCsv, kDuckDbTypes };

struct Case {
  const char* file;  // relative to testdata/parquet/
  Outcome outcome;
  Oracle oracle;
  // For kUnsupported files with readable top-level columns: those columns
  // are read by projection and compared with the oracle.
  std::vector<std::string> readable_columns = {};
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"duckdb/types_zstd.parquet", Outcome::kRead, Oracle::kDuckDbTypes},
      {"duckdb/types_snappy.parquet", Outcome::kRead, Oracle::kDuckDbTypes},
      {"duckdb/types_uncompressed.parquet", Outcome::kRead, Oracle::kDuckDbTypes},
      {"duckdb/types_gzip.parquet", Outcome::kRead, Oracle::kDuckDbTypes},
      {"duckdb/types_v2pages.parquet", Outcome::kRead, Oracle::kDuckDbTypes},
      {"duckdb/events_200k.parquet", Outcome::kRead, Oracle::kNone},  // reader_test checks it
#define PT "parquet-testing/"
      {PT "alltypes_dictionary.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "alltypes_plain.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "alltypes_plain.snappy.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "alltypes_tiny_pages.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "alltypes_tiny_pages_plain.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "binary.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "binary_truncated_min_max.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "byte_array_decimal.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "byte_stream_split.zstd.parquet", Outcome::kRead, Oracle::kJsonl},
      // DuckDB rejects byte-stream-split on integers; the spec allows it.
      // Checked by ByteStreamSplitColumnsEqualTheirPlainTwins below.
      {PT "byte_stream_split_extended.gzip.parquet", Outcome::kRead, Oracle::kNone},
      {PT "column_chunk_key_value_metadata.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "concatenated_gzip_members.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "data_index_bloom_encoding_stats.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "data_index_bloom_encoding_with_length.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "datapage_v1-corrupt-checksum.parquet", Outcome::kCrcError, Oracle::kNone},
      {PT "datapage_v1-snappy-compressed-checksum.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "datapage_v1-uncompressed-checksum.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "datapage_v2.snappy.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "datapage_v2_empty_datapage.snappy.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "delta_binary_packed.parquet", Outcome::kRead, Oracle::kCsv},
      {PT "delta_byte_array.parquet", Outcome::kRead, Oracle::kCsv},
      {PT "delta_encoding_optional_column.parquet", Outcome::kRead, Oracle::kCsv},
      {PT "delta_encoding_required_column.parquet", Outcome::kRead, Oracle::kCsv},
      {PT "delta_length_byte_array.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "dict-page-offset-zero.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "fixed_length_byte_array.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "fixed_length_decimal.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "fixed_length_decimal_legacy.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "float16_nonzeros_and_nans.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "float16_zeros_and_nans.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "floating_orders_nan_count.parquet", Outcome::kRead, Oracle::kJsonl},
      // Hadoop-framed LZ4 (deprecated, undocumented framing): DuckDB rejects
      // them; they hold the rows of lz4_raw_compressed(_larger), which serve
      // as their oracle (see SameRowsAs).
      {PT "hadoop_lz4_compressed.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "hadoop_lz4_compressed_larger.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "incorrect_map_schema.parquet", Outcome::kUnsupported, Oracle::kJsonl},
      {PT "int32_decimal.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "int32_with_null_pages.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "int64_decimal.parquet", Outcome::kRead, Oracle::kJsonl},
      // Its last INT96 lies ~2^31 Julian days out: beyond int64 micros. DuckDB
      // wraps it ("226414-01-07 (BC)"); Tessera reports the column instead.
      {PT "int96_from_spark.parquet", Outcome::kBadValue, Oracle::kNone},
      // A map (unsupported) whose strings decode to > 2 GiB.
      {PT "large_string_map.brotli.parquet", Outcome::kUnsupported, Oracle::kNone},
      {PT "list_columns.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "lz4_raw_compressed.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "lz4_raw_compressed_larger.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "map_no_value.parquet", Outcome::kUnsupported, Oracle::kNone},
      {PT "nan_in_stats.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "nation.dict-malformed.parquet", Outcome::kReadOrError, Oracle::kJsonl},
      {PT "nested_lists.snappy.parquet", Outcome::kUnsupported, Oracle::kJsonl, {"b"}},
      {PT "nested_maps.snappy.parquet", Outcome::kUnsupported, Oracle::kJsonl, {"b", "c"}},
      {PT "nested_structs.rust.parquet", Outcome::kUnsupported, Oracle::kNone},
      {PT "non_hadoop_lz4_compressed.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "nonnullable.impala.parquet", Outcome::kUnsupported, Oracle::kJsonl, {"ID", "Int_Array"}},
      {PT "null_list.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "nullable.impala.parquet", Outcome::kUnsupported, Oracle::kJsonl, {"id", "int_array"}},
      {PT "nulls.snappy.parquet", Outcome::kUnsupported, Oracle::kNone},
      {PT "old_list_structure.parquet", Outcome::kUnsupported, Oracle::kNone},
      {PT "overflow_i16_page_cnt.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "page_v2_empty_compressed.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "plain-dict-uncompressed-checksum.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "repeated_no_annotation.parquet", Outcome::kUnsupported, Oracle::kJsonl, {"id"}},
      {PT "repeated_primitive_no_list.parquet",
       Outcome::kUnsupported,
       Oracle::kJsonl,
       {"Int32_list", "String_list"}},
      {PT "rle-dict-snappy-checksum.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "rle-dict-uncompressed-corrupt-checksum.parquet", Outcome::kCrcError, Oracle::kNone},
      {PT "rle_boolean_encoding.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "single_nan.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "sort_columns.parquet", Outcome::kRead, Oracle::kJsonl},
      // Encrypted files: "PARE" footer, or plaintext footer with encrypted columns.
      {PT "encrypt_columns_and_footer.parquet.encrypted", Outcome::kUnsupported, Oracle::kNone},
      {PT "encrypt_columns_and_footer_aad.parquet.encrypted", Outcome::kUnsupported, Oracle::kNone},
      {PT "encrypt_columns_and_footer_bloom_filter.parquet.encrypted", Outcome::kUnsupported,
       Oracle::kNone},
      {PT "encrypt_columns_and_footer_ctr.parquet.encrypted", Outcome::kUnsupported, Oracle::kNone},
      {PT "encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted", Outcome::kUnsupported,
       Oracle::kNone},
      {PT "encrypt_columns_plaintext_footer.parquet.encrypted", Outcome::kUnsupported,
       Oracle::kNone},
      {PT "external_key_material_java.parquet.encrypted", Outcome::kUnsupported, Oracle::kNone},
      {PT "uniform_encryption.parquet.encrypted", Outcome::kUnsupported, Oracle::kNone},
      // A logical type from the future: read by its physical type (bytes).
      {PT "unknown-logical-type.parquet", Outcome::kRead, Oracle::kJsonl},
      {PT "aes256/encrypt_columns_and_footer.parquet.encrypted", Outcome::kUnsupported,
       Oracle::kNone},
      {PT "aes256/encrypt_columns_and_footer_ctr.parquet.encrypted", Outcome::kUnsupported,
       Oracle::kNone},
      {PT "aes256/encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted",
       Outcome::kUnsupported, Oracle::kNone},
      {PT "aes256/encrypt_columns_plaintext_footer.parquet.encrypted", Outcome::kUnsupported,
       Oracle::kNone},
      {PT "aes256/uniform_encryption.parquet.encrypted", Outcome::kUnsupported, Oracle::kNone},
      // GEOMETRY / GEOGRAPHY are read as WKB bytes (no DuckDB oracle here).
      {PT "geospatial/crs-arbitrary-value.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/crs-default.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/crs-geography.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/crs-projjson.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/crs-srid.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/geography-lines.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/geography-points.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/geography-polygons.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/geospatial-with-nan.parquet", Outcome::kReadOrError, Oracle::kNone},
      {PT "geospatial/geospatial.parquet", Outcome::kReadOrError, Oracle::kNone},
#undef PT
  };
  return cases;
}

bool IsParquetFile(const fs::path& p) {
  std::string name = p.filename().string();
  auto ends = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".parquet") || ends(".parquet.encrypted");
}

// ---- oracle values -------------------------------------------------------

std::string EscapeLikeDuckDb(std::string_view bytes) {
  std::string out;
  char buf[8];
  for (unsigned char c : bytes) {
    // DuckDB escapes the quote characters and the backslash too.
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'' && c != '"') {
      out.push_back(static_cast<char>(c));
    } else {
      std::snprintf(buf, sizeof(buf), "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

// 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' to micros since the epoch (proleptic
// Gregorian, UTC).
bool ParseTimestamp(const std::string& s, int64_t* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  int n = std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se);
  if (n != 3 && n != 6) return false;
  // days_from_civil (H. Hinnant).
  y -= mo <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  int64_t micros = ((days * 24 + h) * 60 + mi) * 60 + se;
  micros *= 1000000;
  size_t dot = s.find('.');
  if (dot != std::string::npos) {
    std::string frac = s.substr(dot + 1);
    frac.resize(6, '0');
    micros += std::strtoll(frac.c_str(), nullptr, 10);
  }
  *out = micros;
  return true;
}

std::string Text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

bool SameDouble(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Compares cell i of `a` (or element i of a list child) with oracle value v.
::testing::AssertionResult Matches(const Array& a, int64_t i, const rapidjson::Value& v) {
  auto fail = [&](const std::string& got) {
    std::string want = v.IsString() ? Text(v) : v.IsNull() ? "null" : v.IsBool() ? "bool" : "?";
    return ::testing::AssertionFailure() << "got " << got << ", oracle " << want;
  };
  if (v.IsNull()) return a.IsNull(i) ? ::testing::AssertionSuccess() : fail("a value");
  if (a.IsNull(i)) return fail("null");
  switch (a.type().id()) {
    case TypeId::kBool:
      return v.IsBool() && v.GetBool() == a.GetBool(i) ? ::testing::AssertionSuccess()
                                                       : fail(a.GetBool(i) ? "true" : "false");
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t got = a.type().id() == TypeId::kInt32 ? a.GetInt32(i) : a.GetInt64(i);
      return v.IsString() && std::strtoll(v.GetString(), nullptr, 10) == got
                 ? ::testing::AssertionSuccess()
                 : fail(std::to_string(got));
    }
    case TypeId::kFloat: {
      float want = static_cast<float>(std::strtod(v.GetString(), nullptr));
      return SameDouble(want, a.GetFloat(i)) ? ::testing::AssertionSuccess()
                                             : fail(std::to_string(a.GetFloat(i)));
    }
    case TypeId::kDouble: {
      double want = std::strtod(v.GetString(), nullptr);
      return SameDouble(want, a.GetDouble(i)) ? ::testing::AssertionSuccess()
                                              : fail(std::to_string(a.GetDouble(i)));
    }
    case TypeId::kString: {
      std::string got(a.GetView(i));
      if (v.IsString() && got == Text(v)) return ::testing::AssertionSuccess();
      // DECIMAL(p > 15) strings against DuckDB's decimal numbers.
      if (v.IsString() && std::strtod(got.c_str(), nullptr) == std::strtod(v.GetString(), nullptr))
        return ::testing::AssertionSuccess();
      return fail(got);
    }
    case TypeId::kBytes: {
      std::string_view got = a.GetView(i);
      if (v.IsString() && (EscapeLikeDuckDb(got) == Text(v) || got == Text(v))) {
        return ::testing::AssertionSuccess();
      }
      return fail(EscapeLikeDuckDb(got));
    }
    case TypeId::kTimestamp: {
      int64_t want = 0;
      if (!v.IsString()) return fail("timestamp");
      std::string s = Text(v);
      bool numeric = !s.empty() && s.find('-', 1) == std::string::npos;
      if (numeric) {
        want = std::strtoll(s.c_str(), nullptr, 10);
      } else if (!ParseTimestamp(s, &want)) {
        return fail("unparsable oracle");
      }
      return want == a.GetInt64(i) ? ::testing::AssertionSuccess()
                                   : fail(std::to_string(a.GetInt64(i)));
    }
    case TypeId::kList: {
      if (!v.IsArray()) return fail("a list");
      int64_t begin = a.offset(i);
      int64_t len = a.offset(i + 1) - begin;
      if (len != static_cast<int64_t>(v.Size())) return fail("list of " + std::to_string(len));
      for (int64_t k = 0; k < len; ++k) {
        auto r = Matches(a.child(), begin + k, v[static_cast<rapidjson::SizeType>(k)]);
        if (!r) return r << " (list element " << k << ")";
      }
      return ::testing::AssertionSuccess();
    }
  }
  return fail("unknown type");
}

std::vector<RecordBatchPtr> ReadOrFail(const std::string& path, ReadOptions options,
                                       Status* status) {
  Result<std::vector<RecordBatchPtr>> r = ReadParquetFile(path, std::move(options));
  *status = r.status();
  return r.ok() ? *r : std::vector<RecordBatchPtr>{};
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Compares every row of `batches` with the JSONL oracle, by column name.
void CompareJsonl(const std::vector<RecordBatchPtr>& batches, const std::string& jsonl,
                  const std::string& label) {
  std::vector<std::string> lines = ReadLines(jsonl);
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  ASSERT_EQ(rows, static_cast<int64_t>(lines.size())) << label;
  size_t line = 0;
  int failures = 0;
  for (const auto& batch : batches) {
    for (int64_t r = 0; r < batch->num_rows(); ++r, ++line) {
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseNanAndInfFlag>(
          lines[line].c_str());
      ASSERT_FALSE(doc.HasParseError()) << label << " line " << line + 1;
      for (int c = 0; c < batch->num_columns(); ++c) {
        std::string name = batch->schema()->field(c).name;
        std::string key = name;
        if (!doc.HasMember(key.c_str()) && name == "dt") key = "dt_days";
        ASSERT_TRUE(doc.HasMember(key.c_str())) << label << ": oracle lacks " << name;
        rapidjson::Value& v = doc[key.c_str()];
        if (key == "dt_days" && v.IsString()) {  // days -> micros at midnight
          std::string micros =
              std::to_string(std::strtoll(v.GetString(), nullptr, 10) * 86400000000LL);
          v.SetString(micros.c_str(), static_cast<rapidjson::SizeType>(micros.size()),
                      doc.GetAllocator());
        }
        auto ok = Matches(*batch->column(c), r, v);
        if (!ok && ++failures <= 5) {
          ADD_FAILURE() << label << " row " << line << " column " << name << ": " << ok.message();
        }
      }
    }
  }
  EXPECT_EQ(failures, 0) << label;
}

// One CSV record: fields with whether each was quoted (an unquoted empty
// field is null in the suite's *_expect.csv files).
struct CsvField {
  std::string text;
  bool quoted = false;
};

std::vector<CsvField> ParseCsvLine(const std::string& line) {
  std::vector<CsvField> fields(1);
  bool in_quotes = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().text.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        fields.back().text.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = true;
      fields.back().quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().text.push_back(c);
    }
  }
  return fields;
}

std::string CellText(const Array& a, int64_t i) {
  switch (a.type().id()) {
    case TypeId::kInt32: return std::to_string(a.GetInt32(i));
    case TypeId::kInt64: return std::to_string(a.GetInt64(i));
    case TypeId::kString:
    case TypeId::kBytes: return std::string(a.GetView(i));
    default: return a.GetValue(i).ToString();
  }
}

// Compares by column position (the CSV headers do not always spell the
// Parquet names: " c_customer_id", "c_customer_sk" vs "c_customer_sk:").
void CompareCsv(const std::vector<RecordBatchPtr>& batches, const std::string& csv,
                const std::string& label) {
  std::vector<std::string> lines = ReadLines(csv);
  ASSERT_FALSE(lines.empty()) << csv;
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  ASSERT_EQ(rows + 1, static_cast<int64_t>(lines.size())) << label;
  size_t line = 1;
  int failures = 0;
  for (const auto& batch : batches) {
    for (int64_t r = 0; r < batch->num_rows(); ++r, ++line) {
      std::vector<CsvField> fields = ParseCsvLine(lines[line]);
      ASSERT_EQ(static_cast<int>(fields.size()), batch->num_columns()) << label << " " << line;
      for (int c = 0; c < batch->num_columns(); ++c) {
        const Array& a = *batch->column(c);
        const CsvField& f = fields[static_cast<size_t>(c)];
        bool want_null = !f.quoted && f.text.empty();
        bool ok = want_null ? a.IsNull(r) : (!a.IsNull(r) && CellText(a, r) == f.text);
        if (!ok && ++failures <= 5) {
          ADD_FAILURE() << label << " row " << r << " column " << c << ": got "
                        << (a.IsNull(r) ? "null" : CellText(a, r)) << ", oracle " << f.text;
        }
      }
    }
  }
  EXPECT_EQ(failures, 0) << label;
}

// Files DuckDB cannot read whose rows equal another file's oracle.
std::string SameRowsAs(const std::string& stem) {
  if (stem == "hadoop_lz4_compressed" || stem == "non_hadoop_lz4_compressed") {
    return "lz4_raw_compressed";
  }
  if (stem == "hadoop_lz4_compressed_larger") return "lz4_raw_compressed_larger";
  return stem;
}

std::string OraclePath(const Case& c) {
  fs::path file(c.file);
  std::string name = file.filename().string();
  std::string stem = SameRowsAs(name.substr(0, name.size() - std::string(".parquet").size()));
  switch (c.oracle) {
    case Oracle::kDuckDbTypes: return TestDataPath("parquet/duckdb/types.expected.jsonl");
    case Oracle::kJsonl: return TestDataPath("parquet/parquet-testing/expected/" + stem + ".jsonl");
    case Oracle::kCsv: return TestDataPath("parquet/parquet-testing/" + stem + "_expect.csv");
    case Oracle::kNone: return "";
  }
  return "";
}

void CompareWithOracle(const Case& c, const std::vector<RecordBatchPtr>& batches) {
  if (c.oracle == Oracle::kNone) return;
  std::string oracle = OraclePath(c);
  ASSERT_TRUE(fs::exists(oracle)) << oracle;
  if (c.oracle == Oracle::kCsv) {
    CompareCsv(batches, oracle, c.file);
  } else {
    CompareJsonl(batches, oracle, c.file);
  }
}

class ParquetInteropTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParquetInteropTest, ReadsOrRejectsCleanly) {
  TESSERA_REQUIRE_TESTDATA("parquet");
  const Case& c = GetParam();
  const std::string path = TestDataPath(std::string("parquet/") + c.file);
  Status st;
  std::vector<RecordBatchPtr> batches = ReadOrFail(path, {}, &st);
  switch (c.outcome) {
    case Outcome::kRead:
      ASSERT_TRUE(st.ok()) << st.ToString();
      CompareWithOracle(c, batches);
      break;
    case Outcome::kUnsupported:
      ASSERT_TRUE(st.IsUnsupported()) << st.ToString();
      EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
      if (!c.readable_columns.empty()) {
        ReadOptions options;
        options.columns = c.readable_columns;
        batches = ReadOrFail(path, options, &st);
        ASSERT_TRUE(st.ok()) << st.ToString();
        CompareWithOracle(c, batches);
      }
      break;
    case Outcome::kCrcError:
      ASSERT_TRUE(st.IsCorruption()) << st.ToString();
      EXPECT_NE(st.message().find("page "), std::string::npos) << st.ToString();
      EXPECT_NE(st.message().find("CRC mismatch"), std::string::npos) << st.ToString();
      EXPECT_NE(st.message().find("column '"), std::string::npos) << st.ToString();
      {  // Without verification the data itself is what DuckDB reads.
        ReadOptions options;
        options.verify_crc = false;
        batches = ReadOrFail(path, options, &st);
        ASSERT_TRUE(st.ok()) << st.ToString();
        Case oracle_case = c;
        oracle_case.oracle = Oracle::kJsonl;
        CompareWithOracle(oracle_case, batches);
      }
      break;
    case Outcome::kCorruption: ASSERT_TRUE(st.IsCorruption()) << st.ToString(); break;
    case Outcome::kBadValue:
      ASSERT_TRUE(st.IsInvalid()) << st.ToString();
      EXPECT_NE(st.message().find("column '"), std::string::npos) << st.ToString();
      EXPECT_NE(st.message().find("out of range"), std::string::npos) << st.ToString();
      break;
    case Outcome::kReadOrError:
      if (st.ok()) {
        CompareWithOracle(c, batches);
      } else {
        EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
        std::cerr << "[ info ] " << c.file << ": " << st.ToString() << "\n";
      }
      break;
  }
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.file;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllFiles, ParquetInteropTest, ::testing::ValuesIn(Cases()), CaseName);

// byte_stream_split_extended holds pairs <type>_plain / <type>_byte_stream_split
// of identical values (parquet-testing's README).
TEST(ParquetInteropExtraTest, ByteStreamSplitColumnsEqualTheirPlainTwins) {
  const std::string file = "parquet/parquet-testing/byte_stream_split_extended.gzip.parquet";
  TESSERA_REQUIRE_TESTDATA(file);
  Status st;
  std::vector<RecordBatchPtr> batches = ReadOrFail(TestDataPath(file), {}, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_FALSE(batches.empty());
  int pairs = 0;
  for (const auto& batch : batches) {
    const Schema& schema = *batch->schema();
    for (int c = 0; c < schema.num_fields(); ++c) {
      const std::string& name = schema.field(c).name;
      const std::string suffix = "_plain";
      if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
        continue;
      }
      std::string twin = name.substr(0, name.size() - suffix.size()) + "_byte_stream_split";
      ArrayPtr other = batch->GetColumnByName(twin);
      ASSERT_NE(other, nullptr) << twin;
      EXPECT_TRUE(batch->column(c)->Equals(*other)) << name;
      ++pairs;
    }
  }
  EXPECT_GE(pairs, 7);
}

// A file added to the folder must be added to the table above, with its
// expected outcome.
TEST(ParquetInteropTableTest, ListsEveryFileInTheFolder) {
  TESSERA_REQUIRE_TESTDATA("parquet");
  std::set<std::string> listed;
  for (const Case& c : Cases()) listed.insert(c.file);
  const fs::path root = TestDataPath("parquet");
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !IsParquetFile(entry.path())) continue;
    std::string rel = fs::relative(entry.path(), root).string();
    EXPECT_TRUE(listed.count(rel)) << "testdata file not in the interop table: " << rel;
  }
  for (const std::string& file : listed) {
    EXPECT_TRUE(fs::exists(root / file)) << "listed but missing: " << file;
  }
}

}  // namespace
}  // namespace tessera::parquet
