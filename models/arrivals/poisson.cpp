// Poisson arrivals: independent exponential gaps with mean 1/rate — the memoryless traffic of
// many independent callers, and the arrival process the closed forms (Erlang B, Little) assume.
//
//   arrivals: { type: poisson, rate: 20/s }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class PoissonArrivals final : public ArrivalProcess {
 public:
  PoissonArrivals(double rate, RngStream rng) : rate_(rate), rng_(std::move(rng)) {}
  OptionalTime next(Time) override {
    if (rate_ <= 0) return std::nullopt;
    // The process runs in exact (double) time and only its arrival instants are rounded to the
    // microsecond, so rounding never accumulates and rates above 1/µs keep their mean (several
    // arrivals may then share a microsecond; they are handled in order).
    t_s_ += rng_.exponential(rate_);
    return Time{to_duration(t_s_)};
  }
  [[nodiscard]] double mean_rate_per_s() const override { return rate_; }

 private:
  const double rate_;
  RngStream rng_;
  double t_s_ = 0;  // the latest arrival, seconds
};

}  // namespace

void register_poisson_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "poisson",
         .summary = "Independent arrivals: exponential gaps with mean 1/rate.",
         .params = {{"rate", "rate (e.g. 20/s, 300/m)", "required", "mean arrival rate"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<ArrivalProcess> {
           const double rate = p.rate_per_s("rate");
           return std::make_unique<PoissonArrivals>(rate, std::move(rng));
         }});
}

}  // namespace lsim::models
