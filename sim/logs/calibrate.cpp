// `lambdasim calibrate`: reads REPORT lines, fits the duration, memory-scaling, cold-start and
// arrival models, and writes them as a commented scenario (see calibrate.hpp for the rules).
#include "sim/logs/calibrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>
#include <variant>

#include "sim/core/check.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/core/rng.hpp"
#include "sim/lambda/cpu_share.hpp"
#include "sim/logs/line_reader.hpp"
#include "sim/logs/report.hpp"
#include "sim/scenario/load.hpp"
#include "sim/stats/fit.hpp"

namespace lsim {

namespace {

/// A printed duration in seconds; 0.00 ms (possible for trivial handlers) becomes half the
/// printed resolution, so ln() is defined and the value stays below anything printed as 0.01.
double seconds_of(const PrintedMs& ms) {
  const std::int64_t us = ms.us > 0 ? ms.us : std::max<std::int64_t>(ms.resolution_us / 2, 1);
  return static_cast<double>(us) * 1e-6;
}

/// A duration for the scenario, exact to the microsecond the loader keeps: `102.25ms`.
std::string yaml_ms(double seconds) {
  const auto us = static_cast<std::int64_t>(std::llround(seconds * 1e6));
  std::string text = fmt::format("{}.{:03}", us / 1000, us % 1000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + "ms";
}

/// A duration for people, in comments.
std::string human_ms(double seconds) { return fmt::format("{:.2f} ms", seconds * 1e3); }

std::string yaml_rate(double per_s) {
  if (per_s >= 0.01) return fmt::format("{:.6f}/s", per_s);
  if (per_s * 3600 >= 0.01) return fmt::format("{:.6f}/h", per_s * 3600);
  return fmt::format("{:.6f}/d", per_s * 86'400);
}

std::string percent(double ratio) { return fmt::format("{:.2f} %", 100 * ratio); }

/// The model chosen for one sample: lognormal when the KS test keeps it, else the values.
struct ModelChoice {
  std::optional<LognormalFit> fit;  ///< when there were at least 2 values
  bool lognormal = false;
  std::vector<double> samples_s;  ///< empirical: the values or their quantiles
  double median_s = 0;            ///< the median the model gives
  double sample_median_s = 0;     ///< the data's
  std::size_t n = 0;
};

ModelChoice choose_model(const std::vector<double>& x, std::size_t max_samples) {
  ModelChoice c;
  c.n = x.size();
  c.sample_median_s = median(x);
  if (x.size() >= 2) {
    c.fit = fit_lognormal(x);
    c.lognormal = c.fit->acceptable() && c.fit->sigma > 0;
  }
  if (c.lognormal) {
    c.median_s = std::exp(c.fit->mu);
  } else {
    c.samples_s = quantile_subsample(x, max_samples);
    c.median_s = median(c.samples_s);
  }
  return c;
}

/// One line of comment: the fit and its goodness.
std::string describe(const ModelChoice& c) {
  if (!c.fit) return fmt::format("a single value ({})", human_ms(c.sample_median_s));
  const LognormalFit& f = *c.fit;
  return fmt::format(
      "lognormal MLE mu {:.4f}, sigma {:.4f} of ln(s) (median {}, p99 {}), n = {}; KS D = "
      "{:.4f} {} {:.4f} (5 % critical value, parameters estimated)",
      f.mu, f.sigma, human_ms(std::exp(f.mu)), human_ms(std::exp(f.mu + kNormalZ99 * f.sigma)), f.n,
      f.ks_d, f.acceptable() ? "<=" : ">", f.ks_critical);
}

/// The model as YAML at `indent` (the key is written by the caller: "duration:" …).
std::string model_yaml(const ModelChoice& c, const std::string& key, const std::string& indent) {
  if (c.lognormal)
    return fmt::format("{}{}: {{ type: lognormal, mu: {:.6f}, sigma: {:.6f} }}\n", indent, key,
                       c.fit->mu, c.fit->sigma);
  std::string out = fmt::format("{}{}:\n{}  type: empirical\n", indent, key, indent);
  const std::string head = fmt::format("{}  samples: [", indent);
  const std::string cont(head.size(), ' ');
  std::string line = head;
  for (std::size_t i = 0; i < c.samples_s.size(); ++i) {
    const std::string item = yaml_ms(c.samples_s[i]) + (i + 1 < c.samples_s.size() ? "," : "]");
    if (line.size() + item.size() + 1 > 100 && line != head) {
      out += line + '\n';
      line = cont;
    }
    if (line != head && line != cont) line += ' ';
    line += item;
  }
  return out + line + '\n';
}

/// The Memory Size with the most lines (the smaller one on a tie): its fit is the best measured.
int reference_size(const FunctionSamples& f) {
  int best = 0;
  std::size_t most = 0;
  for (const auto& [mb, xs] : f.durations_s) {
    if (xs.size() > most) {
      most = xs.size();
      best = mb;
    }
  }
  return best;
}

void write_function(const std::string& name, const FunctionSamples& f,
                    const CalibrateOptions& options, std::string& out) {
  out += fmt::format(
      "  # {}: {} REPORT line{} at {} memory size{}; {} with Init Duration (cold-start ratio "
      "{}){}{}\n",
      name, f.records, f.records == 1 ? "" : "s", f.durations_s.size(),
      f.durations_s.size() == 1 ? "" : "s", f.cold,
      percent(static_cast<double>(f.cold) / static_cast<double>(f.records)),
      f.log_group != name ? fmt::format("; log group name '{}'", f.log_group) : "",
      f.restores > 0 ? fmt::format("; {} SnapStart restores (not modelled here)", f.restores) : "");
  const std::size_t timeouts = f.timeout_durations_s.size();
  if (timeouts > 0 || f.errors > 0)
    out += fmt::format(
        "  # {} timed out (left out of the fits: their Duration is the timeout), {} ended in an "
        "error (kept)\n",
        timeouts, f.errors);
  const int ref = reference_size(f);
  out += fmt::format("  - name: {}\n", name);
  out += fmt::format("    memory: {}MB\n", ref);
  if (f.timeout_durations_s.empty()) {
    out +=
        "    # The logs do not show the function's timeout (no line timed out): the maximum, so no "
        "execution is cut short.\n";
    out += "    timeout: 900s\n";
  } else {
    // A timed-out invocation's Duration is the timeout (e.g. 3000.00 ms for 3 s), which Lambda
    // sets in whole seconds. If the lines disagree the timeout was changed: the largest is used,
    // so that no execution is cut shorter than the logs show one ran.
    const auto& t = f.timeout_durations_s;
    const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
    const double seconds = std::clamp(std::round(*hi), 1.0, 900.0);
    out += fmt::format(
        "    # timeout from the Duration of the {} timed-out line{}: {}{}, rounded to whole "
        "seconds as Lambda sets it. The duration model is fitted without those lines, so "
        "simulated timeouts come only from its tail.\n",
        t.size(), t.size() == 1 ? "" : "s", human_ms(*hi),
        *lo != *hi ? fmt::format(" (the largest; they range from {}: was the timeout changed?)",
                                 human_ms(*lo))
                   : "");
    out += fmt::format("    timeout: {}s\n", seconds);
  }

  std::map<int, ModelChoice> choices;
  for (const auto& [mb, xs] : f.durations_s)
    choices.emplace(mb, choose_model(xs, options.max_empirical_samples));
  const ModelChoice& r = choices.at(ref);
  out += fmt::format("    # duration at {}MB: {}", ref, describe(r));
  out += r.lognormal
             ? " -> lognormal\n"
             : fmt::format(" -> empirical: {} of the {} measured values{}\n", r.samples_s.size(),
                           r.n, r.samples_s.size() < r.n ? " (evenly spaced quantiles)" : "");
  out += model_yaml(r, "duration", "    ");

  if (f.durations_s.size() > 1) {
    std::vector<SizeMedian> medians;
    for (const auto& [mb, c] : choices) medians.push_back({mb, c.sample_median_s, c.n});
    const MemoryScalingFit fit =
        fit_memory_scaling(medians, ref, r.median_s, 1.0, options.memory_exponent);
    if (fit.identifiable) {
      out += fmt::format(
          "    # memory_scaling: duration(m) = duration({}MB) x ((1 - cpu_bound) + cpu_bound x "
          "(s({}MB)/s(m))^exponent), s = min(m/1769MB, 6, threads = 1) vCPUs; {} by least "
          "squares on the relative errors of the per-size medians, through the {}MB model's "
          "median {}: cpu_bound {:.4f}{}, exponent {:.3f}{}; rms error {}, max {}\n",
          ref, ref, fit.exponent_fitted ? "cpu_bound and exponent" : "cpu_bound", ref,
          human_ms(r.median_s), fit.cpu_bound,
          fit.unclamped_cpu_bound != fit.cpu_bound
              ? fmt::format(" (clamped to [0, 1] from {:.4f})", fit.unclamped_cpu_bound)
              : "",
          fit.exponent,
          fit.exponent_fitted ? " (searched in [0.25, 4]; 1 = time proportional to 1/vCPUs)"
                              : " (given)",
          percent(fit.rms_relative_error), percent(fit.max_relative_error));
    } else {
      out += fmt::format(
          "    # memory_scaling: not fitted: every size runs at the speed of {}MB (one vCPU from "
          "1769MB for single-threaded code), so the sizes cannot tell how CPU-bound it is\n",
          ref);
    }
    // The scenario prints cpu_bound with 4 decimals: predict with what it will read.
    const double cpu_bound = std::round(fit.cpu_bound * 1e4) / 1e4;
    out += "    # per size: measured median -> the scenario's median at that memory; fit\n";
    for (const auto& [mb, c] : choices) {
      const double scale =
          fit.identifiable ? duration_scale(mb, ref, cpu_bound, 1.0, fit.exponent) : 1.0;
      const double predicted = r.median_s * scale;
      out +=
          fmt::format("    #   {}MB: {} -> {} ({:+.1f} %); {}{}\n", mb, human_ms(c.sample_median_s),
                      human_ms(predicted), 100 * (predicted / c.sample_median_s - 1), describe(c),
                      c.lognormal || !c.fit ? "" : " (lognormal rejected)");
    }
    if (fit.identifiable)
      out += fmt::format(
          "    memory_scaling: {{ reference_memory: {}MB, cpu_bound: {:.4f}, exponent: {:.3f} }}\n",
          ref, fit.cpu_bound, fit.exponent);
  }

  if (f.init_s.empty()) {
    out +=
        "    # cold_start: no REPORT line had an Init Duration, so INIT time is unknown: set it\n";
    out += "    cold_start: { type: constant, value: 0ms }\n";
  } else {
    const ModelChoice c = choose_model(f.init_s, options.max_empirical_samples);
    out += fmt::format("    # cold_start from the Init Durations of every size pooled: {}{}\n",
                       describe(c), c.lognormal ? "" : " -> empirical");
    out += model_yaml(c, "cold_start", "    ");
  }
  out += fmt::format(
      "    # Observed cold-start ratio {} ({} of {}); the simulated one follows from the rate "
      "and the keep-alive model (default: 10 min idle, 2 h lifetime): compare with `lambdasim "
      "run`.\n",
      percent(static_cast<double>(f.cold) / static_cast<double>(f.records)), f.cold, f.records);
}

void write_workload(std::size_t index, const std::string& name, const FunctionSamples& f,
                    std::string& out) {
  const double span_s = static_cast<double>(f.last_us - f.first_us) * 1e-6;
  if (f.timed >= 2 && f.last_us > f.first_us) {
    const double rate = static_cast<double>(f.timed - 1) / span_s;
    out += fmt::format(
        "  # {}: {} timestamped REPORT lines over {:.3f} s: rate = (lines - 1) / span = {:.6f}/s "
        "(REPORT lines are written at the end of each invocation; Poisson arrivals assumed)\n",
        name, f.timed, span_s, rate);
    out += fmt::format("  - function: {}\n    arrivals: {{ type: poisson, rate: {} }}\n", name,
                       yaml_rate(rate));
  } else {
    out += fmt::format(
        "  # {}: the lines carry no usable timestamps, so the rate is unknown: 1/s is a "
        "placeholder; set it, e.g. --set workload.{}.arrivals.rate=20/s\n",
        name, index);
    out += fmt::format("  - function: {}\n    arrivals: {{ type: poisson, rate: 1/s }}\n", name);
  }
}

/// Wraps comment lines longer than kWidth columns at spaces; continuation lines keep the
/// comment's indent and hang four columns further. Other lines are left as they are.
std::string wrap_comments(const std::string& text) {
  constexpr std::size_t kWidth = 100;
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t hash = line.find_first_not_of(' ');
    if (line.size() <= kWidth || hash == std::string::npos || line[hash] != '#') {
      out += line + '\n';
      continue;
    }
    const std::size_t body = std::min(line.find_first_not_of(' ', hash + 1), line.size());
    const std::string hang = std::string(hash, ' ') + '#' + std::string(body - hash - 1 + 4, ' ');
    while (line.size() > kWidth) {
      std::size_t cut = line.rfind(' ', kWidth);
      if (cut == std::string::npos || cut <= hang.size()) cut = line.find(' ', kWidth);
      if (cut == std::string::npos) break;  // one long word: leave it
      out += line.substr(0, cut) + '\n';
      const std::size_t next = line.find_first_not_of(' ', cut);
      line = hang + (next == std::string::npos ? std::string() : line.substr(next));
    }
    out += line + '\n';
  }
  return out;
}

}  // namespace

std::string function_name_from(const std::string& log_group) {
  std::string out;
  for (char c : log_group) {
    out += function_name_char(c) ? c : '_';
    if (out.size() == kMaxFunctionNameLength) break;
  }
  return out.empty() ? "fn" : out;
}

std::uint64_t read_calibration_input(const std::vector<std::string>& inputs,
                                     const CalibrateOptions& options, CalibrationInput& data,
                                     std::ostream& err) {
  LogProblems problems(err);
  LogLineCounts counts;
  data.inputs.insert(data.inputs.end(), inputs.begin(), inputs.end());
  scan_report_lines(inputs, problems, counts, [&](const std::string& name, const ReportRecord& r) {
    const int mb = *r.memory_mb;
    if (mb < kMinMemoryMb || mb > kMaxMemoryMb) {
      problems.add(name, r.line,
                   fmt::format("Memory Size {} MB is outside Lambda's 128-10,240 MB", mb));
      return;
    }
    const std::string group = r.function_name.empty() ? options.function : r.function_name;
    const std::string fn = function_name_from(group);
    FunctionSamples& f = data.functions[fn];
    if (f.records == 0) f.log_group = group;
    ++data.records;
    ++f.records;
    if (r.init) {
      ++f.cold;
      f.init_s.push_back(seconds_of(*r.init));
    }
    if (r.restore) ++f.restores;
    if (r.timestamp_epoch_us) {
      const std::int64_t t = *r.timestamp_epoch_us;
      f.first_us = f.timed == 0 ? t : std::min(f.first_us, t);
      f.last_us = f.timed == 0 ? t : std::max(f.last_us, t);
      ++f.timed;
    }
    if (r.status == "timeout") {
      f.timeout_durations_s.push_back(seconds_of(r.duration));
      return;
    }
    if (r.status != "success") ++f.errors;
    f.durations_s[mb].push_back(seconds_of(r.duration));
  });
  data.lines += counts.lines;
  data.init_reports += counts.init_reports;
  data.restore_reports += counts.restore_reports;
  data.other += counts.other;
  // A function whose every line timed out has nothing to fit.
  for (const auto& [fn, f] : data.functions) {
    if (f.durations_s.empty())
      problems.add(
          fn, 0,
          fmt::format("every REPORT line of function '{}' timed out: no Duration to fit", fn));
  }
  problems.finish();
  return problems.count();
}

std::string calibrated_scenario(const CalibrationInput& data, const CalibrateOptions& options) {
  LSIM_CHECK(data.records > 0 && !data.functions.empty(), "calibration without REPORT lines");
  std::string inputs;
  for (const std::string& i : data.inputs)
    inputs += (inputs.empty() ? "" : ", ") + (i == "-" ? std::string("<stdin>") : i);
  std::string out;
  out += fmt::format(
      "# Calibrated by `lambdasim calibrate` from {}: {} lines, {} REPORT, {} INIT_REPORT, {} "
      "RESTORE_REPORT, {} other.\n",
      inputs, data.lines, data.records, data.init_reports, data.restore_reports, data.other);
  out +=
      "# Each fit below states its model, sample size and goodness of fit: a lognormal by maximum\n"
      "# likelihood is kept when the Kolmogorov-Smirnov D is at most its 5 % critical value for\n"
      "# parameters estimated from the data (Stephens 1974: 0.895 / (sqrt(n) - 0.01 + 0.85 / "
      "sqrt(n)));\n"
      "# otherwise the measured values themselves are resampled (empirical).\n"
      "# Try other memory sizes with the fitted scaling rule, e.g.\n";
  const std::string first = data.functions.begin()->first;
  out += fmt::format("#   lambdasim sweep {} --set functions.{}.memory=128MB,512MB,1GB,2GB -r 3\n",
                     options.scenario_path, first);
  out += "name: calibrated\nseed: 1\nduration: 1h\nfunctions:\n";
  for (const auto& [name, f] : data.functions) write_function(name, f, options, out);
  out += "workload:\n";
  std::size_t index = 0;
  for (const auto& [name, f] : data.functions) write_workload(index++, name, f, out);
  return wrap_comments(out);
}

}  // namespace lsim
