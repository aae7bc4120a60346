// `crashwatch generate`: writes realistic log records as JSON Lines to a file
// or stdout, fast enough to make benchmark inputs (10 M lines) in seconds.
#include <cerrno>
#include <condition_variable>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

#include "app/cli_args.hpp"
#include "app/commands.hpp"
#include "core/duration.hpp"
#include "core/event_time.hpp"
#include "core/log_generator.hpp"

namespace crashwatch {

namespace {

constexpr const char* generate_usage = R"(usage: crashwatch generate --output-file FILE|- [options]

Writes JSON Lines log records like a real app fleet's load generator.

options:
  --output-file FILE     where to write ('-' for stdout); replaced if it exists
  --records N            lines to write (default 1000000)
  --users U              users user_1000 .. user_(1000+U-1) (default 1000)
  --seed S               PRNG seed; same seed, same lines (default 1)
  --start TIME           event time of the first record: ISO-8601
                         (2026-01-20T13:53:00Z) or epoch ms
                         (default 2026-01-20T13:53:00Z)
  --events-per-second R  records per second of event time (default 1000)
  --late-fraction F      share of records 35-120 s behind the clock
                         (default 0.001)
  --out-of-order MS      largest backwards jitter, ms or a duration like 2s
                         (default 2000)
  --malformed-fraction F share of malformed lines (default 0)
)";

/// Flush the output buffer once it holds this much.
constexpr size_t flush_bytes = size_t{4} << 20;

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

/// Writes full buffers on its own thread while the caller fills the next
/// one: generating and writing each take about half the time of a 10 M-line
/// run, and the machine has more than one core.
class background_writer {
public:
  explicit background_writer(int fd) : fd_(fd), thread_([this] { loop(); }) {
  }

  ~background_writer() {
    finish();
  }

  /// Hands over `buf` for writing and gives back an empty buffer to fill.
  /// Blocks while the previous buffer is still being written.
  void submit(std::string& buf) {
    std::unique_lock<std::mutex> lock{mutex_};
    idle_.wait(lock, [this] { return !pending_; });
    std::swap(buf, full_);
    buf.clear();
    pending_ = true;
    ready_.notify_one();
  }

  /// Waits until everything is written; returns 0 or the first errno.
  int finish() {
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

private:
  void loop() {
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

} // namespace

int generate_command(std::vector<std::string> args) {
  for (auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << generate_usage;
      return 0;
    }
  generator_options opts;
  int64_t records = 1'000'000;
  std::string output;
  bool has_output = false;
  cli_args cli{std::move(args)};
  while (!cli.done()) {
    auto opt = cli.next_option();
    if (opt == "--output-file") {
      output = cli.value();
      if (output.empty())
        cli.fail("needs a file name or '-'");
      has_output = true;
    } else if (opt == "--records") {
      records = cli.integer(0, int64_t{1} << 40);
    } else if (opt == "--users") {
      opts.users = cli.integer(1, 10'000'000);
    } else if (opt == "--seed") {
      opts.seed = static_cast<uint64_t>(
        cli.integer(0, std::numeric_limits<int64_t>::max()));
    } else if (opt == "--start") {
      auto text = cli.value();
      // The record rules' own reader: epoch milliseconds or ISO-8601.
      auto start = timestamp_from_string(text, timestamp_unit::milliseconds);
      if (!start)
        cli.fail("'" + text
                 + "' is no time (use ISO-8601 like 2026-01-20T13:53:00Z "
                   "or epoch milliseconds)");
      opts.start_ms = start->value;
    } else if (opt == "--events-per-second") {
      opts.events_per_second = cli.number(0.001, 1e9);
    } else if (opt == "--late-fraction") {
      opts.late_fraction = cli.number(0, 1);
    } else if (opt == "--malformed-fraction") {
      opts.malformed_fraction = cli.number(0, 1);
    } else if (opt == "--out-of-order") {
      auto text = cli.value();
      std::optional<int64_t> ms;
      if (!text.empty()
          && text.find_first_not_of("0123456789") == std::string::npos
          && text.size() < 13)
        ms = std::stoll(text);
      else
        ms = parse_duration_ms(text);
      if (!ms)
        cli.fail("'" + text + "' is not a number of ms or a duration like 2s");
      opts.out_of_order_ms = *ms;
    } else {
      cli.unknown("generate");
    }
  }
  if (!has_output)
    throw usage_error("--output-file is required (a file name, or - for "
                      "stdout)");
  int fd = 1;
  if (output != "-") {
    fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::cerr << "crashwatch generate: cannot open " << output << ": "
                << std::strerror(errno) << '\n';
      return 1;
    }
  }
  auto started = std::chrono::steady_clock::now();
  log_generator gen{opts};
  uint64_t late = 0;
  uint64_t malformed = 0;
  uint64_t blank = 0;
  std::string buf;
  buf.reserve(flush_bytes + 4096);
  background_writer writer{fd};
  for (int64_t i = 0; i < records; ++i) {
    switch (gen.append_next(buf)) {
      case generated_kind::late_record:
        ++late;
        break;
      case generated_kind::malformed:
        ++malformed;
        break;
      case generated_kind::blank:
        ++blank;
        break;
      case generated_kind::record:
        break;
    }
    buf.push_back('\n');
    if (buf.size() >= flush_bytes) {
      writer.submit(buf);
      buf.reserve(flush_bytes + 4096);
    }
  }
  writer.submit(buf);
  auto err = writer.finish();
  if (fd != 1 && ::close(fd) != 0 && err == 0)
    err = errno;
  if (err != 0) {
    std::cerr << "crashwatch generate: cannot write "
              << (output == "-" ? std::string{"stdout"} : output) << ": "
              << std::strerror(err) << '\n';
    return 1;
  }
  auto seconds = std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - started)
                   .count();
  char line[256 + 4096];
  std::snprintf(line, sizeof line,
                "crashwatch generate: wrote %lld records (%llu late, %llu "
                "malformed, %llu blank) to %s in %.3f s (%.2f M lines/s)",
                static_cast<long long>(records),
                static_cast<unsigned long long>(late),
                static_cast<unsigned long long>(malformed),
                static_cast<unsigned long long>(blank),
                output == "-" ? "stdout" : output.c_str(), seconds,
                seconds > 0 ? static_cast<double>(records) / seconds / 1e6
                            : 0.0);
  std::cerr << line << '\n';
  return 0;
}

} // namespace crashwatch
