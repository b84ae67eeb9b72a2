/* report_xlsx.c — `--format xlsx`: the report's tables as an Excel workbook (libxlsxwriter):
 * sheets Milestones, Agencies, Reports and Data used, header row frozen and filtered,
 * numbers as numbers, status cells in the status colours. Every string is written as a
 * string (never a formula). The workbook is built in a private temporary file and copied to
 * the FILE the caller gives, so that --output's atomic write covers it too. */
#include "report_int.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct xw {
    lxw_workbook *wb;
    lxw_format *head, *st[ST__COUNT], *num[REP_MAX_DATA_DECIMALS + 1];
    report_lang lang;
} xw;

static lxw_format *status_format(xw *x, pc_status s)
{
    lxw_format *f = workbook_add_format(x->wb);
    unsigned rgb = (unsigned)strtoul(rep_look(s)->color + 1, NULL, 16);
    format_set_bg_color(f, rgb);
    format_set_font_color(f, LXW_COLOR_WHITE);
    format_set_bold(f);
    return f;
}

static void formats(xw *x)
{
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xF3F4F6);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    for (int s = 0; s < ST__COUNT; s++)
        x->st[s] = status_format(x, (pc_status)s);
    static const char *const numfmt[] = {"0", "0.0", "0.00", "0.000", "0.0000"};
    for (int d = 0; d <= REP_MAX_DATA_DECIMALS; d++) {
        x->num[d] = workbook_add_format(x->wb);
        format_set_num_format(x->num[d], numfmt[d]);
    }
}

static lxw_worksheet *sheet(xw *x, const char *name, const char *const *heads, int n)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    for (int c = 0; c < n; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], x->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c < 2 ? 16 : 12, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

static void str(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
    if (s && *s)
        worksheet_write_string(ws, r, c, s, NULL);
}

static void num(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, int decimals)
{
    if (!isfinite(v))
        return;
    if (decimals < 0)
        worksheet_write_number(ws, r, c, v, NULL);
    else
        worksheet_write_number(ws, r, c, v, x->num[decimals > REP_MAX_DATA_DECIMALS ? REP_MAX_DATA_DECIMALS : decimals]);
}

static void year(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int y)
{
    if (y)
        worksheet_write_number(ws, r, c, y, NULL);
}

/* One row per milestone result, in the order of the HTML report. */
static int milestones(xw *x, const eval_result *r)
{
    report_lang L = x->lang;
    const char *heads[] = {rep_word(W_REGION, L), rep_word(W_TARGET, L), rep_word(W_MILESTONE, L),
                           rep_word(W_INDICATOR, L), rep_word(W_GOAL, L), rep_word(W_THRESHOLD, L),
                           rep_word(W_UNIT, L), rep_word(W_DEADLINE, L), "baseline_year", "baseline",
                           "latest_year", rep_word(W_LATEST, L), rep_word(W_PROJECTED, L),
                           rep_word(W_EXPECTED_NOW, L), rep_word(W_STATUS, L), "status",
                           rep_word(W_LEAD, L), rep_word(W_WITH, L)};
    int nh = (int)(sizeof heads / sizeof heads[0]);
    lxw_worksheet *ws = sheet(x, "Milestones", heads, nh);
    size_t *starts = NULL, ng = 0, *idx = rep_groups(r, &starts, &ng);
    if (r->nms && !idx)
        return -1;
    lxw_row_t row = 1;
    char buf[256], ub[48];
    for (size_t g = 0; g < ng; g++) {
        arena *a = arena_new();
        rep_chart c;
        if (!a || rep_chart_of_group(r, idx, starts, g, a, &c) != 0) {
            arena_free(a);
            pc_free(idx), pc_free(starts);
            return -1;
        }
        for (size_t k = 0; k < c.nms; k++, row++) {
            const ms_result *m = c.ms[k].m;
            const rep_ms_path *p = &c.ms[k];
            str(ws, row, 0, m->region);
            str(ws, row, 1, m->target && m->target->label ? m->target->label : rep_target_id(m));
            str(ws, row, 2, m->ms && m->ms->id ? m->ms->id : rep_target_id(m));
            str(ws, row, 3, m->ind ? (m->ind->name ? m->ind->name : m->ind->id.name) : "");
            str(ws, row, 4, rep_goal_people(m, L, buf, sizeof buf));
            num(x, ws, row, 5, p->threshold, -1);
            str(ws, row, 6, rep_unit_people(rep_ms_unit(m), L, ub, sizeof ub));
            if (rep_ms_kind(m) == RK_BY)
                year(ws, row, 7, m->ms->year);
            else
                str(ws, row, 7, rep_deadline_people(m, L, buf, sizeof buf));
            year(ws, row, 8, m->r.base_year);
            num(x, ws, row, 9, m->r.base_value, c.decimals);
            year(ws, row, 10, m->r.latest_year);
            num(x, ws, row, 11, m->r.latest_value, c.decimals);
            num(x, ws, row, 12, p->nprojected ? m->r.projected : NAN, c.decimals);
            num(x, ws, row, 13, p->has_expected_now ? p->expected_now.value : NAN, c.decimals);
            worksheet_write_string(ws, row, 14, rep_status_word(m->r.status, L), x->st[m->r.status < ST__COUNT ? m->r.status : ST_NO_DATA]);
            str(ws, row, 15, assess_status_str(m->r.status));
            str(ws, row, 16, rep_lead(m));
            str(ws, row, 17, rep_coordinators(m, buf, sizeof buf));
        }
        arena_free(a);
    }
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 1, (lxw_col_t)(nh - 1));
    worksheet_set_column(ws, 3, 3, 40, NULL);
    pc_free(idx), pc_free(starts);
    return 0;
}

