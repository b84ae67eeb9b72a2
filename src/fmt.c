/* fmt.c — the canonical layout of a parsed .plan file (`plancheck fmt`), every comment kept.
 * It reads the AST, the comment list and the source text and writes new text; it never
 * changes the AST, resolves no names, generates no ids, and is used only on files
 * without syntax errors.
 *
 * Layout rules (docs/language.md repeats them):
 *  1. One declaration per line, tokens separated by single spaces, in the order written.
 *  2. Blocks: a plan with any field, an indicator written with { }, and a task with any
 *     item are printed as blocks: the header ends in " {", one item per line indented by
 *     two spaces, "}" alone on the last line. Plan fields go in the order title,
 *     authority, region, issued, period, baseline, method; indicator items in the order unit,
 *     direction, dimensions, code, aggregate (inline indicators too); task items as "lead X with A, B"
 *     then "due DATE". An empty plan or task block is dropped ("plan \"x\"").
 *  3. Targets: `target [ID] ["label"]: series …` — the colon follows the label directly,
 *     otherwise it stands alone (`target CT16 : x …`, `target : x …`); milestones are
 *     joined by ", ".
 *  4. Numbers are printed as written (q.text); units as written: `17%`, `18.5‰`,
 *     `18.5 per 1000`. Strings are re-quoted with \" \\ \n \t escapes. Dates are ISO,
 *     recurring deadlines `30 Nov`. Selectors `x[area = "rural"]`. `series@YEAR`.
 *  5. Expressions get the fewest parentheses the precedence allows (loosest first: or,
 *     and, not, comparisons, + -, * /, unary -, @); a prefix `not`/`-` that would need
 *     a lower precedence than its place is parenthesized: `a < (not b)`, `(not a) + 1`.
 *  6. Blank lines: at most one between declarations; there is one between two
 *     declarations of different kinds, and one wherever the source had one or more blank
 *     lines between two top-level items (declarations and own-line comments). There are
 *     no blank lines inside a block.
 *  7. Comments: an own-line comment stays before the declaration that follows it (at the
 *     end of the file when none follows), in source order. Inside a block it stays
 *     before the item that followed it in the source (the closing brace included);
 *     inside a declaration printed on one line (a target or expression split over lines)
 *     it moves before that declaration. A trailing comment follows, after two spaces, the
 *     printed line holding what it trailed: for a block written over several lines, the
 *     item on its line (the header, or "}"); for anything written on one line, the
 *     declaration's first line. Several trailing comments on one printed line are joined.
 *  8. The output ends with one newline; an empty file stays empty.
 * fmt(fmt(x)) == fmt(x), and fmt's output parses to the same declarations and values. */
#include "fmt.h"
#include "mem.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- a growable text buffer ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = pc_realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n >= 0)
        sb_putn(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- the state of one rendering ---- */

/* One printed line of the declaration being rendered. */
typedef struct fline {
    size_t off, len;      /* its text in fmt_state.scratch */
    int indent;           /* 0, or 1 (two spaces) inside a block */
    int first, last;      /* the source lines its tokens came from (0: unknown) */
    int closing;          /* the closing brace of a block */
} fline;

typedef enum { C_LEAD, C_INNER, C_TRAIL, C_EOF } comment_role;

typedef struct fmt_state {
    const ast_file *f;
    sbuf out;             /* the result */
    sbuf scratch;         /* the lines of the declaration being rendered */
    fline *lines;
    size_t nlines, lines_cap;
    int open;             /* a line is being written */
    int *blank_before;    /* blank_before[l]: blank source lines among lines 1..l */
    int nsrc_lines;
    int prev_end;         /* source line where the previous top-level item ended (0: none) */
    int oom;
} fmt_state;

static sbuf *cur(fmt_state *F) { return &F->scratch; }

static void line_open(fmt_state *F, int indent, int first, int last)
{
    if (PC_GROW(F->lines, F->lines_cap, F->nlines) != 0) {
        F->oom = 1;
        return;
    }
    fline *l = &F->lines[F->nlines];
    l->off = F->scratch.len;
    l->len = 0;
    l->indent = indent;
    l->first = first;
    l->last = last;
    l->closing = 0;
    F->open = 1;
}

static void line_close(fmt_state *F)
{
    if (!F->open)
        return;
    F->open = 0;
    if (F->oom)
        return;
    fline *l = &F->lines[F->nlines++];
    l->len = F->scratch.len - l->off;
}

/* Source lines l with a < l < b that hold only white space. */
static int blank_between(const fmt_state *F, int a, int b)
{
    if (a < 0)
        a = 0;
    if (b > F->nsrc_lines + 1)
        b = F->nsrc_lines + 1;
    if (b - a < 2)
        return 0;
    return F->blank_before[b - 1] - F->blank_before[a] > 0;
}

/* ---- atoms ---- */

static void put_string(sbuf *b, const char *s)
{
    sb_putn(b, "\"", 1);
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '"': sb_putn(b, "\\\"", 2); break;
        case '\\': sb_putn(b, "\\\\", 2); break;
        case '\n': sb_putn(b, "\\n", 2); break;
        case '\t': sb_putn(b, "\\t", 2); break;
        default: sb_putn(b, p, 1);
        }
    }
    sb_putn(b, "\"", 1);
}

