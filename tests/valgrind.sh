#!/bin/bash
# tests/valgrind.sh — the test suite under valgrind memcheck: the e2e cases and the
# documentation examples (plancheck wrapped through PLANCHECK_WRAP) and the Criterion unit
# tests (their forked workers traced). Any memcheck error or definite/indirect leak fails.
# Slow (minutes), so not part of `make check`: `make check-valgrind` runs it.
#   tests/valgrind.sh [e2e|docs|unit]...   default: all three; BUILD=DIR (default build/)
#   tests/valgrind.sh TEST [ARGS...]       one test under valgrind (automake's LOG_COMPILER)
# Each valgrind process logs to its own file; a non-empty log is a failure (Criterion does
# not count a worker's --error-exitcode, so the logs are what is checked).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/.." && pwd)}
builddir=${BUILD:-$top_srcdir/build}
export top_srcdir
PLANCHECK=${PLANCHECK:-$builddir/src/plancheck}
export PLANCHECK
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind): skipped"; exit 77; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --num-callers=30 --log-file=$logs/vg.%p.log"
# e2e cases that run the 100 MB inputs need more than the default 60 s under valgrind
export E2E_TIMEOUT=${E2E_TIMEOUT:-600}
# the randomised unit-test loops run 1% of their rounds (tests/unit/test_csv.c)
export PLANCHECK_TEST_QUICK=1

# Print and count the non-empty logs written since the last call.
check_logs() {
  local bad=0 f
  for f in "$logs"/vg.*.log; do
    [ -e "$f" ] || continue
    if [ -s "$f" ]; then
      echo "valgrind: $1: report in $(basename "$f"):"; cat "$f"; bad=$((bad+1))
    fi
    rm -f "$f"
  done
  return $bad
}

run_unit() {
  local t rc=0
  for t in "$builddir"/tests/unit/test_*; do
    [ -x "$t" ] && [ ! -d "$t" ] || continue
    case $t in *.o|*.log|*.trs|*.c) continue ;; esac
    echo "valgrind: unit: $(basename "$t")"
    $VG --trace-children=yes "$t" --jobs 1 --short-filename > "$logs/out" 2>&1 || { cat "$logs/out"; rc=1; }
    check_logs "$(basename "$t")" || rc=1
  done
  return $rc
}

status=0
if [ $# -ge 1 ] && [ -e "$1" ]; then   # LOG_COMPILER mode: one test
  case $1 in
    *.sh) PLANCHECK_WRAP="$VG" "$@" || status=$? ;;
    *)    $VG --trace-children=yes "$@" || status=$? ;;
  esac
  check_logs "$1" || status=1
  exit $status
fi
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(e2e docs unit)
for part in "${parts[@]}"; do
  case $part in
    e2e)  echo "valgrind: e2e"; PLANCHECK_WRAP="$VG" "$top_srcdir/tests/e2e/run.sh" || status=1
          check_logs e2e || status=1 ;;
    docs) echo "valgrind: docs"; PLANCHECK_WRAP="$VG" "$top_srcdir/tests/docs/run.sh" || status=1
          check_logs docs || status=1 ;;
    unit) run_unit || status=1 ;;
    *)    echo "valgrind: unknown part '$part' (e2e, docs, unit)" >&2; exit 2 ;;
  esac
done
[ $status = 0 ] && echo "valgrind: no errors, no leaks" || echo "valgrind: FAILED"
exit $status
