// CandidateStore: the value columns of the view rows that are candidates
// of a point-in-time join (join_candidate.h), under a memory budget.
//
// Input batches are kept whole as "chunks" (no copy) while at least one of
// their rows is a live candidate; the caller reports how many live
// candidates each chunk gains and loses, and a chunk that drops to none is
// released. When the chunks held exceed the budget, Collect first copies
// the live rows of the mostly dead chunks (fewer live rows than half their
// rows) into one new chunk and re-points the candidates at it; if that is
// not enough, it spills the largest chunks, whole, to Parquet files in a
// folder of its own under `spill_dir`, and drops them from memory. Finish
// reads the spilled chunks back one at a time, keeping only their live
// rows. Live rows are at most one per spine slot, so what stays in memory
// at the end is never more rows than the spine.
//
// Ownership: owns its chunks and its spill folder (removed, with every file
// in it, by the destructor). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/offline/join_candidate.h"

namespace tessera::offline {

class CandidateStore {
 public:
  CandidateStore(SchemaPtr schema, int64_t budget_bytes, std::string spill_dir, Env* env,
                 int num_threads);
  ~CandidateStore();
  CandidateStore(const CandidateStore&) = delete;
  CandidateStore& operator=(const CandidateStore&) = delete;

  // Keeps `values` (of the store's schema) as a new chunk without live
  // rows; returns its number.
  uint32_t Add(RecordBatchPtr values);
  // Adds `delta` live candidates to chunk `chunk`.
  void AddLive(uint32_t chunk, int64_t delta) { live_[chunk] += delta; }
  int64_t num_chunks() const { return static_cast<int64_t>(chunks_.size()); }

  // Releases chunks without live rows; compacts (and maybe spills) when
  // the chunks in memory exceed the budget, re-pointing `candidates`.
  Status Collect(std::vector<JoinCandidate>* candidates);
  // Brings every spilled live row back into memory (re-pointing
  // `candidates`); afterwards chunks() holds every referenced chunk.
  Status Finish(std::vector<JoinCandidate>* candidates);
  const std::vector<RecordBatchPtr>& chunks() const { return chunks_; }
  // Spill files written so far (for tests and docs).
  int64_t num_spills() const { return num_spills_; }

 private:
  // Copies the live rows of the `selected` chunks into one new chunk.
  Status Compact(std::vector<JoinCandidate>* candidates, const std::vector<bool>& selected);
  Status Spill(uint32_t chunk);
  Result<std::string> SpillFolder();
  void Release(uint32_t chunk);

  SchemaPtr schema_;
  int64_t budget_;
  std::string spill_root_;
  std::string spill_folder_;  // created on the first spill
  Env* env_;
  int num_threads_;
  std::vector<RecordBatchPtr> chunks_;   // null once released or spilled
  std::vector<int64_t> live_;            // live candidates per chunk
  std::vector<int64_t> bytes_;           // per chunk in memory
  std::vector<std::string> spill_path_;  // per chunk: its spill file, or ""
  int64_t bytes_in_memory_ = 0;
  int64_t num_spills_ = 0;
};

}  // namespace tessera::offline
