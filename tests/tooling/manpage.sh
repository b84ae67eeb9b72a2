#!/bin/bash
# tests/tooling/manpage.sh — docs/plancheck.1 renders without a warning (groff -ww, and
# man --warnings when man is installed), has the sections a manual page needs, carries the
# version that `plancheck version` prints, and names every command, option and option value
# (--format text|json|…) that `plancheck help` and the synopsis of docs/cli.md name — so
# the three cannot drift apart.
# Skipped (77) only when groff is not installed (bootstrap.sh installs groff-base).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
PLANCHECK=${PLANCHECK:-$top_srcdir/build/src/plancheck}
page=$top_srcdir/docs/plancheck.1
export LC_ALL=C.UTF-8

if ! command -v groff >/dev/null 2>&1; then
  echo "manpage: groff is not installed (apt-get install groff-base): skipped"
  exit 77
fi
fail=0
problem() { echo "manpage: $*"; fail=$((fail + 1)); }

# 1. No warning from the formatter (-k: the input goes through preconv, as man does).
warn=$(groff -k -ww -man -z -Tutf8 "$page" 2>&1)
[ -z "$warn" ] || problem "groff -ww warns about docs/plancheck.1:"$'\n'"$warn"
if command -v man >/dev/null 2>&1; then
  warn=$(MANPAGER=cat MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warn" ] || problem "man --warnings -l warns about docs/plancheck.1:"$'\n'"$warn"
fi

# 2. The page as plain text: one long line per paragraph (no hyphenation, no line breaks
# inside an option), no bold or underline.
text=$(groff -k -man -Tascii -rLL=2000n -rHY=0 -P-cbou "$page" 2>/dev/null | sed 's/.\x08//g')
[ -n "$text" ] || problem "docs/plancheck.1 renders to nothing"

for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES \
               EXAMPLES "SEE ALSO"; do
  grep -qx "$section" <<< "$text" || problem "docs/plancheck.1 has no section '$section'"
done

version=$("$PLANCHECK" version) || problem "'plancheck version' failed"
grep -q "^\.TH PLANCHECK 1 .*\"$version\"" "$page" ||
  problem "docs/plancheck.1's .TH line does not say \"$version\" (what 'plancheck version' prints)"

# 3. Every option and command, from `plancheck help` and from docs/cli.md's synopsis.
has_word() {   # is $1 in the page as a word of its own (not inside a longer option)?
  grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9_-]|$)" <<< "$text"
}
options_in() {   # the -x / --long-option words of stdin
  grep -oE -- '(^|[][ |(])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ |(]//' | sort -u
}
choices_in() {   # OPTION=VALUE for each value of "--option a|b|c" in stdin
  grep -oE -- '--[a-z][a-z-]* [a-z0-9_-]+(\|[a-z0-9_-]+)+' | while read -r opt vals; do
    for v in ${vals//|/ }; do echo "$opt=$v"; done
  done | sort -u
}
help=$("$PLANCHECK" help) || problem "'plancheck help' failed"
synopsis=$(sed -n '/^```/,/^```/p' "$top_srcdir/docs/cli.md" | sed -n '/^plancheck/,/^```/p' | sed '/^```/,$d')
[ -n "$synopsis" ] || problem "no synopsis found in docs/cli.md (the first \`\`\` block)"
checked=0
for source in "plancheck help" "docs/cli.md's synopsis"; do
  if [ "$source" = "plancheck help" ]; then words=$(options_in <<< "$help"); else words=$(options_in <<< "$synopsis"); fi
  for opt in $words; do
    checked=$((checked + 1))
    has_word "$opt" || problem "option '$opt' (in $source) is missing from docs/plancheck.1"
  done
  if [ "$source" = "plancheck help" ]; then words=$(choices_in <<< "$help"); else words=$(choices_in <<< "$synopsis"); fi
  for choice in $words; do   # each value must be in the page's entry for its option
    checked=$((checked + 1))
    opt=${choice%%=*} value=${choice#*=}
    grep -E -- "^ *$opt( |$)" <<< "$text" | grep -qE -- "(^|[^a-z0-9_-])$value([^a-z0-9_-]|$)" ||
      problem "value '$value' of $opt (in $source) is missing from docs/plancheck.1's $opt line"
  done
done
commands=$(sed -n '/^commands:/,/^$/p' <<< "$help" | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
for cmd in $commands; do
  checked=$((checked + 1))
  grep -qE "^ *plancheck $cmd( |$)" <<< "$text" ||
    problem "command '$cmd' (in plancheck help) is missing from the SYNOPSIS of docs/plancheck.1"
done
# A check that found nothing to check would pass whatever the page says.
[ "$checked" -ge 10 ] || problem "only $checked commands and options found in 'plancheck help' and docs/cli.md: has their layout changed?"

if [ $fail = 0 ]; then
  echo "manpage: ok: $checked commands, options and option values; no warnings"
  exit 0
fi
echo "manpage: $fail problems (docs/plancheck.1 is written by hand: add what is missing there)"
exit 1
