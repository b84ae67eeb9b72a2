/* resolve.c — the checker: turns parsed files into a checked plan. Looks up every name
 * (with "did you mean"), finds duplicates (pointing at both places), checks units, types,
 * dates and windows, generates ids and resolves who is responsible for each milestone.
 * It reports every error it finds; it never evaluates data. */
#include "resolve.h"
#include "assess.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rctx {
    pc_plan *p;
    diag_sink *d;
    int nerrors;
    int oom;
    int in_derived;    /* checking a derived indicator's formula: series are numbers */
    const agency **co; /* the joint leads of the responsible line being applied */
    int nco;
    const agency **with; /* its coordinators, resolved once for all its milestones */
    int nwith;
    int deepest;       /* the deepest level check_expr reached (lets included) */
    int deep_reported; /* the depth error was given */
} rctx;

#define ERR(rc, loc, ...) do { diag_at((rc)->d, DIAG_ERROR, (loc), __VA_ARGS__); (rc)->nerrors++; } while (0)
#define NOTE(rc, loc, ...) diag_at((rc)->d, DIAG_NOTE, (loc), __VA_ARGS__)
#define WARN(rc, loc, ...) diag_at((rc)->d, DIAG_WARNING, (loc), __VA_ARGS__)

/* ---- small tables ---- */

static int push_ptr(rctx *rc, void ***arr, int *n, void *item)
{
    /* arrays grow in the plan's arena by doubling; the old copy stays in the arena */
    int cap = 8;
    while (cap < *n)
        cap *= 2;
    if (*n == 0 || (*n >= 8 && (*n & (*n - 1)) == 0)) {
        int ncap = *n == 0 ? 8 : *n * 2;
        void **na = arena_alloc(rc->p->arena, sizeof(void *) * (size_t)ncap);
        if (!na) {
            rc->oom = 1;
            return -1;
        }
        if (*n)
            memcpy(na, *arr, sizeof(void *) * (size_t)*n);
        *arr = na;
    }
    (*arr)[(*n)++] = item;
    return 0;
}
#define PUSH(rc, arr, n, item) push_ptr((rc), (void ***)&(arr), &(n), (item))

static strmap *new_map(rctx *rc)
{
    strmap *m = arena_alloc(rc->p->arena, sizeof *m);
    if (!m)
        rc->oom = 1;
    else
        strmap_init(m);
    return m;
}

static int map_get(const strmap *m, const char *name, uint32_t *v)
{
    return m && name && strmap_get(m, name, strlen(name), v);
}

/* Insert name -> idx; on a duplicate report it at loc with a note at the first place. */
static void declare(rctx *rc, strmap *m, const char *kind, const name_ref *n, uint32_t idx,
                    const pc_loc *(*loc_of)(rctx *, uint32_t))
{
    uint32_t old;
    if (!m)
        return;
    int r = strmap_intern(m, n->name, strlen(n->name), idx, &old);
    if (r < 0) {
        rc->oom = 1;
    } else if (r == 1) {
        ERR(rc, &n->loc, "duplicate %s '%s'", kind, n->name);
        NOTE(rc, loc_of(rc, old), "'%s' was first declared here", n->name);
    }
}

static const pc_loc *agency_loc(rctx *rc, uint32_t i) { return &rc->p->agencies[i]->id.loc; }
static const pc_loc *indicator_loc(rctx *rc, uint32_t i) { return &rc->p->indicators[i]->id.loc; }
static const pc_loc *target_loc(rctx *rc, uint32_t i) { return &rc->p->targets[i]->id.loc; }
static const pc_loc *let_loc(rctx *rc, uint32_t i) { return &rc->p->lets[i]->name.loc; }

/* "did you mean" over the names of a map */
static const char *suggest(rctx *rc, const char *name, const strmap *m1, const strmap *m2)
{
    const char *cands[512];
    size_t n = 0;
    const strmap *maps[2] = {m1, m2};
    for (int k = 0; k < 2; k++) {
        if (!maps[k])
            continue;
        size_t it = 0;
        const char *s;
        size_t len;
        uint32_t v;
        while (n < 512 && strmap_next(maps[k], &it, &s, &len, &v))
            cands[n++] = s;
    }
    (void)rc;
    return diag_suggest(name, cands, n);
}

static void unknown(rctx *rc, const name_ref *n, const char *kind, const strmap *m1, const strmap *m2)
{
    const char *s = suggest(rc, n->name, m1, m2);
    if (s)
        ERR(rc, &n->loc, "unknown %s '%s'; did you mean '%s'?", kind, n->name, s);
    else
        ERR(rc, &n->loc, "unknown %s '%s'", kind, n->name);
}

static const agency *need_agency(rctx *rc, const name_ref *n)
{
    uint32_t i;
    if (map_get(rc->p->agency_map, n->name, &i))
        return rc->p->agencies[i];
    unknown(rc, n, "agency", rc->p->agency_map, NULL);
    if (rc->p->nagencies == 0)
        NOTE(rc, &n->loc, "declare it first: agency %s \"full name\"", n->name);
    return NULL;
}

/* ---- units ---- */

static const char *unit_desc(const unit *u, char *buf, size_t len)
{
    switch (u->kind) {
    case UNIT_BARE: snprintf(buf, len, "a plain number"); break;
    case UNIT_PERCENT: snprintf(buf, len, "%%"); break;
    case UNIT_PERMILLE: snprintf(buf, len, "‰ (per 1000)"); break;
    default: snprintf(buf, len, "per %s", u->per_text ? u->per_text : "?"); break;
    }
    return buf;
}

static void check_quantity_unit(rctx *rc, const quantity *q, const indicator *ind)
{
    if (ast_unit_equal(&q->u, &ind->u))
        return;
    char a[40], b[40];
    ERR(rc, &q->loc, "%s is %s, but indicator '%s' is measured in %s", q->text ? q->text : "the value",
        unit_desc(&q->u, a, sizeof a), ind->id.name, unit_desc(&ind->u, b, sizeof b));
    if (!ind->has_unit)
        NOTE(rc, &ind->id.loc, "declare the indicator's unit, e.g. 'unit %s'",
             q->u.kind == UNIT_PERCENT ? "%" : q->u.kind == UNIT_PERMILLE ? "per 1000" : a);
    else
        NOTE(rc, &ind->unit_loc, "the unit of '%s' is declared here", ind->id.name);
}

/* ---- expressions ---- */

typedef struct tinfo {
    ty t;
    unit u;
    int has_unit;   /* a number with a known unit (bare literals adopt any unit) */
} tinfo;

static tinfo T(ty t) { tinfo x; memset(&x, 0, sizeof x); x.t = t; return x; }

