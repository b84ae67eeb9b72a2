/* dataset.c — indicator data in memory: interned strings, series indexed by integer keys,
 * compact observation storage, the annual view, what-if edits, and the batches loaders fill
 * (one per thread) and merge. It must not read files or parse text (csv.c does), nor know
 * anything of plans and statuses. */
#include "dataset.h"
#include "mem.h"
#include "numfmt.h"
#include "strmap.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <uninorm.h>

#include "dataset_int.h"
/* ---- periods ---- */

ds_period ds_period_make(int year, int kind, int n)
{
    int end;
    switch (kind) {
    case DS_MONTH: end = n >= 1 && n <= 12 ? n : 0; break;
    case DS_QUARTER: end = n >= 1 && n <= 4 ? 3 * n : 0; break;
    case DS_HALF: end = n >= 1 && n <= 2 ? 6 * n : 0; break;
    case DS_ANNUAL: end = 12; break;
    default: end = 0;
    }
    if (end == 0 || year < 1 || year > 9999)
        return 0;
    return (ds_period)(year * 10000 + end * 100 + kind);
}

int ds_period_format(ds_period p, char *buf, size_t len)
{
    int year = DS_PERIOD_YEAR(p), end = (p / 100) % 100, kind = p % 100, n;
    switch (kind) {
    case DS_MONTH: n = snprintf(buf, len, "%04d-%02d", year, end); break;
    case DS_QUARTER: n = snprintf(buf, len, "%04dQ%d", year, end / 3); break;
    case DS_HALF: n = snprintf(buf, len, "%04dS%d", year, end / 6); break;
    case DS_ANNUAL: n = snprintf(buf, len, "%04d", year); break;
    default: n = snprintf(buf, len, "?%d", (int)p);
    }
    return n < 0 || (size_t)n >= len ? -1 : n;
}

dataset *ds_new(void)
{
    dataset *ds = pc_calloc(1, sizeof *ds);
    if (!ds)
        return NULL;
    if (strtab_init(&ds->s) < 0) {
        strtab_free(&ds->s);
        pc_free(ds);
        return NULL;
    }
    return ds;
}

void ds_free(dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->nseries; i++)
        if (ds->series[i].cap)
            pc_free(ds->series[i].obs);
    for (size_t i = 0; i < ds->nblocks; i++)
        pc_free(ds->blocks[i]);
    pc_free(ds->blocks);
    pc_free(ds->series);
    keyidx_free(&ds->index);
    pc_free(ds->regions);
    for (size_t i = 0; i < ds->nfiles; i++)
        pc_free(ds->files[i].name);
    pc_free(ds->agg);
    pc_free(ds->inds);
    strtab_free(&ds->s);
    pc_free(ds);
}

uint32_t ds_intern(dataset *ds, const char *s, size_t n)
{
    uint32_t id;
    return strtab_intern(&ds->s, s, n, &id) < 0 ? UINT32_MAX : id;
}

char *ds_nfc(const char *s, size_t n, size_t *out_len)
{
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    if (i == n) {
        char *c = pc_malloc(n + 1);
        if (c) {
            memcpy(c, s, n);
            c[n] = '\0';
            *out_len = n;
        }
        return c;
    }
    size_t len = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &len);
    if (!r)
        return NULL;
    char *c = pc_malloc(len + 1);   /* libunistring allocates with malloc: copy into ours */
    if (c) {
        memcpy(c, r, len);
        c[len] = '\0';
        *out_len = len;
    }
    free(r);
    return c;
}

int ds_lookup_str(const dataset *ds, const char *s, size_t n, uint32_t *id)
{
    if (strmap_get(&ds->s.map, s, n, id))
        return 1;
    size_t i = 0;   /* not found as written: as NFC (the data's names are stored so) */
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    if (i == n)
        return 0;
    size_t len;
    char *c = ds_nfc(s, n, &len);
    int found = c && (len != n || memcmp(c, s, n) != 0) && strmap_get(&ds->s.map, c, len, id);
    pc_free(c);
    return found;
}

const char *ds_str(const dataset *ds, uint32_t id)
{
    return id < ds->s.n ? ds->s.str[id] : NULL;
}

