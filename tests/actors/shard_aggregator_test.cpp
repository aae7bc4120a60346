// The shard's side of the protocol, on a real actor system: a scoped actor
// plays the readers (sending batches) and the sink (receiving progress).
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/shard_aggregator.hpp"
#include "app/local_pipeline.hpp"

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
    shard = sys->spawn(shard_aggregator, shard_id{3}, pc,
                       std::vector<partition_id>{partition_id{0},
                                                 partition_id{1}},
                       caf::actor_cast<alert_sink_actor>(*self));
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
    (*self)->receive(
      [&](shard_progress& p) { result = std::move(p); },
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

TEST_CASE("a shard flushes everything and quits when all partitions end",
          "[shard_aggregator]") {
  fixture f;
  (*f.self)->monitor(f.shard);
  f.send(0, {100'000, 100'001, 100'002}, 70'000, partition_state::ended);
  f.send(1, {}, 0, partition_state::ended);
  auto p = f.next_progress();
  REQUIRE(p);
  CHECK(p->emitted_through == max_event_time);
  CHECK(p->fired.size() == 1);
  bool down = false;
  (*f.self)->receive([&](caf::down_msg&) { down = true; },
                     caf::after(std::chrono::seconds(5)) >> [] {});
  CHECK(down);
}
