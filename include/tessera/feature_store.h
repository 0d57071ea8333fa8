// tessera::FeatureStore: the front door of libtessera (DESIGN.md section 1).
// The CLI, the HTTP server and embedding programs call these methods, so each
// capability is written once. This header exposes only Status/Result and the
// columnar RecordBatch/RecordBatchReader types; registry and offline
// internals stay behind it.
//
//   auto store = tessera::FeatureStore::Open("examples/quickstart");
//   tessera::HistoricalRequest request;
//   request.features = {"user_profile:age", "merchant_profile:risk_score"};
//   auto reader = (*store)->GetHistoricalFeatures(std::move(spine), request);
//
// Thread-safety: a FeatureStore may be used from one thread at a time;
// several FeatureStores (and processes) may work on one repo at once (the
// registry and the source logs lock across processes).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"

namespace tessera {

// One object `plan` or `apply` adds, changes or removes.
struct PlanChange {
  std::string kind;  // "entity", "source", "feature-view", ...
  std::string name;
  std::string change;        // "added", "changed", "doc-changed", "removed"
  int64_t from_version = 0;  // 0 when added (> 0: re-added after a removal)
  int64_t to_version = 0;    // the version after (removed: the last one)
  bool doc_changed = false;  // "changed": its doc (description, owner, tags) changed too
};

struct PlanSummary {
  std::string project;        // tessera.yaml's project
  std::string registry_path;  // as tessera.yaml spells it
  std::vector<PlanChange> changes;
  int64_t unchanged = 0;         // objects left as they are
  bool applied = false;          // Apply wrote something
  int64_t registry_version = 0;  // after Apply
  // One line per change ("+ feature-view user_profile (v1)"), then a count.
  std::string ToString() const;
};

struct IngestSummary {
  std::string source;  // the batch source whose log took the rows
  int64_t rows = 0;
  int64_t first_seq = 0;  // _ingest_seq of the first and last row ingested
  int64_t last_seq = 0;
  // Columns of the files that are not columns of the source (not logged).
  std::vector<std::string> ignored_columns;
};

// Where GetHistoricalFeatures is: "join" counts view rows read (total
// unknown: -1), "features" spine rows done out of total.
struct HistoricalProgress {
  std::string stage;
  int64_t done = 0;
  int64_t total = -1;
};

struct HistoricalRequest {
  // "view:feature", "view@N:feature" (a pinned version), "view" (all its
  // features), on-demand views likewise; or, when empty, the features of
  // `feature_service`.
  std::vector<std::string> features;
  std::string feature_service;
  std::string timestamp_column = "event_timestamp";
  bool full_feature_names = false;                          // "view__feature" column names
  bool with_timestamps = false;                             // add "view__event_timestamp" per view
  int num_threads = 0;                                      // 0: every core
  std::function<void(const HistoricalProgress&)> progress;  // may be empty
  // When not null, receives expression warnings (rows that evaluated to
  // null because of an error: count and first spine row).
  std::vector<std::string>* warnings = nullptr;
};

// --- Online (issue 9) ---

// Per value of an online read (Feast's statuses).
enum class FeatureStatus : uint8_t {
  kPresent,        // a value (join keys are always present)
  kNotFound,       // no row for the key in the online store
  kNullValue,      // a row, but the feature's value is null
  kOutsideMaxAge,  // a row with event_ts <= now - ttl (value returned as null)
};
const char* FeatureStatusName(FeatureStatus status);  // "PRESENT", "NOT_FOUND", ...

struct OnlineRequest {
  // As HistoricalRequest: "view:feature", "view@N:feature", "view", on-demand
  // views; or, when empty, the features of `feature_service`.
  std::vector<std::string> features;
  std::string feature_service;
  bool full_feature_names = false;
};

// Feast's response shape, columnar: names[i] has values[i] (one value per
// entity row, in request order), statuses[i] and event_timestamps[i] (micros
// UTC; 0 for join keys and rows not found). Join keys come first, then the
// features in request order.
struct OnlineResponse {
  std::vector<std::string> names;
  std::vector<ArrayPtr> values;
  std::vector<std::vector<FeatureStatus>> statuses;
  std::vector<std::vector<int64_t>> event_timestamps;
};

struct MaterializeRequest {
  int64_t start_micros = 0;  // (start, end]; ignored when incremental
  int64_t end_micros = 0;
  bool incremental = false;        // from each view's last materialized end
  std::vector<std::string> views;  // empty: every online feature view
  // Called now and then with rows scanned so far (total -1 when unknown).
  std::function<void(const HistoricalProgress&)> progress;
};

struct MaterializedViewSummary {
  std::string view;
  int64_t version = 0;
  int64_t start_micros = 0;  // the interval this run covered
  int64_t end_micros = 0;
  int64_t rows_scanned = 0;
  int64_t rows_written = 0;  // online rows that won and were stored
};

struct MaterializeSummary {
  std::vector<MaterializedViewSummary> views;
};

enum class PushTarget : uint8_t { kOnline, kOffline, kOnlineAndOffline };

struct PushSummary {
  std::string source;  // the push source
  int64_t rows = 0;
  int64_t online_rows_written = 0;  // over every view fed by the source
  bool logged = false;              // appended to the batch source's log
  int64_t first_seq = 0;            // when logged: _ingest_seq range
  int64_t last_seq = 0;
  // Aggregated views fed (online): events applied to their window state,
  // and events older than a view's largest window, skipped online (they
  // are in the log, so training sets see them).
  int64_t window_events_applied = 0;
  int64_t window_events_too_old = 0;
  // Rows dropped because their event_id was committed already (client
  // retries to a source feeding aggregated views).
  int64_t duplicates_dropped = 0;
};

// What Compact did to one source log and to the derived files of the views
// reading it.
struct CompactedLog {
  std::string source;
  int64_t parts_before = 0;
  int64_t parts_after = 0;
  int64_t parts_removed = 0;  // files an earlier compaction replaced, deleted now
  bool committed = false;     // false: nothing to merge
};
struct CompactedView {
  std::string view;
  int64_t version = 0;
  int64_t rows = 0;
  bool rebuilt = false;  // false: the derived files were fresh already
};
struct CompactSummary {
  std::vector<CompactedLog> logs;
  std::vector<CompactedView> views;
};

// What the online store holds of one online feature view (GET /metrics).
struct ViewFreshness {
  std::string view;
  int64_t current_version = 0;  // the applied version
  // The newest materialized version (0: none yet), the end of its latest
  // materialized interval and now minus that end (now: the store's Env).
  int64_t materialized_version = 0;
  int64_t last_end_micros = 0;
  int64_t staleness_micros = 0;
};

// A push source consumed from a stream: its definition's `stream:` block
// (issue 11; docs/STREAMS.md).
struct StreamedSource {
  std::string source;  // the push source
  std::string type;    // "redis"
  std::string url;     // redis://...
  std::string key;     // the stream
  std::string group;   // the consumer group
};

// What every row pushed to a source must be (Push checks it): the columns
// and types PushSchema gives, and the columns that must be present and not
// null in every row (the timestamp column and the join keys of the views
// reading the source's log).
struct PushContract {
  std::shared_ptr<const Schema> schema;
  std::string timestamp_column;
  std::vector<std::string> required;
};

struct StoreOptions {
  // Files and the clock ("now": ttl at read, staleness; DESIGN.md section 3
  // "Time"), so tests set the clock instead of sleeping. Not owned; must
  // outlive the store. nullptr: Env::Default().
  Env* env = nullptr;
};

class FeatureStore {
 public:
  // Opens the feature repo at `repo_dir` (its tessera.yaml; definitions are
  // read when needed). NotFound when there is no tessera.yaml.
  static Result<std::unique_ptr<FeatureStore>> Open(const std::string& repo_dir);
  static Result<std::unique_ptr<FeatureStore>> Open(const std::string& repo_dir,
                                                    const StoreOptions& options);
  ~FeatureStore();
  FeatureStore(const FeatureStore&) = delete;
  FeatureStore& operator=(const FeatureStore&) = delete;

