/* fuzz_parse.c — libFuzzer target: arbitrary bytes through the lexer, parser, checker and
 * fmt. Must never crash, hang or leak; and whenever a file parses, fmt's output must parse
 * again without errors and format to itself (idempotence). The REPL's line scan
 * (incomplete.c) may call the input surely unfinished only when it does not parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fmt.h"
#include "mem.h"
#include "parse.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as REPL lines: if the scan says "surely unfinished", the entry must not parse
 * (else the REPL would hold back a complete entry). */
static void check_scan(const char *text, size_t size, diag_sink *d)
{
    entry_scan st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < size;) {
        const char *nl = memchr(text + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : size - i;
        const char *nul = memchr(text + i, '\0', n);
        entry_scan_line(&st, text + i, nul ? (size_t)(nul - (text + i)) : n);   /* the REPL's C string */
        i += n + 1;
    }
    if (!entry_scan_unfinished(&st) || memchr(text, '\0', size))
        return;
    ast_file *f = parse_text("<repl>", text, size, 0, PARSE_REPL, d, NULL);
    if (f && f->nerrors == 0)
        abort();   /* the scan held back an entry that is complete */
    ast_file_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_sink d;
    diag_init(&d);
    check_scan((const char *)data, size, &d);
    ast_file *f = parse_text("fuzz.plan", (const char *)data, size, 0, PARSE_FILE, &d, NULL);
    if (f && f->nerrors == 0) {
        int ne = 0;
        pc_plan *p = resolve_plan(&f, 1, &d, &ne);
        resolve_free(p);
        size_t n1 = 0;
        char *once = fmt_render(f, &n1);
        if (once) {
            ast_file *g = parse_text("fuzz.plan", once, n1, 0, PARSE_FILE, &d, NULL);
            if (g) {
                if (g->nerrors)
                    abort();   /* fmt wrote something that does not parse */
                size_t n2 = 0;
                char *twice = fmt_render(g, &n2);
                if (twice && (n1 != n2 || memcmp(once, twice, n1) != 0))
                    abort();   /* fmt is not idempotent */
                pc_free(twice);
                ast_file_free(g);
            }
            pc_free(once);
        }
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out) {
        diag_print(out, &d, 0);
        fclose(out);
        free(buf);
    }
    ast_file_free(f);
    diag_free(&d);
    return 0;
}
