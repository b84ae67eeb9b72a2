/* report_vis.c — what the reports for people (HTML, Markdown, XLSX) share: the look of each
 * status (colour, shape, words in English and Vietnamese), the table of interface words,
 * WCAG contrast, numbers rounded to the data's precision, and the data of a target's chart
 * (series, thresholds, required and projected paths). It computes no status. */
#include "report_int.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"
#include "numfmt.h"

/* ---- statuses: colour and shape and word ----
 * Colours are darkened Okabe-Ito / Paul Tol hues (told apart with the common colour-vision
 * deficiencies), each with contrast >= 4.5:1 against white both ways (coloured text on
 * white, white on the colour); test_report.c computes it. The shape carries the meaning
 * without colour. Shapes are SVG paths in a 16 x 16 box. */
static const rep_status_look looks[ST__COUNT] = {
    [ST_MET] = {"#1d6b2e", "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm-1.2 10.2L3.6 8l1.3-1.3 1.9 1.9 4.3-4.3 1.3 1.3z",
                {"met", "đạt"}},
    [ST_MISSED] = {"#a3141f", "M2.5 4.3 4.3 2.5 8 6.2l3.7-3.7 1.8 1.8L9.8 8l3.7 3.7-1.8 1.8L8 9.8l-3.7 3.7-1.8-1.8L6.2 8z",
                   {"missed", "không đạt"}},
    [ST_ACHIEVED] = {"#006e6e", "M8 .8l2.2 4.6 5 .7-3.6 3.5.9 5L8 12.2l-4.5 2.4.9-5L.8 6.1l5-.7z",
                     {"achieved", "đã đạt trước hạn"}},
    [ST_ON_TRACK] = {"#0b5cad", "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9z",
                     {"on track", "đúng tiến độ"}},
    [ST_AT_RISK] = {"#8a5300", "M8 1 15.5 14.5H.5zm-.9 4.5v4.5h1.8V5.5zm0 5.6v1.8h1.8v-1.8z",
                    {"at risk", "có nguy cơ không đạt"}},
    [ST_OFF_TRACK] = {"#b0390b", "M8 .5 15.5 8 8 15.5.5 8zm-.9 3.8v4.6h1.8V4.3zm0 5.7v1.8h1.8V10z",
                      {"off track", "chậm tiến độ"}},
    [ST_WORSENING] = {"#8e1653", "M1 3h14L8 15zm3.4 2L8 11.3 11.6 5z",
                      {"worsening", "xấu đi"}},
    [ST_NO_TREND] = {"#555c66", "M1 6.5h14v3H1z", {"no trend", "chưa đủ số liệu xu hướng"}},
    [ST_NO_DATA] = {"#7a5c45", "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2a5 5 0 0 1 0 10A5 5 0 0 1 8 3zm-1 7.2h2v2H7zM8 4.3c1.6 0 2.7.9 2.7 2.2 0 1-.6 1.5-1.3 2-.4.3-.5.5-.5 1H7.1c0-1 .3-1.4 1-1.9.5-.4.8-.6.8-1.1 0-.5-.4-.8-.9-.8s-1 .3-1 1H5.1c0-1.5 1.2-2.4 2.9-2.4z",
                   {"no data", "không có số liệu"}},
    [ST_MAINTAINED] = {"#4d5e00", "M1.5 1.5h13v13h-13zm5.2 10 6-6-1.3-1.3-4.7 4.7-2-2-1.3 1.3z",
                       {"maintained", "duy trì đạt"}},
    [ST_BROKEN] = {"#5d2f86", "M1.5 1.5h13v13h-13zm2 2v9h9v-9zm.3 7.4 7.1-7.1 1.3 1.3-7.1 7.1z",
                   {"broken", "không duy trì được"}},
};

const rep_status_look *rep_look(pc_status s)
{
    return &looks[(unsigned)s < ST__COUNT ? s : ST_NO_DATA];
}

const char *rep_status_word(pc_status s, report_lang lang)
{
    return rep_look(s)->word[lang == LANG_VI];
}

