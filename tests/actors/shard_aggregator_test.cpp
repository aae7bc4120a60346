// The shard's side of the protocol, on a real actor system: a scoped actor
// plays the readers (sending batches) and the sink (receiving progress).
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/shard_aggregator.hpp"
#include "messages/actor_system_config.hpp"

using namespace crashwatch;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  shard_actor shard;

  explicit fixture(bool early = false) {
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
    pipeline_config pc; // 10 s windows, threshold 2
    pc.emit_early = early;
    // Two partitions feed this shard (id 3).
    shard = sys->spawn(
        shard_aggregator, shard_id{3}, pc,
        std::vector<partition_id>{partition_id{0}, partition_id{1}},
        caf::actor_cast<alert_sink_actor>(*self), shard_restore{});
  }

  /// Sends a batch and checks the credit that comes back.
  void send(int32_t partition, std::vector<int64_t> crash_times,
            int64_t watermark,
            partition_state state = partition_state::active) {
    partition_batch b;
    b.partition = partition_id{partition};
    for (auto t : crash_times)
      b.events.push_back({event_time{t}, record_offset{t}, "u"});
    b.watermark = event_time{watermark};
    b.state = state;
    (*self)
        ->request(shard, caf::infinite, std::move(b))
        .receive([](atom::ack, shard_id id) { CHECK(id == shard_id{3}); },
                 [](caf::error& err) { FAIL(caf::to_string(err)); });
  }

  /// The next progress message, or none within a short wait.
  caf::optional<shard_progress> next_progress() {
    caf::optional<shard_progress> result;
    (*self)->receive([&](shard_progress& p) { result = std::move(p); },
                     caf::after(std::chrono::milliseconds(200)) >> [] {});
    return result;
  }
};

} // namespace

