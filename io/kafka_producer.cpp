#include "io/kafka_producer.hpp"

#include <algorithm>
#include <cstdint>

#include "core/error.hpp"

namespace crashwatch {

namespace {

std::string describe(const delivery_failure& f) {
  return destination_of(f) + ": " + f.reason;
}

} // namespace

std::string destination_of(const delivery_failure& f) {
  return "topic " + f.topic + " partition "
         + (f.partition < 0 ? std::string{"(unassigned)"}
                            : std::to_string(f.partition));
}

caf::expected<std::unique_ptr<kafka_producer>>
kafka_producer::open(const std::string& brokers,
                     const std::vector<kafka_property>& properties,
                     std::chrono::milliseconds connect_timeout) {
  std::unique_ptr<kafka_producer> p{new kafka_producer};
  p->brokers_ = brokers;
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr,
                          sizeof errstr)
        != RD_KAFKA_CONF_OK)
      return make_error(ec::config_error, "librdkafka property " + key + "="
                                              + value + ": " + errstr);
    return caf::error{};
  };
  caf::error err = set("bootstrap.servers", brokers);
  // A failed delivery must say why; keep the librdkafka default for the rest
  // (idempotence off, acks=all, linger 5 ms).
  for (auto& [key, value] : properties)
    if (!err)
      err = set(key, value);
  if (err) {
    rd_kafka_conf_destroy(conf);
    return err;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, p.get());
  p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (p->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return make_error(ec::config_error,
                      std::string{"cannot create Kafka producer: "} + errstr);
  }
  // Broker list only (all_topics = 0, no topic): proves the cluster answers.
  const rd_kafka_metadata_t* md = nullptr;
  auto merr = rd_kafka_metadata(p->rk_, 0, nullptr, &md,
                                static_cast<int>(connect_timeout.count()));
  if (merr != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(ec::output_error,
                      "cannot reach Kafka broker " + brokers + " within "
                          + std::to_string(connect_timeout.count())
                          + " ms: " + rd_kafka_err2str(merr));
  rd_kafka_metadata_destroy(md);
  return p;
}

kafka_producer::~kafka_producer() {
  if (rk_ == nullptr)
    return;
  rd_kafka_flush(rk_, 10'000);
  rd_kafka_destroy(rk_);
}

void kafka_producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                                 void* opaque) {
  auto* self = static_cast<kafka_producer*>(opaque);
  // The message's own opaque is its sequence number (producev()).
  auto seq = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(msg->_private));
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->delivered_;
    self->settle(seq, nullptr);
    return;
  }
  ++self->failed_;
  delivery_failure f;
  f.topic = rd_kafka_topic_name(msg->rkt);
  f.partition = msg->partition;
  if (msg->key != nullptr)
    f.key.assign(static_cast<const char*>(msg->key), msg->key_len);
  f.reason = rd_kafka_err2str(msg->err);
  self->settle(seq, &f);
}

void kafka_producer::settle(uint64_t seq, delivery_failure* failure) {
  if (failure != nullptr) {
    if (failures_.size() < max_kept_failures)
      failures_.push_back(*failure);
    if (untaken_.size() < max_kept_failures)
      untaken_.push_back(std::move(*failure));
  }
  if (seq < settled_base_ || seq - settled_base_ >= settled_.size())
    return; // not one of ours: cannot happen
  settled_[seq - settled_base_] = true;
  while (!settled_.empty() && settled_.front()) {
    settled_.pop_front();
    ++settled_base_;
  }
}

rd_kafka_resp_err_t kafka_producer::producev(const std::string& topic,
                                             std::string_view key,
                                             std::string_view value,
                                             int32_t partition) {
  auto seq = produced_ + 1;
  auto err = rd_kafka_producev(
      rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      // No key rather than an empty one: consumers see "no key", and the
      // default partitioner (consistent_random) spreads such messages.
      RD_KAFKA_V_KEY(key.empty() ? nullptr : const_cast<char*>(key.data()),
                     key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(seq))),
      RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++produced_;
    settled_.push_back(false);
  }
  return err;
}

