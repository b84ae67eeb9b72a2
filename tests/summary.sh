#!/bin/sh
# tests/summary.sh DIR... — add up the results of `make check` runs in build directories
# (Criterion's "Synthesis" lines, the e2e/docs/repl runners' "N passed, N failed" lines)
# and print one closing line: "tests: N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
cat "$@" /dev/null | awk '
  /Synthesis: Tested:/ { for (i = 1; i <= NF; i++) { if ($i == "Passing:") p += $(i + 1);
                                                       if ($i == "Failing:" || $i == "Crashing:") f += $(i + 1) } }
  /^(e2e|docs|repl|html): [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
  END { printf "tests: %d passed, %d failed\n", p, f; exit f > 0 }'
