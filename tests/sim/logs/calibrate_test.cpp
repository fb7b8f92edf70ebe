// Tests for `lambdasim calibrate` and the fits behind it (sim/stats/fit, sim/logs/calibrate):
// statistical properties with fixed seeds and tolerances from the estimators' standard errors,
// and the acceptance — REPORT lines generated from a known model give a scenario that
// loads, runs, and reproduces the median duration of every memory size within 10 %.
#include "sim/logs/calibrate.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/lambda/cpu_share.hpp"
#include "sim/stats/fit.hpp"
#include "tests/support/run.hpp"

namespace {

std::vector<double> lognormal_sample(std::uint64_t seed, std::size_t n, double mu, double sigma) {
  auto rng = lsim::RngStream::derive(seed, 0, "test/calibrate");
  std::vector<double> x(n);
  for (double& v : x) v = std::exp(mu + sigma * rng.normal());
  return x;
}

/// A scratch file that removes itself.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() /
             (name + "." + std::to_string(::getpid()) + ".log")) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

/// A REPORT line as Lambda prints it (two decimals), after an epoch-ms prefix.
std::string report_line(std::int64_t epoch_ms, int id, double duration_ms, int memory_mb,
                        double init_ms) {
  std::string line = std::to_string(epoch_ms) + " REPORT RequestId: req-" + std::to_string(id);
  char buf[200];
  std::snprintf(
      buf, sizeof buf,
      "\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d MB\tMax Memory Used: 60 MB",
      duration_ms, std::ceil(duration_ms + (init_ms > 0 ? init_ms : 0)), memory_mb);
  line += buf;
  if (init_ms > 0) {
    std::snprintf(buf, sizeof buf, "\tInit Duration: %.2f ms", init_ms);
    line += buf;
  }
  return line + "\n";
}

struct Synthetic {
  std::string text;
  std::map<int, std::vector<double>> durations_s;  // as printed
};

/// REPORT lines of one function from a known model: lognormal (median `ref_median_ms`, sigma)
/// at `ref_mb`, other sizes by the simulator's own scaling rule with `cpu_bound`; Poisson
/// arrivals at `rate` per second, about 5 % cold starts (INIT lognormal, median 250 ms).
Synthetic synthetic_logs(std::uint64_t seed, const std::vector<std::pair<int, int>>& sizes_n,
                         int ref_mb, double ref_median_ms, double sigma, double cpu_bound,
                         double rate) {
  auto rng = lsim::RngStream::derive(seed, 0, "test/calibrate/logs");
  std::vector<int> order;
  for (const auto& [mb, n] : sizes_n) order.insert(order.end(), static_cast<std::size_t>(n), mb);
  // Interleave the sizes (a Fisher–Yates shuffle with our own RNG).
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  Synthetic s;
  double t_ms = 1'709'294'400'000.0;  // 2024-03-01T12:00:00Z
  int id = 0;
  for (int mb : order) {
    t_ms += rng.exponential(rate) * 1e3;
    const double d = ref_median_ms * std::exp(sigma * rng.normal()) *
                     lsim::duration_scale(mb, ref_mb, cpu_bound, 1.0);
    const double init = rng.uniform01() < 0.05 ? 250.0 * std::exp(0.2 * rng.normal()) : 0.0;
    s.text += report_line(static_cast<std::int64_t>(t_ms), id++, d, mb, init);
    s.durations_s[mb].push_back(std::round(d * 100) / 1e5);
  }
  return s;
}

std::string calibrate_text(const std::string& text, const std::string& function = "api") {
  TempFile f("lsim_calibrate_test", text);
  lsim::CalibrateOptions o;
  o.function = function;
  lsim::CalibrationInput data;
  std::ostringstream err;
  REQUIRE(lsim::read_calibration_input({f.path.string()}, o, data, err) == 0);
  CHECK(err.str().empty());
  return lsim::calibrated_scenario(data, o);
}

}  // namespace

