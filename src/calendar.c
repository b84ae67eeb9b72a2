/* calendar.c — the reporting calendar: concrete deadlines of each `report` rule up to the
 * as-of date, matched against a submissions log (CSV agency,report,period,submitted).
 * It owns dates and periods; it assesses no target, prints nothing and never exits.
 *
 * Decisions (for docs/language.md):
 *  - Window: deadlines from the plan's `issued` year (else the as-of year) up to and
 *    including the as-of year. Deadlines before the issued date itself are dropped (a plan
 *    issued 27 Dec 2024 owes no report due 30 Nov 2024). A `once` report is always listed.
 *  - The as-of date is eval_options.as_of_date, else 31 Dec of the as-of year. A deadline
 *    after it is `upcoming`; so with a year-only as-of, only one-off reports dated after
 *    the as-of year are upcoming.
 *  - every year by D M: one deadline a year, period "2024". every N months: either 12/N
 *    listed day-months (the k-th one, in calendar order, is period k of its year) or one
 *    listed day-month repeated every N months (in calendar order within the year). Periods
 *    are named 2024S1/S2 (N = 6), 2024Q1..Q4 (N = 3), 2024-01..12 (N = 1); other N use the
 *    due date "2024-06-15". A day past a month's end is clamped to it (31 → 30 Jun).
 *    once by DATE: period = the date "2025-12-31".
 *  - `from all` means every agency that leads something in a `responsible` line (plan
 *    order), except the report's recipient. Without a submissions log the rule is listed
 *    once per deadline with from = NULL; with a log each sender gets its own line.
 *  - Without a log: a deadline on or before the as-of date is `due` (nothing known), later
 *    ones `upcoming`. With a log: on_time (submitted <= due), late (submitted after the due
 *    date, days_late set), missing (due passed, nothing submitted), upcoming (not yet due
 *    and not submitted; submitted early counts as on_time).
 *  - The log: RFC 4180 CSV, UTF-8 (BOM allowed), LF or CRLF, a header naming the columns
 *    agency, report, period, submitted in any order (other columns ignored). agency: an
 *    agency id (or its full name); report: the report's id R1, R2… or its label; period:
 *    the period as above, the due date, or YYYY-MM of the due date (a `once` report also
 *    takes its year); submitted: YYYY-MM-DD, empty meaning not submitted. Unknown agencies,
 *    reports, bad dates and periods with no deadline inside the window are errors with
 *    file:line:; periods outside the window are ignored; a sender the rule does not list
 *    is a warning. Of several submissions for one deadline the earliest counts; a
 *    submission dated after the as-of date is not counted (as of then it had not come).
 */
#include "calendar.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates ---- */

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int cal_month_days(int year, int month)
{
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && is_leap(year) ? 29 : md[month - 1];
}

