#include "io/kafka_config.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace crashwatch {

caf::expected<kafka_property> parse_kafka_setting(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos)
    return make_error(ec::config_error, "-X " + text
                                            + ": expected key=value (a "
                                              "librdkafka property)");
  if (eq == 0)
    return make_error(ec::config_error,
                      "-X " + text + ": the property name before '=' is empty");
  return kafka_property{text.substr(0, eq), text.substr(eq + 1)};
}

caf::error kafka_conf::set(const std::string& key, const std::string& value) {
  char errstr[512];
  errstr[0] = '\0';
  if (rd_kafka_conf_set(conf_, key.c_str(), value.c_str(), errstr,
                        sizeof errstr)
      != RD_KAFKA_CONF_OK)
    return make_error(ec::config_error,
                      "-X " + key + "=" + value + ": " + errstr);
  return caf::none;
}

caf::expected<kafka_conf>
make_kafka_conf(const std::string& brokers,
                const std::vector<kafka_property>& defaults,
                const std::vector<kafka_property>& properties) {
  kafka_conf conf{rd_kafka_conf_new()};
  if (auto err = conf.set("bootstrap.servers", brokers))
    return err;
  for (auto& [key, value] : defaults)
    if (auto err = conf.set(key, value))
      return err;
  for (auto& [key, value] : properties)
    if (auto err = conf.set(key, value))
      return err;
  return conf;
}

void quiet_kafka_logs(rd_kafka_conf_t* conf,
                      const std::vector<kafka_property>& properties) {
  bool wants_logs
      = std::any_of(properties.begin(), properties.end(), [](auto& p) {
          return p.first == "debug" || p.first == "log_level";
        });
  if (!wants_logs)
    rd_kafka_conf_set_log_cb(
        conf, [](const rd_kafka_t*, int, const char*, const char*) {});
}

std::string without_protocol_guess(const std::string& reason) {
  // librdkafka 2.0 (rdkafka_broker.c); the text up to the guess is kept,
  // and what follows it (the "(after N ms in state ...)" part).
  static constexpr const char* guesses[] = {
      ": verify that security.protocol is correctly configured, broker might "
      "require SASL authentication",
      ": might be caused by incorrect security.protocol configuration "
      "(connecting to a SSL listener?) or broker version is < 0.10 (see "
      "api.version.request)",
  };
  for (auto* guess : guesses)
    if (auto at = reason.find(guess); at != std::string::npos)
      return reason.substr(0, at)
             + reason.substr(at + std::char_traits<char>::length(guess));
  return reason;
}

} // namespace crashwatch
