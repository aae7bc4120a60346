#include "persistence/sqlite_db.hpp"

#include <sqlite3.h>

#include "persistence/directory_sync.hpp"

namespace crashwatch {

// -- sqlite_stmt
// ---------------------------------------------------------------

sqlite_stmt::sqlite_stmt(sqlite3_stmt* stmt, const sqlite_db* db)
    : stmt_(stmt), db_(db) {}

sqlite_stmt::sqlite_stmt(sqlite_stmt&& other) noexcept
    : stmt_(other.stmt_), db_(other.db_) {
  other.stmt_ = nullptr;
}

sqlite_stmt& sqlite_stmt::operator=(sqlite_stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    other.stmt_ = nullptr;
  }
  return *this;
}

sqlite_stmt::~sqlite_stmt() {
  sqlite3_finalize(stmt_);
}

void sqlite_stmt::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void sqlite_stmt::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, so callers may pass views of
  // temporaries.
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void sqlite_stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
}

void sqlite_stmt::bind_blob(int index, const std::vector<char>& bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

caf::expected<bool> sqlite_stmt::step() {
  auto rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  auto err = db_->last_error();
  sqlite3_reset(stmt_);
  return err;
}

caf::error sqlite_stmt::run() {
  for (;;) {
    auto more = step();
    if (!more)
      return std::move(more.error());
    if (!*more)
      break;
  }
  sqlite3_reset(stmt_);
  return caf::none;
}

void sqlite_stmt::reset() {
  sqlite3_reset(stmt_);
}

int64_t sqlite_stmt::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string_view sqlite_stmt::column_text(int index) const {
  auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr)
    return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool sqlite_stmt::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::vector<char> sqlite_stmt::column_blob(int index) const {
  auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  auto size = static_cast<size_t>(sqlite3_column_bytes(stmt_, index));
  return bytes == nullptr ? std::vector<char>{}
                          : std::vector<char>(bytes, bytes + size);
}

// -- sqlite_db ----------------------------------------------------------------

caf::expected<std::unique_ptr<sqlite_db>>
sqlite_db::open(const std::string& path, std::string what, mode m) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (m == mode::create)
    flags |= SQLITE_OPEN_CREATE;
  auto rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason
        = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return make_error(ec::output_error,
                      what + " " + path + ": cannot open: " + reason);
  }
  sqlite3_extended_result_codes(db, 1);
  // Another process reading the file (an operator's sqlite3 shell) holds
  // its lock for milliseconds: wait instead of failing.
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<sqlite_db>{new sqlite_db(db, path, std::move(what))};
}

sqlite_db::sqlite_db(sqlite3* db, std::string path, std::string what)
    : db_(db), path_(std::move(path)), what_(std::move(what)) {}

sqlite_db::~sqlite_db() {
  // Statements are finalized by their owners first; close_v2 defers the
  // close until they are, instead of failing.
  sqlite3_close_v2(db_);
}

caf::error sqlite_db::exec(const std::string& sql) {
  char* msg = nullptr;
  auto rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
  if (rc == SQLITE_OK)
    return caf::none;
  std::string reason = msg != nullptr ? msg : sqlite3_errstr(rc);
  sqlite3_free(msg);
  return fail(reason);
}

caf::expected<sqlite_stmt> sqlite_db::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  auto rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()),
                               &stmt, nullptr);
  if (rc != SQLITE_OK)
    return last_error();
  return sqlite_stmt{stmt, this};
}

caf::expected<int64_t> sqlite_db::query_int(const std::string& sql,
                                            int64_t fallback) {
  auto stmt = prepare(sql);
  if (!stmt)
    return std::move(stmt.error());
  auto row = stmt->step();
  if (!row)
    return std::move(row.error());
  return *row ? stmt->column_int(0) : fallback;
}

caf::error sqlite_db::sync_wal() {
  // Why this and nothing else: with journal_mode=WAL and synchronous=NORMAL
  // a commit appends its pages to the WAL file without fsync, so a
  // committed transaction survives a crash of the process but maybe not a
  // power loss. SQLite recovers every transaction whose frames are in the
  // WAL file on disk, so fsyncing the WAL file makes every commit so far
  // durable. The pager's own handle on the WAL (SQLITE_FCNTL_JOURNAL_POINTER)
  // is synced through its VFS's xSync: the very call synchronous=FULL makes
  // after each commit. Checkpoints are not enough: a PASSIVE one does not
  // sync at all when a reader (say, a sqlite3 shell) pins the frames it
  // would copy, and FULL/RESTART wait for readers and then fail with BUSY.
  // Pages already copied into the database file were synced by the
  // checkpoint that copied them before the WAL was reused.
  sqlite3_file* wal = nullptr;
  auto rc
      = sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
  if (rc != SQLITE_OK)
    return fail(std::string{"cannot find the write-ahead log to sync: "}
                + sqlite3_errstr(rc));
  // No WAL open: this connection never wrote, nothing of it is pending.
  if (wal == nullptr || wal->pMethods == nullptr)
    return caf::none;
  rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK)
    return fail(std::string{"cannot sync the write-ahead log to disk: "}
                + sqlite3_errstr(rc));
  // The unix VFS syncs the directory of a WAL it created on that first
  // xSync as well; a database file it created is named in the same
  // directory. Done here once more, on purpose and not by a VFS detail.
  if (!directory_synced_) {
    if (auto err = sync_directory(parent_directory(path_)))
      return fail(render(err));
    directory_synced_ = true;
  }
  return caf::none;
}

caf::error sqlite_db::fail(const std::string& detail, ec code) const {
  return make_error(code, what_ + " " + path_ + ": " + detail);
}

caf::error sqlite_db::last_error(const std::string& doing) const {
  std::string reason = sqlite3_errmsg(db_);
  return fail(doing.empty() ? reason : doing + ": " + reason);
}

caf::error sqlite_db::fail_doing(const std::string& doing,
                                 const caf::error& err) const {
  return fail(doing + ": " + reason_of(err));
}

std::string sqlite_db::reason_of(const caf::error& err) const {
  auto text = render(err);
  auto prefix = what_ + " " + path_ + ": ";
  if (text.compare(0, prefix.size(), prefix) == 0)
    text.erase(0, prefix.size());
  return text;
}

// -- sqlite_transaction -------------------------------------------------------

caf::expected<sqlite_transaction> sqlite_transaction::begin(sqlite_db& db) {
  if (auto err = db.exec("BEGIN IMMEDIATE"))
    return err;
  return sqlite_transaction{&db};
}

sqlite_transaction::sqlite_transaction(sqlite_transaction&& other) noexcept
    : db_(other.db_) {
  other.db_ = nullptr;
}

sqlite_transaction::~sqlite_transaction() {
  if (db_ != nullptr)
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

caf::error sqlite_transaction::commit() {
  auto* db = db_;
  db_ = nullptr;
  auto err = db->exec("COMMIT");
  if (err)
    // A failed COMMIT (disk full, I/O error) may leave the transaction
    // open: end it, so the connection stays usable and nothing half-done
    // is ever committed later.
    sqlite3_exec(db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  return err;
}

} // namespace crashwatch
