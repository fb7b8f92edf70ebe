// Constant-rate arrivals: exactly one every 1/rate (a timer, or a perfectly paced client). The
// first arrives 1/rate after `start` (default 0); none at or after `stop` (default: never stops).
// Deterministic gaps are useful for closed-form tests; start/stop make a burst.
//
//   arrivals: { type: constant, rate: 1/m }
//   arrivals: { type: constant, rate: 200/s, stop: 10s }   # 1,999 arrivals in the first 10 s
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class ConstantArrivals final : public ArrivalProcess {
 public:
  ConstantArrivals(double rate, Duration start, std::optional<Duration> stop)
      : rate_(rate), start_(start), stop_(stop) {}
  OptionalTime next(Time) override {
    if (rate_ <= 0) return std::nullopt;
    // Arrival k is at start + round(k / rate): computed from k, so rounding never accumulates
    // (above 1,000,000/s several arrivals share a microsecond and are handled in order).
    ++k_;
    const Time t{start_ + to_duration(static_cast<double>(k_) / rate_)};
    if (stop_ && t >= Time{*stop_}) return std::nullopt;
    return t;
  }
  [[nodiscard]] double mean_rate_per_s() const override { return rate_; }

 private:
  const double rate_;
  const Duration start_;
  const std::optional<Duration> stop_;
  std::uint64_t k_ = 0;
};

}  // namespace

void register_constant_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "constant",
         .summary = "Evenly spaced arrivals, one every 1/rate, the first at 1/rate.",
         .params = {{"rate", "rate (e.g. 1/s, 12/h)", "required", "arrival rate"},
                    {"start", "duration", "0", "the first arrival is 1/rate after it"},
                    {"stop", "duration", "none", "no arrival at or after it"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<ArrivalProcess> {
           const double rate = p.rate_per_s("rate");
           const Duration start = p.duration_or("start", Duration{0});
           const std::optional<Duration> stop = p.optional_duration("stop");
           if (stop) p.check(*stop >= start, "stop", "must not be before start");
           return std::make_unique<ConstantArrivals>(rate, start, stop);
         }});
}

}  // namespace lsim::models
