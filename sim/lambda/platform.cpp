// The platform's event handlers. Every step of an invocation's life is here, in one place.
#include "sim/lambda/platform.hpp"

#include "sim/lambda/cpu_share.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

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

Duration throttle_backoff(std::uint32_t throttles) {
  constexpr Duration kFirst = std::chrono::seconds(1);
  constexpr Duration kMax = std::chrono::minutes(5);
  return throttles >= 9 ? kMax : std::min(kMax, kFirst * (1 << throttles));
}

Platform::Platform(const ScenarioSpec& spec, const Registries& registries, std::uint64_t seed,
                   std::uint64_t replication, Date billing_date)
    : horizon_(Time{spec.duration}),
      window_from_(Time{spec.warmup}),
      init_limit_(spec.init_limit),
      total_concurrency_(spec.warmup.count(), spec.duration.count()),
      total_live_(spec.warmup.count(), spec.duration.count()),
      total_queue_(spec.warmup.count(), spec.duration.count()) {
  Diagnostics diags;
  auto stream = [&](const std::string& name) { return RngStream::derive(seed, replication, name); };
  const std::int64_t from = spec.warmup.count(), to = spec.duration.count();
  std::int64_t reserved_total = 0;
  std::size_t unit_total = 0, alias_total = 0;
  for (const FunctionSpec& fs : spec.functions) {
    unit_total += fs.versions.size();
    alias_total += fs.aliases.size();
  }
  functions_.reserve(spec.functions.size());
  units_.reserve(unit_total);
  aliases_.reserve(alias_total);
  std::string account_key;
  for (const FunctionSpec& fs : spec.functions) {
    const auto fn = static_cast<std::uint32_t>(functions_.size());
    FunctionState& f = functions_.emplace_back(fs, from, to);
    // Streams of an unversioned function keep the names they had before versions existed.
    const std::string prefix = "fn/" + fs.name + "/";
    f.own_scaling = registries.scaling.make(fs.scaling.node, fs.scaling.path, diags,
                                            stream(prefix + "scaling"));
    if (f.own_scaling) {
      const std::string key = f.own_scaling->account_key();
      if (key.empty()) {
        f.scaling = f.own_scaling.get();
      } else if (!account_scaling_) {
        account_scaling_ = std::move(f.own_scaling);
        account_key = key;
        f.scaling = account_scaling_.get();
      } else if (key != account_key) {
        diags.error(fs.scaling.node.loc, fs.scaling.path,
                    fmt::format("legacy_burst is one pool for the whole account: every function "
                                "must give it the same settings ({} here, {} before)",
                                key, account_key));
      } else {
        f.scaling = account_scaling_.get();
      }
    }
    if (fs.reserved_concurrency) {
      f.reserved = *fs.reserved_concurrency;
      reserved_total += f.reserved;
    }
    f.first_unit = static_cast<std::uint32_t>(units_.size());
    f.unit_count = static_cast<std::uint32_t>(fs.versions.size());
    for (const VersionSpec& vs : fs.versions) {
      const std::string vp = fs.declares_versions ? prefix + "version/" + vs.name + "/" : prefix;
      UnitState& u = units_.emplace_back(vs, fn, from, to, &instances_, stream(vp + "errors"));
      u.duration = registries.duration.make(vs.duration.node, vs.duration.path, diags,
                                            stream(vp + "duration"));
      const ModelSpec& start_model = vs.snapstart.enabled ? vs.snapstart.restore : vs.cold_start;
      u.cold_start = registries.cold_start.make(start_model.node, start_model.path, diags,
                                                stream(vp + "cold_start"));
      if (vs.first_invocation.enabled)
        u.first_extra = registries.duration.make(vs.first_invocation.extra.node,
                                                 vs.first_invocation.extra.path, diags,
                                                 stream(vp + "first_invocation"));
      u.keep_alive = registries.keep_alive.make(vs.keep_alive.node, vs.keep_alive.path, diags,
                                                stream(vp + "keep_alive"));
      u.reuse = registries.reuse.make(vs.reuse.node, vs.reuse.path, diags, stream(vp + "reuse"));
      if (u.keep_alive) {
        u.max_lifetime = u.keep_alive->max_lifetime();
        u.learns = u.keep_alive->learns();
      }
      u.snapstart = vs.snapstart.enabled;
      u.billed_restore_fraction = vs.snapstart.billed_fraction;
      // A SnapStart restore is not INIT: it is billed as Billed Restore Duration instead.
      u.init_billed = !u.snapstart && init_is_billed(billing_date, vs.runtime, vs.package_type);
      if (const MemoryScaling& ms = vs.memory_scaling; ms.reference_mb > 0) {
        u.duration_scale = duration_scale(vs.memory_mb, ms.reference_mb, ms.cpu_bound, ms.threads,
                                          ms.exponent);
        if (ms.cold_start) u.cold_start_scale = u.duration_scale;
      }
      if (vs.provisioned.kind != ProvisionedSpec::Kind::None) {
        u.pc = &vs.provisioned;
        u.stats.provisioned.enabled = true;
        u.stats.usage.provisioned_enabled = true;
        u.alloc_tokens = vs.provisioned.allocation_burst;
      }
      if (vs.first_invocation.enabled)  // JIT work: CPU-bound and single-threaded
        u.first_scale = duration_scale(vs.memory_mb, vs.first_invocation.reference_mb, 1.0, 1.0);
      FunctionUsage& usage = u.stats.usage;
      usage.arch = vs.architecture;
      usage.memory_mb = vs.memory_mb;
      usage.ephemeral_mb = vs.ephemeral_mb;
      // Python and .NET pay SnapStart cache and restore charges; Java does not (lambda-facts §1).
      if (u.snapstart && vs.runtime.rfind("java", 0) != 0)
        usage.snapshot_mb = vs.memory_mb + vs.ephemeral_mb;
    }
    f.first_alias = static_cast<std::uint32_t>(aliases_.size());
    for (const AliasSpec& as : fs.aliases) {
      AliasState& a = aliases_.emplace_back(fn, from, to, stream(prefix + "alias/" + as.name));
      for (std::size_t k = 0; k < as.routes.size() && k < 2; ++k) {
        a.units[k] = f.first_unit + static_cast<std::uint32_t>(as.routes[k].first);
        FunctionUsage usage = units_[a.units[k]].stats.usage;  // same memory and architecture
        usage.snapshot_mb = 0;  // the cache is the version's, not the alias's
        a.usage.push_back(usage);
      }
      a.first_weight = as.routes.empty() ? 1.0 : as.routes[0].second;
    }
  }
  track_sources_ = spec.workloads.size() > 1 ||
                   std::any_of(spec.workloads.begin(), spec.workloads.end(),
                               [](const WorkloadSpec& w) { return w.named; });
  for (const WorkloadSpec& ws : spec.workloads) {
    auto arrivals = registries.arrivals.make(
        ws.arrivals.node, ws.arrivals.path, diags,
        stream(fmt::format("fn/{}/workload/{}/arrivals", ws.function_name, ws.ordinal)));
    const FunctionState& f = functions_[ws.function];
    WorkloadState w{kNone, kNone, ws.invocation == InvocationType::Async, std::move(arrivals)};
    if (ws.version) w.unit = f.first_unit + static_cast<std::uint32_t>(*ws.version);
    if (ws.alias) w.alias = f.first_alias + static_cast<std::uint32_t>(*ws.alias);
    if (w.async) arm_past_horizon_ = true;
    if (track_sources_) {
      SourceState& src = sources_.emplace_back(from, to);
      if (w.unit != kNone) src.units[0] = w.unit;
      else for (int k = 0; k < 2; ++k) src.units[k] = aliases_[w.alias].units[k];
      for (const std::uint32_t unit : src.units)
        if (unit != kNone) {
          FunctionUsage usage = units_[unit].stats.usage;
          usage.snapshot_mb = 0;
          src.usage.push_back(usage);
        }
      src.api_gateway = ws.source.kind == SourceSpec::Kind::ApiGateway;
      src.integration_timeout = ws.source.integration_timeout;
      if (!ws.source.overhead.node.is_null())
        src.overhead = registries.duration.make(
            ws.source.overhead.node, ws.source.overhead.path, diags,
            stream(fmt::format("fn/{}/workload/{}/overhead", ws.function_name, ws.ordinal)));
    }
    workloads_.push_back(std::move(w));
    if (ws.source.is_mapping())
      build_mapping(static_cast<std::uint32_t>(workloads_.size() - 1), ws, registries, diags, seed,
                    replication);
  }
  if (diags.has_errors()) throw ScenarioError(std::move(diags));
  unreserved_limit_ = std::max<std::int64_t>(0, spec.account_concurrency - reserved_total);
  track_totals_ = units_.size() > 1;
}

