/* csv.c — the tidy-CSV loader (DESIGN.md §3): one pass over a mapped file, split in chunks
 * parsed by threads into dataset batches, then merged; also the text-to-value conversions of
 * a data cell (numbers, periods, units). It must not print, exit, or keep global state: every
 * problem is a diagnostic in the caller's sink, with the file, line and column. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "dataset.h"
#include "diag.h"
#include "fileio.h"
#include "mem.h"
#include "numfmt.h"
#include "strmap.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ERRORS 100
#define PAD 16   /* bytes after the data: '\n' (sentinel), '\0', then readable zeros */
#define MAX_COLUMNS 4096

/* ---- cell values ---- */

static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int ds_parse_number(const char *s, size_t n, double *out)
{
    const char *p = s, *e = s + n;
    int neg = 0;
    if (p < e && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    uint64_t m = 0;
    int sig = 0, exp10 = 0, any = 0, inexact = 0;
    for (; p < e && (unsigned)(*p - '0') < 10; p++) {
        any = 1;
        unsigned d = (unsigned)(*p - '0');
        if (m == 0 && d == 0)
            continue;
        if (sig < 19) {
            m = m * 10 + d;
            sig++;
        } else {
            exp10++;
            inexact = 1;
        }
    }
    if (p < e && *p == '.') {
        for (p++; p < e && (unsigned)(*p - '0') < 10; p++) {
            any = 1;
            unsigned d = (unsigned)(*p - '0');
            if (m == 0 && d == 0) {
                exp10--;
                continue;
            }
            if (sig < 19) {
                m = m * 10 + d;
                sig++;
                exp10--;
            } else {
                inexact = 1;
            }
        }
    }
    if (!any)
        return -1;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, edig = 0;
        long ex = 0;
        if (p < e && (*p == '-' || *p == '+'))
            eneg = *p++ == '-';
        for (; p < e && (unsigned)(*p - '0') < 10; p++, edig++)
            if (ex < 100000)
                ex = ex * 10 + (*p - '0');
        if (!edig)
            return -1;
        exp10 += (int)(eneg ? -ex : ex);
    }
    if (p != e)
        return -1;
    if (!inexact) {
        if (m == 0) {
            *out = neg ? -0.0 : 0.0;
            return 0;
        }
        /* Clinger's fast path: m and 10^|e| are exact doubles, one IEEE operation rounds once */
        if (m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
            double v = (double)m;
            v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
            *out = neg ? -v : v;
            return 0;
        }
    }
    /* strtod (C locale) on a NUL-terminated copy; the syntax is already checked */
    char small[128], *copy = small;
    if (n >= sizeof small && !(copy = pc_malloc(n + 1)))
        return -1;
    memcpy(copy, s, n);
    copy[n] = '\0';
    char *end;
    double v = numfmt_strtod(copy, &end);
    int ok = end == copy + n && isfinite(v);
    if (copy != small)
        pc_free(copy);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}

static inline int digit(char c) { return (unsigned)(c - '0') < 10; }

int ds_period_parse(const char *s, size_t n, ds_period *out)
{
    if (n < 4 || !digit(s[0]) || !digit(s[1]) || !digit(s[2]) || !digit(s[3]) || s[0] == '0')
        return -1;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    ds_period p = 0;
    if (n == 4)
        p = ds_period_make(year, DS_ANNUAL, 0);
    else if (n == 6 && (s[4] == 'S' || s[4] == 's') && digit(s[5]))
        p = ds_period_make(year, DS_HALF, s[5] - '0');
    else if (n == 6 && (s[4] == 'Q' || s[4] == 'q') && digit(s[5]))
        p = ds_period_make(year, DS_QUARTER, s[5] - '0');
    else if (n == 7 && s[4] == '-' && digit(s[5]) && digit(s[6]))
        p = ds_period_make(year, DS_MONTH, (s[5] - '0') * 10 + (s[6] - '0'));
    if (p == 0)
        return -1;
    *out = p;
    return 0;
}

