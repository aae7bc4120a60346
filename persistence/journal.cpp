// The journal format, version 1 (PRAGMA user_version = 1, PRAGMA
// application_id = 0x43574A4C, "CWJL"). One SQLite database per data dir,
// DIR/journal.db, WAL mode, synchronous=NORMAL (docs/DURABILITY.md: a commit
// survives a process crash as soon as it returns; a power loss may take the
// newest checkpoints back, never leave a half one, and outputs are synced
// before a checkpoint that refers to them commits, so a restart from an
// older checkpoint is still exact). Synced to disk on purpose (WAL fsync):
// checkpoint 0 with the settings, the --exit-at-end offsets, and the final
// checkpoint; also the names of a new data dir, journal.db and its WAL
// (directory fsync), so that a power loss never turns a started run into a
// new one. DIR/LOCK is flock()ed while a process uses the dir.
//
// A journal is created whole: schema, settings, partitions and checkpoint 0
// are written into DIR/journal.db.new, which is fsynced and renamed to
// DIR/journal.db, and the dir is fsynced. So a data dir without journal.db
// is new, and an existing journal.db that lacks any of these (empty, cut,
// half-written) is damage, refused, never a new start. A journal.db.new
// left by a crash during creation is removed by the next open().
//
// The tables hold exactly one state: that of the newest complete checkpoint.
// A checkpoint is written in one transaction that updates them in place
// (readers' rows replaced, shards' changed counts upserted and emitted
// windows deleted, the sink's rows replaced) and appends its row to
// `checkpoint`; a crash before COMMIT leaves the previous checkpoint whole.
//
//   setting(seq INTEGER PRIMARY KEY, name TEXT, value TEXT)
//       The settings that shape results, fixed at the first start, in
//       order: --window, --watermark-delay, --threshold, --keyword,
//       --severity, --timestamp-unit, --emit, --shards, the inputs (--input
//       paths, or --topic and --partitions), the outputs. A run with other
//       values is refused.
//   partition_input(partition INTEGER PRIMARY KEY, source TEXT,
//                   end_offset INTEGER)
//       Each partition read: "file /abs/path" or "kafka topic/N"; the
//       --exit-at-end offset fixed at the first start that used it, or NULL.
//   checkpoint(id INTEGER PRIMARY KEY, started_at_ms INTEGER,
//              completed_at_ms INTEGER, finished INTEGER,
//              changed_keys INTEGER, open_keys INTEGER)
//       One row per checkpoint written, the newest 100 kept. The newest row
//       is the checkpoint whose state the tables below hold. finished = 1:
//       the input had ended and every output was written (the run is
//       complete; a restart has nothing to do). Ids start at 0, the state
//       before the first record. changed_keys/open_keys: window counts
//       written by this checkpoint / held after it, over all shards.
//   reader_state(partition INTEGER PRIMARY KEY, next_offset INTEGER,
//                max_event_time INTEGER, state INTEGER, records INTEGER,
//                crashes INTEGER, late INTEGER, malformed INTEGER,
//                blank INTEGER, bytes INTEGER, lost INTEGER)
//       Where each reader resumes: the Kafka offset or file byte offset of
//       the first record not yet read; its clock (largest event time read,
//       ms since the epoch, -2^63 before the first); state 0 active, 1 idle,
//       2 ended; its counters so far.
//   shard_state(shard INTEGER PRIMARY KEY, emitted_through INTEGER)
//       Each shard's emitted mark: windows ending at or before it are
//       emitted (-2^63: none yet, 2^63-1: all).
//   window_count(shard INTEGER, window_start_ms INTEGER, user_id TEXT,
//                count INTEGER, PRIMARY KEY (shard, window_start_ms,
//                user_id)) WITHOUT ROWID
//       The crash counts of every window not yet emitted, per shard.
//   sink_state(id INTEGER PRIMARY KEY CHECK (id = 1), released INTEGER,
//              next_batch INTEGER, alerts INTEGER, early_alerts INTEGER,
//              late_at_shards INTEGER)
//       The sink: alerts of windows ending at or before `released` are
//       written; the next console batch number; its counters.
//   sink_shard(shard INTEGER PRIMARY KEY, emitted_through INTEGER)
//       The emitted mark of each shard as the sink last heard it.
//   pending_alert(seq INTEGER PRIMARY KEY, window_start_ms INTEGER,
//                 window_end_ms INTEGER, user_id TEXT, crash_count INTEGER)
//       Final alerts fired by some shards, waiting for the others.
//   output_position(name TEXT PRIMARY KEY, path TEXT, position INTEGER)
//       How far each output was written ("alerts", "late", "dead_letters":
//       bytes; "alert_table": last rowid); NULL for stdout and stderr, which
//       cannot be cut back. A restart cuts each output back to here.
#include "persistence/journal.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kill_point.hpp"
#include "core/wall_clock.hpp"
#include "persistence/directory_sync.hpp"

