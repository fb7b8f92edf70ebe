// The built-in models: arrival processes' rates, distributions' moments and parameterisations,
// and a contract test run over every registered model of each kind.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

using namespace lsim;

namespace {

std::unique_ptr<DurationDistribution> make_duration(const std::string& yaml) {
  Diagnostics d;
  const ConfigNode node = parse_yaml_text(yaml, "m.yaml", d);
  auto m = lsim::test::builtin_registries().duration.make(node, "duration", d,
                                                          RngStream::derive(5, 0, "m"));
  INFO(d.to_string());
  REQUIRE(m);
  return m;
}

std::string arrivals_scenario(const std::string& arrivals, const std::string& horizon) {
  return fmt::format(R"(duration: {}
account: {{ concurrency_limit: 100000 }}
functions:
  - name: f
    duration: {{ type: constant, value: 0ms }}
    cold_start: {{ type: constant, value: 0ms }}
workload:
  - function: f
    arrivals: {}
)",
                     horizon, arrivals);
}

}  // namespace

TEST_CASE("constant arrivals come exactly every 1/rate, also above one per microsecond",
          "[models][arrivals]") {
  // Arrival k at round(k/rate) µs (halves up), strictly before the horizon: 10 ms at
  // 2,000,000/s gives k = 1..19,998 (k = 19,999 is at 9,999.5 µs, which rounds to the horizon).
  auto s = lsim::test::run_yaml(arrivals_scenario("{ type: constant, rate: 2000000/s }", "10ms"));
  CHECK(s.total.invocations.arrived == 19'998);
  auto t = lsim::test::run_yaml(arrivals_scenario("{ type: constant, rate: 1/s }", "100s"));
  CHECK(t.total.invocations.arrived == 99);
}

TEST_CASE("poisson arrivals keep their mean rate at any rate", "[models][arrivals]") {
  // N ~ Poisson(λT): sd = sqrt(λT); allow 5 sd.
  for (const auto& [rate, horizon, lambda_t] :
       {std::tuple{"50/s", "2000s", 100000.0}, std::tuple{"1000000/s", "100ms", 100000.0},
        std::tuple{"5000000/s", "20ms", 100000.0}}) {
    auto s = lsim::test::run_yaml(
        arrivals_scenario(fmt::format("{{ type: poisson, rate: {} }}", rate), horizon));
    INFO(rate);
    CHECK(std::fabs(static_cast<double>(s.total.invocations.arrived) - lambda_t) <
          5 * std::sqrt(lambda_t));
  }
}

TEST_CASE("distributions have the means they promise", "[models][distributions]") {
  const std::pair<const char*, double> cases[] = {
      {"{type: constant, value: 120ms}", 0.120},
      {"{type: exponential, mean: 200ms}", 0.200},
      {"{type: uniform, min: 100ms, max: 300ms}", 0.200},
      {"{type: lognormal, median: 100ms, p99: 400ms}", 0.1 * std::exp(0.5 * std::pow(std::log(4.0) / 2.3263478740408408, 2))},
      {"{type: lognormal, mu: -2.0, sigma: 0.5}", std::exp(-2.0 + 0.125)},
      {"{type: empirical, samples: [100ms, 200ms, 600ms]}", 0.300},
  };
  for (const auto& [yaml, mean] : cases) {
    INFO(yaml);
    auto m = make_duration(yaml);
    CHECK(m->mean_seconds() == Approx(mean).epsilon(1e-9));
    // Sample mean within 5 standard errors; the sd is estimated from the sample itself.
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = to_seconds(m->sample());
      REQUIRE(x >= 0);
      sum += x;
      sum2 += x * x;
    }
    const double mu = sum / n;
    const double sd = std::sqrt(std::max(0.0, sum2 / n - mu * mu));
    CHECK(std::fabs(mu - mean) <= 5 * sd / std::sqrt(n) + 1e-6);
  }
}

TEST_CASE("lognormal given by median and p99 reproduces both percentiles", "[models][distributions]") {
  auto m = make_duration("{type: lognormal, median: 120ms, p99: 900ms}");
  const int n = 200000;
  int below_median = 0, below_p99 = 0;
  for (int i = 0; i < n; ++i) {
    const auto d = m->sample();
    below_median += d <= std::chrono::milliseconds(120);
    below_p99 += d <= std::chrono::milliseconds(900);
  }
  // Binomial standard errors: sqrt(.25/n) and sqrt(.0099/n); allow 5.
  CHECK(std::fabs(below_median / double(n) - 0.5) < 5 * std::sqrt(0.25 / n));
  CHECK(std::fabs(below_p99 / double(n) - 0.99) < 5 * std::sqrt(0.0099 / n));
}

