// io/kafka_wire_rewrite: Metadata and FindCoordinator responses built by
// hand, byte for byte, for every version handled; the rewritten frame must
// equal the same response built with the advertised addresses (so the
// fields after them and the size prefix are checked too).
#include <catch2/catch.hpp>

#include "io/kafka_wire_rewrite.hpp"

using namespace crashwatch;

namespace {

/// A frame's bytes, big-endian, as Kafka writes them.
class frame_builder {
 public:
  frame_builder& i8(int8_t v) {
    body_ += static_cast<char>(v);
    return *this;
  }
  frame_builder& i16(int16_t v) {
    auto u = static_cast<uint16_t>(v);
    body_ += static_cast<char>(u >> 8);
    body_ += static_cast<char>(u & 0xff);
    return *this;
  }
  frame_builder& i32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    for (int shift = 24; shift >= 0; shift -= 8)
      body_ += static_cast<char>((u >> shift) & 0xff);
    return *this;
  }
  frame_builder& uvarint(uint32_t v) {
    while (v >= 0x80) {
      body_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    body_ += static_cast<char>(v);
    return *this;
  }
  /// A string, compact (flexible versions) or not.
  frame_builder& str(std::string_view s, bool compact) {
    if (compact)
      uvarint(static_cast<uint32_t>(s.size() + 1));
    else
      i16(static_cast<int16_t>(s.size()));
    body_.append(s);
    return *this;
  }
  frame_builder& null_str(bool compact) {
    return compact ? uvarint(0) : i16(-1);
  }
  frame_builder& array(int32_t n, bool compact) {
    return compact ? uvarint(static_cast<uint32_t>(n + 1)) : i32(n);
  }
  /// A tagged-field section holding one field (tag 7, 3 bytes) or none.
  frame_builder& tags(bool one) {
    if (!one)
      return uvarint(0);
    return uvarint(1).uvarint(7).uvarint(3).raw("xyz");
  }
  frame_builder& raw(std::string_view bytes) {
    body_.append(bytes);
    return *this;
  }
  /// The frame: int32 size, then the body.
  std::string frame() const {
    frame_builder sized;
    sized.i32(static_cast<int32_t>(body_.size()));
    return sized.body_ + body_;
  }

 private:
  std::string body_;
};

/// The mock's brokers at 127.0.0.1:40001 and :40002, advertised as
/// broker:9092 and broker:9093; a third (40003) is unknown.
std::optional<advertised_broker> test_map(int32_t, std::string_view host,
                                          int32_t port) {
  if (host != "127.0.0.1")
    return std::nullopt;
  if (port == 40001)
    return advertised_broker{"broker", 9092};
  if (port == 40002)
    return advertised_broker{"broker", 9093};
  return std::nullopt;
}

struct address {
  int32_t node;
  std::string host;
  int32_t port;
};

/// A Metadata response of `version` naming `brokers`, with a cluster id,
/// controller and one topic of two partitions after them (v1+ racks: one
/// null, one "r2").
std::string metadata(int16_t version, const std::vector<address>& brokers) {
  bool flex = version >= 9;
  frame_builder f;
  f.i32(77); // correlation id
  if (flex)
    f.tags(true);
  if (version >= 3)
    f.i32(5); // throttle
  f.array(static_cast<int32_t>(brokers.size()), flex);
  for (size_t i = 0; i < brokers.size(); ++i) {
    f.i32(brokers[i].node).str(brokers[i].host, flex).i32(brokers[i].port);
    if (version >= 1) {
      if (i == 0)
        f.null_str(flex);
      else
        f.str("r2", flex);
    }
    if (flex)
      f.tags(i == 1);
  }
  if (version >= 2)
    f.str("mockCluster!", flex);
  if (version >= 1)
    f.i32(1); // controller
  // The topic: copied verbatim, whatever it holds.
  f.array(1, flex).i16(0).str("logs", flex);
  if (version >= 10)
    f.raw(std::string(16, '\x42')); // topic id
  if (version >= 1)
    f.i8(0);
  f.array(2, flex);
  for (int32_t p = 0; p < 2; ++p) {
    f.i16(0).i32(p).i32(p + 1);
    if (version >= 7)
      f.i32(-1);
    f.array(1, flex).i32(p + 1).array(1, flex).i32(p + 1);
    if (version >= 5)
      f.array(0, flex);
    if (flex)
      f.tags(false);
  }
  if (version >= 8)
    f.i32(INT32_MIN);
  if (flex)
    f.tags(false);
  if (version >= 8 && version <= 10)
    f.i32(INT32_MIN);
  if (flex)
    f.tags(true);
  return f.frame();
}

/// A FindCoordinator response of `version` naming `to` (v4: for two keys,
/// the second naming `second`), or an error without a host when `to` is
/// null.
std::string find_coordinator(int16_t version, const address* to,
                             const address* second = nullptr) {
  bool flex = version >= 3;
  frame_builder f;
  f.i32(78);
  if (flex)
    f.tags(true);
  if (version >= 1)
    f.i32(0);
  if (version <= 3) {
    f.i16(to ? 0 : 15);
    if (version >= 1) {
      if (to)
        f.null_str(flex);
      else
        f.str("Coordinator not available", flex);
    }
    if (to)
      f.i32(to->node).str(to->host, flex).i32(to->port);
    else
      f.i32(-1).null_str(flex).i32(-1);
    if (flex)
      f.tags(false);
    return f.frame();
  }
  f.array(2, true);
  f.str("group-a", true).i32(to->node).str(to->host, true).i32(to->port);
  f.i16(0).null_str(true).tags(true);
  f.str("group-b", true).i32(second->node).str(second->host, true);
  f.i32(second->port).i16(0).null_str(true).tags(false);
  f.tags(false);
  return f.frame();
}

const address mock1{1, "127.0.0.1", 40001};
const address mock2{2, "127.0.0.1", 40002};
const address mock3{3, "127.0.0.1", 40003};
const address adv1{1, "broker", 9092};
const address adv2{2, "broker", 9093};

} // namespace

