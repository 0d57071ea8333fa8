// Materialize: loads the online store from the offline store, as DESIGN.md
// section 3 ("Online = offline at the materialized time") says.
//
// An aggregated view (aggregations:) is rebuilt at now whatever START and
// END say, since its windows are relative to now: its window state from
// the offline events of its largest window (window_backfill.h), recorded
// as (now - largest window, now].
//
// For each other feature view asked for (its newest version; none asked:
// every online view), its source is scanned as training sets
// scan it (offline/view_input.h, join_input.h; row transformations by
// offline::ViewFeatures), and for every entity key with rows in (start,
// end] the row a spine row at `end` gets is written to the store
// (LatestRows), which keeps a stored row that wins the tie-break. With a
// ttl, rows with event_ts <= end - ttl are not written: a spine row at end
// gets nothing from them, and a read at `end` would find them outside max
// age. Then (start, end] and the source log's sequence number read before
// the scan are recorded in the registry (Registry::RecordMaterialized).
//
// Incremental runs start at each view version's last recorded end (the
// first run: before the earliest row, recording from the earliest row it
// applied). They also follow the source log's ingest sequence: a log row
// committed after the last recorded log_seq with an event time at or before
// the start (committed late) is offered too, so it is applied when it wins.
// Rows of the source's own files count by event time only.
//
// Runs are idempotent: the same run again stores the same rows. Memory
// grows with the number of distinct keys of a view (the scan streams).
//
// Errors, before the store is opened and anything is written: InvalidArgument "END ... is not
// after START ..." (non-incremental), a view already materialized up to or
// past END (incremental), a view that is not online; NotFound for an
// unknown view (did you mean).
//
// Feature views are materialized side by side (MaterializeSpec::
// parallel_views), aggregated views one after another; `progress` is
// called from those threads, one call at a time (views scanning side by
// side report one stage, "scan a, b", with their rows summed).
//
// Thread-safety: one call per thread; calls are independent (the store is
// thread-safe, the registry is opened per call).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/online/online_store.h"
#include "tessera/online/window_writer.h"
#include "tessera/registry/registry.h"

namespace tessera::online {

struct MaterializeProgress {
  std::string stage;  // "scan <view>" (rows scanned) or "write <view>" (keys written)
  int64_t done = 0;
  int64_t total = -1;  // -1: unknown
};

struct MaterializeSpec {
  std::string repo_root;     // absolute; source paths are relative to it
  std::string offline_root;  // absolute; source logs live under it
  std::string project;
  std::string registry_path;                   // read for definitions, written for records
  registry::RegistryOptions registry_options;  // read_only is set per use
  // Opens (or gives) the online store; called once, only after every
  // check passed, so a refused run never opens the store (opening RocksDB
  // writes files). The store is not owned.
  std::function<Result<OnlineStore*>()> open_store;
  int64_t start_micros = 0;  // (start, end]; ignored when incremental
  int64_t end_micros = 0;
  bool incremental = false;
  std::vector<std::string> views;  // empty: every online view
  int num_threads = 1;             // scan decoding, and views run side by side
  // Feature views materialized at once (at most num_threads): each holds
  // its keys' winners, so memory grows with the keys of that many views.
  int parallel_views = 2;
  // Rows per OnlineStore::WriteBulk, in key order (RocksDB: one ingested
  // table file per call).
  int64_t write_batch_rows = 262144;
  Env* env = Env::Default();                                 // not owned
  std::function<void(const MaterializeProgress&)> progress;  // may be empty
  // Fronts the store's window-state writes (aggregated views); required
  // when one is materialized. Not owned.
  WindowWriter* windows = nullptr;
};

struct ViewMaterialized {
  std::string view;
  int64_t version = 0;
  int64_t start_micros = 0;  // the interval covered (recorded when rows were applied)
  int64_t end_micros = 0;
  int64_t rows_scanned = 0;  // source rows read (files and row groups outside the
                             // bounds are skipped unread)
  int64_t rows_written = 0;  // rows the store took (Write's count)
};

Result<std::vector<ViewMaterialized>> Materialize(const MaterializeSpec& spec);

}  // namespace tessera::online
