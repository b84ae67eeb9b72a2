/* fuzz_csv.c — libFuzzer target: arbitrary bytes as a data file, loaded with a spec that
 * keeps a few indicators (with units) and with no spec at all; then the same bytes through
 * a pipe, in small writes of a size taken from the input (as `--data -` or a FIFO gets
 * them), and as a mapped file. Must never crash, hang or leak; a successful load must give
 * a consistent dataset (annual views ascending); every way of feeding the bytes must give
 * the same outcome (status, counts, messages and their places). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dataset.h"
#include "diag.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const dataset *ds)
{
    static const char *inds[] = {"stunting", "obesity", "u5mr", "ind01"};
    for (size_t r = 0; r < ds_nregions(ds); r++)
        for (size_t i = 0; i < sizeof inds / sizeof inds[0]; i++) {
            const ds_series *s = ds_find(ds, inds[i], ds_region(ds, r), "");
            if (!s)
                continue;
            size_t cap = ds_yearly_cap(s);
            int *years = malloc(sizeof(int) * (cap + 1));
            double *values = malloc(sizeof(double) * (cap + 1));
            size_t n = ds_annual(s, 1 << 30, years, values, cap);
            for (size_t k = 1; k < n; k++)
                if (years[k] <= years[k - 1])
                    abort();
            free(years);
            free(values);
        }
}

typedef struct outcome {
    int rc;
    size_t rows, kept, nregions, ndiags;
    char *msgs;   /* "line:col:msg" of every diagnostic, one a line (malloc'd) */
} outcome;

static void load(const char *path, const uint8_t *data, size_t size, const ds_spec *spec, outcome *o)
{
    diag_sink d;
    diag_init(&d);
    dataset *ds = ds_new();
    memset(o, 0, sizeof *o);
    if (!ds) {
        o->rc = -2;
        return;
    }
    o->rc = path ? csv_load(ds, path, spec, &d) : csv_load_mem(ds, "fuzz.csv", (const char *)data, size, spec, &d);
    if (o->rc == 0) {
        walk(ds);
        o->rows = ds_get_stats(ds)->rows;
        o->kept = ds_get_stats(ds)->kept;
        o->nregions = ds_nregions(ds);
    }
    size_t len = 0;
    FILE *f = open_memstream(&o->msgs, &len);
    for (size_t i = 0; f && i < d.n; i++)
        fprintf(f, "%d:%d:%s\n", d.items[i].line, d.items[i].col, d.items[i].msg ? d.items[i].msg : "");
    if (f)
        fclose(f);
    o->ndiags = d.n;
    ds_free(ds);
    diag_free(&d);
}

static void same(const outcome *a, const outcome *b)
{
    if (a->rc != b->rc || a->rows != b->rows || a->kept != b->kept || a->nregions != b->nregions ||
        a->ndiags != b->ndiags || strcmp(a->msgs ? a->msgs : "", b->msgs ? b->msgs : "") != 0)
        abort();   /* the way the bytes came changed the result */
}

typedef struct feeder {
    int fd;
    const uint8_t *data;
    size_t size, piece;
} feeder;

static void *feed(void *arg)
{
    feeder *f = arg;
    for (size_t off = 0; off < f->size;) {
        size_t n = f->size - off < f->piece ? f->size - off : f->piece;
        ssize_t w = write(f->fd, f->data + off, n);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ds_spec_ind inds[] = {
        {"stunting", "%"}, {"obesity", "%"}, {"u5mr", "per 1000"}, {"ind01", NULL}};
    ds_spec spec = {inds, sizeof inds / sizeof inds[0]};
    outcome mem, other;
    load(NULL, data, size, NULL, &mem);
    free(mem.msgs);
    load(NULL, data, size, &spec, &mem);
    /* a pipe, in writes of 1 to 4,096 bytes (the last two bytes choose the size) */
    int p[2];
    if (pipe(p) == 0) {
        feeder f = {p[1], data, size, size >= 2 ? 1 + ((size_t)data[size - 1] << 4 | data[size - 2] >> 4) % 4096 : 1};
        pthread_t t;
        if (pthread_create(&t, NULL, feed, &f) == 0) {
            char path[32];
            snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
            load(path, NULL, 0, &spec, &other);
            pthread_join(t, NULL);
            same(&mem, &other);
            free(other.msgs);
        } else {
            close(p[1]);
        }
        close(p[0]);
    }
    /* a regular file (mapped) */
    int fd = memfd_create("fuzz.csv", MFD_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, data, size) == (ssize_t)size) {
            char path[32];
            snprintf(path, sizeof path, "/dev/fd/%d", fd);
            load(path, NULL, 0, &spec, &other);
            same(&mem, &other);
            free(other.msgs);
        }
        close(fd);
    }
    free(mem.msgs);
    return 0;
}
