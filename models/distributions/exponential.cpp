// Exponential duration with the given mean (memoryless service time, as in M/M/c models).
//
//   duration: { type: exponential, mean: 200ms }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class ExponentialDistribution final : public DurationDistribution {
 public:
  ExponentialDistribution(double mean_s, RngStream rng) : mean_s_(mean_s), rng_(std::move(rng)) {}
  Duration sample() override {
    if (mean_s_ <= 0) return Duration{0};
    return to_duration(rng_.exponential(1.0 / mean_s_));
  }
  [[nodiscard]] double mean_seconds() const override { return mean_s_; }

 private:
  const double mean_s_;
  RngStream rng_;
};

}  // namespace

void register_exponential_distribution(Registry<DurationDistribution>& r) {
  r.add({.type = "exponential",
         .summary = "Exponentially distributed duration (memoryless).",
         .params = {{"mean", "duration", "required", "mean duration"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<DurationDistribution> {
           return std::make_unique<ExponentialDistribution>(to_seconds(p.duration("mean")),
                                                            std::move(rng));
         }});
}

}  // namespace lsim::models