const char *ds_unit_canonical(const char *s, size_t n)
{
    static const struct { const char *alias, *canon; } units[] = {
        {"%", "%"},           {"percent", "%"},          {"pct", "%"},
        {"\xE2\x80\xB0", "per 1000"}, {"per1000", "per 1000"}, {"/1000", "per 1000"},
        {"permille", "per 1000"},     {"perthousand", "per 1000"},
        {"per100000", "per 100000"},  {"/100000", "per 100000"}, {"per100k", "per 100000"},
        {"", ""}, {"number", ""}, {"count", ""}, {"ratio", ""},
    };
    char t[32];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == ',')
            continue;
        if (k == sizeof t - 1)
            return NULL;
        t[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    t[k] = '\0';
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(t, units[i].alias) == 0)
            return units[i].canon;
    return NULL;
}

/* Is s a usable name: valid UTF-8 (no overlongs, surrogates), no control characters?
 * Returns NULL, or what is wrong. */
static const char *name_problem(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return "control character";
            p++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return "invalid UTF-8";
        }
        if ((size_t)(e - p) < len)
            return "invalid UTF-8";
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return "invalid UTF-8";
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return "invalid UTF-8";
        if (cp >= 0x80 && cp <= 0x9F)
            return "control character";
        p += len;
    }
    return NULL;
}

/* ---- the loader: what all chunks share (read-only while threads run) ---- */

enum { COL_ANNOT, COL_IND, COL_REG, COL_YEAR, COL_VAL, COL_UNIT, COL_DIM };

#define SPEC_UNKNOWN (-2)
#define SPEC_SKIP (-1)
#define SPEC_ALL 0x7fffffff   /* kept, no unit to check */

typedef struct loader {
    const char *name;
    const char *buf;          /* buf[len] == '\n', then zeros up to buf[len + PAD) (sentinels) */
    size_t len;
    int mapped;               /* buf is a file mapping: parsed pages may be dropped */
    size_t ncols;
    int col_ind, col_reg, col_year, col_val, col_unit;
    char **colname;
    size_t ndims;
    int *dimcol;              /* dimension columns, sorted by name */
    const ds_spec *spec;
    int keep_all;
    strmap specmap;
    const char **specunit;    /* canonical (or as written) unit per spec entry; NULL unchecked */
} loader;

typedef struct field {
    const char *raw;          /* where the field starts (its quote, if quoted) */
    const char *p;            /* content (quotes off, "" still doubled when F_ESC) */
    size_t len;
    unsigned flags;
} field;
enum { F_QUOTED = 1, F_ESC = 2 };

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

typedef struct chunk {
    const loader *L;
    size_t from, to, pos;     /* rows starting in [from, to); pos: where the next row starts */
    uint32_t line;            /* line number at pos (chunk 0: of the file; others: from 1) */
    uint32_t offset;          /* added to this chunk's line numbers (known after the earlier chunks) */
    ds_batch *b;
    diag_sink diags;
    ds_stats st;
    int nerr, fatal, too_many, oom;
    field *f;
    size_t fcap;
    char *scratch;            /* unescaped quoted fields of the current row */
    size_t scratch_cap, scratch_used;
    char *dimbuf;
    size_t dimcap;
    int32_t *spec_of;         /* batch string id -> spec index, SPEC_SKIP, SPEC_UNKNOWN */
    size_t spec_cap;
    uint32_t *succ;           /* region id -> the region that followed it last time (0: none) */
    size_t succ_cap;
    /* the previous row's names (rows usually come sorted): batch ids and their bytes */
    uint32_t ind_id, reg_id, dim_id;
    const char *ind_s, *reg_s, *dim_s;
    size_t ind_n, reg_n, dim_n;
    int ind_spec;
    size_t dropped;           /* mapped bytes before this were given back to the kernel */
    size_t populated;         /* mapped file: page tables filled up to here (offset) */
    pthread_t thread;
    int threaded;
} chunk;

/* ---- diagnostics ---- */

/* 'text' for a message: at most 40 bytes (cut on a character boundary), control bytes as '?'. */
static void quote_text(const char *s, size_t n, char *out, size_t outlen)
{
    size_t k = 0, lim = 40;
    int cut = n > lim;
    if (cut) {
        n = lim;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n && k + 5 < outlen; i++)
        out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (cut && k + 4 < outlen) {
        memcpy(out + k, "\xE2\x80\xA6", 3);
        k += 3;
    }
    out[k] = '\0';
}

