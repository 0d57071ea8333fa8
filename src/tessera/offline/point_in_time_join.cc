// The join of one view streams its rows once: each row is looked up in the
// spine's key dictionary, placed in its slot (spine_slots.h) and kept only
// if it beats the slot's candidate (join_candidate.h). At the end each
// spine row takes the candidate of the last non-empty slot of its key at or
// before its own, if the ttl allows. docs/OFFLINE.md has the whole picture.
#include "tessera/offline/point_in_time_join.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <map>

#include "tessera/offline/candidate_store.h"
#include "tessera/offline/join_key_dictionary.h"
#include "tessera/offline/parallel_for.h"
#include "tessera/offline/spine_slots.h"

namespace tessera::offline {

namespace {

constexpr int64_t kRowsPerThread = 16384;  // below this a batch runs on one thread

enum class KeyKind { kInteger, kString, kBytes, kOther };

KeyKind KindOf(DataType t) {
  switch (t.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64: return KeyKind::kInteger;
    case TypeId::kString: return KeyKind::kString;
    case TypeId::kBytes: return KeyKind::kBytes;
    default: return KeyKind::kOther;
  }
}

std::string ViewLabel(const JoinViewInput& view) {
  return "point-in-time join: view '" + view.name + "'";
}

Status CheckView(const RecordBatch& spine, const JoinViewInput& view) {
  const std::string label = ViewLabel(view);
  if (view.rows == nullptr) return Status::Invalid(label + ": no input rows");
  const Schema& schema = *view.rows->schema();
  if (view.num_keys < 1 || static_cast<int>(view.spine_key_columns.size()) != view.num_keys) {
    return Status::Invalid(label + ": " + std::to_string(view.num_keys) + " key parts but " +
                           std::to_string(view.spine_key_columns.size()) + " spine key columns");
  }
  if (schema.num_fields() < view.num_keys + 2) {
    return Status::Invalid(label + ": its input has " + std::to_string(schema.num_fields()) +
                           " columns, fewer than its keys plus event_ts and created_ts");
  }
  for (int k = 0; k < view.num_keys; ++k) {
    int col = view.spine_key_columns[static_cast<size_t>(k)];
    if (col < 0 || col >= spine.num_columns()) {
      return Status::Invalid(label + ": spine key column " + std::to_string(col) +
                             " is out of range");
    }
    const Field& part = schema.field(k);
    const Field& spine_field = spine.schema()->field(col);
    if (KindOf(part.type) == KeyKind::kOther || KindOf(part.type) != KindOf(spine_field.type)) {
      return Status::Invalid(label + ": key part " + std::to_string(k) + " '" + part.name +
                             "' is " + part.type.ToString() + " but spine column '" +
                             spine_field.name + "' is " + spine_field.type.ToString());
    }
  }
  for (int c : {view.num_keys, view.num_keys + 1}) {
    if (schema.field(c).type != DataType::Timestamp()) {
      return Status::Invalid(label + ": column '" + schema.field(c).name + "' (" +
                             (c == view.num_keys ? "event_ts" : "created_ts") + ") is " +
                             schema.field(c).type.ToString() + ", not timestamp");
    }
  }
  return Status::OK();
}

// The spine seen through one set of key columns; views keyed by the same
// spine columns share it.
struct SpineIndex {
  std::unique_ptr<JoinKeyDictionary> dictionary;
  std::unique_ptr<SpineSlots> slots;
};

Result<std::shared_ptr<const SpineIndex>> BuildSpineIndex(const RecordBatch& spine,
                                                          int timestamp_column,
                                                          const std::vector<int>& key_columns) {
  std::vector<const Array*> columns;
  for (int col : key_columns) columns.push_back(spine.column(col).get());
  std::vector<int32_t> row_ids;
  auto index = std::make_shared<SpineIndex>();
  TS_ASSIGN_OR_RETURN(index->dictionary, JoinKeyDictionary::Build(columns, &row_ids));
  index->slots = std::make_unique<SpineSlots>(row_ids, index->dictionary->size(),
                                              *spine.column(timestamp_column));
  return std::shared_ptr<const SpineIndex>(std::move(index));
}

// The join of one view against the spine.
class ViewJoin {
 public:
  // `rows_before`: view rows read by earlier views (progress counts on).
  ViewJoin(const RecordBatch& spine, std::shared_ptr<const SpineIndex> index, JoinViewInput* view,
           const JoinOptions& options, int64_t rows_before)
      : spine_(spine),
        index_(std::move(index)),
        dictionary_(index_->dictionary.get()),
        slots_(index_->slots.get()),
        view_(*view),
        options_(options),
        num_threads_(std::max(1, options.num_threads)),
        rows_before_(rows_before) {}

