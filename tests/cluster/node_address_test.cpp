#include <catch2/catch.hpp>

#include "cluster/node_address.hpp"

using namespace crashwatch;

TEST_CASE("node addresses are HOST:PORT", "[node_address]") {
  auto a = parse_node_address("aggregator-1:4000");
  REQUIRE(a);
  CHECK(a->host == "aggregator-1");
  CHECK(a->port == 4000);
  auto v6 = parse_node_address("[::1]:4000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(to_string(*v6) == "[::1]:4000");
  CHECK(to_string(*a) == "aggregator-1:4000");
  for (auto bad : {"host", "host:", ":4000", "host:0", "host:65536", "host:4x",
                   "::1:4000", "host:123456"})
    CHECK_FALSE(parse_node_address(bad));
  // Listening may leave host and port to the system.
  CHECK(parse_node_address("0.0.0.0:0", true));
  CHECK(parse_node_address(":4000", true));
}

TEST_CASE("wildcard hosts", "[node_address]") {
  for (auto host : {"", "0.0.0.0", "::", "*"})
    CHECK(is_wildcard_host(host));
  CHECK_FALSE(is_wildcard_host("127.0.0.1"));
}