std::vector<std::uint32_t> Platform::source_units(std::size_t workload) const {
  std::vector<std::uint32_t> out;
  for (const std::uint32_t unit : sources_[workload].units)
    if (unit != kNone) out.push_back(unit);
  return out;
}

std::int64_t Platform::function_peak_concurrency(std::size_t function) const {
  const FunctionState& f = functions_[function];
  return f.unit_count > 1 ? f.concurrency.max() : units_[f.first_unit].stats.concurrency.max();
}
std::int64_t Platform::function_peak_live(std::size_t function) const {
  const FunctionState& f = functions_[function];
  return f.unit_count > 1 ? f.live.max() : units_[f.first_unit].stats.live.max();
}
std::int64_t Platform::function_peak_queue(std::size_t function) const {
  const FunctionState& f = functions_[function];
  return f.unit_count > 1 ? f.queue.max() : units_[f.first_unit].stats.async.queue.max();
}

void Platform::schedule_next_arrival(std::uint32_t workload, Time previous) {
  const OptionalTime next = workloads_[workload].arrivals->next(previous);
  // Nothing arrives at or after the horizon; a process that goes back in time is a model bug.
  if (!next || *next >= horizon_) return;
  LSIM_CHECK(*next >= previous, "arrival process of workload {} went back in time ({} µs after {} µs)",
             workload, next->time_since_epoch().count(), previous.time_since_epoch().count());
  arrivals_.push(*next, static_cast<std::uint8_t>(Phase::Arrive), InvocationArrived{workload});
}

void Platform::run() {
  for (std::uint32_t u = 0; u < units_.size(); ++u)
    if (units_[u].pc != nullptr) pc_apply_steps(u, /*at_start=*/true);
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
      const InvocationArrived arrival = arrivals_.pop_payload();
      advance_to(arrivals_.key_of_order(arrival_next), arrival.workload);
      on(arrival);
    } else {
      const Event event = queue_.pop_payload();
      advance_to(queue_.key_of_order(platform_next), event.index());
      std::visit([this](const auto& e) { on(e); }, event);
    }
  }
  // After draining, now_ may lie past the horizon; the collectors clip to their window anyway.
  const std::int64_t end = std::max(horizon_, now_).time_since_epoch().count();
  for (auto& u : units_) {
    if (u.pc != nullptr) {
      pc_close_period(u, std::max(horizon_, now_));  // the configuration lasts to the horizon
      u.stats.provisioned.configured.finish(end);
      u.stats.provisioned.allocated.finish(end);
      u.stats.provisioned.in_use.finish(end);
    }
    u.stats.concurrency.finish(end);
    u.stats.live.finish(end);
    u.stats.idle.finish(end);
    u.stats.async.queue.finish(end);
  }
  for (auto& f : functions_) {
    f.concurrency.finish(end);
    f.live.finish(end);
    f.queue.finish(end);
  }
  for (auto& a : aliases_) a.stats.concurrency.finish(end);
  finish_mappings();
  total_concurrency_.finish(end);
  total_live_.finish(end);
  total_queue_.finish(end);
  LSIM_CHECK(all_arrived_ == all_completed_ + all_throttled_ + all_dropped_,
             "conservation violated: arrived {} != completed {} + throttled {} + dropped {}",
             all_arrived_, all_completed_, all_throttled_, all_dropped_);
  LSIM_CHECK(all_started_ == all_finished_, "{} executions started but {} finished", all_started_,
             all_finished_);
  LSIM_CHECK(total_busy_ == 0, "{} executions still in flight after draining", total_busy_);
  LSIM_CHECK(total_queued_ == 0, "{} async events still queued after draining", total_queued_);
}

void Platform::advance_to(const EventKey& key, std::uint64_t id) {
  now_ = key.at;
  digest_ = fold(digest_, static_cast<std::uint64_t>(now_.time_since_epoch().count()),
                 (std::uint64_t{key.phase} << 56) ^ id);
}