namespace crashwatch {

namespace {

constexpr int64_t format_version = 1;
constexpr int64_t application_id = 0x43574A4C; // "CWJL"
/// Rows of `checkpoint` kept (history for people; only the newest counts).
constexpr int64_t kept_checkpoints = 100;
/// How often (in checkpoints) write() looks for free space to give back,
/// and the least number of free pages worth a vacuum (1 MiB).
constexpr uint64_t vacuum_every = 64;
constexpr int64_t min_vacuum_pages = 256;

constexpr const char* schema = R"(
CREATE TABLE setting(seq INTEGER PRIMARY KEY, name TEXT NOT NULL,
                     value TEXT NOT NULL);
CREATE TABLE partition_input(partition INTEGER PRIMARY KEY,
                             source TEXT NOT NULL, end_offset INTEGER);
CREATE TABLE checkpoint(id INTEGER PRIMARY KEY,
                        started_at_ms INTEGER NOT NULL,
                        completed_at_ms INTEGER NOT NULL,
                        finished INTEGER NOT NULL,
                        changed_keys INTEGER NOT NULL,
                        open_keys INTEGER NOT NULL);
CREATE TABLE reader_state(partition INTEGER PRIMARY KEY,
                          next_offset INTEGER NOT NULL,
                          max_event_time INTEGER NOT NULL,
                          state INTEGER NOT NULL,
                          records INTEGER NOT NULL, crashes INTEGER NOT NULL,
                          late INTEGER NOT NULL, malformed INTEGER NOT NULL,
                          blank INTEGER NOT NULL, bytes INTEGER NOT NULL,
                          lost INTEGER NOT NULL);
CREATE TABLE shard_state(shard INTEGER PRIMARY KEY,
                         emitted_through INTEGER NOT NULL);
CREATE TABLE window_count(shard INTEGER NOT NULL,
                          window_start_ms INTEGER NOT NULL,
                          user_id TEXT NOT NULL, count INTEGER NOT NULL,
                          PRIMARY KEY (shard, window_start_ms, user_id))
                          WITHOUT ROWID;
CREATE TABLE sink_state(id INTEGER PRIMARY KEY CHECK (id = 1),
                        released INTEGER NOT NULL,
                        next_batch INTEGER NOT NULL,
                        alerts INTEGER NOT NULL,
                        early_alerts INTEGER NOT NULL,
                        late_at_shards INTEGER NOT NULL);
CREATE TABLE sink_shard(shard INTEGER PRIMARY KEY,
                        emitted_through INTEGER NOT NULL);
CREATE TABLE pending_alert(seq INTEGER PRIMARY KEY,
                           window_start_ms INTEGER NOT NULL,
                           window_end_ms INTEGER NOT NULL,
                           user_id TEXT NOT NULL,
                           crash_count INTEGER NOT NULL);
CREATE TABLE output_position(name TEXT PRIMARY KEY, path TEXT NOT NULL,
                             position INTEGER);
)";

/// The tables of a complete journal (the schema above).
constexpr const char* table_names[]
    = {"setting",       "partition_input", "checkpoint", "reader_state",
       "shard_state",   "window_count",    "sink_state", "sink_shard",
       "pending_alert", "output_position"};

int64_t as_int(uint64_t x) {
  return static_cast<int64_t>(x);
}

/// Removes the SQLite database `path` with its -wal, -shm and -journal
/// files, if there are any.
void remove_database_files(const std::string& path) {
  for (auto* suffix : {"", "-wal", "-shm", "-journal"})
    ::unlink((path + suffix).c_str());
}

/// fsync()s the file `path`; an error names it and the system's reason.
caf::error sync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    auto err = make_error(ec::output_error,
                          "cannot sync " + path + ": " + std::strerror(errno));
    if (fd >= 0)
      ::close(fd);
    return err;
  }
  ::close(fd);
  return caf::none;
}

/// The message for a file SQLite cannot read as a journal.
caf::error damaged(const std::string& path, const std::string& why) {
  return make_error(ec::input_error,
                    "journal " + path + " is damaged (" + why
                        + "); move the data dir away to start over, or "
                          "restore it from a backup");
}

} // namespace

/// Prepared statements of write() and load_shard(), made once.
struct journal::statements {
  sqlite_stmt put_reader;
  sqlite_stmt put_shard;
  sqlite_stmt drop_emitted;
  sqlite_stmt put_count;
  sqlite_stmt put_sink;
  sqlite_stmt put_sink_shard;
  sqlite_stmt put_pending;
  sqlite_stmt put_output;
  sqlite_stmt put_checkpoint;
  sqlite_stmt prune_checkpoints;
};

