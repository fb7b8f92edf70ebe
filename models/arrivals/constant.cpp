// Constant-rate arrivals: exactly one every 1/rate (a timer, or a perfectly paced client). The
// first arrives 1/rate after the start. Deterministic gaps are useful for closed-form tests.
//
//   arrivals: { type: constant, rate: 1/m }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class ConstantArrivals final : public ArrivalProcess {
 public:
  explicit ConstantArrivals(double rate) : rate_(rate) {}
  std::optional<Time> next(Time) override {
    if (rate_ <= 0) return std::nullopt;
    // Arrival k is at round(k / rate): computed from k, so rounding never accumulates (above
    // 1,000,000/s several arrivals share a microsecond and are handled in order).
    ++k_;
    return Time{to_duration(static_cast<double>(k_) / rate_)};
  }
  [[nodiscard]] double mean_rate_per_s() const override { return rate_; }

 private:
  const double rate_;
  std::uint64_t k_ = 0;
};

}  // namespace

void register_constant_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "constant",
         .summary = "Evenly spaced arrivals, one every 1/rate, the first at 1/rate.",
         .params = {{"rate", "rate (e.g. 1/s, 12/h)", "required", "arrival rate"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<ArrivalProcess> {
           return std::make_unique<ConstantArrivals>(p.rate_per_s("rate"));
         }});
}

}  // namespace lsim::models
