/* main.c — the plancheck command line: parses arguments, runs check / fmt / eval / repl,
 * prints diagnostics and results, and maps outcomes to exit codes (0 ok, 1 a --fail-on
 * status matched, 2 bad usage or invalid input). All real work is libplancheck's. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "import.h"
#include "fileio.h"
#include "fmt.h"
#include "mem.h"

enum { EXIT_OK = 0, EXIT_FAILON = 1, EXIT_BAD = 2 };
enum { ERRBUF = PATH_MAX + 512 };   /* a message that names a path of any length */

/* Set once a failed write to stdout has been reported (main's last check then stays quiet). */
static int stdout_error_reported;

static const char usage_text[] =
    "usage: plancheck <command> [options]\n"
    "\n"
    "commands:\n"
    "  check FILE...              parse and check .plan files (GCC-style diagnostics)\n"
    "  fmt [-w [--force]] [--check] FILE...\n"
    "                             print the canonical layout (-w: rewrite the files)\n"
    "  eval FILE --data CSV       assess every target against indicator data\n"
    "       [--as-of YEAR] [--region NAME | --all-regions] [--lang vi|en]\n"
    "       [--submissions CSV] [--format text|json|csv|markdown|html|xlsx] [--columns LIST]\n"
    "       [--bom] [--by-agency] [--fail-on STATUS,...] [--output FILE] [--color auto|always|never]\n"
    "       [--data FILE ...] [--data-format auto|csv|sdmx|sdg|dhis2|dhis2-json|wide|xlsx] [--sheet NAME]\n"
    "  repl [FILE] [--data CSV] [--as-of YEAR] [--region NAME | --all-regions] [--lang vi|en]\n"
    "                             explore a plan interactively\n"
    "  help [COMMAND]             this text\n"
    "  version                    print the version\n"
    "\n"
    "exit status: 0 success; 1 a --fail-on status matched; 2 bad usage or invalid input.\n"
    "See docs/cli.md and docs/language.md.\n";

int cli_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    return isatty(fileno(f));
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "plancheck%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'plancheck help' for usage.\n");
    return EXIT_BAD;
}

/* A getopt_long failure as a usage error (the optstrings start with ':'): c ':' is a
 * missing value; '?' an unknown option (with the closest known one) or a value given to
 * an option that takes none. */
static int option_error(const char *cmd, int c, char **argv, const struct option *opts)
{
    const char *arg = argv[optind - 1];
    char name[80];
    if (arg[0] == '-' && arg[1] == '-')
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    else if (optopt > 0 && optopt < 128)
        snprintf(name, sizeof name, "-%c", optopt);
    else
        snprintf(name, sizeof name, "%s", arg);
    if (c == ':')
        return usage_error(cmd, "option '%s' needs a value", name);
    const char *cands[32];
    char longs[32][32];
    size_t n = 0;
    for (const struct option *o = opts; o->name && n < 32; o++, n++) {
        snprintf(longs[n], sizeof longs[n], "--%s", o->name);
        cands[n] = longs[n];
        if (strcmp(longs[n], name) == 0)
            return usage_error(cmd, "option '%s' takes no value", name);
    }
    const char *sug = name[1] == '-' ? diag_suggest(name, cands, n) : NULL;
    if (!sug)
        return usage_error(cmd, "unknown option '%s'", name);
    fprintf(stderr, "plancheck %s: unknown option '%s'; did you mean '%s'?\n", cmd, name, sug);
    fputs("Try 'plancheck help' for usage.\n", stderr);
    return EXIT_BAD;
}

/* ---- check ---- */

