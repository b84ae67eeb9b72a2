#!/bin/bash
# tests/docs/run.sh — every example in README.md and docs/*.md runs here:
#  - ```console blocks: lines starting with "$ " are commands (run from the top of the
#    source tree with `plancheck` on PATH); the lines after a command, up to the next
#    command or the end of the block, are its exact expected output (stdout and stderr).
#    A command may end with "  # exit N" to expect exit status N (default 0).
#  - ```plan blocks must check clean; ```plan-error blocks must fail to check, and the
#    block's lines starting with "#! " are the expected diagnostics (first lines of stderr).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
PLANCHECK=${PLANCHECK:-$top_srcdir/build/src/plancheck}
bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${PLANCHECK_WRAP:-}" "$PLANCHECK" > "$bindir/plancheck"
chmod +x "$bindir/plancheck"
export PATH="$bindir:$PATH" NO_COLOR=1 LC_ALL=C.UTF-8 HOME="$bindir" XDG_STATE_HOME="$bindir/state"
cd "$top_srcdir"

pass=0 fail=0
check_cmd() {   # file line command expected-output-file expected-rc
  local out rc
  out=$(cd "$top_srcdir" && timeout 60 bash -c "$3" 2>&1 < /dev/null); rc=$?
  if [ "$out" == "$(cat "$4")" ] && [ "$rc" = "$5" ]; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "--- $1:$2: \$ $3 (exit $rc, expected $5)"; diff <(cat "$4") <(printf '%s\n' "$out") | head -20; fi
}
for doc in README.md docs/*.md; do
  [ -f "$doc" ] || continue
  mode="" n=0 cmd="" cmdline=0 rc=0 block=""
  exp=$bindir/expected; : > "$exp"
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n+1))
    if [ -z "$mode" ]; then
      case "$line" in
        '```console') mode=console; cmd="" ;;
        '```plan') mode=plan; block=""; start=$n ;;
        '```plan-error') mode=plan-error; block=""; start=$n ;;
      esac
      continue
    fi
    if [ "$line" = '```' ]; then
      if [ "$mode" = console ] && [ -n "$cmd" ]; then check_cmd "$doc" "$cmdline" "$cmd" "$exp" "$rc"; fi
      if [ "$mode" = plan ] || [ "$mode" = plan-error ]; then
        f=$bindir/example.plan; printf '%s' "$block" > "$f"
        errs=$(plancheck check -q "$f" 2>&1); r=$?
        if [ "$mode" = plan ] && [ $r = 0 ]; then pass=$((pass+1));
        elif [ "$mode" = plan-error ] && [ $r = 2 ] && [ "$(printf '%s' "$block" | grep '^#! ' | sed 's/^#! //')" == "$(printf '%s\n' "$errs" | sed "s|$f|example.plan|" | grep -E '(error|warning|note):' | head -n "$(printf '%s' "$block" | grep -c '^#! ')")" ]; then pass=$((pass+1));
        else fail=$((fail+1)); echo "--- $doc:$start: $mode block"; printf '%s\n' "$errs" | sed "s|$f|example.plan|" | head -20; fi
      fi
      mode=""; continue
    fi
    case "$mode" in
      console)
        case "$line" in
          '$ '*)
            [ -n "$cmd" ] && check_cmd "$doc" "$cmdline" "$cmd" "$exp" "$rc"
            cmd=${line#\$ }; cmdline=$n; rc=0; : > "$exp"
            case "$cmd" in *'  # exit '*) rc=${cmd##*  # exit }; cmd=${cmd%  # exit *} ;; esac ;;
          *) printf '%s\n' "$line" >> "$exp" ;;
        esac ;;
      plan|plan-error) block="$block$line"$'\n' ;;
    esac
  done < "$doc"
done
echo "docs: $pass passed, $fail failed"
[ $fail = 0 ]
