/* import_dhis2_json.c — DHIS2 data value sets in JSON ({"dataValues": [{"dataElement",
 * "period", "orgUnit", "categoryOptionCombo", "value", …}]}), parsed by jansson. Each data
 * value becomes one row of the DHIS2 layout and goes through csv.c's row stage, so the
 * rules are the same as for every format; a problem is reported at its JSON path
 * (dataValues[12]). It must not print or keep the document after the load. */
#include "import.h"
#include "mem.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* A field of a data value as a quoted CSV cell: strings as they are (a line break becomes
 * a control byte, so that one data value stays one line and is refused as a name), numbers
 * as JSON wrote them, missing or null empty. Returns -1 for another JSON type. */
static int put_cell(import_buf *b, json_t *v, int last)
{
    char num[64];
    const char *s = "";
    size_t n = 0;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (json_is_integer(v)) {
        n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
    } else if (json_is_real(v)) {
        n = (size_t)snprintf(num, sizeof num, "%.17g", json_real_value(v));
        s = num;
    } else if (v && !json_is_null(v)) {
        return -1;
    }
    import_buf_cell(b, s, n);
    import_buf_add(b, last ? "\n" : ",", 1);
    return 0;
}

static const char *const keys[] = {"dataElement", "period", "orgUnit", "categoryOptionCombo",
                                   "attributeOptionCombo", "value", "comment"};
#define NKEYS (sizeof keys / sizeof keys[0])

/* The data values as DHIS2 CSV text; 0, or -1 with an error added. */
static int to_csv(const char *name, json_t *root, import_buf *b, diag_sink *diags)
{
    json_t *arr = json_is_array(root) ? root : json_object_get(root, "dataValues");
    if (!json_is_array(arr)) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0,
                  "not a DHIS2 data value set: expected {\"dataValues\": [ … ]}");
        return -1;
    }
    import_buf_add(b, "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,comment\n", 82);
    size_t i;
    json_t *dv;
    json_array_foreach(arr, i, dv)
    {
        if (!json_is_object(dv)) {
            diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "dataValues[%zu]: not an object", i);
            return -1;
        }
        for (size_t k = 0; k < NKEYS; k++)
            if (put_cell(b, json_object_get(dv, keys[k]), k + 1 == NKEYS) < 0) {
                diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0,
                          "dataValues[%zu].%s: expected a string or a number", i, keys[k]);
                return -1;
            }
    }
    if (b->oom) {
        diag_line(diags, DIAG_ERROR, name, 0, 0, NULL, 0, "out of memory");
        return -1;
    }
    return 0;
}

int import_dhis2_json(dataset *ds, const char *name, const char *text, size_t len,
                      const ds_spec *spec, diag_sink *diags)
{
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &err);
    if (!root) {
        diag_line(diags, DIAG_ERROR, name, err.line > 0 ? err.line : 0, err.column > 0 ? err.column : 0,
                  NULL, 0, "bad JSON: %s", err.text);
        return -1;
    }
    import_buf b = {0};
    int rc = to_csv(name, root, &b, diags);
    json_decref(root);
    if (rc == 0) {
        /* rows are reported by their place in the array: line k+2 of the text is dataValues[k] */
        diag_sink tmp;
        diag_init(&tmp);
        csv_opts co = {0, 0, "dhis2"};
        rc = csv_load_mem_ex(ds, name, b.p ? b.p : "", b.n, spec, &co, &tmp);
        for (size_t k = 0; k < tmp.n; k++) {
            const diag *d = &tmp.items[k];
            char msg[1024];
            import_line_refs(d->msg ? d->msg : "out of memory", "dataValues[", 2, msg, sizeof msg);
            if (d->line >= 2)
                diag_line(diags, d->level, name, 0, 0, NULL, 0, "dataValues[%d]: %s", d->line - 2, msg);
            else
                diag_line(diags, d->level, d->file, d->line, d->col, NULL, 0, "%s", d->msg);
        }
        if (tmp.oom && rc == 0)
            rc = -1;
        diag_free(&tmp);
    }
    pc_free(b.p);
    return rc;
}