/* A unit after a number or after `unit`: "%", "‰", "per N" as written. */
static void put_unit(sbuf *b, const unit *u, int after_number)
{
    if (u->per_text) {
        sb_puts(b, after_number ? " per " : "per ");
        sb_puts(b, u->per_text);
    } else if (u->kind == UNIT_PERCENT) {
        sb_puts(b, "%");
    } else if (u->kind == UNIT_PERMILLE) {
        sb_puts(b, "‰");
    }
}

static void put_quantity(sbuf *b, const quantity *q)
{
    sb_puts(b, q->text ? q->text : "0");
    put_unit(b, &q->u, 1);
}

static void put_date(sbuf *b, const date *d)
{
    if (d->year && !d->day)
        sb_printf(b, "%04d-%02d", d->year, d->month);   /* a month-precision date */
    else if (d->year)
        sb_printf(b, "%04d-%02d-%02d", d->year, d->month, d->day);
    else
        sb_printf(b, "%d %s", d->day, ast_month_name(d->month));
}

static void put_names(sbuf *b, const name_ref *n, int count)
{
    for (int i = 0; i < count; i++) {
        if (i)
            sb_puts(b, ", ");
        sb_puts(b, n[i].name);
    }
}

static void put_series(sbuf *b, const series_ref *s)
{
    sb_puts(b, s->ind.name);
    if (s->nsels) {
        sb_puts(b, "[");
        for (int i = 0; i < s->nsels; i++) {
            if (i)
                sb_puts(b, ", ");
            sb_puts(b, s->sels[i].dim.name);
            sb_puts(b, " = ");
            put_string(b, s->sels[i].value);
        }
        sb_puts(b, "]");
    }
}

/* ---- expressions ---- */

enum { P_OR = 1, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_NEG, P_AT, P_ATOM };

static int bin_prec(bin_op op)
{
    switch (op) {
    case OP_OR: return P_OR;
    case OP_AND: return P_AND;
    case OP_ADD: case OP_SUB: return P_ADD;
    case OP_MUL: case OP_DIV: return P_MUL;
    default: return P_CMP;
    }
}

static const char *bin_str(bin_op op)
{
    static const char *const s[] = {"+", "-", "*", "/", "<", "<=", ">", ">=", "=", "!=", "and", "or"};
    return (unsigned)op < sizeof s / sizeof s[0] ? s[op] : "?";
}

static int expr_prec(const expr *e)
{
    switch (e->kind) {
    case EX_BIN: return bin_prec(e->as.bin.op);
    case EX_NOT: return P_NOT;
    case EX_NEG: return P_NEG;
    case EX_AT: return P_AT;
    default: return P_ATOM;
    }
}

