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

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

// Merges collectors into one group. Means of time-weighted values add up over disjoint
// versions; peaks do not, so they come from the caller.
GroupSummary group_from(const std::vector<const FunctionCollector*>& parts) {
  GroupSummary g;
  LatencyHistogram cold, warm;
  RunningStats cold_ms, warm_ms;
  AsyncCollector async(0, 0);
  ProvisionedCollector pc(0, 0);
  for (const FunctionCollector* c : parts) {
    pc.merge_counts(c->provisioned);
    g.provisioned.mean_configured += c->provisioned.configured.mean();
    g.provisioned.mean_allocated += c->provisioned.allocated.mean();
    g.provisioned.mean_in_use += c->provisioned.in_use.mean();
    g.invocations.merge(c->counts);
    g.environments.merge(c->environments);
    g.concurrency_mean += c->concurrency.mean();
    g.environments_mean_live += c->live.mean();
    g.environments_mean_idle += c->idle.mean();
    g.idle_environment_seconds += c->idle.area_seconds();
    g.async.queue_mean += c->async.queue.mean();
    cold.merge(c->latency_cold);
    warm.merge(c->latency_warm);
    cold_ms.merge(c->latency_cold_ms);
    warm_ms.merge(c->latency_warm_ms);
    async.merge(c->async);
    if (c->scaling_tokens_min >= 0 &&
        (g.scaling_tokens_min < 0 || c->scaling_tokens_min < g.scaling_tokens_min))
      g.scaling_tokens_min = c->scaling_tokens_min;
  }
  set_latency(g, cold, warm, cold_ms, warm_ms);
  g.cold_start_ratio = ratio(g.invocations.cold, g.invocations.started);
  g.async.arrived = async.arrived;
  g.async.throttle_retries = async.throttle_retries;
  g.async.dropped_age = async.dropped_age;
  g.async.dropped_retries = async.dropped_retries;
  g.async.age_at_start = summarize_latency(async.age_at_start, async.age_at_start_ms);
  g.async.age_at_completion =
      summarize_latency(async.age_at_completion, async.age_at_completion_ms);
  g.provisioned.enabled = pc.enabled;
  g.provisioned.inits = pc.inits;
  g.provisioned.recycled = pc.recycled;
  g.provisioned.scale_out = pc.scale_out;
  g.provisioned.scale_in = pc.scale_in;
  g.provisioned.utilization =
      g.provisioned.mean_allocated > 0 ? g.provisioned.mean_in_use / g.provisioned.mean_allocated : 0;
  g.provisioned.spillover_ratio = ratio(g.invocations.spillover, g.invocations.started);
  for (const FunctionCollector* c : parts)
    g.provisioned.max_allocated += c->provisioned.allocated.max();  // exact for one version
  if (parts.size() == 1) {
    g.concurrency_max = parts[0]->concurrency.max();
    g.environments_peak = parts[0]->live.max();
    g.async.queue_max = parts[0]->async.queue.max();
  }
  return g;
}

// An alias's share of its versions' bills: each line in proportion to the usage it drove.
CostBreakdown share_of(const CostBreakdown& c, const FunctionUsage& whole, const FunctionUsage& part) {
  auto frac = [](std::uint64_t p, std::uint64_t w) {
    return w == 0 ? 0.0 : static_cast<double>(p) / static_cast<double>(w);
  };
  CostBreakdown out;
  out.requests = c.requests * frac(part.requests, whole.requests);
  out.duration = c.duration * frac(part.duration_mb_ms, whole.duration_mb_ms);
  out.init = c.init * frac(part.init_mb_ms, whole.init_mb_ms);
  out.ephemeral_storage = c.ephemeral_storage * frac(part.ephemeral_mb_ms, whole.ephemeral_mb_ms);
  out.restore = c.restore * frac(part.restore_mb_ms, whole.restore_mb_ms);
  out.snapstart_restore = c.snapstart_restore * frac(part.restores, whole.restores);
  out.provisioned_duration =
      c.provisioned_duration * frac(part.pc_duration_mb_ms, whole.pc_duration_mb_ms);
  // Capacity is the version's; an alias carries it in proportion to the requests it sends.
  out.provisioned_capacity = c.provisioned_capacity * frac(part.requests, whole.requests);
  return out;
}

}  // namespace

