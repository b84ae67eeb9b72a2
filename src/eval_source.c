/* eval_source.c — series sources: where the annual view of a plain or derived indicator
 * comes from (interned ids, filled once per region); derived formulas evaluated year by
 * year. No printing, and no lookup by string on the per-region path. */
#include "eval_int.h"
#include <math.h>
#include <string.h>

static int dimkey_of(const series_ref *sel, const char *inherit, char *buf, size_t len)
{
    if (!sel || sel->nsels == 0) {
        snprintf(buf, len, "%s", inherit ? inherit : "");
        return 0;
    }
    const char *dims[64], *vals[64];
    int n = sel->nsels < 64 ? sel->nsels : 64;
    for (int i = 0; i < n; i++) {
        dims[i] = sel->sels[i].dim.name;
        vals[i] = sel->sels[i].value;
    }
    return ds_dimkey(dims, vals, (size_t)n, buf, len) < 0 ? -1 : 0;
}

/* The dimension key of a selector (or inherit when it has none) in arena a, as long as it
 * needs to be; "\x1e" (matches nothing) past ds_dimkey's 64 dimensions. NULL: out of memory. */
const char *dimkey_dup(const series_ref *sel, const char *inherit, arena *a)
{
    size_t need = inherit ? strlen(inherit) + 1 : 1;
    for (int i = 0; sel && i < sel->nsels; i++)
        need += strlen(sel->sels[i].dim.name) + strlen(sel->sels[i].value) + 2;
    char *buf = arena_alloc(a, need);
    if (buf && dimkey_of(sel, inherit, buf, need) < 0)
        strcpy(buf, "\x1e");
    return buf;
}

static void collect_nodes(const expr *e, const expr **out, int *n, int cap)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        if (e->ref_kind == REF_INDICATOR) {
            if (*n < cap)
                out[*n] = e;
            (*n)++;
        }
        break;
    case EX_SERIES:
        if (*n < cap)
            out[*n] = e;
        (*n)++;
        break;
    case EX_BIN:
        collect_nodes(e->as.bin.l, out, n, cap);
        collect_nodes(e->as.bin.r, out, n, cap);
        break;
    case EX_NEG:
    case EX_NOT:
        collect_nodes(e->as.operand, out, n, cap);
        break;
    default:
        break;   /* calls, x@Y, lets: evaluated as expressions */
    }
}

static const indicator *node_ind(const expr *e)
{
    if (e->kind == EX_SERIES)
        return e->as.series.resolved;
    return e->ref_kind == REF_INDICATOR ? e->ref : NULL;
}

/* Build a source in arena a; returns 0, -1 on OOM. */
int src_build(src *s, const pc_plan *plan, const dataset *ds, const indicator *ind,
              const char *dimkey, arena *a, int depth)
{
    memset(s, 0, sizeof *s);
    s->ind = ind;
    s->plan = plan;
    s->stamp = (size_t)-1;
    if (!ind)
        return 0;
    if (!ind->derived) {
        s->present = ds && ds_lookup_str(ds, ind->id.name, strlen(ind->id.name), &s->ind_id);
        if (s->present && dimkey && dimkey[0])
            s->present = ds_lookup_str(ds, dimkey, strlen(dimkey), &s->dim_id);
        return 0;
    }
    if (depth >= SRC_MAX_DEPTH)
        return 0;   /* a cycle of derived indicators: no data */
    int n = 0;
    collect_nodes(ind->derived, NULL, &n, 0);
    if (n == 0)
        return 0;
    s->ncomp = n;
    s->dimkey = dimkey && dimkey[0] ? arena_strdup(a, dimkey) : NULL;
    s->comp_node = arena_alloc(a, sizeof *s->comp_node * (size_t)n);
    s->comp = arena_alloc(a, sizeof *s->comp * (size_t)n);
    s->pos = arena_alloc(a, sizeof *s->pos * (size_t)n);
    if (!s->comp_node || !s->comp || !s->pos)
        return -1;
    n = 0;
    collect_nodes(ind->derived, s->comp_node, &n, s->ncomp);
    for (int i = 0; i < s->ncomp; i++) {
        const expr *e = s->comp_node[i];
        const char *key = dimkey_dup(e->kind == EX_SERIES ? &e->as.series : NULL, dimkey, a);
        if (!key || src_build(&s->comp[i], plan, ds, node_ind(e), key, a, depth + 1) < 0)
            return -1;
    }
    return 0;
}