caf::expected<std::unique_ptr<journal>> journal::open(const std::string& dir,
                                                      int64_t window_ms) {
  auto dir_error = [&](const std::string& what) {
    return make_error(ec::input_error, "data dir " + dir + ": " + what + ": "
                                           + std::strerror(errno));
  };
  bool made = ::mkdir(dir.c_str(), 0755) == 0;
  if (!made && errno != EEXIST)
    return dir_error("cannot create the directory");
  // A data dir lost by name in a power loss would make the restart a new
  // run, appending everything to outputs that already hold part of it.
  if (made)
    if (auto err = sync_directory(parent_directory(dir)))
      return make_error(ec::input_error,
                        "data dir " + dir + ": " + render(err));
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    return dir_error("cannot read the directory");
  if (!S_ISDIR(st.st_mode))
    return make_error(ec::input_error, "data dir " + dir + ": not a directory");
  auto lock_path = dir + "/" + lock_name;
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return dir_error("cannot open " + lock_path);
  // flock() locks go away with the process, kill -9 included: a crashed
  // run never leaves a stale lock behind.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(
        ec::input_error,
        "data dir " + dir
            + " is in use by another crashwatch process (it holds " + lock_path
            + ")");
  }
  std::unique_ptr<journal> j{new journal(dir, nullptr, fd, window_ms)};
  auto& path = j->path_;
  // A creation that never finished (a crash, a full disk) left only the
  // new file: journal.db never appeared, so the dir is still new.
  remove_database_files(dir + "/" + new_file_name);
  struct stat file;
  if (::lstat(path.c_str(), &file) != 0) {
    if (errno != ENOENT)
      return dir_error("cannot read " + path);
    // A new data dir. A WAL without its database belongs to nothing, and
    // SQLite would replay it into the journal create() makes.
    remove_database_files(path);
    return j;
  }
  if (auto err = j->attach())
    return err;
  return j;
}

caf::error journal::attach() {
  auto& path = path_;
  struct stat file;
  if (::stat(path.c_str(), &file) != 0)
    return make_error(ec::input_error, "journal " + path + ": cannot read it: "
                                           + std::strerror(errno));
  if (!S_ISREG(file.st_mode))
    return damaged(path, "not a regular file");
  // create() renames only a complete journal to this name: an empty file
  // was cut or never finished, and is not a new start.
  if (file.st_size == 0)
    return damaged(path, "the file is empty");
  auto db = sqlite_db::open(path, "journal", sqlite_db::mode::must_exist);
  if (!db)
    return std::move(db.error());
  db_ = std::move(*db);
  auto& d = *db_;
  // SQLite failed on the file: damage when SQLite says so, otherwise (a
  // full disk, an I/O error, no permission) the file may be fine and only
  // SQLite's reason is told.
  auto failed = [&path](sqlite_db& db, const std::string& reason) {
    switch (sqlite3_errcode(db.handle()) & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_ERROR: // e.g. "no such table": not our schema
    case SQLITE_FORMAT:
    case SQLITE_SCHEMA:
      return damaged(path, reason);
    default:
      return make_error(ec::output_error,
                        "journal " + path + ": cannot open it: " + reason);
    }
  };
  // What is this file? It must carry our application id.
  auto app = d.query_int("PRAGMA application_id");
  if (!app)
    return failed(d, sqlite3_errmsg(d.handle()));
  auto tables = d.query_int("SELECT count(*) FROM sqlite_master");
  if (!tables)
    return failed(d, sqlite3_errmsg(d.handle()));
  if (*app == 0 && *tables == 0)
    return damaged(path, "an empty database, without the journal's tables");
  if (*app != application_id)
    return make_error(ec::input_error,
                      "journal " + path
                          + " is not a crashwatch journal (another program's "
                            "SQLite database); use another data dir");
  auto version = d.query_int("PRAGMA user_version");
  if (!version)
    return failed(d, sqlite3_errmsg(d.handle()));
  if (*version != format_version)
    return make_error(ec::input_error, "journal " + path + " has format "
                                           + std::to_string(*version)
                                           + "; this crashwatch "
                                             "reads format "
                                           + std::to_string(format_version));
  // quick_check reads every page: a torn or overwritten file is found
  // here, not halfway through a restore.
  auto check = d.prepare("PRAGMA quick_check");
  if (!check)
    return failed(d, sqlite3_errmsg(d.handle()));
  auto row = check->step();
  if (!row)
    return failed(d, sqlite3_errmsg(d.handle()));
  if (!*row || check->column_text(0) != "ok")
    return damaged(path, *row ? std::string{check->column_text(0)}
                              : std::string{"integrity check failed"});
  check = sqlite_stmt{};
  if (auto err = d.exec("PRAGMA journal_mode = WAL;"
                        "PRAGMA synchronous = NORMAL;"
                        // A checkpoint of a million keys makes a big WAL;
                        // give the disk back once it is copied over.
                        "PRAGMA journal_size_limit = 67108864;"
                        "PRAGMA cache_size = -65536;"))
    return failed(d, d.reason_of(err));
  // Complete: every table, the job's settings, a checkpoint.
  for (auto* table : table_names) {
    auto found = d.query_int("SELECT count(*) FROM sqlite_master WHERE type "
                             "= 'table' AND name = '"
                             + std::string{table} + "'");
    if (!found)
      return failed(d, d.reason_of(found.error()));
    if (*found == 0)
      return damaged(path, std::string{"table "} + table + " is missing");
  }
  auto settings = d.query_int("SELECT count(*) FROM setting");
  if (!settings)
    return failed(d, d.reason_of(settings.error()));
  if (*settings == 0)
    return damaged(path, "it holds no job settings");
  auto done = d.query_int("SELECT count(*) FROM checkpoint");
  if (!done)
    return failed(d, d.reason_of(done.error()));
  if (*done == 0)
    return damaged(path, "it holds no complete checkpoint");
  if (auto err = prepare_statements())
    return failed(d, d.reason_of(err));
  has_checkpoint_ = true;
  return caf::none;
}

