#include <catch2/catch.hpp>

#include "io/kafka_config.hpp"

using namespace crashwatch;

TEST_CASE("librdkafka's security.protocol guess is left out",
          "[kafka_config]") {
  // librdkafka 2.0's texts for a disconnect soon after connecting, which a
  // broker outage produces as well as a wrong protocol.
  CHECK(without_protocol_guess(
            "127.0.0.1:9092/1: Disconnected: verify that security.protocol "
            "is correctly configured, broker might require SASL "
            "authentication (after 3ms in state UP)")
        == "127.0.0.1:9092/1: Disconnected (after 3ms in state UP)");
  CHECK(without_protocol_guess(
            "b:1/bootstrap: Disconnected while requesting ApiVersion: might "
            "be caused by incorrect security.protocol configuration "
            "(connecting to a SSL listener?) or broker version is < 0.10 "
            "(see api.version.request) (after 0ms in state APIVERSION_QUERY)")
        == "b:1/bootstrap: Disconnected while requesting ApiVersion (after "
           "0ms in state APIVERSION_QUERY)");
  // Anything else is kept as it is.
  CHECK(without_protocol_guess("b:1/1: Connect to ipv4#127.0.0.1:1 failed: "
                               "Connection refused (after 0ms in state "
                               "CONNECT)")
        == "b:1/1: Connect to ipv4#127.0.0.1:1 failed: Connection refused "
           "(after 0ms in state CONNECT)");
  CHECK(without_protocol_guess("") == "");
}
