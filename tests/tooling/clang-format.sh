#!/bin/bash
# tests/tooling/clang-format.sh — the checked-in .clang-format matches the code: every file of
# tests/tooling/clang-format.allow (C sources from src/*.c src/*.h include/**/*.h
# tests/unit/*.c) is left unchanged by `clang-format --dry-run`; the failure lists the files
# that differ. Files of those globs that are not on the list but already conform are named,
# so the list can grow. Skipped (77) only when clang-format is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
allow=$here/clang-format.allow
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "clang-format: $CLANG_FORMAT is not installed (apt-get install clang-format): skipped"
  exit 77
fi
cd "$top_srcdir" || exit 1
style=--style=file:$top_srcdir/.clang-format
conforms() { "$CLANG_FORMAT" --dry-run -Werror "$style" "$1" >/dev/null 2>&1; }

listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$allow" | grep -v '^$')
if [ -z "$listed" ]; then
  echo "clang-format: $allow lists no file: nothing would be checked"
  exit 1
fi
differ="" missing="" n=0
for f in $listed; do
  if [ ! -f "$f" ]; then missing="$missing $f"; continue; fi
  n=$((n + 1))
  conforms "$f" || differ="$differ $f"
done

shopt -s globstar nullglob
candidates=""
for f in src/*.c src/*.h include/**/*.h tests/unit/*.c; do
  grep -qxF "$f" <<< "$listed" && continue
  conforms "$f" && candidates="$candidates $f"
done
[ -n "$candidates" ] && echo "clang-format: not in clang-format.allow but already formatted (add them?):$candidates"

status=0
if [ -n "$missing" ]; then
  echo "clang-format: clang-format.allow names files that do not exist:$missing"
  status=1
fi
if [ -n "$differ" ]; then
  echo "clang-format: these files differ from .clang-format ($("$CLANG_FORMAT" --version | head -1)):"
  for f in $differ; do
    echo "  $f"
    "$CLANG_FORMAT" "$style" "$f" | diff -u "$f" - | sed -n '3,12p' | sed 's/^/      /'
  done
  echo "clang-format: run 'clang-format -i FILE' on them (or take a file off clang-format.allow)"
  status=1
fi
[ $status = 0 ] && echo "clang-format: ok: the $n files of clang-format.allow are formatted"
exit $status
