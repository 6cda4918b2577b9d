/* sweep_design.c -- reading sweep files and expanding their designs. */
#include "app/sweep_design.h"

#include "app/jread.h"
#include "app/provenance.h"
#include "app/scenario.h"
#include "app/textfile.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"$schema", "name", "description", "scenario", "seed",
                                       "replications", "parameters", "design", NULL};
static const char *const param_keys[] = {"path", "values", "range", "min", "max", "integer", NULL};
static const char *const range_keys[] = {"from", "to", "step", NULL};
static const char *const design_keys[] = {"lhs", NULL};
static const char *const lhs_keys[] = {"points", "seed", NULL};

#define DESIGN_EXPECTED "\"grid\" or {\"lhs\": {\"points\": N, \"seed\": S}}"

void sweep_format_number(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v || isnan(v))
            return;
    }
}

void sweep_def_fini(sweep_def *def)
{
    for (int i = 0; i < def->n_params; i++) {
        free(def->params[i].path);
        free(def->params[i].values);
    }
    free(def->params);
    free(def->points);
    free(def->file);
    free(def->scenario);
    free(def->name);
    memset(def, 0, sizeof *def);
}

int sweep_lhs(long n, int dims, const double *min, const double *max, const int *integer,
              unsigned long seed, double *out)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *perm = malloc((size_t)n * sizeof *perm + 1);
    if (r == NULL || perm == NULL) {
        if (r)
            gsl_rng_free(r);
        free(perm);
        return -1;
    }
    gsl_rng_set(r, seed);
    for (int j = 0; j < dims; j++) {
        for (long i = 0; i < n; i++)
            perm[i] = (size_t)i;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof *perm);
        double width = integer[j] ? max[j] + 1 - min[j] : max[j] - min[j];
        for (long i = 0; i < n; i++) {
            double u = gsl_rng_uniform(r); /* [0, 1) */
            double t = ((double)perm[i] + u) / (double)n;
            double v = min[j] + t * width;
            if (integer[j]) {
                v = floor(v);
                if (v > max[j])
                    v = max[j];
            } else if (v > max[j]) {
                v = max[j];
            }
            out[(size_t)i * (size_t)dims + (size_t)j] = v;
        }
    }
    free(perm);
    gsl_rng_free(r);
    return 0;
}

static int is_whole(double v)
{
    return v == floor(v) && fabs(v) < 9007199254740992.0;
}

