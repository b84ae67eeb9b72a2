/* test_csv.c — the data stage: the CSV loader's rules and exact diagnostics, the dataset
 * (series, annual view, regions, what-ifs), strmap, number parsing and formatting against
 * libc. It must not depend on other stages (no parser, no assessment). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dataset.h"
#include "diag.h"
#include "mem.h"
#include "numfmt.h"
#include "strmap.h"

/* ---- helpers ---- */

static dataset *ds;
static diag_sink sink;
static char rendered[1 << 16];

static void setup(void)
{
    ds = ds_new();
    cr_assert_not_null(ds);
    diag_init(&sink);
}

static void teardown(void)
{
    ds_free(ds);
    diag_free(&sink);
}

/* Every diagnostic as "file:line:col: level: msg", one a line. */
static const char *diags(void)
{
    size_t o = 0;
    rendered[0] = '\0';
    for (size_t i = 0; i < sink.n && o < sizeof rendered - 1; i++) {
        const diag *d = &sink.items[i];
        const char *lv = d->level == DIAG_ERROR ? "error" : d->level == DIAG_WARNING ? "warning" : "note";
        o += (size_t)snprintf(rendered + o, sizeof rendered - o, "%s:%d:%d: %s: %s\n",
                              d->file ? d->file : "-", d->line, d->col, lv, d->msg);
    }
    return rendered;
}

/* `aggregate last` everywhere: sub-annual rows give the year-end reading */
static const ds_spec_ind default_inds[] = {
    {"stunting", "%", NULL, 0, DS_AGG_LAST}, {"u5mr", "per 1000", NULL, 0, DS_AGG_LAST},
    {"mmr", "per 100000", NULL, 0, DS_AGG_LAST}, {"births", "", NULL, 0, DS_AGG_LAST},
    {"obesity", "%", NULL, 0, DS_AGG_LAST}, {"free", NULL, NULL, 0, DS_AGG_LAST},
};
static const ds_spec default_spec = {default_inds, sizeof default_inds / sizeof default_inds[0], 0, NULL, 0};

static int load_opts(const char *text, const ds_spec *spec, int threads, size_t min_chunk)
{
    csv_opts o = {threads, min_chunk, NULL};
    return csv_load_mem_ex(ds, "data.csv", text, strlen(text), spec, &o, &sink);
}

static int load(const char *text) { return load_opts(text, &default_spec, 1, 0); }

/* The value of a series at a period; NAN when absent or missing. */
static double at(const char *ind, const char *reg, const char *dim, ds_period p)
{
    const ds_series *s = ds_find(ds, ind, reg, dim);
    if (!s)
        return NAN;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->obs[i].period == p)
            return s->obs[i].value;
    return NAN;
}

static ds_period Y(int y) { return ds_period_make(y, DS_ANNUAL, 0); }

static void expect_error(const char *text, const char *expected)
{
    cr_assert_eq(load(text), -1, "load should fail: %s", text);
    cr_assert_str_eq(diags(), expected);
}

#define HDR "indicator,region,year,value\n"

TestSuite(csv, .init = setup, .fini = teardown);

/* ---- loading: the happy paths ---- */

Test(csv, basic_values_and_stats)
{
    cr_assert_eq(load(HDR "stunting,Bắc Giang,2020,19.1\n"
                          "stunting,Bắc Giang,2021,18.5\n"
                          "stunting,An Giang,2021,\n"
                          "u5mr,Bắc Giang,2019,20\n"), 0, "%s", diags());
    cr_assert_eq(sink.n, 0);
    cr_assert_float_eq(at("stunting", "Bắc Giang", NULL, Y(2020)), 19.1, 0);
    cr_assert_float_eq(at("stunting", "Bắc Giang", "", Y(2021)), 18.5, 0);
    cr_assert_float_eq(at("u5mr", "Bắc Giang", NULL, Y(2019)), 20.0, 0);
    const ds_series *s = ds_find(ds, "stunting", "An Giang", NULL);
    cr_assert_not_null(s);
    cr_assert_eq(s->n, 1);
    cr_assert(isnan(s->obs[0].value), "an empty value is missing");
    cr_assert_eq(s->obs[0].line, 4);
    const ds_stats *st = ds_get_stats(ds);
    cr_assert_eq(st->rows, 4);
    cr_assert_eq(st->kept, 4);
    cr_assert_eq(st->skipped, 0);
    cr_assert_eq(st->empty, 1);
    cr_assert_eq(st->min_year, 2019);
    cr_assert_eq(st->max_year, 2021);
    cr_assert_eq(ds_latest_year(ds), 2021);
    cr_assert_eq(ds_nregions(ds), 2);
    cr_assert_str_eq(ds_region(ds, 0), "An Giang");
    cr_assert_str_eq(ds_region(ds, 1), "Bắc Giang");
    cr_assert_null(ds_find(ds, "stunting", "Hà Nội", NULL));
    cr_assert_null(ds_find(ds, "nope", "Bắc Giang", NULL));
}

Test(csv, header_only_is_an_empty_dataset)
{
    cr_assert_eq(load("indicator,region,year,value\n"), 0, "%s", diags());
    cr_assert_eq(ds_get_stats(ds)->rows, 0);
    cr_assert_eq(ds_nregions(ds), 0);
    cr_assert_eq(ds_latest_year(ds), 0);
    cr_assert_eq(load("indicator,region,year,value"), 0, "no final newline: %s", diags());
}

Test(csv, columns_in_any_order_trimmed_header)
{
    cr_assert_eq(load(" value , year,region ,indicator\n7.5,2020,Huế,stunting\n"), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "Huế", NULL, Y(2020)), 7.5, 0);
}

Test(csv, bom_crlf_mixed_and_no_final_newline)
{
    cr_assert_eq(load("\xEF\xBB\xBFindicator,region,year,value\r\n"
                      "stunting,A,2020,1\r\n"
                      "stunting,A,2021,2\n"
                      "stunting,A,2022,3\r\n"
                      "stunting,A,2023,4"), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "A", NULL, Y(2020)), 1, 0);
    cr_assert_float_eq(at("stunting", "A", NULL, Y(2021)), 2, 0);
    cr_assert_float_eq(at("stunting", "A", NULL, Y(2022)), 3, 0);
    cr_assert_float_eq(at("stunting", "A", NULL, Y(2023)), 4, 0);
    cr_assert_eq(ds_find(ds, "stunting", "A", NULL)->obs[3].line, 5);
}

Test(csv, quoting_rfc4180)
{
    cr_assert_eq(load(HDR "\"stunting\",\"Thừa Thiên, Huế\",\"2020\",\"19.5\"\n"
                          "stunting,\"He said \"\"hi\"\"\",2020,1\n"
                          "stunting,\"\",2020,2\n"), -1, "empty quoted region is an error");
    diag_clear(&sink);
    ds_free(ds);
    ds = ds_new();
    cr_assert_eq(load(HDR "\"stunting\",\"Thừa Thiên, Huế\",\"2020\",\"19.5\"\n"
                          "stunting,\"He said \"\"hi\"\"\",2020,1\n"
                          "\"stunting\" ,B,2020,\" 3 \"\n"), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "Thừa Thiên, Huế", NULL, Y(2020)), 19.5, 0);
    cr_assert_float_eq(at("stunting", "He said \"hi\"", NULL, Y(2020)), 1, 0);
    cr_assert_float_eq(at("stunting", "B", NULL, Y(2020)), 3, 0, "numbers are trimmed, quoted or not");
    cr_assert_eq(ds_nregions(ds), 3);
}

Test(csv, quoted_newlines_keep_line_numbers)
{
    cr_assert_eq(load("indicator,region,year,value,note\n"
                      "stunting,A,2020,1,\"first\nsecond\nthird\"\n"
                      "stunting,A,2021,x,\n"), -1);
    cr_assert_str_eq(diags(), "data.csv:5:17: error: bad number 'x' in column 'value'\n");
}

Test(csv, blank_lines_are_skipped)
{
    cr_assert_eq(load("\n\n" HDR "\nstunting,A,2020,1\n   \n\r\nstunting,A,2021,2\n\n"), 0, "%s", diags());
    cr_assert_eq(ds_get_stats(ds)->rows, 2);
    cr_assert_eq(ds_find(ds, "stunting", "A", NULL)->obs[1].line, 8);
}

