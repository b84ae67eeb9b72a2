/* report.h — report writers: turn an eval_result into text, JSON, CSV, Markdown or HTML.
 * Writers only format; they compute no status and they escape every data string. */
#ifndef PC_REPORT_H
#define PC_REPORT_H
#include <stdio.h>
#include "eval.h"
#include "dataset.h"
#include "diag.h"

typedef enum { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MARKDOWN, FMT_HTML, FMT_XLSX } report_format;
typedef enum { LANG_EN, LANG_VI } report_lang;

typedef struct report_options {
    report_format format;
    int color;               /* text: ANSI colour (only on a TTY) */
    int by_agency;           /* text: group by agency instead of by target */
    const char *columns;     /* csv: comma-separated column list, NULL: the default five */
    const dataset *data;     /* the data evaluated (files, rows read, rows used); NULL: none */
    const diag_sink *warnings;   /* json: the run's warnings (DIAG_WARNING items); NULL: none */
    int bom;                 /* csv: start with a UTF-8 byte order mark (Excel) */
    report_lang lang;        /* html, markdown, xlsx: headings and status words */
} report_options;

int report_parse_format(const char *s, report_format *out);
int report_parse_lang(const char *s, report_lang *out);   /* "en", "vi"; 0 ok, -1 */
/* Returns 0, -1 on a write error (errno set) or a bad column name (message in *err). */
int report_write(FILE *f, const eval_result *r, const report_options *opt, const char **err);

int report_text(FILE *f, const eval_result *r, const report_options *opt);
int report_json(FILE *f, const eval_result *r, const report_options *opt);
int report_csv(FILE *f, const eval_result *r, const report_options *opt, const char **err);
int report_markdown(FILE *f, const eval_result *r, const report_options *opt);
int report_html(FILE *f, const eval_result *r, const report_options *opt);
/* An Excel workbook (sheets Milestones, Agencies, Reports, Data used). libxlsxwriter writes
 * it into a private temporary file, whose bytes are then copied to f; -1 with errno set, or
 * with *err set when the library failed. */
int report_xlsx(FILE *f, const eval_result *r, const report_options *opt, const char **err);

/* CSV while evaluating (eval_options.stream): no array of results. new() checks the
 * columns (NULL with *err set, or NULL and errno ENOMEM) and fills *st; hand st to
 * eval_plan; then end(s, ok): ok nonzero writes what is left (the header alone when there
 * was no row) and flushes f; ok 0 only frees. Rows reach f in big writes, in order; the
 * header is written with the first rows, so a failed evaluation writes nothing unless
 * rows were already out. end returns 0, -1 on a write error (errno set). */
typedef struct report_csv_stream report_csv_stream;
report_csv_stream *report_csv_stream_new(FILE *f, const report_options *opt, eval_stream *st,
                                         const char **err);
int report_csv_stream_end(report_csv_stream *s, int ok);
void report_csv_stream_set_file(report_csv_stream *s, FILE *f);   /* before evaluating */
/* After eval_plan returned -1: did the stream stop it (a write error, or out of memory in
 * a buffer)? Then errno() is the reason. */
int report_csv_stream_failed(const report_csv_stream *s);
int report_csv_stream_errno(const report_csv_stream *s);

#endif
