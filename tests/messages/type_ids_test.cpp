// Every type of the `crashwatch` type-ID block (messages/type_ids.hpp) must
// cross the network intact: it goes through CAF 0.17's binary serializer and
// comes back equal, alone and inside a caf::message (which also needs the
// type registered by add_message_types(): CAF looks the type up by name on
// both sides, and a remote node that does not know it hands its actor an
// empty message, silently).
//
// The types are taken from the block itself, by ID, at compile time: a type
// added to the block without a sample value below does not compile
// (`sample<T>` has no definition for it). A sample sets every field to
// something other than its default, fills every vector with at least two
// elements and puts a quote, a backslash and non-ASCII text in every string,
// so that a field left out of inspect() or mangled on the way shows up.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/is_actor_handle.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/meta/annotation.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/actor_system_config.hpp"
#include "messages/type_ids.hpp"

using namespace crashwatch;

namespace {

// -- the block, type by type --------------------------------------------------

constexpr caf::type_id_t first_id = caf::id_block::crashwatch::begin;
constexpr caf::type_id_t end_id = caf::id_block::crashwatch::end;

template <class F, caf::type_id_t... Is>
void for_each_id(F&& f, std::integer_sequence<caf::type_id_t, Is...>) {
  (f(std::integral_constant<caf::type_id_t, first_id + Is>{}), ...);
}

/// Calls `f(std::integral_constant<type_id_t, I>{})` for every ID of the
/// block, in order.
template <class F>
void for_each_block_type(F&& f) {
  for_each_id(f,
              std::make_integer_sequence<caf::type_id_t, end_id - first_id>{});
}

// -- dummy actors for the handle types ----------------------------------------

alert_sink_actor::behavior_type dummy_sink() {
  return {
      [](shard_progress&) {},
      [](side_batch&) {},
      [](atom::finished, partition_stats&) {},
      [](partition_barrier&) {},
      [](shard_barrier&) {},
      [](reader_report&) {},
      [](shard_report&) {},
      [](checkpoint_report&) {},
      [](atom::tick) {},
      [](atom::checkpoint, checkpoint_id) { return sink_snapshot{}; },
      [](atom::status) { return pipeline_summary{}; },
  };
}

shard_actor::behavior_type dummy_shard() {
  return {
      [](partition_batch&) -> caf::result<atom::ack, shard_id> {
        return {atom::ack_v, shard_id{0}};
      },
      [](partition_barrier&) {},
      [](atom::checkpoint, checkpoint_id) { return shard_snapshot{}; },
  };
}

partition_reader_actor::behavior_type dummy_reader() {
  return {
      [](atom::read) {},
      [](atom::tick) {},
      [](atom::checkpoint, checkpoint_id) { return reader_snapshot{}; },
      [](atom::status) { return partition_stats{}; },
  };
}

checkpoint_coordinator_actor::behavior_type dummy_coordinator() {
  return {
      [](atom::tick) {},
      [](atom::checkpoint, bool) { return checkpoint_id{0}; },
  };
}

node_actor::behavior_type dummy_node() {
  return {
      [](shard_assignment&, alert_sink_actor&) {
        return std::vector<shard_actor>{};
      },
      [](reader_assignment&, std::vector<shard_actor>&, alert_sink_actor&) {
        return std::vector<partition_reader_actor>{};
      },
      [](stop_epoch&) { return atom::done_v; },
      [](atom::checkpoint, uint64_t, checkpoint_id) { return node_part{}; },
      [](atom::commit, uint64_t, checkpoint_id) {},
      [](atom::joined, caf::actor&, std::string&) {},
  };
}

cluster_door_actor::behavior_type dummy_door() {
  return {
      [](join_request&, node_actor&) { return join_reply{}; },
      [](atom::ready) {
        return caf::make_result(std::vector<join_request>{},
                                std::vector<node_actor>{});
      },
  };
}

/// The actor system of a test, crashwatch's settings, and the dummy actors
/// spawned for the samples (stopped at the end: a serialized handle puts its
/// actor into the registry, which would otherwise keep it alive forever).
struct sample_context {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> spawned;

