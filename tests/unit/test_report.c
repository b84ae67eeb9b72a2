/* test_report.c — unit tests of the report writers (src/report*.c): exact JSON and CSV
 * against golden strings, key content of text/Markdown/HTML, escaping in every format,
 * NaN and -0.0, bad CSV columns, write and allocation failures. Results are built by hand. */
#define _GNU_SOURCE   /* memmem */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"
#include "report.h"
#include "report_int.h"
#include <zlib.h>
#include "termsafe.h"

/* ---- a hand-built plan and result ---- */

typedef struct fixture {
    plan_meta meta;
    agency doh, dolisa;
    agency *agencies[2];
    indicator stunting, u5mr, enrol5, obesity, marriages;
    milestone ct4_ms[2], t1_ms[1], t2_ms[1], t3_ms[1];
    selector t3_sel[1];
    target ct4, t1, t2, t3, ct13;
    target *targets[5];
    milestone *mss[6];
    const agency *with_dolisa[1];
    ms_owner own_doh, own_dolisa, own_none;
    pc_plan plan;
    int broken[2];
    ms_result ms[6];
    agency_card cards[2];
    report rp[2];
    report_result reports[2];
    alert_decl alert[2];
    alert_result alerts[3];
    eval_result r;
} fixture;

static fixture fx;

static const unit U_PCT = {UNIT_PERCENT, 100, NULL};
static const unit U_PER1000 = {UNIT_PERMILLE, 1000, NULL};
static const unit U_BARE = {UNIT_BARE, 0, NULL};

static quantity qty(double v, const char *text, unit u)
{
    quantity q;
    memset(&q, 0, sizeof q);
    q.value = v;
    q.text = text;
    q.u = u;
    return q;
}

static void ind(indicator *i, const char *id, const char *name, unit u)
{
    i->id.name = id;
    i->name = name;
    i->u = u;
    i->has_unit = 1;
}

static milestone by_ms(const char *id, cmp_op c, quantity q, int year, target *t)
{
    milestone m;
    memset(&m, 0, sizeof m);
    m.kind = MS_BY;
    m.cmp = c;
    m.q = q;
    m.year = year;
    m.id = id;
    m.target = t;
    return m;
}

static assess_result res(pc_status st)
{
    assess_result a;
    memset(&a, 0, sizeof a);
    a.status = st;
    a.method = METHOD_CR;
    a.base_value = a.latest_value = a.deadline_value = NAN;
    a.actual_rate = a.required_rate = a.ratio = a.projected = NAN;
    a.expected_now = a.required_rate_from_now = NAN;
    return a;
}

static void build(void)
{
    fixture *f = &fx;
    memset(f, 0, sizeof *f);
    f->meta.id = "77/KH-UBND";
    f->meta.title = "Kế hoạch thực hiện Chỉ thị 28-CT/TW";
    f->meta.region = "Bắc Giang";

    f->doh.id.name = "DOH";
    f->doh.name = "Sở Y tế";
    f->dolisa.id.name = "DOLISA";
    f->dolisa.name = "Sở Lao động - Thương binh và Xã hội";
    f->agencies[0] = &f->doh;
    f->agencies[1] = &f->dolisa;

    ind(&f->stunting, "stunting", "Tỷ lệ suy dinh dưỡng thể thấp còi", U_PCT);
    ind(&f->u5mr, "u5mr", NULL, U_PER1000);
    ind(&f->enrol5, "enrol5", NULL, U_PCT);
    ind(&f->obesity, "obesity", NULL, U_PCT);
    ind(&f->marriages, "child_marriages", NULL, U_BARE);
    f->marriages.has_unit = 0;

    /* target CT4 "Chỉ tiêu 4": stunting < 17% by 2025, < 12% by 2030 */
    f->ct4.id.name = f->ct4.gen_id = "CT4";
    f->ct4.label = "Chỉ tiêu 4";
    f->ct4.series.ind.name = "stunting";
    f->ct4_ms[0] = by_ms("CT4/2025", CMP_LT, qty(17, "17", U_PCT), 2025, &f->ct4);
    f->ct4_ms[1] = by_ms("CT4/2030", CMP_LT, qty(12, "12", U_PCT), 2030, &f->ct4);
    f->ct4.ms = f->ct4_ms;
    f->ct4.nms = 2;
    /* target : u5mr < 18.5 per 1000 by 2025 */
    f->t1.gen_id = "T1";
    f->t1.series.ind.name = "u5mr";
    f->t1_ms[0] = by_ms("T1/2025", CMP_LT, qty(18.5, "18.5", U_PER1000), 2025, &f->t1);
    f->t1.ms = f->t1_ms;
    f->t1.nms = 1;
    /* target : enrol5 >= 100% maintain from 2020 */
    f->t2.gen_id = "T2";
    f->t2.series.ind.name = "enrol5";
    f->t2_ms[0] = by_ms("T2/maintain", CMP_GE, qty(100, "100", U_PCT), 0, &f->t2);
    f->t2_ms[0].kind = MS_MAINTAIN;
    f->t2_ms[0].from = 2020;
    f->t2_ms[0].win_from = 2020;   /* resolve sets the window in force */
    f->t2.ms = f->t2_ms;
    f->t2.nms = 1;
    /* target : obesity[area = "rural"] < 5% by 2025 */
    f->t3.gen_id = "T3";
    f->t3.series.ind.name = "obesity";
    f->t3_sel[0].dim.name = "area";
    f->t3_sel[0].value = "rural";
    f->t3.series.sels = f->t3_sel;
    f->t3.series.nsels = 1;
    f->t3_ms[0] = by_ms("T3/2025", CMP_LT, qty(5, "5", U_PCT), 2025, &f->t3);
    f->t3.ms = f->t3_ms;
    f->t3.nms = 1;
    /* target CT13 "Tảo hôn": child_marriages decrease by 2% to 3% per year from 2025 to 2030 */
    f->ct13.id.name = f->ct13.gen_id = "CT13";
    f->ct13.label = "Tảo hôn";
    f->ct13.series.ind.name = "child_marriages";
    f->ct13.kind = TG_RATE;
    f->ct13.rate_lo = qty(2, "2", U_PCT);
    f->ct13.rate_hi = qty(3, "3", U_PCT);
    f->ct13.has_rate_hi = 1;
    f->ct13.rate_from = 2025;
    f->ct13.rate_to = 2030;
    /* as resolve makes it: an MS_BY milestone named CT13/rate, due at the window's end */
    f->ct13.rate_ms = by_ms("CT13/rate", CMP_LE, qty(2, "2", U_PCT), 2030, &f->ct13);
    f->ct13.rate_ms.from = 2025;
    f->ct13.rate_ms.to = 2030;

    f->targets[0] = &f->ct4;
    f->targets[1] = &f->t1;
    f->targets[2] = &f->t2;
    f->targets[3] = &f->t3;
    f->targets[4] = &f->ct13;

    f->with_dolisa[0] = &f->dolisa;
    f->own_doh.lead = &f->doh;
    f->own_doh.with = f->with_dolisa;
    f->own_doh.nwith = 1;
    f->own_dolisa.lead = &f->dolisa;

    f->plan.meta = &f->meta;
    f->plan.agencies = f->agencies;
    f->plan.nagencies = 2;
    f->plan.targets = f->targets;
    f->plan.ntargets = 5;
    milestone *const mss[6] = {&f->ct4_ms[0], &f->ct4_ms[1], &f->t1_ms[0], &f->t2_ms[0], &f->t3_ms[0], &f->ct13.rate_ms};
    memcpy(f->mss, mss, sizeof mss);
    f->plan.milestones = f->mss;
    f->plan.nmilestones = 6;

    /* results, sorted by region then milestone id (byte order) */
    const char *bg = "Bắc Giang";
    ms_result *m = f->ms;
    m[0] = (ms_result){&f->ct13.rate_ms, &f->ct13, &f->marriages, bg, &f->own_dolisa, res(ST_OFF_TRACK)};
    f->broken[0] = 2027;
    m[0].r.nbroken = 1;
    m[0].r.broken = f->broken;
    m[0].r.base_year = 2025, m[0].r.base_value = 120;
    m[0].r.latest_year = 2027, m[0].r.latest_value = 118;

    m[1] = (ms_result){&f->ct4_ms[0], &f->ct4, &f->stunting, bg, &f->own_doh, res(ST_ON_TRACK)};
    m[1].r.base_year = 2020, m[1].r.base_value = 19.6;
    m[1].r.latest_year = 2023, m[1].r.latest_value = 18.0;
    m[1].r.actual_rate = -0.02803, m[1].r.required_rate = -0.02864;
    m[1].r.ratio = 0.979, m[1].r.projected = 17.49;
    m[1].r.expected_now = 17.95, m[1].r.required_rate_from_now = -0.0282;
    m[1].r.ev_points = 2, m[1].r.ev_span = 3, m[1].r.ev_age = 1;
    m[1].r.declared_base = 2019;

    m[2] = (ms_result){&f->ct4_ms[1], &f->ct4, &f->stunting, bg, &f->own_doh, res(ST_AT_RISK)};
    m[2].r.base_year = 2020, m[2].r.base_value = 19.6;
    m[2].r.latest_year = 2023, m[2].r.latest_value = 18.0;
    m[2].r.actual_rate = 0, m[2].r.required_rate = -0.04;
    m[2].r.ratio = -0.0, m[2].r.projected = 18.0000004;

    m[3] = (ms_result){&f->t1_ms[0], &f->t1, &f->u5mr, bg, &f->own_doh, res(ST_NO_DATA)};
    m[3].r.reason = AR_NO_DEADLINE_VALUE;

    m[4] = (ms_result){&f->t2_ms[0], &f->t2, &f->enrol5, bg, &f->own_none, res(ST_BROKEN)};
    f->broken[1] = 2022;
    m[4].r.nbroken = 1;
    m[4].r.broken = &f->broken[1];
    m[4].r.base_year = 2020, m[4].r.base_value = 100;
    m[4].r.latest_year = 2023, m[4].r.latest_value = 99.5;

    m[5] = (ms_result){&f->t3_ms[0], &f->t3, &f->obesity, bg, &f->own_doh, res(ST_ACHIEVED)};
    m[5].r.method = METHOD_PROJECTION;
    m[5].r.base_year = 2020, m[5].r.base_value = 6;
    m[5].r.latest_year = 2023, m[5].r.latest_value = 4.1;

    f->cards[0].agency = &f->doh;
    f->cards[0].counts[ST_ON_TRACK] = 1;
    f->cards[0].counts[ST_AT_RISK] = 1;
    f->cards[0].counts[ST_NO_DATA] = 1;
    f->cards[0].counts[ST_ACHIEVED] = 1;
    f->cards[0].total = 4;
    f->cards[1].agency = &f->dolisa;
    f->cards[1].counts[ST_OFF_TRACK] = 1;
    f->cards[1].total = 1;

    /* report every year by 30 Nov from all to DOLISA; report once by 2025-06-30 from DOLISA to PPC "Sơ kết" */
    f->rp[0].kind = RP_YEARLY;
    f->rp[0].from_all = 1;
    f->rp[0].to.name = "DOLISA";
    f->rp[0].gen_id = "R1";
    f->rp[1].kind = RP_ONCE;
    f->rp[1].to.name = "PPC";
    f->rp[1].label = "Sơ kết";
    f->rp[1].gen_id = "R2";
    f->reports[0] = (report_result){.rp = &f->rp[0], .from = &f->doh, .due = {.year = 2024, .month = 11, .day = 30},
                                    .period = "2024", .state = RS_LATE,
                                    .submitted = {.year = 2024, .month = 12, .day = 5}, .days_late = 5};
    f->reports[1] = (report_result){.rp = &f->rp[1], .from = &f->dolisa, .due = {.year = 2025, .month = 6, .day = 30},
                                    .period = "2025-06-30", .state = RS_UPCOMING};

    f->alert[0].message = "Stunting rose last year";
    f->alert[0].to.name = "DOH";
    f->alert[1].message = "Quiet";
    f->alerts[0] = (alert_result){&f->alert[0], bg, 1};
    f->alerts[1] = (alert_result){&f->alert[1], bg, 0};
    f->alerts[2] = (alert_result){&f->alert[1], "Hà Nội", -1};

    eval_result *r = &f->r;
    r->plan = &f->plan;
    r->as_of = 2024;
    r->method = METHOD_CR;
    r->ms = f->ms;
    r->nms = 6;
    r->cards = f->cards;
    r->ncards = 2;
    r->reports = f->reports;
    r->nreports = 2;
    r->alerts = f->alerts;
    r->nalerts = 3;
    for (size_t i = 0; i < r->nms; i++)
        r->counts[r->ms[i].r.status]++;
}