static const char *ty_name(ty t)
{
    switch (t) {
    case TY_NUMBER: return "a number";
    case TY_BOOL: return "true/false";
    case TY_STRING: return "a string";
    case TY_SERIES: return "a series";
    case TY_TARGET: return "a target";
    case TY_AGENCY: return "an agency";
    case TY_STATUS: return "a status";
    case TY_NA: return "NA";
    default: return "an error";
    }
}

static tinfo check_expr(rctx *rc, expr *e, int depth);

typedef struct fn_sig {
    const char *name;
    int min, max;            /* argument counts */
    ty arg0;                 /* TY_SERIES, TY_TARGET or TY_NUMBER */
    ty ret;
    int keeps_unit;          /* the result has the series' unit */
    const char *usage;
} fn_sig;

static const fn_sig fns[] = {
    {"latest", 1, 1, TY_SERIES, TY_NUMBER, 1, "latest(stunting)"},
    {"latest_year", 1, 1, TY_SERIES, TY_NUMBER, 0, "latest_year(stunting)"},
    {"baseline", 1, 1, TY_SERIES, TY_NUMBER, 1, "baseline(stunting)"},
    {"value", 2, 2, TY_SERIES, TY_NUMBER, 1, "value(stunting, 2020)"},
    {"change", 1, 1, TY_SERIES, TY_NUMBER, 1, "change(stunting)"},
    {"cagr", 1, 1, TY_SERIES, TY_NUMBER, 0, "cagr(stunting)"},
    {"projected", 2, 2, TY_SERIES, TY_NUMBER, 1, "projected(stunting, 2030)"},
    {"status", 1, 2, TY_TARGET, TY_STATUS, 0, "status(CT4) or status(CT4, 2030)"},
    {"min", 1, 1, TY_SERIES, TY_NUMBER, 1, "min(stunting)"},
    {"max", 1, 1, TY_SERIES, TY_NUMBER, 1, "max(stunting)"},
    {"avg", 1, 1, TY_SERIES, TY_NUMBER, 1, "avg(stunting)"},
    {"sum", 1, 1, TY_SERIES, TY_NUMBER, 1, "sum(stunting)"},
    {"abs", 1, 1, TY_NUMBER, TY_NUMBER, 1, "abs(x)"},
};

static const fn_sig *find_fn(const char *name)
{
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (strcmp(fns[i].name, name) == 0)
            return &fns[i];
    return NULL;
}

static void check_selectors(rctx *rc, series_ref *s)
{
    const indicator *ind = s->resolved;
    for (int i = 0; i < s->nsels; i++) {
        selector *sel = &s->sels[i];
        int found = 0;
        for (int k = 0; ind && k < ind->ndims; k++)
            if (strcmp(ind->dims[k].name, sel->dim.name) == 0)
                found = 1;
        for (int j = 0; j < i; j++)
            if (strcmp(s->sels[j].dim.name, sel->dim.name) == 0) {
                ERR(rc, &sel->dim.loc, "dimension '%s' is selected twice", sel->dim.name);
                found = 1;
            }
        if (!found && ind) {
            if (ind->ndims == 0) {
                ERR(rc, &sel->dim.loc, "indicator '%s' has no dimension '%s'", ind->id.name, sel->dim.name);
                NOTE(rc, &ind->id.loc, "declare it in the indicator: dimensions %s", sel->dim.name);
            } else {
                const char *cands[64];
                size_t nc = 0;
                for (int k = 0; k < ind->ndims && nc < 64; k++)
                    cands[nc++] = ind->dims[k].name;
                const char *sug = diag_suggest(sel->dim.name, cands, nc);
                if (sug)
                    ERR(rc, &sel->dim.loc, "indicator '%s' has no dimension '%s'; did you mean '%s'?", ind->id.name, sel->dim.name, sug);
                else
                    ERR(rc, &sel->dim.loc, "indicator '%s' has no dimension '%s'", ind->id.name, sel->dim.name);
            }
        }
    }
}

static int resolve_series(rctx *rc, series_ref *s)
{
    uint32_t i;
    if (!map_get(rc->p->indicator_map, s->ind.name, &i)) {
        unknown(rc, &s->ind, "indicator", rc->p->indicator_map, NULL);
        return -1;
    }
    s->resolved = rc->p->indicators[i];
    check_selectors(rc, s);
    return 0;
}

static tinfo number_of(const indicator *ind)
{
    tinfo x = T(TY_NUMBER);
    x.u = ind->u;
    x.has_unit = ind->u.kind != UNIT_BARE;
    return x;
}

static tinfo check_name(rctx *rc, expr *e)
{
    const char *name = e->as.name.name;
    uint32_t i;
    if (map_get(rc->p->let_map, name, &i)) {
        let_decl *l = rc->p->lets[i];
        e->ref_kind = REF_LET;
        e->ref = l;
        return T(TY_NUMBER);   /* refined by the caller that knows the let's type */
    }
    if (map_get(rc->p->indicator_map, name, &i)) {
        e->ref_kind = REF_INDICATOR;
        e->ref = rc->p->indicators[i];
        return T(TY_SERIES);
    }
    if (map_get(rc->p->target_map, name, &i)) {
        e->ref_kind = REF_TARGET;
        e->ref = rc->p->targets[i];
        return T(TY_TARGET);
    }
    if (map_get(rc->p->agency_map, name, &i)) {
        e->ref_kind = REF_AGENCY;
        e->ref = rc->p->agencies[i];
        return T(TY_AGENCY);
    }
    pc_status st;
    if (assess_status_parse(name, &st) == 0) {
        e->ref_kind = REF_STATUS;
        e->ref = (void *)(intptr_t)(st + 1);
        return T(TY_STATUS);
    }
    const char *s = suggest(rc, name, rc->p->indicator_map, rc->p->let_map);
    if (!s)
        s = suggest(rc, name, rc->p->target_map, rc->p->agency_map);
    if (s)
        ERR(rc, &e->loc, "unknown name '%s'; did you mean '%s'?", name, s);
    else
        ERR(rc, &e->loc, "unknown name '%s': not a let, indicator, target, agency or status", name);
    return T(TY_ERROR);
}

/* Types of lets, computed on demand with cycle detection. */
struct let_state { int state; tinfo t; int height; };   /* state: 0 new, 1 visiting, 2 done */
typedef struct let_state let_state;

static let_state *let_states(rctx *rc) { return rc->p->let_states; }

