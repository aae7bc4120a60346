#include "io/embedded_broker.hpp"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "io/kafka_forwarder.hpp"
#include "io/kafka_wire_rewrite.hpp"

namespace crashwatch {

namespace {

/// One "host:port" of the mock's broker list.
struct mock_address {
  std::string host;
  uint16_t port = 0;
};

/// Splits the mock's comma-separated "host:port" list (broker 1 first);
/// false when an entry is not host:port.
bool split_addresses(const std::string& list, std::vector<mock_address>& out) {
  size_t pos = 0;
  while (pos <= list.size()) {
    auto end = list.find(',', pos);
    if (end == std::string::npos)
      end = list.size();
    auto entry = list.substr(pos, end - pos);
    auto colon = entry.rfind(':');
    if (colon == std::string::npos)
      return false;
    auto p = std::strtol(entry.c_str() + colon + 1, nullptr, 10);
    if (p <= 0 || p > 65535)
      return false;
    out.push_back({entry.substr(0, colon), static_cast<uint16_t>(p)});
    pos = end + 1;
  }
  return true;
}

/// Silences librdkafka's log lines of the handle that owns the mock: it has
/// no bootstrap servers on purpose, and says so at warning level.
void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

} // namespace

caf::expected<std::unique_ptr<embedded_broker>>
embedded_broker::start(const embedded_broker_options& options) {
  if (options.brokers < 1 || options.partitions < 1 || options.topic.empty())
    return make_error(ec::config_error,
                      "embedded broker needs at least one broker, one "
                      "partition and a topic name");
  std::unique_ptr<embedded_broker> broker{new embedded_broker};
  broker->options_ = options;
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  // The mock brokers' sockets take their options from this handle's
  // configuration. A real Kafka broker sets TCP_NODELAY on every
  // connection; without it, a response written while an earlier one was
  // unacknowledged waited for the client's delayed ACK (40 ms on Linux):
  // ~3 such stalls per run of a 4-partition read to the end
  // (docs/PERFORMANCE.md, "Reading a topic to the end").
  char nagle_err[256];
  if (rd_kafka_conf_set(conf, "socket.nagle.disable", "true", nagle_err,
                        sizeof nagle_err)
      != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return make_error(ec::config_error,
                      std::string{"cannot configure the mock cluster: "}
                          + nagle_err);
  }
  broker->owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (broker->owner_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return make_error(ec::config_error,
                      std::string{"cannot create the mock cluster's handle: "}
                          + errstr);
  }
  broker->cluster_ = rd_kafka_mock_cluster_new(broker->owner_, options.brokers);
  if (broker->cluster_ == nullptr)
    return make_error(ec::config_error,
                      "cannot start librdkafka's mock cluster (no free "
                      "ephemeral port?)");
  if (auto err = broker->create_topic(options.topic, options.partitions))
    return err;
  for (auto& topic : options.leaderless_topics) {
    if (auto err = broker->create_topic(topic, 1))
      return err;
    // -1: no leader (rdkafka_mock.h).
    auto err = rd_kafka_mock_partition_set_leader(broker->cluster_,
                                                  topic.c_str(), 0, -1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_error(ec::config_error,
                        "cannot make topic '" + topic
                            + "' leaderless: " + rd_kafka_err2str(err));
  }
  if (options.port != 0) {
    if (auto err = broker->spread_leaders())
      return err;
    if (auto err = broker->start_forwarders())
      return err;
  }
  return broker;
}

caf::error embedded_broker::spread_leaders() {
  // The mock picks each partition's leader at random, which may put every
  // leader on one broker; with fixed ports, partition p is led by broker
  // p % N + 1, so that every broker's port serves a share of the topic.
  for (int p = 0; options_.brokers > 1 && p < options_.partitions; ++p) {
    auto err = rd_kafka_mock_partition_set_leader(
        cluster_, options_.topic.c_str(), p, p % options_.brokers + 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_error(ec::config_error,
                        "cannot set the leader of partition "
                            + std::to_string(p)
                            + " on the mock cluster: " + rd_kafka_err2str(err));
  }
  return caf::none;
}

caf::error embedded_broker::start_forwarders() {
  std::vector<mock_address> mocks;
  if (!split_addresses(mock_bootstraps(), mocks)
      || mocks.size() != static_cast<size_t>(options_.brokers))
    return make_error(ec::config_error, "unexpected mock cluster addresses '"
                                            + mock_bootstraps() + "'");
  if (options_.port + mocks.size() - 1 > 65535)
    return make_error(ec::config_error,
                      "ports " + std::to_string(options_.port) + ".."
                          + std::to_string(options_.port + mocks.size() - 1)
                          + " do not all exist");
  // Mock broker i (its port in the mock's list) is advertised as
  // ADVERTISE:port+i-1.
  auto advertise = advertised_host();
  auto first_port = static_cast<int32_t>(options_.port);
  auto map = [mocks, advertise,
              first_port](int32_t, std::string_view host,
                          int32_t port) -> std::optional<advertised_broker> {
    for (size_t i = 0; i < mocks.size(); ++i)
      if (mocks[i].port == port && mocks[i].host == host)
        return advertised_broker{advertise,
                                 first_port + static_cast<int32_t>(i)};
    return std::nullopt;
  };
  // What cannot be rewritten is relayed unchanged and reported once.
  auto warned = std::make_shared<std::atomic<bool>>(false);
  auto filter = [map, warned](int16_t key, int16_t version, std::string frame) {
    auto out = rewrite_broker_addresses(key, version, frame, map);
    if (!out.problem.empty() && !warned->exchange(true))
      std::cerr << "crashwatch broker: " << out.problem
                << "; relayed unchanged (clients may be sent to the mock's "
                   "own 127.0.0.1 addresses)\n";
    return std::move(out.frame);
  };
  for (size_t i = 0; i < mocks.size(); ++i) {
    auto port = static_cast<uint16_t>(options_.port + i);
    auto fw = kafka_forwarder::start(options_.listen, port, mocks[i].host,
                                     mocks[i].port, filter);
    if (!fw)
      return std::move(fw.error());
    forwarders_.push_back(std::move(*fw));
  }
  return caf::none;
}

std::string embedded_broker::advertised_host() const {
  return options_.advertise.empty() ? options_.listen : options_.advertise;
}

embedded_broker::~embedded_broker() {
  // The forwarders relay to the mock: stop them first.
  forwarders_.clear();
  if (cluster_ != nullptr)
    rd_kafka_mock_cluster_destroy(cluster_);
  if (owner_ != nullptr)
    rd_kafka_destroy(owner_);
}

std::string embedded_broker::mock_bootstraps() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

std::string embedded_broker::bootstraps() const {
  if (options_.port != 0)
    return advertised_host() + ":" + std::to_string(options_.port);
  return mock_bootstraps();
}

caf::error embedded_broker::create_topic(const std::string& topic,
                                         int partitions) {
  auto err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(ec::config_error,
                      "cannot create topic '" + topic
                          + "' on the mock cluster: " + rd_kafka_err2str(err));
  return caf::none;
}

caf::error embedded_broker::set_all(bool up) {
  // The mock numbers its brokers 1..N.
  for (int32_t id = 1; id <= options_.brokers; ++id) {
    auto err = up ? rd_kafka_mock_broker_set_up(cluster_, id)
                  : rd_kafka_mock_broker_set_down(cluster_, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_error(ec::config_error, "cannot set mock broker "
                                              + std::to_string(id)
                                              + (up ? " up: " : " down: ")
                                              + rd_kafka_err2str(err));
  }
  return caf::none;
}

caf::error embedded_broker::set_down() {
  return set_all(false);
}

caf::error embedded_broker::set_up() {
  return set_all(true);
}

} // namespace crashwatch
