#!/usr/bin/env bash
# `lambdasim sweep` and `merge` as a user meets them: identical bytes for any --jobs, for a 3-way
# shard + merge and for a resumed run; bad input exits 2 with a clear message; a CSV trend.
# Usage: sweep_test.sh LAMBDASIM_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

same() {  # same NAME FILE_A FILE_B
  if cmp -s "$2" "$3"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $1: $2 and $3 differ"
    diff "$2" "$3" | head -10
    failed=$((failed + 1))
  fi
}

# A small CPU-bound function (memory_scaling), 10 minutes at 2/s: milliseconds per run.
s=$tmp/s.yaml
cat >"$s" <<'YAML'
name: cli_sweep
seed: 9
duration: 10m
functions:
  - name: api
    memory: 128MB
    duration: { type: lognormal, median: 400ms, p99: 900ms }
    cold_start: { type: constant, value: 300ms }
    memory_scaling: { reference_memory: 128MB, cpu_bound: 1.0, threads: 1 }
    keep_alive: { type: fixed, idle: 5s }
workload:
  - { function: api, arrivals: { type: poisson, rate: 2/s } }
YAML
sets=(--set functions.api.memory=128MB:1024MB:448MB --set 'functions.api.keep_alive={type: fixed, idle: 5s},{type: fixed, idle: 5m}')

check "sweep help teaches" 0 "--set KEY=START:STOP:STEP" -- sweep --help
check "merge help" 0 "usage: lambdasim merge PARTS" -- help merge
check "main help lists sweep" 0 "sweep SCENARIO" -- --help

"$bin" sweep "$s" "${sets[@]}" -r 3 -j 1 -f json >"$tmp/j1.json" 2>"$tmp/err"
"$bin" sweep "$s" "${sets[@]}" -r 3 -j 2 -f json >"$tmp/j2.json" 2>>"$tmp/err"
same "--jobs 1 and --jobs 2 give the same bytes" "$tmp/j1.json" "$tmp/j2.json"
check "json has CI bounds and a best point" 0 '"ci95_low"' -- sweep "$s" "${sets[@]}" -r 2 -f json
check "one replication: no interval" 0 '"ci95_low": null' -- sweep "$s" "${sets[@]}" -r 1 -f json

# Three shards (as a job array would run them), merged: the bytes of the single run.
for k in 1 2 3; do
  "$bin" sweep "$s" "${sets[@]}" -r 3 --shard "$k/3" -o "$tmp/part$k.jsonl" 2>>"$tmp/err"
done
"$bin" merge "$tmp/part1.jsonl" "$tmp/part2.jsonl" "$tmp/part3.jsonl" -f json -o "$tmp/merged.json"
same "3-way shard + merge equals the unsharded run" "$tmp/j1.json" "$tmp/merged.json"
check "merge of two of three shards" 2 "missing" -- merge "$tmp/part1.jsonl" "$tmp/part2.jsonl"
check "merge of a shard twice" 2 "is also in" -- merge "$tmp/part1.jsonl" "$tmp/part1.jsonl" "$tmp/part2.jsonl" "$tmp/part3.jsonl"
"$bin" sweep "$s" "${sets[@]}" -r 4 --shard 2/3 -o "$tmp/other.jsonl" 2>>"$tmp/err"
check "merge of parts of different sweeps" 2 "belongs to another sweep" -- merge "$tmp/part1.jsonl" "$tmp/other.jsonl" "$tmp/part3.jsonl"
check "merge of a file that is no part" 2 "not a lambdasim sweep file" -- merge "$s"

# Resume: a journal cut after two points (as an interruption leaves it) is picked up.
"$bin" sweep "$s" "${sets[@]}" -r 3 -f csv -o "$tmp/full.csv" 2>>"$tmp/err"
[[ -e "$tmp/full.csv.partial" ]] && { echo "FAIL: journal left behind"; failed=$((failed + 1)); }
"$bin" sweep "$s" "${sets[@]}" -r 3 --shard 1/1 -o "$tmp/journal" 2>>"$tmp/err"
head -n 3 "$tmp/journal" >"$tmp/resumed.csv.partial"
"$bin" sweep "$s" "${sets[@]}" -r 3 -f csv -o "$tmp/resumed.csv" 2>>"$tmp/err"
same "a resumed sweep gives the bytes of an uninterrupted one" "$tmp/full.csv" "$tmp/resumed.csv"
head -n 3 "$tmp/journal" >"$tmp/stale.csv.partial"
check "a journal of another sweep is refused" 2 "belongs to a different sweep" -- sweep "$s" "${sets[@]}" -r 2 -f csv -o "$tmp/stale.csv"

# The trend: p50 (CSV column 5) falls as memory grows at the same keep-alive.
"$bin" sweep "$s" --set functions.api.memory=128MB:1024MB:448MB -r 2 -f csv >"$tmp/trend.csv"
if awk -F, 'NR > 2 && $5 >= prev { bad = 1 } NR > 1 { prev = $5 } END { exit bad }' "$tmp/trend.csv"; then
  passed=$((passed + 1))
else
  echo "FAIL: p50 does not fall with memory"; cat "$tmp/trend.csv"; failed=$((failed + 1))
fi

check "bad key" 2 "unknown key 'memry' (did you mean 'memory'?)" -- sweep "$s" --set functions.api.memry=1GB,2GB
check "bad value" 2 "12 MB is outside" -- sweep "$s" --set functions.api.memory=12MB,1GB
check "bad range" 2 "is empty: stop is below start" -- sweep "$s" --set functions.api.memory=1GB:128MB:128MB
check "mixed range" 2 "of one kind" -- sweep "$s" --set functions.api.memory=128MB:1m:1
check "huge sweep" 2 "at most 10000" -- sweep "$s" --set seed=1:200:1 --set workload.0.arrivals.rate=1/s:100/s:1/s
check "bad shard" 2 "shard 4 of 3 does not exist" -- sweep "$s" --shard 4/3 -o "$tmp/x"
check "shard needs output" 2 "--shard needs --output" -- sweep "$s" --shard 1/3
check "bad constraint" 2 "unknown statistic 'p42'" -- sweep "$s" --constraint p42\<=1
check "bad objective" 2 "unknown objective" -- sweep "$s" --objective speed
check "no point feasible" 0 "no point satisfies every constraint" -- sweep "$s" --constraint 'p99<=1ms'
check "bad replications" 2 "replications" -- sweep "$s" -r 0

# A sweep declared in the scenario: used by sweep, its bad values located in the file; run says
# it ignores it.
d=$tmp/declared.yaml
cp "$s" "$d"
printf 'sweep:\n  replications: 2\n  settings:\n    functions.api.memory: [128MB, 12MB]\n' >>"$d"
check "a bad value in sweep: points into the file" 2 "declared.yaml:16:35: error: functions[0].memory: 12 MB" -- sweep "$d"
check "run ignores sweep: with a note" 0 "note: \`run\` ignores the scenario's sweep:" -- run "$d"
check "--set replaces a declared axis" 0 "2 points x 2 replications" -- sweep "$d" --set functions.api.memory=256MB,512MB

echo "sweep_test: $passed passed, $failed failed"
((failed == 0))
