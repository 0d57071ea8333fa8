// End-to-end tests of the registry commands (init, plan, apply, list,
// describe, search, lineage) through the real `tessera` binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "registry_cli_test_util.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsSupersetOf;
using testing::Not;
using testing::UnorderedElementsAre;

// A scratch copy of a repo (an `init` scaffold or the quickstart).
class RepoTest : public testing::Test {
 protected:
  void InitRepo() {
    CliResult r = RunTessera({"init", repo_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void CopyQuickstart() { CopyQuickstartWithData(repo_); }
  CliResult Tessera(std::vector<std::string> args) {
    args.insert(args.begin(), {"-r", repo_});
    return RunTessera(args);
  }
  // Runs a command that must succeed and print JSON; returns it parsed.
  rapidjson::Document Json(std::vector<std::string> args) {
    CliResult r = Tessera(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseJson(r.out);
  }
  void Apply() {
    CliResult r = Tessera({"apply", "--user", "tester"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Db() const { return repo_ + "/data/registry.db"; }

  ScratchDir tmp_;
  std::string repo_ = tmp_ / "repo";
};

TEST_F(RepoTest, InitThenPlanThenApply) {
  InitRepo();
  EXPECT_TRUE(fs::exists(repo_ + "/tessera.yaml"));
  EXPECT_TRUE(fs::exists(repo_ + "/README.md"));
  EXPECT_TRUE(fs::exists(repo_ + "/.gitignore"));

  CliResult plan = Tessera({"plan"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("+ feature-view user_profile"));
  EXPECT_THAT(plan.out, HasSubstr("+ service fraud_model_v1"));
  EXPECT_FALSE(fs::exists(Db())) << "plan must write nothing";

  CliResult apply = Tessera({"apply", "--user", "alice"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("Applied"));
  EXPECT_TRUE(fs::exists(Db()));

  CliResult replan = Tessera({"plan"});
  ASSERT_EQ(replan.exit_code, 0) << replan.err;
  EXPECT_THAT(replan.out, HasSubstr("No changes."));
}

TEST_F(RepoTest, InitRefusesANonEmptyDirectory) {
  InitRepo();
  CliResult again = RunTessera({"init", repo_});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, testing::StartsWith("error: "));
  EXPECT_THAT(again.err, HasSubstr("not empty"));
  EXPECT_EQ(Lines(again.err).size(), 1u);
}

TEST_F(RepoTest, SecondApplyPrintsNoChangesAndWritesNothing) {
  InitRepo();
  Apply();
  std::string before = ReadBytes(Db());
  CliResult again = Tessera({"apply", "--user", "bob"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "No changes.\n");
  EXPECT_EQ(ReadBytes(Db()), before) << "an unchanged apply wrote to the registry";
}

TEST_F(RepoTest, SchemaChangeBumpsVersionAndOldVersionStaysReadable) {
  InitRepo();
  Apply();
  EditFile(repo_ + "/features/fraud_features.yaml", "      - {name: country, type: string}\n",
           "      - {name: country, type: string}\n      - {name: city, type: string}\n");
  // The new feature is read from its source: the file gets the column too.
  const std::string csv = repo_ + "/data/sources/user_profiles.csv";
  std::string with_city;
  for (const std::string& line : Lines(ReadBytes(csv))) {
    with_city += line + (with_city.empty() ? ",city\n" : ",Berlin\n");
  }
  WriteBytes(csv, with_city);
  CliResult plan = Tessera({"plan"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("~ feature-view user_profile  (v1 -> v2)"));
  Apply();

  rapidjson::Document current = Json({"describe", "user_profile", "--json"});
  rapidjson::Document old = Json({"describe", "user_profile", "--version", "1", "--json"});
  ASSERT_TRUE(current.IsObject() && old.IsObject());
  EXPECT_EQ(current["version"].GetInt64(), 2);
  EXPECT_EQ(old["version"].GetInt64(), 1);
  EXPECT_EQ(old["current_version"].GetInt64(), 2);
  ASSERT_TRUE(old["definition"].IsObject());
  auto features_of = [](const rapidjson::Value& def) { return Names(def["features"]); };
  EXPECT_THAT(features_of(old["definition"]), ElementsAre("age", "country", "is_new"));
  EXPECT_THAT(features_of(current["definition"]), ElementsAre("age", "country", "city", "is_new"));
  ASSERT_TRUE(current["history"].IsArray());
  EXPECT_EQ(current["history"].Size(), 2u);

  CliResult text = Tessera({"describe", "user_profile", "--version", "1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("applied_by:  tester"));
  EXPECT_THAT(text.out, Not(HasSubstr("city")));
}

TEST_F(RepoTest, DocOnlyChangeKeepsTheVersion) {
  InitRepo();
  Apply();
  EditFile(repo_ + "/features/fraud_features.yaml", "How much and where a user spent recently.",
           "Recent spending of a user.");
  CliResult plan = Tessera({"plan"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("~ feature-view user_spend  (doc only"));
  Apply();
  rapidjson::Document d = Json({"describe", "user_spend", "--json"});
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["version"].GetInt64(), 1);
  ASSERT_TRUE(d["history"].IsArray() && d["history"].Size() == 2);
  EXPECT_EQ(std::string(d["history"][1]["event"].GetString()), "doc_change");
  EXPECT_TRUE(d["history"][1]["new_doc"].IsObject());
  CliResult text = Tessera({"describe", "user_spend"});
  EXPECT_THAT(text.out, HasSubstr("doc_change"));
  EXPECT_THAT(text.out, HasSubstr("-> Recent spending of a user."));
}

TEST_F(RepoTest, ErrorsAndUsage) {
  CliResult no_dir = Tessera({"list", "views"});
  EXPECT_EQ(no_dir.exit_code, 1);
  EXPECT_THAT(no_dir.err, HasSubstr("no such directory"));
  fs::create_directories(repo_);
  CliResult no_repo = Tessera({"list", "views"});
  EXPECT_EQ(no_repo.exit_code, 1);
  EXPECT_THAT(no_repo.err, HasSubstr("tessera.yaml"));
  fs::remove_all(repo_);
  InitRepo();
  CliResult not_applied = Tessera({"describe", "user"});
  EXPECT_EQ(not_applied.exit_code, 1);
  EXPECT_THAT(not_applied.err, HasSubstr("tessera apply"));
  Apply();
  CliResult missing = Tessera({"describe", "no_such_view"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(Lines(missing.err).size(), 1u) << missing.err;
  EXPECT_THAT(missing.err, testing::StartsWith("error: "));
  EXPECT_EQ(Tessera({"list", "tables"}).exit_code, 2);
  EXPECT_EQ(Tessera({"list", "views", "--tag", "novalue"}).exit_code, 2);
  EXPECT_EQ(Tessera({"describe"}).exit_code, 2);
  EXPECT_EQ(Tessera({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(Tessera({"describe", "user", "--version", "x"}).exit_code, 2);
}

TEST(RegistryCliHelp, EveryCommandHasHelpWithAnExample) {
  for (const char* cmd : {"init", "plan", "apply", "list", "describe", "search", "lineage"}) {
    CliResult r = RunTessera({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Example")) << cmd;
  }
}

// The quickstart, applied once per test.
class QuickstartTest : public RepoTest {
 protected:
  void SetUp() override {
    CopyQuickstart();
    Apply();
  }
};

TEST_F(QuickstartTest, ListFiltersByTagAndOwner) {
  rapidjson::Document gold = Json({"list", "views", "--tag", "tier=gold", "--json"});
  EXPECT_THAT(Names(gold),
              UnorderedElementsAre("user_profile", "user_txn_stats", "merchant_profile"));
  rapidjson::Document merchant_risk =
      Json({"list", "views", "--owner", "merchant-risk@example.com", "--json"});
  EXPECT_THAT(Names(merchant_risk), UnorderedElementsAre("merchant_profile", "merchant_txn_stats"));
  rapidjson::Document both = Json(
      {"list", "views", "--tag", "tier=silver", "--owner", "merchant-risk@example.com", "--json"});
  EXPECT_THAT(Names(both), ElementsAre("merchant_txn_stats"));
  rapidjson::Document none = Json({"list", "services", "--tag", "model=none", "--json"});
  EXPECT_TRUE(none.IsArray() && none.Empty());

  CliResult table = Tessera({"list", "views", "--tag", "tier=gold"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(Lines(table.out)[0], testing::StartsWith("NAME"));
  EXPECT_THAT(table.out, HasSubstr("user_txn_stats"));
  EXPECT_THAT(table.out, Not(HasSubstr("merchant_txn_stats")));
}

TEST_F(QuickstartTest, ListsEveryKindAsJson) {
  EXPECT_THAT(Names(Json({"list", "entities", "--json"})), ElementsAre("merchant", "user"));
  EXPECT_THAT(Names(Json({"list", "sources", "--json"})),
              ElementsAre("merchant_profiles", "transactions", "transactions_push", "txn_request",
                          "user_profiles"));
  EXPECT_THAT(Names(Json({"list", "on-demand-views", "--json"})),
              ElementsAre("txn_risk", "txn_vs_profile"));
  EXPECT_THAT(Names(Json({"list", "services", "--json"})),
              ElementsAre("fraud_detection_v1", "merchant_monitoring"));
  rapidjson::Document views = Json({"list", "views", "--json"});
  ASSERT_TRUE(views.IsArray() && views.Size() == 5);
  const rapidjson::Value& first = views[0];
  EXPECT_EQ(first["version"].GetInt64(), 1);
  EXPECT_TRUE(first["tags"].IsObject());
}

TEST_F(QuickstartTest, SearchRanksAnExactNameFirst) {
  rapidjson::Document r = Json({"search", "merchant", "--json"});
  std::vector<std::string> names = Names(r);
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[0], "merchant");
  EXPECT_THAT(names, IsSupersetOf({"merchant_profile", "merchant_txn_stats", "merchant_profiles"}));
  rapidjson::Document exact = Json({"search", "user_txn_stats", "--json"});
  ASSERT_TRUE(exact.IsArray() && !exact.Empty());
  EXPECT_EQ(std::string(exact[0]["name"].GetString()), "user_txn_stats");
  EXPECT_GT(exact[0]["score"].GetInt(), exact.Size() > 1 ? exact[1]["score"].GetInt() : 0);

  CliResult table = Tessera({"search", "amount_sum_24h"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("user_txn_stats"));
}

TEST_F(QuickstartTest, LineageUpstreamOfAService) {
  rapidjson::Document d = Json({"lineage", "fraud_detection_v1", "--upstream", "--json"});
  ASSERT_TRUE(d.IsObject() && d.HasMember("upstream"));
  EXPECT_FALSE(d.HasMember("downstream"));
  const rapidjson::Value& nodes = d["upstream"]["nodes"];
  std::vector<std::string> labels;
  for (const auto& n : nodes.GetArray()) {
    labels.push_back(std::string(n["kind"].GetString()) + ":" + n["name"].GetString());
  }
  EXPECT_THAT(labels, UnorderedElementsAre(
                          "feature-view:user_profile", "feature-view:user_txn_stats",
                          "feature-view:merchant_profile", "on-demand-view:txn_risk", "entity:user",
                          "entity:merchant", "source:user_profiles", "source:merchant_profiles",
                          "source:transactions_push", "source:transactions", "source:txn_request"));

  CliResult tree = Tessera({"lineage", "fraud_detection_v1", "--upstream"});
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  EXPECT_THAT(tree.out, HasSubstr("fraud_detection_v1 (service)"));
  EXPECT_THAT(tree.out, HasSubstr("-- txn_risk (on-demand-view)"));
}

TEST_F(QuickstartTest, LineageDownstreamOfASource) {
  rapidjson::Document d = Json({"lineage", "transactions", "--downstream", "--json"});
  ASSERT_TRUE(d.IsObject() && d.HasMember("downstream"));
  EXPECT_THAT(Names(d["downstream"]["nodes"]),
              UnorderedElementsAre("transactions_push", "user_txn_stats", "user_merchant_stats",
                                   "merchant_txn_stats", "txn_risk", "fraud_detection_v1",
                                   "merchant_monitoring"));
  rapidjson::Document direct =
      Json({"lineage", "transactions", "--downstream", "--direct", "--json"});
  EXPECT_THAT(
      Names(direct["downstream"]["nodes"]),
      UnorderedElementsAre("transactions_push", "user_merchant_stats", "merchant_txn_stats"));
  rapidjson::Document both = Json({"lineage", "user_txn_stats", "--json"});
  EXPECT_TRUE(both.HasMember("upstream") && both.HasMember("downstream"));
}

TEST_F(QuickstartTest, DescribeShowsDefinitionAndHistory) {
  CliResult r = Tessera({"describe", "user_txn_stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("feature-view user_txn_stats"));
  EXPECT_THAT(r.out, HasSubstr("applied_by:  tester"));
  EXPECT_THAT(r.out, HasSubstr("history:"));
  EXPECT_THAT(r.out, HasSubstr("created"));
  rapidjson::Document d = Json({"describe", "merchant", "--kind", "entity", "--json"});
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(std::string(d["kind"].GetString()), "entity");
}

}  // namespace
}  // namespace tessera::cli_test