  sample_context() {
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  ~sample_context() {
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  template <class F>
  auto spawn(F fun) {
    auto handle = sys->spawn(fun);
    spawned.push_back(caf::actor_cast<caf::actor>(handle));
    return handle;
  }
};

// -- sample values ------------------------------------------------------------

/// A text with a quote, a backslash and non-ASCII UTF-8: what a naive text
/// encoding would break. `n` makes the elements of a vector differ.
std::string text(const char* base, int n) {
  return std::string{base} + std::to_string(n) + " \"q\" \\ Grüße 日本";
}

/// `sample<T>::make(ctx, n)`: a value of T with no field at its default;
/// different `n`, different values. No definition for T: no sample yet.
template <class T>
struct sample;

template <class T>
T make(sample_context& ctx, int n) {
  return sample<T>::make(ctx, n);
}

/// Any vector: two different elements.
template <class T>
struct sample<std::vector<T>> {
  static std::vector<T> make(sample_context& ctx, int n) {
    return {::make<T>(ctx, n), ::make<T>(ctx, n + 1)};
  }
};

template <>
struct sample<partition_id> {
  static partition_id make(sample_context&, int n) {
    return partition_id{7 + n};
  }
};

template <>
struct sample<record_offset> {
  // Beyond 32 bits, so that a narrowed field shows.
  static record_offset make(sample_context&, int n) {
    return record_offset{123'456'789'012 + n};
  }
};

template <>
struct sample<shard_id> {
  static shard_id make(sample_context&, int n) {
    return shard_id{static_cast<uint32_t>(3 + n)};
  }
};

template <>
struct sample<event_time> {
  // 2026-01-20T13:53:05.123Z.
  static event_time make(sample_context&, int n) {
    return event_time{1'768'917'185'123 + n};
  }
};

template <>
struct sample<partition_state> {
  static partition_state make(sample_context&, int n) {
    return n % 2 == 0 ? partition_state::ended : partition_state::idle;
  }
};

template <>
struct sample<checkpoint_id> {
  static checkpoint_id make(sample_context&, int n) {
    return checkpoint_id{42u + static_cast<unsigned>(n)};
  }
};

template <>
struct sample<crash_event> {
  static crash_event make(sample_context& ctx, int n) {
    return {::make<event_time>(ctx, n), ::make<record_offset>(ctx, n),
            text("user", n)};
  }
};

template <>
struct sample<partition_batch> {
  static partition_batch make(sample_context& ctx, int n) {
    return {::make<partition_id>(ctx, n), 5u + n,
            ::make<std::vector<crash_event>>(ctx, n),
            ::make<event_time>(ctx, n + 10), ::make<partition_state>(ctx, n)};
  }
};

template <>
struct sample<late_reason> {
  static late_reason make(sample_context&, int) {
    return late_reason::window_emitted;
  }
};

template <>
struct sample<late_record> {
  static late_record make(sample_context& ctx, int n) {
    return {::make<partition_id>(ctx, n),   ::make<record_offset>(ctx, n),
            ::make<event_time>(ctx, n + 1), ::make<event_time>(ctx, n + 2),
            ::make<event_time>(ctx, n + 3), ::make<event_time>(ctx, n + 4),
            text("late user", n),           ::make<late_reason>(ctx, n)};
  }
};

template <>
struct sample<dead_letter> {
  static dead_letter make(sample_context& ctx, int n) {
    return {::make<partition_id>(ctx, n), ::make<record_offset>(ctx, n),
            text("invalid JSON", n), text("{\"broken\": ", n)};
  }
};

template <>
struct sample<side_batch> {
  static side_batch make(sample_context& ctx, int n) {
    return {::make<partition_id>(ctx, n),
            ::make<std::vector<late_record>>(ctx, n),
            ::make<std::vector<dead_letter>>(ctx, n)};
  }
};

template <>
struct sample<alert> {
  static alert make(sample_context& ctx, int n) {
    // final = false: true is the default.
    return {::make<event_time>(ctx, n), ::make<event_time>(ctx, n + 10'000),
            text("alerted user", n), 3u + n, false};
  }
};

template <>
struct sample<shard_progress> {
  static shard_progress make(sample_context& ctx, int n) {
    return {::make<shard_id>(ctx, n), ::make<event_time>(ctx, n),
            ::make<std::vector<alert>>(ctx, n),
            ::make<std::vector<alert>>(ctx, n + 2),
            ::make<std::vector<late_record>>(ctx, n)};
  }
};

template <>
struct sample<reader_report> {
  static reader_report make(sample_context& ctx, int n);
};

template <>
struct sample<shard_report> {
  static shard_report make(sample_context& ctx, int n) {
    uint64_t k = 10u * (n + 1);
    return {::make<shard_id>(ctx, n), k + 1, k + 2, k + 3, k + 4, k + 5,
            text("node", n)};
  }
};

template <>
struct sample<sink_report> {
  static sink_report make(sample_context&, int n) {
    uint64_t k = 10u * (n + 1);
    return {k + 1, k + 2'000'000'000'000, k + 3, k + 4};
  }
};

template <>
struct sample<checkpoint_report> {
  static checkpoint_report make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n), 1'796'290'000'000 + n,
            1'796'290'000'012 + n};
  }
};

template <>
struct sample<cluster_node_report> {
  static cluster_node_report make(sample_context&, int n) {
    return {text("a", n), static_cast<uint8_t>(2 + n % 2),
            text("host:7000-", n), true};
  }
};

template <>
struct sample<cluster_report> {
  static cluster_report make(sample_context& ctx, int n) {
    return {text("c", n),
            1'796'290'000'000u + static_cast<uint64_t>(n),
            ::make<std::vector<cluster_node_report>>(ctx, n),
            {{n + 1, text("r", n)}, {n + 2, text("c", n)}},
            {{static_cast<uint32_t>(n + 1), text("a", n)},
             {static_cast<uint32_t>(n + 2), text("b", n)}},
            false};
  }
};

template <>
struct sample<restore_report> {
  static restore_report make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n), 1'796'290'000'000 + n,
            640'000u + static_cast<uint64_t>(n)};
  }
};

