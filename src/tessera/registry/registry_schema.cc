// The registry's SQLite schema (docs/REGISTRY.md describes it) and its
// creation and migration.
#include <string>
#include <vector>

#include "tessera/core/sha256.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry::internal {
namespace {

// Version 1. Kinds and events are stored as text (KindDbName, EventDbName);
// times are micros since the epoch, UTC.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_version (
  version INTEGER NOT NULL
);
CREATE TABLE registry_meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE objects (
  kind            TEXT NOT NULL,
  name            TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  deleted         INTEGER NOT NULL DEFAULT 0,
  description     TEXT NOT NULL DEFAULT '',
  owner           TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
CREATE INDEX objects_by_name ON objects (name);
CREATE TABLE object_versions (
  kind            TEXT NOT NULL,
  name            TEXT NOT NULL,
  version         INTEGER NOT NULL,
  definition_json TEXT NOT NULL,
  logic_json      TEXT NOT NULL,
  logic_hash      TEXT NOT NULL,
  doc_json        TEXT NOT NULL,
  applied_at      INTEGER NOT NULL,
  applied_by      TEXT NOT NULL,
  PRIMARY KEY (kind, name, version)
) WITHOUT ROWID;
CREATE TABLE history (
  seq              INTEGER PRIMARY KEY,
  registry_version INTEGER NOT NULL,
  kind             TEXT NOT NULL,
  name             TEXT NOT NULL,
  version          INTEGER NOT NULL,
  event            TEXT NOT NULL,
  at               INTEGER NOT NULL,
  by               TEXT NOT NULL,
  old_doc_json     TEXT NOT NULL DEFAULT '',
  new_doc_json     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_by_object ON history (kind, name, seq);
CREATE TABLE object_tags (
  kind  TEXT NOT NULL,
  name  TEXT NOT NULL,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, name, key)
) WITHOUT ROWID;
CREATE TABLE object_features (
  kind    TEXT NOT NULL,
  name    TEXT NOT NULL,
  feature TEXT NOT NULL,
  PRIMARY KEY (kind, name, feature)
) WITHOUT ROWID;
CREATE TABLE dependencies (
  kind     TEXT NOT NULL,
  name     TEXT NOT NULL,
  dep_kind TEXT NOT NULL,
  dep_name TEXT NOT NULL,
  relation TEXT NOT NULL,
  detail   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (kind, name, dep_kind, dep_name, relation)
) WITHOUT ROWID;
CREATE INDEX dependencies_by_target ON dependencies (dep_kind, dep_name);
INSERT INTO schema_version (version) VALUES (1);
INSERT INTO registry_meta (key, value) VALUES ('registry_version', 0);
)sql";

// Materialization records (registry_materialized.cc): added after schema
// version 2 without a version bump, so older binaries keep opening newer
// files; created with a new registry and, in a registry from before, by the
// first RecordMaterialized.
constexpr const char* kMaterializedTables = R"sql(
CREATE TABLE IF NOT EXISTS materialized_views (
  view       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  log_seq    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (view, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS materialized_intervals (
  view         TEXT NOT NULL,
  version      INTEGER NOT NULL,
  start_micros INTEGER NOT NULL,
  end_micros   INTEGER NOT NULL,
  PRIMARY KEY (view, version, start_micros)
) WITHOUT ROWID;
)sql";

Result<int64_t> CountTables(SqliteDb* db, bool only_schema_version) {
  std::string sql =
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  if (only_schema_version) sql += " AND name = 'schema_version'";
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt, db->Prepare(sql));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("count(*) returned no row");
  return stmt.ColumnInt64(0);
}

Result<int64_t> ReadSchemaVersion(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt, db->Prepare("SELECT max(version) FROM schema_version"));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnIsNull(0)) {
    return Status::Corruption(db->Label() + " is damaged: its schema version is missing");
  }
  return stmt.ColumnInt64(0);
}

// Checks the version of an existing registry. Future schema versions add
// their migration steps here (v1 -> v2, ...), each in the open transaction.
Status CheckVersion(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(int64_t version, ReadSchemaVersion(db));
  if (version > kSchemaVersion) {
    return Status::Corruption(db->Label() + " has schema version " + std::to_string(version) +
                              ", newer than this binary's " + std::to_string(kSchemaVersion) +
                              " (use a newer tessera)");
  }
  if (version < 1) {
    return Status::Corruption(db->Label() + " is damaged: bad schema version " +
                              std::to_string(version));
  }
  return Status::OK();
}

