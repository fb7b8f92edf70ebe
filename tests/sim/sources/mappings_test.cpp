// Event source mappings (workload `source: sqs | kinesis | dynamodb_stream`): SQS pollers scale
// as documented and drain a backlog at the rate a concurrency cap allows (checked against the
// arithmetic of the rules), failed messages reach the dead-letter queue after maxReceiveCount
// receives, a stream never runs two batches of one shard at once and keeps each shard's order,
// and records are conserved (in = processed + dead-lettered + expired + in flight).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "tests/support/run.hpp"

namespace {

using lsim::test::load_yaml;
using lsim::test::run_yaml;

const lsim::SourceSummary& source(const lsim::Summary& s, const std::string& name) {
  for (const auto& src : s.sources)
    if (src.name == name) return src;
  FAIL("no source named " << name);
  return s.sources.front();
}

// A worker that takes exactly 1 s per batch, with no INIT time, fed by `source`.
std::string worker(const std::string& duration, const std::string& arrivals,
                   const std::string& source, const std::string& extra = "") {
  return fmt::format(R"(duration: {}
functions:
  - name: worker
    memory: 1024MB
    timeout: 10s
    duration: {{ type: constant, value: 1s }}
    cold_start: {{ type: constant, value: 0ms }}
    keep_alive: {{ type: fixed, idle: 10m }}
{}workload:
  - name: queue
    function: worker
    arrivals: {}
    source: {}
)",
                     duration, extra, arrivals, source);
}

}  // namespace

