// The point-in-time join's input of one feature view (point_in_time_join.h
// JoinViewInput): its source scanned (source_scan.h) with the columns the
// view needs, reshaped to the join's layout (key parts, event_ts,
// created_ts - all null when the source has none - then the carried value
// columns). A push source reads its batch source's files and log.
//
// Thread-safety: the returned reader is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/offline/source_log.h"
#include "tessera/registry/definitions.h"

namespace tessera::offline {

struct JoinInputSpec {
  std::string repo_root;
  std::string offline_root;
  std::string project;
  const registry::Source* source = nullptr;  // the view's batch source (push resolved)
  std::vector<Field> keys;                   // join key columns of the source
  std::vector<Field> carried;                // value columns, unique names
  int64_t min_event_ts = INT64_MIN;          // coarse pruning bounds (inclusive)
  int64_t max_event_ts = INT64_MAX;
  int num_threads = 1;
  Env* env = Env::Default();
  // Derived view files (view_files.h) read instead of the source when they
  // are fresh; "" = always scan the source.
  std::string view_files_dir;
  // Passed to the source scan (source_scan.h): a manifest already read and
  // the first of its parts to read.
  std::shared_ptr<const Manifest> manifest;
  size_t first_log_part = 0;
};

Result<std::unique_ptr<RecordBatchReader>> OpenJoinInput(const JoinInputSpec& spec);

// The same scan, always of the source (what derived view files are built
// from).
Result<std::unique_ptr<RecordBatchReader>> OpenSourceJoinInput(const JoinInputSpec& spec);

}  // namespace tessera::offline
