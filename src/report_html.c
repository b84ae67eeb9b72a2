/* report_html.c — the report a provincial leader reads (DESIGN.md §5 "Reports for people"):
 * one self-contained page (inline CSS and SVG, no script, nothing fetched) with a header, a
 * summary bar, a legend, a region × target matrix, a chart and table per target, the agency
 * scorecard and the reporting calendar; prints on A4 and fits a 390 px phone. Every plan and
 * data string goes through rep_html_str (rep_css_str inside the style sheet). */
#include "report_int.h"
#include <math.h>
#include <string.h>

static const char css[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:\"Noto Sans\",\"DejaVu Sans\",system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;margin:0 auto;padding:1em;color:#1f2328;max-width:62em;line-height:1.4;"
    "font-size:15px;overflow-wrap:anywhere}\n"
    "h1{font-size:1.45em;margin:.1em 0}h2{font-size:1.2em;margin:1.4em 0 .5em;"
    "border-bottom:2px solid #d0d7de;padding-bottom:.2em}h3{font-size:1.05em;margin:.2em 0}\n"
    ".authority{margin:0;font-weight:600;color:#444c56;text-transform:uppercase;font-size:.85em}\n"
    ".title{margin:.2em 0 .6em}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15em .8em;margin:0;font-size:.92em}\n"
    "dl.meta dt{color:#444c56}dl.meta dd{margin:0}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9em;margin:.4em 0}\n"
    "th,td{border:1px solid #d0d7de;padding:.25em .45em;text-align:left;vertical-align:top}\n"
    "th{background:#f3f4f6}td.num,th.num{text-align:right}\n"
    "small,.id{color:#57606a;font-size:.82em}\n"
    ".b{display:inline-flex;align-items:center;gap:.25em;font-weight:600;white-space:nowrap;"
    "border:1px solid currentColor;border-radius:.8em;padding:0 .45em;background:#fff}\n"
    "svg.i{width:1em;height:1em;fill:currentColor;flex:none}\n"
    ".cnt{white-space:nowrap;display:inline-block;margin:0 .3em .15em 0}\n"
    ".bar{display:flex;width:100%;min-height:1.9em;border-radius:4px;overflow:hidden;margin:.4em 0}\n"
    ".bar span{display:flex;align-items:center;justify-content:center;gap:.2em;color:#fff;"
    "font-weight:700;min-width:2.6em;padding:0 .2em}\n"
    ".bar svg.i{fill:#fff}\n"
    "ul.counts,ul.legend{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:.35em .8em}\n"
    "ul.legend li{display:flex;align-items:center;gap:.3em}\n"
    ".key{max-width:26em;width:100%;height:auto}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table.matrix td,table.matrix th{text-align:center;padding:.2em}\n"
    "table.matrix th.row{text-align:left;font-weight:normal}table.matrix a{color:inherit;text-decoration:none}\n"
    "table.matrix td .w{display:block;font-size:.72em;font-weight:600}\n"
    "table.overview a{color:inherit}table.overview td{padding:.15em .45em}\n"
    "article.target{border:1px solid #d0d7de;border-radius:6px;padding:.6em .8em;margin:.8em 0;"
    "break-inside:avoid;page-break-inside:avoid}\n"
    ".sub{margin:0 0 .3em;color:#444c56;font-size:.9em}\n"
    "figure{margin:.3em 0;break-inside:avoid}svg.ch{width:100%;height:auto;max-width:40em;display:block}\n"
    "svg.ch text{font-size:11px;fill:#333}\n"
    ".rs-late td.state,.rs-missing td.state{color:#a3141f;font-weight:600}\n"
    "details{margin:0}summary{cursor:pointer;color:#444c56;font-size:.9em}tr.fold td{border-top:0;padding-top:0}\n"
    ".alerts li{color:#a3141f}\n"
    "footer{margin-top:2em;color:#57606a;font-size:.85em}\n"
    "@media (max-width:40em){body{padding:.6em;font-size:14px}"
    "table.rows thead{display:none}table.rows,table.rows tbody,table.rows tr,table.rows td"
    "{display:block;width:100%}table.rows tr{border:1px solid #d0d7de;margin:.4em 0}"
    "table.rows td{border:0;padding:.1em .4em}"
    "table.rows td[data-h]::before{content:attr(data-h) \": \";font-weight:600;color:#444c56}"
    "svg.ch text{font-size:17px}}\n"
    "table.ms td:first-child{white-space:nowrap}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid}"
    "tr,figure,.bar{break-inside:avoid}a{color:inherit;text-decoration:none}"
    ".scroll{overflow:visible}table{font-size:8.5pt}table.matrix{table-layout:fixed}svg.ch{max-width:10.5cm}svg.ch text{font-size:14px}article.target{margin:.4em 0;padding:.4em .6em}}\n";

static const rep_status_look *look(pc_status s) { return rep_look(s); }

static void esc(rbuf *b, const char *s) { rep_html_str(b, s); }

static void icon(rbuf *b, pc_status s)
{
    rb_printf(b, "<svg class=\"i\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><use href=\"#s-%s\"/></svg>",
              assess_status_str(s));
}

/* Colour and shape and word: <span class="b st-on_track">(shape) đúng tiến độ</span> */
static void badge(rbuf *b, pc_status s, report_lang lang)
{
    rb_printf(b, "<span class=\"b st-%s\">", assess_status_str(s));
    icon(b, s);
    esc(b, rep_status_word(s, lang));
    rb_puts(b, "</span>");
}

static void style_sheet(rbuf *b, const eval_result *r, const report_options *opt)
{
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    report_lang lang = opt->lang;
    rb_puts(b, "<style>\n");
    rb_puts(b, css);
    for (int s = 0; s < ST__COUNT; s++)
        rb_printf(b, ".st-%s{color:%s}.bar .st-%s{background:%s}\n", assess_status_str((pc_status)s),
                  look((pc_status)s)->color, assess_status_str((pc_status)s), look((pc_status)s)->color);
    /* the running header and footer of every printed page (the plan text as CSS strings) */
    rb_puts(b, "@page{size:A4;margin:16mm 12mm 16mm 12mm;@top-left{content:");
    rep_css_str(b, meta && meta->id ? meta->id : "plancheck");
    rb_puts(b, ";font:8pt sans-serif;color:#555}@top-right{content:");
    rep_css_str(b, meta && meta->authority ? meta->authority : "");
    rb_puts(b, ";font:8pt sans-serif;color:#555}@bottom-right{content:");
    rep_css_str(b, rep_word(W_PAGE, lang));
    rb_puts(b, " \" \" counter(page) \" / \" counter(pages);font:8pt sans-serif;color:#555}"
               "@bottom-left{content:");
    char asof[64];
    snprintf(asof, sizeof asof, "%s %d", rep_word(W_AS_OF, lang), r->as_of);
    rep_css_str(b, asof);
    rb_puts(b, ";font:8pt sans-serif;color:#555}}\n</style>\n");
}

/* The shapes, defined once and drawn with <use>. */
static void symbols(rbuf *b)
{
    rb_puts(b, "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>\n");
    for (int s = 0; s < ST__COUNT; s++)
        rb_printf(b, "<symbol id=\"s-%s\" viewBox=\"0 0 16 16\"><path fill-rule=\"evenodd\" d=\"%s\"/></symbol>\n",
                  assess_status_str((pc_status)s), look((pc_status)s)->shape);
    rb_puts(b, "</defs></svg>\n");
}

static void header(rbuf *b, const eval_result *r, const report_options *opt)
{
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    report_lang lang = opt->lang;
    rb_puts(b, "<header>\n");
    if (meta && meta->authority) {
        rb_puts(b, "<p class=\"authority\">");
        esc(b, meta->authority);
        rb_puts(b, "</p>\n");
    }
    rb_printf(b, "<h1>%s ", rep_word(W_PLAN, lang));
    esc(b, meta && meta->id ? meta->id : "(unnamed)");
    rb_puts(b, "</h1>\n");
    if (meta && meta->title) {
        rb_puts(b, "<p class=\"title\">");
        esc(b, meta->title);
        rb_puts(b, "</p>\n");
    }
    rb_puts(b, "<dl class=\"meta\">\n");
    const char *first;
    size_t nreg = rep_nregions(r, &first);
    if (nreg == 1 || (nreg == 0 && meta && meta->region)) {
        rb_printf(b, "<dt>%s</dt><dd>", rep_word(W_REGION, lang));
        esc(b, nreg ? first : meta->region);
    } else {
        rb_printf(b, "<dt>%s</dt><dd>%zu", rep_word(W_REGIONS, lang), nreg);
        const char *prev = NULL;
        for (size_t i = 0, k = 0; i < r->nms && nreg <= 12; i++) {   /* a few: by name */
            const char *g = r->ms[i].region ? r->ms[i].region : "";
            if (!prev || strcmp(prev, g) != 0) {
                rb_puts(b, k++ ? ", " : ": ");
                esc(b, g);
            }
            prev = g;
        }
    }
    rb_puts(b, "</dd>\n");
    char d[24];
    if (meta && meta->issued.year)
        rb_printf(b, "<dt>%s</dt><dd>%s</dd>\n", rep_word(W_ISSUED, lang), rep_date(meta->issued, d, sizeof d));
    if (r->as_of)
        rb_printf(b, "<dt>%s</dt><dd>%d</dd>\n", rep_word(W_AS_OF, lang), r->as_of);
    rb_printf(b, "<dt>%s</dt><dd>%s</dd>\n", rep_word(W_METHOD, lang), rep_method_name(r->method, lang));
    rb_printf(b, "<dt>%s</dt><dd>", rep_word(W_DATA, lang));
    size_t nfiles = opt->data ? ds_nfiles(opt->data) : 0;
    for (size_t i = 0; i < nfiles; i++) {
        ds_stats st;
        rb_puts(b, i ? "; " : "");
        esc(b, rep_file_name(opt, i, &st));
        rb_printf(b, " (%zu %s, %zu %s)", st.rows, rep_word(W_ROWS_READ, lang), st.kept,
                  rep_word(W_ROWS_USED, lang));
    }
    if (!nfiles)
        esc(b, rep_word(W_NO_DATA_FILE, lang));
    rb_puts(b, "</dd>\n</dl>\n</header>\n");
}

/* The summary bar: one segment per status with its count and shape printed in it. */
static void summary(rbuf *b, const eval_result *r, report_lang lang)
{
    rb_printf(b, "<section class=\"summary\">\n<h2>%s</h2>\n<p>%zu %s</p>\n", rep_word(W_SUMMARY, lang),
              r->nms, rep_word(r->nms == 1 ? W_MILESTONE_1 : W_MILESTONES, lang));
    if (r->nms) {
        rb_puts(b, "<div class=\"bar\" aria-hidden=\"true\">");
        for (int s = 0; s < ST__COUNT; s++)
            if (r->counts[s]) {
                rb_printf(b, "<span class=\"st-%s\" style=\"flex:%d 1 0\">", assess_status_str((pc_status)s),
                          r->counts[s]);
                icon(b, (pc_status)s);
                rb_printf(b, "%d</span>", r->counts[s]);
            }
        rb_puts(b, "</div>\n<ul class=\"counts\">");
        for (int s = 0; s < ST__COUNT; s++)
            if (r->counts[s]) {
                rb_printf(b, "<li><b>%d</b> ", r->counts[s]);
                badge(b, (pc_status)s, lang);
                rb_puts(b, "</li>");
            }
        rb_puts(b, "</ul>\n");
    }
    rb_puts(b, "</section>\n");
}

static void legend(rbuf *b, report_lang lang)
{
    rb_printf(b, "<section class=\"legend\">\n<h2>%s</h2>\n<ul class=\"legend\">", rep_word(W_LEGEND, lang));
    for (int s = 0; s < ST__COUNT; s++) {
        rb_puts(b, "<li>");
        badge(b, (pc_status)s, lang);
        rb_puts(b, "</li>");
    }
    rb_printf(b, "</ul>\n<p>%s:</p>\n", rep_word(W_CHART_KEY, lang));
    rb_puts(b, "<svg class=\"key\" viewBox=\"0 0 420 44\" role=\"img\"><g font-size=\"11\" fill=\"#333\">"
               "<line x1=\"4\" y1=\"10\" x2=\"34\" y2=\"10\" stroke=\"#1f2328\" stroke-width=\"2\"/>"
               "<circle cx=\"19\" cy=\"10\" r=\"2.5\" fill=\"#1f2328\"/>");
    rb_printf(b, "<text x=\"40\" y=\"14\">%s</text>", rep_word(W_SERIES, lang));
    rb_puts(b, "<line x1=\"140\" y1=\"10\" x2=\"170\" y2=\"10\" stroke=\"#444\" stroke-width=\"1.5\" "
               "stroke-dasharray=\"6 4\"/>");
    rb_printf(b, "<text x=\"176\" y=\"14\">%s</text>", rep_word(W_THRESHOLD, lang));
    rb_puts(b, "<line x1=\"280\" y1=\"10\" x2=\"310\" y2=\"10\" stroke=\"#555\" stroke-width=\"1.5\" "
               "stroke-dasharray=\"1.5 3\"/>");
    rb_printf(b, "<text x=\"316\" y=\"14\">%s</text>", rep_word(W_REQUIRED, lang));
    rb_puts(b, "<rect x=\"15\" y=\"28\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"#555\" stroke-width=\"1.5\"/>");
    rb_printf(b, "<text x=\"40\" y=\"36\">%s</text>", rep_word(W_EXPECTED_NOW, lang));
    rb_puts(b, "<line x1=\"140\" y1=\"32\" x2=\"170\" y2=\"32\" stroke=\"#0b5cad\" stroke-width=\"2\" "
               "stroke-dasharray=\"4 3\"/>");
    rb_printf(b, "<text x=\"176\" y=\"36\">%s</text></g></svg>\n</section>\n", rep_word(W_PROJECTED, lang));
}

/* ---- the chart of a target ---- */

enum { CW = 560, CH = 230, ML = 48, MR = 14, MT = 22, MB = 26 };

static double cx(const rep_chart *c, double year)
{
    return ML + (year - c->x0) / (double)(c->x1 - c->x0) * (CW - ML - MR);
}

static double cy(const rep_chart *c, double v)
{
    return MT + (c->y1 - v) / (c->y1 - c->y0) * (CH - MT - MB);
}

static void polyline(rbuf *b, const rep_chart *c, const rep_pt *p, size_t n, const char *attrs)
{
    if (n < 2)
        return;
    rb_puts(b, "<polyline fill=\"none\" points=\"");
    for (size_t i = 0; i < n; i++)
        rb_printf(b, "%s%.1f,%.1f", i ? " " : "", cx(c, p[i].year), cy(c, p[i].value));
    rb_printf(b, "\" %s/>", attrs);
}

static void axes(rbuf *b, const rep_chart *c, const char *unit_txt, report_lang lang)
{
    char num[64];
    if (*unit_txt) {   /* a count has no unit to name */
        rb_printf(b, "<text x=\"2\" y=\"12\">%s: ", rep_word(W_UNIT, lang));
        esc(b, unit_txt);
        rb_puts(b, "</text>");
    }
    int nsteps = (int)lround((c->y1 - c->y0) / c->step);
    for (int i = 0; i <= nsteps && i <= 20; i++) {
        double v = c->y0 + i * c->step, y = cy(c, v);
        rb_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e1e4e8\"/>"
                     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                  ML, y, CW - MR, y, ML - 4, y + 4, rep_num(v, c->step_decimals, lang, num, sizeof num));
    }
    int span = c->x1 - c->x0, every = span <= 10 ? 1 : span <= 20 ? 2 : span <= 50 ? 5 : 10;
    for (int yr = c->x0; yr <= c->x1; yr++) {
        if ((yr - c->x0) % every)
            continue;
        rb_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", cx(c, yr), CH - 10, yr);
    }
    rb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", CW - MR, CH - 1, rep_word(W_YEAR, lang));
    rb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>", ML, CH - MB, CW - MR, CH - MB);
}

static void threshold(rbuf *b, const rep_chart *c, const rep_ms_path *p, int idx, report_lang lang)
{
    if (!isfinite(p->threshold))
        return;
    const char *col = look(p->m->r.status)->color;
    double y = cy(c, p->threshold);
    int from = p->from ? p->from : c->x0, to = p->year ? p->year : p->to ? p->to : c->x1;
    rb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                 "stroke-dasharray=\"6 4\"/>",
              cx(c, from), y, cx(c, to), y, col);
    if (p->year)
        rb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\"/>",
                  cx(c, p->year), y, col);
    char goal[96];
    /* the label at the line's left end, where the data rarely is near the goal; above the
     * line, but below the lowest of several, so that two labels never overwrite */
    int below = c->nms > 1;
    for (size_t k = 0; k < c->nms; k++) {
        double t = c->ms[k].threshold;
        if ((int)k != idx && isfinite(t) && (t < p->threshold || (t == p->threshold && (int)k > idx)))
            below = 0;   /* another line lies lower: this label goes above its line */
    }
    if (y - 5 < MT + 4)
        below = 1;   /* (not over the unit at the top) */
    double ly = below && y + 14 < CH - MB - 2 ? y + 14 : y - 5;   /* (not under the axis) */
    if (cx(c, from) < (ML + CW - MR) / 2.0)
        rb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" style=\"fill:%s\">", cx(c, from) + 4, ly, col);
    else   /* a line that starts late (a maintain window): the label ends at the right edge */
        rb_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" style=\"fill:%s\">", CW - MR, ly, col);
    esc(b, p->m->ms && p->m->ms->id ? p->m->ms->id : "");
    rb_puts(b, ": ");
    esc(b, rep_goal_people(p->m, lang, goal, sizeof goal));
    rb_puts(b, "</text>");
}

