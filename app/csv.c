/* csv.c -- CSV cells. */
#include "app/csv.h"

#include "app/numtext.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

_Static_assert((int)CSV_NUMBER_SIZE >= (int)NUMTEXT_SIZE, "a CSV cell holds any numtext");

/* v as "%.10g" writes it. Most cells of the daily files are integers
 * (zeros, capacities, stages full all day), and for an integer of at most
 * ten digits "%.10g" is just its digits, written here directly; the rest
 * goes to numtext_g, the same bytes as printf, which dominated the time
 * spent writing a run. */
const char *csv_number_text(double v, char buf[CSV_NUMBER_SIZE])
{
    if (isnan(v)) {
        buf[0] = '\0';
        return buf;
    }
    if (v > -1e10 && v < 1e10 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        int64_t n = (int64_t)v;
        uint64_t m = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
        int k = CSV_NUMBER_SIZE;
        buf[--k] = '\0';
        do {
            buf[--k] = (char)('0' + m % 10);
            m /= 10;
        } while (m > 0);
        if (n < 0)
            buf[--k] = '-';
        return buf + k;
    }
    numtext_g(v, 10, buf);
    return buf;
}

void csv_number(FILE *f, double v)
{
    char buf[CSV_NUMBER_SIZE];
    fputs(csv_number_text(v, buf), f);
}