journal::journal(std::string dir, std::unique_ptr<sqlite_db> db, int lock_fd,
                 int64_t window_ms)
    : dir_(std::move(dir)), path_(dir_ + "/" + file_name), db_(std::move(db)),
      lock_fd_(lock_fd), window_ms_(window_ms) {}

journal::~journal() {
  stmts_.reset();
  db_.reset();
  ::close(lock_fd_);
}

caf::error journal::prepare_statements() {
  auto s = std::make_unique<statements>();
  struct item {
    sqlite_stmt* stmt;
    const char* sql;
  };
  const item items[] = {
      {&s->put_reader, "INSERT OR REPLACE INTO reader_state VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
      {&s->put_shard, "INSERT OR REPLACE INTO shard_state VALUES (?1, ?2)"},
      {&s->drop_emitted,
       "DELETE FROM window_count WHERE shard = ?1 AND window_start_ms <= ?2"},
      {&s->put_count,
       "INSERT OR REPLACE INTO window_count VALUES (?1, ?2, ?3, ?4)"},
      {&s->put_sink,
       "INSERT OR REPLACE INTO sink_state VALUES (1, ?1, ?2, ?3, ?4, ?5)"},
      {&s->put_sink_shard, "INSERT INTO sink_shard VALUES (?1, ?2)"},
      {&s->put_pending,
       "INSERT INTO pending_alert VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&s->put_output, "INSERT INTO output_position VALUES (?1, ?2, ?3)"},
      {&s->put_checkpoint,
       "INSERT INTO checkpoint VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&s->prune_checkpoints, "DELETE FROM checkpoint WHERE id <= ?1"},
  };
  for (auto& [stmt, sql] : items) {
    auto prepared = db_->prepare(sql);
    if (!prepared)
      return std::move(prepared.error());
    *stmt = std::move(*prepared);
  }
  stmts_ = std::move(s);
  return caf::none;
}

caf::error journal::damaged_error(const std::string& why) const {
  return damaged(path(), why);
}

caf::expected<std::string>
journal::stored_setting(const std::string& name) const {
  auto stmt = db_->prepare("SELECT value FROM setting WHERE name = ?1");
  if (!stmt)
    return std::move(stmt.error());
  stmt->bind(1, name);
  std::string value;
  if (auto err = stmt->each_row(
          [&](sqlite_stmt& row) { value = std::string{row.column_text(0)}; }))
    return err;
  return value;
}

caf::error journal::check_settings(const job_settings& settings) const {
  auto stmt = db_->prepare("SELECT name, value FROM setting ORDER BY seq");
  if (!stmt)
    return std::move(stmt.error());
  job_settings stored;
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        stored.emplace_back(std::string{row.column_text(0)},
                            std::string{row.column_text(1)});
      }))
    return err;
  auto advice = std::string{" (run with the journal's settings, or use "
                            "another data dir for a new run)"};
  auto show = [](const job_settings& list, size_t i) {
    return i < list.size() ? list[i].first + " " + list[i].second
                           : std::string{"nothing more"};
  };
  for (size_t i = 0; i < std::max(stored.size(), settings.size()); ++i)
    if (i >= stored.size() || i >= settings.size() || stored[i] != settings[i])
      return make_error(ec::journal_mismatch,
                        "the journal " + path() + " was written with "
                            + show(stored, i) + "; this run has "
                            + show(settings, i) + advice);
  return caf::none;
}

