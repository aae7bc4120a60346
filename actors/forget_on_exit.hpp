// CAF 0.17 puts every local actor whose handle it serializes (a handle sent
// to another node, or the sender of a message to a remote actor) into the
// actor registry, and never takes it out. A detached actor then never
// finishes: its thread waits for the last reference to go, and the actor
// system waits for that thread when the process exits, forever. (Seen:
// 3 in 12 cluster runs hung at exit.) forget_on_exit() takes the actor out
// of the registry when it terminates.
#pragma once

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>

namespace crashwatch {

/// Makes `handle`'s actor leave the registry when it terminates.
template <class Handle>
void forget_on_exit(caf::actor_system& sys, const Handle& handle) {
  auto id = handle.id();
  auto* registry = &sys.registry();
  caf::actor_cast<caf::abstract_actor*>(handle)->attach_functor(
      [registry, id] { registry->erase(id); });
}

} // namespace crashwatch
