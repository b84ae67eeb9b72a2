/* repl_commands.c — the :command table and its dispatch (run_command, unique prefixes,
 * "did you mean"), argument helpers, and the commands that load and choose: :help, :load,
 * :data, :asof, :region, :status. */
#include "repl_int.h"
#include "fileio.h"
#include <stdlib.h>
#include <readline/readline.h>

/* ---- :commands ---- */

static void cmd_help(repl *r, const char *arg, size_t argoff);
static void cmd_load(repl *r, const char *arg, size_t argoff);
static void cmd_data(repl *r, const char *arg, size_t argoff);
static void cmd_asof(repl *r, const char *arg, size_t argoff);
static void cmd_region(repl *r, const char *arg, size_t argoff);
static void cmd_status(repl *r, const char *arg, size_t argoff);

const command repl_commands[] = {
    {"help", ":help", cmd_help, ":help [COMMAND]", "this list, or how to use one command", NULL},
    {"load", ":load", cmd_load, ":load FILE", "start over from a .plan file (typed declarations are dropped)",
     "  The file replaces the session's plan; if it has errors, nothing changes.\n"
     "  Data loaded with :data is read again for the new plan.\n"},
    {"data", ":data", cmd_data, ":data [CSV]", "load indicator data (replaces the data and its what-if edits)", NULL},
    {"asof", ":asof", cmd_asof, ":asof [YEAR|latest]", "the as-of year of assessments (default: latest year with data)", NULL},
    {"region", ":region", cmd_region, ":region [NAME]", "the region assessed (default: the plan's); alone, list regions", NULL},
    {"status", ":status", cmd_status, ":status [AGENCY]", "assess every target (or one agency's), as `plancheck eval`", NULL},
    {"explain", ":explain", cmd_explain, ":explain TARGET[/YEAR]", "the assessment arithmetic of a target step by step",
     "  TARGET may be a target id (CT4), a milestone id (CT4/2025) or an indicator.\n"
     "  The numbers are B, x_B, L, x_L, the rates, the ratio and the thresholds of the\n"
     "  plan's method (cr, projection or aarr), as DESIGN.md section 4 defines them.\n"},
    {"plot", ":plot", cmd_plot, ":plot SERIES", "chart a series by year, with its target thresholds",
     "  SERIES is an indicator, optionally with a selector: :plot obesity[area = \"rural\"]\n"
     "  '*' marks a value, a line of '=' a target threshold (labelled on the right).\n"},
    {"who", ":who", cmd_who, ":who AGENCY", "what an agency leads, coordinates, reports and does", NULL},
    {"set", ":set", cmd_set, ":set [SERIES YEAR VALUE]", "what-if: change a data value in memory (alone: list edits)",
     "  The value is in the indicator's unit (16.9 or 16.9% for a % indicator); NA removes\n"
     "  the value. The region is the one in use (:region). Files are never changed.\n"},
    {"unset", ":unset", cmd_unset, ":unset [SERIES [YEAR]]", "undo what-if edits (alone: all of them)", NULL},
    {"save", ":save", cmd_save, ":save[!] FILE", "write every declaration of the session in canonical layout",
     "  The loaded file's declarations and the typed ones, as `plancheck fmt` lays them out;\n"
     "  the file is replaced atomically. :save writes a new file, or over the plan this\n"
     "  session loaded fully (unchanged on disk since) or last saved; any other existing\n"
     "  file needs :save! FILE. A plan that failed to load at start is kept as text:\n"
     "  :save writes that text back, then the declarations you typed.\n"},
    {"quit", ":quit", cmd_quit, ":quit", "leave (Ctrl-D too)", NULL},
};
const size_t repl_ncommands = sizeof repl_commands / sizeof repl_commands[0];

/* A command's argument split off at white space: *word gets the first word (a series with a
 * [selector] is one word even with spaces inside), the return value points past it. */
