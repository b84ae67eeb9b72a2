/* fuzz_xlsx.c — libFuzzer target: arbitrary bytes as an .xlsx workbook (seed it with
 * tests/data/formats/book.xlsx: the zip layer then gets past its checks). Must never
 * crash, hang or leak, and a failed load must say why. */
#include <stdint.h>
#include <stdlib.h>
#include "dataset.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ds_spec_ind inds[] = {{"stunting", "%", NULL, 0, DS_AGG_LAST}};
    static const char *const dims[] = {"sex"};
    ds_spec spec = {inds, 1, 1, dims, 1};
    diag_sink d;
    diag_init(&d);
    dataset *ds = ds_new();
    if (ds && import_xlsx(ds, "fuzz.xlsx", (const char *)data, size, NULL, &spec, &d) != 0 && d.nerrors == 0 && !d.oom)
        abort();
    ds_free(ds);
    diag_free(&d);
    return 0;
}
