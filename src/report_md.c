/* report_md.c — the result as GitHub-flavoured Markdown: the text report's content in pipe
 * tables. Every data string goes through rep_md_str (| and the other specials escaped,
 * line breaks flattened); nothing else here knows how to escape. */
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

static void md_row(rbuf *b, const char *const *cells, int n)
{
    rb_putc(b, '|');
    for (int c = 0; c < n; c++) {
        rb_putc(b, ' ');
        rep_md_str(b, cells[c]);
        rb_puts(b, " |");
    }
    rb_putc(b, '\n');
}

static int milestones(rbuf *b, const eval_result *r, const report_options *opt)
{
    rb_puts(b, "\n## Milestones\n\n");
    if (r->nms == 0) {
        rb_puts(b, "No milestones.\n");
        return 0;
    }
    size_t *order = rep_order(r, opt->by_agency, NULL);
    if (!order)
        return -1;
    int cols[RC__N], n = rep_table_cols(r, cols);
    const char *heads[RC__N], *cells[RC__N];
    for (int c = 0; c < n; c++)
        heads[c] = rep_row_heads[cols[c]];
    md_table_head(b, heads, NULL, n);
    rep_row row;
    for (size_t i = 0; i < r->nms && !b->err; i++) {
        rep_row_fill(&r->ms[order[i]], &row);
        for (int c = 0; c < n; c++)
            cells[c] = row.cell[cols[c]];
        md_row(b, cells, n);
    }
    pc_free(order);
    return 0;
}

static void summary(rbuf *b, const eval_result *r)
{
    rb_printf(b, "\n**%zu milestone%s**", r->nms, r->nms == 1 ? "" : "s");
    int first = 1;
    for (int s = 0; s < ST__COUNT; s++) {
        if (!r->counts[s])
            continue;
        rb_printf(b, "%s%d %s", first ? ": " : ", ", r->counts[s], assess_status_label((pc_status)s));
        first = 0;
    }
    rb_putc(b, '\n');
}

static void scorecard(rbuf *b, const eval_result *r)
{
    if (r->ncards == 0)
        return;
    const char *heads[ST__COUNT + 3];
    int right[ST__COUNT + 3] = {0}, sts[ST__COUNT], nst = 0;
    heads[0] = "Agency";
    heads[1] = "Name";
    for (int s = 0; s < ST__COUNT; s++) {
        int any = 0;
        for (int i = 0; i < r->ncards; i++)
            any |= r->cards[i].counts[s] != 0;
        if (any) {
            sts[nst] = s;
            heads[2 + nst] = assess_status_label((pc_status)s);
            right[2 + nst] = 1;
            nst++;
        }
    }
    heads[2 + nst] = "Total";
    right[2 + nst] = 1;
    rb_puts(b, "\n## Agencies\n\n");
    md_table_head(b, heads, right, nst + 3);
    for (int i = 0; i < r->ncards; i++) {
        const agency_card *c = &r->cards[i];
        char nums[ST__COUNT + 1][16];
        const char *cells[ST__COUNT + 3];
        cells[0] = c->agency && c->agency->id.name ? c->agency->id.name : "?";
        cells[1] = c->agency && c->agency->name ? c->agency->name : "";
        for (int k = 0; k < nst; k++) {
            snprintf(nums[k], sizeof nums[k], "%d", c->counts[sts[k]]);
            cells[2 + k] = nums[k];
        }
        snprintf(nums[nst], sizeof nums[nst], "%d", c->total);
        cells[2 + nst] = nums[nst];
        md_row(b, cells, nst + 3);
    }
}

static void reports(rbuf *b, const eval_result *r)
{
    static const char *const heads[] = {"Report", "From", "To", "Period", "Due", "State",
                                        "Submitted", "Label"};
    if (r->nreports == 0)
        return;
    rb_puts(b, "\n## Reports\n\n");
    md_table_head(b, heads, NULL, 8);
    for (size_t i = 0; i < r->nreports && !b->err; i++) {
        const report_result *rr = &r->reports[i];
        unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
        char due[24], sub[24], state[40];
        const char *cells[8] = {
            rr->rp && rr->rp->gen_id ? rr->rp->gen_id : "",
            rr->from && rr->from->id.name ? rr->from->id.name : "all",
            rr->rp && rr->rp->to.name ? rr->rp->to.name : "",
            rr->period,
            rep_date(rr->due, due, sizeof due),
            "",   /* the state, written below (bold when late or missing) */
            rep_date(rr->submitted, sub, sizeof sub),
            rr->rp && rr->rp->label ? rr->rp->label : "",
        };
        rb_putc(b, '|');
        for (int c = 0; c < 8; c++) {
            rb_putc(b, ' ');
            if (c == 5) {
                int bad = st == RS_LATE || st == RS_MISSING;
                rb_puts(b, bad ? "**" : "");
                rb_puts(b, rep_report_state_label(rr, 0, state, sizeof state));
                rb_puts(b, bad ? "**" : "");
            } else {
                rep_md_str(b, cells[c]);
            }
            rb_puts(b, " |");
        }
        rb_putc(b, '\n');
    }
}

static void alerts(rbuf *b, const eval_result *r)
{
    int any = 0;
    for (size_t i = 0; i < r->nalerts; i++) {
        const alert_result *a = &r->alerts[i];
        if (a->fired <= 0)
            continue;
        if (!any)
            rb_puts(b, "\n## Alerts\n\n");
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
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 16) < 0)
        return -1;
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    rb_puts(&b, "# Plan ");
    rep_md_str(&b, meta && meta->id ? meta->id : "(unnamed)");
    rb_putc(&b, '\n');
    if (meta && meta->title) {
        rb_puts(&b, "\n");
        rep_md_str(&b, meta->title);
        rb_putc(&b, '\n');
    }
    const char *first;
    size_t nreg = rep_nregions(r, &first);
    rb_puts(&b, "\n");
    if (nreg == 1 || (nreg == 0 && meta && meta->region)) {
        rb_puts(&b, "Region: ");
        rep_md_str(&b, nreg ? first : meta->region);
    } else {
        rb_printf(&b, "Regions: %zu", nreg);
    }
    if (r->as_of)
        rb_printf(&b, " \xC2\xB7 As of: %d", r->as_of);
    rb_printf(&b, " \xC2\xB7 Method: %s\n", ast_method_str(r->method));
    char data[1024];
    if (rep_data_files(opt, data, sizeof data)) {
        rb_puts(&b, "\nData: ");
        rep_md_str(&b, data);
        rb_putc(&b, '\n');
    }
    if (milestones(&b, r, opt) < 0) {
        rb_done(&b);
        return -1;
    }
    summary(&b, r);
    scorecard(&b, r);
    reports(&b, r);
    alerts(&b, r);
    return rb_done(&b);
}
