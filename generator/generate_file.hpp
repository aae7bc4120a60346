// `crashwatch generate --output-file`: generated log lines written to a file
// or stdout, fast enough to make benchmark inputs (10 M lines) in seconds.
#pragma once

#include <cstdint>
#include <string>

#include <caf/expected.hpp>

#include "generator/log_generator.hpp"

namespace crashwatch {

/// What write_generated_file() did.
struct file_generate_result {
  /// Late, malformed and blank lines among those written.
  generated_counts counts;
  /// Wall-clock time taken.
  double seconds = 0;
};

/// Writes `records` lines of a log_generator with `options`, each followed
/// by a newline, to `path` ("-" = stdout; a file is replaced). Errors name
/// the file.
caf::expected<file_generate_result>
write_generated_file(const generator_options& options, int64_t records,
                     const std::string& path);

} // namespace crashwatch
