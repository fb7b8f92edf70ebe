// `lambdasim calibrate`: from CloudWatch REPORT lines to a ready-to-run scenario. Per function and
// Memory Size it fits the execution durations (lognormal by maximum likelihood, or the measured
// values when a Kolmogorov–Smirnov test rejects the lognormal), the memory → duration rule
// across sizes, the INIT durations of cold starts, and the arrival rate from the timestamps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lsim {

/// What was read from the logs for one function.
struct FunctionSamples {
  std::string log_group;  ///< the name the lines gave (before making it a valid function name)
  /// Duration (seconds) of each REPORT line by Memory Size, timeouts left out (their Duration is
  /// the timeout, not the work).
  std::map<int, std::vector<double>> durations_s;
  std::vector<double> init_s;  ///< Init Duration (seconds) of the cold REPORT lines, all sizes
  std::uint64_t records = 0;   ///< REPORT lines
  std::uint64_t cold = 0;      ///< REPORT lines with Init Duration
  std::uint64_t restores = 0;  ///< REPORT lines with Restore Duration (SnapStart)
  /// Duration (seconds) of each `Status: timeout` line: the function's timeout at the time.
  std::vector<double> timeout_durations_s;
  std::uint64_t errors = 0;    ///< any other status than success and timeout
  std::uint64_t timed = 0;     ///< REPORT lines whose timestamp gives a time of day
  std::int64_t first_us = 0, last_us = 0;  ///< earliest and latest such timestamp (epoch us)
};

/// Everything read from the inputs.
struct CalibrationInput {
  std::vector<std::string> inputs;                   ///< as given ("-" for standard input)
  std::map<std::string, FunctionSamples> functions;  ///< by function name (sorted)
  std::uint64_t lines = 0, records = 0, init_reports = 0, restore_reports = 0, other = 0;
};

struct CalibrateOptions {
  /// The function of lines whose prefix names no log group (`/aws/lambda/NAME`).
  std::string function = "fn";
  /// Most values an empirical duration model keeps (quantiles beyond that).
  std::size_t max_empirical_samples = 1000;
  /// memory_scaling's exponent: fitted with cpu_bound (std::nullopt, the default), or fixed
  /// (1: the documented proportional CPU share).
  std::optional<double> memory_exponent;
  /// How the scenario is called in the comment that shows how to sweep it.
  std::string scenario_path = "SCENARIO.yaml";
};

/// Reads every input (a path or "-"; plain or gzip) line by line and collects the REPORT lines'
/// durations per function and Memory Size. Problems (unreadable file, malformed platform line,
/// a Memory Size outside 128–10,240 MB) go to `err` as `file:line: error: …`; returns how many.
std::uint64_t read_calibration_input(const std::vector<std::string>& inputs,
                                     const CalibrateOptions& options, CalibrationInput& data,
                                     std::ostream& err);

/// The scenario (YAML text) that reproduces `data`: one function per log group, at the Memory
/// Size with the most lines (the reference), with
/// - duration: lognormal {mu, sigma} of ln(seconds) by maximum likelihood, or — when the
///   Kolmogorov–Smirnov D exceeds its 5 % critical value (parameters estimated from the data,
///   Stephens 1974) or there are fewer than 2 values — empirical {samples} (at most
///   options.max_empirical_samples quantiles);
/// - memory_scaling {reference_memory, cpu_bound, exponent} fitted to the per-size medians
///   (fit_memory_scaling; exponent fixed by options.memory_exponent, else fitted too) when the
///   sizes differ in CPU speed;
/// - timeout: the largest Duration of the timed-out lines rounded to whole seconds (Lambda's
///   timeout is set in seconds, 1–900), or 900 s (nothing cut short) without any;
/// - cold_start: the same choice for the Init Durations of every size pooled, or constant 0 ms
///   when no line had one;
/// - a workload per function: poisson at (timestamped lines − 1) / (last − first timestamp), or
///   a placeholder 1/s (said in a comment) without two distinct timestamps;
/// and `#` comments giving every fit, its sample size and goodness of fit, the per-size medians
/// against the scaling rule, the cold-start ratio and what the logs do not say. Same input, same
/// bytes. `data` must hold at least one REPORT line (LSIM_CHECK).
std::string calibrated_scenario(const CalibrationInput& data, const CalibrateOptions& options);

/// A valid function name from a log group's: letters, digits, '-' and '_' kept, anything else
/// '_', at most 64 characters; "fn" for an empty name.
std::string function_name_from(const std::string& log_group);

}  // namespace lsim
