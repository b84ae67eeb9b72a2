/* test_eval.c — unit tests of the evaluation stage (src/eval.c, src/calendar.c): plan text
 * and CSV text through parse, resolve, load and eval_plan; statuses, owners, cards, region
 * choice, the reporting calendar, alerts, and every function of the expression language. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "calendar.h"
#include "dataset.h"
#include "eval.h"
#include "helpers.h"

#define near(x, want, tol) cr_expect(fabs((double)(x) - (want)) <= (tol), "%s = %.10g, want %.10g", #x, (double)(x), (double)(want))

typedef struct fx {
    diag_sink d;
    ast_file *f;
    pc_plan *p;
    dataset *ds;
    arena *a;
    eval_result r;
    int evaluated;
} fx;

static fx X;

static void fx_done(void)
{
    if (X.evaluated)
        eval_result_free(&X.r);
    ds_free(X.ds);
    arena_free(X.a);
    resolve_free(X.p);
    ast_file_free(X.f);
    diag_free(&X.d);
    memset(&X, 0, sizeof X);
}

/* Parse and check plan; load csv (NULL: an empty dataset). Asserts there is no error. */
static void load(const char *plan, const char *csv)
{
    memset(&X, 0, sizeof X);
    diag_init(&X.d);
    X.f = parse_text("t.plan", plan, strlen(plan), 0, PARSE_FILE, &X.d, NULL);
    cr_assert(X.f && X.f->nerrors == 0, "syntax errors:\n%s", th_diags(&X.d));
    int nerr = 0;
    X.p = resolve_plan(&X.f, 1, &X.d, &nerr);
    cr_assert(X.p && nerr == 0, "check errors:\n%s", th_diags(&X.d));
    X.ds = ds_new();
    X.a = arena_new();
    cr_assert(X.ds && X.a);
    if (csv) {
        ds_spec spec;
        cr_assert_eq(eval_spec(X.p, &spec, X.a), 0);
        cr_assert_eq(csv_load_mem(X.ds, "d.csv", csv, strlen(csv), &spec, &X.d), 0, "%s", th_diags(&X.d));
    }
    diag_clear(&X.d);
}

static int run(const eval_options *o)
{
    eval_options z;
    memset(&z, 0, sizeof z);
    int rc = eval_plan(X.p, X.ds, o ? o : &z, &X.r, &X.d);
    X.evaluated = 1;
    return rc;
}

static const ms_result *find_ms(const char *region, const char *id)
{
    for (size_t i = 0; i < X.r.nms; i++)
        if (strcmp(X.r.ms[i].ms->id, id) == 0 && (!region || strcmp(X.r.ms[i].region, region) == 0))
            return &X.r.ms[i];
    cr_assert_fail("no result for %s in %s", id, region ? region : "any region");
    return NULL;
}

static pc_status st(const char *id) { return find_ms(NULL, id)->r.status; }

#define expect_status(id, want) cr_expect_str_eq(assess_status_str(st(id)), want, "status of %s", id)

/* ---- the worked examples of DESIGN.md §4, through the whole pipeline ---- */

static const char *worked_csv = "indicator,region,year,value\n"
                                "stunting,Bắc Giang,2015,25.0\n"
                                "stunting,Bắc Giang,2022,21.0\n";

Test(worked, cr_at_risk, .fini = fx_done)
{
    load("plan \"P\" { region \"Bắc Giang\" baseline 2015 }\n"
         "indicator stunting unit % lower is better\n"
         "target CT4: stunting < 15% by 2030\n", worked_csv);
    cr_assert_eq(run(NULL), 0, "%s", th_diags(&X.d));
    cr_expect_eq(X.r.as_of, 2022);
    cr_assert_eq(X.r.nms, 1);
    const ms_result *m = find_ms("Bắc Giang", "CT4/2030");
    cr_expect_eq(m->r.status, ST_AT_RISK);
    cr_expect_eq(m->r.method, METHOD_CR);
    cr_expect_eq(m->r.base_year, 2015);
    cr_expect_eq(m->r.latest_year, 2022);
    near(m->r.actual_rate, -0.024600, 5e-7);
    near(m->r.required_rate, -0.033482, 5e-7);
    near(m->r.ratio, 0.7347, 5e-5);
    near(m->r.projected, 17.206, 5e-4);
    cr_expect_str_eq(m->region, "Bắc Giang");
    cr_expect_eq(m->target, X.p->targets[0]);
    cr_expect_eq(m->ind, X.p->indicators[0]);
}

Test(worked, projection_at_risk, .fini = fx_done)
{
    load("plan \"P\" { region \"Bắc Giang\" baseline 2015 method projection }\n"
         "indicator stunting unit % lower is better\n"
         "target CT4: stunting < 15% by 2030\n", worked_csv);
    cr_assert_eq(run(NULL), 0);
    const ms_result *m = find_ms(NULL, "CT4/2030");
    cr_expect_eq(m->r.status, ST_AT_RISK);
    cr_expect_eq(X.r.method, METHOD_PROJECTION);
    near(m->r.ratio, 0.7794, 5e-5);
    near(m->r.projected, 17.206, 5e-4);
}

Test(worked, methods_differ_at_20, .fini = fx_done)
{
    const char *csv = "indicator,region,year,value\nstunting,R,2015,25.0\nstunting,R,2022,20.0\n";
    load("plan \"P\" { region \"R\" baseline 2015 }\n"
         "indicator stunting unit % lower is better\n"
         "target CT4: stunting < 15% by 2030\n", csv);
    cr_assert_eq(run(NULL), 0);
    near(find_ms(NULL, "CT4/2030")->r.ratio, 0.9371, 5e-5);
    expect_status("CT4/2030", "at_risk");
    fx_done();
    load("plan \"P\" { region \"R\" baseline 2015 method projection }\n"
         "indicator stunting unit % lower is better\n"
         "target CT4: stunting < 15% by 2030\n", csv);
    cr_assert_eq(run(NULL), 0);
    near(find_ms(NULL, "CT4/2030")->r.ratio, 0.9502, 5e-5);
    expect_status("CT4/2030", "on_track");
}

