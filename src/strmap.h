/* strmap.h — a hash map from byte strings (pointer + length) to uint32 values: open
 * addressing, linear probing, backward-shift deletion. It never copies keys: the caller keeps
 * each key's bytes alive and unchanged while the key is in the map. No I/O, no globals. */
#ifndef PC_STRMAP_H
#define PC_STRMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct strmap_slot {
    const char *key;    /* NULL: empty slot */
    uint32_t len;
    uint32_t hash;      /* low 32 bits of strmap_hash(key) */
    uint32_t value;
} strmap_slot;

typedef struct strmap {
    strmap_slot *slots;
    size_t cap;         /* 0 or a power of two */
    size_t n;
} strmap;

#define STRMAP_INIT { NULL, 0, 0 }

void strmap_init(strmap *m);
void strmap_free(strmap *m);            /* frees the table, never the keys */
size_t strmap_count(const strmap *m);
int strmap_reserve(strmap *m, size_t n); /* room for n keys without rehashing; 0, -1 on OOM */

/* A fast 64-bit hash of bytes (wyhash-style multiply-mix); stable within a build. */
uint64_t strmap_hash(const void *s, size_t n);

/* 1 and *value set when found, 0 when not. value may be NULL. */
int strmap_get(const strmap *m, const char *s, size_t n, uint32_t *value);
/* Insert or replace. 0 ok, -1 out of memory (or a key of 4 GiB or more). */
int strmap_put(strmap *m, const char *s, size_t n, uint32_t value);
/* Insert value unless the key is there: 1 found (*out = the existing value),
 * 0 inserted (*out = value), -1 out of memory. out may be NULL. */
int strmap_intern(strmap *m, const char *s, size_t n, uint32_t value, uint32_t *out);
/* 1 removed, 0 not there. */
int strmap_remove(strmap *m, const char *s, size_t n);

/* The same with a hash the caller computed with strmap_hash (saves hashing twice). */
int strmap_get_h(const strmap *m, const char *s, size_t n, uint64_t h, uint32_t *value);
int strmap_put_h(strmap *m, const char *s, size_t n, uint64_t h, uint32_t value);

/* Iterate: size_t it = 0; while (strmap_next(m, &it, &k, &n, &v)) …  (table order). */
int strmap_next(const strmap *m, size_t *it, const char **s, size_t *n, uint32_t *value);

#endif
