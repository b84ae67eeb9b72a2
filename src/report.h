/* report.h — report writers: turn an eval_result into text, JSON, CSV, Markdown or HTML.
 * Writers only format; they compute no status and they escape every data string. */
#ifndef PC_REPORT_H
#define PC_REPORT_H
#include <stdio.h>
#include "eval.h"

typedef enum { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MARKDOWN, FMT_HTML } report_format;

typedef struct report_options {
    report_format format;
    int color;               /* text: ANSI colour (only on a TTY) */
    int by_agency;           /* text: group by agency instead of by target */
    const char *columns;     /* csv: comma-separated column list, NULL: the default five */
} report_options;

int report_parse_format(const char *s, report_format *out);
/* Returns 0, -1 on a write error (errno set) or a bad column name (message in *err). */
int report_write(FILE *f, const eval_result *r, const report_options *opt, const char **err);

int report_text(FILE *f, const eval_result *r, const report_options *opt);
int report_json(FILE *f, const eval_result *r, const report_options *opt);
int report_csv(FILE *f, const eval_result *r, const report_options *opt, const char **err);
int report_markdown(FILE *f, const eval_result *r, const report_options *opt);
int report_html(FILE *f, const eval_result *r, const report_options *opt);

#endif
