// Sweeps: settings and ranges, the t quantile and confidence intervals, determinism over --jobs,
// shards + merge, the journal, and the trends a sweep must show on a small scenario.
#include "sim/sweep/sweep.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/support/run.hpp"

namespace lsim {
namespace {

// CPU-bound at 128 MB (memory_scaling), Poisson at 2/s for 10 minutes: a few milliseconds a run.
const char* kScenario = R"(name: sweep_test
seed: 5
duration: 10m
functions:
  - name: api
    memory: 128MB
    duration: { type: lognormal, median: 400ms, p99: 900ms }
    cold_start: { type: constant, value: 300ms }
    memory_scaling: { reference_memory: 128MB, cpu_bound: 1.0, threads: 1 }
    keep_alive: { type: fixed, idle: 5s }
workload:
  - { function: api, arrivals: { type: poisson, rate: 2/s } }
)";

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           fmt::format("lsim_sweep_test_{}", std::random_device{}());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.file(name), std::ios::binary) << text;
  return dir.file(name);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

PreparedSweep prepare(const std::string& path, std::vector<std::string> settings, int reps,
                      const Shard& shard = {}) {
  SweepRequest r;
  r.scenario_path = path;
  r.settings = std::move(settings);
  r.replications = reps;
  return prepare_sweep(r, test::builtin_registries(), builtin_price_table_yaml(),
                       builtin_price_table_origin(), shard);
}

std::vector<double> means(const std::vector<PointResult>& results, Stat s) {
  std::vector<double> out;
  for (const auto& r : results) {
    std::vector<double> v;
    for (const auto& rep : r.replications) v.push_back(rep[static_cast<std::size_t>(s)]);
    out.push_back(estimate(v).mean);
  }
  return out;
}

}  // namespace

TEST_CASE("a setting splits at commas outside braces or brackets or quotes", "[sweep]") {
  CHECK(parse_sweep_setting("functions.api.memory=128MB,512MB, 1GB").values ==
        std::vector<std::string>{"128MB", "512MB", "1GB"});
  const auto ka =
      parse_sweep_setting("functions.api.keep_alive={type: fixed, idle: 5m},[a, b],\"x,y\"");
  CHECK(ka.key == "functions.api.keep_alive");
  CHECK(ka.values == std::vector<std::string>{"{type: fixed, idle: 5m}", "[a, b]", "\"x,y\""});
  CHECK_THROWS_AS(parse_sweep_setting("functions.api.memory"), ScenarioError);
  CHECK_THROWS_AS(parse_sweep_setting("functions.api.memory="), ScenarioError);
  CHECK_THROWS_AS(parse_sweep_setting("functions.api.memory=1GB,,2GB"), ScenarioError);
}

