// `lambdasim bill`: the billing rules of a REPORT line's date applied to its Duration, compared
// with its Billed Duration, and the streamed report (table, json, csv). Rules: bill.hpp.
#include "sim/logs/bill.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <ostream>
#include <variant>

#include "sim/core/check.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/logs/line_reader.hpp"
#include "sim/stats/cost.hpp"
#include "sim/stats/writers.hpp"

namespace lsim {

namespace {

/// `102.25` for 102,250 us printed with two decimals: the value as the line wrote it.
std::string format_ms(const PrintedMs& v) {
  const std::int64_t whole = v.us / 1000;
  const std::int64_t frac = v.us % 1000;
  if (v.resolution_us >= 1000) return fmt::format("{}", whole);
  if (v.resolution_us >= 100) return fmt::format("{}.{:01}", whole, frac / 100);
  if (v.resolution_us >= 10) return fmt::format("{}.{:02}", whole, frac / 10);
  return fmt::format("{}.{:03}", whole, frac);
}

std::string format_us(std::int64_t us) {
  return us % 1000 == 0 ? fmt::format("{}", us / 1000)
                        : fmt::format("{}.{:03}", us / 1000, us % 1000);
}

/// Billed ms of `sum_us` rounded up to `unit_ms`. The 1 ms rule is the simulator's own
/// (bill_invocation), so the check and the simulated bill cannot drift apart.
std::int64_t round_up(std::int64_t duration_us, std::int64_t init_us, bool init_billed,
                      std::int64_t unit_ms) {
  if (duration_us < 0) duration_us = 0;
  if (unit_ms == 1) return bill_invocation(duration_us, init_us, init_billed).billed_ms;
  const std::int64_t sum = duration_us + (init_billed ? init_us : 0);
  const std::int64_t unit_us = unit_ms * 1000;
  return (sum + unit_us - 1) / unit_us * unit_ms;
}

struct Reading {
  std::int64_t unit_ms;
  bool init_billed;
};

std::string_view date_source_text(DateSource s) {
  switch (s) {
    case DateSource::Line:
      return "from the line's timestamp";
    case DateSource::Option:
      return "from --date";
    case DateSource::PriceTable:
      return "the price table's date (no timestamp, no --date)";
  }
  return "";
}

}  // namespace

BillingVerdict check_billed_duration(const ReportRecord& r, const BillingAssumptions& a) {
  LSIM_CHECK(r.kind == ReportKind::Invoke && r.billed_ms.has_value(),
             "check_billed_duration needs a REPORT record (line {})", r.line);
  BillingVerdict v;
  if (r.date) {
    v.date = *r.date;
    v.date_source = DateSource::Line;
  } else if (a.date) {
    v.date = *a.date;
    v.date_source = DateSource::Option;
  } else {
    v.date = a.fallback_date;
  }

  std::vector<std::int64_t> units;
  if (v.date >= kMsBillingDate)
    units = {1};
  else if (v.date >= kMsBillingRolloutDate)
    units = {1, 100};
  else
    units = {100};

  // Whether INIT was billed: certain from 2025-08-01, for custom runtimes and for images; certain
  // not to be for a managed runtime (which implies a ZIP package: images have no runtime setting).
  std::vector<bool> inits{false};
  bool init_certain = true;
  if (r.init) {
    const bool custom = a.runtime.starts_with("provided");
    const bool image = a.package == PackageType::Image;
    if (v.date >= kInitBillingChangeDate || custom || image) {
      inits = {true};
    } else if (a.runtime.empty()) {
      inits = {false, true};  // the common case first
      init_certain = false;
    }
  }

  const std::int64_t restore_us = r.billed_restore_ms.value_or(0) * 1000;
  const std::int64_t init_us = r.init ? r.init->us : 0;
  const std::int64_t billed = *r.billed_ms;
  std::vector<Reading> readings;
  for (std::int64_t u : units)
    for (bool i : inits) readings.push_back({u, i});

  auto expected = [&](const Reading& rd, std::int64_t offset_us) {
    return round_up(r.duration.us + restore_us + offset_us, init_us, rd.init_billed, rd.unit_ms);
  };
  // The printed Duration (and Init Duration) may differ from the measured one by up to one unit
  // of their last digit; Billed Restore Duration is a whole number AWS billed as is.
  std::int64_t tolerance_us = r.duration.resolution_us;
  const Reading* chosen = nullptr;
  for (const Reading& rd : readings) {
    if (expected(rd, 0) == billed) {
      chosen = &rd;
      v.outcome = BillingVerdict::Outcome::Match;
      break;
    }
  }
  if (chosen == nullptr) {
    for (const Reading& rd : readings) {
      const std::int64_t tol = tolerance_us + (rd.init_billed ? r.init->resolution_us : 0);
      if (expected(rd, -tol) <= billed && billed <= expected(rd, tol)) {
        chosen = &rd;
        v.outcome = BillingVerdict::Outcome::MatchWithinPrecision;
        break;
      }
    }
  }
  if (chosen == nullptr) {
    chosen = &readings.front();
    v.outcome = BillingVerdict::Outcome::Mismatch;
  }
  v.rounding_ms = chosen->unit_ms;
  v.init_billed = chosen->init_billed;
  v.expected_ms = expected(*chosen, 0);

  // The rule in words.
  std::string rule = v.rounding_ms == 1 ? "1 ms rounding (since 2020-12-01)"
                                        : "100 ms rounding (before 2020-12-01)";
  if (units.size() > 1) rule += " [2020-11-30, the roll-out day: either rounding]";
  if (r.init) {
    if (v.init_billed) {
      rule += v.date >= kInitBillingChangeDate
                  ? ", INIT billed (every package and runtime from 2025-08-01)"
                  : (init_certain ? ", INIT billed (custom runtime or container image)"
                                  : ", INIT billed (as for a custom runtime or container image; "
                                    "--runtime/--package would decide)");
    } else {
      rule += init_certain ? ", INIT not billed (ZIP package, managed runtime, before 2025-08-01)"
                           : ", INIT not billed (as for a ZIP managed runtime before 2025-08-01; "
                             "--runtime/--package would decide)";
    }
  }
  if (r.billed_restore_ms) rule += ", + Billed Restore Duration (SnapStart)";
  rule += fmt::format("; date {} {}", to_string(v.date), date_source_text(v.date_source));
  v.rule = std::move(rule);
  return v;
}

// ---------------------------------------------------------------------------------------------
// The report.

namespace {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string_view outcome_name(BillingVerdict::Outcome o) {
  switch (o) {
    case BillingVerdict::Outcome::Match:
      return "match";
    case BillingVerdict::Outcome::MatchWithinPrecision:
      return "match_within_precision";
    case BillingVerdict::Outcome::Mismatch:
      return "mismatch";
  }
  return "";
}

/// How the line's expected value was computed, e.g. `Duration 102.25 ms + Init Duration 180.31 ms
/// = 282.56 ms, rounded up to 1 ms`.
std::string arithmetic(const ReportRecord& r, const BillingVerdict& v) {
  std::string s = fmt::format("Duration {} ms", format_ms(r.duration));
  std::int64_t sum = r.duration.us;
  if (r.init && v.init_billed) {
    s += fmt::format(" + Init Duration {} ms", format_ms(*r.init));
    sum += r.init->us;
  }
  if (r.billed_restore_ms) {
    s += fmt::format(" + Billed Restore Duration {} ms", *r.billed_restore_ms);
    sum += *r.billed_restore_ms * 1000;
  }
  if (sum != r.duration.us) s += fmt::format(" = {} ms", format_us(sum));
  return s + fmt::format(", rounded up to {} ms", v.rounding_ms);
}

struct Totals {
  std::size_t inputs = 0;
  std::uint64_t lines = 0;
  std::uint64_t records = 0;  // REPORT
  std::uint64_t init_reports = 0;
  std::uint64_t restore_reports = 0;
  std::uint64_t other = 0;
  std::uint64_t malformed = 0;
  std::uint64_t matched = 0;
  std::uint64_t within_precision = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t with_init = 0;
  std::uint64_t with_restore = 0;
  std::uint64_t billed_ms = 0;
  std::map<int, FunctionUsage> usage;  // by Memory Size: at most a few thousand entries
};

struct Priced {
  double gb_seconds = 0;
  CostBreakdown cost;
};

/// Streams the result in one of the three formats.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual void begin() {}
  virtual void record(const std::string& file, const ReportRecord& r, const BillingVerdict& v) = 0;
  virtual void end(const Totals& t, const Priced& p, const BillOptions& o,
                   const PriceTable& table) = 0;
};

class TableWriter final : public Writer {
 public:
  explicit TableWriter(std::ostream& out) : out_(out) {}
  void record(const std::string& file, const ReportRecord& r, const BillingVerdict& v) override {
    if (v.outcome != BillingVerdict::Outcome::Mismatch) return;
    out_ << fmt::format(
        "mismatch: {}:{}: request {}: Billed Duration {} ms, expected {} ms = {}; rule: {}\n", file,
        r.line, r.request_id, *r.billed_ms, v.expected_ms, arithmetic(r, v), v.rule);
  }
  void end(const Totals& t, const Priced& p, const BillOptions& o,
           const PriceTable& table) override {
    out_ << fmt::format(
        "lambdasim bill: {} input{}, {} lines: {} REPORT, {} INIT_REPORT, {} RESTORE_REPORT, {} "
        "other{}\n",
        t.inputs, t.inputs == 1 ? "" : "s", t.lines, t.records, t.init_reports, t.restore_reports,
        t.other, t.malformed > 0 ? fmt::format(", {} malformed", t.malformed) : "");
    out_ << fmt::format(
        "billed duration: {} match, {} match only within the printed precision, {} mismatch{}\n",
        t.matched, t.within_precision, t.mismatches, t.mismatches == 1 ? "" : "es");
    out_ << fmt::format(
        "usage as billed: {} requests, {} billed ms, {:.6f} GB-s ({} with Init Duration, {} "
        "SnapStart restores)\n",
        t.records, t.billed_ms, p.gb_seconds, t.with_init, t.with_restore);
    out_ << fmt::format(
        "cost (USD): requests {:.8f}, duration {:.8f}, total {:.8f}\n"
        "  prices: {} {} of the table dated {}; each line at its Memory Size; the lines priced as "
        "one month's usage (tiers), no free tier\n",
        p.cost.requests, p.cost.duration, p.cost.total(), o.region, to_string(o.architecture),
        table.effective_date());
  }

