#include "telemetry/http_get.hpp"

#include <memory>
#include <mutex>

#include <civetweb.h>

#include "core/error.hpp"

namespace crashwatch {

namespace {

/// The largest answer read: /status of a large cluster is a few hundred KB.
constexpr size_t max_body = 64u << 20;

struct closer {
  void operator()(mg_connection* c) const { mg_close_connection(c); }
};

} // namespace

caf::expected<std::string> http_get(const std::string& host, uint16_t port,
                                    const std::string& path,
                                    std::chrono::milliseconds timeout) {
  static std::once_flag init;
  std::call_once(init, [] { mg_init_library(0); });
  auto where = "http://" + host + ":" + std::to_string(port) + path;
  auto fail = [&](const std::string& why) {
    return make_error(ec::input_error, where + ": " + why);
  };
  char err[256] = {0};
  std::unique_ptr<mg_connection, closer> conn{
      mg_connect_client(host.c_str(), port, 0, err, sizeof err)};
  if (!conn)
    return fail(err[0] != 0 ? err : "cannot connect");
  if (mg_printf(conn.get(),
                "GET %s HTTP/1.0\r\nHost: %s:%u\r\nAccept: */*\r\n\r\n",
                path.c_str(), host.c_str(), static_cast<unsigned>(port))
      <= 0)
    return fail("cannot send the request");
  if (mg_get_response(conn.get(), err, sizeof err,
                      static_cast<int>(timeout.count()))
      < 0)
    return fail(err[0] != 0 ? err : "no answer");
  auto* info = mg_get_response_info(conn.get());
  std::string body;
  char buf[16384];
  for (;;) {
    auto n = mg_read(conn.get(), buf, sizeof buf);
    if (n <= 0)
      break;
    body.append(buf, static_cast<size_t>(n));
    if (body.size() > max_body)
      return fail("answer larger than " + std::to_string(max_body >> 20)
                  + " MiB");
  }
  if (info == nullptr || info->status_code != 200) {
    auto status = info == nullptr ? std::string{"no status"}
                                  : std::to_string(info->status_code);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r'))
      body.pop_back();
    return fail("HTTP " + status + (body.empty() ? "" : " (" + body + ")"));
  }
  return body;
}

} // namespace crashwatch
