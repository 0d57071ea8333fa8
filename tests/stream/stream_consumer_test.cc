// StreamConsumer against a real redis-server and a recording sink:
// every entry applied exactly once, bad entries dead-lettered, group
// commit, a failing sink, back-pressure, stop and restart, two consumers
// and a dead one, lag and freshness. Redis going away is in
// stream_outage_test.cc.
#include "tessera/stream/stream_consumer.h"

#include <set>

#include "stream_test_util.h"
#include "tessera/stream/freshness.h"

namespace tessera::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

class StreamConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_REDIS_SERVER();
    std::string why;
    server_ = testing::SharedRedisServer(&why);
    ASSERT_NE(server_, nullptr) << why;
    port_ = server_->port();
    key_ =
        std::string("consumer_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    redis_ = std::make_unique<RawRedis>(port_);
    redis_->Run({"DEL", key_, key_ + ":dead"});  // fresh under --gtest_repeat
  }

  ConsumerOptions Options(const std::string& consumer = "c1") {
    ConsumerOptions options = TestConsumerOptions(port_, key_, consumer);
    options.log = log_.Sink();
    return options;
  }

  std::unique_ptr<StreamConsumer> Make(ConsumerOptions options, EventSink* sink) {
    return std::make_unique<StreamConsumer>(std::move(options), TestConverter(), sink);
  }

  testing::RedisServer* server_ = nullptr;
  int port_ = 0;
  std::string key_;
  std::unique_ptr<RawRedis> redis_;
  LogCapture log_;
};

TEST_F(StreamConsumerTest, EveryEntryReachesTheSinkExactlyOnce) {
  AddEvents(*redis_, key_, 0, 250);  // before the group exists: consumed too
  RecordingSink sink;
  auto consumer = Make(Options(), &sink);
  ASSERT_TRUE(consumer->Start().ok());
  AddEvents(*redis_, key_, 250, 250);
  ASSERT_TRUE(WaitFor([&] { return sink.count() >= 500; })) << sink.count();
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 500)));
  const StreamStatus status = consumer->status();
  EXPECT_EQ(status.source, "tx");
  EXPECT_EQ(status.stream, key_);
  EXPECT_EQ(status.group, "tessera");
  EXPECT_EQ(status.consumer, "c1");
  EXPECT_EQ(status.entries_read, 500);
  EXPECT_EQ(status.entries_claimed, 0);
  EXPECT_EQ(status.events_applied, 500);
  EXPECT_EQ(status.rejected, 0);
  EXPECT_EQ(status.batches, static_cast<int64_t>(sink.apply_sizes().size()));
  EXPECT_EQ(redis_->Run({"EXISTS", key_ + ":dead"}), "(integer) 0");
}

TEST_F(StreamConsumerTest, BadEntriesGoToTheDeadLetterStreamAndAreAcknowledged) {
  RecordingSink sink;
  auto consumer = Make(Options(), &sink);
  ASSERT_TRUE(consumer->Start().ok());
  AddEvents(*redis_, key_, 0, 5);
  const std::string bad1 =
      redis_->Run({"XADD", key_, "*", "user_id", "7", "ts", EventTime(7), "colour", "red"});
  AddEvents(*redis_, key_, 5, 5);
  const std::string bad2 = redis_->Run({"XADD", key_, "*", "user_id", "x", "ts", EventTime(1)});
  ASSERT_TRUE(WaitFor([&] { return consumer->status().rejected == 2; }));
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 10)));
  const std::vector<StreamEntry> dead = ReadStream(port_, key_ + ":dead");
  ASSERT_EQ(dead.size(), 2u);
  // Each as it came, with the reason the converter gives for it.
  using Fields = std::vector<std::pair<std::string, std::string>>;
  const StreamEntry sent[] = {{bad1, {{"user_id", "7"}, {"ts", EventTime(7)}, {"colour", "red"}}},
                              {bad2, {{"user_id", "x"}, {"ts", EventTime(1)}}}};
  const EntryRows converted = *TestConverter().Convert(sent);
  ASSERT_EQ(converted.rejected.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    Fields expected = sent[i].fields;
    expected.insert(expected.end(), {{"_entry_id", sent[i].id},
                                     {"_reason", converted.rejected[i].reason},
                                     {"_source", "tx"},
                                     {"_consumer", "c1"}});
    EXPECT_EQ(dead[i].fields, expected) << i;
  }
  EXPECT_NE(converted.rejected[0].reason.find("colour"), std::string::npos);
  EXPECT_NE(converted.rejected[1].reason.find("user_id"), std::string::npos);
  const StreamStatus status = consumer->status();
  EXPECT_EQ(status.entries_read, 12);
  EXPECT_EQ(status.events_applied, 10);
  EXPECT_EQ(status.rejected, 2);
}

