/* csv_values.c — the text-to-value conversions of a data cell: numbers (exact, fast),
 * periods, unit spellings, and the checks of a name (control bytes, thousands dots). No
 * state, no allocation, nothing printed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "csv_int.h"
#include "mem.h"
#include "numfmt.h"
#include "strmap.h"
#include <math.h>
#include <stdlib.h>

/* ---- cell values ---- */

static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int ds_parse_number(const char *s, size_t n, double *out)
{
    const char *p = s, *e = s + n;
    int neg = 0;
    if (p < e && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    uint64_t m = 0;
    int sig = 0, exp10 = 0, any = 0, inexact = 0;
    for (; p < e && (unsigned)(*p - '0') < 10; p++) {
        any = 1;
        unsigned d = (unsigned)(*p - '0');
        if (m == 0 && d == 0)
            continue;
        if (sig < 19) {
            m = m * 10 + d;
            sig++;
        } else {
            exp10++;
            inexact = 1;
        }
    }
    if (p < e && *p == '.') {
        for (p++; p < e && (unsigned)(*p - '0') < 10; p++) {
            any = 1;
            unsigned d = (unsigned)(*p - '0');
            if (m == 0 && d == 0) {
                exp10--;
                continue;
            }
            if (sig < 19) {
                m = m * 10 + d;
                sig++;
                exp10--;
            } else {
                inexact = 1;
            }
        }
    }
    if (!any)
        return -1;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, edig = 0;
        long ex = 0;
        if (p < e && (*p == '-' || *p == '+'))
            eneg = *p++ == '-';
        for (; p < e && (unsigned)(*p - '0') < 10; p++, edig++)
            if (ex < 100000)
                ex = ex * 10 + (*p - '0');
        if (!edig)
            return -1;
        exp10 += (int)(eneg ? -ex : ex);
    }
    if (p != e)
        return -1;
    if (!inexact) {
        if (m == 0) {
            *out = neg ? -0.0 : 0.0;
            return 0;
        }
        /* Clinger's fast path: m and 10^|e| are exact doubles, one IEEE operation rounds once */
        if (m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
            double v = (double)m;
            v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
            *out = neg ? -v : v;
            return 0;
        }
    }
    /* strtod (C locale) on a NUL-terminated copy; the syntax is already checked */
    char small[128], *copy = small;
    if (n >= sizeof small && !(copy = pc_malloc(n + 1)))
        return -1;
    memcpy(copy, s, n);
    copy[n] = '\0';
    char *end;
    double v = numfmt_strtod(copy, &end);
    /* overflow and underflow to zero (1e-400) are errors, never a silent inf or 0 */
    int ok = end == copy + n && isfinite(v) && (v != 0 || m == 0);
    if (copy != small)
        pc_free(copy);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}

int ds_period_parse(const char *s, size_t n, ds_period *out)
{
    if (n < 4 || !digit(s[0]) || !digit(s[1]) || !digit(s[2]) || !digit(s[3]) || s[0] == '0')
        return -1;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    ds_period p = 0;
    if (n == 4)
        p = ds_period_make(year, DS_ANNUAL, 0);
    else if (n == 6 && (s[4] == 'S' || s[4] == 's') && digit(s[5]))
        p = ds_period_make(year, DS_HALF, s[5] - '0');
    else if (n == 6 && (s[4] == 'Q' || s[4] == 'q') && digit(s[5]))
        p = ds_period_make(year, DS_QUARTER, s[5] - '0');
    else if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'S') && digit(s[6]))   /* SDMX: 2024-Q1 */
        p = ds_period_make(year, s[5] == 'Q' ? DS_QUARTER : DS_HALF, s[6] - '0');
    else if (n == 8 && s[4] == '-' && s[5] == 'M' && digit(s[6]) && digit(s[7]))   /* SDMX: 2024-M06 */
        p = ds_period_make(year, DS_MONTH, (s[6] - '0') * 10 + (s[7] - '0'));
    else if (n == 6 && digit(s[4]) && digit(s[5]))   /* DHIS2's months: 202406 */
        p = ds_period_make(year, DS_MONTH, (s[4] - '0') * 10 + (s[5] - '0'));
    else if (n == 7 && s[4] == '-' && digit(s[5]) && digit(s[6]))
        p = ds_period_make(year, DS_MONTH, (s[5] - '0') * 10 + (s[6] - '0'));
    if (p == 0)
        return -1;
    *out = p;
    return 0;
}

const char *ds_unit_canonical(const char *s, size_t n)
{
    static const struct { const char *alias, *canon; } units[] = {
        {"%", "%"},           {"percent", "%"},          {"pct", "%"},
        {"\xE2\x80\xB0", "per 1000"}, {"per1000", "per 1000"}, {"/1000", "per 1000"},
        {"permille", "per 1000"},     {"perthousand", "per 1000"},
        {"per100000", "per 100000"},  {"/100000", "per 100000"}, {"per100k", "per 100000"},
        {"", ""}, {"number", ""}, {"count", ""}, {"ratio", ""},
    };
    char t[32];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == ',')
            continue;
        if (k == sizeof t - 1)
            return NULL;
        t[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    t[k] = '\0';
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(t, units[i].alias) == 0)
            return units[i].canon;
    return NULL;
}

/* Is s a usable name: valid UTF-8 (no overlongs, surrogates), no control characters?
 * Returns NULL, or what is wrong. */
const char *name_problem(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return "control character";
            p++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return "invalid UTF-8";
        }
        if ((size_t)(e - p) < len)
            return "invalid UTF-8";
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return "invalid UTF-8";
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return "invalid UTF-8";
        if (cp >= 0x80 && cp <= 0x9F)
            return "control character";
        p += len;
    }
    return NULL;
}

/* Is s written as thousands with dots ("70.000", "1.234.567", "-2.500")? The number of
 * dot groups, else 0. */
int thousands_dots(const char *s, size_t n)
{
    size_t i = n && s[0] == '-' ? 1 : 0, lead = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
        lead++;
    }
    if (lead == 0 || lead > 3 || s[n && s[0] == '-' ? 1 : 0] == '0')
        return 0;
    int groups = 0;
    while (i < n) {
        if (s[i] != '.' || n - i < 4)
            return 0;
        for (size_t k = 1; k <= 3; k++)
            if (s[i + k] < '0' || s[i + k] > '9')
                return 0;
        i += 4;
        groups++;
    }
    return groups;
}
