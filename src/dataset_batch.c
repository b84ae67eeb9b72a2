/* dataset_batch.c — the batches loaders fill (one per thread): their rows, series and
 * strings, grouped by series, then merged into the dataset with their line offsets. */
#include "dataset_int.h"
#include <string.h>
#include <sys/mman.h>

ds_batch *ds_batch_new(void)
{
    ds_batch *b = pc_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (strtab_init(&b->s) < 0) {
        ds_batch_free(b);
        return NULL;
    }
    return b;
}

static void batch_clear(ds_batch *b)
{
    strtab_free(&b->s);
    pc_free(b->ser);
    keyidx_free(&b->index);
    pc_free(b->rows);
    pc_free(b->sid);
    memset(b, 0, sizeof *b);
}

void ds_batch_free(ds_batch *b)
{
    if (!b)
        return;
    batch_clear(b);
    pc_free(b);
}

int ds_batch_intern(ds_batch *b, const char *s, size_t n, uint32_t *id)
{
    return strtab_intern(&b->s, s, n, id);
}

const char *ds_batch_str(const ds_batch *b, uint32_t id, size_t *len)
{
    if (id >= b->s.n)
        return NULL;
    if (len)
        *len = b->s.len[id];
    return b->s.str[id];
}

int ds_batch_add_region(ds_batch *b, uint32_t id)
{
    if (id >= b->s.n)
        return -1;
    b->s.region[id] |= STR_REGION;
    return 0;
}

int ds_batch_add_indicator(ds_batch *b, uint32_t id)
{
    if (id >= b->s.n)
        return -1;
    b->s.region[id] |= STR_IND;
    return 0;
}

/* Rows stop being grouped by series: record every row's series from now on. */
static int batch_scatter(ds_batch *b)
{
    b->sid = pc_malloc((b->caprows ? b->caprows : 1) * sizeof *b->sid);
    if (!b->sid)
        return -1;
    for (size_t i = 0; i < b->nser; i++)
        for (uint32_t k = 0; k < b->ser[i].n; k++)
            b->sid[b->ser[i].start + k] = (uint32_t)i;
    return 0;
}

