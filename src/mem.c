/* mem.c — the single allocator (malloc wrapper with failure injection) and the arena.
 * Owns no policy: callers decide what an allocation failure means for them. */
#include "mem.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fail_after = -1;  /* -1: not yet read from the environment */
static long alloc_count;

static int should_fail(void)
{
    if (fail_after < 0) {
        const char *e = getenv("PLANCHECK_FAIL_ALLOC");
        fail_after = e ? strtol(e, NULL, 10) : 0;
    }
    alloc_count++;
    return fail_after > 0 && alloc_count >= fail_after;
}

void pc_mem_fail_after(long n)
{
    fail_after = n;
    alloc_count = 0;
}

long pc_mem_count(void) { return alloc_count; }

void *pc_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *pc_calloc(size_t count, size_t n)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, n ? n : 1);
}

void *pc_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void pc_free(void *p) { free(p); }

char *pc_strndup(const char *s, size_t n)
{
    char *d = pc_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int pc_grow(void **items, size_t *cap, size_t len, size_t elem)
{
    if (len < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / elem)
        return -1;
    void *p = pc_realloc(*items, ncap * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

/* ---- arena ---- */

struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
};

struct arena {
    struct chunk *head;
};

#define CHUNK_MIN (32 * 1024)

arena *arena_new(void)
{
    return pc_calloc(1, sizeof(arena));
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = pc_malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        if (a->head && size > CHUNK_MIN) {
            /* a big block goes behind the current chunk so its free space is kept */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *d = arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    struct chunk *c = a->head;
    while (c) {
        struct chunk *next = c->next;
        pc_free(c);
        c = next;
    }
    pc_free(a);
}