caf::expected<std::vector<journal_partition>> journal::partitions() {
  auto stmt = db_->prepare("SELECT partition, source, end_offset FROM "
                           "partition_input ORDER BY partition");
  if (!stmt)
    return std::move(stmt.error());
  std::vector<journal_partition> result;
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        result.push_back(journal_partition{
            partition_id{static_cast<int32_t>(row.column_int(0))},
            std::string{row.column_text(1)},
            row.column_is_null(2) ? -1 : row.column_int(2)});
      }))
    return err;
  return result;
}

caf::expected<restored_checkpoint> journal::load() {
  // One read transaction: every table from the same commit.
  if (auto err = db_->exec("BEGIN"))
    return err;
  auto result = load_rows();
  db_->exec("COMMIT");
  if (!result && !has_code(result.error(), ec::input_error))
    return damaged(path(), render(result.error()));
  return result;
}

caf::expected<checkpoint_id> journal::newest_checkpoint() {
  auto id = db_->query_int("SELECT max(id) FROM checkpoint");
  if (!id)
    return damaged(path(), render(id.error()));
  return checkpoint_id{static_cast<uint64_t>(*id)};
}

caf::expected<std::vector<reader_snapshot>> journal::load_readers() {
  std::vector<reader_snapshot> readers;
  auto stmt = db_->prepare("SELECT * FROM reader_state ORDER BY partition");
  if (!stmt)
    return damaged(path(), render(stmt.error()));
  bool bad_state = false;
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        reader_snapshot rs;
        rs.partition = partition_id{static_cast<int32_t>(row.column_int(0))};
        rs.next_offset = record_offset{row.column_int(1)};
        rs.max_seen = event_time{row.column_int(2)};
        auto state = row.column_int(3);
        bad_state = bad_state || state < 0 || state > 2;
        rs.state = static_cast<partition_state>(state);
        rs.stats.partition = rs.partition;
        uint64_t* counters[]
            = {&rs.stats.records,   &rs.stats.crashes, &rs.stats.late,
               &rs.stats.malformed, &rs.stats.blank,   &rs.stats.bytes,
               &rs.stats.lost};
        for (int i = 0; i < 7; ++i)
          *counters[i] = static_cast<uint64_t>(row.column_int(4 + i));
        readers.push_back(std::move(rs));
      }))
    return damaged(path(), render(err));
  if (bad_state)
    return damaged(path(), "reader_state has an unknown state");
  return readers;
}

caf::expected<std::vector<std::pair<shard_id, event_time>>>
journal::load_shard_marks() {
  std::vector<std::pair<shard_id, event_time>> marks;
  auto stmt = db_->prepare("SELECT shard, emitted_through FROM shard_state "
                           "ORDER BY shard");
  if (!stmt)
    return damaged(path(), render(stmt.error()));
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        marks.emplace_back(shard_id{static_cast<uint32_t>(row.column_int(0))},
                           event_time{row.column_int(1)});
      }))
    return damaged(path(), render(err));
  return marks;
}

caf::expected<restored_checkpoint> journal::load_rows() {
  restored_checkpoint r;
  auto& d = *db_;
  // Runs `sql`, calling `on_row` for each row.
  auto each = [&d](const char* sql, auto&& on_row) -> caf::error {
    auto stmt = d.prepare(sql);
    if (!stmt)
      return std::move(stmt.error());
    return stmt->each_row(on_row);
  };
  bool found = false;
  if (auto err
      = each("SELECT id, finished, completed_at_ms FROM checkpoint "
             "ORDER BY id DESC LIMIT 1",
             [&](sqlite_stmt& row) {
               found = true;
               r.id = checkpoint_id{static_cast<uint64_t>(row.column_int(0))};
               r.finished = row.column_int(1) != 0;
               r.completed_at_ms = row.column_int(2);
             }))
    return err;
  if (!found)
    return damaged(path(), "it holds no complete checkpoint");
  auto readers = load_readers();
  if (!readers)
    return std::move(readers.error());
  r.readers = std::move(*readers);
  for (auto& rs : r.readers)
    rs.id = r.id;
  auto marks = load_shard_marks();
  if (!marks)
    return std::move(marks.error());
  for (auto& [shard, emitted] : *marks) {
    if (shard.value != r.shard_emitted.size())
      return damaged(path(), "shard_state is not numbered 0..N-1");
    r.shard_emitted.push_back(emitted);
  }
  auto& sink = r.sink;
  sink.id = r.id;
  found = false;
  if (auto err
      = each("SELECT released, next_batch, alerts, early_alerts, "
             "late_at_shards FROM sink_state",
             [&](sqlite_stmt& row) {
               found = true;
               sink.released = event_time{row.column_int(0)};
               sink.next_batch = static_cast<uint64_t>(row.column_int(1));
               sink.alerts = static_cast<uint64_t>(row.column_int(2));
               sink.early_alerts = static_cast<uint64_t>(row.column_int(3));
               sink.late_at_shards = static_cast<uint64_t>(row.column_int(4));
             }))
    return err;
  if (!found)
    return damaged(path(), "sink_state is empty");
  if (auto err
      = each("SELECT emitted_through FROM sink_shard ORDER BY shard",
             [&](sqlite_stmt& row) {
               sink.shard_emitted.push_back(event_time{row.column_int(0)});
             }))
    return err;
  if (auto err
      = each("SELECT window_start_ms, window_end_ms, user_id, "
             "crash_count FROM pending_alert ORDER BY seq",
             [&](sqlite_stmt& row) {
               sink.pending.push_back(alert{
                   event_time{row.column_int(0)}, event_time{row.column_int(1)},
                   std::string{row.column_text(2)},
                   static_cast<uint64_t>(row.column_int(3)), true});
             }))
    return err;
  if (auto err = each("SELECT name, path, position FROM output_position "
                      "ORDER BY name",
                      [&](sqlite_stmt& row) {
                        sink.outputs.push_back(output_position{
                            std::string{row.column_text(0)},
                            std::string{row.column_text(1)},
                            row.column_is_null(2) ? -1 : row.column_int(2)});
                      }))
    return err;
  return r;
}

