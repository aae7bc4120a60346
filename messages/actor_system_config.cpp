#include "messages/actor_system_config.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "messages/type_ids.hpp"

namespace crashwatch {

void configure_actor_system(caf::actor_system_config& cfg) {
  add_message_types(cfg);
  // Readers run on threads of their own (they block in read()); the
  // scheduler's threads serve shards and the sink, which have far less to
  // do. The work-sharing policy lets idle workers sleep on a condition
  // variable: work stealing's idle workers poll with short sleeps, which on
  // a 2-core machine takes CPU from the readers (measured: 0.9 s vs 0.3 s of
  // system time for 10 M records, see docs/PERFORMANCE.md).
  auto cores = std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<size_t>(cores));
  cfg.set("scheduler.policy", caf::atom("sharing"));
}

} // namespace crashwatch
