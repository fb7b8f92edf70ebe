// Runs a scenario and assembles its Summary.
#include "sim/simulation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/lambda/platform.hpp"

namespace lsim {

PriceTable load_price_table(const ScenarioSpec& spec, const char* builtin_yaml,
                            const std::string& builtin_origin) {
  std::string text = builtin_yaml;
  std::string origin = builtin_origin;
  if (!spec.pricing.table_path.empty()) {
    const std::string& path = spec.pricing.table_path;
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
      throw ScenarioError(spec.pricing.table_loc, "pricing.table",
                          fmt::format("cannot open price table '{}': no such file", path));
    if (!std::filesystem::is_regular_file(status))
      throw ScenarioError(spec.pricing.table_loc, "pricing.table",
                          fmt::format("price table '{}' is not a regular file", path));
    const auto size = std::filesystem::file_size(path, ec);
    constexpr std::uintmax_t kMaxTableBytes = 16u << 20;
    if (ec || size > kMaxTableBytes)
      throw ScenarioError(spec.pricing.table_loc, "pricing.table",
                          fmt::format("price table '{}' is larger than {} bytes", path,
                                      kMaxTableBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in)
      throw ScenarioError(spec.pricing.table_loc, "pricing.table",
                          fmt::format("cannot read price table '{}'", path));
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
    origin = path;
  }
  PriceTable table = PriceTable::parse(text, origin);
  const auto regions = table.regions();
  if (std::find(regions.begin(), regions.end(), spec.pricing.region) == regions.end()) {
    std::string msg = fmt::format("the price table has no region '{}'", spec.pricing.region);
    const std::string guess = closest_match(spec.pricing.region, regions);
    if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
    throw ScenarioError(spec.pricing.region_loc, "pricing.region",
                        msg + fmt::format("; regions: {}", fmt::join(regions, ", ")));
  }
  Diagnostics diags;
  for (std::size_t i = 0; i < spec.functions.size(); ++i) {
    const auto& f = spec.functions[i];
    if (table.find(spec.pricing.region, f.architecture) == nullptr)
      diags.error(f.loc, fmt::format("functions[{}].architecture", i),
                  fmt::format("the price table has no {} prices for region '{}'",
                              to_string(f.architecture), spec.pricing.region));
  }
  if (diags.has_errors()) throw ScenarioError(std::move(diags));
  return table;
}

namespace {

// Latency of cold, warm and all (their union) invocations of a group.
void set_latency(GroupSummary& g, const LatencyHistogram& cold, const LatencyHistogram& warm,
                 const RunningStats& cold_ms, const RunningStats& warm_ms) {
  LatencyHistogram all = cold;
  all.merge(warm);
  RunningStats all_ms = cold_ms;
  all_ms.merge(warm_ms);
  g.all = summarize_latency(std::move(all), all_ms);
  g.cold = summarize_latency(cold, cold_ms);
  g.warm = summarize_latency(warm, warm_ms);
}

GroupSummary group_from(const FunctionCollector& c) {
  GroupSummary g;
  g.invocations = c.counts;
  set_latency(g, c.latency_cold, c.latency_warm, c.latency_cold_ms, c.latency_warm_ms);
  g.concurrency_mean = c.concurrency.mean();
  g.concurrency_max = c.concurrency.max();
  g.environments = c.environments;
  g.environments_peak = c.live.max();
  g.environments_mean_live = c.live.mean();
  g.environments_mean_idle = c.idle.mean();
  g.idle_environment_seconds = c.idle.area_seconds();
  return g;
}

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

Summary simulate(const ScenarioSpec& spec, const Registries& registries, const PriceTable& prices,
                 const RunOptions& options) {
  const Date billing_date =
      spec.pricing.date.value_or(parse_date(prices.effective_date()).value_or(Date{2026, 1, 1}));
  Platform platform(spec, registries, options.seed, options.replication, billing_date);
  if (options.progress) platform.set_progress(options.progress);
  platform.run();

  Summary s;
  s.scenario = spec.name;
  s.seed = options.seed;
  s.replication = options.replication;
  s.simulated_seconds = to_seconds(spec.duration);
  s.measured_seconds = to_seconds(spec.duration - spec.warmup);
  s.region = spec.pricing.region;
  s.billing_date = to_string(billing_date);
  s.price_table_date = prices.effective_date();
  s.digest = platform.digest();
  s.events = platform.events_processed();

  std::vector<FunctionUsage> usage;
  LatencyHistogram total_cold, total_warm;
  RunningStats total_cold_ms, total_warm_ms;
  for (std::size_t i = 0; i < platform.function_count(); ++i) {
    const FunctionCollector& c = platform.stats(i);
    s.functions.emplace_back(spec.functions[i].name, group_from(c));
    usage.push_back(c.usage);
    GroupSummary& t = s.total;
    t.invocations.merge(c.counts);
    t.environments.merge(c.environments);
    t.concurrency_mean += c.concurrency.mean();
    t.environments_mean_live += c.live.mean();
    t.environments_mean_idle += c.idle.mean();
    t.idle_environment_seconds += c.idle.area_seconds();
    total_cold.merge(c.latency_cold);
    total_warm.merge(c.latency_warm);
    total_cold_ms.merge(c.latency_cold_ms);
    total_warm_ms.merge(c.latency_warm_ms);
  }
  set_latency(s.total, total_cold, total_warm, total_cold_ms, total_warm_ms);
  s.total.concurrency_max = platform.peak_concurrency();
  s.total.environments_peak = platform.peak_live();
  s.total.cold_start_ratio = ratio(s.total.invocations.cold, s.total.invocations.started);
  for (auto& [name, g] : s.functions)
    g.cold_start_ratio = ratio(g.invocations.cold, g.invocations.started);

  const CostResult cost = compute_costs(
      usage, prices, spec.pricing.region,
      CostOptions{.window_seconds = s.measured_seconds, .free_tier = spec.pricing.free_tier});
  for (std::size_t i = 0; i < s.functions.size(); ++i) {
    s.functions[i].second.cost = cost.per_function[i];
    s.functions[i].second.cost_monthly = cost.per_function_monthly[i];
  }
  s.total.cost = cost.total;
  s.total.cost_monthly = cost.total_monthly;
  return s;
}

}  // namespace lsim
