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

#define PROMPT "plancheck> "
#define PROMPT_MORE "      ...> "
#define REPL_SRC "<repl>"
#define HISTORY_MAX 1000
#define ENTRY_SMALL 4096    /* entries up to this size are parsed at every line */

/* A what-if edit of the data (:set), re-applied whenever the data is loaded again. */
typedef struct whatif {
    char *ind, *region, *dimkey, *label;   /* label: the series as typed, for listings */
    ds_period period;
    double value;                          /* NaN: the value is removed */
} whatif;

typedef struct repl {
    pc_session *s;
    int tty;                 /* stdin is a terminal: readline, prompts, history */
    int color;               /* diagnostics in colour */
    int lineno;              /* physical lines read so far: entries continue the count */
    int nfailed;             /* entries that ended in an error */
    int quit;
    int as_of;               /* 0: the latest year with data */
    char *region;            /* NULL: the default region (the plan's, or the only one) */
    int all_regions;         /* --all-regions given (until :region chooses one) */
    whatif *edits;
    size_t nedits, edits_cap;
    char *history;           /* history file, NULL: none */
    /* the entry being read (several lines while it is unfinished) */
    char *buf;
    size_t buf_len, buf_cap;
    int entry_line;
    entry_scan scan;         /* what the entry's lines tell without parsing */
    size_t parsed_len;       /* buf_len when the entry was last parsed */
    const char *cur_line;    /* the command line being run (for diagnostics) */
    /* readline's line handler hands its line over here */
    char *rl_line;
    int rl_state;
    /* completion candidates (strings owned by the plan, the dataset or static tables) */
    const char **cands;
    size_t ncands, cands_cap, cand_next;
    /* the file the plan was fully loaded from, or :save last wrote (NULL: none), as it was
     * then; :save writes over no other existing file without :save! */
    char *plan_path;
    struct stat plan_st;
    /* a plan file that failed to load at start: its text, written back by :save */
    char *kept_text, *kept_path;
    size_t kept_len;
    int force;               /* the command was written with '!' (:save!) */
    /* sandbox (fuzzing): :load and :data read only these files, :save writes nothing */
    int sandbox;
    const char *sandbox_plan, *sandbox_data;
} repl;

/* ---- output helpers ---- */

/* Everything the REPL prints on stdout goes through out(): control characters that plan
 * strings and data cells carry (ESC, CR, C1 controls, bidi overrides) are escaped
 * (termsafe.c); only the REPL's own line ends stay. Strings that may hold a newline of
 * their own are escaped whole where they are printed (safe()). */
static void put_stdout(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    fwrite(s, 1, n, stdout);
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    char sbuf[1024], *buf = sbuf;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sbuf, sizeof sbuf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof sbuf) {
        buf = pc_malloc((size_t)n + 1);
        if (!buf)
            return;
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    ts_write(buf, (size_t)n, 1, put_stdout, NULL);
    if (buf != sbuf)
        pc_free(buf);
}

/* A string from the plan or the data, every control character escaped (a newline too). */
static const char *safe(const char *s, char *buf, size_t len) { return ts_str(s ? s : "", buf, len); }


static void flush_diags(repl *r)
{
    diag_sink *d = &r->s->diags;
    if (d->n || d->oom) {
        fflush(stdout);
        diag_print(stderr, d, r->color);
        fflush(stderr);
    }
    diag_clear(d);
}

/* Record the end of an entry: errors in the sink mark it failed. Returns 1 if it failed. */
static int finish(repl *r, int failed)
{
    if (r->s->diags.nerrors || r->s->diags.oom)
        failed = 1;
    flush_diags(r);
    if (failed)
        r->nfailed++;
    return failed;
}