/* Print e, in parentheses when it binds more loosely than min. */
static void put_expr(sbuf *b, const expr *e, int min)
{
    if (!e) {
        sb_puts(b, "NA");
        return;
    }
    int p = expr_prec(e);
    if (p < min)
        sb_puts(b, "(");
    switch (e->kind) {
    case EX_NUM: put_quantity(b, &e->as.num); break;
    case EX_STR: put_string(b, e->as.str); break;
    case EX_BOOL: sb_puts(b, e->as.boolean ? "true" : "false"); break;
    case EX_NA: sb_puts(b, "NA"); break;
    case EX_NAME: sb_puts(b, e->as.name.name); break;
    case EX_SERIES: put_series(b, &e->as.series); break;
    case EX_BIN:
        /* left-associative operators take an equal one on the left; comparisons chain on neither side */
        put_expr(b, e->as.bin.l, p == P_CMP ? p + 1 : p);
        sb_puts(b, " ");
        sb_puts(b, bin_str(e->as.bin.op));
        sb_puts(b, " ");
        put_expr(b, e->as.bin.r, p + 1);
        break;
    case EX_NOT:
        sb_puts(b, "not ");
        put_expr(b, e->as.operand, P_NOT);
        break;
    case EX_NEG:
        sb_puts(b, e->as.operand && e->as.operand->kind == EX_NEG ? "- " : "-");
        put_expr(b, e->as.operand, P_NEG);
        break;
    case EX_CALL:
        sb_puts(b, e->as.call.fn.name);
        sb_puts(b, "(");
        for (int i = 0; i < e->as.call.nargs; i++) {
            if (i)
                sb_puts(b, ", ");
            put_expr(b, e->as.call.args[i], 0);
        }
        sb_puts(b, ")");
        break;
    case EX_AT:
        put_expr(b, e->as.at.series, P_AT);
        sb_puts(b, "@");
        put_expr(b, e->as.at.year, P_ATOM);
        break;
    }
    if (p < min)
        sb_puts(b, ")");
}

/* ---- source helpers ---- */

static int is_word_byte(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* The line of keyword kw as a token inside d's text (skipping strings and comments); 0: none. */
static int keyword_line(const ast_file *f, const decl *d, const char *kw)
{
    const char *s = f->src.text;
    size_t i = d->loc.first_byte, end = d->loc.last_byte, n = strlen(kw);
    int line = d->loc.first_line;
    if (end > f->src.len)
        end = f->src.len;
    while (i < end) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            line++;
            i++;
        } else if (c == '#') {
            while (i < end && s[i] != '\n')
                i++;
        } else if (c == '"') {
            for (i++; i < end && s[i] != '"' && s[i] != '\n'; i++)
                if (s[i] == '\\' && i + 1 < end && s[i + 1] != '\n')
                    i++;
            if (i < end && s[i] == '"')
                i++;
        } else if (is_word_byte(c)) {
            size_t j = i;
            while (j < end && is_word_byte((unsigned char)s[j]))
                j++;
            if (j - i == n && memcmp(s + i, kw, n) == 0)
                return line;
            i = j;
        } else {
            i++;
        }
    }
    return 0;
}

/* A bare unit is written as a name (count, ratio, number): print the one written. */
static void put_bare_unit(fmt_state *F, const indicator *in)
{
    const char *s = F->f->src.text;
    size_t a = in->unit_loc.first_byte, z = in->unit_loc.last_byte;
    if (z > a && z <= F->f->src.len && z - a < 32) {
        int ok = 1;
        for (size_t i = a; i < z; i++)
            if (!isalpha((unsigned char)s[i]))
                ok = 0;
        if (ok) {
            sb_putn(cur(F), s + a, z - a);
            return;
        }
    }
    sb_puts(cur(F), "count");
}

/* ---- declarations: each becomes one or more lines in F->lines ---- */

static void block_item(fmt_state *F, int first, int last)
{
    line_close(F);
    line_open(F, 1, first, last ? last : first);
}

