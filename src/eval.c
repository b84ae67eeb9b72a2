/* eval.c — running a checked plan against a dataset: milestones × regions assessed (the
 * rules are assess.c's), owners, agency cards, alerts; and the tree-walking evaluator of
 * expressions. It prints nothing and never exits; the per-(milestone, region) path makes no
 * allocation and looks nothing up by string.
 *
 * Decisions (for docs/language.md):
 *  - As-of year A: --as-of; else the year of eval_options.as_of_date; else the latest year
 *    with any value in the data; with an empty dataset the year the plan was issued; with
 *    none of these, an error ("no data and no --as-of").
 *  - Regions: --all-regions is every region of the data in byte order (an empty dataset:
 *    the plan's region if it names one, else none). Else --region, else the plan's `region`,
 *    else the data's only region; else an error listing the first regions. A region named
 *    by --region or the plan that the data lacks is an error with "did you mean" — unless
 *    the dataset is empty (then every milestone is no_data).
 *  - Results are sorted by region, then milestone id (byte order). Agency cards: every
 *    agency that leads at least one milestone, in declaration order; counts are over every
 *    region in scope. Milestones nobody leads are in eval_result.counts only.
 *  - Derived indicators (indicator imr = a / b * 1000) are always computed, even when the
 *    data holds a series of the same name: year by year over the years where every series
 *    named in the formula has a value; a year where the formula is not a finite number
 *    (a division by zero) is missing. The target's selectors apply to the components named
 *    plainly (imr[area = "rural"] reads a[area = "rural"]); a component written with its own
 *    selectors keeps them. Anything else in a formula (a let, a function call, x@2015) is
 *    evaluated once per region as an expression.
 *  - Expressions see the data up to A only (latest, value, x@Y, change, …). NA propagates
 *    through arithmetic, comparisons and functions; a division by zero is NA; `and`/`or`
 *    are three-valued (false and NA = false, true or NA = true, otherwise NA).
 *    `=` and `!=` between numbers are exact, except against a number literal, which gets the
 *    tolerance of a target's `=` (half a unit in its last written digit).
 *    baseline(s): the value at the plan's baseline year (NA when that year has no value),
 *    else at the earliest year with data. cagr(s): (x_L/x_B)^(1/(L−B)) − 1 with B as in §4
 *    (a zero x_B taken as 0.001), NA when L ≤ B. projected(s, Y) = x_L·(1 + cagr)^(Y − L).
 *    change(s) = x_L − x_P, P the latest year before L with data.
 *    min/max/avg/sum(s): over the latest values (≤ A) of every region of the dataset
 *    (regions without a value are left out; none at all: NA).
 *    status(T): the first milestone of T (by deadline) whose deadline ≥ A, else the last;
 *    a target with only a maintain milestone uses it. status(T, Y): the milestone with
 *    deadline Y; none is a runtime error (NA).
 *  - Alerts are evaluated for every alert × region in scope (alert order, then region);
 *    fired is 1, 0, or −1 when the condition is NA. A runtime error in an alert (a year
 *    from the data that is not whole, …) is a warning, once per alert, and that alert is
 *    NA (−1): it never stops the report.
 *    eval_options.want_alerts is ignored (alerts are cheap: region-independent parts such as
 *    avg(s) are computed once per evaluation through the eval_cache).
 *  - Performance: per (milestone, region) nothing is allocated or looked up by string; a
 *    series shared by several milestones is filled once per region. The result array is
 *    ~136 bytes × regions × milestones (272 MB at 50,000 × 40), asked to live on huge pages;
 *    with eval_options.stream there is none: blocks of regions are assessed on worker
 *    threads and handed to the writer in order (the CSV path of `plancheck eval`).
 */
#include "eval.h"
#include "calendar.h"
#include "numfmt.h"
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

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
};

/* The checker bounds how deep derived indicators nest and rejects cycles: a guard only. */
#define SRC_MAX_DEPTH (AST_MAX_DERIVED_DEPTH + 1)

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
static const char *dimkey_dup(const series_ref *sel, const char *inherit, arena *a)
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
static int src_build(src *s, const pc_plan *plan, const dataset *ds, const indicator *ind,
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

static void src_release(src *s)
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
static int src_fill(src *s, const dataset *ds, uint32_t region, int year_max, eval_env *env)
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
        double v = dv_eval(s, s->ind->derived, env);
        if (isfinite(v) && s->n < s->cap) {
            s->years[s->n] = y;
            s->values[s->n] = v;
            s->n++;
        }
    }
    return 0;
}

static int value_num(const value *v, double *x);

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
    return value_num(&v, &x) == 0 ? x : NAN;
}

/* ---- values ---- */

static value mk(value_kind k)
{
    value v;
    memset(&v, 0, sizeof v);
    v.kind = k;
    return v;
}

static value na(void) { return mk(V_NA); }

static value number(double x, const unit *u, int has_unit)
{
    if (!isfinite(x))
        return na();
    value v = mk(V_NUMBER);
    v.num = x;
    if (u && has_unit) {
        v.u = *u;
        v.has_unit = 1;
    }
    return v;
}

static value number_of_ind(double x, const indicator *ind)
{
    return number(x, ind ? &ind->u : NULL, ind && ind->u.kind != UNIT_BARE);
}

static value boolean(int b)
{
    value v = mk(V_BOOL);
    v.boolean = b != 0;
    return v;
}

static int value_num(const value *v, double *x)
{
    if (v->kind != V_NUMBER)
        return -1;
    *x = v->num;
    return 0;
}

