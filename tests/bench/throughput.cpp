// Throughput benchmark: simulated invocations per second of wall time for a single-function
// Poisson scenario, next to a minimal baseline loop (Poisson draw + binary heap + idle stack)
// measured in the same process, so the ratio means something on a noisy machine. Also reports
// peak resident memory, to show it does not grow with the number of invocations.
//
//   lsim_bench [--invocations N] [--rate R/s] [--skip-baseline]
#include <sys/resource.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <string>
#include <vector>

#include "models/builtin.hpp"
#include "sim/core/rng.hpp"
#include "sim/scenario/load.hpp"
#include "sim/simulation.hpp"

namespace lsim {
const char* builtin_price_table_yaml();
const char* builtin_price_table_origin();
}  // namespace lsim

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// The baseline: what any simulator of this model must at least do per invocation — draw an
// exponential gap, push and pop a completion in a binary heap, and push/pop an idle stack.
// Returns the number of cold starts so the work cannot be optimised away.
std::uint64_t baseline(std::uint64_t invocations, double rate, double service_s) {
  auto rng = lsim::RngStream::derive(1, 0, "baseline");
  std::priority_queue<double, std::vector<double>, std::greater<>> completions;
  std::vector<int> idle;
  idle.reserve(1024);
  std::uint64_t cold = 0;
  double t = 0;
  int next_env = 0;
  for (std::uint64_t i = 0; i < invocations; ++i) {
    t += rng.exponential(rate);
    while (!completions.empty() && completions.top() <= t) {
      completions.pop();
      idle.push_back(next_env);
    }
    if (idle.empty()) {
      ++cold;
      ++next_env;
    } else {
      idle.pop_back();
    }
    completions.push(t + service_s);
  }
  return cold;
}

}  // namespace

int main(int argc, char** argv) {
  double invocations = 1e7;
  double rate = 1000;
  bool skip_baseline = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--invocations") && i + 1 < argc) invocations = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--rate") && i + 1 < argc) rate = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--skip-baseline")) skip_baseline = true;
    else {
      fmt::print(stderr, "usage: lsim_bench [--invocations N] [--rate R] [--skip-baseline]\n");
      return 2;
    }
  }
  const double service_s = 0.05;
  const double horizon_s = invocations / rate;
  const std::string yaml = fmt::format(R"(name: bench
seed: 1
duration: {}s
functions:
  - name: f
    memory: 512MB
    timeout: 30s
    duration: {{ type: constant, value: 50ms }}
    cold_start: {{ type: constant, value: 200ms }}
    keep_alive: {{ type: fixed, idle: 10m, max_lifetime: 2h }}
workload:
  - function: f
    arrivals: {{ type: poisson, rate: {}/s }}
)",
                                       horizon_s, rate);
  lsim::Registries reg;
  lsim::register_builtin_models(reg);
  const auto spec = lsim::load_scenario_text(yaml, "bench.yaml", reg);
  const auto prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                             lsim::builtin_price_table_origin());

  double base_rate = 0;
  if (!skip_baseline) {
    const double t0 = now_s();
    const auto cold = baseline(static_cast<std::uint64_t>(invocations), rate, service_s);
    const double dt = now_s() - t0;
    base_rate = invocations / dt;
    fmt::print("baseline loop : {:>12.0f} invocations/s  ({:.2f} s, {} cold)\n", base_rate, dt, cold);
  }
  const double t0 = now_s();
  const lsim::Summary s = lsim::simulate(spec, reg, prices, {.seed = 1, .replication = 0, .progress = {}});
  const double dt = now_s() - t0;
  const double n = static_cast<double>(s.total.invocations.arrived);
  const double sim_rate = n / dt;
  fmt::print("lambdasim     : {:>12.0f} invocations/s  ({:.2f} s, {:.0f} invocations, {} events)\n",
             sim_rate, dt, n, s.events);
  if (!skip_baseline) fmt::print("ratio         : {:.2f} of the baseline's speed\n", sim_rate / base_rate);
  fmt::print("peak memory   : {:.1f} MiB (max resident set)\n",
             static_cast<double>(peak_rss_kb()) / 1024.0);
  return 0;
}
