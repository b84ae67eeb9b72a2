/* fuzz_csv.c — libFuzzer target: arbitrary bytes as a data file, loaded with a spec that
 * keeps a few indicators (with units) and with no spec at all. Must never crash, hang or
 * leak; a successful load must give a consistent dataset (annual views ascending). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"
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
            walk(ds);
        ds_free(ds);
        diag_free(&d);
    }
    return 0;
}