static void rt_error(eval_env *env, const expr *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rt_error(eval_env *env, const expr *e, const char *fmt, ...)
{
    if (!env->diags)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_at(env->diags, DIAG_ERROR, e ? &e->loc : NULL, "%s", msg);
}

/* ---- the cache of region-independent results ---- */

typedef struct cache_ent {
    const expr *node;
    const dataset *ds;
    const pc_plan *plan;
    int as_of;
    value v;
} cache_ent;

struct eval_cache {
    cache_ent *items;
    size_t n, cap;
};

struct eval_cache *eval_cache_new(void) { return pc_calloc(1, sizeof(struct eval_cache)); }

void eval_cache_free(struct eval_cache *c)
{
    if (!c)
        return;
    pc_free(c->items);
    pc_free(c);
}

static const value *cache_get(const eval_env *env, const expr *e)
{
    struct eval_cache *c = env->cache;
    for (size_t i = 0; c && i < c->n; i++)
        if (c->items[i].node == e && c->items[i].ds == env->ds && c->items[i].plan == env->plan &&
            c->items[i].as_of == env->as_of)
            return &c->items[i].v;
    return NULL;
}

static void cache_put(eval_env *env, const expr *e, value v)
{
    struct eval_cache *c = env->cache;
    if (!c || PC_GROW(c->items, c->cap, c->n) < 0)
        return;
    cache_ent *ce = &c->items[c->n++];
    ce->node = e;
    ce->ds = env->ds;
    ce->plan = env->plan;
    ce->as_of = env->as_of;
    ce->v = v;
}

/* ---- a series value's annual view, for the env's region ---- */

typedef struct view {
    arena *a;
    src s;
    ds_yearly y;
    const indicator *ind;
} view;

static int view_open(eval_env *env, const value *sv, uint32_t region, int year_max, view *vw)
{
    memset(vw, 0, sizeof *vw);
    vw->ind = sv->ind;
    vw->a = arena_new();
    if (!vw->a)
        return -1;
    const char *key = dimkey_dup(sv->series, NULL, vw->a);
    if (!key || src_build(&vw->s, env->plan, env->ds, sv->ind, key, vw->a, 0) < 0 ||
        src_fill(&vw->s, env->ds, region, year_max, env) < 0) {
        src_release(&vw->s);
        arena_free(vw->a);
        vw->a = NULL;
        return -1;
    }
    vw->y.years = vw->s.years;
    vw->y.values = vw->s.values;
    vw->y.n = vw->s.n;
    return 0;
}

static void view_close(view *vw)
{
    src_release(&vw->s);
    arena_free(vw->a);
    vw->a = NULL;
}

static int find_year(const ds_yearly *y, int year, double *x)
{
    size_t lo = 0, hi = y->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (y->years[mid] < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < y->n && y->years[lo] == year) {
        *x = y->values[lo];
        return 1;
    }
    return 0;
}

int eval_series(const pc_plan *plan, const dataset *ds, const indicator *ind, const series_ref *sel,
                uint32_t region, int year_max, arena *a, ds_yearly *out)
{
    memset(out, 0, sizeof *out);
    eval_env env;
    memset(&env, 0, sizeof env);
    env.plan = plan;
    env.ds = ds;
    env.as_of = year_max;
    env.region = region;
    value sv = mk(V_SERIES);
    sv.ind = ind;
    sv.series = sel;
    view vw;
    if (view_open(&env, &sv, region, year_max, &vw) < 0)
        return -1;
    int rc = 0;
    if (vw.y.n) {
        int *ys = arena_alloc(a, sizeof *ys * vw.y.n);
        double *vs = arena_alloc(a, sizeof *vs * vw.y.n);
        if (!ys || !vs) {
            rc = -1;
        } else {
            memcpy(ys, vw.y.years, sizeof *ys * vw.y.n);
            memcpy(vs, vw.y.values, sizeof *vs * vw.y.n);
            out->years = ys;
            out->values = vs;
            out->n = vw.y.n;
        }
    }
    view_close(&vw);
    return rc;
}

/* ---- milestones as assessment inputs ---- */

static void ms_input(const pc_plan *plan, const milestone *m, int as_of, assess_input *in)
{
    const target *t = m->target;
    const indicator *ind = t->series.resolved;
    memset(in, 0, sizeof *in);
    in->cmp = m->cmp;
    in->threshold = m->q.value;
    in->decimals = m->q.decimals;
    in->dir = resolve_direction(ind, m->cmp);
    in->method = resolve_method(plan);
    in->as_of = as_of;
    in->baseline = resolve_baseline(plan, t);
    if (t->kind == TG_RATE && m == &t->rate_ms) {
        in->kind = AK_RATE;
        in->deadline = t->rate_to;
        in->from = t->rate_from;
        in->to = t->rate_to;
        in->rate_increase = t->rate_increase;
        in->rate_lo = t->rate_lo.value;
    } else if (m->kind == MS_MAINTAIN) {
        /* a maintain without its own window is bounded by the plan's period, if any */
        in->kind = AK_MAINTAIN;
        in->from = m->win_from;
        in->to = m->win_to;
    } else {
        in->kind = AK_BY;
        in->deadline = m->year;
    }
}

/* The milestone status(T [, year]) means; NULL when none. */
static const milestone *status_milestone(const target *t, int as_of, int year, int has_year)
{
    if (t->kind == TG_RATE)
        return !has_year || year == t->rate_to ? &t->rate_ms : NULL;
    const milestone *last = NULL, *maint = NULL;
    for (int i = 0; i < t->nms; i++) {
        const milestone *m = &t->ms[i];
        if (m->kind == MS_MAINTAIN) {
            maint = m;
            continue;
        }
        if (has_year) {
            if (m->year == year)
                return m;
            continue;
        }
        if (m->year >= as_of)
            return m;
        last = m;
    }
    if (has_year)
        return NULL;
    return last ? last : maint;
}

/* ---- the evaluator ---- */

static value eval_at(eval_env *env, const expr *e);

static int year_arg(eval_env *env, const expr *e, const value *v, int *year)
{
    if (v->kind != V_NUMBER)
        return 0;
    if (v->num != floor(v->num) || v->num < 1 || v->num > 9999) {
        char b[NUMFMT_MAX];
        numfmt_shortest(v->num, b);
        rt_error(env, e, "a year is a whole number, not %s", b);
        return 0;
    }
    *year = (int)v->num;
    return 1;
}

static double cagr_of(const eval_env *env, const ds_yearly *y, int *L_out, double *xl_out)
{
    if (y->n == 0)
        return NAN;
    int L = y->years[y->n - 1];
    double xl = y->values[y->n - 1];
    *L_out = L;
    *xl_out = xl;
    int B = resolve_baseline(env->plan, NULL);
    double xb;
    if (B) {
        if (!find_year(y, B, &xb))
            return NAN;
    } else {
        B = y->years[0];
        xb = y->values[0];
    }
    if (L <= B)
        return NAN;
    if (xb == 0)
        xb = 0.001;
    double r = pow(xl / xb, 1.0 / (double)(L - B)) - 1;
    return isfinite(r) ? r : NAN;
}

static value aggregate(eval_env *env, const expr *e, const char *fn, const value *sv)
{
    const value *hit = cache_get(env, e);
    if (hit)
        return *hit;
    value res = na();
    if (!env->ds) {
        cache_put(env, e, res);
        return res;
    }
    arena *a = arena_new();
    src s;
    if (!a)
        return na();
    const char *key = dimkey_dup(sv->series, NULL, a);
    if (!key || src_build(&s, env->plan, env->ds, sv->ind, key, a, 0) < 0) {
        arena_free(a);
        return na();
    }
    double acc = 0;
    size_t cnt = 0;
    uint32_t saved = env->region;
    for (size_t i = 0; i < ds_nregions(env->ds); i++) {
        env->region = ds_region_id(env->ds, i);
        if (src_fill(&s, env->ds, env->region, env->as_of, env) < 0)
            break;
        if (s.n == 0)
            continue;
        double x = s.values[s.n - 1];
        if (cnt == 0)
            acc = x;
        else if (fn[1] == 'i')
            acc = x < acc ? x : acc;
        else if (fn[1] == 'a')
            acc = x > acc ? x : acc;
        else
            acc += x;
        cnt++;
    }
    env->region = saved;
    src_release(&s);
    arena_free(a);
    if (cnt)
        res = number_of_ind(fn[0] == 'a' && fn[1] == 'v' ? acc / (double)cnt : acc, sv->ind);
    cache_put(env, e, res);
    return res;
}

static value eval_call(eval_env *env, const expr *e)
{
    const char *fn = e->as.call.fn.name;
    int n = e->as.call.nargs;
    if (n < 1)
        return na();
    expr *const *args = e->as.call.args;
    if (strcmp(fn, "abs") == 0) {
        value x = eval_expr(env, args[0]);
        if (x.kind != V_NUMBER)
            return na();
        x.num = fabs(x.num);
        return x;
    }
    if (strcmp(fn, "status") == 0) {
        value t = eval_expr(env, args[0]);
        if (t.kind != V_TARGET || !t.target)
            return na();
        int year = 0, has_year = n >= 2;
        if (has_year) {
            value y = eval_expr(env, args[1]);
            if (!year_arg(env, args[1], &y, &year))
                return na();
        }
        const milestone *m = status_milestone(t.target, env->as_of, year, has_year);
        if (!m) {
            rt_error(env, args[1], "target %s has no milestone with the deadline %d", t.target->gen_id, year);
            return na();
        }
        value sv = mk(V_SERIES);
        sv.ind = t.target->series.resolved;
        sv.series = &t.target->series;
        view vw;
        if (view_open(env, &sv, env->region, INT32_MAX, &vw) < 0)
            return na();
        assess_input in;
        ms_input(env->plan, m, env->as_of, &in);
        assess_result r;
        assess_milestone(&in, &vw.y, &r, NULL);
        view_close(&vw);
        value v = mk(V_STATUS);
        v.status = r.status;
        return v;
    }
    value sv = eval_expr(env, args[0]);
    if (sv.kind != V_SERIES)
        return na();
    if (!strcmp(fn, "min") || !strcmp(fn, "max") || !strcmp(fn, "avg") || !strcmp(fn, "sum"))
        return aggregate(env, e, fn, &sv);
    int year = 0;
    if (n >= 2) {
        value y = eval_expr(env, args[1]);
        if (!year_arg(env, args[1], &y, &year))
            return na();
    }
    view vw;
    if (view_open(env, &sv, env->region, env->as_of, &vw) < 0)
        return na();
    const ds_yearly *y = &vw.y;
    value res = na();
    if (y->n == 0) {
        /* NA */
    } else if (!strcmp(fn, "latest")) {
        res = number_of_ind(y->values[y->n - 1], sv.ind);
    } else if (!strcmp(fn, "latest_year")) {
        res = number(y->years[y->n - 1], NULL, 0);
    } else if (!strcmp(fn, "baseline")) {
        int B = resolve_baseline(env->plan, NULL);
        double x;
        if (!B)
            res = number_of_ind(y->values[0], sv.ind);
        else if (find_year(y, B, &x))
            res = number_of_ind(x, sv.ind);
    } else if (!strcmp(fn, "value")) {
        double x;
        if (n >= 2 && find_year(y, year, &x))
            res = number_of_ind(x, sv.ind);
    } else if (!strcmp(fn, "change")) {
        if (y->n >= 2)
            res = number_of_ind(y->values[y->n - 1] - y->values[y->n - 2], sv.ind);
    } else if (!strcmp(fn, "cagr")) {
        int L;
        double xl;
        res = number(cagr_of(env, y, &L, &xl), NULL, 0);
    } else if (!strcmp(fn, "projected")) {
        int L;
        double xl;
        double r = cagr_of(env, y, &L, &xl);
        if (n >= 2 && !isnan(r))
            res = number_of_ind(xl * pow(1 + r, (double)(year - L)), sv.ind);
    } else {
        rt_error(env, e, "unknown function '%s'", fn);
    }
    view_close(&vw);
    return res;
}

static value eval_at(eval_env *env, const expr *e)
{
    value sv = eval_expr(env, e->as.at.series);
    value yv = eval_expr(env, e->as.at.year);
    int year;
    if (sv.kind != V_SERIES || !year_arg(env, e->as.at.year, &yv, &year))
        return na();
    view vw;
    if (view_open(env, &sv, env->region, env->as_of, &vw) < 0)
        return na();
    double x;
    value res = find_year(&vw.y, year, &x) ? number_of_ind(x, sv.ind) : na();
    view_close(&vw);
    return res;
}

static int literal_decimals(const expr *e)
{
    return e->kind == EX_NUM ? e->as.num.decimals : -1;
}

static value eval_bin(eval_env *env, const expr *e)
{
    bin_op op = e->as.bin.op;
    if (op == OP_AND || op == OP_OR) {
        value l = eval_expr(env, e->as.bin.l);
        int want = op == OP_OR;   /* the value that decides alone */
        if (l.kind == V_BOOL && l.boolean == want)
            return boolean(want);
        value r = eval_expr(env, e->as.bin.r);
        if (r.kind == V_BOOL && r.boolean == want)
            return boolean(want);
        if (l.kind == V_BOOL && r.kind == V_BOOL)
            return boolean(!want);
        return na();
    }
    value l = eval_expr(env, e->as.bin.l);
    value r = eval_expr(env, e->as.bin.r);
    if (l.kind == V_NA || r.kind == V_NA)
        return na();
    if (l.kind == V_NUMBER && r.kind == V_NUMBER) {
        double x = l.num, y = r.num;
        const unit *u;
        int hu;
        switch (op) {
        case OP_ADD:
        case OP_SUB:
            u = l.has_unit ? &l.u : &r.u;
            hu = l.has_unit || r.has_unit;
            return number(op == OP_ADD ? x + y : x - y, u, hu);
        case OP_MUL:
            if (l.has_unit != r.has_unit)
                return number(x * y, l.has_unit ? &l.u : &r.u, 1);
            return number(x * y, NULL, 0);
        case OP_DIV:
            if (y == 0)
                return na();
            return number(x / y, &l.u, l.has_unit && !r.has_unit);
        case OP_LT: return boolean(x < y);
        case OP_LE: return boolean(x <= y);
        case OP_GT: return boolean(x > y);
        case OP_GE: return boolean(x >= y);
        case OP_EQ:
        case OP_NE: {
            int d = literal_decimals(e->as.bin.r), eq;
            if (d >= 0)
                eq = assess_satisfies(x, CMP_EQ, y, d);
            else if ((d = literal_decimals(e->as.bin.l)) >= 0)
                eq = assess_satisfies(y, CMP_EQ, x, d);
            else
                eq = x == y;
            return boolean(op == OP_EQ ? eq : !eq);
        }
        default:
            return na();
        }
    }
    if ((op == OP_EQ || op == OP_NE) && l.kind == r.kind) {
        int eq = 0;
        switch (l.kind) {
        case V_BOOL: eq = l.boolean == r.boolean; break;
        case V_STRING: eq = strcmp(l.str, r.str) == 0; break;
        case V_SERIES: eq = l.ind == r.ind && l.series == r.series; break;
        case V_TARGET: eq = l.target == r.target; break;
        case V_AGENCY: eq = l.agency == r.agency; break;
        case V_STATUS: eq = l.status == r.status; break;
        default: return na();
        }
        return boolean(op == OP_EQ ? eq : !eq);
    }
    rt_error(env, e, "cannot apply this operator to these values");
    return na();
}

value eval_expr(eval_env *env, const expr *e)
{
    if (!e)
        return na();
    if (env->depth > AST_MAX_CHAIN_DEPTH + 8) {   /* the checker bounds it: a guard only */
        rt_error(env, e, "expression nested too deeply (a let defined in terms of itself?)");
        return na();
    }
    env->depth++;
    value v = na();
    switch (e->kind) {
    case EX_NUM:
        v = number(e->as.num.value, &e->as.num.u, e->as.num.u.kind != UNIT_BARE);
        break;
    case EX_STR:
        v = mk(V_STRING);
        v.str = e->as.str;
        break;
    case EX_BOOL:
        v = boolean(e->as.boolean);
        break;
    case EX_NA:
        break;
    case EX_NAME:
        switch (e->ref_kind) {
        case REF_LET:
            v = eval_expr(env, ((const let_decl *)e->ref)->value);
            break;
        case REF_INDICATOR:
            v = mk(V_SERIES);
            v.ind = e->ref;
            break;
        case REF_TARGET:
            v = mk(V_TARGET);
            v.target = e->ref;
            break;
        case REF_AGENCY:
            v = mk(V_AGENCY);
            v.agency = e->ref;
            break;
        case REF_STATUS:
            v = mk(V_STATUS);
            v.status = (pc_status)((intptr_t)e->ref - 1);
            break;
        default:
            rt_error(env, e, "'%s' was not checked against the plan", e->as.name.name);
            break;
        }
        break;
    case EX_SERIES:
        v = mk(V_SERIES);
        v.ind = e->as.series.resolved;
        v.series = &e->as.series;
        if (!v.ind)
            v = na();
        break;
    case EX_BIN:
        v = eval_bin(env, e);
        break;
    case EX_NOT: {
        value x = eval_expr(env, e->as.operand);
        if (x.kind == V_BOOL)
            v = boolean(!x.boolean);
        break;
    }
    case EX_NEG: {
        value x = eval_expr(env, e->as.operand);
        if (x.kind == V_NUMBER) {
            v = x;
            v.num = -x.num;
        }
        break;
    }
    case EX_CALL:
        v = eval_call(env, e);
        break;
    case EX_AT:
        v = eval_at(env, e);
        break;
    }
    env->depth--;
    return v;
}

void eval_format_value(const value *v, char *buf, size_t len)
{
    if (!len)
        return;
    char nb[NUMFMT_MAX], sb[NUMFMT_MAX];
    switch (v->kind) {
    case V_NUMBER:
        /* for people: 12 significant digits hide binary noise (17.4 - 18.5 is -1.1, not
         * -1.0999999999999996); machine formats keep the exact shortest form */
        if (isfinite(v->num) && fabs(v->num) < 1e15) {
            snprintf(nb, sizeof nb, "%.12g", v->num);
            if (strcmp(nb, "-0") == 0)
                strcpy(nb, "0");
        } else {
            numfmt_shortest(v->num, nb);
        }
        if (!v->has_unit || v->u.kind == UNIT_BARE)
            snprintf(buf, len, "%s", nb);
        else if (v->u.kind == UNIT_PERCENT)
            snprintf(buf, len, "%s %%", nb);
        else if (v->u.kind == UNIT_PERMILLE)
            snprintf(buf, len, "%s per 1000", nb);
        else {
            numfmt_shortest(v->u.scale, sb);
            snprintf(buf, len, "%s per %s", nb, sb);
        }
        break;
    case V_BOOL: snprintf(buf, len, "%s", v->boolean ? "true" : "false"); break;
    case V_STRING: snprintf(buf, len, "%s", v->str ? v->str : ""); break;
    case V_SERIES: {
        size_t o = (size_t)snprintf(buf, len, "%s", v->ind ? v->ind->id.name : "?");
        if (v->series && v->series->nsels && o < len) {
            for (int i = 0; i < v->series->nsels && o < len; i++)
                o += (size_t)snprintf(buf + o, len - o, "%s%s = \"%s\"", i ? ", " : "[",
                                      v->series->sels[i].dim.name, v->series->sels[i].value);
            if (o < len)
                snprintf(buf + o, len - o, "]");
        }
        break;
    }
    case V_TARGET: snprintf(buf, len, "%s", v->target ? v->target->gen_id : "?"); break;
    case V_AGENCY: snprintf(buf, len, "%s", v->agency ? v->agency->id.name : "?"); break;
    case V_STATUS: snprintf(buf, len, "%s", assess_status_str(v->status)); break;
    default: snprintf(buf, len, "NA"); break;
    }
}

/* ---- whole-plan evaluation ---- */

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

/* A result counts on the card of its lead and of each joint lead. */
static void count_cards(agency_card *cards, const ms_prep *p, pc_status st)
{
    if (p->card >= 0) {
        cards[p->card].counts[st]++;
        cards[p->card].total++;
    }
    for (int k = 0; k < p->nco; k++) {
        cards[p->co_cards[k]].counts[st]++;
        cards[p->co_cards[k]].total++;
    }
}

/* National scale writes ~300 MB of results; on Linux ask for transparent huge pages so
 * that first touches fault 2 MiB at a time instead of 4 KiB (half the CPU time otherwise
 * goes to page faults). Only advice: nothing depends on it. */
static void advise_huge(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (n < 2 * huge)
        return;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(huge - 1);
    if (end > start)
        madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

static int cmp_prep(const void *a, const void *b)
{
    return strcmp(((const ms_prep *)a)->ms->id, ((const ms_prep *)b)->ms->id);
}

static int find_region(const dataset *ds, const char *name, size_t *idx)
{
    size_t lo = 0, hi = ds_nregions(ds);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ds_region(ds, mid), name);
        if (c == 0) {
            *idx = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static void list_regions(const dataset *ds, char *buf, size_t len);

static void unknown_region(const dataset *ds, const char *name, const char *how, diag_sink *diags)
{
    size_t n = ds_nregions(ds);
    const char **cands = pc_malloc(sizeof *cands * (n ? n : 1));
    const char *s = NULL;
    if (cands) {
        for (size_t i = 0; i < n; i++)
            cands[i] = ds_region(ds, i);
        s = diag_suggest(name, cands, n);
    }
    if (s) {
        diag_at(diags, DIAG_ERROR, NULL, "region '%s' (%s) is not in the data; did you mean '%s'?", name, how, s);
    } else {
        char list[512];
        list_regions(ds, list, sizeof list);
        diag_at(diags, DIAG_ERROR, NULL, "region '%s' (%s) is not in the data, which has %zu region%s: %s",
                name, how, n, n == 1 ? "" : "s", list);
    }
    pc_free(cands);
}

static void list_regions(const dataset *ds, char *buf, size_t len)
{
    size_t n = ds_nregions(ds), o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 5 && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", ds_region(ds, i));
    if (n > 5 && o < len)
        snprintf(buf + o, len - o, ", …");
}

/* The regions in scope: names and ids (EVAL_NO_REGION: not in the data). */
static int pick_regions(const pc_plan *plan, const dataset *ds, const eval_options *opt,
                        const char ***names, uint32_t **ids, size_t *n, diag_sink *diags)
{
    size_t nr = ds ? ds_nregions(ds) : 0;
    const char *plan_region = plan->meta ? plan->meta->region : NULL;
    const char *want = NULL, *how = NULL;
    *n = 0;
    if (opt->all_regions) {
        size_t cnt = nr ? nr : (plan_region ? 1 : 0);
        *names = pc_malloc(sizeof **names * (cnt ? cnt : 1));
        *ids = pc_malloc(sizeof **ids * (cnt ? cnt : 1));
        if (!*names || !*ids)
            return -1;
        if (nr) {
            for (size_t i = 0; i < nr; i++) {
                (*names)[i] = ds_region(ds, i);
                (*ids)[i] = ds_region_id(ds, i);
            }
        } else if (plan_region) {
            (*names)[0] = plan_region;
            (*ids)[0] = EVAL_NO_REGION;
        }
        *n = cnt;
        return 0;
    }
    if (opt->region) {
        want = opt->region;
        how = "given with --region";
    } else if (plan_region) {
        want = plan_region;
        how = "the plan's region";
    } else if (nr == 1) {
        want = ds_region(ds, 0);
        how = "the only region in the data";
    } else if (nr == 0) {
        diag_at(diags, DIAG_ERROR, NULL,
                "no region to assess: the data has no rows and the plan names no region; give --region NAME");
        return -2;
    } else {
        char list[512];
        list_regions(ds, list, sizeof list);
        diag_at(diags, DIAG_ERROR, NULL,
                "the data has %zu regions (%s) and the plan names none; choose one with --region NAME, or use --all-regions",
                nr, list);
        return -2;
    }
    *names = pc_malloc(sizeof **names);
    *ids = pc_malloc(sizeof **ids);
    if (!*names || !*ids)
        return -1;
    size_t idx;
    if (nr && find_region(ds, want, &idx)) {
        (*names)[0] = ds_region(ds, idx);
        (*ids)[0] = ds_region_id(ds, idx);
    } else if (nr == 0) {
        (*names)[0] = want;
        (*ids)[0] = EVAL_NO_REGION;
    } else {
        unknown_region(ds, want, how, diags);
        return -2;
    }
    *n = 1;
    return 0;
}

/* An alert's runtime errors (scratch) become warnings in diags: the alert is NA there, and
 * the report goes on. */
static void alert_warnings(diag_sink *diags, diag_sink *scratch, const alert_decl *al, const char *region)
{
    for (size_t i = 0; diags && i < scratch->n; i++) {
        const diag *d = &scratch->items[i];
        size_t before = diags->n;
        diag_line(diags, DIAG_WARNING, d->file, d->line, d->col, d->line_text, d->line_text ? strlen(d->line_text) : 0,
                  "%s (alert \"%s\" in %s: not evaluated, shown as NA)", d->msg ? d->msg : "out of memory",
                  al->message ? al->message : "", region ? region : "");
        if (diags->n > before)
            diags->items[diags->n - 1].end_col = d->end_col;
    }
    diag_clear(scratch);
}

/* Every alert x region in scope (alert order, then region) into out->alerts. A runtime
 * error in an alert (a year from the data that is not whole, …) is a warning, once per
 * alert, and the alert is NA: one alert never stops the report. 0, -1 OOM. */
static int eval_alerts(const pc_plan *plan, eval_result *out, eval_env *env, const char **rnames,
                       const uint32_t *rids, size_t nreg, diag_sink *diags)
{
    if (!plan->nalerts || !nreg)
        return 0;
    size_t na_ = (size_t)plan->nalerts * nreg;
    out->alerts = arena_alloc(out->arena, sizeof *out->alerts * na_);
    if (!out->alerts)
        return -1;
    diag_sink scratch;
    diag_init(&scratch);
    for (int a = 0; a < plan->nalerts; a++) {
        int warned = 0;
        for (size_t r = 0; r < nreg; r++) {
            alert_result *ar = &out->alerts[out->nalerts++];
            env->region = rids[r];
            env->region_name = rnames[r];
            env->diags = &scratch;
            env->depth = 0;
            value v = eval_expr(env, plan->alerts[a]->when);
            ar->alert = plan->alerts[a];
            ar->region = rnames[r];
            ar->fired = v.kind == V_BOOL && !scratch.n ? v.boolean : -1;
            if (scratch.n && !warned++)
                alert_warnings(diags, &scratch, plan->alerts[a], rnames[r]);
            diag_clear(&scratch);
        }
    }
    diag_free(&scratch);
    return 0;
}

/* ---- streaming: blocks of regions on worker threads, flushed in order ---- */

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

static int stream_threads(const eval_stream *st, size_t nblocks)
{
    long n = st->workers;
    if (n <= 0) {
        const char *e = getenv("PLANCHECK_THREADS");
        n = e && *e ? strtol(e, NULL, 10) : 0;
        if (n <= 0) {
#ifdef _SC_NPROCESSORS_ONLN
            n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
        }
    }
    if (n < 1)
        n = 1;
    if (n > EVAL_MAX_WORKERS)
        n = EVAL_MAX_WORKERS;
    if ((size_t)n > nblocks)
        n = (long)(nblocks ? nblocks : 1);
    return (int)n;
}

/* Assess regions [r0, r1) into put calls. 0, -1 OOM, -2 the sink said stop. */
static int stream_block(stream_worker *w, src *srcs, ms_result *buf, eval_env *env, arena *brk,
                        size_t r0, size_t r1)
{
    const stream_job *j = w->job;
    for (size_t r = r0; r < r1; r++) {
        uint32_t rid = j->rids[r];
        env->region = rid;
        env->region_name = j->rnames[r];
        env->diags = r == 0 ? j->diags : NULL;
        for (size_t k = 0; k < j->nsrcs; k++) {
            src *s = &srcs[k];
            if (s->present && !s->ind->derived && rid != EVAL_NO_REGION) {
                s->ser = ds_find_ids(j->ds, s->ind_id, rid, s->dim_id);
                s->have_ser = 1;
                if (s->ser)
                    __builtin_prefetch(s->ser->obs);
            }
        }
        for (size_t m = 0; m < j->nms; m++) {
            const ms_prep *p = &j->prep[m];
            src *s = &srcs[p->si];
            ms_result *res = &buf[m];
            if (s->stamp != r) {
                if (src_fill(s, j->ds, rid, INT32_MAX, env) < 0)
                    return -1;
                s->stamp = r;
            }
            ds_yearly y = {s->years, s->values, s->n};
            res->ms = p->ms;
            res->target = p->ms->target;
            res->ind = p->ms->target->series.resolved;
            res->region = j->rnames[r];
            res->owner = j->plan->owners ? &j->plan->owners[p->mi] : NULL;
            assess_milestone(&p->in, &y, &res->r, brk);
            w->counts[res->r.status]++;
            count_cards(w->cards, p, res->r.status);
        }
        if (j->st->put(j->st->ctx, w->id, buf, j->nms) != 0)
            return -2;
    }
    return 0;
}

static void stream_stop(stream_job *j, int oom)
{
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    j->oom |= oom;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

static void *stream_run(void *arg)
{
    stream_worker *w = arg;
    stream_job *j = w->job;
    arena *work = arena_new();
    src *srcs = pc_calloc(j->nsrcs ? j->nsrcs : 1, sizeof *srcs);
    ms_result *buf = pc_malloc(sizeof *buf * (j->nms ? j->nms : 1));
    eval_env env;
    memset(&env, 0, sizeof env);
    env.plan = j->plan;
    env.ds = j->ds;
    env.as_of = j->as_of;
    env.scratch = work;
    env.cache = eval_cache_new();
    int ok = work && srcs && buf && env.cache;
    for (size_t k = 0; ok && k < j->nsrcs; k++)
        ok = src_build(&srcs[k], j->plan, j->ds, j->srcs[k].ind, j->keys[k], work, 0) == 0;
    if (!ok) {
        w->failed = 1;
        stream_stop(j, 1);
    }
    while (ok) {
        pthread_mutex_lock(&j->mu);
        size_t k = j->next_block++;
        int stop = j->stop;
        pthread_mutex_unlock(&j->mu);
        size_t r0 = k * j->block;
        if (stop || r0 >= j->nreg)
            break;
        size_t r1 = j->nreg - r0 > j->block ? r0 + j->block : j->nreg;
        arena *brk = arena_new();   /* broken-year lists, until the block is flushed */
        int rc = brk ? stream_block(w, srcs, buf, &env, brk, r0, r1) : -1;
        pthread_mutex_lock(&j->mu);
        while (j->next_flush != k && !j->stop)
            pthread_cond_wait(&j->cv, &j->mu);
        stop = j->stop;
        pthread_mutex_unlock(&j->mu);
        if (!stop && rc == 0 && j->st->flush(j->st->ctx, w->id) != 0)
            rc = -2;
        arena_free(brk);
        if (stop || rc != 0) {
            w->failed = 1;
            stream_stop(j, rc == -1);
            break;
        }
        pthread_mutex_lock(&j->mu);
        j->next_flush++;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
    }
    eval_cache_free(env.cache);
    for (size_t k = 0; srcs && k < j->nsrcs; k++)
        src_release(&srcs[k]);
    pc_free(srcs);
    pc_free(buf);
    arena_free(work);
    return NULL;
}

/* Every region x milestone through opt->stream. 0, -1 OOM (reported), -2 stopped. */
static int stream_regions(stream_job *j, eval_result *out)
{
    /* blocks of ~8k results: a few hundred KB of CSV each */
    j->block = j->nms ? 8192 / j->nms : 1;
    if (j->block < 1)
        j->block = 1;
    size_t nblocks = (j->nreg + j->block - 1) / j->block;
    int nw = j->nreg * j->nms >= 65536 ? stream_threads(j->st, nblocks) : 1;
    stream_worker w[EVAL_MAX_WORKERS];
    memset(w, 0, sizeof w);
    if (pthread_mutex_init(&j->mu, NULL) != 0)
        return -1;
    if (pthread_cond_init(&j->cv, NULL) != 0) {
        pthread_mutex_destroy(&j->mu);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < nw; i++) {
        w[i].job = j;
        w[i].id = i;
        w[i].cards = pc_calloc((size_t)(j->ncards ? j->ncards : 1), sizeof *w[i].cards);
        if (!w[i].cards) {
            nw = i;
            rc = -1;
            break;
        }
    }
    for (int i = 1; rc == 0 && i < nw; i++)
        w[i].threaded = pthread_create(&w[i].thread, NULL, stream_run, &w[i]) == 0;
    if (rc == 0 && nw > 0)
        stream_run(&w[0]);
    for (int i = 1; i < nw; i++)
        if (w[i].threaded)
            pthread_join(w[i].thread, NULL);
    /* a worker without a thread of its own finds every block taken by now: nothing lost */
    for (int i = 0; i < nw; i++) {
        for (int s = 0; s < ST__COUNT; s++)
            out->counts[s] += w[i].counts[s];
        for (int c = 0; c < j->ncards; c++) {
            for (int s = 0; s < ST__COUNT; s++)
                out->cards[c].counts[s] += w[i].cards[c].counts[s];
            out->cards[c].total += w[i].cards[c].total;
        }
        pc_free(w[i].cards);
    }
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    if (rc == 0 && j->stop)
        rc = j->oom ? -1 : -2;
    return rc;
}

int eval_plan(const pc_plan *plan, const dataset *ds, const eval_options *opt,
              eval_result *out, diag_sink *diags)
{
    eval_options defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opt)
        opt = &defaults;
    memset(out, 0, sizeof *out);
    out->plan = plan;
    out->ds = ds;
    out->method = resolve_method(plan);
    out->arena = arena_new();
    if (!out->arena) {
        diag_at(diags, DIAG_ERROR, NULL, "out of memory");
        return -1;
    }

    /* the as-of year and date */
    int as_of = opt->as_of;
    if (!as_of && opt->as_of_date.year)
        as_of = opt->as_of_date.year;
    if (!as_of && ds)
        as_of = ds_latest_year(ds);
    if (!as_of && plan->meta && plan->meta->issued.year)
        as_of = plan->meta->issued.year;
    if (!as_of) {
        diag_at(diags, DIAG_ERROR, NULL, "no data and no --as-of: nothing says which year to assess; give --as-of YEAR");
        return -1;
    }
    out->as_of = as_of;
    if (opt->as_of_date.year) {
        out->as_of_date = opt->as_of_date;
    } else {
        out->as_of_date.year = as_of;
        out->as_of_date.month = 12;
        out->as_of_date.day = 31;
    }

    const char **rnames = NULL;
    uint32_t *rids = NULL;
    size_t nreg = 0;
    int rc = pick_regions(plan, ds, opt, &rnames, &rids, &nreg, diags);
    if (rc < 0) {
        if (rc == -1)
            diag_at(diags, DIAG_ERROR, NULL, "out of memory");
        pc_free(rnames);
        pc_free(rids);
        return -1;
    }

    int failed = 0;
    arena *work = arena_new();
    size_t nms = (size_t)plan->nmilestones;
    ms_prep *prep = pc_calloc(nms ? nms : 1, sizeof *prep);
    src *srcs = pc_calloc(nms ? nms : 1, sizeof *srcs);
    const char **keys = pc_malloc(sizeof *keys * (nms ? nms : 1));
    size_t nsrcs = 0;
    if (!work || !prep || !srcs || !keys)
        goto oom;

    /* cards: agencies that lead a milestone, in declaration order */
    int *card_of = arena_alloc(work, sizeof(int) * (size_t)(plan->nagencies ? plan->nagencies : 1));
    if (!card_of)
        goto oom;
    for (int i = 0; i < plan->nagencies; i++) {
        card_of[i] = -1;
        for (size_t m = 0; m < nms && plan->owners && card_of[i] < 0; m++) {
            const ms_owner *o = &plan->owners[m];
            int leads = o->lead == plan->agencies[i];
            for (int k = 0; k < o->nco && !leads; k++)
                leads = o->co[k] == plan->agencies[i];
            if (leads)
                card_of[i] = out->ncards++;
        }
    }
    out->cards = arena_alloc(out->arena, sizeof *out->cards * (size_t)(out->ncards ? out->ncards : 1));
    if (!out->cards)
        goto oom;
    for (int i = 0; i < plan->nagencies; i++)
        if (card_of[i] >= 0)
            out->cards[card_of[i]].agency = plan->agencies[i];

    /* each milestone once: its input, its source (shared by milestones of one series) */
    for (size_t m = 0; m < nms; m++) {
        ms_prep *p = &prep[m];
        const milestone *ms = plan->milestones[m];
        const target *t = ms->target;
        p->ms = ms;
        p->mi = (int)m;
        p->card = -1;
        for (int i = 0; plan->owners && i < plan->nagencies; i++)
            if (plan->owners[m].lead == plan->agencies[i])
                p->card = card_of[i];
        p->co_cards = NULL;
        p->nco = 0;
        if (plan->owners && plan->owners[m].nco) {
            const ms_owner *o = &plan->owners[m];
            p->co_cards = arena_alloc(work, sizeof(int) * (size_t)o->nco);
            if (!p->co_cards)
                goto oom;
            for (int k = 0; k < o->nco; k++)
                for (int i = 0; i < plan->nagencies; i++)
                    if (o->co[k] == plan->agencies[i] && card_of[i] >= 0)
                        p->co_cards[p->nco++] = card_of[i];
        }
        ms_input(plan, ms, as_of, &p->in);
        const char *key = dimkey_dup(&t->series, NULL, work);
        if (!key)
            goto oom;
        size_t k;
        for (k = 0; k < nsrcs; k++)
            if (srcs[k].ind == t->series.resolved && strcmp(keys[k], key) == 0)
                break;
        if (k == nsrcs) {
            if (src_build(&srcs[k], plan, ds, t->series.resolved, key, work, 0) < 0)
                goto oom;
            keys[k] = key;
            nsrcs++;
        }
        p->s = &srcs[k];
        p->si = k;
    }
    if (nms)
        qsort(prep, nms, sizeof *prep, cmp_prep);

    /* every region × milestone */
    size_t total = nreg * nms;
    if (nms && total / nms != nreg)
        goto oom;
    eval_env env;
    memset(&env, 0, sizeof env);
    env.plan = plan;
    env.ds = ds;
    env.as_of = as_of;
    env.scratch = work;
    env.cache = eval_cache_new();
    if (opt->stream) {
        /* the calendar and the alerts first: their errors stop before any output */
        if (cal_run(plan, out->as_of_date, opt->submissions, opt->submissions_text, opt->submissions_len,
                    out->arena, &out->reports, &out->nreports, diags) < 0)
            failed = 1;
        if (!failed && eval_alerts(plan, out, &env, rnames, rids, nreg, diags) != 0)
            failed = 1;
        if (!failed) {
            stream_job job;
            memset(&job, 0, sizeof job);
            job.plan = plan;
            job.ds = ds;
            job.st = opt->stream;
            job.prep = prep;
            job.nms = nms;
            job.srcs = srcs;
            job.keys = keys;
            job.nsrcs = nsrcs;
            job.rnames = rnames;
            job.rids = rids;
            job.nreg = nreg;
            job.as_of = as_of;
            job.ncards = out->ncards;
            job.diags = diags;
            int src_rc = stream_regions(&job, out);
            if (src_rc == -1)
                goto oom_env;
            if (src_rc < 0)
                failed = 1;
        }
        goto done;
    }
    out->ms = pc_malloc(sizeof *out->ms * (total ? total : 1));
    if (!out->ms)
        goto oom_env;
    advise_huge(out->ms, sizeof *out->ms * total);
    out->nms = total;
    ms_result *res = out->ms;
    for (size_t r = 0; r < nreg; r++) {
        env.region = rids[r];
        env.region_name = rnames[r];
        env.diags = r == 0 ? diags : NULL;
        /* look every plain series of the region up first: independent lookups whose cache
         * misses overlap, then prefetch their observations */
        for (size_t k = 0; k < nsrcs; k++) {
            src *s = &srcs[k];
            if (s->present && !s->ind->derived && rids[r] != EVAL_NO_REGION) {
                s->ser = ds_find_ids(ds, s->ind_id, rids[r], s->dim_id);
                s->have_ser = 1;
                if (s->ser)
                    __builtin_prefetch(s->ser->obs);
            }
        }
        for (size_t m = 0; m < nms; m++, res++) {
            const ms_prep *p = &prep[m];
            src *s = p->s;
            if (s->stamp != r) {
                if (src_fill(s, ds, rids[r], INT32_MAX, &env) < 0)
                    goto oom_env;
                s->stamp = r;
            }
            ds_yearly y = {s->years, s->values, s->n};
            res->ms = p->ms;
            res->target = p->ms->target;
            res->ind = p->ms->target->series.resolved;
            res->region = rnames[r];
            res->owner = plan->owners ? &plan->owners[p->mi] : NULL;
            assess_milestone(&p->in, &y, &res->r, out->arena);
            out->counts[res->r.status]++;
            count_cards(out->cards, p, res->r.status);
        }
    }

    /* the reporting calendar */
    if (cal_run(plan, out->as_of_date, opt->submissions, opt->submissions_text, opt->submissions_len,
                out->arena, &out->reports, &out->nreports, diags) < 0)
        failed = 1;

    /* alerts: alert order, then region */
    int arc = eval_alerts(plan, out, &env, rnames, rids, nreg, diags);
    if (arc < 0)
        goto oom_env;
    if (arc)
        failed = 1;
done:
    eval_cache_free(env.cache);
    for (size_t k = 0; k < nsrcs; k++)
        src_release(&srcs[k]);
    pc_free(srcs);
    pc_free(keys);
    pc_free(prep);
    pc_free(rnames);
    pc_free(rids);
    arena_free(work);
    return failed ? -1 : 0;

oom_env:
    eval_cache_free(env.cache);
oom:
    diag_at(diags, DIAG_ERROR, NULL, "out of memory");
    for (size_t k = 0; srcs && k < nsrcs; k++)
        src_release(&srcs[k]);
    pc_free(srcs);
    pc_free(keys);
    pc_free(prep);
    pc_free(rnames);
    pc_free(rids);
    arena_free(work);
    return -1;
}

void eval_result_free(eval_result *r)
{
    if (!r)
        return;
    pc_free(r->ms);
    arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

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
        n++;
    }
    spec->inds = inds;
    spec->ninds = n;
    pc_free(w.used);
    pc_free(w.let_seen);
    return 0;
}
