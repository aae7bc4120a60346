#define CAF_SUITE alert_sink

// The sink's side of checkpoints and of the end of a run, step by step on
// the deterministic test coordinator, with real output files: the test's
// actor `self` plays the readers and shards (progress, side records,
// barriers), the coordinator (asking for the sink's part) and the waiter
// (told `done` at the end).
#include "actors/alert_sink.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "tests/support/deterministic_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

/// The sink reads one partition, 5 (any id but 0, so that a lookup by
/// index instead of by id shows), and two shards.
constexpr partition_id the_partition{5};

struct fixture : test::deterministic_actor_system {
  test::temp_dir tmp{"alert_sink_test"};
  std::string dir = tmp.path;
  alert_sink_actor sink;

  fixture() {
    sink_outputs out;
    out.format = alert_format::jsonl;
    out.alerts = std::move(*output_stream::open(dir + "/alerts.jsonl"));
    out.late = std::move(*output_stream::open(dir + "/late.jsonl"));
    out.dead_letters = std::move(*output_stream::open("stderr"));
    sink = sys.spawn(alert_sink, std::move(out), uint32_t{2},
                     std::vector<partition_id>{the_partition},
                     caf::actor_cast<caf::actor>(self), sink_snapshot{},
                     caf::actor{});
    sched.run();
  }

  ~fixture() { self->send_exit(sink, caf::exit_reason::user_shutdown); }

