/* setpath.c -- walking a dotted path by keys and ids. */
#include "app/setpath.h"

#include "app/jread.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static cJSON *array_member(cJSON *arr, const char *seg)
{
    cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (cJSON_IsString(id) && strcmp(id->valuestring, seg) == 0)
            return it;
    }
    char *end;
    long i = strtol(seg, &end, 10);
    if (*seg && *end == '\0' && isdigit((unsigned char)seg[0]) && i < cJSON_GetArraySize(arr))
        return cJSON_GetArrayItem(arr, (int)i);
    return NULL;
}

/* The first object an override made, and where: taking it out undoes them all. */
typedef struct made {
    cJSON *in, *item;
} made;

/* Walks `path` from root as setpath_find says. With `created` (not NULL), a
 * key absent from an object before the last segment becomes a new empty
 * object, the first one recorded in *created; without, that is an error
 * like any segment matching nothing. Arrays never grow: an element is
 * found by id or index only. */
static int walk(cJSON *root, const char *path, made *created, cJSON **parent, cJSON **node, char *why,
                size_t whylen)
{
    *parent = *node = NULL;
    if (created)
        created->in = created->item = NULL;
    char *copy = strdup(path);
    if (copy == NULL) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    cJSON *at = root;
    char *seg = copy;
    int rc = -1;
    for (int depth = 1;; depth++) {
        char *dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        if (depth > CJSON_NESTING_LIMIT) {
            /* No scenario nests so deep, and made objects must stay within
             * what cJSON parses (it frees and prints them recursively). */
            snprintf(why, whylen, "the path is deeper than %d segments", CJSON_NESTING_LIMIT);
            break;
        }
        if (*seg == '\0') {
            snprintf(why, whylen, "empty segment in the path (expected KEY.KEY..., got \"%s\")", path);
            break;
        }
        cJSON *next = NULL;
        if (cJSON_IsArray(at))
            next = array_member(at, seg);
        else if (cJSON_IsObject(at))
            next = cJSON_GetObjectItemCaseSensitive(at, seg);
        if (next == NULL && dot != NULL && created && cJSON_IsObject(at)) {
            /* The loader checks the new key as it checks any other, so a
             * misspelt one is still reported ("unknown key"). */
            next = cJSON_AddObjectToObject(at, seg);
            if (next == NULL) {
                snprintf(why, whylen, "out of memory");
                break;
            }
            if (created->item == NULL) {
                created->in = at;
                created->item = next;
            }
        }
        if (next == NULL && !(dot == NULL && cJSON_IsObject(at))) {
            if (cJSON_IsArray(at) && isdigit((unsigned char)seg[0]))
                snprintf(why, whylen, "\"%s\" matches no element of the array (expected an id or an index below %d)",
                         seg, cJSON_GetArraySize(at));
            else if (cJSON_IsArray(at))
                snprintf(why, whylen, "\"%s\" matches nothing (no element of the array has that id)", seg);
            else if (cJSON_IsObject(at))
                snprintf(why, whylen, "\"%s\" matches nothing in the scenario (no such key)", seg);
            else
                snprintf(why, whylen, "\"%s\" goes below %s", seg, jtype(at));
            break;
        }
        if (dot == NULL) {
            *parent = at;
            *node = next;
            rc = 0;
            break;
        }
        at = next;
        seg = dot + 1;
    }
    free(copy);
    return rc;
}

int setpath_find(cJSON *root, const char *path, cJSON **parent, cJSON **node, char *why, size_t whylen)
{
    return walk(root, path, NULL, parent, node, why, whylen);
}

int setpath_apply(cJSON *root, const char *assignment, diag *d)
{
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment) {
        diag_add(d, "", "--set %s: expected PATH=VALUE", assignment);
        return -1;
    }
    size_t plen = (size_t)(eq - assignment);
    char *path = malloc(plen + 1);
    /* JSON only as a whole: cJSON_Parse would read end=2019-06-30 as the
     * number 2019 and drop the rest. Anything else is text, so that dates
     * and ids need no quotes on a command line. */
    cJSON *value = cJSON_ParseWithOpts(eq + 1, NULL, 1);
    if (value == NULL)
        value = cJSON_CreateString(eq + 1);
    if (path == NULL || value == NULL) {
        /* Reported: an override silently left out would change the run. */
        diag_add(d, "", "--set %.200s: out of memory", assignment);
        free(path);
        cJSON_Delete(value);
        return -1;
    }
    memcpy(path, assignment, plen);
    path[plen] = '\0';
    int rc = -1;
    cJSON *parent, *node;
    made created;
    char why[512];
    if (walk(root, path, &created, &parent, &node, why, sizeof why) != 0) {
        diag_add(d, "", "--set %.200s: %.300s", assignment, why);
    } else if (cJSON_IsArray(parent)) {
        cJSON_ReplaceItemViaPointer(parent, node, value);
        value = NULL;
        rc = 0;
    } else {
        const char *key = strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
        /* On failure (out of memory) cJSON leaves value to us. */
        if (node ? !cJSON_ReplaceItemInObjectCaseSensitive(parent, key, value)
                 : !cJSON_AddItemToObject(parent, key, value)) {
            diag_add(d, "", "--set %.200s: out of memory", assignment);
        } else {
            value = NULL;
            rc = 0;
        }
    }
    if (rc != 0 && created.item != NULL)   /* the tree is left as it was */
        cJSON_Delete(cJSON_DetachItemViaPointer(created.in, created.item));
    cJSON_Delete(value);
    free(path);
    return rc;
}
