#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image. It installs a
# free-threaded CPython 3.13 for the submissions, a regular CPython 3.11+ for the grader (mypy
# does not install on a free-threaded build), the grader from the bundled source, and the
# runtime venv the submissions run in, so that grading needs no network. Written by
# `grade gradescope-bundle`.
#
# Base image: Ubuntu 22.04 or 24.04 ("Base" variant). Gradescope's image build has internet,
# which every route below needs:
#   1. uv (from PyPI) downloads both CPython builds (from GitHub);
#   2. else the deadsnakes PPA (Launchpad): python3.13 and python3.13-nogil (python3.13t);
#   3. else, on Debian only, the grader's own build from Debian's source package.
# On Ubuntu 24.04 the system python3 (3.12) also runs the grader; 22.04's (3.10) cannot.
# Whatever cannot be found stops the build with one line saying what to do.
set -euo pipefail

root=${GRADE_AUTOGRADER_ROOT:-/autograder}
os_release=${GRADE_OS_RELEASE:-/etc/os-release}  # moved by the tests, as the root is
source_dir="$root/source"
export DEBIAN_FRONTEND=noninteractive
export GRADE_CACHE="$root/grade-cache"

free_threaded=""
grader_python=""

stop() {
  echo "setup.sh: $*" >&2
  exit 1
}
# A free-threaded interpreter with the GIL off that can make a venv (the runtime venv).
is_free_threaded() {
  local usable=1
  if "$1" -c 'import sys; sys.exit(sys._is_gil_enabled())' 2>/dev/null \
    && "$1" -m venv "$root/.probe-venv" >/dev/null 2>&1; then
    usable=0
  fi
  rm -rf "$root/.probe-venv"
  return "$usable"
}
# A regular (GIL) CPython 3.11+ that can make a venv (the grader's).
can_run_grader() {
  local usable=1
  if "$1" -c 'import sys, sysconfig; sys.exit(sys.version_info < (3, 11) or bool(sysconfig.get_config_var("Py_GIL_DISABLED")))' 2>/dev/null \
    && "$1" -m venv "$root/.probe-venv" >/dev/null 2>&1; then
    usable=0
  fi
  rm -rf "$root/.probe-venv"
  return "$usable"
}
is_debian() {
  [ -r "$os_release" ] && grep -qx 'ID=debian' "$os_release"
}

apt-get update -qq || stop "apt-get update failed (see above): check the base image's apt sources"
apt-get install -y -qq --no-install-recommends \
  python3 python3-venv ca-certificates git bubblewrap >/dev/null \
  || stop "apt-get could not install python3, python3-venv, git and bubblewrap (see above)"

# 1. uv (from PyPI) installs CPython builds for both.
if python3 -m venv "$root/uv-venv" && "$root/uv-venv/bin/python" -m pip install --quiet uv; then
  uv="$root/uv-venv/bin/uv"
  export UV_PYTHON_INSTALL_DIR="$root/pythons"
  if "$uv" python install 3.13t; then
    candidate=$("$uv" python find 3.13t || true)
    if [ -n "$candidate" ] && is_free_threaded "$candidate"; then free_threaded=$candidate; fi
  fi
  if "$uv" python install 3.13; then
    candidate=$("$uv" python find 3.13 || true)
    if [ -n "$candidate" ] && can_run_grader "$candidate"; then grader_python=$candidate; fi
  fi
fi

# 2. The deadsnakes PPA, for whichever uv could not provide.
if { [ -z "$free_threaded" ] || [ -z "$grader_python" ]; } && ! is_debian \
  && apt-get install -y -qq --no-install-recommends software-properties-common gpg-agent >/dev/null \
  && add-apt-repository -y ppa:deadsnakes/ppa; then
  if [ -z "$free_threaded" ] \
    && apt-get install -y -qq --no-install-recommends python3.13-nogil python3.13-venv >/dev/null \
    && is_free_threaded python3.13t; then
    free_threaded=$(command -v python3.13t)
  fi
  if [ -z "$grader_python" ] \
    && apt-get install -y -qq --no-install-recommends python3.13 python3.13-venv >/dev/null \
    && can_run_grader python3.13; then
    grader_python=$(command -v python3.13)
  fi
fi

# 3. The system's own python3 runs the grader where it is 3.11+ (Ubuntu 24.04, Debian 12).
if [ -z "$grader_python" ] && can_run_grader python3; then grader_python=$(command -v python3); fi

# 4. On Debian, the grader's build from Debian's source package (several minutes). Its source
# list is Debian's, so it is never tried on Ubuntu.
if [ -z "$free_threaded" ] && is_debian; then
  bash "$source_dir/grade/grader/provision/build-cpython.sh" "$root/cpython-ft" 3.13 \
    || stop "building CPython 3.13 from Debian's source package failed (see above)"
  free_threaded="$root/cpython-ft/bin/python3.13t"
fi

if [ -z "$free_threaded" ]; then
  stop "no free-threaded CPython 3.13: uv's download and the deadsnakes PPA both failed (see above); pick the Ubuntu 22.04 or 24.04 base image and rebuild, as the build needs internet"
fi
if [ -z "$grader_python" ]; then
  stop "no CPython 3.11+ (GIL build) to run the grader: uv's download and the deadsnakes PPA both failed (see above); pick the Ubuntu 24.04 base image, whose python3 is 3.12, and rebuild"
fi

"$grader_python" -m venv "$root/grade-venv"
"$root/grade-venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_dir/grade" \
  || stop "pip could not install the grader from $source_dir/grade (see above)"

cat >"$source_dir/grade.env" <<ENV
GRADE_PYTHON=$free_threaded
GRADE_CACHE=$GRADE_CACHE
ENV

# Creates the runtime venv (pytest on the free-threaded interpreter) and checks the GIL is off.
GRADE_PYTHON="$free_threaded" GRADE_HOME="$source_dir/grade" "$root/grade-venv/bin/grade" setup
GRADE_PYTHON="$free_threaded" GRADE_HOME="$source_dir/grade" "$root/grade-venv/bin/grade" doctor
