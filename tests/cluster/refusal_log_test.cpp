#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/refusal_log.hpp"

using namespace crashwatch;

TEST_CASE("each kind of refusal is named once per host, all are counted",
          "[refusal_log]") {
  std::vector<std::string> lines;
  refusal_log log{"crashwatch node c: ",
                  [&](const std::string& line) { lines.push_back(line); }};
  log.refuse("10.0.0.5:4000", "oversized", "announced a 1 GiB message");
  log.refuse("10.0.0.5:4001", "oversized", "announced a 2 GiB message");
  log.refuse("10.0.0.5:4002", "malformed", "garbage");
  log.refuse("10.0.0.6:4000", "oversized", "announced a 1 GiB message");
  log.refuse("[::1]:4000", "tls", "certificate verify failed");
  log.refuse("[::1]:4001", "tls", "certificate verify failed");
  CHECK(log.refused() == 6);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]
        == "crashwatch node c: refused the cluster connection with "
           "10.0.0.5:4000: announced a 1 GiB message (further such "
           "refusals from this host are not logged)\n");
  CHECK(lines[3].find("[::1]:4000: certificate verify failed")
        != std::string::npos);
}

TEST_CASE("a flood from many hosts names at most so many", "[refusal_log]") {
  std::vector<std::string> lines;
  refusal_log log{
      "n: ", [&](const std::string& line) { lines.push_back(line); }, 3};
  for (int i = 0; i < 50; ++i)
    log.refuse("10.0.1." + std::to_string(i) + ":1", "flood", "too many");
  CHECK(log.refused() == 50);
  REQUIRE(lines.size() == 4);
  CHECK(lines[3].find("further refusals are counted, not named")
        != std::string::npos);
}

TEST_CASE("the host of a peer address", "[refusal_log]") {
  CHECK(host_of_peer("10.0.0.5:4000") == "10.0.0.5");
  CHECK(host_of_peer("[::1]:4000") == "::1");
  CHECK(host_of_peer("") == "");
}
