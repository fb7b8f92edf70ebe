// Tests for the billing arithmetic: AWS's 1-ms rounding of INIT + execution, hand-computed bills to
// the cent with the shipped us-east-1 prices, tiers, ephemeral storage, free tier and window
// scaling.
#include "sim/stats/cost.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/core/check.hpp"
#include "sim/core/diagnostics.hpp"

#ifndef LSIM_SOURCE_DIR
#define LSIM_SOURCE_DIR "."
#endif

namespace {

using lsim::Architecture;
using lsim::CostOptions;
using lsim::FunctionUsage;

constexpr double kMonth = 730.0 * 3600.0;

const lsim::PriceTable& shipped_table() {
  static const lsim::PriceTable table = [] {
    const std::string path =
        std::string(LSIM_SOURCE_DIR) + "/models/pricing/aws_lambda_prices.yaml";
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return lsim::PriceTable::parse(s.str(), path);
  }();
  return table;
}

/// Usage of `gb_seconds` of on-demand duration (GB-s must be a multiple of 1/1,024,000).
FunctionUsage usage_gbs(Architecture arch, double gb_seconds, std::uint64_t requests = 0) {
  FunctionUsage u;
  u.arch = arch;
  u.memory_mb = 1024;
  u.requests = requests;
  u.duration_mb_ms = static_cast<std::uint64_t>(gb_seconds * 1024.0 * 1000.0);
  return u;
}

/// `n` invocations of `ms` milliseconds each at `memory_mb`.
FunctionUsage usage_of(Architecture arch, int memory_mb, std::uint64_t n, std::uint64_t ms) {
  FunctionUsage u;
  u.arch = arch;
  u.memory_mb = memory_mb;
  u.requests = n;
  u.duration_mb_ms = n * ms * static_cast<std::uint64_t>(memory_mb);
  return u;
}

CostOptions window(double seconds, bool free_tier = false) {
  CostOptions o;
  o.window_seconds = seconds;
  o.free_tier = free_tier;
  return o;
}

long long cents(double usd) { return std::llround(usd * 100.0); }

}  // namespace

TEST_CASE("bill_invocation rounds up to whole milliseconds, INIT and execution summed first",
          "[cost]") {
  CHECK(lsim::bill_invocation(0, 0, false).billed_ms == 0);
  CHECK(lsim::bill_invocation(1, 0, false).billed_ms == 1);
  CHECK(lsim::bill_invocation(1000, 0, false).billed_ms == 1);
  CHECK(lsim::bill_invocation(1001, 0, false).billed_ms == 2);
  CHECK(lsim::bill_invocation(1001, 0, false).init_billed_ms == 0);

  // exec 1.2 ms + init 30.45 ms = 31.65 ms -> 32 ms billed, of which 32 - ceil(1.2) = 30 ms is
  // INIT.
  const auto b = lsim::bill_invocation(1200, 30450, true);
  CHECK(b.billed_ms == 32);
  CHECK(b.init_billed_ms == 30);

  // INIT not billed: only the execution counts.
  const auto free_init = lsim::bill_invocation(1200, 30450, false);
  CHECK(free_init.billed_ms == 2);
  CHECK(free_init.init_billed_ms == 0);

  CHECK_THROWS_AS(lsim::bill_invocation(-1, 0, false), lsim::InternalError);
  CHECK_THROWS_AS(lsim::bill_invocation(0, -1, true), lsim::InternalError);
}