caf::error journal::load_shard(shard_id shard,
                               std::vector<window_entry>& counts) {
  auto stmt = db_->prepare("SELECT window_start_ms, user_id, count FROM "
                           "window_count WHERE shard = ?1");
  if (!stmt)
    return damaged(path(), render(stmt.error()));
  stmt->bind(1, static_cast<int64_t>(shard.value));
  if (auto err = stmt->each_row([&](sqlite_stmt& row) {
        counts.push_back(window_entry{
            event_time{row.column_int(0)}, std::string{row.column_text(1)},
            static_cast<uint64_t>(row.column_int(2))});
      }))
    return damaged(path(), render(err));
  return caf::none;
}

checkpoint_record checkpoint_zero(std::vector<reader_snapshot> readers,
                                  uint32_t shards,
                                  std::vector<output_position> outputs) {
  checkpoint_record zero;
  zero.id = checkpoint_id{0};
  zero.started_at_ms = wall_clock_ms();
  zero.readers = std::move(readers);
  for (uint32_t s = 0; s < shards; ++s) {
    shard_snapshot shard;
    shard.id = zero.id;
    shard.shard = shard_id{s};
    zero.shards.push_back(std::move(shard));
  }
  zero.sink.id = zero.id;
  zero.sink.shard_emitted.assign(shards, min_event_time);
  zero.sink.outputs = std::move(outputs);
  return zero;
}

caf::error journal::create(const job_settings& settings,
                           const std::vector<journal_partition>& partitions,
                           const checkpoint_record& zero) {
  auto fail = [this](const std::string& reason) {
    return make_error(ec::output_error,
                      "journal " + path_ + ": cannot create it: " + reason);
  };
  if (db_ != nullptr)
    return fail("it exists already");
  // Written whole under another name, then renamed: journal.db is either
  // absent (the dir is new) or complete, never an empty or half-written
  // file that a restart could take for a new start.
  auto fresh = dir_ + "/" + new_file_name;
  remove_database_files(fresh);
  if (auto err = write_new(fresh, settings, partitions, zero)) {
    remove_database_files(fresh);
    // SQLite's reason, with the file it was writing.
    auto reason = render(err);
    auto prefix = "journal " + fresh + ": ";
    if (reason.compare(0, prefix.size(), prefix) == 0)
      reason.erase(0, prefix.size());
    return fail(reason + " (writing " + fresh + ")");
  }
  // Checkpoint 0 must survive a power loss, whatever comes after: without
  // it a restart would take the dir for new and append the whole run again
  // to outputs that were synced meanwhile. The file first, then its name.
  if (auto err = sync_file(fresh)) {
    remove_database_files(fresh);
    return fail(render(err));
  }
  if (::rename(fresh.c_str(), path_.c_str()) != 0) {
    auto err = fail("cannot rename " + fresh + ": " + std::strerror(errno));
    remove_database_files(fresh);
    return err;
  }
  if (auto err = sync_directory(dir_))
    return fail(render(err));
  kill_point("checkpoint-commit");
  return attach();
}