Test(csv, periods)
{
    cr_assert_eq(load(HDR "stunting,A,2024,1\n"
                          "stunting,A,2024S1,2\n"
                          "stunting,A,2024s2,3\n"
                          "stunting,A,2024Q1,4\n"
                          "stunting,A,2024q4,5\n"
                          "stunting,A,2024-01,6\n"
                          "stunting,A,2024-12,7\n"), 0, "%s", diags());
    const ds_series *s = ds_find(ds, "stunting", "A", NULL);
    cr_assert_eq(s->n, 7);
    /* sorted by the end of the period, then by length */
    double want[] = {6, 4, 2, 7, 5, 3, 1};
    for (int i = 0; i < 7; i++) {
        cr_assert_float_eq(s->obs[i].value, want[i], 0, "obs %d", i);
        if (i)
            cr_assert_lt(s->obs[i - 1].period, s->obs[i].period);
    }
}

Test(csv, period_parse_format_make)
{
    struct { const char *text; int year, kind, n; } ok[] = {
        {"2024", 2024, DS_ANNUAL, 0}, {"2024S1", 2024, DS_HALF, 1}, {"1999S2", 1999, DS_HALF, 2},
        {"2024Q1", 2024, DS_QUARTER, 1}, {"2024Q4", 2024, DS_QUARTER, 4},
        {"2024-01", 2024, DS_MONTH, 1}, {"2024-12", 2024, DS_MONTH, 12}, {"1000", 1000, DS_ANNUAL, 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ds_period p;
        cr_assert_eq(ds_period_parse(ok[i].text, strlen(ok[i].text), &p), 0, "%s", ok[i].text);
        cr_assert_eq(p, ds_period_make(ok[i].year, ok[i].kind, ok[i].n), "%s", ok[i].text);
        cr_assert_eq(DS_PERIOD_YEAR(p), ok[i].year);
        char buf[16];
        cr_assert_eq(ds_period_format(p, buf, sizeof buf), (int)strlen(ok[i].text));
        cr_assert_str_eq(buf, ok[i].text);
    }
    const char *bad[] = {"", "202", "20245", "0999", "2024S3", "2024S0", "2024Q5", "2024Q0", "2024-13",
                         "2024-00", "2024-1", "2024-011", "2024H1", "abcd", "2024 ", " 2024", "2024.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ds_period p;
        cr_assert_eq(ds_period_parse(bad[i], strlen(bad[i]), &p), -1, "'%s'", bad[i]);
    }
    cr_assert_eq(ds_period_make(2024, DS_MONTH, 13), 0);
    cr_assert_eq(ds_period_make(2024, DS_QUARTER, 5), 0);
    cr_assert_eq(ds_period_make(2024, 7, 1), 0);
    cr_assert_lt(ds_period_make(2024, DS_MONTH, 6), ds_period_make(2024, DS_QUARTER, 2));
    cr_assert_lt(ds_period_make(2024, DS_QUARTER, 2), ds_period_make(2024, DS_HALF, 1));
    cr_assert_lt(ds_period_make(2024, DS_HALF, 1), ds_period_make(2024, DS_MONTH, 7));
    cr_assert_lt(ds_period_make(2024, DS_HALF, 2), ds_period_make(2024, DS_ANNUAL, 0));
    cr_assert_lt(ds_period_make(2024, DS_ANNUAL, 0), ds_period_make(2025, DS_MONTH, 1));
}

Test(csv, annual_view_year_end_rule)
{
    cr_assert_eq(load(HDR "stunting,A,2020Q1,1\n"
                          "stunting,A,2020Q3,3\n"     /* 2020: latest-ending sub-annual: Q3 */
                          "stunting,A,2021,10\n"
                          "stunting,A,2021S2,11\n"    /* 2021: the annual row wins */
                          "stunting,A,2022-12,20\n"
                          "stunting,A,2022Q4,21\n"
                          "stunting,A,2022S2,22\n"    /* 2022: same end month: the longest, S2 */
                          "stunting,A,2023,\n"
                          "stunting,A,2023Q2,30\n"    /* 2023: an empty annual cell hides nothing */
                          "stunting,A,2024,\n"        /* 2024: nothing but missing: no entry */
                          "stunting,A,2025-03,50\n"), 0, "%s", diags());
    const ds_series *s = ds_find(ds, "stunting", "A", NULL);
    cr_assert_eq(ds_yearly_cap(s), 11);
    int years[16];
    double vals[16];
    size_t n = ds_annual(s, INT32_MAX, years, vals, ds_yearly_cap(s));
    int wy[] = {2020, 2021, 2022, 2023, 2025};
    double wv[] = {3, 10, 22, 30, 50};
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(years[i], wy[i]);
        cr_assert_float_eq(vals[i], wv[i], 0, "year %d", years[i]);
    }
    n = ds_annual(s, 2022, years, vals, 16);
    cr_assert_eq(n, 3);
    cr_assert_eq(years[2], 2022);
    n = ds_annual(s, INT32_MAX, years, vals, 2);
    cr_assert_eq(n, 2, "the cap is respected");
    cr_assert_eq(ds_annual(NULL, INT32_MAX, years, vals, 16), 0);
}

Test(csv, dimensions_and_totals)
{
    cr_assert_eq(load("indicator,sex,region,year,value,area,source\n"
                      "obesity,,A,2022,4.1,,GSO\n"
                      "obesity,,A,2022,5.0,rural,GSO\n"
                      "obesity,f,A,2022,5.5,rural,\n"
                      "obesity,f,A,2022,3.0,,\n"), 0, "%s", diags());
    cr_assert_float_eq(at("obesity", "A", NULL, Y(2022)), 4.1, 0);
    cr_assert_float_eq(at("obesity", "A", "area=rural", Y(2022)), 5.0, 0);
    cr_assert_float_eq(at("obesity", "A", "sex=f", Y(2022)), 3.0, 0);
    cr_assert_float_eq(at("obesity", "A", "area=rural\x1fsex=f", Y(2022)), 5.5, 0);
    cr_assert_null(ds_find(ds, "obesity", "A", "sex=f\x1f" "area=rural"), "not the canonical order");
    /* the selector form gives the same key */
    const char *dims[] = {"sex", "area"}, *vals[] = {"f", "rural"};
    char key[64];
    cr_assert_eq(ds_dimkey(dims, vals, 2, key, sizeof key), 16);
    cr_assert_str_eq(key, "area=rural\x1fsex=f");
    cr_assert_float_eq(at("obesity", "A", key, Y(2022)), 5.5, 0);
    const char *vals2[] = {"", "urban"};
    cr_assert_eq(ds_dimkey(dims, vals2, 2, key, sizeof key), 10);
    cr_assert_str_eq(key, "area=urban");
    cr_assert_eq(ds_dimkey(dims, vals, 0, key, sizeof key), 0);
    cr_assert_str_eq(key, "");
    cr_assert_eq(ds_dimkey(dims, vals, 2, key, 16), -1, "no room for the NUL");
    cr_assert_eq(ds_dimkey(dims, vals, 2, key, 17), 16);
}

Test(csv, annotation_columns_do_not_split_series)
{
    cr_assert_eq(load("indicator,region,year,value,unit,source,note,comment\n"
                      "stunting,A,2020,1,%,GSO,a,b\n"
                      "stunting,A,2021,2,,MICS,c,d\n"), 0, "%s", diags());
    const ds_series *s = ds_find(ds, "stunting", "A", NULL);
    cr_assert_not_null(s);
    cr_assert_eq(s->n, 2);
}

Test(csv, unit_aliases_accepted)
{
    cr_assert_eq(load("indicator,region,year,value,unit\n"
                      "stunting,A,2020,1,%\n"
                      "stunting,A,2021,1, Percent \n"
                      "u5mr,A,2020,1,‰\n"
                      "u5mr,A,2021,1,per 1000\n"
                      "u5mr,A,2022,1,\"per 1,000\"\n"
                      "u5mr,A,2023,1,/1000\n"
                      "mmr,A,2020,1,per 100000\n"
                      "mmr,A,2021,1,\"per 100,000\"\n"
                      "mmr,A,2022,1,/100000\n"
                      "births,A,2020,1,number\n"
                      "births,A,2021,1,\n"
                      "free,A,2020,1,kg\n"), 0, "%s", diags());
    cr_assert_str_eq(ds_unit_canonical("‰", strlen("‰")), "per 1000");
    cr_assert_str_eq(ds_unit_canonical("PER 100,000", 11), "per 100000");
    cr_assert_str_eq(ds_unit_canonical("", 0), "");
    cr_assert_null(ds_unit_canonical("kg", 2));
}

