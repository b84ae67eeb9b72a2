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
#include "import_layout.h"
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
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
    /* overflow and underflow to zero (1e-400) are errors, never a silent inf or 0 */
    int ok = end == copy + n && isfinite(v) && (v != 0 || m == 0);
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
    else if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'S') && digit(s[6]))   /* SDMX: 2024-Q1 */
        p = ds_period_make(year, s[5] == 'Q' ? DS_QUARTER : DS_HALF, s[6] - '0');
    else if (n == 8 && s[4] == '-' && s[5] == 'M' && digit(s[6]) && digit(s[7]))   /* SDMX: 2024-M06 */
        p = ds_period_make(year, DS_MONTH, (s[6] - '0') * 10 + (s[7] - '0'));
    else if (n == 6 && digit(s[4]) && digit(s[5]))   /* DHIS2's months: 202406 */
        p = ds_period_make(year, DS_MONTH, (s[4] - '0') * 10 + (s[5] - '0'));
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

/* Is s written as thousands with dots ("70.000", "1.234.567", "-2.500")? The number of
 * dot groups, else 0. */
static int thousands_dots(const char *s, size_t n)
{
    size_t i = n && s[0] == '-' ? 1 : 0, lead = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
        lead++;
    }
    if (lead == 0 || lead > 3 || s[n && s[0] == '-' ? 1 : 0] == '0')
        return 0;
    int groups = 0;
    while (i < n) {
        if (s[i] != '.' || n - i < 4)
            return 0;
        for (size_t k = 1; k <= 3; k++)
            if (s[i + k] < '0' || s[i + k] > '9')
                return 0;
        i += 4;
        groups++;
    }
    return groups;
}

/* ---- the loader: what all chunks share (read-only while threads run) ---- */

enum { COL_ANNOT, COL_IND, COL_REG, COL_YEAR, COL_VAL, COL_UNIT, COL_DIM, COL_WIDE };

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
    strmap specmap;           /* indicator ids and codes -> spec index */
    const char **specunit;    /* canonical (or as written) unit per spec entry; NULL unchecked */
    char sep;                 /* ',' or ';' (from the header) */
    const csv_layout *layout; /* the format's columns (tidy, SDMX, SDG, DHIS2, wide) */
    const char *format;       /* asked for (--data-format), NULL: from the header */
    int *widecol;             /* wide files: the indicator columns */
    size_t nwide;
    int file;                 /* index of this file in the dataset */
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
    uint32_t *spec_bid;       /* spec index -> batch id of the indicator's name (UINT32_MAX: not yet) */
    uint32_t *subannual;      /* spec index -> first line with a sub-annual period (0: none) */
    size_t *used;             /* spec index -> rows kept */
    int bad_utf8;             /* an invalid UTF-8 name was reported */
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

/* The bytes of w equal to the separator or '\n', as their high bits (exact up to the first one). */
static inline uint64_t stops_in(uint64_t w, char sep)
{
    uint64_t a = w ^ (ONES * (unsigned char)sep), b = w ^ (ONES * '\n');
    return ((a - ONES) & ~a & HIGHS) | ((b - ONES) & ~b & HIGHS);
}

/* Scan one row from *pp into c->f (the first cap fields are stored) and return the number of
 * fields, or -1: the row is unusable (reported; *pp is past it) or the file ends inside a
 * quoted field (reported; c->fatal set). *esc: a field holds "" escapes. */
