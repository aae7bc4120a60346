#include "io/file_source.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace crashwatch {

namespace {

caf::error io_error(const std::string& what) {
  return make_error(ec::input_error, what);
}

} // namespace

caf::expected<std::unique_ptr<file_source>>
file_source::open(const std::string& path, size_t chunk_bytes) {
  int fd = 0;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return io_error("cannot open input " + path + ": "
                      + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      return io_error("cannot read input " + path + ": is a directory");
    }
  }
  return std::unique_ptr<file_source>{
    new file_source(fd, path, chunk_bytes)};
}

file_source::file_source(int fd, std::string path, size_t chunk_bytes)
  : fd_(fd), path_(std::move(path)), chunk_bytes_(chunk_bytes) {
  struct stat st;
  // Pipes, terminals and sockets may have nothing to read for a while: ask
  // poll() first so the reader never blocks its thread (idle detection).
  is_stdin_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
}

file_source::~file_source() {
  if (fd_ > 0)
    ::close(fd_);
}

std::string file_source::describe() const {
  return path_ == "-" ? std::string{"stdin"} : "file " + path_;
}

caf::expected<poll_status> file_source::poll(std::vector<source_record>& out) {
  // The records handed out last time are done with: drop their bytes.
  if (handed_out_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + handed_out_,
                 filled_ - handed_out_);
    base_offset_ += handed_out_;
    filled_ -= handed_out_;
    handed_out_ = 0;
  }
  size_t pos = 0;
  for (;;) {
    if (eof_ && filled_ == 0)
      return poll_status::end;
    if (!eof_) {
      if (buffer_.size() < filled_ + chunk_bytes_)
        buffer_.resize(filled_ + chunk_bytes_);
      if (is_stdin_) {
        pollfd pfd{fd_, POLLIN, 0};
        int ready = ::poll(&pfd, 1, 0);
        if (ready < 0 && errno != EINTR)
          return io_error("cannot read " + describe() + ": "
                          + std::strerror(errno));
        if (ready <= 0)
          return poll_status::no_data;
      }
      ssize_t n;
      do {
        n = ::read(fd_, buffer_.data() + filled_, buffer_.size() - filled_);
      } while (n < 0 && errno == EINTR);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return poll_status::no_data;
      if (n < 0)
        return io_error("cannot read " + describe() + ": "
                        + std::strerror(errno));
      eof_ = n == 0;
      filled_ += static_cast<size_t>(n);
    }
    const char* data = buffer_.data();
    while (pos < filled_) {
      auto nl = static_cast<const char*>(
        std::memchr(data + pos, '\n', filled_ - pos));
      if (nl == nullptr)
        break;
      auto len = static_cast<size_t>(nl - (data + pos));
      out.push_back({record_offset{static_cast<int64_t>(base_offset_ + pos)},
                     std::string_view{data + pos, len}});
      pos += len + 1;
    }
    // The last line of a file need not end with a newline.
    if (eof_ && pos < filled_) {
      out.push_back({record_offset{static_cast<int64_t>(base_offset_ + pos)},
                     std::string_view{data + pos, filled_ - pos}});
      pos = filled_;
    }
    if (pos > 0 || eof_)
      break;
    // A line longer than the buffer: read more of it before handing it out.
  }
  handed_out_ = pos;
  consumed_ += pos;
  return pos > 0 ? poll_status::records : poll_status::end;
}

} // namespace crashwatch