/* use: where the let is named (NULL: checked for itself) */
static tinfo let_type(rctx *rc, let_decl *l, int depth, const pc_loc *use)
{
    uint32_t i;
    if (!map_get(rc->p->let_map, l->name.name, &i))
        return T(TY_ERROR);
    let_state *st = &let_states(rc)[i];
    if (st->state == 2) {
        /* checked once, from wherever it came first: its height still counts here, as the
         * evaluator recurses through it at every use */
        if (use && depth + st->height > AST_MAX_CHAIN_DEPTH && st->t.t != TY_ERROR)
            ERR(rc, use, "using '%s' here nests more than %d levels deep through lets: "
                "split a long formula into lets that do not build on each other", l->name.name, AST_MAX_CHAIN_DEPTH);
        else if (depth + st->height > rc->deepest)
            rc->deepest = depth + st->height;   /* reported once: not passed on */
        return st->t;
    }
    if (st->state == 1) {
        ERR(rc, &l->name.loc, "'%s' is defined in terms of itself", l->name.name);
        st->state = 2;
        st->t = T(TY_ERROR);
        return st->t;
    }
    st->state = 1;
    int outer = rc->deepest;
    rc->deepest = depth;
    tinfo t = check_expr(rc, l->value, depth + 1);
    st->state = 2;
    st->t = t;
    st->height = rc->deepest - depth;
    if (outer > rc->deepest)
        rc->deepest = outer;
    return t;
}

/* ---- derived indicators: no cycles, bounded nesting ----
 * A depth-first walk over the graph whose nodes are derived indicators and lets and whose
 * edges are the names a formula uses. A back edge to an indicator on the path is a cycle
 * (let cycles are let_type's to report); the path is kept to name it. Each node's height
 * (derived indicators under it, itself included) is kept to bound the nesting. */
typedef struct dnode { const char *name; int is_let; uint32_t i; } dnode;
typedef struct dwalk {
    rctx *rc;
    unsigned char *ind_state, *let_state;   /* 0 new, 1 on the path, 2 done */
    int *ind_height, *let_height;
    dnode *path;
    int npath;
} dwalk;

static int derived_visit(dwalk *w, dnode n, const expr *formula);

static void derived_path(const dwalk *w, int from, const char *closing, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int k = from; k < w->npath && o + 1 < len; k++)
        o += (size_t)snprintf(buf + o, len - o, "%s -> ", w->path[k].name);
    if (o + 1 < len)
        snprintf(buf + o, len - o, "%s", closing);
}

static int max_int(int a, int b) { return a > b ? a : b; }

/* The greatest height among the names formula e uses; the left spine of an operator chain
 * is followed by a loop. */
static int derived_refs(dwalk *w, const expr *e)
{
    pc_plan *p = w->rc->p;
    int h = 0;
    while (e) {
        uint32_t i;
        const indicator *ind = NULL;
        switch (e->kind) {
        case EX_NAME:
            if (e->ref_kind == REF_LET) {
                const let_decl *l = e->ref;
                if (map_get(p->let_map, l->name.name, &i))
                    h = max_int(h, derived_visit(w, (dnode){l->name.name, 1, i}, l->value));
            } else if (e->ref_kind == REF_INDICATOR)
                ind = e->ref;
            e = NULL;
            break;
        case EX_SERIES: ind = e->as.series.resolved; e = NULL; break;
        case EX_BIN: h = max_int(h, derived_refs(w, e->as.bin.r)); e = e->as.bin.l; break;
        case EX_NOT:
        case EX_NEG: e = e->as.operand; break;
        case EX_AT: h = max_int(h, derived_refs(w, e->as.at.year)); e = e->as.at.series; break;
        case EX_CALL:
            for (int k = 0; k < e->as.call.nargs; k++)
                h = max_int(h, derived_refs(w, e->as.call.args[k]));
            e = NULL;
            break;
        default: e = NULL; break;
        }
        if (ind && ind->derived && map_get(p->indicator_map, ind->id.name, &i))
            h = max_int(h, derived_visit(w, (dnode){ind->id.name, 0, i}, ind->derived));
    }
    return h;
}

static int derived_visit(dwalk *w, dnode n, const expr *formula)
{
    unsigned char *st = n.is_let ? &w->let_state[n.i] : &w->ind_state[n.i];
    int *height = n.is_let ? &w->let_height[n.i] : &w->ind_height[n.i];
    if (*st == 2 || w->npath >= AST_MAX_CHAIN_DEPTH)   /* deeper: already an error of its own */
        return *height;
    if (*st == 1) {
        if (n.is_let)
            return 0;   /* a let defined in terms of itself: let_type reports it */
        int from = w->npath - 1;
        while (from > 0 && (w->path[from].is_let || w->path[from].i != n.i))
            from--;
        char chain[512];
        derived_path(w, from, n.name, chain, sizeof chain);
        ERR(w->rc, &w->rc->p->indicators[n.i]->id.loc, "derived indicator '%s' is defined in terms of itself: %s",
            n.name, chain);
        return 0;
    }
    *st = 1;
    w->path[w->npath++] = n;
    int h = derived_refs(w, formula) + !n.is_let;
    w->npath--;
    *st = 2;
    *height = h;
    if (!n.is_let && h == AST_MAX_DERIVED_DEPTH + 1)   /* once, at the first one too deep */
        ERR(w->rc, &w->rc->p->indicators[n.i]->id.loc,
            "derived indicator '%s' is built on derived indicators more than %d levels deep: "
            "compute some of them in the data instead", n.name, AST_MAX_DERIVED_DEPTH);
    return h;
}

static void check_derived_graph(rctx *rc)
{
    pc_plan *p = rc->p;
    size_t ni = (size_t)p->nindicators + 1, nl = (size_t)p->nlets + 1;
    dwalk w = {rc, pc_calloc(ni, 1), pc_calloc(nl, 1), pc_calloc(ni, sizeof(int)), pc_calloc(nl, sizeof(int)),
               pc_calloc(ni + nl, sizeof(dnode)), 0};
    if (!w.ind_state || !w.let_state || !w.ind_height || !w.let_height || !w.path)
        rc->oom = 1;
    for (int i = 0; i < p->nindicators && !rc->oom; i++)
        if (p->indicators[i]->derived)
            derived_visit(&w, (dnode){p->indicators[i]->id.name, 0, (uint32_t)i}, p->indicators[i]->derived);
    pc_free(w.ind_state);
    pc_free(w.let_state);
    pc_free(w.ind_height);
    pc_free(w.let_height);
    pc_free(w.path);
}

static int is_series_expr(const expr *e)
{
    return e->kind == EX_SERIES || (e->kind == EX_NAME && e->ref_kind == REF_INDICATOR);
}

