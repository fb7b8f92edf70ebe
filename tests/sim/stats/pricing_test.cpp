// Tests for the price table loader (the shipped table and located errors in bad ones), dates, and
// the INIT-billing rule of lambda-facts.md section 1.
#include "sim/stats/pricing.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/core/diagnostics.hpp"

#ifndef LSIM_SOURCE_DIR
#define LSIM_SOURCE_DIR "."
#endif

namespace {

using lsim::Architecture;
using lsim::Date;
using lsim::PackageType;

const std::string kShippedPath =
    std::string(LSIM_SOURCE_DIR) + "/models/pricing/aws_lambda_prices.yaml";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small valid table; line numbers matter to the tests below.
const std::string kBase =
    "effective_date: 2025-10-28\n"                                                   // 1
    "free_tier:\n"                                                                   // 2
    "  requests: 1000000\n"                                                          // 3
    "  gb_seconds: 400000\n"                                                         // 4
    "regions:\n"                                                                     // 5
    "  us-east-1:\n"                                                                 // 6
    "    x86_64:\n"                                                                  // 7
    "      request: 0.0000002\n"                                                     // 8
    "      duration_tiers:\n"                                                        // 9
    "        - {up_to_gb_seconds: 6000000000, price_per_gb_second: 0.0000166667}\n"  // 10
    "        - {up_to_gb_seconds: 15000000000, price_per_gb_second: 0.000015}\n"     // 11
    "        - {up_to_gb_seconds: null, price_per_gb_second: 0.0000133334}\n"        // 12
    "      provisioned_capacity: 0.0000041667\n"                                     // 13
    "      provisioned_duration: 0.0000097222\n"                                     // 14
    "      ephemeral_storage: 0.0000000309\n"                                        // 15
    "      snapstart_cache: 0.0000015046\n"                                          // 16
    "      snapstart_restore: 0.0001397998\n";                                       // 17

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  return text;
}

std::vector<lsim::Diagnostic> errors_of(const std::string& text) {
  try {
    (void)lsim::PriceTable::parse(text, "bad.yaml");
  } catch (const lsim::ScenarioError& e) {
    return e.diagnostics().all();
  }
  FAIL("expected a ScenarioError");
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("The shipped price table parses and has the us-east-1 prices of lambda-facts.md",
          "[cost]") {
  const auto table = lsim::PriceTable::parse(read_text(kShippedPath), kShippedPath);
  CHECK(table.origin() == kShippedPath);
  CHECK(table.effective_date() == "2025-10-28");
  CHECK_FALSE(table.sources().empty());
  CHECK(table.free_tier().requests == 1'000'000.0);
  CHECK(table.free_tier().gb_seconds == 400'000.0);
  CHECK(table.regions() == std::vector<std::string>{"us-east-1"});
  CHECK(table.find("eu-central-2", Architecture::X86_64) == nullptr);

  const lsim::Prices* x86 = table.find("us-east-1", Architecture::X86_64);
  REQUIRE(x86 != nullptr);
  CHECK(x86->request == 0.0000002);
  REQUIRE(x86->duration_tiers.size() == 3);
  CHECK(x86->duration_tiers[0].up_to_gb_seconds == 6e9);
  CHECK(x86->duration_tiers[0].price_per_gb_second == 0.0000166667);
  CHECK(x86->duration_tiers[1].up_to_gb_seconds == 15e9);
  CHECK(x86->duration_tiers[1].price_per_gb_second == 0.000015);
  CHECK(std::isinf(x86->duration_tiers[2].up_to_gb_seconds));
  CHECK(x86->duration_tiers[2].price_per_gb_second == 0.0000133334);
  CHECK(x86->provisioned_capacity == 0.0000041667);
  CHECK(x86->provisioned_duration == 0.0000097222);
  CHECK(x86->ephemeral_storage == 0.0000000309);
  CHECK(x86->snapstart_cache == 0.0000015046);
  CHECK(x86->snapstart_restore == 0.0001397998);

  const lsim::Prices* arm = table.find("us-east-1", Architecture::Arm64);
  REQUIRE(arm != nullptr);
  CHECK(arm->request == 0.0000002);
  REQUIRE(arm->duration_tiers.size() == 3);
  CHECK(arm->duration_tiers[0].up_to_gb_seconds == 7.5e9);
  CHECK(arm->duration_tiers[0].price_per_gb_second == 0.0000133334);
  CHECK(arm->duration_tiers[1].up_to_gb_seconds == 18.75e9);
  CHECK(arm->duration_tiers[1].price_per_gb_second == 0.0000120001);
  CHECK(std::isinf(arm->duration_tiers[2].up_to_gb_seconds));
  CHECK(arm->duration_tiers[2].price_per_gb_second == 0.0000106667);
  CHECK(arm->provisioned_capacity == 0.0000033334);
  CHECK(arm->provisioned_duration == 0.0000077778);
  CHECK(arm->ephemeral_storage == 0.0000000309);
  CHECK(arm->snapstart_cache == 0.0000015046);
  CHECK(arm->snapstart_restore == 0.0001397998);
}

TEST_CASE("The shipped table can be embedded by configure_file into a raw string", "[cost]") {
  // builtin_prices.cpp.in pastes the file into R"LSIMPRICES(...)LSIMPRICES" with configure_file
  // in ONLY mode: an at-sign could be substituted and the delimiter would end the string early.
  const std::string text = read_text(kShippedPath);
  CHECK(text.find('@') == std::string::npos);
  CHECK(text.find(")LSIMPRICES\"") == std::string::npos);
}

TEST_CASE("A minimal valid table parses and lacks the architecture it does not list", "[cost]") {
  const auto table = lsim::PriceTable::parse(kBase, "t.yaml");
  CHECK(table.find("us-east-1", Architecture::X86_64) != nullptr);
  CHECK(table.find("us-east-1", Architecture::Arm64) == nullptr);
  CHECK(table.sources().empty());
}

TEST_CASE(
    "An unknown key is located at the key, lists the known keys, and the missing one is reported "
    "at its mapping",
    "[cost]") {
  const auto errs = errors_of(replaced(kBase, "snapstart_cache:", "snapstart_cahce:"));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].loc.file == "bad.yaml");
  CHECK(errs[0].loc.line == 16);
  CHECK(errs[0].loc.column == 7);
  CHECK(errs[0].path == "regions.us-east-1.x86_64.snapstart_cahce");
  CHECK(contains(errs[0].message, "unknown key 'snapstart_cahce'"));
  CHECK(contains(errs[0].message, "did you mean 'snapstart_cache'?"));
  CHECK(contains(errs[0].message,
                 "known: request, duration_tiers, provisioned_capacity, provisioned_duration, "
                 "ephemeral_storage, snapstart_cache, snapstart_restore"));
  // The missing key is reported at the mapping that should hold it (its first key, line 8).
  CHECK(errs[1].loc.line == 8);
  CHECK(errs[1].loc.column == 7);
  CHECK(errs[1].path == "regions.us-east-1.x86_64");
  CHECK(contains(errs[1].message, "missing required key 'snapstart_cache'"));
  CHECK(lsim::format_diagnostic(errs[0]).starts_with(
      "bad.yaml:16:7: error: regions.us-east-1.x86_64.snapstart_cahce: "));
}

