// What the platform accumulates per function while it runs: counts, latency histograms, time-
// weighted pool sizes and billable usage. Fixed size per function: nothing grows per invocation.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/stats/cost.hpp"
#include "sim/stats/histogram.hpp"
#include "sim/stats/running_stats.hpp"

namespace lsim {

/// Invocations (requests and async events) and their executions. Conservation, once a run has
/// drained: arrived = completed + throttled + dropped; started = cold + warm.
struct InvocationCounts {
  std::uint64_t arrived = 0;    ///< synchronous requests and asynchronous events
  std::uint64_t started = 0;    ///< executions started (async retries included)
  std::uint64_t completed = 0;  ///< sync: answered (even with an error); async: succeeded
  std::uint64_t cold = 0;       ///< executions in a new environment
  std::uint64_t warm = 0;
  std::uint64_t throttled = 0;          ///< sync requests refused: no concurrency or scaling
  std::uint64_t throttled_scaling = 0;  ///< the part due to the scaling-rate limit
  std::uint64_t timed_out = 0;          ///< executions stopped at the timeout
  std::uint64_t failed = 0;  ///< executions that ended in a function error, handled or crashing
  std::uint64_t init_suppressed = 0;  ///< cold starts whose INIT exceeded the limit and re-ran
  std::uint64_t retried = 0;  ///< async events queued again after a function error or timeout
  std::uint64_t dropped = 0;  ///< async events discarded (too old or out of retries)
  std::uint64_t spillover = 0;  ///< executions on on-demand environments of a version with PC
  std::uint64_t spillover_cold = 0;  ///< the part that was cold: what more PC would prevent

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
    retried += o.retried;
    dropped += o.dropped;
    spillover += o.spillover;
    spillover_cold += o.spillover_cold;
  }
};

struct EnvironmentCounts {
  std::uint64_t created = 0;
  std::uint64_t evicted_idle = 0;      ///< reclaimed after the keep-alive idle time
  std::uint64_t evicted_lifetime = 0;  ///< reclaimed at the maximum lifetime
  std::uint64_t reset = 0;             ///< discarded after a timeout or crash (next start cold)
  std::uint64_t prewarmed = 0;  ///< loaded ahead of traffic by a learning keep-alive policy

  [[nodiscard]] std::uint64_t evicted() const { return evicted_idle + evicted_lifetime + reset; }
  void merge(const EnvironmentCounts& o) {
    created += o.created;
    evicted_idle += o.evicted_idle;
    evicted_lifetime += o.evicted_lifetime;
    reset += o.reset;
    prewarmed += o.prewarmed;
  }
};

/// Asynchronous invocation (lambda-facts §4): the internal queue and what happened to events.
struct AsyncCollector {
  AsyncCollector(std::int64_t from_us, std::int64_t to_us) : queue(from_us, to_us) {}
  std::uint64_t arrived = 0;
  std::uint64_t throttle_retries = 0;  ///< attempts put back for lack of concurrency or scaling
  std::uint64_t dropped_age = 0;       ///< older than max_event_age when next due
  std::uint64_t dropped_retries = 0;   ///< failed after max_retries retries
  LatencyHistogram age_at_start;       ///< µs from arrival to the start of each execution
  RunningStats age_at_start_ms;
  LatencyHistogram age_at_completion;  ///< µs from arrival to success
  RunningStats age_at_completion_ms;
  TimeWeighted queue;  ///< events waiting: not yet started, backing off, or awaiting a retry

  void merge(const AsyncCollector& o) {
    arrived += o.arrived;
    throttle_retries += o.throttle_retries;
    dropped_age += o.dropped_age;
    dropped_retries += o.dropped_retries;
    age_at_start.merge(o.age_at_start);
    age_at_start_ms.merge(o.age_at_start_ms);
    age_at_completion.merge(o.age_at_completion);
    age_at_completion_ms.merge(o.age_at_completion_ms);
  }
};