static int cmd_check(int argc, char **argv)
{
    int quiet = 0, werror = 0;
    static const struct option opts[] = {
        {"quiet", no_argument, NULL, 'q'}, {"werror", no_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
        if (c == 'q') quiet = 1;
        else if (c == 'W') werror = 1;
        else if (c == 'h') { fputs(usage_text, stdout); return EXIT_OK; }
        else return option_error("check", c, argv, opts);
    }
    if (optind >= argc)
        return usage_error("check", "%s", "no file given: plancheck check FILE...");
    int status = EXIT_OK, color = cli_color(stderr);
    for (int i = optind; i < argc; i++) {
        pc_session *s = pc_session_new();
        if (!s) {
            fprintf(stderr, "plancheck: out of memory\n");
            return EXIT_BAD;
        }
        int rc = pc_load_plan(s, argv[i]);
        int nwarn = s->diags.nwarnings;
        pc_print_diagnostics(s, stderr, color);
        if (rc != 0 || (werror && nwarn)) {
            status = EXIT_BAD;
        } else if (!quiet) {
            const pc_plan *p = s->plan;
            printf("%s: ok: %d target%s, %d milestone%s, %d agenc%s, %d report%s, %d task%s\n", argv[i],
                   p->ntargets, p->ntargets == 1 ? "" : "s", p->nmilestones, p->nmilestones == 1 ? "" : "s",
                   p->nagencies, p->nagencies == 1 ? "y" : "ies", p->nreports, p->nreports == 1 ? "" : "s",
                   p->ntasks, p->ntasks == 1 ? "" : "s");
        }
        pc_session_free(s);
    }
    return status;
}

/* ---- fmt ---- */

/* fmt -w of one file whose text changes. A file with other hard links is not replaced
 * (the other names would keep the old text) unless --force; a read-only file is replaced
 * and stays read-only, and fmt says so. 0, or -1 reported. */
static int fmt_write(const char *path, const char *out, size_t olen, int force)
{
    struct stat st;
    char err[ERRBUF];
    int have = strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    if (have && st.st_nlink > 1 && !force) {
        fprintf(stderr, "plancheck fmt: %s has %ju hard links: rewriting it would break them (the other names "
                        "would keep the old text); not written — use --force to rewrite it anyway\n",
                path, (uintmax_t)st.st_nlink);
        return -1;
    }
    if (fileio_write_atomic(path, out, olen, err, sizeof err) != 0) {
        fprintf(stderr, "plancheck: %s\n", err);
        return -1;
    }
    if (have && !(st.st_mode & 0222))
        fprintf(stderr, "plancheck fmt: note: %s is read-only: rewritten, and kept read-only (mode %04o)\n", path,
                (unsigned)(st.st_mode & 07777));
    if (have && st.st_nlink > 1)
        fprintf(stderr, "plancheck fmt: note: %s had %ju hard links: it is now a file of its own (--force)\n", path,
                (uintmax_t)st.st_nlink);
    return 0;
}

static int cmd_fmt(int argc, char **argv)
{
    int write = 0, check = 0, force = 0;
    static const struct option opts[] = {
        {"write", no_argument, NULL, 'w'}, {"check", no_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":wh", opts, NULL)) != -1) {
        if (c == 'w') write = 1;
        else if (c == 'c') check = 1;
        else if (c == 'f') force = 1;
        else if (c == 'h') { fputs(usage_text, stdout); return EXIT_OK; }
        else return option_error("fmt", c, argv, opts);
    }
    if (optind >= argc)
        return usage_error("fmt", "%s", "no file given: plancheck fmt [-w] FILE...");
    int status = EXIT_OK, color = cli_color(stderr);
    for (int i = optind; i < argc; i++) {
        char *text = NULL, err[ERRBUF];
        size_t len = 0;
        if (fileio_read(argv[i], &text, &len, err, sizeof err) != 0) {
            fprintf(stderr, "plancheck: %s\n", err);
            status = EXIT_BAD;
            continue;
        }
        diag_sink d;
        diag_init(&d);
        ast_file *f = parse_text(argv[i], text, len, 0, PARSE_FILE, &d, NULL);
        if (!f || f->nerrors) {
            diag_print(stderr, &d, color);
            if (!f)
                fprintf(stderr, "plancheck: out of memory\n");
            else
                fprintf(stderr, "%s: not formatted: fix the errors first\n", argv[i]);
            status = EXIT_BAD;
        } else {
            size_t olen = 0;
            char *out = fmt_render(f, &olen);
            if (!out) {
                fprintf(stderr, "plancheck: out of memory\n");
                status = EXIT_BAD;
            } else if (check) {
                if (olen != len || memcmp(out, text, len) != 0) {
                    printf("%s: not formatted\n", argv[i]);
                    if (status == EXIT_OK)
                        status = EXIT_FAILON;
                }
            } else if (write) {
                if ((olen != len || memcmp(out, text, len) != 0) &&
                    fmt_write(argv[i], out, olen, force) != 0)
                    status = EXIT_BAD;
            } else {
                fwrite(out, 1, olen, stdout);   /* a failure is reported once, by main */
            }
            pc_free(out);
        }
        ast_file_free(f);
        diag_free(&d);
        pc_free(text);
    }
    return status;
}

