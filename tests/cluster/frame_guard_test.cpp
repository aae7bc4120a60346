// The frame guard against headers made the way a peer makes them: CAF's own
// binary_serializer over caf::io::basp::header (what every CAF 0.17 node
// sends), and raw bytes for what no CAF node sends.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include <caf/binary_serializer.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/io/basp/message_type.hpp>

#include "cluster/frame_guard.hpp"

using namespace crashwatch;
using caf::io::basp::message_type;

namespace {

std::vector<char> header(message_type op, uint32_t payload,
                         uint64_t op_data = 0, uint64_t dest = 0) {
  caf::io::basp::header hdr{op, 0, payload, op_data, 0, dest};
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(hdr));
  REQUIRE(buf.size() == basp_header_bytes);
  return buf;
}

frame_refusal feed(frame_guard& g, const std::vector<char>& bytes) {
  return g.check(bytes.data(), bytes.size());
}

constexpr uint64_t basp_version = 3;

} // namespace

TEST_CASE("a peer's handshake, then messages of any allowed size pass",
          "[frame_guard]") {
  frame_guard g{connection_side::accepted, frame_limits{}};
  CHECK_FALSE(g.established());
  CHECK_FALSE(feed(g, header(message_type::client_handshake, 40)));
  CHECK(g.awaited() == 40);
  CHECK_FALSE(feed(g, std::vector<char>(40, 'x')));
  CHECK(g.established());
  CHECK(g.awaited() == 0);
  CHECK_FALSE(feed(g, header(message_type::direct_message, 2 << 20, 0, 7)));
  CHECK_FALSE(feed(g, std::vector<char>(2 << 20)));
  CHECK_FALSE(feed(g, header(message_type::heartbeat, 0)));
}

TEST_CASE("the connecting side expects the server handshake of BASP 3",
          "[frame_guard]") {
  frame_guard ok{connection_side::connected, frame_limits{}};
  CHECK_FALSE(
      feed(ok, header(message_type::server_handshake, 100, basp_version)));
  CHECK_FALSE(feed(ok, std::vector<char>(100)));
  CHECK(ok.established());
  frame_guard old{connection_side::connected, frame_limits{}};
  auto r = feed(old, header(message_type::server_handshake, 100, 2));
  REQUIRE(r);
  CHECK(std::string{r.kind} == "version");
  CHECK(r.why.find("BASP version 2") != std::string::npos);
}

TEST_CASE("a huge message is refused before anything is allocated for it",
          "[frame_guard]") {
  frame_limits limits;
  limits.handshake_bytes = 1000;
  limits.message_bytes = 5000;
  frame_guard g{connection_side::accepted, limits};
  auto r = feed(g, header(message_type::client_handshake, 1u << 30));
  REQUIRE(r);
  CHECK(std::string{r.kind} == "oversized");
  CHECK(r.why.find("1073741824") != std::string::npos);
  // After the handshake the larger limit holds, and its edge passes.
  frame_guard h{connection_side::accepted, limits};
  REQUIRE_FALSE(feed(h, header(message_type::client_handshake, 1000)));
  REQUIRE_FALSE(feed(h, std::vector<char>(1000)));
  CHECK_FALSE(feed(h, header(message_type::direct_message, 5000, 0, 1)));
  REQUIRE_FALSE(feed(h, std::vector<char>(5000)));
  CHECK(feed(h, header(message_type::direct_message, 5001, 0, 1)));
}

TEST_CASE("only the handshake may come first", "[frame_guard]") {
  frame_guard g{connection_side::accepted, frame_limits{}};
  auto r = feed(g, header(message_type::direct_message, 10, 0, 1));
  REQUIRE(r);
  CHECK(std::string{r.kind} == "order");
  frame_guard s{connection_side::accepted, frame_limits{}};
  // A server handshake sent to the accepting side is out of order too.
  CHECK(feed(s, header(message_type::server_handshake, 10, basp_version)));
}

TEST_CASE("garbage, HTTP and TLS are named for what they look like",
          "[frame_guard]") {
  auto check = [](std::string bytes, const char* kind) {
    bytes.resize(basp_header_bytes, '\0');
    frame_guard g{connection_side::accepted, frame_limits{}};
    auto r = g.check(bytes.data(), bytes.size());
    REQUIRE(r);
    CHECK(std::string{r.kind} == kind);
  };
  check(std::string(32, '\xff'), "malformed");
  check("GET /metrics HTTP/1.1\r\nHost: x\r\n", "http");
  check(std::string{"\x16\x03\x01\x02\x00\x01\x00", 7}, "tls");
  // A client handshake with actor ids set is malformed BASP.
  caf::io::basp::header hdr{message_type::client_handshake, 0, 0, 0, 5, 5};
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(hdr));
  frame_guard g{connection_side::accepted, frame_limits{}};
  auto r = feed(g, buf);
  REQUIRE(r);
  CHECK(std::string{r.kind} == "malformed");
}

TEST_CASE("a read of the wrong size is refused", "[frame_guard]") {
  frame_guard g{connection_side::accepted, frame_limits{}};
  std::vector<char> short_header(20);
  CHECK(std::string{feed(g, short_header).kind} == "size");
  frame_guard p{connection_side::accepted, frame_limits{}};
  REQUIRE_FALSE(feed(p, header(message_type::client_handshake, 40)));
  CHECK(std::string{feed(p, std::vector<char>(39)).kind} == "size");
}
