/* test_assess.c — unit tests of the assessment rules (src/assess.c, DESIGN.md §4):
 * every rule and threshold, the worked examples, and the cr path bit for bit against a
 * transcription of bench/oracle.py. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "assess.h"

#define NA NAN

/* A series from parallel arrays; NaN entries stay in (assess must treat them as missing). */
typedef struct {
    int years[64];
    double values[64];
    ds_yearly y;
} series;

static void mk(series *s, const int *years, const double *values, size_t n)
{
    memcpy(s->years, years, n * sizeof *years);
    memcpy(s->values, values, n * sizeof *values);
    s->y.years = s->years;
    s->y.values = s->values;
    s->y.n = n;
}
#define MK(s, ys, vs) mk(&(s), (ys), (vs), sizeof(ys) / sizeof *(ys))

static assess_input by(cmp_op cmp, double v, int deadline, int as_of, int baseline, method m)
{
    assess_input in;
    memset(&in, 0, sizeof in);
    in.kind = AK_BY;
    in.cmp = cmp;
    in.threshold = v;
    in.decimals = 1;
    in.dir = DIR_UNSET;
    in.deadline = deadline;
    in.method = m;
    in.as_of = as_of;
    in.baseline = baseline;
    return in;
}

static assess_result run(const assess_input *in, const series *s)
{
    assess_result r;
    memset(&r, 0x5a, sizeof r);   /* assess must set every field */
    assess_milestone(in, &s->y, &r, NULL);
    return r;
}

#define near(x, want, tol) cr_expect(fabs((x) - (want)) <= (tol), "%s = %.10g, want %.10g", #x, (double)(x), (double)(want))

static int same_bits(double a, double b)
{
    if (isnan(a) && isnan(b))
        return 1;
    uint64_t x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    return x == y;
}

/* ---- statuses ---- */

Test(status, strings_and_labels)
{
    static const char *const want[] = {"met", "missed", "achieved", "on_track", "at_risk",
        "off_track", "worsening", "no_trend", "no_data", "maintained", "broken"};
    for (int i = 0; i < ST__COUNT; i++) {
        cr_expect_str_eq(assess_status_str((pc_status)i), want[i]);
        pc_status s;
        cr_expect_eq(assess_status_parse(want[i], &s), 0);
        cr_expect_eq((int)s, i);
        cr_expect_eq(assess_status_parse(assess_status_label((pc_status)i), &s), 0, "%s", want[i]);
        cr_expect_eq((int)s, i);
    }
    cr_expect_str_eq(assess_status_label(ST_ON_TRACK), "on track");
    cr_expect_str_eq(assess_status_label(ST_NO_DATA), "no data");
    cr_expect_str_eq(assess_status_str(ST__COUNT), "?");
}

Test(status, parse_variants)
{
    pc_status s = ST_MET;
    cr_expect_eq(assess_status_parse("off-track", &s), 0);
    cr_expect_eq(s, ST_OFF_TRACK);
    cr_expect_eq(assess_status_parse("On-Track", &s), 0);
    cr_expect_eq(s, ST_ON_TRACK);
    cr_expect_eq(assess_status_parse("no-trend", &s), 0);
    cr_expect_eq(s, ST_NO_TREND);
    cr_expect_eq(assess_status_parse("missed", &s), 0);
    cr_expect_eq(s, ST_MISSED);
    cr_expect_eq(assess_status_parse("on", &s), -1);
    cr_expect_eq(assess_status_parse("on_track_", &s), -1);
    cr_expect_eq(assess_status_parse("", &s), -1);
    cr_expect_eq(assess_status_parse(NULL, &s), -1);
    cr_expect_eq(s, ST_MISSED, "a failed parse leaves *out alone");
}

/* ---- comparisons ---- */

Test(satisfies, plain)
{
    cr_expect(assess_satisfies(16.9, CMP_LT, 17, 0));
    cr_expect(!assess_satisfies(17, CMP_LT, 17, 0));
    cr_expect(assess_satisfies(17, CMP_LE, 17, 0));
    cr_expect(!assess_satisfies(17.0000001, CMP_LE, 17, 0));
    cr_expect(assess_satisfies(99.6, CMP_GT, 99.5, 1));
    cr_expect(!assess_satisfies(99.5, CMP_GT, 99.5, 1));
    cr_expect(assess_satisfies(99.5, CMP_GE, 99.5, 1));
    cr_expect(!assess_satisfies(99.49999, CMP_GE, 99.5, 1));
    cr_expect(!assess_satisfies(NAN, CMP_LE, 17, 0));
    cr_expect(!assess_satisfies(NAN, CMP_EQ, 17, 0));
}

Test(satisfies, equal_tolerance)
{
    /* "= 100%": half a unit in the last written digit (the units) */
    cr_expect(assess_satisfies(99.95, CMP_EQ, 100, 0));
    cr_expect(assess_satisfies(99.5, CMP_EQ, 100, 0));
    cr_expect(assess_satisfies(100.5, CMP_EQ, 100, 0));
    cr_expect(!assess_satisfies(99.49, CMP_EQ, 100, 0));
    cr_expect(!assess_satisfies(100.51, CMP_EQ, 100, 0));
    /* "= 100.0%": half a unit in the tenths */
    cr_expect(assess_satisfies(99.95, CMP_EQ, 100.0, 1));
    cr_expect(assess_satisfies(100.05, CMP_EQ, 100.0, 1));
    cr_expect(!assess_satisfies(99.94, CMP_EQ, 100.0, 1));
    cr_expect(!assess_satisfies(100.06, CMP_EQ, 100.0, 1));
    /* binary rounding: 99.9 − 99.85 is 0.0500000000000114 in doubles, still accepted */
    cr_expect(99.9 - 99.85 > 0.05);
    cr_expect(assess_satisfies(99.85, CMP_EQ, 99.9, 1));
    cr_expect(assess_satisfies(99.95, CMP_EQ, 99.9, 1));
    cr_expect(!assess_satisfies(99.8499, CMP_EQ, 99.9, 1));
    cr_expect(assess_satisfies(0.125, CMP_EQ, 0.12, 2));
    cr_expect(assess_satisfies(0.115, CMP_EQ, 0.12, 2));
    cr_expect(!assess_satisfies(0.1251, CMP_EQ, 0.12, 2));
    cr_expect(assess_satisfies(18.45, CMP_EQ, 18.5, 1));
    cr_expect(!assess_satisfies(18.44, CMP_EQ, 18.5, 1));
    cr_expect(assess_satisfies(1e6 + 0.5, CMP_EQ, 1e6, 0));
    cr_expect(!assess_satisfies(1e6 + 0.51, CMP_EQ, 1e6, 0));
    /* out-of-range decimals are clamped, not read outside the table */
    cr_expect(assess_satisfies(17.4, CMP_EQ, 17, -3));
    cr_expect(assess_satisfies(17, CMP_EQ, 17, 99));
}

/* ---- the threshold maps, ties included ---- */

Test(thresholds, cr)
{
    cr_expect_eq(assess_cr_status(0.95), ST_ON_TRACK);
    cr_expect_eq(assess_cr_status(nextafter(0.95, 0)), ST_AT_RISK);
    cr_expect_eq(assess_cr_status(1.7), ST_ON_TRACK);
    cr_expect_eq(assess_cr_status(0.5), ST_AT_RISK);
    cr_expect_eq(assess_cr_status(nextafter(0.5, 0)), ST_OFF_TRACK);
    cr_expect_eq(assess_cr_status(0.0), ST_OFF_TRACK);
    cr_expect_eq(assess_cr_status(-0.0), ST_OFF_TRACK);
    cr_expect_eq(assess_cr_status(-0.10), ST_OFF_TRACK);
    cr_expect_eq(assess_cr_status(nextafter(-0.10, -1)), ST_WORSENING);
    cr_expect_eq(assess_cr_status(-3), ST_WORSENING);
}

