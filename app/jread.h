/* jread.h -- typed reads from a cJSON tree that report problems by path.
 *
 * Every getter records a diagnostic (file, JSON path, what was expected and
 * what was found) instead of failing, and returns a fallback value so that
 * loading can go on and report every problem in one pass. This module and
 * the scenario loader are the only users of cJSON's reading side. */
#ifndef APP_JREAD_H
#define APP_JREAD_H

#include "app/diag.h"

#include <cjson/cJSON.h>

typedef struct jctx {
    diag *d;
    char path[512];
} jctx;

/* Parses JSON text. On a syntax error, reports it (JSON path "") with its
 * line and column, or "unexpected end of file (truncated?)", and returns
 * NULL. The tree is the caller's, to cJSON_Delete. */
cJSON *jparse(const char *text, diag *d);

/* Appends ".key" or "[i]" or ".id" to the path; jpop restores it. Returns
 * the previous length to pass to jpop. */
size_t jpush_key(jctx *c, const char *key);
size_t jpush_index(jctx *c, int i);
void jpop(jctx *c, size_t len);

/* Reports every key of obj not in the NULL-terminated list, suggesting the
 * closest allowed key when it is near. */
void jcheck_keys(jctx *c, const cJSON *obj, const char *const *allowed);

/* Gets obj[key]; if required and missing, reports it. */
const cJSON *jget(jctx *c, const cJSON *obj, const char *key, int required);

/* Numbers: finite, within [lo, hi]. Return fallback after a problem. */
double jnumber(jctx *c, const cJSON *obj, const char *key, int required, double lo, double hi,
               double fallback);
/* The largest whole number a JSON number (a double) holds exactly, 2^53 - 1:
 * the bound of seeds, which outputs write back as JSON numbers. */
#define JREAD_WHOLE_MAX 9007199254740991L
/* A whole number within [lo, hi]. */
long jinteger(jctx *c, const cJSON *obj, const char *key, int required, long lo, long hi,
              long fallback);
/* A string (borrowed from the tree), or NULL after a problem or if absent. */
const char *jstring(jctx *c, const cJSON *obj, const char *key, int required);
/* Describes a JSON value's type for messages ("a string", "an array" ...). */
const char *jtype(const cJSON *v);
/* A short rendering of a value for messages. */
void jshow(const cJSON *v, char *buf, size_t size);

/* parcours' three kinds of input file, told apart by their keys: a
 * scenario has "stages"; a sweep and a calibration name a "scenario", and
 * a calibration also has "targets". */
typedef enum jfile_kind { JFILE_SCENARIO, JFILE_SWEEP, JFILE_CALIBRATION } jfile_kind;

/* If root (an object) is plainly a file of another kind than `expected`,
 * reports that as its one problem, with the command that reads it, and
 * returns -1, so that a file given to the wrong command gets one line
 * instead of a problem per key. Otherwise returns 0. */
int jcheck_file_kind(diag *d, const cJSON *root, jfile_kind expected);

#endif