Summary simulate(const ScenarioSpec& spec, const Registries& registries, const PriceTable& prices,
                 const RunOptions& options) {
  const Date billing_date =
      spec.pricing.date.value_or(parse_date(prices.effective_date()).value_or(Date{2026, 1, 1}));
  Platform platform(spec, registries, options.seed, options.replication, billing_date);
  if (options.progress) platform.set_progress(options.progress);
  platform.set_observer(options.observer);
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

  // Every version of every function is billed on its own (each has its memory and
  // architecture); tiers and the free tier apply to them all together.
  std::vector<FunctionUsage> usage;
  std::vector<const FunctionCollector*> everything;
  for (std::size_t i = 0; i < platform.function_count(); ++i)
    for (std::size_t v = 0; v < spec.functions[i].versions.size(); ++v) {
      usage.push_back(platform.version_stats(i, v).usage);
      everything.push_back(&platform.version_stats(i, v));
    }
  const CostResult cost = compute_costs(
      usage, prices, spec.pricing.region,
      CostOptions{.window_seconds = s.measured_seconds, .free_tier = spec.pricing.free_tier});

  std::size_t unit = 0;
  for (std::size_t i = 0; i < platform.function_count(); ++i) {
    const FunctionSpec& fs = spec.functions[i];
    std::vector<const FunctionCollector*> parts;
    const std::size_t first_unit = unit;
    for (std::size_t v = 0; v < fs.versions.size(); ++v) parts.push_back(&platform.version_stats(i, v));
    GroupSummary g = group_from(parts);
    g.concurrency_max = platform.function_peak_concurrency(i);
    g.environments_peak = platform.function_peak_live(i);
    g.async.queue_max = platform.function_peak_queue(i);
    for (std::size_t v = 0; v < fs.versions.size(); ++v, ++unit) {
      g.cost += cost.per_function[unit];
      g.cost_monthly += cost.per_function_monthly[unit];
      if (!fs.declares_versions) continue;
      GroupSummary vg = group_from({parts[v]});
      vg.cost = cost.per_function[unit];
      vg.cost_monthly = cost.per_function_monthly[unit];
      g.versions.push_back({fs.versions[v].name, std::move(vg)});
    }
    for (std::size_t a = 0; a < fs.aliases.size(); ++a) {
      GroupSummary ag = group_from({&platform.alias_stats(i, a)});
      const auto& routes = fs.aliases[a].routes;
      const auto& alias_usage = platform.alias_usage(i, a);
      for (std::size_t k = 0; k < routes.size() && k < alias_usage.size(); ++k) {
        const std::size_t u = first_unit + routes[k].first;
        ag.cost += share_of(cost.per_function[u], usage[u], alias_usage[k]);
        ag.cost_monthly += share_of(cost.per_function_monthly[u], usage[u], alias_usage[k]);
      }
      g.aliases.push_back({fs.aliases[a].name, std::move(ag)});
    }
    // PC pays off above this utilisation: capacity price / (on-demand − PC duration price).
    auto break_even = [&](Architecture arch) {
      const Prices* p = prices.find(spec.pricing.region, arch);
      if (p == nullptr || p->duration_tiers.empty()) return 0.0;
      const double saving = p->duration_tiers.front().price_per_gb_second - p->provisioned_duration;
      return saving > 0 ? p->provisioned_capacity / saving : 0.0;
    };
    g.provisioned.break_even_utilization = break_even(fs.versions.front().architecture);
    for (std::size_t v = 0; v < g.versions.size(); ++v)
      g.versions[v].group.provisioned.break_even_utilization =
          break_even(fs.versions[v].architecture);
    s.functions.emplace_back(fs.name, std::move(g));
  }
  if (platform.tracks_sources()) {
    static const char* kTypes[] = {"direct", "function_url", "api_gateway", "s3",
                                   "sns",    "eventbridge",  "schedule",    "sqs",
                                   "kinesis", "dynamodb_stream"};
    for (std::size_t w = 0; w < spec.workloads.size(); ++w) {
      const WorkloadSpec& ws = spec.workloads[w];
      SourceSummary src;
      src.name = ws.name;
      src.target = ws.target;
      src.type = kTypes[static_cast<int>(ws.source.kind)];
      src.warmer = ws.warmer;
      src.gateway_timeouts = platform.source_gateway_timeouts(w);
      if (const MappingCollector* mc = platform.mapping_stats(w)) {
        MappingSummary ms;
        ms.stream = ws.source.is_stream();
        ms.arrived = mc->arrived;
        ms.processed = mc->processed;
        ms.dead_lettered = mc->dead_lettered;
        ms.expired = mc->expired;
        ms.in_flight = mc->in_flight;
        ms.batches = mc->batches;
        ms.failed_batches = mc->failed_batches;
        ms.batch_size_mean = mc->batches == 0 ? 0.0
                                              : static_cast<double>(mc->batch_records) /
                                                    static_cast<double>(mc->batches);
        ms.max_backlog = mc->backlog.max();
        ms.backlog_mean = mc->backlog.mean();
        ms.pollers_max = mc->pollers_max;
        ms.record_age = summarize_latency(mc->record_age, mc->record_age_ms);
        ms.iterator_age = summarize_latency(mc->iterator_age, mc->iterator_age_ms);
        ms.series_interval_s = static_cast<double>(mc->series_interval_us) * 1e-6;
        ms.series_backlog = mc->series_backlog;
        for (const std::int64_t a : mc->series_age_us)
          ms.series_age_ms.push_back(static_cast<double>(a) * 1e-3);
        src.mapping = std::move(ms);
      }
      src.group = group_from({&platform.source_stats(w)});
      const auto units = platform.source_units(w);
      const auto& part = platform.source_usage(w);
      for (std::size_t k = 0; k < units.size() && k < part.size(); ++k) {
        src.group.cost += share_of(cost.per_function[units[k]], usage[units[k]], part[k]);
        src.group.cost_monthly +=
            share_of(cost.per_function_monthly[units[k]], usage[units[k]], part[k]);
      }
      s.sources.push_back(std::move(src));
    }
  }
  s.total = group_from(everything);
  s.total.concurrency_max = platform.peak_concurrency();
  s.total.environments_peak = platform.peak_live();
  s.total.async.queue_max = platform.peak_queue();
  s.total.cost = cost.total;
  s.total.cost_monthly = cost.total_monthly;
  for (const auto& [name, g] : s.functions)
    if (g.provisioned.enabled && s.total.provisioned.break_even_utilization == 0)
      s.total.provisioned.break_even_utilization = g.provisioned.break_even_utilization;
  return s;
}

}  // namespace lsim