Test(thresholds, projection)
{
    cr_expect_eq(assess_projection_status(0.95), ST_ON_TRACK);
    cr_expect_eq(assess_projection_status(nextafter(0.95, 0)), ST_AT_RISK);
    cr_expect_eq(assess_projection_status(0.10), ST_AT_RISK);
    cr_expect_eq(assess_projection_status(nextafter(0.10, 0)), ST_OFF_TRACK);
    cr_expect_eq(assess_projection_status(0.0), ST_OFF_TRACK);
    cr_expect_eq(assess_projection_status(-0.0), ST_OFF_TRACK);
    cr_expect_eq(assess_projection_status(-1e-300), ST_WORSENING);
}

Test(thresholds, aarr)
{
    cr_expect_eq(assess_aarr_status(2.798, 2.798), ST_ON_TRACK);
    cr_expect_eq(assess_aarr_status(3, 2.798), ST_ON_TRACK);
    cr_expect_eq(assess_aarr_status(nextafter(2.798, 0), 2.798), ST_AT_RISK);
    cr_expect_eq(assess_aarr_status(nextafter(0.5, 1), 2.798), ST_AT_RISK);
    cr_expect_eq(assess_aarr_status(0.5, 2.798), ST_OFF_TRACK);
    cr_expect_eq(assess_aarr_status(-0.5, 2.798), ST_OFF_TRACK);
    cr_expect_eq(assess_aarr_status(nextafter(-0.5, -1), 2.798), ST_WORSENING);
    cr_expect_eq(assess_aarr_status(-0.7, -1.0), ST_ON_TRACK, "a required rise is met by a smaller one");
}

/* CR lands exactly on the thresholds through the milestone path. With x_B = 1 and L = B + 1,
 * r_a = x_L − 1; with D = B + 2, r_r = sqrt(v*) − 1. The inputs make r_a / r_r round to
 * exactly 0.95, 0.5 and −0.10 (checked first, so the test cannot pass by accident). */
Test(thresholds, cr_ties_through_milestones)
{
    struct { double xl, v, cr; pc_status st; } cases[] = {
        {0.525, 0.25, 0.95, ST_ON_TRACK},
        {0.75, 0.25, 0.5, ST_AT_RISK},
        {1.0625, 0.140625, -0.10, ST_OFF_TRACK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double ra = cases[i].xl - 1, rr = pow(cases[i].v, 0.5) - 1;
        cr_assert_eq(ra / rr, cases[i].cr, "precondition %zu: %a", i, ra / rr);
        int ys[] = {2020, 2021};
        double vs[] = {1, cases[i].xl};
        series s;
        MK(s, ys, vs);
        assess_input in = by(CMP_LT, cases[i].v, 2022, 2021, 2020, METHOD_CR);
        assess_result r = run(&in, &s);
        cr_expect_eq(r.ratio, cases[i].cr, "case %zu: %a", i, r.ratio);
        cr_expect_eq(r.status, cases[i].st, "case %zu: %s", i, assess_status_str(r.status));
        /* one ulp to the worse side drops a status */
        cr_expect_eq(assess_cr_status(nextafter(r.ratio, -INFINITY)), cases[i].st + 1);
    }
}

/* ---- the worked examples of DESIGN.md §4 ---- */

Test(worked, cr_and_projection)
{
    int ys[] = {2015, 2022};
    double vs[] = {25.0, 21.0};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2030, 2022, 0, METHOD_CR);
    in.dir = DIR_LOWER;
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_AT_RISK, "%s", assess_status_str(r.status));
    cr_expect_eq(r.method, METHOD_CR);
    cr_expect_eq(r.base_year, 2015);
    cr_expect_eq(r.base_value, 25.0);
    cr_expect_eq(r.latest_year, 2022);
    cr_expect_eq(r.latest_value, 21.0);
    near(r.actual_rate, -0.024600, 5e-7);
    near(r.required_rate, -0.033482, 5e-7);
    near(r.ratio, 0.7347, 5e-5);
    near(r.projected, 17.206, 5e-4);
    cr_expect(isnan(r.deadline_value));
    cr_expect_eq(r.nbroken, 0);
    cr_expect_null(r.broken);

    in.method = METHOD_PROJECTION;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_AT_RISK, "%s", assess_status_str(r.status));
    cr_expect_eq(r.method, METHOD_PROJECTION);
    near(r.projected, 17.206, 5e-4);
    near(r.ratio, 0.7794, 5e-5);
    near(r.actual_rate, -0.024600, 5e-7);
    near(r.required_rate, -0.033482, 5e-7);

    s.values[1] = 20.0;
    in.method = METHOD_CR;
    r = run(&in, &s);
    near(r.ratio, 0.9371, 5e-5);
    cr_expect_eq(r.status, ST_AT_RISK, "%s", assess_status_str(r.status));
    in.method = METHOD_PROJECTION;
    r = run(&in, &s);
    near(r.ratio, 0.9502, 5e-5);
    cr_expect_eq(r.status, ST_ON_TRACK, "%s", assess_status_str(r.status));
}

Test(worked, aarr)
{
    int ys[] = {2012, 2016, 2020, 2024};
    double vs[] = {30.0, 28.0, 26.5, 25.0};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 18, 2030, 2024, 2012, METHOD_AARR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_AT_RISK, "%s", assess_status_str(r.status));
    cr_expect_eq(r.method, METHOD_AARR);
    near(r.actual_rate, 1.494, 5e-4);
    near(r.required_rate, 2.798, 5e-4);
    near(r.ratio, 1.494 / 2.798, 5e-4);
    /* projected is the cr projection for every method: r_a from 2012 to 2024 */
    double ra = pow(25.0 / 30.0, 1.0 / 12) - 1;
    cr_expect_eq(r.projected, 25.0 * pow(1 + ra, 6.0));
}

/* ---- rule by rule ---- */

Test(by, deadline_reached)
{
    int ys[] = {2015, 2020, 2024};
    double vs[] = {25, 16.5, 14};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 17, 2020, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_MET);
    cr_expect_eq(r.deadline_value, 16.5);
    cr_expect_eq(r.base_year, 2015);
    cr_expect_eq(r.latest_year, 2024);
    cr_expect(isnan(r.ratio) && isnan(r.projected) && isnan(r.actual_rate) && isnan(r.required_rate));

    in.threshold = 16;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_MISSED);
    cr_expect_eq(r.deadline_value, 16.5);

    /* the deadline is the as-of year itself */
    in.deadline = 2024;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_MET);
    cr_expect_eq(r.deadline_value, 14);

    /* no value at D, although later years have one: no_data, not achieved */
    in.deadline = 2022;
    in.threshold = 17;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect(isnan(r.deadline_value));
    cr_expect_eq(r.latest_year, 2024);

    /* a NaN at D is missing */
    s.values[1] = NAN;
    in.deadline = 2020;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
}

Test(by, deadline_equal_tolerance)
{
    int ys[] = {2020, 2025};
    double vs[] = {97, 99.95};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_EQ, 100, 2025, 2025, 0, METHOD_CR);
    in.decimals = 0;
    cr_expect_eq(run(&in, &s).status, ST_MET);
    in.decimals = 1;   /* "= 100.0" */
    cr_expect_eq(run(&in, &s).status, ST_MET);
    s.values[1] = 99.94;
    cr_expect_eq(run(&in, &s).status, ST_MISSED);
}

