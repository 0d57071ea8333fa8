// Registry::Apply: writes a plan in one transaction. Each step below writes
// one kind of row; a failure anywhere returns early and the transaction's
// destructor rolls everything back.
#include <map>

#include "tessera/core/time.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {
namespace {

using internal::KindDbName;
using internal::ObjectRows;

// What every write of one apply shares.
struct ApplyContext {
  SqliteDb* db;
  int64_t registry_version;  // the version this apply produces
  int64_t now;
  const std::string& user;
};

Status Run(SqliteDb* db, std::string_view sql, const auto&... args) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt, db->Prepare(sql));
  TS_RETURN_NOT_OK(stmt.BindAll(args...));
  return stmt.Run();
}

Status UpsertObject(const ApplyContext& ctx, const PlanEntry& entry, const ObjectDoc& doc) {
  // created_at keeps the first creation; everything else is the current state.
  return Run(ctx.db,
             "INSERT INTO objects (kind, name, current_version, deleted, description, owner, "
             "created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?) "
             "ON CONFLICT (kind, name) DO UPDATE SET current_version = excluded.current_version, "
             "deleted = 0, description = excluded.description, owner = excluded.owner, "
             "updated_at = excluded.updated_at",
             KindDbName(entry.kind), entry.name, entry.next_version, doc.description, doc.owner,
             ctx.now, ctx.now);
}

Status InsertVersion(const ApplyContext& ctx, const PlanEntry& entry, const CanonicalForm& form) {
  return Run(ctx.db,
             "INSERT INTO object_versions (kind, name, version, definition_json, logic_json, "
             "logic_hash, doc_json, applied_at, applied_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             KindDbName(entry.kind), entry.name, entry.next_version, form.definition_json,
             form.logic_json, form.logic_hash, form.doc_json, ctx.now, ctx.user);
}

// A doc-only change rewrites the current version's doc (and the definition,
// which embeds it); the logic and the version's applied_at/by stay.
Status UpdateVersionDoc(const ApplyContext& ctx, const PlanEntry& entry,
                        const CanonicalForm& form) {
  return Run(ctx.db,
             "UPDATE object_versions SET doc_json = ?, definition_json = ? "
             "WHERE kind = ? AND name = ? AND version = ?",
             form.doc_json, form.definition_json, KindDbName(entry.kind), entry.name,
             entry.current_version);
}

Status InsertHistory(const ApplyContext& ctx, const PlanEntry& entry, HistoryEvent event,
                     const std::string& old_doc, const std::string& new_doc) {
  return Run(ctx.db,
             "INSERT INTO history (registry_version, kind, name, version, event, at, by, "
             "old_doc_json, new_doc_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             ctx.registry_version, KindDbName(entry.kind), entry.name, entry.next_version,
             internal::EventDbName(event), ctx.now, ctx.user, old_doc, new_doc);
}

Status DeleteDerived(const ApplyContext& ctx, const PlanEntry& entry, bool keep_doc_rows) {
  const char* kind = KindDbName(entry.kind);
  TS_RETURN_NOT_OK(
      Run(ctx.db, "DELETE FROM dependencies WHERE kind = ? AND name = ?", kind, entry.name));
  if (keep_doc_rows) return Status::OK();
  TS_RETURN_NOT_OK(
      Run(ctx.db, "DELETE FROM object_tags WHERE kind = ? AND name = ?", kind, entry.name));
  return Run(ctx.db, "DELETE FROM object_features WHERE kind = ? AND name = ?", kind, entry.name);
}

// Tags, features and lineage edges of the object's new current definition.
Status ReplaceDerived(const ApplyContext& ctx, const PlanEntry& entry, const ObjectRows& rows) {
  TS_RETURN_NOT_OK(DeleteDerived(ctx, entry, /*keep_doc_rows=*/false));
  const char* kind = KindDbName(entry.kind);
  for (const auto& [key, value] : rows.doc.tags) {
    TS_RETURN_NOT_OK(
        Run(ctx.db, "INSERT INTO object_tags VALUES (?, ?, ?, ?)", kind, entry.name, key, value));
  }
  for (const std::string& feature : rows.feature_names) {
    TS_RETURN_NOT_OK(Run(ctx.db, "INSERT OR IGNORE INTO object_features VALUES (?, ?, ?)", kind,
                         entry.name, feature));
  }
  for (const DependencyEdge& edge : rows.edges) {
    TS_RETURN_NOT_OK(Run(ctx.db, "INSERT OR IGNORE INTO dependencies VALUES (?, ?, ?, ?, ?, ?)",
                         kind, entry.name, KindDbName(edge.to.kind), edge.to.name, edge.relation,
                         edge.detail));
  }
  return Status::OK();
}

