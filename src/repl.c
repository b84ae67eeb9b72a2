/* repl.c — `plancheck repl`: reads entries (GNU readline on a terminal, plain lines from a
 * pipe), runs the :commands, and hands declarations and expressions to the session.
 * It computes no status itself (eval/assess do) and writes no file except on :save. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <readline/readline.h>
#include <readline/history.h>
#include "repl.h"
#include "fileio.h"
#include "fmt.h"
#include "mem.h"
#include "numfmt.h"
#include "termsafe.h"

#include "repl_int.h"
/* ---- input: readline behind three small functions (Lua's lua_readline / lua_saveline /
 * lua_freeline), plain getline when stdin is not a terminal ---- */

enum { RL_NONE, RL_LINE, RL_EOF, RL_INTR };

/* readline's callbacks take no user pointer: this one static pointer is their way to the
 * REPL (the line handler and the completer use it; nothing else does). */
repl *rl_ctx;
/* Set by the SIGINT handler: the only thing a handler may safely do. */
static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    got_sigint = 1;
}

static void line_handler(char *line)
{
    rl_ctx->rl_line = line;
    rl_ctx->rl_state = line ? RL_LINE : RL_EOF;
    rl_callback_handler_remove();   /* stop readline from prompting again */
}

/* Read one line (without its newline) into *out: RL_LINE, RL_EOF, or RL_INTR (Ctrl-C:
 * the line was thrown away). On a terminal readline's callback interface runs in a
 * select() loop, so that Ctrl-C interrupts the wait and the line can be dropped cleanly. */
static int repl_readline(repl *r, const char *prompt, char **out)
{
    *out = NULL;
    if (!r->tty) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            free(line);
            return RL_EOF;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        *out = line;
        return RL_LINE;
    }
    r->rl_state = RL_NONE;
    r->rl_line = NULL;
    got_sigint = 0;
    /* SIGINT stays blocked except inside pselect(): one that comes while readline works on
     * a key is held until the wait, which it then interrupts (no lost Ctrl-C) */
    sigset_t block, orig, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &orig);
    wait_mask = orig;
    sigdelset(&wait_mask, SIGINT);
    fflush(stdout);
    rl_callback_handler_install(prompt, line_handler);
    int status = RL_NONE;
    while (r->rl_state == RL_NONE) {
        fd_set fds;
        FD_ZERO(&fds);
        int fd = fileno(rl_instream ? rl_instream : stdin);
        FD_SET(fd, &fds);
        int n = got_sigint ? -1 : pselect(fd + 1, &fds, NULL, NULL, NULL, &wait_mask);
        if (got_sigint) {
            got_sigint = 0;
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_callback_handler_remove();
            fputs("^C\n", rl_outstream ? rl_outstream : stdout);
            fflush(rl_outstream ? rl_outstream : stdout);
            status = RL_INTR;
            break;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rl_callback_handler_remove();
            status = RL_EOF;
            break;
        }
        rl_callback_read_char();
    }
    sigprocmask(SIG_SETMASK, &orig, NULL);
    if (status != RL_NONE)
        return status;
    if (r->rl_state == RL_EOF) {
        fputc('\n', rl_outstream ? rl_outstream : stdout);
        return RL_EOF;
    }
    *out = r->rl_line;
    return RL_LINE;
}

/* Keep a non-empty line in the history (and in the history file at once, so that a crash
 * loses nothing). A repeat of the line just before is not kept twice. */
static void repl_saveline(repl *r, const char *line)
{
    if (!r->tty || !line[strspn(line, " \t")])
        return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last && last->line && strcmp(last->line, line) == 0)
        return;
    add_history(line);
    if (r->history)
        append_history(1, r->history);
}

static void repl_freeline(repl *r, char *line)
{
    (void)r;
    free(line);   /* readline and getline allocate with malloc */
}

