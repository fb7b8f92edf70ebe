// Maximum-likelihood lognormal fits with a Kolmogorov–Smirnov test, quantile subsampling, and the
// least-squares fit of the memory → duration rule (Eigen lives in sim/stats only: style.md §6).
#include "sim/stats/fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "sim/core/check.hpp"
#include "sim/lambda/cpu_share.hpp"

namespace lsim {

namespace {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

double ks_critical_estimated(std::size_t n) {
  LSIM_CHECK(n > 0, "KS critical value of an empty sample");
  const double r = std::sqrt(static_cast<double>(n));
  return 0.895 / (r - 0.01 + 0.85 / r);
}

double ks_critical_known(std::size_t n) {
  LSIM_CHECK(n > 0, "KS critical value of an empty sample");
  return 1.358 / std::sqrt(static_cast<double>(n));
}

double ks_lognormal(std::span<const double> x, double mu, double sigma) {
  LSIM_CHECK(!x.empty(), "KS statistic of an empty sample");
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  const auto n = static_cast<double>(s.size());
  double d = 0;
  for (std::size_t i = 0; i < s.size();) {
    // A run of equal values is one step of the empirical CDF, from i/n to j/n.
    std::size_t j = i + 1;
    while (j < s.size() && s[j] == s[i]) ++j;
    const double f =
        sigma > 0 ? normal_cdf((std::log(s[i]) - mu) / sigma) : (std::log(s[i]) < mu ? 0.0 : 1.0);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(j) / n - f});
    i = j;
  }
  return d;
}

LognormalFit fit_lognormal(std::span<const double> x) {
  LSIM_CHECK(x.size() >= 2, "a lognormal fit needs at least 2 samples, got {}", x.size());
  LognormalFit fit;
  fit.n = x.size();
  // Two passes (mean, then squared deviations): stable for the small spreads of log durations.
  double sum = 0;
  for (double v : x) {
    LSIM_CHECK(v > 0 && std::isfinite(v), "lognormal fit of a non-positive sample {}", v);
    sum += std::log(v);
  }
  const auto n = static_cast<double>(x.size());
  fit.mu = sum / n;
  double ss = 0;
  for (double v : x) ss += (std::log(v) - fit.mu) * (std::log(v) - fit.mu);
  fit.sigma = std::sqrt(ss / n);
  fit.ks_d = ks_lognormal(x, fit.mu, fit.sigma);
  fit.ks_critical = ks_critical_estimated(fit.n);
  return fit;
}

std::vector<double> quantile_subsample(std::span<const double> x, std::size_t k) {
  LSIM_CHECK(k > 0, "quantile subsample of size 0");
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  if (s.size() <= k) return s;
  std::vector<double> out;
  out.reserve(k);
  const std::size_t n = s.size();
  // Rank floor((i + 0.5) n / k) in exact integer arithmetic: (2i + 1) n / (2k).
  for (std::size_t i = 0; i < k; ++i) out.push_back(s[(2 * i + 1) * n / (2 * k)]);
  return out;
}

double median(std::span<const double> x) {
  LSIM_CHECK(!x.empty(), "median of an empty sample");
  std::vector<double> s(x.begin(), x.end());
  const std::size_t mid = s.size() / 2;
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(mid), s.end());
  const double upper = s[mid];
  if (s.size() % 2 == 1) return upper;
  const double lower = *std::max_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

namespace {

/// The best clamped c for one exponent k, and its residuals' sum of squares.
struct CpuBoundFit {
  double unclamped = 0, clamped = 0, sse = 0;
  Eigen::VectorXd rel;  ///< relative residual of each size
};

// Relative residual of size i: (d·(1 + c·(r_i^k − 1)) − med_i) / med_i = u_i + c·v_i with
// u_i = d/med_i − 1 and v_i = d·(r_i^k − 1)/med_i; least squares: c = −(u·v)/(v·v).
CpuBoundFit fit_cpu_bound(const Eigen::VectorXd& r, const Eigen::VectorXd& d_over_med, double k) {
  const Eigen::VectorXd u = (d_over_med.array() - 1.0).matrix();
  const Eigen::VectorXd v = (d_over_med.array() * (r.array().pow(k) - 1.0)).matrix();
  CpuBoundFit f;
  f.unclamped = -u.dot(v) / v.squaredNorm();
  f.clamped = std::clamp(f.unclamped, 0.0, 1.0);
  f.rel = u + f.clamped * v;
  f.sse = f.rel.squaredNorm();
  return f;
}

}  // namespace

MemoryScalingFit fit_memory_scaling(const std::vector<SizeMedian>& sizes, int reference_mb,
                                    double reference_median_s, double threads,
                                    std::optional<double> exponent) {
  LSIM_CHECK(reference_median_s > 0, "reference median must be > 0, got {}", reference_median_s);
  LSIM_CHECK(!exponent || (*exponent >= kMinScalingExponent && *exponent <= kMaxScalingExponent),
             "exponent must be within [{}, {}], got {}", kMinScalingExponent, kMaxScalingExponent,
             *exponent);
  MemoryScalingFit fit;
  fit.reference_mb = reference_mb;
  fit.reference_median_s = reference_median_s;
  fit.exponent = exponent.value_or(1.0);
  const auto m = static_cast<Eigen::Index>(sizes.size());
  const double d = reference_median_s;
  Eigen::VectorXd r(m), d_over_med(m);
  bool other_speed = false;
  for (Eigen::Index i = 0; i < m; ++i) {
    const SizeMedian& s = sizes[static_cast<std::size_t>(i)];
    LSIM_CHECK(s.median_s > 0, "a median duration must be > 0, got {}", s.median_s);
    r(i) = duration_scale(s.memory_mb, reference_mb, 1.0, threads);
    d_over_med(i) = d / s.median_s;
    other_speed = other_speed || std::abs(r(i) - 1.0) > 1e-9;
  }
  if (!other_speed) return fit;  // every size at the reference's speed (or no size)
  fit.identifiable = true;
  CpuBoundFit best = fit_cpu_bound(r, d_over_med, fit.exponent);
  if (!exponent) {
    fit.exponent_fitted = true;
    // Integer steps of 0.001 so that every k is exact to its printed 3 decimals.
    const int lo = static_cast<int>(std::lround(kMinScalingExponent * 1000));
    const int hi = static_cast<int>(std::lround(kMaxScalingExponent * 1000));
    for (int step = lo; step <= hi; ++step) {
      const double k = step / 1000.0;
      CpuBoundFit f = fit_cpu_bound(r, d_over_med, k);
      if (f.sse < best.sse * (1 - 1e-12)) {
        best = std::move(f);
        fit.exponent = k;
      }
    }
  }
  fit.unclamped_cpu_bound = best.unclamped;
  fit.cpu_bound = best.clamped;
  fit.rms_relative_error = std::sqrt(best.rel.array().square().mean());
  fit.max_relative_error = best.rel.array().abs().maxCoeff();
  return fit;
}

}  // namespace lsim
