// The closed set of platform events: plain values carrying ids, never pointers.
#pragma once

#include <cstdint>
#include <variant>

#include "sim/lambda/instance.hpp"

namespace lsim {

/// Order of handling inside one instant. Releases come first, so an environment that frees up at
/// the exact microsecond an invocation arrives can serve it; keep-alive expiries come before
/// arrivals, so an environment whose idle time ends exactly when an invocation arrives is gone.
/// Async retries come after new arrivals of the same instant.
enum class Phase : std::uint8_t { Release = 0, Expire = 1, Arrive = 2, Retry = 3, Observe = 4 };

/// The next invocation of workload `workload` arrives now.
struct InvocationArrived {
  std::uint32_t workload;
};
/// The invocation running in `slot` (INIT included, for a cold start) ends now.
struct ExecutionFinished {
  InstanceSlot slot;
};
/// The idle timer of `slot` fires. It carries no generation: the handler acts only when the
/// slot's environment has a pending timer due exactly now, and then acting is right whichever
/// environment armed it. Keeping events 4 bytes keeps a heap entry at 24 bytes.
struct KeepAliveExpired {
  InstanceSlot slot;
};

/// An asynchronous event (index into the platform's event pool) is due for another attempt.
struct AsyncRetry {
  std::uint32_t event;
};

/// Provisioned concurrency of unit `unit` (a version): steps of its schedule are due.
struct PcStepDue {
  std::uint32_t unit;
};
/// A provisioned environment of `unit` may start its INIT now (allocation, after preparation).
struct PcAllocate {
  std::uint32_t unit;
};
/// The provisioned environment in `slot` finished its INIT: it is ready.
struct PcReady {
  InstanceSlot slot;
};
/// The provisioned environment in `slot` reached its maximum lifetime: replace it.
struct PcRecycle {
  InstanceSlot slot;
};
/// Target tracking of `unit`: the one-minute utilisation datapoint is due.
struct PcTick {
  std::uint32_t unit;
};

/// A learning keep-alive policy asked to pre-warm an environment of `unit` now.
struct PrewarmDue {
  std::uint32_t unit;
};
/// The pre-warmed environment in `slot` finished its INIT.
struct PrewarmReady {
  InstanceSlot slot;
};

/// Event source mappings (sim/lambda/event_sources.cpp). Lane `lane` (an SQS queue, or one
/// shard's share of a stream) may form a batch now.
struct MappingPoll {
  std::uint32_t lane;
};
/// Batch `batch` is due for another invocation (after a throttle, or a stream's retry).
struct BatchRetry {
  std::uint32_t batch;
};
/// SQS: the visibility timeout of failed batch `batch` ends: its messages are visible again.
struct BatchVisible {
  std::uint32_t batch;
};

using Event = std::variant<InvocationArrived, ExecutionFinished, KeepAliveExpired, AsyncRetry,
                           PcStepDue, PcAllocate, PcReady, PcRecycle, PcTick, PrewarmDue,
                           PrewarmReady, MappingPoll, BatchRetry, BatchVisible>;

}  // namespace lsim
