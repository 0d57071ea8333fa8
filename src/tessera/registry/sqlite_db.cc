#include "tessera/registry/sqlite_db.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <utility>

namespace tessera::registry {

// ---- SqliteStatement ----

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Status SqliteStatement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  return rc == SQLITE_OK ? Status::OK() : db_->Error(rc, "bind");
}

Status SqliteStatement::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may go away.
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT);
  return rc == SQLITE_OK ? Status::OK() : db_->Error(rc, "bind");
}

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  return db_->Error(rc, sql ? sql : "step");
}

Status SqliteStatement::Run() {
  TS_ASSIGN_OR_RETURN(bool row, Step());
  if (row)
    return Status::Internal(db_->Label() + ": internal error: a write statement returned rows");
  return Status::OK();
}

int SqliteStatement::ColumnCount() const { return sqlite3_column_count(stmt_); }

std::string SqliteStatement::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name ? name : "";
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

// ---- SqliteDb ----

namespace {

// The folder holding `path` ("." for a bare file name).
std::string ParentDir(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// access(2) uses the real uid, which is what a CLI process runs as.
bool Writable(const std::string& path) { return ::access(path.c_str(), W_OK) == 0; }

// "file:<path>?immutable=1" with the characters a URI path cannot hold
// escaped (SQLite decodes %HH).
std::string ImmutableUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char kHex[] = "0123456789abcdef";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      uri += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

}  // namespace

std::string ErrorReason(const std::string& label, int rc, int sys_errno) {
  std::string os = sys_errno != 0 ? std::string(" (") + std::strerror(sys_errno) + ")" : "";
  switch (rc) {
    case SQLITE_READONLY_DIRECTORY: return label + " is read-only (its folder is not writable)";
    case SQLITE_IOERR_NOMEM: return label + ": out of memory";
    default: break;
  }
  switch (rc & 0xff) {
    case SQLITE_NOTADB: return label + " is not a database";
    case SQLITE_CORRUPT: return label + " is damaged (its database image is malformed)";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return label + " is locked by another process";
    case SQLITE_READONLY: return label + " is read-only";
    case SQLITE_FULL: return label + ": disk full";
    case SQLITE_IOERR: return label + ": I/O error" + os;
    case SQLITE_CANTOPEN: return label + " cannot be opened" + os;
    case SQLITE_PERM: return label + ": permission denied";
    case SQLITE_NOMEM: return label + ": out of memory";
    case SQLITE_ERROR:
    case SQLITE_SCHEMA:
      // A statement that does not fit the file's tables: damaged, or written
      // by something else.
      return label + " is damaged or not a Tessera registry";
    default: return label + ": " + sqlite3_errstr(rc);
  }
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                 const SqliteOpenOptions& options) {
  bool reading = options.mode == SqliteOpenOptions::Mode::kRead;
  bool dir_writable = Writable(ParentDir(path));
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  bool writable = dir_writable && (!exists || Writable(path));
  if (!reading && !writable) {
    // Refused before SQLite opens it: a read-only connection would leave
    // -wal and -shm files behind, and the caller wants to write anyway.
    std::unique_ptr<SqliteDb> db(
        new SqliteDb(path, options.display_name.empty() ? path : options.display_name, nullptr));
    return db->Error(dir_writable ? SQLITE_READONLY : SQLITE_READONLY_DIRECTORY, "open");
  }
  std::string name = path;
  int flags = SQLITE_OPEN_READWRITE | (reading ? 0 : SQLITE_OPEN_CREATE);
  if (reading && !writable) {
    name = ImmutableUri(path);
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
  }
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &handle, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  // The handle is allocated even on failure (except out of memory); own it
  // first so that it is closed on every path.
  std::unique_ptr<SqliteDb> db(
      new SqliteDb(path, options.display_name.empty() ? path : options.display_name, handle));
  db->read_only_ = reading;
  db->busy_timeout_ms_ = options.busy_timeout_ms;
  if (rc != SQLITE_OK) return db->Error(rc, "open");
  sqlite3_extended_result_codes(handle, 1);
  rc = sqlite3_busy_timeout(handle, options.busy_timeout_ms);
  if (rc != SQLITE_OK) return db->Error(rc, "set busy timeout");
  // SQLite quietly falls back to read-only when the file is not writable.
  if (!reading && sqlite3_db_readonly(handle, "main") == 1) {
    return db->Error(SQLITE_READONLY, "open for writing");
  }
  if (reading && writable) TS_RETURN_NOT_OK(db->Exec("PRAGMA query_only = 1"));
  return db;
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

std::string SqliteDb::Label() const { return "registry '" + display_name_ + "'"; }

Status SqliteDb::Exec(const std::string& sql) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::OK() : Error(rc, sql);
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, sql);
  }
  return SqliteStatement(this, stmt);
}

int64_t SqliteDb::TotalChanges() const { return sqlite3_total_changes64(db_); }

Status SqliteDb::Error(int rc, std::string_view what) const {
  last_error_detail_ = std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  int sys_errno = db_ ? sqlite3_system_errno(db_) : 0;
  std::string message = ErrorReason(Label(), rc, sys_errno);
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT && db_ != nullptr) {
    // A constraint's or trigger's own words (never a statement).
    message += std::string(" (") + sqlite3_errmsg(db_) + ")";
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    message += " (gave up after " + std::to_string(busy_timeout_ms_) + " ms; try again)";
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return Status::Corruption(std::move(message));
  }
  return Status::IOError(std::move(message));
}

// ---- SqliteTransaction ----

Result<SqliteTransaction> SqliteTransaction::Begin(SqliteDb* db, Mode mode) {
  TS_RETURN_NOT_OK(db->Exec(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return SqliteTransaction(db);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() {
  // A failed rollback leaves nothing to do here: SQLite rolls back an open
  // transaction itself when the connection closes.
  if (db_ != nullptr) (void)Rollback();
}

Status SqliteTransaction::Commit() {
  SqliteDb* db = std::exchange(db_, nullptr);
  if (db == nullptr) return Status::Internal("commit of a finished transaction");
  Status status = db->Exec("COMMIT");
  // A failed COMMIT may leave the transaction open: roll it back so the
  // connection is usable and nothing partial remains.
  if (!status.ok()) (void)db->Exec("ROLLBACK");
  return status;
}

Status SqliteTransaction::Rollback() {
  SqliteDb* db = std::exchange(db_, nullptr);
  if (db == nullptr) return Status::OK();
  return db->Exec("ROLLBACK");
}

}  // namespace tessera::registry
