/* report.c — the front door of the report writers (format names, dispatch) and what they
 * share: the buffered output, each format's escaping, the cells of a milestone row, the order
 * of table rows. It computes no status and never prints outside the FILE it is given. */
#include "report_int.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "numfmt.h"
#include "termsafe.h"

/* ---- dispatch ---- */

int report_parse_format(const char *s, report_format *out)
{
    static const struct { const char *name; report_format f; } names[] = {
        {"text", FMT_TEXT}, {"json", FMT_JSON}, {"csv", FMT_CSV},
        {"markdown", FMT_MARKDOWN}, {"md", FMT_MARKDOWN}, {"html", FMT_HTML}, {"xlsx", FMT_XLSX},
    };
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    return -1;
}

int report_parse_lang(const char *s, report_lang *out)
{
    if (s && strcmp(s, "en") == 0)
        *out = LANG_EN;
    else if (s && strcmp(s, "vi") == 0)
        *out = LANG_VI;
    else
        return -1;
    return 0;
}

int report_write(FILE *f, const eval_result *r, const report_options *opt, const char **err)
{
    static const report_options defaults;
    if (err)
        *err = NULL;
    if (!opt)
        opt = &defaults;
    switch (opt->format) {
    case FMT_JSON: return report_json(f, r, opt);
    case FMT_CSV: return report_csv(f, r, opt, err);
    case FMT_MARKDOWN: return report_markdown(f, r, opt);
    case FMT_HTML: return report_html(f, r, opt);
    case FMT_XLSX: return report_xlsx(f, r, opt, err);
    default: return report_text(f, r, opt);
    }
}

/* ---- buffered output ---- */

int rb_init(rbuf *b, FILE *f, size_t cap)
{
    b->f = f;
    b->len = 0;
    b->err = 0;
    b->cap = cap < 4096 ? 4096 : cap;
    b->buf = pc_malloc(b->cap);
    if (!b->buf) {
        b->cap = 0;
        b->err = 1;
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* A buffer without a FILE (f NULL) grows instead of writing. */
static int rb_grow(rbuf *b, size_t n)
{
    if (b->err)
        return -1;
    if (b->cap - b->len >= n)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2) {
            b->err = 1;
            errno = ENOMEM;
            return -1;
        }
        cap *= 2;
    }
    char *nb = pc_realloc(b->buf, cap);
    if (!nb) {
        b->err = 1;
        errno = ENOMEM;
        return -1;
    }
    b->buf = nb;
    b->cap = cap;
    return 0;
}

int rb_flush(rbuf *b)
{
    if (b->err)
        return -1;
    if (!b->f)
        return rb_grow(b, b->cap - b->len + 1);
    if (b->len && fwrite(b->buf, 1, b->len, b->f) != b->len) {
        b->err = 1;
        if (!errno)
            errno = EIO;
    }
    b->len = 0;
    return b->err ? -1 : 0;
}

void rb_write_slow(rbuf *b, const char *s, size_t n)
{
    if (b->err)
        return;
    if (!b->f) {
        if (rb_grow(b, n) == 0) {
            memcpy(b->buf + b->len, s, n);
            b->len += n;
        }
        return;
    }
    if (rb_flush(b) < 0)
        return;
    if (n >= b->cap) {
        if (fwrite(s, 1, n, b->f) != n) {
            b->err = 1;
            if (!errno)
                errno = EIO;
        }
        return;
    }
    memcpy(b->buf, s, n);
    b->len = n;
}

int rb_reserve(rbuf *b, size_t n)
{
    if (!b->f)
        return rb_grow(b, n);
    if (b->err || n > b->cap)
        return -1;
    if (b->cap - b->len < n)
        return rb_flush(b);
    return 0;
}

int rb_done(rbuf *b)
{
    int rc = rb_flush(b);
    pc_free(b->buf);
    b->buf = NULL;
    b->cap = b->len = 0;
    if (b->f && (fflush(b->f) != 0 || ferror(b->f)))
        rc = -1;
    if (rc < 0 && !errno)
        errno = EIO;
    return rc;
}

void rb_puts(rbuf *b, const char *s) { rb_put(b, s, strlen(s)); }

void rb_printf(rbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        rb_put(b, tmp, (size_t)n);
        return;
    }
    char *big = pc_malloc((size_t)n + 1);
    if (!big) {
        b->err = 1;
        errno = ENOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rb_put(b, big, (size_t)n);
    pc_free(big);
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code point; 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static int is_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0x200D;
}

