/* report_md.c — the result as GitHub-flavoured Markdown, with the structure of the HTML
 * report (header, summary, region matrix, a section per target with a text sparkline,
 * agencies, the reporting calendar) in the words of --lang. Every data string goes through
 * rep_md_str (| and the other specials escaped, line breaks flattened). */
#include "report_int.h"
#include <string.h>

static void md_table_head(rbuf *b, const char *const *heads, const int *right, int n)
{
    rb_putc(b, '|');
    for (int c = 0; c < n; c++) {
        rb_putc(b, ' ');
        rb_puts(b, heads[c]);
        rb_puts(b, " |");
    }
    rb_puts(b, "\n|");
    for (int c = 0; c < n; c++)
        rb_puts(b, right && right[c] ? " ---: |" : " --- |");
    rb_putc(b, '\n');
}

static void md_heads(rbuf *b, const rep_word_id *w, int n, report_lang lang)
{
    const char *heads[16];
    for (int c = 0; c < n && c < 16; c++)
        heads[c] = rep_word(w[c], lang);
    md_table_head(b, heads, NULL, n);
}

/* "○ đúng tiến độ" */
static void status_md(rbuf *b, pc_status s, report_lang lang)
{
    rb_puts(b, rep_status_glyph(s));
    rb_putc(b, ' ');
    rb_puts(b, rep_status_word(s, lang));
}

static void header(rbuf *b, const eval_result *r, const report_options *opt)
{
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    report_lang lang = opt->lang;
    rb_printf(b, "# %s ", rep_word(W_PLAN, lang));
    rep_md_str(b, meta && meta->id ? meta->id : "(unnamed)");
    rb_putc(b, '\n');
    if (meta && meta->title) {
        rb_puts(b, "\n");
        rep_md_str(b, meta->title);
        rb_putc(b, '\n');
    }
    rb_putc(b, '\n');
    if (meta && meta->authority) {
        rb_printf(b, "- %s: ", rep_word(W_AUTHORITY, lang));
        rep_md_str(b, meta->authority);
        rb_putc(b, '\n');
    }
    const char *first;
    size_t nreg = rep_nregions(r, &first);
    if (nreg == 1 || (nreg == 0 && meta && meta->region)) {
        rb_printf(b, "- %s: ", rep_word(W_REGION, lang));
        rep_md_str(b, nreg ? first : meta->region);
        rb_putc(b, '\n');
    } else {
        rb_printf(b, "- %s: %zu\n", rep_word(W_REGIONS, lang), nreg);
    }
    char d[24];
    if (meta && meta->issued.year)
        rb_printf(b, "- %s: %s\n", rep_word(W_ISSUED, lang), rep_date(meta->issued, d, sizeof d));
    if (r->as_of)
        rb_printf(b, "- %s: %d\n", rep_word(W_AS_OF, lang), r->as_of);
    rb_printf(b, "- %s: %s\n", rep_word(W_METHOD, lang), rep_method_name(r->method, lang));
    rb_printf(b, "- %s: ", rep_word(W_DATA, lang));
    size_t nfiles = opt->data ? ds_nfiles(opt->data) : 0;
    for (size_t i = 0; i < nfiles; i++) {
        ds_stats st;
        rb_puts(b, i ? "; " : "");
        rep_md_str(b, rep_file_name(opt, i, &st));
        rb_printf(b, " (%zu %s, %zu %s)", st.rows, rep_word(W_ROWS_READ, lang), st.kept,
                  rep_word(W_ROWS_USED, lang));
    }
    if (!nfiles)
        rb_puts(b, rep_word(W_NO_DATA_FILE, lang));
    rb_putc(b, '\n');
}

static void summary(rbuf *b, const eval_result *r, report_lang lang)
{
    rb_printf(b, "\n## %s\n\n**%zu %s**", rep_word(W_SUMMARY, lang), r->nms,
              rep_word(r->nms == 1 ? W_MILESTONE_1 : W_MILESTONES, lang));
    int first = 1;
    for (int s = 0; s < ST__COUNT; s++) {
        if (!r->counts[s])
            continue;
        rb_printf(b, "%s%d ", first ? ": " : ", ", r->counts[s]);
        status_md(b, (pc_status)s, lang);
        first = 0;
    }
    rb_putc(b, '\n');
}

