/* diag.c — recording diagnostics into a sink and printing them in GCC's shape.
 * It must not decide what is an error (the stages do) nor exit. */
#include "diag.h"
#include "termsafe.h"
#include "mem.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(diag_sink *s) { memset(s, 0, sizeof *s); }

void diag_clear(diag_sink *s)
{
    for (size_t i = 0; i < s->n; i++) {
        pc_free(s->items[i].file);
        pc_free(s->items[i].msg);
        pc_free(s->items[i].line_text);
    }
    s->n = 0;
    s->nerrors = s->nwarnings = 0;
    s->oom = 0;
}

void diag_free(diag_sink *s)
{
    diag_clear(s);
    pc_free(s->items);
    memset(s, 0, sizeof *s);
}

int utf8_columns(const char *s, size_t n)
{
    int cols = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cols++;
    return cols;
}

static diag *push(diag_sink *s, diag_level lv)
{
    if (lv == DIAG_ERROR)
        s->nerrors++;
    else if (lv == DIAG_WARNING)
        s->nwarnings++;
    if (PC_GROW(s->items, s->cap, s->n) < 0) {
        s->oom = 1;
        return NULL;
    }
    diag *d = &s->items[s->n++];
    memset(d, 0, sizeof *d);
    d->level = lv;
    return d;
}

/* Words (runs without a space) longer than this many bytes are cut in messages: a 1 MB
 * name quoted in a message would otherwise make a 1 MB line on stderr. */
#define WORD_SHOW_MAX 100

/* Cut every over-long word of m in place to its first bytes, "…" and its trailing
 * punctuation (the closing quote of a quoted name), on UTF-8 boundaries. */
static void shorten_words(char *m)
{
    char *o = m;
    for (const char *p = m; *p;) {
        size_t n = strcspn(p, " \n");
        if (n > WORD_SHOW_MAX) {
            size_t head = WORD_SHOW_MAX * 6 / 10, tail = 0;
            while (head > 0 && ((unsigned char)p[head] & 0xC0) == 0x80)
                head--;
            while (tail < 3 && strchr("'\"?;:,.)]", p[n - 1 - tail]))
                tail++;
            memmove(o, p, head);
            memcpy(o + head, "\xE2\x80\xA6", 3);
            memmove(o + head + 3, p + n - tail, tail);
            o += head + 3 + tail;
        } else {
            memmove(o, p, n);
            o += n;
        }
        p += n;
        if (*p)
            *o++ = *p++;
    }
    *o = '\0';
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *m = pc_malloc((size_t)n + 1);
    if (m) {
        vsnprintf(m, (size_t)n + 1, fmt, ap);
        if (n > WORD_SHOW_MAX)
            shorten_words(m);
    }
    return m;
}

/* The line of src that holds byte off, as [start, end). */
static void line_bounds(const pc_source *src, size_t off, size_t *start, size_t *end)
{
    if (off > src->len)
        off = src->len;
    size_t a = off, b = off;
    while (a > 0 && src->text[a - 1] != '\n')
        a--;
    while (b < src->len && src->text[b] != '\n')
        b++;
    if (b > a && src->text[b - 1] == '\r')
        b--;
    *start = a;
    *end = b;
}

/* Long lines are cut for display: at most this many bytes of the line are kept. */
#define LINE_SHOW_MAX 400

void diag_at(diag_sink *s, diag_level lv, const pc_loc *loc, const char *fmt, ...)
{
    diag *d = push(s, lv);
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    d->msg = vformat(fmt, ap);
    va_end(ap);
    if (!d->msg)
        s->oom = 1;
    if (!loc || !loc->src)
        return;
    d->file = pc_strndup(loc->src->name, strlen(loc->src->name));
    d->line = loc->first_line + loc->src->line_offset;
    d->col = loc->first_column;
    d->end_col = loc->last_line == loc->first_line ? loc->last_column : 0;
    if (d->end_col < d->col)
        d->end_col = d->col;
    size_t a, b;
    line_bounds(loc->src, loc->first_byte, &a, &b);
    if (d->end_col == 0 || loc->last_line != loc->first_line)
        d->end_col = d->col + utf8_columns(loc->src->text + loc->first_byte,
                                           b > loc->first_byte ? b - loc->first_byte : 0) - 1;
    if (d->end_col < d->col)
        d->end_col = d->col;
    if (b - a <= LINE_SHOW_MAX || loc->first_byte - a < LINE_SHOW_MAX / 2)
        d->line_text = pc_strndup(loc->src->text + a, b - a > LINE_SHOW_MAX ? LINE_SHOW_MAX : b - a);
}

