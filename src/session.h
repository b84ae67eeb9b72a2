/* session.h — what a pc_session holds (private): the parsed files, the checked plan, the
 * dataset and the last evaluation. The CLI and the REPL use it directly; embedders use the
 * functions of include/plancheck/plancheck.h. */
#ifndef PC_SESSION_H
#define PC_SESSION_H
#include "plancheck/plancheck.h"
#include "diag.h"
#include "eval.h"
#include "parse.h"
#include "report.h"
#include "resolve.h"

struct pc_session {
    diag_sink diags;
    ast_file **files;
    int nfiles;
    size_t files_cap;
    pc_plan *plan;           /* NULL until a plan checked clean */
    dataset *ds;             /* NULL until data is loaded */
    char *data_path;
    eval_result result;
    int have_result;
};

/* Parse text as one more file of the session (the REPL adds entries this way) and check
 * the whole plan again. On errors the file is dropped and the previous plan stays.
 * Returns 0, -1 on errors (in s->diags). */
int session_add_text(pc_session *s, const char *name, const char *text, size_t len,
                     int line_offset, parse_mode mode, expr **expr_out);
/* Load data for the current plan (replaces any dataset). */
int session_load_data(pc_session *s, const char *path);
/* Load several files (merged; a key with two values in two files is an error naming both),
 * in a format (io NULL: recognised), then warn about what the plan finds no data for. */
struct import_opts;
int session_load_data_files(pc_session *s, const char *const *paths, size_t n,
                            const struct import_opts *io);
int session_evaluate(pc_session *s, const eval_options *opt);
void session_drop_result(pc_session *s);

#endif