static tinfo check_call(rctx *rc, expr *e, int depth)
{
    const char *fn = e->as.call.fn.name;
    const fn_sig *sig = find_fn(fn);
    if (!sig) {
        const char *cands[sizeof fns / sizeof fns[0]];
        for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
            cands[i] = fns[i].name;
        const char *s = diag_suggest(fn, cands, sizeof fns / sizeof fns[0]);
        if (s)
            ERR(rc, &e->as.call.fn.loc, "unknown function '%s'; did you mean '%s'?", fn, s);
        else
            ERR(rc, &e->as.call.fn.loc, "unknown function '%s'", fn);
        for (int i = 0; i < e->as.call.nargs; i++)
            check_expr(rc, e->as.call.args[i], depth + 1);
        return T(TY_ERROR);
    }
    int n = e->as.call.nargs;
    if (n < sig->min || n > sig->max) {
        ERR(rc, &e->loc, "%s() takes %d argument%s; write %s", fn, sig->max, sig->max == 1 ? "" : "s", sig->usage);
        return T(TY_ERROR);
    }
    tinfo a0 = check_expr(rc, e->as.call.args[0], depth + 1);
    tinfo ret = T(sig->ret);
    if (a0.t == TY_ERROR)
        return T(TY_ERROR);
    if (sig->arg0 == TY_SERIES) {
        expr *arg = e->as.call.args[0];
        if (!is_series_expr(arg)) {
            ERR(rc, &arg->loc, "%s() needs an indicator (a series), not %s; write %s", fn, ty_name(a0.t), sig->usage);
            return T(TY_ERROR);
        }
        const indicator *ind = arg->kind == EX_SERIES ? arg->as.series.resolved : arg->ref;
        if (ind && sig->keeps_unit)
            ret = number_of(ind);
    } else if (sig->arg0 == TY_TARGET) {
        if (a0.t != TY_TARGET) {
            ERR(rc, &e->as.call.args[0]->loc, "%s() needs a target id, not %s; write %s", fn, ty_name(a0.t), sig->usage);
            return T(TY_ERROR);
        }
    } else if (a0.t != TY_NUMBER && a0.t != TY_NA) {
        ERR(rc, &e->as.call.args[0]->loc, "%s() needs a number, not %s", fn, ty_name(a0.t));
        return T(TY_ERROR);
    } else {
        ret = a0;
    }
    if (n == 2) {
        const expr *y = e->as.call.args[1];
        tinfo a1 = check_expr(rc, e->as.call.args[1], depth + 1);
        if (a1.t != TY_NUMBER && a1.t != TY_ERROR)
            ERR(rc, &y->loc, "the second argument of %s() is a year, not %s", fn, ty_name(a1.t));
        else if (y->kind == EX_NUM && sig->arg0 == TY_TARGET && e->as.call.args[0]->ref_kind == REF_TARGET) {
            /* a written year must be a deadline of the target: found now, not at every eval */
            const target *t = e->as.call.args[0]->ref;
            int found = t->kind == TG_RATE && t->rate_to == y->as.num.value;   /* as status() finds it */
            for (int k = 0; t->kind == TG_MILESTONES && k < t->nms && !found; k++)
                found = t->ms[k].kind == MS_BY && t->ms[k].year == y->as.num.value;
            if (!found)
                ERR(rc, &y->loc, "target %s has no milestone with the deadline %g", t->gen_id ? t->gen_id : "?", y->as.num.value);
        }
    }
    return ret;
}

static int units_clash(const tinfo *a, const tinfo *b)
{
    return a->has_unit && b->has_unit && !ast_unit_equal(&a->u, &b->u);
}

static tinfo check_expr(rctx *rc, expr *e, int depth)
{
    if (!e)
        return T(TY_ERROR);
    if (depth > AST_MAX_CHAIN_DEPTH) {
        if (!rc->deep_reported++)   /* once: every node past the limit would say the same */
            ERR(rc, &e->loc, "expression nested too deeply through lets (more than %d levels here): "
                "split a long formula into lets that do not build on each other", AST_MAX_CHAIN_DEPTH);
        else
            rc->nerrors++;
        return T(TY_ERROR);
    }
    if (depth > rc->deepest)
        rc->deepest = depth;
    switch (e->kind) {
    case EX_NUM: {
        tinfo x = T(TY_NUMBER);
        x.u = e->as.num.u;
        x.has_unit = e->as.num.u.kind != UNIT_BARE;
        return x;
    }
    case EX_STR: return T(TY_STRING);
    case EX_BOOL: return T(TY_BOOL);
    case EX_NA: return T(TY_NA);
    case EX_NAME: {
        tinfo t = check_name(rc, e);
        if (e->ref_kind == REF_LET)
            t = let_type(rc, e->ref, depth, &e->loc);
        if (rc->in_derived && e->ref_kind == REF_INDICATOR)
            return number_of(e->ref);   /* year by year, a series is a number */
        if (rc->in_derived && t.t != TY_ERROR && t.t != TY_NUMBER) {
            ERR(rc, &e->loc, "a derived indicator is a formula of other indicators and numbers; '%s' is %s",
                e->as.name.name, ty_name(t.t));
            return T(TY_ERROR);
        }
        return t;
    }
    case EX_SERIES:
        if (resolve_series(rc, &e->as.series) < 0)
            return T(TY_ERROR);
        e->ref_kind = REF_INDICATOR;
        e->ref = e->as.series.resolved;
        return T(TY_SERIES);
    case EX_CALL:
        return check_call(rc, e, depth);
    case EX_AT: {
        tinfo s = check_expr(rc, e->as.at.series, depth + 1);
        tinfo y = check_expr(rc, e->as.at.year, depth + 1);
        if (s.t == TY_ERROR || y.t == TY_ERROR)
            return T(TY_ERROR);
        if (!is_series_expr(e->as.at.series)) {
            ERR(rc, &e->as.at.series->loc, "'@' needs an indicator on its left, like stunting@2020");
            return T(TY_ERROR);
        }
        if (y.t != TY_NUMBER) {
            ERR(rc, &e->as.at.year->loc, "'@' needs a year on its right, like stunting@2020");
            return T(TY_ERROR);
        }
        const expr *se = e->as.at.series;
        return number_of(se->kind == EX_SERIES ? se->as.series.resolved : se->ref);
    }
    case EX_NEG: {
        tinfo x = check_expr(rc, e->as.operand, depth + 1);
        if (x.t == TY_SERIES) {
            ERR(rc, &e->as.operand->loc, "a series is not a number; use latest(...) or series@YEAR");
            return T(TY_ERROR);
        }
        if (x.t != TY_NUMBER && x.t != TY_NA && x.t != TY_ERROR) {
            ERR(rc, &e->loc, "cannot negate %s", ty_name(x.t));
            return T(TY_ERROR);
        }
        return x;
    }
    case EX_NOT: {
        tinfo x = check_expr(rc, e->as.operand, depth + 1);
        if (x.t != TY_BOOL && x.t != TY_NA && x.t != TY_ERROR) {
            ERR(rc, &e->as.operand->loc, "'not' needs true/false, not %s", ty_name(x.t));
            return T(TY_ERROR);
        }
        return T(TY_BOOL);
    }
    case EX_BIN: {
        tinfo l = check_expr(rc, e->as.bin.l, depth + 1);
        tinfo r = check_expr(rc, e->as.bin.r, depth + 1);
        if (l.t == TY_ERROR || r.t == TY_ERROR)
            return T(TY_ERROR);
        bin_op op = e->as.bin.op;
        const expr *sides[2] = {e->as.bin.l, e->as.bin.r};
        tinfo ts[2] = {l, r};
        for (int k = 0; k < 2; k++)
            if (ts[k].t == TY_SERIES && op != OP_EQ && op != OP_NE) {
                const char *nm = sides[k]->kind == EX_NAME ? sides[k]->as.name.name : sides[k]->as.series.ind.name;
                ERR(rc, &sides[k]->loc, "'%s' is a series, not a number; write latest(%s) or %s@2024", nm, nm, nm);
                return T(TY_ERROR);
            }
        if (op == OP_AND || op == OP_OR) {
            for (int k = 0; k < 2; k++)
                if (ts[k].t != TY_BOOL && ts[k].t != TY_NA) {
                    ERR(rc, &sides[k]->loc, "'%s' needs true/false on both sides, not %s", op == OP_AND ? "and" : "or", ty_name(ts[k].t));
                    return T(TY_ERROR);
                }
            return T(TY_BOOL);
        }
        if (op == OP_EQ || op == OP_NE) {
            if (l.t != r.t && l.t != TY_NA && r.t != TY_NA) {
                ERR(rc, &e->loc, "cannot compare %s with %s", ty_name(l.t), ty_name(r.t));
                return T(TY_ERROR);
            }
            if (units_clash(&l, &r)) {
                char a[40], b[40];
                ERR(rc, &e->loc, "cannot compare %s with %s", unit_desc(&l.u, a, sizeof a), unit_desc(&r.u, b, sizeof b));
                return T(TY_ERROR);
            }
            return T(TY_BOOL);
        }
        for (int k = 0; k < 2; k++)
            if (ts[k].t != TY_NUMBER && ts[k].t != TY_NA) {
                ERR(rc, &sides[k]->loc, "arithmetic and ordering need numbers, not %s", ty_name(ts[k].t));
                return T(TY_ERROR);
            }
        int is_cmp = op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
        if ((op == OP_ADD || op == OP_SUB || is_cmp) && units_clash(&l, &r)) {
            char a[40], b[40];
            ERR(rc, &e->loc, "cannot %s %s and %s", is_cmp ? "compare" : op == OP_ADD ? "add" : "subtract",
                unit_desc(&l.u, a, sizeof a), unit_desc(&r.u, b, sizeof b));
            return T(TY_ERROR);
        }
        if (is_cmp)
            return T(TY_BOOL);
        if (op == OP_ADD || op == OP_SUB)
            return l.has_unit ? l : r;
        /* * and /: a unit survives only when the other side is a plain number */
        if (op == OP_MUL)
            return l.has_unit && !r.has_unit ? l : (!l.has_unit && r.has_unit ? r : T(TY_NUMBER));
        if (l.has_unit && !r.has_unit)
            return l;
        return T(TY_NUMBER);
    }
    }
    return T(TY_ERROR);
}