static void agencies(xw *x, const eval_result *r)
{
    report_lang L = x->lang;
    enum { NC = ST__COUNT + 8 };
    const char *heads[NC];
    heads[0] = "id";
    heads[1] = rep_word(W_AGENCY, L);
    for (int s = 0; s < ST__COUNT; s++)
        heads[2 + s] = rep_status_word((pc_status)s, L);
    heads[2 + ST__COUNT] = rep_word(W_TOTAL, L);
    heads[3 + ST__COUNT] = rep_word(W_TASKS, L);
    heads[4 + ST__COUNT] = rep_word(W_WITH, L);
    heads[5 + ST__COUNT] = rep_word(W_REPORTS, L);
    heads[6 + ST__COUNT] = rep_word(W_LATE, L);
    heads[7 + ST__COUNT] = rep_word(W_MISSING, L);
    lxw_worksheet *ws = sheet(x, "Agencies", heads, NC);
    for (int s = 0; s < ST__COUNT; s++)
        worksheet_write_string(ws, 0, (lxw_col_t)(2 + s), heads[2 + s], x->st[s]);
    worksheet_set_column(ws, 1, 1, 40, NULL);
    const pc_plan *p = r->plan;
    lxw_row_t row = 1;
    for (int i = 0; p && i < p->nagencies; i++) {   /* every agency of the plan, in its order */
        const agency *a = p->agencies[i];
        rep_agency_fact f;
        rep_agency_facts(r, a, &f);
        const agency_card *c = f.card;
        str(ws, row, 0, a->id.name);
        str(ws, row, 1, a->name);
        for (int s = 0; s < ST__COUNT; s++)
            worksheet_write_number(ws, row, (lxw_col_t)(2 + s), c ? c->counts[s] : 0, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)(2 + ST__COUNT), c ? c->total : 0, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)(3 + ST__COUNT), f.lead, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)(4 + ST__COUNT), f.with, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)(5 + ST__COUNT), f.nreports, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)(6 + ST__COUNT), f.reports[RS_LATE], NULL);
        worksheet_write_number(ws, row, (lxw_col_t)(7 + ST__COUNT), f.reports[RS_MISSING], NULL);
        row++;
    }
}

