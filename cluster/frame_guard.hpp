// Checks what a peer sends on a cluster connection before CAF's BASP broker
// reads it (cluster/guarded_scribe feeds it every read the broker asked
// for). CAF 0.17 trusts the 32-byte BASP header: one that announces a 1 GiB
// message makes the node allocate 1 GiB, and a handshake of another BASP
// version is never checked (docs/CAF-REMOTE facts in docs/CLUSTER.md). The
// guard refuses, with one line that says why:
// * a header CAF would take for malformed (garbage, an HTTP request, a TLS
//   client on a port without TLS);
// * anything but the handshake as a connection's first message;
// * a server handshake of another BASP version;
// * a message longer than the limit: small until the handshake is done (a
//   handshake is a few hundred bytes), large after it.
// Pure: no sockets, no actors; fuzzed by fuzz/ and tested in
// tests/cluster/frame_guard_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace crashwatch {

/// The size of a BASP header (CAF 0.17: operation, padding, flags, payload
/// length, operation data, source and destination actor).
constexpr size_t basp_header_bytes = 32;

/// The longest message a peer may announce.
struct frame_limits {
  /// Before the handshake completes: a handshake carries the node id, the
  /// application ids and the published actor's interface (~2 KiB).
  uint32_t handshake_bytes = 64 << 10;
  /// After it: a batch of one 2 MiB chunk's records, or its dead letters
  /// (each up to --max-record-bytes) are the largest messages.
  uint32_t message_bytes = 256 << 20;
};

/// Which end of the connection this node is: `accepted` on its cluster
/// port (the peer sends a client handshake first), `connected` to a peer's
/// port (the peer sends a server handshake first).
enum class connection_side { accepted, connected };

/// Why a read is refused: `kind` names the rule ("malformed", "tls",
/// "http", "order", "version", "oversized", "size"; refusals are logged once
/// per kind and host), `why` says it for the log ("" when the read is fine).
struct frame_refusal {
  const char* kind = "";
  std::string why;

  explicit operator bool() const { return !why.empty(); }
};

/// One connection's framing: header, payload, header, ...
class frame_guard {
 public:
  frame_guard(connection_side side, frame_limits limits)
      : side_(side), limits_(limits) {}

  /// Checks one complete read (a header, or the payload it announced):
  /// empty to pass it on, else why the connection must be refused.
  frame_refusal check(const char* data, size_t size);

  /// The peer's handshake arrived whole.
  bool established() const { return established_; }

  /// Bytes of payload the last header announced and that have not arrived
  /// (0 between messages).
  uint32_t awaited() const { return awaited_; }

 private:
  frame_refusal check_header(const char* data, size_t size);

  connection_side side_;
  frame_limits limits_;
  bool established_ = false;
  /// The header read last announced a payload of this size.
  uint32_t awaited_ = 0;
  /// ... and was a handshake.
  bool awaited_handshake_ = false;
};

/// The refusal of an unreadable header that looks like another protocol
/// (a TLS handshake, an HTTP request); empty when it looks like nothing
/// known.
frame_refusal guess_foreign_protocol(const char* data, size_t size);

} // namespace crashwatch