/* Columns of a code point at p as the text writers show it: a control character as its
 * escape (termsafe.c), a combining mark as none. */
static size_t cp_width(const unsigned char *p, size_t n, size_t *k, uint32_t *cp)
{
    char esc[TS_ESC_MAX];
    size_t e = ts_escape_at((const char *)p, n, esc);
    if (e) {
        *k = e;
        return strlen(esc);
    }
    *k = utf8_decode(p, n, cp);
    if (*k == 0)
        *k = 1, *cp = '?';
    return is_combining(*cp) ? 0 : 1;
}

size_t rep_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), w = 0;
    while (n) {
        uint32_t cp;
        size_t k;
        w += cp_width(p, n, &k, &cp);
        p += k;
        n -= k;
    }
    return w;
}

const char *rep_fit(const char *s, size_t maxw, char *buf, size_t len)
{
    if (maxw == 0 || rep_width(s) <= maxw)
        return s;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), w = 0, o = 0;
    while (n) {
        uint32_t cp;
        size_t k, cw = cp_width(p, n, &k, &cp);
        if (w + cw > maxw - 1 || o + k + 4 > len)
            break;
        memcpy(buf + o, p, k);
        o += k;
        w += cw;
        p += k;
        n -= k;
    }
    memcpy(buf + o, "\xE2\x80\xA6", 4);   /* "…" and the NUL */
    return buf;
}

/* ---- escapers ---- */

void rep_json_str(rbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        rb_put(b, "null", 4);
        return;
    }
    rb_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n) {
        /* the run of bytes that need nothing */
        size_t run = 0;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7F && p[run] != '"' && p[run] != '\\')
            run++;
        if (run) {
            rb_put(b, (const char *)p, run);
            p += run;
            n -= run;
            continue;
        }
        unsigned char c = *p;
        if (c < 0x80) {
            char e[6] = {'\\', 0};
            size_t el = 2;
            switch (c) {
            case '"': e[1] = '"'; break;
            case '\\': e[1] = '\\'; break;
            case '\n': e[1] = 'n'; break;
            case '\r': e[1] = 'r'; break;
            case '\t': e[1] = 't'; break;
            case '\b': e[1] = 'b'; break;
            case '\f': e[1] = 'f'; break;
            default:
                e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15];
                el = 6;
            }
            rb_put(b, e, el);
            p++, n--;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(p, n, &cp);
        if (k == 0) {
            rb_put(b, "\\ufffd", 6);   /* invalid UTF-8: the replacement character */
            k = 1;
        } else if (cp == 0x2028 || cp == 0x2029) {
            rb_put(b, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
        } else {
            rb_put(b, (const char *)p, k);
        }
        p += k;
        n -= k;
    }
    rb_putc(b, '"');
}

void rep_json_num(rbuf *b, double x)
{
    if (!isfinite(x)) {
        rb_put(b, "null", 4);
        return;
    }
    char tmp[NUMFMT_MAX];
    int n = numfmt_shortest(x, tmp);
    rb_put(b, tmp, (size_t)n);
}

void rep_json_int(rbuf *b, long v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%ld", v);
    rb_put(b, tmp, (size_t)n);
}

/* A plain decimal number: [+-]digits[.digits][e[+-]digits], or .digits. */
static int looks_numeric(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (!digits)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1, ed = 0;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++, ed++;
        if (!ed)
            return 0;
        i = j;
    }
    return i == n;
}

static int formula_start(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    char c = s[0];
    if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r')
        return 0;
    return !looks_numeric(s, n);
}

int rep_csv_needs_care(const char *s, size_t n)
{
    if (n && formula_start(s, n))
        return 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\n' || c == '\r')
            return 1;
    }
    return 0;
}

void rep_csv_cell(rbuf *b, const char *s, size_t n)
{
    if (!rep_csv_needs_care(s, n)) {
        rb_put(b, s, n);
        return;
    }
    int guard = formula_start(s, n), quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        rb_putc(b, '"');
    if (guard)
        rb_putc(b, '\'');
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            rb_put(b, s + start, i + 1 - start);   /* up to and including the quote */
            rb_putc(b, '"');
            start = i + 1;
        }
    rb_put(b, s + start, n - start);
    if (quote)
        rb_putc(b, '"');
}

