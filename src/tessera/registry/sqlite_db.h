// A small RAII layer over the SQLite C API, for the registry: a database
// handle, prepared statements and transactions, with every SQLite error
// turned into a Status naming the database file (IOError, or Corruption when
// the file is damaged or not a database).
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

class SqliteDb {
 public:
  // Opens (creating when absent) the database file at `path`, with a busy
  // timeout so that concurrent processes wait for each other's locks.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, int busy_timeout_ms);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return path_; }

  // Runs one or more statements that return no rows of interest.
  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(std::string_view sql);

  // Rows changed by this connection since it opened (sqlite3_total_changes).
  int64_t TotalChanges() const;

  // The Status for SQLite result code `rc` during `what`: Corruption for a
  // damaged file or not a database, IOError otherwise; the message names the
  // file and holds SQLite's own message.
  Status Error(int rc, std::string_view what) const;

 private:
  SqliteDb(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  sqlite3* db_;
};

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
