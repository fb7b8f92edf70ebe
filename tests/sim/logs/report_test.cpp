// Tests for the platform-line parser: every variant of REPORT / INIT_REPORT / RESTORE_REPORT in
// text and JSON, exact decimal durations, and malformed lines (a diagnostic with the line number,
// never a crash).
#include "sim/logs/report.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <variant>

namespace {

using lsim::ParsedLine;
using lsim::ReportKind;
using lsim::ReportRecord;

ReportRecord record(std::string_view line) {
  const ParsedLine p = lsim::parse_report_line(line, 7);
  if (const auto* d = std::get_if<lsim::ReportDiagnostic>(&p)) FAIL("diagnostic: " << d->message);
  REQUIRE(std::holds_alternative<ReportRecord>(p));
  return std::get<ReportRecord>(p);
}

std::string diagnostic(std::string_view line, std::size_t number = 3) {
  const ParsedLine p = lsim::parse_report_line(line, number);
  REQUIRE(std::holds_alternative<lsim::ReportDiagnostic>(p));
  CHECK(std::get<lsim::ReportDiagnostic>(p).line == number);
  return std::get<lsim::ReportDiagnostic>(p).message;
}

bool skipped(std::string_view line) {
  return std::holds_alternative<lsim::NotAReport>(lsim::parse_report_line(line, 1));
}

}  // namespace