/* The header of a block spans the source lines before its first item. */
static void block_end(fmt_state *F, size_t header, const decl *d)
{
    line_close(F);
    if (F->oom)
        return;
    int min_item = 0;
    for (size_t i = header + 1; i < F->nlines; i++)
        if (F->lines[i].first && (!min_item || F->lines[i].first < min_item))
            min_item = F->lines[i].first;
    fline *h = &F->lines[header];
    h->last = min_item > d->loc.first_line ? min_item - 1 : d->loc.first_line;
    line_open(F, 0, d->loc.last_line, d->loc.last_line);
    sb_puts(cur(F), "}");
    if (!F->oom)
        F->lines[F->nlines].closing = 1;
    line_close(F);
}

static void render_plan(fmt_state *F, const decl *d)
{
    const plan_meta *m = &d->as.plan;
    sbuf *b = cur(F);
    int any = m->title || m->authority || m->region || m->issued.year || m->period_from || m->baseline ||
              m->has_method;
    size_t header = F->nlines;
    line_open(F, 0, d->loc.first_line, any ? d->loc.first_line : d->loc.last_line);
    sb_puts(b, "plan ");
    put_string(b, m->id);
    if (!any) {
        line_close(F);
        return;
    }
    sb_puts(b, " {");
    if (m->title) {
        block_item(F, keyword_line(F->f, d, "title"), 0);
        sb_puts(b, "title ");
        put_string(b, m->title);
    }
    if (m->authority) {
        block_item(F, keyword_line(F->f, d, "authority"), 0);
        sb_puts(b, "authority ");
        put_string(b, m->authority);
    }
    if (m->region) {
        block_item(F, m->region_loc.first_line, 0);
        sb_puts(b, "region ");
        put_string(b, m->region);
    }
    if (m->issued.year) {
        block_item(F, m->issued.loc.first_line, 0);
        sb_puts(b, "issued ");
        put_date(b, &m->issued);
    }
    if (m->period_from) {
        block_item(F, m->period_loc.first_line, 0);
        sb_printf(b, "period %d to %d", m->period_from, m->period_to);
    }
    if (m->baseline) {
        block_item(F, m->baseline_loc.first_line, 0);
        sb_printf(b, "baseline %d", m->baseline);
    }
    if (m->has_method) {
        block_item(F, m->method_loc.first_line, 0);
        sb_printf(b, "method %s", ast_method_str(m->method));
    }
    block_end(F, header, d);
}

static void render_indicator(fmt_state *F, const decl *d)
{
    const indicator *in = &d->as.indicator;
    sbuf *b = cur(F);
    size_t header = F->nlines;
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_puts(b, "indicator ");
    sb_puts(b, in->id.name);
    if (in->name) {
        sb_puts(b, " ");
        put_string(b, in->name);
    }
    if (in->derived) {
        sb_puts(b, " = ");
        put_expr(b, in->derived, 0);
    }
    if (in->block_form)
        sb_puts(b, " {");
    if (in->has_unit) {
        if (in->block_form)
            block_item(F, in->unit_loc.first_line, in->unit_loc.last_line);
        else
            sb_puts(b, " ");
        sb_puts(b, "unit ");
        if (in->u.kind == UNIT_BARE && !in->u.per_text)
            put_bare_unit(F, in);
        else
            put_unit(b, &in->u, 0);
    }
    if (in->dir) {
        if (in->block_form)
            block_item(F, in->dir_loc.first_line, in->dir_loc.last_line);
        else
            sb_puts(b, " ");
        sb_puts(b, in->dir == DIR_LOWER ? "lower is better" : "higher is better");
    }
    if (in->ndims) {
        if (in->block_form)
            block_item(F, in->dims[0].loc.first_line, in->dims[in->ndims - 1].loc.last_line);
        else
            sb_puts(b, " ");
        sb_puts(b, "dimensions ");
        put_names(b, in->dims, in->ndims);
    }
    if (in->ncodes) {
        if (in->block_form)
            block_item(F, in->codes[0].loc.first_line, in->codes[in->ncodes - 1].loc.last_line);
        else
            sb_puts(b, " ");
        sb_puts(b, "code ");
        for (int k = 0; k < in->ncodes; k++) {
            if (k)
                sb_puts(b, ", ");
            put_string(b, in->codes[k].name);
        }
    }
    if (in->agg) {
        static const char *const agg_words[] = {"", "sum", "mean", "last"};
        if (in->block_form)
            block_item(F, in->agg_loc.first_line, in->agg_loc.last_line);
        else
            sb_puts(b, " ");
        sb_puts(b, "aggregate ");
        sb_puts(b, agg_words[in->agg]);
    }
    if (in->block_form)
        block_end(F, header, d);
    else
        line_close(F);
}

