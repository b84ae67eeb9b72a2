/* eval_int.h — what the files of the evaluator share (eval.c, eval_source.c, eval_expr.c,
 * eval_stream.c, eval_spec.c): the series sources, the milestones prepared for a run and the
 * streaming job. Private to them; eval.h is the evaluator's face. */
#ifndef PC_EVAL_INT_H
#define PC_EVAL_INT_H

#include "eval.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* ---- series sources: where an annual view comes from, as interned ids ---- */

typedef struct src src;
struct src {
    const indicator *ind;
    int present;               /* plain: every string exists in the dataset */
    uint32_t ind_id, dim_id;
    const ds_series *ser;      /* plain: looked up ahead for the region being filled */
    int have_ser;
    /* derived */
    int ncomp;
    const expr **comp_node;
    src *comp;
    size_t *pos;
    const pc_plan *plan;
    /* the filled view (pc_realloc'd buffers) */
    int *years;
    double *values;
    size_t cap, n;
    size_t stamp;              /* region stamp of the filled view */
    const char *dimkey;        /* derived: the selectors it was built for (x@2020 in the
                                  formula reads x with them too) */
};

/* The checker bounds how deep derived indicators nest and rejects cycles: a guard only. */
#define SRC_MAX_DEPTH (AST_MAX_DERIVED_DEPTH + 1)

typedef struct ms_prep {
    const milestone *ms;
    int mi;                  /* index in plan->milestones (owners) */
    int card;                /* agency card of its lead, -1 nobody */
    int *co_cards;           /* cards of its joint leads (responsible A, B for …) */
    int nco;
    src *s;
    size_t si;               /* index of s in the source array (workers have their own) */
    assess_input in;
} ms_prep;

typedef struct stream_job {
    const pc_plan *plan;
    const dataset *ds;
    const eval_stream *st;
    const ms_prep *prep;
    size_t nms;
    const src *srcs;         /* the prototypes (ind) and their dimension keys */
    const char *const *keys;
    size_t nsrcs;
    const char **rnames;
    const uint32_t *rids;
    size_t nreg, block;
    int as_of, ncards;
    diag_sink *diags;        /* for the first region only */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next_block;       /* the next block to claim */
    size_t next_flush;       /* the block whose turn it is to flush */
    int stop;                /* an error: everybody stops */
    int oom;
} stream_job;

typedef struct stream_worker {
    stream_job *job;
    int id;
    int failed;              /* put/flush said stop, or out of memory */
    int counts[ST__COUNT];
    agency_card *cards;
    pthread_t thread;
    int threaded;
} stream_worker;

const char *dimkey_dup(const series_ref *sel, const char *inherit, arena *a);
int src_build(src *s, const pc_plan *plan, const dataset *ds, const indicator *ind,
              const char *dimkey, arena *a, int depth);
void src_release(src *s);
int src_fill(src *s, const dataset *ds, uint32_t region, int year_max, eval_env *env);
value eval_boolean(int b);
int eval_value_num(const value *v, double *x);
void ms_input(const pc_plan *plan, const milestone *m, int as_of, assess_input *in);
const milestone *status_milestone(const target *t, int as_of, int year, int has_year);
void count_cards(agency_card *cards, const ms_prep *p, pc_status st);
int stream_regions(stream_job *j, eval_result *out);

#endif
