// Trace replay: the arrivals of one function read from a trace file, streamed line by line from
// disk (plain or gzip, through LineReader) and never loaded whole: the state is one line, one
// row's minute counts (azure2019, at most 1,440) and a reorder window of `reorder_window` start
// times, whatever the file's size. Rows after the simulated horizon are never read.
//
// Formats (`format:`):
//   csv        one row per invocation. With a header line (its timestamp field is not a number):
//              a `timestamp` column (seconds, decimal) and optionally `function` (and `duration`,
//              in seconds, used by `lambdasim import`); other columns are ignored. Without a
//              header: column 1 timestamp, column 2 function, column 3 duration (2 and 3 optional).
//              `function: NAME` keeps the rows whose function column is NAME (required when the
//              file has a function column). Blank lines and lines starting with '#' are skipped.
//   azure2019  Azure Functions Trace 2019 (Shahrad et al., USENIX ATC 2020), schema from
//              github.com/Azure/AzurePublicDataset AzureFunctionsDataset2019.md, revision 2:
//              invocations_per_function_md.anon.dNN.csv with header
//              `HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440` (invocations per minute of
//              the day). `function:` selects the row by HashFunction (`owner:` HashOwner and
//              `app:` HashApp narrow it; a HashFunction that matches several rows is an error).
//              Files with fewer minute columns (1..N, excerpts and fixtures) are accepted.
//              Within minute m (from 0) its c invocations are spread over [60m, 60m + 60) s:
//                spread: uniform  evenly, at 60m + 60(i + 0.5)/c, i = 0..c−1 (deterministic);
//                spread: poisson  at the sorted times of c independent uniform points of the minute
//                                 — a Poisson process conditioned on its count c —, drawn in
//                                 increasing order with O(1) state: U(i) = 1 − (1 −
//                                 U(i−1))·V^(1/(c−i)) with V uniform (Bentley & Saxe, "Generating
//                                 sorted lists of random numbers", 1980). Each minute keeps exactly
//                                 its count.
//   azure2021  Azure Functions Invocation Trace 2021 (Zhang et al., SOSP 2021), schema from
//              AzurePublicDataset AzureFunctionsInvocationTrace2021.md, revision 1: header
//              `app,func,end_timestamp,duration` (seconds), one row per invocation. `app:` and
//              `func:` select one function (func ids are unique only within an app). The arrival is
//              the start, end_timestamp − duration. The file is ordered by end time, roughly, so
//              starts are not in order: a window of the `reorder_window` earliest pending starts
//              (default 1,024 rows of the function) sorts them; a start earlier than one already
//              replayed (the window was too small) is an error naming its line.
//   Rows of csv must be in time order (reorder_window 0 by default; raise it to accept a little
//   disorder). Errors name `file:line`: the header and first rows are checked when the scenario is
//   loaded, a later bad row stops the run with exit code 2.
//
// Time: an arrival at trace time t (seconds) happens at simulated time start + t − time_offset;
// rows before time_offset are skipped. `loop: true` replays the trace again and again,
// every `loop_period` (default: the whole day of minute columns for azure2019, else the last
// replayed trace time − time_offset, rounded up to the second).
// `path:` is relative to the scenario file's folder (to the current folder when it comes from a
// --set override); the loader is unchanged: the reader uses the file named in the key's location.
//
//   arrivals: { type: trace, format: csv, path: traces/api.csv, function: api }
//   arrivals: { type: trace, format: azure2019, path: d01/invocations_per_function_md.anon.d01.csv,
//               function: 9a3e4e…, spread: poisson }
//   arrivals: { type: trace, format: azure2021, path:
//   AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt,
//               app: 7fa05b…, func: 9bc86d…, time_offset: 5000s }
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <queue>
#include <string_view>
#include <vector>

#include "models/builtin.hpp"
#include "models/traces/trace_files.hpp"
#include "sim/logs/line_reader.hpp"

