// The Lambda platform as a state machine over events: arrival → admission (account and reserved
// concurrency) → warm reuse or cold start → execution (with timeout) → idle → eviction.
// Semantics: ../shared/design.md §1; platform facts: lambda-facts.md §2–§7 (versions and aliases
// §6, async §4, provisioned concurrency §5, scaling §3).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/core/ring_buffer.hpp"
#include "sim/core/rng.hpp"
#include "sim/lambda/events.hpp"
#include "sim/lambda/instance.hpp"
#include "sim/lambda/observer.hpp"
#include "sim/lambda/policies.hpp"
#include "sim/lambda/registries.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/stats/collector.hpp"

namespace lsim {

/// The wait before an invocation that was throttled is tried again, after `throttles` throttles
/// in a row: 1 s doubling to 5 min (lambda-facts §3–4, the async queue's backoff; event source
/// mappings use the same).
Duration throttle_backoff(std::uint32_t throttles);

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
  /// Receives every step (narration, timeline); nullptr (the default) for none. Not owned.
  void set_observer(PlatformObserver* observer) { observer_ = observer; }

  /// Simulates until the horizon, then lets in-flight executions finish and the async queues
  /// drain (retries included). Checks conservation (arrived = completed + throttled + dropped) at
  /// the end; a violation throws InternalError.
  void run();

  [[nodiscard]] std::size_t function_count() const { return functions_.size(); }
  /// Statistics of function `function`'s version `version` (index into FunctionSpec::versions).
  [[nodiscard]] const FunctionCollector& version_stats(std::size_t function,
                                                       std::size_t version) const {
    return units_[functions_[function].first_unit + version].stats;
  }
  /// Statistics of invocations that came through alias `alias` of function `function`.
  [[nodiscard]] const FunctionCollector& alias_stats(std::size_t function, std::size_t alias) const {
    return aliases_[functions_[function].first_alias + alias].stats;
  }
  /// Billable usage of alias `alias`, per route (same order as AliasSpec::routes).
  [[nodiscard]] const std::vector<FunctionUsage>& alias_usage(std::size_t function,
                                                              std::size_t alias) const {
    return aliases_[functions_[function].first_alias + alias].usage;
  }
  /// Statistics of workload `workload` as an event source (only when sources are tracked:
  /// some workload has a name, a source or is a warmer, or there are several).
  [[nodiscard]] bool tracks_sources() const { return track_sources_; }
  [[nodiscard]] const FunctionCollector& source_stats(std::size_t workload) const {
    return sources_[workload].stats;
  }
  [[nodiscard]] const std::vector<FunctionUsage>& source_usage(std::size_t workload) const {
    return sources_[workload].usage;
  }
  [[nodiscard]] std::uint64_t source_gateway_timeouts(std::size_t workload) const {
    return sources_[workload].gateway_timeouts;
  }
  /// Statistics of workload `workload`'s event source mapping (SQS, streams), or nullptr.
  [[nodiscard]] const MappingCollector* mapping_stats(std::size_t workload) const {
    const std::uint32_t m = workloads_[workload].mapping;
    return m == kNone ? nullptr : &mappings_[m].stats;
  }
  /// Units a source's invocations may run on (its version, or its alias's one or two).
  [[nodiscard]] std::vector<std::uint32_t> source_units(std::size_t workload) const;
  /// Index of the first unit (version) of `function` among all units.
  [[nodiscard]] std::uint32_t first_unit(std::size_t function) const {
    return functions_[function].first_unit;
  }
  /// Peaks of one function's concurrency, live environments and async queue over all its
  /// versions (window only).
  [[nodiscard]] std::int64_t function_peak_concurrency(std::size_t function) const;
  [[nodiscard]] std::int64_t function_peak_live(std::size_t function) const;
  [[nodiscard]] std::int64_t function_peak_queue(std::size_t function) const;
  /// Peak of all functions' concurrency and live environments together (window only).
  [[nodiscard]] std::int64_t peak_concurrency() const {
    return track_totals_ ? total_concurrency_.max() : units_[0].stats.concurrency.max();
  }
  [[nodiscard]] std::int64_t peak_live() const {
    return track_totals_ ? total_live_.max() : units_[0].stats.live.max();
  }
  [[nodiscard]] std::int64_t peak_queue() const {
    return track_totals_ ? total_queue_.max() : units_[0].stats.async.queue.max();
  }
  /// Fingerprint of the trajectory: a hash folded over every processed event.
  [[nodiscard]] std::uint64_t digest() const { return digest_; }
  [[nodiscard]] std::uint64_t events_processed() const { return events_; }
  [[nodiscard]] Time now() const { return now_; }

