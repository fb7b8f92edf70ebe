#!/usr/bin/env bash
# `lambdasim bill` as a user meets it: the real REPORT lines of tests/data/report_lines/ give 0
# mismatches, the deliberately wrong hand-made line is reported with exit code 1, bad input exits 2,
# gzip and standard input work. Usage: bill_test.sh LAMBDASIM_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
d=$2/tests/data/report_lines
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check "help teaches, with examples" 0 "examples:" -- bill --help
check "help bill" 0 "usage: lambdasim bill" -- help bill
check "main help lists bill" 0 "bill LOGS" -- --help
check "missing LOGS" 2 "bill: missing LOGS" -- bill
check "bad --date" 2 "--date '2024-13-01' is not a date" -- bill "$d/aws_blog_1ms_era.log" --date 2024-13-01
check "bad --package" 2 "unknown package type 'jar' (known: zip, image)" -- bill "$d/aws_blog_1ms_era.log" --package jar
check "bad --architecture" 2 "unknown architecture 'x86' (known: x86_64, arm64)" -- bill "$d/aws_blog_1ms_era.log" --architecture x86
check "bad --format" 2 "unknown format 'xml'" -- bill "$d/aws_blog_1ms_era.log" -f xml
check "typo in an option" 2 "(did you mean '--runtime'?)" -- bill "$d/aws_blog_1ms_era.log" --runtmie python3.12

# Real lines: 0 mismatches (the undated documentation lines are from before 2025-08-01).
check "real: AWS docs text" 0 "0 mismatches" -- bill "$d/aws_docs_python_logging.log" --date 2023-01-01
check "real: AWS docs JSON" 0 "2 match, 0 match only" -- bill "$d/aws_docs_json.log"
check "real: SnapStart via sam logs" 0 "6 match, 0 match only" -- bill "$d/sam_logs_snapstart.log"
check "real: 100 ms era" 0 "1 match, 0 match only" -- bill "$d/aws_blog_100ms_era.log" --date 2020-11-01
check "real: 1 ms era" 0 "1 match, 0 match only" -- bill "$d/aws_blog_1ms_era.log" --date 2020-12-01
check "reconstructed: roll-out day" 0 "4 match, 0 match only" -- bill "$d/classmethod_rollout_day.log"
check "real: 100 ms line under 1 ms rules is a mismatch" 1 "expected 28 ms" -- bill "$d/aws_blog_100ms_era.log" --date 2021-01-01
check "real: a managed runtime before 2025-08-01" 0 "0 mismatches" -- bill "$d/aws_docs_python_logging.log" --date 2023-01-01 --runtime python3.12
check "real: the same as a container image is wrong" 1 "INIT billed (custom runtime or container image)" -- bill "$d/aws_docs_python_logging.log" --date 2023-01-01 --package image

# The hand-made file: exactly one mismatch, on line 4, with both values and the rule.
check "hand-made: the wrong line, exit 1" 1 "handmade_edge_cases.log:4: request 00000000-0000-4000-8000-000000000001: Billed Duration 104 ms, expected 103 ms = Duration 102.25 ms, rounded up to 1 ms; rule: 1 ms rounding (since 2020-12-01); date 2024-03-01 from the line's timestamp" -- bill "$d/handmade_edge_cases.log"
check "hand-made: one mismatch only" 1 "12 match, 1 match only within the printed precision, 1 mismatch" -- bill "$d/handmade_edge_cases.log"
check "hand-made: json" 1 "\"line\": 4, \"request_id\": \"00000000-0000-4000-8000-000000000001\", \"billed_ms\": 104, \"expected_ms\": 103" -- bill "$d/handmade_edge_cases.log" -f json
check "hand-made: csv" 1 "handmade_edge_cases.log,4,00000000-0000-4000-8000-000000000001,2024-03-01,line,102.25,,,128,success,104,103,1,0,mismatch" -- bill "$d/handmade_edge_cases.log" -f csv
check "malformed lines: exit 2 with line numbers" 2 "handmade_malformed.log:4: error: REPORT line: unexpected text 'Colour: blue'" -- bill "$d/handmade_malformed.log"
check "missing file" 2 "nope.log: error: cannot open file: No such file or directory" -- bill "$tmp/nope.log"
check "no REPORT lines" 2 "error: no REPORT lines found" -- bill "$d/README.md"

# gzip by magic bytes (whatever the name), several inputs, standard input.
gzip -c "$d/sam_logs_snapstart.log" >"$tmp/logs.txt"
check "gzip" 0 "6 match, 0 match only" -- bill "$tmp/logs.txt"
check "several inputs" 0 "2 inputs" -- bill "$tmp/logs.txt" "$d/aws_docs_json.log"
if "$bin" bill - <"$d/handmade_edge_cases.log" >"$tmp/out" 2>&1; then rc=0; else rc=$?; fi
if [[ $rc -eq 1 ]] && grep -qF "<stdin>:4: request" "$tmp/out"; then
  passed=$((passed + 1)); else echo "FAIL: standard input (exit $rc)"; cat "$tmp/out"; failed=$((failed + 1)); fi
head -c 300 "$tmp/logs.txt" >"$tmp/cut.gz"
check "truncated gzip" 2 "corrupt or truncated gzip data" -- bill "$tmp/cut.gz"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
