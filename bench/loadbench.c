/* loadbench.c — times csv_load on a bench file (gen.py output) with a spec of ind01..ind20
 * and prints the load statistics and peak RSS. A measuring tool only, not part of the build:
 *   gcc -std=gnu11 -O2 -Isrc -o /tmp/loadbench bench/loadbench.c src/csv.c src/dataset.c \
 *       src/numfmt.c src/strmap.c src/mem.c src/diag.c -lm -lpthread
 *   /tmp/loadbench bench/data/large/data.csv [THREADS] */
#include "dataset.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: loadbench FILE [THREADS]\n");
        return 2;
    }
    ds_spec_ind inds[20];
    char names[20][8];
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "ind%02d", i + 1);
        inds[i].name = names[i];
        inds[i].unit = "%";
    }
    ds_spec spec = {inds, 20};
    csv_opts opts = {argc > 2 ? atoi(argv[2]) : 0, 0};
    dataset *ds = ds_new();
    diag_sink d;
    diag_init(&d);
    double t0 = now();
    int rc = csv_load_ex(ds, argv[1], &spec, &opts, &d);
    double t1 = now();
    diag_print(stderr, &d, 0);
    const ds_stats *st = ds_get_stats(ds);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("rc=%d load=%.3fs rows=%zu kept=%zu skipped=%zu empty=%zu dups=%zu years=%d..%d "
           "regions=%zu maxrss=%ldMB\n",
           rc, t1 - t0, st->rows, st->kept, st->skipped, st->empty, st->dups, st->min_year,
           st->max_year, ds_nregions(ds), ru.ru_maxrss / 1024);
    ds_free(ds);
    diag_free(&d);
    return rc ? 1 : 0;
}
