#include "io/output_stream.hpp"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "persistence/directory_sync.hpp"

namespace crashwatch {

namespace {

caf::error write_error(const std::string& name) {
  return make_error(ec::output_error,
                    "cannot write " + name + ": " + std::strerror(errno));
}

} // namespace

caf::expected<std::unique_ptr<output_stream>>
output_stream::open(const std::string& path) {
  if (path.empty() || path == "-")
    return std::unique_ptr<output_stream>{
        new output_stream(stdout, "stdout", false)};
  if (path == "stderr")
    return std::unique_ptr<output_stream>{
        new output_stream(stderr, "stderr", false)};
  auto* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr)
    return make_error(ec::output_error, "cannot open output " + path + ": "
                                            + std::strerror(errno));
  return std::unique_ptr<output_stream>{new output_stream(file, path, true)};
}

output_stream::output_stream(std::FILE* file, std::string name, bool owned)
    : file_(file), name_(std::move(name)), owned_(owned) {
  // stdout and stderr are not ours even when redirected to a regular file:
  // the shell opened them, maybe without O_APPEND, and truncating under a
  // write offset beyond the end would leave a hole of zeros.
  struct stat st;
  seekable_
      = owned_ && ::fstat(::fileno(file_), &st) == 0 && S_ISREG(st.st_mode);
}

output_stream::~output_stream() {
  if (owned_)
    std::fclose(file_);
  else
    std::fflush(file_);
}

caf::error output_stream::write(std::string_view text) {
  if (!text.empty()
      && std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    return write_error(name_);
  return caf::none;
}

caf::error output_stream::flush() {
  if (std::fflush(file_) != 0)
    return write_error(name_);
  return caf::none;
}

caf::expected<int64_t> output_stream::size() {
  if (auto err = flush())
    return err;
  struct stat st;
  if (::fstat(::fileno(file_), &st) != 0)
    return make_error(ec::output_error, "cannot tell the size of " + name_
                                            + ": " + std::strerror(errno));
  return static_cast<int64_t>(st.st_size);
}

caf::expected<int64_t> output_stream::position() {
  if (!seekable_)
    return int64_t{-1};
  return size();
}

caf::error output_stream::cut_back(int64_t position) {
  if (!seekable_)
    return caf::none;
  if (position < 0)
    return make_error(ec::output_error,
                      "cannot resume: cannot cut " + name_ + " back to byte "
                          + std::to_string(position)
                          + " (the last checkpoint has no position in it: was "
                            "it not a regular file then?)");
  auto current = size();
  if (!current)
    return std::move(current.error());
  if (*current < position)
    return make_error(ec::output_error,
                      "cannot resume: " + name_ + " has "
                          + std::to_string(*current) + " bytes, fewer than the "
                          + std::to_string(position)
                          + " committed at the last checkpoint (changed "
                            "outside crashwatch?)");
  // Opened with "ab" (O_APPEND): every write goes to the end of the file,
  // so the next one lands at `position` without a seek.
  if (*current > position
      && ::ftruncate(::fileno(file_), static_cast<off_t>(position)) != 0)
    return make_error(ec::output_error,
                      "cannot cut " + name_ + " back to "
                          + std::to_string(position)
                          + " bytes: " + std::strerror(errno));
  return caf::none;
}

caf::error output_stream::sync() {
  if (auto err = flush())
    return err;
  // fdatasync, not fsync: the data and the size are what a restart reads;
  // timestamps are not worth a second write.
  if (!seekable_)
    return caf::none;
  if (::fdatasync(::fileno(file_)) != 0)
    return make_error(ec::output_error, "cannot sync " + name_ + " to disk: "
                                            + std::strerror(errno));
  // Once: the file's name, too (persistence/directory_sync.hpp). A new
  // output lost by name in a power loss would be shorter than the
  // checkpoint that counts on it, and the restart would refuse to resume.
  if (!name_synced_) {
    if (auto err = sync_directory(parent_directory(name_)))
      return make_error(ec::output_error,
                        "cannot sync " + name_ + " to disk: " + render(err));
    name_synced_ = true;
  }
  return caf::none;
}

} // namespace crashwatch
