# Shared by the CLI test scripts (source it after setting `bin`): a scratch folder, the pass and
# fail counters, and check().
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {  # check NAME EXPECTED_EXIT EXPECTED_OUTPUT_SUBSTRING -- ARGS...
  local name=$1 want_rc=$2 want=$3
  shift 4
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -ne $want_rc ]] || ! grep -qF -- "$want" "$tmp/err" "$tmp/out"; then
    echo "FAIL: $name: exit $rc (want $want_rc, and '$want'), output:"
    cat "$tmp/out" "$tmp/err" | head -20
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}
