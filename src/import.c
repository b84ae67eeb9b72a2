/* import.c — one entry for every data format (DESIGN.md §3): recognises a file's format
 * from its content (or --data-format), hands it to its reader, and after the last file
 * warns about what the plan expected and the data did not give. It must not parse a
 * format itself (csv.c and the import_*.c readers do) nor print. */
#include "import.h"
#include "fileio.h"
#include "mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char import_format_names[] = "auto, csv, sdmx, sdg, dhis2, dhis2-json, wide, xlsx";

int import_format_known(const char *name)
{
    static const char *const names[] = {"auto", "csv", "tidy", "sdmx", "sdg", "dhis2", "dhis2-json", "wide", "xlsx"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

void import_buf_add(import_buf *b, const char *s, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + n + 1 > cap)
            cap *= 2;
        char *p = pc_realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void import_buf_cell(import_buf *b, const char *s, size_t n)
{
    import_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i] == '\n' || s[i] == '\r' ? '\x01' : s[i];
        import_buf_add(b, &c, 1);
        if (c == '"')
            import_buf_add(b, "\"", 1);
    }
    import_buf_add(b, "\"", 1);
}

void import_line_refs(const char *msg, const char *prefix, int offset, char *out, size_t len)
{
    const char *at = strstr(msg, " at line ");
    char *end = NULL;
    long line = at ? strtol(at + 9, &end, 10) : 0;
    if (!at || end == at + 9 || line - offset < 0) {
        snprintf(out, len, "%s", msg);
        return;
    }
    snprintf(out, len, "%.*s at %s%ld%s%s", (int)(at - msg), msg, prefix, line - offset,
             prefix[strlen(prefix) - 1] == '[' ? "]" : "", end);
}

/* What the first bytes say: 'x' an xlsx workbook (a zip), 'j' JSON, 'c' text (CSV). */
static char sniff(const char *p, size_t n)
{
    if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
        return 'x';
    size_t i = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < n && (p[i] == '{' || p[i] == '[') ? 'j' : 'c';
}

static int load_mem(dataset *ds, const char *name, const char *text, size_t len, char kind,
                    const import_opts *opt, const ds_spec *spec, diag_sink *diags, const csv_opts *co)
{
    if (kind == 'j')
        return import_dhis2_json(ds, name, text, len, spec, diags);
    if (kind == 'x')
        return import_xlsx(ds, name, text, len, opt ? opt->sheet : NULL, spec, diags);
    return csv_load_mem_ex(ds, name, text, len, spec, co, diags);
}

int import_load(dataset *ds, const char *path, const import_opts *opt, const ds_spec *spec,
                diag_sink *diags)
{
    csv_opts co;
    memset(&co, 0, sizeof co);
    const char *fmt = opt && opt->format && strcmp(opt->format, "auto") != 0 ? opt->format : NULL;
    char kind = 0;
    if (fmt && strcmp(fmt, "dhis2-json") == 0)
        kind = 'j';
    else if (fmt && strcmp(fmt, "xlsx") == 0)
        kind = 'x';
    else if (fmt)
        kind = 'c';
    co.format = kind == 'c' ? fmt : NULL;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    struct stat st;
    if (strcmp(path, "-") != 0 && (stat(path, &st) != 0 || S_ISDIR(st.st_mode)))
        return csv_load_ex(ds, path, spec, &co, diags);   /* says what is wrong with the path */
    if (strcmp(path, "-") != 0 && S_ISREG(st.st_mode)) {
        if (!kind) {   /* a regular file: peek at its first bytes */
            char head[64];
            size_t n = 0;
            FILE *f = fopen(path, "rb");
            if (f) {
                n = fread(head, 1, sizeof head, f);
                fclose(f);
            }
            kind = sniff(head, n);
        }
        if (kind == 'c')   /* mapped and read by threads */
            return csv_load_ex(ds, path, spec, &co, diags);
    }
    /* a pipe, standard input, JSON or a workbook: the whole file in memory */
    char *text = NULL, err[512];
    size_t len = 0;
    if (fileio_read(path, &text, &len, err, sizeof err) != 0) {
        size_t pl = strlen(path);   /* fileio says "PATH: reason" */
        const char *why = strncmp(err, path, pl) == 0 && strncmp(err + pl, ": ", 2) == 0 ? err + pl + 2 : err;
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "cannot read: %s", why);
        return -1;
    }
    int rc = load_mem(ds, name, text, len, kind ? kind : sniff(text, len), opt, spec, diags, &co);
    pc_free(text);
    return rc;
}

/* "'a', 'b', 'c'" : up to five of the data's indicator cells, the nearest first. */
static void nearest_codes(const dataset *ds, const char *name, char *buf, size_t len)
{
    size_t n = ds_nindicators(ds), o = 0;
    const char **cands = pc_malloc(sizeof *cands * (n ? n : 1));
    buf[0] = '\0';
    if (!cands)
        return;
    for (size_t i = 0; i < n; i++)
        cands[i] = ds_indicator(ds, i);
    const char *best = diag_suggest(name, cands, n);
    if (best)
        o += (size_t)snprintf(buf, len, "did you mean '%s'? ", best);
    if (o < len)
        o += (size_t)snprintf(buf + o, len - o, "the data has %zu indicator%s", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < 5 && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s'%s'", i ? ", " : ": ", cands[i]);
    if (n > 5 && o < len)
        snprintf(buf + o, len - o, ", …");
    pc_free(cands);
}

void import_warnings(const dataset *ds, const ds_spec *spec, diag_sink *diags)
{
    size_t nf = ds_nfiles(ds);
    const char *file = nf ? ds_file(ds, nf - 1, NULL) : NULL;
    for (size_t i = 0; spec && spec->inds && i < spec->ninds; i++) {
        const ds_spec_ind *si = &spec->inds[i];
        int lo, hi;
        if (!ds_indicator_years(ds, si->name, &lo, &hi)) {
            char near[512], codes[256] = "";
            size_t o = 0;
            for (size_t k = 0; k < si->ncodes && o < sizeof codes; k++)
                o += (size_t)snprintf(codes + o, sizeof codes - o, "%s'%s'", k ? ", " : " or its code ",
                                      si->codes[k]);
            nearest_codes(ds, si->name, near, sizeof near);
            diag_line(diags, DIAG_WARNING, nf == 1 ? file : NULL, 0, 0, NULL, 0,
                      "no row of the data has a value for indicator '%s' (by its name%s); %s",
                      si->name, codes, near);
        }
        const ds_series *ex = NULL;
        int year = 0, have = 0, need = 0;
        size_t nin = ds_incomplete(ds, si->name, &ex, &year, &have, &need);
        if (nin)
            diag_line(diags, DIAG_WARNING, nf == 1 ? file : NULL, 0, 0, NULL, 0,
                      "indicator '%s' (aggregate sum): %zu year%s of a region left out for want of "
                      "periods, e.g. %s %d with %d of %d", si->name, nin, nin == 1 ? "" : "s",
                      ds_str(ds, ex->region), year, have, need);
    }
    for (size_t f = 0; f < nf; f++) {
        ds_stats st;
        const char *name = ds_file(ds, f, &st);
        if (st.skipped)
            diag_line(diags, DIAG_WARNING, name, 0, 0, NULL, 0,
                      "%zu of %zu row%s skipped: their indicator is not one the plan uses", st.skipped,
                      st.rows, st.rows == 1 ? "" : "s");
    }
}
