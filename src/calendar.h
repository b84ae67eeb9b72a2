/* calendar.h — the reporting calendar: the concrete deadlines of each `report` rule up to an
 * as-of date, and their state against a submissions log (agency,report,period,submitted).
 * Dates and periods only: it assesses no target and prints nothing. */
#ifndef PC_CALENDAR_H
#define PC_CALENDAR_H
#include "eval.h"

/* Days since 1970-01-01 of a full date (proleptic Gregorian). */
long cal_days(int year, int month, int day);
int cal_month_days(int year, int month);
int cal_date_cmp(date a, date b);                    /* <0, 0, >0 by year, month, day */
/* Parse "YYYY-MM-DD" (exactly); 0 ok, -1 not a valid date. */
int cal_parse_date(const char *s, size_t n, date *out);

/* One concrete deadline of a rule. */
typedef struct cal_due {
    date due;
    char period[16];         /* "2024", "2024S1", "2024Q3", "2024-06", "2025-12-31" */
} cal_due;

/* The deadlines of rp from first_year to last_year inclusive (a `once` rule: its date,
 * whatever the window), ascending, written into out[0..cap); returns how many there are
 * (which may exceed cap: call again with a bigger buffer). */
size_t cal_deadlines(const report *rp, int first_year, int last_year, cal_due *out, size_t cap);

/* The whole calendar of a plan as of a date: report results (in the arena) sorted by
 * report (file order), then deadline, then agency (plan order). submissions: a log's path
 * or NULL. text/len: the log's contents instead of a path (tests; path is then its name).
 * Returns 0, or -1 with errors in diags. */
int cal_run(const pc_plan *plan, date as_of, const char *submissions, const char *text, size_t len,
            arena *a, report_result **out, size_t *n, diag_sink *diags);

#endif