namespace lsim::models {
namespace {

enum class TraceFormat { Csv, Azure2019, Azure2021 };

struct TraceOptions {
  TraceFormat format = TraceFormat::Csv;
  std::string path;      // resolved
  std::string function;  // csv: function column value; azure2019: HashFunction
  std::string owner, app, func;
  bool poisson = false;  // azure2019 spreading
  double time_offset_s = 0;
  double start_s = 0;
  bool loop = false;
  std::optional<double> loop_period_s;
  std::size_t reorder_window = 0;
};

class TraceArrivals final : public ArrivalProcess {
 public:
  /// Opens the trace and reads its header and first rows (up to the reorder window); throws
  /// ScenarioError `file:line: error: …` when they are unusable.
  TraceArrivals(TraceOptions o, RngStream rng) : o_(std::move(o)), rng_(std::move(rng)) {
    open_pass();
    if (o_.format == TraceFormat::Azure2019) {
      if (total_ == 0) fail(row_line_, "the selected function has no invocations");
    } else {
      fill();
      if (pending_.empty())
        fail(reader_->line_number(), o_.format == TraceFormat::Csv && !o_.function.empty()
                                         ? fmt::format("no rows of function '{}'", o_.function)
                                         : std::string("no rows of the selected function"));
    }
  }

  OptionalTime next(Time) override {
    for (;;) {
      const std::optional<double> t = next_trace_time();
      if (!t) {
        // A pass that replayed nothing (every row before time_offset) would loop for ever.
        if (!o_.loop || pass_replayed_ == 0) return std::nullopt;
        pass_offset_s_ += period();
        open_pass();
        if (o_.format != TraceFormat::Azure2019) fill();
        continue;
      }
      last_trace_s_ = *t;
      if (*t < o_.time_offset_s) continue;
      const double at = o_.start_s + pass_offset_s_ + (*t - o_.time_offset_s);
      if (at < last_at_s_)  // only across passes: rows within one are in order
        fail(0, fmt::format("loop_period {} s is shorter than the trace's span: the next pass "
                            "would start before its last arrival",
                            period()));
      ++pass_replayed_;
      ++replayed_;
      last_at_s_ = at;
      return Time{to_duration(at)};
    }
  }

  /// azure2019: the trace's mean over its day. csv and azure2021: the rate of the arrivals
  /// replayed so far (0 before the first), since the file is not read ahead.
  [[nodiscard]] double mean_rate_per_s() const override {
    if (o_.format == TraceFormat::Azure2019) return static_cast<double>(total_) / day_s();
    return last_at_s_ > 0 ? static_cast<double>(replayed_) / last_at_s_ : 0.0;
  }

 private:
  struct Pending {
    double t;
    std::size_t line;
    bool operator>(const Pending& b) const { return t > b.t || (t == b.t && line > b.line); }
  };

  [[noreturn]] void fail(std::size_t line, const std::string& message) const {
    trace::fail_at(o_.path, line, message);
  }

  [[nodiscard]] double day_s() const { return 60.0 * static_cast<double>(counts_.size()); }

  [[nodiscard]] double period() const {
    if (o_.loop_period_s) return *o_.loop_period_s;
    if (o_.format == TraceFormat::Azure2019) return day_s();
    return std::max(1.0, std::ceil(last_trace_s_ - o_.time_offset_s));
  }

  // Opens the file (again, for a loop) and reads its header; azure2019 also finds its row.
  void open_pass() {
    pass_replayed_ = 0;
    eof_ = false;
    last_emitted_.reset();
    pending_ = {};
    reader_ = std::make_unique<LineReader>(o_.path);
    std::string line;
    bool found_header = false;
    while (reader_->next(line)) {
      if (trace::is_blank_or_comment(line)) continue;
      trace::split_fields(line, fields_);
      found_header = true;
      break;
    }
    if (!found_header) fail(reader_->line_number(), "empty trace file");
    switch (o_.format) {
      case TraceFormat::Csv:
        read_csv_header(line);
        break;
      case TraceFormat::Azure2021:
        read_2021_header();
        break;
      case TraceFormat::Azure2019:
        read_2019();
        break;
    }
  }

  void read_csv_header(const std::string& line) {
    if (trace::parse_number(fields_.at(0))) {  // no header: timestamp[,function[,duration]]
      time_col_ = 0;
      function_col_.reset();
      if (fields_.size() > 1) function_col_ = 1;
      first_line_ = line;  // the first data row
      first_line_number_ = reader_->line_number();
    } else {
      const auto t = trace::column(fields_, "timestamp");
      if (!t)
        fail(reader_->line_number(),
             "the header has no 'timestamp' column (a csv trace is `timestamp[,function"
             "[,duration]]`, timestamps in seconds, with an optional header line)");
      time_col_ = *t;
      function_col_ = trace::column(fields_, "function");
      first_line_.reset();
    }
    if (function_col_ && o_.function.empty())
      fail(reader_->line_number(),
           "the trace has a function column: choose one function with `function: NAME`");
    if (!function_col_ && !o_.function.empty())
      fail(reader_->line_number(),
           fmt::format("`function: {}` given but the trace has no function column", o_.function));
  }

