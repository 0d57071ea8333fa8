// The check of definitions against their sources' columns (source_schema.h,
// source_check.h): Parquet files written by the format writer, CSV files,
// globs, push sources with and without schema, aggregation output types.
#include "tessera/registry/source_check.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "scratch_repo.h"
#include "tessera/registry/source_schema.h"

namespace tessera::registry {
namespace {

using testing::ScratchRepo;
using Lines = std::vector<std::string>;

// Line numbers in the messages below count the lines of these texts.
constexpr const char* kEntity = R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
)";

const std::vector<Field> kUserColumns = {{"user_id", DataType::Int64()},
                                         {"age", DataType::Int32()},
                                         {"country", DataType::String()},
                                         {"score", DataType::Float()},
                                         {"ts", DataType::Timestamp()}};

// Views over `path`, features at lines 9 to 12 of f.yaml.
std::string UserView(const std::string& path, const std::string& features) {
  return std::string(kEntity) + "sources:\n  - {name: users, kind: batch, path: " + path +
         ", timestamp_field: ts}\n"                             // 4-5
         "feature_views:\n  - name: v\n    entities: [user]\n"  // 6-8
         "    source: users\n"                                  // 9
         "    features:\n" +                                    // 10
         features;                                              // 11...
}

TEST(SourceCheckTest, ParquetColumnsOfTheSameOrAWiderTypeAreClean) {
  ScratchRepo repo;
  repo.WriteParquet("data/users.parquet", kUserColumns);
  repo.Write("f.yaml", UserView("data/users.parquet",
                                "      - {name: age, type: int64}\n"     // int32 widens
                                "      - {name: score, type: double}\n"  // float widens
                                "      - {name: country, type: string}\n"
                                "      - {name: adult, type: bool, expr: \"age >= 18\"}\n"));
  EXPECT_EQ(repo.Errors(), Lines{});
}

TEST(SourceCheckTest, ParquetTypeMismatchNamesFeatureColumnAndFile) {
  ScratchRepo repo;
  repo.WriteParquet("data/users.parquet", kUserColumns);
  repo.Write("f.yaml", UserView("data/users.parquet",
                                "      - {name: country, type: int32}\n"
                                "      - {name: age, type: string}\n"
                                "      - {name: score, type: int64}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:11: feature 'country' is int32 but column 'country' of "
                   "data/users.parquet is string",
                   "f.yaml:12: feature 'age' is string but column 'age' of data/users.parquet "
                   "is int32",
                   "f.yaml:13: feature 'score' is int64 but column 'score' of data/users.parquet "
                   "is float"}));
}

TEST(SourceCheckTest, NarrowingIsNotCompatible) {
  ScratchRepo repo;
  repo.WriteParquet("data/users.parquet", {{"user_id", DataType::Int64()},
                                           {"n", DataType::Int64()},
                                           {"x", DataType::Double()},
                                           {"ts", DataType::Timestamp()}});
  repo.Write("f.yaml", UserView("data/users.parquet",
                                "      - {name: n, type: int32}\n"
                                "      - {name: x, type: float}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:11: feature 'n' is int32 but column 'n' of data/users.parquet is int64",
                   "f.yaml:12: feature 'x' is float but column 'x' of data/users.parquet is "
                   "double"}));
}

TEST(SourceCheckTest, MissingColumnSuggestsTheClosestName) {
  ScratchRepo repo;
  repo.WriteParquet("data/users.parquet", kUserColumns);
  repo.Write("f.yaml", UserView("data/users.parquet",
                                "      - {name: agee, type: int32}\n"
                                "      - {name: zzzzzz, type: int32}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:11: feature 'agee' is not a column of data/users.parquet (did you "
                   "mean 'age'?)",
                   "f.yaml:12: feature 'zzzzzz' is not a column of data/users.parquet"}));
}

TEST(SourceCheckTest, JoinKeyAndTimestampFieldAreChecked) {
  ScratchRepo repo;
  repo.WriteParquet(
      "data/users.parquet",
      {{"user_id", DataType::String()}, {"age", DataType::Int32()}, {"ts", DataType::Int64()}});
  repo.Write("f.yaml", UserView("data/users.parquet", "      - {name: age, type: int32}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:5: source 'users': timestamp_field 'ts' is timestamp but column 'ts' "
                   "of data/users.parquet is int64",
                   "f.yaml:7: feature view 'v': join key 'user_id' of entity 'user' is int64 but "
                   "column 'user_id' of data/users.parquet is string"}));
}

