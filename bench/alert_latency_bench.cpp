// Alert latency through Kafka (issue 12): how long from the moment the
// record that completes an alert is produced (librdkafka producer, linger
// 0; the clock starts when produce() is called, earlier records of the
// round already flushed) until the alert line is on crashwatch's stdout.
// (Starting at the flush's return would be later: the mock broker
// acknowledges after the consumer may already have fetched the record.)
// bench/alert_latency.sh pipes `crashwatch run --output jsonl` into this
// program, which produces probes to the same topic and reads the alerts from
// stdin.
//
// Each round k (every --interval ms) uses its own 10 s window W_k of event
// time, far after any background load's (a background's records are late
// once the first round has moved the watermark):
//   final mode: 3 crashes of user probe-k in W_k to one partition, then to
//               every partition a record at end(W_k) + delay (which moves
//               every partition's watermark, so the global one, past W_k);
//               the clock starts as those are produced;
//   early mode: 2 crashes, flushed, then the third: the clock starts as
//               the third is produced (the count crosses the threshold).
// The round's latency ends when a line with user_id probe-k arrives.
//
//   alert_latency_bench --brokers B --topic T --partitions N --rounds R
//                       [--interval MS] [--delay MS] [--early] [--skip K]
// prints one latency in ms per line to stdout (rounds after the first K),
// then a summary on stderr.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

struct options {
  std::string brokers;
  std::string topic = "logs";
  int partitions = 4;
  int rounds = 100;
  int interval_ms = 200;
  int64_t delay_ms = 2000;
  bool early = false;
  int skip = 3;
};

/// Event time of round 0's window: 2030-01-01, after any background load.
constexpr int64_t base_ms = 1'893'456'000'000;
constexpr int64_t window_ms = 10'000;

std::mutex mu;
std::condition_variable arrived;
std::map<int, steady::time_point> seen;

/// Reads crashwatch's JSON Lines alerts; notes when probe-k's arrives.
void read_alerts() {
  std::string line;
  while (std::getline(std::cin, line)) {
    auto at = steady::now();
    auto pos = line.find("\"user_id\":\"probe-");
    if (pos == std::string::npos)
      continue;
    int k = std::atoi(line.c_str() + pos + 17);
    std::lock_guard<std::mutex> guard{mu};
    seen.emplace(k, at);
    arrived.notify_all();
  }
}

std::string record(int64_t ts, const std::string& user, bool crash) {
  return std::string{"{\"timestamp\": "} + std::to_string(ts)
         + ", \"status\": \"" + (crash ? "ERROR" : "INFO")
         + "\", \"severity\": \"" + (crash ? "Critical" : "Low")
         + "\", \"source_ip\": \"10.0.0.1\", \"user_id\": \"" + user
         + "\", \"content\": \"" + (crash ? "App crash detected" : "heartbeat")
         + "\"}";
}

void produce(rd_kafka_t* rk, const std::string& topic, int partition,
             const std::string& value) {
  for (;;) {
    auto err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
      return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      std::cerr << "alert_latency_bench: produce: " << rd_kafka_err2str(err)
                << '\n';
      std::exit(1);
    }
    rd_kafka_poll(rk, 10);
  }
}

void flush(rd_kafka_t* rk) {
  if (rd_kafka_flush(rk, 10'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::cerr << "alert_latency_bench: flush timed out\n";
    std::exit(1);
  }
}

} // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string{argv[++i]} : ""; };
    if (a == "--brokers")
      o.brokers = next();
    else if (a == "--topic")
      o.topic = next();
    else if (a == "--partitions")
      o.partitions = std::stoi(next());
    else if (a == "--rounds")
      o.rounds = std::stoi(next());
    else if (a == "--interval")
      o.interval_ms = std::stoi(next());
    else if (a == "--delay")
      o.delay_ms = std::stoll(next());
    else if (a == "--early")
      o.early = true;
    else if (a == "--skip")
      o.skip = std::stoi(next());
    else {
      std::cerr << "alert_latency_bench: unknown argument " << a << '\n';
      return 2;
    }
  }
  char err[512];
  auto* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", o.brokers.c_str()},
                      std::pair{"linger.ms", "0"}, std::pair{"acks", "all"}})
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::cerr << "alert_latency_bench: " << err << '\n';
      return 2;
    }
  rd_kafka_conf_set_dr_msg_cb(conf, nullptr);
  auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::cerr << "alert_latency_bench: " << err << '\n';
    return 1;
  }
  std::thread reader{read_alerts};
  reader.detach();
  std::vector<double> ms;
  int missed = 0;
  for (int k = 0; k < o.rounds; ++k) {
    auto round_start = steady::now();
    int64_t start = base_ms + k * window_ms;
    auto user = "probe-" + std::to_string(k);
    int p = k % o.partitions;
    steady::time_point t0;
    if (o.early) {
      produce(rk, o.topic, p, record(start + 1000, user, true));
      produce(rk, o.topic, p, record(start + 1001, user, true));
      flush(rk);
      t0 = steady::now();
      produce(rk, o.topic, p, record(start + 1002, user, true));
      flush(rk);
      // The watermark moves on for the next round (no alert from it).
      for (int q = 0; q < o.partitions; ++q)
        produce(rk, o.topic, q,
                record(start + window_ms + o.delay_ms + 1, "probe-wm", false));
      flush(rk);
    } else {
      for (int c = 0; c < 3; ++c)
        produce(rk, o.topic, p, record(start + 1000 + c, user, true));
      flush(rk);
      t0 = steady::now();
      for (int q = 0; q < o.partitions; ++q)
        produce(rk, o.topic, q,
                record(start + window_ms + o.delay_ms + 1, "probe-wm", false));
      flush(rk);
    }
    std::unique_lock<std::mutex> lock{mu};
    bool got = arrived.wait_for(lock, std::chrono::seconds(5),
                                [&] { return seen.count(k) > 0; });
    if (!got) {
      ++missed;
    } else if (k >= o.skip) {
      auto d = std::chrono::duration<double, std::milli>(seen[k] - t0).count();
      ms.push_back(d);
      std::printf("%.3f\n", d);
      std::fflush(stdout);
    }
    lock.unlock();
    std::this_thread::sleep_until(round_start
                                  + std::chrono::milliseconds(o.interval_ms));
  }
  std::sort(ms.begin(), ms.end());
  auto q = [&](double f) {
    return ms.empty() ? 0.0
                      : ms[std::min(ms.size() - 1,
                                    static_cast<size_t>(f * ms.size()))];
  };
  std::fprintf(stderr,
               "alert_latency_bench: %zu rounds, %d missed: p50 %.1f ms, p99 "
               "%.1f ms, max %.1f ms\n",
               ms.size(), missed, q(0.5), q(0.99), ms.empty() ? 0 : ms.back());
  rd_kafka_destroy(rk);
  std::_Exit(missed > 0 ? 1 : 0);
}
