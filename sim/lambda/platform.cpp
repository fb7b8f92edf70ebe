// The platform's event handlers. Every step of an invocation's life is here, in one place.
#include "sim/lambda/platform.hpp"

#include "sim/lambda/cpu_share.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lsim {
namespace {

// The run digest: order-sensitive (each step mixes the previous state), one splitmix per event.
std::uint64_t fold(std::uint64_t digest, std::uint64_t a, std::uint64_t b) {
  return splitmix64((digest * 0xD1342543DE82EF95ULL) ^ a ^ (b << 40));
}

Duration scale(Duration d, double factor) {
  return to_duration(to_seconds(d) * factor);
}

}  // namespace

Platform::Platform(const ScenarioSpec& spec, const Registries& registries, std::uint64_t seed,
                   std::uint64_t replication, Date billing_date)
    : horizon_(Time{spec.duration}),
      window_from_(Time{spec.warmup}),
      init_limit_(spec.init_limit),
      total_concurrency_(spec.warmup.count(), spec.duration.count()),
      total_live_(spec.warmup.count(), spec.duration.count()) {
  Diagnostics diags;
  auto stream = [&](const std::string& name) { return RngStream::derive(seed, replication, name); };
  std::int64_t reserved_total = 0;
  functions_.reserve(spec.functions.size());
  for (const FunctionSpec& fs : spec.functions) {
    const std::string prefix = "fn/" + fs.name + "/";
    FunctionState& f = functions_.emplace_back(fs, spec.warmup.count(), spec.duration.count(),
                                               &instances_, stream(prefix + "errors"));
    f.duration = registries.duration.make(fs.duration.node, fs.duration.path, diags,
                                          stream(prefix + "duration"));
    f.cold_start = registries.cold_start.make(fs.cold_start.node, fs.cold_start.path, diags,
                                              stream(prefix + "cold_start"));
    f.keep_alive = registries.keep_alive.make(fs.keep_alive.node, fs.keep_alive.path, diags,
                                              stream(prefix + "keep_alive"));
    f.reuse = registries.reuse.make(fs.reuse.node, fs.reuse.path, diags, stream(prefix + "reuse"));
    f.scaling = registries.scaling.make(fs.scaling.node, fs.scaling.path, diags,
                                        stream(prefix + "scaling"));
    if (f.keep_alive) f.max_lifetime = f.keep_alive->max_lifetime();
    if (fs.reserved_concurrency) {
      f.reserved = *fs.reserved_concurrency;
      reserved_total += f.reserved;
    }
    f.init_billed = init_is_billed(billing_date, fs.runtime, fs.package_type);
    if (const MemoryScaling& ms = fs.memory_scaling; ms.reference_mb > 0) {
      f.duration_scale = duration_scale(fs.memory_mb, ms.reference_mb, ms.cpu_bound, ms.threads);
      if (ms.cold_start) f.cold_start_scale = f.duration_scale;
    }
    f.stats.usage.arch = fs.architecture;
    f.stats.usage.memory_mb = fs.memory_mb;
    f.stats.usage.ephemeral_mb = fs.ephemeral_mb;
  }
  for (const WorkloadSpec& ws : spec.workloads) {
    auto arrivals = registries.arrivals.make(
        ws.arrivals.node, ws.arrivals.path, diags,
        stream(fmt::format("fn/{}/workload/{}/arrivals", ws.function_name, ws.ordinal)));
    workloads_.push_back({static_cast<std::uint32_t>(ws.function), std::move(arrivals)});
  }
  if (diags.has_errors()) throw ScenarioError(std::move(diags));
  unreserved_limit_ = std::max<std::int64_t>(0, spec.account_concurrency - reserved_total);
  track_totals_ = functions_.size() > 1;
}

