/* incomplete.c — is a REPL entry unfinished? Answered the way Lua's incomplete() does: parse
 * it, and call it unfinished when the first syntax error is at the end of the input; and a
 * line-by-line scan that says when an entry is surely unfinished without parsing it. It
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

static int is_word_byte(unsigned char c)
{
    return c == '_' || c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

void entry_scan_line(entry_scan *st, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)line[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '#') {   /* a comment, to the line's end (a lone CR ends a line too) */
            while (i < len && line[i] != '\r')
                i++;
            continue;
        }
        if (c == '"') {
            for (i++; i < len && line[i] != '"' && line[i] != '\r'; i++)
                if (line[i] == '\\' && i + 1 < len)
                    i++;
            if (i >= len || line[i] == '\r') {
                st->odd = 1;   /* a string must end on its line */
                return;
            }
            i++;
            st->wants_more = 0;
            continue;
        }
        if (is_word_byte(c)) {
            size_t s = i;
            while (i < len && is_word_byte((unsigned char)line[i]))
                i++;
            size_t n = i - s;
            st->wants_more = (n == 3 && (!strncmp(line + s, "and", 3) || !strncmp(line + s, "not", 3))) ||
                             (n == 2 && !strncmp(line + s, "or", 2));
            continue;
        }
        if (c == '(' || c == '[' || c == '{')
            st->depth++;
        else if (c == ')' || c == ']' || c == '}') {
            if (st->depth == 0)
                st->odd = 1;
            else
                st->depth--;
        }
        st->wants_more = c && strchr("+-*/,:=<>!([{@", c) != NULL;
        i++;
    }
}

int entry_scan_unfinished(const entry_scan *st)
{
    return !st->odd && (st->depth > 0 || st->wants_more);
}
