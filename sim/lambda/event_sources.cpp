// Event source mappings: an SQS queue drained by pollers, Kinesis and DynamoDB streams read
// per shard in order. The workload's arrivals are records; the mapping turns them into batches
// and invokes the function synchronously with each (Platform::start, as for any request).
//
// Sources (AWS Lambda developer guide, retrieved 2026-12):
// - "Configuring scaling behavior for SQS event source mappings": when messages are available,
//   five batches at a time; while messages are still available, up to 300 more concurrent
//   batches per minute; at most 1,000; back to five when traffic is low. MaximumConcurrency
//   (2–1,000) caps the batches the mapping invokes at once.
// - "Creating and configuring an Amazon SQS event source mapping": a batch goes out when it is
//   full or the batching window ends; on an error, every message of the batch returns to the
//   queue once the visibility timeout ends (no partial batch responses here); after
//   maxReceiveCount receives a message goes to the dead-letter queue. The visibility timeout
//   leaves room to retry an invocation that was throttled.
// - Knowledge Center "lambda-sqs-scaling": mappings do not account for reserved concurrency and
//   can take more messages than the function may run; Lambda throttles mapping scaling when
//   invocations fail.
// - "Using Lambda with Kinesis" / "… DynamoDB": Lambda polls each shard (Kinesis: once per
//   second; DynamoDB Streams: four times per second), one batch per shard at a time, in order,
//   or up to ParallelizationFactor (1–10) batches per shard, each in order for its keys; a batch
//   that fails is retried (blocking its shard) until it succeeds, MaximumRetryAttempts is
//   reached or its records pass MaximumRecordAgeInSeconds, then discarded (to the on-failure
//   destination when there is one); records past the stream's retention (24 h) are lost.
//   IteratorAge: the age of the batch's last record when the mapping reads it.
// Assumptions, each a parameter or noted in README: a poller that finds the queue empty retires
// (the documented scale-back to five, at one poller per batch); a throttled batch is invoked
// again after 1 s, doubling up to 5 min (the async backoff of lambda-facts §4), within the
// visibility timeout (SQS) or indefinitely (streams); a failed stream batch is retried after
// one poll interval; a record's shard is uniform at random (partition keys hash evenly).
#include "sim/lambda/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lsim {
namespace {

Time from_us(std::int64_t us) { return Time{Duration{us}}; }
std::int64_t us_of(Time t) { return t.time_since_epoch().count(); }

// The first poll tick at or after t (ticks at multiples of the interval).
Time next_tick(Time t, Duration interval) {
  const std::int64_t i = interval.count();
  const std::int64_t v = us_of(t);
  return from_us((v + i - 1) / i * i);
}

std::int64_t pollers(double allowed) { return static_cast<std::int64_t>(std::floor(allowed + 1e-9)); }

}  // namespace

