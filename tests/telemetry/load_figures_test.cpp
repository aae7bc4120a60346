// The consumer lag and the readers' and sink's load as /status and /metrics
// render them from a telemetry state (the figures themselves come from real
// runs in tests/integration/telemetry_kafka_lag_test.sh).
#include <catch2/catch.hpp>

#include <string>

#include <boost/json.hpp>

#include "telemetry/metrics_text.hpp"
#include "telemetry/status_json.hpp"

using namespace crashwatch;

namespace {

constexpr int64_t now_ms = 1'796'290'000'000;

/// Partition 0 read from a file (no end), partition 1 from Kafka (end 500,
/// read to 380), partition 2 from Kafka with an end older than its position.
telemetry_state state() {
  telemetry_state st;
  st.process.command = "run";
  for (int32_t p = 0; p < 3; ++p) {
    reader_report r;
    r.stats.partition = partition_id{p};
    r.next_offset = p == 0 ? 4'096 : 380;
    r.end_offset = p == 0 ? -1 : p == 1 ? 500 : 300;
    r.busy_ns = 1'500'000'000u * static_cast<uint64_t>(p + 1);
    r.mailbox = 3u + static_cast<uint64_t>(p);
    r.batches = 10;
    st.readers[p] = r;
  }
  st.sink_load.messages = 77;
  st.sink_load.busy_ns = 250'000'000;
  st.sink_load.mailbox = 4;
  return st;
}

} // namespace

TEST_CASE("/status: lag and end for Kafka partitions, null for files; load of "
          "readers and sink",
          "[telemetry]") {
  auto doc = boost::json::parse(status_json(state(), now_ms)).as_object();
  auto& parts = doc.at("partitions").as_array();
  REQUIRE(parts.size() == 3);
  auto& file = parts[0].as_object();
  CHECK(file.at("end_offset").is_null());
  CHECK(file.at("lag_records").is_null());
  CHECK(file.at("busy_seconds").as_double() == Approx(1.5));
  CHECK(file.at("mailbox").to_number<int64_t>() == 3);
  auto& kafka = parts[1].as_object();
  CHECK(kafka.at("end_offset").as_int64() == 500);
  CHECK(kafka.at("lag_records").as_int64() == 120);
  CHECK(kafka.at("busy_seconds").as_double() == Approx(3.0));
  // An end learned before the latest records is no negative lag.
  CHECK(parts[2].as_object().at("lag_records").as_int64() == 0);
  auto& sink = doc.at("sink").as_object();
  CHECK(sink.at("messages").to_number<int64_t>() == 77);
  CHECK(sink.at("busy_seconds").as_double() == Approx(0.25));
  CHECK(sink.at("mailbox").to_number<int64_t>() == 4);
}

TEST_CASE("/metrics: the lag series for Kafka partitions only; reader and "
          "sink load series",
          "[telemetry]") {
  auto text = metrics_text(state(), now_ms);
  auto has = [&](const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
  };
  CHECK_FALSE(
      text.find("crashwatch_kafka_consumer_lag_records{partition=\"0\"}")
      != std::string::npos);
  CHECK(has("crashwatch_kafka_consumer_lag_records{partition=\"1\"} 120"));
  CHECK(has("crashwatch_kafka_consumer_lag_records{partition=\"2\"} 0"));
  CHECK(has("crashwatch_reader_busy_seconds_total{partition=\"0\"} 1.5"));
  CHECK(has("crashwatch_reader_mailbox_messages{partition=\"2\"} 5"));
  CHECK(has("crashwatch_sink_messages_total 77"));
  CHECK(has("crashwatch_sink_busy_seconds_total 0.25"));
  CHECK(has("crashwatch_sink_mailbox_messages 4"));
  CHECK(text.find("# TYPE crashwatch_sink_busy_seconds_total counter")
        != std::string::npos);
}