/* ---- the options of eval and repl ---- */

static int parse_year_arg(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 1900 || v > 2200)
        return -1;
    *out = (int)v;
    return 0;
}

/* "off-track,missed" -> a set of statuses; -1 malformed (also empty), -2 reported */
static int parse_fail_on(const char *s, int *set)
{
    char buf[64];
    if (!*s)
        return -1;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof buf)
            return -1;
        memcpy(buf, s, n);
        buf[n] = '\0';
        pc_status st;
        if (assess_status_parse(buf, &st) != 0) {
            fprintf(stderr, "plancheck eval: unknown status '%s' in --fail-on; statuses are: met, missed, "
                            "achieved, on_track, at_risk, off_track, worsening, no_trend, no_data, maintained, broken\n", buf);
            return -2;
        }
        set[st] = 1;
        s += n;
        if (*s == ',')
            s++;
    }
    return 0;
}

/* What only eval takes, beside cli_options. */
typedef struct eval_args {
    const char *format, *out_path, *color, *columns, *submissions;
    import_opts io;          /* --data-format, --sheet */
    int by_agency, have_fail_on, bom;
    int fail_on[ST__COUNT];
} eval_args;

enum { O_DATA = 256, O_ASOF, O_REGION, O_ALL, O_LANG, O_FORMAT, O_FAILON, O_COLUMNS, O_BYAG, O_SUBS, O_OUT, O_COLOR,
       O_DFORMAT, O_SHEET, O_BOM };

/* One option of eval/repl into o (or x: eval's own). 0, or an exit status. */
static int run_option(const char *cmd, int c, cli_options *o, eval_args *x)
{
    switch (c) {
    case O_DATA:
        if (o->ndata == DS_MAX_FILES)
            return usage_error(cmd, "%s", "at most 16 --data files");
        o->datas[o->ndata++] = optarg;
        if (!o->data)
            o->data = optarg;
        return 0;
    case O_DFORMAT:
        if (!import_format_known(optarg))
            return usage_error(cmd, "unknown data format '%s': use auto, csv, sdmx, sdg, dhis2, dhis2-json, wide or xlsx", optarg);
        x->io.format = optarg;
        return 0;
    case O_SHEET: x->io.sheet = optarg; return 0;
    case O_ASOF:
        if (parse_year_arg(optarg, &o->as_of) == 0)
            return 0;
        if (optarg[0] && strspn(optarg, "0123456789") == strlen(optarg))
            return usage_error(cmd, "--as-of takes a year from 1900 to 2200, not '%s'", optarg);
        return usage_error(cmd, "--as-of takes a year such as 2024, not '%s'", optarg);
    case O_REGION:
        if (!optarg[0])
            return usage_error(cmd, "%s", "--region takes a region's name, not ''");
        o->region = optarg;
        return 0;
    case O_ALL: o->all_regions = 1; return 0;
    case O_LANG:
        if (strcmp(optarg, "vi") == 0)
            o->lang = CLI_LANG_VI;
        else if (strcmp(optarg, "en") == 0)
            o->lang = CLI_LANG_EN;
        else
            return usage_error(cmd, "--lang takes vi or en, not '%s'", optarg);
        return 0;
    case O_FORMAT: x->format = optarg; return 0;
    case O_FAILON: {
        int r = parse_fail_on(optarg, x->fail_on);
        if (r == -1)
            return usage_error(cmd, "--fail-on takes statuses separated by commas, not '%s'", optarg);
        if (r < 0)
            return EXIT_BAD;
        x->have_fail_on = 1;
        return 0;
    }
    case O_COLUMNS: x->columns = optarg; return 0;
    case O_BYAG: x->by_agency = 1; return 0;
    case O_SUBS: x->submissions = optarg; return 0;
    case 'o':
    case O_OUT: x->out_path = optarg; return 0;
    case O_COLOR: x->color = optarg; return 0;
    case O_BOM: x->bom = 1; return 0;
    default: return EXIT_BAD;
    }
}

/* The command line of eval (x set) or repl (x NULL): one parser, so that both take the
 * same --data, --as-of, --region/--all-regions and --lang. 0, or an exit status (-1:
 * --help was printed, exit 0). */