caf::error journal::write_new(const std::string& file,
                              const job_settings& settings,
                              const std::vector<journal_partition>& partitions,
                              const checkpoint_record& zero) {
  auto db = sqlite_db::open(file, "journal");
  if (!db)
    return std::move(db.error());
  db_ = std::move(*db);
  // Closes the new file on every way out: attach() opens it again by its
  // final name.
  struct closer {
    journal* self;
    ~closer() {
      self->stmts_.reset();
      self->db_.reset();
    }
  } closing{this};
  auto& d = *db_;
  // No rollback journal and no sync while it is written: a crash leaves a
  // file nobody reads (open() removes it), and sync_file() follows.
  // auto_vacuum must precede the first table.
  if (auto err = d.exec("PRAGMA auto_vacuum = INCREMENTAL;"
                        "PRAGMA journal_mode = MEMORY;"
                        "PRAGMA synchronous = OFF;"))
    return err;
  auto tx = sqlite_transaction::begin(d);
  if (!tx)
    return std::move(tx.error());
  if (auto err = d.exec(schema))
    return err;
  if (auto err
      = d.exec("PRAGMA application_id = " + std::to_string(application_id)
               + "; PRAGMA user_version = " + std::to_string(format_version)))
    return err;
  {
    auto put_setting = d.prepare("INSERT INTO setting VALUES (?1, ?2, ?3)");
    if (!put_setting)
      return std::move(put_setting.error());
    for (size_t i = 0; i < settings.size(); ++i) {
      put_setting->bind(1, static_cast<int64_t>(i));
      put_setting->bind(2, settings[i].first);
      put_setting->bind(3, settings[i].second);
      if (auto err = put_setting->run())
        return err;
    }
    auto put_partition = d.prepare("INSERT INTO partition_input VALUES "
                                   "(?1, ?2, ?3)");
    if (!put_partition)
      return std::move(put_partition.error());
    for (auto& p : partitions) {
      put_partition->bind(1, static_cast<int64_t>(p.partition.value));
      put_partition->bind(2, p.source);
      if (p.end_offset >= 0)
        put_partition->bind(3, p.end_offset);
      else
        put_partition->bind_null(3);
      if (auto err = put_partition->run())
        return err;
    }
  }
  if (auto err = prepare_statements())
    return err;
  if (auto err = write_rows(zero))
    return err;
  kill_point("checkpoint-write");
  return tx->commit();
}

caf::error
journal::set_end_offsets(const std::vector<journal_partition>& partitions) {
  auto fail = [this](const caf::error& err) {
    return db_->fail_doing("cannot store the end offsets", err);
  };
  auto stmt = db_->prepare("UPDATE partition_input SET end_offset = ?2 "
                           "WHERE partition = ?1 AND end_offset IS NULL");
  if (!stmt)
    return fail(stmt.error());
  auto tx = sqlite_transaction::begin(*db_);
  if (!tx)
    return fail(tx.error());
  for (auto& p : partitions) {
    stmt->bind(1, static_cast<int64_t>(p.partition.value));
    stmt->bind(2, p.end_offset);
    if (auto err = stmt->run())
      return fail(err);
  }
  if (auto err = tx->commit())
    return fail(err);
  // Fixed once: a power loss must not let a restart pick other end offsets
  // than the checkpoints after this one were taken with.
  return db_->sync_wal();
}

caf::error journal::write(const checkpoint_record& record) {
  // Every failure names the journal, the checkpoint and SQLite's reason,
  // e.g. "journal DIR/journal.db: cannot commit checkpoint 7: database or
  // disk is full".
  auto id = std::to_string(record.id.value);
  auto tx = sqlite_transaction::begin(*db_);
  if (!tx)
    return db_->fail_doing("cannot begin checkpoint " + id, tx.error());
  if (auto err = write_rows(record))
    return err;
  // A kill here loses this checkpoint and nothing else: SQLite rolls the
  // transaction back when the journal is opened again.
  kill_point("checkpoint-write");
  if (auto err = tx->commit())
    return db_->fail_doing("cannot commit checkpoint " + id, err);
  kill_point("checkpoint-commit");
  // The final checkpoint is synced: a completed run stays completed after a
  // power loss (the others may be taken back by one; see the top).
  if (record.finished)
    if (auto err = db_->sync_wal())
      return err;
  if (record.id.value % vacuum_every == 0)
    if (auto err = give_back_space())
      return db_->fail_doing(
          "cannot give free space back after checkpoint " + id, err);
  return caf::none;
}

caf::error journal::give_back_space() {
  // Deleted rows (emitted windows) leave free pages that later checkpoints
  // reuse; after a peak of open keys the file would keep its peak size.
  // Incremental vacuum returns free pages to the file system when they are
  // more than a quarter of the file.
  auto free_pages = db_->query_int("PRAGMA freelist_count");
  auto pages = db_->query_int("PRAGMA page_count");
  if (!free_pages || !pages)
    return db_->last_error("cannot read the journal's size");
  if (*free_pages < min_vacuum_pages || *free_pages * 4 < *pages)
    return caf::none;
  return db_->exec("PRAGMA incremental_vacuum");
}