TEST_CASE("calibrate: the lognormal MLE recovers mu and sigma within 4 standard errors",
          "[calibrate]") {
  const auto [mu, sigma, n] = GENERATE(std::make_tuple(-2.0, 0.4, std::size_t{200}),
                                       std::make_tuple(0.5, 1.2, std::size_t{1000}),
                                       std::make_tuple(-5.0, 0.05, std::size_t{50}));
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto x = lognormal_sample(seed, n, mu, sigma);
    const lsim::LognormalFit fit = lsim::fit_lognormal(x);
    const double se_mu = sigma / std::sqrt(static_cast<double>(n));
    const double se_sigma = sigma / std::sqrt(2.0 * static_cast<double>(n));
    INFO("mu " << mu << " sigma " << sigma << " n " << n << " seed " << seed);
    CHECK(fit.n == n);
    CHECK(std::abs(fit.mu - mu) < 4 * se_mu);
    CHECK(std::abs(fit.sigma - sigma) < 4 * se_sigma);
    // Scale-free: multiplying the data by k shifts mu by ln(k) and leaves sigma.
    std::vector<double> scaled = x;
    for (double& v : scaled) v *= 1000;
    const lsim::LognormalFit s = lsim::fit_lognormal(scaled);
    CHECK(s.mu == Approx(fit.mu + std::log(1000.0)).margin(1e-9));
    CHECK(s.sigma == Approx(fit.sigma).margin(1e-9));
    CHECK(s.ks_d == Approx(fit.ks_d).margin(1e-9));
  }
}

TEST_CASE("calibrate: the KS test rejects lognormal samples about 5 % of the time", "[calibrate]") {
  // With parameters estimated from the data the 5 % point is Stephens' 0.895/(√n − 0.01 +
  // 0.85/√n); 1.36/√n would reject far less than 5 %. Over 400 samples the rejection count is
  // Binomial(400, 0.05): 20 ± 4.4, so [6, 36] is beyond 3.5 standard deviations.
  int rejected = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const lsim::LognormalFit fit = lsim::fit_lognormal(lognormal_sample(seed, 100, -1.0, 0.6));
    CHECK(fit.ks_critical < lsim::ks_critical_known(100));
    if (!fit.acceptable()) ++rejected;
  }
  CHECK(rejected >= 6);
  CHECK(rejected <= 36);
}

TEST_CASE("calibrate: KS rejects a bimodal sample, which is then written as empirical",
          "[calibrate]") {
  // 70 % fast (median 50 ms), 30 % slow (median 800 ms), e.g. cache hits and misses.
  auto fast = lognormal_sample(11, 700, std::log(0.05), 0.1);
  const auto slow = lognormal_sample(12, 300, std::log(0.8), 0.1);
  fast.insert(fast.end(), slow.begin(), slow.end());
  const lsim::LognormalFit fit = lsim::fit_lognormal(fast);
  INFO("D " << fit.ks_d << " critical " << fit.ks_critical);
  CHECK_FALSE(fit.acceptable());
  CHECK(fit.ks_d > 3 * fit.ks_critical);

  std::string logs;
  for (std::size_t i = 0; i < fast.size(); ++i)
    logs += report_line(1'709'294'400'000 + static_cast<std::int64_t>(i) * 100, static_cast<int>(i),
                        fast[i] * 1e3, 512, 0);
  const std::string yaml = calibrate_text(logs);
  CHECK(yaml.find("type: empirical") != std::string::npos);
  CHECK(yaml.find("-> empirical: 1000 of the 1000 measured values") != std::string::npos);
  CHECK(yaml.find("cold_start: { type: constant, value: 0ms }") != std::string::npos);
  // It loads, and the simulated median is the measured one.
  const lsim::Summary s = lsim::test::run_yaml(yaml);
  lsim::test::check_conservation(s);
  const double measured_ms = lsim::median(fast) * 1e3;
  CHECK(lsim::test::function_summary(s, "api").warm.p50 == Approx(measured_ms).epsilon(0.10));
}