TEST_CASE("a shard fires only when every partition passed the window end",
          "[shard_aggregator]") {
  fixture f;
  f.send(0, {1'000, 2'000, 3'000}, 50'000); // u: 3 crashes in [0, 10 s)
  CHECK_FALSE(f.next_progress());           // partition 1 unheard: hold
  f.send(1, {}, 9'999); // min = 9.999 s < 10 s: progress, nothing fired
  auto p = f.next_progress();
  REQUIRE(p);
  CHECK(p->emitted_through == event_time{9'999});
  CHECK(p->fired.empty());
  f.send(1, {}, 10'000); // min reaches the window end
  p = f.next_progress();
  REQUIRE(p);
  CHECK(p->shard == shard_id{3});
  CHECK(p->emitted_through == event_time{10'000});
  REQUIRE(p->fired.size() == 1);
  CHECK(p->fired[0].crash_count == 3);
  CHECK(p->fired[0].final);
}

TEST_CASE("a shard reports crashes for emitted windows as late",
          "[shard_aggregator]") {
  fixture f;
  f.send(0, {}, 40'000);
  f.send(1, {}, 0, partition_state::idle); // left out: global = 40 s
  auto p = f.next_progress();
  REQUIRE(p);
  CHECK(p->emitted_through == event_time{40'000});
  f.send(1, {15'000}, 0); // back from idle with a crash for [10 s, 20 s)
  p = f.next_progress();
  REQUIRE(p);
  REQUIRE(p->late.size() == 1);
  CHECK(p->late[0].reason == late_reason::window_emitted);
  CHECK(p->late[0].partition == partition_id{1});
  CHECK(p->late[0].watermark == event_time{40'000});
}

TEST_CASE("early mode alerts the moment a count crosses the threshold",
          "[shard_aggregator]") {
  fixture f{true};
  f.send(0, {1'000, 2'000}, 0);
  CHECK_FALSE(f.next_progress());
  f.send(0, {3'000, 4'000}, 0); // third crash crosses, fourth does not
  auto p = f.next_progress();
  REQUIRE(p);
  REQUIRE(p->early.size() == 1);
  CHECK_FALSE(p->early[0].final);
  CHECK(p->early[0].crash_count == 3);
  CHECK(p->fired.empty());
}

TEST_CASE("a shard flushes everything when all partitions end",
          "[shard_aggregator]") {
  fixture f;
  f.send(0, {100'000, 100'001, 100'002}, 70'000, partition_state::ended);
  f.send(1, {}, 0, partition_state::ended);
  auto p = f.next_progress();
  REQUIRE(p);
  CHECK(p->emitted_through == max_event_time);
  CHECK(p->fired.size() == 1);
}

namespace {

/// Sends a batch without waiting: its ack arrives as an ordinary message,
/// so the test sees when (and whether) the shard answers.
void send_async(fixture& f, int32_t partition, std::vector<int64_t> times,
                int64_t watermark) {
  partition_batch b;
  b.partition = partition_id{partition};
  for (auto t : times)
    b.events.push_back({event_time{t}, record_offset{t}, "u"});
  b.watermark = event_time{watermark};
  (*f.self)->send(f.shard, std::move(b));
}

/// The next ack or barrier to the test actor (progress skipped).
std::string next_message(fixture& f) {
  for (;;) {
    std::string what = "nothing";
    (*f.self)->receive([&](atom::ack, shard_id) { what = "ack"; },
                       [&](shard_barrier& b) {
                         what = "barrier " + std::to_string(b.id.value);
                       },
                       [&](shard_progress&) { what = "progress"; },
                       caf::after(std::chrono::milliseconds(200)) >> [] {});
    if (what != "progress")
      return what;
  }
}

} // namespace

TEST_CASE("a shard snapshots once every partition's barrier is in, and "
          "holds what came after",
          "[shard_aggregator]") {
  fixture f;
  // Partition 0: a crash, barrier 1, then a crash that belongs after it.
  f.send(0, {1'000}, 0);
  (*f.self)->send(f.shard,
                  partition_barrier{checkpoint_id{1}, partition_id{0}});
  send_async(f, 0, {2'000}, 0);
  // The batch after the barrier waits: no ack while partition 1 lags.
  CHECK(next_message(f) == "nothing");
  // Partition 1 is still before its barrier: its batches go through.
  f.send(1, {3'000}, 0);
  // The coordinator asks; partition 1's barrier completes the alignment.
  auto request = (*f.self)->request(f.shard, caf::infinite, atom::checkpoint_v,
                                    checkpoint_id{1});
  (*f.self)->send(f.shard,
                  partition_barrier{checkpoint_id{1}, partition_id{1}});
  shard_snapshot snap;
  request.receive([&](shard_snapshot& s) { snap = std::move(s); },
                  [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(snap.id == checkpoint_id{1});
  CHECK(snap.shard == shard_id{3});
  // The counts before both barriers: 1 s (p0) and 3 s (p1), not 2 s.
  REQUIRE(snap.changed.size() == 1);
  CHECK(snap.changed[0].user_id == "u");
  CHECK(snap.changed[0].count == 2);
  CHECK(snap.open_keys == 1);
  // Then the barrier goes to the sink, and the held batch is acked.
  CHECK(next_message(f) == "barrier 1");
  CHECK(next_message(f) == "ack");
  // The next checkpoint carries the held crash as a change.
  (*f.self)->send(f.shard,
                  partition_barrier{checkpoint_id{2}, partition_id{0}});
  (*f.self)->send(f.shard,
                  partition_barrier{checkpoint_id{2}, partition_id{1}});
  CHECK(next_message(f) == "barrier 2");
  (*f.self)
      ->request(f.shard, caf::infinite, atom::checkpoint_v, checkpoint_id{2})
      .receive(
          [&](shard_snapshot& s) {
            REQUIRE(s.changed.size() == 1);
            CHECK(s.changed[0].count == 3);
          },
          [](caf::error& err) { FAIL(caf::to_string(err)); });
}

TEST_CASE("a restored shard continues from the checkpoint's counts",
          "[shard_aggregator]") {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  pipeline_config pc;
  shard_restore restore;
  restore.counts.push_back(window_entry{event_time{0}, "u", 2});
  restore.emitted_through = event_time{-10'000};
  restore.marks
      = {{partition_id{0}, event_time{5'000}, partition_state::active}};
  auto shard = sys.spawn(shard_aggregator, shard_id{0}, pc,
                         std::vector<partition_id>{partition_id{0}},
                         caf::actor_cast<alert_sink_actor>(self), restore);
  // One more crash in [0, 10 s) and the window completes: count 3 > 2.
  partition_batch b;
  b.partition = partition_id{0};
  b.events.push_back({event_time{9'000}, record_offset{1}, "u"});
  b.watermark = event_time{10'000};
  self->request(shard, caf::infinite, std::move(b))
      .receive([](atom::ack, shard_id) {},
               [](caf::error& err) { FAIL(caf::to_string(err)); });
  shard_progress p;
  self->receive([&](shard_progress& x) { p = std::move(x); });
  REQUIRE(p.fired.size() == 1);
  CHECK(p.fired[0].crash_count == 3);
}
