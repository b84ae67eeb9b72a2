#!/bin/bash
# tests/repl/run.sh — the REPL on a terminal: each tests/repl/*.pty script is played by
# pty_drive (a small pseudo-terminal driver built by `make check`) against `plancheck`.
# A script holds one or more sessions; each starts with a line `#! ARGS` (plancheck's
# arguments). All sessions of a script share one temporary directory, HOME and
# XDG_STATE_HOME (so history carries over); `rules` and `examples` are linked into it.
# An optional NAME.after (bash) runs in that directory afterwards and must exit 0.
#   tests/repl/run.sh [NAME...]     KEEP=1 keeps the directories and transcripts
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
PLANCHECK=${PLANCHECK:-$top_srcdir/build/src/plancheck}
DRIVE=${PTY_DRIVE:-$(cd "$(dirname "$PLANCHECK")/.." && pwd)/tests/repl/pty_drive}
if [ ! -x "$DRIVE" ]; then
  echo "repl: no pty driver at $DRIVE (run make check): skipped"
  exit 77
fi
export NO_COLOR=1 LC_ALL=C.UTF-8 TERM=${REPL_TERM:-xterm}

names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(cd "$here" && ls *.pty | sed 's/\.pty$//'))
pass=0 fail=0 skip=0 failed=""
for name in "${names[@]}"; do
  work=$(mktemp -d)
  ln -s "$top_srcdir/rules" "$work/rules"
  ln -s "$top_srcdir/examples" "$work/examples"
  mkdir -p "$work/home"
  ok=1 part=0 args="" script=""
  run_part() {
    [ -z "$args" ] && return 0
    part=$((part + 1))
    printf '%s' "$script" > "$work/.part$part.pty"
    # shellcheck disable=SC2086
    (cd "$work" && HOME="$work/home" XDG_STATE_HOME="$work/home/state" \
       "$DRIVE" -t 10 -o "$work/.part$part.log" "$work/.part$part.pty" -- "$PLANCHECK" $args)
    local rc=$?
    [ $rc = 77 ] && return 77
    [ $rc = 0 ] || { echo "--- $name: session $part failed (transcript: $work/.part$part.log)"; return 1; }
  }
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line == '#!'* ]]; then
      run_part; rc=$?
      [ $rc = 77 ] && { ok=77; break; }
      [ $rc = 0 ] || ok=0
      args=${line#\#!}; script=""
    else
      script+="$line"$'\n'
    fi
  done < "$here/$name.pty"
  if [ $ok != 77 ]; then
    run_part; rc=$?
    [ $rc = 77 ] && ok=77
    [ $rc = 0 ] || [ $rc = 77 ] || ok=0
  fi
  if [ $ok = 1 ] && [ -f "$here/$name.after" ]; then
    (cd "$work" && HOME="$work/home" XDG_STATE_HOME="$work/home/state" bash "$here/$name.after") ||
      { echo "--- $name: $name.after failed"; ok=0; }
  fi
  case $ok in
    1) pass=$((pass + 1));;
    77) skip=$((skip + 1)); echo "--- $name: skipped (no pseudo-terminal)";;
    *) fail=$((fail + 1)); failed="$failed $name";;
  esac
  if [ "${KEEP:-}" = 1 ] || [ $ok = 0 ]; then echo "    kept $work"; else rm -rf "$work"; fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "repl: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || exit 1
[ $pass = 0 ] && [ $skip -gt 0 ] && exit 77
exit 0
