// Which shard owns a user. The hash must be stable across processes, builds
// and machines (a shard may live on another node), so std::hash is no option.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/types.hpp"

namespace crashwatch {

/// 64-bit FNV-1a over the bytes of `text`.
constexpr uint64_t stable_hash(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

/// The shard, out of `shard_count`, that owns `user_id`.
constexpr shard_id shard_for(std::string_view user_id, uint32_t shard_count) {
  return shard_id{static_cast<uint32_t>(stable_hash(user_id) % shard_count)};
}

} // namespace crashwatch
