// `crashwatch run`: the whole pipeline in one process.
#include <chrono>
#include <iostream>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "app/commands.hpp"
#include "app/local_pipeline.hpp"
#include "app/run_summary.hpp"
#include "app/stop_signals.hpp"
#include "core/error.hpp"
#include "messages/actor_system_config.hpp"

namespace crashwatch {

int execute_run(const run_options& opts) {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  auto started = std::chrono::steady_clock::now();
  install_stop_signals();
  auto outcome = run_local_pipeline(sys, opts);
  if (!outcome) {
    auto& err = outcome.error();
    std::cerr << "crashwatch run: " << render(err) << '\n';
    // 130 = 128 + SIGINT, as shells report a command stopped by Ctrl-C.
    // 2: the command line does not fit the data dir's journal (the fix is
    // in the command line, as for any bad option).
    return has_code(err, ec::interrupted)        ? 130
           : has_code(err, ec::journal_mismatch) ? 2
                                                 : 1;
  }
  if (outcome->already_complete) {
    std::cerr << format_run_counts(outcome->summary) << '\n';
    return 0;
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                               - started)
                     .count();
  std::cerr << format_run_summary(outcome->summary, seconds,
                                  outcome->resumed_records)
            << '\n';
  return 0;
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
    return execute_run(*opts);
  };
}

} // namespace crashwatch
