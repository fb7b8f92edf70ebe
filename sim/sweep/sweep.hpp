// Parameter sweeps: the cross product of --set values (and of a scenario's `sweep:`), each point
// run for N replications, reduced to a mean and a 95 % Student-t confidence interval per headline
// statistic; parallel on threads, sharded over machines, resumable from a journal.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/lambda/registries.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/stats/pricing.hpp"
#include "sim/stats/summary.hpp"

namespace lsim {

/// A sweep may have at most this many points (the product of its axes).
constexpr std::size_t kMaxSweepPoints = 10'000;

/// One swept key and its values, each YAML text applied as `--set key=value`.
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

/// Parses a command-line setting `key=v1,v2,...` (commas inside {}, [] or quotes do not split)
/// or `key=start:stop:step`. Throws ScenarioError located at `--set TEXT` when it is malformed.
SweepAxis parse_sweep_setting(const std::string& text);

/// Expands `start:stop:step` (plain numbers, or durations, memory sizes or rates with units, all
/// three of the same kind) into its values, stop included when it lands on it; any other value
/// is returned as is. Throws ScenarioError at `where` for an empty or a too long range.
std::vector<std::string> expand_sweep_value(const std::string& value, const std::string& key,
                                            const SourceLoc& where);

/// YAML flow text of a configuration node that parses back to the same node (`{a: 1, b: [x]}`).
std::string to_flow_yaml(const ConfigNode& node);

/// The headline statistics of a run, in this order (names as in CSV and JSON).
enum class Stat : std::uint8_t {
  P50,
  P95,
  P99,
  ColdStartRatio,
  ThrottledRatio,
  SpilloverRatio,
  Cost,
  MonthlyCost,
  ConcurrencyMean
};
constexpr std::size_t kStatCount = 9;
using StatValues = std::array<double, kStatCount>;
/// `p50_ms`, ..., `concurrency_mean`.
const char* stat_name(Stat s);
/// Reads the headline statistics of the whole scenario from a run's Summary.
StatValues headline_stats(const Summary& s);
/// A statistic by its name or a short alias (p99, cold_ratio, throttled, cost, ...).
std::optional<Stat> find_stat(const std::string& name);

/// The 0.975 quantile of Student's t distribution with `df` >= 1 degrees of freedom: exact table
/// values to df 30, the Cornish-Fisher expansion beyond (error < 1e-6).
double student_t_975(std::uint64_t df);

/// Mean and 95 % confidence interval mean ± t(0.975, n-1)·s/√n; no interval for one value.
struct Estimate {
  double mean = 0;
  std::optional<double> half_width;
};
Estimate estimate(const std::vector<double>& values);

/// `p99<=300ms`, `cold_ratio<0.05`, `cost<=2.5` ... on the mean of a statistic.
struct Constraint {
  Stat stat = Stat::P99;
  std::string op;  ///< <=, <, >=, >
  double bound = 0;
  std::string text;  ///< as written
  [[nodiscard]] bool holds(double value) const;
};
/// Throws ScenarioError located at `--constraint TEXT`.
Constraint parse_constraint(const std::string& text);

/// The K-th (1-based) of N slices: point i belongs to shard (i mod N) + 1 (round-robin, so
/// every shard gets a similar mix of cheap and expensive points).
struct Shard {
  std::size_t k = 1, n = 1;
  [[nodiscard]] bool owns(std::size_t point) const { return point % n == k - 1; }
};
/// "K/N" with 1 <= K <= N <= 10,000. Throws ScenarioError located at `--shard TEXT`.
Shard parse_shard(const std::string& text);

/// Everything a sweep's output depends on; two runs with equal plans give equal bytes.
struct SweepPlan {
  std::string scenario;               ///< its name
  std::string scenario_hash;          ///< FNV-1a 64 of the scenario file's bytes, hex
  std::optional<std::uint64_t> seed;  ///< --seed; else each point's scenario seed
  int replications = 1;
  std::vector<SweepAxis> axes;  ///< ranges expanded; the first axis varies slowest
  Stat objective = Stat::Cost;  ///< the best point has the lowest mean of this
  std::vector<Constraint> constraints;

