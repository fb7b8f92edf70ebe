// Fitting models to measured durations, for `lambdasim calibrate`: the lognormal by maximum
// likelihood with a Kolmogorov–Smirnov goodness-of-fit test, quantile subsampling for an
// empirical model, and the memory → duration rule of sim/lambda/cpu_share.hpp by least squares.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace lsim {

/// A lognormal fitted by maximum likelihood, and how well it fits.
struct LognormalFit {
  double mu = 0;     ///< mean of ln(x)
  double sigma = 0;  ///< standard deviation of ln(x), the MLE (divides by n, not n − 1)
  std::size_t n = 0;
  /// Kolmogorov–Smirnov statistic: the largest distance between the empirical CDF of the
  /// samples and the fitted lognormal's CDF.
  double ks_d = 0;
  /// The 5 % critical value of ks_d for a fit whose parameters were estimated from the same
  /// samples (Stephens 1974, normal with mean and variance estimated: D·(√n − 0.01 + 0.85/√n)
  /// has the 5 % point 0.895). The textbook 1.36/√n assumes parameters known in advance and is
  /// about 1.5 times too lenient here (ks_critical_known()).
  double ks_critical = 0;
  /// Whether the lognormal is not rejected at 5 %: ks_d <= ks_critical.
  [[nodiscard]] bool acceptable() const { return ks_d <= ks_critical; }
};

/// Fits a lognormal to `x` (every value > 0, at least 2 of them; LSIM_CHECK otherwise) by
/// maximum likelihood — mu and sigma are the mean and (1/n) standard deviation of ln(x) — and
/// tests the fit with Kolmogorov–Smirnov. Units are the caller's (the fit is scale-free: mu
/// shifts by ln(k) when x is multiplied by k). O(n log n).
LognormalFit fit_lognormal(std::span<const double> x);

/// The Kolmogorov–Smirnov statistic of `x` against the lognormal (mu, sigma); `x` need not be
/// sorted. Ties count as one step of the empirical CDF.
double ks_lognormal(std::span<const double> x, double mu, double sigma);

/// 5 % critical value of the KS statistic when the parameters were estimated (Stephens 1974).
double ks_critical_estimated(std::size_t n);
/// 5 % critical value of the KS statistic for a fully specified distribution, 1.358/√n
/// (asymptotic; for reference in reports).
double ks_critical_known(std::size_t n);

/// At most `k` values that stand for `x`: all of them, sorted, when there are at most k;
/// otherwise the k quantiles at probabilities (i + 0.5)/k, i = 0..k−1 (the sample value of
/// rank floor((i + 0.5)·n/k)), so resampling them with equal probability draws from nearly the
/// same distribution. Deterministic.
std::vector<double> quantile_subsample(std::span<const double> x, std::size_t k);

/// The median of `x` (the mean of the two middle values for an even count); x not empty.
double median(std::span<const double> x);

/// One memory size and the median duration measured at it (seconds).
struct SizeMedian {
  int memory_mb = 0;
  double median_s = 0;
  std::size_t n = 0;  ///< samples behind the median (reported only)
};

/// The memory → duration rule fitted to per-size medians.
struct MemoryScalingFit {
  bool identifiable = false;  ///< some size runs at another CPU speed than the reference
  int reference_mb = 0;
  double reference_median_s = 0;   ///< the anchor: the median the model gives at reference_mb
  double cpu_bound = 0;            ///< in [0, 1]
  double unclamped_cpu_bound = 0;  ///< the least-squares value before clamping to [0, 1]
  double exponent = 1;             ///< k of (s_ref/s)^k: the one given, or the fitted one
  bool exponent_fitted = false;    ///< k was fitted (not given)
  /// Root mean square and maximum of (predicted − measured) / measured over the sizes.
  double rms_relative_error = 0;
  double max_relative_error = 0;
};

/// The simulator's rule (sim/lambda/cpu_share.hpp), median(m) = d_ref · ((1 − c) + c · r(m)^k)
/// with r(m) = duration_scale(m, reference_mb, 1, threads), the CPU-bound part's slowdown at m
/// (speed min(m/1,769 MB, 6, threads) vCPUs), fitted to per-size medians: the curve goes through
/// d_ref = `reference_median_s` (the median of the duration model written for reference_mb, so
/// the scenario reproduces that size exactly) and c = cpu_bound minimises the sum of squared
/// relative errors (predicted − measured) / measured of every size — for a given k, linear least
/// squares in c, solved with Eigen, then clamped to [0, 1] (the exact constrained optimum of a
/// one-parameter quadratic). k = `exponent` when given (1: the documented proportional CPU
/// share); std::nullopt fits it too: every k of [0.25, 4] in steps of 0.001, each with its best
/// c, the smallest sum kept — k stays 1 unless another value fits strictly better (with c = 0
/// every k fits alike). Not identifiable (identifiable = false, cpu_bound 0) when every size has
/// the reference's speed, e.g. only sizes at or above one vCPU with threads = 1.
MemoryScalingFit fit_memory_scaling(const std::vector<SizeMedian>& sizes, int reference_mb,
                                    double reference_median_s, double threads = 1.0,
                                    std::optional<double> exponent = 1.0);

}  // namespace lsim
