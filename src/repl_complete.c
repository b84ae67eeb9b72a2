/* repl_complete.c — Tab completion: commands, keywords, functions, statuses and the names
 * of the plan and the data, as readline candidates. */
#include "repl_int.h"
#include <readline/readline.h>

/* ---- completion ---- */

static const char *const keywords[] = {
    "plan", "agency", "indicator", "target", "responsible", "report", "task", "let", "alert",
    "title", "authority", "region", "issued", "baseline", "method", "unit", "lower", "higher", "is",
    "better", "dimensions", "code", "aggregate", "by", "maintain", "within", "from", "to", "decrease", "increase", "year", "for",
    "with", "every", "months", "once", "all", "lead", "due", "when", "and", "or", "not", "true",
    "false", "NA", "per", "cr", "projection", "aarr",
    /* functions */
    "latest", "latest_year", "value", "change", "cagr", "projected", "status", "min", "max", "avg", "sum",
    /* statuses */
    "met", "missed", "achieved", "on_track", "at_risk", "off_track", "worsening", "no_trend", "no_data",
    "maintained", "broken",
};

static void cand_add(repl *r, const char *s)
{
    if (s && PC_GROW(r->cands, r->cands_cap, r->ncands) == 0)
        r->cands[r->ncands++] = s;
}

static char *cand_generator(const char *text, int state)
{
    repl *r = rl_ctx;
    size_t n = strlen(text);
    if (state == 0)
        r->cand_next = 0;
    while (r->cand_next < r->ncands) {
        const char *c = r->cands[r->cand_next++];
        if (strncmp(c, text, n) == 0)
            return strdup(c);   /* readline frees it with free() */
    }
    return NULL;
}

enum { CAND_AGENCIES = 1, CAND_INDICATORS = 2, CAND_TARGETS = 4, CAND_LANGUAGE = 8, CAND_REGIONS = 16,
       CAND_COMMANDS = 32, CAND_HELP = 64 };

static void cands_fill(repl *r, int what)
{
    const pc_plan *p = r->s->plan;
    r->ncands = 0;
    if (what & (CAND_COMMANDS | CAND_HELP))
        for (size_t i = 0; i < repl_ncommands; i++)
            cand_add(r, (what & CAND_COMMANDS) ? repl_commands[i].colon_name : repl_commands[i].name);
    if (what & CAND_LANGUAGE)
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            cand_add(r, keywords[i]);
    if (p && (what & (CAND_LANGUAGE | CAND_AGENCIES)))
        for (int i = 0; i < p->nagencies; i++)
            cand_add(r, p->agencies[i]->id.name);
    if (p && (what & (CAND_LANGUAGE | CAND_INDICATORS)))
        for (int i = 0; i < p->nindicators; i++)
            cand_add(r, p->indicators[i]->id.name);
    if (p && (what & (CAND_LANGUAGE | CAND_TARGETS))) {
        for (int i = 0; i < p->ntargets; i++)
            cand_add(r, p->targets[i]->gen_id);
        for (int i = 0; i < p->nmilestones; i++)
            cand_add(r, p->milestones[i]->id);
    }
    if (p && (what & CAND_LANGUAGE))
        for (int i = 0; i < p->nlets; i++)
            cand_add(r, p->lets[i]->name.name);
    if ((what & CAND_REGIONS) && r->s->ds)
        for (size_t i = 0; i < ds_nregions(r->s->ds); i++)
            cand_add(r, ds_region(r->s->ds, i));
}

static int is_file_command(const char *line)
{
    line += strspn(line, " \t");
    return !strncmp(line, ":load", 5) || !strncmp(line, ":data", 5) || !strncmp(line, ":save", 5);
}

/* File names may hold '-' and other characters the language breaks words at. */
char *word_break_hook(void)
{
    static char file_breaks[] = " \t\n\"'";
    return rl_line_buffer && is_file_command(rl_line_buffer) ? file_breaks : NULL;
}

char **repl_complete(const char *text, int start, int end)
{
    repl *r = rl_ctx;
    const char *line = rl_line_buffer;
    size_t lead = strspn(line, " \t");
    int what = CAND_LANGUAGE;
    rl_attempted_completion_over = 1;   /* no file names unless asked for below */
    if (r->buf_len == 0 && line[lead] == ':') {
        size_t cmd_end = lead + strcspn(line + lead, " \t");
        if ((size_t)start <= lead + 1 && (size_t)end <= cmd_end)
            what = CAND_COMMANDS;
        else {
            const char *c = line + lead + 1;
            /* the command's own argument: which names fit it */
            size_t argstart = cmd_end + strspn(line + cmd_end, " \t");
            int first_arg = (size_t)start <= argstart || !strchr(line + argstart, ' ') ||
                            (size_t)start <= argstart + strcspn(line + argstart, " \t");
            if (is_file_command(line)) {
                rl_attempted_completion_over = 0;   /* readline's file name completion */
                return NULL;
            } else if (!strncmp(c, "help", 4))
                what = CAND_HELP;
            else if (!strncmp(c, "who", 3) || !strncmp(c, "status", 6))
                what = CAND_AGENCIES;
            else if (!strncmp(c, "explain", 7))
                what = CAND_TARGETS | CAND_INDICATORS;
            else if (!strncmp(c, "plot", 4) || !strncmp(c, "set", 3) || !strncmp(c, "unset", 5))
                what = first_arg ? CAND_INDICATORS : 0;
            else if (!strncmp(c, "region", 6))
                what = CAND_REGIONS;
            else
                what = 0;
        }
    } else if (r->buf_len == 0 && start == (int)lead && text[0] == ':') {
        what = CAND_COMMANDS;
    }
    if (!what)
        return NULL;
    cands_fill(r, what);
    return rl_completion_matches(text, cand_generator);
}
