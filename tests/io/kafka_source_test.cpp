// kafka_source, kafka_metadata and kafka_config against librdkafka's
// in-process mock cluster, with a real librdkafka producer and consumer.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "core/error.hpp"
#include "io/kafka_config.hpp"
#include "io/kafka_metadata.hpp"
#include "io/kafka_source.hpp"

using namespace crashwatch;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

/// Fast reconnects, so the broker outage test does not wait for librdkafka's
/// default 10 s backoff.
const std::vector<kafka_property> quick_reconnect{
    {"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};

/// A mock cluster of one broker, owned by a producer handle (the mock API
/// needs one), plus a real producer talking to it over TCP.
struct mock_kafka {
  rd_kafka_t* owner = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  rd_kafka_t* producer = nullptr;
  std::string brokers;

  mock_kafka() {
    char errstr[512];
    auto* conf = rd_kafka_conf_new();
    quiet_kafka_logs(conf, {});
    owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    REQUIRE(owner != nullptr);
    cluster = rd_kafka_mock_cluster_new(owner, 1);
    REQUIRE(cluster != nullptr);
    brokers = rd_kafka_mock_cluster_bootstraps(cluster);
    auto pconf
        = make_kafka_conf(brokers, {{"linger.ms", "1"}}, quick_reconnect);
    REQUIRE(pconf);
    // The outage test's reconnect failures would flood the test log.
    quiet_kafka_logs(pconf->get(), {});
    producer
        = rd_kafka_new(RD_KAFKA_PRODUCER, pconf->get(), errstr, sizeof errstr);
    REQUIRE(producer != nullptr);
    pconf->release();
  }

  ~mock_kafka() {
    rd_kafka_flush(producer, 5000);
    rd_kafka_destroy(producer);
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(owner);
  }

  void create_topic(const std::string& topic, int partitions) {
    REQUIRE(rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, 1)
            == RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  /// Enqueues one message; a null `value` pointer sends a null value.
  void produce(const std::string& topic, int32_t partition,
               const std::string* value) {
    auto err = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(value ? const_cast<char*>(value->data()) : nullptr,
                         value ? value->size() : 0),
        RD_KAFKA_V_END);
    REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_poll(producer, 0);
  }

  /// Produces "<prefix><i>" for i in [from, to) and waits for delivery.
  void produce_range(const std::string& topic, int32_t partition, int from,
                     int to, const std::string& prefix = "rec-") {
    for (int i = from; i < to; ++i) {
      auto value = prefix + std::to_string(i);
      produce(topic, partition, &value);
    }
    flush();
  }

  void flush() {
    REQUIRE(rd_kafka_flush(producer, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
};

/// A record copied out of the source (views die at the next poll()).
struct copied {
  int64_t offset;
  std::string text;
};

/// What draining a source found.
struct drained {
  std::vector<copied> records;
  bool ended = false;
  caf::error error;
};

/// Polls until the source ends or fails, `want` records arrived, or
/// `limit` passed.
drained drain(kafka_source& src, size_t want = SIZE_MAX,
              std::chrono::milliseconds limit = 10s) {
  drained result;
  std::vector<source_record> out;
  auto deadline = clock_type::now() + limit;
  while (result.records.size() < want && clock_type::now() < deadline) {
    out.clear();
    auto status = src.poll(out);
    if (!status) {
      result.error = std::move(status.error());
      break;
    }
    for (auto& rec : out)
      result.records.push_back({rec.offset.value, std::string{rec.text}});
    if (*status == poll_status::end) {
      result.ended = true;
      break;
    }
  }
  return result;
}

kafka_source_options options_for(const mock_kafka& kafka,
                                 const std::string& topic, int32_t partition,
                                 kafka_start start) {
  kafka_source_options opts;
  opts.brokers = kafka.brokers;
  opts.topic = topic;
  opts.partition = partition;
  opts.start = start;
  opts.group = "kafka_source_test";
  opts.properties = quick_reconnect;
  opts.timeout = 5s;
  return opts;
}

std::unique_ptr<kafka_source> open_source(const kafka_source_options& opts) {
  auto src = kafka_source::open(opts);
  if (!src)
    FAIL(render(src.error()));
  return std::move(*src);
}

} // namespace

TEST_CASE(
    "librdkafka -X properties are parsed and rejected with librdkafka's reason",
    "[kafka_config]") {
  auto ok = parse_kafka_setting("fetch.wait.max.ms=5");
  REQUIRE(ok);
  CHECK(ok->first == "fetch.wait.max.ms");
  CHECK(ok->second == "5");
  auto with_eq = parse_kafka_setting("sasl.jaas.config=a=b");
  REQUIRE(with_eq);
  CHECK(with_eq->second == "a=b");
  auto no_eq = parse_kafka_setting("fetch.wait.max.ms");
  REQUIRE(!no_eq);
  CHECK(has_code(no_eq.error(), ec::config_error));
  CHECK(render(no_eq.error()).find("-X fetch.wait.max.ms: expected key=value")
        == 0);
  CHECK(!parse_kafka_setting("=5"));
  auto bad = make_kafka_conf("127.0.0.1:9092", {}, {{"no.such.property", "1"}});
  REQUIRE(!bad);
  CHECK(has_code(bad.error(), ec::config_error));
  CHECK(render(bad.error()).find("-X no.such.property=1: ") == 0);
  auto bad_value
      = make_kafka_conf("127.0.0.1:9092", {}, {{"fetch.wait.max.ms", "soon"}});
  REQUIRE(!bad_value);
  CHECK(render(bad_value.error()).find("-X fetch.wait.max.ms=soon: ") == 0);
}

TEST_CASE("kafka_source reads every record of a partition in order",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 2);
  kafka.produce_range("logs", 1, 0, 1000);
  kafka.produce_range("logs", 0, 0, 7, "other-");
  auto parts = list_partitions(kafka.brokers, "logs", {}, 5s);
  REQUIRE(parts);
  CHECK(*parts == std::vector<int32_t>{0, 1});
  auto marks = query_watermarks(kafka.brokers, "logs", 1, {}, 5s);
  REQUIRE(marks);
  CHECK(marks->low == 0);
  CHECK(marks->high == 1000);
  auto opts = options_for(kafka, "logs", 1, kafka_start::earliest);
  opts.exit_at_end = true;
  opts.max_records = 128; // several polls
  auto src = open_source(opts);
  CHECK(src->describe() == "kafka logs/1");
  CHECK(src->end_offset() == 1000);
  auto got = drain(*src);
  CHECK(!got.error);
  CHECK(got.ended);
  REQUIRE(got.records.size() == 1000);
  uint64_t bytes = 0;
  for (size_t i = 0; i < got.records.size(); ++i) {
    CHECK(got.records[i].offset == static_cast<int64_t>(i));
    CHECK(got.records[i].text == "rec-" + std::to_string(i));
    bytes += got.records[i].text.size();
  }
  CHECK(src->bytes_read() == bytes);
  CHECK(src->next_offset() == 1000);
  CHECK(src->lost_records() == 0);
}

TEST_CASE("kafka_source from latest skips what was there at open",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 10);
  auto src = open_source(options_for(kafka, "logs", 0, kafka_start::latest));
  CHECK(src->next_offset() == 10);
  CHECK(src->end_offset() == -1);
  // Nothing new yet: no_data, and each poll returns quickly.
  std::vector<source_record> out;
  for (int i = 0; i < 20; ++i) {
    auto before = clock_type::now();
    auto status = src->poll(out);
    REQUIRE(status);
    CHECK(*status == poll_status::no_data);
    CHECK(clock_type::now() - before < 200ms);
  }
  CHECK(out.empty());
  kafka.produce_range("logs", 0, 10, 15);
  auto got = drain(*src, 5);
  REQUIRE(got.records.size() == 5);
  CHECK(got.records.front().offset == 10);
  CHECK(got.records.front().text == "rec-10");
  CHECK(got.records.back().offset == 14);
  CHECK(src->next_offset() == 15);
}

TEST_CASE("kafka_source with exit_at_end stops at the high watermark of open",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 2);
  kafka.produce_range("logs", 0, 0, 20);
  auto opts = options_for(kafka, "logs", 0, kafka_start::earliest);
  opts.exit_at_end = true;
  auto src = open_source(opts);
  CHECK(src->end_offset() == 20);
  // Produced after open(): must not be read.
  kafka.produce_range("logs", 0, 20, 30);
  auto got = drain(*src);
  CHECK(got.ended);
  REQUIRE(got.records.size() == 20);
  CHECK(got.records.back().offset == 19);
  CHECK(src->next_offset() == 20);
  // Ended for good (the source unassigns its partition at the end): later
  // polls hand out nothing, also of what was produced meanwhile.
  std::vector<source_record> out;
  for (int i = 0; i < 3; ++i) {
    kafka.produce_range("logs", 0, 30 + i, 31 + i);
    std::this_thread::sleep_for(20ms);
    auto again = src->poll(out);
    REQUIRE(again);
    CHECK(*again == poll_status::end);
  }
  CHECK(out.empty());
  CHECK(src->next_offset() == 20);
  // An empty partition ends at once.
  auto empty_opts = opts;
  empty_opts.partition = 1;
  auto empty = open_source(empty_opts);
  CHECK(empty->end_offset() == 0);
  out.clear();
  auto first = empty->poll(out);
  REQUIRE(first);
  CHECK(*first == poll_status::end);
  CHECK(out.empty());
}

TEST_CASE("kafka_source resumes at a given offset and reports where to "
          "resume next",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 40);
  auto opts = options_for(kafka, "logs", 0, kafka_start::offset);
  opts.start_offset = 25;
  opts.max_records = 4; // several polls
  auto src = open_source(opts);
  CHECK(src->resume_offset() == record_offset{25});
  std::vector<source_record> out;
  int64_t expected = 25;
  auto deadline = clock_type::now() + 10s;
  while (expected < 40 && clock_type::now() < deadline) {
    out.clear();
    auto status = src->poll(out);
    REQUIRE(status);
    for (auto& rec : out) {
      CHECK(rec.offset == record_offset{expected});
      CHECK(rec.text == "rec-" + std::to_string(expected));
      ++expected;
    }
    // Records are handed out when poll() returns: resume after them.
    CHECK(src->resume_offset() == record_offset{expected});
  }
  CHECK(expected == 40);
  CHECK(src->resume_offset() == record_offset{40});
}

