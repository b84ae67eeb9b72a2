#!/bin/sh
# tests/summary.sh LOG... — add up the results of test runs (Criterion's "Synthesis" lines;
# the e2e/docs/repl runners', the TSan driver's and the fuzz smoke run's "N passed, N failed"
# lines) and print one closing line: "tests: N passed, N failed" (exit 1 if any failed).
set -eu
cd "$(dirname "$0")/.."
cat "$@" /dev/null | awk '
  /Synthesis: Tested:/ { for (i = 1; i <= NF; i++) { if ($i == "Passing:") p += $(i + 1);
                                                       if ($i == "Failing:" || $i == "Crashing:") f += $(i + 1) } }
  /^(e2e|docs|repl|tsan|fuzz|html): [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
  END { printf "tests: %d passed, %d failed\n", p, f; exit f > 0 }'