TEST_CASE("An unknown top-level key and an unknown architecture are errors", "[cost]") {
  auto errs = errors_of(kBase + "currency: EUR\n");
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 18);
  CHECK(contains(errs[0].message, "known: effective_date, sources, free_tier, regions"));

  errs = errors_of(replaced(kBase, "    x86_64:", "    x86-64:"));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].loc.line == 7);
  CHECK(errs[0].loc.column == 5);
  CHECK(contains(errs[0].message, "did you mean 'x86_64'?"));
  CHECK(contains(errs[1].message, "needs prices for x86_64, arm64 or both"));
}

TEST_CASE("A negative price is an error located at the value", "[cost]") {
  const auto errs = errors_of(replaced(kBase, "request: 0.0000002", "request: -0.0000002"));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 8);
  CHECK(errs[0].loc.column == 16);
  CHECK(errs[0].path == "regions.us-east-1.x86_64.request");
  CHECK(contains(errs[0].message, "must not be negative"));
}

TEST_CASE("Non-numeric and non-finite prices are errors", "[cost]") {
  auto errs =
      errors_of(replaced(kBase, "ephemeral_storage: 0.0000000309", "ephemeral_storage: cheap"));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 15);
  CHECK(contains(errs[0].message, "expected a finite number, got 'cheap'"));

  errs = errors_of(replaced(kBase, "snapstart_restore: 0.0001397998", "snapstart_restore: nan"));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].path == "regions.us-east-1.x86_64.snapstart_restore");
}

TEST_CASE("Tiers that are not strictly increasing are errors located at the offending bound",
          "[cost]") {
  const auto errs =
      errors_of(replaced(kBase, "up_to_gb_seconds: 15000000000", "up_to_gb_seconds: 6000000000"));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 11);
  CHECK(errs[0].loc.column == 30);
  CHECK(errs[0].path == "regions.us-east-1.x86_64.duration_tiers[1].up_to_gb_seconds");
  CHECK(contains(errs[0].message, "strictly increasing"));
}

TEST_CASE("The last tier must be unbounded and only the last", "[cost]") {
  auto errs = errors_of(replaced(kBase, "up_to_gb_seconds: null", "up_to_gb_seconds: 20000000000"));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 12);
  CHECK(contains(errs[0].message, "last tier must be unbounded"));

  errs = errors_of(replaced(kBase, "up_to_gb_seconds: 15000000000", "up_to_gb_seconds: null"));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 11);
  CHECK(contains(errs[0].message, "only the last tier may be unbounded"));

  errs = errors_of(replaced(kBase, "up_to_gb_seconds: 6000000000", "up_to_gb_seconds: 0"));
  REQUIRE(errs.size() == 1);
  CHECK(contains(errs[0].message, "must be positive"));
}

