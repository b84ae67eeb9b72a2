/* termsafe.c — text from plans and data made safe to show on a terminal: C0 control
 * characters and DEL are shown as \xHH (ESC as \x1b), C1 controls and the bidirectional
 * marks, embeddings, overrides and isolates as \uHHHH (\u009b, \u202e). Every writer that
 * reaches a terminal uses it (text and Markdown reports, the REPL, diagnostics); the JSON,
 * CSV and HTML writers have escapes of their own. It allocates nothing. */
#include "termsafe.h"
#include <string.h>

size_t ts_escape_at(const char *s, size_t n, char *esc)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (p[0] < 0x20 || p[0] == 0x7F) {
        snprintf(esc, TS_ESC_MAX, "\\x%02x", p[0]);
        return 1;
    }
    if (p[0] == 0xC2 && n >= 2 && p[1] >= 0x80 && p[1] <= 0x9F) {   /* U+0080..U+009F */
        snprintf(esc, TS_ESC_MAX, "\\u%04x", p[1]);
        return 2;
    }
    if (p[0] == 0xE2 && n >= 3) {
        unsigned cp = 0x2000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        int bidi = (p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE))) ||
                   (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9);   /* LRM RLM, U+202A..E, U+2066..9 */
        if (bidi) {
            snprintf(esc, TS_ESC_MAX, "\\u%04x", cp);
            return 3;
        }
    }
    return 0;
}

int ts_clean(const char *s, size_t n)
{
    char esc[TS_ESC_MAX];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 || c == 0x7F || c == 0xC2 || c == 0xE2) && ts_escape_at(s + i, n - i, esc))
            return 0;
    }
    return 1;
}

const char *ts_str(const char *s, char *buf, size_t len)
{
    if (!s || !len)
        return s;
    size_t n = strlen(s);
    if (ts_clean(s, n))
        return s;
    size_t o = 0;
    char esc[TS_ESC_MAX];
    for (size_t i = 0; i < n;) {
        size_t k = ts_escape_at(s + i, n - i, esc);
        const char *piece = k ? esc : s + i;
        size_t pl = k ? strlen(esc) : 1;
        if (!k)   /* a whole UTF-8 sequence at a time, so a cut never splits one */
            while (i + pl < n && ((unsigned char)s[i + pl] & 0xC0) == 0x80)
                pl++;
        if (o + pl >= len)
            break;
        memcpy(buf + o, piece, pl);
        o += pl;
        i += k ? k : pl;
    }
    buf[o] = '\0';
    return buf;
}

void ts_write(const char *s, size_t n, int keep_newlines, ts_put_fn *put, void *ctx)
{
    size_t start = 0;
    char esc[TS_ESC_MAX];
    for (size_t i = 0; i < n;) {
        size_t k = keep_newlines && s[i] == '\n' ? 0 : ts_escape_at(s + i, n - i, esc);
        if (!k) {
            i++;
            continue;
        }
        put(ctx, s + start, i - start);
        put(ctx, esc, strlen(esc));
        i += k;
        start = i;
    }
    put(ctx, s + start, n - start);
}

static void put_file(void *f, const char *s, size_t n) { fwrite(s, 1, n, f); }

void ts_fputs(const char *s, FILE *f) { ts_write(s, strlen(s), 0, put_file, f); }

size_t ts_columns(const char *s, size_t n)
{
    size_t w = 0;
    char esc[TS_ESC_MAX];
    for (size_t i = 0; i < n;) {
        size_t k = ts_escape_at(s + i, n - i, esc);
        if (k) {
            w += strlen(esc);
            i += k;
        } else {
            w += ((unsigned char)s[i] & 0xC0) != 0x80;
            i++;
        }
    }
    return w;
}
