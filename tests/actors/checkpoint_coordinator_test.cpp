#define CAF_SUITE checkpoint_coordinator

// The checkpoint coordinator on the deterministic test coordinator, with a
// real journal in a temporary data dir (created with checkpoint 0, as
// app/run_start.cpp's commit_run_start() does) and fake readers, shards and
// sink that answer its `(checkpoint, N)` requests with parts the test
// makes, at once or when the test releases them. Time is the test
// coordinator's simulated clock: no real time passes.
#include "actors/checkpoint_coordinator.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/deep_to_string.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "core/error.hpp"
#include "persistence/journal.hpp"
#include "tests/support/deterministic_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;
using namespace std::chrono_literals;

namespace {

// -- settings
// -------------------------------------------------------------------

/// --checkpoint-interval of the tests.
constexpr auto interval = 1'000ms;

/// --window (the journal drops the counts of windows a shard has emitted).
constexpr int64_t window_ms = 10'000;

/// Event times of the parts start here (a multiple of the window).
constexpr int64_t t0 = 1'700'000'000'000;

/// Two readers (partitions 0 and 1), two shards, one sink.
constexpr int32_t reader_count = 2;
constexpr uint32_t shard_count = 2;

// -- fakes
// ----------------------------------------------------------------------

/// Tells a fake to answer the requests it holds.
using release_atom = caf::atom_constant<caf::atom("release")>;

using fake_reader_actor
    = partition_reader_actor::extend<caf::reacts_to<release_atom>>;
using fake_shard_actor = shard_actor::extend<caf::reacts_to<release_atom>>;
using fake_sink_actor = alert_sink_actor::extend<caf::reacts_to<release_atom>>;

/// What a fake part knows: who it is, where it notes the requests it gets,
/// how it answers.
template <class Snapshot>
struct fake_part_state {
  static inline constexpr const char* name = "fake_part";

