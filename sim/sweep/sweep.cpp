// Parameter sweeps: plan (axes, points, validation), parallel runs with a resumable journal,
// confidence intervals, outputs, and the partial files that shards write and `merge` reads.
#include "sim/sweep/sweep.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "sim/core/check.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/units.hpp"
#include "sim/report/html.hpp"
#include "sim/scenario/load.hpp"
#include "sim/simulation.hpp"
#include "sim/stats/writers.hpp"

namespace lsim {
namespace {

constexpr const char* kFormat = "lambdasim-sweep/1";

[[noreturn]] void fail(const std::string& where, const std::string& path, const std::string& msg) {
  throw ScenarioError(SourceLoc{where, 0, 0}, path, msg);
}

[[noreturn]] void fail(const SourceLoc& where, const std::string& path, const std::string& msg) {
  throw ScenarioError(where, path, msg);
}

// Shortest text that reads back to the same double: partial files round-trip exactly, so a merge
// prints the bytes of a single run.
std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0) return "0";
  return fmt::format("{}", v);
}

std::string quote(const std::string& s) { return json_quote(s); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool is_plain_scalar(const std::string& s) {
  if (s.empty() || s == "null" || s == "Null" || s == "NULL" || s == "~") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("._/+%-").find(c) != std::string_view::npos;
  });
}

// Splits at commas outside {}, [] and quotes: `{type: fixed, idle: 5m},none` is two values.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char in_quote = 0;
  for (char c : text) {
    if (in_quote != 0) {
      if (c == in_quote) in_quote = 0;
    } else if (c == '"' || c == '\'') {
      in_quote = c;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  for (auto& v : out) {
    const auto b = v.find_first_not_of(' ');
    const auto e = v.find_last_not_of(' ');
    v = b == std::string::npos ? "" : v.substr(b, e - b + 1);
  }
  return out;
}

// How many values start, start+step, ... <= stop has (stop included within rounding).
std::size_t range_count(double start, double stop, double step, const std::string& key,
                        const SourceLoc& where, const std::string& text) {
  if (!(step > 0)) fail(where, key, fmt::format("range '{}': the step must be more than 0", text));
  if (stop < start)
    fail(where, key,
         fmt::format("range '{}' is empty: stop is below start (write start:stop:step)", text));
  const double n = std::floor((stop - start) / step + 1e-9) + 1;
  if (n > static_cast<double>(kMaxSweepPoints))
    fail(where, key,
         fmt::format("range '{}' has {:.0f} values; a sweep may have at most {}", text, n,
                     kMaxSweepPoints));
  return static_cast<std::size_t>(n);
}

std::string hex64(std::uint64_t v) { return fmt::format("{:016x}", v); }

const std::array<const char*, kStatCount> kStatNames = {
    "p50_ms",          "p95_ms",   "p99_ms",           "cold_start_ratio", "throttled_ratio",
    "spillover_ratio", "cost_usd", "monthly_cost_usd", "concurrency_mean"};

// ---------------------------------------------------------------------------------------------
// Reading partial files (JSON Lines parsed with the YAML reader: JSON is YAML's flow style).

const ConfigNode& member(const ConfigNode& n, const std::string& key, const std::string& where) {
  const ConfigNode* c = n.is_map() ? n.find(key) : nullptr;
  if (c == nullptr) fail(where, "", fmt::format("not a lambdasim sweep file: no '{}'", key));
  return *c;
}

std::string text_of(const ConfigNode& n, const std::string& where) {
  if (!n.is_scalar()) fail(where, "", "not a lambdasim sweep file: a value is not text");
  return n.scalar;
}

std::uint64_t u64_of(const ConfigNode& n, const std::string& where) {
  const std::string t = text_of(n, where);
  if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      t.size() > 19)
    fail(where, "", fmt::format("not a lambdasim sweep file: '{}' is not a whole number", t));
  return std::stoull(t);
}

SweepPlan plan_from(const ConfigNode& n, const std::string& where) {
  SweepPlan p;
  if (text_of(member(n, "format", where), where) != kFormat)
    fail(where, "", fmt::format("not a {} file", kFormat));
  p.scenario = text_of(member(n, "scenario", where), where);
  p.scenario_hash = text_of(member(n, "scenario_hash", where), where);
  const ConfigNode& seed = member(n, "seed", where);
  if (!seed.is_null()) p.seed = u64_of(seed, where);
  p.replications = static_cast<int>(u64_of(member(n, "replications", where), where));
  for (const ConfigNode& a : member(n, "settings", where).items) {
    SweepAxis axis{text_of(member(a, "key", where), where), {}};
    for (const ConfigNode& v : member(a, "values", where).items)
      axis.values.push_back(text_of(v, where));
    p.axes.push_back(std::move(axis));
  }
  const auto objective = find_stat(text_of(member(n, "objective", where), where));
  if (!objective) fail(where, "", "not a lambdasim sweep file: unknown objective");
  p.objective = *objective;
  for (const ConfigNode& c : member(n, "constraints", where).items)
    p.constraints.push_back(parse_constraint(text_of(c, where)));
  return p;
}

PointResult point_from(const ConfigNode& n, const SweepPlan& plan, const std::string& where) {
  PointResult r;
  r.index = u64_of(member(n, "index", where), where);
  if (r.index >= plan.point_count())
    fail(where, "",
         fmt::format("point {} is outside the sweep ({} points)", r.index, plan.point_count()));
  const ConfigNode& reps = member(n, "values", where);
  if (reps.items.size() != static_cast<std::size_t>(plan.replications))
    fail(where, "",
         fmt::format("point {} has {} replications, the sweep {}", r.index, reps.items.size(),
                     plan.replications));
  for (const ConfigNode& rep : reps.items) {
    if (rep.items.size() != kStatCount) fail(where, "", "a replication has the wrong statistics");
    StatValues v{};
    for (std::size_t s = 0; s < kStatCount; ++s) {
      const std::string t = text_of(rep.items[s], where);
      char* end = nullptr;
      v[s] = std::strtod(t.c_str(), &end);
      if (end != t.c_str() + t.size()) fail(where, "", fmt::format("'{}' is not a number", t));
    }
    r.replications.push_back(v);
  }
  return r;
}

