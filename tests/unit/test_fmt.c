/* test_fmt.c — `plancheck fmt` (src/fmt.c) and the file I/O under it (src/fileio.c).
 * Every layout case is checked four ways: the exact output, idempotence, a re-parse to
 * the same declarations and values, and every comment kept. It tests nothing else. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fileio.h"
#include "fmt.h"
#include "mem.h"
#include "parse.h"
#include "design_example.h"

/* ---- parsing and comparing ---- */

static ast_file *parse_ok(const char *text, size_t len)
{
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("t.plan", text, len, 0, PARSE_FILE, &d, NULL);
    cr_assert_not_null(f, "out of memory while parsing");
    if (f->nerrors) {
        char *buf = NULL;
        size_t n = 0;
        FILE *m = open_memstream(&buf, &n);
        diag_print(m, &d, 0);
        fclose(m);
        cr_assert_fail("does not parse:\n%s\n---\n%s", text, buf);
    }
    diag_free(&d);
    return f;
}

static int s_eq(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static int unit_eq(const unit *a, const unit *b)
{
    return a->kind == b->kind && a->scale == b->scale && s_eq(a->per_text, b->per_text);
}

static int q_eq(const quantity *a, const quantity *b)
{
    return s_eq(a->text, b->text) && a->value == b->value && a->decimals == b->decimals && unit_eq(&a->u, &b->u);
}

static int names_eq(const name_ref *a, int na, const name_ref *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (!s_eq(a[i].name, b[i].name))
            return 0;
    return 1;
}

static int series_eq(const series_ref *a, const series_ref *b)
{
    if (!s_eq(a->ind.name, b->ind.name) || a->nsels != b->nsels)
        return 0;
    for (int i = 0; i < a->nsels; i++)
        if (!s_eq(a->sels[i].dim.name, b->sels[i].dim.name) || !s_eq(a->sels[i].value, b->sels[i].value))
            return 0;
    return 1;
}

static int date_eq(const date *a, const date *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day;
}

static int expr_eq(const expr *a, const expr *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case EX_NUM: return q_eq(&a->as.num, &b->as.num);
    case EX_STR: return s_eq(a->as.str, b->as.str);
    case EX_BOOL: return a->as.boolean == b->as.boolean;
    case EX_NA: return 1;
    case EX_NAME: return s_eq(a->as.name.name, b->as.name.name);
    case EX_SERIES: return series_eq(&a->as.series, &b->as.series);
    case EX_BIN:
        return a->as.bin.op == b->as.bin.op && expr_eq(a->as.bin.l, b->as.bin.l) && expr_eq(a->as.bin.r, b->as.bin.r);
    case EX_NOT:
    case EX_NEG: return expr_eq(a->as.operand, b->as.operand);
    case EX_CALL:
        if (!s_eq(a->as.call.fn.name, b->as.call.fn.name) || a->as.call.nargs != b->as.call.nargs)
            return 0;
        for (int i = 0; i < a->as.call.nargs; i++)
            if (!expr_eq(a->as.call.args[i], b->as.call.args[i]))
                return 0;
        return 1;
    case EX_AT: return expr_eq(a->as.at.series, b->as.at.series) && expr_eq(a->as.at.year, b->as.at.year);
    }
    return 0;
}

static int ms_eq(const milestone *a, const milestone *b)
{
    return a->kind == b->kind && a->cmp == b->cmp && q_eq(&a->q, &b->q) && a->year == b->year &&
           a->from == b->from && a->to == b->to;
}

static int decl_eq(const decl *a, const decl *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case D_PLAN: {
        const plan_meta *x = &a->as.plan, *y = &b->as.plan;
        return s_eq(x->id, y->id) && s_eq(x->title, y->title) && s_eq(x->authority, y->authority) &&
               s_eq(x->region, y->region) && date_eq(&x->issued, &y->issued) && x->baseline == y->baseline &&
               x->method == y->method && x->has_method == y->has_method;
    }
    case D_AGENCY:
        return s_eq(a->as.agency.id.name, b->as.agency.id.name) && s_eq(a->as.agency.name, b->as.agency.name);
    case D_INDICATOR: {
        const indicator *x = &a->as.indicator, *y = &b->as.indicator;
        return s_eq(x->id.name, y->id.name) && s_eq(x->name, y->name) && x->has_unit == y->has_unit &&
               unit_eq(&x->u, &y->u) && x->dir == y->dir && names_eq(x->dims, x->ndims, y->dims, y->ndims) &&
               names_eq(x->codes, x->ncodes, y->codes, y->ncodes) && x->agg == y->agg &&
               expr_eq(x->derived, y->derived) && x->block_form == y->block_form;
    }
    case D_TARGET: {
        const target *x = &a->as.target, *y = &b->as.target;
        if (!s_eq(x->id.name, y->id.name) || !s_eq(x->label, y->label) || !series_eq(&x->series, &y->series) ||
            x->kind != y->kind || x->baseline != y->baseline || x->nms != y->nms)
            return 0;
        for (int i = 0; i < x->nms; i++)
            if (!ms_eq(&x->ms[i], &y->ms[i]))
                return 0;
        if (x->kind == TG_RATE)
            return x->rate_increase == y->rate_increase && q_eq(&x->rate_lo, &y->rate_lo) &&
                   x->has_rate_hi == y->has_rate_hi && (!x->has_rate_hi || q_eq(&x->rate_hi, &y->rate_hi)) &&
                   x->rate_from == y->rate_from && x->rate_to == y->rate_to;
        return 1;
    }
    case D_RESPONSIBLE: {
        const responsible *x = &a->as.responsible, *y = &b->as.responsible;
        return s_eq(x->lead.name, y->lead.name) && names_eq(x->refs, x->nrefs, y->refs, y->nrefs) &&
               names_eq(x->with, x->nwith, y->with, y->nwith);
    }
    case D_REPORT: {
        const report *x = &a->as.report, *y = &b->as.report;
        if (x->kind != y->kind || x->months != y->months || x->ndeadlines != y->ndeadlines ||
            x->from_all != y->from_all || !names_eq(x->from, x->nfrom, y->from, y->nfrom) ||
            !s_eq(x->to.name, y->to.name) || !s_eq(x->label, y->label))
            return 0;
        for (int i = 0; i < x->ndeadlines; i++)
            if (!date_eq(&x->deadlines[i], &y->deadlines[i]))
                return 0;
        return 1;
    }
    case D_TASK: {
        const task *x = &a->as.task, *y = &b->as.task;
        return s_eq(x->id.name, y->id.name) && s_eq(x->title, y->title) && s_eq(x->lead.name, y->lead.name) &&
               names_eq(x->with, x->nwith, y->with, y->nwith) && date_eq(&x->due, &y->due);
    }
    case D_LET:
        return s_eq(a->as.let.name.name, b->as.let.name.name) && expr_eq(a->as.let.value, b->as.let.value);
    case D_ALERT:
        return s_eq(a->as.alert.message, b->as.alert.message) && expr_eq(a->as.alert.when, b->as.alert.when) &&
               s_eq(a->as.alert.to.name, b->as.alert.to.name);
    case D_TEST: return 1;
    }
    return 0;
}

