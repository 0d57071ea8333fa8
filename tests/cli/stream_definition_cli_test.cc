// A push source's `stream:` through the real binary (issue 11): plan
// refuses it into an aggregated view without event ids, and once the log
// has an event_id column it applies as a doc-only change that `describe`
// shows, in text and JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "registry_cli_test_util.h"

namespace tessera::cli_test {
namespace {

using testing::HasSubstr;

class StreamDefinitionTest : public testing::Test {
 protected:
  CliResult Tessera(std::vector<std::string> args) {
    args.insert(args.begin(), {"-r", repo_});
    return RunTessera(args);
  }

  // Gives every row of the scaffold's transactions log an event_id, which a
  // stream into the aggregated view user_spend needs.
  void AddEventIds() {
    const std::string csv = repo_ + "/data/sources/transactions/part-0.csv";
    std::string with_ids;
    int row = 0;
    for (const std::string& line : Lines(ReadBytes(csv))) {
      with_ids += line + (row == 0 ? ",event_id\n" : ",e" + std::to_string(row) + "\n");
      ++row;
    }
    WriteBytes(csv, with_ids);
  }

  ScratchDir tmp_;
  std::string repo_ = tmp_ / "repo";
};

TEST_F(StreamDefinitionTest, PlanNeedsEventIdsThenTheStreamIsADocChangeDescribeShows) {
  ASSERT_EQ(RunTessera({"init", repo_}).exit_code, 0);
  ASSERT_EQ(Tessera({"apply", "--user", "tester"}).exit_code, 0);
  EditFile(repo_ + "/features/payments.yaml", "    batch_source: transactions\n",
           "    batch_source: transactions\n"
           "    stream: {type: redis, url: \"redis://127.0.0.1:6379\", key: tx_events}\n");

  CliResult refused = Tessera({"plan"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err,
              HasSubstr(": push source 'transactions_push' streams events into aggregated view "
                        "'user_spend' but has no event_id column: a redelivered entry would be "
                        "counted twice; add `event_id: string` to its schema"));

  AddEventIds();
  CliResult plan = Tessera({"plan"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(
      plan.out,
      HasSubstr("~ source transactions_push  (doc only: description/owner/tags/stream; stays v1)"));
  EXPECT_THAT(plan.out, HasSubstr("0 new versions")) << plan.out;
  ASSERT_EQ(Tessera({"apply", "--user", "tester"}).exit_code, 0);

  CliResult text = Tessera({"describe", "transactions_push"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("version:     1 (current)"));
  const std::string stream =
      "{type: redis, url: redis://127.0.0.1:6379, key: tx_events, group: tessera}";
  EXPECT_THAT(text.out, HasSubstr("\n  stream: " + stream + "\n"));
  EXPECT_THAT(text.out, HasSubstr("doc_change  ")) << text.out;
  EXPECT_THAT(text.out, HasSubstr("\n      stream: (none) -> " + stream + "\n"));

  rapidjson::Document d = ParseJson(Tessera({"describe", "transactions_push", "--json"}).out);
  ASSERT_TRUE(d.IsObject() && d["doc"].HasMember("stream"));
  EXPECT_STREQ(d["doc"]["stream"]["key"].GetString(), "tx_events");
  EXPECT_STREQ(d["definition"]["stream"]["group"].GetString(), "tessera");
  EXPECT_EQ(d["version"].GetInt64(), 1);
}

TEST_F(StreamDefinitionTest, DescribeNeverShowsTheStreamUrlsPassword) {
  ASSERT_EQ(RunTessera({"init", repo_}).exit_code, 0);
  AddEventIds();
  EditFile(repo_ + "/features/payments.yaml", "    batch_source: transactions\n",
           "    batch_source: transactions\n"
           "    stream: {type: redis, url: \"redis://alice:Hunter2pw@10.0.0.7:6380/1\", "
           "key: tx_events}\n");
  CliResult apply = Tessera({"apply", "--user", "tester"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out + apply.err, testing::Not(HasSubstr("Hunter2pw")));

  CliResult text = Tessera({"describe", "transactions_push"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out,
              HasSubstr("\n  stream: {type: redis, url: redis://***@10.0.0.7:6380/1, key: "
                        "tx_events, group: tessera}\n"))
      << text.out;
  EXPECT_THAT(text.out, testing::Not(HasSubstr("Hunter2pw")));
  EXPECT_THAT(text.out, testing::Not(HasSubstr("alice")));

  CliResult json = Tessera({"describe", "transactions_push", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  rapidjson::Document d = ParseJson(json.out);
  EXPECT_STREQ(d["definition"]["stream"]["url"].GetString(), "redis://***@10.0.0.7:6380/1");
  EXPECT_THAT(json.out, testing::Not(HasSubstr("Hunter2pw")));

  // A change of the password is a doc change whose history shows neither.
  EditFile(repo_ + "/features/payments.yaml", "alice:Hunter2pw@", "alice:Swordfish9@");
  ASSERT_EQ(Tessera({"apply", "--user", "tester"}).exit_code, 0);
  CliResult again = Tessera({"describe", "transactions_push"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, testing::Not(HasSubstr("Hunter2pw")));
  EXPECT_THAT(again.out, testing::Not(HasSubstr("Swordfish9")));
  EXPECT_THAT(again.out, HasSubstr("doc_change  "));
}

}  // namespace
}  // namespace tessera::cli_test
