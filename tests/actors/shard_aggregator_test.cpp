#define CAF_SUITE shard_aggregator

// The shard's side of the protocol, step by step on the deterministic test
// coordinator: the test's actor `self` plays the readers (batches, barriers)
// and the coordinator (asking for the shard's part of a checkpoint); a fake
// sink records what the shard tells it. Every message is delivered by an
// expect(), so each test also states the order in which they travel.
#include "actors/shard_aggregator.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "tests/support/deterministic_fixture.hpp"

using namespace crashwatch;

namespace {

// -- a fake sink
// ---------------------------------------------------------------

struct fake_sink_state {
  static inline constexpr const char* name = "fake_sink";

  std::vector<shard_progress> progress;
  std::vector<shard_barrier> barriers;
  /// What arrived, in order: "progress" or "barrier N".
  std::vector<std::string> log;
};

/// Records the shard's progress and barriers; a shard sends nothing else.
alert_sink_actor::behavior_type
fake_sink(alert_sink_actor::stateful_pointer<fake_sink_state> self) {
  return {
      [self](shard_progress& p) {
        self->state.log.push_back("progress");
        self->state.progress.push_back(std::move(p));
      },
      [self](side_batch&) { self->state.log.push_back("side_batch"); },
      [self](atom::finished, partition_stats&) {
        self->state.log.push_back("finished");
      },
      [self](partition_barrier&) {
        self->state.log.push_back("partition_barrier");
      },
      [self](shard_barrier& b) {
        self->state.log.push_back("barrier " + std::to_string(b.id.value));
        self->state.barriers.push_back(b);
      },
      [](atom::checkpoint, checkpoint_id id) {
        sink_snapshot snap;
        snap.id = id;
        return snap;
      },
      // Telemetry: not what these tests look at.
      [](reader_report&) {},
      [](shard_report&) {},
      [](checkpoint_report&) {},
      [](atom::tick) {},
      [](atom::status) { return pipeline_summary{}; },
  };
}

// -- the fixture
// ---------------------------------------------------------------

/// The shard under test has id 3 (any id but 0, so that a shard answering
/// with a default id shows) and two input partitions, 0 and 1. Settings:
/// the defaults, 10 s windows and threshold 2 (an alert needs 3 crashes).
constexpr shard_id the_shard{3};

partition_batch make_batch(int32_t partition, std::vector<int64_t> crash_times,
                           int64_t watermark, partition_state state) {
  partition_batch b;
  b.partition = partition_id{partition};
  for (auto t : crash_times)
    b.events.push_back({event_time{t}, record_offset{t}, "u"});
  b.watermark = event_time{watermark};
  b.state = state;
  return b;
}

struct fixture : test::deterministic_actor_system {
  alert_sink_actor sink;
  shard_actor shard;

  fixture() {
    sink = sys.spawn(fake_sink);
    sched.run();
  }

  ~fixture() {
    self->send_exit(shard, caf::exit_reason::user_shutdown);
    self->send_exit(sink, caf::exit_reason::user_shutdown);
  }

  /// Spawns the shard, reading partitions 0 and 1 unless told otherwise.
  void start(bool early = false,
             std::vector<partition_id> partitions
             = {partition_id{0}, partition_id{1}},
             shard_restore restore = {}) {
    pipeline_config pc;
    pc.emit_early = early;
    shard = sys.spawn(shard_aggregator, the_shard, pc, std::move(partitions),
                      sink, std::move(restore));
    sched.run();
  }

  /// A batch from `partition`'s reader, handled, and its credit back.
  void batch(int32_t partition, std::vector<int64_t> crash_times,
             int64_t watermark,
             partition_state state = partition_state::active) {
    self->send(shard,
               make_batch(partition, std::move(crash_times), watermark, state));
    expect((partition_batch), from(self).to(shard));
    expect((atom::ack, shard_id), from(shard).to(self).with(_, the_shard));
  }

