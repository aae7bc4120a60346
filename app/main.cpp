// Entry point: dispatches to the subcommands declared in app/commands.hpp.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli_args.hpp"
#include "app/commands.hpp"

namespace {

constexpr const char* usage_text = R"(usage: crashwatch <command> [options]

commands:
  run       read JSON Lines files (or stdin) and report users with too many
            severe crashes per event-time window
  generate  write realistic log records (for demos, tests and benchmarks)
  demo      generate sample records and run the pipeline on them
  broker    an embedded Kafka broker for development and tests

'crashwatch <command> --help' lists the options of a command.
)";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage_text;
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "run")
      return crashwatch::run_command(std::move(args));
    if (command == "generate")
      return crashwatch::generate_command(std::move(args));
    if (command == "demo")
      return crashwatch::demo_command(std::move(args));
    if (command == "broker")
      return crashwatch::broker_command(std::move(args));
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << usage_text;
      return 0;
    }
    std::cerr << "crashwatch: unknown command '" << command
              << "' (try: run, generate, demo, broker)\n";
    return 2;
  } catch (const crashwatch::usage_error& e) {
    std::cerr << "crashwatch " << command << ": " << e.what() << '\n';
    return 2;
  }
}
