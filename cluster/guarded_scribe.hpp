// A cluster connection as CAF's BASP broker sees it (a caf::io::scribe),
// with a cluster/frame_guard between the socket and the broker: every read
// the broker asked for (a header, then the payload it announced) is
// checked first. A read the guard refuses is named in the refusal log and
// handed to the broker as a malformed header, so that the broker closes the
// connection the way it closes any malformed one (and never allocates what
// a bad header announced). A peer that closes between a header and its
// payload is named too (a truncated message).
// `Policy` moves the bytes (cluster/transport_policies): plain TCP, or TLS
// (CAF's OpenSSL session). The rest mirrors CAF 0.17's own scribes
// (caf/io/network/scribe_impl.hpp and libcaf_openssl's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/io/network/default_multiplexer.hpp>
#include <caf/io/network/native_socket.hpp>
#include <caf/io/network/stream_impl.hpp>
#include <caf/io/scribe.hpp>

#include "cluster/frame_guard.hpp"
#include "cluster/refusal_log.hpp"
#include "cluster/transport_policies.hpp"

namespace crashwatch {

/// What the transport knows of one connection, whatever its policy.
class guarded_connection {
 public:
  virtual ~guarded_connection() = default;

  /// The peer's handshake arrived whole.
  virtual bool established() const = 0;

  /// The connection is closed (or refused).
  virtual bool closed() const = 0;

  /// Refuses the connection for `why` (logged under `kind`) and closes it.
  virtual void refuse(const std::string& kind, const std::string& why) = 0;
};

/// "10.0.0.5:51234" of the peer at the other end of `fd` ("" if unknown).
std::string peer_of(caf::io::network::native_socket fd);

template <class Policy>
class guarded_scribe final : public caf::io::scribe, public guarded_connection {
 public:
  /// `xs` construct the policy.
  template <class... Ts>
  guarded_scribe(caf::io::network::default_multiplexer& mpx,
                 caf::io::network::native_socket fd, connection_side side,
                 frame_limits limits, std::shared_ptr<refusal_log> log,
                 Ts&&... xs)
      : caf::io::scribe(caf::io::network::conn_hdl_from_socket(fd)),
        frames_(side, limits), log_(std::move(log)), peer_(peer_of(fd)),
        stream_(mpx, fd, &transport_, std::forward<Ts>(xs)...) {}

  bool consume(caf::execution_unit* ctx, const void* buf,
               size_t size) override {
    ++reads_;
    if (!refused_) {
      auto refusal = frames_.check(static_cast<const char*>(buf), size);
      if (refusal) {
        note_refusal(refusal.kind, refusal.why);
        // The broker reads its message from rd_buf(): an invalid
        // operation makes it a malformed header, which closes the
        // connection.
        rd_buf()[0] = static_cast<char>(0xff);
      }
    }
    return caf::io::scribe::consume(ctx, buf, size);
  }

  void configure_read(caf::io::receive_policy::config config) override {
    stream_.configure_read(config);
    if (!launched_) {
      launched_ = true;
      stream_.start(this);
      // A TLS session may still have to finish its handshake: one empty
      // write gets it going (a no-op for TCP).
      stream_.force_empty_write(this);
    }
  }

  void ack_writes(bool enable) override { stream_.ack_writes(enable); }

  std::vector<char>& wr_buf() override { return stream_.wr_buf(); }

  std::vector<char>& rd_buf() override { return stream_.rd_buf(); }

  void graceful_shutdown() override {
    closed_ = true;
    stream_.graceful_shutdown();
    detach(&stream_.backend(), false);
  }

  void flush() override { stream_.flush(this); }

  std::string addr() const override {
    auto x = caf::io::network::remote_addr_of_fd(stream_.fd());
    return x ? *x : std::string{};
  }

  uint16_t port() const override {
    auto x = caf::io::network::remote_port_of_fd(stream_.fd());
    return x ? *x : 0;
  }

  void add_to_loop() override { stream_.activate(this); }

  void remove_from_loop() override { stream_.passivate(); }

  bool established() const override { return frames_.established(); }

  bool closed() const override { return closed_ || detached(); }

  void refuse(const std::string& kind, const std::string& why) override {
    if (closed())
      return;
    note_refusal(kind, why);
    closed_ = true;
    stream_.graceful_shutdown();
    // The broker is told, as when the peer closes.
    detach(&stream_.backend(), true);
  }

 protected:
  /// Called when the connection ends without the broker closing it: the
  /// peer closed it, or reading or writing failed.
  caf::message detach_message() override {
    closed_ = true;
    if (!refused_) {
      auto& error = transport_.error;
      if (!error.empty() && reads_ == 0)
        note_refusal("tls " + error,
                     "TLS handshake failed: " + error + tls_hint(error));
      // No error and no message: the peer closed the TLS session
      // cleanly (close_notify) before sending anything, as a TLS health
      // check or `openssl s_client` does; like a plain connection closed
      // before its first byte, that is no refusal. (A peer that drops the
      // connection inside the handshake leaves OpenSSL's "unexpected eof"
      // and is named above.)
      else if (frames_.awaited() > 0)
        note_refusal("truncated", "closed the connection in the middle of a "
                                      + std::to_string(frames_.awaited())
                                      + "-byte message (truncated)");
      else if (!error.empty()
               && error.find("unexpected eof") == std::string::npos)
        // A peer that exits between messages without closing TLS (an
        // unexpected EOF) is no refusal.
        note_refusal("tls " + error, "TLS connection failed: " + error);
    }
    return caf::io::scribe::detach_message();
  }

 private:
  void note_refusal(const std::string& kind, const std::string& why) {
    refused_ = true;
    log_->refuse(peer_, kind, why);
  }

  frame_guard frames_;
  std::shared_ptr<refusal_log> log_;
  std::string peer_;
  /// Set by the policy (TLS: OpenSSL's reason of a failure).
  transport_state transport_;
  uint64_t reads_ = 0;
  bool launched_ = false;
  bool refused_ = false;
  bool closed_ = false;
  caf::io::network::stream_impl<Policy> stream_;
};

} // namespace crashwatch