static void paths(rbuf *b, const rep_chart *c, const rep_ms_path *p, report_lang lang)
{
    char num[64];
    polyline(b, c, p->required, p->nrequired, "stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"1.5 3\"");
    if (p->has_expected_now) {
        double x = cx(c, p->expected_now.year), y = cy(c, p->expected_now.value);
        rb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"#555\" "
                     "stroke-width=\"1.5\"><title>%s: %s</title></rect>",
                  x - 4, y - 4, rep_word(W_EXPECTED_NOW, lang),
                  rep_num(p->expected_now.value, c->decimals, lang, num, sizeof num));
        rb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">%s</text>", x + 6, y + 14, num);
    }
    for (int k = 0; p->m->r.broken && k < p->m->r.nbroken; k++)   /* the years that broke it */
        for (size_t i = 0; i < c->n; i++)
            if (c->series[i].year == p->m->r.broken[k])
                rb_printf(b, "<path d=\"M%.1f %.1fl8 8m0 -8l-8 8\" stroke=\"%s\" stroke-width=\"2.5\"/>",
                          cx(c, c->series[i].year) - 4, cy(c, c->series[i].value) - 4,
                          look(p->m->r.status)->color);
    if (p->nprojected >= 2) {
        const char *col = look(p->m->r.status)->color;
        char attrs[96];
        snprintf(attrs, sizeof attrs, "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"4 3\"", col);
        polyline(b, c, p->projected, p->nprojected, attrs);
        const rep_pt *e = &p->projected[p->nprojected - 1];
        rb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %d: %s</title></circle>",
                  cx(c, e->year), cy(c, e->value), col, rep_word(W_PROJECTED, lang), e->year,
                  rep_num(e->value, c->decimals, lang, num, sizeof num));
    }
}