long cal_days(int year, int month, int day)
{
    /* days from civil (H. Hinnant's algorithm) */
    long y = year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int cal_date_cmp(date a, date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return a.day < b.day ? -1 : a.day > b.day;
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int cal_parse_date(const char *s, size_t n, date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > cal_month_days(y, m))
        return -1;
    memset(out, 0, sizeof *out);
    out->year = y;
    out->month = m;
    out->day = d;
    return 0;
}

static date mkdate(int y, int m, int d)
{
    date x;
    memset(&x, 0, sizeof x);
    x.year = y;
    x.month = m;
    int md = cal_month_days(y, m);
    x.day = d > md ? md : d;
    return x;
}

static void iso(date d, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* ---- deadlines of one rule ---- */

static void put(cal_due *out, size_t cap, size_t *n, date d, const char *period)
{
    if (*n < cap) {
        size_t l = strlen(period);
        if (l >= sizeof out[*n].period)
            l = sizeof out[*n].period - 1;   /* never: periods are at most 10 bytes */
        out[*n].due = d;
        memcpy(out[*n].period, period, l);
        out[*n].period[l] = '\0';
    }
    (*n)++;
}

static int cmp_dm(const void *a, const void *b)
{
    const date *x = a, *y = b;
    return x->month != y->month ? x->month - y->month : x->day - y->day;
}

size_t cal_deadlines(const report *rp, int first_year, int last_year, cal_due *out, size_t cap)
{
    size_t n = 0;
    char period[32];
    if (rp->kind == RP_ONCE) {
        for (int i = 0; i < rp->ndeadlines; i++) {
            const date *d = &rp->deadlines[i];
            if (!d->year || !d->month)
                continue;
            date x = mkdate(d->year, d->month, d->day);
            iso(x, period, sizeof period);
            put(out, cap, &n, x, period);
        }
        return n;
    }
    if (rp->ndeadlines < 1)
        return 0;
    if (rp->kind == RP_YEARLY) {
        const date *d = &rp->deadlines[0];
        for (int y = first_year; y <= last_year && d->month; y++) {
            snprintf(period, sizeof period, "%d", y);
            put(out, cap, &n, mkdate(y, d->month, d->day), period);
        }
        return n;
    }
    /* every N months: the day-months of one year, in calendar order */
    int months = rp->months > 0 ? rp->months : 12;
    date dm[12];
    int ndm = 0;
    if (rp->ndeadlines == 1) {
        const date *d = &rp->deadlines[0];
        if (12 % months != 0 || !d->month) {
            /* repeats every N months from the first year, not aligned with years */
            if (!d->month)
                return 0;
            long k = (long)first_year * 12 + (d->month - 1);
            for (;; k += months) {
                int y = (int)(k / 12), m = (int)(k % 12) + 1;
                if (y > last_year)
                    break;
                date x = mkdate(y, m, d->day);
                iso(x, period, sizeof period);
                put(out, cap, &n, x, period);
            }
            return n;
        }
        for (int k = 0; k < 12 / months; k++) {
            dm[ndm] = *d;
            dm[ndm].month = (d->month - 1 + k * months) % 12 + 1;
            ndm++;
        }
    } else {
        for (int i = 0; i < rp->ndeadlines && ndm < 12; i++)
            if (rp->deadlines[i].month)
                dm[ndm++] = rp->deadlines[i];
    }
    qsort(dm, (size_t)ndm, sizeof dm[0], cmp_dm);
    for (int y = first_year; y <= last_year; y++) {
        for (int k = 0; k < ndm; k++) {
            date x = mkdate(y, dm[k].month, dm[k].day);
            if (months == 6 && ndm == 2)
                snprintf(period, sizeof period, "%dS%d", y, k + 1);
            else if (months == 3 && ndm == 4)
                snprintf(period, sizeof period, "%dQ%d", y, k + 1);
            else if (months == 1 && ndm == 12)
                snprintf(period, sizeof period, "%d-%02d", y, k + 1);
            else
                iso(x, period, sizeof period);
            put(out, cap, &n, x, period);
        }
    }
    return n;
}

/* ---- the submissions log ---- */

typedef struct csv_rd {
    const char *p, *end;
    int line;            /* line of the next character */
} csv_rd;

typedef struct field {
    char *s;             /* NUL-terminated copy (quotes removed) */
    size_t n;
} field;

static void free_fields(field *f, int n)
{
    for (int i = 0; i < n; i++)
        pc_free(f[i].s);
}

/* Read one record into f[0..max); returns the number of fields, 0 at the end, -1 on an
 * unterminated quote or OOM (*err says which). Strings are pc_malloc'd. */
static int read_record(csv_rd *r, field *f, int max, const char **err)
{
    if (r->p >= r->end)
        return 0;
    int nf = 0;
    for (;;) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int quoted = 0;
        if (r->p < r->end && *r->p == '"') {
            quoted = 1;
            r->p++;
        }
        for (;;) {
            if (r->p >= r->end) {
                if (quoted) {
                    pc_free(buf);
                    free_fields(f, nf < max ? nf : max);
                    *err = "unterminated quoted field";
                    return -1;
                }
                break;
            }
            char c = *r->p;
            if (quoted) {
                if (c == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        r->p++;
                    } else {
                        r->p++;
                        quoted = 0;
                        continue;
                    }
                } else if (c == '\n') {
                    r->line++;
                }
            } else if (c == ',' || c == '\n' || (c == '\r' && (r->p + 1 >= r->end || r->p[1] == '\n'))) {
                break;
            }
            if (len + 2 > cap) {
                size_t ncap = cap ? cap * 2 : 32;
                char *nb = pc_realloc(buf, ncap);
                if (!nb) {
                    pc_free(buf);
                    free_fields(f, nf < max ? nf : max);
                    *err = "out of memory";
                    return -1;
                }
                buf = nb;
                cap = ncap;
            }
            buf[len++] = c;
            r->p++;
        }
        if (!buf) {
            buf = pc_malloc(1);
            if (!buf) {
                free_fields(f, nf < max ? nf : max);
                *err = "out of memory";
                return -1;
            }
        }
        buf[len] = '\0';
        if (nf < max) {
            f[nf].s = buf;
            f[nf].n = len;
        } else {
            pc_free(buf);
        }
        nf++;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        return nf;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int read_file(const char *path, char **text, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = pc_realloc(buf, ncap);
            if (!nb) {
                pc_free(buf);
                if (f != stdin)
                    fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        pc_free(buf);
        return -1;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* ---- the calendar ---- */

typedef struct rule_span {   /* results of one report rule: [first, first + n) */
    size_t first, n;
    cal_due *dues;
    size_t ndues;
    int first_year, last_year;
} rule_span;

/* Agencies that lead something in a responsible line, in plan order. */
static int leads_anything(const pc_plan *p, const agency *ag)
{
    for (int i = 0; i < p->nresps; i++) {
        if (p->resps[i]->lead.name && strcmp(p->resps[i]->lead.name, ag->id.name) == 0)
            return 1;
        for (int k = 0; k < p->resps[i]->nco; k++)
            if (strcmp(p->resps[i]->co[k].name, ag->id.name) == 0)
                return 1;
    }
    return 0;
}

static int senders(const pc_plan *p, const report *rp, int have_log, const agency **out, int cap)
{
    int n = 0;
    if (rp->from_all) {
        if (!have_log) {
            if (cap > 0)
                out[0] = NULL;
            return 1;
        }
        for (int i = 0; i < p->nagencies; i++) {
            const agency *ag = p->agencies[i];
            if (rp->to.name && strcmp(ag->id.name, rp->to.name) == 0)
                continue;
            if (leads_anything(p, ag)) {
                if (n < cap)
                    out[n] = ag;
                n++;
            }
        }
        return n;
    }
    for (int i = 0; i < rp->nfrom; i++) {
        const agency *ag = resolve_agency(p, rp->from[i].name);
        if (!ag)
            continue;
        if (n < cap)
            out[n] = ag;
        n++;
    }
    return n;
}

static const agency *find_agency(const pc_plan *p, const char *s)
{
    const agency *ag = resolve_agency(p, s);
    for (int i = 0; !ag && i < p->nagencies; i++)
        if (p->agencies[i]->name && strcmp(p->agencies[i]->name, s) == 0)
            ag = p->agencies[i];
    return ag;
}

static int find_report(const pc_plan *p, const char *s)
{
    for (int i = 0; i < p->nreports; i++)
        if (p->reports[i]->gen_id && strcmp(p->reports[i]->gen_id, s) == 0)
            return i;
    for (int i = 0; i < p->nreports; i++)
        if (p->reports[i]->label && strcmp(p->reports[i]->label, s) == 0)
            return i;
    return -1;
}

static int period_matches(const report *rp, const report_result *rr, const char *s)
{
    char buf[32];
    if (strcmp(rr->period, s) == 0)
        return 1;
    iso(rr->due, buf, sizeof buf);
    if (strcmp(buf, s) == 0)
        return 1;
    snprintf(buf, sizeof buf, "%04d-%02d", rr->due.year, rr->due.month);
    if (strcmp(buf, s) == 0)
        return 1;
    snprintf(buf, sizeof buf, "%d", rr->due.year);
    return rp->kind == RP_ONCE && strcmp(buf, s) == 0;
}

static void apply_state(report_result *rr, date as_of, int have_log)
{
    int passed = cal_date_cmp(rr->due, as_of) <= 0;
    rr->days_late = 0;
    if (!have_log) {
        rr->state = passed ? RS_DUE : RS_UPCOMING;
        return;
    }
    if (rr->submitted.year && cal_date_cmp(rr->submitted, as_of) > 0)
        memset(&rr->submitted, 0, sizeof rr->submitted);   /* not yet, as of that date */
    if (rr->submitted.year) {
        if (cal_date_cmp(rr->submitted, rr->due) <= 0) {
            rr->state = RS_ON_TIME;
        } else {
            rr->state = RS_LATE;
            rr->days_late = (int)(cal_days(rr->submitted.year, rr->submitted.month, rr->submitted.day) -
                                  cal_days(rr->due.year, rr->due.month, rr->due.day));
        }
    } else {
        rr->state = passed ? RS_MISSING : RS_UPCOMING;
    }
}

#define LOG_ERR(...) do { diag_line(diags, DIAG_ERROR, name, line, 0, NULL, 0, __VA_ARGS__); nerr++; } while (0)

/* Was the plan issued after date d (so that nothing under it can have been submitted on d)? */
static int issued_after(const pc_plan *plan, date d)
{
    const plan_meta *m = plan->meta;
    if (!m || !m->issued.year)
        return 0;
    return cal_date_cmp(d, mkdate(m->issued.year, m->issued.month ? m->issued.month : 1, m->issued.day ? m->issued.day : 1)) < 0;
}

static int read_log(const pc_plan *plan, const char *name, const char *text, size_t len,
                    report_result *res, rule_span *spans, diag_sink *diags)
{
    csv_rd r = {text, text + len, 1};
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
        r.p += 3;
    field f[32];
    const char *err = NULL;
    int nerr = 0;
    int line = r.line;
    int nf = read_record(&r, f, 32, &err);
    if (nf < 0) {
        LOG_ERR("%s", err);
        return -1;
    }
    if (nf == 0) {
        LOG_ERR("the submissions log is empty: it needs the header agency,report,period,submitted");
        return -1;
    }
    int nhead = nf, col[4] = {-1, -1, -1, -1};
    static const char *const want[4] = {"agency", "report", "period", "submitted"};
    for (int i = 0; i < nf && i < 32; i++)
        for (int k = 0; k < 4; k++)
            if (strcmp(trim(f[i].s), want[k]) == 0)
                col[k] = i;
    free_fields(f, nf < 32 ? nf : 32);
    for (int k = 0; k < 4; k++)
        if (col[k] < 0) {
            LOG_ERR("the header has no column '%s' (a submissions log has agency,report,period,submitted)", want[k]);
            return -1;
        }
    for (;;) {
        line = r.line;
        nf = read_record(&r, f, 32, &err);
        if (nf == 0)
            break;
        if (nf < 0) {
            LOG_ERR("%s", err);
            break;
        }
        int have = nf < 32 ? nf : 32;
        if (have == 1 && f[0].n == 0) {   /* blank line */
            free_fields(f, have);
            continue;
        }
        int need = col[0] > col[1] ? col[0] : col[1];
        need = need > col[2] ? need : col[2];
        need = need > col[3] ? need : col[3];
        if (have <= need || nf > nhead) {
            if (nf > nhead)   /* columns shifted: a comma inside an unquoted field */
                LOG_ERR("%d fields, but the header has %d: a comma inside a field needs quotes (\"...\")", nf, nhead);
            else
                LOG_ERR("expected at least %d fields, found %d", need + 1, nf);
            free_fields(f, have);
            if (nerr >= 100)
                break;
            continue;
        }
        const char *ag_s = trim(f[col[0]].s), *rp_s = trim(f[col[1]].s);
        const char *pe_s = trim(f[col[2]].s), *sub_s = trim(f[col[3]].s);
        const agency *ag = find_agency(plan, ag_s);
        int ri = find_report(plan, rp_s);
        date sub;
        memset(&sub, 0, sizeof sub);
        if (!ag) {
            const char *cands[256];
            size_t nc = 0;
            for (int i = 0; i < plan->nagencies && nc < 256; i++)
                cands[nc++] = plan->agencies[i]->id.name;
            const char *s = diag_suggest(ag_s, cands, nc);
            if (s)
                LOG_ERR("unknown agency '%s'; did you mean '%s'?", ag_s, s);
            else
                LOG_ERR("unknown agency '%s'", ag_s);
        } else if (ri < 0) {
            if (plan->nreports == 0)
                LOG_ERR("unknown report '%s': the plan has no report rules", rp_s);
            else
                LOG_ERR("unknown report '%s': give a report id (R1…R%d) or its label", rp_s, plan->nreports);
        } else if (sub_s[0] && cal_parse_date(sub_s, strlen(sub_s), &sub) < 0) {
            LOG_ERR("bad submission date '%s': write YYYY-MM-DD", sub_s);
        } else if (sub_s[0]) {
            const rule_span *sp = &spans[ri];
            const report *rp = plan->reports[ri];
            int matched = 0, sender = 0, found_due = 0;
            for (size_t k = 0; k < sp->n; k++) {
                report_result *rr = &res[sp->first + k];
                if (!period_matches(rp, rr, pe_s))
                    continue;
                found_due = 1;
                if (rr->from != ag)
                    continue;
                sender = 1;
                if (issued_after(plan, sub) || cal_date_cmp(sub, mkdate(rr->due.year - 1, rr->due.month, rr->due.day)) < 0) {
                    char d[16];
                    iso(rr->due, d, sizeof d);
                    LOG_ERR("submitted %s, %s (%s, period %s, due %s): a typo in the date?", sub_s,
                            issued_after(plan, sub) ? "before the plan was issued" : "more than a year before its deadline",
                            rp->gen_id, rr->period, d);
                    matched = 1;   /* reported: not counted, and no second message */
                    continue;
                }
                if (!rr->submitted.year || cal_date_cmp(sub, rr->submitted) < 0)
                    rr->submitted = sub;
                matched = 1;
            }
            if (!matched) {
                int y = (int)strlen(pe_s) >= 4 ? digits(pe_s, 4) : -1;
                if (found_due && !sender) {
                    diag_line(diags, DIAG_WARNING, name, line, 0, NULL, 0,
                              "%s is not a sender of %s; the submission is ignored", ag->id.name, rp->gen_id);
                } else if (!found_due && y > 0 && (y < sp->first_year || y > sp->last_year) && rp->kind != RP_ONCE) {
                    /* outside the calendar's window: nothing to match, not an error */
                } else if (!found_due) {
                    if (sp->ndues)
                        LOG_ERR("%s has no deadline for period '%s' (its periods look like '%s')", rp->gen_id, pe_s,
                                sp->dues[0].period);
                    else
                        LOG_ERR("%s has no deadline for period '%s'", rp->gen_id, pe_s);
                }
            }
        }
        free_fields(f, have);
        if (nerr >= 100) {
            diag_line(diags, DIAG_NOTE, name, 0, 0, NULL, 0, "too many errors, stopping");
            break;
        }
    }
    return nerr ? -1 : 0;
}

int cal_run(const pc_plan *plan, date as_of, const char *submissions, const char *text, size_t len,
            arena *a, report_result **out, size_t *nout, diag_sink *diags)
{
    *out = NULL;
    *nout = 0;
    if (plan->nreports == 0 && !submissions && !text)
        return 0;
    int have_log = submissions != NULL || text != NULL;
    int first_year = plan->meta && plan->meta->issued.year ? plan->meta->issued.year : as_of.year;
    date issued;
    memset(&issued, 0, sizeof issued);
    if (plan->meta && plan->meta->issued.year)
        issued = mkdate(plan->meta->issued.year, plan->meta->issued.month ? plan->meta->issued.month : 1,
                        plan->meta->issued.day ? plan->meta->issued.day : 1);
    rule_span *spans = arena_alloc(a, sizeof *spans * (size_t)(plan->nreports ? plan->nreports : 1));
    const agency **from = pc_malloc(sizeof *from * (size_t)(plan->nagencies + 1));
    if (!spans || !from) {
        pc_free(from);
        diag_at(diags, DIAG_ERROR, NULL, "out of memory");
        return -1;
    }
    /* count, then fill */
    size_t total = 0;
    for (int i = 0; i < plan->nreports; i++) {
        const report *rp = plan->reports[i];
        rule_span *sp = &spans[i];
        sp->first_year = first_year;
        sp->last_year = as_of.year;
        size_t nd = cal_deadlines(rp, first_year, as_of.year, NULL, 0);
        sp->dues = arena_alloc(a, sizeof(cal_due) * (nd ? nd : 1));
        if (!sp->dues)
            goto oom;
        nd = cal_deadlines(rp, first_year, as_of.year, sp->dues, nd);
        /* drop deadlines before the plan was issued (a once report is kept) */
        size_t keep = 0;
        for (size_t k = 0; k < nd; k++)
            if (rp->kind == RP_ONCE || !issued.year || cal_date_cmp(sp->dues[k].due, issued) >= 0)
                sp->dues[keep++] = sp->dues[k];
        sp->ndues = keep;
        int ns = senders(plan, rp, have_log, from, plan->nagencies + 1);
        sp->first = total;
        sp->n = keep * (size_t)ns;
        total += sp->n;
    }
    report_result *res = arena_alloc(a, sizeof *res * (total ? total : 1));
    if (!res)
        goto oom;
    for (int i = 0; i < plan->nreports; i++) {
        const report *rp = plan->reports[i];
        const rule_span *sp = &spans[i];
        int ns = senders(plan, rp, have_log, from, plan->nagencies + 1);
        size_t k = sp->first;
        for (size_t d = 0; d < sp->ndues; d++)
            for (int s = 0; s < ns; s++) {
                report_result *rr = &res[k++];
                rr->rp = rp;
                rr->from = from[s];
                rr->due = sp->dues[d].due;
                snprintf(rr->period, sizeof rr->period, "%s", sp->dues[d].period);
            }
    }
    int rc = 0;
    if (have_log) {
        const char *name = submissions ? submissions : "<submissions>";
        char *buf = NULL;
        if (!text) {
            if (read_file(submissions, &buf, &len) < 0) {
                diag_at(diags, DIAG_ERROR, NULL, "cannot read the submissions log '%s': %s", submissions, strerror(errno));
                pc_free(from);
                return -1;
            }
            text = buf;
        }
        rc = read_log(plan, name, text, len, res, spans, diags);
        pc_free(buf);
    }
    for (size_t k = 0; k < total; k++)
        apply_state(&res[k], as_of, have_log);
    pc_free(from);
    *out = res;
    *nout = total;
    return rc;
oom:
    pc_free(from);
    diag_at(diags, DIAG_ERROR, NULL, "out of memory");
    return -1;
}
