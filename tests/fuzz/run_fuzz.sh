#!/usr/bin/env bash
# Builds the scenario fuzzer (tests/fuzz/fuzz_scenario.cpp) with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, seeds it with every example scenario and the bad-input corpus, and
# fuzzes for SECONDS. Exits non-zero on any crash, sanitizer report, leak, timeout (> 5 s for one
# input) or out-of-memory (> 2 GB); the reproducer is then in BUILD_DIR/fuzz/artifacts/.
#
# Usage: run_fuzz.sh SECONDS BUILD_DIR
#   BUILD_DIR is created if needed and reused: the library is built there (separate CMake builds)
#   and the corpus grows in BUILD_DIR/fuzz/corpus from run to run.
# Needs clang++ (14 or later) with the libFuzzer runtime (Debian: libclang-rt-14-dev), and g++ for
# the fallback below.
# Reproduce one input:  BUILD_DIR/fuzz_scenario FILE
# Minimise a crash:     BUILD_DIR/fuzz_scenario -minimize_crash=1 -runs=20000 FILE
# Environment: CXX / CC (default clang++ / clang); LSIM_FUZZ_TOOLCHAIN (below);
#              LSIM_FUZZ_JOBS (default 1) parallel fuzzing processes;
#              LSIM_FUZZ_EXCLUDE seed file names (globs, space-separated) to leave out, e.g.
#              'bad_input_alias_bomb.yaml' (seeds are scenarios/*.yaml and bad_input_*.yaml);
#              LSIM_FUZZ_FRESH_CORPUS=1 starts from the seeds alone (for repeatable short runs).
set -euo pipefail

if [[ $# -ne 2 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS BUILD_DIR" >&2
  exit 2
fi
seconds=$1
build=$(mkdir -p "$2" && cd "$2" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cxx=${CXX:-clang++}
cc=${CC:-clang}
jobs=${LSIM_FUZZ_JOBS:-1}

# 1. The toolchain: clang with a libFuzzer runtime.
if ! command -v "$cxx" >/dev/null; then
  echo "$0: '$cxx' not found; install clang (Debian: apt-get install clang)" >&2
  exit 2
fi
probe=$build/probe
mkdir -p "$probe"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  >"$probe/probe.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" \
  2>"$probe/log"; then
  echo "$0: '$cxx -fsanitize=fuzzer' does not link:" >&2
  cat "$probe/log" >&2
  echo "(Debian: apt-get install libclang-rt-N-dev, N being clang's major version)" >&2
  exit 2
fi

# 2. The library, built by the project's own CMake (so the source list never drifts), with
#    sanitizers and coverage instrumentation, and the fuzz target linked against it. The wrapper
#    project that adds the fuzz target is generated in the build folder, not in the source tree.
#
#    clang: -fsanitize=fuzzer (edge coverage, comparison tracing): the normal way.
#    gcc:   used when the library does not compile with clang. GCC builds it with
#           -fsanitize-coverage=trace-pc,trace-cmp; the target links libFuzzer's runtime (its
#           retired trace-pc hook weakened with objcopy) and the coverage shim in
#           fuzz_scenario.cpp. Coarser coverage; the same sanitizers and the same crash, leak,
#           timeout and memory checks.
#    LSIM_FUZZ_TOOLCHAIN=clang|gcc|auto (default auto: clang, and gcc if clang fails).
write_if_changed() {  # write_if_changed FILE < CONTENT: keeps FILE's timestamp if unchanged
  cat >"$1.new"
  if cmp -s "$1.new" "$1"; then rm "$1.new"; else mv "$1.new" "$1"; fi
}
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi

build_with() {  # build_with clang|gcc : builds $build/bin-TOOLCHAIN/fuzz_scenario
  local tc=$1 wrapper=$build/wrapper-$1 cmake_dir=$build/cmake-$1 extra
  local tc_cc=$cc tc_cxx=$cxx sanitize='address;undefined;fuzzer-no-link'
  mkdir -p "$wrapper"
  if [[ $tc == gcc ]]; then
    tc_cc=gcc tc_cxx=g++ sanitize='address;undefined'
    local archive
    archive="$("$cxx" -print-runtime-dir 2>/dev/null || true)/libclang_rt.fuzzer-$(uname -m).a"
    if [[ ! -f $archive ]]; then
      for candidate in /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-"$(uname -m)".a; do
        [[ -f $candidate ]] && archive=$candidate
      done
    fi
    if [[ ! -f $archive ]] || ! command -v g++ >/dev/null || ! command -v objcopy >/dev/null; then
      echo "$0: the gcc fallback needs g++, objcopy and libclang_rt.fuzzer-$(uname -m).a" \
        >"$build/cmake-build-gcc.log"
      return 1
    fi
    objcopy --weaken-symbol=__sanitizer_cov_trace_pc "$archive" "$build/libfuzzer_gcc.tmp.a"
    write_if_changed "$build/libfuzzer_gcc.a" <"$build/libfuzzer_gcc.tmp.a"
    rm -f "$build/libfuzzer_gcc.tmp.a"
    extra="
foreach(lib lsim_core lsim_models)
  target_compile_options(\${lib} PRIVATE -fsanitize-coverage=trace-pc,trace-cmp)
endforeach()
target_compile_definitions(fuzz_scenario PRIVATE LSIM_FUZZ_TRACE_PC_SHIM=1)
# after the libraries on the link line, so it resolves their coverage hooks
target_link_libraries(lsim_core INTERFACE \"$build/libfuzzer_gcc.a\")"
  else
    extra="
target_compile_options(fuzz_scenario PRIVATE -fsanitize=fuzzer)
target_link_options(fuzz_scenario PRIVATE -fsanitize=fuzzer)"
  fi
  write_if_changed "$wrapper/CMakeLists.txt" <<EOF
# Generated by tests/fuzz/run_fuzz.sh ($tc): lambdasim's libraries and the fuzz target.
cmake_minimum_required(VERSION 3.25)
project(lsim_fuzz LANGUAGES CXX)
add_subdirectory("$src" lsim)
add_executable(fuzz_scenario "$src/tests/fuzz/fuzz_scenario.cpp")
target_link_libraries(fuzz_scenario PRIVATE lsim::models)
set_target_properties(fuzz_scenario PROPERTIES RUNTIME_OUTPUT_DIRECTORY "$build/bin-$tc")$extra
EOF
  if [[ ! -f $cmake_dir/CMakeCache.txt ]]; then
    if ! CC=$tc_cc CXX=$tc_cxx cmake -S "$wrapper" -B "$cmake_dir" "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -g' \
      -DLSIM_SANITIZE="$sanitize" -DLSIM_EXPENSIVE_CHECKS=ON \
      -DLSIM_BUILD_TESTS=OFF -DLSIM_BUILD_BENCHMARKS=OFF \
      >"$build/cmake-build-$tc.log" 2>&1; then
      rm -rf "$cmake_dir"
      return 1
    fi
  fi
  cmake --build "$cmake_dir" --target fuzz_scenario >"$build/cmake-build-$tc.log" 2>&1 || return 1
  ln -sfn "bin-$tc/fuzz_scenario" "$build/fuzz_scenario"
}

build_failed() {  # build_failed TOOLCHAIN
  echo "$0: the $1 build failed; the end of $build/cmake-build-$1.log:" >&2
  tail -30 "$build/cmake-build-$1.log" >&2
  exit 2
}

toolchain=${LSIM_FUZZ_TOOLCHAIN:-auto}
case $toolchain in
  clang | gcc)
    build_with "$toolchain" || build_failed "$toolchain"
    ;;
  auto)
    if build_with clang; then
      toolchain=clang
    else
      first_error=$(grep -m1 'error:' "$build/cmake-build-clang.log" | cut -c1-240 || true)
      echo "NOTE: the library does not build with $cxx: $first_error"
      echo "NOTE: fuzzing a GCC build with libFuzzer's runtime and a trace-pc coverage shim instead."
      build_with gcc || build_failed gcc
      toolchain=gcc
    fi
    ;;
  *)
    echo "$0: LSIM_FUZZ_TOOLCHAIN must be clang, gcc or auto" >&2
    exit 2
    ;;
esac
echo "fuzz target: $build/fuzz_scenario (built with $toolchain)"

# 3. Seeds (refreshed every run), the growing corpus, a dictionary of the scenario vocabulary.
f=$build/fuzz
rm -rf "$f/seeds"
if [[ ${LSIM_FUZZ_FRESH_CORPUS:-0} == 1 ]]; then rm -rf "$f/corpus"; fi
mkdir -p "$f/seeds" "$f/corpus" "$f/artifacts" "$f/work"
cp "$src"/scenarios/*.yaml "$f/seeds/"
for y in "$src"/tests/bad_input/*.yaml; do cp "$y" "$f/seeds/bad_input_$(basename "$y")"; done
# Small valid scenarios that the target also simulates (the examples run for hours; the target
# cuts them to 10 minutes), so the fuzzer starts with the simulator's paths covered.
cat >"$f/seeds/sim_basic.yaml" <<'YAML'
name: sim_basic
seed: 7
duration: 1m
warmup: 10s
pricing: { region: us-east-1, date: 2026-01-01 }
functions:
  - name: api
    runtime: python3.12
    memory: 512MB
    timeout: 30s
    duration: { type: lognormal, median: 120ms, p99: 900ms }
    cold_start: { type: lognormal, mu: -1.4, sigma: 0.5 }
    keep_alive: { type: fixed, idle: 20s, max_lifetime: 40s }
    reuse: lru
workload:
  - function: api
    arrivals: { type: poisson, rate: 20/s }
YAML
cat >"$f/seeds/sim_two_functions.yaml" <<'YAML'
duration: 30s
account: { concurrency_limit: 110 }
pricing: { date: 2025-01-01, free_tier: true }
functions:
  - name: web
    reserved_concurrency: 5
    timeout: 1s
    duration: { type: exponential, mean: 200ms }
    cold_start: { type: uniform, min: 100ms, max: 400ms }
    reuse: { type: random }
  - name: batch
    architecture: arm64
    runtime: provided.al2023
    package_type: image
    ephemeral_storage: 1GB
    memory: 2GB
    duration: { type: empirical, samples: [10ms, 50ms, 2s] }
    cold_start: { type: constant, value: 0ms }
    keep_alive: { type: fixed, idle: 0s }
    reuse: newest
workload:
  - function: web
    arrivals: { type: constant, rate: 50/s }
  - function: batch
    arrivals: { type: poisson, rate: 300/m }
  - function: web
    arrivals: { type: poisson, rate: 1/s }
YAML
cat >"$f/seeds/sim_throttle.yaml" <<'YAML'
duration: 20s
account: { concurrency_limit: 100 }
functions:
  - name: hot
    memory: 10GB
    timeout: 900s
    duration: { type: constant, value: 1s }
    cold_start: { type: constant, value: 2s }
workload:
  - function: hot
    arrivals: { type: poisson, rate: 500/s }
YAML
# LSIM_FUZZ_EXCLUDE: seed names (globs) to leave out, e.g. a known slow input while it is open.
for pattern in ${LSIM_FUZZ_EXCLUDE:-}; do
  # shellcheck disable=SC2086 # $pattern is a glob
  (cd "$f/seeds" && rm -f -- $pattern)
done
entry() {  # one dictionary entry, quoted and escaped as libFuzzer wants
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"\n' "$s"
}
{
  for w in name description seed duration warmup account concurrency_limit pricing region date \
    free_tier table functions runtime architecture package_type memory ephemeral_storage timeout \
    reserved_concurrency cold_start keep_alive reuse workload function arrivals type value mean \
    min max median p99 mu sigma samples idle max_lifetime rate constant poisson exponential \
    uniform lognormal empirical fixed mru lru random newest x86_64 arm64 zip image us-east-1 \
    python3.12 nodejs20.x java21 provided.al2023 true false null; do
    entry "$w"
  done
  for w in 'duration: ' 'type: ' ': ' '- ' '{' '}' '[' ']' ', ' '&a ' '*a' '<<: ' '---' '...' \
    '"' "'" '#' '|' '>' '!!str ' '!!map ' '~' 'ms' 's' 'us' 'm' 'min' 'h' 'd' '/s' '/m' '/h' \
    '/d' 'MB' 'GB' 'e9' '1e308' '-0' '.5' '_' '2025-08-01' '2024-02-29'; do
    entry "$w"
  done
  printf '"\\x0a  "\n"\\x0a    "\n"\\x09"\n'
} >"$f/scenario.dict"

# 4. Fuzz, from an empty work folder (relative paths in inputs resolve there).
args=(-max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048
      -dict="$f/scenario.dict" -artifact_prefix="$f/artifacts/" -print_final_stats=1)
if ((jobs > 1)); then args+=(-jobs="$jobs" -workers="$jobs"); fi
echo "fuzzing for ${seconds}s; log: $f/fuzz.log"
status=0
(
  cd "$f/work"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  exec "$build/fuzz_scenario" "${args[@]}" "$f/corpus" "$f/seeds"
) >"$f/fuzz.log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^Done ' "$f/fuzz.log" || true
if ((status != 0)); then
  echo "FAIL: the fuzzer stopped with status $status; the end of $f/fuzz.log:"
  grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' "$f/fuzz.log" | tail -60
  echo "artifacts in $f/artifacts:"
  ls -l "$f/artifacts/"
  exit 1
fi
echo "ok: no crash, leak, timeout or out-of-memory in ${seconds}s"
