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
#include "csv_int.h"

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
