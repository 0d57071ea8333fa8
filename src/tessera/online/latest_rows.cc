#include "tessera/online/latest_rows.h"

#include <algorithm>

#include "tessera/core/entity_key.h"
#include "tessera/expr/eval_util.h"

namespace tessera::online {

LatestRows::LatestRows(const offline::ViewFeatures* features, const RowCodec* codec, int num_keys)
    : features_(features), codec_(codec), num_keys_(num_keys) {}

Result<int64_t> LatestRows::Add(const RecordBatch& batch, const RowBounds& bounds) {
  const int64_t batch_id = batches_++;
  const int num_columns = batch.num_columns();
  if (num_columns < num_keys_ + 3) {
    return Status::Internal("materialization input has " + std::to_string(num_columns) +
                            " columns, fewer than its layout's");
  }
  const Array& event_ts = *batch.column(num_keys_);
  const Array& created_ts = *batch.column(num_keys_ + 1);
  const Array& ingest_seq = *batch.column(num_columns - 1);
  std::vector<int64_t> picked_rows;
  std::vector<Winner*> picked;
  EntityKey::Builder key;
  int64_t offered = 0;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (event_ts.IsNull(r)) continue;
    const int64_t ts = event_ts.GetInt64(r);
    if (ts <= bounds.min_event_ts_exclusive || ts > bounds.max_event_ts) continue;
    const int64_t seq = ingest_seq.IsValid(r) ? ingest_seq.GetInt64(r) : 0;
    if (bounds.min_ingest_seq_exclusive >= 0 &&
        (ingest_seq.IsNull(r) || seq <= bounds.min_ingest_seq_exclusive)) {
      continue;
    }
    bool null_key = false;
    key.Reset();
    for (int k = 0; k < num_keys_; ++k) {
      const Array& part = *batch.column(k);
      if (part.IsNull(r)) {
        null_key = true;
        break;
      }
      TS_RETURN_NOT_OK(key.AppendFromArray(part, r));
    }
    if (null_key) continue;  // matches no spine row
    ++offered;
    min_event_ts_ = std::min(min_event_ts_, ts);
    const int64_t created = created_ts.IsValid(r) ? created_ts.GetInt64(r) : kNullCreatedTs;
    EntityKey encoded = key.Build();
    auto [it, inserted] = winners_.try_emplace(encoded.bytes());
    Winner& w = it->second;
    // A row offered later wins a full tie (ingest order), so it replaces
    // the winner unless the winner is strictly ahead on (event_ts,
    // created_ts).
    if (!inserted && std::pair(ts, created) < std::pair(w.event_ts, w.created_ts)) continue;
    w.event_ts = ts;
    w.created_ts = created;
    w.position = next_position_++;
    w.ingest_seq = seq;
    if (w.pending_batch == batch_id) {
      picked_rows[static_cast<size_t>(w.pending_row)] = r;
    } else {
      w.pending_batch = batch_id;
      w.pending_row = static_cast<int64_t>(picked_rows.size());
      picked_rows.push_back(r);
      picked.push_back(&w);
    }
  }
  if (!picked_rows.empty()) TS_RETURN_NOT_OK(EncodePicked(batch, picked_rows, picked));
  return offered;
}

Status LatestRows::EncodePicked(const RecordBatch& batch, const std::vector<int64_t>& rows,
                                const std::vector<Winner*>& winners) {
  const int64_t n = static_cast<int64_t>(rows.size());
  // The carried columns sit between created_ts and _ingest_seq.
  std::vector<ArrayPtr> carried;
  for (int c = num_keys_ + 2; c < batch.num_columns() - 1; ++c) {
    TS_ASSIGN_OR_RETURN(ArrayPtr taken, expr::Take(*batch.column(c), rows.data(), n));
    carried.push_back(std::move(taken));
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr event_ts, expr::Take(*batch.column(num_keys_), rows.data(), n));
  // Expression errors make nulls, as in training sets; materialization has
  // no warning channel, so they are not counted.
  TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> values,
                      features_->Compute(carried, *event_ts, /*stats=*/nullptr));
  std::vector<const Array*> columns;
  for (const ArrayPtr& v : values) columns.push_back(v.get());
  for (int64_t i = 0; i < n; ++i) {
    std::string& out = winners[static_cast<size_t>(i)]->values;
    out.clear();
    TS_RETURN_NOT_OK(codec_->EncodeRow(columns, i, &out));
  }
  return Status::OK();
}

Status LatestRows::ForEachBatch(
    int64_t batch_rows, const std::function<Status(std::span<const OnlineWrite>)>& fn) const {
  std::vector<OnlineWrite> writes;
  writes.reserve(static_cast<size_t>(std::max<int64_t>(1, batch_rows)));
  for (const auto& [key, w] : winners_) {
    writes.push_back(OnlineWrite{key, RowRank{w.event_ts, w.created_ts, w.ingest_seq}, w.values});
    if (static_cast<int64_t>(writes.size()) >= batch_rows) {
      TS_RETURN_NOT_OK(fn(writes));
      writes.clear();
    }
  }
  if (!writes.empty()) TS_RETURN_NOT_OK(fn(writes));
  return Status::OK();
}

}  // namespace tessera::online
