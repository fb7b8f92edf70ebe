// Asynchronous invocation: the internal queue, throttle backoff (1 s doubling to 5 min), error
// retries (1 min, then 2 min; max_retries 0–2), maximum event age, and conservation
// (lambda-facts §3–4).
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

namespace {

using lsim::test::run_yaml;

// One event at t = 1 s (constant arrivals at 1 per `gap` over a run shorter than 2 gaps).
std::string one_event(const std::string& function_keys, const std::string& duration = "100s") {
  return fmt::format(R"(duration: {}
functions:
  - name: f
    duration: {{ type: constant, value: 100ms }}
    cold_start: {{ type: constant, value: 50ms }}
    keep_alive: {{ type: fixed, idle: 1h }}
    {}
workload:
  - function: f
    invocation: async
    arrivals: {{ type: constant, rate: 1/s }}
)",
                     duration, function_keys);
}

}  // namespace

TEST_CASE("An async event that fails is retried after 1 min and then 2 min, max_retries times",
          "[platform][async]") {
  // Every execution fails; the only event arrives at t = 1 s and runs 50 ms INIT + 100 ms.
  SECTION("max_retries 2 (the default): three executions, started at ages 0, 60.15 s, 180.25 s") {
    const auto s = run_yaml(one_event("error_probability: 1", "1500ms"));
    lsim::test::check_conservation(s);
    const auto& n = s.total.invocations;
    CHECK(n.arrived == 1);
    CHECK(n.started == 3);
    CHECK(n.failed == 3);
    CHECK(n.retried == 2);
    CHECK(n.dropped == 1);
    CHECK(s.total.async.dropped_retries == 1);
    CHECK(n.completed == 0);
    // First try ends at 0.15 s of age; retry 1 starts 1 min later and ends 0.1 s after (warm);
    // retry 2 starts 2 min after that.
    CHECK(s.total.async.age_at_start.count == 3);
    CHECK(s.total.async.age_at_start.max == Approx(180'250.0).epsilon(1e-9));
    CHECK(s.total.async.age_at_start.p50 == Approx(60'150.0).epsilon(1e-9));
    // Each execution is billed as a request.
    CHECK(s.total.cost.requests == Approx(3 * 0.0000002).epsilon(1e-9));
  }
  SECTION("max_retries 1: two executions") {
    const auto s = run_yaml(one_event("error_probability: 1\n    async: { max_retries: 1 }", "1500ms"));
    CHECK(s.total.invocations.started == 2);
    CHECK(s.total.invocations.retried == 1);
    CHECK(s.total.invocations.dropped == 1);
    CHECK(s.total.async.age_at_start.max == Approx(60'150.0).epsilon(1e-9));
  }
  SECTION("max_retries 0: one execution, then the event goes to the failure destination") {
    const auto s = run_yaml(one_event("error_probability: 1\n    async: { max_retries: 0 }", "1500ms"));
    CHECK(s.total.invocations.started == 1);
    CHECK(s.total.invocations.retried == 0);
    CHECK(s.total.async.dropped_retries == 1);
  }
  SECTION("a timeout is retried like an error, and resets the environment") {
    const auto s = run_yaml(one_event("timeout: 50ms", "1500ms"));
    CHECK(s.total.invocations.started == 3);
    CHECK(s.total.invocations.timed_out == 3);
    CHECK(s.total.invocations.cold == 3);  // each timeout reset its environment
    CHECK(s.total.environments.reset >= 1);  // (counted in the window: the first one only)
    CHECK(s.total.invocations.dropped == 1);
  }
  SECTION("an event older than max_event_age when its retry is due is dropped") {
    // Retry 1 is due at age 60.15 s > 60 s.
    const auto s = run_yaml(
        one_event("error_probability: 1\n    async: { max_event_age: 60s }", "1500ms"));
    CHECK(s.total.invocations.started == 1);
    CHECK(s.total.invocations.retried == 1);
    CHECK(s.total.async.dropped_age == 1);
    CHECK(s.total.async.dropped_retries == 0);
  }
}

TEST_CASE("A throttled async event backs off from 1 s, doubling to 5 min, until max_event_age",
          "[platform][async]") {
  // Reserved concurrency 0: every attempt is throttled. The attempt times follow the documented
  // rule; count them here from the rule itself.
  for (const int age_s : {60, 3600, 21600}) {
    DYNAMIC_SECTION("max_event_age " << age_s << " s") {
      const auto s = run_yaml(one_event(
          fmt::format("reserved_concurrency: 0\n    async: {{ max_event_age: {}s }}", age_s),
          "1500ms"));
      std::uint64_t attempts = 0;
      double t = 0, backoff = 1;
      while (t <= age_s) {
        ++attempts;
        t += backoff;
        backoff = std::min(2 * backoff, 300.0);
      }
      lsim::test::check_conservation(s);
      CHECK(s.total.invocations.started == 0);
      CHECK(s.total.async.throttle_retries == attempts);
      CHECK(s.total.async.dropped_age == 1);
      CHECK(s.total.invocations.throttled == 0);  // async events are not throttled, they wait
      if (age_s == 60) CHECK(attempts == 6);      // at 0, 1, 3, 7, 15, 31 s; 63 s is too old
    }
  }
}

TEST_CASE("An async burst beyond concurrency is drained with no event lost", "[platform][async]") {
  // 2,000 events in 10 s, 1 s each, 10 environments at most: 200 erlangs offered to 10 servers.
  const auto s = run_yaml(R"(duration: 10001ms
functions:
  - name: f
    reserved_concurrency: 10
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 100ms }
workload:
  - function: f
    invocation: async
    arrivals: { type: constant, rate: 200/s }
  - function: f
    arrivals: { type: poisson, rate: 5/s }
)");
  lsim::test::check_conservation(s);
  const auto& g = s.total;
  CHECK(g.async.arrived == 2'000);
  CHECK(g.invocations.dropped == 0);
  // Every event completes: arrived = completed + throttled (sync only) + dropped.
  CHECK(g.async.age_at_completion.count == 2'000);
  CHECK(g.invocations.completed + g.invocations.throttled == g.invocations.arrived);
  CHECK(g.concurrency_max <= 10);
  CHECK(g.async.throttle_retries > 2'000);
  CHECK(g.async.queue_max > 1'000);
  // At most 10 events finish per second, so the last of 2,000 waits at least ~190 s.
  CHECK(g.async.age_at_start.max > 150'000);
  // The sync workload competes for the same 10 environments and is throttled meanwhile.
  CHECK(g.invocations.throttled > 0);
}

TEST_CASE("Async settings are checked against Lambda's limits", "[platform][async]") {
  using lsim::test::load_yaml;
  CHECK_THROWS_WITH(load_yaml(one_event("async: { max_retries: 3 }")),
                    Catch::Contains("max_retries: must be 0, 1 or 2"));
  CHECK_THROWS_WITH(load_yaml(one_event("async: { max_event_age: 30s }")),
                    Catch::Contains("max_event_age: must be between 60s and 6h"));
  CHECK_THROWS_WITH(load_yaml(one_event("async: { max_event_age: 7h }")),
                    Catch::Contains("max_event_age: must be between 60s and 6h"));
  CHECK_THROWS_WITH(load_yaml(one_event("async: { retries: 1 }")),
                    Catch::Contains("unknown key 'retries'"));
  std::string bad = one_event("");
  bad.replace(bad.find("invocation: async"), 17, "invocation: asnyc");
  CHECK_THROWS_WITH(load_yaml(bad), Catch::Contains("unknown invocation type 'asnyc'"));
}

TEST_CASE("Async runs are deterministic", "[platform][async]") {
  const std::string yaml = R"(duration: 1h
functions:
  - name: f
    reserved_concurrency: 3
    error_probability: 0.2
    duration: { type: exponential, mean: 500ms }
    cold_start: { type: constant, value: 100ms }
workload:
  - function: f
    invocation: async
    arrivals: { type: poisson, rate: 5/s }
)";
  const auto a = run_yaml(yaml, 7), b = run_yaml(yaml, 7), c = run_yaml(yaml, 8);
  lsim::test::check_conservation(a);
  CHECK(a.digest == b.digest);
  CHECK(a.digest != c.digest);
  CHECK(a.total.invocations.retried > 0);
  CHECK(a.total.invocations.dropped > 0);
}
