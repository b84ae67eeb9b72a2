/* import_layout.h — the column layouts of the CSV-shaped data formats (import_layout.c). */
#ifndef PC_IMPORT_LAYOUT_H
#define PC_IMPORT_LAYOUT_H
#include <stddef.h>

typedef struct csv_layout {
    const char *name;                  /* csv, sdmx, sdg, dhis2, wide */
    /* header names (any case), in order of preference; NULL-terminated */
    const char *const *ind, *const *reg, *const *year, *const *val, *const *unit;
    const char *const *dims;           /* the format's own dimension columns */
    const char *dim_name;              /* NULL, or the one name all of dims go by (DHIS2) */
    const char *const *annots;         /* columns known to be annotations */
    int code_dims;      /* SDMX: every other column named like an SDMX id (A-Z, 0-9, _) before the period is a dimension */
    int bracket_dims;   /* SDG download: "[Sex]" columns are dimensions */
    int strip_labels;   /* SDMX labels=both: "VNM: Viet Nam" is the code VNM (headers and code cells) */
    int wide;           /* every other column is an indicator and its cells are values */
} csv_layout;

const csv_layout *csv_layout_named(const char *name);   /* NULL: unknown */
/* The layout of a header (column names; NULL entries are skipped): tidy when none fits. */
const csv_layout *csv_layout_detect(char *const *names, size_t n);
/* Is name in the NULL-terminated list (without regard to case)? */
int csv_layout_in(const char *const *list, const char *name);
/* The part of a column name that identifies it (SDMX: before ':'); *len its length. The
 * result may be a per-thread buffer valid until the next call. */
const char *csv_layout_key(const csv_layout *l, const char *name, size_t *len);
/* Is a dimension cell a total code (_T, BOTHSEX, ALLAGE, ALLAREA, DHIS2's default …)? */
int csv_layout_total(const char *s, size_t n);

#endif