const char *next_word(const char *s, char *word, size_t len)
{
    s += strspn(s, " \t");
    size_t n = 0;
    int depth = 0, quoted = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (quoted) {
            if (c == '\\' && s[n + 1])
                n++;
            else if (c == '"')
                quoted = 0;
            continue;
        }
        if (c == '"')
            quoted = 1;
        else if (c == '[' || c == '(')
            depth++;
        else if ((c == ']' || c == ')') && depth > 0)
            depth--;
        else if ((c == ' ' || c == '\t') && depth == 0)
            break;
    }
    if (n >= len)
        n = len - 1;
    memcpy(word, s, n);
    word[n] = '\0';
    return s + strlen(word);
}

void trim_copy(const char *s, char *out, size_t len)
{
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    if (n >= len)
        n = len - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Parse a series written in a command (stunting, obesity[area = "rural"]) where it stands in
 * the command line, so that diagnostics point into the line. Returns the parsed file (the
 * caller frees it) with *ind and *sel set, or NULL with errors recorded. */
ast_file *parse_series_arg(repl *r, size_t off, size_t len, const indicator **ind, const series_ref **sel)
{
    pc_session *s = r->s;
    const char *line = r->cur_line;
    size_t ll = strlen(line);
    char *text = pc_malloc(ll + 1);
    if (!text) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        return NULL;
    }
    /* the line with everything but the series blanked out keeps every column in place */
    for (size_t i = 0; i < ll; i++)
        text[i] = (i >= off && i < off + len) ? line[i] : ((line[i] & 0xC0) == 0x80 ? '\0' : ' ');
    size_t w = 0;
    for (size_t i = 0; i < ll; i++)
        if (text[i] || (i >= off && i < off + len))
            text[w++] = text[i];
    expr *e = NULL;
    size_t first = s->diags.n;
    ast_file *f = parse_text(REPL_SRC, text, w, r->lineno - 1, PARSE_REPL, &s->diags, &e);
    pc_free(text);
    ty t = f && !f->nerrors && e ? resolve_expr(s->plan, e, &s->diags) : TY_ERROR;
    /* the diagnostics quote the blanked copy: show the line as it was typed */
    for (size_t i = first; i < s->diags.n; i++) {
        diag *d = &s->diags.items[i];
        if (d->line_text && d->line == r->lineno && d->file && strcmp(d->file, REPL_SRC) == 0) {
            char *lt = xstrdup(line);
            if (lt) {
                pc_free(d->line_text);
                d->line_text = lt;
            }
        }
    }
    if (!f) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        return NULL;
    }
    if (f->nerrors) {
        ast_file_free(f);
        return NULL;
    }
    if (s->diags.nerrors) {
        ast_file_free(f);
        return NULL;
    }
    if (!e || (e->kind != EX_NAME && e->kind != EX_SERIES)) {
        cmd_error(r, col_of(r, off), col_of(r, off + len) - 1,
                  "expected an indicator, such as stunting or obesity[area = \"rural\"]");
        ast_file_free(f);
        return NULL;
    }
    if (t != TY_SERIES || e->ref_kind != REF_INDICATOR || !e->ref) {
        cmd_error(r, col_of(r, off), col_of(r, off + len) - 1, "'%.*s' is not an indicator", (int)len, line + off);
        ast_file_free(f);
        return NULL;
    }
    *ind = e->ref;
    *sel = e->kind == EX_SERIES ? &e->as.series : NULL;
    return f;
}

/* The dimension key of a selector (the dataset's canonical form). */
int sel_dimkey(const series_ref *sel, char *buf, size_t len)
{
    if (!sel || !sel->nsels) {
        buf[0] = '\0';
        return 0;
    }
    const char *dims[AST_MAX_DIMS], *vals[AST_MAX_DIMS];
    int n = sel->nsels;
    if (n > AST_MAX_DIMS)
        return -1;   /* never a key of fewer dimensions than written */
    for (int i = 0; i < n; i++) {
        dims[i] = sel->sels[i].dim.name;
        vals[i] = sel->sels[i].value;
    }
    return ds_dimkey(dims, vals, (size_t)n, buf, len) < 0 ? -1 : 0;
}

