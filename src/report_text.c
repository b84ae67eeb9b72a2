/* report_text.c — the result for a person at a terminal: header, milestone table (by target
 * or by agency), status summary, agency scorecard, reports, fired alerts. Columns align by
 * display width; colour only when asked. Not a format for scripts: use JSON or CSV there. */
#include "report_int.h"
#include <string.h>

#define WIDTH 100   /* tables fit in this many columns */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

static const char *status_color(pc_status s)
{
    switch (s) {
    case ST_MET: case ST_ACHIEVED: case ST_ON_TRACK: case ST_MAINTAINED: return C_GREEN;
    case ST_AT_RISK: return C_YELLOW;
    case ST_OFF_TRACK: case ST_MISSED: case ST_WORSENING: case ST_BROKEN: return C_RED;
    default: return C_DIM;
    }
}

/* Data text with control characters escaped (\x1b): a data file must not be able to move
 * the cursor or recolour the terminal. */
static void put_clean(rbuf *b, const char *s) { rep_term_str(b, s); }

/* ---- an aligned table: measure every row, then print ---- */

#define TT_MAX 16
typedef struct ttable {
    int ncols;
    const char *heads[TT_MAX];
    size_t maxw[TT_MAX];   /* 0: no limit */
    size_t w[TT_MAX];
    int right[TT_MAX];     /* right-aligned (numbers) */
    int keep[TT_MAX];      /* never narrowed by tt_fit (statuses, numbers) */
    int names[TT_MAX];     /* narrowed first (names of regions, indicators, agencies) */
    const char *indent;
} ttable;

static void tt_init(ttable *t, const char *indent)
{
    memset(t, 0, sizeof *t);
    t->indent = indent;
}

static void tt_col(ttable *t, const char *head, size_t maxw, int right)
{
    if (t->ncols >= TT_MAX)
        return;
    t->heads[t->ncols] = head;
    t->maxw[t->ncols] = maxw;
    t->w[t->ncols] = rep_width(head);
    t->right[t->ncols] = right;
    t->keep[t->ncols] = right;
    t->ncols++;
}

static void tt_measure(ttable *t, const char *const *cells)
{
    for (int c = 0; c < t->ncols; c++) {
        size_t w = rep_width(cells[c]);
        if (t->maxw[c] && w > t->maxw[c])
            w = t->maxw[c];
        if (w > t->w[c])
            t->w[c] = w;
    }
}

/* Narrow the widest columns until a row fits in limit display columns (cells are then cut
 * with "…"): names first, down to 10; then any column but statuses and numbers, down to 6. */
static void tt_fit(ttable *t, size_t limit)
{
    for (int tier = 0; tier < 2; tier++) {
        size_t floor_w = tier == 0 ? 10 : 6;
        for (;;) {
            size_t total = strlen(t->indent);
            for (int c = 0; c < t->ncols; c++)
                total += t->w[c] + (c ? 2 : 0);
            if (total <= limit)
                return;
            int widest = -1;
            for (int c = 0; c < t->ncols; c++)
                if (!t->keep[c] && (tier || t->names[c]) && t->w[c] > floor_w &&
                    (widest < 0 || t->w[c] > t->w[widest]))
                    widest = c;
            if (widest < 0)
                break;
            t->w[widest]--;
            t->maxw[widest] = t->w[widest];
        }
    }
}

static void spaces(rbuf *b, size_t n)
{
    static const char sp[] = "                                ";
    while (n) {
        size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;
        rb_put(b, sp, k);
        n -= k;
    }
}

