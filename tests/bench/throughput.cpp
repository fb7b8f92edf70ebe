// Throughput benchmark: simulated invocations per second of wall time for a single-function
// Poisson scenario, next to a minimal baseline loop (Poisson draw + binary heap + idle stack)
// measured in the same process, so the ratio means something on a noisy machine. Also reports
// peak resident memory, to show it does not grow with the number of invocations.
//
//   lsim_bench [--invocations N] [--rate R/s] [--skip-baseline]
//   lsim_bench --sweep-jobs J [--points P] [--invocations N] [--rate R/s]
// The second form measures the parallel efficiency of `lambdasim sweep --jobs J`: a sweep of P
// identical points (N invocations in all) with 1 worker, then with J, and their time ratio.
#include <sys/resource.h>
#include <unistd.h>

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
#include "sim/sweep/sweep.hpp"

#include <filesystem>
#include <fstream>

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
  unsigned sweep_jobs = 0;
  int points = 8;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--invocations") && i + 1 < argc) invocations = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--rate") && i + 1 < argc) rate = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--skip-baseline")) skip_baseline = true;
    else if (!std::strcmp(argv[i], "--sweep-jobs") && i + 1 < argc)
      sweep_jobs = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--points") && i + 1 < argc) points = std::atoi(argv[++i]);
    else {
      fmt::print(stderr, "usage: lsim_bench [--invocations N] [--rate R] [--skip-baseline]\n"
                         "       lsim_bench --sweep-jobs J [--points P] [--invocations N]\n");
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
  if (sweep_jobs > 0) {
    // P identical points: `seed=1,1,...` changes nothing, so every point is the same work.
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("lsim_bench_{}", ::getpid());
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "bench.yaml").string();
    std::ofstream(path) << fmt::format(R"(name: bench
seed: 1
duration: {}s
functions:
  - name: f
    memory: 512MB
    duration: {{ type: constant, value: 50ms }}
    cold_start: {{ type: constant, value: 200ms }}
workload:
  - function: f
    arrivals: {{ type: poisson, rate: {}/s }}
)",
                                       horizon_s / points, rate);
    std::string seeds = "seed=1";
    for (int p = 1; p < points; ++p) seeds += ",1";
    lsim::SweepRequest request;
    request.scenario_path = path;
    request.settings = {seeds};
    const auto sweep = lsim::prepare_sweep(request, reg, lsim::builtin_price_table_yaml(),
                                           lsim::builtin_price_table_origin());
    std::filesystem::remove_all(dir);
    // CPU seconds per wall second show how many cores the run really got: on a machine shared
    // with other work the speed-up cannot exceed that, whatever the code does.
    auto cpu_s = [] {
      rusage u{};
      getrusage(RUSAGE_SELF, &u);
      return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
             static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    struct Timing {
      double wall, cores;
    };
    auto timed = [&](unsigned jobs) {
      lsim::SweepRunOptions o;
      o.jobs = jobs;
      const double start = now_s(), cpu0 = cpu_s();
      (void)lsim::run_sweep(sweep, reg, o);
      const double wall = now_s() - start;
      return Timing{wall, (cpu_s() - cpu0) / wall};
    };
    const Timing t1 = timed(1), tj = timed(sweep_jobs);
    fmt::print("sweep of {} identical points, {:.0f} invocations in all\n", points, invocations);
    fmt::print("--jobs 1      : {:.2f} s  ({:.2f} cores busy)\n", t1.wall, t1.cores);
    fmt::print("--jobs {:<6} : {:.2f} s  ({:.2f} cores busy)\n", sweep_jobs, tj.wall, tj.cores);
    fmt::print("speed-up      : {:.2f}x (parallel efficiency {:.2f})\n", t1.wall / tj.wall,
               t1.wall / tj.wall / sweep_jobs);
    fmt::print("CPU work      : {:.2f} of --jobs 1's (1.00: threads add no work)\n",
               tj.wall * tj.cores / (t1.wall * t1.cores));
    return 0;
  }
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
