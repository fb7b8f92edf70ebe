#!/usr/bin/env bash
# Golden test: runs SCENARIO with --seed 1 --format json and compares with the reviewed EXPECTED
# file byte for byte. Refresh expected files only with tools/update_golden, and review the diff.
set -euo pipefail
bin=$1 scenario=$2 expected=$3
actual=$("$bin" run "$scenario" --seed 1 --format json)
if ! diff -u "$expected" <(printf '%s\n' "$actual"); then
  echo "golden mismatch for $scenario (if intended: tools/update_golden, then review the diff)"
  exit 1
fi
