// Versions and aliases: weighted routing, separate environments per version, per-version
// settings, statistics and bills per version and per alias (lambda-facts §6).
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

namespace {

using lsim::test::load_yaml;
using lsim::test::run_yaml;

const lsim::GroupSummary& named(const std::vector<lsim::NamedGroup>& groups,
                                const std::string& name) {
  for (const auto& g : groups)
    if (g.name == name) return g.group;
  FAIL("no group named " << name);
  return groups.front().group;
}

std::string canary(const std::string& aliases, const std::string& target = "api:live",
                   const std::string& duration = "1h") {
  return fmt::format(R"(duration: {}
functions:
  - name: api
    memory: 512MB
    duration: {{ type: constant, value: 100ms }}
    cold_start: {{ type: constant, value: 300ms }}
    versions: {{ "1": {{}}, "2": {{ duration: {{ type: constant, value: 80ms }}, memory: 1024MB }} }}
    aliases: {}
workload:
  - function: {}
    arrivals: {{ type: poisson, rate: 50/s }}
)",
                     duration, aliases, target);
}

}  // namespace

TEST_CASE("An alias with weight 0.1 on the new version sends it 10 % of the traffic",
          "[platform][versions]") {
  const auto s = run_yaml(canary(R"({ live: { "1": 0.9, "2": 0.1 } })"));
  lsim::test::check_conservation(s);
  const auto& fn = lsim::test::function_summary(s, "api");
  REQUIRE(fn.versions.size() == 2);
  REQUIRE(fn.aliases.size() == 1);
  const double n = static_cast<double>(fn.invocations.arrived);
  const double v2 = static_cast<double>(named(fn.versions, "2").invocations.arrived);
  // Binomial(n, 0.1): allow 4 standard deviations.
  CHECK(std::fabs(v2 - 0.1 * n) < 4 * std::sqrt(n * 0.1 * 0.9));
  CHECK(named(fn.aliases, "live").invocations.arrived == fn.invocations.arrived);
  // Each version has its own environments, so the new version has its own cold starts.
  CHECK(named(fn.versions, "2").invocations.cold >= 1);
  CHECK(named(fn.versions, "1").invocations.cold >= 1);
  // Version 2's own settings: 80 ms warm executions.
  CHECK(named(fn.versions, "2").warm.p50 == Approx(80.0));
  CHECK(named(fn.versions, "1").warm.p50 == Approx(100.0));
}

TEST_CASE("The bill is per version (each at its memory) and an alias's bill is its share",
          "[platform][versions]") {
  const auto s = run_yaml(canary(R"({ live: { "1": 0.9, "2": 0.1 } })"));
  const auto& fn = lsim::test::function_summary(s, "api");
  const auto& v1 = named(fn.versions, "1");
  const auto& v2 = named(fn.versions, "2");
  // Warm executions bill 100 ms × 0.5 GB and 80 ms × 1 GB.
  const double price = 0.0000166667;
  CHECK(v1.cost.duration == Approx(v1.invocations.started * 0.1 * 0.5 * price).epsilon(1e-6));
  CHECK(v2.cost.duration == Approx(v2.invocations.started * 0.08 * 1.0 * price).epsilon(1e-6));
  CHECK(fn.cost.total() == Approx(v1.cost.total() + v2.cost.total()).epsilon(1e-12));
  // All traffic came through the alias, so its bill is the whole function's.
  CHECK(named(fn.aliases, "live").cost.total() == Approx(fn.cost.total()).epsilon(1e-9));
}

TEST_CASE("An alias can point at one version, and an unqualified target runs $LATEST",
          "[platform][versions]") {
  SECTION("alias to one version") {
    const auto s = run_yaml(canary(R"({ live: "2" })", "api:live", "10m"));
    const auto& fn = lsim::test::function_summary(s, "api");
    CHECK(named(fn.versions, "1").invocations.arrived == 0);
    CHECK(named(fn.versions, "2").invocations.arrived == fn.invocations.arrived);
  }
  SECTION("a version directly") {
    const auto s = run_yaml(canary(R"({ live: "2" })", "api:1", "10m"));
    const auto& fn = lsim::test::function_summary(s, "api");
    CHECK(named(fn.versions, "1").invocations.arrived == fn.invocations.arrived);
    CHECK(named(fn.aliases, "live").invocations.arrived == 0);
  }
  SECTION("the function's own settings as $LATEST") {
    const auto s = run_yaml(canary(R"({ live: "2" })", "api", "10m"));
    const auto& fn = lsim::test::function_summary(s, "api");
    REQUIRE(fn.versions.size() == 3);
    CHECK(named(fn.versions, "$LATEST").invocations.arrived == fn.invocations.arrived);
    CHECK(named(fn.versions, "$LATEST").warm.p50 == Approx(100.0));
  }
}