static void add_error(chunk *c, uint32_t line, int col, int end_col, const char *text, size_t tlen,
                      const char *msg)
{
    if (c->nerr >= MAX_ERRORS) {   /* one more than the cap is kept: it shows there are more */
        c->nerr++;
        c->too_many = c->fatal = 1;
        return;
    }
    size_t before = c->diags.n;
    diag_line(&c->diags, DIAG_ERROR, c->L->name, (int)line, col, text, tlen, "%s", msg);
    if (c->diags.n > before)
        c->diags.items[c->diags.n - 1].end_col = end_col;
    c->nerr++;
}

/* An error about the field starting at 'at' (len bytes) of the row starting at 'row' on line
 * row_line; at NULL: about the whole row. */
static void row_error(chunk *c, const char *row, uint32_t row_line, const char *at, size_t len,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void row_error(chunk *c, const char *row, uint32_t row_line, const char *at, size_t len,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!at) {
        add_error(c, row_line, 0, 0, NULL, 0, msg);
        return;
    }
    uint32_t line = row_line;
    const char *ls = row;
    for (const char *q = row; q < at; q++)
        if (*q == '\n') {
            line++;
            ls = q + 1;
        }
    const char *le = memchr(ls, '\n', (size_t)(c->L->buf + c->L->len + 1 - ls));
    if (!le)
        le = c->L->buf + c->L->len;
    if (le > ls && le[-1] == '\r')
        le--;
    int col = utf8_columns(ls, (size_t)(at - ls)) + 1;
    const char *fe = at + len;
    if (fe > le)
        fe = le;
    int end_col = fe > at ? col + utf8_columns(at, (size_t)(fe - at)) - 1 : col;
    add_error(c, line, col, end_col, ls, (size_t)(le - ls), msg);
}

static void oom_error(chunk *c, uint32_t line)
{
    c->oom = c->fatal = 1;
    add_error(c, line, 0, 0, NULL, 0, "out of memory");
}

/* ---- scanning ---- */

static inline uint64_t load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The bytes of w equal to ',' or '\n', as their high bits (exact up to the first one). */
static inline uint64_t stops_in(uint64_t w)
{
    uint64_t a = w ^ (ONES * ','), b = w ^ (ONES * '\n');
    return ((a - ONES) & ~a & HIGHS) | ((b - ONES) & ~b & HIGHS);
}

/* Scan one row from *pp into c->f (the first cap fields are stored) and return the number of
 * fields, or -1: the row is unusable (reported; *pp is past it) or the file ends inside a
 * quoted field (reported; c->fatal set). *esc: a field holds "" escapes. */
static inline long scan_row(chunk *c, const char **pp, const char *row, uint32_t row_line,
                            size_t cap, int *esc)
{
    const char *p = *pp, *end = c->L->buf + c->L->len;
    field dummy, *f = c->f;
    long nf = 0;
    for (;;) {
        field *fd = (size_t)nf < cap ? &f[nf] : &dummy;
        nf++;
        if (*p != '"') {
            const char *s = p;
            /* 8 bytes at a time: the buffer has 8 readable bytes after its sentinel */
            for (;;) {
                uint64_t m = stops_in(load64(p));
                if (m) {
                    p += __builtin_ctzll(m) >> 3;
                    break;
                }
                p += 8;
            }
            fd->raw = fd->p = s;
            fd->len = (size_t)(p - s);
            fd->flags = 0;
            if (*p++ == ',')
                continue;
            c->line++;
            if (fd->len && s[fd->len - 1] == '\r')
                fd->len--;
            break;
        }
        const char *q0 = p++;
        unsigned flags = F_QUOTED;
        for (;;) {
            const char *q = p < end ? memchr(p, '"', (size_t)(end - p)) : NULL;
            if (!q) {
                row_error(c, row, row_line, q0, 1,
                          "unterminated quoted field (no closing '\"' before the end of the file)");
                c->fatal = 1;
                *pp = end;
                return -1;
            }
            for (const char *nl = p; (nl = memchr(nl, '\n', (size_t)(q - nl))) != NULL; nl++)
                c->line++;
            if (q[1] == '"') {   /* q < end, and buf[len] is a sentinel: q[1] is readable */
                flags |= F_ESC;
                *esc = 1;
                p = q + 2;
                continue;
            }
            p = q + 1;
            break;
        }
        fd->raw = q0;
        fd->p = q0 + 1;
        fd->len = (size_t)(p - 1 - (q0 + 1));
        fd->flags = flags;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r' && p[1] == '\n')
            p++;
        if (*p == '\n') {
            p++;
            c->line++;
            break;
        }
        row_error(c, row, row_line, p, 1, "unexpected text after a closing quote");
        const char *nl = memchr(p, '\n', (size_t)(end + 1 - p));
        p = nl + 1;   /* the sentinel guarantees a '\n' */
        c->line++;
        *pp = p;
        return -1;
    }
    *pp = p;
    return nf;
}

