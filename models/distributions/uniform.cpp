// Uniform duration between `min` and `max`.
//
//   cold_start: { type: uniform, min: 200ms, max: 400ms }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class UniformDistribution final : public DurationDistribution {
 public:
  UniformDistribution(double lo, double hi, RngStream rng) : lo_(lo), hi_(hi), rng_(std::move(rng)) {}
  Duration sample() override { return to_duration(lo_ + (hi_ - lo_) * rng_.uniform01()); }
  [[nodiscard]] double mean_seconds() const override { return 0.5 * (lo_ + hi_); }

 private:
  const double lo_, hi_;
  RngStream rng_;
};

}  // namespace

void register_uniform_distribution(Registry<DurationDistribution>& r) {
  r.add({.type = "uniform",
         .summary = "Uniformly distributed duration in [min, max].",
         .params = {{"min", "duration", "required", "smallest duration"},
                    {"max", "duration", "required", "largest duration (>= min)"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<DurationDistribution> {
           const Duration lo = p.duration("min");
           const Duration hi = p.duration("max");
           if (!p.check(hi >= lo, "max", "must be at least min")) return nullptr;
           return std::make_unique<UniformDistribution>(to_seconds(lo), to_seconds(hi),
                                                        std::move(rng));
         }});
}

}  // namespace lsim::models
