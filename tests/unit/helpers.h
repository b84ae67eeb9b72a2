/* helpers.h — shared by the unit tests: parse and check text, and render diagnostics to
 * a string so that tests can assert on exact messages. */
#ifndef PC_TEST_HELPERS_H
#define PC_TEST_HELPERS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "mem.h"
#include "parse.h"
#include "resolve.h"

/* Render every diagnostic of the sink (no colour) into a malloc'd string. */
static inline char *th_diags(const diag_sink *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_print(f, d, 0);
    fclose(f);
    return buf;
}

/* Parse text as "t.plan"; *out gets the rendered diagnostics (caller frees). */
static inline ast_file *th_parse(const char *text, char **out)
{
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("t.plan", text, strlen(text), 0, PARSE_FILE, &d, NULL);
    if (out)
        *out = th_diags(&d);
    diag_free(&d);
    return f;
}

/* Parse and check; returns the number of errors (parse + check) and the diagnostics. */
static inline int th_check(const char *text, char **out)
{
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("t.plan", text, strlen(text), 0, PARSE_FILE, &d, NULL);
    int n = f ? f->nerrors : 1;
    if (f && !f->nerrors) {
        int ne = 0;
        pc_plan *p = resolve_plan(&f, 1, &d, &ne);
        n = p ? ne : 1;
        resolve_free(p);
    }
    if (out)
        *out = th_diags(&d);
    diag_free(&d);
    ast_file_free(f);
    return n;
}

/* Does haystack contain needle? (for messages) */
static inline int th_has(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle) != NULL;
}
#endif