void rep_html_str(rbuf *b, const char *s)
{
    if (!s)
        return;
    size_t start = 0, i = 0;
    for (; s[i]; i++) {
        const char *e;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        case '\t': case '\n': case '\r': continue;
        default:
            if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7F)
                continue;
            e = "\xEF\xBF\xBD";   /* a control character: U+FFFD, never raw */
        }
        rb_put(b, s + start, i - start);
        rb_puts(b, e);
        start = i + 1;
    }
    rb_put(b, s + start, i - start);
}

static void put_rbuf(void *b, const char *s, size_t n) { rb_put(b, s, n); }

/* Text for a terminal: control characters escaped (termsafe.c), never raw. */
void rep_term_str(rbuf *b, const char *s)
{
    if (s)
        ts_write(s, strlen(s), 0, put_rbuf, b);
}

void rep_md_str(rbuf *b, const char *s)
{
    if (!s)
        return;
    size_t start = 0, i = 0, n = strlen(s);
    char esc[TS_ESC_MAX];
    for (; i < n; i++) {
        char c = s[i];
        size_t k = ts_escape_at(s + i, n - i, esc);
        if (k) {   /* control characters as the terminal writers show them */
            rb_put(b, s + start, i - start);
            rb_puts(b, esc);
            i += k - 1;
            start = i + 1;
        } else if ((unsigned char)c < 0x20 || c == 0x7F) {   /* never a raw control byte */
            rb_put(b, s + start, i - start);
            rb_puts(b, "\xEF\xBF\xBD");
            start = i + 1;
        } else if (strchr("\\`*_[]<>|#~&!", c)) {
            rb_put(b, s + start, i - start);
            rb_putc(b, '\\');
            start = i;   /* the character itself follows */
        }
    }
    rb_put(b, s + start, i - start);
}

/* ---- facts of a milestone row ---- */

rep_kind rep_ms_kind(const ms_result *m)
{
    if (m->target && m->target->kind == TG_RATE)
        return RK_RATE;
    if (m->ms && m->ms->kind == MS_MAINTAIN)
        return RK_MAINTAIN;
    return RK_BY;
}

const char *rep_kind_str(rep_kind k)
{
    return k == RK_RATE ? "rate" : k == RK_MAINTAIN ? "maintain" : "by";
}

const unit *rep_ms_unit(const ms_result *m)
{
    if (m->ind && m->ind->has_unit)
        return &m->ind->u;
    if (rep_ms_kind(m) == RK_RATE && m->target)
        return &m->target->rate_lo.u;
    return &m->ms->q.u;
}

const char *rep_unit_str(const unit *u, char *buf, size_t len)
{
    switch (u->kind) {
    case UNIT_BARE: return "";
    case UNIT_PERCENT: return "%";
    case UNIT_PERMILLE: return "per 1000";
    default: break;
    }
    if (u->scale == 1000 || u->scale == 10000 || u->scale == 100000 || u->scale == 1000000)
        return ast_unit_str(u);
    char num[NUMFMT_MAX];
    const char *t = u->per_text;
    if (!t) {
        numfmt_shortest(u->scale, num);
        t = num;
    }
    snprintf(buf, len, "per %s", t);
    return buf;
}

