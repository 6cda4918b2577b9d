/* atomic.c -- temp + fsync + rename + directory fsync.
 *
 * The syncs are what a run's outputs cost beyond formatting them: synced
 * one after the other, the Paris baseline's seven files (6 MB) waited
 * 12 ms for the disk on this project's VM, of a run of 85 ms. atomic_flush
 * starts each file's disk write as soon as it is complete, so the writes
 * run while the next files are formatted, and atomic_commit_all syncs a
 * directory once for all the files renamed into it. */
#define _GNU_SOURCE   /* sync_file_range, on Linux; elsewhere fsync alone */
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

int atomic_flush(atomic_file *af)
{
    if (ferror(af->f) || fflush(af->f) != 0)
        return -1;
#ifdef SYNC_FILE_RANGE_WRITE
    /* Only a start: finish's fsync still waits for the data and
     * reports the errors, so a failure here changes nothing. */
    (void)sync_file_range(fileno(af->f), 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
    return 0;
}

/* Flushes, syncs and closes the temporary file, still under its temporary
 * name: what can fail when writing (a full disk, an I/O error) fails here,
 * before anything is renamed. Returns 0, or -1 with errno set (the
 * temporary file is then removed). */
static int finish(atomic_file *af)
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

/* The directory of path, in a new string ("." for a bare name). */
static char *parent_of(const char *path)
{
    char *dir = strdup(path);
    if (dir == NULL)
        return NULL;
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    return dir;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void release(atomic_file *af)
{
    free(af->path);
    free(af->tmp);
    free(af);
}

int atomic_commit_all(atomic_file **af, size_t n, size_t *failed)
{
    int rc = 0, saved = 0;
    size_t bad = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (af[i] != NULL && finish(af[i]) != 0) {
            rc = -1;
            saved = errno;
            bad = i;
        }
    for (size_t i = 0; i < n; i++) {
        if (af[i] == NULL)
            continue;
        if (rc == 0 && rename(af[i]->tmp, af[i]->path) != 0) {
            rc = -1;
            saved = errno;
            bad = i;
        }
        if (rc != 0) {
            atomic_abort(af[i]);   /* removes what was not renamed */
            af[i] = NULL;
        }
    }
    /* The renames are made durable by syncing their directories, once
     * each: the files of one commit are usually in one directory. */
    char *synced = NULL;
    for (size_t i = 0; i < n; i++) {
        if (af[i] == NULL)
            continue;
        char *dir = parent_of(af[i]->path);
        if (dir != NULL && (synced == NULL || strcmp(dir, synced) != 0)) {
            sync_dir(dir);
            free(synced);
            synced = dir;
        } else {
            free(dir);
        }
        release(af[i]);
        af[i] = NULL;
    }
    free(synced);
    if (rc != 0 && failed != NULL)
        *failed = bad;
    errno = saved;
    return rc;
}

int atomic_commit(atomic_file *af)
{
    return atomic_commit_all(&af, 1, NULL);
}

void atomic_abort(atomic_file *af)
{
    if (af == NULL)
        return;
    if (af->f)
        fclose(af->f);
    unlink(af->tmp);
    release(af);
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
    struct stat st;
    if (rc == 0 && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;   /* a file of that name: say so here, not at the first write into it */
        rc = -1;
    }
    free(p);
    return rc;
}

int atomic_dir_usable(const char *path)
{
    char *p = strdup(*path ? path : ".");
    if (p == NULL)
        return -1;
    int rc;
    for (;;) {
        struct stat st;
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                errno = ENOTDIR;
                rc = -1;
            } else {
                rc = access(p, W_OK | X_OK);
            }
            break;
        }
        if (errno != ENOENT) {
            rc = -1;
            break;
        }
        char *slash = strrchr(p, '/');
        if (slash == NULL)
            strcpy(p, ".");            /* "out" -> the working directory */
        else if (slash == p)
            p[1] = '\0';               /* "/out" -> "/" */
        else
            *slash = '\0';
    }
    free(p);
    return rc;
}
