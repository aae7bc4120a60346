#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <catch2/catch.hpp>

#include "core/changed_counts.hpp"

using namespace crashwatch;

namespace {

using key = std::tuple<int64_t, std::string, uint64_t>;

key key_of(const window_entry& e) {
  return {e.window_start.value, e.user_id, e.count};
}

key key_of(const changed_counts::entry& e) {
  return {e.window_start.value, std::string{e.user_id}, e.count};
}

/// Serialized with CAF's binary serializer (as a node journal stages it).
std::vector<char> serialize(changed_counts x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE(!sink(x));
  return buf;
}

caf::error deserialize(const std::vector<char>& buf, changed_counts& out) {
  caf::binary_deserializer source{nullptr, buf};
  return source(out);
}

} // namespace

TEST_CASE("changed_counts keeps every entry, in order, whatever its size",
          "[changed_counts]") {
  std::vector<window_entry> in{
      {event_time{0}, "a", 1},
      {event_time{0}, std::string(300, 'x'), 127},         // 2-byte length
      {event_time{0}, "", 128},                            // 2-byte count
      {event_time{-10'000}, "b", (uint64_t{1} << 63) - 1}, // the largest count
      {event_time{10'000}, "user_1099999", 3},
      {event_time{0}, "a", 7}, // window 0 again: a run of its own
  };
  changed_counts packed;
  size_t bytes = 0;
  for (auto& e : in) {
    packed.push_back(e);
    bytes += changed_counts::encoded_size(e.user_id, e.count);
    CHECK(packed.byte_size() == bytes);
  }
  CHECK(packed.size() == in.size());
  CHECK(packed.check().empty());
  auto out = packed.entries();
  REQUIRE(out.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i)
    CHECK(key_of(out[i]) == key_of(in[i]));
  // An id like the generator's with a small count: 1 + 12 + 1 bytes, not
  // the 48 of a window_entry.
  CHECK(changed_counts::encoded_size("user_1099999", 3) == 14);
  changed_counts listed{in.begin()[0], in.begin()[1]};
  CHECK(listed.size() == 2);
  packed.clear();
  CHECK(packed.empty());
  CHECK(packed.byte_capacity() <= std::string{}.capacity()); // freed
}

TEST_CASE("for_each_sorted visits each window's entries by user id",
          "[changed_counts]") {
  std::mt19937 rng{7};
  std::vector<window_entry> in;
  changed_counts packed;
  for (int64_t w : {30'000, 10'000, 20'000}) {
    for (int i = 0; i < 500; ++i) {
      window_entry e{event_time{w},
                     "u" + std::to_string(rng() % 100'000) + "-"
                         + std::to_string(i),
                     rng() % 1000};
      in.push_back(e);
      packed.push_back(e);
    }
  }
  // Independently: a stable sort by user id within each window's block,
  // blocks in the order appended.
  auto want = in;
  for (size_t first = 0; first < want.size(); first += 500)
    std::stable_sort(want.begin() + first, want.begin() + first + 500,
                     [](auto& a, auto& b) { return a.user_id < b.user_id; });
  std::vector<key> got;
  packed.for_each_sorted(
      [&got](const changed_counts::entry& e) { got.push_back(key_of(e)); });
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(got[i] == key_of(want[i]));
}

TEST_CASE("changed_counts survives CAF's binary serializer",
          "[changed_counts]") {
  changed_counts packed{{event_time{0}, "abc", 5},
                        {event_time{10'000}, "d", 300}};
  auto buf = serialize(packed);
  changed_counts copy;
  REQUIRE(!deserialize(buf, copy));
  CHECK(copy == packed);
  CHECK(!(copy == changed_counts{{event_time{0}, "abc", 6}}));
}

TEST_CASE("damaged changed_counts are refused when loaded",
          "[changed_counts]") {
  changed_counts packed{{event_time{0}, "abc", 5},
                        {event_time{10'000}, "d", 300}};
  auto good = serialize(packed);
  // The entry "abc": its length byte 3, then the bytes.
  std::string needle{"\x03"
                     "abc"};
  auto it = std::search(good.begin(), good.end(), needle.begin(), needle.end());
  REQUIRE(it != good.end());
  auto at = static_cast<size_t>(it - good.begin());
  auto refused = [](std::vector<char> buf, const std::string& why) {
    changed_counts out;
    auto err = deserialize(buf, out);
    REQUIRE(err);
    CHECK(to_string(err).find(why) != std::string::npos);
  };
  SECTION("an id running past the end") {
    auto bad = good;
    bad[at] = 0x7f;
    refused(bad, "runs past the end");
  }
  SECTION("a count over 63 bits") {
    // "d" 300 is the last entry: 0x01 'd' 0xac 0x02. With the top bit set
    // on its last byte the count's varint does not end in the buffer.
    auto bad = good;
    auto d = std::string{"\x01"
                         "d"};
    auto jt = std::search(bad.begin(), bad.end(), d.begin(), d.end());
    REQUIRE(jt != bad.end());
    *(jt + 3) = static_cast<char>(0x82); // 0xac 0x82: continues, unended
    refused(bad, "bad count");
  }
  SECTION("a size that does not match the entries") {
    auto bad = good;
    bad.back() ^= 1; // the size, a u64 last on the wire
    refused(bad, "the size says");
  }
}
