#include "io/kafka_metadata.hpp"

#include <algorithm>
#include <memory>

#include "core/error.hpp"

namespace crashwatch {

namespace {

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

using rk_ptr = std::unique_ptr<rd_kafka_t, rk_deleter>;

/// A consumer handle without a group: it only asks questions. A consumer,
/// not a producer, because librdkafka producers ask brokers to auto-create
/// topics they look up (allow.auto.create.topics defaults to true there,
/// false for consumers).
caf::expected<rk_ptr> make_client(const std::string& brokers,
                                  const std::vector<kafka_property>& props) {
  auto conf = make_kafka_conf(brokers, {}, props);
  if (!conf)
    return std::move(conf.error());
  // The error returned says it all; no reconnect lines on stderr.
  quiet_kafka_logs(conf->get(), props);
  char errstr[512];
  auto* rk
      = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (rk == nullptr)
    return make_error(ec::config_error,
                      std::string{"cannot create Kafka client: "} + errstr);
  conf->release();
  return rk_ptr{rk};
}

bool is_unreachable(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__TRANSPORT
         || err == RD_KAFKA_RESP_ERR__TIMED_OUT
         || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
         || err == RD_KAFKA_RESP_ERR__RESOLVE;
}

caf::error unreachable(const std::string& brokers,
                       std::chrono::milliseconds timeout,
                       rd_kafka_resp_err_t err) {
  return make_error(ec::input_error, "cannot reach Kafka at " + brokers
                                         + " within "
                                         + describe_timeout(timeout) + " ("
                                         + rd_kafka_err2str(err) + ")");
}

} // namespace

std::string describe_timeout(std::chrono::milliseconds timeout) {
  auto ms = timeout.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

caf::expected<std::vector<int32_t>>
list_partitions(rd_kafka_t* rk, const std::string& brokers,
                const std::string& topic, std::chrono::milliseconds timeout) {
  // All topics rather than this one: a request naming an unknown topic makes
  // brokers with auto.create.topics.enable (and librdkafka's mock cluster,
  // whatever the client asks) create it, and a typo must be an error.
  const rd_kafka_metadata_t* md = nullptr;
  auto err = rd_kafka_metadata(rk, 1, nullptr, &md,
                               static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (is_unreachable(err))
      return unreachable(brokers, timeout, err);
    return make_error(ec::input_error, "cannot get the topics of Kafka at "
                                           + brokers + ": "
                                           + rd_kafka_err2str(err));
  }
  std::unique_ptr<const rd_kafka_metadata_t,
                  void (*)(const rd_kafka_metadata_t*)>
      guard{md, rd_kafka_metadata_destroy};
  for (int i = 0; i < md->topic_cnt; ++i) {
    auto& t = md->topics[i];
    if (topic != t.topic)
      continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      break;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_error(ec::input_error, "topic '" + topic + "' at " + brokers
                                             + ": " + rd_kafka_err2str(t.err));
    std::vector<int32_t> result;
    result.reserve(static_cast<size_t>(t.partition_cnt));
    for (int p = 0; p < t.partition_cnt; ++p)
      result.push_back(t.partitions[p].id);
    std::sort(result.begin(), result.end());
    return result;
  }
  return make_error(ec::input_error,
                    "topic '" + topic + "' does not exist at " + brokers);
}

caf::expected<std::vector<int32_t>>
list_partitions(const std::string& brokers, const std::string& topic,
                const std::vector<kafka_property>& properties,
                std::chrono::milliseconds timeout) {
  auto rk = make_client(brokers, properties);
  if (!rk)
    return std::move(rk.error());
  return list_partitions(rk->get(), brokers, topic, timeout);
}

caf::expected<kafka_watermarks>
query_watermarks(rd_kafka_t* rk, const std::string& brokers,
                 const std::string& topic, int32_t partition,
                 std::chrono::milliseconds timeout) {
  kafka_watermarks result;
  auto err = rd_kafka_query_watermark_offsets(
      rk, topic.c_str(), partition, &result.low, &result.high,
      static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    return result;
  if (is_unreachable(err))
    return unreachable(brokers, timeout, err);
  return make_error(ec::input_error, "cannot get the offsets of " + topic + "/"
                                         + std::to_string(partition) + " at "
                                         + brokers + ": "
                                         + rd_kafka_err2str(err));
}

caf::expected<kafka_watermarks>
query_watermarks(const std::string& brokers, const std::string& topic,
                 int32_t partition,
                 const std::vector<kafka_property>& properties,
                 std::chrono::milliseconds timeout) {
  auto rk = make_client(brokers, properties);
  if (!rk)
    return std::move(rk.error());
  return query_watermarks(rk->get(), brokers, topic, partition, timeout);
}

} // namespace crashwatch