TEST_CASE("kafka_source with a fixed end offset ends there, not at the "
          "high watermark",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 20);
  // The first start ends at the high watermark of its open() and stops
  // after 12 records (a crash, say).
  auto first_opts = options_for(kafka, "logs", 0, kafka_start::earliest);
  first_opts.exit_at_end = true;
  first_opts.max_records = 4; // 12 records = 3 polls
  auto first = open_source(first_opts);
  REQUIRE(first->end_offset() == 20);
  auto before_crash = drain(*first, 12);
  REQUIRE(before_crash.records.size() == 12);
  auto resume_at = first->resume_offset();
  REQUIRE(resume_at == record_offset{12});
  first.reset();
  // The partition grows before the restart.
  kafka.produce_range("logs", 0, 20, 35);
  auto again_opts = options_for(kafka, "logs", 0, kafka_start::offset);
  again_opts.start_offset = resume_at.value;
  again_opts.exit_at_end = true;
  again_opts.end_offset = 20; // kept from the first start
  auto again = open_source(again_opts);
  CHECK(again->end_offset() == 20);
  auto rest = drain(*again);
  CHECK(!rest.error);
  CHECK(rest.ended);
  REQUIRE(rest.records.size() == 8);
  CHECK(rest.records.front().offset == 12);
  CHECK(rest.records.back().offset == 19);
  CHECK(rest.records.back().text == "rec-19");
  CHECK(again->resume_offset() == record_offset{20});
  // A fixed end below the high watermark with another start mode.
  auto early_opts = options_for(kafka, "logs", 0, kafka_start::earliest);
  early_opts.exit_at_end = true;
  early_opts.end_offset = 5;
  auto early = open_source(early_opts);
  CHECK(early->end_offset() == 5);
  auto five = drain(*early);
  CHECK(five.ended);
  REQUIRE(five.records.size() == 5);
  CHECK(five.records.back().text == "rec-4");
  // Without exit_at_end the end offset is ignored: the source keeps going.
  auto open_ended_opts = options_for(kafka, "logs", 0, kafka_start::offset);
  open_ended_opts.start_offset = 30;
  open_ended_opts.end_offset = 32;
  auto open_ended = open_source(open_ended_opts);
  CHECK(open_ended->end_offset() == -1);
  auto tail = drain(*open_ended, 5);
  CHECK(!tail.ended);
  REQUIRE(tail.records.size() == 5);
  CHECK(tail.records.back().offset == 34);
}

