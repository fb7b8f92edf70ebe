// The pending-event set: a 4-ary min-heap ordered totally by (time, phase, sequence number), with
// lazy cancellation. Knows nothing about Lambda: the payload type is a template parameter.
//
// Ordering rule (the one place it is stated): events fire in increasing time; within one instant
// in increasing phase (the platform defines phases so that releases come before expiries, and
// expiries before arrivals); within one (time, phase) in the order they were pushed (FIFO).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/time.hpp"

namespace lsim {

/// Handle of a pushed event, for cancel(). Values are unique within one queue.
enum class EventId : std::uint64_t {};

struct EventKey {
  Time at;
  std::uint8_t phase = 0;
  std::uint64_t seq = 0;
  auto operator<=>(const EventKey&) const = default;  // member order = comparison order
};

template <class Payload>
class EventQueue {
 public:
  struct Due {
    EventKey key;
    Payload event;
  };

  /// Schedules `event` at (`at`, `phase`). O(log n); allocates only when the heap outgrows its
  /// capacity (amortised, never per event in steady state).
  EventId push(Time at, std::uint8_t phase, Payload event) {
    const std::uint64_t seq = next_seq_++;
    LSIM_CHECK(seq < kSeqLimit, "event sequence number overflow");
    Entry e{time_bits(at.time_since_epoch().count()), (std::uint64_t{phase} << kSeqBits) | seq,
            std::move(event)};
    // Move the hole up first and write the new entry once, at its final place: storing it at the
    // end and reloading it would stall on store forwarding (measured: ~15 % of a run).
    std::size_t i = heap_.size();
    heap_.emplace_back();
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[i] = std::move(heap_[parent]);
      i = parent;
    }
    heap_[i] = std::move(e);
    return EventId{seq};
  }

  /// Marks a pending event: it stays queued and pop() skips it. Cancelling an event that already
  /// fired or was cancelled is a bug in the caller. Costs nothing on pop() while none is marked.
  void cancel(EventId id) { cancelled_.insert(static_cast<std::uint64_t>(id)); }

  /// Removes and returns the earliest event that is not cancelled.
  std::optional<Due> pop() {
    if (!purge_cancelled_top()) return std::nullopt;
    Entry top = std::move(heap_.front());
    remove_top();
    return Due{key_of(top), std::move(top.event)};
  }

  /// The earliest live event's whole order as one number (see key()), or the largest value when
  /// there is none. Two queues' numbers compare in the (time, phase, seq) order, so a caller can
  /// merge queues with one comparison.
  __extension__ unsigned __int128 next_order() {
    if (!purge_cancelled_top()) return ~static_cast<Key>(0);
    return key(heap_.front());
  }

  /// Time of the earliest entry (possibly a cancelled one), or nullopt when empty.
  [[nodiscard]] std::optional<Time> next_time() const {
    if (heap_.empty()) return std::nullopt;
    return key_of(heap_.front()).at;
  }

  [[nodiscard]] bool empty() const { return heap_.size() == cancelled_.size(); }
  /// Entries held, including cancelled ones not yet skipped.
  [[nodiscard]] std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static constexpr int kSeqBits = 56;  // phase in the top 8 bits, sequence below
  static constexpr std::uint64_t kSeqLimit = std::uint64_t{1} << kSeqBits;
  static constexpr std::size_t kArity = 4;  // shallower than a binary heap, same cache line

  __extension__ using Key = unsigned __int128;  // __extension__: keeps -Wpedantic quiet

  // The whole order in one unsigned 128-bit number: time (sign bit flipped, so negative times
  // still sort first) in the high half, (phase << 56) | seq in the low half. One comparison
  // orders time, then phase, then FIFO, and compiles without branches.
  static std::uint64_t time_bits(std::int64_t time) {
    return static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63);
  }

  // The two halves of the order number as two 64-bit words: 8-byte alignment keeps an entry at
  // 24 bytes (a 16-byte-aligned __int128 member padded it to 32).
  struct Entry {
    std::uint64_t time;   // time_bits(time): high half of key()
    std::uint64_t order;  // (phase << 56) | seq: low half of key()
    Payload event;
  };
  static Key key(const Entry& e) { return (static_cast<Key>(e.time) << 64) | e.order; }
  static EventKey key_of(const Entry& e) {
    const auto time = static_cast<std::int64_t>(e.time ^ (std::uint64_t{1} << 63));
    const auto order = e.order;
    return EventKey{Time{Duration{time}}, static_cast<std::uint8_t>(order >> kSeqBits),
                    order & (kSeqLimit - 1)};
  }

  // Drops cancelled entries from the top; false when nothing is left.
  bool purge_cancelled_top() {
    while (!heap_.empty()) {
      if (cancelled_.empty() ||
          cancelled_.erase(heap_.front().order & (kSeqLimit - 1)) == 0)
        return true;
      remove_top();
    }
    return false;
  }

  static bool before(const Entry& a, const Entry& b) { return key(a) < key(b); }

  void remove_top() {
    Entry last = std::move(heap_.back());
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return;
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      if (first + kArity <= n) [[likely]] {
        // All four children: two pairs, then their winners (keys are unique, so the smallest
        // child is the same whichever way it is found). Fixed bounds, no loop.
        static_assert(kArity == 4);
        const std::size_t a = before(heap_[first + 1], heap_[first]) ? first + 1 : first;
        const std::size_t b = before(heap_[first + 3], heap_[first + 2]) ? first + 3 : first + 2;
        best = before(heap_[b], heap_[a]) ? b : a;
      } else {
        for (std::size_t c = first + 1; c < n; ++c)
          best = before(heap_[c], heap_[best]) ? c : best;  // a conditional move, not a branch
      }
      if (!before(heap_[best], last)) break;
      heap_[i] = std::move(heap_[best]);
      i = best;
    }
    heap_[i] = std::move(last);
  }

  std::vector<Entry> heap_;
  std::unordered_set<std::uint64_t> cancelled_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace lsim
