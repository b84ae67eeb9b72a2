/* mem.c — the single allocator (malloc wrapper with failure injection) and the arena.
 * Owns no policy: callers decide what an allocation failure means for them. */
#include "mem.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Shared by every thread (the CSV loader and the evaluator run several): atomics, relaxed —
 * the count only has to be exact, not ordered with anything else. */
static atomic_long fail_after = -1;  /* -1: not yet read from the environment */
static atomic_long alloc_count;

static int should_fail(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    /* Blocks of 1 MiB and more always get their own mapping: glibc's default threshold
     * rises to 32 MiB after the first big free, and then growing arrays live in the heap,
     * where realloc copies them (and faults every new page) instead of remapping them. */
    static atomic_int tuned;
    if (!atomic_load_explicit(&tuned, memory_order_relaxed) && !atomic_exchange(&tuned, 1))
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    long fa = atomic_load_explicit(&fail_after, memory_order_relaxed);
    if (fa < 0) {
        const char *e = getenv("PLANCHECK_FAIL_ALLOC");
        long want = e ? strtol(e, NULL, 10) : 0;
        long unset = -1;
        atomic_compare_exchange_strong(&fail_after, &unset, want);
        fa = atomic_load_explicit(&fail_after, memory_order_relaxed);
    }
    long n = atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed) + 1;
    return fa > 0 && n >= fa;
}

void pc_mem_fail_after(long n)
{
    atomic_store(&fail_after, n);
    atomic_store(&alloc_count, 0);
}

long pc_mem_count(void) { return atomic_load(&alloc_count); }

/* Big blocks (national-scale rows, series, hash tables) ask for transparent huge pages:
 * their first touches then fault 2 MiB at a time instead of 4 KiB. On a virtual machine a
 * 4 KiB fault costs ~10 µs, so 200 MB of small faults is half a second of system time.
 * Only advice (THP in "madvise" mode honours it; elsewhere nothing changes). */
#define HUGE_FROM ((size_t)2 << 20)
static void *advise_huge(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (p && n >= HUGE_FROM) {
        uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + n) & ~(huge - 1);
        if (hi > lo)
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#else
    (void)n;
#endif
    return p;
}

void *pc_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return advise_huge(malloc(n ? n : 1), n);
}

void *pc_calloc(size_t count, size_t n)
{
    if (should_fail())
        return NULL;
    if (count && n > SIZE_MAX / count)
        return NULL;
    return advise_huge(calloc(count ? count : 1, n ? n : 1), count * n);
}

void *pc_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
    /* glibc copies a growing mapped block into a new one before we could advise it, and
     * the copy then faults 4 KiB at a time: copy into an advised block ourselves */
    if (p && n >= HUGE_FROM) {
        size_t old = malloc_usable_size(p);
        if (old >= n)
            return p;
        void *q = advise_huge(malloc(n), n);
        if (!q)
            return NULL;
        memcpy(q, p, old);
        free(p);
        return q;
    }
#endif
    return advise_huge(realloc(p, n ? n : 1), n);
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
    size_t total;            /* bytes in chunks so far */
};

#define CHUNK_MIN (32 * 1024)
/* Chunks grow with the arena (a 1 MB plan's AST is ~20 MB): big chunks are mapped on
 * their own and get huge pages (pc_malloc), 4 MiB at a time instead of 700 small faults. */
#define CHUNK_MAX ((size_t)4 << 20)

arena *arena_new(void)
{
    return pc_calloc(1, sizeof(arena));
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t grow = a->total < CHUNK_MIN ? CHUNK_MIN : a->total < CHUNK_MAX ? a->total : CHUNK_MAX;
        size_t size = n > grow ? n : grow;
        c = pc_malloc(sizeof *c + size);
        if (!c)
            return NULL;
        a->total += size;
        c->size = size;
        c->used = 0;
        if (a->head && n > grow) {
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