/* ---- declarations ---- */

direction resolve_direction(const indicator *ind, cmp_op cmp)
{
    if (ind && ind->dir != DIR_UNSET)
        return ind->dir;
    if (cmp == CMP_LT || cmp == CMP_LE)
        return DIR_LOWER;
    if (cmp == CMP_GT || cmp == CMP_GE)
        return DIR_HIGHER;
    return DIR_UNSET;
}

method resolve_method(const pc_plan *p)
{
    return p->meta && p->meta->has_method ? p->meta->method : METHOD_CR;
}

int resolve_baseline(const pc_plan *p, const target *t)
{
    if (t && t->baseline)
        return t->baseline;
    return p->meta ? p->meta->baseline : 0;
}

static void add_milestone(rctx *rc, target *t, milestone *m, const char *suffix)
{
    m->target = t;
    m->id = arena_printf(rc->p->arena, "%s/%s", t->gen_id, suffix);
    if (!m->id) {
        rc->oom = 1;
        return;
    }
    uint32_t idx = (uint32_t)rc->p->nmilestones;
    if (PUSH(rc, rc->p->milestones, rc->p->nmilestones, m) < 0)
        return;
    uint32_t old;
    int r = strmap_intern(rc->p->milestone_map, m->id, strlen(m->id), idx, &old);
    if (r < 0)
        rc->oom = 1;
    else if (r == 1 && rc->p->milestones[old]->target == t) {
        /* (two targets with one id are reported as a duplicate target already) */
        ERR(rc, &m->loc, "milestone '%s' is given twice", m->id);
        NOTE(rc, &rc->p->milestones[old]->loc, "first given here");
    }
}