static void chart_svg(rbuf *b, const rep_chart *c, report_lang lang)
{
    char ub[48], num[64];
    const char *unit_txt = c->ind && c->ind->has_unit ? rep_unit_people(&c->ind->u, lang, ub, sizeof ub) : "";
    rb_printf(b, "<figure><svg class=\"ch\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CW, CH);
    esc(b, c->ind && c->ind->name ? c->ind->name : c->ind ? c->ind->id.name : "");
    rb_puts(b, "\">");
    axes(b, c, unit_txt, lang);
    for (size_t i = 0; i < c->nms; i++)
        threshold(b, c, &c->ms[i], (int)i, lang);
    for (size_t i = 0; i < c->nms; i++)
        paths(b, c, &c->ms[i], lang);
    polyline(b, c, c->series, c->n, "stroke=\"#1f2328\" stroke-width=\"2\"");
    for (size_t i = 0; i < c->n; i++)
        rb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#1f2328\"><title>%d: %s</title></circle>",
                  cx(c, c->series[i].year), cy(c, c->series[i].value), c->series[i].year,
                  rep_num(c->series[i].value, c->decimals, lang, num, sizeof num));
    rb_puts(b, "</svg></figure>\n");
}

/* ---- a target: heading, chart, its milestones ---- */

static void agency_label(rbuf *b, const agency *a)
{
    if (!a)
        return;
    esc(b, a->name ? a->name : a->id.name);
    if (a->name) {
        rb_puts(b, " <small>");
        esc(b, a->id.name);
        rb_puts(b, "</small>");
    }
}