Test(worked, aarr, .fini = fx_done)
{
    load("plan \"P\" { region \"R\" baseline 2012 method aarr }\n"
         "indicator x unit % lower is better\n"
         "target T: x < 18% by 2030\n",
         "indicator,region,year,value\nx,R,2012,30.0\nx,R,2016,28.0\nx,R,2020,26.5\nx,R,2024,25.0\n");
    cr_assert_eq(run(NULL), 0);
    const ms_result *m = find_ms(NULL, "T/2030");
    cr_expect_eq(m->r.status, ST_AT_RISK);
    near(m->r.actual_rate, 1.494, 5e-4);
    near(m->r.required_rate, 2.798, 5e-4);
}

/* ---- statuses, sorting, owners, cards ---- */

static const char *owners_plan =
    "plan \"P\" { baseline 2015 }\n"
    "agency DOH \"Health\"\nagency DOET \"Education\"\nagency DOLISA \"Labour\"\nagency PPC \"People's Committee\"\n"
    "indicator stunting unit % lower is better\n"
    "indicator enrol unit % higher is better\n"
    "indicator u5mr unit per 1000 lower is better\n"
    "target CT4: stunting < 17% by 2020, < 12% by 2030\n"
    "target CT16: enrol >= 99.5% by 2030\n"
    "target : u5mr < 18.5 per 1000 by 2030\n"
    "target A1: enrol >= 90% maintain from 2016\n"
    "responsible DOH for stunting with DOET\n"
    "responsible DOET for CT16\n"
    "responsible DOLISA for plan\n"
    "responsible DOH for enrol\n";

static const char *owners_csv =
    "indicator,region,year,value\n"
    "stunting,B,2015,25\nstunting,B,2020,18\nstunting,B,2024,16\n"
    "stunting,A,2015,25\nstunting,A,2020,16.5\nstunting,A,2024,11\n"
    "enrol,A,2015,95\nenrol,A,2016,96\nenrol,A,2024,99.6\n"
    "enrol,B,2015,95\nenrol,B,2016,89\nenrol,B,2024,97\n"
    "u5mr,A,2024,20\n";

Test(plan, statuses_sorting_owners_cards, .fini = fx_done)
{
    load(owners_plan, owners_csv);
    eval_options o;
    memset(&o, 0, sizeof o);
    o.all_regions = 1;
    cr_assert_eq(run(&o), 0, "%s", th_diags(&X.d));
    cr_assert_eq(X.r.nms, 10);
    /* sorted by region, then milestone id (byte order) */
    static const char *const order[] = {"A1/maintain", "CT16/2030", "CT4/2020", "CT4/2030", "T1/2030"};
    for (size_t i = 0; i < 10; i++) {
        cr_expect_str_eq(X.r.ms[i].region, i < 5 ? "A" : "B");
        cr_expect_str_eq(X.r.ms[i].ms->id, order[i % 5]);
    }
    cr_expect_eq(find_ms("A", "CT4/2020")->r.status, ST_MET);
    cr_expect_eq(find_ms("B", "CT4/2020")->r.status, ST_MISSED);
    cr_expect_eq(find_ms("A", "CT4/2030")->r.status, ST_ACHIEVED);
    cr_expect_eq(find_ms("A", "CT16/2030")->r.status, ST_ACHIEVED);
    cr_expect_eq(find_ms("A", "T1/2030")->r.status, ST_NO_TREND);
    cr_expect_eq(find_ms("B", "T1/2030")->r.status, ST_NO_DATA);
    cr_expect_eq(find_ms("A", "A1/maintain")->r.status, ST_MAINTAINED);
    const ms_result *br = find_ms("B", "A1/maintain");
    cr_expect_eq(br->r.status, ST_BROKEN);
    cr_assert_eq(br->r.nbroken, 1);
    cr_assert_not_null(br->r.broken);
    cr_expect_eq(br->r.broken[0], 2016);
    /* owners: a target beats its indicator beats the plan */
    const ms_result *c4 = find_ms("A", "CT4/2030");
    cr_assert_not_null(c4->owner);
    cr_expect_str_eq(c4->owner->lead->id.name, "DOH");
    cr_assert_eq(c4->owner->nwith, 1);
    cr_expect_str_eq(c4->owner->with[0]->id.name, "DOET");
    cr_expect_str_eq(find_ms("A", "CT16/2030")->owner->lead->id.name, "DOET");
    cr_expect_str_eq(find_ms("A", "T1/2030")->owner->lead->id.name, "DOLISA");
    cr_expect_str_eq(find_ms("A", "A1/maintain")->owner->lead->id.name, "DOH");
    /* cards: agencies that lead something, declaration order; PPC leads nothing */
    cr_assert_eq(X.r.ncards, 3);
    cr_expect_str_eq(X.r.cards[0].agency->id.name, "DOH");
    cr_expect_str_eq(X.r.cards[1].agency->id.name, "DOET");
    cr_expect_str_eq(X.r.cards[2].agency->id.name, "DOLISA");
    cr_expect_eq(X.r.cards[0].total, 6);   /* CT4 ×2, A1 — in two regions */
    cr_expect_eq(X.r.cards[0].counts[ST_MET], 1);
    cr_expect_eq(X.r.cards[0].counts[ST_MISSED], 1);
    cr_expect_eq(X.r.cards[0].counts[ST_MAINTAINED], 1);
    cr_expect_eq(X.r.cards[0].counts[ST_BROKEN], 1);
    cr_expect_eq(X.r.cards[1].total, 2);
    cr_expect_eq(X.r.cards[2].total, 2);
    cr_expect_eq(X.r.cards[2].counts[ST_NO_DATA], 1);
    int sum = 0;
    for (int s = 0; s < ST__COUNT; s++)
        sum += X.r.counts[s];
    cr_expect_eq(sum, 10);
    cr_expect_eq(X.r.counts[ST_ACHIEVED], 2);
}

Test(plan, selectors_and_rate_target, .fini = fx_done)
{
    load("plan \"P\" { region \"R\" }\n"
         "indicator obesity { unit % lower is better dimensions area }\n"
         "indicator cm \"child marriages\" lower is better\n"
         "target O: obesity[area = \"rural\"] < 5% by 2025\n"
         "target U: obesity < 5% by 2025\n"
         "target CT13: cm decrease by 2% to 3% per year from 2020 to 2030\n",
         "indicator,region,year,value,area\n"
         "obesity,R,2022,4.1,rural\nobesity,R,2022,6.0,\n"
         "cm,R,2020,100,\ncm,R,2021,97,\ncm,R,2022,95,\n");
    cr_assert_eq(run(NULL), 0, "%s", th_diags(&X.d));
    expect_status("O/2025", "achieved");
    near(find_ms(NULL, "O/2025")->r.latest_value, 4.1, 1e-12);
    expect_status("U/2025", "no_trend");
    near(find_ms(NULL, "U/2025")->r.latest_value, 6.0, 1e-12);
    expect_status("CT13/rate", "on_track");
}

