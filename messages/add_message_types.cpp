#include <caf/actor_system_config.hpp>

#include "messages/type_ids.hpp"

namespace crashwatch {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::crashwatch>();
}

} // namespace crashwatch
