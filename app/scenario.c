/* scenario.c -- the scenario loader: JSON text -> model_spec.
 *
 * Order of work: parse (syntax errors carry line and column), apply the
 * --set overrides, collect the ids that other parts refer to (stages,
 * attributes and their values), then read every section, reporting each
 * problem with its JSON path and carrying on. Only a scenario without any
 * problem is returned. Array elements with an id are named by it in paths
 * (stages.assore.capacity), others by index (windows[2].from). */
#include "app/scenario.h"

#include "app/jread.h"
#include "app/provenance.h"
#include "app/setpath.h"
#include "app/textfile.h"
#include "sim/date.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STAGES 4096
#define MAX_IDS 10000    /* sources, patrols, windows: their ids are compared pairwise */
#define BIG 1e15

typedef struct loader {
    jctx c;
    model_spec *spec;
    long start;          /* start date, days since 1970 */
    double horizon;      /* days; NAN until known */
    /* Whether start and the horizon were read. When either is wrong, that
     * is the one problem reported about dates: the other dates are still
     * read (from day 0 when start is unknown, so schedules stay in order),
     * but not checked against the horizon or the start, which would add a
     * problem per window, census date and capacity at the start. */
    int start_known, horizon_known;
} loader;

/* ---- small readers -------------------------------------------------------- */

static size_t push_element(loader *L, const cJSON *arr_item, int index)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(arr_item, "id");
    if (cJSON_IsString(id) && id->valuestring[0] && strlen(id->valuestring) < 64)
        return jpush_key(&L->c, id->valuestring);
    return jpush_index(&L->c, index);
}

/* Every allocation of the loader goes through this: a failure is a problem
 * like any other (reported, the scenario refused), never a silently missing
 * part of the model. */
static void *checked(loader *L, void *p)
{
    if (p == NULL)
        diag_add(L->c.d, L->c.path, "out of memory");
    return p;
}

static char *dup_string(loader *L, const char *s)
{
    return s ? checked(L, strdup(s)) : NULL;
}

/* cJSON_GetArrayItem walks the list from its head: a loop over indexes
 * with it is quadratic (a census of 40,000 dates took seconds). Loops walk
 * the list instead: `next_item(arr, prev)` is the element after prev, or
 * the first one when prev is NULL. */
static const cJSON *next_item(const cJSON *arr, const cJSON *prev)
{
    return prev ? prev->next : arr ? arr->child : NULL;
}

/* A time: a date string (days since start) or a number of days. */
static double read_time_value(loader *L, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        long day;
        if (sim_date_parse(v->valuestring, &day) != 0) {
            diag_add(L->c.d, L->c.path, "expected a date YYYY-MM-DD, got \"%.40s\"", v->valuestring);
            return NAN;
        }
        return (double)(day - L->start);
    }
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) < BIG)
        return v->valuedouble;
    char shown[96];
    jshow(v, shown, sizeof shown);
    diag_add(L->c.d, L->c.path, "expected a date YYYY-MM-DD or a number of days, got %s", shown);
    return NAN;
}

static double read_time(loader *L, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = jget(&L->c, obj, key, required);
    if (v == NULL)
        return NAN;
    size_t len = jpush_key(&L->c, key);
    double t = read_time_value(L, v);
    jpop(&L->c, len);
    return t;
}

/* Is time t (days since start) outside the scenario's dates? Never when
 * they are unknown (see loader). */
static int outside_dates(const loader *L, double t)
{
    return L->horizon_known && (t < 0 || t >= L->horizon);
}

/* A time for messages: its date when it is a whole day, else days. */
static void format_time(const loader *L, double t, char *buf, size_t size)
{
    if (t == floor(t) && fabs(t) < 1e7) {
        char date[16];
        sim_date_format(L->start + (long)t, date);
        snprintf(buf, size, "%s", date);
    } else {
        snprintf(buf, size, "day %g", t);
    }
}

/* "2019-01-01 to 2023-12-31": the scenario's dates, for messages. */
static void format_dates(const loader *L, char *buf, size_t size)
{
    char first[24], last[24];
    format_time(L, 0, first, sizeof first);
    format_time(L, ceil(L->horizon) - 1, last, sizeof last);
    snprintf(buf, size, "%s to %s", first, last);
}

static int expect_object(loader *L, const cJSON *v)
{
    if (cJSON_IsObject(v))
        return 1;
    diag_add(L->c.d, L->c.path, "expected an object, got %s", jtype(v));
    return 0;
}

static int expect_array(loader *L, const cJSON *v)
{
    if (cJSON_IsArray(v))
        return 1;
    diag_add(L->c.d, L->c.path, "expected an array, got %s", jtype(v));
    return 0;
}

/* ---- distributions -------------------------------------------------------- */

static double unit_days(loader *L, const cJSON *obj)
{
    const char *u = jstring(&L->c, obj, "unit", 0);
    if (u == NULL || strcmp(u, "days") == 0) return 1.0;
    if (strcmp(u, "hours") == 0) return 1.0 / 24.0;
    if (strcmp(u, "weeks") == 0) return 7.0;
    if (strcmp(u, "months") == 0) return 365.25 / 12.0;
    if (strcmp(u, "years") == 0) return 365.25;
    size_t len = jpush_key(&L->c, "unit");
    diag_add(L->c.d, L->c.path, "expected one of \"hours\", \"days\", \"weeks\", \"months\", \"years\", got \"%.40s\"", u);
    jpop(&L->c, len);
    return 1.0;
}

