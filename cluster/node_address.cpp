#include "cluster/node_address.hpp"

#include <cstdlib>

namespace crashwatch {

std::optional<node_address> parse_node_address(const std::string& text,
                                               bool allow_any_port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size())
    return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string::npos)
    return std::nullopt; // IPv6 needs brackets
  auto digits = text.substr(colon + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos
      || digits.size() > 5)
    return std::nullopt;
  auto port = std::strtol(digits.c_str(), nullptr, 10);
  if (port > 65535 || (port == 0 && !allow_any_port))
    return std::nullopt;
  if (host.empty() && !allow_any_port)
    return std::nullopt;
  return node_address{host, static_cast<uint16_t>(port)};
}

std::string to_string(const node_address& address) {
  auto host = address.host.find(':') != std::string::npos
                  ? "[" + address.host + "]"
                  : address.host;
  return host + ":" + std::to_string(address.port);
}

bool is_wildcard_host(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" || host == "*";
}

} // namespace crashwatch
