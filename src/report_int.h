/* report_int.h — what the report writers (report*.c) share and nobody else sees: a buffered
 * output, the escapers of each format, cells of a milestone row as people read them, and the
 * order of rows in the tables. Private to report*.c; it computes no status. */
#ifndef PC_REPORT_INT_H
#define PC_REPORT_INT_H
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "report.h"
#include "mem.h"

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
/* & < > " ' as entities; C0 control characters (but tab, CR, LF) and DEL as U+FFFD */
void rep_html_str(rbuf *b, const char *s);
void rep_term_str(rbuf *b, const char *s);     /* control characters escaped (termsafe.c) */
/* Markdown specials backslashed, | too; line breaks and tabs as spaces; other control
 * characters as U+FFFD */
void rep_md_str(rbuf *b, const char *s);

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
const char *rep_file_name(const report_options *opt, size_t i, ds_stats *st);

/* Order of table rows: by target (file order), milestone, region; or by lead agency
 * (scorecard order, nobody last), then the same. Returns a pc_malloc'd index array (NULL
 * on OOM; NULL with nms 0 is fine), and for by_agency the group of each row in *groups
 * (pc_malloc'd; card index, ncards for nobody). */
size_t *rep_order(const eval_result *r, int by_agency, int **groups);

/* ---- for people (report_vis.c): status looks, interface words, numbers, charts ---- */
typedef struct rep_status_look {
    const char *color;       /* "#0b5cad": contrast >= 4.5:1 with white, both ways */
    const char *shape;       /* SVG path data in a 16 x 16 box */
    const char *word[2];     /* English, Vietnamese */
} rep_status_look;
const rep_status_look *rep_look(pc_status s);
const char *rep_status_word(pc_status s, report_lang lang);

/* Every heading and label of the HTML, Markdown and XLSX reports, in one table (the later
 * gettext catalogue replaces it). */
typedef enum {
    W_PLAN, W_AUTHORITY, W_ISSUED, W_REGION, W_REGIONS, W_AS_OF, W_METHOD, W_DATA, W_ROWS_READ,
    W_ROWS_USED, W_NO_DATA_FILE, W_SUMMARY, W_MILESTONES, W_LEGEND, W_MATRIX, W_TARGETS, W_TARGET,
    W_MILESTONE, W_INDICATOR, W_GOAL, W_DEADLINE, W_LATEST, W_STATUS, W_LEAD, W_WITH, W_AGENCIES,
    W_AGENCY, W_TASKS, W_REPORTS, W_CALENDAR, W_ON_TIME, W_LATE, W_MISSING, W_DUE, W_UPCOMING,
    W_SHOW_ROWS, W_PERIOD, W_TO, W_SUBMITTED, W_ALERTS, W_SERIES, W_REQUIRED, W_PROJECTED,
    W_EXPECTED_NOW, W_THRESHOLD, W_YEAR, W_UNIT, W_TOTAL, W_NONE, W_NOBODY, W_ALL, W_PAGE,
    W_MADE_BY, W_CHART_KEY, W_DAYS, W_MILESTONES_H, W_MILESTONE_1, W_OVERVIEW, W__N
} rep_word_id;
const char *rep_word(rep_word_id w, report_lang lang);
const char *rep_method_name(method m, report_lang lang);

/* WCAG contrast ratio of two "#rrggbb" colours (1 to 21); 0 when one is not that form. */
double rep_contrast(const char *a, const char *b);

/* The precision of data: the most digits after the point among the values' shortest forms,
 * ignoring forms longer than REP_MAX_DATA_DECIMALS (computed values); fallback when none. */
#define REP_MAX_DATA_DECIMALS 4
int rep_decimals(const double *v, size_t n, int fallback);
/* x with that many decimals, for people: "19.1", "70,000" (vi: "19,1", "70.000"); "–" NaN. */
const char *rep_num(double x, int decimals, report_lang lang, char *buf, size_t len);

/* The required path of DESIGN.md §4 at year y: x_B·(v* / x_B)^((y−B)/(D−B)) (0 → 0.001; a
 * straight line when a value is negative); NaN when D = B. */
double rep_required_at(double xb, int b, double v, int d, int y);

