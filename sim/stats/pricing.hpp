// The AWS Lambda price table (region x architecture, YAML data, never hard-coded) and the billing
// rule that depends on the calendar (which invocations have their INIT phase billed). Sources:
// lambda-facts.md section 1 (AWS Pricing API; AWS Lambda pricing page
// https://aws.amazon.com/lambda/pricing/; AWS Compute Blog "AWS Lambda standardizes billing for
// INIT Phase").
#pragma once

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lsim {

/// Instruction set of a function; each has its own prices (lambda-facts.md section 1).
enum class Architecture { X86_64, Arm64 };

/// "x86_64" or "arm64", the spelling of the Lambda API and of the price file.
std::string_view to_string(Architecture arch);
/// Inverse of to_string; std::nullopt for anything else (case-sensitive).
std::optional<Architecture> parse_architecture(std::string_view text);

/// A calendar date (proleptic Gregorian), used for billing rules that changed on a given day.
struct Date {
  int year = 0;
  int month = 0;  ///< 1..12
  int day = 0;    ///< 1..days in month
  auto operator<=>(const Date&) const = default;
};

/// Strict `YYYY-MM-DD` (exactly 10 characters, year 0001..9999); the month and day must exist,
/// including 29 February in leap years only. std::nullopt otherwise.
std::optional<Date> parse_date(std::string_view text);
/// `YYYY-MM-DD`, zero-padded.
std::string to_string(Date date);

/// One band of on-demand duration pricing. Bands are cumulative over a month's GB-seconds of one
/// architecture in one region (AWS Lambda pricing page; AWS blog "Introducing tiered pricing").
struct DurationTier {
  double up_to_gb_seconds = 0;     ///< upper bound, monthly GB-s; +infinity for the last band
  double price_per_gb_second = 0;  ///< USD
};

/// Prices for one (region, architecture), all USD, never negative.
struct Prices {
  /// Per request.
  double request = 0;
  /// On-demand duration bands: bounds strictly increasing, the last unbounded.
  std::vector<DurationTier> duration_tiers;
  /// Per GB-s of provisioned concurrency configured (not tiered).
  double provisioned_capacity = 0;
  /// Per GB-s of execution on provisioned concurrency (not tiered).
  double provisioned_duration = 0;
  /// Per GB-s of /tmp configured above 512 MB.
  double ephemeral_storage = 0;
  /// Per GB-s of cached SnapStart snapshot.
  double snapstart_cache = 0;
  /// Per GB of SnapStart snapshot restored.
  double snapstart_restore = 0;
};

/// The monthly free tier: shared by all functions of both architectures, perpetual, not applicable
/// to functions with provisioned concurrency enabled (AWS Lambda pricing page; lambda-facts.md
/// section 1).
struct FreeTier {
  double requests = 0;
  double gb_seconds = 0;
};

/// A validated price table. Schema of the YAML (see models/pricing/aws_lambda_prices.yaml):
///
///     effective_date: YYYY-MM-DD                # required
///     sources: [ "text", ... ]                  # optional
///     free_tier: { requests: N, gb_seconds: N } # required
///     regions:                                  # required, at least one
///       <region>:                               # e.g. us-east-1; at least one architecture
///         <x86_64 | arm64>:
///           request: N
///           duration_tiers:                     # non-empty sequence
///             - { up_to_gb_seconds: N, price_per_gb_second: N }
///             - { up_to_gb_seconds: null, price_per_gb_second: N }   # last one unbounded
///           provisioned_capacity: N
///           provisioned_duration: N
///           ephemeral_storage: N
///           snapstart_cache: N
///           snapstart_restore: N
///
/// Every key shown is required unless marked optional; any other key is an error.
class PriceTable {
 public:
  /// Parses and validates `yaml_text`. `origin` names the text in diagnostics (a file path). Throws
  /// ScenarioError carrying every problem found, each located `origin:line:col` with its key path:
  /// YAML syntax errors, missing keys (located at the enclosing mapping), unknown or duplicate keys
  /// (listing the known ones), non-numeric, non-finite or negative prices, tier bounds that are not
  /// strictly increasing and positive, a last tier that is bounded, a bad effective_date.
  static PriceTable parse(std::string_view yaml_text, const std::string& origin);

  /// The prices of `arch` in `region`, or nullptr if the table has none. The pointer stays valid as
  /// long as the table does.
  [[nodiscard]] const Prices* find(std::string_view region, Architecture arch) const;
  /// Every region in the table, sorted.
  [[nodiscard]] std::vector<std::string> regions() const;
  [[nodiscard]] const FreeTier& free_tier() const { return free_tier_; }
  /// `YYYY-MM-DD`, the day the prices were captured.
  [[nodiscard]] const std::string& effective_date() const { return effective_date_; }
  /// Where the prices come from (free text from the file's `sources`; may be empty).
  [[nodiscard]] const std::vector<std::string>& sources() const { return sources_; }
  /// The `origin` given to parse().
  [[nodiscard]] const std::string& origin() const { return origin_; }

 private:
  PriceTable() = default;

  struct RegionPrices {
    std::optional<Prices> x86_64;
    std::optional<Prices> arm64;
  };

  std::map<std::string, RegionPrices, std::less<>> regions_;
  FreeTier free_tier_;
  std::string effective_date_;
  std::vector<std::string> sources_;
  std::string origin_;
};

/// How a function's code is deployed.
enum class PackageType { Zip, Image };

/// The day AWS began billing INIT for on-demand ZIP functions on managed runtimes (AWS Compute Blog
/// "AWS Lambda standardizes billing for INIT Phase", Apr 2025; lambda-facts.md section 1).
inline constexpr Date kInitBillingChangeDate{2025, 8, 1};

/// Whether an invocation's INIT duration is billed on `billing_date`. From 2025-08-01 on: always.
/// Before: only for custom runtimes (any runtime whose name starts with "provided": `provided`,
/// `provided.al2`, `provided.al2023`), container images, and provisioned concurrency (whose INIT
/// was always billed). Source: lambda-facts.md section 1, AWS Compute Blog "AWS Lambda standardizes
/// billing for INIT Phase" (Apr 2025).
bool init_is_billed(Date billing_date, std::string_view runtime, PackageType pkg,
                    bool provisioned = false);

}  // namespace lsim
