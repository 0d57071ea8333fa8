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
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
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
  kCorruption,   // Corruption naming the file and Case::error (DuckDB may differ)
  kBadValue,     // InvalidArgument naming a column whose value Tessera cannot hold
};

// kWkt: the file's own `wkt` text column; every `geometry` WKB value is
// rendered to WKT by the test (an independent WKB walker) and compared.
// kWkbOnly: no text twin; every WKB value must parse to its last byte.
enum class Oracle { kNone, kJsonl, kCsv, kDuckDbTypes, kWkt, kWkbOnly };

struct Case {
  const char* file;  // relative to testdata/parquet/
  Outcome outcome;
  Oracle oracle;
  // For kUnsupported files with readable top-level columns: those columns
  // are read by projection and compared with the oracle.
  std::vector<std::string> readable_columns = {};
  // For kCorruption: the reason the message must give.
  const char* error = "";
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
      // Its dictionary page header claims more bytes than the chunk holds:
      // refused (DuckDB reads 25 rows from it; the README allows either).
      {PT "nation.dict-malformed.parquet",
       Outcome::kCorruption,
       Oracle::kNone,
       {},
       "column 'name': page 1: compressed page size 28 runs past the column chunk (13 bytes "
       "left)"},
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
      // GEOMETRY / GEOGRAPHY are read as WKB bytes; the files carry their
      // WKT twin in a `wkt` column (geography-* files do not).
      {PT "geospatial/crs-arbitrary-value.parquet", Outcome::kRead, Oracle::kWkt},
      {PT "geospatial/crs-default.parquet", Outcome::kRead, Oracle::kWkt},
      {PT "geospatial/crs-geography.parquet", Outcome::kRead, Oracle::kWkt},
      {PT "geospatial/crs-projjson.parquet", Outcome::kRead, Oracle::kWkt},
      {PT "geospatial/crs-srid.parquet", Outcome::kRead, Oracle::kWkt},
      {PT "geospatial/geography-lines.parquet", Outcome::kRead, Oracle::kWkbOnly},
      {PT "geospatial/geography-points.parquet", Outcome::kRead, Oracle::kWkbOnly},
      {PT "geospatial/geography-polygons.parquet", Outcome::kRead, Oracle::kWkbOnly},
      {PT "geospatial/geospatial-with-nan.parquet", Outcome::kRead, Oracle::kWkt},
      {PT "geospatial/geospatial.parquet", Outcome::kRead, Oracle::kWkt},
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

// True when all of `text` is one decimal number (strtod syntax, no leading
// or trailing blanks, not NaN or infinity); sets *out.
bool ParseWholeNumber(const std::string& text, double* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(*out);
}

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
      // DECIMAL(p > 15) strings against DuckDB's decimal numbers: equal as
      // numbers only when both texts are wholly numbers ("cat_1" is not 0).
      double got_number = 0, want_number = 0;
      if (v.IsString() && ParseWholeNumber(got, &got_number) &&
          ParseWholeNumber(Text(v), &want_number) && got_number == want_number) {
        return ::testing::AssertionSuccess();
      }
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

// ---- WKB (ISO 19125 / OGC Simple Features, as the GEOMETRY logical type
// stores it) to WKT, for the geospatial files' `wkt` twin column.

class WkbToWkt {
 public:
  explicit WkbToWkt(std::string_view wkb) : in_(wkb) {}

  // The WKT of the whole input; false when it is malformed or has bytes left.
  bool Convert(std::string* out) {
    out->clear();
    return Geometry(out, /*tagged=*/true) && at_ == in_.size();
  }

 private:
  static constexpr const char* kNames[] = {
      "",           "POINT",           "LINESTRING",   "POLYGON",
      "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"};

