/* parser.y — tokens to the AST of a .plan file (DESIGN.md §2). A pure parser with no
 * globals; errors go into the diagnostic sink with a located, teaching message, and
 * recovery resumes at the next declaration. Names are not looked up here (resolve.c). */
%code top {
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
}
%code requires {
#include "parse.h"
}
%code provides {
int pcyylex(PCYYSTYPE *lval, pc_loc *lloc, yyscan_t scanner);
}
%code {
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"

#define YYMALLOC pc_malloc
#define YYFREE pc_free
#define YYMAXDEPTH 2000

#define YYLLOC_DEFAULT(Cur, Rhs, N) do {                                  \
    if (N) {                                                              \
        (Cur).src = YYRHSLOC(Rhs, 1).src;                                 \
        (Cur).first_line = YYRHSLOC(Rhs, 1).first_line;                   \
        (Cur).first_column = YYRHSLOC(Rhs, 1).first_column;               \
        (Cur).first_byte = YYRHSLOC(Rhs, 1).first_byte;                   \
        (Cur).last_line = YYRHSLOC(Rhs, N).last_line;                     \
        (Cur).last_column = YYRHSLOC(Rhs, N).last_column;                 \
        (Cur).last_byte = YYRHSLOC(Rhs, N).last_byte;                     \
    } else {                                                              \
        (Cur) = YYRHSLOC(Rhs, 0);                                         \
        (Cur).first_line = (Cur).last_line;                               \
        (Cur).first_column = (Cur).last_column;                           \
        (Cur).first_byte = (Cur).last_byte;                               \
    }                                                                     \
} while (0)

static void perr(parse_state *ps, const pc_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static decl *mk_decl(parse_state *ps, decl_kind k, const pc_loc *loc);
static expr *mk_expr(parse_state *ps, expr_kind k, const pc_loc *loc);
static expr *mk_bin(parse_state *ps, bin_op op, expr *l, expr *r, const pc_loc *loc, const pc_loc *op_loc);
static expr *deepen(parse_state *ps, expr *e, const expr *a, const expr *b, const pc_loc *at);
static const expr *call_deepest(const expr *e);
static name_ref mk_name(const char *s, const pc_loc *loc);
static quantity mk_quantity(parse_state *ps, const char *num, const pc_loc *loc, unit_kind k, const char *per, const pc_loc *per_loc);
static int mk_year(parse_state *ps, const char *num, const pc_loc *loc);
static int mk_int(parse_state *ps, const char *num, const pc_loc *loc, const char *what, int lo, int hi);
static date mk_date(parse_state *ps, const char *text, const pc_loc *loc);
static date mk_day_month(parse_state *ps, const char *day, const pc_loc *dloc, const char *month, const pc_loc *mloc);
static name_ref *list_names(parse_state *ps, const plist *l, int *n);
static void *new_node(parse_state *ps, size_t n);
static void pcyyerror(const pc_loc *loc, yyscan_t scanner, parse_state *ps, const char *msg);
static void report_invalid(parse_state *ps, const pc_loc *loc);
static void plan_item(parse_state *ps, const char *what, const char **slot, const char *value, const pc_loc *loc);

#define CUR_PLAN (ps->file->tail_plan ? &ps->file->tail_plan->as.plan : &ps->dummy_plan)
#define NEW(T) ((T *)new_node(ps, sizeof(T)))
}

