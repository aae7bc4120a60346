#include "app/run_wait.hpp"

#include <chrono>
#include <set>

#include <caf/typed_event_based_actor.hpp>

#include "app/stop_signals.hpp"
#include "core/error.hpp"

namespace crashwatch {

namespace {

/// How long the process waits for a checkpoint it asked for (the final one
/// at the end of the input, or the last one after a stop signal).
constexpr auto checkpoint_now_timeout = std::chrono::seconds(30);

/// Longest the process waits for its actors to terminate at the end.
constexpr auto exit_timeout = std::chrono::seconds(10);

/// Longest the summary after a stop waits for each actor's counters.
constexpr auto status_timeout = std::chrono::seconds(2);

/// How often the stop flag is looked at: it is set by a signal handler,
/// which cannot send messages.
constexpr auto stop_poll = std::chrono::milliseconds(20);

/// How long a failed checkpoint request waits for the coordinator's down
/// message, which carries why it is gone.
constexpr auto down_wait = std::chrono::seconds(2);

/// Asks the coordinator for a checkpoint now and waits for it. When the
/// coordinator is gone (it failed to write the journal, say), CAF answers
/// only `request_receiver_down`: the error is then the reason in the
/// coordinator's down message (a monitor of `self`), whose source is
/// erased from `local`, the actors not yet terminated.
caf::expected<checkpoint_id>
checkpoint_now(caf::scoped_actor& self,
               const checkpoint_coordinator_actor& coordinator, bool final,
               std::set<caf::actor_addr>& local) {
  caf::expected<checkpoint_id> result = caf::error{};
  self->request(coordinator, checkpoint_now_timeout, atom::checkpoint_v, final)
      .receive([&](checkpoint_id id) { result = id; },
               [&](caf::error& err) { result = std::move(err); });
  if (result || result.error() != caf::sec::request_receiver_down)
    return result;
  auto deadline = std::chrono::steady_clock::now() + down_wait;
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline)
    self->receive(
        [&](caf::down_msg& down) {
          local.erase(down.source);
          if (down.source != coordinator.address())
            return;
          seen = true;
          if (down.reason && down.reason != caf::exit_reason::normal)
            result = std::move(down.reason);
        },
        caf::after(down_wait) >> [&] { seen = true; });
  return result;
}

/// The error a stop signal ends the run with; with a data dir, after a last
/// checkpoint, so that a restart continues from here.
caf::error stopped(caf::scoped_actor& self, const pipeline_actors& actors,
                   const std::string& data_dir,
                   std::set<caf::actor_addr>& local) {
  if (!actors.coordinator)
    return make_error(ec::interrupted,
                      "interrupted: stopped reading; windows not yet "
                      "complete were not emitted");
  auto id = checkpoint_now(self, actors.coordinator, false, local);
  return make_error(
      ec::interrupted,
      id ? "interrupted: stopped at checkpoint " + std::to_string(id->value)
               + " of " + data_dir + "; run the same command to continue"
         : "interrupted: no checkpoint could be taken (" + render(id.error())
               + "); a restart continues from the previous one");
}

/// The counters up to now: the sink's, with each partition's from its
/// reader (a reader that does not answer in time is left out).
pipeline_summary summary_so_far(caf::scoped_actor& self,
                                const pipeline_actors& actors) {
  pipeline_summary summary;
  self->request(actors.sink, status_timeout, atom::status_v)
      .receive([&](pipeline_summary& s) { summary = std::move(s); },
               [](caf::error&) {});
  summary.partitions.clear();
  for (auto& reader : actors.readers)
    self->request(reader, status_timeout, atom::status_v)
        .receive(
            [&](partition_stats& s) {
              summary.partitions.push_back(std::move(s));
            },
            [](caf::error&) {});
  return summary;
}

} // namespace

caf::expected<pipeline_summary>
wait_for_pipeline(caf::scoped_actor& self, const pipeline_actors& actors,
                  const std::string& data_dir,
                  std::optional<pipeline_summary>* so_far) {
  auto everyone = actors.all();
  // This process's actors that have not terminated yet.
  std::set<caf::actor_addr> local;
  // This pipeline's actors: a cluster coordinator waits on the same actor
  // for every epoch, and the downs of an earlier epoch's actors (stopped by
  // it, on other nodes) may still come in.
  std::set<caf::actor_addr> mine;
  for (auto& a : everyone) {
    self->monitor(a);
    mine.insert(a.address());
    if (a.node() == self->system().node())
      local.insert(a.address());
  }
  caf::expected<pipeline_summary> result = caf::error{};
  bool running = true;
  while (running) {
    self->receive(
        [&](atom::done, pipeline_summary& summary) {
          // The end of this pipeline only: a cluster coordinator waits on
          // the same actor for every epoch, and the sink of an epoch that
          // was stopped may have said it was done just before.
          if (caf::actor_cast<caf::actor_addr>(self->current_sender())
              != actors.sink.address())
            return;
          running = false;
          // A signal that came before the end was noticed wins: the caller
          // asked to stop, and says so with exit status 130 (the restart
          // then finds the input ended and completes at once).
          if (stop_requested()) {
            result = stopped(self, actors, data_dir, local);
            return;
          }
          if (actors.coordinator) {
            // The final checkpoint marks the run complete: a restart of the
            // same command has nothing to do.
            auto id = checkpoint_now(self, actors.coordinator, true, local);
            if (!id) {
              result = std::move(id.error());
              return;
            }
          }
          result = std::move(summary);
        },
        [&](caf::down_msg& down) {
          local.erase(down.source);
          if (mine.count(down.source) == 0 || !down.reason
              || down.reason == caf::exit_reason::normal)
            return;
          result = std::move(down.reason);
          running = false;
        },
        caf::after(stop_poll) >>
            [&] {
              if (stop_requested()) {
                running = false;
                result = stopped(self, actors, data_dir, local);
              }
            });
  }
  if (so_far != nullptr && !result && has_code(result.error(), ec::interrupted))
    *so_far = summary_so_far(self, actors);
  // Every actor runs until told: readers and shards stay for checkpoints
  // after their input ended.
  for (auto& a : everyone)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  // Wait until this process's actors have terminated: the sink's outputs
  // are closed then (an actor's state goes with its termination).
  auto deadline = std::chrono::steady_clock::now() + exit_timeout;
  while (!local.empty() && std::chrono::steady_clock::now() < deadline)
    self->receive([&](caf::down_msg& down) { local.erase(down.source); },
                  caf::after(exit_timeout) >> [&] { local.clear(); });
  return result;
}

} // namespace crashwatch
