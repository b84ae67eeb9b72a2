#!/bin/sh
# tests/sanitize.sh — build plancheck with AddressSanitizer + UndefinedBehaviorSanitizer
# in build-san/ and run the whole test suite there. Any report fails the run.
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
mkdir -p build-san
cd build-san
[ -f Makefile ] && [ Makefile -nt ../configure ] || ../configure --quiet --enable-sanitizers
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
make -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory
make -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory check
# one closing line over both builds (the plain build's logs are in ../build)
cd ..
logs=$(ls build/tests/unit/*.log build/tests/*/run.sh.log build-san/tests/unit/*.log build-san/tests/*/run.sh.log 2>/dev/null | grep -v test-suite || true)
tests/summary.sh $logs