TEST_CASE("Every problem in a table is reported at once", "[cost]") {
  std::string text = replaced(kBase, "request: 0.0000002", "request: -1");
  text = replaced(text, "  gb_seconds: 400000\n", "");
  text = replaced(text, "effective_date: 2025-10-28", "effective_date: 2023-02-29");
  text = replaced(text, "up_to_gb_seconds: 15000000000", "up_to_gb_seconds: 1");
  const auto errs = errors_of(text);
  REQUIRE(errs.size() == 4);
  CHECK(errs[0].path == "effective_date");
  CHECK(errs[0].loc.line == 1);
  CHECK(errs[0].loc.column == 17);
  CHECK(errs[1].path == "free_tier");  // missing gb_seconds, at the free_tier mapping
  CHECK(errs[1].loc.line == 3);
  CHECK(contains(errs[1].message, "'gb_seconds'"));
  CHECK(errs[2].path == "regions.us-east-1.x86_64.request");
  CHECK(errs[3].path == "regions.us-east-1.x86_64.duration_tiers[1].up_to_gb_seconds");
}

TEST_CASE("Duplicate keys and YAML syntax errors are located", "[cost]") {
  auto errs = errors_of(kBase + "free_tier: {requests: 1, gb_seconds: 2}\n");
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 18);
  CHECK(contains(errs[0].message, "duplicate key 'free_tier'"));

  errs = errors_of("effective_date: [2025-10-28\n");
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.file == "bad.yaml");
  CHECK(errs[0].loc.line >= 1);
  CHECK(contains(errs[0].message, "invalid YAML"));

  errs = errors_of("");
  REQUIRE(errs.size() == 1);
  CHECK(contains(errs[0].message, "empty"));

  errs = errors_of("- just\n- a list\n");
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].loc.line == 1);
  CHECK(contains(errs[0].message, "expected a mapping"));
}

TEST_CASE("parse_date accepts real dates only, strictly as YYYY-MM-DD", "[cost]") {
  CHECK(lsim::parse_date("2025-08-01") == Date{2025, 8, 1});
  CHECK(lsim::parse_date("2024-02-29") == Date{2024, 2, 29});
  CHECK(lsim::parse_date("2000-02-29") == Date{2000, 2, 29});
  CHECK(lsim::parse_date("2025-12-31") == Date{2025, 12, 31});
  CHECK_FALSE(lsim::parse_date("2023-02-29"));
  CHECK_FALSE(lsim::parse_date("1900-02-29"));
  CHECK_FALSE(lsim::parse_date("2025-04-31"));
  CHECK_FALSE(lsim::parse_date("2025-13-01"));
  CHECK_FALSE(lsim::parse_date("2025-00-10"));
  CHECK_FALSE(lsim::parse_date("2025-01-00"));
  CHECK_FALSE(lsim::parse_date("0000-01-01"));
  CHECK_FALSE(lsim::parse_date("2025-8-01"));
  CHECK_FALSE(lsim::parse_date("2025/08/01"));
  CHECK_FALSE(lsim::parse_date("2025-08-01 "));
  CHECK_FALSE(lsim::parse_date("+025-08-01"));
  CHECK_FALSE(lsim::parse_date(""));
  CHECK(lsim::to_string(Date{2025, 8, 1}) == "2025-08-01");
  CHECK(lsim::to_string(Date{987, 1, 2}) == "0987-01-02");
  CHECK(Date{2025, 7, 31} < Date{2025, 8, 1});
}

TEST_CASE("Architectures round-trip through their API spelling", "[cost]") {
  CHECK(lsim::to_string(Architecture::X86_64) == "x86_64");
  CHECK(lsim::to_string(Architecture::Arm64) == "arm64");
  CHECK(lsim::parse_architecture("x86_64") == Architecture::X86_64);
  CHECK(lsim::parse_architecture("arm64") == Architecture::Arm64);
  CHECK_FALSE(lsim::parse_architecture("ARM64"));
  CHECK_FALSE(lsim::parse_architecture("amd64"));
}

TEST_CASE(
    "INIT is billed for every invocation from 2025-08-01, before only for custom runtimes, images "
    "and PC",
    "[cost]") {
  const Date before{2025, 7, 31};
  const Date on{2025, 8, 1};
  const Date after{2026, 1, 15};

  CHECK_FALSE(lsim::init_is_billed(before, "python3.12", PackageType::Zip));
  CHECK(lsim::init_is_billed(on, "python3.12", PackageType::Zip));
  CHECK(lsim::init_is_billed(after, "python3.12", PackageType::Zip));

  CHECK(lsim::init_is_billed(before, "provided.al2023", PackageType::Zip));
  CHECK(lsim::init_is_billed(before, "provided.al2", PackageType::Zip));
  CHECK(lsim::init_is_billed(before, "provided", PackageType::Zip));
  CHECK(lsim::init_is_billed(on, "provided.al2023", PackageType::Zip));

  CHECK(lsim::init_is_billed(before, "python3.12", PackageType::Image));
  CHECK(lsim::init_is_billed(on, "python3.12", PackageType::Image));

  CHECK(lsim::init_is_billed(before, "nodejs20.x", PackageType::Zip, /*provisioned=*/true));
  CHECK_FALSE(lsim::init_is_billed(Date{2020, 1, 1}, "java21", PackageType::Zip, false));
}
