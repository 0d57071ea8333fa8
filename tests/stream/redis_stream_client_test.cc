// RedisStreamClient against a real redis-server: group creation, reads of
// new and pending entries, acknowledgement, claims (deleted entries too),
// dead letters, lag, a lost group re-created, a server that goes away.
#include "tessera/stream/redis_stream_client.h"

#include "stream_test_util.h"

namespace tessera::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Fields = std::vector<std::pair<std::string, std::string>>;

class RedisStreamClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_REDIS_SERVER();
    std::string why;
    server_ = testing::SharedRedisServer(&why);
    ASSERT_NE(server_, nullptr) << why;
    key_ = std::string("client_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    redis_ = std::make_unique<RawRedis>(server_->port());
    redis_->Run({"DEL", key_, key_ + ":dead"});  // fresh under --gtest_repeat
  }

  std::unique_ptr<RedisStreamClient> Open(const std::string& consumer, int64_t block_ms = 20) {
    auto client = RedisStreamClient::Open(TestAddress(server_->port(), key_, consumer), block_ms);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  std::string Add(const std::string& id, const Fields& fields) {
    std::vector<std::string> args = {"XADD", key_, id};
    for (const auto& [f, v] : fields) {
      args.push_back(f);
      args.push_back(v);
    }
    return redis_->Run(args);
  }

  testing::RedisServer* server_ = nullptr;
  std::string key_;
  std::unique_ptr<RawRedis> redis_;
};

std::vector<std::string> Ids(const std::vector<StreamEntry>& entries) {
  std::vector<std::string> ids;
  for (const StreamEntry& e : entries) ids.push_back(e.id);
  return ids;
}

TEST(EntryIdMillisTest, TakesTheMillisecondsOfAnEntryId) {
  int64_t ms = 0;
  EXPECT_TRUE(EntryIdMillis("1700000000000-3", &ms));
  EXPECT_EQ(ms, 1700000000000);
  EXPECT_TRUE(EntryIdMillis("0-0", &ms));
  EXPECT_EQ(ms, 0);
  EXPECT_TRUE(EntryIdMillis("5-18446744073709551615", &ms));  // a uint64 sequence
  EXPECT_EQ(ms, 5);
  for (const char* bad : {"", "0", "-1", "1-", "-", "1--2", "a-1", "1-b", " 1-2", "1-2 ", "+1-2",
                          "99999999999999999999-0"}) {
    EXPECT_FALSE(EntryIdMillis(bad, &ms)) << bad;
  }
}

TEST_F(RedisStreamClientTest, DescribeNamesServerStreamAndGroup) {
  auto client = Open("c1");
  EXPECT_EQ(client->Describe(), "redis 127.0.0.1:" + std::to_string(server_->port()) + " stream " +
                                    key_ + " group tessera");
}

TEST_F(RedisStreamClientTest, GroupCreationIsIdempotentAndStartsAtTheFirstEntry) {
  Add("1-1", {{"a", "1"}});
  Add("1-2", {{"b", "2"}, {"b", "3"}});
  auto client = Open("c1");
  ASSERT_TRUE(client->EnsureGroup().ok());
  ASSERT_TRUE(client->EnsureGroup().ok());  // BUSYGROUP is fine
  EXPECT_EQ(redis_->Run({"XINFO", "GROUPS", key_}).substr(0, 13), "name|tessera|");
  auto entries = client->ReadNew(10);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].id, "1-1");
  EXPECT_EQ((*entries)[0].fields, (Fields{{"a", "1"}}));
  EXPECT_EQ((*entries)[1].id, "1-2");
  EXPECT_EQ((*entries)[1].fields, (Fields{{"b", "2"}, {"b", "3"}}));
  auto none = client->ReadNew(10);  // after block_ms
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(RedisStreamClientTest, EnsureGroupCreatesAMissingStream) {
  auto client = Open("c1");
  ASSERT_TRUE(client->EnsureGroup().ok());
  EXPECT_EQ(redis_->Run({"XLEN", key_}), "(integer) 0");
}

