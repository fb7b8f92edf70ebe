// Rate profiles: a non-homogeneous Poisson process whose rate is given at points in time, either
// held constant from one point to the next (`piecewise`: a step profile, e.g. business hours,
// a launch) or interpolated linearly between them (`ramp`: a load test's ramp-up, a slow
// decline). The first point is at 0; after the last one its rate holds for ever, so that rate is
// the long-run mean (mean_rate_per_s).
//
//   points  list of [time, rate] pairs, required: times (durations from the start) strictly
//           increasing from 0, rates ≥ 0
//
// Sampled exactly by inversion of the integrated rate Λ(t): the next arrival after u is where
// Λ grows by a unit exponential. Within a segment Λ is linear (piecewise) or quadratic (ramp),
// inverted in closed form. State: the current segment and time, O(1) per workload besides the
// points themselves.
//
//   arrivals: { type: ramp, points: [[0s, 0/s], [10m, 100/s], [1h, 100/s], [70m, 10/s]] }
//   arrivals: { type: piecewise, points: [[0s, 1/s], [8h, 20/s], [18h, 1/s]] }
#include <cmath>
#include <vector>

#include "models/builtin.hpp"
#include "sim/core/units.hpp"

namespace lsim::models {
namespace {

class PiecewiseArrivals final : public ArrivalProcess {
 public:
  /// `times_s` strictly increasing from 0, `rates` ≥ 0, of the same size ≥ 1.
  PiecewiseArrivals(std::vector<double> times_s, std::vector<double> rates, bool linear,
                    RngStream rng)
      : times_s_(std::move(times_s)),
        rates_(std::move(rates)),
        linear_(linear),
        rng_(std::move(rng)) {}

  OptionalTime next(Time) override {
    double need = rng_.exponential(1.0);  // integrated rate to the next arrival
    const std::size_t last = rates_.size() - 1;
    for (;;) {
      if (seg_ == last) {
        if (rates_[last] <= 0) return std::nullopt;
        u_s_ += need / rates_[last];
        return Time{to_duration(u_s_)};
      }
      const double t0 = times_s_[seg_], t1 = times_s_[seg_ + 1];
      const double r_end = linear_ ? rates_[seg_ + 1] : rates_[seg_];
      const double slope = (r_end - rates_[seg_]) / (t1 - t0);
      const double r_u = rates_[seg_] + slope * (u_s_ - t0);
      const double mass = 0.5 * (r_u + r_end) * (t1 - u_s_);  // Λ(t1) − Λ(u)
      if (need < mass) {
        // Solve r_u·x + slope·x²/2 = need; this form is exact for slope 0 and stable for both
        // signs (the discriminant is at least r_end² ≥ 0 because need < mass).
        const double x =
            2.0 * need / (r_u + std::sqrt(std::max(0.0, r_u * r_u + 2.0 * slope * need)));
        u_s_ = std::min(u_s_ + x, t1);
        return Time{to_duration(u_s_)};
      }
      need -= mass;
      u_s_ = t1;
      ++seg_;
    }
  }
  [[nodiscard]] double mean_rate_per_s() const override { return rates_.back(); }

 private:
  const std::vector<double> times_s_;
  const std::vector<double> rates_;
  const bool linear_;
  RngStream rng_;
  std::size_t seg_ = 0;  // the segment [times_s_[seg_], times_s_[seg_ + 1]) that holds u_s_
  double u_s_ = 0;       // the latest arrival, seconds
};

// Reads `points`; reports every problem and returns nullptr after one.
std::unique_ptr<ArrivalProcess> make_profile(ParamReader& p, RngStream rng, bool linear) {
  Diagnostics& diags = p.diagnostics();
  const ConfigNode* node = p.child("points");
  if (node == nullptr || node->is_null()) {
    diags.error(p.node().loc, p.path(), "missing required key 'points'");
    return nullptr;
  }
  const std::string path = p.path_of("points");
  if (!node->is_list() || node->items.empty()) {
    diags.error(node->loc, path,
                "expected a list of [time, rate] points, e.g. [[0s, 0/s], [10m, 100/s]]");
    return nullptr;
  }
  std::vector<double> times, rates;
  std::optional<double> last_time;  // of the latest point with a valid time
  bool ok = true;
  for (std::size_t i = 0; i < node->items.size(); ++i) {
    const ConfigNode& item = node->items[i];
    const std::string item_path = fmt::format("{}[{}]", path, i);
    if (!item.is_list() || item.items.size() != 2 || !item.items[0].is_scalar() ||
        !item.items[1].is_scalar()) {
      diags.error(item.loc, item_path, "expected a point [time, rate], e.g. [10m, 100/s]");
      ok = false;
      continue;
    }
    const Parsed<Duration> t = parse_duration(item.items[0].scalar);
    const Parsed<double> r = parse_rate_per_s(item.items[1].scalar);
    const std::string time_path = item_path + "[0]";
    if (!t.value) {
      diags.error(item.items[0].loc, time_path, t.error);
    } else if (i == 0 && *t.value != Duration{0}) {
      diags.error(item.items[0].loc, time_path, "the first point must be at time 0");
      ok = false;
    } else if (last_time && to_seconds(*t.value) <= *last_time) {
      diags.error(item.items[0].loc, time_path, "times must increase from one point to the next");
      ok = false;
    }
    if (!r.value) diags.error(item.items[1].loc, item_path + "[1]", r.error);
    if (t.value) last_time = to_seconds(*t.value);
    if (!t.value || !r.value) {
      ok = false;
      continue;
    }
    times.push_back(to_seconds(*t.value));
    rates.push_back(*r.value);
  }
  if (!ok) return nullptr;
  return std::make_unique<PiecewiseArrivals>(std::move(times), std::move(rates), linear,
                                             std::move(rng));
}

}  // namespace

void register_piecewise_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "piecewise",
         .summary = "Poisson with a step profile: each point's rate holds until the next point.",
         .params = {{"points", "list of [time, rate]", "required",
                     "[time, rate] pairs, times increasing from 0; the last rate holds for ever"}},
         .make = [](ParamReader& p, RngStream rng) {
           return make_profile(p, std::move(rng), false);
         }});
  r.add({.type = "ramp",
         .summary = "Poisson with a rate interpolated linearly between points (ramps).",
         .params = {{"points", "list of [time, rate]", "required",
                     "[time, rate] pairs, times increasing from 0; the last rate holds for ever"}},
         .make = [](ParamReader& p, RngStream rng) {
           return make_profile(p, std::move(rng), true);
         }});
}

}  // namespace lsim::models