static inline long scan_row(chunk *c, const char **pp, const char *row, uint32_t row_line,
                            size_t cap, int *esc)
{
    const char *p = *pp, *end = c->L->buf + c->L->len;
    const char sep = c->L->sep;
    field dummy, *f = c->f;
    long nf = 0;
    for (;;) {
        field *fd = (size_t)nf < cap ? &f[nf] : &dummy;
        nf++;
        if (*p != '"') {
            const char *s = p;
            /* 8 bytes at a time: the buffer has 8 readable bytes after its sentinel */
            for (;;) {
                uint64_t m = stops_in(load64(p), sep);
                if (m) {
                    p += __builtin_ctzll(m) >> 3;
                    break;
                }
                p += 8;
            }
            fd->raw = fd->p = s;
            fd->len = (size_t)(p - s);
            fd->flags = 0;
            if (*p++ == sep)
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
        if (*p == sep) {
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

static void *chunk_thread(void *arg)
{
    parse_chunk(arg);
    return NULL;
}

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

/* ---- the load ---- */

static void loader_free(loader *L)
{
    if (L->colname)
        for (size_t i = 0; i < L->ncols; i++)
            pc_free(L->colname[i]);
    pc_free(L->colname);
    pc_free(L->dimcol);
    pc_free(L->widecol);
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
    if (!L->keep_all) {
        size_t n = L->spec->ninds ? L->spec->ninds : 1;
        c->spec_bid = pc_malloc(n * sizeof *c->spec_bid);
        c->subannual = pc_calloc(n, sizeof *c->subannual);
        c->used = pc_calloc(n, sizeof *c->used);
        if (!c->spec_bid || !c->subannual || !c->used)
            return -1;
        for (size_t i = 0; i < n; i++)
            c->spec_bid[i] = UINT32_MAX;
    }
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
    pc_free(c->spec_bid);
    pc_free(c->subannual);
    pc_free(c->used);
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
        for (size_t k = 0; k < spec->inds[i].ncodes; k++) {
            const char *code = spec->inds[i].codes[k];
            if (strmap_intern(&L->specmap, code, strlen(code), (uint32_t)i, &prev) < 0)
                return -1;
        }
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

/* Where line 'line' (1-based) of the file starts, or NULL. Only for error messages: a scan. */
static const char *line_start(const loader *L, uint32_t line)
{
    const char *p = L->buf, *end = L->buf + L->len;
    for (uint32_t l = 1; l < line; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            return NULL;
        p++;
    }
    return p < end ? p : NULL;
}

/* The raw text of field col of the row at p (quotes left on); 0, -1 when the row is shorter. */
static int nth_field(const loader *L, const char *p, size_t col, const char **s, size_t *n)
{
    const char *end = L->buf + L->len;
    for (size_t k = 0;; k++) {
        const char *f = p;
        int quoted = 0;
        while (p < end && (quoted || (*p != L->sep && *p != '\n'))) {
            quoted ^= *p == '"';
            p++;
        }
        if (k == col) {
            *s = f;
            *n = (size_t)(p - f);
            if (*n && f[*n - 1] == '\r')
                (*n)--;
            return 0;
        }
        if (p >= end || *p == '\n')
            return -1;
        p++;
    }
}

static int column_is_key(const loader *L, int col)
{
    if (col == L->col_ind || col == L->col_reg || col == L->col_year || col == L->col_val)
        return 1;
    for (size_t d = 0; d < L->ndims; d++)
        if (L->dimcol[d] == col)
            return 1;
    return 0;
}

/* After the chunks: one error per plan indicator with sub-annual rows and no `aggregate`,
 * and the aggregation of every plan indicator set on the dataset. Returns the errors added. */
static int load_checks(const loader *L, const chunk *ch, size_t nvalid, dataset *ds, diag_sink *fin)
{
    int nerr = 0;
    if (L->keep_all)
        return 0;
    for (size_t k = 0; k < L->spec->ninds; k++) {
        const ds_spec_ind *si = &L->spec->inds[k];
        if (si->agg && ds_set_aggregate(ds, si->name, si->agg) < 0)
            diag_line(fin, DIAG_ERROR, L->name, 0, 0, NULL, 0, "out of memory"), nerr++;
        uint32_t first = 0;
        for (size_t i = 0; i < nvalid; i++)
            if (ch[i].from != SIZE_MAX && ch[i].subannual[k] &&
                (!first || ch[i].subannual[k] + ch[i].offset < first))
                first = ch[i].subannual[k] + ch[i].offset;
        if (first) {
            diag_line(fin, DIAG_ERROR, L->name, (int)first, 0, NULL, 0,
                      "indicator '%s' has data for parts of a year here, and the plan does not say how "
                      "they make a year's value: add 'aggregate sum' (counts), 'aggregate mean' (rates) or "
                      "'aggregate last' (the year-end reading) to its declaration", si->name);
            nerr++;
        }
    }
    return nerr;
}

/* Why rows at two lines of this file collide: the annotation columns whose cells differ
 * (the plan may have meant them as dimensions). Called by ds_finish_load_ex. */
static void explain_collision(void *ctx, uint32_t here, uint32_t there, char *out, size_t outlen)
{
    const loader *L = ctx;
    if ((int)DS_OBS_FILE(here) != L->file || (int)DS_OBS_FILE(there) != L->file || !L->spec ||
        !L->spec->dims_declared)
        return;
    const char *a = line_start(L, DS_OBS_LINE(here)), *b = line_start(L, DS_OBS_LINE(there));
    if (!a || !b)
        return;
    size_t o = 0, first = 0;
    int n = 0;
    for (size_t col = 0; col < L->ncols && n < 3; col++) {
        if (column_is_key(L, (int)col))
            continue;
        const char *x, *y;
        size_t xl, yl;
        if (nth_field(L, a, col, &x, &xl) < 0 || nth_field(L, b, col, &y, &yl) < 0)
            return;
        if (xl == yl && memcmp(x, y, xl) == 0)
            continue;
        int w = snprintf(out + o, outlen - o, "%s'%s' ('%.*s' here, '%.*s' there)",
                         n ? ", " : "; the rows differ only in column ", L->colname[col],
                         (int)(xl > 40 ? 40 : xl), x, (int)(yl > 40 ? 40 : yl), y);
        if (w < 0 || (size_t)w >= outlen - o)
            return;
        o += (size_t)w;
        if (!n++)
            first = col;
    }
    if (n)
        snprintf(out + o, outlen - o, ", which the plan does not declare as a dimension: if it "
                 "divides the data, add 'dimensions %s' to the indicator", L->colname[first]);
}

/* UTF-16 text with a byte order mark (what Excel's "Unicode Text" writes) as UTF-8 in a new
 * buffer with the PAD bytes; NULL with a message in err. */
static char *utf16_to_utf8(const char *buf, size_t len, size_t *outlen, char *err, size_t errlen)
{
    int le = (unsigned char)buf[0] == 0xFF;
    iconv_t cd = iconv_open("UTF-8", le ? "UTF-16LE" : "UTF-16BE");
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "cannot convert UTF-16: %s", strerror(errno));
        return NULL;
    }
    size_t cap = len / 2 * 3 + PAD + 16;   /* a UTF-16 unit gives at most 3 UTF-8 bytes */
    char *out = pc_malloc(cap);
    if (!out) {
        iconv_close(cd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *in = (char *)buf + 2, *o = out;
    size_t inleft = len - 2, oleft = cap - PAD;
    size_t r = iconv(cd, &in, &inleft, &o, &oleft);
    iconv_close(cd);
    if (r == (size_t)-1) {
        /* the offset in UTF-16 units: a line is not known without decoding */
        snprintf(err, errlen, "bad UTF-16 text at byte %zu (%s): save the file as UTF-8 CSV",
                 (size_t)(in - buf), errno == EINVAL ? "cut in the middle of a character" : "not a character");
        pc_free(out);
        return NULL;
    }
    *outlen = (size_t)(o - out);
    memset(o, 0, PAD);
    o[0] = '\n';
    return out;
}

static int load_buffer(dataset *ds, const char *name, const char *buf, size_t len, int mapped,
                       const ds_spec *spec, const csv_opts *opts, diag_sink *diags);

/* buf in UTF-16 (a BOM first): converted, then loaded. */
static int load_utf16(dataset *ds, const char *name, const char *buf, size_t len,
                      const ds_spec *spec, const csv_opts *opts, diag_sink *diags)
{
    char err[160];
    size_t n;
    char *u8 = utf16_to_utf8(buf, len, &n, err, sizeof err);
    if (!u8) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "%s", err);
        return -1;
    }
    int rc = load_buffer(ds, name, u8, n, 0, spec, opts, diags);
    pc_free(u8);
    return rc;
}

/* Parse buf[0..len) (followed by PAD bytes: '\n', then zeros) into ds. */
static int load_buffer(dataset *ds, const char *name, const char *buf, size_t len, int mapped,
                       const ds_spec *spec, const csv_opts *opts, diag_sink *diags)
{
    if (len >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
                     ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF)))
        return load_utf16(ds, name, buf, len, spec, opts, diags);
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
    L.format = opts ? opts->format : NULL;
    L.file = ds_begin_file(ds, name);
    if (L.file < 0) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, ds_nfiles(ds) >= DS_MAX_FILES
                  ? "too many data files (at most 16)" : "out of memory");
        goto out;
    }
    if (setup_spec(&L, spec) < 0 || chunk_init(&ch[0], &L, start, len, MAX_COLUMNS + 1) < 0) {
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
    if (!fatal)
        nfin += load_checks(&L, ch, nvalid, ds, &fin);
    if (!fatal) {
        nfin = ds_finish_load_ex(ds, &counts, name, &fin, explain_collision, &L);
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
    int bad_utf8 = 0;
    for (size_t i = 0; i < nvalid; i++)
        bad_utf8 |= ch[i].from != SIZE_MAX && ch[i].bad_utf8;
    if (bad_utf8)   /* after the errors: how to save the file as UTF-8 from Excel */
        diag_line(diags, DIAG_NOTE, name, 0, 0, NULL, 0,
                  "the file is not UTF-8 text: in Excel, save it with File > Save As > 'CSV UTF-8 "
                  "(Comma delimited) (*.csv)'; in LibreOffice, tick 'Edit filter settings' and choose "
                  "'Unicode (UTF-8)'");
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