/* A number element of an array, with its path already pushed. */
static int read_value(jctx *c, const cJSON *v, int integer, double *out)
{
    char shown[96];
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
        jshow(v, shown, sizeof shown);
        diag_add(c->d, c->path, "expected a number, got %s", shown);
        return -1;
    }
    if (integer && !is_whole(v->valuedouble)) {
        diag_add(c->d, c->path, "expected a whole number (\"integer\": true), got %.17g", v->valuedouble);
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

static void read_grid_values(jctx *c, const cJSON *po, sweep_param *p)
{
    const cJSON *values = jget(c, po, "values", 0);
    const cJSON *range = jget(c, po, "range", 0);
    if (jget(c, po, "min", 0) || jget(c, po, "max", 0)) {
        size_t len = jpush_key(c, jget(c, po, "min", 0) ? "min" : "max");
        diag_add(c->d, c->path, "\"min\" and \"max\" are for the lhs design (expected \"values\" or \"range\" in a grid)");
        jpop(c, len);
    }
    if (values && range) {
        diag_add(c->d, c->path, "both \"values\" and \"range\" (expected one of them)");
        return;
    }
    if (!values && !range) {
        diag_add(c->d, c->path, "no values (expected \"values\": [a, b, ...] or \"range\": {\"from\": a, \"to\": b, \"step\": s})");
        return;
    }
    if (values) {
        size_t len = jpush_key(c, "values");
        int n = cJSON_GetArraySize(values);
        if (!cJSON_IsArray(values) || n == 0) {
            char shown[96];
            jshow(values, shown, sizeof shown);
            diag_add(c->d, c->path, "expected a non-empty array of numbers, got %s",
                     cJSON_IsArray(values) ? "an empty array" : shown);
        } else if ((long)n > SWEEP_MAX_POINTS) {
            diag_add(c->d, c->path, "too many values (expected at most %ld, got %d)", SWEEP_MAX_POINTS, n);
        } else {
            p->values = malloc((size_t)n * sizeof *p->values);
            if (p->values == NULL) {
                diag_add(c->d, c->path, "out of memory");
            } else {
                int i = 0, ok = 1;
                const cJSON *it;
                cJSON_ArrayForEach(it, values) {
                    size_t l2 = jpush_index(c, i);
                    ok &= read_value(c, it, p->integer, &p->values[i]) == 0;
                    jpop(c, l2);
                    i++;
                }
                for (int a = 0; ok && a < n; a++)
                    for (int b = a + 1; b < n; b++)
                        if (p->values[a] == p->values[b]) {
                            size_t l2 = jpush_index(c, b);
                            diag_add(c->d, c->path, "repeats values[%d] (%.17g) (expected distinct values)", a,
                                     p->values[a]);
                            jpop(c, l2);
                            ok = 0;
                            break;
                        }
                if (ok)
                    p->n_values = n;
            }
        }
        jpop(c, len);
        return;
    }
    size_t len = jpush_key(c, "range");
    if (!cJSON_IsObject(range)) {
        diag_add(c->d, c->path, "expected an object {\"from\": a, \"to\": b, \"step\": s}, got %s", jtype(range));
        jpop(c, len);
        return;
    }
    jcheck_keys(c, range, range_keys);
    int before = diag_count(c->d);
    double from = jnumber(c, range, "from", 1, -1e300, 1e300, NAN);
    double to = jnumber(c, range, "to", 1, -1e300, 1e300, NAN);
    double step = jnumber(c, range, "step", 1, -1e300, 1e300, NAN);
    if (diag_count(c->d) > before) {
        jpop(c, len);
        return;
    }
    if (!(step > 0)) {
        size_t l2 = jpush_key(c, "step");
        diag_add(c->d, c->path, "expected a number > 0, got %.17g", step);
        jpop(c, l2);
    } else if (to < from) {
        size_t l2 = jpush_key(c, "to");
        diag_add(c->d, c->path, "expected a number >= from (%.17g), got %.17g", from, to);
        jpop(c, l2);
    } else if (p->integer && (!is_whole(from) || !is_whole(step))) {
        diag_add(c->d, c->path, "expected whole numbers for from and step (\"integer\": true), got from %.17g, step %.17g",
                 from, step);
    } else if ((to - from) / step >= (double)SWEEP_MAX_POINTS) {
        diag_add(c->d, c->path, "too many values (expected at most %ld, got %.0f)", SWEEP_MAX_POINTS,
                 floor((to - from) / step) + 1);
    } else {
        long n = (long)floor((to - from) / step + 1e-9) + 1;
        p->values = malloc((size_t)n * sizeof *p->values);
        if (p->values == NULL) {
            diag_add(c->d, c->path, "out of memory");
        } else {
            char buf[64];
            for (long i = 0; i < n; i++) {
                /* from + i*step, rid of binary noise: 0.1 + 2*0.1 is 0.3. */
                snprintf(buf, sizeof buf, "%.15g", from + (double)i * step);
                p->values[i] = strtod(buf, NULL);
            }
            p->n_values = (int)n;
        }
    }
    jpop(c, len);
}

static void read_lhs_bounds(jctx *c, const cJSON *po, sweep_param *p)
{
    static const char *const grid_only[] = {"values", "range"};
    for (int k = 0; k < 2; k++)
        if (jget(c, po, grid_only[k], 0)) {
            size_t len = jpush_key(c, grid_only[k]);
            diag_add(c->d, c->path, "\"%s\" is for the grid design (expected \"min\" and \"max\" in a Latin hypercube)",
                     grid_only[k]);
            jpop(c, len);
        }
    int before = diag_count(c->d);
    p->min = jnumber(c, po, "min", 1, -1e300, 1e300, NAN);
    p->max = jnumber(c, po, "max", 1, -1e300, 1e300, NAN);
    if (diag_count(c->d) > before)
        return;
    if (p->integer && (!is_whole(p->min) || !is_whole(p->max))) {
        size_t len = jpush_key(c, is_whole(p->min) ? "max" : "min");
        diag_add(c->d, c->path, "expected a whole number (\"integer\": true), got %.17g",
                 is_whole(p->min) ? p->max : p->min);
        jpop(c, len);
    } else if (p->max < p->min) {
        size_t len = jpush_key(c, "max");
        diag_add(c->d, c->path, "expected a number >= min (%.17g), got %.17g", p->min, p->max);
        jpop(c, len);
    }
}

static void read_design(jctx *c, const cJSON *root, sweep_def *def)
{
    const cJSON *v = jget(c, root, "design", 0);
    def->design = SWEEP_GRID;
    if (v == NULL)
        return;
    size_t len = jpush_key(c, "design");
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "grid") != 0)
            diag_add(c->d, c->path, "unknown design (expected " DESIGN_EXPECTED ", got \"%.40s\")", v->valuestring);
    } else if (cJSON_IsObject(v)) {
        jcheck_keys(c, v, design_keys);
        const cJSON *lhs = jget(c, v, "lhs", 1);
        if (lhs) {
            size_t l2 = jpush_key(c, "lhs");
            if (!cJSON_IsObject(lhs)) {
                diag_add(c->d, c->path, "expected an object {\"points\": N, \"seed\": S}, got %s", jtype(lhs));
            } else {
                jcheck_keys(c, lhs, lhs_keys);
                def->design = SWEEP_LHS;
                def->lhs_points = jinteger(c, lhs, "points", 1, 1, SWEEP_MAX_POINTS, 1);
                def->lhs_seed = (unsigned long)jinteger(c, lhs, "seed", 1, 1, 4294967295L, 1);
            }
            jpop(c, l2);
        }
    } else {
        char shown[96];
        jshow(v, shown, sizeof shown);
        diag_add(c->d, c->path, "expected " DESIGN_EXPECTED ", got %s", shown);
    }
    jpop(c, len);
}

