#!/bin/sh
# tests/coverage.sh — build plancheck with gcov counters in build-cov/, run the whole
# `make check` there and write an HTML report (build-cov/coverage/index.html) and one line of
# totals. `make -C build coverage` runs it. Not part of CI: the figure is in docs/reliability.md.
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
mkdir -p build-cov
cd build-cov
[ -f Makefile ] && [ Makefile -nt ../configure ] || ../configure --quiet --enable-coverage
make -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory
make -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory coverage
