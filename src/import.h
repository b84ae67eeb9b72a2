/* import.h — loading indicator data in any of the formats of DESIGN.md §3 into a dataset,
 * and the warnings that keep a load from failing silently (indicators that match nothing,
 * rows skipped, years a sum leaves out). */
#ifndef PC_IMPORT_H
#define PC_IMPORT_H
#include "dataset.h"
#include "diag.h"

typedef struct import_opts {
    const char *format;   /* NULL or "auto": recognised from the content; else a format name */
    const char *sheet;    /* xlsx: the sheet to read (NULL: the first) */
} import_opts;

/* The format names --data-format takes, for messages. */
extern const char import_format_names[];
/* Is name a format --data-format takes? */
int import_format_known(const char *name);

/* Load one file (path "-": standard input) into ds. 0, -1 with errors in diags. */
int import_load(dataset *ds, const char *path, const import_opts *opt, const ds_spec *spec,
                diag_sink *diags);

/* A growing text buffer for the readers that turn a format into CSV rows (NUL-terminated;
 * oom set on failure). cell() writes a quoted CSV field; a line break in it becomes a
 * control byte, so that one record stays one line (and is refused if it is a name). */
typedef struct import_buf {
    char *p;
    size_t n, cap;
    int oom;
} import_buf;
void import_buf_add(import_buf *b, const char *s, size_t n);
void import_buf_cell(import_buf *b, const char *s, size_t n);

/* msg with its "at line N" (another row of the CSV text a reader made) as the place the
 * reader knows: prefix "dataValues[" and offset 2 give "at dataValues[N-2]", prefix
 * "row " and offset 0 "at row N". Into out (len bytes). */
void import_line_refs(const char *msg, const char *prefix, int offset, char *out, size_t len);

/* The readers of formats that are not CSV text (the path is a name for messages). */
int import_dhis2_json(dataset *ds, const char *name, const char *text, size_t len,
                      const ds_spec *spec, diag_sink *diags);
int import_xlsx(dataset *ds, const char *name, const char *data, size_t len, const char *sheet,
                const ds_spec *spec, diag_sink *diags);

/* After the last file: warnings for every plan indicator no row matched (with the data's
 * nearest codes), rows of other indicators skipped, and years a `sum` left out. (The
 * session adds those about targets' selectors.) */
void import_warnings(const dataset *ds, const ds_spec *spec, diag_sink *diags);

#endif
