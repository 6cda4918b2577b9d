/* namelist.h -- "a, b, c": names gathered for one message line.
 *
 * The notes that name leftover files (run's old charts, compare's old
 * folders) list them in a fixed buffer: a name that does not fit is left
 * out whole, never cut, while the count still includes it. */
#ifndef APP_NAMELIST_H
#define APP_NAMELIST_H

#include <stddef.h>

typedef struct namelist {
    char *buf;      /* the caller's, size bytes */
    size_t size, used;
    int count;      /* names added, shown or not */
} namelist;

/* Starts an empty list in buf (size >= 1). */
void namelist_init(namelist *l, char *buf, size_t size);

/* Appends ", " (after the first) and name followed by suffix. */
void namelist_add(namelist *l, const char *name, const char *suffix);

#endif