static void matrix(rbuf *b, const eval_result *r, const size_t *idx, const size_t *starts, size_t ng,
                   report_lang lang)
{
    if (rep_nregions(r, NULL) < 2 || !r->plan)
        return;
    rb_printf(b, "\n## %s\n\n| %s |", rep_word(W_MATRIX, lang), rep_word(W_MILESTONE, lang));
    const char *prev = NULL;
    size_t ncols = 0;
    for (size_t i = 0; i < r->nms; i++) {
        const char *g = r->ms[i].region ? r->ms[i].region : "";
        if (!prev || strcmp(prev, g) != 0) {
            rb_putc(b, ' ');
            rep_md_str(b, g);
            rb_puts(b, " |");
            ncols++;
        }
        prev = g;
    }
    rb_puts(b, "\n| --- |");
    for (size_t k = 0; k < ncols; k++)
        rb_puts(b, " --- |");
    rb_putc(b, '\n');
    for (int k = 0; k < r->plan->nmilestones && !b->err; k++) {
        const milestone *ms = r->plan->milestones[k];
        rb_puts(b, "| ");
        rep_md_str(b, rep_target_name(ms->target));
        rb_puts(b, " (");
        rep_md_str(b, ms->id);
        rb_puts(b, ") |");
        const char *cur = NULL;   /* one cell per region, empty when it has no result */
        int found = 0;
        for (size_t g = 0; g < ng; g++) {
            const char *reg = r->ms[idx[starts[g]]].region ? r->ms[idx[starts[g]]].region : "";
            if (!cur || strcmp(cur, reg) != 0) {
                if (cur && !found)
                    rb_puts(b, "  |");
                cur = reg;
                found = 0;
            }
            for (size_t j = starts[g]; j < starts[g + 1] && !found; j++)
                if (r->ms[idx[j]].ms == ms) {
                    found = 1;
                    rb_putc(b, ' ');
                    status_md(b, r->ms[idx[j]].r.status, lang);
                    rb_puts(b, " |");
                }
        }
        rb_puts(b, cur && !found ? "  |\n" : "\n");
    }
}

/* With one region: every target on a line, its milestones' statuses beside it. */
static void overview(rbuf *b, const eval_result *r, const size_t *idx, const size_t *starts, size_t ng,
                     report_lang lang)
{
    static const rep_word_id heads[] = {W_TARGET, W_MILESTONES_H};
    if (rep_nregions(r, NULL) != 1 || ng == 0)
        return;
    rb_printf(b, "\n## %s\n\n", rep_word(W_OVERVIEW, lang));
    md_heads(b, heads, 2, lang);
    char dl[64];
    for (size_t g = 0; g < ng && !b->err; g++) {
        const ms_result *m0 = &r->ms[idx[starts[g]]];
        rb_puts(b, "| ");
        rep_md_str(b, rep_target_name(m0->target));
        rb_puts(b, " (");
        rep_md_str(b, rep_target_id(m0));
        rb_puts(b, ") |");
        for (size_t j = starts[g]; j < starts[g + 1]; j++) {
            const ms_result *m = &r->ms[idx[j]];
            rb_puts(b, j > starts[g] ? "; " : " ");
            rep_md_str(b, rep_deadline_people(m, lang, dl, sizeof dl));
            rb_putc(b, ' ');
            status_md(b, m->r.status, lang);
        }
        rb_puts(b, " |\n");
    }
}

static void target_md(rbuf *b, const rep_chart *c, report_lang lang)
{
    static const rep_word_id heads[] = {W_MILESTONE, W_GOAL, W_DEADLINE, W_LATEST, W_STATUS, W_LEAD};
    const target *t = c->target;
    const indicator *ind = c->ind;
    rb_puts(b, "\n### ");
    rep_md_str(b, t && t->label ? t->label : ind && ind->name ? ind->name : ind ? ind->id.name : "");
    rb_puts(b, " (");
    rep_md_str(b, t ? t->gen_id : "");
    rb_puts(b, ")\n\n");
    if (ind) {
        rep_md_str(b, ind->name ? ind->name : ind->id.name);
        rb_puts(b, " (");
        rep_md_str(b, ind->id.name);
        rb_puts(b, ")\n");
    }
    char spark[512], lo[64], hi[64], ub[48];
    if (c->n >= 2) {
        const char *us = ind && ind->has_unit ? rep_unit_people(&ind->u, lang, ub, sizeof ub) : "";
        rb_printf(b, "\n%s %d–%d: %s (%s → %s%s%s)\n", rep_word(W_SERIES, lang), c->series[0].year,
                  c->series[c->n - 1].year, rep_sparkline(c->series, c->n, spark, sizeof spark),
                  rep_num(c->series[0].value, c->decimals, lang, lo, sizeof lo),
                  rep_num(c->series[c->n - 1].value, c->decimals, lang, hi, sizeof hi),
                  *us && *us != '%' && strcmp(us, "‰") != 0 ? " " : "", us);
    }
    rb_putc(b, '\n');
    md_heads(b, heads, 6, lang);
    char buf[128];
    for (size_t i = 0; i < c->nms && !b->err; i++) {
        const ms_result *m = c->ms[i].m;
        const char *cells[4] = {m->ms && m->ms->id ? m->ms->id : rep_target_id(m),
                                rep_goal_people(m, lang, buf, sizeof buf), NULL, NULL};
        char dl[64], lt[96];
        cells[2] = rep_deadline_people(m, lang, dl, sizeof dl);
        cells[3] = rep_latest_people(m, c->decimals, lang, lt, sizeof lt);
        rb_putc(b, '|');
        for (int k = 0; k < 4; k++) {
            rb_putc(b, ' ');
            rep_md_str(b, cells[k]);
            rb_puts(b, " |");
        }
        rb_putc(b, ' ');
        status_md(b, m->r.status, lang);
        rb_puts(b, " | ");
        if (m->owner && m->owner->lead) {
            const agency *a = m->owner->lead;
            rep_md_str(b, a->name ? a->name : a->id.name);
            for (int k = 0; k < m->owner->nco; k++) {
                rb_puts(b, "; ");
                rep_md_str(b, m->owner->co[k]->name ? m->owner->co[k]->name : m->owner->co[k]->id.name);
            }
        } else {
            rb_puts(b, rep_word(W_NOBODY, lang));
        }
        rb_puts(b, " |\n");
    }
}

