#include "tessera/online/window_backfill.h"

#include <memory>
#include <vector>

#include "tessera/agg/window_state.h"
#include "tessera/core/saturating.h"
#include "tessera/offline/join_input.h"
#include "tessera/offline/keyed_events.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/window_features.h"

namespace tessera::online {
namespace {

// The scan of the view's events (join-input layout with the plan's columns
// and _ingest_seq carried) from `source`, over `manifest`'s parts from
// `first_part` on.
Result<std::unique_ptr<RecordBatchReader>> OpenEvents(
    const WindowBackfillSpec& spec, const registry::Source& source,
    std::shared_ptr<const offline::Manifest> manifest, size_t first_part, int64_t min_ts) {
  offline::JoinInputSpec in;
  in.repo_root = spec.repo_root;
  in.offline_root = spec.offline_root;
  in.project = spec.project;
  in.source = &source;
  in.keys = spec.keys;
  in.carried = offline::WindowEventColumns(*spec.plan, false);
  in.min_event_ts = min_ts;
  in.num_threads = spec.num_threads;
  in.env = spec.env;
  in.manifest = std::move(manifest);
  in.first_log_part = first_part;
  return offline::OpenSourceJoinInput(in);
}

// Step 2: every key's state rebuilt from the scan, stored in place.
Status Rebuild(const WindowBackfillSpec& spec, const offline::KeyedEvents& events,
               WindowBackfillResult* out) {
  const size_t n = events.num_keys();
  std::vector<std::string> encoded;
  std::vector<WindowStateWrite> writes;
  auto flush = [&]() -> Status {
    TS_RETURN_NOT_OK(spec.writer->Replace(spec.id, writes, spec.store));
    out->keys_written += static_cast<int64_t>(writes.size());
    if (spec.progress) spec.progress(out->keys_written, static_cast<int64_t>(n));
    writes.clear();
    encoded.clear();
    return Status::OK();
  };
  encoded.reserve(static_cast<size_t>(spec.keys_per_write));
  for (size_t k = 0; k < n; ++k) {
    agg::WindowState state(spec.plan);
    state.Expire(spec.now);
    agg::EventRank top;
    (void)events.AddTo(k, &state, &top);
    if (state.event_count() == 0) continue;
    encoded.emplace_back();
    state.EncodeTo(&encoded.back());
    writes.push_back(WindowStateWrite{events.key(k), top, encoded.back()});
    if (static_cast<int64_t>(writes.size()) >= spec.keys_per_write) TS_RETURN_NOT_OK(flush());
  }
  if (!writes.empty()) TS_RETURN_NOT_OK(flush());
  return Status::OK();
}

// Step 3: the parts committed since `before`, applied through the writer.
Status ApplyTail(const WindowBackfillSpec& spec, const offline::Manifest& before, int64_t min_ts,
                 WindowBackfillResult* out) {
  const std::string log_dir =
      offline::SourceLogDir(spec.offline_root, spec.project, spec.source->name);
  TS_ASSIGN_OR_RETURN(offline::Manifest after, offline::ReadManifest(spec.env, log_dir));
  out->log_seq = after.last_seq;
  size_t first = 0;  // the first part after `before`'s last sequence
  while (first < after.parts.size() && after.parts[first].last_seq <= before.last_seq) ++first;
  if (first == after.parts.size()) return Status::OK();
  registry::Source log_only = *spec.source;
  log_only.path.clear();
  auto manifest = std::make_shared<const offline::Manifest>(std::move(after));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> rows,
                      OpenEvents(spec, log_only, manifest, first, min_ts));
  const int nk = static_cast<int>(spec.keys.size());
  const size_t nc = spec.plan->column_names.size();
  WindowEvents events;
  for (int k = 0; k < nk; ++k) events.key_columns.push_back(k);
  for (size_t c = 0; c < nc; ++c) events.value_columns.push_back(nk + 2 + static_cast<int>(c));
  std::vector<agg::EventRank> ranks;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, rows->Next());
    if (batch == nullptr) break;
    const Array& ts = *batch->column(nk);
    const Array& created = *batch->column(nk + 1);
    const Array& seq = *batch->column(nk + 2 + static_cast<int>(nc));
    ranks.assign(static_cast<size_t>(batch->num_rows()), agg::EventRank{});
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      ranks[static_cast<size_t>(r)] = offline::WindowEventRank(
          ts.GetInt64(r), created.IsValid(r), created.IsValid(r) ? created.GetInt64(r) : 0,
          seq.IsValid(r), seq.IsValid(r) ? seq.GetInt64(r) : 0, 0);
    }
    events.rows = batch.get();
    events.ranks = ranks;
    TS_ASSIGN_OR_RETURN(WindowApplyStats stats,
                        spec.writer->Apply(spec.id, *spec.plan, events, spec.now, spec.store));
    out->tail_events += stats.applied;
  }
  return Status::OK();
}

}  // namespace

Result<WindowBackfillResult> BackfillWindows(const WindowBackfillSpec& spec) {
  if (spec.source == nullptr || spec.plan == nullptr || spec.store == nullptr ||
      spec.writer == nullptr) {
    return Status::Invalid("window backfill: missing source, plan, store or writer");
  }
  const std::string log_dir =
      offline::SourceLogDir(spec.offline_root, spec.project, spec.source->name);
  TS_ASSIGN_OR_RETURN(offline::Manifest before, offline::ReadManifest(spec.env, log_dir));
  // Events at or before now - max window can change no read at or after now.
  const int64_t lo = SaturatingSub(spec.now, spec.plan->max_window);
  const int64_t min_ts = lo == INT64_MIN ? INT64_MIN : lo + 1;
  auto manifest = std::make_shared<const offline::Manifest>(before);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> rows,
                      OpenEvents(spec, *spec.source, manifest, 0, min_ts));
  TS_ASSIGN_OR_RETURN(
      offline::KeyedEvents events,
      offline::KeyedEvents::Read(rows.get(), static_cast<int>(spec.keys.size()),
                                 spec.plan->column_names.size(), lo, INT64_MAX, nullptr));
  WindowBackfillResult out;
  out.events_scanned = static_cast<int64_t>(events.num_events());
  out.log_seq = before.last_seq;
  TS_RETURN_NOT_OK(Rebuild(spec, events, &out));
  TS_RETURN_NOT_OK(ApplyTail(spec, before, min_ts, &out));
  return out;
}

}  // namespace tessera::online
