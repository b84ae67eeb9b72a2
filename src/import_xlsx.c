/* import_xlsx.c — Excel workbooks (.xlsx): the first sheet, or the one named by --sheet,
 * read with libzip and expat while it streams out of the zip. Every sheet row becomes one
 * line of CSV text with one field per column from A (sheet row N is line N), which csv.c's
 * row stage reads with the same rules as any file; a problem is then reported at its cell
 * (Sheet1!D7). It must not print, and it keeps no more than the shared strings and the text. */
#include "import.h"
#include "mem.h"
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* What the XML handlers share. */
typedef struct xl {
    const char *want;         /* workbook: the sheet asked for (NULL: first) */
    char *sheet_name, *rid;   /* workbook: the chosen sheet; rels: its target */
    char *target;
    char **sst;               /* shared strings */
    size_t nsst, capsst;
    import_buf text;                /* a shared string, or a cell's value, being read */
    int in_t, in_v, in_si;
    import_buf csv;                 /* the sheet as CSV */
    long row, col, maxcol;    /* current row (1-based), next column to write (0-based) */
    long width;               /* fields of the header row: shorter rows are padded (Excel leaves trailing empty cells out) */
    char ctype;               /* the cell's type: 's' shared string, 'i' inline string, 'n' other */
    long ccol;
    int bad;
    char err[160];
} xl;

static char *dup_str(const char *s)
{
    return s ? pc_strndup(s, strlen(s)) : NULL;
}

