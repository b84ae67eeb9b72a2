/* repl_who.c — :who: what an agency leads, coordinates, reports and does. */
#include "repl_int.h"
#include <readline/readline.h>

/* ---- :who ---- */

static void describe_report(const report *rp, char *buf, size_t len)
{
    size_t o;
    if (rp->kind == RP_YEARLY)
        o = (size_t)snprintf(buf, len, "every year by ");
    else if (rp->kind == RP_MONTHS)
        o = (size_t)snprintf(buf, len, "every %d months by ", rp->months);
    else
        o = (size_t)snprintf(buf, len, "once by ");
    for (int i = 0; i < rp->ndeadlines && o < len; i++) {
        char d[32];
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", fdate(d, sizeof d, rp->deadlines[i]));
    }
    if (o < len)
        o += (size_t)snprintf(buf + o, len - o, " from ");
    if (rp->from_all && o < len)
        o += (size_t)snprintf(buf + o, len - o, "all");
    for (int i = 0; i < rp->nfrom && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", rp->from[i].name);
    if (o < len)
        o += (size_t)snprintf(buf + o, len - o, " to %s", rp->to.name);
    char lb[256];
    if (rp->label && o < len)
        snprintf(buf + o, len - o, " \"%s\"", safe(rp->label, lb, sizeof lb));
}

void cmd_who(repl *r, const char *arg, size_t argoff)
{
    char word[256];
    next_word(arg, word, sizeof word);
    if (!word[0]) {
        cmd_error(r, 0, 0, "usage: :who AGENCY");
        return;
    }
    const agency *ag = agency_arg(r, word, argoff + strspn(arg, " \t"));
    if (!ag)
        return;
    const pc_plan *p = r->s->plan;
    /* statuses when the plan can be evaluated; without them the list is still useful */
    int have = ensure_result(r) == 0;
    diag_clear(&r->s->diags);
    const eval_result *res = &r->s->result;
    out("%s", ag->id.name);
    char nb[512];
    if (ag->name)
        out("  %s", safe(ag->name, nb, sizeof nb));
    out("\n");
    int any = 0;
    for (int pass = 1; pass >= 0; pass--) {
        int header = 0;
        for (int i = 0; i < p->nmilestones; i++) {
            int lead;
            if (!owner_has(&p->owners[i], ag, &lead) || lead != pass)
                continue;
            const milestone *m = p->milestones[i];
            char sb[256], gb[160];
            if (!header++)
                out("  %s\n", pass ? "leads" : "coordinates");
            out("    %-14s %s %s", m->id, fseries(sb, sizeof sb, &m->target->series), fgoal(gb, sizeof gb, m));
            if (have)
                for (size_t k = 0; k < res->nms; k++)
                    if (res->ms[k].ms == m) {
                        out("  [%s]", assess_status_str(res->ms[k].r.status));
                        break;
                    }
            out("\n");
            any = 1;
        }
    }
    int header = 0;
    for (int i = 0; i < p->nreports; i++) {
        const report *rp = p->reports[i];
        int from = rp->from_all;
        for (int k = 0; k < rp->nfrom; k++)
            from |= strcmp(rp->from[k].name, ag->id.name) == 0;
        int to = rp->to.name && strcmp(rp->to.name, ag->id.name) == 0;
        if (!from && !to)
            continue;
        char d[512];
        describe_report(rp, d, sizeof d);
        if (!header++)
            out("  reports\n");
        out("    %-4s %s %s\n", rp->gen_id ? rp->gen_id : "", to ? "receives" : "sends", d);
        any = 1;
    }
    header = 0;
    for (int i = 0; i < p->ntasks; i++) {
        const task *tk = p->tasks[i];
        int lead = tk->lead.name && strcmp(tk->lead.name, ag->id.name) == 0, with = 0;
        for (int k = 0; k < tk->nwith; k++)
            with |= strcmp(tk->with[k].name, ag->id.name) == 0;
        if (!lead && !with)
            continue;
        char d[32];
        if (!header++)
            out("  tasks\n");
        char tb[512];
        out("    %s \"%s\"", lead ? "lead" : "with", safe(tk->title, tb, sizeof tb));
        if (tk->due.year)
            out(" due %s", fdate(d, sizeof d, tk->due));
        out("\n");
        any = 1;
    }
    if (!any)
        out("  no milestone, report or task names %s\n", ag->id.name);
}