static void put_milestone(sbuf *b, const milestone *m)
{
    sb_puts(b, ast_cmp_str(m->cmp));
    sb_puts(b, " ");
    put_quantity(b, &m->q);
    if (m->kind == MS_BY) {
        sb_printf(b, " by %d", m->year);
    } else {
        sb_puts(b, " maintain");
        if (m->from)
            sb_printf(b, " from %d", m->from);
        if (m->to)
            sb_printf(b, " to %d", m->to);
        if (m->has_within) {
            sb_puts(b, " within ");
            put_quantity(b, &m->within);
        }
    }
}

static void render_target(fmt_state *F, const decl *d)
{
    const target *t = &d->as.target;
    sbuf *b = cur(F);
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_puts(b, "target");
    if (t->id.name) {
        sb_puts(b, " ");
        sb_puts(b, t->id.name);
    }
    if (t->label) {
        sb_puts(b, " ");
        put_string(b, t->label);
    }
    if (t->stated) {
        sb_puts(b, " baseline ");
        put_quantity(b, &t->stated->q);
        sb_printf(b, " in %d", t->stated->year);
    }
    sb_puts(b, t->label || t->stated ? ": " : " : ");
    put_series(b, &t->series);
    if (t->kind == TG_RATE) {
        sb_puts(b, t->rate_increase ? " increase by " : " decrease by ");
        put_quantity(b, &t->rate_lo);
        if (t->has_rate_hi) {
            sb_puts(b, " to ");
            put_quantity(b, &t->rate_hi);
        }
        sb_printf(b, " per year from %d to %d", t->rate_from, t->rate_to);
    } else {
        for (int i = 0; i < t->nms; i++) {
            sb_puts(b, i ? ", " : " ");
            put_milestone(b, &t->ms[i]);
        }
    }
    if (t->baseline && !t->stated)
        sb_printf(b, " baseline %d", t->baseline);
    line_close(F);
}

static void render_responsible(fmt_state *F, const decl *d)
{
    const responsible *r = &d->as.responsible;
    sbuf *b = cur(F);
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_puts(b, "responsible ");
    sb_puts(b, r->lead.name);
    for (int i = 0; i < r->nco; i++) {
        sb_puts(b, ", ");
        sb_puts(b, r->co[i].name);
    }
    sb_puts(b, " for ");
    put_names(b, r->refs, r->nrefs);
    if (r->nwith) {
        sb_puts(b, " with ");
        put_names(b, r->with, r->nwith);
    }
    line_close(F);
}

static void render_report(fmt_state *F, const decl *d)
{
    const report *r = &d->as.report;
    sbuf *b = cur(F);
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_puts(b, "report ");
    if (r->kind == RP_YEARLY)
        sb_puts(b, "every year");
    else if (r->kind == RP_MONTHS)
        sb_printf(b, "every %d months", r->months);
    else
        sb_puts(b, "once");
    sb_puts(b, " by ");
    for (int i = 0; i < r->ndeadlines; i++) {
        if (i)
            sb_puts(b, ", ");
        put_date(b, &r->deadlines[i]);
    }
    sb_puts(b, " from ");
    if (r->from_all)
        sb_puts(b, "all");
    else
        put_names(b, r->from, r->nfrom);
    sb_puts(b, " to ");
    sb_puts(b, r->to.name);
    if (r->via.name) {
        sb_puts(b, " via ");
        sb_puts(b, r->via.name);
    }
    if (r->label) {
        sb_puts(b, " ");
        put_string(b, r->label);
    }
    line_close(F);
}