template <>
struct sample<membership_report> {
  static membership_report make(sample_context&, int n) {
    return {text("c", n), text("10.0.0.1:700", n), text("10.0.0.1:946", n),
            true, 1'796'290'000'000 + n};
  }
};

template <>
struct sample<partition_stats> {
  static partition_stats make(sample_context& ctx, int n) {
    uint64_t k = 100u * (n + 1);
    return {::make<partition_id>(ctx, n),
            k + 1,
            k + 2,
            k + 3,
            k + 4,
            k + 5,
            k + 6,
            k + 7};
  }
};

reader_report sample<reader_report>::make(sample_context& ctx, int n) {
  return {::make<partition_stats>(ctx, n),
          ::make<event_time>(ctx, n),
          5'000'000'000 + n,
          6'000'000'000 + n,
          ::make<partition_state>(ctx, n),
          2u + static_cast<uint32_t>(n),
          70u + static_cast<uint64_t>(n),
          8'000u + static_cast<uint64_t>(n),
          9u + static_cast<uint64_t>(n),
          text("node", n)};
}

template <>
struct sample<pipeline_summary> {
  static pipeline_summary make(sample_context& ctx, int n) {
    return {::make<std::vector<partition_stats>>(ctx, n), 11u + n, 12u + n,
            13u + n, 14u + n};
  }
};

template <>
struct sample<partition_barrier> {
  static partition_barrier make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n), ::make<partition_id>(ctx, n)};
  }
};

template <>
struct sample<shard_barrier> {
  static shard_barrier make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n), ::make<shard_id>(ctx, n)};
  }
};

template <>
struct sample<reader_snapshot> {
  static reader_snapshot make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n),   ::make<partition_id>(ctx, n),
            ::make<record_offset>(ctx, n),   ::make<event_time>(ctx, n),
            ::make<partition_state>(ctx, n), ::make<partition_stats>(ctx, n)};
  }
};

template <>
struct sample<window_entry> {
  static window_entry make(sample_context& ctx, int n) {
    return {::make<event_time>(ctx, n), text("counted user", n), 21u + n};
  }
};

template <>
struct sample<shard_snapshot> {
  static shard_snapshot make(sample_context& ctx, int n) {
    changed_counts changed;
    for (auto& e : ::make<std::vector<window_entry>>(ctx, n))
      changed.push_back(e);
    return {::make<checkpoint_id>(ctx, n), ::make<shard_id>(ctx, n),
            ::make<event_time>(ctx, n), std::move(changed), 31u + n};
  }
};

