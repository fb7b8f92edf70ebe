// Diurnal arrivals: a non-homogeneous Poisson process whose rate follows a sinusoidal day,
//   λ(t) = rate · (1 + a · cos(2π (h(t) − peak_hour) / 24)),   a = (r − 1) / (r + 1),
// where h(t) is the hour of the day (time 0 is 00:00 UTC) and r = peak_to_trough = λ(peak) /
// λ(trough). Its mean over every whole day is exactly `rate`: traffic driven by people (APIs,
// web backends) that rises and falls with the day.
//
//   rate            rate, required      mean rate over a day
//   peak_hour       number, required    hour of the day (UTC, 0–24, may be fractional) at the peak
//   peak_to_trough  number, required    λ(peak) / λ(trough), ≥ 1 (1 = plain Poisson)
//
// Sampled exactly by thinning (Lewis & Shedler, 1979): candidates at the peak rate
// rate · (1 + a), each kept with probability λ(t) / peak rate; at most 2 candidates per
// arrival on average (1 + a < 2).
//
//   arrivals: { type: diurnal, rate: 50/s, peak_hour: 14, peak_to_trough: 4 }
#include <cmath>
#include <numbers>

#include "models/builtin.hpp"

namespace lsim::models {
namespace {

constexpr double kDaySeconds = 86'400.0;
constexpr double kLastSecond = 4e12;  // where to_duration() saturates

class DiurnalArrivals final : public ArrivalProcess {
 public:
  DiurnalArrivals(double rate, double peak_hour, double peak_to_trough, RngStream rng)
      : rate_(rate),
        peak_s_(peak_hour * 3600.0),
        amplitude_((peak_to_trough - 1.0) / (peak_to_trough + 1.0)),
        max_rate_(rate * (1.0 + amplitude_)),
        rng_(std::move(rng)) {}

  OptionalTime next(Time) override {
    if (rate_ <= 0) return std::nullopt;
    for (;;) {
      t_s_ += rng_.exponential(max_rate_);
      // Past to_duration()'s range (~126,000 years; only absurdly low rates get there): no
      // more arrivals, rather than thinning with an infinite time (NaN phase) for ever.
      if (!(t_s_ < kLastSecond)) return std::nullopt;
      // The phase is reduced to one day first, so cos() keeps its precision in long runs.
      const double phase = std::fmod(t_s_ - peak_s_, kDaySeconds) / kDaySeconds;
      const double keep =
          (1.0 + amplitude_ * std::cos(2.0 * std::numbers::pi * phase)) / (1.0 + amplitude_);
      if (rng_.uniform01() < keep) return Time{to_duration(t_s_)};
    }
  }
  [[nodiscard]] double mean_rate_per_s() const override { return rate_; }

 private:
  const double rate_, peak_s_, amplitude_, max_rate_;
  RngStream rng_;
  double t_s_ = 0;  // the latest candidate, seconds
};

}  // namespace

void register_diurnal_arrivals(Registry<ArrivalProcess>& r) {
  r.add(
      {.type = "diurnal",
       .summary = "Sinusoidal day: Poisson with a rate that peaks once a day (UTC).",
       .params = {{"rate", "rate (e.g. 50/s)", "required", "mean rate over a day"},
                  {"peak_hour", "number", "required", "hour of the peak, 0 to 24 (UTC)"},
                  {"peak_to_trough", "number", "required", "peak rate / trough rate, at least 1"}},
       .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<ArrivalProcess> {
         const double rate = p.rate_per_s("rate");
         const double peak_hour = p.number("peak_hour");
         const double ratio = p.number("peak_to_trough");
         // A missing key is reported once, as missing; its placeholder value is not checked.
         bool ok = !p.has("peak_hour") ||
                   p.check(peak_hour >= 0 && peak_hour <= 24, "peak_hour", "must be 0 to 24");
         ok = (!p.has("peak_to_trough") ||
               p.check(ratio >= 1, "peak_to_trough", "must be at least 1")) &&
              ok;
         if (!ok) return nullptr;
         return std::make_unique<DiurnalArrivals>(rate, peak_hour, ratio, std::move(rng));
       }});
}

}  // namespace lsim::models