  int64_t rows_read() const { return rows_read_; }

  Result<RecordBatchPtr> Run() {
    TS_RETURN_NOT_OK(Prepare());
    // The next batch is read (decoded, for a file) on its own thread while
    // this one is joined; the reader is still used by one thread at a time.
    auto read_next = [this] { return view_.rows->Next(); };
    Result<RecordBatchPtr> next = read_next();
    while (true) {
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, std::move(next));
      if (batch == nullptr) break;
      if (batch->schema() != view_.rows->schema() && !(*batch->schema() == *view_.rows->schema())) {
        return Status::Invalid(ViewLabel(view_) + ": a batch of its input has columns (" +
                               batch->schema()->ToString() + "), not (" +
                               view_.rows->schema()->ToString() + ")");
      }
      std::future<Result<RecordBatchPtr>> ahead = std::async(std::launch::async, read_next);
      Status st = Consume(*batch);
      next = ahead.get();
      TS_RETURN_NOT_OK(st);
      rows_read_ += batch->num_rows();
      if (options_.progress) options_.progress(rows_before_ + rows_read_);
    }
    TS_RETURN_NOT_OK(store_->Finish(&candidates_));
    return Output();
  }

 private:
  Status Prepare() {
    const Schema& schema = *view_.rows->schema();
    candidates_.assign(static_cast<size_t>(slots_->num_slots()), JoinCandidate{});
    std::vector<Field> values(schema.fields().begin() + view_.num_keys + 2, schema.fields().end());
    TS_ASSIGN_OR_RETURN(value_schema_, Schema::Make(values));
    store_ = std::make_unique<CandidateStore>(value_schema_, options_.memory_budget_bytes,
                                              options_.spill_dir, options_.env, num_threads_);
    return Status::OK();
  }

  int Parts(int64_t rows) const {
    return static_cast<int>(std::min<int64_t>(num_threads_, rows / kRowsPerThread + 1));
  }

  // The slot of every row of `batch` (SpineSlots::kNoSlot when none).
  std::vector<int64_t> FindSlots(const RecordBatch& batch) const {
    const int64_t n = batch.num_rows();
    std::vector<const Array*> keys;
    for (int k = 0; k < view_.num_keys; ++k) keys.push_back(batch.column(k).get());
    const Array& event_ts = *batch.column(view_.num_keys);
    std::vector<int64_t> slot(static_cast<size_t>(n));
    ParallelFor(n, Parts(n), [&](int, int64_t begin, int64_t end) {
      std::vector<int32_t> ids(static_cast<size_t>(end - begin));
      dictionary_->Lookup(keys, begin, end, ids.data());
      if (event_ts.null_count() > 0) {
        for (int64_t i = begin; i < end; ++i) {
          if (event_ts.IsNull(i)) ids[static_cast<size_t>(i - begin)] = JoinKeyDictionary::kNoId;
        }
      }
      slots_->FindMany(ids.data(), event_ts.values<int64_t>() + begin, end - begin, view_.ttl,
                       slot.data() + begin);
    });
    return slot;
  }

  Status Consume(const RecordBatch& batch) {
    const std::vector<int64_t> slot = FindSlots(batch);
    if (std::all_of(slot.begin(), slot.end(), [](int64_t s) { return s < 0; })) {
      ordinal_ += batch.num_rows();
      return Status::OK();  // nothing of this batch can be picked: not kept
    }
    std::vector<ArrayPtr> values(batch.columns().begin() + view_.num_keys + 2,
                                 batch.columns().end());
    TS_ASSIGN_OR_RETURN(RecordBatchPtr chunk_values, RecordBatch::Make(value_schema_, values));
    const uint32_t chunk = store_->Add(std::move(chunk_values));
    Offer(batch, slot, chunk);
    ordinal_ += batch.num_rows();
    return store_->Collect(&candidates_);
  }