/* ---- interface words: one table, English and Vietnamese (the plans' own terms) ---- */
static const char *const words[W__N][2] = {
    [W_PLAN] = {"Plan", "Kế hoạch"},
    [W_AUTHORITY] = {"Issued by", "Cơ quan ban hành"},
    [W_ISSUED] = {"Issued", "Ngày ban hành"},
    [W_REGION] = {"Region", "Địa bàn"},
    [W_REGIONS] = {"Regions", "Các địa bàn"},
    [W_AS_OF] = {"Data up to", "Số liệu đến năm"},
    [W_METHOD] = {"Method", "Phương pháp đánh giá"},
    [W_DATA] = {"Data", "Số liệu"},
    [W_ROWS_READ] = {"rows read", "dòng đã đọc"},
    [W_ROWS_USED] = {"rows used", "dòng được dùng"},
    [W_NO_DATA_FILE] = {"no data file given", "chưa có tệp số liệu"},
    [W_SUMMARY] = {"Summary", "Tổng hợp"},
    [W_MILESTONES] = {"milestones", "mốc chỉ tiêu"},
    [W_LEGEND] = {"Legend", "Chú giải"},
    [W_MATRIX] = {"Targets by region", "Chỉ tiêu theo địa bàn"},
    [W_TARGETS] = {"Targets", "Các chỉ tiêu"},
    [W_TARGET] = {"Target", "Chỉ tiêu"},
    [W_MILESTONE] = {"Milestone", "Mốc"},
    [W_INDICATOR] = {"Indicator", "Chỉ số"},
    [W_GOAL] = {"Goal", "Mục tiêu"},
    [W_DEADLINE] = {"Deadline", "Thời hạn"},
    [W_LATEST] = {"Latest value", "Số liệu mới nhất"},
    [W_STATUS] = {"Status", "Đánh giá"},
    [W_LEAD] = {"Lead", "Chủ trì"},
    [W_WITH] = {"With", "Phối hợp"},
    [W_AGENCIES] = {"Agencies", "Cơ quan, đơn vị"},
    [W_AGENCY] = {"Agency", "Cơ quan, đơn vị"},
    [W_TASKS] = {"Tasks", "Nhiệm vụ"},
    [W_REPORTS] = {"Reports", "Báo cáo"},
    [W_CALENDAR] = {"Reporting calendar", "Chế độ báo cáo"},
    [W_ON_TIME] = {"on time", "đúng hạn"},
    [W_LATE] = {"late", "muộn"},
    [W_MISSING] = {"missing", "chưa nộp"},
    [W_DUE] = {"due", "đến hạn"},
    [W_UPCOMING] = {"upcoming", "chưa đến hạn"},
    [W_SHOW_ROWS] = {"Show every report", "Xem từng báo cáo"},
    [W_PERIOD] = {"Period", "Kỳ"},
    [W_TO] = {"To", "Gửi"},
    [W_SUBMITTED] = {"Submitted", "Ngày nộp"},
    [W_ALERTS] = {"Alerts", "Cảnh báo"},
    [W_SERIES] = {"data", "số liệu"},
    [W_REQUIRED] = {"required path", "lộ trình cần đạt"},
    [W_PROJECTED] = {"projected", "dự báo"},
    [W_EXPECTED_NOW] = {"expected now", "cần đạt đến nay"},
    [W_THRESHOLD] = {"threshold", "ngưỡng"},
    [W_YEAR] = {"year", "năm"},
    [W_UNIT] = {"unit", "đơn vị"},
    [W_TOTAL] = {"Total", "Tổng"},
    [W_NONE] = {"no milestones", "không có mốc chỉ tiêu"},
    [W_NOBODY] = {"(no lead named)", "(chưa giao chủ trì)"},
    [W_ALL] = {"all bodies", "các cơ quan"},
    [W_PAGE] = {"Page", "Trang"},
    [W_MADE_BY] = {"Made by plancheck", "Lập bằng plancheck"},
    [W_CHART_KEY] = {"How to read the charts", "Cách đọc biểu đồ"},
    [W_DAYS] = {"days", "ngày"},
    [W_MILESTONES_H] = {"Milestones", "Mốc chỉ tiêu"},
    [W_MILESTONE_1] = {"milestone", "mốc chỉ tiêu"},
    [W_OVERVIEW] = {"At a glance", "Tổng quan các chỉ tiêu"},
};