// Version 1 -> 2, in the caller's transaction: each stored version's
// expressions in their canonical text, its logic hash over the rewritten
// logic. Versions keep their numbers: the meaning did not change.
Status MigrateToCanonicalExprs(SqliteDb* db) {
  struct Row {
    std::string kind, name;
    int64_t version;
    std::string logic, definition;
  };
  std::vector<Row> rows;
  {
    TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                        db->Prepare("SELECT kind, name, version, logic_json, definition_json "
                                    "FROM object_versions"));
    while (true) {
      TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      rows.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt64(2),
                      stmt.ColumnText(3), stmt.ColumnText(4)});
    }
  }
  for (const Row& r : rows) {
    TS_ASSIGN_OR_RETURN(std::string logic, CanonicalizeStoredExprs(r.logic));
    TS_ASSIGN_OR_RETURN(std::string definition, CanonicalizeStoredExprs(r.definition));
    if (logic == r.logic && definition == r.definition) continue;
    TS_ASSIGN_OR_RETURN(SqliteStatement update,
                        db->Prepare("UPDATE object_versions SET logic_json = ?, "
                                    "definition_json = ?, logic_hash = ? "
                                    "WHERE kind = ? AND name = ? AND version = ?"));
    TS_RETURN_NOT_OK(
        update.BindAll(logic, definition, Sha256Hex(logic), r.kind, r.name, r.version));
    TS_RETURN_NOT_OK(update.Run());
  }
  return db->Exec("UPDATE schema_version SET version = 2");
}

// Brings a registry opened for writing up to kSchemaVersion, under the
// write lock (another process may have migrated it meanwhile).
Status Migrate(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(int64_t version, ReadSchemaVersion(db));
  if (version >= kSchemaVersion) return Status::OK();
  TS_ASSIGN_OR_RETURN(auto txn, SqliteTransaction::Begin(db, SqliteTransaction::Mode::kImmediate));
  TS_ASSIGN_OR_RETURN(version, ReadSchemaVersion(db));
  if (version == 1) TS_RETURN_NOT_OK(MigrateToCanonicalExprs(db));
  return txn.Commit();
}

// Creates the schema, under the write lock so that two processes opening a
// new file at once do not both create it.
Status NotARegistry(SqliteDb* db) {
  return Status::Corruption(db->Label() +
                            " is not a Tessera registry (an SQLite database with other tables)");
}

Status CreateSchema(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(auto txn, SqliteTransaction::Begin(db, SqliteTransaction::Mode::kImmediate));
  TS_ASSIGN_OR_RETURN(int64_t registry_tables, CountTables(db, /*only_schema_version=*/true));
  if (registry_tables > 0) return txn.Commit();  // another process created it
  TS_ASSIGN_OR_RETURN(int64_t tables, CountTables(db, /*only_schema_version=*/false));
  if (tables > 0) {
    return NotARegistry(db);
  }
  TS_RETURN_NOT_OK(db->Exec(kSchemaV1));
  TS_RETURN_NOT_OK(CreateMaterializedTables(db));
  TS_RETURN_NOT_OK(MigrateToCanonicalExprs(db));  // nothing stored yet: sets the version
  return txn.Commit();
}

// Called only on a verified (or new, empty) registry opened for writing:
// a foreign file never has its journal mode changed.
Status EnableWal(SqliteDb* db) {
  // The pragma returns the mode now in effect; a file that cannot use WAL
  // (e.g. on some network file systems) keeps its mode, which is still safe.
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt, db->Prepare("PRAGMA journal_mode = WAL"));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  (void)row;
  return Status::OK();
}

}  // namespace

Status CreateMaterializedTables(SqliteDb* db) { return db->Exec(kMaterializedTables); }

Result<SchemaState> VerifySchema(SqliteDb* db) {
  // Reads only: sqlite_master and, for a registry, schema_version.
  TS_ASSIGN_OR_RETURN(int64_t registry_tables, CountTables(db, /*only_schema_version=*/true));
  if (registry_tables == 0) {
    TS_ASSIGN_OR_RETURN(int64_t tables, CountTables(db, /*only_schema_version=*/false));
    if (tables > 0) return NotARegistry(db);
    return SchemaState::kEmpty;
  }
  TS_RETURN_NOT_OK(CheckVersion(db));
  return SchemaState::kCurrent;
}

Status EnsureSchema(SqliteDb* db) {
  // Verified before any pragma or write, so that a foreign or newer file is
  // refused untouched.
  TS_ASSIGN_OR_RETURN(SchemaState state, VerifySchema(db));
  TS_RETURN_NOT_OK(EnableWal(db));
  if (state == SchemaState::kEmpty) {
    TS_RETURN_NOT_OK(CreateSchema(db));
    return CheckVersion(db);
  }
  return Migrate(db);
}

}  // namespace tessera::registry::internal
