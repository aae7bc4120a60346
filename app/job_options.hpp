// Every job option of `run` (all but --data-dir, which belongs to a
// process, and --config) as (option, value) in one canonical text: what a
// cluster's coordinator compares the job options of a joining node with,
// and what a journal is bound to (app/job_settings).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/run_options.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace crashwatch {

/// (option, value) pairs, e.g. {"--window", "10s"}.
using option_values = std::vector<std::pair<std::string, std::string>>;

/// Every job option of `opts`, in the order of `run --help`.
option_values job_option_values(const run_options& opts);

/// Those of job_option_values() that were given to `cmd` (on the command
/// line or in a --config file).
option_values given_job_options(const CLI::App& cmd, const run_options& opts);

/// The value of `option` in `values` ("" when absent).
std::string value_of_option(const option_values& values,
                            const std::string& option);

} // namespace crashwatch