TEST(SourceCheckTest, JoinKeyReadAsInt32MatchesInt64Key) {
  ScratchRepo repo;
  repo.WriteParquet(
      "data/users.parquet",
      {{"user_id", DataType::Int32()}, {"age", DataType::Int32()}, {"ts", DataType::Timestamp()}});
  repo.Write("f.yaml", UserView("data/users.parquet", "      - {name: age, type: int32}\n"));
  EXPECT_EQ(repo.Errors(), Lines{});
}

TEST(SourceCheckTest, CsvColumnsAreTextSoAnyDeclaredTypeIsAccepted) {
  ScratchRepo repo;
  // "age" holds words: inference would say string, but a CSV is parsed by
  // the declared type when read.
  repo.Write("data/users.csv", "user_id,age,ts\nabc,old,yesterday\n");
  repo.Write("f.yaml", UserView("data/users.csv",
                                "      - {name: age, type: int32}\n"
                                "      - {name: agge, type: int32}\n"));
  EXPECT_EQ(repo.Errors(), (Lines{"f.yaml:12: feature 'agge' is not a column of data/users.csv "
                                  "(did you mean 'age'?)"}));
}

TEST(SourceCheckTest, CsvColumnTypesAreDeclaredThenInferred) {
  ScratchRepo repo;
  repo.Write("data/users.csv", "user_id,age,amount,note,ts\nabc,old,1.5,x,2024-01-01\n");
  repo.Write("f.yaml", UserView("data/users.csv", "      - {name: age, type: int32}\n"));
  LoadedRepo loaded;
  ASSERT_EQ(LoadRepoCollectErrors(repo.dir(), &loaded).size(), 0u);
  std::vector<LoadError> errors;
  std::map<std::string, SourceSchema> schemas = ResolveSourceSchemas(loaded, &errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(schemas.count("users"), 1u);
  ASSERT_EQ(schemas["users"].sets.size(), 1u);
  const ColumnSet& set = schemas["users"].sets[0];
  EXPECT_TRUE(set.text);
  EXPECT_EQ(set.origin, "data/users.csv");
  Lines got;
  for (const SourceColumn& c : set.columns) got.push_back(c.name + " " + c.type.ToString());
  // Join key, feature and timestamp field as declared; the others inferred.
  EXPECT_EQ(got,
            (Lines{"user_id int64", "age int32", "amount double", "note string", "ts timestamp"}));
}

TEST(SourceCheckTest, GlobChecksEveryFileAndNamesTheOneThatDiffers) {
  ScratchRepo repo;
  repo.WriteParquet("data/t/part-1.parquet", kUserColumns);
  std::vector<Field> other = kUserColumns;
  other[1].type = DataType::Double();  // age
  repo.WriteParquet("data/t/part-2.parquet", other);
  repo.Write("f.yaml", UserView("data/t/*.parquet", "      - {name: age, type: int32}\n"));
  EXPECT_EQ(repo.Errors(), (Lines{"f.yaml:11: feature 'age' is int32 but column 'age' of "
                                  "data/t/part-2.parquet is double"}));
}

// `**` spans any depth, as in the offline scan (core/file_glob.h).
TEST(SourceCheckTest, DoubleStarGlobChecksFilesAtEveryDepth) {
  ScratchRepo repo;
  repo.WriteParquet("data/t/part-1.parquet", kUserColumns);
  std::vector<Field> other = kUserColumns;
  other[1].type = DataType::Double();  // age
  repo.WriteParquet("data/t/deep/er/part-2.parquet", other);
  repo.Write("f.yaml", UserView("data/t/**/*.parquet", "      - {name: age, type: int32}\n"));
  EXPECT_EQ(repo.Errors(), (Lines{"f.yaml:11: feature 'age' is int32 but column 'age' of "
                                  "data/t/deep/er/part-2.parquet is double"}));
}

// A Hive partition folder below the glob's fixed prefix is a column of the
// files under it (offline/source_scan.h), typed as the view declares it.
TEST(SourceCheckTest, HivePartitionFoldersAreColumns) {
  ScratchRepo repo;
  std::vector<Field> no_country = kUserColumns;
  no_country.erase(no_country.begin() + 2);
  repo.WriteParquet("data/ev/country=NL/part-0.parquet", no_country);
  repo.WriteParquet("data/ev/country=DE/part-0.parquet", no_country);
  repo.Write("f.yaml", UserView("data/ev/*/*.parquet", "      - {name: country, type: string}\n"));
  EXPECT_EQ(repo.Errors(), Lines{});
  // In the fixed prefix it is only a folder name.
  repo.Write("f.yaml",
             UserView("data/ev/country=NL/*.parquet", "      - {name: country, type: string}\n"));
  EXPECT_EQ(repo.Errors().size(), 1u);
}

TEST(SourceCheckTest, PathMatchingNoFileIsAnError) {
  ScratchRepo repo;
  repo.Write("f.yaml", UserView("data/none/*.parquet", "      - {name: age, type: int32}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:5: source 'users': path 'data/none/*.parquet' matches no file"}));
}

