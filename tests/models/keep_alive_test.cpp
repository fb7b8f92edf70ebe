// The keep-alive presets: their documented values, overrides, the aws_2021 survival curve
// sampled against the measured fractions, the bounds `never` and `none` through the platform, and
// located errors.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/support/run.hpp"

using namespace lsim;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

std::unique_ptr<KeepAlivePolicy> make_keep_alive(const std::string& yaml, std::uint64_t seed = 3) {
  Diagnostics d;
  const ConfigNode node = parse_yaml_text(yaml, "k.yaml", d);
  auto m = lsim::test::builtin_registries().keep_alive.make(node, "keep_alive", d,
                                                            RngStream::derive(seed, 0, "k"));
  INFO(d.to_string());
  REQUIRE(m);
  return m;
}

std::string keep_alive_errors(const std::string& yaml) {
  Diagnostics d;
  const ConfigNode node = parse_yaml_text(yaml, "k.yaml", d);
  auto m = lsim::test::builtin_registries().keep_alive.make(node, "keep_alive", d,
                                                            RngStream::derive(3, 0, "k"));
  CHECK(m == nullptr);
  return d.to_string();
}

std::string scenario_with(const std::string& keep_alive) {
  return fmt::format(R"(duration: 2h
functions:
  - name: f
    duration: {{ type: constant, value: 100ms }}
    cold_start: {{ type: constant, value: 10ms }}
    keep_alive: {}
workload:
  - function: f
    arrivals: {{ type: poisson, rate: 1/m }}
)",
                     keep_alive);
}

}  // namespace

TEST_CASE("fixed keep-alive presets have their documented values", "[models][keep_alive]") {
  struct Case {
    const char* yaml;
    Duration idle;
    std::optional<Duration> max_lifetime;
  };
  const Case cases[] = {
      {"aws_2019", minutes(10), hours(2)},
      {"azure", minutes(20), std::nullopt},
      {"huawei", minutes(1), std::nullopt},
      {"none", Duration{0}, std::nullopt},
      // Every parameter can be overridden.
      {"{type: aws_2019, idle: 15m, max_lifetime: 4h}", minutes(15), hours(4)},
      {"{type: azure, idle: 5m, max_lifetime: 1h}", minutes(5), hours(1)},
      {"{type: huawei, idle: 30s}", std::chrono::seconds(30), std::nullopt},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    auto k = make_keep_alive(c.yaml);
    for (int i = 0; i < 3; ++i) CHECK(k->idle_timeout(Time{minutes(i)}) == c.idle);
    CHECK(k->max_lifetime() == c.max_lifetime);
  }
  auto never = make_keep_alive("never");
  CHECK(never->idle_timeout(kTimeZero) >= hours(24 * 365 * 1000));
  CHECK_FALSE(never->max_lifetime());
  CHECK(make_keep_alive("{type: never, max_lifetime: 2h}")->max_lifetime() == hours(2));
}

TEST_CASE("aws_2017 draws the idle time uniformly in 45-60 min", "[models][keep_alive]") {
  auto k = make_keep_alive("aws_2017");
  CHECK(k->max_lifetime() == hours(2));
  const int n = 100'000;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const Duration d = k->idle_timeout(kTimeZero);
    REQUIRE(d >= minutes(45));
    REQUIRE(d <= minutes(60));
    sum += to_seconds(d) / 60;
  }
  // Uniform on [45, 60] min: mean 52.5, sd 15 / sqrt(12).
  CHECK(std::fabs(sum / n - 52.5) < 4 * (15 / std::sqrt(12.0)) / std::sqrt(n));
  auto wide = make_keep_alive("{type: aws_2017, idle: 20m, jitter: 40m, max_lifetime: 3h}");
  CHECK(wide->max_lifetime() == hours(3));
  for (int i = 0; i < 1000; ++i) {
    const Duration d = wide->idle_timeout(kTimeZero);
    REQUIRE(d >= minutes(20));
    REQUIRE(d <= minutes(60));
  }
}

