/* eval_spec.c — the dataset spec of a plan: which indicators, dimensions and units the
 * data must provide, so a reader can keep only those rows. Reads the plan, not the data. */
#include "eval_int.h"
#include <string.h>

/* ---- the dataset spec ---- */

typedef struct spec_walk {
    const pc_plan *p;
    char *used;          /* per indicator */
    char *let_seen;      /* per let */
} spec_walk;

static int ind_index(const pc_plan *p, const indicator *ind)
{
    for (int i = 0; i < p->nindicators; i++)
        if (p->indicators[i] == ind)
            return i;
    return -1;
}

static void walk_expr(spec_walk *w, const expr *e);

static void use_ind(spec_walk *w, const indicator *ind)
{
    int i = ind ? ind_index(w->p, ind) : -1;
    if (i < 0 || w->used[i])   /* each indicator once: no depth limit needed, cycles stop here */
        return;
    w->used[i] = 1;
    if (ind->derived)
        walk_expr(w, ind->derived);
}

/* Recursion is bounded by the parser's limits (brackets, calls); operator chains and unary
 * operators are followed by a loop, each let and indicator is walked once: no component is
 * ever cut off, however long the formula. */
static void walk_expr(spec_walk *w, const expr *e)
{
    while (e) {
        switch (e->kind) {
        case EX_NAME:
            if (e->ref_kind == REF_INDICATOR)
                use_ind(w, e->ref);
            else if (e->ref_kind == REF_TARGET)
                use_ind(w, ((const target *)e->ref)->series.resolved);
            else if (e->ref_kind == REF_LET)
                for (int i = 0; i < w->p->nlets; i++)
                    if (w->p->lets[i] == e->ref && !w->let_seen[i]) {
                        w->let_seen[i] = 1;
                        walk_expr(w, w->p->lets[i]->value);
                    }
            return;
        case EX_SERIES: use_ind(w, e->as.series.resolved); return;
        case EX_BIN:
            walk_expr(w, e->as.bin.r);
            e = e->as.bin.l;
            break;
        case EX_NOT:
        case EX_NEG: e = e->as.operand; break;
        case EX_CALL:
            for (int i = 0; i < e->as.call.nargs; i++)
                walk_expr(w, e->as.call.args[i]);
            return;
        case EX_AT:
            walk_expr(w, e->as.at.year);
            e = e->as.at.series;
            break;
        default: return;
        }
    }
}

static const char *canonical_unit(const indicator *ind)
{
    if (!ind->has_unit)
        return NULL;
    switch (ind->u.kind) {
    case UNIT_BARE: return "";
    case UNIT_PERCENT: return "%";
    case UNIT_PERMILLE: return "per 1000";
    default:
        if (ind->u.scale == 1000) return "per 1000";
        if (ind->u.scale == 100000) return "per 100000";
        return NULL;   /* a unit the data's unit column cannot name canonically: unchecked */
    }
}

/* Every indicator the plan reads from data: target series, the components of derived
 * ones, and the indicators named in lets and alerts. Derived indicators themselves are
 * not read (they are computed). */
int eval_spec(const pc_plan *plan, ds_spec *spec, arena *a)
{
    memset(spec, 0, sizeof *spec);
    spec_walk w = {plan, NULL, NULL};
    w.used = pc_calloc((size_t)plan->nindicators + 1, 1);
    w.let_seen = pc_calloc((size_t)plan->nlets + 1, 1);
    if (!w.used || !w.let_seen) {
        pc_free(w.used);
        pc_free(w.let_seen);
        return -1;
    }
    for (int i = 0; i < plan->ntargets; i++)
        use_ind(&w, plan->targets[i]->series.resolved);
    for (int i = 0; i < plan->nlets; i++)
        if (!w.let_seen[i]) {
            w.let_seen[i] = 1;
            walk_expr(&w, plan->lets[i]->value);
        }
    for (int i = 0; i < plan->nalerts; i++)
        walk_expr(&w, plan->alerts[i]->when);
    size_t n = 0;
    for (int i = 0; i < plan->nindicators; i++)
        n += w.used[i] && !plan->indicators[i]->derived;
    ds_spec_ind *inds = arena_alloc(a, sizeof *inds * (n ? n : 1));
    if (!inds) {
        pc_free(w.used);
        pc_free(w.let_seen);
        return -1;
    }
    n = 0;
    for (int i = 0; i < plan->nindicators; i++) {
        const indicator *ind = plan->indicators[i];
        if (!w.used[i] || ind->derived)
            continue;
        inds[n].name = ind->id.name;
        inds[n].unit = canonical_unit(ind);
        inds[n].agg = (int)ind->agg;
        if (ind->ncodes) {
            const char **codes = arena_alloc(a, sizeof *codes * (size_t)ind->ncodes);
            if (!codes) {
                pc_free(w.used);
                pc_free(w.let_seen);
                return -1;
            }
            for (int k = 0; k < ind->ncodes; k++)
                codes[k] = ind->codes[k].name;
            inds[n].codes = codes;
            inds[n].ncodes = (size_t)ind->ncodes;
        }
        n++;
    }
    spec->inds = inds;
    spec->ninds = n;
    /* the dimensions the plan declares (on any indicator): the only columns that filter */
    size_t nd = 0;
    for (int i = 0; i < plan->nindicators; i++)
        nd += (size_t)plan->indicators[i]->ndims;
    const char **dims = arena_alloc(a, sizeof *dims * (nd ? nd : 1));
    if (!dims) {
        pc_free(w.used);
        pc_free(w.let_seen);
        return -1;
    }
    nd = 0;
    for (int i = 0; i < plan->nindicators; i++)
        for (int k = 0; k < plan->indicators[i]->ndims; k++)
            dims[nd++] = plan->indicators[i]->dims[k].name;
    spec->dims = dims;
    spec->ndims = nd;
    spec->dims_declared = 1;
    pc_free(w.used);
    pc_free(w.let_seen);
    return 0;
}
