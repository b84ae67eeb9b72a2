#!/bin/sh
# fuzz/run.sh TARGET [SECONDS] — run one libFuzzer target (parse, csv, repl) for a set time
# (default 60 s) on a corpus seeded from rules/, examples/ and tests/. New inputs go to
# fuzz/corpus-TARGET/ (ignored by git); a crash is written as fuzz/crash-* — add it to
# tests/e2e as a regression case once fixed.
set -eu
cd "$(dirname "$0")/.."
t=${1:?usage: fuzz/run.sh parse|csv|repl [SECONDS]}
secs=${2:-60}
[ -x fuzz/bin/fuzz_$t ] || fuzz/build.sh "$t"
corpus=fuzz/corpus-$t
mkdir -p "$corpus"
seeds=fuzz/seeds-$t
mkdir -p "$seeds"
case $t in
  parse) cp rules/*.plan "$seeds/" 2>/dev/null || true
         find tests/e2e/cases -name '*.plan' -exec cp {} "$seeds/" \; ;;
  csv)   cp examples/*.csv "$seeds/" 2>/dev/null || true
         find tests/e2e/cases -name '*.csv' -exec cp {} "$seeds/" \; ;;
  repl)  # the lines the REPL cases type (their here-documents), and the plans as typed entries
         for f in tests/e2e/cases/repl-*/cmd tests/e2e/cases/*/cmd; do
           grep -q "<<'IN'" "$f" 2>/dev/null || continue
           sed -n "/<<'IN'/,/^IN\$/p" "$f" | sed '1d;$d' > "$seeds/$(basename "$(dirname "$f")").repl"
         done
         cp rules/*.plan "$seeds/" 2>/dev/null || true ;;
esac
dict=fuzz/$t.dict
[ -f "$dict" ] && dictopt=-dict=$dict || dictopt=
exec fuzz/bin/fuzz_$t $dictopt -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -artifact_prefix=fuzz/crash-$t- -print_final_stats=1 "$corpus" "$seeds"
