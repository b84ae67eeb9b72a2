/* eval_expr.c — the tree-walking evaluator of expressions: values, the cache of
 * region-independent results, annual views of series, built-in functions and operators,
 * and how a value is written. It prints nothing; runtime errors go to the env's sink. */
#include "eval_int.h"
#include "numfmt.h"
#include <stdarg.h>
#include <math.h>
#include <string.h>

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

value eval_boolean(int b)
{
    value v = mk(V_BOOL);
    v.boolean = b != 0;
    return v;
}

int eval_value_num(const value *v, double *x)
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
    const char *key = dimkey_dup(sv->series, env->inherit_dimkey, vw->a);
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

/* B and x_B of a view (years ≤ A) as §4 defines them: the plan's baseline year when it has
 * a value, else the nearest later year before L, else the nearest earlier one; without a
 * declared year the earliest. 0 when there is none. */
static int view_baseline(const eval_env *env, const ds_yearly *y, double *xb)
{
    if (y->n == 0)
        return 0;
    int B0 = resolve_baseline(env->plan, NULL), L = y->years[y->n - 1];
    if (!B0) {
        *xb = y->values[0];
        return y->years[0];
    }
    if (find_year(y, B0, xb))
        return B0;
    for (size_t i = 0; i < y->n; i++)
        if (y->years[i] > B0 && y->years[i] < L) {
            *xb = y->values[i];
            return y->years[i];
        }
    for (size_t i = y->n; i-- > 0;)
        if (y->years[i] < B0) {
            *xb = y->values[i];
            return y->years[i];
        }
    return 0;
}

static double cagr_of(const eval_env *env, const ds_yearly *y, int *L_out, double *xl_out)
{
    if (y->n == 0)
        return NAN;
    int L = y->years[y->n - 1];
    double xl = y->values[y->n - 1];
    *L_out = L;
    *xl_out = xl;
    double xb;
    int B = view_baseline(env, y, &xb);
    if (!B || L <= B)
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
        double x;
        if (view_baseline(env, y, &x))
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
            return eval_boolean(want);
        value r = eval_expr(env, e->as.bin.r);
        if (r.kind == V_BOOL && r.boolean == want)
            return eval_boolean(want);
        if (l.kind == V_BOOL && r.kind == V_BOOL)
            return eval_boolean(!want);
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
        case OP_LT: return eval_boolean(x < y);
        case OP_LE: return eval_boolean(x <= y);
        case OP_GT: return eval_boolean(x > y);
        case OP_GE: return eval_boolean(x >= y);
        case OP_EQ:
        case OP_NE: {
            /* a literal's tolerance; between two literals the finer one (symmetric) */
            int dl = literal_decimals(e->as.bin.l), dr = literal_decimals(e->as.bin.r), eq;
            int d = dl > dr ? dl : dr;
            if (d >= 0)
                eq = assess_satisfies(x, CMP_EQ, y, d);
            else
                eq = x == y;
            return eval_boolean(op == OP_EQ ? eq : !eq);
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
        return eval_boolean(op == OP_EQ ? eq : !eq);
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
        v = eval_boolean(e->as.boolean);
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
            v = eval_boolean(!x.boolean);
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
