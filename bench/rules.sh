#!/bin/bash
# bench/rules.sh — how long `plancheck check` takes on a large rules file (default 1 MB):
# generates a plan with many agencies, indicators, targets and responsibilities, then
# times `check` with hyperfine.   bench/rules.sh [MEGABYTES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mb=${1:-1}
mkdir -p "$here/data"
f=$here/data/big-$mb.plan
{
  echo "plan \"BIG\" { title \"generated\" region \"R\" issued 2024-01-01 baseline 2020 }"
  i=0
  while :; do
    i=$((i+1))
    echo "agency A$i \"Sở số $i — cơ quan được tạo tự động\""
    echo "indicator ind$i \"Chỉ số $i\" unit % lower is better"
    echo "# Chỉ tiêu $i: giảm xuống dưới $((i % 40 + 5))% vào năm 2025 và $((i % 30 + 2))% vào năm 2030"
    echo "target CT$i \"Chỉ tiêu $i\": ind$i < $((i % 40 + 5))% by 2025, < $((i % 30 + 2))% by 2030"
    echo "responsible A$i for CT$i with A$(( (i % 7) + 1 ))"
    [ $i -ge $((mb * 3300)) ] && break
  done
  echo "report every year by 30 Nov from all to A1"
} > "$f"
echo "bench: $f is $(wc -c < "$f") bytes, $(grep -c '^target' "$f") targets"
[ -x "$top/build/src/plancheck" ] || "$top/bootstrap.sh"
"$top/build/src/plancheck" check "$f"
hyperfine --warmup 2 --runs 10 --style basic "$top/build/src/plancheck check -q $f"
