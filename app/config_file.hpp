// `--config FILE` on every subcommand: options read from a file in CLI11's
// default config format, one `option = value` a line:
//
//     # comments start with #
//     input = ["logs-0.jsonl", "logs-1.jsonl"]   # a repeatable option: array
//     window = 10s                                # long name without --
//     severity = High,Critical                    # a comma list, or an array
//     X = ["fetch.wait.max.ms=10"]                # one-letter names: -X
//     exit-at-end = true                          # a flag
//
// An option given on the command line ignores the file's value (for lists
// too). CLI11 2.1.2 reads a config file (set_config) only for the main
// parser, never for a subcommand, so --config is an ordinary option whose
// callback fills the other options: it is declared first, CLI11 runs option
// callbacks in declaration order, and the options after it see the file's
// values as if given (their validators run on them too).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace crashwatch {

/// Adds `--config FILE` to `cmd`; must be its first option after --help.
CLI::Option* add_config_option(CLI::App& cmd);

/// Gives every option of `cmd` that is still empty (not on the command line)
/// its value from the config file `path`, checked at once. Throws
/// usage_error "--config PATH: ..." naming the file and the key: an
/// unreadable file, an unknown option, a section, a key set twice, a bad
/// value.
void apply_config_file(CLI::App& cmd, const std::string& path);

} // namespace crashwatch
