/* namelist.c -- "a, b, c" in a fixed buffer, whole names only. */
#include "app/namelist.h"

#include <stdio.h>

void namelist_init(namelist *l, char *buf, size_t size)
{
    l->buf = buf;
    l->size = size;
    l->used = 0;
    l->count = 0;
    buf[0] = '\0';
}

void namelist_add(namelist *l, const char *name, const char *suffix)
{
    int w = snprintf(l->buf + l->used, l->size - l->used, "%s%s%s", l->count ? ", " : "", name, suffix);
    if (w > 0 && l->used + (size_t)w < l->size)
        l->used += (size_t)w;
    else
        l->buf[l->used] = '\0';   /* it did not fit: leave it out */
    l->count++;
}
