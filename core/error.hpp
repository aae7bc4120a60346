// crashwatch's error codes (after libvast/vast/error.hpp). Every failure of
// a file, SQLite or librdkafka call reaches its caller as a caf::error made
// here, carrying one line of text for people.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

namespace crashwatch {

/// What went wrong.
enum class ec : uint8_t {
  /// An input (file, stdin, Kafka partition) cannot be opened or read.
  input_error = 1,
  /// An output (alerts, late records, dead letters) cannot be written.
  output_error,
  /// The settings do not fit together or do not fit stored state.
  config_error,
  /// Stopped by SIGINT or SIGTERM before the end of the input.
  interrupted,
  /// The run's settings differ from those its data dir's journal was
  /// written with (exit status 2: the fix is in the command line).
  journal_mismatch,
};

/// The error category of `ec` inside caf::error.
constexpr caf::atom_value error_category = caf::atom("crashwatch");

/// An error of code `code` with `text` for people, e.g.
/// make_error(ec::input_error, "cannot open input x.jsonl: No such file").
caf::error make_error(ec code, std::string text);

/// True when `err` is an error of crashwatch's category with code `code`.
inline bool has_code(const caf::error& err, ec code) {
  return err.category() == error_category
         && err.code() == static_cast<uint8_t>(code);
}

/// The text of an error made by make_error(), or CAF's rendering of others.
std::string render(const caf::error& err);

} // namespace crashwatch
