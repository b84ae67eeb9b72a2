/* plancheck.c — the session behind the public API: loads plan files and data, keeps the
 * checked plan and the last evaluation, hands results to the report writers.
 * It holds no global state and prints only into the FILE it is given. */
#include "session.h"
#include "fileio.h"
#include "import.h"
#include "mem.h"
#include <string.h>

pc_session *pc_session_new(void)
{
    pc_session *s = pc_calloc(1, sizeof *s);
    if (s)
        diag_init(&s->diags);
    return s;
}

void session_drop_result(pc_session *s)
{
    if (s->have_result)
        eval_result_free(&s->result);
    s->have_result = 0;
    memset(&s->result, 0, sizeof s->result);
}

void pc_session_free(pc_session *s)
{
    if (!s)
        return;
    session_drop_result(s);
    resolve_free(s->plan);
    for (int i = 0; i < s->nfiles; i++)
        ast_file_free(s->files[i]);
    pc_free(s->files);
    ds_free(s->ds);
    pc_free(s->data_path);
    diag_free(&s->diags);
    pc_free(s);
}

int session_add_text(pc_session *s, const char *name, const char *text, size_t len,
                     int line_offset, parse_mode mode, expr **expr_out)
{
    if (expr_out)
        *expr_out = NULL;
    ast_file *f = parse_text(name, text, len, line_offset, mode, &s->diags, expr_out);
    if (!f) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory while reading %s", name);
        return -1;
    }
    if (f->nerrors) {
        ast_file_free(f);
        return -1;
    }
    if (PC_GROW(s->files, s->files_cap, (size_t)s->nfiles) < 0) {
        ast_file_free(f);
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        return -1;
    }
    s->files[s->nfiles++] = f;
    int nerr = 0;
    pc_plan *p = resolve_plan(s->files, s->nfiles, &s->diags, &nerr);
    if (!p || nerr) {
        if (!p)
            diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory while checking %s", name);
        resolve_free(p);
        s->nfiles--;
        /* the entry's expression (if any) lives in f: keep f alive only when it is used */
        if (expr_out)
            *expr_out = NULL;
        ast_file_free(f);
        /* re-check the previous files so the plan points at live nodes */
        if (s->plan) {
            int e2 = 0;
            diag_sink quiet;
            diag_init(&quiet);
            pc_plan *again = resolve_plan(s->files, s->nfiles, &quiet, &e2);
            diag_free(&quiet);
            session_drop_result(s);
            resolve_free(s->plan);
            s->plan = again;
        }
        return -1;
    }
    session_drop_result(s);
    resolve_free(s->plan);
    s->plan = p;
    return 0;
}

int pc_load_plan_text(pc_session *s, const char *name, const char *text, size_t len)
{
    return session_add_text(s, name, text, len, 0, PARSE_FILE, NULL);
}

int pc_load_plan(pc_session *s, const char *path)
{
    char *text = NULL, err[256];
    size_t len = 0;
    if (fileio_read(path, &text, &len, err, sizeof err) != 0) {
        /* fileio says "PATH: reason"; the diagnostic shows the path in front already */
        size_t pl = strlen(path);
        const char *reason = strncmp(err, path, pl) == 0 && strncmp(err + pl, ": ", 2) == 0 ? err + pl + 2 : err;
        diag_line(&s->diags, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read the plan: %s", reason);
        return -1;
    }
    int rc = pc_load_plan_text(s, path, text, len);
    pc_free(text);
    return rc;
}

int session_load_data(pc_session *s, const char *path)
{
    return session_load_data_files(s, &path, 1, NULL);
}

/* A target's selector that no row of the data has, or a target without one when the
 * data has no total row (when the indicator has rows at all): its milestones would be
 * no_data with no reason given. */
static void selector_warnings(const pc_plan *p, const dataset *ds, diag_sink *d)
{
    for (int i = 0; i < p->ntargets; i++) {
        const series_ref *sr = &p->targets[i]->series;
        int lo, hi;
        if (!sr->resolved || sr->resolved->derived || !ds_indicator_years(ds, sr->ind.name, &lo, &hi))
            continue;
        if (!sr->nsels) {
            const char *ex;
            char sel[256];
            if (!ds_indicator_has_total(ds, sr->ind.name, &ex)) {
                ds_dimkey_format(ex, sel, sizeof sel);
                diag_at(d, DIAG_WARNING, &sr->loc, "the data has no total row of '%s', only parts such as "
                                                   "[%s]: select one, e.g. %s[%s] (its dimensions declared)",
                        sr->ind.name, sel,
                        sr->ind.name, sel);
            }
            continue;
        }
        const char *dims[64], *vals[64];
        int n = sr->nsels < 64 ? sr->nsels : 64;
        for (int k = 0; k < n; k++) {
            dims[k] = sr->sels[k].dim.name;
            vals[k] = sr->sels[k].value;
        }
        char key[1024], *nfc = NULL;
        size_t len;
        if (ds_dimkey(dims, vals, (size_t)n, key, sizeof key) < 0 || !(nfc = ds_nfc(key, strlen(key), &len)))
            continue;
        if (!ds_indicator_has_dimkey(ds, sr->ind.name, nfc)) {
            const char *ex;
            char sel[256];
            int total = ds_indicator_has_total(ds, sr->ind.name, &ex);
            ds_dimkey_format(ex, sel, sizeof sel);
            diag_at(d, DIAG_WARNING, &sr->loc, "no row of the data has this part of '%s' (the data has %s%s%s)",
                    sr->ind.name, total ? "its total" : "parts such as [", total ? "" : sel, total ? "" : "]");
        }
        pc_free(nfc);
    }
}

int session_load_data_files(pc_session *s, const char *const *paths, size_t n, const import_opts *io)
{
    if (!s->plan) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "load a plan before its data");
        return -1;
    }
    arena *a = arena_new();
    ds_spec spec;
    memset(&spec, 0, sizeof spec);
    dataset *ds = ds_new();
    if (!a || !ds || eval_spec(s->plan, &spec, a) != 0) {
        arena_free(a);
        ds_free(ds);
        diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) /* all into one dataset: conflicts name both files */
        rc = import_load(ds, paths[i], io, &spec, &s->diags);
    if (rc == 0) {
        import_warnings(ds, &spec, &s->diags);
        selector_warnings(s->plan, ds, &s->diags);
    }
    arena_free(a);
    if (rc != 0) {
        ds_free(ds);
        return -1;
    }
    session_drop_result(s);
    ds_free(s->ds);
    s->ds = ds;
    pc_free(s->data_path);
    s->data_path = n ? pc_strndup(paths[0], strlen(paths[0])) : NULL;
    return 0;
}