static void td_open(rbuf *b, const char *head, const char *cls)
{
    rb_puts(b, "<td data-h=\"");
    esc(b, head);
    rb_puts(b, cls ? "\" class=\"" : "\">");
    if (cls) {
        rb_puts(b, cls);
        rb_puts(b, "\">");
    }
}

static void ms_rows(rbuf *b, const rep_chart *c, report_lang lang)
{
    static const rep_word_id heads[] = {W_MILESTONE, W_GOAL, W_DEADLINE, W_LATEST, W_STATUS, W_LEAD};
    rb_puts(b, "<table class=\"rows ms\"><thead><tr>");
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        rb_printf(b, "<th>%s</th>", rep_word(heads[i], lang));
    rb_puts(b, "</tr></thead><tbody>\n");
    char buf[128];
    for (size_t i = 0; i < c->nms; i++) {
        const ms_result *m = c->ms[i].m;
        rb_puts(b, "<tr>");
        td_open(b, rep_word(W_MILESTONE, lang), NULL);
        esc(b, m->ms && m->ms->id ? m->ms->id : rep_target_id(m));
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_GOAL, lang), NULL);
        esc(b, rep_goal_people(m, lang, buf, sizeof buf));
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_DEADLINE, lang), NULL);
        esc(b, rep_deadline_people(m, lang, buf, sizeof buf));
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_LATEST, lang), NULL);
        esc(b, rep_latest_people(m, c->decimals, lang, buf, sizeof buf));
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_STATUS, lang), NULL);
        badge(b, m->r.status, lang);
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_LEAD, lang), NULL);
        if (m->owner && m->owner->lead) {
            agency_label(b, m->owner->lead);
            for (int k = 0; k < m->owner->nco; k++) {
                rb_puts(b, "; ");
                agency_label(b, m->owner->co[k]);
            }
            if (m->owner->nwith) {
                rb_printf(b, "<br><small>%s: ", rep_word(W_WITH, lang));
                for (int k = 0; k < m->owner->nwith; k++) {
                    if (k)
                        rb_puts(b, ", ");
                    esc(b, m->owner->with[k] && m->owner->with[k]->name ? m->owner->with[k]->name
                                                                       : m->owner->with[k]->id.name);
                }
                rb_puts(b, "</small>");
            }
        } else {
            esc(b, rep_word(W_NOBODY, lang));
        }
        rb_puts(b, "</td></tr>\n");
    }
    rb_puts(b, "</tbody></table>\n");
}

