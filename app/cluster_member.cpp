#include "app/cluster_member.hpp"

#include <chrono>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/forget_on_exit.hpp"
#include "app/process_exit.hpp"
#include "app/stop_signals.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/join.hpp"
#include "cluster/node_actor.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "messages/actor_system_config.hpp"

namespace crashwatch {

namespace {

/// How often the stop flag is looked at.
constexpr auto stop_poll = std::chrono::milliseconds(20);

int serve(caf::actor_system& sys, const node_options& opts) {
  auto who = "crashwatch node " + opts.node_id + ": ";
  auto node
      = sys.spawn<caf::detached>(cluster_node, opts.node_id, opts.job.data_dir);
  forget_on_exit(sys, node);
  auto stop_node
      = [&] { caf::anon_send_exit(node, caf::exit_reason::user_shutdown); };
  auto listen_host
      = is_wildcard_host(opts.listen.host) ? nullptr : opts.listen.host.c_str();
  auto port
      = sys.middleman().publish(node, opts.listen.port, listen_host, true);
  if (!port) {
    stop_node();
    std::cerr << who << "--listen " << to_string(opts.listen) << ": "
              << render(port.error()) << '\n';
    return 1;
  }
  join_request request;
  request.protocol_version = cluster_protocol_version;
  request.node_id = opts.node_id;
  request.roles = opts.roles;
  request.address = opts.advertise;
  request.node_timeout_ms = opts.node_timeout_ms;
  request.job_options = opts.given_job_options;
  request.data_dir = !opts.job.data_dir.empty();
  std::cerr << who << role_names(opts.roles) << " node listening on "
            << opts.listen.host << ":" << *port << ", joining "
            << to_string(opts.join) << '\n';
  auto joined = join_cluster(sys, opts.join, request, node,
                             std::chrono::milliseconds{opts.join_timeout_ms},
                             stop_requested);
  if (!joined) {
    sys.middleman().unpublish(node, *port);
    stop_node();
    auto& err = joined.error();
    std::cerr << who << render(err) << '\n';
    return has_code(err, ec::interrupted)    ? 130
           : has_code(err, ec::config_error) ? 2
                                             : 1;
  }
  std::cerr << who << "joined the coordinator at " << to_string(opts.join)
            << '\n';
  caf::anon_send(node, atom::joined_v,
                 caf::actor_cast<caf::actor>(joined->door), joined->reply.job);
  caf::scoped_actor self{sys};
  self->monitor(node);
  // Published, the node actor is held by the middleman until it stops,
  // which comes after the actor system waits for detached actors: no exit.
  auto unpublish = [&] { sys.middleman().unpublish(node, *port); };
  int status = -1;
  while (status < 0)
    self->receive(
        [&](caf::down_msg& down) {
          if (!down.reason || down.reason == caf::exit_reason::normal) {
            std::cerr << who << "the job is over\n";
            status = 0;
          } else {
            std::cerr << who << render(down.reason) << '\n';
            status = 1;
          }
        },
        caf::after(stop_poll) >>
            [&] {
              if (stop_requested()) {
                stop_node();
                std::cerr << who << "interrupted: left the cluster\n";
                status = 130;
              }
            });
  unpublish();
  return status;
}

} // namespace

int run_cluster_member(const node_options& opts) {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  configure_cluster(cfg, std::chrono::milliseconds{opts.node_timeout_ms});
  caf::actor_system sys{cfg};
  install_stop_signals();
  leave_process(serve(sys, opts));
}

} // namespace crashwatch