const char *rep_word(rep_word_id w, report_lang lang)
{
    return (unsigned)w < W__N && words[w][0] ? words[w][lang == LANG_VI] : "";
}

const char *rep_method_name(method m, report_lang lang)
{
    static const char *const names[3][2] = {
        {"UNSD progress chart (current vs required rate)", "UNSD: so tốc độ thực tế với tốc độ cần đạt"},
        {"UNSD projection to the deadline", "UNSD: dự báo đến thời hạn"},
        {"WHO/UNICEF average annual rate of reduction", "WHO/UNICEF: tốc độ giảm bình quân năm"},
    };
    int i = m == METHOD_PROJECTION ? 1 : m == METHOD_AARR ? 2 : 0;
    return names[i][lang == LANG_VI];
}

/* ---- contrast (WCAG 2.x) ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Relative luminance of "#rrggbb"; -1 when not that form. */
static double luminance(const char *hex)
{
    if (!hex || hex[0] != '#' || strlen(hex) != 7)
        return -1;
    double l = 0;
    static const double w[3] = {0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; i++) {
        int hi = hexval(hex[1 + 2 * i]), lo = hexval(hex[2 + 2 * i]);
        if (hi < 0 || lo < 0)
            return -1;
        double c = (hi * 16 + lo) / 255.0;
        c = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
        l += w[i] * c;
    }
    return l;
}

double rep_contrast(const char *a, const char *b)
{
    double la = luminance(a), lb = luminance(b);
    if (la < 0 || lb < 0)
        return 0;
    double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
    return (hi + 0.05) / (lo + 0.05);
}

/* ---- numbers for people ---- */

/* Digits after the point in the shortest form of x ("19.1" -> 1, "55" -> 0). */
static int decimals_of(double x)
{
    char s[NUMFMT_MAX];
    numfmt_shortest(x, s);
    if (strchr(s, 'e'))
        return 7;   /* a tiny or huge number: treated as computed */
    const char *dot = strchr(s, '.');
    return dot ? (int)strlen(dot + 1) : 0;
}

int rep_decimals(const double *v, size_t n, int fallback)
{
    int d = -1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        int k = decimals_of(v[i]);
        if (k <= REP_MAX_DATA_DECIMALS && k > d)
            d = k;   /* longer forms are computed values (a derived indicator), not data */
    }
    if (d < 0)
        d = fallback;
    return d < 0 ? 0 : d > REP_MAX_DATA_DECIMALS ? REP_MAX_DATA_DECIMALS : d;
}

const char *rep_num(double x, int decimals, report_lang lang, char *buf, size_t len)
{
    char t[NUMFMT_MAX];
    if (!isfinite(x)) {
        snprintf(buf, len, "%s", "–");
        return buf;
    }
    numfmt_fixed(x, decimals < 0 ? 0 : decimals, t);
    /* group thousands (en ",", vi "."), decimal point (en ".", vi ",") */
    const char *p = t;
    size_t o = 0;
    if (*p == '-')
        buf[o++] = '-', p++;
    size_t ilen = strcspn(p, ".");
    for (size_t i = 0; i < ilen && o + 2 < len; i++) {
        if (i && (ilen - i) % 3 == 0 && ilen > 4)
            buf[o++] = lang == LANG_VI ? '.' : ',';
        buf[o++] = p[i];
    }
    if (p[ilen] == '.' && o + 2 < len) {
        buf[o++] = lang == LANG_VI ? ',' : '.';
        for (const char *q = p + ilen + 1; *q && o + 1 < len; q++)
            buf[o++] = *q;
    }
    buf[o] = '\0';
    return buf;
}

/* ---- chart data ---- */

