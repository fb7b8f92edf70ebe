// The platform lines AWS Lambda writes to CloudWatch Logs after each invocation (REPORT), after an
// INIT phase (INIT_REPORT) and after a SnapStart restore (RESTORE_REPORT), in the plain-text and in
// the JSON log format, parsed one line at a time into plain records with exact integer durations.
// Formats: AWS Lambda developer guide ("Using CloudWatch Logs with Lambda", "Configuring JSON and
// plain text log formats", "Telemetry API reference", "Monitoring for Lambda SnapStart").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sim/stats/pricing.hpp"

namespace lsim {

/// A duration as printed in a log line, kept exact: `102.25` is 102,250 us with a printed
/// resolution of 10 us (two decimals); `495.138` is 495,138 us at 1 us; `300` is 300,000 us at
/// 1,000 us. The resolution bounds how far the printed value may be from the value AWS measured.
struct PrintedMs {
  std::int64_t us = 0;             ///< the printed value in microseconds (digits past the us: up)
  std::int64_t resolution_us = 1;  ///< one unit of the last printed digit, >= 1
};

/// Which platform line a record comes from.
enum class ReportKind {
  Invoke,  ///< `REPORT RequestId: …` / JSON `platform.report`: one invocation, with Billed Duration
  Init,    ///< `INIT_REPORT …` / JSON `platform.initReport`: an INIT phase (no billed figure)
  Restore,  ///< `RESTORE_REPORT …` / JSON `platform.restoreReport`: a SnapStart restore
};

enum class ReportFormat { Text, Json };

/// One parsed platform line. Fields absent from the line stay empty (std::nullopt / "").
struct ReportRecord {
  ReportKind kind = ReportKind::Invoke;
  ReportFormat format = ReportFormat::Text;
  std::size_t line = 0;  ///< 1-based line number in its input
  std::string request_id;
  /// The timestamp as written (a prefix of a CloudWatch export, JSON "time", or epoch ms), and
  /// its calendar date as written (no time-zone conversion).
  std::string timestamp;
  std::optional<Date> date;
  /// The same timestamp as microseconds since 1970-01-01T00:00:00Z, when it gives a time of day:
  /// ISO-8601 with a time (`2024-03-01T12:00:00.123Z`, `…+02:00`; without a zone it is taken as
  /// UTC, as CloudWatch prints it) or 13-digit epoch milliseconds. A bare date gives none.
  std::optional<std::int64_t> timestamp_epoch_us;
  /// The function named by a log group in the prefix: the text after `/aws/lambda/` in a prefix
  /// token (`/aws/lambda/api`, or Logs Insights' `@log` value `123456789012:/aws/lambda/api`);
  /// "" when the prefix names none.
  std::string function_name;
  /// Invoke: Duration. Init: Init Duration. Restore: Restore Duration.
  PrintedMs duration;
  std::optional<std::int64_t> billed_ms;          ///< Invoke: Billed Duration (whole ms)
  std::optional<int> memory_mb;                   ///< Invoke: Memory Size (required for Invoke)
  std::optional<int> max_memory_mb;               ///< Invoke: Max Memory Used (required for Invoke)
  std::optional<PrintedMs> init;                  ///< Invoke: Init Duration (cold start)
  std::optional<PrintedMs> restore;               ///< Invoke: Restore Duration (SnapStart)
  std::optional<std::int64_t> billed_restore_ms;  ///< Invoke: Billed Restore Duration
  /// `success` when the line carries no status; otherwise as written (`timeout`, `error`,
  /// `failure`, …).
  std::string status = "success";
  std::string error_type;  ///< `Error Type:` / JSON errorType
  std::string phase;       ///< INIT_REPORT `Phase:` (`init` or `invoke`)
  /// X-Ray: the text form's TraceId / SegmentId / Sampled, or the JSON tracing value.
  std::string xray_trace_id;
  std::string xray_segment_id;
  std::optional<bool> xray_sampled;
};

/// A platform line that could not be parsed: its line number and what is wrong.
struct ReportDiagnostic {
  std::size_t line = 0;
  std::string message;
};

/// Not a platform line (function output, START/END, other JSON events, blank lines).
struct NotAReport {};

using ParsedLine = std::variant<NotAReport, ReportRecord, ReportDiagnostic>;

/// Parses one log line (without its newline; a trailing '\r' is ignored). Never throws on any
/// input; allocation is bounded by the line's length.
///
/// A text line is a platform line when, after an optional prefix, it starts with
/// `REPORT RequestId:`, `INIT_REPORT ` or `RESTORE_REPORT `. The prefix is what exports and
/// tools put in front of the message (a timestamp, a log stream name, as `sam logs` and
/// CloudWatch exports do): at most four white-space separated tokens, each containing a digit,
/// without quotes or braces (so function output that merely mentions or quotes a REPORT line is
/// not taken for one; a token naming a log group, `/aws/lambda/NAME`, needs no digit). Its first
/// token that looks like an ISO-8601
/// timestamp (`2024-03-01T12:00:00.000Z`) or epoch milliseconds (13 digits) dates the record.
/// Fields are `Key: value` pairs separated by tabs or spaces, in any order, a space before a tab
/// allowed; the XRAY suffix (`XRAY TraceId: … SegmentId: … Sampled: true`) may follow on the same
/// line. A JSON line (optionally after such a prefix) is a platform line when its "type" is
/// `platform.report`, `platform.initReport` or `platform.restoreReport`.
///
/// Numbers are decimal with at most 12 integer digits, never floating point. Required fields:
/// REPORT: RequestId, Duration, Billed Duration, Memory Size, Max Memory Used; INIT_REPORT:
/// Init Duration; RESTORE_REPORT: Restore Duration. A platform line with an unknown field, a
/// missing or repeated field, or a bad number gives a ReportDiagnostic naming the field.
ParsedLine parse_report_line(std::string_view line, std::size_t line_number);

/// Exact decimal milliseconds (`102.25`, `3000`, `495.138`) to PrintedMs; std::nullopt for
/// anything else (signs, exponents, empty parts, more than 12 integer digits).
std::optional<PrintedMs> parse_printed_ms(std::string_view text);

}  // namespace lsim
