#!/usr/bin/env bash
# Prints the rows of mbwilding_lambda_benchmark.csv (beside this script) as CloudWatch REPORT
# lines, as `aws logs` / Logs Insights export them with the log group in front:
#   123456789012:/aws/lambda/RUNTIME-ARCH REPORT RequestId: …	Duration: … ms	Billed Duration: …
# Each row is one REPORT line's fields (see README.md); only the account id and the request ids
# are made up. With RUNTIME [ARCH], only that series' rows (e.g. `report_lines.sh nodejs18x arm64`).
# Usage: report_lines.sh [RUNTIME [ARCH]]
set -euo pipefail
csv="$(dirname "${BASH_SOURCE[0]}")/mbwilding_lambda_benchmark.csv"
# runtime,arch,memory_mb,duration_ms,billed_duration_ms,max_memory_used_mb,init_duration_ms
awk -F, -v runtime="${1:-}" -v arch="${2:-}" 'NR > 1 && (runtime == "" || $1 == runtime) && (arch == "" || $2 == arch) {
  fn = $1 "-" $2
  line = sprintf("123456789012:/aws/lambda/%s REPORT RequestId: %s-%d\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
                 fn, fn, NR, $4, $5, $3, $6)
  if ($7 != "") line = line sprintf("\tInit Duration: %.2f ms", $7)
  print line
}' "$csv"
