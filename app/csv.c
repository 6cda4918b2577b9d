/* csv.c -- CSV cells. */
#include "app/csv.h"

#include <math.h>
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

void csv_number(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.10g", v);
}