template <>
struct sample<output_position> {
  static output_position make(sample_context&, int n) {
    return {text("alerts", n), text("/out/alerts.jsonl", n), 4'096 + n};
  }
};

template <>
struct sample<sink_snapshot> {
  static sink_snapshot make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n),
            ::make<event_time>(ctx, n),
            ::make<std::vector<event_time>>(ctx, n),
            ::make<std::vector<alert>>(ctx, n),
            41u + n,
            42u + n,
            43u + n,
            44u + n,
            ::make<std::vector<output_position>>(ctx, n)};
  }
};

template <>
struct sample<timestamp_unit> {
  static timestamp_unit make(sample_context&, int) {
    return timestamp_unit::microseconds;
  }
};

template <>
struct sample<filter_config> {
  static filter_config make(sample_context& ctx, int n) {
    return {text("crash", n),
            {text("Fatal", n), text("Critique", n)},
            ::make<timestamp_unit>(ctx, n)};
  }
};

template <>
struct sample<pipeline_config> {
  static pipeline_config make(sample_context& ctx, int n) {
    // Every value differs from the defaults of core/pipeline_config.hpp.
    return {5'000 + n,
            1'000 + n,
            7u + n,
            2'500 + n,
            true,
            5u + n,
            ::make<filter_config>(ctx, n),
            3'600'000 + n};
  }
};

template <>
struct sample<partition_mark> {
  static partition_mark make(sample_context& ctx, int n) {
    return {::make<partition_id>(ctx, n), ::make<event_time>(ctx, n),
            ::make<partition_state>(ctx, n)};
  }
};

template <>
struct sample<shard_restore> {
  static shard_restore make(sample_context& ctx, int n) {
    return {::make<event_time>(ctx, n),
            ::make<std::vector<window_entry>>(ctx, n),
            ::make<std::vector<partition_mark>>(ctx, n)};
  }
};

template <>
struct sample<alert_sink_actor> {
  static alert_sink_actor make(sample_context& ctx, int) {
    return ctx.spawn(dummy_sink);
  }
};

template <>
struct sample<shard_actor> {
  static shard_actor make(sample_context& ctx, int) {
    return ctx.spawn(dummy_shard);
  }
};

template <>
struct sample<partition_reader_actor> {
  static partition_reader_actor make(sample_context& ctx, int) {
    return ctx.spawn(dummy_reader);
  }
};

template <>
struct sample<checkpoint_coordinator_actor> {
  static checkpoint_coordinator_actor make(sample_context& ctx, int) {
    return ctx.spawn(dummy_coordinator);
  }
};

template <>
struct sample<node_part> {
  static node_part make(sample_context& ctx, int n) {
    return {::make<checkpoint_id>(ctx, n),
            ::make<std::vector<reader_snapshot>>(ctx, n),
            ::make<std::vector<shard_snapshot>>(ctx, n)};
  }
};