TEST_CASE("every registered model is documented and builds from its documented parameters",
          "[models][contract]") {
  // Example parameter values by unit; every documented key of each model must be accepted, and
  // the registry's entries must all have a summary. Models with alternative parameter sets are
  // listed explicitly.
  const auto& r = lsim::test::builtin_registries();
  auto check_kind = [](const auto& registry, auto example) {
    for (const auto& e : registry.entries()) {
      INFO(registry.kind() << " " << e.type);
      CHECK_FALSE(e.summary.empty());
      for (const auto& p : e.params) {
        CHECK_FALSE(p.meaning.empty());
        CHECK_FALSE(p.unit.empty());
        CHECK_FALSE(p.default_value.empty());
      }
      Diagnostics d;
      const ConfigNode node = parse_yaml_text(example(e.type), "c.yaml", d);
      auto m = registry.make(node, "m", d, RngStream::derive(1, 0, "c"));
      INFO(d.to_string());
      CHECK(m != nullptr);
    }
  };
  check_kind(r.arrivals, [](const std::string& t) -> std::string {
    if (t == "on_off") return "{type: on_off, on: 30s, off: 5m, rate: 3/s, random: true}";
    if (t == "diurnal") return "{type: diurnal, rate: 3/s, peak_hour: 14, peak_to_trough: 3}";
    if (t == "mmpp")
      return "{type: mmpp, rates: [1/s, 5/s], transitions: [[0, 1/m], [1/m, 0]], "
             "initial_state: 1}";
    if (t == "schedule") return "{type: schedule, cron: '*/5 * * * *', count: 2}";
    if (t == "piecewise" || t == "ramp") return "{type: " + t + ", points: [[0s, 1/s], [1m, 3/s]]}";
    if (t == "trace")
      return "{type: trace, format: csv, path: " LSIM_SOURCE_DIR
             "/tests/data/traces/csv/timestamps.csv, loop: true, start: 1s}";
    return "{type: " + t + ", rate: 3/s}";
  });
  auto dist = [](const std::string& t) -> std::string {
    if (t == "constant") return "{type: constant, value: 10ms}";
    if (t == "exponential") return "{type: exponential, mean: 10ms}";
    if (t == "uniform") return "{type: uniform, min: 1ms, max: 2ms}";
    if (t == "lognormal") return "{type: lognormal, median: 10ms, p99: 50ms}";
    if (t == "empirical") return "{type: empirical, samples: [1ms, 2ms]}";
    if (t == "runtime") return "{type: runtime, runtime: java21, architecture: arm64}";
    FAIL("add an example for distribution " << t);
    return "";
  };
  check_kind(r.duration, dist);
  check_kind(r.cold_start, dist);
  check_kind(r.keep_alive, [](const std::string& t) {
    return t == "fixed" ? std::string("{type: fixed, idle: 5m, max_lifetime: 2h}") : "{type: " + t + "}";
  });
  check_kind(r.reuse, [](const std::string& t) { return t; });
}

TEST_CASE("hybrid_histogram learns a periodic function: pre-warms it, fewer cold starts and less "
          "idle time than a fixed 10-minute keep-alive",
          "[models][keep_alive]") {
  // A timer every 30 min, 2 s each: a fixed 10-minute keep-alive is always cold. The histogram
  // policy learns the 30-minute idle time after 10 samples (held by the 4-hour fallback
  // meanwhile), then unloads each environment and pre-warms one at 0.9 × 29 min, kept until
  // 1.1 × (30 min − that): every later start is warm (Shahrad et al., ATC'20).
  const std::string yaml = R"(duration: 48h
functions:
  - name: learned
    duration: { type: constant, value: 2s }
    cold_start: { type: constant, value: 500ms }
    keep_alive: { type: hybrid_histogram }
  - name: fixed
    duration: { type: constant, value: 2s }
    cold_start: { type: constant, value: 500ms }
    keep_alive: { type: fixed, idle: 10m }
workload:
  - function: learned
    arrivals: { type: constant, rate: 2/h }
  - function: fixed
    arrivals: { type: constant, rate: 2/h }
)";
  const auto s = lsim::test::run_yaml(yaml);
  lsim::test::check_conservation(s);
  const auto& learned = lsim::test::function_summary(s, "learned");
  const auto& fixed = lsim::test::function_summary(s, "fixed");
  CHECK(fixed.invocations.cold == fixed.invocations.completed);
  CHECK(learned.invocations.cold == 1);
  // 95 arrivals: the first 11 served by the first environment (10 samples to learn), then
  // one pre-warmed environment per idle period: 84 for arrivals 12-95, and one more after the
  // last execution, before the 48 h horizon.
  CHECK(learned.environments.prewarmed == 85);
  CHECK(learned.idle_environment_seconds < 0.7 * fixed.idle_environment_seconds);
  // Pre-warming runs INIT without a request: billed INIT for 84 + 1 starts, 95 requests.
  CHECK(learned.cost.requests == Approx(95 * 0.0000002).epsilon(1e-9));
}

TEST_CASE("hybrid_histogram does not pre-warm traffic whose idle times start near zero",
          "[models][keep_alive]") {
  // Poisson idle times (mean 20 min): the 5th percentile is in the first bin, so there is no
  // pre-warming; the environment is kept for the 4-hour fallback while learning, then for the
  // histogram's tail (99th percentile + 10 %): only the rare longer gaps start cold.
  const auto s = lsim::test::run_yaml(R"(duration: 24h
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 500ms }
    keep_alive: { type: hybrid_histogram }
workload:
  - function: f
    arrivals: { type: poisson, rate: 3/h }
)");
  CHECK(s.total.environments.prewarmed == 0);
  CHECK(s.total.invocations.cold >= 1);
  CHECK(s.total.invocations.cold <= 4);
}
