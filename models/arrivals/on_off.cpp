// On-off (bursty) arrivals: ON periods of Poisson arrivals at `rate` alternate with OFF periods
// without any — batch jobs, retries after an outage, a client that wakes up, sends, sleeps. The
// process starts with an ON period at time 0. With `random: true` the period lengths are
// exponential with means `on` and `off` (an interrupted Poisson process, the two-state MMPP with
// one silent state); otherwise they are exactly `on` and `off`. Long-run mean rate:
// rate · on / (on + off). Index of dispersion > 1: arrivals cluster, which is what makes cold
// starts come in bursts.
//
//   on      duration, required, > 0   mean length of an ON period
//   off     duration, required        mean length of an OFF period (0: plain Poisson)
//   rate    rate, required            arrival rate during ON periods
//   random  boolean, default false    exponential (true) or constant (false) period lengths
//
//   arrivals: { type: on_off, on: 30s, off: 5m, rate: 100/s, random: true }
#include <algorithm>
#include <cmath>

#include "models/builtin.hpp"

namespace lsim::models {
namespace {

constexpr double kLastSecond = 4e12;  // where to_duration() saturates

class OnOffArrivals final : public ArrivalProcess {
 public:
  OnOffArrivals(double on_s, double off_s, double rate, bool random, RngStream rng)
      : on_s_(on_s), off_s_(off_s), rate_(rate), random_(random), rng_(std::move(rng)) {}

  OptionalTime next(Time) override {
    if (rate_ <= 0) return std::nullopt;
    if (!random_) {
      // Arrivals form a Poisson process in ON time (the clock that runs only during ON periods):
      // the gap is one exponential of ON time, and ON time u falls in cycle floor(u / on), so
      // no period is walked.
      on_time_s_ += rng_.exponential(rate_);
      // Past to_duration()'s range (only absurdly low rates get there), the arithmetic below
      // would give NaN: no more arrivals instead.
      if (!(on_time_s_ < kLastSecond)) return std::nullopt;
      const double cycle = std::floor(on_time_s_ / on_s_);
      const double within = std::clamp(on_time_s_ - cycle * on_s_, 0.0, on_s_);
      return Time{to_duration(cycle * (on_s_ + off_s_) + within)};
    }
    // Exponential periods. Every call starts in an ON period (arrivals only happen there), and
    // its remaining length is a fresh exponential (memoryless). Arrival (rate λ) and end of ON
    // (rate μ = 1/on) compete: the next of them comes after Exp(λ + μ), and is the arrival with
    // probability p = λ / (λ + μ). So before the arrival come K ~ Geometric(p) ON periods that
    // end without one, each followed by an OFF period: the gap is Erlang(K + 1, λ + μ) +
    // Erlang(K, 1/off). Drawn in O(1) however many periods pass (1 µs periods at 1/h would
    // otherwise walk ~10^9 of them per arrival).
    const double on_rate = 1.0 / on_s_;
    const double k =
        std::floor(std::log(rng_.uniform_open0()) / std::log1p(-rate_ / (rate_ + on_rate)));
    // p so small that it rounds to 0 (a rate near 1e-300/s): no arrival, ever.
    if (!std::isfinite(k)) return std::nullopt;
    t_s_ += erlang(k + 1, rate_ + on_rate);
    if (off_s_ > 0) t_s_ += erlang(k, 1.0 / off_s_);
    return Time{to_duration(t_s_)};
  }
  [[nodiscard]] double mean_rate_per_s() const override { return rate_ * on_s_ / (on_s_ + off_s_); }

 private:
  /// Sum of `k` (a whole number ≥ 0) exponentials with rate `rate`: one by one up to 16, then a
  /// gamma draw (Marsaglia & Tsang, ACM TOMS 26(3), 2000; exact for shape ≥ 1).
  double erlang(double k, double rate) {
    if (k <= 16) {
      double sum = 0;
      for (double i = 0; i < k; ++i) sum += rng_.exponential(rate);
      return sum;
    }
    const double d = k - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      const double x = rng_.normal();
      const double v = std::pow(1.0 + c * x, 3);
      if (v <= 0) continue;
      if (std::log(rng_.uniform_open0()) < 0.5 * x * x + d - d * v + d * std::log(v))
        return d * v / rate;
    }
  }

  const double on_s_, off_s_, rate_;
  const bool random_;
  RngStream rng_;
  double t_s_ = 0;        // random: the latest arrival, seconds
  double on_time_s_ = 0;  // constant: ON time elapsed at the latest arrival, seconds
};

}  // namespace

void register_on_off_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "on_off",
         .summary = "Bursts: Poisson at `rate` during ON periods, nothing during OFF periods.",
         .params = {{"on", "duration", "required", "(mean) length of an ON period; first at 0"},
                    {"off", "duration", "required", "(mean) length of an OFF period"},
                    {"rate", "rate (e.g. 100/s)", "required", "arrival rate while ON"},
                    {"random", "boolean", "false",
                     "exponential period lengths (true) or exactly on/off (false)"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<ArrivalProcess> {
           const Duration on = p.duration("on");
           const Duration off = p.duration("off");
           const double rate = p.rate_per_s("rate");
           const bool random = p.boolean_or("random", false);
           if (!p.has("on") || !p.check(on > Duration{0}, "on", "must be > 0")) return nullptr;
           return std::make_unique<OnOffArrivals>(to_seconds(on), to_seconds(off), rate, random,
                                                  std::move(rng));
         }});
}

}  // namespace lsim::models