void diag_line(diag_sink *s, diag_level lv, const char *file, int line, int col,
               const char *line_text, size_t line_len, const char *fmt, ...)
{
    diag *d = push(s, lv);
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    d->msg = vformat(fmt, ap);
    va_end(ap);
    d->file = file ? pc_strndup(file, strlen(file)) : NULL;
    d->line = line;
    d->col = col;
    d->end_col = col;
    if (line_text && col > 0) {
        while (line_len > 0 && (line_text[line_len - 1] == '\n' || line_text[line_len - 1] == '\r'))
            line_len--;
        d->line_text = pc_strndup(line_text, line_len > LINE_SHOW_MAX ? LINE_SHOW_MAX : line_len);
    }
}

static const char *level_name(diag_level lv)
{
    switch (lv) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    default: return "note";
    }
}

static const char *level_color(diag_level lv)
{
    switch (lv) {
    case DIAG_ERROR: return "\033[1;31m";
    case DIAG_WARNING: return "\033[1;35m";
    default: return "\033[1;36m";
    }
}

/* Print one line of source with control bytes made visible as spaces. */
/* Columns the first cols code points of t take once control characters are escaped (as
 * ts_fputs shows them), so that the caret stays under its token. */
static int escaped_columns(const char *t, int cols)
{
    size_t i = 0, n = strlen(t);
    for (int c = 0; c < cols && i < n; c++) {
        size_t k = 1;
        while (i + k < n && ((unsigned char)t[i + k] & 0xC0) == 0x80)
            k++;
        i += k;
    }
    return (int)ts_columns(t, i);
}

void diag_print_one(FILE *f, const diag *d, int color)
{
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    if (d->file) {
        fputs(bold, f);
        ts_fputs(d->file, f);
        fputc(':', f);
        if (d->line > 0)
            fprintf(f, "%d:", d->line);
        if (d->line > 0 && d->col > 0)
            fprintf(f, "%d:", d->col);
        fprintf(f, "%s ", reset);
    } else {
        fprintf(f, "%splancheck:%s ", bold, reset);   /* no place in a file: the program speaks */
    }
    fprintf(f, "%s%s:%s ", color ? level_color(d->level) : "", level_name(d->level), reset);
    ts_fputs(d->msg ? d->msg : "(out of memory)", f);   /* names quoted from files: escaped */
    fputc('\n', f);
    if (!d->line_text || d->col <= 0)
        return;
    fprintf(f, "%5d | ", d->line);
    ts_fputs(d->line_text, f);
    fputs("\n      | ", f);
    int shown = utf8_columns(d->line_text, strlen(d->line_text));
    int col = d->col > shown + 1 ? shown + 1 : d->col;
    int end = d->end_col > shown ? shown : d->end_col;
    int from = escaped_columns(d->line_text, col - 1), to = escaped_columns(d->line_text, end);
    for (int i = 0; i < from; i++)
        fputc(' ', f);
    fputs(color ? level_color(d->level) : "", f);
    fputc('^', f);
    for (int i = from + 1; i < to; i++)
        fputc('~', f);
    fprintf(f, "%s\n", reset);
}

/* At most this many errors, and this many warnings, of one file are printed (a file of
 * random bytes or a generated plan must not flood the terminal); then one note says how
 * many more there were. The notes that belong to a hidden diagnostic are hidden with it. */
#define SHOW_PER_FILE 100

typedef struct file_count {
    const char *file;   /* NULL: diagnostics without a place */
    int shown[2], hidden[2];
} file_count;

static file_count *count_for(file_count **tab, size_t *n, size_t *cap, const char *file)
{
    for (size_t i = 0; i < *n; i++)
        if ((*tab)[i].file == file || ((*tab)[i].file && file && strcmp((*tab)[i].file, file) == 0))
            return &(*tab)[i];
    if (PC_GROW(*tab, *cap, *n) < 0)
        return NULL;
    file_count *c = &(*tab)[(*n)++];
    memset(c, 0, sizeof *c);
    c->file = file;
    return c;
}