void Platform::throttle(UnitState& u, std::uint32_t alias, bool counted, bool by_scaling) {
  ++all_throttled_;
  if (current_source_ != kNone && counted) {
    FunctionCollector& s = sources_[current_source_].stats;
    ++s.counts.throttled;
    if (by_scaling) ++s.counts.throttled_scaling;
  }
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Throttle, .at = now_, .invocation = current_invocation_,
                .unit = static_cast<std::uint32_t>(&u - units_.data()), .alias = alias,
                .reason = by_scaling ? "scaling" : "concurrency"};
    observer_->on_step(s);
  }
  if (!counted) return;
  for (FunctionCollector* s : {&u.stats, alias == kNone ? nullptr : &aliases_[alias].stats}) {
    if (s == nullptr) continue;
    ++s->counts.throttled;
    if (by_scaling) ++s->counts.throttled_scaling;
  }
}

void Platform::set_busy(UnitState& u, std::uint32_t alias, std::int64_t delta) {
  const std::int64_t t = now_.time_since_epoch().count();
  FunctionState& f = functions_[u.function];
  u.busy += delta;
  u.stats.concurrency.set(t, u.busy);
  f.busy += delta;
  if (f.unit_count > 1) f.concurrency.set(t, f.busy);
  if (alias != kNone) {
    AliasState& a = aliases_[alias];
    a.busy += delta;
    a.stats.concurrency.set(t, a.busy);
  }
  if (f.reserved < 0) unreserved_busy_ += delta;
  total_busy_ += delta;
  if (track_totals_) total_concurrency_.set(t, total_busy_);
}

void Platform::set_live(UnitState& u, std::int64_t delta) {
  const std::int64_t t = now_.time_since_epoch().count();
  FunctionState& f = functions_[u.function];
  u.live += delta;
  u.stats.live.set(t, u.live);
  f.live_count += delta;
  if (f.unit_count > 1) f.live.set(t, f.live_count);
  total_live_count_ += delta;
  if (track_totals_) total_live_.set(t, total_live_count_);
}

void Platform::set_idle(UnitState& u) {
  // Called after the pool changed: its size is the new value.
  u.stats.idle.set(now_.time_since_epoch().count(), static_cast<std::int64_t>(u.idle.size()));
}

void Platform::set_queued(UnitState& u, std::int64_t delta) {
  const std::int64_t t = now_.time_since_epoch().count();
  FunctionState& f = functions_[u.function];
  u.queued += delta;
  u.stats.async.queue.set(t, u.queued);
  f.queued += delta;
  if (f.unit_count > 1) f.queue.set(t, f.queued);
  total_queued_ += delta;
  if (track_totals_) total_queue_.set(t, total_queued_);
}

InstanceSlot Platform::allocate_instance(std::uint32_t unit) {
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
  inst.unit = unit;
  inst.state = InstanceState::Busy;
  inst.timer_pending = false;
  inst.first = true;
  inst.serial = next_serial_++;
  inst.created = now_;
  return slot;
}

// Weighted alias routing: "a simple probabilistic model" per invocation (lambda-facts §6).
std::uint32_t Platform::route(AliasState& a) {
  if (a.units[1] == kNone) return a.units[0];
  return a.route.uniform01() < a.first_weight ? a.units[0] : a.units[1];
}

void Platform::on(const InvocationArrived& e) {
  const WorkloadState& wl = workloads_[e.workload];
  schedule_next_arrival(e.workload, now_);
  if (wl.mapping != kNone) [[unlikely]] {
    mapping_record(e.workload);  // a record for the mapping's queue or stream, not an invocation
    return;
  }
  const std::uint32_t alias = wl.alias;
  const std::uint32_t unit = alias == kNone ? wl.unit : route(aliases_[alias]);
  UnitState& u = units_[unit];
  const bool counted = now_ >= window_from_;
  if (u.learns && u.ended && u.busy == 0) [[unlikely]]
    u.keep_alive->observe_idle_time(now_ - u.last_end);
  ++all_arrived_;
  current_invocation_ = all_arrived_;
  current_source_ = track_sources_ ? e.workload : kNone;
  if (current_source_ != kNone && counted) ++sources_[current_source_].stats.counts.arrived;
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Arrive, .at = now_, .invocation = all_arrived_,
                .unit = unit, .alias = alias, .async = wl.async};
    observer_->on_step(s);
  }
  if (counted) {
    ++u.stats.counts.arrived;
    if (alias != kNone) ++aliases_[alias].stats.counts.arrived;
  }
  if (wl.async) {
    // The event goes to the function's internal queue and is attempted at once (lambda-facts §4).
    std::uint32_t ev;
    if (!free_events_.empty()) {
      ev = free_events_.back();
      free_events_.pop_back();
    } else {
      LSIM_CHECK(events_pool_.size() < kNone, "too many queued async events");
      ev = static_cast<std::uint32_t>(events_pool_.size());
      events_pool_.emplace_back();
    }
    events_pool_[ev] = AsyncEvent{now_, all_arrived_, unit, alias, current_source_, 0, 0, counted};
    if (counted) {
      ++u.stats.async.arrived;
      if (alias != kNone) ++aliases_[alias].stats.async.arrived;
      if (current_source_ != kNone) ++sources_[current_source_].stats.async.arrived;
    }
    set_queued(u, +1);
    attempt(ev);
    return;
  }
  // Admission: a synchronous invocation with no concurrency left, or that needs a new environment
  // when the function may not add one yet, is throttled (HTTP 429) and neither executed nor
  // billed (lambda-facts §3).
  switch (start(unit, alias, counted, kNone)) {
    case Admission::Started: break;
    case Admission::NoConcurrency: throttle(u, alias, counted, /*by_scaling=*/false); break;
    case Admission::NoScaling: throttle(u, alias, counted, /*by_scaling=*/true); break;
  }
}

