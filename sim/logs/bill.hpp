// `lambdasim bill`: recomputes the Billed Duration of every REPORT line from its Duration under the
// billing rules of the line's date (100 ms or 1 ms rounding; whether INIT is billed; SnapStart's
// billed restore), reports each disagreement with its reason, and prices the lines. Rules and
// sources: lambda-facts.md section 1, and the citations on the declarations below.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/logs/report.hpp"
#include "sim/stats/pricing.hpp"

namespace lsim {

/// From this day on, REPORT lines show Billed Duration rounded up to 1 ms; before it, to 100 ms.
/// AWS What's New, "AWS Lambda changes duration billing granularity from 100ms down to 1ms",
/// posted 2020-12-01 ("effective starting December 2020 billing cycle"); AWS News Blog "New for
/// AWS Lambda – 1ms Billing Granularity Adds Cost Savings" (2020-12-01).
inline constexpr Date kMsBillingDate{2020, 12, 1};
/// The roll-out was visible in logs a day early: 1 ms values appeared in REPORT lines from about
/// 01:00 UTC on 2020-11-30, mixed with 100 ms ones (Classmethod,
/// "Lambdaの実行時間の課金単位が1ミリ秒 に短縮されました", 2020-12-01,
/// https://dev.classmethod.jp/articles/lambda-billed-duration-1ms/). Lines dated on this day are
/// accepted under either rounding.
inline constexpr Date kMsBillingRolloutDate{2020, 11, 30};

/// Where the date that chose a line's billing rules came from.
enum class DateSource { Line, Option, PriceTable };

/// What the log lines do not say and the user may: the billing date for undated lines, the
/// runtime and the package type (which decide whether INIT was billed before 2025-08-01).
struct BillingAssumptions {
  std::optional<Date> date;            ///< for lines without a timestamp (--date)
  Date fallback_date;                  ///< for undated lines without --date: the price table's date
  std::string runtime;                 ///< e.g. python3.12, provided.al2023; "" = not known
  std::optional<PackageType> package;  ///< std::nullopt = not known
};

/// The verdict on one REPORT line.
struct BillingVerdict {
  enum class Outcome {
    Match,                 ///< Billed Duration equals the recomputed value
    MatchWithinPrecision,  ///< equal only for a Duration within the printed digits' resolution
    Mismatch,
  };
  Outcome outcome = Outcome::Match;
  std::int64_t expected_ms = 0;  ///< under the rule that explains the line (on a mismatch: the
                                 ///< rule that applies, or the most common one when unsure)
  Date date;
  DateSource date_source = DateSource::PriceTable;
  std::int64_t rounding_ms = 1;  ///< 1 or 100
  bool init_billed = false;      ///< INIT Duration added (only when the line has one)
  std::string rule;              ///< the rule in words, with the date and where it came from
};

/// Recomputes `r`'s Billed Duration (r.kind must be ReportKind::Invoke).
///
/// expected = round_up(Duration [+ Init Duration if billed] [+ Billed Restore Duration], unit),
/// in exact integer microseconds, where
/// - the date is the line's timestamp's, else a.date, else a.fallback_date;
/// - unit is 100 ms before kMsBillingRolloutDate, 1 ms from kMsBillingDate (AWS rounds the sum of
///   INIT and execution, not each: bill_invocation in sim/stats/cost.hpp), either on the day
///   between;
/// - INIT is billed from 2025-08-01 on, and before that for custom runtimes (`provided*`) and
///   container images only (init_is_billed, sim/stats/pricing.hpp). When neither the runtime
///   nor an image package is known, both readings are tried;
/// - SnapStart: Billed Restore Duration is added whole (Lambda developer guide, "Monitoring for
///   Lambda SnapStart"; seen in real lines, tests/data/report_lines/).
/// Duration is printed rounded (two decimals in text, three in JSON): when the exact sum is off
/// but a sum within the printed resolution of each added field gives the line's value, the
/// outcome is MatchWithinPrecision rather than Mismatch.
BillingVerdict check_billed_duration(const ReportRecord& r, const BillingAssumptions& a);

/// Options of `lambdasim bill`.
struct BillOptions {
  BillingAssumptions rules;
  Architecture architecture = Architecture::X86_64;
  std::string region = "us-east-1";
  std::string format = "table";  ///< table, json or csv
};

/// Reads every input (a path, or "-" for standard input; plain or gzip) line by line in constant
/// memory, checks each REPORT line and writes to `out`: table and json list every mismatch (file,
/// line, both values, the rule) and a summary (lines read, records, mismatches, billed GB-s, and
/// the cost at `prices` for options.region and options.architecture, each line at its own Memory
/// Size, the lines taken as one month's usage for the tiers, no free tier); csv writes one row per
/// REPORT record. Problems with the input (unreadable file, malformed platform line, no REPORT
/// line at all) go to `err` as `file:line: error: …`.
/// Returns 0 when every Billed Duration matches, 1 when some do not, 2 on bad input.
int run_bill(const std::vector<std::string>& inputs, const BillOptions& options,
             const PriceTable& prices, std::ostream& out, std::ostream& err);

}  // namespace lsim
