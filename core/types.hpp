// Own types for the identifiers that travel through the pipeline, so that a
// partition can never be passed where an offset or a shard is expected
// (after Redpanda's named_type in src/v/model/fundamental.h).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>

namespace crashwatch {

/// A value of type `T` that only compares with values of the same `Tag`.
template <class T, class Tag>
struct named_type {
  using value_type = T;

  T value{};

  constexpr named_type() = default;
  constexpr explicit named_type(T v) : value(v) {}

  friend constexpr bool operator==(named_type a, named_type b) {
    return a.value == b.value;
  }
  friend constexpr bool operator!=(named_type a, named_type b) {
    return a.value != b.value;
  }
  friend constexpr bool operator<(named_type a, named_type b) {
    return a.value < b.value;
  }
  friend constexpr bool operator<=(named_type a, named_type b) {
    return a.value <= b.value;
  }
  friend constexpr bool operator>(named_type a, named_type b) {
    return a.value > b.value;
  }
  friend constexpr bool operator>=(named_type a, named_type b) {
    return a.value >= b.value;
  }
  friend std::ostream& operator<<(std::ostream& os, named_type x) {
    return os << x.value;
  }

  /// CAF serialization: a named type travels as its bare value.
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, named_type& x) {
    return f(x.value);
  }
};

/// One input partition: a Kafka partition, or one input file (in the order
/// the files were given on the command line, counted from 0).
using partition_id = named_type<int32_t, struct partition_id_tag>;

/// Position of a record inside its partition: the Kafka offset, or for files
/// the byte offset of the line's first byte.
using record_offset = named_type<int64_t, struct record_offset_tag>;

/// One aggregator shard, 0..N-1; a user belongs to shard hash(user_id) % N.
using shard_id = named_type<uint32_t, struct shard_id_tag>;

/// Event time: milliseconds since the Unix epoch (UTC), from the record's own
/// `timestamp` field, rounded down.
using event_time = named_type<int64_t, struct event_time_tag>;

/// One checkpoint: 0 is the state before the first record of a data dir,
/// then 1, 2, ... in the order they are taken (docs/DURABILITY.md).
using checkpoint_id = named_type<uint64_t, struct checkpoint_id_tag>;

/// Smallest and largest event times; a watermark of `max_event_time` means
/// "this partition has ended", `min_event_time` means "nothing seen yet".
constexpr event_time min_event_time{std::numeric_limits<int64_t>::min()};
constexpr event_time max_event_time{std::numeric_limits<int64_t>::max()};

} // namespace crashwatch

namespace std {
template <class T, class Tag>
struct hash<crashwatch::named_type<T, Tag>> {
  size_t operator()(crashwatch::named_type<T, Tag> x) const noexcept {
    return std::hash<T>{}(x.value);
  }
};
} // namespace std
