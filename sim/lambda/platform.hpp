// The Lambda platform as a state machine over events: arrival → admission (account and reserved
// concurrency) → warm reuse or cold start → execution (with timeout) → idle → eviction.
// Semantics: ../shared/design.md §1; platform facts: lambda-facts.md §2, §3, §7.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/core/rng.hpp"
#include "sim/lambda/events.hpp"
#include "sim/lambda/instance.hpp"
#include "sim/lambda/policies.hpp"
#include "sim/lambda/registries.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/stats/collector.hpp"

namespace lsim {

/// Runs one replication of a scenario. Not copyable or movable (the idle pools point into it).
class Platform {
 public:
  /// Builds every model from `spec` with streams derived from (seed, replication, name).
  /// `billing_date` decides whether INIT is billed. Throws ScenarioError if a model is invalid.
  Platform(const ScenarioSpec& spec, const Registries& registries, std::uint64_t seed,
           std::uint64_t replication, Date billing_date);
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  /// Called with the simulated fraction done (0..1) about every million events; for progress
  /// display only (it must not touch the simulation).
  void set_progress(std::function<void(double)> progress) { progress_ = std::move(progress); }

  /// Simulates until the horizon, then lets in-flight executions finish. Checks conservation
  /// (arrived = completed + throttled) at the end; a violation throws InternalError.
  void run();

  [[nodiscard]] std::size_t function_count() const { return functions_.size(); }
  [[nodiscard]] const FunctionCollector& stats(std::size_t function) const {
    return functions_[function].stats;
  }
  /// Peak of all functions' concurrency and live environments together (window only).
  [[nodiscard]] std::int64_t peak_concurrency() const {
    return track_totals_ ? total_concurrency_.max() : functions_[0].stats.concurrency.max();
  }
  [[nodiscard]] std::int64_t peak_live() const {
    return track_totals_ ? total_live_.max() : functions_[0].stats.live.max();
  }
  /// Fingerprint of the trajectory: a hash folded over every processed event.
  [[nodiscard]] std::uint64_t digest() const { return digest_; }
  [[nodiscard]] std::uint64_t events_processed() const { return events_; }
  [[nodiscard]] Time now() const { return now_; }

  void on(const InvocationArrived& e);
  void on(const ExecutionFinished& e);
  void on(const KeepAliveExpired& e);

 private:
  enum class EvictReason { Idle, Lifetime, Reset };

  struct FunctionState {
    FunctionState(const FunctionSpec& s, std::int64_t from_us, std::int64_t to_us,
                  const std::vector<Instance>* instances, RngStream errors_stream)
        : spec(&s), errors(std::move(errors_stream)), idle(instances), stats(from_us, to_us) {}
    const FunctionSpec* spec;
    std::unique_ptr<DurationDistribution> duration;
    std::unique_ptr<DurationDistribution> cold_start;
    std::unique_ptr<KeepAlivePolicy> keep_alive;
    std::unique_ptr<ReusePolicy> reuse;
    std::unique_ptr<ScalingPolicy> scaling;
    RngStream errors;  ///< drawn only when an error or crash probability is set
    std::optional<Duration> max_lifetime;
    IdlePool idle;
    std::int64_t busy = 0;
    std::int64_t live = 0;
    std::int64_t reserved = -1;  ///< -1: draws from the unreserved account pool
    bool init_billed = false;
    double duration_scale = 1.0;    ///< memory → CPU factor applied to every execution time
    double cold_start_scale = 1.0;  ///< the same for INIT, when asked for
    FunctionCollector stats;
  };

  struct WorkloadState {
    std::uint32_t function;
    std::unique_ptr<ArrivalProcess> arrivals;
  };

  bool admit(const FunctionState& f) const {
    return f.reserved >= 0 ? f.busy < f.reserved : unreserved_busy_ < unreserved_limit_;
  }
  void schedule_next_arrival(std::uint32_t workload, Time previous);
  /// Moves the clock to `key` and folds the event (`id`: what it concerns) into the digest.
  void advance_to(const EventKey& key, std::uint64_t id);
  /// Counts a throttled invocation (`by_scaling`: for want of a scaling token).
  void throttle(FunctionState& f, bool counted, bool by_scaling);
  InstanceSlot allocate_instance(std::uint32_t function);
  void release_to_idle(InstanceSlot slot);
  void arm_timer(InstanceSlot slot);
  void destroy(InstanceSlot slot, EvictReason reason);
  void set_busy(FunctionState& f, std::int64_t delta);
  void set_live(FunctionState& f, std::int64_t delta);
  void set_idle(FunctionState& f);
  bool in_window() const { return now_ >= window_from_ && now_ <= horizon_; }

  Time horizon_;
  Time window_from_;
  EventQueue<Event> queue_;
  // Arrivals wait in their own queue (one entry per workload); run() merges the two in
  // (time, phase) order. Arrivals are the only Phase::Arrive events, so the merged order is the
  // same total order as one queue would give, at half the heap work per invocation.
  EventQueue<InvocationArrived> arrivals_;
  std::vector<Instance> instances_;
  std::vector<InstanceSlot> free_slots_;
  std::vector<FunctionState> functions_;
  std::vector<WorkloadState> workloads_;
  Duration init_limit_;
  std::int64_t unreserved_limit_ = 0;
  std::int64_t unreserved_busy_ = 0;
  std::int64_t total_busy_ = 0, total_live_count_ = 0;
  // Scenario-wide peaks need their own trackers (a sum of per-function peaks is not the peak of
  // the sum); scenario-wide means are sums of per-function means.
  // With one function they equal its own and are not kept (a hot-path saving).
  TimeWeighted total_concurrency_;
  TimeWeighted total_live_;
  bool track_totals_ = true;
  std::uint64_t next_serial_ = 1;
  // Conservation, over every invocation (counted or not).
  std::uint64_t all_arrived_ = 0, all_completed_ = 0, all_throttled_ = 0;
  Time now_{};
  std::uint64_t digest_ = 0x6C616D6264617369ULL;
  std::uint64_t events_ = 0;
  std::function<void(double)> progress_;
};

}  // namespace lsim
