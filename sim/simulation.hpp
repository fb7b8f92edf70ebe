// The wiring: a validated scenario + registries + a price table → one run → a Summary.
// Two simulations never share state, so they may run in one process (tests, replications).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "sim/lambda/observer.hpp"
#include "sim/lambda/registries.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/stats/pricing.hpp"
#include "sim/stats/summary.hpp"

namespace lsim {

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
  /// Optional progress display: called with the fraction of simulated time done.
  std::function<void(double)> progress;
  /// Receives every step of the run (narration, timeline); not owned; nullptr for none.
  PlatformObserver* observer = nullptr;
};

/// The price table a scenario asks for: `pricing.table` if set (a YAML file), else `builtin_yaml`.
/// Throws ScenarioError (with locations) when the table is unreadable or invalid, or when it has
/// no prices for the scenario's region and architectures.
PriceTable load_price_table(const ScenarioSpec& spec, const char* builtin_yaml,
                            const std::string& builtin_origin);

/// Runs one replication and summarises it (statistics, then costs).
Summary simulate(const ScenarioSpec& spec, const Registries& registries, const PriceTable& prices,
                 const RunOptions& options);

}  // namespace lsim