  /// A batch that the shard takes but does not answer yet.
  void held_batch(int32_t partition, std::vector<int64_t> crash_times) {
    self->send(shard, make_batch(partition, std::move(crash_times), 0,
                                 partition_state::active));
    expect((partition_batch), from(self).to(shard));
    CHECK(self_mailbox_empty());
  }

  void barrier(uint64_t id, int32_t partition) {
    self->send(shard,
               partition_barrier{checkpoint_id{id}, partition_id{partition}});
    expect((partition_barrier), from(self).to(shard));
  }

  /// The progress message the shard just sent, delivered to the sink.
  shard_progress progress() {
    expect((shard_progress), from(shard).to(sink));
    return state_of<fake_sink_state>(sink).progress.back();
  }

  /// The shard sent the sink nothing.
  bool sink_idle() { return !has_mail(sink); }
};

} // namespace

FIXTURE_SCOPE(shard_aggregator_tests, fixture)

TEST(a shard fires only when every partition passed the window end) {
  start();
  batch(0, {1'000, 2'000, 3'000}, 50'000); // u: 3 crashes in [0, 10 s)
  CHECK(sink_idle());                      // partition 1 unheard: hold
  batch(1, {}, 9'999); // min = 9.999 s < 10 s: progress, nothing fired
  auto p = progress();
  CHECK_EQUAL(p.emitted_through, event_time{9'999});
  CHECK(p.fired.empty());
  batch(1, {}, 10'000); // min reaches the window end
  p = progress();
  CHECK_EQUAL(p.shard, the_shard);
  CHECK_EQUAL(p.emitted_through, event_time{10'000});
  REQUIRE_EQUAL(p.fired.size(), 1u);
  CHECK_EQUAL(p.fired[0].crash_count, 3u);
  CHECK(p.fired[0].final);
  CHECK_EQUAL(p.fired[0].user_id, "u");
  CHECK_EQUAL(p.fired[0].window_start, event_time{0});
  CHECK_EQUAL(p.fired[0].window_end, event_time{10'000});
}

TEST(a shard reports crashes for emitted windows as late) {
  start();
  batch(0, {}, 40'000);
  CHECK(sink_idle()); // partition 1 unheard: the minimum is -infinity
  batch(1, {}, 0, partition_state::idle); // left out: global = 40 s
  auto p = progress();
  CHECK_EQUAL(p.emitted_through, event_time{40'000});
  batch(1, {15'000}, 0); // back from idle with a crash for [10 s, 20 s)
  p = progress();
  REQUIRE_EQUAL(p.late.size(), 1u);
  CHECK(p.late[0].reason == late_reason::window_emitted);
  CHECK_EQUAL(p.late[0].partition, partition_id{1});
  CHECK_EQUAL(p.late[0].watermark, event_time{40'000});
  CHECK_EQUAL(p.late[0].time, event_time{15'000});
  CHECK_EQUAL(p.late[0].window_start, event_time{10'000});
  CHECK_EQUAL(p.late[0].window_end, event_time{20'000});
  CHECK(p.fired.empty());
}

TEST(early mode alerts the moment a count crosses the threshold) {
  start(true);
  batch(0, {1'000, 2'000}, 0);
  CHECK(sink_idle());          // 2 crashes: not above the threshold
  batch(0, {3'000, 4'000}, 0); // the third crosses, the fourth does not
  auto p = progress();
  REQUIRE_EQUAL(p.early.size(), 1u);
  CHECK(!p.early[0].final);
  CHECK_EQUAL(p.early[0].crash_count, 3u);
  CHECK(p.fired.empty());
  batch(0, {5'000}, 0); // already crossed: no second early alert
  CHECK(sink_idle());
}

TEST(a shard flushes everything when all partitions end) {
  start();
  batch(0, {100'000, 100'001, 100'002}, 70'000, partition_state::ended);
  CHECK(sink_idle()); // partition 1 has not ended
  batch(1, {}, 0, partition_state::ended);
  auto p = progress();
  CHECK_EQUAL(p.emitted_through, max_event_time);
  REQUIRE_EQUAL(p.fired.size(), 1u);
  CHECK_EQUAL(p.fired[0].window_start, event_time{100'000});
}

TEST(a shard snapshots once every partition barrier is in and holds what came
         after) {
  start();
  // Partition 0: a crash, barrier 1, then a crash that belongs after it.
  batch(0, {1'000}, 0);
  barrier(1, 0);
  // The batch after the barrier waits: no credit back while partition 1
  // lags (that is what pauses partition 0's reader).
  held_batch(0, {2'000});
  // Partition 1 is still before its barrier: its batches go through (and
  // with both partitions at 0, windows ending at or before 0 are complete).
  batch(1, {3'000}, 0);
  CHECK_EQUAL(progress().emitted_through, event_time{0});
  // The coordinator asks before the alignment is complete: no answer yet.
  self->request(shard, caf::infinite, atom::checkpoint_v, checkpoint_id{1});
  expect((atom::checkpoint, checkpoint_id), from(self).to(shard));
  CHECK(self_mailbox_empty());
  CHECK(sink_idle());
  // Partition 1's barrier completes the alignment: the answer, then the
  // credit for the held batch, both to `self`.
  barrier(1, 1);
  auto snap = receive_from_self<shard_snapshot>();
  CHECK_EQUAL(snap.id, checkpoint_id{1});
  CHECK_EQUAL(snap.shard, the_shard);
  // The counts before both barriers: 1 s (p0) and 3 s (p1), not 2 s.
  REQUIRE_EQUAL(snap.changed.size(), 1u);
  auto changed = snap.changed.entries();
  CHECK_EQUAL(changed[0].user_id, "u");
  CHECK_EQUAL(changed[0].window_start, event_time{0});
  CHECK_EQUAL(changed[0].count, 2u);
  CHECK_EQUAL(snap.open_keys, 1u);
  expect((atom::ack, shard_id), from(shard).to(self).with(_, the_shard));
  // The sink gets barrier 1, behind the progress of the time before it.
  expect((shard_barrier), from(shard).to(sink));
  CHECK_EQUAL(state_of<fake_sink_state>(sink).log,
              (std::vector<std::string>{"progress", "barrier 1"}));
  // Checkpoint 2: both barriers first, the request after (the part waits
  // for it); it carries the held crash as a change.
  barrier(2, 0);
  CHECK(sink_idle());
  barrier(2, 1);
  expect((shard_barrier), from(shard).to(sink));
  CHECK_EQUAL(state_of<fake_sink_state>(sink).barriers.back().id,
              checkpoint_id{2});
  self->request(shard, caf::infinite, atom::checkpoint_v, checkpoint_id{2});
  expect((atom::checkpoint, checkpoint_id), from(self).to(shard));
  snap = receive_from_self<shard_snapshot>();
  CHECK_EQUAL(snap.id, checkpoint_id{2});
  REQUIRE_EQUAL(snap.changed.size(), 1u);
  CHECK_EQUAL(snap.changed.entries()[0].count, 3u);
  CHECK(self_mailbox_empty());
}

TEST(a restored shard continues from the checkpoint counts) {
  shard_restore restore;
  restore.counts.push_back(window_entry{event_time{0}, "u", 2});
  restore.emitted_through = event_time{-10'000};
  restore.marks
      = {{partition_id{0}, event_time{5'000}, partition_state::active}};
  start(false, {partition_id{0}}, restore);
  // One more crash in [0, 10 s) and the window completes: count 3 > 2.
  batch(0, {9'000}, 10'000);
  auto p = progress();
  REQUIRE_EQUAL(p.fired.size(), 1u);
  CHECK_EQUAL(p.fired[0].crash_count, 3u);
  CHECK_EQUAL(p.emitted_through, event_time{10'000});
}

FIXTURE_SCOPE_END()