static inline int is_blank(char ch) { return ch == ' ' || ch == '\t'; }

/* The value of a field: quotes off, "" unescaped (into the row's scratch), unquoted fields
 * trimmed of spaces and tabs. */
static inline void cell(chunk *c, const field *fd, const char **s, size_t *n)
{
    const char *p = fd->p;
    size_t len = fd->len;
    if (fd->flags & F_ESC) {
        char *o = c->scratch + c->scratch_used;
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            o[k++] = p[i];
            if (p[i] == '"')
                i++;
        }
        c->scratch_used += k;
        *s = o;
        *n = k;
        return;
    }
    if (!fd->flags && len && (is_blank(p[0]) || is_blank(p[len - 1]))) {
        while (len && is_blank(p[0])) {
            p++;
            len--;
        }
        while (len && is_blank(p[len - 1]))
            len--;
    }
    *s = p;
    *n = len;
}

/* a[0..an) == b[0..bn)? a NULL never matches. Short names without a call to memcmp. */
static inline void trim(const char **s, size_t *n)
{
    while (*n && is_blank((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_blank((*s)[*n - 1]))
        (*n)--;
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

/* Intern a name cell into the batch (validated first); 0 ok, -1 reported. */
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
        return -1;
    }
    if (ds_batch_intern(c->b, s, n, id) < 0) {
        oom_error(c, row_line);
        return -1;
    }
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
    cell(c, &c->f[L->col_ind], &s, &n);
    cell(c, &c->f[L->col_year], &y, &yn);
    if (n == strlen(L->colname[L->col_ind]) && strncasecmp(s, L->colname[L->col_ind], n) == 0 &&
        yn == strlen(L->colname[L->col_year]) && strncasecmp(y, L->colname[L->col_year], yn) == 0) {
        diag_line(&c->diags, DIAG_WARNING, L->name, (int)row_line, 0, NULL, 0,
                  "the header line again (files joined together?): the row is skipped");
        return 1;
    }
    return 0;
}

static void process_row(chunk *c, const char *row, uint32_t row_line)
{
    if (c->f[0].len && ((unsigned char)c->f[0].raw[0] == 0xEF || (c->f[0].raw[0] | 0x20) == (c->L->colname[0][0] | 0x20)) &&
        joined_file_row(c, row_line))
        return;
    const loader *L = c->L;
    const field *f = c->f;
    int bad = 0, ind_ok = 1;
    const char *s;
    size_t n;

    /* indicator */
    const field *fi = &f[L->col_ind];
    cell(c, fi, &s, &n);
    if (!same(c->ind_s, c->ind_n, s, n)) {
        uint32_t id;
        if (intern_name(c, row, row_line, fi, s, n, "indicator", &id) < 0) {
            bad = 1;
            ind_ok = 0;
        } else {
            c->ind_id = id;
            c->ind_s = ds_batch_str(c->b, id, &c->ind_n);
            c->ind_spec = spec_index(c, id);
            if (c->ind_spec == SPEC_UNKNOWN) {
                oom_error(c, row_line);
                c->ind_s = NULL;
                return;
            }
        }
    }
    /* region: recorded even when the row is skipped */
    const field *fr = &f[L->col_reg];
    cell(c, fr, &s, &n);
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
                  "bad period '%s' in column 'year' (expected 2024, 2024S1, 2024Q3 or 2024-06)", q);
        bad = 1;
    }
    /* value */
    const field *fv = &f[L->col_val];
    cell(c, fv, &s, &n);
    trim(&s, &n);
    double v;
    if (n == 0) {
        v = NAN;
    } else if (ds_parse_number(s, n, &v) < 0) {
        char q[64];
        quote_text(s, n, q, sizeof q);
        const char *hint = memchr(s, ',', n) ? " (use '.' as the decimal point, no thousands separators)" : "";
        row_error(c, row, row_line, fv->raw, fv->len, "bad number '%s' in column 'value'%s", q, hint);
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
            nonempty += lens[d] > 0;
        }
        if (nonempty) {
            if (row_dimkey(c, row, row_line, vals, lens, &dn) < 0) {
                bad = 1;
            } else if (same(c->dim_s, c->dim_n, c->dimbuf, dn)) {
                dim = c->dim_id;
            } else if (ds_batch_intern(c->b, c->dimbuf, dn, &dim) < 0) {
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
static void parse_chunk(chunk *c)
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
        process_row(c, row, row_line);
        if (L->mapped && (size_t)(p - buf) > c->dropped + (17u << 20))
            drop_behind(c, row);
        if (L->mapped && (size_t)(p - buf) + (2u << 20) >= c->populated)
            populate_ahead(c, p);
    }
    if (p > end)
        p = end;
    c->pos = (size_t)(p - buf);
}