 private:
  std::ostream& out_;
};

class JsonWriter final : public Writer {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}
  void begin() override { out_ << "{\n  \"mismatches\": ["; }
  void record(const std::string& file, const ReportRecord& r, const BillingVerdict& v) override {
    if (v.outcome != BillingVerdict::Outcome::Mismatch) return;
    out_ << (first_ ? "\n" : ",\n");
    first_ = false;
    out_ << fmt::format(
        "    {{\"file\": \"{}\", \"line\": {}, \"request_id\": \"{}\", \"billed_ms\": {}, "
        "\"expected_ms\": {}, \"date\": \"{}\", \"rounding_ms\": {}, \"init_billed\": {}, "
        "\"arithmetic\": \"{}\", \"rule\": \"{}\"}}",
        json_escape(file), r.line, json_escape(r.request_id), *r.billed_ms, v.expected_ms,
        to_string(v.date), v.rounding_ms, v.init_billed, json_escape(arithmetic(r, v)),
        json_escape(v.rule));
  }
  void end(const Totals& t, const Priced& p, const BillOptions& o,
           const PriceTable& table) override {
    out_ << (first_ ? "],\n" : "\n  ],\n");
    out_ << fmt::format(
        "  \"summary\": {{\"inputs\": {}, \"lines\": {}, \"report\": {}, \"init_report\": {}, "
        "\"restore_report\": {}, \"other\": {}, \"malformed\": {}, \"match\": {}, "
        "\"match_within_precision\": {}, \"mismatch\": {}, \"billed_ms\": {}, \"gb_seconds\": {}, "
        "\"cost_usd\": {{\"requests\": {}, \"duration\": {}, \"total\": {}}}, \"region\": \"{}\", "
        "\"architecture\": \"{}\", \"price_table_date\": \"{}\"}}\n}}\n",
        t.inputs, t.lines, t.records, t.init_reports, t.restore_reports, t.other, t.malformed,
        t.matched, t.within_precision, t.mismatches, t.billed_ms, p.gb_seconds, p.cost.requests,
        p.cost.duration, p.cost.total(), json_escape(o.region), to_string(o.architecture),
        table.effective_date());
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

class CsvWriter final : public Writer {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void begin() override {
    out_ << "file,line,request_id,date,date_source,duration_ms,init_ms,billed_restore_ms,"
            "memory_mb,status,billed_ms,expected_ms,rounding_ms,init_billed,outcome\n";
  }
  void record(const std::string& file, const ReportRecord& r, const BillingVerdict& v) override {
    static constexpr std::string_view kSource[] = {"line", "option", "price_table"};
    out_ << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(file), r.line,
                        csv_field(r.request_id), to_string(v.date),
                        kSource[static_cast<int>(v.date_source)], format_ms(r.duration),
                        r.init ? format_ms(*r.init) : "",
                        r.billed_restore_ms ? fmt::format("{}", *r.billed_restore_ms) : "",
                        r.memory_mb.value_or(0), csv_field(r.status), *r.billed_ms, v.expected_ms,
                        v.rounding_ms, v.init_billed ? 1 : 0, outcome_name(v.outcome));
  }
  void end(const Totals&, const Priced&, const BillOptions&, const PriceTable&) override {}

 private:
  std::ostream& out_;
};

/// Adds the line's billed MB-ms to its memory size's usage; false (nothing added) when a sum would
/// overflow 64 bits, which only absurd input can cause (12-digit durations, 7-digit memory).
bool add_usage(Totals& t, const ReportRecord& r) {
  const int memory = *r.memory_mb;
  const auto billed = static_cast<std::uint64_t>(*r.billed_ms);
  FunctionUsage& u = t.usage[memory];
  std::uint64_t mb_ms = 0;
  std::uint64_t usage_sum = 0;
  std::uint64_t billed_sum = 0;
  if (__builtin_mul_overflow(billed, static_cast<std::uint64_t>(memory), &mb_ms) ||
      __builtin_add_overflow(u.duration_mb_ms, mb_ms, &usage_sum) ||
      __builtin_add_overflow(t.billed_ms, billed, &billed_sum))
    return false;
  u.memory_mb = memory;
  u.duration_mb_ms = usage_sum;
  t.billed_ms = billed_sum;
  ++u.requests;
  return true;
}

}  // namespace

