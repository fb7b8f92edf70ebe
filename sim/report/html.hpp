// The HTML report: one self-contained file (no scripts, no network, no external fonts) with
// inline SVG charts drawn here — latency CDF (cold and warm), concurrency and environments over
// time, cold starts and throttles over time, the bill by line item and function — the scenario
// itself and the assumptions behind the numbers. Readable when printed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/lambda/observer.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/stats/histogram.hpp"
#include "sim/stats/summary.hpp"

namespace lsim {

/// Collects what the charts need that the Summary does not hold: counts per time bin and the
/// whole latency distributions (measured window only).
class SeriesRecorder final : public PlatformObserver {
 public:
  /// `bins` equal bins over [warm-up, horizon].
  SeriesRecorder(const ScenarioSpec& spec, std::size_t bins = 200);
  void on_step(const StepEvent& e) override;
  /// Closes the last bins at the horizon; call once after the run.
  void finish();

  struct Bin {
    double busy = 0;         ///< mean executions in flight (environments initialising or running)
    double live = 0;         ///< mean environments in existence
    double provisioned = 0;  ///< mean provisioned environments ready
    std::uint64_t arrived = 0, cold = 0, throttled = 0, dropped = 0;
  };
  [[nodiscard]] const std::vector<Bin>& bins() const { return bins_; }
  [[nodiscard]] double bin_seconds() const { return static_cast<double>(width_) * 1e-6; }
  [[nodiscard]] double start_seconds() const { return static_cast<double>(from_) * 1e-6; }
  LatencyHistogram cold_latency;  ///< µs, init + execution
  LatencyHistogram warm_latency;

 private:
  void advance(std::int64_t t);
  std::int64_t from_, to_, width_;
  std::int64_t last_ = 0;
  std::int64_t busy_ = 0, live_ = 0, provisioned_ = 0;
  std::vector<Bin> bins_;
};

/// `s` with <, >, & and " escaped for HTML text and attribute values.
std::string html_escape(const std::string& s);

/// The report. `scenario_text` is shown as written (the file's text).
std::string to_html(const Summary& summary, const ScenarioSpec& spec,
                    const std::string& scenario_text, SeriesRecorder& series);

}  // namespace lsim
