/* cli.h — what main.c shares with the REPL: colour choice, the options that `eval` and
 * `repl` both take (one parser in main.c reads them for both), and the REPL entry point. */
#ifndef PC_CLI_H
#define PC_CLI_H
#include "session.h"

typedef enum { CLI_LANG_AUTO = 0, CLI_LANG_EN, CLI_LANG_VI } cli_lang;

/* The options of a run, as `eval` and `repl` share them. */
typedef struct cli_options {
    const char *plan;        /* FILE (NULL: none; the REPL starts empty) */
    const char *data;        /* --data (NULL: none; "-": standard input) */
    int as_of;               /* --as-of YEAR (0: the latest year with data) */
    const char *region;      /* --region NAME (NULL: the default region) */
    int all_regions;         /* --all-regions */
    cli_lang lang;           /* --lang vi|en (AUTO: from the locale) */
} cli_options;

int cli_color(FILE *f);   /* colour on a TTY, unless NO_COLOR is set */
int repl_main(pc_session *s, const cli_options *o);
#endif
