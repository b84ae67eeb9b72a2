/* test_parser.c — the grammar of DESIGN.md §2: every construct builds the right AST, and
 * syntax errors are located, explained, recovered from and all reported. */
#include <criterion/criterion.h>
#include "helpers.h"
#include "design_example.h"

static decl *nth(ast_file *f, int n)
{
    decl *d = f->decls;
    while (n-- > 0 && d)
        d = d->next;
    return d;
}

Test(parser, design_example_parses)
{
    char *out;
    ast_file *f = th_parse(design_example, &out);
    cr_assert_not_null(f);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_eq(f->ndecls, 27);
    plan_meta *m = &nth(f, 0)->as.plan;
    cr_assert_str_eq(m->id, "77/KH-UBND");
    cr_assert_str_eq(m->region, "Bắc Giang");
    cr_assert_eq(m->issued.year, 2024);
    cr_assert_eq(m->issued.month, 12);
    cr_assert_eq(m->issued.day, 27);
    cr_assert_eq(m->baseline, 2023);
    cr_assert_eq(m->method, METHOD_CR);
    free(out);
    ast_file_free(f);
}

Test(parser, indicator_forms)
{
    char *out;
    ast_file *f = th_parse(design_example, &out);
    indicator *st = &nth(f, 5)->as.indicator;
    cr_assert_str_eq(st->id.name, "stunting");
    cr_assert_eq(st->block_form, 1);
    cr_assert_eq(st->dir, DIR_LOWER);
    cr_assert_eq(st->ndims, 1);
    cr_assert_str_eq(st->dims[0].name, "area");
    indicator *u5 = &nth(f, 6)->as.indicator;
    cr_assert_eq(u5->block_form, 0);
    cr_assert_eq(u5->u.kind, UNIT_PERMILLE);
    indicator *imr = &nth(f, 9)->as.indicator;
    cr_assert_not_null(imr->derived);
    cr_assert_eq(imr->derived->kind, EX_BIN);
    cr_assert_eq(imr->derived->as.bin.op, OP_MUL, "(a / b) * 1000: * is the root");
    free(out);
    ast_file_free(f);
}

Test(parser, targets)
{
    char *out;
    ast_file *f = th_parse(design_example, &out);
    target *ct4 = &nth(f, 13)->as.target;
    cr_assert_str_eq(ct4->id.name, "CT4");
    cr_assert_str_eq(ct4->label, "Chỉ tiêu 4");
    cr_assert_eq(ct4->nms, 2);
    cr_assert_eq(ct4->ms[0].cmp, CMP_LT);
    cr_assert_eq(ct4->ms[0].q.value, 17);
    cr_assert_eq(ct4->ms[0].year, 2025);
    cr_assert_eq(ct4->ms[1].year, 2030);
    target *t2 = &nth(f, 14)->as.target;
    cr_assert_null(t2->id.name);
    target *mt = &nth(f, 16)->as.target;
    cr_assert_eq(mt->ms[0].kind, MS_MAINTAIN);
    cr_assert_eq(mt->ms[0].cmp, CMP_GE);
    target *ob = &nth(f, 17)->as.target;
    cr_assert_eq(ob->series.nsels, 1);
    cr_assert_str_eq(ob->series.sels[0].dim.name, "area");
    cr_assert_str_eq(ob->series.sels[0].value, "rural");
    target *ct13 = &nth(f, 18)->as.target;
    cr_assert_eq(ct13->kind, TG_RATE);
    cr_assert_eq(ct13->rate_increase, 0);
    cr_assert_eq(ct13->rate_from, 2025);
    cr_assert_eq(ct13->rate_to, 2030);
    free(out);
    ast_file_free(f);
}