ConfigNode parse_line(const std::string& line, const std::string& where, bool& ok) {
  Diagnostics d;
  ConfigNode n = parse_yaml_text(line, where, d);
  ok = !d.has_errors() && n.is_map();
  return n;
}

// ---------------------------------------------------------------------------------------------
// Outputs.

struct Reduced {
  std::array<Estimate, kStatCount> stats;
  bool feasible = true;
};

std::vector<Reduced> reduce(const SweepPlan& plan, const std::vector<PointResult>& results) {
  std::vector<Reduced> out;
  for (const PointResult& r : results) {
    Reduced red;
    for (std::size_t s = 0; s < kStatCount; ++s) {
      std::vector<double> v;
      for (const StatValues& rep : r.replications) v.push_back(rep[s]);
      red.stats[s] = estimate(v);
    }
    for (const Constraint& c : plan.constraints)
      red.feasible = red.feasible && c.holds(red.stats[static_cast<std::size_t>(c.stat)].mean);
    out.push_back(red);
  }
  return out;
}

// Lowest mean of the objective among feasible points; ties go to the lower index.
std::optional<std::size_t> best_of(const SweepPlan& plan, const std::vector<Reduced>& red) {
  std::optional<std::size_t> best;
  const auto o = static_cast<std::size_t>(plan.objective);
  for (std::size_t i = 0; i < red.size(); ++i)
    if (red[i].feasible && (!best || red[i].stats[o].mean < red[*best].stats[o].mean)) best = i;
  return best;
}

std::string settings_text(const SweepPlan& plan, std::size_t point) {
  const auto values = plan.point_values(point);
  std::vector<std::string> parts;
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    parts.push_back(plan.axes[a].key + "=" + values[a]);
  return parts.empty() ? "(the scenario as written)" : fmt::format("{}", fmt::join(parts, " "));
}

std::string no_best_text(const SweepPlan& plan) {
  std::vector<std::string> c;
  for (const auto& k : plan.constraints) c.push_back(k.text);
  return fmt::format("no point satisfies every constraint ({})", fmt::join(c, ", "));
}

}  // namespace

// ---------------------------------------------------------------------------------------------

SweepAxis parse_sweep_setting(const std::string& text) {
  const std::string where = "--set " + text;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    fail(where, "",
         "expected key.path=v1,v2,... or key.path=start:stop:step, e.g. "
         "functions.api.memory=128MB,512MB,1GB");
  SweepAxis axis{text.substr(0, eq), {}};
  const std::string rest = text.substr(eq + 1);
  if (rest.empty()) fail(where, axis.key, "no values (write key=v1,v2,... or key=start:stop:step)");
  for (const std::string& v : split_values(rest)) {
    if (v.empty())
      fail(where, axis.key, fmt::format("an empty value in '{}' (a stray comma?)", rest));
    for (std::string& x : expand_sweep_value(v, axis.key, {where, 0, 0}))
      axis.values.push_back(std::move(x));
    if (axis.values.size() > kMaxSweepPoints)
      fail(where, axis.key, fmt::format("more than {} values", kMaxSweepPoints));
  }
  return axis;
}

std::vector<std::string> expand_sweep_value(const std::string& value, const std::string& key,
                                            const SourceLoc& where) {
  // A range: exactly two colons and nothing that belongs to a YAML flow value or a string.
  if (std::count(value.begin(), value.end(), ':') != 2 ||
      value.find_first_of("{}[]\"' ") != std::string::npos)
    return {value};
  const auto c1 = value.find(':'), c2 = value.rfind(':');
  const std::string a = value.substr(0, c1), b = value.substr(c1 + 1, c2 - c1 - 1),
                    c = value.substr(c2 + 1);
  std::vector<std::string> out;
  if (auto x = parse_number(a).value, y = parse_number(b).value, z = parse_number(c).value;
      x && y && z) {
    const std::size_t n = range_count(*x, *y, *z, key, where, value);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(fmt::format("{:.12g}", *x + static_cast<double>(i) * *z));
    return out;
  }
  if (auto x = parse_duration(a).value, y = parse_duration(b).value, z = parse_duration(c).value;
      x && y && z) {
    const std::size_t n =
        range_count(static_cast<double>(x->count()), static_cast<double>(y->count()),
                    static_cast<double>(z->count()), key, where, value);
    for (std::size_t i = 0; i < n; ++i) {
      const Duration d = *x + static_cast<std::int64_t>(i) * *z;
      const std::string t = format_duration(d);
      const auto back = parse_duration(t).value;
      out.push_back(back && *back == d ? t : fmt::format("{}us", d.count()));
    }
    return out;
  }
  if (auto x = parse_memory_mb(a).value, y = parse_memory_mb(b).value, z = parse_memory_mb(c).value;
      x && y && z) {
    const std::size_t n = range_count(*x, *y, *z, key, where, value);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(fmt::format("{}MB", *x + static_cast<int>(i) * *z));
    return out;
  }
  if (auto x = parse_rate_per_s(a).value, y = parse_rate_per_s(b).value,
      z = parse_rate_per_s(c).value;
      x && y && z) {
    const std::size_t n = range_count(*x, *y, *z, key, where, value);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(fmt::format("{:.12g}/s", *x + static_cast<double>(i) * *z));
    return out;
  }
  fail(where, key,
       fmt::format("range '{}': start, stop and step must be numbers or quantities of one kind "
                   "with units (128MB:1GB:128MB, 1m:10m:3m, 10/s:50/s:10/s, 0.1:0.9:0.2)",
                   value));
}

