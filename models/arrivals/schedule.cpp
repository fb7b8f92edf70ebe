// Scheduled arrivals: timers like Amazon EventBridge's scheduled rules, either a fixed rate
// (`every`, EventBridge's `rate(...)`) or a cron expression, in UTC. Deterministic: no draws.
// `count: N` fires N invocations at each tick, at the same instant (N targets, or fan-out).
//
// Parameters: exactly one of
//   every: DURATION   ticks at offset, offset + every, offset + 2·every, ... (offset default 0,
//                     so the first tick is at the start of the run)
//   cron: "M H DOM MON DOW"   five fields: minute 0-59, hour 0-23, day of month 1-31, month
//                     1-12 or JAN-DEC, day of week 0-7 or SUN-SAT (0 and 7 are Sunday, as in
//                     crontab(5)); each `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n`
//                     (from a to the field's maximum), or a comma list of these. Quote it in YAML
//                     (a leading `*` is a YAML alias). Ticks at second 0 of every matching minute.
// and optionally count (default 1), start_date (default 2024-01-01, a Monday): the UTC date at
// the start of the run, which day-of-month, month and day-of-week refer to (time 0 is 00:00).
//
// EventBridge (AWS docs, "Using cron and rate expressions to schedule rules in Amazon
// EventBridge", eb-scheduled-rule-pattern): schedules run in UTC with a precision of one
// minute; cron has six fields (minutes, hours, day-of-month, month, day-of-week, year) with the
// wildcards `, - * /`, and `?` in the day fields; its day-of-week counts 1-7 from SUN, and
// day-of-month and day-of-week cannot both be given. Here the year field is left out, day-of-week
// is numbered as in crontab(5) (names mean the same in both: prefer them), `?` is read as `*`,
// `L`, `W` and `#` are not supported, and restricting both day fields is an error, as in
// EventBridge (so neither cron's "either day matches" rule nor EventBridge's rule can be
// silently misread). EventBridge delivers within the minute; here ticks are exactly on it.
//
//   arrivals: { type: schedule, every: 5m, offset: 30s }
//   arrivals: { type: schedule, cron: "0 9-17/2 * * MON-FRI", count: 3 }
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <string_view>

#include "models/builtin.hpp"
#include "sim/core/units.hpp"
#include "sim/stats/pricing.hpp"

namespace lsim::models {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::int64_t kMinutesPerDay = 24 * 60;
constexpr std::int64_t kUsPerMinute = 60'000'000;
// The Gregorian calendar repeats every 400 years, which is a whole number of weeks, so a day
// pattern's long-run frequency is its frequency over any 146,097 consecutive days.
constexpr std::int64_t kDaysPer400Years = 146'097;
constexpr std::uint64_t kAllMonthDays = 0xFFFF'FFFE;  // bits 1..31
constexpr std::uint64_t kAllMonths = 0x1FFE;          // bits 1..12
constexpr std::uint64_t kAllWeekDays = 0x7F;          // bits 0..6

/// A parsed five-field cron expression: one bit per allowed value of each field.
struct Cron {
  std::uint64_t minutes = 0;  ///< bits 0..59
  std::uint64_t hours = 0;    ///< bits 0..23
  std::uint64_t mdays = 0;    ///< bits 1..31
  std::uint64_t months = 0;   ///< bits 1..12
  std::uint64_t wdays = 0;    ///< bits 0..6, 0 = Sunday

  [[nodiscard]] bool day_matches(std::int64_t day) const {
    const std::chrono::year_month_day ymd{sys_days{days{day}}};
    const unsigned wd = std::chrono::weekday{sys_days{days{day}}}.c_encoding();
    return (months >> static_cast<unsigned>(ymd.month()) & 1) &&
           (mdays >> static_cast<unsigned>(ymd.day()) & 1) && (wdays >> wd & 1);
  }

  /// The first matching minute at or after `m` (minutes since 1970-01-01 00:00 UTC). Needs at
  /// least one matching day per 400 years (checked at construction), so it ends.
  [[nodiscard]] std::int64_t next_match(std::int64_t m) const {
    for (;;) {
      const std::int64_t day = floor_div(m, kMinutesPerDay);
      if (day_matches(day)) {
        const auto minute_of_day = static_cast<unsigned>(m - day * kMinutesPerDay);
        for (unsigned h = minute_of_day / 60; h < 24; ++h) {
          if (!(hours >> h & 1)) continue;
          const unsigned from = h == minute_of_day / 60 ? minute_of_day % 60 : 0;
          const std::uint64_t left = minutes >> from;
          if (left != 0) return day * kMinutesPerDay + h * 60 + from + std::countr_zero(left);
        }
      }
      m = (day + 1) * kMinutesPerDay;
    }
  }

  static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
  }
};

