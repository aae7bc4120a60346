// Node addresses on the command line (`--listen`, `--advertise`, `--join`):
// HOST:PORT, HOST a name or an IPv4 address, or [IPv6]:PORT.
#pragma once

#include <optional>
#include <string>

#include "messages/cluster.hpp"

namespace crashwatch {

/// `text` as an address; nullopt when it is not HOST:PORT with a port of
/// 1..65535 (0 allowed when `allow_any_port`: listen on a port the OS
/// picks).
std::optional<node_address> parse_node_address(const std::string& text,
                                               bool allow_any_port = false);

/// "host:port" ("[::1]:port" for IPv6).
std::string to_string(const node_address& address);

/// True for a host that means every interface ("0.0.0.0", "::", "*", ""):
/// fine to listen on, useless for others to connect to.
bool is_wildcard_host(const std::string& host);

} // namespace crashwatch