Status WriteNewVersion(const ApplyContext& ctx, const PlanEntry& entry, const CanonicalForm& form,
                       const ObjectRows& rows, const StoredObjectState* stored) {
  TS_RETURN_NOT_OK(UpsertObject(ctx, entry, rows.doc));
  TS_RETURN_NOT_OK(InsertVersion(ctx, entry, form));
  bool created = entry.change == ChangeKind::kAdded;
  std::string old_doc = (!created && entry.doc_changed) ? stored->doc_json : "";
  std::string new_doc = (!created && entry.doc_changed) ? form.doc_json : "";
  TS_RETURN_NOT_OK(InsertHistory(
      ctx, entry, created ? HistoryEvent::kCreated : HistoryEvent::kUpdated, old_doc, new_doc));
  return ReplaceDerived(ctx, entry, rows);
}

Status WriteDocChange(const ApplyContext& ctx, const PlanEntry& entry, const CanonicalForm& form,
                      const ObjectRows& rows, const StoredObjectState& stored) {
  TS_RETURN_NOT_OK(UpsertObject(ctx, entry, rows.doc));
  TS_RETURN_NOT_OK(UpdateVersionDoc(ctx, entry, form));
  TS_RETURN_NOT_OK(
      InsertHistory(ctx, entry, HistoryEvent::kDocChange, stored.doc_json, form.doc_json));
  return ReplaceDerived(ctx, entry, rows);
}

Status WriteRemoval(const ApplyContext& ctx, const PlanEntry& entry) {
  TS_RETURN_NOT_OK(Run(ctx.db,
                       "UPDATE objects SET deleted = 1, updated_at = ? WHERE kind = ? AND name = ?",
                       ctx.now, KindDbName(entry.kind), entry.name));
  TS_RETURN_NOT_OK(InsertHistory(ctx, entry, HistoryEvent::kDeleted, "", ""));
  // Lineage is over live objects only; the doc rows stay for listing deleted.
  return DeleteDerived(ctx, entry, /*keep_doc_rows=*/true);
}

using Key = std::pair<ObjectKind, std::string>;

// The inputs of one apply, by object.
struct ApplyInputs {
  std::map<Key, const CanonicalForm*> forms;
  std::map<Key, const StoredObjectState*> states;
  std::map<ObjectRef, ObjectRows> rows;
};

ApplyInputs IndexInputs(const std::vector<CanonicalForm>& forms,
                        const std::vector<StoredObjectState>& states, const RepoDefinitions& defs) {
  ApplyInputs in;
  for (const CanonicalForm& form : forms) in.forms[{form.kind, form.name}] = &form;
  for (const StoredObjectState& state : states) in.states[{state.kind, state.name}] = &state;
  in.rows = internal::DeriveObjectRows(defs);
  return in;
}

// Writes one changed object. REQUIRES: entry.change != kUnchanged.
Status WriteEntry(const ApplyContext& ctx, const PlanEntry& entry, const ApplyInputs& in) {
  if (entry.change == ChangeKind::kRemoved) return WriteRemoval(ctx, entry);
  Key key{entry.kind, entry.name};
  auto state = in.states.find(key);
  const StoredObjectState* stored = state == in.states.end() ? nullptr : state->second;
  const CanonicalForm& form = *in.forms.at(key);
  static const ObjectRows kNoRows;
  auto rows_it = in.rows.find(ObjectRef{entry.kind, entry.name});
  const ObjectRows& rows = rows_it == in.rows.end() ? kNoRows : rows_it->second;
  if (entry.IsDocOnly()) return WriteDocChange(ctx, entry, form, rows, *stored);
  return WriteNewVersion(ctx, entry, form, rows, stored);
}

}  // namespace

Result<ApplyResult> Registry::Apply(const RepoDefinitions& defs, const std::string& user) {
  if (db_->read_only()) {
    return Status::Internal(db_->Label() + " was opened for reading; cannot apply");
  }
  TS_ASSIGN_OR_RETURN(std::vector<CanonicalForm> forms, CanonicalizeAll(defs));
  // The write lock is taken before reading, so the plan cannot go stale
  // between reading and writing when another process applies too.
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kImmediate));
  TS_ASSIGN_OR_RETURN(std::vector<StoredObjectState> states, LoadStates());
  TS_ASSIGN_OR_RETURN(int64_t version, Version());
  ApplyResult result{DiffObjects(states, forms), false, version};
  TS_RETURN_NOT_OK(CheckPins(defs, result.plan));
  if (!result.plan.HasChanges()) return result;  // rolls back a transaction that wrote nothing

  ApplyInputs inputs = IndexInputs(forms, states, defs);
  ApplyContext ctx{db_.get(), version + 1, options_.clock ? options_.clock() : NowMicros(), user};
  for (const PlanEntry& entry : result.plan.entries) {
    if (entry.change == ChangeKind::kUnchanged) continue;
    TS_RETURN_NOT_OK(WriteEntry(ctx, entry, inputs));
    if (options_.apply_hook) {
      TS_RETURN_NOT_OK(options_.apply_hook(std::string(KindDbName(entry.kind)) + "/" + entry.name));
    }
  }
  TS_RETURN_NOT_OK(Run(db_.get(),
                       "UPDATE registry_meta SET value = ? WHERE key = 'registry_version'",
                       ctx.registry_version));
  TS_RETURN_NOT_OK(txn.Commit());
  result.changed = true;
  result.registry_version = ctx.registry_version;
  return result;
}

}  // namespace tessera::registry