static void render_task(fmt_state *F, const decl *d)
{
    const task *t = &d->as.task;
    sbuf *b = cur(F);
    int any = t->lead.name || t->nwith || t->due.year;
    size_t header = F->nlines;
    line_open(F, 0, d->loc.first_line, any ? d->loc.first_line : d->loc.last_line);
    sb_puts(b, "task ");
    if (t->id.name) {
        sb_puts(b, t->id.name);
        sb_puts(b, " ");
    }
    put_string(b, t->title);
    if (!any) {
        line_close(F);
        return;
    }
    sb_puts(b, " {");
    if (t->lead.name || t->nwith) {
        int first = 0, last = 0;
        if (t->lead.name)
            first = last = t->lead.loc.first_line;
        if (t->nwith) {
            int wf = t->with[0].loc.first_line, wl = t->with[t->nwith - 1].loc.last_line;
            first = first && first < wf ? first : wf;
            last = last > wl ? last : wl;
        }
        block_item(F, first, last);
        if (t->lead.name) {
            sb_puts(b, "lead ");
            sb_puts(b, t->lead.name);
        }
        if (t->nwith) {
            sb_puts(b, t->lead.name ? " with " : "with ");
            put_names(b, t->with, t->nwith);
        }
    }
    if (t->due.year) {
        block_item(F, t->due.loc.first_line, t->due.loc.last_line);
        sb_puts(b, "due ");
        put_date(b, &t->due);
    }
    block_end(F, header, d);
}

static void render_let(fmt_state *F, const decl *d)
{
    sbuf *b = cur(F);
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_puts(b, "let ");
    sb_puts(b, d->as.let.name.name);
    sb_puts(b, " = ");
    put_expr(b, d->as.let.value, 0);
    line_close(F);
}

static void render_alert(fmt_state *F, const decl *d)
{
    const alert_decl *a = &d->as.alert;
    sbuf *b = cur(F);
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_puts(b, "alert ");
    put_string(b, a->message);
    sb_puts(b, " when ");
    put_expr(b, a->when, 0);
    if (a->to.name) {
        sb_puts(b, " to ");
        sb_puts(b, a->to.name);
    }
    line_close(F);
}

/* A declaration fmt has no layout for is copied as written (comments inside it included). */
static void render_verbatim(fmt_state *F, const decl *d)
{
    size_t a = d->loc.first_byte, z = d->loc.last_byte;
    if (z > F->f->src.len)
        z = F->f->src.len;
    while (z > a && isspace((unsigned char)F->f->src.text[z - 1]))
        z--;
    line_open(F, 0, d->loc.first_line, d->loc.last_line);
    sb_putn(cur(F), F->f->src.text + a, z > a ? z - a : 0);
    line_close(F);
}

static int is_verbatim(const decl *d) { return d->kind == D_TEST; }

static void render_decl(fmt_state *F, const decl *d)
{
    switch (d->kind) {
    case D_PLAN: render_plan(F, d); break;
    case D_AGENCY: {
        sbuf *b = cur(F);
        line_open(F, 0, d->loc.first_line, d->loc.last_line);
        sb_puts(b, "agency ");
        sb_puts(b, d->as.agency.id.name);
        if (d->as.agency.name) {
            sb_puts(b, " ");
            put_string(b, d->as.agency.name);
        }
        line_close(F);
        break;
    }
    case D_INDICATOR: render_indicator(F, d); break;
    case D_TARGET: render_target(F, d); break;
    case D_RESPONSIBLE: render_responsible(F, d); break;
    case D_REPORT: render_report(F, d); break;
    case D_TASK: render_task(F, d); break;
    case D_LET: render_let(F, d); break;
    case D_ALERT: render_alert(F, d); break;
    default: render_verbatim(F, d); break;
    }
}

/* ---- putting declarations and comments together ---- */

