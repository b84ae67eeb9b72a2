/* report_html.c — the result as one self-contained HTML page (inline CSS and SVG, no
 * scripts, no external resources) for officials. Every data string goes through
 * rep_html_str; status cells carry a class per status (st-on_track, …). */
#include "report_int.h"
#include <string.h>

static const char css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:2em;"
    "color:#222;max-width:80em}\n"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em}\n"
    ".meta{color:#555}\n"
    "table{border-collapse:collapse;font-size:.92em}\n"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}td.num{text-align:right}\n"
    ".status{font-weight:600;white-space:nowrap}\n"
    ".st-met,.st-achieved,.st-on_track,.st-maintained{color:#1a7f37}\n"
    ".st-at_risk{color:#9a6700}\n"
    ".st-off_track,.st-missed,.st-worsening,.st-broken{color:#cf222e}\n"
    ".st-no_trend,.st-no_data{color:#6e7781}\n"
    ".rs-late td,.rs-missing td{background:#ffebe9}\n"
    ".rs-late .state,.rs-missing .state{color:#cf222e;font-weight:600}\n"
    ".alerts li{color:#cf222e}\n";

static const char *status_fill(pc_status s)
{
    switch (s) {
    case ST_MET: return "#1a7f37";
    case ST_ACHIEVED: return "#2da44e";
    case ST_ON_TRACK: return "#4ac26b";
    case ST_MAINTAINED: return "#6fdd8b";
    case ST_AT_RISK: return "#d4a72c";
    case ST_OFF_TRACK: return "#fa4549";
    case ST_MISSED: return "#cf222e";
    case ST_WORSENING: return "#a40e26";
    case ST_BROKEN: return "#82071e";
    default: return "#afb8c1";
    }
}

static void td(rbuf *b, const char *cls, const char *s)
{
    rb_puts(b, cls ? "<td class=\"" : "<td>");
    if (cls) {
        rb_puts(b, cls);
        rb_puts(b, "\">");
    }
    rep_html_str(b, s);
    rb_puts(b, "</td>");
}

static void ths(rbuf *b, const char *const *heads, int n)
{
    rb_puts(b, "<thead><tr>");
    for (int c = 0; c < n; c++) {
        rb_puts(b, "<th>");
        rep_html_str(b, heads[c]);
        rb_puts(b, "</th>");
    }
    rb_puts(b, "</tr></thead>\n<tbody>\n");
}

/* A stacked bar of the status counts, 600 px wide, with a tooltip per segment. */
static void status_bar(rbuf *b, const eval_result *r)
{
    long total = 0;
    for (int s = 0; s < ST__COUNT; s++)
        total += r->counts[s];
    if (total <= 0)
        return;
    rb_puts(b, "<svg class=\"bar\" role=\"img\" aria-label=\"milestones by status\" "
               "width=\"600\" height=\"20\" viewBox=\"0 0 600 20\">\n");
    long done = 0, x = 0;
    for (int s = 0; s < ST__COUNT; s++) {
        if (!r->counts[s])
            continue;
        done += r->counts[s];
        long x_end = (done * 600 + total / 2) / total;
        rb_printf(b, "<rect x=\"%ld\" y=\"0\" width=\"%ld\" height=\"20\" fill=\"%s\">"
                     "<title>%s: %d</title></rect>\n",
                  x, x_end - x, status_fill((pc_status)s), assess_status_label((pc_status)s),
                  r->counts[s]);
        x = x_end;
    }
    rb_puts(b, "</svg>\n");
}

static int milestones(rbuf *b, const eval_result *r, const report_options *opt)
{
    rb_puts(b, "<h2>Milestones</h2>\n");
    if (r->nms == 0) {
        rb_puts(b, "<p>No milestones.</p>\n");
        return 0;
    }
    size_t *order = rep_order(r, opt->by_agency, NULL);
    if (!order)
        return -1;
    int cols[RC__N], n = rep_table_cols(r, cols);
    const char *heads[RC__N];
    for (int c = 0; c < n; c++)
        heads[c] = rep_row_heads[cols[c]];
    rb_puts(b, "<table class=\"milestones\">\n");
    ths(b, heads, n);
    rep_row row;
    char cls[48];
    for (size_t i = 0; i < r->nms && !b->err; i++) {
        const ms_result *m = &r->ms[order[i]];
        rep_row_fill(m, &row);
        rb_puts(b, "<tr>");
        for (int c = 0; c < n; c++) {
            if (cols[c] == RC_STATUS) {
                snprintf(cls, sizeof cls, "status st-%s", assess_status_str(m->r.status));
                td(b, cls, row.cell[RC_STATUS]);
            } else {
                td(b, NULL, row.cell[cols[c]]);
            }
        }
        rb_puts(b, "</tr>\n");
    }
    rb_puts(b, "</tbody>\n</table>\n");
    pc_free(order);
    return 0;
}

static void summary(rbuf *b, const eval_result *r)
{
    rb_printf(b, "<p class=\"summary\">%zu milestone%s", r->nms, r->nms == 1 ? "" : "s");
    int first = 1;
    for (int s = 0; s < ST__COUNT; s++) {
        if (!r->counts[s])
            continue;
        rb_printf(b, "%s%d <span class=\"status st-%s\">%s</span>", first ? ": " : ", ",
                  r->counts[s], assess_status_str((pc_status)s), assess_status_label((pc_status)s));
        first = 0;
    }
    rb_puts(b, "</p>\n");
}

