// Function errors: handled errors keep the environment, crashes reset it (the next start there is
// cold); both are billed and counted as failed (lambda-facts §7, design §1).
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

namespace {

std::string scenario(const std::string& error_keys) {
  // One request a second, 100 ms each: one environment serves everything unless it is reset.
  return fmt::format(R"(duration: 20000s
functions:
  - name: f
    {}
    duration: {{ type: constant, value: 100ms }}
    cold_start: {{ type: constant, value: 50ms }}
    keep_alive: {{ type: fixed, idle: 1h }}
workload:
  - function: f
    arrivals: {{ type: constant, rate: 1/s }}
)",
                     error_keys);
}

}  // namespace

TEST_CASE("handled errors occur with their probability and keep the environment",
          "[platform][errors]") {
  const auto s = lsim::test::run_yaml(scenario("error_probability: 0.1"));
  const auto& n = s.total.invocations;
  REQUIRE(n.completed == 19'999);
  // failed ~ Binomial(n, 0.1): sd = sqrt(n·0.1·0.9) ≈ 42; allow 5 sd.
  CHECK(std::fabs(static_cast<double>(n.failed) - 0.1 * n.completed) < 5 * std::sqrt(n.completed * 0.09));
  CHECK(s.total.environments.reset == 0);
  CHECK(n.cold == 1);
  // Failed invocations are billed like the others.
  CHECK(s.total.cost.requests == Approx(n.completed * 0.0000002).epsilon(1e-9));
}

TEST_CASE("crashes reset the environment, so the next start is cold", "[platform][errors]") {
  const auto s = lsim::test::run_yaml(scenario("crash_probability: 0.2"));
  const auto& n = s.total.invocations;
  CHECK(std::fabs(static_cast<double>(n.failed) - 0.2 * n.completed) < 5 * std::sqrt(n.completed * 0.16));
  CHECK(s.total.environments.reset == n.failed);
  // The first start is cold, and so is the start after every crash but the last one's.
  CHECK(n.cold >= n.failed);
  CHECK(n.cold <= n.failed + 1);
}

TEST_CASE("error and crash probabilities are checked", "[platform][errors]") {
  CHECK_THROWS_WITH(lsim::test::load_yaml(scenario("error_probability: 1.5")),
                    Catch::Contains("error_probability: must be a probability between 0 and 1"));
  CHECK_THROWS_WITH(
      lsim::test::load_yaml(scenario("error_probability: 0.6\n    crash_probability: 0.6")),
      Catch::Contains("error_probability + crash_probability must not exceed 1"));
}

TEST_CASE("setting no error probability draws nothing: results are unchanged", "[platform][errors]") {
  const auto a = lsim::test::run_yaml(scenario("error_probability: 0"));
  const auto b = lsim::test::run_yaml(scenario("timeout: 3s"));
  CHECK(a.digest == b.digest);
}

TEST_CASE("an INIT longer than the limit is cut and re-run inside the invocation",
          "[platform][init]") {
  // Exactly one invocation (constant 1/h over 90 minutes arrives at 1 h): a cold start with a
  // 12 s INIT and a 1 s execution.
  auto yaml = [](const std::string& timeout) {
    return fmt::format(R"(duration: 90m
functions:
  - name: f
    timeout: {}
    duration: {{ type: constant, value: 1s }}
    cold_start: {{ type: constant, value: 12s }}
workload:
  - function: f
    arrivals: {{ type: constant, rate: 1/h }}
)",
                       timeout);
  };
  SECTION("within the timeout: latency = 10 s (first attempt) + 12 s (re-run) + 1 s") {
    const auto s = lsim::test::run_yaml(yaml("30s"));
    REQUIRE(s.total.invocations.cold == 1);
    CHECK(s.total.invocations.init_suppressed == 1);
    CHECK(s.total.cold.max == Approx(23'000));
    CHECK(s.total.invocations.timed_out == 0);
  }
  SECTION("the re-run counts against the timeout") {
    const auto s = lsim::test::run_yaml(yaml("5s"));
    CHECK(s.total.invocations.init_suppressed == 1);
    CHECK(s.total.invocations.timed_out == 1);
    CHECK(s.total.cold.max == Approx(15'000));
    CHECK(s.total.environments.reset == 1);
  }
  SECTION("a higher limit lets the INIT finish") {
    const auto s = lsim::test::run_yaml("account: { init_limit: 20s }\n" + yaml("30s"));
    CHECK(s.total.invocations.init_suppressed == 0);
    CHECK(s.total.cold.max == Approx(13'000));
  }
}