static void *chunk_thread(void *arg)
{
    parse_chunk(arg);
    return NULL;
}

/* ---- the header ---- */

static const char *const required[] = {"indicator", "region", "year", "value"};

/* Parse the header row at c->pos; sets up L's columns. 0 ok, -1 reported. */
static int parse_header(chunk *c, loader *L)
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
            bad = 1;
            continue;
        }
        int dup = 0;
        for (long j = 0; j < i; j++)
            if (L->colname[j] && strcmp(L->colname[j], name) == 0) {
                row_error(c, row, row_line, fd->raw, fd->len,
                          "duplicate column '%s' (also column %ld)", name, j + 1);
                dup = bad = 1;
                break;
            }
        if (dup)
            continue;
        int role = COL_DIM;
        if (strcmp(name, "indicator") == 0) {
            role = COL_IND;
            L->col_ind = (int)i;
        } else if (strcmp(name, "region") == 0) {
            role = COL_REG;
            L->col_reg = (int)i;
        } else if (strcmp(name, "year") == 0) {
            role = COL_YEAR;
            L->col_year = (int)i;
        } else if (strcmp(name, "value") == 0) {
            role = COL_VAL;
            L->col_val = (int)i;
        } else if (strcmp(name, "unit") == 0) {
            role = COL_UNIT;
            L->col_unit = (int)i;
        } else if (strcmp(name, "source") == 0 || strcmp(name, "note") == 0 ||
                   strcmp(name, "comment") == 0) {
            role = COL_ANNOT;
        } else {
            for (size_t r = 0; r < 4; r++)
                if (strcasecmp(name, required[r]) == 0) {
                    row_error(c, row, row_line, fd->raw, fd->len,
                              "column '%s' must be written '%s' (column names are lowercase)",
                              name, required[r]);
                    bad = 1;
                }
            if (strchr(name, '=')) {
                row_error(c, row, row_line, fd->raw, fd->len,
                          "column '%s' cannot be a dimension: its name contains '='", name);
                bad = 1;
            }
        }
        if (role == COL_DIM) {   /* insertion by name */
            size_t j = L->ndims++;
            while (j > 0 && strcmp(L->colname[L->dimcol[j - 1]], name) > 0) {
                L->dimcol[j] = L->dimcol[j - 1];
                j--;
            }
            L->dimcol[j] = (int)i;
        }
    }
    if (L->ndims > 64) {
        row_error(c, row, row_line, NULL, 0, "too many dimension columns (at most 64)");
        bad = 1;
    }
    int cols[4] = {L->col_ind, L->col_reg, L->col_year, L->col_val};
    char missing[128] = "";
    int nmissing = 0;
    for (int r = 0; r < 4; r++) {
        int cased = 0;   /* already reported as a case mistake */
        for (long i = 0; i < nf; i++)
            if (L->colname[i] && strcasecmp(L->colname[i], required[r]) == 0 &&
                strcmp(L->colname[i], required[r]) != 0)
                cased = 1;
        if (cols[r] < 0 && !cased) {
            size_t ml = strlen(missing);
            snprintf(missing + ml, sizeof missing - ml, "%s'%s'", nmissing ? ", " : "", required[r]);
            nmissing++;
        }
    }
    if (nmissing) {
        row_error(c, row, row_line, NULL, 0,
                  "missing column%s %s in the header (a data file starts with a header line "
                  "'indicator,region,year,value')",
                  nmissing > 1 ? "s" : "", missing);
        bad = 1;
    }
    return bad || cols[0] < 0 || cols[1] < 0 || cols[2] < 0 || cols[3] < 0 ? -1 : 0;
}

