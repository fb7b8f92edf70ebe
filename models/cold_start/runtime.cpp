// Cold-start presets by runtime: INIT durations of hello-world functions as measured daily by
// maxday/lambda-perf (data/last.json of 2026-08-22: mean of 10 cold starts per runtime ×
// architecture, ZIP packages, "roughly flat across 128–1,024 MB"), as summarised in
// lambda-facts §8. The table below holds the midpoint of each range given there, in ms:
//
//   runtime                     x86_64   arm64   (lambda-facts §8)
//   provided, provided.al2        16       16    Rust / C++: 14–18
//   provided.al2023               49       42    Go: ~49 / ~42
//   python3.9 – python3.13        80       80    70–90
//   python3.14                   100      100    ~100
//   nodejs18.x – nodejs24.x      139      122    131–147 (x86), 114–130 (arm); 18.x assumed alike
//   java17, java21, java25       212      212    185–240
//   java11                       275      350    ~275 / ~350
//   dotnet8, dotnet10            275      275    230–320 (managed)
//   ruby3.2 – ruby3.4            265      265    210–320
//
// Draws are lognormal with that MEAN and a spread `sigma` (σ of ln duration; default 0.2,
// [unverified]: the source reports means of 10 starts, not their spread). Memory has no effect
// (flat across 128–1,024 MB in the source). Container images: only .NET 8 is measured (~450–480
// ms against ~275 ms ZIP), so an image multiplies the ZIP value by `image_factor` (default 1.7,
// from that one pair [unverified]). These are hello-world numbers: they exclude sandbox
// placement, code download and dependency loading; real applications are slower (Huawei
// production: ~3–7 s), so `platform_overhead` (default 0) adds a constant for them. A compact
// table derived from lambda-perf itself (per runtime × memory × architecture × package, with
// the script deriving it) needs ../shared/data/lambda-perf/, which this machine does not have.
//
//   cold_start: { type: runtime }                       # the function's runtime, architecture
//   cold_start: { type: runtime, runtime: java21, architecture: arm64, package: zip,
//                 sigma: 0.3, platform_overhead: 150ms }
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/builtin.hpp"

namespace lsim::models {
namespace {

struct Preset {
  const char* runtime;
  double x86_ms;
  double arm_ms;
};

constexpr Preset kPresets[] = {
    {"provided", 16, 16},       {"provided.al2", 16, 16},   {"provided.al2023", 49, 42},
    {"python3.9", 80, 80},      {"python3.10", 80, 80},     {"python3.11", 80, 80},
    {"python3.12", 80, 80},     {"python3.13", 80, 80},     {"python3.14", 100, 100},
    {"nodejs18.x", 139, 122},   {"nodejs20.x", 139, 122},   {"nodejs22.x", 139, 122},
    {"nodejs24.x", 139, 122},   {"java11", 275, 350},       {"java17", 212, 212},
    {"java21", 212, 212},       {"java25", 212, 212},       {"dotnet8", 275, 275},
    {"dotnet10", 275, 275},     {"ruby3.2", 265, 265},      {"ruby3.3", 265, 265},
    {"ruby3.4", 265, 265},
};

class RuntimeColdStart final : public DurationDistribution {
 public:
  RuntimeColdStart(double mean_s, double sigma, double overhead_s, RngStream rng)
      : mu_(std::log(mean_s) - 0.5 * sigma * sigma), sigma_(sigma), overhead_s_(overhead_s),
        rng_(std::move(rng)) {}
  Duration sample() override {
    return to_duration(std::exp(mu_ + sigma_ * rng_.normal()) + overhead_s_);
  }
  [[nodiscard]] double mean_seconds() const override {
    return std::exp(mu_ + 0.5 * sigma_ * sigma_) + overhead_s_;
  }

 private:
  const double mu_, sigma_, overhead_s_;
  RngStream rng_;
};

}  // namespace

/// The preset's mean INIT in ms, or a negative number when the runtime has no measurement.
double runtime_cold_start_ms(const std::string& runtime, bool arm64) {
  for (const Preset& p : kPresets)
    if (runtime == p.runtime) return arm64 ? p.arm_ms : p.x86_ms;
  return -1;
}

void register_runtime_cold_start(Registry<DurationDistribution>& r) {
  r.add({.type = "runtime",
         .summary = "Measured hello-world INIT by runtime and architecture (lambda-perf, "
                    "lambda-facts §8), lognormal around it, plus a platform overhead.",
         .params = {{"runtime", "runtime", "the function's", "e.g. python3.12, nodejs22.x, java21"},
                    {"architecture", "architecture", "the function's", "x86_64 or arm64"},
                    {"package", "package type", "the function's", "zip or image"},
                    {"sigma", "number", "0.2", "spread: σ of ln(duration) [unverified]"},
                    {"image_factor", "number", "1.7", "container image / ZIP [unverified]"},
                    {"platform_overhead", "duration", "0", "added to every INIT"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<DurationDistribution> {
           const std::string runtime = p.string_or("runtime", "python3.12");
           const std::string arch = p.string_or("architecture", "x86_64");
           const std::string package = p.string_or("package", "zip");
           const double sigma = p.number_or("sigma", 0.2);
           const double image_factor = p.number_or("image_factor", 1.7);
           const Duration overhead = p.duration_or("platform_overhead", Duration{0});
           bool ok = p.check(arch == "x86_64" || arch == "arm64", "architecture",
                             "must be x86_64 or arm64");
           ok = p.check(package == "zip" || package == "image", "package",
                        "must be zip or image") && ok;
           ok = p.check(sigma >= 0 && sigma <= 3, "sigma", "must be between 0 and 3") && ok;
           ok = p.check(image_factor >= 1 && image_factor <= 20, "image_factor",
                        "must be between 1 and 20") && ok;
           const double ms = runtime_cold_start_ms(runtime, arch == "arm64");
           if (ms < 0) {
             std::vector<std::string> known;
             for (const Preset& pr : kPresets) known.emplace_back(pr.runtime);
             std::string msg = fmt::format("no measured cold start for runtime '{}'", runtime);
             const std::string guess = closest_match(runtime, known);
             if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
             p.error("runtime", msg + "; give a distribution instead, e.g. {type: lognormal, "
                                      "median: 300ms, p99: 900ms}");
             return nullptr;
           }
           if (!ok) return nullptr;
           const double mean_s = ms / 1000.0 * (package == "image" ? image_factor : 1.0);
           return std::make_unique<RuntimeColdStart>(mean_s, sigma, to_seconds(overhead),
                                                     std::move(rng));
         }});
}

}  // namespace lsim::models