int run_bill(const std::vector<std::string>& inputs, const BillOptions& options,
             const PriceTable& prices, std::ostream& out, std::ostream& err) {
  std::unique_ptr<Writer> writer;
  if (options.format == "json")
    writer = std::make_unique<JsonWriter>(out);
  else if (options.format == "csv")
    writer = std::make_unique<CsvWriter>(out);
  else
    writer = std::make_unique<TableWriter>(out);

  Totals t;
  LogProblems problems(err);
  LogLineCounts counts;
  writer->begin();
  t.inputs = inputs.size();
  scan_report_lines(inputs, problems, counts, [&](const std::string& name, const ReportRecord& r) {
    if (!add_usage(t, r)) {
      problems.add(name, r.line, "Billed Duration x Memory Size overflows the 64-bit total");
      ++t.malformed;
      return;
    }
    ++t.records;
    if (r.init) ++t.with_init;
    if (r.billed_restore_ms) ++t.with_restore;
    const BillingVerdict v = check_billed_duration(r, options.rules);
    switch (v.outcome) {
      case BillingVerdict::Outcome::Match:
        ++t.matched;
        break;
      case BillingVerdict::Outcome::MatchWithinPrecision:
        ++t.within_precision;
        break;
      case BillingVerdict::Outcome::Mismatch:
        ++t.mismatches;
        break;
    }
    writer->record(name, r, v);
  });
  t.lines = counts.lines;
  t.init_reports = counts.init_reports;
  t.restore_reports = counts.restore_reports;
  t.other = counts.other;
  t.malformed += counts.malformed;

  Priced priced;
  if (!t.usage.empty()) {
    std::vector<FunctionUsage> usage;
    for (auto& [memory, u] : t.usage) {
      u.arch = options.architecture;
      usage.push_back(u);
      priced.gb_seconds += static_cast<double>(u.duration_mb_ms) / kMbMsPerGbSecond;
    }
    CostOptions co;
    co.window_seconds = kBillingMonthSeconds;  // the lines are taken as one month's usage
    priced.cost = compute_costs(usage, prices, options.region, co).total;
  }
  writer->end(t, priced, options, prices);
  out.flush();
  if (t.records == 0 && problems.count() == 0)
    problems.add(inputs.size() == 1 ? (inputs[0] == "-" ? "<stdin>" : inputs[0]) : "lambdasim bill",
                 0,
                 "no REPORT lines found (expected lines such as `REPORT RequestId: … Duration: … "
                 "Billed Duration: …` or JSON platform.report events)");
  problems.finish();
  if (problems.count() > 0) return 2;
  return t.mismatches > 0 ? 1 : 0;
}

}  // namespace lsim
