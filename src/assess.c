/* assess.c — the assessment rules of DESIGN.md §4 (version 2): one milestone against one
 * annual series gives a status, the numbers behind it and the reason for a no_trend/no_data.
 * Pure arithmetic: no I/O, no names, no exit or abort, and no allocation except the arena
 * list of broken years. docs/assessment.md is the readable account, rule by rule; what
 * follows is what the code must keep.
 *
 *  - Years after A are never used, except a reached deadline's D+1 when D+1 ≤ A. A NaN in
 *    the yearly view counts as missing.
 *  - `by` milestones, the first rule that applies wins: 1. A ≥ D: the value at D, else D−1,
 *    else D+1 ≤ A → met/missed (value_year), none → no_data; 2. no value ≤ A → no_data;
 *    3. x_L satisfies → achieved; 4. no B or L ≤ B → no_trend; 5. the trend by method, and
 *    slipped (x_B satisfied, x_L does not) → worsening whatever the method, the method's
 *    numbers kept.
 *  - B: the declared year (target's, else plan's) when it has a value ≤ A; else the target's
 *    stated value (`baseline V in YEAR`); else the nearest later year with a value before L,
 *    else the nearest earlier one ≤ A (declared_base records the move). No declared year:
 *    the earliest year with a value.
 *  - s = −1 for < <=, +1 for > >=; for '=' the indicator's direction (in->dir), else towards
 *    v* from x_B (from x_L when equal).
 *  - cr and the projection follow bench/README.md's arithmetic in its order, so that the
 *    CSV is byte-identical with the peers': r_a = pow(x_L/x_B, 1.0/(L−B)) − 1,
 *    r_r = pow(v* / x_B, 1.0/(D−B)) − 1 (a zero x_B or v* taken as 0.001 there only),
 *    projected = x_L·pow(1 + r_a, D − L), CR = (s·r_a)/|r_r| with s·r_a an exact sign change
 *    (−0.0 when r_a = 0 and s = −1). No expression in the cr path has the a·b + c shape, so
 *    -ffp-contract cannot fuse anything into an FMA there.
 *  - aarr regresses ln x over the years from B to L with a value > 0 (the stated x_B among
 *    them); fewer than two → no_trend.
 *  - maintain: every year with a value from `from` (else B) to min(A, `to`), loosened by
 *    `within`; before `from` → no_data.
 *  - rate: the compounded average from the first to the last year with a value in the
 *    window against the lower bound (slack 1e-9); the years whose change from the year
 *    before with a value misses it are listed, and do not decide.
 *  - '=': |x − v| ≤ 0.5·10^−d (d = the digits written after the point of v, 0..17), plus a
 *    slack of 1e-9 of that and 16 ulps of max(|x|, |v|).
 */
#include "assess.h"
#include <float.h>
#include <math.h>
#include <string.h>

/* ---- statuses ---- */

static const char *const status_str[ST__COUNT] = {
    "met", "missed", "achieved", "on_track", "at_risk", "off_track", "worsening",
    "no_trend", "no_data", "maintained", "broken",
};
static const char *const status_label[ST__COUNT] = {
    "met", "missed", "achieved", "on track", "at risk", "off track", "worsening",
    "no trend", "no data", "maintained", "broken",
};

const char *assess_status_str(pc_status s)
{
    return (unsigned)s < ST__COUNT ? status_str[s] : "?";
}

const char *assess_status_label(pc_status s)
{
    return (unsigned)s < ST__COUNT ? status_label[s] : "?";
}

/* Case-insensitive; '_', '-' and ' ' are the same separator. */
int assess_status_parse(const char *s, pc_status *out)
{
    if (!s)
        return -1;
    for (int i = 0; i < ST__COUNT; i++) {
        const char *p = s, *q = status_str[i];
        for (;; p++, q++) {
            char c = *p;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c == '-' || c == ' ')
                c = '_';
            if (c != *q)
                break;
            if (!c) {
                if (out)
                    *out = (pc_status)i;
                return 0;
            }
        }
    }
    return -1;
}

/* ---- comparisons ---- */

static const double pow10_neg[] = {
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9,
    1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
};

