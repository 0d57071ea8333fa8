// Registry: the versioned store of a feature repo's definitions, kept in one
// SQLite file (DESIGN.md sections 1 and 3 "Versioning"; docs/REGISTRY.md has
// the schema).
//
// Every object (entity, source, feature view, on-demand view, service) keeps
// its version history: version 1, 2, ... each with its canonical definition,
// logic hash, doc, applied_at (micros UTC) and applied_by. Apply gives an
// object a new version when its logic changes; a doc-only change (description,
// owner, tags) updates the current version's doc and is recorded in history;
// an object removed from the repo is marked deleted (history kept; re-adding
// it gives the next version). Applying an unchanged repo writes nothing.
// Each apply that changes something increments the registry version, which a
// server polls to notice new definitions.
//
// Thread-safety: a Registry object is NOT thread-safe; use one per thread.
// Several processes (or Registry objects) may open the same file: SQLite
// locks across processes (WAL mode, busy timeout), and Apply runs in one
// write transaction, so readers see all of an apply or none of it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/lineage.h"
#include "tessera/registry/plan.h"
#include "tessera/registry/search.h"

namespace tessera::registry {

class SqliteDb;

// "entity", "source", "feature_view", "on_demand_feature_view",
// "feature_service"; also accepts the short forms "view", "odfv",
// "on_demand_view", "service" (for CLI flags). InvalidArgument otherwise.
Result<ObjectKind> ParseObjectKind(std::string_view text);

struct RegistryOptions {
  // Open for reading only (list, describe, search, lineage, plan): the file
  // must exist and be a registry; nothing is written, no pragma is changed
  // and no -wal/-shm/-journal file is left behind, also when the file or
  // its folder is read-only (SqliteOpenOptions::Mode::kRead). Apply fails.
  bool read_only = false;
  // Milliseconds a statement waits for another process's lock.
  int busy_timeout_ms = 5000;
  // How messages name the file ("registry 'data/registry.db' is read-only");
  // the path when empty.
  std::string display_name;
  // Test hook: the registered SQLite VFS to use (fault injection); the
  // default VFS when empty.
  std::string vfs;
  // Test hook: the clock Apply records (micros UTC); NowMicros when empty.
  std::function<int64_t()> clock;
  // Test hook: called during Apply after each object's changes are written,
  // with "<kind>/<name>", inside the transaction. A non-OK status aborts the
  // apply, which then rolls back and returns that status.
  std::function<Status(const std::string& step)> apply_hook;
};

struct ApplyResult {
  Plan plan;                     // what was applied (entries of every object)
  bool changed = false;          // false: nothing was written
  int64_t registry_version = 0;  // after the apply
};

struct ListFilter {
  std::map<std::string, std::string> tags;  // every key=value must match
  std::string owner;                        // empty: any owner
  bool include_deleted = false;
};

struct ObjectSummary {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  int64_t version = 0;  // current (or, when deleted, last) version
  std::string description;
  std::string owner;
  std::map<std::string, std::string> tags;
  bool deleted = false;
  int64_t updated_at = 0;  // micros UTC of the last history event
};

enum class HistoryEvent { kCreated, kUpdated, kDocChange, kDeleted };
const char* HistoryEventName(HistoryEvent event);  // "created", "updated", "doc_change", "deleted"

struct HistoryEntry {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  int64_t version = 0;  // the version the event produced or concerned
  HistoryEvent event = HistoryEvent::kCreated;
  int64_t at = 0;  // micros UTC
  std::string by;
  int64_t registry_version = 0;  // the apply that recorded it
  // kDocChange: the doc before and after (canonical doc JSON); else empty.
  std::string old_doc_json;
  std::string new_doc_json;
};

struct ObjectDescription {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  int64_t version = 0;          // the version described
  int64_t current_version = 0;  // the object's current (or last) version
  bool deleted = false;
  std::string definition_json;  // canonical, as stored for `version`
  std::string logic_hash;
  std::string doc_json;
  int64_t applied_at = 0;  // when `version` was written (micros UTC)
  std::string applied_by;
  std::vector<HistoryEntry> history;  // the object's whole history, oldest first
};

// The live (not deleted) objects of a registry at their current versions,
// decoded from their stored definitions (definitions_json.h).
struct LiveDefinitions {
  RepoDefinitions definitions;            // each list in name order
  std::map<ObjectRef, int64_t> versions;  // current version of each object
  int64_t registry_version = 0;
};

// What the online store holds of one feature view version (issue 9,
// materialization; DESIGN.md section 3 "Online = offline at the
// materialized time").
struct MaterializedView {
  std::string view;
  int64_t version = 0;
  // Merged, sorted, disjoint (start, end] intervals in micros UTC: one entry
  // per gap-free stretch, never one per run.
  std::vector<std::pair<int64_t, int64_t>> intervals;
  // Every row of the view's source log with _ingest_seq <= log_seq has been
  // applied (incremental runs follow the ingest sequence; 0: none).
  int64_t log_seq = 0;
  int64_t updated_at = 0;  // micros UTC of the last record
};

class Registry {
 public:
  // Opens the registry at `db_path`. For writing (the default), creates the
  // file, its parent folders and the schema when absent. For reading
  // (options.read_only), fails with NotFound when the file does not exist or
  // holds no registry yet. Fails with IOError when the file cannot be opened
  // or created or (for writing) is read-only, Corruption when it is not a
  // registry (or a newer schema version than this build knows), in both
  // cases before anything in the file is changed. Messages are one line
  // naming the file (sqlite_db.h).
  static Result<std::unique_ptr<Registry>> Open(const std::string& db_path,
                                                RegistryOptions options = {});

