// The baseline for reading a Kafka topic to the end (issue 12,
// docs/PERFORMANCE.md "Reading a topic to the end"): a bare, tuned
// librdkafka consumer that does nothing with the records but count them and
// their bytes. One consumer for all partitions, assigned at the low
// watermark (absolute offsets, no group rebalance), fetch.wait.max.ms=10,
// batches of up to 8192 messages from the consumer queue, never waiting
// while messages are there; it ends when every
// partition has reached the high watermark it saw at start. Wall clock
// includes creating the client, the metadata and watermark queries, as
// crashwatch's `run --from earliest --exit-at-end` does.
//
// With --per-partition it runs one such consumer per partition, each on its
// own thread (after one metadata query for the partition count): the
// shape crashwatch's readers have, and on the embedded broker the faster of
// the two (its connections are served in parallel).
//
//   bare_consumer_bench [--per-partition] BROKERS TOPIC [-X key=value]...
// prints "<records> <bytes> <seconds>" on stdout, and with
// BARE_PHASES=1 when each phase ended (ms since start) on stderr.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bare_consumer_bench: %s\n", what.c_str());
  std::exit(1);
}

void set(rd_kafka_conf_t* conf, const char* key, const char* value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK)
    die(std::string{key} + ": " + err);
}

using steady = std::chrono::steady_clock;

struct totals {
  uint64_t records = 0;
  uint64_t bytes = 0;
};

struct settings {
  std::string brokers;
  std::string topic;
  std::vector<std::string> properties; // key=value
  steady::time_point start;
  bool phases = false;
};

void phase(const settings& s, const char* name) {
  if (s.phases)
    std::fprintf(
        stderr, "%s %.1f\n", name,
        std::chrono::duration<double, std::milli>(steady::now() - s.start)
            .count());
}

rd_kafka_t* make_consumer(const settings& s) {
  auto* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", s.brokers.c_str());
  set(conf, "group.id", "bare_consumer_bench");
  set(conf, "enable.auto.commit", "false");
  set(conf, "enable.auto.offset.store", "false");
  set(conf, "fetch.wait.max.ms", "10");
  for (auto& kv : s.properties) {
    auto eq = kv.find('=');
    set(conf, kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str());
  }
  char err[512];
  auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr)
    die(err);
  return rk;
}

int partition_count(rd_kafka_t* rk, const std::string& topic) {
  auto* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  if (auto e = rd_kafka_metadata(rk, 0, rkt, &md, 10'000))
    die(std::string{"metadata: "} + rd_kafka_err2str(e));
  if (md->topic_cnt != 1 || md->topics[0].partition_cnt == 0)
    die("topic " + topic + " not found");
  int n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  return n;
}

/// Reads `partitions` of the topic with consumer `rk` from the low to the
/// high watermark seen at start.
totals consume(const settings& s, rd_kafka_t* rk,
               const std::vector<int>& partitions) {
  std::vector<int64_t> end(static_cast<size_t>(partitions.back() + 1));
  auto* list
      = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  int open = 0;
  for (int p : partitions) {
    int64_t lo = 0, hi = 0;
    if (auto e = rd_kafka_query_watermark_offsets(rk, s.topic.c_str(), p, &lo,
                                                  &hi, 10'000))
      die(std::string{"watermarks: "} + rd_kafka_err2str(e));
    end[static_cast<size_t>(p)] = hi;
    if (hi > lo) {
      rd_kafka_topic_partition_list_add(list, s.topic.c_str(), p)->offset = lo;
      ++open;
    }
  }
  phase(s, "watermarks");
  if (auto e = rd_kafka_assign(rk, list))
    die(std::string{"assign: "} + rd_kafka_err2str(e));
  rd_kafka_topic_partition_list_destroy(list);
  auto* queue = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> batch(8192);
  totals t;
  while (open > 0) {
    // What is there, without waiting (rd_kafka_consume_batch_queue with a
    // timeout waits for the whole timeout unless the batch fills up); when
    // nothing is, wait for one message, which returns as soon as it comes.
    auto n = rd_kafka_consume_batch_queue(queue, 0, batch.data(), batch.size());
    if (n == 0) {
      batch[0] = rd_kafka_consume_queue(queue, 100);
      n = batch[0] == nullptr ? 0 : 1;
    }
    if (n < 0)
      die(rd_kafka_err2str(rd_kafka_last_error()));
    for (ssize_t i = 0; i < n; ++i) {
      auto* m = batch[static_cast<size_t>(i)];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (t.records == 0)
          phase(s, "first record");
        ++t.records;
        t.bytes += m->len;
        if (m->offset + 1 == end[static_cast<size_t>(m->partition)])
          --open;
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        die(rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
  }
  phase(s, "last record");
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  return t;
}

} // namespace

int main(int argc, char** argv) {
  settings s;
  s.start = steady::now();
  s.phases = std::getenv("BARE_PHASES") != nullptr;
  bool per_partition = false;
  int i = 1;
  if (i < argc && std::strcmp(argv[i], "--per-partition") == 0) {
    per_partition = true;
    ++i;
  }
  if (argc - i < 2)
    die("usage: bare_consumer_bench [--per-partition] BROKERS TOPIC "
        "[-X key=value]...");
  s.brokers = argv[i];
  s.topic = argv[i + 1];
  for (i += 2; i < argc; i += 2) {
    if (std::strcmp(argv[i], "-X") != 0 || i + 1 >= argc
        || std::strchr(argv[i + 1], '=') == nullptr)
      die(std::string{"expected -X key=value, got "} + argv[i]);
    s.properties.emplace_back(argv[i + 1]);
  }
  auto* rk = make_consumer(s);
  phase(s, "created");
  int partitions = partition_count(rk, s.topic);
  phase(s, "metadata");
  totals all;
  if (!per_partition) {
    std::vector<int> every;
    for (int p = 0; p < partitions; ++p)
      every.push_back(p);
    all = consume(s, rk, every);
  } else {
    rd_kafka_destroy(rk);
    std::vector<totals> each(static_cast<size_t>(partitions));
    std::vector<std::thread> threads;
    for (int p = 0; p < partitions; ++p)
      threads.emplace_back([&s, &each, p] {
        each[static_cast<size_t>(p)] = consume(s, make_consumer(s), {p});
      });
    for (auto& t : threads)
      t.join();
    for (auto& t : each) {
      all.records += t.records;
      all.bytes += t.bytes;
    }
  }
  phase(s, "destroyed");
  std::chrono::duration<double> took = steady::now() - s.start;
  std::printf("%llu %llu %.4f\n", static_cast<unsigned long long>(all.records),
              static_cast<unsigned long long>(all.bytes), took.count());
}