Platform::Admission Platform::start(std::uint32_t unit, std::uint32_t alias, bool counted,
                                    std::uint32_t event) {
  UnitState& u = units_[unit];
  FunctionState& f = functions_[u.function];
  InstanceSlot slot;
  Duration init{0};
  Duration billed_restore{0};
  bool cold;
  const bool on_pc = u.pc != nullptr && !u.pc_idle.empty();
  if (on_pc) {
    // An idle provisioned environment first: warm, and within concurrency already held.
    slot = u.pc_idle.at(0);
    u.pc_idle.remove(instances_, slot);
    instances_[slot].state = InstanceState::Busy;
    pc_change(u, 0, +1);
    cold = false;
  } else if (!admit(f)) {
    return Admission::NoConcurrency;
  } else if (!u.idle.empty()) {
    slot = u.idle.at(u.reuse->choose(u.idle));
    u.idle.remove(instances_, slot);
    set_idle(u);
    instances_[slot].state = InstanceState::Busy;
    cold = false;
  } else if (!f.scaling->try_acquire(now_)) {
    // Needs a new environment but the function may not add one yet (lambda-facts §3, scaling
    // rate since 2023-11-26, or the account's legacy burst).
    return Admission::NoScaling;
  } else {
    if (counted && std::isfinite(f.scaling->tokens())) {
      const auto left = static_cast<std::int64_t>(std::floor(f.scaling->tokens()));
      auto& low = u.stats.scaling_tokens_min;
      if (low < 0 || left < low) low = left;
    }
    slot = allocate_instance(unit);
    set_live(u, +1);
    if (counted) ++u.stats.environments.created;
    init = u.cold_start->sample();
    if (u.cold_start_scale != 1.0) init = scale(init, u.cold_start_scale);
    if (u.snapstart) billed_restore = scale(init, u.billed_restore_fraction);
    cold = true;
  }
  Duration exec = u.duration->sample();
  if (u.duration_scale != 1.0) exec = scale(exec, u.duration_scale);
  if (current_batch_ != kNone) [[unlikely]] exec += scale(current_extra_, u.duration_scale);
  if (u.first_extra && instances_[slot].first) {
    // First-invocation penalty (JIT warm-up), scaled by CPU share (lambda-facts §8).
    exec += scale(u.first_extra->sample(), u.first_scale);
  }
  if (init > init_limit_ && !u.snapstart) {
    // Suppressed init (lambda-facts §2): INIT is stopped at the limit and run again at the start
    // of the invocation, where it counts against the function timeout (and is billed as
    // duration). The re-run is assumed to take as long as the first attempt would have.
    exec += init;
    init = init_limit_;
    if (counted) ++u.stats.counts.init_suppressed;
  }
  const VersionSpec& spec = *u.spec;
  Outcome outcome = Outcome::Ok;
  if (exec > spec.timeout) {
    exec = spec.timeout;
    outcome = Outcome::TimedOut;
  } else if (spec.error_probability > 0 || spec.crash_probability > 0) {
    // One draw decides: [0, p_error) handled error, [p_error, p_error + p_crash) crash. An error
    // is assumed to take the same time as a success (the duration model's draw).
    const double v = u.errors.uniform01();
    if (v < spec.error_probability) outcome = Outcome::Failed;
    else if (v < spec.error_probability + spec.crash_probability) outcome = Outcome::Crashed;
  }

  if (u.pc != nullptr && !on_pc && counted) {
    // Spillover: beyond the idle provisioned environments, on-demand (lambda-facts §5).
    ++u.stats.counts.spillover;
    if (cold) ++u.stats.counts.spillover_cold;
    if (alias != kNone) {
      ++aliases_[alias].stats.counts.spillover;
      if (cold) ++aliases_[alias].stats.counts.spillover_cold;
    }
  }
  Instance& inst = instances_[slot];
  inst.arrival = now_;
  inst.init = init;
  inst.exec = exec;
  inst.cold = cold;
  inst.outcome = outcome;
  inst.counted = counted;
  inst.alias = alias;
  inst.event = event;
  inst.invocation = current_invocation_;
  inst.source = current_source_;
  inst.batch = current_batch_;
  if (current_source_ != kNone && counted) ++sources_[current_source_].stats.counts.started;
  inst.billed_restore = billed_restore;
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Start, .at = now_, .invocation = current_invocation_,
                .unit = unit, .alias = alias, .environment = inst.serial,
                .async = event != kNone, .cold = cold, .provisioned = inst.provisioned,
                .init = init, .exec = exec, .outcome = outcome,
                .attempt = event != kNone ? events_pool_[event].retries : 0,
                .reason = instances_[slot].first ? "first" : ""};
    observer_->on_step(s);
  }
  set_busy(u, alias, +1);
  ++all_started_;
  if (counted) {
    ++u.stats.counts.started;
    if (alias != kNone) ++aliases_[alias].stats.counts.started;
  }
  queue_.push_in_lane(kExecLane, now_ + init + exec, static_cast<std::uint8_t>(Phase::Release),
                      ExecutionFinished{slot});
  return Admission::Started;
}

// One attempt of an async event: too old ⇒ dropped; no capacity ⇒ back to the queue with a
// backoff of 1 s doubling to 5 min (lambda-facts §3–4: "retried for up to 6 h with backoff from
// 1 s growing exponentially to max 5 min").
void Platform::attempt(std::uint32_t event) {
  AsyncEvent& ev = events_pool_[event];
  UnitState& u = units_[ev.unit];
  if (now_ - ev.arrived > u.spec->async.max_event_age) {
    drop(event, DropReason::Age);
    return;
  }
  current_invocation_ = ev.invocation;
  current_source_ = ev.source;
  if (start(ev.unit, ev.alias, ev.counted, event) == Admission::Started) {
    AsyncEvent& started = events_pool_[event];  // start() does not touch the pool; for clarity
    set_queued(u, -1);
    started.throttles = 0;
    if (started.counted) {
      const Duration age = now_ - started.arrived;
      for (FunctionCollector* s :
           {&u.stats, started.alias == kNone ? nullptr : &aliases_[started.alias].stats,
            started.source == kNone ? nullptr : &sources_[started.source].stats}) {
        if (s == nullptr) continue;
        s->async.age_at_start.record(age.count());
        s->async.age_at_start_ms.add(to_ms(age));
      }
    }
    return;
  }
  const Duration backoff = throttle_backoff(ev.throttles);
  if (ev.throttles < 255) ++ev.throttles;
  if (ev.counted) {
    ++u.stats.async.throttle_retries;
    if (ev.alias != kNone) ++aliases_[ev.alias].stats.async.throttle_retries;
    if (ev.source != kNone) ++sources_[ev.source].stats.async.throttle_retries;
  }
  queue_.push(now_ + backoff, static_cast<std::uint8_t>(Phase::Retry), AsyncRetry{event});
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Requeue, .at = now_, .invocation = ev.invocation,
                .unit = ev.unit, .alias = ev.alias, .async = true, .until = now_ + backoff,
                .attempt = ev.retries, .reason = "no capacity"};
    observer_->on_step(s);
  }
}

void Platform::on(const AsyncRetry& e) { attempt(e.event); }

