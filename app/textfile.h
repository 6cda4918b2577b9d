/* textfile.h -- reading a whole text file: a scenario, a sweep or
 * calibration file, a sweep's journal or a stored row. */
#ifndef APP_TEXTFILE_H
#define APP_TEXTFILE_H

#include <stddef.h>

/* Reads path into a NUL-terminated string to free. Returns NULL when the
 * file cannot be read, is larger than max_bytes (errno EFBIG) or holds a
 * NUL byte (errno EILSEQ: not text), with errno set (ENOENT for a missing
 * file) and a message for the user in why ("cannot read the file: No such
 * file or directory", "file larger than 64 MiB", ...). */
char *textfile_read(const char *path, size_t max_bytes, char *why, size_t whylen);

#endif
