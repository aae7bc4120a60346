// A cluster node's journal on real SQLite files: a staged part becomes the
// node's state only when committed; after a restart, recover() applies what
// the coordinator committed and drops what it did not; a journal of another
// job or node is refused.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "persistence/node_journal.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

constexpr int64_t window_ms = 10'000;

std::unique_ptr<node_journal> open_journal(const test::temp_dir& dir,
                                           const std::string& job = "job-1",
                                           const std::string& node = "a1") {
  auto j = node_journal::open(dir.path + "/data", window_ms, job, node);
  REQUIRE(j);
  return std::move(*j);
}

/// Checkpoint `id` of a node reading partition 3 and hosting shard 1: the
/// reader at offset 100 * id, one count of user "u<id>" changed to `id`.
node_part part(uint64_t id) {
  node_part p;
  p.id = checkpoint_id{id};
  reader_snapshot r;
  r.id = p.id;
  r.partition = partition_id{3};
  r.next_offset = record_offset{static_cast<int64_t>(100 * id)};
  r.stats.partition = r.partition;
  r.stats.records = id;
  p.readers.push_back(r);
  shard_snapshot s;
  s.id = p.id;
  s.shard = shard_id{1};
  s.changed.push_back({event_time{0}, "u" + std::to_string(id), id});
  s.open_keys = id;
  p.shards.push_back(s);
  return p;
}

int64_t reader_offset(node_journal& j) {
  auto readers = j.readers();
  REQUIRE(readers);
  REQUIRE(readers->size() == 1);
  return (*readers)[0].next_offset.value;
}

std::vector<std::string> users(node_journal& j) {
  std::vector<window_entry> counts;
  REQUIRE_FALSE(j.load_shard(shard_id{1}, counts));
  std::vector<std::string> out;
  for (auto& e : counts)
    out.push_back(e.user_id + "=" + std::to_string(e.count));
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_CASE("a staged part is the node's state only once committed",
          "[node_journal]") {
  test::temp_dir dir{"node_journal_test"};
  auto j = open_journal(dir);
  REQUIRE_FALSE(j->stage(part(1)));
  CHECK(j->readers()->empty()); // staged, not committed
  REQUIRE_FALSE(j->commit(checkpoint_id{1}));
  CHECK(reader_offset(*j) == 100);
  CHECK(users(*j) == std::vector<std::string>{"u1=1"});
  // N+1 staged: N stays the state until N+1 is committed.
  REQUIRE_FALSE(j->stage(part(2)));
  CHECK(reader_offset(*j) == 100);
  REQUIRE_FALSE(j->commit(checkpoint_id{2}));
  CHECK(reader_offset(*j) == 200);
  CHECK(users(*j) == std::vector<std::string>{"u1=1", "u2=2"});
  auto marks = j->shard_marks();
  REQUIRE(marks);
  REQUIRE(marks->size() == 1);
  CHECK((*marks)[0].first == shard_id{1});
}

TEST_CASE("after a crash a node recovers to the committed checkpoint",
          "[node_journal]") {
  test::temp_dir dir{"node_journal_test"};
  {
    auto j = open_journal(dir);
    REQUIRE_FALSE(j->stage(part(1)));
    REQUIRE_FALSE(j->commit(checkpoint_id{1}));
    // Staged 2 and 3; the crash came before the coordinator's commit of
    // 2 reached this node, and 3 was never committed.
    REQUIRE_FALSE(j->stage(part(2)));
    REQUIRE_FALSE(j->stage(part(3)));
  }
  auto j = open_journal(dir);
  auto now = j->recover(checkpoint_id{2});
  REQUIRE(now);
  CHECK(*now == checkpoint_id{2});
  CHECK(reader_offset(*j) == 200);
  CHECK(users(*j) == std::vector<std::string>{"u1=1", "u2=2"});
  // 3 is gone: committing it later applies nothing.
  REQUIRE_FALSE(j->commit(checkpoint_id{3}));
  CHECK(reader_offset(*j) == 200);
}

TEST_CASE("recovering to an older checkpoint drops newer staged parts",
          "[node_journal]") {
  test::temp_dir dir{"node_journal_test"};
  auto j = open_journal(dir);
  REQUIRE_FALSE(j->stage(part(1)));
  REQUIRE_FALSE(j->stage(part(2)));
  auto now = j->recover(checkpoint_id{0});
  REQUIRE(now);
  CHECK(*now == checkpoint_id{0});
  CHECK(j->readers()->empty());
  REQUIRE_FALSE(j->commit(checkpoint_id{2}));
  CHECK(j->readers()->empty());
}

TEST_CASE("applying a part twice changes nothing", "[node_journal]") {
  test::temp_dir dir{"node_journal_test"};
  auto j = open_journal(dir);
  REQUIRE_FALSE(j->stage(part(1)));
  REQUIRE_FALSE(j->commit(checkpoint_id{1}));
  // As if a crash had come between applying 1 and dropping it.
  REQUIRE_FALSE(j->stage(part(1)));
  REQUIRE_FALSE(j->commit(checkpoint_id{1}));
  CHECK(reader_offset(*j) == 100);
  CHECK(users(*j) == std::vector<std::string>{"u1=1"});
}

TEST_CASE("a node journal of another job or node is refused",
          "[node_journal]") {
  test::temp_dir dir{"node_journal_test"};
  open_journal(dir, "job-1", "a1");
  auto other_node
      = node_journal::open(dir.path + "/data", window_ms, "job-1", "a2");
  REQUIRE_FALSE(other_node);
  CHECK(has_code(other_node.error(), ec::journal_mismatch));
  CHECK_THAT(render(other_node.error()), Catch::Contains("--node-id a1"));
  auto other_job
      = node_journal::open(dir.path + "/data", window_ms, "job-2", "a1");
  REQUIRE_FALSE(other_job);
  CHECK_THAT(render(other_job.error()), Catch::Contains("--job job-1"));
}

TEST_CASE("an empty node journal is damage, never a new node",
          "[node_journal]") {
  test::temp_dir dir{"node_journal_test"};
  {
    auto j = open_journal(dir);
    REQUIRE_FALSE(j->stage(part(1)));
    REQUIRE_FALSE(j->commit(checkpoint_id{1}));
  }
  auto path = dir.path + "/data/journal.db";
  std::filesystem::remove(path + "-wal");
  std::filesystem::resize_file(path, 0);
  auto j = node_journal::open(dir.path + "/data", window_ms, "job-1", "a1");
  REQUIRE_FALSE(j);
  auto text = render(j.error());
  INFO(text);
  CHECK_THAT(text, Catch::Contains("journal " + path + " is damaged"));
  CHECK_THAT(text, Catch::Contains("the file is empty"));
  CHECK(std::filesystem::file_size(path) == 0);
}
