#!/bin/bash
# tests/tooling/clang-format.sh — the checked-in .clang-format matches the code: clang-format,
# with that style, leaves every file of tests/tooling/clang-format.allow (C sources from
# src/*.c src/*.h include/**/*.h tests/unit/*.c) as it is — all but the spaces before a
# trailing /* comment, which the code lines up by hand and clang-format cannot state (it
# puts one space; .clang-format says so). The failure lists the files that differ, with the
# start of each diff. Files of those globs that are not on the list but conform are named,
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
trailing() { sed -E 's|([^ ]) {2,}/\*|\1 /*|g'; }   # "x;   /* c" -> "x; /* c"
difference() {   # FILE: what clang-format would change in it (empty: nothing)
  local formatted
  formatted=$("$CLANG_FORMAT" "$style" "$1") || { echo "clang-format failed on $1"; return; }
  diff -u <(trailing < "$1") <(printf '%s\n' "$formatted" | trailing) | sed '1,2d'
}

listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$allow" | grep -v '^$')
if [ -z "$listed" ]; then
  echo "clang-format: $allow lists no file: nothing would be checked"
  exit 1
fi
differ="" missing="" n=0 report=""
for f in $listed; do
  if [ ! -f "$f" ]; then missing="$missing $f"; continue; fi
  n=$((n + 1))
  d=$(difference "$f")
  if [ -n "$d" ]; then
    differ="$differ $f"
    report="$report  $f"$'\n'"$(printf '%s\n' "$d" | head -10 | sed 's/^/      /')"$'\n'
  fi
done

shopt -s globstar nullglob
candidates=""
for f in src/*.c src/*.h include/**/*.h tests/unit/*.c; do
  grep -qxF "$f" <<< "$listed" && continue
  [ -z "$(difference "$f")" ] && candidates="$candidates $f"
done
[ -n "$candidates" ] && echo "clang-format: not in clang-format.allow but formatted (add them?):$candidates"

status=0
if [ -n "$missing" ]; then
  echo "clang-format: clang-format.allow names files that do not exist:$missing"
  status=1
fi
if [ -n "$differ" ]; then
  echo "clang-format: these files differ from .clang-format ($("$CLANG_FORMAT" --version | head -1)):"
  printf '%s' "$report"
  echo "clang-format: run 'clang-format -i FILE' on them (then line up the trailing comments"
  echo "again if you like), or take a file off tests/tooling/clang-format.allow"
  status=1
fi
[ $status = 0 ] && echo "clang-format: ok: the $n files of clang-format.allow are formatted"
exit $status
