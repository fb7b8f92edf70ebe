// The scenario loader: a table of bad snippets → the exact compiler-style messages, every error
// reported at once, --set overrides, and defaults that are documented rather than silent.
#include <catch2/catch.hpp>

#include <string>

#include "models/builtin.hpp"
#include "sim/scenario/load.hpp"
#include "tests/support/run.hpp"

using namespace lsim;

namespace {

const Registries& registries() { return lsim::test::builtin_registries(); }

const char* kGood = R"(name: t
duration: 1h
functions:
  - name: api
    memory: 512MB
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 200ms }
workload:
  - function: api
    arrivals: { type: poisson, rate: 5/s }
)";

// What the loader lists when a function has an unknown key.
const char* kFunctionKeys =
    "aliases, architecture, async, cold_start, crash_probability, duration, ephemeral_storage, "
    "error_probability, first_invocation, keep_alive, memory, memory_scaling, name, package_type, "
    "reserved_concurrency, reuse, runtime, scaling, snapstart, timeout, versions";

// Every diagnostic of loading `text`, one per line ("" when it loads).
std::string errors_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    (void)load_scenario_text(text, "s.yaml", registries(), sets);
    return "";
  } catch (const ScenarioError& e) {
    return e.diagnostics().to_string();
  }
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("a good scenario loads with documented defaults", "[scenario]") {
  const ScenarioSpec s = load_scenario_text(kGood, "s.yaml", registries());
  CHECK(s.name == "t");
  CHECK(s.seed == 1);
  CHECK(s.duration == std::chrono::hours(1));
  CHECK(s.warmup == Duration{0});
  CHECK(s.account_concurrency == 1000);
  REQUIRE(s.functions.size() == 1);
  const FunctionSpec& f = s.functions[0];
  CHECK(f.memory_mb == 512);
  CHECK(f.ephemeral_mb == 512);
  CHECK(f.timeout == std::chrono::seconds(3));
  CHECK(f.architecture == Architecture::X86_64);
  CHECK_FALSE(f.reserved_concurrency);
  REQUIRE(s.workloads.size() == 1);
  CHECK(s.workloads[0].function == 0);
}

TEST_CASE("bad scenarios give located messages naming the key path", "[scenario]") {
  struct Case {
    std::string from, to, expected;
  };
  const Case cases[] = {
      {"memory: 512MB", "memory: 64MB",
       "s.yaml:5:13: error: functions[0].memory: 64 MB is outside Lambda's 128–10,240 MB\n"},
      {"memory: 512MB", "memory: 512XB",
       "s.yaml:5:13: error: functions[0].memory: unknown memory unit 'XB' in '512XB' (known: MB, "
       "GB)\n"},
      {"memory: 512MB", "memroy: 512MB",
       "s.yaml:5:5: error: functions[0]: unknown key 'memroy' (did you mean 'memory'?); known "
       "keys: " + std::string(kFunctionKeys) + "\n"},
      {"type: poisson", "type: poison",
       "s.yaml:10:23: error: workload[0].arrivals.type: unknown arrival process 'poison' (did you "
       "mean 'poisson'?); known: poisson, constant, on_off, diurnal, mmpp, schedule, piecewise, "
       "ramp, trace\n"},
      {"rate: 5/s", "rate: 5",
       "s.yaml:10:38: error: workload[0].arrivals.rate: '5' has no unit (write e.g. 5/s)\n"},
      {"duration: 1h", "duration: 1h\nwarmup: 2h",
       "s.yaml:3:9: error: warmup: a warm-up of 2h leaves nothing of a 1h run to measure\n"},
      {"function: api", "function: apx",
       "s.yaml:9:15: error: workload[0].function: no function named 'apx' (did you mean "
       "'api'?); functions: api\n"},
      {"value: 100ms }", "value: 100ms, extra: 1 }",
       "s.yaml:6:47: error: functions[0].duration: unknown key 'extra'; known keys: type, "
       "value\n"},
      {"duration: 1h", "duration: -1h",
       "s.yaml:2:11: error: duration: '-1h' is negative; a duration must be >= 0\n"},
      {"    memory: 512MB", "    memory: 512MB\n    timeout: 901s",
       "s.yaml:6:14: error: functions[0].timeout: 901s is outside Lambda's limit (more than 0, "
       "at most 900s)\n"},
      {"    memory: 512MB", "    memory: 512MB\n    ephemeral_storage: 100MB",
       "s.yaml:6:24: error: functions[0].ephemeral_storage: 100 MB is outside Lambda's "
       "512–10,240 MB\n"},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    CHECK(errors_of(replace(kGood, c.from, c.to)) == c.expected);
  }
}

TEST_CASE("lognormal percentiles out of order are rejected at the p99 key", "[scenario]") {
  const std::string text = replace(kGood, "{ type: constant, value: 100ms }",
                                   "{ type: lognormal, median: 200ms, p99: 100ms }");
  CHECK(errors_of(text) ==
        "s.yaml:6:54: error: functions[0].duration.p99: percentiles out of order: p99 must be at "
        "least the median\n");
}