int ds_dimkey(const char *const *dims, const char *const *values, size_t n, char *buf, size_t len)
{
    size_t order[64], m = 0;
    if (n > 64)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!dims[i] || !values[i] || !values[i][0])
            continue;
        size_t j = m++;   /* insertion sort by name */
        while (j > 0 && strcmp(dims[order[j - 1]], dims[i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    size_t o = 0;
    for (size_t k = 0; k < m; k++) {
        size_t dl = strlen(dims[order[k]]), vl = strlen(values[order[k]]);
        if (o + (k > 0) + dl + 1 + vl + 1 > len)
            return -1;
        if (k > 0)
            buf[o++] = '\x1f';
        memcpy(buf + o, dims[order[k]], dl);
        o += dl;
        buf[o++] = '=';
        memcpy(buf + o, values[order[k]], vl);
        o += vl;
    }
    if (len == 0)
        return -1;
    buf[o] = '\0';
    return (int)o;
}

void ds_dimkey_format(const char *dimkey, char *buf, size_t len)
{
    size_t k = 0;
    for (const char *p = dimkey; *p && k + 8 < len; p++) {
        if (*p == '=') {
            memcpy(buf + k, " = \"", 4);
            k += 4;
        } else if (*p == '\x1f') {
            memcpy(buf + k, "\", ", 3);
            k += 3;
        } else {
            buf[k++] = *p;
        }
    }
    if (k && k + 1 < len)
        buf[k++] = '"';
    if (len)
        buf[k < len ? k : len - 1] = '\0';
}

/* ---- regions ---- */

size_t ds_nregions(const dataset *ds) { return ds->nregions; }
const char *ds_region(const dataset *ds, size_t i)
{
    return i < ds->nregions ? ds->s.str[ds->regions[i]] : NULL;
}
uint32_t ds_region_id(const dataset *ds, size_t i)
{
    return i < ds->nregions ? ds->regions[i] : UINT32_MAX;
}

typedef struct named {
    const char *name;
    uint32_t id;
} named;

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Rebuild the sorted list from the flags. */
static int rebuild_regions(dataset *ds)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->s.n; i++)
        n += ds->s.region[i] & STR_REGION;
    if (n > ds->capregions) {
        uint32_t *r = pc_realloc(ds->regions, n * sizeof *r);
        if (!r)
            return -1;
        ds->regions = r;
        ds->capregions = n;
    }
    ds->nregions = 0;
    for (size_t i = 0; i < ds->s.n; i++)
        if (ds->s.region[i] & STR_REGION)
            ds->regions[ds->nregions++] = (uint32_t)i;
    if (ds->nregions > 1) {
        named *tmp = pc_malloc(ds->nregions * sizeof *tmp);
        if (!tmp)
            return -1;
        for (size_t i = 0; i < ds->nregions; i++)
            tmp[i] = (named){ds->s.str[ds->regions[i]], ds->regions[i]};
        qsort(tmp, ds->nregions, sizeof *tmp, cmp_named);
        for (size_t i = 0; i < ds->nregions; i++)
            ds->regions[i] = tmp[i].id;
        pc_free(tmp);
    }
    return 0;
}