static char *render(const eval_result *r, report_format fmt, const char *columns, int *rc,
                    const char **err)
{
    report_options o = {.format = fmt, .columns = columns};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    const char *e = NULL;
    *rc = report_write(f, r, &o, &e);
    fclose(f);
    if (err)
        *err = e;
    return buf;
}

static char *render_ok(const eval_result *r, report_format fmt, const char *columns)
{
    int rc;
    const char *err;
    char *s = render(r, fmt, columns, &rc, &err);
    cr_assert_eq(rc, 0, "report_write failed: %s", err ? err : strerror(errno));
    return s;
}

__attribute__((noinline)) static char *render_opts(const eval_result *r, report_options o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(report_write(f, r, &o, NULL), 0);
    fclose(f);
    return buf;
}

TestSuite(report, .init = build);

/* ---- format names ---- */

Test(report, parse_format)
{
    report_format f = FMT_TEXT;
    cr_assert_eq(report_parse_format("json", &f), 0);
    cr_assert_eq(f, FMT_JSON);
    cr_assert_eq(report_parse_format("csv", &f), 0);
    cr_assert_eq(f, FMT_CSV);
    cr_assert_eq(report_parse_format("markdown", &f), 0);
    cr_assert_eq(f, FMT_MARKDOWN);
    cr_assert_eq(report_parse_format("md", &f), 0);
    cr_assert_eq(f, FMT_MARKDOWN);
    cr_assert_eq(report_parse_format("html", &f), 0);
    cr_assert_eq(f, FMT_HTML);
    cr_assert_eq(report_parse_format("text", &f), 0);
    cr_assert_eq(f, FMT_TEXT);
    cr_assert_eq(report_parse_format("xml", &f), -1);
    cr_assert_eq(report_parse_format("JSON ", &f), -1);
    cr_assert_eq(report_parse_format(NULL, &f), -1);
}

/* ---- CSV ---- */

Test(report, csv_default_golden)
{
    char *s = render_ok(&fx.r, FMT_CSV, NULL);
    cr_assert_str_eq(s, "region,milestone,status,ratio,projected\n"
                        "Bắc Giang,CT13/rate,off_track,,\n"
                        "Bắc Giang,CT4/2025,on_track,0.979000,17.490000\n"
                        "Bắc Giang,CT4/2030,at_risk,0.000000,18.000000\n"
                        "Bắc Giang,T1/2025,no_data,,\n"
                        "Bắc Giang,T2/maintain,broken,,\n"
                        "Bắc Giang,T3/2025,achieved,,\n");
    free(s);
}

Test(report, csv_header_only_when_empty)
{
    fx.r.nms = 0;
    char *s = render_ok(&fx.r, FMT_CSV, NULL);
    cr_assert_str_eq(s, "region,milestone,status,ratio,projected\n");
    free(s);
}

Test(report, csv_printf_exact_and_negative_zero)
{
    /* ties and near-ties as printf("%.6f") rounds them; -0.0 and tiny negatives print 0 */
    const double xs[] = {0.5, 2.5e-7, 1.0000005, -0.0, -1e-9, -0.25, 123456.1234565, 1e15 / 3};
    char expect[4096] = "region,milestone,status,ratio,projected\n", line[256];
    ms_result one[8];
    for (int i = 0; i < 8; i++) {
        one[i] = fx.ms[1];
        one[i].r.ratio = xs[i];
        one[i].r.projected = -xs[i];
        char a[64], b[64];
        snprintf(a, sizeof a, "%.6f", xs[i]);
        snprintf(b, sizeof b, "%.6f", -xs[i]);
        snprintf(line, sizeof line, "Bắc Giang,CT4/2025,on_track,%s,%s\n",
                 strcmp(a, "-0.000000") ? a : "0.000000", strcmp(b, "-0.000000") ? b : "0.000000");
        strcat(expect, line);
    }
    fx.r.ms = one;
    fx.r.nms = 8;
    char *s = render_ok(&fx.r, FMT_CSV, NULL);
    cr_assert_str_eq(s, expect);
    cr_assert_null(strstr(s, "-0.000000"));
    free(s);
}

