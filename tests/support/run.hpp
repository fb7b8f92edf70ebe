// Test support: run a scenario given as YAML text end to end (load, price table, simulate) and
// check the invariants every Summary must satisfy. Header-only; include from any test.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "models/builtin.hpp"
#include "sim/scenario/load.hpp"
#include "sim/simulation.hpp"
#include "sim/stats/summary.hpp"

namespace lsim {
// Defined in the generated builtin_prices.cpp (part of lsim_models); it has no header.
const char* builtin_price_table_yaml();
const char* builtin_price_table_origin();
}  // namespace lsim

namespace lsim::test {

/// The built-in model registries, built once.
inline const Registries& builtin_registries() {
  static const Registries registries = [] {
    Registries r;
    register_builtin_models(r);
    return r;
  }();
  return registries;
}

/// The text of scenarios/`name` in the source tree (the example scenarios).
inline std::string read_scenario(const std::string& name) {
  std::ifstream in(std::string(LSIM_SOURCE_DIR) + "/scenarios/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Loads `yaml` (named "test.yaml" in messages) and returns its validated spec.
inline ScenarioSpec load_yaml(const std::string& yaml, const std::string& origin = "test.yaml") {
  return load_scenario_text(yaml, origin, builtin_registries());
}

/// Runs an already loaded scenario with the built-in price table (or the one it names).
inline Summary run_spec(const ScenarioSpec& spec, std::uint64_t seed = 1,
                        std::uint64_t replication = 0) {
  const PriceTable prices =
      load_price_table(spec, builtin_price_table_yaml(), builtin_price_table_origin());
  return simulate(spec, builtin_registries(), prices, {.seed = seed, .replication = replication, .progress = {}});
}

/// Loads and runs `yaml` with `seed` and `replication`.
inline Summary run_yaml(const std::string& yaml, std::uint64_t seed = 1,
                        std::uint64_t replication = 0) {
  return run_spec(load_yaml(yaml), seed, replication);
}

/// The per-function group named `name`; fails the test if there is none.
inline const GroupSummary& function_summary(const Summary& s, const std::string& name) {
  for (const auto& [n, g] : s.functions)
    if (n == name) return g;
  FAIL("no function named '" << name << "' in the summary");
  return s.total;  // unreachable
}

/// Conservation laws of one group: every counted arrival is completed, throttled or dropped;
/// every execution was a cold or a warm start and ended in exactly one way (answered or
/// succeeded, queued for a retry, or dropped out of retries).
inline void check_conservation(const GroupSummary& g, const std::string& what) {
  const auto& n = g.invocations;
  INFO(what << ": arrived " << n.arrived << ", completed " << n.completed << ", throttled "
            << n.throttled << ", dropped " << n.dropped << ", started " << n.started << ", cold "
            << n.cold << ", warm " << n.warm << ", retried " << n.retried);
  CHECK(n.arrived == n.completed + n.throttled + n.dropped);
  CHECK(n.started == n.cold + n.warm);
  CHECK(n.started == n.completed + n.retried + g.async.dropped_retries);
  CHECK(n.dropped == g.async.dropped_age + g.async.dropped_retries);
  CHECK(n.timed_out + n.failed <= n.started);
  CHECK(g.all.count == n.started);
}

/// Conservation for the whole scenario and each function, and that the total is the sum of the
/// functions' counts.
inline void check_conservation(const Summary& s) {
  check_conservation(s.total, "total");
  InvocationCounts sum;
  for (const auto& [name, g] : s.functions) {
    check_conservation(g, "function " + name);
    sum.merge(g.invocations);
    InvocationCounts versions;
    for (const NamedGroup& v : g.versions) {
      check_conservation(v.group, "version " + name + ":" + v.name);
      versions.merge(v.group.invocations);
    }
    if (!g.versions.empty()) {
      CHECK(versions.arrived == g.invocations.arrived);
      CHECK(versions.started == g.invocations.started);
      CHECK(versions.completed == g.invocations.completed);
    }
    for (const NamedGroup& a : g.aliases) check_conservation(a.group, "alias " + name + ":" + a.name);
  }
  CHECK(sum.arrived == s.total.invocations.arrived);
  CHECK(sum.started == s.total.invocations.started);
  CHECK(sum.completed == s.total.invocations.completed);
  CHECK(sum.throttled == s.total.invocations.throttled);
  CHECK(sum.cold == s.total.invocations.cold);
  CHECK(sum.warm == s.total.invocations.warm);
  CHECK(sum.dropped == s.total.invocations.dropped);
  // Every invocation comes from one source: the sources add up to the total.
  if (!s.sources.empty()) {
    InvocationCounts sources;
    for (const auto& src : s.sources) {
      check_conservation(src.group, "source " + src.name);
      sources.merge(src.group.invocations);
      if (src.mapping) {
        // Records of a queue or stream: in = processed + dead-lettered + expired + in flight.
        const MappingSummary& m = *src.mapping;
        INFO("source " << src.name << ": records " << m.arrived << ", processed " << m.processed
                       << ", dead-lettered " << m.dead_lettered << ", expired " << m.expired
                       << ", in flight " << m.in_flight);
        CHECK(m.arrived == m.processed + m.dead_lettered + m.expired + m.in_flight);
        CHECK(m.record_age.count == m.processed);
      }
    }
    CHECK(sources.arrived == s.total.invocations.arrived);
    CHECK(sources.completed == s.total.invocations.completed);
    CHECK(sources.throttled == s.total.invocations.throttled);
    CHECK(sources.dropped == s.total.invocations.dropped);
  }
  CHECK(sum.retried == s.total.invocations.retried);
}

/// Erlang's loss formula B(c, a) for c servers and offered load a = λ·E[S], by the numerically
/// stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
inline double erlang_b(int servers, double load) {
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = load * b / (k + load * b);
  return b;
}

}  // namespace lsim::test
