// Provisioned concurrency: the PC pool as a loss system whose overflow spills to on-demand
// (Erlang B), its bill (capacity per GB-s, rounded up to 5 minutes; executions at the PC duration
// price; no free tier), allocation delays, schedules and target tracking (lambda-facts §1, §5).
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

namespace {

using lsim::test::load_yaml;
using lsim::test::run_yaml;

const lsim::GroupSummary& version(const lsim::Summary& s, const std::string& fn,
                                  const std::string& v) {
  for (const auto& g : lsim::test::function_summary(s, fn).versions)
    if (g.name == v) return g.group;
  FAIL("no version " << v);
  return s.total;
}

std::string pc_scenario(const std::string& provisioned, const std::string& arrivals,
                        const std::string& duration = "1h", const std::string& extra = "",
                        const std::string& keep_alive = "{ type: fixed, idle: 10m }") {
  return fmt::format(R"(duration: {}
account: {{ concurrency_limit: 3000 }}
functions:
  - name: api
    memory: 1024MB
    timeout: 60s
    duration: {{ type: exponential, mean: 1s }}
    cold_start: {{ type: constant, value: 300ms }}
    keep_alive: {}
    {}
    versions:
      "1": {{ provisioned: {} }}
workload:
  - function: api:1
    arrivals: {}
)",
                     duration, keep_alive, extra, provisioned, arrivals);
}

}  // namespace

TEST_CASE("The spillover fraction of static PC = c under Poisson traffic is Erlang B(c, a)",
          "[platform][provisioned]") {
  struct Case {
    int c;
    double load;
  };
  for (const Case k : {Case{5, 4.0}, Case{10, 8.0}, Case{20, 15.0}}) {
    DYNAMIC_SECTION("c = " << k.c << ", a = " << k.load) {
      const auto s = run_yaml(pc_scenario(
          fmt::format("{{ type: static, concurrency: {}, ready_at_start: true }}", k.c),
          fmt::format("{{ type: poisson, rate: {}/s }}", k.load), "20000s"));
      lsim::test::check_conservation(s);
      const auto& g = version(s, "api", "1");
      const double n = static_cast<double>(g.invocations.started);
      const double spill = static_cast<double>(g.invocations.spillover) / n;
      const double b = lsim::test::erlang_b(k.c, k.load);
      // Overflows are positively correlated (they come in bursts): allow 6 binomial standard
      // deviations, which still separates neighbouring c by a wide margin.
      CHECK(std::fabs(spill - b) < 6 * std::sqrt(b * (1 - b) / n) + 0.003);
      CHECK(g.invocations.throttled == 0);
      // PC utilisation = carried load / c.
      CHECK(g.provisioned.utilization == Approx(k.load * (1 - b) / k.c).epsilon(0.05));
      // Cold starts happen only on spillover.
      CHECK(g.invocations.cold == g.invocations.spillover_cold);
    }
  }
}

TEST_CASE("A PC bill computed by hand: 10 PC x 1 GB for 24 h and 1 M invocations of 200 ms",
          "[platform][provisioned][cost]") {
  // 1,000,000 arrivals (one every 50 ms, the last at 50,000 s), 4 busy on average: never beyond
  // the 10 provisioned environments. No maximum lifetime: no recycling INIT.
  const auto s = run_yaml(R"(duration: 24h
pricing: { free_tier: true }
functions:
  - name: api
    memory: 1024MB
    duration: { type: constant, value: 200ms }
    cold_start: { type: constant, value: 300ms }
    keep_alive: { type: fixed, idle: 10m }
    versions:
      "1": { provisioned: { type: static, concurrency: 10, ready_at_start: true } }
workload:
  - function: api:1
    arrivals: { type: constant, rate: 20/s, stop: 50000050ms }
)");
  const auto& c = s.total.cost;
  REQUIRE(s.total.invocations.completed == 1'000'000);
  CHECK(s.total.invocations.spillover == 0);
  // Capacity: 10 × 1 GB × 86,400 s × $0.0000041667 = $3.6000288.
  CHECK(c.provisioned_capacity == Approx(3.6000288).epsilon(1e-9));
  // Executions on PC: 1,000,000 × 0.2 s × 1 GB × $0.0000097222 = $1.94444.
  CHECK(c.provisioned_duration == Approx(1.94444).epsilon(1e-9));
  // Requests $0.20; no free tier for a PC-enabled function; no on-demand duration.
  CHECK(c.requests == Approx(0.2).epsilon(1e-9));
  CHECK(c.duration == 0);
  CHECK(c.init == 0);
  CHECK(std::round(c.total() * 100) / 100 == Approx(5.74));
  // Break-even utilisation 4.1667 / (16.6667 − 9.7222) ≈ 60 %.
  CHECK(s.total.provisioned.break_even_utilization == Approx(0.6).epsilon(0.001));
  // 4 busy on average while traffic lasts (50,000 s of the 86,400 s).
  CHECK(s.total.provisioned.utilization == Approx(4.0 * 50'000.05 / 86'400 / 10).epsilon(1e-3));
}