double rep_required_at(double xb, int b, double v, int d, int y)
{
    if (d == b || !isfinite(xb) || !isfinite(v))
        return NAN;
    double f = (double)(y - b) / (double)(d - b);
    if (xb < 0 || v < 0)
        return xb + (v - xb) * f;   /* no power of a negative: a straight line */
    double x0 = xb == 0 ? 0.001 : xb, x1 = v == 0 ? 0.001 : v;
    return x0 * pow(x1 / x0, f);
}

/* Points of x0·(x1/x0)^((y−y0)/(y1−y0)) for each year y0..y1 (geometric between two
 * values, as the projection x_L·(1 + r_a)^(y − L) is; a straight line when one of them is
 * not positive). 0, or -1 on OOM; no points for a span of 0 or over 400 years. */
static int path(arena *a, int y0, double x0, int y1, double x1, rep_pt **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (y1 <= y0 || y1 - y0 > 400 || !isfinite(x0) || !isfinite(x1))
        return 0;
    rep_pt *p = arena_alloc(a, sizeof *p * (size_t)(y1 - y0 + 1));
    if (!p)
        return -1;
    int geo = x0 > 0 && x1 > 0;
    for (int y = y0; y <= y1; y++) {
        double f = (double)(y - y0) / (double)(y1 - y0);
        p[*n].year = y;
        p[*n].value = geo ? x0 * pow(x1 / x0, f) : x0 + (x1 - x0) * f;
        (*n)++;
    }
    *out = p;
    return 0;
}

/* The required path from the baseline b to the deadline d, a point a year, each by
 * rep_required_at. 0, or -1 on OOM. */
static int required_path(arena *a, double xb, int b, double v, int d, rep_pt **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (d <= b || d - b > 400)
        return 0;
    rep_pt *p = arena_alloc(a, sizeof *p * (size_t)(d - b + 1));
    if (!p)
        return -1;
    for (int y = b; y <= d; y++)
        p[(*n)++] = (rep_pt){y, rep_required_at(xb, b, v, d, y)};
    *out = p;
    return 0;
}

/* The paths of one milestone, computed from its baseline, threshold and deadline (when the
 * assessment results carry expected_now and the rate from now, this is where to read
 * them). 0, or -1 on OOM. */
static int fill_ms_path(const ms_result *m, int as_of, arena *a, rep_ms_path *p)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->threshold = NAN;
    rep_kind k = rep_ms_kind(m);
    if (k == RK_RATE || !m->ms)
        return 0;
    p->threshold = m->ms->q.value;
    if (k == RK_MAINTAIN) {
        p->from = m->ms->win_from;
        p->to = m->ms->win_to;
        return 0;
    }
    p->year = m->ms->year;
    const assess_result *r = &m->r;
    int b = r->base_year, l = r->latest_year, d = m->ms->year;
    if (as_of >= d || !b || !l || l <= b || isnan(r->base_value))
        return 0;   /* deadline reached, or no trend: the threshold and the data say it all */
    if (assess_satisfies(r->base_value, m->ms->cmp, p->threshold, m->ms->q.decimals))
        return 0;   /* the baseline already meets the goal: there is no path to require */
    if (required_path(a, r->base_value, b, p->threshold, d, &p->required, &p->nrequired) < 0)
        return -1;
    double now = rep_required_at(r->base_value, b, p->threshold, d, l);
    if (isfinite(now)) {
        p->expected_now = (rep_pt){l, now};
        p->has_expected_now = 1;
    }
    if (isfinite(r->projected) && isfinite(r->latest_value))
        return path(a, l, r->latest_value, d, r->projected, &p->projected, &p->nprojected);
    return 0;
}

static void range_add(rep_chart *c, double v)
{
    if (!isfinite(v))
        return;
    if (isnan(c->y0) || v < c->y0) c->y0 = v;
    if (isnan(c->y1) || v > c->y1) c->y1 = v;
}

static void year_add(rep_chart *c, int y)
{
    if (!y)
        return;
    if (!c->x0 || y < c->x0) c->x0 = y;
    if (!c->x1 || y > c->x1) c->x1 = y;
}