/* fmt src; the output must equal expected (when given), parse to the same declarations,
 * keep every comment, and be its own fmt. Returns the output (caller frees). */
static char *check_fmt_n(const char *src, size_t srclen, const char *expected)
{
    ast_file *f = parse_ok(src, srclen);
    size_t len = 0;
    char *out = fmt_render(f, &len);
    cr_assert_not_null(out);
    cr_assert_eq(strlen(out), len);
    if (expected)
        cr_assert_str_eq(out, expected, "fmt of:\n%s\n--- gave:\n%s--- expected:\n%s", src, out, expected);

    ast_file *g = parse_ok(out, len);
    cr_assert_eq(g->ndecls, f->ndecls, "declaration count changed:\n%s", out);
    int i = 0;
    for (const decl *a = f->decls, *b = g->decls; a && b; a = a->next, b = b->next, i++)
        cr_assert(decl_eq(a, b), "declaration %d (%s) changed by fmt:\n%s", i + 1, ast_decl_kind_str(a->kind), out);
    for (int c = 0; c < f->ncomments; c++)
        cr_assert(strstr(out, f->comments[c].text), "comment lost: %s\n%s", f->comments[c].text, out);

    size_t len2 = 0;
    char *again = fmt_render(g, &len2);
    cr_assert_not_null(again);
    cr_assert_str_eq(again, out, "fmt is not idempotent:\n%s--- then:\n%s", out, again);
    pc_free(again);
    ast_file_free(g);
    ast_file_free(f);
    return out;
}

static void check_fmt(const char *src, const char *expected)
{
    pc_free(check_fmt_n(src, strlen(src), expected));
}

/* ---- declarations ---- */

Test(fmt, plan_block_in_canonical_order)
{
    check_fmt("plan   \"77/KH-UBND\"{method projection baseline 2023 issued 2024-12-27\n"
              "region \"Bắc Giang\" authority \"UBND\"   title \"Kế hoạch \\\"28\\\" \\\\ x\"}\n",
              "plan \"77/KH-UBND\" {\n"
              "  title \"Kế hoạch \\\"28\\\" \\\\ x\"\n"
              "  authority \"UBND\"\n"
              "  region \"Bắc Giang\"\n"
              "  issued 2024-12-27\n"
              "  baseline 2023\n"
              "  method projection\n"
              "}\n");
}

Test(fmt, plan_without_fields)
{
    check_fmt("plan \"P\"\n", "plan \"P\"\n");
    check_fmt("plan \"P\" { }\n", "plan \"P\"\n");
    check_fmt("plan \"P\" { method cr }", "plan \"P\" {\n  method cr\n}\n");
}

Test(fmt, agency)
{
    check_fmt("agency DOH    \"Sở Y tế\"\nagency   PPC\n", "agency DOH \"Sở Y tế\"\nagency PPC\n");
}

Test(fmt, indicator_inline_form)
{
    check_fmt("indicator u5mr \"Tỷ suất\" lower is better unit per 1000\n"
              "indicator a unit ‰ higher is better\n"
              "indicator b dimensions area,sex unit %\n"
              "indicator c unit count\n"
              "indicator d unit ratio\n"
              "indicator e unit per  100000\n"
              "indicator f\n",
              "indicator u5mr \"Tỷ suất\" unit per 1000 lower is better\n"
              "indicator a unit ‰ higher is better\n"
              "indicator b unit % dimensions area, sex\n"
              "indicator c unit count\n"
              "indicator d unit ratio\n"
              "indicator e unit per 100000\n"
              "indicator f\n");
}

Test(fmt, indicator_codes_and_aggregate)
{
    check_fmt("indicator stunt \"Thấp còi\" aggregate   last code \"SH.STA.STNT.ZS\",\"sh_sta\" unit %\n"
              "indicator births { aggregate sum\n code \"x\\\"y\" }\n",
              "indicator stunt \"Thấp còi\" unit % code \"SH.STA.STNT.ZS\", \"sh_sta\" aggregate last\n"
              "indicator births {\n  code \"x\\\"y\"\n  aggregate sum\n}\n");
}

Test(fmt, indicator_block_form)
{
    check_fmt("indicator obesity \"Tỷ lệ béo phì\" { unit % lower is better dimensions area }\n"
              "indicator stunting {\n    dimensions area\n lower is better\n\tunit %\n}\n"
              "indicator empty {}\n",
              "indicator obesity \"Tỷ lệ béo phì\" {\n"
              "  unit %\n"
              "  lower is better\n"
              "  dimensions area\n"
              "}\n"
              "indicator stunting {\n"
              "  unit %\n"
              "  lower is better\n"
              "  dimensions area\n"
              "}\n"
              "indicator empty {\n"
              "}\n");
}