TEST_CASE("add_invocation accumulates requests, duration, billed INIT and ephemeral storage",
          "[cost]") {
  FunctionUsage u;
  u.memory_mb = 1024;
  u.ephemeral_mb = 2048;
  lsim::add_invocation(u, 1200, 30450, true);  // 32 ms billed: 2 execution + 30 INIT
  lsim::add_invocation(u, 999, 50000, false);  // 1 ms billed, INIT free
  CHECK(u.requests == 2);
  CHECK(u.duration_mb_ms == (2 + 1) * 1024);
  CHECK(u.init_mb_ms == 30 * 1024);
  CHECK(u.ephemeral_mb_ms == (32 + 1) * (2048 - 512));

  FunctionUsage small;
  small.memory_mb = 128;  // ephemeral_mb stays at the 512 MB default: no storage charge
  lsim::add_invocation(small, 5000, 0, true);
  CHECK(small.ephemeral_mb_ms == 0);

  FunctionUsage unset;
  CHECK_THROWS_AS(lsim::add_invocation(unset, 1, 0, false), lsim::InternalError);
}

TEST_CASE(
    "3,000,000 one-second invocations at 512 MB cost $25.60005 on x86_64 and $20.6001 on arm64",
    "[cost]") {
  FunctionUsage x86;
  x86.arch = Architecture::X86_64;
  x86.memory_mb = 512;
  for (int i = 0; i < 3'000'000; ++i) lsim::add_invocation(x86, 1'000'000, 0, false);
  CHECK(x86.duration_mb_ms == 3'000'000ULL * 1000 * 512);

  const FunctionUsage arm = usage_of(Architecture::Arm64, 512, 3'000'000, 1000);

  // A 730-hour window: the window and the month are the same.
  const auto r = lsim::compute_costs({x86, arm}, shipped_table(), "us-east-1", window(kMonth));
  REQUIRE(r.per_function.size() == 2);
  // 1,500,000 GB-s x $0.0000166667 = $25.00005; 3M x $0.0000002 = $0.60.
  CHECK(r.per_function[0].duration == Approx(25.00005).margin(1e-9));
  CHECK(r.per_function[0].requests == Approx(0.60).margin(1e-12));
  CHECK(r.per_function[0].total() == Approx(25.60005).margin(1e-9));
  CHECK(cents(r.per_function[0].total()) == 2560);
  // 1,500,000 GB-s x $0.0000133334 = $20.0001.
  CHECK(r.per_function[1].duration == Approx(20.0001).margin(1e-9));
  CHECK(r.per_function[1].total() == Approx(20.6001).margin(1e-9));
  CHECK(cents(r.per_function[1].total()) == 2060);
  CHECK(r.total.total() == Approx(25.60005 + 20.6001).margin(1e-9));
  CHECK(r.total_monthly.total() == Approx(r.total.total()).epsilon(1e-15));
  CHECK(r.per_function[0].init == 0);
  CHECK(r.per_function[0].ephemeral_storage == 0);
  CHECK(r.per_function[0].provisioned_capacity == 0);
  CHECK(r.per_function[0].provisioned_duration == 0);
}

TEST_CASE("Billed INIT is charged at the duration rate on its own line", "[cost]") {
  FunctionUsage u;
  u.memory_mb = 1024;
  lsim::add_invocation(u, 1200, 30450, true);  // 2 ms execution + 30 ms INIT at 1 GB
  const auto r = lsim::compute_costs({u}, shipped_table(), "us-east-1", window(kMonth));
  CHECK(r.per_function[0].duration == Approx(0.002 * 0.0000166667).epsilon(1e-12));
  CHECK(r.per_function[0].init == Approx(0.030 * 0.0000166667).epsilon(1e-12));
  CHECK(r.per_function[0].requests == Approx(0.0000002).epsilon(1e-12));
}

