#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium loads reports of a few example
# scenarios with no error on its console, and the DOM it builds has the charts with the
# expected SVG elements. The report must also be self-contained (no script, stylesheet, font
# or image fetched from anywhere).
#   browser_test.sh LAMBDASIM SOURCE_DIR [SCREENSHOT_DIR]
# With SCREENSHOT_DIR it also renders report.png (the quickstart report) and timeline.png (a
# teaching timeline) there: the pictures in README.md come from this (copy them after review).
# Exit 77 (ctest: skipped) with a clear message when Chromium is not installed; tools/test
# installs the Debian package `chromium` when it can.
set -uo pipefail
bin=$1
src=$2
shots=${3:-}
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIPPED: Chromium is not installed (apt-get install chromium); the HTML report was not checked in a browser"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

for name in quickstart canary provisioned_target_tracking async_retries; do
  html=$tmp/$name.html
  if ! "$bin" run "$src/scenarios/$name.yaml" --format html --output "$html" 2>"$tmp/err"; then
    fail "$name: lambdasim run --format html failed: $(head -3 "$tmp/err")"
    continue
  fi
  # Self-contained: no external references beyond the SVG namespace.
  if grep -qiE '<script|<link|<img|@import|url\(' "$html" ||
     grep -oE 'https?://[^"]+' "$html" | grep -qv '^http://www.w3.org/2000/svg$'; then
    fail "$name: the report references something outside itself"
  fi
  # Load it. --dump-dom prints the DOM after loading; console messages go to stderr with
  # --enable-logging=stderr.
  if ! timeout 120 "$browser" --headless --no-sandbox --disable-gpu --enable-logging=stderr \
       --v=0 --dump-dom "file://$html" >"$tmp/dom" 2>"$tmp/log"; then
    fail "$name: Chromium could not load the report: $(tail -3 "$tmp/log")"
    continue
  fi
  if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load|ERR_FILE' "$tmp/log" | grep -q .; then
    fail "$name: errors while loading: $(grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load|ERR_FILE' "$tmp/log" | head -3)"
  fi
  # The charts, as the browser parsed them.
  ok=1
  for want in 'class="chart chart-cdf"' 'class="cdf-warm"' 'class="chart chart-concurrency"' \
              'class="series-busy"' 'class="series-live"' 'class="chart chart-events"' \
              'class="chart chart-cost"' 'class="cost-bar"' '<pre class="scenario">' \
              '<h2>Assumptions</h2>'; do
    if ! grep -qF -- "$want" "$tmp/dom"; then
      fail "$name: the loaded page lacks $want"
      ok=0
    fi
  done
  # A polyline of the CDF has 200 points.
  points=$(grep -oE 'class="cdf-warm"[^>]*points="[^"]*"' "$tmp/dom" | head -1 | grep -oE '[0-9.]+,[0-9.]+' | wc -l)
  if ((points != 200)); then fail "$name: the warm CDF has $points points, want 200"; ok=0; fi
  if [[ $name == provisioned_target_tracking ]] && ! grep -qF 'class="series-provisioned"' "$tmp/dom"; then
    fail "$name: no provisioned series"
    ok=0
  fi
  if [[ $name == canary || $name == async_retries ]] && ! grep -qF 'class="cdf-cold"' "$tmp/dom"; then
    fail "$name: no cold CDF"
    ok=0
  fi
  ((ok == 1)) && passed=$((passed + 1))
done
# A sweep's report: one chart per headline statistic, the best point marked.
sweep=$tmp/sweep.html
if "$bin" sweep "$src/scenarios/quickstart.yaml" --set 'functions.api.memory=256MB,512MB,1GB' \
     --set duration=20m --set warmup=0 --replications 2 --format html --output "$sweep" 2>"$tmp/err" &&
   timeout 120 "$browser" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
     --dump-dom "file://$sweep" >"$tmp/dom" 2>"$tmp/log"; then
  charts=$(grep -o 'class="chart sweep-stat"' "$tmp/dom" | wc -l)
  if ((charts == 9)) && grep -qF 'class="point best"' "$tmp/dom" && grep -qF 'class="ci"' "$tmp/dom" &&
     ! grep -qE 'CONSOLE|Uncaught|SyntaxError' "$tmp/log"; then
    passed=$((passed + 1))
  else
    fail "sweep: $charts charts (want 9), or no best point / interval, or errors while loading"
  fi
else
  fail "sweep: could not produce or load the HTML: $(head -3 "$tmp/err" "$tmp/log")"
fi
# Screenshots for README.md: rendered by Chromium, checked to be PNG images.
if [[ -n $shots ]]; then
  mkdir -p "$shots"
  "$bin" run "$src/scenarios/quickstart.yaml" --format html --output "$tmp/q.html" 2>/dev/null
  "$bin" trace "$src/scenarios/teaching/2_keep_alive.yaml" --limit 1 \
    --set functions.report.keep_alive=aws_2021 --timeline "$tmp/t.svg" >/dev/null 2>&1
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=900,2400 --screenshot="$shots/report.png" "file://$tmp/q.html" >/dev/null 2>&1
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1180,420 --screenshot="$shots/timeline.png" "file://$tmp/t.svg" >/dev/null 2>&1
  for png in report timeline; do
    if [[ $(head -c 8 "$shots/$png.png" 2>/dev/null | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; then
      passed=$((passed + 1))
    else
      fail "screenshot $png.png was not rendered"
    fi
  done
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
