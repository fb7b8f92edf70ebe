// Tests for `lambdasim bill`'s arithmetic: the rounding of each era in exact integers, INIT billing
// around 2025-08-01 and by runtime / package, SnapStart's billed restore, the printed-precision
// tolerance, the date's origin, and the streamed report with its exit status.
#include "sim/logs/bill.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#ifndef LSIM_SOURCE_DIR
#define LSIM_SOURCE_DIR "."
#endif

namespace {

using lsim::BillingAssumptions;
using lsim::BillingVerdict;
using lsim::Date;
using Outcome = lsim::BillingVerdict::Outcome;

lsim::ReportRecord parse(std::string_view line) {
  const lsim::ParsedLine p = lsim::parse_report_line(line, 1);
  REQUIRE(std::holds_alternative<lsim::ReportRecord>(p));
  return std::get<lsim::ReportRecord>(p);
}

/// A REPORT line dated `date` (or undated when empty) with the given fields.
lsim::ReportRecord report(const std::string& date, const std::string& duration, std::int64_t billed,
                          const std::string& extra = "") {
  const std::string prefix = date.empty() ? "" : date + "T12:00:00.000Z ";
  return parse(prefix + "REPORT RequestId: r\tDuration: " + duration +
               " ms\tBilled Duration: " + std::to_string(billed) +
               " ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t" + extra);
}

BillingAssumptions fallback(Date d = {2025, 10, 28}) {
  BillingAssumptions a;
  a.fallback_date = d;
  return a;
}

const lsim::PriceTable& shipped_prices() {
  static const lsim::PriceTable table = [] {
    const std::string path =
        std::string(LSIM_SOURCE_DIR) + "/models/pricing/aws_lambda_prices.yaml";
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return lsim::PriceTable::parse(s.str(), path);
  }();
  return table;
}

}  // namespace

TEST_CASE("1 ms rounding from 2020-12-01: the exact ceiling of Duration", "[logs][bill]") {
  const auto a = fallback();
  CHECK(check_billed_duration(report("2024-03-01", "102.25", 103), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2024-03-01", "102.01", 103), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2024-03-01", "0.01", 1), a).outcome == Outcome::Match);
  const BillingVerdict wrong = check_billed_duration(report("2024-03-01", "102.25", 104), a);
  CHECK(wrong.outcome == Outcome::Mismatch);
  CHECK(wrong.expected_ms == 103);
  CHECK(wrong.rounding_ms == 1);
  CHECK(wrong.date == Date{2024, 3, 1});
  CHECK(wrong.date_source == lsim::DateSource::Line);
  CHECK(wrong.rule.find("1 ms rounding (since 2020-12-01)") != std::string::npos);
  CHECK(wrong.rule.find("from the line's timestamp") != std::string::npos);
  // JSON's three decimals: 495.138 ms bills 496.
  CHECK(check_billed_duration(report("2024-03-01", "495.138", 496), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2024-03-01", "495.138", 495), a).outcome ==
        Outcome::Mismatch);
}

