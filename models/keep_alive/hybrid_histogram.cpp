// The hybrid histogram keep-alive policy of "Serverless in the Wild: Characterizing and
// Optimizing the Serverless Workload at a Large Cloud Provider" (Shahrad et al., USENIX ATC
// 2020, §4). Per version, a histogram of idle times (IT: from the end of an execution to the
// next invocation) in `bin`-wide bins over `range` (paper: 1-minute bins, 4 hours). After each
// execution:
//   - if the histogram is representative — at least `min_samples` ITs, a coefficient of
//     variation of the bin counts of at least `cv_threshold` (a concentrated pattern), and at
//     most `oob_threshold` of the ITs beyond the range — the pre-warming window is the `head`
//     percentile of the ITs (paper: 5th) minus a `margin` (10 %), and the keep-alive window
//     runs from it to the `tail` percentile (99th) plus the margin: the environment is unloaded
//     at once, loaded again after the pre-warming window, and kept for the keep-alive window;
//     a pre-warming window of 0 just keeps the environment for the keep-alive window;
//   - otherwise the policy falls back to a fixed keep-alive of `fallback` (paper: the
//     histogram range, 4 h). The paper forecasts with ARIMA when most ITs fall beyond the
//     range; that branch is not modelled: it also falls back.
// The thresholds `min_samples` 10, `cv_threshold` 2 and `oob_threshold` 0.5 are this model's
// reading of the paper [unverified]. Percentiles are taken on bin edges: the head rounds down,
// the tail up. A pre-warmed environment runs INIT (billed like on-demand INIT, without a
// request) and is counted in environments.prewarmed.
//
//   keep_alive: { type: hybrid_histogram }
//   keep_alive: { type: hybrid_histogram, range: 4h, bin: 1m, head: 0.05, tail: 0.99 }
#include <cmath>
#include <vector>

#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class HybridHistogramKeepAlive final : public KeepAlivePolicy {
 public:
  struct Params {
    Duration bin, range, fallback;
    double head, tail, margin, cv_threshold, oob_threshold;
    std::int64_t min_samples;
    std::optional<Duration> max_lifetime;
  };
  explicit HybridHistogramKeepAlive(Params p)
      : p_(p), counts_(static_cast<std::size_t>(std::max<std::int64_t>(1, p.range / p.bin))) {}

  [[nodiscard]] bool learns() const override { return true; }
  void observe_idle_time(Duration it) override {
    const auto i = static_cast<std::size_t>(it / p_.bin);
    if (i >= counts_.size()) ++out_of_bounds_;
    else ++counts_[i];
    ++samples_;
    decide();
  }
  Duration prewarm_after(Time) override { return prewarm_; }
  Duration idle_timeout(Time) override { return keep_; }
  [[nodiscard]] std::optional<Duration> max_lifetime() const override { return p_.max_lifetime; }

 private:
  // Recomputes the windows after a new observation: O(bins), once per idle period.
  void decide() {
    prewarm_ = Duration{0};
    keep_ = p_.fallback;
    const std::int64_t in_range = samples_ - out_of_bounds_;
    if (samples_ < p_.min_samples || in_range <= 0) return;
    if (static_cast<double>(out_of_bounds_) > p_.oob_threshold * static_cast<double>(samples_))
      return;
    const double n = static_cast<double>(counts_.size());
    const double mean = static_cast<double>(in_range) / n;
    double var = 0;
    for (const std::int64_t c : counts_) var += (static_cast<double>(c) - mean) * (static_cast<double>(c) - mean);
    const double cv = std::sqrt(var / n) / mean;
    if (cv < p_.cv_threshold) return;
    // Percentiles over the in-range ITs, on bin edges.
    auto bin_of = [&](double q) {
      const double target = q * static_cast<double>(in_range);
      double cum = 0;
      for (std::size_t i = 0; i < counts_.size(); ++i) {
        cum += static_cast<double>(counts_[i]);
        if (cum >= target) return i;
      }
      return counts_.size() - 1;
    };
    const Duration head = p_.bin * static_cast<std::int64_t>(bin_of(p_.head));
    // The keep-alive window lasts at least to the end of the head's bin (head >= tail included).
    const Duration tail =
        p_.bin * static_cast<std::int64_t>(std::max(bin_of(p_.tail), bin_of(p_.head)) + 1);
    prewarm_ = to_duration(to_seconds(head) * (1 - p_.margin));
    keep_ = to_duration((to_seconds(tail) - to_seconds(prewarm_)) * (1 + p_.margin));
  }

  const Params p_;
  std::vector<std::int64_t> counts_;
  std::int64_t out_of_bounds_ = 0;
  std::int64_t samples_ = 0;
  Duration prewarm_{0};
  Duration keep_ = p_.fallback;
};

}  // namespace