static int targets(rbuf *b, const eval_result *r, const size_t *idx, const size_t *starts, size_t ng,
                   report_lang lang)
{
    size_t nreg = rep_nregions(r, NULL);
    rb_printf(b, "\n## %s\n", rep_word(W_TARGETS, lang));
    if (ng == 0)
        rb_printf(b, "\n%s\n", rep_word(W_NONE, lang));
    const char *prev = NULL;
    for (size_t g = 0; g < ng && !b->err; g++) {
        const ms_result *m0 = &r->ms[idx[starts[g]]];
        if (nreg > 1 && (!prev || strcmp(prev, m0->region ? m0->region : "") != 0)) {
            rb_puts(b, "\n## ");
            rep_md_str(b, m0->region);
            rb_putc(b, '\n');
            prev = m0->region ? m0->region : "";
        }
        arena *a = arena_new();
        rep_chart c;
        if (!a || rep_chart_of_group(r, idx, starts, g, a, &c) != 0) {
            arena_free(a);
            return -1;
        }
        target_md(b, &c, lang);
        arena_free(a);
    }
    return 0;
}

static void agencies(rbuf *b, const eval_result *r, report_lang lang)
{
    static const rep_word_id heads[] = {W_AGENCY, W_MILESTONES_H, W_TASKS, W_REPORTS};
    const pc_plan *p = r->plan;
    if (!p || !rep_any_agency_facts(r))
        return;
    rb_printf(b, "\n## %s\n\n", rep_word(W_AGENCIES, lang));
    md_heads(b, heads, 4, lang);
    for (int i = 0; i < p->nagencies && !b->err; i++) {
        const agency *a = p->agencies[i];
        rep_agency_fact f;
        if (!rep_agency_facts(r, a, &f))
            continue;
        rb_puts(b, "| ");
        rep_md_str(b, a->name ? a->name : a->id.name);
        rb_puts(b, " (");
        rep_md_str(b, a->id.name);
        rb_puts(b, ") |");
        for (int s = 0, first = 1; f.card && s < ST__COUNT; s++)
            if (f.card->counts[s]) {
                rb_printf(b, "%s%d ", first ? " " : ", ", f.card->counts[s]);
                status_md(b, (pc_status)s, lang);
                first = 0;
            }
        rb_printf(b, " | %s: %d", rep_word(W_LEAD, lang), f.lead);
        if (f.with)
            rb_printf(b, ", %s: %d", rep_word(W_WITH, lang), f.with);
        rb_printf(b, " | %d", f.nreports);
        if (f.reports[RS_LATE] || f.reports[RS_MISSING])
            rb_printf(b, " (%d %s, %d %s)", f.reports[RS_LATE], rep_word(W_LATE, lang),
                      f.reports[RS_MISSING], rep_word(W_MISSING, lang));
        rb_puts(b, " |\n");
    }
}

