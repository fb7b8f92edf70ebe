// Named keep-alive presets: the idle eviction measured on AWS in different periods, and other
// platforms' documented or measured keep-alive, for comparison. Every parameter is overridable.
//
// AWS does not document idle eviction (lambda-facts §7); the AWS presets are measurements:
//   aws_2017  idle 45–60 min, uniform in [idle, idle + jitter]: "generally 45–60 min of
//             inactivity, sometimes earlier" (Yan Cui (theburningmonk) blog, 2017;
//             lambda-facts §10).
//   aws_2019  idle 10 min fixed: "precisely 10 minutes after the last request", Jul–Aug 2019
//             (Shilkov, `data/shilkov-coldstarts/data/aws-lambda-10-minutes/`; pacslab serverless
//             performance experiments, Jun 2020: warm after 635.8 s idle, cold after ≥ 645.0 s).
//   aws_2021  the "5 to 7 minutes" survival curve of ~Jan 2021: P(cold given idle X min) = 0 for
//             X ≤ 3, 0.003 at 4–5, 0.406 at 6, 1.0 at ≥ 7 (Shilkov,
//             `data/shilkov-coldstarts/data/coldstart_aws_interval.json`). That probability is
//             the CDF of the idle timeout T at whole minutes, F(X) = P(T ≤ X); between the
//             measured minutes F is interpolated linearly (so T is uniform inside each minute:
//             0.3 % in 3–4 min, none in 4–5, 40.3 % in 5–6, 59.4 % in 6–7; mean 6.09 min), and T
//             is drawn by inverting it.
//   All AWS presets also recycle every environment, busy or not, after `max_lifetime` (default
//   2h): "busy or not, environments are recycled after at most about 2 h (observed maximum
//   in-use lifetimes of 111–122 min)" (Xebia blog "AWS Lambda terminates instances
//   preemptively"; pacslab traces; lambda-facts §7, §10).
// Other platforms (lambda-facts §10), no maximum lifetime measured (`max_lifetime` optional):
//   azure     Azure Functions consumption plan: 20 min fixed.
//   huawei    Huawei FunctionGraph: 1 min (reset on each request).
// And the two bounds: `never` (no idle eviction: an environment lives until its maximum
// lifetime, if any, or the end of the run) and `none` (reclaimed as soon as it is idle: every
// start is cold).
//
//   keep_alive: aws_2021
//   keep_alive: { type: aws_2017, idle: 45m, jitter: 15m, max_lifetime: 2h }
//   keep_alive: { type: azure, idle: 20m }
#include <array>

#include "models/builtin.hpp"
#include "sim/core/units.hpp"

namespace lsim::models {
namespace {

constexpr Duration kAwsMaxLifetime = std::chrono::hours(2);

class FixedPresetKeepAlive final : public KeepAlivePolicy {
 public:
  FixedPresetKeepAlive(Duration idle, std::optional<Duration> max_lifetime)
      : idle_(idle), max_lifetime_(max_lifetime) {}
  Duration idle_timeout(Time) override { return idle_; }
  [[nodiscard]] std::optional<Duration> max_lifetime() const override { return max_lifetime_; }

 private:
  const Duration idle_;
  const std::optional<Duration> max_lifetime_;
};

/// Idle timeout uniform in [min, max]; draws one uniform per idle period.
class UniformKeepAlive final : public KeepAlivePolicy {
 public:
  UniformKeepAlive(Duration min, Duration max, std::optional<Duration> max_lifetime, RngStream rng)
      : min_s_(to_seconds(min)),
        max_s_(to_seconds(max)),
        max_lifetime_(max_lifetime),
        rng_(std::move(rng)) {}
  Duration idle_timeout(Time) override {
    return to_duration(min_s_ + (max_s_ - min_s_) * rng_.uniform01());
  }
  [[nodiscard]] std::optional<Duration> max_lifetime() const override { return max_lifetime_; }

 private:
  const double min_s_, max_s_;
  const std::optional<Duration> max_lifetime_;
  RngStream rng_;
};

/// The aws_2021 idle timeout: inverse of the piecewise-linear CDF through the measured points.
class SurvivalCurveKeepAlive final : public KeepAlivePolicy {
 public:
  /// (idle minutes, P(cold | idle that long)), increasing in both; the first has P = 0 and the
  /// last P = 1.
  static constexpr std::array<std::pair<double, double>, 5> kAws2021{
      {{3.0, 0.0}, {4.0, 0.003}, {5.0, 0.003}, {6.0, 0.406}, {7.0, 1.0}}};