char *repl_history_path(int create)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char *p = NULL;
    if (xdg && xdg[0] == '/') {
        size_t n = strlen(xdg) + sizeof "/plancheck/history";
        p = pc_malloc(n);
        if (!p)
            return NULL;
        snprintf(p, n, "%s/plancheck", xdg);
        if (create) {
            mkdir(xdg, 0700);   /* the parent may be missing too; errors show up below */
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                pc_free(p);
                return NULL;
            }
        }
        snprintf(p, n, "%s/plancheck/history", xdg);
    } else if (home && home[0]) {
        size_t n = strlen(home) + sizeof "/.plancheck_history";
        p = pc_malloc(n);
        if (p)
            snprintf(p, n, "%s/.plancheck_history", home);
    }
    return p;
}

/* ---- regions, as-of, data ---- */

dataset *need_ds(repl *r)
{
    if (!r->s->ds)
        r->s->ds = ds_new();
    return r->s->ds;
}

/* The region in use and its dataset id (EVAL_NO_REGION when it has no data). NULL, with an
 * error recorded, when there is none to choose. */
const char *current_region(repl *r, uint32_t *id)
{
    const dataset *ds = r->s->ds;
    const pc_plan *p = r->s->plan;
    size_t nr = ds ? ds_nregions(ds) : 0;
    const char *name = r->region;
    if (!name && p && p->meta && p->meta->region)
        name = p->meta->region;
    if (!name && nr == 1)
        name = ds_region(ds, 0);
    if (!name) {
        if (nr == 0)
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "no region: the plan names none and there is no data; "
                                                    "choose one with :region NAME");
        else
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "the data has %zu regions and the plan names none; "
                                                    "choose one with :region NAME", nr);
        return NULL;
    }
    *id = EVAL_NO_REGION;
    for (size_t i = 0; i < nr; i++)
        if (strcmp(ds_region(ds, i), name) == 0) {
            *id = ds_region_id(ds, i);
            name = ds_region(ds, i);
            break;
        }
    return name;
}

int current_as_of(const repl *r)
{
    if (r->as_of)
        return r->as_of;
    if (r->s->have_result && r->s->result.as_of)   /* the evaluation's (DESIGN §4, v2) */
        return r->s->result.as_of;
    int y = !r->s->ds ? 0 : r->s->plan ? eval_default_as_of(r->s->plan, r->s->ds) : ds_latest_year(r->s->ds);
    if (!y && r->s->plan && r->s->plan->meta && r->s->plan->meta->issued.year)
        y = r->s->plan->meta->issued.year;
    return y;
}

/* Evaluate the plan with the REPL's as-of year and region. 0, or -1 with errors recorded. */
int ensure_result(repl *r)
{
    if (r->s->have_result)
        return 0;
    eval_options opt;
    memset(&opt, 0, sizeof opt);
    opt.as_of = r->as_of;
    opt.region = r->region;
    opt.all_regions = r->all_regions && !r->region;
    opt.want_alerts = 1;
    return session_evaluate(r->s, &opt);
}

void whatif_free(whatif *w)
{
    pc_free(w->ind);
    pc_free(w->region);
    pc_free(w->dimkey);
    pc_free(w->label);
}

void drop_edits(repl *r)
{
    for (size_t i = 0; i < r->nedits; i++)
        whatif_free(&r->edits[i]);
    r->nedits = 0;
}

/* Load the data again (the plan may need other indicators now) and re-apply the what-if
 * edits. 0, or -1 with errors recorded (the old dataset then stays). */
int reload_data(repl *r)
{
    pc_session *s = r->s;
    if (s->data_path) {
        char *path = xstrdup(s->data_path);   /* session_load_data replaces s->data_path */
        int rc = path ? session_load_data(s, path) : -1;
        pc_free(path);
        if (rc != 0)
            return -1;
    } else if (r->nedits) {
        ds_free(s->ds);
        s->ds = NULL;
    }
    if (r->nedits && !need_ds(r))
        return -1;
    for (size_t i = 0; i < r->nedits; i++) {
        whatif *w = &r->edits[i];
        if (ds_set(s->ds, w->ind, w->region, w->dimkey, w->period, w->value) != 0) {
            diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
            return -1;
        }
    }
    session_drop_result(s);
    return 0;
}

