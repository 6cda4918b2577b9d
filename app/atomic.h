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
/* Flushes, syncs and closes the temporary file, still under its temporary
 * name: what can fail when writing (a full disk, an I/O error) fails here,
 * before anything is renamed. Returns 0, or -1 with errno set (the temporary
 * file is then removed). Several files can thus be finished first and
 * committed only if all of them were written. */
int atomic_finish(atomic_file *af);
/* Finishes (if not done yet) and renames into place. Returns 0, or -1 with
 * errno set (the temporary file is removed and the previous file is
 * untouched). Frees af. */
int atomic_commit(atomic_file *af);
/* Removes the temporary file and frees af. */
void atomic_abort(atomic_file *af);

/* Creates a directory and its parents (like mkdir -p). Returns 0 or -1. */
int atomic_mkdirs(const char *path);

#endif
