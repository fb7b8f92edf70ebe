#!/usr/bin/env bash
# The bad-input corpus: every NAME.yaml in this folder is a broken scenario, and NAME.expected is
# the exact standard error `lambdasim validate NAME.yaml` must print (file names are relative: the
# script runs from this folder). Each file must give exit code 2, exactly its expected message, no
# sanitizer report, nothing on standard output, and finish in under 3 seconds (a quadratic loader
# takes minutes on the slow inputs; 1 s was flaky under ASan on a busy 2-core CI machine).
#
# Inputs that are too big or too binary to commit are made at run time in a temporary folder:
# a file over the 16 MiB limit, binary garbage, a text file with a NUL byte, bytes that are not
# UTF-8, and two within-limit files that are slow to check if the loader is quadratic.
# `run` must report the same as `validate` (checked on a few files).
#
# Usage: run_corpus.sh LAMBDASIM_BINARY
# Environment: LSIM_CORPUS_MAX_MS (default 3000) is the time limit per file, in milliseconds;
#              LSIM_CORPUS_FILTER (a glob, default *) restricts the committed files checked;
#              LSIM_CORPUS_UPDATE=1 rewrites NAME.expected with what the binary prints now (for
#              a deliberate message change: combine with LSIM_CORPUS_FILTER and review the diff,
#              since some .expected files hold the message the loader SHOULD print).
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 LAMBDASIM_BINARY" >&2
  exit 2
