// alert_delivery against the embedded broker (librdkafka's mock cluster in
// this process): send() never waits, whatever the broker does; what the
// broker does not take is handled per --on-data-loss; marks settle only once
// the alerts before them have their outcome.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "io/alert_delivery.hpp"
#include "io/embedded_broker.hpp"

using namespace crashwatch;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

std::unique_ptr<embedded_broker> start_broker() {
  embedded_broker_options opts;
  opts.partitions = 1;
  auto broker = embedded_broker::start(opts);
  REQUIRE(broker);
  REQUIRE(!(*broker)->create_topic("alerts", 1));
  return std::move(*broker);
}

std::vector<alert> alerts(int n, const std::string& prefix = "u") {
  std::vector<alert> result;
  for (int i = 0; i < n; ++i)
    result.push_back(alert{event_time{10'000}, event_time{20'000},
                           prefix + std::to_string(i), 3, true});
  return result;
}

/// A delivery to the embedded broker's "alerts" with short timeouts and
/// reconnect backoff, so that the tests are quick.
struct delivery_fixture {
  std::unique_ptr<embedded_broker> broker = start_broker();
  std::ostringstream warnings;

  std::unique_ptr<alert_delivery> open(bool fail_on_loss,
                                       std::vector<kafka_property> extra = {}) {
    std::vector<kafka_property> props{{"linger.ms", "0"},
                                      {"message.timeout.ms", "1000"},
                                      {"reconnect.backoff.ms", "50"},
                                      {"reconnect.backoff.max.ms", "200"}};
    props.insert(props.end(), extra.begin(), extra.end());
    auto producer = kafka_producer::open(broker->bootstraps(), props);
    REQUIRE(producer);
    REQUIRE((*producer)->partition_count("alerts") == 1);
    return std::make_unique<alert_delivery>(std::move(*producer), "alerts",
                                            fail_on_loss, warnings);
  }
};

/// Calls service() every 5 ms until `done` or `limit`; the first error.
caf::error serve_until(alert_delivery& d, const std::function<bool()>& done,
                       std::chrono::milliseconds limit = 15s) {
  auto deadline = clock_type::now() + limit;
  while (!done() && clock_type::now() < deadline) {
    if (auto err = d.service())
      return err;
    std::this_thread::sleep_for(5ms);
  }
  return caf::none;
}

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE_METHOD(delivery_fixture,
                 "alerts reach the topic and their mark settles",
                 "[alert_delivery]") {
  auto d = open(true);
  REQUIRE(!d->send(alerts(3)));
  auto m = d->mark();
  CHECK(m == 3);
  REQUIRE(!serve_until(*d, [&] { return !d->busy(); }));
  CHECK(d->settled(m));
  CHECK(d->producer().delivered() == 3);
  CHECK(d->undelivered() == 0);
  CHECK(warnings.str().empty());
}

TEST_CASE_METHOD(delivery_fixture,
                 "send() does not wait for a broker that is down, and warn "
                 "counts what times out",
                 "[alert_delivery]") {
  auto d = open(false);
  REQUIRE(!broker->set_down());
  auto started = clock_type::now();
  REQUIRE(!d->send(alerts(3)));
  // The old sink waited here for the broker (flush, up to 60 s).
  CHECK(clock_type::now() - started < 200ms);
  auto m = d->mark();
  CHECK(d->busy());
  CHECK(!d->settled(m));
  REQUIRE(!serve_until(*d, [&] { return !d->busy(); }));
  CHECK(d->settled(m));
  CHECK(d->undelivered() == 3);
  CHECK(d->producer().delivered() == 0);
  auto text = warnings.str();
  CHECK(lines(text) == 3);
  CHECK(text.find("alert not delivered to Kafka topic alerts partition 0 key "
                  "10000:u0: Local: Message timed out")
        != std::string::npos);
}

TEST_CASE_METHOD(delivery_fixture,
                 "warn describes the first ten failures, then only counts",
                 "[alert_delivery]") {
  auto d = open(false);
  REQUIRE(!broker->set_down());
  REQUIRE(!d->send(alerts(25)));
  REQUIRE(!serve_until(*d, [&] { return !d->busy(); }));
  CHECK(d->undelivered() == 25);
  auto text = warnings.str();
  // Ten failures and the line that says the rest are only counted.
  CHECK(lines(text) == alert_delivery::max_warning_lines + 1);
  CHECK(text.find("only counted") != std::string::npos);
}

TEST_CASE_METHOD(delivery_fixture,
                 "fail: the first alert the broker does not take is an error "
                 "naming topic, partition, key and reason",
                 "[alert_delivery]") {
  auto d = open(true);
  REQUIRE(!broker->set_down());
  REQUIRE(!d->send(alerts(2)));
  caf::error err;
  auto deadline = clock_type::now() + 15s;
  while (!err && clock_type::now() < deadline) {
    err = d->service();
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE(err);
  auto text = render(err);
  CHECK(text.find("topic alerts partition 0 key 10000:u") != std::string::npos);
  CHECK(text.find("Message timed out") != std::string::npos);
  CHECK(warnings.str().empty());
}

TEST_CASE_METHOD(delivery_fixture,
                 "a mark settles once the broker is back, with every alert "
                 "delivered",
                 "[alert_delivery]") {
  auto d = open(true, {{"message.timeout.ms", "30000"}});
  REQUIRE(!broker->set_down());
  REQUIRE(!d->send(alerts(4)));
  auto m = d->mark();
  REQUIRE(!serve_until(
      *d, [] { return false; }, 300ms));
  CHECK(!d->settled(m));
  REQUIRE(!broker->set_up());
  REQUIRE(!serve_until(*d, [&] { return d->settled(m); }));
  CHECK(d->settled(m));
  CHECK(d->producer().delivered() == 4);
}

TEST_CASE_METHOD(delivery_fixture,
                 "a full librdkafka queue keeps alerts in a bounded backlog, "
                 "in order, and never waits",
                 "[alert_delivery]") {
  // librdkafka takes one message at a time: the rest wait in the backlog.
  auto d = open(false, {{"queue.buffering.max.messages", "1"},
                        {"message.timeout.ms", "30000"}});
  REQUIRE(!broker->set_down());
  auto started = clock_type::now();
  REQUIRE(!d->send(alerts(5)));
  CHECK(clock_type::now() - started < 200ms);
  CHECK(d->in_flight() == 5);
  auto m = d->mark();
  CHECK(m == 5);
  REQUIRE(!broker->set_up());
  REQUIRE(!serve_until(*d, [&] { return d->settled(m); }));
  CHECK(d->producer().delivered() == 5);
  CHECK(d->undelivered() == 0);
  CHECK(!d->busy());
}

TEST_CASE_METHOD(delivery_fixture,
                 "beyond the backlog's bound an alert counts as not delivered",
                 "[alert_delivery]") {
  auto d = open(false, {{"queue.buffering.max.messages", "1"},
                        {"message.timeout.ms", "30000"}});
  REQUIRE(!broker->set_down());
  auto n = static_cast<int>(alert_delivery::max_backlog) + 3;
  REQUIRE(!d->send(alerts(n)));
  // One in librdkafka's queue, max_backlog waiting here, two refused.
  CHECK(d->in_flight() == alert_delivery::max_backlog + 1);
  CHECK(d->undelivered() == 2);
  CHECK(warnings.str().find("queue is full") != std::string::npos);
  // The refused ones do not hold a mark back.
  CHECK(d->mark() == alert_delivery::max_backlog + 1);
  d->abandon();
}