TEST_CASE("aws_2021 reproduces the measured cold-start curve", "[models][keep_alive]") {
  // P(cold | idle X min) = P(timeout <= X): 0 at 3, 0.003 at 4 and 5, 0.406 at 6, 1 at 7.
  auto k = make_keep_alive("aws_2021");
  CHECK(k->max_lifetime() == hours(2));
  const int n = 400'000;
  int at_most[8] = {};
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const Duration d = k->idle_timeout(kTimeZero);
    for (int x = 3; x <= 7; ++x) at_most[x] += d <= minutes(x);
    sum += to_seconds(d) / 60;
  }
  CHECK(at_most[3] == 0);
  CHECK(at_most[7] == n);
  for (const auto& [x, p] : {std::pair{4, 0.003}, std::pair{5, 0.003}, std::pair{6, 0.406}}) {
    INFO("idle " << x << " min: fraction cold " << at_most[x] / double(n) << ", measured " << p);
    CHECK(std::fabs(at_most[x] / double(n) - p) < 4 * std::sqrt(p * (1 - p) / n));
  }
  // Nothing between 4 and 5 minutes (the curve is flat there).
  CHECK(at_most[5] - at_most[4] == 0);
  // Uniform within each minute: mean 0.003·3.5 + 0.403·5.5 + 0.594·6.5 min; sd below 1 min.
  CHECK(std::fabs(sum / n - (0.003 * 3.5 + 0.403 * 5.5 + 0.594 * 6.5)) < 4 / std::sqrt(n));
}

TEST_CASE("the keep-alive bounds: none makes every start cold, never evicts nothing idle",
          "[models][keep_alive]") {
  const auto none = lsim::test::run_yaml(scenario_with("none"));
  lsim::test::check_conservation(none);
  CHECK(none.total.invocations.cold == none.total.invocations.started);
  CHECK(none.total.invocations.started > 50);
  // One request a minute, 100 ms each: an environment is created only when all existing ones
  // are busy (two requests within 100 ms, rarely), and none is ever evicted (no maximum lifetime
  // either).
  const auto never = lsim::test::run_yaml(scenario_with("never"));
  lsim::test::check_conservation(never);
  CHECK(never.total.invocations.cold == never.total.environments.created);
  CHECK(never.total.environments.created <= 3);
  CHECK(never.total.environments.evicted() == 0);
  // aws_2021 against a request a minute: a gap of 6 minutes or more has probability e^-6, so
  // nearly every start is warm.
  const auto aws = lsim::test::run_yaml(scenario_with("aws_2021"));
  lsim::test::check_conservation(aws);
  CHECK(aws.total.invocations.cold < aws.total.invocations.started / 4);
}

TEST_CASE("bad keep-alive preset parameters are reported at their key path",
          "[models][keep_alive]") {
  const std::pair<const char*, const char*> cases[] = {
      {"{type: aws_2019, max_lifetime: 0s}", "keep_alive.max_lifetime: must be > 0"},
      {"{type: aws_2021, max_lifetime: 0s}", "keep_alive.max_lifetime: must be > 0"},
      {"{type: azure, max_lifetime: 0s}", "keep_alive.max_lifetime: must be > 0"},
      {"{type: aws_2017, jitter: -1m}", "keep_alive.jitter: '-1m' is negative"},
      {"{type: aws_2021, idle: 5m}", "keep_alive: unknown key 'idle'"},
      {"{type: none, idle: 5m}", "keep_alive: unknown key 'idle'"},
      {"{type: aws_2019, idel: 5m}", "unknown key 'idel' (did you mean 'idle'?)"},
      {"aws2021", "unknown keep-alive model 'aws2021' (did you mean 'aws_2021'?)"},
  };
  for (const auto& [yaml, message] : cases) {
    INFO(yaml);
    const std::string errors = keep_alive_errors(yaml);
    INFO(errors);
    CHECK(errors.find(message) != std::string::npos);
  }
}