/* Round the value range out to a "nice" step (1, 2, 2.5, 5 × 10^k), about four steps. */
static void nice_range(rep_chart *c)
{
    if (isnan(c->y0)) {
        c->y0 = 0, c->y1 = 1;
    }
    double lo = c->y0, hi = c->y1;
    if (hi - lo < 1e-9) {
        double pad = fabs(hi) > 1e-9 ? fabs(hi) * 0.1 : 1;
        lo -= pad, hi += pad;
        if (c->y0 >= 0 && lo < 0)
            lo = 0;
    }
    double raw = (hi - lo) / 4, mag = pow(10, floor(log10(raw))), step = 10 * mag;
    static const double mult[] = {1, 2, 2.5, 5};
    for (int i = 0; i < 4; i++)
        if (mult[i] * mag >= raw) {
            step = mult[i] * mag;
            break;
        }
    c->step = step;
    c->y0 = floor(lo / step + 1e-9) * step;
    c->y1 = ceil(hi / step - 1e-9) * step;
    if (c->y1 <= c->y0)
        c->y1 = c->y0 + step;
    c->step_decimals = 0;
    for (double s = step; c->step_decimals < 6 && fabs(s - round(s)) > 1e-9; s *= 10)
        c->step_decimals++;
}

int rep_chart_build(const eval_result *r, const ms_result *const *ms, size_t nms, arena *a,
                    rep_chart *c)
{
    memset(c, 0, sizeof *c);
    c->y0 = c->y1 = NAN;
    if (nms == 0)
        return 0;
    const ms_result *m0 = ms[0];
    c->target = m0->target;
    c->ind = m0->ind;
    c->region = m0->region;
    uint32_t rid;
    if (r->ds && r->plan && m0->ind && m0->target && m0->region &&
        ds_lookup_str(r->ds, m0->region, strlen(m0->region), &rid)) {
        ds_yearly y;
        if (eval_series(r->plan, r->ds, m0->ind, &m0->target->series, rid,
                        r->as_of ? r->as_of : 9999, a, &y) != 0)
            return -1;
        c->series = arena_alloc(a, sizeof *c->series * (y.n ? y.n : 1));
        if (!c->series)
            return -1;
        for (size_t i = 0; i < y.n; i++) {
            c->series[i] = (rep_pt){y.years[i], y.values[i]};
            range_add(c, y.values[i]);
            year_add(c, y.years[i]);
        }
        c->n = y.n;
        c->decimals = rep_decimals(y.values, y.n, -1);
    }
    c->ms = arena_alloc(a, sizeof *c->ms * nms);
    if (!c->ms)
        return -1;
    c->nms = nms;
    int qdec = 0;
    for (size_t i = 0; i < nms; i++) {
        rep_ms_path *p = &c->ms[i];
        if (fill_ms_path(ms[i], r->as_of, a, p) < 0)
            return -1;
        range_add(c, p->threshold);
        year_add(c, p->year);
        year_add(c, p->from);
        year_add(c, p->to);
        if (ms[i]->ms && ms[i]->ms->q.decimals > qdec)
            qdec = ms[i]->ms->q.decimals;
        if (rep_ms_kind(ms[i]) == RK_RATE && ms[i]->target) {
            year_add(c, ms[i]->target->rate_from);
            year_add(c, ms[i]->target->rate_to);
        }
        for (size_t k = 0; k < p->nrequired; k++)
            range_add(c, p->required[k].value);
        for (size_t k = 0; k < p->nprojected; k++)
            range_add(c, p->projected[k].value);
        year_add(c, p->nprojected ? p->projected[p->nprojected - 1].year : 0);
        year_add(c, p->nrequired ? p->required[0].year : 0);
    }
    if (!c->n) {   /* no data to hand (tests, the REPL): the values the assessment used */
        double v[2] = {m0->r.base_value, m0->r.latest_value};
        c->decimals = rep_decimals(v, 2, qdec);
    }
    /* (never more decimals than the data has, even beside a goal written "99.5": goals are
     * shown as written, values as measured) */
    year_add(c, r->as_of);
    if (!c->x0)
        c->x0 = c->x1 = r->as_of ? r->as_of : 2020;
    if (c->x0 == c->x1)
        c->x0--, c->x1++;
    nice_range(c);
    return 0;
}