TEST_CASE("ranges expand numbers and quantities with units and include stop", "[sweep]") {
  CHECK(parse_sweep_setting("m=128MB:1024MB:128MB").values.size() == 8);
  CHECK(parse_sweep_setting("m=128MB:1GB:384MB").values ==
        std::vector<std::string>{"128MB", "512MB", "896MB"});
  CHECK(parse_sweep_setting("i=1m:10m:3m").values ==
        std::vector<std::string>{"1m", "4m", "7m", "10m"});
  CHECK(parse_sweep_setting("x=0.1:0.5:0.1").values ==
        std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5"});
  CHECK(parse_sweep_setting("r=10/s:30/s:10/s").values ==
        std::vector<std::string>{"10/s", "20/s", "30/s"});
  CHECK(parse_sweep_setting("d=100ms:1.1s:500ms").values ==
        std::vector<std::string>{"100ms", "600ms", "1.1s"});
  CHECK(parse_sweep_setting("f=primes:1").values == std::vector<std::string>{"primes:1"});
  CHECK_THROWS_WITH(parse_sweep_setting("m=1GB:128MB:128MB"), Catch::Contains("is empty"));
  CHECK_THROWS_WITH(parse_sweep_setting("m=1:2:0"), Catch::Contains("step must be more than 0"));
  CHECK_THROWS_WITH(parse_sweep_setting("m=1:100000:1"), Catch::Contains("at most 10000"));
  CHECK_THROWS_WITH(parse_sweep_setting("m=1m:10MB:1"), Catch::Contains("of one kind"));
}

TEST_CASE("flow YAML of a node parses back to the same text", "[sweep]") {
  Diagnostics d;
  const ConfigNode n = parse_yaml_text("{type: fixed, idle: 5m, tags: [a, 'b c', null]}", "t", d);
  REQUIRE_FALSE(d.has_errors());
  CHECK(to_flow_yaml(n) == "{type: fixed, idle: 5m, tags: [a, \"b c\", null]}");
  const ConfigNode back = parse_yaml_text(to_flow_yaml(n), "t", d);
  CHECK(to_flow_yaml(back) == to_flow_yaml(n));
}

TEST_CASE("the t quantile matches the tables and the normal limit", "[sweep][stats]") {
  // R: qt(0.975, df)
  CHECK(student_t_975(1) == Approx(12.7062047).epsilon(1e-8));
  CHECK(student_t_975(4) == Approx(2.77644511).epsilon(1e-8));
  CHECK(student_t_975(30) == Approx(2.04227246).epsilon(1e-8));
  CHECK(student_t_975(31) == Approx(2.03951345).epsilon(1e-6));
  CHECK(student_t_975(40) == Approx(2.02107539).epsilon(1e-6));
  CHECK(student_t_975(60) == Approx(2.00029782).epsilon(1e-6));
  CHECK(student_t_975(120) == Approx(1.97993040).epsilon(1e-6));
  CHECK(student_t_975(1'000'000) == Approx(1.95996636).epsilon(1e-7));  // z + (z³+z)/(4df)
  for (std::uint64_t df = 1; df < 200; ++df) CHECK(student_t_975(df + 1) < student_t_975(df));
}

TEST_CASE("an estimate has no interval for one value and a Student t interval otherwise",
          "[sweep][stats]") {
  CHECK_FALSE(estimate({3.0}).half_width.has_value());
  CHECK(estimate({3.0}).mean == 3.0);
  const Estimate e = estimate({1, 2, 3, 4});
  CHECK(e.mean == 2.5);
  REQUIRE(e.half_width);
  CHECK(*e.half_width == Approx(3.18244631 * std::sqrt(5.0 / 3) / 2).epsilon(1e-8));
  CHECK(*estimate({7, 7, 7}).half_width == 0);
  // Alternating ±1 has s exactly 1 · √(n/(n-1)): the half-width at n=16 vs n=64 is
  // 2 · t(15)/t(63) · √(16/15)/√(64/63) exactly.
  auto alternating = [](int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(i % 2 == 0 ? 1.0 : -1.0);
    return v;
  };
  const double ratio =
      *estimate(alternating(16)).half_width / *estimate(alternating(64)).half_width;
  CHECK(ratio == Approx(2 * student_t_975(15) / student_t_975(63) * std::sqrt(16.0 / 15) /
                        std::sqrt(64.0 / 63))
                     .epsilon(1e-12));
}

TEST_CASE("confidence intervals of a real statistic shrink like 1/sqrt(N)", "[sweep][stats]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  // One point, N = 4 and N = 16, averaged over 6 base seeds: the standard error s/√N of the
  // mean p50 latency halves (tolerance 30 %: s itself is an estimate from few replications).
  double se4 = 0, se16 = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    for (int n : {4, 16}) {
      SweepRequest r;
      r.scenario_path = path;
      r.replications = n;
      r.seed = seed * 1000;
      const auto sweep = prepare_sweep(r, test::builtin_registries(), builtin_price_table_yaml(),
                                       builtin_price_table_origin());
      const auto results = run_sweep(sweep, test::builtin_registries(), {});
      std::vector<double> v;
      for (const auto& rep : results[0].replications)
        v.push_back(rep[static_cast<std::size_t>(Stat::Cost)]);
      const double se = *estimate(v).half_width / student_t_975(static_cast<std::uint64_t>(n - 1));
      (n == 4 ? se4 : se16) += se;
    }
  }
  INFO("mean standard error N=4: " << se4 / 6 << ", N=16: " << se16 / 6);
  CHECK(se4 / se16 == Approx(2.0).epsilon(0.3));
}

TEST_CASE("more memory shortens CPU-bound latency and longer keep-alive gives fewer cold starts",
          "[sweep]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  const auto mem = prepare(path, {"functions.api.memory=128MB:1024MB:448MB"}, 2);
  const auto p50 = means(run_sweep(mem, test::builtin_registries(), {}), Stat::P50);
  REQUIRE(p50.size() == 3);
  CHECK(p50[0] > p50[1]);
  CHECK(p50[1] > p50[2]);
  const auto ka = prepare(path, {"functions.api.keep_alive.idle=1s,5s,30s,5m"}, 2);
  const auto cold = means(run_sweep(ka, test::builtin_registries(), {}), Stat::ColdStartRatio);
  REQUIRE(cold.size() == 4);
  for (std::size_t i = 1; i < cold.size(); ++i) CHECK(cold[i] < cold[i - 1]);
}