%define api.pure full
%define api.prefix {pcyy}
%define api.location.type {pc_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {parse_state *ps}

%union {
    const char *str;
    int num;
    quantity q;
    expr *ex;
    decl *d;
    plist list;
    milestone *ms;
    selector *sel;
    name_ref *nref;
    date *dt;
    cmp_op cmp;
    series_ref *series;
    unit *u;
}

%token START_FILE START_REPL
%token <str> IDENT "name" STRING "string" NUMBER "number" DATE "date" INVALID "invalid text"
%token <str> PLAN "plan" AGENCY "agency" INDICATOR "indicator" TARGET "target"
%token <str> RESPONSIBLE "responsible" REPORT "report" TASK "task" LET "let" ALERT "alert"
%token <str> TITLE "title" AUTHORITY "authority" REGION "region" ISSUED "issued"
%token <str> BASELINE "baseline" PERIOD "period" METHOD "method" UNIT "unit" LOWER "lower" HIGHER "higher"
%token <str> IS "is" BETTER "better" DIMENSIONS "dimensions" BY "by" MAINTAIN "maintain"
%token <str> FROM "from" TO "to" DECREASE "decrease" INCREASE "increase" YEAR "year"
%token <str> FOR "for" WITH "with" EVERY "every" MONTHS "months" ONCE "once" ALL "all"
%token <str> VIA "via" LEAD "lead" DUE "due" WHEN "when" AND "and" OR "or" NOT "not"
%token <str> TRUE "true" FALSE "false" NA "NA" PER "per" PER_N "per N"
%token LE "<=" GE ">=" EQEQ "==" NE "!=" PERMILLE "‰"

%left OR
%left AND
%precedence NOT
%nonassoc '<' LE '>' GE '=' EQEQ NE
%left '+' '-'
%left '*' '/'
%precedence UMINUS
%left '@'

/* An INVALID token (a bad byte, invalid UTF-8) that error recovery throws away is still
 * reported (the first of its line): bison would otherwise drop it silently after an
 * earlier syntax error. */
%destructor { if (ps->invalid_line != @$.first_line) report_invalid(ps, &@$); } INVALID

%type <d> decl plan_decl agency_decl indicator_decl target_decl responsible_decl report_decl
%type <d> task_decl let_decl alert_decl
%type <str> opt_string opt_ident
%type <q> quantity
%type <ex> expr opt_derived
%type <list> milestones selectors ident_list refs deadlines args opt_with report_from
%type <ms> milestone
%type <sel> selector
%type <nref> ref
%type <dt> deadline
%type <cmp> cmp
%type <series> series
%type <num> opt_from_year opt_to_year rate_dir
%type <u> unit_spec

%%

input
    : START_FILE decls
    | START_REPL decls
    | START_REPL expr        { ps->repl_expr = $2; }
    ;

decls
    : %empty
    | decls decl             { if ($2) { *ps->file->tail = $2; ps->file->tail = &$2->next; ps->file->ndecls++; } }
    | decls error
    ;

decl
    : plan_decl | agency_decl | indicator_decl | target_decl | responsible_decl
    | report_decl | task_decl | let_decl | alert_decl
    ;

/* ---- plan ---- */
plan_decl
    : PLAN STRING            <d>{ $$ = mk_decl(ps, D_PLAN, &@$); if ($$) { $$->as.plan.id = $2; $$->as.plan.loc = @$; } ps->decl_kw = NULL; }
      plan_block             { $$ = $3; if ($$) $$->loc = @$; }
    ;

plan_block
    : %empty
    | '{' plan_items '}'
    ;

plan_items
    : %empty
    | plan_items plan_item
    ;

plan_item
    : TITLE STRING           { plan_meta *m = CUR_PLAN; plan_item(ps, "title", &m->title, $2, &@$); }
    | AUTHORITY STRING       { plan_meta *m = CUR_PLAN; plan_item(ps, "authority", &m->authority, $2, &@$); }
    | REGION STRING          { plan_meta *m = CUR_PLAN; plan_item(ps, "region", &m->region, $2, &@$); m->region_loc = @2; }
    | ISSUED DATE            { plan_meta *m = CUR_PLAN;
                               if (m->issued.year) perr(ps, &@1, "'issued' is given twice in the plan block");
                               m->issued = mk_date(ps, $2, &@2); }
    | ISSUED NUMBER '-' NUMBER
                             { /* a month-precision date: "ngày … tháng 02 năm 2024" with the day left blank */
                               plan_meta *m = CUR_PLAN;
                               if (m->issued.year) perr(ps, &@1, "'issued' is given twice in the plan block");
                               pc_loc l = @2; l.last_line = @4.last_line; l.last_column = @4.last_column; l.last_byte = @4.last_byte;
                               int y = mk_year(ps, $2, &@2);
                               int mo = strlen($4) == 2 ? mk_int(ps, $4, &@4, "a month", 1, 12) : 0;
                               if (strlen($4) != 2) perr(ps, &@4, "'%s' is not a month: write the month with two digits, like %d-02", $4, y ? y : 2024);
                               memset(&m->issued, 0, sizeof m->issued);
                               if (y && mo) { m->issued.year = y; m->issued.month = mo; m->issued.loc = l; } }
    | PERIOD NUMBER TO NUMBER
                             { plan_meta *m = CUR_PLAN;
                               if (m->period_from) perr(ps, &@1, "'period' is given twice in the plan block");
                               m->period_from = mk_year(ps, $2, &@2); m->period_to = mk_year(ps, $4, &@4);
                               m->period_loc = @$;
                               if (m->period_from && m->period_to && m->period_from > m->period_to)
                                   perr(ps, &@4, "the period %d to %d runs backwards: write the earlier year first", m->period_from, m->period_to); }
    | BASELINE NUMBER        { plan_meta *m = CUR_PLAN;
                               if (m->baseline) perr(ps, &@1, "'baseline' is given twice in the plan block");
                               m->baseline = mk_year(ps, $2, &@2); m->baseline_loc = @2; }
    | METHOD IDENT           { plan_meta *m = CUR_PLAN;
                               if (m->has_method) perr(ps, &@1, "'method' is given twice in the plan block");
                               m->has_method = 1; m->method_loc = @2;
                               if (strcmp($2, "cr") == 0) m->method = METHOD_CR;
                               else if (strcmp($2, "projection") == 0) m->method = METHOD_PROJECTION;
                               else if (strcmp($2, "aarr") == 0) m->method = METHOD_AARR;
                               else perr(ps, &@2, "unknown method '%s': write cr, projection or aarr", $2); }
    ;

/* ---- agency ---- */
agency_decl
    : AGENCY IDENT opt_string
                             { $$ = mk_decl(ps, D_AGENCY, &@$); if ($$) { $$->as.agency.id = mk_name($2, &@2); $$->as.agency.name = $3; } }
    ;

/* ---- indicator ---- */
indicator_decl
    : INDICATOR IDENT opt_string opt_derived
                             <d>{ $$ = mk_decl(ps, D_INDICATOR, &@$); ps->cur_ind = $$ ? &$$->as.indicator : NULL;
                               if ($$) { $$->as.indicator.id = mk_name($2, &@2); $$->as.indicator.name = $3; $$->as.indicator.derived = $4; } }
      indicator_body         { $$ = $5; if ($$) $$->loc = @$; ps->cur_ind = NULL; }
    ;

opt_derived
    : %empty                 { $$ = NULL; }
    | '=' expr               { $$ = $2; }
    ;

indicator_body
    : ind_items
    | '{' ind_items '}'      { if (ps->cur_ind) ps->cur_ind->block_form = 1; }
    ;

ind_items
    : %empty
    | ind_items ind_item
    ;

ind_item
    : UNIT unit_spec         { indicator *in = ps->cur_ind;
                               if (in) { if (in->has_unit) perr(ps, &@1, "the unit of '%s' is given twice", in->id.name);
                                         if ($2) in->u = *$2; in->has_unit = 1; in->unit_loc = @2; } }
    | LOWER IS BETTER        { indicator *in = ps->cur_ind;
                               if (in) { if (in->dir) perr(ps, &@1, "the direction of '%s' is given twice", in->id.name);
                                         in->dir = DIR_LOWER; in->dir_loc = @$; } }
    | HIGHER IS BETTER       { indicator *in = ps->cur_ind;
                               if (in) { if (in->dir) perr(ps, &@1, "the direction of '%s' is given twice", in->id.name);
                                         in->dir = DIR_HIGHER; in->dir_loc = @$; } }
    | DIMENSIONS ident_list  { indicator *in = ps->cur_ind;
                               if (in) { if (in->ndims) perr(ps, &@1, "the dimensions of '%s' are given twice", in->id.name);
                                         in->dims = list_names(ps, &$2, &in->ndims); } }
    ;

unit_spec
    : '%'                    { $$ = NEW(unit); if ($$) { $$->kind = UNIT_PERCENT; $$->scale = 100; } }
    | PERMILLE               { $$ = NEW(unit); if ($$) { $$->kind = UNIT_PERMILLE; $$->scale = 1000; } }
    | PER_N NUMBER           { $$ = NEW(unit); quantity q = mk_quantity(ps, "1", &@$, UNIT_PER, $2, &@2); if ($$) *$$ = q.u; }
    | IDENT                  { $$ = NEW(unit); if ($$) $$->kind = UNIT_BARE;
                               if (strcmp($1, "count") != 0 && strcmp($1, "ratio") != 0 && strcmp($1, "number") != 0)
                                   perr(ps, &@1, "unknown unit '%s': write %%, ‰, per 1000 (any per N), or count for a plain number", $1); }
    ;

/* ---- target ---- */
target_decl
    : TARGET opt_ident opt_string ':' series
                             <d>{ $$ = mk_decl(ps, D_TARGET, &@$); ps->cur_target = $$ ? &$$->as.target : NULL;
                               if ($$) { target *t = &$$->as.target;
                                 if ($2) t->id = mk_name($2, &@2); else { t->id.loc = @1; }
                                 t->label = $3; if ($5) t->series = *$5; } }
      target_body opt_target_baseline
                             { $$ = $6; if ($$) $$->loc = @$; ps->cur_target = NULL; }
    ;

target_body
    : milestones             { target *t = ps->cur_target;
                               if (t) { t->kind = TG_MILESTONES; t->nms = $1.n;
                                 t->ms = arena_alloc(ps->a, sizeof(milestone) * (size_t)($1.n ? $1.n : 1));
                                 if (!t->ms) ps->oom = 1;
                                 else { int i = 0; for (plist_node *n = $1.head; n; n = n->next) t->ms[i++] = *(milestone *)n->p; } } }
    | rate_dir BY quantity TO quantity PER YEAR FROM NUMBER TO NUMBER
                             { target *t = ps->cur_target;
                               if (t) { t->kind = TG_RATE; t->rate_increase = $1; t->rate_lo = $3; t->rate_hi = $5; t->has_rate_hi = 1;
                                 t->rate_from = mk_year(ps, $9, &@9); t->rate_from_loc = @9;
                                 t->rate_to = mk_year(ps, $11, &@11); t->rate_to_loc = @11; } }
    | rate_dir BY quantity PER YEAR FROM NUMBER TO NUMBER
                             { target *t = ps->cur_target;
                               if (t) { t->kind = TG_RATE; t->rate_increase = $1; t->rate_lo = $3;
                                 t->rate_from = mk_year(ps, $7, &@7); t->rate_from_loc = @7;
                                 t->rate_to = mk_year(ps, $9, &@9); t->rate_to_loc = @9; } }
    ;

rate_dir
    : DECREASE               { $$ = 0; }
    | INCREASE               { $$ = 1; }
    ;

opt_target_baseline
    : %empty
    | BASELINE NUMBER        { if (ps->cur_target) { ps->cur_target->baseline = mk_year(ps, $2, &@2); ps->cur_target->baseline_loc = @2; } }
    ;

milestones
    : milestone              { $$ = (plist){0}; plist_push(ps, &$$, $1); }
    | milestones ',' milestone { $$ = $1; plist_push(ps, &$$, $3); }
    ;

milestone
    : cmp quantity BY NUMBER { $$ = NEW(milestone); if ($$) { $$->kind = MS_BY; $$->cmp = $1; $$->cmp_loc = @1; $$->q = $2;
                                 $$->year = mk_year(ps, $4, &@4); $$->year_loc = @4; $$->loc = @$; } }
    | cmp quantity MAINTAIN opt_from_year opt_to_year
                             { $$ = NEW(milestone); if ($$) { $$->kind = MS_MAINTAIN; $$->cmp = $1; $$->cmp_loc = @1; $$->q = $2;
                                 $$->from = $4; $$->from_loc = @4; $$->to = $5; $$->to_loc = @5; $$->loc = @$; } }
    ;

opt_from_year
    : %empty                 { $$ = 0; }
    | FROM NUMBER            { $$ = mk_year(ps, $2, &@2); @$ = @2; }
    ;

opt_to_year
    : %empty                 { $$ = 0; }
    | TO NUMBER              { $$ = mk_year(ps, $2, &@2); @$ = @2; }
    ;

cmp
    : '<'                    { $$ = CMP_LT; }
    | LE                     { $$ = CMP_LE; }
    | '>'                    { $$ = CMP_GT; }
    | GE                     { $$ = CMP_GE; }
    | '='                    { $$ = CMP_EQ; }
    ;

quantity
    : NUMBER                 { $$ = mk_quantity(ps, $1, &@$, UNIT_BARE, NULL, NULL); }
    | NUMBER '%'             { $$ = mk_quantity(ps, $1, &@$, UNIT_PERCENT, NULL, NULL); }
    | NUMBER PERMILLE        { $$ = mk_quantity(ps, $1, &@$, UNIT_PERMILLE, NULL, NULL); }
    | NUMBER PER_N NUMBER    { $$ = mk_quantity(ps, $1, &@$, UNIT_PER, $3, &@3); }
    ;

series
    : IDENT                  { $$ = NEW(series_ref); if ($$) { $$->ind = mk_name($1, &@1); $$->loc = @$; } }
    | IDENT '[' selectors ']'
                             { $$ = NEW(series_ref); if ($$) { $$->ind = mk_name($1, &@1); $$->loc = @$;
                                 $$->nsels = $3.n; $$->sels = arena_alloc(ps->a, sizeof(selector) * (size_t)$3.n);
                                 if ($$->sels) { int i = 0; for (plist_node *n = $3.head; n; n = n->next) $$->sels[i++] = *(selector *)n->p; }
                                 else ps->oom = 1; } }
    ;

selectors
    : selector               { $$ = (plist){0}; plist_push(ps, &$$, $1); }
    | selectors ',' selector { $$ = $1; plist_push(ps, &$$, $3); }
    ;

selector
    : IDENT '=' STRING       { $$ = NEW(selector); if ($$) { $$->dim = mk_name($1, &@1); $$->value = $3; $$->value_loc = @3; } }
    ;

/* ---- responsible ---- */
responsible_decl
    : RESPONSIBLE ident_list FOR refs opt_with
                             { $$ = mk_decl(ps, D_RESPONSIBLE, &@$);
                               if ($$) { responsible *r = &$$->as.responsible; int nl = 0;
                                 name_ref *leads = list_names(ps, &$2, &nl);
                                 if (leads && nl > 0) { r->lead = leads[0]; r->co = nl > 1 ? leads + 1 : NULL; r->nco = nl - 1; }
                                 r->refs = list_names(ps, &$4, &r->nrefs); r->with = list_names(ps, &$5, &r->nwith); } }
    ;

refs
    : ref                    { $$ = (plist){0}; plist_push(ps, &$$, $1); }
    | refs ',' ref           { $$ = $1; plist_push(ps, &$$, $3); }
    ;

ref
    : IDENT                  { $$ = NEW(name_ref); if ($$) *$$ = mk_name($1, &@1); }
    | PLAN                   { $$ = NEW(name_ref); if ($$) *$$ = mk_name("plan", &@1); }
    ;

opt_with
    : %empty                 { $$ = (plist){0}; }
    | WITH ident_list        { $$ = $2; }
    ;

ident_list
    : IDENT                  { $$ = (plist){0}; name_ref *r = NEW(name_ref); if (r) *r = mk_name($1, &@1); plist_push(ps, &$$, r); }
    | ident_list ',' IDENT   { $$ = $1; name_ref *r = NEW(name_ref); if (r) *r = mk_name($3, &@3); plist_push(ps, &$$, r); }
    ;

/* ---- report ---- */
report_decl
    : REPORT report_freq BY deadlines FROM report_from TO IDENT opt_via opt_string
                             { $$ = mk_decl(ps, D_REPORT, &@$);
                               if ($$) { report *r = &$$->as.report; *r = ps->cur_report;
                                 r->ndeadlines = $4.n; r->deadlines = arena_alloc(ps->a, sizeof(date) * (size_t)$4.n);
                                 if (r->deadlines) { int i = 0; for (plist_node *n = $4.head; n; n = n->next) r->deadlines[i++] = *(date *)n->p; }
                                 else ps->oom = 1;
                                 if ($6.n == 0) r->from_all = 1; else r->from = list_names(ps, &$6, &r->nfrom);
                                 r->to = mk_name($8, &@8); r->label = $10; }
                               memset(&ps->cur_report, 0, sizeof ps->cur_report); }
    ;

opt_via
    : %empty
    | VIA IDENT              { ps->cur_report.via = mk_name($2, &@2); }
    ;

report_freq
    : EVERY YEAR             { ps->cur_report.kind = RP_YEARLY; }
    | EVERY NUMBER MONTHS    { ps->cur_report.kind = RP_MONTHS; ps->cur_report.months_loc = @2;
                               ps->cur_report.months = mk_int(ps, $2, &@2, "a number of months", 1, 12);
                               if (ps->cur_report.months && 12 % ps->cur_report.months != 0)
                                   perr(ps, &@2, "every %d months does not divide the year: write 1, 2, 3, 4, 6 or 12", ps->cur_report.months); }
    | ONCE                   { ps->cur_report.kind = RP_ONCE; }
    ;

deadlines
    : deadline               { $$ = (plist){0}; plist_push(ps, &$$, $1); }
    | deadlines ',' deadline { $$ = $1; plist_push(ps, &$$, $3); }
    ;

deadline
    : DATE                   { $$ = NEW(date); if ($$) *$$ = mk_date(ps, $1, &@1); }
    | NUMBER IDENT           { $$ = NEW(date); if ($$) *$$ = mk_day_month(ps, $1, &@1, $2, &@2); }
    ;

report_from
    : ALL                    { $$ = (plist){0}; }
    | ident_list             { $$ = $1; }
    ;

/* ---- task ---- */
task_decl
    : TASK opt_ident STRING  <d>{ $$ = mk_decl(ps, D_TASK, &@$); ps->cur_task = $$ ? &$$->as.task : NULL;
                               if ($$) { if ($2) $$->as.task.id = mk_name($2, &@2); $$->as.task.title = $3; } }
      task_block             { $$ = $4; if ($$) $$->loc = @$; ps->cur_task = NULL; }
    ;

task_block
    : %empty
    | '{' task_items '}'
    ;

task_items
    : %empty
    | task_items task_item
    ;

task_item
    : LEAD IDENT             { task *t = ps->cur_task; if (t) { if (t->lead.name) perr(ps, &@1, "the task's lead is given twice"); t->lead = mk_name($2, &@2); } }
    | WITH ident_list        { task *t = ps->cur_task; if (t) { if (t->nwith) perr(ps, &@1, "the task's coordinators are given twice"); t->with = list_names(ps, &$2, &t->nwith); } }
    | DUE DATE               { task *t = ps->cur_task; if (t) { if (t->due.year) perr(ps, &@1, "the task's due date is given twice"); t->due = mk_date(ps, $2, &@2); } }
    ;

/* ---- let, alert ---- */
let_decl
    : LET IDENT '=' expr     { $$ = mk_decl(ps, D_LET, &@$); if ($$) { $$->as.let.name = mk_name($2, &@2); $$->as.let.value = $4; } }
    ;

alert_decl
    : ALERT STRING WHEN expr { $$ = mk_decl(ps, D_ALERT, &@$); if ($$) { $$->as.alert.message = $2; $$->as.alert.when = $4; } }
    | ALERT STRING WHEN expr TO IDENT
                             { $$ = mk_decl(ps, D_ALERT, &@$); if ($$) { $$->as.alert.message = $2; $$->as.alert.when = $4; $$->as.alert.to = mk_name($6, &@6); } }
    ;

/* ---- expressions ---- */
expr
    : quantity               { $$ = mk_expr(ps, EX_NUM, &@$); if ($$) $$->as.num = $1; }
    | STRING                 { $$ = mk_expr(ps, EX_STR, &@$); if ($$) $$->as.str = $1; }
    | TRUE                   { $$ = mk_expr(ps, EX_BOOL, &@$); if ($$) $$->as.boolean = 1; }
    | FALSE                  { $$ = mk_expr(ps, EX_BOOL, &@$); if ($$) $$->as.boolean = 0; }
    | NA                     { $$ = mk_expr(ps, EX_NA, &@$); }
    | IDENT                  { $$ = mk_expr(ps, EX_NAME, &@$); if ($$) $$->as.name = mk_name($1, &@1); }
    | IDENT '[' selectors ']'
                             { $$ = mk_expr(ps, EX_SERIES, &@$);
                               if ($$) { series_ref *s = &$$->as.series; s->ind = mk_name($1, &@1); s->loc = @$;
                                 s->nsels = $3.n; s->sels = arena_alloc(ps->a, sizeof(selector) * (size_t)$3.n);
                                 if (s->sels) { int i = 0; for (plist_node *n = $3.head; n; n = n->next) s->sels[i++] = *(selector *)n->p; }
                                 else ps->oom = 1; } }
    | IDENT '(' ')'          { $$ = mk_expr(ps, EX_CALL, &@$); if ($$) $$->as.call.fn = mk_name($1, &@1); }
    | IDENT '(' args ')'     { $$ = mk_expr(ps, EX_CALL, &@$);
                               if ($$) { $$->as.call.fn = mk_name($1, &@1); $$->as.call.nargs = $3.n;
                                 $$->as.call.args = (expr **)plist_array(ps, &$3); }
                               $$ = deepen(ps, $$, $$ ? call_deepest($$) : NULL, NULL, &@1); }
    | BASELINE '(' args ')'  { /* 'baseline' is also the plan's keyword; here it is the function */
                               $$ = mk_expr(ps, EX_CALL, &@$);
                               if ($$) { $$->as.call.fn = mk_name("baseline", &@1); $$->as.call.nargs = $3.n;
                                 $$->as.call.args = (expr **)plist_array(ps, &$3); }
                               $$ = deepen(ps, $$, $$ ? call_deepest($$) : NULL, NULL, &@1); }
    | '(' expr ')'           { $$ = $2; }
    | expr '@' expr          { $$ = mk_expr(ps, EX_AT, &@$); if ($$) { $$->as.at.series = $1; $$->as.at.year = $3; }
                               $$ = deepen(ps, $$, $1, $3, &@2); }
    | '-' expr %prec UMINUS  { $$ = mk_expr(ps, EX_NEG, &@$); if ($$) $$->as.operand = $2; $$ = deepen(ps, $$, $2, NULL, &@1); }
    | NOT expr               { $$ = mk_expr(ps, EX_NOT, &@$); if ($$) $$->as.operand = $2; $$ = deepen(ps, $$, $2, NULL, &@1); }
    | expr '+' expr          { $$ = mk_bin(ps, OP_ADD, $1, $3, &@$, &@2); }
    | expr '-' expr          { $$ = mk_bin(ps, OP_SUB, $1, $3, &@$, &@2); }
    | expr '*' expr          { $$ = mk_bin(ps, OP_MUL, $1, $3, &@$, &@2); }
    | expr '/' expr          { $$ = mk_bin(ps, OP_DIV, $1, $3, &@$, &@2); }
    | expr '<' expr          { $$ = mk_bin(ps, OP_LT, $1, $3, &@$, &@2); }
    | expr LE expr           { $$ = mk_bin(ps, OP_LE, $1, $3, &@$, &@2); }
    | expr '>' expr          { $$ = mk_bin(ps, OP_GT, $1, $3, &@$, &@2); }
    | expr GE expr           { $$ = mk_bin(ps, OP_GE, $1, $3, &@$, &@2); }
    | expr '=' expr          { $$ = mk_bin(ps, OP_EQ, $1, $3, &@$, &@2); }
    | expr EQEQ expr         { $$ = mk_bin(ps, OP_EQ, $1, $3, &@$, &@2); }
    | expr NE expr           { $$ = mk_bin(ps, OP_NE, $1, $3, &@$, &@2); }
    | expr AND expr          { $$ = mk_bin(ps, OP_AND, $1, $3, &@$, &@2); }
    | expr OR expr           { $$ = mk_bin(ps, OP_OR, $1, $3, &@$, &@2); }
    ;

args
    : expr                   { $$ = (plist){0}; plist_push(ps, &$$, $1); }
    | args ',' expr          { $$ = $1; plist_push(ps, &$$, $3); }
    ;

/* ---- small pieces ---- */
opt_string
    : %empty                 { $$ = NULL; }
    | STRING                 { $$ = $1; }
    ;

opt_ident
    : %empty                 { $$ = NULL; }
    | IDENT                  { $$ = $1; }
    ;

%%

static void *new_node(parse_state *ps, size_t n)
{
    void *p = arena_alloc(ps->a, n);
    if (!p)
        ps->oom = 1;
    return p;
}

static void perr(parse_state *ps, const pc_loc *loc, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_at(ps->diags, DIAG_ERROR, loc, "%s", buf);
    ps->nerrors++;
}

/* A declaration is allocated only as large as its kind needs: the union's largest member
 * (a target) is several times an agency's size, and a 1 MB plan has thousands of them.
 * Only the member of the declaration's own kind is ever accessed. */
static size_t decl_size(decl_kind k)
{
    size_t head = offsetof(decl, as);
    switch (k) {
    case D_PLAN: return head + sizeof(plan_meta);
    case D_AGENCY: return head + sizeof(agency);
    case D_INDICATOR: return head + sizeof(indicator);
    case D_TARGET: return head + sizeof(target);
    case D_RESPONSIBLE: return head + sizeof(responsible);
    case D_REPORT: return head + sizeof(report);
    case D_TASK: return head + sizeof(task);
    case D_LET: return head + sizeof(let_decl);
    case D_ALERT: return head + sizeof(alert_decl);
    default: return sizeof(decl);
    }
}

static decl *mk_decl(parse_state *ps, decl_kind k, const pc_loc *loc)
{
    decl *d = new_node(ps, decl_size(k));
    if (d) {
        d->kind = k;
        d->loc = *loc;
        if (k == D_PLAN)
            ps->file->tail_plan = d;
    }
    return d;
}

static expr *mk_expr(parse_state *ps, expr_kind k, const pc_loc *loc)
{
    expr *e = new_node(ps, sizeof(expr));
    if (e) {
        e->kind = k;
        e->depth = 1;
        e->loc = *loc;
    }
    return e;
}

/* Set e's depth from its children a and b; an expression that grows past the limit gets one
 * error, at the operator (at) that crossed it. */
static expr *deepen(parse_state *ps, expr *e, const expr *a, const expr *b, const pc_loc *at)
{
    if (!e)
        return e;
    int da = a ? a->depth : 0, db = b ? b->depth : 0;
    e->depth = 1 + (da > db ? da : db);
    if (e->depth == AST_MAX_EXPR_DEPTH + 1)
        perr(ps, at, "this expression nests more than %d operators deep: split it into lets, "
             "e.g. 'let part1 = a + b + c'", AST_MAX_EXPR_DEPTH);
    return e;
}

static const expr *call_deepest(const expr *e)
{
    const expr *d = NULL;
    for (int i = 0; i < e->as.call.nargs; i++)
        if (e->as.call.args && e->as.call.args[i] && (!d || e->as.call.args[i]->depth > d->depth))
            d = e->as.call.args[i];
    return d;
}

static expr *mk_bin(parse_state *ps, bin_op op, expr *l, expr *r, const pc_loc *loc, const pc_loc *op_loc)
{
    expr *e = mk_expr(ps, EX_BIN, loc);
    if (e) {
        e->as.bin.op = op;
        e->as.bin.l = l;
        e->as.bin.r = r;
    }
    return deepen(ps, e, l, r, op_loc);
}

static name_ref mk_name(const char *s, const pc_loc *loc)
{
    name_ref r;
    r.name = s;
    r.loc = *loc;
    return r;
}

static quantity mk_quantity(parse_state *ps, const char *num, const pc_loc *loc, unit_kind k,
                            const char *per, const pc_loc *per_loc)
{
    quantity q;
    memset(&q, 0, sizeof q);
    q.text = num;
    q.value = strtod(num, NULL);
    if (!isfinite(q.value))
        perr(ps, loc, "this number is too large: numbers go up to about 1.8e308");
    const char *dot = strchr(num, '.');
    q.decimals = dot ? (int)strlen(dot + 1) : 0;
    q.loc = *loc;
    q.u.kind = k;
    switch (k) {
    case UNIT_BARE: q.u.scale = 0; break;
    case UNIT_PERCENT: q.u.scale = 100; break;
    case UNIT_PERMILLE: q.u.scale = 1000; break;
    case UNIT_PER:
        q.u.per_text = per;
        q.u.scale = strtod(per, NULL);
        if (strchr(per, '.') || q.u.scale < 1 || !isfinite(q.u.scale))
            perr(ps, per_loc, "'per %s' is not a unit: write per 1000, per 100000 or another whole number", per);
        else if (q.u.scale == 100)
            q.u.kind = UNIT_PERCENT;
        else if (q.u.scale == 1000)
            q.u.kind = UNIT_PERMILLE;
        break;
    }
    return q;
}

static int mk_int(parse_state *ps, const char *num, const pc_loc *loc, const char *what, int lo, int hi)
{
    if (strchr(num, '.') || strlen(num) > 9) {
        perr(ps, loc, "'%s' is not %s: write a whole number from %d to %d", num, what, lo, hi);
        return 0;
    }
    int v = atoi(num);
    if (v < lo || v > hi) {
        perr(ps, loc, "'%s' is not %s: write a whole number from %d to %d", num, what, lo, hi);
        return 0;
    }
    return v;
}

static int mk_year(parse_state *ps, const char *num, const pc_loc *loc)
{
    return mk_int(ps, num, loc, "a year", 1900, 2200);
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && year != 0)
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
    return days[month - 1];
}

