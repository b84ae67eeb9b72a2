/* assess.c — the assessment rules of DESIGN.md §4: one milestone against one annual series
 * gives a status and the numbers behind it. Pure arithmetic: no I/O, no names, no exit or
 * abort, and no allocation except the arena list of broken years / failing pairs.
 *
 * Decisions where DESIGN.md §4 is silent (to be copied into docs/language.md):
 *
 *  Years and values
 *  - A = as_of. Years after A are never used: a reached deadline D is ≤ A by definition.
 *  - B = the declared baseline (target's, else plan's) when nonzero, else the earliest year
 *    with data ≤ A. x_B is the value at B; a declared B without a value ≤ A means no x_B.
 *    L = the latest year ≤ A with data. A NaN in the yearly view counts as missing.
 *  - B, x_B, L, x_L are reported whenever they exist, for every status (also met/missed/
 *    no_data, where they did not decide anything). Numbers that do not apply are NaN,
 *    years that do not apply are 0.
 *
 *  `by` milestones: the first rule that applies wins (the order of bench/README.md):
 *    1. A ≥ D: value at D → met/missed (deadline_value = x_D); none → no_data.
 *    2. no value at all ≤ A → no_data.   3. x_L satisfies → achieved.
 *    4. no x_B, or L ≤ B → no_trend.     5. the trend by method.
 *  - Direction: the indicator's (`lower/higher is better`) when given, else from the
 *    comparison: < <= lower is better, > >= higher is better; for `=`, lower is better when
 *    v* < x_B, higher when v* > x_B, and when v* == x_B the direction towards v* from x_L.
 *  - In rule 5 only, a zero x_B or v* is replaced by 0.001 before any logarithm or power.
 *    The arithmetic is exactly bench/README.md's so results are bit-identical:
 *      r_a = pow(x_L/x_B, 1.0/(L−B)) − 1,  r_r = pow(v* / x_B, 1.0/(D−B)) − 1,
 *      projected = x_L · pow(1 + r_a, D − L)   (integer exponents converted to double),
 *    and projected is reported for every method.
 *  - Negative values make growth rates undefined: when r_a or r_r is not finite (cr,
 *    projection), the status is no_trend and the rates, ratio and projection are NaN.
 *  - cr: CR = r_a / r_r; on_track CR ≥ 0.95, at_risk ≥ 0.5, off_track ≥ −0.10, else
 *    worsening. When r_r == 0 (v* == x_B): on_track when r_a moves in the better direction
 *    (r_a < 0 lower is better, r_a > 0 higher is better), else off_track; ratio NaN.
 *    actual_rate = r_a, required_rate = r_r, ratio = CR (may be −0.0 when r_a == 0).
 *  - projection: P = (projected − x_B) / (v* − x_B) with the ORIGINAL x_B and v* (the 0.001
 *    replacement is only for logarithms and powers, and P has none; projected itself is
 *    computed from the replaced x_B through r_a). on_track P ≥ 0.95, at_risk ≥ 0.10,
 *    off_track ≥ 0, else worsening. When v* == x_B the same rule as cr's r_r == 0 applies
 *    (on_track when r_a moves in the better direction, else off_track) and ratio is NaN.
 *    actual_rate = r_a, required_rate = r_r, ratio = P.
 *  - aarr: every value that goes into a logarithm (the regression's values, x_B, v*) is
 *    replaced by 0.001 when ≤ 0. β = least-squares slope of ln x on the year over every year
 *    from B to L with data (at least B and L, so β exists). AARR = 100·(1 − e^β),
 *    AARR* = 100·(1 − exp((ln v* − ln x_B)/(D − B))). When higher is better both are
 *    negated (−AARR = 100·(e^β − 1), the average annual rate of increase) and the rules
 *    below apply to the negated values: on_track AARR ≥ AARR*, at_risk AARR > 0.5,
 *    off_track −0.5 ≤ AARR ≤ 0.5, worsening AARR < −0.5. actual_rate = AARR and
 *    required_rate = AARR* (as negated), ratio = AARR / AARR* (NaN when AARR* == 0).
 *
 *  `maintain` milestones
 *  - The window is from `from` (else B) to min(A, `to`) (no `to`: A). Every year in it with
 *    data must satisfy the comparison: maintained, else broken, listing the failing years
 *    ascending (nbroken, and broken[] when an arena is given). No year with data in the
 *    window → no_data. base/latest are B/x_B and L/x_L as above; rates NaN.
 *
 *  Rate targets (`decrease by lo% [to hi%] per year from F to T`)
 *  - Only the lower bound counts (§4.6); the upper bound is not checked.
 *  - The pairs are the consecutive years WITH DATA inside [F, min(T, A)] (the value at F is
 *    the starting point; F−1 is not used). A pair of adjacent years changes by
 *    (x_t − x_p)/x_p; a pair across a gap of g > 1 years by the compound annual rate
 *    pow(x_t/x_p, 1.0/g) − 1. x_p == 0: +inf when x_t > 0, 0 when x_t == 0. A negative
 *    value makes the change undefined, and that pair fails.
 *  - A pair passes when its change ≤ −lo/100 (decrease) or ≥ +lo/100 (increase), with a
 *    slack of 1e-9 so that a change of exactly lo% written in decimals passes despite
 *    binary rounding.
 *  - A ≥ T (window closed): met when every pair passes, missed otherwise (the failing
 *    pairs' end years in broken[]); no pair → no_data. A < T: on_track while every pair so
 *    far passes, off_track otherwise (failing pairs listed); no pair yet → no_trend.
 *  - base = the first year in the window with data, latest = the last; actual_rate = the
 *    compound annual rate between them, pow(x_last/x_first, 1.0/(last − first)) − 1 (the
 *    geometric mean of the yearly changes; NaN when not finite), required_rate = ∓lo/100,
 *    ratio = actual_rate / required_rate (NaN when required_rate is 0 or actual is NaN).
 *
 *  `=` comparisons
 *  - |x − v| ≤ 0.5·10^−d, d = digits written after the point of v (clamped to 0..17), plus
 *    a slack of 1e-9 of that tolerance and 16 ulps of max(|x|, |v|), so that boundary values
 *    written in decimals pass despite binary rounding: `= 99.9` accepts 99.85 and 99.95
 *    (their binary differences are 0.05 + 1e-14). So `= 100` (d = 0) accepts 99.5 … 100.5,
 *    `= 100.0` accepts 99.95 … 100.05. Other comparisons are the plain IEEE ones; NaN
 *    satisfies nothing.
 *
 *  Precision: no expression in the cr path has the a·b + c shape, so -ffp-contract cannot
 *  fuse anything into an FMA there; the bench's bit-identity holds on any x86-64 or arm64.
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
    out->nbroken = 0;
    out->broken = NULL;
}

/* B and L as §4 defines them (years ≤ A only); sets the result's base/latest fields. */
static void base_latest(const assess_input *in, const ds_yearly *y, assess_result *out,
                        long *ib, long *il)
{
    *il = last_le(y, in->as_of);
    *ib = -1;
    if (in->baseline) {
        out->base_year = in->baseline;
        if (in->baseline <= in->as_of)
            *ib = find_year(y, in->baseline);
    } else if (*il >= 0) {
        *ib = first_valid(y);      /* ≤ L ≤ A */
        out->base_year = y->years[*ib];
    }
    if (*ib >= 0)
        out->base_value = y->values[*ib];
    if (*il >= 0) {
        out->latest_year = y->years[*il];
        out->latest_value = y->values[*il];
    }
}