/* One row; colors[c] (may be NULL) wraps cell c. No trailing blanks. */
static void tt_row(rbuf *b, const ttable *t, const char *const *cells, const char *const *colors)
{
    char fit[512];
    size_t pending = 0;
    rb_puts(b, t->indent);
    for (int c = 0; c < t->ncols; c++) {
        const char *s = rep_fit(cells[c], t->maxw[c], fit, sizeof fit);
        size_t w = rep_width(s);
        if (*s) {
            if (t->right[c])
                pending += t->w[c] - w;
            spaces(b, pending);
            pending = 0;
            const char *col = colors ? colors[c] : NULL;
            if (col)
                rb_puts(b, col);
            put_clean(b, s);
            if (col)
                rb_puts(b, C_RESET);
            if (!t->right[c])
                pending = t->w[c] - w;
        } else {
            pending += t->w[c];
        }
        pending += 2;
    }
    rb_putc(b, '\n');
}

static void tt_head(rbuf *b, const ttable *t, int color)
{
    const char *colors[TT_MAX];
    for (int c = 0; c < t->ncols; c++)
        colors[c] = color ? C_BOLD : NULL;
    tt_row(b, t, t->heads, colors);
}

/* ---- sections ---- */

static void section(rbuf *b, const char *title, int color)
{
    rb_putc(b, '\n');
    if (color)
        rb_puts(b, C_BOLD);
    rb_puts(b, title);
    if (color)
        rb_puts(b, C_RESET);
    rb_putc(b, '\n');
}

static void header(rbuf *b, const eval_result *r)
{
    char fit[512];
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    const char *id = meta && meta->id ? meta->id : "(unnamed)";
    rb_puts(b, "plan ");
    put_clean(b, id);
    if (meta && meta->title) {
        rb_puts(b, " \xC2\xB7 ");   /* · */
        size_t used = 8 + rep_width(id);
        put_clean(b, rep_fit(meta->title, used < 90 ? 100 - used : 10, fit, sizeof fit));
    }
    rb_putc(b, '\n');

    const char *first;
    size_t nreg = rep_nregions(r, &first);
    if (nreg == 1) {
        rb_puts(b, "region ");
        put_clean(b, rep_fit(first ? first : "", 40, fit, sizeof fit));
    } else if (nreg == 0 && meta && meta->region) {
        rb_puts(b, "region ");
        put_clean(b, rep_fit(meta->region, 40, fit, sizeof fit));
    } else {
        rb_printf(b, "%zu regions", nreg);
    }
    if (r->as_of)
        rb_printf(b, " \xC2\xB7 as of %d", r->as_of);
    rb_printf(b, " \xC2\xB7 method %s\n", ast_method_str(r->method));
}

static int row_cols(int by_agency, int multi_region, int *cols)
{
    int n = 0;
    cols[n++] = RC_MILESTONE;
    if (multi_region)
        cols[n++] = RC_REGION;
    cols[n++] = RC_INDICATOR;
    cols[n++] = RC_GOAL;
    cols[n++] = RC_DEADLINE;
    cols[n++] = RC_LATEST;
    cols[n++] = RC_STATUS;
    cols[n++] = by_agency ? RC_WITH : RC_LEAD;
    return n;
}

static void group_heading(rbuf *b, const ms_result *m, int by_agency, int color)
{
    char fit[512];
    if (color)
        rb_puts(b, C_BOLD);
    if (by_agency) {
        const agency *a = m->owner ? m->owner->lead : NULL;
        if (!a) {
            rb_puts(b, "(no lead agency)");
        } else {
            put_clean(b, a->id.name ? a->id.name : "?");
            if (a->name) {
                rb_puts(b, " \xC2\xB7 ");
                put_clean(b, rep_fit(a->name, 80, fit, sizeof fit));
            }
        }
    } else {
        put_clean(b, rep_target_id(m));
        if (m->target && m->target->label) {
            rb_puts(b, " \xC2\xB7 ");
            put_clean(b, rep_fit(m->target->label, 80, fit, sizeof fit));
        }
    }
    if (color)
        rb_puts(b, C_RESET);
    rb_putc(b, '\n');
}

