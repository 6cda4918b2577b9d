/* setpath.h -- the --set overrides: "json.path=value" applied to a tree.
 *
 * Path segments are separated by dots. In an object a segment is a key; in
 * an array it is the `id` of an element (or a decimal index). The value is
 * parsed as JSON, and taken as a string if it is not valid JSON. The last
 * key may be new (the loader then checks it is a known key); any other
 * segment that matches nothing is an error, never ignored. */
#ifndef APP_SETPATH_H
#define APP_SETPATH_H

#include "app/diag.h"

#include <cjson/cJSON.h>

/* Applies one override. Returns 0, or -1 with a problem added to d (the tree
 * is then unchanged). */
int setpath_apply(cJSON *root, const char *assignment, diag *d);

#endif
