/* resolve_derived.c — derived indicators and lets as a graph: no cycles (the path is named),
 * nesting bounded by AST_MAX_DERIVED_DEPTH. It reports; it evaluates nothing. */
#include "resolve_int.h"

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

void check_derived_graph(rctx *rc)
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
