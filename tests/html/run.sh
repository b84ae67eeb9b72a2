#!/bin/bash
# tests/html/run.sh — the HTML report in a real browser (headless Chromium, no network, no
# display, as root): for each seed plan's report and a hostile plan, at 390 px and 1280 px
# wide: no horizontal scrolling, the lang attribute, a chart in every target, no element or
# attribute made from plan text (no script, img, iframe, on* handler, javascript: link);
# printed to PDF: A4 pages. Chromium missing is a failure, not a skip (bootstrap.sh
# installs it). Prints the load time of each report (not asserted: timings are not tests).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
PLANCHECK=${PLANCHECK:-$top_srcdir/build/src/plancheck}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$CHROMIUM" ]; then
  echo "html: FAIL: chromium not found (apt-get install chromium; ./bootstrap.sh installs it)" >&2
  exit 1
fi
if ! command -v pdfinfo >/dev/null; then
  echo "html: FAIL: pdfinfo not found (apt-get install poppler-utils)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work LC_ALL=C.UTF-8

browser() {   # browser ARGS... : one headless run, isolated profile, bounded in time
  timeout "${HTML_TIMEOUT:-90}" "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --no-default-browser-check --disable-extensions \
    --disable-background-networking --disable-sync --user-data-dir="$work/profile" \
    --allow-file-access-from-files "$@" 2>/dev/null
}

# A page that loads the report in an iframe WIDTH px wide and writes what it measured.
harness() {   # harness REPORT WIDTH > page
  cat <<EOF
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="$1" style="width:$2px;height:900px;border:0"></iframe>
<script>
addEventListener('load', function () {
  var w = document.getElementById('f').contentWindow, d = w.document, e = d.documentElement;
  var arts = d.querySelectorAll('article.target'), charts = 0, wide = 0, bad = 0;
  arts.forEach(function (a) { if (a.querySelectorAll('svg.ch').length === 1) charts++; });
  d.querySelectorAll('body *').forEach(function (n) {
    if (n.getBoundingClientRect().right > w.innerWidth + 0.5 && !n.closest('.scroll')) wide++;
    for (var i = 0; i < n.attributes.length; i++) {
      var at = n.attributes[i];
      if (/^on/i.test(at.name) || /^\s*javascript:/i.test(at.value)) bad++;
    }
  });
  bad += d.querySelectorAll('script, img, iframe, object, embed, link, a[href^="javascript"]').length;
  var nav = w.performance.getEntriesByType('navigation')[0];
  var out = 'RESULT lang=' + e.lang + ' overflow=' + (e.scrollWidth > e.clientWidth ? 1 : 0) +
            ' targets=' + arts.length + ' charts=' + charts + ' wide=' + wide + ' bad=' + bad +
            ' title=' + (e.hasAttribute('data-pwned') ? 'pwned' : 'ok') +
            ' load=' + Math.round(nav.loadEventStart) + ' END';
  var p = document.createElement('pre'); p.id = 'out'; p.textContent = out; document.body.appendChild(p);
});
</script></body></html>
EOF
}

pass=0 fail=0 failed=""
check() {   # check NAME REPORT LANG TARGETS
  local name=$1 html=$2 lang=$3 want=$4 ok=1 width res
  for width in 390 1280; do
    harness "$(basename "$html")" "$width" > "$work/harness-$width.html"
    res=$(browser --dump-dom "file://$work/harness-$width.html" | grep -o '<pre id="out">RESULT [^<]* END' | sed 's/^<pre id="out">//')
    if [ -z "$res" ]; then
      echo "html: $name: $width px: the browser reported nothing" >&2; ok=0; continue
    fi
    for want_kv in "lang=$lang" overflow=0 "targets=$want" "charts=$want" wide=0 bad=0 title=ok; do
      case " $res " in
        *" $want_kv "*) ;;
        *) echo "html: $name: $width px: want $want_kv, got: $res" >&2; ok=0 ;;
      esac
    done
    [ "$width" = 1280 ] && echo "html: $name: loaded in ${res##*load=} ms" | sed 's/ END//'
  done
  browser --no-pdf-header-footer --print-to-pdf="$work/$name.pdf" "file://$html" >/dev/null
  if ! pdfinfo "$work/$name.pdf" 2>/dev/null | grep -q '^Page size: *59[45]\.[0-9]* x 84[12]\.[0-9]* pts (A4)'; then
    echo "html: $name: the printed PDF is not A4: $(pdfinfo "$work/$name.pdf" 2>&1 | grep -i 'page size')" >&2
    ok=0
  fi
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); failed="$failed $name"; fi
}

report() {   # report NAME LANG PLAN DATA [ARGS...]: write NAME.html, then check it
  local name=$1 lang=$2 plan=$3 data=$4
  shift 4
  if ! "$PLANCHECK" eval "$plan" --data "$data" --format html --lang "$lang" "$@" -o "$work/$name.html"; then
    echo "html: $name: plancheck failed" >&2; fail=$((fail+1)); failed="$failed $name"; return
  fi
  # the number of charts to expect: one per target and region
  local want
  want=$("$PLANCHECK" eval "$plan" --data "$data" --format csv --columns target,region "$@" | tail -n +2 | sort -u | wc -l)
  check "$name" "$work/$name.html" "$lang" "$want"
}

for seed in hai-duong-2716-2021 bac-giang-77-2024 hue-2023; do
  report "$seed" vi "$top_srcdir/rules/$seed.plan" "$top_srcdir/examples/$seed.csv"
done
# the largest seed report (35 targets) stays small enough to mail and open on a phone
size=$(wc -c < "$work/hai-duong-2716-2021.html")
if [ "$size" -ge 400000 ]; then
  echo "html: the Hải Dương report is $size bytes, over 400 KB" >&2; fail=$((fail+1)); failed="$failed size"
else
  pass=$((pass+1)); echo "html: hai-duong-2716-2021: $size bytes"
fi
report quickstart-en en "$top_srcdir/examples/quickstart.plan" "$top_srcdir/examples/quickstart.csv" \
  --submissions "$top_srcdir/examples/quickstart-submissions.csv"
report hostile-all-regions en "$here/hostile.plan" "$here/hostile.csv" --all-regions

# Controls: the checks must catch a report that lets plan text through unescaped, and a
# page wider than the phone (a check that cannot fail is no check).
control() {   # control NAME FILE WANT: the 390 px measurement must contain WANT
  local res
  harness "$(basename "$2")" 390 > "$work/harness-control.html"
  res=$(browser --dump-dom "file://$work/harness-control.html" | grep -o '<pre id="out">RESULT [^<]* END' | sed 's/^<pre id="out">//')
  case " $res " in
    *" $3 "*) pass=$((pass+1)) ;;
    *) echo "html: control $1: the check missed it (want $3): $res" >&2; fail=$((fail+1)); failed="$failed control-$1" ;;
  esac
}
sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g' "$work/hostile-all-regions.html" > "$work/unescaped.html"
control unescaped "$work/unescaped.html" title=pwned
sed 's|</header>|<div style="width:900px">wide</div></header>|' "$work/quickstart-en.html" > "$work/wide.html"
control wide "$work/wide.html" overflow=1

echo "html: $pass passed, $fail failed${failed:+ ($failed )}"
[ $fail -eq 0 ]
