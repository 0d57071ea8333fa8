#include "tessera/stream/stream_reader.h"

#include <algorithm>

namespace tessera::stream {

namespace {

constexpr std::chrono::seconds kLagInterval{1};

// Entry ids compare as (milliseconds, sequence); text that is no id sorts
// first.
bool IdLess(const std::string& a, const std::string& b) {
  int64_t ma = -1;
  int64_t mb = -1;
  EntryIdMillis(a, &ma);
  EntryIdMillis(b, &mb);
  if (ma != mb) return ma < mb;
  const std::string sa = a.substr(a.find('-') + 1);
  const std::string sb = b.substr(b.find('-') + 1);
  return sa.size() != sb.size() ? sa.size() < sb.size() : sa < sb;
}

// Holds a scan of the queue open (BatchQueue::BeginScan) for its lifetime.
class ScanScope {
 public:
  explicit ScanScope(BatchQueue* queue) : queue_(queue) { queue_->BeginScan(); }
  ~ScanScope() { queue_->EndScan(); }
  ScanScope(const ScanScope&) = delete;
  ScanScope& operator=(const ScanScope&) = delete;

 private:
  BatchQueue* queue_;
};

}  // namespace

StreamReader::StreamReader(ConsumerShared* shared, std::unique_ptr<RedisStreamClient> client)
    : shared_(shared), client_(std::move(client)) {
  next_claim_ = Clock::now() + std::chrono::milliseconds(shared_->options.claim_interval_ms);
  next_lag_ = Clock::now();
}

void StreamReader::Run() {
  while (!shared_->stop.stopping()) {
    Status status = Step();
    if (status.ok()) {
      backoff_.Reset();
      continue;
    }
    if (status.message().starts_with("redis ")) {
      shared_->outage.Failed(status);
    } else {  // not Redis: the converter (out of memory)
      shared_->Log(shared_->describe + ": reading failed: " + status.message() + "; retrying");
    }
    // Entries of a reply lost on the way are pending for this consumer.
    resume_pending_ = true;
    pending_after_ = "0";
    shared_->stop.SleepFor(backoff_.Next());
  }
}

Status StreamReader::Step() {
  if (Clock::now() >= next_lag_) TS_RETURN_NOT_OK(RefreshLag());
  const auto wait = std::chrono::milliseconds(std::max<int64_t>(shared_->options.block_ms, 1));
  if (!shared_->queue.WaitForRoom(wait)) return Status::OK();  // full (or stopping)
  if (resume_pending_) return ReadPendingPage();
  if (claiming_ || Clock::now() >= next_claim_) return ClaimPage();
  return ReadNew();
}

Status StreamReader::RefreshLag() {
  TS_ASSIGN_OR_RETURN(GroupInfo info, client_->Info());
  shared_->outage.Succeeded();
  next_lag_ = Clock::now() + kLagInterval;
  const int64_t now_millis = shared_->options.env->NowMicros() / 1000;
  double lag_seconds = 0;
  if (info.oldest_undelivered_millis > 0) {
    lag_seconds = std::max<double>(
        0, static_cast<double>(now_millis - info.oldest_undelivered_millis) / 1000);
  }
  shared_->board.Update([&](StreamStatus& s) {
    s.lag_entries = info.lag;
    s.lag_seconds = lag_seconds;
  });
  return Status::OK();
}

Status StreamReader::ReadPendingPage() {
  std::vector<std::string> deleted;
  ScanScope scan(&shared_->queue);
  TS_ASSIGN_OR_RETURN(std::vector<StreamEntry> entries,
                      client_->ReadPending(pending_after_, shared_->options.batch_size, &deleted));
  shared_->outage.Succeeded();
  if (entries.empty() && deleted.empty()) {  // every pending entry re-read
    resume_pending_ = false;
    pending_after_ = "0";
    return Status::OK();
  }
  for (const std::string* id : {entries.empty() ? nullptr : &entries.back().id,
                                deleted.empty() ? nullptr : &deleted.back()}) {
    if (id != nullptr && IdLess(pending_after_, *id)) pending_after_ = *id;
  }
  TS_RETURN_NOT_OK(client_->Ack(deleted));  // gone from the stream: nothing to apply
  return Queue(std::move(entries), /*claimed=*/false);
}

Status StreamReader::ClaimPage() {
  ScanScope scan(&shared_->queue);
  TS_ASSIGN_OR_RETURN(ClaimResult claim,
                      client_->AutoClaim(shared_->options.claim_idle_ms, claim_start_,
                                         shared_->options.batch_size));
  shared_->outage.Succeeded();
  claim_start_ = claim.next_start;
  claiming_ = claim_start_ != "0-0";
  if (!claiming_) {
    next_claim_ = Clock::now() + std::chrono::milliseconds(shared_->options.claim_interval_ms);
  }
  TS_RETURN_NOT_OK(client_->Ack(claim.deleted));
  return Queue(std::move(claim.entries), /*claimed=*/true);
}

Status StreamReader::ReadNew() {
  TS_ASSIGN_OR_RETURN(std::vector<StreamEntry> entries,
                      client_->ReadNew(shared_->options.batch_size));
  shared_->outage.Succeeded();
  return Queue(std::move(entries), /*claimed=*/false);
}

Status StreamReader::Queue(std::vector<StreamEntry> entries, bool claimed) {
  std::erase_if(entries, [&](const StreamEntry& e) { return shared_->queue.Holds(e.id); });
  if (entries.empty()) return Status::OK();
  QueuedBatch batch;
  TS_ASSIGN_OR_RETURN(batch.rows, shared_->converter.Convert(entries));
  batch.ids.reserve(entries.size());
  for (StreamEntry& e : entries) batch.ids.push_back(std::move(e.id));
  const auto n = static_cast<int64_t>(batch.ids.size());
  shared_->queue.Push(std::move(batch));
  shared_->board.Update([&](StreamStatus& s) {
    s.entries_read += n;
    if (claimed) s.entries_claimed += n;
  });
  return Status::OK();
}

}  // namespace tessera::stream
