// Constant duration: every draw is `value`. The baseline for tests and closed forms; with
// `cold_start`, `value: 0ms` means no INIT time at all.
//
//   duration: { type: constant, value: 120ms }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class ConstantDistribution final : public DurationDistribution {
 public:
  explicit ConstantDistribution(Duration v) : value_(v) {}
  Duration sample() override { return value_; }
  [[nodiscard]] double mean_seconds() const override { return to_seconds(value_); }

 private:
  const Duration value_;
};

}  // namespace

void register_constant_distribution(Registry<DurationDistribution>& r) {
  r.add({.type = "constant",
         .summary = "Always the same duration.",
         .params = {{"value", "duration", "required", "the duration (0 allowed)"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<DurationDistribution> {
           return std::make_unique<ConstantDistribution>(p.duration("value"));
         }});
}

}  // namespace lsim::models
