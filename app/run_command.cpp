// `crashwatch run`: the whole pipeline in one process.
#include <chrono>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "app/commands.hpp"
#include "app/local_pipeline.hpp"
#include "app/pipeline_inputs.hpp"
#include "app/run_report.hpp"
#include "app/stop_signals.hpp"
#include "messages/actor_system_config.hpp"

namespace crashwatch {

int execute_run(const run_options& opts) {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  auto started = std::chrono::steady_clock::now();
  install_stop_signals();
  return report_run("run", run_local_pipeline(sys, opts), started);
}

command_action setup_run_command(CLI::App& cmd) {
  cmd.description("read JSON Lines files (or stdin) or Kafka and report "
                  "users with too many severe crashes per event-time window");
  cmd.footer("Durations take a unit: ms, s, m, h (1.5s is fine, 10 is not). "
             "Exit status: 0 done, 1 runtime failure, 2 bad options, 130 "
             "stopped by Ctrl-C or SIGTERM (docs/OPERATING.md).");
  auto opts = std::make_shared<run_options>();
  add_run_options(cmd, *opts);
  return [&cmd, opts] {
    validate_run_options(cmd, *opts);
    for (auto& input : opts->inputs)
      if (node_input(input))
        throw usage_error("--input " + input
                          + ": node:// names a file of a cluster node; run "
                            "reads its own files (see crashwatch node)");
    return execute_run(*opts);
  };
}

} // namespace crashwatch
