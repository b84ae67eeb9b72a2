/* report_int.h — what the report writers (report*.c) share and nobody else sees: a buffered
 * output, the escapers of each format, cells of a milestone row as people read them, and the
 * order of rows in the tables. Private to report*.c; it computes no status. */
#ifndef PC_REPORT_INT_H
#define PC_REPORT_INT_H
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "report.h"

/* ---- buffered output: bytes collect in a heap buffer, fwrite'n in big chunks ---- */
typedef struct rbuf {
    FILE *f;
    char *buf;
    size_t len, cap;
    int err;                 /* a write or allocation failed (errno set) */
} rbuf;

int rb_init(rbuf *b, FILE *f, size_t cap);   /* 0, or -1 (ENOMEM); f NULL: grows in memory */
int rb_flush(rbuf *b);                       /* 0, or -1 */
int rb_done(rbuf *b);                        /* flush, fflush, ferror, free; 0 or -1 */
void rb_write_slow(rbuf *b, const char *s, size_t n);

static inline void rb_put(rbuf *b, const char *s, size_t n)
{
    if (b->cap - b->len >= n) {
        memcpy(b->buf + b->len, s, n);
        b->len += n;
    } else {
        rb_write_slow(b, s, n);
    }
}
static inline void rb_putc(rbuf *b, char c)
{
    if (b->len == b->cap && rb_flush(b) < 0)
        return;
    b->buf[b->len++] = c;
}
void rb_puts(rbuf *b, const char *s);
void rb_printf(rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make room for n contiguous bytes at b->buf + b->len; 0, or -1 when n > cap or on error. */
int rb_reserve(rbuf *b, size_t n);

/* ---- escapers ---- */
void rep_json_str(rbuf *b, const char *s);     /* "…" with escapes; NULL writes null */
void rep_json_num(rbuf *b, double x);          /* shortest round-trip; NaN, ±inf: null */
void rep_json_int(rbuf *b, long v);
/* One CSV cell (RFC 4180 quoting; a text that starts with = + - @ TAB CR and is not a
 * number gets a leading apostrophe, so that a spreadsheet does not run it as a formula). */
void rep_csv_cell(rbuf *b, const char *s, size_t n);
int rep_csv_needs_care(const char *s, size_t n);   /* quoting or the guard is needed */
void rep_html_str(rbuf *b, const char *s);     /* & < > " ' as entities */
void rep_term_str(rbuf *b, const char *s);     /* control characters escaped (termsafe.c) */
void rep_md_str(rbuf *b, const char *s);       /* Markdown specials backslashed, | too */

/* Display width of UTF-8 text in a terminal: code points, combining marks count 0. */
size_t rep_width(const char *s);
/* Copy s into buf, cut to at most maxw display columns (ending in "…" when cut). */
const char *rep_fit(const char *s, size_t maxw, char *buf, size_t len);

/* ---- the facts of a milestone row, as strings ---- */
typedef enum { RK_BY, RK_MAINTAIN, RK_RATE } rep_kind;
rep_kind rep_ms_kind(const ms_result *m);
const char *rep_kind_str(rep_kind k);                   /* "by", "maintain", "rate" */
const unit *rep_ms_unit(const ms_result *m);            /* the indicator's, else the quantity's */
/* "%", "per 1000", "per 100000", "per 500"; "" for a bare number. */
const char *rep_unit_str(const unit *u, char *buf, size_t len);
const char *rep_report_state_str(report_state s);        /* "on_time" */
/* For people: "on time", "late (5 days)"; upper case ("LATE (5 days)") when shout. */
const char *rep_report_state_label(const report_result *rr, int shout, char *buf, size_t len);
/* "< 17%", ">= 99.5%", "< 18.5 per 1000", "decrease >= 2%/yr" */
const char *rep_goal(const ms_result *m, char *buf, size_t len);
/* "2025", "maintain", "maintain 2020-2024", "2025-2030" */
const char *rep_deadline(const ms_result *m, char *buf, size_t len);
/* "2023: 18.2", "" when no latest value */
/* What a reader must know beside the status (v2): "judged on the 2024 value (no value for
 * 2025)", "baseline 2016 (2015 has no value)", "baseline 19.6 in 2019 from the plan",
 * "no trend: one point", joined by "; ". "" when there is nothing to say. */
const char *rep_note(const ms_result *m, char *buf, size_t len);
const char *rep_latest(const ms_result *m, char *buf, size_t len);
const char *rep_series(const ms_result *m, char *buf, size_t len);   /* "area=rural;sex=f", "" */
const char *rep_lead(const ms_result *m);                            /* agency id or NULL */
const char *rep_coordinators(const ms_result *m, char *buf, size_t len);  /* "A;B" */
const char *rep_date(date d, char *buf, size_t len);                 /* "2025-06-30", "" */
const char *rep_target_id(const ms_result *m);                       /* gen_id, never NULL */

/* The cells of a table row, for text, Markdown and HTML. */
enum { RC_TARGET, RC_MILESTONE, RC_REGION, RC_INDICATOR, RC_GOAL, RC_DEADLINE, RC_LATEST,
       RC_STATUS, RC_LEAD, RC_WITH, RC__N };
typedef struct rep_row {
    const char *cell[RC__N];        /* never NULL ("" when empty) */
    char goal[96], deadline[40], latest[64], with[256], lead[128];
} rep_row;
void rep_row_fill(const ms_result *m, rep_row *row);
/* The columns of a milestone table (every RC_*, REGION only with several regions). */
int rep_table_cols(const eval_result *r, int *cols);
extern const char *const rep_row_heads[RC__N];   /* "TARGET", "MILESTONE", … */

/* Distinct regions among the milestone results (they are sorted by region). */
size_t rep_nregions(const eval_result *r, const char **first);
/* "a.csv (120 rows read, 80 used); b.csv (…)" into buf: the data a report names (every
 * format but CSV). 0 when there is no data file. */
size_t rep_data_files(const report_options *opt, char *buf, size_t len);

/* Order of table rows: by target (file order), milestone, region; or by lead agency
 * (scorecard order, nobody last), then the same. Returns a pc_malloc'd index array (NULL
 * on OOM; NULL with nms 0 is fine), and for by_agency the group of each row in *groups
 * (pc_malloc'd; card index, ncards for nobody). */
size_t *rep_order(const eval_result *r, int by_agency, int **groups);

#endif
