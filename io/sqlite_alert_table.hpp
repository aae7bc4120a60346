// Alerts written to a SQLite database (`--output sqlite:PATH`), in emission
// order, exactly once across restarts: a checkpoint records position(), a
// restart calls cut_back() to it and the alerts after it are emitted again.
//
// The format, for people querying the file (sqlite3 PATH):
//
//   CREATE TABLE alerts(
//     window_start    TEXT    NOT NULL, -- "2026-01-20T13:53:00.000Z"
//     window_end      TEXT    NOT NULL, -- as in the JSON Lines output
//     window_start_ms INTEGER NOT NULL, -- ms since the epoch, UTC
//     window_end_ms   INTEGER NOT NULL,
//     user_id         TEXT    NOT NULL,
//     crash_count     INTEGER NOT NULL,
//     final           INTEGER NOT NULL  -- 1, or 0 for --emit early alerts
//   );
//   CREATE INDEX alerts_by_window ON alerts(window_start_ms, user_id);
//
// Rows are inserted in output order, so `ORDER BY rowid` is the order in
// which the alerts were emitted. The rowid has no AUTOINCREMENT on purpose:
// SQLite then gives a new row max(rowid) + 1, so the alerts emitted again
// after a cut_back() get the same rowids as in a run without failure.
//
// Journal mode WAL with synchronous=NORMAL: a write() costs no fsync; sync()
// makes every write so far durable before a checkpoint refers to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/alert.hpp"
#include "persistence/sqlite_db.hpp"

namespace crashwatch {

/// Alerts kept in a SQLite table: `alerts` in the database at PATH.
class sqlite_alert_table {
 public:
  /// Opens (creates) the database and the table. A table `alerts` of another
  /// shape (other columns, a primary key, a view) is refused with a
  /// config_error naming the file; other failures are output_errors.
  static caf::expected<std::unique_ptr<sqlite_alert_table>>
  open(const std::string& path);

  sqlite_alert_table(const sqlite_alert_table&) = delete;
  sqlite_alert_table& operator=(const sqlite_alert_table&) = delete;

  /// Appends `alerts` in one transaction (all or nothing), rowids in order.
  caf::error write(const std::vector<alert>& alerts);

  /// The rowid of the last alert written (0 for an empty table): the
  /// position a checkpoint records.
  caf::expected<int64_t> position();

  /// Deletes every alert after `position` (restart after a crash: they are
  /// re-emitted). Fails when the table holds fewer (max rowid < position).
  caf::error cut_back(int64_t position);

  /// Makes every write so far durable: on disk when this returns, so that a
  /// checkpoint referring to position() may commit.
  caf::error sync();

  /// The database file's path.
  const std::string& path() const { return db_->path(); }

 private:
  sqlite_alert_table() = default;

  /// Fails unless the table `alerts` has exactly crashwatch's columns.
  caf::error check_shape();

  std::unique_ptr<sqlite_db> db_;
  // Prepared once, reused by every call (declared after db_: destroyed
  // before it).
  sqlite_stmt insert_;
  sqlite_stmt last_rowid_;
  sqlite_stmt delete_after_;
};

} // namespace crashwatch
