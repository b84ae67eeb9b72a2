/* repl_explain.c — :explain: the assessment arithmetic of a milestone step by step (B, x_B,
 * L, x_L, rates, ratio, thresholds), from the result eval computed; it computes no status. */
#include "repl_int.h"
#include <math.h>
#include <readline/readline.h>

/* ---- :explain ---- */

static void explain_trend(const ms_result *m, const unit *u)
{
    const assess_result *a = &m->r;
    const milestone *ms = m->ms;
    char b1[64], b2[64], b3[64], b4[64], b5[64];
    double xb = a->base_value, xl = a->latest_value, v = ms->q.value;
    int B = a->base_year, L = a->latest_year, D = ms->year;
    double xb0 = xb == 0 ? 0.001 : xb, v0 = v == 0 ? 0.001 : v;
    if (xb == 0 || v == 0)
        out("  (a zero x_B or v* is taken as 0.001 before powers and logarithms)\n");
    /* s: down for < <=, up for > >=, the indicator's direction for '=' (DESIGN §4, v2) */
    direction dir = ms->cmp == CMP_EQ ? resolve_direction(m->ind, ms->cmp) : resolve_direction(NULL, ms->cmp);
    if (dir == DIR_UNSET)
        dir = v < xb ? DIR_LOWER : DIR_HIGHER;
    const int s = dir == DIR_LOWER ? -1 : 1;
    const int slipped = assess_satisfies(xb, ms->cmp, v, ms->q.decimals);
    pc_status own = a->status;   /* the method's own status, before the slipped rule */
    if (a->method == METHOD_AARR) {
        out("  AARR  = 100·(1 − e^β), β the least-squares slope of ln(x) on year, %d to %d\n", B, L);
        out("        = %s\n", fnum(b1, sizeof b1, a->actual_rate, 4));
        out("  AARR* = 100·(1 − exp((ln v* − ln x_B)/(D − B))) = 100·(1 − exp((ln %s − ln %s)/%d)) = %s\n",
               fnum(b2, sizeof b2, v0, -1), fnum(b3, sizeof b3, xb0, -1), D - B, fnum(b4, sizeof b4, a->required_rate, 4));
        if (dir == DIR_HIGHER)
            out("        (signs flipped: higher is better)\n");
        own = isnan(a->actual_rate) ? a->status : assess_aarr_status(a->actual_rate, a->required_rate);
        const char *why;
        switch (own) {
        case ST_ON_TRACK: why = "AARR ≥ AARR*"; break;
        case ST_AT_RISK: why = "AARR < AARR*, AARR > 0.5"; break;
        case ST_OFF_TRACK: why = "−0.5 ≤ AARR ≤ 0.5"; break;
        default: why = "AARR < −0.5"; break;
        }
        out("  %s → %s\n", why, assess_status_str(own));
    } else {
        out("  r_a = (x_L / x_B)^(1/(L−B)) − 1 = (%s/%s)^(1/%d) − 1 = %s\n", fnum(b1, sizeof b1, xl, -1),
               fnum(b2, sizeof b2, xb0, -1), L - B, fnum(b3, sizeof b3, a->actual_rate, 5));
        out("  r_r = (v* / x_B)^(1/(D−B)) − 1 = (%s/%s)^(1/%d) − 1 = %s\n", fnum(b1, sizeof b1, v0, -1),
               fnum(b2, sizeof b2, xb0, -1), D - B, fnum(b3, sizeof b3, a->required_rate, 5));
        const char *why;
        if (a->method == METHOD_CR && isnan(a->ratio)) {
            own = s * a->actual_rate > 0 ? ST_ON_TRACK : ST_OFF_TRACK;
            out("  r_r = 0: s·r_a %s 0 → %s\n", s * a->actual_rate > 0 ? ">" : "≤", assess_status_str(own));
        } else if (a->method == METHOD_CR) {
            own = assess_cr_status(a->ratio);
            switch (own) {
            case ST_ON_TRACK: why = "≥ 0.95"; break;
            case ST_AT_RISK: why = "in [0.5, 0.95)"; break;
            case ST_OFF_TRACK: why = "in [−0.10, 0.5)"; break;
            default: why = "< −0.10"; break;
            }
            out("  CR  = s·r_a / |r_r| = (%s1)·(%s) / %s = %s  %s → %s\n", s < 0 ? "−" : "+", fnum(b2, sizeof b2, a->actual_rate, 5),
                   fnum(b3, sizeof b3, fabs(a->required_rate), 5), fnum(b1, sizeof b1, a->ratio, 4), why,
                   assess_status_str(own));
        } else {
            out("  v̂   = x_L·(1 + r_a)^(D − L) = %s·(1 %s %s)^%d = %s\n", fnum(b1, sizeof b1, xl, -1),
                   a->actual_rate < 0 ? "−" : "+", fnum(b2, sizeof b2, fabs(a->actual_rate), 5), D - L,
                   fnum(b3, sizeof b3, a->projected, 4));
            own = isnan(a->ratio) ? a->status : assess_projection_status(a->ratio);
            switch (own) {
            case ST_ON_TRACK: why = "≥ 0.95"; break;
            case ST_AT_RISK: why = "in [0.10, 0.95)"; break;
            case ST_OFF_TRACK: why = "in [0, 0.10)"; break;
            default: why = "< 0"; break;
            }
            out("  P   = (v̂ − x_B) / (v* − x_B) = (%s − %s) / (%s − %s) = %s  %s → %s\n",
                   fnum(b1, sizeof b1, a->projected, 4), fnum(b2, sizeof b2, xb, -1), fnum(b3, sizeof b3, v, -1),
                   fnum(b4, sizeof b4, xb, -1), fnum(b5, sizeof b5, a->ratio, 4), why, assess_status_str(own));
        }
    }
    if (!isnan(a->projected))
        out("  projected %d: %s\n", D, fval(b1, sizeof b1, a->projected, u, 2));
    if (!isnan(a->expected_now))
        out("  required path: x_B·(1 + r_r)^(L − B) = %s expected in %d (x_L = %s)\n",
               fval(b1, sizeof b1, a->expected_now, u, 2), L, fval(b2, sizeof b2, xl, u, -1));
    if (!isnan(a->required_rate_from_now))
        out("  from now:  (v* / x_L)^(1/(D − L)) − 1 = %s a year to reach %s by %d\n",
               fnum(b1, sizeof b1, a->required_rate_from_now, 5), fval(b2, sizeof b2, v, u, -1), D);
    if (a->ev_points)
        out("  evidence:  %d point%s over %d year%s (L − B), data %d year%s old (A − L)\n", a->ev_points,
               a->ev_points == 1 ? "" : "s", a->ev_span, a->ev_span == 1 ? "" : "s", a->ev_age,
               a->ev_age == 1 ? "" : "s");
    if (slipped && a->status == ST_WORSENING)
        out("  slipped: x_B = %s satisfied %s %s, x_L = %s no longer does → worsening, whatever the method\n",
               fval(b1, sizeof b1, xb, u, -1), ast_cmp_str(ms->cmp), fquantity(b2, sizeof b2, &ms->q),
               fval(b3, sizeof b3, xl, u, -1));
    else if (own != a->status)
        out("  → %s\n", assess_status_str(a->status));
}