Test(report, csv_quoting_and_formula_guard)
{
    ms_result m[4];
    for (int i = 0; i < 4; i++)
        m[i] = fx.ms[3];
    m[0].region = "=HYPERLINK(\"x\")";
    m[1].region = "-0.5";            /* a number: no guard */
    m[2].region = "Ha Noi, \"the capital\"\nnorth";
    m[3].region = "@SUM(A1)";
    fx.r.ms = m;
    fx.r.nms = 4;
    char *s = render_ok(&fx.r, FMT_CSV, NULL);
    cr_assert_str_eq(s, "region,milestone,status,ratio,projected\n"
                        "\"'=HYPERLINK(\"\"x\"\")\",T1/2025,no_data,,\n"
                        "-0.5,T1/2025,no_data,,\n"
                        "\"Ha Noi, \"\"the capital\"\"\nnorth\",T1/2025,no_data,,\n"
                        "'@SUM(A1),T1/2025,no_data,,\n");
    free(s);
}

Test(report, csv_columns_selected)
{
    char *s = render_ok(&fx.r, FMT_CSV,
                        "milestone, target,indicator,series,comparison,threshold,unit,deadline,lead,coordinators");
    cr_assert_str_eq(s, "milestone,target,indicator,series,comparison,threshold,unit,deadline,lead,coordinators\n"
                        "CT13/rate,CT13,child_marriages,,,2,%,,DOLISA,\n"
                        "CT4/2025,CT4,stunting,,<,17,%,2025,DOH,DOLISA\n"
                        "CT4/2030,CT4,stunting,,<,12,%,2030,DOH,DOLISA\n"
                        "T1/2025,T1,u5mr,,<,18.5,per 1000,2025,DOH,DOLISA\n"
                        "T2/maintain,T2,enrol5,,>=,100,%,,,\n"
                        "T3/2025,T3,obesity,area=rural,<,5,%,2025,DOH,DOLISA\n");
    free(s);
}

Test(report, csv_columns_numbers)
{
    char *s = render_ok(&fx.r, FMT_CSV,
                        "milestone,status,method,baseline_year,baseline_value,latest_year,latest_value,"
                        "actual_rate,required_rate,ratio,projected,broken_years");
    cr_assert_str_eq(s, "milestone,status,method,baseline_year,baseline_value,latest_year,latest_value,"
                        "actual_rate,required_rate,ratio,projected,broken_years\n"
                        "CT13/rate,off_track,cr,2025,120,2027,118,,,,,2027\n"
                        "CT4/2025,on_track,cr,2020,19.6,2023,18,-0.028030,-0.028640,0.979000,17.490000,\n"
                        "CT4/2030,at_risk,cr,2020,19.6,2023,18,0.000000,-0.040000,0.000000,18.000000,\n"
                        "T1/2025,no_data,cr,,,,,,,,,\n"
                        "T2/maintain,broken,cr,2020,100,2023,99.5,,,,,2022\n"
                        "T3/2025,achieved,projection,2020,6,2023,4.1,,,,,\n");
    free(s);
}

Test(report, csv_columns_all)
{
    char *s = render_ok(&fx.r, FMT_CSV, "all");
    const char *head = "region,milestone,target,indicator,series,comparison,threshold,unit,deadline,"
                       "status,method,baseline_year,baseline_value,latest_year,latest_value,"
                       "actual_rate,required_rate,ratio,projected,lead,coordinators,broken_years,"
                       "value_year,baseline_declared,expected_now,required_rate_from_now,points,span,age,reason\n";
    cr_assert_eq(strncmp(s, head, strlen(head)), 0, "%s", s);
    cr_assert(strstr(s, "\nBắc Giang,T3/2025,T3,obesity,area=rural,<,5,%,2025,achieved,projection,"
                        "2020,6,2023,4.1,,,,,DOH,DOLISA,,,,,,,,,\n"), "%s", s);
    /* the v2 columns */
    cr_assert(strstr(s, ",DOH,DOLISA,,,2019,17.950000,-0.028200,2,3,1,\n"), "%s", s);
    cr_assert(strstr(s, ",,no value at the deadline or a year either side\n"), "%s", s);
    free(s);
}

Test(report, csv_unknown_column)
{
    int rc;
    const char *err = NULL;
    char *s = render(&fx.r, FMT_CSV, "region,stauts", &rc, &err);
    cr_assert_eq(rc, -1);
    cr_assert_not_null(err);
    cr_assert(strstr(err, "'stauts'"), "%s", err);
    cr_assert(strstr(err, "valid columns: region, milestone,"), "%s", err);
    cr_assert(strstr(err, "age, reason, all"), "%s", err);
    cr_assert_str_eq(s, "");   /* nothing written */
    free(s);

    s = render(&fx.r, FMT_CSV, "region,,status", &rc, &err);
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err, "empty CSV column name"), "%s", err);
    free(s);
}

Test(report, csv_many_rows_chunked)
{
    /* more than one buffer's worth: every row arrives, in order */
    size_t n = 50000;
    ms_result *m = malloc(n * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        m[i] = fx.ms[1];
        m[i].r.ratio = (double)i / 8;
    }
    fx.r.ms = m;
    fx.r.nms = n;
    char *s = render_ok(&fx.r, FMT_CSV, NULL);
    size_t lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, n + 1);
    cr_assert(strstr(s, "\nBắc Giang,CT4/2025,on_track,6249.875000,17.490000\n"));
    free(s);
    free(m);
}

/* ---- JSON ---- */