TEST_CASE("kafka_source hands out null values as empty records",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  std::string a = "a", c = "c";
  kafka.produce("logs", 0, &a);
  kafka.produce("logs", 0, nullptr);
  kafka.produce("logs", 0, &c);
  kafka.flush();
  auto opts = options_for(kafka, "logs", 0, kafka_start::offset);
  opts.start_offset = 0;
  opts.exit_at_end = true;
  auto src = open_source(opts);
  auto got = drain(*src);
  CHECK(got.ended);
  REQUIRE(got.records.size() == 3);
  CHECK(got.records[0].text == "a");
  CHECK(got.records[1].offset == 1);
  CHECK(got.records[1].text.empty());
  CHECK(got.records[2].text == "c");
  CHECK(src->bytes_read() == 2);
}

TEST_CASE("unknown topics, partitions and brokers fail fast and clearly",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 2);
  auto before = clock_type::now();
  auto parts = list_partitions(kafka.brokers, "nope", {}, 5s);
  REQUIRE(!parts);
  CHECK(render(parts.error())
        == "topic 'nope' does not exist at " + kafka.brokers);
  auto src = kafka_source::open(
      options_for(kafka, "nope", 0, kafka_start::earliest));
  REQUIRE(!src);
  CHECK(has_code(src.error(), ec::input_error));
  CHECK(render(src.error())
        == "topic 'nope' does not exist at " + kafka.brokers);
  // Asking did not create it (the mock would auto-create on a topic
  // metadata request).
  auto still = list_partitions(kafka.brokers, "nope", {}, 5s);
  CHECK(!still);
  auto no_part = kafka_source::open(
      options_for(kafka, "logs", 7, kafka_start::earliest));
  REQUIRE(!no_part);
  CHECK(render(no_part.error()).find("topic 'logs' has no partition 7 at ")
        == 0);
  CHECK(clock_type::now() - before < 5s);
  before = clock_type::now();
  auto opts = options_for(kafka, "logs", 0, kafka_start::earliest);
  opts.brokers = "127.0.0.1:1";
  opts.timeout = 2s;
  auto unreachable = kafka_source::open(opts);
  REQUIRE(!unreachable);
  CHECK(render(unreachable.error())
            .find("cannot reach Kafka at 127.0.0.1:1 "
                  "within 2s")
        == 0);
  auto waited = clock_type::now() - before;
  CHECK(waited < 4s);
  auto bad_prop = opts;
  bad_prop.properties = {{"no.such.property", "1"}};
  auto bad = kafka_source::open(bad_prop);
  REQUIRE(!bad);
  CHECK(has_code(bad.error(), ec::config_error));
}

