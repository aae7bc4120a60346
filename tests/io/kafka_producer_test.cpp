#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "io/embedded_broker.hpp"
#include "io/kafka_producer.hpp"

using namespace crashwatch;
using namespace std::chrono_literals;

namespace {

/// One consumed message.
struct consumed {
  int32_t partition;
  std::string key;
  std::string value;
};

/// Reads `want` messages of `topic` (partitions 0..partitions-1, from the
/// beginning) with a plain librdkafka consumer, or what arrives within 15 s.
std::vector<consumed> read_back(const std::string& brokers,
                                const std::string& topic, int partitions,
                                size_t want) {
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr,
                    sizeof errstr);
  rd_kafka_conf_set(conf, "group.id", "kafka_producer_test", errstr,
                    sizeof errstr);
  auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  REQUIRE(rk != nullptr);
  rd_kafka_poll_set_consumer(rk);
  // Explicit assignment: no group rebalance to wait for.
  auto* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset
        = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(rk, parts) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<consumed> result;
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (result.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr)
      continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
      result.push_back(
          {msg->partition,
           std::string{static_cast<const char*>(msg->key), msg->key_len},
           std::string{static_cast<const char*>(msg->payload), msg->len}});
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return result;
}

std::unique_ptr<embedded_broker> start_broker(int partitions) {
  embedded_broker_options opts;
  opts.topic = "logs";
  opts.partitions = partitions;
  auto broker = embedded_broker::start(opts);
  REQUIRE(broker);
  return std::move(*broker);
}

} // namespace

TEST_CASE("produced messages are all delivered, keyed, and read back",
          "[kafka_producer]") {
  auto broker = start_broker(4);
  auto producer = kafka_producer::open(broker->bootstraps());
  REQUIRE(producer);
  auto& out = **producer;
  CHECK(out.partition_count("logs") == 4);
  // 2000 messages over 50 keys: enough to reach every partition.
  constexpr int messages = 2000;
  for (int i = 0; i < messages; ++i)
    REQUIRE(!out.produce("logs", "user_" + std::to_string(i % 50),
                         "value " + std::to_string(i)));
  REQUIRE(!out.flush(10s));
  CHECK(out.produced() == messages);
  CHECK(out.delivered() == messages);
  CHECK(out.failed() == 0);
  CHECK(out.in_flight() == 0);
  auto got = read_back(broker->bootstraps(), "logs", 4, messages);
  REQUIRE(got.size() == messages);
  std::map<std::string, int32_t> partition_of_key;
  std::map<int32_t, int> per_partition;
  for (auto& m : got) {
    auto i = std::stoi(m.value.substr(6));
    CHECK(m.key == "user_" + std::to_string(i % 50));
    // The key decides the partition: a key never shows up in two.
    auto [it, fresh] = partition_of_key.emplace(m.key, m.partition);
    CHECK(it->second == m.partition);
    ++per_partition[m.partition];
  }
  CHECK(per_partition.size() == 4);
}

TEST_CASE("a fixed partition takes every message", "[kafka_producer]") {
  auto broker = start_broker(4);
  auto producer = kafka_producer::open(broker->bootstraps());
  REQUIRE(producer);
  for (int i = 0; i < 100; ++i)
    REQUIRE(!(*producer)->produce("logs", "k" + std::to_string(i), "v", 2));
  REQUIRE(!(*producer)->flush(10s));
  auto got = read_back(broker->bootstraps(), "logs", 4, 100);
  REQUIRE(got.size() == 100);
  for (auto& m : got)
    CHECK(m.partition == 2);
}

TEST_CASE("a partition that does not exist is refused", "[kafka_producer]") {
  auto broker = start_broker(4);
  auto producer = kafka_producer::open(broker->bootstraps());
  REQUIRE(producer);
  // Unknown once metadata is in: partition_count() loads it.
  REQUIRE((*producer)->partition_count("logs") == 4);
  auto err = (*producer)->produce("logs", "k", "v", 7);
  REQUIRE(err);
  CHECK(render(err).find("partition 7") != std::string::npos);
}