static void read_params(jctx *c, const cJSON *root, sweep_def *def)
{
    const cJSON *arr = jget(c, root, "parameters", 1);
    if (arr == NULL)
        return;
    size_t len = jpush_key(c, "parameters");
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n == 0 || n > SWEEP_MAX_PARAMS) {
        char shown[96];
        jshow(arr, shown, sizeof shown);
        if (cJSON_IsArray(arr))
            snprintf(shown, sizeof shown, "%d parameters", n);
        diag_add(c->d, c->path, "expected an array of 1 to %d parameters {\"path\": ..., ...}, got %s",
                 SWEEP_MAX_PARAMS, shown);
        jpop(c, len);
        return;
    }
    def->params = calloc((size_t)n, sizeof *def->params);
    if (def->params == NULL) {
        diag_add(c->d, c->path, "out of memory");
        jpop(c, len);
        return;
    }
    def->n_params = n;
    int i = 0;
    const cJSON *po;
    cJSON_ArrayForEach(po, arr) {
        sweep_param *p = &def->params[i];
        size_t l2 = jpush_index(c, i);
        i++;
        if (!cJSON_IsObject(po)) {
            diag_add(c->d, c->path, "expected an object {\"path\": ..., \"values\": [...]}, got %s", jtype(po));
            jpop(c, l2);
            continue;
        }
        jcheck_keys(c, po, param_keys);
        const char *path = jstring(c, po, "path", 1);
        if (path && (!*path || strchr(path, '=') || strchr(path, ',') || strchr(path, '"') ||
                     strchr(path, '\n'))) {
            size_t l3 = jpush_key(c, "path");
            diag_add(c->d, c->path, "expected a dotted JSON path such as \"stages.lhss.capacity\", got \"%.60s\"",
                     path);
            jpop(c, l3);
        } else if (path && (strcmp(path, "seed") == 0 || strcmp(path, "replications") == 0)) {
            size_t l3 = jpush_key(c, "path");
            diag_add(c->d, c->path,
                     "\"%s\" is shared by every point (expected a scenario parameter; set \"%s\" at the top of the sweep file)",
                     path, path);
            jpop(c, l3);
        } else if (path) {
            for (int k = 0; k < i - 1; k++)
                if (def->params[k].path && strcmp(def->params[k].path, path) == 0) {
                    size_t l3 = jpush_key(c, "path");
                    diag_add(c->d, c->path, "\"%.60s\" is already parameters[%d] (expected each path once)", path, k);
                    jpop(c, l3);
                    break;
                }
            p->path = strdup(path);
        }
        const cJSON *integer = jget(c, po, "integer", 0);
        if (integer && !cJSON_IsBool(integer)) {
            char shown[96];
            jshow(integer, shown, sizeof shown);
            size_t l3 = jpush_key(c, "integer");
            diag_add(c->d, c->path, "expected true or false, got %s", shown);
            jpop(c, l3);
        }
        p->integer = cJSON_IsTrue(integer);
        if (def->design == SWEEP_GRID)
            read_grid_values(c, po, p);
        else
            read_lhs_bounds(c, po, p);
        jpop(c, l2);
    }
    jpop(c, len);
}