// The event leaves the queue for good: sent to the on-failure destination / DLQ if configured,
// else discarded (lambda-facts §4). It is waiting (queued) unless it just failed its last try.
void Platform::drop(std::uint32_t event, DropReason reason) {
  const AsyncEvent& ev = events_pool_[event];
  UnitState& u = units_[ev.unit];
  if (reason == DropReason::Age) set_queued(u, -1);
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Drop, .at = now_, .invocation = ev.invocation,
                .unit = ev.unit, .alias = ev.alias, .async = true, .attempt = ev.retries,
                .reason = reason == DropReason::Age ? "age" : "retries"};
    observer_->on_step(s);
  }
  ++all_dropped_;
  if (ev.counted) {
    for (FunctionCollector* s : {&u.stats, ev.alias == kNone ? nullptr : &aliases_[ev.alias].stats,
                                 ev.source == kNone ? nullptr : &sources_[ev.source].stats}) {
      if (s == nullptr) continue;
      ++s->counts.dropped;
      if (reason == DropReason::Age) ++s->async.dropped_age;
      else ++s->async.dropped_retries;
    }
  }
  free_events_.push_back(event);
}

// What an execution's end means for its async event: success completes it; a function error or
// timeout queues a retry 1 min, then 2 min later, max_retries times (lambda-facts §4).
void Platform::finish_event(std::uint32_t event, const Instance& inst) {
  AsyncEvent& ev = events_pool_[event];
  UnitState& u = units_[ev.unit];
  FunctionCollector* alias_stats = ev.alias == kNone ? nullptr : &aliases_[ev.alias].stats;
  if (inst.outcome == Outcome::Ok) {
    ++all_completed_;
    if (ev.counted) {
      const Duration age = now_ - ev.arrived;
      for (FunctionCollector* s :
           {&u.stats, alias_stats, ev.source == kNone ? nullptr : &sources_[ev.source].stats}) {
        if (s == nullptr) continue;
        ++s->counts.completed;
        s->async.age_at_completion.record(age.count());
        s->async.age_at_completion_ms.add(to_ms(age));
      }
    }
    free_events_.push_back(event);
    return;
  }
  if (ev.retries >= u.spec->async.max_retries) {
    drop(event, DropReason::Retries);
    return;
  }
  ++ev.retries;
  if (ev.counted) {
    ++u.stats.counts.retried;
    if (alias_stats != nullptr) ++alias_stats->counts.retried;
    if (ev.source != kNone) ++sources_[ev.source].stats.counts.retried;
  }
  set_queued(u, +1);
  const Duration delay = std::chrono::minutes(ev.retries == 1 ? 1 : 2);
  queue_.push(now_ + delay, static_cast<std::uint8_t>(Phase::Retry), AsyncRetry{event});
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Requeue, .at = now_, .invocation = ev.invocation,
                .unit = ev.unit, .alias = ev.alias, .async = true, .until = now_ + delay,
                .attempt = ev.retries, .reason = "function error"};
    observer_->on_step(s);
  }
}

void Platform::bill_execution(FunctionUsage& usage, const UnitState& u, const Instance& inst,
                              bool init_billed) {
  if (inst.provisioned) {
    add_provisioned_invocation(usage, inst.exec.count());
    return;
  }
  add_invocation(usage, inst.exec.count(), inst.init.count(), init_billed);
  if (u.snapstart && inst.cold) add_restore(usage, inst.billed_restore.count());
}

void Platform::record_execution(FunctionCollector& s, const Instance& inst) {
  const Duration latency = inst.init + inst.exec;
  if (inst.event == kNone) ++s.counts.completed;
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
}

void Platform::record_source(SourceState& src, const Instance& inst) {
  if (!src.api_gateway) {
    record_execution(src.stats, inst);
    return;
  }
  // API Gateway: the caller waits for the integration up to its timeout and then gets 504,
  // while the function runs on (and is billed in full); the gateway adds its own overhead.
  Instance seen = inst;
  const Duration overhead = src.overhead ? src.overhead->sample() : Duration{0};
  if (inst.init + inst.exec > src.integration_timeout) {
    ++src.gateway_timeouts;
    seen.outcome = Outcome::TimedOut;
    seen.exec = src.integration_timeout - std::min(inst.init, src.integration_timeout);
    seen.init = std::min(inst.init, src.integration_timeout);
  }
  seen.exec += overhead;
  record_execution(src.stats, seen);
}

void Platform::on(const ExecutionFinished& e) {
  Instance& inst = instances_[e.slot];
  LSIM_CHECK(inst.state == InstanceState::Busy, "execution finished on a non-busy environment");
  UnitState& u = units_[inst.unit];
  ++all_finished_;
  if (inst.counted) {
    AliasState* alias = inst.alias == kNone ? nullptr : &aliases_[inst.alias];
    record_execution(u.stats, inst);
    if (alias != nullptr) record_execution(alias->stats, inst);
    const bool init_billed = inst.cold && u.init_billed;
    bill_execution(u.stats.usage, u, inst, init_billed);
    if (alias != nullptr)
      bill_execution(alias->usage[inst.unit == alias->units[0] ? 0 : 1], u, inst, init_billed);
    if (inst.source != kNone) {
      SourceState& src = sources_[inst.source];
      record_source(src, inst);
      bill_execution(src.usage[inst.unit == src.units[0] ? 0 : 1], u, inst, init_billed);
    }
  }
  if (inst.event == kNone) ++all_completed_;
  u.last_end = now_;
  u.ended = true;
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Finish, .at = now_, .invocation = inst.invocation,
                .unit = inst.unit, .alias = inst.alias, .environment = inst.serial,
                .async = inst.event != kNone, .cold = inst.cold, .provisioned = inst.provisioned,
                .init = inst.init, .exec = inst.exec, .outcome = inst.outcome};
    observer_->on_step(s);
  }
  set_busy(u, inst.alias, -1);
  inst.first = false;
  if (inst.event != kNone) finish_event(inst.event, inst);
  // A mapping's poller moves on once the environment is released (so it can reuse it).
  const std::uint32_t batch = inst.batch;
  const Outcome outcome = inst.outcome;
  inst.batch = kNone;

  const bool reset = inst.outcome == Outcome::TimedOut || inst.outcome == Outcome::Crashed;
  if (inst.provisioned) {
    pc_change(u, 0, -1);
    if (reset) {
      // A provisioned environment that resets is replaced at once, keeping the configuration.
      const bool replace = !inst.retiring;
      const std::uint32_t unit = inst.unit;
      destroy(e.slot, EvictReason::Reset);
      if (replace) (void)pc_start_environment(unit, /*ready_now=*/false);
    } else if (inst.retiring) {
      destroy(e.slot, EvictReason::Lifetime);
    } else {
      inst.state = InstanceState::Idle;
      inst.idle_since = now_;
      u.pc_idle.push_most_recent(instances_, e.slot);
      if (observer_ != nullptr) [[unlikely]] {
        StepEvent s{.kind = StepEvent::Kind::Idle, .at = now_, .unit = inst.unit,
                    .environment = inst.serial, .provisioned = true, .until = horizon_,
                    .reason = "provisioned"};
        observer_->on_step(s);
      }
    }
  } else if (reset) {
    // A timeout or a crash resets the environment: the next invocation there would be cold
    // (lambda-facts §7). A handled error keeps it.
    destroy(e.slot, EvictReason::Reset);
  } else if (u.max_lifetime && now_ >= inst.created + *u.max_lifetime) {
    destroy(e.slot, EvictReason::Lifetime);
  } else {
    release_to_idle(e.slot);
  }
  if (batch != kNone) [[unlikely]] batch_finished(batch, outcome);
}