TEST_CASE("Duration crossing the x86_64 tier boundaries is priced band by band", "[cost]") {
  // 7 B GB-s in a 730-hour month: 6 B x 0.0000166667 + 1 B x 0.000015 = 100,000.2 + 15,000.
  auto r = lsim::compute_costs({usage_gbs(Architecture::X86_64, 7e9)}, shipped_table(), "us-east-1",
                               window(kMonth));
  CHECK(r.total.duration == Approx(115'000.2).margin(1e-6));
  CHECK(cents(r.total.duration) == 11'500'020);

  // 20 B GB-s: + 9 B x 0.000015 + 5 B x 0.0000133334 = 100,000.2 + 135,000 + 66,667.
  r = lsim::compute_costs({usage_gbs(Architecture::X86_64, 20e9)}, shipped_table(), "us-east-1",
                          window(kMonth));
  CHECK(r.total.duration == Approx(301'667.2).margin(1e-6));

  // Half the usage in half a month projects to the same 7 B GB-s month; the window pays half.
  r = lsim::compute_costs({usage_gbs(Architecture::X86_64, 3.5e9)}, shipped_table(), "us-east-1",
                          window(kMonth / 2));
  CHECK(r.total_monthly.duration == Approx(115'000.2).margin(1e-6));
  CHECK(r.total.duration == Approx(57'500.1).margin(1e-6));

  // arm64 boundary is 7.5 B: 7 B GB-s stays in tier 1.
  r = lsim::compute_costs({usage_gbs(Architecture::Arm64, 7e9)}, shipped_table(), "us-east-1",
                          window(kMonth));
  CHECK(r.total.duration == Approx(7e9 * 0.0000133334).margin(1e-6));
}

TEST_CASE("Tiers aggregate across the functions of one architecture but not across architectures",
          "[cost]") {
  // Two x86_64 functions of 4 B GB-s each: 8 B aggregate crosses 6 B.
  // 6 B x 0.0000166667 + 2 B x 0.000015 = 100,000.2 + 30,000 = 130,000.2, shared equally.
  auto r = lsim::compute_costs(
      {usage_gbs(Architecture::X86_64, 4e9), usage_gbs(Architecture::X86_64, 4e9)}, shipped_table(),
      "us-east-1", window(kMonth));
  CHECK(r.total.duration == Approx(130'000.2).margin(1e-6));
  CHECK(r.per_function[0].duration == Approx(65'000.1).margin(1e-6));
  CHECK(r.per_function[1].duration == Approx(65'000.1).margin(1e-6));

  // Unequal shares: 5 B and 3 B GB-s split the same total 5:3.
  r = lsim::compute_costs(
      {usage_gbs(Architecture::X86_64, 5e9), usage_gbs(Architecture::X86_64, 3e9)}, shipped_table(),
      "us-east-1", window(kMonth));
  CHECK(r.per_function[0].duration == Approx(130'000.2 * 5 / 8).margin(1e-6));
  CHECK(r.per_function[1].duration == Approx(130'000.2 * 3 / 8).margin(1e-6));

  // 4 B on x86_64 and 4 B on arm64: each architecture stays in its tier 1.
  r = lsim::compute_costs(
      {usage_gbs(Architecture::X86_64, 4e9), usage_gbs(Architecture::Arm64, 4e9)}, shipped_table(),
      "us-east-1", window(kMonth));
  CHECK(r.per_function[0].duration == Approx(66'666.8).margin(1e-6));
  CHECK(r.per_function[1].duration == Approx(53'333.6).margin(1e-6));
}

TEST_CASE("Ephemeral storage at 10,240 MB bills 9.5 GB above the free 512 MB", "[cost]") {
  FunctionUsage u;
  u.memory_mb = 128;
  u.ephemeral_mb = 10'240;
  for (int i = 0; i < 1000; ++i) lsim::add_invocation(u, 1'000'000, 0, false);  // 1,000 x 1 s
  CHECK(u.ephemeral_mb_ms == 1000ULL * 1000 * (10'240 - 512));
  const auto r = lsim::compute_costs({u}, shipped_table(), "us-east-1", window(kMonth));
  // (10,240 - 512) / 1,024 = 9.5 GB x 1,000 s x $0.0000000309 = $0.00029355.
  CHECK(r.per_function[0].ephemeral_storage == Approx(0.00029355).epsilon(1e-12));
  // 128 MB x 1,000 s = 125 GB-s x $0.0000166667.
  CHECK(r.per_function[0].duration == Approx(125 * 0.0000166667).epsilon(1e-12));
}

TEST_CASE(
    "The free tier deducts 1M requests and 400,000 GB-s a month, never for PC-enabled functions",
    "[cost]") {
  const FunctionUsage f = usage_of(Architecture::X86_64, 512, 3'000'000, 1000);  // 1.5 M GB-s

  // Alone: (3M - 1M) x $0.0000002 = $0.40; (1.5M - 0.4M) GB-s x $0.0000166667 = $18.33337.
  auto r = lsim::compute_costs({f}, shipped_table(), "us-east-1", window(kMonth, true));
  CHECK(r.per_function[0].requests == Approx(0.40).margin(1e-12));
  CHECK(r.per_function[0].duration == Approx(18.33337).margin(1e-9));
  CHECK(cents(r.total.total()) == 1873);

  // A PC-enabled function pays in full and takes nothing from the allowance.
  FunctionUsage pc = f;
  pc.provisioned_enabled = true;
  r = lsim::compute_costs({f, pc}, shipped_table(), "us-east-1", window(kMonth, true));
  CHECK(r.per_function[0].requests == Approx(0.40).margin(1e-12));
  CHECK(r.per_function[0].duration == Approx(18.33337).margin(1e-9));
  CHECK(r.per_function[1].requests == Approx(0.60).margin(1e-12));
  CHECK(r.per_function[1].duration == Approx(25.00005).margin(1e-9));

  // Two eligible functions, one per architecture, share one allowance in proportion to usage:
  // 6M requests -> 5M billed; 3M GB-s -> 2.6M billed, each function keeps 2.6/3 of its charge.
  const FunctionUsage arm = usage_of(Architecture::Arm64, 512, 3'000'000, 1000);
  r = lsim::compute_costs({f, arm}, shipped_table(), "us-east-1", window(kMonth, true));
  CHECK(r.total.requests == Approx(1.00).margin(1e-12));
  CHECK(r.per_function[0].duration == Approx(1.3e6 * 0.0000166667).margin(1e-9));
  CHECK(r.per_function[1].duration == Approx(1.3e6 * 0.0000133334).margin(1e-9));

  // Usage below the allowance is free; ephemeral storage is never covered.
  FunctionUsage small = usage_of(Architecture::X86_64, 512, 1000, 1000);
  small.ephemeral_mb = 1536;
  small.ephemeral_mb_ms = 1000ULL * 1000 * 1024;  // 1,000 s at 1 GB above 512 MB
  r = lsim::compute_costs({small}, shipped_table(), "us-east-1", window(kMonth, true));
  CHECK(r.total.requests == 0);
  CHECK(r.total.duration == 0);
  CHECK(r.total.ephemeral_storage == Approx(1000 * 0.0000000309).epsilon(1e-12));

  // Without the option nothing is deducted.
  r = lsim::compute_costs({f}, shipped_table(), "us-east-1", window(kMonth, false));
  CHECK(cents(r.total.total()) == 2560);
}

TEST_CASE("A window of half a month halves everything below tier 1 and projects the same month",
          "[cost]") {
  FunctionUsage full = usage_of(Architecture::X86_64, 512, 3'000'000, 1000);
  full.ephemeral_mb = 1536;
  full.ephemeral_mb_ms = 3'000'000ULL * 1000 * 1024;
  FunctionUsage half = usage_of(Architecture::X86_64, 512, 1'500'000, 1000);
  half.ephemeral_mb = 1536;
  half.ephemeral_mb_ms = 1'500'000ULL * 1000 * 1024;

  for (const bool free_tier : {false, true}) {
    const auto m =
        lsim::compute_costs({full}, shipped_table(), "us-east-1", window(kMonth, free_tier));
    const auto h =
        lsim::compute_costs({half}, shipped_table(), "us-east-1", window(kMonth / 2, free_tier));
    CHECK(h.total.requests == Approx(m.total.requests / 2).epsilon(1e-12));
    CHECK(h.total.duration == Approx(m.total.duration / 2).epsilon(1e-12));
    CHECK(h.total.ephemeral_storage == Approx(m.total.ephemeral_storage / 2).epsilon(1e-12));
    CHECK(h.total_monthly.total() == Approx(m.total_monthly.total()).epsilon(1e-12));
  }
  // The half-month window's own bill, by hand: 1.5M requests, 750,000 GB-s.
  const auto h = lsim::compute_costs({half}, shipped_table(), "us-east-1", window(kMonth / 2));
  CHECK(h.total.requests == Approx(0.30).margin(1e-12));
  CHECK(h.total.duration == Approx(12.500025).margin(1e-9));
  CHECK(h.total_monthly.duration == Approx(25.00005).margin(1e-9));
  // With the free tier the allowance is prorated: month 2M + 1.1M GB-s billed, the window half.
  const auto hf =
      lsim::compute_costs({half}, shipped_table(), "us-east-1", window(kMonth / 2, true));
  CHECK(hf.total.requests == Approx(0.20).margin(1e-12));
  CHECK(hf.total.duration == Approx(1.1e6 * 0.0000166667 / 2).margin(1e-9));
}

TEST_CASE("An unknown region is an error that lists the known regions", "[cost]") {
  const FunctionUsage f = usage_of(Architecture::X86_64, 512, 1, 1);
  try {
    (void)lsim::compute_costs({f}, shipped_table(), "us-east-2", window(kMonth));
    FAIL("expected a ScenarioError");
  } catch (const lsim::ScenarioError& e) {
    const std::string msg = e.diagnostics().all().at(0).message;
    CHECK(msg.find("'us-east-2'") != std::string::npos);
    CHECK(msg.find("known regions: us-east-1") != std::string::npos);
    CHECK(msg.find("did you mean 'us-east-1'?") != std::string::npos);
  }
  // No usage: nothing to price, no error, an empty bill.
  const auto r = lsim::compute_costs({}, shipped_table(), "nowhere", window(kMonth));
  CHECK(r.per_function.empty());
  CHECK(r.total.total() == 0);
}

TEST_CASE("A missing architecture in a known region is an error", "[cost]") {
  const std::string text =
      "effective_date: 2025-10-28\n"
      "free_tier: {requests: 1000000, gb_seconds: 400000}\n"
      "regions:\n"
      "  us-east-1:\n"
      "    x86_64: {request: 0.0000002, duration_tiers: [{up_to_gb_seconds: null, "
      "price_per_gb_second: 0.0000166667}], provisioned_capacity: 0, provisioned_duration: 0, "
      "ephemeral_storage: 0, snapstart_cache: 0, snapstart_restore: 0}\n";
  const auto table = lsim::PriceTable::parse(text, "x86only.yaml");
  const FunctionUsage arm = usage_of(Architecture::Arm64, 512, 1, 1);
  CHECK_THROWS_WITH(lsim::compute_costs({arm}, table, "us-east-1", window(kMonth)),
                    Catch::Contains("no arm64 prices for region 'us-east-1'"));
  // A single unbounded tier works: 1 GB-s.
  const auto r =
      lsim::compute_costs({usage_gbs(Architecture::X86_64, 1)}, table, "us-east-1", window(kMonth));
  CHECK(r.total.duration == Approx(0.0000166667).epsilon(1e-12));
}

TEST_CASE("The cost window must be positive", "[cost]") {
  const FunctionUsage f = usage_of(Architecture::X86_64, 512, 1, 1);
  CHECK_THROWS_AS(lsim::compute_costs({f}, shipped_table(), "us-east-1", window(0)),
                  lsim::InternalError);
  CHECK_THROWS_AS(lsim::compute_costs({f}, shipped_table(), "us-east-1", CostOptions{}),
                  lsim::InternalError);
}
