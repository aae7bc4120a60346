// The options of `crashwatch node` (docs/CLUSTER.md): the node's own
// (--role, --node-id, --listen, --advertise, --join, --expect-nodes,
// --node-timeout, --join-timeout, --tls-cert, --tls-key, --tls-ca,
// --data-dir) and every job option of
// `run`, which the coordinator owns: another node may repeat them, and is
// refused when one differs from the coordinator's.
#pragma once

#include <cstdint>
#include <string>

#include "app/job_options.hpp"
#include "app/run_options.hpp"
#include "cluster/tls_files.hpp"
#include "messages/cluster.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace crashwatch {

/// Everything `crashwatch node` was told.
struct node_options {
  /// `--role`: node_role bits (`all` = every role).
  uint8_t roles = 0;
  /// `--node-id`.
  std::string node_id;
  /// `--listen HOST:PORT`: where this node's actor (the coordinator's door)
  /// is published.
  node_address listen;
  /// `--advertise HOST:PORT`: where other nodes reach it (default: listen).
  node_address advertise;
  /// `--join HOST:PORT`: the coordinator (every node but the coordinator).
  node_address join;
  /// `--expect-nodes N` (coordinator): the job starts once N nodes joined.
  uint32_t expect_nodes = 0;
  /// `--node-timeout`: a node silent this long is taken for gone (the same
  /// on every node).
  int64_t node_timeout_ms = 5'000;
  /// `--join-timeout`: how long a node keeps trying to reach its
  /// coordinator before it gives up (exit 1).
  int64_t join_timeout_ms = 60'000;
  /// `--tls-cert`, `--tls-key`, `--tls-ca`: every cluster connection TLS
  /// (none given: plain TCP).
  tls_files tls;
  /// The job options (and `--data-dir`, the node's journal).
  run_options job;
  /// The job options given to this node (filled by validate_node_options):
  /// a node other than the coordinator sends them when it joins.
  option_values given_job_options;
};

/// Declares the options on `cmd`.
void add_node_options(CLI::App& cmd, node_options& opts);

/// The checks that span options. Throws usage_error.
void validate_node_options(const CLI::App& cmd, node_options& opts);

/// "coordinator,reader" for node_role bits.
std::string role_names(uint8_t roles);

} // namespace crashwatch