TEST_F(RedisStreamClientTest, ReadNewHonoursCount) {
  for (int i = 1; i <= 5; ++i) Add("1-" + std::to_string(i), {{"a", std::to_string(i)}});
  auto client = Open("c1");
  ASSERT_TRUE(client->EnsureGroup().ok());
  EXPECT_THAT(Ids(*client->ReadNew(2)), ElementsAre("1-1", "1-2"));
  EXPECT_THAT(Ids(*client->ReadNew(10)), ElementsAre("1-3", "1-4", "1-5"));
}

TEST_F(RedisStreamClientTest, ReadPendingGivesOwnPendingEntriesAndDeletedIds) {
  for (int i = 1; i <= 4; ++i) Add("1-" + std::to_string(i), {{"a", std::to_string(i)}});
  auto mine = Open("c1");
  auto other = Open("c2");
  ASSERT_TRUE(mine->EnsureGroup().ok());
  ASSERT_EQ(mine->ReadNew(3)->size(), 3u);
  ASSERT_EQ(other->ReadNew(10)->size(), 1u);  // 1-4 is c2's
  redis_->Run({"XDEL", key_, "1-2"});

  std::vector<std::string> deleted;
  auto pending = mine->ReadPending("0", 10, &deleted);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_THAT(Ids(*pending), ElementsAre("1-1", "1-3"));
  EXPECT_EQ((*pending)[1].fields, (Fields{{"a", "3"}}));
  EXPECT_THAT(deleted, ElementsAre("1-2"));

  deleted.clear();
  EXPECT_THAT(Ids(*mine->ReadPending("1-1", 10, &deleted)), ElementsAre("1-3"));
  EXPECT_THAT(Ids(*mine->ReadPending("0", 1, &deleted)), ElementsAre("1-1"));
  EXPECT_THAT(Ids(*mine->ReadPending("1-3", 10, &deleted)), IsEmpty());

  const std::vector<std::string> acks = {"1-1", "1-2", "1-3"};
  ASSERT_TRUE(mine->Ack(acks).ok());
  EXPECT_THAT(PendingIds(server_->port(), key_, "tessera", "c1"), IsEmpty());
  EXPECT_THAT(PendingIds(server_->port(), key_), ElementsAre("1-4"));
  EXPECT_TRUE(mine->Ack({}).ok());
}

TEST_F(RedisStreamClientTest, AutoClaimTakesIdleEntriesOfOthersAndReportsDeletedOnes) {
  for (int i = 1; i <= 3; ++i) Add("1-" + std::to_string(i), {{"a", std::to_string(i)}});
  auto dead = Open("dead");
  auto live = Open("live");
  ASSERT_TRUE(dead->EnsureGroup().ok());
  ASSERT_EQ(dead->ReadNew(10)->size(), 3u);
  redis_->Run({"XDEL", key_, "1-2"});

  auto not_yet = live->AutoClaim(60000, "0-0", 10);  // none idle that long
  ASSERT_TRUE(not_yet.ok()) << not_yet.status().ToString();
  EXPECT_THAT(not_yet->entries, IsEmpty());
  EXPECT_EQ(not_yet->next_start, "0-0");

  auto claim = live->AutoClaim(0, "0-0", 10);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_THAT(Ids(claim->entries), ElementsAre("1-1", "1-3"));
  EXPECT_EQ(claim->entries[1].fields, (Fields{{"a", "3"}}));
  // Redis 7.0 reports (and drops) a deleted entry's id whatever its idle
  // time, so the first scan may have reported it already.
  std::vector<std::string> deleted = not_yet->deleted;
  deleted.insert(deleted.end(), claim->deleted.begin(), claim->deleted.end());
  EXPECT_THAT(deleted, ElementsAre("1-2"));
  EXPECT_EQ(claim->next_start, "0-0");
  EXPECT_THAT(PendingIds(server_->port(), key_, "tessera", "live"), ElementsAre("1-1", "1-3"));
  EXPECT_THAT(PendingIds(server_->port(), key_, "tessera", "dead"), IsEmpty());
}