size_t *rep_groups(const eval_result *r, size_t **starts, size_t *ngroups)
{
    *starts = NULL;
    *ngroups = 0;
    size_t n = r->nms;
    if (n == 0)
        return NULL;
    size_t *order = rep_order(r, 0, NULL);   /* target, milestone, region */
    size_t *block = pc_malloc(n * sizeof *block), *out = pc_malloc(n * sizeof *out);
    size_t *st = pc_malloc((n + 1) * sizeof *st);
    if (!order || !block || !out || !st) {
        pc_free(order), pc_free(block), pc_free(out), pc_free(st);
        return NULL;
    }
    /* region block of each result (r->ms is sorted by region) */
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(r->ms[i].region ? r->ms[i].region : "",
                        r->ms[i - 1].region ? r->ms[i - 1].region : "") != 0)
            nb++;
        block[i] = nb;
    }
    nb++;
    /* a stable counting sort of the target order by region block */
    size_t *fill = pc_calloc(nb + 1, sizeof *fill);
    if (!fill) {
        pc_free(order), pc_free(block), pc_free(out), pc_free(st);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        fill[block[i] + 1]++;
    for (size_t k = 0; k < nb; k++)
        fill[k + 1] += fill[k];
    for (size_t i = 0; i < n; i++)
        out[fill[block[order[i]]]++] = order[i];
    size_t ng = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || block[out[i]] != block[out[i - 1]] || r->ms[out[i]].target != r->ms[out[i - 1]].target)
            st[ng++] = i;
    st[ng] = n;
    pc_free(fill), pc_free(order), pc_free(block);
    *starts = st;
    *ngroups = ng;
    return out;
}

/* Computed points (paths) are rounded to k decimals: two more than the data has. */
static double round_to(double v, int k)
{
    double f = pow(10, k);
    return k < 0 ? v : round(v * f) / f;
}

static void json_point(rbuf *b, const rep_pt *p, int k)
{
    rb_putc(b, '[');
    rep_json_int(b, p->year);
    rb_put(b, ", ", 2);
    rep_json_num(b, round_to(p->value, k));
    rb_putc(b, ']');
}

int rep_chart_of_group(const eval_result *r, const size_t *idx, const size_t *starts, size_t g,
                       arena *a, rep_chart *c)
{
    size_t n = starts[g + 1] - starts[g];
    const ms_result **ms = arena_alloc(a, (n ? n : 1) * sizeof *ms);
    if (!ms)
        return -1;
    for (size_t k = 0; k < n; k++)
        ms[k] = &r->ms[idx[starts[g] + k]];
    return rep_chart_build(r, ms, n, a, c);
}

static void json_points(rbuf *b, const rep_pt *p, size_t n, int k)
{
    rb_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            rb_put(b, ", ", 2);
        json_point(b, &p[i], k);
    }
    rb_putc(b, ']');
}

void rep_json_chart(rbuf *b, const eval_result *r, const ms_result *m)
{
    arena *a = arena_new();
    rep_chart c;
    if (!a || rep_chart_build(r, &m, 1, a, &c) != 0) {
        arena_free(a);
        b->err = 1;
        errno = ENOMEM;
        return;
    }
    const rep_ms_path *p = &c.ms[0];
    int k = c.decimals + 2;
    rb_puts(b, "{\"series\": ");
    json_points(b, c.series, c.n, -1);
    rb_puts(b, ", \"threshold\": ");
    rep_json_num(b, p->threshold);
    rb_puts(b, ", \"required\": ");
    json_points(b, p->required, p->nrequired, k);
    rb_puts(b, ", \"expected_now\": ");
    if (p->has_expected_now)
        json_point(b, &p->expected_now, k);
    else
        rb_puts(b, "null");
    rb_puts(b, ", \"projected\": ");
    json_points(b, p->projected, p->nprojected, k);
    rb_puts(b, ", \"decimals\": ");
    rep_json_int(b, c.decimals);
    rb_putc(b, '}');
    arena_free(a);
}