static void check_target(rctx *rc, target *t)
{
    int ok = resolve_series(rc, &t->series) == 0;
    indicator *ind = t->series.resolved;
    int base = resolve_baseline(rc->p, t);
    if (t->kind == TG_RATE) {
        if (t->rate_lo.u.kind != UNIT_PERCENT)
            ERR(rc, &t->rate_lo.loc, "a rate of change is a percentage: write %s%%", t->rate_lo.text);
        if (t->has_rate_hi && t->rate_hi.u.kind != UNIT_PERCENT)
            ERR(rc, &t->rate_hi.loc, "a rate of change is a percentage: write %s%%", t->rate_hi.text);
        if (t->has_rate_hi && t->rate_hi.value < t->rate_lo.value)
            ERR(rc, &t->rate_hi.loc, "the range %s%% to %s%% runs backwards: write the smaller rate first",
                t->rate_lo.text, t->rate_hi.text);
        if (t->rate_from && t->rate_to && t->rate_from >= t->rate_to)
            ERR(rc, &t->rate_to_loc, "the window from %d to %d is empty: 'to' must come after 'from'", t->rate_from, t->rate_to);
        milestone *m = &t->rate_ms;
        m->kind = MS_BY;
        m->cmp = t->rate_increase ? CMP_GE : CMP_LE;
        m->q = t->rate_lo;
        m->year = t->rate_to;
        m->from = t->rate_from;
        m->to = t->rate_to;
        m->loc = t->series.loc;
        m->loc.last_line = t->rate_to_loc.last_line;
        m->loc.last_column = t->rate_to_loc.last_column;
        m->loc.last_byte = t->rate_to_loc.last_byte;
        add_milestone(rc, t, m, "rate");
        return;
    }
    int last_year = 0, nmaintain = 0;
    const milestone *prev = NULL;
    for (int i = 0; i < t->nms; i++) {
        milestone *m = &t->ms[i];
        if (ok && ind)
            check_quantity_unit(rc, &m->q, ind);
        if (ok && ind && ind->dir != DIR_UNSET && m->cmp != CMP_EQ) {
            direction d = resolve_direction(NULL, m->cmp);
            if (d != ind->dir)
                WARN(rc, &m->cmp_loc, "'%s' asks for a %s value, but '%s' is declared %s is better",
                     ast_cmp_str(m->cmp), d == DIR_LOWER ? "lower" : "higher", ind->id.name,
                     ind->dir == DIR_LOWER ? "lower" : "higher");
        }
        if (m->kind == MS_BY) {
            if (m->year && m->year <= last_year) {
                if (m->year == last_year)
                    ERR(rc, &m->year_loc, "two milestones of '%s' fall in %d", t->gen_id, m->year);
                else
                    ERR(rc, &m->year_loc, "milestones are out of order: %d comes after %d", m->year, last_year);
                if (prev)
                    NOTE(rc, &prev->year_loc, "the earlier milestone is here");
            }
            if (m->year && base && m->year <= base)
                ERR(rc, &m->year_loc, "the deadline %d is not after the baseline year %d", m->year, base);
            const plan_meta *pm = rc->p->meta;
            if (m->year && pm && pm->period_from && (m->year < pm->period_from || m->year > pm->period_to))
                WARN(rc, &m->year_loc, "the deadline %d is outside the plan's period %d to %d", m->year,
                     pm->period_from, pm->period_to);
            if (m->year > last_year)
                last_year = m->year;
            prev = m;
            char y[16];
            snprintf(y, sizeof y, "%d", m->year);
            add_milestone(rc, t, m, y);
        } else {
            if (++nmaintain > 1) {
                ERR(rc, &m->loc, "a target can have only one 'maintain' milestone");
                continue;
            }
            if (m->from && m->to && m->from > m->to)
                ERR(rc, &m->to_loc, "the window from %d to %d is empty: 'to' must not come before 'from'", m->from, m->to);
            const plan_meta *pm = rc->p->meta;
            m->win_from = m->from ? m->from : pm ? pm->period_from : 0;
            m->win_to = m->to ? m->to : pm ? pm->period_to : 0;
            add_milestone(rc, t, m, "maintain");
        }
    }
}

static void set_owner(rctx *rc, int mi, const agency *lead, const decl *d, int prio, int *prios)
{
    if (prios[mi] == prio && rc->p->owners[mi].from && rc->p->owners[mi].from != d) {
        const milestone *m = rc->p->milestones[mi];
        ERR(rc, &d->loc, "'%s' already has a lead (%s)", m->target->gen_id,
            rc->p->owners[mi].lead ? rc->p->owners[mi].lead->id.name : "?");
        NOTE(rc, &rc->p->owners[mi].from->loc, "given here; list coordinators with 'with' instead");
        return;
    }
    if (prios[mi] > prio)
        return;
    prios[mi] = prio;
    ms_owner *o = &rc->p->owners[mi];
    o->lead = lead;
    o->co = rc->co;
    o->nco = rc->nco;
    o->from = d;
    o->with = rc->with;
    o->nwith = rc->nwith;
}

/* Milestones by key (their target, or their indicator), in milestone order within a key:
 * a `responsible` line then finds its milestones by binary search instead of a scan of
 * them all (3,300 targets each named once was 11 million comparisons). */
typedef struct ms_key {
    uintptr_t key;
    int m;
} ms_key;

static int cmp_ms_key(const void *a, const void *b)
{
    const ms_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->m > y->m) - (x->m < y->m);
}

