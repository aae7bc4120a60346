// An append-only text output: a file (appended to, as SPEC.md says of
// --output-file), stdout or stderr. Every write failure is reported.
//
// For checkpoints, a regular file also tells its position (its size: the
// next append goes there), can be cut back to a position committed earlier
// (what was written after it is written again after a restart) and synced
// to disk. Other outputs (stdout, pipes, terminals, /dev/null) cannot take
// back what they passed on: for them these calls do nothing.
#pragma once

#include <cstdint>
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

  /// True for a regular file opened by path; false for stdout and stderr
  /// (whatever they are redirected to) and for pipes, terminals and devices.
  bool seekable() const { return seekable_; }

  /// Flushes and returns the file's size in bytes, the position of the next
  /// append; -1 when not seekable().
  caf::expected<int64_t> position();

  /// Flushes and truncates the file to `position` (a position() taken
  /// earlier); later writes append at the new end. Fails when the file is
  /// shorter than `position`. Does nothing when not seekable().
  caf::error cut_back(int64_t position);

  /// Flushes and, for a seekable file, waits until its data is on disk
  /// (fdatasync; the first time also its directory, for the file's name), so
  /// that a checkpoint referring to it may commit.
  caf::error sync();

  /// The path, or "stdout"/"stderr".
  const std::string& name() const { return name_; }

 private:
  output_stream(std::FILE* file, std::string name, bool owned);

  /// The file's size (after a flush), or an error naming it.
  caf::expected<int64_t> size();

  std::FILE* file_;
  std::string name_;
  bool owned_;
  bool seekable_ = false;
  /// sync() has synced the directory that names the file.
  bool name_synced_ = false;
};

} // namespace crashwatch
