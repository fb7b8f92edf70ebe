// The `lambdasim` command line: run, sweep, merge, validate, models, schema, bill, calibrate.
// Parses options with Boost.Program_options, loads and validates the scenario, runs it, and writes
// the result. Exit codes: 0 ok, 2 bad input (scenario, command line, unreadable or unwritable
// files), 70 internal error (`bill`: 1 = mismatches).
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "models/builtin.hpp"
#include "sim/core/check.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/lambda/cpu_share.hpp"
#include "sim/logs/bill.hpp"
#include "sim/logs/calibrate.hpp"
#include "sim/scenario/load.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/report/html.hpp"
#include "sim/report/trace.hpp"
#include "sim/simulation.hpp"
#include "sim/stats/writers.hpp"
#include "sim/sweep/sweep.hpp"
#include "tools/cli/import.hpp"

namespace po = boost::program_options;

namespace lsim {
const char* builtin_price_table_yaml();
const char* builtin_price_table_origin();
}  // namespace lsim

namespace {

constexpr const char* kVersion = "0.1.0";
// 70 is EX_SOFTWARE (sysexits.h), as style.md asks; 1 stays free for `bill`'s "mismatches".
constexpr int kExitOk = 0, kExitInternal = 70, kExitBadInput = 2;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const char* kMainHelp = R"(lambdasim — a discrete-event simulator of the AWS Lambda execution model

usage: lambdasim <command> [options]

commands:
  run SCENARIO        simulate a scenario and report latency, cold starts, throttles,
                      concurrency and cost (the default command: `lambdasim SCENARIO`)
  sweep SCENARIO      run every combination of --set values, N replications each, and
                      report means with 95 % confidence intervals and the best point
  merge PARTS…        combine the partial results of a sharded sweep (--shard K/N)
  validate SCENARIO…  check scenario files without running them
  models              list every model (`type:`) with its parameters, units and defaults
  schema              print the JSON Schema of scenario files (for editors)
  bill LOGS…          recompute the Billed Duration of CloudWatch REPORT lines and
                      report every line AWS billed differently, with the reason
  calibrate LOGS…     fit a ready-to-run scenario to CloudWatch REPORT lines: durations
                      per memory size, memory scaling, cold starts, arrival rate
  trace SCENARIO      narrate a run step by step, one line per invocation (for teaching)
  import PATH…        turn a trace (Azure Functions 2019 or 2021, or a csv of timestamps)
                      into a ready-to-run scenario
  help [COMMAND]      show help for a command

options:
  -h, --help          this help (or `lambdasim COMMAND --help`)
  --version           print the version

examples:
  lambdasim run scenarios/quickstart.yaml
  lambdasim run scenarios/quickstart.yaml --format json --output result.json
  lambdasim run scenarios/quickstart.yaml --set functions.api.memory=1024MB --seed 7
  lambdasim sweep scenarios/quickstart.yaml --set functions.api.memory=128MB:1GB:128MB \
      --replications 5 --jobs 2 --objective cost --constraint 'p99<=300ms'
  lambdasim validate scenarios/*.yaml
  lambdasim bill exported-logs.txt.gz --runtime python3.12
  lambdasim calibrate exported-logs.txt.gz --function api --output api.yaml

exit codes: 0 success, 2 bad input (scenario, command line, files), 70 internal error
)";

const char* kRunHelp = R"(usage: lambdasim run SCENARIO [options]

Simulates SCENARIO (a YAML file, see README.md) and reports invocation counts, cold-start
ratio, latency percentiles (all / cold / warm), concurrency, execution environments and the
AWS bill by line item, for the whole scenario and per function.

options:
  -f, --format FMT     table (default), json, csv (one row per function) or html: a
                       self-contained report with charts (latency CDF, concurrency and
                       environments over time, cold starts and throttles, the bill), the
                       scenario and the assumptions; open it in a browser or print it
  -o, --output PATH    write the result to PATH (atomically) instead of standard output
  -s, --seed N         random seed (overrides the scenario's `seed:`)
  --replication N      replication number: independent random streams for the same seed
  --set KEY=VALUE      override a scenario value; repeatable. Keys are dotted paths, list
                       items by index or by name:
                         --set functions.api.memory=1024MB
                         --set functions.0.keep_alive.idle=5m
                         --set 'functions.api.duration={type: constant, value: 80ms}'
  --digest             print the run's 64-bit trajectory fingerprint on standard error
  --timeline PATH      also draw the execution environments as a Gantt chart (SVG): INIT,
                       busy and idle per environment, cold starts and evictions marked
                       (the first 200 environments)
  -h, --help           this help

examples:
  lambdasim run scenarios/quickstart.yaml
  lambdasim run scenarios/quickstart.yaml -f json -o out.json --seed 7
  lambdasim run scenarios/canary.yaml -f html -o canary.html
  lambdasim run scenarios/quickstart.yaml --set workload.0.arrivals.rate=60/s
)";

const char* kSweepHelp = R"(usage: lambdasim sweep SCENARIO [--set KEY=VALUES]... [options]

Runs SCENARIO at every combination (the cross product) of the swept values, each point
--replications times, and reports per point the mean and 95 % confidence interval (Student t,
n-1 degrees of freedom; none for one replication) of p50/p95/p99 latency, cold-start ratio,
throttled and spillover ratios, cost, monthly cost and mean concurrency. The best point for
--objective among those meeting every --constraint is marked (or the output says none does).

Each value is applied as `run --set KEY=VALUE` is, so keys, units and ranges are checked the
same way; every point is checked before anything runs.

settings:
  --set KEY=V1,V2,...     a list (commas inside {...} or [...] do not split):
                            --set functions.api.memory=128MB,512MB,1GB
                            --set 'functions.api.keep_alive={type: fixed, idle: 1m},{type: fixed, idle: 10m}'
  --set KEY=START:STOP:STEP  a range, stop included when it lands on it; numbers or
                          quantities with units: 128MB:1GB:128MB, 1m:10m:3m, 10/s:50/s:10/s
  A scenario may declare its own sweep (README "Sweeps"); --set adds keys or replaces the
  scenario's values of the same key.
    sweep:
      replications: 5
      settings: { functions.api.memory: [128MB, 512MB, 1GB], functions.api.keep_alive.idle: 1m:10m:3m }

options:
  -r, --replications N   runs per point (default: the scenario's sweep.replications, else 1);
                         replication r of every point uses the same random streams (seed, r)
  -j, --jobs N           worker threads (default 1; 0 = one per core); same bytes for any N
  -s, --seed N           random seed (default: the scenario's `seed:`)
  -f, --format FMT       table (default), csv (one row per point: keys, <stat>_mean,
                         <stat>_ci95, ...), json, or html (each statistic plotted against
                         the points with its 95 % interval, the best point marked)
  -o, --output PATH      write the result to PATH atomically. Finished points are journaled
                         in PATH.partial; rerunning the same command after an interruption
                         skips them. The journal is removed when the sweep completes.
  --objective STAT       the best point has the lowest mean of STAT: cost (default), p50, p95,
                         p99, cold_ratio, throttled, spillover, monthly_cost, concurrency
  --constraint EXPR      repeatable: STAT<=VALUE, <, >=, >: p99<=300ms, cold_ratio<0.05,
                         throttled<=1%, cost<=2.5 (on the mean)
  --shard K/N            run only points i with i mod N = K-1 and write a partial result
                         (JSON Lines) to --output; combine the N parts with `lambdasim merge`
  -h, --help             this help

examples:
  lambdasim sweep scenarios/memory_sizing.yaml --set functions.primes.versions.1.memory=128MB:1GB:384MB -r 5
  lambdasim sweep s.yaml --set functions.api.keep_alive.idle=1m,5m,10m,30m \
      --set workload.0.arrivals.rate=1/s,10/s -r 10 -j 0 -f csv -o sweep.csv
  lambdasim sweep s.yaml --set functions.api.memory=128MB:3GB:128MB -r 10 \
      --objective cost --constraint 'p99<=300ms' --constraint 'throttled<=0'   # quote < and >
  # three machines (or a Slurm job array), then one merge: the bytes of a single run
  lambdasim sweep s.yaml --set ... -r 10 --shard 2/3 -o part2.jsonl
  lambdasim merge part1.jsonl part2.jsonl part3.jsonl -f csv -o sweep.csv
)";

const char* kMergeHelp = R"(usage: lambdasim merge PARTS... [options]

Combines the partial results that `lambdasim sweep ... --shard K/N --output PART` wrote into the
output one unsharded run gives, byte for byte. The parts must come from the same sweep (same
scenario file contents, settings, replications, seed, objective and constraints) and together
hold every point exactly once; otherwise merge says which part is wrong and exits with 2.

options:
  -f, --format FMT     table (default), csv, json or html
  -o, --output PATH    write the result to PATH (atomically) instead of standard output
  -h, --help           this help

examples:
  lambdasim merge part1.jsonl part2.jsonl part3.jsonl
  lambdasim merge parts/*.jsonl --format json --output sweep.json
)";

const char* kTraceHelp = R"(usage: lambdasim trace SCENARIO [options]

Runs SCENARIO and tells what happens to each invocation, in plain words, one line each:

  t=12.003 s  #7 arrives at api:live → api:2 → no idle environment → cold start: INIT 312 ms
  (environment e3) → runs 120 ms → e3 idle, kept until t=612.400 s

and what happens to the environments they used (reclaimed after idling, reset after a
timeout, provisioned environments initialising). For teaching and for checking a scenario
by eye; use `run` for statistics.

options:
  --limit N            narrate the first N invocations (default 50; 0 = all, mind the size)
  --function NAME      only this function's invocations and environments
  --format FMT         text (default) or jsonl: one JSON object per step, for tools
  --timeline PATH      also draw the environments as a Gantt chart (SVG)
  -o, --output PATH    write to PATH instead of standard output
  -s, --seed N, --replication N, --set KEY=VALUE   as for `run`
  -h, --help           this help

examples:
  lambdasim trace scenarios/low_traffic.yaml --limit 20
  lambdasim trace scenarios/canary.yaml --function api --format jsonl | head
  lambdasim trace scenarios/quickstart.yaml --limit 200 --timeline quickstart.svg
)";

const char* kValidateHelp = R"(usage: lambdasim validate SCENARIO...

Checks each scenario file without running it: YAML syntax, unknown keys (with suggestions),
units, ranges, model parameters and cross-field rules. Prints one summary line per valid file;
otherwise every problem as `file:line:col: error: key.path: message`, and exits with code 2.

options:
  --set KEY=VALUE      apply an override first, as `run` does (repeatable)
  -h, --help           this help

example:
  lambdasim validate scenarios/quickstart.yaml
)";

const char* kModelsHelp = R"(usage: lambdasim models

Lists every model kind (arrivals, duration, cold_start, keep_alive, reuse), each `type:` with
a summary and its parameters: unit, default and meaning. The list comes from the registry the
scenario loader uses, so it is always complete.

example:
  lambdasim models
)";

const char* kSchemaHelp = R"(usage: lambdasim schema

Prints the JSON Schema (draft-07) of scenario files, generated from the registry the scenario
loader uses. Editors with a YAML language server (e.g. VS Code's YAML extension) use it to
validate and complete scenarios; scenarios/lambdasim.schema.json is this output, and the
example scenarios point at it with a first line
  # yaml-language-server: $schema=./lambdasim.schema.json

example:
  lambdasim schema > scenarios/lambdasim.schema.json
)";

const char* kBillHelp = R"(usage: lambdasim bill LOGS... [options]

Checks AWS's arithmetic on your own logs. Reads CloudWatch Logs lines (files, or - for
standard input; plain text or gzip, e.g. an export to S3), finds every REPORT line, recomputes
its Billed Duration from its Duration and compares. Prints each line AWS billed differently,
with the rule used, then a summary: lines read, records, mismatches, billed GB-s and their cost.

The rule of the line's date:
  Billed = Duration [+ Init Duration when billed] [+ Billed Restore Duration (SnapStart)],
           rounded UP to 1 ms (from 2020-12-01; AWS What's New, 2020-12-01) or to 100 ms
           (before; lines of 2020-11-30, when the change rolled out, may show either).
  Init Duration is billed from 2025-08-01 for every function, and before that only for custom
  runtimes (provided*) and container images. Without --runtime/--package both readings are
  tried for older cold starts.
  Durations are exact decimals (102.25 ms = 102,250 us), never floating point. Duration is
  printed rounded, so a Billed Duration one unit off that a Duration within the printed digits
  explains counts as "match only within the printed precision", not as a mismatch.
The date of a line is its timestamp when it has one (export prefix 2024-03-01T12:00:00.000Z,
13-digit epoch ms, or JSON "time"), else --date, else the price table's date.

Lines understood: REPORT (tab or space separated, the space-before-tab quirk, Init Duration,
Restore Duration / Billed Restore Duration, Status: timeout|error, Error Type, XRAY suffix),
INIT_REPORT and RESTORE_REPORT (counted, not billed here), the JSON log format
({"time":…,"type":"platform.report","record":{…}}), with or without a prefix such as a
timestamp or a log stream name. Other lines are skipped and counted.

options:
  --date YYYY-MM-DD     billing date of lines without a timestamp
  --runtime R           the function's runtime (python3.12, provided.al2023, ...); implies ZIP
  --package zip|image   how the function is deployed (images pay for INIT at every date)
  --architecture A      x86_64 (default) or arm64: prices the lines
  -f, --format FMT      table (default), json (mismatches + summary) or csv (one row per
                        REPORT line, with its outcome)
  -h, --help            this help

examples:
  $ lambdasim bill tests/data/report_lines/handmade_edge_cases.log
  mismatch: tests/data/report_lines/handmade_edge_cases.log:4: request 00000000-0000-4000-8000-
  000000000001: Billed Duration 104 ms, expected 103 ms = Duration 102.25 ms, rounded up to 1 ms;
  rule: 1 ms rounding (since 2020-12-01); date 2024-03-01 from the line's timestamp
  lambdasim bill: 1 input, 33 lines: 14 REPORT, 3 INIT_REPORT, 0 RESTORE_REPORT, 16 other
  billed duration: 12 match, 1 match only within the printed precision, 1 mismatch
  usage as billed: 14 requests, 7390 billed ms, 2.393071 GB-s (3 with Init Duration, ...)
  cost (USD): requests 0.00000280, duration 0.00003988, total 0.00004268
  ...                                                      (exit code 1: one line is wrong)

  lambdasim bill export/*.gz --runtime python3.12 --architecture arm64 -f csv > lines.csv
  aws logs tail /aws/lambda/my-fn --since 1h | lambdasim bill - --runtime nodejs22.x

exit codes: 0 every Billed Duration matches, 1 some do not (listed), 2 bad input (a file that
cannot be read, a malformed REPORT line with its line number, no REPORT line at all) or usage
)";

const char* kCalibrateHelp =
    R"(usage: lambdasim calibrate LOGS... [--function NAME] [--output SCENARIO.yaml]
                           [--max-samples N] [--memory-exponent K]

Turns your own CloudWatch logs into a ready-to-run scenario. Reads CloudWatch Logs lines
(files, or - for standard input; plain text or gzip), takes every REPORT line, and fits per
function and per Memory Size:

  duration      lognormal by maximum likelihood (mu, sigma of ln(seconds)), tested with
                Kolmogorov-Smirnov at 5 % (critical value for parameters estimated from the
                data, Stephens 1974). If the test rejects it, the measured Durations are used
                as they are (empirical; at most --max-samples evenly spaced quantiles).
                The scenario's memory is the size with the most lines.
  memory        with several sizes: memory_scaling {reference_memory, cpu_bound, exponent},
                the simulator's rule duration(m) = duration(ref) x ((1 - c) + c x
                (s(ref)/s(m))^k), s = min(m/1769MB, 6, 1) vCPUs; c (clamped to [0, 1]) and k
                (0.25 to 4) by least squares on the per-size medians' relative errors. k = 1 is
                CPU time proportional to 1/vCPUs; real SDK-heavy functions measure k = 1.4-2.7
                (slower than that at small sizes). --memory-exponent 1 keeps k at 1.
  cold_start    the same fit for the Init Durations of cold lines (all sizes pooled)
  arrivals      poisson at (lines - 1) / (last - first timestamp) when lines carry timestamps
                (export prefix 2024-03-01T12:00:00.000Z, epoch ms, JSON "time"), and the
                observed cold-start ratio in a comment; else a placeholder 1/s

Every fit is written as a `#` comment beside its model: sample size, goodness of fit, per-size
medians against the scaling rule. Timed-out lines are left out of the fits (their Duration is
the timeout). The output is checked with the scenario loader before it is written; the same
logs give the same bytes.

A line belongs to the function its prefix names with a log group (/aws/lambda/NAME, e.g. Logs
Insights' @log column), else to --function.

options:
  --function NAME       function name for lines without a log group (default: fn)
  -o, --output PATH     write the scenario to PATH (atomically) instead of standard output
  --max-samples N       most values an empirical model keeps (default 1000, at least 10)
  --memory-exponent K   fix memory_scaling's exponent at K (0.25 to 4) instead of fitting it
  -h, --help            this help

examples:
  lambdasim calibrate tests/data/calibrate/api.log --function api --output api.yaml
  lambdasim run api.yaml
  lambdasim sweep api.yaml --set functions.api.memory=128MB,512MB,1GB,2GB -r 3
  aws logs tail /aws/lambda/api --since 1h | lambdasim calibrate - --function api -o api.yaml

exit codes: 0 written, 2 bad input (a file that cannot be read, a malformed REPORT line with
its line number, no REPORT line at all) or usage
)";

void print_diagnostics(const lsim::Diagnostics& d) {
  std::vector<lsim::Diagnostic> items = d.all();
  constexpr std::size_t kMax = 50;
  for (std::size_t i = 0; i < items.size() && i < kMax; ++i)
    std::cerr << lsim::format_diagnostic(items[i]) << '\n';
  if (items.size() > kMax) std::cerr << fmt::format("... and {} more\n", items.size() - kMax);
  if (d.error_count() > 0)
    std::cerr << fmt::format("{} error{}\n", d.error_count(), d.error_count() == 1 ? "" : "s");
}

// Parses `args` against `options` (+ positional `name`), with clear messages on mistakes.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& opts,
                        const po::positional_options_description& pos, const char* command) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> names;
    for (const auto& o : opts.options()) names.push_back("--" + o->long_name());
    std::string msg = fmt::format("{}: unknown option '{}'", command, e.get_option_name());
    const std::string guess = lsim::closest_match(e.get_option_name(), names);
    if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
    throw UsageError(msg);
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError(fmt::format("{}: too many arguments", command));
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{}: {}", command, e.what()));
  }
  return vm;
}

lsim::Registries make_registries() {
  lsim::Registries r;
  lsim::register_builtin_models(r);
  return r;
}

std::uint64_t parse_u64(const std::string& text, const char* command, const char* what) {
  try {
    std::size_t used = 0;
    if (text.empty() || text[0] == '-') throw std::invalid_argument("negative");
    const unsigned long long v = std::stoull(text, &used, 10);
    if (used != text.size()) throw std::invalid_argument("trailing");
    return static_cast<std::uint64_t>(v);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("{}: {} '{}' is not a whole number >= 0", command, what, text));
  }
}

// What `run` and `trace` share: the scenario (with --set), its prices and the run options.
struct Prepared {
  lsim::ScenarioSpec spec;
  lsim::PriceTable prices;
  lsim::RunOptions options;
};

Prepared prepare(const po::variables_map& vm, const lsim::Registries& registries,
                 const char* command) {
  if (!vm.count("scenario"))
    throw UsageError(fmt::format("{0}: missing SCENARIO (try: lambdasim {0} --help)", command));
  const auto scenarios = vm["scenario"].as<std::vector<std::string>>();
  if (scenarios.size() != 1) throw UsageError(fmt::format("{}: give exactly one SCENARIO", command));
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  lsim::Diagnostics warnings;
  lsim::ScenarioSpec spec = lsim::load_scenario(scenarios[0], registries, overrides, &warnings);
  if (!warnings.all().empty()) print_diagnostics(warnings);
  if (!spec.sweep.empty())
    std::cerr << fmt::format("{}: note: `{}` ignores the scenario's sweep: and runs the scenario "
                             "as written; `lambdasim sweep` runs the sweep\n",
                             scenarios[0], command);
  lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                   lsim::builtin_price_table_origin());
  lsim::RunOptions ro;
  ro.seed = vm.count("seed") ? parse_u64(vm["seed"].as<std::string>(), command, "seed") : spec.seed;
  ro.replication = vm.count("replication")
                       ? parse_u64(vm["replication"].as<std::string>(), command, "replication")
                       : 0;
  return {std::move(spec), std::move(prices), std::move(ro)};
}

void write_output(const po::variables_map& vm, const std::string& text) {
  if (vm.count("output")) {
    lsim::write_file_atomically(vm["output"].as<std::string>(), text);
  } else {
    std::cout << text;
    std::cout.flush();
  }
}

// The options `run` and `trace` share (each adds its own).
po::options_description scenario_options(const char* default_format) {
  po::options_description opts;
  opts.add_options()("help,h", "")(
      "format,f", po::value<std::string>()->default_value(default_format), "")(
      "output,o", po::value<std::string>(), "")("seed,s", po::value<std::string>(), "")(
      "replication", po::value<std::string>(), "")("set", po::value<std::vector<std::string>>(), "")(
      "timeline", po::value<std::string>(), "")("scenario", po::value<std::vector<std::string>>(), "");
  return opts;
}

po::positional_options_description scenario_positional() {
  po::positional_options_description pos;
  pos.add("scenario", -1);
  return pos;
}

void write_timeline(const po::variables_map& vm, const lsim::TimelineRecorder& timeline,
                    const lsim::ScenarioSpec& spec) {
  if (vm.count("timeline"))
    lsim::write_file_atomically(
        vm["timeline"].as<std::string>(),
        timeline.svg(spec.name + ": execution environments", lsim::Time{spec.duration}));
}

int cmd_trace(const std::vector<std::string>& args) {
  po::options_description opts = scenario_options("text");
  opts.add_options()("limit", po::value<std::string>(), "")("function", po::value<std::string>(), "");
  const auto vm = parse(args, opts, scenario_positional(), "trace");
  if (vm.count("help")) {
    std::cout << kTraceHelp;
    return kExitOk;
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "jsonl")
    throw UsageError(fmt::format("trace: unknown format '{}' (known: text, jsonl)", format));
  const lsim::Registries registries = make_registries();
  Prepared p = prepare(vm, registries, "trace");
  lsim::TraceOptions to;
  if (vm.count("limit")) to.limit = parse_u64(vm["limit"].as<std::string>(), "trace", "limit");
  if (vm.count("function")) {
    to.function = vm["function"].as<std::string>();
    std::vector<std::string> names;
    for (const auto& f : p.spec.functions) names.push_back(f.name);
    if (std::find(names.begin(), names.end(), to.function) == names.end()) {
      std::string msg = fmt::format("trace: no function named '{}'", to.function);
      const std::string guess = lsim::closest_match(to.function, names);
      if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
      throw UsageError(msg);
    }
  }
  to.jsonl = format == "jsonl";
  lsim::TraceNarrator narrator(p.spec, to);
  lsim::TimelineRecorder timeline(p.spec, {.max_environments = 200, .function = to.function});
  lsim::ObserverList observers;
  observers.add(&narrator);
  if (vm.count("timeline")) observers.add(&timeline);
  p.options.observer = &observers;
  (void)lsim::simulate(p.spec, registries, p.prices, p.options);
  write_timeline(vm, timeline, p.spec);
  write_output(vm, narrator.text());
  return kExitOk;
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts = scenario_options("table");
  opts.add_options()("digest", "");
  const auto vm = parse(args, opts, scenario_positional(), "run");
  if (vm.count("help")) {
    std::cout << kRunHelp;
    return kExitOk;
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json" && format != "csv" && format != "html")
    throw UsageError(
        fmt::format("run: unknown format '{}' (known: table, json, csv, html)", format));
  const lsim::Registries registries = make_registries();
  Prepared p = prepare(vm, registries, "run");
  const lsim::ScenarioSpec& spec = p.spec;
  lsim::RunOptions& ro = p.options;
  lsim::TimelineRecorder timeline(spec, {});
  lsim::SeriesRecorder series(spec);
  lsim::ObserverList observers;
  if (vm.count("timeline")) observers.add(&timeline);
  if (format == "html") observers.add(&series);
  if (!observers.empty()) ro.observer = &observers;
  // Progress on long runs, only when stderr is a terminal (never in pipes, files or CI logs).
  const bool show_progress = ::isatty(STDERR_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  if (show_progress) {
    ro.progress = [started](double done) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const double eta = done > 0 ? elapsed * (1 - done) / done : 0;
      std::cerr << fmt::format("\rlambdasim: simulating {:5.1f}%  elapsed {:.0f}s  eta {:.0f}s ",
                               100 * done, elapsed, eta)
                << std::flush;
    };
  }
  const lsim::Summary summary = lsim::simulate(spec, registries, p.prices, ro);
  if (show_progress) std::cerr << "\r\033[K" << std::flush;  // clear the progress line
  if (vm.count("digest")) std::cerr << fmt::format("digest {:016x}\n", summary.digest);

  write_timeline(vm, timeline, spec);
  std::string text;
  if (format == "html") {
    series.finish();
    std::ifstream in(vm["scenario"].as<std::vector<std::string>>()[0], std::ios::binary);
    std::ostringstream scenario_text;
    scenario_text << in.rdbuf();
    text = lsim::to_html(summary, spec, scenario_text.str(), series);
  } else {
    text = format == "json"  ? lsim::to_json(summary)
           : format == "csv" ? lsim::to_csv(summary)
                             : lsim::to_table(summary);
  }
  write_output(vm, text);
  return kExitOk;
}

std::string checked_format(const po::variables_map& vm, const char* command) {
  const std::string format = vm.count("format") ? vm["format"].as<std::string>() : "table";
  if (format != "table" && format != "json" && format != "csv" && format != "html")
    throw UsageError(
        fmt::format("{}: unknown format '{}' (known: table, json, csv, html)", command, format));
  return format;
}

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("format,f", po::value<std::string>(), "")(
      "output,o", po::value<std::string>(), "")("seed,s", po::value<std::string>(), "")(
      "replications,r", po::value<std::string>(), "")("jobs,j", po::value<std::string>(), "")(
      "set", po::value<std::vector<std::string>>(), "")(
      "objective", po::value<std::string>(), "")(
      "constraint", po::value<std::vector<std::string>>(), "")(
      "shard", po::value<std::string>(), "")("scenario", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("scenario", -1);
  const auto vm = parse(args, opts, pos, "sweep");
  if (vm.count("help")) {
    std::cout << kSweepHelp;
    return kExitOk;
  }
  if (!vm.count("scenario"))
    throw UsageError("sweep: missing SCENARIO (try: lambdasim sweep --help)");
  const auto scenarios = vm["scenario"].as<std::vector<std::string>>();
  if (scenarios.size() != 1) throw UsageError("sweep: give exactly one SCENARIO");
  const std::string format = checked_format(vm, "sweep");

  lsim::SweepRequest request;
  request.scenario_path = scenarios[0];
  if (vm.count("set")) request.settings = vm["set"].as<std::vector<std::string>>();
  if (vm.count("constraint")) request.constraints = vm["constraint"].as<std::vector<std::string>>();
  if (vm.count("objective")) request.objective = vm["objective"].as<std::string>();
  if (vm.count("seed")) request.seed = parse_u64(vm["seed"].as<std::string>(), "sweep", "seed");
  if (vm.count("replications")) {
    const auto n = parse_u64(vm["replications"].as<std::string>(), "sweep", "replications");
    if (n < 1 || n > 10'000) throw UsageError("sweep: --replications must be 1 to 10,000");
    request.replications = static_cast<int>(n);
  }
  lsim::SweepRunOptions run;
  if (vm.count("jobs")) {
    const auto n = parse_u64(vm["jobs"].as<std::string>(), "sweep", "jobs");
    if (n > 1024) throw UsageError("sweep: --jobs must be 0 (one per core) to 1024");
    run.jobs = n == 0 ? std::max(1u, std::thread::hardware_concurrency()) : static_cast<unsigned>(n);
  }
  if (vm.count("shard")) {
    run.shard = lsim::parse_shard(vm["shard"].as<std::string>());
    if (vm.count("format"))
      throw UsageError("sweep: a shard writes a partial result (JSON Lines) for `lambdasim "
                       "merge`; choose --format when merging");
    if (!vm.count("output"))
      throw UsageError("sweep: --shard needs --output PATH for its partial result");
  }
  if (vm.count("output")) run.journal_path = vm["output"].as<std::string>() + ".partial";

  const lsim::Registries registries = make_registries();
  lsim::PreparedSweep sweep =
      lsim::prepare_sweep(request, registries, lsim::builtin_price_table_yaml(),
                          lsim::builtin_price_table_origin(), run.shard);
  if (!sweep.warnings.all().empty()) print_diagnostics(sweep.warnings);

  // Progress only when stderr is a terminal: points done / total, rate, ETA.
  const bool show_progress = ::isatty(STDERR_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  if (show_progress) {
    run.progress = [started, last = -1.0](std::size_t done, std::size_t total) mutable {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (done < total && elapsed - last < 0.1) return;  // at most 10 updates a second
      last = elapsed;
      const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
      const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
      std::cerr << fmt::format("\rlambdasim: sweep {}/{} points  {:.2f} points/s  eta {:.0f}s ",
                               done, total, rate, eta)
                << std::flush;
    };
  }
  const auto results = lsim::run_sweep(sweep, registries, run);
  if (show_progress) std::cerr << "\r\033[K" << std::flush;

  if (vm.count("shard")) {
    // The journal already is the partial result: header + one line per point, sorted here.
    std::string text = lsim::partial_header(sweep.plan, run.shard);
    for (const auto& r : results) text += lsim::partial_line(r);
    write_output(vm, text);
  } else {
    write_output(vm, lsim::format_sweep(sweep.plan, results, format));
  }
  if (!run.journal_path.empty()) {
    std::error_code ec;
    std::filesystem::remove(run.journal_path, ec);
  }
  return kExitOk;
}

int cmd_merge(const std::vector<std::string>& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("format,f", po::value<std::string>(), "")(
      "output,o", po::value<std::string>(), "")("parts", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("parts", -1);
  const auto vm = parse(args, opts, pos, "merge");
  if (vm.count("help")) {
    std::cout << kMergeHelp;
    return kExitOk;
  }
  if (!vm.count("parts")) throw UsageError("merge: missing PARTS (try: lambdasim merge --help)");
  const std::string format = checked_format(vm, "merge");
  const auto [plan, results] = lsim::merge_partials(vm["parts"].as<std::vector<std::string>>());
  write_output(vm, lsim::format_sweep(plan, results, format));
  return kExitOk;
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("set", po::value<std::vector<std::string>>(), "")(
      "scenario", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("scenario", -1);
  const auto vm = parse(args, opts, pos, "validate");
  if (vm.count("help")) {
    std::cout << kValidateHelp;
    return kExitOk;
  }
  if (!vm.count("scenario")) throw UsageError("validate: missing SCENARIO (try: lambdasim validate --help)");
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  const lsim::Registries registries = make_registries();
  int status = kExitOk;
  for (const auto& file : vm["scenario"].as<std::vector<std::string>>()) {
    try {
      lsim::Diagnostics warnings;
      const auto spec = lsim::load_scenario(file, registries, overrides, &warnings);
      (void)lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                   lsim::builtin_price_table_origin());
      if (!warnings.all().empty()) print_diagnostics(warnings);
      std::cout << fmt::format("{}: ok: scenario '{}', {} function{}, {} workload{}, {}\n", file,
                               spec.name, spec.functions.size(),
                               spec.functions.size() == 1 ? "" : "s", spec.workloads.size(),
                               spec.workloads.size() == 1 ? "" : "s",
                               lsim::format_duration(spec.duration));
    } catch (const lsim::ScenarioError& e) {
      print_diagnostics(e.diagnostics());
      status = kExitBadInput;
    }
  }
  return status;
}

int cmd_models(const std::vector<std::string>& args) {
  if (!args.empty()) {
    if (args[0] == "--help" || args[0] == "-h") {
      std::cout << kModelsHelp;
      return kExitOk;
    }
    throw UsageError(fmt::format("models: unexpected argument '{}'", args[0]));
  }
  const lsim::Registries r = make_registries();
  std::string out;
  auto kind = [&](const auto& registry, const char* key) {
    out += fmt::format("{} ({}:)\n", registry.kind(), key);
    for (const auto& e : registry.entries()) {
      out += fmt::format("  {:<12} {}\n", e.type, e.summary);
      for (const auto& p : e.params)
        out += fmt::format("      {:<14} {:<22} default {:<10} {}\n", p.key, p.unit,
                           p.default_value, p.meaning);
    }
    out += '\n';
  };
  kind(r.arrivals, "workload[].arrivals");
  kind(r.duration, "functions[].duration");
  kind(r.cold_start, "functions[].cold_start");
  kind(r.keep_alive, "functions[].keep_alive");
  kind(r.reuse, "functions[].reuse");
  kind(r.scaling, "functions[].scaling");
  std::cout << out;
  return kExitOk;
}

int cmd_schema(const std::vector<std::string>& args) {
  if (!args.empty()) {
    if (args[0] == "--help" || args[0] == "-h") {
      std::cout << kSchemaHelp;
      return kExitOk;
    }
    throw UsageError(fmt::format("schema: unexpected argument '{}'", args[0]));
  }
  std::cout << lsim::scenario_json_schema(make_registries());
  return kExitOk;
}

int cmd_bill(const std::vector<std::string>& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")                                           //
      ("format,f", po::value<std::string>()->default_value("table"), "")   //
      ("date", po::value<std::string>(), "")                               //
      ("runtime", po::value<std::string>(), "")                            //
      ("package", po::value<std::string>(), "")                            //
      ("architecture", po::value<std::string>(), "")                       //
      ("logs", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("logs", -1);
  const auto vm = parse(args, opts, pos, "bill");
  if (vm.count("help")) {
    std::cout << kBillHelp;
    return kExitOk;
  }
  if (!vm.count("logs")) throw UsageError("bill: missing LOGS (try: lambdasim bill --help)");
  lsim::BillOptions o;
  o.format = vm["format"].as<std::string>();
  if (o.format != "table" && o.format != "json" && o.format != "csv")
    throw UsageError(fmt::format("bill: unknown format '{}' (known: table, json, csv)", o.format));
  if (vm.count("date")) {
    const std::string text = vm["date"].as<std::string>();
    o.rules.date = lsim::parse_date(text);
    if (!o.rules.date)
      throw UsageError(fmt::format("bill: --date '{}' is not a date YYYY-MM-DD", text));
  }
  if (vm.count("runtime")) {
    o.rules.runtime = vm["runtime"].as<std::string>();
    if (o.rules.runtime.empty()) throw UsageError("bill: --runtime is empty");
  }
  if (vm.count("package")) {
    const std::string p = vm["package"].as<std::string>();
    if (p == "zip") o.rules.package = lsim::PackageType::Zip;
    else if (p == "image") o.rules.package = lsim::PackageType::Image;
    else throw UsageError(fmt::format("bill: unknown package type '{}' (known: zip, image)", p));
  }
  if (vm.count("architecture")) {
    const std::string a = vm["architecture"].as<std::string>();
    const auto arch = lsim::parse_architecture(a);
    if (!arch)
      throw UsageError(fmt::format("bill: unknown architecture '{}' (known: x86_64, arm64)", a));
    o.architecture = *arch;
  }
  const lsim::PriceTable prices = lsim::PriceTable::parse(lsim::builtin_price_table_yaml(),
                                                          lsim::builtin_price_table_origin());
  const auto table_date = lsim::parse_date(prices.effective_date());
  LSIM_CHECK(table_date.has_value(), "validated price table with date '{}'",
             prices.effective_date());
  o.rules.fallback_date = *table_date;
  return lsim::run_bill(vm["logs"].as<std::vector<std::string>>(), o, prices, std::cout, std::cerr);
}

int cmd_calibrate(const std::vector<std::string>& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")                   //
      ("function", po::value<std::string>(), "")     //
      ("output,o", po::value<std::string>(), "")     //
      ("max-samples", po::value<std::string>(), "")      //
      ("memory-exponent", po::value<std::string>(), "")  //
      ("logs", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("logs", -1);
  const auto vm = parse(args, opts, pos, "calibrate");
  if (vm.count("help")) {
    std::cout << kCalibrateHelp;
    return kExitOk;
  }
  if (!vm.count("logs"))
    throw UsageError("calibrate: missing LOGS (try: lambdasim calibrate --help)");
  lsim::CalibrateOptions o;
  if (vm.count("function")) {
    o.function = vm["function"].as<std::string>();
    if (!lsim::valid_function_name(o.function))
      throw UsageError(fmt::format(
          "calibrate: --function '{}' is not a function name (1-64 letters, digits, '-', '_')",
          o.function));
  }
  if (vm.count("max-samples")) {
    const auto n = parse_u64(vm["max-samples"].as<std::string>(), "calibrate", "max-samples");
    if (n < 10 || n > 100'000) throw UsageError("calibrate: --max-samples must be 10 to 100,000");
    o.max_empirical_samples = static_cast<std::size_t>(n);
  }
  if (vm.count("memory-exponent")) {
    const std::string text = vm["memory-exponent"].as<std::string>();
    double k = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), k);
    if (ec != std::errc{} || end != text.data() + text.size() ||
        !(k >= lsim::kMinScalingExponent && k <= lsim::kMaxScalingExponent))
      throw UsageError(fmt::format(
          "calibrate: --memory-exponent '{}' must be a number from 0.25 to 4 (1: CPU time "
          "proportional to 1/vCPUs)",
          text));
    o.memory_exponent = k;
  }
  if (vm.count("output")) o.scenario_path = vm["output"].as<std::string>();
  const auto inputs = vm["logs"].as<std::vector<std::string>>();
  lsim::CalibrationInput data;
  if (lsim::read_calibration_input(inputs, o, data, std::cerr) > 0) return kExitBadInput;
  if (data.records == 0) {
    std::cerr << fmt::format(
        "{}: error: no REPORT lines found (expected lines such as `REPORT RequestId: … Duration: "
        "… Billed Duration: …` or JSON platform.report events)\n",
        inputs.size() == 1 ? (inputs[0] == "-" ? "<stdin>" : inputs[0]) : "lambdasim calibrate");
    return kExitBadInput;
  }
  const std::string yaml = lsim::calibrated_scenario(data, o);
  // The output must load: a scenario the loader refuses is a bug of calibrate, not bad input.
  try {
    (void)lsim::load_scenario_text(yaml, "<calibrated>", make_registries());
  } catch (const lsim::ScenarioError& e) {
    std::string what;
    for (const auto& d : e.diagnostics().all()) what += "\n  " + lsim::format_diagnostic(d);
    throw lsim::InternalError("calibrate wrote a scenario the loader refuses:" + what);
  }
  write_output(vm, yaml);
  std::cerr << fmt::format(
      "lambdasim calibrate: {} REPORT line{} of {} function{}{}\n", data.records,
      data.records == 1 ? "" : "s", data.functions.size(), data.functions.size() == 1 ? "" : "s",
      vm.count("output") ? fmt::format(" -> {}", vm["output"].as<std::string>()) : "");
  return kExitOk;
}

int dispatch(std::vector<std::string> args) {
  if (args.empty()) {
    std::cout << kMainHelp;
    return kExitBadInput;
  }
  const std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "-h" || cmd == "--help") {
    std::cout << kMainHelp;
    return kExitOk;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << fmt::format("lambdasim {}\n", kVersion);
    return kExitOk;
  }
  if (cmd == "help") {
    const std::string topic = rest.empty() ? "" : rest[0];
    std::cout << (topic == "run"         ? kRunHelp
                  : topic == "sweep"     ? kSweepHelp
                  : topic == "merge"     ? kMergeHelp
                  : topic == "validate"  ? kValidateHelp
                  : topic == "models"    ? kModelsHelp
                  : topic == "schema"    ? kSchemaHelp
                  : topic == "bill"      ? kBillHelp
                  : topic == "calibrate" ? kCalibrateHelp
                  : topic == "trace"     ? kTraceHelp
                  : topic == "import"    ? lsim::cli::kImportHelp
                                         : kMainHelp);
    return kExitOk;
  }
  if (cmd == "run") return cmd_run(rest);
  if (cmd == "sweep") return cmd_sweep(rest);
  if (cmd == "merge") return cmd_merge(rest);
  if (cmd == "validate") return cmd_validate(rest);
  if (cmd == "models") return cmd_models(rest);
  if (cmd == "schema") return cmd_schema(rest);
  if (cmd == "bill") return cmd_bill(rest);
  if (cmd == "calibrate") return cmd_calibrate(rest);
  if (cmd == "trace") return cmd_trace(rest);
  if (cmd == "import") return lsim::cli::cmd_import(rest);
  // `lambdasim scenario.yaml` is short for `lambdasim run scenario.yaml`.
  if (cmd.size() > 5 && (cmd.ends_with(".yaml") || cmd.ends_with(".yml"))) return cmd_run(args);
  std::string msg = fmt::format("unknown command '{}'", cmd);
  const std::string guess =
      lsim::closest_match(cmd, {"run", "sweep", "merge", "validate", "models", "schema", "bill",
                                "calibrate", "trace", "import", "help"});
  if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
  throw UsageError(msg + "; see lambdasim --help");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return dispatch(std::move(args));
  } catch (const UsageError& e) {
    std::cerr << "lambdasim: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const lsim::ScenarioError& e) {
    print_diagnostics(e.diagnostics());
    return kExitBadInput;
  } catch (const lsim::InternalError& e) {
    std::cerr << "lambdasim: internal error (please report it): " << e.what() << '\n';
    return kExitInternal;
  } catch (const std::exception& e) {  // e.g. an output file that cannot be written
    std::cerr << "lambdasim: error: " << e.what() << '\n';
    return kExitBadInput;
  }
}