Test(fmt, derived_indicator)
{
    check_fmt("indicator imr = infant_deaths/live_births*1000 unit per 1000 lower is better\n"
              "indicator ratio2 = (a + b) / (c - d) { unit count }\n",
              "indicator imr = infant_deaths / live_births * 1000 unit per 1000 lower is better\n"
              "indicator ratio2 = (a + b) / (c - d) {\n"
              "  unit count\n"
              "}\n");
}

Test(fmt, targets_with_milestones)
{
    check_fmt("target CT4 \"Chỉ tiêu 4\" : stunting<17% by 2025,<12 % by 2030\n"
              "target:u5mr < 18.5 per 1000 by 2025\n"
              "target CT16: enrol5 >= 99.50% by 2025, >= 99.9% by 2030\n"
              "target \"only a label\" : x <= 0.15 by 2030\n"
              "target T9 : y = 18.5‰ by 2026 baseline 2019\n"
              "target : z > 5 per 100000 by 2027\n",
              "target CT4 \"Chỉ tiêu 4\": stunting < 17% by 2025, < 12% by 2030\n"
              "target : u5mr < 18.5 per 1000 by 2025\n"
              "target CT16 : enrol5 >= 99.50% by 2025, >= 99.9% by 2030\n"
              "target \"only a label\": x <= 0.15 by 2030\n"
              "target T9 : y = 18.5‰ by 2026 baseline 2019\n"
              "target : z > 5 per 100000 by 2027\n");
}

Test(fmt, targets_maintain)
{
    check_fmt("target : enrol5 >= 100% maintain\n"
              "target M : enrol5 >= 99% maintain from 2020 to 2025, >= 99.5% maintain from 2026\n"
              "target : enrol5 >= 98% maintain to 2024\n",
              "target : enrol5 >= 100% maintain\n"
              "target M : enrol5 >= 99% maintain from 2020 to 2025, >= 99.5% maintain from 2026\n"
              "target : enrol5 >= 98% maintain to 2024\n");
}

Test(fmt, rate_targets)
{
    check_fmt("target CT13 \"Tảo hôn\": child_marriages decrease by 2% to 3% per year from 2025 to 2030\n"
              "target : births increase by 1.5% per   year from 2024 to 2026 baseline 2023\n",
              "target CT13 \"Tảo hôn\": child_marriages decrease by 2% to 3% per year from 2025 to 2030\n"
              "target : births increase by 1.5% per year from 2024 to 2026 baseline 2023\n");
}

Test(fmt, selectors)
{
    check_fmt("target : obesity[ area=\"rural\" ,sex = \"f\\\"x\"] < 5% by 2025\n",
              "target : obesity[area = \"rural\", sex = \"f\\\"x\"] < 5% by 2025\n");
}

Test(fmt, responsible)
{
    check_fmt("responsible DOH for stunting,u5mr , CT16 with DOLISA,DOET\n"
              "responsible DOLISA for plan\n"
              "responsible PPC for plan, CT4 with DOH\n",
              "responsible DOH for stunting, u5mr, CT16 with DOLISA, DOET\n"
              "responsible DOLISA for plan\n"
              "responsible PPC for plan, CT4 with DOH\n");
}

Test(fmt, report_forms)
{
    check_fmt("report every year by 30 November from all to DOLISA\n"
              "report every 6 months by 15 june,15 Dec from all to DOLISA\n"
              "report once by 2025-12-31 from DOLISA , DOH to PPC \"Sơ kết giữa kỳ\"\n"
              "report every 3 months by 1 sept from DOH to PPC\n",
              "report every year by 30 Nov from all to DOLISA\n"
              "report every 6 months by 15 Jun, 15 Dec from all to DOLISA\n"
              "report once by 2025-12-31 from DOLISA, DOH to PPC \"Sơ kết giữa kỳ\"\n"
              "report every 3 months by 1 Sep from DOH to PPC\n");
}

Test(fmt, tasks)
{
    check_fmt("task \"Tổ chức\" { lead DOLISA with DOH, DOET due 2025-06-30 }\n"
              "task \"Không có khối\"\n"
              "task T7 \"with first\" { due 2026-01-01 with DOH lead PPC }\n"
              "task \"only due\" {due 2025-03-31}\n"
              "task \"only with\" { with A, B }\n"
              "task \"empty\" { }\n",
              "task \"Tổ chức\" {\n"
              "  lead DOLISA with DOH, DOET\n"
              "  due 2025-06-30\n"
              "}\n"
              "task \"Không có khối\"\n"
              "task T7 \"with first\" {\n"
              "  lead PPC with DOH\n"
              "  due 2026-01-01\n"
              "}\n"
              "task \"only due\" {\n"
              "  due 2025-03-31\n"
              "}\n"
              "task \"only with\" {\n"
              "  with A, B\n"
              "}\n"
              "task \"empty\"\n");
}

Test(fmt, let_and_alert)
{
    check_fmt("let gap=latest(stunting)-17%\n"
              "alert \"Stunting rose\\nlast year\" when change(stunting)>0 to DOH\n"
              "alert \"no one\" when status(CT4) = \"off_track\"\n",
              "let gap = latest(stunting) - 17%\n"
              "\n"
              "alert \"Stunting rose\\nlast year\" when change(stunting) > 0 to DOH\n"
              "alert \"no one\" when status(CT4) = \"off_track\"\n");
}

/* One expression in, its canonical text out (as a let). */
static void check_expr(const char *in, const char *out)
{
    char src[512], want[512];
    snprintf(src, sizeof src, "let v = %s\n", in);
    snprintf(want, sizeof want, "let v = %s\n", out);
    check_fmt(src, want);
}

