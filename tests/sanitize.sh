#!/bin/sh
# tests/sanitize.sh — the test suite under the sanitizers, then a fuzz smoke run:
#   1. AddressSanitizer + UndefinedBehaviorSanitizer: everything is built in build-san/
#      and the whole suite (`make check`) runs there;
#   2. ThreadSanitizer: built in build-tsan/; the threaded units (tests/tsan_threads.c:
#      Criterion itself cannot start under TSan) and every e2e case, with the loader and
#      the evaluator on 4 threads;
#   3. every libFuzzer target (fuzz/fuzz_*.c) for FUZZ_SECONDS (default 60) each.
# Any sanitizer report, failed test or fuzz crash fails the run; tests/summary.sh prints one
# closing line over all of it. SANITIZE_SKIP="tsan fuzz" leaves steps out.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)
skip=${SANITIZE_SKIP:-}
[ -x configure ] || autoreconf -fi
stamp() { date +%s; }
t0=$(stamp)

# 1. ASan + UBSan
mkdir -p build-san
(
  cd build-san
  [ -f Makefile ] && [ Makefile -nt ../configure ] || ../configure --quiet --enable-sanitizers
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
  export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  make -j"$jobs" --no-print-directory
  make -j"$jobs" --no-print-directory check
)
t1=$(stamp)
echo "sanitize: ASan+UBSan: $((t1 - t0)) s"

# 2. TSan
if ! echo "$skip" | grep -qw tsan; then
  mkdir -p build-tsan
  (
    cd build-tsan
    [ -f Makefile ] && [ Makefile -nt ../configure ] ||
      ../configure --quiet CFLAGS="-g -O1 -fsanitize=thread" LDFLAGS="-fsanitize=thread"
    make -j"$jobs" --no-print-directory libplancheck.a src/plancheck
  )
  export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1"
  log=build-tsan/tests/tsan.log
  mkdir -p build-tsan/tests
  {
    ${CC:-gcc} -std=gnu11 -g -O1 -fsanitize=thread -Isrc -Iinclude -o build-tsan/tests/tsan_threads \
      tests/tsan_threads.c build-tsan/libplancheck.a -lm -lpthread
    if build-tsan/tests/tsan_threads; then echo "tsan: 1 passed, 0 failed"; else echo "tsan: 0 passed, 1 failed"; fi
  } > "$log" 2>&1 || true
  cat "$log"
  PLANCHECK_THREADS=4 PLANCHECK="$top/build-tsan/src/plancheck" E2E_TIMEOUT=600 \
    tests/e2e/run.sh > build-tsan/tests/e2e.log 2>&1 || true
  tail -3 build-tsan/tests/e2e.log
  t2=$(stamp)
  echo "sanitize: TSan: $((t2 - t1)) s"
else
  t2=$t1
fi

# 3. fuzz smoke: each target for FUZZ_SECONDS
if ! echo "$skip" | grep -qw fuzz; then
  flog=fuzz/smoke.log
  : > "$flog"
  fuzz/build.sh
  for src in fuzz/fuzz_*.c; do
    t=${src#fuzz/fuzz_}; t=${t%.c}
    if fuzz/run.sh "$t" "${FUZZ_SECONDS:-60}" > "fuzz/smoke-$t.log" 2>&1; then
      echo "fuzz: $t: $(grep -o 'Done [0-9]* runs' "fuzz/smoke-$t.log" | tail -1)"
    else
      echo "fuzz: $t: FAILED (fuzz/smoke-$t.log, fuzz/crash-$t-*)"; tail -30 "fuzz/smoke-$t.log"
    fi
  done | tee -a "$flog"
  echo "fuzz: $(grep -c ': Done' "$flog") passed, $(grep -c ': FAILED' "$flog") failed" >> "$flog"
  tail -1 "$flog"
  echo "sanitize: fuzz smoke: $(( $(stamp) - t2 )) s"
fi

# one closing line over every build (the plain build's logs are in build/)
logs=$(ls build/tests/unit/*.log build/tests/*/run.sh.log build-san/tests/unit/*.log build-san/tests/*/run.sh.log \
          build-tsan/tests/tsan.log build-tsan/tests/e2e.log fuzz/smoke.log 2>/dev/null | grep -v test-suite || true)
tests/summary.sh $logs