  [[nodiscard]] std::size_t point_count() const;
  /// The value of every axis at `point` (row-major order).
  [[nodiscard]] std::vector<std::string> point_values(std::size_t point) const;
  /// The plan as one line of canonical JSON (journals, partial files, merge checks).
  [[nodiscard]] std::string identity_json() const;
};

/// The statistics of every replication of one point, in replication order.
struct PointResult {
  std::size_t index = 0;
  std::vector<StatValues> replications;
};

/// What `lambdasim sweep` was asked for.
struct SweepRequest {
  std::string scenario_path;
  std::vector<std::string> settings;  ///< --set texts
  std::optional<int> replications;
  std::optional<std::uint64_t> seed;
  std::string objective = "cost";
  std::vector<std::string> constraints;
};

/// A plan with every point loaded and validated (specs and price tables of the points `shard`
/// owns; the others are validated and dropped).
struct PreparedSweep {
  SweepPlan plan;
  std::vector<std::optional<ScenarioSpec>> specs;  ///< by point
  /// By point; points that read the same table for the same region and architectures share one.
  std::vector<std::shared_ptr<const PriceTable>> prices;
  Diagnostics warnings;  ///< of the base scenario
};

/// Builds the plan (scenario `sweep:` axes, then --set axes: a --set of the same key replaces
/// the scenario's) and loads every point, collecting every error before any run. Throws
/// ScenarioError with all problems (duplicates removed).
PreparedSweep prepare_sweep(const SweepRequest& request, const Registries& registries,
                            const char* builtin_prices_yaml, const std::string& builtin_origin,
                            const Shard& shard = {});

struct SweepRunOptions {
  unsigned jobs = 1;  ///< worker threads; each runs one (point, replication) at a time
  Shard shard;
  /// When set: finished points are appended here (JSON Lines), and points found in it from an
  /// earlier run of the same plan and shard are not run again.
  std::string journal_path;
  /// Called (serialised) after each finished point: points done this run, points to run.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Runs every point of the shard, replication r of each point with (seed, replication r): the
/// same streams at every point (common random numbers), so differences between points are not
/// noise of different draws, and no result depends on --jobs or the order of completion.
/// Returns the shard's results by point index.
std::vector<PointResult> run_sweep(const PreparedSweep& sweep, const Registries& registries,
                                   const SweepRunOptions& options);

std::string sweep_to_table(const SweepPlan& plan, const std::vector<PointResult>& results);
/// One row per point: the swept keys, then <stat>_mean and <stat>_ci95 (half-width; empty for
/// one replication), then feasible and best.
std::string sweep_to_csv(const SweepPlan& plan, const std::vector<PointResult>& results);
std::string sweep_to_json(const SweepPlan& plan, const std::vector<PointResult>& results);
/// A self-contained HTML page: each headline statistic against the points (mean and 95 %
/// interval), the best point marked, and the table of points.
std::string sweep_to_html(const SweepPlan& plan, const std::vector<PointResult>& results);

/// A partial result (a shard's output, or a journal): JSON Lines, a header line with the plan
/// and the shard, then one line per finished point.
std::string partial_header(const SweepPlan& plan, const Shard& shard);
std::string partial_line(const PointResult& result);
struct Partial {
  SweepPlan plan;
  std::string identity;  ///< plan.identity_json() as read
  Shard shard;
  std::vector<PointResult> results;
  bool complete_last_line = true;
};
/// Reads a partial file. `lenient`: a torn or malformed point line ends the file (a journal cut
/// by an interruption); otherwise it is an error. Throws ScenarioError at `path`.
Partial read_partial(const std::string& path, bool lenient);

/// Checks that `parts` come from one sweep (same plan) and cover every point exactly once; returns
/// the plan and the results by index. Throws ScenarioError naming the offending file.
std::pair<SweepPlan, std::vector<PointResult>> merge_partials(
    const std::vector<std::string>& paths);

/// Formats results as `format` (table, csv, json or html).
std::string format_sweep(const SweepPlan& plan, const std::vector<PointResult>& results,
                         const std::string& format);

}  // namespace lsim
