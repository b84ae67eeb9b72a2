/* eval.c — running a checked plan against a dataset: milestones × regions assessed (the
 * rules are assess.c's), owners, agency cards, alerts; and the tree-walking evaluator of
 * expressions. It prints nothing and never exits; the per-(milestone, region) path makes no
 * allocation and looks nothing up by string.
 *
 * Decisions (for docs/language.md):
 *  - As-of year A: --as-of; else the year of eval_options.as_of_date; else the latest year
 *    with a value in a series the plan reads, a lone typo year far beyond the others left
 *    out with a warning (default_as_of); else the data's latest year; with an empty dataset
 *    the year the plan was issued; with none of these, an error ("no data and no --as-of").
 *  - Milestone inputs (ms_input): s from the comparison, the indicator's direction only for
 *    '='; a target's stated `baseline V in YEAR`; a maintain's `within`.
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
 *  - Alerts are evaluated for every alert × region in scope (alert order, then region),
 *    except that one whose condition is the same everywhere is evaluated once (no region);
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
#include "eval_int.h"

/* ---- milestones as assessment inputs ---- */

void ms_input(const pc_plan *plan, const milestone *m, int as_of, assess_input *in)
{
    const target *t = m->target;
    const indicator *ind = t->series.resolved;
    memset(in, 0, sizeof *in);
    in->cmp = m->cmp;
    in->threshold = m->q.value;
    in->decimals = m->q.decimals;
    /* v2: the comparison gives the good direction; the indicator's only for '=' */
    in->dir = m->cmp == CMP_EQ ? resolve_direction(ind, m->cmp) : DIR_UNSET;
    in->method = resolve_method(plan);
    in->as_of = as_of;
    in->baseline = resolve_baseline(plan, t);
    if (t->stated) {
        in->has_stated_base = 1;
        in->stated_base = t->stated->q.value;
    }
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
        in->within = m->has_within ? m->within.value : 0;
    } else {
        in->kind = AK_BY;
        in->deadline = m->year;
    }
}

/* The milestone status(T [, year]) means; NULL when none. */
const milestone *status_milestone(const target *t, int as_of, int year, int has_year)
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

/* ---- whole-plan evaluation ---- */

/* A result counts on the card of its lead and of each joint lead. */
void count_cards(agency_card *cards, const ms_prep *p, pc_status st)
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

static int find_region_as(const dataset *ds, const char *name, size_t *idx);

/* The region named so, or in Unicode NFC (the data's names are stored in NFC). */
static int find_region(const dataset *ds, const char *name, size_t *idx)
{
    if (find_region_as(ds, name, idx))
        return 1;
    size_t len;
    char *nfc = ds_nfc(name, strlen(name), &len);
    int found = nfc && strcmp(nfc, name) != 0 && find_region_as(ds, nfc, idx);
    pc_free(nfc);
    return found;
}

static int find_region_as(const dataset *ds, const char *name, size_t *idx)
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

/* Does e give the same value in every region: literals, and min/max/avg/sum over all
 * regions (and lets made only of those)? */
static int region_independent(const expr *e, int depth)
{
    if (!e || depth > 200)
        return 0;
    switch (e->kind) {
    case EX_NUM: case EX_STR: case EX_BOOL: case EX_NA:
        return 1;
    case EX_NAME:
        if (e->ref_kind == REF_LET)
            return region_independent(((const let_decl *)e->ref)->value, depth + 1);
        return e->ref_kind == REF_STATUS || e->ref_kind == REF_AGENCY;
    case EX_BIN:
        return region_independent(e->as.bin.l, depth + 1) && region_independent(e->as.bin.r, depth + 1);
    case EX_NOT: case EX_NEG:
        return region_independent(e->as.operand, depth + 1);
    case EX_CALL: {
        const char *fn = e->as.call.fn.name;
        if (!strcmp(fn, "min") || !strcmp(fn, "max") || !strcmp(fn, "avg") || !strcmp(fn, "sum"))
            return 1;
        if (strcmp(fn, "abs") != 0)
            return 0;
        for (int i = 0; i < e->as.call.nargs; i++)
            if (!region_independent(e->as.call.args[i], depth + 1))
                return 0;
        return 1;
    }
    default:
        return 0;
    }
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

/* Every alert x region in scope (alert order, then region) into out->alerts; an alert whose
 * condition is the same in every region (avg(x) > 20) once, with no region, when several
 * regions are in scope. A runtime error in an alert (a year from the data that is not
 * whole, …) is a warning, once per alert, and the alert is NA: one alert never stops the
 * report. 0, -1 OOM. */
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
        int once = nreg > 1 && region_independent(plan->alerts[a]->when, 0);
        for (size_t r = 0; r < (once ? 1 : nreg); r++) {
            alert_result *ar = &out->alerts[out->nalerts++];
            env->region = rids[r];
            env->region_name = rnames[r];
            env->diags = &scratch;
            env->depth = 0;
            value v = eval_expr(env, plan->alerts[a]->when);
            ar->alert = plan->alerts[a];
            ar->region = once ? NULL : rnames[r];
            ar->fired = v.kind == V_BOOL && !scratch.n ? v.boolean : -1;
            if (scratch.n && !warned++)
                alert_warnings(diags, &scratch, plan->alerts[a], once ? "every region" : rnames[r]);
            diag_clear(&scratch);
        }
    }
    diag_free(&scratch);
    return 0;
}