  // Offers every placed row to its slot. Threads own disjoint slot ranges,
  // so no two write one candidate; each counts the live rows its chunks
  // gain and lose, merged after.
  void Offer(const RecordBatch& batch, const std::vector<int64_t>& slot, uint32_t chunk) {
    const Array& event_ts = *batch.column(view_.num_keys);
    const Array& created_ts = *batch.column(view_.num_keys + 1);
    const int64_t num_slots = slots_->num_slots();
    const int parts = Parts(batch.num_rows());
    std::vector<std::vector<int64_t>> delta(static_cast<size_t>(parts),
                                            std::vector<int64_t>(store_->num_chunks(), 0));
    ParallelFor(num_slots, parts, [&](int part, int64_t lo, int64_t hi) {
      std::vector<int64_t>& my_delta = delta[static_cast<size_t>(part)];
      const int64_t* e = event_ts.values<int64_t>();
      const int64_t* c = created_ts.values<int64_t>();
      constexpr size_t kAhead = 16;
      for (size_t i = 0; i < slot.size(); ++i) {
        if (i + kAhead < slot.size()) {
          const int64_t ahead = slot[i + kAhead];
          if (ahead >= lo && ahead < hi)
            __builtin_prefetch(&candidates_[static_cast<size_t>(ahead)]);
        }
        const int64_t s = slot[i];
        if (s < lo || s >= hi) continue;
        JoinCandidate row;
        row.event_ts = e[i];
        const bool valid = created_ts.IsValid(static_cast<int64_t>(i));
        row.created_ts = valid ? c[i] : 0;
        row.meta = (valid ? JoinCandidate::kCreatedValid : 0) |
                   ((ordinal_ + static_cast<uint64_t>(i)) & JoinCandidate::kOrdinalMask);
        row.ref = RowRef{chunk, static_cast<uint32_t>(i)};
        JoinCandidate& current = candidates_[static_cast<size_t>(s)];
        if (!row.Beats(current)) continue;
        if (!current.empty()) --my_delta[current.ref.chunk];
        ++my_delta[chunk];
        current = row;
      }
    });
    for (const auto& d : delta) {
      for (size_t c = 0; c < d.size(); ++c) {
        if (d[c] != 0) store_->AddLive(static_cast<uint32_t>(c), d[c]);
      }
    }
  }

  // Per spine row: the picked candidate (empty when none qualifies).
  std::vector<const JoinCandidate*> Pick() const {
    // The winner of slot s is the candidate of the last non-empty slot of
    // its key at or before s (later slots hold later event times).
    std::vector<int64_t> winner(static_cast<size_t>(slots_->num_slots()), -1);
    for (int64_t k = 0; k < slots_->num_ids(); ++k) {
      int64_t carry = -1;
      for (int64_t s = slots_->first_slot(k); s < slots_->first_slot(k + 1); ++s) {
        if (!candidates_[static_cast<size_t>(s)].empty()) carry = s;
        winner[static_cast<size_t>(s)] = carry;
      }
    }
    std::vector<const JoinCandidate*> picked(static_cast<size_t>(spine_.num_rows()), nullptr);
    constexpr int64_t kAhead = 16;  // spine order is random in slot order
    for (int64_t r = 0; r < spine_.num_rows(); ++r) {
      if (r + kAhead < spine_.num_rows()) {
        int64_t ahead = slots_->row_slot(r + kAhead);
        if (ahead != SpineSlots::kNoSlot) __builtin_prefetch(&winner[static_cast<size_t>(ahead)]);
      }
      int64_t s = slots_->row_slot(r);
      if (s == SpineSlots::kNoSlot || winner[static_cast<size_t>(s)] < 0) continue;
      const JoinCandidate& cand = candidates_[static_cast<size_t>(winner[static_cast<size_t>(s)])];
      if (SpineSlots::WithinTtl(cand.event_ts, slots_->slot_time(s), view_.ttl)) {
        picked[static_cast<size_t>(r)] = &cand;
      }
    }
    return picked;
  }