TEST_F(StreamConsumerTest, QueuedBatchesAreAppliedAsOneGroup) {
  RecordingSink sink;
  sink.CloseGate();
  ConsumerOptions options = Options();
  options.queue_batches = 8;
  auto consumer = Make(options, &sink);
  ASSERT_TRUE(consumer->Start().ok());
  AddEvents(*redis_, key_, 0, 10);
  ASSERT_TRUE(WaitFor([&] { return sink.waiting() == 1; }));  // one batch at the gate
  AddEvents(*redis_, key_, 10, 50);
  ASSERT_TRUE(WaitFor([&] { return consumer->status().entries_read == 60; }));  // 5 more queued
  sink.OpenGate();
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 60)));
  // The one at the gate, then all the queued ones at once.
  EXPECT_THAT(sink.apply_sizes(), ElementsAre(10, 50));
  EXPECT_EQ(consumer->status().batches, 2);
}

TEST_F(StreamConsumerTest, AGroupHoldsAtMostMaxApplyRows) {
  RecordingSink sink;
  sink.CloseGate();
  ConsumerOptions options = Options();
  options.queue_batches = 8;
  options.max_apply_rows = 25;
  auto consumer = Make(options, &sink);
  ASSERT_TRUE(consumer->Start().ok());
  AddEvents(*redis_, key_, 0, 10);
  ASSERT_TRUE(WaitFor([&] { return sink.waiting() == 1; }));
  AddEvents(*redis_, key_, 10, 60);
  ASSERT_TRUE(WaitFor([&] { return consumer->status().entries_read == 70; }));
  sink.OpenGate();
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 70)));
  // After the one at the gate: two batches of 10 per apply (a third would
  // make 30 > 25).
  EXPECT_THAT(sink.apply_sizes(), ElementsAre(10, 20, 20, 20));
}

TEST_F(StreamConsumerTest, AFailingSinkLeavesEntriesPendingUntilItRecovers) {
  RecordingSink sink;
  sink.fail = true;
  auto consumer = Make(Options(), &sink);
  ASSERT_TRUE(consumer->Start().ok());
  const std::vector<std::string> ids = AddEvents(*redis_, key_, 0, 30);
  ASSERT_TRUE(WaitFor([&] { return sink.failures >= 3 && PendingIds(port_, key_).size() == 30; }));
  EXPECT_EQ(PendingIds(port_, key_), ids);  // nothing acknowledged
  EXPECT_THAT(sink.seen(), IsEmpty());
  EXPECT_EQ(consumer->status().events_applied, 0);
  EXPECT_EQ(consumer->status().batches, 0);
  const std::vector<std::string> failed = log_.Matching("applying failed");
  ASSERT_EQ(failed.size(), 1u);  // once per failure streak
  EXPECT_EQ(failed[0], "redis 127.0.0.1:" + std::to_string(port_) + " stream " + key_ +
                           " group tessera: applying failed: sink down; retrying (the entries "
                           "stay unacknowledged)");
  sink.fail = false;
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 30)));
  EXPECT_EQ(log_.Matching("applying succeeded after ").size(), 1u);
  EXPECT_TRUE(consumer->status().last_error.empty());
}

TEST_F(StreamConsumerTest, AFullQueueStopsTheReader) {
  RecordingSink sink;
  sink.delay_ms = 10;
  ConsumerOptions options = Options();
  options.batch_size = 5;
  options.queue_batches = 2;
  auto consumer = Make(options, &sink);
  AddEvents(*redis_, key_, 0, 200);
  size_t most_pending = 0;
  int64_t most_queued = 0;
  ASSERT_TRUE(consumer->Start().ok());
  while (sink.count() < 200) {
    most_pending = std::max(most_pending, PendingIds(port_, key_).size());
    most_queued = std::max(most_queued, consumer->status().queued_batches);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_LT(sink.apply_sizes().size(), 200u);  // progress
  }
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 200)));
  EXPECT_LE(most_pending, static_cast<size_t>((options.queue_batches + 2) * options.batch_size));
  EXPECT_GT(most_pending, 0u);
  EXPECT_LE(most_queued, options.queue_batches);
}

