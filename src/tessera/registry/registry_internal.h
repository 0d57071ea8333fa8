// Internal to the registry's .cc files (not a public interface): the stable
// spellings of kinds and events in the database, the per-object rows the
// registry derives from a repo's definitions (doc, feature names, edges), and
// the schema.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/lineage.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/sqlite_db.h"

namespace tessera::registry::internal {

// The schema version this build writes; Open migrates older files up to it
// and refuses newer ones. 2: the same tables, with every stored `expr` in
// its canonical text (expr::Canonicalize) and hashes over that form; a
// version 1 file is rewritten so when opened for writing, and read as is
// (LoadStates compares it by the canonical hash) when opened for reading.
constexpr int64_t kSchemaVersion = 2;

// What VerifySchema found: an empty database (no tables: a new registry) or
// a registry of a schema version this build reads.
enum class SchemaState { kEmpty, kCurrent };

// Checks, reading only, that `db` is empty or a Tessera registry of a
// schema version this build knows. Corruption ("not a Tessera registry",
// "schema version N, newer than this binary's") otherwise.
Result<SchemaState> VerifySchema(SqliteDb* db);

// For a database opened for writing: verifies it (as VerifySchema), then
// switches it to WAL and creates the schema when it is empty. Writes
// nothing to a current registry already in WAL mode.
Status EnsureSchema(SqliteDb* db);

// Creates the materialization tables when absent (registry_schema.cc), in
// the caller's write transaction.
Status CreateMaterializedTables(SqliteDb* db);

// (start, end] intervals sorted and merged: overlapping or touching ones
// ((a,b] and (b,c]) become one.
std::vector<std::pair<int64_t, int64_t>> MergeIntervals(
    std::vector<std::pair<int64_t, int64_t>> intervals);

// Spellings stored in the database. They never change (a rename would need a
// schema migration), independently of how the CLI prints kinds.
const char* KindDbName(ObjectKind kind);
Result<ObjectKind> KindFromDb(SqliteDb* db, std::string_view text);
const char* EventDbName(HistoryEvent event);
Result<HistoryEvent> EventFromDb(SqliteDb* db, std::string_view text);

// What the registry stores of an object besides its canonical form: the doc
// (for listing and search), the names it exposes as features (views'
// features, entities' join keys, sources' schema fields) and its outgoing
// lineage edges.
struct ObjectRows {
  ObjectDoc doc;
  std::vector<std::string> feature_names;
  std::vector<DependencyEdge> edges;
};
std::map<ObjectRef, ObjectRows> DeriveObjectRows(const RepoDefinitions& defs);

// How messages name the registry at `db_path` before it is open:
// "registry 'NAME'", NAME the options' display name, else the path (once
// open, SqliteDb::Label() says the same).
std::string RegistryLabel(const std::string& db_path, const RegistryOptions& options);

}  // namespace tessera::registry::internal
