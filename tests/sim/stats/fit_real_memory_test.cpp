// The memory → duration fit (sim/stats/fit: fit_memory_scaling) on real AWS Lambda measurements:
// tests/data/real_memory/ (the mbwilding lambda-benchmark, 8 runtime × architecture series at 16
// memory sizes; origin and licence in its README). Fitted on every other size, the rule must
// predict the medians of the sizes it did not see, within an error bound per series that is the
// measured one rounded up to the next 5 % — the data are fixed, so the figures are too.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/lambda/cpu_share.hpp"
#include "sim/stats/fit.hpp"

namespace {

/// Durations (seconds) by series ("runtime arch") and memory size, from the CSV.
using Series = std::map<int, std::vector<double>>;

std::map<std::string, Series> read_benchmark() {
  std::ifstream in(std::string(LSIM_SOURCE_DIR) +
                   "/tests/data/real_memory/mbwilding_lambda_benchmark.csv");
  REQUIRE(in.good());
  std::map<std::string, Series> series;
  std::string line;
  std::getline(in, line);  // header
  REQUIRE(line.rfind("runtime,arch,memory_mb,duration_ms,", 0) == 0);
  while (std::getline(in, line)) {
    std::vector<std::string> cell;
    std::stringstream fields(line);
    for (std::string c; std::getline(fields, c, ',');) cell.push_back(c);
    REQUIRE(cell.size() >= 6);
    series[cell[0] + " " + cell[1]][std::stoi(cell[2])].push_back(std::stod(cell[3]) / 1000.0);
  }
  return series;
}

struct Expectation {
  const char* series;
  double max_heldout_error;  ///< bound on |predicted − measured| / measured, held-out sizes
  double exponent_min, exponent_max;
};

// Measured with the exponent fitted (fit on 128, 384, …, 1,920 MB through the 128 MB median;
// held out 256, 512, …, 2,048 MB): largest held-out error and fitted exponent —
//   dotnet6 arm64     3.0 %  k 1.45        python311 arm64   2.9 %  k 2.26
//   dotnet6 x86_64    3.6 %  k 1.52        python311 x86_64  6.4 %  k 1.93
//   nodejs18x arm64   2.5 %  k 1.61        rust arm64        1.5 %  (flat: k not determined)
//   nodejs18x x86_64  2.7 %  k 1.58        rust x86_64       1.3 %  (flat: k not determined)
// The medians of 10 runs carry about 1–2 % of sampling noise (durations vary by 3–5 % within a
// size; python311 x86_64 has a slow outlier or two per size, hence its larger error).
constexpr Expectation kExpected[] = {
    {"dotnet6 arm64", 0.05, 1.3, 1.7},     {"dotnet6 x86_64", 0.05, 1.3, 1.7},
    {"nodejs18x arm64", 0.05, 1.4, 1.8},   {"nodejs18x x86_64", 0.05, 1.4, 1.8},
    {"python311 arm64", 0.05, 1.9, 2.7},   {"python311 x86_64", 0.10, 1.6, 3.0},
    {"rust arm64", 0.05, 0.25, 4.0},       {"rust x86_64", 0.05, 0.25, 4.0},
};

/// Every other size (from 128 MB) to fit, the others held out.
void split(const Series& s, std::vector<lsim::SizeMedian>& train,
           std::vector<lsim::SizeMedian>& heldout) {
  std::size_t i = 0;
  for (const auto& [mb, d] : s) {
    const lsim::SizeMedian m{mb, lsim::median(d), d.size()};
    (i++ % 2 == 0 ? train : heldout).push_back(m);
  }
  REQUIRE(train.front().memory_mb == 128);
  REQUIRE(heldout.size() == 8);
}

/// Largest |predicted − measured| / measured over `sizes` of the rule through d_ref at 128 MB.
double worst_error(const std::vector<lsim::SizeMedian>& sizes, double d_ref,
                   const lsim::MemoryScalingFit& fit) {
  double worst = 0;
  for (const lsim::SizeMedian& h : sizes) {
    const double predicted =
        d_ref * lsim::duration_scale(h.memory_mb, 128, fit.cpu_bound, 1.0, fit.exponent);
    const double error = (predicted - h.median_s) / h.median_s;
    INFO(h.memory_mb << " MB: measured " << h.median_s * 1000 << " ms, predicted "
                     << predicted * 1000 << " ms (" << error * 100 << " %)");
    CHECK(std::isfinite(error));
    worst = std::max(worst, std::abs(error));
  }
  return worst;
}

}  // namespace