/* Does the indicator improve downwards? */
static int lower_is_better(const assess_input *in, double xb, double xl)
{
    if (in->dir == DIR_LOWER)
        return 1;
    if (in->dir == DIR_HIGHER)
        return 0;
    switch (in->cmp) {
    case CMP_LT: case CMP_LE: return 1;
    case CMP_GT: case CMP_GE: return 0;
    case CMP_EQ: break;
    }
    if (in->threshold != xb)
        return in->threshold < xb;
    return xl > in->threshold;
}

/* ---- `by` milestones ---- */

static void assess_by(const assess_input *in, const ds_yearly *y, assess_result *out)
{
    long ib, il;
    base_latest(in, y, out, &ib, &il);
    const double v = in->threshold;
    const int D = in->deadline;

    if (in->as_of >= D) {                                  /* 1. deadline reached */
        long id = find_year(y, D);
        if (id < 0) {
            out->status = ST_NO_DATA;
            return;
        }
        out->deadline_value = y->values[id];
        out->status = assess_satisfies(out->deadline_value, in->cmp, v, in->decimals)
                          ? ST_MET : ST_MISSED;
        return;
    }
    if (il < 0) {                                          /* 2. nothing to go on */
        out->status = ST_NO_DATA;
        return;
    }
    const double xL = y->values[il];
    const int L = y->years[il];
    if (assess_satisfies(xL, in->cmp, v, in->decimals)) {  /* 3. already there */
        out->status = ST_ACHIEVED;
        return;
    }
    const int B = out->base_year;
    if (ib < 0 || L <= B) {                                /* 4. no trend to measure */
        out->status = ST_NO_TREND;
        return;
    }
    const double xB0 = y->values[ib];
    const int lower = lower_is_better(in, xB0, xL);

    /* 5. the trend: bench/README.md's arithmetic, in its order */
    const double xB = xB0 != 0 ? xB0 : 0.001;
    const double vs = v != 0 ? v : 0.001;
    const double ra = pow(xL / xB, 1.0 / (double)(L - B)) - 1;
    const double rr = pow(vs / xB, 1.0 / (double)(D - B)) - 1;
    const double projected = xL * pow(1 + ra, (double)(D - L));
    const int better = lower ? ra < 0 : ra > 0;

    if (in->method == METHOD_AARR) {
        double sy = 0, sl = 0;
        size_t n = 0;
        for (long i = ib; i <= il; i++) {
            double x = y->values[i];
            if (isnan(x))
                continue;
            sy += y->years[i] - B;         /* years relative to B: small exact integers */
            sl += log(x > 0 ? x : 0.001);
            n++;
        }
        double my = sy / (double)n, ml = sl / (double)n, sxy = 0, sxx = 0;
        for (long i = ib; i <= il; i++) {
            double x = y->values[i];
            if (isnan(x))
                continue;
            double dy = (y->years[i] - B) - my;
            sxy += dy * (log(x > 0 ? x : 0.001) - ml);
            sxx += dy * dy;
        }
        double beta = sxy / sxx;           /* sxx > 0: B and L are both in */
        double xb_l = xB0 > 0 ? xB0 : 0.001, v_l = v > 0 ? v : 0.001;
        double aarr = 100 * (1 - exp(beta));
        double req = 100 * (1 - exp((log(v_l) - log(xb_l)) / (double)(D - B)));
        if (!lower) {
            aarr = -aarr;
            req = -req;
        }
        if (!isfinite(aarr) || !isfinite(req)) {
            out->status = ST_NO_TREND;
            return;
        }
        out->actual_rate = aarr;
        out->required_rate = req;
        if (req != 0)
            out->ratio = aarr / req;
        if (isfinite(projected))
            out->projected = projected;
        out->status = assess_aarr_status(aarr, req);
        return;
    }

    if (!isfinite(ra) || !isfinite(rr)) {
        out->status = ST_NO_TREND;
        return;
    }
    out->actual_rate = ra;
    out->required_rate = rr;
    out->projected = projected;
    if (in->method == METHOD_PROJECTION) {
        if (v == xB0) {
            out->status = better ? ST_ON_TRACK : ST_OFF_TRACK;
            return;
        }
        out->ratio = (projected - xB0) / (v - xB0);
        out->status = assess_projection_status(out->ratio);
        return;
    }
    if (rr == 0) {
        out->status = better ? ST_ON_TRACK : ST_OFF_TRACK;
        return;
    }
    out->ratio = ra / rr;
    out->status = assess_cr_status(out->ratio);
}

