/* repl_whatif.c — :set and :unset: what-if edits of the data, in memory only (files are
 * never changed), re-applied whenever the data is loaded again. */
#include "repl_int.h"
#include <math.h>
#include <readline/readline.h>

/* ---- :set, :unset ---- */

void cmd_set(repl *r, const char *arg, size_t argoff)
{
    char sw[512], yw[64], vw[128];
    const char *rest = next_word(arg, sw, sizeof sw);
    size_t soff = argoff + strspn(arg, " \t");
    if (!sw[0]) {
        if (!r->nedits)
            out("no what-if edits (:set SERIES YEAR VALUE makes one)\n");
        for (size_t i = 0; i < r->nedits; i++) {
            char pb[32], nb[64];
            const indicator *wi = r->s->plan ? resolve_indicator(r->s->plan, r->edits[i].ind) : NULL;
            ds_period_format(r->edits[i].period, pb, sizeof pb);
            out("%s %s = %s in %s\n", r->edits[i].label, pb,
                   fval(nb, sizeof nb, r->edits[i].value, wi && wi->has_unit ? &wi->u : NULL, -1), r->edits[i].region);
        }
        return;
    }
    const char *rest2 = next_word(rest, yw, sizeof yw);
    size_t yoff = (size_t)(rest - arg) + argoff + strspn(rest, " \t");
    next_word(rest2, vw, sizeof vw);
    size_t voff = (size_t)(rest2 - arg) + argoff + strspn(rest2, " \t");
    if (!yw[0] || !vw[0]) {
        cmd_error(r, 0, 0, "usage: :set SERIES YEAR VALUE (e.g. :set stunting 2024 16.9)");
        return;
    }
    const indicator *ind;
    const series_ref *sel;
    ast_file *f = parse_series_arg(r, soff, strlen(sw), &ind, &sel);
    if (!f)
        return;
    ds_period per;
    double v = NAN;
    char dk[512];
    uint32_t rid;
    const char *rname = NULL;
    if (ind->derived) {
        cmd_error(r, col_of(r, soff), col_of(r, soff + strlen(sw)) - 1,
                  "'%s' is derived from other indicators: set their values instead", ind->id.name);
    } else if (ds_period_parse(yw, strlen(yw), &per) != 0) {
        cmd_error(r, col_of(r, yoff), col_of(r, yoff + strlen(yw)) - 1,
                  "'%s' is not a year or period (2024, 2024S1, 2024Q3, 2024-06)", yw);
    } else {
        size_t n = strlen(vw);
        /* the value may carry the indicator's unit: 16.9% for a % indicator */
        const char *ustr = ind->has_unit ? ast_unit_str(&ind->u) : "";
        size_t ul = strlen(ustr);
        if (ul && ind->u.kind != UNIT_PER && n > ul && strcmp(vw + n - ul, ustr) == 0)
            n -= ul;
        if (strcmp(vw, "NA") == 0)
            v = NAN;
        else if (ds_parse_number(vw, n, &v) != 0) {
            cmd_error(r, col_of(r, voff), col_of(r, voff + strlen(vw)) - 1,
                      "'%s' is not a value: write a number in %s's unit%s%s, or NA", vw, ind->id.name,
                      ul ? ", " : "", ustr);
            ast_file_free(f);
            return;
        }
        if (sel_dimkey(sel, dk, sizeof dk) != 0)
            cmd_error(r, col_of(r, soff), col_of(r, soff + strlen(sw)) - 1, "the selector is too long");
        else
            rname = current_region(r, &rid);
    }
    if (!rname || !need_ds(r)) {
        ast_file_free(f);
        return;
    }
    /* the value it replaces, for the message */
    double old = NAN;
    int had = 0;
    const ds_series *se = ds_find(r->s->ds, ind->id.name, rname, dk);
    for (uint32_t i = 0; se && i < se->n; i++)
        if (se->obs[i].period == per) {
            old = se->obs[i].value;
            had = 1;
        }
    whatif *w = NULL;
    for (size_t i = 0; i < r->nedits && !w; i++)
        if (r->edits[i].period == per && strcmp(r->edits[i].ind, ind->id.name) == 0 &&
            strcmp(r->edits[i].region, rname) == 0 && strcmp(r->edits[i].dimkey, dk) == 0)
            w = &r->edits[i];
    if (!w) {
        if (PC_GROW(r->edits, r->edits_cap, r->nedits) < 0) {
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
            ast_file_free(f);
            return;
        }
        w = &r->edits[r->nedits];
        memset(w, 0, sizeof *w);
        w->ind = xstrdup(ind->id.name);
        w->region = xstrdup(rname);
        w->dimkey = xstrdup(dk);
        w->label = xstrdup(sw);
        w->period = per;
        if (!w->ind || !w->region || !w->dimkey || !w->label) {
            whatif_free(w);
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
            ast_file_free(f);
            return;
        }
        r->nedits++;
    }
    w->value = v;
    if (ds_set(r->s->ds, ind->id.name, rname, dk, per, v) != 0)
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
    session_drop_result(r->s);
    char nb[64], ob[64], pb[32];
    const unit *u = ind->has_unit ? &ind->u : NULL;
    ds_period_format(per, pb, sizeof pb);
    out("%s %s = %s in %s (what-if; was %s)\n", sw, pb, fval(nb, sizeof nb, v, u, -1), rname,
           had && !isnan(old) ? fval(ob, sizeof ob, old, u, -1) : "no value");
    ast_file_free(f);
}

void cmd_unset(repl *r, const char *arg, size_t argoff)
{
    char sw[512], yw[64];
    const char *rest = next_word(arg, sw, sizeof sw);
    if (!sw[0]) {
        size_t n = r->nedits;
        drop_edits(r);
        if (n && reload_data(r) != 0)
            return;
        out("%zu what-if edit%s undone\n", n, n == 1 ? "" : "s");
        return;
    }
    next_word(rest, yw, sizeof yw);
    size_t soff = argoff + strspn(arg, " \t");
    ds_period per = 0;
    if (yw[0] && ds_period_parse(yw, strlen(yw), &per) != 0) {
        size_t yoff = (size_t)(rest - arg) + argoff + strspn(rest, " \t");
        cmd_error(r, col_of(r, yoff), col_of(r, yoff + strlen(yw)) - 1, "'%s' is not a year or period", yw);
        return;
    }
    const indicator *ind;
    const series_ref *sel;
    ast_file *f = parse_series_arg(r, soff, strlen(sw), &ind, &sel);
    if (!f)
        return;
    char dk[512];
    size_t removed = 0;
    if (sel_dimkey(sel, dk, sizeof dk) == 0) {
        size_t k = 0;
        for (size_t i = 0; i < r->nedits; i++) {
            whatif *w = &r->edits[i];
            if (strcmp(w->ind, ind->id.name) == 0 && strcmp(w->dimkey, dk) == 0 &&
                (!r->region || strcmp(w->region, r->region) == 0) && (!per || w->period == per)) {
                whatif_free(w);
                removed++;
            } else {
                r->edits[k++] = *w;
            }
        }
        r->nedits = k;
    }
    ast_file_free(f);
    if (!removed) {
        out("no what-if edit of %s%s%s to undo\n", sw, yw[0] ? " " : "", yw);
        return;
    }
    if (reload_data(r) != 0)
        return;
    out("%zu what-if edit%s undone\n", removed, removed == 1 ? "" : "s");
}
