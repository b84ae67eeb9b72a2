/* fuzz_parse.c — libFuzzer target: arbitrary bytes through the lexer, parser, checker and
 * fmt. Must never crash, hang or leak; and whenever a file parses, fmt's output must parse
 * again without errors and format to itself (idempotence). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fmt.h"
#include "mem.h"
#include "parse.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_sink d;
    diag_init(&d);
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
