// Event sources (workload `source:`, `name:`, `warmer:`): API Gateway's integration timeout
// (504 to the caller while the function runs on and is billed), asynchronous sources (S3, SNS,
// EventBridge), warmers reported as their own source, per-source conservation.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "tests/support/run.hpp"

namespace {

using lsim::test::load_yaml;
using lsim::test::run_yaml;

const lsim::SourceSummary& source(const lsim::Summary& s, const std::string& name) {
  for (const auto& src : s.sources)
    if (src.name == name) return src;
  FAIL("no source named " << name);
  return s.sources.front();
}

// Executions of 10 s or 35 s with equal probability, function timeout 60 s, no INIT time.
const char* kGateway = R"(duration: 6h
functions:
  - name: report
    memory: 1024MB
    timeout: 60s
    duration: { type: empirical, samples: [10s, 35s] }
    cold_start: { type: constant, value: 0ms }
workload:
  - name: web
    function: report
    source: { type: api_gateway, overhead: { type: constant, value: 20ms } }
    arrivals: { type: poisson, rate: 1/m }
)";

}  // namespace

TEST_CASE("API Gateway answers 504 exactly for executions longer than its integration timeout",
          "[sources]") {
  const auto s = run_yaml(kGateway);
  lsim::test::check_conservation(s);
  const auto& web = source(s, "web");
  const auto& fn = lsim::test::function_summary(s, "report");
  CHECK(web.type == "api_gateway");
  // The function never times out; the caller sees a 504 for each 35 s execution, and waits
  // exactly the 29 s integration timeout plus the 20 ms overhead.
  CHECK(fn.invocations.timed_out == 0);
  CHECK(web.gateway_timeouts > 100);
  CHECK(web.group.invocations.timed_out == web.gateway_timeouts);
  CHECK(web.group.all.max == Approx(29'020.0));
  CHECK(web.group.all.p50 >= 10'020.0 - 1e-6);
  // The function's own latency: 10 s or 35 s; its executions are billed in full: the number of
  // long ones is the number of 504s.
  CHECK(fn.all.max == Approx(35'000.0));
  const double long_runs = static_cast<double>(web.gateway_timeouts);
  const double short_runs = static_cast<double>(fn.invocations.completed) - long_runs;
  CHECK(fn.cost.duration == Approx((long_runs * 35 + short_runs * 10) * 1.0 * 0.0000166667)
                                .epsilon(1e-9));
  // The source's share of the bill is the whole bill (it is the only source).
  CHECK(web.group.cost.total() == Approx(fn.cost.total()).epsilon(1e-12));
}

TEST_CASE("An HTTP API times out at 30 s at most, and the timeout is checked", "[sources]") {
  std::string http = kGateway;
  http.replace(http.find("type: api_gateway,"), 18, "type: api_gateway, api: http,");
  CHECK(source(run_yaml(http), "web").group.all.max == Approx(30'020.0));
  std::string too_long = kGateway;
  too_long.replace(too_long.find("type: api_gateway,"), 18,
                   "type: api_gateway, api: http, integration_timeout: 31s,");
  CHECK_THROWS_WITH(load_yaml(too_long), Catch::Contains("between 50ms and 30s for an HTTP API"));
}

TEST_CASE("S3, SNS and EventBridge sources invoke asynchronously", "[sources]") {
  const auto s = run_yaml(R"(duration: 1h
functions:
  - name: thumb
    reserved_concurrency: 1
    duration: { type: constant, value: 2s }
    cold_start: { type: constant, value: 0ms }
workload:
  - name: uploads
    function: thumb
    source: s3
    arrivals: { type: poisson, rate: 1/s }
)");
  lsim::test::check_conservation(s);
  const auto& up = source(s, "uploads");
  CHECK(up.type == "s3");
  // 2 erlangs offered to one environment: nothing is throttled, the events wait in the queue.
  CHECK(up.group.invocations.throttled == 0);
  CHECK(up.group.async.arrived == up.group.invocations.arrived);
  CHECK(up.group.async.throttle_retries > 0);
  std::string conflict = R"(duration: 1h
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 0ms }
workload:
  - function: f
    source: sns
    invocation: sync
    arrivals: { type: poisson, rate: 1/s }
)";
  CHECK_THROWS_WITH(load_yaml(conflict), Catch::Contains("a sns source invokes asynchronously"));
  conflict.replace(conflict.find("source: sns"), 11, "source: sqs");
  CHECK_THROWS_WITH(load_yaml(conflict), Catch::Contains("mapping invokes synchronously, with "
                                                         "batches: leave out `invocation`"));
  conflict.replace(conflict.find("source: sqs"), 11, "source: snq");
  CHECK_THROWS_WITH(load_yaml(conflict), Catch::Contains("did you mean 'sns'?"));
}

TEST_CASE("A warmer is billed, keeps environments warm and is reported as its own source",
          "[sources]") {
  // A rarely used function (4 requests an hour, keep-alive 10 min): most of its requests start
  // cold. A warmer pinging every 5 minutes keeps one environment warm.
  const std::string base = R"(duration: 24h
functions:
  - name: admin
    memory: 512MB
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 1s }
workload:
  - name: users
    function: admin
    arrivals: { type: poisson, rate: 4/h }
)";
  const std::string warmed = base + R"(  - name: warmer
    function: admin
    warmer: true
    arrivals: { type: constant, rate: 12/h }
)";
  const auto cold = run_yaml(base);
  const auto warm = run_yaml(warmed);
  lsim::test::check_conservation(warm);
  const auto& users_cold = source(cold, "users").group;
  const auto& users_warm = source(warm, "users").group;
  const auto& pinger = source(warm, "warmer");
  CHECK(pinger.warmer);
  // Same user traffic (the warmer's stream is separate), far fewer cold starts for it.
  CHECK(users_cold.invocations.arrived == users_warm.invocations.arrived);
  CHECK(users_cold.cold_start_ratio > 0.4);
  CHECK(users_warm.invocations.cold < users_cold.invocations.cold / 5);
  // The warmer's 288 pings a day are billed, on their own line.
  CHECK(pinger.group.invocations.arrived == 287);
  CHECK(pinger.group.cost.requests == Approx(287 * 0.0000002).epsilon(1e-9));
  CHECK(pinger.group.cost.total() > 0);
  CHECK(warm.total.cost.total() ==
        Approx(users_warm.cost.total() + pinger.group.cost.total()).epsilon(1e-9));
}

TEST_CASE("Workload names are unique and source types are checked", "[sources]") {
  const std::string two = R"(duration: 1h
functions:
  - name: f
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 0ms }
workload:
  - { name: a, function: f, arrivals: { type: poisson, rate: 1/s } }
  - { name: a, function: f, arrivals: { type: poisson, rate: 1/s } }
)";
  CHECK_THROWS_WITH(load_yaml(two), Catch::Contains("workload name 'a' is used twice"));
  std::string typo = two;
  typo.replace(typo.rfind("name: a"), 7, "name: b, source: api_gatway");
  CHECK_THROWS_WITH(load_yaml(typo), Catch::Contains("(did you mean 'api_gateway'?)"));
}
