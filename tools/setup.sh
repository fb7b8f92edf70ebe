#!/usr/bin/env bash
# tools/setup.sh: shared set-up for tools/lambdasim and tools/test.
#
# Source it, then call:
#   lsim_setup                 check cmake (>= 3.25), Ninja and g++ (>= 12) and the Debian
#                              packages the build needs; install missing packages when we are
#                              root or have passwordless sudo, otherwise say what to install
#                              and exit 2. Sets LSIM_ROOT to the repository root.
#   lsim_build PRESET [TARGET...]
#                              configure build/PRESET if it has not been configured yet, then
#                              `cmake --build --preset PRESET [--target TARGET...]`. Output goes
#                              to build/PRESET.log; on failure its last 60 lines go to stderr
#                              and the calling script exits 1.
# Run directly (tools/setup.sh [PRESET [TARGET...]]) it does lsim_setup, then lsim_build if a
# preset is given.
#
# Environment:
#   LSIM_EXTRA_PACKAGES  extra Debian package names (whitespace-separated) appended to the
#                        required list; used to test the missing-package paths with a fake name.
#   LSIM_VERBOSE=1       also stream configure/build output to stderr while it is logged.
set -euo pipefail

# The repository root, from this file's own location (not the caller's working directory).
LSIM_ROOT="$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
export LSIM_ROOT

LSIM_PACKAGES=(cmake ninja-build g++ libyaml-cpp-dev libfmt-dev libboost-program-options-dev
               libeigen3-dev catch2 zlib1g-dev)
LSIM_MIN_CMAKE=3.25
LSIM_MIN_GXX=12

_lsim_err() { printf 'lambdasim: %s\n' "$*" >&2; }

# _lsim_version_ge HAVE MIN: true when dotted version HAVE >= MIN (numeric, field by field).
_lsim_version_ge() {
  local -a have min
  local i h m
  IFS=. read -ra have <<<"$1"
  IFS=. read -ra min <<<"$2"
  for ((i = 0; i < ${#min[@]}; i++)); do
    h=${have[i]:-0} m=${min[i]:-0}
    h=${h%%[!0-9]*} m=${m%%[!0-9]*}
    ((10#${h:-0} > 10#${m:-0})) && return 0
    ((10#${h:-0} < 10#${m:-0})) && return 1
  done
  return 0
}

_lsim_nproc() {
  nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2
}

# Print the packages of "$@" that dpkg does not report as installed.
_lsim_missing_packages() {
  local pkg
  for pkg in "$@"; do
    # One status line per architecture dpkg knows the name for; any "install ok installed" wins.
    if ! dpkg-query -W -f='${Status}\n' -- "$pkg" 2>/dev/null | grep -qx 'install ok installed'; then
      printf '%s\n' "$pkg"
    fi
  done
}

# _lsim_apt_install PKG...: apt-get update + install as root or through `sudo -n`.
# Output goes to a log file; on failure its tail goes to stderr and we exit 2.
_lsim_apt_install() {
  local -a as_root=()
  ((EUID == 0)) || as_root=(sudo -n)
  local log
  if mkdir -p -- "$LSIM_ROOT/build" 2>/dev/null && : >"$LSIM_ROOT/build/apt-get.log" 2>/dev/null; then
    log=$LSIM_ROOT/build/apt-get.log
  else
    log=$(mktemp "${TMPDIR:-/tmp}/lambdasim-apt-get.XXXXXX")
  fi
  _lsim_err "installing missing Debian packages: $* (log: $log)"
  # A failed update (e.g. offline) is not fatal by itself: the install may still succeed from
  # the existing package lists, and if it does not, the log shows both.
  if ! "${as_root[@]}" apt-get update >>"$log" 2>&1; then
    printf '\n(apt-get update failed; trying the install anyway)\n' >>"$log"
  fi
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "$@" >>"$log" 2>&1; then
    tail -n 40 -- "$log" >&2
    _lsim_err "apt-get install failed; full log: $log"
    exit 2
  fi
}

_lsim_check_tools() {
  local -a missing=()
  local tool
  for tool in cmake ninja g++; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    _lsim_err "missing tools: ${missing[*]}"
    printf 'install CMake >= %s, Ninja, g++ >= %s, yaml-cpp, fmt, Boost.Program_options, Eigen3 and Catch2 with your package manager\n' \
      "$LSIM_MIN_CMAKE" "$LSIM_MIN_GXX" >&2
    exit 2
  fi
  local v
  v=$(cmake --version | sed -n '1s/^cmake version \([0-9][0-9.]*\).*/\1/p')
  if ! _lsim_version_ge "${v:-0}" "$LSIM_MIN_CMAKE"; then
    _lsim_err "cmake >= $LSIM_MIN_CMAKE is required, found ${v:-unknown} ($(command -v cmake))"
    exit 2
  fi
  v=$(g++ -dumpfullversion -dumpversion 2>/dev/null || true)
  if ! _lsim_version_ge "${v:-0}" "$LSIM_MIN_GXX"; then
    _lsim_err "g++ >= $LSIM_MIN_GXX is required, found ${v:-unknown} ($(command -v g++))"
    exit 2
  fi
}

lsim_setup() {
  if command -v dpkg-query >/dev/null 2>&1; then
    local -a wanted=("${LSIM_PACKAGES[@]}") extra=() missing=()
    read -ra extra <<<"${LSIM_EXTRA_PACKAGES:-}"
    wanted+=("${extra[@]}")
    mapfile -t missing < <(_lsim_missing_packages "${wanted[@]}")
    if ((${#missing[@]})); then
      if ((EUID == 0)) || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
        _lsim_apt_install "${missing[@]}"
        mapfile -t missing < <(_lsim_missing_packages "${missing[@]}")
        if ((${#missing[@]})); then
          _lsim_err "still missing after apt-get install: ${missing[*]}"
          exit 2
        fi
      else
        printf 'lambdasim: missing Debian packages: %s\n' "${missing[*]}" >&2
        printf 'install them with:  sudo apt-get install %s\n' "${missing[*]}" >&2
        exit 2
      fi
    fi
  fi
  _lsim_check_tools
}

# lsim_optional_packages PKG...: installs what is missing of PKG... when we are root or have
# passwordless sudo; never fails (the tests that need them are skipped with a message).
lsim_optional_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local -a missing=()
  mapfile -t missing < <(_lsim_missing_packages "$@")
  ((${#missing[@]})) || return 0
  if ((EUID == 0)) || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    (_lsim_apt_install "${missing[@]}") >/dev/null 2>&1 ||
      _lsim_err "could not install ${missing[*]}; the tests that need it are skipped"
  else
    _lsim_err "optional packages not installed: ${missing[*]} (sudo apt-get install ${missing[*]}); the tests that need them are skipped"
  fi
  return 0
}

lsim_build() {
  if (($# < 1)); then
    _lsim_err "usage: lsim_build PRESET [TARGET...]"
    exit 1
  fi
  local preset=$1
  shift
  local bindir=$LSIM_ROOT/build/$preset
  local log=$LSIM_ROOT/build/$preset.log
  local -a build_args=(--build --preset "$preset" --parallel "$(_lsim_nproc)")
  (($#)) && build_args+=(--target "$@")
  mkdir -p -- "$LSIM_ROOT/build"

  # Serialise concurrent builds of the same preset (two ninjas in one build tree break each
  # other). The lock is released before returning, so it is not held by an exec'd simulator.
  local lock_fd=''
  if command -v flock >/dev/null 2>&1; then
    exec {lock_fd}>"$LSIM_ROOT/build/$preset.lock"
    flock "$lock_fd"
  fi

  local tty_notice=0
  if [[ -t 2 ]]; then
    tty_notice=1
    printf 'lambdasim: building (%s)...' "$preset" >&2
  fi

  : >"$log"
  local -a sink=(cat)
  [[ ${LSIM_VERBOSE:-0} == 1 ]] && sink=(tee /dev/stderr)
  local status=0
  # cmake --preset reads CMakePresets.json from the working directory, hence the cd (in a
  # subshell, so the caller's directory is untouched). Configure only when the tree has never
  # been configured (or a configure died before writing build.ninja); after that ninja re-runs
  # cmake by itself whenever a CMakeLists.txt changed.
  # (errexit does not apply inside a `||` list, hence the explicit `|| exit`.)
  (
    cd -- "$LSIM_ROOT" || exit 1
    if [[ ! -f $bindir/CMakeCache.txt || ! -f $bindir/build.ninja ]]; then
      cmake --preset "$preset" || exit 1
    fi
    cmake "${build_args[@]}"
  ) 2>&1 | "${sink[@]}" >>"$log" || status=$?

  if [[ -n $lock_fd ]]; then
    exec {lock_fd}>&-
  fi

  if ((status != 0)); then
    ((tty_notice)) && printf '\n' >&2
    tail -n 60 -- "$log" >&2
    _lsim_err "build of preset '$preset' failed; full log: $log"
    exit 1
  fi
  # Success: clear the notice so the program's own output starts on a clean line.
  ((tty_notice)) && printf '\r\033[K' >&2
  return 0
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  lsim_setup
  if (($#)); then
    lsim_build "$@"
  fi
fi
