// How a cluster/guarded_scribe moves bytes: plain TCP (CAF's policy), or
// TLS through CAF's OpenSSL module (libcaf_openssl's session, as its own
// scribes use it). The TLS policy notes in the scribe's transport_state
// whether bytes went through (the handshake is done) and why the transport
// failed, so that a failed TLS handshake is logged with OpenSSL's reason
// ("certificate verify failed", "peer did not return a certificate"); CAF
// 0.17 only logs it at a level Debian's build compiles out.
#pragma once

#include <cstddef>
#include <string>

#include <caf/io/network/native_socket.hpp>
#include <caf/io/network/rw_state.hpp>
#include <caf/openssl/session.hpp>
#include <caf/policy/tcp.hpp>

namespace crashwatch {

/// What a policy tells its scribe.
struct transport_state {
  /// Why the transport failed ("" if it did not, or gave no reason).
  std::string error;
};

/// OpenSSL's queued errors of this thread as text ("" if none); clears
/// them.
std::string take_openssl_errors();

/// " (a peer without --tls-cert?)" when OpenSSL's `reason` says the peer
/// spoke something else than TLS; "" otherwise.
std::string tls_hint(const std::string& reason);

class plain_policy {
 public:
  static constexpr bool tls = false;

  explicit plain_policy(transport_state*) {}

  caf::io::network::rw_state read_some(size_t& result,
                                       caf::io::network::native_socket fd,
                                       void* buf, size_t len) {
    return caf::policy::tcp::read_some(result, fd, buf, len);
  }

  caf::io::network::rw_state write_some(size_t& result,
                                        caf::io::network::native_socket fd,
                                        const void* buf, size_t len) {
    return caf::policy::tcp::write_some(result, fd, buf, len);
  }

  bool must_read_more(caf::io::network::native_socket fd, size_t threshold) {
    return caf::policy::tcp::must_read_more(fd, threshold);
  }
};

class tls_policy {
 public:
  static constexpr bool tls = true;

  tls_policy(transport_state* state, caf::openssl::session_ptr session)
      : state_(state), session_(std::move(session)) {}

  caf::io::network::rw_state read_some(size_t& result,
                                       caf::io::network::native_socket fd,
                                       void* buf, size_t len) {
    return noted(session_->read_some(result, fd, buf, len));
  }

  caf::io::network::rw_state write_some(size_t& result,
                                        caf::io::network::native_socket fd,
                                        const void* buf, size_t len) {
    return noted(session_->write_some(result, fd, buf, len));
  }

  bool must_read_more(caf::io::network::native_socket fd, size_t threshold) {
    return session_->must_read_more(fd, threshold);
  }

 private:
  caf::io::network::rw_state noted(caf::io::network::rw_state state) {
    if (state == caf::io::network::rw_state::failure && state_->error.empty())
      state_->error = take_openssl_errors();
    return state;
  }

  transport_state* state_;
  caf::openssl::session_ptr session_;
};

} // namespace crashwatch
