/* diag.h -- collected problems with an input, reported all at once.
 *
 * Each message reads "FILE: JSON.path: what is wrong (expected ..., got ...)".
 * Loading goes on after a problem so that one run shows every problem. */
#ifndef APP_DIAG_H
#define APP_DIAG_H

#include <stdio.h>

typedef struct diag diag;

diag *diag_new(const char *file);
void diag_free(diag *d);

/* Adds a problem at a JSON path (printf-style message). Out of memory only
 * loses the message, never the count. */
void diag_add(diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_count(const diag *d);
void diag_print(const diag *d, FILE *out);
const char *diag_message(const diag *d, int i);

#endif
