// Billing arithmetic: AWS's rounding per invocation and the priced bill (window and 730-hour
// month). Rules and sources are documented on the declarations in cost.hpp (lambda-facts.md §1).
#include "sim/stats/cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "sim/core/check.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/core/time.hpp"

namespace lsim {

BilledInvocation bill_invocation(std::int64_t execution_us, std::int64_t init_us,
                                 bool init_billed) {
  LSIM_CHECK(execution_us >= 0 && init_us >= 0, "negative duration (execution {} us, init {} us)",
             execution_us, init_us);
  const std::int64_t exec_ms = ceil_ms(Duration{execution_us});
  const std::int64_t billed_ms = ceil_ms(Duration{execution_us + (init_billed ? init_us : 0)});
  return BilledInvocation{billed_ms, billed_ms - exec_ms};
}

namespace {

/// a += b × c, with an InternalError instead of silent wrap-around.
void accumulate(std::uint64_t& a, std::uint64_t b, std::uint64_t c, const char* what) {
  std::uint64_t product = 0;
  const bool overflow =
      __builtin_mul_overflow(b, c, &product) || __builtin_add_overflow(a, product, &a);
  LSIM_CHECK(!overflow, "{} overflows 64 bits", what);
}

}  // namespace

void add_invocation(FunctionUsage& usage, std::int64_t execution_us, std::int64_t init_us,
                    bool init_billed) {
  LSIM_CHECK(usage.memory_mb > 0, "memory_mb is {}", usage.memory_mb);
  const BilledInvocation b = bill_invocation(execution_us, init_us, init_billed);
  const auto memory = static_cast<std::uint64_t>(usage.memory_mb);
  accumulate(usage.requests, 1, 1, "requests");
  accumulate(usage.duration_mb_ms, static_cast<std::uint64_t>(b.billed_ms - b.init_billed_ms),
             memory, "duration_mb_ms");
  accumulate(usage.init_mb_ms, static_cast<std::uint64_t>(b.init_billed_ms), memory, "init_mb_ms");
  if (usage.ephemeral_mb > 512) {
    accumulate(usage.ephemeral_mb_ms, static_cast<std::uint64_t>(b.billed_ms),
               static_cast<std::uint64_t>(usage.ephemeral_mb - 512), "ephemeral_mb_ms");
  }
}

void add_restore(FunctionUsage& usage, std::int64_t billed_restore_us) {
  LSIM_CHECK(usage.memory_mb > 0, "memory_mb is {}", usage.memory_mb);
  LSIM_CHECK(billed_restore_us >= 0, "negative restore duration {} us", billed_restore_us);
  const std::int64_t ms = ceil_ms(Duration{billed_restore_us});
  accumulate(usage.restore_mb_ms, static_cast<std::uint64_t>(ms),
             static_cast<std::uint64_t>(usage.memory_mb), "restore_mb_ms");
  accumulate(usage.restores, 1, 1, "restores");
}

void add_provisioned_invocation(FunctionUsage& usage, std::int64_t execution_us) {
  LSIM_CHECK(usage.memory_mb > 0, "memory_mb is {}", usage.memory_mb);
  LSIM_CHECK(execution_us >= 0, "negative execution time {} us", execution_us);
  const std::int64_t ms = ceil_ms(Duration{execution_us});
  const auto memory = static_cast<std::uint64_t>(usage.memory_mb);
  accumulate(usage.requests, 1, 1, "requests");
  accumulate(usage.pc_duration_mb_ms, static_cast<std::uint64_t>(ms), memory, "pc_duration_mb_ms");
  if (usage.ephemeral_mb > 512)
    accumulate(usage.ephemeral_mb_ms, static_cast<std::uint64_t>(ms),
               static_cast<std::uint64_t>(usage.ephemeral_mb - 512), "ephemeral_mb_ms");
}

void add_provisioned_init(FunctionUsage& usage, std::int64_t init_us) {
  LSIM_CHECK(usage.memory_mb > 0 && init_us >= 0, "bad provisioned INIT {} us", init_us);
  accumulate(usage.init_mb_ms, static_cast<std::uint64_t>(ceil_ms(Duration{init_us})),
             static_cast<std::uint64_t>(usage.memory_mb), "init_mb_ms");
}

void add_provisioned_period(FunctionUsage& usage, std::int64_t concurrency, std::int64_t period_us) {
  LSIM_CHECK(concurrency >= 0 && period_us >= 0, "bad PC period {} x {} us", concurrency, period_us);
  if (concurrency == 0 || period_us == 0) return;
  constexpr std::int64_t kFiveMinutesMs = 5 * 60 * 1000;
  const std::int64_t ms = (ceil_ms(Duration{period_us}) + kFiveMinutesMs - 1) / kFiveMinutesMs *
                          kFiveMinutesMs;
  accumulate(usage.pc_capacity_mb_ms,
             static_cast<std::uint64_t>(ms) * static_cast<std::uint64_t>(concurrency),
             static_cast<std::uint64_t>(usage.memory_mb), "pc_capacity_mb_ms");
}

double CostBreakdown::total() const {
  return requests + duration + init + ephemeral_storage + restore + snapstart_cache +
         snapstart_restore + provisioned_capacity + provisioned_duration;
}

CostBreakdown& CostBreakdown::operator+=(const CostBreakdown& other) {
  requests += other.requests;
  duration += other.duration;
  init += other.init;
  ephemeral_storage += other.ephemeral_storage;
  restore += other.restore;
  snapstart_cache += other.snapstart_cache;
  snapstart_restore += other.snapstart_restore;
  provisioned_capacity += other.provisioned_capacity;
  provisioned_duration += other.provisioned_duration;
  return *this;
}

namespace {

constexpr std::size_t index_of(Architecture a) { return a == Architecture::X86_64 ? 0 : 1; }

double gb_seconds(std::uint64_t mb_ms) { return static_cast<double>(mb_ms) / kMbMsPerGbSecond; }

/// The tiered charge for `gbs` GB-s when every tier bound is multiplied by `bound_scale`. Pricing
/// the window's usage against bounds scaled by window / month equals pricing the monthly projection
/// against the real bounds and scaling the charge back by window / month, without the round trip
/// (so below the first bound the result is exactly gbs × tier-1 price).
double tiered_charge(const std::vector<DurationTier>& tiers, double gbs, double bound_scale) {
  double charge = 0;
  double lower = 0;
  for (const DurationTier& t : tiers) {
    if (gbs <= lower) break;
    const double upper = t.up_to_gb_seconds * bound_scale;  // +inf stays +inf
    charge += (std::min(gbs, upper) - lower) * t.price_per_gb_second;
    lower = upper;
  }
  return charge;
}

/// Fraction of an eligible charge left after a monthly allowance: 1 − min(1, allowance / used).
double remaining_after_allowance(double allowance, double used_monthly) {
  if (used_monthly <= 0) return 1.0;
  if (allowance >= used_monthly) return 0.0;
  return 1.0 - allowance / used_monthly;
}

[[noreturn]] void throw_missing_prices(const PriceTable& table, std::string_view region,
                                       Architecture arch) {
  const std::vector<std::string> known = table.regions();
  std::string list;
  for (const auto& r : known) list += (list.empty() ? "" : ", ") + r;
  const bool has_region = std::find(known.begin(), known.end(), region) != known.end();
  std::string message;
  if (has_region) {
    message = fmt::format("the price table {} has no {} prices for region '{}'", table.origin(),
                          to_string(arch), region);
  } else {
    const std::string hint = closest_match(std::string(region), known);
    message = fmt::format("no prices for region '{}' in the price table {}{} (known regions: {})",
                          region, table.origin(),
                          hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint), list);
  }
  throw ScenarioError(SourceLoc{}, "region", std::move(message));
}

}  // namespace

