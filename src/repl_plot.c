/* repl_plot.c — :plot: a series charted by year in text, with its targets' thresholds. */
#include "repl_int.h"
#include "numfmt.h"
#include <math.h>
#include <readline/readline.h>

/* ---- :plot ---- */

#define PLOT_H 12
#define PLOT_W 48

/* The grid row of value v between lo (bottom) and hi (top), whatever their size: the halves
 * keep hi - lo finite near DBL_MAX; the row is clamped to the grid. */
static int plot_row(double lo, double hi, double v)
{
    double f = (hi / 2 - v / 2) / (hi / 2 - lo / 2) * (PLOT_H - 1);
    if (!(f >= 0))
        return 0;
    return f > PLOT_H - 1 ? PLOT_H - 1 : (int)lround(f);
}

typedef struct plot_line {
    double v;
    char label[64];
} plot_line;

static int same_series(const series_ref *a, const series_ref *b)
{
    char ka[512], kb[512];
    if (sel_dimkey(a, ka, sizeof ka) != 0 || sel_dimkey(b, kb, sizeof kb) != 0)
        return 0;
    return strcmp(ka, kb) == 0;
}

void cmd_plot(repl *r, const char *arg, size_t argoff)
{
    char word[512];
    next_word(arg, word, sizeof word);
    size_t off = argoff + strspn(arg, " \t");
    if (!word[0]) {
        cmd_error(r, 0, 0, "usage: :plot SERIES (e.g. :plot stunting)");
        return;
    }
    const indicator *ind;
    const series_ref *sel;
    ast_file *f = parse_series_arg(r, off, strlen(word), &ind, &sel);
    if (!f)
        return;
    uint32_t rid;
    const char *rname = current_region(r, &rid);
    arena *a = arena_new();
    ds_yearly y;
    memset(&y, 0, sizeof y);
    int as_of = current_as_of(r);
    if (!rname || !a || !need_ds(r) ||
        eval_series(r->s->plan, r->s->ds, ind, sel, rid, as_of ? as_of : 9999, a, &y) != 0) {
        if (rname)
            diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
        arena_free(a);
        ast_file_free(f);
        return;
    }
    const pc_plan *p = r->s->plan;
    const unit *u = ind->has_unit ? &ind->u : NULL;
    char sb[256];
    series_ref whole;
    memset(&whole, 0, sizeof whole);
    whole.ind.name = ind->id.name;
    fseries(sb, sizeof sb, sel ? sel : &whole);
    if (!y.n) {
        out("%s: no data in %s%s\n", sb, rname, r->as_of ? " up to the as-of year" : "");
        arena_free(a);
        ast_file_free(f);
        return;
    }
    /* the milestones on this series: their thresholds are the target lines */
    plot_line lines[8];
    int nlines = 0, y0 = y.years[0], y1 = y.years[y.n - 1];
    for (int i = 0; i < p->nmilestones && nlines < 8; i++) {
        const milestone *m = p->milestones[i];
        const target *t = m->target;
        if (t->kind == TG_RATE || t->series.resolved != ind || !same_series(&t->series, sel ? sel : &whole))
            continue;
        char gb[160];
        lines[nlines].v = m->q.value;
        snprintf(lines[nlines].label, sizeof lines[nlines].label, "%s %s", m->id, fgoal(gb, sizeof gb, m));
        nlines++;
        if (m->kind == MS_BY && m->year > y1 && m->year - y0 < PLOT_W)
            y1 = m->year;
    }
    int nyears = y1 - y0 + 1;
    if (nyears > PLOT_W) {
        y0 = y1 - PLOT_W + 1;
        nyears = PLOT_W;
    }
    int cw = PLOT_W / nyears;   /* columns per year */
    if (cw > 6)
        cw = 6;
    int width = cw * nyears;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < y.n; i++)
        if (y.years[i] >= y0) {
            lo = fmin(lo, y.values[i]);
            hi = fmax(hi, y.values[i]);
        }
    for (int i = 0; i < nlines; i++) {
        lo = fmin(lo, lines[i].v);
        hi = fmax(hi, lines[i].v);
    }
    if (hi / 2 - lo / 2 < 1e-9) {
        double d = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1;
        lo -= d;
        hi += d;
    }
    char grid[PLOT_H][PLOT_W + 1];
    const char *label[PLOT_H];
    double label_v[PLOT_H];
    memset(grid, ' ', sizeof grid);
    for (int i = 0; i < PLOT_H; i++) {
        grid[i][width] = '\0';
        label[i] = NULL;
    }
#define ROW(v) plot_row(lo, hi, (v))
    for (int i = 0; i < nlines; i++) {
        int row = ROW(lines[i].v);
        memset(grid[row], '=', (size_t)width);
        label[row] = lines[i].label;
        label_v[row] = lines[i].v;
    }
    for (size_t i = 0; i < y.n; i++)
        if (y.years[i] >= y0)
            grid[ROW(y.values[i])][(y.years[i] - y0) * cw + cw / 2] = '*';
#undef ROW
    double span = hi / 2 - lo / 2;
    int dec = span >= 50 ? 0 : span >= 5 ? 1 : span >= 0.5 ? 2 : 3;
    out("%s in %s%s%s%s\n", sb, rname, u && u->kind != UNIT_BARE ? " (" : "", u && u->kind != UNIT_BARE ? ast_unit_str(u) : "",
           u && u->kind != UNIT_BARE ? ")" : "");
    for (int i = 0; i < PLOT_H; i++) {
        char nb[NUMFMT_MAX] = "";
        double at = label[i] ? label_v[i] : hi * (1 - (double)i / (PLOT_H - 1)) + lo * ((double)i / (PLOT_H - 1));
        if ((i % 3 == 0 || i == PLOT_H - 1 || label[i]) && fabs(at) >= 1e15)
            numfmt_shortest(at, nb);   /* 1.7e+308, not 309 digits */
        else if (i % 3 == 0 || i == PLOT_H - 1 || label[i])
            numfmt_fixed(at, dec, nb);
        size_t gl = strlen(grid[i]);
        while (gl > 0 && grid[i][gl - 1] == ' ' && !label[i])
            grid[i][--gl] = '\0';
        out("%9s |%s", nb, grid[i]);
        if (label[i])
            out(" %s", label[i]);
        out("\n");
    }
    /* the x axis: a tick and a year label every few years */
    int step = 1;
    while (step * cw < 5)
        step++;
    out("%9s +", "");
    for (int c = 0; c < width; c++)
        putchar(((c - cw / 2) % (step * cw) == 0 && c >= cw / 2) ? '+' : '-');
    out("\n%9s  ", "");
    int col = 0;
    for (int yr = y0; yr <= y1; yr += step) {
        int at = (yr - y0) * cw + cw / 2 - 2;
        if (at < col)
            at = col;
        out("%*s%d", at - col, "", yr);
        col = at + 4;
    }
    out("\n%9s  * value%s\n", "", nlines ? "   = target threshold" : "");
    arena_free(a);
    ast_file_free(f);
}
