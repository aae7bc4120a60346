#include "generator/kafka_load.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>

#include "core/error.hpp"
#include "io/kafka_producer.hpp"

namespace crashwatch {

std::string generated_user_key(std::string_view line) {
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

caf::expected<kafka_load_result>
produce_kafka_load(const generator_options& gen_opts,
                   const kafka_load_options& opts,
                   const std::function<bool()>& stop_requested) {
  using clock = std::chrono::steady_clock;
  // Fail within a minute when the broker goes away (librdkafka's default is
  // 5 minutes); -X message.timeout.ms=... overrides it.
  std::vector<kafka_property> props{{"message.timeout.ms", "60000"}};
  props.insert(props.end(), opts.properties.begin(), opts.properties.end());
  auto producer = kafka_producer::open(opts.brokers, props);
  if (!producer)
    return std::move(producer.error());
  auto& out = **producer;
  auto partitions = out.partition_count(opts.topic);
  if (!partitions)
    return std::move(partitions.error());
  if (opts.partition >= 0 && opts.partition >= *partitions)
    return make_error(ec::config_error,
                      "topic " + opts.topic + " has only "
                          + std::to_string(*partitions)
                          + " partitions (asked for partition "
                          + std::to_string(opts.partition) + ")");
  auto partition = opts.partition >= 0 ? opts.partition : RD_KAFKA_PARTITION_UA;
  log_generator gen{gen_opts};
  kafka_load_result result;
  std::string line;
  line.reserve(1024);
  auto started = clock::now();
  auto deadline = started + std::chrono::milliseconds{opts.duration_ms};
  auto next_progress = started + std::chrono::seconds{5};
  auto last = started;
  // Token bucket: earns `rate` tokens per second, holds at most 50 ms worth
  // (at least one), so a stall (broker down, queue full) is not followed by
  // a burst far above the target rate. One token to start: the first
  // record goes out at once.
  double tokens = 1;
  const double burst = std::max(1.0, opts.rate * 0.05);
  const uint64_t limit = opts.records < 0 ? std::numeric_limits<uint64_t>::max()
                                          : static_cast<uint64_t>(opts.records);
  caf::error failure;
  while (result.sent < limit) {
    auto now = clock::now();
    if (now >= deadline)
      break;
    // A stop produces nothing more but still waits for what is in flight,
    // so the final counts tell exactly what reached the broker.
    if (stop_requested()) {
      result.interrupted = true;
      break;
    }
    if (now >= next_progress) {
      auto secs = std::chrono::duration<double>(now - started).count();
      char text[256];
      std::snprintf(text, sizeof text,
                    "crashwatch generate: %llu records sent, %llu delivered "
                    "in %.0f s (%.0f records/s)",
                    static_cast<unsigned long long>(result.sent),
                    static_cast<unsigned long long>(out.delivered()), secs,
                    static_cast<double>(result.sent) / secs);
      std::cerr << text << '\n';
      next_progress += std::chrono::seconds{5};
    }
    uint64_t batch = 1000;
    if (opts.rate > 0) {
      tokens = std::min(
          burst,
          tokens
              + opts.rate * std::chrono::duration<double>(now - last).count());
      last = now;
      if (tokens < 1) {
        // Sleep until the next token, in small steps so delivery reports
        // are served and the deadline is kept.
        auto wait_ms = std::clamp(
            static_cast<int>((1 - tokens) * 1000 / opts.rate), 1, 5);
        out.poll(wait_ms);
        continue;
      }
      batch = static_cast<uint64_t>(tokens);
      tokens -= static_cast<double>(batch);
    }
    batch = std::min(batch, limit - result.sent);
    for (uint64_t i = 0; i < batch && !failure; ++i) {
      line.clear();
      result.counts.add(gen.append_next(line));
      failure
          = out.produce(opts.topic, generated_user_key(line), line, partition);
      if (!failure)
        ++result.sent;
    }
    // A delivery that failed means the broker is gone or refuses: stop.
    if (failure || out.failed() > 0)
      break;
  }
  result.produced_for
      = std::chrono::duration<double>(clock::now() - started).count();
  // Everything produced must be confirmed (or reported) before we return.
  auto flushed = out.flush(std::chrono::milliseconds{70'000});
  result.failure = failure ? std::move(failure) : std::move(flushed);
  result.seconds
      = std::chrono::duration<double>(clock::now() - started).count();
  result.delivered = out.delivered();
  result.failed = out.failed();
  return result;
}

} // namespace crashwatch
