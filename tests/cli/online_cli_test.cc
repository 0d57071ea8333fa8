// `tessera get` and `tessera push` through the real binary: table and JSON
// output, exit codes and messages, a rejected push leaving every stored
// file byte for byte as it was. The repo uses the in-process memory online
// store, so each command starts from an empty online store.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "scratch_cli_test.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it) {
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream s;
    if (it->is_regular_file()) s << in.rdbuf();
    out[fs::relative(it->path(), root).string()] = it->is_directory() ? "<dir>" : s.str();
  }
  return out;
}

class OnlineCliTest : public ScratchCliTest {
 protected:
  void SetUp() override {
    ScratchCliTest::SetUp();
    fs::create_directories(Path("repo/features"));
    Write("repo/tessera.yaml", "project: p\nonline_store: {type: memory}\n");
    Write("repo/features/defs.yaml", R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: users, kind: batch, path: users.csv, timestamp_field: event_timestamp}
  - {name: users_push, kind: push, batch_source: users}
  - name: req
    kind: request
    schema: [{name: amount, type: double}]
feature_views:
  - name: user_profile
    entities: [user]
    source: users_push
    features:
      - {name: age, type: int64}
on_demand_feature_views:
  - name: scored
    inputs: [user_profile, req]
    features:
      - {name: score, type: double, expr: "coalesce(age, 2) * amount"}
)");
    Write("repo/users.csv", "user_id,event_timestamp,age\n1,2024-01-01T00:00:00Z,20\n");
    CliResult applied = Run({"-r", "repo", "apply"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
};

TEST_F(OnlineCliTest, GetPrintsATableOrFeastJson) {
  CliResult r = Run({"-r", "repo", "get", "--entity", "user_id=1,amount=2.5", "--features",
                     "user_profile:age,scored:score"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "feature  value  status     event_timestamp\n"
            "user_id  1      PRESENT    -\n"
            "age      null   NOT_FOUND  -\n"
            "score    5.0    PRESENT    -\n");  // a double keeps its .0 (the JSON spelling)
  r = Run({"-r", "repo", "get", "--entity", "user_id=1,amount=1", "--entity",
           "user_id=2,amount=NaN", "--features", "scored:score", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"metadata\":{\"feature_names\":[\"user_id\",\"score\"]},\"results\":["
            "{\"values\":[1,2],\"statuses\":[\"PRESENT\",\"PRESENT\"],\"event_timestamps\":["
            "\"1970-01-01T00:00:00.000000Z\",\"1970-01-01T00:00:00.000000Z\"]},"
            "{\"values\":[2.0,\"NaN\"],\"statuses\":[\"PRESENT\",\"PRESENT\"],"
            "\"event_timestamps\":[\"1970-01-01T00:00:00.000000Z\","
            "\"1970-01-01T00:00:00.000000Z\"]}]}\n");
}

TEST_F(OnlineCliTest, GetErrors) {
  CliResult r =
      Run({"-r", "repo", "get", "--entity", "user_id=x", "--features", "user_profile:age"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: entities.user_id[0]: 'x' is not an int64 (join key of entity 'user' of "
            "feature view 'user_profile')\n");
  r = Run({"-r", "repo", "get", "--entity", "user_id=1", "--features", "user_profil:age"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: unknown feature view 'user_profil' in 'user_profil:age' (did you mean "
            "'user_profile'?)\n");
  r = Run({"-r", "repo", "get", "--entity", "user_id=1", "--service", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no feature service named 'nope'\n");
  r = Run({"-r", "repo", "get", "--entity", "user_id", "--features", "user_profile:age"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: --entity 'user_id': expected KEY=VALUE[,KEY=VALUE]\n");
  r = Run({"-r", "repo", "get", "--entity", "user_id=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: give exactly one of --features and --service\n");
  r = Run({"-r", "repo", "get", "--entity", "user_id=1", "--entity", "uid=2", "--features",
           "user_profile:age"});
  EXPECT_EQ(r.exit_code, 2);
  r = Run({"get", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--entity"), std::string::npos);
}

TEST_F(OnlineCliTest, PushToEachTargetAndErrors) {
  Write("good.csv",
        "user_id,event_timestamp,age,extra\n1,2024-02-01T00:00:00Z,21,x\n"
        "2,2024-02-01T00:00:00Z,,y\n");
  CliResult r = Run({"-r", "repo", "push", "users_push", "good.csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "pushed 2 rows to push source 'users_push': 2 online rows written\n");
  EXPECT_FALSE(fs::exists(Path("repo/data/offline")));
  r = Run({"-r", "repo", "push", "users_push", "good.csv", "--to", "offline"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "pushed 2 rows to push source 'users_push': logged, _ingest_seq 1..2\n");
  r = Run({"-r", "repo", "push", "users_push", "good.csv", "--to", "online_and_offline"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "pushed 2 rows to push source 'users_push': logged, _ingest_seq 3..4; 2 online rows "
            "written\n");

  const auto before = Tree(Path("repo/data"));
  Write("bad.csv",
        "user_id,event_timestamp,age\n1,2024-02-01T00:00:00Z,21\n,2024-02-01T00:00:00Z,5\n");
  r = Run({"-r", "repo", "push", "users_push", "bad.csv", "--to", "online_and_offline"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: bad.csv: rows.user_id[1]: null, but it is a join key of view "
            "'user_profile' and may not be null\n");
  Write("typo.csv", "user_id,event_timestamp,age\n1,2024-02-01T00:00:00Z,twenty\n");
  r = Run({"-r", "repo", "push", "users_push", "typo.csv", "--to", "offline"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.substr(0, 16), "error: typo.csv:") << r.err;
  r = Run({"-r", "repo", "push", "users", "bad.csv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: bad.csv: source 'users' is a batch source; push takes a push source "
            "(tessera ingest appends files to a batch source's log)\n");
  r = Run({"-r", "repo", "push", "users_push", "good.csv", "--to", "nowhere"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: --to 'nowhere': expected online, offline or online_and_offline\n");
  r = Run({"-r", "repo", "push", "users_push", "good.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Tree(Path("repo/data")), before);
}

// With the default RocksDB store the online rows outlive the process: a
// push is what the next `get` reads.
TEST_F(OnlineCliTest, PushThenGetWithRocksDb) {
  Write("repo/tessera.yaml", "project: p\n");
  Write("rows.csv", "user_id,event_timestamp,age\n1,2024-02-01T00:00:00Z,21\n");
  CliResult r = Run({"-r", "repo", "push", "users_push", "rows.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(Path("repo/data/online")));
  r = Run({"-r", "repo", "get", "--entity", "user_id=1", "--entity", "user_id=2", "--features",
           "user_profile:age"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "entity  feature  value  status     event_timestamp\n"
            "0       user_id  1      PRESENT    -\n"
            "0       age      21     PRESENT    2024-02-01T00:00:00.000000Z\n"
            "1       user_id  2      PRESENT    -\n"
            "1       age      null   NOT_FOUND  -\n");
}

}  // namespace
}  // namespace tessera::cli_test
