/* atomic.c -- temp + fsync + rename + directory fsync. */
#include "app/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct atomic_file {
    char *path;
    char *tmp;
    FILE *f;        /* NULL once finished */
    int failed;     /* finishing failed (the temporary file is gone) */
};

atomic_file *atomic_open(const char *path)
{
    atomic_file *af = calloc(1, sizeof *af);
    if (af == NULL)
        return NULL;
    size_t len = strlen(path) + 32;
    af->path = strdup(path);
    af->tmp = malloc(len);
    if (af->path == NULL || af->tmp == NULL)
        goto err;
    snprintf(af->tmp, len, "%s.tmp.%ld", path, (long)getpid());
    af->f = fopen(af->tmp, "wb");
    if (af->f == NULL)
        goto err;
    return af;
err:;
    int saved = errno;
    free(af->path);
    free(af->tmp);
    free(af);
    errno = saved;
    return NULL;
}

FILE *atomic_stream(atomic_file *af)
{
    return af->f;
}

static void sync_parent(const char *path)
{
    char *dir = strdup(path);
    if (dir == NULL)
        return;
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int atomic_finish(atomic_file *af)
{
    if (af->f == NULL)
        return af->failed ? -1 : 0;
    int rc = 0;
    if (ferror(af->f) || fflush(af->f) != 0 || fsync(fileno(af->f)) != 0)
        rc = -1;
    int saved = errno;
    if (fclose(af->f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    af->f = NULL;
    if (rc != 0) {
        af->failed = 1;
        unlink(af->tmp);
    }
    errno = saved;
    return rc;
}

int atomic_commit(atomic_file *af)
{
    int rc = atomic_finish(af);
    int saved = errno;
    if (rc == 0 && rename(af->tmp, af->path) != 0) {
        rc = -1;
        saved = errno;
        unlink(af->tmp);
    }
    if (rc == 0)
        sync_parent(af->path);
    free(af->path);
    free(af->tmp);
    free(af);
    errno = saved;
    return rc;
}

void atomic_abort(atomic_file *af)
{
    if (af == NULL)
        return;
    if (af->f)
        fclose(af->f);
    unlink(af->tmp);
    free(af->path);
    free(af->tmp);
    free(af);
}

int atomic_mkdirs(const char *path)
{
    char *p = strdup(path);
    if (p == NULL)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}