/* An error about the command line being run, at a column span of it (1-based; 0: none). */
static void cmd_error(repl *r, int col, int end_col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void cmd_error(repl *r, int col, int end_col, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_sink *d = &r->s->diags;
    const char *lt = r->cur_line ? r->cur_line : "";
    diag_line(d, DIAG_ERROR, REPL_SRC, r->lineno, col > 0 ? col : 0, lt, strlen(lt), "%s", msg);
    if (d->n && end_col > col && col > 0)
        d->items[d->n - 1].end_col = end_col;
}

/* Columns of a span of the command line, from byte offsets. */
static int col_of(const repl *r, size_t off)
{
    return r->cur_line ? utf8_columns(r->cur_line, off) + 1 : 0;
}

static char *xstrdup(const char *s) { return s ? pc_strndup(s, strlen(s)) : NULL; }

/* Append s to buf (of len bytes, holding *o of them), cutting it short when it is full. */
static void put(char *buf, size_t len, size_t *o, const char *s)
{
    size_t n = strlen(s);
    if (*o + n >= len)
        n = *o + 1 < len ? len - 1 - *o : 0;
    memcpy(buf + *o, s, n);
    *o += n;
    buf[*o] = '\0';
}

/* A number for people: shortest form (digits < 0) or fixed digits, with a real minus sign. */
static const char *fnum(char *buf, size_t len, double x, int digits)
{
    char nb[NUMFMT_MAX];
    size_t o = 0;
    buf[0] = '\0';
    if (isnan(x)) {
        put(buf, len, &o, "NA");
        return buf;
    }
    if (digits < 0)
        numfmt_shortest(x, nb);
    else
        numfmt_fixed(x, digits, nb);
    if (nb[0] == '-')
        put(buf, len, &o, "\xE2\x88\x92");
    put(buf, len, &o, nb[0] == '-' ? nb + 1 : nb);
    return buf;
}

/* A value in an indicator's unit: "19.6 %", "18.5 per 1000", "1234". */
static const char *fval(char *buf, size_t len, double x, const unit *u, int digits)
{
    size_t o = 0;
    fnum(buf, len, x, digits);
    o = strlen(buf);
    if (!isnan(x) && u && u->kind != UNIT_BARE) {
        put(buf, len, &o, " ");
        put(buf, len, &o, ast_unit_str(u));
    }
    return buf;
}

/* A quantity as written: "17%", "18.5 per 1000". */
static const char *fquantity(char *buf, size_t len, const quantity *q)
{
    switch (q->u.kind) {
    case UNIT_PERCENT: snprintf(buf, len, "%s%%", q->text); break;
    case UNIT_PERMILLE: snprintf(buf, len, "%s‰", q->text); break;
    case UNIT_PER: snprintf(buf, len, "%s per %s", q->text, q->u.per_text ? q->u.per_text : "?"); break;
    default: snprintf(buf, len, "%s", q->text); break;
    }
    return buf;
}

/* The series as written: stunting, obesity[area = "rural"]. */
static const char *fseries(char *buf, size_t len, const series_ref *s)
{
    size_t o = (size_t)snprintf(buf, len, "%s", s->ind.name ? s->ind.name : "?");
    for (int i = 0; i < s->nsels && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s = \"%s\"", i ? ", " : "[", s->sels[i].dim.name,
                              s->sels[i].value);
    if (s->nsels && o < len)
        snprintf(buf + o, len - o, "]");
    return buf;
}

/* What a milestone asks: "< 17% by 2025", ">= 100% maintain from 2020",
 * "decrease by 2% to 3% per year from 2025 to 2030". */
static const char *fgoal(char *buf, size_t len, const milestone *m)
{
    const target *t = m->target;
    char q[64], q2[64];
    if (t && t->kind == TG_RATE) {
        if (t->has_rate_hi)
            snprintf(buf, len, "%s by %s to %s per year from %d to %d", t->rate_increase ? "increase" : "decrease",
                     fquantity(q, sizeof q, &t->rate_lo), fquantity(q2, sizeof q2, &t->rate_hi), t->rate_from, t->rate_to);
        else
            snprintf(buf, len, "%s by %s per year from %d to %d", t->rate_increase ? "increase" : "decrease",
                     fquantity(q, sizeof q, &t->rate_lo), t->rate_from, t->rate_to);
        return buf;
    }
    size_t o = (size_t)snprintf(buf, len, "%s %s", ast_cmp_str(m->cmp), fquantity(q, sizeof q, &m->q));
    if (o >= len)
        return buf;
    if (m->kind == MS_BY)
        snprintf(buf + o, len - o, " by %d", m->year);
    else {
        o += (size_t)snprintf(buf + o, len - o, " maintain");
        if (m->from && o < len)
            o += (size_t)snprintf(buf + o, len - o, " from %d", m->from);
        if (m->to && o < len)
            snprintf(buf + o, len - o, " to %d", m->to);
    }
    return buf;
}

static const char *fdate(char *buf, size_t len, date d)
{
    if (d.year)
        snprintf(buf, len, "%04d-%02d-%02d", d.year, d.month, d.day);
    else
        snprintf(buf, len, "%d %s", d.day, ast_month_name(d.month));
    return buf;
}

/* ---- input: readline behind three small functions (Lua's lua_readline / lua_saveline /
 * lua_freeline), plain getline when stdin is not a terminal ---- */

enum { RL_NONE, RL_LINE, RL_EOF, RL_INTR };

/* readline's callbacks take no user pointer: this one static pointer is their way to the
 * REPL (the line handler and the completer use it; nothing else does). */
static repl *rl_ctx;
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

static dataset *need_ds(repl *r)
{
    if (!r->s->ds)
        r->s->ds = ds_new();
    return r->s->ds;
}

/* The region in use and its dataset id (EVAL_NO_REGION when it has no data). NULL, with an
 * error recorded, when there is none to choose. */
static const char *current_region(repl *r, uint32_t *id)
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

static int current_as_of(const repl *r)
{
    if (r->as_of)
        return r->as_of;
    int y = r->s->ds ? ds_latest_year(r->s->ds) : 0;
    if (!y && r->s->plan && r->s->plan->meta && r->s->plan->meta->issued.year)
        y = r->s->plan->meta->issued.year;
    return y;
}

/* Evaluate the plan with the REPL's as-of year and region. 0, or -1 with errors recorded. */
static int ensure_result(repl *r)
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

static void whatif_free(whatif *w)
{
    pc_free(w->ind);
    pc_free(w->region);
    pc_free(w->dimkey);
    pc_free(w->label);
}

static void drop_edits(repl *r)
{
    for (size_t i = 0; i < r->nedits; i++)
        whatif_free(&r->edits[i]);
    r->nedits = 0;
}

/* Load the data again (the plan may need other indicators now) and re-apply the what-if
 * edits. 0, or -1 with errors recorded (the old dataset then stays). */
static int reload_data(repl *r)
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

/* ---- :commands ---- */

typedef struct command {
    const char *name;
    const char *colon_name;  /* ":help", for completion */
    void (*run)(repl *r, const char *arg, size_t argoff);
    const char *usage;
    const char *summary;
    const char *detail;
} command;

static void cmd_help(repl *r, const char *arg, size_t argoff);
static void cmd_load(repl *r, const char *arg, size_t argoff);
static void cmd_data(repl *r, const char *arg, size_t argoff);
static void cmd_asof(repl *r, const char *arg, size_t argoff);
static void cmd_region(repl *r, const char *arg, size_t argoff);
static void cmd_status(repl *r, const char *arg, size_t argoff);
static void cmd_explain(repl *r, const char *arg, size_t argoff);
static void cmd_plot(repl *r, const char *arg, size_t argoff);
static void cmd_who(repl *r, const char *arg, size_t argoff);
static void cmd_set(repl *r, const char *arg, size_t argoff);
static void cmd_unset(repl *r, const char *arg, size_t argoff);
static void cmd_save(repl *r, const char *arg, size_t argoff);
static void cmd_quit(repl *r, const char *arg, size_t argoff);

static const command commands[] = {
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
static const size_t ncommands = sizeof commands / sizeof commands[0];

/* A command's argument split off at white space: *word gets the first word (a series with a
 * [selector] is one word even with spaces inside), the return value points past it. */
static const char *next_word(const char *s, char *word, size_t len)
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

static void trim_copy(const char *s, char *out, size_t len)
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
static ast_file *parse_series_arg(repl *r, size_t off, size_t len, const indicator **ind, const series_ref **sel)
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
static int sel_dimkey(const series_ref *sel, char *buf, size_t len)
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
        for (size_t i = 0; i < ncommands; i++)
            if (strcmp(commands[i].name, w) == 0) {
                out("%s\n  %s\n", commands[i].usage, commands[i].summary);
                if (commands[i].detail)
                    out("%s", commands[i].detail);
                return;
            }
        const char *names[32];
        for (size_t i = 0; i < ncommands && i < 32; i++)
            names[i] = commands[i].name;
        const char *sug = diag_suggest(w, names, ncommands < 32 ? ncommands : 32);
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
    for (size_t i = 0; i < ncommands; i++)
        out("  %-28s %s\n", commands[i].usage, commands[i].summary);
    out("Tab completes commands, keywords and names; Ctrl-C drops the line; Ctrl-D quits.\n");
}

/* Which files :save may write over: a new one, the plan loaded fully (as it was then), or
 * the last file :save wrote. */
static void remember_file(repl *r, const char *path)
{
    pc_free(r->plan_path);
    r->plan_path = xstrdup(path);
    if (!r->plan_path || stat(path, &r->plan_st) != 0)
        memset(&r->plan_st, 0, sizeof r->plan_st);
}

static void drop_kept(repl *r)
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
static int load_start_plan(repl *r, const char *path)
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

static void print_plan_summary(const pc_plan *p, const char *path)
{
    out("%s: %d target%s, %d milestone%s, %d agenc%s, %d indicator%s\n", path, p->ntargets,
           p->ntargets == 1 ? "" : "s", p->nmilestones, p->nmilestones == 1 ? "" : "s", p->nagencies,
           p->nagencies == 1 ? "y" : "ies", p->nindicators, p->nindicators == 1 ? "" : "s");
}

static void print_data_summary(const dataset *ds, const char *path)
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
static const agency *agency_arg(repl *r, const char *word, size_t off)
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

static int owner_has(const ms_owner *o, const agency *a, int *lead)
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
    if (a->method == METHOD_AARR) {
        direction dir = resolve_direction(m->ind, ms->cmp);
        out("  AARR  = 100·(1 − e^β), β the least-squares slope of ln(x) on year, %d to %d\n", B, L);
        out("        = %s\n", fnum(b1, sizeof b1, a->actual_rate, 4));
        out("  AARR* = 100·(1 − exp((ln v* − ln x_B)/(D − B))) = 100·(1 − exp((ln %s − ln %s)/%d)) = %s\n",
               fnum(b2, sizeof b2, v0, -1), fnum(b3, sizeof b3, xb0, -1), D - B, fnum(b4, sizeof b4, a->required_rate, 4));
        if (dir == DIR_HIGHER)
            out("        (signs flipped: higher is better)\n");
        const char *why;
        switch (a->status) {
        case ST_ON_TRACK: why = "AARR ≥ AARR*"; break;
        case ST_AT_RISK: why = "AARR < AARR*, AARR > 0.5"; break;
        case ST_OFF_TRACK: why = "−0.5 ≤ AARR ≤ 0.5"; break;
        default: why = "AARR < −0.5"; break;
        }
        out("  %s → %s\n", why, assess_status_str(a->status));
    } else {
        out("  r_a = (x_L / x_B)^(1/(L−B)) − 1 = (%s/%s)^(1/%d) − 1 = %s\n", fnum(b1, sizeof b1, xl, -1),
               fnum(b2, sizeof b2, xb0, -1), L - B, fnum(b3, sizeof b3, a->actual_rate, 5));
        out("  r_r = (v* / x_B)^(1/(D−B)) − 1 = (%s/%s)^(1/%d) − 1 = %s\n", fnum(b1, sizeof b1, v0, -1),
               fnum(b2, sizeof b2, xb0, -1), D - B, fnum(b3, sizeof b3, a->required_rate, 5));
        const char *why;
        if (a->method == METHOD_CR) {
            switch (a->status) {
            case ST_ON_TRACK: why = "≥ 0.95"; break;
            case ST_AT_RISK: why = "in [0.5, 0.95)"; break;
            case ST_OFF_TRACK: why = "in [−0.10, 0.5)"; break;
            default: why = "< −0.10"; break;
            }
            out("  CR  = r_a / r_r = %s  %s → %s\n", fnum(b1, sizeof b1, a->ratio, 4), why, assess_status_str(a->status));
        } else {
            out("  v̂   = x_L·(1 + r_a)^(D − L) = %s·(1 %s %s)^%d = %s\n", fnum(b1, sizeof b1, xl, -1),
                   a->actual_rate < 0 ? "−" : "+", fnum(b2, sizeof b2, fabs(a->actual_rate), 5), D - L,
                   fnum(b3, sizeof b3, a->projected, 4));
            switch (a->status) {
            case ST_ON_TRACK: why = "≥ 0.95"; break;
            case ST_AT_RISK: why = "in [0.10, 0.95)"; break;
            case ST_OFF_TRACK: why = "in [0, 0.10)"; break;
            default: why = "< 0"; break;
            }
            out("  P   = (v̂ − x_B) / (v* − x_B) = (%s − %s) / (%s − %s) = %s  %s → %s\n",
                   fnum(b1, sizeof b1, a->projected, 4), fnum(b2, sizeof b2, xb, -1), fnum(b3, sizeof b3, v, -1),
                   fnum(b4, sizeof b4, xb, -1), fnum(b5, sizeof b5, a->ratio, 4), why, assess_status_str(a->status));
        }
    }
    if (!isnan(a->projected))
        out("  projected %d: %s\n", D, fval(b1, sizeof b1, a->projected, u, 2));
}

