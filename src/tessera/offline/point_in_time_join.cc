// The join of one view streams its rows once: each row is looked up in the
// spine's key dictionary, placed in its slot (spine_slots.h) and kept only
// if it beats the slot's candidate (join_candidate.h). At the end each
// spine row takes the candidate of the last non-empty slot of its key at or
// before its own, if the ttl allows. docs/OFFLINE.md has the whole picture.
#include "tessera/offline/point_in_time_join.h"

#include <algorithm>

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

// The join of one view against the spine.
class ViewJoin {
 public:
  ViewJoin(const RecordBatch& spine, int timestamp_column, JoinViewInput* view,
           const JoinOptions& options)
      : spine_(spine),
        timestamp_column_(timestamp_column),
        view_(*view),
        options_(options),
        num_threads_(std::max(1, options.num_threads)) {}

  Result<RecordBatchPtr> Run() {
    TS_RETURN_NOT_OK(Prepare());
    int64_t rows_read = 0;
    while (true) {
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, view_.rows->Next());
      if (batch == nullptr) break;
      TS_RETURN_NOT_OK(Consume(*batch));
      rows_read += batch->num_rows();
      if (options_.progress) options_.progress(rows_read);
    }
    TS_RETURN_NOT_OK(store_->Finish(&candidates_));
    return Output();
  }

 private:
  Status Prepare() {
    const Schema& schema = *view_.rows->schema();
    std::vector<const Array*> key_columns;
    for (int col : view_.spine_key_columns) key_columns.push_back(spine_.column(col).get());
    std::vector<int32_t> row_ids;
    TS_ASSIGN_OR_RETURN(dictionary_, JoinKeyDictionary::Build(key_columns, &row_ids));
    slots_ = std::make_unique<SpineSlots>(row_ids, dictionary_->size(),
                                          *spine_.column(timestamp_column_));
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
      const int64_t* e = event_ts.values<int64_t>();
      for (int64_t i = begin; i < end; ++i) {
        int32_t id = ids[static_cast<size_t>(i - begin)];
        slot[static_cast<size_t>(i)] = id < 0 || event_ts.IsNull(i)
                                           ? SpineSlots::kNoSlot
                                           : slots_->Find(id, e[i], view_.ttl);
      }
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
      for (size_t i = 0; i < slot.size(); ++i) {
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
    for (int64_t r = 0; r < spine_.num_rows(); ++r) {
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
    Int64Builder event_ts(DataType::Timestamp());
    TS_RETURN_NOT_OK(event_ts.Reserve(n));
    for (int64_t r = 0; r < n; ++r) {
      const JoinCandidate* cand = picked[static_cast<size_t>(r)];
      if (cand == nullptr) {
        TS_RETURN_NOT_OK(event_ts.AppendNull());
      } else {
        refs[static_cast<size_t>(r)] = cand->ref;
        TS_RETURN_NOT_OK(event_ts.Append(cand->event_ts));
      }
    }
    TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> columns,
                        TakeColumns(value_schema_, store_->chunks(), refs, num_threads_));
    TS_ASSIGN_OR_RETURN(ArrayPtr event_ts_column, event_ts.Finish());
    columns.push_back(std::move(event_ts_column));
    std::vector<Field> fields = value_schema_->fields();
    fields.push_back(Field{"event_ts", DataType::Timestamp()});
    auto schema = Schema::Make(std::move(fields));
    if (!schema.ok()) return schema.status().WithContext(ViewLabel(view_) + ": output");
    return RecordBatch::Make(*schema, std::move(columns));
  }

  const RecordBatch& spine_;
  const int timestamp_column_;
  JoinViewInput& view_;
  const JoinOptions& options_;
  const int num_threads_;
  std::unique_ptr<JoinKeyDictionary> dictionary_;
  std::unique_ptr<SpineSlots> slots_;
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
  std::vector<RecordBatchPtr> out;
  for (JoinViewInput& view : views) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch,
                        ViewJoin(spine, timestamp_column, &view, options).Run());
    out.push_back(std::move(batch));
  }
  return out;
}

}  // namespace tessera::offline
