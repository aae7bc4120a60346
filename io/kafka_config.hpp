// Building librdkafka configurations from crashwatch's options: a bootstrap
// list plus the user's `-X key=value` properties, where every property
// librdkafka rejects becomes a config_error naming it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include <librdkafka/rdkafka.h>

namespace crashwatch {

/// A librdkafka configuration property (`-X key=value`).
using kafka_property = std::pair<std::string, std::string>;

/// Parses the argument of `-X` ("key=value"; the value may be empty and may
/// hold '='). Fails with a config_error that quotes `text` when there is no
/// '=' or no key.
caf::expected<kafka_property> parse_kafka_setting(const std::string& text);

/// Owns an rd_kafka_conf_t until it is handed to rd_kafka_new().
class kafka_conf {
 public:
  explicit kafka_conf(rd_kafka_conf_t* conf) : conf_(conf) {}

  ~kafka_conf() {
    if (conf_ != nullptr)
      rd_kafka_conf_destroy(conf_);
  }

  kafka_conf(kafka_conf&& other) noexcept : conf_(other.release()) {}

  kafka_conf& operator=(kafka_conf&& other) noexcept {
    if (this != &other) {
      if (conf_ != nullptr)
        rd_kafka_conf_destroy(conf_);
      conf_ = other.release();
    }
    return *this;
  }

  kafka_conf(const kafka_conf&) = delete;
  kafka_conf& operator=(const kafka_conf&) = delete;

  /// The configuration, still owned by this object.
  rd_kafka_conf_t* get() const { return conf_; }

  /// Gives up ownership (rd_kafka_new() takes it on success).
  rd_kafka_conf_t* release() {
    auto* result = conf_;
    conf_ = nullptr;
    return result;
  }

  /// Sets one property; a rejection becomes
  /// config_error "-X key=value: <librdkafka's message>".
  caf::error set(const std::string& key, const std::string& value);

 private:
  rd_kafka_conf_t* conf_;
};

/// A configuration with `bootstrap.servers` = `brokers`, then `defaults`,
/// then the user's `properties` (applied last, so they win). Every rejected
/// property fails the whole call with a config_error naming it.
caf::expected<kafka_conf>
make_kafka_conf(const std::string& brokers,
                const std::vector<kafka_property>& defaults,
                const std::vector<kafka_property>& properties);

/// Silences librdkafka's own log lines (it prints every failed reconnect on
/// stderr) unless `properties` ask for them with `debug` or `log_level`:
/// crashwatch reports what matters in its own errors and rate-limited lines.
void quiet_kafka_logs(rd_kafka_conf_t* conf,
                      const std::vector<kafka_property>& properties);

/// librdkafka's error text without its guess that security.protocol is
/// wrong, which it adds to a disconnect soon after connecting (or during
/// the ApiVersion request): "Disconnected: verify that security.protocol
/// is correctly configured, broker might require SASL authentication (after
/// 3ms ...)" becomes "Disconnected (after 3ms ...)". For a client that has
/// already talked to the broker with this protocol the guess is wrong: the
/// broker went away.
std::string without_protocol_guess(const std::string& reason);

} // namespace crashwatch
