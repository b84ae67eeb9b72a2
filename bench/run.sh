#!/bin/bash
# bench/run.sh — plancheck beside the peers of ../shared/bench (DuckDB, pandas, gawk,
# sqlite, the Python oracle) on the same generated data, in one hyperfine run.
#   bench/run.sh [small|medium|large] [--only "plancheck duckdb"]   (default: medium)
# It checks that plancheck's output is byte-identical to the oracle's, then prints the
# median wall time and peak RSS of each, as ratios to plancheck. Needs root once, to
# install the peers' packages (Debian 12); generated data goes to bench/data/ (ignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
shared=${SHARED_BENCH:-$top/../shared/bench}
size=${1:-medium}; shift || true
only=""
[ "${1:-}" = "--only" ] && only=$2
case $size in
  small)  R=1000;  RUNS=5 ;;
  medium) R=10000; RUNS=5 ;;
  large)  R=50000; RUNS=3 ;;
  *) echo "usage: $0 small|medium|large [--only 'plancheck duckdb …']" >&2; exit 2 ;;
esac
[ -d "$shared" ] || { echo "bench: $shared not found (set SHARED_BENCH)" >&2; exit 2; }

# 1. tools: hyperfine, time, and the peers' packages
need=""
for p in hyperfine time gawk sqlite3 python3-pandas; do dpkg -s $p >/dev/null 2>&1 || need="$need $p"; done
command -v node >/dev/null || need="$need nodejs npm"
if [ -n "$need" ]; then
  echo "bench: installing$need"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
peers=$here/data/peers
mkdir -p "$peers"
cp "$shared"/*.py "$shared"/*.sh "$shared"/*.js "$shared"/*.awk "$shared"/package*.json "$peers/"
chmod +x "$peers"/*.sh "$peers"/*.py
if [ ! -d "$peers/node_modules/@duckdb/node-api" ]; then
  (cd "$peers" && npm install --no-audit --no-fund --silent)
fi

# 2. plancheck, built optimised
[ -x "$top/build/src/plancheck" ] || "$top/bootstrap.sh"
make -C "$top/build" --no-print-directory -s
PC=$top/build/src/plancheck

# 3. data
D=$here/data/$size
mkdir -p "$D"
if [ "$(cat "$D/params" 2>/dev/null)" != "$R 20 1" ]; then
  echo "bench: generating $D/data.csv (R=$R)"
  /usr/bin/python3 "$peers/gen.py" --regions $R --indicators 20 --seed 1 --out "$D/data.csv"
  echo "$R 20 1" > "$D/params"
fi
rows=$(( $(wc -l < "$D/data.csv") - 1 ))

# 4. the commands
cd "$peers"
. ./peers.sh
pc_cmd="$PC eval $D/targets.plan --data $D/data.csv --all-regions --as-of 2024 --format csv > $D/out.plancheck.csv"
all="plancheck $PEERS"
[ -n "$only" ] && all=$only
cmd_of() { if [ "$1" = plancheck ]; then echo "$pc_cmd"; else peer_cmd "$1" "$D/data.csv" "$D/targets.csv" "$D/out.$1.csv"; fi; }

# 5. correctness first: plancheck's output must equal the oracle's, byte for byte
sh -c "$(cmd_of plancheck)"
[ -f "$D/out.oracle.csv" ] && [ "$D/out.oracle.csv" -nt "$D/data.csv" ] || sh -c "$(peer_cmd oracle "$D/data.csv" "$D/targets.csv" "$D/out.oracle.csv")"
if cmp -s "$D/out.oracle.csv" "$D/out.plancheck.csv"; then
  echo "bench: plancheck output = oracle output ($(wc -l < "$D/out.oracle.csv") lines)"
else
  echo "bench: plancheck output DIFFERS from the oracle's:"; diff "$D/out.oracle.csv" "$D/out.plancheck.csv" | head; exit 1
fi

# 5b. the hand-checked cases of ../shared/bench/cases (edge: v1 corners; v2: moved baselines,
# slipped series, D−1/D+1): plancheck's CSV must equal their expected.csv byte for byte.
# An indicator named like a keyword ('due') gets a '0' appended in the data, the plan and
# the expected output alike (the order of the output does not change).
kw=" $(grep -o '^"[a-zA-Z]*"' "$top/grammar/lexer.l" | tr -d '"' | tr '\n' ' ') "
for case in "$shared"/cases/*/; do
  name=$(basename "$case"); C=$D/case-$name; mkdir -p "$C"
  [ -f "$case/expected.csv" ] || continue
  ren=$(tail -n +2 "$case/targets.csv" | cut -d, -f2 | sort -u | while read -r i; do
          case "$kw" in *" $i "*) printf 's/(^|,)%s(,|\\/)/\\1%s0\\2/g;' "$i" "$i" ;; esac; done)
  sed -E "$ren" "$case/data.csv" > "$C/data.csv"
  { head -1 "$case/targets.csv"; tail -n +2 "$case/targets.csv" | sed -E "$ren" | sort -t, -k2,2 -k5,5n; } |
    awk -F, -f "$here/targets2plan.awk" > "$C/targets.plan"
  sed -E "$ren" "$case/expected.csv" > "$C/expected.csv"
  "$PC" eval "$C/targets.plan" --data "$C/data.csv" --all-regions --as-of 2024 --format csv 2>/dev/null > "$C/out.csv"
  if cmp -s "$C/expected.csv" "$C/out.csv"; then
    echo "bench: cases/$name: plancheck output = expected.csv ($(wc -l < "$C/expected.csv") lines)"
  else
    echo "bench: cases/$name: plancheck output DIFFERS from expected.csv:"; diff "$C/expected.csv" "$C/out.csv" | head; exit 1
  fi
done

# 6. time and memory
set --
for p in $all; do set -- "$@" -n "$p" "$(cmd_of "$p")"; done
hyperfine --warmup 1 --runs $RUNS --style basic --export-json "$D/hyperfine.json" "$@"
for p in $all; do /usr/bin/time -v -o "$D/time.$p.txt" sh -c "$(cmd_of "$p")" > /dev/null; done

# 7. the table: ratios to plancheck
/usr/bin/python3 - "$D" "$rows" $all <<'PY'
import json, re, sys
d, rows, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
res = {r["command"]: r for r in json.load(open(f"{d}/hyperfine.json"))["results"]}
def rss(n):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{d}/time.{n}.txt").read())
    return int(m.group(1)) / 1024
base_t, base_m = res["plancheck"]["median"], rss("plancheck")
print(f"\n{rows:,} rows; median wall time and peak RSS, and each as a multiple of plancheck's")
print(f"| program | median s | × plancheck | peak RSS MB | × plancheck | rows/s |")
print(f"|---|---:|---:|---:|---:|---:|")
for n in names:
    t, m = res[n]["median"], rss(n)
    print(f"| {n} | {t:.3f} | {t / base_t:.2f} | {m:,.0f} | {m / base_m:.2f} | {rows / t:,.0f} |")
PY
