// `crashwatch inspect`'s tables (telemetry/status_view) from the /status
// document the telemetry actor serves (telemetry/status_json) for a known
// state: a 3-node cluster with one node down.
#include <catch2/catch.hpp>

#include <sstream>

#include <boost/json.hpp>

#include "telemetry/metrics_text.hpp"
#include "telemetry/status_json.hpp"
#include "telemetry/status_view.hpp"

using namespace crashwatch;

namespace {

constexpr int64_t now_ms = 1'796'302'137'000; // 2026-12-03 12:48:57 UTC

/// The line of `text` that starts with `start` ("" when none).
std::string line_starting(const std::string& text, const std::string& start) {
  size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    auto line = text.substr(pos, end - pos);
    if (line.rfind(start, 0) == 0)
      return line;
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return {};
}

/// The words of a line.
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in{line};
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

telemetry_state cluster_state() {
  telemetry_state st;
  st.process = {"node", "c", {"coordinator"}, now_ms - 12'300};
  st.durable = true;
  st.sources = {{0, "kafka logs/0"}, {1, "kafka logs/1"}};
  reader_report r0;
  r0.stats.partition = partition_id{0};
  r0.stats.records = 1200;
  r0.stats.crashes = 40;
  r0.stats.late = 3;
  r0.watermark = event_time{now_ms - 11'000};
  r0.next_offset = 1200;
  r0.end_offset = 1300;
  r0.node = "c";
  st.readers[0] = r0;
  reader_report r1 = r0;
  r1.stats.partition = partition_id{1};
  r1.stats.records = 800;
  r1.next_offset = 800;
  r1.end_offset = -1;
  r1.credits_waiting = 1;
  st.readers[1] = r1;
  st.shards[0] = shard_report{shard_id{0}, 3, 120, 530, 120'000'000, 0, "a1"};
  st.shards[1] = shard_report{shard_id{1}, 2, 95, 520, 80'000'000, 7, "a2"};
  add_checkpoint(
      st, checkpoint_report{checkpoint_id{41}, now_ms - 1400, now_ms - 1391});
  add_checkpoint(
      st, checkpoint_report{checkpoint_id{42}, now_ms - 420, now_ms - 400});
  st.sink.alerts = 12;
  st.restore = restore_report{checkpoint_id{17}, now_ms - 60'000, 640'000};
  st.sink_load.messages = 1500;
  st.sink_load.busy_ns = 250'000'000;
  st.sink_load.mailbox = 2;
  st.latest_alerts.push_back(alert{event_time{now_ms - 30'000},
                                   event_time{now_ms - 20'000},
                                   "evil\x1b[31muser\n", 3, true});
  cluster_report c;
  c.coordinator = "c";
  c.epoch = 3;
  c.nodes = {{"c", 1, "127.0.0.1:7000", true},
             {"a1", 2, "127.0.0.1:7001", false},
             {"a2", 2, "127.0.0.1:7002", true}};
  c.partition_nodes = {{0, "c"}, {1, "c"}};
  c.shard_nodes = {{0, "a1"}, {1, "a2"}};
  st.cluster = c;
  return st;
}

std::string view_of(const telemetry_state& st) {
  return render_status(boost::json::parse(status_json(st, now_ms)),
                       "127.0.0.1:9464");
}

} // namespace

TEST_CASE("inspect lists every node, a down one as DOWN", "[status_view]") {
  auto text = view_of(cluster_state());
  INFO(text);
  CHECK(text.find("cluster: coordinator c, epoch 3, 3 nodes, 1 down")
        != std::string::npos);
  CHECK(words(line_starting(text, "c "))
        == std::vector<std::string>{"c", "coordinator", "127.0.0.1:7000", "3",
                                    "up"});
  CHECK(words(line_starting(text, "a1 "))
        == std::vector<std::string>{"a1", "aggregator", "127.0.0.1:7001", "3",
                                    "DOWN"});
  CHECK(words(line_starting(text, "a2 ")).back() == "up");
}

TEST_CASE("inspect says when an epoch stopped for a missing node",
          "[status_view]") {
  auto st = cluster_state();
  CHECK(view_of(st).find("epoch stopped") == std::string::npos);
  st.cluster->running = false;
  auto text = view_of(st);
  INFO(text);
  CHECK(text.find("epoch stopped: waiting for every node to be back")
        != std::string::npos);
  CHECK(words(line_starting(text, "0  "))[10] == "stopped");
  CHECK(boost::json::parse(status_json(st, now_ms)).at("cluster").at("state")
        == "waiting");
}

TEST_CASE("inspect shows partitions with offset, end, lag and watermark",
          "[status_view]") {
  auto text = view_of(cluster_state());
  INFO(text);
  auto header = words(line_starting(text, "PARTITION"));
  REQUIRE(header.size() == 13);
  CHECK(header[3] == "OFFSET");
  CHECK(header[5] == "LAG");
  // Sources hold a space: compare the columns after it.
  auto p0 = words(line_starting(text, "0  "));
  REQUIRE(p0.size() == 15);
  CHECK(p0[3] == "c");
  CHECK(p0[4] == "1200");
  CHECK(p0[5] == "1300");
  CHECK(p0[6] == "100");
  CHECK(p0[7] == "12:48:46.000"); // now - 11 s, the same day: no date
  CHECK(p0[8] + " " + p0[9] == "11.0 s");
  CHECK(p0[10] == "reading");
  auto p1 = words(line_starting(text, "1  "));
  REQUIRE(p1.size() == 15);
  CHECK(p1[5] == "-"); // no end known: no lag
  CHECK(p1[6] == "-");
  CHECK(p1.back() == "1"); // waiting for one shard's credit
}

TEST_CASE("inspect shows an end behind the offset as the offset",
          "[status_view]") {
  // librdkafka's statistics come once a second: the reader may be past it.
  auto st = cluster_state();
  st.readers[0].end_offset = 1100;
  auto text = view_of(st);
  INFO(text);
  auto p0 = words(line_starting(text, "0  "));
  REQUIRE(p0.size() == 15);
  CHECK(p0[5] == "1200");
  CHECK(p0[6] == "0");
}

TEST_CASE("inspect marks the shards of a down node", "[status_view]") {
  auto text = view_of(cluster_state());
  INFO(text);
  auto s0 = line_starting(text, "0      a1");
  CHECK(s0.find("node down") != std::string::npos);
  auto s1 = words(line_starting(text, "1      a2"));
  REQUIRE(s1.size() == 9);
  CHECK(s1[2] == "up");
  CHECK(s1[3] == "2");
  CHECK(s1[4] == "95");
  CHECK(s1[5] == "7");
  CHECK(s1[7] + " " + s1[8] == "80 ms");
}

TEST_CASE("inspect shows the last checkpoint and escapes user ids",
          "[status_view]") {
  auto text = view_of(cluster_state());
  INFO(text);
  CHECK(text.find("checkpoint 42 committed 400 ms ago, took 20 ms (last 2: "
                  "median 20 ms, max 20 ms)")
        != std::string::npos);
  CHECK(text.find("alerts: 12 emitted") != std::string::npos);
  CHECK(text.find("restored from checkpoint 17 in 640 ms at 12:47:57.000 UTC")
        != std::string::npos);
  CHECK(text.find("sink: 1500 messages handled, busy 250 ms, mailbox 2")
        != std::string::npos);
  CHECK(text.find("evil\\x1b[31muser\\x0a") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("a member names its coordinator in /status and /metrics",
          "[status_view]") {
  telemetry_state st;
  st.process = {"node", "a1", {"aggregator"}, now_ms - 5000};
  st.membership = membership_report{"c", "10.0.0.1:7000", "10.0.0.1:9464", true,
                                    now_ms - 4000};
  auto doc = boost::json::parse(status_json(st, now_ms));
  auto& m = doc.at("membership");
  CHECK(m.at("coordinator") == "c");
  CHECK(m.at("coordinator_metrics") == "10.0.0.1:9464");
  CHECK(m.at("connected") == true);
  auto text = render_status(doc, "10.0.0.2:9465");
  CHECK(text.find("member of coordinator c at 10.0.0.1:7000: joined")
        != std::string::npos);
  auto metrics = metrics_text(st, now_ms);
  CHECK(metrics.find("crashwatch_coordinator_connected{address=\"10.0.0.1:"
                     "7000\",coordinator=\"c\"} 1")
        != std::string::npos);
  // Its alerts are the coordinator's: none counted here.
  CHECK(metrics.find("crashwatch_alerts_total") == std::string::npos);
  st.membership->coordinator_metrics.clear();
  CHECK(boost::json::parse(status_json(st, now_ms))
            .at("membership")
            .at("coordinator_metrics")
            .is_null());
}

TEST_CASE("printable escapes control characters only", "[status_view]") {
  CHECK(printable("user_1 ü") == "user_1 ü");
  CHECK(printable(std::string{"a\0b\x7f", 4}) == "a\\x00b\\x7f");
}
