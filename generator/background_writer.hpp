// Writes full buffers to a file descriptor on a thread of its own while the
// caller fills the next one: generating and writing each take about half the
// time of a 10 M-line `crashwatch generate`, and the machine has more than
// one core.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace crashwatch {

/// Double-buffered writer: one buffer is written while the other is filled.
class background_writer {
 public:
  /// Writes to `fd` (not closed by the writer).
  explicit background_writer(int fd);

  /// Waits for what was submitted (see finish()).
  ~background_writer();

  background_writer(const background_writer&) = delete;
  background_writer& operator=(const background_writer&) = delete;

  /// Hands over `buf` for writing and gives back an empty buffer to fill.
  /// Blocks while the previous buffer is still being written.
  void submit(std::string& buf);

  /// Waits until everything is written; returns 0 or the first errno.
  int finish();

 private:
  void loop();

  int fd_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::string full_;
  bool pending_ = false;
  bool done_ = false;
  int error_ = 0;
  std::thread thread_;
};

} // namespace crashwatch
