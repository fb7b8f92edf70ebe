// The narrated trace, its JSON-lines form and the environment timeline: exact sentences on a
// deterministic scenario, well-formed JSON in time order, one SVG lane per environment, and no
// effect of observing on the run itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "sim/report/trace.hpp"
#include "sim/stats/writers.hpp"
#include "tests/support/json.hpp"
#include "tests/support/run.hpp"

namespace {

using lsim::test::load_yaml;

// One request every 30 s of exactly 100 ms, 200 ms INIT, 45 s keep-alive: the first start is
// cold, the second warm, and the environment is reclaimed 45 s after the last one.
const char* kSteady = R"(duration: 200s
functions:
  - name: api
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 200ms }
    keep_alive: { type: fixed, idle: 45s }
workload:
  - function: api
    arrivals: { type: constant, rate: 2/m, stop: 61s }
)";

std::string narrate(const std::string& yaml, lsim::TraceOptions options) {
  const lsim::ScenarioSpec spec = load_yaml(yaml);
  lsim::TraceNarrator narrator(spec, options);
  const lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                         lsim::builtin_price_table_origin());
  lsim::RunOptions ro;
  ro.observer = &narrator;
  (void)lsim::simulate(spec, lsim::test::builtin_registries(), prices, ro);
  return narrator.text();
}

lsim::TraceOptions options(std::uint64_t limit, bool jsonl = false) {
  lsim::TraceOptions o;
  o.limit = limit;
  o.jsonl = jsonl;
  return o;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("The trace tells each invocation's story in plain words", "[trace]") {
  const auto lines = lines_of(narrate(kSteady, {}));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "t=30.000 s  #1 arrives at api → no idle environment → cold start: INIT "
                    "200 ms (environment e1) → runs 100 ms → e1 idle, kept until t=75.300 s");
  CHECK(lines[1] == "t=60.000 s  #2 arrives at api → warm: reuses idle e1 → runs 100 ms → e1 "
                    "idle, kept until t=105.100 s");
  CHECK(lines[2] == "t=105.100 s  e1 reclaimed after idling (api)");
}

TEST_CASE("The trace narrates throttles, timeouts and the limit", "[trace]") {
  std::string throttled = kSteady;
  throttled.replace(throttled.find("    keep_alive"), 0, "    reserved_concurrency: 0\n");
  CHECK(lines_of(narrate(throttled, {}))[0] ==
        "t=30.000 s  #1 arrives at api → throttled (HTTP 429): no concurrency left");
  std::string timeout = kSteady;
  timeout.replace(timeout.find("    keep_alive"), 0, "    timeout: 50ms\n");
  CHECK(lines_of(narrate(timeout, {}))[0] ==
        "t=30.000 s  #1 arrives at api → no idle environment → cold start: INIT 200 ms "
        "(environment e1) → runs 50 ms → timed out → e1 reset (the next start there is cold)");
  std::string many = kSteady;
  many.replace(many.find("rate: 2/m, stop: 61s"), 20, "rate: 10/s");
  const auto limited = lines_of(narrate(many, options(7)));
  CHECK(std::count_if(limited.begin(), limited.end(), [](const std::string& l) {
          return l.find(" arrives at ") != std::string::npos;
        }) == 7);
}

TEST_CASE("The JSON-lines trace is one valid object per step, in time order", "[trace]") {
  const std::string text = narrate(lsim::test::read_scenario("async_retries.yaml"),
                                   options(300, /*jsonl=*/true));
  const auto lines = lines_of(text);
  REQUIRE(lines.size() > 600);
  double last = -1;
  std::set<double> invocations;
  for (const std::string& line : lines) {
    const lsim::test::JsonValue v = lsim::test::parse_json(line);
    const double t = v.at("t").number;
    CHECK(t >= last);
    last = t;
    if (const auto* inv = v.find("invocation")) invocations.insert(inv->number);
  }
  CHECK(invocations.size() == 300);
}