void Platform::release_to_idle(InstanceSlot slot) {
  Instance& inst = instances_[slot];
  UnitState& u = units_[inst.unit];
  if (u.learns) [[unlikely]] {
    const Duration prewarm = u.keep_alive->prewarm_after(now_);
    if (prewarm > Duration{0}) {
      // Unload now, load a new environment `prewarm` later (Shahrad et al., ATC'20).
      const std::uint32_t unit = inst.unit;
      destroy(slot, EvictReason::Idle);
      u.prewarm_at = now_ + prewarm;
      if (u.prewarm_at < horizon_ || arm_past_horizon_)
        queue_.push(u.prewarm_at, static_cast<std::uint8_t>(Phase::Expire), PrewarmDue{unit});
      return;
    }
  }
  park(slot, now_ + u.keep_alive->idle_timeout(now_));
}

void Platform::park(InstanceSlot slot, Time deadline) {
  Instance& inst = instances_[slot];
  UnitState& u = units_[inst.unit];
  if (u.max_lifetime) deadline = std::min(deadline, inst.created + *u.max_lifetime);
  if (deadline <= now_) {  // keep-alive 0: reclaimed the moment it is released
    destroy(slot, EvictReason::Idle);
    return;
  }
  inst.state = InstanceState::Idle;
  inst.idle_since = now_;
  inst.idle_deadline = deadline;
  u.idle.push_most_recent(instances_, slot);
  set_idle(u);
  arm_timer(slot);
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Idle, .at = now_, .unit = inst.unit,
                .environment = inst.serial, .until = deadline};
    observer_->on_step(s);
  }
}

// One pending timer per environment at most. If the environment is reused before the timer
// fires, the timer is not cancelled: when it fires it finds a later deadline and re-arms (or finds
// the environment busy and lapses). That costs one heap operation per idle period instead of one
// per invocation. Deadlines past the horizon need no timer (nothing arrives then) unless async
// retries may still come.
void Platform::arm_timer(InstanceSlot slot) {
  Instance& inst = instances_[slot];
  if (inst.idle_deadline >= horizon_ && !arm_past_horizon_) return;
  if (inst.timer_pending && inst.timer_at <= inst.idle_deadline) return;
  inst.timer_pending = true;
  inst.timer_at = inst.idle_deadline;
  queue_.push_in_lane(kTimerLane, inst.idle_deadline, static_cast<std::uint8_t>(Phase::Expire),
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
    const UnitState& u = units_[inst.unit];
    const bool lifetime = u.max_lifetime && now_ >= inst.created + *u.max_lifetime;
    destroy(e.slot, lifetime ? EvictReason::Lifetime : EvictReason::Idle);
  } else {
    arm_timer(e.slot);
  }
}

void Platform::destroy(InstanceSlot slot, EvictReason reason) {
  Instance& inst = instances_[slot];
  UnitState& u = units_[inst.unit];
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Evict, .at = now_, .unit = inst.unit,
                .environment = inst.serial, .provisioned = inst.provisioned,
                .reason = reason == EvictReason::Reset      ? "reset"
                          : reason == EvictReason::Lifetime ? "lifetime"
                          : inst.provisioned                 ? "scale-in"
                                                             : "idle"};
    observer_->on_step(s);
  }
  if (inst.provisioned) {
    if (inst.state == InstanceState::Idle) u.pc_idle.remove(instances_, slot);
    if (inst.ready) pc_change(u, -1, 0);
    pc_count_envs(u, -1);
    inst.provisioned = false;
    inst.retiring = false;
    inst.ready = true;
    inst.replaces = kNoSlot;
  } else if (inst.state == InstanceState::Idle) {
    u.idle.remove(instances_, slot);
    set_idle(u);
  }
  set_live(u, -1);
  if (in_window()) {
    switch (reason) {
      case EvictReason::Idle: ++u.stats.environments.evicted_idle; break;
      case EvictReason::Lifetime: ++u.stats.environments.evicted_lifetime; break;
      case EvictReason::Reset: ++u.stats.environments.reset; break;
    }
  }
  inst.state = InstanceState::Free;
  inst.timer_pending = false;
  free_slots_.push_back(slot);
}

// ---------------------------------------------------------------------------------------------
// Provisioned concurrency (lambda-facts §1, §5; Lambda developer guide "Configuring provisioned
// concurrency"; Application Auto Scaling target tracking for Lambda).
//
// The configured concurrency (pc_target) is what is billed, from the moment it is set, per
// configuration period rounded up to 5 minutes. Environments for it are allocated after the
// preparation delay, at the allocation rate, each running INIT (billed) before it is ready. Ready
// provisioned environments serve first; the rest spills over to on-demand. They are never
// reclaimed for idleness; at the keep-alive model's maximum lifetime each is recycled: a
// replacement runs INIT, and the old one leaves when the replacement is ready.

void Platform::pc_change(UnitState& u, std::int64_t d_ready, std::int64_t d_busy) {
  const std::int64_t t = now_.time_since_epoch().count();
  u.ready_area += (t - u.area_last) * u.pc_ready;
  u.busy_area += (t - u.area_last) * u.pc_busy;
  u.area_last = t;
  if (d_ready == 0 && d_busy == 0) return;
  u.pc_ready += d_ready;
  u.pc_busy += d_busy;
  u.stats.provisioned.allocated.set(t, u.pc_ready);
  u.stats.provisioned.in_use.set(t, u.pc_busy);
  FunctionState& f = functions_[u.function];
  f.pc_busy += d_busy;
  if (f.reserved < 0) unreserved_pc_busy_ += d_busy;
}

