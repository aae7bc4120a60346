// The journal on real SQLite files in a fresh temporary directory: what is
// written comes back, a crash inside a checkpoint leaves the previous one,
// and foreign, damaged or mismatched journals are refused with a message
// naming the file.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sqlite3.h>

#include "core/error.hpp"
#include "persistence/journal.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

constexpr int64_t window_ms = 10'000;

/// The data dir under a test's temporary directory.
std::string data_dir_of(const test::temp_dir& dir) {
  return dir.path + "/data";
}

job_settings settings(const std::string& window = "10s") {
  return {{"--window", window}, {"--threshold", "2"}, {"--input", "/a, /b"}};
}

std::vector<journal_partition> parts() {
  return {{partition_id{0}, "file /a", -1}, {partition_id{1}, "file /b", -1}};
}

/// A checkpoint of two readers, two shards and a sink.
checkpoint_record record(uint64_t id) {
  checkpoint_record r;
  r.id = checkpoint_id{id};
  for (int32_t p = 0; p < 2; ++p) {
    reader_snapshot rs;
    rs.id = r.id;
    rs.partition = partition_id{p};
    rs.next_offset = record_offset{static_cast<int64_t>(100 * id + p)};
    rs.max_seen = event_time{static_cast<int64_t>(1'000'000 + id)};
    rs.state = p == 1 ? partition_state::idle : partition_state::active;
    rs.stats.partition = rs.partition;
    rs.stats.records = 10 * id;
    rs.stats.lost = id;
    r.readers.push_back(rs);
  }
  for (uint32_t s = 0; s < 2; ++s) {
    shard_snapshot sh;
    sh.id = r.id;
    sh.shard = shard_id{s};
    r.shards.push_back(sh);
  }
  r.sink.id = r.id;
  r.sink.shard_emitted = {min_event_time, min_event_time};
  r.sink.outputs = {{"alerts", "/out.jsonl", static_cast<int64_t>(id * 7)},
                    {"late", "stderr", -1}};
  return r;
}

std::unique_ptr<journal> open(const test::temp_dir& dir) {
  auto j = journal::open(data_dir_of(dir), window_ms);
  REQUIRE(j);
  return std::move(*j);
}