TEST_CASE("Metadata responses name the advertised brokers, every version",
          "[kafka_wire_rewrite]") {
  for (int16_t v = 0; v <= 12; ++v) {
    INFO("Metadata v" << v);
    auto in = metadata(v, {mock1, mock2, mock3});
    auto out = rewrite_broker_addresses(kafka_api_metadata, v, in, test_map);
    CHECK(out.problem.empty());
    // The unknown third broker stays as it was.
    CHECK(out.frame == metadata(v, {adv1, adv2, mock3}));
  }
}

TEST_CASE("Metadata: long advertised hosts need two-byte compact lengths",
          "[kafka_wire_rewrite]") {
  std::string long_host(200, 'h');
  auto map = [&](int32_t, std::string_view, int32_t port) {
    return std::optional<advertised_broker>{{long_host, port + 1}};
  };
  for (int16_t v : {2, 9, 12}) {
    INFO("Metadata v" << v);
    auto out = rewrite_broker_addresses(kafka_api_metadata, v,
                                        metadata(v, {mock1, mock2}), map);
    CHECK(out.problem.empty());
    CHECK(out.frame
          == metadata(v, {{1, long_host, 40002}, {2, long_host, 40003}}));
  }
}

TEST_CASE("FindCoordinator responses name the advertised coordinator",
          "[kafka_wire_rewrite]") {
  for (int16_t v = 0; v <= 3; ++v) {
    INFO("FindCoordinator v" << v);
    auto out = rewrite_broker_addresses(kafka_api_find_coordinator, v,
                                        find_coordinator(v, &mock2), test_map);
    CHECK(out.problem.empty());
    CHECK(out.frame == find_coordinator(v, &adv2));
  }
  auto out
      = rewrite_broker_addresses(kafka_api_find_coordinator, 4,
                                 find_coordinator(4, &mock1, &mock2), test_map);
  CHECK(out.problem.empty());
  CHECK(out.frame == find_coordinator(4, &adv1, &adv2));
}

