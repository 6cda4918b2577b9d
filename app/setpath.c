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

int setpath_find(cJSON *root, const char *path, cJSON **parent, cJSON **node, char *why, size_t whylen)
{
    *parent = *node = NULL;
    char *copy = strdup(path);
    if (copy == NULL) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    cJSON *at = root;
    char *seg = copy;
    int rc = -1;
    for (;;) {
        char *dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        if (*seg == '\0') {
            snprintf(why, whylen, "empty segment in the path (expected KEY.KEY..., got \"%s\")", path);
            break;
        }
        cJSON *next = NULL;
        if (cJSON_IsArray(at))
            next = array_member(at, seg);
        else if (cJSON_IsObject(at))
            next = cJSON_GetObjectItemCaseSensitive(at, seg);
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

int setpath_apply(cJSON *root, const char *assignment, diag *d)
{
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment) {
        diag_add(d, "", "--set %s: expected PATH=VALUE", assignment);
        return -1;
    }
    size_t plen = (size_t)(eq - assignment);
    char *path = malloc(plen + 1);
    cJSON *value = cJSON_Parse(eq + 1);
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
    char why[512];
    if (setpath_find(root, path, &parent, &node, why, sizeof why) != 0) {
        diag_add(d, "", "--set %s: %s", assignment, why);
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
    cJSON_Delete(value);
    free(path);
    return rc;
}
