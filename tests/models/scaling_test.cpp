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
