// Registry: opening the file, reading the registry version and the stored
// object states, and the plan (which writes nothing).
#include <filesystem>
#include <system_error>

#include "tessera/core/sha256.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {

std::string internal::RegistryLabel(const std::string& db_path, const RegistryOptions& options) {
  return "registry '" + (options.display_name.empty() ? db_path : options.display_name) + "'";
}

Registry::Registry(std::string path, std::unique_ptr<SqliteDb> db, RegistryOptions options)
    : path_(std::move(path)), db_(std::move(db)), options_(std::move(options)) {}

Registry::~Registry() = default;

namespace {

SqliteOpenOptions SqliteOptions(const RegistryOptions& options) {
  SqliteOpenOptions sqlite;
  sqlite.mode =
      options.read_only ? SqliteOpenOptions::Mode::kRead : SqliteOpenOptions::Mode::kWrite;
  sqlite.busy_timeout_ms = options.busy_timeout_ms;
  sqlite.display_name = options.display_name;
  sqlite.vfs = options.vfs;
  return sqlite;
}

Result<std::unique_ptr<SqliteDb>> OpenForReading(const std::string& db_path,
                                                 const RegistryOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    return Status::NotFound("no " + internal::RegistryLabel(db_path, options) +
                            " yet; run tessera apply first");
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                      SqliteDb::Open(db_path, SqliteOptions(options)));
  TS_ASSIGN_OR_RETURN(internal::SchemaState state, internal::VerifySchema(db.get()));
  if (state == internal::SchemaState::kEmpty) {
    return Status::NotFound(internal::RegistryLabel(db_path, options) +
                            " is empty; run tessera apply first");
  }
  return db;
}

Result<std::unique_ptr<SqliteDb>> OpenForWriting(const std::string& db_path,
                                                 const RegistryOptions& options) {
  std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status::IOError(internal::RegistryLabel(db_path, options) +
                             ": cannot create its folder '" + parent.string() + "' (" +
                             ec.message() + ")");
    }
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                      SqliteDb::Open(db_path, SqliteOptions(options)));
  TS_RETURN_NOT_OK(internal::EnsureSchema(db.get()));
  return db;
}

}  // namespace

Result<std::unique_ptr<Registry>> Registry::Open(const std::string& db_path,
                                                 RegistryOptions options) {
  std::unique_ptr<SqliteDb> db;
  if (options.read_only) {
    TS_ASSIGN_OR_RETURN(db, OpenForReading(db_path, options));
  } else {
    TS_ASSIGN_OR_RETURN(db, OpenForWriting(db_path, options));
  }
  return std::unique_ptr<Registry>(new Registry(db_path, std::move(db), std::move(options)));
}

Result<int64_t> Registry::Version() const {
  TS_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      db_->Prepare("SELECT value FROM registry_meta WHERE key = 'registry_version'"));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return Status::Corruption(db_->Label() + " is damaged: its registry version is missing");
  }
  return stmt.ColumnInt64(0);
}

Result<std::vector<StoredObjectState>> Registry::LoadStates() const {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db_->Prepare("SELECT o.kind, o.name, o.current_version, o.deleted, "
                                   "v.logic_hash, v.doc_json, v.logic_json FROM objects o "
                                   "JOIN object_versions v ON v.kind = o.kind AND "
                                   "v.name = o.name AND v.version = o.current_version"));
  std::vector<StoredObjectState> states;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    StoredObjectState state;
    TS_ASSIGN_OR_RETURN(state.kind, internal::KindFromDb(db_.get(), stmt.ColumnText(0)));
    state.name = stmt.ColumnText(1);
    state.current_version = stmt.ColumnInt64(2);
    state.deleted = stmt.ColumnInt64(3) != 0;
    state.logic_hash = stmt.ColumnText(4);
    state.doc_json = stmt.ColumnText(5);
    // A version stored before expressions were canonical (schema version 1)
    // compares by the hash of its canonical form, so it gets no new version.
    std::string stored_logic = stmt.ColumnText(6);
    TS_ASSIGN_OR_RETURN(std::string logic, CanonicalizeStoredExprs(stored_logic));
    if (logic != stored_logic) state.logic_hash = Sha256Hex(logic);
    states.push_back(std::move(state));
  }
  return states;
}

Result<Plan> Registry::ComputePlan(const RepoDefinitions& defs) const {
  TS_ASSIGN_OR_RETURN(std::vector<CanonicalForm> forms, CanonicalizeAll(defs));
  TS_ASSIGN_OR_RETURN(std::vector<StoredObjectState> states, LoadStates());
  Plan plan = DiffObjects(states, forms);
  TS_RETURN_NOT_OK(CheckPins(defs, plan));
  return plan;
}

}  // namespace tessera::registry