/// The open window counts of `shard` as "start:user=count", sorted.
std::vector<std::string> counts_of(journal& j, uint32_t shard) {
  std::vector<window_entry> entries;
  REQUIRE_FALSE(j.load_shard(shard_id{shard}, entries));
  std::vector<std::string> out;
  for (auto& e : entries)
    out.push_back(std::to_string(e.window_start.value) + ":" + e.user_id + "="
                  + std::to_string(e.count));
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_CASE("a new journal has no checkpoint until create()", "[journal]") {
  test::temp_dir dir;
  auto j = open(dir);
  CHECK_FALSE(j->has_checkpoint());
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  CHECK(j->has_checkpoint());
  CHECK(j->path() == data_dir_of(dir) + "/journal.db");
}

TEST_CASE("the newest checkpoint comes back whole", "[journal]") {
  test::temp_dir dir;
  {
    auto j = open(dir);
    REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
    auto r = record(1);
    r.shards[0].changed
        = {{event_time{0}, "u1", 3}, {event_time{10'000}, "u2", 1}};
    r.shards[0].open_keys = 2;
    r.sink.pending = {alert{event_time{0}, event_time{10'000}, "u9", 4, true}};
    r.sink.released = event_time{5'000};
    r.sink.next_batch = 3;
    r.sink.alerts = 11;
    REQUIRE_FALSE(j->write(r));
  }
  auto j = open(dir); // reopen: from the file
  REQUIRE(j->has_checkpoint());
  auto r = j->load();
  REQUIRE(r);
  CHECK(r->id == checkpoint_id{1});
  CHECK_FALSE(r->finished);
  REQUIRE(r->readers.size() == 2);
  CHECK(r->readers[1].partition == partition_id{1});
  CHECK(r->readers[1].next_offset == record_offset{101});
  CHECK(r->readers[1].max_seen == event_time{1'000'001});
  CHECK(r->readers[1].state == partition_state::idle);
  CHECK(r->readers[0].stats.records == 10);
  CHECK(r->readers[0].stats.lost == 1);
  CHECK(r->shard_emitted.size() == 2);
  CHECK(r->sink.released == event_time{5'000});
  CHECK(r->sink.next_batch == 3);
  CHECK(r->sink.alerts == 11);
  REQUIRE(r->sink.pending.size() == 1);
  CHECK(r->sink.pending[0].user_id == "u9");
  CHECK(r->sink.pending[0].crash_count == 4);
  REQUIRE(r->sink.outputs.size() == 2);
  CHECK(r->sink.outputs[0].name == "alerts");
  CHECK(r->sink.outputs[0].position == 7);
  CHECK(r->sink.outputs[1].position == -1); // stderr: not cut back
  CHECK(counts_of(*j, 0) == std::vector<std::string>{"0:u1=3", "10000:u2=1"});
  CHECK(counts_of(*j, 1).empty());
}

TEST_CASE("checkpoints are incremental and drop emitted windows", "[journal]") {
  test::temp_dir dir;
  auto j = open(dir);
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  auto r1 = record(1);
  r1.shards[0].changed = {{event_time{0}, "a", 1},
                          {event_time{10'000}, "b", 2},
                          {event_time{20'000}, "c", 1}};
  REQUIRE_FALSE(j->write(r1));
  auto r2 = record(2);
  // Only b changed; windows ending at or before 20 s are emitted.
  r2.shards[0].changed = {{event_time{20'000}, "c", 5}};
  r2.shards[0].emitted_through = event_time{20'000};
  REQUIRE_FALSE(j->write(r2));
  CHECK(counts_of(*j, 0) == std::vector<std::string>{"20000:c=5"});
  auto r3 = record(3);
  r3.shards[0].emitted_through = max_event_time; // end of input: all gone
  REQUIRE_FALSE(j->write(r3));
  CHECK(counts_of(*j, 0).empty());
}

TEST_CASE("old checkpoint rows are pruned", "[journal]") {
  test::temp_dir dir;
  auto j = open(dir);
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  for (uint64_t id = 1; id <= 250; ++id)
    REQUIRE_FALSE(j->write(record(id)));
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((data_dir_of(dir) + "/journal.db").c_str(), &db)
          == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*), min(id), max(id) FROM checkpoint",
                     -1, &stmt, nullptr);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_int(stmt, 0) == 100);
  CHECK(sqlite3_column_int(stmt, 1) == 151);
  CHECK(sqlite3_column_int(stmt, 2) == 250);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("settings that differ are named", "[journal]") {
  test::temp_dir dir;
  {
    auto j = open(dir);
    REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  }
  auto j = open(dir);
  CHECK_FALSE(j->check_settings(settings()));
  auto err = j->check_settings(settings("5s"));
  REQUIRE(err);
  CHECK(has_code(err, ec::journal_mismatch));
  auto text = render(err);
  CHECK(text.find("written with --window 10s; this run has --window 5s")
        != std::string::npos);
  CHECK(text.find(data_dir_of(dir) + "/journal.db") != std::string::npos);
  auto more = settings();
  more.emplace_back("--shards", "3");
  CHECK(render(j->check_settings(more)).find("this run has --shards 3")
        != std::string::npos);
}

TEST_CASE("a second process cannot open a data dir in use", "[journal]") {
  test::temp_dir dir;
  auto first = open(dir);
  // flock() locks belong to open file descriptions: a second open in the
  // same process conflicts just like another process would.
  auto second = journal::open(data_dir_of(dir), window_ms);
  REQUIRE_FALSE(second);
  CHECK(render(second.error()).find("is in use by another crashwatch process")
        != std::string::npos);
}

TEST_CASE("damaged and foreign journals are refused with the file's name",
          "[journal]") {
  test::temp_dir dir;
  auto path = data_dir_of(dir) + "/journal.db";
  {
    auto j = open(dir);
    REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
    for (uint64_t id = 1; id <= 20; ++id) {
      auto r = record(id);
      for (int u = 0; u < 200; ++u)
        r.shards[0].changed.push_back(
            {event_time{10'000 * static_cast<int64_t>(id)},
             "user_" + std::to_string(u), 1});
      REQUIRE_FALSE(j->write(r));
    }
  }
  auto expect_refused = [&](const std::string& words) {
    auto j = journal::open(data_dir_of(dir), window_ms);
    REQUIRE_FALSE(j);
    auto text = render(j.error());
    INFO(text);
    CHECK(text.find(path) != std::string::npos);
    CHECK(text.find(words) != std::string::npos);
  };
  SECTION("garbage over the header") {
    std::filesystem::remove(path + "-wal");
    std::fstream f{path, std::ios::in | std::ios::out | std::ios::binary};
    std::string junk(4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    f.close();
    expect_refused("damaged");
  }
  SECTION("cut to half its size") {
    std::filesystem::remove(path + "-wal");
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    expect_refused("damaged");
  }
  SECTION("a text file") {
    std::filesystem::remove(path + "-wal");
    std::ofstream{path, std::ios::trunc} << "not a database\n";
    expect_refused("damaged");
  }
  SECTION("another program's database") {
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    expect_refused("not a crashwatch journal");
  }
}

TEST_CASE("a checkpoint whose transaction never committed is not there",
          "[journal]") {
  test::temp_dir dir;
  auto j = open(dir);
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  REQUIRE_FALSE(j->write(record(1)));
  // A write that fails halfway rolls back: checkpoint 1 exists already, so
  // its row (written last) breaks the primary key after the reader rows
  // were replaced.
  auto dup = record(1);
  dup.readers[0].next_offset = record_offset{999'999};
  CHECK(j->write(dup));
  auto r = j->load();
  REQUIRE(r);
  CHECK(r->id == checkpoint_id{1});
  CHECK(r->readers[0].next_offset == record_offset{100});
}

TEST_CASE("end offsets are fixed once", "[journal]") {
  test::temp_dir dir;
  auto j = open(dir);
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  REQUIRE_FALSE(j->set_end_offsets({{partition_id{1}, "file /b", 500}}));
  REQUIRE_FALSE(j->set_end_offsets({{partition_id{1}, "file /b", 900}}));
  auto p = j->partitions();
  REQUIRE(p);
  REQUIRE(p->size() == 2);
  CHECK((*p)[0].end_offset == -1);
  CHECK((*p)[1].end_offset == 500);
}

TEST_CASE("the journal gives space back after its state shrinks", "[journal]") {
  test::temp_dir dir;
  auto path = data_dir_of(dir) + "/journal.db";
  uintmax_t peak = 0;
  {
    auto j = open(dir);
    REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
    auto big = record(1);
    for (int u = 0; u < 200'000; ++u)
      big.shards[0].changed.push_back(
          {event_time{0}, "user_" + std::to_string(u), 1});
    REQUIRE_FALSE(j->write(big));
  }
  // Closing the last connection copies the WAL into the file.
  peak = std::filesystem::file_size(path);
  CHECK(peak > 4'000'000);
  {
    auto j = open(dir);
    // Every window emitted: all 200k rows go; checkpoint 64 vacuums.
    for (uint64_t id = 2; id <= 64; ++id) {
      auto r = record(id);
      r.shards[0].emitted_through = event_time{10'000};
      REQUIRE_FALSE(j->write(r));
    }
    std::vector<window_entry> entries;
    REQUIRE_FALSE(j->load_shard(shard_id{0}, entries));
    CHECK(entries.empty());
  }
  auto after = std::filesystem::file_size(path);
  INFO("peak " << peak << " bytes, after " << after);
  CHECK(after * 4 < peak);
}

namespace {

/// A complete journal in `dir` with checkpoints 0 and 1, closed (its WAL
/// folded into the file).
void complete_journal(const test::temp_dir& dir) {
  auto j = open(dir);
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  REQUIRE_FALSE(j->write(record(1)));
}

/// Runs `sql` on the SQLite database `path` (as the sqlite3 shell would).
void sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* msg = nullptr;
  auto rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &msg);
  INFO((msg != nullptr ? msg : ""));
  sqlite3_free(msg);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

/// journal::open() refuses the data dir of `dir` as damaged, naming
/// `path` and `why`.
void expect_damaged(const test::temp_dir& dir, const std::string& why) {
  auto path = data_dir_of(dir) + "/journal.db";
  auto j = journal::open(data_dir_of(dir), window_ms);
  REQUIRE_FALSE(j);
  auto text = render(j.error());
  INFO(text);
  CHECK(has_code(j.error(), ec::input_error));
  CHECK(text.find("journal " + path + " is damaged") != std::string::npos);
  CHECK(text.find(why) != std::string::npos);
  CHECK(text.find('\n') == std::string::npos);
}

} // namespace

TEST_CASE("a new data dir has no journal.db until create() wrote it whole",
          "[journal]") {
  test::temp_dir dir;
  auto path = data_dir_of(dir) + "/journal.db";
  auto j = open(dir);
  CHECK_FALSE(j->has_checkpoint());
  CHECK_FALSE(std::filesystem::exists(path));
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  CHECK(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".new"));
  // Complete on disk already: a second process (after this one died) finds
  // settings and checkpoint 0.
  j.reset();
  auto again = open(dir);
  CHECK(again->has_checkpoint());
  CHECK_FALSE(again->check_settings(settings()));
  auto r = again->load();
  REQUIRE(r);
  CHECK(r->id == checkpoint_id{0});
}

TEST_CASE("an empty journal.db is damage, never a new start", "[journal]") {
  test::temp_dir dir;
  complete_journal(dir);
  auto path = data_dir_of(dir) + "/journal.db";
  std::filesystem::remove(path + "-wal");
  std::filesystem::resize_file(path, 0); // `: > journal.db`
  expect_damaged(dir, "the file is empty");
  // Not replaced by a new journal.
  CHECK(std::filesystem::file_size(path) == 0);
}

TEST_CASE("a half-created journal is damage, never a new start", "[journal]") {
  test::temp_dir dir;
  auto path = data_dir_of(dir) + "/journal.db";
  SECTION("a database without tables (a creation that never committed)") {
    std::filesystem::create_directories(data_dir_of(dir));
    sql(path, "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL");
    REQUIRE(std::filesystem::file_size(path) > 0);
    expect_damaged(dir, "without the journal's tables");
  }
  SECTION("no checkpoint") {
    complete_journal(dir);
    sql(path, "DELETE FROM checkpoint");
    expect_damaged(dir, "it holds no complete checkpoint");
  }
  SECTION("no job settings") {
    complete_journal(dir);
    sql(path, "DELETE FROM setting");
    expect_damaged(dir, "it holds no job settings");
  }
  SECTION("a table missing") {
    complete_journal(dir);
    sql(path, "DROP TABLE sink_state");
    expect_damaged(dir, "table sink_state is missing");
  }
}

TEST_CASE("a journal.db.new left by a crash during creation is not damage",
          "[journal]") {
  test::temp_dir dir;
  auto data = data_dir_of(dir);
  std::filesystem::create_directories(data);
  // What a kill between writing and renaming leaves (any content).
  std::ofstream{data + "/journal.db.new"} << "half a journal";
  std::ofstream{data + "/journal.db.new-journal"} << "its rollback journal";
  auto j = open(dir);
  CHECK_FALSE(j->has_checkpoint());
  CHECK_FALSE(std::filesystem::exists(data + "/journal.db.new"));
  CHECK_FALSE(std::filesystem::exists(data + "/journal.db.new-journal"));
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  CHECK(j->has_checkpoint());
}

TEST_CASE("a journal that cannot be created names journal.db and the reason",
          "[journal]") {
  test::temp_dir dir;
  auto data = data_dir_of(dir);
  auto j = open(dir);
  // journal.db.new cannot be a database (a directory is in its way).
  std::filesystem::create_directories(data + "/journal.db.new");
  auto err = j->create(settings(), parts(), record(0));
  REQUIRE(err);
  auto text = render(err);
  INFO(text);
  CHECK(text.find("journal " + data + "/journal.db: cannot create it: ") == 0);
  CHECK(text.find("unable to open database file") != std::string::npos);
  CHECK(text.find("(writing " + data + "/journal.db.new)")
        != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(data + "/journal.db"));
  CHECK_FALSE(j->has_checkpoint());
}

TEST_CASE("a checkpoint that does not fit names the journal and SQLite's "
          "reason once, and leaves the previous one",
          "[journal]") {
  test::temp_dir dir;
  auto path = data_dir_of(dir) + "/journal.db";
  auto j = open(dir);
  REQUIRE_FALSE(j->create(settings(), parts(), record(0)));
  // The disk is full: SQLite may not grow the file beyond its size now.
  auto pages = j->database().query_int("PRAGMA page_count");
  REQUIRE(pages);
  REQUIRE_FALSE(
      j->database().exec("PRAGMA max_page_count = " + std::to_string(*pages)));
  auto big = record(1);
  for (int u = 0; u < 20'000; ++u)
    big.shards[0].changed.push_back(
        {event_time{0}, "user_" + std::to_string(u), 1});
  auto err = j->write(big);
  REQUIRE(err);
  auto text = render(err);
  INFO(text);
  CHECK(text.find("journal " + path + ": cannot ") == 0);
  CHECK(text.find("checkpoint 1: database or disk is full")
        != std::string::npos);
  // The file is named once: no "journal PATH: ... journal PATH: ...".
  CHECK(text.find(path) == text.rfind(path));
  auto r = j->load();
  REQUIRE(r);
  CHECK(r->id == checkpoint_id{0});
}