int assess_satisfies(double x, cmp_op cmp, double v, int decimals)
{
    switch (cmp) {
    case CMP_LT: return x < v;
    case CMP_LE: return x <= v;
    case CMP_GT: return x > v;
    case CMP_GE: return x >= v;
    case CMP_EQ: {
        if (decimals < 0)
            decimals = 0;
        if (decimals > 17)
            decimals = 17;
        double tol = 0.5 * pow10_neg[decimals];
        double mag = fmax(fabs(x), fabs(v));
        return fabs(x - v) <= tol + tol * 1e-9 + 16 * DBL_EPSILON * mag;
    }
    }
    return 0;
}

/* ---- status maps (ties belong to the better status) ---- */

pc_status assess_cr_status(double cr)
{
    if (cr >= 0.95)
        return ST_ON_TRACK;
    if (cr >= 0.5)
        return ST_AT_RISK;
    if (cr >= -0.10)
        return ST_OFF_TRACK;
    return ST_WORSENING;
}

pc_status assess_projection_status(double p)
{
    if (p >= 0.95)
        return ST_ON_TRACK;
    if (p >= 0.10)
        return ST_AT_RISK;
    if (p >= 0)
        return ST_OFF_TRACK;
    return ST_WORSENING;
}

pc_status assess_aarr_status(double aarr, double required)
{
    if (aarr >= required)
        return ST_ON_TRACK;
    if (aarr > 0.5)
        return ST_AT_RISK;
    if (aarr >= -0.5)
        return ST_OFF_TRACK;
    return ST_WORSENING;
}

/* ---- the yearly view ---- */