Test(fmt, expressions_minimal_parentheses)
{
    check_expr("((a + b)) + c", "a + b + c");
    check_expr("a + (b + c)", "a + (b + c)");
    check_expr("a - (b - c)", "a - (b - c)");
    check_expr("(a - b) - c", "a - b - c");
    check_expr("a * (b + c)", "a * (b + c)");
    check_expr("(a * b) + c", "a * b + c");
    check_expr("a / (b / c)", "a / (b / c)");
    check_expr("(a / b) * c", "a / b * c");
    check_expr("(a + b) < (c * d)", "a + b < c * d");
    check_expr("(a < b) = true", "(a < b) = true");
    check_expr("a = (b < c)", "a = (b < c)");
    check_expr("(a and b) or c", "a and b or c");
    check_expr("a and (b or c)", "a and (b or c)");
    check_expr("a or (b or c)", "a or (b or c)");
    check_expr("(a or b) and not c", "(a or b) and not c");
    check_expr("not (a < b)", "not a < b");
    check_expr("not (a and b)", "not (a and b)");
    check_expr("(not a) and b", "not a and b");
    check_expr("(not a) + 1", "(not a) + 1");
    check_expr("a < (not b)", "a < (not b)");
    check_expr("not not a", "not not a");
    check_expr("-(a)", "-a");
    check_expr("-(a + b)", "-(a + b)");
    check_expr("(-a) * b", "-a * b");
    check_expr("a * (-b)", "a * -b");
    check_expr("-(-a)", "- -a");
    check_expr("-(a @ 2020)", "-a@2020");
    check_expr("(-a) @ 2020", "(-a)@2020");
    check_expr("stunting @ 2020 - stunting@(2015)", "stunting@2020 - stunting@2015");
    check_expr("(a@2020)@2021", "a@2020@2021");
    check_expr("a@(2020 + 1)", "a@(2020 + 1)");
    check_expr("value(s[area = \"rural\"], 2020) != NA", "value(s[area = \"rural\"], 2020) != NA");
    check_expr("max(x, (a + b) * c) >= 18.50 per 1000", "max(x, (a + b) * c) >= 18.50 per 1000");
    check_expr("f() == 0.5‰", "f() = 0.5‰");
    check_expr("true or false", "true or false");
}

Test(fmt, spacing_normalized)
{
    check_fmt("  agency   A   \"x\"   \n\t\ttarget   T  :  s  <  5   by   2025  \n",
              "agency A \"x\"\n\ntarget T : s < 5 by 2025\n");
}

Test(fmt, no_ids_are_generated)
{
    char *out = check_fmt_n("target : a < 1 by 2025\ntarget : b < 2 by 2025\n", 46, NULL);
    cr_expect_null(strstr(out, "T1"));
    cr_expect_null(strstr(out, "T2"));
    pc_free(out);
}

/* ---- blank lines ---- */

Test(fmt, blank_lines_between_kinds_and_where_written)
{
    check_fmt("agency A\nagency B\n\n\n\nagency C\nindicator x unit %\ntarget : x < 1% by 2025\n"
              "target : x < 2% by 2026\n\n\ntarget : x < 3% by 2027\n",
              "agency A\nagency B\n\nagency C\n\nindicator x unit %\n\ntarget : x < 1% by 2025\n"
              "target : x < 2% by 2026\n\ntarget : x < 3% by 2027\n");
}

Test(fmt, empty_and_comment_only_files)
{
    check_fmt("", "");
    check_fmt("\n\n  \n", "");
    check_fmt("# only a comment", "# only a comment\n");
    check_fmt("\n# a\n\n\n# b\n# c\n\n", "# a\n\n# b\n# c\n");
}

/* ---- comments ---- */

Test(fmt, comments_before_declarations)
{
    check_fmt("# header of the file\n\n# agencies\nagency A\n# B is new\nagency B\n\n# targets\n\n"
              "target : x < 1 by 2025\n",
              "# header of the file\n\n# agencies\nagency A\n# B is new\nagency B\n\n# targets\n\n"
              "target : x < 1 by 2025\n");
}

Test(fmt, blank_line_goes_before_the_comments_of_a_new_kind)
{
    check_fmt("agency A\n# the targets\ntarget : x < 1 by 2025\n",
              "agency A\n\n# the targets\ntarget : x < 1 by 2025\n");
}

Test(fmt, trailing_comments_on_one_line_declarations)
{
    check_fmt("agency DOH \"Sở Y tế\"      # lead body\n"
              "target CT4: stunting < 17% by 2025,   # first\n"
              "            < 12% by 2030             # second\n"
              "let x = 1 +   # a\n  2\n",
              "agency DOH \"Sở Y tế\"  # lead body\n"
              "\n"
              "target CT4 : stunting < 17% by 2025, < 12% by 2030  # first # second\n"
              "\n"
              "let x = 1 + 2  # a\n");
}

Test(fmt, comments_inside_blocks)
{
    check_fmt("plan \"P\" {   # the plan\n"
              "  # where\n"
              "  region \"R\"   # region\n"
              "\n"
              "  # the method\n"
              "  method aarr\n"
              "  # last words\n"
              "}   # end of plan\n",
              "plan \"P\" {  # the plan\n"
              "  # where\n"
              "  region \"R\"  # region\n"
              "  # the method\n"
              "  method aarr\n"
              "  # last words\n"
              "}  # end of plan\n");
}

Test(fmt, comments_follow_reordered_items)
{
    check_fmt("indicator s {\n"
              "  dimensions area   # area only\n"
              "  # it is a percentage\n"
              "  unit %\n"
              "}\n",
              "indicator s {\n"
              "  # it is a percentage\n"
              "  unit %\n"
              "  dimensions area  # area only\n"
              "}\n");
}