Test(by, no_data)
{
    series s;
    s.y.years = NULL;
    s.y.values = NULL;
    s.y.n = 0;
    assess_input in = by(CMP_LT, 17, 2030, 2024, 2015, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.base_year, 2015, "the declared baseline is still reported");
    cr_expect(isnan(r.base_value));
    cr_expect_eq(r.latest_year, 0);
    cr_expect(isnan(r.latest_value));

    /* only data after the as-of year */
    int ys[] = {2025, 2026};
    double vs[] = {10, 9};
    MK(s, ys, vs);
    in.baseline = 0;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.base_year, 0);
    cr_expect_eq(r.latest_year, 0);

    /* only missing values */
    int ys2[] = {2016, 2018};
    double vs2[] = {NA, NA};
    MK(s, ys2, vs2);
    cr_expect_eq(run(&in, &s).status, ST_NO_DATA);

    /* a NULL series */
    assess_result r2;
    assess_milestone(&in, NULL, &r2, NULL);
    cr_expect_eq(r2.status, ST_NO_DATA);
}

Test(by, achieved)
{
    int ys[] = {2015, 2023, 2025};
    double vs[] = {25, 16, 30};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 17, 2030, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_ACHIEVED, "years after A are ignored");
    cr_expect_eq(r.latest_year, 2023);
    cr_expect_eq(r.latest_value, 16);
    cr_expect(isnan(r.ratio) && isnan(r.projected));

    /* achieved wins over no_trend: a single year that already satisfies */
    int ys1[] = {2023};
    double vs1[] = {16};
    MK(s, ys1, vs1);
    cr_expect_eq(run(&in, &s).status, ST_ACHIEVED);

    /* higher is better */
    int ys2[] = {2015, 2024};
    double vs2[] = {80, 99.6};
    MK(s, ys2, vs2);
    in = by(CMP_GE, 99.5, 2025, 2024, 0, METHOD_AARR);
    cr_expect_eq(run(&in, &s).status, ST_ACHIEVED);
}

Test(by, no_trend)
{
    series s;
    assess_input in = by(CMP_LT, 17, 2030, 2024, 0, METHOD_CR);

    /* a single year */
    int ys1[] = {2020};
    double vs1[] = {20};
    MK(s, ys1, vs1);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.base_year, 2020);
    cr_expect_eq(r.latest_year, 2020);
    cr_expect(isnan(r.ratio) && isnan(r.projected) && isnan(r.actual_rate));

    cr_expect_eq(r.reason, AR_ONE_POINT);
    cr_expect_eq(r.ev_points, 1);
    cr_expect_eq(r.ev_span, 0);
    cr_expect_eq(r.ev_age, 4);

    /* a declared baseline at a missing (NaN) value, nothing else before L: one point */
    int ys3[] = {2015, 2020};
    double vs3[] = {NA, 20};
    MK(s, ys3, vs3);
    in.baseline = 2015;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.reason, AR_ONE_POINT);
    cr_expect_eq(r.declared_base, 0);

    /* L ≤ B: the baseline is the latest year, or after it */
    int ys4[] = {2015, 2020};
    double vs4[] = {25, 20};
    MK(s, ys4, vs4);
    in.baseline = 2020;
    cr_expect_eq(run(&in, &s).status, ST_NO_TREND);
    cr_expect_eq(run(&in, &s).reason, AR_BASELINE_AFTER_LATEST);
    /* a declared baseline after L moves back to L itself: still no trend */
    in.baseline = 2022;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.reason, AR_BASELINE_AFTER_LATEST);
    cr_expect_eq(r.base_year, 2020);
    cr_expect_eq(r.declared_base, 2022);
    /* a baseline after A: its value is not used; it moves back to L */
    int ys5[] = {2015, 2020, 2026};
    double vs5[] = {25, 20, 18};
    MK(s, ys5, vs5);
    in.baseline = 2026;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.base_year, 2020);
    cr_expect_eq(r.base_value, 20);
}

Test(by, missing_years)
{
    /* B = the earliest year with data (a NaN year does not count); L skips NaN too */
    int ys[] = {2013, 2015, 2018, 2021, 2022, 2030};
    double vs[] = {NA, 25, 23, 21, NA, 1};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2030, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.base_year, 2015);
    cr_expect_eq(r.latest_year, 2021);
    cr_expect_eq(r.actual_rate, pow(21.0 / 25.0, 1.0 / 6) - 1);
    cr_expect_eq(r.required_rate, pow(15.0 / 25.0, 1.0 / 15) - 1);
    cr_expect_eq(r.projected, 21.0 * pow(1 + r.actual_rate, 9.0));
    cr_expect_eq(r.ratio, r.actual_rate / r.required_rate);
    cr_expect_eq(r.status, assess_cr_status(r.ratio));
}

Test(by, zero_replaced)
{
    /* x_B = 0 is replaced by 0.001 in the powers; higher is better */
    int ys[] = {2015, 2020};
    double vs[] = {0, 10};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_GE, 50, 2030, 2024, 2015, METHOD_CR);
    assess_result r = run(&in, &s);
    double ra = pow(10 / 0.001, 1.0 / 5) - 1, rr = pow(50 / 0.001, 1.0 / 15) - 1;
    cr_expect_eq(r.base_value, 0, "x_B is reported as it is");
    cr_expect_eq(r.actual_rate, ra);
    cr_expect_eq(r.required_rate, rr);
    cr_expect_eq(r.ratio, ra / rr);
    cr_expect_eq(r.projected, 10 * pow(1 + ra, 10.0));
    cr_expect_eq(r.status, ST_ON_TRACK);

    /* projection: P with the original x_B (no power in it) */
    in.method = METHOD_PROJECTION;
    r = run(&in, &s);
    cr_expect_eq(r.ratio, (10 * pow(1 + ra, 10.0) - 0) / (50 - 0));
    cr_expect_eq(r.status, ST_ON_TRACK);

    /* v* = 0: "<= 0 by 2030" from 8 to 4 */
    int ys2[] = {2015, 2020};
    double vs2[] = {8, 4};
    MK(s, ys2, vs2);
    in = by(CMP_LE, 0, 2030, 2024, 0, METHOD_CR);
    r = run(&in, &s);
    ra = pow(4.0 / 8, 1.0 / 5) - 1;
    rr = pow(0.001 / 8, 1.0 / 15) - 1;
    cr_expect_eq(r.actual_rate, ra);
    cr_expect_eq(r.required_rate, rr);
    cr_expect_eq(r.ratio, ra / rr);
    cr_expect_eq(r.status, assess_cr_status(ra / rr));
    in.method = METHOD_PROJECTION;
    r = run(&in, &s);
    cr_expect_eq(r.ratio, (4 * pow(1 + ra, 10.0) - 8) / (0 - 8.0));

    /* zeros (and negatives) in the aarr regression become 0.001 */
    int ys3[] = {2015, 2016, 2017};
    double vs3[] = {10, 0, 5};
    MK(s, ys3, vs3);
    in = by(CMP_LT, 2, 2030, 2024, 0, METHOD_AARR);
    r = run(&in, &s);
    double l0 = log(10.0), l1 = log(0.001), l2 = log(5.0);
    double beta = ((-1) * (l0 - (l0 + l1 + l2) / 3) + 1 * (l2 - (l0 + l1 + l2) / 3)) / 2;
    near(r.actual_rate, 100 * (1 - exp(beta)), 1e-9);
    near(r.required_rate, 100 * (1 - exp((log(2.0) - log(10.0)) / 15)), 1e-12);
    cr_expect_eq(r.status, ST_ON_TRACK);
}

Test(by, x_latest_zero)
{
    /* x_L = 0 gives r_a = −1; "> 5" from 10 to 0 is worsening */
    int ys[] = {2015, 2020};
    double vs[] = {10, 0};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_GT, 50, 2030, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.actual_rate, -1);
    cr_expect_eq(r.projected, 0);
    cr_expect_eq(r.status, ST_WORSENING);
}

Test(by, required_rate_zero)
{
    /* v* == x_B: r_r == 0; off_track unless r_a moves in the better direction */
    int ys[] = {2015, 2020};
    double vs[] = {20, 22};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 20, 2030, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.required_rate, 0);
    cr_expect_eq(r.status, ST_OFF_TRACK);
    cr_expect(isnan(r.ratio));
    cr_expect_eq(r.projected, 22 * pow(pow(22.0 / 20, 1.0 / 5), 10.0));

    /* v2: the comparison, not the indicator's declared direction, gives s for '<' */
    in.dir = DIR_HIGHER;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_OFF_TRACK);
    cr_expect(isnan(r.ratio));

    /* same rule under projection (v* − x_B == 0) */
    in.method = METHOD_PROJECTION;
    in.dir = DIR_UNSET;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_OFF_TRACK);
    cr_expect(isnan(r.ratio));

    /* higher is better, fallen below the baseline that met '>= 20': slipped */
    vs[1] = 18;
    MK(s, ys, vs);
    in = by(CMP_GE, 20, 2030, 2024, 0, METHOD_CR);
    cr_expect_eq(run(&in, &s).status, ST_WORSENING);
    /* '> 20' from 20 was not met at B: r_r == 0 and falling → off_track */
    in.cmp = CMP_GT;
    cr_expect_eq(run(&in, &s).status, ST_OFF_TRACK);
    in.cmp = CMP_GE;

    /* aarr: AARR* == 0 gives ratio NaN, status by AARR ≥ 0 */
    in.method = METHOD_AARR;
    r = run(&in, &s);
    cr_expect_eq(r.required_rate, 0);
    cr_expect(isnan(r.ratio));
    cr_expect(r.actual_rate < -0.5);
    cr_expect_eq(r.status, ST_WORSENING);
}

Test(by, negative_zero_ratio)
{
    /* x_L == x_B: r_a = 0, CR = 0 / negative = −0.0 → off_track */
    int ys[] = {2015, 2020};
    double vs[] = {20, 20};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2030, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.actual_rate, 0);
    cr_expect(r.ratio == 0 && signbit(r.ratio));
    cr_expect_eq(r.status, ST_OFF_TRACK);
    cr_expect_eq(r.projected, 20);
}

Test(by, negative_values)
{
    int ys[] = {2015, 2020};
    double vs[] = {-2, 3};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_GT, 5, 2030, 2024, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect(isnan(r.ratio) && isnan(r.actual_rate) && isnan(r.required_rate) && isnan(r.projected));
    cr_expect_eq(r.base_value, -2);
    in.method = METHOD_PROJECTION;
    cr_expect_eq(run(&in, &s).status, ST_NO_TREND);
    /* aarr leaves values ≤ 0 out: one point left, no trend */
    in.method = METHOD_AARR;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.reason, AR_FEW_POSITIVE);
    cr_expect_eq(r.ev_points, 1);
}

Test(by, direction_inference)
{
    /* falling series: AARR is positive when lower is better, negated when higher is */
    int ys[] = {2012, 2016, 2020, 2024};
    double vs[] = {30.0, 28.0, 26.5, 25.0};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LE, 18, 2030, 2024, 0, METHOD_AARR);
    assess_result lo = run(&in, &s);
    near(lo.actual_rate, 1.494, 5e-4);
    in.cmp = CMP_EQ;    /* "= 18" from 30: v* < x_B, lower is better */
    assess_result eq = run(&in, &s);
    cr_expect_eq(eq.actual_rate, lo.actual_rate);
    cr_expect_eq(eq.required_rate, lo.required_rate);
    cr_expect_eq(eq.status, ST_AT_RISK);

    in.cmp = CMP_GT;    /* "> 40": higher is better, the series falls */
    in.threshold = 40;
    assess_result hi = run(&in, &s);
    cr_expect_eq(hi.actual_rate, -lo.actual_rate);
    cr_expect_eq(hi.status, ST_WORSENING);
    near(hi.required_rate, -100 * (1 - exp((log(40.0) - log(30.0)) / 18)), 1e-12);
    cr_expect(hi.required_rate > 0);
    in.cmp = CMP_EQ;    /* "= 40" from 30: v* > x_B, higher is better */
    assess_result eq2 = run(&in, &s);
    cr_expect_eq(eq2.actual_rate, hi.actual_rate);
    cr_expect_eq(eq2.status, ST_WORSENING);
    in.cmp = CMP_GE;
    cr_expect_eq(run(&in, &s).actual_rate, hi.actual_rate);

    /* v2: the comparison's direction wins over the indicator's for < <= > >= ... */
    in.cmp = CMP_LT;
    in.threshold = 18;
    in.dir = DIR_HIGHER;
    cr_expect_eq(run(&in, &s).actual_rate, lo.actual_rate);
    /* ... and the indicator's decides for '=' */
    in.cmp = CMP_EQ;
    cr_expect_eq(run(&in, &s).actual_rate, -lo.actual_rate);
    in.dir = DIR_LOWER;
    cr_expect_eq(run(&in, &s).actual_rate, lo.actual_rate);

    /* "=" with v* == x_B: towards v* from x_L (here down, and x rose: off_track) */
    int ys2[] = {2015, 2020};
    double vs2[] = {20, 22};
    MK(s, ys2, vs2);
    in = by(CMP_EQ, 20, 2030, 2024, 0, METHOD_CR);
    in.decimals = 0;
    cr_expect_eq(run(&in, &s).status, ST_WORSENING, "x_B = 20 met '= 20', x_L = 22 does not: slipped");
}

Test(by, aarr_rising_on_track)
{
    /* higher is better, coverage rising fast enough */
    int ys[] = {2015, 2017, 2019, 2021};
    double vs[] = {60, 66, 72, 79};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_GE, 85, 2025, 2021, 0, METHOD_AARR);
    assess_result r = run(&in, &s);
    cr_expect(r.actual_rate > r.required_rate);
    cr_expect(r.required_rate > 0);
    cr_expect_eq(r.status, ST_ON_TRACK);
    cr_expect_eq(r.ratio, r.actual_rate / r.required_rate);
    /* the cr view of the same series */
    in.method = METHOD_CR;
    r = run(&in, &s);
    cr_expect_eq(r.status, assess_cr_status(r.ratio));
    cr_expect(r.ratio > 1);
}

/* ---- maintain ---- */

static assess_input maintain(cmp_op cmp, double v, int from, int to, int as_of, int baseline)
{
    assess_input in;
    memset(&in, 0, sizeof in);
    in.kind = AK_MAINTAIN;
    in.cmp = cmp;
    in.threshold = v;
    in.decimals = 1;
    in.from = from;
    in.to = to;
    in.as_of = as_of;
    in.baseline = baseline;
    return in;
}