  // What `tessera apply` does: applies `defs` to the registry at `db_path`,
  // creating it when absent. A new registry is built whole in a temporary
  // file next to `db_path` ("<db_path>.tmp-XXXXXX", removed on SIGINT/
  // SIGTERM too) and only then linked into place, so a failure or a crash
  // never leaves a partial registry at `db_path`; folders it created for
  // it are removed again when it fails. When another process creates the
  // registry meanwhile, applies to that one instead (Open + Apply). An
  // existing registry is opened and applied to in one transaction (Apply).
  // `env` does the folder, link and clean-up calls (SQLite's own I/O goes
  // through options.vfs); not owned.
  static Result<ApplyResult> ApplyTo(const std::string& db_path, RegistryOptions options,
                                     const RepoDefinitions& defs, const std::string& user,
                                     Env* env = Env::Default());
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const std::string& path() const { return path_; }

  // The diff of `defs` against the stored definitions; writes nothing.
  // Fails with InvalidArgument when a pinned reference ("view@N:feature")
  // names a version that is neither stored nor created by this plan, or a
  // feature that version lacks: the message holds one "file:line: reason"
  // line per broken pin (pinned_refs.h).
  Result<Plan> ComputePlan(const RepoDefinitions& defs) const;

  // Applies `defs` as the whole new content of the registry, in one
  // transaction: every change or none. `user` is recorded as applied_by.
  // Unchanged definitions write nothing (changed == false). Pins are
  // checked as in ComputePlan, inside the transaction, before any write.
  Result<ApplyResult> Apply(const RepoDefinitions& defs, const std::string& user);

  // The registry version: 0 for a new registry, +1 per apply that changed
  // something.
  Result<int64_t> Version() const;

  // Summaries of the objects of `kind` (all kinds when nullopt) matching
  // `filter`, in kind then name order.
  Result<std::vector<ObjectSummary>> List(std::optional<ObjectKind> kind,
                                          const ListFilter& filter = {}) const;

  // The stored definition of `name` at `version` (current when nullopt).
  // NotFound when no such object or version; InvalidArgument naming the kinds
  // when `kind` is nullopt and live objects of several kinds have the name
  // (a live object wins over deleted ones of other kinds). The JSON texts
  // (definition, doc, history's docs) are for display: the credentials in
  // their urls are masked (redacted_json.h).
  Result<ObjectDescription> Describe(const std::string& name,
                                     std::optional<ObjectKind> kind = std::nullopt,
                                     std::optional<int64_t> version = std::nullopt) const;

  // The history of `name`, oldest first (same name resolution as Describe;
  // urls masked as there).
  Result<std::vector<HistoryEntry>> History(const std::string& name,
                                            std::optional<ObjectKind> kind = std::nullopt) const;

  // Lineage of `name` over the current definitions of live objects (same
  // name resolution as Describe).
  Result<LineageGraph> Lineage(const std::string& name, LineageDirection direction, bool transitive,
                               std::optional<ObjectKind> kind = std::nullopt) const;

  // Ranked search over live objects (search.h for the scoring).
  Result<std::vector<SearchResult>> Search(std::string_view text) const;

  // Every live object at its current version, read in one transaction (so
  // of one apply). Corruption naming the object when a stored definition
  // does not decode.
  Result<LiveDefinitions> LiveDefinitionsNow() const;

  // Feature view `name` as it was at `version` (for pinned references,
  // `view@2:feature`), also when the view has since been deleted. NotFound
  // "feature-view 'v' has no version 3 (versions 1 to 2)" or when no view
  // has the name.
  Result<FeatureView> FeatureViewAt(const std::string& name, int64_t version) const;

  // Records that `view` version `version` now holds the rows of
  // (start, end] and of its source log up to `log_seq` (kept as the max of
  // the recorded ones), merging the interval with those recorded before, in
  // one transaction. Does not change the registry's version (an apply
  // counter). InvalidArgument when start >= end; NotFound for an unknown
  // view or version.
  Status RecordMaterialized(const std::string& view, int64_t version, int64_t start, int64_t end,
                            int64_t log_seq);
  // Every materialized view version, by view name then version.
  Result<std::vector<MaterializedView>> MaterializedViews() const;

 private:
  Registry(std::string path, std::unique_ptr<SqliteDb> db, RegistryOptions options);

  Result<std::vector<StoredObjectState>> LoadStates() const;
  // InvalidArgument listing the broken pins of `defs` (plan: its diff).
  Status CheckPins(const RepoDefinitions& defs, const Plan& plan) const;
  Result<ObjectRef> Resolve(const std::string& name, std::optional<ObjectKind> kind) const;

  std::string path_;
  std::unique_ptr<SqliteDb> db_;
  RegistryOptions options_;
};

}  // namespace tessera::registry