template <>
struct sample<kafka_input_options> {
  static kafka_input_options make(sample_context&, int n) {
    // Every flag the other way round from the defaults.
    return {text("kafka-1:9092", n),
            text("logs", n),
            text("group", n),
            {1 + n, 3 + n},
            true,
            true,
            false,
            {{text("fetch.wait.max.ms", n), text("10", n)},
             {text("client.id", n), text("a=b", n)}},
            uint64_t{65'536} + static_cast<uint64_t>(n)};
  }
};

template <>
struct sample<partition_plan> {
  static partition_plan make(sample_context& ctx, int n) {
    return {::make<partition_id>(ctx, n), text("file /data/logs", n),
            text("/data/logs", n), text("reader-", n)};
  }
};

template <>
struct sample<partition_start> {
  static partition_start make(sample_context&, int n) {
    return {1'000 + n, 5'000 + n};
  }
};

template <>
struct sample<node_address> {
  static node_address make(sample_context&, int n) {
    return {text("aggregator-", n), static_cast<uint16_t>(4000 + n)};
  }
};

template <>
struct sample<join_request> {
  static join_request make(sample_context& ctx, int n) {
    return {cluster_protocol_version + 1 + static_cast<uint32_t>(n),
            text("reader-", n),
            static_cast<uint8_t>(reader_role | aggregator_role),
            ::make<node_address>(ctx, n),
            5'000 + n,
            {{text("--window", n), text("10s", n)},
             {text("--shards", n), text("4", n)}},
            true,
            text("job-", n),
            text("node-", n)};
  }
};

template <>
struct sample<join_reply> {
  static join_reply make(sample_context&, int n) {
    return {text("coordinator", n),
            text("job-", n),
            3u + static_cast<uint32_t>(n),
            2u + static_cast<uint32_t>(n),
            true,
            text("127.0.0.1:946", n)};
  }
};

template <>
struct sample<shard_assignment> {
  static shard_assignment make(sample_context& ctx, int n) {
    return {7u + static_cast<uint64_t>(n),
            ::make<pipeline_config>(ctx, n),
            ::make<std::vector<partition_id>>(ctx, n),
            ::make<std::vector<shard_id>>(ctx, n),
            ::make<checkpoint_id>(ctx, n),
            ::make<std::vector<partition_mark>>(ctx, n)};
  }
};

template <>
struct sample<reader_assignment> {
  static reader_assignment make(sample_context& ctx, int n) {
    return {9u + static_cast<uint64_t>(n),
            ::make<pipeline_config>(ctx, n),
            ::make<kafka_input_options>(ctx, n),
            ::make<std::vector<partition_plan>>(ctx, n),
            ::make<std::vector<partition_start>>(ctx, n),
            ::make<checkpoint_id>(ctx, n),
            ::make<std::vector<node_address>>(ctx, n)};
  }
};

template <>
struct sample<stop_epoch> {
  static stop_epoch make(sample_context&, int n) {
    return {11u + static_cast<uint64_t>(n), true};
  }
};

template <>
struct sample<node_actor> {
  static node_actor make(sample_context& ctx, int) {
    return ctx.spawn(dummy_node);
  }
};

template <>
struct sample<cluster_door_actor> {
  static cluster_door_actor make(sample_context& ctx, int) {
    return ctx.spawn(dummy_door);
  }
};

// -- what makes a good sample -------------------------------------------------

template <class T>
struct is_vector : std::false_type {};

template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_pair : std::false_type {};

template <class T, class U>
struct is_pair<std::pair<T, U>> : std::true_type {};

/// An inspector that collects the addresses of an object's fields, in the
/// order its inspect() names them (annotations such as type_name skipped).
struct field_collector {
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;

  std::vector<const void*> fields;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (add(xs), ...);
  }

  template <class T>
  void add(T& x) {
    if constexpr (!caf::meta::is_annotation<std::decay_t<T>>::value)
      fields.push_back(&x);
  }
};

template <class T, class = void>
struct has_inspect : std::false_type {};

template <class T>
struct has_inspect<T,
                   std::void_t<decltype(inspect(
                       std::declval<field_collector&>(), std::declval<T&>()))>>
    : std::true_type {};

/// Converts to any type: stands for one member in a brace initializer.
struct any_field {
  template <class U>
  operator U() const;
};

template <class T, class... Args>
constexpr auto brace_constructible(int)
    -> decltype(T{std::declval<Args>()...}, true) {
  return true;
}

template <class T, class... Args>
constexpr bool brace_constructible(...) {
  return false;
}

/// The number of data members of the aggregate T: the most initializers
/// `T{...}` takes.
template <class T, class... Fields>
constexpr size_t aggregate_size() {
  if constexpr (sizeof...(Fields) > 32)
    return 0; // cannot be: give up
  else if constexpr (brace_constructible<T, Fields..., any_field>(0))
    return aggregate_size<T, Fields..., any_field>();
  else
    return sizeof...(Fields);
}

/// Collects what keeps `value` (at `path`) from being a good sample: a field
/// left at its default (`def` is the default-constructed value), a vector
/// with fewer than two elements, a string without a quote or without
/// non-ASCII text, a null actor handle, a field of an aggregate that its
/// inspect() does not name (it would be lost on the wire).
struct sample_checker {
  std::vector<std::string> problems;

  template <class T>
  void check(const T& value, const T& def, const std::string& path);
};

/// Inspects a sample and walks its fields next to the default's.
struct field_walker {
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;

  sample_checker& checker;
  const std::vector<const void*>& defaults;
  const std::string& path;
  size_t index = 0;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (visit(xs), ...);
  }

  template <class T>
  void visit(T& x) {
    using type = std::decay_t<T>;
    if constexpr (!caf::meta::is_annotation<type>::value) {
      auto& def = *static_cast<const type*>(defaults.at(index));
      checker.check(x, def, path + ".field" + std::to_string(index));
      ++index;
    }
  }
};