TEST_CASE("FindCoordinator errors without a host pass unchanged",
          "[kafka_wire_rewrite]") {
  for (int16_t v = 0; v <= 3; ++v) {
    INFO("FindCoordinator v" << v);
    auto in = find_coordinator(v, nullptr);
    auto out
        = rewrite_broker_addresses(kafka_api_find_coordinator, v, in, test_map);
    CHECK(out.problem.empty());
    CHECK(out.frame == in);
  }
}

TEST_CASE("responses that name no brokers pass unchanged",
          "[kafka_wire_rewrite]") {
  auto produce = frame_builder{}.i32(9).i32(1).str("logs", false).frame();
  auto out = rewrite_broker_addresses(0, 7, produce, test_map);
  CHECK(out.problem.empty());
  CHECK(out.frame == produce);
}

TEST_CASE("unsupported versions and malformed responses pass unchanged, "
          "with the reason",
          "[kafka_wire_rewrite]") {
  auto v13 = metadata(12, {mock1});
  auto out = rewrite_broker_addresses(kafka_api_metadata, 13, v13, test_map);
  CHECK(out.frame == v13);
  CHECK(out.problem == "Metadata v13 responses are not supported");
  out = rewrite_broker_addresses(kafka_api_find_coordinator, 5,
                                 find_coordinator(3, &mock1), test_map);
  CHECK(out.problem == "FindCoordinator v5 responses are not supported");

  // Cut inside the brokers array.
  auto cut = metadata(1, {mock1, mock2}).substr(0, 30);
  out = rewrite_broker_addresses(kafka_api_metadata, 1, cut, test_map);
  CHECK(out.frame == cut);
  CHECK(out.problem == "malformed Metadata v1 response");
  // A size prefix that does not match the frame.
  auto bad_size = metadata(2, {mock1}) + "x";
  out = rewrite_broker_addresses(kafka_api_metadata, 2, bad_size, test_map);
  CHECK(out.frame == bad_size);
  CHECK(out.problem == "malformed Metadata v2 response");
  // Bytes left over after a FindCoordinator's last field.
  auto extra = frame_builder{}
                   .i32(78)
                   .i16(0)
                   .i32(1)
                   .str("127.0.0.1", false)
                   .i32(40001)
                   .i32(0)
                   .frame();
  out = rewrite_broker_addresses(kafka_api_find_coordinator, 0, extra,
                                 test_map);
  CHECK(out.frame == extra);
  CHECK(out.problem == "malformed FindCoordinator v0 response");
  // A frame too short for a header.
  out = rewrite_broker_addresses(kafka_api_metadata, 0,
                                 std::string_view{"\0\0", 2}, test_map);
  CHECK(out.problem == "malformed Metadata v0 response");
}

TEST_CASE("request and response headers", "[kafka_wire_rewrite]") {
  auto request = frame_builder{}
                     .i16(kafka_api_metadata)
                     .i16(2)
                     .i32(12345)
                     .str("rdkafka", false)
                     .frame();
  auto header = read_request_header(request);
  REQUIRE(header);
  CHECK(header->api_key == kafka_api_metadata);
  CHECK(header->api_version == 2);
  CHECK(header->correlation_id == 12345);
  CHECK_FALSE(read_request_header(request.substr(0, 11)));
  auto response = frame_builder{}.i32(-7).frame();
  CHECK(read_response_correlation_id(response) == -7);
  CHECK_FALSE(read_response_correlation_id(response.substr(0, 7)));
  CHECK(names_brokers(kafka_api_metadata));
  CHECK(names_brokers(kafka_api_find_coordinator));
  CHECK_FALSE(names_brokers(kafka_api_api_versions));
  // ApiVersions v3 is a flexible version, but its response header is not.
  CHECK_FALSE(response_header_has_tags(kafka_api_api_versions, 3));
  CHECK(response_header_has_tags(kafka_api_metadata, 9));
  CHECK_FALSE(response_header_has_tags(kafka_api_metadata, 8));
  CHECK(response_header_has_tags(kafka_api_find_coordinator, 3));
  CHECK_FALSE(response_header_has_tags(kafka_api_find_coordinator, 2));
}
