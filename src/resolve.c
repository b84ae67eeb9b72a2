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
#include "resolve_int.h"

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

int map_get(const strmap *m, const char *name, uint32_t *v)
{
    return m && name && strmap_get(m, name, strlen(name), v);
}

/* Insert name -> idx; on a duplicate report it at loc with a note at the first place. */
void declare(rctx *rc, strmap *m, const char *kind, const name_ref *n, uint32_t idx,
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
const char *suggest(rctx *rc, const char *name, const strmap *m1, const strmap *m2)
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

void unknown(rctx *rc, const name_ref *n, const char *kind, const strmap *m1, const strmap *m2)
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

const char *unit_desc(const unit *u, char *buf, size_t len)
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

/* A later milestone should be at least as strict as an earlier one: `<= 8% by 2025,
 * <= 9% by 2030` (laxer) and `<= 8.5% by 2025, >= 9% by 2030` (the other way) are warnings. */
static void check_laxer(rctx *rc, const milestone *prev, const milestone *m)
{
    if (prev->cmp == CMP_EQ || m->cmp == CMP_EQ)
        return;
    int down0 = prev->cmp == CMP_LT || prev->cmp == CMP_LE;
    int down1 = m->cmp == CMP_LT || m->cmp == CMP_LE;
    double a = prev->q.value, b = m->q.value;
    if (down0 != down1) {
        WARN(rc, &m->cmp_loc, "the %d milestone asks for a %s value ('%s %s'), the %d one for a %s one ('%s %s'): is one of them a typo?",
             m->year, down1 ? "lower" : "higher", ast_cmp_str(m->cmp), m->q.text, prev->year,
             down0 ? "lower" : "higher", ast_cmp_str(prev->cmp), prev->q.text);
    } else if (down1 ? (b > a || (b == a && m->cmp == CMP_LE && prev->cmp == CMP_LT))
                     : (b < a || (b == a && m->cmp == CMP_GE && prev->cmp == CMP_GT))) {
        WARN(rc, &m->q.loc, "the %d milestone ('%s %s') is laxer than the %d one ('%s %s'): a later milestone is usually at least as strict; is it a typo?",
             m->year, ast_cmp_str(m->cmp), m->q.text, prev->year, ast_cmp_str(prev->cmp), prev->q.text);
    } else {
        return;
    }
    NOTE(rc, &prev->loc, "the %d milestone is here", prev->year);
}

static void check_target(rctx *rc, target *t)
{
    int ok = resolve_series(rc, &t->series) == 0;
    indicator *ind = t->series.resolved;
    int base = resolve_baseline(rc->p, t);
    if (ok && ind && t->stated)
        check_quantity_unit(rc, &t->stated->q, ind);
    if (t->kind == TG_RATE) {
        if (t->rate_lo.value == 0 && (!t->has_rate_hi || t->rate_hi.value == 0))
            ERR(rc, &t->rate_lo.loc, "a change of %s%% a year asks for nothing: give the yearly %s it must reach, like 2%%",
                t->rate_lo.text, t->rate_increase ? "increase" : "decrease");
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
        if (ok && ind && m->has_within)
            check_quantity_unit(rc, &m->within, ind);
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
            if (prev && m->year > prev->year)
                check_laxer(rc, prev, m);
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

/* An indicator's codes (DESIGN.md §3: a data row belongs to X when its indicator cell is X's
 * id or one of its codes): not empty, and naming one indicator only. */
static void check_codes(rctx *rc, const pc_plan *p, int i)
{
    const indicator *ind = p->indicators[i];
    for (int k = 0; k < ind->ncodes; k++) {
        const name_ref *c = &ind->codes[k];
        uint32_t other;
        if (!c->name[0] || strspn(c->name, " \t") == strlen(c->name)) {
            ERR(rc, &c->loc, "an empty code: write the indicator's code as the data writes it");
            continue;
        }
        for (int j = 0; j < k; j++)
            if (strcmp(ind->codes[j].name, c->name) == 0)
                ERR(rc, &c->loc, "code \"%s\" is listed twice", c->name);
        if (map_get(p->indicator_map, c->name, &other) && (int)other != i) {
            ERR(rc, &c->loc, "code \"%s\" is the name of indicator '%s': a data row would belong to both",
                c->name, c->name);
            continue;
        }
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            for (int m = 0; m < p->indicators[j]->ncodes && !seen; m++)
                if (strcmp(p->indicators[j]->codes[m].name, c->name) == 0) {
                    ERR(rc, &c->loc, "code \"%s\" is also a code of indicator '%s'", c->name,
                        p->indicators[j]->id.name);
                    NOTE(rc, &p->indicators[j]->codes[m].loc, "given here");
                    seen = 1;
                }
    }
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
        check_codes(&rc, p, i);
        if (ind->agg && ind->derived)
            ERR(&rc, &ind->agg_loc, "'%s' is computed from other indicators: 'aggregate' goes on the indicators it uses",
                ind->id.name);
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
        else if (t.t == TY_NUMBER)
            check_ratio_unit(&rc, ind);
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