TEST_CASE("fit on real data: the benchmark has 8 series of 16 sizes", "[calibrate][real]") {
  const auto series = read_benchmark();
  REQUIRE(series.size() == 8);
  for (const auto& [name, sizes] : series) {
    INFO(name);
    REQUIRE(sizes.size() == 16);
    CHECK(sizes.begin()->first == 128);
    CHECK(sizes.rbegin()->first == 2048);
    std::size_t n = 0;
    for (const auto& [mb, d] : sizes) n += d.size();
    CHECK(n == 160);
  }
}

TEST_CASE("fit on real data: every other size predicts the held-out sizes' medians",
          "[calibrate][real]") {
  const auto series = read_benchmark();
  for (const Expectation& e : kExpected) {
    INFO("series " << e.series);
    REQUIRE(series.count(e.series) == 1);
    std::vector<lsim::SizeMedian> train, heldout;
    split(series.at(e.series), train, heldout);
    const double d_ref = train.front().median_s;
    const lsim::MemoryScalingFit fit =
        lsim::fit_memory_scaling(train, 128, d_ref, 1.0, std::nullopt);
    REQUIRE(fit.identifiable);
    INFO("cpu_bound " << fit.cpu_bound << " (unclamped " << fit.unclamped_cpu_bound
                      << "), exponent " << fit.exponent);
    // The least-squares value itself lies in [0, 1]: the data need no clamping.
    CHECK(fit.unclamped_cpu_bound >= 0.0);
    CHECK(fit.unclamped_cpu_bound <= 1.0);
    CHECK(fit.exponent >= e.exponent_min);
    CHECK(fit.exponent <= e.exponent_max);
    const double worst = worst_error(heldout, d_ref, fit);
    CHECK(worst <= e.max_heldout_error);
    // The bound is not loose by more than 5 points: a better fit should tighten it here.
    CHECK(worst > e.max_heldout_error - 0.05);
  }
}

TEST_CASE("fit on real data: the documented rule (exponent 1) is off the same way for every "
          "SDK-heavy runtime",
          "[calibrate][real]") {
  // Why the exponent exists, pinned: for the six series whose duration depends on memory, the
  // rule with k = 1 (CPU time proportional to 1/vCPUs), fitted on all 16 sizes, over-predicts at
  // 256 MB and under-predicts at 2,048 MB (real CPU-bound time falls faster at small sizes and
  // stops falling near 1 GB), by more than 5 % somewhere; the fitted exponent (above 1 for each)
  // brings every size within 5 %.
  const auto series = read_benchmark();
  for (const char* name : {"dotnet6 arm64", "dotnet6 x86_64", "nodejs18x arm64",
                           "nodejs18x x86_64", "python311 arm64", "python311 x86_64"}) {
    INFO("series " << name);
    const Series& s = series.at(name);
    std::vector<lsim::SizeMedian> all;
    for (const auto& [mb, d] : s) all.push_back({mb, lsim::median(d), d.size()});
    const double d_ref = all.front().median_s;
    const lsim::MemoryScalingFit linear = lsim::fit_memory_scaling(all, 128, d_ref);
    const auto predicted = [&](int mb) {
      return d_ref * lsim::duration_scale(mb, 128, linear.cpu_bound, 1.0);
    };
    CHECK(predicted(256) > lsim::median(s.at(256)));
    CHECK(predicted(2048) < lsim::median(s.at(2048)));
    CHECK(linear.max_relative_error > 0.05);
    const lsim::MemoryScalingFit bent = lsim::fit_memory_scaling(all, 128, d_ref, 1.0, std::nullopt);
    CHECK(bent.exponent > 1.3);
    CHECK(bent.max_relative_error < 0.05);
    CHECK(worst_error(all, d_ref, bent) == Approx(bent.max_relative_error).margin(1e-12));
  }
}
