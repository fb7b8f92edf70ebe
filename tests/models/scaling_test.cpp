// Scaling rate (lambda-facts §3): a function adds at most 1,000 environments at once and then
// 100 per second (1,000 per 10 s); the rest of a burst is throttled.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

namespace {

std::string step_scenario(const std::string& horizon, const std::string& scaling) {
  // A step from 0 to 5,000 requests/s of exactly 1 s each: it needs 5,000 environments.
  return fmt::format(R"(duration: {}
account: {{ concurrency_limit: 100000 }}
functions:
  - name: f
    timeout: 10s
    duration: {{ type: constant, value: 1s }}
    cold_start: {{ type: constant, value: 0ms }}
    scaling: {}
workload:
  - function: f
    arrivals: {{ type: constant, rate: 5000/s }}
)",
                     horizon, scaling);
}

}  // namespace

TEST_CASE("a step to 5,000/s of 1 s invocations adds at most 1,000 + 100 t environments by t",
          "[models][scaling]") {
  for (const int t : {2, 10, 20}) {
    INFO("horizon " << t << " s");
    const auto s = lsim::test::run_yaml(step_scenario(fmt::format("{}s", t), "{type: token_bucket}"));
    const auto& n = s.total.invocations;
    const auto created = static_cast<double>(s.total.environments.created);
    // Demand exceeds the bucket all the time, so every token is used as soon as it exists:
    // 1,000 at once, then one every 10 ms. Arrivals come every 200 µs, so a token waits at most
    // one arrival gap: created = 1000 + floor(100 t) − (0 or 1).
    CHECK(created <= 1000 + 100.0 * t);
    CHECK(created >= 1000 + 100.0 * t - 1);
    CHECK(n.throttled == n.throttled_scaling);
    CHECK(n.throttled == n.arrived - n.started);
    CHECK(n.arrived == n.completed + n.throttled);
    // Concurrency never exceeds the environments created.
    CHECK(s.total.concurrency_max <= s.total.environments_peak);
  }
}

TEST_CASE("with an unlimited scaling model the same step is never throttled", "[models][scaling]") {
  const auto s = lsim::test::run_yaml(step_scenario("5s", "unlimited"));
  CHECK(s.total.invocations.throttled == 0);
  CHECK(s.total.environments.created == 5000);
}

TEST_CASE("once the bucket is empty, new environments come at the refill rate",
          "[models][scaling]") {
  const std::string yaml = R"(duration: 30s
functions:
  - name: f
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 0ms }
    scaling: { type: token_bucket, burst: 10, rate: 1/s }
    keep_alive: { type: fixed, idle: 0s }
workload:
  - function: f
    arrivals: { type: constant, rate: 2/s }
)";
  // burst 10, refill 1/s. Keep-alive 0: every invocation needs a new environment. Arrivals
  // every 0.5 s each take a token while the bucket gains 0.5, so it drains by 0.5 per arrival
  // from 10; once empty, only every second arrival finds a token (one per second). Over 30 s:
  // 59 arrivals, at most 10 + 29 admitted (±1 for where the drain ends), the rest throttled.
  const auto s = lsim::test::run_yaml(yaml);
  const auto& n = s.total.invocations;
  CHECK(n.arrived == 59);
  CHECK(n.started >= 38);
  CHECK(n.started <= 40);
  CHECK(n.throttled_scaling == n.arrived - n.started);
}

namespace {

// A burst of `n` 10 s requests for each of `functions` functions, one per microsecond (so the
// burst lasts n µs and refills during it are below one token).
std::string burst_scenario(int n, int functions, const std::string& scaling) {
  const std::string horizon = fmt::format("{}us", n + 1);
  std::string fns, wl;
  for (int i = 0; i < functions; ++i) {
    fns += fmt::format(R"(  - name: f{}
    timeout: 20s
    duration: {{ type: constant, value: 10s }}
    cold_start: {{ type: constant, value: 0ms }}
    scaling: {}
)",
                       i, scaling);
    wl += fmt::format("  - function: f{}\n    arrivals: {{ type: constant, rate: 1000000/s }}\n", i);
  }
  return fmt::format("duration: {}\naccount: {{ concurrency_limit: 100000 }}\nfunctions:\n{}"
                     "workload:\n{}",
                     horizon, fns, wl);
}

}  // namespace

