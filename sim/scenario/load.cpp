// Scenario loading and validation: every key is read through a ParamReader (so typos are caught),
// every model is built once from its registry (so model parameters are checked too), and
// cross-field rules are checked with the location of the offending key.
#include "sim/scenario/load.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "sim/core/units.hpp"
#include "sim/scenario/param_reader.hpp"

namespace lsim {
namespace {

// Runtimes Lambda offers (lambda-facts §8 lists their cold starts); others get a warning only,
// because AWS adds runtimes faster than this list can follow.
const std::vector<std::string> kKnownRuntimes = {
    "nodejs18.x", "nodejs20.x",    "nodejs22.x",      "nodejs24.x",  "python3.9",
    "python3.10", "python3.11",    "python3.12",      "python3.13",  "python3.14",
    "java8.al2",  "java11",        "java17",          "java21",      "java25",
    "dotnet8",    "dotnet10",      "ruby3.2",         "ruby3.3",     "ruby3.4",
    "provided",   "provided.al2",  "provided.al2023"};

constexpr int kMinMemoryMb = 128, kMaxMemoryMb = 10240;   // lambda-facts §2
constexpr int kMinEphemeralMb = 512, kMaxEphemeralMb = 10240;
constexpr auto kMaxTimeout = std::chrono::seconds(900);
constexpr int kUnreservedMinimum = 100;  // lambda-facts §3: 100 must stay unreserved
constexpr std::size_t kMaxFunctions = 10'000;
constexpr std::size_t kMaxWorkloads = 100'000;

const char* kDefaultKeepAlive = "{type: fixed, idle: 10m, max_lifetime: 2h}";

bool valid_function_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

ConfigNode default_model(const char* yaml, const SourceLoc& loc) {
  Diagnostics ignore;
  ConfigNode n = parse_yaml_text(yaml, loc.file, ignore);
  relocate(n, loc);
  return n;
}

// Builds the model once with a throwaway stream, only to check its parameters.
template <class I>
void check_model(const Registry<I>& registry, const ModelSpec& m, Diagnostics& diags) {
  (void)registry.make(m.node, m.path, diags, RngStream::derive(0, 0, "validate"));
}

class Loader {
 public:
  Loader(const Registries& registries, Diagnostics& diags, std::string origin)
      : reg_(registries), diags_(diags), origin_(std::move(origin)) {}

  ScenarioSpec load(const ConfigNode& root) {
    ScenarioSpec s;
    s.file = origin_;
    s.pricing.region_loc = s.pricing.table_loc = {origin_, 0, 0};
    if (root.is_null()) {
      diags_.error({origin_, 0, 0}, "", "the scenario is empty (it needs at least 'duration', "
                                        "'functions' and 'workload')");
      return s;
    }
    ParamReader top(root, "", diags_);
    if (!root.is_map()) return s;
    s.name = top.string_or("name", std::filesystem::path(origin_).stem().string());
    (void)top.string_or("description", "");
    if (auto seed = top.optional_integer("seed")) {
      if (top.check(*seed >= 0, "seed", "must be >= 0")) s.seed = static_cast<std::uint64_t>(*seed);
    }
    const std::size_t errors_before = diags_.error_count();
    s.duration = top.duration("duration");
    s.warmup = top.duration_or("warmup", Duration{0});
    if (top.has("duration") && diags_.error_count() == errors_before) {  // no follow-on errors
      top.check(s.duration > Duration{0}, "duration", "must be > 0");
      if (top.has("warmup"))
        top.check(s.warmup < s.duration, "warmup",
                  fmt::format("a warm-up of {} leaves nothing of a {} run to measure",
                              format_duration(s.warmup), format_duration(s.duration)));
    }
    read_account(top, s);
    read_pricing(top, s);
    read_functions(top, s);
    read_workloads(top, s);
    top.finish();
    check_reserved(root, s);
    return s;
  }

 private:
  void read_account(ParamReader& top, ScenarioSpec& s) {
    const ConfigNode* node = top.child("account");
    if (node == nullptr) return;
    ParamReader r(*node, "account", diags_);
    const std::int64_t limit = r.integer_or("concurrency_limit", s.account_concurrency);
    if (r.check(limit >= 1 && limit <= 10'000'000, "concurrency_limit",
                "must be between 1 and 10,000,000"))
      s.account_concurrency = static_cast<int>(limit);
    s.init_limit = r.duration_or("init_limit", s.init_limit);
    r.check(s.init_limit > Duration{0} && s.init_limit <= std::chrono::seconds(900), "init_limit",
            "must be more than 0 and at most 900s");
    r.finish();
  }

