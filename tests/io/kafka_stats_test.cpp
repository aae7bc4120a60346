#include <catch2/catch.hpp>

#include <string>

#include "io/kafka_stats.hpp"

using namespace crashwatch;

namespace {

// What librdkafka 2.0.2's stats_cb got from a consumer of the embedded
// broker (`crashwatch broker`, topic "logs" with 3 partitions) assigned
// logs/1 at offset 0, after reading its 42 messages and committing offset
// 30. Trimmed for reading: the window statistics (int_latency, rtt, ...),
// request counts and partition 2 are left out; nothing else was changed.
const std::string consumer_stats = R"json(
{
  "name": "rdkafka#consumer-1", "client_id": "rdkafka", "type": "consumer",
  "ts": 24546678477, "time": 1796301768, "age": 4006555, "replyq": 0,
  "msg_cnt": 0, "msg_size": 0, "msg_max": 0, "msg_size_max": 0,
  "simple_cnt": 0, "metadata_cache_cnt": 1,
  "brokers": {
    "127.0.0.1:36317/1": {
      "name": "127.0.0.1:36317/1", "nodeid": 1, "nodename": "127.0.0.1:36317",
      "source": "configured", "state": "UP", "stateage": 3993960,
      "outbuf_cnt": 0, "outbuf_msg_cnt": 0, "waitresp_cnt": 1,
      "waitresp_msg_cnt": 0, "tx": 14, "txbytes": 1006, "txerrs": 0,
      "txretries": 0, "txidle": 487335, "req_timeouts": 0, "rx": 13,
      "rxbytes": 1638, "rxerrs": 0, "rxcorriderrs": 0, "rxpartial": 0,
      "rxidle": 487383, "zbuf_grow": 0, "buf_grow": 0, "wakeups": 36,
      "connects": 1, "disconnects": 0,
      "toppars": {
        "logs-0": {
          "topic": "logs", "partition": 0
        },
        "logs-1": {
          "topic": "logs", "partition": 1
        },
        "logs-2": {
          "topic": "logs", "partition": 2
        }
      }
    },
    "GroupCoordinator": {
      "name": "GroupCoordinator", "nodeid": 1, "nodename": "127.0.0.1:36317",
      "source": "logical", "state": "UP", "stateage": 3490164, "outbuf_cnt": 0,
      "outbuf_msg_cnt": 0, "waitresp_cnt": 0, "waitresp_msg_cnt": 0, "tx": 3,
      "txbytes": 134, "txerrs": 0, "txretries": 0, "txidle": 3001699,
      "req_timeouts": 0, "rx": 3, "rxbytes": 169, "rxerrs": 0,
      "rxcorriderrs": 0, "rxpartial": 0, "rxidle": 3001579, "zbuf_grow": 0,
      "buf_grow": 0, "wakeups": 12, "connects": 1, "disconnects": 0,
      "toppars": {}
    }
  },
  "topics": {
    "logs": {
      "topic": "logs", "age": 4001, "metadata_age": 3993,
      "partitions": {
        "0": {
          "partition": 0, "broker": 1, "leader": 1, "desired": false,
          "unknown": false, "msgq_cnt": 0, "msgq_bytes": 0, "xmit_msgq_cnt": 0,
          "xmit_msgq_bytes": 0, "fetchq_cnt": 0, "fetchq_size": 0,
          "fetch_state": "none", "query_offset": -1001, "next_offset": 0,
          "app_offset": -1001, "stored_offset": -1001,
          "commited_offset": -1001, "committed_offset": -1001,
          "eof_offset": -1001, "lo_offset": -1001, "hi_offset": -1001,
          "ls_offset": -1001, "consumer_lag": -1, "consumer_lag_stored": -1,
          "txmsgs": 0, "txbytes": 0, "rxmsgs": 0, "rxbytes": 0, "msgs": 0,
          "rx_ver_drops": 0, "msgs_inflight": 0, "next_ack_seq": 0,
          "next_err_seq": 0, "acked_msgid": 0
        },
        "1": {
          "partition": 1, "broker": 1, "leader": 1, "desired": true,
          "unknown": false, "msgq_cnt": 0, "msgq_bytes": 0, "xmit_msgq_cnt": 0,
          "xmit_msgq_bytes": 0, "fetchq_cnt": 0, "fetchq_size": 0,
          "fetch_state": "active", "query_offset": -1001, "next_offset": 42,
          "app_offset": 42, "stored_offset": 42, "commited_offset": 30,
          "committed_offset": 30, "eof_offset": 42, "lo_offset": 0,
          "hi_offset": 42, "ls_offset": 42, "consumer_lag": 12,
          "consumer_lag_stored": 0, "txmsgs": 0, "txbytes": 0, "rxmsgs": 42,
          "rxbytes": 327, "msgs": 42, "rx_ver_drops": 0, "msgs_inflight": 0,
          "next_ack_seq": 0, "next_err_seq": 0, "acked_msgid": 0
        },
        "-1": {
          "partition": -1, "broker": -1, "leader": -1, "desired": false,
          "unknown": false, "msgq_cnt": 0, "msgq_bytes": 0, "xmit_msgq_cnt": 0,
          "xmit_msgq_bytes": 0, "fetchq_cnt": 0, "fetchq_size": 0,
          "fetch_state": "none", "query_offset": -1001, "next_offset": 0,
          "app_offset": -1001, "stored_offset": -1001,
          "commited_offset": -1001, "committed_offset": -1001,
          "eof_offset": -1001, "lo_offset": -1001, "hi_offset": -1001,
          "ls_offset": -1001, "consumer_lag": -1, "consumer_lag_stored": -1,
          "txmsgs": 0, "txbytes": 0, "rxmsgs": 0, "rxbytes": 0, "msgs": 0,
          "rx_ver_drops": 0, "msgs_inflight": 0, "next_ack_seq": 0,
          "next_err_seq": 0, "acked_msgid": 0
        }
      }
    }
  },
  "cgrp": {
    "state": "up", "stateage": 3490, "join_state": "init", "rebalance_age": 0,
    "rebalance_cnt": 0, "rebalance_reason": "", "assignment_size": 0
  },
  "tx": 17, "tx_bytes": 1140, "rx": 16, "rx_bytes": 1807, "txmsgs": 0,
  "txmsg_bytes": 0, "rxmsgs": 42, "rxmsg_bytes": 327
}
)json";

/// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from,
                     const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

/// A document with one partition object `fields` (logs/0, leader 1 UP).
std::string partition_doc(const std::string& fields) {
  return R"({"brokers": {"b:9092/1": {"nodeid": 1, "state": "UP"}},)"
         R"( "topics": {"logs": {"partitions": {"0": {)"
         + fields + "}}}}}";
}

} // namespace

TEST_CASE("kafka_partition_stats reads a real consumer's statistics",
          "[kafka_stats]") {
  auto f = kafka_partition_stats(consumer_stats, "logs", 1);
  CHECK(f.hi_offset == 42);
  CHECK(f.ls_offset == 42);
  CHECK(f.consumer_lag == 12); // 42 - committed 30
  CHECK(f.leader == 1);
  CHECK(f.leader_up);
}

TEST_CASE("kafka_partition_stats: offsets librdkafka has not learned are -1",
          "[kafka_stats]") {
  // Partition 0 is known from metadata but not fetched: -1001 everywhere.
  auto f = kafka_partition_stats(consumer_stats, "logs", 0);
  CHECK(f.hi_offset == -1);
  CHECK(f.ls_offset == -1);
  CHECK(f.consumer_lag == -1);
  CHECK(f.leader == 1);
  // The unassigned pseudo-partition -1 has no leader.
  auto ua = kafka_partition_stats(consumer_stats, "logs", -1);
  CHECK(ua.hi_offset == -1);
  CHECK(ua.leader == -1);
  CHECK_FALSE(ua.leader_up);
}