TEST_CASE("legacy_burst: 10,000 simultaneous requests in us-east-1 → 3,000 served, 7,000 throttled",
          "[models][scaling]") {
  // The operator guide's example (lambda-facts §3). The arrivals fill 10 ms, in which the
  // +500/min refill adds 0.08 of a token.
  const auto s = lsim::test::run_yaml(burst_scenario(10'000, 1, "legacy_burst"));
  const auto& n = s.total.invocations;
  CHECK(n.arrived == 10'000);
  CHECK(n.started == 3'000);
  CHECK(n.throttled_scaling == 7'000);
  CHECK(s.total.scaling_tokens_min == 0);
}

TEST_CASE("legacy_burst's burst depends on the region and is shared by the account",
          "[models][scaling]") {
  SECTION("eu-central-1: 1,000") {
    const auto s = lsim::test::run_yaml(
        burst_scenario(2'000, 1, "{ type: legacy_burst, region: eu-central-1 }"));
    CHECK(s.total.invocations.started == 1'000);
  }
  SECTION("other regions: 500") {
    const auto s = lsim::test::run_yaml(
        burst_scenario(2'000, 1, "{ type: legacy_burst, region: sa-east-1 }"));
    CHECK(s.total.invocations.started == 500);
  }
  SECTION("two functions share one burst of 3,000") {
    const auto s = lsim::test::run_yaml(burst_scenario(2'000, 2, "legacy_burst"));
    CHECK(s.total.invocations.arrived == 4'000);
    CHECK(s.total.invocations.started == 3'000);
  }
  SECTION("the per-function model gives each function its own 1,000") {
    const auto s = lsim::test::run_yaml(burst_scenario(2'000, 2, "token_bucket"));
    CHECK(s.total.invocations.started == 2'000);
  }
  SECTION("functions must agree on the shared pool") {
    std::string yaml = burst_scenario(10, 2, "legacy_burst");
    yaml.replace(yaml.rfind("scaling: legacy_burst"), 21, "scaling: { type: legacy_burst, burst: 7 }");
    CHECK_THROWS_WITH(lsim::test::run_yaml(yaml),
                      Catch::Contains("legacy_burst is one pool for the whole account"));
  }
}

TEST_CASE("legacy_burst: after the burst, 500 more environments per minute", "[models][scaling]") {
  // 100 new requests per second of 10 min each, for 5 min: the burst of 3,000 lasts 30 s, then
  // the pool grows by 500/min. By t: created ≤ 3,000 + 500 t / 60 s.
  for (const int t : {60, 180, 300}) {
    DYNAMIC_SECTION("t = " << t << " s") {
      const auto s = lsim::test::run_yaml(fmt::format(R"(duration: {}s
account: {{ concurrency_limit: 100000 }}
functions:
  - name: f
    timeout: 15m
    duration: {{ type: constant, value: 10m }}
    cold_start: {{ type: constant, value: 0ms }}
    scaling: legacy_burst
workload:
  - function: f
    arrivals: {{ type: constant, rate: 100/s }}
)",
                                                       t));
      const double created = static_cast<double>(s.total.environments.created);
      const double bound = 3000 + 500.0 * t / 60;
      CHECK(created <= bound);
      // Demand (100/s) exceeds the refill (8.3/s) once the burst is gone, so every token is used
      // within one arrival gap.
      CHECK(created >= std::min(100.0 * t, bound) - 2);
    }
  }
}

TEST_CASE("an async event that finds no scaling token is requeued, not throttled",
          "[models][scaling]") {
  const auto s = lsim::test::run_yaml(R"(duration: 2s
account: { concurrency_limit: 100000 }
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 0ms }
    scaling: { type: token_bucket, burst: 10, rate: 10/s }
workload:
  - function: f
    invocation: async
    arrivals: { type: constant, rate: 100/s }
)");
  lsim::test::check_conservation(s);
  const auto& g = s.total;
  CHECK(g.invocations.throttled == 0);
  CHECK(g.async.throttle_retries > 0);
  CHECK(g.invocations.dropped == 0);
  CHECK(g.async.age_at_completion.count == 199);
}
