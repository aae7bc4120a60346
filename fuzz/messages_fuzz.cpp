// Fuzz target: what a node does with bytes from the network for crashwatch's
// message types. The first input byte picks what the rest is decoded as with
// caf::binary_deserializer, the actor system as context (as the middleman
// does): one type of the `crashwatch` type-ID block (messages/type_ids.hpp),
// a caf::message (elements by registered type name), or a BASP
// direct-message payload (the forwarding stages, then the message). Decoding
// must end in a value or an error, never crash, hang, hit undefined behaviour
// or allocate more than the input could describe (run with -malloc_limit_mb,
// scripts/fuzz.sh). A value that decodes is then encoded and decoded again:
// the second encoding must equal the first (nothing is lost or invented on
// the way).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include "fuzz_failure.hpp"
#include "messages/actor_system_config.hpp"
#include "messages/type_ids.hpp"

using namespace crashwatch;

namespace {

constexpr caf::type_id_t first_id = caf::id_block::crashwatch::begin;
constexpr caf::type_id_t end_id = caf::id_block::crashwatch::end;
constexpr size_t block_size = end_id - first_id;

/// The payload of a BASP direct message: forwarding stages, then content.
struct basp_payload {
  std::vector<caf::strong_actor_ptr> stages;
  caf::message content;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, basp_payload& x) {
  return f(x.stages, x.content);
}

/// The actor system all inputs are decoded with. Never destroyed: the
/// fuzzer exits with exit(), and CAF's actor system does not survive the
/// destruction of statics around it at that point.
caf::actor_system& system() {
  static caf::actor_system* sys = [] {
    auto cfg = new caf::actor_system_config;
    configure_actor_system(*cfg);
    return new caf::actor_system{*cfg};
  }();
  return *sys;
}

/// Encodes `x`; false when the serializer refuses it.
template <class T>
bool encode(T& x, std::vector<char>& out) {
  caf::binary_serializer sink{system(), out};
  return !sink(x);
}

/// Decodes a T from `bytes`; when it decodes, checks that encoding is stable.
template <class T>
void decode(std::string_view bytes, std::string_view input, const char* name) {
  T first;
  {
    caf::binary_deserializer source{system(), bytes.data(), bytes.size()};
    if (source(first))
      return;
  }
  std::vector<char> once;
  if (!encode(first, once))
    return;
  T second;
  caf::binary_deserializer again{system(), once};
  if (auto err = again(second))
    fuzz::fail(input, std::string{name}
                          + ": a decoded value does not decode "
                            "again after encoding: "
                          + system().render(err));
  if (again.remaining() != 0)
    fuzz::fail(input, std::string{name} + ": re-encoding left bytes over");
  std::vector<char> twice;
  if (!encode(second, twice) || twice != once)
    fuzz::fail(input, std::string{name} + ": encoding is not stable");
}

using decoder = void (*)(std::string_view, std::string_view);

template <caf::type_id_t... Is>
std::vector<decoder>
block_decoders(std::integer_sequence<caf::type_id_t, Is...>) {
  return {[](std::string_view bytes, std::string_view input) {
    decode<typename caf::type_by_id<first_id + Is>::type>(
        bytes, input, caf::type_name_by_id<first_id + Is>::value);
  }...};
}

/// One decoder per type of the block, then caf::message and BASP payloads.
const std::vector<decoder>& decoders() {
  static const std::vector<decoder> all = [] {
    auto out = block_decoders(
        std::make_integer_sequence<caf::type_id_t, block_size>{});
    out.push_back([](std::string_view bytes, std::string_view input) {
      decode<caf::message>(bytes, input, "caf::message");
    });
    out.push_back([](std::string_view bytes, std::string_view input) {
      decode<basp_payload>(bytes, input, "BASP payload");
    });
    return out;
  }();
  return all;
}

/// Writes `x` as a seed: `prefix` (the decoder's index), then its encoding.
template <class T>
void write_seed(const std::string& dir, const std::string& name, uint8_t prefix,
                T x) {
  std::vector<char> bytes;
  if (!encode(x, bytes))
    return;
  std::ofstream out{dir + "/" + name, std::ios::binary};
  out.put(static_cast<char>(prefix));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <caf::type_id_t... Is>
void write_block_seeds(const std::string& dir,
                       std::integer_sequence<caf::type_id_t, Is...>) {
  auto message_index = static_cast<uint8_t>(block_size);
  (write_seed(dir, std::to_string(Is) + "-default", static_cast<uint8_t>(Is),
              typename caf::type_by_id<first_id + Is>::type{}),
   ...);
  (write_seed(
       dir, std::to_string(Is) + "-in-message", message_index,
       caf::make_message(typename caf::type_by_id<first_id + Is>::type{})),
   ...);
}

/// The seed corpus (fuzz/corpus/messages): every type of the block with
/// default values, alone and inside a caf::message, and a few with content.
void write_seeds(const std::string& dir) {
  write_block_seeds(dir,
                    std::make_integer_sequence<caf::type_id_t, block_size>{});
  auto index
      = [](caf::type_id_t id) { return static_cast<uint8_t>(id - first_id); };
  partition_batch batch{
      partition_id{3},
      7,
      {{event_time{1'768'917'185'123}, record_offset{42}, "user_1361"},
       {event_time{1'768'917'186'000}, record_offset{43},
        "user \"q\" \xc3\xa9"}},
      event_time{1'768'917'155'123},
      partition_state::idle};
  write_seed(dir, "partition_batch-two-events",
             index(caf::type_id<partition_batch>::value), batch);
  write_seed(dir, "partition_batch-in-message", index(end_id),
             caf::make_message(batch));
  std::vector<alert> alerts{{event_time{1'768'917'180'000},
                             event_time{1'768'917'190'000}, "user_1361", 3,
                             true},
                            {event_time{1'768'917'180'000},
                             event_time{1'768'917'190'000}, "u2", 4, false}};
  write_seed(dir, "alerts-two", index(caf::type_id<std::vector<alert>>::value),
             alerts);
  basp_payload payload{{}, caf::make_message(batch)};
  write_seed(dir, "basp-partition_batch", static_cast<uint8_t>(block_size + 1),
             payload);
}

} // namespace

/// CRASHWATCH_FUZZ_WRITE_SEEDS=DIR: write the seed corpus into DIR and exit.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (auto dir = std::getenv("CRASHWATCH_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto& all = decoders();
  std::string_view input{reinterpret_cast<const char*>(data), size};
  all[data[0] % all.size()](input.substr(1), input);
  return 0;
}
