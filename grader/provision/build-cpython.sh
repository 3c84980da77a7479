#!/usr/bin/env bash
# Build a free-threaded CPython (./configure --disable-gil) from Debian's trixie source package.
# Used where no free-threaded interpreter can be downloaded. Idempotent: an existing build at
# PREFIX is reused. Usage: build-cpython.sh PREFIX [VERSION]
set -euo pipefail

prefix=${1:?usage: build-cpython.sh PREFIX [VERSION]}
version=${2:-3.13}
exe="$prefix/bin/python${version}t"

if [ -x "$exe" ] && "$exe" -c 'import sys; sys.exit(sys._is_gil_enabled())' 2>/dev/null; then
  echo "free-threaded CPython already built: $exe"
  exit 0
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Only trixie: newer suites list source versions whose files are not served.
list=/etc/apt/sources.list.d/grade-trixie-src.list
if [ ! -f "$list" ]; then
  echo "deb-src http://deb.debian.org/debian trixie main" | as_root tee "$list" >/dev/null
fi
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  build-essential libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev libsqlite3-dev \
  libreadline-dev uuid-dev libgdbm-dev libncurses-dev xz-utils dpkg-dev >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source --download-only "python${version}" >/dev/null
tarball=$(ls python"${version}"_*.orig.tar.xz | head -n 1)
tar -xJf "$tarball"
src=$(find . -maxdepth 1 -type d -name 'Python-*' | head -n 1)
cd "$src"
./configure --disable-gil --prefix="$prefix" --with-ensurepip=install >configure.log 2>&1 \
  || { tail -n 30 configure.log; exit 1; }
make -j"$(nproc)" >make.log 2>&1 || { tail -n 40 make.log; exit 1; }
make install >install.log 2>&1 || { tail -n 40 install.log; exit 1; }
"$exe" -c 'import sys; assert not sys._is_gil_enabled(), "GIL is enabled"; print(sys.version)'
