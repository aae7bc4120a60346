#include "messages/cluster.hpp"

namespace crashwatch {

std::vector<std::string> role_names_of(uint8_t roles) {
  std::vector<std::string> out;
  if (roles & coordinator_role)
    out.emplace_back("coordinator");
  if (roles & aggregator_role)
    out.emplace_back("aggregator");
  if (roles & reader_role)
    out.emplace_back("reader");
  return out;
}

} // namespace crashwatch
