// The journal of a cluster node (`crashwatch node --data-dir DIR`, not the
// coordinator): the state of the readers and shards the node hosts, as of a
// checkpoint the coordinator committed, and the parts of newer checkpoints
// it has staged (two phases, docs/CLUSTER.md):
//
// 1. prepare: the coordinator asks for checkpoint N; the node stages its
//    part of N here, synced to disk, and says so;
// 2. commit: once every node has staged N, the coordinator commits N in
//    its own journal and tells the nodes, which apply their staged part of
//    N to their state (commit()).
//
// So the node keeps its state of N-1 until N is committed, and a crash at
// any moment leaves one consistent checkpoint across all journals: after a
// restart, recover(C) applies the staged parts up to the coordinator's
// newest committed checkpoint C and drops the newer ones.
//
// Same file and tables as a `run` journal (persistence/journal.cpp), bound
// to (--job, --node-id) instead of job options, with one more table:
//   staged_part(checkpoint INTEGER PRIMARY KEY, body BLOB NOT NULL)
//       A node_part (messages/checkpoint.hpp) in CAF's binary format.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "messages/checkpoint.hpp"
#include "persistence/journal.hpp"

namespace crashwatch {

/// The journal of one node of one job.
class node_journal {
 public:
  /// Opens (creating) DIR's journal for node `node_id` of job `job_id`.
  /// Refuses (ec::journal_mismatch, naming both) one of another job or
  /// node; fails as journal::open() does otherwise.
  static caf::expected<std::unique_ptr<node_journal>>
  open(const std::string& dir, int64_t window_ms, const std::string& job_id,
       const std::string& node_id);

  /// The (job, node) DIR's journal belongs to, without opening it for use;
  /// two empty texts when DIR holds none yet.
  static caf::expected<std::pair<std::string, std::string>>
  identity(const std::string& dir);

  /// Phase one: keeps `part` until commit(), synced to disk.
  caf::error stage(const node_part& part);

  /// Phase two: applies every staged part up to `committed`, oldest first,
  /// to the state (each part in one transaction, as a checkpoint of this
  /// journal), then drops them.
  caf::error commit(checkpoint_id committed);

  /// After a restart: the coordinator's newest committed checkpoint is
  /// `committed`. Applies the staged parts up to it, drops the newer ones,
  /// and returns the checkpoint the state is now of: `committed`, or an
  /// older one if this node had no part in the newer ones.
  caf::expected<checkpoint_id> recover(checkpoint_id committed);

  /// The readers' and shards' state.
  caf::expected<std::vector<reader_snapshot>> readers() {
    return log_->load_readers();
  }
  caf::expected<std::vector<std::pair<shard_id, event_time>>> shard_marks() {
    return log_->load_shard_marks();
  }
  caf::error load_shard(shard_id shard, std::vector<window_entry>& counts) {
    return log_->load_shard(shard, counts);
  }

  /// DIR/journal.db.
  const std::string& path() const { return log_->path(); }

 private:
  explicit node_journal(std::unique_ptr<journal> log);

  /// Applies the staged parts up to `last` that are newer than the state.
  caf::error apply(checkpoint_id last);

  std::unique_ptr<journal> log_;
};

} // namespace crashwatch