void Platform::pc_count_envs(UnitState& u, std::int64_t delta) {
  FunctionState& f = functions_[u.function];
  u.pc_envs += delta;
  f.pc_envs += delta;
  if (f.reserved < 0) unreserved_pc_envs_ += delta;
}

void Platform::pc_close_period(UnitState& u, Time at) {
  const std::int64_t from = window_from_.time_since_epoch().count();
  const std::int64_t to = horizon_.time_since_epoch().count();
  const std::int64_t start = std::clamp(u.period_start, from, to);
  const std::int64_t end = std::clamp(at.time_since_epoch().count(), from, to);
  add_provisioned_period(u.stats.usage, u.pc_target, end - start);
  u.period_start = at.time_since_epoch().count();
}

void Platform::pc_set_target(std::uint32_t unit, std::int64_t target, bool initial) {
  UnitState& u = units_[unit];
  if (target == u.pc_target) return;
  pc_close_period(u, now_);
  if (in_window() && !initial)
    ++(target > u.pc_target ? u.stats.provisioned.scale_out : u.stats.provisioned.scale_in);
  u.pc_target = target;
  u.stats.provisioned.configured.set(now_.time_since_epoch().count(), target);
  if (u.pc_wanted < target) {
    pc_schedule_allocations(unit, /*immediately=*/false);
    return;
  }
  // Scale in: drop allocations not started, then idle environments (least recently used
  // first), then the rest leave when their INIT or invocation ends.
  while (u.pc_wanted > target && u.pc_pending > 0) --u.pc_pending, --u.pc_wanted;
  while (u.pc_wanted > target && !u.pc_idle.empty()) {
    pc_retire(u.pc_idle.at(u.pc_idle.size() - 1));
    --u.pc_wanted;
  }
  for (InstanceSlot s = 0; u.pc_wanted > target && s < instances_.size(); ++s) {
    Instance& inst = instances_[s];
    if (inst.state == InstanceState::Free || !inst.provisioned || inst.unit != unit ||
        inst.retiring)
      continue;
    pc_retire(s);
    --u.pc_wanted;
  }
}

void Platform::pc_retire(InstanceSlot slot) {
  Instance& inst = instances_[slot];
  if (inst.state == InstanceState::Idle) destroy(slot, EvictReason::Idle);
  else inst.retiring = true;
}

// Schedules allocations up to the target: after the preparation delay (unless `immediately`),
// at the allocation rate after the initial burst (a token bucket in virtual time).
void Platform::pc_schedule_allocations(std::uint32_t unit, bool immediately) {
  UnitState& u = units_[unit];
  const ProvisionedSpec& pc = *u.pc;
  const std::int64_t t0 =
      (now_ + (immediately ? Duration{0} : pc.preparation)).time_since_epoch().count();
  const double per_us = pc.allocation_rate_per_s * 1e-6;
  while (u.pc_wanted < u.pc_target) {
    std::int64_t t = std::max(t0, u.alloc_last);
    u.alloc_tokens =
        std::min<double>(pc.allocation_burst, u.alloc_tokens + static_cast<double>(t - u.alloc_last) * per_us);
    if (u.alloc_tokens < 1.0 - 1e-9) {
      t += static_cast<std::int64_t>(std::ceil((1.0 - u.alloc_tokens) / per_us));
      u.alloc_tokens = 1.0;
    }
    u.alloc_tokens -= 1.0;
    u.alloc_last = t;
    ++u.pc_wanted;
    ++u.pc_pending;
    if (Time{Duration{t}} < horizon_)
      queue_.push(Time{Duration{t}}, static_cast<std::uint8_t>(Phase::Observe), PcAllocate{unit});
  }
}

void Platform::on(const PcAllocate& e) {
  UnitState& u = units_[e.unit];
  if (u.pc_pending == 0) return;  // cancelled by a scale-in
  --u.pc_pending;
  (void)pc_start_environment(e.unit, /*ready_now=*/false);
}

// A new provisioned environment: ready at once (ready_at_start), or after its INIT.
InstanceSlot Platform::pc_start_environment(std::uint32_t unit, bool ready_now) {
  UnitState& u = units_[unit];
  const InstanceSlot slot = allocate_instance(unit);
  set_live(u, +1);
  pc_count_envs(u, +1);
  if (in_window()) ++u.stats.environments.created;
  Instance& inst = instances_[slot];
  inst.provisioned = true;
  inst.retiring = false;
  inst.replaces = kNoSlot;
  if (ready_now) {
    inst.ready = false;  // pc_make_ready counts it
    pc_make_ready(slot);
    return slot;
  }
  inst.ready = false;
  Duration init = u.cold_start->sample();
  if (u.cold_start_scale != 1.0) init = scale(init, u.cold_start_scale);
  inst.init = init;
  if (in_window()) {
    // The INIT of provisioned environments is billed even if they never serve a request
    // (lambda-facts §1); priced here like on-demand INIT [unverified].
    add_provisioned_init(u.stats.usage, init.count());
    ++u.stats.provisioned.inits;
  }
  queue_.push(now_ + init, static_cast<std::uint8_t>(Phase::Release), PcReady{slot});
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::PcInit, .at = now_, .unit = unit,
                .environment = inst.serial, .provisioned = true, .init = init};
    observer_->on_step(s);
  }
  return slot;
}

void Platform::on(const PcReady& e) { pc_make_ready(e.slot); }

void Platform::on(const PrewarmDue& e) {
  UnitState& u = units_[e.unit];
  // Stale (a later pre-warm was asked for), or warm already: nothing to load.
  if (now_ != u.prewarm_at || !u.idle.empty() || u.busy > 0) return;
  const InstanceSlot slot = allocate_instance(e.unit);
  set_live(u, +1);
  Instance& inst = instances_[slot];
  Duration init = u.cold_start->sample();
  if (u.cold_start_scale != 1.0) init = scale(init, u.cold_start_scale);
  inst.init = init;
  if (in_window()) {
    ++u.stats.environments.created;
    ++u.stats.environments.prewarmed;
    add_provisioned_init(u.stats.usage, init.count());  // INIT billed, no request
  }
  queue_.push(now_ + init, static_cast<std::uint8_t>(Phase::Release), PrewarmReady{slot});
}

void Platform::on(const PrewarmReady& e) {
  const Instance& inst = instances_[e.slot];
  UnitState& u = units_[inst.unit];
  park(e.slot, now_ + u.keep_alive->idle_timeout(now_));
}

