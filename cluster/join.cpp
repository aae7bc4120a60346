#include "cluster/join.hpp"

#include <algorithm>
#include <thread>

#include <caf/io/middleman_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "cluster/node_address.hpp"
#include "core/error.hpp"

namespace crashwatch {

namespace {

/// Longest one attempt may take: connecting, and the door's answer.
constexpr auto attempt_timeout = std::chrono::seconds(5);

} // namespace

caf::expected<cluster_membership>
join_cluster(caf::actor_system& sys, const caf::io::middleman_actor& transport,
             const node_address& coordinator, const join_request& request,
             const node_actor& node, std::chrono::milliseconds budget,
             const std::function<bool()>& stop) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + budget;
  auto backoff = std::chrono::milliseconds(100);
  auto where = to_string(coordinator);
  caf::scoped_actor self{sys};
  auto& mm = transport;
  std::string last = "no answer";
  for (;;) {
    if (stop())
      return make_error(ec::interrupted, "interrupted while joining " + where);
    caf::expected<cluster_door_actor> door = caf::error{};
    self->request(mm, attempt_timeout, caf::connect_atom_v, coordinator.host,
                  coordinator.port)
        .receive(
            [&](const caf::node_id&, caf::strong_actor_ptr& ptr,
                std::set<std::string>& ifs) {
              if (!ptr || ifs != sys.message_types<cluster_door_actor>())
                door = make_error(ec::config_error,
                                  where
                                      + " is no crashwatch coordinator (of "
                                        "this version): another service "
                                        "listens there");
              else
                door = caf::actor_cast<cluster_door_actor>(ptr);
            },
            [&](caf::error& err) { door = std::move(err); });
    if (door) {
      caf::error refused;
      join_reply reply;
      self->request(*door, attempt_timeout, request, node)
          .receive([&](join_reply& r) { reply = std::move(r); },
                   [&](caf::error& err) { refused = std::move(err); });
      if (!refused)
        return cluster_membership{std::move(*door), std::move(reply)};
      if (has_code(refused, ec::config_error))
        return refused;
      last = render(refused);
    } else if (has_code(door.error(), ec::config_error)) {
      return std::move(door.error());
    } else {
      last = render(door.error());
      if (door.error() == caf::sec::disconnect_during_handshake
          || door.error() == caf::sec::connection_timeout)
        last += ": do both nodes use TLS (--tls-cert), or neither?";
    }
    if (clock::now() + backoff >= deadline)
      return make_error(ec::input_error,
                        "cannot join the coordinator at " + where + " within "
                            + std::to_string(budget.count() / 1000)
                            + " s (last: " + last + ")");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

} // namespace crashwatch