static void explain_one(repl *r, const ms_result *m, int as_of, int show_region)
{
    const milestone *ms = m->ms;
    const assess_result *a = &m->r;
    const unit *u = m->ind && m->ind->has_unit ? &m->ind->u : &ms->q.u;
    char sb[256], gb[160], b1[64], b2[64], b3[64];
    fseries(sb, sizeof sb, &m->target->series);
    fgoal(gb, sizeof gb, ms);
    out("%s  %s %s   (method %s", ms->id, sb, gb, ast_method_str(a->method));
    if (show_region)
        out(", %s", m->region);
    out(", as of %d)\n", as_of);
    if (a->base_year)
        out("  baseline  B = %d, x_B = %s\n", a->base_year, fval(b1, sizeof b1, a->base_value, u, -1));
    else
        out("  baseline  none: no data up to the as-of year\n");
    if (a->latest_year)
        out("  latest    L = %d, x_L = %s\n", a->latest_year, fval(b1, sizeof b1, a->latest_value, u, -1));
    const char *st = assess_status_str(a->status);
    const char *cmp = ast_cmp_str(ms->cmp);
    if (m->target->kind == TG_RATE) {
        out("  each yearly change from %d to %d must be a %s of at least %s%%\n", m->target->rate_from,
               m->target->rate_to, m->target->rate_increase ? "rise" : "fall", m->target->rate_lo.text);
        if (a->nbroken && a->broken) {
            out("  years that fell short:");
            for (int i = 0; i < a->nbroken; i++)
                out(" %d", a->broken[i]);
            out("\n");
        }
        out("  %s → %s\n", as_of >= m->target->rate_to ? "the window has closed" : "the window is open", st);
        return;
    }
    if (ms->kind == MS_MAINTAIN) {
        out("  every year with data from %d must satisfy %s %s\n", ms->win_from ? ms->win_from : a->base_year, cmp,
               fquantity(b1, sizeof b1, &ms->q));
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
            out("  deadline reached (A = %d ≥ D = %d), no value for %d → %s\n", as_of, D, D, st);
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
        out("  too little data for a trend (%s) → %s\n",
               !a->base_year ? "no baseline value" : "the latest year is not after the baseline", st);
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

static void cmd_explain(repl *r, const char *arg, size_t argoff)
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

/* ---- :plot ---- */

#define PLOT_H 12
#define PLOT_W 48

/* The grid row of value v between lo (bottom) and hi (top), whatever their size: the halves
 * keep hi - lo finite near DBL_MAX; the row is clamped to the grid. */
static int plot_row(double lo, double hi, double v)
{
    double f = (hi / 2 - v / 2) / (hi / 2 - lo / 2) * (PLOT_H - 1);
    if (!(f >= 0))
        return 0;
    return f > PLOT_H - 1 ? PLOT_H - 1 : (int)lround(f);
}

typedef struct plot_line {
    double v;
    char label[64];
} plot_line;

static int same_series(const series_ref *a, const series_ref *b)
{
    char ka[512], kb[512];
    if (sel_dimkey(a, ka, sizeof ka) != 0 || sel_dimkey(b, kb, sizeof kb) != 0)
        return 0;
    return strcmp(ka, kb) == 0;
}

static void cmd_plot(repl *r, const char *arg, size_t argoff)
{
    char word[512];
    next_word(arg, word, sizeof word);
    size_t off = argoff + strspn(arg, " \t");
    if (!word[0]) {
        cmd_error(r, 0, 0, "usage: :plot SERIES (e.g. :plot stunting)");
        return;
    }
    const indicator *ind;
    const series_ref *sel;
    ast_file *f = parse_series_arg(r, off, strlen(word), &ind, &sel);
    if (!f)
        return;
    uint32_t rid;
    const char *rname = current_region(r, &rid);
    arena *a = arena_new();
    ds_yearly y;
    memset(&y, 0, sizeof y);
    int as_of = current_as_of(r);
    if (!rname || !a || !need_ds(r) ||
        eval_series(r->s->plan, r->s->ds, ind, sel, rid, as_of ? as_of : 9999, a, &y) != 0) {
        if (rname)
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
        arena_free(a);
        ast_file_free(f);
        return;
    }
    const pc_plan *p = r->s->plan;
    const unit *u = ind->has_unit ? &ind->u : NULL;
    char sb[256];
    series_ref whole;
    memset(&whole, 0, sizeof whole);
    whole.ind.name = ind->id.name;
    fseries(sb, sizeof sb, sel ? sel : &whole);
    if (!y.n) {
        out("%s: no data in %s%s\n", sb, rname, r->as_of ? " up to the as-of year" : "");
        arena_free(a);
        ast_file_free(f);
        return;
    }
    /* the milestones on this series: their thresholds are the target lines */
    plot_line lines[8];
    int nlines = 0, y0 = y.years[0], y1 = y.years[y.n - 1];
    for (int i = 0; i < p->nmilestones && nlines < 8; i++) {
        const milestone *m = p->milestones[i];
        const target *t = m->target;
        if (t->kind == TG_RATE || t->series.resolved != ind || !same_series(&t->series, sel ? sel : &whole))
            continue;
        char gb[160];
        lines[nlines].v = m->q.value;
        snprintf(lines[nlines].label, sizeof lines[nlines].label, "%s %s", m->id, fgoal(gb, sizeof gb, m));
        nlines++;
        if (m->kind == MS_BY && m->year > y1 && m->year - y0 < PLOT_W)
            y1 = m->year;
    }
    int nyears = y1 - y0 + 1;
    if (nyears > PLOT_W) {
        y0 = y1 - PLOT_W + 1;
        nyears = PLOT_W;
    }
    int cw = PLOT_W / nyears;   /* columns per year */
    if (cw > 6)
        cw = 6;
    int width = cw * nyears;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < y.n; i++)
        if (y.years[i] >= y0) {
            lo = fmin(lo, y.values[i]);
            hi = fmax(hi, y.values[i]);
        }
    for (int i = 0; i < nlines; i++) {
        lo = fmin(lo, lines[i].v);
        hi = fmax(hi, lines[i].v);
    }
    if (hi / 2 - lo / 2 < 1e-9) {
        double d = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1;
        lo -= d;
        hi += d;
    }
    char grid[PLOT_H][PLOT_W + 1];
    const char *label[PLOT_H];
    double label_v[PLOT_H];
    memset(grid, ' ', sizeof grid);
    for (int i = 0; i < PLOT_H; i++) {
        grid[i][width] = '\0';
        label[i] = NULL;
    }
#define ROW(v) plot_row(lo, hi, (v))
    for (int i = 0; i < nlines; i++) {
        int row = ROW(lines[i].v);
        memset(grid[row], '=', (size_t)width);
        label[row] = lines[i].label;
        label_v[row] = lines[i].v;
    }
    for (size_t i = 0; i < y.n; i++)
        if (y.years[i] >= y0)
            grid[ROW(y.values[i])][(y.years[i] - y0) * cw + cw / 2] = '*';
#undef ROW
    double span = hi / 2 - lo / 2;
    int dec = span >= 50 ? 0 : span >= 5 ? 1 : span >= 0.5 ? 2 : 3;
    out("%s in %s%s%s%s\n", sb, rname, u && u->kind != UNIT_BARE ? " (" : "", u && u->kind != UNIT_BARE ? ast_unit_str(u) : "",
           u && u->kind != UNIT_BARE ? ")" : "");
    for (int i = 0; i < PLOT_H; i++) {
        char nb[NUMFMT_MAX] = "";
        double at = label[i] ? label_v[i] : hi * (1 - (double)i / (PLOT_H - 1)) + lo * ((double)i / (PLOT_H - 1));
        if ((i % 3 == 0 || i == PLOT_H - 1 || label[i]) && fabs(at) >= 1e15)
            numfmt_shortest(at, nb);   /* 1.7e+308, not 309 digits */
        else if (i % 3 == 0 || i == PLOT_H - 1 || label[i])
            numfmt_fixed(at, dec, nb);
        size_t gl = strlen(grid[i]);
        while (gl > 0 && grid[i][gl - 1] == ' ' && !label[i])
            grid[i][--gl] = '\0';
        out("%9s |%s", nb, grid[i]);
        if (label[i])
            out(" %s", label[i]);
        out("\n");
    }
    /* the x axis: a tick and a year label every few years */
    int step = 1;
    while (step * cw < 5)
        step++;
    out("%9s +", "");
    for (int c = 0; c < width; c++)
        putchar(((c - cw / 2) % (step * cw) == 0 && c >= cw / 2) ? '+' : '-');
    out("\n%9s  ", "");
    int col = 0;
    for (int yr = y0; yr <= y1; yr += step) {
        int at = (yr - y0) * cw + cw / 2 - 2;
        if (at < col)
            at = col;
        out("%*s%d", at - col, "", yr);
        col = at + 4;
    }
    out("\n%9s  * value%s\n", "", nlines ? "   = target threshold" : "");
    arena_free(a);
    ast_file_free(f);
}



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

static void cmd_who(repl *r, const char *arg, size_t argoff)
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

/* ---- :set, :unset ---- */

static void cmd_set(repl *r, const char *arg, size_t argoff)
{
    char sw[512], yw[64], vw[128];
    const char *rest = next_word(arg, sw, sizeof sw);
    size_t soff = argoff + strspn(arg, " \t");
    if (!sw[0]) {
        if (!r->nedits)
            out("no what-if edits (:set SERIES YEAR VALUE makes one)\n");
        for (size_t i = 0; i < r->nedits; i++) {
            char pb[32], nb[64];
            const indicator *wi = r->s->plan ? resolve_indicator(r->s->plan, r->edits[i].ind) : NULL;
            ds_period_format(r->edits[i].period, pb, sizeof pb);
            out("%s %s = %s in %s\n", r->edits[i].label, pb,
                   fval(nb, sizeof nb, r->edits[i].value, wi && wi->has_unit ? &wi->u : NULL, -1), r->edits[i].region);
        }
        return;
    }
    const char *rest2 = next_word(rest, yw, sizeof yw);
    size_t yoff = (size_t)(rest - arg) + argoff + strspn(rest, " \t");
    next_word(rest2, vw, sizeof vw);
    size_t voff = (size_t)(rest2 - arg) + argoff + strspn(rest2, " \t");
    if (!yw[0] || !vw[0]) {
        cmd_error(r, 0, 0, "usage: :set SERIES YEAR VALUE (e.g. :set stunting 2024 16.9)");
        return;
    }
    const indicator *ind;
    const series_ref *sel;
    ast_file *f = parse_series_arg(r, soff, strlen(sw), &ind, &sel);
    if (!f)
        return;
    ds_period per;
    double v = NAN;
    char dk[512];
    uint32_t rid;
    const char *rname = NULL;
    if (ind->derived) {
        cmd_error(r, col_of(r, soff), col_of(r, soff + strlen(sw)) - 1,
                  "'%s' is derived from other indicators: set their values instead", ind->id.name);
    } else if (ds_period_parse(yw, strlen(yw), &per) != 0) {
        cmd_error(r, col_of(r, yoff), col_of(r, yoff + strlen(yw)) - 1,
                  "'%s' is not a year or period (2024, 2024S1, 2024Q3, 2024-06)", yw);
    } else {
        size_t n = strlen(vw);
        /* the value may carry the indicator's unit: 16.9% for a % indicator */
        const char *ustr = ind->has_unit ? ast_unit_str(&ind->u) : "";
        size_t ul = strlen(ustr);
        if (ul && ind->u.kind != UNIT_PER && n > ul && strcmp(vw + n - ul, ustr) == 0)
            n -= ul;
        if (strcmp(vw, "NA") == 0)
            v = NAN;
        else if (ds_parse_number(vw, n, &v) != 0) {
            cmd_error(r, col_of(r, voff), col_of(r, voff + strlen(vw)) - 1,
                      "'%s' is not a value: write a number in %s's unit%s%s, or NA", vw, ind->id.name,
                      ul ? ", " : "", ustr);
            ast_file_free(f);
            return;
        }
        if (sel_dimkey(sel, dk, sizeof dk) != 0)
            cmd_error(r, col_of(r, soff), col_of(r, soff + strlen(sw)) - 1, "the selector is too long");
        else
            rname = current_region(r, &rid);
    }
    if (!rname || !need_ds(r)) {
        ast_file_free(f);
        return;
    }
    /* the value it replaces, for the message */
    double old = NAN;
    int had = 0;
    const ds_series *se = ds_find(r->s->ds, ind->id.name, rname, dk);
    for (uint32_t i = 0; se && i < se->n; i++)
        if (se->obs[i].period == per) {
            old = se->obs[i].value;
            had = 1;
        }
    whatif *w = NULL;
    for (size_t i = 0; i < r->nedits && !w; i++)
        if (r->edits[i].period == per && strcmp(r->edits[i].ind, ind->id.name) == 0 &&
            strcmp(r->edits[i].region, rname) == 0 && strcmp(r->edits[i].dimkey, dk) == 0)
            w = &r->edits[i];
    if (!w) {
        if (PC_GROW(r->edits, r->edits_cap, r->nedits) < 0) {
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
            ast_file_free(f);
            return;
        }
        w = &r->edits[r->nedits];
        memset(w, 0, sizeof *w);
        w->ind = xstrdup(ind->id.name);
        w->region = xstrdup(rname);
        w->dimkey = xstrdup(dk);
        w->label = xstrdup(sw);
        w->period = per;
        if (!w->ind || !w->region || !w->dimkey || !w->label) {
            whatif_free(w);
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
            ast_file_free(f);
            return;
        }
        r->nedits++;
    }
    w->value = v;
    if (ds_set(r->s->ds, ind->id.name, rname, dk, per, v) != 0)
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
    session_drop_result(r->s);
    char nb[64], ob[64], pb[32];
    const unit *u = ind->has_unit ? &ind->u : NULL;
    ds_period_format(per, pb, sizeof pb);
    out("%s %s = %s in %s (what-if; was %s)\n", sw, pb, fval(nb, sizeof nb, v, u, -1), rname,
           had && !isnan(old) ? fval(ob, sizeof ob, old, u, -1) : "no value");
    ast_file_free(f);
}

static void cmd_unset(repl *r, const char *arg, size_t argoff)
{
    char sw[512], yw[64];
    const char *rest = next_word(arg, sw, sizeof sw);
    if (!sw[0]) {
        size_t n = r->nedits;
        drop_edits(r);
        if (n && reload_data(r) != 0)
            return;
        out("%zu what-if edit%s undone\n", n, n == 1 ? "" : "s");
        return;
    }
    next_word(rest, yw, sizeof yw);
    size_t soff = argoff + strspn(arg, " \t");
    ds_period per = 0;
    if (yw[0] && ds_period_parse(yw, strlen(yw), &per) != 0) {
        size_t yoff = (size_t)(rest - arg) + argoff + strspn(rest, " \t");
        cmd_error(r, col_of(r, yoff), col_of(r, yoff + strlen(yw)) - 1, "'%s' is not a year or period", yw);
        return;
    }
    const indicator *ind;
    const series_ref *sel;
    ast_file *f = parse_series_arg(r, soff, strlen(sw), &ind, &sel);
    if (!f)
        return;
    char dk[512];
    size_t removed = 0;
    if (sel_dimkey(sel, dk, sizeof dk) == 0) {
        size_t k = 0;
        for (size_t i = 0; i < r->nedits; i++) {
            whatif *w = &r->edits[i];
            if (strcmp(w->ind, ind->id.name) == 0 && strcmp(w->dimkey, dk) == 0 &&
                (!r->region || strcmp(w->region, r->region) == 0) && (!per || w->period == per)) {
                whatif_free(w);
                removed++;
            } else {
                r->edits[k++] = *w;
            }
        }
        r->nedits = k;
    }
    ast_file_free(f);
    if (!removed) {
        out("no what-if edit of %s%s%s to undo\n", sw, yw[0] ? " " : "", yw);
        return;
    }
    if (reload_data(r) != 0)
        return;
    out("%zu what-if edit%s undone\n", removed, removed == 1 ? "" : "s");
}

/* ---- :save, :quit ---- */

static int same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Why :save (without '!') must not write over path; NULL when it may. */
static const char *save_refusal(const repl *r, const char *path)
{
    struct stat st, kst;
    if (stat(path, &st) != 0)
        return NULL;   /* a new file (a path stat cannot reach fails at the write, with its reason) */
    if (r->kept_path && stat(r->kept_path, &kst) == 0 && same_inode(&st, &kst))
        return "did not load (it has errors), so the session does not hold it";
    if (r->plan_path && r->plan_st.st_ino && same_inode(&st, &r->plan_st)) {
        if (st.st_size != r->plan_st.st_size || st.st_mtim.tv_sec != r->plan_st.st_mtim.tv_sec ||
            st.st_mtim.tv_nsec != r->plan_st.st_mtim.tv_nsec)
            return "changed on disk since this session read or wrote it (:load it again to see the change)";
        return NULL;
    }
    return "exists and is not the plan this session loaded";
}

/* The session as text: a kept plan's text as it was, then every file's declarations in
 * canonical layout. NULL when out of memory. */
static char *session_text(repl *r, size_t *len_out, int *ndecls)
{
    pc_session *s = r->s;
    size_t len = 0, cap = r->kept_len + 4096;
    char *all = pc_malloc(cap);
    if (!all)
        return NULL;
    if (r->kept_text) {
        memcpy(all, r->kept_text, r->kept_len);
        len = r->kept_len;
        if (len && all[len - 1] != '\n')
            all[len++] = '\n';
    }
    for (int i = 0; i < s->nfiles; i++) {
        const ast_file *f = s->files[i];
        if (!f->ndecls)
            continue;
        size_t n = 0;
        char *text = fmt_render(f, &n);
        char *nb = text && len + n + 2 > cap ? pc_realloc(all, cap = (len + n + 2) * 2) : all;
        if (!text || !nb) {
            pc_free(text);
            pc_free(all);
            return NULL;
        }
        all = nb;
        if (len && n)
            all[len++] = '\n';   /* a blank line between the file's part and each entry's */
        memcpy(all + len, text, n);
        len += n;
        if (len && all[len - 1] != '\n')
            all[len++] = '\n';
        *ndecls += f->ndecls;
        pc_free(text);
    }
    *len_out = len;
    return all;
}

static void cmd_save(repl *r, const char *arg, size_t argoff)
{
    char path[4096];
    trim_copy(arg, path, sizeof path);
    if (!path[0]) {
        cmd_error(r, 0, 0, "usage: :save FILE (:save! FILE writes over an existing file)");
        return;
    }
    const char *why = r->force ? NULL : save_refusal(r, path);
    if (why) {
        cmd_error(r, col_of(r, argoff + strspn(arg, " \t")), 0,
                  "not saved: %s %s; :save! %s writes over it, :save NEW.plan writes a new file", path, why, path);
        return;
    }
    size_t len = 0;
    int ndecls = 0;
    char *all = session_text(r, &len, &ndecls);
    if (!all) {
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
        return;
    }
    char err[512];
    if (r->sandbox)
        out("not saved (sandbox): %zu bytes\n", len);
    else if (fileio_write_atomic(path, all, len, err, sizeof err) != 0)
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "%s", err);
    else {
        out("saved %d declaration%s%s to %s\n", ndecls, ndecls == 1 ? "" : "s",
               r->kept_text ? " after the text of the plan that did not load" : "", path);
        remember_file(r, path);
    }
    pc_free(all);
}