static int milestones(rbuf *b, const eval_result *r, const report_options *opt)
{
    static const size_t maxw[RC__N] = {12, 16, 18, 16, 24, 18, 18, 10, 16, 24};
    static const char *const heads[RC__N] = {"TARGET", "MILESTONE", "REGION", "INDICATOR", "GOAL",
                                             "DEADLINE", "LATEST", "STATUS", "LEAD", "WITH"};
    int by_agency = opt->by_agency, color = opt->color;
    if (r->nms == 0) {
        rb_puts(b, "\nno numeric targets\n");
        return 0;
    }
    int *groups = NULL;
    size_t *order = rep_order(r, by_agency, by_agency ? &groups : NULL);
    if (!order)
        return -1;
    int cols[RC__N];
    int ncols = row_cols(by_agency, rep_nregions(r, NULL) > 1, cols);
    ttable t;
    tt_init(&t, "  ");
    for (int c = 0; c < ncols; c++) {
        tt_col(&t, heads[cols[c]], maxw[cols[c]], 0);
        t.keep[c] = cols[c] == RC_STATUS;
        t.names[c] = cols[c] == RC_REGION || cols[c] == RC_INDICATOR || cols[c] == RC_LEAD ||
                     cols[c] == RC_WITH;
    }

    rep_row row;
    const char *cells[TT_MAX], *colors[TT_MAX] = {0};
    for (size_t i = 0; i < r->nms; i++) {
        rep_row_fill(&r->ms[order[i]], &row);
        for (int c = 0; c < ncols; c++)
            cells[c] = row.cell[cols[c]];
        tt_measure(&t, cells);
    }
    tt_fit(&t, WIDTH);
    rb_putc(b, '\n');
    tt_head(b, &t, color);
    const target *prev_t = NULL;
    int prev_g = -1;
    for (size_t i = 0; i < r->nms && !b->err; i++) {
        const ms_result *m = &r->ms[order[i]];
        int newgroup = by_agency ? (i == 0 || groups[i] != prev_g) : (i == 0 || m->target != prev_t);
        if (newgroup)
            group_heading(b, m, by_agency, color);
        prev_t = m->target;
        prev_g = by_agency ? groups[i] : 0;
        rep_row_fill(m, &row);
        for (int c = 0; c < ncols; c++) {
            cells[c] = row.cell[cols[c]];
            colors[c] = color && cols[c] == RC_STATUS ? status_color(m->r.status) : NULL;
        }
        tt_row(b, &t, cells, colors);
    }
    pc_free(order);
    pc_free(groups);
    return 0;
}

static void summary(rbuf *b, const eval_result *r, int color)
{
    rb_printf(b, "\n%zu milestone%s", r->nms, r->nms == 1 ? "" : "s");
    int first = 1;
    for (int s = 0; s < ST__COUNT; s++) {
        if (!r->counts[s])
            continue;
        rb_puts(b, first ? ": " : ", ");
        first = 0;
        rb_printf(b, "%d ", r->counts[s]);
        if (color)
            rb_puts(b, status_color((pc_status)s));
        rb_puts(b, assess_status_label((pc_status)s));
        if (color)
            rb_puts(b, C_RESET);
    }
    rb_putc(b, '\n');
}

/* AGENCY, a column per status that occurs, TOTAL, then the agency's name in what is left
 * of the 100 columns (left out when fewer than 12 remain). */
