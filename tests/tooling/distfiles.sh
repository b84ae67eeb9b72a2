#!/bin/sh
# tests/tooling/distfiles.sh SRCDIR DISTDIR — run by `make distcheck` (distcheck-hook) on the
# unpacked tarball DISTDIR: every file git tracks in SRCDIR must be in it (a file added to the
# repository but not to Makefile.am fails here, not on a user's machine), and nothing else
# may be, but what autotools, bison and flex generate (no test log, object or program from a
# build tree). Outside a git checkout (building from a tarball) there is nothing to compare.
set -eu
srcdir=$1 distdir=$2
if ! git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "distfiles: $srcdir is not a git checkout: not compared"
  exit 0
fi
tracked=$(git -C "$srcdir" ls-files | grep -v -x -e '.gitignore')   # .gitignore: not shipped
# a new file not yet committed may be shipped; an ignored one (a build product) may not
known=$(git -C "$srcdir" ls-files --cached --others --exclude-standard)
missing=$(printf '%s\n' "$tracked" | while IFS= read -r f; do
  [ -e "$distdir/$f" ] || printf '  %s\n' "$f"
done)
extra=$( (cd "$distdir" && find . -type f | sed 's|^\./||') | grep -v -x \
  -e configure -e aclocal.m4 -e config.h.in -e 'build-aux/.*' -e '\(.*/\)\{0,1\}Makefile\.in' \
  -e 'grammar/[a-z_]*\.c' -e 'grammar/[a-z_]*\.h' | while IFS= read -r f; do
  printf '%s\n' "$known" | grep -q -x -F "$f" || printf '  %s\n' "$f"
done)
status=0
if [ -n "$missing" ]; then
  echo "distfiles: these files are in git but not in the tarball (add them to Makefile.am:" >&2
  echo "a _SOURCES list or EXTRA_DIST):" >&2
  printf '%s\n' "$missing" >&2
  status=1
fi
if [ -n "$extra" ]; then
  echo "distfiles: these files are in the tarball but not in git (build products?):" >&2
  printf '%s\n' "$extra" >&2
  status=1
fi
[ $status = 0 ] && echo "distfiles: the tarball holds exactly the files git tracks, and the generated ones"
exit $status