TEST_F(RedisStreamClientTest, AutoClaimPagesWithItsCursor) {
  for (int i = 1; i <= 5; ++i) Add("1-" + std::to_string(i), {{"a", std::to_string(i)}});
  auto dead = Open("dead");
  auto live = Open("live");
  ASSERT_TRUE(dead->EnsureGroup().ok());
  ASSERT_EQ(dead->ReadNew(10)->size(), 5u);
  auto first = live->AutoClaim(0, "0-0", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(Ids(first->entries), ElementsAre("1-1", "1-2"));
  EXPECT_EQ(first->next_start, "1-3");
  auto rest = live->AutoClaim(0, first->next_start, 10);
  EXPECT_THAT(Ids(rest->entries), ElementsAre("1-3", "1-4", "1-5"));
  EXPECT_EQ(rest->next_start, "0-0");
}

TEST_F(RedisStreamClientTest, DeadLetterKeepsTheFieldsAndAddsReasonSourceAndConsumer) {
  auto client = Open("c7");
  std::vector<RejectedEntry> rejected = {
      {{"5-1", {{"user_id", "x"}, {"ts", "2024-03-01"}}}, "field 'user_id': 'x' is not an int64"},
      {{"5-2", {{"colour", "red"}}}, "field 'colour': unknown"}};
  ASSERT_TRUE(client->DeadLetter(rejected, "tx").ok());
  ASSERT_TRUE(client->DeadLetter({}, "tx").ok());
  const std::vector<StreamEntry> dead = ReadStream(server_->port(), key_ + ":dead");
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].fields, (Fields{{"user_id", "x"},
                                    {"ts", "2024-03-01"},
                                    {"_entry_id", "5-1"},
                                    {"_reason", "field 'user_id': 'x' is not an int64"},
                                    {"_source", "tx"},
                                    {"_consumer", "c7"}}));
  EXPECT_EQ(dead[1].fields, (Fields{{"colour", "red"},
                                    {"_entry_id", "5-2"},
                                    {"_reason", "field 'colour': unknown"},
                                    {"_source", "tx"},
                                    {"_consumer", "c7"}}));
  // The connection is still usable after the pipeline.
  EXPECT_TRUE(client->EnsureGroup().ok());
}

TEST_F(RedisStreamClientTest, InfoGivesLagPendingAndTheOldestUndeliveredEntry) {
  Add("1000-0", {{"a", "1"}});
  Add("2000-0", {{"a", "2"}});
  Add("3000-5", {{"a", "3"}});
  auto client = Open("c1");
  ASSERT_TRUE(client->EnsureGroup().ok());
  auto info = client->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->lag, 3);
  EXPECT_EQ(info->pending, 0);
  EXPECT_EQ(info->last_delivered_id, "0-0");
  EXPECT_EQ(info->oldest_undelivered_millis, 1000);
  EXPECT_EQ(info->consumers, 0);

  ASSERT_EQ(client->ReadNew(1)->size(), 1u);
  info = client->Info();
  EXPECT_EQ(info->lag, 2);
  EXPECT_EQ(info->pending, 1);
  EXPECT_EQ(info->last_delivered_id, "1000-0");
  EXPECT_EQ(info->oldest_undelivered_millis, 2000);
  EXPECT_EQ(info->consumers, 1);

  ASSERT_EQ(client->ReadNew(10)->size(), 2u);
  info = client->Info();
  EXPECT_EQ(info->lag, 0);
  EXPECT_EQ(info->pending, 3);
  EXPECT_EQ(info->oldest_undelivered_millis, 0);
}

