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

/* Walks `path` (no "=VALUE") from root. Returns 0 with *node the value at
 * the path and *parent its array or object; *node is NULL when the last key
 * is absent from its object (an override may add it). Returns -1 with a
 * message in why when a segment is empty or matches nothing. */
int setpath_find(cJSON *root, const char *path, cJSON **parent, cJSON **node, char *why, size_t whylen);

/* Applies one override. Returns 0, or -1 with a problem added to d (the tree
 * is then unchanged). */
int setpath_apply(cJSON *root, const char *assignment, diag *d);

#endif
