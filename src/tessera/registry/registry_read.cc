// Registry reads: name resolution, List, Describe and History.
#include <algorithm>
#include <tuple>

#include "tessera/registry/object_kinds.h"
#include "tessera/registry/redacted_json.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {
namespace {

using internal::KindDbName;
using internal::KindFromDb;

// "feature-view 'user_spend'" for messages (object_kinds.h spellings).
std::string RefName(const ObjectRef& ref) {
  return std::string(KindDisplayName(ref.kind)) + " '" + ref.name + "'";
}

Result<std::map<ObjectRef, std::map<std::string, std::string>>> LoadTags(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT kind, name, key, value FROM object_tags"));
  std::map<ObjectRef, std::map<std::string, std::string>> tags;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    TS_ASSIGN_OR_RETURN(ObjectKind kind, KindFromDb(db, stmt.ColumnText(0)));
    tags[ObjectRef{kind, stmt.ColumnText(1)}][stmt.ColumnText(2)] = stmt.ColumnText(3);
  }
  return tags;
}

bool Matches(const ObjectSummary& s, const ListFilter& filter) {
  if (s.deleted && !filter.include_deleted) return false;
  if (!filter.owner.empty() && s.owner != filter.owner) return false;
  for (const auto& [key, value] : filter.tags) {
    auto it = s.tags.find(key);
    if (it == s.tags.end() || it->second != value) return false;
  }
  return true;
}

Result<std::vector<HistoryEntry>> LoadHistory(SqliteDb* db, const ObjectRef& ref) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT version, event, at, by, registry_version, old_doc_json, "
                                  "new_doc_json FROM history WHERE kind = ? AND name = ? "
                                  "ORDER BY seq"));
  TS_RETURN_NOT_OK(stmt.BindAll(KindDbName(ref.kind), ref.name));
  std::vector<HistoryEntry> entries;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    HistoryEntry e;
    e.kind = ref.kind;
    e.name = ref.name;
    e.version = stmt.ColumnInt64(0);
    TS_ASSIGN_OR_RETURN(e.event, internal::EventFromDb(db, stmt.ColumnText(1)));
    e.at = stmt.ColumnInt64(2);
    e.by = stmt.ColumnText(3);
    e.registry_version = stmt.ColumnInt64(4);
    e.old_doc_json = RedactUrlCredentials(stmt.ColumnText(5));
    e.new_doc_json = RedactUrlCredentials(stmt.ColumnText(6));
    entries.push_back(std::move(e));
  }
  return entries;
}

// Fills the version part of `out` (definition, hash, doc, applied_at/by).
Status LoadVersion(SqliteDb* db, int64_t version, ObjectDescription* out) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT definition_json, logic_hash, doc_json, applied_at, "
                                  "applied_by FROM object_versions WHERE kind = ? AND name = ? "
                                  "AND version = ?"));
  TS_RETURN_NOT_OK(stmt.BindAll(KindDbName(out->kind), out->name, version));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return Status::NotFound(RefName({out->kind, out->name}) + " has no version " +
                            std::to_string(version) + " (versions 1 to " +
                            std::to_string(out->current_version) + ")");
  }
  out->version = version;
  out->definition_json = RedactUrlCredentials(stmt.ColumnText(0));
  out->logic_hash = stmt.ColumnText(1);
  out->doc_json = RedactUrlCredentials(stmt.ColumnText(2));
  out->applied_at = stmt.ColumnInt64(3);
  out->applied_by = stmt.ColumnText(4);
  return Status::OK();
}

}  // namespace

Result<ObjectRef> Registry::Resolve(const std::string& name, std::optional<ObjectKind> kind) const {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db_->Prepare("SELECT kind, deleted FROM objects WHERE name = ?"));
  TS_RETURN_NOT_OK(stmt.Bind(1, name));
  std::vector<ObjectRef> live, deleted;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    TS_ASSIGN_OR_RETURN(ObjectKind k, KindFromDb(db_.get(), stmt.ColumnText(0)));
    if (kind && *kind != k) continue;
    (stmt.ColumnInt64(1) != 0 ? deleted : live).push_back({k, name});
  }
  const std::vector<ObjectRef>& candidates = live.empty() ? deleted : live;
  if (candidates.empty()) {
    std::string what = kind ? std::string(KindDisplayName(*kind)) + " " : "object ";
    return Status::NotFound("no " + what + "named '" + name + "' in registry " + path_);
  }
  if (candidates.size() == 1) return candidates[0];
  std::string kinds;
  for (const ObjectRef& ref : candidates) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(KindDisplayName(ref.kind));
  }
  return Status::Invalid("name '" + name + "' is ambiguous (" + kinds +
                         "); give the kind (--kind)");
}

Result<std::vector<ObjectSummary>> Registry::List(std::optional<ObjectKind> kind,
                                                  const ListFilter& filter) const {
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred));
  TS_ASSIGN_OR_RETURN(auto tags, LoadTags(db_.get()));
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db_->Prepare("SELECT kind, name, current_version, deleted, description, "
                                   "owner, updated_at FROM objects"));
  std::vector<ObjectSummary> out;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ObjectSummary s;
    TS_ASSIGN_OR_RETURN(s.kind, KindFromDb(db_.get(), stmt.ColumnText(0)));
    if (kind && *kind != s.kind) continue;
    s.name = stmt.ColumnText(1);
    s.version = stmt.ColumnInt64(2);
    s.deleted = stmt.ColumnInt64(3) != 0;
    s.description = stmt.ColumnText(4);
    s.owner = stmt.ColumnText(5);
    s.updated_at = stmt.ColumnInt64(6);
    s.tags = tags[ObjectRef{s.kind, s.name}];
    if (Matches(s, filter)) out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const ObjectSummary& a, const ObjectSummary& b) {
    return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
  });
  return out;
}

Result<ObjectDescription> Registry::Describe(const std::string& name,
                                             std::optional<ObjectKind> kind,
                                             std::optional<int64_t> version) const {
  // One read transaction: the version and the history are of the same apply.
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred));
  TS_ASSIGN_OR_RETURN(ObjectRef ref, Resolve(name, kind));
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db_->Prepare("SELECT current_version, deleted FROM objects "
                                   "WHERE kind = ? AND name = ?"));
  TS_RETURN_NOT_OK(stmt.BindAll(KindDbName(ref.kind), ref.name));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound(RefName(ref) + " vanished from registry " + path_);
  ObjectDescription out;
  out.kind = ref.kind;
  out.name = ref.name;
  out.current_version = stmt.ColumnInt64(0);
  out.deleted = stmt.ColumnInt64(1) != 0;
  TS_RETURN_NOT_OK(LoadVersion(db_.get(), version.value_or(out.current_version), &out));
  TS_ASSIGN_OR_RETURN(out.history, LoadHistory(db_.get(), ref));
  return out;
}

Result<std::vector<HistoryEntry>> Registry::History(const std::string& name,
                                                    std::optional<ObjectKind> kind) const {
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred));
  TS_ASSIGN_OR_RETURN(ObjectRef ref, Resolve(name, kind));
  return LoadHistory(db_.get(), ref);
}

}  // namespace tessera::registry
