/* csv_header.c — the header line: the separator, each column's role (indicator, region,
 * year, value, unit, dimensions, annotations, wide years), the layouts of import_layout.c,
 * and the errors of a header a person wrote by hand. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "csv_int.h"
#include "mem.h"
#include "strmap.h"
#include <stdlib.h>

/* ---- the header ---- */

/* The separator of a file from its header line: ';' when it has more of them than of ','
 * outside quotes (Excel writes ';' where ',' is the decimal comma), else ','. */
static char header_separator(const char *p, const char *end)
{
    size_t commas = 0, semis = 0;
    int quoted = 0;
    for (; p < end && (quoted || *p != '\n'); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted)
            commas += *p == ',', semis += *p == ';';
    }
    return semis > commas ? ';' : ',';
}

/* A declared dimension of the plan named so (without regard to case), or NULL. */
static const char *declared_dim(const loader *L, const char *name)
{
    for (size_t d = 0; L->spec && L->spec->dims_declared && d < L->spec->ndims; d++)
        if (strcasecmp(name, L->spec->dims[d]) == 0)
            return L->spec->dims[d];
    return NULL;
}

/* An SDMX identifier: A-Z first, then A-Z, 0-9, _. */
static int sdmx_id(const char *s)
{
    if (!(*s >= 'A' && *s <= 'Z'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* Rename column i to the first n bytes of name (never longer than the old name). */
static void rename_col(loader *L, size_t i, const char *name, size_t n)
{
    memmove(L->colname[i], name, n);
    L->colname[i][n] = '\0';
}

/* The role of column i once the layout is known. A declared dimension takes the plan's
 * spelling; the format's own dimensions are dimensions whatever the plan declares; without
 * a plan's list every other column of a tidy file is a dimension; otherwise an annotation. */
static int column_role(loader *L, size_t i)
{
    const csv_layout *lay = L->layout;
    size_t kl;
    const char *key = csv_layout_key(lay, L->colname[i], &kl);
    char k[128];
    snprintf(k, sizeof k, "%.*s", (int)kl, key);
    const char *decl = declared_dim(L, k);
    if (decl) {
        rename_col(L, i, decl, strlen(decl));
        return COL_DIM;
    }
    if (csv_layout_in(lay->annots, k))
        return COL_ANNOT;
    if (csv_layout_in(lay->dims, k) && lay->dim_name) {
        const char *dn = declared_dim(L, lay->dim_name);
        dn = dn ? dn : lay->dim_name;
        if (strlen(dn) > strlen(L->colname[i])) {   /* "catoptcombo": room for the longer name */
            char *longer = pc_realloc(L->colname[i], strlen(dn) + 1);
            if (longer)
                L->colname[i] = longer;
            else
                dn = k;
        }
        rename_col(L, i, dn, strlen(dn));
        return COL_DIM;
    }
    if (csv_layout_in(lay->dims, k) ||
        (lay->code_dims && sdmx_id(k) && L->col_year >= 0 && (int)i < L->col_year)) {
        rename_col(L, i, k, strlen(k));
        return COL_DIM;
    }
    size_t n = strlen(k);
    if (lay->bracket_dims && n > 2 && k[0] == '[' && k[n - 1] == ']') {
        rename_col(L, i, k + 1, n - 2);
        return COL_DIM;
    }
    if (lay->wide)
        return COL_WIDE;
    if (lay == csv_layout_named("csv") && (!L->spec || !L->spec->dims_declared))
        return COL_DIM;
    return COL_ANNOT;
}

/* The column of a role: the first of the layout's names (in its order) in the header. */
static int find_col(const loader *L, const char *const *names)
{
    for (size_t k = 0; names && names[k]; k++)
        for (size_t i = 0; i < L->ncols; i++) {
            size_t kl;
            const char *key = csv_layout_key(L->layout, L->colname[i], &kl);
            if (kl == strlen(names[k]) && strncasecmp(key, names[k], kl) == 0)
                return (int)i;
        }
    return -1;
}

/* Pick the layout (asked for, or from the header) and give every column its role. */
static int assign_roles(chunk *c, loader *L, const char *row, uint32_t row_line)
{
    L->layout = L->format ? csv_layout_named(L->format) : csv_layout_detect(L->colname, L->ncols);
    if (!L->layout)
        L->layout = csv_layout_named("csv");
    const csv_layout *lay = L->layout;
    L->col_ind = find_col(L, lay->ind);
    L->col_reg = find_col(L, lay->reg);
    L->col_year = find_col(L, lay->year);
    L->col_val = find_col(L, lay->val);
    L->col_unit = find_col(L, lay->unit);
    L->widecol = pc_calloc(L->ncols ? L->ncols : 1, sizeof *L->widecol);
    if (!L->widecol) {
        oom_error(c, row_line);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < L->ncols; i++) {
        if ((int)i == L->col_ind || (int)i == L->col_reg || (int)i == L->col_year ||
            (int)i == L->col_val || (int)i == L->col_unit)
            continue;
        int role = column_role(L, i);
        const char *name = L->colname[i];
        if (role == COL_WIDE) {
            L->widecol[L->nwide++] = (int)i;
            continue;
        }
        if (role != COL_DIM)
            continue;
        if (strchr(name, '=')) {
            const field *fd = &c->f[i];
            row_error(c, row, row_line, fd->raw, fd->len,
                      "column '%s' cannot be a dimension: its name contains '='", name);
            bad = 1;
        }
        size_t j = L->ndims++;   /* insertion by name */
        while (j > 0 && strcmp(L->colname[L->dimcol[j - 1]], name) > 0) {
            L->dimcol[j] = L->dimcol[j - 1];
            j--;
        }
        L->dimcol[j] = (int)i;
    }
    return bad ? -1 : 0;
}

/* Parse the header row at c->pos; sets up L's columns. 0 ok, -1 reported. */
int parse_header(chunk *c, loader *L)
{
    const char *buf = L->buf, *end = buf + L->len;
    const char *p = buf + c->pos;
    /* blank lines before the header are skipped */
    for (;;) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q == '\n') {
            p = q + 1;
            c->line++;
            continue;
        }
        if (q >= end) {
            diag_line(&c->diags, DIAG_ERROR, L->name, 0, 0, NULL, 0,
                      "empty file: expected a header line 'indicator,region,year,value'");
            c->nerr++;
            return -1;
        }
        break;
    }
    const char *row = p;
    uint32_t row_line = c->line;
    int esc = 0;
    L->sep = header_separator(p, end);
    long nf = scan_row(c, &p, row, row_line, MAX_COLUMNS, &esc);
    c->pos = (size_t)(p > end ? end - buf : p - buf);
    if (nf < 0)
        return -1;
    if (nf > MAX_COLUMNS) {
        row_error(c, row, row_line, NULL, 0, "too many columns in the header (at most %d)",
                  MAX_COLUMNS);
        return -1;
    }
    L->ncols = (size_t)nf;
    L->colname = pc_calloc((size_t)nf, sizeof *L->colname);
    L->dimcol = pc_calloc((size_t)nf, sizeof *L->dimcol);
    if (!L->colname || !L->dimcol) {
        oom_error(c, row_line);
        return -1;
    }
    L->col_ind = L->col_reg = L->col_year = L->col_val = L->col_unit = -1;
    int bad = 0;
    for (long i = 0; i < nf; i++) {
        const field *fd = &c->f[i];
        char *name = pc_malloc(fd->len + 1);
        if (!name) {
            oom_error(c, row_line);
            return -1;
        }
        size_t k = 0;   /* unescape, then trim (quoted names too) */
        for (size_t j = 0; j < fd->len; j++) {
            name[k++] = fd->p[j];
            if ((fd->flags & F_ESC) && fd->p[j] == '"')
                j++;
        }
        size_t a = 0;
        while (a < k && is_blank(name[a]))
            a++;
        while (k > a && is_blank(name[k - 1]))
            k--;
        memmove(name, name + a, k - a);
        k -= a;
        name[k] = '\0';
        L->colname[i] = name;
        const char *why = name_problem(name, k);
        if (k == 0) {
            row_error(c, row, row_line, fd->raw, fd->len ? fd->len : 1, "column %ld has no name",
                      i + 1);
            bad = 1;
            continue;
        }
        if (why) {
            row_error(c, row, row_line, fd->raw, fd->len, "%s in a column name", why);
            c->bad_utf8 |= why[0] == 'i';
            bad = 1;
            continue;
        }
        int dup = 0;
        for (long j = 0; j < i; j++)
            if (L->colname[j] && strcasecmp(L->colname[j], name) == 0) {
                row_error(c, row, row_line, fd->raw, fd->len,
                          "duplicate column '%s' (also column %ld)", name, j + 1);
                dup = bad = 1;
                break;
            }
        if (dup)
            continue;
    }
    if (assign_roles(c, L, row, row_line) < 0)
        bad = 1;
    if (L->ndims > 64) {
        row_error(c, row, row_line, NULL, 0, "too many dimension columns (at most 64)");
        bad = 1;
    }
    const csv_layout *lay = L->layout ? L->layout : csv_layout_named("csv");
    int wide = lay->wide;
    int cols[4] = {wide ? 0 : L->col_ind, L->col_reg, L->col_year, wide ? 0 : L->col_val};
    const char *const *names[4] = {lay->ind, lay->reg, lay->year, lay->val};
    char missing[256] = "";
    int nmissing = 0;
    for (int r = 0; r < 4; r++) {
        if (cols[r] < 0) {
            size_t ml = strlen(missing);
            snprintf(missing + ml, sizeof missing - ml, "%s'%s'", nmissing ? ", " : "", names[r][0]);
            nmissing++;
        }
    }
    if (nmissing) {
        if (lay == csv_layout_named("csv"))
            row_error(c, row, row_line, NULL, 0,
                      "missing column%s %s in the header (a data file starts with a header line "
                      "'indicator,region,year,value', or is in one of the formats of docs/data.md)",
                      nmissing > 1 ? "s" : "", missing);
        else
            row_error(c, row, row_line, NULL, 0, "missing column%s %s in the header of a %s file",
                      nmissing > 1 ? "s" : "", missing, lay->name);
        bad = 1;
    }
    if (!bad && wide && L->nwide == 0) {
        row_error(c, row, row_line, NULL, 0, "no indicator columns after '%s' and '%s' in a wide file",
                  L->colname[L->col_reg], L->colname[L->col_year]);
        bad = 1;
    }
    return bad || cols[0] < 0 || cols[1] < 0 || cols[2] < 0 || cols[3] < 0 ? -1 : 0;
}