static void print_hidden(FILE *f, const file_count *c, int color)
{
    char what[128];
    int ne = c->hidden[DIAG_ERROR], nw = c->hidden[DIAG_WARNING];
    if (ne && nw)
        snprintf(what, sizeof what, "%d more error%s and %d more warning%s", ne, ne == 1 ? "" : "s", nw,
                 nw == 1 ? "" : "s");
    else
        snprintf(what, sizeof what, "%d more %s%s", ne ? ne : nw, ne ? "error" : "warning", (ne ? ne : nw) == 1 ? "" : "s");
    diag d;
    memset(&d, 0, sizeof d);
    d.level = DIAG_NOTE;
    d.file = (char *)c->file;
    char msg[256];
    snprintf(msg, sizeof msg, "%s not shown (at most %d errors and %d warnings of a file are shown)", what,
             SHOW_PER_FILE, SHOW_PER_FILE);
    d.msg = msg;
    diag_print_one(f, &d, color);
}

void diag_print(FILE *f, const diag_sink *s, int color)
{
    file_count *tab = NULL;
    size_t nt = 0, cap = 0;
    int hiding = 0;
    for (size_t i = 0; i < s->n; i++) {
        const diag *d = &s->items[i];
        if (d->level == DIAG_NOTE) {
            if (!hiding)
                diag_print_one(f, d, color);
            continue;
        }
        file_count *c = count_for(&tab, &nt, &cap, d->file);
        hiding = c && c->shown[d->level] >= SHOW_PER_FILE;
        if (hiding) {
            c->hidden[d->level]++;
            continue;
        }
        if (c)
            c->shown[d->level]++;
        diag_print_one(f, d, color);
    }
    for (size_t i = 0; i < nt; i++)
        if (tab[i].hidden[DIAG_ERROR] || tab[i].hidden[DIAG_WARNING])
            print_hidden(f, &tab[i], color);
    pc_free(tab);
    if (s->oom)
        fprintf(f, "%serror:%s out of memory while recording diagnostics\n",
                color ? level_color(DIAG_ERROR) : "", color ? "\033[0m" : "");
}

/* ---- did you mean ---- */

/* s as code points (a malformed byte counts as one); at most max of them, else -1. */
static long code_points(const char *s, unsigned *out, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        if (n == max)
            return -1;
        unsigned c = *p++;
        int k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        for (; k > 0 && (*p & 0xC0) == 0x80; k--)
            c = (c << 6) | (*p++ & 0x3F);
        out[n++] = c;
    }
    return (long)n;
}

/* A code point in lower case, for the letters names are written in: ASCII, Latin-1,
 * Latin Extended-A and the Vietnamese letters (U+1EA0–U+1EF9), whose cases are pairs. */
static unsigned fold_case(unsigned c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (((c >= 0x100 && c <= 0x137) || (c >= 0x1EA0 && c <= 0x1EF9)) && c % 2 == 0)
        return c + 1;
    if (c == 0x1A0 || c == 0x1AF)   /* Ơ, Ư */
        return c + 1;
    return c;
}

/* Edit distance in code points (so that 'Hue' is one edit from 'Huế'); letters that differ
 * only in case are the same ('vnm' is 'VNM' typed in lower case). */
static size_t edit_distance(const char *sa, const char *sb, size_t limit)
{
    unsigned a[64], b[64];
    long na = code_points(sa, a, 64), nb = code_points(sb, b, 64);
    if (na < 0 || nb < 0)
        return limit + 1;
    for (long i = 0; i < na; i++)
        a[i] = fold_case(a[i]);
    for (long i = 0; i < nb; i++)
        b[i] = fold_case(b[i]);
    size_t la = (size_t)na, lb = (size_t)nb;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    /* optimal string alignment: insertions, deletions, substitutions, transpositions */
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

const char *diag_suggest(const char *name, const char *const *cands, size_t n)
{
    size_t len = (size_t)utf8_columns(name, strlen(name));
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || strcmp(cands[i], name) == 0)
            continue;
        size_t d = edit_distance(name, cands[i], limit);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}