template <class T>
void sample_checker::check(const T& value, const T& def,
                           const std::string& path) {
  if constexpr (is_vector<T>::value) {
    if (value.size() < 2)
      problems.push_back(path + ": a vector of fewer than 2 elements");
    for (size_t i = 0; i < value.size(); ++i)
      check(value[i], typename T::value_type{},
            path + "[" + std::to_string(i) + "]");
  } else if constexpr (is_pair<T>::value) {
    check(value.first, def.first, path + ".first");
    check(value.second, def.second, path + ".second");
  } else if constexpr (caf::is_actor_handle<T>::value) {
    if (!value)
      problems.push_back(path + ": a null actor handle");
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (value == def)
      problems.push_back(path + ": the default string");
    if (value.find('"') == std::string::npos)
      problems.push_back(path + ": a string without a quote");
    if (std::none_of(value.begin(), value.end(), [](char c) {
          return static_cast<unsigned char>(c) >= 0x80;
        }))
      problems.push_back(path + ": a string without non-ASCII text");
  } else if constexpr (has_inspect<T>::value) {
    auto v = value;
    auto d = def;
    field_collector defaults;
    inspect(defaults, d);
    field_walker walker{*this, defaults.fields, path};
    inspect(walker, v);
    if constexpr (std::is_aggregate_v<T>) {
      // Every data member must be named by inspect(), or it stays behind
      // when the value crosses the network.
      auto members = aggregate_size<T>();
      if (members != defaults.fields.size())
        problems.push_back(path + ": " + std::to_string(members)
                           + " members but inspect() names "
                           + std::to_string(defaults.fields.size()));
    }
  } else {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>,
                  "a field type this checker does not know");
    if (value == def)
      problems.push_back(path + ": the default value "
                         + caf::deep_to_string(value));
  }
}

// -- round trips
// ---------------------------------------------------------------

/// True when T (or, for a vector, its elements) has an operator==.
template <class T, class = void>
struct has_equal : std::false_type {};

template <class T>
struct has_equal<T, std::void_t<decltype(std::declval<const T&>()
                                         == std::declval<const T&>())>>
    : std::true_type {};

template <class T>
struct has_equal<std::vector<T>> : has_equal<T> {};

/// `after` came out of the serializer for `before`: the same text, and the
/// same value where the type can say so (for actor handles: the same actor).
template <class T>
void check_same(const T& before, const T& after) {
  CHECK(caf::deep_to_string(after) == caf::deep_to_string(before));
  if constexpr (has_equal<T>::value)
    CHECK(after == before);
}

/// Writes `x` with CAF's binary serializer, the actor system as context (as
/// the middleman does), and reads it back into a fresh object.
template <class T>
T round_trip(caf::actor_system& sys, const T& x) {
  auto copy = x; // inspect() takes a non-const reference
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  if (auto err = sink(copy))
    FAIL("serialization failed: " << sys.render(err));
  CHECK(!buf.empty());
  T result;
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(result))
    FAIL("deserialization failed: " << sys.render(err));
  CHECK(source.remaining() == 0);
  return result;
}

/// Wraps `x` in a message, as a send to a remote actor does, and sends the
/// message through the serializer: the receiving side makes the element from
/// its registered type name.
template <class T>
caf::message message_round_trip(caf::actor_system& sys, const T& x) {
  auto msg = caf::make_message(x);
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  if (auto err = sink(msg))
    FAIL("serializing a message failed: " << sys.render(err));
  // CAF 0.17.6 writes nothing, without an error, for a type it does not
  // know (see the last test).
  CHECK(!buf.empty());
  caf::message result;
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(result))
    FAIL("deserializing a message failed: " << sys.render(err));
  CHECK(source.remaining() == 0);
  return result;
}

/// The registered name of type ID `I`, for the test's log.
template <caf::type_id_t I>
std::string name_of(std::integral_constant<caf::type_id_t, I>) {
  return caf::type_name_by_id<I>::value;
}

} // namespace

TEST_CASE("every type of the crashwatch block has a sample with no field at "
          "its default",
          "[type_ids]") {
  sample_context ctx;
  size_t types = 0;
  for_each_block_type([&](auto id) {
    using type = typename caf::type_by_id<decltype(id)::value>::type;
    INFO(name_of(id));
    sample_checker checker;
    checker.check(make<type>(ctx, 0), type{}, name_of(id));
    CHECK(checker.problems == std::vector<std::string>{});
    ++types;
  });
  // The block is not empty (an empty range would make every test here pass).
  CHECK(types == static_cast<size_t>(end_id - first_id));
  CHECK(types >= 44);
}

