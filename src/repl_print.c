/* repl_print.c — how the REPL prints: everything on stdout through out() (terminal-safe),
 * diagnostics flushed from the session's sink, command errors with a caret, and numbers,
 * quantities, series, goals and dates written as the plan writes them. */
#include "repl_int.h"
#include "numfmt.h"
#include "termsafe.h"
#include <math.h>
#include <stdarg.h>
#include <readline/readline.h>

/* ---- output helpers ---- */

/* Everything the REPL prints on stdout goes through out(): control characters that plan
 * strings and data cells carry (ESC, CR, C1 controls, bidi overrides) are escaped
 * (termsafe.c); only the REPL's own line ends stay. Strings that may hold a newline of
 * their own are escaped whole where they are printed (safe()). */
static void put_stdout(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    fwrite(s, 1, n, stdout);
}

void out(const char *fmt, ...)
{
    char sbuf[1024], *buf = sbuf;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sbuf, sizeof sbuf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof sbuf) {
        buf = pc_malloc((size_t)n + 1);
        if (!buf)
            return;
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    ts_write(buf, (size_t)n, 1, put_stdout, NULL);
    if (buf != sbuf)
        pc_free(buf);
}

/* A string from the plan or the data, every control character escaped (a newline too). */
const char *safe(const char *s, char *buf, size_t len) { return ts_str(s ? s : "", buf, len); }

static void flush_diags(repl *r)
{
    diag_sink *d = &r->s->diags;
    if (d->n || d->oom) {
        fflush(stdout);
        diag_print(stderr, d, r->color);
        fflush(stderr);
    }
    diag_clear(d);
}

/* Record the end of an entry: errors in the sink mark it failed. Returns 1 if it failed. */
int finish(repl *r, int failed)
{
    if (r->s->diags.nerrors || r->s->diags.oom)
        failed = 1;
    flush_diags(r);
    if (failed)
        r->nfailed++;
    return failed;
}

/* An error about the command line being run, at a column span of it (1-based; 0: none). */

void cmd_error(repl *r, int col, int end_col, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_sink *d = &r->s->diags;
    const char *lt = r->cur_line ? r->cur_line : "";
    diag_line(d, DIAG_ERROR, REPL_SRC, r->lineno, col > 0 ? col : 0, lt, strlen(lt), "%s", msg);
    if (d->n && end_col > col && col > 0)
        d->items[d->n - 1].end_col = end_col;
}

/* Columns of a span of the command line, from byte offsets. */
int col_of(const repl *r, size_t off)
{
    return r->cur_line ? utf8_columns(r->cur_line, off) + 1 : 0;
}

char *xstrdup(const char *s) { return s ? pc_strndup(s, strlen(s)) : NULL; }

/* Append s to buf (of len bytes, holding *o of them), cutting it short when it is full. */
static void put(char *buf, size_t len, size_t *o, const char *s)
{
    size_t n = strlen(s);
    if (*o + n >= len)
        n = *o + 1 < len ? len - 1 - *o : 0;
    memcpy(buf + *o, s, n);
    *o += n;
    buf[*o] = '\0';
}

/* A number for people: shortest form (digits < 0) or fixed digits, with a real minus sign. */
const char *fnum(char *buf, size_t len, double x, int digits)
{
    char nb[NUMFMT_MAX];
    size_t o = 0;
    buf[0] = '\0';
    if (isnan(x)) {
        put(buf, len, &o, "NA");
        return buf;
    }
    if (digits < 0)
        numfmt_shortest(x, nb);
    else
        numfmt_fixed(x, digits, nb);
    if (nb[0] == '-')
        put(buf, len, &o, "\xE2\x88\x92");
    put(buf, len, &o, nb[0] == '-' ? nb + 1 : nb);
    return buf;
}

/* A value in an indicator's unit: "19.6 %", "18.5 per 1000", "1234". */
const char *fval(char *buf, size_t len, double x, const unit *u, int digits)
{
    size_t o = 0;
    fnum(buf, len, x, digits);
    o = strlen(buf);
    if (!isnan(x) && u && u->kind != UNIT_BARE) {
        put(buf, len, &o, " ");
        put(buf, len, &o, ast_unit_str(u));
    }
    return buf;
}

/* A quantity as written: "17%", "18.5 per 1000". */
const char *fquantity(char *buf, size_t len, const quantity *q)
{
    switch (q->u.kind) {
    case UNIT_PERCENT: snprintf(buf, len, "%s%%", q->text); break;
    case UNIT_PERMILLE: snprintf(buf, len, "%s‰", q->text); break;
    case UNIT_PER: snprintf(buf, len, "%s per %s", q->text, q->u.per_text ? q->u.per_text : "?"); break;
    default: snprintf(buf, len, "%s", q->text); break;
    }
    return buf;
}

/* The series as written: stunting, obesity[area = "rural"]. */
const char *fseries(char *buf, size_t len, const series_ref *s)
{
    size_t o = (size_t)snprintf(buf, len, "%s", s->ind.name ? s->ind.name : "?");
    for (int i = 0; i < s->nsels && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s = \"%s\"", i ? ", " : "[", s->sels[i].dim.name,
                              s->sels[i].value);
    if (s->nsels && o < len)
        snprintf(buf + o, len - o, "]");
    return buf;
}

/* What a milestone asks: "< 17% by 2025", ">= 100% maintain from 2020",
 * "decrease by 2% to 3% per year from 2025 to 2030". */
const char *fgoal(char *buf, size_t len, const milestone *m)
{
    const target *t = m->target;
    char q[64], q2[64];
    if (t && t->kind == TG_RATE) {
        if (t->has_rate_hi)
            snprintf(buf, len, "%s by %s to %s per year from %d to %d", t->rate_increase ? "increase" : "decrease",
                     fquantity(q, sizeof q, &t->rate_lo), fquantity(q2, sizeof q2, &t->rate_hi), t->rate_from, t->rate_to);
        else
            snprintf(buf, len, "%s by %s per year from %d to %d", t->rate_increase ? "increase" : "decrease",
                     fquantity(q, sizeof q, &t->rate_lo), t->rate_from, t->rate_to);
        return buf;
    }
    size_t o = (size_t)snprintf(buf, len, "%s %s", ast_cmp_str(m->cmp), fquantity(q, sizeof q, &m->q));
    if (o >= len)
        return buf;
    if (m->kind == MS_BY)
        snprintf(buf + o, len - o, " by %d", m->year);
    else {
        o += (size_t)snprintf(buf + o, len - o, " maintain");
        if (m->from && o < len)
            o += (size_t)snprintf(buf + o, len - o, " from %d", m->from);
        if (m->to && o < len)
            snprintf(buf + o, len - o, " to %d", m->to);
    }
    return buf;
}

const char *fdate(char *buf, size_t len, date d)
{
    if (d.year)
        snprintf(buf, len, "%04d-%02d-%02d", d.year, d.month, d.day);
    else
        snprintf(buf, len, "%d %s", d.day, ast_month_name(d.month));
    return buf;
}
