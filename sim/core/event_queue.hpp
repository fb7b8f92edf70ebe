// The pending-event set: a 4-ary min-heap ordered totally by (time, phase, sequence number), with
// lazy cancellation, plus optional FIFO lanes for events that are scheduled in order. Knows
// nothing about Lambda: the payload type is a template parameter.
//
// Ordering rule (the one place it is stated): events fire in increasing time; within one instant
// in increasing phase (the platform defines phases so that releases come before expiries, and
// expiries before arrivals); within one (time, phase) in the order they were pushed (FIFO).
#pragma once

#include <array>
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

/// `Lanes` FIFO lanes sit beside the heap. A lane holds events in increasing order, so appending
/// and taking the front are O(1): push_in_lane() appends when the event sorts after the lane's
/// last one and falls back to the heap otherwise. Events pushed with one fixed delay (a constant
/// keep-alive, a constant execution time) are in order, and skip the heap. The order in which
/// events fire is the same whichever structure holds them: the earliest of the heap's top and
/// the lanes' fronts by the one (time, phase, sequence) order, with one sequence counter.
template <class Payload, std::size_t Lanes = 0>
class EventQueue {
 public:
  struct Due {
    EventKey key;
    Payload event;
  };

  /// Schedules `event` at (`at`, `phase`). O(log n); allocates only when the heap outgrows its
  /// capacity (amortised, never per event in steady state).
  EventId push(Time at, std::uint8_t phase, Payload event) {
    Entry e = make_entry(at, phase, std::move(event));
    const EventId id{e.order & (kSeqLimit - 1)};
    heap_insert(std::move(e));
    return id;
  }

  /// Schedules like push(), in lane `lane` when the event sorts after every event already there
  /// (O(1)), else in the heap. Fires in exactly the same order as push() would.
  EventId push_in_lane(std::size_t lane, Time at, std::uint8_t phase, Payload event) {
    Entry e = make_entry(at, phase, std::move(event));
    const EventId id{e.order & (kSeqLimit - 1)};
    Lane& l = lanes_[lane];
    const Key k = key(e);
    if (l.size == 0) {
      l.front_key = k;
      note(k, static_cast<int>(lane + 1));  // a new front: perhaps the earliest event
    } else if (k < l.back_key) {
      heap_insert(std::move(e));
      return id;
    }
    l.back_key = k;
    if (l.size == l.ring.size()) grow(l);
    l.ring[(l.head + l.size) & (l.ring.size() - 1)] = std::move(e);
    ++l.size;
    return id;
  }

  /// Removes and returns the earliest event that is not cancelled.
  std::optional<Due> pop() {
    if (!cancelled_.empty()) [[unlikely]] purge_cancelled();
    if (min_source_ == kNoSource) return std::nullopt;
    Entry top = take(min_source_);
    return Due{key_of(top), std::move(top.event)};
  }

  /// The earliest live event's whole order as one number (see key()), or the largest value when
  /// there is none. Two queues' numbers compare in the (time, phase, seq) order, so a caller can
  /// merge queues with one comparison.
  __extension__ unsigned __int128 next_order() {
    if (!cancelled_.empty()) [[unlikely]] purge_cancelled();
    return min_key_;
  }

  /// Removes the earliest live event, whose order next_order() just gave, and returns its
  /// payload: for a loop that merges queues by next_order() and decodes the order with
  /// key_of_order(). Precondition: an event is pending. Unlike pop(), nothing goes through a
  /// struct on the stack, whose byte-wide phase store stalled the wide load that copied it
  /// (perf: ~8 % of a run).
  Payload pop_payload() {
    if (!cancelled_.empty()) [[unlikely]] purge_cancelled();
    LSIM_CHECK(min_source_ != kNoSource, "pop_payload() on an empty queue");
    Payload event = std::move(front(min_source_).event);
    drop_front(min_source_);
    return event;
  }

  /// The (time, phase, seq) of an order number from next_order().
  __extension__ static EventKey key_of_order(unsigned __int128 order) {
    return key_of(Entry{static_cast<std::uint64_t>(order >> 64), static_cast<std::uint64_t>(order),
                        Payload{}});
  }

