/* repl.h — the interactive front end (`plancheck repl`). Its entry point, repl_main, is
 * declared in cli.h (main.c calls it); this header names the few pieces tests may reuse.
 * The REPL changes no file except through :save, and keeps what-if edits in memory only. */
#ifndef PC_REPL_H
#define PC_REPL_H
#include "cli.h"

/* Where the history is kept: $XDG_STATE_HOME/plancheck/history when XDG_STATE_HOME is set,
 * else ~/.plancheck_history; NULL when neither can be named. pc_malloc'd. With create set,
 * the directory is made when missing. */
char *repl_history_path(int create);

/* The REPL without a terminal (what a pipe gets), one line at a time: for the fuzzer
 * (fuzz/fuzz_repl.c) and tests. Output goes to stdout, diagnostics to stderr. */
typedef struct repl repl;
repl *repl_open(pc_session *s);              /* NULL: out of memory */
/* File commands stay inside: :load reads plan_path, :data data_path (whatever is typed;
 * NULL: nothing), :save writes nothing. */
void repl_sandbox(repl *r, const char *plan_path, const char *data_path);
/* Load the session's plan from path as the REPL starts (repl_open's session has none yet):
 * on errors the plan's text is kept for :save and the session starts empty. 0, -1. */
int repl_start_plan(repl *r, const char *path);
int repl_feed(repl *r, const char *line);    /* one line, no newline; 1 once :quit ran */
int repl_close(repl *r);                     /* reports an unfinished entry, frees r; exit status */

#endif
