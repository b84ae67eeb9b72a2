/* resolve.h — the checked plan: names looked up, ids generated, units and types checked,
 * responsibilities resolved per milestone. Built from one or more parsed files (the REPL
 * adds entries one by one). The checker reports every error it finds, never stops at one. */
#ifndef PC_RESOLVE_H
#define PC_RESOLVE_H
#include "ast.h"
#include "strmap.h"

typedef struct ms_owner {
    const agency *lead;          /* NULL: nobody is responsible */
    const agency **co;           /* joint leads after the first ("responsible A, B for …") */
    int nco;
    const agency **with;
    int nwith;
    const decl *from;            /* the responsible line that gave it */
} ms_owner;

typedef struct pc_plan {
    arena *arena;                /* the plan's own allocations (arrays, generated ids) */
    ast_file **files;
    int nfiles, files_cap;
    const plan_meta *meta;       /* NULL when no plan block */
    agency **agencies;       int nagencies;
    indicator **indicators;  int nindicators;
    target **targets;        int ntargets;
    milestone **milestones;  int nmilestones;   /* in file order; a rate target is one milestone */
    ms_owner *owners;                            /* parallel to milestones */
    responsible **resps;     int nresps;
    report **reports;        int nreports;
    task **tasks;            int ntasks;
    let_decl **lets;         int nlets;
    alert_decl **alerts;     int nalerts;
    strmap *agency_map, *indicator_map, *target_map, *let_map, *milestone_map;
    struct let_state *let_states;               /* the checker's work list for lets */
} pc_plan;

/* Check files[0..n) together as one plan. Returns the plan (NULL only when out of memory);
 * *nerrors is the number of errors recorded in diags (the plan must not be evaluated then). */
pc_plan *resolve_plan(ast_file *const *files, int n, diag_sink *diags, int *nerrors);
void resolve_free(pc_plan *p);   /* frees the plan, not the files */

/* Lookups by name (NULL when absent). */
const agency *resolve_agency(const pc_plan *p, const char *name);
const indicator *resolve_indicator(const pc_plan *p, const char *name);
const target *resolve_target(const pc_plan *p, const char *name);
const milestone *resolve_milestone(const pc_plan *p, const char *id);  /* "CT4/2025" */
const let_decl *resolve_let(const pc_plan *p, const char *name);
int resolve_milestone_index(const pc_plan *p, const milestone *m);

/* The indicator's direction, inferred from its targets' comparators when not declared. */
direction resolve_direction(const indicator *ind, cmp_op cmp);

/* The method of the plan (default cr) and its baseline year (0: none). */
method resolve_method(const pc_plan *p);
int resolve_baseline(const pc_plan *p, const target *t);

/* Expression types, as the checker sees them. */
typedef enum { TY_ERROR, TY_NUMBER, TY_BOOL, TY_STRING, TY_SERIES, TY_TARGET, TY_AGENCY, TY_STATUS, TY_NA } ty;

/* Check an expression entered on its own (REPL) against the plan; returns its type. */
ty resolve_expr(const pc_plan *p, expr *e, diag_sink *diags);

#endif