TEST_CASE("every error is reported at once, not just the first", "[scenario]") {
  std::string text = replace(kGood, "memory: 512MB", "memory: 1MB");
  text = replace(text, "rate: 5/s", "rate: fast");
  text = replace(text, "duration: 1h", "duration: 1h\nbogus: 3");
  const std::string errs = errors_of(text);
  CHECK(errs.find("functions[0].memory") != std::string::npos);
  CHECK(errs.find("workload[0].arrivals.rate") != std::string::npos);
  CHECK(errs.find("unknown key 'bogus'") != std::string::npos);
}

TEST_CASE("reserved concurrency must leave 100 unreserved", "[scenario]") {
  const std::string text =
      replace(kGood, "    memory: 512MB", "    memory: 512MB\n    reserved_concurrency: 901");
  CHECK(errors_of(text) ==
        "s.yaml:6:27: error: functions[0].reserved_concurrency: the functions reserve 901 in "
        "all, but at most 900 may be reserved (account limit 1000 minus the 100 that must stay "
        "unreserved)\n");
  const std::string ok =
      replace(kGood, "    memory: 512MB", "    memory: 512MB\n    reserved_concurrency: 900");
  CHECK(errors_of(ok).empty());
}

TEST_CASE("empty, non-mapping and syntactically broken files are errors, not crashes",
          "[scenario]") {
  CHECK(errors_of("") ==
        "s.yaml: error: the scenario is empty (it needs at least 'duration', 'functions' and "
        "'workload')\n");
  CHECK(errors_of("- 1\n- 2\n") == "s.yaml:1:1: error: expected a mapping of keys to values\n");
  CHECK(errors_of("a: [1, 2\n").find("s.yaml:2:1: error: YAML syntax error") == 0);
  CHECK(errors_of("a: 1\na: 2\n").find("s.yaml:2:1: error: a: duplicate key 'a'") == 0);
  CHECK(errors_of(std::string("a: \0b", 5)) ==
        "s.yaml: error: not a text file (it contains NUL bytes)\n");
  // An alias bomb: each level doubles; expansion must stop at the node limit.
  std::string bomb = "a0: &a0 [x, x]\n";
  for (int i = 1; i < 40; ++i)
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + "]\n";
  CHECK(errors_of(bomb).find("document too large") != std::string::npos);
  CHECK(errors_of(std::string(100000, '[')).find("nesting deeper than") != std::string::npos);
}

TEST_CASE("overrides given with --set address list items by index or by name and are checked",
          "[scenario]") {
  auto s = load_scenario_text(kGood, "s.yaml", registries(),
                              {"functions.api.memory=1024MB", "functions.0.timeout=10s",
                               "functions[0].reserved_concurrency=7", "seed=9",
                               "account.concurrency_limit=500"});
  CHECK(s.functions[0].memory_mb == 1024);
  CHECK(s.functions[0].timeout == std::chrono::seconds(10));
  CHECK(s.functions[0].reserved_concurrency == 7);
  CHECK(s.seed == 9);
  CHECK(s.account_concurrency == 500);

  auto t = load_scenario_text(kGood, "s.yaml", registries(),
                              {"functions.api.keep_alive={type: fixed, idle: 1m}"});
  CHECK(t.functions[0].keep_alive.node.find("idle")->scalar == "1m");

  CHECK(errors_of(kGood, {"functions.apx.memory=1GB"}) ==
        "--set functions.apx.memory=1GB: error: functions: no item named 'apx' (did you mean "
        "'api'?); known: api\n");
  CHECK(errors_of(kGood, {"functions.api.memry=1GB"}) ==
        "--set functions.api.memry=1GB: error: functions[0]: unknown key 'memry' (did you mean "
        "'memory'?); known keys: " + std::string(kFunctionKeys) + "\n");
  CHECK(errors_of(kGood, {"functions.api.memory=12MB"}) ==
        "--set functions.api.memory=12MB: error: functions[0].memory: 12 MB is outside Lambda's "
        "128–10,240 MB\n");
  CHECK(errors_of(kGood, {"nonsense"}) ==
        "--set nonsense: error: expected key.path=value, e.g. functions.api.memory=1024MB\n");
  CHECK(errors_of(kGood, {"functions.5.memory=1GB"}) ==
        "--set functions.5.memory=1GB: error: functions: index 5 is out of range (the list has 1 "
        "items)\n");
}

TEST_CASE("a workload naming an alias the function does not declare is refused with the reason",
          "[scenario]") {
  CHECK(errors_of(replace(kGood, "function: api", "function: api:live")) ==
        "s.yaml:9:15: error: workload[0].function: function 'api' has no version or alias 'live'; "
        "declare 'versions' and 'aliases' on the function to target them\n");
  CHECK(errors_of(replace(kGood, "function: api", "function: 'api:'")) ==
        "s.yaml:9:15: error: workload[0].function: nothing after ':' in 'api:' (write api, "
        "api:ALIAS or api:VERSION)\n");
}
