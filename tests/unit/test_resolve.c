/* test_resolve.c — the checker: names, duplicates, units, types, windows, order, ids and
 * responsibility, each with its exact message and location. */
#include <criterion/criterion.h>
#include "helpers.h"
#include "design_example.h"

#define BASE "agency DOH \"Sở Y tế\"\nagency DOLISA \"Sở LĐTBXH\"\n" \
             "indicator stunting \"s\" unit % lower is better\n" \
             "indicator u5mr \"u\" unit per 1000 lower is better\n"

static pc_plan *check_ok(const char *text, ast_file **fp)
{
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("t.plan", text, strlen(text), 0, PARSE_FILE, &d, NULL);
    cr_assert_eq(f->nerrors, 0);
    int ne = 0;
    pc_plan *p = resolve_plan(&f, 1, &d, &ne);
    char *out = th_diags(&d);
    cr_assert_eq(ne, 0, "%s", out);
    free(out);
    diag_free(&d);
    *fp = f;
    return p;
}

Test(resolve, design_example_checks_clean)
{
    ast_file *f;
    pc_plan *p = check_ok(design_example, &f);
    cr_assert_eq(p->ntargets, 6);
    cr_assert_eq(p->nmilestones, 8);
    cr_assert_str_eq(p->milestones[0]->id, "CT4/2025");
    cr_assert_str_eq(p->milestones[1]->id, "CT4/2030");
    cr_assert_str_eq(p->milestones[2]->id, "T1/2025");
    cr_assert_str_eq(p->milestones[5]->id, "T2/maintain");
    cr_assert_str_eq(p->milestones[6]->id, "T3/2025");
    cr_assert_str_eq(p->milestones[7]->id, "CT13/rate");
    cr_assert_eq(p->nreports, 3);
    cr_assert_str_eq(p->reports[2]->gen_id, "R3");
    resolve_free(p);
    ast_file_free(f);
}

Test(resolve, responsibility_target_beats_indicator_beats_plan)
{
    ast_file *f;
    pc_plan *p = check_ok(design_example, &f);
    /* CT4 (stunting): DOH by indicator; T1 (u5mr): DOH; CT16: DOH by target id;
     * T2 (enrol5, not named): DOLISA via plan */
    cr_assert_str_eq(p->owners[0].lead->id.name, "DOH");
    cr_assert_eq(p->owners[0].nwith, 2);
    cr_assert_str_eq(p->owners[0].with[0]->id.name, "DOLISA");
    cr_assert_str_eq(p->owners[3].lead->id.name, "DOH");
    cr_assert_str_eq(p->owners[5].lead->id.name, "DOLISA");
    cr_assert_eq(p->owners[5].nwith, 0);
    resolve_free(p);
    ast_file_free(f);
}

Test(resolve, unknown_indicator_did_you_mean)
{
    char *out;
    int n = th_check(BASE "target CT4: stuntng < 17% by 2025\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "t.plan:5:13: error: unknown indicator 'stuntng'; did you mean 'stunting'?\n"
                          "    5 | target CT4: stuntng < 17% by 2025\n"
                          "      |             ^~~~~~~\n"), "%s", out);
    free(out);
}

