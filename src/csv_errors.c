/* csv_errors.c — the loader's diagnostics: a chunk's errors with file, line and column, the
 * offending text quoted safely, capped at MAX_ERRORS; the caller's sink gets them in order. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "csv_int.h"
#include "strmap.h"
#include <stdarg.h>
#include <stdlib.h>

/* ---- diagnostics ---- */

/* 'text' for a message: at most 40 bytes (cut on a character boundary), control bytes as '?'. */
void quote_text(const char *s, size_t n, char *out, size_t outlen)
{
    size_t k = 0, lim = 40;
    int cut = n > lim;
    if (cut) {
        n = lim;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n && k + 5 < outlen; i++)
        out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (cut && k + 4 < outlen) {
        memcpy(out + k, "\xE2\x80\xA6", 3);
        k += 3;
    }
    out[k] = '\0';
}

static void add_error(chunk *c, uint32_t line, int col, int end_col, const char *text, size_t tlen,
                      const char *msg)
{
    if (c->nerr >= MAX_ERRORS) {   /* one more than the cap is kept: it shows there are more */
        c->nerr++;
        c->too_many = c->fatal = 1;
        return;
    }
    size_t before = c->diags.n;
    diag_line(&c->diags, DIAG_ERROR, c->L->name, (int)line, col, text, tlen, "%s", msg);
    if (c->diags.n > before)
        c->diags.items[c->diags.n - 1].end_col = end_col;
    c->nerr++;
}

/* An error about the field starting at 'at' (len bytes) of the row starting at 'row' on line
 * row_line; at NULL: about the whole row. */

void row_error(chunk *c, const char *row, uint32_t row_line, const char *at, size_t len,
               const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!at) {
        add_error(c, row_line, 0, 0, NULL, 0, msg);
        return;
    }
    uint32_t line = row_line;
    const char *ls = row;
    for (const char *q = row; q < at; q++)
        if (*q == '\n') {
            line++;
            ls = q + 1;
        }
    const char *le = memchr(ls, '\n', (size_t)(c->L->buf + c->L->len + 1 - ls));
    if (!le)
        le = c->L->buf + c->L->len;
    if (le > ls && le[-1] == '\r')
        le--;
    int col = utf8_columns(ls, (size_t)(at - ls)) + 1;
    const char *fe = at + len;
    if (fe > le)
        fe = le;
    int end_col = fe > at ? col + utf8_columns(at, (size_t)(fe - at)) - 1 : col;
    add_error(c, line, col, end_col, ls, (size_t)(le - ls), msg);
}

void oom_error(chunk *c, uint32_t line)
{
    c->oom = c->fatal = 1;
    add_error(c, line, 0, 0, NULL, 0, "out of memory");
}
