#include "tessera/offline/candidate_store.h"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::offline {

namespace {

// Rows per row group of a spill file: about 64 MiB of values each, so no
// column chunk comes near the reader's 2 GiB limit.
int64_t SpillRowGroupRows(const RecordBatch& batch) {
  int64_t bytes_per_row = BatchBytes(batch) / std::max<int64_t>(1, batch.num_rows()) + 1;
  return std::max<int64_t>(1024, (int64_t{64} << 20) / bytes_per_row);
}

std::string RandomSuffix() {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 12; ++i) s.push_back(kHex[rd() % 16]);
  return s;
}

}  // namespace

CandidateStore::CandidateStore(SchemaPtr schema, int64_t budget_bytes, std::string spill_dir,
                               Env* env, int num_threads)
    : schema_(std::move(schema)),
      budget_(budget_bytes),
      spill_root_(std::move(spill_dir)),
      env_(env),
      num_threads_(num_threads) {}

CandidateStore::~CandidateStore() {
  for (const std::string& path : spill_path_) {
    if (!path.empty()) (void)env_->RemoveFile(path);
  }
  if (!spill_folder_.empty()) (void)env_->RemoveDir(spill_folder_);
}

uint32_t CandidateStore::Add(RecordBatchPtr values) {
  int64_t bytes = BatchBytes(*values);
  chunks_.push_back(std::move(values));
  live_.push_back(0);
  bytes_.push_back(bytes);
  spill_path_.emplace_back();
  bytes_in_memory_ += bytes;
  return static_cast<uint32_t>(chunks_.size() - 1);
}

void CandidateStore::Release(uint32_t chunk) {
  if (chunks_[chunk] == nullptr) return;
  chunks_[chunk].reset();
  bytes_in_memory_ -= bytes_[chunk];
  bytes_[chunk] = 0;
}

Status CandidateStore::Collect(std::vector<JoinCandidate>* candidates) {
  for (uint32_t c = 0; c < chunks_.size(); ++c) {
    if (live_[c] == 0) Release(c);
  }
  if (bytes_in_memory_ <= budget_) return Status::OK();
  // Mostly dead chunks are copied together (their live rows only); mostly
  // live ones would gain little and stay as they are.
  std::vector<bool> selected(chunks_.size(), false);
  int64_t selected_bytes = 0;
  for (uint32_t c = 0; c < chunks_.size(); ++c) {
    if (chunks_[c] != nullptr && live_[c] * 2 < chunks_[c]->num_rows()) {
      selected[c] = true;
      selected_bytes += bytes_[c];
    }
  }
  if (selected_bytes > 0) TS_RETURN_NOT_OK(Compact(candidates, selected));
  // Still over: the largest chunks go to disk.
  while (bytes_in_memory_ > budget_) {
    uint32_t largest = 0;
    for (uint32_t c = 1; c < chunks_.size(); ++c) {
      if (bytes_[c] > bytes_[largest]) largest = c;
    }
    if (bytes_[largest] == 0) break;
    TS_RETURN_NOT_OK(Spill(largest));
  }
  return Status::OK();
}

Status CandidateStore::Compact(std::vector<JoinCandidate>* candidates,
                               const std::vector<bool>& selected) {
  std::vector<RowRef> refs;
  std::vector<size_t> slots;
  for (size_t s = 0; s < candidates->size(); ++s) {
    const JoinCandidate& cand = (*candidates)[s];
    if (!cand.empty() && cand.ref.chunk < selected.size() && selected[cand.ref.chunk]) {
      refs.push_back(cand.ref);
      slots.push_back(s);
    }
  }
  TS_ASSIGN_OR_RETURN(RecordBatchPtr compacted, TakeRows(schema_, chunks_, refs, num_threads_));
  for (uint32_t c = 0; c < selected.size(); ++c) {
    if (selected[c]) {
      live_[c] = 0;
      Release(c);
    }
  }
  uint32_t chunk = Add(std::move(compacted));
  live_[chunk] = static_cast<int64_t>(refs.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    (*candidates)[slots[i]].ref = RowRef{chunk, static_cast<uint32_t>(i)};
  }
  return Status::OK();
}

Result<std::string> CandidateStore::SpillFolder() {
  if (!spill_folder_.empty()) return spill_folder_;
  std::string root = spill_root_;
  if (root.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    root = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  for (int attempt = 0;; ++attempt) {
    std::string folder = root + "/tessera-pit-" + RandomSuffix();
    Status st = env_->CreateDir(folder);
    if (st.ok()) {
      spill_folder_ = folder;
      return folder;
    }
    if (!st.IsAlreadyExists() || attempt >= 10) {
      return st.WithContext("point-in-time join: cannot make a spill folder under " + root);
    }
  }
}

Status CandidateStore::Spill(uint32_t chunk) {
  TS_ASSIGN_OR_RETURN(std::string folder, SpillFolder());
  std::string path = folder + "/chunk-" + std::to_string(chunk) + ".parquet";
  parquet::WriteOptions options;
  options.codec = parquet::Codec::kUncompressed;
  options.dictionary = false;
  options.row_group_size = SpillRowGroupRows(*chunks_[chunk]);
  options.num_threads = num_threads_;
  options.env = env_;
  spill_path_[chunk] = path;  // removed by the destructor even if the write fails
  TS_RETURN_NOT_OK(parquet::WriteParquetFile(path, schema_, {chunks_[chunk]}, options)
                       .WithContext("point-in-time join: spilling to " + path));
  ++num_spills_;
  Release(chunk);
  return Status::OK();
}

Status CandidateStore::Finish(std::vector<JoinCandidate>* candidates) {
  // The slots pointing into each spilled chunk, in slot order.
  std::vector<std::vector<size_t>> slots_of(chunks_.size());
  bool any = false;
  for (size_t s = 0; s < candidates->size(); ++s) {
    const JoinCandidate& cand = (*candidates)[s];
    if (!cand.empty() && !spill_path_[cand.ref.chunk].empty()) {
      slots_of[cand.ref.chunk].push_back(s);
      any = true;
    }
  }
  if (!any) return Status::OK();
  const size_t num_spilled = chunks_.size();
  for (uint32_t c = 0; c < num_spilled; ++c) {
    if (slots_of[c].empty()) continue;
    parquet::ReadOptions options;
    options.num_threads = num_threads_;
    options.env = env_;
    auto read = parquet::ReadParquetFile(spill_path_[c], options);
    if (!read.ok()) {
      return read.status().WithContext("point-in-time join: reading back " + spill_path_[c]);
    }
    std::vector<RecordBatchPtr> batches = std::move(*read);
    // Row groups -> (batch, row within it).
    std::vector<int64_t> starts{0};
    for (const auto& b : batches) starts.push_back(starts.back() + b->num_rows());
    std::vector<RowRef> refs;
    for (size_t s : slots_of[c]) {
      int64_t row = (*candidates)[s].ref.row;
      size_t b = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), row) -
                                     starts.begin()) -
                 1;
      refs.push_back(RowRef{static_cast<uint32_t>(b), static_cast<uint32_t>(row - starts[b])});
    }
    TS_ASSIGN_OR_RETURN(RecordBatchPtr live, TakeRows(schema_, batches, refs, num_threads_));
    live_[c] = 0;
    uint32_t chunk = Add(std::move(live));
    live_[chunk] = static_cast<int64_t>(refs.size());
    for (size_t i = 0; i < slots_of[c].size(); ++i) {
      (*candidates)[slots_of[c][i]].ref = RowRef{chunk, static_cast<uint32_t>(i)};
    }
  }
  return Status::OK();
}

}  // namespace tessera::offline