/* ---- cells for people, in the report's language ---- */

const char *rep_unit_people(const unit *u, report_lang lang, char *buf, size_t len)
{
    switch (u->kind) {
    case UNIT_BARE: return "";
    case UNIT_PERCENT: return "%";
    case UNIT_PERMILLE: return "‰";
    default: break;
    }
    char num[64];
    rep_num(u->scale, 0, lang, num, sizeof num);
    snprintf(buf, len, lang == LANG_VI ? "/%s" : "per %s", num);
    return buf;
}

/* "17%", "18.5‰", "12 per 100,000" */
static void qty_people(double v, int decimals, const unit *u, report_lang lang, char *buf, size_t len)
{
    char num[64], ub[48];
    int d = decimals_of(v);   /* a goal is shown as written: never rounded */
    if (d > decimals && d <= 6)
        decimals = d;
    rep_num(v, decimals, lang, num, sizeof num);
    const char *us = rep_unit_people(u, lang, ub, sizeof ub);
    snprintf(buf, len, "%s%s%s", num, *us && *us != '%' && strcmp(us, "‰") != 0 ? " " : "", us);
}

const char *rep_goal_people(const ms_result *m, report_lang lang, char *buf, size_t len)
{
    static const char *const dirs[2][2] = {{"decrease", "giảm"}, {"increase", "tăng"}};
    char a[80], c[80];
    int vi = lang == LANG_VI;
    if (rep_ms_kind(m) == RK_RATE) {
        const target *t = m->target;
        qty_people(t->rate_lo.value, t->rate_lo.decimals, &t->rate_lo.u, lang, a, sizeof a);
        if (t->has_rate_hi) {
            qty_people(t->rate_hi.value, t->rate_hi.decimals, &t->rate_hi.u, lang, c, sizeof c);
            snprintf(buf, len, "%s %s – %s/%s", dirs[t->rate_increase != 0][vi], a, c, vi ? "năm" : "yr");
        } else {
            snprintf(buf, len, "%s %s/%s", dirs[t->rate_increase != 0][vi], a, vi ? "năm" : "yr");
        }
        return buf;
    }
    qty_people(m->ms->q.value, m->ms->q.decimals, rep_ms_unit(m), lang, a, sizeof a);
    const char *op = ast_cmp_str(m->ms->cmp);
    if (strcmp(op, "<=") == 0)
        op = "≤";
    else if (strcmp(op, ">=") == 0)
        op = "≥";
    snprintf(buf, len, "%s %s", op, a);
    return buf;
}

const char *rep_deadline_people(const ms_result *m, report_lang lang, char *buf, size_t len)
{
    const char *keep = lang == LANG_VI ? "duy trì" : "maintain";
    switch (rep_ms_kind(m)) {
    case RK_RATE:
        snprintf(buf, len, "%d–%d", m->target->rate_from, m->target->rate_to);
        break;
    case RK_MAINTAIN:
        if (m->ms->win_from && m->ms->win_to)
            snprintf(buf, len, "%s %d–%d", keep, m->ms->win_from, m->ms->win_to);
        else if (m->ms->win_from)
            snprintf(buf, len, "%s %d–", keep, m->ms->win_from);
        else if (m->ms->win_to)
            snprintf(buf, len, "%s –%d", keep, m->ms->win_to);
        else
            snprintf(buf, len, "%s", keep);
        break;
    default:
        snprintf(buf, len, "%d", m->ms->year);
    }
    return buf;
}

const char *rep_latest_people(const ms_result *m, int decimals, report_lang lang, char *buf, size_t len)
{
    if (!m->r.latest_year || isnan(m->r.latest_value)) {
        buf[0] = '\0';
        return buf;
    }
    char num[64], ub[48];
    rep_num(m->r.latest_value, decimals, lang, num, sizeof num);
    const char *us = rep_unit_people(rep_ms_unit(m), lang, ub, sizeof ub);
    snprintf(buf, len, "%s%s%s (%d)", num, *us && *us != '%' && strcmp(us, "‰") != 0 ? " " : "", us,
             m->r.latest_year);
    return buf;
}