  void on(const InvocationArrived& e);
  void on(const ExecutionFinished& e);
  void on(const KeepAliveExpired& e);
  void on(const AsyncRetry& e);
  void on(const PcStepDue& e);
  void on(const PcAllocate& e);
  void on(const PcReady& e);
  void on(const PcRecycle& e);
  void on(const PcTick& e);
  void on(const PrewarmDue& e);
  void on(const PrewarmReady& e);
  void on(const MappingPoll& e);
  void on(const BatchRetry& e);
  void on(const BatchVisible& e);

 private:
  enum class EvictReason { Idle, Lifetime, Reset };
  enum class Admission { Started, NoConcurrency, NoScaling };
  enum class DropReason { Age, Retries };

  /// A version of a function: its models and its own execution environments.
  struct UnitState {
    UnitState(const VersionSpec& s, std::uint32_t fn, std::int64_t from_us, std::int64_t to_us,
              const std::vector<Instance>* instances, RngStream errors_stream)
        : spec(&s), function(fn), errors(std::move(errors_stream)), idle(instances),
          pc_idle(instances), stats(from_us, to_us) {}
    const VersionSpec* spec;
    std::uint32_t function;
    std::unique_ptr<DurationDistribution> duration;
    std::unique_ptr<DurationDistribution> cold_start;  ///< INIT, or the restore with SnapStart
    std::unique_ptr<DurationDistribution> first_extra;  ///< first-invocation penalty, if any
    std::unique_ptr<KeepAlivePolicy> keep_alive;
    std::unique_ptr<ReusePolicy> reuse;
    RngStream errors;  ///< drawn only when an error or crash probability is set
    std::optional<Duration> max_lifetime;
    IdlePool idle;
    std::int64_t busy = 0;
    std::int64_t live = 0;
    std::int64_t queued = 0;  ///< async events waiting for this version
    bool init_billed = false;
    bool snapstart = false;
    double billed_restore_fraction = 1.0;
    double duration_scale = 1.0;    ///< memory → CPU factor applied to every execution time
    double cold_start_scale = 1.0;  ///< the same for INIT, when asked for
    double first_scale = 1.0;       ///< the same for the first-invocation penalty
    // Learning keep-alive (hybrid_histogram): idle times and pre-warming.
    bool learns = false;
    bool ended = false;     ///< an execution has ended (last_end is meaningful)
    Time last_end{};
    Time prewarm_at{};      ///< the pre-warm that is due (others are stale)
    // Provisioned concurrency (pc == nullptr: none).
    const ProvisionedSpec* pc = nullptr;
    IdlePool pc_idle;              ///< ready provisioned environments waiting for work
    std::int64_t pc_target = 0;    ///< configured concurrency now
    std::int64_t pc_wanted = 0;    ///< provisioned environments kept (initialising or ready)
    std::int64_t pc_pending = 0;   ///< allocations scheduled but not started
    std::int64_t pc_ready = 0;     ///< initialised (the AllocatedProvisionedConcurrency)
    std::int64_t pc_busy = 0;      ///< of those, executing
    std::int64_t pc_envs = 0;      ///< provisioned environments in existence, all states
    std::int64_t tt_min = 0, tt_max = 0;   ///< target tracking bounds now
    int tt_high = 0, tt_low = 0;           ///< consecutive datapoints above / below the alarms
    std::int64_t period_start = 0;         ///< when the current configuration began (µs)
    double alloc_tokens = 0;               ///< allocation-rate bucket
    std::int64_t alloc_last = 0;
    std::int64_t alloc_next = 0;           ///< earliest start of the next scheduled allocation
    // Areas for the one-minute utilisation datapoint (µs × environments).
    std::int64_t area_last = 0, ready_area = 0, busy_area = 0;
    FunctionCollector stats;
  };