/// Provisioned concurrency of a version (lambda-facts §5).
struct ProvisionedCollector {
  ProvisionedCollector(std::int64_t from_us, std::int64_t to_us)
      : configured(from_us, to_us), allocated(from_us, to_us), in_use(from_us, to_us) {}
  bool enabled = false;
  TimeWeighted configured;  ///< the configured concurrency (what is billed)
  TimeWeighted allocated;   ///< initialised provisioned environments (AllocatedProvisioned...)
  TimeWeighted in_use;      ///< of those, executing an invocation
  std::uint64_t inits = 0;      ///< provisioned environments initialised (INIT billed)
  std::uint64_t recycled = 0;   ///< replaced at their maximum lifetime
  std::uint64_t scale_out = 0;  ///< target-tracking or scheduled increases
  std::uint64_t scale_in = 0;

  void merge_counts(const ProvisionedCollector& o) {
    enabled = enabled || o.enabled;
    inits += o.inits;
    recycled += o.recycled;
    scale_out += o.scale_out;
    scale_in += o.scale_in;
  }
};

/// An event source mapping (an SQS queue, a Kinesis or DynamoDB stream): records in, batches
/// out. Counts cover records that arrived in the measured window. Conservation, at the end:
/// arrived = processed + dead_lettered + expired + in_flight.
struct MappingCollector {
  MappingCollector(std::int64_t from_us, std::int64_t to_us) : backlog(from_us, to_us) {}
  std::uint64_t arrived = 0;
  std::uint64_t processed = 0;      ///< in a batch that succeeded
  std::uint64_t dead_lettered = 0;  ///< SQS: moved to the DLQ; streams: discarded after retries
  std::uint64_t expired = 0;        ///< past the queue's or stream's retention, never processed
  std::uint64_t in_flight = 0;      ///< still queued or in a batch when the run ended
  std::uint64_t batches = 0;        ///< batches formed (each invoked until it succeeds or leaves)
  std::uint64_t batch_records = 0;  ///< records in those batches
  std::uint64_t failed_batches = 0;  ///< invocations of a batch that ended in an error or timeout
  TimeWeighted backlog;             ///< records queued, in a batch or awaiting a retry
  LatencyHistogram record_age;      ///< µs from a record's arrival to its successful processing
  RunningStats record_age_ms;
  LatencyHistogram iterator_age;    ///< streams: µs from the batch's last record's arrival to its read
  RunningStats iterator_age_ms;
  std::int64_t pollers_max = 0;     ///< SQS: most concurrent batches the mapping allowed
  /// Over time: per interval, the largest backlog and the largest age seen (SQS: the oldest
  /// message's age; streams: the iterator age). Fixed size, set before the run.
  std::int64_t series_interval_us = 0;
  std::vector<std::int64_t> series_backlog;
  std::vector<std::int64_t> series_age_us;
};

/// Statistics of one function over the measured window [warm-up, horizon].
struct FunctionCollector {
  FunctionCollector(std::int64_t from_us, std::int64_t to_us)
      : concurrency(from_us, to_us), live(from_us, to_us), idle(from_us, to_us),
        async(from_us, to_us), provisioned(from_us, to_us) {}

  InvocationCounts counts;
  EnvironmentCounts environments;
  LatencyHistogram latency_cold;  ///< microseconds
  LatencyHistogram latency_warm;
  RunningStats latency_cold_ms;  ///< exact mean and deviation (Welford)
  RunningStats latency_warm_ms;
  TimeWeighted concurrency;  ///< environments initialising or executing
  TimeWeighted live;         ///< environments in existence
  TimeWeighted idle;         ///< environments waiting for work
  AsyncCollector async;
  ProvisionedCollector provisioned;
  std::int64_t scaling_tokens_min = -1;  ///< fewest scaling tokens left after a new environment
  FunctionUsage usage;       ///< what the bill is computed from
};

}  // namespace lsim