TEST(SourceCheckTest, FileNeitherParquetNorCsvIsAnError) {
  ScratchRepo repo;
  repo.Write("data/users.json", "{}\n");
  repo.Write("f.yaml", UserView("data/users.*", "      - {name: age, type: int32}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:5: source 'users': file 'data/users.json' is neither Parquet nor CSV "
                   "(its name must end in .parquet or .csv)"}));
}

TEST(SourceCheckTest, UnreadableParquetFileIsAnError) {
  ScratchRepo repo;
  repo.Write("data/users.parquet", "not parquet");
  repo.Write("f.yaml", UserView("data/users.parquet", "      - {name: age, type: int32}\n"));
  Lines errors = repo.Errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("f.yaml:5: source 'users': cannot read 'data/users.parquet': ", 0), 0u)
      << errors[0];
}

// A push source's batch source: lines 4-7 of the text below.
std::string PushRepo(const std::string& batch_extra, const std::string& push_extra,
                     const std::string& features) {
  return std::string(kEntity) +
         "sources:\n"                                                                   // 4
         "  - {name: txns, kind: batch, path: data/t/*.parquet, timestamp_field: ts" +  // 5
         batch_extra +
         "}\n" +                                                                   //
         "  - {name: live, kind: push, batch_source: txns" + push_extra + "}\n" +  // 6
         "feature_views:\n  - name: v\n    entities: [user]\n    source: live\n"   // 7-10
         "    features:\n" +                                                       // 11
         features;                                                                 // 12...
}

constexpr const char* kTxnSchema =
    ", schema: [{name: user_id, type: int64}, {name: amount, type: double}, "
    "{name: ts, type: timestamp}]";

TEST(SourceCheckTest, PushHistoryMayStartEmptyWhenItsBatchSourceDeclaresSchema) {
  ScratchRepo repo;
  repo.Write("f.yaml", PushRepo(kTxnSchema, "",
                                "      - {name: amount, type: double}\n"
                                "      - {name: amont, type: double}\n"
                                "      - {name: user_id, type: int32}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:13: feature 'amont' is not a column of the schema of source 'txns' "
                   "(did you mean 'amount'?)",
                   "f.yaml:14: feature 'user_id' is int32 but column 'user_id' of the schema of "
                   "source 'txns' is int64"}));
}

TEST(SourceCheckTest, PushBatchSourceWithoutSchemaNeedsFiles) {
  ScratchRepo repo;
  repo.Write("f.yaml", PushRepo("", "", "      - {name: amount, type: double}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:5: source 'txns': path 'data/t/*.parquet' matches no file (a push "
                   "source's history may start empty when its batch source declares schema:)"}));
}

TEST(SourceCheckTest, PushWithoutSchemaTakesItsBatchSourceFiles) {
  ScratchRepo repo;
  repo.WriteParquet("data/t/a.parquet", {{"user_id", DataType::Int64()},
                                         {"amount", DataType::Float()},
                                         {"ts", DataType::Timestamp()}});
  repo.Write("f.yaml", PushRepo("", "",
                                "      - {name: amount, type: double}\n"
                                "      - {name: amount2, type: double}\n"));
  EXPECT_EQ(repo.Errors(), (Lines{"f.yaml:13: feature 'amount2' is not a column of "
                                  "data/t/a.parquet (did you mean 'amount'?)"}));
}

TEST(SourceCheckTest, PushWithItsOwnSchemaIsCheckedAgainstIt) {
  ScratchRepo repo;
  repo.WriteParquet("data/t/a.parquet", {{"user_id", DataType::Int64()},
                                         {"amount", DataType::Double()},
                                         {"ts", DataType::Timestamp()}});
  // The push schema lacks the batch source's timestamp field and has amount
  // as a string.
  repo.Write("f.yaml", PushRepo("",
                                ", schema: [{name: user_id, type: int64}, "
                                "{name: amount, type: string}]",
                                "      - {name: amount, type: double}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:6: source 'live': timestamp_field 'ts' is not a column of the schema "
                   "of source 'live'",
                   "f.yaml:12: feature 'amount' is double but column 'amount' of the schema of "
                   "source 'live' is string"}));
}

