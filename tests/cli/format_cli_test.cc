// `tessera convert` and `tessera schema`, run as the real binary on files in
// a temporary directory: exit codes, stdout, the one stderr line, and the
// files produced. Also DescribeParquetFooter on hand-built footers.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "require_oracle.h"
#include "run_cli.h"
#include "scratch_cli_test.h"
#include "tessera/cli/schema_describe.h"
#include "tessera/format/csv/csv.h"

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;
using cli_test::CliResult;
using cli_test::RunTessera;

class FormatCliTest : public cli_test::ScratchCliTest {};

// Values a converter must keep: quoting, nulls, empty strings, timestamps in
// several spellings, NaN and infinities, negative and large numbers.
constexpr char kInput[] =
    "id,ts,amount,name,flag\n"
    "1,2024-03-01 12:00:00,1.50,\"a,b\",true\n"
    "2,2024-03-01T12:00:00.25+01:00,-2.25,\"say \"\"hi\"\"\",FALSE\n"
    "3,,NaN,\"two\nlines\",\n"
    "9007199254740993,1970-01-01,-Infinity,\"\",true\n"
    "-5,2024-02-29T23:59:59.999999Z,1e-07,plain,false\n";

// The same rows as convert prints them: ISO-8601 UTC timestamps with
// microseconds, shortest floats, nulls empty, quotes only where needed.
constexpr char kCanonical[] =
    "id,ts,amount,name,flag\n"
    "1,2024-03-01T12:00:00.000000Z,1.5,\"a,b\",true\n"
    "2,2024-03-01T11:00:00.250000Z,-2.25,\"say \"\"hi\"\"\",false\n"
    "3,,NaN,\"two\nlines\",\n"
    "9007199254740993,1970-01-01T00:00:00.000000Z,-Infinity,\"\",true\n"
    "-5,2024-02-29T23:59:59.999999Z,1e-07,plain,false\n";