TEST_CASE("results and outputs do not depend on --jobs", "[sweep]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  const auto sweep = prepare(
      path, {"functions.api.memory=128MB,256MB,512MB", "functions.api.keep_alive.idle=5s,1m"}, 3);
  SweepRunOptions one, three;
  three.jobs = 3;
  const auto a = run_sweep(sweep, test::builtin_registries(), one);
  const auto b = run_sweep(sweep, test::builtin_registries(), three);
  for (const char* f : {"table", "csv", "json"})
    CHECK(format_sweep(sweep.plan, a, f) == format_sweep(sweep.plan, b, f));
}

TEST_CASE("three shards merge into the bytes of one run and mismatched parts are refused",
          "[sweep]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  const std::vector<std::string> settings = {"functions.api.memory=128MB:640MB:128MB"};
  const auto whole = prepare(path, settings, 2);
  const std::string expected =
      sweep_to_json(whole.plan, run_sweep(whole, test::builtin_registries(), {}));
  std::vector<std::string> parts;
  for (std::size_t k = 1; k <= 3; ++k) {
    const Shard shard{k, 3};
    const auto part = prepare(path, settings, 2, shard);
    SweepRunOptions o;
    o.shard = shard;
    std::string text = partial_header(part.plan, shard);
    for (const auto& r : run_sweep(part, test::builtin_registries(), o)) text += partial_line(r);
    parts.push_back(write(dir, fmt::format("part{}", k), text));
  }
  const auto [plan, results] = merge_partials(parts);
  CHECK(sweep_to_json(plan, results) == expected);

  CHECK_THROWS_WITH(merge_partials({parts[0], parts[1]}), Catch::Contains("missing"));
  CHECK_THROWS_WITH(merge_partials({parts[0], parts[0], parts[1], parts[2]}),
                    Catch::Contains("is also in"));
  const auto other = prepare(path, settings, 3, {2, 3});
  SweepRunOptions o;
  o.shard = {2, 3};
  std::string text = partial_header(other.plan, o.shard);
  for (const auto& r : run_sweep(other, test::builtin_registries(), o)) text += partial_line(r);
  const std::string odd = write(dir, "odd", text);
  CHECK_THROWS_WITH(merge_partials({parts[0], odd, parts[2]}),
                    Catch::Contains("replications differs"));
}

TEST_CASE("an interrupted sweep resumes from its journal with the same result", "[sweep]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  const auto sweep = prepare(path, {"functions.api.keep_alive.idle=1s,5s,30s,1m,5m"}, 2);
  SweepRunOptions o;
  o.journal_path = dir.file("out.partial");
  const std::string expected =
      sweep_to_csv(sweep.plan, run_sweep(sweep, test::builtin_registries(), o));
  // Keep the header and two points, and tear the third line in half.
  const std::string journal = slurp(o.journal_path);
  std::size_t cut = 0;
  for (int i = 0; i < 3; ++i) cut = journal.find('\n', cut) + 1;
  const std::size_t torn = journal.find('\n', cut) - 10;
  write(dir, "out.partial", journal.substr(0, torn));
  std::size_t progress_total = 0;
  o.progress = [&](std::size_t, std::size_t total) { progress_total = total; };
  CHECK(sweep_to_csv(sweep.plan, run_sweep(sweep, test::builtin_registries(), o)) == expected);
  CHECK(progress_total == 3);  // two points came from the journal
  CHECK(read_partial(o.journal_path, false).results.size() == 5);

  // A journal of another sweep is refused, not mixed in.
  const auto other = prepare(path, {"functions.api.keep_alive.idle=1s,5s"}, 2);
  CHECK_THROWS_WITH(run_sweep(other, test::builtin_registries(), o),
                    Catch::Contains("belongs to a different sweep"));
}