static void cmd_help(repl *r, const char *arg, size_t argoff)
{
    char word[64];
    next_word(arg, word, sizeof word);
    if (word[0]) {
        const char *w = word[0] == ':' ? word + 1 : word;
        for (size_t i = 0; i < repl_ncommands; i++)
            if (strcmp(repl_commands[i].name, w) == 0) {
                out("%s\n  %s\n", repl_commands[i].usage, repl_commands[i].summary);
                if (repl_commands[i].detail)
                    out("%s", repl_commands[i].detail);
                return;
            }
        const char *names[32];
        for (size_t i = 0; i < repl_ncommands && i < 32; i++)
            names[i] = repl_commands[i].name;
        const char *sug = diag_suggest(w, names, repl_ncommands < 32 ? repl_ncommands : 32);
        size_t off = argoff + strspn(arg, " \t");
        if (sug)
            cmd_error(r, col_of(r, off), col_of(r, off + strlen(word)) - 1, "no command ':%s'; did you mean ':%s'?", w, sug);
        else
            cmd_error(r, col_of(r, off), col_of(r, off + strlen(word)) - 1, "no command ':%s'; :help lists them", w);
        return;
    }
    out("Type a declaration to add it to the plan, or an expression to evaluate it:\n"
           "  agency DOH \"Sở Y tế\"\n"
           "  target CT9: stunting < 15%% by 2030\n"
           "  latest(stunting) - 17%%\n"
           "An entry goes on over several lines while a bracket is open or it is unfinished.\n"
           "Commands:\n");
    for (size_t i = 0; i < repl_ncommands; i++)
        out("  %-28s %s\n", repl_commands[i].usage, repl_commands[i].summary);
    out("Tab completes commands, keywords and names; Ctrl-C drops the line; Ctrl-D quits.\n");
}

/* Which files :save may write over: a new one, the plan loaded fully (as it was then), or
 * the last file :save wrote. */
void remember_file(repl *r, const char *path)
{
    pc_free(r->plan_path);
    r->plan_path = xstrdup(path);
    if (!r->plan_path || stat(path, &r->plan_st) != 0)
        memset(&r->plan_st, 0, sizeof r->plan_st);
}

void drop_kept(repl *r)
{
    pc_free(r->kept_text);
    pc_free(r->kept_path);
    r->kept_text = r->kept_path = NULL;
    r->kept_len = 0;
}

/* A plan file that failed to load at start: keep its text for :save, and say so. */
static void keep_failed_plan(repl *r, const char *path)
{
    char *text = NULL, err[256];
    size_t len = 0;
    if (fileio_read(path, &text, &len, err, sizeof err) != 0)
        return;   /* unreadable: there is nothing to keep, or to lose */
    drop_kept(r);
    r->kept_text = text;
    r->kept_len = len;
    r->kept_path = xstrdup(path);
    diag_line(&r->s->diags, DIAG_NOTE, path, 0, 0, NULL, 0,
              "not loaded: the session starts from an empty plan; the file's text is kept, and "
              ":save NEW.plan writes it back followed by what you type. Fix the errors and :load %s", path);
}

/* The plan the REPL starts with: remembered for :save when it loads, its text kept when not. */
int load_start_plan(repl *r, const char *path)
{
    if (pc_load_plan(r->s, path) != 0) {
        keep_failed_plan(r, path);
        return -1;
    }
    remember_file(r, path);
    return 0;
}

/* Replace the session's plan by the files'. On errors nothing changes. */
static int load_plan_file(repl *r, const char *path)
{
    pc_session *s = r->s;
    ast_file **old = s->files;
    int oldn = s->nfiles, oldcap = s->files_cap;
    pc_plan *oldplan = s->plan;
    session_drop_result(s);
    s->files = NULL;
    s->nfiles = s->files_cap = 0;
    s->plan = NULL;
    if (pc_load_plan(s, path) != 0) {
        for (int i = 0; i < s->nfiles; i++)
            ast_file_free(s->files[i]);
        pc_free(s->files);
        resolve_free(s->plan);
        s->files = old;
        s->nfiles = oldn;
        s->files_cap = oldcap;
        s->plan = oldplan;
        return -1;
    }
    int typed = 0;
    for (int i = 0; i < oldn; i++) {
        if (strcmp(old[i]->src.name, REPL_SRC) == 0)
            typed += old[i]->ndecls;
        ast_file_free(old[i]);
    }
    pc_free(old);
    resolve_free(oldplan);
    if (typed)
        out("note: %d typed declaration%s dropped\n", typed, typed == 1 ? " was" : "s were");
    return 0;
}

