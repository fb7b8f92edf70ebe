// Cold-start presets by runtime (models/cold_start/runtime.cpp, lambda-facts §8): sampled INIT
// means reproduce the table within 5 %, architecture and package matter as documented, the
// function's own runtime is the default, and unknown runtimes are refused with a suggestion.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>

#include "models/builtin.hpp"
#include "tests/support/run.hpp"

namespace {

std::string preset_scenario(const std::string& function_keys, const std::string& cold_start) {
  // keep-alive 0: every start is cold, 2,000 of them.
  return fmt::format(R"(duration: 2000s
functions:
  - name: f
    {}
    duration: {{ type: constant, value: 1ms }}
    cold_start: {}
    keep_alive: {{ type: fixed, idle: 0s }}
workload:
  - function: f
    arrivals: {{ type: constant, rate: 1/s }}
)",
                     function_keys, cold_start);
}

}  // namespace

TEST_CASE("Runtime presets reproduce the measured mean INIT within 5 %", "[models][cold_start]") {
  struct Case {
    const char* runtime;
    const char* arch;
    double mean_ms;
  };
  for (const Case c : {Case{"python3.12", "x86_64", 80}, Case{"nodejs22.x", "x86_64", 139},
                       Case{"nodejs22.x", "arm64", 122}, Case{"java21", "arm64", 212},
                       Case{"java11", "arm64", 350}, Case{"provided.al2023", "arm64", 42},
                       Case{"ruby3.3", "x86_64", 265}}) {
    DYNAMIC_SECTION(c.runtime << " " << c.arch) {
      CHECK(lsim::models::runtime_cold_start_ms(c.runtime, std::string(c.arch) == "arm64") ==
            c.mean_ms);
      const auto s = lsim::test::run_yaml(preset_scenario(
          fmt::format("runtime: {}\n    architecture: {}", c.runtime, c.arch), "runtime"));
      REQUIRE(s.total.invocations.cold == 1999);
      // Latency = INIT + 1 ms. σ = 0.2: the sample mean's relative error is ~0.2/√1999 ≈ 0.5 %.
      CHECK(s.total.cold.mean - 1.0 == Approx(c.mean_ms).epsilon(0.05));
      CHECK(std::fabs(s.total.cold.mean - 1.0 - c.mean_ms) < 4 * 0.21 * c.mean_ms / std::sqrt(1999.0));
    }
  }
}

TEST_CASE("Runtime presets: images, overhead and errors", "[models][cold_start]") {
  const auto zip = lsim::test::run_yaml(preset_scenario("runtime: dotnet8", "runtime"));
  const auto image = lsim::test::run_yaml(
      preset_scenario("runtime: dotnet8\n    package_type: image", "runtime"));
  CHECK(image.total.cold.mean / zip.total.cold.mean == Approx(1.7).epsilon(0.03));
  const auto overhead = lsim::test::run_yaml(preset_scenario(
      "runtime: python3.12", "{ type: runtime, platform_overhead: 200ms, sigma: 0 }"));
  CHECK(overhead.total.cold.max == Approx(281.0).epsilon(1e-6));  // 80 + 200 + 1 ms
  CHECK_THROWS_WITH(
      lsim::test::load_yaml(preset_scenario("runtime: python3.12", "{ type: runtime, runtime: pyton3.12 }")),
      Catch::Contains("no measured cold start for runtime 'pyton3.12' (did you mean 'python3.12'?)"));
  CHECK_THROWS_WITH(
      lsim::test::load_yaml(preset_scenario("runtime: java8.al2", "runtime")),
      Catch::Contains("no measured cold start for runtime 'java8.al2'"));
}