static void scorecard(rbuf *b, const eval_result *r)
{
    if (r->ncards == 0)
        return;
    const char *heads[ST__COUNT + 3];
    int sts[ST__COUNT], nst = 0;
    heads[0] = "Agency";
    heads[1] = "Name";
    for (int s = 0; s < ST__COUNT; s++) {
        int any = 0;
        for (int i = 0; i < r->ncards; i++)
            any |= r->cards[i].counts[s] != 0;
        if (any) {
            sts[nst] = s;
            heads[2 + nst] = assess_status_label((pc_status)s);
            nst++;
        }
    }
    heads[2 + nst] = "Total";
    rb_puts(b, "<h2>Agencies</h2>\n<table class=\"agencies\">\n");
    ths(b, heads, nst + 3);
    for (int i = 0; i < r->ncards && !b->err; i++) {
        const agency_card *c = &r->cards[i];
        rb_puts(b, "<tr>");
        td(b, NULL, c->agency && c->agency->id.name ? c->agency->id.name : "?");
        td(b, NULL, c->agency && c->agency->name ? c->agency->name : "");
        for (int k = 0; k < nst; k++) {
            int v = c->counts[sts[k]];
            if (v)
                rb_printf(b, "<td class=\"num st-%s\">%d</td>", assess_status_str((pc_status)sts[k]), v);
            else
                rb_puts(b, "<td class=\"num\">0</td>");
        }
        rb_printf(b, "<td class=\"num\">%d</td></tr>\n", c->total);
    }
    rb_puts(b, "</tbody>\n</table>\n");
}

static void reports(rbuf *b, const eval_result *r)
{
    static const char *const heads[] = {"Report", "From", "To", "Period", "Due", "State",
                                        "Submitted", "Label"};
    static const char *const classes[] = {"upcoming", "due", "on_time", "late", "missing"};
    if (r->nreports == 0)
        return;
    rb_puts(b, "<h2>Reports</h2>\n<table class=\"reports\">\n");
    ths(b, heads, 8);
    for (size_t i = 0; i < r->nreports && !b->err; i++) {
        const report_result *rr = &r->reports[i];
        unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
        char d[24], state[40];
        rb_printf(b, "<tr class=\"rs-%s\">", classes[st]);
        td(b, NULL, rr->rp && rr->rp->gen_id ? rr->rp->gen_id : "");
        td(b, NULL, rr->from && rr->from->id.name ? rr->from->id.name : "all");
        td(b, NULL, rr->rp && rr->rp->to.name ? rr->rp->to.name : "");
        td(b, NULL, rr->period);
        td(b, NULL, rep_date(rr->due, d, sizeof d));
        td(b, "state", rep_report_state_label(rr, 0, state, sizeof state));
        td(b, NULL, rep_date(rr->submitted, d, sizeof d));
        td(b, NULL, rr->rp && rr->rp->label ? rr->rp->label : "");
        rb_puts(b, "</tr>\n");
    }
    rb_puts(b, "</tbody>\n</table>\n");
}

static void alerts(rbuf *b, const eval_result *r)
{
    int any = 0;
    for (size_t i = 0; i < r->nalerts; i++) {
        const alert_result *a = &r->alerts[i];
        if (a->fired <= 0)
            continue;
        if (!any)
            rb_puts(b, "<h2>Alerts</h2>\n<ul class=\"alerts\">\n");
        any = 1;
        rb_puts(b, "<li>");
        rep_html_str(b, a->alert && a->alert->message ? a->alert->message : "(alert)");
        if (a->region) {
            rb_puts(b, " (");
            rep_html_str(b, a->region);
            rb_putc(b, ')');
        }
        if (a->alert && a->alert->to.name) {
            rb_puts(b, " &rarr; ");
            rep_html_str(b, a->alert->to.name);
        }
        rb_puts(b, "</li>\n");
    }
    if (any)
        rb_puts(b, "</ul>\n");
}

int report_html(FILE *f, const eval_result *r, const report_options *opt)
{
    static const report_options defaults;
    if (!opt)
        opt = &defaults;
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 16) < 0)
        return -1;
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    const char *id = meta && meta->id ? meta->id : "(unnamed)";
    rb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>plancheck: ");
    rep_html_str(&b, id);
    rb_puts(&b, "</title>\n<style>\n");
    rb_puts(&b, css);
    rb_puts(&b, "</style>\n</head>\n<body>\n<h1>Plan ");
    rep_html_str(&b, id);
    rb_puts(&b, "</h1>\n");
    if (meta && meta->title) {
        rb_puts(&b, "<p class=\"title\">");
        rep_html_str(&b, meta->title);
        rb_puts(&b, "</p>\n");
    }
    const char *first;
    size_t nreg = rep_nregions(r, &first);
    rb_puts(&b, "<p class=\"meta\">");
    if (nreg == 1 || (nreg == 0 && meta && meta->region)) {
        rb_puts(&b, "Region: ");
        rep_html_str(&b, nreg ? first : meta->region);
    } else {
        rb_printf(&b, "Regions: %zu", nreg);
    }
    if (r->as_of)
        rb_printf(&b, " &middot; As of: %d", r->as_of);
    rb_printf(&b, " &middot; Method: %s</p>\n", ast_method_str(r->method));
    char data[1024];
    if (rep_data_files(opt, data, sizeof data)) {
        rb_puts(&b, "<p class=\"meta\">Data: ");
        rep_html_str(&b, data);
        rb_puts(&b, "</p>\n");
    }
    status_bar(&b, r);
    if (milestones(&b, r, opt) < 0) {
        rb_done(&b);
        return -1;
    }
    summary(&b, r);
    scorecard(&b, r);
    reports(&b, r);
    alerts(&b, r);
    rb_puts(&b, "</body>\n</html>\n");
    return rb_done(&b);
}