static int parse_run_args(const char *cmd, int argc, char **argv, cli_options *o, eval_args *x)
{
    static const struct option both[] = {
        {"data", required_argument, NULL, O_DATA}, {"as-of", required_argument, NULL, O_ASOF},
        {"region", required_argument, NULL, O_REGION}, {"all-regions", no_argument, NULL, O_ALL},
        {"lang", required_argument, NULL, O_LANG}, {"help", no_argument, NULL, 'h'}};
    static const struct option eval_only[] = {
        {"format", required_argument, NULL, O_FORMAT}, {"fail-on", required_argument, NULL, O_FAILON},
        {"columns", required_argument, NULL, O_COLUMNS}, {"by-agency", no_argument, NULL, O_BYAG},
        {"submissions", required_argument, NULL, O_SUBS}, {"output", required_argument, NULL, O_OUT},
        {"color", required_argument, NULL, O_COLOR}, {"data-format", required_argument, NULL, O_DFORMAT},
        {"sheet", required_argument, NULL, O_SHEET}, {"bom", no_argument, NULL, O_BOM}};
    enum { NBOTH = sizeof both / sizeof both[0], NEVAL = sizeof eval_only / sizeof eval_only[0] };
    struct option opts[NBOTH + NEVAL + 1];
    size_t n = 0;
    for (size_t i = 0; i < NBOTH; i++)
        opts[n++] = both[i];
    for (size_t i = 0; x && i < NEVAL; i++)
        opts[n++] = eval_only[i];
    memset(&opts[n], 0, sizeof opts[n]);
    memset(o, 0, sizeof *o);
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, x ? ":ho:" : ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return -1;
        }
        if (c == ':' || c == '?')
            return option_error(cmd, c, argv, opts);
        int rc = run_option(cmd, c, o, x);
        if (rc)
            return rc;
    }
    if (optind + 1 < argc)
        return usage_error(cmd, "one plan file at a time; unexpected '%s'", argv[optind + 1]);
    o->plan = optind < argc ? argv[optind] : NULL;
    if (o->region && o->all_regions)
        return usage_error(cmd, "%s", "--region and --all-regions cannot be used together");
    return 0;
}

/* --output must not name a file this run reads (the plan, the data, the submissions log;
 * compared as files, so also through a symbolic or hard link). 0, or an exit status. */
static int check_output_not_input(const cli_options *o, const eval_args *x)
{
    const char *ins[3 + 16] = {o->plan, x->submissions, NULL};
    const char *what[3 + 16] = {"the plan", "the submissions log", NULL};
    for (int i = 0; i < o->ndata && i < 16; i++) {
        ins[2 + i] = o->datas[i];
        what[2 + i] = "the data file";
    }
    for (int i = 0; i < 2 + o->ndata && i < 3 + 16; i++)
        if (ins[i] && fileio_same_file(x->out_path, ins[i])) {
            fprintf(stderr, "plancheck eval: --output '%s' is %s '%s' of this run: refusing to write over an input\n",
                    x->out_path, what[i], ins[i]);
            fputs("Try 'plancheck help' for usage.\n", stderr);
            return EXIT_BAD;
        }
    return 0;
}

/* ---- eval ---- */