struct FieldSpec {
  const char* name;
  unsigned lo, hi;
  std::array<const char*, 12> names;  ///< names of lo, lo+1, ... (empty: numbers only)
};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month",
     1,
     12,
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
};

// One value of a field: a number in [lo, hi] or a name (any case). Empty on error.
std::optional<unsigned> field_value(std::string_view s, const FieldSpec& f) {
  unsigned v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc{} && ptr == s.data() + s.size() && !s.empty())
    return v >= f.lo && v <= f.hi ? std::optional(v) : std::nullopt;
  if (s.size() != 3) return std::nullopt;
  for (unsigned i = 0; i < f.names.size() && f.names[i] != nullptr; ++i) {
    const std::string_view n = f.names[i];
    bool same = true;
    for (std::size_t k = 0; k < 3; ++k)
      same = same && std::toupper(static_cast<unsigned char>(s[k])) == n[k];
    if (same) return f.lo + i;
  }
  return std::nullopt;
}

// Parses one field into `mask`; returns an error message, or "" when it is valid.
std::string parse_field(std::string_view text, const FieldSpec& f, bool day_field,
                        std::uint64_t& mask) {
  mask = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    const std::size_t slash = item.find('/');
    const std::string_view range = item.substr(0, slash);
    unsigned lo = 0, hi = 0, step = 1;
    if (range == "*" || (day_field && range == "?")) {
      lo = f.lo;
      hi = f.hi;
    } else {
      const std::size_t dash = range.find('-');
      const auto a = field_value(range.substr(0, dash), f);
      const auto b = dash == std::string_view::npos ? a : field_value(range.substr(dash + 1), f);
      if (!a || !b)
        return fmt::format("'{}' is not a valid {} ({}-{}{})", item, f.name, f.lo, f.hi,
                           f.names[0] != nullptr ? " or a name" : "");
      lo = *a;
      // `a/n` runs from a to the field's maximum (EventBridge's `1/10`; most crons accept it).
      hi = dash == std::string_view::npos && slash != std::string_view::npos ? f.hi : *b;
      if (lo > hi) return fmt::format("'{}': the range runs backwards", item);
    }
    if (slash != std::string_view::npos) {
      const std::string_view s = item.substr(slash + 1);
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
      if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty() || step == 0 || step > f.hi)
        return fmt::format("'{}': the step must be a whole number from 1 to {}", item, f.hi);
    }
    for (unsigned v = lo; v <= hi; v += step) mask |= std::uint64_t{1} << v;
  }
  return "";
}

// Parses `text` into `cron`; returns an error message, or "" when it is valid.
std::string parse_cron(std::string_view text, Cron& cron) {
  std::array<std::string_view, 5> fields;
  std::size_t n = 0, i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (n == fields.size())
      return "expected 5 fields (minute hour day-of-month month day-of-week); EventBridge's "
             "year field is not supported";
    fields[n++] = text.substr(i, j - i);
    i = j;
  }
  if (n != fields.size())
    return fmt::format("expected 5 fields (minute hour day-of-month month day-of-week), got {}", n);
  std::uint64_t* masks[5] = {&cron.minutes, &cron.hours, &cron.mdays, &cron.months, &cron.wdays};
  for (std::size_t k = 0; k < 5; ++k) {
    std::string err = parse_field(fields[k], kFields[k], k >= 2 && k != 3, *masks[k]);
    if (!err.empty()) return fmt::format("{} field: {}", kFields[k].name, err);
  }
  if (cron.wdays >> 7 & 1) cron.wdays = (cron.wdays | 1) & 0x7F;  // 7 is Sunday too
  auto any = [](std::string_view f) { return f == "*" || f == "?"; };
  if (!any(fields[2]) && !any(fields[4]))
    return "day-of-month and day-of-week cannot both be restricted (EventBridge rejects it, and "
           "cron would fire when either matches): put * in one of them";
  return "";
}

class ScheduleArrivals final : public ArrivalProcess {
 public:
  /// Fixed rate: ticks at offset + k·every, k = 0, 1, ...
  ScheduleArrivals(Duration every, Duration offset, std::uint32_t count)
      : every_us_(every.count()),
        next_tick_(offset.count()),
        count_(count),
        mean_rate_(static_cast<double>(count) / to_seconds(every)) {}
  /// Cron: ticks at every matching minute; day 0 of the run is `start_day` (days since 1970).
  ScheduleArrivals(const Cron& cron, std::int64_t start_day, std::uint32_t count, double mean_rate)
      : cron_(cron),
        start_minute_(start_day * kMinutesPerDay),
        count_(count),
        mean_rate_(mean_rate) {}