static void explain_one(repl *r, const ms_result *m, int as_of, int show_region)
{
    const milestone *ms = m->ms;
    const assess_result *a = &m->r;
    const unit *u = m->ind && m->ind->has_unit ? &m->ind->u : &ms->q.u;
    char sb[256], gb[160], b1[64], b2[64], b3[64], b4[64];
    fseries(sb, sizeof sb, &m->target->series);
    fgoal(gb, sizeof gb, ms);
    out("%s  %s %s   (method %s", ms->id, sb, gb, ast_method_str(a->method));
    if (show_region)
        out(", %s", m->region);
    out(", as of %d)\n", as_of);
    if (a->base_year && !isnan(a->base_value))
        out("  baseline  B = %d, x_B = %s%s\n", a->base_year, fval(b1, sizeof b1, a->base_value, u, -1),
               a->base_from_plan ? " (stated by the plan: the data has no value for it)" : "");
    else if (a->base_year)
        out("  baseline  B = %d: no value\n", a->base_year);
    else
        out("  baseline  none: no data up to the as-of year\n");
    if (a->declared_base)
        out("            (the declared baseline %d has no value: moved to %d)\n", a->declared_base, a->base_year);
    if (a->latest_year)
        out("  latest    L = %d, x_L = %s\n", a->latest_year, fval(b1, sizeof b1, a->latest_value, u, -1));
    const char *st = assess_status_str(a->status);
    const char *cmp = ast_cmp_str(ms->cmp);
    if (m->target->kind == TG_RATE) {
        out("  the average yearly change from %d to %d must be a %s of at least %s%%\n", m->target->rate_from,
               m->target->rate_to, m->target->rate_increase ? "rise" : "fall", m->target->rate_lo.text);
        if (!isnan(a->actual_rate))
            out("  average:  (x_%d / x_%d)^(1/%d) − 1 = (%s/%s)^(1/%d) − 1 = %s a year (required %s %s)\n",
                   a->latest_year, a->base_year, a->latest_year - a->base_year, fnum(b1, sizeof b1, a->latest_value, -1),
                   fnum(b2, sizeof b2, a->base_value, -1), a->latest_year - a->base_year,
                   fnum(b3, sizeof b3, a->actual_rate, 5), m->target->rate_increase ? "≥" : "≤",
                   fnum(b4, sizeof b4, a->required_rate, 5));
        else if (a->reason != AR_NONE)
            out("  no average rate: %s\n", assess_reason_str(a->reason));
        if (a->nbroken && a->broken) {
            out("  years below the bound (from the year before with data):");
            for (int i = 0; i < a->nbroken; i++)
                out(" %d", a->broken[i]);
            out("\n");
        }
        out("  %s → %s\n", as_of >= m->target->rate_to ? "the window has closed" : "the window is open", st);
        return;
    }
    if (ms->kind == MS_MAINTAIN) {
        out("  every year with data from %d must satisfy %s %s", ms->win_from ? ms->win_from : a->base_year, cmp,
               fquantity(b1, sizeof b1, &ms->q));
        if (ms->has_within)
            out(", within %s", fquantity(b2, sizeof b2, &ms->within));
        out("\n");
        if (a->reason != AR_NONE)
            out("  %s\n", assess_reason_str(a->reason));
        if (a->nbroken && a->broken) {
            out("  failing years:");
            for (int i = 0; i < a->nbroken; i++)
                out(" %d", a->broken[i]);
            out("\n");
        }
        out("  → %s\n", st);
        return;
    }
    int D = ms->year;
    if (as_of >= D) {
        if (isnan(a->deadline_value))
            out("  deadline reached (A = %d ≥ D = %d), no value for %d, %d%s → %s\n", as_of, D, D, D - 1,
                   D + 1 <= as_of ? " or the year after" : "", st);
        else if (a->value_year != D)
            out("  deadline reached (A = %d ≥ D = %d), no value for %d: the nearest year within one, x_%d = %s %s %s → %s\n",
                   as_of, D, D, a->value_year, fval(b1, sizeof b1, a->deadline_value, u, -1),
                   a->status == ST_MET ? cmp : "does not satisfy", fquantity(b2, sizeof b2, &ms->q), st);
        else
            out("  deadline reached (A = %d ≥ D = %d): x_D = %s %s %s → %s\n", as_of, D,
                   fval(b1, sizeof b1, a->deadline_value, u, -1), a->status == ST_MET ? cmp : "does not satisfy",
                   fquantity(b2, sizeof b2, &ms->q), st);
        return;
    }
    switch (a->status) {
    case ST_ACHIEVED:
        out("  x_L = %s %s %s already, before %d → %s\n", fval(b1, sizeof b1, a->latest_value, u, -1), cmp,
               fquantity(b2, sizeof b2, &ms->q), D, st);
        return;
    case ST_NO_TREND:
        out("  too little data for a trend (%s) → %s\n", assess_reason_str(a->reason), st);
        return;
    case ST_NO_DATA:
        out("  no value up to %d → %s\n", as_of, st);
        return;
    default:
        break;
    }
    out("  target    D = %d, v* = %s\n", D, fval(b3, sizeof b3, ms->q.value, u, -1));
    explain_trend(m, u);
}