TEST_CASE("PC capacity is billed per configuration period rounded up to 5 minutes",
          "[platform][provisioned][cost]") {
  // A 1-minute run: one period of 60 s, billed as 300 s.
  const auto s = run_yaml(pc_scenario("{ type: static, concurrency: 2, ready_at_start: true }",
                                      "{ type: constant, rate: 1/m }", "1m"));
  CHECK(s.total.cost.provisioned_capacity == Approx(2 * 1.0 * 300 * 0.0000041667).epsilon(1e-9));
}

TEST_CASE("PC is allocated after the preparation delay, its INIT is billed, spillover meanwhile",
          "[platform][provisioned]") {
  // 20 environments requested at t = 0: ready at 90 s + 300 ms INIT. Until then every
  // invocation spills over to on-demand.
  const auto s = run_yaml(pc_scenario("{ type: static, concurrency: 20 }",
                                      "{ type: poisson, rate: 5/s }", "10m"));
  const auto& g = version(s, "api", "1");
  CHECK(g.provisioned.inits == 20);
  CHECK(g.invocations.spillover > 300);   // ~450 in the first 90 s
  CHECK(g.invocations.spillover < 1000);
  CHECK(g.provisioned.max_allocated == 20);
  // INIT of the 20 provisioned environments: 20 × 0.3 s × 1 GB (billed like on-demand INIT).
  CHECK(s.total.cost.init >= 20 * 0.3 * 0.0000166667 * (1 - 1e-9));
  // Configured from t = 0 (billed), allocated only from ~90 s.
  CHECK(g.provisioned.mean_configured == Approx(20.0));
  CHECK(g.provisioned.mean_allocated == Approx(20.0 * (600 - 90.3) / 600).epsilon(1e-3));
}

TEST_CASE("PC environments are recycled at their maximum lifetime without losing capacity",
          "[platform][provisioned]") {
  const auto s = run_yaml(pc_scenario("{ type: static, concurrency: 4, ready_at_start: true }",
                                      "{ type: poisson, rate: 1/s }", "5h", "",
                                      "{ type: fixed, idle: 10m, max_lifetime: 2h }"));
  const auto& g = version(s, "api", "1");
  // Each of the 4 environments is replaced at 2 h and 4 h (the replacements' INIT is billed).
  CHECK(g.provisioned.recycled == 8);
  CHECK(g.provisioned.inits == 8);
  CHECK(g.provisioned.mean_allocated >= 4.0);
}

TEST_CASE("A schedule sets PC at its times, daily steps repeat", "[platform][provisioned]") {
  // 0 until 08:00, 10 from 08:00, 2 from 18:00, every day (days start at time 0).
  const auto s = run_yaml(pc_scenario(
      R"({ type: schedule, preparation: 0s, steps: [ { daily: "08:00", concurrency: 10 }, { daily: "18:00", concurrency: 2 } ] })",
      "{ type: poisson, rate: 1/s }", "48h"));
  const auto& g = version(s, "api", "1");
  // Configured: 2 from 0 to 8 h, 10 from 8 to 18 h, 2 from 18 to 32 h, 10 to 42 h, 2 to 48 h.
  const double mean = (2.0 * 8 + 10 * 10 + 2 * 14 + 10 * 10 + 2 * 6) / 48;
  CHECK(g.provisioned.mean_configured == Approx(mean).epsilon(1e-9));
  CHECK(g.provisioned.scale_out == 2);
  CHECK(g.provisioned.scale_in == 2);
}

TEST_CASE("Target tracking scales out after 3 minutes above target and in after 15 below",
          "[platform][provisioned]") {
  // PC 10 at the start, 2 erlangs of base load (utilisation 0.2, but min is 10). At t = 10 min
  // the load steps to 20 erlangs: every datapoint from the 11-minute one is above 0.7, so the
  // third, at 13 min, scales out. At 40 min the load returns to 2 erlangs: the 15th datapoint
  // below 0.63 is at 55 min.
  auto run_until = [](const std::string& horizon) {
    return run_yaml(pc_scenario(
        "{ type: target_tracking, target: 0.7, min: 10, max: 200, ready_at_start: true }",
        "{ type: poisson, rate: 2/s }\n  - function: api:1\n    arrivals: { type: constant, "
        "rate: 18/s, start: 10m, stop: 40m }",
        horizon, "reserved_concurrency: 500"));
  };
  CHECK(version(run_until("779s"), "api", "1").provisioned.scale_out == 0);
  const auto after = run_until("781s");
  CHECK(version(after, "api", "1").provisioned.scale_out == 1);
  // Scale out to ceil(allocated × utilisation / target) = ceil(10 × 1.0 / 0.7) = 15.
  CHECK(version(after, "api", "1").provisioned.mean_configured > 10.0);
  const auto before_in = run_until("3299s");
  CHECK(version(before_in, "api", "1").provisioned.scale_in == 0);
  const auto in = run_until("3301s");
  CHECK(version(in, "api", "1").provisioned.scale_in == 1);
  CHECK(version(in, "api", "1").provisioned.scale_out >= 3);
}

