/* dataset.h — indicator data in memory, indexed for assessment at national scale.
 * A dataset holds series keyed by (indicator, region, dimension cells); each series is a
 * sorted array of observations. It knows nothing of plans or statuses. */
#ifndef PC_DATASET_H
#define PC_DATASET_H
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

/* A period: year, half year (2024S1), quarter (2024Q3) or month (2024-06).
 * Encoded so that codes sort by the end of the period, then by length:
 *   code = year * 10000 + end_month * 100 + kind, kind 0 month, 1 quarter, 2 half, 3 year. */
typedef int32_t ds_period;
#define DS_PERIOD_YEAR(p) ((int)((p) / 10000))
enum { DS_MONTH = 0, DS_QUARTER = 1, DS_HALF = 2, DS_ANNUAL = 3 };
ds_period ds_period_make(int year, int kind, int n);  /* n: month 1-12, quarter 1-4, half 1-2; annual: ignored; 0 if invalid */
/* Years have four digits (1000-9999); "S", "Q" may also be written "s", "q"; a month also
 * as DHIS2 writes it, "202406". */
int ds_period_parse(const char *s, size_t n, ds_period *out);  /* 0 ok, -1 bad */
int ds_period_format(ds_period p, char *buf, size_t len);    /* "2024", "2024S1", "2024Q3", "2024-06"; length, -1 */

typedef struct ds_obs {
    ds_period period;
    uint32_t line;        /* line of the data file it came from (0: set in the REPL); with
                           * several files, the file's index is in the top DS_FILE_BITS */
    double value;         /* NaN: the cell was empty (missing) */
} ds_obs;

/* Several files load into one dataset: an observation's line holds its file's index. */
#define DS_FILE_BITS 4
#define DS_MAX_FILES (1 << DS_FILE_BITS)
#define DS_LINE_MASK ((1u << (32 - DS_FILE_BITS)) - 1)
#define DS_OBS_FILE(line) ((unsigned)(line) >> (32 - DS_FILE_BITS))
#define DS_OBS_LINE(line) ((unsigned)(line) & DS_LINE_MASK)

/* How sub-annual values become one value a year (the plan's `aggregate`). */
enum { DS_AGG_NONE = 0, DS_AGG_SUM = 1, DS_AGG_MEAN = 2, DS_AGG_LAST = 3 };

typedef struct ds_series {
    uint32_t indicator, region, dimkey;   /* interned ids (ds_str) */
    ds_obs *obs;                          /* sorted by period, no duplicate periods */
    uint32_t n, cap;                      /* cap 0: obs lies in the dataset's shared storage */
    uint32_t agg;                         /* DS_AGG_…, from the indicator (ds_set_aggregate) */
} ds_series;

/* Annual view of a series, what assessment works on: one value per year, ascending, no
 * missing values. A year with an annual row takes it. A year with only sub-annual rows
 * takes, by the series' aggregate: `last` (and none) the latest-ending one (of two periods
 * ending in the same month the longer wins: S2 over Q4 over the month 12); `sum` and
 * `mean` the sum or mean of the year's values of its shortest period kind (months, else
 * quarters, else halves) — a `sum` only when the year has every one of them (12 months,
 * 4 quarters, 2 halves), else the year is left out (ds_incomplete counts them). Missing
 * (empty) cells are ignored first: an empty annual cell does not hide the quarters. */
typedef struct ds_yearly {
    const int *years;
    const double *values;
    size_t n;
} ds_yearly;

/* What the plan needs from a file; everything else is skipped and counted. */
typedef struct ds_spec_ind {
    const char *name;
    const char *unit;     /* canonical unit string ("%", "per 1000", "" bare), NULL: unchecked */
    const char *const *codes;   /* the data's own codes: rows with these are stored as name */
    size_t ncodes;
    int agg;              /* DS_AGG_…: NONE makes sub-annual rows an error */
} ds_spec_ind;
typedef struct ds_spec {
    const ds_spec_ind *inds;  /* NULL: keep every indicator */
    size_t ninds;
    /* dims_declared: only the columns named in dims (case-insensitive) are dimensions, every
     * other column is an annotation; 0: every extra column is a dimension (no plan) */
    int dims_declared;
    const char *const *dims;
    size_t ndims;
} ds_spec;

typedef struct dataset dataset;

dataset *ds_new(void);
void ds_free(dataset *ds);