TEST_CASE("Versions share the function's reserved concurrency", "[platform][versions]") {
  const auto s = run_yaml(R"(duration: 30m
functions:
  - name: f
    reserved_concurrency: 4
    duration: { type: exponential, mean: 1s }
    cold_start: { type: constant, value: 0ms }
    versions: { "1": {}, "2": {} }
    aliases: { live: { "1": 0.5, "2": 0.5 } }
workload:
  - function: f:live
    arrivals: { type: poisson, rate: 4/s }
)");
  lsim::test::check_conservation(s);
  const auto& fn = lsim::test::function_summary(s, "f");
  CHECK(fn.concurrency_max <= 4);
  // Erlang B with 4 servers for the function as a whole, whatever the version.
  const double expected = lsim::test::erlang_b(4, 4.0);
  const double n = static_cast<double>(fn.invocations.arrived);
  const double throttled = static_cast<double>(fn.invocations.throttled);
  CHECK(std::fabs(throttled / n - expected) < 5 * std::sqrt(expected * (1 - expected) / n) + 0.01);
  CHECK(named(fn.versions, "1").concurrency_max + named(fn.versions, "2").concurrency_max >= 4);
}

TEST_CASE("Versions and aliases are checked", "[platform][versions]") {
  CHECK_THROWS_WITH(load_yaml(canary(R"({ live: { "1": 0.9, "3": 0.1 } })")),
                    Catch::Contains("no version '3' (versions: 1, 2)"));
  CHECK_THROWS_WITH(load_yaml(canary(R"({ live: { "1": 0.8, "2": 0.1 } })")),
                    Catch::Contains("the weights add up to 0.9; they must add up to 1"));
  CHECK_THROWS_WITH(load_yaml(canary(R"({ live: { "1": 1.5 } })")),
                    Catch::Contains("expected a weight between 0 and 1"));
  CHECK_THROWS_WITH(load_yaml(canary(R"({ "7": "1" })")),
                    Catch::Contains("not a number"));
  CHECK_THROWS_WITH(load_yaml(canary(R"({ live: "1" })", "api:lvie")),
                    Catch::Contains("function 'api' has no version or alias 'lvie' (did you mean "
                                    "'api:live'?)"));
  CHECK_THROWS_WITH(load_yaml(canary(R"({ live: "1" })", "api:3")),
                    Catch::Contains("no version or alias '3'"));
  std::string three = canary(R"({ live: "1" })");
  three.replace(three.find(R"("2": {)"), 6, R"("3": {}, "2": {)");
  three.replace(three.find(R"({ live: "1" })"), 13, R"({ live: { "1": 0.5, "2": 0.3, "3": 0.2 } })");
  CHECK_THROWS_WITH(load_yaml(three), Catch::Contains("splits between two"));
  std::string bad_version = canary(R"({ live: "1" })");
  bad_version.replace(bad_version.find(R"("1": {})"), 7, R"("v1": {})");
  CHECK_THROWS_WITH(load_yaml(bad_version), Catch::Contains("'v1' is not a version number"));
  std::string scaling = canary(R"({ live: "1" })");
  scaling.replace(scaling.find(R"("1": {})"), 7, R"("1": { scaling: unlimited })");
  CHECK_THROWS_WITH(load_yaml(scaling),
                    Catch::Contains("'scaling' belongs to the function, not to a version"));
  CHECK_THROWS_WITH(load_yaml(R"(duration: 1h
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 1s }
    aliases: { live: "1" }
workload:
  - function: f:live
    arrivals: { type: poisson, rate: 1/s }
)"),
                    Catch::Contains("declare them under 'versions'"));
  CHECK_THROWS_WITH(load_yaml(R"(duration: 1h
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 1s }
workload:
  - function: f:live
    arrivals: { type: poisson, rate: 1/s }
)"),
                    Catch::Contains("declare 'versions' and 'aliases' on the function"));
}

TEST_CASE("Declaring versions does not change an unversioned function's results",
          "[platform][versions]") {
  const std::string base = R"(duration: 1h
functions:
  - name: f
    duration: { type: exponential, mean: 200ms }
    cold_start: { type: constant, value: 300ms }
workload:
  - function: f
    arrivals: { type: poisson, rate: 3/s }
)";
  const auto a = run_yaml(base);
  std::string with_alias = base;
  with_alias.replace(with_alias.find("workload:"), 9,
                     "  - name: g\n    duration: { type: constant, value: 1s }\n"
                     "    cold_start: { type: constant, value: 1s }\n"
                     "    versions: { \"1\": {} }\n    aliases: { live: \"1\" }\nworkload:\n"
                     "  - function: g:live\n    arrivals: { type: poisson, rate: 1/s }");
  const auto b = run_yaml(with_alias);
  const auto& fa = lsim::test::function_summary(a, "f");
  const auto& fb = lsim::test::function_summary(b, "f");
  CHECK(fa.invocations.arrived == fb.invocations.arrived);
  CHECK(fa.invocations.cold == fb.invocations.cold);
  CHECK(fa.all.p99 == fb.all.p99);
  CHECK(fa.versions.empty());
}
