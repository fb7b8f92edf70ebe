// Turning collectors into the plain numbers of a Summary.
#include "sim/stats/summary.hpp"

namespace lsim {

LatencySummary summarize_latency(LatencyHistogram h, const RunningStats& ms) {
  LatencySummary s;
  s.count = h.count();
  if (s.count == 0) return s;
  s.mean = ms.mean();
  s.stddev = ms.stddev();
  auto q = [&](double p) { return static_cast<double>(h.quantile(p)) / 1000.0; };
  s.p50 = q(0.50);
  s.p90 = q(0.90);
  s.p95 = q(0.95);
  s.p99 = q(0.99);
  s.p999 = q(0.999);
  s.max = static_cast<double>(h.max()) / 1000.0;
  return s;
}

}  // namespace lsim
