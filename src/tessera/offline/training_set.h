// BuildTrainingSet: a point-in-time-correct training set (issue 8,
// "Training sets"; semantics in DESIGN.md section 3).
//
// For every spine row (entity keys + a timestamp t, plus any other columns
// such as labels, which are kept) and every requested feature, the value
// known at t: each feature view's source is scanned (source_scan.h: its
// files in place, then its log; a push source reads its batch source's),
// joined point in time (point_in_time_join.h), its row transformations
// computed on the picked rows (view_features.h), then on-demand views per
// spine row (on_demand_features.h; request fields from spine columns of the
// same name).
//
// Output, one row per spine row in spine order: the spine's columns in
// spine order, then the features in request order (`feature`, or
// `view__feature` with full_feature_names), then with with_timestamps each
// joined view's picked event time (`view__event_timestamp`, null where no
// row qualified). Two outputs with one name is an error naming both.
//
// Memory: the spine and the result are held in memory; view rows stream
// through the join (which partitions and spills them past its budget).
//
// Thread-safety: one call at a time per request; calls are independent.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/offline/feature_refs.h"
#include "tessera/offline/view_files.h"
#include "tessera/registry/definitions.h"

namespace tessera::offline {

// Where a training set is in its work, for progress displays.
struct TrainingSetProgress {
  std::string stage;  // "join" (view rows read), "features" (spine rows done)
  int64_t done = 0;
  int64_t total = -1;  // -1: unknown
};

struct TrainingSetRequest {
  std::string repo_root;     // absolute; source paths are relative to it
  std::string offline_root;  // absolute; source logs live under it
  std::string project;
  registry::RepoDefinitions definitions;  // the live definitions
  ViewVersionLookup view_at;              // pinned versions (view@N:feature); may be empty
  // The current version of each feature view: its derived view files
  // (view_files.h) are read when fresh. A view absent here scans its source.
  std::map<std::string, int64_t> view_versions;
  // `V:F`, `V@N:F`, `V` (every feature of V), on-demand views likewise.
  std::vector<std::string> features;
  std::string timestamp_column = "event_timestamp";
  bool full_feature_names = false;
  bool with_timestamps = false;
  int num_threads = 1;
  int64_t memory_budget_bytes = int64_t{2} << 30;
  std::string spill_dir;                                     // "" = <offline_root>/<project>/tmp
  Env* env = Env::Default();                                 // not owned
  std::function<void(const TrainingSetProgress&)> progress;  // may be empty
};

struct TrainingSet {
  RecordBatchPtr table;  // the whole result
  // Expression errors, one line per view or on-demand view that had any:
  // "feature view 'v': 3 rows evaluated to null because of an error; first
  // at row 17: ..." (rows are spine rows).
  std::vector<std::string> warnings;
};

// Builds the training set of `spine`. Errors (InvalidArgument unless said):
// a reference as ResolveFeatureRefs says; the spine lacks a view's join key
// or the timestamp column ("the spine has no column 'user_id' (join key of
// entity 'user' of feature view 'user_profile'); its columns: ...") or it
// has the wrong type; an on-demand view's request field is missing from
// the spine; duplicate output names; any error of the scans or the join.
Result<TrainingSet> BuildTrainingSet(const TrainingSetRequest& request, RecordBatchReader* spine);

// Builds (or keeps, when fresh) the derived view files (view_files.h) of
// `view` at `version` with every source column its features read, from
// the request's repo, offline root, project and definitions (its features
// and spine fields are not used). What `tessera compact` calls.
Result<ViewFilesBuild> BuildViewFilesOf(const TrainingSetRequest& context,
                                        const registry::FeatureView& view, int64_t version);

// The rows of `table` as a stream of batches of at most `batch_rows` rows.
std::unique_ptr<RecordBatchReader> SliceReader(RecordBatchPtr table, int64_t batch_rows = 65536);

}  // namespace tessera::offline