  bool Byte(uint8_t* v) {
    if (at_ >= in_.size()) return false;
    *v = static_cast<uint8_t>(in_[at_++]);
    return true;
  }
  bool U32(uint32_t* v) {
    if (in_.size() - at_ < 4) return false;
    uint32_t x = 0;
    for (int k = 0; k < 4; ++k) {
      const uint32_t b = static_cast<uint8_t>(in_[at_ + static_cast<size_t>(k)]);
      x |= little_ ? b << (8 * k) : b << (8 * (3 - k));
    }
    at_ += 4;
    *v = x;
    return true;
  }
  bool F64(double* v) {
    if (in_.size() - at_ < 8) return false;
    uint64_t x = 0;
    for (int k = 0; k < 8; ++k) {
      const uint64_t b = static_cast<uint8_t>(in_[at_ + static_cast<size_t>(k)]);
      x |= little_ ? b << (8 * k) : b << (8 * (7 - k));
    }
    at_ += 8;
    std::memcpy(v, &x, 8);
    return true;
  }
  // Shortest round-trip text, "nan" for NaN (as the files' WKT spells it).
  static std::string Number(double v) {
    if (std::isnan(v)) return "nan";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    return std::string(buf, r.ptr);
  }
  bool Coordinates(std::string* out) {
    for (int d = 0; d < dims_; ++d) {
      double v = 0;
      if (!F64(&v)) return false;
      if (d > 0) out->push_back(' ');
      *out += Number(v);
    }
    return true;
  }
  // "(x y, x y)" of `count` points, or "EMPTY".
  bool PointList(std::string* out) {
    uint32_t n = 0;
    if (!U32(&n)) return false;
    if (n == 0) {
      *out += "EMPTY";
      return true;
    }
    out->push_back('(');
    for (uint32_t i = 0; i < n; ++i) {
      if (i > 0) *out += ", ";
      if (!Coordinates(out)) return false;
    }
    out->push_back(')');
    return true;
  }
  // One geometry: byte order, type (ISO Z/M/ZM as +1000/+2000/+3000), body.
  // Members of MULTI* and collections are full geometries; `tagged` says
  // whether the type name is printed (not for MULTIPOINT members).
  bool Geometry(std::string* out, bool tagged) {
    uint8_t order = 0;
    uint32_t code = 0;
    if (!Byte(&order) || order > 1) return false;
    little_ = order == 1;
    if (!U32(&code)) return false;
    const uint32_t kind = code % 1000, variant = code / 1000;
    if (kind < 1 || kind > 7 || variant > 3) return false;
    dims_ = variant == 0 ? 2 : variant == 3 ? 4 : 3;
    if (tagged) {
      *out += kNames[kind];
      *out += variant == 1 ? " Z " : variant == 2 ? " M " : variant == 3 ? " ZM " : " ";
    }
    switch (kind) {
      case 1: {  // POINT: NaN coordinates are POINT EMPTY
        const size_t mark = out->size();
        out->push_back('(');
        bool all_nan = true;
        for (int d = 0; d < dims_; ++d) {
          double v = 0;
          if (!F64(&v)) return false;
          all_nan = all_nan && std::isnan(v);
          if (d > 0) out->push_back(' ');
          *out += Number(v);
        }
        out->push_back(')');
        if (all_nan) out->replace(mark, std::string::npos, "EMPTY");
        return true;
      }
      case 2: return PointList(out);
      case 3: return Members(out, [&](std::string* o) { return PointList(o); });
      default: {
        const bool points = kind == 4;
        const bool collection = kind == 7;
        return Members(out, [&](std::string* o) {
          if (points) {
            std::string point;
            if (!Geometry(&point, /*tagged=*/false)) return false;
            *o += point;
            return true;
          }
          return Geometry(o, /*tagged=*/collection);
        });
      }
    }
  }
  template <typename F>
  bool Members(std::string* out, F member) {
    uint32_t n = 0;
    if (!U32(&n)) return false;
    if (n == 0) {
      *out += "EMPTY";
      return true;
    }
    out->push_back('(');
    for (uint32_t i = 0; i < n; ++i) {
      if (i > 0) *out += ", ";
      if (!member(out)) return false;
    }
    out->push_back(')');
    return true;
  }

