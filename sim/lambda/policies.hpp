// The model interfaces the platform calls. A model decides and returns a value; it never
// schedules events and never prints. Implementations live in models/, one file each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/core/time.hpp"

namespace lsim {

class IdlePool;

/// When invocations of one workload arrive.
class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  /// The next arrival, at or after `previous` (the previous arrival, or time zero before the
  /// first one); nullopt when the process has no more arrivals. Called once per arrival, in order.
  virtual OptionalTime next(Time previous) = 0;
  /// Long-run mean rate in invocations per second (for reports and sanity checks).
  [[nodiscard]] virtual double mean_rate_per_s() const = 0;
};

/// A non-negative random duration: how long an execution takes, or how long INIT takes.
class DurationDistribution {
 public:
  virtual ~DurationDistribution() = default;
  /// One draw, in simulated time (rounded to the microsecond once, here).
  virtual Duration sample() = 0;
  /// Exact mean of the distribution in seconds (before rounding).
  [[nodiscard]] virtual double mean_seconds() const = 0;
};

/// When an idle execution environment is reclaimed (AWS does not document it: lambda-facts §7).
class KeepAlivePolicy {
 public:
  virtual ~KeepAlivePolicy() = default;
  /// How long an environment that becomes idle at `now` stays available; 0 reclaims it at once.
  virtual Duration idle_timeout(Time now) = 0;
  /// The longest an environment lives, busy or not (nullopt: no limit). Constant per model.
  [[nodiscard]] virtual std::optional<Duration> max_lifetime() const = 0;

  // Policies that learn from traffic (hybrid_histogram). The platform asks learns() once.
  [[nodiscard]] virtual bool learns() const { return false; }
  /// An idle time of the version: from the end of its last execution to the next arrival, when
  /// nothing ran in between.
  virtual void observe_idle_time(Duration) {}
  /// Pre-warming: when positive, an environment that becomes idle at `now` is unloaded at once
  /// and a new one is loaded this long after (then kept idle_timeout()); 0: keep it as usual.
  virtual Duration prewarm_after(Time) { return Duration{0}; }
};

/// How fast a function may add execution environments (lambda-facts §3). Consulted only when an
/// invocation needs a new environment; reuse of an idle one never needs permission.
class ScalingPolicy {
 public:
  virtual ~ScalingPolicy() = default;
  /// Whether a new environment may start at `now`; if so, the permission is used up. Calls come
  /// with non-decreasing `now`.
  virtual bool try_acquire(Time now) = 0;
  /// Permissions left right after the last call (for statistics); +infinity when unlimited.
  [[nodiscard]] virtual double tokens() const = 0;
  /// Non-empty for a policy shared by the whole account (legacy_burst): the platform builds one
  /// and every function naming the same key shares it. Functions' keys must then agree.
  [[nodiscard]] virtual std::string account_key() const { return {}; }
};

/// Which idle environment serves the next invocation (never called with an empty pool).
class ReusePolicy {
 public:
  virtual ~ReusePolicy() = default;
  /// Returns a position in `pool` counted from the most recently idled environment (0) to the
  /// least recently idled one (pool.size() - 1).
  virtual std::size_t choose(const IdlePool& pool) = 0;
};

}  // namespace lsim
