// libFuzzer target for the scenario loader (and, for cheap scenarios, the simulator). Any input
// must either load, or be refused with a ScenarioError (bad input, exit code 2 in the CLI).
// Anything else is a bug and surfaces as a fuzzer crash: a crash or sanitizer report, an
// InternalError (a failed invariant), any other exception (std::bad_alloc, std::out_of_range...),
// a hang (-timeout) or excessive memory use (-rss_limit_mb).
//
// A scenario that loads is also simulated, but only when that is cheap, so the fuzzer keeps its
// speed: a longer run is cut to its first 10 simulated minutes (the warm-up halved to fit if
// needed), and it is simulated only with a few functions and workloads and at most 20,000
// arrivals in all (counted by a dry run of each arrival model). Scenarios that name their own
// price table (pricing.table) are loaded but not simulated: that would make the fuzzer read
// arbitrary files of the machine.
//
// Build and run: tests/fuzz/run_fuzz.sh SECONDS BUILD_DIR
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "models/builtin.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/core/rng.hpp"
#include "sim/scenario/load.hpp"
#include "sim/simulation.hpp"

namespace lsim {
const char* builtin_price_table_yaml();
const char* builtin_price_table_origin();
}  // namespace lsim

namespace {

constexpr auto kMaxSimulated = std::chrono::minutes(10);
constexpr std::int64_t kMaxArrivals = 20'000;
constexpr std::size_t kMaxFunctions = 20;
constexpr std::size_t kMaxWorkloads = 20;

const lsim::Registries& registries() {
  static const lsim::Registries r = [] {
    lsim::Registries out;
    lsim::register_builtin_models(out);
    return out;
  }();
  return r;
}

// Whether simulating `spec` is cheap enough to do on every fuzzer input. Arrivals before the
// horizon are counted by running each workload's arrival model (with a stream of its own, so the
// run's count differs by chance only), since a long-run mean rate can hide a burst at the start:
// on_off, mmpp and ramp may begin far above their mean.
bool cheap_to_simulate(const lsim::ScenarioSpec& spec) {
  if (!spec.pricing.table_path.empty()) return false;
  if (spec.functions.size() > kMaxFunctions || spec.workloads.size() > kMaxWorkloads) return false;
  const lsim::Time horizon = lsim::kTimeZero + spec.duration;
  std::int64_t arrivals = 0;
  for (const auto& w : spec.workloads) {
    lsim::Diagnostics diags;
    const auto model = registries().arrivals.make(w.arrivals.node, w.arrivals.path, diags,
                                                  lsim::RngStream::derive(0, 0, "fuzz"));
    if (model == nullptr) {  // the loader built it once already: refusing it now is a bug
      std::fprintf(stderr, "arrival model %s refused after the scenario loaded:\n%s",
                   w.arrivals.path.c_str(), diags.to_string().c_str());
      std::abort();
    }
    const double rate = model->mean_rate_per_s();
    if (!std::isfinite(rate) || rate < 0) return false;
    for (lsim::Time previous = lsim::kTimeZero; arrivals <= kMaxArrivals; ++arrivals) {
      const std::optional<lsim::Time> next = model->next(previous);
      if (!next || *next >= horizon) break;
      previous = *next;
    }
    if (arrivals > kMaxArrivals) return false;
  }
  return true;
}

}  // namespace

#ifdef LSIM_FUZZ_TRACE_PC_SHIM
// Coverage for a GCC build (run_fuzz.sh uses it when the library does not compile with clang).
// GCC's -fsanitize-coverage=trace-pc calls __sanitizer_cov_trace_pc() in every basic block, which
// libFuzzer no longer accepts; run_fuzz.sh weakens libFuzzer's definition and this one hashes the
// caller's address into 64 Ki 8-bit counters that libFuzzer reads as inline-8bit-counters (with a
// placeholder PC table of the same size). Coarser than clang's edge coverage, but it guides.
// This file is compiled without coverage, so the hook never calls itself.
extern "C" void __sanitizer_cov_8bit_counters_init(std::uint8_t* begin, std::uint8_t* end);
extern "C" void __sanitizer_cov_pcs_init(const std::uintptr_t* begin, const std::uintptr_t* end);

namespace {
constexpr std::size_t kCounters = std::size_t{1} << 16;
std::uint8_t g_counters[kCounters];
std::uintptr_t g_pcs[2 * kCounters];  // (pc, flags) pairs

__attribute__((constructor)) void register_shim_counters() {
  for (std::size_t i = 0; i < kCounters; ++i) g_pcs[2 * i] = i + 1;
  __sanitizer_cov_8bit_counters_init(g_counters, g_counters + kCounters);
  __sanitizer_cov_pcs_init(g_pcs, g_pcs + 2 * kCounters);
}
}  // namespace

extern "C" __attribute__((no_sanitize_address, no_sanitize_undefined)) void
__sanitizer_cov_trace_pc() {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ++g_counters[(pc ^ (pc >> 16)) & (kCounters - 1)];
}

// GCC's trace-cmp also reports floating-point comparisons, which libFuzzer does not take.
extern "C" void __sanitizer_cov_trace_cmpf(float, float) {}
extern "C" void __sanitizer_cov_trace_cmpd(double, double) {}
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  lsim::ScenarioSpec spec;
  try {
    lsim::Diagnostics warnings;
    spec = lsim::load_scenario_text(text, "fuzz.yaml", registries(), {}, &warnings);
  } catch (const lsim::ScenarioError&) {
    return 0;  // refused with located diagnostics: the expected outcome for most inputs
  }
  if (spec.duration > kMaxSimulated) {  // keep the validated invariant warmup < duration
    spec.duration = kMaxSimulated;
    if (spec.warmup >= spec.duration) spec.warmup = spec.duration / 2;
  }
  if (!cheap_to_simulate(spec)) return 0;
  lsim::RunOptions options;
  options.seed = spec.seed;
  try {
    const lsim::PriceTable prices = lsim::load_price_table(
        spec, lsim::builtin_price_table_yaml(), lsim::builtin_price_table_origin());
    (void)lsim::simulate(spec, registries(), prices, options);
  } catch (const lsim::ScenarioError&) {
    // E.g. a region without prices: bad input, reported by `run` and `validate` alike.
  }
  return 0;
}