static void target_html(rbuf *b, const rep_chart *c, size_t gid, report_lang lang)
{
    const target *t = c->target;
    const indicator *ind = c->ind;
    rb_printf(b, "<article class=\"target\" id=\"g%zu\">\n<h3>", gid);
    esc(b, t ? rep_target_name(t) : ind && ind->name ? ind->name : ind ? ind->id.name : "");
    rb_puts(b, " <span class=\"id\">");
    esc(b, t ? t->gen_id : "");
    rb_puts(b, "</span></h3>\n<p class=\"sub\">");
    if (ind) {
        esc(b, ind->name ? ind->name : ind->id.name);
        rb_puts(b, " <span class=\"id\">");
        esc(b, ind->id.name);
        rb_puts(b, "</span>");
    }
    char sb[256];
    if (t && t->series.nsels && c->ms[0].m) {
        rb_puts(b, " [");
        esc(b, rep_series(c->ms[0].m, sb, sizeof sb));
        rb_putc(b, ']');
    }
    rb_puts(b, "</p>\n");
    chart_svg(b, c, lang);
    ms_rows(b, c, lang);
    rb_puts(b, "</article>\n");
}

/* Targets, region by region (a heading per region when there are several). */
static int targets(rbuf *b, const eval_result *r, const size_t *idx, const size_t *starts, size_t ng,
                   report_lang lang)
{
    size_t nreg = rep_nregions(r, NULL);
    rb_printf(b, "<h2>%s</h2>\n", rep_word(W_TARGETS, lang));
    if (ng == 0)
        rb_printf(b, "<p>%s</p>\n", rep_word(W_NONE, lang));
    const char *prev = NULL;
    for (size_t g = 0; g < ng && !b->err; g++) {
        const ms_result *m0 = &r->ms[idx[starts[g]]];
        if (nreg > 1 && (!prev || strcmp(prev, m0->region ? m0->region : "") != 0)) {
            if (prev)
                rb_puts(b, "</section>\n");
            rb_puts(b, "<section class=\"region\">\n<h2>");
            esc(b, m0->region);
            rb_puts(b, "</h2>\n");
            prev = m0->region ? m0->region : "";
        }
        arena *a = arena_new();
        rep_chart c;
        if (!a || rep_chart_of_group(r, idx, starts, g, a, &c) != 0) {
            arena_free(a);
            return -1;
        }
        target_html(b, &c, g, lang);
        arena_free(a);
    }
    if (prev)
        rb_puts(b, "</section>\n");
    return 0;
}