// Aggregations: lines 11 and 12 of the view.
std::string AggView(const std::string& aggs) {
  return std::string(kEntity) +
         "sources:\n  - {name: users, kind: batch, path: data/u.parquet, timestamp_field: ts}\n"
         "feature_views:\n  - name: v\n    entities: [user]\n    source: users\n"
         "    aggregations:\n" +
         aggs;
}

TEST(SourceCheckTest, AggregationColumnMustExistAndSuitTheFunction) {
  ScratchRepo repo;
  repo.WriteParquet("data/u.parquet", kUserColumns);
  repo.Write("f.yaml", AggView("      - {column: country, function: sum, windows: [1h]}\n"
                               "      - {column: scroe, function: avg, windows: [1h]}\n"
                               "      - {column: country, function: count_distinct, windows: "
                               "[1h]}\n"
                               "      - {column: age, function: stddev, windows: [1h]}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:11: aggregation sum of column 'country': sum needs a number (int32, "
                   "int64, float or double), not string (column 'country' of data/u.parquet)",
                   "f.yaml:12: aggregation avg of column 'scroe': 'scroe' is not a column of "
                   "data/u.parquet (did you mean 'score'?)"}));
}

TEST(AggregationOutputTypeTest, EachFunctionsResultType) {
  struct Case {
    const char* function;
    DataType input;
    DataType output;
  };
  const DataType i32 = DataType::Int32(), i64 = DataType::Int64(), f32 = DataType::Float(),
                 f64 = DataType::Double(), str = DataType::String(), ts = DataType::Timestamp(),
                 emb = DataType::List(TypeId::kFloat);
  for (const Case& c : std::vector<Case>{{"count", str, i64},
                                         {"count", emb, i64},
                                         {"count_distinct", str, i64},
                                         {"sum", i32, i64},
                                         {"sum", i64, i64},
                                         {"sum", f32, f64},
                                         {"sum", f64, f64},
                                         {"avg", i32, f64},
                                         {"avg", f32, f64},
                                         {"stddev", i64, f64},
                                         {"min", i32, i32},
                                         {"min", str, str},
                                         {"max", ts, ts},
                                         {"max", f32, f32},
                                         {"last", str, str}}) {
    Result<DataType> out = AggregationOutputType(c.function, c.input);
    ASSERT_TRUE(out.ok()) << c.function << " " << c.input.ToString();
    EXPECT_EQ(*out, c.output) << c.function << " " << c.input.ToString();
  }
  EXPECT_EQ(AggregationOutputType("sum", DataType::String()).status().message(),
            "sum needs a number (int32, int64, float or double), not string");
  EXPECT_EQ(AggregationOutputType("avg", ts).status().message(),
            "avg needs a number (int32, int64, float or double), not timestamp");
  EXPECT_EQ(AggregationOutputType("max", emb).status().message(),
            "max needs a single value, not list<float>");
  EXPECT_EQ(AggregationOutputType("count_distinct", emb).status().message(),
            "count_distinct needs a single value, not list<float>");
  EXPECT_FALSE(AggregationOutputType("median", i64).ok());
}

TEST(IsLosslessWideningTest, OnlyWideningsThatKeepEveryValue) {
  EXPECT_TRUE(IsLosslessWidening(DataType::Int32(), DataType::Int64()));
  EXPECT_TRUE(IsLosslessWidening(DataType::Int32(), DataType::Double()));
  EXPECT_TRUE(IsLosslessWidening(DataType::Float(), DataType::Double()));
  EXPECT_TRUE(IsLosslessWidening(DataType::String(), DataType::String()));
  EXPECT_FALSE(IsLosslessWidening(DataType::Int64(), DataType::Double()));
  EXPECT_FALSE(IsLosslessWidening(DataType::Int64(), DataType::Int32()));
  EXPECT_FALSE(IsLosslessWidening(DataType::Double(), DataType::Float()));
  EXPECT_FALSE(IsLosslessWidening(DataType::Int32(), DataType::Float()));
  EXPECT_FALSE(IsLosslessWidening(DataType::String(), DataType::Bytes()));
}

}  // namespace
}  // namespace tessera::registry
