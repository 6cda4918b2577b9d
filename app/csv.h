/* csv.h -- the cells of the CSV files parcours writes (RFC 4180). */
#ifndef APP_CSV_H
#define APP_CSV_H

#include <stdio.h>

/* A text cell, quoted (with quotes doubled) when it holds a comma, a quote
 * or a line break. */
void csv_field(FILE *f, const char *s);

/* A number with 10 significant digits (enough for any plot, and the same
 * bytes for the same run); an undefined value (NaN) is an empty cell, which
 * gnuplot, R and pandas all read as missing. */
void csv_number(FILE *f, double v);

/* The text of that cell, in buf or a part of it: "-1.234567891e-300" and
 * its terminator fit in CSV_NUMBER_SIZE. For a row that repeats a value. */
enum { CSV_NUMBER_SIZE = 32 };
const char *csv_number_text(double v, char buf[CSV_NUMBER_SIZE]);

#endif
