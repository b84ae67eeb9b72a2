#!/bin/bash
# tests/e2e/run.sh — end-to-end cases: each directory under tests/e2e/cases/ holds a `cmd`
# (shell, run in a copy of the directory with `plancheck` on PATH and $top_srcdir set),
# its input files, and the exact expected stdout (expected.out), stderr (expected.err) and
# exit status (expected.rc, default 0). A missing expected.out/.err means "must be empty".
#   UPDATE=1 tests/e2e/run.sh [CASE...]   rewrites the expected files (review the diff!)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
PLANCHECK=${PLANCHECK:-$top_srcdir/build/src/plancheck}
export top_srcdir
bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
# `plancheck` in the cases is the binary under test (under valgrind when PLANCHECK_WRAP is set)
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${PLANCHECK_WRAP:-}" "$PLANCHECK" > "$bindir/plancheck"
chmod +x "$bindir/plancheck"
export PATH="$bindir:$PATH" NO_COLOR=1 LC_ALL=C.UTF-8 HOME="$bindir" XDG_STATE_HOME="$bindir/state"

pass=0 fail=0 failed=""
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=($(ls "$here/cases"))
for name in "${cases[@]}"; do
  dir=$here/cases/$name
  [ -f "$dir/cmd" ] || { echo "e2e: $name: no cmd file" >&2; fail=$((fail+1)); continue; }
  work=$(mktemp -d)
  cp -R "$dir/." "$work/"
  chmod -R u+w "$work"   # the cases start from writable inputs, even out of a read-only tree (distcheck)
  (cd "$work" && timeout "${E2E_TIMEOUT:-60}" bash ./cmd > "$work/.out" 2> "$work/.err" < /dev/null; echo $? > "$work/.rc")
  rc=$(cat "$work/.rc")
  want_rc=0; [ -f "$dir/expected.rc" ] && want_rc=$(cat "$dir/expected.rc")
  if [ "${UPDATE:-}" = 1 ]; then
    cp "$work/.out" "$dir/expected.out"; cp "$work/.err" "$dir/expected.err"; echo "$rc" > "$dir/expected.rc"
    [ -s "$dir/expected.out" ] || rm -f "$dir/expected.out"
    [ -s "$dir/expected.err" ] || rm -f "$dir/expected.err"
    [ "$rc" = 0 ] && rm -f "$dir/expected.rc"
    echo "updated $name"; pass=$((pass+1)); rm -rf "$work"; continue
  fi
  ok=1
  [ -f "$dir/expected.out" ] || : > "$work/.want.out"
  [ -f "$dir/expected.err" ] || : > "$work/.want.err"
  wo=$dir/expected.out; [ -f "$wo" ] || wo=$work/.want.out
  we=$dir/expected.err; [ -f "$we" ] || we=$work/.want.err
  if ! cmp -s "$wo" "$work/.out"; then ok=0; echo "--- $name: stdout differs"; diff "$wo" "$work/.out" | head -20; fi
  if ! cmp -s "$we" "$work/.err"; then ok=0; echo "--- $name: stderr differs"; diff "$we" "$work/.err" | head -20; fi
  if [ "$rc" != "$want_rc" ]; then ok=0; echo "--- $name: exit status $rc, expected $want_rc"; fi
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); failed="$failed $name"; fi
  rm -rf "$work"
done
[ -n "$failed" ] && echo "failed:$failed"
echo "e2e: $pass passed, $fail failed"
[ $fail = 0 ]
