/* incomplete.c — is a REPL entry unfinished? Answered the way Lua's incomplete() does: parse
 * it, and call it unfinished when the first syntax error is at the end of the input. It
 * decides nothing else and prints nothing (the diagnostics go to a scratch sink). */
#include "parse.h"
#include <string.h>

/* The parser's message for a syntax error at the end of the input (parser.y). */
#define EOF_MSG "unexpected end of input"

int parse_incomplete(const char *text, size_t len)
{
    diag_sink d;
    diag_init(&d);
    ast_file *f = parse_text("<input>", text, len, 0, PARSE_REPL, &d, NULL);
    int incomplete = 0;
    if (f && f->nerrors) {
        /* The first error decides: one earlier in the text is a real error, to be reported
         * now rather than after more lines. An unterminated string is reported at once too:
         * a string must end on its line, so more lines could never finish it. */
        for (size_t i = 0; i < d.n; i++) {
            if (d.items[i].level != DIAG_ERROR)
                continue;
            incomplete = d.items[i].msg && strncmp(d.items[i].msg, EOF_MSG, strlen(EOF_MSG)) == 0;
            break;
        }
    }
    ast_file_free(f);
    diag_free(&d);
    return incomplete;
}