static const char json_golden[] =
    "{\n"
    "  \"plan\": \"77/KH-UBND\",\n"
    "  \"as_of\": 2024,\n"
    "  \"milestones\": [\n"
    "    {\"id\": \"CT13/rate\", \"target\": \"CT13\", \"indicator\": \"child_marriages\", \"region\": \"Bắc Giang\", "
    "\"comparison\": null, \"threshold\": 2, \"unit\": \"%\", \"deadline\": null, \"status\": \"off_track\", "
    "\"baseline\": {\"year\": 2025, \"value\": 120}, \"latest\": {\"year\": 2027, \"value\": 118}, "
    "\"method\": \"cr\", \"actual_rate\": null, \"required_rate\": null, \"ratio\": null, \"projected\": null, "
    "\"lead\": \"DOLISA\", \"coordinators\": [], "
    "\"value_year\": null, \"baseline_moved\": null, \"expected_now\": null, \"required_rate_from_now\": null, \"evidence\": null, \"reason\": null, \"kind\": \"rate\", \"label\": \"Tảo hôn\", "
    "\"rate\": {\"change\": \"decrease\", \"min\": 2, \"max\": 3, \"from\": 2025, \"to\": 2030}, "
    "\"broken_years\": [2027], "
    "\"chart\": {\"series\": [], \"threshold\": null, \"required\": [], \"expected_now\": null, \"projected\": [], \"decimals\": 0}},\n"
    "    {\"id\": \"CT4/2025\", \"target\": \"CT4\", \"indicator\": \"stunting\", \"region\": \"Bắc Giang\", "
    "\"comparison\": \"<\", \"threshold\": 17, \"unit\": \"%\", \"deadline\": 2025, \"status\": \"on_track\", "
    "\"baseline\": {\"year\": 2020, \"value\": 19.6}, \"latest\": {\"year\": 2023, \"value\": 18}, "
    "\"method\": \"cr\", \"actual_rate\": -0.02803, \"required_rate\": -0.02864, \"ratio\": 0.979, "
    "\"projected\": 17.49, \"lead\": \"DOH\", \"coordinators\": [\"DOLISA\"], "
    "\"value_year\": null, \"baseline_moved\": {\"declared\": 2019, \"used\": 2020}, \"expected_now\": 17.95, \"required_rate_from_now\": -0.0282, \"evidence\": {\"points\": 2, \"span\": 3, \"age\": 1}, \"reason\": null, \"kind\": \"by\", "
    "\"label\": \"Chỉ tiêu 4\", "
    "\"chart\": {\"series\": [], \"threshold\": 17, \"required\": [[2020, 19.6], [2021, 19.05], [2022, 18.515], [2023, 17.996], [2024, 17.491], [2025, 17]], \"expected_now\": [2023, 17.996], \"projected\": [[2023, 18], [2024, 17.743], [2025, 17.49]], \"decimals\": 1}},\n"
    "    {\"id\": \"CT4/2030\", \"target\": \"CT4\", \"indicator\": \"stunting\", \"region\": \"Bắc Giang\", "
    "\"comparison\": \"<\", \"threshold\": 12, \"unit\": \"%\", \"deadline\": 2030, \"status\": \"at_risk\", "
    "\"baseline\": {\"year\": 2020, \"value\": 19.6}, \"latest\": {\"year\": 2023, \"value\": 18}, "
    "\"method\": \"cr\", \"actual_rate\": 0, \"required_rate\": -0.04, \"ratio\": 0, "
    "\"projected\": 18.0000004, \"lead\": \"DOH\", \"coordinators\": [\"DOLISA\"], "
    "\"value_year\": null, \"baseline_moved\": null, \"expected_now\": null, \"required_rate_from_now\": null, \"evidence\": null, \"reason\": null, \"kind\": \"by\", "
    "\"label\": \"Chỉ tiêu 4\", "
    "\"chart\": {\"series\": [], \"threshold\": 12, \"required\": [[2020, 19.6], [2021, 18.662], [2022, 17.768], [2023, 16.917], [2024, 16.107], [2025, 15.336], [2026, 14.602], [2027, 13.903], [2028, 13.237], [2029, 12.603], [2030, 12]], \"expected_now\": [2023, 16.917], \"projected\": [[2023, 18], [2024, 18], [2025, 18], [2026, 18], [2027, 18], [2028, 18], [2029, 18], [2030, 18]], \"decimals\": 1}},\n"
    "    {\"id\": \"T1/2025\", \"target\": \"T1\", \"indicator\": \"u5mr\", \"region\": \"Bắc Giang\", "
    "\"comparison\": \"<\", \"threshold\": 18.5, \"unit\": \"per 1000\", \"deadline\": 2025, \"status\": \"no_data\", "
    "\"baseline\": null, \"latest\": null, "
    "\"method\": \"cr\", \"actual_rate\": null, \"required_rate\": null, \"ratio\": null, "
    "\"projected\": null, \"lead\": \"DOH\", \"coordinators\": [\"DOLISA\"], "
    "\"value_year\": null, \"baseline_moved\": null, \"expected_now\": null, \"required_rate_from_now\": null, \"evidence\": null, \"reason\": \"no value at the deadline or a year either side\", \"kind\": \"by\", "
    "\"label\": null, "
    "\"chart\": {\"series\": [], \"threshold\": 18.5, \"required\": [], \"expected_now\": null, \"projected\": [], \"decimals\": 0}},\n"
    "    {\"id\": \"T2/maintain\", \"target\": \"T2\", \"indicator\": \"enrol5\", \"region\": \"Bắc Giang\", "
    "\"comparison\": \">=\", \"threshold\": 100, \"unit\": \"%\", \"deadline\": null, \"status\": \"broken\", "
    "\"baseline\": {\"year\": 2020, \"value\": 100}, \"latest\": {\"year\": 2023, \"value\": 99.5}, "
    "\"method\": \"cr\", \"actual_rate\": null, \"required_rate\": null, \"ratio\": null, "
    "\"projected\": null, \"lead\": null, \"coordinators\": [], "
    "\"value_year\": null, \"baseline_moved\": null, \"expected_now\": null, \"required_rate_from_now\": null, \"evidence\": null, \"reason\": null, \"kind\": \"maintain\", "
    "\"label\": null, \"from\": 2020, \"to\": null, \"broken_years\": [2022], "
    "\"chart\": {\"series\": [], \"threshold\": 100, \"required\": [], \"expected_now\": null, \"projected\": [], \"decimals\": 1}},\n"
    "    {\"id\": \"T3/2025\", \"target\": \"T3\", \"indicator\": \"obesity\", \"region\": \"Bắc Giang\", "
    "\"series\": {\"area\": \"rural\"}, "
    "\"comparison\": \"<\", \"threshold\": 5, \"unit\": \"%\", \"deadline\": 2025, \"status\": \"achieved\", "
    "\"baseline\": {\"year\": 2020, \"value\": 6}, \"latest\": {\"year\": 2023, \"value\": 4.1}, "
    "\"method\": \"projection\", \"actual_rate\": null, \"required_rate\": null, \"ratio\": null, "
    "\"projected\": null, \"lead\": \"DOH\", \"coordinators\": [\"DOLISA\"], "
    "\"value_year\": null, \"baseline_moved\": null, \"expected_now\": null, \"required_rate_from_now\": null, \"evidence\": null, \"reason\": null, \"kind\": \"by\", "
    "\"label\": null, "
    "\"chart\": {\"series\": [], \"threshold\": 5, \"required\": [[2020, 6], [2021, 5.785], [2022, 5.578], [2023, 5.378], [2024, 5.186], [2025, 5]], \"expected_now\": [2023, 5.378], \"projected\": [], \"decimals\": 1}}\n"
    "  ],\n"
    "  \"agencies\": [\n"
    "    {\"id\": \"DOH\", \"name\": \"Sở Y tế\", \"counts\": {\"achieved\": 1, \"on_track\": 1, "
    "\"at_risk\": 1, \"no_data\": 1}, \"total\": 4},\n"
    "    {\"id\": \"DOLISA\", \"name\": \"Sở Lao động - Thương binh và Xã hội\", "
    "\"counts\": {\"off_track\": 1}, \"total\": 1}\n"
    "  ],\n"
    "  \"reports\": [\n"
    "    {\"id\": \"R1\", \"label\": null, \"from\": \"DOH\", \"to\": \"DOLISA\", \"due\": \"2024-11-30\", "
    "\"period\": \"2024\", \"state\": \"late\", \"submitted\": \"2024-12-05\", \"days_late\": 5, \"via\": null},\n"
    "    {\"id\": \"R2\", \"label\": \"Sơ kết\", \"from\": \"DOLISA\", \"to\": \"PPC\", \"due\": \"2025-06-30\", "
    "\"period\": \"2025-06-30\", \"state\": \"upcoming\", \"submitted\": null, \"days_late\": null, \"via\": null}\n"
    "  ],\n"
    "  \"alerts\": [\n"
    "    {\"message\": \"Stunting rose last year\", \"region\": \"Bắc Giang\", \"to\": \"DOH\", \"fired\": true},\n"
    "    {\"message\": \"Quiet\", \"region\": \"Bắc Giang\", \"to\": null, \"fired\": false},\n"
    "    {\"message\": \"Quiet\", \"region\": \"Hà Nội\", \"to\": null, \"fired\": null}\n"
    "  ],\n"
    "  \"title\": \"Kế hoạch thực hiện Chỉ thị 28-CT/TW\",\n"
    "  \"method\": \"cr\",\n"
    "  \"counts\": {\"achieved\": 1, \"on_track\": 1, \"at_risk\": 1, \"off_track\": 1, \"no_data\": 1, "
    "\"broken\": 1},\n"
    "  \"data\": {\"files\": [], \"rows_read\": 0, \"rows_used\": 0},\n"
    "  \"warnings\": []\n"
    "}\n";

Test(report, json_golden)
{
    char *s = render_ok(&fx.r, FMT_JSON, NULL);
    cr_assert_str_eq(s, json_golden);
    free(s);
}

Test(report, json_empty_arrays)
{
    fx.r.nms = fx.r.nreports = fx.r.nalerts = 0;
    fx.r.ncards = 0;
    fx.r.as_of = 0;
    memset(fx.r.counts, 0, sizeof fx.r.counts);
    fx.plan.meta = NULL;
    char *s = render_ok(&fx.r, FMT_JSON, NULL);
    cr_assert_str_eq(s, "{\n  \"plan\": null,\n  \"as_of\": null,\n  \"milestones\": [],\n"
                        "  \"agencies\": [],\n  \"reports\": [],\n  \"alerts\": [],\n"
                        "  \"title\": null,\n  \"method\": \"cr\",\n  \"counts\": {},\n"
                        "  \"data\": {\"files\": [], \"rows_read\": 0, \"rows_used\": 0},\n"
                        "  \"warnings\": []\n}\n");
    free(s);
}

Test(report, json_escaping)
{
    fx.meta.id = "a\"b\\c\nd\te\x01\x7f</script>";
    fx.r.nms = 0;
    char *s = render_ok(&fx.r, FMT_JSON, NULL);
    cr_assert(strstr(s, "\"plan\": \"a\\\"b\\\\c\\nd\\te\\u0001\\u007f</script>\",\n"), "%s", s);
    free(s);

    /* invalid UTF-8 becomes U+FFFD; valid multibyte passes through; U+2028 escaped */
    fx.meta.id = "x\xC3(y\xE2\x80\xA8z\xF0\x9F\x98\x80";
    s = render_ok(&fx.r, FMT_JSON, NULL);
    cr_assert(strstr(s, "\"plan\": \"x\\ufffd(y\\u2028z\xF0\x9F\x98\x80\",\n"), "%s", s);
    free(s);
}

