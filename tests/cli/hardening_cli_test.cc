// Issue 6 ("Hardening") cases of the CLI through the real binary: the
// top-level command line (--version, help, unknown commands), init's
// messages, describe NAME@N and --version checks, describe's omitted empty
// fields, one set of kind spellings, the lineage tree showing every edge,
// and plan's warnings about source files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "registry_cli_test_util.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;

TEST(TopLevelCli, VersionPrintsTheProjectVersion) {
  CliResult r = RunTessera({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "tessera 0.1.0\n");
  EXPECT_EQ(r.err, "");
}

TEST(TopLevelCli, UnknownCommandIsNamed) {
  CliResult r = RunTessera({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: unknown command 'frobnicate' (see tessera --help)\n");
  EXPECT_EQ(r.out, "");
  CliResult with_repo = RunTessera({"-r", "somewhere", "frobnicate", "--json"});
  EXPECT_EQ(with_repo.exit_code, 2);
  EXPECT_EQ(with_repo.err, "error: unknown command 'frobnicate' (see tessera --help)\n");
}

TEST(TopLevelCli, NoCommandSaysSo) {
  CliResult r = RunTessera({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: no command given (see tessera --help)\n");
}

TEST(TopLevelCli, HelpCommandPrintsTheHelp) {
  CliResult flag = RunTessera({"--help"});
  ASSERT_EQ(flag.exit_code, 0);
  CliResult help = RunTessera({"help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, flag.out);
  for (const char* cmd : {"init", "describe", "lineage", "convert", "eval"}) {
    CliResult sub_flag = RunTessera({cmd, "--help"});
    CliResult sub_help = RunTessera({"help", cmd});
    EXPECT_EQ(sub_help.exit_code, 0) << cmd << ": " << sub_help.err;
    EXPECT_EQ(sub_help.out, sub_flag.out) << cmd;
  }
  CliResult unknown = RunTessera({"help", "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "error: unknown command 'frobnicate' (see tessera --help)\n");
}

// The help names what this version does, and nothing it does not do yet.
TEST(TopLevelCli, HelpAdvertisesOnlyWhatExists) {
  CliResult r = RunTessera({"--help"});
  ASSERT_EQ(r.exit_code, 0);
  for (const char* absent : {"serving"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(absent))) << r.out;
  }
  for (const char* cmd : {"init", "plan", "apply", "list", "describe", "search", "lineage",
                          "convert", "schema", "eval", "historical", "ingest", "compact",
                          "materialize", "materialize-incremental", "help", "--version"}) {
    EXPECT_THAT(r.out, HasSubstr(cmd));
  }
}

TEST(InitCli, QuotesThePath) {
  ScratchDir tmp;
  std::string dir = tmp / "my repo";
  CliResult r = RunTessera({"init", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Created feature repo in '" + dir + "'\nNext: cd '" + dir +
                       "' && tessera plan && tessera apply\n");
  std::string plain = tmp / "plain_repo";
  CliResult p = RunTessera({"init", plain});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, "Created feature repo in '" + plain + "'\nNext: cd " + plain +
                       " && tessera plan && tessera apply\n");
}

// Tests run as root, so a read-only folder would not stop them: a parent
// that is a regular file fails the same way for everyone.
TEST(InitCli, CannotCreateSaysWhy) {
  ScratchDir tmp;
  WriteBytes(tmp / "file", "x");
  std::string dir = tmp / "file/sub";
  CliResult r = RunTessera({"init", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: cannot create '" + dir + "': Not a directory\n");
}

TEST(ConvertCli, OneRowIsSingular) {
  ScratchDir tmp;
  WriteBytes(tmp / "one.csv", "a\n1\n");
  CliResult one = RunTessera({"convert", tmp / "one.csv", tmp / "out.csv"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "wrote 1 row to " + (tmp / "out.csv") + "\n");
  WriteBytes(tmp / "two.csv", "a\n1\n2\n");
  CliResult two = RunTessera({"convert", tmp / "two.csv", tmp / "out2.csv"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(two.out, "wrote 2 rows to " + (tmp / "out2.csv") + "\n");
}

// A column name with invalid UTF-8 never makes `schema --json` invalid JSON.
TEST(SchemaCli, JsonIsValidUtf8) {
  ScratchDir tmp;
  WriteBytes(tmp / "bad.csv", "ok,b\xFF\n1,2\n");
  CliResult r = RunTessera({"schema", tmp / "bad.csv", "--json"});
  if (r.exit_code == 0) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(r.out.c_str());
    ASSERT_FALSE(d.HasParseError()) << r.out;
    EXPECT_EQ(std::string(d["columns"][1]["name"].GetString()), "b\xEF\xBF\xBD");
  } else {  // a reader that rejects the name must say so in one line
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  }
}

// An applied `init` scaffold.
class AppliedRepoTest : public testing::Test {
 protected:
  void SetUp() override {
    CliResult r = RunTessera({"init", repo_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CliResult Tessera(std::vector<std::string> args) {
    args.insert(args.begin(), {"-r", repo_});
    return RunTessera(args);
  }
  void Apply() {
    CliResult r = Tessera({"apply", "--user", "tester"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  ScratchDir tmp_;
  std::string repo_ = tmp_ / "repo";
};

TEST_F(AppliedRepoTest, DescribeNameAtVersionIsVersionN) {
  Apply();
  EditFile(repo_ + "/features/fraud_features.yaml", "type: int32", "type: int64");
  Apply();
  for (bool json : {false, true}) {
    std::vector<std::string> at = {"describe", "user_profile@1"};
    std::vector<std::string> flag = {"describe", "user_profile", "--version", "1"};
    if (json) {
      at.push_back("--json");
      flag.push_back("--json");
    }
    CliResult a = Tessera(at);
    CliResult f = Tessera(flag);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(f.exit_code, 0) << f.err;
    EXPECT_EQ(a.out, f.out);
    EXPECT_THAT(a.out, HasSubstr(json ? "\"version\": 1," : "version:     1 (current is 2)"));
  }
  CliResult both = Tessera({"describe", "user_profile@2", "--version", "2"});
  EXPECT_EQ(both.exit_code, 0) << both.err;
  CliResult conflict = Tessera({"describe", "user_profile@1", "--version", "2"});
  EXPECT_EQ(conflict.exit_code, 2);
  EXPECT_EQ(conflict.err, "error: 'user_profile@1' and --version 2 ask for different versions\n");
}

TEST_F(AppliedRepoTest, BadVersionsAreNamed) {
  Apply();
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  std::vector<Case> cases = {
      {{"describe", "user", "--version", "0"},
       "error: --version must be a positive integer (got '0')\n"},
      {{"describe", "user", "--version", "-3"},
       "error: --version must be a positive integer (got '-3')\n"},
      {{"describe", "user", "--version", "1x"},
       "error: --version must be a positive integer (got '1x')\n"},
      {{"describe", "user", "--version", "99999999999999999999"},
       "error: --version must be a positive integer (got '99999999999999999999')\n"},
      {{"describe", "user@0"},
       "error: the version after '@' in 'user@0' must be a positive integer (got '0')\n"},
      {{"describe", "user@"},
       "error: the version after '@' in 'user@' must be a positive integer (got '')\n"},
  };
  for (const Case& c : cases) {
    CliResult r = Tessera(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[2];
    EXPECT_EQ(r.err, c.err);
  }
  CliResult missing = Tessera({"describe", "user_profile@7"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: feature-view 'user_profile' has no version 7 (versions 1 to 1)\n");
  CliResult wrong_kind = Tessera({"describe", "user", "--kind", "view"});
  EXPECT_EQ(wrong_kind.exit_code, 1);
  EXPECT_EQ(wrong_kind.err,
            "error: no feature-view named 'user' in registry " + repo_ + "/data/registry.db\n");
}

// describe's text shows what is set: no member that is null, "", {} or [].
TEST_F(AppliedRepoTest, DescribeOmitsEmptyFields) {
  Apply();
  const std::regex empty_member(R"(^\s*[^:]+: (""|null|\{\}|\[\])$)");
  int described = 0;
  for (const char* kind : {"entities", "sources", "views", "odfvs", "services"}) {
    CliResult list = Tessera({"list", kind, "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    for (const std::string& name : Names(ParseJson(list.out))) {
      CliResult r = Tessera({"describe", name, "--kind", kind});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      ++described;
      for (const std::string& line : Lines(r.out)) {
        EXPECT_FALSE(std::regex_match(line, empty_member)) << name << ": " << line;
        EXPECT_THAT(line, Not(HasSubstr(": null"))) << name;
        EXPECT_THAT(line, Not(HasSubstr(": \"\""))) << name;
      }
    }
  }
  EXPECT_GE(described, 10);
  // JSON keeps the whole stored definition.
  CliResult json = Tessera({"describe", "user_profile", "--json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_TRUE(ParseJson(json.out).IsObject());
}

// One set of spellings (registry/object_kinds.h), accepted by every command
// and shown the same everywhere.
TEST_F(AppliedRepoTest, KindSpellingsAreTheSameEverywhere) {
  CliResult plan = Tessera({"plan"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("+ feature-view user_profile  (v1)"));
  EXPECT_THAT(plan.out, HasSubstr("+ service fraud_model_v1  (v1)"));
  EXPECT_THAT(plan.out, Not(HasSubstr("feature_view")));
  Apply();
  std::string views;
  for (const char* spelling :
       {"feature-view", "feature-views", "view", "views", "feature_view", "feature_views"}) {
    CliResult r = Tessera({"list", spelling, "--json"});
    ASSERT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
    if (views.empty()) views = r.out;
    EXPECT_EQ(r.out, views) << spelling;
  }
  EXPECT_THAT(views, HasSubstr("\"kind\": \"feature-view\""));
  for (const char* spelling :
       {"on-demand-view", "on-demand-views", "odfv", "odfvs", "on_demand_feature_view"}) {
    CliResult r = Tessera({"list", spelling});
    EXPECT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
    CliResult lineage = Tessera({"lineage", "user_profile", "--kind", spelling});
    EXPECT_EQ(lineage.exit_code, 1) << spelling;  // not an on-demand view: not found
  }
  for (const char* spelling : {"service", "services", "feature-service"}) {
    CliResult r = Tessera({"describe", "fraud_model_v1", "--kind", spelling, "--json"});
    ASSERT_EQ(r.exit_code, 0) << spelling << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("\"kind\": \"service\""));
  }
  CliResult tree = Tessera({"lineage", "fraud_model_v1", "--upstream", "--kind", "service"});
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  EXPECT_THAT(tree.out, HasSubstr("fraud_model_v1 (service)"));
  EXPECT_THAT(tree.out, HasSubstr(" (feature-view)  [feature]"));
  const std::string bad =
      "error: unknown kind 'tables' (expected entity, source, feature-view (view), "
      "on-demand-view (odfv) or service, singular or plural)\n";
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"list", "tables"},
                                             {"describe", "user", "--kind", "tables"},
                                             {"lineage", "user", "--kind", "tables"}}) {
    CliResult r = Tessera(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.err, bad) << args[0];
  }
}

// Every edge is a line: an object reached again is marked, not hidden.
TEST_F(AppliedRepoTest, LineageTreeShowsEveryEdge) {
  Apply();
  for (const char* root : {"fraud_model_v1", "user", "transactions"}) {
    CliResult json = Tessera({"lineage", root, "--json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    rapidjson::Document d = ParseJson(json.out);
    CliResult tree = Tessera({"lineage", root});
    ASSERT_EQ(tree.exit_code, 0) << tree.err;
    size_t edge_lines = 0, see_above = 0;
    for (const std::string& line : Lines(tree.out)) {
      if (line.find("-- ") != std::string::npos) ++edge_lines;
      if (line.find("(see above)") != std::string::npos) ++see_above;
    }
    size_t edges = d["upstream"]["edges"].Size() + d["downstream"]["edges"].Size();
    size_t nodes = d["upstream"]["nodes"].Size() + d["downstream"]["nodes"].Size();
    EXPECT_EQ(edge_lines, edges) << root << "\n" << tree.out;
    EXPECT_EQ(see_above, edges - nodes) << root << "\n" << tree.out;
  }
  // The scaffold's two user views both show their entity.
  CliResult up = Tessera({"lineage", "fraud_model_v1", "--upstream"});
  size_t user_lines = 0;
  for (const std::string& line : Lines(up.out)) {
    if (line.find("-- user (entity)  [entity]") != std::string::npos) ++user_lines;
  }
  EXPECT_GE(user_lines, 2u) << up.out;
}

// Source file problems are errors of plan and apply (issue 7): every one
// listed, nothing applied, the registry file unchanged.
TEST_F(AppliedRepoTest, PlanAndApplyRejectSourceFileErrors) {
  CliResult clean = Tessera({"plan"});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.err, "");
  Apply();
  auto registry_bytes = [&] {
    std::ifstream in(repo_ + "/data/registry.db", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string before = registry_bytes();
  EditFile(repo_ + "/features/payments.yaml", "path: data/sources/transactions/*.csv",
           "path: data/nope/*.parquet");
  EditFile(repo_ + "/features/payments.yaml", "timestamp_field: event_timestamp",
           "timestamp_field: ts_missing");
  EditFile(repo_ + "/features/fraud_features.yaml", "{name: country, type: string}",
           "{name: country, type: string}\n      - {name: tenur_days, type: int32}");
  const std::string errors =
      "features/fraud_features.yaml:13: feature 'tenur_days' is not a column of "
      "data/sources/user_profiles.csv (did you mean 'tenure_days'?)\n"
      "features/payments.yaml:15: source 'user_profiles': timestamp_field 'ts_missing' "
      "is not a column of data/sources/user_profiles.csv\n"
      "features/payments.yaml:21: source 'transactions': path 'data/nope/*.parquet' "
      "matches no file (a push source's history may start empty when its batch source "
      "declares schema:)\n";
  CliResult plan = Tessera({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.err, errors + "error: 3 errors in " + repo_ + "\n");
  CliResult apply = Tessera({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_EQ(apply.err, errors + "error: 3 errors in " + repo_ + "; nothing was applied\n");
  EXPECT_EQ(registry_bytes(), before);
}

// Expressions are type-checked at plan and apply, and stored canonically:
// respacing one changes nothing, a misspelt column is an error with its
// column and a suggestion.
TEST_F(AppliedRepoTest, ExpressionsAreCheckedAndStoredCanonically) {
  Apply();
  const std::string features = repo_ + "/features/fraud_features.yaml";
  EditFile(features, "expr: \"tenure_days < 30\"", "expr: \"tenure_days<30\"");
  EditFile(features, "expr: \"amount / nullif(amount_sum_24h, 0)\"",
           "expr: \"amount/NULLIF(amount_sum_24h,0)\"");
  CliResult same = Tessera({"apply"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out, "No changes.\n");
  EditFile(features, "tenure_days<30", "tenur_days<30");
  const std::string error =
      "features/fraud_features.yaml:13: expression 'tenur_days<30': at col 1: unknown column "
      "'tenur_days' (did you mean 'tenure_days'?)\n";
  CliResult plan = Tessera({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.err, error + "error: 1 error in " + repo_ + "\n");
}

}  // namespace
}  // namespace tessera::cli_test
