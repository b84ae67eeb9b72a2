#!/bin/sh
# fuzz/build.sh — build the libFuzzer targets with clang (ASan + UBSan + coverage) into
# fuzz/bin/. Needs clang and libclang-rt-dev (Debian 12), and a configured tree (for the
# generated parser); ./bootstrap.sh does that.
set -eu
cd "$(dirname "$0")/.."
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
[ -f grammar/parser.c ] || { [ -d build ] || ./bootstrap.sh; make -C build grammar/parser.c grammar/lexer.c >/dev/null 2>&1 || make -C build >/dev/null; }
mkdir -p fuzz/bin
LIB="src/mem.c src/diag.c src/ast.c src/strmap.c src/resolve.c src/fmt.c src/fileio.c src/dataset.c
     src/csv.c src/numfmt.c src/assess.c grammar/parser.c grammar/lexer.c"
CFLAGS="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc -Igrammar -Iinclude -w"
# the REPL target links the whole library and the REPL (readline is only used on a terminal)
LIB_REPL="$LIB src/calendar.c src/eval.c src/report.c src/report_text.c src/report_json.c
     src/report_csv.c src/report_md.c src/report_html.c src/plancheck.c src/incomplete.c src/repl.c"
for t in ${1:-parse csv repl}; do
  case $t in
    repl) clang $CFLAGS -o fuzz/bin/fuzz_$t fuzz/fuzz_$t.c $LIB_REPL -lreadline -lm -lpthread ;;
    *)    clang $CFLAGS -o fuzz/bin/fuzz_$t fuzz/fuzz_$t.c $LIB -lm -lpthread ;;
  esac
  echo "fuzz: built fuzz/bin/fuzz_$t"
done
