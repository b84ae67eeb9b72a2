/* ast.c — small facts about AST nodes (names of operators, units, months) and the list
 * helpers the grammar actions use. It builds nothing itself and checks nothing. */
#include "ast.h"
#include "parse.h"
#include <string.h>

const char *ast_cmp_str(cmp_op c)
{
    switch (c) {
    case CMP_LT: return "<";
    case CMP_LE: return "<=";
    case CMP_GT: return ">";
    case CMP_GE: return ">=";
    default: return "=";
    }
}

const char *ast_unit_str(const unit *u)
{
    switch (u->kind) {
    case UNIT_PERCENT: return "%";
    case UNIT_PERMILLE: return "per 1000";
    case UNIT_PER:
        if (u->scale == 100000) return "per 100000";
        if (u->scale == 10000) return "per 10000";
        if (u->scale == 1000000) return "per 1000000";
        return u->per_text ? u->per_text : "per ?";   /* callers print "per " themselves */
    default: return "";
    }
}

int ast_unit_equal(const unit *a, const unit *b)
{
    return a->scale == b->scale;
}

const char *ast_method_str(method m)
{
    switch (m) {
    case METHOD_PROJECTION: return "projection";
    case METHOD_AARR: return "aarr";
    default: return "cr";
    }
}

const char *ast_decl_kind_str(decl_kind k)
{
    static const char *const names[] = {"plan", "agency", "indicator", "target", "responsible",
                                        "report", "task", "let", "alert", "test"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *ast_month_name(int month)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

void plist_push(parse_state *ps, plist *l, void *p)
{
    plist_node *n = arena_alloc(ps->a, sizeof *n);
    if (!n) {
        ps->oom = 1;
        return;
    }
    n->p = p;
    if (l->tail)
        l->tail->next = n;
    else
        l->head = n;
    l->tail = n;
    l->n++;
}

void **plist_array(parse_state *ps, const plist *l)
{
    void **a = arena_alloc(ps->a, sizeof(void *) * (size_t)(l->n ? l->n : 1));
    if (!a) {
        ps->oom = 1;
        return NULL;
    }
    int i = 0;
    for (plist_node *n = l->head; n; n = n->next)
        a[i++] = n->p;
    return a;
}
