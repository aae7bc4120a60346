// The command line of crashwatch: one CLI11 parser (root "crashwatch") with a
// subcommand per command (app/commands.hpp). This file holds what every
// subcommand shares: how it is set up (`--help`, `--config FILE`, extra
// arguments kept for our own message), how a command line is parsed, and how
// every mistake becomes ONE line naming the option (usage_error, exit 2).
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace crashwatch {

/// A bad option or value; what() is one line naming the option, printed
/// after "crashwatch <command>: " before exiting with status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What a command does once its command line is parsed: checks what spans
/// options (throwing usage_error), then runs; returns the exit status.
using command_action = std::function<int()>;

/// One subcommand of crashwatch.
struct command_entry {
  const char* name;
  /// Declares the command's options on `cmd` (which already has --help and
  /// --config), sets its description, and returns what runs after parsing.
  command_action (*setup)(CLI::App& cmd);
};

/// The root parser "crashwatch", without subcommands: help formatting,
/// exactly one subcommand, extra arguments kept for reject_extra_arguments.
std::unique_ptr<CLI::App> make_root_parser();

/// Adds subcommand `name` to `root` as every crashwatch command is set up:
/// --help (which wins over any mistake on the line), then `--config FILE`
/// as its first option with a value (app/config_file.hpp), unknown
/// arguments kept (reported by parse_command_line).
CLI::App& add_command(CLI::App& root, const std::string& name);

/// Parses `args` (the arguments after the program name, starting with the
/// command) with `root`. Every mistake becomes a usage_error with one line:
/// CLI11's errors (describe_parse_error), the first unknown option or stray
/// word, a bad --config file. A help request passes as CLI::CallForHelp.
void parse_command_line(CLI::App& root, std::vector<std::string> args);

/// The one line crashwatch prints for a CLI11 parse error, in its own words
/// where CLI11's are unclear ("--window: 1 required TEXT missing" becomes
/// "--window needs a value"). The one place that knows CLI11's messages
/// (tests/app/cli_test.cpp checks them against the real parser).
std::string describe_parse_error(const CLI::Error& error);

/// Parses `args` (the arguments after the command name) for a command
/// `name` whose options `add` declares, exactly as main() does, then runs
/// `validate`: the entry point of tests. Throws usage_error.
template <class Options>
Options
parse_command_options(const std::string& name, std::vector<std::string> args,
                      void (*add)(CLI::App&, Options&),
                      void (*validate)(const CLI::App&, Options&) = nullptr) {
  auto root = make_root_parser();
  Options opts;
  auto& cmd = add_command(*root, name);
  add(cmd, opts);
  args.insert(args.begin(), name);
  parse_command_line(*root, std::move(args));
  if (validate != nullptr)
    validate(cmd, opts);
  return opts;
}

} // namespace crashwatch