TEST_CASE("every type of the crashwatch block survives CAF's binary "
          "serializer",
          "[type_ids]") {
  sample_context ctx;
  for_each_block_type([&](auto id) {
    using type = typename caf::type_by_id<decltype(id)::value>::type;
    INFO(name_of(id));
    auto before = make<type>(ctx, 0);
    check_same(before, round_trip(*ctx.sys, before));
  });
}

TEST_CASE("every type of the crashwatch block crosses inside a message",
          "[type_ids]") {
  sample_context ctx;
  for_each_block_type([&](auto id) {
    using type = typename caf::type_by_id<decltype(id)::value>::type;
    INFO(name_of(id));
    auto before = make<type>(ctx, 0);
    auto after = message_round_trip(*ctx.sys, before);
    // Not an empty message, and the element has its type again.
    CHECK(after.template match_elements<type>());
    if (after.template match_elements<type>())
      check_same(before, after.template get_as<type>(0));
  });
}

TEST_CASE("a deserialized actor handle is the very actor that was serialized",
          "[type_ids]") {
  sample_context ctx;
  // Two shards, so that a handle that came back as "some shard" shows.
  std::vector<shard_actor> shards{make<shard_actor>(ctx, 0),
                                  make<shard_actor>(ctx, 1)};
  REQUIRE(shards[0] != shards[1]);
  auto back = round_trip(*ctx.sys, shards);
  REQUIRE(back.size() == 2);
  CHECK(back[0] == shards[0]);
  CHECK(back[1] == shards[1]);
  CHECK(back[0]->id() == shards[0]->id());
  // Locally, CAF writes a handle as (actor id, node id) and puts the actor
  // into the system's registry; reading looks the id up there. An actor
  // that is gone by then comes back as a null handle, not as another actor.
  auto sink = make<alert_sink_actor>(ctx, 0);
  // Monitored before the handle is written: an actor runs what was
  // attached to it last first when it terminates, so the registry's entry
  // is gone before the down message is sent.
  caf::scoped_actor self{*ctx.sys};
  self->monitor(sink);
  auto copy = sink;
  std::vector<char> buf;
  caf::binary_serializer out{*ctx.sys, buf};
  REQUIRE(!out(copy));
  CHECK(ctx.sys->registry().get(sink->id()) != nullptr);
  alert_sink_actor read_back;
  caf::binary_deserializer in{*ctx.sys, buf};
  REQUIRE(!in(read_back));
  CHECK(read_back == sink);
  // The same bytes once the actor has terminated: the registry dropped it.
  caf::anon_send_exit(sink, caf::exit_reason::kill);
  self->receive([](const caf::down_msg&) {});
  CHECK(ctx.sys->registry().get(sink->id()) == nullptr);
  alert_sink_actor gone;
  caf::binary_deserializer again{*ctx.sys, buf};
  REQUIRE(!again(gone));
  CHECK(!gone);
}

TEST_CASE("a type the actor system did not register does not cross inside "
          "a message",
          "[type_ids]") {
  // The control for the message round trips above. CAF 0.17.6 reports no
  // error here: a caf::message goes through serialize(Processor&,
  // type_erased_tuple&) (caf/type_erased_tuple.hpp), which drops the error
  // of message::save() and message::load(). A sender that does not know a
  // type writes nothing; a receiver that does not know it reads an empty
  // message. That is why the round trips check what comes out, not errors.
  sample_context ctx;
  caf::actor_system_config bare_cfg;
  caf::actor_system bare{bare_cfg};
  auto msg = caf::make_message(make<partition_batch>(ctx, 0));
  auto write = [&](caf::actor_system& sys) {
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    static_cast<void>(sink(msg));
    return buf;
  };
  auto read = [&](caf::actor_system& sys, const std::vector<char>& buf) {
    caf::message result;
    caf::binary_deserializer source{sys, buf};
    static_cast<void>(source(result));
    return result;
  };
  // Registered on both sides: it crosses.
  CHECK(read(*ctx.sys, write(*ctx.sys)).match_elements<partition_batch>());
  // Not registered by the sender: nothing is written.
  CHECK(write(bare).empty());
  // Not registered by the receiver: an empty message arrives.
  CHECK(read(bare, write(*ctx.sys)).empty());
}
