// Lognormal duration: the usual shape of measured Lambda durations and cold starts (a long right
// tail). Given either by its median and 99th percentile, as read off a dashboard, or by μ and σ
// of the natural log of the duration in seconds (dslab's Azure fit is μ = −0.38, σ = 2.36;
// lambda-facts §9).
//
//   duration:   { type: lognormal, median: 120ms, p99: 900ms }
//   cold_start: { type: lognormal, mu: -1.4, sigma: 0.5 }
#include <cmath>

#include "models/builtin.hpp"
#include "sim/core/rng.hpp"

namespace lsim::models {
namespace {

class LognormalDistribution final : public DurationDistribution {
 public:
  LognormalDistribution(double mu, double sigma, RngStream rng)
      : mu_(mu), sigma_(sigma), rng_(std::move(rng)) {}
  Duration sample() override { return to_duration(std::exp(mu_ + sigma_ * rng_.normal())); }
  [[nodiscard]] double mean_seconds() const override {
    return std::exp(mu_ + 0.5 * sigma_ * sigma_);
  }

 private:
  const double mu_, sigma_;
  RngStream rng_;
};

}  // namespace

void register_lognormal_distribution(Registry<DurationDistribution>& r) {
  r.add({.type = "lognormal",
         .summary = "Lognormal duration, by median and p99, or by mu and sigma of ln(seconds).",
         .params = {{"median", "duration", "either pair", "median duration (with p99)"},
                    {"p99", "duration", "either pair", "99th percentile (with median; >= median)"},
                    {"mu", "number", "either pair", "mean of ln(duration in seconds) (with sigma)"},
                    {"sigma", "number", "either pair", "std. deviation of ln(duration in seconds), >= 0"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<DurationDistribution> {
           const bool by_pct = p.has("median") || p.has("p99");
           const bool by_log = p.has("mu") || p.has("sigma");
           if (by_pct && by_log) {
             for (const char* key : {"median", "p99", "mu", "sigma"}) (void)p.child(key);
             p.error(p.has("mu") ? "mu" : "sigma",
                     "give either median and p99, or mu and sigma, not both");
             return nullptr;
           }
           const std::size_t errors_before = p.diagnostics().error_count();
           if (by_log) {
             const double mu = p.number("mu");
             const double sigma = p.number("sigma");
             if (p.diagnostics().error_count() != errors_before) return nullptr;
             if (!p.check(sigma >= 0, "sigma", "must be >= 0")) return nullptr;
             if (!p.check(mu < 20, "mu", "is absurdly large (e^20 s is 15 years)")) return nullptr;
             return std::make_unique<LognormalDistribution>(mu, sigma, std::move(rng));
           }
           const Duration median = p.duration("median");
           const Duration p99 = p.duration("p99");
           // Missing or malformed keys were reported above: no follow-on range errors.
           if (!by_pct || p.diagnostics().error_count() != errors_before) return nullptr;
           if (!p.check(median > Duration{0}, "median", "must be > 0")) return nullptr;
           if (!p.check(p99 >= median, "p99",
                        "percentiles out of order: p99 must be at least the median"))
             return nullptr;
           const double mu = std::log(to_seconds(median));
           const double sigma = (std::log(to_seconds(p99)) - mu) / kNormalZ99;
           return std::make_unique<LognormalDistribution>(mu, sigma, std::move(rng));
         }});
}

}  // namespace lsim::models
