/* report_json.c — the `--format json` contract of DESIGN.md §5: plan, as_of, milestones,
 * agencies, reports, alerts, in that order, each array element on one line. Fields may be
 * added after the contract's ones; a contract field must never change name, type or place. */
#include "report_int.h"
#include <math.h>
#include <string.h>

static void key(rbuf *b, const char *k)
{
    rep_json_str(b, k);
    rb_put(b, ": ", 2);
}

/* , "k": */
static void next_key(rbuf *b, const char *k)
{
    rb_put(b, ", ", 2);
    key(b, k);
}

static void year_value(rbuf *b, int year, double v)
{
    if (!year || !isfinite(v)) {
        rb_put(b, "null", 4);
        return;
    }
    rb_puts(b, "{\"year\": ");
    rep_json_int(b, year);
    rb_puts(b, ", \"value\": ");
    rep_json_num(b, v);
    rb_putc(b, '}');
}

/* The baseline: {"year", "value"}, and "source": "plan" when the target stated it. */
static void baseline_value(rbuf *b, const assess_result *a)
{
    if (!a->base_from_plan) {
        year_value(b, a->base_year, a->base_value);
        return;
    }
    rb_puts(b, "{\"year\": ");
    rep_json_int(b, a->base_year);
    rb_puts(b, ", \"value\": ");
    rep_json_num(b, a->base_value);
    rb_puts(b, ", \"source\": \"plan\"}");
}

static void opt_int(rbuf *b, int v)
{
    if (v)
        rep_json_int(b, v);
    else
        rb_put(b, "null", 4);
}

static void milestone_obj(rbuf *b, const eval_result *r, const ms_result *m)
{
    char ub[48];
    rep_kind k = rep_ms_kind(m);
    const target *t = m->target;
    const assess_result *a = &m->r;

    rb_putc(b, '{');
    key(b, "id");
    rep_json_str(b, m->ms && m->ms->id ? m->ms->id : rep_target_id(m));
    next_key(b, "target");
    rep_json_str(b, rep_target_id(m));
    next_key(b, "indicator");
    rep_json_str(b, m->ind ? m->ind->id.name : NULL);
    next_key(b, "region");
    rep_json_str(b, m->region);
    if (t && t->series.nsels > 0) {
        next_key(b, "series");
        rb_putc(b, '{');
        for (int i = 0; i < t->series.nsels; i++) {
            if (i)
                rb_put(b, ", ", 2);
            key(b, t->series.sels[i].dim.name ? t->series.sels[i].dim.name : "");
            rep_json_str(b, t->series.sels[i].value ? t->series.sels[i].value : "");
        }
        rb_putc(b, '}');
    }
    next_key(b, "comparison");
    rep_json_str(b, k == RK_RATE ? NULL : ast_cmp_str(m->ms->cmp));
    next_key(b, "threshold");
    rep_json_num(b, k == RK_RATE ? t->rate_lo.value : m->ms->q.value);
    next_key(b, "unit");
    const char *us = rep_unit_str(rep_ms_unit(m), ub, sizeof ub);
    rep_json_str(b, *us ? us : NULL);
    next_key(b, "deadline");
    opt_int(b, k == RK_BY ? m->ms->year : 0);
    next_key(b, "status");
    rep_json_str(b, assess_status_str(a->status));
    next_key(b, "baseline");
    baseline_value(b, a);
    next_key(b, "latest");
    year_value(b, a->latest_year, a->latest_value);
    next_key(b, "method");
    rep_json_str(b, ast_method_str(a->method));
    next_key(b, "actual_rate");
    rep_json_num(b, a->actual_rate);
    next_key(b, "required_rate");
    rep_json_num(b, a->required_rate);
    next_key(b, "ratio");
    rep_json_num(b, a->ratio);
    next_key(b, "projected");
    rep_json_num(b, a->projected);
    next_key(b, "lead");
    rep_json_str(b, rep_lead(m));
    next_key(b, "coordinators");
    rb_putc(b, '[');
    for (int i = 0; m->owner && i < m->owner->nwith; i++) {
        if (i)
            rb_put(b, ", ", 2);
        rep_json_str(b, m->owner->with[i] ? m->owner->with[i]->id.name : NULL);
    }
    rb_putc(b, ']');

    /* ---- v2 (DESIGN §5): the evidence behind the status ---- */
    next_key(b, "value_year");
    opt_int(b, a->value_year);
    next_key(b, "baseline_moved");
    if (a->declared_base) {
        rb_puts(b, "{\"declared\": ");
        rep_json_int(b, a->declared_base);
        rb_puts(b, ", \"used\": ");
        rep_json_int(b, a->base_year);
        rb_putc(b, '}');
    } else {
        rb_put(b, "null", 4);
    }
    next_key(b, "expected_now");
    rep_json_num(b, a->expected_now);
    next_key(b, "required_rate_from_now");
    rep_json_num(b, a->required_rate_from_now);
    next_key(b, "evidence");
    if (a->ev_points) {
        rb_puts(b, "{\"points\": ");
        rep_json_int(b, a->ev_points);
        rb_puts(b, ", \"span\": ");
        rep_json_int(b, a->ev_span);
        rb_puts(b, ", \"age\": ");
        rep_json_int(b, a->ev_age);
        rb_putc(b, '}');
    } else {
        rb_put(b, "null", 4);
    }
    next_key(b, "reason");
    rep_json_str(b, assess_reason_str(a->reason));

    /* ---- extensions (not in the contract) ---- */
    if (m->owner && m->owner->nco) {   /* joint leads after "lead" (responsible A, B for …) */
        next_key(b, "co_leads");
        rb_putc(b, '[');
        for (int i = 0; i < m->owner->nco; i++) {
            if (i)
                rb_put(b, ", ", 2);
            rep_json_str(b, m->owner->co[i] ? m->owner->co[i]->id.name : NULL);
        }
        rb_putc(b, ']');
    }
    next_key(b, "kind");
    rep_json_str(b, rep_kind_str(k));
    next_key(b, "label");
    rep_json_str(b, t ? t->label : NULL);
    if (k == RK_MAINTAIN) {
        next_key(b, "from");
        opt_int(b, m->ms->win_from);
        next_key(b, "to");
        opt_int(b, m->ms->win_to);
    } else if (k == RK_RATE) {
        next_key(b, "rate");
        rb_puts(b, "{\"change\": ");
        rep_json_str(b, t->rate_increase ? "increase" : "decrease");
        next_key(b, "min");
        rep_json_num(b, t->rate_lo.value);
        next_key(b, "max");
        rep_json_num(b, t->has_rate_hi ? t->rate_hi.value : NAN);
        next_key(b, "from");
        opt_int(b, t->rate_from);
        next_key(b, "to");
        opt_int(b, t->rate_to);
        rb_putc(b, '}');
    }
    if (k != RK_BY) {
        next_key(b, "broken_years");
        rb_putc(b, '[');
        for (int i = 0; a->broken && i < a->nbroken; i++) {
            if (i)
                rb_put(b, ", ", 2);
            rep_json_int(b, a->broken[i]);
        }
        rb_putc(b, ']');
    }
    next_key(b, "chart");   /* what a chart of it draws: series, threshold, paths */
    rep_json_chart(b, r, m);
    rb_putc(b, '}');
}