static void out_comment(fmt_state *F, const comment *c, int indent)
{
    if (indent)
        sb_puts(&F->out, "  ");
    sb_puts(&F->out, c->text);
    sb_puts(&F->out, "\n");
}

/* A blank line before the next top-level item, if one is due and something came before. */
static void out_separator(fmt_state *F, int blank)
{
    if (blank && F->out.len > 0)
        sb_puts(&F->out, "\n");
}

/* Where a trailing comment on source line L goes among the declaration's printed lines. */
static size_t trailing_line(const fmt_state *F, const decl *d, int L)
{
    if (F->nlines <= 1 || d->loc.first_line == d->loc.last_line)
        return 0;
    size_t best = (size_t)-1, closing = (size_t)-1;
    for (size_t i = 0; i < F->nlines; i++) {
        const fline *l = &F->lines[i];
        if (l->first > L || l->last < L || !l->first)
            continue;
        if (l->closing)
            closing = i;
        else
            best = i;
    }
    if (best != (size_t)-1)
        return best;
    return closing != (size_t)-1 ? closing : 0;
}

/* The printed line an own-line comment inside a block goes before: the one whose source
 * followed it most closely. (size_t)-1: none (the comment goes before the declaration). */
static size_t inner_line(const fmt_state *F, int L)
{
    if (F->nlines <= 1)
        return (size_t)-1;
    size_t best = (size_t)-1;
    for (size_t i = 0; i < F->nlines; i++) {
        const fline *l = &F->lines[i];
        if (l->first > L && (best == (size_t)-1 || l->first < F->lines[best].first))
            best = i;
    }
    return best;
}

/* Emit one declaration with its comments: cs[0..nc) are the comments assigned to it
 * (roles in role[]), in source order. prev_kind: the previous declaration's kind, or -1. */
static void emit_decl(fmt_state *F, const decl *d, int prev_kind, const comment *cs,
                      const comment_role *role, size_t nc)
{
    F->scratch.len = 0;
    F->nlines = 0;
    render_decl(F, d);
    if (F->scratch.oom)
        F->oom = 1;
    if (F->oom)
        return;
    size_t *where = nc ? pc_malloc(nc * sizeof *where) : NULL;
    if (nc && !where) {
        F->oom = 1;
        return;
    }
    int verbatim = is_verbatim(d);
    const size_t LEAD = (size_t)-1, DROP = (size_t)-2;
    for (size_t i = 0; i < nc; i++) {
        if (role[i] == C_LEAD)
            where[i] = LEAD;
        else if (verbatim && cs[i].line < d->loc.last_line)
            where[i] = DROP;   /* inside the copied text already */
        else if (role[i] == C_INNER)
            where[i] = inner_line(F, cs[i].line);
        else
            where[i] = trailing_line(F, d, cs[i].line);
    }

    /* comments before the declaration, then the declaration */
    int first_item = 1, last_line = F->prev_end;
    for (size_t i = 0; i < nc; i++) {
        if (where[i] != LEAD)
            continue;
        int blank = blank_between(F, last_line, cs[i].line);
        if (first_item && prev_kind >= 0 && prev_kind != (int)d->kind)
            blank = 1;
        out_separator(F, blank);
        out_comment(F, &cs[i], 0);
        first_item = 0;
        last_line = cs[i].line;
    }
    int blank = blank_between(F, last_line, d->loc.first_line);
    if (first_item && prev_kind >= 0 && prev_kind != (int)d->kind)
        blank = 1;
    out_separator(F, blank);

    for (size_t j = 0; j < F->nlines; j++) {
        const fline *l = &F->lines[j];
        for (size_t i = 0; i < nc; i++)
            if (role[i] == C_INNER && where[i] == j)
                out_comment(F, &cs[i], l->indent || l->closing);   /* inside the block */
        if (l->indent)
            sb_puts(&F->out, "  ");
        sb_putn(&F->out, F->scratch.p + l->off, l->len);
        int sep = 0;
        for (size_t i = 0; i < nc; i++)
            if (role[i] == C_TRAIL && where[i] == j) {
                sb_puts(&F->out, sep ? " " : "  ");
                sb_puts(&F->out, cs[i].text);
                sep = 1;
            }
        sb_puts(&F->out, "\n");
    }
    F->prev_end = d->loc.last_line;
    pc_free(where);
}