static int cmd_eval(int argc, char **argv)
{
    cli_options o;
    eval_args x;
    memset(&x, 0, sizeof x);
    x.format = "text";
    x.color = "auto";
    int prc = parse_run_args("eval", argc, argv, &o, &x);
    if (prc)
        return prc < 0 ? EXIT_OK : prc;
    if (!o.plan)
        return usage_error("eval", "%s", "no plan file given: plancheck eval FILE --data CSV");
    eval_options eo;
    memset(&eo, 0, sizeof eo);
    eo.want_alerts = 1;
    eo.as_of = o.as_of;
    eo.region = o.region;
    eo.all_regions = o.all_regions;
    eo.submissions = x.submissions;
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.columns = x.columns;
    ro.by_agency = x.by_agency;
    ro.bom = x.bom;
    /* the reports' language: --lang, else the locale (LC_ALL, LC_MESSAGES, LANG = vi…) */
    if (o.lang == CLI_LANG_VI) {
        ro.lang = LANG_VI;
    } else if (o.lang == CLI_LANG_AUTO) {
        const char *loc = getenv("LC_ALL");
        if (!loc || !*loc)
            loc = getenv("LC_MESSAGES");
        if (!loc || !*loc)
            loc = getenv("LANG");
        if (loc && strncmp(loc, "vi", 2) == 0)
            ro.lang = LANG_VI;
    }
    const char *data = o.data, *out_path = x.out_path;
    int *fail_on = x.fail_on, have_fail_on = x.have_fail_on;
    if (report_parse_format(x.format, &ro.format) != 0)
        return usage_error("eval", "unknown format '%s': use text, json, csv, markdown, html or xlsx", x.format);
    if (ro.columns && ro.format != FMT_CSV)
        return usage_error("eval", "%s", "--columns goes with --format csv");
    if (ro.bom && ro.format != FMT_CSV)
        return usage_error("eval", "%s", "--bom goes with --format csv");
    if (ro.format == FMT_XLSX && (!out_path || (strcmp(out_path, "-") == 0 && isatty(STDOUT_FILENO))))
        return usage_error("eval", "%s", "--format xlsx writes a binary workbook: give --output FILE.xlsx");
    if (strcmp(x.color, "always") == 0)
        ro.color = 1;
    else if (strcmp(x.color, "never") == 0)
        ro.color = 0;
    else if (strcmp(x.color, "auto") == 0)
        ro.color = !out_path && cli_color(stdout);
    else
        return usage_error("eval", "--color takes auto, always or never, not '%s'", x.color);
    if (out_path && check_output_not_input(&o, &x) != 0)
        return EXIT_BAD;

    int dcolor = cli_color(stderr);
    pc_session *s = pc_session_new();
    if (!s) {
        fprintf(stderr, "plancheck: out of memory\n");
        return EXIT_BAD;
    }
    int status = EXIT_OK;
    if (pc_load_plan(s, o.plan) != 0 ||
        (data && session_load_data_files(s, o.datas, (size_t)o.ndata, &x.io) != 0)) {
        pc_print_diagnostics(s, stderr, dcolor);
        pc_session_free(s);
        return EXIT_BAD;
    }
    const char *err = NULL;
    FILE *out = stdout;
    fileio_atomic *fa = NULL;
    char ebuf[ERRBUF];
    int wrc;
    if (ro.format == FMT_CSV) {
        /* CSV streams while evaluating: rows go out region block by region block, from
         * every core, and no array of millions of results is ever built */
        eval_stream st;
        report_csv_stream *cs = report_csv_stream_new(stdout, &ro, &st, &err);
        if (!cs) {
            pc_print_diagnostics(s, stderr, dcolor);
            if (err)
                fprintf(stderr, "plancheck eval: %s\n", err);
            else
                fprintf(stderr, "plancheck: out of memory\n");
            pc_session_free(s);
            return EXIT_BAD;
        }
        if (out_path) {
            out = fileio_write_atomic_begin(out_path, &fa, ebuf, sizeof ebuf);
            if (!out) {
                pc_print_diagnostics(s, stderr, dcolor);
                fprintf(stderr, "plancheck: %s\n", ebuf);
                report_csv_stream_end(cs, 0);
                pc_session_free(s);
                return EXIT_BAD;
            }
            report_csv_stream_set_file(cs, out);
        }
        eo.stream = &st;
        errno = 0;
        int erc = session_evaluate(s, &eo);
        int write_failed = erc != 0 && report_csv_stream_failed(cs);
        if (erc != 0 && !write_failed) {
            report_csv_stream_end(cs, 0);
            if (fa)
                fileio_write_atomic_abort(fa);
            pc_print_diagnostics(s, stderr, dcolor);
            pc_session_free(s);
            return EXIT_BAD;
        }
        pc_print_diagnostics(s, stderr, dcolor);   /* warnings */
        if (!data && s->plan->nmilestones)
            fprintf(stderr, "plancheck eval: note: no --data given: every milestone is no_data\n");
        wrc = write_failed ? -1 : report_csv_stream_end(cs, 1);
        if (write_failed) {
            errno = report_csv_stream_errno(cs);
            report_csv_stream_end(cs, 0);
        }
    } else {
        if (session_evaluate(s, &eo) != 0) {
            pc_print_diagnostics(s, stderr, dcolor);
            pc_session_free(s);
            return EXIT_BAD;
        }
        ro.data = s->ds;
        ro.warnings = &s->diags;   /* JSON lists them */
        if (out_path) {
            out = fileio_write_atomic_begin(out_path, &fa, ebuf, sizeof ebuf);
            if (!out) {
                pc_print_diagnostics(s, stderr, dcolor);
                fprintf(stderr, "plancheck: %s\n", ebuf);
                pc_session_free(s);
                return EXIT_BAD;
            }
        }
        diag_print(stderr, &s->diags, dcolor);   /* warnings, before the report (a reader may stop early) */
        if (!data && s->plan->nmilestones)
            fprintf(stderr, "plancheck eval: note: no --data given: every milestone is no_data\n");
        wrc = report_write(out, &s->result, &ro, &err);
        diag_clear(&s->diags);
    }
    if (wrc != 0) {
        if (err)
            fprintf(stderr, "plancheck eval: %s\n", err);
        else
            fprintf(stderr, "plancheck: cannot write the report: %s\n", strerror(errno));
        status = EXIT_BAD;
        if (!fa)
            stdout_error_reported = 1;   /* one message: main's last check stays quiet */
    }
    if (fa) {
        if (status == EXIT_OK) {
            if (fileio_write_atomic_commit(fa, ebuf, sizeof ebuf) != 0) {
                fprintf(stderr, "plancheck: %s\n", ebuf);
                status = EXIT_BAD;
            }
        } else {
            fileio_write_atomic_abort(fa);
        }
    } else if (status == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "plancheck: cannot write the report: %s\n", strerror(errno));
        status = EXIT_BAD;
        stdout_error_reported = 1;
    }
    if (status == EXIT_OK && have_fail_on) {
        for (int st = 0; st < ST__COUNT; st++)
            if (fail_on[st] && s->result.counts[st])
                status = EXIT_FAILON;
    }
    pc_session_free(s);
    return status;
}

