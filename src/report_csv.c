/* report_csv.c — milestone results as CSV: by default exactly the bench's five columns
 * (region,milestone,status,ratio,projected; LF; %.6f), or the columns the user names.
 * The default path is hot (millions of rows): no printf per cell, big fwrites only. */
#include "report_int.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "numfmt.h"

typedef enum {
    COL_REGION, COL_MILESTONE, COL_TARGET, COL_INDICATOR, COL_SERIES, COL_COMPARISON,
    COL_THRESHOLD, COL_UNIT, COL_DEADLINE, COL_STATUS, COL_METHOD, COL_BASELINE_YEAR,
    COL_BASELINE_VALUE, COL_LATEST_YEAR, COL_LATEST_VALUE, COL_ACTUAL_RATE, COL_REQUIRED_RATE,
    COL_RATIO, COL_PROJECTED, COL_LEAD, COL_COORDINATORS, COL_BROKEN_YEARS,
    COL_VALUE_YEAR, COL_BASELINE_DECLARED, COL_EXPECTED_NOW, COL_RATE_FROM_NOW, COL_POINTS,
    COL_SPAN, COL_AGE, COL_REASON, COL__N
} csv_col;

static const char *const col_names[COL__N] = {
    "region", "milestone", "target", "indicator", "series", "comparison", "threshold", "unit",
    "deadline", "status", "method", "baseline_year", "baseline_value", "latest_year",
    "latest_value", "actual_rate", "required_rate", "ratio", "projected", "lead",
    "coordinators", "broken_years", "value_year", "baseline_declared", "expected_now",
    "required_rate_from_now", "points", "span", "age", "reason",
};

#define MAX_COLS 256

static _Thread_local char err_buf[768];

static const char *column_error(const char *name, size_t n)
{
    size_t o = (size_t)snprintf(err_buf, sizeof err_buf, n ? "unknown CSV column '%.*s'; valid columns: "
                                                          : "empty CSV column name%.*s; valid columns: ",
                                (int)(n > 64 ? 64 : n), name);
    for (int i = 0; i < COL__N && o < sizeof err_buf; i++)
        o += (size_t)snprintf(err_buf + o, sizeof err_buf - o, "%s, ", col_names[i]);
    if (o < sizeof err_buf)
        snprintf(err_buf + o, sizeof err_buf - o, "all");
    return err_buf;
}

/* "region, status,ratio" or "all" -> cols; returns the count, or -1 with *err set. */
static int parse_columns(const char *spec, csv_col *cols, const char **err)
{
    int n = 0;
    const char *p = spec;
    for (;;) {
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *a = p, *z = e;
        while (a < z && (*a == ' ' || *a == '\t'))
            a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
            z--;
        size_t len = (size_t)(z - a);
        if (len == 3 && memcmp(a, "all", 3) == 0) {
            for (int i = 0; i < COL__N && n < MAX_COLS; i++)
                cols[n++] = (csv_col)i;
        } else {
            int found = -1;
            for (int i = 0; i < COL__N; i++)
                if (strlen(col_names[i]) == len && memcmp(col_names[i], a, len) == 0)
                    found = i;
            if (found < 0) {
                if (err)
                    *err = column_error(a, len);
                return -1;
            }
            if (n < MAX_COLS)
                cols[n++] = (csv_col)found;
        }
        if (!*e)
            break;
        p = e + 1;
    }
    return n;
}

/* ---- cells ---- */

static void put_text(rbuf *b, const char *s)
{
    if (s)
        rep_csv_cell(b, s, strlen(s));
}

static void put_fixed6(rbuf *b, double x)
{
    if (isnan(x) || rb_reserve(b, NUMFMT_MAX) < 0)
        return;
    b->len += (size_t)numfmt_fixed6(x, b->buf + b->len);
}

static void put_shortest(rbuf *b, double x)
{
    if (isnan(x) || rb_reserve(b, NUMFMT_MAX) < 0)
        return;
    b->len += (size_t)numfmt_shortest(x, b->buf + b->len);
}