static void counts_obj(rbuf *b, const int *counts)
{
    int first = 1;
    rb_putc(b, '{');
    for (int s = 0; s < ST__COUNT; s++) {
        if (!counts[s])
            continue;
        if (!first)
            rb_put(b, ", ", 2);
        first = 0;
        key(b, assess_status_str((pc_status)s));
        rep_json_int(b, counts[s]);
    }
    rb_putc(b, '}');
}

static void agency_obj(rbuf *b, const agency_card *c)
{
    rb_putc(b, '{');
    key(b, "id");
    rep_json_str(b, c->agency ? c->agency->id.name : NULL);
    next_key(b, "name");
    rep_json_str(b, c->agency ? c->agency->name : NULL);
    next_key(b, "counts");
    counts_obj(b, c->counts);
    next_key(b, "total");
    rep_json_int(b, c->total);
    rb_putc(b, '}');
}

static void report_obj(rbuf *b, const report_result *rr)
{
    char d[24];
    rb_putc(b, '{');
    key(b, "id");
    rep_json_str(b, rr->rp ? rr->rp->gen_id : NULL);
    next_key(b, "label");
    rep_json_str(b, rr->rp ? rr->rp->label : NULL);
    next_key(b, "from");
    rep_json_str(b, rr->from ? rr->from->id.name : "all");
    next_key(b, "to");
    rep_json_str(b, rr->rp ? rr->rp->to.name : NULL);
    next_key(b, "due");
    rep_json_str(b, rr->due.year ? rep_date(rr->due, d, sizeof d) : NULL);
    next_key(b, "period");
    rep_json_str(b, rr->period);
    next_key(b, "state");
    rep_json_str(b, rep_report_state_str(rr->state));
    next_key(b, "submitted");
    rep_json_str(b, rr->submitted.year ? rep_date(rr->submitted, d, sizeof d) : NULL);
    /* extension */
    next_key(b, "days_late");
    opt_int(b, rr->state == RS_LATE ? rr->days_late : 0);
    next_key(b, "via");
    rep_json_str(b, rr->rp && rr->rp->via.name ? rr->rp->via.name : NULL);
    rb_putc(b, '}');
}