Test(fmt, one_line_block_keeps_its_comment_on_the_first_line)
{
    check_fmt("task \"t\" { lead A due 2025-01-01 }  # urgent\n"
              "indicator o { unit % lower is better }  # obesity\n",
              "task \"t\" {  # urgent\n"
              "  lead A\n"
              "  due 2025-01-01\n"
              "}\n"
              "\n"
              "indicator o {  # obesity\n"
              "  unit %\n"
              "  lower is better\n"
              "}\n");
}

Test(fmt, task_block_comments)
{
    check_fmt("task \"t\" {\n"
              "  due 2025-01-01   # the deadline\n"
              "  # who\n"
              "  lead A\n"
              "  with B       # helper\n"
              "}\n",
              "task \"t\" {\n"
              "  # who\n"
              "  lead A with B  # helper\n"
              "  due 2025-01-01  # the deadline\n"
              "}\n");
}

Test(fmt, own_line_comment_inside_a_one_line_declaration_moves_before_it)
{
    check_fmt("agency A\n"
              "target T: s < 5 by 2025,\n"
              "  # the later milestone\n"
              "  < 3 by 2030\n",
              "agency A\n"
              "\n"
              "# the later milestone\n"
              "target T : s < 5 by 2025, < 3 by 2030\n");
}

Test(fmt, comments_at_the_end_of_the_file)
{
    check_fmt("agency A\n# after A\n\n# the very end\n",
              "agency A\n# after A\n\n# the very end\n");
    check_fmt("agency A # trailing\n\n\n# end", "agency A  # trailing\n\n# end\n");
}

Test(fmt, two_declarations_on_one_line)
{
    check_fmt("agency A \"a\" agency B \"b\"  # about B\n", "agency A \"a\"\nagency B \"b\"  # about B\n");
}

Test(fmt, hash_inside_strings_is_not_a_comment)
{
    check_fmt("agency A \"No. #1\" # real\n", "agency A \"No. #1\"  # real\n");
}

/* ---- whole files ---- */

/* The example of DESIGN.md §2, exactly as written there. */
static const char design_section2[] =
"plan \"77/KH-UBND\" {\n"
"  title \"Kế hoạch thực hiện Chỉ thị 28-CT/TW …\"\n"
"  authority \"UBND tỉnh Bắc Giang\"\n"
"  region \"Bắc Giang\"          # the region this plan is assessed for by default\n"
"  issued 2024-12-27\n"
"  baseline 2023               # default baseline year for every target (see §4)\n"
"  method cr                   # progress method: cr (default), projection, aarr (§4)\n"
"}\n"
"\n"
"agency DOLISA \"Sở Lao động - Thương binh và Xã hội\"\n"
"agency DOH    \"Sở Y tế\"\n"
"\n"
"indicator stunting \"Tỷ lệ suy dinh dưỡng thể thấp còi, trẻ em dưới 5 tuổi\" {\n"
"  unit %\n"
"  lower is better             # or: higher is better\n"
"  dimensions area             # optional disaggregation columns in the data\n"
"}\n"
"indicator u5mr \"Tỷ suất tử vong trẻ em dưới 5 tuổi\" unit per 1000 lower is better\n"
"indicator imr = infant_deaths / live_births * 1000 unit per 1000 lower is better   # derived\n"
"\n"
"target CT4 \"Chỉ tiêu 4\": stunting < 17% by 2025, < 12% by 2030    # two milestones\n"
"target : u5mr < 18.5 per 1000 by 2025                               # id generated\n"
"target CT16 : enrol5 >= 99.5% by 2025, >= 99.9% by 2030\n"
"target : enrol5 >= 100% maintain                                    # every year assessed\n"
"target : obesity[area = \"rural\"] < 5% by 2025\n"
"target CT13 \"Tảo hôn\": child_marriages decrease by 2% to 3% per year from 2025 to 2030\n"
"\n"
"responsible DOH for stunting, u5mr, CT16 with DOLISA, DOET   # lead, then coordinators\n"
"report every year by 30 Nov from all to DOLISA\n"
"report every 6 months by 15 Jun, 15 Dec from all to DOLISA\n"
"report once by 2025-12-31 from DOLISA to PPC \"Sơ kết giữa kỳ\"\n"
"task \"Tổ chức quán triệt Chỉ thị 28-CT/TW\" { lead DOLISA with DOH, DOET due 2025-06-30 }\n";

Test(fmt, design_section2_example)
{
    check_fmt(design_section2,
              "plan \"77/KH-UBND\" {\n"
              "  title \"Kế hoạch thực hiện Chỉ thị 28-CT/TW …\"\n"
              "  authority \"UBND tỉnh Bắc Giang\"\n"
              "  region \"Bắc Giang\"  # the region this plan is assessed for by default\n"
              "  issued 2024-12-27\n"
              "  baseline 2023  # default baseline year for every target (see §4)\n"
              "  method cr  # progress method: cr (default), projection, aarr (§4)\n"
              "}\n"
              "\n"
              "agency DOLISA \"Sở Lao động - Thương binh và Xã hội\"\n"
              "agency DOH \"Sở Y tế\"\n"
              "\n"
              "indicator stunting \"Tỷ lệ suy dinh dưỡng thể thấp còi, trẻ em dưới 5 tuổi\" {\n"
              "  unit %\n"
              "  lower is better  # or: higher is better\n"
              "  dimensions area  # optional disaggregation columns in the data\n"
              "}\n"
              "indicator u5mr \"Tỷ suất tử vong trẻ em dưới 5 tuổi\" unit per 1000 lower is better\n"
              "indicator imr = infant_deaths / live_births * 1000 unit per 1000 lower is better  # derived\n"
              "\n"
              "target CT4 \"Chỉ tiêu 4\": stunting < 17% by 2025, < 12% by 2030  # two milestones\n"
              "target : u5mr < 18.5 per 1000 by 2025  # id generated\n"
              "target CT16 : enrol5 >= 99.5% by 2025, >= 99.9% by 2030\n"
              "target : enrol5 >= 100% maintain  # every year assessed\n"
              "target : obesity[area = \"rural\"] < 5% by 2025\n"
              "target CT13 \"Tảo hôn\": child_marriages decrease by 2% to 3% per year from 2025 to 2030\n"
              "\n"
              "responsible DOH for stunting, u5mr, CT16 with DOLISA, DOET  # lead, then coordinators\n"
              "\n"
              "report every year by 30 Nov from all to DOLISA\n"
              "report every 6 months by 15 Jun, 15 Dec from all to DOLISA\n"
              "report once by 2025-12-31 from DOLISA to PPC \"Sơ kết giữa kỳ\"\n"
              "\n"
              "task \"Tổ chức quán triệt Chỉ thị 28-CT/TW\" {\n"
              "  lead DOLISA with DOH, DOET\n"
              "  due 2025-06-30\n"
              "}\n");
}