/* ---- entries: declarations and expressions ---- */

static void print_added(const ast_file *f)
{
    for (const decl *d = f->decls; d; d = d->next) {
        const char *name = NULL;
        switch (d->kind) {
        case D_PLAN: name = d->as.plan.id; break;
        case D_AGENCY: name = d->as.agency.id.name; break;
        case D_INDICATOR: name = d->as.indicator.id.name; break;
        case D_TARGET: name = d->as.target.gen_id; break;
        case D_RESPONSIBLE: name = d->as.responsible.lead.name; break;
        case D_REPORT: name = d->as.report.gen_id; break;
        case D_TASK: name = d->as.task.id.name ? d->as.task.id.name : d->as.task.title; break;
        case D_LET: name = d->as.let.name.name; break;
        case D_ALERT: name = d->as.alert.message; break;
        default: break;
        }
        char nb[256];
        out("added %s%s%s\n", ast_decl_kind_str(d->kind), name ? " " : "", name ? safe(name, nb, sizeof nb) : "");
    }
}

/* A series value: its annual values in the region in use. */
static void print_series(repl *r, const value *v, uint32_t rid, const char *rname, int as_of)
{
    arena *a = arena_new();
    ds_yearly y;
    char sb[256], nb[64];
    eval_format_value(v, sb, sizeof sb);
    if (!a || eval_series(r->s->plan, r->s->ds, v->ind, v->series, rid, as_of ? as_of : 9999, a, &y) != 0) {
        arena_free(a);
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
        return;
    }
    const unit *u = v->ind && v->ind->has_unit ? &v->ind->u : NULL;
    out("%s in %s", sb, rname);
    if (u && u->kind != UNIT_BARE)
        out(" (%s)", ast_unit_str(u));
    if (!y.n)
        out(": no data%s\n", as_of ? " up to the as-of year" : "");
    else {
        out(":");
        for (size_t i = 0; i < y.n; i++)
            out("%s %d %s", i ? "," : "", y.years[i], fnum(nb, sizeof nb, y.values[i], -1));
        out("\n");
    }
    arena_free(a);
}

static void run_expr(repl *r, expr *e)
{
    pc_session *s = r->s;
    ty t = resolve_expr(s->plan, e, &s->diags);
    if (t == TY_ERROR || s->diags.nerrors)
        return;
    uint32_t rid = EVAL_NO_REGION;
    const char *rname = current_region(r, &rid);
    if (!rname)
        rname = "";   /* expressions that need no data still work; the error is shown */
    if (!need_ds(r)) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        return;
    }
    int nerr = s->diags.nerrors;
    if (nerr && t != TY_NUMBER && t != TY_BOOL && t != TY_STRING)
        return;
    diag_clear(&s->diags);   /* (the missing region matters only to data) */
    eval_env env;
    memset(&env, 0, sizeof env);
    env.plan = s->plan;
    env.ds = s->ds;
    env.as_of = current_as_of(r);
    env.region = rid;
    env.region_name = rname;
    env.scratch = arena_new();
    env.diags = &s->diags;
    if (!env.scratch) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        return;
    }
    value v = eval_expr(&env, e);
    if (!s->diags.nerrors) {
        if (v.kind == V_SERIES && v.ind)
            print_series(r, &v, rid, rname, env.as_of);
        else {
            char buf[1024], sb[1024];
            eval_format_value(&v, buf, sizeof buf);
            out("%s\n", safe(buf, sb, sizeof sb));
        }
    }
    arena_free(env.scratch);
}