Test(report, json_nonfinite_is_null)
{
    fx.ms[1].r.ratio = INFINITY;
    fx.ms[1].r.projected = -INFINITY;
    fx.ms[1].r.latest_value = NAN;   /* a latest year without a value is no latest at all */
    fx.r.nms = 2;
    char *s = render_ok(&fx.r, FMT_JSON, NULL);
    cr_assert(strstr(s, "\"latest\": null,"), "%s", s);
    cr_assert(strstr(s, "\"ratio\": null, \"projected\": null,"), "%s", s);
    cr_assert_null(strstr(s, "inf"));
    cr_assert_null(strstr(s, "nan"));
    free(s);
}

Test(report, json_numbers_shortest)
{
    fx.ms[1].r.ratio = 0.1 + 0.2;
    fx.ms[1].r.projected = 1e21;
    fx.ms[1].r.actual_rate = 1e-9;
    fx.r.nms = 2;
    char *s = render_ok(&fx.r, FMT_JSON, NULL);
    cr_assert(strstr(s, "\"actual_rate\": 1e-09, \"required_rate\": -0.02864, "
                        "\"ratio\": 0.30000000000000004, \"projected\": 1e+21,"), "%s", s);
    free(s);
}

/* ---- text ---- */

Test(report, text_content)
{
    char *s = render_ok(&fx.r, FMT_TEXT, NULL);
    cr_assert(strncmp(s, "plan 77/KH-UBND \xC2\xB7 Kế hoạch thực hiện Chỉ thị 28-CT/TW\n"
                         "region Bắc Giang \xC2\xB7 as of 2024 \xC2\xB7 method cr\n", 100) == 0, "%s", s);
    cr_assert(strstr(s, "\nCT4 \xC2\xB7 Chỉ tiêu 4\n"), "%s", s);
    cr_assert(strstr(s, "\n  MILESTONE    INDICATOR        GOAL                  DEADLINE        LATEST      STATUS     LEAD\n"
                        "CT4 \xC2\xB7 Chỉ tiêu 4\n"
                        "  CT4/2025     stunting         < 17%                 2025            2023: 18    on track   DOH\n"),
              "%s", s);
    cr_assert(strstr(s, "\n  T2/maintain  enrol5           >= 100%               maintain 2020-  2023: 99.5  broken\n"),
              "%s", s);
    cr_assert(strstr(s, "2023: 18"), "%s", s);
    cr_assert(strstr(s, "on track"), "%s", s);
    cr_assert(strstr(s, "< 18.5 per 1000"), "%s", s);
    cr_assert(strstr(s, "decrease 2% to 3%/yr"), "%s", s);
    cr_assert(strstr(s, "2025-2030"), "%s", s);
    cr_assert(strstr(s, "maintain 2020-"), "%s", s);
    cr_assert(strstr(s, "\n6 milestones: 1 achieved, 1 on track, 1 at risk, 1 off track, 1 no data, 1 broken\n"),
              "%s", s);
    cr_assert(strstr(s, "\nAgencies\n"), "%s", s);
    cr_assert(strstr(s, "\nAgencies\n"
                        "  AGENCY  achieved  on track  at risk  off track  no data  TOTAL  NAME\n"
                        "  DOH            1         1        1          -        1      4  Sở Y tế\n"
                        "  DOLISA         -         -        -          1        -      1  Sở Lao động - Thương binh và Xã h…\n"),
              "%s", s);   /* the name cut so that the scorecard fits in 100 columns */
    cr_assert(strstr(s, "\nReports\n"), "%s", s);
    cr_assert(strstr(s, "  R1      DOH     DOLISA  2024        2024-11-30  LATE (5 days)  2024-12-05\n"),
              "%s", s);                              /* highlighted without colour */
    cr_assert(strstr(s, "\nAlerts\n  ! Stunting rose last year (Bắc Giang) -> DOH\n"), "%s", s);
    cr_assert_null(strstr(s, "Quiet"));               /* only fired alerts */
    cr_assert_null(strstr(s, "\033["));               /* no colour unless asked */
    cr_assert_null(strstr(s, " \n"));                 /* no trailing blanks */
    free(s);
}

/* Every row of the milestone table starts its columns at the same display column. */
Test(report, text_aligned_by_display_width)
{
    ms_result m[2] = {fx.ms[1], fx.ms[1]};
    m[0].region = "Bắc Giang";   /* 9 code points, 12 bytes */
    m[1].region = "Ha Noi";
    fx.r.ms = m;
    fx.r.nms = 2;
    char *s = render_ok(&fx.r, FMT_TEXT, NULL);
    const char *a = strstr(s, "\n  CT4/2025   Bắc Giang  stunting   < 17%  2025      2023: 18  on track  DOH\n");
    const char *b = strstr(s, "\n  CT4/2025   Ha Noi     stunting   < 17%  2025      2023: 18  on track  DOH\n");
    cr_assert(a && b, "%s", s);
    cr_assert(strstr(s, "\n2 regions \xC2\xB7 as of 2024"), "%s", s);
    free(s);
}

static size_t codepoints(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Long names are cut with "…" so that every line fits in 100 terminal columns. */
Test(report, text_fits_100_columns)
{
    ms_result m[12];
    for (int i = 0; i < 12; i++) {
        m[i] = fx.ms[i % 6];
        m[i].region = i < 6 ? "Bắc Giang" : "Thành phố Hồ Chí Minh (khu vực phía Nam mở rộng)";
    }
    fx.stunting.id.name = "ty_le_suy_dinh_duong_the_thap_coi_tre_em_duoi_5_tuoi";
    fx.meta.title = "Kế hoạch thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Ban Bí thư về "
                    "tiếp tục tăng cường công tác bảo vệ, chăm sóc trẻ em";
    fx.r.ms = m;
    fx.r.nms = 12;
    char *s = render_ok(&fx.r, FMT_TEXT, NULL);
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '\n');
        cr_assert_not_null(e);
        cr_assert_leq(codepoints(p, (size_t)(e - p)), 100, "too wide: %.*s", (int)(e - p), p);
        p = e + 1;
    }
    cr_assert(strstr(s, "  CT4/2025     Thành phố…  ty_le_suy…  < 17%           2025            2023: 18    on track   DOH\n"),
              "%s", s);
    cr_assert(strstr(s, "  T1/2025      Bắc Giang   u5mr        < 18.5 per 10…  2025 "), "%s", s);
    free(s);
}

Test(report, text_color_and_by_agency)
{
    report_options o = {.format = FMT_TEXT, .color = 1, .by_agency = 1};
    char *s = render_opts(&fx.r, o);
    cr_assert(strstr(s, "\033[32mon track\033[0m"), "%s", s);
    cr_assert(strstr(s, "\033[33mat risk\033[0m"), "%s", s);
    cr_assert(strstr(s, "\033[31moff track\033[0m"), "%s", s);
    cr_assert(strstr(s, "\033[2mno data\033[0m"), "%s", s);
    const char *doh = strstr(s, "DOH \xC2\xB7 Sở Y tế");
    const char *dolisa = strstr(s, "DOLISA \xC2\xB7 Sở Lao động");
    const char *none = strstr(s, "(no lead agency)");
    cr_assert(doh && dolisa && none, "%s", s);
    cr_assert(doh < dolisa && dolisa < none, "groups in scorecard order, nobody last");
    cr_assert(strstr(s, "WITH"), "%s", s);
    free(s);
}

Test(report, text_escapes_control_characters)
{
    fx.alert[0].message = "evil\033[2J\nline";
    char *s = render_ok(&fx.r, FMT_TEXT, NULL);
    cr_assert_null(strstr(s, "\033"));
    cr_assert(strstr(s, "evil\\x1b[2J\\x0aline"), "%s", s);   /* escaped, as termsafe.c does */
    free(s);
}

Test(report, text_truncates_long_cells)
{
    fx.stunting.id.name = "an_indicator_with_a_very_long_name";
    char *s = render_ok(&fx.r, FMT_TEXT, NULL);
    cr_assert(strstr(s, "an_indicator_wi\xE2\x80\xA6"), "%s", s);
    free(s);
}

/* ---- Markdown ---- */