/* ---- the load ---- */

static void loader_free(loader *L)
{
    if (L->colname)
        for (size_t i = 0; i < L->ncols; i++)
            pc_free(L->colname[i]);
    pc_free(L->colname);
    pc_free(L->dimcol);
    pc_free(L->specunit);
    strmap_free(&L->specmap);
}

static int chunk_init(chunk *c, const loader *L, size_t from, size_t to, size_t fcap)
{
    memset(c, 0, sizeof *c);
    c->L = L;
    c->from = c->pos = from;
    c->to = to;
    c->line = 1;
    diag_init(&c->diags);
    c->f = pc_malloc(fcap * sizeof *c->f);
    c->fcap = fcap;
    c->b = ds_batch_new();
    return c->f && c->b ? 0 : -1;
}

static void chunk_free(chunk *c)
{
    diag_free(&c->diags);
    ds_batch_free(c->b);
    pc_free(c->f);
    pc_free(c->scratch);
    pc_free(c->dimbuf);
    pc_free(c->spec_of);
    pc_free(c->succ);
    memset(c, 0, sizeof *c);
}

static int setup_spec(loader *L, const ds_spec *spec)
{
    L->spec = spec;
    L->keep_all = !spec || !spec->inds;
    if (L->keep_all)
        return 0;
    if (strmap_reserve(&L->specmap, spec->ninds) < 0)
        return -1;
    L->specunit = pc_calloc(spec->ninds ? spec->ninds : 1, sizeof *L->specunit);
    if (!L->specunit)
        return -1;
    for (size_t i = 0; i < spec->ninds; i++) {
        const char *name = spec->inds[i].name, *unit = spec->inds[i].unit;
        if (!name)
            continue;
        uint32_t prev;
        if (strmap_intern(&L->specmap, name, strlen(name), (uint32_t)i, &prev) < 0)
            return -1;
        if (unit) {
            const char *canon = ds_unit_canonical(unit, strlen(unit));
            L->specunit[i] = canon ? canon : unit;
        }
    }
    return 0;
}

