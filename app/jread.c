/* jread.c -- path bookkeeping and checked getters over cJSON. */
#include "app/jread.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t jpush_key(jctx *c, const char *key)
{
    size_t len = strlen(c->path);
    snprintf(c->path + len, sizeof c->path - len, "%s%s", len ? "." : "", key);
    return len;
}

size_t jpush_index(jctx *c, int i)
{
    size_t len = strlen(c->path);
    snprintf(c->path + len, sizeof c->path - len, "[%d]", i);
    return len;
}

void jpop(jctx *c, size_t len)
{
    c->path[len] = '\0';
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t corner = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = corner + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            corner = up;
        }
    }
    return row[lb];
}

void jcheck_keys(jctx *c, const cJSON *obj, const char *const *allowed)
{
    if (!cJSON_IsObject(obj))
        return;
    for (const cJSON *it = obj->child; it; it = it->next) {
        const char *key = it->string ? it->string : "";
        int known = 0;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (known)
            continue;
        /* The suggestion is looked for only when needed: computing it for
         * every key was a few percent of loading a scenario. */
        const char *near = NULL;
        size_t best = 3;
        for (int i = 0; allowed[i]; i++) {
            size_t dist = edit_distance(key, allowed[i]);
            if (dist < best) {
                best = dist;
                near = allowed[i];
            }
        }
        size_t len = jpush_key(c, key);
        if (near)
            diag_add(c->d, c->path, "unknown key (did you mean \"%s\"?)", near);
        else
            diag_add(c->d, c->path, "unknown key");
        jpop(c, len);
    }
    /* Duplicate keys: cJSON keeps them all; the scenario would be ambiguous.
     * Only allowed keys need checking (an unknown one is reported anyway),
     * which keeps this linear in the size of the object. */
    for (int i = 0; allowed[i]; i++) {
        int seen = 0;
        for (const cJSON *it = obj->child; it; it = it->next)
            if (it->string && strcmp(it->string, allowed[i]) == 0 && ++seen == 2) {
                size_t len = jpush_key(c, it->string);
                diag_add(c->d, c->path, "duplicate key");
                jpop(c, len);
            }
    }
}

const char *jtype(const cJSON *v)
{
    if (v == NULL) return "nothing";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "an invalid value";
}

void jshow(const cJSON *v, char *buf, size_t size)
{
    if (cJSON_IsNumber(v))
        snprintf(buf, size, "%.17g", v->valuedouble);
    else if (cJSON_IsString(v))
        snprintf(buf, size, "\"%.60s\"", v->valuestring);
    else
        snprintf(buf, size, "%s", jtype(v));
}

const cJSON *jget(jctx *c, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (v == NULL && required) {
        size_t len = jpush_key(c, key);
        diag_add(c->d, c->path, "missing (required)");
        jpop(c, len);
    }
    return v;
}

/* Whether v is a number; if not, reports it at c's path as not `what`. */
static int is_number(jctx *c, const cJSON *v, const char *what)
{
    if (cJSON_IsNumber(v))
        return 1;
    char shown[96];
    jshow(v, shown, sizeof shown);
    diag_add(c->d, c->path, "expected %s, got %s", what, shown);
    return 0;
}

double jnumber(jctx *c, const cJSON *obj, const char *key, int required, double lo, double hi,
               double fallback)
{
    const cJSON *v = jget(c, obj, key, required);
    if (v == NULL)
        return fallback;
    size_t len = jpush_key(c, key);
    double x = fallback;
    if (is_number(c, v, "a number")) {
        double d = v->valuedouble;
        if (!isfinite(d) || d < lo || d > hi)
            diag_add(c->d, c->path, "out of range (expected a number in [%g, %g], got %.17g)", lo, hi, d);
        else
            x = d;
    }
    jpop(c, len);
    return x;
}

long jinteger(jctx *c, const cJSON *obj, const char *key, int required, long lo, long hi,
              long fallback)
{
    const cJSON *v = jget(c, obj, key, required);
    if (v == NULL)
        return fallback;
    size_t len = jpush_key(c, key);
    long x = fallback;
    if (is_number(c, v, "a whole number")) {
        double d = v->valuedouble;
        /* the bounds as written, not rounded as %g would (2^53 - 1 for seeds) */
        if (!isfinite(d) || d < (double)lo || d > (double)hi)
            diag_add(c->d, c->path, "out of range (expected a whole number in [%ld, %ld], got %.17g)", lo, hi, d);
        else if (d != floor(d))
            diag_add(c->d, c->path, "expected a whole number, got %.17g", d);
        else
            x = (long)d;
    }
    jpop(c, len);
    return x;
}

const char *jstring(jctx *c, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = jget(c, obj, key, required);
    if (v == NULL)
        return NULL;
    if (!cJSON_IsString(v)) {
        char shown[96];
        jshow(v, shown, sizeof shown);
        size_t len = jpush_key(c, key);
        diag_add(c->d, c->path, "expected a string, got %s", shown);
        jpop(c, len);
        return NULL;
    }
    return v->valuestring;
}

cJSON *jparse(const char *text, diag *d)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (root != NULL)
        return root;
    const char *at = cJSON_GetErrorPtr();
    long line = 1, col = 1;
    if (at == NULL)
        at = text + strlen(text);
    for (const char *p = text; p < at && *p; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (*at == '\0')
        diag_add(d, "", "line %ld, column %ld: invalid JSON: unexpected end of file (truncated?)", line, col);
    else
        diag_add(d, "", "line %ld, column %ld: invalid JSON near \"%.20s\"", line, col, at);
    return NULL;
}

static jfile_kind file_kind(const cJSON *root, int *known)
{
    int stages = cJSON_GetObjectItemCaseSensitive(root, "stages") != NULL;
    int scenario = cJSON_GetObjectItemCaseSensitive(root, "scenario") != NULL;
    int targets = cJSON_GetObjectItemCaseSensitive(root, "targets") != NULL;
    *known = stages != scenario;
    return stages ? JFILE_SCENARIO : targets ? JFILE_CALIBRATION : JFILE_SWEEP;
}

int jcheck_file_kind(diag *d, const cJSON *root, jfile_kind expected)
{
    static const char *const what[] = {
        [JFILE_SCENARIO] = "a scenario (it has \"stages\")",
        [JFILE_SWEEP] = "a sweep file (it names a \"scenario\")",
        [JFILE_CALIBRATION] = "a calibration file (it names a \"scenario\" and has \"targets\")",
    };
    static const char *const command[] = {
        [JFILE_SCENARIO] = "parcours run or parcours validate",
        [JFILE_SWEEP] = "parcours sweep",
        [JFILE_CALIBRATION] = "parcours calibrate",
    };
    static const char *const expected_what[] = {
        [JFILE_SCENARIO] = "a scenario",
        [JFILE_SWEEP] = "a sweep file",
        [JFILE_CALIBRATION] = "a calibration file",
    };
    int known;
    jfile_kind kind = file_kind(root, &known);
    if (!known || kind == expected)
        return 0;
    diag_add(d, "", "this is %s, not %s: give it to %s", what[kind], expected_what[expected], command[kind]);
    return -1;
}