static void report_rows(rbuf *b, const eval_result *r, const agency *from, report_lang lang)
{
    static const rep_word_id heads[] = {W_REPORTS, W_TO, W_PERIOD, W_DEADLINE, W_STATUS, W_SUBMITTED};
    static const rep_word_id states[] = {W_UPCOMING, W_DUE, W_ON_TIME, W_LATE, W_MISSING};
    rb_putc(b, '\n');
    md_heads(b, heads, 6, lang);
    char due[24], sub[24];
    for (size_t i = 0; i < r->nreports && !b->err; i++) {
        const report_result *rr = &r->reports[i];
        if (rr->from != from)
            continue;
        unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
        const char *cells[4] = {rr->rp && rr->rp->label ? rr->rp->label : rr->rp && rr->rp->gen_id ? rr->rp->gen_id : "",
                                rr->rp && rr->rp->to.name ? rr->rp->to.name : "", rr->period,
                                rep_date(rr->due, due, sizeof due)};
        rb_putc(b, '|');
        for (int k = 0; k < 4; k++) {
            rb_putc(b, ' ');
            rep_md_str(b, cells[k]);
            rb_puts(b, " |");
        }
        int bad = st == RS_LATE || st == RS_MISSING;
        rb_printf(b, " %s%s", bad ? "**" : "", rep_word(states[st], lang));
        if (st == RS_LATE && rr->days_late > 0)
            rb_printf(b, " (%d %s)", rr->days_late, rep_word(W_DAYS, lang));
        rb_printf(b, "%s | %s |\n", bad ? "**" : "", rep_date(rr->submitted, sub, sizeof sub));
    }
}

/* Per sender: the counts in a table, then each sender's rows folded in <details>. */
static void calendar(rbuf *b, const eval_result *r, report_lang lang)
{
    static const rep_word_id heads[] = {W_AGENCY, W_ON_TIME, W_LATE, W_MISSING, W_DUE, W_UPCOMING};
    static const report_state order[] = {RS_ON_TIME, RS_LATE, RS_MISSING, RS_DUE, RS_UPCOMING};
    if (r->nreports == 0)
        return;
    const pc_plan *p = r->plan;
    int na = p ? p->nagencies : 0;
    rb_printf(b, "\n## %s\n\n", rep_word(W_CALENDAR, lang));
    md_heads(b, heads, 6, lang);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i <= na && !b->err; i++) {
            const agency *a = i < na ? p->agencies[i] : NULL;
            int rc[RS_MISSING + 1], n = 0;
            rep_report_counts(r, a, rc);
            for (int k = 0; k <= RS_MISSING; k++)
                n += rc[k];
            if (!n)
                continue;
            if (pass == 0) {
                rb_puts(b, "| ");
                rep_md_str(b, a ? (a->name ? a->name : a->id.name) : rep_word(W_ALL, lang));
                rb_puts(b, " |");
                for (int k = 0; k < 5; k++)
                    rb_printf(b, " %d |", rc[order[k]]);
                rb_putc(b, '\n');
                continue;
            }
            rb_puts(b, "\n<details><summary>");
            rep_md_str(b, a ? (a->name ? a->name : a->id.name) : rep_word(W_ALL, lang));
            rb_printf(b, " (%d)</summary>\n", n);
            report_rows(b, r, a, lang);
            rb_puts(b, "\n</details>\n");
        }
}

static void alerts(rbuf *b, const eval_result *r, report_lang lang)
{
    int any = 0;
    for (size_t i = 0; i < r->nalerts; i++) {
        const alert_result *a = &r->alerts[i];
        if (a->fired <= 0)
            continue;
        if (!any)
            rb_printf(b, "\n## %s\n\n", rep_word(W_ALERTS, lang));
        any = 1;
        rb_puts(b, "- **");
        rep_md_str(b, a->alert && a->alert->message ? a->alert->message : "(alert)");
        rb_puts(b, "**");
        if (a->region) {
            rb_puts(b, " (");
            rep_md_str(b, a->region);
            rb_putc(b, ')');
        }
        if (a->alert && a->alert->to.name) {
            rb_puts(b, " \xE2\x86\x92 ");   /* → */
            rep_md_str(b, a->alert->to.name);
        }
        rb_putc(b, '\n');
    }
}

int report_markdown(FILE *f, const eval_result *r, const report_options *opt)
{
    static const report_options defaults;
    if (!opt)
        opt = &defaults;
    report_lang lang = opt->lang;
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 16) < 0)
        return -1;
    size_t *starts = NULL, ng = 0, *idx = rep_groups(r, &starts, &ng);
    if (r->nms && !idx) {
        rb_done(&b);
        return -1;
    }
    header(&b, r, opt);
    summary(&b, r, lang);
    matrix(&b, r, idx, starts, ng, lang);
    overview(&b, r, idx, starts, ng, lang);
    int rc = targets(&b, r, idx, starts, ng, lang);
    if (rc == 0) {
        agencies(&b, r, lang);
        calendar(&b, r, lang);
        alerts(&b, r, lang);
    }
    pc_free(idx);
    pc_free(starts);
    if (rc < 0) {
        rb_done(&b);
        return -1;
    }
    return rb_done(&b);
}