int pc_load_data(pc_session *s, const char *csv_path) { return session_load_data(s, csv_path); }

/* An as-of year before all of an indicator's data leaves its targets without a value. */
static void as_of_warnings(pc_session *s, int as_of)
{
    if (!s->ds || !ds_nfiles(s->ds))
        return;
    for (int i = 0; i < s->plan->nindicators; i++) {
        const indicator *ind = s->plan->indicators[i];
        int lo, hi;
        if (!ind->derived && ds_indicator_years(s->ds, ind->id.name, &lo, &hi) && lo > as_of)
            diag_at(&s->diags, DIAG_WARNING, NULL,
                    "indicator '%s' has no value up to the as-of year %d: its data starts in %d",
                    ind->id.name, as_of, lo);
    }
}

int session_evaluate(pc_session *s, const eval_options *opt)
{
    if (!s->plan) {
        diag_at(&s->diags, DIAG_ERROR, NULL, "no plan loaded");
        return -1;
    }
    if (!s->ds) {
        s->ds = ds_new();
        if (!s->ds) {
            diag_at(&s->diags, DIAG_ERROR, NULL, "out of memory");
            return -1;
        }
    }
    session_drop_result(s);
    eval_options named;
    if (opt && !opt->data_name && s->data_path) {   /* messages name the data file's rows */
        named = *opt;
        named.data_name = s->data_path;
        opt = &named;
    }
    if (opt && opt->as_of)
        as_of_warnings(s, opt->as_of);
    if (eval_plan(s->plan, s->ds, opt, &s->result, &s->diags) != 0) {
        eval_result_free(&s->result); /* a failed evaluation may hold partial results */
        memset(&s->result, 0, sizeof s->result);
        return -1;
    }
    s->have_result = 1;
    return 0;
}

int pc_evaluate(pc_session *s, const pc_eval_options *o)
{
    eval_options opt;
    memset(&opt, 0, sizeof opt);
    if (o) {
        opt.as_of = o->as_of;
        opt.region = o->region;
        opt.all_regions = o->all_regions;
        opt.submissions = o->submissions;
    }
    opt.want_alerts = 1;
    return session_evaluate(s, &opt);
}

int pc_write_report(pc_session *s, FILE *out, const char *format)
{
    report_options ro;
    memset(&ro, 0, sizeof ro);
    if (!s->have_result || report_parse_format(format, &ro.format) != 0)
        return -1;
    const char *err = NULL;
    return report_write(out, &s->result, &ro, &err);
}

int pc_count_status(const pc_session *s, const char *status)
{
    pc_status st;
    if (!s->have_result || assess_status_parse(status, &st) != 0)
        return -1;
    return s->result.counts[st];
}

int pc_error_count(const pc_session *s) { return s->diags.nerrors; }

void pc_print_diagnostics(pc_session *s, FILE *out, int color)
{
    diag_print(out, &s->diags, color);
    diag_clear(&s->diags);
}
