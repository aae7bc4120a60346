#include "app/local_pipeline.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/alert_sink.hpp"
#include "actors/checkpoint_coordinator.hpp"
#include "actors/partition_reader.hpp"
#include "actors/shard_aggregator.hpp"
#include "app/pipeline_inputs.hpp"
#include "app/pipeline_outputs.hpp"
#include "app/run_start.hpp"
#include "app/stop_signals.hpp"
#include "core/error.hpp"
#include "core/kill_point.hpp"
#include "messages/type_ids.hpp"

namespace crashwatch {

namespace {

/// How long the process waits for a checkpoint it asked for (the final one
/// at the end of the input, or the last one after a stop signal).
constexpr auto checkpoint_now_timeout = std::chrono::seconds(30);

/// Asks the coordinator for a checkpoint now and waits for it.
caf::expected<checkpoint_id>
checkpoint_now(caf::scoped_actor& self,
               const checkpoint_coordinator_actor& coordinator, bool final) {
  caf::expected<checkpoint_id> result = caf::error{};
  self->request(coordinator, checkpoint_now_timeout, atom::checkpoint_v, final)
    .receive([&](checkpoint_id id) { result = id; },
             [&](caf::error& err) { result = std::move(err); });
  return result;
}

} // namespace

caf::expected<pipeline_outcome> run_local_pipeline(caf::actor_system& sys,
                                                   const run_options& opts) {
  // Everything is opened and checked before any work is done, so that a
  // bad path, a foreign journal or a cut output fails at once.
  auto plans = plan_partitions(opts);
  if (!plans)
    return std::move(plans.error());
  auto start = open_run_start(opts, *plans);
  if (!start)
    return std::move(start.error());
  if (start->already_complete) {
    // What the completed run did, from its final checkpoint.
    pipeline_outcome done;
    done.already_complete = true;
    auto& final = *start->restored;
    for (auto& r : final.readers)
      done.summary.partitions.push_back(r.stats);
    done.summary.alerts = final.sink.alerts;
    done.summary.early_alerts = final.sink.early_alerts;
    done.summary.late_at_shards = final.sink.late_at_shards;
    return done;
  }
  std::vector<std::shared_ptr<record_source>> sources;
  for (size_t i = 0; i < plans->size(); ++i) {
    auto src = open_partition(opts, (*plans)[i], start->starts[i]);
    if (!src)
      return std::move(src.error());
    sources.push_back(std::move(*src));
  }
  auto outputs = open_outputs(opts);
  if (!outputs)
    return std::move(outputs.error());
  if (start->restored) {
    std::vector<std::string> uncut;
    if (auto err = cut_back_outputs(*outputs, start->restored->sink.outputs,
                                    uncut))
      return err;
    for (auto& name : uncut)
      std::cerr << "crashwatch run: " << name
                << " cannot be cut back: what it showed after checkpoint "
                << start->restored->id.value << " is shown again\n";
    kill_point("restore-cut-back");
  }
  if (auto err = commit_run_start(*start, opts, *plans, sources, *outputs))
    return err;
  std::vector<partition_id> partitions;
  for (auto& plan : *plans)
    partitions.push_back(plan.id);

  caf::scoped_actor self{sys};
  std::vector<caf::actor> everyone;
  // The sink writes files (and waits for Kafka deliveries): its own thread.
  std::shared_ptr<sink_snapshot> sink_restore;
  if (start->restored)
    sink_restore = std::make_shared<sink_snapshot>(start->restored->sink);
  auto sink = sys.spawn<caf::detached>(alert_sink, *outputs,
                                       size_t{opts.pipeline.shards},
                                       partitions, caf::actor{self},
                                       sink_restore);
  everyone.push_back(caf::actor_cast<caf::actor>(sink));
  std::vector<shard_actor> shards;
  for (uint32_t i = 0; i < opts.pipeline.shards; ++i) {
    auto restore = shard_start(*start, opts, shard_id{i});
    if (!restore) {
      for (auto& a : everyone)
        self->send_exit(a, caf::exit_reason::user_shutdown);
      return std::move(restore.error());
    }
    shards.push_back(sys.spawn(shard_aggregator, shard_id{i}, opts.pipeline,
                               partitions, sink, std::move(*restore)));
    everyone.push_back(caf::actor_cast<caf::actor>(shards.back()));
  }
  std::vector<partition_reader_actor> readers;
  for (size_t i = 0; i < plans->size(); ++i) {
    readers.push_back(sys.spawn<caf::detached>(
      partition_reader, reader_start(*start, (*plans)[i], i, *sources[i]),
      sources[i], opts.pipeline, shards, sink));
    everyone.push_back(caf::actor_cast<caf::actor>(readers.back()));
  }
  checkpoint_coordinator_actor coordinator;
  if (start->log != nullptr) {
    auto first = start->restored ? start->restored->id.value + 1 : 1;
    // Writing a checkpoint blocks in SQLite: its own thread.
    coordinator = sys.spawn<caf::detached>(
      checkpoint_coordinator, start->log, checkpoint_id{first}, readers,
      shards, sink, std::chrono::milliseconds{opts.checkpoint_interval_ms});
    everyone.push_back(caf::actor_cast<caf::actor>(coordinator));
  }
  for (auto& a : everyone)
    self->monitor(a);

  caf::expected<pipeline_outcome> result = caf::error{};
  bool running = true;
  // A stop signal: with a data dir, a last checkpoint first, so that a
  // restart continues from here.
  auto stop = [&] {
    running = false;
    if (!coordinator) {
      result = make_error(ec::interrupted,
                          "interrupted: stopped reading; windows not yet "
                          "complete were not emitted");
      return;
    }
    auto id = checkpoint_now(self, coordinator, false);
    result = make_error(
      ec::interrupted,
      id ? "interrupted: stopped at checkpoint " + std::to_string(id->value)
             + " of " + opts.data_dir + "; run the same command to continue"
         : "interrupted: no checkpoint could be taken (" + render(id.error())
             + "); a restart continues from the previous one");
  };
  while (running) {
    self->receive(
      [&](atom::done, pipeline_summary& summary) {
        // A signal that came before the end was noticed wins: the caller
        // asked to stop, and says so with exit status 130 (the restart
        // then finds the input ended and completes at once).
        if (stop_requested()) {
          stop();
          return;
        }
        running = false;
        if (coordinator) {
          // The final checkpoint marks the run complete: a restart of the
          // same command has nothing to do.
          auto id = checkpoint_now(self, coordinator, true);
          if (!id) {
            result = std::move(id.error());
            return;
          }
        }
        pipeline_outcome outcome;
        outcome.summary = std::move(summary);
        if (start->restored)
          for (auto& r : start->restored->readers)
            outcome.resumed_records += r.stats.records;
        result = std::move(outcome);
      },
      [&](caf::down_msg& down) {
        if (!down.reason || down.reason == caf::exit_reason::normal)
          return;
        result = std::move(down.reason);
        running = false;
      },
      // The flag is set by a signal handler, which cannot send messages:
      // look at it often.
      caf::after(std::chrono::milliseconds(20)) >> [&] {
        if (stop_requested())
          stop();
      });
  }
  // Every actor runs until told: readers and shards stay for checkpoints
  // after their input ended. (The actor system waits for them to finish
  // before the process exits.)
  for (auto& a : everyone)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return result;
}

} // namespace crashwatch
