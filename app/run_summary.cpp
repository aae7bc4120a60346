#include "app/run_summary.hpp"

#include <cstdio>

namespace crashwatch {

std::string format_run_summary(const pipeline_summary& s, double seconds) {
  partition_stats total;
  for (auto& p : s.partitions) {
    total.records += p.records;
    total.crashes += p.crashes;
    total.late += p.late;
    total.malformed += p.malformed;
    total.blank += p.blank;
    total.lost += p.lost;
  }
  char buf[512];
  std::snprintf(
    buf, sizeof(buf),
    "crashwatch: %zu partition%s, %llu records (%llu crashes, %llu late, "
    "%llu malformed, %llu blank lines), %llu alerts%s in %.2f s "
    "(%.2f M records/s)",
    s.partitions.size(), s.partitions.size() == 1 ? "" : "s",
    static_cast<unsigned long long>(total.records),
    static_cast<unsigned long long>(total.crashes),
    static_cast<unsigned long long>(total.late + s.late_at_shards),
    static_cast<unsigned long long>(total.malformed),
    static_cast<unsigned long long>(total.blank),
    static_cast<unsigned long long>(s.alerts),
    s.early_alerts > 0
      ? (" (+" + std::to_string(s.early_alerts) + " early)").c_str()
      : "",
    seconds, seconds > 0 ? total.records / seconds / 1e6 : 0.0);
  std::string line = buf;
  if (total.lost > 0)
    line += "; " + std::to_string(total.lost)
            + " records LOST to data loss in Kafka (see the warnings above)";
  return line;
}

} // namespace crashwatch
