/* fmt.h — the canonical layout of a .plan file (`plancheck fmt`), every comment kept.
 * It renders a parsed file to text and touches nothing else: no files, no output, no
 * name resolution. The layout rules are listed at the top of fmt.c. */
#ifndef PC_FMT_H
#define PC_FMT_H
#include "ast.h"
#include <stddef.h>

/* The canonical text of f (a file parsed without syntax errors), pc_malloc'd and
 * NUL-terminated, its length in *len (len may be NULL). NULL when out of memory. */
char *fmt_render(const ast_file *f, size_t *len);

#endif