  /// Shard `s` emitted through `through` and fired one alert for `user` in
  /// [0, 10 s) (or the window given).
  void progress(uint32_t s, int64_t through, const std::string& user,
                int64_t window_start = 0) {
    shard_progress p;
    p.shard = shard_id{s};
    p.emitted_through = event_time{through};
    p.fired.push_back(alert{event_time{window_start},
                            event_time{window_start + 10'000}, user, 3, true});
    self->send(sink, std::move(p));
    expect((shard_progress), from(self).to(sink));
  }

  void shard_done(uint32_t s, uint64_t id) {
    self->send(sink, shard_barrier{checkpoint_id{id}, shard_id{s}});
    expect((shard_barrier), from(self).to(sink));
  }

  void reader_done(uint64_t id) {
    self->send(sink, partition_barrier{checkpoint_id{id}, the_partition});
    expect((partition_barrier), from(self).to(sink));
  }

  /// The coordinator's request for part `id`, delivered.
  void ask(uint64_t id) {
    self->request(sink, caf::infinite, atom::checkpoint_v, checkpoint_id{id});
    expect((atom::checkpoint, checkpoint_id), from(self).to(sink));
  }

  static const output_position& output(const sink_snapshot& snap,
                                       const std::string& name) {
    auto i = std::find_if(snap.outputs.begin(), snap.outputs.end(),
                          [&](auto& o) { return o.name == name; });
    if (i == snap.outputs.end())
      FAIL("no output " << name << " in the sink's part");
    return *i;
  }
};

} // namespace

FIXTURE_SCOPE(alert_sink_tests, fixture)

TEST(the sink part holds what came before every barrier and output sizes that
         match the files) {
  progress(0, 10'000, "a");
  progress(1, 10'000, "b"); // both shards through 10 s: a and b released
  shard_done(0, 1);
  reader_done(1);
  // Shard 0 is past its barrier: this progress belongs after checkpoint 1
  // and must wait, unwritten, until shard 1's barrier is in.
  progress(0, 20'000, "c", 10'000);
  shard_done(1, 1);
  // Every barrier is in: the part is ready before it is asked for.
  CHECK(self_mailbox_empty());
  ask(1);
  auto snap = receive_from_self<sink_snapshot>();
  CHECK_EQUAL(snap.id, checkpoint_id{1});
  CHECK_EQUAL(snap.released, event_time{10'000});
  CHECK_EQUAL(snap.alerts, 2u);
  CHECK(snap.pending.empty()); // c came after the barrier
  REQUIRE_EQUAL(snap.shard_emitted.size(), 2u);
  CHECK_EQUAL(snap.shard_emitted[0], event_time{10'000});
  CHECK_EQUAL(snap.shard_emitted[1], event_time{10'000});
  auto alerts_text = test::temp_dir::slurp(dir + "/alerts.jsonl");
  // The file then held exactly a and b: the committed size says so.
  auto& alerts = output(snap, "alerts");
  CHECK_EQUAL(alerts.path, dir + "/alerts.jsonl");
  REQUIRE(alerts.position > 0);
  auto first_two = alerts_text.substr(0, static_cast<size_t>(alerts.position));
  CHECK(first_two.find("\"user_id\":\"a\"") != std::string::npos);
  CHECK(first_two.find("\"user_id\":\"b\"") != std::string::npos);
  CHECK(first_two.find("\"user_id\":\"c\"") == std::string::npos);
  CHECK_EQUAL(output(snap, "dead_letters").position, -1); // stderr
  // After the part, c was handled: pending until shard 1 catches up.
  ask(2);
  reader_done(2);
  shard_done(0, 2);
  CHECK(self_mailbox_empty()); // shard 1's barrier 2 is missing
  shard_done(1, 2);
  auto snap2 = receive_from_self<sink_snapshot>();
  CHECK_EQUAL(snap2.id, checkpoint_id{2});
  REQUIRE_EQUAL(snap2.pending.size(), 1u);
  CHECK_EQUAL(snap2.pending[0].user_id, "c");
  CHECK_EQUAL(snap2.released, event_time{10'000});
  CHECK_EQUAL(snap2.shard_emitted[0], event_time{20'000});
  CHECK_EQUAL(output(snap2, "alerts").position, alerts.position);
}

TEST(the sink writes side records and tells its waiter once every partition
         finished and every window is out) {
  side_batch side;
  side.partition = the_partition;
  side.late.push_back(late_record{the_partition, record_offset{40},
                                  event_time{1'000}, event_time{0},
                                  event_time{10'000}, event_time{12'000},
                                  "late-user", late_reason::behind_watermark});
  self->send(sink, side);
  expect((side_batch), from(self).to(sink));
  progress(0, max_event_time.value, "a");
  partition_stats stats;
  stats.partition = the_partition;
  stats.records = 17;
  self->send(sink, atom::finished_v, stats);
  expect((atom::finished, partition_stats), from(self).to(sink));
  // Shard 1 has not emitted everything yet: no `done`.
  CHECK(self_mailbox_empty());
  progress(1, max_event_time.value, "b");
  auto summary = std::get<1>(receive_from_self<atom::done, pipeline_summary>());
  CHECK_EQUAL(summary.alerts, 2u);
  REQUIRE_EQUAL(summary.partitions.size(), 1u);
  CHECK_EQUAL(summary.partitions[0].records, 17u);
  // Everything was flushed before `done`: the files are complete.
  auto alerts = test::temp_dir::slurp(dir + "/alerts.jsonl");
  CHECK(alerts.find("\"user_id\":\"a\"") < alerts.find("\"user_id\":\"b\""));
  CHECK(test::temp_dir::slurp(dir + "/late.jsonl").find("late-user")
        != std::string::npos);
  // Told once: more progress does not repeat it.
  progress(0, max_event_time.value, "x");
  CHECK(self_mailbox_empty());
}

TEST(the sink tells its waiter only once every partition has finished) {
  // Every window is out (both shards emitted everything) ...
  progress(0, max_event_time.value, "a");
  progress(1, max_event_time.value, "b");
  // ... but partition 5's reader has not said it finished: no `done`.
  CHECK(self_mailbox_empty());
  partition_stats stats;
  stats.partition = the_partition;
  self->send(sink, atom::finished_v, stats);
  expect((atom::finished, partition_stats), from(self).to(sink));
  auto summary = std::get<1>(receive_from_self<atom::done, pipeline_summary>());
  CHECK_EQUAL(summary.alerts, 2u);
  CHECK_EQUAL(summary.partitions.size(), 1u);
}

FIXTURE_SCOPE_END()