void print_plan_summary(const pc_plan *p, const char *path)
{
    out("%s: %d target%s, %d milestone%s, %d agenc%s, %d indicator%s\n", path, p->ntargets,
           p->ntargets == 1 ? "" : "s", p->nmilestones, p->nmilestones == 1 ? "" : "s", p->nagencies,
           p->nagencies == 1 ? "y" : "ies", p->nindicators, p->nindicators == 1 ? "" : "s");
}

void print_data_summary(const dataset *ds, const char *path)
{
    const ds_stats *st = ds_get_stats(ds);
    size_t nr = ds_nregions(ds);
    out("%s: %zu row%s kept", path, st->kept, st->kept == 1 ? "" : "s");
    if (st->skipped)
        out(", %zu of other indicators skipped", st->skipped);
    if (st->min_year)
        out(", years %d-%d", st->min_year, st->max_year);
    out(", %zu region%s\n", nr, nr == 1 ? "" : "s");
}

static void cmd_load(repl *r, const char *arg, size_t argoff)
{
    char path[4096];
    trim_copy(arg, path, sizeof path);
    if (!path[0]) {
        cmd_error(r, 0, 0, "usage: :load FILE");
        return;
    }
    if (r->sandbox && (!r->sandbox_plan || snprintf(path, sizeof path, "%s", r->sandbox_plan) < 0))
        return;
    if (load_plan_file(r, path) != 0) {
        diag_line(&r->s->diags, DIAG_NOTE, path, 0, 0, NULL, 0, "not loaded: the session's plan stays as it was");
        return;
    }
    remember_file(r, path);
    drop_kept(r);   /* a plan kept as text is replaced too */
    print_plan_summary(r->s->plan, path);
    if (r->s->data_path || r->nedits)
        reload_data(r);
}

static void cmd_data(repl *r, const char *arg, size_t argoff)
{
    char path[4096];
    trim_copy(arg, path, sizeof path);
    if (!path[0]) {
        if (r->s->data_path)
            print_data_summary(r->s->ds, r->s->data_path);
        else
            out("no data loaded: :data FILE.csv loads some\n");
        return;
    }
    if (r->sandbox && (!r->sandbox_data || snprintf(path, sizeof path, "%s", r->sandbox_data) < 0))
        return;
    if (session_load_data(r->s, path) != 0)
        return;
    if (r->nedits) {
        out("note: %zu what-if edit%s dropped with the old data\n", r->nedits, r->nedits == 1 ? "" : "s");
        drop_edits(r);
    }
    print_data_summary(r->s->ds, path);
}

static void cmd_asof(repl *r, const char *arg, size_t argoff)
{
    char word[64];
    next_word(arg, word, sizeof word);
    if (!word[0]) {
        int y = current_as_of(r);
        if (r->as_of)
            out("as of %d\n", r->as_of);
        else if (y)
            out("as of %d (the latest year with data; :asof YEAR changes it)\n", y);
        else
            out("as of: not known yet (no data); :asof YEAR sets it\n");
        return;
    }
    if (strcmp(word, "latest") == 0) {
        r->as_of = 0;
        session_drop_result(r->s);
        out("as of the latest year with data\n");
        return;
    }
    char *end;
    long y = strtol(word, &end, 10);
    size_t off = argoff + strspn(arg, " \t");
    if (*end || y < 1900 || y > 2200) {
        cmd_error(r, col_of(r, off), col_of(r, off + strlen(word)) - 1,
                  "'%s' is not a year: write :asof 2024 (1900 to 2200), or :asof latest", word);
        return;
    }
    r->as_of = (int)y;
    session_drop_result(r->s);
    out("as of %d\n", r->as_of);
}