Test(plan, selector_value_absent_from_data_is_no_data, .fini = fx_done)
{
    load("plan \"P\" { region \"R\" }\n"
         "indicator obesity { unit % lower is better dimensions area }\n"
         "target O: obesity[area = \"urban\"] < 5% by 2025\n",
         "indicator,region,year,value,area\nobesity,R,2022,4.1,rural\n");
    cr_assert_eq(run(NULL), 0);
    expect_status("O/2025", "no_data");
}

/* ---- derived indicators ---- */

static const char *derived_plan =
    "plan \"P\" { region \"R\" baseline 2020 }\n"
    "indicator deaths unit count\nindicator births unit count\n"
    "indicator imr = deaths / births * 1000 unit per 1000 lower is better\n"
    "target I: imr < 8 per 1000 by 2030\n"
    "let now = latest(imr)\n"
    "let first = imr@2020\n";

Test(derived, yearly_formula_over_common_years, .fini = fx_done)
{
    load(derived_plan, "indicator,region,year,value\n"
                       "deaths,R,2020,12\nbirths,R,2020,1000\n"
                       "deaths,R,2021,11\n"                       /* no births: not a year of imr */
                       "deaths,R,2022,10\nbirths,R,2022,1000\n"
                       "deaths,R,2023,5\nbirths,R,2023,0\n");     /* division by zero: missing */
    cr_assert_eq(run(NULL), 0, "%s", th_diags(&X.d));
    const ms_result *m = find_ms(NULL, "I/2030");
    cr_expect_eq(m->r.base_year, 2020);
    near(m->r.base_value, 12, 1e-12);
    cr_expect_eq(m->r.latest_year, 2022);
    near(m->r.latest_value, 10, 1e-12);
    cr_expect_eq(m->r.status, ST_ON_TRACK);   /* r_a = (10/12)^(1/2)-1, r_r = (8/12)^(1/10)-1 */
    near(m->r.ratio, (sqrt(10.0 / 12) - 1) / (pow(8.0 / 12, 0.1) - 1), 1e-12);
    /* the view itself */
    ds_yearly y;
    uint32_t rid = ds_region_id(X.ds, 0);
    cr_assert_eq(eval_series(X.p, X.ds, X.p->indicators[2], NULL, rid, 9999, X.a, &y), 0);
    cr_assert_eq(y.n, 2);
    cr_expect_eq(y.years[0], 2020);
    cr_expect_eq(y.years[1], 2022);
    near(y.values[1], 10, 1e-12);
}

Test(derived, spec_lists_components_not_the_formula, .fini = fx_done)
{
    load(derived_plan, NULL);
    ds_spec spec;
    cr_assert_eq(eval_spec(X.p, &spec, X.a), 0);
    cr_assert_eq(spec.ninds, 2);
    cr_expect_str_eq(spec.inds[0].name, "deaths");
    cr_expect_str_eq(spec.inds[1].name, "births");
    cr_expect_str_eq(spec.inds[0].unit, "");
}

Test(spec, units_and_names_from_lets_and_alerts, .fini = fx_done)
{
    load("indicator a unit %\nindicator b unit per 1000\nindicator c unit ‰\nindicator d unit per 100000\n"
         "indicator e\nindicator unused unit %\nindicator f unit per 500\n"
         "target : a < 5% by 2030\n"
         "let l = latest(b) + 1 per 1000\n"
         "alert \"x\" when latest(c) > 1‰ and value(d, 2020) > 0 per 100000 and change(e) > 0 and latest(f) > 0 per 500\n",
         NULL);
    ds_spec spec;
    cr_assert_eq(eval_spec(X.p, &spec, X.a), 0);
    cr_assert_eq(spec.ninds, 6);
    static const char *const names[] = {"a", "b", "c", "d", "e", "f"};
    static const char *const units[] = {"%", "per 1000", "per 1000", "per 100000", NULL, NULL};
    for (int i = 0; i < 6; i++) {
        cr_expect_str_eq(spec.inds[i].name, names[i]);
        if (units[i])
            cr_expect_str_eq(spec.inds[i].unit, units[i]);
        else
            cr_expect_null(spec.inds[i].unit, "%s", names[i]);
    }
}

/* ---- as-of and regions ---- */

static const char *two_regions_csv = "indicator,region,year,value\n"
                                     "x,Hà Nội,2020,10\nx,Huế,2021,9\nx,Bắc Giang,2019,8\n";   /* byte order: Bắc Giang, Huế, Hà Nội */
static const char *noregion_plan = "indicator x unit % lower is better\ntarget T: x < 5% by 2030\n";

Test(regions, several_and_none_named_is_an_error, .fini = fx_done)
{
    load(noregion_plan, two_regions_csv);
    cr_expect_eq(run(NULL), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "the data has 3 regions (Bắc Giang, Huế, Hà Nội)"), "%s", s);
    cr_expect(th_has(s, "--region NAME, or use --all-regions"), "%s", s);
    free(s);
}

Test(regions, unknown_region_did_you_mean, .fini = fx_done)
{
    load(noregion_plan, two_regions_csv);
    eval_options o;
    memset(&o, 0, sizeof o);
    o.region = "Bắc Gian";
    cr_expect_eq(run(&o), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "region 'Bắc Gian' (given with --region) is not in the data; did you mean 'Bắc Giang'?"), "%s", s);
    free(s);
}

Test(regions, plan_region_absent, .fini = fx_done)
{
    load("plan \"P\" { region \"Quảng Ninh\" }\nindicator x unit %\ntarget T: x < 5% by 2030\n", two_regions_csv);
    cr_expect_eq(run(NULL), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "region 'Quảng Ninh' (the plan's region) is not in the data"), "%s", s);
    free(s);
}

Test(regions, option_beats_plan_and_as_of_is_latest_year, .fini = fx_done)
{
    load("plan \"P\" { region \"Huế\" }\nindicator x unit % lower is better\ntarget T: x < 5% by 2030\n",
         two_regions_csv);
    eval_options o;
    memset(&o, 0, sizeof o);
    o.region = "Hà Nội";
    cr_assert_eq(run(&o), 0);
    cr_assert_eq(X.r.nms, 1);
    cr_expect_str_eq(X.r.ms[0].region, "Hà Nội");
    cr_expect_eq(X.r.as_of, 2021);
    cr_expect_eq(X.r.as_of_date.month, 12);
    cr_expect_eq(X.r.as_of_date.day, 31);
}

Test(regions, the_only_region, .fini = fx_done)
{
    load(noregion_plan, "indicator,region,year,value\nx,Solo,2020,4\n");
    cr_assert_eq(run(NULL), 0);
    cr_expect_str_eq(X.r.ms[0].region, "Solo");
    expect_status("T/2030", "achieved");
}

Test(regions, all_regions_byte_order, .fini = fx_done)
{
    load(noregion_plan, two_regions_csv);
    eval_options o;
    memset(&o, 0, sizeof o);
    o.all_regions = 1;
    o.as_of = 2024;
    cr_assert_eq(run(&o), 0);
    cr_assert_eq(X.r.nms, 3);
    cr_expect_str_eq(X.r.ms[0].region, "Bắc Giang");
    cr_expect_str_eq(X.r.ms[1].region, "Huế");
    cr_expect_str_eq(X.r.ms[2].region, "Hà Nội");
    cr_expect_eq(X.r.as_of, 2024);
}

Test(regions, empty_data_uses_plan_region_and_issued_year, .fini = fx_done)
{
    load("plan \"P\" { region \"Nowhere\" issued 2024-12-27 }\nindicator x unit %\ntarget T: x < 5% by 2030\n",
         "indicator,region,year,value\n");
    cr_assert_eq(run(NULL), 0, "%s", th_diags(&X.d));
    cr_expect_eq(X.r.as_of, 2024);
    cr_expect_str_eq(X.r.ms[0].region, "Nowhere");
    expect_status("T/2030", "no_data");
}

Test(regions, empty_data_without_year_is_an_error, .fini = fx_done)
{
    load("plan \"P\" { region \"Nowhere\" }\nindicator x unit %\ntarget T: x < 5% by 2030\n", NULL);
    cr_expect_eq(run(NULL), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "no data and no --as-of"), "%s", s);
    free(s);
}

Test(regions, empty_data_and_no_region, .fini = fx_done)
{
    load(noregion_plan, NULL);
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of = 2024;
    cr_expect_eq(run(&o), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "no region to assess"), "%s", s);
    free(s);
}

Test(regions, as_of_hides_later_data, .fini = fx_done)
{
    load(noregion_plan, "indicator,region,year,value\nx,R,2015,10\nx,R,2020,8\nx,R,2024,4\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of = 2020;
    cr_assert_eq(run(&o), 0);
    const ms_result *m = find_ms(NULL, "T/2030");
    cr_expect_eq(m->r.latest_year, 2020);
    cr_expect_neq(m->r.status, ST_ACHIEVED);
}

/* ---- the reporting calendar ---- */

static const char *cal_plan =
    "plan \"P\" { region \"R\" issued 2024-03-01 }\n"
    "agency DOLISA \"Labour\"\nagency DOH \"Health\"\nagency DOET \"Education\"\nagency PPC \"PC\"\n"
    "indicator x unit %\n"
    "target T: x < 5% by 2030\n"
    "responsible DOH for T\n"
    "responsible DOET for plan\n"
    "responsible DOLISA for x\n"          /* DOLISA leads nothing: T names the target */
    "report every year by 30 Nov from all to DOLISA\n"
    "report every 6 months by 15 Jun, 15 Dec from DOH to DOLISA\n"
    "report once by 2025-12-31 from DOLISA to PPC \"Sơ kết giữa kỳ\"\n"
    "report every 6 months by 15 Jan from DOET to PPC\n";

Test(calendar, deadlines_of_each_kind)
{
    date d6[2] = {{0, 12, 15, {0}}, {0, 6, 15, {0}}};
    report r;
    memset(&r, 0, sizeof r);
    r.kind = RP_MONTHS;
    r.months = 6;
    r.deadlines = d6;
    r.ndeadlines = 2;
    cal_due out[8];
    size_t n = cal_deadlines(&r, 2024, 2025, out, 8);
    cr_assert_eq(n, 4);
    cr_expect_str_eq(out[0].period, "2024S1");
    cr_expect_eq(out[0].due.month, 6);
    cr_expect_str_eq(out[1].period, "2024S2");
    cr_expect_str_eq(out[3].period, "2025S2");
    cr_expect_eq(out[3].due.year, 2025);
    /* one deadline repeated every 3 months */
    date q = {0, 2, 31, {0}};
    r.months = 3;
    r.deadlines = &q;
    r.ndeadlines = 1;
    n = cal_deadlines(&r, 2024, 2024, out, 8);
    cr_assert_eq(n, 4);
    cr_expect_str_eq(out[0].period, "2024Q1");
    cr_expect_eq(out[0].due.day, 29);   /* clamped to the month's end (leap year) */
    cr_expect_eq(out[1].due.month, 5);
    cr_expect_eq(out[1].due.day, 31);
    cr_expect_eq(out[2].due.month, 8);
    cr_expect_eq(out[3].due.month, 11);
    cr_expect_eq(out[3].due.day, 30);
    /* every month */
    r.months = 1;
    n = cal_deadlines(&r, 2024, 2024, out, 8);
    cr_expect_eq(n, 12);
    cr_expect_str_eq(out[1].period, "2024-02");
    /* every 5 months: not aligned with the year, periods are dates */
    date f = {0, 1, 10, {0}};
    r.months = 5;
    r.deadlines = &f;
    n = cal_deadlines(&r, 2024, 2025, out, 8);
    cr_assert_eq(n, 5);   /* Jan, Jun, Nov 2024, Apr, Sep 2025 */
    cr_expect_str_eq(out[2].period, "2024-11-10");
    cr_expect_str_eq(out[4].period, "2025-09-10");
    /* yearly and once */
    date y = {0, 11, 30, {0}};
    r.kind = RP_YEARLY;
    r.deadlines = &y;
    n = cal_deadlines(&r, 2023, 2025, out, 8);
    cr_assert_eq(n, 3);
    cr_expect_str_eq(out[2].period, "2025");
    date o = {2031, 12, 31, {0}};
    r.kind = RP_ONCE;
    r.deadlines = &o;
    n = cal_deadlines(&r, 2023, 2025, out, 8);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(out[0].period, "2031-12-31");
}

Test(calendar, dates)
{
    cr_expect_eq(cal_days(1970, 1, 1), 0);
    cr_expect_eq(cal_days(2024, 3, 1) - cal_days(2024, 2, 28), 2);
    cr_expect_eq(cal_days(2025, 1, 1) - cal_days(2024, 1, 1), 366);
    date d;
    cr_expect_eq(cal_parse_date("2024-02-29", 10, &d), 0);
    cr_expect_eq(cal_parse_date("2023-02-29", 10, &d), -1);
    cr_expect_eq(cal_parse_date("2024-2-28", 9, &d), -1);
    cr_expect_eq(cal_parse_date("2024-13-01", 10, &d), -1);
}

static const report_result *find_rr(const char *rid, const char *from, const char *period)
{
    for (size_t i = 0; i < X.r.nreports; i++) {
        const report_result *rr = &X.r.reports[i];
        if (strcmp(rr->rp->gen_id, rid) == 0 && strcmp(rr->period, period) == 0 &&
            (from ? rr->from && strcmp(rr->from->id.name, from) == 0 : rr->from == NULL))
            return rr;
    }
    cr_assert_fail("no report %s from %s for %s", rid, from ? from : "all", period);
    return NULL;
}

Test(calendar, without_a_log, .fini = fx_done)
{
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of = 2025;
    cr_assert_eq(run(&o), 0, "%s", th_diags(&X.d));
    /* R1: 2024 and 2025, from all unexpanded */
    cr_expect_eq(find_rr("R1", NULL, "2024")->state, RS_DUE);
    cr_expect_eq(find_rr("R1", NULL, "2025")->state, RS_DUE);
    /* R2: 2024S1 (15 Jun 2024, after the issue date 1 Mar) … 2025S2 */
    cr_expect_eq(find_rr("R2", "DOH", "2024S1")->state, RS_DUE);
    cr_expect_eq(find_rr("R2", "DOH", "2025S2")->due.day, 15);
    /* R4: 15 Jan 2024 is before the plan was issued; Jul 2024, Jan, Jul 2025 remain */
    size_t n4 = 0;
    for (size_t i = 0; i < X.r.nreports; i++)
        n4 += strcmp(X.r.reports[i].rp->gen_id, "R4") == 0;
    cr_expect_eq(n4, 3);
    cr_expect_eq(find_rr("R4", "DOET", "2024S2")->due.month, 7);
    cr_expect_eq(find_rr("R3", "DOLISA", "2025-12-31")->state, RS_DUE);
    /* ordering: report, then deadline */
    cr_expect_str_eq(X.r.reports[0].rp->gen_id, "R1");
    cr_expect_str_eq(X.r.reports[0].period, "2024");
    cr_expect_eq(X.r.nreports, 2 + 4 + 1 + 3);
}

Test(calendar, upcoming_with_a_precise_date, .fini = fx_done)
{
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of_date.year = 2024;
    o.as_of_date.month = 10;
    o.as_of_date.day = 1;
    cr_assert_eq(run(&o), 0);
    cr_expect_eq(X.r.as_of, 2024);
    cr_expect_eq(find_rr("R1", NULL, "2024")->state, RS_UPCOMING);
    cr_expect_eq(find_rr("R2", "DOH", "2024S1")->state, RS_DUE);
    cr_expect_eq(find_rr("R2", "DOH", "2024S2")->state, RS_UPCOMING);
    cr_expect_eq(find_rr("R3", "DOLISA", "2025-12-31")->state, RS_UPCOMING);
}

static const char *good_log =
    "agency,report,period,submitted\n"
    "DOH,R1,2024,2024-11-30\n"
    "DOET,R1,2024,2024-12-05\n"
    "DOH,R1,2025,2025-11-01\n"
    "DOH,R2,2024S1,2024-06-10\n"
    "\"DOH\",R2,2024-12,2024-12-20\n"                       /* period as the due month */
    "DOH,R2,2025-06-15,2025-06-15\n"                        /* period as the due date */
    "DOLISA,\"Sơ kết giữa kỳ\",2025,2025-12-30\n"         /* by label */
    "DOH,R1,2019,2019-11-01\n";                             /* outside the window: ignored */

Test(calendar, with_a_log, .fini = fx_done)
{
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of = 2025;
    o.submissions = "sub.csv";
    o.submissions_text = good_log;
    o.submissions_len = strlen(good_log);
    cr_assert_eq(run(&o), 0, "%s", th_diags(&X.d));
    /* from all = the agencies that lead something (DOH, DOET), not the recipient DOLISA */
    const report_result *rr = find_rr("R1", "DOH", "2024");
    cr_expect_eq(rr->state, RS_ON_TIME);
    cr_expect_eq(rr->submitted.day, 30);
    rr = find_rr("R1", "DOET", "2024");
    cr_expect_eq(rr->state, RS_LATE);
    cr_expect_eq(rr->days_late, 5);
    cr_expect_eq(find_rr("R1", "DOH", "2025")->state, RS_ON_TIME);
    cr_expect_eq(find_rr("R1", "DOET", "2025")->state, RS_MISSING);
    for (size_t i = 0; i < X.r.nreports; i++)
        cr_expect(X.r.reports[i].from == NULL || strcmp(X.r.reports[i].from->id.name, "DOLISA") != 0 ||
                  strcmp(X.r.reports[i].rp->gen_id, "R1") != 0);
    cr_expect_eq(find_rr("R2", "DOH", "2024S1")->state, RS_ON_TIME);
    rr = find_rr("R2", "DOH", "2024S2");
    cr_expect_eq(rr->state, RS_LATE);
    cr_expect_eq(rr->days_late, 5);
    cr_expect_eq(find_rr("R2", "DOH", "2025S1")->state, RS_ON_TIME);
    cr_expect_eq(find_rr("R2", "DOH", "2025S2")->state, RS_MISSING);
    cr_expect_eq(find_rr("R3", "DOLISA", "2025-12-31")->state, RS_ON_TIME);
    cr_expect_eq(find_rr("R4", "DOET", "2025S1")->state, RS_MISSING);
}

Test(calendar, log_errors_have_lines, .fini = fx_done)
{
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    const char *log = "agency,report,period,submitted\r\n"
                      "DOHH,R1,2024,2024-11-30\r\n"
                      "DOH,R9,2024,2024-11-30\r\n"
                      "DOH,R1,2024,30/11/2024\r\n"
                      "DOH,R1,2024S1,2024-11-30\r\n"
                      "PPC,R2,2024S1,2024-06-01\r\n";
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of = 2025;
    o.submissions = "sub.csv";
    o.submissions_text = log;
    o.submissions_len = strlen(log);
    cr_expect_eq(run(&o), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "sub.csv:2: error: unknown agency 'DOHH'; did you mean 'DOH'?"), "%s", s);
    cr_expect(th_has(s, "sub.csv:3: error: unknown report 'R9'"), "%s", s);
    cr_expect(th_has(s, "sub.csv:4: error: bad submission date '30/11/2024'"), "%s", s);
    cr_expect(th_has(s, "sub.csv:5: error: R1 has no deadline for period '2024S1'"), "%s", s);
    cr_expect(th_has(s, "sub.csv:6: warning: PPC is not a sender of R2"), "%s", s);
    free(s);
}

Test(calendar, log_header_and_quotes, .fini = fx_done)
{
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    const char *log = "\xEF\xBB\xBFsubmitted,note,agency,report,period\n"
                      "2024-06-01,\"a note, with a comma\nand a line\",DOH,R2,2024S1\n"
                      "2024-12-01,x,DOH,R2,2024S2\n";
    eval_options o;
    memset(&o, 0, sizeof o);
    o.as_of = 2024;
    o.submissions = "s.csv";
    o.submissions_text = log;
    o.submissions_len = strlen(log);
    cr_assert_eq(run(&o), 0, "%s", th_diags(&X.d));
    cr_expect_eq(find_rr("R2", "DOH", "2024S1")->state, RS_ON_TIME);
    cr_expect_eq(find_rr("R2", "DOH", "2024S2")->state, RS_ON_TIME);
    fx_done();
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    const char *bad = "agency,report,when\nDOH,R1,2024-01-01\n";
    o.submissions_text = bad;
    o.submissions_len = strlen(bad);
    cr_expect_eq(run(&o), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "s.csv:1: error: the header has no column 'period'"), "%s", s);
    free(s);
}

Test(calendar, unreadable_log, .fini = fx_done)
{
    load(cal_plan, "indicator,region,year,value\nx,R,2024,3\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.submissions = "/nonexistent/sub.csv";
    cr_expect_eq(run(&o), -1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "cannot read the submissions log '/nonexistent/sub.csv'"), "%s", s);
    free(s);
}

/* ---- alerts ---- */

Test(alerts, fired_per_region, .fini = fx_done)
{
    load("indicator x unit % lower is better\nagency DOH \"H\"\ntarget T: x < 5% by 2030\n"
         "alert \"rose\" when change(x) > 0 to DOH\n"
         "alert \"high\" when latest(x) > 10% or change(x) > 0\n",
         "indicator,region,year,value\n"
         "x,A,2020,8\nx,A,2021,9\n"
         "x,B,2020,9\nx,B,2021,8\n"
         "x,C,2021,20\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.all_regions = 1;
    cr_assert_eq(run(&o), 0, "%s", th_diags(&X.d));
    cr_assert_eq(X.r.nalerts, 6);
    cr_expect_str_eq(X.r.alerts[0].region, "A");
    cr_expect_eq(X.r.alerts[0].fired, 1);
    cr_expect_eq(X.r.alerts[1].fired, 0);
    cr_expect_eq(X.r.alerts[2].fired, -1);   /* C: one value, no change */
    cr_expect_eq(X.r.alerts[3].alert, X.p->alerts[1]);
    cr_expect_eq(X.r.alerts[3].fired, 1);
    cr_expect_eq(X.r.alerts[4].fired, 0);
    cr_expect_eq(X.r.alerts[5].fired, 1);    /* true or NA = true */
}

/* A runtime error in an alert (here a year from the data that is not whole) is one warning
 * for the alert, the alert is NA, and the evaluation goes on: other alerts and the report. */
Test(alerts, runtime_error_is_a_warning, .fini = fx_done)
{
    load("indicator x unit % lower is better\nindicator y unit count\ntarget T: x < 5% by 2030\n"
         "alert \"bad\" when x@(latest(y)) > 1%\n"
         "alert \"good\" when latest(x) > 1%\n",
         "indicator,region,year,value\nx,A,2020,8\nx,B,2020,9\ny,A,2020,2020.5\ny,B,2020,2019.5\n");
    eval_options o;
    memset(&o, 0, sizeof o);
    o.all_regions = 1;
    cr_expect_eq(run(&o), 0);
    cr_expect_eq(X.d.nerrors, 0);
    cr_expect_eq(X.d.nwarnings, 1);
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "a year is a whole number, not 2020.5 (alert \"bad\" in A: not evaluated, shown as NA)"), "%s", s);
    free(s);
    cr_expect_eq(X.r.nalerts, 4);
    cr_expect_eq(X.r.alerts[0].fired, -1);
    cr_expect_eq(X.r.alerts[1].fired, -1);
    cr_expect_eq(X.r.alerts[2].fired, 1);
    cr_expect_eq(X.r.alerts[3].fired, 1);
}

/* ---- expressions ---- */

static const char *expr_plan =
    "plan \"P\" { baseline 2016 }\n"
    "agency DOH \"Health\"\n"
    "indicator s unit % lower is better\n"
    "indicator u unit per 1000 lower is better\n"
    "indicator n unit count\n"
    "indicator z unit count\n"
    "indicator o { unit % lower is better dimensions area }\n"
    "indicator d = n / z unit count\n"
    "target CT4: s < 17% by 2020, < 12% by 2030\n"
    "target M: s < 30% maintain\n"
    "let gap = latest(s) - 17%\n"
    "let twice = gap * 2\n"
    "let uses = latest(u) + 0 per 1000\n"     /* so that the loader keeps u, n, z and o */
    "let uses2 = latest(d) + latest(o)\n";

static const char *expr_csv = "indicator,region,year,value,area\n"
                              "s,R,2015,25,\ns,R,2016,24,\ns,R,2018,21,\ns,R,2022,20,\n"
                              "s,Q,2022,10,\ns,P,2016,2,\n"
                              "u,R,2022,18.5,\n"
                              "n,R,2022,5,\nz,R,2022,0,\nn,R,2021,4,\nz,R,2021,2,\n"
                              "o,R,2022,4.5,rural\no,R,2022,7,\n";

static value E(const char *text)
{
    diag_sink d;
    diag_init(&d);
    expr *e = NULL;
    /* "_fn(" stands for a function whose name the grammar takes as a keyword (baseline):
     * parsed as latest( and renamed */
    int rename = text[0] == '_';
    char buf[256];
    if (rename)
        snprintf(buf, sizeof buf, "latest%s", strchr(text, '('));
    const char *src = rename ? buf : text;
    ast_file *f = parse_text("<repl>", src, strlen(src), 0, PARSE_REPL, &d, &e);
    if (rename && e && e->kind == EX_CALL) {
        char *nm = arena_strndup(f->arena, text + 1, (size_t)(strchr(text, '(') - text - 1));
        e->as.call.fn.name = nm;
    }
    cr_assert(f && f->nerrors == 0 && e, "parse %s:\n%s", text, th_diags(&d));
    ty t = resolve_expr(X.p, e, &d);
    cr_assert(t != TY_ERROR, "check %s:\n%s", text, th_diags(&d));
    eval_env env;
    memset(&env, 0, sizeof env);
    env.plan = X.p;
    env.ds = X.ds;
    env.as_of = 2022;
    size_t idx = 0;
    for (size_t i = 0; i < ds_nregions(X.ds); i++)
        if (strcmp(ds_region(X.ds, i), "R") == 0)
            idx = i;
    env.region = ds_region_id(X.ds, idx);
    env.region_name = "R";
    env.scratch = X.a;
    env.diags = &X.d;
    value v = eval_expr(&env, e);
    /* strings of the value live in the plan or the file: keep the file until the end */
    if (v.kind == V_STRING)
        v.str = arena_strdup(X.a, v.str);
    if (v.kind == V_SERIES)
        v.series = NULL;
    ast_file_free(f);
    diag_free(&d);
    return v;
}

static const char *F(const char *text)
{
    value v = E(text);
    static char buf[8][128];
    static int k;
    char *b = buf[k++ % 8];
    eval_format_value(&v, b, 128);
    return b;
}

#define expect_fmt(text, want) do { const char *got_ = F(text); cr_expect_str_eq(got_, want, "%s: got %s", text, got_); } while (0)

Test(expr, series_functions, .init = NULL, .fini = fx_done)
{
    load(expr_plan, expr_csv);
    expect_fmt("latest(s)", "20 %");
    expect_fmt("latest_year(s)", "2022");
    expect_fmt("_baseline(s)", "24 %");        /* the plan's baseline year 2016 */
    expect_fmt("value(s, 2018)", "21 %");
    expect_fmt("value(s, 2017)", "NA");
    expect_fmt("s@2015", "25 %");
    expect_fmt("s@(2014 + 1)", "25 %");
    expect_fmt("change(s)", "-1 %");            /* 20 - 21: the previous year WITH data */
    value c = E("cagr(s)");
    cr_assert_eq(c.kind, V_NUMBER);
    near(c.num, pow(20.0 / 24.0, 1.0 / 6) - 1, 1e-15);
    cr_expect_eq(c.has_unit, 0);
    value p = E("projected(s, 2030)");
    near(p.num, 20 * pow(pow(20.0 / 24.0, 1.0 / 6), 8), 1e-12);
    expect_fmt("latest(u)", "18.5 per 1000");
    expect_fmt("latest(o[area = \"rural\"])", "4.5 %");
    expect_fmt("latest(o)", "7 %");
    expect_fmt("latest(o[area = \"urban\"])", "NA");
    expect_fmt("abs(-3%)", "3 %");
    expect_fmt("gap", "3 %");
    expect_fmt("twice", "6 %");
    expect_fmt("s", "s");
    expect_fmt("CT4", "CT4");
    expect_fmt("DOH", "DOH");
    expect_fmt("on_track", "on_track");
    expect_fmt("\"hi\"", "hi");
}

Test(expr, later_data_is_hidden, .fini = fx_done)
{
    load(expr_plan, "indicator,region,year,value\ns,R,2020,10\ns,R,2024,5\n");
    expect_fmt("latest(s)", "10 %");
    expect_fmt("s@2024", "NA");
}

Test(expr, aggregates_over_every_region, .fini = fx_done)
{
    load(expr_plan, expr_csv);
    expect_fmt("min(s)", "2 %");    /* P 2, Q 10, R 20 (latest values) */
    expect_fmt("max(s)", "20 %");
    expect_fmt("sum(s)", "32 %");
    value a = E("avg(s)");
    near(a.num, 32.0 / 3, 1e-12);
    expect_fmt("avg(u)", "18.5 per 1000");
    expect_fmt("min(o[area = \"urban\"])", "NA");
}

Test(expr, na_propagates_and_division_by_zero, .fini = fx_done)
{
    load(expr_plan, expr_csv);
    expect_fmt("NA + 1", "NA");
    expect_fmt("-NA", "NA");
    expect_fmt("value(s, 1999) * 2", "NA");
    expect_fmt("abs(value(s, 1999))", "NA");
    expect_fmt("1 / 0", "NA");
    expect_fmt("latest(n) / latest(z)", "NA");
    expect_fmt("value(s, 1999) > 1%", "NA");
    expect_fmt("not NA", "NA");
    expect_fmt("NA = NA", "NA");
    expect_fmt("latest(d)", "2");      /* 2022 is 5/0: missing; 2021 is 4/2 */
    expect_fmt("latest_year(d)", "2021");
    expect_fmt("6 / 4", "1.5");
    expect_fmt("2 * 3 - 1", "5");
    expect_fmt("10% / 4", "2.5 %");
    expect_fmt("2 * 10%", "20 %");
}

Test(expr, three_valued_logic, .fini = fx_done)
{
    load(expr_plan, expr_csv);
    expect_fmt("false and NA", "false");
    expect_fmt("NA and false", "false");
    expect_fmt("true and NA", "NA");
    expect_fmt("true or NA", "true");
    expect_fmt("NA or true", "true");
    expect_fmt("false or NA", "NA");
    expect_fmt("true and true", "true");
    expect_fmt("true and false", "false");
    expect_fmt("false or false", "false");
    expect_fmt("not true", "false");
    expect_fmt("1 < 2 and 2 <= 2", "true");
    expect_fmt("3 > 4 or 4 >= 5", "false");
    expect_fmt("latest(s) = 20%", "true");
    expect_fmt("latest(s) = 20.0%", "true");
    expect_fmt("latest(s) = 20.04%", "false");   /* tolerance: half a unit in the last digit */
    expect_fmt("latest(s) = 20.1%", "false");
    expect_fmt("latest(s) + 0.04% = 20.0%", "true");
    expect_fmt("latest(s) != 20%", "false");
    expect_fmt("\"a\" = \"a\"", "true");
    expect_fmt("CT4 = CT4", "true");
    expect_fmt("DOH != DOH", "false");
}

Test(expr, status_of_a_target, .fini = fx_done)
{
    load(expr_plan, expr_csv);
    /* as of 2022: CT4/2020 passed (x_2020 missing: no_data), CT4/2030 is the first deadline >= A */
    expect_fmt("status(CT4)", "at_risk");
    expect_fmt("status(CT4, 2020)", "no_data");
    expect_fmt("status(CT4) = at_risk", "true");
    expect_fmt("status(M)", "maintained");
    diag_clear(&X.d);
    expect_fmt("status(CT4, 2020 + 7)", "NA");   /* a written 2027 is the checker's error */
    cr_expect_eq(X.d.nerrors, 1);
}

Test(expr, bad_year_is_a_runtime_error, .fini = fx_done)
{
    load(expr_plan, expr_csv);
    expect_fmt("value(s, 2020.5)", "NA");
    char *s = th_diags(&X.d);
    cr_expect(th_has(s, "a year is a whole number, not 2020.5"), "%s", s);
    free(s);
}

Test(expr, format_values)
{
    char b[64];
    value v;
    memset(&v, 0, sizeof v);
    v.kind = V_NUMBER;
    v.num = 0.1 + 0.2;
    eval_format_value(&v, b, sizeof b);
    cr_expect_str_eq(b, "0.3", "people see 12 significant digits, not binary noise");
    v.has_unit = 1;
    v.u.kind = UNIT_PER;
    v.u.scale = 100000;
    v.num = 17;
    eval_format_value(&v, b, sizeof b);
    cr_expect_str_eq(b, "17 per 100000");
    v.u.kind = UNIT_PERMILLE;
    v.u.scale = 1000;
    eval_format_value(&v, b, sizeof b);
    cr_expect_str_eq(b, "17 per 1000");
    v.kind = V_NA;
    eval_format_value(&v, b, sizeof b);
    cr_expect_str_eq(b, "NA");
    v.kind = V_STATUS;
    v.status = ST_NO_TREND;
    eval_format_value(&v, b, sizeof b);
    cr_expect_str_eq(b, "no_trend");
    v.kind = V_BOOL;
    v.boolean = 1;
    eval_format_value(&v, b, 3);
    cr_expect_str_eq(b, "tr");
}

/* ---- the example of DESIGN.md §2 ---- */

#include "design_example.h"

Test(design, example_end_to_end, .fini = fx_done)
{
    load(design_example,
         "indicator,region,year,value,area\n"
         "stunting,Bắc Giang,2023,18.0,\nstunting,Bắc Giang,2024,17.4,\n"
         "u5mr,Bắc Giang,2023,19,\nu5mr,Bắc Giang,2024,18,\n"
         "enrol5,Bắc Giang,2023,100,\nenrol5,Bắc Giang,2024,99.8,\n"
         "obesity,Bắc Giang,2024,4.1,rural\n"
         "infant_deaths,Bắc Giang,2024,10,\nlive_births,Bắc Giang,2024,1000,\n"
         "child_marriages,Bắc Giang,2023,50,\n");
    cr_assert_eq(run(NULL), 0, "%s", th_diags(&X.d));
    cr_expect_eq(X.r.as_of, 2024);
    cr_expect_eq(X.r.nms, 8);
    expect_status("CT4/2025", "on_track");   /* 18.0 → 17.4 in a year; needs 17 by 2025 */
    expect_status("T1/2025", "achieved");
    expect_status("CT16/2025", "achieved");
    expect_status("T2/maintain", "broken");  /* 99.8 in 2024 is not >= 100 */
    expect_status("T3/2025", "achieved");
    expect_status("CT13/rate", "no_trend");
    cr_expect_str_eq(find_ms(NULL, "CT4/2025")->owner->lead->id.name, "DOH");
    cr_expect_str_eq(find_ms(NULL, "T3/2025")->owner->lead->id.name, "DOLISA");
    /* the alert: stunting fell */
    cr_assert_eq(X.r.nalerts, 1);
    cr_expect_eq(X.r.alerts[0].fired, 0);
    /* reports: issued 2024-12-27, as of 2024: 30 Nov and 15 Jun/15 Dec 2024 fell before */
    cr_expect_eq(X.r.nreports, 1);
    cr_expect_eq(X.r.reports[0].state, RS_UPCOMING);
}

/* ---- failure paths ---- */

Test(oom, every_allocation_may_fail, .fini = fx_done)
{
    load(owners_plan, owners_csv);
    const char *log = "agency,report,period,submitted\n";
    int failures = 0;
    for (long n = 1; n < 400; n++) {
        eval_options o;
        memset(&o, 0, sizeof o);
        o.all_regions = 1;
        o.submissions = "s.csv";
        o.submissions_text = log;
        o.submissions_len = strlen(log);
        pc_mem_fail_after(n);
        eval_result r;
        int rc = eval_plan(X.p, X.ds, &o, &r, &X.d);
        pc_mem_fail_after(0);
        failures += rc != 0;
        if (rc == 0)
            cr_expect_eq(r.nms, 10);
        eval_result_free(&r);
        diag_clear(&X.d);
    }
    cr_expect_gt(failures, 3);
}

Test(plan_period, bounds_maintain_without_a_window, .fini = fx_done)
{
    /* 2019 breaks the target but lies before the period: only 2021..as-of count */
    load("plan \"P\" { region \"A\" period 2021 to 2030 }\n"
         "indicator enrol \"e\" unit % higher is better\n"
         "target M: enrol >= 99% maintain\n"
         "target W: enrol >= 99% maintain from 2018\n",
         "indicator,region,year,value\nenrol,A,2019,95\nenrol,A,2021,99.5\nenrol,A,2023,99.2\n");
    cr_assert_eq(run(NULL), 0);
    expect_status("M/maintain", "maintained");
    expect_status("W/maintain", "broken");   /* its own window starts before the period */
}