static void reports(xw *x, const eval_result *r)
{
    report_lang L = x->lang;
    static const rep_word_id states[] = {W_UPCOMING, W_DUE, W_ON_TIME, W_LATE, W_MISSING};
    const char *heads[] = {"id", rep_word(W_REPORTS, L), rep_word(W_AGENCY, L), rep_word(W_TO, L),
                           rep_word(W_PERIOD, L), rep_word(W_DEADLINE, L), rep_word(W_STATUS, L),
                           "state", rep_word(W_SUBMITTED, L), "days_late"};
    lxw_worksheet *ws = sheet(x, "Reports", heads, 10);
    char d[24];
    for (size_t i = 0; i < r->nreports; i++) {
        const report_result *rr = &r->reports[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        unsigned st = (unsigned)rr->state <= RS_MISSING ? (unsigned)rr->state : RS_DUE;
        str(ws, row, 0, rr->rp ? rr->rp->gen_id : "");
        str(ws, row, 1, rr->rp ? rr->rp->label : "");
        str(ws, row, 2, rr->from ? rr->from->id.name : rep_word(W_ALL, L));
        str(ws, row, 3, rr->rp ? rr->rp->to.name : "");
        str(ws, row, 4, rr->period);
        str(ws, row, 5, rep_date(rr->due, d, sizeof d));
        str(ws, row, 6, rep_word(states[st], L));
        str(ws, row, 7, rep_report_state_str(rr->state));
        str(ws, row, 8, rep_date(rr->submitted, d, sizeof d));
        if (st == RS_LATE)
            worksheet_write_number(ws, row, 9, rr->days_late, NULL);
    }
}

/* Every value each target's chart drew: the data the statuses stand on. */
static int data_used(xw *x, const eval_result *r, const report_options *opt)
{
    report_lang L = x->lang;
    const char *heads[] = {rep_word(W_REGION, L), rep_word(W_TARGET, L), rep_word(W_INDICATOR, L),
                           "indicator", rep_word(W_YEAR, L), rep_word(W_SERIES, L), rep_word(W_DATA, L)};
    lxw_worksheet *ws = sheet(x, "Data used", heads, 7);
    worksheet_set_column(ws, 2, 2, 40, NULL);
    size_t *starts = NULL, ng = 0, *idx = rep_groups(r, &starts, &ng);
    if (r->nms && !idx)
        return -1;
    char files[1024] = "";   /* the data files of the run, by name */
    size_t nfiles = opt->data ? ds_nfiles(opt->data) : 0, o = 0;
    for (size_t i = 0; i < nfiles && o < sizeof files; i++) {
        ds_stats st;
        int w = snprintf(files + o, sizeof files - o, "%s%s", i ? "; " : "", rep_file_name(opt, i, &st));
        o += w > 0 ? (size_t)w : 0;
    }
    lxw_row_t row = 1;
    for (size_t g = 0; g < ng; g++) {
        arena *a = arena_new();
        const ms_result *m = &r->ms[idx[starts[g]]];
        rep_chart c;
        if (!a || rep_chart_build(r, &m, 1, a, &c) != 0) {
            arena_free(a);
            pc_free(idx), pc_free(starts);
            return -1;
        }
        for (size_t i = 0; i < c.n; i++, row++) {
            str(ws, row, 0, m->region);
            str(ws, row, 1, rep_target_id(m));
            str(ws, row, 2, m->ind ? (m->ind->name ? m->ind->name : m->ind->id.name) : "");
            str(ws, row, 3, m->ind ? m->ind->id.name : "");
            worksheet_write_number(ws, row, 4, c.series[i].year, NULL);
            num(x, ws, row, 5, c.series[i].value, c.decimals);
            str(ws, row, 6, files);
        }
        arena_free(a);
    }
    pc_free(idx), pc_free(starts);
    return 0;
}

/* Copy the file at path to f. */
static int copy_out(const char *path, FILE *f)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    char buf[1 << 15];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, f) != n) {
            rc = -1;
            break;
        }
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    return rc;
}

int report_xlsx(FILE *f, const eval_result *r, const report_options *opt, const char **err)
{
    static const report_options defaults;
    if (!opt)
        opt = &defaults;
    const char *tmpdir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/plancheck-xlsx-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    xw x = {.lang = opt->lang};
    x.wb = workbook_new(path);
    if (!x.wb) {
        unlink(path);
        if (err)
            *err = "cannot create the workbook";
        return -1;
    }
    formats(&x);
    int rc = milestones(&x, r);
    agencies(&x, r);
    reports(&x, r);
    if (rc == 0)
        rc = data_used(&x, r, opt);
    lxw_error e = workbook_close(x.wb);
    if (rc == 0 && e != LXW_NO_ERROR) {
        if (err)
            *err = lxw_strerror(e);
        rc = -1;
    }
    if (rc == 0 && copy_out(path, f) != 0) {
        if (!errno)
            errno = EIO;
        rc = -1;
    }
    unlink(path);
    return rc;
}
