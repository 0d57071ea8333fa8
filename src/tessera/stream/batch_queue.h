// BatchQueue: the bounded queue between a StreamConsumer's reader and its
// applier (docs/STREAMS.md, "Consumer").
//
// A batch counts against the bound from Push until the applier Releases it
// (after acknowledging it or giving up at stop), so the entries this
// consumer holds unacknowledged are at most capacity batches: the reader
// waits for room before it reads. The queue also knows every id it holds,
// so a re-read of pending entries or a claim does not queue an entry twice.
//
// Thread-safety: all methods may be called from any thread; one reader
// (WaitForRoom, Push) and one applier (TakeGroup, Release) is the use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "tessera/stream/entry_rows.h"

namespace tessera::stream {

struct QueuedBatch {
  std::vector<std::string> ids;  // every entry's id, good and rejected: to acknowledge
  EntryRows rows;                // the converted entries
  int64_t good_rows() const { return rows.rows == nullptr ? 0 : rows.rows->num_rows(); }
};

class BatchQueue {
 public:
  explicit BatchQueue(int capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // Waits up to `timeout` for room for one more batch; false when there is
  // none yet or the queue is closed.
  bool WaitForRoom(std::chrono::milliseconds timeout);
  // Queues `batch` (the caller saw room; a full queue takes it anyway).
  void Push(QueuedBatch batch);
  // Waits for a queued batch, then takes queued batches in order while
  // their good rows total at most `max_rows` (at least one batch). Empty
  // once the queue is closed.
  std::vector<QueuedBatch> TakeGroup(int64_t max_rows);
  // The applier is done with `group` (taken by TakeGroup): frees its room.
  void Release(const std::vector<QueuedBatch>& group);
  // Wakes every waiter; queued batches are dropped (their entries stay
  // pending in Redis). Returns how many were dropped.
  int Close();

  // A scan (a re-read of pending entries, a claim) may return an entry the
  // applier acknowledges and releases before the reader asks Holds: between
  // BeginScan and EndScan, Holds stays true for the ids released meanwhile.
  void BeginScan();
  void EndScan();
  // True when the entry `id` is queued or being applied (or was released
  // since BeginScan).
  bool Holds(const std::string& id) const;
  // Batches queued and not yet taken by the applier.
  int64_t queued() const;

 private:
  const int capacity_;
  mutable std::mutex mu_;
  std::condition_variable room_;
  std::condition_variable ready_;
  std::deque<QueuedBatch> queue_;
  int held_ = 0;  // queued + being applied
  std::unordered_set<std::string> ids_;
  bool scanning_ = false;
  std::unordered_set<std::string> released_in_scan_;
  bool closed_ = false;
};

}  // namespace tessera::stream