Test(fmt, design_example_of_the_test_suite)
{
    check_fmt(design_example, NULL);
}

Test(fmt, crlf_and_bom_input)
{
    check_fmt("\xEF\xBB\xBF" "agency A \"x\"  # c\r\n\r\nagency B\r\n",
              "agency A \"x\"  # c\n\nagency B\n");
}

Test(fmt, seed_plans_are_stable)
{
#ifdef PC_SRCDIR
    DIR *dir = opendir(PC_SRCDIR "/rules");
    if (!dir)
        cr_skip_test("no rules/ directory");
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dir))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".plan") != 0)
            continue;
        char path[1024], err[256], *text;
        size_t len;
        snprintf(path, sizeof path, "%s/rules/%s", PC_SRCDIR, e->d_name);
        cr_assert_eq(fileio_read(path, &text, &len, err, sizeof err), 0, "%s", err);
        pc_free(check_fmt_n(text, len, NULL));
        pc_free(text);
        n++;
    }
    closedir(dir);
    if (!n)
        cr_skip_test("no .plan files in rules/");
#else
    cr_skip_test("PC_SRCDIR not defined");
#endif
}

Test(fmt, out_of_memory_returns_null)
{
    const char *src = design_section2;
    ast_file *f = parse_ok(src, strlen(src));
    size_t len = 0;
    char *ok = NULL;
    int failures = 0;
    for (long n = 1; n < 10000 && !ok; n++) {
        pc_mem_fail_after(n);
        ok = fmt_render(f, &len);
        pc_mem_fail_after(0);
        if (!ok)
            failures++;
    }
    cr_assert_not_null(ok);
    cr_expect_gt(failures, 0, "no allocation was ever failed");
    pc_free(ok);
    ast_file_free(f);
}

/* ---- fileio ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/pc_fileio_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        chmod(p, 0755);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

static char *in_tmp(const char *name)
{
    static char p[8][512];
    static int k;
    char *r = p[k++ % 8];
    snprintf(r, 512, "%s/%s", tmpdir, name);
    return r;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *slurp(const char *path)
{
    char *t, err[256];
    size_t len;
    cr_assert_eq(fileio_read(path, &t, &len, err, sizeof err), 0, "%s", err);
    return t;
}

/* How many entries dir holds (a temporary left behind shows up here). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    return st.st_mode & 07777;
}

TestSuite(fileio, .init = make_tmpdir, .fini = remove_tmpdir);

Test(fileio, read_whole_file)
{
    put_file(in_tmp("a.plan"), "agency A\n", 0644);
    char *t, err[256];
    size_t len;
    cr_assert_eq(fileio_read(in_tmp("a.plan"), &t, &len, err, sizeof err), 0);
    cr_expect_eq(len, 9);
    cr_expect_str_eq(t, "agency A\n");
    pc_free(t);
    put_file(in_tmp("empty"), "", 0644);
    cr_assert_eq(fileio_read(in_tmp("empty"), &t, &len, err, sizeof err), 0);
    cr_expect_eq(len, 0);
    cr_expect_str_eq(t, "");
    pc_free(t);
}

Test(fileio, read_large_file)
{
    size_t n = 300000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';
    put_file(in_tmp("big"), big, 0644);
    char *t = slurp(in_tmp("big"));
    cr_expect_str_eq(t, big);
    pc_free(t);
    free(big);
}

Test(fileio, read_errors_name_the_file)
{
    char *t = (char *)1, err[256];
    size_t len;
    cr_assert_eq(fileio_read(in_tmp("missing.plan"), &t, &len, err, sizeof err), -1);
    cr_expect_null(t);
    cr_expect(strstr(err, "missing.plan: No such file or directory"), "%s", err);
    cr_assert_eq(fileio_read(tmpdir, &t, &len, err, sizeof err), -1);
    cr_expect(strstr(err, ": Is a directory"), "%s", err);
    cr_expect(strncmp(err, tmpdir, strlen(tmpdir)) == 0, "%s", err);
}

Test(fileio, read_stdin)
{
    put_file(in_tmp("in"), "from stdin", 0644);
    cr_assert_not_null(freopen(in_tmp("in"), "r", stdin));
    char *t, err[256];
    size_t len;
    cr_assert_eq(fileio_read("-", &t, &len, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(t, "from stdin");
    pc_free(t);
}

Test(fileio, read_out_of_memory)
{
    put_file(in_tmp("a"), "x", 0644);
    char *t, err[256];
    size_t len;
    pc_mem_fail_after(1);
    int rc = fileio_read(in_tmp("a"), &t, &len, err, sizeof err);
    pc_mem_fail_after(0);
    cr_expect_eq(rc, -1);
    cr_expect(strstr(err, "out of memory"), "%s", err);
}

Test(fileio, write_new_file_with_umask_mode)
{
    umask(022);
    char err[256];
    cr_assert_eq(fileio_write_atomic(in_tmp("new.plan"), "agency A\n", 9, err, sizeof err), 0, "%s", err);
    char *t = slurp(in_tmp("new.plan"));
    cr_expect_str_eq(t, "agency A\n");
    pc_free(t);
    cr_expect_eq(mode_of(in_tmp("new.plan")), 0644);
    cr_expect_eq(count_entries(tmpdir), 1, "a temporary file was left behind");
}

Test(fileio, write_replaces_and_keeps_the_mode)
{
    put_file(in_tmp("p.plan"), "old text that is longer\n", 0640);
    char err[256];
    cr_assert_eq(fileio_write_atomic(in_tmp("p.plan"), "new\n", 4, err, sizeof err), 0, "%s", err);
    char *t = slurp(in_tmp("p.plan"));
    cr_expect_str_eq(t, "new\n");
    pc_free(t);
    cr_expect_eq(mode_of(in_tmp("p.plan")), 0640);
    chmod(in_tmp("p.plan"), 0755);
    cr_assert_eq(fileio_write_atomic(in_tmp("p.plan"), "x", 1, err, sizeof err), 0, "%s", err);
    cr_expect_eq(mode_of(in_tmp("p.plan")), 0755);
    cr_expect_eq(count_entries(tmpdir), 1, "a temporary file was left behind");
}

Test(fileio, write_failure_leaves_the_original)
{
    put_file(in_tmp("p.plan"), "original\n", 0644);
    /* a file size limit makes write() fail with EFBIG, even for root */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {64, 64};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    char big[1000], err[256];
    memset(big, 'x', sizeof big);
    int rc = fileio_write_atomic(in_tmp("p.plan"), big, sizeof big, err, sizeof err);
    cr_expect_eq(rc, -1);
    cr_expect(strstr(err, "p.plan: write failed: File too large"), "%s", err);
    char *t = slurp(in_tmp("p.plan"));
    cr_expect_str_eq(t, "original\n");
    pc_free(t);
    cr_expect_eq(count_entries(tmpdir), 1, "the temporary file was left behind");
}

