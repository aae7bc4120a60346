// One (window, user) count as checkpoints carry and the journal stores it.
// Its own header: messages and the journal need only this, not the shard's
// state (core/window_counts.hpp).
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// The largest crash count a (window, user) key holds: 63 bits, what
/// SQLite's signed integers keep (window_counts packs a flag in the 64th).
constexpr uint64_t max_crash_count = (uint64_t{1} << 63) - 1;

/// One (window, user) count, as a checkpoint stores it.
struct window_entry {
  event_time window_start;
  std::string user_id;
  uint64_t count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, window_entry& x) {
  return f(caf::meta::type_name("window_entry"), x.window_start, x.user_id,
           x.count);
}

} // namespace crashwatch
