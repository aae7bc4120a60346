// Barrier alignment for consistent checkpoints (Flink's aligned asynchronous
// barrier snapshots; docs/DURABILITY.md). An actor with several inputs (a
// shard: one per partition; the sink: every reader and every shard) takes
// its snapshot for checkpoint N only when every input has delivered barrier
// N. Meanwhile, messages of an input that already delivered N belong to the
// time after the snapshot: they wait here, in arrival order, and are handed
// back once the snapshot is taken. CAF delivers the messages of one sender
// in order, so "after the barrier" is well defined per input.
#pragma once

#include <cstddef>
#include <deque>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/types.hpp"

namespace crashwatch {

/// Tracks the barriers of one checkpoint over `inputs` inputs (0..n-1) and
/// holds the messages that must wait. `Message` is whatever the owner needs
/// to handle a held message later (including a held barrier of the next
/// checkpoint).
template <class Message>
class barrier_aligner {
 public:
  explicit barrier_aligner(size_t inputs) : arrived_(inputs, false) {}

  /// True while input `i` has delivered the barrier being aligned: its
  /// messages must be held.
  bool blocked(size_t i) const { return arrived_.at(i); }

  /// Holds a message of a blocked input until release().
  void hold(size_t i, Message msg) { held_.emplace_back(i, std::move(msg)); }

  /// Input `i` (not blocked) delivered barrier `n`. Returns true when every
  /// input has now delivered `n`: the owner takes its snapshot, then calls
  /// release(). Every input delivers the same barriers in the same order;
  /// a different `n` while one is being aligned is a protocol error.
  bool on_barrier(size_t i, checkpoint_id n) {
    if (arrived_.at(i))
      throw std::logic_error("barrier from an input that is already blocked");
    if (count_ == 0)
      aligning_ = n;
    else if (n != aligning_)
      throw std::logic_error("barrier " + std::to_string(n.value)
                             + " while aligning barrier "
                             + std::to_string(aligning_.value));
    arrived_[i] = true;
    return ++count_ == arrived_.size();
  }

  /// The barrier being aligned (meaningful while some input is blocked).
  checkpoint_id aligning() const { return aligning_; }

  /// Number of inputs that delivered the barrier being aligned.
  size_t arrived() const { return count_; }

  /// Number of messages held.
  size_t held() const { return held_.size(); }

  /// Ends the alignment: unblocks every input and returns the held messages
  /// in arrival order, for the owner to handle now (a held barrier among
  /// them starts the next alignment through on_barrier()).
  std::deque<std::pair<size_t, Message>> release() {
    arrived_.assign(arrived_.size(), false);
    count_ = 0;
    return std::exchange(held_, {});
  }

 private:
  std::vector<bool> arrived_;
  size_t count_ = 0;
  checkpoint_id aligning_;
  std::deque<std::pair<size_t, Message>> held_;
};

} // namespace crashwatch
