#include "core/changed_counts.hpp"

#include <algorithm>

namespace crashwatch {

namespace {

/// Bytes of `x` as a LEB128 varint.
size_t varint_size(uint64_t x) {
  size_t n = 1;
  for (; x >= 0x80; x >>= 7)
    ++n;
  return n;
}

void put_varint(std::string& out, uint64_t x) {
  for (; x >= 0x80; x >>= 7)
    out.push_back(static_cast<char>((x & 0x7f) | 0x80));
  out.push_back(static_cast<char>(x));
}

/// Reads a varint of at most 10 bytes at `pos` of `in`; false if it runs
/// past the end or over 64 bits.
bool get_varint(std::string_view in, size_t& pos, uint64_t& x) {
  x = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size())
      return false;
    auto byte = static_cast<uint8_t>(in[pos++]);
    if (shift == 63 && byte > 1)
      return false;
    x |= uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80)
      return true;
  }
  return false;
}

/// The id of the well-formed entry at `pos`: most ids are shorter than 128
/// bytes, a length of one byte (the sort calls this twice per comparison).
std::string_view id_at(std::string_view in, size_t pos) {
  auto first = static_cast<uint8_t>(in[pos]);
  if (first < 0x80)
    return in.substr(pos + 1, first);
  uint64_t len = 0;
  get_varint(in, pos, len);
  return in.substr(pos, static_cast<size_t>(len));
}

template <class Offset>
void sort_offsets(std::string_view in, std::vector<Offset>& order) {
  std::sort(order.begin(), order.end(),
            [in](Offset a, Offset b) { return id_at(in, a) < id_at(in, b); });
}

} // namespace

changed_counts::changed_counts(std::initializer_list<window_entry> entries) {
  for (auto& e : entries)
    push_back(e);
}

size_t changed_counts::encoded_size(std::string_view user_id, uint64_t count) {
  return varint_size(user_id.size()) + user_id.size() + varint_size(count);
}

void changed_counts::reserve(size_t windows, size_t bytes) {
  windows_.reserve(windows_.size() + windows);
  bytes_.reserve(bytes_.size() + bytes);
}

void changed_counts::push_back(event_time window_start,
                               std::string_view user_id, uint64_t count) {
  if (windows_.empty() || windows_.back().start != window_start.value)
    windows_.push_back(window_run{window_start.value, 0});
  ++windows_.back().entries;
  put_varint(bytes_, user_id.size());
  bytes_.append(user_id);
  put_varint(bytes_, count);
  ++size_;
}

void changed_counts::clear() {
  std::vector<window_run>{}.swap(windows_);
  std::string{}.swap(bytes_);
  size_ = 0;
}

changed_counts::entry changed_counts::decode(int64_t start, size_t& pos) const {
  std::string_view in{bytes_};
  uint64_t len = 0;
  get_varint(in, pos, len);
  auto user = in.substr(pos, static_cast<size_t>(len));
  pos += static_cast<size_t>(len);
  uint64_t count = 0;
  get_varint(in, pos, count);
  return entry{event_time{start}, user, count};
}

void changed_counts::sort_by_user(std::vector<uint32_t>& order) const {
  sort_offsets(bytes_, order);
}

void changed_counts::sort_by_user(std::vector<uint64_t>& order) const {
  sort_offsets(bytes_, order);
}

std::vector<window_entry> changed_counts::entries() const {
  std::vector<window_entry> out;
  out.reserve(size());
  for_each([&out](const entry& e) {
    out.push_back(
        window_entry{e.window_start, std::string{e.user_id}, e.count});
  });
  return out;
}

std::string changed_counts::check() const {
  std::string_view in{bytes_};
  size_t pos = 0;
  uint64_t total = 0;
  for (auto& run : windows_) {
    if (run.entries == 0)
      return "a window with no entries";
    for (uint64_t i = 0; i < run.entries; ++i) {
      uint64_t len = 0;
      if (!get_varint(in, pos, len))
        return "entry " + std::to_string(total) + ": bad id length";
      if (len > in.size() - pos)
        return "entry " + std::to_string(total) + ": id runs past the end";
      pos += static_cast<size_t>(len);
      uint64_t count = 0;
      if (!get_varint(in, pos, count) || count > max_crash_count)
        return "entry " + std::to_string(total) + ": bad count";
      ++total;
    }
  }
  if (pos != in.size())
    return std::to_string(in.size() - pos) + " bytes after the last entry";
  if (total != size_)
    return std::to_string(total) + " entries, but the size says "
           + std::to_string(size_);
  return {};
}

bool operator==(const changed_counts& a, const changed_counts& b) {
  if (a.size_ != b.size_ || a.bytes_ != b.bytes_
      || a.windows_.size() != b.windows_.size())
    return false;
  for (size_t i = 0; i < a.windows_.size(); ++i)
    if (a.windows_[i].start != b.windows_[i].start
        || a.windows_[i].entries != b.windows_[i].entries)
      return false;
  return true;
}

} // namespace crashwatch
