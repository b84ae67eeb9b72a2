/* cli.h — what main.c shares with the REPL: colour choice and the REPL entry point. */
#ifndef PC_CLI_H
#define PC_CLI_H
#include "session.h"

int cli_color(FILE *f);   /* colour on a TTY, unless NO_COLOR is set */
int repl_main(pc_session *s, const char *plan_path, const char *data_path);
#endif
