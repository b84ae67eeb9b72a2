#!/bin/sh
# bootstrap.sh — install what is missing (Debian 12, as root), generate the build system
# and build plancheck out of tree in build/. Safe to run again: it only does what is needed.
set -eu
cd "$(dirname "$0")"
PKGS="gcc make autoconf automake flex bison pkg-config libreadline-dev libcriterion-dev clang libclang-rt-dev"
PKGS="$PKGS libxlsxwriter-dev chromium poppler-utils"   # --format xlsx; the HTML report's browser test
PKGS="$PKGS clang-format groff-base lcov"   # the format and man-page tests; make coverage
PKGS="$PKGS libunistring-dev libjansson-dev libzip-dev libexpat1-dev"   # data formats (docs/data.md)
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "bootstrap: installing:$missing"
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] && [ Makefile -nt ../configure ] || ../configure --quiet
make -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory
