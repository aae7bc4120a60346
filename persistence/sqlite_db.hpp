// A thin RAII layer over the SQLite C API for crashwatch's own files (the
// checkpoint journal, the SQLite alert table). Every failure comes back as a
// caf::error whose one line names the file and SQLite's reason, e.g.
// "journal /var/lib/cw/journal.db: database disk image is malformed".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace crashwatch {

/// One prepared statement. Bind with 1-based indexes (as SQLite does), step,
/// read columns, reset. Not copyable; owned by the code that prepared it.
class sqlite_stmt {
 public:
  sqlite_stmt() = default;
  sqlite_stmt(sqlite_stmt&& other) noexcept;
  sqlite_stmt& operator=(sqlite_stmt&& other) noexcept;
  sqlite_stmt(const sqlite_stmt&) = delete;
  sqlite_stmt& operator=(const sqlite_stmt&) = delete;
  ~sqlite_stmt();

  void bind(int index, int64_t value);
  void bind(int index, std::string_view text);
  void bind_null(int index);
  /// Binds bytes as a BLOB (copied).
  void bind_blob(int index, const std::vector<char>& bytes);

  /// Runs one step: true when a row is ready to read, false when done.
  caf::expected<bool> step();

  /// step() until done, for statements that return no rows.
  caf::error run();

  /// Calls `on_row(*this)` for every row the statement returns.
  template <class F>
  caf::error each_row(F&& on_row) {
    for (;;) {
      auto row = step();
      if (!row)
        return std::move(row.error());
      if (!*row)
        return caf::none;
      on_row(*this);
    }
  }

  /// Makes the statement ready to run again (bindings are kept).
  void reset();

  int64_t column_int(int index) const;
  /// The column's text; valid until the next step() or reset().
  std::string_view column_text(int index) const;
  bool column_is_null(int index) const;
  /// The column's bytes (a BLOB), copied.
  std::vector<char> column_blob(int index) const;

 private:
  friend class sqlite_db;
  sqlite_stmt(sqlite3_stmt* stmt, const class sqlite_db* db);

  sqlite3_stmt* stmt_ = nullptr;
  const class sqlite_db* db_ = nullptr;
};

/// An open SQLite database.
class sqlite_db {
 public:
  /// What opening does with a missing file.
  enum class mode { create, must_exist };

  /// Opens `path`. `what` prefixes every error ("journal", "alert table").
  /// Sets a busy timeout, so that a short lock by another reader (e.g. the
  /// sqlite3 shell) is waited out instead of failing.
  static caf::expected<std::unique_ptr<sqlite_db>>
  open(const std::string& path, std::string what, mode m = mode::create);

  ~sqlite_db();
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;

  /// Runs one or more statements without results.
  caf::error exec(const std::string& sql);

  /// Prepares one statement.
  caf::expected<sqlite_stmt> prepare(const std::string& sql);

  /// The single integer a query returns (e.g. "PRAGMA user_version"), or
  /// `fallback` when it returns no row.
  caf::expected<int64_t> query_int(const std::string& sql,
                                   int64_t fallback = 0);

  /// Makes every transaction committed so far survive a power loss, not
  /// only a crash of the process: fsyncs the write-ahead log (journal_mode
  /// WAL with synchronous=NORMAL syncs it only when SQLite copies it into
  /// the database) and, the first time, the directory holding the database
  /// and its WAL, so that a file created by this connection is not lost by
  /// name. Does nothing when this connection has no WAL open.
  caf::error sync_wal();

  /// An error naming this database: "<what> <path>: <detail>".
  caf::error fail(const std::string& detail, ec code = ec::output_error) const;

  /// An error for SQLite's last failure on this connection, after `doing`
  /// ("cannot write checkpoint 7").
  caf::error last_error(const std::string& doing = "") const;

  /// `err` (an error of this database, or any other) with what was being
  /// done: "<what> <path>: <doing>: <err's reason>", the file named once.
  caf::error fail_doing(const std::string& doing, const caf::error& err) const;

  /// The reason of `err` without the "<what> <path>: " this database puts
  /// in front of its errors.
  std::string reason_of(const caf::error& err) const;

  /// The file's path.
  const std::string& path() const { return path_; }

  /// The raw handle, for calls this layer does not wrap.
  sqlite3* handle() const { return db_; }

 private:
  sqlite_db(sqlite3* db, std::string path, std::string what);

  sqlite3* db_;
  std::string path_;
  std::string what_;
  /// sync_wal() has synced the directory.
  bool directory_synced_ = false;
};

/// A transaction that rolls back unless commit() is called.
class sqlite_transaction {
 public:
  /// Begins an IMMEDIATE transaction (takes the write lock at once).
  static caf::expected<sqlite_transaction> begin(sqlite_db& db);

  sqlite_transaction(sqlite_transaction&& other) noexcept;
  sqlite_transaction& operator=(sqlite_transaction&&) = delete;
  sqlite_transaction(const sqlite_transaction&) = delete;
  ~sqlite_transaction();

  caf::error commit();

 private:
  explicit sqlite_transaction(sqlite_db* db) : db_(db) {}

  sqlite_db* db_;
};

} // namespace crashwatch