TEST_CASE("every point is validated before any run and each error is reported once", "[sweep]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  try {
    (void)prepare(path, {"functions.api.memory=12MB,256MB", "functions.api.keep_alive.idle=1s,2s"},
                  1);
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.diagnostics().error_count() == 1);
    CHECK_THAT(e.diagnostics().to_string(), Catch::Contains("12 MB is outside"));
  }
  CHECK_THROWS_WITH(prepare(path, {"a=1,2", "a=3"}, 1), Catch::Contains("swept twice"));
  CHECK_THROWS_WITH(prepare(path, {"seed=1:101:1", "functions.api.memory=128MB:1GB:1MB"}, 1),
                    Catch::Contains("at most 10000"));
}

TEST_CASE("a sweep declared in the scenario combines with --set and the command line wins",
          "[sweep][scenario]") {
  TempDir dir;
  const std::string path = write(dir, "s.yaml", std::string(kScenario) + R"(sweep:
  replications: 3
  settings:
    functions.api.memory: [128MB, 256MB]
    functions.api.keep_alive: [{type: fixed, idle: 5s}, {type: fixed, idle: 1m}]
    functions.api.timeout: "10s:30s:10s"
)");
  const auto declared = prepare(path, {}, 1);
  CHECK(declared.plan.point_count() == 12);
  CHECK(declared.plan.axes[1].values[1] == "{type: fixed, idle: 1m}");
  CHECK(declared.plan.axes[2].values == std::vector<std::string>{"10s", "20s", "30s"});
  SweepRequest r;
  r.scenario_path = path;
  r.settings = {"functions.api.memory=512MB", "workload.0.arrivals.rate=1/s,3/s"};
  const auto combined = prepare_sweep(r, test::builtin_registries(), builtin_price_table_yaml(),
                                      builtin_price_table_origin());
  CHECK(combined.plan.replications == 3);
  REQUIRE(combined.plan.axes.size() == 4);
  CHECK(combined.plan.axes[0].values == std::vector<std::string>{"512MB"});
  CHECK(combined.plan.axes[3].key == "workload.0.arrivals.rate");
  CHECK_THROWS_WITH(test::load_yaml(std::string(kScenario) + "sweep: {replications: 0}\n"),
                    Catch::Contains("sweep.replications"));
  CHECK_THROWS_WITH(test::load_yaml(std::string(kScenario) + "sweep: {settings: {a: []}}\n"),
                    Catch::Contains("non-empty list"));
}

TEST_CASE("constraints and the objective pick the best point", "[sweep]") {
  CHECK(parse_constraint("p99<=300ms").bound == 300);
  CHECK(parse_constraint("p99<1.5s").bound == 1500);
  CHECK(parse_constraint("p99 <= 2s").bound == 2000);
  CHECK(parse_constraint("cold_ratio<=5%").bound == Approx(0.05));
  CHECK(parse_constraint("cost<=$2.5").bound == 2.5);
  CHECK(parse_constraint("throttled>=0").op == ">=");
  CHECK_THROWS_WITH(parse_constraint("p42<=1"), Catch::Contains("unknown statistic"));
  CHECK_THROWS_WITH(parse_constraint("p99<=fast"), Catch::Contains("not a latency"));
  CHECK_THROWS_AS(parse_shard("4/3"), ScenarioError);
  CHECK_THROWS_AS(parse_shard("0/3"), ScenarioError);
  CHECK_THROWS_AS(parse_shard("x"), ScenarioError);
  CHECK(parse_shard("2/3").owns(4));

  TempDir dir;
  const std::string path = write(dir, "s.yaml", kScenario);
  SweepRequest r;
  r.scenario_path = path;
  r.settings = {"functions.api.memory=128MB,512MB,1GB"};
  r.objective = "p50";
  r.constraints = {"cost<=1"};
  auto sweep = prepare_sweep(r, test::builtin_registries(), builtin_price_table_yaml(),
                             builtin_price_table_origin());
  const auto results = run_sweep(sweep, test::builtin_registries(), {});
  CHECK_THAT(sweep_to_json(sweep.plan, results),
             Catch::Contains("\"best\": {\"index\": 2, \"settings\": "
                             "{\"functions.api.memory\": \"1GB\"}}"));
  sweep.plan.constraints = {parse_constraint("cost<=0")};
  CHECK_THAT(sweep_to_table(sweep.plan, results),
             Catch::Contains("no point satisfies every constraint (cost<=0)"));
  CHECK_THAT(sweep_to_json(sweep.plan, results), Catch::Contains("\"best\": null"));
}

}  // namespace lsim
