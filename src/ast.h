/* ast.h — the syntax tree of a .plan file, as the parser builds it.
 * Every node and string lives in the plan's arena; nothing here is freed one by one.
 * The tree says what was written; meaning (names resolved, ids generated) is resolve's. */
#ifndef PC_AST_H
#define PC_AST_H
#include "diag.h"
#include "mem.h"

typedef enum { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ } cmp_op;

/* How a unit was written; scale is what is compared (%: 100, ‰: 1000, per N: N, bare: 0). */
typedef enum { UNIT_BARE, UNIT_PERCENT, UNIT_PERMILLE, UNIT_PER } unit_kind;
typedef struct unit {
    unit_kind kind;
    double scale;
    const char *per_text;   /* UNIT_PER: the N as written */
} unit;

typedef struct quantity {
    double value;
    const char *text;       /* the number as written: "18.5" */
    int decimals;           /* digits after the point, for the tolerance of '=' */
    unit u;
    pc_loc loc;
} quantity;

typedef struct name_ref {   /* a name as written, with where */
    const char *name;
    pc_loc loc;
} name_ref;

typedef struct selector {   /* [area = "rural"] */
    name_ref dim;
    const char *value;
    pc_loc value_loc;
} selector;

typedef struct series_ref {
    name_ref ind;
    selector *sels;
    int nsels;
    pc_loc loc;
    struct indicator *resolved;   /* set by resolve */
} series_ref;

typedef struct date {
    int year, month, day;   /* year 0: a recurring day-month ("30 Nov"); day 0: a month ("issued 2024-02") */
    pc_loc loc;
} date;

/* ---- expressions ---- */
/* The deepest expression the parser accepts: a chain of 500 operators (a sum of 500 terms),
 * as deep as its brackets may go. Every walker of the tree (fmt, the checker, the
 * evaluator) may then recurse safely, with room to spare under AddressSanitizer. */
#define AST_MAX_EXPR_DEPTH 500
/* Through lets (a let's formula naming another let) the checker allows twice as deep. */
#define AST_MAX_CHAIN_DEPTH (2 * AST_MAX_EXPR_DEPTH)
/* An indicator declares at most 64 dimensions (ds_dimkey's limit; the checker says so). */
#define AST_MAX_DIMS 64
/* A derived indicator may use derived indicators 64 levels deep (the checker says so). */
#define AST_MAX_DERIVED_DEPTH 64
typedef enum {
    EX_NUM, EX_STR, EX_BOOL, EX_NA, EX_NAME, EX_SERIES, EX_BIN, EX_NOT, EX_NEG, EX_CALL, EX_AT
} expr_kind;
typedef enum {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR
} bin_op;

typedef struct expr expr;
/* What an EX_NAME (or a call's target argument) turned out to name (resolve). */
typedef enum { REF_NONE, REF_LET, REF_INDICATOR, REF_TARGET, REF_AGENCY, REF_STATUS } ref_kind;

struct expr {
    expr_kind kind;
    int depth;                             /* 1 for a leaf; the parser bounds it */
    pc_loc loc;
    ref_kind ref_kind;                     /* EX_NAME, EX_SERIES: set by resolve */
    void *ref;                             /* let_decl*, indicator*, target*, agency*; REF_STATUS: status+1 as intptr */
    union {
        quantity num;                      /* EX_NUM */
        const char *str;                   /* EX_STR */
        int boolean;                       /* EX_BOOL */
        name_ref name;                     /* EX_NAME: a let, indicator, target or agency */
        series_ref series;                 /* EX_SERIES: name[dim = "v", ...] */
        struct { bin_op op; expr *l, *r; } bin;
        expr *operand;                     /* EX_NOT, EX_NEG */
        struct { name_ref fn; expr **args; int nargs; } call;
        struct { expr *series; expr *year; } at;   /* EX_AT: series@year */
    } as;
};

/* ---- declarations ---- */
typedef enum { DIR_UNSET, DIR_LOWER, DIR_HIGHER } direction;
typedef enum { METHOD_CR, METHOD_PROJECTION, METHOD_AARR } method;

typedef struct plan_meta {
    const char *id;                    /* plan "77/KH-UBND" */
    const char *title, *authority, *region;
    date issued;                       /* year 0: not given */
    int baseline;                      /* 0: not given */
    int period_from, period_to;        /* period 2021 to 2030; 0: not given */
    pc_loc period_loc;
    method method;
    int has_method;
    pc_loc loc, baseline_loc, method_loc, region_loc;
} plan_meta;

typedef struct agency {
    name_ref id;
    const char *name;
} agency;

typedef struct indicator {
    name_ref id;
    const char *name;                  /* may be NULL */
    unit u;
    int has_unit;
    pc_loc unit_loc;
    direction dir;
    pc_loc dir_loc;
    name_ref *dims;
    int ndims;
    expr *derived;                     /* indicator imr = a / b * 1000 */
    int block_form;                    /* written with { } (for fmt) */
} indicator;

