/* resolve_expr.c — the checker's expressions: names and selectors looked up, the types of
 * expressions, the built-in functions' signatures, units of ratios, and the types of lets.
 * It reports every error it finds; it never evaluates data. */
#include "resolve_int.h"
#include "assess.h"
#include <math.h>
#include <string.h>

/* ---- expressions ---- */

tinfo tinfo_of(ty t) { tinfo x; memset(&x, 0, sizeof x); x.t = t; return x; }

const char *ty_name(ty t)
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

int resolve_series(rctx *rc, series_ref *s)
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
    tinfo x = tinfo_of(TY_NUMBER);
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
        return tinfo_of(TY_NUMBER);   /* refined by the caller that knows the let's type */
    }
    if (map_get(rc->p->indicator_map, name, &i)) {
        e->ref_kind = REF_INDICATOR;
        e->ref = rc->p->indicators[i];
        return tinfo_of(TY_SERIES);
    }
    if (map_get(rc->p->target_map, name, &i)) {
        e->ref_kind = REF_TARGET;
        e->ref = rc->p->targets[i];
        return tinfo_of(TY_TARGET);
    }
    if (map_get(rc->p->agency_map, name, &i)) {
        e->ref_kind = REF_AGENCY;
        e->ref = rc->p->agencies[i];
        return tinfo_of(TY_AGENCY);
    }
    pc_status st;
    if (assess_status_parse(name, &st) == 0) {
        e->ref_kind = REF_STATUS;
        e->ref = (void *)(intptr_t)(st + 1);
        return tinfo_of(TY_STATUS);
    }
    const char *s = suggest(rc, name, rc->p->indicator_map, rc->p->let_map);
    if (!s)
        s = suggest(rc, name, rc->p->target_map, rc->p->agency_map);
    if (s)
        ERR(rc, &e->loc, "unknown name '%s'; did you mean '%s'?", name, s);
    else
        ERR(rc, &e->loc, "unknown name '%s': not a let, indicator, target, agency or status", name);
    return tinfo_of(TY_ERROR);
}

/* Types of lets, computed on demand with cycle detection. */
let_state *let_states(rctx *rc) { return rc->p->let_states; }

