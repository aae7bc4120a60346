#include "app/local_pipeline.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/alert_sink.hpp"
#include "actors/partition_reader.hpp"
#include "actors/shard_aggregator.hpp"
#include "app/stop_signals.hpp"
#include "core/error.hpp"
#include "io/file_source.hpp"
#include "io/kafka_metadata.hpp"
#include "io/kafka_source.hpp"
#include "messages/type_ids.hpp"

namespace crashwatch {

void configure_actor_system(caf::actor_system_config& cfg) {
  add_message_types(cfg);
  // Readers run on threads of their own (they block in read()); the
  // scheduler's threads serve shards and the sink, which have far less to
  // do. The work-sharing policy lets idle workers sleep on a condition
  // variable: work stealing's idle workers poll with short sleeps, which on
  // a 2-core machine takes CPU from the readers (measured: 0.9 s vs 0.3 s of
  // system time for 10 M records, see docs/PERFORMANCE.md).
  auto cores = std::max(2u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<size_t>(cores));
  cfg.set("scheduler.policy", caf::atom("sharing"));
}

namespace {

caf::expected<std::shared_ptr<output_stream>> open_output(
  const std::string& path, const std::string& fallback) {
  auto out = output_stream::open(path.empty() ? fallback : path);
  if (!out)
    return std::move(out.error());
  return std::shared_ptr<output_stream>{std::move(*out)};
}

/// One input partition and where its records come from.
struct partition_input {
  partition_id id;
  std::shared_ptr<record_source> source;
};

/// Opens every input of `opts`: each file (or stdin) is one partition,
/// numbered in the order given.
/// Opens one source per partition to read of `opts.kafka.topic`: all of the
/// topic's partitions, or those of --partitions (each must exist).
caf::expected<std::vector<partition_input>>
open_kafka_inputs(const run_options& opts) {
  auto& k = opts.kafka;
  auto available = list_partitions(k.brokers, k.topic, k.properties);
  if (!available)
    return std::move(available.error());
  auto wanted = k.partitions.empty() ? *available : k.partitions;
  std::vector<partition_input> inputs;
  for (auto p : wanted) {
    if (std::find(available->begin(), available->end(), p)
        == available->end())
      return make_error(ec::input_error,
                        "topic '" + k.topic + "' at " + k.brokers
                          + " has no partition " + std::to_string(p) + " (it has "
                          + std::to_string(available->size()) + ")");
    kafka_source_options so;
    so.brokers = k.brokers;
    so.topic = k.topic;
    so.partition = p;
    so.start = k.from_earliest ? kafka_start::earliest : kafka_start::latest;
    so.group = k.group;
    so.exit_at_end = k.exit_at_end;
    so.on_data_loss = k.fail_on_data_loss ? data_loss_policy::fail
                                          : data_loss_policy::warn;
    so.properties = k.properties;
    auto src = kafka_source::open(so);
    if (!src)
      return std::move(src.error());
    inputs.push_back({partition_id{p}, std::move(*src)});
  }
  return inputs;
}

caf::expected<std::vector<partition_input>> open_inputs(const run_options& opts) {
  if (!opts.kafka.brokers.empty())
    return open_kafka_inputs(opts);
  std::vector<partition_input> inputs;
  for (auto& path : opts.inputs) {
    auto src = file_source::open(path, defaults::chunk_bytes);
    if (!src)
      return std::move(src.error());
    inputs.push_back({partition_id{static_cast<int32_t>(inputs.size())},
                      std::move(*src)});
  }
  return inputs;
}

} // namespace

caf::expected<pipeline_summary> run_local_pipeline(caf::actor_system& sys,
                                                   const run_options& opts) {
  // Open everything first, so that a bad path fails before any work is done.
  auto inputs = open_inputs(opts);
  if (!inputs)
    return std::move(inputs.error());
  std::vector<partition_id> partitions;
  for (auto& in : *inputs)
    partitions.push_back(in.id);
  sink_outputs outputs;
  outputs.format = opts.format;
  auto alerts = open_output(opts.output_file, "-");
  if (!alerts)
    return std::move(alerts.error());
  outputs.alerts = std::move(*alerts);
  auto late = open_output(opts.late_output, "stderr");
  if (!late)
    return std::move(late.error());
  outputs.late = std::move(*late);
  auto dead = open_output(opts.dead_letter, "stderr");
  if (!dead)
    return std::move(dead.error());
  outputs.dead_letters = std::move(*dead);
  if (!opts.alerts_topic.empty()) {
    auto producer = kafka_producer::open(opts.kafka.brokers,
                                         opts.kafka.properties);
    if (!producer)
      return std::move(producer.error());
    // Fail now, not at the first alert, when the topic does not exist.
    if (auto n = (*producer)->partition_count(opts.alerts_topic); !n)
      return std::move(n.error());
    outputs.kafka = std::move(*producer);
    outputs.kafka_topic = opts.alerts_topic;
  }

  caf::scoped_actor self{sys};
  std::vector<caf::actor> everyone;
  // The sink writes files (and waits for Kafka deliveries): its own thread.
  auto sink = sys.spawn<caf::detached>(alert_sink, outputs,
                                       size_t{opts.pipeline.shards},
                                       partitions.size(), caf::actor{self});
  everyone.push_back(caf::actor_cast<caf::actor>(sink));
  std::vector<shard_actor> shards;
  for (uint32_t i = 0; i < opts.pipeline.shards; ++i) {
    shards.push_back(sys.spawn(shard_aggregator, shard_id{i}, opts.pipeline,
                               partitions, sink));
    everyone.push_back(caf::actor_cast<caf::actor>(shards.back()));
  }
  for (auto& in : *inputs) {
    auto reader = sys.spawn<caf::detached>(partition_reader, in.id, in.source,
                                           opts.pipeline, shards, sink);
    everyone.push_back(caf::actor_cast<caf::actor>(reader));
  }
  for (auto& a : everyone)
    self->monitor(a);

  caf::expected<pipeline_summary> result = caf::error{};
  bool running = true;
  while (running) {
    self->receive(
      [&](atom::done, pipeline_summary& summary) {
        result = std::move(summary);
        running = false;
      },
      [&](caf::down_msg& down) {
        if (!down.reason || down.reason == caf::exit_reason::normal)
          return;
        result = std::move(down.reason);
        running = false;
      },
      caf::after(std::chrono::milliseconds(100)) >> [&] {
        if (stop_requested()) {
          result = make_error(ec::interrupted,
                              "interrupted: stopped reading; windows not yet "
                              "complete were not emitted");
          running = false;
        }
      });
  }
  // After a failure the others would wait forever for the failed one.
  if (!result)
    for (auto& a : everyone)
      self->send_exit(a, caf::exit_reason::user_shutdown);
  return result;
}

} // namespace crashwatch
