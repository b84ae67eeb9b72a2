/* diag.h — diagnostics go into a sink (a list), never straight onto stderr.
 * The front ends print the sink; tests assert on it. Every diagnostic carries a
 * location (file, line, column, end column) and, where known, its source line. */
#ifndef PC_DIAG_H
#define PC_DIAG_H
#include <stdio.h>
#include <stddef.h>

/* A source text: a .plan file, a REPL entry, a data file. */
typedef struct pc_source {
    const char *name;   /* as shown in messages: "rules/x.plan", "<repl>" */
    const char *text;   /* NUL-terminated; may contain NUL bytes before len */
    size_t len;
    int line_offset;    /* added to every line number (REPL entries continue counting) */
} pc_source;

/* A span in a source. Columns count UTF-8 code points, 1-based; last_column is the
 * column of the span's last character (inclusive). Bytes are offsets into src->text. */
typedef struct pc_loc {
    const pc_source *src;
    int first_line, first_column, last_line, last_column;
    size_t first_byte, last_byte;  /* last_byte: one past the span */
} pc_loc;

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diag {
    diag_level level;
    char *file;        /* NULL: no location at all */
    int line, col;     /* col 0: the location is a whole line (data files) */
    int end_col;       /* inclusive; the caret run goes from col to end_col */
    char *msg;
    char *line_text;   /* the source line, NULL if not known */
} diag;

typedef struct diag_sink {
    diag *items;
    size_t n, cap;
    int nerrors, nwarnings;
    int oom;            /* set when a diagnostic could not be recorded */
} diag_sink;

void diag_init(diag_sink *s);
void diag_clear(diag_sink *s);     /* frees every diagnostic, keeps the sink usable */
void diag_free(diag_sink *s);

/* Record a diagnostic at loc (NULL: no location). */
void diag_at(diag_sink *s, diag_level lv, const pc_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Record a diagnostic at a file and line (col 0: whole line), with the line's text if known. */
void diag_line(diag_sink *s, diag_level lv, const char *file, int line, int col,
               const char *line_text, size_t line_len, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Print in GCC's shape: "file:line:col: error: msg", the source line, a caret run. */
void diag_print(FILE *f, const diag_sink *s, int color);
void diag_print_one(FILE *f, const diag *d, int color);

/* Helpers shared by the stages. */
int utf8_columns(const char *s, size_t n);            /* code points in s[0..n) */
/* Levenshtein-based "did you mean": the closest of cands[0..n) within a sensible distance. */
const char *diag_suggest(const char *name, const char *const *cands, size_t n);

#endif