static void put_int(rbuf *b, long v)
{
    if (v)
        rep_json_int(b, v);
}

static void put_cell(rbuf *b, const ms_result *m, csv_col c)
{
    char buf[512];
    rep_kind k = rep_ms_kind(m);
    switch (c) {
    case COL_REGION: put_text(b, m->region); break;
    case COL_MILESTONE: put_text(b, m->ms ? m->ms->id : NULL); break;
    case COL_TARGET: put_text(b, rep_target_id(m)); break;
    case COL_INDICATOR: put_text(b, m->ind ? m->ind->id.name : NULL); break;
    case COL_SERIES: put_text(b, rep_series(m, buf, sizeof buf)); break;
    case COL_COMPARISON:
        if (k != RK_RATE)
            put_text(b, ast_cmp_str(m->ms->cmp));
        break;
    case COL_THRESHOLD:
        put_shortest(b, k == RK_RATE ? m->target->rate_lo.value : m->ms->q.value);
        break;
    case COL_UNIT: put_text(b, rep_unit_str(rep_ms_unit(m), buf, sizeof buf)); break;
    case COL_DEADLINE:
        if (k == RK_BY)
            put_int(b, m->ms->year);
        break;
    case COL_STATUS: put_text(b, assess_status_str(m->r.status)); break;
    case COL_METHOD: put_text(b, ast_method_str(m->r.method)); break;
    case COL_BASELINE_YEAR: put_int(b, m->r.base_year); break;
    case COL_BASELINE_VALUE: put_shortest(b, m->r.base_year ? m->r.base_value : NAN); break;
    case COL_LATEST_YEAR: put_int(b, m->r.latest_year); break;
    case COL_LATEST_VALUE: put_shortest(b, m->r.latest_year ? m->r.latest_value : NAN); break;
    case COL_ACTUAL_RATE: put_fixed6(b, m->r.actual_rate); break;
    case COL_REQUIRED_RATE: put_fixed6(b, m->r.required_rate); break;
    case COL_RATIO: put_fixed6(b, m->r.ratio); break;
    case COL_PROJECTED: put_fixed6(b, m->r.projected); break;
    case COL_LEAD: put_text(b, rep_lead(m)); break;
    case COL_COORDINATORS: put_text(b, rep_coordinators(m, buf, sizeof buf)); break;
    case COL_BROKEN_YEARS:
        for (int i = 0; i < m->r.nbroken && m->r.broken; i++) {
            if (i)
                rb_putc(b, ';');
            rep_json_int(b, m->r.broken[i]);
        }
        break;
    case COL_VALUE_YEAR: put_int(b, m->r.value_year); break;
    case COL_BASELINE_DECLARED: put_int(b, m->r.declared_base); break;   /* only when it moved */
    case COL_EXPECTED_NOW: put_fixed6(b, m->r.expected_now); break;
    case COL_RATE_FROM_NOW: put_fixed6(b, m->r.required_rate_from_now); break;
    case COL_POINTS: put_int(b, m->r.ev_points); break;
    case COL_SPAN:
        if (m->r.ev_points)
            rep_json_int(b, m->r.ev_span);
        break;
    case COL_AGE:
        if (m->r.ev_points)
            rep_json_int(b, m->r.ev_age);
        break;
    case COL_REASON: put_text(b, assess_reason_str(m->r.reason)); break;
    default: break;
    }
}

/* ---- the default five columns, fast ---- */

#define NCACHE 128
typedef struct idcache {
    const milestone *ms;
    const char *id;
    size_t len;
    int care;
} idcache;

static const char default_header[] = "region,milestone,status,ratio,projected\n";

/* What the default rows remember from one call to the next. */
typedef struct rowstate {
    idcache cache[NCACHE];
    const char *prev_region;
    size_t rl;
    int rcare;
} rowstate;