Test(fileio, unwritable_directory_leaves_the_original)
{
    if (geteuid() == 0) {
        remove_tmpdir();   /* a skipped test does not run .fini */
        cr_skip_test("root writes into read-only directories");
    }
    put_file(in_tmp("p.plan"), "original\n", 0644);
    chmod(tmpdir, 0555);
    char err[256];
    int rc = fileio_write_atomic(in_tmp("p.plan"), "new", 3, err, sizeof err);
    chmod(tmpdir, 0755);
    cr_expect_eq(rc, -1);
    cr_expect(strstr(err, "cannot create a temporary file"), "%s", err);
    char *t = slurp(in_tmp("p.plan"));
    cr_expect_str_eq(t, "original\n");
    pc_free(t);
    cr_expect_eq(count_entries(tmpdir), 1);
}

Test(fileio, missing_directory_and_directory_target)
{
    char err[256];
    cr_expect_eq(fileio_write_atomic(in_tmp("no/such/dir.plan"), "x", 1, err, sizeof err), -1);
    cr_expect(strstr(err, "No such file or directory"), "%s", err);
    mkdir(in_tmp("sub"), 0755);
    cr_expect_eq(fileio_write_atomic(in_tmp("sub"), "x", 1, err, sizeof err), -1);
    cr_expect(strstr(err, "Is a directory"), "%s", err);
    cr_expect_eq(count_entries(tmpdir), 1);
    cr_expect_eq(count_entries(in_tmp("sub")), 0);
}

Test(fileio, write_out_of_memory_leaves_the_original)
{
    put_file(in_tmp("p.plan"), "original\n", 0644);
    char err[256];
    for (long n = 1; n <= 2; n++) {
        pc_mem_fail_after(n);
        int rc = fileio_write_atomic(in_tmp("p.plan"), "new", 3, err, sizeof err);
        pc_mem_fail_after(0);
        cr_expect_eq(rc, -1);
        cr_expect(strstr(err, "out of memory"), "%s", err);
    }
    char *t = slurp(in_tmp("p.plan"));
    cr_expect_str_eq(t, "original\n");
    pc_free(t);
    cr_expect_eq(count_entries(tmpdir), 1);
}