TEST_F(StreamConsumerTest, StopLeavesQueuedBatchesPendingAndTheNextStartAppliesThem) {
  RecordingSink sink;
  sink.CloseGate();
  auto consumer = Make(Options(), &sink);
  ASSERT_TRUE(consumer->Start().ok());
  AddEvents(*redis_, key_, 0, 10);
  ASSERT_TRUE(WaitFor([&] { return sink.waiting() == 1; }));  // one batch at the gate
  AddEvents(*redis_, key_, 10, 90);
  // 4 batches held (queue_batches): the one at the gate and 3 queued.
  ASSERT_TRUE(WaitFor([&] { return consumer->status().entries_read == 40; }));
  std::thread stopper([&] { consumer->Stop(); });
  ASSERT_TRUE(WaitFor([&] { return !log_.Matching(": stopping").empty(); }));
  sink.OpenGate();  // the batch being applied finishes and is acknowledged
  stopper.join();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 10)));
  const std::vector<std::string> left = PendingIds(port_, key_, "tessera", "c1");
  EXPECT_EQ(left.size(), 30u);  // the queued batches: read, not applied
  EXPECT_EQ(PendingIds(port_, key_).size(), 30u);
  EXPECT_THAT(log_.Matching(": stopping"),
              ElementsAre("redis 127.0.0.1:" + std::to_string(port_) + " stream " + key_ +
                          " group tessera: stopping; 3 batches read but not applied stay "
                          "pending for the next start"));

  // The same consumer name again: its pending entries first, then the rest.
  auto again = Make(Options(), &sink);
  ASSERT_TRUE(again->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.count() >= 100; }));
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  again->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 100)));
  EXPECT_EQ(again->status().entries_read, 90);  // 30 pending re-read, 60 new
}

TEST_F(StreamConsumerTest, StartAfterStopOnTheSameObjectResumes) {
  RecordingSink sink;
  auto consumer = Make(Options(), &sink);
  ASSERT_TRUE(consumer->Start().ok());
  AddEvents(*redis_, key_, 0, 20);
  ASSERT_TRUE(WaitFor([&] { return sink.count() >= 20; }));
  consumer->Stop();
  consumer->Stop();  // idempotent
  EXPECT_FALSE(consumer->status().connected);
  EXPECT_EQ(consumer->status().events_applied, 20);
  AddEvents(*redis_, key_, 20, 20);
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.count() >= 40; }));
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  EXPECT_TRUE(consumer->status().connected);
  EXPECT_EQ(consumer->status().events_applied, 20);  // counters since this start
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 40)));
}

TEST_F(StreamConsumerTest, TwoConsumersShareTheStreamAndClaimADeadOnesEntries) {
  // "dead" read 20 entries and died without acknowledging them.
  AddEvents(*redis_, key_, 0, 20);
  auto dead = RedisStreamClient::Open(TestAddress(port_, key_, "dead"), 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_TRUE((*dead)->EnsureGroup().ok());
  ASSERT_EQ((*dead)->ReadNew(20)->size(), 20u);
  dead->reset();

  RecordingSink sink_a, sink_b;
  ConsumerOptions options_a = Options("a"), options_b = Options("b");
  for (ConsumerOptions* o : {&options_a, &options_b}) {
    o->claim_idle_ms = 1000;
    o->claim_interval_ms = 100;
  }
  auto a = Make(options_a, &sink_a);
  auto b = Make(options_b, &sink_b);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(b->Start().ok());
  AddEvents(*redis_, key_, 20, 300);
  ASSERT_TRUE(WaitFor([&] { return sink_a.count() + sink_b.count() >= 320; }));
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  a->Stop();
  b->Stop();
  const std::vector<int64_t> seen_a = sink_a.seen(), seen_b = sink_b.seen();
  std::vector<int64_t> both;
  std::set_intersection(seen_a.begin(), seen_a.end(), seen_b.begin(), seen_b.end(),
                        std::back_inserter(both));
  EXPECT_THAT(both, IsEmpty());
  std::vector<int64_t> all;
  std::merge(seen_a.begin(), seen_a.end(), seen_b.begin(), seen_b.end(), std::back_inserter(all));
  EXPECT_THAT(all, ElementsAreArray(Range(0, 320)));
  EXPECT_FALSE(seen_a.empty());
  EXPECT_FALSE(seen_b.empty());
  EXPECT_EQ(a->status().entries_claimed + b->status().entries_claimed, 20);
  EXPECT_EQ(a->status().entries_read + b->status().entries_read, 320);
}

TEST_F(StreamConsumerTest, AConsumerWhoseSinkKeepsFailingHasItsEntriesClaimed) {
  RecordingSink broken, working;
  broken.fail = true;
  ConsumerOptions stuck = Options("stuck");
  stuck.queue_batches = 2;
  auto a = Make(stuck, &broken);
  ASSERT_TRUE(a->Start().ok());
  AddEvents(*redis_, key_, 0, 20);
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_, "tessera", "stuck").size() == 20; }));
  ConsumerOptions rescuer = Options("rescuer");
  rescuer.claim_idle_ms = 300;
  rescuer.claim_interval_ms = 50;
  auto b = Make(rescuer, &working);
  ASSERT_TRUE(b->Start().ok());
  AddEvents(*redis_, key_, 20, 20);
  ASSERT_TRUE(WaitFor([&] { return working.count() >= 40; }));
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  a->Stop();  // gives up its failing batch: nothing of it was applied
  b->Stop();
  EXPECT_THAT(working.seen(), ElementsAreArray(Range(0, 40)));
  EXPECT_THAT(broken.seen(), IsEmpty());
  EXPECT_EQ(b->status().entries_claimed, 20);
}

