#include "app/run_summary.hpp"

#include <algorithm>
#include <cstdio>

namespace crashwatch {

namespace {

partition_stats totals(const pipeline_summary& s) {
  partition_stats total;
  for (auto& p : s.partitions) {
    total.records += p.records;
    total.crashes += p.crashes;
    total.late += p.late;
    total.malformed += p.malformed;
    total.blank += p.blank;
    total.lost += p.lost;
  }
  return total;
}

/// "crashwatch: 2 partitions, ... alerts".
std::string counts(const pipeline_summary& s, const partition_stats& total) {
  char buf[512];
  std::snprintf(
      buf, sizeof(buf),
      "crashwatch: %zu partition%s, %llu records (%llu crashes, %llu late, "
      "%llu malformed, %llu blank lines), %llu alerts%s",
      s.partitions.size(), s.partitions.size() == 1 ? "" : "s",
      static_cast<unsigned long long>(total.records),
      static_cast<unsigned long long>(total.crashes),
      static_cast<unsigned long long>(total.late + s.late_at_shards),
      static_cast<unsigned long long>(total.malformed),
      static_cast<unsigned long long>(total.blank),
      static_cast<unsigned long long>(s.alerts),
      s.early_alerts > 0
          ? (" (+" + std::to_string(s.early_alerts) + " early)").c_str()
          : "");
  return buf;
}

/// The data-loss note, empty when nothing was lost.
std::string lost(const partition_stats& total) {
  if (total.lost == 0)
    return {};
  return "; " + std::to_string(total.lost)
         + " records LOST to data loss in Kafka (see the warnings above)";
}

/// The alerts-topic note (--on-data-loss warn), empty when every alert got
/// there.
std::string undelivered(const pipeline_summary& s) {
  if (s.alerts_undelivered == 0)
    return {};
  return "; " + std::to_string(s.alerts_undelivered)
         + " alerts NOT delivered to the alerts topic (see the warnings "
           "above)";
}

} // namespace

std::string format_run_counts(const pipeline_summary& s) {
  auto total = totals(s);
  return counts(s, total) + lost(total) + undelivered(s);
}

std::string format_run_summary(const pipeline_summary& s, double seconds,
                               uint64_t resumed_records) {
  auto total = totals(s);
  auto rate = [seconds](uint64_t records) {
    return seconds > 0 ? static_cast<double>(records) / seconds / 1e6 : 0.0;
  };
  char timing[160];
  if (resumed_records == 0) {
    std::snprintf(timing, sizeof(timing), " in %.2f s (%.2f M records/s)",
                  seconds, rate(total.records));
  } else {
    auto here = total.records - std::min(total.records, resumed_records);
    std::snprintf(timing, sizeof(timing),
                  "; this process: %llu records in %.2f s (%.2f M records/s)",
                  static_cast<unsigned long long>(here), seconds, rate(here));
  }
  return counts(s, total) + timing + lost(total) + undelivered(s);
}

} // namespace crashwatch