TEST_CASE("calibrate: quantile subsampling keeps at most k values spread over the sample",
          "[calibrate]") {
  const auto x = lognormal_sample(3, 10'001, 0.0, 1.0);
  const auto q = lsim::quantile_subsample(x, 1000);
  REQUIRE(q.size() == 1000);
  CHECK(std::is_sorted(q.begin(), q.end()));
  // Its median and quartiles are the sample's within the spacing of the quantiles.
  CHECK(lsim::median(q) == Approx(lsim::median(x)).epsilon(0.01));
  CHECK(lsim::quantile_subsample(x, 1000) == q);  // deterministic
  const std::vector<double> small{3, 1, 2};
  CHECK(lsim::quantile_subsample(small, 1000) == std::vector<double>{1, 2, 3});
  CHECK(lsim::median(std::vector<double>{4, 1, 3, 2}) == 2.5);
}

TEST_CASE("calibrate: least squares recovers cpu_bound from medians made by the simulator's rule",
          "[calibrate]") {
  const std::vector<int> sizes{128, 256, 512, 1024, 1769, 3008};
  const int ref = 512;
  const double d_ref = 0.2;
  auto medians = [&](double c) {
    std::vector<lsim::SizeMedian> m;
    for (int mb : sizes) m.push_back({mb, d_ref * lsim::duration_scale(mb, ref, c, 1.0), 100});
    return m;
  };
  SECTION("exact medians give cpu_bound exactly") {
    for (double c : {0.0, 0.3, 0.7, 1.0}) {
      const lsim::MemoryScalingFit fit = lsim::fit_memory_scaling(medians(c), ref, d_ref);
      REQUIRE(fit.identifiable);
      CHECK(fit.cpu_bound == Approx(c).margin(1e-9));
      CHECK(fit.rms_relative_error < 1e-9);
    }
  }
  SECTION("medians of lognormal samples give cpu_bound within its standard error") {
    // A sample median of n = 400 lognormal values (sigma 0.3) has a relative standard error of
    // about 1.2533 · 0.3 / √400 = 1.9 %; at 128 MB the CPU-bound part is 4x slower than at
    // 512 MB, so c is known to about 2 % / 3 per size: 0.05 is over 4 standard errors.
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      std::vector<lsim::SizeMedian> m;
      for (int mb : sizes) {
        const double scale = lsim::duration_scale(mb, ref, 0.6, 1.0);
        m.push_back({mb,
                     lsim::median(lognormal_sample(seed * 100 + static_cast<std::uint64_t>(mb), 400,
                                                   std::log(d_ref * scale), 0.3)),
                     400});
      }
      const double ref_median = m[2].median_s;
      const lsim::MemoryScalingFit fit = lsim::fit_memory_scaling(m, ref, ref_median);
      INFO("seed " << seed);
      CHECK(fit.cpu_bound == Approx(0.6).margin(0.05));
      CHECK(fit.max_relative_error < 0.08);
    }
  }
  SECTION("out-of-range slopes are clamped to [0, 1]") {
    std::vector<lsim::SizeMedian> faster_with_less;  // durations grow with memory: c < 0
    for (int mb : sizes) faster_with_less.push_back({mb, 0.1 * mb / 512.0 + 0.1, 10});
    const auto low = lsim::fit_memory_scaling(faster_with_less, ref, 0.2);
    CHECK(low.unclamped_cpu_bound < 0);
    CHECK(low.cpu_bound == 0);
    std::vector<lsim::SizeMedian> superlinear;  // slower than CPU-bound work at small sizes
    for (int mb : sizes)
      superlinear.push_back(
          {mb, d_ref * std::pow(lsim::duration_scale(mb, ref, 1.0, 1.0), 1.5), 10});
    const auto high = lsim::fit_memory_scaling(superlinear, ref, d_ref);
    CHECK(high.unclamped_cpu_bound > 1);
    CHECK(high.cpu_bound == 1);
  }
  SECTION("with the exponent free, exact medians give cpu_bound and exponent exactly") {
    for (const auto& [c, k] : {std::pair{0.3, 0.5}, {0.7, 1.5}, {0.36, 2.42}, {1.0, 1.0}}) {
      INFO("c " << c << ", k " << k);
      std::vector<lsim::SizeMedian> m;
      for (int mb : sizes) m.push_back({mb, d_ref * lsim::duration_scale(mb, ref, c, 1.0, k), 10});
      const lsim::MemoryScalingFit fit = lsim::fit_memory_scaling(m, ref, d_ref, 1.0, std::nullopt);
      REQUIRE(fit.identifiable);
      CHECK(fit.exponent_fitted);
      CHECK(fit.exponent == Approx(k).margin(1e-12));
      CHECK(fit.cpu_bound == Approx(c).margin(1e-9));
      CHECK(fit.rms_relative_error < 1e-9);
      // The documented rule (k = 1) cannot follow a curve bent by k != 1.
      if (k != 1.0) CHECK(lsim::fit_memory_scaling(m, ref, d_ref).rms_relative_error > 0.01);
    }
  }
  SECTION("a given exponent is kept, and the default is 1") {
    const auto m = medians(0.6);
    CHECK(lsim::fit_memory_scaling(m, ref, d_ref).exponent == 1.0);
    CHECK_FALSE(lsim::fit_memory_scaling(m, ref, d_ref).exponent_fitted);
    const auto fixed = lsim::fit_memory_scaling(m, ref, d_ref, 1.0, 2.0);
    CHECK(fixed.exponent == 2.0);
    CHECK_FALSE(fixed.exponent_fitted);
    CHECK(fixed.rms_relative_error > 0.01);
  }
  SECTION("when nothing depends on the CPU the exponent stays 1") {
    std::vector<lsim::SizeMedian> flat;  // c = 0 for every k: no k fits better than 1
    for (int mb : sizes) flat.push_back({mb, d_ref, 10});
    const auto fit = lsim::fit_memory_scaling(flat, ref, d_ref, 1.0, std::nullopt);
    CHECK(fit.identifiable);
    CHECK(fit.cpu_bound == 0);
    CHECK(fit.exponent == 1.0);
  }
  SECTION("the superlinear curve that clamps c at 1 is followed with its exponent") {
    std::vector<lsim::SizeMedian> superlinear;
    for (int mb : sizes)
      superlinear.push_back(
          {mb, d_ref * std::pow(lsim::duration_scale(mb, ref, 1.0, 1.0), 1.5), 10});
    const auto fit = lsim::fit_memory_scaling(superlinear, ref, d_ref, 1.0, std::nullopt);
    CHECK(fit.exponent == Approx(1.5).margin(1e-12));
    CHECK(fit.cpu_bound == Approx(1.0).margin(1e-9));
    CHECK(fit.max_relative_error < 1e-9);
  }
  SECTION("sizes at one vCPU or more cannot tell") {
    const std::vector<lsim::SizeMedian> m{{1769, 0.2, 10}, {3008, 0.19, 10}, {10240, 0.21, 10}};
    CHECK_FALSE(lsim::fit_memory_scaling(m, 1769, 0.2).identifiable);
  }
}