Test(csv, unit_mismatch)
{
    expect_error("indicator,region,year,value,unit\n"
                 "stunting,A,2020,1,per 1000\n"
                 "u5mr,A,2020,1,%\n"
                 "births,A,2020,1,%\n",
                 "data.csv:2:19: error: unit 'per 1000' does not match indicator 'stunting' (unit %)\n"
                 "data.csv:3:15: error: unit '%' does not match indicator 'u5mr' (unit per 1000)\n"
                 "data.csv:4:17: error: unit '%' does not match indicator 'births' (a bare number)\n");
}

Test(csv, duplicates_same_value_allowed)
{
    cr_assert_eq(load(HDR "stunting,A,2020,19.1\nstunting,A,2020,19.10\nstunting,A,2021,\nstunting,A,2021,\n"),
                 0, "%s", diags());
    const ds_series *s = ds_find(ds, "stunting", "A", NULL);
    cr_assert_eq(s->n, 2);
    cr_assert_eq(ds_get_stats(ds)->dups, 2);
    cr_assert_eq(ds_get_stats(ds)->kept, 4);
}

Test(csv, duplicates_different_value_is_an_error)
{
    expect_error(HDR "stunting,Bắc Giang,2020,19.4\n"
                     "stunting,Bắc Giang,2021,1\n"
                     "u5mr,Bắc Giang,2020,3\n"
                     "stunting,Bắc Giang,2020,19.1\n",
                 "data.csv:5:0: error: duplicate value for stunting, Bắc Giang, 2020: 19.1 here, 19.4 at line 2\n");
}

Test(csv, duplicates_with_dimensions_and_periods)
{
    expect_error("indicator,region,year,value,area\n"
                 "obesity,A,2022Q1,4,rural\n"
                 "obesity,A,2022Q1,4,\n"
                 "obesity,A,2022Q1,,rural\n",
                 "data.csv:4:0: error: duplicate value for obesity[area=rural], A, 2022Q1: empty here, 4 at line 2\n");
}

Test(csv, ragged_rows)
{
    expect_error(HDR "stunting,A,2020,1,extra\n"
                     "stunting,A,2021\n"
                     "stunting,A,2022,3\n",
                 "data.csv:2:19: error: expected 4 fields (as in the header), got 5\n"
                 "data.csv:3:16: error: expected 4 fields (as in the header), got 3\n");
}

Test(csv, bad_numbers)
{
    expect_error(HDR "stunting,Bắc Giang,2020,abc\n"
                     "stunting,A,2021,NaN\n"
                     "stunting,A,2022,Inf\n"
                     "stunting,A,2023,\"1,5\"\n"
                     "stunting,A,2024,0x1A\n"
                     "stunting,A,2025,1e999\n"
                     "stunting,A,2026,-infinity\n"
                     "stunting,A,2027,1.2.3\n",
                 "data.csv:2:25: error: bad number 'abc' in column 'value'\n"
                 "data.csv:3:17: error: bad number 'NaN' in column 'value'\n"
                 "data.csv:4:17: error: bad number 'Inf' in column 'value'\n"
                 "data.csv:5:17: error: bad number '1,5' in column 'value' (use '.' as the decimal point, no thousands separators)\n"
                 "data.csv:6:17: error: bad number '0x1A' in column 'value'\n"
                 "data.csv:7:17: error: bad number '1e999' in column 'value' (out of range: a value must lie between about 1e-308 and 1e308)\n"
                 "data.csv:8:17: error: bad number '-infinity' in column 'value'\n"
                 "data.csv:9:17: error: bad number '1.2.3' in column 'value'\n");
}

Test(csv, bad_periods)
{
    expect_error(HDR "stunting,A,2024Q5,1\nstunting,A,,1\nstunting,A,24,1\n",
                 "data.csv:2:12: error: bad period '2024Q5' in column 'year' (expected 2024, 2024S1, 2024Q3, 2024-06 or 202406)\n"
                 "data.csv:3:12: error: empty year\n"
                 "data.csv:4:12: error: bad period '24' in column 'year' (expected 2024, 2024S1, 2024Q3, 2024-06 or 202406)\n");
}

Test(csv, all_errors_of_a_row_and_empty_names)
{
    expect_error(HDR ",,x,y\n",
                 "data.csv:2:1: error: empty indicator\n"
                 "data.csv:2:2: error: empty region\n"
                 "data.csv:2:3: error: bad period 'x' in column 'year' (expected 2024, 2024S1, 2024Q3, 2024-06 or 202406)\n"
                 "data.csv:2:5: error: bad number 'y' in column 'value'\n");
}

Test(csv, empty_files)
{
    expect_error("", "data.csv:0:0: error: empty file: expected a header line 'indicator,region,year,value'\n");
    diag_clear(&sink);
    expect_error("\xEF\xBB\xBF", "data.csv:0:0: error: empty file: expected a header line 'indicator,region,year,value'\n");
    diag_clear(&sink);
    expect_error("\n \r\n\n", "data.csv:0:0: error: empty file: expected a header line 'indicator,region,year,value'\n");
}

Test(csv, header_problems)
{
    expect_error("indicator,region,year\nstunting,A,2020\n",
                 "data.csv:1:0: error: missing column 'value' in the header (a data file starts with a header line 'indicator,region,year,value', or is in one of the formats of docs/data.md)\n");
    diag_clear(&sink);
    expect_error("stunting,A,2020,1\n",
                 "data.csv:1:0: error: missing columns 'indicator', 'region', 'year', 'value' in the header (a data file starts with a header line 'indicator,region,year,value', or is in one of the formats of docs/data.md)\n");
    diag_clear(&sink);
    expect_error("Indicator,REGION,year,value,Region\n",
                 "data.csv:1:29: error: duplicate column 'Region' (also column 2)\n");
    diag_clear(&sink);
    expect_error("indicator,region,year,value,region\n",
                 "data.csv:1:29: error: duplicate column 'region' (also column 2)\n");
    diag_clear(&sink);
    expect_error("indicator,region,,year,value\n", "data.csv:1:18: error: column 3 has no name\n");
}

Test(csv, unterminated_quote_reported_where_it_starts)
{
    expect_error(HDR "stunting,A,2020,1\nstunting,\"A,2021,2\nstunting,A,2022,3\n",
                 "data.csv:3:10: error: unterminated quoted field (no closing '\"' before the end of the file)\n");
}

Test(csv, text_after_closing_quote)
{
    expect_error(HDR "stunting,\"A\"x,2020,1\nstunting,A,2021,zz\n",
                 "data.csv:2:13: error: unexpected text after a closing quote\n"
                 "data.csv:3:17: error: bad number 'zz' in column 'value'\n");
}

Test(csv, invalid_utf8_and_control_characters)
{
    expect_error(HDR "stunting,A\xff,2020,1\nstunting,\"B\nC\",2020,1\nst\xc3\x28,A,2020,1\n",
                 "data.csv:2:10: error: invalid UTF-8 in column 'region'\n"
                 "data.csv:3:10: error: control character in column 'region'\n"
                 "data.csv:5:1: error: invalid UTF-8 in column 'indicator'\n"
                 "data.csv:0:0: note: the file is not UTF-8 text: in Excel, save it with File > Save As > "
                 "'CSV UTF-8 (Comma delimited) (*.csv)'; in LibreOffice, tick 'Edit filter settings' and "
                 "choose 'Unicode (UTF-8)'\n");
}

Test(csv, skipped_indicators_counted_regions_recorded)
{
    cr_assert_eq(load(HDR "other,Zeta,2020,1\n"
                          "stunting,Beta,2020,1\n"
                          "other,Alpha,notayear,notanumber\n"
                          "other,Ánh,2020,\n"), 0, "%s", diags());
    const ds_stats *st = ds_get_stats(ds);
    cr_assert_eq(st->rows, 4);
    cr_assert_eq(st->skipped, 3);
    cr_assert_eq(st->kept, 1);
    cr_assert_eq(ds_nregions(ds), 4);
    const char *want[] = {"Alpha", "Beta", "Zeta", "Ánh"};   /* byte order */
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(ds_region(ds, i), want[i]);
        cr_assert_str_eq(ds_str(ds, ds_region_id(ds, i)), want[i]);
    }
    cr_assert_null(ds_find(ds, "other", "Zeta", NULL));
}

Test(csv, spec_null_keeps_everything)
{
    cr_assert_eq(load_opts(HDR "x,A,2020,1\ny,A,2020,2\n", NULL, 1, 0), 0, "%s", diags());
    cr_assert_float_eq(at("y", "A", NULL, Y(2020)), 2, 0);
    cr_assert_eq(ds_get_stats(ds)->skipped, 0);
}

