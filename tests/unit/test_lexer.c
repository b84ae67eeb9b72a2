/* test_lexer.c — tokens as the parser sees them, observed through parse results and
 * diagnostics: UTF-8 names, units, dates, strings, comments, invalid bytes. */
#include <criterion/criterion.h>
#include "helpers.h"

Test(lexer, utf8_identifiers_are_names)
{
    char *out;
    ast_file *f = th_parse("indicator tỷ_lệ_thấp_còi \"Tỷ lệ\" unit %\n", &out);
    cr_assert_not_null(f);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_str_eq(f->decls->as.indicator.id.name, "tỷ_lệ_thấp_còi");
    cr_assert_eq(f->decls->as.indicator.u.kind, UNIT_PERCENT);
    free(out);
    ast_file_free(f);
}

Test(lexer, columns_count_code_points)
{
    char *out;
    ast_file *f = th_parse("agency Sở \"Sở Y tế\" $\n", &out);
    cr_assert_not_null(f);
    /* 'agency Sở "Sở Y tế" ' is 20 code points, so '$' is column 21 */
    cr_assert(th_has(out, "t.plan:1:21: error: unexpected character '$'"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(lexer, string_escapes)
{
    char *out;
    ast_file *f = th_parse("agency A \"say \\\"hi\\\" \\\\ \\n\"\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_str_eq(f->decls->as.agency.name, "say \"hi\" \\ \n");
    free(out);
    ast_file_free(f);
}

Test(lexer, unterminated_string)
{
    char *out;
    ast_file *f = th_parse("agency A \"Sở Y tế\nagency B \"b\"\n", &out);
    cr_assert_gt(f->nerrors, 0);
    cr_assert(th_has(out, "t.plan:1:10: error: unterminated string"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(lexer, comments_are_recorded)
{
    char *out;
    ast_file *f = th_parse("# head\nagency A \"a\"  # trailing\n# tail\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_eq(f->ncomments, 3);
    cr_assert_str_eq(f->comments[0].text, "# head");
    cr_assert_eq(f->comments[0].trailing, 0);
    cr_assert_str_eq(f->comments[1].text, "# trailing");
    cr_assert_eq(f->comments[1].trailing, 1);
    cr_assert_eq(f->comments[2].line, 3);
    free(out);
    ast_file_free(f);
}

Test(lexer, units_and_per)
{
    char *out;
    ast_file *f = th_parse("target : a < 18.5‰ by 2025, < 17 per 100000 by 2030, < 3 per 1000 by 2031\n"
                           "target : b decrease by 2% to 3% per year from 2025 to 2030\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    target *t = &f->decls->as.target;
    cr_assert_eq(t->ms[0].q.u.kind, UNIT_PERMILLE);
    cr_assert_str_eq(t->ms[0].q.text, "18.5");
    cr_assert_eq(t->ms[0].q.decimals, 1);
    cr_assert_eq(t->ms[1].q.u.kind, UNIT_PER);
    cr_assert_eq(t->ms[1].q.u.scale, 100000);
    cr_assert_eq(t->ms[2].q.u.kind, UNIT_PERMILLE, "per 1000 is the same unit as ‰");
    target *r = &f->decls->next->as.target;
    cr_assert_eq(r->kind, TG_RATE);
    cr_assert_eq(r->rate_lo.value, 2);
    cr_assert_eq(r->rate_hi.value, 3);
    free(out);
    ast_file_free(f);
}

Test(lexer, invalid_utf8_byte)
{
    char *out;
    ast_file *f = th_parse("agency A \"a\"\n\xff\n", &out);
    cr_assert_gt(f->nerrors, 0);
    cr_assert(th_has(out, "t.plan:2:1: error: invalid UTF-8 byte 0xff"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(lexer, curly_quotes_and_nbsp_are_explained)
{
    char *out;
    ast_file *f = th_parse("agency A \xe2\x80\x9cSở\xe2\x80\x9d\n", &out);
    cr_assert(th_has(out, "curly quote"), "%s", out);
    free(out);
    ast_file_free(f);
    f = th_parse("agency\xc2\xa0" "A\n", &out);
    cr_assert(th_has(out, "non-breaking space"), "%s", out);
    free(out);
    ast_file_free(f);
}

Test(lexer, nul_bytes_and_control_characters)
{
    char *out;
    diag_sink d;
    diag_init(&d);
    const char text[] = "agency A \"a\"\n\0\x01";
    ast_file *f = parse_text("t.plan", text, sizeof text - 1, 0, PARSE_FILE, &d, NULL);
    out = th_diags(&d);
    cr_assert_gt(f->nerrors, 0);
    cr_assert(th_has(out, "control character 0x00"), "%s", out);
    free(out);
    diag_free(&d);
    ast_file_free(f);
}

Test(lexer, bom_is_skipped)
{
    char *out;
    ast_file *f = th_parse("\xef\xbb\xbf" "agency A \"a\"\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    free(out);
    ast_file_free(f);
}

Test(lexer, dates_and_day_months)
{
    char *out;
    ast_file *f = th_parse("report every 6 months by 15 Jun, 15 December from all to X\n"
                           "report once by 2024-02-29 from A to X \"leap\"\n", &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    report *r = &f->decls->as.report;
    cr_assert_eq(r->ndeadlines, 2);
    cr_assert_eq(r->deadlines[0].day, 15);
    cr_assert_eq(r->deadlines[0].month, 6);
    cr_assert_eq(r->deadlines[1].month, 12);
    report *o = &f->decls->next->as.report;
    cr_assert_eq(o->deadlines[0].year, 2024);
    cr_assert_eq(o->deadlines[0].month, 2);
    cr_assert_eq(o->deadlines[0].day, 29);
    free(out);
    ast_file_free(f);
}

Test(lexer, huge_identifier)
{
    size_t n = 1 << 20;
    char *text = malloc(n + 32);
    memcpy(text, "agency ", 7);
    memset(text + 7, 'a', n);
    strcpy(text + 7 + n, " \"x\"\n");
    char *out;
    ast_file *f = th_parse(text, &out);
    cr_assert_eq(f->nerrors, 0, "%s", out);
    cr_assert_eq(strlen(f->decls->as.agency.id.name), n);
    free(out);
    ast_file_free(f);
    free(text);
}
