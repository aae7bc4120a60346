#include "generator/background_writer.hpp"

#include <cerrno>

#include <unistd.h>

namespace crashwatch {

namespace {

/// Writes all of `data` to `fd`; 0 or the errno of the failure.
int write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

} // namespace

background_writer::background_writer(int fd)
    : fd_(fd), thread_([this] { loop(); }) {}

background_writer::~background_writer() {
  finish();
}

void background_writer::submit(std::string& buf) {
  std::unique_lock<std::mutex> lock{mutex_};
  idle_.wait(lock, [this] { return !pending_; });
  std::swap(buf, full_);
  buf.clear();
  pending_ = true;
  ready_.notify_one();
}

int background_writer::finish() {
  {
    std::unique_lock<std::mutex> lock{mutex_};
    idle_.wait(lock, [this] { return !pending_; });
    done_ = true;
    ready_.notify_one();
  }
  if (thread_.joinable())
    thread_.join();
  return error_;
}

void background_writer::loop() {
  std::unique_lock<std::mutex> lock{mutex_};
  for (;;) {
    ready_.wait(lock, [this] { return pending_ || done_; });
    if (!pending_)
      return;
    lock.unlock();
    // After a failure keep draining (and dropping) so the caller never
    // blocks; it reports the error at the end.
    if (error_ == 0)
      error_ = write_all(fd_, full_.data(), full_.size());
    lock.lock();
    pending_ = false;
    idle_.notify_one();
  }
}

} // namespace crashwatch