static void expand(jctx *c, sweep_def *def)
{
    int k = def->n_params;
    if (def->design == SWEEP_LHS) {
        def->n_points = def->lhs_points;
        def->points = malloc((size_t)def->n_points * (size_t)k * sizeof *def->points);
        double *mn = malloc((size_t)k * sizeof *mn), *mx = malloc((size_t)k * sizeof *mx);
        int *in = malloc((size_t)k * sizeof *in);
        int ok = def->points && mn && mx && in;
        for (int j = 0; ok && j < k; j++) {
            mn[j] = def->params[j].min;
            mx[j] = def->params[j].max;
            in[j] = def->params[j].integer;
        }
        if (!ok || sweep_lhs(def->n_points, k, mn, mx, in, def->lhs_seed, def->points) != 0)
            diag_add(c->d, "design", "out of memory for %ld points", def->n_points);
        free(mn);
        free(mx);
        free(in);
        return;
    }
    double total = 1;
    for (int j = 0; j < k; j++)
        total *= def->params[j].n_values;
    if (total > (double)SWEEP_MAX_POINTS) {
        diag_add(c->d, "parameters", "the grid has %.0f points (expected at most %ld)", total, SWEEP_MAX_POINTS);
        return;
    }
    def->n_points = (long)total;
    def->points = malloc((size_t)def->n_points * (size_t)k * sizeof *def->points);
    if (def->points == NULL) {
        diag_add(c->d, "parameters", "out of memory for %ld points", def->n_points);
        return;
    }
    for (long p = 0; p < def->n_points; p++) {
        long rest = p;
        for (int j = k - 1; j >= 0; j--) {
            int n = def->params[j].n_values;
            def->points[(size_t)p * (size_t)k + (size_t)j] = def->params[j].values[rest % n];
            rest /= n;
        }
    }
}

static char *resolve(const char *file, const char *rel)
{
    const char *slash = strrchr(file, '/');
    if (rel[0] == '/' || slash == NULL)
        return strdup(rel);
    size_t dl = (size_t)(slash - file);
    char *out = malloc(dl + strlen(rel) + 2);
    if (out == NULL)
        return NULL;
    memcpy(out, file, dl);
    out[dl] = '/';
    strcpy(out + dl + 1, rel);
    return out;
}

static char *default_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char *name = strdup(*base ? base : "sweep");
    if (name == NULL)
        return NULL;
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".json") == 0)
        name[n - 5] = '\0';
    return name;
}

int sweep_def_load(const char *path, diag *d, sweep_def *out)
{
    memset(out, 0, sizeof *out);
    char why[256];
    char *text = textfile_read(path, SCENARIO_MAX_BYTES, why, sizeof why);
    if (text == NULL) {
        diag_add(d, "", "%s", why);
        return -1;
    }
    cJSON *root = jparse(text, d);
    if (root == NULL) {
        free(text);
        return -1;
    }
    free(text);
    jctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    int before = diag_count(d);
    if (!cJSON_IsObject(root)) {
        diag_add(d, "", "expected a JSON object {\"scenario\": ..., \"parameters\": [...]}, got %s", jtype(root));
        cJSON_Delete(root);
        return -1;
    }
    if (jcheck_file_kind(d, root, JFILE_SWEEP) != 0) {
        cJSON_Delete(root);
        return -1;
    }
    jcheck_keys(&c, root, top_keys);
    out->file = strdup(path);
    const char *scenario = jstring(&c, root, "scenario", 1);
    if (scenario && !*scenario)
        diag_add(d, "scenario", "expected the path of a scenario file, got \"\"");
    else if (scenario)
        out->scenario = resolve(path, scenario);
    const char *name = jstring(&c, root, "name", 0);
    if (name && (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
        diag_add(d, "name", "expected a name usable as a directory (no \"/\"), got \"%.60s\"", name);
    out->name = name && *name ? strdup(name) : default_name(path);
    jstring(&c, root, "description", 0);
    if (jget(&c, root, "seed", 0)) {
        out->has_seed = 1;
        out->seed = (uint64_t)jinteger(&c, root, "seed", 1, 0, JREAD_WHOLE_MAX, 0);
    }
    if (jget(&c, root, "replications", 0)) {
        out->has_replications = 1;
        out->replications = jinteger(&c, root, "replications", 1, 1, 10000000, 1);
    }
    read_design(&c, root, out);
    read_params(&c, root, out);
    if (diag_count(d) == before)
        expand(&c, out);
    if (diag_count(d) == before && (out->file == NULL || out->name == NULL || out->scenario == NULL))
        diag_add(d, "", "out of memory");
    if (diag_count(d) == before) {
        char *canon = cJSON_PrintUnformatted(root);
        if (canon == NULL) {
            diag_add(d, "", "out of memory");
        } else {
            out->hash = provenance_hash(PROVENANCE_HASH_START, canon, strlen(canon));
            cJSON_free(canon);
        }
    }
    cJSON_Delete(root);
    if (diag_count(d) > before) {
        sweep_def_fini(out);
        return -1;
    }
    return 0;
}