const char *rep_report_state_str(report_state s)
{
    static const char *const names[] = {"upcoming", "due", "on_time", "late", "missing"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *rep_report_state_label(const report_result *rr, int shout, char *buf, size_t len)
{
    static const char *const labels[] = {"upcoming", "due", "on time", "late", "missing"};
    static const char *const loud[] = {"upcoming", "due", "on time", "LATE", "MISSING"};
    unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
    const char *l = shout ? loud[st] : labels[st];
    if (st == RS_LATE && rr->days_late > 0)
        snprintf(buf, len, "%s (%d day%s)", l, rr->days_late, rr->days_late == 1 ? "" : "s");
    else
        snprintf(buf, len, "%s", l);
    return buf;
}

/* A quantity as written, with its unit: "17%", "18.5 per 1000", "12". */
static void quantity_text(const quantity *q, const unit *u, char *buf, size_t len)
{
    char num[NUMFMT_MAX], ub[48];
    const char *t = q->text;
    if (!t) {
        numfmt_shortest(q->value, num);
        t = num;
    }
    const char *us = rep_unit_str(u, ub, sizeof ub);
    int k = snprintf(buf, len, "%s%s%s", t, u->kind == UNIT_PERCENT || !*us ? "" : " ", us);
    if (k < 0)
        buf[0] = '\0';   /* (a cut is harmless: these are labels for people) */
}

const char *rep_goal(const ms_result *m, char *buf, size_t len)
{
    char a[80], c[80];
    if (rep_ms_kind(m) == RK_RATE) {
        const target *t = m->target;
        quantity_text(&t->rate_lo, &t->rate_lo.u, a, sizeof a);
        if (t->has_rate_hi) {
            quantity_text(&t->rate_hi, &t->rate_hi.u, c, sizeof c);
            snprintf(buf, len, "%s %s to %s/yr", t->rate_increase ? "increase" : "decrease", a, c);
        } else {
            snprintf(buf, len, "%s %s/yr", t->rate_increase ? "increase" : "decrease", a);
        }
        return buf;
    }
    quantity_text(&m->ms->q, rep_ms_unit(m), a, sizeof a);
    snprintf(buf, len, "%s %s", ast_cmp_str(m->ms->cmp), a);
    return buf;
}

const char *rep_deadline(const ms_result *m, char *buf, size_t len)
{
    switch (rep_ms_kind(m)) {
    case RK_RATE:
        snprintf(buf, len, "%d-%d", m->target->rate_from, m->target->rate_to);
        break;
    case RK_MAINTAIN:
        if (m->ms->win_from && m->ms->win_to)
            snprintf(buf, len, "maintain %d-%d", m->ms->win_from, m->ms->win_to);
        else if (m->ms->win_from)
            snprintf(buf, len, "maintain %d-", m->ms->win_from);
        else if (m->ms->win_to)
            snprintf(buf, len, "maintain -%d", m->ms->win_to);
        else
            snprintf(buf, len, "maintain");
        break;
    default:
        snprintf(buf, len, "%d", m->ms->year);
    }
    return buf;
}

const char *rep_note(const ms_result *m, char *buf, size_t len)
{
    const assess_result *a = &m->r;
    size_t o = 0;
    buf[0] = '\0';
#define NOTE_ADD(...)                                                                     \
    do {                                                                                  \
        if (o < len && o)                                                                 \
            o += (size_t)snprintf(buf + o, len - o, "; ");                                \
        if (o < len)                                                                      \
            o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__);                         \
    } while (0)
    if (a->value_year && m->ms && a->value_year != m->ms->year)
        NOTE_ADD("judged on the %d value (no value for %d)", a->value_year, m->ms->year);
    /* a moved baseline matters to trends (not to a reached deadline, nor to a window with
     * its own start) */
    int base_used = !a->value_year && a->reason != AR_NO_DEADLINE_VALUE &&
                    !(rep_ms_kind(m) == RK_MAINTAIN && m->ms->win_from);
    if (a->declared_base && base_used)
        NOTE_ADD("baseline %d (%d has no value)", a->base_year, a->declared_base);
    if (a->base_from_plan) {
        char num[NUMFMT_MAX];
        numfmt_shortest(a->base_value, num);
        NOTE_ADD("baseline %s in %d from the plan (the data has none)", num, a->base_year);
    }
    int opens = rep_ms_kind(m) == RK_RATE ? m->target->rate_from : m->ms ? m->ms->win_from : 0;
    if (a->reason == AR_WINDOW_NOT_OPEN && opens)
        NOTE_ADD("%s: the window opens in %d", assess_status_label(a->status), opens);
    else if (a->reason != AR_NONE)
        NOTE_ADD("%s: %s", assess_status_label(a->status), assess_reason_str(a->reason));
#undef NOTE_ADD
    return buf;
}

const char *rep_latest(const ms_result *m, char *buf, size_t len)
{
    if (!m->r.latest_year || isnan(m->r.latest_value)) {
        buf[0] = '\0';
        return buf;
    }
    char num[NUMFMT_MAX];
    numfmt_shortest(m->r.latest_value, num);
    if (snprintf(buf, len, "%d: %s", m->r.latest_year, num) < 0)
        buf[0] = '\0';
    return buf;
}

const char *rep_series(const ms_result *m, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    if (!m->target)
        return buf;
    const series_ref *s = &m->target->series;
    for (int i = 0; i < s->nsels && o < len; i++) {
        int k = snprintf(buf + o, len - o, "%s%s=%s", i ? ";" : "",
                         s->sels[i].dim.name ? s->sels[i].dim.name : "",
                         s->sels[i].value ? s->sels[i].value : "");
        if (k < 0)
            break;
        o += (size_t)k;
    }
    return buf;
}

const char *rep_lead(const ms_result *m)
{
    return m->owner && m->owner->lead ? m->owner->lead->id.name : NULL;
}

const char *rep_coordinators(const ms_result *m, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    if (!m->owner)
        return buf;
    for (int i = 0; i < m->owner->nwith && o < len; i++) {
        const agency *a = m->owner->with[i];
        int k = snprintf(buf + o, len - o, "%s%s", i ? ";" : "", a && a->id.name ? a->id.name : "");
        if (k < 0)
            break;
        o += (size_t)k;
    }
    return buf;
}

const char *rep_date(date d, char *buf, size_t len)
{
    if (d.year == 0)
        buf[0] = '\0';
    else
        snprintf(buf, len, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

const char *rep_target_id(const ms_result *m)
{
    if (m->target && m->target->gen_id)
        return m->target->gen_id;
    if (m->target && m->target->id.name)
        return m->target->id.name;
    return "?";
}

static const char *nz(const char *s) { return s ? s : ""; }

int rep_table_cols(const eval_result *r, int *cols)
{
    int n = 0, multi = rep_nregions(r, NULL) > 1;
    for (int c = 0; c < RC__N; c++)
        if (c != RC_REGION || multi)
            cols[n++] = c;
    return n;
}

void rep_row_fill(const ms_result *m, rep_row *row)
{
    row->cell[RC_TARGET] = rep_target_id(m);
    row->cell[RC_MILESTONE] = m->ms && m->ms->id ? m->ms->id : rep_target_id(m);
    row->cell[RC_REGION] = nz(m->region);
    row->cell[RC_INDICATOR] = m->ind ? nz(m->ind->id.name) : "";
    row->cell[RC_GOAL] = rep_goal(m, row->goal, sizeof row->goal);
    row->cell[RC_DEADLINE] = rep_deadline(m, row->deadline, sizeof row->deadline);
    row->cell[RC_LATEST] = rep_latest(m, row->latest, sizeof row->latest);
    row->cell[RC_STATUS] = assess_status_label(m->r.status);
    row->cell[RC_LEAD] = nz(rep_lead(m));
    if (m->owner && m->owner->lead && m->owner->nco) {   /* joint leads read "DOLISA+POLICE" */
        size_t o = (size_t)snprintf(row->lead, sizeof row->lead, "%s", m->owner->lead->id.name);
        for (int i = 0; i < m->owner->nco && o < sizeof row->lead; i++)
            o += (size_t)snprintf(row->lead + o, sizeof row->lead - o, "+%s", m->owner->co[i]->id.name);
        row->cell[RC_LEAD] = row->lead;
    }
    row->cell[RC_WITH] = rep_coordinators(m, row->with, sizeof row->with);
    /* the list is ';'-joined for CSV; people read ", " */
    if (strchr(row->with, ';')) {
        char tmp[sizeof row->with];
        size_t o = 0;
        for (const char *p = row->with; *p && o + 3 < sizeof tmp; p++) {
            if (*p == ';') {
                tmp[o++] = ',';
                tmp[o++] = ' ';
            } else {
                tmp[o++] = *p;
            }
        }
        tmp[o] = '\0';
        memcpy(row->with, tmp, o + 1);
    }
}

const char *const rep_row_heads[RC__N] = {"Target", "Milestone", "Region", "Indicator", "Goal",
                                          "Deadline", "Latest", "Status", "Lead", "With"};

size_t rep_data_files(const report_options *opt, char *buf, size_t len)
{
    size_t o = 0, n = opt && opt->data ? ds_nfiles(opt->data) : 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++) {
        ds_stats st;
        const char *name = ds_file(opt->data, i, &st);
        int w = snprintf(buf + o, len - o, "%s%s (%zu row%s read, %zu used)", i ? "; " : "", name,
                         st.rows, st.rows == 1 ? "" : "s", st.kept);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return n;
}

/* Data file i of the run as the reports for people name it: the file, not where it lies on
 * this machine; its row counts in *st. */
const char *rep_file_name(const report_options *opt, size_t i, ds_stats *st)
{
    const char *name = ds_file(opt->data, i, st);
    const char *slash = name ? strrchr(name, '/') : NULL;
    return slash ? slash + 1 : name ? name : "";
}

size_t rep_nregions(const eval_result *r, const char **first)
{
    size_t n = 0;
    const char *prev = NULL;
    if (first)
        *first = r->nms ? r->ms[0].region : NULL;
    for (size_t i = 0; i < r->nms; i++) {
        const char *g = r->ms[i].region ? r->ms[i].region : "";
        if (!prev || strcmp(prev, g) != 0)
            n++;
        prev = g;
    }
    return n;
}

/* ---- order of rows ---- */

typedef struct order_key {
    int g, t, m;
    size_t i;
} order_key;

static int order_cmp(const void *pa, const void *pb)
{
    const order_key *a = pa, *b = pb;
    if (a->g != b->g)
        return a->g < b->g ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    if (a->m != b->m)
        return a->m < b->m ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

typedef struct ptr_idx {
    const void *p;
    int i;
} ptr_idx;

static int ptr_cmp(const void *pa, const void *pb)
{
    uintptr_t a = (uintptr_t)((const ptr_idx *)pa)->p, b = (uintptr_t)((const ptr_idx *)pb)->p;
    return a < b ? -1 : a > b;
}

static int ptr_find(const ptr_idx *tab, size_t n, const void *p, int missing)
{
    ptr_idx key = {p, 0};
    const ptr_idx *hit = n ? bsearch(&key, tab, n, sizeof *tab, ptr_cmp) : NULL;
    return hit ? hit->i : missing;
}

size_t *rep_order(const eval_result *r, int by_agency, int **groups)
{
    size_t n = r->nms;
    const pc_plan *p = r->plan;
    int nt = p ? p->ntargets : 0, na = p ? p->nagencies : 0;
    size_t *idx = pc_malloc((n ? n : 1) * sizeof *idx);
    order_key *keys = pc_malloc((n ? n : 1) * sizeof *keys);
    ptr_idx *tab = pc_malloc((size_t)(nt + na + r->ncards + 1) * sizeof *tab);
    int *gs = groups ? pc_malloc((n ? n : 1) * sizeof *gs) : NULL;
    if (!idx || !keys || !tab || (groups && !gs)) {
        pc_free(idx), pc_free(keys), pc_free(tab), pc_free(gs);
        errno = ENOMEM;
        return NULL;
    }
    ptr_idx *ttab = tab, *atab = tab + nt, *ctab = atab + na;
    for (int i = 0; i < nt; i++)
        ttab[i] = (ptr_idx){p->targets[i], i};
    for (int i = 0; i < na; i++)
        atab[i] = (ptr_idx){p->agencies[i], i};
    for (int i = 0; i < r->ncards; i++)
        ctab[i] = (ptr_idx){r->cards[i].agency, i};
    qsort(ttab, (size_t)nt, sizeof *tab, ptr_cmp);
    qsort(atab, (size_t)na, sizeof *tab, ptr_cmp);
    qsort(ctab, (size_t)r->ncards, sizeof *tab, ptr_cmp);
    for (size_t i = 0; i < n; i++) {
        const ms_result *m = &r->ms[i];
        order_key *k = &keys[i];
        k->i = i;
        k->t = ptr_find(ttab, (size_t)nt, m->target, INT32_MAX);
        k->m = 0;
        if (m->target && m->target->kind != TG_RATE)
            for (int j = 0; j < m->target->nms; j++)
                if (&m->target->ms[j] == m->ms) {
                    k->m = j;
                    break;
                }
        k->g = 0;
        if (by_agency) {
            const agency *lead = m->owner ? m->owner->lead : NULL;
            if (!lead) {
                k->g = INT32_MAX;
            } else {
                k->g = ptr_find(ctab, (size_t)r->ncards, lead, -1);
                if (k->g < 0) {
                    int ai = ptr_find(atab, (size_t)na, lead, -1);
                    k->g = ai < 0 ? INT32_MAX - 1 : r->ncards + ai;
                }
            }
        }
    }
    qsort(keys, n, sizeof *keys, order_cmp);
    for (size_t i = 0; i < n; i++) {
        idx[i] = keys[i].i;
        if (gs)
            gs[i] = keys[i].g;
    }
    pc_free(keys);
    pc_free(tab);
    if (groups)
        *groups = gs;
    return idx;
}