void cmd_explain(repl *r, const char *arg, size_t argoff)
{
    char word[256];
    next_word(arg, word, sizeof word);
    size_t off = argoff + strspn(arg, " \t");
    if (!word[0]) {
        cmd_error(r, 0, 0, "usage: :explain TARGET or :explain TARGET/YEAR (e.g. :explain CT4/2025)");
        return;
    }
    const pc_plan *p = r->s->plan;
    const milestone *one = p ? resolve_milestone(p, word) : NULL;
    const target *t = p && !one ? resolve_target(p, word) : NULL;
    const indicator *ind = p && !one && !t ? resolve_indicator(p, word) : NULL;
    if (!one && !t && !ind) {
        size_t n = p ? (size_t)(p->ntargets + p->nmilestones) : 0;
        const char **c = pc_malloc(sizeof *c * (n ? n : 1));
        const char *sug = NULL;
        if (c && p) {
            size_t k = 0;
            for (int i = 0; i < p->ntargets; i++)
                c[k++] = p->targets[i]->gen_id;
            for (int i = 0; i < p->nmilestones; i++)
                c[k++] = p->milestones[i]->id;
            sug = diag_suggest(word, c, k);
        }
        pc_free(c);
        int end = col_of(r, off + strlen(word)) - 1;
        if (sug)
            cmd_error(r, col_of(r, off), end, "no target or milestone '%s'; did you mean '%s'?", word, sug);
        else
            cmd_error(r, col_of(r, off), end, "no target or milestone '%s'", word);
        return;
    }
    if (ensure_result(r) != 0)
        return;
    const eval_result *res = &r->s->result;
    const char *first = NULL;
    int many = 0, shown = 0;
    for (size_t i = 0; i < res->nms; i++) {
        if (!first)
            first = res->ms[i].region;
        else if (strcmp(first, res->ms[i].region) != 0)
            many = 1;
    }
    for (size_t i = 0; i < res->nms; i++) {
        const ms_result *m = &res->ms[i];
        if ((one && m->ms == one) || (t && m->target == t) || (ind && m->ind == ind)) {
            if (shown++)
                out("\n");
            explain_one(r, m, res->as_of, many);
        }
    }
    if (!shown)
        out("'%s' has no milestone to explain\n", word);
}
