/* fuzz_layouts.c — libFuzzer target: arbitrary bytes as a data file in each CSV layout
 * (the first byte picks tidy, SDMX, SDG, DHIS2, wide, or recognition from the header),
 * loaded with a plan-like spec: codes, declared dimensions, every aggregation. Then the
 * annual views and the load warnings. Must never crash, hang or leak; annual views ascend. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"
#include "import.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const codes[] = {"SH.STA.STNT.ZS", "NT_ANT_HAZ_NE2_MOD", "f7n9E0hX8qk"};
static const char *const dims[] = {"sex", "area"};
static const ds_spec_ind inds[] = {
    {"stunting", "%", codes, 3, DS_AGG_NONE}, {"births", "", NULL, 0, DS_AGG_SUM},
    {"rate", NULL, NULL, 0, DS_AGG_MEAN},     {"stock", NULL, NULL, 0, DS_AGG_LAST}};

static const char *const walk_inds[] = {"stunting", "births", "rate", "stock"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {NULL, "csv", "sdmx", "sdg", "dhis2", "wide"};
    if (size < 1)
        return 0;
    ds_spec spec = {inds, sizeof inds / sizeof inds[0], 1, dims, 2};
    csv_opts o = {1, 0, formats[data[0] % 6]};
    diag_sink d;
    diag_init(&d);
    dataset *ds = ds_new();
    if (ds && csv_load_mem_ex(ds, "fuzz.csv", (const char *)data + 1, size - 1, &spec, &o, &d) == 0) {
        fuzz_walk(ds, walk_inds, sizeof walk_inds / sizeof walk_inds[0]);
        import_warnings(ds, &spec, &d);
    }
    ds_free(ds);
    diag_free(&d);
    return 0;
}