TEST_CASE("Provisioned concurrency is checked", "[platform][provisioned]") {
  CHECK_THROWS_WITH(load_yaml(pc_scenario("{ type: static, concurrency: 50 }",
                                          "{ type: poisson, rate: 1/s }", "1h",
                                          "reserved_concurrency: 20")),
                    Catch::Contains("provision up to 50 environments, more than its reserved "
                                    "concurrency 20"));
  CHECK_THROWS_WITH(load_yaml(pc_scenario("{ type: statik, concurrency: 5 }",
                                          "{ type: poisson, rate: 1/s }")),
                    Catch::Contains("unknown provisioned-concurrency type 'statik'"));
  CHECK_THROWS_WITH(load_yaml(pc_scenario("{ type: target_tracking, target: 0.95, max: 5 }",
                                          "{ type: poisson, rate: 1/s }")),
                    Catch::Contains("target: must be between 0.1 and 0.9"));
  CHECK_THROWS_WITH(
      load_yaml(pc_scenario(R"({ type: schedule, steps: [ { daily: "25:00", concurrency: 1 } ] })",
                            "{ type: poisson, rate: 1/s }")),
      Catch::Contains("'25:00' is not a time of day"));
  CHECK_THROWS_WITH(load_yaml(R"(duration: 1h
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 1s }
    provisioned: { type: static, concurrency: 1 }
workload:
  - function: f
    arrivals: { type: poisson, rate: 1/s }
)"),
                    Catch::Contains("not on $LATEST"));
}

TEST_CASE("PC on an alias goes to its version", "[platform][provisioned]") {
  const auto s = run_yaml(R"(duration: 1h
functions:
  - name: f
    memory: 512MB
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 1s }
    versions: { "1": {}, "2": {} }
    aliases: { live: { "2": 1, provisioned: { type: static, concurrency: 3, ready_at_start: true } } }
workload:
  - function: f:live
    arrivals: { type: poisson, rate: 2/s }
)");
  CHECK(version(s, "f", "2").provisioned.mean_allocated == Approx(3.0));
  CHECK(version(s, "f", "1").provisioned.enabled == false);
  CHECK(s.total.invocations.cold == s.total.invocations.spillover_cold);
  CHECK_THROWS_WITH(load_yaml(R"(duration: 1h
functions:
  - name: f
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 1s }
    versions: { "1": {}, "2": {} }
    aliases: { live: { "1": 0.5, "2": 0.5, provisioned: { type: static, concurrency: 3 } } }
workload:
  - function: f:live
    arrivals: { type: poisson, rate: 2/s }
)"),
                    Catch::Contains("not while it splits traffic"));
}

TEST_CASE("A schedule moves target tracking's min and max, as scheduled actions do",
          "[platform][provisioned]") {
  // Light load (utilisation below target all day), min 2 until 08:00, then min 30: the
  // configured concurrency follows min up at 08:00 and back at 20:00.
  const auto s = run_yaml(pc_scenario(
      R"({ type: target_tracking, target: 0.7, min: 2, max: 100, ready_at_start: true, schedule: [ { daily: "08:00", min: 30, max: 100 }, { daily: "20:00", min: 2, max: 100 } ] })",
      "{ type: poisson, rate: 1/s }", "24h"));
  const auto& g = version(s, "api", "1");
  // 30 from 08:00 to 20:00; at night the low alarm keeps it at min 2 (it was set at 2 at the
  // start, and scale-in after 20:00 waits for 15 datapoints below 63 %).
  const double at_least = (2.0 * 8 + 30 * 12 + 2 * 4) / 24;
  CHECK(g.provisioned.mean_configured >= at_least - 1e-9);
  CHECK(g.provisioned.mean_configured <= at_least + 28.0 * 16 / 60 / 24 + 1e-9);
  CHECK(g.provisioned.scale_out == 1);
  CHECK(g.provisioned.scale_in == 1);
}
