#!/usr/bin/env python3
"""gen_formats.py — the same indicator rows as tidy CSV, SDMX-CSV and an .xlsx workbook
(written as Excel writes one: shared strings, numeric cells, trailing empty cells left out).

  gen_formats.py ROWS OUTDIR        writes OUTDIR/tidy.csv, sdmx.csv, book.xlsx, plan.plan
  gen_formats.py --xlsx OUT.xlsx    reads tidy CSV rows on stdin, writes them as a workbook
"""
import csv, io, sys, zipfile
from xml.sax.saxutils import escape

def xlsx(path, rows, sheet="Sheet1"):
    strings, index = [], {}
    def sid(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]
    def col(c):
        name = ""
        c += 1
        while c:
            c, r = divmod(c - 1, 26)
            name = chr(65 + r) + name
        return name
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    for r, row in enumerate(rows, 1):
        out.write('<row r="%d">' % r)
        while row and row[-1] == "":
            row = row[:-1]
        for c, v in enumerate(row):
            if v == "":
                continue
            ref = "%s%d" % (col(c), r)
            try:
                float(v)
                num = r > 1 and not v.startswith("0") or v == "0"
            except ValueError:
                num = False
            if num:
                out.write('<c r="%s"><v>%s</v></c>' % (ref, v))
            else:
                out.write('<c r="%s" t="s"><v>%d</v></c>' % (ref, sid(v)))
        out.write('</row>')
    out.write('</sheetData></worksheet>')
    sst = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
           % (len(strings), len(strings))]
    sst += ['<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in strings]
    sst.append('</sst>')
    ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships %s><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>' % ns)
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>' % escape(sheet, {'"': "&quot;"}))
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships %s><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>' % ns)
        z.writestr("xl/worksheets/sheet1.xml", out.getvalue())
        z.writestr("xl/sharedStrings.xml", "".join(sst))

def rows(n):
    """n rows: 100 indicators x regions x years 2000-2024."""
    i = 0
    r = 0
    while i < n:
        for ind in range(100):
            for y in range(2000, 2025):
                if i >= n:
                    return
                yield "ind%02d" % ind, "Region %d" % r, y, "%.1f" % ((ind * 7 + r * 3 + y) % 500 / 10)
                i += 1
        r += 1

def main():
    if sys.argv[1] == "--xlsx":
        xlsx(sys.argv[2], list(csv.reader(sys.stdin)), sys.argv[3] if len(sys.argv) > 3 else "Sheet1")
        return
    n, out = int(sys.argv[1]), sys.argv[2]
    data = list(rows(n))
    with open(out + "/tidy.csv", "w") as f:
        f.write("indicator,region,year,value\n")
        f.writelines("%s,%s,%d,%s\n" % r for r in data)
    with open(out + "/sdmx.csv", "w") as f:
        f.write("DATAFLOW,REF_AREA,INDICATOR,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\n")
        f.writelines("BENCH:DF(1.0),%s,%s,_T,%d,%s,PCNT,A\n" % r[1::-1] + r[2:] if False else
                     "BENCH:DF(1.0),%s,%s,_T,%d,%s,PCNT,A\n" % (r[1], r[0], r[2], r[3]) for r in data)
    xlsx(out + "/book.xlsx", [["indicator", "region", "year", "value"]] + [[a, b, str(c), d] for a, b, c, d in data])
    with open(out + "/plan.plan", "w") as f:
        f.write('plan "bench"\n')
        for ind in range(100):
            f.write("indicator ind%02d unit %%\ntarget : ind%02d < 10%% by 2030\n" % (ind, ind))

if __name__ == "__main__":
    main()