  void read_2021_header() {
    const auto app = trace::column(fields_, "app"), func = trace::column(fields_, "func"),
               end = trace::column(fields_, "end_timestamp"),
               dur = trace::column(fields_, "duration");
    if (!app || !func || !end || !dur)
      fail(reader_->line_number(),
           "expected the Azure 2021 header `app,func,end_timestamp,duration`");
    app_col_ = *app;
    function_col_ = *func;
    time_col_ = *end;
    duration_col_ = *dur;
    first_line_.reset();
  }

  // Reads the header, then every row, keeping the minute counts of the one selected row.
  void read_2019() {
    const std::size_t header_line = reader_->line_number();
    if (fields_.size() < 5 || fields_[0] != "HashOwner" || fields_[1] != "HashApp" ||
        fields_[2] != "HashFunction" || fields_[3] != "Trigger")
      fail(header_line,
           "expected the Azure 2019 header `HashOwner,HashApp,HashFunction,Trigger,1,...,1440`");
    const std::size_t minutes = fields_.size() - 4;
    for (std::size_t m = 0; m < minutes; ++m)
      if (fields_[4 + m] != std::to_string(m + 1) || m >= 1440)
        fail(header_line,
             fmt::format("column {} of the header should be the minute '{}'", 5 + m, m + 1));
    counts_.assign(minutes, 0);
    total_ = 0;
    std::size_t matches = 0;
    std::string line;
    while (reader_->next(line)) {
      if (trace::is_blank_or_comment(line)) continue;
      trace::split_fields(line, fields_);
      if (fields_.size() != minutes + 4)
        fail(reader_->line_number(),
             fmt::format("expected {} fields, found {}", minutes + 4, fields_.size()));
      if (fields_[2] != o_.function || (!o_.owner.empty() && fields_[0] != o_.owner) ||
          (!o_.app.empty() && fields_[1] != o_.app))
        continue;
      if (++matches > 1)
        fail(reader_->line_number(),
             fmt::format("a second row of function '{}' (first at line {}): give `owner:` and "
                         "`app:` to choose one",
                         o_.function, row_line_));
      row_line_ = reader_->line_number();
      for (std::size_t m = 0; m < minutes; ++m) {
        const auto c = trace::parse_number(fields_[4 + m]);
        if (!c || *c < 0 || *c != std::floor(*c) || *c > 1e9)
          fail(row_line_,
               fmt::format("minute {}: '{}' is not a count of invocations", m + 1, fields_[4 + m]));
        counts_[m] = static_cast<std::uint32_t>(*c);
        total_ += counts_[m];
      }
    }
    if (matches == 0)
      fail(header_line,
           fmt::format("no row with HashFunction '{}'{}", o_.function,
                       o_.owner.empty() && o_.app.empty() ? "" : " (and the owner/app given)"));
    minute_ = 0;
    in_minute_ = 0;
    u_prev_ = 0;
  }

  // The next selected row's time (csv: timestamp; azure2021: end − duration), in file order.
  std::optional<Pending> pull_row() {
    std::string line;
    for (;;) {
      std::size_t line_no = 0;
      if (first_line_) {
        line = std::move(*first_line_);
        first_line_.reset();
        line_no = first_line_number_;
      } else {
        if (!reader_->next(line)) return std::nullopt;
        line_no = reader_->line_number();
      }
      if (trace::is_blank_or_comment(line)) continue;
      trace::split_fields(line, fields_);
      const std::size_t need =
          std::max({time_col_, function_col_.value_or(0), app_col_, duration_col_}) + 1;
      if (fields_.size() < need)
        fail(line_no, fmt::format("expected at least {} fields, found {}", need, fields_.size()));
      if (o_.format == TraceFormat::Azure2021) {
        if (fields_[app_col_] != o_.app || fields_[*function_col_] != o_.func) continue;
      } else if (function_col_ && fields_[*function_col_] != o_.function) {
        continue;
      }
      const auto t = trace::parse_number(fields_[time_col_]);
      if (!t) fail(line_no, fmt::format("'{}' is not a time in seconds", fields_[time_col_]));
      double at = *t;
      if (o_.format == TraceFormat::Azure2021) {
        const auto d = trace::parse_number(fields_[duration_col_]);
        if (!d || *d < 0)
          fail(line_no, fmt::format("'{}' is not a duration in seconds", fields_[duration_col_]));
        at -= *d;
      }
      return Pending{at, line_no};
    }
  }

