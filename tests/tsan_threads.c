/* tsan_threads.c — the threaded parts of libplancheck under ThreadSanitizer, for
 * tests/sanitize.sh (Criterion cannot start under TSan: its test arena collides with
 * TSan's memory layout, Criterion issue #274, so the unit tests cannot carry this). It runs
 * the allocator from four threads (its counter must be exact) and the CSV loader on four
 * threads over a generated file (the same result as one thread). Exit 0, or 1 with a
 * message; TSan's own reports make the run fail through TSAN_OPTIONS' exitcode. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"
#include "diag.h"
#include "mem.h"

static void *allocate(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50000; i++)
        pc_free(pc_malloc(32));
    return NULL;
}

static int check_allocator(void)
{
    pc_mem_fail_after(0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, allocate, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    if (pc_mem_count() != 200000) {
        fprintf(stderr, "tsan_threads: allocator counted %ld of 200000 allocations\n", pc_mem_count());
        return 1;
    }
    return 0;
}

/* Load text with n threads (chunks of at least 64 KiB); the statistics and the errors. */
static int load(const char *text, size_t len, int n, ds_stats *st, size_t *nerr)
{
    dataset *ds = ds_new();
    diag_sink d;
    diag_init(&d);
    csv_opts o = {n, 1 << 16};
    int rc = csv_load_mem_ex(ds, "gen.csv", text, len, NULL, &o, &d);
    *st = *ds_get_stats(ds);
    *nerr = d.n;
    ds_free(ds);
    diag_free(&d);
    return rc;
}

static int check_loader(void)
{
    size_t cap = 8 << 20, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "indicator,region,year,value\n");
    for (int r = 0; len + 64 < cap; r++)
        len += (size_t)snprintf(text + len, cap - len, "ind%02d,R%06d,%d,%d.%d\n", r % 20, r / 20, 2015 + r % 10,
                                r % 97, r % 10);
    ds_stats one, four;
    size_t e1, e4;
    int rc1 = load(text, len, 1, &one, &e1), rc4 = load(text, len, 4, &four, &e4);
    free(text);
    if (rc1 != rc4 || one.rows != four.rows || one.kept != four.kept || e1 != e4) {
        fprintf(stderr, "tsan_threads: 4 threads loaded %zu rows (%zu errors), 1 thread %zu (%zu)\n", four.rows, e4,
                one.rows, e1);
        return 1;
    }
    printf("tsan_threads: allocator and loader agree on 4 threads (%zu rows)\n", four.rows);
    return 0;
}

int main(void)
{
    return check_allocator() | check_loader();
}
