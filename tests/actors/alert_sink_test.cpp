// The sink's side of checkpoints, on a real actor system with real files: a
// scoped actor plays readers and shards (sending progress, side records and
// barriers) and the coordinator (asking for the sink's part).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/alert_sink.hpp"
#include "messages/actor_system_config.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

struct fixture {
  test::temp_dir tmp{"alert_sink_test"};
  std::string dir = tmp.path;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  alert_sink_actor sink;

  /// One reader (partition 5) and two shards feed the sink.
  fixture() {
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
    sink_outputs out;
    out.format = alert_format::jsonl;
    out.alerts = std::move(*output_stream::open(dir + "/alerts.jsonl"));
    out.late = std::move(*output_stream::open(dir + "/late.jsonl"));
    out.dead_letters = std::move(*output_stream::open("stderr"));
    sink = sys->spawn<caf::detached>(alert_sink, std::move(out), uint32_t{2},
                                     std::vector<partition_id>{partition_id{5}},
                                     caf::actor{*self}, sink_snapshot{});
  }

  ~fixture() { (*self)->send_exit(sink, caf::exit_reason::user_shutdown); }

  /// Shard `s` emitted through `through` and fired one alert for `user`.
  void progress(uint32_t s, int64_t through, const std::string& user) {
    shard_progress p;
    p.shard = shard_id{s};
    p.emitted_through = event_time{through};
    p.fired.push_back(alert{event_time{0}, event_time{10'000}, user, 3, true});
    (*self)->send(sink, std::move(p));
  }

  sink_snapshot ask(uint64_t id) {
    sink_snapshot snap;
    (*self)
        ->request(sink, std::chrono::seconds(5), atom::checkpoint_v,
                  checkpoint_id{id})
        .receive([&](sink_snapshot& s) { snap = std::move(s); },
                 [](caf::error& err) { FAIL(caf::to_string(err)); });
    return snap;
  }
};

} // namespace

TEST_CASE("the sink's part holds what came before every barrier, and output "
          "sizes that match the files",
          "[alert_sink]") {
  fixture f;
  f.progress(0, 10'000, "a");
  f.progress(1, 10'000, "b"); // both shards through 10 s: a and b released
  (*f.self)->send(f.sink, shard_barrier{checkpoint_id{1}, shard_id{0}});
  (*f.self)->send(f.sink, partition_barrier{checkpoint_id{1}, partition_id{5}});
  // Shard 0 is past its barrier: this progress belongs after checkpoint 1
  // and must wait, unwritten, until shard 1's barrier is in.
  shard_progress later;
  later.shard = shard_id{0};
  later.emitted_through = event_time{20'000};
  later.fired.push_back(
      alert{event_time{10'000}, event_time{20'000}, "c", 4, true});
  (*f.self)->send(f.sink, std::move(later));
  (*f.self)->send(f.sink, shard_barrier{checkpoint_id{1}, shard_id{1}});
  auto snap = f.ask(1);
  CHECK(snap.id == checkpoint_id{1});
  CHECK(snap.released == event_time{10'000});
  CHECK(snap.alerts == 2);
  CHECK(snap.pending.empty()); // c came after the barrier
  REQUIRE(snap.shard_emitted.size() == 2);
  CHECK(snap.shard_emitted[0] == event_time{10'000});
  auto alerts_text = slurp(f.dir + "/alerts.jsonl");
  // The file then held exactly a and b: the committed size says so.
  auto pos = std::find_if(snap.outputs.begin(), snap.outputs.end(),
                          [](auto& o) { return o.name == "alerts"; });
  REQUIRE(pos != snap.outputs.end());
  auto first_two = alerts_text.substr(0, static_cast<size_t>(pos->position));
  CHECK(first_two.find("\"user_id\":\"a\"") != std::string::npos);
  CHECK(first_two.find("\"user_id\":\"b\"") != std::string::npos);
  CHECK(first_two.find("\"user_id\":\"c\"") == std::string::npos);
  auto dead = std::find_if(snap.outputs.begin(), snap.outputs.end(),
                           [](auto& o) { return o.name == "dead_letters"; });
  REQUIRE(dead != snap.outputs.end());
  CHECK(dead->position == -1); // stderr cannot be cut back
  // After the snapshot, c is handled: pending until shard 1 catches up.
  auto snap2_req = (*f.self)->request(f.sink, std::chrono::seconds(5),
                                      atom::checkpoint_v, checkpoint_id{2});
  (*f.self)->send(f.sink, partition_barrier{checkpoint_id{2}, partition_id{5}});
  (*f.self)->send(f.sink, shard_barrier{checkpoint_id{2}, shard_id{0}});
  (*f.self)->send(f.sink, shard_barrier{checkpoint_id{2}, shard_id{1}});
  snap2_req.receive(
      [&](sink_snapshot& s) {
        REQUIRE(s.pending.size() == 1);
        CHECK(s.pending[0].user_id == "c");
        CHECK(s.released == event_time{10'000});
      },
      [](caf::error& err) { FAIL(caf::to_string(err)); });
}