TEST_CASE("deliveries to a missing topic fail loudly", "[kafka_producer]") {
  auto broker = start_broker(1);
  // The mock creates topics on demand; this makes it answer "unknown topic"
  // for no_such_topic instead, as a real broker without auto-creation does.
  rd_kafka_mock_topic_set_error(broker->mock(), "no_such_topic",
                                RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  auto producer = kafka_producer::open(broker->bootstraps(),
                                       {{"message.timeout.ms", "1500"}});
  REQUIRE(producer);
  auto& out = **producer;
  for (int i = 0; i < 10; ++i)
    REQUIRE(!out.produce("no_such_topic", "k", "v"));
  auto err = out.flush(10s);
  REQUIRE(err);
  CHECK(out.failed() == 10);
  CHECK(out.delivered() == 0);
  auto text = render(err);
  CHECK(text.find("10 message(s) not delivered") != std::string::npos);
  CHECK(text.find("topic no_such_topic") != std::string::npos);
  REQUIRE(out.failures().size() == 10);
  CHECK(out.failures()[0].topic == "no_such_topic");
  CHECK(!out.failures()[0].reason.empty());
  // Reported once: the next flush has nothing new to complain about.
  CHECK(!out.flush(1s));
}

TEST_CASE("deliveries while the broker is down fail loudly",
          "[kafka_producer]") {
  auto broker = start_broker(1);
  // Short timeouts and reconnect backoff keep the test quick.
  auto producer = kafka_producer::open(broker->bootstraps(),
                                       {{"message.timeout.ms", "1500"},
                                        {"reconnect.backoff.ms", "50"},
                                        {"reconnect.backoff.max.ms", "200"}});
  REQUIRE(producer);
  auto& out = **producer;
  REQUIRE(!out.produce("logs", "before", "v"));
  REQUIRE(!out.flush(10s));
  REQUIRE(!broker->set_down());
  REQUIRE(!out.produce("logs", "during", "v"));
  auto err = out.flush(10s);
  REQUIRE(err);
  CHECK(render(err).find("topic logs partition 0") != std::string::npos);
  CHECK(out.delivered() == 1);
  CHECK(out.failed() == 1);
  REQUIRE(out.failures().size() == 1);
  CHECK(out.failures()[0].key == "during");
  // Back up: deliveries go through again.
  REQUIRE(!broker->set_up());
  // Give the producer time to reconnect (backoff at most 200 ms) before a
  // message with a 1.5 s timeout goes out.
  std::this_thread::sleep_for(1s);
  REQUIRE(!out.produce("logs", "after", "v"));
  auto again = out.flush(15s);
  CHECK(render(again) == "no error");
  CHECK(out.delivered() == 2);
}

TEST_CASE("an unreachable broker fails open()", "[kafka_producer]") {
  // Port 1 on loopback: nothing listens, connections are refused at once.
  auto producer = kafka_producer::open("127.0.0.1:1", {}, 500ms);
  REQUIRE(!producer);
  CHECK(render(producer.error()).find("cannot reach Kafka broker 127.0.0.1:1")
        != std::string::npos);
}

TEST_CASE("a bad librdkafka property fails open()", "[kafka_producer]") {
  auto producer = kafka_producer::open("127.0.0.1:1", {{"no.such.key", "1"}});
  REQUIRE(!producer);
  CHECK(render(producer.error()).find("no.such.key") != std::string::npos);
}

TEST_CASE("the embedded broker's fixed port forwards to the mock",
          "[kafka_producer][embedded_broker]") {
  embedded_broker_options opts;
  // A port unlikely to be taken; skip quietly if it is.
  opts.port = 39417;
  auto broker = embedded_broker::start(opts);
  if (!broker) {
    WARN("port taken: " << render(broker.error()));
    return;
  }
  CHECK((*broker)->bootstraps() == "127.0.0.1:39417");
  auto producer = kafka_producer::open((*broker)->bootstraps());
  REQUIRE(producer);
  REQUIRE(!(*producer)->produce("logs", "k", "v"));
  REQUIRE(!(*producer)->flush(10s));
  // A second broker on the same port says why it cannot start.
  auto twin = embedded_broker::start(opts);
  REQUIRE(!twin);
  CHECK(render(twin.error()).find("127.0.0.1:39417") != std::string::npos);
}
