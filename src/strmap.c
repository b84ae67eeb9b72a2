/* strmap.c — the byte-string → uint32 hash map (open addressing, linear probing) and the
 * hash it uses. It owns only its slot table: it must not copy, free or outlive its keys. */
#include "strmap.h"
#include "mem.h"
#include <string.h>

static const char empty_key[1] = "";

void strmap_init(strmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

void strmap_free(strmap *m)
{
    pc_free(m->slots);
    strmap_init(m);
}

size_t strmap_count(const strmap *m) { return m->n; }

/* ---- the hash: 64-bit multiply, fold the 128-bit product (wyhash's "mum") ---- */

static inline uint64_t mum(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t rd32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

#define K0 0xa0761d6478bd642fULL
#define K1 0xe7037ed1a0b428dbULL
#define K2 0x8ebc6af09c88c6e3ULL

uint64_t strmap_hash(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t seed = K0 ^ (uint64_t)n;
    uint64_t a = 0, b = 0;
    if (n <= 16) {
        if (n >= 8) {
            a = rd64(p);
            b = rd64(p + n - 8);
        } else if (n >= 4) {
            a = rd32(p);
            b = rd32(p + n - 4);
        } else if (n > 0) {
            a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
        }
    } else {
        size_t i = n;
        while (i > 16) {
            seed = mum(rd64(p) ^ K1, rd64(p + 8) ^ seed);
            p += 16;
            i -= 16;
        }
        a = rd64(p + i - 16);
        b = rd64(p + i - 8);
    }
    return mum(K1 ^ (uint64_t)n, mum(a ^ K1, b ^ seed));
}

/* ---- the table ---- */

static int rehash(strmap *m, size_t ncap)
{
    strmap_slot *ns = pc_calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    size_t mask = ncap - 1;
    for (size_t i = 0; i < m->cap; i++) {
        strmap_slot *s = &m->slots[i];
        if (!s->key)
            continue;
        size_t j = s->hash & mask;
        while (ns[j].key)
            j = (j + 1) & mask;
        ns[j] = *s;
    }
    pc_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

int strmap_reserve(strmap *m, size_t n)
{
    size_t need = 16;
    while (need < n + n / 2 + 1) {   /* load factor at most 2/3 */
        if (need > SIZE_MAX / 4)
            return -1;
        need *= 2;
    }
    return need > m->cap ? rehash(m, need) : 0;
}

/* The slot holding the key, or the empty slot where it would go. */
static inline size_t probe(const strmap *m, const char *s, size_t n, uint32_t h)
{
    size_t mask = m->cap - 1, i = h & mask;
    for (;;) {
        const strmap_slot *sl = &m->slots[i];
        if (!sl->key)
            return i;
        if (sl->hash == h && sl->len == n && memcmp(sl->key, s, n) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

int strmap_get_h(const strmap *m, const char *s, size_t n, uint64_t h, uint32_t *value)
{
    if (m->n == 0 || n > UINT32_MAX)
        return 0;
    size_t i = probe(m, s, n, (uint32_t)h);
    if (!m->slots[i].key)
        return 0;
    if (value)
        *value = m->slots[i].value;
    return 1;
}

int strmap_get(const strmap *m, const char *s, size_t n, uint32_t *value)
{
    return strmap_get_h(m, s, n, strmap_hash(s, n), value);
}

static int insert(strmap *m, const char *s, size_t n, uint64_t h, uint32_t value, int replace,
                  uint32_t *out)
{
    if (n > UINT32_MAX)
        return -1;
    if ((m->n + 1) * 3 > m->cap * 2 && strmap_reserve(m, m->n + 1) < 0)
        return -1;
    size_t i = probe(m, s, n, (uint32_t)h);
    strmap_slot *sl = &m->slots[i];
    if (sl->key) {
        if (replace)
            sl->value = value;
        if (out)
            *out = sl->value;
        return 1;
    }
    sl->key = n ? s : empty_key;
    sl->len = (uint32_t)n;
    sl->hash = (uint32_t)h;
    sl->value = value;
    m->n++;
    if (out)
        *out = value;
    return 0;
}

int strmap_put_h(strmap *m, const char *s, size_t n, uint64_t h, uint32_t value)
{
    return insert(m, s, n, h, value, 1, NULL) < 0 ? -1 : 0;
}

int strmap_put(strmap *m, const char *s, size_t n, uint32_t value)
{
    return strmap_put_h(m, s, n, strmap_hash(s, n), value);
}

int strmap_intern(strmap *m, const char *s, size_t n, uint32_t value, uint32_t *out)
{
    return insert(m, s, n, strmap_hash(s, n), value, 0, out);
}

int strmap_remove(strmap *m, const char *s, size_t n)
{
    if (m->n == 0 || n > UINT32_MAX)
        return 0;
    size_t mask = m->cap - 1;
    size_t i = probe(m, s, n, (uint32_t)strmap_hash(s, n));
    if (!m->slots[i].key)
        return 0;
    /* backward-shift: pull later entries of the run into the hole when their home allows */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        strmap_slot *sj = &m->slots[j];
        if (!sj->key)
            break;
        size_t home = sj->hash & mask;
        /* sj may move to i if its home is not cyclically in (i, j] */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->slots[i] = *sj;
            i = j;
        }
    }
    m->slots[i].key = NULL;
    m->n--;
    return 1;
}

int strmap_next(const strmap *m, size_t *it, const char **s, size_t *n, uint32_t *value)
{
    for (size_t i = *it; i < m->cap; i++) {
        const strmap_slot *sl = &m->slots[i];
        if (!sl->key)
            continue;
        if (s)
            *s = sl->key;
        if (n)
            *n = sl->len;
        if (value)
            *value = sl->value;
        *it = i + 1;
        return 1;
    }
    *it = m->cap;
    return 0;
}