std::string to_flow_yaml(const ConfigNode& n) {
  switch (n.kind) {
    case ConfigNode::Kind::Null:
      return "null";
    case ConfigNode::Kind::Scalar:
      return is_plain_scalar(n.scalar) ? n.scalar : quote(n.scalar);
    case ConfigNode::Kind::List: {
      std::vector<std::string> items;
      for (const auto& i : n.items) items.push_back(to_flow_yaml(i));
      return fmt::format("[{}]", fmt::join(items, ", "));
    }
    case ConfigNode::Kind::Map: {
      std::vector<std::string> items;
      for (const auto& e : n.entries)
        items.push_back((is_plain_scalar(e.key) ? e.key : quote(e.key)) + ": " +
                        to_flow_yaml(e.value));
      return fmt::format("{{{}}}", fmt::join(items, ", "));
    }
  }
  return "null";
}

const char* stat_name(Stat s) { return kStatNames[static_cast<std::size_t>(s)]; }

StatValues headline_stats(const Summary& s) {
  const GroupSummary& g = s.total;
  const double arrived = static_cast<double>(g.invocations.arrived);
  return {g.all.p50,
          g.all.p95,
          g.all.p99,
          g.cold_start_ratio,
          arrived > 0 ? static_cast<double>(g.invocations.throttled) / arrived : 0.0,
          g.provisioned.spillover_ratio,
          g.cost.total(),
          g.cost_monthly.total(),
          g.concurrency_mean};
}

std::optional<Stat> find_stat(const std::string& name) {
  static const std::map<std::string, Stat> aliases = {{"p50", Stat::P50},
                                                      {"p95", Stat::P95},
                                                      {"p99", Stat::P99},
                                                      {"cold_ratio", Stat::ColdStartRatio},
                                                      {"cold", Stat::ColdStartRatio},
                                                      {"throttled", Stat::ThrottledRatio},
                                                      {"spillover", Stat::SpilloverRatio},
                                                      {"cost", Stat::Cost},
                                                      {"monthly_cost", Stat::MonthlyCost},
                                                      {"concurrency", Stat::ConcurrencyMean}};
  if (auto it = aliases.find(name); it != aliases.end()) return it->second;
  for (std::size_t i = 0; i < kStatCount; ++i)
    if (name == kStatNames[i]) return static_cast<Stat>(i);
  return std::nullopt;
}

double student_t_975(std::uint64_t df) {
  LSIM_CHECK(df >= 1, "t quantile with {} degrees of freedom", df);
  // t(0.975, df) for df = 1..30 (the standard tables, 9 significant digits).
  static constexpr std::array<double, 30> kTable = {
      12.7062047, 4.30265273, 3.18244631, 2.77644511, 2.57058184, 2.44691185,
      2.36462425, 2.30600414, 2.26215716, 2.22813885, 2.20098516, 2.17881283,
      2.16036866, 2.14478669, 2.13144955, 2.11990530, 2.10981558, 2.10092204,
      2.09302405, 2.08596345, 2.07961384, 2.07387307, 2.06865761, 2.06389856,
      2.05953855, 2.05552944, 2.05183052, 2.04840714, 2.04522964, 2.04227246};
  if (df <= kTable.size()) return kTable[df - 1];
  // Cornish-Fisher expansion of t around the normal quantile (Abramowitz & Stegun 26.7.5).
  const double z = 1.959963984540054, v = static_cast<double>(df);
  const double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v) +
         (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
}

Estimate estimate(const std::vector<double>& values) {
  Estimate e;
  if (values.empty()) return e;
  double sum = 0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  e.mean = sum / n;
  if (values.size() < 2) return e;
  double ss = 0;  // two passes: exact for equal values, no cancellation
  for (double v : values) ss += (v - e.mean) * (v - e.mean);
  e.half_width = student_t_975(values.size() - 1) * std::sqrt(ss / (n - 1)) / std::sqrt(n);
  return e;
}

bool Constraint::holds(double value) const {
  if (op == "<=") return value <= bound;
  if (op == "<") return value < bound;
  if (op == ">=") return value >= bound;
  return value > bound;
}

Constraint parse_constraint(const std::string& text) {
  const std::string where = "--constraint " + text;
  const auto at = text.find_first_of("<>");
  if (at == std::string::npos || at == 0)
    fail(where, "", "expected STAT<=VALUE, e.g. p99<=300ms, cold_ratio<0.05, cost<=2.5");
  Constraint c;
  c.text = text;
  c.op = text.substr(at, text.size() > at + 1 && text[at + 1] == '=' ? 2 : 1);
  auto trim = [](std::string t) {
    const auto b = t.find_first_not_of(' '), e = t.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
  };
  const std::string name = trim(text.substr(0, at));
  const std::string value = trim(text.substr(at + c.op.size()));
  const auto stat = find_stat(name);
  if (!stat)
    fail(where, "",
         fmt::format("unknown statistic '{}' (known: p50, p95, p99, cold_ratio, "
                     "throttled, spillover, cost, monthly_cost, concurrency, or {})",
                     name, fmt::join(kStatNames, ", ")));
  c.stat = *stat;
  if (c.stat == Stat::P50 || c.stat == Stat::P95 || c.stat == Stat::P99) {
    if (auto d = parse_duration(value).value)
      c.bound = static_cast<double>(d->count()) / 1e3;
    else if (auto x = parse_number(value).value)
      c.bound = *x;  // bare: milliseconds
    else
      fail(where, "", fmt::format("'{}' is not a latency (e.g. 300ms, 1.5s)", value));
  } else if (!value.empty() && value.back() == '%') {
    const auto x = parse_number(value.substr(0, value.size() - 1)).value;
    if (!x) fail(where, "", fmt::format("'{}' is not a percentage", value));
    c.bound = *x / 100;
  } else {
    const auto x = parse_number(!value.empty() && value[0] == '$' ? value.substr(1) : value).value;
    if (!x) fail(where, "", fmt::format("'{}' is not a number", value));
    c.bound = *x;
  }
  return c;
}