  /// "shard 0", "sink", "reader 1", ...
  std::string label;
  /// Shared by all fakes: "<label> asked <N>" for each request, in the
  /// order they arrive.
  std::vector<std::string>* log = nullptr;
  /// Its part of checkpoint N.
  std::function<Snapshot(checkpoint_id)> part;
  /// Answer only when released.
  bool hold = false;
  /// Answer with this error instead.
  caf::error fail;
  std::deque<std::pair<checkpoint_id, caf::typed_response_promise<Snapshot>>>
      held;
};

template <class Snapshot, class Self>
caf::result<Snapshot> on_request(Self* self, checkpoint_id id) {
  auto& st = self->state;
  st.log->push_back(st.label + " asked " + std::to_string(id.value));
  if (st.fail)
    return st.fail;
  if (!st.hold)
    return st.part(id);
  auto rp = self->template make_response_promise<Snapshot>();
  st.held.emplace_back(id, rp);
  return rp;
}

template <class Self>
void on_release(Self* self) {
  auto& st = self->state;
  for (auto& [id, rp] : st.held)
    rp.deliver(st.part(id));
  st.held.clear();
}

fake_reader_actor::behavior_type fake_reader(
    fake_reader_actor::stateful_pointer<fake_part_state<reader_snapshot>>
        self) {
  return {
      [](atom::read) {},
      [](atom::tick) {},
      [self](atom::checkpoint, checkpoint_id id) {
        return on_request<reader_snapshot>(self, id);
      },
      [](atom::status) { return partition_stats{}; },
      [self](release_atom) { on_release(self); },
  };
}

fake_shard_actor::behavior_type fake_shard(
    fake_shard_actor::stateful_pointer<fake_part_state<shard_snapshot>> self) {
  return {
      [](partition_batch&) -> caf::result<atom::ack, shard_id> {
        return {atom::ack_v, shard_id{0}};
      },
      [](partition_barrier&) {},
      [self](atom::checkpoint, checkpoint_id id) {
        return on_request<shard_snapshot>(self, id);
      },
      [self](release_atom) { on_release(self); },
  };
}

fake_sink_actor::behavior_type fake_sink(
    fake_sink_actor::stateful_pointer<fake_part_state<sink_snapshot>> self) {
  return {
      [](shard_progress&) {},
      [](side_batch&) {},
      [](atom::finished, partition_stats&) {},
      [](partition_barrier&) {},
      [](shard_barrier&) {},
      [](reader_report&) {},
      [](shard_report&) {},
      [](checkpoint_report&) {},
      [](atom::tick) {},
      [self](atom::checkpoint, checkpoint_id id) {
        return on_request<sink_snapshot>(self, id);
      },
      [](atom::status) { return pipeline_summary{}; },
      [self](release_atom) { on_release(self); },
  };
}

// -- the parts
// ----------------------------------------------------------------------

/// Reader `i`'s part of checkpoint `id`: every field depends on both, so
/// that a part stored under the wrong partition or checkpoint shows.
reader_snapshot reader_part(int32_t i, checkpoint_id id, bool ended) {
  auto n = static_cast<int64_t>(id.value);
  reader_snapshot r;
  r.id = id;
  r.partition = partition_id{i};
  r.next_offset = record_offset{1'000 * n + i};
  r.max_seen = event_time{t0 + 100'000 * n + i};
  r.state = ended ? partition_state::ended : partition_state::active;
  r.stats.partition = r.partition;
  auto k = static_cast<uint64_t>(100 * n + 10 * i);
  r.stats.records = k + 1;
  r.stats.crashes = k + 2;
  r.stats.late = k + 3;
  r.stats.malformed = k + 4;
  r.stats.blank = k + 5;
  r.stats.bytes = k + 6;
  r.stats.lost = k + 7;
  return r;
}

/// Shard `s`'s part: emitted through t0, so that the counts of two open
/// windows after it stay in the journal.
shard_snapshot shard_part(uint32_t s, checkpoint_id id) {
  shard_snapshot sh;
  sh.id = id;
  sh.shard = shard_id{s};
  sh.emitted_through = event_time{t0 + s};
  auto user = "user-" + std::to_string(s) + "-" + std::to_string(id.value);
  sh.changed = {{event_time{t0 + window_ms}, user, 3 + s},
                {event_time{t0 + 2 * window_ms}, user, 5 + s}};
  sh.open_keys = 2;
  return sh;
}

sink_snapshot sink_part(checkpoint_id id, event_time released) {
  auto n = id.value;
  sink_snapshot sk;
  sk.id = id;
  sk.released = released;
  sk.shard_emitted = {event_time{t0}, event_time{t0 + 1}};
  sk.pending = {alert{event_time{t0}, event_time{t0 + window_ms},
                      "pending-" + std::to_string(n), 4, true}};
  sk.next_batch = 10 + n;
  sk.alerts = 20 + n;
  sk.early_alerts = 30 + n;
  sk.late_at_shards = 40 + n;
  // Sorted by name, as the journal gives them back.
  sk.outputs = {{"alerts", "/out/alerts.jsonl", static_cast<int64_t>(n * 7)},
                {"late", "stderr", -1}};
  return sk;
}

template <class T>
std::string str(const T& x) {
  return caf::deep_to_string(x);
}

// -- the fixture
// ------------------------------------------------------------------

struct fixture : test::deterministic_actor_system {
  test::temp_dir tmp{"checkpoint_coordinator_test"};
  std::string data_dir = tmp.path + "/data";
  std::vector<std::string> log;
  /// What the parts say: every reader at its end, the sink's release mark.
  bool readers_ended = false;
  event_time sink_released{t0};

  std::vector<fake_reader_actor> readers;
  std::vector<fake_shard_actor> shards;
  fake_sink_actor sink;
  checkpoint_coordinator_actor coordinator;

  fixture() {
    for (int32_t i = 0; i < reader_count; ++i) {
      readers.push_back(sys.spawn(fake_reader));
      auto& st = state_of<fake_part_state<reader_snapshot>>(readers.back());
      st.label = "reader " + std::to_string(i);
      st.log = &log;
      st.part = [this, i](checkpoint_id id) {
        return reader_part(i, id, readers_ended);
      };
    }
    for (uint32_t s = 0; s < shard_count; ++s) {
      shards.push_back(sys.spawn(fake_shard));
      auto& st = state_of<fake_part_state<shard_snapshot>>(shards.back());
      st.label = "shard " + std::to_string(s);
      st.log = &log;
      st.part = [s](checkpoint_id id) { return shard_part(s, id); };
    }
    sink = sys.spawn(fake_sink);
    auto& st = state_of<fake_part_state<sink_snapshot>>(sink);
    st.label = "sink";
    st.log = &log;
    st.part = [this](checkpoint_id id) { return sink_part(id, sink_released); };
    sched.run();
    start_coordinator();
  }

  ~fixture() {
    self->send_exit(coordinator, caf::exit_reason::user_shutdown);
    for (auto& r : readers)
      self->send_exit(r, caf::exit_reason::user_shutdown);
    for (auto& s : shards)
      self->send_exit(s, caf::exit_reason::user_shutdown);
    self->send_exit(sink, caf::exit_reason::user_shutdown);
  }

  /// A new data dir's journal with checkpoint 0, and the coordinator that
  /// takes checkpoints 1, 2, ... into it.
  void start_coordinator() {
    auto opened = journal::open(data_dir, window_ms);
    REQUIRE(opened);
    auto journal = std::move(*opened);
    std::vector<reader_snapshot> starts;
    for (int32_t i = 0; i < reader_count; ++i) {
      reader_snapshot r;
      r.partition = partition_id{i};
      r.stats.partition = r.partition;
      starts.push_back(r);
    }
    auto zero = checkpoint_zero(std::move(starts), shard_count, {});
    REQUIRE(!journal->create(
        {{"--window", "10s"}},
        {{partition_id{0}, "file /a", -1}, {partition_id{1}, "file /b", -1}},
        zero));
    std::vector<partition_reader_actor> reader_handles(readers.begin(),
                                                       readers.end());
    std::vector<shard_actor> shard_handles(shards.begin(), shards.end());
    coordinator = sys.spawn(checkpoint_coordinator, std::move(journal),
                            checkpoint_id{1}, std::move(reader_handles),
                            std::move(shard_handles), sink, interval,
                            std::vector<node_actor>{}, uint64_t{0});
    sched.run();
  }

  /// Makes every fake hold its answers until released.
  void hold_parts() {
    for (auto& r : readers)
      state_of<fake_part_state<reader_snapshot>>(r).hold = true;
    for (auto& s : shards)
      state_of<fake_part_state<shard_snapshot>>(s).hold = true;
    state_of<fake_part_state<sink_snapshot>>(sink).hold = true;
  }

  /// Every fake answers what it holds.
  void release_parts() {
    for (auto& r : readers)
      self->send(r, release_atom{});
    for (auto& s : shards)
      self->send(s, release_atom{});
    self->send(sink, release_atom{});
    sched.run();
  }

  /// The requests for checkpoint `n`, in the order every fake must get them.
  static std::vector<std::string> asked(uint64_t n) {
    auto id = std::to_string(n);
    return {"shard 0 asked " + id, "shard 1 asked " + id, "sink asked " + id,
            "reader 0 asked " + id, "reader 1 asked " + id};
  }

  /// The first periodic tick: one interval after the coordinator started.
  void first_tick() {
    CHECK_EQUAL(advance_time(interval), 1u);
    expect((atom::tick), from(coordinator).to(coordinator));
  }

  /// Stops the coordinator (which closes the journal and unlocks the data
  /// dir) and reads the journal's newest checkpoint.
  restored_checkpoint newest_checkpoint() {
    self->send_exit(coordinator, caf::exit_reason::user_shutdown);
    sched.run();
    auto j = journal::open(data_dir, window_ms);
    if (!j)
      FAIL("cannot open the journal: " << render(j.error()));
    auto r = (*j)->load();
    if (!r)
      FAIL("cannot load the journal: " << render(r.error()));
    return std::move(*r);
  }

  /// Asks for a checkpoint now (`final`: the run is complete), as the
  /// pipeline's owner does.
  void request_checkpoint(bool final) {
    self->request(coordinator, caf::infinite, atom::checkpoint_v, final);
    expect((atom::checkpoint, bool), from(self).to(coordinator));
  }

  /// Takes a final checkpoint with the parts as set, and tells whether the
  /// journal marks it finished.
  bool final_checkpoint_is_finished() {
    request_checkpoint(true);
    sched.run();
    CHECK_EQUAL(receive_from_self<checkpoint_id>(), checkpoint_id{1});
    auto newest = newest_checkpoint();
    CHECK_EQUAL(newest.id, checkpoint_id{1});
    return newest.finished;
  }
};

} // namespace

FIXTURE_SCOPE(checkpoint_coordinator_tests, fixture)

TEST(a periodic checkpoint starts one interval after the start and asks the
         shards and the sink before the readers) {
  // Not before the interval is over.
  CHECK_EQUAL(advance_time(interval - 1ms), 0u);
  sched.run();
  CHECK(log.empty());
  // Then the requests: shards and sink first, so that each has the request
  // in its mailbox before any barrier of this checkpoint (a reader sends
  // its barriers right after answering).
  first_tick();
  sched.run();
  CHECK_EQUAL(log, asked(1));
  // The parts came at once: checkpoint 1 is written, and the next is one
  // interval away.
  CHECK(!sched.has_job());
  log.clear();
  CHECK_EQUAL(advance_time(interval), 1u);
  sched.run();
  CHECK_EQUAL(log, asked(2));
  CHECK_EQUAL(newest_checkpoint().id, checkpoint_id{2});
}

TEST(one checkpoint at a time) {
  hold_parts();
  first_tick();
  sched.run();
  CHECK_EQUAL(log, asked(1));
  // While its parts are out, no tick is even scheduled (only the parts'
  // 10-minute timeouts are), and a tick from elsewhere starts nothing.
  CHECK_EQUAL(advance_time(10 * interval), 0u);
  self->send(coordinator, atom::tick_v);
  expect((atom::tick), from(self).to(coordinator));
  sched.run();
  CHECK_EQUAL(log, asked(1));
  // The parts come: checkpoint 1 is written; the next starts on the next
  // tick.
  release_parts();
  CHECK_EQUAL(log, asked(1));
  log.clear();
  CHECK_EQUAL(advance_time(interval), 1u);
  sched.run();
  CHECK_EQUAL(log, asked(2));
  release_parts();
  CHECK_EQUAL(newest_checkpoint().id, checkpoint_id{2});
}

TEST(a final checkpoint is answered once written and marks the run finished when
         every reader ended and the sink released everything) {
  readers_ended = true;
  sink_released = max_event_time;
  CHECK(final_checkpoint_is_finished());
}

TEST(a final checkpoint with a reader not at its end does not mark the run
         finished) {
  readers_ended = false;
  sink_released = max_event_time;
  CHECK(!final_checkpoint_is_finished());
}

TEST(a final checkpoint with alerts not all released does not mark the run
         finished) {
  readers_ended = true;
  sink_released = event_time{t0};
  CHECK(!final_checkpoint_is_finished());
}

TEST(no periodic checkpoint follows the one that marked the run finished) {
  // The owner stops the actors right after the final checkpoint, but a
  // tick due before it did started another, non-final one: the newest, so
  // a restart resumed instead of finding the run complete.
  readers_ended = true;
  sink_released = max_event_time;
  request_checkpoint(true);
  sched.run();
  CHECK_EQUAL(receive_from_self<checkpoint_id>(), checkpoint_id{1});
  log.clear();
  advance_time(10 * interval);
  sched.run();
  CHECK(log.empty());
  auto newest = newest_checkpoint();
  CHECK_EQUAL(newest.id, checkpoint_id{1});
  CHECK(newest.finished);
}

TEST(a periodic checkpoint never marks the run finished) {
  readers_ended = true;
  sink_released = max_event_time;
  first_tick();
  sched.run();
  auto newest = newest_checkpoint();
  CHECK_EQUAL(newest.id, checkpoint_id{1});
  CHECK(!newest.finished);
}

TEST(requests that arrive during a checkpoint are served by the next one) {
  readers_ended = true;
  sink_released = max_event_time;
  hold_parts();
  first_tick();
  sched.run();
  CHECK_EQUAL(log, asked(1));
  // Two requests while checkpoint 1 is being taken, one of them final:
  // checkpoint 1 may already miss what they want covered.
  request_checkpoint(false);
  request_checkpoint(true);
  sched.run();
  CHECK_EQUAL(log, asked(1));
  // Checkpoint 1 is written: not their answer. Checkpoint 2 starts at once.
  log.clear();
  release_parts();
  CHECK(self_mailbox_empty());
  CHECK_EQUAL(log, asked(2));
  release_parts();
  CHECK_EQUAL(receive_from_self<checkpoint_id>(), checkpoint_id{2});
  CHECK_EQUAL(receive_from_self<checkpoint_id>(), checkpoint_id{2});
  CHECK(self_mailbox_empty());
  auto newest = newest_checkpoint();
  CHECK_EQUAL(newest.id, checkpoint_id{2});
  CHECK(newest.finished); // one of them said final
}

TEST(a part that fails stops the coordinator with an error naming the
         checkpoint) {
  state_of<fake_part_state<shard_snapshot>>(shards[1]).fail
      = make_error(ec::output_error, "disk on fire");
  self->monitor(coordinator);
  first_tick();
  sched.run();
  auto down = receive_from_self<caf::down_msg>();
  CHECK(has_code(down.reason, ec::output_error));
  auto text = render(down.reason);
  MESSAGE("the coordinator stopped with: " << text);
  CHECK_NOT_EQUAL(text.find("checkpoint 1"), std::string::npos);
  CHECK_NOT_EQUAL(text.find("disk on fire"), std::string::npos);
  // Nothing of checkpoint 1 was written.
  CHECK_EQUAL(newest_checkpoint().id, checkpoint_id{0});
}

TEST(a part that does not come within 10 minutes stops the coordinator with an
         error naming the checkpoint) {
  // DURABILITY.md: "A part that does not come within 10 minutes (Flink's
  // default checkpoint timeout) stops the run with an error naming the
  // checkpoint."
  hold_parts();
  self->monitor(coordinator);
  first_tick();
  sched.run();
  CHECK_EQUAL(advance_time(10min - 1ms), 0u);
  sched.run();
  CHECK(self_mailbox_empty());
  CHECK_GREATER(advance_time(1ms), 0u);
  sched.run();
  auto down = receive_from_self<caf::down_msg>();
  auto text = render(down.reason);
  MESSAGE("the coordinator stopped with: " << text);
  CHECK(has_code(down.reason, ec::output_error));
  CHECK_NOT_EQUAL(text.find("checkpoint 1 failed"), std::string::npos);
  CHECK_EQUAL(newest_checkpoint().id, checkpoint_id{0});
}

TEST(the journal holds exactly the parts sent) {
  first_tick();
  sched.run();
  auto id = checkpoint_id{1};
  self->send_exit(coordinator, caf::exit_reason::user_shutdown);
  sched.run();
  auto j = journal::open(data_dir, window_ms);
  REQUIRE(j);
  auto newest = (*j)->load();
  REQUIRE(newest);
  CHECK_EQUAL(newest->id, id);
  CHECK(!newest->finished);
  // Readers: every field, by partition.
  std::vector<reader_snapshot> readers_sent;
  for (int32_t i = 0; i < reader_count; ++i)
    readers_sent.push_back(reader_part(i, id, false));
  CHECK_EQUAL(str(newest->readers), str(readers_sent));
  // Shards: the emitted marks, and the counts of the windows still open.
  for (uint32_t s = 0; s < shard_count; ++s) {
    auto sent = shard_part(s, id);
    CHECK_EQUAL(newest->shard_emitted.at(s), sent.emitted_through);
    std::vector<window_entry> counts;
    REQUIRE(!(*j)->load_shard(shard_id{s}, counts));
    CHECK_EQUAL(str(counts), str(sent.changed.entries()));
  }
  // The sink: all of it.
  CHECK_EQUAL(str(newest->sink), str(sink_part(id, event_time{t0})));
}

// The coordinator measures the interval on the actor system's clock (the
// one its tick timer runs on): checkpoint 1 takes 5 intervals of simulated
// time; the next is then due at once ("no earlier than one interval after
// the previous started"), not a whole interval later. (It measured with
// std::chrono::steady_clock before, which simulated time does not move.)
TEST(after a slow checkpoint the next starts at once in simulated time) {
  hold_parts();
  first_tick();
  sched.run();
  CHECK_EQUAL(advance_time(5 * interval), 0u);
  log.clear();
  release_parts();
  CHECK_EQUAL(advance_time(1ms), 1u);
  sched.run();
  CHECK_EQUAL(log, asked(2));
}

FIXTURE_SCOPE_END()