static const char *attr(const XML_Char **a, const char *name)
{
    for (; a && a[0]; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

/* Local name of a possibly prefixed element ("x:row" -> "row"). */
static const char *local(const char *n)
{
    if (n[0] && (n[1] == '\0' || n[2] == '\0'))   /* "c", "v", "row"…: no prefix to look for */
        return n;
    const char *c = strchr(n, ':');
    return c ? c + 1 : n;
}

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    xl *x = ud;
    if (strcmp(local(el), "sheet") != 0 || x->rid)
        return;
    const char *name = attr(a, "name"), *id = attr(a, "r:id");
    if (!name || !id || (x->want && strcmp(x->want, name) != 0))
        return;
    x->sheet_name = dup_str(name);
    x->rid = dup_str(id);
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    xl *x = ud;
    const char *id = attr(a, "Id"), *t = attr(a, "Target");
    if (strcmp(local(el), "Relationship") == 0 && id && t && x->rid && strcmp(id, x->rid) == 0 && !x->target)
        x->target = dup_str(t);
}

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    (void)a;
    xl *x = ud;
    const char *l = local(el);
    if (strcmp(l, "si") == 0) {
        x->in_si = 1;
        x->text.n = 0;
    } else if (strcmp(l, "t") == 0 && x->in_si) {
        x->in_t = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
    xl *x = ud;
    const char *l = local(el);
    if (strcmp(l, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(l, "si") == 0) {
        x->in_si = 0;
        if (x->nsst == x->capsst) {
            size_t cap = x->capsst ? x->capsst * 2 : 256;
            char **p = pc_realloc(x->sst, cap * sizeof *p);
            if (!p) {
                x->text.oom = 1;
                return;
            }
            x->sst = p;
            x->capsst = cap;
        }
        x->sst[x->nsst] = pc_strndup(x->text.p ? x->text.p : "", x->text.n);
        if (!x->sst[x->nsst])
            x->text.oom = 1;
        x->nsst++;
    }
}

static void XMLCALL text_data(void *ud, const XML_Char *s, int len)
{
    xl *x = ud;
    if (x->in_t || x->in_v)
        import_buf_add(&x->text, s, (size_t)len);
}

/* "D7" -> column 3 (0-based); -1 if not a reference. */
static long ref_col(const char *r)
{
    long c = 0;
    int any = 0;
    for (; r && *r >= 'A' && *r <= 'Z'; r++, any = 1)
        c = c * 26 + (*r - 'A' + 1);
    return any && c <= 16384 ? c - 1 : -1;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    xl *x = ud;
    const char *l = local(el);
    if (strcmp(l, "row") == 0) {
        const char *r = attr(a, "r");
        long n = r ? atol(r) : x->row + 1;
        if (n <= x->row || n > 2000000000L) {
            x->bad = 1;
            snprintf(x->err, sizeof x->err, "rows out of order at row %ld", n);
            return;
        }
        for (; x->row + 1 < n; x->row++)   /* sheet row N is line N: blank lines for gaps */
            import_buf_add(&x->csv, "\n", 1);
        x->row = n;
        x->col = 0;
    } else if (strcmp(l, "c") == 0) {
        const char *t = attr(a, "t"), *r = attr(a, "r");
        x->ctype = !t ? 'n' : strcmp(t, "s") == 0 ? 's' : strcmp(t, "inlineStr") == 0 ? 'i' : 'n';
        x->ccol = r ? ref_col(r) : x->col;
        if (x->ccol < x->col) {
            x->bad = 1;
            snprintf(x->err, sizeof x->err, "cells out of order in row %ld", x->row);
        }
        x->text.n = 0;
    } else if (strcmp(l, "v") == 0 || (strcmp(l, "t") == 0 && x->ctype == 'i')) {
        x->in_v = 1;
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
    xl *x = ud;
    const char *l = local(el);
    if (strcmp(l, "v") == 0 || strcmp(l, "t") == 0) {
        x->in_v = 0;
    } else if (strcmp(l, "c") == 0 && !x->bad) {
        const char *s = x->text.p ? x->text.p : "";
        size_t n = x->text.n;
        if (x->ctype == 's') {
            long i = n ? atol(s) : -1;
            if (i < 0 || (size_t)i >= x->nsst) {
                x->bad = 1;
                snprintf(x->err, sizeof x->err, "a shared string that does not exist (%ld)", i);
                return;
            }
            s = x->sst[i];
            n = strlen(s);
        }
        for (; x->col < x->ccol; x->col++)
            import_buf_add(&x->csv, x->col ? ",\"\"" : "\"\"", x->col ? 3 : 2);
        if (x->col)
            import_buf_add(&x->csv, ",", 1);
        import_buf_cell(&x->csv, s, n);
        x->col++;
        if (x->col > x->maxcol)
            x->maxcol = x->col;
    } else if (strcmp(l, "row") == 0) {
        if (x->col && !x->width)
            x->width = x->col;
        for (; x->col && x->col < x->width; x->col++)
            import_buf_add(&x->csv, ",\"\"", 3);
        import_buf_add(&x->csv, "\n", 1);
    }
}

/* Stream one entry of the zip through an expat parser; 0, -1 with x->err set. */
static int parse_entry(zip_t *z, const char *entry, xl *x, XML_StartElementHandler st,
                       XML_EndElementHandler en, int optional)
{
    zip_file_t *f = zip_fopen(z, entry, 0);
    if (!f) {
        if (optional)
            return 0;
        snprintf(x->err, sizeof x->err, "the workbook has no %s", entry);
        return -1;
    }
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) {
        zip_fclose(f);
        snprintf(x->err, sizeof x->err, "out of memory");
        return -1;
    }
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, st, en);
    XML_SetCharacterDataHandler(p, text_data);
    char buf[1 << 16];
    int rc = 0;
    for (;;) {
        zip_int64_t n = zip_fread(f, buf, sizeof buf);
        if (n < 0) {
            snprintf(x->err, sizeof x->err, "%s: %s", entry, zip_file_strerror(f));
            rc = -1;
            break;
        }
        if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            snprintf(x->err, sizeof x->err, "%s:%lu: bad XML: %s", entry,
                     (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
            rc = -1;
            break;
        }
        if (x->bad || x->text.oom || x->csv.oom) {
            if (!x->bad)
                snprintf(x->err, sizeof x->err, "out of memory");
            rc = -1;
            break;
        }
        if (n == 0)
            break;
    }
    XML_ParserFree(p);
    zip_fclose(f);
    return rc;
}

static void xl_free(xl *x)
{
    for (size_t i = 0; i < x->nsst; i++)
        pc_free(x->sst[i]);
    pc_free(x->sst);
    pc_free(x->sheet_name);
    pc_free(x->rid);
    pc_free(x->target);
    pc_free(x->text.p);
    pc_free(x->csv.p);
}

/* The sheet's path in the zip from the relationship's target. */
static void sheet_path(const char *target, char *out, size_t len)
{
    if (target[0] == '/')
        snprintf(out, len, "%s", target + 1);
    else
        snprintf(out, len, "xl/%s", target);
}

/* Column letters of a 0-based column. */
static void col_name(long c, char *out)
{
    char tmp[8];
    int k = 0;
    for (c++; c > 0 && k < 7; c = (c - 1) / 26)
        tmp[k++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < k; i++)
        out[i] = tmp[k - 1 - i];
    out[k] = '\0';
}

/* The field of a CSV line (as this reader wrote it) at a 1-based character column. */
static long field_at(const char *line, int col)
{
    long f = 0;
    int quoted = 0, c = 1;
    for (const unsigned char *p = (const unsigned char *)line; *p && c < col; p++) {
        if ((*p & 0xC0) != 0x80)
            c++;
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            f++;
    }
    return f;
}

/* A sheet's name as Excel writes it in a reference: quoted ('Số liệu') unless it is
 * letters, digits and '_' only. */
static void sheet_ref(const char *name, char *out, size_t len)
{
    int plain = 1;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            plain = 0;
    if (plain) {
        snprintf(out, len, "%s", name);
        return;
    }
    size_t k = 0;
    if (len < 3)
        return;
    out[k++] = '\'';
    for (const char *p = name; *p && k + 3 < len; p++) {
        out[k++] = *p;
        if (*p == '\'')
            out[k++] = '\'';
    }
    out[k++] = '\'';
    out[k] = '\0';
}

/* Load the sheet's CSV text, reporting each problem at its cell (Sheet1!D7). */
static int load_text(dataset *ds, const char *name, const xl *x, const ds_spec *spec, diag_sink *diags)
{
    diag_sink tmp;
    diag_init(&tmp);
    csv_opts co = {0, 0, NULL};   /* threads: results do not depend on them */
    int rc = csv_load_mem_ex(ds, name, x->csv.p ? x->csv.p : "", x->csv.n, spec, &co, &tmp);
    for (size_t k = 0; k < tmp.n; k++) {
        const diag *d = &tmp.items[k];
        char cell[16] = "";
        if (d->line > 0 && d->col > 0 && d->line_text)
            col_name(field_at(d->line_text, d->col), cell);
        char msg[1024], sheet[300];
        sheet_ref(x->sheet_name, sheet, sizeof sheet);
        import_line_refs(d->msg ? d->msg : "out of memory", "row ", 0, msg, sizeof msg);
        if (d->line > 0)
            diag_line(diags, d->level, name, 0, 0, NULL, 0, cell[0] ? "%s!%s%d: %s" : "%s%s row %d: %s",
                      sheet, cell, d->line, msg);
        else
            diag_line(diags, d->level, d->file, 0, 0, NULL, 0, "%s", d->msg);
    }
    if (tmp.oom && rc == 0)
        rc = -1;
    diag_free(&tmp);
    return rc;
}

int import_xlsx(dataset *ds, const char *name, const char *data, size_t len, const char *sheet,
                const ds_spec *spec, diag_sink *diags)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
    if (!z) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "not a readable .xlsx workbook: %s",
                  zip_error_strerror(&zerr));
        if (src)
            zip_source_free(src);
        zip_error_fini(&zerr);
        return -1;
    }
    zip_error_fini(&zerr);
    xl x;
    memset(&x, 0, sizeof x);
    x.want = sheet;
    int rc = parse_entry(z, "xl/workbook.xml", &x, wb_start, NULL, 0);
    if (rc == 0 && !x.rid)
        snprintf(x.err, sizeof x.err, sheet ? "the workbook has no sheet named '%s'" : "the workbook has no sheet%s",
                 sheet ? sheet : ""), rc = -1;
    if (rc == 0)
        rc = parse_entry(z, "xl/_rels/workbook.xml.rels", &x, rels_start, NULL, 0);
    if (rc == 0 && !x.target)
        snprintf(x.err, sizeof x.err, "the workbook does not say where sheet '%s' is", x.sheet_name), rc = -1;
    if (rc == 0)
        rc = parse_entry(z, "xl/sharedStrings.xml", &x, sst_start, sst_end, 1);
    char path[512];
    if (rc == 0) {
        sheet_path(x.target, path, sizeof path);
        x.text.n = 0;
        rc = parse_entry(z, path, &x, sheet_start, sheet_end, 0);
    }
    zip_close(z);
    if (rc != 0)
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "%s%s%s", x.sheet_name ? x.sheet_name : "",
                  x.sheet_name ? ": " : "", x.err);
    else
        rc = load_text(ds, name, &x, spec, diags);
    xl_free(&x);
    return rc;
}
