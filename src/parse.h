/* parse.h — what the lexer and the parser share, and the parser's entry point.
 * Parsing builds an ast_file (arena-owned) and records syntax errors in a diag sink;
 * it never prints. A file with syntax errors must not be used past this stage. */
#ifndef PC_PARSE_H
#define PC_PARSE_H
#include "ast.h"
#include <setjmp.h>

typedef void *yyscan_t;

typedef enum { PARSE_FILE, PARSE_REPL } parse_mode;

typedef struct plist_node { void *p; struct plist_node *next; } plist_node;
typedef struct plist { plist_node *head, *tail; int n; } plist;

typedef struct parse_state {
    ast_file *file;
    arena *a;
    diag_sink *diags;
    parse_mode mode;
    int start_sent;          /* the lexer has sent the start token for the mode */
    /* lexer position: the next character's line, column and byte */
    int line, col;
    size_t byte;
    int last_token_line;     /* line of the last token (a comment after it is trailing) */
    int nesting;             /* open ( [ { */
    const char *decl_kw;     /* keyword of the declaration being read, for hints */
    pc_loc decl_loc;
    expr *repl_expr;         /* PARSE_REPL: an expression entry */
    int nerrors;
    int oom;
    const char *invalid_msg; /* the lexer's explanation of its last INVALID token */
    int invalid_line;        /* line of the last INVALID token reported (one per line) */
    pc_loc open_loc[64];     /* where the innermost open brackets are */
    int nopen;
    /* the declaration being built, for the actions of its parts */
    indicator *cur_ind;
    target *cur_target;
    task *cur_task;
    report cur_report;
    plan_meta dummy_plan;
    jmp_buf lex_jmp;         /* lex_init's way back from flex's fatal error */
    int lex_jmp_set;
    void *lex_last_alloc;
    const char *scan_end;    /* one past the last byte of input in the scan buffer */    /* lex_init's last allocation, freed if flex gives up */
} parse_state;

/* Parse text (copied into the file's arena). mode PARSE_REPL also accepts one bare
 * expression (returned in *expr_out). Returns NULL only when out of memory; otherwise
 * the file, with file->nerrors syntax errors recorded in diags. */
ast_file *parse_text(const char *name, const char *text, size_t len, int line_offset,
                     parse_mode mode, diag_sink *diags, expr **expr_out);
void ast_file_free(ast_file *f);

/* Is this REPL input unfinished (an open bracket or string, or a line ending in a way
 * that needs more)? Used for continuation prompts. */
int parse_incomplete(const char *text, size_t len);

/* What one pass over an entry's lines tells without parsing (incomplete.c): open brackets,
 * and whether the last token asks for more (an operator, ',', ':', 'and', …). The REPL keeps
 * it line by line, so that a long unfinished entry is not parsed again at every line. */
typedef struct entry_scan {
    int depth;          /* ( [ { still open */
    int wants_more;     /* the last token cannot end an entry */
    int odd;            /* an unterminated string or a stray closing bracket: parse now */
} entry_scan;
void entry_scan_line(entry_scan *st, const char *line, size_t len);
/* Surely unfinished: more lines are needed whatever they hold (barring an error earlier). */
int entry_scan_unfinished(const entry_scan *st);

/* Lexer entry points (grammar/lexer.l). */
int lex_init(parse_state *ps, yyscan_t *scanner, char *buf, size_t len_with_two_nuls);
void lex_destroy(yyscan_t scanner);

/* Helpers the grammar actions use (src/ast.c). */
void plist_push(parse_state *ps, plist *l, void *p);
void **plist_array(parse_state *ps, const plist *l);
#endif