  // Reads rows until the window holds reorder_window + 1 of them (or the file ends).
  void fill() {
    while (!eof_ && pending_.size() <= o_.reorder_window) {
      const std::optional<Pending> row = pull_row();
      if (!row) {
        eof_ = true;
        break;
      }
      if (last_emitted_ && row->t < *last_emitted_)
        fail(row->line,
             fmt::format("rows out of time order: {} s is earlier than {} s, already replayed; "
                         "{}",
                         row->t, *last_emitted_,
                         o_.reorder_window == 0
                             ? "sort the file by time, or allow some disorder with reorder_window"
                             : fmt::format("the reorder window of {} rows is too small",
                                           o_.reorder_window)));
      pending_.push(*row);
    }
  }

  std::optional<double> next_trace_time() {
    if (o_.format == TraceFormat::Azure2019) return next_2019();
    if (pending_.size() <= o_.reorder_window) fill();
    if (pending_.empty()) return std::nullopt;
    const Pending p = pending_.top();
    pending_.pop();
    last_emitted_ = p.t;
    return p.t;
  }

  std::optional<double> next_2019() {
    while (minute_ < counts_.size() && in_minute_ == counts_[minute_]) {
      ++minute_;
      in_minute_ = 0;
      u_prev_ = 0;
    }
    if (minute_ >= counts_.size()) return std::nullopt;
    const std::uint32_t c = counts_[minute_];
    double offset_us = 0;
    if (o_.poisson) {
      const double v = 1.0 - rng_.uniform01();  // in (0, 1]
      u_prev_ = 1.0 - (1.0 - u_prev_) * std::pow(v, 1.0 / static_cast<double>(c - in_minute_));
      offset_us = std::floor(60e6 * u_prev_);
    } else {
      offset_us =
          std::floor(60e6 * (static_cast<double>(in_minute_) + 0.5) / static_cast<double>(c));
    }
    // Whole microseconds inside the minute, so that rounding never moves one into the next.
    offset_us = std::min(offset_us, 60e6 - 1);
    ++in_minute_;
    return (60e6 * static_cast<double>(minute_) + offset_us) * 1e-6;
  }