/* Count blank source lines, so blank_between is one subtraction. */
static int index_lines(fmt_state *F)
{
    const char *s = F->f->src.text;
    size_t n = F->f->src.len;
    int lines = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            lines++;
    F->nsrc_lines = lines;
    F->blank_before = pc_calloc((size_t)lines + 2, sizeof(int));
    if (!F->blank_before)
        return -1;
    int line = 1, blank = 1;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            F->blank_before[line] = F->blank_before[line - 1] + blank;
            line++;
            blank = 1;
        } else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            blank = 0;
        }
    }
    F->blank_before[lines + 1] = F->blank_before[lines];
    return 0;
}

char *fmt_render(const ast_file *f, size_t *len)
{
    fmt_state F;
    memset(&F, 0, sizeof F);
    F.f = f;
    if (len)
        *len = 0;

    size_t ndecls = 0;
    for (const decl *d = f->decls; d; d = d->next)
        ndecls++;
    size_t nc = (size_t)f->ncomments;
    const decl **ds = pc_malloc((ndecls ? ndecls : 1) * sizeof *ds);
    comment_role *role = pc_malloc((nc ? nc : 1) * sizeof *role);
    size_t *owner = pc_malloc((nc ? nc : 1) * sizeof *owner);
    if (!ds || !role || !owner || index_lines(&F) != 0) {
        F.oom = 1;
        goto done;
    }
    ndecls = 0;
    for (const decl *d = f->decls; d; d = d->next)
        ds[ndecls++] = d;

    /* 1. give every comment an owner (comments and declarations are both in source order) */
    size_t di = 0;
    for (size_t i = 0; i < nc; i++) {
        int L = f->comments[i].line;
        while (di < ndecls && ds[di]->loc.last_line < L)
            di++;
        if (di == ndecls) {
            owner[i] = ndecls;
            role[i] = C_EOF;
            continue;
        }
        size_t j = di;   /* the last declaration that covers line L */
        while (j + 1 < ndecls && ds[j + 1]->loc.first_line <= L)
            j++;
        if (f->comments[i].trailing && ds[j]->loc.first_line <= L) {
            owner[i] = j;
            role[i] = C_TRAIL;
        } else if (!f->comments[i].trailing && ds[di]->loc.first_line < L) {
            owner[i] = di;
            role[i] = C_INNER;
        } else {
            owner[i] = di;
            role[i] = C_LEAD;
        }
    }

    /* 2. print declarations with their comments */
    size_t ci = 0;
    int prev_kind = -1;
    for (size_t k = 0; k < ndecls && !F.oom; k++) {
        size_t cj = ci;
        while (cj < nc && owner[cj] == k)
            cj++;
        emit_decl(&F, ds[k], prev_kind, f->comments ? f->comments + ci : NULL, role ? role + ci : NULL, cj - ci);
        prev_kind = (int)ds[k]->kind;
        ci = cj;
    }
    /* 3. comments after the last declaration */
    for (; ci < nc && !F.oom; ci++) {
        out_separator(&F, blank_between(&F, F.prev_end, f->comments[ci].line));
        out_comment(&F, &f->comments[ci], 0);
        F.prev_end = f->comments[ci].line;
    }

done:
    pc_free(ds);
    pc_free(role);
    pc_free(owner);
    pc_free(F.lines);
    pc_free(F.scratch.p);
    pc_free(F.blank_before);
    if (F.oom || F.out.oom || F.scratch.oom) {
        pc_free(F.out.p);
        return NULL;
    }
    if (!F.out.p) {
        F.out.p = pc_malloc(1);
        if (!F.out.p)
            return NULL;
        F.out.p[0] = '\0';
    }
    if (len)
        *len = F.out.len;
    return F.out.p;
}