TEST_CASE("SQS pollers start at five and add 300 per minute while messages wait", "[mappings]") {
  // 10,000 messages in the first 10 ms, one message per batch: pollers are the only limit.
  const auto s = run_yaml(worker("20s", "{ type: constant, rate: 1000000/s, start: 0s, stop: 10001us }",
                                 "{ type: sqs, batch_size: 1 }"));
  lsim::test::check_conservation(s);
  const auto& q = source(s, "queue");
  REQUIRE(q.mapping);
  // Five pollers from the start; one more every 60 s / 300 = 0.2 s from the first wait on; each
  // runs back-to-back 1 s batches. Batches started before the 20 s horizon:
  double expected = 5 * 20;
  for (int k = 1; 0.2 * k < 20; ++k) expected += std::ceil(20 - 0.2 * k - 1e-5);
  CHECK(static_cast<double>(q.mapping->batches) == Approx(expected).margin(2));
  CHECK(q.group.invocations.arrived == q.mapping->batches);
  CHECK(q.group.invocations.throttled == 0);
  // At the horizon: 5 + 99 pollers.
  CHECK(q.mapping->pollers_max == 104);
  CHECK(lsim::test::function_summary(s, "worker").concurrency_max == 104);
  CHECK(q.mapping->arrived == 10'000);
  CHECK(q.mapping->in_flight == 10'000 - q.mapping->processed);
}

TEST_CASE("An SQS backlog drains at the rate the mapping's maximum concurrency allows",
          "[mappings]") {
  // 10,000 messages within 10 ms; full batches of 10 (the window waits for them); at most 20
  // batches at once, each 1 s: 200 messages per second once the pollers reach 20 (at 3 s).
  const auto s = run_yaml(worker(
      "120s", "{ type: constant, rate: 1000000/s, start: 0s, stop: 10001us }",
      "{ type: sqs, batch_size: 10, batching_window: 1s, max_concurrency: 20 }"));
  lsim::test::check_conservation(s);
  const auto& m = *source(s, "queue").mapping;
  CHECK(m.processed == 10'000);
  CHECK(m.batches == 1'000);
  CHECK(m.batch_size_mean == 10.0);
  CHECK(m.pollers_max == 20);
  CHECK(lsim::test::function_summary(s, "worker").concurrency_max == 20);
  CHECK(s.total.invocations.throttled == 0);
  // When does the 1,000th batch end? Poller k (k > 5) starts 0.2·(k − 5) s in; each runs
  // back-to-back batches.
  std::vector<double> starts;
  for (int k = 1; k <= 20; ++k)
    for (int j = 0; j < 100; ++j) starts.push_back((k <= 5 ? 0.0 : 0.2 * (k - 5)) + j);
  std::sort(starts.begin(), starts.end());
  const double drained = starts[999] + 1.0;
  // The last message arrived within the first 10 ms; it was processed when the backlog drained.
  CHECK(m.record_age.max / 1000 == Approx(drained).margin(0.02));
  // Once all 20 pollers run, each second removes exactly 20 batches of 10.
  REQUIRE(m.series_interval_s == 1.0);
  for (int i = 4; i + 1 < static_cast<int>(drained) - 1; ++i) {
    INFO("second " << i);
    CHECK(m.series_backlog[i] - m.series_backlog[i + 1] == 200);
  }
  CHECK(m.series_backlog.back() == 0);
}

TEST_CASE("SQS messages that keep failing reach the dead-letter queue after maxReceiveCount",
          "[mappings]") {
  const std::string yaml = worker(
      "30m", "{ type: poisson, rate: 1/s }",
      "{ type: sqs, batch_size: 1, visibility_timeout: 30s, max_receive_count: 3 }",
      "    error_probability: 1.0\n");
  const auto s = run_yaml(yaml);
  lsim::test::check_conservation(s);
  const auto& m = *source(s, "queue").mapping;
  CHECK(m.processed == 0);
  CHECK(m.arrived == m.dead_lettered + m.in_flight);
  // A message fails three receives 30 s apart and leaves 90 s after it arrived: the ones still
  // in flight arrived in the last 90 s (Poisson: 90 ± 4·√90).
  CHECK(std::abs(static_cast<double>(m.in_flight) - 90.0) < 4 * std::sqrt(90.0));
  // Every dead-lettered message was invoked three times.
  CHECK(m.failed_batches >= 3 * m.dead_lettered);
  CHECK(m.failed_batches <= 3 * m.dead_lettered + 3 * m.in_flight);
}

TEST_CASE("Reserved concurrency below the pollers throttles batches: maximum concurrency avoids it",
          "[mappings]") {
  // The Knowledge Center's warning: mappings do not account for reserved concurrency, throttled
  // messages go back to the queue and count receives. With max_receive_count 1 they are lost to
  // the DLQ; the mapping's maximum concurrency keeps it within the function's.
  const std::string arrivals = "{ type: constant, rate: 1000/s, start: 0s, stop: 5001ms }";
  const std::string extra = "    reserved_concurrency: 5\n";
  const auto uncapped = run_yaml(worker(
      "10m", arrivals, "{ type: sqs, batch_size: 1, max_receive_count: 1 }", extra));
  lsim::test::check_conservation(uncapped);
  const auto& u = *source(uncapped, "queue").mapping;
  CHECK(uncapped.total.invocations.throttled > 0);
  CHECK(u.dead_lettered > 0);
  const auto capped = run_yaml(worker(
      "30m", arrivals, "{ type: sqs, batch_size: 1, max_receive_count: 1, max_concurrency: 5 }",
      extra));
  lsim::test::check_conservation(capped);
  const auto& c = *source(capped, "queue").mapping;
  CHECK(capped.total.invocations.throttled == 0);
  CHECK(c.dead_lettered == 0);
  CHECK(c.processed == 5'000);
}

namespace {

// Watches batch invocations: per lane, what is in flight and the order of batches.
class BatchWatcher final : public lsim::PlatformObserver {
 public:
  explicit BatchWatcher(std::uint32_t factor) : factor_(factor) {}
  struct Batch {
    std::uint32_t lane;
    std::uint64_t first;
    std::uint32_t records;
    bool ok = false;
  };
  void on_step(const lsim::StepEvent& e) override {
    using K = lsim::StepEvent::Kind;
    if (e.kind == K::Arrive && e.records > 0) {
      batches_[e.invocation] = Batch{e.lane, e.first_record, e.records};
    } else if (e.kind == K::Start) {
      const Batch& b = batches_.at(e.invocation);
      if (in_flight_[b.lane] != 0) ++overlaps;
      ++in_flight_[b.lane];
      const int shard = static_cast<int>(b.lane / factor_);
      max_per_shard = std::max(max_per_shard, ++per_shard_[shard]);
      order_[b.lane].push_back(e.invocation);
    } else if (e.kind == K::Finish) {
      Batch& b = batches_.at(e.invocation);
      b.ok = e.outcome == lsim::Outcome::Ok;
      --in_flight_[b.lane];
      --per_shard_[static_cast<int>(b.lane / factor_)];
    }
  }
  // Per lane, each batch starts where the last successful one ended, or repeats a failed one.
  bool in_order() const {
    for (const auto& [lane, invs] : order_)
      for (std::size_t i = 1; i < invs.size(); ++i) {
        const Batch& prev = batches_.at(invs[i - 1]);
        const Batch& next = batches_.at(invs[i]);
        const std::uint64_t want = prev.ok ? prev.first + prev.records : prev.first;
        if (next.first != want) return false;
        if (!prev.ok && next.records != prev.records) return false;
      }
    return true;
  }
  std::size_t lanes() const { return order_.size(); }
  int overlaps = 0;
  int max_per_shard = 0;

 private:
  std::uint32_t factor_;
  std::map<std::uint64_t, Batch> batches_;
  std::map<std::uint32_t, int> in_flight_;
  std::map<int, int> per_shard_;
  std::map<std::uint32_t, std::vector<std::uint64_t>> order_;
};

std::string stream_yaml(int factor) {
  return fmt::format(R"(duration: 5m
functions:
  - name: consumer
    memory: 1024MB
    timeout: 60s
    duration: {{ type: lognormal, median: 150ms, p99: 600ms }}
    cold_start: {{ type: constant, value: 300ms }}
    error_probability: 0.1
workload:
  - name: clicks
    function: consumer
    arrivals: {{ type: poisson, rate: 2000/s }}
    source: {{ type: kinesis, shards: 4, batch_size: 100, parallelization_factor: {},
              record_duration: {{ type: constant, value: 1ms }} }}
)",
                     factor);
}

}  // namespace

TEST_CASE("A stream runs one batch per shard at a time, in order, retrying failures in place",
          "[mappings]") {
  const auto spec = load_yaml(stream_yaml(1));
  const lsim::PriceTable prices = lsim::load_price_table(
      spec, lsim::builtin_price_table_yaml(), lsim::builtin_price_table_origin());
  BatchWatcher watch(1);
  const auto s = lsim::simulate(spec, lsim::test::builtin_registries(), prices,
                                {.seed = 3, .replication = 0, .progress = {}, .observer = &watch});
  lsim::test::check_conservation(s);
  const auto& m = *source(s, "clicks").mapping;
  CHECK(watch.lanes() == 4);
  CHECK(watch.overlaps == 0);
  CHECK(watch.max_per_shard == 1);
  CHECK(watch.in_order());
  CHECK(m.failed_batches > 0);  // retries happened, and blocked their shard
  CHECK(lsim::test::function_summary(s, "consumer").concurrency_max <= 4);
  // 2,000 records/s on 4 shards of at most 100 records per ~0.25 s batch: it falls behind, and
  // the iterator age grows.
  CHECK(m.in_flight > 0);
  CHECK(m.iterator_age.max > 10'000);
}

TEST_CASE("A parallelization factor runs up to that many batches per shard", "[mappings]") {
  const auto spec = load_yaml(stream_yaml(3));
  const lsim::PriceTable prices = lsim::load_price_table(
      spec, lsim::builtin_price_table_yaml(), lsim::builtin_price_table_origin());
  BatchWatcher watch(3);
  const auto s = lsim::simulate(spec, lsim::test::builtin_registries(), prices,
                                {.seed = 3, .replication = 0, .progress = {}, .observer = &watch});
  lsim::test::check_conservation(s);
  CHECK(watch.lanes() == 12);
  CHECK(watch.overlaps == 0);  // one batch per (shard, slot)
  CHECK(watch.max_per_shard == 3);
  CHECK(watch.in_order());
  CHECK(lsim::test::function_summary(s, "consumer").concurrency_max <= 12);
}

TEST_CASE("Stream records past the maximum record age are discarded, the shard moves on",
          "[mappings]") {
  // Every batch fails: without a retry limit the shard is stuck until its records pass
  // max_record_age (60 s), when they are discarded.
  const auto s = run_yaml(R"(duration: 10m
functions:
  - name: consumer
    memory: 1024MB
    timeout: 60s
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 0ms }
    error_probability: 1.0
workload:
  - name: stream
    function: consumer
    arrivals: { type: poisson, rate: 10/s }
    source: { type: dynamodb_stream, shards: 2, batch_size: 100, max_record_age: 60s }
)");
  lsim::test::check_conservation(s);
  const auto& m = *source(s, "stream").mapping;
  CHECK(m.processed == 0);
  CHECK(m.dead_lettered > 0);
  CHECK(m.arrived == m.dead_lettered + m.in_flight);
  // Records wait at most about a minute (plus the batch and a poll): what is in flight at the
  // end arrived in the last ~62 s.
  CHECK(static_cast<double>(m.in_flight) < 10 * 62 + 4 * std::sqrt(10 * 62.0) + 200);
  // With a retry limit of 2, each batch is invoked three times, then discarded.
  const auto r = run_yaml(R"(duration: 10m
functions:
  - name: consumer
    memory: 1024MB
    timeout: 60s
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 0ms }
    error_probability: 1.0
workload:
  - name: stream
    function: consumer
    arrivals: { type: poisson, rate: 10/s }
    source: { type: kinesis, shards: 2, batch_size: 100, max_retries: 2 }
)");
  lsim::test::check_conservation(r);
  const auto& k = *source(r, "stream").mapping;
  CHECK(k.processed == 0);
  CHECK(k.failed_batches >= 3 * (k.batches - 2));
  CHECK(k.failed_batches <= 3 * k.batches);
}

TEST_CASE("Event source mapping settings are checked like AWS checks them", "[mappings]") {
  auto error_of = [](const std::string& yaml) -> std::string {
    try {
      (void)load_yaml(yaml);
    } catch (const lsim::ScenarioError& e) {
      return e.diagnostics().to_string();
    }
    return "";
  };
  const std::string arrivals = "{ type: poisson, rate: 1/s }";
  CHECK_THAT(error_of(worker("1m", arrivals, "{ type: sqs, visibility_timeout: 5s }")),
             Catch::Contains("exceeds the queue's visibility_timeout"));
  CHECK_THAT(error_of(worker("1m", arrivals, "{ type: sqs, batch_size: 100 }")),
             Catch::Contains("needs a batching_window of at least 1s"));
  CHECK_THAT(error_of(worker("1m", arrivals, "{ type: sqs, shards: 4 }")),
             Catch::Contains("unknown key 'shards'"));
  CHECK_THAT(error_of(worker("1m", arrivals, "{ type: kinesis, parallelization_factor: 11 }")),
             Catch::Contains("between 1 and 10"));
  CHECK_THAT(error_of(worker("1m", arrivals, "{ type: sqs, max_concurrency: 1 }")),
             Catch::Contains("between 2 and 1000"));
  CHECK_THAT(error_of(worker("1m", arrivals, "{ type: dynamodb_stream, batch_size: 5000 }")),
             Catch::Contains("between 1 and 1000"));
  CHECK(error_of(worker("1m", arrivals, "{ type: sqs, visibility_timeout: 60s }")).empty());
}

TEST_CASE("The SQS backlog example drains as its comment says", "[mappings]") {
  const auto s = lsim::test::run_spec(load_yaml(lsim::test::read_scenario("sqs_backlog.yaml")));
  lsim::test::check_conservation(s);
  const auto& m = *source(s, "orders").mapping;
  CHECK(m.arrived == 59'999);  // 1,000/s from 5 min to 6 min: the first one 1 ms after 5 min
  CHECK(m.in_flight == 0);
  CHECK(m.pollers_max == 40);
  CHECK(s.total.invocations.throttled == 0);
  CHECK(m.max_backlog > 12'000);
  CHECK(m.max_backlog < 18'000);
  // A message is dead-lettered when its three receives fail: p = 0.1³ (binomial, 4σ).
  const double dl = 60'000 * 1e-3;
  CHECK(std::abs(static_cast<double>(m.dead_lettered) - dl) < 4 * std::sqrt(dl));
  // First pass drained about 20 s after the export: what is left at 6:30 are the messages of
  // the ~10 % of batches that failed, waiting out the 2-minute visibility timeout; they come
  // back, and ~10 % of those again, until all succeed or reach the DLQ.
  const auto at = [&](double seconds) {
    return m.series_backlog.at(static_cast<std::size_t>(seconds / m.series_interval_s));
  };
  CHECK(at(6 * 60 + 30) > 4'000);
  CHECK(at(6 * 60 + 30) < 8'000);
  CHECK(at(10 * 60) < 1'000);
  CHECK(at(13 * 60) == 0);
}

TEST_CASE("The Kinesis example falls behind during the campaign and catches up", "[mappings]") {
  const auto s = lsim::test::run_spec(load_yaml(lsim::test::read_scenario("kinesis_shards.yaml")));
  lsim::test::check_conservation(s);
  const auto& m = *source(s, "clicks").mapping;
  const auto age_at = [&](double seconds) {
    return m.series_age_ms.at(static_cast<std::size_t>(seconds / m.series_interval_s));
  };
  CHECK(age_at(5 * 60) < 1'000);    // keeping up
  CHECK(age_at(19 * 60) > 60'000);  // minutes behind at the end of the campaign
  CHECK(age_at(35 * 60) < 1'000);   // caught up
  CHECK(m.iterator_age.max > 60'000);
  CHECK(m.dead_lettered + m.expired == 0);
  // Four shards, one batch each at a time.
  CHECK(lsim::test::function_summary(s, "clicks").concurrency_max <= 4);
}