static void cmd_region(repl *r, const char *arg, size_t argoff)
{
    char name[512];
    trim_copy(arg, name, sizeof name);
    const dataset *ds = r->s->ds;
    size_t nr = ds ? ds_nregions(ds) : 0;
    if (!name[0]) {
        uint32_t id;
        const char *cur = current_region(r, &id);
        if (cur)
            out("region %s\n", cur);
        diag_clear(&r->s->diags);
        if (nr) {
            out("regions in the data:");
            for (size_t i = 0; i < nr; i++)
                out("%s %s", i ? "," : "", ds_region(ds, i));
            out("\n");
        }
        return;
    }
    size_t off = argoff + strspn(arg, " \t");
    int found = nr == 0;
    for (size_t i = 0; i < nr && !found; i++)
        found = strcmp(ds_region(ds, i), name) == 0;
    if (!found) {
        const char **c = pc_malloc(sizeof *c * nr);
        const char *sug = NULL;
        if (c) {
            for (size_t i = 0; i < nr; i++)
                c[i] = ds_region(ds, i);
            sug = diag_suggest(name, c, nr);
        }
        pc_free(c);
        int end = col_of(r, strlen(r->cur_line)) - 1;
        if (sug)
            cmd_error(r, col_of(r, off), end, "region '%s' is not in the data; did you mean '%s'?", name, sug);
        else
            cmd_error(r, col_of(r, off), end, "region '%s' is not in the data (:region lists them)", name);
        return;
    }
    pc_free(r->region);
    r->region = xstrdup(name);
    session_drop_result(r->s);
    out("region %s\n", name);
}

/* The agency named by a command's argument, or NULL with an error recorded. */
const agency *agency_arg(repl *r, const char *word, size_t off)
{
    const pc_plan *p = r->s->plan;
    const agency *a = p ? resolve_agency(p, word) : NULL;
    if (a)
        return a;
    const char **c = p ? pc_malloc(sizeof *c * (size_t)(p->nagencies ? p->nagencies : 1)) : NULL;
    const char *sug = NULL;
    if (c) {
        for (int i = 0; i < p->nagencies; i++)
            c[i] = p->agencies[i]->id.name;
        sug = diag_suggest(word, c, (size_t)p->nagencies);
    }
    pc_free(c);
    if (sug)
        cmd_error(r, col_of(r, off), col_of(r, off + strlen(word)) - 1, "unknown agency '%s'; did you mean '%s'?", word, sug);
    else
        cmd_error(r, col_of(r, off), col_of(r, off + strlen(word)) - 1, "unknown agency '%s'", word);
    return NULL;
}

int owner_has(const ms_owner *o, const agency *a, int *lead)
{
    if (!o)
        return 0;
    if (o->lead == a) {
        *lead = 1;
        return 1;
    }
    for (int i = 0; i < o->nco; i++)
        if (o->co[i] == a) {
            *lead = 1;
            return 1;
        }
    for (int i = 0; i < o->nwith; i++)
        if (o->with[i] == a) {
            *lead = 0;
            return 1;
        }
    return 0;
}

