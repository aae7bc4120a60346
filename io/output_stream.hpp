// An append-only text output: a file (appended to, as SPEC.md says of
// --output-file), stdout or stderr. Every write failure is reported.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace crashwatch {

/// A buffered output that the caller flushes at points where the text must
/// be visible (after each batch of alerts).
class output_stream {
public:
  /// Opens `path` for appending; "-" or "" means stdout, "stderr" stderr.
  static caf::expected<std::unique_ptr<output_stream>>
  open(const std::string& path);

  ~output_stream();

  /// Writes `text`; an error names the output.
  caf::error write(std::string_view text);

  /// Pushes buffered text to the OS.
  caf::error flush();

  /// The path, or "stdout"/"stderr".
  const std::string& name() const {
    return name_;
  }

private:
  output_stream(std::FILE* file, std::string name, bool owned);

  std::FILE* file_;
  std::string name_;
  bool owned_;
};

} // namespace crashwatch