TEST_CASE("kafka_partition_stats: another topic or partition gives nothing",
          "[kafka_stats]") {
  for (auto f : {kafka_partition_stats(consumer_stats, "logs", 2),
                 kafka_partition_stats(consumer_stats, "logs", 7),
                 kafka_partition_stats(consumer_stats, "alerts", 1),
                 kafka_partition_stats(consumer_stats, "", 1)}) {
    CHECK(f.hi_offset == -1);
    CHECK(f.ls_offset == -1);
    CHECK(f.consumer_lag == -1);
    CHECK(f.leader == -1);
    CHECK_FALSE(f.leader_up);
  }
}

TEST_CASE("kafka_partition_stats: a leader that is not UP is not up",
          "[kafka_stats]") {
  // During an outage both connections to broker 1 (the broker's and the
  // group coordinator's) are down; the last figures are still there.
  auto down = replaced(consumer_stats, R"("state": "UP")",
                       R"("state": "TRY_CONNECT")");
  auto f = kafka_partition_stats(down, "logs", 1);
  CHECK_FALSE(f.leader_up);
  CHECK(f.hi_offset == 42);
  // A leader no broker entry has.
  auto moved = replaced(consumer_stats, R"("leader": 1, "desired": true)",
                        R"("leader": 3, "desired": true)");
  auto g = kafka_partition_stats(moved, "logs", 1);
  CHECK(g.leader == 3);
  CHECK_FALSE(g.leader_up);
}

TEST_CASE("kafka_partition_stats: garbage gives the defaults, never throws",
          "[kafka_stats]") {
  auto truncated = consumer_stats.substr(0, consumer_stats.size() / 2);
  for (std::string text :
       {std::string{}, std::string{"not json"}, std::string{"[1, 2]"},
        std::string{"42"}, std::string{R"({"topics": 3})"},
        std::string{R"({"topics": {"logs": []}})"},
        std::string{R"({"topics": {"logs": {"partitions": {"0": 5}}}})"},
        std::string{"{\"topics\": {\"logs\": {\"partitions\": {\"0\": {"
                    "\"hi_offset\": 42\x01}}}}}"},
        truncated}) {
    auto f = kafka_partition_stats(text, "logs", 0);
    CHECK(f.hi_offset == -1);
    CHECK(f.ls_offset == -1);
    CHECK(f.consumer_lag == -1);
    CHECK(f.leader == -1);
    CHECK_FALSE(f.leader_up);
  }
}

TEST_CASE("kafka_partition_stats: fields of the wrong type are unknown",
          "[kafka_stats]") {
  auto f = kafka_partition_stats(
      partition_doc(R"("leader": "1", "hi_offset": "42", "ls_offset": 42.5,)"
                    R"( "consumer_lag": null)"),
      "logs", 0);
  CHECK(f.hi_offset == -1);
  CHECK(f.ls_offset == -1);
  CHECK(f.consumer_lag == -1);
  CHECK(f.leader == -1);
  CHECK_FALSE(f.leader_up);
  // Each field on its own: a bad one does not spoil the others.
  auto g = kafka_partition_stats(
      partition_doc(R"("leader": 1, "hi_offset": true, "ls_offset": 7)"),
      "logs", 0);
  CHECK(g.hi_offset == -1);
  CHECK(g.ls_offset == 7);
  CHECK(g.leader_up);
}

TEST_CASE("kafka_partition_stats: offsets keep all 64 bits", "[kafka_stats]") {
  // Above 2^53 a double would round; above 2^63 it is no offset at all.
  auto f = kafka_partition_stats(
      partition_doc(R"("hi_offset": 9007199254740993,)"
                    R"( "ls_offset": 9223372036854775807,)"
                    R"( "consumer_lag": 9223372036854775808)"),
      "logs", 0);
  CHECK(f.hi_offset == 9007199254740993);
  CHECK(f.ls_offset == 9223372036854775807);
  CHECK(f.consumer_lag == -1);
  // Missing fields.
  auto g = kafka_partition_stats(partition_doc(""), "logs", 0);
  CHECK(g.hi_offset == -1);
  CHECK(g.leader == -1);
}