static void scorecard(rbuf *b, const eval_result *r, int color)
{
    if (r->ncards == 0)
        return;
    int sts[ST__COUNT], nst = 0;
    for (int s = 0; s < ST__COUNT; s++) {
        int any = 0;
        for (int i = 0; i < r->ncards; i++)
            any |= r->cards[i].counts[s] != 0;
        if (any)
            sts[nst++] = s;
    }
    if (nst > TT_MAX - 3)
        nst = TT_MAX - 3;
    section(b, "Agencies", color);
    ttable t;
    tt_init(&t, "  ");
    tt_col(&t, "AGENCY", 16, 0);
    t.keep[0] = 1;
    for (int k = 0; k < nst; k++)
        tt_col(&t, assess_status_label((pc_status)sts[k]), 0, 1);
    tt_col(&t, "TOTAL", 0, 1);
    char nums[TT_MAX][16];
    const char *cells[TT_MAX], *colors[TT_MAX] = {0};
    int name_col = nst + 2, has_name = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            size_t used = strlen(t.indent);
            for (int c = 0; c < t.ncols; c++)
                used += t.w[c] + (c ? 2 : 0);
            if (used + 2 + 12 <= WIDTH) {
                has_name = 1;
                tt_col(&t, "NAME", WIDTH - used - 2 < 40 ? WIDTH - used - 2 : 40, 0);
                for (int i = 0; i < r->ncards; i++) {
                    const agency *a = r->cards[i].agency;
                    cells[name_col] = a && a->name ? a->name : "";
                    size_t w = rep_width(cells[name_col]);
                    if (w > t.w[name_col])
                        t.w[name_col] = w < t.maxw[name_col] ? w : t.maxw[name_col];
                }
            }
            tt_head(b, &t, color);
        }
        for (int i = 0; i < r->ncards; i++) {
            const agency_card *c = &r->cards[i];
            cells[0] = c->agency && c->agency->id.name ? c->agency->id.name : "?";
            for (int k = 0; k < nst; k++) {
                int n = c->counts[sts[k]];
                if (n)
                    snprintf(nums[k], sizeof nums[k], "%d", n);
                else
                    snprintf(nums[k], sizeof nums[k], "%s", "-");
                cells[1 + k] = nums[k];
                colors[1 + k] = color && n ? status_color((pc_status)sts[k]) : NULL;
            }
            snprintf(nums[nst], sizeof nums[nst], "%d", c->total);
            cells[1 + nst] = nums[nst];
            if (has_name)
                cells[name_col] = c->agency && c->agency->name ? c->agency->name : "";
            if (pass)
                tt_row(b, &t, cells, colors);
            else
                tt_measure(&t, cells);
        }
    }
}

static void reports(rbuf *b, const eval_result *r, int color)
{
    if (r->nreports == 0)
        return;
    section(b, "Reports", color);
    ttable t;
    tt_init(&t, "  ");
    tt_col(&t, "REPORT", 8, 0);
    tt_col(&t, "FROM", 12, 0);
    tt_col(&t, "TO", 12, 0);
    tt_col(&t, "PERIOD", 12, 0);
    tt_col(&t, "DUE", 10, 0);
    tt_col(&t, "STATE", 16, 0);
    t.keep[t.ncols - 1] = 1;
    tt_col(&t, "SUBMITTED", 10, 0);
    tt_col(&t, "LABEL", 24, 0);
    t.names[7] = 1;
    char due[24], sub[24], state[40];
    const char *cells[TT_MAX], *colors[TT_MAX] = {0};
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            tt_fit(&t, WIDTH);
            tt_head(b, &t, color);
        }
        for (size_t i = 0; i < r->nreports && !b->err; i++) {
            const report_result *rr = &r->reports[i];
            unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
            int bad = st == RS_LATE || st == RS_MISSING;
            cells[0] = rr->rp && rr->rp->gen_id ? rr->rp->gen_id : "";
            cells[1] = rr->from && rr->from->id.name ? rr->from->id.name : "all";
            cells[2] = rr->rp && rr->rp->to.name ? rr->rp->to.name : "";
            cells[3] = rr->period;
            cells[4] = rep_date(rr->due, due, sizeof due);
            cells[5] = rep_report_state_label(rr, !color, state, sizeof state);
            cells[6] = rep_date(rr->submitted, sub, sizeof sub);
            cells[7] = rr->rp && rr->rp->label ? rr->rp->label : "";
            colors[5] = color && bad ? C_RED : color && st == RS_ON_TIME ? C_GREEN : NULL;
            if (pass)
                tt_row(b, &t, cells, colors);
            else
                tt_measure(&t, cells);
        }
    }
}

