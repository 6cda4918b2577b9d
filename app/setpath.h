/* setpath.h -- the --set overrides: "json.path=value" applied to a tree.
 *
 * Path segments are separated by dots. In an object a segment is a key; in
 * an array it is the `id` of an element (or a decimal index). The value is
 * parsed as JSON, and taken as a string if it is not valid JSON. Keys of
 * objects may be new: the last one is added, and an override makes the
 * objects above it ("outputs.daily=false" on a scenario without "outputs");
 * the loader then checks every key as it checks the file's own, so a
 * misspelt one is still an error. An array element that matches no id or
 * index is an error, never ignored. */
#ifndef APP_SETPATH_H
#define APP_SETPATH_H

#include "app/diag.h"

#include <cjson/cJSON.h>

/* Walks `path` (no "=VALUE") from root, changing nothing. Returns 0 with
 * *node the value at the path and *parent its array or object; *node is
 * NULL when the last key is absent from its object (an override may add
 * it). Returns -1 with a message in why when a segment is empty or matches
 * nothing, an absent object above the last key included. */
int setpath_find(cJSON *root, const char *path, cJSON **parent, cJSON **node, char *why, size_t whylen);

/* Applies one override. Returns 0, or -1 with a problem added to d (the tree
 * is then unchanged). */
int setpath_apply(cJSON *root, const char *assignment, diag *d);

#endif