void Platform::schedule_next_arrival(std::uint32_t workload, Time previous) {
  const std::optional<Time> next = workloads_[workload].arrivals->next(previous);
  // Nothing arrives at or after the horizon; a process that goes back in time is a model bug.
  if (!next || *next >= horizon_) return;
  LSIM_CHECK(*next >= previous, "arrival process of workload {} went back in time ({} µs after {} µs)",
             workload, next->time_since_epoch().count(), previous.time_since_epoch().count());
  arrivals_.push(*next, static_cast<std::uint8_t>(Phase::Arrive), InvocationArrived{workload});
}

void Platform::run() {
  for (std::uint32_t w = 0; w < workloads_.size(); ++w) schedule_next_arrival(w, kTimeZero);
  for (;;) {
    // Phases differ between the two queues, so their (time, phase, seq) orders never tie.
    const auto platform_next = queue_.next_order();
    const auto arrival_next = arrivals_.next_order();
    if (platform_next == arrival_next) break;  // both empty (the largest value)
    const bool arrival_first = arrival_next < platform_next;
    if ((++events_ & 0xFFFFF) == 0 && progress_) [[unlikely]]
      progress_(std::min(1.0, to_seconds(now_) / std::max(1e-9, to_seconds(horizon_))));
    if (arrival_first) {
      const auto due = arrivals_.pop();
      advance_to(due->key, due->event.workload);
      on(due->event);
    } else {
      const auto due = queue_.pop();
      advance_to(due->key, due->event.index());
      std::visit([this](const auto& e) { on(e); }, due->event);
    }
  }
  // After draining, now_ may lie past the horizon; the collectors clip to their window anyway.
  const std::int64_t end = std::max(horizon_, now_).time_since_epoch().count();
  for (auto& f : functions_) {
    f.stats.concurrency.finish(end);
    f.stats.live.finish(end);
    f.stats.idle.finish(end);
  }
  total_concurrency_.finish(end);
  total_live_.finish(end);
  LSIM_CHECK(all_arrived_ == all_completed_ + all_throttled_,
             "conservation violated: arrived {} != completed {} + throttled {}", all_arrived_,
             all_completed_, all_throttled_);
  LSIM_CHECK(total_busy_ == 0, "{} executions still in flight after draining", total_busy_);
}

void Platform::advance_to(const EventKey& key, std::uint64_t id) {
  now_ = key.at;
  digest_ = fold(digest_, static_cast<std::uint64_t>(now_.time_since_epoch().count()),
                 (std::uint64_t{key.phase} << 56) ^ id);
}

void Platform::throttle(FunctionState& f, bool counted, bool by_scaling) {
  ++all_throttled_;
  if (!counted) return;
  ++f.stats.counts.throttled;
  if (by_scaling) ++f.stats.counts.throttled_scaling;
}

void Platform::set_busy(FunctionState& f, std::int64_t delta) {
  const std::int64_t t = now_.time_since_epoch().count();
  f.busy += delta;
  f.stats.concurrency.set(t, f.busy);
  if (f.reserved < 0) unreserved_busy_ += delta;
  total_busy_ += delta;
  if (track_totals_) total_concurrency_.set(t, total_busy_);
}

void Platform::set_live(FunctionState& f, std::int64_t delta) {
  const std::int64_t t = now_.time_since_epoch().count();
  f.live += delta;
  f.stats.live.set(t, f.live);
  total_live_count_ += delta;
  if (track_totals_) total_live_.set(t, total_live_count_);
}

void Platform::set_idle(FunctionState& f) {
  // Called after the pool changed: its size is the new value.
  f.stats.idle.set(now_.time_since_epoch().count(), static_cast<std::int64_t>(f.idle.size()));
}

InstanceSlot Platform::allocate_instance(std::uint32_t function) {
  InstanceSlot slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    LSIM_CHECK(instances_.size() < kNoSlot, "too many execution environments");
    slot = static_cast<InstanceSlot>(instances_.size());
    instances_.emplace_back();
  }
  Instance& inst = instances_[slot];
  inst.function = function;
  inst.state = InstanceState::Busy;
  inst.timer_pending = false;
  inst.serial = next_serial_++;
  inst.created = now_;
  return slot;
}

