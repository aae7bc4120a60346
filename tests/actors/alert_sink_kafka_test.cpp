#define CAF_SUITE alert_sink_kafka

// The sink with --alerts-topic against the embedded broker (librdkafka's
// mock cluster in this process), on the deterministic test coordinator: the
// sink's handlers run on the test's thread, so a sink that waited for the
// broker would hold the test right there (the sink before the non-blocking
// producer waited up to 60 s per batch and then stopped: these tests fail
// on it). Delivery ticks are delayed messages: pump() fires them while real
// time passes for librdkafka.
#include "actors/alert_sink.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "core/error.hpp"
#include "io/embedded_broker.hpp"
#include "io/kafka_metadata.hpp"
#include "tests/support/deterministic_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;
using namespace std::chrono_literals;

namespace {

constexpr partition_id the_partition{0};

struct fixture : test::deterministic_actor_system {
  test::temp_dir tmp{"alert_sink_kafka_test"};
  std::string dir = tmp.path;
  std::unique_ptr<embedded_broker> broker;
  std::ostringstream warnings;
  alert_sink_actor sink;

  fixture() {
    embedded_broker_options opts;
    opts.partitions = 1;
    auto b = embedded_broker::start(opts);
    REQUIRE(b);
    broker = std::move(*b);
    REQUIRE(!broker->create_topic("alerts", 1));
  }

  ~fixture() {
    // kill: a stop would wait for the alerts in flight.
    if (sink)
      self->send_exit(sink, caf::exit_reason::kill);
    sched.run();
  }

  /// Spawns the sink (two shards, one partition) with an alerts file and
  /// the alerts topic; deliveries time out after `timeout_ms`.
  void start(bool fail_on_loss, const std::string& timeout_ms) {
    auto producer = kafka_producer::open(broker->bootstraps(),
                                         {{"linger.ms", "0"},
                                          {"message.timeout.ms", timeout_ms},
                                          {"reconnect.backoff.ms", "50"},
                                          {"reconnect.backoff.max.ms", "200"}});
    REQUIRE(producer);
    auto partitions = (*producer)->partition_count("alerts");
    REQUIRE(partitions && *partitions == 1);
    sink_outputs out;
    out.format = alert_format::jsonl;
    out.alerts = std::move(*output_stream::open(dir + "/alerts.jsonl"));
    out.late = std::move(*output_stream::open(dir + "/late.jsonl"));
    out.dead_letters = std::move(*output_stream::open("stderr"));
    out.kafka = std::make_unique<alert_delivery>(std::move(*producer), "alerts",
                                                 fail_on_loss, warnings);
    sink = sys.spawn(alert_sink, std::move(out), uint32_t{2},
                     std::vector<partition_id>{the_partition},
                     caf::actor_cast<caf::actor>(self), sink_snapshot{},
                     caf::actor{});
    sched.run();
  }