static void run_entry(repl *r)
{
    pc_session *s = r->s;
    expr *e = NULL;
    int line_offset = r->entry_line - 1;
    /* without its last newline, so that "unexpected end of input" points at the last line */
    size_t len = r->buf_len && r->buf[r->buf_len - 1] == '\n' ? r->buf_len - 1 : r->buf_len;
    ast_file *f = parse_text(REPL_SRC, r->buf, len, line_offset, PARSE_REPL, &s->diags, &e);
    if (!f) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        finish(r, 1);
        return;
    }
    if (f->nerrors) {
        ast_file_free(f);
        finish(r, 1);
        return;
    }
    if (e) {
        run_expr(r, e);
        ast_file_free(f);
        finish(r, 0);
        return;
    }
    int ndecls = f->ndecls, new_indicator = 0;
    for (const decl *d = f->decls; d; d = d->next)
        new_indicator |= d->kind == D_INDICATOR;
    ast_file_free(f);
    if (!ndecls) {   /* only comments */
        finish(r, 0);
        return;
    }
    if (session_add_text(s, REPL_SRC, r->buf, len, line_offset, PARSE_REPL, NULL) != 0) {
        finish(r, 1);
        return;
    }
    print_added(s->files[s->nfiles - 1]);
    /* the data was read for the old plan's indicators: read it again for the new ones */
    if (new_indicator && (s->data_path || r->nedits))
        reload_data(r);
    finish(r, 0);
}

/* ---- the loop ---- */

static int buf_append(repl *r, const char *line)
{
    size_t n = strlen(line);
    if (r->buf_len + n + 2 > r->buf_cap) {
        size_t nc = r->buf_cap ? r->buf_cap * 2 : 1024;
        while (nc < r->buf_len + n + 2)
            nc *= 2;
        char *nb = pc_realloc(r->buf, nc);
        if (!nb)
            return -1;
        r->buf = nb;
        r->buf_cap = nc;
    }
    memcpy(r->buf + r->buf_len, line, n);
    r->buf_len += n;
    r->buf[r->buf_len++] = '\n';
    r->buf[r->buf_len] = '\0';
    return 0;
}

static void tty_setup(repl *r)
{
    rl_ctx = r;
    rl_readline_name = "plancheck";
    rl_catch_signals = 0;   /* Ctrl-C is ours: see repl_readline */
    rl_attempted_completion_function = repl_complete;
    rl_completion_word_break_hook = word_break_hook;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,[])+-*";
    using_history();
    stifle_history(HISTORY_MAX);
    r->history = repl_history_path(1);
    if (r->history) {
        read_history(r->history);
        int fd = open(r->history, O_WRONLY | O_CREAT | O_APPEND, 0600);   /* append_history needs it */
        if (fd >= 0)
            close(fd);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);   /* no SA_RESTART: select() must return */
}

static void tty_teardown(repl *r)
{
    if (r->history)
        history_truncate_file(r->history, HISTORY_MAX);
    clear_history();
    signal(SIGINT, SIG_DFL);
    rl_ctx = NULL;
}

/* One input line (without its newline): a command, or a line of the entry being read,
 * which runs once it is complete. */
static void feed_line(repl *r, const char *line)
{
    r->lineno++;
    repl_saveline(r, line);
    const char *p = line + strspn(line, " \t");
    if (*p == ':' && r->buf_len) {
        /* no entry goes on with ':': report the unfinished one, then run the command */
        run_entry(r);
        r->buf_len = 0;
    }
    if (r->buf_len == 0) {
        if (*p == ':') {
            run_command(r, line);
            return;
        }
        if (!*p)
            return;
        r->entry_line = r->lineno;
        memset(&r->scan, 0, sizeof r->scan);
        r->parsed_len = 0;
    }
    if (buf_append(r, line) != 0) {
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
        finish(r, 1);
        r->buf_len = 0;
        return;
    }
    /* A surely unfinished entry is parsed again only when it has doubled since the last
     * parse (small ones at every line, as they were): a long paste costs linear time, and an
     * error in it is still found within a doubling. */
    entry_scan_line(&r->scan, line, strlen(line));
    if (entry_scan_unfinished(&r->scan) && r->buf_len > ENTRY_SMALL && r->buf_len < 2 * r->parsed_len)
        return;
    r->parsed_len = r->buf_len;
    if (parse_incomplete(r->buf, r->buf_len))
        return;
    run_entry(r);
    r->buf_len = 0;
}

