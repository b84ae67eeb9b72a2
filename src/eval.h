/* eval.h — running a checked plan against a dataset: every milestone in every region in
 * scope assessed (assess.c does the arithmetic), owners attached, agency scorecards,
 * the reporting calendar, alerts; and the tree-walking evaluator of expressions.
 * Nothing here prints: the report writers (report_*.c) turn a result into text. */
#ifndef PC_EVAL_H
#define PC_EVAL_H
#include "assess.h"
#include "dataset.h"
#include "resolve.h"

/* ---- values of expressions ---- */
typedef enum { V_NA, V_NUMBER, V_BOOL, V_STRING, V_SERIES, V_TARGET, V_AGENCY, V_STATUS } value_kind;
typedef struct value {
    value_kind kind;
    double num;              /* V_NUMBER */
    unit u;                  /* V_NUMBER: its unit (scale 0: bare) */
    int has_unit;
    int boolean;             /* V_BOOL */
    const char *str;         /* V_STRING */
    const series_ref *series;/* V_SERIES (NULL selectors: the total) */
    const indicator *ind;    /* V_SERIES */
    const target *target;    /* V_TARGET */
    const agency *agency;    /* V_AGENCY */
    pc_status status;        /* V_STATUS */
} value;

#define EVAL_NO_REGION UINT32_MAX   /* eval_env.region when the region has no data at all */

typedef struct eval_env {
    const pc_plan *plan;
    const dataset *ds;
    int as_of;
    uint32_t region;         /* ds region id */
    const char *region_name;
    arena *scratch;          /* for strings made while evaluating */
    diag_sink *diags;        /* runtime errors (with the node's location) */
    int depth;
    struct eval_cache *cache;/* NULL, or eval_cache_new(): memoizes region-independent
                                results (min/max/avg/sum over all regions) */
    const char *inherit_dimkey;   /* inside a derived formula: the selectors of the series
                                     it is computed for (NULL: the total) */
} eval_env;

/* Evaluate e; runtime errors (a division by zero is NA, not an error) go to env->diags. */
value eval_expr(eval_env *env, const expr *e);
/* Format a value for people: "17.2 %", "NA", "true", "on_track". */
void eval_format_value(const value *v, char *buf, size_t len);
/* A cache for one (plan, dataset, as_of): make a new one when any of them changes. */
struct eval_cache *eval_cache_new(void);
void eval_cache_free(struct eval_cache *c);
/* The annual series of an indicator (derived ones computed year by year) for a region id,
 * years <= year_max, selectors as written (NULL: the total). Allocated in a; the view is
 * empty when there is no data. Returns 0, -1 on OOM. */
int eval_series(const pc_plan *plan, const dataset *ds, const indicator *ind, const series_ref *sel,
                uint32_t region, int year_max, arena *a, ds_yearly *out);

/* ---- whole-plan evaluation ---- */
typedef struct ms_result {
    const milestone *ms;
    const target *target;
    const indicator *ind;
    const char *region;      /* interned in the dataset (or the plan's region string) */
    const ms_owner *owner;
    assess_result r;
} ms_result;

typedef enum { RS_UPCOMING, RS_DUE, RS_ON_TIME, RS_LATE, RS_MISSING } report_state;
typedef struct report_result {
    const report *rp;
    const agency *from;      /* NULL: "all" with no submissions log to expand it */
    date due;                /* the concrete deadline */
    char period[16];         /* "2024", "2024S1", "2024-12-31" */
    report_state state;
    date submitted;          /* year 0: not submitted */
    int days_late;           /* RS_LATE: days after the deadline; else 0 */
} report_result;

typedef struct alert_result {
    const alert_decl *alert;
    const char *region;
    int fired;               /* 1 true, 0 false, -1 NA (not enough data) */
} alert_result;

typedef struct agency_card {
    const agency *agency;
    int counts[ST__COUNT];
    int total;
} agency_card;

/* Streaming the milestone results instead of keeping them (national scale: 2M results
 * would be ~270 MB). eval_plan then assesses the regions in blocks of whole regions, on up
 * to `workers` threads (0: the online CPUs, at most 8, or PLANCHECK_THREADS; small jobs use
 * one), and for each block calls put(ctx, worker, results, n) once per region (results in
 * output order: region, then milestone id) from the worker thread 0 <= worker < workers,
 * then flush(ctx, worker) with the blocks strictly in order, one flush at a time. The
 * results passed to put live until that put returns (broken-year lists: until the
 * block's flush). Nonzero from put or flush stops the evaluation: eval_plan returns -1
 * without adding a diagnostic. The calendar and the alerts are evaluated first, so that
 * an error there returns -1 before anything is streamed. out->ms stays NULL; counts and
 * cards are filled as usual. */
typedef struct eval_stream {
    int workers;
    int (*put)(void *ctx, int worker, const struct ms_result *ms, size_t n);
    int (*flush)(void *ctx, int worker);
    void *ctx;
} eval_stream;
#define EVAL_MAX_WORKERS 8

typedef struct eval_options {
    int as_of;               /* 0: the latest year with any data */
    const char *region;      /* NULL: the plan's region (or the only region in the data) */
    int all_regions;
    const char *submissions; /* path of a submissions log, or NULL */
    int want_alerts;         /* ignored: alerts are always evaluated (kept for compatibility) */
    date as_of_date;         /* year 0: 31 Dec of the as-of year (for the report calendar) */
    const char *submissions_text;  /* the log's contents instead of reading the file (tests, */
    size_t submissions_len;        /* REPL); submissions then names it in messages */
    const eval_stream *stream;     /* NULL: keep every milestone result in out->ms */
    const char *data_name;   /* the data file, for messages that name a row (may be NULL) */
} eval_options;

typedef struct eval_result {
    const pc_plan *plan;
    const dataset *ds;
    arena *arena;
    int as_of;
    date as_of_date;         /* the calendar's as-of date */
    method method;
    ms_result *ms;           /* sorted by region, then milestone id, in byte order */
    size_t nms;
    agency_card *cards;
    int ncards;
    report_result *reports;
    size_t nreports;
    alert_result *alerts;
    size_t nalerts;
    int counts[ST__COUNT];   /* over every milestone result */
} eval_result;

/* Returns 0, or -1 with errors in diags (an unknown region, an unreadable log, OOM).
 * After -1 the result may still hold what was computed (a bad submissions log or an alert's
 * runtime error leave the milestones assessed): call eval_result_free either way. */
int eval_plan(const pc_plan *plan, const dataset *ds, const eval_options *opt,
              eval_result *out, diag_sink *diags);
void eval_result_free(eval_result *r);

/* The as-of year an evaluation without --as-of takes (DESIGN §4, v2): the latest year with
 * a value in the plan's own series, a lone typo year left out (eval_plan warns about it);
 * else the data's latest year; 0 when none. */
int eval_default_as_of(const pc_plan *plan, const dataset *ds);

/* The dataset spec a plan needs (indicators it uses, with their units). */
int eval_spec(const pc_plan *plan, ds_spec *spec, arena *a);

#endif