static int plan_series(const ds_series *s, const uint32_t *ids, size_t nids)
{
    if (nids == SIZE_MAX)
        return 1;
    for (size_t k = 0; k < nids; k++)
        if (ids[k] == s->indicator)
            return 1;
    return 0;
}

/* The default as-of year (DESIGN §4, v2): the latest year with a value in a series of an
 * indicator the plan reads (rows of other indicators do not count). A latest year Y1 more
 * than one year after the next latest year Y2 that fewer series reach than reach Y2 is taken
 * for a typo (2204 for 2024): it is left out, with a warning that names its first row.
 * (A year every series shares, or one series alone, is never left out: surveys every five
 * years are not typos.) 0 when the plan's series have no value; -1 out of memory. */
static int default_as_of(const pc_plan *plan, const dataset *ds, const char *data_name,
                         diag_sink *diags)
{
    arena *a = arena_new();
    ds_spec spec;
    if (!a || eval_spec(plan, &spec, a) < 0) {
        arena_free(a);
        return -1;
    }
    uint32_t ids[64];
    size_t nids = 0;
    for (size_t i = 0; i < spec.ninds && nids < 64; i++)
        if (ds_lookup_str(ds, spec.inds[i].name, strlen(spec.inds[i].name), &ids[nids]))
            nids++;
    if (spec.ninds > 64)
        nids = SIZE_MAX;
    arena_free(a);
    int y1 = 0, y2 = 0;
    for (size_t i = 0; i < ds_nseries(ds); i++) {
        const ds_series *s = ds_series_at(ds, i);
        for (uint32_t j = 0; plan_series(s, ids, nids) && j < s->n; j++) {
            int y = DS_PERIOD_YEAR(s->obs[j].period);
            if (isnan(s->obs[j].value) || y == y1 || y <= y2)
                continue;
            if (y > y1) {
                y2 = y1;
                y1 = y;
            } else {
                y2 = y;
            }
        }
    }
    if (!y2 || y1 <= y2 + 1)
        return y1;
    size_t n1 = 0, n2 = 0;
    uint32_t line1 = UINT32_MAX;
    for (size_t i = 0; i < ds_nseries(ds); i++) {
        const ds_series *s = ds_series_at(ds, i);
        int has1 = 0, has2 = 0;
        for (uint32_t j = 0; plan_series(s, ids, nids) && j < s->n; j++) {
            int y = DS_PERIOD_YEAR(s->obs[j].period);
            if (isnan(s->obs[j].value) || (y != y1 && y != y2))
                continue;
            if (y == y1 && s->obs[j].line < line1)
                line1 = s->obs[j].line;
            has1 |= y == y1;
            has2 |= y == y2;
        }
        n1 += has1;
        n2 += has2;
    }
    if (n1 >= n2)
        return y1;
    diag_line(diags, DIAG_WARNING, data_name ? data_name : "the data", (int)line1, 0, NULL, 0,
              "the year %d is more than one year after the next latest year with data (%d), and "
              "fewer series have it: taken for a typo, it does not set the as-of year, which is %d; "
              "give --as-of %d if it is right", y1, y2, y2, y1);
    return y2;
}

int eval_default_as_of(const pc_plan *plan, const dataset *ds)
{
    if (!ds)
        return 0;
    diag_sink quiet;   /* the warning is eval_plan's to give */
    diag_init(&quiet);
    int y = default_as_of(plan, ds, NULL, &quiet);
    diag_free(&quiet);
    return y > 0 ? y : ds_latest_year(ds);
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
    if (!as_of && ds) {
        as_of = default_as_of(plan, ds, opt->data_name, diags);
        if (as_of < 0) {
            diag_at(diags, DIAG_ERROR, NULL, "out of memory");
            return -1;
        }
        if (!as_of)                /* the plan's series have no value at all */
            as_of = ds_latest_year(ds);
    }
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