static sim_dist *read_dist_object(loader *L, const cJSON *o)
{
    static const char *const keys[] = {"dist", "mean", "rate", "sd", "shape", "scale", "mu", "sigma",
                                       "min", "max", "value", "values", "weights", "unit", NULL};
    if (!expect_object(L, o))
        return NULL;
    jcheck_keys(&L->c, o, keys);
    const char *kind = jstring(&L->c, o, "dist", 1);
    double u = unit_days(L, o);
    int before = diag_count(L->c.d);
    sim_dist *d = NULL;
    if (kind == NULL)
        return NULL;
    if (strcmp(kind, "exponential") == 0) {
        double mean = NAN;
        if (jget(&L->c, o, "rate", 0))
            mean = 1.0 / jnumber(&L->c, o, "rate", 1, 1e-300, BIG, 1);
        else
            mean = jnumber(&L->c, o, "mean", 1, 1e-300, BIG, 1);
        if (diag_count(L->c.d) == before)
            d = sim_dist_new(SIM_DIST_EXPONENTIAL, mean * u, 0);
    } else if (strcmp(kind, "gamma") == 0) {
        double shape = jnumber(&L->c, o, "shape", 1, 1e-6, 1e6, 1);
        double scale = jget(&L->c, o, "scale", 0) ? jnumber(&L->c, o, "scale", 1, 1e-300, BIG, 1)
                                                   : jnumber(&L->c, o, "mean", 1, 1e-300, BIG, 1) / shape;
        if (diag_count(L->c.d) == before)
            d = sim_dist_new(SIM_DIST_GAMMA, shape, scale * u);
    } else if (strcmp(kind, "lognormal") == 0) {
        double mu, sigma;
        if (jget(&L->c, o, "mu", 0) || jget(&L->c, o, "sigma", 0)) {
            mu = jnumber(&L->c, o, "mu", 1, -700, 700, 0) + log(u);
            sigma = jnumber(&L->c, o, "sigma", 1, 1e-9, 20, 1);
        } else {
            double mean = jnumber(&L->c, o, "mean", 1, 1e-300, BIG, 1);
            double sd = jnumber(&L->c, o, "sd", 1, 1e-300, BIG, 1);
            sigma = sqrt(log(1 + (sd * sd) / (mean * mean)));
            mu = log(mean * u) - sigma * sigma / 2;
        }
        if (diag_count(L->c.d) == before)
            d = sim_dist_new(SIM_DIST_LOGNORMAL, mu, sigma);
    } else if (strcmp(kind, "weibull") == 0) {
        double shape = jnumber(&L->c, o, "shape", 1, 1e-3, 1e3, 1);
        double scale = jnumber(&L->c, o, "scale", 1, 1e-300, BIG, 1);
        if (diag_count(L->c.d) == before)
            d = sim_dist_new(SIM_DIST_WEIBULL, shape, scale * u);
    } else if (strcmp(kind, "uniform") == 0) {
        double lo = jnumber(&L->c, o, "min", 1, 0, BIG, 0);
        double hi = jnumber(&L->c, o, "max", 1, 0, BIG, 1);
        if (diag_count(L->c.d) == before && !(hi > lo))
            diag_add(L->c.d, L->c.path, "expected max > min, got min %g and max %g", lo, hi);
        else if (diag_count(L->c.d) == before)
            d = sim_dist_new(SIM_DIST_UNIFORM, lo * u, hi * u);
    } else if (strcmp(kind, "fixed") == 0) {
        double v = jnumber(&L->c, o, "value", 1, 0, BIG, 0);
        if (diag_count(L->c.d) == before)
            d = sim_dist_new(SIM_DIST_FIXED, v * u, 0);
    } else if (strcmp(kind, "empirical") == 0) {
        const cJSON *vals = jget(&L->c, o, "values", 1);
        const cJSON *wts = jget(&L->c, o, "weights", 0);
        int n = cJSON_IsArray(vals) ? cJSON_GetArraySize(vals) : 0;
        size_t len = jpush_key(&L->c, "values");
        if (vals && (!cJSON_IsArray(vals) || n == 0 || n > 100000))
            diag_add(L->c.d, L->c.path, "expected a non-empty array of durations, got %s", jtype(vals));
        jpop(&L->c, len);
        if (wts && (!cJSON_IsArray(wts) || cJSON_GetArraySize(wts) != n)) {
            len = jpush_key(&L->c, "weights");
            diag_add(L->c.d, L->c.path, "expected an array of %d weights, one per value", n);
            jpop(&L->c, len);
        }
        if (diag_count(L->c.d) == before && n > 0) {
            double *v = checked(L, malloc((size_t)n * sizeof *v)), *w = checked(L, malloc((size_t)n * sizeof *w));
            double total = 0;
            const cJSON *a = NULL, *b = NULL;
            for (int i = 0; v && w && i < n; i++) {
                a = next_item(vals, a);
                b = wts ? next_item(wts, b) : NULL;
                len = jpush_key(&L->c, "values");
                size_t len2 = jpush_index(&L->c, i);
                if (!cJSON_IsNumber(a) || !isfinite(a->valuedouble) || a->valuedouble < 0 || a->valuedouble > BIG)
                    diag_add(L->c.d, L->c.path, "expected a duration >= 0, got %s", jtype(a));
                else
                    v[i] = a->valuedouble * u;
                jpop(&L->c, len);
                (void)len2;
                w[i] = 1;
                if (b) {
                    len = jpush_key(&L->c, "weights");
                    jpush_index(&L->c, i);
                    if (!cJSON_IsNumber(b) || !isfinite(b->valuedouble) || b->valuedouble < 0 || b->valuedouble > BIG)
                        diag_add(L->c.d, L->c.path, "expected a weight >= 0, got %s", jtype(b));
                    else
                        w[i] = b->valuedouble;
                    jpop(&L->c, len);
                }
                total += w[i];
            }
            if (diag_count(L->c.d) == before && !(total > 0))
                diag_add(L->c.d, L->c.path, "weights sum to 0 (expected a positive total)");
            if (diag_count(L->c.d) == before && v && w)
                d = sim_dist_new_empirical(v, w, (size_t)n);
            free(v);
            free(w);
        }
    } else {
        size_t len = jpush_key(&L->c, "dist");
        diag_add(L->c.d, L->c.path, "expected one of \"exponential\", \"gamma\", \"lognormal\", \"weibull\", \"uniform\", \"fixed\", \"empirical\", got \"%.40s\"", kind);
        jpop(&L->c, len);
    }
    if (d == NULL && diag_count(L->c.d) == before)
        diag_add(L->c.d, L->c.path, "out of memory");
    return d;
}

static sim_dist *read_dist(loader *L, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = jget(&L->c, obj, key, required);
    if (v == NULL)
        return NULL;
    size_t len = jpush_key(&L->c, key);
    sim_dist *d = read_dist_object(L, v);
    jpop(&L->c, len);
    return d;
}

/* ---- schedules and hours ---------------------------------------------------- */

/* A number, or an array of {"from": time, "value": number} steps. */
static sim_schedule *read_schedule(loader *L, const cJSON *obj, const char *key, int required, double hi)
{
    static const char *const keys[] = {"from", "value", NULL};
    const cJSON *v = jget(&L->c, obj, key, required);
    if (v == NULL)
        return NULL;
    size_t len = jpush_key(&L->c, key);
    sim_schedule *s = NULL;
    int before = diag_count(L->c.d);
    if (cJSON_IsNumber(v)) {
        double x = v->valuedouble;
        if (!isfinite(x) || x < 0 || x > hi)
            diag_add(L->c.d, L->c.path, "out of range (expected a number in [0, %g], got %.17g)", hi, x);
        else
            s = sim_schedule_new_constant(x);
    } else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0 && cJSON_GetArraySize(v) < 100000) {
        int n = cJSON_GetArraySize(v);
        double *from = checked(L, malloc((size_t)n * sizeof *from)), *val = checked(L, malloc((size_t)n * sizeof *val));
        const cJSON *step = NULL;
        for (int i = 0; from && val && i < n; i++) {
            step = next_item(v, step);
            size_t l2 = jpush_index(&L->c, i);
            from[i] = val[i] = NAN;   /* a step that is not an object has no date */
            if (expect_object(L, step)) {
                jcheck_keys(&L->c, step, keys);
                from[i] = read_time(L, step, "from", 1);
                val[i] = jnumber(&L->c, step, "value", 1, 0, hi, 0);
                if (i > 0 && !(from[i] > from[i - 1]) && !isnan(from[i]) && !isnan(from[i - 1])) {
                    size_t l3 = jpush_key(&L->c, "from");
                    diag_add(L->c.d, L->c.path, "steps out of order (expected a date after the previous step's)");
                    jpop(&L->c, l3);
                }
            }
            jpop(&L->c, l2);
        }
        if (diag_count(L->c.d) == before && from && val)
            s = sim_schedule_new((size_t)n, from, val);
        free(from);
        free(val);
    } else {
        diag_add(L->c.d, L->c.path, "expected a number or a non-empty array of {\"from\", \"value\"} steps, got %s", jtype(v));
    }
    if (s == NULL && diag_count(L->c.d) == before)
        diag_add(L->c.d, L->c.path, "out of memory");
    jpop(&L->c, len);
    return s;
}

