// Scaling rate: how fast a function may add execution environments.
//
// Since 2023-11-26 "each function independently gets 1,000 new execution environments every
// 10 seconds", refilled continuously, unused capacity not accruing beyond that, up to the
// account's concurrency (Lambda developer guide "Lambda scaling behavior"; AWS News Blog "AWS
// Lambda functions now scale 12 times faster", 2023; lambda-facts §3). Modelled as a token bucket
// per function: it starts full with `burst` tokens, gains `rate` tokens per second up to `burst`,
// and every new environment takes one. An invocation that needs a new environment when the bucket
// is empty is throttled. Reusing an idle environment takes no token.
// Not modelled: the "10 RPS per environment" rule for very short functions (lambda-facts §3).
//
//   scaling: { type: token_bucket }                       # 1,000 per 10 s (the default)
//   scaling: { type: token_bucket, burst: 1000, rate: 100/s }
//   scaling: unlimited                                    # no scaling limit at all
//
// legacy_burst: the model before 2023-11-26, account-level and shared by all functions: an initial
// burst of 3,000 (us-west-2, us-east-1, eu-west-1), 1,000 (ap-northeast-1, eu-central-1,
// us-east-2) or 500 (other regions) environments, then 500 more per minute (Lambda developer
// guide "Lambda function scaling" / "Burst concurrency", 2022 edition; operator guide example:
// 10,000 simultaneous requests in us-east-1 → 3,000 served, 7,000 throttled; lambda-facts §3).
// Modelled as one token bucket for the account (burst tokens, refilled at 500 per minute, never
// above the burst), so a scaling wave that subsides lets the burst capacity recover.
//
//   scaling: legacy_burst                                 # burst of the scenario's region
//   scaling: { type: legacy_burst, region: eu-central-1 }
//   scaling: { type: legacy_burst, burst: 3000, rate: 500/m }
#include "models/builtin.hpp"

#include <fmt/format.h>

#include <limits>
#include <string>

namespace lsim::models {
namespace {

class TokenBucketScaling : public ScalingPolicy {
 public:
  TokenBucketScaling(double burst, double rate_per_s)
      : burst_(burst), rate_per_us_(rate_per_s * 1e-6), tokens_(burst) {}
  bool try_acquire(Time now) override {
    const auto t = now.time_since_epoch().count();
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(t - last_) * rate_per_us_);
    last_ = t;
    // A small epsilon absorbs rounding in the refill, so 100/s really yields one per 10 ms.
    if (tokens_ < 1.0 - 1e-9) return false;
    tokens_ -= 1.0;
    return true;
  }
  double tokens() const override { return tokens_; }

 private:
  const double burst_;
  const double rate_per_us_;
  double tokens_;
  std::int64_t last_ = 0;
};

class UnlimitedScaling final : public ScalingPolicy {
 public:
  bool try_acquire(Time) override { return true; }
  double tokens() const override { return std::numeric_limits<double>::infinity(); }
};

class LegacyBurstScaling final : public TokenBucketScaling {
 public:
  LegacyBurstScaling(double burst, double rate_per_s)
      : TokenBucketScaling(burst, rate_per_s),
        key_(fmt::format("legacy_burst(burst={}, rate={}/s)", burst, rate_per_s)) {}
  std::string account_key() const override { return key_; }

 private:
  std::string key_;
};

// The initial burst by region (lambda-facts §3).
int legacy_burst_of(const std::string& region) {
  for (const char* r : {"us-west-2", "us-east-1", "eu-west-1"})
    if (region == r) return 3000;
  for (const char* r : {"ap-northeast-1", "eu-central-1", "us-east-2"})
    if (region == r) return 1000;
  return 500;
}

}  // namespace

void register_scaling_policies(Registry<ScalingPolicy>& r) {
  r.add({.type = "token_bucket",
         .summary = "Per-function token bucket: `burst` new environments at once, refilled at `rate` "
                    "(AWS since 2023-11: 1,000 per 10 s).",
         .params = {{"burst", "number", "1000", "bucket size: new environments allowed at once"},
                    {"rate", "rate", "100/s", "refill rate of the bucket (1,000 per 10 s)"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<ScalingPolicy> {
           const std::int64_t burst = p.integer_or("burst", 1000);
           const double rate = p.has("rate") ? p.rate_per_s("rate") : 100.0;
           if (!p.check(burst >= 1 && burst <= 100'000'000, "burst",
                        "must be a whole number between 1 and 100,000,000"))
             return nullptr;
           return std::make_unique<TokenBucketScaling>(static_cast<double>(burst), rate);
         }});
  r.add({.type = "legacy_burst",
         .summary = "Pre-2023 account-wide burst: 3,000/1,000/500 new environments by region, then "
                    "+500 per minute, shared by all functions.",
         .params = {{"region", "text", "the scenario's pricing.region",
                     "picks the burst: 3,000 (us-east-1, us-west-2, eu-west-1), 1,000 "
                     "(ap-northeast-1, eu-central-1, us-east-2), else 500"},
                    {"burst", "number", "by region", "initial burst (overrides region)"},
                    {"rate", "rate", "500/m", "growth after the burst"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<ScalingPolicy> {
           const std::string region = p.string_or("region", "us-east-1");
           const std::int64_t burst = p.integer_or("burst", legacy_burst_of(region));
           const double rate = p.has("rate") ? p.rate_per_s("rate") : 500.0 / 60.0;
           if (!p.check(burst >= 1 && burst <= 100'000'000, "burst",
                        "must be a whole number between 1 and 100,000,000"))
             return nullptr;
           return std::make_unique<LegacyBurstScaling>(static_cast<double>(burst), rate);
         }});
  r.add({.type = "unlimited",
         .summary = "No scaling-rate limit: only concurrency limits new environments.",
         .params = {},
         .make = [](ParamReader&, RngStream) -> std::unique_ptr<ScalingPolicy> {
           return std::make_unique<UnlimitedScaling>();
         }});
}

}  // namespace lsim::models
