#include "io/sqlite_alert_table.hpp"

#include <sqlite3.h>

#include <cctype>
#include <iterator>

#include "core/error.hpp"
#include "core/event_time.hpp"

namespace crashwatch {

namespace {

/// The one place the schema is spelled out (the header comment shows it).
constexpr const char* create_schema
    = "CREATE TABLE IF NOT EXISTS alerts("
      "window_start TEXT NOT NULL, window_end TEXT NOT NULL, "
      "window_start_ms INTEGER NOT NULL, window_end_ms INTEGER NOT NULL, "
      "user_id TEXT NOT NULL, crash_count INTEGER NOT NULL, "
      "final INTEGER NOT NULL)";

constexpr const char* create_index
    = "CREATE INDEX IF NOT EXISTS alerts_by_window "
      "ON alerts(window_start_ms, user_id)";

/// A column as create_schema declares it (all NOT NULL, none a key).
struct column {
  const char* name;
  const char* type;
};

constexpr column expected_columns[] = {
    {"window_start", "TEXT"},
    {"window_end", "TEXT"},
    {"window_start_ms", "INTEGER"},
    {"window_end_ms", "INTEGER"},
    {"user_id", "TEXT"},
    {"crash_count", "INTEGER"},
    {"final", "INTEGER"},
};

bool equal_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string expected_shape() {
  std::string out;
  for (auto& col : expected_columns) {
    if (!out.empty())
      out += ", ";
    out += col.name;
    out += ' ';
    out += col.type;
    out += " NOT NULL";
  }
  return out;
}

} // namespace

caf::expected<std::unique_ptr<sqlite_alert_table>>
sqlite_alert_table::open(const std::string& path) {
  auto db = sqlite_db::open(path, "alert table");
  if (!db)
    return std::move(db.error());
  std::unique_ptr<sqlite_alert_table> table{new sqlite_alert_table};
  table->db_ = std::move(*db);
  auto& conn = *table->db_;
  // The pragma answers with the mode it ended up in; a file system without
  // the shared memory WAL needs refuses it, and sync() relies on WAL.
  auto mode = conn.prepare("PRAGMA journal_mode=WAL");
  if (!mode)
    return std::move(mode.error());
  auto row = mode->step();
  if (!row)
    return std::move(row.error());
  std::string got = *row ? std::string{mode->column_text(0)} : "";
  mode->reset();
  if (!equal_nocase(got, "wal"))
    return conn.fail("cannot switch to journal mode WAL (it stays in '" + got
                     + "')");
  // No fsync per write(): sync() makes writes durable, once per checkpoint.
  if (auto err = conn.exec("PRAGMA synchronous=NORMAL"))
    return err;
  auto tx = sqlite_transaction::begin(conn);
  if (!tx)
    return std::move(tx.error());
  if (auto err = conn.exec(create_schema))
    return err;
  // Before the index: it would fail on a foreign table with a less clear
  // message ("no such column").
  if (auto err = table->check_shape())
    return err;
  if (auto err = conn.exec(create_index))
    return err;
  if (auto err = tx->commit())
    return err;
  auto insert = conn.prepare(
      "INSERT INTO alerts(window_start, window_end, window_start_ms, "
      "window_end_ms, user_id, crash_count, final) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert)
    return std::move(insert.error());
  table->insert_ = std::move(*insert);
  // max(rowid) is read from the end of the rowid b-tree: no scan.
  auto last = conn.prepare("SELECT max(rowid) FROM alerts");
  if (!last)
    return std::move(last.error());
  table->last_rowid_ = std::move(*last);
  auto del = conn.prepare("DELETE FROM alerts WHERE rowid > ?1");
  if (!del)
    return std::move(del.error());
  table->delete_after_ = std::move(*del);
  return table;
}

caf::error sqlite_alert_table::check_shape() {
  auto kind = db_->prepare("SELECT type FROM sqlite_master "
                           "WHERE name = 'alerts' COLLATE NOCASE");
  if (!kind)
    return std::move(kind.error());
  auto found = kind->step();
  if (!found)
    return std::move(found.error());
  if (*found && kind->column_text(0) != "table")
    return db_->fail("'alerts' is a " + std::string{kind->column_text(0)}
                         + ", not crashwatch's alert table; use another file",
                     ec::config_error);
  auto info = db_->prepare("PRAGMA table_info(alerts)");
  if (!info)
    return std::move(info.error());
  // Columns of table_info: cid, name, type, notnull, dflt_value, pk.
  std::string actual;
  bool same = true;
  size_t n = 0;
  for (;;) {
    auto more = info->step();
    if (!more)
      return std::move(more.error());
    if (!*more)
      break;
    auto name = info->column_text(1);
    auto type = info->column_text(2);
    bool not_null = info->column_int(3) != 0;
    bool key = info->column_int(5) != 0;
    if (!actual.empty())
      actual += ", ";
    actual += std::string{name} + ' ' + std::string{type};
    if (not_null)
      actual += " NOT NULL";
    if (key)
      actual += " PRIMARY KEY";
    // A primary key would make the rowid an alias of that column (or, for
    // WITHOUT ROWID, absent): rowids would no longer be positions.
    same = same && n < std::size(expected_columns)
           && equal_nocase(name, expected_columns[n].name)
           && equal_nocase(type, expected_columns[n].type) && not_null && !key;
    ++n;
  }
  if (same && n == std::size(expected_columns))
    return caf::none;
  return db_->fail("table alerts has the columns (" + actual
                       + "), not crashwatch's (" + expected_shape()
                       + "); use another file",
                   ec::config_error);
}

caf::error sqlite_alert_table::write(const std::vector<alert>& alerts) {
  if (alerts.empty())
    return caf::none;
  auto tx = sqlite_transaction::begin(*db_);
  if (!tx)
    return std::move(tx.error());
  for (auto& a : alerts) {
    insert_.bind(1, format_iso_utc(a.window_start));
    insert_.bind(2, format_iso_utc(a.window_end));
    insert_.bind(3, a.window_start.value);
    insert_.bind(4, a.window_end.value);
    insert_.bind(5, a.user_id);
    insert_.bind(6, static_cast<int64_t>(a.crash_count));
    insert_.bind(7, int64_t{a.final ? 1 : 0});
    // On failure the transaction rolls back: none of `alerts` is kept.
    if (auto err = insert_.run())
      return err;
  }
  return tx->commit();
}

caf::expected<int64_t> sqlite_alert_table::position() {
  auto row = last_rowid_.step();
  if (!row)
    return std::move(row.error());
  // max() over no rows is NULL, read as 0.
  int64_t last = *row ? last_rowid_.column_int(0) : 0;
  last_rowid_.reset();
  return last;
}

caf::error sqlite_alert_table::cut_back(int64_t position) {
  auto tx = sqlite_transaction::begin(*db_);
  if (!tx)
    return std::move(tx.error());
  auto last = this->position();
  if (!last)
    return std::move(last.error());
  if (position < 0)
    return make_error(ec::output_error,
                      "cannot resume: row " + std::to_string(position)
                          + " of alert table " + db_->path()
                          + " committed at the last checkpoint is not a row");
  if (*last < position)
    return make_error(ec::output_error,
                      "cannot resume: alert table " + db_->path()
                          + " ends at row " + std::to_string(*last)
                          + ", before row " + std::to_string(position)
                          + " committed at the last checkpoint (changed "
                            "outside crashwatch?)");
  delete_after_.bind(1, position);
  if (auto err = delete_after_.run())
    return err;
  return tx->commit();
}

caf::error sqlite_alert_table::sync() {
  // One fsync of the WAL per checkpoint (sqlite_db::sync_wal) instead of
  // one per write(), which synchronous=FULL would cost.
  return db_->sync_wal();
}

} // namespace crashwatch