namespace {

/// Makes the mock drop the first records of logs/0: 10 small records, then
/// big ones until the partition exceeds the mock's size limit (5 MiB) and
/// its oldest batches are deleted. Returns the watermarks afterwards.
kafka_watermarks make_gap(mock_kafka& kafka) {
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 10);
  std::string big(900 * 1024, 'x');
  for (int i = 0; i < 8; ++i)
    kafka.produce("logs", 0, &big);
  kafka.flush();
  kafka.produce_range("logs", 0, 18, 28);
  auto marks = query_watermarks(kafka.brokers, "logs", 0, {}, 5s);
  REQUIRE(marks);
  REQUIRE(marks->low > 10);
  REQUIRE(marks->high == 28);
  return *marks;
}

} // namespace

TEST_CASE("data loss fails with the lost range by default", "[kafka_source]") {
  mock_kafka kafka;
  auto marks = make_gap(kafka);
  // A checkpoint said: resume at offset 3. It is gone.
  auto opts = options_for(kafka, "logs", 0, kafka_start::offset);
  opts.start_offset = 3;
  auto src = open_source(opts);
  auto got = drain(*src, SIZE_MAX, 10s);
  CHECK(got.records.empty());
  REQUIRE(got.error);
  CHECK(has_code(got.error, ec::input_error));
  CHECK(render(got.error)
        == "data loss on logs/0: next offset 3 is gone, broker has "
               + std::to_string(marks.low) + ".."
               + std::to_string(marks.high - 1) + " (lost "
               + std::to_string(marks.low - 3) + " records)");
  CHECK(src->next_offset() == 3);
  CHECK(src->lost_records() == 0);
}

