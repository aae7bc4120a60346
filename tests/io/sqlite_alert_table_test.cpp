#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/error.hpp"
#include "io/sqlite_alert_table.hpp"
#include "persistence/sqlite_db.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

using test::temp_dir;

/// 2026-01-20T13:53:00Z, the window of the README's example alert.
constexpr int64_t t0 = 1'768'917'180'000;

/// The alert of user `user` in the `n`th 10 s window from t0.
alert make_alert(int n, const std::string& user, uint64_t count,
                 bool final = true) {
  return alert{event_time{t0 + n * 10'000},
               event_time{t0 + n * 10'000 + 10'000}, user, count, final};
}

std::unique_ptr<sqlite_alert_table> open_table(const std::string& path) {
  auto table = sqlite_alert_table::open(path);
  if (!table)
    FAIL(render(table.error()));
  return std::move(*table);
}

std::unique_ptr<sqlite_db> open_db(const std::string& path) {
  auto db = sqlite_db::open(path, "test db");
  if (!db)
    FAIL(render(db.error()));
  return std::move(*db);
}

/// Every row, as another connection sees it: "rowid|window_start|...".
std::vector<std::string> dump(const std::string& path) {
  auto db = open_db(path);
  auto stmt = db->prepare(
      "SELECT rowid, window_start, window_end, window_start_ms, window_end_ms, "
      "user_id, crash_count, final FROM alerts ORDER BY rowid");
  REQUIRE(stmt);
  std::vector<std::string> rows;
  for (;;) {
    auto more = stmt->step();
    REQUIRE(more);
    if (!*more)
      break;
    std::string row = std::to_string(stmt->column_int(0));
    for (int i : {1, 2})
      row += "|" + std::string{stmt->column_text(i)};
    for (int i : {3, 4})
      row += "|" + std::to_string(stmt->column_int(i));
    row += "|" + std::string{stmt->column_text(5)};
    for (int i : {6, 7})
      row += "|" + std::to_string(stmt->column_int(i));
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t position_of(sqlite_alert_table& table) {
  auto pos = table.position();
  if (!pos)
    FAIL(render(pos.error()));
  return *pos;
}

} // namespace

TEST_CASE("the alert table keeps alerts in emission order with consecutive "
          "rowids",
          "[sqlite_alert_table]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.db";
  auto table = open_table(path);
  CHECK(table->path() == path);
  CHECK(position_of(*table) == 0);
  REQUIRE(!table->write({make_alert(0, "user_1361", 3),
                         make_alert(0, "user_2", 4, false),
                         make_alert(1, "user_1", 7)}));
  CHECK(position_of(*table) == 3);
  REQUIRE(!table->write({make_alert(2, "zed \"quoted\"", 5)}));
  // An empty batch changes nothing.
  REQUIRE(!table->write({}));
  CHECK(position_of(*table) == 4);
  REQUIRE(!table->sync());
  CHECK(dump(path)
        == std::vector<std::string>{
            "1|2026-01-20T13:53:00.000Z|2026-01-20T13:53:10.000Z|1768917180000|"
            "1768917190000|user_1361|3|1",
            "2|2026-01-20T13:53:00.000Z|2026-01-20T13:53:10.000Z|1768917180000|"
            "1768917190000|user_2|4|0",
            "3|2026-01-20T13:53:10.000Z|2026-01-20T13:53:20.000Z|1768917190000|"
            "1768917200000|user_1|7|1",
            "4|2026-01-20T13:53:20.000Z|2026-01-20T13:53:30.000Z|1768917200000|"
            "1768917210000|zed \"quoted\"|5|1",
        });
  // The documented format: WAL, and the index for window queries.
  auto db = open_db(path);
  auto mode = db->prepare("PRAGMA journal_mode");
  REQUIRE(mode);
  REQUIRE(mode->step());
  CHECK(mode->column_text(0) == "wal");
  auto index = db->query_int("SELECT count(*) FROM sqlite_master WHERE "
                             "type = 'index' AND name = 'alerts_by_window'");
  REQUIRE(index);
  CHECK(*index == 1);
}

TEST_CASE("cut_back and writing again give the rows of a run without "
          "failure",
          "[sqlite_alert_table]") {
  std::vector<std::vector<alert>> batches{
      {make_alert(0, "a", 3), make_alert(0, "b", 4)},
      {make_alert(1, "a", 5)},
      {make_alert(2, "c", 3), make_alert(2, "d", 9), make_alert(2, "e", 3)},
  };
  temp_dir dir;
  auto clean = dir.path + "/clean.db";
  {
    auto table = open_table(clean);
    for (auto& batch : batches)
      REQUIRE(!table->write(batch));
  }
  auto crashed = dir.path + "/crashed.db";
  int64_t committed = 0;
  {
    // Checkpoint after the first batch, then two more batches written
    // before the crash: both are re-emitted after the restart.
    auto table = open_table(crashed);
    REQUIRE(!table->write(batches[0]));
    REQUIRE(!table->sync());
    committed = position_of(*table);
    CHECK(committed == 2);
    REQUIRE(!table->write(batches[1]));
    REQUIRE(!table->write({make_alert(2, "c", 3)}));
  }
  {
    auto table = open_table(crashed);
    CHECK(position_of(*table) == 4);
    REQUIRE(!table->cut_back(committed));
    CHECK(position_of(*table) == 2);
    REQUIRE(!table->write(batches[1]));
    REQUIRE(!table->write(batches[2]));
  }
  auto expected = dump(clean);
  REQUIRE(expected.size() == 6);
  CHECK(dump(crashed) == expected);
  // Cut back to the very start: rowids start at 1 again.
  auto table = open_table(crashed);
  REQUIRE(!table->cut_back(0));
  CHECK(position_of(*table) == 0);
  CHECK(dump(crashed).empty());
  for (auto& batch : batches)
    REQUIRE(!table->write(batch));
  CHECK(dump(crashed) == expected);
}

TEST_CASE("cut_back beyond the end of the alert table fails",
          "[sqlite_alert_table]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.db";
  auto table = open_table(path);
  REQUIRE(!table->write({make_alert(0, "a", 3), make_alert(0, "b", 3)}));
  auto err = table->cut_back(5);
  REQUIRE(err);
  CHECK(has_code(err, ec::output_error));
  CHECK(
      render(err)
      == "cannot resume: alert table " + path
             + " ends at row 2, before row 5 committed at the last checkpoint "
               "(changed outside crashwatch?)");
  // Nothing was deleted, and the table is still usable.
  CHECK(dump(path).size() == 2);
  auto negative = table->cut_back(-1);
  REQUIRE(negative);
  CHECK(render(negative).find("cannot resume: row -1 of alert table " + path)
        == 0);
  REQUIRE(!table->cut_back(2));
  REQUIRE(!table->write({make_alert(1, "c", 3)}));
  CHECK(position_of(*table) == 3);
}

TEST_CASE("a reopened alert table keeps its rows and goes on after them",
          "[sqlite_alert_table]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.db";
  {
    auto table = open_table(path);
    REQUIRE(!table->write({make_alert(0, "a", 3), make_alert(0, "b", 4)}));
  }
  auto before = dump(path);
  REQUIRE(before.size() == 2);
  auto table = open_table(path);
  CHECK(position_of(*table) == 2);
  CHECK(dump(path) == before);
  REQUIRE(!table->write({make_alert(1, "c", 5)}));
  auto after = dump(path);
  REQUIRE(after.size() == 3);
  CHECK(after[2].rfind("3|", 0) == 0);
  CHECK(after[2].find("|c|5|1") != std::string::npos);
}

TEST_CASE("a batch that fails midway leaves no row of it",
          "[sqlite_alert_table]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.db";
  auto table = open_table(path);
  REQUIRE(!table->write({make_alert(0, "a", 3)}));
  {
    // A trigger stands in for a full disk: the second insert fails.
    auto db = open_db(path);
    REQUIRE(!db->exec("CREATE TRIGGER no_bad BEFORE INSERT ON alerts "
                      "WHEN NEW.user_id = 'bad' "
                      "BEGIN SELECT RAISE(ABORT, 'bad user'); END"));
  }
  auto err = table->write(
      {make_alert(1, "b", 3), make_alert(1, "bad", 3), make_alert(1, "c", 3)});
  REQUIRE(err);
  CHECK(has_code(err, ec::output_error));
  CHECK(render(err) == "alert table " + path + ": bad user");
  CHECK(position_of(*table) == 1);
  CHECK(dump(path).size() == 1);
  REQUIRE(!table->write({make_alert(1, "b", 3)}));
  CHECK(position_of(*table) == 2);
}

TEST_CASE("sync does not wait for readers of the alert table",
          "[sqlite_alert_table]") {
  // A checkpoint-based sync would wait for (or skip) frames a reader holds.
  temp_dir dir;
  auto path = dir.path + "/alerts.db";
  auto table = open_table(path);
  // Right after open (only the schema written): fine too.
  REQUIRE(!table->sync());
  REQUIRE(!table->write({make_alert(0, "a", 3)}));
  auto reader = open_db(path);
  REQUIRE(!reader->exec("BEGIN"));
  auto seen = reader->query_int("SELECT count(*) FROM alerts");
  REQUIRE(seen);
  CHECK(*seen == 1);
  REQUIRE(!table->write({make_alert(1, "b", 3), make_alert(1, "c", 3)}));
  auto before = std::chrono::steady_clock::now();
  auto err = table->sync();
  CHECK(!err);
  if (err)
    WARN(render(err));
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds{2});
  // The reader still sees its snapshot; a new one sees everything.
  auto still = reader->query_int("SELECT count(*) FROM alerts");
  REQUIRE(still);
  CHECK(*still == 1);
  REQUIRE(!reader->exec("COMMIT"));
  auto now = reader->query_int("SELECT count(*) FROM alerts");
  REQUIRE(now);
  CHECK(*now == 3);
}

TEST_CASE("an alerts table of another shape is refused",
          "[sqlite_alert_table]") {
  temp_dir dir;
  auto path = dir.path + "/other.db";
  {
    auto db = open_db(path);
    REQUIRE(!db->exec("CREATE TABLE alerts(id INTEGER PRIMARY KEY, msg TEXT);"
                      "INSERT INTO alerts(msg) VALUES('keep me')"));
  }
  auto table = sqlite_alert_table::open(path);
  REQUIRE(!table);
  CHECK(has_code(table.error(), ec::config_error));
  CHECK(render(table.error())
        == "alert table " + path
               + ": table alerts has the columns (id INTEGER PRIMARY KEY, msg "
                 "TEXT), not crashwatch's (window_start TEXT NOT NULL, "
                 "window_end TEXT NOT NULL, window_start_ms INTEGER NOT NULL, "
                 "window_end_ms INTEGER NOT NULL, user_id TEXT NOT NULL, "
                 "crash_count INTEGER NOT NULL, final INTEGER NOT NULL); use "
                 "another file");
  // Left as it was, no index added.
  auto db = open_db(path);
  auto rows = db->query_int("SELECT count(*) FROM alerts");
  REQUIRE(rows);
  CHECK(*rows == 1);
  auto indexes = db->query_int(
      "SELECT count(*) FROM sqlite_master WHERE type = 'index'");
  REQUIRE(indexes);
  CHECK(*indexes == 0);
  // The right names without NOT NULL are another shape too.
  auto loose = dir.path + "/loose.db";
  REQUIRE(!open_db(loose)->exec(
      "CREATE TABLE alerts(window_start TEXT, window_end TEXT, window_start_ms "
      "INTEGER, window_end_ms INTEGER, user_id TEXT, crash_count INTEGER, "
      "final INTEGER)"));
  auto loose_table = sqlite_alert_table::open(loose);
  REQUIRE(!loose_table);
  CHECK(render(loose_table.error()).find("table alerts has the columns")
        != std::string::npos);
  // So is a view.
  auto view = dir.path + "/view.db";
  REQUIRE(!open_db(view)->exec("CREATE VIEW alerts AS SELECT 1 AS x"));
  auto view_table = sqlite_alert_table::open(view);
  REQUIRE(!view_table);
  CHECK(render(view_table.error())
        == "alert table " + view
               + ": 'alerts' is a view, not crashwatch's alert table; use "
                 "another file");
}