void src_release(src *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ncomp; i++)
        src_release(&s->comp[i]);
    pc_free(s->years);
    pc_free(s->values);
    s->years = NULL;
    s->values = NULL;
    s->cap = s->n = 0;
}

static int src_reserve(src *s, size_t n)
{
    if (n <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 16;
    while (cap < n)
        cap *= 2;
    int *y = pc_realloc(s->years, cap * sizeof *y);
    if (!y)
        return -1;
    s->years = y;
    double *v = pc_realloc(s->values, cap * sizeof *v);
    if (!v)
        return -1;
    s->values = v;
    s->cap = cap;
    return 0;
}

static double dv_eval(const src *s, const expr *e, eval_env *env);

/* Fill s's view for a region (years <= year_max). env: for the parts of a derived formula
 * that are whole expressions (may be NULL: they are then NA). Returns 0, -1 on OOM. */
int src_fill(src *s, const dataset *ds, uint32_t region, int year_max, eval_env *env)
{
    s->n = 0;
    if (!s->ind || region == EVAL_NO_REGION || !ds)
        return 0;
    if (!s->ind->derived) {
        if (!s->present)
            return 0;
        const ds_series *ser = s->have_ser ? s->ser : ds_find_ids(ds, s->ind_id, region, s->dim_id);
        s->have_ser = 0;
        if (!ser)
            return 0;
        size_t need = ds_yearly_cap(ser);
        if (need > s->cap && src_reserve(s, need) < 0)
            return -1;
        s->n = ds_annual(ser, year_max, s->years, s->values, s->cap);
        return 0;
    }
    if (s->ncomp == 0)
        return 0;
    size_t least = SIZE_MAX;
    for (int i = 0; i < s->ncomp; i++) {
        if (src_fill(&s->comp[i], ds, region, year_max, env) < 0)
            return -1;
        if (s->comp[i].n < least)
            least = s->comp[i].n;
        s->pos[i] = 0;
    }
    if (least == 0)
        return 0;
    if (src_reserve(s, least) < 0)
        return -1;
    const src *c0 = &s->comp[0];
    for (size_t k = 0; k < c0->n; k++) {
        int y = c0->years[k];
        int all = 1;
        s->pos[0] = k;
        for (int i = 1; i < s->ncomp && all; i++) {
            const src *c = &s->comp[i];
            size_t p = s->pos[i];
            while (p < c->n && c->years[p] < y)
                p++;
            s->pos[i] = p;
            all = p < c->n && c->years[p] == y;
        }
        if (!all)
            continue;
        const char *saved = env ? env->inherit_dimkey : NULL;
        if (env)
            env->inherit_dimkey = s->dimkey;
        double v = dv_eval(s, s->ind->derived, env);
        if (env)
            env->inherit_dimkey = saved;
        if (isfinite(v) && s->n < s->cap) {
            s->years[s->n] = y;
            s->values[s->n] = v;
            s->n++;
        }
    }
    return 0;
}

/* A derived formula at the year its components are positioned at. */
static double dv_eval(const src *s, const expr *e, eval_env *env)
{
    switch (e->kind) {
    case EX_NUM:
        return e->as.num.value;
    case EX_NAME:
    case EX_SERIES:
        if (e->kind == EX_SERIES || e->ref_kind == REF_INDICATOR) {
            for (int i = 0; i < s->ncomp; i++)
                if (s->comp_node[i] == e)
                    return s->comp[i].values[s->pos[i]];
            return NAN;
        }
        break;
    case EX_NEG:
        return -dv_eval(s, e->as.operand, env);
    case EX_BIN: {
        double l = dv_eval(s, e->as.bin.l, env), r = dv_eval(s, e->as.bin.r, env);
        switch (e->as.bin.op) {
        case OP_ADD: return l + r;
        case OP_SUB: return l - r;
        case OP_MUL: return l * r;
        case OP_DIV: return r == 0 ? NAN : l / r;
        default: return NAN;
        }
    }
    default:
        break;
    }
    if (!env)
        return NAN;
    value v = eval_expr(env, e);
    double x;
    return eval_value_num(&v, &x) == 0 ? x : NAN;
}
