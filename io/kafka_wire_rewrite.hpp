// Rewrites the broker addresses named in Kafka responses, so that a broker
// behind a forwarder can tell its clients to come back through the
// forwarder (io/kafka_forwarder.hpp) instead of to its own address.
//
// Pure functions on whole frames (the int32 size prefix included); the
// responses that name brokers are Metadata (api key 3: the brokers array)
// and FindCoordinator (api key 10: the coordinator). Handled versions:
// Metadata v0-v12 (flexible from v9) and FindCoordinator v0-v4 (flexible
// from v3, batched from v4); librdkafka 2.0.2's mock cluster negotiates at
// most Metadata v2 and FindCoordinator v2. Everything after a rewritten
// field is copied verbatim and the size prefix is fixed up.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace crashwatch {

/// The api keys this file knows about.
inline constexpr int16_t kafka_api_metadata = 3;
inline constexpr int16_t kafka_api_find_coordinator = 10;
inline constexpr int16_t kafka_api_api_versions = 18;

/// Where clients are told to find a broker.
struct advertised_broker {
  std::string host;
  int32_t port = 0;
};

/// Given a broker as a response names it (node id, host, port): the address
/// to name instead, or nullopt to keep it.
using broker_address_map = std::function<std::optional<advertised_broker>(
    int32_t node_id, std::string_view host, int32_t port)>;

/// The start of a request's header (all versions share it).
struct kafka_request_header {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
};

/// The header of a request frame; nullopt when the frame is too short.
std::optional<kafka_request_header> read_request_header(std::string_view frame);

/// The correlation id of a response frame; nullopt when too short.
std::optional<int32_t> read_response_correlation_id(std::string_view frame);

/// True when responses to `api_key` name brokers (and may be rewritten).
bool names_brokers(int16_t api_key);

/// True when the response header of (api_key, api_version) ends with a
/// tagged-field section. Only for the api keys this file knows (others:
/// false); ApiVersions responses never have one, even in flexible versions.
bool response_header_has_tags(int16_t api_key, int16_t api_version);

/// What rewrite_broker_addresses made of a response.
struct wire_rewrite {
  /// The frame to send on: rewritten, or the response unchanged.
  std::string frame;
  /// Empty when the response was understood (rewritten or with nothing to
  /// rewrite); otherwise why it was passed through unchanged ("Metadata v13
  /// responses are not supported", "malformed Metadata v1 response").
  std::string problem;
};

/// The response `frame` to a request of (api_key, api_version) with each
/// broker address that `map` knows replaced by the one it returns. Api keys
/// that name no brokers come back unchanged, without a problem.
wire_rewrite rewrite_broker_addresses(int16_t api_key, int16_t api_version,
                                      std::string_view frame,
                                      const broker_address_map& map);

} // namespace crashwatch
