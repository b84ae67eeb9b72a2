/* dataset_index.c — the dataset's and each batch's string tables (interned, NUL-terminated)
 * and the index of series by (indicator, region, dimkey): dense columns while small, a
 * hash past a budget. Knows nothing of files or plans. */
#include "dataset_int.h"
#include <string.h>

void strtab_free(strtab *t)
{
    arena_free(t->mem);
    strmap_free(&t->map);
    pc_free(t->str);
    pc_free(t->len);
    pc_free(t->region);
    memset(t, 0, sizeof *t);
}

static int strtab_grow(strtab *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    char **s = pc_realloc(t->str, ncap * sizeof *s);
    if (!s)
        return -1;
    t->str = s;
    uint32_t *l = pc_realloc(t->len, ncap * sizeof *l);
    if (!l)
        return -1;
    t->len = l;
    uint8_t *r = pc_realloc(t->region, ncap);
    if (!r)
        return -1;
    memset(r + t->cap, 0, ncap - t->cap);
    t->region = r;
    t->cap = ncap;
    return 0;
}

int strtab_intern(strtab *t, const char *s, size_t n, uint32_t *id)
{
    if (n >= UINT32_MAX)
        return -1;
    uint64_t h = strmap_hash(s, n);
    if (strmap_get_h(&t->map, s, n, h, id))
        return 0;
    if (t->n >= UINT32_MAX - 1)
        return -1;
    if (!t->mem && !(t->mem = arena_new()))
        return -1;
    if (t->n == t->cap && strtab_grow(t) < 0)
        return -1;
    char *copy = arena_strndup(t->mem, n ? s : "", n);
    if (!copy || strmap_put_h(&t->map, copy, n, h, (uint32_t)t->n) < 0)
        return -1;
    t->str[t->n] = copy;
    t->len[t->n] = (uint32_t)n;
    t->region[t->n] = 0;
    *id = (uint32_t)t->n++;
    return 0;
}

int strtab_init(strtab *t)
{
    memset(t, 0, sizeof *t);
    uint32_t id;
    return strtab_intern(t, "", 0, &id);   /* id 0 is "" */
}

static inline size_t key3_hash(uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ULL ^ (uint64_t)b * 0xC2B2AE3D27D4EB4FULL ^
                 (uint64_t)c * 0x165667B19E3779F9ULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return (size_t)h;
}

/* The slot of the key: its series index + 1 in *found, or 0 and the empty slot. */
static size_t sindex_find(const sindex *x, const void *base, size_t stride, uint32_t a,
                          uint32_t b, uint32_t c, uint32_t *found)
{
    size_t mask = x->cap - 1, i = key3_hash(a, b, c) & mask;
    for (;;) {
        uint32_t v = x->slot[i];
        if (v == 0) {
            *found = 0;
            return i;
        }
        const uint32_t *k = KEY_AT(base, stride, v - 1);
        if (k[0] == a && k[1] == b && k[2] == c) {
            *found = v;
            return i;
        }
        i = (i + 1) & mask;
    }
}

/* Make room for n series (load factor <= 1/2); rebuilds from the series array. */
static int sindex_reserve(sindex *x, const void *base, size_t stride, size_t nitems, size_t n)
{
    if (x->cap >= 2 * n && x->cap > 0)
        return 0;
    size_t need = 64;
    while (need < 2 * n) {
        if (need > SIZE_MAX / 8)
            return -1;
        need *= 2;
    }
    if (need <= x->cap)
        return 0;
    uint32_t *ns = pc_calloc(need, sizeof *ns);
    if (!ns)
        return -1;
    size_t mask = need - 1;
    for (size_t i = 0; i < nitems; i++) {
        const uint32_t *k = KEY_AT(base, stride, i);
        size_t j = key3_hash(k[0], k[1], k[2]) & mask;
        while (ns[j])
            j = (j + 1) & mask;
        ns[j] = (uint32_t)(i + 1);
    }
    pc_free(x->slot);
    x->slot = ns;
    x->cap = need;
    return 0;
}

static void keyidx_free_dense(keyidx *x)
{
    for (size_t i = 0; i < x->ncols; i++)
        pc_free(x->col[i]);
    pc_free(x->col);
    pc_free(x->ckey);
    pc_free(x->cnum);
    x->col = NULL;
    x->ckey = NULL;
    x->cnum = NULL;
    x->ccap = x->ncols = x->capcols = x->rcap = 0;
}