namespace {

std::string refused(const std::string& topic, int32_t partition,
                    rd_kafka_resp_err_t err) {
  return "cannot produce to topic " + topic + " partition "
         + (partition == RD_KAFKA_PARTITION_UA ? std::string{"(any)"}
                                               : std::to_string(partition))
         + ": " + rd_kafka_err2str(err);
}

} // namespace

caf::error kafka_producer::produce(std::string_view topic, std::string_view key,
                                   std::string_view value, int32_t partition) {
  std::string topic_name{topic};
  for (;;) {
    auto err = producev(topic_name, key, value, partition);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Serve delivery reports as we go so the callbacks never pile up.
      rd_kafka_poll(rk_, 0);
      return caf::none;
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      return make_error(ec::output_error, refused(topic_name, partition, err));
    // The local queue drains as the broker confirms (or as messages time
    // out): wait for delivery reports, then retry.
    rd_kafka_poll(rk_, 10);
  }
}

bool kafka_producer::try_produce(std::string_view topic, std::string_view key,
                                 std::string_view value, int32_t partition) {
  std::string topic_name{topic};
  auto err = producev(topic_name, key, value, partition);
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    rd_kafka_poll(rk_, 0);
    return false;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Refused for good: settled as a failure right away, so that every
    // message accepted here has exactly one outcome.
    ++produced_;
    ++failed_;
    settled_.push_back(false);
    delivery_failure f;
    f.topic = topic_name;
    f.partition = partition;
    f.key = std::string{key};
    f.reason = refused(topic_name, partition, err);
    settle(produced_, &f);
  }
  rd_kafka_poll(rk_, 0);
  return true;
}

std::vector<delivery_failure> kafka_producer::take_failures() {
  std::vector<delivery_failure> result;
  result.swap(untaken_);
  return result;
}

void kafka_producer::purge() {
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(rk_, 0);
}

void kafka_producer::poll(int timeout_ms) {
  rd_kafka_poll(rk_, timeout_ms);
}

caf::error kafka_producer::flush(std::chrono::milliseconds timeout) {
  auto err = rd_kafka_flush(rk_, static_cast<int>(timeout.count()));
  // rd_kafka_flush() serves the delivery reports: counters are current.
  auto new_failures = failed_ - failed_at_flush_;
  failed_at_flush_ = failed_;
  if (new_failures > 0) {
    // The first failure after the previous flush, if it was kept.
    size_t first_new = static_cast<size_t>(
        std::min<uint64_t>(failed_ - new_failures, failures_.size()));
    std::string what = first_new < failures_.size()
                           ? describe(failures_[first_new])
                           : std::string{"(details not kept)"};
    return make_error(ec::output_error, std::to_string(new_failures)
                                            + " message(s) not delivered to "
                                            + brokers_ + "; first: " + what);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(ec::output_error, std::to_string(in_flight())
                                            + " message(s) not confirmed by "
                                            + brokers_ + " within "
                                            + std::to_string(timeout.count())
                                            + " ms: " + rd_kafka_err2str(err));
  return caf::none;
}

caf::expected<int32_t>
kafka_producer::partition_count(const std::string& topic,
                                std::chrono::milliseconds timeout) {
  auto* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
  if (rkt == nullptr)
    return make_error(ec::config_error, "bad topic name '" + topic + "'");
  const rd_kafka_metadata_t* md = nullptr;
  auto err
      = rd_kafka_metadata(rk_, 0, rkt, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(ec::output_error, "cannot get metadata of topic " + topic
                                            + " from " + brokers_ + ": "
                                            + rd_kafka_err2str(err));
  caf::expected<int32_t> result = make_error(
      ec::config_error, "topic " + topic + " not found on " + brokers_);
  if (md->topic_cnt == 1) {
    auto& t = md->topics[0];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      result
          = make_error(ec::config_error, "topic " + topic + " on " + brokers_
                                             + ": " + rd_kafka_err2str(t.err));
    else
      result = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return result;
}

} // namespace crashwatch
