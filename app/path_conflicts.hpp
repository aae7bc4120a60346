// Files a command reads and writes must not be the same file: two outputs on
// one path interleave partial lines (and a restart can no longer cut them
// back), an output on an input rewrites what is being read.
#pragma once

#include <string>
#include <vector>

namespace crashwatch {

/// One path given on the command line, with the option that named it.
struct named_path {
  std::string option;
  std::string path;
  /// Read, not written: inputs may share a file with each other.
  bool input = false;
};

/// Throws usage_error naming both options when two of `paths` name the same
/// file and at least one of them is written: the same inode when it exists
/// (hard links and symlinks included), the same absolute path when it does
/// not yet. "" and "-" (stdin, stdout, stderr) and character devices
/// (/dev/null, a terminal) may be shared.
void check_distinct_files(const std::vector<named_path>& paths);

/// Throws usage_error when an --input is not a regular file: --data-dir
/// resumes by reading an input again from an offset, which a named pipe or
/// a device cannot do. Paths that do not exist are left to the open's error.
void check_rereadable_inputs(const std::vector<std::string>& inputs);

} // namespace crashwatch