static int want_threads(const csv_opts *opts)
{
    int n = opts && opts->threads > 0 ? opts->threads : 0;
    if (!n) {
        const char *e = getenv("PLANCHECK_THREADS");
        n = e && atoi(e) > 0 ? atoi(e) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (n < 1)
        n = 1;
    return n > 8 ? 8 : n;
}

typedef struct diag_ref {
    const diag *d;
    uint32_t offset;
    size_t seq;
} diag_ref;

static int cmp_diag_ref(const void *a, const void *b)
{
    const diag_ref *x = a, *y = b;
    long lx = (long)x->d->line + x->offset, ly = (long)y->d->line + y->offset;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copy the errors of the sinks to out in line order; at most MAX_ERRORS, then a note.
 * Returns the number of errors. */
static size_t emit_diags(diag_sink *out, const diag_sink *const *sinks, const uint32_t *offsets,
                         size_t nsinks, const char *name, int too_many)
{
    size_t total = 0;
    for (size_t i = 0; i < nsinks; i++)
        total += sinks[i]->n;
    if (!total)
        return 0;
    diag_ref *refs = pc_malloc(total * sizeof *refs);
    if (!refs) {
        diag_line(out, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
        return 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < nsinks; i++)
        for (size_t j = 0; j < sinks[i]->n; j++) {
            refs[k].d = &sinks[i]->items[j];
            refs[k].offset = offsets[i];
            refs[k].seq = k;
            k++;
        }
    qsort(refs, total, sizeof *refs, cmp_diag_ref);
    size_t shown = total < MAX_ERRORS ? total : MAX_ERRORS, nerr = 0;
    for (size_t i = 0; i < total; i++)
        nerr += refs[i].d->level == DIAG_ERROR;   /* warnings (joined files) do not fail */
    for (size_t i = 0; i < shown; i++) {
        const diag *d = refs[i].d;
        int line = d->line ? d->line + (int)refs[i].offset : 0;
        size_t before = out->n;
        diag_line(out, d->level, d->file, line, d->col, d->line_text,
                  d->line_text ? strlen(d->line_text) : 0, "%s", d->msg ? d->msg : "out of memory");
        if (out->n > before)
            out->items[out->n - 1].end_col = d->end_col;
    }
    if (total > MAX_ERRORS || too_many) {
        const diag *d = refs[shown < total ? shown : total - 1].d;
        int line = d->line ? d->line + (int)refs[shown < total ? shown : total - 1].offset : 0;
        diag_line(out, DIAG_NOTE, name, line, 0, NULL, 0, "too many errors, stopping");
    }
    pc_free(refs);
    return nerr;
}

/* Parse buf[0..len) (followed by PAD bytes: '\n', then zeros) into ds. */
static int load_buffer(dataset *ds, const char *name, const char *buf, size_t len, int mapped,
                       const ds_spec *spec, const csv_opts *opts, diag_sink *diags)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.name = name;
    L.buf = buf;
    L.len = len;
    L.mapped = mapped;
    strmap_init(&L.specmap);
    size_t start = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

    enum { MAXCH = 8 };
    chunk ch[MAXCH];
    size_t nch = 1;
    int rc = -1;
    memset(ch, 0, sizeof ch);
    if (chunk_init(&ch[0], &L, start, len, MAX_COLUMNS + 1) < 0 || setup_spec(&L, spec) < 0) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
        goto out;
    }
    if (parse_header(&ch[0], &L) < 0) {
        const diag_sink *s = &ch[0].diags;
        uint32_t off = 0;
        if (emit_diags(diags, &s, &off, 1, name, 0) == 0)
            diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
        goto out;
    }
    /* chunks: split at line starts; a split inside a quoted field is found and undone below */
    size_t data = ch[0].pos;
    size_t min_chunk = opts && opts->min_chunk ? opts->min_chunk : (size_t)4 << 20;
    size_t nthreads = (size_t)want_threads(opts);
    size_t want = (len - data) / min_chunk;
    if (want > nthreads)
        want = nthreads;
    ch[0].from = data;
    ch[0].to = len;
    for (size_t i = 1; i < want; i++) {
        size_t at = data + (len - data) * i / want;
        const char *nl = memchr(buf + at, '\n', len - at);
        if (!nl || (size_t)(nl + 1 - buf) >= len || (size_t)(nl + 1 - buf) <= ch[nch - 1].from)
            break;
        size_t from = (size_t)(nl + 1 - buf);
        ch[nch - 1].to = from;
        if (chunk_init(&ch[nch], &L, from, len, L.ncols + 1) < 0) {
            chunk_free(&ch[nch]);
            ch[nch - 1].to = len;
            break;
        }
        nch++;
    }
    /* room for each chunk's rows, estimated from the length of its first lines */
    for (size_t i = 0; i < nch; i++) {
        size_t n = ch[i].to - ch[i].from, probe = n < 65536 ? n : 65536, lines = 0;
        for (const char *q = buf + ch[i].from; (q = memchr(q, '\n', (size_t)(buf + ch[i].from + probe - q))); q++)
            lines++;
        if (lines > 16)
            ds_batch_reserve(ch[i].b, (size_t)((double)n / probe * lines * 1.05) + 1024);
    }
    for (size_t i = 1; i < nch; i++)
        ch[i].threaded = pthread_create(&ch[i].thread, NULL, chunk_thread, &ch[i]) == 0;
    parse_chunk(&ch[0]);
    for (size_t i = 1; i < nch; i++) {
        if (ch[i].threaded)
            pthread_join(ch[i].thread, NULL);
        else
            parse_chunk(&ch[i]);
    }
    /* a chunk counts when the one before it stopped exactly where it starts; otherwise the
     * split fell inside a quoted field: the earlier chunk goes on over the later's range */
    size_t cur = 0, nvalid = 1;
    for (size_t i = 1; i < nch; i++) {
        if (ch[cur].fatal)
            break;
        if (ch[cur].pos == ch[i].from) {
            ch[i].offset = ch[cur].offset + ch[cur].line - 1;
            cur = i;
            nvalid = i + 1;
            continue;
        }
        ch[cur].to = ch[i].to;
        parse_chunk(&ch[cur]);
        chunk_free(&ch[i]);
        ch[i].from = SIZE_MAX;   /* marks it discarded */
    }
    /* merge, finish, report */
    ds_stats counts;
    memset(&counts, 0, sizeof counts);
    int too_many = 0, fatal = 0;
    for (size_t i = 0; i < nvalid; i++) {
        if (ch[i].from == SIZE_MAX)
            continue;
        counts.rows += ch[i].st.rows;
        counts.kept += ch[i].st.kept;
        counts.skipped += ch[i].st.skipped;
        counts.empty += ch[i].st.empty;
        too_many |= ch[i].too_many;
        fatal |= ch[i].fatal;
        if (!fatal && ds_merge(ds, ch[i].b, ch[i].offset) < 0)
            oom_error(&ch[i], 0);
    }
    diag_sink fin;
    diag_init(&fin);
    int nfin = 0;
    if (!fatal) {
        nfin = ds_finish_load(ds, &counts, name, &fin);
        if (nfin < 0) {
            diag_line(&fin, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
            nfin = 1;
        }
    }
    const diag_sink *sinks[MAXCH + 1];
    uint32_t offsets[MAXCH + 1];
    size_t ns = 0;
    for (size_t i = 0; i < nvalid; i++)
        if (ch[i].from != SIZE_MAX) {
            sinks[ns] = &ch[i].diags;
            offsets[ns++] = ch[i].offset;
        }
    sinks[ns] = &fin;
    offsets[ns++] = 0;
    size_t nerr = emit_diags(diags, sinks, offsets, ns, name, too_many);
    int lost = 0;   /* errors that could not be recorded (out of memory) */
    for (size_t i = 0; i < ns; i++)
        lost |= sinks[i]->oom || (size_t)sinks[i]->nerrors > sinks[i]->n;
    for (size_t i = 0; i < nvalid; i++)
        lost |= ch[i].from != SIZE_MAX && ch[i].nerr > 0;
    if (lost && !nerr)
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
    diag_free(&fin);
    rc = nerr || fatal || lost ? -1 : 0;
out:
    for (size_t i = 0; i < nch; i++)
        if (ch[i].from != SIZE_MAX)
            chunk_free(&ch[i]);
    loader_free(&L);
    return rc;
}

int csv_load_mem_ex(dataset *ds, const char *name, const char *text, size_t len,
                    const ds_spec *spec, const csv_opts *opts, diag_sink *diags)
{
    char *buf = len < SIZE_MAX - PAD ? pc_malloc(len + PAD) : NULL;
    if (!buf) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
        return -1;
    }
    if (len)
        memcpy(buf, text, len);
    memset(buf + len, 0, PAD);
    buf[len] = '\n';
    int rc = load_buffer(ds, name, buf, len, 0, spec, opts, diags);
    pc_free(buf);
    return rc;
}

int csv_load_mem(dataset *ds, const char *name, const char *text, size_t len,
                 const ds_spec *spec, diag_sink *diags)
{
    return csv_load_mem_ex(ds, name, text, len, spec, NULL, diags);
}

int csv_load_ex(dataset *ds, const char *path, const ds_spec *spec, const csv_opts *opts,
                diag_sink *diags)
{
    /* reading is fileio's: a regular file is mapped (guarded against being cut short while
     * it is read), anything else (stdin, a pipe, a FIFO, <(...)) is read to its end */
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    int rc;
    fileio_mapping m;
    if (!is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size < SIZE_MAX / 2 && fileio_map(fd, (size_t)st.st_size, "\n", 2, PAD, &m) == 0) {
        rc = load_buffer(ds, name, m.buf, m.len, 1, spec, opts, diags);
        if (fileio_unmap(&m)) {
            diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0,
                      "the file changed while it was being read: its data was not used (read it again)");
            rc = -1;
        }
        close(fd);
        return rc;
    }
    char *buf;
    size_t len;
    size_t hint = !is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                  (uint64_t)st.st_size < SIZE_MAX / 2 ? (size_t)st.st_size : 0;
    if (fileio_read_fd(fd, hint, PAD, &buf, &len) < 0) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "cannot read: %s", strerror(errno));
        if (!is_stdin)
            close(fd);
        return -1;
    }
    if (!is_stdin)
        close(fd);
    buf[len] = '\n';
    rc = load_buffer(ds, name, buf, len, 0, spec, opts, diags);
    pc_free(buf);
    return rc;
}

int csv_load(dataset *ds, const char *path, const ds_spec *spec, diag_sink *diags)
{
    return csv_load_ex(ds, path, spec, NULL, diags);
}