  SurvivalCurveKeepAlive(std::optional<Duration> max_lifetime, RngStream rng)
      : max_lifetime_(max_lifetime), rng_(std::move(rng)) {}
  Duration idle_timeout(Time) override {
    const double u = rng_.uniform01();
    // Segments of zero probability (4–5 min) are never selected: u < 0.003 stops before them.
    for (std::size_t i = 1; i < kAws2021.size(); ++i) {
      const auto [x0, f0] = kAws2021[i - 1];
      const auto [x1, f1] = kAws2021[i];
      if (u < f1) return to_duration(60.0 * (x0 + (x1 - x0) * (u - f0) / (f1 - f0)));
    }
    return to_duration(60.0 * kAws2021.back().first);  // unreachable: u < 1 = F(7 min)
  }
  [[nodiscard]] std::optional<Duration> max_lifetime() const override { return max_lifetime_; }

 private:
  const std::optional<Duration> max_lifetime_;
  RngStream rng_;
};

ParamDoc aws_lifetime_doc() {
  return {"max_lifetime", "duration", "2h",
          "reclaim environments this long after creation, even if busy (measured: ~2h)"};
}

ParamDoc optional_lifetime_doc() {
  return {"max_lifetime", "duration", "none",
          "reclaim environments this long after creation, even if busy"};
}

// max_lifetime must be > 0 when given; reports and returns false otherwise.
bool lifetime_ok(ParamReader& p, const std::optional<Duration>& life) {
  return !life || p.check(*life > Duration{0}, "max_lifetime", "must be > 0");
}

// A preset with a fixed idle timeout `idle` (default `def`).
void add_fixed_preset(Registry<KeepAlivePolicy>& r, std::string type, std::string summary,
                      Duration def, bool aws) {
  r.add({.type = std::move(type),
         .summary = std::move(summary),
         .params = {{"idle", "duration", format_duration(def), "idle time before reclaim"},
                    aws ? aws_lifetime_doc() : optional_lifetime_doc()},
         .make = [def, aws](ParamReader& p, RngStream) -> std::unique_ptr<KeepAlivePolicy> {
           const Duration idle = p.duration_or("idle", def);
           const std::optional<Duration> life =
               aws ? std::optional(p.duration_or("max_lifetime", kAwsMaxLifetime))
                   : p.optional_duration("max_lifetime");
           if (!lifetime_ok(p, life)) return nullptr;
           return std::make_unique<FixedPresetKeepAlive>(idle, life);
         }});
}

}  // namespace

void register_keep_alive_presets(Registry<KeepAlivePolicy>& r) {
  using std::chrono::minutes;
  r.add({.type = "aws_2017",
         .summary = "AWS as measured in 2017: idle 45-60 min (uniform), max lifetime 2h.",
         .params = {{"idle", "duration", "45m", "shortest idle time before reclaim"},
                    {"jitter", "duration", "15m",
                     "the idle time is uniform in [idle, idle + jitter]"},
                    aws_lifetime_doc()},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<KeepAlivePolicy> {
           const Duration idle = p.duration_or("idle", minutes(45));
           const Duration jitter = p.duration_or("jitter", minutes(15));
           const Duration life = p.duration_or("max_lifetime", kAwsMaxLifetime);
           if (!lifetime_ok(p, life)) return nullptr;
           return std::make_unique<UniformKeepAlive>(idle, idle + jitter, life, std::move(rng));
         }});
  add_fixed_preset(r, "aws_2019", "AWS since July 2019: idle 10 min fixed, max lifetime 2h.",
                   minutes(10), true);
  r.add({.type = "aws_2021",
         .summary = "AWS as measured in 2021: idle 5-7 min (measured curve), max lifetime 2h.",
         .params = {aws_lifetime_doc()},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<KeepAlivePolicy> {
           const Duration life = p.duration_or("max_lifetime", kAwsMaxLifetime);
           if (!lifetime_ok(p, life)) return nullptr;
           return std::make_unique<SurvivalCurveKeepAlive>(life, std::move(rng));
         }});
  add_fixed_preset(r, "azure", "Azure Functions consumption plan: idle 20 min fixed.", minutes(20),
                   false);
  add_fixed_preset(r, "huawei", "Huawei FunctionGraph: idle 1 min fixed.", minutes(1), false);
  r.add({.type = "never",
         .summary = "No idle eviction: environments live until max_lifetime or the end.",
         .params = {optional_lifetime_doc()},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<KeepAlivePolicy> {
           const std::optional<Duration> life = p.optional_duration("max_lifetime");
           if (!lifetime_ok(p, life)) return nullptr;
           // kTimeMax from zero: far beyond any horizon, and now + it cannot overflow.
           return std::make_unique<FixedPresetKeepAlive>(kTimeMax.time_since_epoch(), life);
         }});
  r.add({.type = "none",
         .summary = "Reclaim every environment as soon as it is idle (every start is cold).",
         .params = {},
         .make = [](ParamReader&, RngStream) -> std::unique_ptr<KeepAlivePolicy> {
           return std::make_unique<FixedPresetKeepAlive>(Duration{0}, std::nullopt);
         }});
}

}  // namespace lsim::models
