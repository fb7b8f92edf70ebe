#!/usr/bin/env bash
# `lambdasim import` as a user meets it: each hand-made fixture of tests/data/traces/ becomes a
# scenario that starts with the schema line, validates and runs with exactly the trace's
# invocations; bad input exits 2 with a located message. Usage: import_test.sh LAMBDASIM SOURCE_DIR
set -uo pipefail
bin=$1
d=$2/tests/data/traces
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# import FORMAT OUT PATHS... then: the schema line, validate, run with the expected total.
round_trip() {  # round_trip NAME TOTAL_INVOCATIONS -- IMPORT-ARGS...
  local name=$1 total=$2
  shift 3
  check "$name: import" 0 "lambdasim import: wrote" -- import "$@"
  local out=$tmp/$name.yaml
  if [[ "$(head -1 "$out")" != "# yaml-language-server: \$schema=./lambdasim.schema.json" ]]; then
    echo "FAIL: $name: no schema line first"
    failed=$((failed + 1))
  fi
  check "$name: validates" 0 ": ok: scenario" -- validate "$out"
  check "$name: runs every invocation" 0 "\"arrived\": $total," -- run "$out" --format json
}

check "help teaches, with an example" 0 "examples:" -- import --help
check "help import" 0 "usage: lambdasim import" -- help import
check "main help lists import" 0 "import PATH" -- --help

round_trip a19 22 -- --format azure2019 "$d/azure2019" --output "$tmp/a19.yaml"
round_trip a19top 11 -- --format azure2019 "$d/azure2019" --output "$tmp/a19top.yaml" --top 1 \
  --spread uniform
round_trip a21 10 -- --format azure2021 "$d/azure2021/AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt" \
  --output "$tmp/a21.yaml"
round_trip csv 15 -- --format csv "$d/csv/invocations.csv" "$d/csv/timestamps.csv" -o "$tmp/csv.yaml"

# The 2019 duration and memory files fill the functions; the hash stays in a comment.
check "2019 import of the busiest function" 0 "1 function, 11 invocations" -- \
  import --format azure2019 "$d/azure2019" --output "$tmp/x.yaml" --top 1
grep -qF "median: 120ms, p99: 1500ms" "$tmp/x.yaml" && grep -qF "memory: 173MB" "$tmp/x.yaml" && grep -qF "# HashFunction 73751f394403911c" "$tmp/x.yaml" &&
  grep -qF "name: fn-73751f394403" "$tmp/x.yaml" && passed=$((passed + 1)) ||
  { echo "FAIL: 2019 duration, memory, name or hash comment"; failed=$((failed + 1)); }
check "--duration sets the horizon" 0 ": ok: scenario" -- validate "$tmp/x.yaml"
"$bin" import --format csv "$d/csv/timestamps.csv" -o "$tmp/d.yaml" --duration 10s 2>/dev/null
check "--duration 10s keeps arrivals before 10 s" 0 "\"arrived\": 4," -- run "$tmp/d.yaml" --format json

check "missing --format" 2 "import: missing --format" -- import "$d/csv/timestamps.csv" -o "$tmp/y.yaml"
check "unknown format" 2 "unknown format 'azure2020'" -- import --format azure2020 x -o "$tmp/y.yaml"
check "missing output" 2 "missing --output" -- import --format csv "$d/csv/timestamps.csv"
check "missing file" 2 "nope.csv: error: cannot open" -- import --format csv "$tmp/nope.csv" -o "$tmp/y.yaml"
check "2019 wants the folder" 2 "no invocations_per_function_md.anon.dNN.csv" -- \
  import --format azure2019 "$d/csv" -o "$tmp/y.yaml"
printf 'timestamp\n1\nabc\n' >"$tmp/bad.csv"
check "bad row with its line" 2 "bad.csv:3:1: error: 'abc' is not a time in seconds" -- \
  import --format csv "$tmp/bad.csv" -o "$tmp/y.yaml"
[[ ! -e "$tmp/y.yaml" ]] && passed=$((passed + 1)) || { echo "FAIL: output written on error"; failed=$((failed + 1)); }

# A row that goes bad after the first ones stops the run with its line, exit code 2.
printf 'timestamp\n1\n2\n3x\n' >"$tmp/late.csv"
printf 'name: late\nduration: 1m\nfunctions:\n  - {name: f, duration: {type: constant, value: 10ms}, cold_start: {type: constant, value: 0ms}}\nworkload:\n  - {function: f, arrivals: {type: trace, format: csv, path: late.csv}}\n' >"$tmp/late.yaml"
check "late bad row: validate loads the first rows" 0 ": ok: scenario" -- validate "$tmp/late.yaml"
check "late bad row: the run stops at its line" 2 "late.csv:4:1: error: '3x' is not a time in seconds" -- \
  run "$tmp/late.yaml"

echo "import tests: $passed passed, $failed failed"
((failed == 0))