CostResult compute_costs(const std::vector<FunctionUsage>& usage, const PriceTable& table,
                         std::string_view region, const CostOptions& options) {
  LSIM_CHECK(std::isfinite(options.window_seconds) && options.window_seconds > 0,
             "cost window must be positive, got {} s", options.window_seconds);
  // window -> month (to_month) and month -> window (to_window).
  const double to_month = kBillingMonthSeconds / options.window_seconds;
  const double to_window = options.window_seconds / kBillingMonthSeconds;

  std::array<const Prices*, 2> prices{nullptr, nullptr};
  for (const FunctionUsage& u : usage) {
    const std::size_t a = index_of(u.arch);
    if (prices[a] == nullptr) {
      prices[a] = table.find(region, u.arch);
      if (prices[a] == nullptr) throw_missing_prices(table, region, u.arch);
      LSIM_CHECK(!prices[a]->duration_tiers.empty(), "validated table without duration tiers");
    }
  }

  // Aggregate on-demand GB-s (execution + billed INIT) per architecture over the window.
  std::array<double, 2> aggregate_gbs{0, 0};
  for (const FunctionUsage& u : usage)
    aggregate_gbs[index_of(u.arch)] +=
        gb_seconds(u.duration_mb_ms) + gb_seconds(u.init_mb_ms) + gb_seconds(u.restore_mb_ms);

  // Average tiered rate per architecture for this window's usage projected to a month.
  std::array<double, 2> rate{0, 0};
  for (std::size_t a = 0; a < 2; ++a) {
    if (prices[a] == nullptr) continue;
    const auto& tiers = prices[a]->duration_tiers;
    const double gbs = aggregate_gbs[a];
    if (gbs <= tiers.front().up_to_gb_seconds * to_window) {
      rate[a] = tiers.front().price_per_gb_second;  // exact below the first boundary
    } else {
      rate[a] = tiered_charge(tiers, gbs, to_window) / gbs;
    }
  }

  // Free tier: one allowance for the whole account (both architectures), not for PC functions.
  double keep_requests = 1.0;
  double keep_gbs = 1.0;
  if (options.free_tier) {
    double eligible_requests = 0;
    double eligible_gbs = 0;
    for (const FunctionUsage& u : usage) {
      if (u.provisioned_enabled) continue;
      eligible_requests += static_cast<double>(u.requests);
      eligible_gbs +=
          gb_seconds(u.duration_mb_ms) + gb_seconds(u.init_mb_ms) + gb_seconds(u.restore_mb_ms);
    }
    keep_requests =
        remaining_after_allowance(table.free_tier().requests, eligible_requests * to_month);
    keep_gbs = remaining_after_allowance(table.free_tier().gb_seconds, eligible_gbs * to_month);
  }

  CostResult result;
  result.per_function.reserve(usage.size());
  result.per_function_monthly.reserve(usage.size());
  for (const FunctionUsage& u : usage) {
    const std::size_t a = index_of(u.arch);
    const Prices& p = *prices[a];
    const bool eligible = options.free_tier && !u.provisioned_enabled;
    CostBreakdown w;
    w.requests = static_cast<double>(u.requests) * p.request;
    w.duration = gb_seconds(u.duration_mb_ms) * rate[a];
    w.init = gb_seconds(u.init_mb_ms) * rate[a];
    w.ephemeral_storage = gb_seconds(u.ephemeral_mb_ms) * p.ephemeral_storage;
    w.restore = gb_seconds(u.restore_mb_ms) * rate[a];
    w.provisioned_capacity = gb_seconds(u.pc_capacity_mb_ms) * p.provisioned_capacity;
    w.provisioned_duration = gb_seconds(u.pc_duration_mb_ms) * p.provisioned_duration;
    if (u.snapshot_mb > 0) {
      const double snapshot_gb = u.snapshot_mb / 1024.0;
      w.snapstart_cache = snapshot_gb * options.window_seconds * p.snapstart_cache;
      w.snapstart_restore = snapshot_gb * static_cast<double>(u.restores) * p.snapstart_restore;
    }
    if (eligible) {
      w.requests *= keep_requests;
      w.duration *= keep_gbs;
      w.init *= keep_gbs;
      w.restore *= keep_gbs;
    }
    CostBreakdown m;
    m.requests = w.requests * to_month;
    m.duration = w.duration * to_month;
    m.init = w.init * to_month;
    m.ephemeral_storage = w.ephemeral_storage * to_month;
    m.restore = w.restore * to_month;
    m.snapstart_cache = w.snapstart_cache * to_month;
    m.snapstart_restore = w.snapstart_restore * to_month;
    m.provisioned_capacity = w.provisioned_capacity * to_month;
    m.provisioned_duration = w.provisioned_duration * to_month;
    result.total += w;
    result.total_monthly += m;
    result.per_function.push_back(w);
    result.per_function_monthly.push_back(m);
  }
  return result;
}

}  // namespace lsim