static void write_default_rows(rbuf *b, rowstate *rs, const ms_result *ms, size_t n)
{
    const char *st[ST__COUNT + 1];
    size_t stl[ST__COUNT + 1];
    for (int i = 0; i <= ST__COUNT; i++) {
        st[i] = assess_status_str((pc_status)i);
        stl[i] = strlen(st[i]);
    }
    idcache *cache = rs->cache;
    const char *prev_region = rs->prev_region;
    size_t rl = rs->rl;
    int rcare = rs->rcare;
    for (size_t i = 0; i < n && !b->err; i++) {
        const ms_result *m = &ms[i];
        const char *region = m->region ? m->region : "";
        if (region != prev_region) {
            prev_region = region;
            rl = strlen(region);
            rcare = rep_csv_needs_care(region, rl);
        }
        /* milestone ids repeat region after region: remember their length and whether
         * they need quoting, in a small direct-mapped cache keyed by the milestone */
        const char *id = m->ms && m->ms->id ? m->ms->id : "";
        idcache *ic = &cache[((uintptr_t)m->ms >> 4) % NCACHE];
        if (ic->ms != m->ms || ic->id != id) {
            ic->ms = m->ms;
            ic->id = id;
            ic->len = strlen(id);
            ic->care = rep_csv_needs_care(id, ic->len);
        }
        size_t il = ic->len;
        unsigned s = (unsigned)m->r.status < ST__COUNT ? (unsigned)m->r.status : ST__COUNT;

        if (!rcare && !ic->care && rl + il < 4096 &&
            rb_reserve(b, rl + il + stl[s] + 2 * NUMFMT_MAX + 8) == 0) {
            char *o = b->buf + b->len;
            memcpy(o, region, rl), o += rl;
            *o++ = ',';
            memcpy(o, id, il), o += il;
            *o++ = ',';
            memcpy(o, st[s], stl[s]), o += stl[s];
            *o++ = ',';
            if (!isnan(m->r.ratio))
                o += numfmt_fixed6(m->r.ratio, o);
            *o++ = ',';
            if (!isnan(m->r.projected))
                o += numfmt_fixed6(m->r.projected, o);
            *o++ = '\n';
            b->len = (size_t)(o - b->buf);
            continue;
        }
        rep_csv_cell(b, region, rl);
        rb_putc(b, ',');
        rep_csv_cell(b, id, il);
        rb_putc(b, ',');
        rb_put(b, st[s], stl[s]);
        rb_putc(b, ',');
        put_fixed6(b, m->r.ratio);
        rb_putc(b, ',');
        put_fixed6(b, m->r.projected);
        rb_putc(b, '\n');
    }
    rs->prev_region = prev_region;
    rs->rl = rl;
    rs->rcare = rcare;
}

/* bom: the UTF-8 byte order mark first (--bom), so that Excel reads the file as UTF-8 */
static void write_header(rbuf *b, const csv_col *cols, int ncols, int bom)
{
    if (bom)
        rb_put(b, "\xEF\xBB\xBF", 3);
    if (ncols < 0) {
        rb_put(b, default_header, sizeof default_header - 1);
        return;
    }
    for (int c = 0; c < ncols; c++) {
        if (c)
            rb_putc(b, ',');
        rb_puts(b, col_names[cols[c]]);
    }
    rb_putc(b, '\n');
}

static void write_rows(rbuf *b, rowstate *rs, const csv_col *cols, int ncols, const ms_result *ms,
                       size_t n)
{
    if (ncols < 0) {
        write_default_rows(b, rs, ms, n);
        return;
    }
    for (size_t i = 0; i < n && !b->err; i++) {
        for (int c = 0; c < ncols; c++) {
            if (c)
                rb_putc(b, ',');
            put_cell(b, &ms[i], cols[c]);
        }
        rb_putc(b, '\n');
    }
}