caf::error journal::write_rows(const checkpoint_record& record) {
  auto& s = *stmts_;
  auto fail = [this, &record](const caf::error& err) {
    return db_->fail_doing(
        "cannot write checkpoint " + std::to_string(record.id.value), err);
  };
  for (auto& r : record.readers) {
    auto& st = r.stats;
    int64_t values[] = {r.partition.value,  r.next_offset.value,
                        r.max_seen.value,   static_cast<int64_t>(r.state),
                        as_int(st.records), as_int(st.crashes),
                        as_int(st.late),    as_int(st.malformed),
                        as_int(st.blank),   as_int(st.bytes),
                        as_int(st.lost)};
    for (int i = 0; i < 11; ++i)
      s.put_reader.bind(i + 1, values[i]);
    if (auto err = s.put_reader.run())
      return fail(err);
  }
  uint64_t changed = 0;
  uint64_t open = 0;
  for (auto& sh : record.shards) {
    auto shard = static_cast<int64_t>(sh.shard.value);
    s.put_shard.bind(1, shard);
    s.put_shard.bind(2, sh.emitted_through.value);
    if (auto err = s.put_shard.run())
      return fail(err);
    // Windows ending at or before the emitted mark are gone: start <=
    // emitted - window.
    if (sh.emitted_through != min_event_time) {
      auto last_start = sh.emitted_through == max_event_time
                            ? max_event_time.value
                            : sh.emitted_through.value - window_ms_;
      s.drop_emitted.bind(1, shard);
      s.drop_emitted.bind(2, last_start);
      if (auto err = s.drop_emitted.run())
        return fail(err);
    }
    s.put_count.bind(1, shard);
    // In key order: SQLite then appends to its B-tree instead of seeking
    // for every row (measured: 1 M keys written in 1.14 s + 0.25 s sorting
    // instead of 1.66 s; bench/restore_bench --sorted-write).
    caf::error put_err;
    sh.changed.for_each_sorted([&](const changed_counts::entry& e) {
      if (put_err)
        return;
      s.put_count.bind(2, e.window_start.value);
      s.put_count.bind(3, e.user_id);
      s.put_count.bind(4, as_int(e.count));
      put_err = s.put_count.run();
    });
    if (put_err)
      return fail(put_err);
    changed += sh.changed.size();
    open += sh.open_keys;
  }
  auto& sink = record.sink;
  int64_t sink_values[]
      = {sink.released.value, as_int(sink.next_batch), as_int(sink.alerts),
         as_int(sink.early_alerts), as_int(sink.late_at_shards)};
  for (int i = 0; i < 5; ++i)
    s.put_sink.bind(i + 1, sink_values[i]);
  if (auto err = s.put_sink.run())
    return fail(err);
  if (auto err = db_->exec("DELETE FROM sink_shard; DELETE FROM "
                           "pending_alert; DELETE FROM output_position"))
    return fail(err);
  for (size_t i = 0; i < sink.shard_emitted.size(); ++i) {
    s.put_sink_shard.bind(1, static_cast<int64_t>(i));
    s.put_sink_shard.bind(2, sink.shard_emitted[i].value);
    if (auto err = s.put_sink_shard.run())
      return fail(err);
  }
  for (size_t i = 0; i < sink.pending.size(); ++i) {
    auto& a = sink.pending[i];
    s.put_pending.bind(1, static_cast<int64_t>(i));
    s.put_pending.bind(2, a.window_start.value);
    s.put_pending.bind(3, a.window_end.value);
    s.put_pending.bind(4, a.user_id);
    s.put_pending.bind(5, as_int(a.crash_count));
    if (auto err = s.put_pending.run())
      return fail(err);
  }
  for (auto& o : sink.outputs) {
    s.put_output.bind(1, o.name);
    s.put_output.bind(2, o.path);
    if (o.position >= 0)
      s.put_output.bind(3, o.position);
    else
      s.put_output.bind_null(3);
    if (auto err = s.put_output.run())
      return fail(err);
  }
  auto id = static_cast<int64_t>(record.id.value);
  int64_t row[] = {id,
                   record.started_at_ms,
                   wall_clock_ms(),
                   record.finished ? 1 : 0,
                   as_int(changed),
                   as_int(open)};
  for (int i = 0; i < 6; ++i)
    s.put_checkpoint.bind(i + 1, row[i]);
  if (auto err = s.put_checkpoint.run())
    return fail(err);
  s.prune_checkpoints.bind(1, id - kept_checkpoints);
  if (auto err = s.prune_checkpoints.run())
    return fail(err);
  return caf::none;
}

} // namespace crashwatch
