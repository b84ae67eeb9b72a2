/* import.c — one entry for every data format (DESIGN.md §3): recognises a file's format
 * from its content (or --data-format), hands it to its reader, and after the last file
 * warns about what the plan expected and the data did not give. It must not parse a
 * format itself (csv.c and the import_*.c readers do) nor print. */
#include "import.h"
#include "mem.h"
#include <stdio.h>
#include <string.h>

const char import_format_names[] = "auto, csv, sdmx, sdg, dhis2, wide";

int import_format_known(const char *name)
{
    static const char *const names[] = {"auto", "csv", "tidy", "sdmx", "sdg", "dhis2", "wide"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

int import_load(dataset *ds, const char *path, const import_opts *opt, const ds_spec *spec,
                diag_sink *diags)
{
    csv_opts co;
    memset(&co, 0, sizeof co);
    co.format = opt && opt->format && strcmp(opt->format, "auto") != 0 ? opt->format : NULL;
    return csv_load_ex(ds, path, spec, &co, diags);
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
        const char *dk;
        if (lo && !ds_indicator_has_total(ds, si->name, &dk)) {
            char sel[256];
            size_t k = 0;
            for (const char *p = dk; *p && k + 8 < sizeof sel; p++) {   /* a=x\x1fb=y -> a = "x", b = "y" */
                if (*p == '=') {
                    memcpy(sel + k, " = \"", 4);
                    k += 4;
                } else if (*p == '\x1f') {
                    memcpy(sel + k, "\", ", 3);
                    k += 3;
                } else {
                    sel[k++] = *p;
                }
            }
            sel[k] = '\0';
            diag_line(diags, DIAG_WARNING, nf == 1 ? file : NULL, 0, 0, NULL, 0,
                      "the data has indicator '%s' only in parts (no total row), e.g. [%s\"]: a target "
                      "without a selector finds no value; declare the dimensions and select, e.g. %s[%s\"]",
                      si->name, sel, si->name, sel);
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