Test(resolve, unit_mismatch)
{
    char *out;
    int n = th_check(BASE "target : u5mr < 18.5% by 2025\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "t.plan:5:17: error: 18.5 is %, but indicator 'u5mr' is measured in ‰ (per 1000)"), "%s", out);
    cr_assert(th_has(out, "note: the unit of 'u5mr' is declared here"), "%s", out);
    free(out);
}

Test(resolve, bare_indicator_with_percent_target_suggests_a_unit)
{
    char *out;
    int n = th_check("indicator x \"x\"\ntarget : x < 5% by 2025\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "note: declare the indicator's unit, e.g. 'unit %'"), "%s", out);
    free(out);
}

Test(resolve, duplicates_point_at_both_places)
{
    char *out;
    int n = th_check(BASE "agency DOH \"again\"\ntarget CT1: stunting < 5% by 2025\ntarget CT1: u5mr < 5 per 1000 by 2025\n", &out);
    cr_assert_eq(n, 2, "%s", out);
    cr_assert(th_has(out, "t.plan:5:8: error: duplicate agency 'DOH'"), "%s", out);
    cr_assert(th_has(out, "t.plan:1:8: note: 'DOH' was first declared here"), "%s", out);
    cr_assert(th_has(out, "t.plan:7:8: error: duplicate target 'CT1'"), "%s", out);
    free(out);
}

Test(resolve, milestones_out_of_order)
{
    char *out;
    int n = th_check(BASE "target CT4: stunting < 12% by 2030, < 17% by 2025\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "error: milestones are out of order: 2025 comes after 2030"), "%s", out);
    free(out);
    n = th_check(BASE "target CT4: stunting < 12% by 2030, < 10% by 2030\n", &out);
    cr_assert(th_has(out, "error: two milestones of 'CT4' fall in 2030"), "%s", out);
    free(out);
}

Test(resolve, windows_that_make_no_sense)
{
    char *out;
    int n = th_check(BASE "target : stunting < 5% maintain from 2030 to 2025\n"
                     "indicator cm \"c\" lower is better\n"
                     "target : cm decrease by 3% to 2% per year from 2030 to 2025\n"
                     "target : cm decrease by 2 per year from 2025 to 2030\n", &out);
    cr_assert_eq(n, 4, "%s", out);
    cr_assert(th_has(out, "the window from 2030 to 2025 is empty: 'to' must not come before 'from'"), "%s", out);
    cr_assert(th_has(out, "the range 3% to 2% runs backwards"), "%s", out);
    cr_assert(th_has(out, "the window from 2030 to 2025 is empty: 'to' must come after 'from'"), "%s", out);
    cr_assert(th_has(out, "a rate of change is a percentage: write 2%"), "%s", out);
    free(out);
}

Test(resolve, deadline_before_baseline)
{
    char *out;
    int n = th_check("plan \"P\" { baseline 2025 }\n" BASE "target : stunting < 5% by 2025\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "the deadline 2025 is not after the baseline year 2025"), "%s", out);
    free(out);
}

Test(resolve, unknown_agencies_and_refs)
{
    char *out;
    int n = th_check(BASE "target CT4: stunting < 17% by 2025\n"
                     "responsible DHO for CT5 with DOLISA\n"
                     "report every year by 30 Nov from all to DOLISAA\n"
                     "task \"t\" { lead DOET }\n", &out);
    cr_assert_eq(n, 4, "%s", out);
    cr_assert(th_has(out, "t.plan:6:13: error: unknown agency 'DHO'; did you mean 'DOH'?"), "%s", out);
    cr_assert(th_has(out, "t.plan:6:21: error: 'CT5' is not a target or an indicator; did you mean 'CT4'?"), "%s", out);
    cr_assert(th_has(out, "unknown agency 'DOLISAA'; did you mean 'DOLISA'?"), "%s", out);
    cr_assert(th_has(out, "unknown agency 'DOET'"), "%s", out);
    free(out);
}

Test(resolve, two_leads_for_one_target)
{
    char *out;
    int n = th_check(BASE "target CT4: stunting < 17% by 2025\nresponsible DOH for CT4\nresponsible DOLISA for CT4\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "error: 'CT4' already has a lead (DOH)"), "%s", out);
    free(out);
}

Test(resolve, report_deadline_forms)
{
    char *out;
    int n = th_check(BASE "report once by 30 Nov from DOH to DOLISA\n"
                     "report every year by 2025-11-30 from all to DOLISA\n"
                     "report every 6 months by 15 Jun, 15 Sep, 15 Dec from all to DOLISA\n", &out);
    cr_assert_eq(n, 3, "%s", out);
    cr_assert(th_has(out, "a one-off report needs a full date, like 2025-12-31"), "%s", out);
    cr_assert(th_has(out, "a recurring report's deadline is a day and a month"), "%s", out);
    cr_assert(th_has(out, "every 6 months needs 2 deadlines"), "%s", out);
    free(out);
}

Test(resolve, selector_dimensions)
{
    char *out;
    int n = th_check("indicator ob \"o\" { unit % dimensions area }\nindicator st \"s\" unit %\n"
                     "target : ob[aera = \"rural\"] < 5% by 2025\ntarget : st[area = \"rural\"] < 5% by 2025\n", &out);
    cr_assert_eq(n, 2, "%s", out);
    cr_assert(th_has(out, "indicator 'ob' has no dimension 'aera'; did you mean 'area'?"), "%s", out);
    cr_assert(th_has(out, "indicator 'st' has no dimension 'area'"), "%s", out);
    cr_assert(th_has(out, "note: declare it in the indicator: dimensions area"), "%s", out);
    free(out);
}

Test(resolve, expression_types)
{
    char *out;
    int n = th_check(BASE "let a = stunting - 17%\n"
                     "let b = latest(stunting) + latest(u5mr)\n"
                     "let c = latst(stunting)\n"
                     "alert \"x\" when latest(stunting) to DOH\n"
                     "let d = status(stunting)\n", &out);
    cr_assert_eq(n, 5, "%s", out);
    cr_assert(th_has(out, "'stunting' is a series, not a number; write latest(stunting) or stunting@2024"), "%s", out);
    cr_assert(th_has(out, "cannot add % and ‰ (per 1000)"), "%s", out);
    cr_assert(th_has(out, "unknown function 'latst'; did you mean 'latest'?"), "%s", out);
    cr_assert(th_has(out, "an alert's condition must be true or false, not a number"), "%s", out);
    cr_assert(th_has(out, "status() needs a target id, not a series"), "%s", out);
    free(out);
}

Test(resolve, let_cycles)
{
    char *out;
    int n = th_check("let a = b + 1\nlet b = a * 2\n", &out);
    cr_assert_gt(n, 0, "%s", out);
    cr_assert(th_has(out, "is defined in terms of itself"), "%s", out);
    free(out);
}

Test(resolve, generated_ids_skip_taken_names)
{
    ast_file *f;
    pc_plan *p = check_ok(BASE "target T1: stunting < 5% by 2025\ntarget : u5mr < 5 per 1000 by 2025\n", &f);
    cr_assert_str_eq(p->targets[1]->gen_id, "T2");
    cr_assert_not_null(resolve_milestone(p, "T2/2025"));
    resolve_free(p);
    ast_file_free(f);
}

Test(resolve, direction_conflict_is_a_warning)
{
    char *out;
    int n = th_check(BASE "target : stunting > 5% by 2025\n", &out);
    cr_assert_eq(n, 0, "%s", out);
    cr_assert(th_has(out, "warning: '>' asks for a higher value, but 'stunting' is declared lower is better"), "%s", out);
    free(out);
}

Test(resolve, deadline_outside_the_period_is_a_warning)
{
    char *out;
    int n = th_check("plan \"P\" { period 2021 to 2030 }\n" BASE "target : stunting < 5% by 2035\n", &out);
    cr_assert_eq(n, 0, "%s", out);
    cr_assert(th_has(out, "warning: the deadline 2035 is outside the plan's period 2021 to 2030"), "%s", out);
    free(out);
}

/* ---- v2: the correctness traps of issue 11 ---- */

Test(v2, later_milestone_laxer_or_reversed_is_a_warning)
{
    char *out;
    int n = th_check(BASE "target A: stunting <= 8.5% by 2025, >= 9% by 2030\n", &out);
    cr_assert_eq(n, 0, "a warning, not an error: %s", out);
    cr_assert(th_has(out, "t.plan:5:37: warning: the 2030 milestone asks for a higher value ('>= 9'), the 2025 one for a lower one ('<= 8.5')"), "%s", out);
    cr_assert(th_has(out, "t.plan:5:20: note: the 2025 milestone is here"), "%s", out);
    free(out);
    th_check(BASE "target B: stunting <= 8% by 2025, <= 9% by 2030\n", &out);
    cr_assert(th_has(out, "t.plan:5:38: warning: the 2030 milestone ('<= 9') is laxer than the 2025 one ('<= 8')"), "%s", out);
    free(out);
    th_check(BASE "target C: stunting < 8% by 2025, <= 8% by 2030\n", &out);
    cr_assert(th_has(out, "is laxer than the 2025 one ('< 8')"), "%s", out);
    free(out);
    /* stricter or equal later milestones are fine, both ways */
    th_check(BASE "indicator e \"e\" unit % higher is better\n"
             "target D: stunting <= 8% by 2025, <= 8% by 2030, < 6% by 2035\n"
             "target E: e >= 90% by 2025, > 90% by 2030, >= 95% by 2035\n", &out);
    cr_assert(!th_has(out, "warning"), "%s", out);
    free(out);
    th_check(BASE "indicator e \"e\" unit % higher is better\ntarget F: e >= 90% by 2025, >= 89.9% by 2030\n", &out);
    cr_assert(th_has(out, "warning: the 2030 milestone ('>= 89.9') is laxer than the 2025 one ('>= 90')"), "%s", out);
    free(out);
}

Test(v2, zero_rate_is_an_error)
{
    char *out;
    int n = th_check(BASE "indicator cm \"c\" lower is better\ntarget : cm decrease by 0% per year from 2025 to 2030\n", &out);
    cr_assert_eq(n, 1, "%s", out);
    cr_assert(th_has(out, "t.plan:6:25: error: a change of 0% a year asks for nothing: give the yearly decrease it must reach, like 2%"), "%s", out);
    free(out);
    n = th_check(BASE "indicator cm \"c\" lower is better\ntarget : cm decrease by 0% to 1% per year from 2025 to 2030\n", &out);
    cr_assert_eq(n, 0, "a range from 0 asks for something: %s", out);
    free(out);
}

Test(v2, ratio_of_like_series_declared_percent)
{
    char *out;
    int n = th_check("indicator a \"a\" unit count\nindicator b \"b\" unit count\n"
                     "indicator r1 = a / b unit %\n"
                     "indicator r2 = a / b * 100 unit %\n"
                     "indicator r3 = 1000 * a / b unit per 1000\n"
                     "indicator r4 = a * 100 / b unit %\n"
                     "indicator r5 = a / b * 1000 unit %\n"
                     "indicator r6 = a / b\n", &out);
    cr_assert_eq(n, 2, "%s", out);
    cr_assert(th_has(out, "t.plan:3:16: error: this ratio of two series in one unit is a fraction (0.25 for 25%), but 'r1' is declared in %: multiply it by 100"), "%s", out);
    cr_assert(th_has(out, "t.plan:7:16: error: this ratio of two series in one unit is scaled by 1000, but 'r5' is declared in %, which needs 100"), "%s", out);
    free(out);
}

Test(v2, stated_baseline_and_within_are_unit_checked)
{
    char *out;
    int n = th_check(BASE "target CT4b \"s\" baseline 19.6 in 2019: stunting <= 17% by 2025\n"
                     "target : stunting < 5% maintain within 0.5 per 1000\n", &out);
    cr_assert_eq(n, 2, "%s", out);
    cr_assert(th_has(out, "t.plan:5:26: error: 19.6 is a plain number, but indicator 'stunting' is measured in %"), "%s", out);
    cr_assert(th_has(out, "t.plan:6:40: error: 0.5 is ‰ (per 1000), but indicator 'stunting' is measured in %"), "%s", out);
    free(out);
    n = th_check(BASE "target CT4b \"s\" baseline 19.6% in 2019: stunting <= 17% by 2025 baseline 2020\n", &out);
    cr_assert(th_has(out, "error: the baseline is given twice: keep 'baseline 19.6 in 2019' before the ':'"), "%s", out);
    free(out);
    n = th_check(BASE "target CT4b \"s\" baseline 19.6% in 2025: stunting <= 17% by 2025\n", &out);
    cr_assert(th_has(out, "error: the deadline 2025 is not after the baseline year 2025"), "%s", out);
    free(out);
}

Test(resolve, codes_and_aggregate_are_checked)
{
    char *out;
    int n = th_check(BASE "indicator a code \"SH.X\", \"\", \"SH.X\"\n"
                          "indicator b code \"SH.X\", \"stunting\"\n"
                          "indicator c = stunting * 2 aggregate sum\n", &out);
    cr_assert(th_has(out, "t.plan:5:26: error: an empty code"), "%s", out);
    cr_assert(th_has(out, "t.plan:5:30: error: code \"SH.X\" is listed twice"), "%s", out);
    cr_assert(th_has(out, "t.plan:6:18: error: code \"SH.X\" is also a code of indicator 'a'"), "%s", out);
    cr_assert(th_has(out, "t.plan:6:26: error: code \"stunting\" is the name of indicator 'stunting'"), "%s", out);
    cr_assert(th_has(out, "t.plan:7:28: error: 'c' is computed from other indicators"), "%s", out);
    cr_assert_eq(n, 5, "%s", out);
    free(out);
    n = th_check(BASE "indicator b aggregate median\n", &out);
    cr_assert(th_has(out, "t.plan:5:23: error: unknown aggregation 'median': write sum, mean or last"), "%s", out);
    free(out);
}