/* Index of the first entry with year > yr (upper bound). */
static size_t upper(const ds_yearly *y, int yr)
{
    size_t lo = 0, hi = y->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (y->years[mid] <= yr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of year yr with a value, or -1. */
static long find_year(const ds_yearly *y, int yr)
{
    size_t i = upper(y, yr);
    if (i > 0 && y->years[i - 1] == yr && !isnan(y->values[i - 1]))
        return (long)(i - 1);
    return -1;
}

/* Index of the latest year ≤ yr with a value, or -1. */
static long last_le(const ds_yearly *y, int yr)
{
    size_t i = upper(y, yr);
    while (i > 0) {
        i--;
        if (!isnan(y->values[i]))
            return (long)i;
    }
    return -1;
}

/* Index of the first entry with a value, or -1. */
static long first_valid(const ds_yearly *y)
{
    for (size_t i = 0; i < y->n; i++)
        if (!isnan(y->values[i]))
            return (long)i;
    return -1;
}

static void result_init(assess_result *out, const assess_input *in)
{
    out->status = ST_NO_DATA;
    out->method = in->method;
    out->base_year = 0;
    out->base_value = NAN;
    out->latest_year = 0;
    out->latest_value = NAN;
    out->deadline_value = NAN;
    out->actual_rate = NAN;
    out->required_rate = NAN;
    out->ratio = NAN;
    out->projected = NAN;
    out->expected_now = NAN;
    out->required_rate_from_now = NAN;
    out->value_year = 0;
    out->declared_base = 0;
    out->base_from_plan = 0;
    out->ev_points = 0;
    out->ev_span = 0;
    out->ev_age = 0;
    out->reason = AR_NONE;
    out->nbroken = 0;
    out->broken = NULL;
}

static const char *const reason_str[AR__COUNT] = {
    NULL, "no value up to the as-of year", "no value at the deadline or a year either side",
    "one point", "baseline after latest", "negative values", "fewer than two values above zero",
    "window not open", "no value in the window", "one point in the window",
};

const char *assess_reason_str(assess_reason r)
{
    return (unsigned)r < AR__COUNT ? reason_str[r] : NULL;
}

/* Index of the first year > lo and < hi with a value, or -1. */
static long first_between(const ds_yearly *y, int lo, int hi)
{
    for (size_t i = upper(y, lo); i < y->n && y->years[i] < hi; i++)
        if (!isnan(y->values[i]))
            return (long)i;
    return -1;
}

/* L (the latest year ≤ A with a value) and B with x_B as §4 defines them; sets the result's
 * base/latest fields. *ib is B's index in y, or -1 (no B, or x_B from the plan). */
static void base_latest(const assess_input *in, const ds_yearly *y, assess_result *out,
                        long *ib, long *il)
{
    *il = last_le(y, in->as_of);
    *ib = -1;
    if (*il >= 0) {
        out->latest_year = y->years[*il];
        out->latest_value = y->values[*il];
    }
    const int B0 = in->baseline;
    if (!B0) {
        if (*il >= 0)
            *ib = first_valid(y);      /* ≤ L ≤ A */
    } else {
        *ib = B0 <= in->as_of ? find_year(y, B0) : -1;
        out->base_year = B0;
        if (*ib < 0 && in->has_stated_base) {      /* the plan's own figure */
            out->base_value = in->stated_base;
            out->base_from_plan = 1;
            return;
        }
        if (*ib < 0 && *il >= 0) {                 /* move: later before L, else earlier */
            *ib = first_between(y, B0, out->latest_year);
            if (*ib < 0)
                *ib = last_le(y, B0 - 1 < in->as_of ? B0 - 1 : in->as_of);
            if (*ib >= 0)
                out->declared_base = B0;
        }
    }
    if (*ib >= 0) {
        out->base_year = y->years[*ib];
        out->base_value = y->values[*ib];
    }
}

/* The good direction: down for < <=, up for > >=; for '=' the indicator's declared one,
 * else towards v* from x_B (from x_L when they are equal). */
static int lower_is_better(const assess_input *in, double xb, double xl)
{
    switch (in->cmp) {
    case CMP_LT: case CMP_LE: return 1;
    case CMP_GT: case CMP_GE: return 0;
    case CMP_EQ: break;
    }
    if (in->dir == DIR_LOWER)
        return 1;
    if (in->dir == DIR_HIGHER)
        return 0;
    if (in->threshold != xb)
        return in->threshold < xb;
    return xl > in->threshold;
}

/* Years with a value in [B, L] (those > 0 only when positive), the stated x_B counted. */
static int count_points(const ds_yearly *y, const assess_result *out, int positive)
{
    int n = 0;
    for (size_t i = upper(y, out->base_year - 1); i < y->n && y->years[i] <= out->latest_year; i++)
        if (!isnan(y->values[i]) && (!positive || y->values[i] > 0))
            n++;
    if (out->base_from_plan && (!positive || out->base_value > 0))
        n++;
    return n;
}

/* aarr: the least-squares slope β of ln x on the year over the points > 0 from B to L
 * (the stated x_B included); NaN with fewer than two. */
static double aarr_slope(const ds_yearly *y, const assess_result *out)
{
    const int B = out->base_year;
    double sy = 0, sl = 0;
    int n = 0;
    size_t first = upper(y, B - 1);
    if (out->base_from_plan && out->base_value > 0) {
        sl += log(out->base_value);
        n++;
    }
    for (size_t i = first; i < y->n && y->years[i] <= out->latest_year; i++)
        if (y->values[i] > 0) {            /* NaN, zero and negative left out */
            sy += y->years[i] - B;         /* years relative to B: small exact integers */
            sl += log(y->values[i]);
            n++;
        }
    if (n < 2)
        return NAN;
    double my = sy / n, ml = sl / n, sxy = 0, sxx = 0;
    if (out->base_from_plan && out->base_value > 0) {
        sxy += (0 - my) * (log(out->base_value) - ml);
        sxx += my * my;
    }
    for (size_t i = first; i < y->n && y->years[i] <= out->latest_year; i++)
        if (y->values[i] > 0) {
            double dy = (y->years[i] - B) - my;
            sxy += dy * (log(y->values[i]) - ml);
            sxx += dy * dy;
        }
    return sxx > 0 ? sxy / sxx : NAN;
}

/* aarr's statistics (rule 4): AARR and AARR*, negated when higher is better. */
static void assess_aarr(const assess_input *in, const ds_yearly *y, assess_result *out,
                        int lower)
{
    const int D = in->deadline;
    double beta = aarr_slope(y, out);
    if (isnan(beta)) {
        out->status = ST_NO_TREND;
        out->reason = AR_FEW_POSITIVE;
        return;
    }
    double xb = out->base_value != 0 ? out->base_value : 0.001;
    double v = in->threshold != 0 ? in->threshold : 0.001;
    double aarr = 100 * (1 - exp(beta));
    double req = 100 * (1 - exp((log(v) - log(xb)) / (double)(D - out->base_year)));
    if (!lower) {
        aarr = -aarr;
        req = -req;
    }
    if (!isfinite(aarr) || !isfinite(req)) {
        out->status = ST_NO_TREND;
        out->reason = AR_NEGATIVE;
        return;
    }
    out->actual_rate = aarr;
    out->required_rate = req;
    if (req != 0)
        out->ratio = aarr / req;
    out->status = assess_aarr_status(aarr, req);
}

/* Rule 4 for cr and projection, once r_a, r_r and the projection are known. */
static void assess_cr_projection(const assess_input *in, assess_result *out, double ra,
                                 double rr, int s)
{
    const double sra = s < 0 ? -ra : ra;             /* s · r_a, exact */
    out->actual_rate = ra;
    out->required_rate = rr;
    if (in->method == METHOD_PROJECTION) {
        const double xB0 = out->base_value, v = in->threshold;
        if (v == xB0) {
            out->status = sra > 0 ? ST_ON_TRACK : ST_OFF_TRACK;
            return;
        }
        out->ratio = (out->projected - xB0) / (v - xB0);
        out->status = assess_projection_status(out->ratio);
        return;
    }
    if (rr == 0) {
        out->status = sra > 0 ? ST_ON_TRACK : ST_OFF_TRACK;
        return;
    }
    out->ratio = sra / fabs(rr);
    out->status = assess_cr_status(out->ratio);
}

/* Rule 1: a reached deadline is judged on D, else D−1, else D+1 when D+1 ≤ A. */
static void assess_deadline(const assess_input *in, const ds_yearly *y, assess_result *out)
{
    const int D = in->deadline;
    long id = find_year(y, D);
    if (id < 0)
        id = find_year(y, D - 1);
    if (id < 0 && D + 1 <= in->as_of)
        id = find_year(y, D + 1);
    if (id < 0) {
        out->status = ST_NO_DATA;
        out->reason = AR_NO_DEADLINE_VALUE;
        return;
    }
    out->value_year = y->years[id];
    out->deadline_value = y->values[id];
    out->status = assess_satisfies(out->deadline_value, in->cmp, in->threshold, in->decimals)
                      ? ST_MET : ST_MISSED;
}

/* ---- `by` milestones ---- */

static void assess_by(const assess_input *in, const ds_yearly *y, assess_result *out)
{
    long ib, il;
    base_latest(in, y, out, &ib, &il);
    const double v = in->threshold;
    const int D = in->deadline;

    if (in->as_of >= D) {                                  /* 1. deadline reached */
        assess_deadline(in, y, out);
        return;
    }
    if (il < 0) {                                          /* nothing to go on */
        out->status = ST_NO_DATA;
        out->reason = AR_NO_VALUE;
        return;
    }
    const double xL = out->latest_value;
    const int L = out->latest_year;
    if (assess_satisfies(xL, in->cmp, v, in->decimals)) {  /* 2. already there */
        out->status = ST_ACHIEVED;
        return;
    }
    const int B = out->base_year;
    out->ev_age = in->as_of - L;
    if (isnan(out->base_value) || L <= B) {                /* 5. too little data */
        out->status = ST_NO_TREND;
        out->ev_points = count_points(y, out, 0);
        if (!isnan(out->base_value))
            out->ev_span = L - B;
        out->reason = last_le(y, L - 1) < 0 && !out->base_from_plan ? AR_ONE_POINT
                                                                      : AR_BASELINE_AFTER_LATEST;
        return;
    }
    const double xB0 = out->base_value;
    const int lower = lower_is_better(in, xB0, xL), s = lower ? -1 : 1;
    const int slipped = assess_satisfies(xB0, in->cmp, v, in->decimals);
    out->ev_points = count_points(y, out, in->method == METHOD_AARR);
    out->ev_span = L - B;

    /* the trend: bench/README.md's arithmetic, in its order */
    const double xB = xB0 != 0 ? xB0 : 0.001;
    const double vs = v != 0 ? v : 0.001;
    const double ra = pow(xL / xB, 1.0 / (double)(L - B)) - 1;
    const double rr = pow(vs / xB, 1.0 / (double)(D - B)) - 1;
    const double projected = xL * pow(1 + ra, (double)(D - L));
    if (isfinite(projected))
        out->projected = projected;
    double now = xB * pow(1 + rr, (double)(L - B));
    double from_now = pow(vs / (xL != 0 ? xL : 0.001), 1.0 / (double)(D - L)) - 1;
    if (isfinite(now))
        out->expected_now = now;
    if (isfinite(from_now))
        out->required_rate_from_now = from_now;

    if (in->method == METHOD_AARR) {
        assess_aarr(in, y, out, lower);
    } else if (!isfinite(ra) || !isfinite(rr)) {
        out->status = ST_NO_TREND;
        out->reason = AR_NEGATIVE;
        out->projected = NAN;
    } else {
        assess_cr_projection(in, out, ra, rr, s);
    }
    if (slipped) {                                         /* 3. slipped: whatever the method */
        out->status = ST_WORSENING;
        out->reason = AR_NONE;
    }
}

/* ---- `maintain` milestones ---- */

/* x cmp v, loosened by `within t`. */
static int satisfies_within(double x, const assess_input *in)
{
    const double v = in->threshold, t = in->within;
    if (t == 0)
        return assess_satisfies(x, in->cmp, v, in->decimals);
    switch (in->cmp) {
    case CMP_LT: return x < v + t;
    case CMP_LE: return x <= v + t;
    case CMP_GT: return x > v - t;
    case CMP_GE: return x >= v - t;
    case CMP_EQ: break;
    }
    /* '=': move x towards v by t (not past it), then the usual tolerance */
    double moved = x > v ? fmax(v, x - t) : fmin(v, x + t);
    return assess_satisfies(moved, CMP_EQ, v, in->decimals);
}

static int *list_years(const ds_yearly *y, size_t first, size_t end, int n,
                       int (*fails)(const ds_yearly *, size_t, const assess_input *),
                       const assess_input *in, arena *a)
{
    int *list = a ? arena_alloc(a, (size_t)n * sizeof *list) : NULL;
    int k = 0;
    for (size_t i = first; list && i < end && k < n; i++)
        if (!isnan(y->values[i]) && fails(y, i, in))
            list[k++] = y->years[i];
    return list;
}

static int maintain_fails(const ds_yearly *y, size_t i, const assess_input *in)
{
    return !satisfies_within(y->values[i], in);
}

static void assess_maintain(const assess_input *in, const ds_yearly *y, assess_result *out,
                            arena *a)
{
    long ib, il;
    base_latest(in, y, out, &ib, &il);
    if (in->from && in->as_of < in->from) {
        out->status = ST_NO_DATA;
        out->reason = AR_WINDOW_NOT_OPEN;
        return;
    }
    int lo = in->from ? in->from : out->base_year;
    int hi = in->to && in->to < in->as_of ? in->to : in->as_of;
    size_t first = upper(y, lo - 1), end = upper(y, hi);
    int nyears = 0, nfail = 0, y0 = 0, y1 = 0;
    if (lo && lo <= hi) {
        for (size_t i = first; i < end; i++) {
            if (isnan(y->values[i]))
                continue;
            if (!nyears)
                y0 = y->years[i];
            y1 = y->years[i];
            nyears++;
            nfail += maintain_fails(y, i, in);
        }
    }
    if (nyears == 0) {
        out->status = ST_NO_DATA;
        out->reason = il < 0 ? AR_NO_VALUE : AR_NO_WINDOW_VALUE;
        return;
    }
    out->ev_points = nyears;
    out->ev_span = y1 - y0;
    out->ev_age = il >= 0 ? in->as_of - out->latest_year : 0;
    out->status = nfail ? ST_BROKEN : ST_MAINTAINED;
    out->nbroken = nfail;
    if (nfail)
        out->broken = list_years(y, first, end, nfail, maintain_fails, in, a);
}

/* ---- rate targets ---- */

/* The average annual relative change from (yp, xp) to (yt, xt), compounded; NaN when
 * undefined (a negative value). */
static double yearly_change(int yp, double xp, int yt, double xt)
{
    if (xp < 0 || xt < 0)
        return NAN;
    if (xp == 0)
        return xt > 0 ? HUGE_VAL : 0.0;
    if (yt - yp == 1)
        return (xt - xp) / xp;
    return pow(xt / xp, 1.0 / (double)(yt - yp)) - 1;
}

#define RATE_SLACK 1e-9

static int rate_passes(double change, double required, int increase)
{
    return increase ? change >= required - RATE_SLACK : change <= required + RATE_SLACK;
}

/* A year below the bound: its change from the previous year with data fails. */
static int rate_year_fails(const ds_yearly *y, size_t i, const assess_input *in)
{
    long p = (long)i - 1;
    while (p >= 0 && isnan(y->values[p]))
        p--;
    if (p < 0 || y->years[p] < in->from)
        return 0;
    double required = (in->rate_increase ? in->rate_lo : -in->rate_lo) / 100;
    double c = yearly_change(y->years[p], y->values[p], y->years[i], y->values[i]);
    return !rate_passes(c, required, in->rate_increase);
}

static void assess_rate(const assess_input *in, const ds_yearly *y, assess_result *out,
                        arena *a)
{
    const int increase = in->rate_increase;
    const double required = (increase ? in->rate_lo : -in->rate_lo) / 100;
    const int closed = in->to && in->as_of >= in->to;
    int hi = in->to && in->to < in->as_of ? in->to : in->as_of;
    size_t first = upper(y, in->from - 1), end = in->from <= hi ? upper(y, hi) : first;
    out->required_rate = required;

    long f = -1, l = -1;
    int n = 0;
    for (size_t i = first; i < end; i++)
        if (!isnan(y->values[i])) {
            if (f < 0)
                f = (long)i;
            l = (long)i;
            n++;
        }
    if (f >= 0) {
        out->base_year = y->years[f];
        out->base_value = y->values[f];
        out->latest_year = y->years[l];
        out->latest_value = y->values[l];
        out->ev_points = n;
        out->ev_span = out->latest_year - out->base_year;
        out->ev_age = in->as_of - out->latest_year;
    }
    if (n < 2) {
        out->status = closed ? ST_NO_DATA : ST_NO_TREND;
        out->reason = in->as_of < in->from ? AR_WINDOW_NOT_OPEN
                      : n ? AR_WINDOW_ONE_POINT : AR_NO_WINDOW_VALUE;
        return;
    }
    double actual = yearly_change(out->base_year, out->base_value, out->latest_year,
                                  out->latest_value);
    if (isnan(actual)) {
        out->status = ST_NO_TREND;
        out->reason = AR_NEGATIVE;
        return;
    }
    out->actual_rate = actual;
    if (required != 0 && isfinite(actual))
        out->ratio = actual / required;
    int pass = rate_passes(actual, required, increase);
    if (closed)
        out->status = pass ? ST_MET : ST_MISSED;
    else
        out->status = pass ? ST_ON_TRACK : ST_OFF_TRACK;
    int nfail = 0;
    for (size_t i = first; i < end; i++)
        if (!isnan(y->values[i]))
            nfail += rate_year_fails(y, i, in);
    out->nbroken = nfail;
    if (nfail)
        out->broken = list_years(y, first, end, nfail, rate_year_fails, in, a);
}

/* ---- entry ---- */

void assess_milestone(const assess_input *in, const ds_yearly *y, assess_result *out, arena *a)
{
    static const ds_yearly empty = {NULL, NULL, 0};
    if (!y)
        y = &empty;
    result_init(out, in);
    switch (in->kind) {
    case AK_BY: assess_by(in, y, out); break;
    case AK_MAINTAIN: assess_maintain(in, y, out, a); break;
    case AK_RATE: assess_rate(in, y, out, a); break;
    }
}