void Platform::on(const InvocationArrived& e) {
  const WorkloadState& wl = workloads_[e.workload];
  schedule_next_arrival(e.workload, now_);
  FunctionState& f = functions_[wl.function];
  const bool counted = now_ >= window_from_;
  ++all_arrived_;
  if (counted) ++f.stats.counts.arrived;

  // Admission: a synchronous invocation with no concurrency left is throttled (HTTP 429) and
  // neither executed nor billed (lambda-facts §3).
  if (!admit(f)) {
    throttle(f, counted, /*by_scaling=*/false);
    return;
  }

  InstanceSlot slot;
  Duration init{0};
  bool cold;
  if (!f.idle.empty()) {
    slot = f.idle.at(f.reuse->choose(f.idle));
    f.idle.remove(instances_, slot);
    set_idle(f);
    instances_[slot].state = InstanceState::Busy;
    cold = false;
  } else if (!f.scaling->try_acquire(now_)) {
    // Needs a new environment but the function may not add one yet: throttled like a lack of
    // concurrency (lambda-facts §3, scaling rate since 2023-11-26).
    throttle(f, counted, /*by_scaling=*/true);
    return;
  } else {
    slot = allocate_instance(wl.function);
    set_live(f, +1);
    if (counted) ++f.stats.environments.created;
    init = f.cold_start->sample();
    if (f.cold_start_scale != 1.0) init = scale(init, f.cold_start_scale);
    cold = true;
  }
  Duration exec = f.duration->sample();
  if (f.duration_scale != 1.0) exec = scale(exec, f.duration_scale);
  if (init > init_limit_) {
    // Suppressed init (lambda-facts §2): INIT is stopped at the limit and run again at the start
    // of the invocation, where it counts against the function timeout (and is billed as
    // duration). The re-run is assumed to take as long as the first attempt would have.
    exec += init;
    init = init_limit_;
    if (counted) ++f.stats.counts.init_suppressed;
  }
  Outcome outcome = Outcome::Ok;
  if (exec > f.spec->timeout) {
    exec = f.spec->timeout;
    outcome = Outcome::TimedOut;
  } else if (f.spec->error_probability > 0 || f.spec->crash_probability > 0) {
    // One draw decides: [0, p_error) handled error, [p_error, p_error + p_crash) crash. An error
    // is assumed to take the same time as a success (the duration model's draw).
    const double u = f.errors.uniform01();
    if (u < f.spec->error_probability) outcome = Outcome::Failed;
    else if (u < f.spec->error_probability + f.spec->crash_probability) outcome = Outcome::Crashed;
  }

  Instance& inst = instances_[slot];
  inst.arrival = now_;
  inst.init = init;
  inst.exec = exec;
  inst.cold = cold;
  inst.outcome = outcome;
  inst.counted = counted;
  set_busy(f, +1);
  if (counted) ++f.stats.counts.started;
  queue_.push(now_ + init + exec, static_cast<std::uint8_t>(Phase::Release),
              ExecutionFinished{slot});
}