TEST_CASE("The timeline draws one lane per environment with its cold start and eviction",
          "[trace][timeline]") {
  const lsim::ScenarioSpec spec = load_yaml(kSteady);
  lsim::TimelineRecorder timeline(spec, {});
  const lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                         lsim::builtin_price_table_origin());
  lsim::RunOptions ro;
  ro.observer = &timeline;
  (void)lsim::simulate(spec, lsim::test::builtin_registries(), prices, ro);
  const std::string svg = timeline.svg("steady", lsim::Time{std::chrono::seconds(120)});
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto p = svg.find(what); p != std::string::npos; p = svg.find(what, p + 1)) ++n;
    return n;
  };
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(count("class=\"lane\"") == 1);
  CHECK(count("class=\"init\"") == 1);
  CHECK(count("class=\"busy\"") == 2);
  CHECK(count("class=\"cold\"") == 1);
  CHECK(count("class=\"evicted\"") == 1);
  CHECK(svg.find("http://") == svg.find("http://www.w3.org/2000/svg"));  // nothing external
}

TEST_CASE("Observing a run does not change it", "[trace]") {
  const lsim::ScenarioSpec spec = load_yaml(lsim::test::read_scenario("canary.yaml"));
  const lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                         lsim::builtin_price_table_origin());
  lsim::TraceNarrator narrator(spec, options(0));
  lsim::RunOptions plain, observed;
  observed.observer = &narrator;
  const auto a = lsim::simulate(spec, lsim::test::builtin_registries(), prices, plain);
  const auto b = lsim::simulate(spec, lsim::test::builtin_registries(), prices, observed);
  CHECK(a.digest == b.digest);
  CHECK(lsim::to_json(a) == lsim::to_json(b));
}

TEST_CASE("The timeline of a two-function teaching lesson matches its trace, environment by "
          "environment",
          "[trace][timeline]") {
  // Lesson 1 for 10 minutes: two functions, every environment's life in both views.
  std::string yaml = lsim::test::read_scenario("teaching/1_cold_vs_warm.yaml");
  yaml.replace(yaml.find("duration: 12h"), 13, "duration: 10m");
  const lsim::ScenarioSpec spec = load_yaml(yaml);
  const lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                         lsim::builtin_price_table_origin());
  lsim::TraceNarrator narrator(spec, options(0, /*jsonl=*/true));
  lsim::TimelineRecorder timeline(spec, {});
  lsim::ObserverList both;
  both.add(&narrator);
  both.add(&timeline);
  lsim::RunOptions ro;
  ro.observer = &both;
  (void)lsim::simulate(spec, lsim::test::builtin_registries(), prices, ro);
  const std::string svg = timeline.svg("lesson 1", lsim::Time{spec.duration});

  // Walk the trace: per environment, its cold starts and whether it was reclaimed in the run.
  std::map<std::string, int> cold, evicted;
  for (const std::string& line : lines_of(narrator.text())) {
    const lsim::test::JsonValue v = lsim::test::parse_json(line);
    const auto* env = v.find("environment");
    if (env == nullptr) continue;
    const std::string step = v.at("step").text;
    if (step == "start" && v.at("cold").boolean) ++cold[env->text];
    if (step == "evict" && v.at("t").number <= 600) ++evicted[env->text];
    cold.emplace(env->text, 0);
  }
  REQUIRE(cold.size() >= 2);
  // Walk the SVG: one lane per environment, with the same marks.
  for (const auto& [env, n] : cold) {
    INFO(env);
    const std::string open = "data-environment=\"" + env + "\"";
    const auto at = svg.find(open);
    REQUIRE(at != std::string::npos);
    const std::string lane = svg.substr(at, svg.find("</g>", at) - at);
    auto count = [&](const std::string& what) {
      std::size_t k = 0;
      for (auto p = lane.find(what); p != std::string::npos; p = lane.find(what, p + 1)) ++k;
      return k;
    };
    CHECK(count("class=\"cold\"") == static_cast<std::size_t>(n));
    CHECK(count("class=\"evicted\"") == static_cast<std::size_t>(evicted[env]));
  }
  std::size_t lanes = 0;
  for (auto p = svg.find("class=\"lane\""); p != std::string::npos; p = svg.find("class=\"lane\"", p + 1))
    ++lanes;
  CHECK(lanes == cold.size());
}