Test(fileio, device_is_written_in_place_not_replaced)
{
    char err[256];
    cr_assert_eq(fileio_write_atomic("/dev/null", "x", 1, err, sizeof err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_expect(S_ISCHR(st.st_mode), "/dev/null was replaced");
    fileio_atomic *h;
    FILE *fp = fileio_write_atomic_begin("/dev/null", &h, err, sizeof err);
    cr_assert_not_null(fp, "%s", err);
    fputs("report", fp);
    cr_expect_eq(fileio_write_atomic_commit(h, err, sizeof err), 0, "%s", err);
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_expect(S_ISCHR(st.st_mode), "/dev/null was replaced");
}

Test(fileio, symlink_is_followed)
{
    put_file(in_tmp("real.plan"), "old", 0600);
    cr_assert_eq(symlink("real.plan", in_tmp("link.plan")), 0);
    char err[256];
    cr_assert_eq(fileio_write_atomic(in_tmp("link.plan"), "new", 3, err, sizeof err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(lstat(in_tmp("link.plan"), &st), 0);
    cr_expect(S_ISLNK(st.st_mode), "the link was replaced by a file");
    char *t = slurp(in_tmp("real.plan"));
    cr_expect_str_eq(t, "new");
    pc_free(t);
    cr_expect_eq(mode_of(in_tmp("real.plan")), 0600);
    cr_expect_eq(count_entries(tmpdir), 2);
}

Test(fileio, stream_commit)
{
    put_file(in_tmp("r.json"), "old", 0604);
    fileio_atomic *h;
    char err[256];
    FILE *fp = fileio_write_atomic_begin(in_tmp("r.json"), &h, err, sizeof err);
    cr_assert_not_null(fp, "%s", err);
    fprintf(fp, "{\"n\": %d}\n", 42);
    char *t = slurp(in_tmp("r.json"));
    cr_expect_str_eq(t, "old", "the original changed before commit");
    pc_free(t);
    cr_assert_eq(fileio_write_atomic_commit(h, err, sizeof err), 0, "%s", err);
    t = slurp(in_tmp("r.json"));
    cr_expect_str_eq(t, "{\"n\": 42}\n");
    pc_free(t);
    cr_expect_eq(mode_of(in_tmp("r.json")), 0604);
    cr_expect_eq(count_entries(tmpdir), 1);
}

Test(fileio, stream_abort_leaves_the_original)
{
    put_file(in_tmp("r.json"), "old", 0644);
    fileio_atomic *h;
    char err[256];
    FILE *fp = fileio_write_atomic_begin(in_tmp("r.json"), &h, err, sizeof err);
    cr_assert_not_null(fp, "%s", err);
    fputs("half a report", fp);
    fileio_write_atomic_abort(h);
    char *t = slurp(in_tmp("r.json"));
    cr_expect_str_eq(t, "old");
    pc_free(t);
    cr_expect_eq(count_entries(tmpdir), 1);
}

Test(fileio, stream_write_failure_leaves_the_original)
{
    put_file(in_tmp("r.csv"), "old", 0644);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {64, 64};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    fileio_atomic *h;
    char err[256];
    FILE *fp = fileio_write_atomic_begin(in_tmp("r.csv"), &h, err, sizeof err);
    cr_assert_not_null(fp, "%s", err);
    for (int i = 0; i < 2000; i++)
        fputs("row,row,row\n", fp);
    cr_expect_eq(fileio_write_atomic_commit(h, err, sizeof err), -1);
    cr_expect(strstr(err, "write failed"), "%s", err);
    char *t = slurp(in_tmp("r.csv"));
    cr_expect_str_eq(t, "old");
    pc_free(t);
    cr_expect_eq(count_entries(tmpdir), 1);
}

Test(fileio, stream_begin_fails_cleanly)
{
    fileio_atomic *h = (fileio_atomic *)1;
    char err[256];
    cr_expect_null(fileio_write_atomic_begin(in_tmp("none/x"), &h, err, sizeof err));
    cr_expect_null(h);
    cr_expect(strstr(err, "none/x"), "%s", err);
    pc_mem_fail_after(1);
    FILE *fp = fileio_write_atomic_begin(in_tmp("y"), &h, err, sizeof err);
    pc_mem_fail_after(0);
    cr_expect_null(fp);
    cr_expect_eq(count_entries(tmpdir), 0);
}

Test(fileio, fmt_round_trip_through_files)
{
    const char *src = "agency   A # a\n";
    put_file(in_tmp("f.plan"), src, 0640);
    char *text = slurp(in_tmp("f.plan"));
    ast_file *f = parse_ok(text, strlen(text));
    size_t len;
    char *out = fmt_render(f, &len);
    char err[256];
    cr_assert_eq(fileio_write_atomic(in_tmp("f.plan"), out, len, err, sizeof err), 0, "%s", err);
    char *back = slurp(in_tmp("f.plan"));
    cr_expect_str_eq(back, "agency A  # a\n");
    cr_expect_eq(mode_of(in_tmp("f.plan")), 0640);
    pc_free(back);
    pc_free(out);
    pc_free(text);
    ast_file_free(f);
}

Test(fmt_extra, joint_leads_and_via_round_trip)
{
    const char *src = "responsible   DOLISA ,POLICE for CT9   with DOH\nreport every year by 30 Nov from all to PPC   via DOLISA\n";
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("t.plan", src, strlen(src), 0, PARSE_FILE, &d, NULL);
    cr_assert_eq(f->nerrors, 0);
    size_t n = 0;
    char *out = fmt_render(f, &n);
    cr_assert_str_eq(out, "responsible DOLISA, POLICE for CT9 with DOH\n\n"
                          "report every year by 30 Nov from all to PPC via DOLISA\n");
    pc_free(out);
    ast_file_free(f);
    diag_free(&d);
}

Test(fmt_extra, stated_baseline_and_within_round_trip)
{
    const char *src = "target CT4b \"Thấp còi\"  baseline 19.6%   in 2019 :stunting <= 17% by 2025\n"
                      "target baseline 3 per 1000 in 2020: u5mr < 2 per 1000 by 2030\n"
                      "target : vacc > 99%   maintain from 2021 to 2030  within 0.5%\n";
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("t.plan", src, strlen(src), 0, PARSE_FILE, &d, NULL);
    cr_assert_eq(f->nerrors, 0);
    size_t n = 0;
    char *out = fmt_render(f, &n);
    const char *want = "target CT4b \"Thấp còi\" baseline 19.6% in 2019: stunting <= 17% by 2025\n"
                       "target baseline 3 per 1000 in 2020: u5mr < 2 per 1000 by 2030\n"
                       "target : vacc > 99% maintain from 2021 to 2030 within 0.5%\n";
    cr_assert_str_eq(out, want);
    /* and fmt of the result is the result */
    ast_file *g = parse_text("t.plan", out, n, 0, PARSE_FILE, &d, NULL);
    cr_assert_eq(g->nerrors, 0);
    size_t m = 0;
    char *again = fmt_render(g, &m);
    cr_assert_str_eq(again, want);
    pc_free(again);
    pc_free(out);
    ast_file_free(g);
    ast_file_free(f);
    diag_free(&d);
}
