// What the platform accumulates per function while it runs: counts, latency histograms, time-
// weighted pool sizes and billable usage. Fixed size per function: nothing grows per invocation.
#pragma once

#include <cstdint>

#include "sim/stats/cost.hpp"
#include "sim/stats/histogram.hpp"
#include "sim/stats/running_stats.hpp"

namespace lsim {

struct InvocationCounts {
  std::uint64_t arrived = 0;
  std::uint64_t started = 0;    ///< admitted and given an environment
  std::uint64_t completed = 0;  ///< finished, successfully or by timing out
  std::uint64_t cold = 0;
  std::uint64_t warm = 0;
  std::uint64_t throttled = 0;          ///< for lack of concurrency or of scaling capacity
  std::uint64_t throttled_scaling = 0;  ///< the part due to the scaling-rate limit
  std::uint64_t timed_out = 0;
  std::uint64_t failed = 0;
  std::uint64_t init_suppressed = 0;  ///< cold starts whose INIT exceeded the limit and re-ran  ///< function errors, handled or crashing (billed like successes)

  void merge(const InvocationCounts& o) {
    arrived += o.arrived;
    started += o.started;
    completed += o.completed;
    cold += o.cold;
    warm += o.warm;
    throttled += o.throttled;
    throttled_scaling += o.throttled_scaling;
    timed_out += o.timed_out;
    failed += o.failed;
    init_suppressed += o.init_suppressed;
  }
};

struct EnvironmentCounts {
  std::uint64_t created = 0;
  std::uint64_t evicted_idle = 0;      ///< reclaimed after the keep-alive idle time
  std::uint64_t evicted_lifetime = 0;  ///< reclaimed at the maximum lifetime
  std::uint64_t reset = 0;             ///< discarded after a timeout or crash (next start cold)

  [[nodiscard]] std::uint64_t evicted() const { return evicted_idle + evicted_lifetime + reset; }
  void merge(const EnvironmentCounts& o) {
    created += o.created;
    evicted_idle += o.evicted_idle;
    evicted_lifetime += o.evicted_lifetime;
    reset += o.reset;
  }
};

/// Statistics of one function over the measured window [warm-up, horizon].
struct FunctionCollector {
  FunctionCollector(std::int64_t from_us, std::int64_t to_us)
      : concurrency(from_us, to_us), live(from_us, to_us), idle(from_us, to_us) {}

  InvocationCounts counts;
  EnvironmentCounts environments;
  LatencyHistogram latency_cold;  ///< microseconds
  LatencyHistogram latency_warm;
  RunningStats latency_cold_ms;  ///< exact mean and deviation (Welford)
  RunningStats latency_warm_ms;
  TimeWeighted concurrency;  ///< environments initialising or executing
  TimeWeighted live;         ///< environments in existence
  TimeWeighted idle;         ///< environments waiting for work
  FunctionUsage usage;       ///< what the bill is computed from
};

}  // namespace lsim