typedef enum { MS_BY, MS_MAINTAIN } milestone_kind;
typedef struct milestone {
    milestone_kind kind;
    cmp_op cmp;
    pc_loc cmp_loc;
    quantity q;
    int year;                          /* MS_BY: the deadline */
    int from, to;                      /* MS_MAINTAIN: 0 when not written */
    int win_from, win_to;              /* MS_MAINTAIN: the window in force — from/to, else the
                                          plan's period; 0: open (resolve) */
    pc_loc year_loc, from_loc, to_loc, loc;
    const char *id;                    /* "CT4/2025", "CT4/maintain" (resolve) */
    struct target *target;             /* back pointer (resolve) */
} milestone;

typedef enum { TG_MILESTONES, TG_RATE } target_kind;
typedef struct target {
    name_ref id;                       /* id.name NULL when not written */
    const char *label;
    series_ref series;
    target_kind kind;
    milestone *ms;                     /* TG_MILESTONES */
    int nms;
    /* TG_RATE: decrease/increase by lo [to hi] per year from from to to */
    int rate_increase;
    quantity rate_lo, rate_hi;
    int has_rate_hi;
    int rate_from, rate_to;
    pc_loc rate_from_loc, rate_to_loc;
    milestone rate_ms;                 /* the rate target seen as one milestone (resolve) */
    int baseline;                      /* target's own baseline year, 0 if none */
    pc_loc baseline_loc;
    const char *gen_id;                /* the id used everywhere: written or "T<n>" */
} target;

typedef struct responsible {
    name_ref lead;
    name_ref *co;                      /* joint leads after the first: responsible A, B for … */
    int nco;
    name_ref *refs;                    /* a ref named "plan" with is_plan set means the plan */
    int nrefs;
    name_ref *with;
    int nwith;
} responsible;

typedef enum { RP_YEARLY, RP_MONTHS, RP_ONCE } report_kind;
typedef struct report {
    report_kind kind;
    int months;                        /* RP_MONTHS: every N months */
    pc_loc months_loc;
    date *deadlines;
    int ndeadlines;
    int from_all;
    name_ref *from;
    int nfrom;
    name_ref to;
    name_ref via;                      /* optional: the body it goes through ("qua Sở …") */
    const char *label;
    const char *gen_id;                /* "R1", "R2", … in file order (resolve) */
} report;

typedef struct task {
    name_ref id;                       /* optional */
    const char *title;
    name_ref lead;                     /* lead.name NULL when not written */
    name_ref *with;
    int nwith;
    date due;                          /* year 0: none */
} task;

typedef struct let_decl {
    name_ref name;
    expr *value;
} let_decl;

typedef struct alert_decl {
    const char *message;
    expr *when;
    name_ref to;                       /* optional */
} alert_decl;

typedef struct test_expect {           /* expect CT4/2025 on_track */
    name_ref milestone;
    name_ref status;
    const char *region;                /* optional: in "Region" */
} test_expect;

typedef struct test_decl {             /* test "name" { as of 2024  data {...}  expect ... } */
    const char *name;
    int as_of;
    struct test_row { name_ref ind; const char *region; int year; quantity value; const char *dimkey; pc_loc loc; } *rows;
    int nrows;
    test_expect *expects;
    int nexpects;
} test_decl;

typedef enum {
    D_PLAN, D_AGENCY, D_INDICATOR, D_TARGET, D_RESPONSIBLE, D_REPORT, D_TASK, D_LET, D_ALERT, D_TEST
} decl_kind;

typedef struct decl decl;
struct decl {
    decl_kind kind;
    pc_loc loc;
    decl *next;
    union {
        plan_meta plan;
        agency agency;
        indicator indicator;
        target target;
        responsible responsible;
        report report;
        task task;
        let_decl let;
        alert_decl alert;
        test_decl test;
    } as;
};

/* A comment as the lexer saw it, kept for fmt. */
typedef struct comment {
    const char *text;        /* from '#' to the end of the line, without the newline */
    int line;
    int trailing;            /* a token stands before it on its line */
} comment;

/* One parsed source file. */
typedef struct ast_file {
    arena *arena;
    pc_source src;
    decl *decls, **tail;
    int ndecls;
    comment *comments;       /* in the arena; grown by the lexer */
    int ncomments, comments_cap;
    int nerrors;             /* syntax errors: a file with errors is not used */
    decl *tail_plan;         /* the last plan declaration (the parser fills its block) */
} ast_file;

const char *ast_cmp_str(cmp_op c);
const char *ast_unit_str(const unit *u);          /* "%", "‰", "per 1000", "" */
int ast_unit_equal(const unit *a, const unit *b);
const char *ast_method_str(method m);
const char *ast_decl_kind_str(decl_kind k);
const char *ast_month_name(int month);            /* "Jan" … "Dec" */

#endif