/* Interned strings: id 0 is the empty string. */
uint32_t ds_intern(dataset *ds, const char *s, size_t n);   /* UINT32_MAX on OOM */
int ds_lookup_str(const dataset *ds, const char *s, size_t n, uint32_t *id); /* 1 found */
const char *ds_str(const dataset *ds, uint32_t id);

/* Canonical dimension key of a selector: "area=rural" pairs sorted by dimension name
 * (byte order), joined by '\x1f'; "" for the total. Pairs with an empty value are left out
 * (an empty cell in the data means "all" along that dimension). Written NUL-terminated into
 * buf; returns its length, or -1 when it does not fit in len bytes. A data row's key is the
 * same function of its non-empty dimension cells. */
int ds_dimkey(const char *const *dims, const char *const *values, size_t n, char *buf, size_t len);

/* A dimension key as a selector is written: 'age = "Y0T4", sex = "F"' (cut to fit len). */
void ds_dimkey_format(const char *dimkey, char *buf, size_t len);

/* Regions: every region that appears in any row read, even rows skipped or with an
 * empty value, sorted in byte order. */
size_t ds_nregions(const dataset *ds);
const char *ds_region(const dataset *ds, size_t i);
uint32_t ds_region_id(const dataset *ds, size_t i);

/* The series, or NULL. dimkey NULL means "" (the total). A pointer stays valid until the
 * next ds_set() or load into the same dataset. */
const ds_series *ds_find(const dataset *ds, const char *indicator, const char *region, const char *dimkey);
const ds_series *ds_find_ids(const dataset *ds, uint32_t indicator, uint32_t region, uint32_t dimkey);
/* Every series, in no particular order (i < ds_nseries). */
size_t ds_nseries(const dataset *ds);
const ds_series *ds_series_at(const dataset *ds, size_t i);

/* Fill an annual view of s up to year_max inclusive (INT32_MAX: all) into the caller's
 * buffers of cap entries each (ds_yearly_cap(s) entries always suffice); returns n. */
size_t ds_yearly_cap(const ds_series *s);
size_t ds_annual(const ds_series *s, int year_max, int *years, double *values, size_t cap);

/* Set or remove a value (REPL what-if). Returns 0, -1 on OOM. value NaN removes. */
int ds_set(dataset *ds, const char *indicator, const char *region, const char *dimkey, ds_period p, double value);

/* Statistics of the loads (summed over the files loaded). */
typedef struct ds_stats {
    size_t rows, kept, skipped, empty;   /* data rows read; kept; of unused indicators; empty value */
    int min_year, max_year;              /* over kept rows with a value; 0 if none */
    size_t dups;                         /* kept rows repeating an earlier row's key and value */
} ds_stats;
const ds_stats *ds_get_stats(const dataset *ds);

/* The files loaded into ds, in order, with their own counts (rows, kept, skipped, empty). */
size_t ds_nfiles(const dataset *ds);
const char *ds_file(const dataset *ds, size_t i, ds_stats *st);
/* Start loading one more file: observations merged from now on carry its index. Returns
 * the index, -1 on OOM or when DS_MAX_FILES files are loaded already. */
int ds_begin_file(dataset *ds, const char *name);
/* "file:line" of an observation's line, into buf. */
void ds_obs_where(const dataset *ds, uint32_t line, char *buf, size_t len);

/* The indicator's aggregation (applies to its series now and later). 0, -1 OOM. */
int ds_set_aggregate(dataset *ds, const char *indicator, int agg);
/* Series-years a `sum` leaves out for want of periods, and one example of them. */
size_t ds_incomplete(const dataset *ds, const char *indicator, const ds_series **example, int *year,
                     int *have, int *need);
/* Every indicator cell seen in the loads (kept or skipped), sorted in byte order. */
size_t ds_nindicators(const dataset *ds);
const char *ds_indicator(const dataset *ds, size_t i);
/* Has the indicator a series without dimensions (the total)? If not, *example gets the
 * dimension key of its series with the shortest key ("" when it has none). */
int ds_indicator_has_total(const dataset *ds, const char *indicator, const char **example);
/* Has the indicator a series with this dimension key (any region)? */
int ds_indicator_has_dimkey(const dataset *ds, const char *indicator, const char *dimkey);
/* Earliest and latest year with a value of the indicator (any region); 0 if none. */
int ds_indicator_years(const dataset *ds, const char *indicator, int *min_year, int *max_year);

/* Unicode NFC of s (libunistring) into a new pc_malloc'd string, or NULL (OOM, or invalid
 * UTF-8); *out_len gets its length. Plain ASCII is returned copied. */