Test(csv, error_cap)
{
    size_t cap = 200 * 32 + 64;
    char *text = malloc(cap);
    size_t o = (size_t)sprintf(text, HDR);
    for (int i = 0; i < 150; i++)
        o += (size_t)sprintf(text + o, "stunting,A,%d,bad\n", 2000 + i);
    cr_assert_eq(load(text), -1);
    cr_assert_eq(sink.nerrors, 100);
    cr_assert_eq(sink.n, 101);
    cr_assert_str_eq(sink.items[99].msg, "bad number 'bad' in column 'value'");
    cr_assert_eq(sink.items[99].line, 101);
    cr_assert_str_eq(sink.items[100].msg, "too many errors, stopping");
    cr_assert_eq(sink.items[100].level, DIAG_NOTE);
    free(text);
}

Test(csv, diagnostics_carry_the_line_text_and_caret_run)
{
    cr_assert_eq(load(HDR "stunting,A,2020,abc\r\n"), -1);
    cr_assert_eq(sink.n, 1);
    cr_assert_str_eq(sink.items[0].line_text, "stunting,A,2020,abc");
    cr_assert_eq(sink.items[0].col, 17);
    cr_assert_eq(sink.items[0].end_col, 19);
}

Test(csv, cannot_open)
{
    cr_assert_eq(csv_load(ds, "/nonexistent/data.csv", &default_spec, &sink), -1);
    cr_assert_str_eq(diags(), "/nonexistent/data.csv:0:0: error: cannot open: No such file or directory\n");
}

static char *write_temp(const char *text, size_t len)
{
    static char path[64];
    strcpy(path, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

Test(csv, load_from_file_page_sized_without_newline)
{
    /* a file of exactly one page that ends in a number: the sentinel lies past the mapping */
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    char *text = malloc(pg + 1);
    size_t o = (size_t)sprintf(text, HDR);
    int year = 1000;
    while (o + 40 < pg)
        o += (size_t)sprintf(text + o, "stunting,A,%d,1\n", year++);
    int last = year;
    o += (size_t)sprintf(text + o, "stunting,A,%d,", year);
    while (o < pg)
        text[o++] = '7';
    char *path = write_temp(text, pg);
    cr_assert_eq(csv_load(ds, path, &default_spec, &sink), 0, "%s", diags());
    unlink(path);
    const ds_series *s = ds_find(ds, "stunting", "A", NULL);
    cr_assert_eq(s->n, (uint32_t)(last - 1000 + 1));
    cr_assert_eq(DS_PERIOD_YEAR(s->obs[s->n - 1].period), last);
    cr_assert_gt(s->obs[s->n - 1].value, 7.0);
    free(text);
}

Test(csv, huge_fields_do_not_crash, .timeout = 60)
{
    size_t big = 100u << 20;
    char *text = malloc(big + big / 4 + 128);
    size_t o = (size_t)sprintf(text, HDR "stunting,");
    memset(text + o, 'R', big);
    o += big;
    o += (size_t)sprintf(text + o, ",2020,1\nstunting,A,2020,");
    memset(text + o, '9', big / 4);
    o += big / 4;
    text[o++] = 'x';
    text[o++] = '\n';
    text[o] = '\0';
    cr_assert_eq(csv_load_mem(ds, "data.csv", text, o, &default_spec, &sink), -1);
    cr_assert_eq(sink.n, 1, "%s", diags());
    cr_assert_eq(sink.items[0].line, 3);
    cr_assert_eq(strncmp(sink.items[0].msg, "bad number '9999", 16), 0, "%s", sink.items[0].msg);
    cr_assert_lt(strlen(sink.items[0].msg), 120, "the quoted text is cut");
    free(text);
}

Test(csv, binary_garbage_never_crashes)
{
    unsigned seed = 12345;
    char buf[600];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof buf);
        size_t o = 0;
        if (iter % 2) {
            memcpy(buf, HDR, strlen(HDR));
            o = strlen(HDR);
        }
        const char alphabet[] = ",\"\n\r abc1.e-\xff\xc3\xa9\x00S2Q";
        for (; o < n; o++)
            buf[o] = iter % 3 ? alphabet[rand_r(&seed) % (sizeof alphabet - 1)] : (char)rand_r(&seed);
        dataset *d = ds_new();
        diag_sink s;
        diag_init(&s);
        csv_opts opts = {1 + iter % 3, 1, NULL};
        int rc = csv_load_mem_ex(d, "g.csv", buf, n, NULL, &opts, &s);
        cr_assert(rc == 0 || (rc == -1 && s.nerrors > 0), "rc %d with %d errors", rc, s.nerrors);
        cr_assert_leq(s.nerrors, 100);
        ds_free(d);
        diag_free(&s);
    }
}

/* ---- threads: the same results whatever the split ---- */

static char *make_data(size_t rows, int quoted_newlines)
{
    char *text = malloc(rows * 64 + 64);
    size_t o = (size_t)sprintf(text, "indicator,region,year,value,note\n");
    unsigned seed = 7;
    for (size_t i = 0; i < rows; i++) {
        int ind = (int)(i / 2000) % 3, reg = (int)(i / 10) % 200, year = 2000 + (int)(i % 10);
        const char *names[] = {"stunting", "u5mr", "other"};
        if (quoted_newlines && i % 7 == 3)
            o += (size_t)sprintf(text + o, "%s,R%03d,%d,%d.%02u,\"a\nb,\"\"c\"\"\n\"\n", names[ind], reg,
                                 year + 20 * (int)(i / 6000), (int)(rand_r(&seed) % 100), rand_r(&seed) % 100);
        else
            o += (size_t)sprintf(text + o, "%s,R%03d,%d,%d.%02u,\n", names[ind], reg,
                                 year + 20 * (int)(i / 6000), (int)(rand_r(&seed) % 100), rand_r(&seed) % 100);
    }
    return text;
}

static void compare_datasets(dataset *a, dataset *b)
{
    const ds_stats *sa = ds_get_stats(a), *sb = ds_get_stats(b);
    cr_assert_eq(sa->rows, sb->rows);
    cr_assert_eq(sa->kept, sb->kept);
    cr_assert_eq(sa->skipped, sb->skipped);
    cr_assert_eq(sa->dups, sb->dups);
    cr_assert_eq(ds_nregions(a), ds_nregions(b));
    const char *inds[] = {"stunting", "u5mr"};
    size_t nobs = 0;
    for (size_t r = 0; r < ds_nregions(a); r++) {
        cr_assert_str_eq(ds_region(a, r), ds_region(b, r));
        for (int i = 0; i < 2; i++) {
            const ds_series *x = ds_find(a, inds[i], ds_region(a, r), NULL);
            const ds_series *y = ds_find(b, inds[i], ds_region(a, r), NULL);
            cr_assert_eq(!x, !y);
            if (!x)
                continue;
            cr_assert_eq(x->n, y->n);
            for (uint32_t k = 0; k < x->n; k++) {
                cr_assert_eq(x->obs[k].period, y->obs[k].period);
                cr_assert_eq(x->obs[k].line, y->obs[k].line);
                cr_assert_eq(memcmp(&x->obs[k].value, &y->obs[k].value, sizeof(double)), 0);
                if (k)
                    cr_assert_lt(x->obs[k - 1].period, x->obs[k].period);
            }
            nobs += x->n;
        }
    }
    cr_assert_eq(nobs, sa->kept - sa->dups);
}

static void threads_agree(int quoted)
{
    char *text = make_data(20000, quoted);
    size_t len = strlen(text);
    dataset *one = ds_new();
    diag_sink s1;
    diag_init(&s1);
    csv_opts o1 = {1, 0, NULL};
    cr_assert_eq(csv_load_mem_ex(one, "d.csv", text, len, &default_spec, &o1, &s1), 0);
    for (int t = 2; t <= 8; t += 3) {
        for (size_t chunk = 1000; chunk <= 300000; chunk *= 17) {
            dataset *many = ds_new();
            diag_sink s2;
            diag_init(&s2);
            csv_opts o2 = {t, chunk, NULL};
            cr_assert_eq(csv_load_mem_ex(many, "d.csv", text, len, &default_spec, &o2, &s2), 0);
            compare_datasets(one, many);
            ds_free(many);
            diag_free(&s2);
        }
    }
    ds_free(one);
    diag_free(&s1);
    free(text);
}

Test(csv, threads_agree_with_one_thread) { threads_agree(0); }
Test(csv, threads_agree_across_quoted_newlines) { threads_agree(1); }

/* Spoil the year of the rows matching pattern, add a conflicting duplicate at the end, and
 * load with one thread and with several: the same diagnostics, in the same order. */
