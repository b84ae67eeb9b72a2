/* mem.h — every allocation of libplancheck goes through here: the checked allocator
 * (with failure injection for tests) and the arena that owns an AST and its strings.
 * Nothing here prints or exits; a failed allocation returns NULL to the caller. */
#ifndef PC_MEM_H
#define PC_MEM_H
#include <stddef.h>

void *pc_malloc(size_t n);
void *pc_calloc(size_t count, size_t n);
void *pc_realloc(void *p, size_t n);
void pc_free(void *p);
char *pc_strndup(const char *s, size_t n);

/* Make the n-th allocation from now (1-based) and every later one fail; 0 turns it off.
 * Also set from the environment variable PLANCHECK_FAIL_ALLOC at the first allocation. */
void pc_mem_fail_after(long n);
long pc_mem_count(void);   /* allocations attempted since the last pc_mem_fail_after() */

/* Arena: bump allocation in chunks; one arena_free releases everything. */
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n);          /* zeroed, 8-byte aligned; NULL on failure */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

/* Growable array helper: ensures room for one more element; returns 0, or -1 on failure. */
int pc_grow(void **items, size_t *cap, size_t len, size_t elem);
#define PC_GROW(arr, cap, len) pc_grow((void **)&(arr), &(cap), (len), sizeof *(arr))

#endif
