/* walk.h — what the data fuzz targets check after a successful load: every series of the
 * given indicators has an annual view in ascending years (abort() otherwise). */
#ifndef PC_FUZZ_WALK_H
#define PC_FUZZ_WALK_H
#include <stdlib.h>
#include "dataset.h"

static void fuzz_walk(const dataset *ds, const char *const *inds, size_t ninds)
{
    for (size_t r = 0; r < ds_nregions(ds); r++)
        for (size_t i = 0; i < ninds; i++) {
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

#endif