char *ds_nfc(const char *s, size_t n, size_t *out_len);
int ds_latest_year(const dataset *ds);   /* latest year with any value, 0 if none */

/* Load a tidy CSV file (DESIGN.md §3). Errors go to diags with "file:line:" locations;
 * returns 0 on success, -1 on any error (the dataset is then not to be used). spec NULL
 * keeps every indicator. path "-" reads standard input. At most 100 errors are reported,
 * then a note "too many errors, stopping". */
int csv_load(dataset *ds, const char *path, const ds_spec *spec, diag_sink *diags);
int csv_load_mem(dataset *ds, const char *name, const char *text, size_t len,
                 const ds_spec *spec, diag_sink *diags);

/* Tuning of a load. threads 0: the online CPUs (at most 8), or the environment variable
 * PLANCHECK_THREADS; min_chunk 0: 4 MiB (a file is split in chunks no smaller than that,
 * one thread each). Results do not depend on either. */
typedef struct csv_opts {
    int threads;
    size_t min_chunk;
    const char *format;   /* a CSV layout by name (csv, sdmx, sdg, dhis2, wide); NULL: from the header */
} csv_opts;
int csv_load_ex(dataset *ds, const char *path, const ds_spec *spec, const csv_opts *opts,
                diag_sink *diags);
int csv_load_mem_ex(dataset *ds, const char *name, const char *text, size_t len,
                    const ds_spec *spec, const csv_opts *opts, diag_sink *diags);

/* Correctly rounded decimal to double for the plain forms a data file holds
 * ("17", "-0.5", "18.25", "1e3", ".5", "+2"); 0 ok, -1 not a finite number (also "nan",
 * "inf", hex, "1,5", spaces, and values that overflow). */
int ds_parse_number(const char *s, size_t n, double *out);

/* Canonical unit of a unit cell or declaration: "%", "per 1000", "per 100000", "" (a bare
 * number: "", "number", "count", "ratio"), matched loosely ("‰", "per 1,000", "/1000",
 * "percent" …); NULL when not one of those. */
const char *ds_unit_canonical(const char *s, size_t n);

/* ---- For loaders (csv.c; later SDMX, DHIS2, SQLite) ----
 * A loader fills one batch per thread (a batch has its own string ids and needs no locks),
 * merges the batches into the dataset in file order, then finishes the load. */
typedef struct ds_batch ds_batch;
ds_batch *ds_batch_new(void);
void ds_batch_free(ds_batch *b);
/* Batch-local string ids; 0 is "". *len (may be NULL) gets the length. -1 on OOM. */
int ds_batch_intern(ds_batch *b, const char *s, size_t n, uint32_t *id);
const char *ds_batch_str(const ds_batch *b, uint32_t id, size_t *len);
int ds_batch_add_region(ds_batch *b, uint32_t id);                       /* 0, -1 OOM */
int ds_batch_add_indicator(ds_batch *b, uint32_t id);   /* an indicator cell seen; 0, -1 */
int ds_batch_reserve(ds_batch *b, size_t rows);   /* room for rows rows in all (a hint); 0, -1 OOM */
int ds_batch_add(ds_batch *b, uint32_t indicator, uint32_t region, uint32_t dimkey,
                 ds_period p, uint32_t line, double value);                /* 0, -1 OOM */
/* Move b's data into ds (b is left empty). line_offset is added to every line number, and
 * the index of the file begun last (ds_begin_file) is put in its top bits. */
int ds_merge(dataset *ds, ds_batch *b, uint32_t line_offset);
/* After the last merge of a file: sort each series, drop repeated rows, report two
 * different values for one key as errors (at the later row's file:line, naming the other's
 * file:line), add the counts (rows, kept, skipped, empty) to the stats (the rest is
 * computed) and rebuild the sorted region list. explain (may be NULL) may add why two rows
 * collide (e.g. they differ only in an annotation column) to the message: it gets the two
 * lines (with file bits) and writes a NUL-terminated text into buf. Returns the number of
 * errors reported, -1 on OOM. */
typedef void (*ds_explain_fn)(void *ctx, uint32_t line_here, uint32_t line_there, char *buf, size_t len);
int ds_finish_load(dataset *ds, const ds_stats *counts, const char *file, diag_sink *diags);
int ds_finish_load_ex(dataset *ds, const ds_stats *counts, const char *file, diag_sink *diags,
                      ds_explain_fn explain, void *ctx);

#endif