  /// Time of the earliest entry (possibly a cancelled one), or nullopt when empty.
  [[nodiscard]] std::optional<Time> next_time() const {
    if (min_source_ == kNoSource) return std::nullopt;
    return key_of(front(min_source_)).at;
  }

  /// Marks a pending event: it stays queued and pop() skips it. Cancelling an event that already
  /// fired or was cancelled is a bug in the caller. Costs nothing on pop() while none is marked.
  void cancel(EventId id) { cancelled_.insert(static_cast<std::uint64_t>(id)); }

  [[nodiscard]] bool empty() const { return size() == cancelled_.size(); }
  /// Entries held, including cancelled ones not yet skipped.
  [[nodiscard]] std::size_t size() const {
    std::size_t n = heap_.size();
    for (const auto& l : lanes_) n += l.size;
    return n;
  }
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

  Entry make_entry(Time at, std::uint8_t phase, Payload event) {
    const std::uint64_t seq = next_seq_++;
    LSIM_CHECK(seq < kSeqLimit, "event sequence number overflow");
    return Entry{time_bits(at.time_since_epoch().count()), (std::uint64_t{phase} << kSeqBits) | seq,
                 std::move(event)};
  }

  static constexpr Key kMaxKey = ~static_cast<Key>(0);

  // A lane: a ring of entries in increasing order (capacity a power of two, doubled when full,
  // so it allocates nothing once grown), with the keys of its ends at hand for the merge.
  struct Lane {
    std::vector<Entry> ring;
    std::size_t head = 0;
    std::size_t size = 0;
    Key front_key = kMaxKey;  // of ring[head]; kMaxKey when empty
    Key back_key = 0;         // of the last entry, when not empty
  };

  // Sources of events: the heap (0) and the lanes (1 + lane).
  static constexpr int kNoSource = -1;

  const Entry& front(int s) const {
    if (s == 0) return heap_.front();
    const Lane& l = lanes_[static_cast<std::size_t>(s - 1)];
    return l.ring[l.head];
  }
  Entry& front(int s) {
    if (s == 0) return heap_.front();
    Lane& l = lanes_[static_cast<std::size_t>(s - 1)];
    return l.ring[l.head];
  }

  // The earliest entry (cancelled or not) is kept up to date in (min_key_, min_source_): a push
  // compares its key with it, a take looks at the heap's top and the lanes' fronts again.
  void note(Key k, int s) {
    if (k < min_key_) {
      min_key_ = k;
      min_source_ = s;
    }
  }
  void find_min() {
    min_key_ = heap_.empty() ? kMaxKey : key(heap_.front());
    min_source_ = heap_.empty() ? kNoSource : 0;
    for (std::size_t i = 0; i < Lanes; ++i) note(lanes_[i].front_key, static_cast<int>(i + 1));
  }

  // Drops cancelled entries while the earliest one is.
  [[gnu::noinline]] void purge_cancelled() {
    while (min_source_ != kNoSource &&
           cancelled_.erase(front(min_source_).order & (kSeqLimit - 1)) != 0)
      drop_front(min_source_);
  }

  Entry take(int s) {
    Entry e = std::move(front(s));
    drop_front(s);
    return e;
  }

  // Removes the front of source `s` (the heap or a lane).
  void drop_front(int s) {
    if (s == 0) {
      remove_top();
    } else {
      Lane& l = lanes_[static_cast<std::size_t>(s - 1)];
      l.head = (l.head + 1) & (l.ring.size() - 1);
      --l.size;
      l.front_key = l.size == 0 ? kMaxKey : key(l.ring[l.head]);
    }
    find_min();
  }

  [[gnu::noinline]] static void grow(Lane& l) {
    std::vector<Entry> bigger(l.ring.empty() ? 16 : l.ring.size() * 2);
    for (std::size_t i = 0; i < l.size; ++i)
      bigger[i] = std::move(l.ring[(l.head + i) & (l.ring.size() - 1)]);
    l.ring = std::move(bigger);
    l.head = 0;
  }

  void heap_insert(Entry e) {
    note(key(e), 0);
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
  std::array<Lane, Lanes> lanes_;
  Key min_key_ = kMaxKey;        // see note()
  int min_source_ = kNoSource;
  std::unordered_set<std::uint64_t> cancelled_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace lsim