Test(maintain, maintained_and_broken)
{
    int ys[] = {2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025};
    double vs[] = {98, 100, 99.95, NA, 99.2, 100, 99.0, 80};
    series s;
    MK(s, ys, vs);
    arena *a = arena_new();
    assess_input in = maintain(CMP_GE, 99.5, 0, 0, 2024, 2019);
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_BROKEN);
    cr_expect_eq(r.nbroken, 2);
    cr_assert_not_null(r.broken);
    cr_expect_eq(r.broken[0], 2022);
    cr_expect_eq(r.broken[1], 2024, "2025 is after A; 2018 before B");
    cr_expect_eq(r.base_year, 2019);
    cr_expect_eq(r.base_value, 100);
    cr_expect_eq(r.latest_year, 2024);
    cr_expect_eq(r.latest_value, 99.0);
    cr_expect(isnan(r.ratio) && isnan(r.projected) && isnan(r.deadline_value));

    /* window 2019..2021 only */
    in.to = 2021;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MAINTAINED);
    cr_expect_eq(r.nbroken, 0);
    cr_expect_null(r.broken);

    /* from overrides the baseline */
    in = maintain(CMP_GE, 99.5, 2018, 2020, 2024, 2019);
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_BROKEN);
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2018);

    /* no baseline: from the earliest year with data; without an arena only the count */
    in = maintain(CMP_GE, 99.5, 0, 0, 2024, 0);
    assess_milestone(&in, &s.y, &r, NULL);
    cr_expect_eq(r.status, ST_BROKEN);
    cr_expect_eq(r.nbroken, 3);
    cr_expect_null(r.broken);
    cr_expect_eq(r.base_year, 2018);

    /* "= 100" maintained with the tolerance: 99.95 passes */
    in = maintain(CMP_EQ, 100, 2019, 2020, 2024, 0);
    in.decimals = 0;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MAINTAINED);
    in.decimals = 1;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MAINTAINED);
    arena_free(a);
}

Test(maintain, no_data)
{
    int ys[] = {2015, 2021, 2026};
    double vs[] = {5, NA, 7};
    series s;
    MK(s, ys, vs);
    assess_input in = maintain(CMP_LT, 10, 2020, 0, 2024, 0);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.latest_year, 2015);
    in.from = 2025;  /* the window starts after A */
    cr_expect_eq(run(&in, &s).status, ST_NO_DATA);
    in.from = 0;
    cr_expect_eq(run(&in, &s).status, ST_MAINTAINED);
    s.y.n = 0;
    cr_expect_eq(run(&in, &s).status, ST_NO_DATA);
}

/* ---- rate targets ---- */

static assess_input rate(int increase, double lo, int from, int to, int as_of)
{
    assess_input in;
    memset(&in, 0, sizeof in);
    in.kind = AK_RATE;
    in.rate_increase = increase;
    in.rate_lo = lo;
    in.from = from;
    in.to = to;
    in.as_of = as_of;
    return in;
}

Test(rate, met_and_missed)
{
    /* decrease by 2% a year from 2025 to 2028 */
    int ys[] = {2024, 2025, 2026, 2027, 2028, 2029};
    double vs[] = {50, 1000, 980, 960, 940, 100};
    series s;
    MK(s, ys, vs);
    arena *a = arena_new();
    assess_input in = rate(0, 2, 2025, 2028, 2030);
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    /* 1000→940 over 3 years: −2.04 % a year on average */
    cr_expect_eq(r.status, ST_MET, "%s", assess_status_str(r.status));
    cr_expect_eq(r.nbroken, 0);
    cr_expect_eq(r.required_rate, -0.02);
    cr_expect_eq(r.base_year, 2025);
    cr_expect_eq(r.latest_year, 2028);
    cr_expect_eq(r.actual_rate, pow(940.0 / 1000, 1.0 / 3) - 1);
    cr_expect_eq(r.ratio, r.actual_rate / -0.02);

    /* an average of exactly 2 % in decimals passes despite binary rounding */
    s.values[1] = 10.0;
    s.values[2] = 9.8;
    s.values[3] = 9.9;
    s.values[4] = 10.0 * 0.98 * 0.98 * 0.98;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MET, "%s", assess_status_str(r.status));
    /* v2: one year short of the bound (2027 rose) does not miss the average; it is listed */
    cr_expect_eq(r.nbroken, 1);
    cr_assert_not_null(r.broken);
    cr_expect_eq(r.broken[0], 2027);

    /* the average falls short: missed, the years below the bound listed */
    s.values[2] = 9.9;
    s.values[3] = 9.85;
    s.values[4] = 9.6;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MISSED);
    cr_expect_eq(r.nbroken, 2);
    cr_assert_not_null(r.broken);
    cr_expect_eq(r.broken[0], 2026);
    cr_expect_eq(r.broken[1], 2027);
    cr_expect_eq(r.ev_points, 4);
    cr_expect_eq(r.ev_span, 3);
    arena_free(a);
}

Test(rate, on_track_off_track)
{
    int ys[] = {2025, 2026, 2027};
    double vs[] = {100, 97, 96.5};
    series s;
    MK(s, ys, vs);
    arena *a = arena_new();
    assess_input in = rate(0, 2, 2025, 2030, 2026);
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_ON_TRACK);
    cr_expect_eq(r.latest_year, 2026);
    near(r.actual_rate, -0.03, 1e-15);
    /* 100 → 96.5 over 2 years is −1.77 % a year: below the bound on average */
    in.as_of = 2027;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_OFF_TRACK);
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2027);
    /* 100 → 95.5: −2.27 % a year on average, though 2027 alone fell only 1.5 % */
    s.values[2] = 95.5;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_ON_TRACK);
    cr_expect_eq(r.nbroken, 1);
    s.values[2] = 96.5;
    /* no pair yet */
    in.as_of = 2025;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.base_year, 2025);
    cr_expect(isnan(r.actual_rate) && isnan(r.ratio));
    in.as_of = 2024;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.base_year, 0);
    /* closed window without a pair */
    in = rate(0, 2, 2027, 2028, 2030);
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_NO_DATA);
    arena_free(a);
}

Test(rate, increase_and_gaps)
{
    /* increase by 5% a year; 2026 missing: 2025→2027 compounds over 2 years */
    int ys[] = {2025, 2026, 2027, 2028};
    double vs[] = {100, NA, 110.25, 115};
    series s;
    MK(s, ys, vs);
    arena *a = arena_new();
    assess_input in = rate(1, 5, 2025, 2028, 2028);
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    /* 110.25 = 100·1.05²: exactly 5 % a year; 110.25→115 is +4.3 %: 100→115 over 3
     * years is +4.77 % a year */
    cr_expect_eq(r.status, ST_MISSED);
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2028);
    cr_expect_eq(r.required_rate, 0.05);
    cr_expect_eq(r.ev_points, 3);
    s.values[3] = 116;           /* +5.07 % a year on average; 2028 alone +5.2 % */
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MET);
    cr_expect_eq(r.nbroken, 0);
    /* a 2-year gap at +9 % total is only ~4.4 % a year: listed, average still met */
    s.values[2] = 109;
    s.values[3] = 116.5;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MET);
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2027);
    arena_free(a);
}

Test(rate, zero_and_negative)
{
    series s;
    int ys[] = {2025, 2026, 2027};
    double vs[] = {0, 0, 4};
    MK(s, ys, vs);
    assess_input in = rate(1, 10, 2025, 2027, 2027);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_MET, "0 → 4 is an (unbounded) increase");
    cr_expect(isnan(r.ratio), "from 0 the rate is not finite");
    cr_expect_eq(r.nbroken, 1, "0 → 0 (2026) is below the bound");
    s.values[2] = 0;
    cr_expect_eq(run(&in, &s).status, ST_MISSED, "0 → 0 is no increase");
    in.rate_increase = 0;
    cr_expect_eq(run(&in, &s).status, ST_MISSED, "0 → 0 is no decrease either");
    s.values[0] = -3;
    s.values[2] = 4;
    in.rate_increase = 1;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND, "a negative value leaves the rate undefined");
    cr_expect_eq(r.reason, AR_NEGATIVE);
}

/* ---- v2 (DESIGN.md §4 revised): every rule at its boundaries ---- */

/* The worked example "slipped": 10 % in 2015, 13 % in 2020, < 12 % by 2030 → worsening under
 * every method, with the method's numbers still reported. */
Test(v2, worked_slipped)
{
    int ys[] = {2015, 2020};
    double vs[] = {10, 13};
    series s;
    MK(s, ys, vs);
    static const method ms[] = {METHOD_CR, METHOD_PROJECTION, METHOD_AARR};
    for (int i = 0; i < 3; i++) {
        assess_input in = by(CMP_LT, 12, 2030, 2020, 2015, ms[i]);
        assess_result r = run(&in, &s);
        cr_expect_eq(r.status, ST_WORSENING, "%s: %s", ast_method_str(ms[i]), assess_status_str(r.status));
        cr_expect(!isnan(r.ratio) && !isnan(r.projected), "%s: numbers still reported", ast_method_str(ms[i]));
        cr_expect_eq(r.reason, AR_NONE);
        if (ms[i] == METHOD_CR) {
            near(r.actual_rate, 0.05387, 5e-6);
            near(r.required_rate, 0.01223, 5e-6);
            near(r.ratio, -4.405, 5e-4);
            near(r.projected, 21.97, 5e-3);
        }
        if (ms[i] == METHOD_PROJECTION)
            cr_expect(r.ratio > 0.95 || r.ratio < 0, "P computed: %g", r.ratio);
    }
}

/* Slipped at the boundary: x_B exactly at v* satisfies <= and >=, not < or >. */
Test(v2, slipped_at_threshold_each_direction)
{
    int ys[] = {2015, 2020};
    double down[] = {20, 22}, up[] = {80, 78};
    series s;
    MK(s, ys, down);
    assess_input in = by(CMP_LE, 20, 2030, 2024, 2015, METHOD_CR);
    cr_expect_eq(run(&in, &s).status, ST_WORSENING, "<= 20 from 20: slipped");
    in.cmp = CMP_LT;
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_OFF_TRACK, "< 20 from 20 was never met: r_r = 0 rule");
    cr_expect(isnan(r.ratio));
    in.threshold = nextafter(20, 0);   /* x_B just above v*: not met at B */
    cr_expect_neq(run(&in, &s).status, ST_WORSENING);
    in.cmp = CMP_LE;
    in.threshold = nextafter(20, 100);  /* x_B just below v*: met at B, slipped */
    cr_expect_eq(run(&in, &s).status, ST_WORSENING);

    MK(s, ys, up);
    in = by(CMP_GE, 80, 2030, 2024, 2015, METHOD_PROJECTION);
    cr_expect_eq(run(&in, &s).status, ST_WORSENING, ">= 80 from 80: slipped");
    in.cmp = CMP_GT;
    cr_expect_eq(run(&in, &s).status, ST_OFF_TRACK, "> 80 from 80: never met");
    in.cmp = CMP_GE;
    in.method = METHOD_AARR;
    cr_expect_eq(run(&in, &s).status, ST_WORSENING);
}

/* CR = s · r_a / |r_r|: positive when the series moves the good way, for each sign of s. */
Test(v2, direction_aware_cr)
{
    int ys[] = {2015, 2020};
    series s;
    double fall[] = {30, 25}, rise[] = {60, 70};
    MK(s, ys, fall);
    assess_input in = by(CMP_LT, 20, 2030, 2024, 2015, METHOD_CR);     /* s = −1 */
    assess_result r = run(&in, &s);
    double ra = pow(25.0 / 30, 1.0 / 5) - 1, rr = pow(20.0 / 30, 1.0 / 15) - 1;
    cr_expect_eq(r.ratio, -ra / fabs(rr));
    cr_expect(r.ratio > 0);
    MK(s, ys, rise);
    in = by(CMP_GE, 90, 2030, 2024, 2015, METHOD_CR);                  /* s = +1 */
    r = run(&in, &s);
    ra = pow(70.0 / 60, 1.0 / 5) - 1;
    rr = pow(90.0 / 60, 1.0 / 15) - 1;
    cr_expect_eq(r.ratio, ra / fabs(rr));
    cr_expect_eq(r.status, ST_ON_TRACK);
    /* a rising series against a lower-is-better target: negative CR, worsening */
    in = by(CMP_LT, 50, 2030, 2024, 2015, METHOD_CR);
    r = run(&in, &s);
    cr_expect(r.ratio < -0.10);
    cr_expect_eq(r.status, ST_WORSENING);
    /* '=': s from the indicator's direction when declared */
    in = by(CMP_EQ, 90, 2030, 2024, 2015, METHOD_CR);
    in.dir = DIR_HIGHER;
    cr_expect(run(&in, &s).ratio > 0);
    in.dir = DIR_LOWER;
    cr_expect(run(&in, &s).ratio < 0);
    /* the bench's v1 → v2 difference: v* and x_B in an order the 0.001 replacement reverses */
    int ys2[] = {2015, 2024};
    double tiny[] = {0, 0.0008};
    MK(s, ys2, tiny);
    in = by(CMP_LT, 0.0005, 2030, 2024, 2015, METHOD_CR);
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_WORSENING, "x_B = 0 met < 0.0005: slipped");
    near(r.ratio, 0.542289, 5e-7);
}

/* The worked example "deadline": 25 (2015), 16 (2024), 14 (2026), < 15 % by 2025, as of
 * 2026 → missed on the 2024 value (D−1 before D+1). */
Test(v2, worked_deadline)
{
    int ys[] = {2015, 2024, 2026};
    double vs[] = {25, 16, 14};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2025, 2026, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_MISSED);
    cr_expect_eq(r.value_year, 2024);
    cr_expect_eq(r.deadline_value, 16);
}

Test(v2, deadline_year_within_one)
{
    int ys[] = {2015, 2026};
    double vs[] = {25, 14};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2025, 2026, 0, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_MET, "D+1 = A: used");
    cr_expect_eq(r.value_year, 2026);
    in.as_of = 2025;                  /* D+1 after A: never used */
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.reason, AR_NO_DEADLINE_VALUE);
    cr_expect_eq(r.value_year, 0);
    in.deadline = 2024;               /* D+1 = 2025 ≤ A = 2025 has no value; D−1 none */
    cr_expect_eq(run(&in, &s).status, ST_NO_DATA);
    in.as_of = 2027;                  /* D = 2027 ≥ ... two years from 2025: no_data */
    in.deadline = 2028;
    in.as_of = 2028;
    cr_expect_eq(run(&in, &s).status, ST_NO_DATA, "2026 is two years before D = 2028");
    in.deadline = 2027;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_MET, "D−1 = 2026");
    cr_expect_eq(r.value_year, 2026);
    /* the value at D itself wins over D−1 */
    int ys2[] = {2024, 2025};
    double vs2[] = {10, 20};
    MK(s, ys2, vs2);
    in = by(CMP_LT, 15, 2025, 2025, 0, METHOD_CR);
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_MISSED);
    cr_expect_eq(r.value_year, 2025);
}

Test(v2, baseline_moves)
{
    series s;
    /* later year with data before L */
    int ys[] = {2013, 2017, 2019, 2024};
    double vs[] = {40, 38, 35, 30};
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 20, 2030, 2024, 2015, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.base_year, 2017, "the nearest later year, not 2013");
    cr_expect_eq(r.declared_base, 2015);
    cr_expect_eq(r.base_value, 38);
    /* no later year before L: the nearest earlier one */
    int ys2[] = {2012, 2014, 2024};
    double vs2[] = {50, 45, 30};
    MK(s, ys2, vs2);
    r = run(&in, &s);
    cr_expect_eq(r.base_year, 2014);
    cr_expect_eq(r.declared_base, 2015);
    /* L itself is not a later candidate (B0 < y < L) */
    int ys3[] = {2024};
    double vs3[] = {30};
    MK(s, ys3, vs3);
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.reason, AR_ONE_POINT);
    /* a declared year with data does not move */
    int ys4[] = {2014, 2015, 2024};
    double vs4[] = {50, 45, 30};
    MK(s, ys4, vs4);
    r = run(&in, &s);
    cr_expect_eq(r.base_year, 2015);
    cr_expect_eq(r.declared_base, 0);
    /* without a declared baseline: the earliest year, never "moved" */
    in.baseline = 0;
    r = run(&in, &s);
    cr_expect_eq(r.base_year, 2014);
    cr_expect_eq(r.declared_base, 0);
}

