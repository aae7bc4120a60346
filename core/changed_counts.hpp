// The counts a shard's part of a checkpoint carries: every (window, user,
// count) that changed since the previous checkpoint, packed into one byte
// buffer. A shard copies its changes at the barrier and the copy lives until
// the journal has written it, so its size is what a checkpoint adds to a
// shard's memory (docs/PERFORMANCE.md, "Memory vs open keys"): as
// `window_entry`s (window 8 + std::string 32 + count 8, and a heap block for
// ids over 15 bytes) a change took 48 B or more; packed, an id like
// `user_1099999` with a small count takes 14 B. A cluster node stages the
// same bytes in its journal (persistence/node_journal).
//
// Layout: the entries of one window are consecutive (a "run": the window's
// start and how many entries follow); each entry is a varint length, the
// user id's bytes and a varint count. Loaded from a peer or a file, the
// buffer is checked (check()) before anyone reads it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

#include "core/types.hpp"
#include "core/window_entry.hpp"

namespace crashwatch {

class changed_counts {
 public:
  /// One entry, pointing into the buffer (valid until it changes).
  struct entry {
    event_time window_start;
    std::string_view user_id;
    uint64_t count = 0;
  };

  /// The entries of one window, consecutive in the buffer.
  struct window_run {
    int64_t start = 0;
    uint64_t entries = 0;
  };

  changed_counts() = default;

  /// For tests and tools: the entries in this order.
  changed_counts(std::initializer_list<window_entry> entries);

  /// Bytes push_back() adds to the buffer for this entry.
  static size_t encoded_size(std::string_view user_id, uint64_t count);

  /// Reserves room for `windows` more runs and `bytes` more of entries.
  void reserve(size_t windows, size_t bytes);

  /// Appends one entry; entries of one window should be appended together
  /// (each change of window starts a run).
  void push_back(event_time window_start, std::string_view user_id,
                 uint64_t count);

  void push_back(const window_entry& e) {
    push_back(e.window_start, e.user_id, e.count);
  }

  size_t size() const { return static_cast<size_t>(size_); }

  bool empty() const { return size_ == 0; }

  /// Bytes of the entries (without the runs).
  size_t byte_size() const { return bytes_.size(); }

  /// Bytes reserved for entries.
  size_t byte_capacity() const { return bytes_.capacity(); }

  /// Frees everything.
  void clear();

  /// Calls `f(const entry&)` for every entry, in the order appended.
  template <class F>
  void for_each(F&& f) const {
    size_t pos = 0;
    for (auto& run : windows_)
      for (uint64_t i = 0; i < run.entries; ++i)
        f(decode(run.start, pos));
  }

  /// Calls `f(const entry&)` for every entry: runs in the order appended,
  /// the entries of a run by user id (the journal then appends to SQLite's
  /// B-tree instead of seeking for every row). Takes 4 B per entry of the
  /// largest run while it runs (8 B beyond 4 GiB of entries).
  template <class F>
  void for_each_sorted(F&& f) const {
    if (bytes_.size() <= UINT32_MAX)
      for_each_sorted_as<uint32_t>(f);
    else
      for_each_sorted_as<uint64_t>(f);
  }

  /// The entries as `window_entry`s, in the order appended.
  std::vector<window_entry> entries() const;

  /// "" if the buffer is well-formed (every run's entries are complete,
  /// counts fit 63 bits, nothing is left over), else what is wrong.
  std::string check() const;

  friend bool operator==(const changed_counts& a, const changed_counts& b);

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f,
                                                 changed_counts& x);

 private:
  /// Decodes the entry at `pos` (the buffer is well-formed) and moves `pos`
  /// past it.
  entry decode(int64_t start, size_t& pos) const;

  template <class Offset, class F>
  void for_each_sorted_as(F& f) const {
    std::vector<Offset> order;
    size_t pos = 0;
    for (auto& run : windows_) {
      order.clear();
      order.reserve(static_cast<size_t>(run.entries));
      for (uint64_t i = 0; i < run.entries; ++i) {
        order.push_back(static_cast<Offset>(pos));
        decode(run.start, pos);
      }
      sort_by_user(order);
      for (auto offset : order) {
        size_t at = offset;
        f(decode(run.start, at));
      }
    }
  }

  void sort_by_user(std::vector<uint32_t>& order) const;
  void sort_by_user(std::vector<uint64_t>& order) const;

  std::vector<window_run> windows_;
  std::string bytes_;
  uint64_t size_ = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        changed_counts::window_run& x) {
  return f(caf::meta::type_name("window_run"), x.start, x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, changed_counts& x) {
  auto checked = [&x]() -> caf::error {
    auto why = x.check();
    if (why.empty())
      return caf::none;
    return caf::make_error(caf::sec::invalid_argument,
                           "changed counts: " + why);
  };
  return f(caf::meta::type_name("changed_counts"), x.windows_, x.bytes_,
           x.size_, caf::meta::load_callback(checked));
}

} // namespace crashwatch
