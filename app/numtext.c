/* numtext.c -- printf's %g, computed exactly with 128-bit integers.
 *
 * A double is m * 2^q with m < 2^53. Its P significant digits are the
 * integer D = round(m * 2^q * 10^k), k = P - 1 - X, where X is the decimal
 * exponent, rounded half to even as glibc does for an exact tie. For
 * |k| <= 22, 10^|k| < 2^74, so m * 10^k and the shifted operands fit in
 * 128 bits and the rounding is exact: no floating-point step, no doubt
 * about a tie. Outside that (numbers below about 1e-13 or above 1e31 at 10
 * digits), and for infinities and NaN, snprintf writes the text. */
#include "app/numtext.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

static const uint64_t pow10_64[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
    1000000000u, 10000000000u, 100000000000u, 1000000000000u, 10000000000000u,
    100000000000000u, 1000000000000000u, 10000000000000000u, 100000000000000000u,
    1000000000000000000u, 10000000000000000000u,
};

/* 10^k, 0 <= k <= 22. */
static u128 pow10_128(int k)
{
    if (k < 20)
        return pow10_64[k];
    u128 p = pow10_64[19];
    for (int i = 19; i < k; i++)
        p *= 10;
    return p;
}

static int bit_length(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    if (hi)
        return 128 - __builtin_clzll(hi);
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* round(num / 2^s), ties to even, 1 <= s <= 126. */
static u128 shift_round(u128 num, int s)
{
    u128 rem = num & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
    u128 r = num >> s;
    return r + (rem > half || (rem == half && (r & 1)));
}

/* round(num / den), ties to even, 0 < den < 2^127 (so 2 rem cannot wrap). */
static u128 div_round(u128 num, u128 den)
{
    u128 r = num / den, rem = num % den;
    return r + (2 * rem > den || (2 * rem == den && (r & 1)));
}

/* *d = round(m * 2^q * 10^k), ties to even. 0 if an operand would not fit
 * in 128 bits or the result not in 64. */
static int scaled_round(uint64_t m, int q, int k, uint64_t *d)
{
    if (k < -22 || k > 22)
        return 0;
    u128 num = m, den = 1, r;
    if (k >= 0)
        num *= pow10_128(k);            /* below 2^53 * 2^74 */
    else
        den = pow10_128(-k);
    if (q >= 0) {
        if (q > 127 - bit_length(num))
            return 0;
        r = den == 1 ? num << q : div_round(num << q, den);
    } else if (den == 1) {
        if (-q > 126)
            return 0;
        r = shift_round(num, -q);       /* the usual case: a shift */
    } else {
        if (-q > 127 - bit_length(den))
            return 0;
        r = div_round(num, den << -q);
    }
    if (r > UINT64_MAX)
        return 0;
    *d = (uint64_t)r;
    return 1;
}

/* The P significant digits of a > 0 (finite) as *d, in [10^(P-1), 10^P),
 * and the decimal exponent *x of the rounded value: a ~ d * 10^(x-P+1). */
static int digits(double a, int p, uint64_t *d, int *x)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int biased = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & (((uint64_t)1 << 52) - 1);
    int q;
    if (biased == 0) {
        q = -1074;                       /* subnormal */
    } else {
        m |= (uint64_t)1 << 52;
        q = biased - 1075;
    }
    int e2 = 63 - __builtin_clzll(m) + q;    /* floor(log2 a) */
    /* floor(e2 log10 2), with 78913 / 2^18 for log10 2 (exact for |e2| <=
     * 1650; e2 log10 2 is never an integer but at 0). The true exponent is
     * this or one more; a rounding up to 10^P adds one too. */
    int ex = e2 >= 0 ? (e2 * 78913) >> 18 : -((((-e2) * 78913) >> 18) + 1);
    for (int tries = 0; tries < 3; tries++, ex++) {
        uint64_t r;
        if (!scaled_round(m, q, p - 1 - ex, &r))
            return 0;
        if (r < pow10_64[p]) {
            if (r < pow10_64[p - 1])
                return 0;                /* cannot happen: the estimate is never high */
            *d = r;
            *x = ex;
            return 1;
        }
    }
    return 0;
}

/* printf's %.{p}g layout of the digits d (p of them) and exponent x. */
static int layout(int negative, uint64_t d, int x, int p, char *buf)
{
    char dig[17];
    for (int i = p - 1; i >= 0; i--) {
        dig[i] = (char)('0' + d % 10);
        d /= 10;
    }
    int last = p - 1;                    /* the last digit kept: no trailing zeros */
    while (last > 0 && dig[last] == '0')
        last--;
    char *o = buf;
    if (negative)
        *o++ = '-';
    if (x < -4 || x >= p) {
        *o++ = dig[0];
        if (last > 0) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)last);
            o += last;
        }
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100)
            *o++ = (char)('0' + ax / 100);
        *o++ = (char)('0' + ax / 10 % 10);
        *o++ = (char)('0' + ax % 10);
    } else if (x >= 0) {
        memcpy(o, dig, (size_t)x + 1);
        o += x + 1;
        if (last > x) {
            *o++ = '.';
            memcpy(o, dig + x + 1, (size_t)(last - x));
            o += last - x;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *o++ = '0';
        memcpy(o, dig, (size_t)last + 1);
        o += last + 1;
    }
    *o = '\0';
    return (int)(o - buf);
}

int numtext_g(double v, int precision, char buf[NUMTEXT_SIZE])
{
    uint64_t d;
    int x;
    if (v == 0) {                        /* any precision; the sign is kept */
        int n = signbit(v) ? 2 : 1;
        memcpy(buf, signbit(v) ? "-0" : "0", (size_t)n + 1);
        return n;
    }
    if (precision >= 1 && precision <= 17 && isfinite(v) && digits(fabs(v), precision, &d, &x))
        return layout(v < 0, d, x, precision, buf);
    return snprintf(buf, NUMTEXT_SIZE, "%.*g", precision, v);
}

/* cJSON's test that a printed number reads back as the same one. */
static int close_enough(double a, double b)
{
    double max = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= max * DBL_EPSILON;
}

int numtext_json(double v, char buf[NUMTEXT_SIZE])
{
    if (isnan(v) || isinf(v)) {
        memcpy(buf, "null", 5);
        return 4;
    }
    if (v == 0)
        return numtext_g(v, 15, buf);    /* reads back exactly */
    uint64_t d;
    int x;
    if (digits(fabs(v), 15, &d, &x) && x - 14 >= -22 && x - 14 <= 22) {
        /* d < 10^15 < 2^53 and 10^|x - 14| are exact doubles, so one
         * multiplication or division rounds correctly: it is what reading
         * the text back (strtod) gives. */
        double back = x >= 14 ? (double)d * (double)pow10_128(x - 14) : (double)d / (double)pow10_128(14 - x);
        if (v < 0)
            back = -back;
        if (close_enough(back, v))
            return layout(v < 0, d, x, 15, buf);
        return numtext_g(v, 17, buf);
    }
    snprintf(buf, NUMTEXT_SIZE, "%1.15g", v);
    if (!close_enough(strtod(buf, NULL), v))
        return snprintf(buf, NUMTEXT_SIZE, "%1.17g", v);
    return (int)strlen(buf);
}