static date mk_date(parse_state *ps, const char *text, const pc_loc *loc)
{
    date d;
    memset(&d, 0, sizeof d);
    d.loc = *loc;
    int y = atoi(text), m = atoi(text + 5), day = atoi(text + 8);
    if (y < 1900 || y > 2200) {
        perr(ps, loc, "the year of date %s is out of range (1900 to 2200)", text);
        return d;
    }
    if (m < 1 || m > 12) {
        perr(ps, loc, "%s is not a date: there is no month %d (dates are YYYY-MM-DD)", text, m);
        return d;
    }
    if (day < 1 || day > days_in_month(y, m)) {
        perr(ps, loc, "%s is not a date: %s %d has %d days", text, ast_month_name(m), y, days_in_month(y, m));
        return d;
    }
    d.year = y;
    d.month = m;
    d.day = day;
    return d;
}

static const char *const month_full[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december"};

static date mk_day_month(parse_state *ps, const char *day, const pc_loc *dloc, const char *month, const pc_loc *mloc)
{
    date d;
    memset(&d, 0, sizeof d);
    d.loc = *dloc;
    d.loc.last_line = mloc->last_line;
    d.loc.last_column = mloc->last_column;
    d.loc.last_byte = mloc->last_byte;
    char low[16];
    size_t n = strlen(month);
    int m = 0;
    if (n < sizeof low) {
        for (size_t i = 0; i <= n; i++)
            low[i] = (char)tolower((unsigned char)month[i]);
        for (int i = 0; i < 12 && !m; i++)
            if (strcmp(low, month_full[i]) == 0 || (n == 3 && strncmp(low, month_full[i], 3) == 0) ||
                (i == 8 && strcmp(low, "sept") == 0))
                m = i + 1;
    }
    if (!m) {
        perr(ps, mloc, "'%s' is not a month: write Jan … Dec or January … December", month);
        return d;
    }
    int dd = mk_int(ps, day, dloc, "a day of the month", 1, 31);
    if (!dd)
        return d;
    if (dd > days_in_month(0, m)) {
        perr(ps, dloc, "%s has no day %d", ast_month_name(m), dd);
        return d;
    }
    d.month = m;
    d.day = dd;
    return d;
}

static name_ref *list_names(parse_state *ps, const plist *l, int *n)
{
    *n = l->n;
    if (!l->n)
        return NULL;
    name_ref *a = arena_alloc(ps->a, sizeof(name_ref) * (size_t)l->n);
    if (!a) {
        ps->oom = 1;
        *n = 0;
        return NULL;
    }
    int i = 0;
    for (plist_node *p = l->head; p; p = p->next)
        if (p->p)
            a[i++] = *(name_ref *)p->p;
    *n = i;
    return a;
}

static void plan_item(parse_state *ps, const char *what, const char **slot, const char *value, const pc_loc *loc)
{
    if (*slot)
        perr(ps, loc, "'%s' is given twice in the plan block", what);
    *slot = value;
}

/* ---- syntax errors that teach ---- */

static const char *const decl_hints[][2] = {
    {"PLAN", "a plan block reads: plan \"77/KH-UBND\" { title \"…\" region \"Bắc Giang\" issued 2024-12-27 baseline 2023 }"},
    {"AGENCY", "an agency reads: agency DOH \"Sở Y tế\""},
    {"INDICATOR", "an indicator reads: indicator stunting \"Tỷ lệ …\" unit % lower is better"},
    {"TARGET", "a target reads: target CT4 \"label\": stunting < 17% by 2025, < 12% by 2030"},
    {"RESPONSIBLE", "a responsibility reads: responsible DOH for CT4, stunting with DOLISA, DOET"},
    {"REPORT", "a report reads: report every year by 30 Nov from all to DOLISA"},
    {"TASK", "a task reads: task \"title\" { lead DOLISA with DOH due 2025-06-30 }"},
    {"LET", "a let reads: let gap = latest(stunting) - 17%"},
    {"ALERT", "an alert reads: alert \"message\" when change(stunting) > 0 to DOH"},
};

/* A token's name as a message shows it: keywords and punctuation in quotes. */
static void symbol_text(yysymbol_kind_t sym, char *buf, size_t len)
{
    const char *name = yysymbol_name(sym);
    int l = (int)strlen(name);
    if (l >= 2 && name[0] == '"') {
        name++;
        l -= 2;
    }
    if (name[0] == '\'' || strcmp(name, "name") == 0 || strncmp(name, "invalid", 7) == 0)
        snprintf(buf, len, "%.*s", l, name);
    else if (strncmp(name, "per N", 5) == 0)
        snprintf(buf, len, "'per'");
    else
        snprintf(buf, len, "'%.*s'", l, name);
}

static void describe_token(parse_state *ps, yysymbol_kind_t tok, const pc_loc *loc, char *buf, size_t len)
{
    const char *text = ps->file->src.text + loc->first_byte;
    size_t n = loc->last_byte > loc->first_byte ? loc->last_byte - loc->first_byte : 0;
    if (n > 40)
        n = 40;
    switch (tok) {
    case YYSYMBOL_YYEOF: snprintf(buf, len, "end of input"); break;
    case YYSYMBOL_IDENT: snprintf(buf, len, "name '%.*s'", (int)n, text); break;
    case YYSYMBOL_NUMBER: snprintf(buf, len, "number %.*s", (int)n, text); break;
    case YYSYMBOL_DATE: snprintf(buf, len, "date %.*s", (int)n, text); break;
    case YYSYMBOL_STRING: snprintf(buf, len, "string %.*s%s", (int)n, text, n == 40 ? "…" : ""); break;
    default:
        symbol_text(tok, buf, len);
    }
}

/* An INVALID token's message. Past MAX_INVALID_REPORTS errors, bad bytes that error
 * recovery discards are only counted (a binary file would otherwise give one per byte). */
#define MAX_INVALID_REPORTS 50
static void report_invalid(parse_state *ps, const pc_loc *loc)
{
    ps->nerrors++;
    ps->invalid_line = loc->first_line;
    if (ps->nerrors > MAX_INVALID_REPORTS)
        return;
    const char *t = ps->file->src.text + loc->first_byte;
    unsigned char c = (unsigned char)t[0];
    if (ps->invalid_msg)
        diag_at(ps->diags, DIAG_ERROR, loc, "%s", ps->invalid_msg);
    else if (c >= 0x80 && loc->last_byte - loc->first_byte == 1)
        diag_at(ps->diags, DIAG_ERROR, loc, "invalid UTF-8 byte 0x%02x: the file must be UTF-8 text", c);
    else if (c < 0x20 || c == 0x7f)
        diag_at(ps->diags, DIAG_ERROR, loc, "unexpected control character 0x%02x", c);
    else
        diag_at(ps->diags, DIAG_ERROR, loc, "unexpected character '%.*s'",
                (int)(loc->last_byte - loc->first_byte), t);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, parse_state *ps)
{
    (void)scanner;
    const pc_loc *loc = yypcontext_location(ctx);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    char what[160];
    ps->nerrors++;
    if (tok == YYSYMBOL_INVALID) {
        ps->nerrors--;   /* report_invalid counts it */
        report_invalid(ps, loc);
        return 0;
    }
    describe_token(ps, tok, loc, what, sizeof what);
    yysymbol_kind_t expected[6];
    int n = yypcontext_expected_tokens(ctx, expected, 6);
    char exp[400] = "";
    if (n > 0 && n <= 5) {
        size_t off = 0;
        for (int i = 0; i < n; i++) {
            char one[80];
            if (expected[i] == YYSYMBOL_YYEOF)
                snprintf(one, sizeof one, "end of input");
            else if (expected[i] == YYSYMBOL_IDENT)
                snprintf(one, sizeof one, "a name");
            else if (expected[i] == YYSYMBOL_NUMBER)
                snprintf(one, sizeof one, "a number");
            else if (expected[i] == YYSYMBOL_STRING)
                snprintf(one, sizeof one, "a string");
            else if (expected[i] == YYSYMBOL_DATE)
                snprintf(one, sizeof one, "a date (YYYY-MM-DD)");
            else
                symbol_text(expected[i], one, sizeof one);
            off += (size_t)snprintf(exp + off, sizeof exp - off, "%s%s",
                                    i == 0 ? "" : i == n - 1 ? " or " : ", ", one);
            if (off >= sizeof exp)
                break;
        }
    }
    if (exp[0])
        diag_at(ps->diags, DIAG_ERROR, loc, "unexpected %s; expected %s", what, exp);
    else
        diag_at(ps->diags, DIAG_ERROR, loc, "unexpected %s", what);
    int starts_decl = tok == YYSYMBOL_PLAN || tok == YYSYMBOL_AGENCY || tok == YYSYMBOL_INDICATOR ||
                      tok == YYSYMBOL_TARGET || tok == YYSYMBOL_RESPONSIBLE || tok == YYSYMBOL_REPORT ||
                      tok == YYSYMBOL_TASK || tok == YYSYMBOL_LET || tok == YYSYMBOL_ALERT;
    if ((tok == YYSYMBOL_YYEOF || starts_decl) && ps->nopen > 0) {
        const pc_loc *open = &ps->open_loc[ps->nopen - 1 < 63 ? ps->nopen - 1 : 63];
        diag_at(ps->diags, DIAG_NOTE, open, "to match this '%c'", ps->file->src.text[open->first_byte]);
    }
    if (ps->decl_kw)
        for (size_t i = 0; i < sizeof decl_hints / sizeof decl_hints[0]; i++)
            if (strcmp(ps->decl_kw, decl_hints[i][0]) == 0) {
                diag_at(ps->diags, DIAG_NOTE, &ps->decl_loc, "%s", decl_hints[i][1]);
                break;
            }
    return 0;
}

static void pcyyerror(const pc_loc *loc, yyscan_t scanner, parse_state *ps, const char *msg)
{
    (void)scanner;
    ps->nerrors++;
    if (strcmp(msg, "memory exhausted") == 0 && !ps->oom)
        diag_at(ps->diags, DIAG_ERROR, loc, "too deeply nested: plancheck reads at most %d levels of brackets", YYMAXDEPTH / 4);
    else
        diag_at(ps->diags, DIAG_ERROR, loc, "%s", msg);
}

ast_file *parse_text(const char *name, const char *text, size_t len, int line_offset,
                     parse_mode mode, diag_sink *diags, expr **expr_out)
{
    if (expr_out)
        *expr_out = NULL;
    arena *a = arena_new();
    if (!a)
        return NULL;
    ast_file *f = arena_alloc(a, sizeof *f);
    char *buf = f ? arena_alloc(a, len + 2) : NULL;
    char *nm = buf ? arena_strdup(a, name) : NULL;
    if (!nm) {
        arena_free(a);
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {   /* a byte-order mark */
        text += 3;
        len -= 3;
    }
    memcpy(buf, text, len);
    buf[len] = buf[len + 1] = '\0';
    /* a lone CR (old Mac text) ends a line as LF does: one byte for one, so every offset,
     * line and column stays right, for the lexer and for the source lines of diagnostics */
    for (char *cr = memchr(buf, '\r', len); cr; cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - buf)))
        if (cr[1] != '\n')
            *cr = '\n';
    f->arena = a;
    f->src.name = nm;
    f->src.text = buf;
    f->src.len = len;
    f->src.line_offset = line_offset;
    f->tail = &f->decls;

    parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.file = f;
    ps.a = a;
    ps.diags = diags;
    ps.mode = mode;
    ps.line = 1;
    ps.col = 1;

    /* the lexer scans in place and needs a buffer of its own: yy_scan_buffer writes into it */
    char *scan = pc_malloc(len + 2);
    yyscan_t scanner;
    if (!scan || lex_init(&ps, &scanner, (memcpy(scan, buf, len), scan[len] = scan[len + 1] = '\0', scan), len + 2) != 0) {
        pc_free(scan);
        arena_free(a);
        return NULL;
    }
    ps.scan_end = scan + len;
    int rc = pcyyparse(scanner, &ps);
    lex_destroy(scanner);
    pc_free(scan);
    if (ps.oom || rc == 2) {
        if (ps.oom) {
            arena_free(a);
            return NULL;
        }
    }
    f->nerrors = ps.nerrors + (rc != 0 && ps.nerrors == 0);
    if (expr_out && f->nerrors == 0)
        *expr_out = ps.repl_expr;
    return f;
}

void ast_file_free(ast_file *f)
{
    if (f)
        arena_free(f->arena);
}
