/* fuzz_csv.c — libFuzzer target: arbitrary bytes as a data file, loaded with a spec that
 * keeps a few indicators (with units) and with no spec at all. Must never crash, hang or
 * leak; a successful load must give a consistent dataset (annual views ascending). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"
#include "mem.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const walk_inds[] = {"stunting", "obesity", "u5mr", "ind01"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ds_spec_ind inds[] = {
        {"stunting", "%"}, {"obesity", "%"}, {"u5mr", "per 1000"}, {"ind01", NULL}};
    ds_spec spec = {inds, sizeof inds / sizeof inds[0]};
    for (int pass = 0; pass < 2; pass++) {
        diag_sink d;
        diag_init(&d);
        dataset *ds = ds_new();
        if (ds && csv_load_mem(ds, "fuzz.csv", (const char *)data, size, pass ? NULL : &spec, &d) == 0)
            fuzz_walk(ds, walk_inds, sizeof walk_inds / sizeof walk_inds[0]);
        ds_free(ds);
        diag_free(&d);
    }
    return 0;
}