fi
bin=$1
[[ $bin == /* ]] || bin=$PWD/$bin
if [[ ! -x $bin ]]; then
  echo "$0: '$bin' is not an executable" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
max_ms=${LSIM_CORPUS_MAX_MS:-3000}
filter=${LSIM_CORPUS_FILTER:-*}
update=${LSIM_CORPUS_UPDATE:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
fail() {  # fail NAME WHY...
  local name=$1
  shift
  echo "FAIL: $name: $*"
  failed=$((failed + 1))
}

# run_case DIR NAME ARGS... : runs "$bin ARGS..." in DIR under `timeout 5`; sets rc, ms, and leaves
# the output in $tmp/out and $tmp/err.
run_case() {
  local dir=$1
  shift
  local start end
  start=$(date +%s%N)
  (cd "$dir" && timeout 5 "$bin" "$@" >"$tmp/out" 2>"$tmp/err")
  rc=$?
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
}

# common_checks NAME : exit code 2, in time, no sanitizer report, empty stdout. Prints every
# problem; returns non-zero if there was one.
common_checks() {
  local name=$1 ok=0
  if [[ $rc -eq 124 ]]; then
    echo "FAIL: $name: timed out after 5 s"
    ok=1
  elif [[ $rc -ne 2 ]]; then
    echo "FAIL: $name: exit code $rc, want 2"
    ok=1
  fi
  if ((ms >= max_ms)); then
    echo "FAIL: $name: took $ms ms, want < $max_ms ms"
    ok=1
  fi
  if grep -qE 'Sanitizer|runtime error:|^==[0-9]+==' "$tmp/err"; then
    echo "FAIL: $name: sanitizer report:"
    head -30 "$tmp/err"
    ok=1
  fi
  if [[ -s $tmp/out ]]; then
    echo "FAIL: $name: printed on standard output:"
    head -5 "$tmp/out"
    ok=1
  fi
  return $ok
}

# 1. The committed corpus: exact messages.
shopt -s nullglob
count=0
for yaml in "$here"/$filter.yaml; do
  file=$(basename "$yaml")
  name=${file%.yaml}
  count=$((count + 1))
  if [[ ! -f $here/$name.expected ]]; then
    fail "$file" "missing $name.expected"
    continue
  fi
  run_case "$here" validate "$file"
  ok=0
  common_checks "$file" || ok=1
  if [[ $update == 1 ]] && ! cmp -s "$here/$name.expected" "$tmp/err"; then
    cp "$tmp/err" "$here/$name.expected"
    echo "updated $name.expected (review it with git diff)"
  elif ! cmp -s "$here/$name.expected" "$tmp/err"; then
    echo "FAIL: $file: standard error differs from $name.expected:"
    diff -u --label "$name.expected" --label "actual" "$here/$name.expected" "$tmp/err" | head -40
    ok=1
  fi
  if ((ok == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
if ((count == 0)); then
  fail corpus "no *.yaml matched '$filter' in $here"
fi

# 2. Generated inputs: exit code 2, time, and a message (a substring of standard error).
gen_check() {  # gen_check FILE EXPECTED_SUBSTRING
  local file=$1 want=$2 ok=0
  run_case "$tmp/gen" validate "$file"
  common_checks "$file (generated)" || ok=1
  if ! grep -qF -- "$want" "$tmp/err"; then
    echo "FAIL: $file (generated): standard error lacks: $want"
    echo "  got:"
    head -5 "$tmp/err" | cut -c1-300 | sed 's/^/    /'
    ok=1
  fi
  if ((ok == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

if [[ $filter == "*" ]]; then
  mkdir -p "$tmp/gen"
  g=$tmp/gen
  limit=$((16 * 1024 * 1024))

  # One byte over the 16 MiB limit (comments only: refused by size before it is read).
  yes '# padding padding padding padding padding padding padding padding padding padding' |
    head -c $((limit + 1)) >"$g/huge_file.yaml"
  gen_check huge_file.yaml "huge_file.yaml: error: file is $((limit + 1)) bytes; the limit is $limit bytes"

  # Binary garbage as real binaries look: an ELF header, zeros, random-looking bytes.
  {
    printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00'
    for _ in $(seq 64); do printf '\xde\xad\xbe\xef\x00\x01\xfe\xff\x80\x90: [{\n'; done
  } >"$g/binary_garbage.yaml"
  gen_check binary_garbage.yaml "binary_garbage.yaml: error: not a text file (it contains NUL bytes)"

  # A scenario that is fine except for one NUL byte in the middle of a line.
  printf 'duration: 1h\nfunctions:\n  - name: a\x00pi\n' >"$g/nul_byte.yaml"
  gen_check nul_byte.yaml "nul_byte.yaml: error: not a text file (it contains NUL bytes)"

  # Bytes that are not UTF-8 (and no NUL): a PNG signature and stray high bytes.
  printf '\x89PNG\r\n\x1a\n\xff\xfe\xfd\x01\x02\x03\x80\x81 garbage: [\xc3\x28 }\n' \
    >"$g/not_utf8.yaml"
  gen_check not_utf8.yaml "not_utf8.yaml:1:1: error: not a UTF-8 text file (invalid byte here)"

  # 30,000 keys in one mapping (350 kB): duplicate-key detection must not be quadratic.
  {
    echo 'duration: 1h'
    echo 'extra:'
    seq 0 29999 | sed 's/.*/  k&: 1/'
  } >"$g/many_keys.yaml"
  gen_check many_keys.yaml "many_keys.yaml:2:1: error: unknown key 'extra'"

  # 1,000 functions and 10,000 workloads that name missing functions (690 kB): the lookup must
  # not be functions x workloads, and messages must not list every function.
  {
    echo 'duration: 1h'
    echo 'functions:'
    seq 0 999 | sed 's/.*/  - {name: f&, duration: {type: constant, value: 1ms}, cold_start: {type: constant, value: 1ms}}/'
    echo 'workload:'
    seq 0 9999 | awk '{ printf "  - {function: g%d, arrivals: {type: poisson, rate: 1/h}}\n", $1 % 1000 }'
  } >"$g/many_workloads.yaml"
  # 11,000 entries, each checked in full: a stress case, not a typo, so it gets 3x the budget
  # (it takes about 0.1 s in a release build, about 1 s under the sanitizers).
  saved_max_ms=$max_ms
  max_ms=$((max_ms * 3))
  gen_check many_workloads.yaml "workload[0].function: no function named 'g0'"
  max_ms=$saved_max_ms
fi

# 3. `run` reports bad input exactly as `validate` does.
for name in typo_function_memroy multiple_errors pricing_missing_table; do
  [[ -f $here/$name.yaml ]] || continue
  # shellcheck disable=SC2053 # $filter is a glob
  [[ $filter == "*" || $name == $filter ]] || continue
  run_case "$here" validate "$name.yaml"
  want_rc=$rc
  cp "$tmp/err" "$tmp/validate_err"
  run_case "$here" run "$name.yaml"
  ok=0
  if ! [[ $rc -eq 2 && $want_rc -eq 2 ]]; then
    echo "FAIL: run $name.yaml: exit code $rc, validate gave $want_rc (want 2)"
    ok=1
  fi
  if ! cmp -s "$tmp/validate_err" "$tmp/err"; then
    echo "FAIL: run $name.yaml: standard error differs from validate's:"
    diff -u --label validate --label run "$tmp/validate_err" "$tmp/err" | head -20
    ok=1
  fi
  if [[ -s $tmp/out ]]; then
    echo "FAIL: run $name.yaml: printed on standard output"
    ok=1
  fi
  if ((ok == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

echo "$passed passed, $failed failed"
((failed == 0))