  Result<RecordBatchPtr> Output() {
    const std::vector<const JoinCandidate*> picked = Pick();
    const int64_t n = spine_.num_rows();
    std::vector<RowRef> refs(static_cast<size_t>(n));
    TS_ASSIGN_OR_RETURN(auto times, Buffer::Allocate(n * 8));
    TS_ASSIGN_OR_RETURN(auto validity, Buffer::Allocate(BitmapBytes(n)));
    std::memset(validity->mutable_data(), 0, static_cast<size_t>(BitmapBytes(n)));
    int64_t* t = times->mutable_data_as<int64_t>();
    for (int64_t r = 0; r < n; ++r) {
      const JoinCandidate* cand = picked[static_cast<size_t>(r)];
      t[r] = cand == nullptr ? 0 : cand->event_ts;
      if (cand == nullptr) continue;
      refs[static_cast<size_t>(r)] = cand->ref;
      SetBit(validity->mutable_data(), r);
    }
    TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> columns,
                        TakeColumns(value_schema_, store_->chunks(), refs, num_threads_));
    TS_ASSIGN_OR_RETURN(ArrayPtr event_ts_column,
                        Array::Make(DataType::Timestamp(), n, BufferPtr(std::move(validity)),
                                    BufferPtr(std::move(times))));
    columns.push_back(std::move(event_ts_column));
    std::vector<Field> fields = value_schema_->fields();
    fields.push_back(Field{"event_ts", DataType::Timestamp()});
    auto schema = Schema::Make(std::move(fields));
    if (!schema.ok()) return schema.status().WithContext(ViewLabel(view_) + ": output");
    return RecordBatch::Make(*schema, std::move(columns));
  }

  const RecordBatch& spine_;
  const std::shared_ptr<const SpineIndex> index_;
  const JoinKeyDictionary* dictionary_;
  const SpineSlots* slots_;
  JoinViewInput& view_;
  const JoinOptions& options_;
  const int num_threads_;
  const int64_t rows_before_;
  int64_t rows_read_ = 0;
  SchemaPtr value_schema_;
  std::unique_ptr<CandidateStore> store_;
  std::vector<JoinCandidate> candidates_;  // per slot
  uint64_t ordinal_ = 0;                   // stream position of the next row
};

}  // namespace

Result<std::vector<RecordBatchPtr>> PointInTimeJoin(const RecordBatch& spine, int timestamp_column,
                                                    std::vector<JoinViewInput> views,
                                                    const JoinOptions& options) {
  if (timestamp_column < 0 || timestamp_column >= spine.num_columns()) {
    return Status::Invalid("point-in-time join: spine timestamp column " +
                           std::to_string(timestamp_column) + " is out of range");
  }
  const Field& ts = spine.schema()->field(timestamp_column);
  if (ts.type != DataType::Timestamp()) {
    return Status::Invalid("point-in-time join: spine column '" + ts.name + "' is " +
                           ts.type.ToString() + ", not timestamp");
  }
  for (const JoinViewInput& view : views) TS_RETURN_NOT_OK(CheckView(spine, view));
  // Views are joined one after the other (each uses every thread); a spine
  // index is kept while a later view still needs it.
  std::vector<RecordBatchPtr> out;
  std::map<std::vector<int>, std::shared_ptr<const SpineIndex>> indexes;
  int64_t rows_read = 0;
  for (size_t v = 0; v < views.size(); ++v) {
    const std::vector<int>& keys = views[v].spine_key_columns;
    std::shared_ptr<const SpineIndex>& index = indexes[keys];
    if (index == nullptr) {
      TS_ASSIGN_OR_RETURN(index, BuildSpineIndex(spine, timestamp_column, keys));
    }
    ViewJoin join(spine, index, &views[v], options, rows_read);
    if (std::none_of(views.begin() + static_cast<std::ptrdiff_t>(v) + 1, views.end(),
                     [&](const JoinViewInput& later) { return later.spine_key_columns == keys; })) {
      indexes.erase(keys);  // `join` holds the last reference
    }
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, join.Run());
    rows_read += join.rows_read();
    out.push_back(std::move(batch));
  }
  return out;
}

}  // namespace tessera::offline