Test(report, markdown_content_and_escaping)
{
    fx.ct4.label = "a|b";
    fx.stunting.id.name = "tỷ_lệ";
    fx.ms[5].region = "R|1 *x* <b>\nnext";   /* (results stay sorted by region) */
    fx.doh.name = "Sở Y tế\x1b[31m";
    char *s = render_ok(&fx.r, FMT_MARKDOWN, NULL);
    cr_assert_null(strchr(s, '\x1b'));
    cr_assert(strstr(s, "Sở Y tế\\x1b\\[31m"), "%s", s);   /* escaped as the terminal writers do */
    fx.doh.name = "Sở Y tế";
    free(s);
    s = render_ok(&fx.r, FMT_MARKDOWN, NULL);
    cr_assert(strncmp(s, "# Plan 77/KH-UBND\n\nKế hoạch thực hiện Chỉ thị 28-CT/TW\n", 60) == 0, "%s", s);
    cr_assert(strstr(s, "- Region"), "%s", s);
    cr_assert(strstr(s, "- Data up to: 2024\n"), "%s", s);
    /* summary with shapes and words */
    cr_assert(strstr(s, "## Summary\n\n**6 milestones**: 1 ★ achieved, 1 ○ on track, 1 ▲ at risk, 1 ◆ off track, "
                        "1 ? no data, 1 ☐ broken\n"), "%s", s);
    /* two regions: the matrix first, then a section per region */
    cr_assert(strstr(s, "## Targets by region\n\n| Milestone | Bắc Giang | R\\|1 \\*x\\* \\<b\\>\\x0anext |\n"
                        "| --- | --- | --- |\n| a\\|b (CT4/2025) | ○ on track |  |\n"), "%s", s);
    /* a region without a milestone's result keeps its column: the cells stay aligned */
    cr_assert(strstr(s, "| T3 (T3/2025) |  | ★ achieved |\n"), "%s", s);
    cr_assert(strstr(s, "| T1/2025 | \\< 18.5‰ | 2025 |  | ? no data | Sở Y tế |\n"), "%s", s);
    cr_assert(strstr(s, "\n## R\\|1 \\*x\\* \\<b\\>\\x0anext\n"), "%s", s);
    cr_assert(strstr(s, "\n## Bắc Giang\n\n### a\\|b (CT4)\n\nTỷ lệ suy dinh dưỡng thể thấp còi (tỷ\\_lệ)\n"), "%s", s);
    cr_assert(strstr(s, "| Milestone | Goal | Deadline | Latest value | Status | Lead |\n"
                        "| --- | --- | --- | --- | --- | --- |\n"), "%s", s);
    cr_assert(strstr(s, "| CT4/2025 | \\< 17% | 2025 | 18.0% (2023) | ○ on track | Sở Y tế |\n"), "%s", s);
    cr_assert(strstr(s, "## Agencies\n\n| Agency | Milestones | Tasks | Reports |\n"), "%s", s);
    cr_assert(strstr(s, "| Sở Y tế (DOH) | 1 ★ achieved, 1 ○ on track, 1 ▲ at risk, 1 ? no data | Lead: 0 | 1 (1 late, 0 missing) |\n"),
              "%s", s);
    cr_assert(strstr(s, "## Reporting calendar\n\n| Agency | on time | late | missing | due | upcoming |\n"
                        "| --- | --- | --- | --- | --- | --- |\n| Sở Y tế | 0 | 1 | 0 | 0 | 0 |\n"), "%s", s);
    cr_assert(strstr(s, "<details><summary>Sở Y tế (1)</summary>\n"), "%s", s);
    cr_assert(strstr(s, "| **late (5 days)** |"), "%s", s);
    cr_assert(strstr(s, "## Alerts\n\n- **Stunting rose last year** (Bắc Giang) \xE2\x86\x92 DOH\n"), "%s", s);
    free(s);
}

Test(report, markdown_sparkline_and_vi)
{
    rep_pt p[] = {{2015, 19.8}, {2018, 19}, {2020, 18.3}, {2024, 17.4}};
    char buf[64];
    cr_assert_str_eq(rep_sparkline(p, 4, buf, sizeof buf), "█▆▄▁");
    cr_assert_str_eq(rep_sparkline(p, 1, buf, sizeof buf), "");
    rep_pt flat[] = {{2020, 5}, {2021, 5}};
    cr_assert_str_eq(rep_sparkline(flat, 2, buf, sizeof buf), "▄▄");
    report_options o = {.format = FMT_MARKDOWN, .lang = LANG_VI};
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(report_write(f, &fx.r, &o, NULL), 0);
    fclose(f);
    cr_assert(strncmp(out, "# Kế hoạch 77/KH-UBND\n", 24) == 0, "%s", out);
    cr_assert(strstr(out, "○ đúng tiến độ"), "%s", out);
    cr_assert(strstr(out, "## Chế độ báo cáo"), "%s", out);
    free(out);
}

/* ---- HTML ---- */

