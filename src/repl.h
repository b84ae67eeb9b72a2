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

#endif