static void same_errors(const char *pattern, int min_errors)
{
    char *data = make_data(5000, 1);
    size_t len = strlen(data);
    char *text = malloc(len + 64);
    memcpy(text, data, len + 1);
    free(data);
    len += (size_t)sprintf(text + len, "stunting,R000,2000,123,\n");
    for (char *p = text; (p = strstr(p + 1, pattern)) != NULL;)
        p[strlen(pattern)] = 'X';
    char *one = NULL, *many = NULL;
    for (int pass = 0; pass < 2; pass++) {
        dataset *d = ds_new();
        diag_sink s;
        diag_init(&s);
        csv_opts o = {pass ? 4 : 1, pass ? 3000 : 0, NULL};
        cr_assert_eq(csv_load_mem_ex(d, "d.csv", text, len, &default_spec, &o, &s), -1);
        diag_sink keep = sink;
        sink = s;
        char *r = strdup(diags());
        sink = keep;
        if (pass)
            many = r;
        else
            one = r;
        cr_assert_geq(s.nerrors, min_errors);
        ds_free(d);
        diag_free(&s);
    }
    cr_assert_str_eq(many, one);
    free(one);
    free(many);
    free(text);
}

Test(csv, threads_report_the_same_errors)
{
    same_errors(",R017,", 20);
    same_errors(",2003,", 100);
}

/* ---- the dataset ---- */

Test(csv, ds_set_what_ifs)
{
    cr_assert_eq(load(HDR "stunting,B,2020,19.1\nstunting,B,2022,18\n"), 0);
    cr_assert_eq(ds_set(ds, "stunting", "B", NULL, Y(2021), 18.5), 0);
    const ds_series *s = ds_find(ds, "stunting", "B", NULL);
    cr_assert_eq(s->n, 3);
    cr_assert_float_eq(s->obs[1].value, 18.5, 0);
    cr_assert_eq(s->obs[1].line, 0);
    cr_assert_eq(ds_set(ds, "stunting", "B", "", Y(2020), 17), 0);
    cr_assert_float_eq(at("stunting", "B", NULL, Y(2020)), 17, 0);
    cr_assert_eq(ds_latest_year(ds), 2022);
    cr_assert_eq(ds_set(ds, "stunting", "B", NULL, Y(2030), 10), 0);
    cr_assert_eq(ds_latest_year(ds), 2030);
    cr_assert_eq(ds_set(ds, "stunting", "B", NULL, Y(2030), NAN), 0, "NaN removes");
    cr_assert_eq(ds_latest_year(ds), 2022);
    cr_assert_eq(ds_find(ds, "stunting", "B", NULL)->n, 3);
    cr_assert_eq(ds_set(ds, "stunting", "B", NULL, Y(2031), NAN), 0, "removing nothing is fine");
    cr_assert_eq(ds_set(ds, "stunting", "A", "area=rural", Y(2020), 5), 0);
    cr_assert_eq(ds_nregions(ds), 2);
    cr_assert_str_eq(ds_region(ds, 0), "A");
    cr_assert_float_eq(at("stunting", "A", "area=rural", Y(2020)), 5, 0);
    for (int y = 1990; y < 2020; y++)   /* grows past the shared storage */
        cr_assert_eq(ds_set(ds, "stunting", "B", NULL, Y(y), y), 0);
    s = ds_find(ds, "stunting", "B", NULL);
    cr_assert_eq(s->n, 33);
    for (uint32_t i = 1; i < s->n; i++)
        cr_assert_lt(s->obs[i - 1].period, s->obs[i].period);
    cr_assert_eq(ds_set(ds, "stunting", "B", NULL, 0, 1), -1, "an invalid period");
}

Test(csv, interning)
{
    cr_assert_str_eq(ds_str(ds, 0), "");
    uint32_t a = ds_intern(ds, "Hà Nội", strlen("Hà Nội"));
    uint32_t b = ds_intern(ds, "Hà Nội!", 7);   /* a prefix of the bytes, not the same */
    cr_assert_neq(a, 0);
    cr_assert_eq(ds_intern(ds, "Hà Nội", strlen("Hà Nội")), a);
    cr_assert_eq(ds_intern(ds, "Hà Nội!", 7), b);
    uint32_t id;
    cr_assert_eq(ds_lookup_str(ds, "Hà Nội", strlen("Hà Nội"), &id), 1);
    cr_assert_eq(id, a);
    cr_assert_eq(ds_lookup_str(ds, "nope", 4, &id), 0);
    cr_assert_str_eq(ds_str(ds, a), "Hà Nội");
    cr_assert_null(ds_str(ds, 999999));
}

Test(csv, many_columns_fall_back_to_hashing)
{
    /* 5000 indicators x 2 regions: more dense columns than the budget allows */
    size_t cap = 5000 * 2 * 40 + 64;
    char *text = malloc(cap);
    size_t o = (size_t)sprintf(text, HDR);
    for (int i = 0; i < 5000; i++)
        for (int r = 0; r < 2; r++)
            o += (size_t)sprintf(text + o, "i%d,R%d,2020,%d\n", i, (i * 7 + r) % 6000, i + r);
    cr_assert_eq(load_opts(text, NULL, 1, 0), 0, "%s", diags());
    for (int i = 0; i < 5000; i++)
        for (int r = 0; r < 2; r++) {
            char ind[16], reg[16];
            sprintf(ind, "i%d", i);
            sprintf(reg, "R%d", (i * 7 + r) % 6000);
            cr_assert_float_eq(at(ind, reg, NULL, Y(2020)), i + r, 0, "%s %s", ind, reg);
        }
    cr_assert_null(ds_find(ds, "i1", "R0", NULL));
    free(text);
}

Test(csv, unsorted_rows_are_grouped)
{
    cr_assert_eq(load(HDR "stunting,B,2022,3\nstunting,A,2020,1\nstunting,B,2020,4\n"
                          "u5mr,A,2021,9\nstunting,A,2021,2\nstunting,B,2021,5\n"), 0, "%s", diags());
    const ds_series *a = ds_find(ds, "stunting", "A", NULL), *b = ds_find(ds, "stunting", "B", NULL);
    cr_assert_eq(a->n, 2);
    cr_assert_eq(b->n, 3);
    cr_assert_float_eq(b->obs[0].value, 4, 0);
    cr_assert_float_eq(b->obs[1].value, 5, 0);
    cr_assert_float_eq(b->obs[2].value, 3, 0);
    cr_assert_eq(b->obs[2].line, 2);
    cr_assert_float_eq(a->obs[1].value, 2, 0);
}

Test(csv, two_loads_merge)
{
    cr_assert_eq(load(HDR "stunting,A,2020,1\n"), 0);
    cr_assert_eq(load(HDR "stunting,A,2021,2\nstunting,B,2021,3\n"), 0, "%s", diags());
    cr_assert_eq(ds_find(ds, "stunting", "A", NULL)->n, 2);
    cr_assert_eq(ds_nregions(ds), 2);
    cr_assert_eq(ds_get_stats(ds)->rows, 3, "stats of all loads");
    ds_stats st;
    cr_assert_eq(ds_nfiles(ds), 2);
    cr_assert_str_eq(ds_file(ds, 1, &st), "data.csv");
    cr_assert_eq(st.rows, 2, "stats of the second file");
}

/* ---- strmap ---- */

Test(strmap, basics_and_random_operations)
{
    strmap m;
    strmap_init(&m);
    uint32_t v;
    cr_assert_eq(strmap_get(&m, "a", 1, &v), 0);
    cr_assert_eq(strmap_remove(&m, "a", 1), 0);
    cr_assert_eq(strmap_put(&m, "", 0, 7), 0);
    cr_assert_eq(strmap_get(&m, "", 0, &v), 1);
    cr_assert_eq(v, 7);
    cr_assert_eq(strmap_intern(&m, "", 0, 9, &v), 1);
    cr_assert_eq(v, 7);
    /* against a plain array as the reference */
    enum { N = 3000 };
    static char keys[N][12];
    static int present[N];
    static uint32_t vals[N];
    for (int i = 0; i < N; i++)
        snprintf(keys[i], sizeof keys[i], "k%d", i * 31);
    unsigned seed = 99;
    for (int step = 0; step < 200000; step++) {
        int i = rand_r(&seed) % N, op = rand_r(&seed) % 3;
        size_t len = strlen(keys[i]);
        if (op == 0) {
            uint32_t nv = (uint32_t)step;
            cr_assert_eq(strmap_put(&m, keys[i], len, nv), 0);
            present[i] = 1;
            vals[i] = nv;
        } else if (op == 1) {
            cr_assert_eq(strmap_remove(&m, keys[i], len), present[i]);
            present[i] = 0;
        } else {
            int found = strmap_get(&m, keys[i], len, &v);
            cr_assert_eq(found, present[i], "key %s", keys[i]);
            if (found)
                cr_assert_eq(v, vals[i]);
        }
    }
    size_t count = 1;   /* "" */
    for (int i = 0; i < N; i++)
        count += (size_t)present[i];
    cr_assert_eq(strmap_count(&m), count);
    size_t it = 0, seen = 0, n;
    const char *k;
    while (strmap_next(&m, &it, &k, &n, &v))
        seen++;
    cr_assert_eq(seen, count);
    strmap_free(&m);
    cr_assert_eq(strmap_count(&m), 0);
}

