/* repl_int.h — what the files of the REPL share (repl.c, repl_print.c, repl_commands.c,
 * repl_explain.c, repl_plot.c, repl_who.c, repl_whatif.c, repl_save.c, repl_complete.c): the
 * session state, the command table, the output helpers. Private to them; repl.h is its face. */
#ifndef PC_REPL_INT_H
#define PC_REPL_INT_H

#include "repl.h"
#include <stdio.h>
#include <sys/stat.h>

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

typedef struct command {
    const char *name;
    const char *colon_name;  /* ":help", for completion */
    void (*run)(repl *r, const char *arg, size_t argoff);
    const char *usage;
    const char *summary;
    const char *detail;
} command;

/* readline's callbacks take no user pointer: the REPL they serve (repl.c sets it). */
extern repl *rl_ctx;

extern const command repl_commands[];   /* every :command, in :help's order */
extern const size_t repl_ncommands;

void out(const char *fmt, ...);
const char *safe(const char *s, char *buf, size_t len);
int finish(repl *r, int failed);
void cmd_error(repl *r, int col, int end_col, const char *fmt, ...);
int col_of(const repl *r, size_t off);
char *xstrdup(const char *s);
const char *fnum(char *buf, size_t len, double x, int digits);
const char *fval(char *buf, size_t len, double x, const unit *u, int digits);
const char *fquantity(char *buf, size_t len, const quantity *q);
const char *fseries(char *buf, size_t len, const series_ref *s);
const char *fgoal(char *buf, size_t len, const milestone *m);
const char *fdate(char *buf, size_t len, date d);
dataset *need_ds(repl *r);
const char *current_region(repl *r, uint32_t *id);
int current_as_of(const repl *r);
int ensure_result(repl *r);
void whatif_free(whatif *w);
void drop_edits(repl *r);
int reload_data(repl *r);
const char *next_word(const char *s, char *word, size_t len);
void trim_copy(const char *s, char *out, size_t len);
ast_file *parse_series_arg(repl *r, size_t off, size_t len, const indicator **ind, const series_ref **sel);
int sel_dimkey(const series_ref *sel, char *buf, size_t len);
void remember_file(repl *r, const char *path);
void drop_kept(repl *r);
int load_start_plan(repl *r, const char *path);
void print_plan_summary(const pc_plan *p, const char *path);
void print_data_summary(const dataset *ds, const char *path);
const agency *agency_arg(repl *r, const char *word, size_t off);
int owner_has(const ms_owner *o, const agency *a, int *lead);
void cmd_explain(repl *r, const char *arg, size_t argoff);
void cmd_plot(repl *r, const char *arg, size_t argoff);
void cmd_who(repl *r, const char *arg, size_t argoff);
void cmd_set(repl *r, const char *arg, size_t argoff);
void cmd_unset(repl *r, const char *arg, size_t argoff);
void cmd_save(repl *r, const char *arg, size_t argoff);
void cmd_quit(repl *r, const char *arg, size_t argoff);
void run_command(repl *r, const char *line);
char *word_break_hook(void);
char **repl_complete(const char *text, int start, int end);

#endif
