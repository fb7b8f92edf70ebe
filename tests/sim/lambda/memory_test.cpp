// Memory → CPU scaling (lambda-facts §2): CPU share = memory / 1,769 MB, capped at 6 vCPUs; a
// duration given at a reference memory scales by an Amdahl-style CPU-bound fraction.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cmath>

#include "sim/lambda/cpu_share.hpp"
#include "tests/support/run.hpp"

using lsim::cpu_share;
using lsim::duration_scale;

TEST_CASE("CPU share is proportional to memory: one vCPU at 1,769 MB", "[memory]") {
  CHECK(cpu_share(1769) == Approx(1.0));
  CHECK(cpu_share(128) == Approx(128.0 / 1769));
  CHECK(cpu_share(10240) == Approx(10240.0 / 1769));  // 5.79 vCPUs: below the cap of 6
  CHECK(cpu_share(20000) == Approx(6.0));
}

TEST_CASE("single-threaded CPU-bound code speeds up with memory until one vCPU, then flattens",
          "[memory]") {
  double previous = 1e9;
  for (const double mb : {128.0, 256.0, 512.0, 1024.0, 1769.0}) {
    const double d = duration_scale(mb, 1769, 1.0, 1.0);
    CHECK(d < previous);
    previous = d;
  }
  CHECK(duration_scale(1769, 1769, 1.0, 1.0) == Approx(1.0));
  for (const double mb : {2048.0, 4096.0, 10240.0}) CHECK(duration_scale(mb, 1769, 1.0, 1.0) == Approx(1.0));
  // Code that can use 4 threads keeps speeding up to 4 vCPUs (7,076 MB).
  CHECK(duration_scale(7076, 1769, 1.0, 4.0) == Approx(0.25));
  // I/O-bound code does not change at all.
  CHECK(duration_scale(128, 1769, 0.0, 1.0) == Approx(1.0));
}

TEST_CASE("the exponent bends only the CPU-bound part: (s_ref/s)^k", "[memory]") {
  // 128 MB against 1,769 MB: s_ref/s = 1769/128 = 13.82; half CPU-bound, k = 2.
  const double slowdown = 1769.0 / 128.0;
  CHECK(duration_scale(128, 1769, 0.5, 1.0, 2.0) == Approx(0.5 + 0.5 * slowdown * slowdown));
  CHECK(duration_scale(128, 1769, 0.5, 1.0, 1.0) == duration_scale(128, 1769, 0.5, 1.0));
  CHECK(duration_scale(128, 1769, 0.0, 1.0, 3.0) == 1.0);  // no CPU-bound part: nothing to bend
  // At or above the reference's speed the exponent changes nothing where the speed is equal.
  CHECK(duration_scale(4096, 1769, 0.7, 1.0, 2.5) == Approx(1.0));
  // Above the reference it speeds up faster with k > 1: (1/2)^2 at twice the CPU.
  CHECK(duration_scale(3538, 1769, 1.0, 2.0, 2.0) == Approx(0.25));
}

TEST_CASE("the AWS operator guide's prime-number example is reproduced end to end", "[memory]") {
  // AWS Lambda operator guide: 11.722 s at 128 MB, 1.465 s at 1,536 MB. With the duration given
  // at 1,536 MB, the CPU-bound fraction f solves 11.722/1.465 = (1 − f) + f·(1536/128):
  // f = (11.722/1.465 − 1)/11 = 0.63650... A run at 128 MB must then give 11.722 s (to 1 ms,
  // the rounding of the microsecond conversion aside).
  const double f = (11.722 / 1.465 - 1.0) / 11.0;
  const std::string yaml = fmt::format(R"(duration: 1h
functions:
  - name: primes
    memory: 128MB
    timeout: 60s
    memory_scaling: {{ reference_memory: 1536MB, cpu_bound: {} }}
    duration: {{ type: constant, value: 1.465s }}
    cold_start: {{ type: constant, value: 0ms }}
workload:
  - function: primes
    arrivals: {{ type: constant, rate: 1/m }}
)",
                                       f);
  const auto s = lsim::test::run_yaml(yaml);
  CHECK(s.total.warm.mean == Approx(11722).margin(1));
  // Cost per 1,000 invocations stays nearly the same, as the guide notes ($0.024628 vs $0.024638
  // x86 at the 2020 price): 1,000 × 11.722 s × 0.125 GB × $0.0000166667 = $0.02442 of duration.
  const double per_invocation = s.total.cost.duration / static_cast<double>(s.total.invocations.completed);
  CHECK(per_invocation * 1000 == Approx(11.722 * 0.125 * 0.0000166667 * 1000).epsilon(1e-3));
}

TEST_CASE("a run applies memory_scaling's exponent to every execution", "[memory]") {
  // 1 s measured at 1,024 MB, 60 % CPU-bound, k = 1.6, run at 256 MB:
  // 1 s × (0.4 + 0.6 × 4^1.6) = 5.9577 s.
  const auto s = lsim::test::run_yaml(R"(duration: 1h
functions:
  - name: f
    memory: 256MB
    timeout: 60s
    memory_scaling: { reference_memory: 1024MB, cpu_bound: 0.6, exponent: 1.6 }
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 0ms }
workload:
  - function: f
    arrivals: { type: constant, rate: 1/m }
)");
  CHECK(s.total.warm.mean == Approx(1000 * (0.4 + 0.6 * std::pow(4.0, 1.6))).margin(0.01));
}

TEST_CASE("memory scaling settings are checked", "[memory]") {
  const char* base = R"(duration: 1h
functions:
  - name: f
    memory_scaling: {}
    duration: {{ type: constant, value: 1s }}
    cold_start: {{ type: constant, value: 0ms }}
workload:
  - function: f
    arrivals: {{ type: constant, rate: 1/m }}
)";
  auto errors = [&](const std::string& ms) {
    try {
      (void)lsim::test::load_yaml(fmt::format(fmt::runtime(base), ms));
      return std::string();
    } catch (const lsim::ScenarioError& e) {
      return e.diagnostics().to_string();
    }
  };
  CHECK(errors("{ reference_memory: 1769MB, cpu_bound: 0.5, threads: 2, cold_start: true }").empty());
  CHECK_THAT(errors("{ cpu_bound: 0.5 }"), Catch::Contains("missing required key 'reference_memory'"));
  CHECK_THAT(errors("{ reference_memory: 1769MB, cpu_bound: 1.5 }"),
             Catch::Contains("functions[0].memory_scaling.cpu_bound: must be a fraction between 0 and 1"));
  CHECK_THAT(errors("{ reference_memory: 64MB }"),
             Catch::Contains("reference_memory: must be within Lambda's 128–10,240 MB"));
  CHECK(errors("{ reference_memory: 1769MB, cpu_bound: 0.5, exponent: 1.63 }").empty());
  CHECK_THAT(errors("{ reference_memory: 1769MB, exponent: 0 }"),
             Catch::Contains("functions[0].memory_scaling.exponent: must be between 0.25 and 4"));
  CHECK_THAT(errors("{ reference_memory: 1769MB, exponent: 4.5 }"),
             Catch::Contains("functions[0].memory_scaling.exponent: must be between 0.25 and 4"));
  CHECK_THAT(errors("{ reference_memory: 1769MB, exponnent: 2 }"),
             Catch::Contains("unknown key 'exponnent' (did you mean 'exponent'?)"));
  CHECK_THAT(errors("{ reference_memory: 1769MB, thread: 2 }"),
             Catch::Contains("unknown key 'thread' (did you mean 'threads'?)"));
}