Test(strmap, hash_depends_on_every_byte)
{
    char a[40], b[40];
    for (size_t len = 1; len < 40; len++)
        for (size_t i = 0; i < len; i++) {
            memset(a, 'x', sizeof a);
            memcpy(b, a, sizeof b);
            b[i] = 'y';
            cr_assert_neq(strmap_hash(a, len), strmap_hash(b, len), "len %zu byte %zu", len, i);
        }
    cr_assert_neq(strmap_hash("ab", 2), strmap_hash("ab\0", 3));
}

/* ---- numbers ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void check_parse(const char *s)
{
    double got, want = strtod(s, NULL);
    int rc = ds_parse_number(s, strlen(s), &got);
    size_t mant = strcspn(s, "eE");   /* underflow: nonzero digits that become 0 */
    int underflow = want == 0 && strcspn(s, "123456789") < mant;
    if (!isfinite(want) || underflow) {
        cr_assert_eq(rc, -1, "%s: overflow and underflow to 0 are errors", s);
        return;
    }
    cr_assert_eq(rc, 0, "%s", s);
    cr_assert_eq(memcmp(&got, &want, sizeof got), 0, "%s: %.17g vs strtod %.17g", s, got, want);
}

/* Rounds of the randomised loops: tests/valgrind.sh sets PLANCHECK_TEST_QUICK, and then 1%
 * of them run (enough to find memory errors; the exhaustive runs are `make check`'s). */
static int rounds(int n) { return getenv("PLANCHECK_TEST_QUICK") ? n / 100 + 1 : n; }