  OptionalTime next(Time) override {
    if (pending_ == 0) {
      if (every_us_ > 0) {
        tick_ = next_tick_;
        next_tick_ += every_us_;
      } else {
        const std::int64_t m = cron_.next_match(start_minute_ + next_tick_);
        next_tick_ = m - start_minute_ + 1;  // next search starts one minute later
        tick_ = (m - start_minute_) * kUsPerMinute;
      }
      pending_ = count_;
    }
    --pending_;
    return Time{Duration{tick_}};
  }
  [[nodiscard]] double mean_rate_per_s() const override { return mean_rate_; }

 private:
  const std::int64_t every_us_ = 0;  // 0: cron
  const Cron cron_{};
  const std::int64_t start_minute_ = 0;
  // Fixed rate: the next tick in µs. Cron: the minute of the run the next search starts at.
  std::int64_t next_tick_ = 0;
  std::int64_t tick_ = 0;  // the current tick, µs
  const std::uint32_t count_;
  std::uint32_t pending_ = 0;  // arrivals left at tick_
  const double mean_rate_;
};

}  // namespace

void register_schedule_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "schedule",
         .summary = "EventBridge-style timer (UTC): a fixed rate `every`, or a 5-field `cron`.",
         .params = {{"every", "duration", "none", "fixed rate: one tick every this long"},
                    {"offset", "duration", "0", "fixed rate: time of the first tick"},
                    {"cron", "cron expression", "none",
                     "minute hour day-of-month month day-of-week, in UTC, e.g. \"*/5 * * * *\""},
                    {"count", "integer", "1", "invocations at each tick, at the same instant"},
                    {"start_date", "date", "2024-01-01",
                     "cron: the UTC date at time 0 (for days of the month and week)"}},
         .make = [](ParamReader& p, RngStream) -> std::unique_ptr<ArrivalProcess> {
           // Read every key first, so a key of the other form is reported once, by name; a key
           // that could not be read is not checked further (one message per mistake).
           const std::size_t errors_before = p.diagnostics().error_count();
           const std::optional<Duration> every = p.optional_duration("every");
           const std::optional<Duration> offset = p.optional_duration("offset");
           const bool has_cron = p.has("cron");
           const std::string cron_text = p.string_or("cron", "");
           const bool has_date = p.has("start_date");
           const std::string date_text = p.string_or("start_date", "2024-01-01");
           const std::int64_t count = p.integer_or("count", 1);
           if (p.diagnostics().error_count() != errors_before) return nullptr;
           if (!p.check(count >= 1 && count <= 1'000'000, "count", "must be from 1 to 1000000"))
             return nullptr;
           if (every.has_value() == has_cron) {
             p.diagnostics().error(p.node().loc, p.path(),
                                   every ? "give either 'every' or 'cron', not both"
                                         : "needs 'every' (a fixed rate) or 'cron'");
             return nullptr;
           }
           const auto n = static_cast<std::uint32_t>(count);
           if (every) {
             if (!p.check(*every > Duration{0}, "every", "must be > 0")) return nullptr;
             if (!p.check(!has_date, "start_date", "only applies to 'cron'")) return nullptr;
             return std::make_unique<ScheduleArrivals>(*every, offset.value_or(Duration{0}), n);
           }
           if (!p.check(!offset, "offset",
                        "only applies to 'every' (a cron expression fixes its minutes)"))
             return nullptr;
           Cron cron;
           const std::string err = parse_cron(cron_text, cron);
           if (!p.check(err.empty(), "cron", err)) return nullptr;
           const std::optional<Date> date = parse_date(date_text);
           if (!p.check(date.has_value(), "start_date",
                        fmt::format("'{}' is not a date (YYYY-MM-DD)", date_text)))
             return nullptr;
           const std::chrono::year_month_day ymd{std::chrono::year{date->year},
                                                 std::chrono::month{unsigned(date->month)},
                                                 std::chrono::day{unsigned(date->day)}};
           const std::int64_t start_day = sys_days{ymd}.time_since_epoch().count();
           // Counting the days takes a few ms, so the usual every-day expressions skip it.
           std::int64_t matching_days = kDaysPer400Years;
           if (cron.mdays != kAllMonthDays || cron.months != kAllMonths ||
               cron.wdays != kAllWeekDays) {
             matching_days = 0;
             for (std::int64_t d = 0; d < kDaysPer400Years; ++d)
               matching_days += cron.day_matches(start_day + d);
           }
           if (!p.check(matching_days > 0, "cron", "never fires: no day matches it"))
             return nullptr;
           const double per_day = static_cast<double>(std::popcount(cron.hours)) *
                                  static_cast<double>(std::popcount(cron.minutes));
           const double mean_rate = static_cast<double>(count) * per_day *
                                    static_cast<double>(matching_days) /
                                    (static_cast<double>(kDaysPer400Years) * 86'400.0);
           return std::make_unique<ScheduleArrivals>(cron, start_day, n, mean_rate);
         }});
}

}  // namespace lsim::models
