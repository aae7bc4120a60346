#include "app/run_report.hpp"

#include <iostream>

#include "app/run_summary.hpp"
#include "core/error.hpp"

namespace crashwatch {

int report_run(const std::string& who,
               const caf::expected<pipeline_outcome>& outcome,
               std::chrono::steady_clock::time_point started) {
  if (!outcome) {
    auto& err = outcome.error();
    std::cerr << "crashwatch " << who << ": " << render(err) << '\n';
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
  if (outcome->stopped)
    // Where it stopped, then what it had done by then.
    std::cerr << "crashwatch " << who << ": " << render(outcome->stopped)
              << '\n';
  std::cerr << format_run_summary(outcome->summary, seconds,
                                  outcome->resumed_records)
            << '\n';
  return outcome->stopped ? 130 : 0;
}

} // namespace crashwatch