void Platform::pc_make_ready(InstanceSlot slot) {
  Instance& inst = instances_[slot];
  UnitState& u = units_[inst.unit];
  inst.ready = true;
  pc_change(u, +1, 0);
  if (inst.retiring) {
    destroy(slot, EvictReason::Idle);
    return;
  }
  inst.state = InstanceState::Idle;
  inst.idle_since = now_;
  u.pc_idle.push_most_recent(instances_, slot);
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::PcReady, .at = now_, .unit = inst.unit,
                .environment = inst.serial, .provisioned = true};
    observer_->on_step(s);
  }
  if (inst.replaces != kNoSlot) {
    Instance& old = instances_[inst.replaces];
    if (old.state != InstanceState::Free && old.serial == inst.replaces_serial) {
      if (in_window()) ++u.stats.provisioned.recycled;
      if (old.state == InstanceState::Idle) destroy(inst.replaces, EvictReason::Lifetime);
      else old.retiring = true;
    }
    inst.replaces = kNoSlot;
  }
  if (u.max_lifetime && inst.created + *u.max_lifetime < horizon_)
    queue_.push(inst.created + *u.max_lifetime, static_cast<std::uint8_t>(Phase::Expire),
                PcRecycle{slot});
}

void Platform::on(const PcRecycle& e) {
  Instance& inst = instances_[e.slot];
  const UnitState& u = units_[inst.unit];
  if (inst.state == InstanceState::Free || !inst.provisioned || inst.retiring || !u.max_lifetime ||
      inst.created + *u.max_lifetime != now_)
    return;  // gone, or the slot holds another environment now
  const std::uint64_t serial = inst.serial;
  const InstanceSlot replacement = pc_start_environment(inst.unit, /*ready_now=*/false);
  instances_[replacement].replaces = e.slot;
  instances_[replacement].replaces_serial = serial;
}

namespace {
constexpr std::int64_t kDayUs = 86'400'000'000;
// The first occurrence of `step` strictly after `t` (µs).
std::int64_t next_occurrence(const ProvisionedStep& step, std::int64_t t) {
  const std::int64_t at = step.at.count();
  if (!step.daily) return at > t ? at : std::numeric_limits<std::int64_t>::max();
  if (at > t) return at;
  return at + ((t - at) / kDayUs + 1) * kDayUs;
}
}  // namespace

// Applies the schedule's steps due now (all at or before 0 at the start: the latest daily step
// of the previous day, then those at time 0) and schedules the next.
void Platform::pc_apply_steps(std::uint32_t unit, bool at_start) {
  UnitState& u = units_[unit];
  const ProvisionedSpec& pc = *u.pc;
  const bool tt = pc.kind == ProvisionedSpec::Kind::TargetTracking;
  std::int64_t target = u.pc_target;
  auto apply = [&](const ProvisionedStep& st) {
    if (tt) {
      u.tt_min = st.min;
      u.tt_max = st.max;
    } else {
      target = st.concurrency;
    }
  };
  if (at_start) {
    u.tt_min = pc.min;
    u.tt_max = pc.max;
    target = pc.kind == ProvisionedSpec::Kind::Static ? pc.concurrency : 0;
    const ProvisionedStep* yesterday = nullptr;
    for (const auto& st : pc.steps)
      if (st.daily && (yesterday == nullptr || st.at > yesterday->at)) yesterday = &st;
    if (yesterday != nullptr) apply(*yesterday);
    for (const auto& st : pc.steps)
      if (st.at.count() == 0) apply(st);
  } else {
    const std::int64_t t = now_.time_since_epoch().count();
    for (const auto& st : pc.steps)
      if (next_occurrence(st, t - 1) == t) apply(st);
  }
  if (tt) target = std::clamp(target, u.tt_min, u.tt_max);
  if (at_start && pc.ready_at_start) {
    u.pc_target = target;
    u.stats.provisioned.configured.set(0, target);
    for (; u.pc_wanted < target; ++u.pc_wanted) (void)pc_start_environment(unit, /*ready_now=*/true);
  } else {
    pc_set_target(unit, target, /*initial=*/at_start);
  }
  const std::int64_t t = now_.time_since_epoch().count();
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const auto& st : pc.steps) next = std::min(next, next_occurrence(st, t));
  if (next < horizon_.time_since_epoch().count())
    queue_.push(Time{Duration{next}}, static_cast<std::uint8_t>(Phase::Observe), PcStepDue{unit});
  if (at_start && tt && Time{std::chrono::minutes(1)} < horizon_)
    queue_.push(Time{std::chrono::minutes(1)}, static_cast<std::uint8_t>(Phase::Observe),
                PcTick{unit});
}

void Platform::on(const PcStepDue& e) { pc_apply_steps(e.unit, /*at_start=*/false); }

// Target tracking on ProvisionedConcurrencyUtilization (lambda-facts §5): one datapoint a minute,
// the average of in-use / allocated. Scale out after 3 datapoints above the target, to
// ceil(allocated × utilisation / target); scale in after 15 below 90 % of it, the same way.
// Counting starts again after an action (Application Auto Scaling waits for new datapoints).
void Platform::on(const PcTick& e) {
  UnitState& u = units_[e.unit];
  pc_change(u, 0, 0);
  const double target = u.pc->target;
  if (u.ready_area > 0) {
    const double utilisation =
        static_cast<double>(u.busy_area) / static_cast<double>(u.ready_area);
    const double allocated = static_cast<double>(u.ready_area) / 60e6;
    u.tt_high = utilisation > target ? u.tt_high + 1 : 0;
    u.tt_low = utilisation < 0.9 * target ? u.tt_low + 1 : 0;
    const auto desired = std::clamp(
        static_cast<std::int64_t>(std::ceil(allocated * utilisation / target - 1e-9)), u.tt_min,
        u.tt_max);
    if (u.tt_high >= 3 && desired > u.pc_target) {
      pc_set_target(e.unit, desired);
      u.tt_high = 0;
    } else if (u.tt_low >= 15 && desired < u.pc_target) {
      pc_set_target(e.unit, desired);
      u.tt_low = 0;
    }
  }
  u.ready_area = u.busy_area = 0;
  const Time next = now_ + std::chrono::minutes(1);
  if (next < horizon_)
    queue_.push(next, static_cast<std::uint8_t>(Phase::Observe), PcTick{e.unit});
}

}  // namespace lsim
