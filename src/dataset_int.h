/* dataset_int.h — what the files of the dataset share (dataset.c, dataset_index.c,
 * dataset_batch.c): string tables, the series indexes, struct dataset and struct ds_batch.
 * Private to them; dataset.h is the dataset's face. */
#ifndef PC_DATASET_INT_H
#define PC_DATASET_INT_H

#include "dataset.h"
#include "mem.h"
#include "strmap.h"
#include <stddef.h>
#include <stdint.h>

enum { STR_REGION = 1, STR_IND = 2 };

/* ---- string tables (the dataset's and each batch's) ---- */

typedef struct strtab {
    arena *mem;       /* the strings, NUL-terminated */
    strmap map;       /* bytes -> id */
    char **str;
    uint32_t *len;
    uint8_t *region;  /* flags: STR_REGION appeared as a region, STR_IND as an indicator cell */
    size_t n, cap;
} strtab;

/* ---- an index of series by (indicator, region, dimkey): slots hold series index + 1 ---- */

typedef struct sindex {
    uint32_t *slot;
    size_t cap;   /* 0 or a power of two */
} sindex;

/* Series records of both kinds start with the three key fields. */
#define KEY_AT(base, stride, i) ((const uint32_t *)((const char *)(base) + (size_t)(stride) * (i)))

/* The index of series: a dense column per (indicator, dimkey), indexed by region id, while
 * that stays small (one load, no hashing, neighbours in memory for sorted data); past a
 * budget it turns into the hash index above for good. Values are series index + 1. */
typedef struct keyidx {
    uint64_t *ckey;           /* column table: (indicator << 32 | dimkey), open addressing */
    uint32_t *cnum;           /* column number + 1; 0: empty slot */
    size_t ccap;
    uint32_t **col;
    size_t ncols, capcols;
    size_t rcap;              /* entries in every column */
    int hashed;
    sindex hash;
} keyidx;

#define DENSE_BUDGET ((size_t)16 << 20)   /* entries over all columns: 64 MiB */

/* ---- the dataset ---- */

struct dataset {
    strtab s;
    uint32_t *regions;          /* sorted by name */
    size_t nregions, capregions;
    ds_series *series;
    size_t nseries, capseries;
    keyidx index;
    void **blocks;              /* shared observation storage (series with cap 0 point here) */
    size_t nblocks, capblocks;
    ds_stats stats;
    int latest_year;
    struct dsfile {
        char *name;
        ds_stats st;
    } files[DS_MAX_FILES];
    size_t nfiles;
    uint8_t *agg;               /* by string id: DS_AGG_… of that indicator */
    size_t aggcap;
    uint32_t *inds;             /* indicator cells seen, sorted by name */
    size_t ninds;
};

/* ---- batches: what one loader thread fills ---- */

typedef struct bseries {
    uint32_t ind, reg, dim;   /* batch-local string ids (same layout as ds_series' first fields) */
    uint32_t n, start;        /* rows [start, start + n) once grouped */
} bseries;

struct ds_batch {
    strtab s;
    bseries *ser;
    size_t nser, capser;
    keyidx index;
    ds_obs *rows;
    uint32_t *sid;            /* series of each row: only once rows are not grouped by series */
    size_t nrows, caprows;
    uint32_t last;            /* series of the previous row + 1 (rows usually come sorted) */
};

void strtab_free(strtab *t);
int strtab_intern(strtab *t, const char *s, size_t n, uint32_t *id);
int strtab_init(strtab *t);
void keyidx_free(keyidx *x);
uint32_t keyidx_find(const keyidx *x, const void *base, size_t stride, uint32_t a,
                     uint32_t b, uint32_t c);
int keyidx_add(keyidx *x, const void *base, size_t stride, size_t nitems, uint32_t a,
               uint32_t b, uint32_t c, uint32_t idx);
int reserve_series(dataset *ds, size_t n);
ds_series *get_series(dataset *ds, uint32_t ind, uint32_t reg, uint32_t dim);

#endif