/* Free what the REPL holds (not the session); the exit status. */
static int repl_end(repl *r)
{
    fflush(stdout);
    drop_edits(r);
    pc_free(r->edits);
    pc_free(r->region);
    pc_free(r->history);
    pc_free(r->buf);
    pc_free(r->cands);
    pc_free(r->plan_path);
    drop_kept(r);
    return !r->tty && r->nfailed ? 2 : 0;
}

repl *repl_open(pc_session *s)
{
    repl *r = pc_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->s = s;
    if (!s->plan)   /* start from an empty plan: typed declarations build it */
        session_add_text(s, REPL_SRC, "", 0, 0, PARSE_REPL, NULL);
    finish(r, 0);
    return r;
}

void repl_sandbox(repl *r, const char *plan_path, const char *data_path)
{
    r->sandbox = 1;
    r->sandbox_plan = plan_path;
    r->sandbox_data = data_path;
}

int repl_start_plan(repl *r, const char *path)
{
    /* the empty plan repl_open made gives way to the file's */
    for (int i = 0; i < r->s->nfiles; i++)
        ast_file_free(r->s->files[i]);
    r->s->nfiles = 0;
    session_drop_result(r->s);
    resolve_free(r->s->plan);
    r->s->plan = NULL;
    int rc = load_start_plan(r, path);
    if (!r->s->plan)
        session_add_text(r->s, REPL_SRC, "", 0, 0, PARSE_REPL, NULL);
    finish(r, rc != 0);
    return rc;
}

int repl_feed(repl *r, const char *line)
{
    if (!r->quit)
        feed_line(r, line);
    return r->quit;
}

int repl_close(repl *r)
{
    if (!r)
        return 2;
    if (r->buf_len && !r->quit)   /* an unfinished entry: report what is wrong with it */
        run_entry(r);
    int rc = repl_end(r);
    pc_free(r);
    return rc;
}

int repl_main(pc_session *s, const cli_options *o)
{
    const char *plan_path = o->plan, *data_path = o->data;
    repl rs;
    repl *r = &rs;
    memset(r, 0, sizeof *r);
    r->s = s;
    r->as_of = o->as_of;
    r->region = o->region ? xstrdup(o->region) : NULL;
    r->all_regions = o->all_regions;
    r->tty = isatty(STDIN_FILENO);
    r->color = cli_color(stderr);

    finish(r, plan_path ? load_start_plan(r, plan_path) != 0 : 0);
    if (!s->plan)   /* start from an empty plan: typed declarations build it */
        session_add_text(s, REPL_SRC, "", 0, 0, PARSE_REPL, NULL);
    if (data_path && s->plan && session_load_data(s, data_path) != 0)
        finish(r, 1);
    else
        finish(r, 0);
    if (r->tty) {
        tty_setup(r);
        out("plancheck %s: :help lists the commands, Ctrl-D quits\n", PLANCHECK_VERSION);
        if (plan_path && s->plan && s->nfiles && s->files[0]->src.name &&
            strcmp(s->files[0]->src.name, plan_path) == 0)
            print_plan_summary(s->plan, plan_path);
        if (data_path && s->ds && s->data_path)
            print_data_summary(s->ds, data_path);
    }

    while (!r->quit) {
        char *line = NULL;
        int st = repl_readline(r, r->buf_len ? PROMPT_MORE : PROMPT, &line);
        if (st == RL_INTR) {
            r->buf_len = 0;
            continue;
        }
        if (st == RL_EOF) {
            if (r->buf_len)   /* an unfinished entry: report what is wrong with it */
                run_entry(r);
            break;
        }
        feed_line(r, line);
        repl_freeline(r, line);
    }
    if (r->tty)
        tty_teardown(r);
    return repl_end(r);
}