void register_hybrid_histogram_keep_alive(Registry<KeepAlivePolicy>& r) {
  r.add({.type = "hybrid_histogram",
         .summary = "Learns each version's idle times (Shahrad et al., ATC'20): pre-warm and "
                    "keep-alive windows from the histogram's head and tail.",
         .params = {{"bin", "duration", "1m", "histogram bin width"},
                    {"range", "duration", "4h", "histogram range"},
                    {"head", "number", "0.05", "percentile giving the pre-warming window"},
                    {"tail", "number", "0.99", "percentile ending the keep-alive window"},
                    {"margin", "number", "0.1", "safety margin on both windows"},
                    {"min_samples", "integer", "10", "idle times needed before trusting it"},
                    {"cv_threshold", "number", "2", "bin-count CV for a representative pattern"},
                    {"oob_threshold", "number", "0.5", "most idle times allowed beyond range"},
                    {"fallback", "duration", "the range", "fixed keep-alive otherwise"},
                    {"max_lifetime", "duration", "none", "reclaim environments this old"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<KeepAlivePolicy> {
           HybridHistogramKeepAlive::Params k{};
           k.bin = p.duration_or("bin", std::chrono::minutes(1));
           k.range = p.duration_or("range", std::chrono::hours(4));
           k.fallback = p.duration_or("fallback", k.range);
           k.head = p.number_or("head", 0.05);
           k.tail = p.number_or("tail", 0.99);
           k.margin = p.number_or("margin", 0.1);
           k.min_samples = p.integer_or("min_samples", 10);
           k.cv_threshold = p.number_or("cv_threshold", 2);
           k.oob_threshold = p.number_or("oob_threshold", 0.5);
           k.max_lifetime = p.optional_duration("max_lifetime");
           bool ok = p.check(k.bin > Duration{0}, "bin", "must be > 0");
           // A range shorter than a bin is one bin.
           ok = p.check(k.range / std::max(k.bin, Duration{1}) <= 100'000, "range",
                        "must be at most 100,000 bins") && ok;
           ok = p.check(k.head >= 0 && k.head <= 1, "head", "must be in [0, 1]") && ok;
           ok = p.check(k.tail >= 0 && k.tail <= 1, "tail", "must be in [0, 1]") && ok;
           ok = p.check(k.margin >= 0 && k.margin <= 1, "margin", "must be in [0, 1]") && ok;
           ok = p.check(k.min_samples >= 1, "min_samples", "must be >= 1") && ok;
           ok = p.check(k.cv_threshold >= 0, "cv_threshold", "must be >= 0") && ok;
           ok = p.check(k.oob_threshold >= 0 && k.oob_threshold <= 1, "oob_threshold",
                        "must be between 0 and 1") && ok;
           if (k.max_lifetime) ok = p.check(*k.max_lifetime > Duration{0}, "max_lifetime", "must be > 0") && ok;
           if (!ok) return nullptr;
           return std::make_unique<HybridHistogramKeepAlive>(k);
         }});
}

}  // namespace lsim::models