/* target T baseline 19.6% in 2019: … — the plan's figure when the data has none */
Test(v2, stated_baseline)
{
    series s;
    int ys[] = {2021, 2024};
    double vs[] = {18.5, 17.0};
    MK(s, ys, vs);
    assess_input in = by(CMP_LE, 15, 2030, 2024, 2019, METHOD_CR);
    in.has_stated_base = 1;
    in.stated_base = 19.6;
    assess_result r = run(&in, &s);
    cr_expect_eq(r.base_year, 2019);
    cr_expect_eq(r.base_value, 19.6);
    cr_expect_eq(r.base_from_plan, 1);
    cr_expect_eq(r.declared_base, 0, "a stated baseline does not move");
    cr_expect_eq(r.actual_rate, pow(17.0 / 19.6, 1.0 / 5) - 1);
    cr_expect_eq(r.ev_points, 3, "the stated point counts: 2019, 2021, 2024");
    /* the data's value for the year wins */
    int ys2[] = {2019, 2024};
    double vs2[] = {20.0, 17.0};
    MK(s, ys2, vs2);
    r = run(&in, &s);
    cr_expect_eq(r.base_value, 20.0);
    cr_expect_eq(r.base_from_plan, 0);
    /* a stated baseline at or after L: no trend */
    in.baseline = 2024;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    /* aarr regresses over the stated point too */
    MK(s, ys, vs);
    in = by(CMP_LE, 15, 2030, 2024, 2019, METHOD_AARR);
    in.has_stated_base = 1;
    in.stated_base = 19.6;
    r = run(&in, &s);
    cr_expect_eq(r.ev_points, 3);
    cr_expect(r.actual_rate > 0, "falling: a positive AARR for lower is better");
}

Test(v2, aarr_leaves_out_zero_and_negative)
{
    series s;
    int ys[] = {2015, 2017, 2019, 2021, 2024};
    double vs[] = {20, 0, -1, 15, 12};
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 5, 2030, 2024, 2015, METHOD_AARR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.ev_points, 3, "2017 (0) and 2019 (−1) are left out");
    /* the slope over (2015, 20), (2021, 15), (2024, 12) */
    double x[] = {0, 6, 9}, y[] = {log(20), log(15), log(12)};
    double mx = 5, my = (y[0] + y[1] + y[2]) / 3, sxy = 0, sxx = 0;
    for (int i = 0; i < 3; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    near(r.actual_rate, 100 * (1 - exp(sxy / sxx)), 1e-9);
    /* exactly two positive points: a trend */
    int ys2[] = {2015, 2020, 2024};
    double vs2[] = {20, 0, 12};
    MK(s, ys2, vs2);
    r = run(&in, &s);
    cr_expect_neq(r.status, ST_NO_TREND);
    cr_expect_eq(r.ev_points, 2);
    /* one positive point: no_trend, with the reason */
    double vs3[] = {0, 0, 12};
    MK(s, ys2, vs3);
    in = by(CMP_GT, 50, 2030, 2024, 2015, METHOD_AARR);   /* x_B = 0 did not meet it */
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_TREND);
    cr_expect_eq(r.reason, AR_FEW_POSITIVE);
    cr_expect(isnan(r.ratio));
}

/* expected_now, required_rate_from_now and the evidence come with every trend status. */
Test(v2, evidence_and_path)
{
    int ys[] = {2015, 2018, 2022};
    double vs[] = {25.0, 23.0, 21.0};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2030, 2023, 2015, METHOD_CR);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_AT_RISK);
    double rr = pow(15.0 / 25, 1.0 / 15) - 1;
    cr_expect_eq(r.expected_now, 25.0 * pow(1 + rr, 7.0));
    cr_expect_eq(r.required_rate_from_now, pow(15.0 / 21, 1.0 / 8) - 1);
    cr_expect_eq(r.ev_points, 3);
    cr_expect_eq(r.ev_span, 7);
    cr_expect_eq(r.ev_age, 1);
    cr_expect_eq(r.reason, AR_NONE);
    /* statuses that are not trends carry none */
    in.threshold = 22;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_ACHIEVED);
    cr_expect(isnan(r.expected_now) && isnan(r.required_rate_from_now));
    cr_expect_eq(r.ev_points, 0);
    /* no_data and no_trend have reasons */
    assess_input none = by(CMP_LT, 15, 2030, 2014, 2015, METHOD_CR);
    r = run(&none, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.reason, AR_NO_VALUE);
    cr_expect_str_eq(assess_reason_str(r.reason), "no value up to the as-of year");
    cr_expect_null(assess_reason_str(AR_NONE));
    for (int k = AR_NO_VALUE; k < AR__COUNT; k++)
        cr_expect_not_null(assess_reason_str((assess_reason)k), "reason %d has a text", k);
}

Test(v2, maintain_within)
{
    int ys[] = {2021, 2022, 2023};
    double vs[] = {99.6, 98.5, 98.6};
    series s;
    MK(s, ys, vs);
    arena *a = arena_new();
    assess_input in = maintain(CMP_GT, 99, 2021, 2030, 2023, 0);
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_BROKEN);
    cr_expect_eq(r.nbroken, 2);
    in.within = 0.5;                  /* > 98.5: 98.5 itself is still out */
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_BROKEN);
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2022);
    in.cmp = CMP_GE;                  /* >= 98.5: at the loosened bound is in */
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MAINTAINED);
    in.within = 0.4;                  /* just short */
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_BROKEN);
    /* lower is better: < 5 within 1 accepts 5.9, not 6 */
    double low[] = {4, 5.9, 6};
    MK(s, ys, low);
    in = maintain(CMP_LT, 5, 2021, 0, 2023, 0);
    in.within = 1;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2023);
    /* '=': the tolerance of the written digits plus T, on either side */
    double eq[] = {100.4, 99.6, 101};
    MK(s, ys, eq);
    in = maintain(CMP_EQ, 100, 2021, 0, 2023, 0);
    in.decimals = 0;
    in.within = 0.1;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.nbroken, 1, "100.4 and 99.6 are within 0.5 + 0.1; 101 is not");
    cr_expect_eq(r.broken[0], 2023);
    arena_free(a);
}

Test(v2, maintain_before_window)
{
    int ys[] = {2020, 2021};
    double vs[] = {99, 100};
    series s;
    MK(s, ys, vs);
    assess_input in = maintain(CMP_GE, 99, 2022, 2030, 2021, 0);
    assess_result r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.reason, AR_WINDOW_NOT_OPEN);
    in.as_of = 2022;                  /* open, no value in it yet */
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_NO_DATA);
    cr_expect_eq(r.reason, AR_NO_WINDOW_VALUE);
    in.from = 2021;
    r = run(&in, &s);
    cr_expect_eq(r.status, ST_MAINTAINED);
    cr_expect_eq(r.ev_points, 1);
}

/* The average rate against the bound: just below, at and just above 2 % a year. */
Test(v2, rate_average_at_the_bound)
{
    int ys[] = {2025, 2026, 2027};
    double vs[] = {100, 0, 96.04};    /* 100·0.98² = 96.04: exactly −2 % a year */
    series s;
    MK(s, ys, vs);
    s.values[1] = 99;                 /* −1 % then −2.99 %: 2026 listed */
    assess_input in = rate(0, 2, 2025, 2027, 2027);
    arena *a = arena_new();
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MET, "exactly 2 %% on average");
    cr_expect_eq(r.nbroken, 1);
    cr_expect_eq(r.broken[0], 2026);
    s.values[2] = 96.05;              /* a hair short */
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MISSED);
    s.values[2] = 96.03;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_MET);
    in.as_of = 2026;                  /* open window: on/off track */
    s.values[1] = 97.9;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_ON_TRACK);
    s.values[1] = 98.1;
    assess_milestone(&in, &s.y, &r, a);
    cr_expect_eq(r.status, ST_OFF_TRACK);
    cr_expect_eq(r.ev_points, 2);
    arena_free(a);
}

