#!/bin/sh
# fuzz/build.sh [TARGET...] — build libFuzzer targets (clang, ASan + UBSan + coverage) into
# fuzz/bin/: every fuzz/fuzz_*.c, or the named ones (parse, csv, …). Each links the whole
# library, compiled from the Makefile's own source list (`make print-fuzz-sources`, with the
# generated parser and lexer of build/), so new sources and new fuzz_*.c files need no
# edit here. Needs clang and libclang-rt-dev (Debian 12; ./bootstrap.sh installs them)
# and a configured tree in build/ (made by ./bootstrap.sh when missing).
set -eu
cd "$(dirname "$0")/.."
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
[ -f build/Makefile ] || ./bootstrap.sh
srcs=$(make -C build -s --no-print-directory print-fuzz-sources | sed -n "s/^fuzz-sources: //p")
[ -n "$srcs" ] || { echo "fuzz: cannot get the source list from build/ (make print-fuzz-sources)" >&2; exit 2; }
obj=fuzz/obj
mkdir -p fuzz/bin "$obj"
CFLAGS="-std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
        -Isrc -Iinclude -Ibuild/grammar -Igrammar -Ibuild -w"
LDFLAGS="-fsanitize=fuzzer,address,undefined"
# the library's objects: a generated source is build/'s, a header is skipped; rebuilt when
# the source, or any header, is newer than the object
newest_h=$(ls -t src/*.h include/plancheck/*.h build/grammar/parser.h | head -1)
objs=""
todo=""
for s in $srcs; do
  case $s in
    *.h|src/main.c) continue ;;
    *.y) c=build/${s%.y}.c ;;
    *.l) c=build/${s%.l}.c ;;
    *) c=$s ;;
  esac
  o=$obj/$(echo "${s%.*}" | tr / _).o
  objs="$objs $o"
  if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then todo="$todo $c:$o"; fi
done
if [ -n "$todo" ]; then
  echo "fuzz: compiling $(echo $todo | wc -w) library sources"
  echo $todo | tr ' ' '\n' | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c \
    'c=${1%%:*}; o=${1#*:}; clang '"$(echo $CFLAGS)"' -c "$c" -o "$o"' _ {}
fi
lib=$obj/libplancheck-fuzz.a
if [ -n "$todo" ] || [ ! -f "$lib" ]; then rm -f "$lib"; ar rcs "$lib" $objs; fi
# (an archive: a target pulls in only what it uses — the REPL's objects need the
# cli_color that fuzz_repl.c supplies in place of main.c's)
targets=${*:-$(ls fuzz/fuzz_*.c | sed 's#fuzz/fuzz_##; s#\.c$##')}
for t in $targets; do
  [ -f fuzz/fuzz_$t.c ] || { echo "fuzz: no fuzz/fuzz_$t.c" >&2; exit 2; }
  clang $CFLAGS $LDFLAGS -o fuzz/bin/fuzz_$t fuzz/fuzz_$t.c "$lib" -lreadline $(pkg-config --libs xlsxwriter) -lm -lpthread
  echo "fuzz: built fuzz/bin/fuzz_$t"
done