  void read_pricing(ParamReader& top, ScenarioSpec& s) {
    const ConfigNode* node = top.child("pricing");
    if (node == nullptr) return;
    ParamReader r(*node, "pricing", diags_);
    s.pricing.region = r.string_or("region", s.pricing.region);
    s.pricing.region_loc = r.loc_of("region");
    if (r.has("date")) {
      const std::string text = r.string("date");
      if (auto d = parse_date(text)) s.pricing.date = *d;
      else r.error("date", fmt::format("'{}' is not a date (write YYYY-MM-DD)", text));
    }
    s.pricing.free_tier = r.boolean_or("free_tier", false);
    if (r.has("table")) {
      const std::string table = r.string("table");
      s.pricing.table_loc = r.loc_of("table");
      std::filesystem::path p(table);
      if (p.is_relative()) p = std::filesystem::path(origin_).parent_path() / p;
      s.pricing.table_path = p.lexically_normal().string();
    }
    r.finish();
  }

  ModelSpec model(ParamReader& r, const std::string& key, const char* default_yaml) {
    ModelSpec m;
    m.path = r.path_of(key);
    if (const ConfigNode* c = r.child(key); c != nullptr && !c->is_null()) {
      m.node = *c;
    } else if (default_yaml != nullptr) {
      m.node = default_model(default_yaml, r.loc_of(key));
    } else {
      r.error(key, fmt::format("missing required key '{}'", key));
    }
    return m;
  }

