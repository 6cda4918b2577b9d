/* numtext.h -- the text of a number, exactly as printf writes it, faster.
 *
 * The output files hold hundreds of thousands of numbers, and printf's
 * general conversion (multi-precision digits, locale, a stream per call)
 * made writing them cost as much as a whole Paris replication. These
 * functions give the same bytes as printf in the C locale for every double:
 * they compute the digits exactly with 128-bit integers where that is
 * possible (the usual magnitudes) and call snprintf for the rest. */
#ifndef APP_NUMTEXT_H
#define APP_NUMTEXT_H

/* "-1.2345678901234567e-300" and its terminator fit. */
enum { NUMTEXT_SIZE = 32 };

/* Writes v as snprintf(buf, NUMTEXT_SIZE, "%.*g", precision, v) does, for
 * 1 <= precision <= 17, and returns the length. */
int numtext_g(double v, int precision, char buf[NUMTEXT_SIZE]);

/* Writes v as cJSON 1.7.15 prints a number (cJSON_Print): null for NaN and
 * infinities, else %1.15g if that reads back as v within DBL_EPSILON
 * (relative), else %1.17g. Returns the length. */
int numtext_json(double v, char buf[NUMTEXT_SIZE]);

#endif