static void cmd_quit(repl *r, const char *arg, size_t argoff) { r->quit = 1; }


static void run_command(repl *r, const char *line)
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
    for (size_t i = 0; i < ncommands; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            cmd = &commands[i];
            nmatch = 1;
            break;
        }
        if (n && strncmp(commands[i].name, name, n) == 0) {   /* a unique prefix will do */
            cmd = &commands[i];
            nmatch++;
        }
    }
    if (strcmp(name, "q") == 0 || strcmp(name, "exit") == 0) {
        cmd = &commands[ncommands - 1];
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
        for (size_t i = 0; i < ncommands && i < 32; i++)
            names[i] = commands[i].name;
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)(wl < 63 ? wl : 63), p);
        const char *sug = nmatch > 1 ? NULL : diag_suggest(word, names, ncommands);
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

/* ---- completion ---- */

static const char *const keywords[] = {
    "plan", "agency", "indicator", "target", "responsible", "report", "task", "let", "alert",
    "title", "authority", "region", "issued", "baseline", "method", "unit", "lower", "higher", "is",
    "better", "dimensions", "by", "maintain", "from", "to", "decrease", "increase", "year", "for",
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
        for (size_t i = 0; i < ncommands; i++)
            cand_add(r, (what & CAND_COMMANDS) ? commands[i].colon_name : commands[i].name);
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
static char *word_break_hook(void)
{
    static char file_breaks[] = " \t\n\"'";
    return rl_line_buffer && is_file_command(rl_line_buffer) ? file_breaks : NULL;
}

static char **repl_complete(const char *text, int start, int end)
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
