/* termsafe.h — text from plans and data made safe to show on a terminal (see termsafe.c). */
#ifndef PC_TERMSAFE_H
#define PC_TERMSAFE_H
#include <stddef.h>
#include <stdio.h>

#define TS_ESC_MAX 8   /* the longest escape ("\u202e") and its NUL */

/* If s[0..n) starts with a character that must not reach a terminal raw: its length in
 * bytes, with its escaped form written into esc (TS_ESC_MAX bytes). Else 0. */
size_t ts_escape_at(const char *s, size_t n, char *esc);
/* 1 when s holds nothing to escape (the common case: then s can be used as it is). */
int ts_clean(const char *s, size_t n);
/* s, or its escaped form in buf (cut at a character boundary when buf is too small). */
const char *ts_str(const char *s, char *buf, size_t len);
/* Hand s[0..n) to put in pieces, every character to escape replaced by its escape; with
 * keep_newlines a '\n' passes as it is (a writer's own line ends). */
typedef void ts_put_fn(void *ctx, const char *s, size_t n);
void ts_write(const char *s, size_t n, int keep_newlines, ts_put_fn *put, void *ctx);
/* Write s escaped. */
void ts_fputs(const char *s, FILE *f);
/* Display columns of s[0..n) once escaped (one per code point, an escape its length). */
size_t ts_columns(const char *s, size_t n);

#endif
