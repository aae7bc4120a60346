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
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto& all = decoders();
  std::string_view input{reinterpret_cast<const char*>(data), size};
  all[data[0] % all.size()](input.substr(1), input);
  return 0;
}