  std::string_view in_;
  size_t at_ = 0;
  bool little_ = true;
  int dims_ = 2;
};

// Each row's `geometry` WKB rendered to WKT equals its `wkt` column
// (kWkt), or at least parses to its last byte (kWkbOnly).
void CompareWkt(const std::vector<RecordBatchPtr>& batches, Oracle oracle,
                const std::string& label) {
  int64_t rows = 0;
  int failures = 0;
  for (const auto& batch : batches) {
    ArrayPtr geometry = batch->GetColumnByName("geometry");
    if (geometry == nullptr) geometry = batch->GetColumnByName("geography");
    ASSERT_NE(geometry, nullptr) << label << ": no geometry or geography column";
    ASSERT_EQ(geometry->type().id(), TypeId::kBytes) << label;
    ArrayPtr wkt = batch->GetColumnByName("wkt");
    if (oracle == Oracle::kWkt) ASSERT_NE(wkt, nullptr) << label << ": no wkt column";
    for (int64_t r = 0; r < batch->num_rows(); ++r, ++rows) {
      if (wkt != nullptr && wkt->IsNull(r)) {
        EXPECT_TRUE(geometry->IsNull(r)) << label << " row " << rows;
        continue;
      }
      if (geometry->IsNull(r)) {
        ADD_FAILURE() << label << " row " << rows << ": geometry null, wkt "
                      << (wkt ? std::string(wkt->GetView(r)) : "?");
        continue;
      }
      std::string text;
      const bool parsed = WkbToWkt(geometry->GetView(r)).Convert(&text);
      const bool ok = parsed && (wkt == nullptr || text == wkt->GetView(r));
      if (!ok && ++failures <= 5) {
        ADD_FAILURE() << label << " row " << rows << ": WKB "
                      << (parsed ? "reads as " + text : "malformed") << ", wkt "
                      << (wkt ? std::string(wkt->GetView(r)) : "-");
      }
    }
  }
  EXPECT_GT(rows, 0) << label;
  EXPECT_EQ(failures, 0) << label;
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
// On a full read (`full_read`), the oracle's columns and Tessera's must be
// the same set: a column Tessera drops is an error too.
void CompareJsonl(const std::vector<RecordBatchPtr>& batches, const std::string& jsonl,
                  const std::string& label, bool full_read) {
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
      if (full_read) {
        ASSERT_TRUE(doc.IsObject()) << label << " line " << line + 1;
        for (const auto& member : doc.GetObject()) {
          std::string key(member.name.GetString(), member.name.GetStringLength());
          if (key == "dt_days") key = "dt";
          ASSERT_TRUE(batch->schema()->IndexOf(key) >= 0)
              << label << ": Tessera's read lacks the oracle's column " << key;
        }
        ASSERT_EQ(static_cast<int>(doc.MemberCount()), batch->num_columns()) << label;
      }
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
    case Oracle::kNone:
    case Oracle::kWkt:
    case Oracle::kWkbOnly: return "";
  }
  return "";
}

void CompareWithOracle(const Case& c, const std::vector<RecordBatchPtr>& batches, bool full_read) {
  if (c.oracle == Oracle::kNone) return;
  if (c.oracle == Oracle::kWkt || c.oracle == Oracle::kWkbOnly) {
    CompareWkt(batches, c.oracle, c.file);
    return;
  }
  std::string oracle = OraclePath(c);
  ASSERT_TRUE(fs::exists(oracle)) << oracle;
  if (c.oracle == Oracle::kCsv) {
    CompareCsv(batches, oracle, c.file);
  } else {
    CompareJsonl(batches, oracle, c.file, full_read);
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
      CompareWithOracle(c, batches, /*full_read=*/true);
      break;
    case Outcome::kUnsupported:
      ASSERT_TRUE(st.IsUnsupported()) << st.ToString();
      EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
      if (!c.readable_columns.empty()) {
        ReadOptions options;
        options.columns = c.readable_columns;
        batches = ReadOrFail(path, options, &st);
        ASSERT_TRUE(st.ok()) << st.ToString();
        CompareWithOracle(c, batches, /*full_read=*/false);
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
        CompareWithOracle(oracle_case, batches, /*full_read=*/true);
      }
      break;
    case Outcome::kCorruption:
      ASSERT_TRUE(st.IsCorruption()) << st.ToString();
      EXPECT_EQ(st.message(), "file '" + path + "': " + c.error);
      break;
    case Outcome::kBadValue:
      ASSERT_TRUE(st.IsInvalid()) << st.ToString();
      EXPECT_NE(st.message().find("column '"), std::string::npos) << st.ToString();
      EXPECT_NE(st.message().find("out of range"), std::string::npos) << st.ToString();
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

// The comparison itself: text that differs is equal only as two whole
// numbers (a DECIMAL(p > 15) string against DuckDB's number), never because
// both fail to parse (strtod gives 0 for "cat_1" and "cat_2").
TEST(ParquetInteropMatchesTest, TextsAreNumbersOnlyWhenWhollyNumeric) {
  BinaryBuilder builder(DataType::String());
  for (const char* s : {"cat_1", "1.50", "12abc", "", "nan"}) ASSERT_TRUE(builder.Append(s).ok());
  auto array = builder.Finish();
  ASSERT_TRUE(array.ok());
  auto oracle = [](const char* text) {  // the value points at `text`, owns nothing
    rapidjson::Value v;
    v.SetString(rapidjson::StringRef(text));
    return v;
  };
  EXPECT_FALSE(Matches(**array, 0, oracle("cat_2")));
  EXPECT_TRUE(Matches(**array, 0, oracle("cat_1")));
  EXPECT_TRUE(Matches(**array, 1, oracle("1.5")));  // same number, other spelling
  EXPECT_FALSE(Matches(**array, 1, oracle("1.5x")));
  EXPECT_FALSE(Matches(**array, 2, oracle("12")));   // "12abc" is not a number
  EXPECT_FALSE(Matches(**array, 3, oracle("0")));    // "" is not 0
  EXPECT_FALSE(Matches(**array, 4, oracle("NaN")));  // nor are NaN spellings
}

// The WKB walker against hand-encoded geometries (little- and big-endian).
TEST(ParquetInteropMatchesTest, WkbToWktRendersIsoGeometries) {
  auto le_point = std::string("\x01\x01\x00\x00\x00", 5) +
                  std::string("\x00\x00\x00\x00\x00\x00\x3E\x40", 8) +  // 30
                  std::string("\x00\x00\x00\x00\x00\x00\x24\x40", 8);   // 10
  std::string text;
  ASSERT_TRUE(WkbToWkt(le_point).Convert(&text));
  EXPECT_EQ(text, "POINT (30 10)");
  auto be_line = std::string("\x00\x00\x00\x00\x02\x00\x00\x00\x02", 9) +
                 std::string("\x3F\xF8\x00\x00\x00\x00\x00\x00", 8) +  // 1.5
                 std::string("\xC0\x00\x00\x00\x00\x00\x00\x00", 8) +  // -2
                 std::string(16, '\0');                                // 0 0
  ASSERT_TRUE(WkbToWkt(be_line).Convert(&text));
  EXPECT_EQ(text, "LINESTRING (1.5 -2, 0 0)");
  auto multi = std::string("\x01\x04\x00\x00\x00\x01\x00\x00\x00", 9) + le_point;
  ASSERT_TRUE(WkbToWkt(multi).Convert(&text));
  EXPECT_EQ(text, "MULTIPOINT ((30 10))");
  EXPECT_FALSE(WkbToWkt(le_point.substr(0, 20)).Convert(&text));  // truncated
  EXPECT_FALSE(WkbToWkt(le_point + "x").Convert(&text));          // trailing byte
}

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
