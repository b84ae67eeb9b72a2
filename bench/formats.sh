#!/bin/bash
# bench/formats.sh — the same rows as tidy CSV, SDMX-CSV and an .xlsx workbook, loaded and
# evaluated by plancheck (hyperfine). The goal (issue 13): SDMX-CSV and xlsx within 3x the
# time of tidy CSV.
#   bench/formats.sh [ROWS] [BASELINE_PLANCHECK]   (default 1000000 rows)
# A second binary (e.g. a build of main) is timed on the tidy file beside this one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
rows=${1:-1000000}
base=${2:-}
pc=${PLANCHECK:-$top/build/src/plancheck}
dir=$here/data/formats/$rows
mkdir -p "$dir"
[ -f "$dir/book.xlsx" ] || python3 "$here/gen_formats.py" "$rows" "$dir"
ls -l "$dir"
run() { echo "$1 eval $dir/plan.plan --data $dir/$2 --all-regions --as-of 2024 --format csv"; }
cmds=("$(run "$pc" tidy.csv)" "$(run "$pc" sdmx.csv)" "$(run "$pc" book.xlsx)")
names=(tidy sdmx xlsx)
if [ -n "$base" ]; then cmds+=("$(run "$base" tidy.csv)"); names+=(tidy-baseline); fi
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-markdown "$dir/results.md" "${args[@]}"
cat "$dir/results.md"
