#include "app/pipeline_outputs.hpp"

#include <iostream>

#include "core/error.hpp"

namespace crashwatch {

namespace {

caf::expected<std::unique_ptr<output_stream>>
open_stream(const std::string& path, const std::string& fallback) {
  return output_stream::open(path.empty() ? fallback : path);
}

} // namespace

std::vector<kafka_property> alert_producer_properties(const run_options& opts) {
  std::vector<kafka_property> props{
      // Out as soon as the sink hands them over: librdkafka's 5 ms linger
      // would hold every alert for nothing (the sink sends its alerts in
      // batches anyway).
      {"linger.ms", "0"},
      // A delivery fails (and --on-data-loss applies) after 60 s of
      // librdkafka's own retries instead of its default 5 minutes: this
      // bounds how long a checkpoint and the end of a run wait for alerts.
      {"message.timeout.ms", "60000"},
  };
  // -X comes last: it overrides these.
  props.insert(props.end(), opts.kafka.properties.begin(),
               opts.kafka.properties.end());
  return props;
}

caf::expected<sink_outputs> open_outputs(const run_options& opts) {
  sink_outputs outputs;
  outputs.format = opts.format;
  if (opts.text_output) {
    auto alerts = open_stream(opts.output_file, "-");
    if (!alerts)
      return std::move(alerts.error());
    outputs.alerts = std::move(*alerts);
  }
  auto late = open_stream(opts.late_output, "stderr");
  if (!late)
    return std::move(late.error());
  outputs.late = std::move(*late);
  auto dead = open_stream(opts.dead_letter, "stderr");
  if (!dead)
    return std::move(dead.error());
  outputs.dead_letters = std::move(*dead);
  if (!opts.alert_table.empty()) {
    auto table = sqlite_alert_table::open(opts.alert_table);
    if (!table)
      return std::move(table.error());
    outputs.table = std::move(*table);
  }
  if (!opts.alerts_topic.empty()) {
    auto producer = kafka_producer::open(opts.kafka.brokers,
                                         alert_producer_properties(opts));
    if (!producer)
      return std::move(producer.error());
    // Fail now, not at the first alert, when the topic does not exist.
    if (auto n = (*producer)->partition_count(opts.alerts_topic); !n)
      return std::move(n.error());
    outputs.kafka = std::make_unique<alert_delivery>(
        std::move(*producer), opts.alerts_topic, opts.kafka.fail_on_data_loss,
        std::cerr);
  }
  return outputs;
}

caf::error cut_back_outputs(sink_outputs& outputs,
                            const std::vector<output_position>& committed,
                            std::vector<std::string>& uncut) {
  for (auto& pos : committed) {
    output_stream* stream = nullptr;
    if (pos.name == "alerts")
      stream = outputs.alerts.get();
    else if (pos.name == "late")
      stream = outputs.late.get();
    else if (pos.name == "dead_letters")
      stream = outputs.dead_letters.get();
    if (pos.name == "alert_table") {
      if (outputs.table == nullptr)
        return make_error(ec::journal_mismatch,
                          "the checkpoint has an alert table, this run none");
      if (auto err = outputs.table->cut_back(pos.position))
        return err;
      continue;
    }
    if (stream == nullptr)
      return make_error(ec::journal_mismatch, "the checkpoint has output '"
                                                  + pos.name
                                                  + "', this run none");
    if (pos.position < 0 || !stream->seekable()) {
      uncut.push_back(stream->name());
      continue;
    }
    if (auto err = stream->cut_back(pos.position))
      return err;
  }
  return caf::none;
}

} // namespace crashwatch
