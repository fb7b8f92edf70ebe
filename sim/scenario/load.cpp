// Scenario loading and validation: every key is read through a ParamReader (so typos are caught),
// every model is built once from its registry (so model parameters are checked too), and
// cross-field rules are checked with the location of the offending key.
#include "sim/scenario/load.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "sim/core/units.hpp"
#include "sim/lambda/cpu_share.hpp"
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

constexpr int kMinEphemeralMb = 512, kMaxEphemeralMb = 10240;
constexpr auto kMaxTimeout = std::chrono::seconds(900);
constexpr int kUnreservedMinimum = 100;  // lambda-facts §3: 100 must stay unreserved
constexpr std::size_t kMaxFunctions = 10'000;
constexpr std::size_t kMaxWorkloads = 100'000;

const char* kDefaultKeepAlive = "{type: fixed, idle: 10m, max_lifetime: 2h}";

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
    read_sweep(top, s);
    top.finish();
    check_reserved(root, s);
    check_provisioned(s);
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

  // Only the shape is checked here; `lambdasim sweep` applies every value as a --set override.
  void read_sweep(ParamReader& top, ScenarioSpec& s) {
    const ConfigNode* node = top.child("sweep");
    if (node == nullptr) return;
    ParamReader r(*node, "sweep", diags_);
    if (auto n = r.optional_integer("replications"))
      if (r.check(*n >= 1 && *n <= 10'000, "replications", "must be between 1 and 10,000"))
        s.sweep.replications = static_cast<int>(*n);
    if (const ConfigNode* settings = r.child("settings")) {
      if (!settings->is_map())
        r.error("settings", "must map key paths to values, e.g. {functions.api.memory: [128MB, 1GB]}");
      for (const ConfigEntry& e : settings->entries) {
        SweepSpec::Axis axis{e.key, {}, e.value.key_loc};
        if (e.value.is_list() && !e.value.items.empty()) axis.values = e.value.items;
        else if (e.value.is_scalar()) axis.values.push_back(e.value);
        else {
          diags_.error(e.value.loc, fmt::format("sweep.settings.{}", e.key),
                       "must be a non-empty list of values or a start:stop:step range");
          continue;
        }
        s.sweep.axes.push_back(std::move(axis));
      }
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

  // The settings a version may override. With `base`, absent keys take AWS's defaults (models:
  // the documented defaults, or an error when required); otherwise they keep the base's values.
  void read_settings(ParamReader& r, FunctionSettings& f, bool base) {
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
    f.error_probability = r.number_or("error_probability", f.error_probability);
    r.check(f.error_probability >= 0 && f.error_probability <= 1, "error_probability",
            "must be a probability between 0 and 1");
    f.crash_probability = r.number_or("crash_probability", f.crash_probability);
    r.check(f.crash_probability >= 0 && f.crash_probability <= 1, "crash_probability",
            "must be a probability between 0 and 1");
    r.check(f.error_probability + f.crash_probability <= 1, "crash_probability",
            "error_probability + crash_probability must not exceed 1");
    if (const ConfigNode* ms = r.child("memory_scaling"); ms != nullptr && !ms->is_null()) {
      ParamReader m(*ms, r.path_of("memory_scaling"), diags_);
      f.memory_scaling = MemoryScaling{};
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
      f.memory_scaling.exponent = m.number_or("exponent", 1.0);
      m.check(f.memory_scaling.exponent >= kMinScalingExponent &&
                  f.memory_scaling.exponent <= kMaxScalingExponent,
              "exponent", "must be between 0.25 and 4 (1: CPU time proportional to 1/vCPUs)");
      f.memory_scaling.cold_start = m.boolean_or("cold_start", false);
      m.finish();
    }
    override_model(r, "duration", base ? nullptr : &f.duration, nullptr, f.duration, reg_.duration);
    fill_runtime_preset(r, f);
    override_model(r, "cold_start", base ? nullptr : &f.cold_start, nullptr, f.cold_start,
                   reg_.cold_start);
    override_model(r, "keep_alive", base ? nullptr : &f.keep_alive, kDefaultKeepAlive,
                   f.keep_alive, reg_.keep_alive);
    override_model(r, "reuse", base ? nullptr : &f.reuse, "mru", f.reuse, reg_.reuse);
    if (const ConfigNode* a = r.child("async"); a != nullptr && !a->is_null()) {
      ParamReader ar(*a, r.path_of("async"), diags_);
      const std::int64_t retries = ar.integer_or("max_retries", f.async.max_retries);
      if (ar.check(retries >= 0 && retries <= 2, "max_retries",
                   "must be 0, 1 or 2 (Lambda's MaximumRetryAttempts)"))
        f.async.max_retries = static_cast<int>(retries);
      f.async.max_event_age = ar.duration_or("max_event_age", f.async.max_event_age);
      ar.check(f.async.max_event_age >= std::chrono::seconds(60) &&
                   f.async.max_event_age <= std::chrono::hours(6),
               "max_event_age", "must be between 60s and 6h (Lambda's MaximumEventAgeInSeconds)");
      ar.finish();
    }
    if (const ConfigNode* sn = r.child("snapstart"); sn != nullptr && !sn->is_null()) {
      ParamReader sr(*sn, r.path_of("snapstart"), diags_);
      f.snapstart.enabled = sr.boolean_or("enabled", true);
      override_model(sr, "restore", nullptr, nullptr, f.snapstart.restore, reg_.cold_start);
      f.snapstart.billed_fraction = sr.number_or("billed_fraction", 1.0);
      sr.check(f.snapstart.billed_fraction >= 0 && f.snapstart.billed_fraction <= 1,
               "billed_fraction", "must be a fraction between 0 and 1");
      sr.finish();
    }
    if (const ConfigNode* fi = r.child("first_invocation"); fi != nullptr && !fi->is_null()) {
      ParamReader fr(*fi, r.path_of("first_invocation"), diags_);
      f.first_invocation.enabled = true;
      override_model(fr, "extra", nullptr, nullptr, f.first_invocation.extra, reg_.duration);
      f.first_invocation.reference_mb = fr.memory_mb_or("reference_memory", f.memory_mb);
      fr.check(f.first_invocation.reference_mb >= kMinMemoryMb &&
                   f.first_invocation.reference_mb <= kMaxMemoryMb,
               "reference_memory", "must be within Lambda's 128–10,240 MB");
      fr.finish();
    }
  }

  // Reads model `key`: present ⇒ parsed and checked; absent ⇒ kept (`keep`), else the default,
  // else an error.
  template <class I>
  void override_model(ParamReader& r, const std::string& key, const ModelSpec* keep,
                      const char* default_yaml, ModelSpec& out, const Registry<I>& registry) {
    const ConfigNode* c = r.child(key);
    if ((c == nullptr || c->is_null()) && keep != nullptr) return;
    out = model(r, key, default_yaml);
    if (!out.node.is_null()) check_model(registry, out, diags_);
  }

  // SnapStart runtimes (AWS Lambda developer guide "Improving startup performance with Lambda
  // SnapStart": Java 11+, Python 3.12+, .NET 8+; not for container images).
  void check_snapstart(ParamReader& r, const FunctionSettings& f) {
    if (!f.snapstart.enabled) return;
    const std::string& rt = f.runtime;
    const bool supported = (rt.rfind("java", 0) == 0 && rt != "java8.al2") ||
                           rt == "python3.12" || rt == "python3.13" || rt == "python3.14" ||
                           rt == "dotnet8" || rt == "dotnet10";
    if (!supported)
      r.error("snapstart", fmt::format("SnapStart is not available for runtime '{}' (Java 11+, "
                                       "Python 3.12+ and .NET 8+ only)", rt));
    if (f.package_type == PackageType::Image)
      r.error("snapstart", "SnapStart is not available for container images");
  }

  // `daily: "HH:MM"` → time of day.
  std::optional<Duration> parse_time_of_day(const std::string& text) {
    int h = -1, m = -1;
    char colon = 0;
    if (text.size() == 5 && std::sscanf(text.c_str(), "%2d%c%2d", &h, &colon, &m) == 3 &&
        colon == ':' && h >= 0 && h < 24 && m >= 0 && m < 60)
      return std::chrono::hours(h) + std::chrono::minutes(m);
    return std::nullopt;
  }

  // Provisioned concurrency (lambda-facts §5): static, schedule or target_tracking.
  void read_provisioned(ParamReader& parent, ProvisionedSpec& pc) {
    const ConfigNode* node = parent.child("provisioned");
    if (node == nullptr || node->is_null()) return;
    ParamReader r(*node, parent.path_of("provisioned"), diags_);
    pc.loc = node->loc;
    const std::string type = r.string("type");
    if (type == "static") pc.kind = ProvisionedSpec::Kind::Static;
    else if (type == "schedule") pc.kind = ProvisionedSpec::Kind::Schedule;
    else if (type == "target_tracking") pc.kind = ProvisionedSpec::Kind::TargetTracking;
    else if (r.has("type"))
      r.error("type", fmt::format("unknown provisioned-concurrency type '{}' (known: static, "
                                  "schedule, target_tracking)", type));
    auto count = [&](ParamReader& pr, const std::string& key, std::int64_t def) {
      const std::int64_t v = pr.integer_or(key, def);
      pr.check(v >= 0 && v <= 1'000'000, key, "must be a whole number between 0 and 1,000,000");
      return static_cast<int>(std::clamp<std::int64_t>(v, 0, 1'000'000));
    };
    pc.ready_at_start = r.boolean_or("ready_at_start", false);
    pc.preparation = r.duration_or("preparation", pc.preparation);
    pc.allocation_burst = count(r, "allocation_burst", pc.allocation_burst);
    if (r.has("allocation_rate")) pc.allocation_rate_per_s = r.rate_per_s("allocation_rate");
    r.check(pc.allocation_rate_per_s > 0, "allocation_rate", "must be more than 0");
    if (pc.kind == ProvisionedSpec::Kind::Static) {
      pc.concurrency = count(r, "concurrency", 0);
      if (!r.has("concurrency")) r.error("concurrency", "missing required key 'concurrency'");
    }
    if (pc.kind == ProvisionedSpec::Kind::TargetTracking) {
      pc.target = r.number_or("target", 0.7);
      r.check(pc.target >= 0.1 && pc.target <= 0.9, "target",
              "must be between 0.1 and 0.9 (Application Auto Scaling's target value)");
      pc.min = count(r, "min", 0);
      pc.max = count(r, "max", 0);
      if (!r.has("max")) r.error("max", "missing required key 'max'");
      r.check(pc.min <= pc.max, "min", "must not exceed max");
    }
    const bool tt = pc.kind == ProvisionedSpec::Kind::TargetTracking;
    const char* steps_key = tt ? "schedule" : "steps";
    if (pc.kind == ProvisionedSpec::Kind::Schedule || tt) {
      const ConfigNode* list = r.child(steps_key);
      if (list == nullptr || list->is_null()) {
        if (!tt) r.error(steps_key, "missing required key 'steps' (a list of {at or daily, "
                                    "concurrency})");
      } else if (!list->is_list()) {
        diags_.error(list->loc, r.path_of(steps_key), "expected a list of steps");
      } else {
        for (std::size_t i = 0; i < list->items.size(); ++i) {
          ParamReader sr(list->items[i], fmt::format("{}[{}]", r.path_of(steps_key), i), diags_);
          ProvisionedStep step;
          if (sr.has("daily")) {
            const std::string t = sr.string("daily");
            if (auto d = parse_time_of_day(t)) {
              step.at = *d;
              step.daily = true;
            } else {
              sr.error("daily", fmt::format("'{}' is not a time of day (write HH:MM, UTC)", t));
            }
            if (sr.has("at")) sr.error("at", "give either 'at' or 'daily', not both");
          } else {
            step.at = sr.duration("at");
          }
          if (tt) {
            step.min = count(sr, "min", pc.min);
            step.max = count(sr, "max", pc.max);
            sr.check(step.min <= step.max, "min", "must not exceed max");
          } else {
            step.concurrency = count(sr, "concurrency", 0);
            if (!sr.has("concurrency")) sr.error("concurrency", "missing required key 'concurrency'");
          }
          sr.finish();
          pc.steps.push_back(step);
        }
      }
    }
    r.finish();
  }

  // The most provisioned concurrency a version can ever have.
  static int max_provisioned(const ProvisionedSpec& pc) {
    switch (pc.kind) {
      case ProvisionedSpec::Kind::None: return 0;
      case ProvisionedSpec::Kind::Static: return pc.concurrency;
      case ProvisionedSpec::Kind::Schedule: {
        int m = 0;
        for (const auto& st : pc.steps) m = std::max(m, st.concurrency);
        return m;
      }
      case ProvisionedSpec::Kind::TargetTracking: {
        int m = pc.max;
        for (const auto& st : pc.steps) m = std::max(m, st.max);
        return m;
      }
    }
    return 0;
  }

  static bool is_version_name(const std::string& s) {
    return !s.empty() && s.size() <= 10 && s[0] != '0' &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  void read_versions(ParamReader& r, FunctionSpec& f) {
    check_snapstart(r, f);
    const ConfigNode* vs = r.child("versions");
    if (vs != nullptr && !vs->is_null()) {
      if (!vs->is_map()) {
        diags_.error(vs->loc, r.path_of("versions"),
                     "expected a mapping of version numbers to settings, e.g. "
                     "{ \"1\": {}, \"2\": { memory: 512MB } }");
      } else {
        f.declares_versions = true;
        for (const ConfigEntry& e : vs->entries) {
          const std::string path = r.path_of("versions") + "." + e.key;
          if (!is_version_name(e.key)) {
            diags_.error(e.value.key_loc, path,
                         fmt::format("'{}' is not a version number (Lambda numbers published "
                                     "versions 1, 2, 3, ...)", e.key));
            continue;
          }
          VersionSpec v;
          static_cast<FunctionSettings&>(v) = f;
          v.name = e.key;
          v.loc = e.value.key_loc;
          if (!e.value.is_null()) {
            ParamReader vr(e.value, path, diags_);
            for (const char* k : {"name", "reserved_concurrency", "scaling", "versions", "aliases"})
              vr.refuse(k, fmt::format("'{}' belongs to the function, not to a version", k));
            read_settings(vr, v, /*base=*/false);
            read_provisioned(vr, v.provisioned);
            // Inherited settings were checked on the function; check what the version changes.
            if (vr.has("snapstart") || vr.has("runtime") || vr.has("package_type"))
              check_snapstart(vr, v);
            vr.finish();
          }
          f.versions.push_back(std::move(v));
        }
      }
    }
    if (!f.declares_versions) {
      VersionSpec latest;
      static_cast<FunctionSettings&>(latest) = f;
      latest.name = "$LATEST";
      latest.loc = f.loc;
      f.versions.push_back(std::move(latest));
    }
    const ConfigNode* as = r.child("aliases");
    if (as == nullptr || as->is_null() || (as->is_map() && as->entries.empty())) return;
    if (!as->is_map()) {
      diags_.error(as->loc, r.path_of("aliases"),
                   "expected a mapping of alias names to versions, e.g. "
                   "{ live: { \"1\": 0.9, \"2\": 0.1 } }");
      return;
    }
    if (!f.declares_versions) {
      r.error("aliases", "an alias points to published versions: declare them under 'versions'");
      return;
    }
    std::vector<std::string> version_names;
    for (const auto& v : f.versions) version_names.push_back(v.name);
    for (const ConfigEntry& e : as->entries) {
      const std::string path = r.path_of("aliases") + "." + e.key;
      AliasSpec a;
      a.name = e.key;
      a.loc = e.value.key_loc;
      // AWS alias names: letters, digits, '-' and '_', not all digits (that would be a version).
      if (!valid_function_name(e.key) || is_version_name(e.key) ||
          std::all_of(e.key.begin(), e.key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        diags_.error(e.value.key_loc, path,
                     "an alias name is 1-64 letters, digits, '-' or '_' and not a number");
        continue;
      }
      auto version_index = [&](const std::string& name, const SourceLoc& loc) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < f.versions.size(); ++i)
          if (f.versions[i].name == name) return i;
        std::string msg = fmt::format("no version '{}' (versions: {})", name,
                                      fmt::join(version_names, ", "));
        diags_.error(loc, path, msg);
        return std::nullopt;
      };
      if (e.value.is_scalar()) {
        if (auto v = version_index(e.value.scalar, e.value.loc)) a.routes.emplace_back(*v, 1.0);
      } else if (e.value.is_map()) {
        // Weights by version, and optionally the alias's provisioned concurrency.
        const ConfigNode* pc_node = e.value.find("provisioned");
        const std::size_t weights = e.value.entries.size() - (pc_node != nullptr ? 1 : 0);
        if (weights == 0 || weights > 2) {
          diags_.error(e.value.loc, path, "an alias routes to one version or splits between two "
                                          "(lambda-facts §6)");
          continue;
        }
        double sum = 0;
        for (const ConfigEntry& w : e.value.entries) {
          if (w.key == "provisioned") continue;
          const auto parsed = w.value.is_scalar() ? parse_number(w.value.scalar) : Parsed<double>{};
          const double weight = parsed.value.value_or(-1);
          if (weight < 0 || weight > 1) {
            diags_.error(w.value.loc, path + "." + w.key,
                         "expected a weight between 0 and 1");
            continue;
          }
          sum += weight;
          if (auto v = version_index(w.key, w.value.key_loc)) a.routes.emplace_back(*v, weight);
        }
        if (a.routes.size() == weights && std::abs(sum - 1.0) > 1e-9)
          diags_.error(e.value.loc, path,
                       fmt::format("the weights add up to {}; they must add up to 1", sum));
        if (pc_node != nullptr) {
          // PC on an alias is allocated to the version it points to; AWS refuses it while the
          // alias splits traffic (lambda-facts §5–6).
          ParamReader ar(e.value, path, diags_);
          if (a.routes.size() != 1) {
            ar.error("provisioned", "provisioned concurrency on an alias needs the alias to "
                                    "point at one version (not while it splits traffic)");
          } else {
            VersionSpec& target = f.versions[a.routes[0].first];
            if (target.provisioned.kind != ProvisionedSpec::Kind::None)
              ar.error("provisioned", fmt::format("version {} already has provisioned "
                                                  "concurrency (one configuration per version)",
                                                  target.name));
            else
              read_provisioned(ar, target.provisioned);
          }
        }
      } else {
        diags_.error(e.value.loc, path,
                     "expected a version (\"2\") or weights ({ \"1\": 0.9, \"2\": 0.1 })");
        continue;
      }
      f.aliases.push_back(std::move(a));
    }
  }

  // `cold_start: {type: runtime}` takes the function's runtime, architecture and package type
  // unless it names them (the node is completed before the model is built and checked).
  void fill_runtime_preset(ParamReader& r, const FunctionSettings& f) {
    // The tree is the loader's own copy (finish_load owns it), so completing it is safe.
    ConfigNode* n = const_cast<ConfigNode*>(r.node().find("cold_start"));
    if (n == nullptr) return;
    if (n->is_scalar() && n->scalar == "runtime") {
      ConfigNode map;
      map.kind = ConfigNode::Kind::Map;
      map.loc = map.key_loc = n->loc;
      ConfigNode t = *n;
      map.entries.push_back({"type", t});
      *n = std::move(map);
    }
    if (!n->is_map()) return;
    const ConfigNode* type = n->find("type");
    if (type == nullptr || !type->is_scalar() || type->scalar != "runtime") return;
    auto add = [&](const char* key, const std::string& value) {
      if (n->find(key) != nullptr) return;
      ConfigNode v;
      v.kind = ConfigNode::Kind::Scalar;
      v.scalar = value;
      v.loc = v.key_loc = n->loc;
      n->entries.push_back({key, std::move(v)});
    };
    add("runtime", f.runtime);
    add("architecture", std::string(to_string(f.architecture)));
    add("package", f.package_type == PackageType::Image ? "image" : "zip");
  }

  // legacy_burst's burst depends on the region; unless given, it is the scenario's region.
  static void default_region(ModelSpec& m, const std::string& region) {
    ConfigNode& n = m.node;
    if (n.is_scalar() && n.scalar == "legacy_burst") {
      ConfigNode map;
      map.kind = ConfigNode::Kind::Map;
      map.loc = map.key_loc = n.loc;
      ConfigNode t = n;
      map.entries.push_back({"type", t});
      n = std::move(map);
    }
    if (!n.is_map()) return;
    const ConfigNode* type = n.find("type");
    if (type == nullptr || !type->is_scalar() || type->scalar != "legacy_burst") return;
    if (n.find("region") != nullptr || n.find("burst") != nullptr) return;
    ConfigNode value;
    value.kind = ConfigNode::Kind::Scalar;
    value.scalar = region;
    value.loc = value.key_loc = n.loc;
    n.entries.push_back({"region", std::move(value)});
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
      read_settings(r, f, /*base=*/true);
      if (auto reserved = r.optional_integer("reserved_concurrency")) {
        if (r.check(*reserved >= 0 && *reserved <= 10'000'000, "reserved_concurrency",
                    "must be between 0 and the account's concurrency limit"))
          f.reserved_concurrency = static_cast<int>(*reserved);
      }
      r.refuse("provisioned", "provisioned concurrency is configured on a published version or "
                               "an alias, not on $LATEST: declare it under versions.\"1\" (or an "
                               "alias) and invoke that version or alias");
      f.scaling = model(r, "scaling", "token_bucket");
      default_region(f.scaling, s.pricing.region);
      check_model(reg_.scaling, f.scaling, diags_);
      read_versions(r, f);
      r.finish();
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
    std::set<std::string> names_seen;
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
      w.target = target;
      w.arrivals = model(r, "arrivals", nullptr);
      if (r.has("invocation")) {
        const std::string inv = r.string("invocation");
        if (inv == "async") w.invocation = InvocationType::Async;
        else if (inv != "sync")
          r.error("invocation", fmt::format("unknown invocation type '{}' (known: sync, async)", inv));
      }
      w.name = r.string_or("name", fmt::format("{}#{}", target, i));
      w.warmer = r.boolean_or("warmer", false);
      w.named = r.has("name") || r.has("warmer");
      read_source(r, w);
      if (names_seen.count(w.name) != 0)
        r.error("name", fmt::format("workload name '{}' is used twice", w.name));
      names_seen.insert(w.name);
      r.finish();
      if (!w.arrivals.node.is_null()) check_model(reg_.arrivals, w.arrivals, diags_);
      if (target.empty()) {
        if (r.has("function")) r.error("function", "must name a function");
        continue;
      }
      const std::size_t colon = target.find(':');
      const std::string fn = target.substr(0, colon);
      const std::string qualifier = colon == std::string::npos ? "" : target.substr(colon + 1);
      const auto it = index.find(fn);
      if (it == index.end()) {
        std::string msg = fmt::format("no function named '{}'", fn);
        // Suggestions cost O(functions) each: give them for the first 20 unknown names only,
        // so a generated file with thousands of bad references still loads quickly.
        const std::string guess =
            ++unknown_targets <= 20 ? closest_match(fn, names) : std::string();
        if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
        if (!names.empty() && names.size() <= 20)
          msg += fmt::format("; functions: {}", fmt::join(names, ", "));
        r.error("function", msg);
        continue;
      }
      w.function = it->second;
      FunctionSpec& f = s.functions[w.function];
      if (colon != std::string::npos && qualifier.empty()) {
        r.error("function", fmt::format("nothing after ':' in '{}' (write {}, {}:ALIAS or "
                                        "{}:VERSION)", target, fn, fn, fn));
        continue;
      }
      if (!resolve_target(r, f, qualifier, w)) continue;
      if (w.source.kind == SourceSpec::Kind::Sqs) {
        // AWS refuses an SQS mapping whose function timeout exceeds the queue's visibility
        // timeout ("Creating and configuring an Amazon SQS event source mapping").
        std::vector<std::size_t> targets;
        if (w.version) targets.push_back(*w.version);
        if (w.alias)
          for (const auto& route : f.aliases[*w.alias].routes) targets.push_back(route.first);
        for (const std::size_t v : targets)
          if (f.versions[v].timeout > w.source.visibility_timeout)
            diags_.error(w.source.visibility_loc, r.path_of("source") + ".visibility_timeout",
                         fmt::format("the function timeout ({}) exceeds the queue's "
                                     "visibility_timeout ({}): AWS refuses such a mapping (AWS "
                                     "recommends a visibility timeout of six times the function "
                                     "timeout)",
                                     format_duration(f.versions[v].timeout),
                                     format_duration(w.source.visibility_timeout)));
      }
      w.function_name = fn;
      w.ordinal = per_function[w.function]++;
      s.workloads.push_back(std::move(w));
    }
    if (list->items.empty()) diags_.error(list->loc, "workload", "needs at least one workload");
  }

  // workload[].source (lambda-facts §3–4; AWS docs: "Invoking Lambda with events from other
  // AWS services", API Gateway "Amazon API Gateway quotas": 29 s integration timeout for REST
  // APIs by default, 30 s for HTTP APIs).
  void read_source(ParamReader& r, WorkloadSpec& w) {
    const ConfigNode* node = r.child("source");
    if (node == nullptr || node->is_null()) return;
    w.named = true;
    ConfigNode mapped;
    if (node->is_scalar()) {  // `source: s3` is short for {type: s3}
      mapped.kind = ConfigNode::Kind::Map;
      mapped.loc = mapped.key_loc = node->loc;
      mapped.entries.push_back({"type", *node});
      node = &mapped;
    }
    ParamReader sr(*node, r.path_of("source"), diags_);
    const std::string type = sr.string("type");
    using K = SourceSpec::Kind;
    static const std::vector<std::string> kNames = {
        "direct", "function_url", "api_gateway", "s3", "sns", "eventbridge", "schedule",
        "sqs", "kinesis", "dynamodb_stream"};
    bool known = false;
    for (std::size_t k = 0; k < kNames.size(); ++k)
      if (type == kNames[k]) w.source.kind = static_cast<K>(k), known = true;
    if (!known && sr.has("type")) {
      std::string msg = fmt::format("unknown event source '{}' (known: {})", type,
                                    fmt::join(kNames, ", "));
      const std::string guess = closest_match(type, kNames);
      if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
      sr.error("type", msg);
    }
    if (w.source.is_mapping()) {
      // A mapping's pollers invoke the function synchronously, with batches.
      if (r.has("invocation"))
        r.error("invocation", fmt::format("a {} event source mapping invokes synchronously, with "
                                          "batches: leave out `invocation`", type));
      w.invocation = InvocationType::Sync;
      read_mapping(sr, w.source, type);
      sr.finish();
      return;
    }
    const bool async = w.source.kind == K::S3 || w.source.kind == K::Sns ||
                       w.source.kind == K::EventBridge || w.source.kind == K::Schedule;
    if (r.has("invocation") && (w.invocation == InvocationType::Async) != async)
      r.error("invocation", fmt::format("a {} source invokes {}chronously", type,
                                        async ? "asyn" : "syn"));
    w.invocation = async ? InvocationType::Async : InvocationType::Sync;
    if (w.source.kind == K::ApiGateway) {
      const std::string api = sr.string_or("api", "rest");
      const Duration max = api == "http" ? std::chrono::seconds(30) : std::chrono::seconds(29);
      if (api != "rest" && api != "http") sr.error("api", "must be rest or http");
      w.source.integration_timeout = sr.duration_or("integration_timeout", max);
      sr.check(w.source.integration_timeout >= std::chrono::milliseconds(50) &&
                   w.source.integration_timeout <= (api == "http" ? max : std::chrono::seconds(900)),
               "integration_timeout",
               api == "http" ? "must be between 50ms and 30s for an HTTP API"
                             : "must be between 50ms and 29s (more only for regional REST APIs "
                               "with a raised quota, at most 900s)");
      if (const ConfigNode* o = sr.child("overhead"); o != nullptr && !o->is_null()) {
        w.source.overhead.node = *o;
        w.source.overhead.path = sr.path_of("overhead");
        check_model(reg_.duration, w.source.overhead, diags_);
      }
    }
    sr.finish();
  }

  // Event source mappings. SQS: Lambda developer guide "Using Lambda with Amazon SQS",
  // "Configuring scaling behavior for SQS event source mappings" (five concurrent batches, up to
  // 300 more per minute, at most 1,000; MaximumConcurrency 2–1,000), "Creating and configuring
  // an Amazon SQS event source mapping" (batch size 1–10,000, default 10, a batching window of at
  // least 1 s above 10; the function timeout may not exceed the visibility timeout); SQS
  // developer guide (visibility timeout 0 s–12 h, default 30 s; retention 60 s–14 days, default
  // 4 days; maxReceiveCount 1–1,000). Streams: "Lambda parameters for Amazon Kinesis Data
  // Streams event source mappings" and the DynamoDB Streams counterpart (batch size default 100,
  // at most 10,000 (Kinesis) or 1,000 (DynamoDB); window 0–300 s; ParallelizationFactor 1–10;
  // MaximumRetryAttempts −1 (infinite) to 10,000; MaximumRecordAgeInSeconds −1 or 60–604,800;
  // retention 24 h by default).
  void read_mapping(ParamReader& sr, SourceSpec& src, const std::string& type) {
    const bool stream = src.is_stream();
    const bool dynamo = src.kind == SourceSpec::Kind::DynamodbStream;
    auto count = [&](const std::string& key, std::int64_t def, std::int64_t lo, std::int64_t hi,
                     const std::string& msg) {
      const std::int64_t v = sr.integer_or(key, def);
      sr.check(v >= lo && v <= hi, key, msg);
      return static_cast<std::uint32_t>(std::clamp(v, lo, hi));
    };
    const std::int64_t max_batch = dynamo ? 1000 : 10000;
    src.batch_size = count("batch_size", stream ? 100 : 10, 1, max_batch,
                           fmt::format("must be between 1 and {} for {}", max_batch, type));
    src.batching_window = sr.duration_or("batching_window", Duration{0});
    sr.check(src.batching_window >= Duration{0} &&
                 src.batching_window <= std::chrono::seconds(300),
             "batching_window", "must be between 0s and 300s");
    if (!stream && src.batch_size > 10 && src.batching_window < std::chrono::seconds(1))
      sr.error(sr.has("batching_window") ? "batching_window" : "batch_size",
               "an SQS batch size above 10 needs a batching_window of at least 1s (AWS refuses "
               "the mapping otherwise)");
    if (const ConfigNode* d = sr.child("record_duration"); d != nullptr && !d->is_null()) {
      src.record_duration.node = *d;
      src.record_duration.path = sr.path_of("record_duration");
      check_model(reg_.duration, src.record_duration, diags_);
    }
    if (!stream) {
      src.visibility_timeout = sr.duration_or("visibility_timeout", std::chrono::seconds(30));
      src.visibility_loc = sr.loc_of("visibility_timeout");
      sr.check(src.visibility_timeout >= Duration{0} &&
                   src.visibility_timeout <= std::chrono::hours(12),
               "visibility_timeout", "must be between 0s and 12h");
      src.retention = sr.duration_or("retention", std::chrono::hours(96));
      sr.check(src.retention >= std::chrono::seconds(60) &&
                   src.retention <= std::chrono::hours(24 * 14),
               "retention", "must be between 60s and 14 days (336h)");
      if (sr.has("max_receive_count"))
        src.max_receive_count =
            count("max_receive_count", 0, 1, 1000, "must be between 1 and 1000");
      if (sr.has("max_concurrency"))
        src.max_concurrency = count("max_concurrency", 0, 2, 1000, "must be between 2 and 1000");
      src.max_pollers = count("max_pollers", 1000, 1, 100000, "must be between 1 and 100000");
      src.initial_pollers = count("initial_pollers", 5, 1, 1000, "must be between 1 and 1000");
      src.poller_growth_per_minute = sr.number_or("poller_growth_per_minute", 300);
      sr.check(src.poller_growth_per_minute > 0 && src.poller_growth_per_minute <= 1e6,
               "poller_growth_per_minute", "must be above 0 and at most 1000000");
      return;
    }
    src.shards = count("shards", 1, 1, 10000, "must be between 1 and 10000");
    src.parallelization_factor =
        count("parallelization_factor", 1, 1, 10, "must be between 1 and 10");
    src.max_retries = sr.integer_or("max_retries", -1);
    sr.check(src.max_retries >= -1 && src.max_retries <= 10000, "max_retries",
             "must be -1 (retry until the records expire) or between 0 and 10000");
    src.max_record_age = sr.optional_duration("max_record_age");
    if (src.max_record_age)
      sr.check(*src.max_record_age >= std::chrono::seconds(60) &&
                   *src.max_record_age <= std::chrono::hours(24 * 7),
               "max_record_age", "must be between 60s and 7 days (168h); leave it out for no limit");
    src.retention = sr.duration_or("retention", std::chrono::hours(24));
    sr.check(src.retention >= std::chrono::hours(24) &&
                 src.retention <= std::chrono::hours(dynamo ? 24 : 24 * 365),
             "retention", dynamo ? "DynamoDB Streams keep records for 24h"
                                 : "must be between 24h and 365 days (8760h)");
    src.poll_interval = sr.duration_or(
        "poll_interval", dynamo ? Duration{std::chrono::milliseconds(250)} : std::chrono::seconds(1));
    sr.check(src.poll_interval >= std::chrono::milliseconds(1) &&
                 src.poll_interval <= std::chrono::seconds(60),
             "poll_interval", "must be between 1ms and 60s");
  }

  // `qualifier` after "fn:": empty (unqualified: $LATEST), a version number, $LATEST or an alias.
  bool resolve_target(ParamReader& r, FunctionSpec& f, const std::string& qualifier,
                      WorkloadSpec& w) {
    const std::string wanted = qualifier.empty() ? "$LATEST" : qualifier;
    for (std::size_t i = 0; i < f.versions.size(); ++i)
      if (f.versions[i].name == wanted) {
        w.version = i;
        return true;
      }
    for (std::size_t i = 0; i < f.aliases.size(); ++i)
      if (f.aliases[i].name == wanted) {
        w.alias = i;
        return true;
      }
    if (wanted == "$LATEST") {  // the function's own settings, run as their own version
      VersionSpec latest;
      static_cast<FunctionSettings&>(latest) = f;
      latest.name = "$LATEST";
      latest.loc = f.loc;
      f.versions.push_back(std::move(latest));
      w.version = f.versions.size() - 1;
      return true;
    }
    std::vector<std::string> known;
    for (const auto& v : f.versions) known.push_back(v.name);
    for (const auto& a : f.aliases) known.push_back(a.name);
    std::string msg = fmt::format("function '{}' has no version or alias '{}'", f.name, qualifier);
    const std::string guess = closest_match(qualifier, known);
    if (!guess.empty()) msg += fmt::format(" (did you mean '{}:{}'?)", f.name, guess);
    if (!f.declares_versions)
      msg += "; declare 'versions' and 'aliases' on the function to target them";
    else
      msg += fmt::format("; known: {}", fmt::join(known, ", "));
    r.error("function", msg);
    return false;
  }

  // Provisioned concurrency counts toward reserved concurrency: PC ≤ reserved (lambda-facts §3).
  void check_provisioned(const ScenarioSpec& s) {
    for (std::size_t i = 0; i < s.functions.size(); ++i) {
      const FunctionSpec& f = s.functions[i];
      int total = 0;
      for (const VersionSpec& v : f.versions) total += max_provisioned(v.provisioned);
      if (total == 0) continue;
      if (f.reserved_concurrency && total > *f.reserved_concurrency)
        diags_.error(f.loc, fmt::format("functions[{}].reserved_concurrency", i),
                     fmt::format("the versions of '{}' provision up to {} environments, more than "
                                 "its reserved concurrency {} (provisioned concurrency counts "
                                 "toward it)",
                                 f.name, total, *f.reserved_concurrency));
      else if (total > s.account_concurrency - kUnreservedMinimum)
        diags_.error(f.loc, fmt::format("functions[{}]", i),
                     fmt::format("the versions of '{}' provision up to {} environments; the "
                                 "account allows {} (its limit minus the {} that stay "
                                 "unreserved)",
                                 f.name, total, s.account_concurrency - kUnreservedMinimum,
                                 kUnreservedMinimum));
    }
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

bool valid_function_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxFunctionNameLength &&
         std::all_of(name.begin(), name.end(), function_name_char);
}

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