void Platform::build_mapping(std::uint32_t workload, const WorkloadSpec& ws,
                             const Registries& registries, Diagnostics& diags, std::uint64_t seed,
                             std::uint64_t replication) {
  const SourceSpec& spec = ws.source;
  const auto index = static_cast<std::uint32_t>(mappings_.size());
  MappingState& m = mappings_.emplace_back(spec, workload, us_of(window_from_), us_of(horizon_));
  workloads_[workload].mapping = index;
  const std::string prefix = fmt::format("fn/{}/workload/{}/", ws.function_name, ws.ordinal);
  if (!spec.record_duration.node.is_null())
    m.record_duration =
        registries.duration.make(spec.record_duration.node, spec.record_duration.path, diags,
                                 RngStream::derive(seed, replication, prefix + "record_duration"));
  m.first_lane = static_cast<std::uint32_t>(lanes_.size());
  m.lane_count = spec.is_stream() ? spec.shards * spec.parallelization_factor : 1;
  for (std::uint32_t k = 0; k < m.lane_count; ++k) lanes_.emplace_back().mapping = index;
  if (spec.is_stream()) {
    m.shard_pick = RngStream::derive(seed, replication, prefix + "shard");
  } else {
    m.limit = spec.max_pollers;
    if (spec.max_concurrency > 0) m.limit = std::min<std::int64_t>(m.limit, spec.max_concurrency);
    m.allowed = static_cast<double>(std::min<std::int64_t>(spec.initial_pollers, m.limit));
    m.stats.pollers_max = pollers(m.allowed);
  }
  // Over time: about 120 intervals of whole seconds.
  const std::int64_t horizon_s = std::max<std::int64_t>(1, (us_of(horizon_) + 999'999) / 1'000'000);
  const std::int64_t interval_s = std::max<std::int64_t>(1, (horizon_s + 119) / 120);
  m.stats.series_interval_us = interval_s * 1'000'000;
  const auto points = static_cast<std::size_t>((horizon_s + interval_s - 1) / interval_s);
  m.stats.series_backlog.assign(points, -1);
  m.stats.series_age_us.assign(points, 0);
  m.series_last.assign(points, 0);
}

void Platform::set_backlog(MappingState& m, std::int64_t delta) {
  const std::int64_t before = m.backlog;
  m.backlog += delta;
  m.stats.backlog.set(us_of(now_), m.backlog);
  const auto i = static_cast<std::size_t>(us_of(now_) / m.stats.series_interval_us);
  if (i < m.stats.series_backlog.size()) {
    std::int64_t& peak = m.stats.series_backlog[i];
    peak = std::max({peak, before, m.backlog});
    m.series_last[i] = m.backlog;
  }
}

void Platform::note_age(MappingState& m, Duration age) {
  const auto i = static_cast<std::size_t>(us_of(now_) / m.stats.series_interval_us);
  if (i < m.stats.series_age_us.size())
    m.stats.series_age_us[i] = std::max(m.stats.series_age_us[i], age.count());
}

void Platform::mapping_record(std::uint32_t workload) {
  MappingState& m = mappings_[workloads_[workload].mapping];
  std::uint32_t lane = m.first_lane;
  if (m.shard_pick) lane += static_cast<std::uint32_t>(m.shard_pick->below(m.lane_count));
  Lane& l = lanes_[lane];
  const bool counted = now_ >= window_from_;
  l.records.push_back(Record{us_of(now_), l.next_seq++, 0, counted});
  ++all_records_;
  if (counted) ++m.stats.arrived;
  set_backlog(m, +1);
  if (!m.spec->is_stream()) {
    sqs_poll(m);
  } else if (l.batch == kNone) {
    schedule_poll(lane, next_tick(now_, m.spec->poll_interval));
  }
}

void Platform::schedule_poll(std::uint32_t lane, Time at) {
  Lane& l = lanes_[lane];
  if (l.poll_pending && l.poll_at <= at) return;
  l.poll_pending = true;
  l.poll_at = at;
  queue_.push(at, static_cast<std::uint8_t>(Phase::Retry), MappingPoll{lane});
}

void Platform::on(const MappingPoll& e) {
  Lane& l = lanes_[e.lane];
  // Stale: superseded by an earlier poll, which re-derived what it needed.
  if (!l.poll_pending || l.poll_at != now_) return;
  l.poll_pending = false;
  MappingState& m = mappings_[l.mapping];
  if (m.spec->is_stream()) stream_poll(e.lane);
  else sqs_poll(m);
}

void Platform::expire_front(Lane& l, MappingState& m) {
  const SourceSpec& spec = *m.spec;
  while (!l.records.empty()) {
    const Record r = l.records.front();
    const Duration age = now_ - from_us(r.arrived_us);
    if (age >= spec.retention) {
      if (r.counted) ++m.stats.expired;
    } else if (spec.max_record_age && age > *spec.max_record_age) {
      if (r.counted) ++m.stats.dead_lettered;  // discarded, to the on-failure destination
    } else {
      break;
    }
    l.records.pop_front();
    l.last_done_seq = r.seq + 1;
    ++all_records_done_;
    set_backlog(m, -1);
  }
}

// SQS: free pollers take batches while messages are visible; a partial batch waits for the
// batching window; while messages wait for a poller, pollers are added at the documented rate.
void Platform::sqs_poll(MappingState& m) {
  const SourceSpec& spec = *m.spec;
  const std::uint32_t lane = m.first_lane;
  expire_front(lanes_[lane], m);
  if (!lanes_[lane].records.empty())
    note_age(m, now_ - from_us(lanes_[lane].records.front().arrived_us));
  if (now_ >= horizon_) return;  // the mapping stops with the simulation
  if (m.growing) {
    m.allowed = std::min(static_cast<double>(m.limit),
                         m.allowed + spec.poller_growth_per_minute *
                                         to_seconds(now_ - m.growth_since) / 60.0);
    m.growth_since = now_;
  }
  while (!lanes_[lane].records.empty() && m.active < pollers(m.allowed)) {
    const std::size_t n = lanes_[lane].records.size();
    if (n < spec.batch_size && spec.batching_window > Duration{0}) {
      if (!m.gathering) {
        m.gathering = true;
        m.gather_since = now_;
      }
      if (now_ < m.gather_since + spec.batching_window) {
        schedule_poll(lane, m.gather_since + spec.batching_window);
        break;
      }
    }
    m.gathering = false;
    const std::uint32_t b = take_batch(lane, std::min<std::size_t>(n, spec.batch_size));
    ++m.active;
    invoke_batch(b);
  }
  const bool waiting = !lanes_[lane].records.empty() && m.active >= pollers(m.allowed) &&
                       pollers(m.allowed) < m.limit && now_ >= m.hold_growth_until;
  if (waiting && !m.growing) {
    m.growing = true;
    m.growth_since = now_;
  } else if (!waiting) {
    m.growing = false;
  }
  if (m.growing) {
    const double missing = static_cast<double>(pollers(m.allowed) + 1) - m.allowed;
    schedule_poll(lane, now_ + std::max(Duration{1}, to_duration(missing * 60.0 /
                                                                 spec.poller_growth_per_minute)));
  } else if (!lanes_[lane].records.empty() && now_ < m.hold_growth_until) {
    schedule_poll(lane, m.hold_growth_until);
  }
  if (in_window()) m.stats.pollers_max = std::max(m.stats.pollers_max, pollers(m.allowed));
}

// Streams: one batch per lane at a time, in order; a partial batch waits for the window.
void Platform::stream_poll(std::uint32_t lane) {
  MappingState& m = mappings_[lanes_[lane].mapping];
  const SourceSpec& spec = *m.spec;
  if (lanes_[lane].batch != kNone) return;  // blocked until its batch succeeds or leaves
  expire_front(lanes_[lane], m);
  const Lane& l = lanes_[lane];
  if (l.records.empty() || now_ >= horizon_) return;
  const Time oldest = from_us(l.records.front().arrived_us);
  if (l.records.size() < spec.batch_size && now_ < oldest + spec.batching_window) {
    schedule_poll(lane, next_tick(oldest + spec.batching_window, spec.poll_interval));
    return;
  }
  const std::size_t count = std::min<std::size_t>(l.records.size(), spec.batch_size);
  const Duration iterator_age = now_ - from_us(l.records[count - 1].arrived_us);
  if (in_window()) {
    m.stats.iterator_age.record(iterator_age.count());
    m.stats.iterator_age_ms.add(to_ms(iterator_age));
  }
  note_age(m, iterator_age);
  const std::uint32_t b = take_batch(lane, count);
  lanes_[lane].batch = b;
  invoke_batch(b);
}

std::uint32_t Platform::take_batch(std::uint32_t lane, std::size_t count) {
  std::uint32_t b;
  if (!free_batches_.empty()) {
    b = free_batches_.back();
    free_batches_.pop_back();
  } else {
    LSIM_CHECK(batches_.size() < kNone, "too many batches in flight");
    b = static_cast<std::uint32_t>(batches_.size());
    batches_.emplace_back();
  }
  Batch& batch = batches_[b];
  Lane& l = lanes_[lane];
  batch.mapping = l.mapping;
  batch.lane = lane;
  batch.records.clear();
  batch.received = now_;
  batch.failures = 0;
  batch.throttles = 0;
  batch.live = true;
  for (std::size_t i = 0; i < count; ++i) {
    Record r = l.records.front();
    l.records.pop_front();
    ++r.receives;
    batch.records.push_back(r);
  }
  if (in_window()) {
    MappingState& m = mappings_[l.mapping];
    ++m.stats.batches;
    m.stats.batch_records += count;
  }
  return b;
}

void Platform::release_batch(std::uint32_t b) {
  Batch& batch = batches_[b];
  batch.live = false;
  Lane& l = lanes_[batch.lane];
  if (l.batch == b) l.batch = kNone;
  free_batches_.push_back(b);
}

// One invocation of a batch: routed and admitted like any synchronous request.
void Platform::invoke_batch(std::uint32_t b) {
  MappingState& m = mappings_[batches_[b].mapping];
  const WorkloadState& wl = workloads_[m.workload];
  const std::uint32_t alias = wl.alias;
  const std::uint32_t unit = alias == kNone ? wl.unit : route(aliases_[alias]);
  UnitState& u = units_[unit];
  const bool counted = now_ >= window_from_;
  if (u.learns && u.ended && u.busy == 0) u.keep_alive->observe_idle_time(now_ - u.last_end);
  ++all_arrived_;
  current_invocation_ = all_arrived_;
  current_source_ = track_sources_ ? m.workload : kNone;
  if (counted) {
    ++u.stats.counts.arrived;
    if (alias != kNone) ++aliases_[alias].stats.counts.arrived;
    if (current_source_ != kNone) ++sources_[current_source_].stats.counts.arrived;
  }
  const Batch& batch = batches_[b];
  if (observer_ != nullptr) [[unlikely]] {
    StepEvent s{.kind = StepEvent::Kind::Arrive, .at = now_, .invocation = all_arrived_,
                .unit = unit, .alias = alias, .attempt = static_cast<int>(batch.failures),
                .records = static_cast<std::uint32_t>(batch.records.size()),
                .lane = batch.lane - m.first_lane,
                .first_record = batch.records.empty() ? 0 : batch.records.front().seq};
    observer_->on_step(s);
  }
  Duration extra{0};
  if (m.record_duration)
    for (std::size_t i = 0; i < batch.records.size(); ++i) extra += m.record_duration->sample();
  current_batch_ = b;
  current_extra_ = extra;
  const Admission admission = start(unit, alias, counted, kNone);
  current_batch_ = kNone;
  current_extra_ = Duration{0};
  if (admission == Admission::Started) {
    batches_[b].throttles = 0;
    return;
  }
  throttle(u, alias, counted, admission == Admission::NoScaling);
  // The poller keeps the batch and invokes it again after a backoff; Lambda holds back the
  // mapping's scaling meanwhile. An SQS batch must make it within the visibility timeout.
  Batch& held = batches_[b];
  const Duration backoff = throttle_backoff(held.throttles);
  ++held.throttles;
  m.hold_growth_until = now_ + backoff;
  if (!m.spec->is_stream() && now_ + backoff >= held.received + m.spec->visibility_timeout) {
    --m.active;  // the poller gives the messages back and moves on
    queue_.push(std::max(now_, held.received + m.spec->visibility_timeout),
                static_cast<std::uint8_t>(Phase::Retry), BatchVisible{b});
    return;
  }
  queue_.push(now_ + backoff, static_cast<std::uint8_t>(Phase::Retry), BatchRetry{b});
}

void Platform::on(const BatchRetry& e) {
  Batch& batch = batches_[e.batch];
  MappingState& m = mappings_[batch.mapping];
  if (now_ >= horizon_) return;  // the mapping stops: its records stay in flight
  if (m.spec->is_stream()) {
    // Records past their maximum age or the retention leave the batch before it is retried.
    const SourceSpec& spec = *m.spec;
    std::size_t kept = 0;
    for (const Record& r : batch.records) {
      const Duration age = now_ - from_us(r.arrived_us);
      const bool lost = age >= spec.retention;
      const bool too_old = spec.max_record_age && age > *spec.max_record_age;
      if (!lost && !too_old) {
        batch.records[kept++] = r;
        continue;
      }
      if (r.counted) ++(lost ? m.stats.expired : m.stats.dead_lettered);
      lanes_[batch.lane].last_done_seq = r.seq + 1;
      ++all_records_done_;
      set_backlog(m, -1);
    }
    batch.records.resize(kept);
    if (kept == 0) {
      const std::uint32_t lane = batch.lane;
      release_batch(e.batch);
      stream_poll(lane);
      return;
    }
  }
  invoke_batch(e.batch);
}

void Platform::batch_finished(std::uint32_t b, Outcome outcome) {
  Batch& batch = batches_[b];
  MappingState& m = mappings_[batch.mapping];
  const SourceSpec& spec = *m.spec;
  const std::uint32_t lane = batch.lane;
  if (outcome == Outcome::Ok) {
    for (const Record& r : batch.records) {
      if (spec.is_stream()) {
        // Per lane, records are processed in their arrival order, each once.
        LSIM_CHECK(r.seq >= lanes_[lane].last_done_seq,
                   "stream lane {} processed record {} after {}", lane, r.seq,
                   lanes_[lane].last_done_seq);
        lanes_[lane].last_done_seq = r.seq + 1;
      }
      ++all_records_done_;
      if (!r.counted) continue;
      ++m.stats.processed;
      const Duration age = now_ - from_us(r.arrived_us);
      m.stats.record_age.record(age.count());
      m.stats.record_age_ms.add(to_ms(age));
    }
    set_backlog(m, -static_cast<std::int64_t>(batch.records.size()));
    release_batch(b);
    if (spec.is_stream()) {
      stream_poll(lane);
      return;
    }
    --m.active;
    // A poller that finds nothing to read retires: back toward the initial five.
    if (lanes_[lane].records.empty())
      m.allowed = std::max(static_cast<double>(std::min<std::int64_t>(spec.initial_pollers, m.limit)),
                           m.allowed - 1);
    sqs_poll(m);
    return;
  }
  if (in_window()) ++m.stats.failed_batches;
  ++batch.failures;
  if (!spec.is_stream()) {
    // Every message of the batch returns to the queue when its visibility timeout ends.
    --m.active;
    queue_.push(std::max(now_, batch.received + spec.visibility_timeout),
                static_cast<std::uint8_t>(Phase::Retry), BatchVisible{b});
    sqs_poll(m);
    return;
  }
  if (spec.max_retries >= 0 && batch.failures > static_cast<std::uint64_t>(spec.max_retries)) {
    // Out of retries: discarded (to the on-failure destination), and the shard moves on.
    for (const Record& r : batch.records) {
      lanes_[lane].last_done_seq = r.seq + 1;
      ++all_records_done_;
      if (r.counted) ++m.stats.dead_lettered;
    }
    set_backlog(m, -static_cast<std::int64_t>(batch.records.size()));
    release_batch(b);
    stream_poll(lane);
    return;
  }
  queue_.push(now_ + spec.poll_interval, static_cast<std::uint8_t>(Phase::Retry), BatchRetry{b});
}

void Platform::on(const BatchVisible& e) {
  Batch& batch = batches_[e.batch];
  MappingState& m = mappings_[batch.mapping];
  Lane& l = lanes_[batch.lane];
  const std::uint32_t max_receives = m.spec->max_receive_count;
  for (std::size_t i = batch.records.size(); i-- > 0;) {
    const Record& r = batch.records[i];
    if (max_receives > 0 && r.receives >= max_receives) {
      ++all_records_done_;
      if (r.counted) ++m.stats.dead_lettered;
      set_backlog(m, -1);
    } else {
      l.records.push_front(r);  // back in front of newer messages
    }
  }
  release_batch(e.batch);
  sqs_poll(m);
}

void Platform::finish_mappings() {
  const std::int64_t end = us_of(std::max(horizon_, now_));
  std::uint64_t left = 0;
  for (MappingState& m : mappings_) {
    m.stats.backlog.finish(end);
    std::uint64_t counted_left = 0;
    auto count = [&](const Record& r) {
      ++left;
      if (r.counted) ++counted_left;
    };
    for (std::uint32_t k = 0; k < m.lane_count; ++k) {
      const Lane& l = lanes_[m.first_lane + k];
      for (std::size_t i = 0; i < l.records.size(); ++i) count(l.records[i]);
    }
    for (const Batch& batch : batches_)
      if (batch.live && &mappings_[batch.mapping] == &m)
        for (const Record& r : batch.records) count(r);
    m.stats.in_flight = counted_left;
    // Intervals without a change keep the backlog they started with.
    std::int64_t last = 0;
    for (std::size_t i = 0; i < m.stats.series_backlog.size(); ++i) {
      if (m.stats.series_backlog[i] < 0) m.stats.series_backlog[i] = last;
      else last = m.series_last[i];
    }
  }
  LSIM_CHECK(all_records_ == all_records_done_ + left,
             "records: {} arrived != {} done + {} in flight", all_records_, all_records_done_, left);
}

}  // namespace lsim
