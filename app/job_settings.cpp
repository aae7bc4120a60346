#include "app/job_settings.hpp"

#include "app/job_options.hpp"
#include "app/option_values.hpp"
#include "app/text_list.hpp"

namespace crashwatch {

namespace {

/// An output path as stored: absolute, or "stdout"/"stderr".
std::string output_name(const std::string& path, const char* fallback) {
  if (path.empty() || path == "-")
    return fallback;
  if (path == "stderr")
    return path;
  return absolute_path(path);
}

} // namespace

job_settings make_job_settings(const run_options& opts,
                               const std::vector<partition_plan>& partitions) {
  // The options that shape results, in the journal's order.
  auto values = job_option_values(opts);
  job_settings s;
  for (auto* option :
       {"--window", "--watermark-delay", "--threshold", "--keyword",
        "--severity", "--timestamp-unit", "--emit", "--shards"})
    s.emplace_back(option, value_of_option(values, option));
  if (opts.kafka.brokers.empty()) {
    std::vector<std::string> files;
    for (auto& part : partitions)
      files.push_back(part.source.rfind("file ", 0) == 0 ? part.source.substr(5)
                                                         : part.source);
    s.emplace_back("--input", join_list(files, ", "));
  } else {
    s.emplace_back("--topic", opts.kafka.topic);
    std::vector<std::string> ids;
    for (auto& part : partitions)
      ids.push_back(std::to_string(part.id.value));
    s.emplace_back("--partitions", join_list(ids, ","));
  }
  s.emplace_back("--output",
                 opts.text_output
                     ? std::string{name_of(output_format_names, opts.format)}
                     : "(none)");
  s.emplace_back("--output-file", opts.text_output
                                      ? output_name(opts.output_file, "stdout")
                                      : "(none)");
  s.emplace_back("--output sqlite:", opts.alert_table.empty()
                                         ? "(none)"
                                         : absolute_path(opts.alert_table));
  s.emplace_back("--late-output", output_name(opts.late_output, "stderr"));
  s.emplace_back("--dead-letter", output_name(opts.dead_letter, "stderr"));
  return s;
}

} // namespace crashwatch
