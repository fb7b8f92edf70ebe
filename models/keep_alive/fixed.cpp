// Fixed keep-alive: an idle environment is reclaimed exactly `idle` after its last invocation
// ended, and every environment is reclaimed at `max_lifetime` after creation, busy or not (it
// finishes its current invocation first).
//
// AWS does not document idle eviction (lambda-facts §7, §10). Measured: "precisely 10 minutes
// after the last request" from July 2019 (Shilkov, 2019; pacslab, Jun 2020: warm after 635.8 s,
// cold after 645 s), and environments recycled after at most ~2 h regardless of traffic (Xebia,
// "AWS Lambda terminates instances preemptively"; observed maxima 111–122 min). Hence the
// defaults used when a function gives no keep_alive: idle 10m, max_lifetime 2h. `idle: 0s`
// reclaims every environment as soon as it finishes (every start is cold).
//
//   keep_alive: { type: fixed, idle: 10m, max_lifetime: 2h }
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class FixedKeepAlive final : public KeepAlivePolicy {
 public:
  FixedKeepAlive(Duration idle, std::optional<Duration> max_lifetime)
      : idle_(idle), max_lifetime_(max_lifetime) {}
  Duration idle_timeout(Time) override { return idle_; }
  [[nodiscard]] std::optional<Duration> max_lifetime() const override { return max_lifetime_; }

 private:
  const Duration idle_;
  const std::optional<Duration> max_lifetime_;
};

}  // namespace

void register_fixed_keep_alive(Registry<KeepAlivePolicy>& r) {
  r.add({.type = "fixed",
         .summary = "Reclaim an environment a fixed time after it became idle.",
         .params = {{"idle", "duration", "required", "idle time before reclaim (0 = at once)"},
                    {"max_lifetime", "duration", "none",
                     "reclaim environments this long after creation, even if busy (AWS: ~2h)"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<KeepAlivePolicy> {
           const Duration idle = p.duration("idle");
           const std::optional<Duration> life = p.optional_duration("max_lifetime");
           if (life && !p.check(*life > Duration{0}, "max_lifetime", "must be > 0"))
             return nullptr;
           return std::make_unique<FixedKeepAlive>(idle, life);
         }});
}

}  // namespace lsim::models
