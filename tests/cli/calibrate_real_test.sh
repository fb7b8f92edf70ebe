#!/usr/bin/env bash
# `lambdasim calibrate` end to end on real measurements: REPORT lines rebuilt from the rows of
# tests/data/real_memory/mbwilding_lambda_benchmark.csv (each row is one REPORT line's fields;
# only the request ids and the log-group prefix are made up), one log group per series. The
# scenario must fit memory_scaling for every series, with cpu_bound near 0 for the
# network-bound Rust function and well above it for the others, and must validate and run; and
# `lambdasim bill` must reproduce every line's Billed Duration.
# Usage: calibrate_real_test.sh LAMBDASIM_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
csv=$2/tests/data/real_memory/mbwilding_lambda_benchmark.csv
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# runtime,arch,memory_mb,duration_ms,billed_duration_ms,max_memory_used_mb,init_duration_ms
awk -F, 'NR > 1 {
  fn = $1 "-" $2
  line = sprintf("123456789012:/aws/lambda/%s REPORT RequestId: %s-%d\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
                 fn, fn, NR, $4, $5, $3, $6)
  if ($7 != "") line = line sprintf("\tInit Duration: %.2f ms", $7)
  print line
}' "$csv" >"$tmp/real.log"
if [[ $(wc -l <"$tmp/real.log") -eq 800 ]]; then
  passed=$((passed + 1)); else echo "FAIL: expected 800 REPORT lines"; failed=$((failed + 1)); fi

# AWS's arithmetic on the same real lines: every Billed Duration reproduced (measured before
# 2025-08-01: Init Duration billed only for the custom runtime, rust; bill tries both readings).
check "real lines bill exactly" 0 "precision, 0 mismatches" -- bill "$tmp/real.log" --date 2023-06-01
check "real logs calibrate" 0 "800 REPORT lines of 5 functions" -- calibrate "$tmp/real.log" -o "$tmp/real.yaml"
check "real scenario validates" 0 "ok: scenario 'calibrated', 5 functions, 5 workloads" -- validate "$tmp/real.yaml"
check "real scenario runs" 0 "latency (ms)" -- run "$tmp/real.yaml" --set duration=10min

# cpu_bound of each function, in scenario order (functions sorted by name).
mapfile -t cpu < <(sed -n 's/.*memory_scaling: { reference_memory: 128MB, cpu_bound: \([0-9.]*\) }.*/\1/p' "$tmp/real.yaml")
names=(dotnet6-arm64 dotnet6-x86_64 nodejs18x-arm64 python311-arm64 rust-arm64)
lo=(0.6 0.6 0.6 0.3 0.0)
hi=(0.9 0.9 0.9 0.5 0.1)
if [[ ${#cpu[@]} -ne 5 ]]; then
  echo "FAIL: expected 5 memory_scaling lines at reference 128MB, got ${#cpu[@]}"; grep -n "memory_scaling" "$tmp/real.yaml"
  failed=$((failed + 1))
else
  for i in 0 1 2 3 4; do
    if awk -v c="${cpu[$i]}" -v lo="${lo[$i]}" -v hi="${hi[$i]}" 'BEGIN { exit !(c >= lo && c <= hi) }'; then
      passed=$((passed + 1))
    else
      echo "FAIL: ${names[$i]}: cpu_bound ${cpu[$i]} outside [${lo[$i]}, ${hi[$i]}]"; failed=$((failed + 1))
    fi
  done
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
