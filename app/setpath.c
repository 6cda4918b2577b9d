/* setpath.c -- walking a dotted path by keys and ids. */
#include "app/setpath.h"

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
    cJSON *node = root;
    char *seg = path;
    for (;;) {
        char *dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        if (*seg == '\0') {
            diag_add(d, "", "--set %s: empty segment in the path", assignment);
            break;
        }
        cJSON *next = NULL;
        if (cJSON_IsArray(node))
            next = array_member(node, seg);
        else if (cJSON_IsObject(node))
            next = cJSON_GetObjectItemCaseSensitive(node, seg);
        if (dot == NULL) {
            if (cJSON_IsObject(node)) {
                /* On failure (out of memory) cJSON leaves value to us. */
                if (next ? !cJSON_ReplaceItemInObjectCaseSensitive(node, seg, value)
                         : !cJSON_AddItemToObject(node, seg, value)) {
                    diag_add(d, "", "--set %.200s: out of memory", assignment);
                    break;
                }
                value = NULL;
                rc = 0;
            } else if (cJSON_IsArray(node) && next) {
                cJSON_ReplaceItemViaPointer(node, next, value);
                value = NULL;
                rc = 0;
            } else {
                diag_add(d, "", "--set %s: \"%s\" matches nothing (no such key or id)", assignment, seg);
            }
            break;
        }
        if (next == NULL) {
            diag_add(d, "", "--set %s: \"%s\" matches nothing (no such key or id)", assignment, seg);
            break;
        }
        node = next;
        seg = dot + 1;
    }
    cJSON_Delete(value);
    free(path);
    return rc;
}