/* ---- bit for bit against bench/oracle.py (cr, B = 2015, A = 2024) ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double uniform(double lo, double hi) { return lo + (hi - lo) * (double)(next_rand() >> 11) / 9007199254740992.0; }

/* Transcription of the v2 oracle.py's assess() (../shared/bench): returns the status and
 * fills ratio/projected. */
static pc_status oracle(const int *years, const double *vals, size_t n, cmp_op cmp, double v, int D,
                        double *ratio, double *projected)
{
    const int B0 = 2015, A = 2024;
    *ratio = NAN;
    *projected = NAN;
#define VAL_AT(yr, out) do { out = NAN; for (size_t i_ = 0; i_ < n; i_++) if (years[i_] == (yr)) out = vals[i_]; } while (0)
    if (A >= D) {
        int cand[3] = {D, D - 1, D + 1};
        for (int c = 0; c < 3; c++) {
            double x;
            VAL_AT(cand[c], x);
            if (cand[c] <= A && !isnan(x))
                return assess_satisfies(x, cmp, v, 1) ? ST_MET : ST_MISSED;
        }
        return ST_NO_DATA;
    }
    int L = -1;
    double xL = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(vals[i]) && years[i] <= A && years[i] > L) {
            L = years[i];
            xL = vals[i];
        }
    if (L < 0)
        return ST_NO_DATA;
    if (assess_satisfies(xL, cmp, v, 1))
        return ST_ACHIEVED;
    int B = -1;
    double xB;
    VAL_AT(B0, xB);
    if (!isnan(xB)) {
        B = B0;
    } else {
        for (size_t i = 0; i < n; i++)        /* the earliest after B0 and before L */
            if (!isnan(vals[i]) && years[i] > B0 && years[i] < L && (B < 0 || years[i] < B))
                B = years[i];
        if (B < 0)
            for (size_t i = 0; i < n; i++)    /* else the latest before B0 */
                if (!isnan(vals[i]) && years[i] < B0 && years[i] > B)
                    B = years[i];
        if (B >= 0)
            VAL_AT(B, xB);
    }
#undef VAL_AT
    if (B < 0 || L <= B)
        return ST_NO_TREND;
    int slipped = assess_satisfies(xB, cmp, v, 1);
    xB = xB != 0 ? xB : 0.001;
    double vs = v != 0 ? v : 0.001;
    int s = cmp == CMP_LT || cmp == CMP_LE ? -1 : 1;
    double ra = pow(xL / xB, 1.0 / (L - B)) - 1;
    double rr = pow(vs / xB, 1.0 / (D - B)) - 1;
    *projected = xL * pow(1 + ra, D - L);
    if (rr != 0)
        *ratio = (s * ra) / fabs(rr);
    if (slipped)
        return ST_WORSENING;
    if (rr == 0)
        return s * ra > 0 ? ST_ON_TRACK : ST_OFF_TRACK;
    if (*ratio >= 0.95)
        return ST_ON_TRACK;
    if (*ratio >= 0.5)
        return ST_AT_RISK;
    if (*ratio >= -0.10)
        return ST_OFF_TRACK;
    return ST_WORSENING;
}

Test(oracle, cr_bit_identical)
{
    static const cmp_op cmps[] = {CMP_LT, CMP_LE, CMP_GT, CMP_GE};
    static const int deadlines[] = {2020, 2024, 2025, 2026, 2030, 2035};
    int counts[ST__COUNT] = {0};
    for (int k = 0; k < 2000; k++) {
        series s;
        size_t n = 0;
        double x = uniform(5, 95), drift = uniform(-0.06, 0.04);
        int y0 = 2013 + (int)(next_rand() % 5);
        for (int yr = y0; yr <= 2026; yr++) {
            x *= 1 + drift + uniform(-0.01, 0.01);
            double val = round(x * 100) / 100;
            if (next_rand() % 100 < 3)
                val = 0;
            if (next_rand() % 100 < 15)
                val = NAN;
            s.years[n] = yr;
            s.values[n++] = val;
        }
        /* drop the empty entries sometimes, keep them as NaN other times */
        if (k % 2) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(s.values[i])) {
                    s.years[m] = s.years[i];
                    s.values[m++] = s.values[i];
                }
            n = m;
        }
        if (k % 23 == 0) {      /* one point up to A (and the years after it): no trend */
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (s.years[i] >= 2024) {
                    s.years[m] = s.years[i];
                    s.values[m++] = s.values[i];
                }
            n = m;
        }
        s.y.years = s.years;
        s.y.values = s.values;
        s.y.n = n;
        cmp_op cmp = cmps[next_rand() % 4];
        int lower = cmp == CMP_LT || cmp == CMP_LE;
        double v = round((lower ? uniform(5, 40) : uniform(60, 99)) * 10) / 10;
        if (k % 50 == 0)
            v = 0;
        if (k % 37 == 0) {      /* v* == x_B: the r_r == 0 rule */
            for (size_t i = 0; i < n; i++)
                if (s.years[i] == 2015 && !isnan(s.values[i]))
                    v = s.values[i];
        }
        int D = deadlines[next_rand() % 6];

        double want_ratio, want_proj;
        pc_status want = oracle(s.years, s.values, n, cmp, v, D, &want_ratio, &want_proj);
        assess_input in = by(cmp, v, D, 2024, 2015, METHOD_CR);
        assess_result r = run(&in, &s);
        counts[want]++;
        cr_assert_eq(r.status, want, "case %d: %s, want %s", k, assess_status_str(r.status),
                     assess_status_str(want));
        cr_assert(same_bits(r.ratio, want_ratio), "case %d: ratio %a, want %a", k, r.ratio, want_ratio);
        cr_assert(same_bits(r.projected, want_proj), "case %d: projected %a, want %a", k, r.projected,
                  want_proj);
    }
    /* the random cases reach every status of the job */
    for (int st = ST_MET; st <= ST_NO_DATA; st++)
        cr_expect(counts[st] > 0, "no case gave %s", assess_status_str((pc_status)st));
}

/* ---- the common path allocates nothing ---- */

Test(alloc, none_on_by)
{
    int ys[] = {2015, 2022};
    double vs[] = {25.0, 21.0};
    series s;
    MK(s, ys, vs);
    assess_input in = by(CMP_LT, 15, 2030, 2022, 0, METHOD_AARR);
    pc_mem_fail_after(1);    /* any allocation would now fail, and be counted */
    assess_result r;
    arena *none = NULL;
    assess_milestone(&in, &s.y, &r, none);
    cr_expect_eq(pc_mem_count(), 0);
    cr_expect_eq(r.status, ST_AT_RISK);
    pc_mem_fail_after(0);
}

Test(alloc, broken_list_oom)
{
    int ys[] = {2020, 2021};
    double vs[] = {5, 6};
    series s;
    MK(s, ys, vs);
    arena *a = arena_new();
    assess_input in = maintain(CMP_LT, 1, 0, 0, 2024, 0);
    pc_mem_fail_after(1);
    assess_result r;
    assess_milestone(&in, &s.y, &r, a);
    pc_mem_fail_after(0);
    cr_expect_eq(r.status, ST_BROKEN);
    cr_expect_eq(r.nbroken, 2);
    cr_expect_null(r.broken, "an allocation failure leaves the list out, the count in");
    arena_free(a);
}
