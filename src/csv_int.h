/* csv_int.h — what the files of the CSV loader share (csv.c, csv_values.c, csv_errors.c,
 * csv_rows.c, csv_header.c): the loader (read-only while threads run), a field, a chunk of
 * rows and its diagnostics. Private to them; dataset.h is the loader's face. */
#ifndef PC_CSV_INT_H
#define PC_CSV_INT_H

#include "dataset.h"
#include "diag.h"
#include "import_layout.h"
#include "strmap.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MAX_ERRORS 100
#define PAD 16   /* bytes after the data: '\n' (sentinel), '\0', then readable zeros */
#define MAX_COLUMNS 4096

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

const char *name_problem(const char *s, size_t n);
int thousands_dots(const char *s, size_t n);
void quote_text(const char *s, size_t n, char *out, size_t outlen);
void row_error(chunk *c, const char *row, uint32_t row_line, const char *at, size_t len,
               const char *fmt, ...);
void oom_error(chunk *c, uint32_t line);
void parse_chunk(chunk *c);
void *chunk_thread(void *arg);
int parse_header(chunk *c, loader *L);

static inline int digit(char c) { return (unsigned)(c - '0') < 10; }

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

#endif