/* The first entry with key k (n if none). */
static int ms_key_first(const ms_key *v, int n, uintptr_t k)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (v[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void check_responsibles(rctx *rc, decl **resp_decls)
{
    pc_plan *p = rc->p;
    int nm = p->nmilestones;
    int *prios = arena_alloc(p->arena, sizeof(int) * (size_t)(nm ? nm : 1));
    p->owners = arena_alloc(p->arena, sizeof(ms_owner) * (size_t)(nm ? nm : 1));
    ms_key *by_t = arena_alloc(p->arena, sizeof(ms_key) * (size_t)(nm ? nm : 1));
    ms_key *by_i = arena_alloc(p->arena, sizeof(ms_key) * (size_t)(nm ? nm : 1));
    if (!prios || !p->owners || !by_t || !by_i) {
        rc->oom = 1;
        return;
    }
    for (int m = 0; m < nm; m++) {
        by_t[m] = (ms_key){(uintptr_t)p->milestones[m]->target, m};
        by_i[m] = (ms_key){(uintptr_t)p->milestones[m]->target->series.resolved, m};
    }
    if (nm > 1) {
        qsort(by_t, (size_t)nm, sizeof *by_t, cmp_ms_key);
        qsort(by_i, (size_t)nm, sizeof *by_i, cmp_ms_key);
    }
    /* priorities: 3 names the target, 2 its indicator, 1 the plan */
    for (int i = 0; i < p->nresps; i++) {
        responsible *r = p->resps[i];
        decl *d = resp_decls[i];
        const agency *lead = need_agency(rc, &r->lead);
        rc->co = NULL;
        rc->nco = 0;
        if (r->nco) {
            rc->co = arena_alloc(p->arena, sizeof(agency *) * (size_t)r->nco);
            if (!rc->co) {
                rc->oom = 1;
                return;
            }
            for (int k = 0; k < r->nco; k++) {
                const agency *a = need_agency(rc, &r->co[k]);
                int dup = strcmp(r->co[k].name, r->lead.name) == 0;
                for (int j = 0; j < k; j++)
                    dup |= strcmp(r->co[j].name, r->co[k].name) == 0;
                if (dup)
                    WARN(rc, &r->co[k].loc, "'%s' is named twice as a lead", r->co[k].name);
                else if (a)
                    rc->co[rc->nco++] = a;
            }
        }
        rc->with = arena_alloc(p->arena, sizeof(agency *) * (size_t)(r->nwith ? r->nwith : 1));
        rc->nwith = 0;
        if (!rc->with) {
            rc->oom = 1;
            return;
        }
        for (int k = 0; k < r->nwith; k++) {
            const agency *wa = need_agency(rc, &r->with[k]);
            if (wa)
                rc->with[rc->nwith++] = wa;
            if (strcmp(r->with[k].name, r->lead.name) == 0)
                WARN(rc, &r->with[k].loc, "'%s' leads and also coordinates", r->lead.name);
            for (int j = 0; j < r->nco; j++)
                if (strcmp(r->with[k].name, r->co[j].name) == 0)
                    WARN(rc, &r->with[k].loc, "'%s' leads and also coordinates", r->co[j].name);
        }
        for (int k = 0; k < r->nrefs; k++) {
            const name_ref *ref = &r->refs[k];
            uint32_t ti, ii;
            if (strcmp(ref->name, "plan") == 0) {
                for (int m = 0; m < p->nmilestones; m++)
                    set_owner(rc, m, lead, d, 1, prios);
            } else if (map_get(p->target_map, ref->name, &ti)) {
                uintptr_t key = (uintptr_t)p->targets[ti];
                for (int j = ms_key_first(by_t, nm, key); j < nm && by_t[j].key == key; j++)
                    set_owner(rc, by_t[j].m, lead, d, 3, prios);
            } else if (map_get(p->indicator_map, ref->name, &ii)) {
                uintptr_t key = (uintptr_t)p->indicators[ii];
                for (int j = ms_key_first(by_i, nm, key); j < nm && by_i[j].key == key; j++)
                    set_owner(rc, by_i[j].m, lead, d, 2, prios);
            } else {
                const char *s = suggest(rc, ref->name, p->target_map, p->indicator_map);
                if (s)
                    ERR(rc, &ref->loc, "'%s' is not a target or an indicator; did you mean '%s'?", ref->name, s);
                else
                    ERR(rc, &ref->loc, "'%s' is not a target or an indicator (or the word 'plan')", ref->name);
            }
        }
    }
}

static void check_report(rctx *rc, report *r, int n)
{
    r->gen_id = arena_printf(rc->p->arena, "R%d", n);
    for (int i = 0; i < r->nfrom; i++)
        need_agency(rc, &r->from[i]);
    need_agency(rc, &r->to);
    if (r->via.name) {
        need_agency(rc, &r->via);
        if (strcmp(r->via.name, r->to.name) == 0)
            WARN(rc, &r->via.loc, "the report goes to %s already; 'via %s' says nothing more", r->to.name, r->via.name);
    }
    for (int i = 0; i < r->ndeadlines; i++) {
        date *d = &r->deadlines[i];
        if (!d->month)
            continue;   /* already reported by the parser */
        if (r->kind == RP_ONCE && d->year == 0)
            ERR(rc, &d->loc, "a one-off report needs a full date, like 2025-12-31");
        if (r->kind != RP_ONCE && d->year != 0)
            ERR(rc, &d->loc, "a recurring report's deadline is a day and a month, like 30 Nov (not a full date)");
    }
    if (r->kind == RP_YEARLY && r->ndeadlines > 1)
        ERR(rc, &r->deadlines[1].loc, "a yearly report has one deadline; use 'every 6 months' for two a year");
    if (r->kind == RP_MONTHS && r->months && r->ndeadlines != 1 && r->ndeadlines != 12 / r->months)
        ERR(rc, &r->deadlines[0].loc, "every %d months needs %d deadlines (one per period) or a single one that repeats",
            r->months, 12 / r->months);
}

static void check_task(rctx *rc, task *t)
{
    if (t->lead.name)
        need_agency(rc, &t->lead);
    for (int i = 0; i < t->nwith; i++)
        need_agency(rc, &t->with[i]);
}

pc_plan *resolve_plan(ast_file *const *files, int n, diag_sink *diags, int *nerrors)
{
    arena *a = arena_new();
    if (!a)
        return NULL;
    pc_plan *p = arena_alloc(a, sizeof *p);
    if (!p) {
        arena_free(a);
        return NULL;
    }
    p->arena = a;
    rctx rc = {p, diags, 0, 0, 0, NULL, 0, NULL, 0, 0, 0};
    p->agency_map = new_map(&rc);
    p->indicator_map = new_map(&rc);
    p->target_map = new_map(&rc);
    p->let_map = new_map(&rc);
    p->milestone_map = new_map(&rc);
    strmap *task_map = new_map(&rc);
    decl **resp_decls = NULL;
    int nresp_decls = 0;
    const decl *plan_decl = NULL;

    /* 1. collect and declare names */
    for (int fi = 0; fi < n && !rc.oom; fi++) {
        if (PUSH(&rc, p->files, p->nfiles, files[fi]) < 0)
            break;
        for (decl *d = files[fi]->decls; d && !rc.oom; d = d->next) {
            switch (d->kind) {
            case D_PLAN:
                if (plan_decl) {
                    ERR(&rc, &d->loc, "a second plan block; a file holds one plan");
                    NOTE(&rc, &plan_decl->loc, "the first plan block is here");
                } else {
                    plan_decl = d;
                    p->meta = &d->as.plan;
                }
                break;
            case D_AGENCY:
                declare(&rc, p->agency_map, "agency", &d->as.agency.id, (uint32_t)p->nagencies, agency_loc);
                PUSH(&rc, p->agencies, p->nagencies, &d->as.agency);
                break;
            case D_INDICATOR:
                declare(&rc, p->indicator_map, "indicator", &d->as.indicator.id, (uint32_t)p->nindicators, indicator_loc);
                PUSH(&rc, p->indicators, p->nindicators, &d->as.indicator);
                break;
            case D_TARGET:
                PUSH(&rc, p->targets, p->ntargets, &d->as.target);
                break;
            case D_RESPONSIBLE:
                PUSH(&rc, p->resps, p->nresps, &d->as.responsible);
                PUSH(&rc, resp_decls, nresp_decls, d);
                break;
            case D_REPORT:
                PUSH(&rc, p->reports, p->nreports, &d->as.report);
                break;
            case D_TASK:
                PUSH(&rc, p->tasks, p->ntasks, &d->as.task);
                if (d->as.task.id.name) {
                    uint32_t old;
                    int r = strmap_intern(task_map, d->as.task.id.name, strlen(d->as.task.id.name),
                                          (uint32_t)p->ntasks - 1, &old);
                    if (r == 1) {
                        ERR(&rc, &d->as.task.id.loc, "duplicate task '%s'", d->as.task.id.name);
                        NOTE(&rc, &p->tasks[old]->id.loc, "'%s' was first declared here", d->as.task.id.name);
                    }
                }
                break;
            case D_LET:
                declare(&rc, p->let_map, "let", &d->as.let.name, (uint32_t)p->nlets, let_loc);
                PUSH(&rc, p->lets, p->nlets, &d->as.let);
                break;
            case D_ALERT:
                PUSH(&rc, p->alerts, p->nalerts, &d->as.alert);
                break;
            case D_TEST:
                break;
            }
        }
    }

    /* 2. target ids: written ones first, then T1, T2, … for the others, skipping taken ones */
    for (int i = 0; i < p->ntargets && !rc.oom; i++) {
        target *t = p->targets[i];
        if (t->id.name) {
            t->gen_id = t->id.name;
            declare(&rc, p->target_map, "target", &t->id, (uint32_t)i, target_loc);
        }
    }
    int next_gen = 1;
    for (int i = 0; i < p->ntargets && !rc.oom; i++) {
        target *t = p->targets[i];
        if (t->id.name)
            continue;
        char buf[24];
        uint32_t dummy;
        do
            snprintf(buf, sizeof buf, "T%d", next_gen++);
        while (map_get(p->target_map, buf, &dummy));
        t->gen_id = arena_strdup(a, buf);
        if (!t->gen_id || strmap_put(p->target_map, t->gen_id, strlen(t->gen_id), (uint32_t)i) < 0)
            rc.oom = 1;
    }
    /* names that are two kinds at once would make expressions ambiguous */
    for (int i = 0; i < p->nlets && !rc.oom; i++) {
        uint32_t k;
        const name_ref *nm = &p->lets[i]->name;
        if (map_get(p->indicator_map, nm->name, &k)) {
            ERR(&rc, &nm->loc, "'%s' is already an indicator; give the let another name", nm->name);
            NOTE(&rc, &p->indicators[k]->id.loc, "the indicator is declared here");
        }
    }

    /* 3. plan meta */
    if (p->meta && p->meta->issued.year && p->meta->baseline && p->meta->baseline > p->meta->issued.year + 1)
        WARN(&rc, &p->meta->baseline_loc, "the baseline year %d is after the plan was issued (%d)",
             p->meta->baseline, p->meta->issued.year);

    /* 4. indicators */
    for (int i = 0; i < p->nindicators && !rc.oom; i++) {
        indicator *ind = p->indicators[i];
        if (ind->ndims > AST_MAX_DIMS)   /* dimension keys are built from at most that many */
            ERR(&rc, &ind->dims[AST_MAX_DIMS].loc, "an indicator has at most %d dimensions", AST_MAX_DIMS);
        for (int k = 0; k < ind->ndims; k++)
            for (int j = 0; j < k; j++)
                if (strcmp(ind->dims[j].name, ind->dims[k].name) == 0)
                    ERR(&rc, &ind->dims[k].loc, "dimension '%s' is listed twice", ind->dims[k].name);
        for (int k = 0; k < ind->ndims; k++) {
            const char *dn = ind->dims[k].name;
            if (!strcmp(dn, "indicator") || !strcmp(dn, "region") || !strcmp(dn, "year") || !strcmp(dn, "value") ||
                !strcmp(dn, "unit") || !strcmp(dn, "source") || !strcmp(dn, "note") || !strcmp(dn, "comment"))
                ERR(&rc, &ind->dims[k].loc, "'%s' is a column of the data format, not a dimension", dn);
        }
    }

    /* 5. targets and milestones */
    for (int i = 0; i < p->ntargets && !rc.oom; i++)
        check_target(&rc, p->targets[i]);

    /* 6. lets, derived indicators, alerts (need every name declared) */
    p->let_states = arena_alloc(a, sizeof(let_state) * (size_t)(p->nlets ? p->nlets : 1));
    if (!p->let_states)
        rc.oom = 1;
    for (int i = 0; i < p->nlets && !rc.oom; i++)
        let_type(&rc, p->lets[i], 0, NULL);
    for (int i = 0; i < p->nindicators && !rc.oom; i++) {
        indicator *ind = p->indicators[i];
        if (!ind->derived)
            continue;
        rc.in_derived = 1;
        tinfo t = check_expr(&rc, ind->derived, 0);
        rc.in_derived = 0;
        if (t.t == TY_NUMBER && t.has_unit && ind->has_unit && !ast_unit_equal(&t.u, &ind->u)) {
            char a1[40], b1[40];
            ERR(&rc, &ind->derived->loc, "the formula gives %s, but '%s' is declared in %s",
                unit_desc(&t.u, a1, sizeof a1), ind->id.name, unit_desc(&ind->u, b1, sizeof b1));
        }
        if (t.t != TY_NUMBER && t.t != TY_ERROR)
            ERR(&rc, &ind->derived->loc, "a derived indicator is a formula of other indicators, not %s", ty_name(t.t));
    }
    if (!rc.oom)
        check_derived_graph(&rc);
    for (int i = 0; i < p->nalerts && !rc.oom; i++) {
        alert_decl *al = p->alerts[i];
        tinfo t = check_expr(&rc, al->when, 0);
        if (t.t != TY_BOOL && t.t != TY_ERROR && t.t != TY_NA)
            ERR(&rc, &al->when->loc, "an alert's condition must be true or false, not %s", ty_name(t.t));
        if (al->to.name)
            need_agency(&rc, &al->to);
    }

    /* 7. responsibilities, reports, tasks */
    if (!rc.oom)
        check_responsibles(&rc, resp_decls);
    for (int i = 0; i < p->nreports && !rc.oom; i++)
        check_report(&rc, p->reports[i], i + 1);
    for (int i = 0; i < p->ntasks && !rc.oom; i++)
        check_task(&rc, p->tasks[i]);

    strmap_free(task_map);
    if (rc.oom) {
        resolve_free(p);
        return NULL;
    }
    *nerrors = rc.nerrors;
    return p;
}

void resolve_free(pc_plan *p)
{
    if (!p)
        return;
    strmap *maps[] = {p->agency_map, p->indicator_map, p->target_map, p->let_map, p->milestone_map};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        if (maps[i])
            strmap_free(maps[i]);
    arena_free(p->arena);
}

const agency *resolve_agency(const pc_plan *p, const char *name)
{
    uint32_t i;
    return map_get(p->agency_map, name, &i) ? p->agencies[i] : NULL;
}

const indicator *resolve_indicator(const pc_plan *p, const char *name)
{
    uint32_t i;
    return map_get(p->indicator_map, name, &i) ? p->indicators[i] : NULL;
}

const target *resolve_target(const pc_plan *p, const char *name)
{
    uint32_t i;
    return map_get(p->target_map, name, &i) ? p->targets[i] : NULL;
}

const milestone *resolve_milestone(const pc_plan *p, const char *id)
{
    uint32_t i;
    return map_get(p->milestone_map, id, &i) ? p->milestones[i] : NULL;
}

const let_decl *resolve_let(const pc_plan *p, const char *name)
{
    uint32_t i;
    return map_get(p->let_map, name, &i) ? p->lets[i] : NULL;
}

int resolve_milestone_index(const pc_plan *p, const milestone *m)
{
    uint32_t i;
    return m && m->id && map_get(p->milestone_map, m->id, &i) ? (int)i : -1;
}

ty resolve_expr(const pc_plan *p, expr *e, diag_sink *diags)
{
    rctx rc = {(pc_plan *)p, diags, 0, 0, 0, NULL, 0, NULL, 0, 0, 0};
    tinfo t = check_expr(&rc, e, 0);
    if (e && e->kind == EX_NAME && e->ref_kind == REF_TARGET)
        return TY_TARGET;
    return rc.nerrors ? TY_ERROR : t.t;
}