TEST_CASE("calibrate: the scenario from synthetic logs loads, runs and gives each size's median",
          "[calibrate]") {
  // The acceptance, on REPORT lines generated from a known model (1,024 MB reference,
  // median 200 ms, sigma 0.25, cpu_bound 0.7, 5 requests/s): per memory size the simulated median
  // is within 10 % of the input's, and the fitted cpu_bound within 0.05 of the truth.
  const Synthetic logs = synthetic_logs(7, {{256, 300}, {512, 300}, {1024, 600}, {2048, 300}}, 1024,
                                        200, 0.25, 0.7, 5);
  const std::string yaml = calibrate_text(logs.text);
  INFO(yaml.substr(0, 4000));
  CHECK(yaml == calibrate_text(logs.text));  // same input, same bytes
  CHECK(yaml.find("memory: 1024MB") != std::string::npos);
  CHECK(yaml.find("type: lognormal") != std::string::npos);

  const lsim::ScenarioSpec spec = lsim::test::load_yaml(yaml);
  REQUIRE(spec.functions.size() == 1);
  CHECK(spec.functions[0].name == "api");
  CHECK(spec.functions[0].memory_scaling.reference_mb == 1024);
  CHECK(spec.functions[0].memory_scaling.cpu_bound == Approx(0.7).margin(0.05));
  // The logs follow the documented rule: the fitted exponent is near 1. Medians of 300 values
  // with sigma 0.25 carry ~1.8 % of noise each; simulated over 300 such sets of medians at these
  // sizes, the fitted k has a standard deviation of 0.06, so 0.25 is about 4 of them.
  INFO("exponent " << spec.functions[0].memory_scaling.exponent);
  CHECK(spec.functions[0].memory_scaling.exponent == Approx(1.0).margin(0.25));

  for (const auto& [mb, xs] : logs.durations_s) {
    const lsim::ScenarioSpec at =
        lsim::load_scenario_text(yaml, "calibrated.yaml", lsim::test::builtin_registries(),
                                 {"functions.api.memory=" + std::to_string(mb) + "MB"});
    const lsim::Summary s = lsim::test::run_spec(at);
    lsim::test::check_conservation(s);
    const auto& g = lsim::test::function_summary(s, "api");
    const double input_ms = lsim::median(xs) * 1e3;
    INFO(mb << " MB: simulated warm median " << g.warm.p50 << " ms, input " << input_ms << " ms");
    CHECK(std::abs(g.warm.p50 / input_ms - 1) < 0.10);
    // The rate: 1,500 arrivals in ~300 s estimate 5/s to about 2.6 %; an hour's Poisson count
    // adds 0.8 %: 10 % is generous.
    CHECK(static_cast<double>(g.invocations.arrived) == Approx(5.0 * 3600).epsilon(0.10));
  }
}