TEST_F(FormatCliTest, CsvToCsvNormalisesValues) {
  Write("in.csv", kInput);
  CliResult r = Run({"convert", "in.csv", "out.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote 5 rows to out.csv\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Slurp("out.csv"), kCanonical);
}

TEST_F(FormatCliTest, CsvToParquetToCsvPreservesValues) {
  Write("in.csv", kInput);
  CliResult to_parquet = Run({"convert", "in.csv", "mid.parquet"});
  ASSERT_EQ(to_parquet.exit_code, 0) << to_parquet.err;
  EXPECT_EQ(to_parquet.out, "wrote 5 rows to mid.parquet\n");
  CliResult back = Run({"convert", "mid.parquet", "out.csv"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(back.out, "wrote 5 rows to out.csv\n");
  EXPECT_EQ(Slurp("out.csv"), kCanonical);
}

TEST_F(FormatCliTest, EveryCodecAndSmallRowGroupsRoundTrip) {
  std::string text = "n,s\n";
  for (int i = 0; i < 2500; ++i)
    text += std::to_string(i * 7) + ",v" + std::to_string(i % 13) + "\n";
  Write("in.csv", text);
  for (const char* codec : {"zstd", "snappy", "none"}) {
    CliResult r = Run(
        {"convert", "in.csv", "mid.parquet", "--compression", codec, "--row-group-size", "1000"});
    ASSERT_EQ(r.exit_code, 0) << codec << ": " << r.err;
    CliResult back = Run({"convert", "mid.parquet", "out.csv"});
    ASSERT_EQ(back.exit_code, 0) << codec << ": " << back.err;
    EXPECT_EQ(Slurp("out.csv"), text) << codec;
  }
}

TEST_F(FormatCliTest, ParquetToParquetKeepsRows) {
  Write("in.csv", kInput);
  ASSERT_EQ(Run({"convert", "in.csv", "a.parquet"}).exit_code, 0);
  CliResult r = Run({"convert", "a.parquet", "b.parquet", "--compression", "snappy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Run({"convert", "b.parquet", "out.csv"}).exit_code, 0);
  EXPECT_EQ(Slurp("out.csv"), kCanonical);
}

TEST_F(FormatCliTest, ColumnsProjectAndReorder) {
  Write("in.csv", kInput);
  CliResult r = Run({"convert", "in.csv", "out.csv", "--columns", "name,id"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp("out.csv"),
            "name,id\n\"a,b\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n\"\",9007199254740993\n"
            "plain,-5\n");
}

TEST_F(FormatCliTest, ColumnsProjectFromParquet) {
  Write("in.csv", kInput);
  ASSERT_EQ(Run({"convert", "in.csv", "all.parquet"}).exit_code, 0);
  CliResult r = Run({"convert", "all.parquet", "out.csv", "--columns", "flag,id"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp("out.csv"), "flag,id\ntrue,1\nfalse,2\n,3\ntrue,9007199254740993\nfalse,-5\n");
}

TEST_F(FormatCliTest, UnknownColumnFailsNamingIt) {
  Write("in.csv", kInput);
  CliResult r = Run({"convert", "in.csv", "out.csv", "--columns", "id,nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no column 'nope' in 'in.csv' (columns: id, ts, amount, name, flag)\n");
  EXPECT_FALSE(fs::exists(Path("out.csv")));
}

TEST_F(FormatCliTest, BadExtensionIsAUsageError) {
  Write("in.csv", kInput);
  CliResult r = Run({"convert", "in.csv", "out.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: 'out.txt' has extension '.txt' (expected .parquet or .csv)\n");
  r = Run({"convert", "in.json", "out.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'.json'"), std::string::npos) << r.err;
  r = Run({"schema", "README"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no extension"), std::string::npos) << r.err;
}

TEST_F(FormatCliTest, UpperCaseExtensionsAreAccepted) {
  Write("IN.CSV", "a\n1\n");
  CliResult r = Run({"convert", "IN.CSV", "OUT.Csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(FormatCliTest, MissingInputFailsWithThePath) {
  CliResult r = Run({"convert", "missing.csv", "out.parquet"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: input file 'missing.csv' does not exist\n");
  r = Run({"schema", "gone.parquet"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: file 'gone.parquet' does not exist\n");
}

TEST_F(FormatCliTest, BadCsvValueNamesFileRowAndColumn) {
  // Inference samples only the first 1000 rows; row 1202 breaks the type.
  std::string text = "id,amount\n";
  for (int i = 0; i < 1200; ++i) text += std::to_string(i) + ",1.5\n";
  text += "1200,oops\n";
  Write("in.csv", text);
  for (const char* out : {"out.csv", "out.parquet"}) {
    CliResult r = Run({"convert", "in.csv", out});
    EXPECT_EQ(r.exit_code, 1) << out;
    EXPECT_EQ(r.err, "error: in.csv:1202:amount: 'oops' is not a double\n") << out;
    // The half-written output was removed, not left under either name.
    EXPECT_FALSE(fs::exists(Path(out))) << out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
    }
  }
}

TEST_F(FormatCliTest, OptionProblemsAreUsageErrors) {
  Write("in.csv", kInput);
  EXPECT_EQ(Run({"convert", "in.csv", "out.csv", "--compression", "zstd"}).exit_code, 2);
  EXPECT_EQ(Run({"convert", "in.csv", "out.parquet", "--compression", "lzma"}).exit_code, 2);
  EXPECT_EQ(Run({"convert", "in.csv", "out.parquet", "--row-group-size", "0"}).exit_code, 2);
  EXPECT_EQ(Run({"convert", "in.csv"}).exit_code, 2);
  CliResult r = Run({"schema"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
}

TEST_F(FormatCliTest, HelpDescribesBothCommands) {
  CliResult convert = Run({"convert", "--help"});
  EXPECT_EQ(convert.exit_code, 0);
  for (const char* word : {"--columns", "--compression", "--row-group-size", ".parquet"}) {
    EXPECT_NE(convert.out.find(word), std::string::npos) << word;
  }
  CliResult schema = Run({"schema", "--help"});
  EXPECT_EQ(schema.exit_code, 0);
  EXPECT_NE(schema.out.find("--json"), std::string::npos);
}

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST_F(FormatCliTest, SchemaJsonOfCsv) {
  Write("in.csv", kInput);
  CliResult r = Run({"schema", "in.csv", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document doc = ParseJson(r.out);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["format"].GetString(), "csv");
  const auto& cols = doc["columns"];
  ASSERT_EQ(cols.Size(), 5u);
  std::vector<std::pair<std::string, std::string>> want = {{"id", "int64"},
                                                           {"ts", "timestamp"},
                                                           {"amount", "double"},
                                                           {"name", "string"},
                                                           {"flag", "bool"}};
  for (rapidjson::SizeType i = 0; i < cols.Size(); ++i) {
    EXPECT_EQ(cols[i]["name"].GetString(), want[i].first);
    EXPECT_EQ(cols[i]["type"].GetString(), want[i].second);
  }
}

TEST_F(FormatCliTest, SchemaJsonOfParquetReadsTheFooter) {
  std::string text = "id,ts,amount,name,flag\n";
  for (int i = 0; i < 5; ++i) {
    text += std::to_string(i) + ",2024-01-0" + std::to_string(i + 1) + ",1.5,n,true\n";
  }
  Write("in.csv", text);
  ASSERT_EQ(
      Run({"convert", "in.csv", "f.parquet", "--compression", "snappy", "--row-group-size", "2"})
          .exit_code,
      0);
  CliResult r = Run({"schema", "f.parquet", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document doc = ParseJson(r.out);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["format"].GetString(), "parquet");
  EXPECT_EQ(doc["num_rows"].GetInt64(), 5);
  EXPECT_EQ(doc["num_row_groups"].GetInt64(), 3);
  const auto& cols = doc["columns"];
  ASSERT_EQ(cols.Size(), 5u);
  std::vector<std::vector<std::string>> want = {{"id", "int64", "INT64"},
                                                {"ts", "timestamp", "INT64"},
                                                {"amount", "double", "DOUBLE"},
                                                {"name", "string", "BYTE_ARRAY"},
                                                {"flag", "bool", "BOOLEAN"}};
  for (rapidjson::SizeType i = 0; i < cols.Size(); ++i) {
    EXPECT_EQ(cols[i]["name"].GetString(), want[i][0]);
    EXPECT_EQ(cols[i]["type"].GetString(), want[i][1]);
    EXPECT_EQ(cols[i]["physical_type"].GetString(), want[i][2]);
    EXPECT_STREQ(cols[i]["compression"].GetString(), "SNAPPY");
    EXPECT_TRUE(cols[i]["encodings"].IsArray());
    EXPECT_GT(cols[i]["encodings"].Size(), 0u);
    EXPECT_TRUE(cols[i]["repetition"].IsString());
  }
  EXPECT_EQ(std::string(cols[1]["logical_type"].GetString()).rfind("TIMESTAMP(MICROS", 0), 0u);
  EXPECT_STREQ(cols[3]["logical_type"].GetString(), "STRING");
}

TEST_F(FormatCliTest, SchemaTextOfParquet) {
  Write("in.csv", kInput);
  ASSERT_EQ(Run({"convert", "in.csv", "f.parquet"}).exit_code, 0);
  CliResult r = Run({"schema", "f.parquet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("f.parquet: parquet, 5 rows, 1 row group,", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("column"), std::string::npos);
  EXPECT_NE(r.out.find("ZSTD"), std::string::npos) << r.out;
}

TEST_F(FormatCliTest, SchemaOfCorruptParquetFails) {
  Write("bad.parquet", "this is not a parquet file at all");
  CliResult r = Run({"schema", "bad.parquet"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: file 'bad.parquet': truncated or not a Parquet file (no PAR1 magic at its "
            "end)\n");
}

// A Parquet file named .csv: refused as binary, its bytes never printed.
// Tessera's first page header starts with Thrift compact byte 0x15 (field 1,
// i32), right after the 4-byte magic.
TEST_F(FormatCliTest, ParquetFileNamedCsvIsNotATextCsvFile) {
  Write("in.csv", kInput);
  ASSERT_EQ(Run({"convert", "in.csv", "f.parquet"}).exit_code, 0);
  fs::copy_file(fs::path(dir_) / "f.parquet", fs::path(dir_) / "x.csv");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"schema", "x.csv"}, {"convert", "x.csv", "y.parquet"}}) {
    CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_EQ(r.err, "error: file 'x.csv': not a text CSV file (byte 0x15 at line 1)\n") << args[0];
  }
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "y.parquet"));
}

// DuckDB wrote the file; its expected values come from DuckDB too. Converting
// to CSV and reading that CSV back must give the same values.
TEST_F(FormatCliTest, DuckDbParquetToCsvMatchesDuckDbValues) {
  std::string source = TESSERA_SOURCE_DIR;
  if (const char* env = std::getenv("TESSERA_SOURCE_DIR"); env && *env) source = env;
  std::string data = source + "/../shared/testdata/parquet/duckdb/";
  if (!fs::exists(data + "types_zstd.parquet")) {
    TESSERA_MISSING_ORACLE("no test data in " << data);
  }
  CliResult r = Run({"convert", data + "types_zstd.parquet", "out.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote 1000 rows to out.csv\n");

  auto schema = *Schema::Make({{"id", DataType::Int64()},
                               {"b", DataType::Bool()},
                               {"i64", DataType::Int64()},
                               {"f32", DataType::Float()},
                               {"f64", DataType::Double()},
                               {"s_dict", DataType::String()},
                               {"ts_us", DataType::Timestamp()},
                               {"dt", DataType::Timestamp()},
                               {"dec", DataType::Double()},
                               {"emb", DataType::List(TypeId::kFloat)}});
  auto reader = csv::CsvReader::Open(Path("out.csv"), schema);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batches = ReadAll(reader->get());
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  const RecordBatch& got = *(*batches)[0];
  ASSERT_EQ(got.num_rows(), 1000);

  std::ifstream expected(data + "types.expected.jsonl");
  std::string line;
  for (int64_t row = 0; std::getline(expected, line); ++row) {
    rapidjson::Document e;
    e.Parse<rapidjson::kParseFullPrecisionFlag>(line.c_str());
    ASSERT_FALSE(e.HasParseError());
    auto cell = [&](const char* name) { return got.GetColumnByName(name)->GetValue(row); };
    auto check = [&](const char* name, const Value& want) {
      Value have = cell(name);
      EXPECT_TRUE(have == want) << name << " row " << row << ": got " << have.ToString()
                                << ", want " << want.ToString();
    };
    check("id", Value::Int64(e["id"].GetInt64()));
    check("b", e["b"].IsNull() ? Value::Null(DataType::Bool()) : Value::Bool(e["b"].GetBool()));
    check("i64",
          e["i64"].IsNull() ? Value::Null(DataType::Int64()) : Value::Int64(e["i64"].GetInt64()));
    check("f32", e["f32"].IsNull() ? Value::Null(DataType::Float())
                                   : Value::Float(static_cast<float>(e["f32"].GetDouble())));
    check("f64", e["f64"].IsNull() ? Value::Null(DataType::Double())
                                   : Value::Double(e["f64"].GetDouble()));
    check("s_dict", e["s_dict"].IsNull() ? Value::Null(DataType::String())
                                         : Value::String(e["s_dict"].GetString()));
    check("ts_us", Value::Timestamp(e["ts_us"].GetInt64()));
    check("dt", Value::Timestamp(e["dt_days"].GetInt64() * 86400LL * 1000000));
    check("dec", e["dec"].IsNull() ? Value::Null(DataType::Double())
                                   : Value::Double(e["dec"].GetDouble()));
    if (e["emb"].IsNull()) {
      EXPECT_TRUE(cell("emb").is_null()) << row;
    } else {
      std::vector<Value> elems;
      for (const auto& v : e["emb"].GetArray()) {
        elems.push_back(v.IsNull() ? Value::Null(DataType::Float())
                                   : Value::Float(static_cast<float>(v.GetDouble())));
      }
      check("emb", Value::List(DataType::List(TypeId::kFloat), elems));
    }
    if (HasFailure()) FAIL() << "first mismatch at row " << row;
  }
}

// ------------------------------------------------ DescribeParquetFooter

parquet::SchemaElement Leaf(const std::string& name, parquet::Type type, parquet::Repetition rep) {
  parquet::SchemaElement e;
  e.name = name;
  e.type = type;
  e.repetition = rep;
  return e;
}

parquet::SchemaElement Group(const std::string& name, int children,
                             std::optional<parquet::Repetition> rep) {
  parquet::SchemaElement e;
  e.name = name;
  e.num_children = children;
  e.repetition = rep;
  return e;
}

TEST(DescribeParquetFooterTest, FlatAndListColumnsMapToTheirLeaves) {
  using parquet::Repetition;
  parquet::FileMetaData md;
  md.num_rows = 10;
  md.created_by = "test";
  md.schema.push_back(Group("schema", 3, std::nullopt));
  md.schema.push_back(Leaf("id", parquet::Type::kInt64, Repetition::kRequired));
  md.schema.push_back(Group("tags", 1, Repetition::kOptional));
  md.schema.back().logical_type = parquet::LogicalType{};
  md.schema.back().logical_type->kind = parquet::LogicalType::kList;
  md.schema.push_back(Group("list", 1, Repetition::kRepeated));
  md.schema.push_back(Leaf("element", parquet::Type::kByteArray, Repetition::kOptional));
  md.schema.back().logical_type = parquet::LogicalType{};
  md.schema.back().logical_type->kind = parquet::LogicalType::kString;
  md.schema.back().converted_type = parquet::ConvertedType::kUtf8;
  md.schema.push_back(Leaf("ts", parquet::Type::kInt64, Repetition::kOptional));
  md.schema.back().logical_type = parquet::LogicalType{};
  md.schema.back().logical_type->kind = parquet::LogicalType::kTimestamp;
  md.schema.back().logical_type->is_adjusted_to_utc = true;
  md.schema.back().logical_type->unit = parquet::TimeUnit::kMicros;
  for (int g = 0; g < 2; ++g) {
    parquet::RowGroup rg;
    for (int c = 0; c < 3; ++c) {
      parquet::ColumnChunk chunk;
      chunk.meta_data = parquet::ColumnMetaData{};
      chunk.meta_data->codec = c == 1 ? parquet::Codec::kSnappy : parquet::Codec::kZstd;
      chunk.meta_data->encodings = {
          parquet::Encoding::kRle,
          c == 2 && g == 1 ? parquet::Encoding::kPlain : parquet::Encoding::kRleDictionary};
      rg.columns.push_back(chunk);
    }
    md.row_groups.push_back(rg);
  }
  auto schema = *Schema::Make({{"id", DataType::Int64()},
                               {"tags", DataType::List(TypeId::kString)},
                               {"ts", DataType::Timestamp()}});
  auto d = DescribeParquetFooter(md, *schema);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->num_rows, 10);
  EXPECT_EQ(d->num_row_groups, 2);
  ASSERT_EQ(d->columns.size(), 3u);
  const auto& id = d->columns[0];
  EXPECT_EQ(id.physical_type, "INT64");
  EXPECT_EQ(id.logical_type, "");
  EXPECT_EQ(id.tessera_type, "int64");
  EXPECT_EQ(id.repetition, "required");
  EXPECT_EQ(id.compression, std::vector<std::string>{"ZSTD"});
  const auto& tags = d->columns[1];
  EXPECT_EQ(tags.name, "tags");
  EXPECT_EQ(tags.physical_type, "BYTE_ARRAY");
  EXPECT_EQ(tags.logical_type, "LIST<STRING>");
  EXPECT_EQ(tags.converted_type, "UTF8");
  EXPECT_EQ(tags.tessera_type, "list<string>");
  EXPECT_EQ(tags.repetition, "optional");
  EXPECT_EQ(tags.compression, std::vector<std::string>{"SNAPPY"});
  const auto& ts = d->columns[2];
  EXPECT_EQ(ts.logical_type, "TIMESTAMP(MICROS,utc)");
  EXPECT_EQ(ts.encodings, (std::vector<std::string>{"RLE", "RLE_DICTIONARY", "PLAIN"}));
}

TEST(DescribeParquetFooterTest, MalformedTreeIsCorruption) {
  parquet::FileMetaData md;
  md.schema.push_back(Group("schema", 2, std::nullopt));
  md.schema.push_back(Group("g", 5, parquet::Repetition::kOptional));
  auto schema = *Schema::Make({});
  auto d = DescribeParquetFooter(md, *schema);
  EXPECT_TRUE(d.status().IsCorruption());
}

TEST(DescribeParquetFooterTest, AnnotationNames) {
  parquet::LogicalType dec;
  dec.kind = parquet::LogicalType::kDecimal;
  dec.precision = 10;
  dec.scale = 2;
  EXPECT_EQ(parquet::LogicalTypeName(dec), "DECIMAL(10,2)");
  parquet::LogicalType i;
  i.kind = parquet::LogicalType::kInteger;
  i.bit_width = 16;
  i.is_signed = false;
  EXPECT_EQ(parquet::LogicalTypeName(i), "INTEGER(16,unsigned)");
  EXPECT_EQ(parquet::ConvertedTypeName(parquet::ConvertedType::kTimestampMicros),
            "TIMESTAMP_MICROS");
  EXPECT_EQ(parquet::ConvertedTypeName(parquet::ConvertedType::kInterval), "INTERVAL");
}

}  // namespace
}  // namespace tessera::cli
