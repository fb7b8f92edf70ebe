// Empirical duration: each draw picks one of the measured samples with equal probability (a
// bootstrap of real measurements, e.g. Durations from REPORT lines).
//
//   duration: { type: empirical, samples: [101ms, 98ms, 130ms, 1.2s] }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class EmpiricalDistribution final : public DurationDistribution {
 public:
  EmpiricalDistribution(std::vector<Duration> samples, RngStream rng)
      : samples_(std::move(samples)), rng_(std::move(rng)) {
    double sum = 0;
    for (Duration d : samples_) sum += to_seconds(d);
    mean_s_ = sum / static_cast<double>(samples_.size());
  }
  Duration sample() override { return samples_[rng_.below(samples_.size())]; }
  [[nodiscard]] double mean_seconds() const override { return mean_s_; }

 private:
  const std::vector<Duration> samples_;
  RngStream rng_;
  double mean_s_ = 0;
};

}  // namespace

void register_empirical_distribution(Registry<DurationDistribution>& r) {
  r.add({.type = "empirical",
         .summary = "Resamples a list of measured durations with equal probability.",
         .params = {{"samples", "list of durations", "required", "measured durations"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<DurationDistribution> {
           std::vector<Duration> samples = p.duration_list("samples");
           if (!p.has("samples")) return nullptr;
           if (!p.check(!samples.empty(), "samples", "needs at least one duration")) return nullptr;
           return std::make_unique<EmpiricalDistribution>(std::move(samples), std::move(rng));
         }});
}

}  // namespace lsim::models
