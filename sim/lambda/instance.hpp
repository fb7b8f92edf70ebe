// An execution environment and the pool of idle ones of a function. Environments live in one
// vector and are referred to by slot; a freed slot is reused by the next new environment.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/time.hpp"

namespace lsim {

using InstanceSlot = std::uint32_t;
inline constexpr InstanceSlot kNoSlot = 0xFFFFFFFFu;

enum class InstanceState : std::uint8_t { Free, Busy, Idle };

/// How an execution ends. Simulated outcomes are values, never C++ exceptions.
enum class Outcome : std::uint8_t {
  Ok,
  TimedOut,  ///< ran into the function timeout; the environment is reset
  Failed,    ///< a handled function error; the environment is kept
  Crashed,   ///< an unhandled error that ends the runtime; the environment is reset
};

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

struct Instance {
  std::uint32_t unit = 0;  ///< the version whose environment this is
  InstanceState state = InstanceState::Free;
  bool timer_pending = false;  ///< a KeepAliveExpired for this slot is queued at timer_at
  std::uint64_t serial = 0;    ///< creation number (1, 2, ...) per simulation: names e1, e2, ...
  Time created{};
  Time idle_since{};
  Time idle_deadline{};  ///< when idle: reclaimed at this time unless reused first
  Time timer_at{};
  InstanceSlot prev = kNoSlot;  ///< idle list links (toward more recently idled)
  InstanceSlot next = kNoSlot;  ///< idle list links (toward less recently idled)
  // The invocation in progress (state Busy).
  Time arrival{};
  Duration init{0};
  Duration exec{0};
  bool cold = false;
  Outcome outcome = Outcome::Ok;
  bool counted = false;  ///< arrived after the warm-up period
  bool first = true;     ///< no execution has finished here yet
  std::uint32_t alias = kNone;  ///< the alias the invocation came through
  std::uint32_t event = kNone;  ///< the async event being executed (kNone: synchronous)
  std::uint64_t invocation = 0;  ///< its arrival number (for observers)
  std::uint32_t source = kNone;  ///< the workload (event source) it came from, when tracked
  std::uint32_t batch = kNone;   ///< the event source mapping's batch being executed, if any
  Duration billed_restore{0};   ///< SnapStart: the billed part of this start's restore
  // Provisioned concurrency.
  bool provisioned = false;  ///< a provisioned environment (never idle-evicted)
  bool ready = true;         ///< false while a provisioned environment runs its INIT
  bool retiring = false;     ///< leaves when its invocation (or INIT) ends
  InstanceSlot replaces = kNoSlot;  ///< the environment this one replaces when ready (recycling)
  std::uint64_t replaces_serial = 0;
};

/// The idle environments of one function, ordered by when they became idle. Insertion, removal
/// and access at either end are O(1); access by position is O(position).
class IdlePool {
 public:
  /// `instances` is the platform's instance vector (the vector object, whose address is stable).
  explicit IdlePool(const std::vector<Instance>* instances) : instances_(instances) {}

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Slot at `pos` counted from the most recently idled (0).
  [[nodiscard]] InstanceSlot at(std::size_t pos) const {
    LSIM_CHECK(pos < size_, "idle position {} out of range {}", pos, size_);
    InstanceSlot s = head_;
    if (pos + 1 == size_) return tail_;
    while (pos-- > 0) s = (*instances_)[s].next;
    return s;
  }
  [[nodiscard]] const Instance& instance(InstanceSlot s) const { return (*instances_)[s]; }
  /// Calls f(position, slot) from the most recently idled to the least.
  template <class F>
  void for_each(F&& f) const {
    std::size_t pos = 0;
    for (InstanceSlot s = head_; s != kNoSlot; s = (*instances_)[s].next) f(pos++, s);
  }

  // Mutation, by the platform only (it owns the instances and passes them in).
  void push_most_recent(std::vector<Instance>& inst, InstanceSlot s) {
    inst[s].prev = kNoSlot;
    inst[s].next = head_;
    if (head_ != kNoSlot) inst[head_].prev = s;
    head_ = s;
    if (tail_ == kNoSlot) tail_ = s;
    ++size_;
  }
  void remove(std::vector<Instance>& inst, InstanceSlot s) {
    Instance& i = inst[s];
    if (i.prev != kNoSlot) inst[i.prev].next = i.next;
    else head_ = i.next;
    if (i.next != kNoSlot) inst[i.next].prev = i.prev;
    else tail_ = i.prev;
    i.prev = i.next = kNoSlot;
    --size_;
  }
 private:
  const std::vector<Instance>* instances_;
  InstanceSlot head_ = kNoSlot;  // most recently idled
  InstanceSlot tail_ = kNoSlot;  // least recently idled
  std::size_t size_ = 0;
};

}  // namespace lsim
