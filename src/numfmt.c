/* numfmt.c — locale-independent number formatting (%.6f-exact fixed, shortest round-trip)
 * and parsing (strtod in the C locale). It must not allocate, print, or touch the process's
 * global locale: a thread-local uselocale() switch is the most it does, and only around libc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "numfmt.h"
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

static locale_t get_c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}

double numfmt_strtod(const char *s, char **end)
{
    locale_t c = get_c_locale();
    return c ? strtod_l(s, end, c) : strtod(s, end);
}

/* snprintf in the C locale (the decimal point is '.' whatever the user's locale). */
static int c_snprintf(char *buf, size_t len, const char *fmt, int prec, double x)
{
    locale_t c = get_c_locale(), old = (locale_t)0;
    if (c)
        old = uselocale(c);
    int n = snprintf(buf, len, fmt, prec, x);
    if (c)
        uselocale(old);
    return n < 0 ? 0 : n >= (int)len ? (int)len - 1 : n;
}

/* "-0.000" -> "0.000": drop the sign of a result whose digits are all zero. */
static int drop_negative_zero(char *buf, int n)
{
    if (buf[0] != '-')
        return n;
    for (const char *p = buf + 1; *p; p++)
        if (*p != '0' && *p != '.')
            return n;
    memmove(buf, buf + 1, (size_t)n);
    return n - 1;
}

static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
static const uint64_t ipow10_tab[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                      100000000, 1000000000};

/* Fixed with d (0..9) decimals, exact, for |x| * 10^d < 2^52; -1 when out of that range. */
static int fixed_fast(double x, int d, char *buf)
{
    double ax = fabs(x), scale = pow10_tab[d];
    if (!(ax * scale < 4503599627370496.0))   /* also catches NaN and infinities */
        return -1;
    double p = ax * scale;
    uint64_t n = 0;
    if (p >= 0.25) {
        /* x*10^d = p + err exactly (the error of a product is a double, fma finds it).
         * Round p + err to an integer, ties to even. d = frac(p) - 0.5 is exact, and when
         * it is not 0 it is at least one ulp of p, more than |err| (at most half an ulp). */
        double err = fma(ax, scale, -p);
        double fl = floor(p);
        double half = (p - fl) - 0.5;
        n = (uint64_t)fl;
        if (half > 0 || (half == 0 && (err > 0 || (err == 0 && (n & 1)))))
            n++;
    }
    char tmp[32];
    int len = 0;
    uint64_t ip = n / ipow10_tab[d], fp = n % ipow10_tab[d];
    do {
        tmp[len++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    char *o = buf;
    if (n != 0 && signbit(x))
        *o++ = '-';
    while (len)
        *o++ = tmp[--len];
    if (d > 0) {
        *o++ = '.';
        for (int i = d - 1; i >= 0; i--) {
            o[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        o += d;
    }
    *o = '\0';
    return (int)(o - buf);
}

int numfmt_fixed6(double x, char *buf)
{
    int n = fixed_fast(x, 6, buf);
    if (n >= 0)
        return n;
    n = c_snprintf(buf, NUMFMT_MAX, "%.*f", 6, x);
    return drop_negative_zero(buf, n);
}

int numfmt_fixed(double x, int decimals, char *buf)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 20)
        decimals = 20;
    if (decimals <= 9) {
        int n = fixed_fast(x, decimals, buf);
        if (n >= 0)
            return n;
    }
    int n = c_snprintf(buf, NUMFMT_MAX, "%.*f", decimals, x);
    return drop_negative_zero(buf, n);
}

int numfmt_shortest(double x, char *buf)
{
    if (isnan(x))
        return (int)(strcpy(buf, "nan"), 3);
    if (isinf(x))
        return x < 0 ? (int)(strcpy(buf, "-inf"), 4) : (int)(strcpy(buf, "inf"), 3);
    if (x == 0)
        return (int)(strcpy(buf, "0"), 1);
    /* the digits: "%.*e" gives d.ddddde±XX */
    char e[40];
    for (int prec = 15; prec <= 17; prec++) {
        c_snprintf(e, sizeof e, "%.*e", prec - 1, x);
        if (prec == 17 || numfmt_strtod(e, NULL) == x)
            break;
    }
    const char *p = e;
    int neg = *p == '-';
    if (neg)
        p++;
    char dig[24];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            dig[nd++] = *p;
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    char *o = buf;
    if (neg)
        *o++ = '-';
    if (exp10 >= -7 && exp10 < 21) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++)
                *o++ = i < nd ? dig[i] : '0';
            if (nd > exp10 + 1) {
                *o++ = '.';
                for (int i = exp10 + 1; i < nd; i++)
                    *o++ = dig[i];
            }
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                *o++ = '0';
            for (int i = 0; i < nd; i++)
                *o++ = dig[i];
        }
        *o = '\0';
    } else {
        *o++ = dig[0];
        if (nd > 1) {
            *o++ = '.';
            for (int i = 1; i < nd; i++)
                *o++ = dig[i];
        }
        o += sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    }
    return (int)(o - buf);
}
