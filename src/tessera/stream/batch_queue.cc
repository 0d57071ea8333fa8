#include "tessera/stream/batch_queue.h"

namespace tessera::stream {

bool BatchQueue::WaitForRoom(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return room_.wait_for(lock, timeout, [this] { return closed_ || held_ < capacity_; }) && !closed_;
}

void BatchQueue::Push(QueuedBatch batch) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    ids_.insert(batch.ids.begin(), batch.ids.end());
    queue_.push_back(std::move(batch));
    ++held_;
  }
  ready_.notify_one();
}

std::vector<QueuedBatch> BatchQueue::TakeGroup(int64_t max_rows) {
  std::unique_lock lock(mu_);
  ready_.wait(lock, [this] { return closed_ || !queue_.empty(); });
  std::vector<QueuedBatch> group;
  if (closed_) return group;
  int64_t rows = 0;
  while (!queue_.empty() && (group.empty() || rows + queue_.front().good_rows() <= max_rows)) {
    rows += queue_.front().good_rows();
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return group;
}

void BatchQueue::Release(const std::vector<QueuedBatch>& group) {
  {
    std::lock_guard lock(mu_);
    for (const QueuedBatch& batch : group) {
      for (const std::string& id : batch.ids) {
        ids_.erase(id);
        if (scanning_) released_in_scan_.insert(id);
      }
    }
    held_ -= static_cast<int>(group.size());
  }
  room_.notify_all();
}

int BatchQueue::Close() {
  int dropped;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    dropped = static_cast<int>(queue_.size());
    for (const QueuedBatch& batch : queue_) {
      for (const std::string& id : batch.ids) ids_.erase(id);
    }
    held_ -= dropped;
    queue_.clear();
  }
  room_.notify_all();
  ready_.notify_all();
  return dropped;
}

void BatchQueue::BeginScan() {
  std::lock_guard lock(mu_);
  scanning_ = true;
}

void BatchQueue::EndScan() {
  std::lock_guard lock(mu_);
  scanning_ = false;
  released_in_scan_.clear();
}

bool BatchQueue::Holds(const std::string& id) const {
  std::lock_guard lock(mu_);
  return ids_.contains(id) || released_in_scan_.contains(id);
}

int64_t BatchQueue::queued() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(queue_.size());
}

}  // namespace tessera::stream