static void alert_obj(rbuf *b, const alert_result *al)
{
    rb_putc(b, '{');
    key(b, "message");
    rep_json_str(b, al->alert ? al->alert->message : NULL);
    next_key(b, "region");
    rep_json_str(b, al->region);
    next_key(b, "to");
    rep_json_str(b, al->alert ? al->alert->to.name : NULL);
    next_key(b, "fired");
    rb_puts(b, al->fired > 0 ? "true" : al->fired == 0 ? "false" : "null");
    rb_putc(b, '}');
}

/* "  "name": [\n    elem,\n    elem\n  ]" — or "[]" when empty. */
#define ARRAY(b, name, n, emit)                                                                \
    do {                                                                                       \
        rb_puts(b, ",\n  ");                                                                   \
        key(b, name);                                                                          \
        if ((n) == 0) {                                                                        \
            rb_put(b, "[]", 2);                                                                \
            break;                                                                             \
        }                                                                                      \
        rb_putc(b, '[');                                                                       \
        for (size_t i_ = 0; i_ < (size_t)(n) && !(b)->err; i_++) {                             \
            rb_puts(b, i_ ? ",\n    " : "\n    ");                                             \
            emit;                                                                              \
        }                                                                                      \
        rb_puts(b, "\n  ]");                                                                   \
    } while (0)

/* "data": the files evaluated, with the rows read and used (kept for the plan) of each. */
static void data_obj(rbuf *b, const report_options *opt)
{
    size_t n = opt && opt->data ? ds_nfiles(opt->data) : 0, rows = 0, used = 0;
    rb_puts(b, ",\n  ");
    key(b, "data");
    rb_puts(b, "{\"files\": [");
    for (size_t i = 0; i < n; i++) {
        ds_stats st;
        const char *name = ds_file(opt->data, i, &st);
        rb_puts(b, i ? ", {" : "{");
        key(b, "file");
        rep_json_str(b, name);
        next_key(b, "rows_read");
        rb_printf(b, "%zu", st.rows);
        next_key(b, "rows_used");
        rb_printf(b, "%zu", st.kept);
        rb_putc(b, '}');
        rows += st.rows;
        used += st.kept;
    }
    rb_printf(b, "], \"rows_read\": %zu, \"rows_used\": %zu}", rows, used);
}

/* "warnings": every warning of the run (all stages), as stderr shows them. */
static void warnings_arr(rbuf *b, const report_options *opt)
{
    const diag_sink *w = opt ? opt->warnings : NULL;
    size_t k = 0;
    rb_puts(b, ",\n  ");
    key(b, "warnings");
    rb_putc(b, '[');
    for (size_t i = 0; w && i < w->n; i++) {
        const diag *d = &w->items[i];
        if (d->level != DIAG_WARNING)
            continue;
        rb_puts(b, k++ ? ",\n    {" : "\n    {");
        key(b, "file");
        rep_json_str(b, d->file);
        next_key(b, "line");
        opt_int(b, d->line);
        next_key(b, "message");
        rep_json_str(b, d->msg);
        rb_putc(b, '}');
    }
    rb_puts(b, k ? "\n  ]" : "]");
}

int report_json(FILE *f, const eval_result *r, const report_options *opt)
{
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 18) < 0)
        return -1;
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    rb_puts(&b, "{\n  ");
    key(&b, "plan");
    rep_json_str(&b, meta ? meta->id : NULL);
    rb_puts(&b, ",\n  ");
    key(&b, "as_of");
    opt_int(&b, r->as_of);
    ARRAY(&b, "milestones", r->nms, milestone_obj(&b, r, &r->ms[i_]));
    ARRAY(&b, "agencies", r->ncards, agency_obj(&b, &r->cards[i_]));
    ARRAY(&b, "reports", r->nreports, report_obj(&b, &r->reports[i_]));
    ARRAY(&b, "alerts", r->nalerts, alert_obj(&b, &r->alerts[i_]));
    /* extensions */
    rb_puts(&b, ",\n  ");
    key(&b, "title");
    rep_json_str(&b, meta ? meta->title : NULL);
    rb_puts(&b, ",\n  ");
    key(&b, "method");
    rep_json_str(&b, ast_method_str(r->method));
    rb_puts(&b, ",\n  ");
    key(&b, "counts");
    counts_obj(&b, r->counts);
    data_obj(&b, opt);
    warnings_arr(&b, opt);
    rb_puts(&b, "\n}\n");
    return rb_done(&b);
}