  /// A function: what its versions share (concurrency, scaling rate).
  struct FunctionState {
    FunctionState(const FunctionSpec& s, std::int64_t from_us, std::int64_t to_us)
        : spec(&s), concurrency(from_us, to_us), live(from_us, to_us), queue(from_us, to_us) {}
    const FunctionSpec* spec;
    ScalingPolicy* scaling = nullptr;  ///< its own, or the account's (legacy_burst)
    std::unique_ptr<ScalingPolicy> own_scaling;
    std::int64_t reserved = -1;  ///< -1: draws from the unreserved account pool
    std::int64_t busy = 0, live_count = 0, queued = 0;
    std::int64_t pc_busy = 0;  ///< executions on provisioned environments
    std::int64_t pc_envs = 0;  ///< provisioned environments in existence (they hold concurrency)
    std::uint32_t first_unit = 0, unit_count = 0;
    std::uint32_t first_alias = 0;
    // Peaks over all versions; kept only when the function has more than one.
    TimeWeighted concurrency, live, queue;
  };

  struct AliasState {
    AliasState(std::uint32_t fn, std::int64_t from_us, std::int64_t to_us, RngStream route_stream)
        : function(fn), route(std::move(route_stream)), stats(from_us, to_us) {}
    std::uint32_t function;
    std::uint32_t units[2] = {kNone, kNone};
    double first_weight = 1.0;  ///< probability of units[0]
    RngStream route;            ///< drawn only when the alias splits traffic
    std::int64_t busy = 0;
    FunctionCollector stats;          ///< invocations through the alias (no environments)
    std::vector<FunctionUsage> usage;  ///< billable usage per route, for the alias's bill
  };

  /// A workload as an event source: what its callers see, and its share of the bill.
  struct SourceState {
    SourceState(std::int64_t from_us, std::int64_t to_us) : stats(from_us, to_us) {}
    FunctionCollector stats;  ///< latency as the caller sees it (API Gateway: capped, + overhead)
    std::vector<FunctionUsage> usage;  ///< per unit it may run on
    std::uint32_t units[2] = {kNone, kNone};
    bool api_gateway = false;
    Duration integration_timeout{0};
    std::unique_ptr<DurationDistribution> overhead;
    std::uint64_t gateway_timeouts = 0;
  };

  struct WorkloadState {
    std::uint32_t unit;   ///< kNone when routed by an alias
    std::uint32_t alias;  ///< kNone when it names a version
    bool async;
    std::unique_ptr<ArrivalProcess> arrivals;
    std::uint32_t mapping = kNone;  ///< its event source mapping: arrivals are records
  };

  /// A record of an event source mapping: an SQS message or a stream record.
  struct Record {
    std::int64_t arrived_us = 0;
    std::uint64_t seq = 0;       ///< arrival order within its lane
    std::uint32_t receives = 0;  ///< SQS: times received (ApproximateReceiveCount)
    bool counted = false;        ///< arrived in the measured window
  };

  /// Where a mapping's records wait in order: an SQS queue (one lane), or one shard (one lane
  /// per shard and parallelization slot) of a stream.
  struct Lane {
    std::uint32_t mapping = 0;
    RingBuffer<Record> records;
    std::uint32_t batch = kNone;  ///< streams: the batch in flight (at most one per lane)
    bool poll_pending = false;
    Time poll_at{};
    std::uint64_t next_seq = 0;
    std::uint64_t last_done_seq = 0;  ///< streams: sequence after the last processed record
  };

  /// An event source mapping (sim/lambda/event_sources.cpp).
  struct MappingState {
    MappingState(const SourceSpec& s, std::uint32_t wl, std::int64_t from_us, std::int64_t to_us)
        : spec(&s), workload(wl), stats(from_us, to_us) {}
    const SourceSpec* spec;
    std::uint32_t workload;
    std::uint32_t first_lane = 0, lane_count = 1;
    std::unique_ptr<DurationDistribution> record_duration;
    std::optional<RngStream> shard_pick;  ///< streams: the shard (partition key) of a record
    std::int64_t backlog = 0;  ///< records not yet processed, dead-lettered or expired
    // SQS pollers: batches the mapping may process at once, and those it does.
    double allowed = 0;
    std::int64_t limit = 0;
    std::int64_t active = 0;
    bool growing = false;
    Time growth_since{};
    bool gathering = false;  ///< a batching window is open
    Time gather_since{};
    Time hold_growth_until{};  ///< after a throttle, pollers are not added until then
    std::vector<std::int64_t> series_last;  ///< backlog at each interval's last change
    MappingCollector stats;
  };

