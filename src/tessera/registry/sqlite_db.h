// A small RAII layer over the SQLite C API, for the registry: a database
// handle, prepared statements and transactions, with every SQLite error
// turned into a one-line Status naming the registry file and a reason a user
// can act on ("registry 'data/registry.db' is read-only"): Corruption when
// the file is damaged or not a database, IOError otherwise. No message holds
// an SQL statement; the failed statement and SQLite's own message are kept
// for debugging only (SqliteDb::last_error_detail).
//
// A database opened for reading never writes and never leaves a file behind
// (SqliteOpenOptions::Mode::kRead says how).
//
// Thread-safety: none; a SqliteDb and its statements belong to one thread.
// Statements borrow their SqliteDb, which must outlive them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tessera/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tessera::registry {

class SqliteDb;

// A prepared statement. Bind parameters (1-based), then Step until it
// returns false. Movable, not copyable; finalized on destruction.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  Status Bind(int index, int64_t value);
  Status Bind(int index, std::string_view value);
  Status Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  // Binds `values` to parameters 1, 2, ...
  template <typename... Args>
  Status BindAll(const Args&... values) {
    int index = 0;
    Status status;
    ((status.ok() ? (void)(status = Bind(++index, values)) : (void)0), ...);
    return status;
  }

  // Advances: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, expecting no rows (INSERT, UPDATE, DELETE).
  Status Run();

  int ColumnCount() const;
  std::string ColumnName(int column) const;
  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  // The column as text ("" for NULL).
  std::string ColumnText(int column) const;

 private:
  friend class SqliteDb;
  SqliteStatement(SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  SqliteDb* db_;
  sqlite3_stmt* stmt_;
};

struct SqliteOpenOptions {
  enum class Mode {
    // The file must exist. Nothing is ever written and no -wal, -shm or
    // -journal file is left behind. When the file and its folder are
    // writable the connection is read-write with PRAGMA query_only (a
    // SQLITE_OPEN_READONLY connection to a WAL database creates -wal and
    // -shm files and cannot remove them); otherwise it is opened read-only
    // and immutable (no locks, no journal), since nobody can be writing it.
    kRead,
    // Opened read-write, created when absent. Fails (without touching the
    // file) when the file or its folder is not writable.
    kWrite,
  };
  Mode mode = Mode::kWrite;
  // Milliseconds a statement waits for another process's lock.
  int busy_timeout_ms = 5000;
  // How messages name the file (e.g. the path as tessera.yaml spells it);
  // the path itself when empty.
  std::string display_name;
  // The registered SQLite VFS to use (tests inject faults); default when empty.
  std::string vfs;
};

class SqliteDb {
 public:
  // Opens the database file at `path` as `options` say, with a busy timeout
  // so that concurrent processes wait for each other's locks.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                const SqliteOpenOptions& options);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return path_; }
  // "registry 'data/registry.db'": how messages name the file.
  std::string Label() const;
  bool read_only() const { return read_only_; }

  // Runs one or more statements that return no rows of interest.
  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(std::string_view sql);

  // Rows changed by this connection since it opened (sqlite3_total_changes).
  int64_t TotalChanges() const;

  // The Status for SQLite result code `rc` during `what` (a statement or an
  // operation): Corruption for a damaged file or not a database, IOError
  // otherwise; the message is ErrorReason's. `what` and SQLite's message go
  // to last_error_detail() only.
  Status Error(int rc, std::string_view what) const;

  // For debugging: the operation or statement of the last Error and SQLite's
  // message for it. Never shown to users.
  const std::string& last_error_detail() const { return last_error_detail_; }

 private:
  SqliteDb(std::string path, std::string display_name, sqlite3* db)
      : path_(std::move(path)), display_name_(std::move(display_name)), db_(db) {}

  std::string path_;
  std::string display_name_;
  sqlite3* db_;
  bool read_only_ = false;
  int busy_timeout_ms_ = 0;
  mutable std::string last_error_detail_;
};

// The one-line reason for SQLite result code `rc` (primary or extended) on
// the file `label` names: "<label> is not a database", "... is damaged",
// "... is locked by another process", "... is read-only", "<label>: disk
// full", "<label>: I/O error (<errno text>)", ... `sys_errno` is the
// operating system's error number when known (0 otherwise).
std::string ErrorReason(const std::string& label, int rc, int sys_errno);

// A transaction: Begin starts it, Commit ends it; destroying one that was
// not committed rolls it back, so every early return undoes partial work.
class SqliteTransaction {
 public:
  enum class Mode { kDeferred, kImmediate };  // kImmediate takes the write lock now
  static Result<SqliteTransaction> Begin(SqliteDb* db, Mode mode);
  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Status Commit();
  // Ends the transaction without writing (also what the destructor does).
  Status Rollback();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;  // null once committed or rolled back
};

}  // namespace tessera::registry
