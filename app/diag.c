/* diag.c -- a growable list of formatted messages. */
#include "app/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct diag {
    char *file;
    char **msgs;
    int n, cap, count;
};

diag *diag_new(const char *file)
{
    diag *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->file = strdup(file ? file : "-");
    if (d->file == NULL) {
        free(d);
        return NULL;
    }
    return d;
}

void diag_free(diag *d)
{
    if (d == NULL)
        return;
    for (int i = 0; i < d->n; i++)
        free(d->msgs[i]);
    free(d->msgs);
    free(d->file);
    free(d);
}

void diag_add(diag *d, const char *path, const char *fmt, ...)
{
    d->count++;
    char body[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    size_t len = strlen(d->file) + strlen(path) + strlen(body) + 8;
    char *m = malloc(len);
    if (m == NULL)
        return;
    if (path[0])
        snprintf(m, len, "%s: %s: %s", d->file, path, body);
    else
        snprintf(m, len, "%s: %s", d->file, body);
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 16;
        char **a = realloc(d->msgs, (size_t)cap * sizeof *a);
        if (a == NULL) {
            free(m);
            return;
        }
        d->msgs = a;
        d->cap = cap;
    }
    d->msgs[d->n++] = m;
}

int diag_count(const diag *d)
{
    return d->count;
}

void diag_print(const diag *d, FILE *out)
{
    for (int i = 0; i < d->n; i++)
        fprintf(out, "%s\n", d->msgs[i]);
    if (d->count > d->n)
        fprintf(out, "%s: %d more problems (out of memory while reporting them)\n", d->file,
                d->count - d->n);
}

const char *diag_message(const diag *d, int i)
{
    return i >= 0 && i < d->n ? d->msgs[i] : NULL;
}