static int parse_clock(const char *s, double *hours)
{
    int h, m;
    char tail;
    if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m))
        return -1;
    *hours = h + m / 60.0;
    return 0;
}

static void add_hours(loader *L, sim_week *w, int day, const cJSON *list)
{
    if (!expect_array(L, list))
        return;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        size_t len = jpush_index(&L->c, i++);
        char a[16], b[16];
        double from, to;
        int used = 0;   /* "10:00-12:00,14:00-18:00" is not one range: nothing may follow it */
        if (!cJSON_IsString(it) || sscanf(it->valuestring, "%15[0-9:]-%15[0-9:]%n", a, b, &used) != 2 ||
            it->valuestring[used] != '\0' || parse_clock(a, &from) != 0 || parse_clock(b, &to) != 0 || from == to) {
            char shown[96];
            jshow(it, shown, sizeof shown);
            diag_add(L->c.d, L->c.path, "expected opening hours \"HH:MM-HH:MM\", got %s", shown);
        } else {
            if (to < from)
                to += 24;   /* runs past midnight */
            if (sim_week_add(w, day, from, to) != 0)
                diag_add(L->c.d, L->c.path, "out of memory");
        }
        jpop(&L->c, len);
    }
}

/* {"mon": [...], ..., "sun": [...], "weekdays": [...], "weekends": [...], "daily": [...]} */
static sim_week *read_hours(loader *L, const cJSON *obj, const char *key)
{
    static const char *const keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
                                       "weekdays", "weekends", "daily", NULL};
    const cJSON *v = jget(&L->c, obj, key, 0);
    if (v == NULL)
        return NULL;
    size_t len = jpush_key(&L->c, key);
    sim_week *w = checked(L, sim_week_new(sim_date_weekday(L->start)));
    if (w && expect_object(L, v)) {
        jcheck_keys(&L->c, v, keys);
        for (int k = 0; keys[k]; k++) {
            const cJSON *list = cJSON_GetObjectItemCaseSensitive(v, keys[k]);
            if (list == NULL)
                continue;
            size_t l2 = jpush_key(&L->c, keys[k]);
            int first = k < 7 ? k : k == 7 ? 0 : k == 8 ? 5 : 0;
            int last = k < 7 ? k : k == 7 ? 4 : 6;
            for (int day = first; day <= last; day++) {
                int before = diag_count(L->c.d);
                add_hours(L, w, day, list);
                if (diag_count(L->c.d) > before)
                    break;   /* one list for several days: its problems once */
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
    return w;
}

/* ---- references ------------------------------------------------------------- */

static int stage_ref(loader *L, const cJSON *obj, const char *key, int required)
{
    const char *id = jstring(&L->c, obj, key, required);
    if (id == NULL)
        return -1;
    int s = model_spec_find_stage(L->spec, id);
    if (s < 0) {
        size_t len = jpush_key(&L->c, key);
        diag_add(L->c.d, L->c.path, "unknown stage \"%.60s\" (expected the id of a stage)", id);
        jpop(&L->c, len);
    }
    return s;
}

static int attribute_index(const model_spec *spec, const char *id)
{
    for (int a = 0; a < spec->n_attributes; a++)
        if (spec->attributes[a].id && strcmp(spec->attributes[a].id, id) == 0)
            return a;
    return -1;
}

static int value_index(const model_attribute *a, const char *v)
{
    for (int i = 0; i < a->n_values; i++)
        if (a->values[i] && strcmp(a->values[i], v) == 0)
            return i;
    return -1;
}

static void report_value(loader *L, const model_attribute *a, const char *got)
{
    char list[256] = "";
    for (int i = 0; i < a->n_values; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s\"%s\"", i ? ", " : "", a->values[i] ? a->values[i] : "?");
    }
    diag_add(L->c.d, L->c.path, "unknown value \"%.40s\" of attribute %s (expected one of %s)", got, a->id ? a->id : "?", list);
}

/* "when": {"attr": "value" | ["v1", "v2"]} */
static void read_when(loader *L, const cJSON *obj, model_when *w)
{
    memset(w, 0, sizeof *w);
    const cJSON *v = jget(&L->c, obj, "when", 0);
    if (v == NULL)
        return;
    size_t len = jpush_key(&L->c, "when");
    if (expect_object(L, v)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, v) {
            size_t l2 = jpush_key(&L->c, it->string);
            int a = attribute_index(L->spec, it->string);
            if (a < 0) {
                diag_add(L->c.d, L->c.path, "unknown attribute (expected one declared in \"attributes\")");
            } else if (w->n < SIM_MAX_ATTRS) {
                uint32_t mask = 0;
                const cJSON *val;
                if (cJSON_IsString(it)) {
                    int k = value_index(&L->spec->attributes[a], it->valuestring);
                    if (k < 0)
                        report_value(L, &L->spec->attributes[a], it->valuestring);
                    else
                        mask |= 1u << k;
                } else if (cJSON_IsArray(it)) {
                    cJSON_ArrayForEach(val, it) {
                        int k = cJSON_IsString(val) ? value_index(&L->spec->attributes[a], val->valuestring) : -1;
                        if (k < 0)
                            report_value(L, &L->spec->attributes[a], cJSON_IsString(val) ? val->valuestring : "?");
                        else
                            mask |= 1u << k;
                    }
                } else {
                    diag_add(L->c.d, L->c.path, "expected a value or an array of values, got %s", jtype(it));
                }
                w->attr[w->n] = a;
                w->allowed[w->n] = mask;
                w->n++;
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static int read_outcome(loader *L, const cJSON *obj, int fallback)
{
    const char *o = jstring(&L->c, obj, "outcome", 0);
    if (o == NULL)
        return fallback;
    if (strcmp(o, "positive") == 0)
        return 1;
    if (strcmp(o, "negative") == 0)
        return 0;
    size_t len = jpush_key(&L->c, "outcome");
    diag_add(L->c.d, L->c.path, "expected \"positive\" or \"negative\", got \"%.40s\"", o);
    jpop(&L->c, len);
    return fallback;
}

/* ---- sections ------------------------------------------------------------- */

static void read_attributes(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"id", "values", NULL};
    const cJSON *arr = jget(&L->c, root, "attributes", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "attributes");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        if (n > SIM_MAX_ATTRS) {
            diag_add(L->c.d, L->c.path, "too many attributes (expected at most %d, got %d)", SIM_MAX_ATTRS, n);
            n = SIM_MAX_ATTRS;
        }
        L->spec->attributes = checked(L, calloc((size_t)n + 1, sizeof *L->spec->attributes));
        const cJSON *o = NULL;
        for (int i = 0; i < n && L->spec->attributes; i++) {
            o = next_item(arr, o);
            size_t l2 = push_element(L, o, i);
            model_attribute *a = &L->spec->attributes[L->spec->n_attributes];
            if (expect_object(L, o)) {
                jcheck_keys(&L->c, o, keys);
                const char *id = jstring(&L->c, o, "id", 1);
                if (id && attribute_index(L->spec, id) >= 0)
                    diag_add(L->c.d, L->c.path, "duplicate attribute id \"%.40s\"", id);
                const cJSON *vals = jget(&L->c, o, "values", 1);
                size_t l3 = jpush_key(&L->c, "values");
                double total = 0;
                if (vals && (!cJSON_IsObject(vals) || cJSON_GetArraySize(vals) == 0 ||
                             cJSON_GetArraySize(vals) > MODEL_MAX_VALUES)) {
                    diag_add(L->c.d, L->c.path, "expected an object of 1 to %d {\"value\": probability} pairs, got %s",
                             MODEL_MAX_VALUES, jtype(vals));
                } else if (vals) {
                    const cJSON *it;
                    cJSON_ArrayForEach(it, vals) {
                        double p = jnumber(&L->c, vals, it->string, 1, 0, 1, 0);
                        a->values[a->n_values] = dup_string(L, it->string);
                        a->p[a->n_values++] = p;
                        total += p;
                    }
                    if (fabs(total - 1) > 1e-6)
                        diag_add(L->c.d, L->c.path, "probabilities sum to %.9g (expected 1)", total);
                }
                jpop(&L->c, l3);
                a->id = dup_string(L, id ? id : "?");
                L->spec->n_attributes++;
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static void read_transitions(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"attribute", "from", "to", "after", NULL};
    const cJSON *arr = jget(&L->c, root, "transitions", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "transitions");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        L->spec->transitions = checked(L, calloc((size_t)n + 1, sizeof *L->spec->transitions));
        const cJSON *o = NULL;
        for (int i = 0; i < n && L->spec->transitions; i++) {
            o = next_item(arr, o);
            size_t l2 = jpush_index(&L->c, i);
            if (expect_object(L, o)) {
                jcheck_keys(&L->c, o, keys);
                model_transition *t = &L->spec->transitions[L->spec->n_transitions++];
                const char *attr = jstring(&L->c, o, "attribute", 1);
                t->attr = attr ? attribute_index(L->spec, attr) : -1;
                if (attr && t->attr < 0) {
                    size_t l3 = jpush_key(&L->c, "attribute");
                    diag_add(L->c.d, L->c.path, "unknown attribute \"%.40s\"", attr);
                    jpop(&L->c, l3);
                }
                const char *from = jstring(&L->c, o, "from", 1), *to = jstring(&L->c, o, "to", 1);
                if (t->attr >= 0 && from && to) {
                    const model_attribute *a = &L->spec->attributes[t->attr];
                    t->from = value_index(a, from);
                    t->to = value_index(a, to);
                    size_t l3 = jpush_key(&L->c, t->from < 0 ? "from" : "to");
                    if (t->from < 0)
                        report_value(L, a, from);
                    else if (t->to < 0)
                        report_value(L, a, to);
                    jpop(&L->c, l3);
                }
                t->after = read_dist(L, o, "after", 1);
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static const char *kind_names[] = {"pool", "service", "day_service", "exit"};

/* First pass over stages: ids and kinds, so references can point forward. */
static void collect_stages(loader *L, const cJSON *arr)
{
    int n = cJSON_GetArraySize(arr);
    if (n > MAX_STAGES) {
        diag_add(L->c.d, L->c.path, "too many stages (expected at most %d, got %d)", MAX_STAGES, n);
        n = MAX_STAGES;
    }
    L->spec->stages = checked(L, calloc((size_t)n + 1, sizeof *L->spec->stages));
    if (L->spec->stages == NULL)
        return;
    const cJSON *o = NULL;
    for (int i = 0; i < n; i++) {
        o = next_item(arr, o);
        model_stage *st = &L->spec->stages[i];
        st->priority_attr = -1;
        st->queue_cap = -1;
        st->pool = -1;
        L->spec->n_stages++;
        if (!cJSON_IsObject(o))
            continue;
        size_t l2 = jpush_index(&L->c, i);
        const char *id = jstring(&L->c, o, "id", 1);
        if (id && (id[0] == '\0' || strlen(id) > 63 || strcspn(id, ".,\" \t\n") != strlen(id))) {
            size_t l3 = jpush_key(&L->c, "id");
            diag_add(L->c.d, L->c.path, "expected an id of 1 to 63 characters without dots, commas, quotes or spaces, got \"%.40s\"", id);
            jpop(&L->c, l3);
            id = NULL;
        }
        if (id && model_spec_find_stage(L->spec, id) >= 0) {
            size_t l3 = jpush_key(&L->c, "id");
            diag_add(L->c.d, L->c.path, "duplicate stage id \"%.40s\"", id);
            jpop(&L->c, l3);
        }
        st->id = dup_string(L, id ? id : "");
        const char *kind = jstring(&L->c, o, "kind", 1);
        st->kind = MODEL_EXIT;
        int found = 0;
        for (int k = 0; kind && k < 4; k++)
            if (strcmp(kind, kind_names[k]) == 0) {
                st->kind = (model_kind)k;
                found = 1;
            }
        if (kind && !found) {
            size_t l3 = jpush_key(&L->c, "kind");
            diag_add(L->c.d, L->c.path, "expected one of \"pool\", \"service\", \"day_service\", \"exit\", got \"%.40s\"", kind);
            jpop(&L->c, l3);
        }
        jpop(&L->c, l2);
    }
}

static void read_queue(loader *L, const cJSON *o, model_stage *st)
{
    static const char *const keys[] = {"capacity", "patience", "priority", NULL};
    static const char *const pkeys[] = {"attribute", "order", NULL};
    const cJSON *q = jget(&L->c, o, "queue", 0);
    if (q == NULL)
        return;
    size_t len = jpush_key(&L->c, "queue");
    if (expect_object(L, q)) {
        jcheck_keys(&L->c, q, keys);
        const cJSON *cap = jget(&L->c, q, "capacity", 0);
        if (cap && !cJSON_IsNull(cap))
            st->queue_cap = jinteger(&L->c, q, "capacity", 0, 0, 100000000, -1);
        st->patience = read_dist(L, q, "patience", 0);
        const cJSON *pr = jget(&L->c, q, "priority", 0);
        if (pr) {
            size_t l2 = jpush_key(&L->c, "priority");
            if (expect_object(L, pr)) {
                jcheck_keys(&L->c, pr, pkeys);
                const char *attr = jstring(&L->c, pr, "attribute", 1);
                int a = attr ? attribute_index(L->spec, attr) : -1;
                if (attr && a < 0) {
                    size_t l3 = jpush_key(&L->c, "attribute");
                    diag_add(L->c.d, L->c.path, "unknown attribute \"%.40s\"", attr);
                    jpop(&L->c, l3);
                }
                const cJSON *order = jget(&L->c, pr, "order", 1);
                if (a >= 0 && order) {
                    const model_attribute *at = &L->spec->attributes[a];
                    size_t l3 = jpush_key(&L->c, "order");
                    if (!cJSON_IsArray(order) || cJSON_GetArraySize(order) != at->n_values) {
                        diag_add(L->c.d, L->c.path, "expected an array of all %d values of %s, highest priority first",
                                 at->n_values, at->id);
                    } else {
                        int level = 0;
                        const cJSON *it;
                        uint32_t seen = 0;
                        cJSON_ArrayForEach(it, order) {
                            int k = cJSON_IsString(it) ? value_index(at, it->valuestring) : -1;
                            if (k < 0 || (seen >> k & 1u))
                                report_value(L, at, cJSON_IsString(it) ? it->valuestring : "?");
                            else {
                                seen |= 1u << k;
                                st->level_of_value[k] = (uint8_t)level;
                            }
                            level++;
                        }
                        st->priority_attr = a;
                        st->n_levels = at->n_values;
                    }
                    jpop(&L->c, l3);
                }
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static void read_routes(loader *L, const cJSON *o, model_stage *st)
{
    static const char *const keys[] = {"to", "p", "when", "outcome", NULL};
    const char *routing = jstring(&L->c, o, "routing", 0);
    st->routing_random = st->kind == MODEL_SERVICE;
    if (routing) {
        if (strcmp(routing, "random") == 0)
            st->routing_random = 1;
        else if (strcmp(routing, "first_available") == 0)
            st->routing_random = 0;
        else {
            size_t len = jpush_key(&L->c, "routing");
            diag_add(L->c.d, L->c.path, "expected \"random\" or \"first_available\", got \"%.40s\"", routing);
            jpop(&L->c, len);
        }
        if (st->kind == MODEL_POOL && st->routing_random) {
            size_t len = jpush_key(&L->c, "routing");
            diag_add(L->c.d, L->c.path, "a pool refers to the first available route (expected \"first_available\")");
            jpop(&L->c, len);
        }
    }
    const cJSON *arr = jget(&L->c, o, "routes", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "routes");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        if (!st->routing_random && n > SIM_MAX_AWAITED)
            diag_add(L->c.d, L->c.path, "too many routes for first_available routing (expected at most %d, got %d)",
                     SIM_MAX_AWAITED, n);
        st->routes = checked(L, calloc((size_t)n + 1, sizeof *st->routes));
        double total = 0;
        int conditional = 0;
        const cJSON *r = NULL;
        for (int i = 0; i < n && st->routes; i++) {
            r = next_item(arr, r);
            size_t l2 = jpush_index(&L->c, i);
            if (expect_object(L, r)) {
                jcheck_keys(&L->c, r, keys);
                model_route *rt = &st->routes[st->n_routes++];
                rt->stage = stage_ref(L, r, "to", 1);
                if (rt->stage >= 0 && L->spec->stages[rt->stage].kind == MODEL_DAY_SERVICE) {
                    size_t l3 = jpush_key(&L->c, "to");
                    diag_add(L->c.d, L->c.path, "a route cannot lead to a day service (expected a pool, service or exit stage)");
                    jpop(&L->c, l3);
                }
                rt->p = st->routing_random ? jnumber(&L->c, r, "p", n > 1, 0, 1, 1) : 1;
                if (!st->routing_random && jget(&L->c, r, "p", 0)) {
                    size_t l3 = jpush_key(&L->c, "p");
                    diag_add(L->c.d, L->c.path, "probabilities apply to random routing only");
                    jpop(&L->c, l3);
                }
                total += rt->p;
                rt->positive = read_outcome(L, r, 1);
                read_when(L, r, &rt->when);
                conditional |= rt->when.n > 0;
            }
            jpop(&L->c, l2);
        }
        if (st->routing_random && n > 0 && !conditional && fabs(total - 1) > 1e-6)
            diag_add(L->c.d, L->c.path, "route probabilities sum to %.9g (expected 1)", total);
    }
    jpop(&L->c, len);
}

static void read_exits(loader *L, const cJSON *o, model_stage *st)
{
    static const char *const keys[] = {"to", "after", "outcome", NULL};
    const cJSON *arr = jget(&L->c, o, "exits", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "exits");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        st->hazards = checked(L, calloc((size_t)n + 1, sizeof *st->hazards));
        const cJSON *h = NULL;
        for (int i = 0; i < n && st->hazards; i++) {
            h = next_item(arr, h);
            size_t l2 = jpush_index(&L->c, i);
            if (expect_object(L, h)) {
                jcheck_keys(&L->c, h, keys);
                model_hazard *hz = &st->hazards[st->n_hazards++];
                hz->stage = stage_ref(L, h, "to", 1);
                if (hz->stage >= 0) {
                    model_kind k = L->spec->stages[hz->stage].kind;
                    if (k != MODEL_POOL && k != MODEL_EXIT) {
                        size_t l3 = jpush_key(&L->c, "to");
                        diag_add(L->c.d, L->c.path, "an exit must lead to a pool or an exit stage, which never refuse anyone (got %s stage \"%s\")",
                                 kind_names[k], L->spec->stages[hz->stage].id);
                        jpop(&L->c, l3);
                    }
                }
                hz->after = read_dist(L, h, "after", 1);
                hz->positive = read_outcome(L, h, 0);
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static void read_stage(loader *L, const cJSON *o, model_stage *st)
{
    static const char *const pool_keys[] = {"id", "kind", "description", "routes", "routing", "exits", "queue",
                                            "cost_per_day", NULL};   /* queue: refused below, with why */
    static const char *const service_keys[] = {"id", "kind", "description", "capacity", "queue", "stay",
                                               "routing", "routes", "exits", "cost_per_day", NULL};
    static const char *const day_keys[] = {"id", "kind", "description", "capacity", "pool", "hours",
                                           "visits_per_hour", "visit", "referral", "cost_per_day", NULL};
    static const char *const exit_keys[] = {"id", "kind", "description", NULL};
    const char *const *keys = st->kind == MODEL_POOL ? pool_keys : st->kind == MODEL_SERVICE ? service_keys
                            : st->kind == MODEL_DAY_SERVICE ? day_keys : exit_keys;
    jcheck_keys(&L->c, o, keys);
    st->description = dup_string(L, jstring(&L->c, o, "description", 0));
    st->cost_per_day = jnumber(&L->c, o, "cost_per_day", 0, 0, 1e9, 0);
    switch (st->kind) {
    case MODEL_POOL:
        /* Reported here rather than as an unknown key: a queue on the
         * street reads naturally, but its patience and priority would
         * never apply, since nobody waits to enter an unlimited pool. */
        if (jget(&L->c, o, "queue", 0)) {
            size_t len = jpush_key(&L->c, "queue");
            diag_add(L->c.d, L->c.path, "a pool is unlimited, so nobody waits for it and its queue would never "
                     "apply (expected the queue, with its patience or priority, on the stages people wait for)");
            jpop(&L->c, len);
        }
        read_routes(L, o, st);
        read_exits(L, o, st);
        break;
    case MODEL_SERVICE:
        /* No capacity, or null (handy with --set), means unlimited. */
        if (!cJSON_IsNull(jget(&L->c, o, "capacity", 0)))
            st->capacity = read_schedule(L, o, "capacity", 0, 1e8);
        read_queue(L, o, st);
        st->stay = read_dist(L, o, "stay", 0);
        read_routes(L, o, st);
        read_exits(L, o, st);
        if (st->stay && st->n_routes == 0)
            diag_add(L->c.d, L->c.path, "has a stay but no routes (expected \"routes\" saying where people go when it ends)");
        break;
    case MODEL_DAY_SERVICE:
        st->capacity = read_schedule(L, o, "capacity", 1, 1e8);
        st->pool = stage_ref(L, o, "pool", 1);
        if (st->pool >= 0 && L->spec->stages[st->pool].kind != MODEL_POOL) {
            size_t len = jpush_key(&L->c, "pool");
            diag_add(L->c.d, L->c.path, "expected the id of a pool stage, got %s stage \"%s\"",
                     kind_names[L->spec->stages[st->pool].kind], L->spec->stages[st->pool].id);
            jpop(&L->c, len);
        }
        st->hours = read_hours(L, o, "hours");
        st->visits_per_hour = read_schedule(L, o, "visits_per_hour", 1, 1e6);
        st->visit = read_dist(L, o, "visit", 1);
        st->refer_p = jnumber(&L->c, o, "referral", 0, 0, 1, 0);
        break;
    case MODEL_EXIT:
        break;
    }
}

static void read_stages(loader *L, const cJSON *root)
{
    const cJSON *arr = jget(&L->c, root, "stages", 1);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "stages");
    if (expect_array(L, arr)) {
        if (cJSON_GetArraySize(arr) == 0)
            diag_add(L->c.d, L->c.path, "expected at least one stage");
        collect_stages(L, arr);
        const cJSON *o = NULL;
        for (int i = 0; i < L->spec->n_stages; i++) {
            o = next_item(arr, o);
            size_t l2 = push_element(L, o, i);
            if (expect_object(L, o))
                read_stage(L, o, &L->spec->stages[i]);
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static int duplicate_id(char **ids, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] && strcmp(ids[i], id) == 0)
            return 1;
    return 0;
}

static void read_sources(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"id", "to", "rate", "interarrival", "limit", "attributes", NULL};
    const cJSON *arr = jget(&L->c, root, "sources", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "sources");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        if (n > MAX_IDS) {
            diag_add(L->c.d, L->c.path, "too many sources (expected at most %d, got %d)", MAX_IDS, n);
            n = MAX_IDS;
        }
        L->spec->sources = checked(L, calloc((size_t)n + 1, sizeof *L->spec->sources));
        char **ids = checked(L, calloc((size_t)n + 1, sizeof *ids));
        const cJSON *o = NULL;
        for (int i = 0; i < n && L->spec->sources && ids; i++) {
            o = next_item(arr, o);
            size_t l2 = push_element(L, o, i);
            if (expect_object(L, o)) {
                jcheck_keys(&L->c, o, keys);
                model_source *src = &L->spec->sources[L->spec->n_sources++];
                const char *id = jstring(&L->c, o, "id", 1);
                if (id && duplicate_id(ids, i, id))
                    diag_add(L->c.d, L->c.path, "duplicate source id \"%.40s\"", id);
                ids[i] = (char *)id;
                src->id = dup_string(L, id ? id : "");
                src->stage = stage_ref(L, o, "to", 1);
                if (src->stage >= 0 && L->spec->stages[src->stage].kind == MODEL_DAY_SERVICE) {
                    size_t l3 = jpush_key(&L->c, "to");
                    diag_add(L->c.d, L->c.path, "arrivals cannot go to a day service (expected a pool, service or exit stage)");
                    jpop(&L->c, l3);
                }
                int has_rate = jget(&L->c, o, "rate", 0) != NULL, has_ia = jget(&L->c, o, "interarrival", 0) != NULL;
                if (has_rate == has_ia)
                    diag_add(L->c.d, L->c.path, "expected exactly one of \"rate\" (arrivals per day) or \"interarrival\" (a distribution)");
                src->rate = has_rate ? read_schedule(L, o, "rate", 1, 1e9) : NULL;
                src->interarrival = has_ia ? read_dist(L, o, "interarrival", 1) : NULL;
                src->limit = jnumber(&L->c, o, "limit", 0, 1, 1e12, 0);
                /* Gaps that are all 0 put every arrival at one instant: with
                 * no limit the run would only stop at the population cap. */
                if (src->interarrival && src->limit == 0 && sim_dist_mean(src->interarrival) == 0) {
                    size_t l3 = jpush_key(&L->c, "interarrival");
                    diag_add(L->c.d, L->c.path, "every gap is 0, so the arrivals would never stop (expected a "
                                                "distribution with a mean above 0, or a \"limit\" for a batch)");
                    jpop(&L->c, l3);
                }
                const cJSON *fixed = jget(&L->c, o, "attributes", 0);
                if (fixed) {
                    size_t l3 = jpush_key(&L->c, "attributes");
                    if (expect_object(L, fixed)) {
                        const cJSON *it;
                        cJSON_ArrayForEach(it, fixed) {
                            size_t l4 = jpush_key(&L->c, it->string);
                            int a = attribute_index(L->spec, it->string);
                            int v = a >= 0 && cJSON_IsString(it) ? value_index(&L->spec->attributes[a], it->valuestring) : -1;
                            if (a < 0)
                                diag_add(L->c.d, L->c.path, "unknown attribute");
                            else if (v < 0)
                                report_value(L, &L->spec->attributes[a], cJSON_IsString(it) ? it->valuestring : "?");
                            else if (src->n_fixed < SIM_MAX_ATTRS) {
                                src->fixed_attr[src->n_fixed] = a;
                                src->fixed_value[src->n_fixed++] = v;
                            }
                            jpop(&L->c, l4);
                        }
                    }
                    jpop(&L->c, l3);
                }
            }
            jpop(&L->c, l2);
        }
        free(ids);
    }
    jpop(&L->c, len);
}

static void read_patrols(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"id", "pool", "hours", "contacts_per_hour", "accept", "cost_per_contact", NULL};
    const cJSON *arr = jget(&L->c, root, "patrols", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "patrols");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        if (n > MAX_IDS) {
            diag_add(L->c.d, L->c.path, "too many patrols (expected at most %d, got %d)", MAX_IDS, n);
            n = MAX_IDS;
        }
        L->spec->patrols = checked(L, calloc((size_t)n + 1, sizeof *L->spec->patrols));
        char **ids = checked(L, calloc((size_t)n + 1, sizeof *ids));
        const cJSON *o = NULL;
        for (int i = 0; i < n && L->spec->patrols && ids; i++) {
            o = next_item(arr, o);
            size_t l2 = push_element(L, o, i);
            if (expect_object(L, o)) {
                jcheck_keys(&L->c, o, keys);
                model_patrol *p = &L->spec->patrols[L->spec->n_patrols++];
                const char *id = jstring(&L->c, o, "id", 1);
                if (id && duplicate_id(ids, i, id))
                    diag_add(L->c.d, L->c.path, "duplicate patrol id \"%.40s\"", id);
                ids[i] = (char *)id;
                p->id = dup_string(L, id ? id : "");
                p->stage = stage_ref(L, o, "pool", 1);
                if (p->stage >= 0 && L->spec->stages[p->stage].kind != MODEL_POOL) {
                    size_t l3 = jpush_key(&L->c, "pool");
                    diag_add(L->c.d, L->c.path, "expected the id of a pool stage, got %s stage \"%s\"",
                             kind_names[L->spec->stages[p->stage].kind], L->spec->stages[p->stage].id);
                    jpop(&L->c, l3);
                }
                p->hours = read_hours(L, o, "hours");
                p->contacts_per_hour = read_schedule(L, o, "contacts_per_hour", 1, 1e6);
                p->accept = jnumber(&L->c, o, "accept", 1, 0, 1, 0);
                p->cost_per_contact = jnumber(&L->c, o, "cost_per_contact", 0, 0, 1e9, 0);
            }
            jpop(&L->c, l2);
        }
        free(ids);
    }
    jpop(&L->c, len);
}

static void read_initial(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"stage", "count", "elapsed", NULL};
    const cJSON *arr = jget(&L->c, root, "initial", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "initial");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        L->spec->initial = checked(L, calloc((size_t)n + 1, sizeof *L->spec->initial));
        long *placed = checked(L, calloc((size_t)L->spec->n_stages + 1, sizeof *placed));
        const cJSON *o = NULL;
        for (int i = 0; i < n && L->spec->initial && placed; i++) {
            o = next_item(arr, o);
            size_t l2 = jpush_index(&L->c, i);
            if (expect_object(L, o)) {
                jcheck_keys(&L->c, o, keys);
                model_initial *in = &L->spec->initial[L->spec->n_initial++];
                in->stage = stage_ref(L, o, "stage", 1);
                in->count = jinteger(&L->c, o, "count", 1, 0, 100000000, 0);
                in->elapsed = read_dist(L, o, "elapsed", 0);
                if (in->stage >= 0) {
                    const model_stage *st = &L->spec->stages[in->stage];
                    placed[in->stage] += in->count;
                    if (st->kind == MODEL_DAY_SERVICE || st->kind == MODEL_EXIT) {
                        diag_add(L->c.d, L->c.path, "people can start only in a pool or service stage (got %s stage \"%s\")",
                                 kind_names[st->kind], st->id);
                    } else if (st->capacity && L->start_known &&
                               placed[in->stage] > sim_schedule_value(st->capacity, 0.0)) {
                        size_t l3 = jpush_key(&L->c, "count");
                        diag_add(L->c.d, L->c.path, "%ld people start in %s, above its capacity at the start (expected at most %g)",
                                 placed[in->stage], st->id, sim_schedule_value(st->capacity, 0.0));
                        jpop(&L->c, l3);
                    }
                }
            }
            jpop(&L->c, l2);
        }
        free(placed);
    }
    jpop(&L->c, len);
}

static void read_windows(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"id", "from", "to", NULL};
    const cJSON *arr = jget(&L->c, root, "windows", 0);
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    model_spec *spec = L->spec;
    if (n > MAX_IDS) {
        diag_add(L->c.d, "windows", "too many windows (expected at most %d, got %d)", MAX_IDS, n);
        n = MAX_IDS;
    }
    spec->windows = checked(L, calloc((size_t)n + 1, sizeof *spec->windows));
    spec->window_ids = checked(L, calloc((size_t)n + 1, sizeof *spec->window_ids));
    if (!spec->windows || !spec->window_ids)
        return;
    spec->window_ids[0] = checked(L, strdup("all"));
    spec->windows[0].from = spec->warmup_days;
    spec->windows[0].to = L->horizon;
    spec->n_windows = 1;
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "windows");
    if (expect_array(L, arr)) {
        const cJSON *o = NULL;
        for (int i = 0; i < n; i++) {
            o = next_item(arr, o);
            size_t l2 = push_element(L, o, i);
            if (expect_object(L, o)) {
                jcheck_keys(&L->c, o, keys);
                const char *id = jstring(&L->c, o, "id", 1);
                double from = read_time(L, o, "from", 1), to = read_time(L, o, "to", 1);
                if (id && duplicate_id(spec->window_ids, spec->n_windows, id))
                    diag_add(L->c.d, L->c.path, "duplicate window id \"%.40s\" (\"all\" is the whole horizon)", id);
                else if (!isnan(from) && !isnan(to) &&
                         (to < from || outside_dates(L, from) || outside_dates(L, to))) {
                    char dates[56], a[24], b[24];
                    format_dates(L, dates, sizeof dates);
                    format_time(L, from, a, sizeof a);
                    format_time(L, to, b, sizeof b);
                    if (to < from)
                        diag_add(L->c.d, L->c.path, "expected from <= to, got from %s to %s", a, b);
                    else
                        diag_add(L->c.d, L->c.path, "expected from and to within the scenario's dates (%s), got %s to %s",
                                 dates, a, b);
                }
                else if (id && !isnan(from) && !isnan(to)) {
                    spec->window_ids[spec->n_windows] = checked(L, strdup(id));
                    spec->windows[spec->n_windows].from = from;
                    spec->windows[spec->n_windows].to = to + 1;   /* "to" is an inclusive day */
                    spec->n_windows++;
                }
            }
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

static void read_census(loader *L, const cJSON *root)
{
    const cJSON *arr = jget(&L->c, root, "census", 0);
    if (arr == NULL)
        return;
    size_t len = jpush_key(&L->c, "census");
    if (expect_array(L, arr)) {
        int n = cJSON_GetArraySize(arr);
        L->spec->census = checked(L, calloc((size_t)n + 1, sizeof *L->spec->census));
        const cJSON *it = NULL;
        for (int i = 0; i < n && L->spec->census; i++) {
            it = next_item(arr, it);
            size_t l2 = jpush_index(&L->c, i);
            double t = read_time_value(L, it);
            if (!isnan(t) && outside_dates(L, t)) {
                char dates[56], a[24];
                format_dates(L, dates, sizeof dates);
                format_time(L, t, a, sizeof a);
                diag_add(L->c.d, L->c.path, "expected a census date within the scenario's dates (%s), got %s",
                         dates, a);
            }
            else if (!isnan(t) && L->spec->n_census > 0 && t + 1 <= L->spec->census[L->spec->n_census - 1])
                diag_add(L->c.d, L->c.path, "census dates out of order (expected increasing dates)");
            else if (!isnan(t))
                L->spec->census[L->spec->n_census++] = t + 1;   /* at the end of that day */
            jpop(&L->c, l2);
        }
    }
    jpop(&L->c, len);
}

/* A scenario's name is the folder of its outputs, out/<name>/: no path
 * separators, nothing hidden, nothing a listing would not show. */
static int folder_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 100 || name[0] == '.' || isspace((unsigned char)name[0]) ||
        isspace((unsigned char)name[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (name[i] == '/' || name[i] == '\\' || iscntrl((unsigned char)name[i]))
            return 0;
    return 1;
}

static void read_top(loader *L, const cJSON *root)
{
    static const char *const keys[] = {"$schema", "name", "description", "start", "end", "days", "seed",
                                       "replications", "warmup_days", "limits", "outputs", "attributes",
                                       "transitions", "stages", "sources", "patrols", "initial", "windows",
                                       "census", NULL};
    static const char *const limit_keys[] = {"max_population", "max_events", NULL};
    static const char *const output_keys[] = {"daily", NULL};
    model_spec *spec = L->spec;
    jcheck_keys(&L->c, root, keys);
    const char *name = jstring(&L->c, root, "name", 1);
    if (name && !folder_name_ok(name))
        diag_add(L->c.d, "name", "expected 1 to 100 characters, no slashes or control characters, not starting "
                                 "with a dot or a space, not ending with a space (it names the output folder)");
    spec->name = dup_string(L, name ? name : "scenario");
    spec->description = dup_string(L, jstring(&L->c, root, "description", 0));
    const char *start = jstring(&L->c, root, "start", 1);
    if (start && sim_date_parse(start, &L->start) != 0)
        diag_add(L->c.d, "start", "expected a date YYYY-MM-DD, got \"%.40s\"", start);
    else if (start)
        L->start_known = 1;
    spec->start_day = L->start;
    int has_end = jget(&L->c, root, "end", 0) != NULL, has_days = jget(&L->c, root, "days", 0) != NULL;
    if (has_end == has_days)
        diag_add(L->c.d, "", "expected exactly one of \"end\" (last day, a date) or \"days\" (the horizon length)");
    if (has_end) {
        double end = read_time(L, root, "end", 1);
        if (!isnan(end) && end < 0)
            diag_add(L->c.d, "end", "expected a date on or after start");
        else if (!isnan(end))
            L->horizon = end + 1;
    } else if (has_days) {
        L->horizon = jnumber(&L->c, root, "days", 1, 1, 1e9, NAN);   /* NAN: unknown, see loader */
    }
    L->horizon_known = L->start_known && !isnan(L->horizon);
    if (isnan(L->horizon))
        L->horizon = 1;
    spec->horizon = L->horizon;
    spec->seed = (uint64_t)jinteger(&L->c, root, "seed", 0, 0, JREAD_WHOLE_MAX, 1);
    spec->replications = jinteger(&L->c, root, "replications", 0, 1, 10000000, 1);
    spec->warmup_days = jnumber(&L->c, root, "warmup_days", 0, 0, 1e9, 0);
    if (L->horizon_known && spec->warmup_days >= L->horizon)
        diag_add(L->c.d, "warmup_days", "expected a warm-up shorter than the horizon (%g days)", L->horizon);
    spec->max_population = 10000000;
    spec->max_events = 2e9;
    const cJSON *lim = jget(&L->c, root, "limits", 0);
    if (lim) {
        size_t len = jpush_key(&L->c, "limits");
        if (expect_object(L, lim)) {
            jcheck_keys(&L->c, lim, limit_keys);
            spec->max_population = jinteger(&L->c, lim, "max_population", 0, 1, 2000000000, spec->max_population);
            spec->max_events = jnumber(&L->c, lim, "max_events", 0, 1, 1e15, spec->max_events);
        }
        jpop(&L->c, len);
    }
    spec->daily = L->horizon <= 36600;
    const cJSON *out = jget(&L->c, root, "outputs", 0);
    if (out) {
        size_t len = jpush_key(&L->c, "outputs");
        if (expect_object(L, out)) {
            jcheck_keys(&L->c, out, output_keys);
            const cJSON *daily = jget(&L->c, out, "daily", 0);
            if (daily && !cJSON_IsBool(daily))
                diag_add(L->c.d, "outputs.daily", "expected true or false, got %s", jtype(daily));
            else if (daily)
                spec->daily = cJSON_IsTrue(daily);
            if (spec->daily && L->horizon > 366000)
                diag_add(L->c.d, "outputs.daily", "daily series over more than 1000 years (expected false)");
        }
        jpop(&L->c, len);
    }
}

/* ---- the model as a whole ---------------------------------------------------- */

/* People leave a service stage with a stay along its routes when the stay
 * ends. If every route path from such a stage runs only through other
 * service stages with a stay, nobody ever settles anywhere: people go round
 * for ever, and with zero-length stays the clock stops (the run never
 * ends). Reports every such stage. People can settle in an exit, a pool or
 * a service without a stay. Routes count whatever their conditions, so
 * only cycles that nobody can leave are reported. */
static void check_way_out(loader *L)
{
    const model_spec *spec = L->spec;
    int n = spec->n_stages;
    size_t n_edges = 0;
    for (int s = 0; s < n; s++)
        n_edges += (size_t)spec->stages[s].n_routes;
    /* Routes reversed, as linked lists: edge e leads from from[e] into a
     * stage whose list starts at head[stage] and goes on at next[e]. */
    int *head = checked(L, malloc(((size_t)n + 1) * sizeof *head));
    int *next = checked(L, malloc((n_edges + 1) * sizeof *next));
    int *from = checked(L, malloc((n_edges + 1) * sizeof *from));
    int *queue = checked(L, malloc(((size_t)n + 1) * sizeof *queue));
    char *settles = checked(L, calloc((size_t)n + 1, 1));
    if (head && next && from && queue && settles) {
        int q_end = 0;
        size_t e = 0;
        for (int s = 0; s < n; s++)
            head[s] = -1;
        for (int s = 0; s < n; s++) {
            const model_stage *st = &spec->stages[s];
            for (int r = 0; r < st->n_routes; r++) {
                int t = st->routes[r].stage;
                if (t < 0 || t >= n)
                    continue;
                from[e] = s;
                next[e] = head[t];
                head[t] = (int)e++;
            }
            if (st->kind != MODEL_SERVICE || st->stay == NULL) {
                settles[s] = 1;
                queue[q_end++] = s;
            }
        }
        for (int q = 0; q < q_end; q++)   /* who can reach a stage where people settle */
            for (int k = head[queue[q]]; k >= 0; k = next[k])
                if (!settles[from[k]]) {
                    settles[from[k]] = 1;
                    queue[q_end++] = from[k];
                }
        for (int s = 0; s < n; s++) {
            if (settles[s])
                continue;
            size_t l1 = jpush_key(&L->c, "stages");
            jpush_key(&L->c, spec->stages[s].id ? spec->stages[s].id : "?");
            jpush_key(&L->c, "routes");
            diag_add(L->c.d, L->c.path, "no way out: every route path from here runs through service stages "
                     "with a stay, round and round (expected one that reaches an exit, a pool or a service without a stay)");
            jpop(&L->c, l1);
        }
    }
    free(head);
    free(next);
    free(from);
    free(queue);
    free(settles);
}

/* ---- entry points --------------------------------------------------------- */

int scenario_load_text(const char *text, const char *const *sets, int n_sets,
                       diag *d, scenario_result *out)
{
    memset(out, 0, sizeof *out);
    cJSON *root = jparse(text, d);
    if (root == NULL)
        return -1;
    int rc = -1;
    loader L;
    memset(&L, 0, sizeof L);
    L.c.d = d;
    L.horizon = NAN;
    if (!cJSON_IsObject(root)) {
        diag_add(d, "", "expected a JSON object at the top level, got %s", jtype(root));
        goto end;
    }
    if (jcheck_file_kind(d, root, JFILE_SCENARIO) != 0)
        goto end;
    for (int i = 0; i < n_sets; i++)
        setpath_apply(root, sets[i], d);
    if (diag_count(d) > 0)
        goto end;
    L.spec = checked(&L, model_spec_new());
    if (L.spec == NULL)
        goto end;
    read_top(&L, root);
    read_attributes(&L, root);
    read_transitions(&L, root);
    read_stages(&L, root);
    read_sources(&L, root);
    read_patrols(&L, root);
    read_initial(&L, root);
    read_windows(&L, root);
    read_census(&L, root);
    if (diag_count(d) == 0)
        check_way_out(&L);
    if (diag_count(d) > 0)
        goto end;
    out->canonical = checked(&L, cJSON_PrintUnformatted(root));
    if (out->canonical == NULL)
        goto end;
    out->hash = provenance_hash(PROVENANCE_HASH_START, out->canonical, strlen(out->canonical));
    out->spec = L.spec;
    L.spec = NULL;
    rc = 0;
end:
    model_spec_free(L.spec);
    cJSON_Delete(root);
    return rc;
}

int scenario_load_file(const char *path, const char *const *sets, int n_sets, diag *d,
                       scenario_result *out)
{
    memset(out, 0, sizeof *out);
    char why[256];
    char *text = textfile_read(path, SCENARIO_MAX_BYTES, why, sizeof why);
    if (text == NULL) {
        diag_add(d, "", "%s", why);
        return -1;
    }
    int rc = scenario_load_text(text, sets, n_sets, d, out);
    free(text);
    return rc;
}

void scenario_result_fini(scenario_result *r)
{
    model_spec_free(r->spec);
    cJSON_free(r->canonical);
    r->spec = NULL;
    r->canonical = NULL;
}