int report_csv(FILE *f, const eval_result *r, const report_options *opt, const char **err)
{
    csv_col cols[MAX_COLS];
    int ncols = -1;
    if (err)
        *err = NULL;
    if (opt && opt->columns) {
        ncols = parse_columns(opt->columns, cols, err);
        if (ncols < 0)
            return -1;
    }
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 20) < 0)
        return -1;
    rowstate *rs = pc_calloc(1, sizeof *rs);
    if (!rs) {
        rb_done(&b);
        errno = ENOMEM;
        return -1;
    }
    write_header(&b, cols, ncols, opt && opt->bom);
    write_rows(&b, rs, cols, ncols, r->ms, r->nms);
    pc_free(rs);
    return rb_done(&b);
}

/* ---- streaming: one growing buffer per evaluation worker, written in block order ---- */

struct report_csv_stream {
    FILE *f;
    csv_col cols[MAX_COLS];
    int ncols;
    int header_done;
    int bom;                 /* --bom: the header starts with a UTF-8 byte order mark */
    int err;                 /* a write failed (errno kept in errno_) */
    int errno_;
    rbuf b[EVAL_MAX_WORKERS];
    rowstate rs[EVAL_MAX_WORKERS];
};

static int stream_put(void *ctx, int worker, const ms_result *ms, size_t n)
{
    report_csv_stream *s = ctx;
    rbuf *b = &s->b[worker];
    write_rows(b, &s->rs[worker], s->cols, s->ncols, ms, n);
    return b->err ? -1 : 0;
}

static int stream_write(report_csv_stream *s, const char *p, size_t n)
{
    if (s->err)
        return -1;
    if (n && fwrite(p, 1, n, s->f) != n) {
        s->err = 1;
        s->errno_ = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

static int stream_flush(void *ctx, int worker)
{
    report_csv_stream *s = ctx;
    rbuf *b = &s->b[worker];
    if (!s->header_done) {
        rbuf h;
        if (rb_init(&h, NULL, 4096) < 0)
            return -1;
        write_header(&h, s->cols, s->ncols, s->bom);
        int rc = h.err ? -1 : stream_write(s, h.buf, h.len);
        pc_free(h.buf);
        if (rc < 0)
            return -1;
        s->header_done = 1;
    }
    int rc = stream_write(s, b->buf, b->len);
    b->len = 0;
    return rc;
}

report_csv_stream *report_csv_stream_new(FILE *f, const report_options *opt, eval_stream *st,
                                         const char **err)
{
    if (err)
        *err = NULL;
    report_csv_stream *s = pc_calloc(1, sizeof *s);
    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    s->f = f;
    s->ncols = -1;
    s->bom = opt && opt->bom;
    if (opt && opt->columns) {
        s->ncols = parse_columns(opt->columns, s->cols, err);
        if (s->ncols < 0) {
            pc_free(s);
            return NULL;
        }
    }
    for (int i = 0; i < EVAL_MAX_WORKERS; i++)
        if (rb_init(&s->b[i], NULL, (size_t)512 << 10) < 0) {
            report_csv_stream_end(s, 0);
            errno = ENOMEM;
            return NULL;
        }
    memset(st, 0, sizeof *st);
    st->put = stream_put;
    st->flush = stream_flush;
    st->ctx = s;
    return s;
}

void report_csv_stream_set_file(report_csv_stream *s, FILE *f) { s->f = f; }

int report_csv_stream_failed(const report_csv_stream *s)
{
    int failed = s->err;
    for (int i = 0; i < EVAL_MAX_WORKERS; i++)
        failed |= s->b[i].err;
    return failed;
}

int report_csv_stream_errno(const report_csv_stream *s) { return s->err ? s->errno_ : ENOMEM; }

int report_csv_stream_end(report_csv_stream *s, int ok)
{
    if (!s)
        return -1;
    int rc = 0;
    if (ok) {
        if (!s->header_done && stream_flush(s, 0) < 0)
            rc = -1;
        if (s->err || fflush(s->f) != 0 || ferror(s->f)) {
            rc = -1;
            errno = s->errno_ ? s->errno_ : errno ? errno : EIO;
        }
    }
    for (int i = 0; i < EVAL_MAX_WORKERS; i++)
        pc_free(s->b[i].buf);
    pc_free(s);
    return rc;
}