  const std::string& repo_dir() const;

  // The diff of the repo's definitions against the registry; writes
  // nothing. InvalidArgument with one "file:line: reason" line per error
  // when the definitions (or their sources' columns) are invalid.
  Result<PlanSummary> Plan();
  // Records the repo's definitions in the registry (one transaction), as
  // `user`. Errors as Plan; an invalid repo changes nothing.
  Result<PlanSummary> Apply(const std::string& user);

  // Appends the rows of `files` (Parquet or CSV) to the log of batch or
  // push source `source` (a push source's go to its batch source's log) as
  // one atomic commit, checked against the applied definitions; a bad file
  // is rejected whole with "file:row:column: reason" and nothing of it
  // becomes visible. NotFound when nothing has been applied yet.
  Result<IngestSummary> Ingest(const std::string& source, const std::vector<std::string>& files);

  // Merges the small parts of batch or push source `source`'s log (every
  // batch source's when empty) and builds the derived view files
  // (`<offline>/<project>/views/<view>/v<N>/`) of every applied feature view
  // reading it, which training sets then read instead of the source's files
  // while they are fresh. Safe while readers and ingests run. NotFound when
  // nothing has been applied or the source is unknown.
  Result<CompactSummary> Compact(const std::string& source);

  // The background compaction of `tessera serve --stream` and `tessera
  // stream` (many small commits): when the log of batch or push source
  // `source` has a run of `fanout` small parts of one size tier, or files
  // an earlier compaction replaced past the retention time, merges those
  // runs (tiered, so each row is rewritten O(log rows) times) and removes
  // those files. Only the log: derived view files are left to Compact.
  // Safe while readers and commits run. `compacted` false: nothing to do.
  Result<CompactedLog> CompactLogIfNeeded(const std::string& source);