/* The plan's tasks: lead, coordinators, due date (passed or not, as of the as-of date),
 * title — for plans without numeric targets, whose substance they are. (With targets the
 * table would bury them; the REPL's :who AGENCY lists an agency's tasks.) */
static void tasks(rbuf *b, const eval_result *r, int color)
{
    const pc_plan *p = r->plan;
    if (!p || p->ntasks == 0 || p->nmilestones > 0)
        return;
    section(b, "Tasks", color);
    ttable t;
    tt_init(&t, "  ");
    tt_col(&t, "LEAD", 12, 0);
    tt_col(&t, "WITH", 24, 0);
    tt_col(&t, "DUE", 18, 0);
    tt_col(&t, "TASK", 60, 0);
    t.names[1] = 1;
    t.names[3] = 1;
    char due[40], with[256];
    const char *cells[TT_MAX], *colors[TT_MAX] = {0};
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            tt_fit(&t, WIDTH);
            tt_head(b, &t, color);
        }
        for (int i = 0; i < p->ntasks && !b->err; i++) {
            const task *tk = p->tasks[i];
            size_t o = 0;
            with[0] = '\0';
            for (int k = 0; k < tk->nwith && o < sizeof with; k++)
                o += (size_t)snprintf(with + o, sizeof with - o, "%s%s", k ? ", " : "", tk->with[k].name);
            int passed = 0;
            if (tk->due.year) {
                date a = r->as_of_date;
                passed = a.year && (tk->due.year < a.year ||
                                    (tk->due.year == a.year && (tk->due.month < a.month ||
                                                                (tk->due.month == a.month && tk->due.day < a.day))));
                snprintf(due, sizeof due, "%04d-%02d-%02d%s", tk->due.year, tk->due.month, tk->due.day,
                         passed ? " passed" : "");
            } else {
                due[0] = '\0';
            }
            cells[0] = tk->lead.name ? tk->lead.name : "";
            cells[1] = with;
            cells[2] = due;
            cells[3] = tk->title ? tk->title : "";
            colors[2] = color && passed ? C_YELLOW : NULL;
            if (pass)
                tt_row(b, &t, cells, colors);
            else
                tt_measure(&t, cells);
        }
    }
}

static void alerts(rbuf *b, const eval_result *r, int color)
{
    size_t nfired = 0;
    for (size_t i = 0; i < r->nalerts; i++)
        nfired += r->alerts[i].fired > 0;
    if (!nfired)
        return;
    section(b, "Alerts", color);
    for (size_t i = 0; i < r->nalerts; i++) {
        const alert_result *a = &r->alerts[i];
        if (a->fired <= 0)
            continue;
        rb_puts(b, "  ");
        if (color)
            rb_puts(b, C_RED);
        rb_putc(b, '!');
        if (color)
            rb_puts(b, C_RESET);
        rb_putc(b, ' ');
        put_clean(b, a->alert && a->alert->message ? a->alert->message : "(alert)");
        if (a->region) {
            rb_puts(b, " (");
            put_clean(b, a->region);
            rb_putc(b, ')');
        }
        if (a->alert && a->alert->to.name) {
            rb_puts(b, " -> ");
            put_clean(b, a->alert->to.name);
        }
        rb_putc(b, '\n');
    }
}

int report_text(FILE *f, const eval_result *r, const report_options *opt)
{
    static const report_options defaults;
    if (!opt)
        opt = &defaults;
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 16) < 0)
        return -1;
    header(&b, r);
    if (milestones(&b, r, opt) < 0) {
        rb_done(&b);
        return -1;
    }
    if (r->nms)
        summary(&b, r, opt->color);
    scorecard(&b, r, opt->color);
    reports(&b, r, opt->color);
    tasks(&b, r, opt->color);
    alerts(&b, r, opt->color);
    return rb_done(&b);
}