typedef struct rep_pt { int year; double value; } rep_pt;
typedef struct rep_ms_path {
    const ms_result *m;
    double threshold;            /* NaN for a rate target */
    int year;                    /* deadline of a 'by' milestone, else 0 */
    int from, to;                /* maintain: the window in force (0: open) */
    rep_pt *required;            /* baseline .. deadline, one point a year */
    size_t nrequired;
    rep_pt expected_now;         /* the required path at the latest year */
    int has_expected_now;
    rep_pt *projected;           /* latest .. deadline */
    size_t nprojected;
} rep_ms_path;
typedef struct rep_chart {
    const target *target;
    const indicator *ind;
    const char *region;
    rep_pt *series;              /* the annual series up to the as-of year */
    size_t n;
    rep_ms_path *ms;
    size_t nms;
    int decimals;                /* the data's precision */
    int x0, x1;                  /* years on the axis */
    double y0, y1, step;         /* value axis, rounded out to the step */
    int step_decimals;
} rep_chart;
/* The chart of one target in one region: ms are its milestone results there (at least
 * one). Allocates in a. 0, or -1 on OOM. */
int rep_chart_build(const eval_result *r, const ms_result *const *ms, size_t nms, arena *a,
                    rep_chart *c);
/* The milestone results of r grouped as the people's reports show them: region blocks (in
 * r's order), then targets in plan order, then milestones in plan order. Returns a
 * pc_malloc'd array of indexes into r->ms; group starts at (*starts)[g], g < *ngroups (a
 * group is one target in one region). NULL on OOM (or with nms 0). */
size_t *rep_groups(const eval_result *r, size_t **starts, size_t *ngroups);
/* The chart of group g of rep_groups (a target in a region). 0, or -1 on OOM. */
int rep_chart_of_group(const eval_result *r, const size_t *idx, const size_t *starts, size_t g,
                       arena *a, rep_chart *c);
/* JSON "chart" object of one milestone (an extra of --format json). */
void rep_json_chart(rbuf *b, const eval_result *r, const ms_result *m);

/* Cells for people, in the report's language: unit ("%", "‰", "per 100,000"), goal
 * ("< 17%", "≥ 99.5%", "giảm 2% – 3%/năm"), deadline ("2025", "duy trì 2021–2030"),
 * latest value at the data's precision ("18.2% (2023)", "" when none). */
const char *rep_unit_people(const unit *u, report_lang lang, char *buf, size_t len);
const char *rep_goal_people(const ms_result *m, report_lang lang, char *buf, size_t len);
const char *rep_deadline_people(const ms_result *m, report_lang lang, char *buf, size_t len);
const char *rep_latest_people(const ms_result *m, int decimals, report_lang lang, char *buf, size_t len);
/* A CSS string literal of untrusted text (for @page margin boxes): "…", every byte but
 * letters, digits, space and UTF-8 hex-escaped, so that nothing ends the string or style. */
void rep_css_str(rbuf *b, const char *s);
/* The agency card of a (NULL when it has none); the tasks a leads and coordinates; the
 * reports from a (NULL: "all", with no submissions log to expand it) by state. */
const agency_card *rep_card_of(const eval_result *r, const agency *a);
void rep_task_counts(const pc_plan *p, const agency *a, int *lead, int *with);
void rep_report_counts(const eval_result *r, const agency *from, int *counts);   /* RS_MISSING+1 */
/* What the agency scorecard says of a: its card, tasks led and coordinated, reports by
 * state; returns nonzero when there is anything to say. */
typedef struct rep_agency_fact {
    const agency_card *card;
    int lead, with, reports[RS_MISSING + 1], nreports;
} rep_agency_fact;
int rep_agency_facts(const eval_result *r, const agency *a, rep_agency_fact *f);
int rep_any_agency_facts(const eval_result *r);   /* for any agency of the plan */
/* The name people know a target by: its label, else its indicator's name, else its id. */
const char *rep_target_name(const target *t);
/* A text shape for each status (Markdown, terminals): "★", "○", "▲" … */
const char *rep_status_glyph(pc_status s);
/* A sparkline of values ("▁▃▅█"), min to max over the values; "" when fewer than two. */
const char *rep_sparkline(const rep_pt *p, size_t n, char *buf, size_t len);

#endif
