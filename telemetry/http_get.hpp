// The client side of telemetry: `crashwatch inspect` reads a process's
// /status over HTTP with CivetWeb's client (the library the server runs
// on), so that nothing but the request line is written by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/expected.hpp>

namespace crashwatch {

/// GET http://host:port/path: the body of a 200 answer; an error naming
/// the address for anything else (unreachable, no answer within `timeout`,
/// another status).
caf::expected<std::string> http_get(const std::string& host, uint16_t port,
                                    const std::string& path,
                                    std::chrono::milliseconds timeout);

} // namespace crashwatch