Shard parse_shard(const std::string& text) {
  const std::string where = "--shard " + text;
  const auto slash = text.find('/');
  auto whole = [&](const std::string& s) -> std::optional<std::size_t> {
    if (s.empty() || s.size() > 6 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stoul(s);
  };
  const auto k = slash == std::string::npos ? std::nullopt : whole(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : whole(text.substr(slash + 1));
  if (!k || !n) fail(where, "", "expected K/N, e.g. 2/3 (the second of three shards)");
  if (*n < 1 || *n > 10'000 || *k < 1 || *k > *n)
    fail(where, "",
         fmt::format("shard {} of {} does not exist: K must be 1 to N (N <= 10,000)", *k, *n));
  return {*k, *n};
}

std::size_t SweepPlan::point_count() const {
  std::size_t n = 1;
  for (const auto& a : axes) n *= a.values.size();
  return n;
}

std::vector<std::string> SweepPlan::point_values(std::size_t point) const {
  std::vector<std::string> out(axes.size());
  for (std::size_t a = axes.size(); a-- > 0;) {
    out[a] = axes[a].values[point % axes[a].values.size()];
    point /= axes[a].values.size();
  }
  return out;
}

std::string SweepPlan::identity_json() const {
  std::vector<std::string> settings, cons;
  for (const auto& a : axes) {
    std::vector<std::string> v;
    for (const auto& x : a.values) v.push_back(quote(x));
    settings.push_back(
        fmt::format("{{\"key\": {}, \"values\": [{}]}}", quote(a.key), fmt::join(v, ", ")));
  }
  for (const auto& c : constraints) cons.push_back(quote(c.text));
  return fmt::format(
      "{{\"format\": \"{}\", \"scenario\": {}, \"scenario_hash\": \"{}\", \"seed\": {}, "
      "\"replications\": {}, \"settings\": [{}], \"objective\": \"{}\", \"constraints\": [{}], "
      "\"points\": {}}}",
      kFormat, quote(scenario), scenario_hash, seed ? fmt::format("{}", *seed) : "null",
      replications, fmt::join(settings, ", "), stat_name(objective), fmt::join(cons, ", "),
      point_count());
}

PreparedSweep prepare_sweep(const SweepRequest& request, const Registries& registries,
                            const char* builtin_prices_yaml, const std::string& builtin_origin,
                            const Shard& shard) {
  PreparedSweep out;
  // The base scenario first: its errors are reported as `run` reports them.
  const ScenarioSpec base = load_scenario(request.scenario_path, registries, {}, &out.warnings);
  std::ifstream in(request.scenario_path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();

  SweepPlan& plan = out.plan;
  plan.scenario = base.name;
  plan.scenario_hash = hex64(fnv1a64(text));
  plan.seed = request.seed;
  // Values from the scenario's sweep: are reported at their place in the file, not as --set.
  std::map<std::string, SourceLoc> declared_at;
  for (const SweepSpec::Axis& a : base.sweep.axes) {
    SweepAxis axis{a.key, {}};
    for (const ConfigNode& v : a.values) {
      std::vector<std::string> values;
      if (v.is_scalar())
        for (std::string& x : expand_sweep_value(v.scalar, "sweep.settings." + a.key, v.loc))
          values.push_back(is_plain_scalar(x) ? x : quote(x));
      else
        values.push_back(to_flow_yaml(v));
      for (std::string& x : values) {
        declared_at.emplace(fmt::format("--set {}={}", a.key, x), v.loc);
        axis.values.push_back(std::move(x));
      }
    }
    plan.axes.push_back(std::move(axis));
  }
  std::set<std::string> from_command_line;
  for (const std::string& s : request.settings) {
    SweepAxis axis = parse_sweep_setting(s);
    if (!from_command_line.insert(axis.key).second)
      fail("--set " + s, axis.key, "this key is swept twice; give all its values in one --set");
    auto same = std::find_if(plan.axes.begin(), plan.axes.end(),
                             [&](const SweepAxis& a) { return a.key == axis.key; });
    if (same != plan.axes.end()) {  // the command line wins
      std::erase_if(declared_at, [&](const auto& kv) {
        return kv.first.starts_with("--set " + axis.key + "=");
      });
      *same = std::move(axis);
    } else {
      plan.axes.push_back(std::move(axis));
    }
  }
  double points = 1;
  for (const auto& a : plan.axes) points *= static_cast<double>(a.values.size());
  if (points > static_cast<double>(kMaxSweepPoints))
    fail(request.scenario_path, "",
         fmt::format("the sweep has {:.0f} points; at most {} are allowed (split it, or use "
                     "coarser ranges)",
                     points, kMaxSweepPoints));
  plan.replications = request.replications.value_or(base.sweep.replications.value_or(1));
  if (plan.replications < 1 || plan.replications > 10'000)
    fail("--replications", "", "must be between 1 and 10,000");
  const auto objective = find_stat(request.objective);
  if (!objective)
    fail("--objective " + request.objective, "",
         fmt::format("unknown objective (known: p50, p95, p99, cold_ratio, throttled, "
                     "spillover, cost, monthly_cost, concurrency, or {})",
                     fmt::join(kStatNames, ", ")));
  plan.objective = *objective;
  for (const auto& c : request.constraints) plan.constraints.push_back(parse_constraint(c));

  // Every point is loaded and validated before anything runs; an error shared by many points
  // (one bad value) is reported once.
  const std::size_t n = plan.point_count();
  out.specs.resize(n);
  out.prices.resize(n);
  Diagnostics errors;
  std::set<std::string> seen;
  // Parsing the price table is most of the cost of checking a point; its checks depend only on
  // the table, the region and the architectures, so equal keys share one (4x faster).
  std::map<std::string, std::shared_ptr<const PriceTable>> tables;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> overrides;
    const auto values = plan.point_values(i);
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
      overrides.push_back(plan.axes[a].key + "=" + values[a]);
    try {
      ScenarioSpec spec = load_scenario_text(text, request.scenario_path, registries, overrides);
      std::string key = spec.pricing.table_path + '\n' + spec.pricing.region;
      for (const FunctionSpec& f : spec.functions)
        key += fmt::format("\n{}", to_string(f.architecture));
      auto& table = tables[key];
      if (!table)
        table = std::make_shared<const PriceTable>(
            load_price_table(spec, builtin_prices_yaml, builtin_origin));
      if (shard.owns(i)) {
        out.specs[i] = std::move(spec);
        out.prices[i] = table;
      }
    } catch (const ScenarioError& e) {
      for (Diagnostic d : e.diagnostics().all()) {
        if (auto it = declared_at.find(d.loc.file); it != declared_at.end()) d.loc = it->second;
        if (d.severity == Severity::Error && seen.insert(format_diagnostic(d)).second)
          errors.error(d.loc, d.path, d.message);
      }
    }
  }
  if (errors.has_errors()) throw ScenarioError(std::move(errors));
  return out;
}

std::vector<PointResult> run_sweep(const PreparedSweep& sweep, const Registries& registries,
                                   const SweepRunOptions& options) {
  const SweepPlan& plan = sweep.plan;
  const std::size_t reps = static_cast<std::size_t>(plan.replications);
  std::map<std::size_t, PointResult> done;
  if (!options.journal_path.empty() && std::filesystem::exists(options.journal_path)) {
    const Partial old = read_partial(options.journal_path, true);
    if (old.identity != plan.identity_json() || old.shard.k != options.shard.k ||
        old.shard.n != options.shard.n)
      fail(options.journal_path, "",
           "this journal of an interrupted sweep belongs to a different sweep (scenario file, "
           "settings, replications, seed, objective, constraints or shard differ); delete it "
           "to start over, or run the same command as before");
    for (const PointResult& r : old.results)
      if (options.shard.owns(r.index)) done.emplace(r.index, r);
  }
  std::unique_ptr<std::ofstream> journal;
  if (!options.journal_path.empty()) {
    // Rewritten whole (atomically), so a line torn by the interruption is gone before appending.
    std::string content = partial_header(plan, options.shard);
    for (const auto& [i, r] : done) content += partial_line(r);
    write_file_atomically(options.journal_path, content);
    journal =
        std::make_unique<std::ofstream>(options.journal_path, std::ios::app | std::ios::binary);
    if (!*journal) fail(options.journal_path, "", "cannot append to the sweep journal");
  }

  struct Slot {
    PointResult result;
    std::size_t remaining = 0;
  };
  std::vector<std::size_t> to_run;  // the shard's points not in the journal yet
  for (std::size_t i = 0; i < plan.point_count(); ++i)
    if (options.shard.owns(i) && !done.count(i)) to_run.push_back(i);
  std::vector<Slot> slots(to_run.size());
  struct Task {
    std::size_t slot, replication;
  };
  std::vector<Task> tasks;
  for (std::size_t s = 0; s < to_run.size(); ++s) {
    slots[s].result.index = to_run[s];
    slots[s].result.replications.resize(reps);
    slots[s].remaining = reps;
    for (std::size_t r = 0; r < reps; ++r) tasks.push_back({s, r});
  }

  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::exception_ptr error;
  std::size_t points_done = 0;
  auto work = [&] {
    while (!failed) {
      const std::size_t t = next++;
      if (t >= tasks.size()) return;
      Slot& slot = slots[tasks[t].slot];
      const std::size_t point = slot.result.index;
      try {
        const ScenarioSpec& spec = *sweep.specs[point];
        RunOptions ro;
        ro.seed = plan.seed.value_or(spec.seed);
        ro.replication = tasks[t].replication;
        // Each slot element is written by exactly one task; the lock orders the last write of
        // a point before its journal line.
        slot.result.replications[tasks[t].replication] =
            headline_stats(simulate(spec, registries, *sweep.prices[point], ro));
        const std::lock_guard<std::mutex> lock(mutex);
        if (--slot.remaining == 0) {
          if (journal) {
            *journal << partial_line(slot.result);
            journal->flush();
          }
          ++points_done;
          if (options.progress) options.progress(points_done, to_run.size());
        }
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  const unsigned threads =
      static_cast<unsigned>(std::min<std::size_t>(std::max(1u, options.jobs), tasks.size()));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
  if (journal && !*journal) fail(options.journal_path, "", "cannot append to the sweep journal");

  for (Slot& s : slots) done.emplace(s.result.index, std::move(s.result));
  std::vector<PointResult> out;
  for (auto& [i, r] : done) out.push_back(std::move(r));
  return out;
}

std::string sweep_to_table(const SweepPlan& plan, const std::vector<PointResult>& results) {
  const auto red = reduce(plan, results);
  const auto best = best_of(plan, red);
  // The table shows the statistics people compare first; CSV and JSON have all of them.
  std::vector<Stat> shown = {
      Stat::P50,  Stat::P99,        Stat::ColdStartRatio, Stat::ThrottledRatio,
      Stat::Cost, Stat::MonthlyCost};
  if (std::find(shown.begin(), shown.end(), plan.objective) == shown.end())
    shown.push_back(plan.objective);
  for (const auto& c : plan.constraints)
    if (std::find(shown.begin(), shown.end(), c.stat) == shown.end()) shown.push_back(c.stat);
  auto cell = [](Stat s, const Estimate& e) {
    const char* f = s == Stat::P50 || s == Stat::P95 || s == Stat::P99 ? "{:.1f}"
                    : s == Stat::Cost                                  ? "{:.6f}"
                    : s == Stat::MonthlyCost                           ? "{:.2f}"
                    : s == Stat::ConcurrencyMean                       ? "{:.2f}"
                                                                       : "{:.4f}";
    std::string t = fmt::format(fmt::runtime(f), e.mean);
    if (e.half_width) t += " ± " + fmt::format(fmt::runtime(f), *e.half_width);
    return t;
  };
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {""};
  for (const auto& a : plan.axes) header.push_back(a.key);
  for (Stat s : shown) header.push_back(stat_name(s));
  rows.push_back(header);
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::vector<std::string> row = {best && *best == i ? "*" : red[i].feasible ? "" : "x"};
    for (const auto& v : plan.point_values(results[i].index)) row.push_back(v);
    for (Stat s : shown) row.push_back(cell(s, red[i].stats[static_cast<std::size_t>(s)]));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(header.size(), 0);
  // Width in code points, so "±" counts as one column.
  auto cols = [](const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], cols(r[c]));
  std::string out = fmt::format(
      "sweep of '{}': {} point{} x {} replication{} (seed {}); mean ± 95% CI (Student t)\n",
      plan.scenario, results.size(), results.size() == 1 ? "" : "s", plan.replications,
      plan.replications == 1 ? "" : "s",
      plan.seed ? fmt::format("{}", *plan.seed) : std::string("of the scenario"));
  std::vector<std::string> cons;
  for (const auto& c : plan.constraints) cons.push_back(c.text);
  out += fmt::format("objective: lowest {}{}\n\n", stat_name(plan.objective),
                     cons.empty() ? "" : fmt::format("; constraints: {}", fmt::join(cons, ", ")));
  const std::size_t keys = 1 + plan.axes.size();
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(width[c] - cols(r[c]), ' ');
      line += c < keys ? r[c] + pad : pad + r[c];
      if (c + 1 < r.size()) line += "  ";
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + '\n';
  }
  out += '\n';
  if (best)
    out += fmt::format("best (*): {}\n", settings_text(plan, results[*best].index));
  else
    out += no_best_text(plan) + '\n';
  if (std::any_of(red.begin(), red.end(), [](const Reduced& r) { return !r.feasible; }))
    out += "x: violates a constraint\n";
  return out;
}

std::string sweep_to_csv(const SweepPlan& plan, const std::vector<PointResult>& results) {
  const auto red = reduce(plan, results);
  const auto best = best_of(plan, red);
  std::vector<std::string> header = {"point"};
  for (const auto& a : plan.axes) header.push_back(csv_field(a.key));
  header.emplace_back("replications");
  for (const char* s : kStatNames) {
    header.push_back(fmt::format("{}_mean", s));
    header.push_back(fmt::format("{}_ci95", s));
  }
  header.emplace_back("feasible");
  header.emplace_back("best");
  std::string out = fmt::format("{}\n", fmt::join(header, ","));
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::vector<std::string> row = {fmt::format("{}", results[i].index)};
    for (const auto& v : plan.point_values(results[i].index)) row.push_back(csv_field(v));
    row.push_back(fmt::format("{}", results[i].replications.size()));
    for (const Estimate& e : red[i].stats) {
      row.push_back(num(e.mean));
      row.push_back(e.half_width ? num(*e.half_width) : "");
    }
    row.emplace_back(red[i].feasible ? "true" : "false");
    row.emplace_back(best && *best == i ? "true" : "false");
    out += fmt::format("{}\n", fmt::join(row, ","));
  }
  return out;
}

std::string sweep_to_json(const SweepPlan& plan, const std::vector<PointResult>& results) {
  const auto red = reduce(plan, results);
  const auto best = best_of(plan, red);
  auto settings = [&](std::size_t point) {
    const auto values = plan.point_values(point);
    std::vector<std::string> kv;
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
      kv.push_back(fmt::format("{}: {}", quote(plan.axes[a].key), quote(values[a])));
    return fmt::format("{{{}}}", fmt::join(kv, ", "));
  };
  std::vector<std::string> keys, cons;
  for (const auto& a : plan.axes) keys.push_back(quote(a.key));
  for (const auto& c : plan.constraints) cons.push_back(quote(c.text));
  std::string out = "{\n";
  out += fmt::format("  \"scenario\": {},\n  \"scenario_hash\": \"{}\",\n", quote(plan.scenario),
                     plan.scenario_hash);
  out += fmt::format("  \"seed\": {},\n  \"replications\": {},\n",
                     plan.seed ? fmt::format("{}", *plan.seed) : "null", plan.replications);
  out += fmt::format("  \"settings\": [{}],\n  \"objective\": \"{}\",\n  \"constraints\": [{}],\n",
                     fmt::join(keys, ", "), stat_name(plan.objective), fmt::join(cons, ", "));
  out += "  \"confidence\": \"95% Student t, mean ± t(0.975, n-1)·s/√n\",\n";
  out += "  \"points\": [";
  for (std::size_t i = 0; i < results.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    out += fmt::format("    {{\n      \"index\": {},\n      \"settings\": {},\n", results[i].index,
                       settings(results[i].index));
    out += fmt::format("      \"replications\": {},\n      \"feasible\": {},\n",
                       results[i].replications.size(), red[i].feasible ? "true" : "false");
    out += "      \"stats\": {";
    for (std::size_t s = 0; s < kStatCount; ++s) {
      const Estimate& e = red[i].stats[s];
      out +=
          fmt::format("{}\n        \"{}\": {{\"mean\": {}, \"ci95_low\": {}, \"ci95_high\": {}}}",
                      s == 0 ? "" : ",", kStatNames[s], num(e.mean),
                      e.half_width ? num(e.mean - *e.half_width) : "null",
                      e.half_width ? num(e.mean + *e.half_width) : "null");
    }
    out += "\n      }\n    }";
  }
  out += results.empty() ? "],\n" : "\n  ],\n";
  if (best)
    out += fmt::format("  \"best\": {{\"index\": {}, \"settings\": {}}}\n", results[*best].index,
                       settings(results[*best].index));
  else
    out += fmt::format("  \"best\": null,\n  \"note\": {}\n", quote(no_best_text(plan)));
  out += "}\n";
  return out;
}

namespace {

// One statistic against the points: mean, 95 % interval as an error bar, the best point marked.
std::string stat_chart(const SweepPlan& plan, const std::vector<PointResult>& results,
                       const std::vector<Reduced>& red, std::size_t stat,
                       std::optional<std::size_t> best) {
  constexpr double kW = 760, kH = 260, kL = 70, kR = 20, kT = 24, kB = 70;
  double lo = 0, hi = 0;
  for (const Reduced& r : red) {
    const Estimate& e = r.stats[stat];
    const double w = e.half_width.value_or(0);
    hi = std::max(hi, e.mean + w);
    lo = std::min(lo, e.mean - w);
  }
  if (hi <= lo) hi = lo + 1;
  auto y = [&](double v) { return kT + (kH - kT - kB) * (hi - v) / (hi - lo); };
  const double n = static_cast<double>(std::max<std::size_t>(1, red.size()));
  auto x = [&](std::size_t i) { return kL + (kW - kL - kR) * (static_cast<double>(i) + 0.5) / n; };
  std::string o = fmt::format(
      R"svg(<svg class="chart sweep-stat" data-stat="{}" xmlns="http://www.w3.org/2000/svg" width="{:.0f}" height="{:.0f}" viewBox="0 0 {:.0f} {:.0f}" font-size="11">)svg"
      "\n",
      stat_name(static_cast<Stat>(stat)), kW, kH, kW, kH);
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4.0;
    o += fmt::format(R"svg(<line x1="{:.0f}" y1="{:.1f}" x2="{:.0f}" y2="{:.1f}" stroke="#e5e5e5"/><text x="{:.0f}" y="{:.1f}" text-anchor="end">{:.4g}</text>)svg"
                     "\n",
                     kL, y(v), kW - kR, y(v), kL - 4, y(v) + 4, v);
  }
  std::string pts;
  for (std::size_t i = 0; i < red.size(); ++i) {
    const Estimate& e = red[i].stats[stat];
    pts += fmt::format("{:.1f},{:.1f} ", x(i), y(e.mean));
    if (e.half_width)
      o += fmt::format(R"svg(<line class="ci" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#555"/>)svg"
                       "\n",
                       x(i), y(e.mean - *e.half_width), x(i), y(e.mean + *e.half_width));
    const bool is_best = best && *best == i;
    o += fmt::format(R"svg(<circle class="{}" cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}"><title>{}: {:.6g}</title></circle>)svg"
                     "\n",
                     is_best ? "point best" : "point", x(i), y(e.mean), is_best ? 6 : 3.5,
                     is_best ? "#c0392b" : (red[i].feasible ? "#2e86de" : "#aab7b8"),
                     html_escape(settings_text(plan, results[i].index)), e.mean);
    const auto values = plan.point_values(results[i].index);
    o += fmt::format(R"svg(<text x="{:.1f}" y="{:.0f}" text-anchor="end" transform="rotate(-35 {:.1f} {:.0f})">{}</text>)svg"
                     "\n",
                     x(i), kH - kB + 14, x(i), kH - kB + 14,
                     html_escape(fmt::format("{}", fmt::join(values, ", "))));
  }
  o += fmt::format(R"svg(<polyline fill="none" stroke="#2e86de" stroke-opacity="0.4" points="{}"/>)svg"
                   "\n",
                   pts);
  o += fmt::format(R"svg(<text x="{:.0f}" y="14" font-weight="bold">{}</text>)svg"
                   "\n",
                   kL, stat_name(static_cast<Stat>(stat)));
  return o + "</svg>\n";
}

}  // namespace

std::string sweep_to_html(const SweepPlan& plan, const std::vector<PointResult>& results) {
  const std::vector<Reduced> red = reduce(plan, results);
  const std::optional<std::size_t> best = best_of(plan, red);
  std::string o = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
)";
  o += fmt::format("<title>lambdasim sweep: {}</title>\n", html_escape(plan.scenario));
  o += R"(<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 800px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin-top: 1.5em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; } th, td { padding: 3px 6px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; } tr.best td { font-weight: bold; color: #c0392b; }
.muted { color: #666; font-size: 0.9em; } svg.chart { display: block; max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } svg.chart, table { page-break-inside: avoid; } }
</style></head><body>
)";
  o += fmt::format("<h1>Sweep of {}</h1>\n<p class=\"muted\">{} points × {} replication{}; "
                   "means with 95 % confidence intervals (Student t); objective: lowest {}",
                   html_escape(plan.scenario), results.size(), plan.replications,
                   plan.replications == 1 ? "" : "s", stat_name(plan.objective));
  for (const Constraint& c : plan.constraints) o += ", " + html_escape(c.text);
  o += ".</p>\n";
  o += best ? fmt::format("<p>Best point: <b>{}</b></p>\n",
                          html_escape(settings_text(plan, results[*best].index)))
            : fmt::format("<p>{}</p>\n", html_escape(no_best_text(plan)));
  for (std::size_t stat = 0; stat < kStatCount; ++stat) {
    o += fmt::format("<h2>{}</h2>\n", stat_name(static_cast<Stat>(stat)));
    o += stat_chart(plan, results, red, stat, best);
  }
  o += "<h2>Points</h2>\n<table><tr><th>settings</th>";
  for (std::size_t stat = 0; stat < kStatCount; ++stat)
    o += fmt::format("<th>{}</th>", stat_name(static_cast<Stat>(stat)));
  o += "</tr>\n";
  for (std::size_t i = 0; i < red.size(); ++i) {
    o += fmt::format("<tr{}><td>{}</td>", best && *best == i ? " class=\"best\"" : "",
                     html_escape(settings_text(plan, results[i].index)));
    for (std::size_t stat = 0; stat < kStatCount; ++stat) {
      const Estimate& e = red[i].stats[stat];
      o += e.half_width ? fmt::format("<td>{:.4g} ± {:.2g}</td>", e.mean, *e.half_width)
                        : fmt::format("<td>{:.4g}</td>", e.mean);
    }
    o += "</tr>\n";
  }
  o += "</table>\n<p class=\"muted\">Generated by lambdasim sweep. Grey points break a "
       "constraint; the red point is the best.</p>\n</body></html>\n";
  return o;
}