  /// A batch a mapping took: invoked until it succeeds, is throttled out, or gives up.
  struct Batch {
    std::uint32_t mapping = 0;
    std::uint32_t lane = 0;
    std::vector<Record> records;  ///< capacity kept when the batch is reused
    Time received{};
    std::uint32_t failures = 0;   ///< invocations that ended in an error or timeout
    std::uint32_t throttles = 0;  ///< consecutive throttled invocations
    bool live = false;            ///< taken and not yet released
  };

  /// An asynchronous event in the function's internal queue (lambda-facts §4).
  struct AsyncEvent {
    Time arrived{};
    std::uint64_t invocation = 0;  ///< arrival number, for observers
    std::uint32_t unit = 0;
    std::uint32_t alias = kNone;
    std::uint32_t source = kNone;
    std::uint8_t retries = 0;    ///< retries after function errors so far
    std::uint8_t throttles = 0;  ///< consecutive throttled attempts (backoff exponent)
    bool counted = false;
  };

  /// Whether an on-demand execution may start. Provisioned environments hold their share of
  /// the function's (or the account's) concurrency whether busy or not (lambda-facts §3, §5).
  bool admit(const FunctionState& f) const {
    return f.reserved >= 0
               ? f.busy - f.pc_busy < f.reserved - f.pc_envs
               : unreserved_busy_ - unreserved_pc_busy_ < unreserved_limit_ - unreserved_pc_envs_;
  }
  void schedule_next_arrival(std::uint32_t workload, Time previous);
  /// Moves the clock to `key` and folds the event (`id`: what it concerns) into the digest.
  void advance_to(const EventKey& key, std::uint64_t id);
  std::uint32_t route(AliasState& a);
  /// Admission, environment choice and the start of one execution.
  Admission start(std::uint32_t unit, std::uint32_t alias, bool counted, std::uint32_t event);
  /// Counts a throttled synchronous invocation (`by_scaling`: for want of a scaling token).
  void throttle(UnitState& u, std::uint32_t alias, bool counted, bool by_scaling);
  void attempt(std::uint32_t event);
  void drop(std::uint32_t event, DropReason reason);
  void finish_event(std::uint32_t event, const Instance& inst);
  /// Counts one finished execution and its latency into `s` (a version's or an alias's).
  static void record_execution(FunctionCollector& s, const Instance& inst);
  /// The same for a source: the caller's view (API Gateway's timeout and overhead).
  void record_source(SourceState& src, const Instance& inst);
  /// Adds one finished execution to `usage` (a version's, or an alias's share).
  static void bill_execution(FunctionUsage& usage, const UnitState& u, const Instance& inst,
                             bool init_billed);
  InstanceSlot allocate_instance(std::uint32_t unit);
  void release_to_idle(InstanceSlot slot);
  /// Makes `slot` idle until `deadline` (or reclaims it now if the deadline has passed).
  void park(InstanceSlot slot, Time deadline);
  void arm_timer(InstanceSlot slot);
  void destroy(InstanceSlot slot, EvictReason reason);
  void set_busy(UnitState& u, std::uint32_t alias, std::int64_t delta);
  void set_live(UnitState& u, std::int64_t delta);
  void set_idle(UnitState& u);
  void set_queued(UnitState& u, std::int64_t delta);
  bool in_window() const { return now_ >= window_from_ && now_ <= horizon_; }
  // Provisioned concurrency.
  /// Sets the configured concurrency (`initial`: the configuration at the start, not a scaling).
  void pc_set_target(std::uint32_t unit, std::int64_t target, bool initial = false);
  void pc_schedule_allocations(std::uint32_t unit, bool immediately);
  InstanceSlot pc_start_environment(std::uint32_t unit, bool ready_now);
  void pc_make_ready(InstanceSlot slot);
  void pc_retire(InstanceSlot slot);
  /// Changes the ready and busy provisioned counts (after adding the time since the last
  /// change to the utilisation areas).
  void pc_change(UnitState& u, std::int64_t d_ready, std::int64_t d_busy);
  /// Bills the configuration period that ends at `at` and starts the next one there.
  void pc_close_period(UnitState& u, Time at);
  void pc_apply_steps(std::uint32_t unit, bool at_start);
  void pc_count_envs(UnitState& u, std::int64_t delta);
  // Event source mappings (event_sources.cpp).
  void build_mapping(std::uint32_t workload, const WorkloadSpec& ws, const Registries& registries,
                     Diagnostics& diags, std::uint64_t seed, std::uint64_t replication);
  void mapping_record(std::uint32_t workload);
  void sqs_poll(MappingState& m);
  void stream_poll(std::uint32_t lane);
  void schedule_poll(std::uint32_t lane, Time at);
  std::uint32_t take_batch(std::uint32_t lane, std::size_t count);
  void invoke_batch(std::uint32_t batch);
  void batch_finished(std::uint32_t batch, Outcome outcome);
  void release_batch(std::uint32_t batch);
  void set_backlog(MappingState& m, std::int64_t delta);
  void note_age(MappingState& m, Duration age);
  /// Records at the front of `lane` past retention (or a stream's max_record_age) leave.
  void expire_front(Lane& lane, MappingState& m);
  void finish_mappings();

