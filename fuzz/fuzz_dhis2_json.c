/* fuzz_dhis2_json.c — libFuzzer target: arbitrary bytes as a DHIS2 data value set in JSON.
 * Must never crash, hang or leak, and a failed load must say why. */
#include <stdint.h>
#include <stdlib.h>
#include "dataset.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const codes[] = {"f7n9E0hX8qk"};
    static const ds_spec_ind inds[] = {{"stunting", "%", codes, 1, DS_AGG_MEAN}};
    ds_spec spec = {inds, 1, 1, NULL, 0};
    diag_sink d;
    diag_init(&d);
    dataset *ds = ds_new();
    if (ds && import_dhis2_json(ds, "fuzz.json", (const char *)data, size, &spec, &d) != 0 && d.nerrors == 0 && !d.oom)
        abort();   /* a failure without a message */
    ds_free(ds);
    diag_free(&d);
    return 0;
}