// A consumer's own entries idle at the gate or in its queue are claimed by
// its own XAUTOCLAIM too; being held already, they are not queued again.
TEST_F(StreamConsumerTest, HeldEntriesClaimedBackAreNotQueuedTwice) {
  RecordingSink sink;
  sink.CloseGate();
  ConsumerOptions options = Options();
  options.claim_idle_ms = 50;
  options.claim_interval_ms = 20;
  auto consumer = Make(options, &sink);
  ASSERT_TRUE(consumer->Start().ok());
  const std::vector<std::string> gated = AddEvents(*redis_, key_, 0, 10);
  ASSERT_TRUE(WaitFor([&] { return sink.waiting() == 1; }));
  const std::vector<std::string> queued = AddEvents(*redis_, key_, 10, 10);  // room for 2 more
  ASSERT_TRUE(WaitFor([&] { return consumer->status().entries_read == 20; }));
  // Claimed (delivered again) while held.
  ASSERT_TRUE(WaitFor([&] {
    return DeliveryCount(port_, key_, gated.back()) >= 3 &&
           DeliveryCount(port_, key_, queued.back()) >= 3;
  }));
  sink.OpenGate();
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty(); }));
  consumer->Stop();
  EXPECT_THAT(sink.seen(), ElementsAreArray(Range(0, 20)));
  EXPECT_EQ(consumer->status().entries_read, 20);
  EXPECT_EQ(consumer->status().entries_claimed, 0);
}

TEST_F(StreamConsumerTest, StatusGivesLagAndFreshness) {
  constexpr int64_t kNowMillis = 1700000000000;
  FixedClockEnv clock(kNowMillis * 1000);
  RecordingSink sink;
  sink.CloseGate();
  ConsumerOptions options = Options();
  options.batch_size = 5;
  options.queue_batches = 1;
  options.env = &clock;
  // Entries 3 s old by their ids; events 7 ms old by their time.
  for (int i = 1; i <= 20; ++i) {
    redis_->Run({"XADD", key_, std::to_string(kNowMillis - 3000) + "-" + std::to_string(i),
                 "user_id", std::to_string(i), "ts", FormatTimestamp(kNowMillis * 1000 - 7000)});
  }
  auto consumer = Make(options, &sink);
  ASSERT_TRUE(consumer->Start().ok());
  // 5 read and held at the gate, 15 not delivered.
  ASSERT_TRUE(WaitFor([&] { return consumer->status().lag_entries == 15; }));
  EXPECT_EQ(consumer->status().lag_seconds, 3.0);
  sink.OpenGate();
  ASSERT_TRUE(WaitFor([&] { return PendingIds(port_, key_).empty() && sink.count() == 20; }));
  ASSERT_TRUE(WaitFor([&] { return consumer->status().lag_entries == 0; }));
  consumer->Stop();
  const StreamStatus status = consumer->status();
  EXPECT_EQ(status.lag_seconds, 0);
  std::vector<int64_t> expected(kFreshnessBuckets, 0);
  expected[3] = 20;  // 7 ms: the (5, 10] bucket
  EXPECT_EQ(status.freshness_counts, expected);
  EXPECT_DOUBLE_EQ(status.freshness_sum_seconds, 20 * 0.007);
}

TEST(FreshnessTest, BucketsByUpperBoundInMilliseconds) {
  EXPECT_EQ(FreshnessBucket(-5), 0u);
  EXPECT_EQ(FreshnessBucket(0), 0u);
  EXPECT_EQ(FreshnessBucket(1000), 0u);
  EXPECT_EQ(FreshnessBucket(1001), 1u);
  EXPECT_EQ(FreshnessBucket(60000000), kFreshnessBuckets - 2);
  EXPECT_EQ(FreshnessBucket(60000001), kFreshnessBuckets - 1);
}

TEST_F(StreamConsumerTest, StartFailsWhenRedisIsUnreachable) {
  const int port = testing::FreeLoopbackPort();
  RecordingSink sink;
  StreamConsumer consumer(TestConsumerOptions(port, "s", "c"), TestConverter(), &sink);
  const Status started = consumer.Start();
  EXPECT_EQ(started.code(), StatusCode::kUnavailable);
  EXPECT_EQ(started.message(),
            "redis 127.0.0.1:" + std::to_string(port) + ": cannot connect: Connection refused");
  EXPECT_FALSE(consumer.status().connected);
  consumer.Stop();
}

}  // namespace
}  // namespace tessera::stream
