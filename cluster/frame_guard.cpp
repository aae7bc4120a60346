#include "cluster/frame_guard.hpp"

#include <cstring>

#include <caf/binary_deserializer.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/io/basp/message_type.hpp>
#include <caf/io/basp/version.hpp>

namespace crashwatch {

namespace {

using caf::io::basp::message_type;

} // namespace

frame_refusal guess_foreign_protocol(const char* data, size_t size) {
  auto starts = [&](const char* prefix) {
    auto n = std::strlen(prefix);
    return size >= n && std::memcmp(data, prefix, n) == 0;
  };
  // A TLS record: content type 22 (handshake), version 3.x.
  if (size >= 3 && data[0] == 0x16 && data[1] == 0x03)
    return {"tls", "sent a TLS handshake, not CAF's BASP (the peer uses "
                   "--tls-cert, this node does not)"};
  for (auto* method : {"GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "HTTP/"})
    if (starts(method))
      return {"http", "sent an HTTP request, not CAF's BASP"};
  return {};
}

frame_refusal frame_guard::check(const char* data, size_t size) {
  if (awaited_ == 0)
    return check_header(data, size);
  if (size != awaited_)
    return {"size", "sent " + std::to_string(size) + " bytes of a "
                        + std::to_string(awaited_) + "-byte message"};
  awaited_ = 0;
  if (awaited_handshake_)
    established_ = true;
  return {};
}

frame_refusal frame_guard::check_header(const char* data, size_t size) {
  if (size != basp_header_bytes)
    return {"size", "sent " + std::to_string(size) + " bytes where a "
                        + std::to_string(basp_header_bytes)
                        + "-byte header belongs"};
  caf::io::basp::header hdr;
  caf::binary_deserializer source{nullptr, data, size};
  if (source(hdr) || !caf::io::basp::valid(hdr)) {
    if (auto foreign = guess_foreign_protocol(data, size))
      return foreign;
    return {"malformed", "sent bytes that are no BASP header (garbage, or "
                         "another protocol)"};
  }
  auto expected = side_ == connection_side::accepted
                      ? message_type::client_handshake
                      : message_type::server_handshake;
  if (!established_ && hdr.operation != expected)
    return {"order", "sent a " + to_string(hdr.operation) + " before its "
                         + to_string(expected)};
  if (hdr.operation == message_type::server_handshake
      && hdr.operation_data != caf::io::basp::version)
    return {"version",
            "speaks BASP version " + std::to_string(hdr.operation_data)
                + " (this node speaks " + std::to_string(caf::io::basp::version)
                + ": another CAF version)"};
  auto limit = established_ ? limits_.message_bytes : limits_.handshake_bytes;
  if (hdr.payload_len > limit)
    return {"oversized",
            "announced a " + std::to_string(hdr.payload_len)
                + "-byte message (at most " + std::to_string(limit) + " bytes "
                + (established_ ? "per message" : "before the handshake")
                + ")"};
  bool handshake = hdr.operation == expected;
  if (hdr.payload_len == 0) {
    if (handshake)
      established_ = true;
    return {};
  }
  awaited_ = hdr.payload_len;
  awaited_handshake_ = handshake;
  return {};
}

} // namespace crashwatch
