#include "app/cluster_member.hpp"

#include <chrono>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/forget_on_exit.hpp"
#include "app/node_transport.hpp"
#include "app/process_exit.hpp"
#include "app/run_telemetry.hpp"
#include "app/stop_signals.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/join.hpp"
#include "cluster/node_actor.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "core/wall_clock.hpp"
#include "messages/actor_system_config.hpp"
#include "persistence/node_journal.hpp"

namespace crashwatch {

namespace {

/// How often the stop flag is looked at.
constexpr auto stop_poll = std::chrono::milliseconds(20);

/// The exit status for a failed join.
int join_status(const caf::error& err) {
  return has_code(err, ec::interrupted)    ? 130
         : has_code(err, ec::config_error) ? 2
                                           : 1;
}

/// What the node tells the coordinator when it joins.
caf::expected<join_request> make_request(const node_options& opts) {
  join_request request;
  request.protocol_version = cluster_protocol_version;
  request.node_id = opts.node_id;
  request.roles = opts.roles;
  request.address = opts.advertise;
  request.node_timeout_ms = opts.node_timeout_ms;
  request.job_options = opts.given_job_options;
  request.data_dir = !opts.job.data_dir.empty();
  if (request.data_dir) {
    // Read again at every join: the first one binds a new journal.
    auto identity = node_journal::identity(opts.job.data_dir);
    if (!identity)
      return std::move(identity.error());
    request.journal_job = identity->first;
    request.journal_node = identity->second;
  }
  return request;
}

/// How a wait for the coordinator's word ended.
enum class membership { over, failed, lost, interrupted };

/// Waits while the node serves `door`: until the node actor quits (the job
/// is over, or it failed), the coordinator is lost, or a stop signal.
membership serve_door(caf::scoped_actor& self, const node_actor& node,
                      const cluster_door_actor& door, const std::string& who) {
  self->monitor(door);
  auto result = membership::lost;
  bool waiting = true;
  auto node_down = [&](caf::down_msg& down) {
    if (!down.reason || down.reason == caf::exit_reason::normal) {
      std::cerr << who << "the job is over\n";
      result = membership::over;
    } else {
      std::cerr << who << render(down.reason) << '\n';
      result = membership::failed;
    }
    waiting = false;
  };
  while (waiting)
    self->receive(
        [&](caf::down_msg& down) {
          if (down.source == node.address()) {
            node_down(down);
            return;
          }
          if (down.source != door.address())
            return;
          // The coordinator tells its nodes to leave before it exits: a
          // leave may still be on its way to the node actor.
          bool left = false;
          self->receive(
              [&](caf::down_msg& d) {
                if (d.source == node.address()) {
                  node_down(d);
                  left = true;
                }
              },
              caf::after(std::chrono::milliseconds(500)) >> [] {});
          if (left)
            return;
          std::cerr << who << "lost the coordinator ("
                    << (down.reason ? render(down.reason) : "it left")
                    << "); joining it again\n";
          result = membership::lost;
          waiting = false;
        },
        caf::after(stop_poll) >>
            [&] {
              if (stop_requested()) {
                result = membership::interrupted;
                waiting = false;
              }
            });
  self->demonitor(door.address());
  return result;
}

int serve(caf::actor_system& sys, const node_options& opts) {
  auto who = "crashwatch node " + opts.node_id + ": ";
  cluster_transport transport{sys, transport_settings_of(opts)};
  auto node = sys.spawn<caf::detached>(cluster_node, opts.node_id,
                                       opts.job.data_dir, transport.handle());
  forget_on_exit(sys, node);
  auto stop_node
      = [&] { caf::anon_send_exit(node, caf::exit_reason::user_shutdown); };
  auto port = transport.publish(node, opts.listen);
  if (!port) {
    stop_node();
    std::cerr << who << "--listen " << to_string(opts.listen) << ": "
              << render(port.error()) << '\n';
    return 1;
  }
  // Published, the node actor is held by the middleman until it stops,
  // which comes after the actor system waits for detached actors: no exit.
  auto leave = [&](int status) {
    transport.unpublish(node, *port);
    if (status != 0)
      stop_node();
    return status;
  };
  std::cerr << who << role_names(opts.roles) << " node listening on "
            << opts.listen.host << ":" << *port << ", joining "
            << to_string(opts.join) << '\n';
  auto telemetry = start_telemetry(
      sys, opts.job, {"node", opts.node_id, role_names_of(opts.roles), 0}, {},
      "crashwatch node " + opts.node_id);
  if (!telemetry) {
    std::cerr << who << render(telemetry.error()) << '\n';
    return leave(1);
  }
  // Its /status names the coordinator (and where it serves its own).
  membership_report member_status;
  member_status.join_address = to_string(opts.join);
  auto tell_telemetry = [&](bool connected) {
    if (!*telemetry)
      return;
    member_status.connected = connected;
    member_status.since_ms = wall_clock_ms();
    caf::anon_send((*telemetry)->actor, member_status);
  };
  tell_telemetry(false);
  caf::scoped_actor self{sys};
  self->monitor(node);
  for (bool first = true;; first = false) {
    auto request = make_request(opts);
    if (!request) {
      std::cerr << who << render(request.error()) << '\n';
      return leave(1);
    }
    auto joined = join_cluster(
        sys, transport.handle(), opts.join, *request, node,
        std::chrono::milliseconds{opts.join_timeout_ms}, stop_requested);
    if (!joined) {
      std::cerr << who << render(joined.error()) << '\n';
      return leave(join_status(joined.error()));
    }
    if (joined->reply.over) {
      std::cerr << who << "the coordinator at " << to_string(opts.join)
                << " says the job is over\n";
      return leave(0);
    }
    std::cerr << who << (first ? "joined" : "joined again")
              << " the coordinator at " << to_string(opts.join) << '\n';
    member_status.coordinator = joined->reply.coordinator;
    member_status.coordinator_metrics = joined->reply.metrics;
    tell_telemetry(true);
    caf::anon_send(node, atom::joined_v,
                   caf::actor_cast<caf::actor>(joined->door),
                   joined->reply.job);
    switch (serve_door(self, node, joined->door, who)) {
    case membership::over:
      return leave(0);
    case membership::failed:
      return leave(1);
    case membership::interrupted:
      std::cerr << who << "interrupted: left the cluster\n";
      return leave(130);
    case membership::lost:
      tell_telemetry(false);
      break;
    }
  }
}

} // namespace

int run_cluster_member(const node_options& opts) {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  configure_cluster(cfg, std::chrono::milliseconds{opts.node_timeout_ms},
                    opts.tls);
  caf::actor_system sys{cfg};
  install_stop_signals();
  leave_process(serve(sys, opts));
}

} // namespace crashwatch
