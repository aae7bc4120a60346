// The subcommands of the crashwatch binary. Each takes its own arguments
// (without program name and subcommand) and returns the process exit status:
// 0 success, 1 runtime failure (unreadable input, ...), 2 bad options.
#pragma once

#include <string>
#include <vector>

namespace crashwatch {

/// `crashwatch run ...`: the whole pipeline in one process.
int run_command(std::vector<std::string> args);

/// `crashwatch generate ...`: writes realistic log records.
int generate_command(std::vector<std::string> args);

/// `crashwatch demo`: sample data through the pipeline, alerts on the console.
int demo_command(std::vector<std::string> args);

/// `crashwatch broker ...`: an embedded development Kafka broker.
int broker_command(std::vector<std::string> args);

} // namespace crashwatch