std::string format_sweep(const SweepPlan& plan, const std::vector<PointResult>& results,
                         const std::string& format) {
  if (format == "json") return sweep_to_json(plan, results);
  if (format == "html") return sweep_to_html(plan, results);
  if (format == "csv") return sweep_to_csv(plan, results);
  return sweep_to_table(plan, results);
}

std::string partial_header(const SweepPlan& plan, const Shard& shard) {
  return fmt::format("{{\"sweep\": {}, \"shard\": \"{}/{}\"}}\n", plan.identity_json(), shard.k,
                     shard.n);
}

std::string partial_line(const PointResult& result) {
  std::vector<std::string> reps;
  for (const StatValues& v : result.replications) {
    std::vector<std::string> x;
    for (double d : v) x.push_back(num(d));
    reps.push_back(fmt::format("[{}]", fmt::join(x, ", ")));
  }
  return fmt::format("{{\"index\": {}, \"values\": [{}]}}\n", result.index, fmt::join(reps, ", "));
}

Partial read_partial(const std::string& path, bool lenient) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "", "cannot open file");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  Partial p;
  std::size_t pos = 0, line_no = 0;
  bool header = true;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    ++line_no;
    const std::string where = fmt::format("{}:{}", path, line_no);
    const bool torn = end == std::string::npos;
    const std::string line = text.substr(pos, torn ? std::string::npos : end - pos);
    pos = torn ? text.size() : end + 1;
    bool ok = false;
    const ConfigNode n = torn ? ConfigNode{} : parse_line(line, where, ok);
    if (header) {
      if (!ok) fail(path, "", "not a lambdasim sweep file (its first line is not a sweep header)");
      p.plan = plan_from(member(n, "sweep", where), where);
      p.identity = p.plan.identity_json();
      p.shard = parse_shard(text_of(member(n, "shard", where), where));
      header = false;
      continue;
    }
    if (!ok) {
      if (lenient) {
        p.complete_last_line = false;
        break;
      }
      fail(where, "",
           torn ? "the last line is incomplete (was the run interrupted? rerun it "
                  "with the same arguments to finish it)"
                : "not a point of a sweep");
    }
    try {
      p.results.push_back(point_from(n, p.plan, where));
    } catch (const ScenarioError&) {
      if (!lenient) throw;
      p.complete_last_line = false;
      break;
    }
  }
  if (header) fail(path, "", "empty file: not a lambdasim sweep file");
  return p;
}