TEST_CASE("calibrate: log groups name the functions and timeouts are left out of the fits",
          "[calibrate]") {
  std::string logs;
  const char* fmt_line =
      "2024-03-01T12:00:%02d.000Z 123456789012:/aws/lambda/%s REPORT RequestId: r%d\tDuration: "
      "%s ms\tBilled Duration: 100 ms\tMemory Size: 256 MB\tMax Memory Used: 60 MB%s\n";
  char buf[400];
  const char* durations[] = {"90.00", "95.50", "100.25", "110.00", "3000.00"};
  for (int i = 0; i < 5; ++i) {
    std::snprintf(buf, sizeof buf, fmt_line, i, "thumbnail.v2", i, durations[i],
                  i == 4 ? "\tStatus: timeout" : "");
    logs += buf;
    std::snprintf(buf, sizeof buf, fmt_line, 10 + i, "api", 10 + i, "20.00",
                  i == 0 ? "\tInit Duration: 150.00 ms" : "");
    logs += buf;
  }
  logs += "2024-03-01T12:00:30.000Z END RequestId: r9\n";  // other lines are skipped
  const std::string yaml = calibrate_text(logs, "unused");
  CHECK(yaml.find("- name: thumbnail_v2") != std::string::npos);
  CHECK(yaml.find("log group name 'thumbnail.v2'") != std::string::npos);
  CHECK(yaml.find("- name: api") != std::string::npos);
  CHECK(yaml.find("name: unused") == std::string::npos);
  CHECK(yaml.find("1 timed out (left out of the fits") != std::string::npos);
  // The timed-out line's Duration, 3000.00 ms, is the function's timeout: 3 s. api has none.
  CHECK(yaml.find("timeout from the Duration of the 1 timed-out line: 3000.00 ms, rounded") !=
        std::string::npos);
  CHECK(yaml.find("    timeout: 3s\n") != std::string::npos);
  CHECK(yaml.find("no line timed out") != std::string::npos);
  // Five lines 1 s apart: rate (5 − 1) / 4 s.
  CHECK(yaml.find("rate: 1.000000/s") != std::string::npos);
  CHECK(yaml.find("cold-start ratio 20.00 %") != std::string::npos);
  // api: every Duration the same, so sigma = 0: written as the measured values.
  const lsim::ScenarioSpec spec = lsim::test::load_yaml(yaml);
  CHECK(spec.functions.size() == 2);
  CHECK(spec.workloads.size() == 2);
  for (const auto& f : spec.functions)
    CHECK(lsim::to_seconds(f.timeout) == (f.name == "api" ? 900.0 : 3.0));
  lsim::test::check_conservation(lsim::test::run_spec(spec));

  // Timed-out lines that disagree (the timeout was changed): the largest, and a warning.
  std::string changed = logs;
  std::snprintf(buf, sizeof buf, fmt_line, 20, "thumbnail.v2", 20, "6001.20", "\tStatus: timeout");
  changed += buf;
  std::snprintf(buf, sizeof buf, fmt_line, 21, "thumbnail.v2", 21, "6000.00", "\tStatus: timeout");
  changed += buf;
  std::string yaml2 = calibrate_text(changed, "unused");
  // Comments are wrapped at 100 columns: join the continuation lines before searching.
  for (std::size_t at; (at = yaml2.find("\n    #     ")) != std::string::npos;)
    yaml2.replace(at, 11, " ");
  CHECK(yaml2.find("3 timed-out lines: 6001.20 ms (the largest; they range from 3000.00 ms: was "
                   "the timeout changed?)") != std::string::npos);
  CHECK(yaml2.find("    timeout: 6s\n") != std::string::npos);
}

TEST_CASE("calibrate: bad input is reported with its file and line", "[calibrate]") {
  lsim::CalibrateOptions o;
  SECTION("a malformed REPORT line") {
    TempFile f("lsim_calibrate_bad",
               "REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 "
               "MB\tMax Memory Used: 60 MB\nREPORT RequestId: b\tDuration: x ms\n");
    lsim::CalibrationInput data;
    std::ostringstream err;
    CHECK(lsim::read_calibration_input({f.path.string()}, o, data, err) == 1);
    CHECK(err.str().find(f.path.string() + ":2: error: REPORT line: field 'Duration'") == 0);
  }
  SECTION("a missing file") {
    lsim::CalibrationInput data;
    std::ostringstream err;
    CHECK(lsim::read_calibration_input({"/nonexistent/x.log"}, o, data, err) == 1);
    CHECK(err.str().find("/nonexistent/x.log: error: cannot open") == 0);
  }
  SECTION("a memory size Lambda does not have") {
    TempFile f("lsim_calibrate_mem",
               "REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 64 "
               "MB\tMax Memory Used: 60 MB\n");
    lsim::CalibrationInput data;
    std::ostringstream err;
    CHECK(lsim::read_calibration_input({f.path.string()}, o, data, err) == 1);
    CHECK(err.str().find("Memory Size 64 MB is outside") != std::string::npos);
  }
  CHECK(lsim::function_name_from("us-east-1.edge/fn") == "us-east-1_edge_fn");
  CHECK(lsim::function_name_from("") == "fn");
  CHECK(lsim::function_name_from(std::string(100, 'a')).size() == 64);
}
