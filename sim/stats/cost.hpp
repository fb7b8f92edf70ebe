// The AWS Lambda bill as a pure function of usage: per-invocation rounding (bill_invocation), usage
// accumulation (add_invocation) and the priced bill per function, for the simulated window and
// projected to a month (compute_costs). Rules and prices: lambda-facts.md section 1 (AWS Lambda
// pricing page https://aws.amazon.com/lambda/pricing/; AWS blog "Introducing tiered pricing for
// AWS Lambda").
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/stats/pricing.hpp"

namespace lsim {

/// The billing month: 730 hours, the month of the AWS Pricing Calculator (8,760 h / 12). Monthly
/// allowances (free tier) and tier boundaries are applied to usage projected to this month.
inline constexpr double kBillingMonthSeconds = 730.0 * 3600.0;

/// Memory in AWS billing is binary: 1 GB = 1024 MB (AWS Lambda pricing page examples), so
/// GB-s = MB-ms / 1024 / 1000.
inline constexpr double kMbMsPerGbSecond = 1024.0 * 1000.0;

/// One function's (one version's) billable usage over the simulated window. Integer MB-ms so sums
/// over billions of invocations stay exact.
struct FunctionUsage {
  Architecture arch = Architecture::X86_64;
  /// Configured memory; must be set (> 0) before add_invocation.
  int memory_mb = 0;
  /// Configured /tmp (AWS default 512 MB); only the part above 512 MB is billed.
  int ephemeral_mb = 512;
  /// Provisioned concurrency configured: the function gets no free tier.
  bool provisioned_enabled = false;
  /// Billed requests (throttled requests are not billed).
  std::uint64_t requests = 0;
  /// Σ ceil_ms(execution) × memory_mb, on-demand.
  std::uint64_t duration_mb_ms = 0;
  /// Σ (ceil_ms(execution + init) − ceil_ms(execution)) × memory_mb over invocations whose INIT is
  /// billed (init_is_billed): AWS rounds the SUM of INIT and execution up, not each part.
  std::uint64_t init_mb_ms = 0;
  /// Σ billed_ms × (ephemeral_mb − 512) when ephemeral_mb > 512 (billed_ms includes billed INIT).
  std::uint64_t ephemeral_mb_ms = 0;
  /// Provisioned concurrency: Σ ceil_ms(execution) × memory_mb of executions on provisioned
  /// environments (PC duration price, not tiered).
  std::uint64_t pc_duration_mb_ms = 0;
  /// Provisioned concurrency capacity: Σ over configuration periods of configured concurrency ×
  /// memory_mb × the period rounded up to 5 minutes (pricing page).
  std::uint64_t pc_capacity_mb_ms = 0;
  /// SnapStart: Σ ceil_ms(billed restore) × memory_mb — "Billed Restore Duration", charged as
  /// duration (Lambda docs "Monitoring for Lambda SnapStart"; lambda-facts §1).
  std::uint64_t restore_mb_ms = 0;
  /// SnapStart restores (each restores the whole snapshot).
  std::uint64_t restores = 0;
  /// Snapshot size in MB when the runtime pays SnapStart cache and restore charges (Python,
  /// .NET; Java does not): memory + ephemeral storage (lambda-facts §1). 0: no such charges.
  int snapshot_mb = 0;
};

/// One invocation's billed milliseconds.
struct BilledInvocation {
  std::int64_t billed_ms = 0;       ///< ceil_ms(execution [+ init if billed]); what REPORT shows
  std::int64_t init_billed_ms = 0;  ///< billed_ms − ceil_ms(execution): the part due to INIT
};

/// Rounds one invocation the way AWS does: duration is rounded up to the nearest 1 ms (since
/// December 2020; pricing page), and when INIT is billed it is added to the execution BEFORE
/// rounding. billed_ms = ceil_ms(execution_us + (init_billed ? init_us : 0)),
/// init_billed_ms = billed_ms − ceil_ms(execution_us). Throws InternalError on negative inputs.
BilledInvocation bill_invocation(std::int64_t execution_us, std::int64_t init_us, bool init_billed);

/// Adds one billed request with its rounded duration, billed INIT and ephemeral storage to `usage`
/// (using usage.memory_mb and usage.ephemeral_mb). Throws InternalError on negative inputs, a
/// non-positive memory size or counter overflow.
void add_invocation(FunctionUsage& usage, std::int64_t execution_us, std::int64_t init_us,
                    bool init_billed);

/// Adds one request executed on a provisioned environment: billed at the PC duration price.
void add_provisioned_invocation(FunctionUsage& usage, std::int64_t execution_us);

/// Adds the INIT of a provisioned environment (billed even if it never serves a request),
/// rounded up to the millisecond, to the INIT usage.
void add_provisioned_init(FunctionUsage& usage, std::int64_t init_us);

/// Adds one configuration period of provisioned concurrency: `concurrency` environments for
/// `period_us`, rounded up to 5 minutes.
void add_provisioned_period(FunctionUsage& usage, std::int64_t concurrency, std::int64_t period_us);

/// Adds one SnapStart restore: its Billed Restore Duration, rounded up to the millisecond on its
/// own (REPORT shows it as a separate field), and one restore of the snapshot.
void add_restore(FunctionUsage& usage, std::int64_t billed_restore_us);

struct CostOptions {
  /// Length of the measured simulated window, seconds; must be set (> 0, finite). Usage is
  /// projected to a month by × kBillingMonthSeconds / window_seconds.
  double window_seconds = 0;
  /// Apply the monthly free tier (1M requests, 400,000 GB-s, per the table) — off by default
  /// because most real accounts have used it up.
  bool free_tier = false;
};

/// USD per line item.
struct CostBreakdown {
  double requests = 0;
  double duration = 0;  ///< on-demand execution duration (tiered)
  double init = 0;      ///< billed INIT duration (same tiered rate as duration)
  double ephemeral_storage = 0;
  double restore = 0;            ///< SnapStart Billed Restore Duration (same tiered rate)
  double snapstart_cache = 0;    ///< snapshot GB × seconds × cache price (Python, .NET)
  double snapstart_restore = 0;  ///< snapshot GB × restores × restore price (Python, .NET)
  double provisioned_capacity = 0;  ///< configured PC × GB × seconds (rounded up to 5 min)
  double provisioned_duration = 0;  ///< executions on provisioned environments
  /// Sum of all lines.
  [[nodiscard]] double total() const;
  CostBreakdown& operator+=(const CostBreakdown& other);
};

struct CostResult {
  std::vector<CostBreakdown> per_function;          ///< the window, same order as the usage
  CostBreakdown total;                              ///< the window, sum over functions
  std::vector<CostBreakdown> per_function_monthly;  ///< projected to a 730-hour month
  CostBreakdown total_monthly;
};

/// Prices `usage` with the prices of `region` (each function at its architecture's prices).
///
/// Rules (lambda-facts.md section 1 and the AWS Lambda pricing page unless noted):
/// - Requests: count × request price.
/// - Duration: GB-s = MB-ms / 1024 / 1000. Billed INIT GB-s count toward the same tiers and are
///   charged at the same rate as execution; the tiered charge is split into the duration and init
///   lines in proportion to their GB-s.
/// - Tiers apply to the aggregate MONTHLY on-demand GB-s per architecture (per region, per
///   account) across all functions, not per function. Usage is projected to a 730-hour month
///   (× 730 h / window); the tiered monthly charge of the aggregate is allocated to functions in
///   proportion to their GB-s; the window's charge is monthly × window / 730 h, which below the
///   first boundary is exactly GB-s × tier-1 price. PC capacity and PC duration are not tiered.
/// - Ephemeral storage: (ephemeral_mb − 512) / 1024 GB × billed seconds × price; not tiered, no
///   free tier.
/// - Free tier (only if options.free_tier): table.free_tier() requests and GB-s per month, shared
///   by all functions of both architectures, never for provisioned_enabled functions. It is
///   deducted from the monthly projection: the eligible functions' monthly request (duration and
///   init) charges are reduced by the fraction min(1, allowance / eligible monthly total) — i.e.
///   the free amount is allocated in proportion to usage and valued at each function's own rate.
///   How AWS values free GB-s when tiers are crossed is undocumented [unverified]; this choice
///   never makes a line negative and differs from "free GB-s at tier-1 price" by at most 400,000 ×
///   (tier-1 − tier-3 price) per month. Window figures are monthly × window / 730 h.
/// - SnapStart: Billed Restore Duration is priced and tiered like INIT (restore line). Runtimes
///   that pay SnapStart charges (snapshot_mb > 0) add the cache, snapshot GB × window seconds ×
///   cache price (the version is taken as active for the whole window; AWS's 3-hour minimum per
///   cached version [unverified] is not applied), and the restores, snapshot GB × restores ×
///   restore price. Neither is tiered nor covered by the free tier.
/// - Provisioned concurrency: capacity = pc_capacity GB-s × the PC capacity price; executions on
///   provisioned environments = pc_duration GB-s × the PC duration price. Neither is tiered;
///   a function with provisioned_enabled gets no free tier.
///
/// Throws ScenarioError (listing the known regions) if `region` has no prices for an architecture
/// used by `usage`; InternalError if options.window_seconds is not a positive finite number.
CostResult compute_costs(const std::vector<FunctionUsage>& usage, const PriceTable& table,
                         std::string_view region, const CostOptions& options);

}  // namespace lsim