/* Mark id as a region, keeping the sorted list (for ds_set). */
static int add_region(dataset *ds, uint32_t id)
{
    if (ds->s.region[id] & STR_REGION)
        return 0;
    if (ds->nregions == ds->capregions) {
        size_t ncap = ds->capregions ? ds->capregions * 2 : 16;
        uint32_t *r = pc_realloc(ds->regions, ncap * sizeof *r);
        if (!r)
            return -1;
        ds->regions = r;
        ds->capregions = ncap;
    }
    const char *name = ds->s.str[id];
    size_t lo = 0, hi = ds->nregions;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(ds->s.str[ds->regions[mid]], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(ds->regions + lo + 1, ds->regions + lo, (ds->nregions - lo) * sizeof *ds->regions);
    ds->regions[lo] = id;
    ds->nregions++;
    ds->s.region[id] |= STR_REGION;
    return 0;
}

/* ---- series ---- */

const ds_series *ds_find_ids(const dataset *ds, uint32_t indicator, uint32_t region, uint32_t dimkey)
{
    uint32_t found = keyidx_find(&ds->index, ds->series, sizeof *ds->series, indicator, region, dimkey);
    return found ? &ds->series[found - 1] : NULL;
}

const ds_series *ds_find(const dataset *ds, const char *indicator, const char *region, const char *dimkey)
{
    uint32_t i, r, d = 0;
    if (!ds_lookup_str(ds, indicator, strlen(indicator), &i) ||
        !ds_lookup_str(ds, region, strlen(region), &r))
        return NULL;
    if (dimkey && dimkey[0] && !ds_lookup_str(ds, dimkey, strlen(dimkey), &d))
        return NULL;
    return ds_find_ids(ds, i, r, d);
}

int reserve_series(dataset *ds, size_t n)
{
    if (n > UINT32_MAX - 1)
        return -1;
    if (n > ds->capseries) {
        size_t ncap = ds->capseries ? ds->capseries : 64;
        while (ncap < n)
            ncap *= 2;
        ds_series *s = pc_realloc(ds->series, ncap * sizeof *s);
        if (!s)
            return -1;
        ds->series = s;
        ds->capseries = ncap;
    }
    return 0;
}

/* The series of the key, created empty if need be; NULL on OOM. */
ds_series *get_series(dataset *ds, uint32_t ind, uint32_t reg, uint32_t dim)
{
    if (reserve_series(ds, ds->nseries + 1) < 0)
        return NULL;
    uint32_t found = keyidx_find(&ds->index, ds->series, sizeof *ds->series, ind, reg, dim);
    if (found)
        return &ds->series[found - 1];
    ds_series *s = &ds->series[ds->nseries];
    memset(s, 0, sizeof *s);
    s->indicator = ind;
    s->region = reg;
    s->dimkey = dim;
    s->agg = ind < ds->aggcap ? ds->agg[ind] : DS_AGG_NONE;
    if (keyidx_add(&ds->index, ds->series, sizeof *ds->series, ds->nseries + 1, ind, reg, dim,
                   (uint32_t)ds->nseries) < 0)
        return NULL;
    ds->nseries++;
    return s;
}

size_t ds_yearly_cap(const ds_series *s) { return s ? s->n : 0; }

/* The obs of one year from obs[i] on: where it ends (*next), and its value by agg:
 * 1 with *v set, 0 when the year gives none (all empty, or a sum short of periods: *have
 * and *need then say how many). */
static int year_value(const ds_obs *obs, uint32_t i, uint32_t n, int agg, uint32_t *next,
                      double *v, int *have, int *need)
{
    int y = DS_PERIOD_YEAR(obs[i].period), finest = DS_ANNUAL + 1;
    uint32_t j = i;
    int annual = -1;
    for (; j < n && DS_PERIOD_YEAR(obs[j].period) == y; j++) {
        if (isnan(obs[j].value))
            continue;
        int kind = obs[j].period % 100;
        if (kind == DS_ANNUAL)
            annual = (int)j;
        else if (kind < finest)
            finest = kind;
    }
    *next = j;
    *have = *need = 0;
    if (annual >= 0) {
        *v = obs[annual].value;
        return 1;
    }
    if (finest > DS_ANNUAL)
        return 0;
    double sum = 0;
    int cnt = 0;
    for (uint32_t k = i; k < j; k++)
        if (!isnan(obs[k].value) && obs[k].period % 100 == finest) {
            sum += obs[k].value;
            cnt++;
        }
    *have = cnt;
    *need = finest == DS_MONTH ? 12 : finest == DS_QUARTER ? 4 : 2;
    if (agg == DS_AGG_SUM && cnt < *need)
        return 0;
    *v = agg == DS_AGG_SUM ? sum : sum / cnt;
    return 1;
}

static size_t annual_aggregated(const ds_series *s, int year_max, int *years, double *values, size_t cap)
{
    size_t n = 0;
    uint32_t i = 0;
    while (i < s->n && n < cap) {
        int y = DS_PERIOD_YEAR(s->obs[i].period), have, need;
        if (y > year_max)
            break;
        uint32_t next;
        double v;
        if (year_value(s->obs, i, s->n, (int)s->agg, &next, &v, &have, &need)) {
            years[n] = y;
            values[n++] = v;
        }
        i = next;
    }
    return n;
}

size_t ds_annual(const ds_series *s, int year_max, int *years, double *values, size_t cap)
{
    size_t n = 0;
    if (!s)
        return 0;
    if (s->agg == DS_AGG_SUM || s->agg == DS_AGG_MEAN)
        return annual_aggregated(s, year_max, years, values, cap);
    for (uint32_t i = 0; i < s->n; i++) {
        const ds_obs *o = &s->obs[i];
        int y = DS_PERIOD_YEAR(o->period);
        if (y > year_max)
            break;
        if (isnan(o->value))
            continue;
        /* periods sort by end, then length: the last reading of a year is its year-end one */
        if (n > 0 && years[n - 1] == y) {
            values[n - 1] = o->value;
        } else if (n < cap) {
            years[n] = y;
            values[n] = o->value;
            n++;
        } else {
            break;
        }
    }
    return n;
}

static int latest_of_all(const dataset *ds)
{
    int latest = 0;
    for (size_t i = 0; i < ds->nseries; i++) {
        const ds_series *s = &ds->series[i];
        for (uint32_t k = s->n; k-- > 0;)
            if (!isnan(s->obs[k].value)) {
                if (DS_PERIOD_YEAR(s->obs[k].period) > latest)
                    latest = DS_PERIOD_YEAR(s->obs[k].period);
                break;
            }
    }
    return latest;
}

int ds_set(dataset *ds, const char *indicator, const char *region, const char *dimkey, ds_period p,
           double value)
{
    if (p <= 0)
        return -1;
    uint32_t ind = ds_intern(ds, indicator, strlen(indicator));
    uint32_t reg = ds_intern(ds, region, strlen(region));
    uint32_t dim = dimkey ? ds_intern(ds, dimkey, strlen(dimkey)) : 0;
    if (ind == UINT32_MAX || reg == UINT32_MAX || dim == UINT32_MAX || add_region(ds, reg) < 0)
        return -1;
    ds_series *s = get_series(ds, ind, reg, dim);
    if (!s)
        return -1;
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (s->obs[mid].period < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    int found = lo < s->n && s->obs[lo].period == p;
    int year = DS_PERIOD_YEAR(p);
    if (isnan(value)) {
        if (found) {
            memmove(s->obs + lo, s->obs + lo + 1, (s->n - lo - 1) * sizeof *s->obs);
            s->n--;
            if (year >= ds->latest_year)
                ds->latest_year = latest_of_all(ds);
        }
        return 0;
    }
    if (found) {
        s->obs[lo].value = value;
        s->obs[lo].line = 0;
    } else {
        if (s->cap == 0 || s->n == s->cap) {
            if (s->n > UINT32_MAX / 2 - 8)
                return -1;
            uint32_t ncap = s->n * 2 + 4;
            ds_obs *o = pc_malloc(ncap * sizeof *o);
            if (!o)
                return -1;
            if (s->n)
                memcpy(o, s->obs, s->n * sizeof *o);
            if (s->cap)
                pc_free(s->obs);
            s->obs = o;
            s->cap = ncap;
        }
        memmove(s->obs + lo + 1, s->obs + lo, (s->n - lo) * sizeof *s->obs);
        s->obs[lo] = (ds_obs){p, 0, value};
        s->n++;
    }
    if (year > ds->latest_year)
        ds->latest_year = year;
    return 0;
}

const ds_stats *ds_get_stats(const dataset *ds) { return &ds->stats; }

size_t ds_nfiles(const dataset *ds) { return ds->nfiles; }

const char *ds_file(const dataset *ds, size_t i, ds_stats *st)
{
    if (i >= ds->nfiles)
        return NULL;
    if (st)
        *st = ds->files[i].st;
    return ds->files[i].name;
}

int ds_begin_file(dataset *ds, const char *name)
{
    if (ds->nfiles >= DS_MAX_FILES)
        return -1;
    char *copy = pc_strndup(name, strlen(name));
    if (!copy)
        return -1;
    ds->files[ds->nfiles].name = copy;
    memset(&ds->files[ds->nfiles].st, 0, sizeof ds->files[ds->nfiles].st);
    return (int)ds->nfiles++;
}

void ds_obs_where(const dataset *ds, uint32_t line, char *buf, size_t len)
{
    unsigned f = DS_OBS_FILE(line);
    const char *name = f < ds->nfiles ? ds->files[f].name : "?";
    snprintf(buf, len, "%s:%u", name, DS_OBS_LINE(line));
}

int ds_set_aggregate(dataset *ds, const char *indicator, int agg)
{
    uint32_t id = ds_intern(ds, indicator, strlen(indicator));
    if (id == UINT32_MAX)
        return -1;
    if (id >= ds->aggcap) {
        size_t ncap = ds->aggcap ? ds->aggcap : 64;
        while (ncap <= id)
            ncap *= 2;
        uint8_t *a = pc_realloc(ds->agg, ncap);
        if (!a)
            return -1;
        memset(a + ds->aggcap, 0, ncap - ds->aggcap);
        ds->agg = a;
        ds->aggcap = ncap;
    }
    ds->agg[id] = (uint8_t)agg;
    for (size_t i = 0; i < ds->nseries; i++)
        if (ds->series[i].indicator == id)
            ds->series[i].agg = (uint32_t)agg;
    return 0;
}

size_t ds_incomplete(const dataset *ds, const char *indicator, const ds_series **example, int *year,
                     int *have, int *need)
{
    uint32_t id;
    size_t count = 0;
    if (!ds_lookup_str(ds, indicator, strlen(indicator), &id))
        return 0;
    for (size_t i = 0; i < ds->nseries; i++) {
        const ds_series *s = &ds->series[i];
        if (s->indicator != id || s->agg != DS_AGG_SUM)
            continue;
        for (uint32_t k = 0, next; k < s->n; k = next) {
            double v;
            int h, nd;
            if (!year_value(s->obs, k, s->n, DS_AGG_SUM, &next, &v, &h, &nd) && nd) {
                if (!count++) {
                    *example = s;
                    *year = DS_PERIOD_YEAR(s->obs[k].period);
                    *have = h;
                    *need = nd;
                }
            }
        }
    }
    return count;
}

size_t ds_nindicators(const dataset *ds) { return ds->ninds; }
const char *ds_indicator(const dataset *ds, size_t i) { return i < ds->ninds ? ds->s.str[ds->inds[i]] : NULL; }

int ds_indicator_has_total(const dataset *ds, const char *indicator, const char **example)
{
    uint32_t id;
    *example = "";
    if (!ds_lookup_str(ds, indicator, strlen(indicator), &id))
        return 0;
    for (size_t i = 0; i < ds->nseries; i++) {
        const ds_series *s = &ds->series[i];
        if (s->indicator != id || !s->n)
            continue;
        if (s->dimkey == 0)
            return 1;
        if (!**example || ds->s.len[s->dimkey] < strlen(*example))   /* the fewest parts */
            *example = ds->s.str[s->dimkey];
    }
    return 0;
}

int ds_indicator_has_dimkey(const dataset *ds, const char *indicator, const char *dimkey)
{
    uint32_t id, dk = 0;
    if (!ds_lookup_str(ds, indicator, strlen(indicator), &id) ||
        (dimkey[0] && !ds_lookup_str(ds, dimkey, strlen(dimkey), &dk)))
        return 0;
    for (size_t i = 0; i < ds->nseries; i++)
        if (ds->series[i].indicator == id && ds->series[i].dimkey == dk && ds->series[i].n)
            return 1;
    return 0;
}

int ds_indicator_years(const dataset *ds, const char *indicator, int *min_year, int *max_year)
{
    uint32_t id;
    *min_year = *max_year = 0;
    if (!ds_lookup_str(ds, indicator, strlen(indicator), &id))
        return 0;
    for (size_t i = 0; i < ds->nseries; i++) {
        const ds_series *s = &ds->series[i];
        if (s->indicator != id)
            continue;
        for (uint32_t k = 0; k < s->n; k++) {
            if (isnan(s->obs[k].value))
                continue;
            int y = DS_PERIOD_YEAR(s->obs[k].period);
            if (!*min_year || y < *min_year)
                *min_year = y;
            if (y > *max_year)
                *max_year = y;
        }
    }
    return *min_year != 0;
}

/* The sorted list of indicator cells from the flags. */
static int rebuild_indicators(dataset *ds)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->s.n; i++)
        n += (ds->s.region[i] & STR_IND) != 0;
    uint32_t *a = pc_realloc(ds->inds, (n ? n : 1) * sizeof *a);
    if (!a)
        return -1;
    ds->inds = a;
    ds->ninds = 0;
    named *tmp = pc_malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    for (size_t i = 0; i < ds->s.n; i++)
        if (ds->s.region[i] & STR_IND)
            tmp[ds->ninds++] = (named){ds->s.str[i], (uint32_t)i};
    qsort(tmp, ds->ninds, sizeof *tmp, cmp_named);
    for (size_t i = 0; i < ds->ninds; i++)
        ds->inds[i] = tmp[i].id;
    pc_free(tmp);
    return 0;
}
int ds_latest_year(const dataset *ds) { return ds->latest_year; }
size_t ds_nseries(const dataset *ds) { return ds->nseries; }
const ds_series *ds_series_at(const dataset *ds, size_t i) { return &ds->series[i]; }

