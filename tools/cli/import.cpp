// `lambdasim import`: reads a trace once, streaming, summarises each of its functions (count,
// span, durations, memory) and writes a scenario that replays it with `arrivals: {type: trace}`,
// one function per trace function. The generated file is loaded and validated before it is
// written (atomically: a temporary file, then a rename).
#include "tools/cli/import.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

#include "models/builtin.hpp"
#include "models/traces/trace_files.hpp"
#include "sim/core/units.hpp"
#include "sim/lambda/cpu_share.hpp"
#include "sim/logs/line_reader.hpp"
#include "sim/scenario/load.hpp"

namespace lsim::cli {

const char* const kImportHelp =
    R"(usage: lambdasim import --format azure2019|azure2021|csv PATH... --output SCENARIO.yaml
                        [--top N] [--duration D] [--spread uniform|poisson] [--memory MB]

Turns a trace into a ready-to-run scenario: one function per trace function, each replayed
from the trace file by `arrivals: {type: trace, ...}` (streamed from disk when the scenario runs,
so a large trace is never loaded whole), with its duration model and memory taken from the trace.
The scenario refers to the trace by a path relative to itself; it is validated before it is
written. Edit it like any scenario (cold starts, keep-alive, concurrency) and run it.

formats:
  azure2019  PATH is the folder of the Azure Functions Trace 2019 (AzurePublicDataset, ATC'20)
             holding invocations_per_function_md.anon.dNN.csv (per-minute counts),
             function_durations_percentiles.anon.dNN.csv and app_memory_percentiles.anon.dNN.csv;
             the earliest day found is used. Per function: arrivals spread within each minute
             (--spread, default poisson); duration lognormal through the trace's p50 and p99
             (percentile_Average_50 and _99, ms; the other percentiles in a comment); memory
             the app's AverageAllocatedMb rounded up to whole MB within 128–10,240 MB.
             Names: fn-<first 12 characters of HashFunction>; the hashes are in a comment.
  azure2021  PATH is the Azure Functions Invocation Trace 2021 file (app,func,end_timestamp,
             duration). Per (app, func): arrivals at end_timestamp − duration; duration lognormal
             with the mean and standard deviation of ln(duration) of its rows; memory --memory
             (the trace has none). time_offset is the earliest start, rounded down to the
             second. Names: fn-<app's first 8>-<func's first 8>.
  csv        PATH... are files with timestamp[,function[,duration]] in seconds (a header line
             names the columns; see `lambdasim models`, arrivals trace). One function per
             function value (per file without a function column: named after the file);
             duration lognormal as for azure2021 when there is a duration column.
  Without durations, the duration is dslab's fit of the 2019 trace, lognormal mu −0.38, sigma
  2.36 (ln seconds). Cold starts are a placeholder (lognormal, median 250 ms, p99 800 ms): the
  traces do not record INIT. Timeouts are 900 s, so nothing the trace ran is cut short. Names
  that collide get -2, -3, ...

options:
  --format F         azure2019, azure2021 or csv (required)
  -o, --output FILE  the scenario to write (required)
  --top N            keep the N functions with the most invocations (default: all)
  --duration D       simulated horizon (default: up to the trace's last arrival)
  --spread S         azure2019: uniform or poisson within each minute (default poisson)
  --memory MB        memory of functions the trace gives none (default 256)
  -h, --help         this help

examples:
  lambdasim import --format azure2019 tests/data/traces/azure2019 --output azure.yaml --top 2
  lambdasim validate azure.yaml && lambdasim run azure.yaml
  lambdasim import --format azure2021 AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt \
      --output jan2021.yaml --top 50 --duration 1h
  lambdasim import --format csv tests/data/traces/csv/invocations.csv -o mine.yaml
)";

namespace {

struct Options {
  std::string format;
  std::vector<std::string> paths;
  std::string output;
  std::optional<std::size_t> top;
  std::optional<Duration> duration;
  std::string spread = "poisson";
  int memory_mb = 256;
};

// One function of the generated scenario.
struct Imported {
  std::string key;                    // what the trace calls it (for sorting and naming)
  std::string base_name;              // proposed Lambda name
  std::vector<std::string> comments;  // hashes, percentiles
  std::uint64_t count = 0;
  double first_s = 0, last_s = 0;  // trace times of its first and last arrival
  std::string arrivals;            // YAML flow mapping
  std::string duration;            // YAML flow mapping
  int memory_mb = 0;
  std::string name;  // final, unique
};

// Mean and standard deviation of ln(seconds), streaming.
struct LogMoments {
  std::uint64_t n = 0;
  double sum = 0, sum_sq = 0;
  void add(double seconds) {
    const double x = std::log(std::max(seconds, 1e-3));  // a 0 s row counts as 1 ms
    ++n;
    sum += x;
    sum_sq += x * x;
  }
  [[nodiscard]] std::string yaml() const {
    if (n == 0) return "{ type: lognormal, mu: -0.38, sigma: 2.36 }";
    const double mu = sum / static_cast<double>(n);
    const double var = std::max(0.0, sum_sq / static_cast<double>(n) - mu * mu);
    return fmt::format("{{ type: lognormal, mu: {:.6f}, sigma: {:.6f} }}", mu, std::sqrt(var));
  }
};

std::string yaml_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ms_text(double ms) {
  std::string s = fmt::format("{:.3f}", std::max(ms, 0.001));
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "ms";
}

std::string seconds_text(double s) {
  std::string t = fmt::format("{:.6f}", s);
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t + "s";
}

// The trace's path as the scenario will name it: relative to the scenario's folder.
std::string relative_to_output(const std::string& file, const std::string& output) {
  namespace fs = std::filesystem;
  const fs::path out_dir = fs::absolute(output).parent_path();
  return fs::proximate(fs::absolute(file), out_dir).generic_string();
}

// Reads the first non-comment line into `fields`; false at the end.
bool next_fields(LineReader& in, std::string& line, std::vector<std::string_view>& fields) {
  while (in.next(line)) {
    if (trace::is_blank_or_comment(line)) continue;
    trace::split_fields(line, fields);
    return true;
  }
  return false;
}

std::vector<Imported> import_azure2019(const Options& o) {
  if (o.paths.size() != 1)
    throw std::invalid_argument("import: azure2019 takes one PATH, the folder of the trace files");
  const trace::Azure2019Files files = trace::find_azure2019_files(o.paths[0]);
  std::vector<Imported> out;
  std::map<std::string, std::size_t> by_function;  // owner,app,function -> index in out
  std::string line;
  std::vector<std::string_view> f;
  {
    LineReader in(files.invocations);
    if (!next_fields(in, line, f) || f.size() < 5 || f[0] != "HashOwner" || f[2] != "HashFunction")
      trace::fail_at(files.invocations, in.line_number(),
                     "expected the header `HashOwner,HashApp,HashFunction,Trigger,1,...,1440`");
    const std::size_t width = f.size();
    while (next_fields(in, line, f)) {
      if (f.size() != width)
        trace::fail_at(files.invocations, in.line_number(),
                       fmt::format("expected {} fields, found {}", width, f.size()));
      Imported imp;
      std::optional<std::size_t> first, last;
      for (std::size_t m = 4; m < width; ++m) {
        const auto c = trace::parse_number(f[m]);
        if (!c || *c < 0 || *c != std::floor(*c))
          trace::fail_at(files.invocations, in.line_number(),
                         fmt::format("minute {}: '{}' is not a count of invocations", m - 3, f[m]));
        if (*c > 0) {
          if (!first) first = m - 4;
          last = m - 4;
        }
        imp.count += static_cast<std::uint64_t>(*c);
      }
      if (imp.count == 0) continue;
      imp.key = fmt::format("{},{},{}", f[0], f[1], f[2]);
      imp.base_name = "fn-" + trace::lambda_name(f[2].substr(0, 12));
      imp.first_s = 60.0 * static_cast<double>(*first);
      imp.last_s = 60.0 * static_cast<double>(*last + 1);
      imp.comments.push_back(fmt::format("HashOwner {}", f[0]));
      imp.comments.push_back(fmt::format("HashApp {}", f[1]));
      imp.comments.push_back(
          fmt::format("HashFunction {}, trigger {}, {} invocations", f[2], f[3], imp.count));
      imp.arrivals = fmt::format(
          "{{ type: trace, format: azure2019, path: {}, function: {}, owner: {}, app: {}, "
          "spread: {} }}",
          yaml_quoted(relative_to_output(files.invocations, o.output)), yaml_quoted(f[2]),
          yaml_quoted(f[0]), yaml_quoted(f[1]), o.spread);
      imp.duration = LogMoments{}.yaml();
      imp.memory_mb = o.memory_mb;
      by_function[imp.key] = out.size();
      out.push_back(std::move(imp));
    }
  }
  if (!files.durations.empty()) {
    LineReader in(files.durations);
    if (!next_fields(in, line, f)) trace::fail_at(files.durations, in.line_number(), "empty file");
    const auto col = [&](std::string_view name) {
      const auto c = trace::column(f, name);
      if (!c)
        trace::fail_at(files.durations, in.line_number(),
                       fmt::format("the header has no '{}' column", name));
      return *c;
    };
    const std::size_t owner = col("HashOwner"), app = col("HashApp"), fn = col("HashFunction"),
                      avg = col("Average"), p0 = col("percentile_Average_0"),
                      p1 = col("percentile_Average_1"), p25 = col("percentile_Average_25"),
                      p50 = col("percentile_Average_50"), p75 = col("percentile_Average_75"),
                      p99 = col("percentile_Average_99"), p100 = col("percentile_Average_100");
    const std::size_t width = f.size();
    while (next_fields(in, line, f)) {
      if (f.size() != width)
        trace::fail_at(files.durations, in.line_number(),
                       fmt::format("expected {} fields, found {}", width, f.size()));
      const auto it = by_function.find(fmt::format("{},{},{}", f[owner], f[app], f[fn]));
      if (it == by_function.end()) continue;
      std::vector<double> v;
      for (const std::size_t c : {avg, p0, p1, p25, p50, p75, p99, p100}) {
        const auto x = trace::parse_number(f[c]);
        if (!x || *x < 0)
          trace::fail_at(files.durations, in.line_number(),
                         fmt::format("'{}' is not a duration in ms", f[c]));
        v.push_back(*x);
      }
      Imported& imp = out[it->second];
      const double median = v[4] > 0 ? v[4] : std::max(v[0], 1.0);
      const double tail = std::max(v[6], median);
      imp.duration =
          fmt::format("{{ type: lognormal, median: {}, p99: {} }}", ms_text(median), ms_text(tail));
      imp.comments.push_back(fmt::format(
          "durations (ms): average {}, percentiles 0/1/25/50/75/99/100: {}/{}/{}/{}/{}/{}/{}", v[0],
          v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
    }
  }
  std::map<std::string, int> app_memory;  // "owner,app" -> MB
  if (!files.memory.empty()) {
    LineReader in(files.memory);
    if (!next_fields(in, line, f)) trace::fail_at(files.memory, in.line_number(), "empty file");
    const auto owner = trace::column(f, "HashOwner"), app = trace::column(f, "HashApp"),
               avg = trace::column(f, "AverageAllocatedMb");
    if (!owner || !app || !avg)
      trace::fail_at(files.memory, in.line_number(),
                     "expected the header `HashOwner,HashApp,SampleCount,AverageAllocatedMb,...`");
    const std::size_t width = f.size();
    while (next_fields(in, line, f)) {
      if (f.size() != width)
        trace::fail_at(files.memory, in.line_number(),
                       fmt::format("expected {} fields, found {}", width, f.size()));
      const auto mb = trace::parse_number(f[*avg]);
      if (!mb || *mb < 0)
        trace::fail_at(files.memory, in.line_number(),
                       fmt::format("'{}' is not a memory in MB", f[*avg]));
      app_memory[fmt::format("{},{}", f[*owner], f[*app])] = static_cast<int>(
          std::clamp(std::ceil(*mb), double{kMinMemoryMb}, double{kMaxMemoryMb}));
    }
  }
  for (Imported& imp : out) {
    const std::string owner_app = imp.key.substr(0, imp.key.rfind(','));
    const auto it = app_memory.find(owner_app);
    if (it != app_memory.end()) {
      imp.memory_mb = it->second;
      imp.comments.push_back("memory: the app's AverageAllocatedMb, rounded up (128 MB at least)");
    } else {
      imp.comments.push_back("memory: no row in the app memory file, the default");
    }
    if (imp.duration.find("median") == std::string::npos)
      imp.comments.push_back("duration: no row in the durations file, dslab's default fit");
  }
  return out;
}

std::vector<Imported> import_azure2021(const Options& o) {
  if (o.paths.size() != 1)
    throw std::invalid_argument("import: azure2021 takes one PATH, the trace file");
  const std::string& file = o.paths[0];
  LineReader in(file);
  std::string line;
  std::vector<std::string_view> f;
  if (!next_fields(in, line, f)) trace::fail_at(file, in.line_number(), "empty trace file");
  const auto app = trace::column(f, "app"), func = trace::column(f, "func"),
             end = trace::column(f, "end_timestamp"), dur = trace::column(f, "duration");
  if (!app || !func || !end || !dur)
    trace::fail_at(file, in.line_number(),
                   "expected the Azure 2021 header `app,func,end_timestamp,duration`");
  const std::size_t need = std::max({*app, *func, *end, *dur}) + 1;
  struct Acc {
    std::string app, func;
    std::uint64_t count = 0;
    double first = 0, last = 0;
    LogMoments d;
  };
  std::map<std::string, Acc> acc;
  while (next_fields(in, line, f)) {
    if (f.size() < need)
      trace::fail_at(file, in.line_number(),
                     fmt::format("expected at least {} fields, found {}", need, f.size()));
    const auto e = trace::parse_number(f[*end]);
    const auto d = trace::parse_number(f[*dur]);
    if (!e)
      trace::fail_at(file, in.line_number(), fmt::format("'{}' is not a time in seconds", f[*end]));
    if (!d || *d < 0)
      trace::fail_at(file, in.line_number(),
                     fmt::format("'{}' is not a duration in seconds", f[*dur]));
    Acc& a = acc[fmt::format("{},{}", f[*app], f[*func])];
    const double start = *e - *d;
    if (a.count == 0) {
      a.app = std::string(f[*app]);
      a.func = std::string(f[*func]);
      a.first = a.last = start;
    }
    ++a.count;
    a.first = std::min(a.first, start);
    a.last = std::max(a.last, start);
    a.d.add(*d);
  }
  std::vector<Imported> out;
  for (auto& [key, a] : acc) {
    Imported imp;
    imp.key = key;
    imp.count = a.count;
    imp.first_s = a.first;
    imp.last_s = a.last;
    imp.base_name = fmt::format("fn-{}-{}", trace::lambda_name(a.app.substr(0, 8)),
                                trace::lambda_name(a.func.substr(0, 8)));
    imp.comments.push_back(fmt::format("app {}", a.app));
    imp.comments.push_back(fmt::format("func {}, {} invocations", a.func, a.count));
    imp.comments.push_back("duration: lognormal with the moments of ln(duration) of its rows");
    imp.comments.push_back("memory: the trace has none, the default");
    imp.arrivals = fmt::format("{{ type: trace, format: azure2021, path: {}, app: {}, func: {}",
                               yaml_quoted(relative_to_output(file, o.output)), yaml_quoted(a.app),
                               yaml_quoted(a.func));
    imp.duration = a.d.yaml();
    imp.memory_mb = o.memory_mb;
    out.push_back(std::move(imp));
  }
  return out;
}

std::vector<Imported> import_csv(const Options& o) {
  std::vector<Imported> out;
  for (const std::string& file : o.paths) {
    LineReader in(file);
    std::string line;
    std::vector<std::string_view> f;
    if (!next_fields(in, line, f)) trace::fail_at(file, in.line_number(), "empty trace file");
    std::size_t time_col = 0;
    std::optional<std::size_t> fn_col, dur_col;
    bool header = !trace::parse_number(f.at(0));
    if (header) {
      const auto t = trace::column(f, "timestamp");
      if (!t) trace::fail_at(file, in.line_number(), "the header has no 'timestamp' column");
      time_col = *t;
      fn_col = trace::column(f, "function");
      dur_col = trace::column(f, "duration");
    } else {
      if (f.size() > 1) fn_col = 1;
      if (f.size() > 2) dur_col = 2;
    }
    struct Acc {
      std::uint64_t count = 0;
      double first = 0, last = 0;
      LogMoments d;
    };
    std::map<std::string, Acc> acc;
    const std::size_t need = std::max({time_col, fn_col.value_or(0), dur_col.value_or(0)}) + 1;
    bool first_row = !header;
    while (first_row || next_fields(in, line, f)) {
      first_row = false;
      if (f.size() < need)
        trace::fail_at(file, in.line_number(),
                       fmt::format("expected at least {} fields, found {}", need, f.size()));
      const auto t = trace::parse_number(f[time_col]);
      if (!t)
        trace::fail_at(file, in.line_number(),
                       fmt::format("'{}' is not a time in seconds", f[time_col]));
      Acc& a = acc[fn_col ? std::string(f[*fn_col]) : std::string()];
      if (a.count == 0) a.first = a.last = *t;
      ++a.count;
      a.first = std::min(a.first, *t);
      a.last = std::max(a.last, *t);
      if (dur_col) {
        const auto d = trace::parse_number(f[*dur_col]);
        if (!d || *d < 0)
          trace::fail_at(file, in.line_number(),
                         fmt::format("'{}' is not a duration in seconds", f[*dur_col]));
        a.d.add(*d);
      }
    }
    for (auto& [fn, a] : acc) {
      Imported imp;
      imp.key = fn_col ? fn : std::filesystem::path(file).stem().string();
      imp.base_name = trace::lambda_name(imp.key);
      imp.count = a.count;
      imp.first_s = a.first;
      imp.last_s = a.last;
      imp.comments.push_back(fmt::format("{} invocations of {}{}", a.count,
                                         fn_col ? fmt::format("'{}' in ", fn) : "", file));
      imp.arrivals = fmt::format("{{ type: trace, format: csv, path: {}{}",
                                 yaml_quoted(relative_to_output(file, o.output)),
                                 fn_col ? fmt::format(", function: {}", yaml_quoted(fn)) : "");
      imp.duration = a.d.yaml();
      if (a.d.n == 0) imp.comments.push_back("duration: no duration column, dslab's default fit");
      imp.memory_mb = o.memory_mb;
      out.push_back(std::move(imp));
    }
  }
  return out;
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size())
        throw std::invalid_argument(fmt::format("import: {} needs a value", a));
      return args[++i];
    };
    if (a == "--format")
      o.format = value();
    else if (a == "--output" || a == "-o")
      o.output = value();
    else if (a == "--spread")
      o.spread = value();
    else if (a == "--top" || a == "--memory") {
      const std::string v = value();
      std::size_t used = 0;
      long long n = 0;
      try {
        n = std::stoll(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size() || n < 1)
        throw std::invalid_argument(
            fmt::format("import: {} '{}' is not a whole number >= 1", a, v));
      if (a == "--top")
        o.top = static_cast<std::size_t>(n);
      else if (n < kMinMemoryMb || n > kMaxMemoryMb)
        throw std::invalid_argument(fmt::format("import: --memory {} is outside 128–10240 MB", v));
      else
        o.memory_mb = static_cast<int>(n);
    } else if (a == "--duration") {
      const std::string v = value();
      const Parsed<Duration> d = parse_duration(v);
      if (!d.value || *d.value <= Duration{0})
        throw std::invalid_argument(fmt::format("import: --duration '{}': {}", v,
                                                d.value ? "must be longer than 0" : d.error));
      o.duration = *d.value;
    } else if (a.starts_with("-") && a != "-") {
      throw std::invalid_argument(
          fmt::format("import: unknown option '{}' (try: lambdasim import --help)", a));
    } else {
      o.paths.push_back(a);
    }
  }
  if (o.format.empty())
    throw std::invalid_argument(
        "import: missing --format azure2019|azure2021|csv (try: lambdasim import --help)");
  if (o.format != "azure2019" && o.format != "azure2021" && o.format != "csv")
    throw std::invalid_argument(
        fmt::format("import: unknown format '{}' (known: azure2019, azure2021, csv)", o.format));
  if (o.paths.empty())
    throw std::invalid_argument("import: missing PATH (try: lambdasim import --help)");
  if (o.output.empty()) throw std::invalid_argument("import: missing --output SCENARIO.yaml");
  if (o.spread != "uniform" && o.spread != "poisson")
    throw std::invalid_argument(
        fmt::format("import: unknown spread '{}' (known: uniform, poisson)", o.spread));
  return o;
}

}  // namespace

int cmd_import(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << kImportHelp;
      return 0;
    }
  const Options o = parse_options(args);
  std::vector<Imported> fns = o.format == "azure2019"   ? import_azure2019(o)
                              : o.format == "azure2021" ? import_azure2021(o)
                                                        : import_csv(o);
  if (fns.empty())
    throw ScenarioError(SourceLoc{o.paths[0], 0, 0}, "", "the trace has no invocations");
  // Most invocations first; ties in the trace's own names, so the output is stable.
  std::sort(fns.begin(), fns.end(), [](const Imported& a, const Imported& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (o.top && fns.size() > *o.top) fns.resize(*o.top);
  std::map<std::string, int> used;
  for (Imported& f : fns) {
    const int n = ++used[f.base_name];
    f.name = n == 1 ? f.base_name : fmt::format("{}-{}", f.base_name.substr(0, 60), n);
  }
  // azure2021 and csv timestamps are absolute: the earliest start becomes time 0 (azure2021).
  double origin = 0;
  if (o.format == "azure2021") {
    origin = fns.front().first_s;
    for (const Imported& f : fns) origin = std::min(origin, f.first_s);
    origin = std::max(0.0, std::floor(origin));
  }
  double end = 0;
  for (const Imported& f : fns) end = std::max(end, f.last_s - origin);
  const Duration horizon =
      o.duration ? *o.duration : to_duration(std::max(60.0, std::floor(end) + 1.0));
  std::string y;
  y += "# yaml-language-server: $schema=./lambdasim.schema.json\n";
  y += fmt::format("# Generated by `lambdasim import --format {}` from {}.\n", o.format,
                   fmt::join(o.paths, ", "));
  y += fmt::format("# {} function{}{}, replayed from the trace; the schema line above expects\n",
                   fns.size(), fns.size() == 1 ? "" : "s",
                   o.top ? fmt::format(" (the {} with the most invocations)", *o.top) : "");
  y += "# `lambdasim schema > lambdasim.schema.json` next to this file. Cold starts are a\n";
  y += "# placeholder (the traces do not record INIT): edit them to match your runtime.\n";
  y += fmt::format("name: {}\n", yaml_quoted(std::filesystem::path(o.output).stem().string()));
  y += fmt::format("duration: {}\n", format_duration(horizon));
  y += "functions:\n";
  for (const Imported& f : fns) {
    for (const std::string& c : f.comments) y += fmt::format("  # {}\n", c);
    y += fmt::format("  - name: {}\n", f.name);
    y += fmt::format("    memory: {}MB\n", f.memory_mb);
    y += "    timeout: 900s\n";
    y += fmt::format("    duration: {}\n", f.duration);
    y += "    cold_start: { type: lognormal, median: 250ms, p99: 800ms }\n";
  }
  y += "workload:\n";
  for (const Imported& f : fns) {
    std::string arrivals = f.arrivals;
    if (o.format != "azure2019")
      arrivals += origin > 0 ? fmt::format(", time_offset: {} }}", seconds_text(origin)) : " }";
    y += fmt::format("  - function: {}\n    arrivals: {}\n", f.name, arrivals);
  }
  // Check what we wrote the way `validate` would, with paths relative to the output's folder.
  Registries registries;
  register_builtin_models(registries);
  (void)load_scenario_text(y, o.output, registries);
  const std::string tmp = o.output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << y;
    out.close();
    if (!out) throw std::runtime_error(fmt::format("import: cannot write '{}'", tmp));
  }
  std::filesystem::rename(tmp, o.output);
  std::cerr << fmt::format(
      "lambdasim import: wrote {} ({} function{}, {} invocations, duration {})\n", o.output,
      fns.size(), fns.size() == 1 ? "" : "s",
      [&] {
        std::uint64_t n = 0;
        for (const Imported& f : fns) n += f.count;
        return n;
      }(),
      format_duration(horizon));
  return 0;
}

}  // namespace lsim::cli