  void progress(uint32_t s, int64_t through, const std::string& user) {
    shard_progress p;
    p.shard = shard_id{s};
    p.emitted_through = event_time{through};
    p.fired.push_back(alert{event_time{0}, event_time{10'000}, user, 3, true});
    self->send(sink, std::move(p));
    expect((shard_progress), from(self).to(sink));
  }

  void finished() {
    partition_stats stats;
    stats.partition = the_partition;
    self->send(sink, atom::finished_v, stats);
    expect((atom::finished, partition_stats), from(self).to(sink));
  }

  /// Fires the sink's delivery ticks while real time passes, until `done`
  /// or `limit`.
  template <class Predicate>
  bool pump(Predicate done, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      sched.trigger_timeouts();
      sched.run();
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  int64_t alerts_in_topic() {
    auto marks = query_watermarks(broker->bootstraps(), "alerts", 0);
    REQUIRE(marks);
    return marks->high;
  }
};

} // namespace

FIXTURE_SCOPE(alert_sink_kafka_tests, fixture)

TEST(alerts reach the file at once while the broker is down and the checkpoint
         part waits until Kafka has them) {
  start(true, "30000");
  REQUIRE(!broker->set_down());
  progress(0, 10'000, "a");
  progress(1, 10'000, "b");
  // Written without waiting for the broker.
  auto text = test::temp_dir::slurp(dir + "/alerts.jsonl");
  CHECK_NOT_EQUAL(text.find("\"user_id\":\"a\""), std::string::npos);
  CHECK_NOT_EQUAL(text.find("\"user_id\":\"b\""), std::string::npos);
  // Checkpoint 1: every barrier in and asked for, but a and b came before
  // the barrier and are not confirmed: no part yet (at least once).
  self->send(sink, shard_barrier{checkpoint_id{1}, shard_id{0}});
  self->send(sink, shard_barrier{checkpoint_id{1}, shard_id{1}});
  self->send(sink, partition_barrier{checkpoint_id{1}, the_partition});
  self->request(sink, caf::infinite, atom::checkpoint_v, checkpoint_id{1});
  sched.run();
  CHECK(!pump([&] { return !self_mailbox_empty(); }, 500ms));
  // The sink still handles what comes in meanwhile.
  progress(0, 20'000, "c");
  CHECK(self_mailbox_empty());
  REQUIRE(!broker->set_up());
  REQUIRE(pump([&] { return !self_mailbox_empty(); }, 20s));
  auto snap = receive_from_self<sink_snapshot>();
  CHECK_EQUAL(snap.id, checkpoint_id{1});
  CHECK_EQUAL(snap.alerts, 2u);
  CHECK_GREATER_OR_EQUAL(alerts_in_topic(), 2);
}

TEST(on_data_loss fail stops the sink with topic partition key and reason) {
  start(true, "500");
  self->monitor(sink);
  REQUIRE(!broker->set_down());
  progress(0, 10'000, "a");
  progress(1, 10'000, "b");
  CHECK_NOT_EQUAL(
      test::temp_dir::slurp(dir + "/alerts.jsonl").find("\"user_id\":\"a\""),
      std::string::npos);
  REQUIRE(pump([&] { return !self_mailbox_empty(); }, 20s));
  auto down = receive_from_self<caf::down_msg>();
  CHECK(has_code(down.reason, ec::output_error));
  auto text = render(down.reason);
  MESSAGE("the sink stopped with: " << text);
  CHECK_NOT_EQUAL(text.find("topic alerts partition 0 key 0:a"),
                  std::string::npos);
  CHECK_NOT_EQUAL(text.find("Message timed out"), std::string::npos);
  sink = nullptr;
}

TEST(on_data_loss warn counts the undelivered alerts and done waits for
         their outcome) {
  start(false, "500");
  REQUIRE(!broker->set_down());
  progress(0, max_event_time.value, "a");
  progress(1, max_event_time.value, "b");
  finished();
  // Everything is written, but Kafka has not said what became of a and b.
  CHECK(self_mailbox_empty());
  REQUIRE(pump([&] { return !self_mailbox_empty(); }, 20s));
  auto summary = std::get<1>(receive_from_self<atom::done, pipeline_summary>());
  CHECK_EQUAL(summary.alerts, 2u);
  CHECK_EQUAL(summary.alerts_undelivered, 2u);
  auto text = warnings.str();
  CHECK_NOT_EQUAL(text.find("topic alerts partition 0 key 0:b"),
                  std::string::npos);
}

TEST(a stop waits until Kafka has the alerts in flight) {
  start(true, "30000");
  self->monitor(sink);
  REQUIRE(!broker->set_down());
  progress(0, 10'000, "a");
  progress(1, 10'000, "b");
  self->send_exit(sink, caf::exit_reason::user_shutdown);
  sched.run();
  // Still there: a and b are in flight.
  CHECK(!pump([&] { return !self_mailbox_empty(); }, 300ms));
  REQUIRE(!broker->set_up());
  REQUIRE(pump([&] { return !self_mailbox_empty(); }, 20s));
  auto down = receive_from_self<caf::down_msg>();
  CHECK_EQUAL(down.reason, caf::exit_reason::user_shutdown);
  CHECK_EQUAL(alerts_in_topic(), 2);
  sink = nullptr;
}

FIXTURE_SCOPE_END()
