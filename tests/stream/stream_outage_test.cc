// StreamConsumer when Redis goes away under it: restarted with its data
// (the group and its pending entries survive), killed and restarted empty
// (the group is lost and re-created), FLUSHALL. The consumer logs one
// "connection lost" and one "reconnected" per outage, status() shows the
// outage, and every entry still reaches the sink exactly once.
#include <regex>

#include "stream_test_util.h"
#include "tessera/stream/stream_consumer.h"

namespace tessera::stream {
namespace {

using ::testing::ElementsAreArray;

class StreamOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_REDIS_SERVER();
    std::string why;
    server_ = RedisServer::Start(&why);
    ASSERT_NE(server_, nullptr) << why;
    port_ = server_->port();
    redis_ = std::make_unique<RawRedis>(port_);
    options_ = TestConsumerOptions(port_, "events", "c1");
    options_.log = log_.Sink();
    consumer_ = std::make_unique<StreamConsumer>(options_, TestConverter(), &sink_);
    ASSERT_TRUE(consumer_->Start().ok());
  }
  void TearDown() override {
    if (consumer_ != nullptr) consumer_->Stop();
  }

  std::string Stream() const {
    return "redis 127.0.0.1:" + std::to_string(port_) + " stream events group tessera";
  }
  std::vector<std::string> Lost() const { return log_.Matching(": connection lost: "); }
  std::vector<std::string> Reconnected() const { return log_.Matching(": reconnected after "); }

  // One outage logged: its two lines, exactly.
  void ExpectOneOutageLogged() {
    const std::vector<std::string> lost = Lost();
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_TRUE(std::regex_match(
        lost[0], std::regex(std::regex_replace(Stream(), std::regex("[.]"), "\\.") +
                            ": connection lost: (connection closed by the server|cannot "
                            "connect: Connection refused); retrying")))
        << lost[0];
    const std::vector<std::string> back = Reconnected();
    ASSERT_EQ(back.size(), 1u);
    EXPECT_TRUE(std::regex_match(back[0], std::regex(".*: reconnected after [0-9]+\\.[0-9] s")))
        << back[0];
    EXPECT_EQ(back[0].substr(0, Stream().size()), Stream());
  }

  // Waits for the outage to be seen; checks status() says so.
  void ExpectDown() {
    ASSERT_TRUE(WaitFor([&] { return !Lost().empty(); }));
    const StreamStatus status = consumer_->status();
    EXPECT_FALSE(status.connected);
    EXPECT_THAT(status.last_error, ::testing::AnyOf("connection closed by the server",
                                                    "cannot connect: Connection refused"));
  }

  void ExpectBack() {
    ASSERT_TRUE(WaitFor([&] { return !Reconnected().empty(); }));
    ASSERT_TRUE(WaitFor([&] { return consumer_->status().connected; }));
    EXPECT_EQ(consumer_->status().last_error, "");
  }

  void WaitAllApplied(int n) {
    ASSERT_TRUE(WaitFor([&] { return sink_.count() >= static_cast<size_t>(n); })) << sink_.count();
    ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, "events").empty(); }));
  }

  std::unique_ptr<RedisServer> server_;
  int port_ = 0;
  std::unique_ptr<RawRedis> redis_;
  RecordingSink sink_;
  LogCapture log_;
  ConsumerOptions options_;
  std::unique_ptr<StreamConsumer> consumer_;
};

// SHUTDOWN SAVE writes the data (the stream, the group, its pending
// entries) to dump.rdb in the server's folder; the restart loads it. Entries
// read before the outage are applied during it and acknowledged after it;
// entries never read are read after it.
TEST_F(StreamOutageTest, RedisRestartedWithItsDataUnderTheConsumer) {
  AddEvents(*redis_, "events", 0, 50);
  WaitAllApplied(50);
  sink_.CloseGate();
  AddEvents(*redis_, "events", 50, 100);
  ASSERT_TRUE(
      WaitFor([&] { return sink_.waiting() == 1 && PendingIds(port_, "events").size() == 40; }));
  redis_.reset();
  Raw(port_, {"SHUTDOWN", "SAVE"});  // no reply: the server exits
  ExpectDown();
  sink_.OpenGate();  // applied while Redis is down: acknowledged when it is back
  std::string why;
  ASSERT_TRUE(server_->Restart(&why)) << why;
  ExpectBack();
  redis_ = std::make_unique<RawRedis>(port_);
  EXPECT_EQ(redis_->Run({"XLEN", "events"}), "(integer) 150");  // the data survived
  AddEvents(*redis_, "events", 150, 50);
  WaitAllApplied(200);
  EXPECT_THAT(sink_.seen(), ElementsAreArray(Range(0, 200)));
  ExpectOneOutageLogged();
}

// After an outage the reader re-reads its pending entries (a reply lost on
// the way leaves entries pending at it); those it still holds, at the gate
// or queued, must not be queued a second time.
TEST_F(StreamOutageTest, EntriesHeldAcrossAnOutageAreNotQueuedTwice) {
  sink_.CloseGate();
  AddEvents(*redis_, "events", 0, 10);
  ASSERT_TRUE(WaitFor([&] { return sink_.waiting() == 1; }));  // 10 at the gate
  AddEvents(*redis_, "events", 10, 10);                        // 10 queued; room for 2 more
  ASSERT_TRUE(WaitFor([&] { return consumer_->status().entries_read == 20; }));
  redis_.reset();
  Raw(port_, {"SHUTDOWN", "SAVE"});
  ExpectDown();
  std::string why;
  ASSERT_TRUE(server_->Restart(&why)) << why;
  ExpectBack();
  redis_ = std::make_unique<RawRedis>(port_);
  // New entries are read only once the pending ones were re-read.
  AddEvents(*redis_, "events", 20, 10);
  ASSERT_TRUE(WaitFor([&] { return consumer_->status().entries_read >= 30; }));
  sink_.OpenGate();
  WaitAllApplied(30);
  EXPECT_THAT(sink_.seen(), ElementsAreArray(Range(0, 30)));
  EXPECT_EQ(consumer_->status().entries_read, 30);
  ExpectOneOutageLogged();
}

// Without persistence the stream and its group are gone after the restart:
// the consumer re-creates the group and reads what is added after.
TEST_F(StreamOutageTest, RedisKilledAndRestartedEmptyUnderTheConsumer) {
  AddEvents(*redis_, "events", 0, 30);
  WaitAllApplied(30);
  server_->Kill();
  ExpectDown();
  std::string why;
  ASSERT_TRUE(server_->Restart(&why)) << why;
  ExpectBack();
  redis_ = std::make_unique<RawRedis>(port_);
  AddEvents(*redis_, "events", 30, 30);
  WaitAllApplied(60);
  EXPECT_THAT(sink_.seen(), ElementsAreArray(Range(0, 60)));
  EXPECT_EQ(redis_->Run({"XINFO", "GROUPS", "events"}).substr(0, 13), "name|tessera|");
  ExpectOneOutageLogged();
}

TEST_F(StreamOutageTest, FlushAllUnderTheConsumerRecreatesTheGroup) {
  AddEvents(*redis_, "events", 0, 30);
  WaitAllApplied(30);
  redis_->Run({"FLUSHALL"});
  AddEvents(*redis_, "events", 30, 30);
  WaitAllApplied(60);
  consumer_->Stop();
  EXPECT_THAT(sink_.seen(), ElementsAreArray(Range(0, 60)));
  EXPECT_TRUE(Lost().empty());  // not an outage: the server answered throughout
}

}  // namespace
}  // namespace tessera::stream
