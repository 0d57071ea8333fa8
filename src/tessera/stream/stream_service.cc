#include "tessera/stream/stream_service.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "tessera/core/suggest.h"
#include "tessera/online/redis/redis_options.h"
#include "tessera/stream/stream_status.h"

namespace tessera::stream {
namespace {

// Pushes a consumer's rows to its source, online and offline (the log first).
class PushSink final : public EventSink {
 public:
  PushSink(FeatureStore* store, std::string source) : store_(store), source_(std::move(source)) {}

  Result<SinkOutcome> Apply(const RecordBatch& rows) override {
    // Push reads the rows only during the call: a non-owning pointer.
    std::shared_ptr<const RecordBatch> view(std::shared_ptr<const RecordBatch>(), &rows);
    TS_ASSIGN_OR_RETURN(PushSummary summary,
                        store_->Push(source_, std::move(view), PushTarget::kOnlineAndOffline));
    SinkOutcome outcome;
    outcome.applied = summary.rows - summary.duplicates_dropped;
    outcome.too_old = summary.window_events_too_old;
    outcome.duplicates = summary.duplicates_dropped;
    return outcome;
  }

 private:
  FeatureStore* store_;
  std::string source_;
};

// The streamed sources options.sources names (all when it names none).
Result<std::vector<StreamedSource>> Selected(const std::vector<StreamedSource>& streamed,
                                             const std::vector<std::string>& wanted) {
  if (streamed.empty()) {
    return Status::NotFound(
        "no applied push source has a stream: add `stream: {type: redis, url: ..., key: ...}` "
        "to a push source and run tessera apply (docs/STREAMS.md)");
  }
  std::vector<std::string> names;
  for (const StreamedSource& s : streamed) names.push_back(s.source);
  std::vector<StreamedSource> out;
  for (const std::string& name : wanted) {
    if (name.empty()) continue;
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      return Status::NotFound("push source '" + name + "' has no stream" + DidYouMean(name, names));
    }
    out.push_back(streamed[it - names.begin()]);
  }
  return out.empty() ? streamed : out;
}

}  // namespace

std::string DefaultConsumerName() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') return "tessera";
  return std::string("tessera-") + host;
}

Result<StreamAddress> AddressOf(const StreamedSource& source, const std::string& consumer) {
  if (source.type != "redis") {
    return Status::Invalid("source '" + source.source + "': stream type '" + source.type +
                           "' is not supported (supported: redis)");
  }
  StreamAddress address;
  Status parsed = online::redis::ParseRedisUrl(source.url, &address.redis);
  if (!parsed.ok()) {
    return Status::Invalid("source '" + source.source + "': stream " + parsed.message());
  }
  address.redis.pool_size = 1;
  address.key = source.key;
  address.group = source.group.empty() ? "tessera" : source.group;
  address.consumer = consumer.empty() ? DefaultConsumerName() : consumer;
  return address;
}

struct StreamService::Running {
  std::string source;
  std::unique_ptr<PushSink> sink;
  std::unique_ptr<StreamConsumer> consumer;
};

Result<std::unique_ptr<StreamService>> StreamService::Start(FeatureStore* store,
                                                            const StreamServiceOptions& options) {
  TS_ASSIGN_OR_RETURN(std::vector<StreamedSource> streamed, store->StreamedSources());
  TS_ASSIGN_OR_RETURN(std::vector<StreamedSource> selected, Selected(streamed, options.sources));
  std::unique_ptr<StreamService> service(new StreamService());
  service->options_ = options;
  service->consumer_ = options.consumer.empty() ? DefaultConsumerName() : options.consumer;
  for (const StreamedSource& source : selected) {
    TS_ASSIGN_OR_RETURN(StreamAddress address, AddressOf(source, options.consumer));
    TS_ASSIGN_OR_RETURN(PushContract contract, store->GetPushContract(source.source));
    TS_ASSIGN_OR_RETURN(
        EntryConverter converter,
        EntryConverter::Make(contract.schema, contract.required, contract.timestamp_column));
    ConsumerOptions consumer_options;
    consumer_options.address = std::move(address);
    consumer_options.source = source.source;
    consumer_options.batch_size = options.batch_size;
    consumer_options.queue_batches = options.queue_batches;
    consumer_options.max_apply_rows = options.max_apply_rows;
    consumer_options.min_commit_interval_ms = options.min_commit_interval_ms;
    consumer_options.block_ms = options.block_ms;
    consumer_options.claim_idle_ms = options.claim_idle_ms;
    consumer_options.claim_interval_ms = options.claim_interval_ms;
    consumer_options.log = options.log;
    auto running = std::make_unique<Running>();
    running->source = source.source;
    running->sink = std::make_unique<PushSink>(store, source.source);
    running->consumer = std::make_unique<StreamConsumer>(std::move(consumer_options),
                                                         std::move(converter), running->sink.get());
    TS_RETURN_NOT_OK(running->consumer->Start());  // the service's destructor stops the others
    service->running_.push_back(std::move(running));
  }
  service->store_ = store;
  if (!options.status_dir.empty()) TS_RETURN_NOT_OK(service->WriteStatus());
  service->maintainer_ = std::thread([s = service.get()] { s->MaintainLoop(); });
  return service;
}

StreamService::~StreamService() { Stop(); }

void StreamService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (maintainer_.joinable()) maintainer_.join();
  for (auto& running : running_) running->consumer->Stop();
  if (!options_.status_dir.empty()) (void)WriteStatus();  // the final counters
}

void StreamService::MaintainLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    lock.unlock();
    if (!options_.status_dir.empty()) {
      Status written = WriteStatus();
      if (!written.ok() && options_.log) {
        options_.log("stream status file: " + written.message());
      }
    }
    if (options_.compact_logs) CompactLogs();
    lock.lock();
  }
}

void StreamService::CompactLogs() {
  for (const auto& running : running_) {
    Result<CompactedLog> compacted = store_->CompactLogIfNeeded(running->source);
    if (!compacted.ok() && options_.log) {
      // Not fatal: the log stays correct, only with more small parts.
      options_.log("background compaction of the log of " + running->source + ": " +
                   compacted.status().message());
    }
  }
}

Status StreamService::WriteStatus() const {
  return WriteStatusFile(options_.env, options_.status_dir, consumer_, getpid(), Statuses());
}

std::vector<StreamStatus> StreamService::Statuses() const {
  std::vector<StreamStatus> out;
  for (const auto& running : running_) out.push_back(running->consumer->status());
  return out;
}

}  // namespace tessera::stream
