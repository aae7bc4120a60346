// `crashwatch node --role aggregator|reader --join HOST:PORT`: a node that
// serves a coordinator. It publishes its node actor (cluster/node_actor) at
// --listen, joins the coordinator (retrying while it is not up yet), and
// then hosts whatever each epoch assigns to it until the coordinator says
// the job is over (exit 0), or it is stopped (exit 130). When it loses the
// coordinator it joins again, with backoff for up to --join-timeout (exit 1
// after that): a restarted coordinator finds its nodes back. A refusal by
// the coordinator exits 2.
#pragma once

#include "app/node_options.hpp"

namespace crashwatch {

/// Serves the coordinator; returns the exit status.
int run_cluster_member(const node_options& opts);

} // namespace crashwatch
