#include "io/file_source.hpp"

#include <algorithm>

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

/// Checks that `fd` (the regular file `path`, of `size` bytes) can be read
/// from byte `start` > 0 on: a line must start there, else the file is not
/// the one the offset was taken from.
caf::error check_resume_point(int fd, const std::string& path, off_t size,
                              uint64_t start) {
  auto prefix = "cannot resume input " + path + " at byte "
                + std::to_string(start) + ": ";
  if (start > static_cast<uint64_t>(size))
    return io_error(prefix + "it has only " + std::to_string(size)
                    + " bytes (truncated or replaced since the checkpoint?)");
  // A last line without a newline ends the file: resuming at the very end
  // of an unchanged file is fine although no newline precedes it.
  if (start == static_cast<uint64_t>(size))
    return caf::none;
  char before = 0;
  ssize_t n;
  do {
    n = ::pread(fd, &before, 1, static_cast<off_t>(start - 1));
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return io_error("cannot read input " + path + ": " + std::strerror(errno));
  if (n != 1 || before != '\n')
    return io_error(prefix
                    + "that is not the start of a line (the file changed "
                      "since the checkpoint?)");
  return caf::none;
}

} // namespace

caf::expected<std::unique_ptr<file_source>>
file_source::open(const std::string& path, size_t chunk_bytes,
                  uint64_t start_offset, uint64_t max_record_bytes) {
  // What was read from stdin is gone: it cannot be read again from an
  // offset, even when it happens to be a redirected file (which one?).
  if (path == "-" && start_offset > 0)
    return io_error("cannot resume stdin at byte "
                    + std::to_string(start_offset)
                    + ": stdin cannot be read again; give the input as a "
                      "file to resume it");
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
    if (start_offset > 0) {
      caf::error err;
      if (::fstat(fd, &st) != 0)
        err = io_error("cannot read input " + path + ": "
                       + std::strerror(errno));
      else if (!S_ISREG(st.st_mode))
        err = io_error("cannot resume input " + path + " at byte "
                       + std::to_string(start_offset)
                       + ": it is not a regular file (a pipe?) and cannot "
                         "be read again");
      else
        err = check_resume_point(fd, path, st.st_size, start_offset);
      if (!err && ::lseek(fd, static_cast<off_t>(start_offset), SEEK_SET) < 0)
        err = io_error("cannot read input " + path + ": "
                       + std::strerror(errno));
      if (err) {
        ::close(fd);
        return err;
      }
    }
  }
  return std::unique_ptr<file_source>{
      new file_source(fd, path, chunk_bytes, start_offset, max_record_bytes)};
}

file_source::file_source(int fd, std::string path, size_t chunk_bytes,
                         uint64_t start_offset, uint64_t max_record_bytes)
    : fd_(fd), path_(std::move(path)), chunk_bytes_(chunk_bytes),
      max_record_bytes_(max_record_bytes), base_offset_(start_offset),
      start_offset_(start_offset) {
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

void file_source::hand_out(std::vector<source_record>& out, uint64_t offset,
                           std::string_view line, uint64_t length) {
  // A UTF-8 byte order mark (EF BB BF) before a file's first line is not
  // part of the record: editors on Windows write one.
  if (offset == 0 && line.substr(0, 3) == "\xef\xbb\xbf") {
    line.remove_prefix(3);
    length -= 3;
  }
  source_record rec{record_offset{static_cast<int64_t>(offset)}, line};
  if (length > max_record_bytes_) {
    rec.oversized_bytes = length;
    rec.text = line.substr(0, record_prefix_bytes);
  }
  out.push_back(rec);
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
  auto appended = out.size();
  size_t pos = 0;
  for (;;) {
    if (eof_ && filled_ == 0 && !skipping_)
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
    if (skipping_) {
      // The rest of a line over the limit: dropped as it comes, up to its
      // newline (or the end of the file), which hands out its prefix.
      auto nl = static_cast<const char*>(std::memchr(data, '\n', filled_));
      auto len = nl == nullptr ? filled_ : static_cast<size_t>(nl - data);
      skip_length_ += len;
      if (nl == nullptr && !eof_) {
        base_offset_ += filled_;
        skip_dropped_ += filled_;
        filled_ = 0;
        // Back to the reader between chunks: a line that never ends
        // (/dev/zero) must not keep it from its messages.
        return poll_status::partial;
      }
      hand_out(out, skip_offset_, skip_prefix_, skip_length_);
      skipping_ = false;
      pos = nl == nullptr ? len : len + 1;
      // Bytes of the line dropped before: handed out now with it.
      consumed_ += skip_dropped_;
      skip_dropped_ = 0;
    }
    while (pos < filled_) {
      auto nl = static_cast<const char*>(
          std::memchr(data + pos, '\n', filled_ - pos));
      if (nl == nullptr)
        break;
      auto len = static_cast<size_t>(nl - (data + pos));
      hand_out(out, base_offset_ + pos, std::string_view{data + pos, len}, len);
      pos += len + 1;
    }
    // The last line of a file need not end with a newline.
    if (eof_ && pos < filled_) {
      hand_out(out, base_offset_ + pos,
               std::string_view{data + pos, filled_ - pos}, filled_ - pos);
      pos = filled_;
    }
    if (pos > 0 || eof_)
      break;
    if (filled_ > max_record_bytes_) {
      // A line over the limit, with no newline yet: keep its first bytes
      // and drop the rest as it is read, so that memory stays flat (a file
      // of NULs, /dev/zero).
      skipping_ = true;
      skip_offset_ = base_offset_;
      skip_prefix_.assign(data, std::min(filled_, record_prefix_bytes + 3));
      skip_length_ = filled_;
      skip_dropped_ = filled_;
      base_offset_ += filled_;
      filled_ = 0;
      continue;
    }
    // A line longer than the buffer: read more of it before handing it out.
  }
  handed_out_ = pos;
  consumed_ += pos;
  // A line over the limit that ends the file hands out a record with no
  // byte of this buffer.
  return out.size() > appended ? poll_status::records : poll_status::end;
}

} // namespace crashwatch