/* A CSS string literal ("…") that nothing in it can end: every byte other than letters,
 * digits, space and UTF-8 is written as a hex escape. */
void rep_css_str(rbuf *b, const char *s)
{
    rb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if (c >= 0x80 || c == ' ' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z'))
            rb_putc(b, (char)c);
        else
            rb_printf(b, "\\%x ", c);
    }
    rb_putc(b, '"');
}

/* ---- agencies: cards, tasks, reports ---- */

const agency_card *rep_card_of(const eval_result *r, const agency *a)
{
    for (int i = 0; i < r->ncards; i++)
        if (r->cards[i].agency == a)
            return &r->cards[i];
    return NULL;
}

static int is_agency(const name_ref *n, const agency *a)
{
    return n->name && a->id.name && strcmp(n->name, a->id.name) == 0;
}

void rep_task_counts(const pc_plan *p, const agency *a, int *lead, int *with)
{
    *lead = *with = 0;
    for (int i = 0; i < p->ntasks; i++) {
        const task *t = p->tasks[i];
        if (is_agency(&t->lead, a)) {
            (*lead)++;
            continue;
        }
        for (int k = 0; k < t->nwith; k++)
            if (is_agency(&t->with[k], a)) {
                (*with)++;
                break;
            }
    }
}

void rep_report_counts(const eval_result *r, const agency *from, int *counts)
{
    memset(counts, 0, sizeof *counts * (RS_MISSING + 1));
    for (size_t i = 0; i < r->nreports; i++)
        if (r->reports[i].from == from && (unsigned)r->reports[i].state <= RS_MISSING)
            counts[r->reports[i].state]++;
}


int rep_agency_facts(const eval_result *r, const agency *a, rep_agency_fact *f)
{
    f->card = rep_card_of(r, a);
    rep_task_counts(r->plan, a, &f->lead, &f->with);
    rep_report_counts(r, a, f->reports);
    f->nreports = 0;
    for (int k = 0; k <= RS_MISSING; k++)
        f->nreports += f->reports[k];
    return (f->card && f->card->total) || f->lead || f->with || f->nreports;
}

int rep_any_agency_facts(const eval_result *r)
{
    rep_agency_fact f;
    for (int i = 0; r->plan && i < r->plan->nagencies; i++)
        if (rep_agency_facts(r, r->plan->agencies[i], &f))
            return 1;
    return 0;
}

/* The name people know a target by: its label, else its indicator's name, else the id. */
const char *rep_target_name(const target *t)
{
    if (!t)
        return "";
    if (t->label)
        return t->label;
    const indicator *ind = t->series.resolved;
    if (ind && ind->name)
        return ind->name;
    return t->gen_id ? t->gen_id : "";
}

/* ---- text shapes ---- */

const char *rep_status_glyph(pc_status s)
{
    static const char *const glyphs[ST__COUNT] = {
        [ST_MET] = "✔", [ST_MISSED] = "✖", [ST_ACHIEVED] = "★", [ST_ON_TRACK] = "○",
        [ST_AT_RISK] = "▲", [ST_OFF_TRACK] = "◆", [ST_WORSENING] = "▼", [ST_NO_TREND] = "—",
        [ST_NO_DATA] = "?", [ST_MAINTAINED] = "■", [ST_BROKEN] = "☐",
    };
    return glyphs[(unsigned)s < ST__COUNT ? s : ST_NO_DATA];
}

const char *rep_sparkline(const rep_pt *p, size_t n, char *buf, size_t len)
{
    static const char *const bars[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    buf[0] = '\0';
    if (n < 2)
        return buf;
    double lo = p[0].value, hi = p[0].value;
    for (size_t i = 1; i < n; i++) {
        if (p[i].value < lo) lo = p[i].value;
        if (p[i].value > hi) hi = p[i].value;
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < len; i++) {
        int k = hi > lo ? (int)lround((p[i].value - lo) / (hi - lo) * 7) : 3;
        memcpy(buf + o, bars[k < 0 ? 0 : k > 7 ? 7 : k], 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}