/* With several regions: milestones down, regions across (a scorecard like DHIS2's). */
static void matrix(rbuf *b, const eval_result *r, const size_t *idx, const size_t *starts, size_t ng,
                   report_lang lang)
{
    size_t nreg = rep_nregions(r, NULL);
    if (nreg < 2)
        return;
    rb_printf(b, "<h2>%s</h2>\n<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>%s</th>",
              rep_word(W_MATRIX, lang), rep_word(W_MILESTONE, lang));
    const char *prev = NULL;
    for (size_t i = 0; i < r->nms; i++) {
        const char *g = r->ms[i].region ? r->ms[i].region : "";
        if (!prev || strcmp(prev, g) != 0) {
            rb_puts(b, "<th>");
            esc(b, g);
            rb_puts(b, "</th>");
        }
        prev = g;
    }
    rb_puts(b, "</tr></thead><tbody>\n");
    /* one row per milestone of the plan, in plan order: the groups of the first region give
     * the order; each region's cell is looked up by milestone */
    const pc_plan *p = r->plan;
    for (int k = 0; p && k < p->nmilestones && !b->err; k++) {
        const milestone *ms = p->milestones[k];
        rb_puts(b, "<tr><th class=\"row\">");
        esc(b, rep_target_name(ms->target));
        rb_puts(b, " <small>");
        esc(b, ms->id);
        rb_puts(b, "</small></th>");
        const char *cur = NULL;   /* one cell per region, empty when it has no result */
        int found = 0;
        for (size_t g = 0; g < ng; g++) {
            const char *reg = r->ms[idx[starts[g]]].region ? r->ms[idx[starts[g]]].region : "";
            if (!cur || strcmp(cur, reg) != 0) {
                if (cur && !found)
                    rb_puts(b, "<td></td>");
                cur = reg;
                found = 0;
            }
            for (size_t j = starts[g]; j < starts[g + 1] && !found; j++) {
                const ms_result *m = &r->ms[idx[j]];
                if (m->ms != ms)
                    continue;
                found = 1;
                rb_printf(b, "<td class=\"st-%s\"><a href=\"#g%zu\">", assess_status_str(m->r.status), g);
                icon(b, m->r.status);
                rb_puts(b, "<span class=\"w\">");
                esc(b, rep_status_word(m->r.status, lang));
                rb_puts(b, "</span></a></td>");
            }
        }
        rb_puts(b, cur && !found ? "<td></td></tr>\n" : "</tr>\n");
    }
    rb_puts(b, "</tbody></table></div>\n");
}

/* With one region: every target on a line, its milestones' statuses beside it, each a
 * link to the target's section. */
