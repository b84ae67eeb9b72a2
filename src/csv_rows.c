/* csv_rows.c — the row stage: scanning a chunk of the mapped file (RFC 4180 quoting, word
 * at a time), cells, NFC names, indicator codes, dimensions, and each row checked and added
 * to the chunk's dataset batch. The hot path: no allocation per row beyond the batch. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "csv_int.h"
#include "mem.h"
#include "strmap.h"
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* An unquoted field of digits (a leading '-' allowed when sign): one half of "19,1". */
static int all_digits(const field *f, int sign)
{
    if (f->flags || f->len == 0 || f->len > 20)
        return 0;
    size_t i = sign && f->p[0] == '-' ? 1 : 0;
    if (i == f->len)
        return 0;
    for (; i < f->len; i++)
        if (f->p[i] < '0' || f->p[i] > '9')
            return 0;
    return 1;
}

static inline int same(const char *a, size_t an, const char *b, size_t bn)
{
    if (!a || an != bn)
        return 0;
    if (an >= 8 && an <= 16)
        return load64(a) == load64(b) && load64(a + an - 8) == load64(b + an - 8);
    if (an < 8) {
        for (size_t i = 0; i < an; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    return memcmp(a, b, an) == 0;
}

static inline int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* Intern s, in Unicode NFC when nfc (names compare so, DESIGN.md §3); 0, -1 on OOM. */
static int intern_nfc(ds_batch *b, const char *s, size_t n, int nfc, uint32_t *id)
{
    if (!nfc || is_ascii(s, n))
        return ds_batch_intern(b, s, n, id);
    size_t len;
    char *norm = ds_nfc(s, n, &len);
    if (!norm)
        return -1;
    int rc = ds_batch_intern(b, norm, len, id);
    pc_free(norm);
    return rc;
}

/* Intern a name cell into the batch (validated first; regions in NFC); 0 ok, -1 reported. */
static int intern_name(chunk *c, const char *row, uint32_t row_line, const field *fd,
                       const char *s, size_t n, const char *col, uint32_t *id)
{
    if (n == 0) {
        row_error(c, row, row_line, fd->raw, fd->len, "empty %s", col);
        return -1;
    }
    const char *why = name_problem(s, n);
    if (why) {
        row_error(c, row, row_line, fd->raw, fd->len, "%s in column '%s'", why, col);
        c->bad_utf8 |= why[0] == 'i';
        return -1;
    }
    if (intern_nfc(c->b, s, n, col[0] == 'r', id) < 0) {
        oom_error(c, row_line);
        return -1;
    }
    return 0;
}

/* A row of a plan indicator is stored under the indicator's name, whichever of its codes
 * the cell holds: c->ind_id becomes the name's batch id. 0, -1 on OOM. */
static int canonical_indicator(chunk *c)
{
    const ds_spec *spec = c->L->spec;
    if (c->ind_spec == SPEC_ALL)
        return 0;
    uint32_t *bid = &c->spec_bid[c->ind_spec];
    if (*bid == UINT32_MAX) {
        const char *name = spec->inds[c->ind_spec].name;
        if (ds_batch_intern(c->b, name, strlen(name), bid) < 0)
            return -1;
    }
    c->ind_id = *bid;
    return 0;
}

static int spec_index(chunk *c, uint32_t id)
{
    const loader *L = c->L;
    if (L->keep_all)
        return SPEC_ALL;
    if (id >= c->spec_cap) {
        size_t ncap = c->spec_cap ? c->spec_cap : 64;
        while (ncap <= id)
            ncap *= 2;
        int32_t *a = pc_realloc(c->spec_of, ncap * sizeof *a);
        if (!a)
            return SPEC_UNKNOWN;
        for (size_t i = c->spec_cap; i < ncap; i++)
            a[i] = SPEC_UNKNOWN;
        c->spec_of = a;
        c->spec_cap = ncap;
    }
    if (c->spec_of[id] == SPEC_UNKNOWN) {
        size_t len;
        const char *s = ds_batch_str(c->b, id, &len);
        uint32_t v;
        c->spec_of[id] = strmap_get(&L->specmap, s, len, &v) ? (int32_t)v : SPEC_SKIP;
    }
    return c->spec_of[id];
}

/* The dimension key of the row into c->dimbuf: "name=value" for the non-empty cells, sorted
 * by name, joined by '\x1f' (the form of ds_dimkey). 0 ok, -1 reported. */
static int row_dimkey(chunk *c, const char *row, uint32_t row_line, const char **vals,
                      const size_t *lens, size_t *outlen)
{
    const loader *L = c->L;
    size_t need = 0;
    for (size_t d = 0; d < L->ndims; d++)
        need += strlen(L->colname[L->dimcol[d]]) + lens[d] + 2;
    if (need > c->dimcap) {
        char *nb = pc_realloc(c->dimbuf, need);
        if (!nb) {
            oom_error(c, row_line);
            return -1;
        }
        c->dimbuf = nb;
        c->dimcap = need;
    }
    size_t o = 0;
    int bad = 0;
    for (size_t d = 0; d < L->ndims; d++) {
        if (lens[d] == 0)
            continue;
        const char *why = name_problem(vals[d], lens[d]);
        if (why) {
            const field *fd = &c->f[L->dimcol[d]];
            row_error(c, row, row_line, fd->raw, fd->len, "%s in column '%s'", why,
                      L->colname[L->dimcol[d]]);
            c->bad_utf8 |= why[0] == 'i';
            bad = 1;
            continue;
        }
        const char *name = L->colname[L->dimcol[d]];
        size_t nl = strlen(name);
        if (o)
            c->dimbuf[o++] = '\x1f';
        memcpy(c->dimbuf + o, name, nl);
        o += nl;
        c->dimbuf[o++] = '=';
        memcpy(c->dimbuf + o, vals[d], lens[d]);
        o += lens[d];
    }
    *outlen = o;
    return bad ? -1 : 0;
}

/* Files joined together (cat a.csv b.csv): a byte-order mark at the start of a later row is
 * skipped, and the header line again is skipped, each with a warning — never a silent drop
 * (the row would have read as an unknown indicator). Returns 1 when the row is to be skipped. */
static int joined_file_row(chunk *c, uint32_t row_line)
{
    const loader *L = c->L;
    field *f0 = &c->f[0];
    if (f0->len >= 3 && f0->p == f0->raw && memcmp(f0->p, "\xEF\xBB\xBF", 3) == 0) {
        f0->raw += 3;
        f0->p += 3;
        f0->len -= 3;
        if (f0->len >= 2 && f0->p[0] == '"' && f0->p[f0->len - 1] == '"' && !memchr(f0->p + 1, '"', f0->len - 2)) {
            f0->p++;   /* "a quoted cell" after the mark */
            f0->len -= 2;
            f0->flags |= F_QUOTED;
        }
        diag_line(&c->diags, DIAG_WARNING, L->name, (int)row_line, 0, NULL, 0,
                  "a byte-order mark starts this row (files joined together?): the mark is skipped");
    }
    const char *s, *y;
    size_t n, yn;
    int key = L->col_ind >= 0 ? L->col_ind : L->col_reg;   /* a wide file has no indicator column */
    cell(c, &c->f[key], &s, &n);
    cell(c, &c->f[L->col_year], &y, &yn);
    if (n == strlen(L->colname[key]) && strncasecmp(s, L->colname[key], n) == 0 &&
        yn == strlen(L->colname[L->col_year]) && strncasecmp(y, L->colname[L->col_year], yn) == 0) {
        diag_line(&c->diags, DIAG_WARNING, L->name, (int)row_line, 0, NULL, 0,
                  "the header line again (files joined together?): the row is skipped");
        return 1;
    }
    return 0;
}

/* SDMX with labels: "VNM: Viet Nam" is the code VNM. */
static inline void code_part(const loader *L, const char **s, size_t *n)
{
    if (!L->layout->strip_labels)
        return;
    const char *colon = memchr(*s, ':', *n);
    if (colon) {
        *n = (size_t)(colon - *s);
        trim(s, n);
    }
}

/* One data row: the indicator cell in fi (a wide file: a field holding the column's name)
 * and the value in fv. */
static void process_row(chunk *c, const char *row, uint32_t row_line, const field *fi, const field *fv)
{
    const loader *L = c->L;
    const field *f = c->f;
    int bad = 0, ind_ok = 1;
    const char *s;
    size_t n;
    const char *vname = L->col_val >= 0 ? L->colname[L->col_val] : fi->p;   /* wide: the indicator's column */

    /* indicator */
    cell(c, fi, &s, &n);
    code_part(L, &s, &n);
    if (!same(c->ind_s, c->ind_n, s, n)) {
        uint32_t id;
        if (intern_name(c, row, row_line, fi, s, n, "indicator", &id) < 0) {
            bad = 1;
            ind_ok = 0;
        } else {
            ds_batch_add_indicator(c->b, id);
            c->ind_id = id;
            c->ind_s = ds_batch_str(c->b, id, &c->ind_n);
            c->ind_spec = spec_index(c, id);
            if (c->ind_spec == SPEC_UNKNOWN || (c->ind_spec >= 0 && canonical_indicator(c) < 0)) {
                oom_error(c, row_line);
                c->ind_s = NULL;
                return;
            }
        }
    }
    /* region: recorded even when the row is skipped */
    const field *fr = &f[L->col_reg];
    cell(c, fr, &s, &n);
    code_part(L, &s, &n);
    if (!same(c->reg_s, c->reg_n, s, n)) {
        /* regions tend to come in the same order under every indicator: try the one that
         * followed the previous region last time before hashing */
        uint32_t prev = c->reg_s ? c->reg_id : 0, id = prev < c->succ_cap ? c->succ[prev] : 0;
        size_t cl = 0;
        const char *cs = id ? ds_batch_str(c->b, id, &cl) : NULL;
        if (!same(cs, cl, s, n)) {
            if (intern_name(c, row, row_line, fr, s, n, "region", &id) < 0) {
                bad = 1;
            } else {
                ds_batch_add_region(c->b, id);
                if (prev >= c->succ_cap) {
                    size_t ncap = c->succ_cap ? c->succ_cap : 1024;
                    while (ncap <= prev)
                        ncap *= 2;
                    uint32_t *a = pc_realloc(c->succ, ncap * sizeof *a);
                    if (a) {
                        memset(a + c->succ_cap, 0, (ncap - c->succ_cap) * sizeof *a);
                        c->succ = a;
                        c->succ_cap = ncap;
                    }
                }
                if (prev < c->succ_cap)
                    c->succ[prev] = id;
            }
        }
        if (!bad) {
            c->reg_id = id;
            c->reg_s = ds_batch_str(c->b, id, &c->reg_n);
        }
    }
    if (ind_ok && c->ind_spec == SPEC_SKIP) {   /* skipped quickly: period and value unread */
        c->st.skipped += !bad;
        return;
    }
    /* period (trimmed even when quoted, as are value and unit) */
    const field *fy = &f[L->col_year];
    cell(c, fy, &s, &n);
    trim(&s, &n);
    ds_period per = 0;
    if (n == 4 && digit(s[0]) && digit(s[1]) && digit(s[2]) && digit(s[3]) && s[0] != '0') {
        per = ((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0')) * 10000 +
              1203;
    } else if (n == 0) {
        row_error(c, row, row_line, fy->raw, fy->len, "empty year");
        bad = 1;
    } else if (ds_period_parse(s, n, &per) < 0) {
        char q[64];
        quote_text(s, n, q, sizeof q);
        row_error(c, row, row_line, fy->raw, fy->len,
                  "bad period '%s' in column '%s' (expected 2024, 2024S1, 2024Q3, 2024-06 or 202406)", q,
                  L->colname[L->col_year]);
        bad = 1;
    }
    if (per && per % 100 != DS_ANNUAL && c->ind_spec >= 0 && c->ind_spec != SPEC_ALL &&
        L->spec->inds[c->ind_spec].agg == DS_AGG_NONE && !c->subannual[c->ind_spec])
        c->subannual[c->ind_spec] = row_line;   /* reported once per indicator, after the load */
    /* value */
    cell(c, fv, &s, &n);
    trim(&s, &n);
    double v;
    int groups;
    if (n == 0) {
        v = NAN;
    } else if ((groups = thousands_dots(s, n)) > 0 && (groups > 1 || memcmp(s + n - 3, "000", 3) == 0)) {
        char q[64], digits[64];
        size_t k = 0;
        quote_text(s, n, q, sizeof q);
        for (size_t i = 0; i < n && k + 1 < sizeof digits; i++)
            if (s[i] != '.')
                digits[k++] = s[i];
        digits[k] = '\0';
        if (groups > 1)
            row_error(c, row, row_line, fv->raw, fv->len,
                      "'%s' in column '%s' is written with dots between thousands: it reads as %s; "
                      "write %s (no thousands separators, '.' only as the decimal point)",
                      q, vname, digits, digits);
        else
            row_error(c, row, row_line, fv->raw, fv->len,
                      "'%s' in column '%s' reads as %.*s with a decimal point, or as %s with a dot "
                      "between thousands; write %.*s or %s", q, vname,
                      (int)(n - 4), s, digits, (int)(n - 4), s, digits);
        bad = 1;
    } else if (ds_parse_number(s, n, &v) < 0) {
        char q[64];
        quote_text(s, n, q, sizeof q);
        const char *hint = memchr(s, ',', n) ? " (use '.' as the decimal point, no thousands separators)"
                           : memchr(s, 'e', n) || memchr(s, 'E', n) ? " (out of range: a value must lie between about 1e-308 and 1e308)" : "";
        row_error(c, row, row_line, fv->raw, fv->len, "bad number '%s' in column '%s'%s", q,
                  vname, hint);
        bad = 1;
    }
    /* unit */
    if (L->col_unit >= 0 && !bad && c->ind_spec >= 0 && c->ind_spec != SPEC_ALL &&
        L->specunit[c->ind_spec]) {
        const field *fu = &f[L->col_unit];
        const char *us;
        size_t un;
        cell(c, fu, &us, &un);
        trim(&us, &un);
        const char *want = L->specunit[c->ind_spec];
        if (un > 0 && !same(want, strlen(want), us, un)) {
            const char *canon = ds_unit_canonical(us, un);
            if (!canon || strcmp(canon, want) != 0) {
                char q[64];
                quote_text(us, un, q, sizeof q);
                row_error(c, row, row_line, fu->raw, fu->len,
                          "unit '%s' does not match indicator '%s' (%s%s)", q, c->ind_s,
                          want[0] ? "unit " : "a bare number", want);
                bad = 1;
            }
        }
    }
    /* dimensions */
    uint32_t dim = 0;
    if (L->ndims) {
        const char *vals[64];
        size_t lens[64], dn, nonempty = 0;
        for (size_t d = 0; d < L->ndims; d++) {
            cell(c, &f[L->dimcol[d]], &vals[d], &lens[d]);
            code_part(L, &vals[d], &lens[d]);
            if (lens[d] && csv_layout_total(vals[d], lens[d]))
                lens[d] = 0;   /* a total: as an empty cell */
            nonempty += lens[d] > 0;
        }
        if (nonempty) {
            if (row_dimkey(c, row, row_line, vals, lens, &dn) < 0) {
                bad = 1;
            } else if (same(c->dim_s, c->dim_n, c->dimbuf, dn)) {
                dim = c->dim_id;
            } else if (intern_nfc(c->b, c->dimbuf, dn, 1, &dim) < 0) {
                oom_error(c, row_line);
                return;
            } else {
                c->dim_id = dim;
                c->dim_s = ds_batch_str(c->b, dim, &c->dim_n);
            }
        }
    }
    if (bad)
        return;
    c->st.kept++;
    c->st.empty += isnan(v);
    if (c->ind_spec >= 0 && c->ind_spec != SPEC_ALL)
        c->used[c->ind_spec]++;
    if (ds_batch_add(c->b, c->ind_id, c->reg_id, dim, per, row_line, v) < 0)
        oom_error(c, row_line);
}

/* Give parsed pages of a mapped file back (they stay readable: the kernel refills them). */
static void drop_behind(chunk *c, const char *p)
{
    const size_t step = 16u << 20;
    size_t at = (size_t)(p - c->L->buf);
    if (at < c->dropped + step + (1u << 20))
        return;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t lo = (c->dropped + pg - 1) / pg * pg, hi = (at - (1u << 20)) / pg * pg;
    if (hi > lo)
        madvise((char *)c->L->buf + lo, hi - lo, MADV_DONTNEED);
    c->dropped = hi;
}

/* Fill the page tables of the next few MB of a mapped file in one call: one 4 KiB fault
 * per 64 KiB costs ~10 µs on a virtual machine, 40 ms over a 240 MB file. Only advice
 * (MADV_POPULATE_READ, Linux 5.14): nothing depends on it, and it never copies a page. */
static void populate_ahead(chunk *c, const char *p)
{
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
    const size_t step = 8u << 20;
    size_t at = (size_t)(p - c->L->buf);
    if (at + (2u << 20) < c->populated)
        return;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t lo = (at > c->populated ? at : c->populated) / pg * pg;
    size_t hi = lo + step < c->L->len ? lo + step : c->L->len / pg * pg;
    if (hi > lo && madvise((char *)c->L->buf + lo, hi - lo, MADV_POPULATE_READ) != 0)
        hi = SIZE_MAX / 2;   /* not supported: stop asking */
    c->populated = hi > lo ? hi : SIZE_MAX / 2;
}

/* Parse the rows that start in [pos, to). */
void parse_chunk(chunk *c)
{
    const loader *L = c->L;
    const char *buf = L->buf, *end = buf + L->len;
    const char *p = buf + c->pos, *stop = buf + c->to;
    size_t cap = L->ncols + 1;
    if (!c->dropped)
        c->dropped = c->from;
    while (p < stop && !c->fatal) {
        const char *row = p;
        uint32_t row_line = c->line;
        int esc = 0;
        long nf = scan_row(c, &p, row, row_line, cap, &esc);
        if (nf < 0)
            continue;
        if (nf == 1 && !c->f[0].flags) {   /* a blank line */
            const char *s;
            size_t n;
            cell(c, &c->f[0], &s, &n);
            if (n == 0)
                continue;
        }
        c->st.rows++;
        if ((size_t)nf != L->ncols) {
            /* located: at the first field too many, or just after the last field */
            const field *fl = &c->f[(size_t)nf > L->ncols ? L->ncols : (size_t)nf - 1];
            const char *at = (size_t)nf > L->ncols ? fl->raw : fl->p + fl->len + ((fl->flags & F_QUOTED) != 0);
            /* one field too many, split inside the value by a comma: a decimal comma */
            const field *v = &c->f[L->col_val], *w = v + 1;
            if ((size_t)nf == L->ncols + 1 && L->col_val >= 0 && all_digits(v, 1) && all_digits(w, 0))
                row_error(c, row, row_line, v->raw, (size_t)(w->p + w->len - v->raw),
                          "expected %zu fields (as in the header), got %ld: is '%.*s' a decimal comma? "
                          "write %.*s.%.*s", L->ncols, nf, (int)(w->p + w->len - v->p), v->p,
                          (int)v->len, v->p, (int)w->len, w->p);
            else
                row_error(c, row, row_line, at, (size_t)nf > L->ncols ? fl->len : 0,
                          "expected %zu fields (as in the header), got %ld", L->ncols, nf);
            continue;
        }
        if (esc) {
            size_t need = (size_t)(p - row);
            if (need > c->scratch_cap) {
                char *ns = pc_realloc(c->scratch, need);
                if (!ns) {
                    oom_error(c, row_line);
                    break;
                }
                c->scratch = ns;
                c->scratch_cap = need;
            }
            c->scratch_used = 0;
        }
        if (c->f[0].len && ((unsigned char)c->f[0].raw[0] == 0xEF || (c->f[0].raw[0] | 0x20) == (L->colname[0][0] | 0x20)) &&
            joined_file_row(c, row_line))
            continue;
        if (!L->nwide) {
            process_row(c, row, row_line, &c->f[L->col_ind], &c->f[L->col_val]);
        } else {   /* a wide file: one row per indicator column (each counts as a row read) */
            c->st.rows += L->nwide - 1;
            for (size_t w = 0; w < L->nwide && !c->fatal; w++) {
                const char *name = L->colname[L->widecol[w]];
                field fi = {name, name, strlen(name), 0};
                c->scratch_used = 0;
                process_row(c, row, row_line, &fi, &c->f[L->widecol[w]]);
            }
        }
        if (L->mapped && (size_t)(p - buf) > c->dropped + (17u << 20))
            drop_behind(c, row);
        if (L->mapped && (size_t)(p - buf) + (2u << 20) >= c->populated)
            populate_ahead(c, p);
    }
    if (p > end)
        p = end;
    c->pos = (size_t)(p - buf);
}

void *chunk_thread(void *arg)
{
    parse_chunk(arg);
    return NULL;
}
