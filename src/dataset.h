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
ds_period ds_period_make(int year, int kind, int n);  /* n: month 1-12, quarter 1-4, half 1-2; annual: ignored */
int ds_period_parse(const char *s, size_t n, ds_period *out);  /* 0 ok, -1 bad */
int ds_period_format(ds_period p, char *buf, size_t len);    /* "2024", "2024S1", "2024Q3", "2024-06" */

typedef struct ds_obs {
    ds_period period;
    uint32_t line;        /* line of the data file it came from (0: set in the REPL) */
    double value;         /* NaN: the cell was empty (missing) */
} ds_obs;

typedef struct ds_series {
    uint32_t indicator, region, dimkey;   /* interned ids (ds_str) */
    ds_obs *obs;                          /* sorted by period, no duplicate periods */
    uint32_t n, cap;
} ds_series;

/* Annual view of a series, what assessment works on: one value per year, ascending, no
 * missing values. A year with an annual row takes it; a year with only sub-annual rows
 * takes the latest-ending one (the year-end reading). */
typedef struct ds_yearly {
    const int *years;
    const double *values;
    size_t n;
} ds_yearly;

/* What the plan needs from a file; everything else is skipped and counted. */
typedef struct ds_spec_ind {
    const char *name;
    const char *unit;     /* canonical unit string ("%", "per 1000", "" bare), NULL: unchecked */
} ds_spec_ind;
typedef struct ds_spec {
    const ds_spec_ind *inds;  /* NULL: keep every indicator */
    size_t ninds;
} ds_spec;

typedef struct dataset dataset;

dataset *ds_new(void);
void ds_free(dataset *ds);

/* Interned strings: id 0 is the empty string. */
uint32_t ds_intern(dataset *ds, const char *s, size_t n);   /* UINT32_MAX on OOM */
int ds_lookup_str(const dataset *ds, const char *s, size_t n, uint32_t *id); /* 1 found */
const char *ds_str(const dataset *ds, uint32_t id);

/* Canonical dimension key of a selector: "area=rural" pairs sorted by dimension name,
 * joined by '\x1f'; "" for the total. Written into buf; returns its length or -1. */
int ds_dimkey(const char *const *dims, const char *const *values, size_t n, char *buf, size_t len);

/* Regions: every region that appears in any row read, even rows skipped or with an
 * empty value, sorted in byte order. */
size_t ds_nregions(const dataset *ds);
const char *ds_region(const dataset *ds, size_t i);
uint32_t ds_region_id(const dataset *ds, size_t i);

/* The series, or NULL. */
const ds_series *ds_find(const dataset *ds, const char *indicator, const char *region, const char *dimkey);
const ds_series *ds_find_ids(const dataset *ds, uint32_t indicator, uint32_t region, uint32_t dimkey);

/* Fill an annual view of s up to year_max inclusive (INT32_MAX: all) into the caller's
 * buffers of cap entries each (ds_yearly_cap(s) entries always suffice); returns n. */
size_t ds_yearly_cap(const ds_series *s);
size_t ds_annual(const ds_series *s, int year_max, int *years, double *values, size_t cap);

/* Set or remove a value (REPL what-if). Returns 0, -1 on OOM. value NaN removes. */
int ds_set(dataset *ds, const char *indicator, const char *region, const char *dimkey, ds_period p, double value);

/* Statistics of the last load. */
typedef struct ds_stats {
    size_t rows, kept, skipped, empty;   /* data rows read; kept; of unused indicators; empty value */
    int min_year, max_year;              /* over kept rows with a value; 0 if none */
} ds_stats;
const ds_stats *ds_get_stats(const dataset *ds);
int ds_latest_year(const dataset *ds);   /* latest year with any value, 0 if none */

/* Load a tidy CSV file (DESIGN.md §3). Errors go to diags with "file:line:" locations;
 * returns 0 on success, -1 on any error (the dataset is then not to be used). */
int csv_load(dataset *ds, const char *path, const ds_spec *spec, diag_sink *diags);
int csv_load_mem(dataset *ds, const char *name, const char *text, size_t len,
                 const ds_spec *spec, diag_sink *diags);

/* Correctly rounded decimal to double for the plain forms a data file holds
 * ("17", "-0.5", "18.25", "1e3"); 0 ok, -1 not a finite number. */
int ds_parse_number(const char *s, size_t n, double *out);

#endif
