/* resolve_int.h — what the files of the checker share (resolve.c, resolve_expr.c,
 * resolve_derived.c): the checking context, its ERR/NOTE/WARN, and the helpers used across
 * them. Private to them; resolve.h is the checker's face. */
#ifndef PC_RESOLVE_INT_H
#define PC_RESOLVE_INT_H

#include "resolve.h"
#include "diag.h"
#include "strmap.h"

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

typedef struct tinfo {
    ty t;
    unit u;
    int has_unit;   /* a number with a known unit (bare literals adopt any unit) */
} tinfo;

typedef struct let_state let_state;
struct let_state { int state; tinfo t; int height; };   /* state: 0 new, 1 visiting, 2 done */

int map_get(const strmap *m, const char *name, uint32_t *v);
void declare(rctx *rc, strmap *m, const char *kind, const name_ref *n, uint32_t idx,
             const pc_loc *(*loc_of)(rctx *, uint32_t));
const char *suggest(rctx *rc, const char *name, const strmap *m1, const strmap *m2);
void unknown(rctx *rc, const name_ref *n, const char *kind, const strmap *m1, const strmap *m2);
const char *unit_desc(const unit *u, char *buf, size_t len);
tinfo tinfo_of(ty t);
const char *ty_name(ty t);
int resolve_series(rctx *rc, series_ref *s);
let_state *let_states(rctx *rc);
tinfo let_type(rctx *rc, let_decl *l, int depth, const pc_loc *use);
void check_derived_graph(rctx *rc);
void check_ratio_unit(rctx *rc, const indicator *ind);
tinfo check_expr(rctx *rc, expr *e, int depth);

#endif