std::pair<SweepPlan, std::vector<PointResult>> merge_partials(
    const std::vector<std::string>& paths) {
  LSIM_CHECK(!paths.empty(), "merge without parts");
  std::map<std::size_t, std::pair<PointResult, std::string>> all;
  Partial first;
  for (std::size_t f = 0; f < paths.size(); ++f) {
    Partial p = read_partial(paths[f], false);
    if (f == 0) {
      first = p;
    } else if (p.identity != first.identity) {
      const SweepPlan &a = first.plan, &b = p.plan;
      const std::string what =
          a.scenario_hash != b.scenario_hash ? "the scenario file differs (another hash)"
          : a.replications != b.replications ? "the number of replications differs"
          : a.seed != b.seed                 ? "the seed differs"
          : a.objective != b.objective       ? "the objective differs"
          : a.point_count() != b.point_count() || a.axes.size() != b.axes.size()
              ? "the swept settings differ"
              : "the swept settings or constraints differ";
      fail(paths[f], "", fmt::format("belongs to another sweep than {}: {}", paths[0], what));
    } else if (p.shard.n != first.shard.n) {
      fail(paths[f], "",
           fmt::format("is shard {}/{}, but {} is shard {}/{}", p.shard.k, p.shard.n, paths[0],
                       first.shard.k, first.shard.n));
    }
    for (PointResult& r : p.results) {
      const std::size_t i = r.index;
      auto [it, fresh] = all.emplace(i, std::make_pair(std::move(r), paths[f]));
      if (!fresh)
        fail(paths[f], "",
             fmt::format("point {} is also in {}: each point must be in exactly "
                         "one part",
                         i, it->second.second));
    }
  }
  const std::size_t n = first.plan.point_count();
  if (all.size() != n) {
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < n && missing.size() < 10; ++i)
      if (!all.count(i)) missing.push_back(fmt::format("{}", i));
    fail(paths[0], "",
         fmt::format("the parts hold {} of the sweep's {} points (missing: {}{}); are all {} "
                     "shards there, and did each finish?",
                     all.size(), n, fmt::join(missing, ", "),
                     n - all.size() > missing.size() ? ", ..." : "", first.shard.n));
  }
  std::vector<PointResult> results;
  for (auto& [i, r] : all) results.push_back(std::move(r.first));
  return {first.plan, std::move(results)};
}

}  // namespace lsim