  Time horizon_;
  Time window_from_;
  // Two FIFO lanes beside the heap (see EventQueue): execution ends, which come in time order
  // while executions take a constant time, and idle timers, which do under a constant
  // keep-alive. Events out of order go to the heap; the order in which events fire is the same.
  static constexpr std::size_t kExecLane = 0;
  static constexpr std::size_t kTimerLane = 1;
  EventQueue<Event, 2> queue_;
  // Arrivals wait in their own queue (one entry per workload); run() merges the two in
  // (time, phase) order. Arrivals are the only Phase::Arrive events, so the merged order is the
  // same total order as one queue would give, at half the heap work per invocation.
  EventQueue<InvocationArrived> arrivals_;
  std::vector<Instance> instances_;
  std::vector<InstanceSlot> free_slots_;
  std::vector<FunctionState> functions_;
  std::vector<UnitState> units_;
  std::vector<AliasState> aliases_;
  std::vector<WorkloadState> workloads_;
  std::vector<AsyncEvent> events_pool_;
  std::vector<SourceState> sources_;  ///< one per workload when track_sources_
  std::vector<MappingState> mappings_;
  std::vector<Lane> lanes_;
  std::vector<Batch> batches_;
  std::vector<std::uint32_t> free_batches_;
  std::uint32_t current_batch_ = kNone;  ///< the batch start() is starting
  Duration current_extra_{0};          ///< per-record time added to that batch's execution
  std::uint64_t all_records_ = 0, all_records_done_ = 0;  ///< conservation, every record
  bool track_sources_ = false;
  std::uint32_t current_source_ = kNone;  ///< the source start()/throttle() act for
  std::vector<std::uint32_t> free_events_;
  std::unique_ptr<ScalingPolicy> account_scaling_;  ///< legacy_burst, shared by the functions
  Duration init_limit_;
  std::int64_t unreserved_limit_ = 0;
  std::int64_t unreserved_busy_ = 0;
  std::int64_t unreserved_pc_busy_ = 0, unreserved_pc_envs_ = 0;
  std::int64_t total_busy_ = 0, total_live_count_ = 0, total_queued_ = 0;
  // Scenario-wide peaks need their own trackers (a sum of per-function peaks is not the peak of
  // the sum); scenario-wide means are sums of per-function means.
  // With one version of one function they equal its own and are not kept (a hot-path saving).
  TimeWeighted total_concurrency_;
  TimeWeighted total_live_;
  TimeWeighted total_queue_;
  bool track_totals_ = true;
  bool arm_past_horizon_ = false;  ///< async retries may reuse environments after the horizon
  std::uint64_t next_serial_ = 1;
  // Conservation, over every invocation (counted or not).
  std::uint64_t all_arrived_ = 0, all_completed_ = 0, all_throttled_ = 0, all_dropped_ = 0;
  std::uint64_t all_started_ = 0, all_finished_ = 0;  // executions
  Time now_{};
  std::uint64_t digest_ = 0x6C616D6264617369ULL;
  std::uint64_t events_ = 0;
  std::function<void(double)> progress_;
  PlatformObserver* observer_ = nullptr;
  std::uint64_t current_invocation_ = 0;  ///< the invocation start() is starting
};

}  // namespace lsim
