/* plancheck.h — the public face of libplancheck: load a .plan file and indicator data,
 * evaluate, write a report. Everything else in the library is private. No function here
 * prints unless given a FILE, and none exits: errors are counted and kept as diagnostics. */
#ifndef PLANCHECK_H
#define PLANCHECK_H
#include <stddef.h>
#include <stdio.h>

#define PLANCHECK_VERSION "0.1.0"

typedef struct pc_session pc_session;

typedef struct pc_eval_options {
    int as_of;               /* 0: the latest year with any data */
    const char *region;      /* NULL: the plan's region */
    int all_regions;
    const char *submissions; /* a submissions log (CSV), or NULL */
} pc_eval_options;

pc_session *pc_session_new(void);
void pc_session_free(pc_session *s);

/* Each returns 0, or -1 with diagnostics recorded (see pc_print_diagnostics). */
int pc_load_plan(pc_session *s, const char *path);
int pc_load_plan_text(pc_session *s, const char *name, const char *text, size_t len);
int pc_load_data(pc_session *s, const char *csv_path);   /* after the plan */
int pc_evaluate(pc_session *s, const pc_eval_options *opt);

/* format: "text", "json", "csv", "markdown", "html". Returns 0, -1 on a bad format or
 * a write error. */
int pc_write_report(pc_session *s, FILE *out, const char *format);

/* Statuses of the last evaluation: how many milestones have this status ("on_track"…). */
int pc_count_status(const pc_session *s, const char *status);

int pc_error_count(const pc_session *s);
void pc_print_diagnostics(pc_session *s, FILE *out, int color);   /* and clears them */

#endif