TEST_CASE("data loss is found even when librdkafka jumps over it",
          "[kafka_source]") {
  mock_kafka kafka;
  auto marks = make_gap(kafka);
  // With this override librdkafka resets silently to the low watermark; the
  // source sees the first offset it gets is past the one it expects.
  auto opts = options_for(kafka, "logs", 0, kafka_start::offset);
  opts.start_offset = 3;
  opts.properties.push_back({"auto.offset.reset", "earliest"});
  auto src = open_source(opts);
  auto got = drain(*src, SIZE_MAX, 10s);
  CHECK(got.records.empty());
  REQUIRE(got.error);
  CHECK(render(got.error)
        == "data loss on logs/0: next offset 3 is gone, broker has "
               + std::to_string(marks.low) + ".."
               + std::to_string(marks.high - 1) + " (lost "
               + std::to_string(marks.low - 3) + " records)");
}

TEST_CASE("data loss with warn counts the lost records and goes on",
          "[kafka_source]") {
  mock_kafka kafka;
  auto marks = make_gap(kafka);
  auto opts = options_for(kafka, "logs", 0, kafka_start::offset);
  opts.start_offset = 3;
  opts.on_data_loss = data_loss_policy::warn;
  opts.exit_at_end = true;
  auto src = open_source(opts);
  auto got = drain(*src, SIZE_MAX, 10s);
  CHECK(!got.error);
  CHECK(got.ended);
  CHECK(src->lost_records() == static_cast<uint64_t>(marks.low - 3));
  REQUIRE(got.records.size() == static_cast<size_t>(marks.high - marks.low));
  for (size_t i = 0; i < got.records.size(); ++i)
    CHECK(got.records[i].offset == marks.low + static_cast<int64_t>(i));
  CHECK(got.records.back().text == "rec-27");
  CHECK(src->next_offset() == 28);
}

TEST_CASE("a broker outage mid-stream loses and duplicates nothing",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 200);
  auto src = open_source(options_for(kafka, "logs", 0, kafka_start::earliest));
  auto first = drain(*src, 200);
  REQUIRE(first.records.size() == 200);
  REQUIRE(rd_kafka_mock_broker_set_down(kafka.cluster, 1)
          == RD_KAFKA_RESP_ERR_NO_ERROR);
  // Produced while the broker is down: the producer keeps them queued.
  for (int i = 200; i < 300; ++i) {
    auto value = "rec-" + std::to_string(i);
    kafka.produce("logs", 0, &value);
  }
  auto during = drain(*src, SIZE_MAX, 1500ms);
  CHECK(!during.error);
  CHECK(during.records.empty());
  REQUIRE(rd_kafka_mock_broker_set_up(kafka.cluster, 1)
          == RD_KAFKA_RESP_ERR_NO_ERROR);
  kafka.flush();
  auto rest = drain(*src, 100, 15s);
  CHECK(!rest.error);
  REQUIRE(rest.records.size() == 100);
  for (size_t i = 0; i < rest.records.size(); ++i) {
    CHECK(rest.records[i].offset == 200 + static_cast<int64_t>(i));
    CHECK(rest.records[i].text == "rec-" + std::to_string(200 + i));
  }
  // Nothing more (no duplicates arrive later).
  auto extra = drain(*src, SIZE_MAX, 500ms);
  CHECK(extra.records.empty());
  CHECK(src->next_offset() == 300);
}

