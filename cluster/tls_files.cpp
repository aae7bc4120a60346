#include "cluster/tls_files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <caf/actor_system_config.hpp>
#include <caf/openssl/manager.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "cluster/transport_policies.hpp"

namespace crashwatch {

namespace {

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* x) const { Free(x); }
};

using ctx_ptr = std::unique_ptr<SSL_CTX, freer<SSL_CTX, SSL_CTX_free>>;
using store_ctx_ptr
    = std::unique_ptr<X509_STORE_CTX,
                      freer<X509_STORE_CTX, X509_STORE_CTX_free>>;

/// "" when `path` can be opened for reading, else why not.
std::string unreadable(const std::string& path) {
  auto* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return std::string{std::strerror(errno)};
  std::fclose(f);
  return {};
}

std::string reason() {
  auto text = take_openssl_errors();
  return text.empty() ? "not a PEM file OpenSSL can read" : text;
}

} // namespace

std::string take_openssl_errors() {
  std::string text;
  while (auto code = ERR_get_error()) {
    const char* why = ERR_reason_error_string(code);
    if (!text.empty())
      text += "; ";
    if (why != nullptr) {
      text += why;
    } else {
      char buf[256];
      ERR_error_string_n(code, buf, sizeof(buf));
      text += buf;
    }
  }
  return text;
}

std::string tls_hint(const std::string& reason) {
  for (auto* plain : {"wrong version number", "http request",
                      "packet length too long", "unexpected eof"})
    if (reason.find(plain) != std::string::npos)
      return " (a peer without --tls-cert?)";
  return {};
}

std::string check_tls_files(const tls_files& files) {
  ERR_clear_error();
  for (auto* file : {&files.cert, &files.key, &files.ca}) {
    auto why = unreadable(*file);
    if (!why.empty())
      return *file + ": " + why;
  }
  ctx_ptr ctx{SSL_CTX_new(TLS_method())};
  if (!ctx)
    return "cannot make a TLS context: " + reason();
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), files.cert.c_str()) != 1)
    return "--tls-cert " + files.cert + ": no certificate (" + reason() + ")";
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), files.key.c_str(),
                                  SSL_FILETYPE_PEM)
      != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
      return "--tls-key " + files.key + " does not belong to --tls-cert "
             + files.cert;
    return "--tls-key " + files.key + ": no unencrypted private key ("
           + reason() + ")";
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return "--tls-key " + files.key + " does not belong to --tls-cert "
           + files.cert;
  if (SSL_CTX_load_verify_locations(ctx.get(), files.ca.c_str(), nullptr) != 1)
    return "--tls-ca " + files.ca + ": no CA certificate (" + reason() + ")";
  // Peers check this node's certificate against the same CA: one the CA
  // did not sign (or an expired one) would be refused by every peer.
  STACK_OF(X509)* chain = nullptr;
  SSL_CTX_get0_chain_certs(ctx.get(), &chain);
  store_ctx_ptr check{X509_STORE_CTX_new()};
  if (!check
      || X509_STORE_CTX_init(check.get(), SSL_CTX_get_cert_store(ctx.get()),
                             SSL_CTX_get0_certificate(ctx.get()), chain)
             != 1)
    return "cannot check --tls-cert: " + reason();
  if (X509_verify_cert(check.get()) != 1)
    return "--tls-cert " + files.cert + " is not valid under --tls-ca "
           + files.ca + " ("
           + X509_verify_cert_error_string(
               X509_STORE_CTX_get_error(check.get()))
           + ")";
  ERR_clear_error();
  return {};
}

void configure_tls(caf::actor_system_config& cfg, const tls_files& files) {
  if (!files.enabled())
    return;
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = files.cert;
  cfg.openssl_key = files.key;
  cfg.openssl_cafile = files.ca;
}

} // namespace crashwatch