Test(parser, maintain_window_and_target_baseline)
{
    char *out;
    ast_file *f = th_parse("target X: a >= 99% maintain from 2021 to 2030 baseline 2020\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    target *t = &f->decls->as.target;
    cr_assert_eq(t->ms[0].from, 2021);
    cr_assert_eq(t->ms[0].to, 2030);
    cr_assert_eq(t->baseline, 2020);
    free(out);
    ast_file_free(f);
}

Test(parser, responsible_report_task)
{
    char *out;
    ast_file *f = th_parse(design_example, &out);
    responsible *r = &nth(f, 19)->as.responsible;
    cr_assert_str_eq(r->lead.name, "DOH");
    cr_assert_eq(r->nrefs, 3);
    cr_assert_str_eq(r->refs[2].name, "CT16");
    cr_assert_eq(r->nwith, 2);
    responsible *rp = &nth(f, 20)->as.responsible;
    cr_assert_str_eq(rp->refs[0].name, "plan");
    report *y = &nth(f, 21)->as.report;
    cr_assert_eq(y->kind, RP_YEARLY);
    cr_assert_eq(y->from_all, 1);
    cr_assert_eq(y->deadlines[0].day, 30);
    cr_assert_eq(y->deadlines[0].month, 11);
    report *h = &nth(f, 22)->as.report;
    cr_assert_eq(h->kind, RP_MONTHS);
    cr_assert_eq(h->months, 6);
    report *o = &nth(f, 23)->as.report;
    cr_assert_eq(o->kind, RP_ONCE);
    cr_assert_eq(o->nfrom, 1);
    cr_assert_str_eq(o->label, "Sơ kết giữa kỳ");
    task *t = &nth(f, 24)->as.task;
    cr_assert_str_eq(t->lead.name, "DOLISA");
    cr_assert_eq(t->nwith, 2);
    cr_assert_eq(t->due.year, 2025);
    free(out);
    ast_file_free(f);
}

Test(parser, expressions_precedence)
{
    char *out;
    ast_file *f = th_parse("let x = 1 + 2 * 3 < 10 and not a@2020 > 5 or b\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    expr *e = f->decls->as.let.value;
    cr_assert_eq(e->kind, EX_BIN);
    cr_assert_eq(e->as.bin.op, OP_OR);
    expr *a = e->as.bin.l;
    cr_assert_eq(a->as.bin.op, OP_AND);
    expr *lt = a->as.bin.l;
    cr_assert_eq(lt->as.bin.op, OP_LT);
    cr_assert_eq(lt->as.bin.l->as.bin.op, OP_ADD);
    cr_assert_eq(lt->as.bin.l->as.bin.r->as.bin.op, OP_MUL);
    expr *n = a->as.bin.r;
    cr_assert_eq(n->kind, EX_NOT);
    cr_assert_eq(n->as.operand->as.bin.op, OP_GT);
    cr_assert_eq(n->as.operand->as.bin.l->kind, EX_AT);
    free(out);
    ast_file_free(f);
}

Test(parser, all_errors_are_reported_and_recovery_resumes)
{
    char *out;
    ast_file *f = th_parse("target CT4 stunting < 17% by 2025\n"
                           "agency OK \"fine\"\n"
                           "indicator x unit %% lower is better\n"
                           "report every year 30 Nov from all to X\n", &out);
    cr_assert_eq(f->nerrors, 3, "%s", out);
    cr_assert(th_has(out, "t.plan:1:12: error: unexpected name 'stunting'; expected a string, 'baseline' or ':'"), "%s", out);
    cr_assert(th_has(out, "note: a target reads: target CT4"), "%s", out);
    cr_assert(th_has(out, "t.plan:4:19: error: unexpected number 30; expected 'by'"), "%s", out);
    /* the good declaration between the broken ones is kept */
    int agencies = 0;
    for (decl *d = f->decls; d; d = d->next)
        agencies += d->kind == D_AGENCY;
    cr_assert_eq(agencies, 1);
    free(out);
    ast_file_free(f);
}

Test(parser, caret_under_the_whole_token)
{
    char *out;
    ast_file *f = th_parse("target : stunting < 17% by twenty\n", &out);
    cr_assert(th_has(out, "    1 | target : stunting < 17% by twenty\n"
                          "      |                            ^~~~~~\n"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(parser, unclosed_brace_points_at_the_opening)
{
    char *out;
    ast_file *f = th_parse("plan \"X\" {\n  title \"t\"\n", &out);
    cr_assert(th_has(out, "t.plan:3:1: error: unexpected end of input"), "%s", out);
    cr_assert(th_has(out, "t.plan:1:10: note: to match this '{'"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(parser, bad_dates_and_years)
{
    char *out;
    ast_file *f = th_parse("plan \"X\" { issued 2023-02-29 }\n"
                           "report once by 2025-13-01 from A to B\n"
                           "report every year by 31 Feb from all to B\n"
                           "report every year by 3 Smarch from all to B\n"
                           "target : a < 5% by 2025.5\n", &out);
    cr_assert(th_has(out, "t.plan:1:19: error: 2023-02-29 is not a date: Feb 2023 has 28 days"), "%s", out);
    cr_assert(th_has(out, "t.plan:2:16: error: 2025-13-01 is not a date: there is no month 13"), "%s", out);
    cr_assert(th_has(out, "t.plan:3:22: error: Feb has no day 31"), "%s", out);
    cr_assert(th_has(out, "t.plan:4:24: error: 'Smarch' is not a month"), "%s", out);
    cr_assert(th_has(out, "t.plan:5:20: error: '2025.5' is not a year"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(parser, deep_nesting_is_an_error_not_a_crash)
{
    size_t depth = 20000;
    char *text = malloc(depth * 2 + 32);
    strcpy(text, "let x = ");
    size_t k = strlen(text);
    for (size_t i = 0; i < depth; i++)
        text[k++] = '(';
    text[k++] = '1';
    for (size_t i = 0; i < depth; i++)
        text[k++] = ')';
    text[k++] = '\n';
    text[k] = '\0';
    char *out;
    ast_file *f = th_parse(text, &out);
    cr_assert_not_null(f);
    cr_assert_gt(f->nerrors, 0);
    cr_assert(th_has(out, "too deeply nested"), "%s", out);
    free(out);
    ast_file_free(f);
    free(text);
}

Test(parser, repl_mode_accepts_an_expression)
{
    diag_sink d;
    diag_init(&d);
    expr *e = NULL;
    ast_file *f = parse_text("<repl>", "latest(stunting) - 17%", 22, 0, PARSE_REPL, &d, &e);
    cr_assert_eq(f->nerrors, 0);
    cr_assert_not_null(e);
    cr_assert_eq(e->kind, EX_BIN);
    cr_assert_eq(f->ndecls, 0);
    ast_file_free(f);
    f = parse_text("<repl>", "agency A \"a\"", 12, 0, PARSE_REPL, &d, &e);
    cr_assert_null(e);
    cr_assert_eq(f->ndecls, 1);
    ast_file_free(f);
    diag_free(&d);
}

Test(parser, duplicate_plan_items)
{
    char *out;
    ast_file *f = th_parse("plan \"X\" { title \"a\" title \"b\" method magic }\n", &out);
    cr_assert(th_has(out, "'title' is given twice in the plan block"), "%s", out);
    cr_assert(th_has(out, "unknown method 'magic': write cr, projection or aarr"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(parser, incomplete_input_asks_for_more)
{
    /* unfinished: open brackets, a trailing operator, comma or colon, a keyword that needs more */
    const char *more[] = {"plan \"X\" {", "let x = (1 +", "let x = 1 +", "target CT4:",
                          "target CT4: s < 17% by 2025,", "responsible DOH for", "latest(s",
                          "indicator s \"s\" {\n  unit %"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        cr_expect(parse_incomplete(more[i], strlen(more[i])), "should ask for more: %s", more[i]);
    /* complete, or wrong in a way more input cannot fix */
    const char *done[] = {"agency A \"a\"", "latest(s) - 17%", "1 + 1", "let x = 1 )", "agency A \"a",
                          "target : s < 5% by 2025"};
    for (size_t i = 0; i < sizeof done / sizeof done[0]; i++)
        cr_expect(!parse_incomplete(done[i], strlen(done[i])), "should not ask for more: %s", done[i]);
}

Test(parser, month_precision_issue_date)
{
    char *out;
    ast_file *f = th_parse("plan \"X\" { issued 2024-02 }\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_eq(f->decls->as.plan.issued.year, 2024);
    cr_assert_eq(f->decls->as.plan.issued.month, 2);
    cr_assert_eq(f->decls->as.plan.issued.day, 0);
    free(out);
    ast_file_free(f);
    f = th_parse("plan \"X\" { issued 2024-2 }\n", &out);
    cr_assert(th_has(out, "t.plan:1:24: error: '2' is not a month: write the month with two digits, like 2024-02"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(parser, plan_period)
{
    char *out;
    ast_file *f = th_parse("plan \"X\" { period 2021 to 2030 }\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_eq(f->decls->as.plan.period_from, 2021);
    cr_assert_eq(f->decls->as.plan.period_to, 2030);
    free(out);
    ast_file_free(f);
    f = th_parse("plan \"X\" { period 2030 to 2021 }\n", &out);
    cr_assert(th_has(out, "t.plan:1:27: error: the period 2030 to 2021 runs backwards"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(parser, number_too_small_is_an_error)
{
    char src[600] = "indicator x \"x\" unit count\ntarget T: x < 0.";
    size_t n = strlen(src);
    memset(src + n, '0', 400);
    strcpy(src + n + 400, "1 by 2030\n");
    char *out;
    ast_file *f = th_parse(src, &out);
    cr_assert_eq(f->nerrors, 1, "%s", out);
    cr_assert(th_has(out, "t.plan:2:15: error: this number is too small to hold: it would silently become 0"), "%s", out);
    free(out);
    ast_file_free(f);
}