Test(numbers, parse_number_matches_strtod, .timeout = 60)
{
    char s[80];
    for (int i = 0; i < rounds(1000000); i++) {
        uint64_t r = rng();
        int ndig = 1 + (int)(r % 22), point = (int)((r >> 8) % (uint64_t)(ndig + 1));
        size_t o = 0;
        if ((r >> 16) % 4 == 0)
            s[o++] = '-';
        for (int d = 0; d < ndig; d++) {
            if (d == point && d > 0)
                s[o++] = '.';
            s[o++] = (char)('0' + rng() % 10);
        }
        if ((r >> 20) % 5 == 0)
            o += (size_t)sprintf(s + o, "e%d", (int)((r >> 24) % 80) - 40);
        s[o] = '\0';
        check_parse(s);
    }
    /* the printed forms of random doubles, and values with 2 decimals */
    for (int i = 0; i < rounds(300000); i++) {
        uint64_t bits = rng();
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        snprintf(s, sizeof s, "%.17g", x);
        check_parse(s);
        snprintf(s, sizeof s, "%.2f", (double)(rng() % 20000000) / 100);
        check_parse(s);
    }
    const char *edge[] = {"0", "-0", "0.0", "00012.5000", ".5", "5.", "+2", "1e22", "1e23", "9007199254740993",
                          "9007199254740992", "123456789012345678901234567890", "1e-400", "4.9e-324",
                          "2.2250738585072011e-308", "1.7976931348623157e308", "0.1", "0.3",
                          "1E5", "1e+05", "7e-22", "0.00000000000000000000000000000000000000000001"};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        check_parse(edge[i]);
    double v;
    cr_assert_eq(ds_parse_number("-0", 2, &v), 0);
    cr_assert(signbit(v));
    const char *bad[] = {"", "-", "+", ".", "e5", "1e", "1e+", "nan", "NaN", "inf", "-Inf", "infinity",
                         "0x1A", "1,5", " 1", "1 ", "1.2.3", "1e999", "--1", "1-", "abc", "1e5.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(ds_parse_number(bad[i], strlen(bad[i]), &v), -1, "'%s'", bad[i]);
    cr_assert_eq(ds_parse_number("12", 1, &v), 0, "only n bytes are read");
    cr_assert_float_eq(v, 1, 0);
}

static void check_fixed6(double x)
{
    char want[400], got[NUMFMT_MAX];
    snprintf(want, sizeof want, "%.6f", x);
    if (strcmp(want, "-0.000000") == 0)
        strcpy(want, "0.000000");
    int n = numfmt_fixed6(x, got);
    cr_assert_str_eq(got, want, "x = %a", x);
    cr_assert_eq(n, (int)strlen(want));
}

Test(numbers, fixed6_matches_printf, .timeout = 120)
{
    for (int i = 0; i < rounds(1000000); i++) {   /* random bits: every magnitude */
        uint64_t bits = rng();
        double x;
        memcpy(&x, &bits, sizeof x);
        check_fixed6(x);
    }
    for (int i = 0; i < rounds(1000000); i++) {   /* ordinary magnitudes */
        double x = ((double)(rng() >> 11) / 9007199254740992.0 - 0.5) * pow(10, (double)(rng() % 14) - 6);
        check_fixed6(x);
    }
    for (int i = 0; i < rounds(1000000); i++) {   /* ties and their neighbours */
        double x = ((double)(rng() % 100000000000ULL) + 0.5) / 1e6;
        if (rng() & 1)
            x = -x;
        check_fixed6(x);
        check_fixed6(nextafter(x, 0));
        check_fixed6(nextafter(x, INFINITY));
    }
    double edge[] = {0.0, -0.0, 0.5e-6, -0.5e-6, 1.5e-6, 2.5e-6, 0.0000005, 0.0000015, -0.0000004,
                     4503599627.370496, 4503599627.3704958, 4503599627.370497, 1e300, -1e300,
                     5e-324, 0.125, 2.675, 1.0000005, 999999.9999995, -999999.9999995};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        check_fixed6(edge[i]);
    char buf[NUMFMT_MAX];
    numfmt_fixed6(-0.0000001, buf);
    cr_assert_str_eq(buf, "0.000000");
    numfmt_fixed6(-0.0, buf);
    cr_assert_str_eq(buf, "0.000000");
    numfmt_fixed6(NAN, buf);
    cr_assert(strstr(buf, "nan") != NULL);
}

Test(numbers, fixed_matches_printf)
{
    char want[400], got[NUMFMT_MAX];
    for (int d = 0; d <= 12; d++)
        for (int i = 0; i < 100000; i++) {
            double x = ((double)(rng() >> 11) / 9007199254740992.0 - 0.5) * pow(10, (double)(rng() % 12) - 3);
            if (i % 3 == 0)
                x = ((double)(rng() % 1000000) + 0.5) / pow(10, d);
            snprintf(want, sizeof want, "%.*f", d, x);
            if (want[0] == '-' && strspn(want + 1, "0.") == strlen(want + 1))
                memmove(want, want + 1, strlen(want));
            numfmt_fixed(x, d, got);
            cr_assert_str_eq(got, want, "x = %a, %d decimals", x, d);
        }
    numfmt_fixed(1.25, -3, got);
    cr_assert_str_eq(got, "1");
    numfmt_fixed(1.25, 99, got);
    cr_assert_str_eq(got, "1.25000000000000000000");
}

Test(numbers, shortest_round_trips)
{
    char buf[NUMFMT_MAX];
    for (int i = 0; i < 300000; i++) {
        uint64_t bits = rng();
        double x;
        memcpy(&x, &bits, sizeof x);
        if (i % 2)
            x = (double)(rng() % 1000000) / 100;
        if (!isfinite(x))
            continue;
        numfmt_shortest(x, buf);
        cr_assert_eq(strtod(buf, NULL), x, "%s vs %.17g", buf, x);
        cr_assert_leq(strlen(buf), 32);
    }
    struct { double x; const char *s; } cases[] = {
        {19.1, "19.1"}, {0.001, "0.001"}, {1234567, "1234567"}, {-2.5, "-2.5"}, {0.1 + 0.2, "0.30000000000000004"},
        {1e20, "100000000000000000000"}, {1e21, "1e+21"}, {1.5e-8, "1.5e-08"}, {1e-7, "0.0000001"},
        {-0.0, "0"}, {100, "100"}, {123.456, "123.456"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = numfmt_shortest(cases[i].x, buf);
        cr_assert_str_eq(buf, cases[i].s);
        cr_assert_eq(n, (int)strlen(cases[i].s));
    }
    numfmt_shortest(NAN, buf);
    cr_assert_str_eq(buf, "nan");
    numfmt_shortest(-INFINITY, buf);
    cr_assert_str_eq(buf, "-inf");
}

Test(numbers, c_locale_strtod)
{
    char *end;
    cr_assert_float_eq(numfmt_strtod("2.5x", &end), 2.5, 0);
    cr_assert_eq(*end, 'x');
}

/* ---- out of memory: every allocation failing in turn, never a crash or a leak ---- */

Test(csv, allocation_failures_are_errors)
{
    const char *text = "indicator,region,year,value,area,unit\n"
                       "stunting,A,2020,1,,%\nstunting,A,2021,2,rural,%\nstunting,B,2020,3,,\n"
                       "u5mr,B,2020Q1,4,,\nother,C,2020,5,,\nstunting,A,2021,9,rural,%\n"
                       "stunting,B,2019,\"7\",,\nstunting,A,1999,x,,\n";
    int failures = 0;
    for (int threads = 1; threads <= 3; threads += 2)
        for (long n = 1; n < 400; n++) {
            pc_mem_fail_after(n);
            dataset *d = ds_new();
            diag_sink s;
            diag_init(&s);
            int rc = -1;
            if (d) {
                csv_opts o = {threads, 16, NULL};
                rc = csv_load_mem_ex(d, "data.csv", text, strlen(text), &default_spec, &o, &s);
            }
            pc_mem_fail_after(0);
            cr_assert_eq(rc, -1, "the file has errors, whatever fails (threads %d, n %ld)", threads, n);
            failures += d && s.nerrors == 0 && !s.oom;
            ds_free(d);
            diag_free(&s);
        }
    cr_assert_eq(failures, 0, "a failed load always says something");
}

/* Underflow to zero is an error, never a silent 0 (issue 11); 0 written as such is fine. */
Test(numbers, underflow_is_an_error)
{
    double v = 1;
    cr_expect_eq(ds_parse_number("1e-400", 6, &v), -1);
    cr_expect_eq(ds_parse_number("-2.5e-999", 9, &v), -1);
    cr_expect_eq(ds_parse_number("0e-400", 6, &v), 0);
    cr_expect_eq(v, 0);
    cr_expect_eq(ds_parse_number("0.000", 5, &v), 0);
    cr_expect_eq(ds_parse_number("1e-300", 6, &v), 0);
    cr_expect(v > 0);
}

/* ---- mapping onto the plan (DESIGN.md §3) ---- */

static const char *const wdi_codes[] = {"SH.STA.STNT.ZS", "sh_sta_stnt_zs"};
static const char *const area_dim[] = {"area"};
static const ds_spec_ind plan_inds[] = {
    {"stunting", "%", wdi_codes, 2, DS_AGG_NONE},
    {"births", "", NULL, 0, DS_AGG_SUM},
    {"rate", "%", NULL, 0, DS_AGG_MEAN},
    {"obesity", "%", NULL, 0, DS_AGG_NONE},
};
static const ds_spec plan_spec = {plan_inds, 4, 1, area_dim, 1};

static int load_plan(const char *text) { return load_opts(text, &plan_spec, 1, 0); }

Test(csv, codes_map_rows_onto_the_indicator)
{
    cr_assert_eq(load_plan(HDR "SH.STA.STNT.ZS,A,2020,19\nsh_sta_stnt_zs,A,2021,18\nstunting,A,2022,17\n"
                               "SH.XPD.CHEX.GD.ZS,A,2020,5\n"), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "A", NULL, Y(2020)), 19, 0);
    cr_assert_float_eq(at("stunting", "A", NULL, Y(2021)), 18, 0);
    cr_assert_eq(ds_find(ds, "SH.STA.STNT.ZS", "A", NULL), NULL, "stored under the plan's name");
    cr_assert_eq(ds_get_stats(ds)->skipped, 1);
    cr_assert_eq(ds_nindicators(ds), 4, "every indicator cell seen, kept or not");
    cr_assert_str_eq(ds_indicator(ds, 0), "SH.STA.STNT.ZS");
}

Test(csv, a_code_and_the_name_for_one_key_collide)
{
    cr_assert_eq(load_plan(HDR "SH.STA.STNT.ZS,A,2020,19\nstunting,A,2020,18\n"), -1);
    cr_assert_str_eq(diags(), "data.csv:3:0: error: duplicate value for stunting, A, 2020: 18 here, 19 at line 2\n");
}

Test(csv, sub_annual_without_aggregate_is_one_error_per_indicator)
{
    cr_assert_eq(load_plan(HDR "stunting,A,2020,19\nstunting,A,2021-06,18\nstunting,A,2021-12,17\n"), -1);
    cr_assert_str_eq(diags(), "data.csv:3:0: error: indicator 'stunting' has data for parts of a year here, and the "
                              "plan does not say how they make a year's value: add 'aggregate sum' (counts), "
                              "'aggregate mean' (rates) or 'aggregate last' (the year-end reading) to its "
                              "declaration\n");
}

Test(csv, aggregate_sum_and_mean)
{
    char buf[4096];
    size_t o = snprintf(buf, sizeof buf, HDR);
    for (int m = 1; m <= 12; m++)   /* 2023: every month (DHIS2 periods); 2024: six */
        o += snprintf(buf + o, sizeof buf - o, "births,A,2023%02d,%d\n", m, m);
    for (int m = 1; m <= 6; m++)
        o += snprintf(buf + o, sizeof buf - o, "births,A,2024-%02d,10\n", m);
    o += snprintf(buf + o, sizeof buf - o, "rate,A,2024Q1,10\nrate,A,2024Q2,20\nrate,A,2022,7\n"
                                           "births,B,2022,500\nbirths,B,2022Q1,1\n");
    cr_assert_eq(load_plan(buf), 0, "%s", diags());
    int years[8];
    double vals[8];
    const ds_series *s = ds_find(ds, "births", "A", NULL);
    cr_assert_eq(ds_annual(s, INT32_MAX, years, vals, 8), 1, "2024 has 6 of 12 months: no sum");
    cr_assert_eq(years[0], 2023);
    cr_assert_float_eq(vals[0], 78, 0);
    const ds_series *ex = NULL;
    int y = 0, have = 0, need = 0;
    cr_assert_eq(ds_incomplete(ds, "births", &ex, &y, &have, &need), 1);
    cr_assert_eq(y, 2024);
    cr_assert_eq(have, 6);
    cr_assert_eq(need, 12);
    s = ds_find(ds, "rate", "A", NULL);
    cr_assert_eq(ds_annual(s, INT32_MAX, years, vals, 8), 2);
    cr_assert_float_eq(vals[1], 15, 0, "mean of the quarters");
    s = ds_find(ds, "births", "B", NULL);
    cr_assert_eq(ds_annual(s, INT32_MAX, years, vals, 8), 1);
    cr_assert_float_eq(vals[0], 500, 0, "an annual row wins over the year's parts");
}

Test(csv, undeclared_columns_are_annotations)
{
    cr_assert_eq(load_plan("indicator,region,year,value,ghi chú,Area\n"
                           "obesity,A,2020,4,,\nobesity,A,2021,5,sửa lại,\nobesity,A,2021,3,,rural\n"),
                 0, "%s", diags());
    cr_assert_float_eq(at("obesity", "A", NULL, Y(2021)), 5, 0, "a note does not split the series");
    cr_assert_float_eq(at("obesity", "A", "area=rural", Y(2021)), 3, 0, "'Area' is the plan's 'area'");
}

Test(csv, rows_differing_only_in_an_annotation_name_it)
{
    cr_assert_eq(load_plan("indicator,region,year,value,sex\nobesity,A,2020,4,f\nobesity,A,2020,5,m\n"), -1);
    cr_assert_str_eq(diags(), "data.csv:3:0: error: duplicate value for obesity, A, 2020: 5 here, 4 at line 2; "
                              "the rows differ only in column 'sex' ('m' here, 'f' there), which the plan "
                              "does not declare as a dimension: if it divides the data, add 'dimensions sex' "
                              "to the indicator\n");
}

Test(csv, semicolon_separator_and_header_case)
{
    cr_assert_eq(load_plan("Indicator;Region;Year;Value\nstunting;\"A;B\";2020;19.5\n"), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "A;B", NULL, Y(2020)), 19.5, 0);
}