TEST_F(RedisStreamClientTest, ALostGroupIsRecreated) {
  auto client = Open("c1");
  ASSERT_TRUE(client->EnsureGroup().ok());
  redis_->Run({"DEL", key_});
  auto read = client->ReadNew(10);  // NOGROUP: re-created, read again
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_THAT(*read, IsEmpty());
  Add("7-1", {{"a", "1"}});
  EXPECT_THAT(Ids(*client->ReadNew(10)), ElementsAre("7-1"));

  redis_->Run({"DEL", key_});
  auto info = client->Info();  // no such key: re-created
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->lag, 0);
  EXPECT_EQ(info->pending, 0);

  redis_->Run({"DEL", key_});
  std::vector<std::string> deleted;
  auto pending = client->ReadPending("0", 10, &deleted);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_THAT(*pending, IsEmpty());
  redis_->Run({"DEL", key_});
  ClaimResult claimed;
  auto claim = client->AutoClaim(0, "0-0", 10);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_THAT(claim->entries, IsEmpty());
}

TEST_F(RedisStreamClientTest, ABlockedReadWhoseStreamIsDeletedRecreatesTheGroup) {
  auto client = Open("c1", /*block_ms=*/2000);
  ASSERT_TRUE(client->EnsureGroup().ok());
  std::thread deleter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    RawRedis(server_->port()).Run({"DEL", key_});
    RawRedis(server_->port()).Run({"XADD", key_, "9-1", "a", "1"});
  });
  // UNBLOCKED: the group is re-created at the stream's start and read again.
  auto read = client->ReadNew(10);
  deleter.join();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  if (read->empty()) read = client->ReadNew(10);  // the XADD came after the re-read
  EXPECT_THAT(Ids(*read), ElementsAre("9-1"));
}

TEST(RedisStreamClientDownTest, NothingListeningIsUnavailableNamingTheServer) {
  const int port = testing::FreeLoopbackPort();
  auto client = RedisStreamClient::Open(TestAddress(port, "s", "c"), 10);
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(client.status().message(),
            "redis 127.0.0.1:" + std::to_string(port) + ": cannot connect: Connection refused");
}

TEST(RedisStreamClientDownTest, AKilledServerIsUnavailableUntilItIsBack) {
  TESSERA_REQUIRE_REDIS_SERVER();
  std::string why;
  auto server = RedisServer::Start(&why);
  ASSERT_NE(server, nullptr) << why;
  auto client = RedisStreamClient::Open(TestAddress(server->port(), "s", "c"), 10);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->EnsureGroup().ok());
  server->Kill();
  const std::string refused =
      "redis 127.0.0.1:" + std::to_string(server->port()) + ": cannot connect: Connection refused";
  // The idle connection was closed by the server: one new connection is
  // tried at once, and refused.
  auto read = (*client)->ReadNew(10);
  EXPECT_EQ(read.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(read.status().message(), refused);
  EXPECT_EQ((*client)->Ack(std::vector<std::string>{"1-1"}).message(), refused);
  EXPECT_EQ((*client)->Info().status().message(), refused);
  ASSERT_TRUE(server->Restart(&why)) << why;
  RawRedis(server->port()).Run({"XADD", "s", "4-4", "a", "1"});
  auto read_after = (*client)->ReadNew(10);  // the group was lost with the data
  ASSERT_TRUE(read_after.ok()) << read_after.status().ToString();
  EXPECT_THAT(Ids(*read_after), ElementsAre("4-4"));
}

// A connection the server closed while idle (it restarted between two
// calls) is replaced within the call: no error for what was never sent.
TEST(RedisStreamClientDownTest, AServerRestartedBetweenCallsIsNoError) {
  TESSERA_REQUIRE_REDIS_SERVER();
  std::string why;
  auto server = RedisServer::Start(&why);
  ASSERT_NE(server, nullptr) << why;
  auto client = RedisStreamClient::Open(TestAddress(server->port(), "s", "c"), 10);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->EnsureGroup().ok());
  ASSERT_TRUE(server->Restart(&why)) << why;
  EXPECT_TRUE((*client)->EnsureGroup().ok());
  ASSERT_TRUE(server->Restart(&why)) << why;
  std::vector<RejectedEntry> rejected = {{{"1-1", {{"a", "b"}}}, "why"}};
  EXPECT_TRUE((*client)->DeadLetter(rejected, "src").ok());  // a pipeline too
  EXPECT_EQ(ReadStream(server->port(), "s:dead").size(), 1u);
}

}  // namespace
}  // namespace tessera::stream