void keyidx_free(keyidx *x)
{
    keyidx_free_dense(x);
    pc_free(x->hash.slot);
    memset(x, 0, sizeof *x);
}

static inline size_t col_slot(const keyidx *x, uint64_t key)
{
    size_t mask = x->ccap - 1, i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 40) & mask;
    while (x->cnum[i] && x->ckey[i] != key)
        i = (i + 1) & mask;
    return i;
}

uint32_t keyidx_find(const keyidx *x, const void *base, size_t stride, uint32_t a,
                     uint32_t b, uint32_t c)
{
    if (x->hashed) {
        uint32_t found = 0;
        if (x->hash.cap)
            sindex_find(&x->hash, base, stride, a, b, c, &found);
        return found;
    }
    if (b >= x->rcap || !x->ccap)
        return 0;
    uint32_t cn = x->cnum[col_slot(x, (uint64_t)a << 32 | c)];
    return cn ? x->col[cn - 1][b] : 0;
}

/* Give up the dense columns: index base[0..nitems) by hashing from now on. */
static int keyidx_go_hashed(keyidx *x, const void *base, size_t stride, size_t nitems)
{
    keyidx_free_dense(x);
    x->hashed = 1;
    return sindex_reserve(&x->hash, base, stride, nitems, nitems);
}

/* Index item idx, already at base[idx]; nitems = idx + 1. 0, -1 on OOM. */
int keyidx_add(keyidx *x, const void *base, size_t stride, size_t nitems, uint32_t a,
               uint32_t b, uint32_t c, uint32_t idx)
{
    if (!x->hashed) {
        if (b >= x->rcap) {
            size_t ncap = x->rcap ? x->rcap : 1024;
            while (ncap <= b)
                ncap *= 2;
            if (x->ncols * ncap > DENSE_BUDGET)
                return keyidx_go_hashed(x, base, stride, nitems);
            for (size_t i = 0; i < x->ncols; i++) {
                uint32_t *cl = pc_realloc(x->col[i], ncap * sizeof *cl);
                if (!cl)
                    return -1;
                memset(cl + x->rcap, 0, (ncap - x->rcap) * sizeof *cl);
                x->col[i] = cl;
            }
            x->rcap = ncap;
        }
        uint64_t key = (uint64_t)a << 32 | c;
        size_t slot = x->ccap ? col_slot(x, key) : 0;
        if (!x->ccap || !x->cnum[slot]) {   /* a new column */
            if ((x->ncols + 1) * x->rcap > DENSE_BUDGET)
                return keyidx_go_hashed(x, base, stride, nitems);
            if (2 * (x->ncols + 1) > x->ccap) {
                size_t ncap = x->ccap ? x->ccap * 2 : 16;
                uint64_t *nk = pc_malloc(ncap * sizeof *nk);
                uint32_t *nn = pc_calloc(ncap, sizeof *nn);
                if (!nk || !nn) {
                    pc_free(nk);
                    pc_free(nn);
                    return -1;
                }
                keyidx old = *x;
                x->ckey = nk;
                x->cnum = nn;
                x->ccap = ncap;
                for (size_t i = 0; i < old.ccap; i++)
                    if (old.cnum[i]) {
                        size_t j = col_slot(x, old.ckey[i]);
                        x->ckey[j] = old.ckey[i];
                        x->cnum[j] = old.cnum[i];
                    }
                pc_free(old.ckey);
                pc_free(old.cnum);
                slot = col_slot(x, key);
            }
            if (PC_GROW(x->col, x->capcols, x->ncols) < 0)
                return -1;
            uint32_t *cl = pc_calloc(x->rcap, sizeof *cl);
            if (!cl)
                return -1;
            x->col[x->ncols++] = cl;
            x->ckey[slot] = key;
            x->cnum[slot] = (uint32_t)x->ncols;
        }
        x->col[x->cnum[slot] - 1][b] = idx + 1;
        return 0;
    }
    if (sindex_reserve(&x->hash, base, stride, nitems, nitems) < 0)
        return -1;
    uint32_t found;
    size_t slot = sindex_find(&x->hash, base, stride, a, b, c, &found);
    if (!found)
        x->hash.slot[slot] = idx + 1;
    return 0;
}