Test(report, html_content_and_escaping)
{
    fx.meta.title = "<script>alert('x')</script> & \"more\"";
    fx.meta.authority = "UBND </style><script>x()</script>";
    fx.ms[5].region = "<img src=x onerror=alert(1)>";   /* (results stay sorted by region) */
    fx.ct4.label = "Chỉ tiêu \x01 4\x7f";
    char *s = render_ok(&fx.r, FMT_HTML, NULL);
    cr_assert(strncmp(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 60) == 0);
    cr_assert(strstr(s, "<title>77/KH-UBND — &lt;script&gt;"), "%s", s);
    cr_assert_null(strstr(s, "<script"));
    cr_assert_null(strstr(s, "<img"));
    cr_assert_null(strstr(s, "</style><"));
    cr_assert_null(strstr(s, "\x01"));
    cr_assert_null(strstr(s, "\x7f"));
    cr_assert(strstr(s, "Chỉ tiêu \xEF\xBF\xBD 4\xEF\xBF\xBD"), "%s", s);
    /* the authority in the print header is a CSS string with every special byte escaped */
    cr_assert(strstr(s, "@top-right{content:\"UBND \\3c \\2f style\\3e \\3c script\\3e x\\28 \\29 \\3c \\2f script\\3e \""), "%s", s);
    cr_assert(strstr(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"), "%s", s);
    /* colour and shape and word */
    cr_assert(strstr(s, "<span class=\"b st-on_track\"><svg class=\"i\" viewBox=\"0 0 16 16\" aria-hidden=\"true\">"
                        "<use href=\"#s-on_track\"/></svg>on track</span>"), "%s", s);
    cr_assert(strstr(s, "<symbol id=\"s-broken\""), "%s", s);
    cr_assert(strstr(s, ".st-on_track{color:#0b5cad}"), "%s", s);
    /* the summary bar prints its counts */
    cr_assert(strstr(s, "<span class=\"st-on_track\" style=\"flex:1 1 0\"><svg class=\"i\""), "%s", s);
    cr_assert(strstr(s, "</svg>1</span>"), "%s", s);
    /* two regions: the matrix, then a section per region */
    cr_assert(strstr(s, "<table class=\"matrix\">"), "%s", s);
    cr_assert(strstr(s, "<tr><th class=\"row\">T3 <small>T3/2025</small></th><td></td><td class=\"st-achieved\">"), "%s", s);
    cr_assert(strstr(s, "<tr><th class=\"row\">T1 <small>T1/2025</small></th><td class=\"st-no_data\"><a href=\"#g1\">"), "%s", s);
    cr_assert(strstr(s, "</span></a></td><td></td></tr>"), "%s", s);
    cr_assert(strstr(s, "<section class=\"region\">\n<h2>&lt;img src=x onerror=alert(1)&gt;</h2>"), "%s", s);
    /* a chart per target and region, with labels from the plan */
    cr_assert(strstr(s, "<svg class=\"ch\""), "%s", s);
    cr_assert(strstr(s, "Sở Y tế <small>DOH</small>"), "%s", s);
    cr_assert(strstr(s, "<td data-h=\"Status\" class=\"state\">late (5 days)</td>"), "%s", s);
    cr_assert(strstr(s, "<li>Stunting rose last year (Bắc Giang) &rarr; DOH</li>"), "%s", s);
    cr_assert(strstr(s, "@page{size:A4;"), "%s", s);
    cr_assert(strstr(s, "counter(page) \" / \" counter(pages)"), "%s", s);
    cr_assert_null(strstr(s, "http"));            /* no external resources */
    cr_assert_null(strstr(s, "<link"));
    cr_assert(strstr(s, "</body>\n</html>\n"));
    free(s);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

Test(report, html_a_chart_per_target_and_region)
{
    char *s = render_ok(&fx.r, FMT_HTML, NULL);
    /* targets CT4, T1, T2, T3, CT13 */
    cr_assert_eq(count(s, "<article class=\"target\""), 5, "%s", s);
    cr_assert_eq(count(s, "<svg class=\"ch\""), 5, "%s", s);
    /* CT4/2025 in Bắc Giang: threshold line, required path, the value it expects now */
    cr_assert(strstr(s, "CT4/2025: &lt; 17%</text>"), "%s", s);
    cr_assert(strstr(s, "<title>expected now: 18.0</title>"), "%s", s);
    cr_assert(strstr(s, "stroke-dasharray=\"1.5 3\""), "%s", s);
    /* one region: the overview, a line per target linking to its section */
    cr_assert(strstr(s, "<table class=\"rows overview\">"), "%s", s);
    cr_assert(strstr(s, "<a href=\"#g0\">Chỉ tiêu 4</a> <small>CT4</small></td>"), "%s", s);
    cr_assert(strstr(s, "<span class=\"cnt\">2025&nbsp;<span class=\"b st-on_track\">"), "%s", s);
    cr_assert_null(strstr(s, "<table class=\"matrix\">"));
    free(s);
}

Test(report, html_lang_vi)
{
    report_options o = {.format = FMT_HTML, .lang = LANG_VI};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(report_write(f, &fx.r, &o, NULL), 0);
    fclose(f);
    cr_assert(strstr(buf, "<html lang=\"vi\">"), "%s", buf);
    cr_assert(strstr(buf, "đúng tiến độ</span>"), "%s", buf);
    cr_assert(strstr(buf, "<h2>Tổng hợp</h2>"), "%s", buf);
    cr_assert(strstr(buf, "Trang"), "%s", buf);
    cr_assert(strstr(buf, "18,0% (2023)"), "%s", buf);   /* the Vietnamese decimal comma */
    free(buf);
}

/* ---- what the reports for people share (report_vis.c) ---- */

Test(report, status_colours_contrast_and_distinct)
{
    for (int s = 0; s < ST__COUNT; s++) {
        const rep_status_look *l = rep_look((pc_status)s);
        double c = rep_contrast(l->color, "#ffffff");
        cr_assert_geq(c, 4.5, "%s: %s has contrast %.2f with white", assess_status_str((pc_status)s), l->color, c);
        cr_assert(l->shape && *l->shape);
        cr_assert(l->word[0] && *l->word[0] && l->word[1] && *l->word[1]);
        for (int t = 0; t < s; t++) {
            const rep_status_look *m = rep_look((pc_status)t);
            cr_assert(strcmp(l->color, m->color) != 0, "%d and %d share a colour", s, t);
            cr_assert(strcmp(l->shape, m->shape) != 0, "%d and %d share a shape", s, t);
            cr_assert(strcmp(l->word[1], m->word[1]) != 0);
        }
    }
    cr_assert_str_eq(rep_status_word(ST_MET, LANG_VI), "đạt");
    cr_assert_str_eq(rep_status_word(ST_ON_TRACK, LANG_EN), "on track");
}

Test(report, contrast_formula)
{
    cr_assert_float_eq(rep_contrast("#000000", "#ffffff"), 21.0, 1e-9);
    cr_assert_float_eq(rep_contrast("#ffffff", "#ffffff"), 1.0, 1e-9);
    cr_assert_float_eq(rep_contrast("#777777", "#FFFFFF"), 4.478, 1e-3);   /* the classic near miss */
    cr_assert_float_eq(rep_contrast("#0b5cad", "#ffffff"), rep_contrast("#ffffff", "#0b5cad"), 1e-12);
    cr_assert_eq(rep_contrast("#12345", "#ffffff"), 0);
    cr_assert_eq(rep_contrast("blue", "#ffffff"), 0);
}

Test(report, decimals_of_data)
{
    double a[] = {55.0, 58.56, 59.11, 63.1};
    cr_assert_eq(rep_decimals(a, 4, -1), 2);
    double b[] = {100.5881705565, 98.2};   /* a computed value does not set the precision */
    cr_assert_eq(rep_decimals(b, 2, -1), 1);
    double c[] = {100.5881705565};
    cr_assert_eq(rep_decimals(c, 1, 1), 1);
    cr_assert_eq(rep_decimals(NULL, 0, 0), 0);
    double d[] = {NAN, 12, 70000};
    cr_assert_eq(rep_decimals(d, 3, -1), 0);
}

Test(report, numbers_for_people)
{
    char buf[64];
    cr_assert_str_eq(rep_num(100.5881705565, 1, LANG_EN, buf, sizeof buf), "100.6");
    cr_assert_str_eq(rep_num(100.5881705565, 0, LANG_EN, buf, sizeof buf), "101");
    cr_assert_str_eq(rep_num(19.1, 1, LANG_VI, buf, sizeof buf), "19,1");
    cr_assert_str_eq(rep_num(70000, 0, LANG_EN, buf, sizeof buf), "70,000");
    cr_assert_str_eq(rep_num(70000, 0, LANG_VI, buf, sizeof buf), "70.000");
    cr_assert_str_eq(rep_num(1234567.25, 2, LANG_EN, buf, sizeof buf), "1,234,567.25");
    cr_assert_str_eq(rep_num(2024, 0, LANG_EN, buf, sizeof buf), "2024");   /* four digits: no group */
    cr_assert_str_eq(rep_num(-12345.5, 1, LANG_EN, buf, sizeof buf), "-12,345.5");
    cr_assert_str_eq(rep_num(-0.01, 1, LANG_EN, buf, sizeof buf), "0.0");
    cr_assert_str_eq(rep_num(NAN, 1, LANG_EN, buf, sizeof buf), "–");
}

Test(report, required_path)
{
    /* DESIGN.md §4 worked example: 25.0 in 2015, < 15 by 2030 */
    cr_assert_float_eq(rep_required_at(25, 2015, 15, 2030, 2015), 25, 1e-12);
    cr_assert_float_eq(rep_required_at(25, 2015, 15, 2030, 2030), 15, 1e-12);
    /* r_r = -0.033482: the path expects 25·(1 + r_r)^7 in 2022 */
    cr_assert_float_eq(rep_required_at(25, 2015, 15, 2030, 2022), 25 * pow(1 - 0.0334817, 7), 1e-4);
    cr_assert_float_eq(rep_required_at(0, 2015, 10, 2025, 2020), 0.001 * pow(10 / 0.001, 0.5), 1e-9);
    cr_assert_float_eq(rep_required_at(-2, 2020, 2, 2024, 2022), 0, 1e-12);   /* a straight line */
    cr_assert(isnan(rep_required_at(5, 2020, 3, 2020, 2020)));
}

Test(report, chart_of_a_target)
{
    arena *a = arena_new();
    const ms_result *ms[2] = {&fx.ms[1], &fx.ms[2]};
    /* CT4/2025 (on track) and CT4/2030 (at risk) in Bắc Giang */
    size_t n = 0;
    for (size_t i = 0; i < fx.r.nms; i++)
        if (fx.r.ms[i].target == &fx.ct4 && strcmp(fx.r.ms[i].region, "Bắc Giang") == 0 && n < 2)
            ms[n++] = &fx.r.ms[i];
    cr_assert_eq(n, 2);
    rep_chart c;
    cr_assert_eq(rep_chart_build(&fx.r, ms, n, a, &c), 0);
    cr_assert_eq(c.nms, 2);
    cr_assert_eq(c.ms[1].year, 2030);
    cr_assert_eq(c.ms[1].nrequired, 11);
    cr_assert_float_eq(c.ms[0].threshold, 17, 1e-12);
    cr_assert_eq(c.ms[0].year, 2025);
    cr_assert_eq(c.ms[0].nrequired, 6);                  /* 2020 .. 2025 */
    cr_assert_eq(c.ms[0].required[0].year, 2020);
    cr_assert_float_eq(c.ms[0].required[5].value, 17, 1e-9);
    cr_assert(c.ms[0].has_expected_now);
    cr_assert_eq(c.ms[0].expected_now.year, 2023);
    cr_assert_eq(c.ms[0].nprojected, 3);                 /* 2023 .. 2025 */
    cr_assert_float_eq(c.ms[0].projected[2].value, 17.49, 1e-9);
    cr_assert_eq(c.decimals, 1);
    /* the axes hold every point, on a nice step */
    cr_assert_leq(c.y0, 17);
    cr_assert_geq(c.y1, 19.6);
    cr_assert_leq(c.x0, 2020);
    cr_assert_geq(c.x1, 2030);
    double k = (c.y1 - c.y0) / c.step;
    cr_assert_float_eq(k, round(k), 1e-9);
    arena_free(a);
}

Test(report, chart_no_required_path_from_a_baseline_that_meets_the_goal)
{
    arena *a = arena_new();
    ms_result m = fx.ms[5];   /* T3: obesity < 5% by 2025, baseline 6 (2020) */
    const ms_result *ms[1] = {&m};
    rep_chart c;
    cr_assert_eq(rep_chart_build(&fx.r, ms, 1, a, &c), 0);
    cr_assert_eq(c.ms[0].nrequired, 6);
    cr_assert(c.ms[0].has_expected_now);
    fx.t3_ms[0].q.decimals = 2;   /* a goal written "5.00" over whole-number data */
    m.r.base_value = 6, m.r.latest_value = 4;
    cr_assert_eq(rep_chart_build(&fx.r, ms, 1, a, &c), 0);
    cr_assert_eq(c.decimals, 0);   /* values keep the data's precision, not the goal's */
    m.r.base_value = 4.5;     /* already below 5 at the baseline: nothing to require */
    cr_assert_eq(rep_chart_build(&fx.r, ms, 1, a, &c), 0);
    cr_assert_eq(c.ms[0].nrequired, 0);
    cr_assert(!c.ms[0].has_expected_now);
    cr_assert_float_eq(c.ms[0].threshold, 5, 1e-12);
    arena_free(a);
}

Test(report, css_string_cannot_end)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rbuf b;
    cr_assert_eq(rb_init(&b, f, 4096), 0);
    rep_css_str(&b, "a\"b\\c</style>\nđ;}");
    cr_assert_eq(rb_done(&b), 0);
    fclose(f);
    cr_assert_str_eq(buf, "\"a\\22 b\\5c c\\3c \\2f style\\3e \\a đ\\3b \\7d \"");
    free(buf);
}

Test(report, csv_bom)
{
    report_options o = {.format = FMT_CSV, .bom = 1};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(report_write(f, &fx.r, &o, NULL), 0);
    fclose(f);
    static const char head[] = "\xEF\xBB\xBFregion,milestone,status,ratio,projected\n";
    cr_assert(strncmp(buf, head, sizeof head - 1) == 0, "%s", buf);
    free(buf);
    char *plain = render_ok(&fx.r, FMT_CSV, NULL);   /* without --bom: not a byte more */
    cr_assert(strncmp(plain, "region,", 7) == 0);
    free(plain);
}

/* The text of one member of a zip file (local headers; deflated or stored), NUL-ended, or
 * NULL. Enough to look into a workbook without an unzip program. */
static char *zip_member(const unsigned char *z, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + 30 <= len;) {
        if (memcmp(z + i, "PK\x03\x04", 4) != 0)
            return NULL;
        unsigned how = z[i + 8] | z[i + 9] << 8;
        size_t csize = z[i + 18] | z[i + 19] << 8 | (size_t)z[i + 20] << 16 | (size_t)z[i + 21] << 24;
        size_t usize = z[i + 22] | z[i + 23] << 8 | (size_t)z[i + 24] << 16 | (size_t)z[i + 25] << 24;
        size_t fl = z[i + 26] | z[i + 27] << 8, el = z[i + 28] | z[i + 29] << 8;
        const unsigned char *data = z + i + 30 + fl + el;
        if (fl == nl && memcmp(z + i + 30, name, nl) == 0) {
            char *out = malloc(usize + 1);
            if (how == 0) {
                memcpy(out, data, usize);
            } else {
                z_stream st;
                memset(&st, 0, sizeof st);
                inflateInit2(&st, -MAX_WBITS);
                st.next_in = (unsigned char *)data;
                st.avail_in = (unsigned)csize;
                st.next_out = (unsigned char *)out;
                st.avail_out = (unsigned)usize;
                inflate(&st, Z_FINISH);
                inflateEnd(&st);
            }
            out[usize] = '\0';
            return out;
        }
        i += 30 + fl + el + csize;
    }
    return NULL;
}

Test(report, xlsx_workbook)
{
    report_options o = {.format = FMT_XLSX};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(report_write(f, &fx.r, &o, NULL), 0);
    fclose(f);
    cr_assert_gt(len, 1000);
    cr_assert(memcmp(buf, "PK\x03\x04", 4) == 0);
    const unsigned char *z = (const unsigned char *)buf;
    char *wb = zip_member(z, len, "xl/workbook.xml");
    cr_assert_not_null(wb);
    cr_assert(strstr(wb, "<sheet name=\"Milestones\" sheetId=\"1\""), "%s", wb);
    cr_assert(strstr(wb, "<sheet name=\"Agencies\""), "%s", wb);
    cr_assert(strstr(wb, "<sheet name=\"Reports\""), "%s", wb);
    cr_assert(strstr(wb, "<sheet name=\"Data used\""), "%s", wb);
    char *ms = zip_member(z, len, "xl/worksheets/sheet1.xml");
    cr_assert_not_null(ms);
    cr_assert(strstr(ms, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"), "%s", ms);
    cr_assert(strstr(ms, "<autoFilter ref=\"A1:R"), "%s", ms);
    /* numbers as numbers: the threshold 17 of CT4/2025 (column F) and its latest value */
    cr_assert(strstr(ms, "<c r=\"F2\"><v>17</v></c><c r=\"G2\" t=\"s\">"), "%s", ms);
    cr_assert(strstr(ms, "<c r=\"F3\"><v>12</v></c>"), "%s", ms);
    cr_assert(strstr(ms, "<c r=\"L2\" s=\"2\"><v>18</v></c>"), "%s", ms);   /* shown with one decimal */
    /* the status cells have a style of their own (a fill in the status colour) */
    char *st = zip_member(z, len, "xl/styles.xml");
    cr_assert_not_null(st);
    cr_assert(strstr(st, "<fgColor rgb=\"FF0B5CAD\"/>"), "%s", st);   /* on track */
    char *strs = zip_member(z, len, "xl/sharedStrings.xml");
    cr_assert(strstr(strs, "<t>on track</t>"), "%s", strs);
    cr_assert(strstr(strs, "Sở Y tế"), "%s", strs);
    free(wb), free(ms), free(st), free(strs);
    free(buf);
}

/* ---- failures ---- */

Test(report, write_error_is_reported)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        cr_skip_test("no /dev/full");
    report_format fmts[] = {FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MARKDOWN, FMT_HTML};
    for (size_t i = 0; i < 5; i++) {
        report_options o = {.format = fmts[i]};
        clearerr(f);
        cr_assert_eq(report_write(f, &fx.r, &o, NULL), -1, "format %zu", i);
    }
    fclose(f);
}

Test(report, allocation_failure_is_reported)
{
    report_format fmts[] = {FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MARKDOWN, FMT_HTML};
    for (size_t i = 0; i < 5; i++) {
        /* fail the first allocation, then the second (text, md, html sort their rows) */
        for (long k = 1; k <= 3; k++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            report_options o = {.format = fmts[i]};
            pc_mem_fail_after(k);
            int rc = report_write(f, &fx.r, &o, NULL);
            long used = pc_mem_count();
            pc_mem_fail_after(0);
            fclose(f);
            free(buf);
            if (used >= k)
                cr_assert_eq(rc, -1, "format %zu, failing allocation %ld", i, k);
            else
                cr_assert_eq(rc, 0);
        }
    }
}

/* ---- termsafe.c: what a terminal may be shown ---- */

Test(termsafe, escapes_controls_c1_and_bidi)
{
    char buf[128];
    cr_assert_str_eq(ts_str("Sở Y tế", buf, sizeof buf), "Sở Y tế");
    cr_assert_str_eq(ts_str("a\033[2Jb\x07\x7f", buf, sizeof buf), "a\\x1b[2Jb\\x07\\x7f");
    cr_assert_str_eq(ts_str("x\xC2\x9By\xE2\x80\xAEz\xE2\x81\xA6", buf, sizeof buf), "x\\u009by\\u202ez\\u2066");
    cr_assert_str_eq(ts_str("\xE2\x80\x94 dash", buf, sizeof buf), "\xE2\x80\x94 dash");   /* not a control */
    cr_assert(ts_clean("Huế — 2024", strlen("Huế — 2024")));
    cr_assert_eq(ts_columns("a\033b", 3), 6);
    cr_assert_eq(ts_columns("Huế", strlen("Huế")), 3);
    /* cut at a character boundary, never inside an escape or a UTF-8 sequence */
    char small[8];
    cr_assert_str_eq(ts_str("ế\033ếế", small, sizeof small), "ế\\x1b");
}
