// The memory → duration fit (sim/stats/fit: fit_memory_scaling) on real AWS Lambda measurements:
// tests/data/real_memory/ (the mbwilding lambda-benchmark, 5 runtime × architecture series at 16
// memory sizes; origin and licence in its README). Fitted on every other size, the rule must
// predict the medians of the sizes it did not see, within an error bound per series that is the
// measured one rounded up to the next 5 % — the data are fixed, so the figures are too.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
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
  double cpu_bound_min, cpu_bound_max;
};

// Measured (fit on 128, 384, …, 1,920 MB through the 128 MB median; held out 256, 512, …,
// 2,048 MB): largest held-out error and fitted cpu_bound —
//   dotnet6 arm64    8.9 % (256 MB)  0.765     python311 arm64  13.4 % (256 MB)  0.406
//   dotnet6 x86_64   8.7 % (256 MB)  0.705     rust arm64        1.7 % (2,048 MB) 0.015
//   nodejs18x arm64 18.3 % (256 MB)  0.743
// The medians of 10 runs carry about 1–2 % of sampling noise (durations vary by 3–5 % within a
// size); the rest is the rule's shape: the real curves fall faster up to 512 MB and are flat from
// about 1 GB, while CPU time ∝ 1/min(m/1,769 MB, 1) keeps falling until 1,769 MB.
constexpr Expectation kExpected[] = {
    {"dotnet6 arm64", 0.10, 0.6, 0.9},   {"dotnet6 x86_64", 0.10, 0.6, 0.9},
    {"nodejs18x arm64", 0.20, 0.6, 0.9}, {"python311 arm64", 0.15, 0.3, 0.5},
    {"rust arm64", 0.05, 0.0, 0.05},
};

}  // namespace

TEST_CASE("fit on real data: the benchmark excerpt has 5 series of 16 sizes", "[calibrate][real]") {
  const auto series = read_benchmark();
  REQUIRE(series.size() == 5);
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
    const Series& s = series.at(e.series);
    std::vector<lsim::SizeMedian> train, heldout;
    std::size_t i = 0;
    for (const auto& [mb, d] : s) {
      const lsim::SizeMedian m{mb, lsim::median(d), d.size()};
      (i++ % 2 == 0 ? train : heldout).push_back(m);
    }
    REQUIRE(train.front().memory_mb == 128);
    REQUIRE(heldout.size() == 8);
    const double ref_median = train.front().median_s;
    const lsim::MemoryScalingFit fit = lsim::fit_memory_scaling(train, 128, ref_median);
    REQUIRE(fit.identifiable);
    INFO("cpu_bound " << fit.cpu_bound << " (unclamped " << fit.unclamped_cpu_bound << ")");
    // The least-squares value itself lies in [0, 1]: the data need no clamping.
    CHECK(fit.unclamped_cpu_bound >= 0.0);
    CHECK(fit.unclamped_cpu_bound <= 1.0);
    CHECK(fit.cpu_bound >= e.cpu_bound_min);
    CHECK(fit.cpu_bound <= e.cpu_bound_max);
    double worst = 0;
    for (const lsim::SizeMedian& h : heldout) {
      const double predicted =
          ref_median * lsim::duration_scale(h.memory_mb, 128, fit.cpu_bound, 1.0);
      const double error = (predicted - h.median_s) / h.median_s;
      INFO(h.memory_mb << " MB: measured " << h.median_s * 1000 << " ms, predicted "
                       << predicted * 1000 << " ms (" << error * 100 << " %)");
      CHECK(std::abs(error) <= e.max_heldout_error);
      worst = std::max(worst, std::abs(error));
    }
    // The bound is not loose by more than 5 points: a better fit should tighten it here.
    CHECK(worst > e.max_heldout_error - 0.05);
  }
}

TEST_CASE("fit on real data: where the rule is off, it is off the same way for every runtime",
          "[calibrate][real]") {
  // A documented limitation, pinned so a better rule shows up as a change here: for the four
  // series whose duration depends on memory, the rule fitted on all 16 sizes over-predicts at
  // 256 MB and under-predicts at 2,048 MB (real CPU-bound time stops falling near 1 GB).
  const auto series = read_benchmark();
  for (const char* name :
       {"dotnet6 arm64", "dotnet6 x86_64", "nodejs18x arm64", "python311 arm64"}) {
    INFO("series " << name);
    const Series& s = series.at(name);
    std::vector<lsim::SizeMedian> all;
    for (const auto& [mb, d] : s) all.push_back({mb, lsim::median(d), d.size()});
    const double ref_median = all.front().median_s;
    const lsim::MemoryScalingFit fit = lsim::fit_memory_scaling(all, 128, ref_median);
    const auto predicted = [&](int mb) {
      return ref_median * lsim::duration_scale(mb, 128, fit.cpu_bound, 1.0);
    };
    CHECK(predicted(256) > lsim::median(s.at(256)));
    CHECK(predicted(2048) < lsim::median(s.at(2048)));
    CHECK(fit.max_relative_error > 0.05);
  }
}