static void cmd_status(repl *r, const char *arg, size_t argoff)
{
    char word[256];
    next_word(arg, word, sizeof word);
    const agency *ag = NULL;
    if (word[0] && !(ag = agency_arg(r, word, argoff + strspn(arg, " \t"))))
        return;
    if (ensure_result(r) != 0)
        return;
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.format = FMT_TEXT;
    ro.color = r->tty && cli_color(stdout);
    const eval_result *res = &r->s->result;
    if (!ag) {
        report_text(stdout, res, &ro);
        return;
    }
    /* one agency: its milestones (lead or coordinating), its card, its reports and alerts */
    eval_result sub = *res;
    sub.ms = pc_malloc(sizeof *sub.ms * (res->nms ? res->nms : 1));
    sub.cards = pc_malloc(sizeof *sub.cards * (size_t)(res->ncards ? res->ncards : 1));
    sub.reports = pc_malloc(sizeof *sub.reports * (res->nreports ? res->nreports : 1));
    sub.alerts = pc_malloc(sizeof *sub.alerts * (res->nalerts ? res->nalerts : 1));
    if (!sub.ms || !sub.cards || !sub.reports || !sub.alerts) {
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
    } else {
        sub.nms = sub.nreports = sub.nalerts = 0;
        sub.ncards = 0;
        memset(sub.counts, 0, sizeof sub.counts);
        for (size_t i = 0; i < res->nms; i++) {
            int lead;
            if (owner_has(res->ms[i].owner, ag, &lead)) {
                sub.ms[sub.nms++] = res->ms[i];
                sub.counts[res->ms[i].r.status]++;
            }
        }
        for (int i = 0; i < res->ncards; i++)
            if (res->cards[i].agency == ag)
                sub.cards[sub.ncards++] = res->cards[i];
        for (size_t i = 0; i < res->nreports; i++) {
            const report_result *rr = &res->reports[i];
            if (rr->from == ag || (rr->rp->to.name && strcmp(rr->rp->to.name, ag->id.name) == 0))
                sub.reports[sub.nreports++] = *rr;
        }
        for (size_t i = 0; i < res->nalerts; i++) {
            const alert_decl *al = res->alerts[i].alert;
            if (al->to.name && strcmp(al->to.name, ag->id.name) == 0)
                sub.alerts[sub.nalerts++] = res->alerts[i];
        }
        if (!sub.nms)
            out("%s leads and coordinates no target\n", ag->id.name);
        report_text(stdout, &sub, &ro);
    }
    pc_free(sub.ms);
    pc_free(sub.cards);
    pc_free(sub.reports);
    pc_free(sub.alerts);
}

void run_command(repl *r, const char *line)
{
    r->cur_line = line;
    const char *p = line + strspn(line, " \t");
    size_t start = (size_t)(p - line);
    p++;   /* ':' */
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
    const command *cmd = NULL;
    int nmatch = 0;
    for (size_t i = 0; i < repl_ncommands; i++) {
        if (strcmp(repl_commands[i].name, name) == 0) {
            cmd = &repl_commands[i];
            nmatch = 1;
            break;
        }
        if (n && strncmp(repl_commands[i].name, name, n) == 0) {   /* a unique prefix will do */
            cmd = &repl_commands[i];
            nmatch++;
        }
    }
    if (strcmp(name, "q") == 0 || strcmp(name, "exit") == 0) {
        cmd = &repl_commands[repl_ncommands - 1];
        nmatch = 1;
    }
    const char *after = p + n;
    r->force = 0;
    if (nmatch == 1 && cmd->run == cmd_save && *after == '!') {
        r->force = 1;
        after++;
    }
    if (nmatch != 1 || (*after && *after != ' ' && *after != '\t')) {
        size_t wl = n + strcspn(after, " \t");
        const char *names[32];
        for (size_t i = 0; i < repl_ncommands && i < 32; i++)
            names[i] = repl_commands[i].name;
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)(wl < 63 ? wl : 63), p);
        const char *sug = nmatch > 1 ? NULL : diag_suggest(word, names, repl_ncommands);
        int c0 = col_of(r, start), c1 = col_of(r, start + 1 + wl) - 1;
        if (nmatch > 1)
            cmd_error(r, c0, c1, "':%s' is ambiguous: it starts more than one command (:help lists them)", word);
        else if (sug)
            cmd_error(r, c0, c1, "unknown command ':%s'; did you mean ':%s'?", word, sug);
        else
            cmd_error(r, c0, c1, "unknown command ':%s'; :help lists the commands", word);
        finish(r, 1);
        r->cur_line = NULL;
        return;
    }
    cmd->run(r, after, (size_t)(after - line));
    finish(r, 0);
    r->cur_line = NULL;
}
