// BackfillWindows: rebuilds the online window state of one aggregated view
// version from the offline store (issue 10, "Backfill"), so a new
// aggregate feature has its history online at once and pushes continue it.
//
//  1. Reads the source log's manifest; its parts are the backfill's.
//  2. Scans the view's events with event_ts > now - largest window from
//     the source's files in place and those log parts (offline::
//     KeyedEvents: the ranks training sets give), builds every key's
//     agg::WindowState at now and stores it in place of the key's
//     (WindowWriter::Replace), a batch of keys at a time.
//  3. Reads the manifest again and applies the parts committed since step 1
//     (pushes that arrived during the backfill) through WindowWriter::Apply.
// A push commits to the log before it applies to the state. So every event
// is in the scan of step 2, or in the parts of step 3, or is applied by its
// own push after step 2 replaced the key's state; an event applied twice
// counts once (ranks identify events: WindowState's kDuplicate). A state
// stored for a key with no event in the window is left as it is (reads at
// now find its events expired).
//
// Memory: every event of the largest window (offline::KeyedEvents), then
// one batch of encoded states.
//
// Thread-safety: one call at a time per view; pushes may run meanwhile
// (through the same WindowWriter).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "tessera/agg/window_plan.h"
#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/online/online_store.h"
#include "tessera/online/window_writer.h"
#include "tessera/registry/definitions.h"

namespace tessera::online {

struct WindowBackfillSpec {
  std::string repo_root;     // absolute
  std::string offline_root;  // absolute
  std::string project;
  const registry::Source* source = nullptr;  // the view's batch source
  std::vector<Field> keys;                   // its join key columns
  const agg::WindowPlan* plan = nullptr;
  ViewId id;
  int64_t now = 0;
  int num_threads = 1;
  int64_t keys_per_write = 4096;
  Env* env = Env::Default();
  OnlineStore* store = nullptr;
  WindowWriter* writer = nullptr;
  std::function<void(int64_t keys_written, int64_t keys_total)> progress;  // may be empty
};

struct WindowBackfillResult {
  int64_t events_scanned = 0;  // events of the window read in step 2
  int64_t keys_written = 0;
  int64_t tail_events = 0;  // events of parts committed during the run
  int64_t log_seq = 0;      // the last sequence the run applied
};

Result<WindowBackfillResult> BackfillWindows(const WindowBackfillSpec& spec);

}  // namespace tessera::online