/* ---- `maintain` milestones ---- */

static void assess_maintain(const assess_input *in, const ds_yearly *y, assess_result *out,
                            arena *a)
{
    long ib, il;
    base_latest(in, y, out, &ib, &il);
    int lo = in->from ? in->from : out->base_year;
    int hi = in->to && in->to < in->as_of ? in->to : in->as_of;
    size_t first = upper(y, lo - 1), end = upper(y, hi);
    size_t nyears = 0;
    int nfail = 0;
    if (lo <= hi) {
        for (size_t i = first; i < end; i++) {
            if (isnan(y->values[i]))
                continue;
            nyears++;
            if (!assess_satisfies(y->values[i], in->cmp, in->threshold, in->decimals))
                nfail++;
        }
    }
    if (nyears == 0) {
        out->status = ST_NO_DATA;
        return;
    }
    out->status = nfail ? ST_BROKEN : ST_MAINTAINED;
    out->nbroken = nfail;
    if (!nfail || !a)
        return;
    int *list = arena_alloc(a, (size_t)nfail * sizeof *list);
    if (!list)
        return;
    int k = 0;
    for (size_t i = first; i < end; i++)
        if (!isnan(y->values[i]) &&
            !assess_satisfies(y->values[i], in->cmp, in->threshold, in->decimals))
            list[k++] = y->years[i];
    out->broken = list;
}

