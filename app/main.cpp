// Entry point: one CLI11 parser with the subcommands of app/commands.hpp.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "app/cli.hpp"
#include "app/commands.hpp"

int main(int argc, char** argv) {
  using namespace crashwatch;
  auto root = make_root_parser();
  std::vector<std::pair<std::string, command_action>> actions;
  std::string names;
  for (auto& command : commands) {
    actions.emplace_back(command.name,
                         command.setup(add_command(*root, command.name)));
    names += names.empty() ? command.name : std::string{", "} + command.name;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << root->help();
    return 2;
  }
  const auto& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << root->help();
    return 0;
  }
  const command_action* action = nullptr;
  for (auto& [command, act] : actions)
    if (command == name)
      action = &act;
  if (action == nullptr) {
    std::cerr << "crashwatch: unknown command '" << name << "' (try: " << names
              << ")\n";
    return 2;
  }
  try {
    parse_command_line(*root, args);
    return (*action)();
  } catch (const CLI::CallForHelp&) {
    // The help of the command (CLI11 hands it to the parsed subcommand).
    std::cout << root->help();
    return 0;
  } catch (const usage_error& e) {
    std::cerr << "crashwatch " << name << ": " << e.what() << '\n';
    return 2;
  }
}
