/* numfmt.h — numbers to text and back, the same on every machine: printf("%.6f")-exact
 * fixed output without printf, the shortest round-trip form, and strtod in the C locale.
 * Nothing here allocates, prints or depends on the process locale. */
#ifndef PC_NUMFMT_H
#define PC_NUMFMT_H
#include <stddef.h>

/* Every function writes a NUL-terminated string into buf, which must hold NUMFMT_MAX bytes,
 * and returns its length. */
#define NUMFMT_MAX 352

/* Exactly what C printf("%.6f", x) prints (from the exact binary value, ties to even),
 * except that a result printing as "-0.000000" is written "0.000000" (the bench rule).
 * Fast: no printf unless |x| >= 2^52/1e6 or x is not finite ("nan", "inf", "-inf"). */
int numfmt_fixed6(double x, char *buf);

/* printf("%.*f", decimals, x) with the same "-0" rule; decimals is clamped to [0, 20]. */
int numfmt_fixed(double x, int decimals, char *buf);

/* The shortest decimal that reads back as x (tried at 15, 16, then 17 significant digits):
 * "19.1", "0.001", "1234567". Plain notation for 1e-7 <= |x| < 1e21, else "1.5e-08",
 * "1e+21" (valid JSON). -0 is written "0"; non-finite values "nan", "inf", "-inf" (JSON
 * writers must map them to null themselves). */
int numfmt_shortest(double x, char *buf);

/* strtod in the C locale, whatever setlocale() the front end did. s is NUL-terminated. */
double numfmt_strtod(const char *s, char **end);

#endif