  void read_functions(ParamReader& top, ScenarioSpec& s) {
    const ConfigNode* list = top.child("functions");
    if (list == nullptr || list->is_null()) {
      top.error("functions", "missing required key 'functions' (a list of functions)");
      return;
    }
    if (!list->is_list()) {
      diags_.error(list->loc, "functions", "expected a list of functions");
      return;
    }
    if (list->items.size() > kMaxFunctions) {
      diags_.error(list->loc, "functions",
                   fmt::format("{} functions; at most {} are allowed", list->items.size(),
                               kMaxFunctions));
      return;
    }
    if (list->items.empty()) diags_.error(list->loc, "functions", "needs at least one function");
    std::set<std::string> names;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      const ConfigNode& item = list->items[i];
      const std::string path = fmt::format("functions[{}]", i);
      if (!item.is_map()) {
        diags_.error(item.loc, path,
                     "expected a function: a mapping with at least name, duration and cold_start");
        continue;
      }
      ParamReader r(item, path, diags_);
      FunctionSpec f;
      f.loc = item.loc;
      f.name = r.string("name");
      if (r.has("name")) {
        if (!valid_function_name(f.name))
          r.error("name", "must be 1-64 letters, digits, '-' or '_' (as AWS function names)");
        else if (!names.insert(f.name).second)
          r.error("name", fmt::format("function '{}' is defined twice", f.name));
      }
      f.runtime = r.string_or("runtime", f.runtime);
      if (r.has("runtime") &&
          std::find(kKnownRuntimes.begin(), kKnownRuntimes.end(), f.runtime) == kKnownRuntimes.end()) {
        std::string msg = fmt::format("unknown runtime '{}'", f.runtime);
        const std::string guess = closest_match(f.runtime, kKnownRuntimes);
        if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
        r.warning("runtime", msg + "; INIT billing treats it as a managed runtime");
      }
      if (r.has("architecture")) {
        const std::string a = r.string("architecture");
        if (auto arch = parse_architecture(a)) f.architecture = *arch;
        else r.error("architecture", fmt::format("unknown architecture '{}' (known: x86_64, arm64)", a));
      }
      if (r.has("package_type")) {
        const std::string p = r.string("package_type");
        if (p == "zip") f.package_type = PackageType::Zip;
        else if (p == "image") f.package_type = PackageType::Image;
        else r.error("package_type", fmt::format("unknown package type '{}' (known: zip, image)", p));
      }
      f.memory_mb = r.memory_mb_or("memory", f.memory_mb);
      r.check(f.memory_mb >= kMinMemoryMb && f.memory_mb <= kMaxMemoryMb, "memory",
              fmt::format("{} MB is outside Lambda's 128–10,240 MB", f.memory_mb));
      f.ephemeral_mb = r.memory_mb_or("ephemeral_storage", f.ephemeral_mb);
      r.check(f.ephemeral_mb >= kMinEphemeralMb && f.ephemeral_mb <= kMaxEphemeralMb,
              "ephemeral_storage",
              fmt::format("{} MB is outside Lambda's 512–10,240 MB", f.ephemeral_mb));
      f.timeout = r.duration_or("timeout", f.timeout);
      r.check(f.timeout > Duration{0} && f.timeout <= kMaxTimeout, "timeout",
              fmt::format("{} is outside Lambda's limit (more than 0, at most 900s)",
                          format_duration(f.timeout)));
      if (auto reserved = r.optional_integer("reserved_concurrency")) {
        if (r.check(*reserved >= 0 && *reserved <= 10'000'000, "reserved_concurrency",
                    "must be between 0 and the account's concurrency limit"))
          f.reserved_concurrency = static_cast<int>(*reserved);
      }
      f.error_probability = r.number_or("error_probability", 0);
      r.check(f.error_probability >= 0 && f.error_probability <= 1, "error_probability",
              "must be a probability between 0 and 1");
      f.crash_probability = r.number_or("crash_probability", 0);
      r.check(f.crash_probability >= 0 && f.crash_probability <= 1, "crash_probability",
              "must be a probability between 0 and 1");
      r.check(f.error_probability + f.crash_probability <= 1, "crash_probability",
              "error_probability + crash_probability must not exceed 1");
      if (const ConfigNode* ms = r.child("memory_scaling"); ms != nullptr && !ms->is_null()) {
        ParamReader m(*ms, r.path_of("memory_scaling"), diags_);
        f.memory_scaling.reference_mb = m.memory_mb_or("reference_memory", 0);
        if (!m.has("reference_memory"))
          m.error("reference_memory", "missing required key 'reference_memory' (the memory size "
                                      "at which the duration model was measured)");
        else
          m.check(f.memory_scaling.reference_mb >= kMinMemoryMb &&
                      f.memory_scaling.reference_mb <= kMaxMemoryMb,
                  "reference_memory", "must be within Lambda's 128–10,240 MB");
        f.memory_scaling.cpu_bound = m.number_or("cpu_bound", 1.0);
        m.check(f.memory_scaling.cpu_bound >= 0 && f.memory_scaling.cpu_bound <= 1, "cpu_bound",
                "must be a fraction between 0 and 1");
        f.memory_scaling.threads = m.number_or("threads", 1.0);
        m.check(f.memory_scaling.threads >= 1 && f.memory_scaling.threads <= 64, "threads",
                "must be between 1 and 64");
        f.memory_scaling.cold_start = m.boolean_or("cold_start", false);
        m.finish();
      }
      f.duration = model(r, "duration", nullptr);
      f.cold_start = model(r, "cold_start", nullptr);
      f.keep_alive = model(r, "keep_alive", kDefaultKeepAlive);
      f.reuse = model(r, "reuse", "mru");
      f.scaling = model(r, "scaling", "token_bucket");
      r.finish();
      if (!f.duration.node.is_null()) check_model(reg_.duration, f.duration, diags_);
      if (!f.cold_start.node.is_null()) check_model(reg_.cold_start, f.cold_start, diags_);
      check_model(reg_.keep_alive, f.keep_alive, diags_);
      check_model(reg_.reuse, f.reuse, diags_);
      check_model(reg_.scaling, f.scaling, diags_);
      s.functions.push_back(std::move(f));
    }
  }

