// Shared pieces of the stream tests: a push source's schema and converter,
// stream addresses on a test server, XADD of numbered events, raw reads of
// a stream and of its pending entries, a recording EventSink that can fail,
// be slow or block, and a log capture.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/time.h"
#include "tessera/stream/stream_consumer.h"
#include "tests/online/redis_test_util.h"

namespace tessera::stream {

using online::redis::RawRedis;
using testing::RedisServer;

// user_id int64 (the key), ts timestamp, amount double, event_id string.
inline SchemaPtr TestSchema() {
  return *Schema::Make({{"user_id", DataType::Int64()},
                        {"ts", DataType::Timestamp()},
                        {"amount", DataType::Double()},
                        {"event_id", DataType::String()}});
}

inline EntryConverter TestConverter() {
  return *EntryConverter::Make(TestSchema(), {"user_id", "ts"}, "ts");
}

inline StreamAddress TestAddress(int port, const std::string& key, const std::string& consumer,
                                 const std::string& group = "tessera") {
  StreamAddress address;
  address.redis = online::redis::TestOptions(port);
  address.key = key;
  address.group = group;
  address.consumer = consumer;
  return address;
}

inline ConsumerOptions TestConsumerOptions(int port, const std::string& key,
                                           const std::string& consumer) {
  ConsumerOptions options;
  options.address = TestAddress(port, key, consumer);
  options.source = "tx";
  options.batch_size = 10;
  options.queue_batches = 4;
  options.block_ms = 50;
  options.claim_idle_ms = 60000;
  options.claim_interval_ms = 100;
  return options;
}

inline std::string EventTime(int i) { return FormatTimestamp(1709294400000000 + i * 1000000LL); }

// XADD <key> * user_id <i> ts <...> amount <i/2> for i in [first, first+n),
// all at once (one script: a reader sees all of them or none, so its
// batches are full); the entry ids in order.
inline std::vector<std::string> AddEvents(RawRedis& redis, const std::string& key, int first,
                                          int n) {
  std::vector<std::string> args = {
      "EVAL",
      "local ids = {} "
      "for j = 1, #ARGV, 3 do "
      "ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'user_id', ARGV[j], 'ts', ARGV[j + 1], "
      "'amount', ARGV[j + 2]) "
      "end "
      "return ids",
      "1", key};
  for (int i = first; i < first + n; ++i) {
    args.insert(args.end(), {std::to_string(i), EventTime(i), std::to_string(i / 2.0)});
  }
  const std::string joined = redis.Run(args);
  std::vector<std::string> ids;
  for (size_t start = 0; start < joined.size();) {
    const size_t bar = std::min(joined.find('|', start), joined.size());
    ids.push_back(joined.substr(start, bar - start));
    start = bar + 1;
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(n)) << joined;
  return ids;
}

// [first, first+n) as the sink should see them.
inline std::vector<int64_t> Range(int64_t first, int64_t n) {
  std::vector<int64_t> all;
  for (int64_t i = first; i < first + n; ++i) all.push_back(i);
  return all;
}

// One hiredis command on a fresh connection; nullptr when the server is down.
inline std::unique_ptr<redisReply, online::redis::ReplyDeleter> Raw(
    int port, const std::vector<std::string>& args) {
  redisContext* c = redisConnect("127.0.0.1", port);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisReply* reply = nullptr;
  if (c != nullptr && c->err == 0) {
    reply = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
  }
  redisFree(c);
  return std::unique_ptr<redisReply, online::redis::ReplyDeleter>(reply);
}

// The entries of `key` (XRANGE - +).
inline std::vector<StreamEntry> ReadStream(int port, const std::string& key) {
  std::vector<StreamEntry> out;
  auto reply = Raw(port, {"XRANGE", key, "-", "+"});
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return out;
  for (size_t i = 0; i < reply->elements; ++i) {
    const redisReply* e = reply->element[i];
    StreamEntry entry{e->element[0]->str, {}};
    const redisReply* f = e->element[1];
    for (size_t j = 0; j + 1 < f->elements; j += 2) {
      entry.fields.emplace_back(f->element[j]->str, f->element[j + 1]->str);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

// The ids pending in `group` (for `consumer`, or every consumer when empty).
inline std::vector<std::string> PendingIds(int port, const std::string& key,
                                           const std::string& group = "tessera",
                                           const std::string& consumer = "") {
  std::vector<std::string> args = {"XPENDING", key, group, "-", "+", "1000000"};
  if (!consumer.empty()) args.push_back(consumer);
  std::vector<std::string> ids;
  auto reply = Raw(port, args);
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return ids;
  for (size_t i = 0; i < reply->elements; ++i) ids.push_back(reply->element[i]->element[0]->str);
  return ids;
}

// How many times the pending entry `id` was delivered (XPENDING's count,
// which a claim raises); 0 when it is not pending.
inline int64_t DeliveryCount(int port, const std::string& key, const std::string& id,
                             const std::string& group = "tessera") {
  auto reply = Raw(port, {"XPENDING", key, group, id, id, "1"});
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) return 0;
  return reply->element[0]->element[3]->integer;
}

// Polls `done` every few milliseconds for up to 20 s.
inline bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Records the user_id of every applied row; can fail, be slow or block.
class RecordingSink : public EventSink {
 public:
  Result<SinkOutcome> Apply(const RecordBatch& rows) override {
    {
      std::unique_lock lock(mu_);
      ++waiting_;
      // Bounded, so a failed test cannot hang its consumer's Stop.
      gate_cv_.wait_for(lock, std::chrono::seconds(30), [this] { return gate_open_; });
      --waiting_;
    }
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    if (fail) {
      ++failures;
      return Status::IOError("sink down");
    }
    const ArrayPtr& users = rows.GetColumnByName("user_id");
    std::lock_guard lock(mu_);
    for (int64_t i = 0; i < rows.num_rows(); ++i) seen_.push_back(users->values<int64_t>()[i]);
    apply_sizes_.push_back(rows.num_rows());
    SinkOutcome outcome;
    outcome.applied = rows.num_rows();
    return outcome;
  }

  // Apply blocks until OpenGate.
  void CloseGate() {
    std::lock_guard lock(mu_);
    gate_open_ = false;
  }
  void OpenGate() {
    {
      std::lock_guard lock(mu_);
      gate_open_ = true;
    }
    gate_cv_.notify_all();
  }
  // Applies waiting at the closed gate.
  int waiting() const {
    std::lock_guard lock(mu_);
    return waiting_;
  }
  // The user ids applied, sorted.
  std::vector<int64_t> seen() const {
    std::lock_guard lock(mu_);
    std::vector<int64_t> sorted = seen_;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return seen_.size();
  }
  std::vector<int64_t> apply_sizes() const {
    std::lock_guard lock(mu_);
    return apply_sizes_;
  }

  std::atomic<bool> fail{false};
  std::atomic<int> failures{0};
  std::atomic<int> delay_ms{0};

 private:
  mutable std::mutex mu_;
  std::condition_variable gate_cv_;
  bool gate_open_ = true;
  int waiting_ = 0;
  std::vector<int64_t> seen_;
  std::vector<int64_t> apply_sizes_;
};

// Collects a consumer's messages.
class LogCapture {
 public:
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  // The lines containing `text`.
  std::vector<std::string> Matching(const std::string& text) const {
    std::vector<std::string> out;
    for (const std::string& line : lines()) {
      if (line.find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// An Env whose clock says `now`.
class FixedClockEnv : public EnvWrapper {
 public:
  explicit FixedClockEnv(int64_t now) : EnvWrapper(Env::Default()), now_(now) {}
  int64_t NowMicros() override { return now_; }

 private:
  int64_t now_;
};

}  // namespace tessera::stream
