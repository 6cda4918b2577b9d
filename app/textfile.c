/* textfile.c -- whole text files. */
#include "app/textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *fail(FILE *f, char *buf, int err, char *why, size_t whylen, const char *what)
{
    if (f)
        fclose(f);
    free(buf);
    if (what)
        snprintf(why, whylen, "%s", what);
    else
        snprintf(why, whylen, "cannot read the file: %s", strerror(err));
    errno = err;
    return NULL;
}

char *textfile_read(const char *path, size_t max_bytes, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return fail(NULL, NULL, errno, why, whylen, NULL);
    /* fopen opens a directory, whose first read then fails with EISDIR
     * or, through stdio, a bare EIO: say what the path is. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
        return fail(f, NULL, EISDIR, why, whylen, "cannot read the file: it is a directory");
    size_t cap = 1 << 14, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            return fail(f, NULL, ENOMEM, why, whylen, "cannot read the file (out of memory)");
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1 || len > max_bytes)   /* the end, or enough to refuse it */
            break;
        char *b = realloc(buf, cap * 2);
        if (b == NULL)
            free(buf);
        buf = b;
        cap *= 2;
    }
    if (ferror(f))
        return fail(f, buf, EIO, why, whylen, NULL);
    fclose(f);
    buf[len] = '\0';
    if (len > max_bytes) {
        char what[96];
        snprintf(what, sizeof what, "file larger than %zu MiB", max_bytes >> 20);
        return fail(NULL, buf, EFBIG, why, whylen, what);
    }
    if (strlen(buf) != len)
        return fail(NULL, buf, EILSEQ, why, whylen, "the file contains a NUL byte (expected text)");
    return buf;
}