TEST_CASE("Printed milliseconds are read exactly, as integer microseconds", "[logs]") {
  using lsim::parse_printed_ms;
  CHECK(parse_printed_ms("102.25")->us == 102'250);
  CHECK(parse_printed_ms("102.25")->resolution_us == 10);
  CHECK(parse_printed_ms("495.138")->us == 495'138);
  CHECK(parse_printed_ms("495.138")->resolution_us == 1);
  CHECK(parse_printed_ms("300")->us == 300'000);
  CHECK(parse_printed_ms("300")->resolution_us == 1000);
  CHECK(parse_printed_ms("0.5")->us == 500);
  CHECK(parse_printed_ms("0.5")->resolution_us == 100);
  CHECK(parse_printed_ms("3000.000")->us == 3'000'000);
  // Digits past the microsecond round up, so a later ceiling to whole ms stays exact.
  CHECK(parse_printed_ms("1.0001")->us == 1'001);
  CHECK(parse_printed_ms("1.0000")->us == 1'000);
  CHECK(parse_printed_ms("999999999999.99")->us == 999'999'999'999'990);
  for (const char* bad :
       {"", ".", "1.", ".5", "-1.0", "+1", "1e3", "1,5", "1.2.3", " 1", "abc", "1000000000000"})
    CHECK_FALSE(parse_printed_ms(bad).has_value());
}

TEST_CASE("A plain-text REPORT line with spaces and Init Duration", "[logs]") {
  // AWS docs, python-logging.md.
  const ReportRecord r = record(
      "REPORT RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95  Duration: 15.74 ms  Billed "
      "Duration: 16 ms Memory Size: 128 MB Max Memory Used: 56 MB  Init Duration: 130.49 ms");
  CHECK(r.kind == ReportKind::Invoke);
  CHECK(r.format == lsim::ReportFormat::Text);
  CHECK(r.line == 7);
  CHECK(r.request_id == "8f507cfc-xmpl-4697-b07a-ac58fc914c95");
  CHECK(r.duration.us == 15'740);
  CHECK(r.billed_ms == 16);
  CHECK(r.memory_mb == 128);
  CHECK(r.max_memory_mb == 56);
  REQUIRE(r.init.has_value());
  CHECK(r.init->us == 130'490);
  CHECK(r.status == "success");
  CHECK_FALSE(r.date.has_value());
  CHECK_FALSE(r.restore.has_value());
}

TEST_CASE("Tabs, the space before a tab, a trailing tab and CRLF are all separators", "[logs]") {
  const ReportRecord r = record(
      "REPORT RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf\tDuration: 26.73 ms\tBilled "
      "Duration: 27 ms \tMemory Size: 128 MB\tMax Memory Used: 75 MB\t\r");
  CHECK(r.duration.us == 26'730);
  CHECK(r.billed_ms == 27);
  CHECK(r.max_memory_mb == 75);
}

TEST_CASE("The XRAY suffix on the same line is read", "[logs]") {
  const ReportRecord r = record(
      "REPORT RequestId: a\tDuration: 2.75 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax "
      "Memory Used: 56 MB\tInit Duration: 113.51 ms\tXRAY TraceId: "
      "1-5e34a66a-474xmpl7c2534a87870b4370\tSegmentId: 073cxmpl3e442861\tSampled: true\t");
  CHECK(r.xray_trace_id == "1-5e34a66a-474xmpl7c2534a87870b4370");
  CHECK(r.xray_segment_id == "073cxmpl3e442861");
  CHECK(r.xray_sampled == true);
  // On its own line (how the docs show it) it is not a platform line.
  CHECK(
      skipped("XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1   SegmentId: 07f5xmpl2d1f6f85 "
              "Sampled: true"));
}

TEST_CASE("Timeout and error statuses with their Error Type", "[logs]") {
  const ReportRecord t = record(
      "REPORT RequestId: 13222b1e-f16b-4550-89df-869ab0a9806d\tDuration: 3000.00 ms\tBilled "
      "Duration: 3000 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tStatus: timeout");
  CHECK(t.status == "timeout");
  CHECK(t.duration.us == 3'000'000);
  const ReportRecord e = record(
      "REPORT RequestId: x Duration: 143.12 ms Billed Duration: 144 ms Memory Size: 128 MB Max "
      "Memory Used: 68 MB Status: error Error Type: Runtime.ImportModuleError");
  CHECK(e.status == "error");
  CHECK(e.error_type == "Runtime.ImportModuleError");
}

TEST_CASE("SnapStart Restore Duration and Billed Restore Duration", "[logs]") {
  const ReportRecord r = record(
      "2023/07/05/[56]374cd7798d2a4e36a494a23d658b9741 2023-07-05T10:16:34.686000 REPORT "
      "RequestId: b771fecc-1b53-4faf-922d-1d74357b1676\tDuration: 306.34 ms\tBilled Duration: 610 "
      "ms\tMemory Size: 3009 MB\tMax Memory Used: 155 MB\tRestore Duration: 511.25 ms\tBilled "
      "Restore Duration: 303 ms\t");
  REQUIRE(r.restore.has_value());
  CHECK(r.restore->us == 511'250);
  CHECK(r.billed_restore_ms == 303);
  CHECK(r.memory_mb == 3009);
  // The ISO timestamp dates the record, not the log stream's folder name before it.
  REQUIRE(r.date.has_value());
  CHECK(*r.date == lsim::Date{2023, 7, 5});
  CHECK(r.timestamp == "2023-07-05T10:16:34.686000");
}

TEST_CASE("Prefixes date the line: ISO timestamps and epoch milliseconds", "[logs]") {
  const ReportRecord iso = record(
      "2020-11-30T01:12:50.268Z REPORT RequestId: a Duration: 708.59 ms Billed Duration: 709 ms "
      "Memory Size: 128 MB Max Memory Used: 70 MB");
  CHECK(*iso.date == lsim::Date{2020, 11, 30});
  const ReportRecord epoch = record(
      "1606780800000 REPORT RequestId: a Duration: 27.55 ms Billed Duration: 28 ms Memory Size: "
      "1024 MB Max Memory Used: 472 MB");
  CHECK(*epoch.date == lsim::Date{2020, 12, 1});
  const ReportRecord epoch_before = record(
      "1606780799999 REPORT RequestId: a Duration: 27.55 ms Billed Duration: 100 ms Memory Size: "
      "1024 MB Max Memory Used: 472 MB");
  CHECK(*epoch_before.date == lsim::Date{2020, 11, 30});
}

TEST_CASE("INIT_REPORT and RESTORE_REPORT lines", "[logs]") {
  const ReportRecord i =
      record("INIT_REPORT Init Duration: 9999.79 ms\tPhase: init\tStatus: timeout");
  CHECK(i.kind == ReportKind::Init);
  CHECK(i.duration.us == 9'999'790);
  CHECK(i.phase == "init");
  CHECK(i.status == "timeout");
  const ReportRecord e = record(
      "INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: "
      "Runtime.UserCodeSyntaxError");
  CHECK(e.error_type == "Runtime.UserCodeSyntaxError");
  const ReportRecord r = record("RESTORE_REPORT Restore Duration: 511.25 ms");
  CHECK(r.kind == ReportKind::Restore);
  CHECK(r.duration.us == 511'250);
  CHECK(diagnostic("INIT_REPORT Phase: init") == "INIT_REPORT line without 'Init Duration'");
  CHECK(diagnostic("INIT_REPORT Init Duration: 1.00 ms Billed Duration: 2 ms") ==
        "INIT_REPORT line: field 'Billed Duration' does not belong on INIT_REPORT lines");
}

TEST_CASE("The JSON log format: platform.report and friends", "[logs]") {
  const ReportRecord r = record(
      R"({"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":)"
      R"("79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,)"
      R"("billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},)"
      R"("status":"success"}})");
  CHECK(r.format == lsim::ReportFormat::Json);
  CHECK(r.request_id == "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36");
  CHECK(r.duration.us == 1'233'960);
  CHECK(r.init->us == 463'512);
  CHECK(r.init->resolution_us == 1);
  CHECK(r.billed_ms == 1698);
  CHECK(*r.date == lsim::Date{2026, 10, 8});

  const ReportRecord s = record(
      R"(2024-09-05T09:24:54.431Z {"time": "2024-09-05T09:24:54.431Z", "type": "platform.report", )"
      R"("record": {"requestId": "r", "metrics": {"durationMs": 127.10, "billedDurationMs": 154, )"
      R"("memorySizeMB": 2048, "maxMemoryUsedMB": 212, "restoreDurationMs": 325.93, )"
      R"("billedRestoreDurationMs": 26}, "status": "timeout", "errorType": "Sandbox.Timedout", )"
      R"("tracing": {"type": "X-Amzn-Trace-Id", "value": "Root=1-66d9;Sampled=1"}}})");
  CHECK(s.restore->us == 325'930);
  CHECK(s.billed_restore_ms == 26);
  CHECK(s.status == "timeout");
  CHECK(s.error_type == "Sandbox.Timedout");
  CHECK(s.xray_trace_id == "Root=1-66d9;Sampled=1");

  const ReportRecord i =
      record(R"({"time":"2024-05-01T00:00:11.000Z","type":"platform.initReport","record":)"
             R"({"initializationType":"on-demand","phase":"init","status":"success",)"
             R"("metrics":{"durationMs":235.086}}})");
  CHECK(i.kind == ReportKind::Init);
  CHECK(i.duration.us == 235'086);

  // Other events and other JSON are not platform lines.
  CHECK(skipped(R"({"time":"2020-08-20T12:31:32.123Z","type":"platform.start","record":{}})"));
  CHECK(skipped(R"({"level":"INFO","message":"REPORT RequestId: x Duration: 1 ms"})"));
  CHECK(skipped(R"({"broken json)"));
}

TEST_CASE("Lines that only mention a platform line are skipped", "[logs]") {
  CHECK(skipped(""));
  CHECK(skipped("START RequestId: 8f507cfc Version: $LATEST"));
  CHECK(skipped("END RequestId: 8f507cfc"));
  CHECK(skipped("2024-05-01T00:00:13.000Z INFO \"REPORT RequestId: fake Duration: 1.00 ms\""));
  CHECK(skipped("# INIT_REPORT lines are counted"));
  CHECK(skipped("we saw a REPORT RequestId: in the logs"));
  CHECK(skipped("XREPORT RequestId: a Duration: 1.00 ms"));
  CHECK(skipped("RESTORE_START Runtime Version: java:11.v21"));
}

TEST_CASE("Malformed platform lines give a diagnostic with their line number", "[logs]") {
  const std::string good_tail = " Memory Size: 128 MB Max Memory Used: 60 MB";
  CHECK(diagnostic("REPORT RequestId: a Duration: 10.00 ms" + good_tail, 12) ==
        "REPORT line without 'Billed Duration'");
  CHECK(diagnostic("REPORT RequestId: a") ==
        "REPORT line without 'Duration', 'Billed Duration', 'Memory Size', 'Max Memory Used'");
  CHECK(diagnostic("REPORT RequestId: Duration: 1.00 ms Billed Duration: 1 ms" + good_tail)
            .starts_with("REPORT line: unexpected text '1.00 ms"));
  CHECK(diagnostic("REPORT RequestId: a Duration: 1e3 ms Billed Duration: 1000 ms" + good_tail)
            .starts_with("REPORT line: field 'Duration': expected a number of ms"));
  CHECK(diagnostic("REPORT RequestId: a Duration: 1.00 s Billed Duration: 1 ms" + good_tail)
            .starts_with("REPORT line: field 'Duration': expected a number of ms"));
  CHECK(diagnostic("REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1.5 ms" + good_tail) ==
        "REPORT line: field 'Billed Duration': '1.5' is not a whole number of ms");
  CHECK(diagnostic("REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms Memory Size: "
                   "99999999 MB Max Memory Used: 1 MB")
            .starts_with("REPORT line: field 'Memory Size': '99999999' is not a whole number"));
  CHECK(diagnostic("REPORT RequestId: a Duration: 1.00 ms Duration: 1.00 ms Billed Duration: 1 ms" +
                   good_tail) == "REPORT line: field 'Duration' appears twice");
  CHECK(diagnostic("REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms" + good_tail +
                   " Colour: blue")
            .starts_with("REPORT line: unexpected text 'Colour: blue' (known fields: 'RequestId'"));
  CHECK(diagnostic("REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms" + good_tail +
                   " Sampled: maybe") ==
        "REPORT line: field 'Sampled': expected true or false, found 'maybe'");
  CHECK(diagnostic(R"({"time":"x","type":"platform.report","record":{"requestId":"x")")
            .starts_with("malformed JSON: expected ',' or '}'"));
  CHECK(diagnostic(R"({"type":"platform.report","record":{"requestId":"x","metrics":{}}})") ==
        "platform.report: no \"durationMs\"");
  CHECK(diagnostic(
            R"({"type":"platform.report","record":{"requestId":"x","metrics":)"
            R"({"durationMs":-1,"billedDurationMs":1,"memorySizeMB":1,"maxMemoryUsedMB":1}}})") ==
        "platform.report: \"durationMs\": bad number '-1'");
  CHECK(diagnostic(R"({"type":"platform.report","record":{"metrics":{"durationMs":1.0}}})") ==
        "platform.report: no \"record.requestId\"");
  CHECK(diagnostic(R"({"type":"platform.report","record":"text"})") ==
        "platform.report: no \"record\" object");
}

TEST_CASE("Hostile input never crashes the parser", "[logs]") {
  // Deep JSON nesting is bounded, not recursed without limit.
  std::string deep = R"({"type":"platform.report","x":)";
  for (int i = 0; i < 100000; ++i) deep += '[';
  CHECK(diagnostic(deep).find("nested too deeply") != std::string::npos);
  // Escapes, surrogates and control bytes.
  CHECK(skipped(R"({"message":"\ud83d\ude00 \ud800 \u00e9 \n\t\\\"","type":"function"})"));
  CHECK_FALSE(diagnostic(R"({"type":"platform.report","bad":"\q"})").empty());
  CHECK_FALSE(diagnostic(R"({"type":"platform.report","bad":"\u12"})").empty());
  std::string nul_line = "REPORT RequestId: a Duration: 1.00 ms";
  nul_line += '\0';
  CHECK_FALSE(diagnostic(nul_line).empty());
  // A long line of digits is a bad number, not an overflow.
  CHECK(diagnostic("REPORT RequestId: a Duration: " + std::string(5000, '9') + " ms")
            .find("bad number") != std::string::npos);
}

TEST_CASE("Timestamps give epoch microseconds when they carry a time of day", "[logs]") {
  const char* body =
      " REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms Memory Size: 128 MB Max "
      "Memory Used: 70 MB";
  auto epoch = [&](const std::string& prefix) { return record(prefix + body).timestamp_epoch_us; };
  // 2020-12-01T00:00:00Z is 1,606,780,800 s after the epoch.
  CHECK(epoch("2020-12-01T00:00:00Z") == 1'606'780'800'000'000);
  CHECK(epoch("2020-12-01T00:00:00.5Z") == 1'606'780'800'500'000);
  CHECK(epoch("2020-12-01T00:00:01.123456789Z") == 1'606'780'801'123'456);
  CHECK(epoch("2020-12-01T01:00:00+01:00") == 1'606'780'800'000'000);
  CHECK(epoch("2020-11-30T23:00:00-0100") == 1'606'780'800'000'000);
  CHECK(epoch("2023-07-05T10:16:34.686000") == 1'688'552'194'686'000);  // no zone: UTC
  CHECK(epoch("1606780800123") == 1'606'780'800'123'000);
  CHECK(epoch("1970-01-01T00:00:00Z") == 0);
  CHECK(epoch("2024-02-29T12:00:00Z") == 1'709'208'000'000'000);  // a leap day
  // A bare date dates the line but gives no time; a malformed time gives none either.
  CHECK_FALSE(epoch("2020-12-01").has_value());
  CHECK(record(std::string("2020-12-01") + body).date.has_value());
  CHECK_FALSE(epoch("2020-12-01T25:00:00Z").has_value());
  CHECK_FALSE(epoch("2020-12-01T00:00:00+1").has_value());
  // JSON "time".
  const ReportRecord j = record(
      R"({"time":"2020-12-01T00:00:02.000Z","type":"platform.report","record":{"requestId":"r",)"
      R"("metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":60}}})");
  CHECK(j.timestamp_epoch_us == 1'606'780'802'000'000);
}

TEST_CASE("A log group in the prefix names the function", "[logs]") {
  const char* body =
      " REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms Memory Size: 128 MB Max "
      "Memory Used: 70 MB";
  CHECK(record(std::string("/aws/lambda/thumbnail") + body).function_name == "thumbnail");
  const ReportRecord insights =
      record(std::string("2024-03-01T12:00:00.000Z 123456789012:/aws/lambda/api-v2") + body);
  CHECK(insights.function_name == "api-v2");
  CHECK(insights.timestamp_epoch_us.has_value());
  CHECK(record(std::string("2023/07/05/[$LATEST]374cd7798d2a") + body).function_name.empty());
  // Other tokens without a digit still make the line function output, not a platform line.
  CHECK(skipped(std::string("my-function") + body));
}
