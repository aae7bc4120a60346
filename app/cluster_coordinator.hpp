// `crashwatch node --role coordinator --expect-nodes N`: owns the job. It
// opens the outputs and plans the partitions, opens its door to the other
// nodes, and once N of them have joined, assigns shards and partitions,
// wires the epoch across the cluster (cluster/cluster_wiring) and waits for
// the end as `run` does (app/run_wait); then tells every node to leave.
#pragma once

#include "app/node_options.hpp"

namespace crashwatch {

/// Runs the job as its coordinator; returns the exit status.
int run_cluster_coordinator(const node_options& opts);

} // namespace crashwatch