/* ---- repl ---- */

static int cmd_repl(int argc, char **argv)
{
    cli_options o;
    int prc = parse_run_args("repl", argc, argv, &o, NULL);
    if (prc)
        return prc < 0 ? EXIT_OK : prc;
    pc_session *s = pc_session_new();
    if (!s) {
        fprintf(stderr, "plancheck: out of memory\n");
        return EXIT_BAD;
    }
    int rc = repl_main(s, &o);
    pc_session_free(s);
    return rc;
}

/* A descriptor among 0–2 that is closed at start-up would be the next file opened (the
 * --output temporary could become "stderr" and collect warnings): give each closed one
 * /dev/null — read-only for stdout, so that writing output there fails (and exits 2)
 * instead of vanishing. */
static void fill_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        int nfd = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
        if (nfd >= 0 && nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

/* SIGINT, SIGTERM, SIGHUP while fmt -w or --output writes: remove the temporary, then die
 * of the signal as before. */
static void on_fatal_signal(int sig)
{
    fileio_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_fatal_signals(void)
{
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)   /* nohup stays */
            sigaction(sigs[i], &sa, NULL);
    }
}

/* Every command ends here: output that could not be written (a full disk, a closed or
 * read-only stdout) is an error, exit 2, with one message. */
static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (!stdout_error_reported)
            fprintf(stderr, "plancheck: cannot write to standard output: %s\n", strerror(errno ? errno : EIO));
        return EXIT_BAD;
    }
    return status;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_BAD;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "fmt")) return cmd_fmt(argc - 1, argv + 1);
    if (!strcmp(cmd, "eval")) return cmd_eval(argc - 1, argv + 1);
    if (!strcmp(cmd, "repl")) return cmd_repl(argc - 1, argv + 1);
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("plancheck %s\n", PLANCHECK_VERSION);
        return EXIT_OK;
    }
    const char *cmds[] = {"check", "fmt", "eval", "repl", "help", "version"};
    const char *s = diag_suggest(cmd, cmds, 6);
    if (s)
        fprintf(stderr, "plancheck: unknown command '%s'; did you mean '%s'?\n", cmd, s);
    else
        fprintf(stderr, "plancheck: unknown command '%s'\n", cmd);
    fputs("Try 'plancheck help' for usage.\n", stderr);
    return EXIT_BAD;
}

int main(int argc, char **argv)
{
    fill_std_fds();
    if (argc >= 2 && (!strcmp(argv[1], "fmt") || !strcmp(argv[1], "eval")))
        catch_fatal_signals();
    return finish(run(argc, argv));
}