/* ---- finishing a load ---- */

static int cmp_obs(const void *a, const void *b)
{
    const ds_obs *x = a, *y = b;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void sort_obs(ds_obs *o, uint32_t n)
{
    if (n > 32) {
        qsort(o, n, sizeof *o, cmp_obs);
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        ds_obs v = o[i];
        uint32_t j = i;
        while (j > 0 && cmp_obs(&o[j - 1], &v) > 0) {
            o[j] = o[j - 1];
            j--;
        }
        o[j] = v;
    }
}

static void fmt_value(double v, char *buf)
{
    if (isnan(v))
        strcpy(buf, "empty");
    else
        numfmt_shortest(v, buf);
}

/* "stunting" or "stunting[area=rural, sex=f]" */
static void fmt_series(const dataset *ds, const ds_series *s, char *buf, size_t len)
{
    const char *dim = ds->s.str[s->dimkey];
    int n = snprintf(buf, len, "%s", ds->s.str[s->indicator]);
    if (!dim[0] || n < 0 || (size_t)n + 4 >= len)
        return;
    size_t o = (size_t)n;
    buf[o++] = '[';
    for (const char *p = dim; *p && o + 4 < len; p++) {
        if (*p == '\x1f') {
            buf[o++] = ',';
            buf[o++] = ' ';
        } else {
            buf[o++] = *p;
        }
    }
    buf[o++] = ']';
    buf[o] = '\0';
}

int ds_finish_load(dataset *ds, const ds_stats *counts, const char *file, diag_sink *diags)
{
    return ds_finish_load_ex(ds, counts, file, diags, NULL, NULL);
}

int ds_finish_load_ex(dataset *ds, const ds_stats *counts, const char *file, diag_sink *diags,
                      ds_explain_fn explain, void *ctx)
{
    int nerr = 0;
    size_t dups = 0;
    int miny = 0, maxy = 0;
    for (size_t i = 0; i < ds->nseries; i++) {
        ds_series *s = &ds->series[i];
        uint32_t k = 1;
        while (k < s->n && s->obs[k - 1].period < s->obs[k].period)
            k++;
        if (k < s->n) {
            sort_obs(s->obs, s->n);
            uint32_t w = 0;
            for (uint32_t r = 1; r < s->n; r++) {
                ds_obs *keep = &s->obs[w], *o = &s->obs[r];
                if (o->period != keep->period) {
                    s->obs[++w] = *o;
                    continue;
                }
                if (o->value == keep->value || (isnan(o->value) && isnan(keep->value))) {
                    dups++;
                    continue;
                }
                char name[256], per[16], here[NUMFMT_MAX], there[NUMFMT_MAX], why[512] = "";
                char where[300];
                fmt_series(ds, s, name, sizeof name);
                ds_period_format(o->period, per, sizeof per);
                fmt_value(o->value, here);
                fmt_value(keep->value, there);
                unsigned fo = DS_OBS_FILE(o->line), fk = DS_OBS_FILE(keep->line);
                if (fo == fk)
                    snprintf(where, sizeof where, "at line %u", DS_OBS_LINE(keep->line));
                else
                    ds_obs_where(ds, keep->line, where, sizeof where);
                if (explain && nerr <= 100)
                    explain(ctx, o->line, keep->line, why, sizeof why);
                const char *in = fo < ds->nfiles ? ds->files[fo].name : file;
                if (nerr <= 100)
                    diag_line(diags, DIAG_ERROR, in, (int)DS_OBS_LINE(o->line), 0, NULL, 0,
                              "%s value for %s, %s, %s: %s here, %s %s%s%s", fo == fk ? "duplicate" : "conflicting",
                              name, ds->s.str[s->region], per, here, there, fo == fk ? "" : "in ", where, why);
                nerr++;
            }
            s->n = s->n ? w + 1 : 0;
        }
        for (uint32_t r = 0; r < s->n; r++) {
            if (isnan(s->obs[r].value))
                continue;
            int y = DS_PERIOD_YEAR(s->obs[r].period);
            if (miny == 0 || y < miny)
                miny = y;
            if (y > maxy)
                maxy = y;
        }
    }
    if (rebuild_regions(ds) < 0 || rebuild_indicators(ds) < 0)
        return -1;
    if (ds->nfiles) {
        ds_stats *fs = &ds->files[ds->nfiles - 1].st;
        fs->rows += counts->rows;
        fs->kept += counts->kept;
        fs->skipped += counts->skipped;
        fs->empty += counts->empty;
    }
    ds->stats.rows += counts->rows;
    ds->stats.kept += counts->kept;
    ds->stats.skipped += counts->skipped;
    ds->stats.empty += counts->empty;
    ds->stats.dups += dups;
    ds->stats.min_year = miny;
    ds->stats.max_year = maxy;
    if (maxy > ds->latest_year)
        ds->latest_year = maxy;
    return nerr;
}
