// One alert: a user with more than `--threshold` crashes in one window.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

#include <caf/meta/type_name.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// (window_start, window_end, user_id, crash_count) of SPEC.md, "Alerts".
struct alert {
  event_time window_start;
  event_time window_end;
  std::string user_id;
  uint64_t crash_count = 0;
  /// False for the early alerts of `--emit early`, true for final ones.
  bool final = true;
};

/// The output order of SPEC.md: by window start, then user_id (bytewise).
inline bool operator<(const alert& a, const alert& b) {
  return std::tie(a.window_start, a.user_id)
         < std::tie(b.window_start, b.user_id);
}

inline bool operator==(const alert& a, const alert& b) {
  return a.window_start == b.window_start && a.window_end == b.window_end
         && a.user_id == b.user_id && a.crash_count == b.crash_count
         && a.final == b.final;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alert& x) {
  return f(caf::meta::type_name("alert"), x.window_start, x.window_end,
           x.user_id, x.crash_count, x.final);
}

} // namespace crashwatch
