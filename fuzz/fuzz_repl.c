/* fuzz_repl.c — libFuzzer target: the input as lines typed into the REPL (the piped path:
 * no terminal), in a session that starts with a small plan and data so that :explain,
 * :plot, :set, :status … have something to work on. File commands are sandboxed
 * (repl_sandbox): :load and :data reread the two seed files whatever path is typed, :save
 * renders but writes nothing. A first byte 0x03 starts from a plan that fails to check (its
 * text kept for :save, as `plancheck repl BROKEN.plan` does). The seed data holds values
 * up to the largest double (for :plot) and control characters reach the output escaped.
 * Must never crash, hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "mem.h"
#include "repl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* main.c's, which the fuzzer does not link */
int cli_color(FILE *f)
{
    (void)f;
    return 0;
}

static char plan_path[256], data_path[256], broken_path[256];
static FILE *devnull;

static const char seed_plan[] =
    "plan \"F\" { region \"Huế\" baseline 2015 method cr issued 2024-12-27 }\n"
    "agency DOH \"Sở Y tế\"\nagency DOET \"Sở Giáo dục\"\n"
    "indicator stunting \"Tỷ lệ thấp còi\" unit % lower is better dimensions area\n"
    "indicator u5mr \"Tử vong\" unit per 1000 lower is better\n"
    "indicator cover \"Bao phủ\" unit % higher is better\n"
    "target CT1: stunting < 15% by 2025, < 12% by 2030\n"
    "target CT2: stunting[area = \"rural\"] < 20% by 2025\n"
    "target CT3: u5mr < 18 per 1000 by 2025\n"
    "target CT4: maintain cover >= 90% from 2020 to 2025\n"
    "indicator big \"Lớn\" unit count higher is better\n"
    "target CT5: big > 1 by 2030\n"
    "indicator ratio = cover / u5mr * 100 unit count higher is better\n"
    "responsible DOH for CT1, CT3 with DOET\n"
    "report every year by 30 Nov from all to DOH\n"
    "let gap = latest(stunting) - 15%\n"
    "alert \"stunting up\" when change(stunting) > 0 to DOH\n";

static const char seed_data[] =
    "indicator,region,year,value,area\n"
    "stunting,Huế,2015,22,\nstunting,Huế,2018,19.5,\nstunting,Huế,2020,18,\nstunting,Huế,2023,16.1,\n"
    "stunting,Huế,2015,28,rural\nstunting,Huế,2022,24,rural\n"
    "stunting,Đà Nẵng,2015,12,\nstunting,Đà Nẵng,2023,10,\n"
    "u5mr,Huế,2015,25,\nu5mr,Huế,2021,20,\ncover,Huế,2020,91,\ncover,Huế,2021,89,\ncover,Huế,2023,92,\n"
    "stunting,Huế,2024Q1,15.9,\nstunting,Huế,2024-06,15.7,\n"
    "big,Huế,2015,1e300,\nbig,Huế,2020,-1.7976931348623157e308,\nbig,Huế,2023,1e63,\n";

/* the seed plan and one checker error: the REPL starts empty and keeps the text */
static const char broken_tail[] = "target CT9 \"x\033[2J\": nosuch < 5% by 2030\n";

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/plancheck-fuzz-repl-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    snprintf(plan_path, sizeof plan_path, "%s/seed.plan", dir);
    snprintf(data_path, sizeof data_path, "%s/seed.csv", dir);
    snprintf(broken_path, sizeof broken_path, "%s/broken.plan", dir);
    char broken[sizeof seed_plan + sizeof broken_tail];
    snprintf(broken, sizeof broken, "%s%s", seed_plan, broken_tail);
    if (write_file(plan_path, seed_plan) != 0 || write_file(data_path, seed_data) != 0 ||
        write_file(broken_path, broken) != 0)
        abort();
    devnull = fopen("/dev/null", "w");
    if (!devnull || !freopen("/dev/null", "w", stdout))
        abort();
    setenv("NO_COLOR", "1", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pc_session *s = pc_session_new();
    if (!s)
        return 0;
    /* the start: the seed plan and data; a first byte 0x01: the plan only; 0x02: nothing;
     * 0x03: the broken plan (loaded by the REPL itself) */
    int start = size && data[0] >= 1 && data[0] <= 3 ? data[0] : 0;
    if (start <= 1 && pc_load_plan(s, plan_path) == 0 && start == 0)
        session_load_data(s, data_path);
    diag_clear(&s->diags);
    FILE *err = stderr;
    stderr = devnull;   /* the REPL's diagnostics; sanitizer reports still reach fd 2 */
    repl *r = repl_open(s);
    if (r) {
        repl_sandbox(r, plan_path, data_path);
        if (start == 3)
            repl_start_plan(r, broken_path);
        char *line = malloc(size + 1);
        size_t i = start ? 1 : 0;
        while (line && i < size) {
            size_t n = 0;
            while (i + n < size && data[i + n] != '\n')
                n++;
            memcpy(line, data + i, n);
            line[n] = '\0';
            i += n + 1;
            /* getline hands over a line with its NULs; the REPL sees the C string */
            if (repl_feed(r, line))
                break;
        }
        free(line);
        repl_close(r);
    }
    stderr = err;
    pc_session_free(s);
    return 0;
}
