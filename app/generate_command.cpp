// `crashwatch generate`: writes realistic log records as JSON Lines to a file
// or stdout, fast enough to make benchmark inputs (10 M lines) in seconds,
// or produces them to Kafka at a steady rate (a load generator).
#include <cerrno>
#include <condition_variable>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <algorithm>
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
#include "app/stop_signals.hpp"
#include "core/duration.hpp"
#include "core/event_time.hpp"
#include "core/error.hpp"
#include "core/log_generator.hpp"
#include "core/wall_clock.hpp"
#include "io/kafka_config.hpp"
#include "io/kafka_producer.hpp"

namespace crashwatch {

namespace {

constexpr const char* generate_usage = R"(usage: crashwatch generate --output-file FILE|- [options]
       crashwatch generate --brokers HOST:PORT [--topic logs] [--rate N]
                           [--duration 60s] [--records N] [options]

Writes JSON Lines log records like a real app fleet's load generator, to a
file, or as Kafka messages (keyed by user_id) to a topic.

options:
  --output-file FILE     where to write ('-' for stdout); replaced if it exists
  --records N            lines to write (default 1000000; with --brokers: no
                         limit, --duration decides)
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

Kafka (instead of --output-file):
  --brokers HOST:PORT    bootstrap servers, e.g. the address printed by
                         'crashwatch broker'
  --topic NAME           topic to produce to (default logs)
  --rate N               records per second, paced evenly (also N/s;
                         default 1000; 0 = as fast as possible)
  --duration D           stop after D (default 60s), or after --records,
                         whichever comes first
  --partition P          produce everything to partition P (default: by key)
  -X key=value           librdkafka producer property (repeatable), e.g.
                         -X message.timeout.ms=5000
  With a rate, event time follows the wall clock (--start defaults to now and
  --events-per-second to the rate); with --rate 0 it starts at the fixed
  default, so a run is reproducible. No blank lines are produced. Progress
  goes to stderr every 5 s; the exit status is 1 when the broker cannot be
  reached or any message is not delivered (the first failure is named),
  130 after SIGINT/SIGTERM (what was produced is still flushed).
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

/// What `generate --brokers` does.
struct kafka_generate_options {
  std::string brokers;
  std::string topic = "logs";
  /// Records per second; 0 = unpaced.
  double rate = 1000;
  int64_t duration_ms = 60'000;
  /// -1 = no limit.
  int64_t records = -1;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  std::vector<kafka_property> properties;
};

/// The user_id of a generated line, unescaped, or "" when it has none (some
/// malformed lines): the message key, so that a user's records share a
/// partition. Lines are flat objects written by log_generator: the first
/// `"user_id"` is the field.
std::string user_key(std::string_view line) {
  std::string key;
  auto at = line.find("\"user_id\"");
  if (at == std::string_view::npos)
    return key;
  auto i = at + 9;
  while (i < line.size() && (line[i] == ' ' || line[i] == ':'))
    ++i;
  if (i >= line.size() || line[i] != '"')
    return key;
  for (++i; i < line.size() && line[i] != '"'; ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      key.push_back(line[i]);
      continue;
    }
    auto c = line[++i];
    if (c == 'u' && i + 4 < line.size()) {
      // The generator only escapes ASCII (user\u005f1361).
      auto code = std::strtol(std::string{line.substr(i + 1, 4)}.c_str(),
                              nullptr, 16);
      key.push_back(static_cast<char>(code));
      i += 4;
    } else {
      key.push_back(c);
    }
  }
  return key;
}

/// `generate --brokers`: 0 on success, 1 when the broker is unreachable or a
/// delivery fails.
int generate_to_kafka(generator_options gen_opts,
                      const kafka_generate_options& opts) {
  using clock = std::chrono::steady_clock;
  // Fail within a minute when the broker goes away (librdkafka's default is
  // 5 minutes); -X message.timeout.ms=... overrides it.
  std::vector<kafka_property> props{{"message.timeout.ms", "60000"}};
  props.insert(props.end(), opts.properties.begin(), opts.properties.end());
  auto producer = kafka_producer::open(opts.brokers, props);
  if (!producer) {
    std::cerr << "crashwatch generate: " << render(producer.error()) << '\n';
    return 1;
  }
  auto& out = **producer;
  auto partitions = out.partition_count(opts.topic);
  if (!partitions) {
    std::cerr << "crashwatch generate: " << render(partitions.error()) << '\n';
    return 1;
  }
  if (opts.partition != RD_KAFKA_PARTITION_UA
      && opts.partition >= *partitions) {
    std::cerr << "crashwatch generate: --partition " << opts.partition
              << ": topic " << opts.topic << " has only " << *partitions
              << " partitions\n";
    return 1;
  }
  log_generator gen{gen_opts};
  generated_counts counts;
  std::string line;
  line.reserve(1024);
  auto started = clock::now();
  auto deadline = started + std::chrono::milliseconds{opts.duration_ms};
  auto next_progress = started + std::chrono::seconds{5};
  auto last = started;
  // Token bucket: earns `rate` tokens per second, holds at most 50 ms worth
  // (at least one), so a stall (broker down, queue full) is not followed by
  // a burst far above the target rate.
  // One token to start: the first record goes out at once.
  double tokens = 1;
  const double burst = std::max(1.0, opts.rate * 0.05);
  uint64_t sent = 0;
  const uint64_t limit = opts.records < 0 ? std::numeric_limits<uint64_t>::max()
                                          : static_cast<uint64_t>(opts.records);
  caf::error failure;
  // Ctrl-C stops producing but still waits for what is in flight, so the
  // final line tells exactly what reached the broker.
  install_stop_signals();
  bool interrupted = false;
  while (sent < limit) {
    auto now = clock::now();
    if (now >= deadline)
      break;
    if (stop_requested()) {
      interrupted = true;
      break;
    }
    if (now >= next_progress) {
      auto secs = std::chrono::duration<double>(now - started).count();
      char text[256];
      std::snprintf(text, sizeof text,
                    "crashwatch generate: %llu records sent, %llu delivered "
                    "in %.0f s (%.0f records/s)",
                    static_cast<unsigned long long>(sent),
                    static_cast<unsigned long long>(out.delivered()), secs,
                    static_cast<double>(sent) / secs);
      std::cerr << text << '\n';
      next_progress += std::chrono::seconds{5};
    }
    uint64_t batch = 1000;
    if (opts.rate > 0) {
      tokens = std::min(burst, tokens
                                 + opts.rate
                                     * std::chrono::duration<double>(now - last)
                                         .count());
      last = now;
      if (tokens < 1) {
        // Sleep until the next token, in small steps so delivery reports
        // are served and the deadline is kept.
        auto wait_ms = std::clamp(static_cast<int>((1 - tokens) * 1000
                                                   / opts.rate),
                                  1, 5);
        out.poll(wait_ms);
        continue;
      }
      batch = static_cast<uint64_t>(tokens);
      tokens -= static_cast<double>(batch);
    }
    batch = std::min(batch, limit - sent);
    for (uint64_t i = 0; i < batch && !failure; ++i) {
      line.clear();
      counts.add(gen.append_next(line));
      failure = out.produce(opts.topic, user_key(line), line, opts.partition);
      if (!failure)
        ++sent;
    }
    // A delivery that failed means the broker is gone or refuses: stop.
    if (failure || out.failed() > 0)
      break;
  }
  auto produced_for = std::chrono::duration<double>(clock::now() - started)
                        .count();
  // Everything produced must be confirmed (or reported) before we exit.
  auto flushed = out.flush(std::chrono::milliseconds{70'000});
  if (!failure)
    failure = std::move(flushed);
  auto secs = std::chrono::duration<double>(clock::now() - started).count();
  char text[512];
  std::snprintf(text, sizeof text,
                "crashwatch generate: produced %llu records (%llu late, %llu "
                "malformed) to topic %s at %s in %.3f s: %.0f records/s "
                "(target %s), %llu delivered, %llu failed",
                static_cast<unsigned long long>(sent),
                static_cast<unsigned long long>(counts.late),
                static_cast<unsigned long long>(counts.malformed), opts.topic.c_str(),
                opts.brokers.c_str(), secs,
                produced_for > 0 ? static_cast<double>(sent) / produced_for : 0.0,
                opts.rate > 0 ? (std::to_string(static_cast<int64_t>(opts.rate))
                                 + "/s")
                                  .c_str()
                              : "unpaced",
                static_cast<unsigned long long>(out.delivered()),
                static_cast<unsigned long long>(out.failed()));
  std::cerr << text << '\n';
  if (failure) {
    std::cerr << "crashwatch generate: " << render(failure) << '\n';
    return 1;
  }
  // 130 = 128 + SIGINT, as `run` reports a stop by Ctrl-C.
  return interrupted ? 130 : 0;
}

} // namespace

int generate_command(std::vector<std::string> args) {
  for (auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << generate_usage;
      return 0;
    }
  generator_options opts;
  int64_t records = 1'000'000;
  bool has_records = false;
  std::string output;
  bool has_output = false;
  kafka_generate_options kafka;
  bool has_start = false;
  bool has_events_per_second = false;
  bool has_kafka_only = false;
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
      has_records = true;
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
      has_start = true;
    } else if (opt == "--events-per-second") {
      opts.events_per_second = cli.number(0.001, 1e9);
      has_events_per_second = true;
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
    } else if (opt == "--brokers") {
      kafka.brokers = cli.value();
      if (kafka.brokers.empty())
        cli.fail("needs HOST:PORT");
    } else if (opt == "--topic") {
      kafka.topic = cli.value();
      if (kafka.topic.empty())
        cli.fail("needs a topic name");
      has_kafka_only = true;
    } else if (opt == "--rate") {
      auto text = cli.value();
      auto number = text;
      if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0)
        number.resize(number.size() - 2);
      char* end = nullptr;
      auto v = std::strtod(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !(v >= 0 && v <= 1e8))
        cli.fail("'" + text + "' is not a rate (records per second, 0 to "
                 "100000000, like 5000 or 5000/s)");
      kafka.rate = v;
      has_kafka_only = true;
    } else if (opt == "--duration") {
      kafka.duration_ms = cli.duration_ms(1);
      has_kafka_only = true;
    } else if (opt == "--partition") {
      kafka.partition = static_cast<int32_t>(cli.integer(0, 1'000'000));
      has_kafka_only = true;
    } else if (opt == "-X") {
      auto prop = parse_kafka_setting(cli.value());
      if (!prop)
        throw usage_error(render(prop.error()));
      kafka.properties.push_back(std::move(*prop));
      has_kafka_only = true;
    } else {
      cli.unknown("generate");
    }
  }
  if (!kafka.brokers.empty()) {
    if (has_output)
      throw usage_error("--output-file and --brokers exclude each other");
    if (has_records)
      kafka.records = records;
    // A blank Kafka message means nothing; file readers skip blank lines.
    opts.blank_fraction = 0;
    if (kafka.rate > 0) {
      // A load generator: event time runs with the wall clock.
      if (!has_start)
        opts.start_ms = wall_clock_ms();
      if (!has_events_per_second)
        opts.events_per_second = kafka.rate;
    }
    return generate_to_kafka(opts, kafka);
  }
  if (has_kafka_only)
    throw usage_error("--topic, --rate, --duration, --partition and -X need "
                      "--brokers");
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
  generated_counts counts;
  std::string buf;
  buf.reserve(flush_bytes + 4096);
  background_writer writer{fd};
  for (int64_t i = 0; i < records; ++i) {
    counts.add(gen.append_next(buf));
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
                static_cast<unsigned long long>(counts.late),
                static_cast<unsigned long long>(counts.malformed),
                static_cast<unsigned long long>(counts.blank),
                output == "-" ? "stdout" : output.c_str(), seconds,
                seconds > 0 ? static_cast<double>(records) / seconds / 1e6
                            : 0.0);
  std::cerr << line << '\n';
  return 0;
}

} // namespace crashwatch