  TraceOptions o_;
  RngStream rng_;
  std::unique_ptr<LineReader> reader_;
  std::vector<std::string_view> fields_;
  std::optional<std::string> first_line_;  // a header-less csv's first row, read with the header
  std::size_t first_line_number_ = 0;
  std::size_t time_col_ = 0, app_col_ = 0, duration_col_ = 0;
  std::optional<std::size_t> function_col_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::optional<double> last_emitted_;
  bool eof_ = false;
  // azure2019
  std::vector<std::uint32_t> counts_;
  std::uint64_t total_ = 0;
  std::size_t row_line_ = 0;
  std::size_t minute_ = 0;
  std::uint32_t in_minute_ = 0;
  double u_prev_ = 0;
  // time keeping
  double pass_offset_s_ = 0;
  std::uint64_t pass_replayed_ = 0;  // arrivals of the current pass
  double last_trace_s_ = 0;
  std::uint64_t replayed_ = 0;
  double last_at_s_ = 0;
};

// A relative `path:` is taken from the folder of the file the key was written in.
std::string resolve_path(const std::string& path, const SourceLoc& where) {
  std::filesystem::path p(path);
  if (p.is_relative() && !where.file.empty() && !where.file.starts_with("--set "))
    p = std::filesystem::path(where.file).parent_path() / p;
  return p.lexically_normal().string();
}

std::unique_ptr<ArrivalProcess> make_trace(ParamReader& p, RngStream rng) {
  TraceOptions o;
  const std::size_t errors_at_start = p.diagnostics().error_count();
  const std::string format = p.string("format");
  const std::string path = p.string("path");
  if (format == "csv") {
    o.format = TraceFormat::Csv;
  } else if (format == "azure2019") {
    o.format = TraceFormat::Azure2019;
  } else if (format == "azure2021") {
    o.format = TraceFormat::Azure2021;
  } else if (!format.empty()) {
    p.error("format",
            fmt::format("unknown trace format '{}'; known: csv, azure2019, azure2021", format));
  }
  const bool csv = format == "csv", a19 = format == "azure2019", a21 = format == "azure2021";
  // Every selection key is read whatever the format, so that a wrong format is the one error.
  struct Key {
    const char* name;
    std::string* into;
    bool applies, required;
  };
  std::string spread = "uniform";
  for (const Key& k : {Key{"function", &o.function, csv || a19, a19},
                       Key{"owner", &o.owner, a19, false}, Key{"app", &o.app, a19 || a21, a21},
                       Key{"func", &o.func, a21, a21}, Key{"spread", &spread, a19, false}}) {
    if (!p.has(k.name)) {
      if (k.required)
        p.diagnostics().error(p.node().loc, p.path(),
                              fmt::format("missing required key '{}' (format {})", k.name, format));
      continue;
    }
    *k.into = p.string(k.name);
    if (!k.applies && (csv || a19 || a21))
      p.error(k.name, fmt::format("'{}' does not apply to format '{}'", k.name, format));
  }
  if (spread == "poisson")
    o.poisson = true;
  else if (spread != "uniform")
    p.error("spread", fmt::format("unknown spread '{}'; known: uniform, poisson", spread));
  o.time_offset_s = to_seconds(p.duration_or("time_offset", Duration{0}));
  o.start_s = to_seconds(p.duration_or("start", Duration{0}));
  o.loop = p.boolean_or("loop", false);
  if (const auto period = p.optional_duration("loop_period")) {
    if (p.check(*period > Duration{0}, "loop_period", "must be longer than 0"))
      o.loop_period_s = to_seconds(*period);
  }
  const std::int64_t window = p.integer_or("reorder_window", a21 ? 1024 : 0);
  p.check(window >= 0 && window <= 1'000'000, "reorder_window", "must be between 0 and 1000000");
  o.reorder_window = static_cast<std::size_t>(std::clamp<std::int64_t>(window, 0, 1'000'000));
  if (path.empty() || p.diagnostics().error_count() != errors_at_start) return nullptr;
  o.path = resolve_path(path, p.loc_of("path"));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.path, ec)) {
    p.error("path", fmt::format("cannot open trace file '{}': {}", o.path,
                                std::filesystem::exists(o.path, ec) ? "not a regular file"
                                                                    : "no such file"));
    return nullptr;
  }
  try {
    return std::make_unique<TraceArrivals>(std::move(o), std::move(rng));
  } catch (const ScenarioError& e) {
    for (const Diagnostic& d : e.diagnostics().all())
      p.diagnostics().error(d.loc, d.path.empty() ? p.path() : d.path, d.message);
    return nullptr;
  }
}

}  // namespace

void register_trace_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "trace",
         .summary = "Replays a trace file, streamed from disk (csv, azure2019, azure2021).",
         .params = {{"format", "csv|azure2019|azure2021", "required", "the file's layout"},
                    {"path", "file", "required",
                     "the trace (plain or gzip), relative to the scenario file"},
                    {"function", "string", "none",
                     "csv: value of the function column; azure2019: HashFunction"},
                    {"owner", "string", "any", "azure2019: HashOwner"},
                    {"app", "string", "required/any",
                     "azure2021: app (required); azure2019: HashApp"},
                    {"func", "string", "required", "azure2021: func"},
                    {"spread", "uniform|poisson", "uniform",
                     "azure2019: how a minute's count is spread over the minute"},
                    {"time_offset", "duration", "0s", "trace time that becomes simulated time 0"},
                    {"start", "duration", "0s", "simulated time added to every arrival"},
                    {"loop", "boolean", "false", "replay the trace again at its end"},
                    {"loop_period", "duration", "the trace's span", "time between loop starts"},
                    {"reorder_window", "integer", "0 (azure2021: 1024)",
                     "rows held to sort starts that are slightly out of order"}},
         .make = make_trace});
}

}  // namespace lsim::models
