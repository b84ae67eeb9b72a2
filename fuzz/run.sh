#!/bin/sh
# fuzz/run.sh TARGET [SECONDS] — run one libFuzzer target (fuzz/fuzz_TARGET.c: parse, csv,
# repl, …) for a set time (default 60 s) on a corpus seeded from rules/, examples/ and
# tests/. New inputs go to fuzz/corpus-TARGET/ (ignored by git); a crash is written as
# fuzz/crash-TARGET-* and makes this script fail — add it to tests/e2e as a regression
# case once fixed.
set -eu
cd "$(dirname "$0")/.."
t=${1:?usage: fuzz/run.sh TARGET [SECONDS]   (TARGET: $(ls fuzz/fuzz_*.c | sed 's#fuzz/fuzz_##; s#\.c$##' | tr '\n' ' '))}
secs=${2:-60}
[ -x fuzz/bin/fuzz_$t ] || fuzz/build.sh "$t"
corpus=fuzz/corpus-$t
mkdir -p "$corpus"
seeds=fuzz/seeds-$t
mkdir -p "$seeds"
maxlen=65536
case $t in
  parse) cp rules/*.plan "$seeds/" 2>/dev/null || true
         find tests/e2e/cases -name '*.plan' -size -200k -exec cp {} "$seeds/" \; ;;
  csv)   cp examples/*.csv "$seeds/" 2>/dev/null || true
         find tests/e2e/cases -name '*.csv' -size -200k -exec cp {} "$seeds/" \;
         # and one input past 65,520 bytes (where piped data was once cut): the rows of
         # an example, again and again under one header
         f=examples/hai-duong-2716-2021.csv
         { cat "$f"; for i in 1 2 3 4 5; do sed 1d "$f"; done; } > "$seeds/big-repeated.csv"
         maxlen=140000 ;;
  repl)  # the lines the REPL cases type (their here-documents), and the plans as typed entries
         for f in tests/e2e/cases/repl-*/cmd tests/e2e/cases/*/cmd; do
           grep -q "<<'IN'" "$f" 2>/dev/null || continue
           sed -n "/<<'IN'/,/^IN\$/p" "$f" | sed '1d;$d' > "$seeds/$(basename "$(dirname "$f")").repl"
         done
         cp rules/*.plan "$seeds/" 2>/dev/null || true ;;
  *)     # a reader of another data format: the example and test files named after it
         find examples tests/e2e/cases -type f -size -200k -iname "*$t*" -exec cp {} "$seeds/" \; 2>/dev/null || true
         cp examples/*.csv "$seeds/" 2>/dev/null || true ;;
esac
dict=fuzz/$t.dict
[ -f "$dict" ] && dictopt=-dict=$dict || dictopt=
exec fuzz/bin/fuzz_$t $dictopt -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=$maxlen -artifact_prefix=fuzz/crash-$t- -print_final_stats=1 "$corpus" "$seeds"
