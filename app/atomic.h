/* atomic.h -- output files that are either complete or absent.
 *
 * A file is written under a temporary name in its final directory, flushed,
 * synced, then renamed over the final name; the directory is synced too.
 * A crash or a failed write therefore never leaves a half-written file in
 * place, and the previous version survives any failure. */
#ifndef APP_ATOMIC_H
#define APP_ATOMIC_H

#include <stdio.h>

typedef struct atomic_file atomic_file;

/* Opens a temporary file for `path`. Returns NULL with errno set. */
atomic_file *atomic_open(const char *path);
FILE *atomic_stream(atomic_file *af);
/* Flushes the stream and starts writing the file out to disk without
 * waiting for it (on Linux), so that the disk works on it while the caller
 * writes its next files. Reports the errors seen so far (a full disk):
 * returns 0, or -1 with errno set. Optional: committing does it all. */
int atomic_flush(atomic_file *af);
/* Syncs, closes and renames into place, then syncs the directory: the
 * file is complete and durable, or absent. Returns 0, or -1 with errno
 * set (the temporary file is removed and the previous file is untouched).
 * Frees af. */
int atomic_commit(atomic_file *af);
/* Commits the files af[0..n-1] together (NULL entries are skipped):
 * finishes them all, then renames them into place only if every one was
 * written, and syncs each directory once for all its renames. Frees them
 * all and sets the entries to NULL. Returns 0, or -1 with errno set and
 * *failed (unless failed is NULL) the index of the file that failed; the
 * files not renamed by then are removed, the previous ones untouched.
 * (Only a failing rename, once every file is safely written, leaves the
 * files before it committed.) */
int atomic_commit_all(atomic_file **af, size_t n, size_t *failed);
/* Removes the temporary file and frees af. */
void atomic_abort(atomic_file *af);

/* Creates a directory and its parents (like mkdir -p). Returns 0, or -1
 * with errno set (ENOTDIR when path is a file). */
int atomic_mkdirs(const char *path);

/* Whether atomic_mkdirs(path) and writing into path should succeed, as far
 * as can be told without creating anything: path is a directory we may
 * write into, or does not exist and its nearest existing ancestor is one.
 * Commands call it before a long run, so that a mistyped --out fails at
 * once, not after the work. Returns 0, or -1 with errno set. */
int atomic_dir_usable(const char *path);

#endif