/* ---- rate targets ---- */

/* The yearly relative change from (yp, xp) to (yt, xt); NaN when undefined. */
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

static int pair_passes(double change, double required, int increase)
{
    return increase ? change >= required - RATE_SLACK : change <= required + RATE_SLACK;
}

static void assess_rate(const assess_input *in, const ds_yearly *y, assess_result *out,
                        arena *a)
{
    const int increase = in->rate_increase;
    const double required = (increase ? in->rate_lo : -in->rate_lo) / 100;
    const int closed = in->to && in->as_of >= in->to;
    int hi = in->to && in->to < in->as_of ? in->to : in->as_of;
    size_t first = upper(y, in->from - 1), end = upper(y, hi);
    out->required_rate = required;

    long prev = -1, firstv = -1;
    int npairs = 0, nfail = 0;
    for (size_t i = first; i < end && in->from <= hi; i++) {
        if (isnan(y->values[i]))
            continue;
        if (prev >= 0) {
            npairs++;
            double c = yearly_change(y->years[prev], y->values[prev], y->years[i], y->values[i]);
            if (!pair_passes(c, required, increase))
                nfail++;
        } else {
            firstv = (long)i;
        }
        prev = (long)i;
    }
    if (firstv >= 0) {
        out->base_year = y->years[firstv];
        out->base_value = y->values[firstv];
        out->latest_year = y->years[prev];
        out->latest_value = y->values[prev];
    }
    if (npairs == 0) {
        out->status = closed ? ST_NO_DATA : ST_NO_TREND;
        return;
    }
    double actual = pow(out->latest_value / out->base_value,
                        1.0 / (double)(out->latest_year - out->base_year)) - 1;
    if (isfinite(actual)) {
        out->actual_rate = actual;
        if (required != 0)
            out->ratio = actual / required;
    }
    if (closed)
        out->status = nfail ? ST_MISSED : ST_MET;
    else
        out->status = nfail ? ST_OFF_TRACK : ST_ON_TRACK;
    out->nbroken = nfail;
    if (!nfail || !a)
        return;
    int *list = arena_alloc(a, (size_t)nfail * sizeof *list);
    if (!list)
        return;
    int k = 0;
    prev = -1;
    for (size_t i = first; i < end; i++) {
        if (isnan(y->values[i]))
            continue;
        if (prev >= 0) {
            double c = yearly_change(y->years[prev], y->values[prev], y->years[i], y->values[i]);
            if (!pair_passes(c, required, increase))
                list[k++] = y->years[i];
        }
        prev = (long)i;
    }
    out->broken = list;
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
