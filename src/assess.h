/* assess.h — the assessment rules of DESIGN.md §4, as pure functions of one milestone and
 * one annual series. No I/O, no names, no allocation except the list of broken years. */
#ifndef PC_ASSESS_H
#define PC_ASSESS_H
#include "ast.h"
#include "dataset.h"

typedef enum {
    ST_MET, ST_MISSED, ST_ACHIEVED, ST_ON_TRACK, ST_AT_RISK, ST_OFF_TRACK, ST_WORSENING,
    ST_NO_TREND, ST_NO_DATA, ST_MAINTAINED, ST_BROKEN, ST__COUNT
} pc_status;

const char *assess_status_str(pc_status s);          /* "on_track" */
const char *assess_status_label(pc_status s);        /* "on track" (for people) */
int assess_status_parse(const char *s, pc_status *out);  /* on_track, on-track, On Track; 0 ok, -1 unknown */

typedef enum { AK_BY, AK_MAINTAIN, AK_RATE } assess_kind;

typedef struct assess_input {
    assess_kind kind;
    cmp_op cmp;
    double threshold;        /* v*, in the indicator's unit */
    int decimals;            /* digits written after the point (tolerance of '=') */
    direction dir;           /* DIR_UNSET: taken from cmp (< <= lower, > >= higher) */
    int deadline;            /* AK_BY: D */
    int from, to;            /* AK_MAINTAIN: 0 = not written; AK_RATE: the window */
    int rate_increase;       /* AK_RATE: 1 increase, 0 decrease */
    double rate_lo;          /* AK_RATE: lower bound of the yearly relative change, percent */
    method method;
    int as_of;               /* A */
    int baseline;            /* declared baseline year (target's, else plan's), 0: none */
    int has_stated_base;     /* the target says `baseline V in YEAR`: V (in stated_base) */
    double stated_base;      /*   supplies x_B when the data has no value for YEAR */
    double within;           /* AK_MAINTAIN: tolerance `within T` (0: none) */
} assess_input;

/* Why a no_trend / no_data (or an undefined trend) came about. */
typedef enum {
    AR_NONE, AR_NO_VALUE, AR_NO_DEADLINE_VALUE, AR_ONE_POINT, AR_BASELINE_AFTER_LATEST,
    AR_NEGATIVE, AR_FEW_POSITIVE, AR_WINDOW_NOT_OPEN, AR_NO_WINDOW_VALUE, AR_WINDOW_ONE_POINT,
    AR__COUNT
} assess_reason;
const char *assess_reason_str(assess_reason r);      /* "one point"; NULL for AR_NONE */

typedef struct assess_result {
    pc_status status;
    method method;
    int base_year;           /* B, 0 when none */
    double base_value;       /* x_B, NaN when none */
    int latest_year;         /* L, 0 when none */
    double latest_value;     /* x_L, NaN when none */
    double deadline_value;   /* x_D for a reached deadline, NaN otherwise */
    double actual_rate;      /* r_a (or AARR for aarr), NaN when it does not apply */
    double required_rate;    /* r_r (or AARR*) */
    double ratio;            /* CR, P, or AARR/AARR*; NaN when it does not apply */
    double projected;        /* x_L (1 + r_a)^(D - L) */
    double expected_now;     /* x_B (1 + r_r)^(L - B): where the required path is at L */
    double required_rate_from_now;   /* (v* / x_L)^(1/(D - L)) - 1 */
    int value_year;          /* the year whose value decided met/missed (D, D-1 or D+1); 0 */
    int declared_base;       /* the declared baseline year when B moved away from it; 0 */
    int base_from_plan;      /* x_B is the target's stated `baseline V in YEAR` */
    int ev_points;           /* evidence: years with a value used from B to L (0: none) */
    int ev_span;             /*   L - B */
    int ev_age;              /*   A - L */
    assess_reason reason;    /* AR_NONE, or why no_trend / no_data */
    int nbroken;             /* AK_MAINTAIN: failing years; AK_RATE: years below the bound */
    int *broken;             /* in the arena given to assess_milestone; NULL when none */
} assess_result;

/* y: the annual values of the series up to any year (assess ignores years > as_of except
 * for the value at a reached deadline). a: where the broken-year list goes (may be NULL:
 * then only nbroken is set). */
void assess_milestone(const assess_input *in, const ds_yearly *y, assess_result *out, arena *a);

/* Does x satisfy "x cmp v" ('=' with the tolerance of half a unit in the last digit)? */
int assess_satisfies(double x, cmp_op cmp, double v, int decimals);

/* The thresholds of each method, as statuses (a tie belongs to the better status).
 * cr: CR; projection: P; aarr: AARR and AARR* (already negated when higher is better). */
pc_status assess_cr_status(double cr);
pc_status assess_projection_status(double p);
pc_status assess_aarr_status(double aarr, double required);

#endif