TEST_CASE("kafka_source commits its read position to the group",
          "[kafka_source]") {
  // Commits feed Kafka's lag tools (kafka-consumer-groups and friends); the
  // source never reads them back.
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 50);
  auto opts = options_for(kafka, "logs", 0, kafka_start::earliest);
  opts.group = "lag-watch";
  auto src = open_source(opts);
  auto got = drain(*src, 50);
  REQUIRE(got.records.size() == 50);
  // Keep polling past the commit interval (1 s) so the commit goes out and
  // its result is served.
  drain(*src, SIZE_MAX, 2500ms);
  // Another client of the same group asks the group coordinator.
  auto conf = make_kafka_conf(kafka.brokers, {{"group.id", "lag-watch"}}, {});
  REQUIRE(conf);
  quiet_kafka_logs(conf->get(), {});
  char errstr[512];
  auto* rk
      = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  REQUIRE(rk != nullptr);
  conf->release();
  auto* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, "logs", 0);
  auto err = rd_kafka_committed(rk, list, 5000);
  CHECK(err == RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(list->elems[0].offset == 50);
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
}

TEST_CASE("kafka_source wakes its reader when records arrive, once per empty "
          "poll",
          "[kafka_source]") {
  mock_kafka kafka;
  kafka.create_topic("logs", 1);
  kafka.produce_range("logs", 0, 0, 3);
  auto src = open_source(options_for(kafka, "logs", 0, kafka_start::earliest));
  std::mutex mu;
  std::condition_variable cv;
  int wakes = 0;
  REQUIRE(src->notify_on_data([&] {
    std::lock_guard<std::mutex> guard{mu};
    ++wakes;
    cv.notify_all();
  }));
  auto wait_for_wakes = [&](int n) {
    std::unique_lock<std::mutex> lock{mu};
    return cv.wait_for(lock, 10s, [&] { return wakes >= n; });
  };
  // Empty polls until the first records are fetched: each arms the wakeup,
  // and the first fetch (maybe already queued) wakes once.
  std::vector<source_record> out;
  std::vector<std::string> seen;
  auto poll_all = [&] {
    for (;;) {
      out.clear();
      auto status = src->poll(out);
      REQUIRE(status);
      for (auto& rec : out)
        seen.emplace_back(rec.text);
      if (*status == poll_status::no_data)
        return;
    }
  };
  auto wakes_now = [&] {
    std::lock_guard<std::mutex> guard{mu};
    return wakes;
  };
  // Polls until `n` records were seen, waiting for a wake after each poll
  // that found nothing (records still to come always bring one).
  auto read_until = [&](size_t n) {
    auto deadline = clock_type::now() + 10s;
    while (seen.size() < n && clock_type::now() < deadline) {
      auto mark = wakes_now();
      poll_all();
      if (seen.size() < n)
        REQUIRE(wait_for_wakes(mark + 1));
    }
  };
  read_until(3);
  REQUIRE(seen == std::vector<std::string>{"rec-0", "rec-1", "rec-2"});
  // The last poll found nothing and armed the wakeup: new records wake
  // the reader once, however many come before it polls again.
  int before = wakes_now();
  kafka.produce_range("logs", 0, 3, 6);
  REQUIRE(wait_for_wakes(before + 1));
  kafka.produce_range("logs", 0, 6, 8);
  std::this_thread::sleep_for(200ms);
  CHECK(wakes_now() == before + 1);
  read_until(8);
  CHECK(seen.size() == 8);
  CHECK(seen.back() == "rec-7");
}