/* Ask for transparent huge pages on a big array: far fewer page faults when it fills. */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + n) & ~(huge - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

static int batch_rows_cap(ds_batch *b, size_t ncap)
{
    ds_obs *r = pc_realloc(b->rows, ncap * sizeof *r);
    if (!r)
        return -1;
    b->rows = r;
    if (b->sid) {
        uint32_t *s = pc_realloc(b->sid, ncap * sizeof *s);
        if (!s)
            return -1;
        b->sid = s;
    }
    b->caprows = ncap;
    advise_huge(b->rows, ncap * sizeof *r);
    return 0;
}

int ds_batch_reserve(ds_batch *b, size_t rows)
{
    if (rows > UINT32_MAX)
        rows = UINT32_MAX;
    /* Room for series and strings too, guessed generously: a big block that is never
     * touched costs only address space, while growing by doubling rewrites (and, on a
     * virtual machine, page-faults) every intermediate copy. */
    size_t nser = rows / 4;
    if (nser > b->capser && nser > 4096) {
        bseries *s = pc_realloc(b->ser, nser * sizeof *s);
        if (!s)
            return -1;
        b->ser = s;
        b->capser = nser;
    }
    if (rows / 128 > 1024 && strmap_reserve(&b->s.map, rows / 128) < 0)
        return -1;
    return rows > b->caprows ? batch_rows_cap(b, rows) : 0;
}

static int batch_grow_rows(ds_batch *b)
{
    size_t ncap = b->caprows ? b->caprows * 2 : 1024;
    if (ncap > UINT32_MAX)
        ncap = UINT32_MAX;
    if (b->nrows >= ncap)
        return -1;   /* 4G rows in one batch */
    return batch_rows_cap(b, ncap);
}

static uint32_t batch_series(ds_batch *b, uint32_t ind, uint32_t reg, uint32_t dim)
{
    if (b->nser >= b->capser) {
        size_t ncap = b->capser ? b->capser * 2 : 256;
        if (ncap > UINT32_MAX - 1)
            return UINT32_MAX;
        bseries *s = pc_realloc(b->ser, ncap * sizeof *s);
        if (!s)
            return UINT32_MAX;
        b->ser = s;
        b->capser = ncap;
    }
    uint32_t found = keyidx_find(&b->index, b->ser, sizeof *b->ser, ind, reg, dim);
    if (found)
        return found - 1;
    bseries *s = &b->ser[b->nser];
    s->ind = ind;
    s->reg = reg;
    s->dim = dim;
    s->n = 0;
    s->start = (uint32_t)b->nrows;
    if (keyidx_add(&b->index, b->ser, sizeof *b->ser, b->nser + 1, ind, reg, dim,
                   (uint32_t)b->nser) < 0)
        return UINT32_MAX;
    return (uint32_t)(b->nser++);
}

int ds_batch_add(ds_batch *b, uint32_t ind, uint32_t reg, uint32_t dim, ds_period p,
                 uint32_t line, double value)
{
    uint32_t si;
    const bseries *ls = b->last ? &b->ser[b->last - 1] : NULL;
    if (ls && ls->ind == ind && ls->reg == reg && ls->dim == dim) {
        si = b->last - 1;
    } else {
        si = batch_series(b, ind, reg, dim);
        if (si == UINT32_MAX)
            return -1;
        bseries *s = &b->ser[si];
        if (s->n == 0)
            s->start = (uint32_t)b->nrows;
        else if (!b->sid && batch_scatter(b) < 0)
            return -1;
        b->last = si + 1;
    }
    if (b->nrows == b->caprows && batch_grow_rows(b) < 0)
        return -1;
    ds_obs *o = &b->rows[b->nrows];
    o->period = p;
    o->line = line;
    o->value = value;
    if (b->sid)
        b->sid[b->nrows] = si;
    b->nrows++;
    b->ser[si].n++;
    return 0;
}

/* Group the rows by series (stable: file order within a series). */
static int batch_group(ds_batch *b)
{
    if (!b->sid)
        return 0;
    ds_obs *g = pc_malloc((b->nrows ? b->nrows : 1) * sizeof *g);
    if (!g)
        return -1;
    uint32_t at = 0;
    for (size_t i = 0; i < b->nser; i++) {
        b->ser[i].start = at;
        at += b->ser[i].n;
    }
    for (size_t r = 0; r < b->nrows; r++)   /* start is the write cursor here */
        g[b->ser[b->sid[r]].start++] = b->rows[r];
    for (size_t i = 0; i < b->nser; i++)
        b->ser[i].start -= b->ser[i].n;
    pc_free(b->rows);
    pc_free(b->sid);
    b->sid = NULL;
    b->rows = g;
    b->caprows = b->nrows;
    return 0;
}

int ds_merge(dataset *ds, ds_batch *b, uint32_t line_offset)
{
    int rc = -1, lent = 0;
    uint32_t *gid = NULL;
    if (batch_group(b) < 0)
        goto out;
    if (b->nrows < b->caprows && b->nrows > 0) {   /* give back the slack before lending */
        ds_obs *r = pc_realloc(b->rows, b->nrows * sizeof *r);
        if (r) {
            b->rows = r;
            b->caprows = b->nrows;
        }
    }
    gid = pc_malloc((b->s.n ? b->s.n : 1) * sizeof *gid);
    if (!gid || strmap_reserve(&ds->s.map, ds->s.n + b->s.n) < 0)
        goto out;
    for (size_t i = 0; i < b->s.n; i++) {
        if (strtab_intern(&ds->s, b->s.str[i], b->s.len[i], &gid[i]) < 0)
            goto out;
        ds->s.region[gid[i]] |= b->s.region[i];
    }
    uint32_t fbits = ds->nfiles ? (uint32_t)(ds->nfiles - 1) << (32 - DS_FILE_BITS) : 0;
    if (line_offset || fbits)
        for (size_t r = 0; r < b->nrows; r++)
            b->rows[r].line = (b->rows[r].line > DS_LINE_MASK - line_offset
                                   ? DS_LINE_MASK : b->rows[r].line + line_offset) | fbits;
    if (reserve_series(ds, ds->nseries + b->nser) < 0)
        goto out;
    if (PC_GROW(ds->blocks, ds->capblocks, ds->nblocks) < 0)   /* so that keeping cannot fail */
        goto out;
    for (size_t i = 0; i < b->nser; i++) {
        const bseries *bs = &b->ser[i];
        ds_series *s = get_series(ds, gid[bs->ind], gid[bs->reg], gid[bs->dim]);
        if (!s)
            goto out;
        if (bs->n == 0)
            continue;
        if (s->n == 0) {
            if (s->cap)
                pc_free(s->obs);
            s->obs = b->rows + bs->start;
            s->n = bs->n;
            s->cap = 0;
            lent = 1;
        } else {   /* the series goes on from an earlier batch: it gets its own array */
            size_t total = (size_t)s->n + bs->n;
            if (total > UINT32_MAX)
                goto out;
            ds_obs *o = pc_malloc(total * sizeof *o);
            if (!o)
                goto out;
            memcpy(o, s->obs, s->n * sizeof *o);
            memcpy(o + s->n, b->rows + bs->start, bs->n * sizeof *o);
            if (s->cap)
                pc_free(s->obs);
            s->obs = o;
            s->n = s->cap = (uint32_t)total;
        }
    }
    rc = 0;
out:
    if (lent) {   /* series borrow from b->rows: the dataset keeps it, even on failure */
        ds->blocks[ds->nblocks++] = b->rows;
        b->rows = NULL;
    }
    pc_free(gid);
    batch_clear(b);
    if (rc == 0 && strtab_init(&b->s) < 0)
        rc = -1;
    return rc;
}
