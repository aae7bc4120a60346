// Fuzz target: cluster/frame_guard, the check every BASP header on a
// cluster connection passes before CAF reads it. The first input byte picks
// the side (accepting or connecting) and small limits; the rest is one
// connection's byte stream, cut into the reads CAF's broker would ask for
// (32-byte headers, then the payload each announced). Beyond "no crash, no
// UB", it checks, reading the header's bytes itself (big-endian payload
// length at offset 4):
// * a header that passes announces at most the limit (the handshake limit
//   until the handshake arrived), and the guard then awaits exactly that;
// * once established, a connection stays established;
// * after a refusal the stream ends (the node closes the connection).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/frame_guard.hpp"
#include "fuzz_failure.hpp"

using namespace crashwatch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto side
      = (data[0] & 1) ? connection_side::connected : connection_side::accepted;
  frame_limits limits;
  limits.handshake_bytes = 64 + (data[0] >> 1);
  limits.message_bytes = 4096;
  frame_guard guard{side, limits};
  size_t pos = 1;
  bool was_established = false;
  while (pos < size) {
    auto awaited = guard.awaited();
    size_t want = awaited == 0 ? basp_header_bytes : awaited;
    size_t take = std::min(want, size - pos);
    auto read = input.substr(pos, take);
    bool header = awaited == 0 && take == basp_header_bytes;
    bool before_handshake = !guard.established();
    auto refusal = guard.check(read.data(), read.size());
    pos += take;
    if (was_established && !guard.established())
      fuzz::fail(input, "an established connection is no longer");
    was_established = guard.established();
    if (refusal) {
      if (refusal.kind == nullptr || refusal.kind[0] == '\0')
        fuzz::fail(input, "a refusal without a kind: " + refusal.why);
      break;
    }
    if (take != want)
      fuzz::fail(input, "a short read passed");
    if (header) {
      auto b = [&](size_t i) { return static_cast<uint8_t>(read[i]); };
      uint32_t payload = uint32_t{b(4)} << 24 | uint32_t{b(5)} << 16
                         | uint32_t{b(6)} << 8 | uint32_t{b(7)};
      auto limit
          = before_handshake ? limits.handshake_bytes : limits.message_bytes;
      if (payload > limit)
        fuzz::fail(input, "a header announcing " + std::to_string(payload)
                              + " bytes passed (limit " + std::to_string(limit)
                              + ")");
      if (guard.awaited() != payload)
        fuzz::fail(input, "the guard awaits " + std::to_string(guard.awaited())
                              + " bytes, the header announced "
                              + std::to_string(payload));
    }
  }
  return 0;
}