Test(csv, regions_compare_in_nfc)
{
    /* "Hà" decomposed (a + combining grave) in the file, precomposed in the lookup */
    cr_assert_eq(load_plan(HDR "stunting,Ha\xcc\x80 Nam,2020,19\nobesity,Ha\xcc\x80 Nam,2020,4\n"), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "H\xc3\xa0 Nam", NULL, Y(2020)), 19, 0);
    cr_assert_eq(ds_nregions(ds), 1);
    cr_assert_str_eq(ds_region(ds, 0), "H\xc3\xa0 Nam");
}

Test(csv, two_files_with_different_values_name_both)
{
    cr_assert_eq(csv_load_mem_ex(ds, "a.csv", HDR "stunting,A,2020,19\n", strlen(HDR) + 19, &plan_spec, NULL, &sink), 0);
    const char *b = HDR "stunting,A,2021,18\nstunting,A,2020,20\n";
    cr_assert_eq(csv_load_mem_ex(ds, "b.csv", b, strlen(b), &plan_spec, NULL, &sink), -1);
    cr_assert_str_eq(diags(), "b.csv:3:0: error: conflicting value for stunting, A, 2020: 20 here, 19 in a.csv:2\n");
}

Test(csv, utf16_with_a_bom)
{
    const char *u8 = HDR "stunting,Bắc Giang,2020,19\n";
    char buf[256];
    size_t n = 0;
    buf[n++] = (char)0xFF;
    buf[n++] = (char)0xFE;
    for (const unsigned char *p = (const unsigned char *)u8; *p;) {   /* UTF-8 -> UTF-16LE (BMP) */
        unsigned cp = *p < 0x80 ? *p++ : 0;
        if (!cp && (*p & 0xE0) == 0xC0) {
            cp = (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu);
            p += 2;
        } else if (!cp) {
            cp = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
            p += 3;
        }
        buf[n++] = (char)(cp & 0xFF);
        buf[n++] = (char)(cp >> 8);
    }
    cr_assert_eq(csv_load_mem_ex(ds, "u16.csv", buf, n, &plan_spec, NULL, &sink), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "Bắc Giang", NULL, Y(2020)), 19, 0);
}

Test(csv, dotted_thousands_show_the_reading)
{
    expect_error(HDR "births,A,2020,1.234.567\nbirths,A,2021,70.000\nbirths,A,2022,0.000\nbirths,A,2023,1.125\n",
                 "data.csv:2:15: error: '1.234.567' in column 'value' is written with dots between thousands: "
                 "it reads as 1234567; write 1234567 (no thousands separators, '.' only as the decimal point)\n"
                 "data.csv:3:15: error: '70.000' in column 'value' reads as 70 with a decimal point, or as "
                 "70000 with a dot between thousands; write 70 or 70000\n");
}

/* ---- the CSV-shaped formats (import_layout.c) ---- */

static const char *const stunt_codes[] = {"NT_ANT_HAZ_NE2_MOD", "SH_STA_STNTN", "SH.STA.STNT.ZS", "f7n9E0hX8qk"};
static const char *const sex_dim[] = {"sex"};
static const ds_spec_ind fmt_inds[] = {{"stunting", "%", stunt_codes, 4, DS_AGG_MEAN}};
static const ds_spec fmt_spec = {fmt_inds, 1, 1, sex_dim, 1};

static int load_fmt(const char *text, const char *format)
{
    csv_opts o = {1, 0, format};
    return csv_load_mem_ex(ds, "f.csv", text, strlen(text), &fmt_spec, &o, &sink);
}

Test(csv, sdmx_csv_with_labels)
{
    cr_assert_eq(load_fmt("DATAFLOW,REF_AREA:Geographic area,INDICATOR:Indicator,SEX:Sex,AGE:Current age,"
                          "TIME_PERIOD:Time period,OBS_VALUE:Observation Value,UNIT_MEASURE:Unit of measure,"
                          "OBS_STATUS:Observation Status\n"
                          "UNICEF:GLOBAL_DATAFLOW(1.0),VNM: Viet Nam,NT_ANT_HAZ_NE2_MOD: Height-for-age <-2 SD,"
                          "_T: Total,Y0T4: Under 5 years old,2020,19.6,PCNT: %,A: Normal value\n"
                          "UNICEF:GLOBAL_DATAFLOW(1.0),VNM: Viet Nam,NT_ANT_HAZ_NE2_MOD: Height-for-age <-2 SD,"
                          "F: Female,_T: Total,2020-Q1,18.1,PCNT: %,A: Normal value\n", NULL),
                 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "VNM", "AGE=Y0T4", Y(2020)), 19.6, 0, "AGE is a format dimension");
    cr_assert_float_eq(at("stunting", "VNM", "sex=F", ds_period_make(2020, DS_QUARTER, 1)), 18.1, 0,
                       "SEX is the plan's 'sex'; _T is the total");
}

Test(csv, sdg_database_csv)
{
    cr_assert_eq(load_fmt("Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,"
                          "Value,Time_Detail,Source,FootNote,[Age],[Location],[Nature],[Sex],[Units]\n"
                          "2,2.2,2.2.1,SH_STA_STNTN,Proportion of children moderately or severely stunted (%),"
                          "704,Viet Nam,2020,19.6,2020,MICS,,ALLAGE,ALLAREA,C,BOTHSEX,PERCENT\n"
                          "2,2.2,2.2.1,SH_STA_STNTN,Proportion,704,Viet Nam,2020,23.1,2020,MICS,,ALLAGE,RURAL,C,"
                          "BOTHSEX,PERCENT\n", NULL), 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "Viet Nam", NULL, Y(2020)), 19.6, 0);
    cr_assert_float_eq(at("stunting", "Viet Nam", "Location=RURAL", Y(2020)), 23.1, 0);
}

Test(csv, dhis2_data_value_set_csv)
{
    cr_assert_eq(load_fmt("dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,"
                          "comment,followup\n"
                          "f7n9E0hX8qk,202401,DiszpKrYNg8,HllvX50cXC0,HllvX50cXC0,20,admin,2024-02-01,,false\n"
                          "f7n9E0hX8qk,202402,DiszpKrYNg8,HllvX50cXC0,HllvX50cXC0,18,admin,2024-03-01,ok,false\n"
                          "f7n9E0hX8qk,2024Q1,DiszpKrYNg8,pq2XI5kz2BY,HllvX50cXC0,5,admin,2024-03-01,,false\n", NULL),
                 0, "%s", diags());
    int years[4];
    double vals[4];
    cr_assert_eq(ds_annual(ds_find(ds, "stunting", "DiszpKrYNg8", NULL), INT32_MAX, years, vals, 4), 1);
    cr_assert_float_eq(vals[0], 19, 0, "the mean of the months; the default combination is the total");
    cr_assert_not_null(ds_find(ds, "stunting", "DiszpKrYNg8", "categoryOptionCombo=pq2XI5kz2BY"));
}

Test(csv, world_bank_wide)
{
    cr_assert_eq(load_fmt("economy,year,SH.STA.STNT.ZS,SP.DYN.IMRT.IN\nVNM,2015,24.6,17.5\nVNM,2020,19.6,\n", NULL),
                 0, "%s", diags());
    cr_assert_float_eq(at("stunting", "VNM", NULL, Y(2015)), 24.6, 0);
    cr_assert_float_eq(at("stunting", "VNM", NULL, Y(2020)), 19.6, 0);
    cr_assert_eq(ds_get_stats(ds)->skipped, 2, "the other indicator's cells");
    cr_assert_eq(ds_get_stats(ds)->rows, 4, "a cell is a row read");
}

Test(csv, format_asked_for_and_missing_columns)
{
    cr_assert_eq(load_fmt("indicator,region,year,value\nstunting,A,2020,1\n", "sdmx"), -1);
    cr_assert_str_eq(diags(), "f.csv:1:0: error: missing columns 'REF_AREA', 'TIME_PERIOD', "
                              "'OBS_VALUE' in the header of a sdmx file\n");
    diag_clear(&sink);
    cr_assert_eq(load_fmt("economy,year\nVNM,2020\n", NULL), -1);
    cr_assert_str_eq(diags(), "f.csv:1:0: error: no indicator columns after 'economy' and 'year' in a wide file\n");
}

Test(csv, wide_bad_value_names_its_column)
{
    /* found by fuzz_layouts: a wide file has no value column to name */
    cr_assert_eq(load_fmt("economy,year,SH.STA.STNT.ZS\nVNM,2015,abc\n", NULL), -1);
    cr_assert_str_eq(diags(), "f.csv:2:10: error: bad number 'abc' in column 'SH.STA.STNT.ZS'\n");
}
