#!/usr/bin/env bash
# The command line as a user meets it: --help and --version, exit codes, error messages, output
# files, determinism of the JSON. Usage: cli_test.sh LAMBDASIM_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

q=$src/scenarios/quickstart.yaml
check "help" 0 "usage: lambdasim <command>" -- --help
check "version" 0 "lambdasim 0.1.0" -- --version
check "run help shows an example" 0 "examples:" -- run --help
check "validate help" 0 "example:" -- validate --help
check "models help" 0 "usage: lambdasim models" -- models --help
check "help run" 0 "usage: lambdasim run" -- help run
check "no arguments shows help, exit 2" 2 "usage: lambdasim" --
check "unknown command suggests" 2 "unknown command 'rnu' (did you mean 'run'?)" -- rnu "$q"
check "unknown option suggests" 2 "unknown option '--formt' (did you mean '--format'?)" -- run "$q" --formt json
check "unknown format" 2 "unknown format 'xml' (known: table, json, csv, html)" -- run "$q" --format xml
check "missing scenario file" 2 "nope.yaml: error: cannot open file" -- run "$tmp/nope.yaml"
check "bad seed" 2 "seed 'abc' is not a whole number" -- run "$q" --seed abc
check "--set unknown key" 2 "unknown key 'memry' (did you mean 'memory'?)" -- run "$q" --set functions.api.memry=1GB
check "--set bad value" 2 "functions[0].memory: 12 MB is outside" -- run "$q" --set functions.api.memory=12MB
check "validate ok" 0 "ok: scenario 'quickstart'" -- validate "$q"
check "models lists keep-alive" 0 "keep-alive model (functions[].keep_alive:)" -- models
check "run table" 0 "cost (USD)" -- run "$q"
check "scenario as the command" 0 "latency (ms)" -- "$q"
check "digest on stderr" 0 "digest " -- run "$q" --digest

printf 'duration: 1h\nfunctions: 3\n' >"$tmp/bad.yaml"
check "bad scenario exit 2 with location" 2 "bad.yaml:2:12: error: functions: expected a list of functions" -- run "$tmp/bad.yaml"
check "validate reports every file" 2 "bad.yaml:2:12: error" -- validate "$q" "$tmp/bad.yaml"

check "schema help" 0 "usage: lambdasim schema" -- schema --help
if "$bin" schema | cmp -s - "$src/scenarios/lambdasim.schema.json"; then
  passed=$((passed + 1)); else echo "FAIL: schema is stale"; failed=$((failed + 1)); fi

# --output writes the file atomically and prints nothing.
"$bin" run "$q" --format json --output "$tmp/a.json" >"$tmp/stdout"
if [[ -s "$tmp/stdout" || ! -s "$tmp/a.json" ]] || ls -a "$tmp" | grep -q '\.tmp'; then
  echo "FAIL: --output"; failed=$((failed + 1)); else passed=$((passed + 1)); fi
# Same seed, same bytes; another seed, other bytes.
"$bin" run "$q" --format json >"$tmp/b.json"
"$bin" run "$q" --format json --seed 7 >"$tmp/c.json"
if cmp -s "$tmp/a.json" "$tmp/b.json" && ! cmp -s "$tmp/a.json" "$tmp/c.json"; then
  passed=$((passed + 1)); else echo "FAIL: determinism"; failed=$((failed + 1)); fi
# CSV: a header and one row per function.
"$bin" run "$q" --format csv >"$tmp/d.csv"
if [[ $(wc -l <"$tmp/d.csv") -eq 2 ]] && head -1 "$tmp/d.csv" | grep -q '^scenario,seed,function,arrived'; then
  passed=$((passed + 1)); else echo "FAIL: csv"; failed=$((failed + 1)); fi
# The narrated trace and the timeline.
check "trace" 0 "#3 arrives at api" -- trace "$q" --limit 3
check "trace jsonl" 0 '"step": "arrive"' -- trace "$q" --limit 2 --format jsonl
check "trace unknown function" 2 "no function named 'apx' (did you mean 'api'?)" -- trace "$q" --function apx
check "trace bad format" 2 "unknown format 'xml'" -- trace "$q" --format xml
check "run --timeline" 0 "lambdasim:" -- run "$q" --set duration=12m --timeline "$tmp/t.svg"
if grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$tmp/t.svg" && grep -q 'class="lane"' "$tmp/t.svg"; then
  passed=$((passed + 1)); else echo "FAIL: timeline svg"; failed=$((failed + 1)); fi
# Output to an unwritable place is an error, not a crash.
check "unwritable output" 2 "cannot write" -- run "$q" --output /nonexistent-dir/x.json

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