static void overview(rbuf *b, const eval_result *r, const size_t *idx, const size_t *starts, size_t ng,
                     report_lang lang)
{
    if (rep_nregions(r, NULL) != 1 || ng == 0)
        return;
    rb_printf(b, "<h2>%s</h2>\n<table class=\"rows overview\"><thead><tr><th>%s</th><th>%s</th></tr>"
                 "</thead><tbody>\n",
              rep_word(W_OVERVIEW, lang), rep_word(W_TARGET, lang), rep_word(W_MILESTONES_H, lang));
    for (size_t g = 0; g < ng && !b->err; g++) {
        const ms_result *m0 = &r->ms[idx[starts[g]]];
        rb_puts(b, "<tr>");
        td_open(b, rep_word(W_TARGET, lang), NULL);
        rb_printf(b, "<a href=\"#g%zu\">", g);
        esc(b, rep_target_name(m0->target));
        rb_puts(b, "</a> <small>");
        esc(b, rep_target_id(m0));
        rb_puts(b, "</small></td>");
        td_open(b, rep_word(W_MILESTONES_H, lang), NULL);
        char dl[64];
        for (size_t j = starts[g]; j < starts[g + 1]; j++) {
            const ms_result *m = &r->ms[idx[j]];
            rb_puts(b, "<span class=\"cnt\">");
            esc(b, rep_deadline_people(m, lang, dl, sizeof dl));
            rb_puts(b, "&nbsp;");
            badge(b, m->r.status, lang);
            rb_puts(b, "</span> ");
        }
        rb_puts(b, "</td></tr>\n");
    }
    rb_puts(b, "</tbody></table>\n");
}

/* ---- agencies and the reporting calendar ---- */

static void agencies(rbuf *b, const eval_result *r, report_lang lang)
{
    const pc_plan *p = r->plan;
    if (!p || !rep_any_agency_facts(r))
        return;
    rb_printf(b, "<h2>%s</h2>\n<table class=\"rows agencies\"><thead><tr><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
              rep_word(W_AGENCIES, lang), rep_word(W_AGENCY, lang), rep_word(W_MILESTONES_H, lang),
              rep_word(W_TASKS, lang), rep_word(W_REPORTS, lang));
    for (int i = 0; i < p->nagencies && !b->err; i++) {
        const agency *a = p->agencies[i];
        rep_agency_fact f;
        if (!rep_agency_facts(r, a, &f))
            continue;
        rb_puts(b, "<tr>");
        td_open(b, rep_word(W_AGENCY, lang), NULL);
        agency_label(b, a);
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_MILESTONES_H, lang), NULL);
        for (int s = 0; f.card && s < ST__COUNT; s++)
            if (f.card->counts[s]) {   /* a count and its status never part at a line end */
                rb_printf(b, "<span class=\"cnt\">%d&nbsp;", f.card->counts[s]);
                badge(b, (pc_status)s, lang);
                rb_puts(b, "</span> ");
            }
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_TASKS, lang), NULL);
        rb_printf(b, "%s: %d", rep_word(W_LEAD, lang), f.lead);
        if (f.with)
            rb_printf(b, ", %s: %d", rep_word(W_WITH, lang), f.with);
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_REPORTS, lang), NULL);
        rb_printf(b, "%d", f.nreports);
        if (f.reports[RS_LATE] || f.reports[RS_MISSING])
            rb_printf(b, " (%d %s, %d %s)", f.reports[RS_LATE], rep_word(W_LATE, lang),
                      f.reports[RS_MISSING], rep_word(W_MISSING, lang));
        rb_puts(b, "</td></tr>\n");
    }
    rb_puts(b, "</tbody></table>\n");
}

static void report_rows(rbuf *b, const eval_result *r, const agency *from, report_lang lang)
{
    static const rep_word_id heads[] = {W_REPORTS, W_TO, W_PERIOD, W_DEADLINE, W_STATUS, W_SUBMITTED};
    static const rep_word_id states[] = {W_UPCOMING, W_DUE, W_ON_TIME, W_LATE, W_MISSING};
    static const char *const classes[] = {"upcoming", "due", "on_time", "late", "missing"};
    rb_puts(b, "<table class=\"rows reports\"><thead><tr>");
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        rb_printf(b, "<th>%s</th>", rep_word(heads[i], lang));
    rb_puts(b, "</tr></thead><tbody>\n");
    char d[24];
    for (size_t i = 0; i < r->nreports && !b->err; i++) {
        const report_result *rr = &r->reports[i];
        if (rr->from != from)
            continue;
        unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
        rb_printf(b, "<tr class=\"rs-%s\">", classes[st]);
        td_open(b, rep_word(W_REPORTS, lang), NULL);
        esc(b, rr->rp && rr->rp->label ? rr->rp->label : rr->rp && rr->rp->gen_id ? rr->rp->gen_id : "");
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_TO, lang), NULL);
        esc(b, rr->rp && rr->rp->to.name ? rr->rp->to.name : "");
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_PERIOD, lang), NULL);
        esc(b, rr->period);
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_DEADLINE, lang), NULL);
        esc(b, rep_date(rr->due, d, sizeof d));
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_STATUS, lang), "state");
        esc(b, rep_word(states[st], lang));
        if (st == RS_LATE && rr->days_late > 0)
            rb_printf(b, " (%d %s)", rr->days_late, rep_word(W_DAYS, lang));
        rb_puts(b, "</td>");
        td_open(b, rep_word(W_SUBMITTED, lang), NULL);
        esc(b, rep_date(rr->submitted, d, sizeof d));
        rb_puts(b, "</td></tr>\n");
    }
    rb_puts(b, "</tbody></table>\n");
}