  void read_workloads(ParamReader& top, ScenarioSpec& s) {
    const ConfigNode* list = top.child("workload");
    if (list == nullptr || list->is_null()) {
      top.error("workload", "missing required key 'workload' (a list of traffic sources)");
      return;
    }
    if (!list->is_list()) {
      diags_.error(list->loc, "workload", "expected a list of workloads");
      return;
    }
    if (list->items.size() > kMaxWorkloads) {
      diags_.error(list->loc, "workload", fmt::format("at most {} workloads", kMaxWorkloads));
      return;
    }
    std::vector<std::size_t> per_function(s.functions.size(), 0);
    std::map<std::string, std::size_t> index;
    std::size_t unknown_targets = 0;
    std::vector<std::string> names;  // for messages: at most 20, "did you mean" looks at all
    for (std::size_t f = 0; f < s.functions.size(); ++f) {
      index.emplace(s.functions[f].name, f);
      names.push_back(s.functions[f].name);
    }
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      const ConfigNode& item = list->items[i];
      ParamReader r(item, fmt::format("workload[{}]", i), diags_);
      WorkloadSpec w;
      w.loc = item.loc;
      const std::string target = r.string("function");
      w.arrivals = model(r, "arrivals", nullptr);
      r.finish();
      if (!w.arrivals.node.is_null()) check_model(reg_.arrivals, w.arrivals, diags_);
      if (target.empty()) {
        if (r.has("function")) r.error("function", "must name a function");
        continue;
      }
      const auto it = index.find(target);
      if (it != index.end()) w.function = it->second;
      if (it == index.end()) {
        std::string msg;
        if (target.find(':') != std::string::npos)
          msg = fmt::format("'{}' names a version or alias; versions and aliases are not "
                            "modelled yet, target the function by its name", target);
        else {
          msg = fmt::format("no function named '{}'", target);
          // Suggestions cost O(functions) each: give them for the first 20 unknown names only,
          // so a generated file with thousands of bad references still loads quickly.
          const std::string guess =
              ++unknown_targets <= 20 ? closest_match(target, names) : std::string();
          if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
          if (!names.empty() && names.size() <= 20)
            msg += fmt::format("; functions: {}", fmt::join(names, ", "));
        }
        r.error("function", msg);
        continue;
      }
      w.function_name = target;
      w.ordinal = per_function[w.function]++;
      s.workloads.push_back(std::move(w));
    }
    if (list->items.empty()) diags_.error(list->loc, "workload", "needs at least one workload");
  }

  void check_reserved(const ConfigNode& root, const ScenarioSpec& s) {
    std::int64_t total = 0;
    for (const auto& f : s.functions) total += f.reserved_concurrency.value_or(0);
    if (total == 0) return;
    const std::int64_t allowed = s.account_concurrency - kUnreservedMinimum;
    if (total <= allowed) return;
    // Point at the last function that reserves: that is where the budget ran out.
    const ConfigNode* functions = root.find("functions");
    for (std::size_t i = s.functions.size(); i-- > 0;) {
      if (!s.functions[i].reserved_concurrency) continue;
      SourceLoc loc = s.functions[i].loc;
      if (functions != nullptr && i < functions->items.size())
        if (const ConfigNode* rc = functions->items[i].find("reserved_concurrency")) loc = rc->loc;
      diags_.error(loc, fmt::format("functions[{}].reserved_concurrency", i),
                   fmt::format("the functions reserve {} in all, but at most {} may be reserved "
                               "(account limit {} minus the {} that must stay unreserved)",
                               total, std::max<std::int64_t>(0, allowed), s.account_concurrency,
                               kUnreservedMinimum));
      return;
    }
  }

  const Registries& reg_;
  Diagnostics& diags_;
  std::string origin_;
};

ScenarioSpec finish_load(ConfigNode root, const std::string& origin, const Registries& registries,
                         const std::vector<std::string>& overrides, Diagnostics& diags,
                         Diagnostics* warnings) {
  if (!diags.has_errors())
    for (const auto& o : overrides) apply_override(root, o, diags);
  ScenarioSpec spec;
  if (!diags.has_errors()) spec = Loader(registries, diags, origin).load(root);
  if (diags.has_errors()) throw ScenarioError(std::move(diags));
  if (warnings != nullptr)
    for (const auto& d : diags.all()) warnings->warning(d.loc, d.path, d.message);
  return spec;
}

}  // namespace

ScenarioSpec load_scenario(const std::string& path, const Registries& registries,
                           const std::vector<std::string>& overrides, Diagnostics* warnings) {
  Diagnostics diags;
  ConfigNode root = load_yaml_file(path, diags);
  return finish_load(std::move(root), path, registries, overrides, diags, warnings);
}

ScenarioSpec load_scenario_text(const std::string& text, const std::string& origin,
                                const Registries& registries,
                                const std::vector<std::string>& overrides, Diagnostics* warnings) {
  Diagnostics diags;
  ConfigNode root = parse_yaml_text(text, origin, diags);
  return finish_load(std::move(root), origin, registries, overrides, diags, warnings);
}

}  // namespace lsim