  // Opens a spine (entity) file, Parquet or CSV by its extension (.parquet,
  // .csv, any case). A CSV file's columns are typed: join keys of the
  // registry's entities as the entities declare, `timestamp_column` as
  // timestamp, the others inferred (the first 1000 rows). InvalidArgument
  // for another extension, NotFound for a missing file.
  Result<std::unique_ptr<RecordBatchReader>> OpenSpineFile(
      const std::string& path, const std::string& timestamp_column = "event_timestamp");

  // A point-in-time-correct training set for `spine` (entity keys and the
  // timestamp column, plus any other columns, which are kept), built from
  // the definitions applied to the registry: one row per spine row, in
  // spine order; spine columns, then the features in request order, then
  // (with_timestamps) each view's picked event time.
  Result<std::unique_ptr<RecordBatchReader>> GetHistoricalFeatures(
      std::unique_ptr<RecordBatchReader> spine, const HistoricalRequest& request);

  // --- Online (issue 9). The online store is opened on first use, from
  // tessera.yaml's online_store (RocksDB by default: one process at a time,
  // DESIGN.md section 3b). Unlike the methods above, these three may be
  // called from many threads at once (the server does).

  // Loads the online store as DESIGN.md section 3 says: for every key with
  // rows in (start, end], the row a spine row at end would get, unless the
  // store holds a winning row; records the interval per view version.
  Result<MaterializeSummary> Materialize(const MaterializeRequest& request);

  // Reads the online features of the rows of `entities` (a column per join
  // key and request field; int64 keys may come as int64 or as decimal
  // strings, int32 keys as int64; each column is checked against the
  // entity's type): InvalidArgument naming the column and row for a missing
  // join key or a value of the wrong type, NotFound naming an unknown
  // feature, view or service, Unavailable when the store does not answer.
  Result<OnlineResponse> GetOnlineFeatures(const RecordBatch& entities,
                                           const OnlineRequest& request);
  // The same into *out, whose vectors are sized and assigned over: a caller
  // reusing one response per thread (the server) keeps their buffers.
  Status GetOnlineFeatures(const RecordBatch& entities, const OnlineRequest& request,
                           OnlineResponse* out);

  // Validates `rows` against push source `source`'s schema and applies them
  // all or nothing: online rows of every view fed by the source, the source
  // log (as Ingest), or both. Rows of a source that feeds an aggregated view
  // are always logged.
  Result<PushSummary> Push(const std::string& source, std::shared_ptr<const RecordBatch> rows,
                           PushTarget to);

  // --- Serving support (issue 9; src/tessera/facade/serving_support.cc).
  // Read-only, and like the online methods callable from many threads at
  // once (each call opens the registry for reading).

  // Opens the online store when not yet open and asks it to answer (Redis:
  // a PING). Its description ("rocksdb data/online") when it does;
  // Unavailable, or the open's error, otherwise. What /health reports.
  Result<std::string> PingOnlineStore();

  // The registry's discovery documents, as `list`, `describe`, `search` and
  // `lineage` print them with --json (registry/json_documents.h). `kind` is
  // empty (any kind) or a kind as the CLI spells it ("feature-view",
  // "view", ...): InvalidArgument otherwise. NotFound for an unknown name
  // or version, and when nothing has been applied yet.
  Result<std::string> ListJson(const std::string& kind);
  // `version` 0: the current one.
  Result<std::string> DescribeJson(const std::string& name, const std::string& kind,
                                   int64_t version);
  Result<std::string> SearchJson(const std::string& text);
  // Upstream, downstream or both (neither means both); `transitive`: every
  // level, else direct edges only.
  Result<std::string> LineageJson(const std::string& name, const std::string& kind, bool upstream,
                                  bool downstream, bool transitive);

  // The columns (names and types) push source `source` takes: what Push
  // checks rows against, so a client layer (the server's JSON) can convert
  // its values to them first. NotFound for an unknown source.
  Result<std::shared_ptr<const Schema>> PushSchema(const std::string& source);
  // PushSchema plus the required columns. NotFound as PushSchema.
  Result<PushContract> GetPushContract(const std::string& source);

  // The applied push sources with a `stream:` block, by name. NotFound when
  // nothing has been applied yet.
  Result<std::vector<StreamedSource>> StreamedSources();

  // Every live online feature view, by name, with how fresh its online rows
  // are. NotFound when nothing has been applied yet.
  Result<std::vector<ViewFreshness>> Freshness();

 private:
  struct Impl;
  explicit FeatureStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera
