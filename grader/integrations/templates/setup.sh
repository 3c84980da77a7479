#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (Ubuntu). It installs
# a free-threaded CPython for the submissions, a regular CPython 3.11+ for the grader (mypy does
# not install on a free-threaded build), the grader from the bundled source, and the runtime
# venv the submissions run in, so that grading needs no network. Written by
# `grade gradescope-bundle`.
set -euo pipefail

root=${GRADE_AUTOGRADER_ROOT:-/autograder}
source_dir="$root/source"
export DEBIAN_FRONTEND=noninteractive
export GRADE_CACHE="$root/grade-cache"

free_threaded=""
grader_python=""

is_free_threaded() {
  "$1" -c 'import sys; sys.exit(sys._is_gil_enabled())' 2>/dev/null \
    && "$1" -m venv "$root/.probe-venv" >/dev/null 2>&1
  local usable=$?
  rm -rf "$root/.probe-venv"
  return $usable
}
can_run_grader() {
  "$1" -c 'import sys, sysconfig; sys.exit(sys.version_info < (3, 11) or bool(sysconfig.get_config_var("Py_GIL_DISABLED")))' 2>/dev/null
}

apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  python3 python3-venv ca-certificates git bubblewrap software-properties-common >/dev/null

# 1. uv (from PyPI) installs CPython builds for both.
if python3 -m venv "$root/uv-venv" && "$root/uv-venv/bin/python" -m pip install --quiet uv; then
  uv="$root/uv-venv/bin/uv"
  export UV_PYTHON_INSTALL_DIR="$root/pythons"
  if "$uv" python install 3.13t 3.13; then
    candidate=$("$uv" python find 3.13t || true)
    if [ -n "$candidate" ] && is_free_threaded "$candidate"; then free_threaded=$candidate; fi
    candidate=$("$uv" python find 3.13 || true)
    if [ -n "$candidate" ] && can_run_grader "$candidate"; then grader_python=$candidate; fi
  fi
fi

# 2. The deadsnakes PPA: python3.13 and its free-threaded build, python3.13t.
if [ -z "$free_threaded" ] && add-apt-repository -y ppa:deadsnakes/ppa \
  && apt-get install -y -qq python3.13 python3.13-venv python3.13-nogil >/dev/null; then
  if is_free_threaded python3.13t; then free_threaded=$(command -v python3.13t); fi
  if [ -z "$grader_python" ] && can_run_grader python3.13; then grader_python=$(command -v python3.13); fi
fi

# 3. Build it from source with the grader's own script (several minutes).
if [ -z "$free_threaded" ]; then
  bash "$source_dir/grade/grader/provision/build-cpython.sh" "$root/cpython-ft" 3.13
  free_threaded="$root/cpython-ft/bin/python3.13t"
fi
if [ -z "$grader_python" ] && can_run_grader python3; then grader_python=$(command -v python3); fi
if [ -z "$grader_python" ]; then
  echo "setup.sh: no CPython 3.11+ (GIL build) to run the grader on; install one and rerun" >&2
  exit 1
fi

"$grader_python" -m venv "$root/grade-venv"
"$root/grade-venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_dir/grade"

cat >"$source_dir/grade.env" <<ENV
GRADE_PYTHON=$free_threaded
GRADE_CACHE=$GRADE_CACHE
ENV

# Creates the runtime venv (pytest on the free-threaded interpreter) and checks the GIL is off.
GRADE_PYTHON="$free_threaded" GRADE_HOME="$source_dir/grade" "$root/grade-venv/bin/grade" setup
GRADE_PYTHON="$free_threaded" GRADE_HOME="$source_dir/grade" "$root/grade-venv/bin/grade" doctor