/* use: where the let is named (NULL: checked for itself) */
tinfo let_type(rctx *rc, let_decl *l, int depth, const pc_loc *use)
{
    uint32_t i;
    if (!map_get(rc->p->let_map, l->name.name, &i))
        return tinfo_of(TY_ERROR);
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
        st->t = tinfo_of(TY_ERROR);
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

static int is_series_expr(const expr *e)
{
    return e->kind == EX_SERIES || (e->kind == EX_NAME && e->ref_kind == REF_INDICATOR);
}

static const indicator *series_ind(const expr *e)
{
    return e->kind == EX_SERIES ? e->as.series.resolved : e->ref_kind == REF_INDICATOR ? e->ref : NULL;
}

/* The factor a derived formula puts on a ratio of two series of one unit: a / b is 1 (a
 * fraction), a / b * 100 is 100, 100 * a / b too; 0 when the formula has another shape. */
static double ratio_scale(const expr *e, int depth)
{
    if (!e || e->kind != EX_BIN || depth > 50)
        return 0;
    const expr *l = e->as.bin.l, *r = e->as.bin.r;
    int lit_l = l->kind == EX_NUM && l->as.num.u.kind == UNIT_BARE;
    int lit_r = r->kind == EX_NUM && r->as.num.u.kind == UNIT_BARE;
    if (e->as.bin.op == OP_MUL) {
        if (lit_r)
            return ratio_scale(l, depth + 1) * r->as.num.value;
        if (lit_l)
            return ratio_scale(r, depth + 1) * l->as.num.value;
        return 0;
    }
    if (e->as.bin.op != OP_DIV)
        return 0;
    if (lit_r && r->as.num.value != 0)
        return ratio_scale(l, depth + 1) / r->as.num.value;
    if (is_series_expr(l) && is_series_expr(r)) {
        const indicator *a = series_ind(l), *b = series_ind(r);
        return a && b && ast_unit_equal(&a->u, &b->u) ? 1 : 0;
    }
    if (l->kind == EX_BIN && l->as.bin.op == OP_MUL && is_series_expr(r)) {   /* a * 100 / b */
        const expr *ll = l->as.bin.l, *lr = l->as.bin.r;
        const expr *num = ll->kind == EX_NUM ? ll : lr->kind == EX_NUM ? lr : NULL;
        const expr *ser = num == ll ? lr : ll;
        const indicator *a = is_series_expr(ser) ? series_ind(ser) : NULL, *b = series_ind(r);
        if (num && num->as.num.u.kind == UNIT_BARE && a && b && ast_unit_equal(&a->u, &b->u))
            return num->as.num.value;
    }
    return 0;
}

/* A ratio of two like series declared in %, ‰ or per N must be scaled to it. */
void check_ratio_unit(rctx *rc, const indicator *ind)
{
    double k = ratio_scale(ind->derived, 0);
    if (k == 0 || !ind->has_unit || ind->u.kind == UNIT_BARE)
        return;
    double want = ind->u.scale;
    if (fabs(k - want) <= 1e-9 * want)
        return;
    char u[40];
    if (k == 1)
        ERR(rc, &ind->derived->loc, "this ratio of two series in one unit is a fraction (0.25 for 25%%), but '%s' is declared in %s: multiply it by %g",
            ind->id.name, unit_desc(&ind->u, u, sizeof u), want);
    else
        ERR(rc, &ind->derived->loc, "this ratio of two series in one unit is scaled by %g, but '%s' is declared in %s, which needs %g",
            k, ind->id.name, unit_desc(&ind->u, u, sizeof u), want);
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
        return tinfo_of(TY_ERROR);
    }
    int n = e->as.call.nargs;
    if (n < sig->min || n > sig->max) {
        ERR(rc, &e->loc, "%s() takes %d argument%s; write %s", fn, sig->max, sig->max == 1 ? "" : "s", sig->usage);
        return tinfo_of(TY_ERROR);
    }
    tinfo a0 = check_expr(rc, e->as.call.args[0], depth + 1);
    tinfo ret = tinfo_of(sig->ret);
    if (a0.t == TY_ERROR)
        return tinfo_of(TY_ERROR);
    if (sig->arg0 == TY_SERIES) {
        expr *arg = e->as.call.args[0];
        if (!is_series_expr(arg)) {
            ERR(rc, &arg->loc, "%s() needs an indicator (a series), not %s; write %s", fn, ty_name(a0.t), sig->usage);
            return tinfo_of(TY_ERROR);
        }
        const indicator *ind = arg->kind == EX_SERIES ? arg->as.series.resolved : arg->ref;
        if (ind && sig->keeps_unit)
            ret = number_of(ind);
    } else if (sig->arg0 == TY_TARGET) {
        if (a0.t != TY_TARGET) {
            ERR(rc, &e->as.call.args[0]->loc, "%s() needs a target id, not %s; write %s", fn, ty_name(a0.t), sig->usage);
            return tinfo_of(TY_ERROR);
        }
    } else if (a0.t != TY_NUMBER && a0.t != TY_NA) {
        ERR(rc, &e->as.call.args[0]->loc, "%s() needs a number, not %s", fn, ty_name(a0.t));
        return tinfo_of(TY_ERROR);
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

tinfo check_expr(rctx *rc, expr *e, int depth)
{
    if (!e)
        return tinfo_of(TY_ERROR);
    if (depth > AST_MAX_CHAIN_DEPTH) {
        if (!rc->deep_reported++)   /* once: every node past the limit would say the same */
            ERR(rc, &e->loc, "expression nested too deeply through lets (more than %d levels here): "
                "split a long formula into lets that do not build on each other", AST_MAX_CHAIN_DEPTH);
        else
            rc->nerrors++;
        return tinfo_of(TY_ERROR);
    }
    if (depth > rc->deepest)
        rc->deepest = depth;
    switch (e->kind) {
    case EX_NUM: {
        tinfo x = tinfo_of(TY_NUMBER);
        x.u = e->as.num.u;
        x.has_unit = e->as.num.u.kind != UNIT_BARE;
        return x;
    }
    case EX_STR: return tinfo_of(TY_STRING);
    case EX_BOOL: return tinfo_of(TY_BOOL);
    case EX_NA: return tinfo_of(TY_NA);
    case EX_NAME: {
        tinfo t = check_name(rc, e);
        if (e->ref_kind == REF_LET)
            t = let_type(rc, e->ref, depth, &e->loc);
        if (rc->in_derived && e->ref_kind == REF_INDICATOR)
            return number_of(e->ref);   /* year by year, a series is a number */
        if (rc->in_derived && t.t != TY_ERROR && t.t != TY_NUMBER) {
            ERR(rc, &e->loc, "a derived indicator is a formula of other indicators and numbers; '%s' is %s",
                e->as.name.name, ty_name(t.t));
            return tinfo_of(TY_ERROR);
        }
        return t;
    }
    case EX_SERIES:
        if (resolve_series(rc, &e->as.series) < 0)
            return tinfo_of(TY_ERROR);
        e->ref_kind = REF_INDICATOR;
        e->ref = e->as.series.resolved;
        return tinfo_of(TY_SERIES);
    case EX_CALL:
        return check_call(rc, e, depth);
    case EX_AT: {
        tinfo s = check_expr(rc, e->as.at.series, depth + 1);
        tinfo y = check_expr(rc, e->as.at.year, depth + 1);
        if (s.t == TY_ERROR || y.t == TY_ERROR)
            return tinfo_of(TY_ERROR);
        if (!is_series_expr(e->as.at.series)) {
            ERR(rc, &e->as.at.series->loc, "'@' needs an indicator on its left, like stunting@2020");
            return tinfo_of(TY_ERROR);
        }
        if (y.t != TY_NUMBER) {
            ERR(rc, &e->as.at.year->loc, "'@' needs a year on its right, like stunting@2020");
            return tinfo_of(TY_ERROR);
        }
        const expr *se = e->as.at.series;
        return number_of(se->kind == EX_SERIES ? se->as.series.resolved : se->ref);
    }
    case EX_NEG: {
        tinfo x = check_expr(rc, e->as.operand, depth + 1);
        if (x.t == TY_SERIES) {
            ERR(rc, &e->as.operand->loc, "a series is not a number; use latest(...) or series@YEAR");
            return tinfo_of(TY_ERROR);
        }
        if (x.t != TY_NUMBER && x.t != TY_NA && x.t != TY_ERROR) {
            ERR(rc, &e->loc, "cannot negate %s", ty_name(x.t));
            return tinfo_of(TY_ERROR);
        }
        return x;
    }
    case EX_NOT: {
        tinfo x = check_expr(rc, e->as.operand, depth + 1);
        if (x.t != TY_BOOL && x.t != TY_NA && x.t != TY_ERROR) {
            ERR(rc, &e->as.operand->loc, "'not' needs true/false, not %s", ty_name(x.t));
            return tinfo_of(TY_ERROR);
        }
        return tinfo_of(TY_BOOL);
    }
    case EX_BIN: {
        tinfo l = check_expr(rc, e->as.bin.l, depth + 1);
        tinfo r = check_expr(rc, e->as.bin.r, depth + 1);
        if (l.t == TY_ERROR || r.t == TY_ERROR)
            return tinfo_of(TY_ERROR);
        bin_op op = e->as.bin.op;
        const expr *sides[2] = {e->as.bin.l, e->as.bin.r};
        tinfo ts[2] = {l, r};
        for (int k = 0; k < 2; k++)
            if (ts[k].t == TY_SERIES && op != OP_EQ && op != OP_NE) {
                const char *nm = sides[k]->kind == EX_NAME ? sides[k]->as.name.name : sides[k]->as.series.ind.name;
                ERR(rc, &sides[k]->loc, "'%s' is a series, not a number; write latest(%s) or %s@2024", nm, nm, nm);
                return tinfo_of(TY_ERROR);
            }
        if (op == OP_AND || op == OP_OR) {
            for (int k = 0; k < 2; k++)
                if (ts[k].t != TY_BOOL && ts[k].t != TY_NA) {
                    ERR(rc, &sides[k]->loc, "'%s' needs true/false on both sides, not %s", op == OP_AND ? "and" : "or", ty_name(ts[k].t));
                    return tinfo_of(TY_ERROR);
                }
            return tinfo_of(TY_BOOL);
        }
        if (op == OP_EQ || op == OP_NE) {
            if (l.t != r.t && l.t != TY_NA && r.t != TY_NA) {
                ERR(rc, &e->loc, "cannot compare %s with %s", ty_name(l.t), ty_name(r.t));
                return tinfo_of(TY_ERROR);
            }
            if (units_clash(&l, &r)) {
                char a[40], b[40];
                ERR(rc, &e->loc, "cannot compare %s with %s", unit_desc(&l.u, a, sizeof a), unit_desc(&r.u, b, sizeof b));
                return tinfo_of(TY_ERROR);
            }
            return tinfo_of(TY_BOOL);
        }
        for (int k = 0; k < 2; k++)
            if (ts[k].t != TY_NUMBER && ts[k].t != TY_NA) {
                ERR(rc, &sides[k]->loc, "arithmetic and ordering need numbers, not %s", ty_name(ts[k].t));
                return tinfo_of(TY_ERROR);
            }
        int is_cmp = op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
        if ((op == OP_ADD || op == OP_SUB || is_cmp) && units_clash(&l, &r)) {
            char a[40], b[40];
            ERR(rc, &e->loc, "cannot %s %s and %s", is_cmp ? "compare" : op == OP_ADD ? "add" : "subtract",
                unit_desc(&l.u, a, sizeof a), unit_desc(&r.u, b, sizeof b));
            return tinfo_of(TY_ERROR);
        }
        if (is_cmp)
            return tinfo_of(TY_BOOL);
        if (op == OP_ADD || op == OP_SUB)
            return l.has_unit ? l : r;
        /* * and /: a unit survives only when the other side is a plain number */
        if (op == OP_MUL)
            return l.has_unit && !r.has_unit ? l : (!l.has_unit && r.has_unit ? r : tinfo_of(TY_NUMBER));
        if (l.has_unit && !r.has_unit)
            return l;
        return tinfo_of(TY_NUMBER);
    }
    }
    return tinfo_of(TY_ERROR);
}