TEST_CASE("100 ms rounding before 2020-12-01, either on the roll-out day", "[logs][bill]") {
  const auto a = fallback();
  CHECK(check_billed_duration(report("2020-11-29", "27.40", 100), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2019-06-05", "100.00", 100), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2019-06-05", "100.01", 200), a).outcome == Outcome::Match);
  const BillingVerdict v = check_billed_duration(report("2020-11-29", "27.40", 28), a);
  CHECK(v.outcome == Outcome::Mismatch);
  CHECK(v.expected_ms == 100);
  CHECK(v.rounding_ms == 100);
  // 2020-11-30: both roundings were seen within the same second (Classmethod).
  const BillingVerdict ms = check_billed_duration(report("2020-11-30", "708.59", 709), a);
  CHECK(ms.outcome == Outcome::Match);
  CHECK(ms.rounding_ms == 1);
  const BillingVerdict hundred = check_billed_duration(report("2020-11-30", "883.05", 900), a);
  CHECK(hundred.outcome == Outcome::Match);
  CHECK(hundred.rounding_ms == 100);
  CHECK(check_billed_duration(report("2020-12-01", "27.55", 28), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2020-12-01", "27.55", 100), a).outcome == Outcome::Mismatch);
}

TEST_CASE("INIT is billed from 2025-08-01, and before only for custom runtimes and images",
          "[logs][bill]") {
  const std::string init = "Init Duration: 180.31 ms";
  // 102.25 + 180.31 = 282.56 -> 283 when billed; 103 when not.
  auto a = fallback();
  const BillingVerdict after = check_billed_duration(report("2025-08-01", "102.25", 283, init), a);
  CHECK(after.outcome == Outcome::Match);
  CHECK(after.init_billed);
  CHECK(check_billed_duration(report("2025-08-01", "102.25", 103, init), a).outcome ==
        Outcome::Mismatch);

  SECTION("unknown runtime: both readings are tried, the common one first") {
    const BillingVerdict free = check_billed_duration(report("2025-07-31", "102.25", 103, init), a);
    CHECK(free.outcome == Outcome::Match);
    CHECK_FALSE(free.init_billed);
    CHECK(free.rule.find("--runtime/--package would decide") != std::string::npos);
    const BillingVerdict custom =
        check_billed_duration(report("2025-07-31", "102.25", 283, init), a);
    CHECK(custom.outcome == Outcome::Match);
    CHECK(custom.init_billed);
    const BillingVerdict neither =
        check_billed_duration(report("2025-07-31", "102.25", 200, init), a);
    CHECK(neither.outcome == Outcome::Mismatch);
    CHECK(neither.expected_ms == 103);
  }
  SECTION("a managed runtime (ZIP): INIT not billed before 2025-08-01") {
    a.runtime = "python3.12";
    CHECK(check_billed_duration(report("2025-07-31", "102.25", 103, init), a).outcome ==
          Outcome::Match);
    const BillingVerdict v = check_billed_duration(report("2025-07-31", "102.25", 283, init), a);
    CHECK(v.outcome == Outcome::Mismatch);
    CHECK(v.expected_ms == 103);
    CHECK(v.rule.find("INIT not billed (ZIP package, managed runtime") != std::string::npos);
  }
  SECTION("a custom runtime or an image: INIT billed at every date") {
    a.runtime = "provided.al2023";
    CHECK(check_billed_duration(report("2024-01-01", "102.25", 283, init), a).outcome ==
          Outcome::Match);
    a.runtime.clear();
    a.package = lsim::PackageType::Image;
    CHECK(check_billed_duration(report("2024-01-01", "102.25", 283, init), a).outcome ==
          Outcome::Match);
    CHECK(check_billed_duration(report("2024-01-01", "102.25", 103, init), a).outcome ==
          Outcome::Mismatch);
  }
  SECTION("100 ms era: the sum is rounded once") {
    // 50.00 + 80.00 = 130 -> 200 with INIT (a custom runtime), 100 without.
    a.runtime = "provided";
    CHECK(check_billed_duration(report("2019-06-05", "50.00", 200, "Init Duration: 80.00 ms"), a)
              .outcome == Outcome::Match);
  }
}

TEST_CASE("SnapStart: Billed Restore Duration is added before rounding", "[logs][bill]") {
  const auto a = fallback();
  // Real lines (docwho2/java-chime-voicesdk-sma): 306.34 + 303 = 609.34 -> 610.
  const std::string restore = "Restore Duration: 511.25 ms\tBilled Restore Duration: 303 ms";
  const BillingVerdict v = check_billed_duration(report("2023-07-05", "306.34", 610, restore), a);
  CHECK(v.outcome == Outcome::Match);
  CHECK(v.rule.find("Billed Restore Duration") != std::string::npos);
  CHECK(check_billed_duration(report("2023-07-05", "306.34", 307, restore), a).outcome ==
        Outcome::Mismatch);
}

TEST_CASE("A Duration printed rounded matches within its printed precision", "[logs][bill]") {
  const auto a = fallback();
  // 45.00 may have been 45.004: billed 46 is possible, 47 is not.
  CHECK(check_billed_duration(report("2024-03-01", "45.00", 45), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2024-03-01", "45.00", 46), a).outcome ==
        Outcome::MatchWithinPrecision);
  CHECK(check_billed_duration(report("2024-03-01", "44.99", 45), a).outcome == Outcome::Match);
  // 44.99 was at most 45.00: billed 46 cannot be explained.
  CHECK(check_billed_duration(report("2024-03-01", "44.99", 46), a).outcome == Outcome::Mismatch);
  CHECK(check_billed_duration(report("2024-03-01", "45.00", 44), a).outcome == Outcome::Mismatch);
  CHECK(check_billed_duration(report("2024-03-01", "45.00", 47), a).outcome == Outcome::Mismatch);
  CHECK(check_billed_duration(report("2024-03-01", "45.50", 46), a).outcome == Outcome::Match);
  CHECK(check_billed_duration(report("2024-03-01", "45.50", 47), a).outcome == Outcome::Mismatch);
}

TEST_CASE("The billing date: the line's timestamp, else --date, else the price table's",
          "[logs][bill]") {
  auto a = fallback(Date{2025, 10, 28});
  const BillingVerdict table = check_billed_duration(report("", "27.40", 28), a);
  CHECK(table.date == Date{2025, 10, 28});
  CHECK(table.date_source == lsim::DateSource::PriceTable);
  a.date = Date{2020, 6, 1};
  const BillingVerdict option = check_billed_duration(report("", "27.40", 100), a);
  CHECK(option.outcome == Outcome::Match);
  CHECK(option.date_source == lsim::DateSource::Option);
  const BillingVerdict line = check_billed_duration(report("2024-03-01", "27.40", 28), a);
  CHECK(line.outcome == Outcome::Match);
  CHECK(line.date_source == lsim::DateSource::Line);
}

TEST_CASE("run_bill streams a report and returns 0, 1 or 2", "[logs][bill]") {
  const std::string dir = std::string(LSIM_SOURCE_DIR) + "/tests/data/report_lines/";
  lsim::BillOptions o;
  o.rules = fallback();
  std::ostringstream out;
  std::ostringstream err;

  SECTION("the deliberately wrong hand-made line is the only mismatch") {
    CHECK(lsim::run_bill({dir + "handmade_edge_cases.log"}, o, shipped_prices(), out, err) == 1);
    CHECK(err.str().empty());
    const std::string text = out.str();
    CHECK(text.find("handmade_edge_cases.log:4: request 00000000-0000-4000-8000-000000000001: "
                    "Billed Duration 104 ms, expected 103 ms = Duration 102.25 ms, rounded up "
                    "to 1 ms") != std::string::npos);
    CHECK(text.find("1 mismatch\n") != std::string::npos);
    CHECK(text.find("1 match only within the printed precision") != std::string::npos);
  }
  SECTION("real lines reproduce exactly") {
    o.rules.date = Date{2023, 1, 1};  // the undated documentation lines predate 2025-08-01
    CHECK(lsim::run_bill({dir + "aws_docs_python_logging.log", dir + "aws_docs_json.log",
                          dir + "sam_logs_snapstart.log", dir + "classmethod_rollout_day.log"},
                         o, shipped_prices(), out, err) == 0);
    CHECK(err.str().empty());
    CHECK(out.str().find("0 mismatches") != std::string::npos);
    CHECK(out.str().find("16 match, 0 match only within") != std::string::npos);
  }
  SECTION("json: mismatches and a summary with the cost") {
    o.format = "json";
    CHECK(lsim::run_bill({dir + "aws_blog_1ms_era.log"}, o, shipped_prices(), out, err) == 0);
    // 28 ms at 1024 MB = 0.028 GB-s; x $0.0000166667 + one request at $0.0000002.
    CHECK(out.str().find("\"mismatches\": [],") != std::string::npos);
    CHECK(out.str().find("\"gb_seconds\": 0.028,") != std::string::npos);
    CHECK(out.str().find("\"requests\": 2e-07") != std::string::npos);
  }
  SECTION("csv: one row per REPORT line") {
    o.format = "csv";
    CHECK(lsim::run_bill({dir + "sam_logs_snapstart.log"}, o, shipped_prices(), out, err) == 0);
    std::istringstream rows(out.str());
    std::string row;
    int n = 0;
    while (std::getline(rows, row)) ++n;
    CHECK(n == 1 + 6);
    CHECK(out.str().find("b771fecc-1b53-4faf-922d-1d74357b1676,2023-07-05,line,306.34,,303,3009,"
                         "success,610,610,1,0,match") != std::string::npos);
  }
  SECTION("malformed lines and unreadable files are bad input") {
    CHECK(lsim::run_bill({dir + "handmade_malformed.log"}, o, shipped_prices(), out, err) == 2);
    CHECK(
        err.str().find("handmade_malformed.log:2: error: REPORT line without 'Billed Duration'") !=
        std::string::npos);
    CHECK(err.str().find("handmade_malformed.log:6: error: REPORT line: field 'Duration' appears "
                         "twice") != std::string::npos);
    std::ostringstream err2;
    CHECK(lsim::run_bill({dir + "no_such_file.log"}, o, shipped_prices(), out, err2) == 2);
    CHECK(err2.str().find("no_such_file.log: error: cannot open file: No such file or directory") !=
          std::string::npos);
    std::ostringstream err3;
    CHECK(lsim::run_bill({dir + "README.md"}, o, shipped_prices(), out, err3) == 2);
    CHECK(err3.str().find("README.md: error: no REPORT lines found") != std::string::npos);
  }
}

TEST_CASE("Absurd but well-formed numbers are bad input, not an overflow", "[logs][bill]") {
  const std::string path = std::string(P_tmpdir) + "/lsim_bill_overflow.log";
  {
    std::ofstream f(path);
    const std::string line =
        "2024-03-01T00:00:00.000Z REPORT RequestId: r Duration: 999999999998.50 ms Billed "
        "Duration: 999999999999 ms Memory Size: 9999999 MB Max Memory Used: 1 MB\n";
    f << line << line;  // the second line's MB-ms would pass 2^64
  }
  lsim::BillOptions o;
  o.rules = fallback();
  std::ostringstream out;
  std::ostringstream err;
  CHECK(lsim::run_bill({path}, o, shipped_prices(), out, err) == 2);
  CHECK(
      err.str().find("lsim_bill_overflow.log:2: error: Billed Duration x Memory Size overflows") !=
      std::string::npos);
  std::remove(path.c_str());
}