void Platform::on(const ExecutionFinished& e) {
  Instance& inst = instances_[e.slot];
  LSIM_CHECK(inst.state == InstanceState::Busy, "execution finished on a non-busy environment");
  FunctionState& f = functions_[inst.function];
  ++all_completed_;
  if (inst.counted) {
    FunctionCollector& s = f.stats;
    ++s.counts.completed;
    const Duration latency = inst.init + inst.exec;
    if (inst.cold) {
      ++s.counts.cold;
      s.latency_cold.record(latency.count());
      s.latency_cold_ms.add(to_ms(latency));
    } else {
      ++s.counts.warm;
      s.latency_warm.record(latency.count());
      s.latency_warm_ms.add(to_ms(latency));
    }
    switch (inst.outcome) {
      case Outcome::Ok: break;
      case Outcome::TimedOut: ++s.counts.timed_out; break;
      case Outcome::Failed:
      case Outcome::Crashed: ++s.counts.failed; break;
    }
    add_invocation(s.usage, inst.exec.count(), inst.init.count(), inst.cold && f.init_billed);
  }
  set_busy(f, -1);

  if (inst.outcome == Outcome::TimedOut || inst.outcome == Outcome::Crashed) {
    // A timeout or a crash resets the environment: the next invocation there would be cold
    // (lambda-facts §7). A handled error keeps it.
    destroy(e.slot, EvictReason::Reset);
  } else if (f.max_lifetime && now_ >= inst.created + *f.max_lifetime) {
    destroy(e.slot, EvictReason::Lifetime);
  } else {
    release_to_idle(e.slot);
  }
}

void Platform::release_to_idle(InstanceSlot slot) {
  Instance& inst = instances_[slot];
  FunctionState& f = functions_[inst.function];
  Time deadline = now_ + f.keep_alive->idle_timeout(now_);
  if (f.max_lifetime) deadline = std::min(deadline, inst.created + *f.max_lifetime);
  if (deadline <= now_) {  // keep-alive 0: reclaimed the moment it is released
    destroy(slot, EvictReason::Idle);
    return;
  }
  inst.state = InstanceState::Idle;
  inst.idle_since = now_;
  inst.idle_deadline = deadline;
  f.idle.push_most_recent(instances_, slot);
  set_idle(f);
  arm_timer(slot);
}

// One pending timer per environment at most. If the environment is reused before the timer
// fires, the timer is not cancelled: when it fires it finds a later deadline and re-arms (or finds
// the environment busy and lapses). That costs one heap operation per idle period instead of one
// per invocation.
void Platform::arm_timer(InstanceSlot slot) {
  Instance& inst = instances_[slot];
  if (inst.idle_deadline >= horizon_) return;  // outlives the run: nothing to schedule
  if (inst.timer_pending && inst.timer_at <= inst.idle_deadline) return;
  inst.timer_pending = true;
  inst.timer_at = inst.idle_deadline;
  queue_.push(inst.idle_deadline, static_cast<std::uint8_t>(Phase::Expire),
              KeepAliveExpired{slot});
}

void Platform::on(const KeepAliveExpired& e) {
  Instance& inst = instances_[e.slot];
  // Stale: the slot is free, or the timer that is pending for it is due at another time (this
  // one was superseded, or the slot was freed and reused since). A stale timer that happens to be
  // due at the same instant as the slot's real one acts exactly as the real one would.
  if (inst.state == InstanceState::Free || !inst.timer_pending || inst.timer_at != now_) return;
  inst.timer_pending = false;
  if (inst.state != InstanceState::Idle) return;  // busy: re-armed when released
  if (now_ >= inst.idle_deadline) {
    const FunctionState& f = functions_[inst.function];
    const bool lifetime = f.max_lifetime && now_ >= inst.created + *f.max_lifetime;
    destroy(e.slot, lifetime ? EvictReason::Lifetime : EvictReason::Idle);
  } else {
    arm_timer(e.slot);
  }
}

void Platform::destroy(InstanceSlot slot, EvictReason reason) {
  Instance& inst = instances_[slot];
  FunctionState& f = functions_[inst.function];
  if (inst.state == InstanceState::Idle) {
    f.idle.remove(instances_, slot);
    set_idle(f);
  }
  set_live(f, -1);
  if (in_window()) {
    switch (reason) {
      case EvictReason::Idle: ++f.stats.environments.evicted_idle; break;
      case EvictReason::Lifetime: ++f.stats.environments.evicted_lifetime; break;
      case EvictReason::Reset: ++f.stats.environments.reset; break;
    }
  }
  inst.state = InstanceState::Free;
  inst.timer_pending = false;
  free_slots_.push_back(slot);
}

}  // namespace lsim
