#include "cluster/door.hpp"

#include <algorithm>
#include <iostream>

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cluster/node_address.hpp"
#include "core/error.hpp"

namespace crashwatch {

namespace {

uint32_t aggregators(const std::vector<join_request>& joined) {
  return static_cast<uint32_t>(
      std::count_if(joined.begin(), joined.end(), [](const join_request& r) {
        return (r.roles & aggregator_role) != 0;
      }));
}

} // namespace

std::string join_refusal(const door_rules& rules,
                         const std::vector<join_request>& joined,
                         const std::vector<std::string>& members,
                         const join_request& request) {
  if (request.protocol_version != cluster_protocol_version)
    return "node " + request.node_id + " speaks cluster protocol "
           + std::to_string(request.protocol_version) + ", this coordinator "
           + std::to_string(cluster_protocol_version)
           + " (run the same crashwatch version on every node)";
  if (request.node_id.empty())
    return "a node needs a --node-id";
  // Once the job has started, a node id that is still in may be that node
  // restarted before its old connection was found dead: it takes its place.
  if (request.node_id == rules.coordinator
      || (members.empty()
          && std::any_of(joined.begin(), joined.end(), [&](auto& j) {
               return j.node_id == request.node_id;
             })))
    return "--node-id " + request.node_id + " is already in the cluster";
  if (request.node_timeout_ms != rules.node_timeout_ms)
    return "node " + request.node_id + " has --node-timeout "
           + std::to_string(request.node_timeout_ms) + "ms, the coordinator "
           + std::to_string(rules.node_timeout_ms)
           + "ms (every node needs the same)";
  for (auto& [option, value] : request.job_options) {
    auto mine
        = std::find_if(rules.job_options.begin(), rules.job_options.end(),
                       [&name = option](auto& o) { return o.first == name; });
    if (mine != rules.job_options.end() && mine->second != value)
      return "node " + request.node_id + " was started with " + option + " "
             + value + ", the job has " + option + " " + mine->second;
  }
  if (!request.journal_job.empty() && request.journal_job != rules.job)
    return "node " + request.node_id + ": its data dir belongs to job "
           + request.journal_job + ", this is job " + rules.job
           + " (give it a data dir of its own for this job)";
  if (!request.journal_node.empty() && request.journal_node != request.node_id)
    return "node " + request.node_id + ": its data dir belongs to node "
           + request.journal_node;
  if (rules.durable && !request.data_dir)
    return "the job keeps checkpoints (--data-dir): node " + request.node_id
           + " needs a --data-dir of its own for its part";
  if ((request.roles & coordinator_role) != 0)
    return "node " + request.node_id
           + " has the coordinator role: a cluster has one coordinator, "
           + rules.coordinator;
  if (!members.empty()) {
    // The job's nodes are fixed: one of them may come back.
    if (std::find(members.begin(), members.end(), request.node_id)
        != members.end())
      return {};
    return "the job's nodes are fixed since it started, and " + request.node_id
           + " is not one of them";
  }
  if (joined.size() >= rules.expected)
    return "the job expects " + std::to_string(rules.expected)
           + " nodes, and all have joined";
  bool reader_needed = rules.kafka
                       || std::find(rules.named_readers.begin(),
                                    rules.named_readers.end(), request.node_id)
                              != rules.named_readers.end();
  bool aggregator_needed = aggregators(joined) < rules.shards;
  bool reads = (request.roles & reader_role) != 0;
  bool aggregates = (request.roles & aggregator_role) != 0;
  if ((reads && reader_needed) || (aggregates && aggregator_needed))
    return {};
  if (reads && !aggregates)
    return "the job needs no reader node " + request.node_id
           + ": it reads files, and none is named --input node://"
           + request.node_id + "/PATH";
  if (aggregates && !reads)
    return "the job needs no more aggregator nodes: its "
           + std::to_string(rules.shards) + " shards are all placed";
  return "the job needs node " + request.node_id
         + " neither as a reader nor as an aggregator";
}

namespace {

using self_ptr = cluster_door_actor::stateful_pointer<door_state>;

/// Every expected node is in (or, for a job that is over, was told so).
/// The job's nodes are fixed from the first time they all are.
bool all_in(door_state& st) {
  if (st.rules.over)
    return st.told.size() >= st.rules.expected;
  if (st.joined.size() != st.rules.expected)
    return false;
  if (st.members.empty())
    for (auto& j : st.joined)
      st.members.push_back(j.node_id);
  return true;
}

} // namespace

cluster_door_actor::behavior_type
cluster_door(cluster_door_actor::stateful_pointer<door_state> self,
             door_rules rules) {
  self->state.rules = std::move(rules);
  // A node that is gone leaves its place free (for itself, once the job
  // has started).
  self->set_down_handler([self](caf::down_msg& down) {
    auto& st = self->state;
    for (size_t i = 0; i < st.nodes.size(); ++i)
      if (st.nodes[i].address() == down.source) {
        st.nodes.erase(st.nodes.begin() + static_cast<ptrdiff_t>(i));
        st.joined.erase(st.joined.begin() + static_cast<ptrdiff_t>(i));
        return;
      }
  });
  return {
      [self](join_request& request,
             node_actor& node) -> caf::result<join_reply> {
        auto& st = self->state;
        if (st.rules.over
            && request.protocol_version == cluster_protocol_version) {
          if (std::find(st.told.begin(), st.told.end(), request.node_id)
              == st.told.end())
            st.told.push_back(request.node_id);
          std::cerr << "crashwatch node " << st.rules.coordinator
                    << ": told node " << request.node_id
                    << " that the job is over\n";
          join_reply over{
              st.rules.coordinator, st.rules.job, st.rules.expected, 0, true,
              st.rules.metrics};
          return over;
        }
        auto why = join_refusal(st.rules, st.joined, st.members, request);
        if (!why.empty())
          return make_error(ec::config_error, "refused by coordinator "
                                                  + st.rules.coordinator + ": "
                                                  + why);
        // A node back before its old self was found gone replaces it.
        for (size_t i = 0; i < st.joined.size(); ++i)
          if (st.joined[i].node_id == request.node_id) {
            self->demonitor(st.nodes[i].address());
            st.nodes.erase(st.nodes.begin() + static_cast<ptrdiff_t>(i));
            st.joined.erase(st.joined.begin() + static_cast<ptrdiff_t>(i));
            break;
          }
        self->monitor(node);
        st.joined.push_back(request);
        st.nodes.push_back(node);
        std::cerr << "crashwatch node " << st.rules.coordinator << ": node "
                  << request.node_id
                  << (st.members.empty() ? " joined from " : " is back at ")
                  << to_string(request.address) << " (" << st.joined.size()
                  << " of " << st.rules.expected << ")\n";
        join_reply reply{st.rules.coordinator,
                         st.rules.job,
                         st.rules.expected,
                         static_cast<uint32_t>(st.joined.size()),
                         false,
                         st.rules.metrics};
        all_in(st);
        return reply;
      },
      [self](atom::ready)
          -> caf::result<std::vector<join_request>, std::vector<node_actor>> {
        auto& st = self->state;
        if (!all_in(st))
          return make_error(ec::interrupted, "not every node is in");
        return {st.joined, st.nodes};
      },
  };
}

} // namespace crashwatch
