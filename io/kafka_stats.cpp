#include "io/kafka_stats.hpp"

#include <limits>

#include <boost/json.hpp>

namespace crashwatch {

namespace {

namespace json = boost::json;

/// The object member `key` of `v` when `v` is an object and it has one.
const json::value* member(const json::value* v, std::string_view key) {
  if (v == nullptr || !v->is_object())
    return nullptr;
  return v->get_object().if_contains(key);
}

/// A non-negative integer, else -1 (librdkafka's -1001 "invalid offset"
/// included).
int64_t offset_of(const json::value* v) {
  if (v == nullptr)
    return -1;
  if (v->is_int64())
    return v->get_int64() >= 0 ? v->get_int64() : -1;
  if (v->is_uint64()
      && v->get_uint64()
             <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return static_cast<int64_t>(v->get_uint64());
  return -1;
}

/// The leader id: any integer (negative: none).
int64_t id_of(const json::value* v) {
  return v != nullptr && v->is_int64() ? v->get_int64() : -1;
}

bool broker_up(const json::value* brokers, int64_t id) {
  if (id < 0 || brokers == nullptr || !brokers->is_object())
    return false;
  // Keyed by "host:port/id": the id is matched on the nodeid field.
  for (auto& [name, b] : brokers->get_object()) {
    auto* state = member(&b, "state");
    if (id_of(member(&b, "nodeid")) == id && state != nullptr
        && state->is_string() && state->get_string() == "UP")
      return true;
  }
  return false;
}

} // namespace

kafka_partition_figures kafka_partition_stats(std::string_view text,
                                              const std::string& topic,
                                              int32_t partition) {
  kafka_partition_figures out;
  json::error_code ec;
  auto doc = json::parse(json::string_view{text.data(), text.size()}, ec);
  if (ec)
    return out;
  auto* p = member(member(member(member(&doc, "topics"), topic), "partitions"),
                   std::to_string(partition));
  if (p == nullptr || !p->is_object())
    return out;
  out.hi_offset = offset_of(member(p, "hi_offset"));
  out.ls_offset = offset_of(member(p, "ls_offset"));
  out.consumer_lag = offset_of(member(p, "consumer_lag"));
  out.leader = id_of(member(p, "leader"));
  out.leader_up = broker_up(member(&doc, "brokers"), out.leader);
  return out;
}

} // namespace crashwatch