/* Per sender: on time / late / missing / due counts, the rows folded. */
static void calendar(rbuf *b, const eval_result *r, report_lang lang)
{
    static const rep_word_id states[] = {W_ON_TIME, W_LATE, W_MISSING, W_DUE, W_UPCOMING};
    static const report_state order[] = {RS_ON_TIME, RS_LATE, RS_MISSING, RS_DUE, RS_UPCOMING};
    if (r->nreports == 0)
        return;
    const pc_plan *p = r->plan;
    rb_printf(b, "<h2>%s</h2>\n<table class=\"rows calendar\"><thead><tr><th>%s</th>",
              rep_word(W_CALENDAR, lang), rep_word(W_AGENCY, lang));
    for (int k = 0; k < 5; k++)
        rb_printf(b, "<th class=\"num\">%s</th>", rep_word(states[k], lang));
    rb_puts(b, "</tr></thead><tbody>\n");
    int na = p ? p->nagencies : 0;
    for (int i = 0; i <= na && !b->err; i++) {
        const agency *a = i < na ? p->agencies[i] : NULL;
        int rc[RS_MISSING + 1], n = 0;
        rep_report_counts(r, a, rc);
        for (int k = 0; k <= RS_MISSING; k++)
            n += rc[k];
        if (!n)
            continue;
        rb_puts(b, "<tr>");
        td_open(b, rep_word(W_AGENCY, lang), NULL);
        if (a)
            agency_label(b, a);
        else
            esc(b, rep_word(W_ALL, lang));
        rb_puts(b, "</td>");
        for (int k = 0; k < 5; k++) {
            td_open(b, rep_word(states[k], lang), "num");
            rb_printf(b, "%d</td>", rc[order[k]]);
        }
        /* the rows, folded, on a line of their own under the counts */
        rb_printf(b, "</tr>\n<tr class=\"fold\"><td colspan=\"6\"><details><summary>%s (%d)</summary>\n",
                  rep_word(W_SHOW_ROWS, lang), n);
        report_rows(b, r, a, lang);
        rb_puts(b, "</details></td></tr>\n");
    }
    rb_puts(b, "</tbody></table>\n");
}

static void alerts(rbuf *b, const eval_result *r, report_lang lang)
{
    int any = 0;
    for (size_t i = 0; i < r->nalerts; i++) {
        const alert_result *a = &r->alerts[i];
        if (a->fired <= 0)
            continue;
        if (!any)
            rb_printf(b, "<h2>%s</h2>\n<ul class=\"alerts\">\n", rep_word(W_ALERTS, lang));
        any = 1;
        rb_puts(b, "<li>");
        esc(b, a->alert && a->alert->message ? a->alert->message : "(alert)");
        if (a->region) {
            rb_puts(b, " (");
            esc(b, a->region);
            rb_putc(b, ')');
        }
        if (a->alert && a->alert->to.name) {
            rb_puts(b, " &rarr; ");
            esc(b, a->alert->to.name);
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
    report_lang lang = opt->lang;
    rbuf b;
    if (rb_init(&b, f, (size_t)1 << 16) < 0)
        return -1;
    size_t *starts = NULL, ng = 0, *idx = rep_groups(r, &starts, &ng);
    if (r->nms && !idx) {
        rb_done(&b);
        return -1;
    }
    const plan_meta *meta = r->plan ? r->plan->meta : NULL;
    rb_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"color-scheme\" content=\"light\">\n<title>",
              lang == LANG_VI ? "vi" : "en");
    esc(&b, meta && meta->id ? meta->id : "plancheck");
    if (meta && meta->title) {
        rb_puts(&b, " — ");
        esc(&b, meta->title);
    }
    rb_puts(&b, "</title>\n");
    style_sheet(&b, r, opt);
    rb_puts(&b, "</head>\n<body>\n");
    symbols(&b);
    header(&b, r, opt);
    summary(&b, r, lang);
    legend(&b, lang);
    matrix(&b, r, idx, starts, ng, lang);
    overview(&b, r, idx, starts, ng, lang);
    int rc = targets(&b, r, idx, starts, ng, lang);
    if (rc == 0) {
        agencies(&b, r, lang);
        calendar(&b, r, lang);
        alerts(&b, r, lang);
        rb_printf(&b, "<footer>%s</footer>\n</body>\n</html>\n", rep_word(W_MADE_BY, lang));
    }
    pc_free(idx);
    pc_free(starts);
    if (rc < 0) {
        rb_done(&b);
        return -1;
    }
    return rb_done(&b);
}
