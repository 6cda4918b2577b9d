/* calibrate.c -- `parcours calibrate`: Nelder-Mead over --set parameters.
 *
 * Order of work: read and check the calibration file, load its scenario
 * once as written, check every target against it and every parameter path
 * against its JSON, then load it with every parameter at its start, its
 * min and its max (exit 2 and nothing written on any problem). Then the
 * simplex runs; each evaluation loads the scenario text with the current
 * values as --set overrides and runs replications 0..R-1 of the same seed.
 * At the end the best point is rounded to `digits` significant digits and
 * evaluated once more, so that the table, the CSV files and fitted.json
 * all describe exactly the scenario that is written. */
#include "app/calibrate.h"

#include "app/atomic.h"
#include "app/cli.h"
#include "app/csv.h"
#include "app/diag.h"
#include "app/experiment.h"
#include "app/jread.h"
#include "app/provenance.h"
#include "app/scenario.h"
#include "app/setpath.h"
#include "app/textfile.h"
#include "sim/record.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALIB_MAX_PARAMS 32
#define CALIB_MAX_TARGETS 64
/* Added to the objective for each target whose metric is undefined (NaN,
 * e.g. a positive share with no exits at all): large, but finite, so that
 * the simplex simply moves away. */
#define UNDEFINED_PENALTY 1e6
/* A converged simplex is restarted from its best point while the previous
 * (re)start improved the objective by more than this fraction. */
#define RESTART_GAIN 0.01
/* ... and while the objective is above this fraction of its sampling noise
 * (the objective of errors equal to the 95% CI half-widths): below it, the
 * errors are a tenth of the half-widths and a better fit would fit noise. */
#define RESTART_NOISE 0.01

const char calibrate_help[] =
    "usage: parcours calibrate CALIB.json [OPTIONS]\n"
    "\n"
    "Fits uncertain parameters of a scenario so that its outputs match observed\n"
    "targets, and writes the fitted scenario.\n"
    "\n"
    "A calibration file (the scenario path is relative to the calibration file):\n"
    "  {\n"
    "    \"scenario\": \"paris-baseline.json\",\n"
    "    \"seed\": 1,\n"
    "    \"replications\": 40,\n"
    "    \"max_iterations\": 60,\n"
    "    \"tolerance\": 1e-3,\n"
    "    \"parameters\": [\n"
    "      {\"path\": \"sources.newcomers.rate\", \"min\": 0.3, \"max\": 1.5, \"start\": 0.8},\n"
    "      {\"path\": \"stages.assore.exits.0.after.mean\", \"min\": 3, \"max\": 20}\n"
    "    ],\n"
    "    \"targets\": [\n"
    "      {\"metric\": \"windows.audit.stages.assore.exits\", \"target\": 200, \"scale\": 200},\n"
    "      {\"metric\": \"windows.y2019.stages.street.occupancy_mean\", \"target\": 700, \"weight\": 2}\n"
    "    ]\n"
    "  }\n"
    "\n"
    "parameters: PATH is any `parcours run --set` path whose value is a number.\n"
    "  Array elements are named by id or by a decimal index, so a schedule's step\n"
    "  or a hazard's mean can be fitted on its own: sources.newcomers.rate.1.value,\n"
    "  stages.assore.exits.0.after.mean (the first exit's mean). A number set on\n"
    "  a schedule replaces the whole schedule by a constant. \"min\" < \"max\" are\n"
    "  required; \"start\" (strictly between them) defaults to the scenario's\n"
    "  current value, else the middle; \"integer\": true rounds the value (a\n"
    "  capacity), which makes the objective a staircase in that direction.\n"
    "targets: METRIC is windows.<window>.stages.<stage>.<metric>, as in\n"
    "  summary.json (metrics: occupancy_mean, exits, positive_share, ...).\n"
    "  \"scale\" (default |target|) is what counts as a large error; \"weight\"\n"
    "  (default 1) how much this target matters.\n"
    "other keys: \"seed\", \"replications\" (default: the scenario's), \"max_iterations\"\n"
    "  (default 100), \"tolerance\" (default 1e-3), \"digits\" (default 4).\n"
    "\n"
    "How it works:\n"
    "  objective = sum over targets of weight * ((mean - target) / scale)^2,\n"
    "  where mean is the metric's mean over replications 0..R-1 of the seed.\n"
    "  Every evaluation uses the same seed and replications (common random\n"
    "  numbers): the objective then changes with the parameters, not with the\n"
    "  luck of the draw, and a direct search can follow it. The search is the\n"
    "  Nelder-Mead simplex (GSL nmsimplex2) on logit((x - min) / (max - min)),\n"
    "  so bounds always hold; the first simplex steps 10% of each range. When\n"
    "  the simplex is smaller than tolerance (in logit units: 1e-3 is about\n"
    "  0.025% of a range near its middle) a fresh one starts at its best point,\n"
    "  in case it collapsed short of the minimum; the search stops when a fresh\n"
    "  simplex gains less than 1%, when every error is well within its 95% CI\n"
    "  (the objective below 1% of the same sum with the CI half-widths as\n"
    "  errors), or after max_iterations. The best point is then rounded to\n"
    "  `digits` significant digits and run once more: every output describes\n"
    "  that rounded scenario.\n"
    "\n"
    "Writes into the output directory (only after a successful fit):\n"
    "  fitted.json      the scenario with the fitted values, ready for `parcours run`\n"
    "  calibration.csv  target,window,stage,metric,target_value,fitted_mean,ci95_low,ci95_high\n"
    "  parameters.csv   parameter,start,fitted,min,max\n"
    "  trace.csv        every evaluation: evaluation,iteration,objective,<parameters>\n"
    "\n"
    "options:\n"
    "  -o, --out DIR          output directory (default: out/calibrate/)\n"
    "  -s, --seed N           random seed (default: the calibration file's \"seed\")\n"
    "  -r, --replications R   replications per evaluation, at least 2 (default:\n"
    "                         the file's \"replications\"); e.g. -r 5 for a first look\n"
    "  -j, --threads T        replications in parallel (default: all cores); the\n"
    "                         results are identical whatever T\n"
    "  -q, --quiet            no progress lines and no table\n"
    "  -h, --help             this help\n"
    "\n"
    "Tips: fit no more parameters than targets, give each parameter a target it\n"
    "moves, and check the fit with another seed and more replications\n"
    "(parcours run OUT/fitted.json --seed 2 --replications 200): a fit to the\n"
    "noise of one seed does not survive that. See docs/calibration.md.\n"
    "\n"
    "exit status: 0 success, 1 a run or the writing failed, 2 bad input.\n";

/* ---- small helpers --------------------------------------------------------- */

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* The scenario path relative to the calibration file's directory. */
static char *relative_to(const char *file, const char *path)
{
    const char *slash = strrchr(file, '/');
    if (path[0] == '/' || slash == NULL)
        return strdup(path);
    size_t dl = (size_t)(slash - file) + 1, pl = strlen(path);
    char *out = malloc(dl + pl + 1);
    if (out) {
        memcpy(out, file, dl);
        memcpy(out + dl, path, pl + 1);
    }
    return out;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* ---- targets ---------------------------------------------------------------- */

static int parse_metric(calib_target *t, const model_spec *spec, const char *text, char *why, size_t size)
{
    static const char windows[] = "windows.";
    if (strncmp(text, windows, sizeof windows - 1) != 0) {
        snprintf(why, size, "expected windows.<window>.stages.<stage>.<metric>, got \"%s\"", text);
        return -1;
    }
    const char *p = text + sizeof windows - 1;
    int w = -1;
    for (int i = 0; i < spec->n_windows; i++) {
        size_t l = strlen(spec->window_ids[i]);
        if (strncmp(p, spec->window_ids[i], l) == 0 && strncmp(p + l, ".stages.", 8) == 0)
            w = i;
    }
    if (w < 0) {
        size_t len = (size_t)snprintf(why, size, "no such window in \"%s\" (expected one of:", text);
        for (int i = 0; i < spec->n_windows && len < size; i++)
            len += (size_t)snprintf(why + len, size - len, " %s", spec->window_ids[i]);
        if (len < size)
            snprintf(why + len, size - len, ")");
        return -1;
    }
    p += strlen(spec->window_ids[w]) + 8;
    int s = -1;
    for (int i = 0; i < spec->n_stages; i++) {
        size_t l = strlen(spec->stages[i].id);
        if (strncmp(p, spec->stages[i].id, l) == 0 && p[l] == '.')
            s = i;
    }
    if (s < 0 || spec->stages[s].kind == MODEL_EXIT) {
        size_t len = (size_t)snprintf(why, size, "%s stage in \"%s\" (expected one of:",
                                      s < 0 ? "no such" : "an exit has no metrics; no", text);
        for (int i = 0; i < spec->n_stages && len < size; i++)
            if (spec->stages[i].kind != MODEL_EXIT)
                len += (size_t)snprintf(why + len, size - len, " %s", spec->stages[i].id);
        if (len < size)
            snprintf(why + len, size - len, ")");
        return -1;
    }
    p += strlen(spec->stages[s].id) + 1;
    int m = -1;
    for (int i = 0; i < SIM_METRIC_COUNT; i++)
        if (strcmp(p, sim_metric_name((sim_metric)i)) == 0)
            m = i;
    if (m < 0) {
        size_t len = (size_t)snprintf(why, size, "no metric \"%s\" (expected one of:", p);
        for (int i = 0; i < SIM_METRIC_COUNT && len < size; i++)
            len += (size_t)snprintf(why + len, size - len, " %s", sim_metric_name((sim_metric)i));
        if (len < size)
            snprintf(why + len, size - len, ")");
        return -1;
    }
    t->window = w;
    t->stage = s;
    t->metric = m;
    t->window_id = strdup(spec->window_ids[w]);
    t->stage_id = strdup(spec->stages[s].id);
    return t->window_id && t->stage_id ? 0 : -1;
}

/* ---- loading ---------------------------------------------------------------- */

/* "path=value" for each parameter at values x (integers rounded). */
static char **make_sets(const calib_def *def, const double *x)
{
    char **sets = calloc((size_t)def->n_params + 1, sizeof *sets);
    if (sets == NULL)
        return NULL;
    for (int i = 0; i < def->n_params; i++) {
        size_t len = strlen(def->params[i].path) + 40;
        sets[i] = malloc(len);
        if (sets[i] == NULL)
            goto fail;
        if (def->params[i].integer)
            snprintf(sets[i], len, "%s=%.0f", def->params[i].path, round(x[i]));
        else
            snprintf(sets[i], len, "%s=%.17g", def->params[i].path, x[i]);
    }
    return sets;
fail:
    for (int i = 0; i < def->n_params; i++)
        free(sets[i]);
    free(sets);
    return NULL;
}

static void free_sets(char **sets, int n)
{
    for (int i = 0; sets && i < n; i++)
        free(sets[i]);
    free(sets);
}

/* Loads the scenario at values x (NULL: as written) into res; problems to ds. */
static int load_at(const calib_def *def, const double *x, diag *ds, scenario_result *res)
{
    char **sets = NULL;
    if (x && (sets = make_sets(def, x)) == NULL) {
        memset(res, 0, sizeof *res);
        diag_add(ds, "", "out of memory");
        return -1;
    }
    int rc = scenario_load_text(def->scenario_text, (const char *const *)sets, x ? def->n_params : 0, ds, res);
    free_sets(sets, def->n_params);
    return rc;
}

static void read_params(calib_def *def, jctx *c, const cJSON *arr)
{
    static const char *const keys[] = {"path", "min", "max", "start", "integer", "description", NULL};
    int n = cJSON_GetArraySize(arr);
    def->params = calloc((size_t)n + 1, sizeof *def->params);
    if (def->params == NULL)
        return;
    for (int i = 0; i < n; i++) {
        const cJSON *o = cJSON_GetArrayItem(arr, i);
        calib_param *p = &def->params[i];
        def->n_params = i + 1;
        size_t l = jpush_index(c, i);
        if (!cJSON_IsObject(o)) {
            diag_add(c->d, c->path, "expected an object {\"path\", \"min\", \"max\"}, got %s", jtype(o));
            jpop(c, l);
            continue;
        }
        jcheck_keys(c, o, keys);
        p->path = xstrdup(jstring(c, o, "path", 1));
        p->min = jnumber(c, o, "min", 1, -1e300, 1e300, NAN);
        p->max = jnumber(c, o, "max", 1, -1e300, 1e300, NAN);
        p->start = jnumber(c, o, "start", 0, -1e300, 1e300, NAN);
        const cJSON *integer = jget(c, o, "integer", 0);
        if (integer && !cJSON_IsBool(integer)) {
            size_t l2 = jpush_key(c, "integer");
            diag_add(c->d, c->path, "expected true or false, got %s", jtype(integer));
            jpop(c, l2);
        }
        p->integer = cJSON_IsTrue(integer);
        if (!isnan(p->min) && !isnan(p->max) && !(p->min < p->max)) {
            size_t l2 = jpush_key(c, "max");
            diag_add(c->d, c->path, "expected a number above min (%.17g), got %.17g", p->min, p->max);
            jpop(c, l2);
        }
        if (p->integer && !isnan(p->min) && !isnan(p->max) && floor(p->max) - ceil(p->min) < 1) {
            diag_add(c->d, c->path, "an integer parameter needs at least two whole numbers in [min, max] (got [%g, %g])",
                     p->min, p->max);
        }
        if (p->path) {
            for (int j = 0; j < i; j++)
                if (def->params[j].path && strcmp(def->params[j].path, p->path) == 0) {
                    size_t l2 = jpush_key(c, "path");
                    diag_add(c->d, c->path, "\"%s\" is already parameters[%d] (expected each path once)", p->path, j);
                    jpop(c, l2);
                }
            if (strchr(p->path, '=')) {
                size_t l2 = jpush_key(c, "path");
                diag_add(c->d, c->path, "expected a path without \"=\" (the value is what is fitted), got \"%s\"", p->path);
                jpop(c, l2);
            }
        }
        jpop(c, l);
    }
}

static void read_targets(calib_def *def, jctx *c, const cJSON *arr)
{
    static const char *const keys[] = {"metric", "target", "weight", "scale", "description", NULL};
    int n = cJSON_GetArraySize(arr);
    def->targets = calloc((size_t)n + 1, sizeof *def->targets);
    if (def->targets == NULL)
        return;
    for (int i = 0; i < n; i++) {
        const cJSON *o = cJSON_GetArrayItem(arr, i);
        calib_target *t = &def->targets[i];
        def->n_targets = i + 1;
        t->window = t->stage = t->metric = -1;
        size_t l = jpush_index(c, i);
        if (!cJSON_IsObject(o)) {
            diag_add(c->d, c->path, "expected an object {\"metric\", \"target\"}, got %s", jtype(o));
            jpop(c, l);
            continue;
        }
        jcheck_keys(c, o, keys);
        t->name = xstrdup(jstring(c, o, "metric", 1));
        t->target = jnumber(c, o, "target", 1, -1e300, 1e300, NAN);
        t->weight = jnumber(c, o, "weight", 0, 0, 1e300, 1);
        t->scale = jnumber(c, o, "scale", 0, 1e-300, 1e300, NAN);
        if (isnan(t->scale) && !jget(c, o, "scale", 0) && !isnan(t->target)) {
            if (t->target != 0) {
                t->scale = fabs(t->target);
            } else {
                size_t l2 = jpush_key(c, "scale");
                diag_add(c->d, c->path, "required when the target is 0 (expected a number > 0, the size of a large error)");
                jpop(c, l2);
            }
        }
        if (t->weight == 0 && jget(c, o, "weight", 0)) {
            size_t l2 = jpush_key(c, "weight");
            diag_add(c->d, c->path, "expected a number > 0 (drop the target instead), got 0");
            jpop(c, l2);
        }
        jpop(c, l);
    }
}

static int check_array(jctx *c, const cJSON *root, const char *key, int max, const char *what)
{
    const cJSON *arr = jget(c, root, key, 1);
    if (arr == NULL)
        return 0;
    size_t l = jpush_key(c, key);
    int ok = 0;
    if (!cJSON_IsArray(arr))
        diag_add(c->d, c->path, "expected an array of %s, got %s", what, jtype(arr));
    else if (cJSON_GetArraySize(arr) == 0)
        diag_add(c->d, c->path, "expected at least one of %s, got an empty array", what);
    else if (cJSON_GetArraySize(arr) > max)
        diag_add(c->d, c->path, "expected at most %d %s, got %d", max, what, cJSON_GetArraySize(arr));
    else
        ok = 1;
    jpop(c, l);
    return ok;
}

/* Checks each parameter path against the scenario's JSON; sets default starts. */
static void check_paths(calib_def *def, diag *d)
{
    cJSON *root = cJSON_Parse(def->scenario_text);
    if (root == NULL)
        return;
    for (int i = 0; i < def->n_params; i++) {
        calib_param *p = &def->params[i];
        if (p->path == NULL || isnan(p->min) || isnan(p->max) || !(p->min < p->max))
            continue;
        char where[64], why[512];
        snprintf(where, sizeof where, "parameters[%d].path", i);
        cJSON *parent, *node;
        if (setpath_find(root, p->path, &parent, &node, why, sizeof why) != 0) {
            diag_add(d, where, "%s: %s", p->path, why);
            continue;
        }
        if (node && !cJSON_IsNumber(node) && !cJSON_IsArray(node) && !cJSON_IsNull(node)) {
            char shown[64];
            jshow(node, shown, sizeof shown);
            diag_add(d, where, "%s is not numeric in %s (expected a number or a schedule, got %s %s)", p->path,
                     base_name(def->scenario_path), jtype(node), shown);
            continue;
        }
        if (isnan(p->start)) {
            if (cJSON_IsNumber(node) && node->valuedouble > p->min && node->valuedouble < p->max)
                p->start = node->valuedouble;
            else
                p->start = p->integer ? round(0.5 * (p->min + p->max)) : 0.5 * (p->min + p->max);
            if (!(p->start > p->min && p->start < p->max))
                p->start = 0.5 * (p->min + p->max);
        } else if (!(p->start > p->min && p->start < p->max)) {
            snprintf(where, sizeof where, "parameters[%d].start", i);
            diag_add(d, where, "expected a number strictly between min and max, in (%.17g, %.17g), got %.17g",
                     p->min, p->max, p->start);
        }
    }
    cJSON_Delete(root);
}

int calib_load(const char *file, calib_def *def, FILE *errs)
{
    static const char *const keys[] = {"$schema", "name", "description", "scenario", "seed", "replications",
                                       "max_iterations", "tolerance", "digits", "parameters", "targets", NULL};
    memset(def, 0, sizeof *def);
    def->file = strdup(file);
    diag *d = diag_new(file);
    if (d == NULL || def->file == NULL) {
        diag_free(d);
        fprintf(errs, "parcours calibrate: out of memory\n");
        return CLI_FAILURE;
    }
    int rc = CLI_BAD_INPUT;
    char why[512];
    cJSON *root = NULL;
    model_spec *spec = NULL;
    scenario_result res0;
    memset(&res0, 0, sizeof res0);
    char *text = textfile_read(file, SCENARIO_MAX_BYTES, why, sizeof why);
    if (text == NULL) {
        diag_add(d, "", "%s", why);
        goto end;
    }
    root = jparse(text, d);
    if (root == NULL)
        goto end;
    if (!cJSON_IsObject(root)) {
        diag_add(d, "", "expected a JSON object at the top level, got %s", jtype(root));
        goto end;
    }
    if (jcheck_file_kind(d, root, JFILE_CALIBRATION) != 0)
        goto end;
    jctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    jcheck_keys(&c, root, keys);
    const char *scen = jstring(&c, root, "scenario", 1);
    int has_seed = jget(&c, root, "seed", 0) != NULL;
    long seed = jinteger(&c, root, "seed", 0, 0, JREAD_WHOLE_MAX, 0);
    int has_reps = jget(&c, root, "replications", 0) != NULL;
    def->replications = jinteger(&c, root, "replications", 0, 2, 10000000, 0);
    def->max_iterations = jinteger(&c, root, "max_iterations", 0, 1, 1000000, 100);
    def->tolerance = jnumber(&c, root, "tolerance", 0, 0, 1e6, 1e-3);
    def->digits = (int)jinteger(&c, root, "digits", 0, 1, 17, 4);
    if (check_array(&c, root, "parameters", CALIB_MAX_PARAMS, "parameters {\"path\", \"min\", \"max\"}")) {
        size_t l = jpush_key(&c, "parameters");
        read_params(def, &c, cJSON_GetObjectItemCaseSensitive(root, "parameters"));
        jpop(&c, l);
    }
    if (check_array(&c, root, "targets", CALIB_MAX_TARGETS, "targets {\"metric\", \"target\"}")) {
        size_t l = jpush_key(&c, "targets");
        read_targets(def, &c, cJSON_GetObjectItemCaseSensitive(root, "targets"));
        jpop(&c, l);
    }
    if (scen == NULL)
        goto end;
    def->scenario_path = relative_to(file, scen);
    if (def->scenario_path == NULL)
        goto oom;
    def->scenario_text = textfile_read(def->scenario_path, SCENARIO_MAX_BYTES, why, sizeof why);
    if (def->scenario_text == NULL) {
        diag_add(d, "scenario", "%s: %s", def->scenario_path, why);
        goto end;
    }
    /* The scenario as written: its ids for the targets, its defaults. */
    diag *ds = diag_new(def->scenario_path);
    if (ds == NULL)
        goto oom;
    if (scenario_load_text(def->scenario_text, NULL, 0, ds, &res0) != 0) {
        diag_print(ds, errs);
        diag_add(d, "scenario", "%s is not a valid scenario (%d problem%s above)", def->scenario_path,
                 diag_count(ds), diag_count(ds) == 1 ? "" : "s");
        diag_free(ds);
        goto end;
    }
    diag_free(ds);
    spec = res0.spec;
    def->scenario_hash = res0.hash;
    def->scenario_name = strdup(spec->name);
    def->seed = has_seed ? (uint64_t)seed : spec->seed;
    if (!has_reps)
        def->replications = spec->replications < 2 ? 2 : spec->replications;
    for (int i = 0; i < def->n_targets; i++) {
        calib_target *t = &def->targets[i];
        if (t->name == NULL)
            continue;
        if (parse_metric(t, spec, t->name, why, sizeof why) != 0) {
            char where[64];
            snprintf(where, sizeof where, "targets[%d].metric", i);
            diag_add(d, where, "%s", why);
        }
        for (int j = 0; j < i; j++)
            if (def->targets[j].name && strcmp(def->targets[j].name, t->name) == 0) {
                char where[64];
                snprintf(where, sizeof where, "targets[%d].metric", i);
                diag_add(d, where, "\"%s\" is already targets[%d] (expected each metric once; use weight)", t->name, j);
            }
    }
    check_paths(def, d);
    if (diag_count(d) > 0)
        goto end;
    /* Every parameter at its start, then all at their min, then their max:
     * the scenario must accept each (bounds are reached only in the limit,
     * but a bound the model refuses is a mistake in the file). */
    static const char *const where_names[] = {"start", "min", "max"};
    double *x = malloc((size_t)def->n_params * sizeof *x);
    if (x == NULL)
        goto oom;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < def->n_params; i++)
            x[i] = k == 0 ? def->params[i].start : k == 1 ? def->params[i].min : def->params[i].max;
        diag *dk = diag_new(def->scenario_path);
        scenario_result rk;
        if (dk == NULL) {
            free(x);
            goto oom;
        }
        int refused = load_at(def, x, dk, &rk) != 0;
        if (refused) {
            diag_print(dk, errs);
            diag_add(d, "parameters", "the scenario refuses every parameter at its %s value (%d problem%s above)",
                     where_names[k], diag_count(dk), diag_count(dk) == 1 ? "" : "s");
        }
        scenario_result_fini(&rk);
        diag_free(dk);
        if (refused && k == 0)
            break;   /* the same problems would come again at min and max */
    }
    free(x);
    if (diag_count(d) == 0)
        rc = CLI_OK;
    goto end;
oom:
    diag_add(d, "", "out of memory");
    rc = CLI_FAILURE;
end:
    if (rc != CLI_OK) {
        diag_print(d, errs);
        fprintf(errs, "%s: %d problem%s; nothing was run or written.\n", file, diag_count(d),
                diag_count(d) == 1 ? "" : "s");
    }
    scenario_result_fini(&res0);
    cJSON_Delete(root);
    free(text);
    diag_free(d);
    return rc;
}

void calib_fini(calib_def *def)
{
    if (def == NULL)
        return;
    for (int i = 0; def->params && i < def->n_params; i++)
        free(def->params[i].path);
    for (int i = 0; def->targets && i < def->n_targets; i++) {
        free(def->targets[i].name);
        free(def->targets[i].window_id);
        free(def->targets[i].stage_id);
    }
    free(def->params);
    free(def->targets);
    free(def->file);
    free(def->scenario_path);
    free(def->scenario_text);
    free(def->scenario_name);
    free(def->fitted_canonical);
    free(def->trace);
    memset(def, 0, sizeof *def);
}

/* ---- the fit -------------------------------------------------------------- */

typedef struct fit_ctx {
    calib_def *def;
    int threads;
    long iteration;
    double *x;                   /* scratch: parameter values */
    double *u0;                  /* the start in logit coordinates */
    long trace_cap;
    sim_summary *start_sums;     /* [n_targets], from the first evaluation */
    double best_f, best_noise;   /* the lowest objective run, its sampling noise */
    int failed;
    char err[512];
} fit_ctx;

static double to_unit(const calib_param *p, double x)
{
    double q = (x - p->min) / (p->max - p->min);
    return log(q / (1 - q));
}

static double from_unit(const calib_param *p, double u)
{
    double q = 1 / (1 + exp(-u));
    double x = p->min + (p->max - p->min) * q;
    return x < p->min ? p->min : x > p->max ? p->max : x;
}

/* Runs the scenario at x; fills sums[n_targets] (may be NULL) and, when
 * canonical is not NULL, the scenario JSON; *noise gets the objective's
 * sampling noise there: the objective of errors equal to the 95% CI
 * half-widths. Returns the objective, or NaN with fc->failed set. */
static double evaluate(fit_ctx *fc, const double *x, sim_summary *sums, char **canonical, double *noise)
{
    calib_def *def = fc->def;
    if (fc->failed)
        return NAN;
    diag *d = diag_new(def->scenario_path);
    scenario_result res;
    if (d == NULL || load_at(def, x, d, &res) != 0) {
        snprintf(fc->err, sizeof fc->err, "the scenario was refused at an interior point: %s",
                 d && diag_count(d) > 0 ? diag_message(d, 0) : "out of memory");
        diag_free(d);
        fc->failed = 1;
        return NAN;
    }
    diag_free(d);
    res.spec->daily = 0;   /* the daily series are not needed and cost time */
    experiment *xp = experiment_run(res.spec, def->seed, 0, def->replications, fc->threads, NULL, NULL,
                                    fc->err, sizeof fc->err);
    if (xp == NULL) {
        scenario_result_fini(&res);
        fc->failed = 1;
        return NAN;
    }
    double f = 0, nf = 0;
    for (int k = 0; k < def->n_targets; k++) {
        const calib_target *t = &def->targets[k];
        const sim_summary *s = experiment_metric(xp, t->window, t->stage, t->metric);
        if (sums)
            sums[k] = *s;
        if (isnan(s->mean)) {
            f += t->weight * UNDEFINED_PENALTY;
        } else {
            double e = (s->mean - t->target) / t->scale;
            double h = 0.5 * (s->ci95_high - s->ci95_low) / t->scale;
            f += t->weight * e * e;
            if (isfinite(h))
                nf += t->weight * h * h;
        }
    }
    if (noise)
        *noise = nf;
    if (canonical) {
        *canonical = strdup(res.canonical);
        if (*canonical == NULL) {
            snprintf(fc->err, sizeof fc->err, "out of memory");
            fc->failed = 1;
        }
    }
    def->evaluations++;
    experiment_free(xp);
    scenario_result_fini(&res);
    return f;
}

static void trace_add(fit_ctx *fc, double f, const double *x)
{
    calib_def *def = fc->def;
    long width = 3 + def->n_params;
    if (def->n_trace == fc->trace_cap) {
        long cap = fc->trace_cap ? 2 * fc->trace_cap : 64;
        double *t = realloc(def->trace, (size_t)(cap * width) * sizeof *t);
        if (t == NULL)
            return;   /* the trace is a convenience: losing rows is harmless */
        def->trace = t;
        fc->trace_cap = cap;
    }
    double *row = def->trace + def->n_trace * width;
    row[0] = (double)def->evaluations;
    row[1] = (double)fc->iteration;
    row[2] = f;
    memcpy(row + 3, x, (size_t)def->n_params * sizeof *x);
    def->n_trace++;
}

/* Logit coordinates to values; exactly the start where u is the start. */
static void values_of(const fit_ctx *fc, const gsl_vector *u, double *x)
{
    for (int i = 0; i < fc->def->n_params; i++) {
        double ui = gsl_vector_get(u, (size_t)i);
        x[i] = ui == fc->u0[i] ? fc->def->params[i].start : from_unit(&fc->def->params[i], ui);
    }
}

static double objective_fn(const gsl_vector *u, void *ctx)
{
    fit_ctx *fc = ctx;
    calib_def *def = fc->def;
    values_of(fc, u, fc->x);
    for (int i = 0; i < def->n_params; i++)
        if (def->params[i].integer)
            fc->x[i] = round(fc->x[i]);
    /* The simplex sometimes comes back to a point already run; with common
     * random numbers the answer is the same, so it is taken from the trace. */
    long width = 3 + def->n_params;
    for (long r = 0; r < def->n_trace; r++)
        if (memcmp(def->trace + r * width + 3, fc->x, (size_t)def->n_params * sizeof *fc->x) == 0)
            return def->trace[r * width + 2];
    int first = def->evaluations == 0;
    double noise;
    double f = evaluate(fc, fc->x, first ? fc->start_sums : NULL, NULL, &noise);
    if (fc->failed)
        return GSL_NAN;
    if (first)
        def->start_objective = f;
    if (first || f < fc->best_f) {
        fc->best_f = f;
        fc->best_noise = noise;
    }
    trace_add(fc, f, fc->x);
    return f;
}

/* The first simplex moves each parameter by 10% of its range, toward the
 * middle of the range (so that the step stays within the bounds). */
static void initial_steps(const calib_def *def, const gsl_vector *u, gsl_vector *step)
{
    for (int i = 0; i < def->n_params; i++) {
        double ui = gsl_vector_get(u, (size_t)i);
        double q = 1 / (1 + exp(-ui));
        double q2 = q >= 0.5 ? q - 0.1 : q + 0.1;
        gsl_vector_set(step, (size_t)i, log(q2 / (1 - q2)) - ui);
    }
}

static double round_digits(double v, int digits)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    return strtod(buf, NULL);
}

int calib_fit(calib_def *def, int threads, calib_progress progress, void *ctx, char *err, size_t errlen)
{
    int n = def->n_params;
    fit_ctx fc;
    memset(&fc, 0, sizeof fc);
    fc.def = def;
    fc.threads = threads < 1 ? 1 : threads;
    fc.x = calloc((size_t)n, sizeof *fc.x);
    fc.u0 = calloc((size_t)n, sizeof *fc.u0);
    double *best = calloc((size_t)n, sizeof *best);
    fc.start_sums = calloc((size_t)def->n_targets, sizeof *fc.start_sums);
    def->iterations = def->evaluations = def->n_trace = 0;
    free(def->trace);
    def->trace = NULL;
    free(def->fitted_canonical);
    def->fitted_canonical = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    gsl_vector *u = gsl_vector_alloc((size_t)n), *step = gsl_vector_alloc((size_t)n);
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)n);
    int rc = -1;
    if (!fc.x || !fc.u0 || !best || !fc.start_sums || !u || !step || !s) {
        snprintf(err, errlen, "out of memory");
        goto end;
    }
    for (int i = 0; i < n; i++) {
        fc.u0[i] = to_unit(&def->params[i], def->params[i].start);
        gsl_vector_set(u, (size_t)i, fc.u0[i]);
    }
    initial_steps(def, u, step);
    gsl_multimin_function F = {objective_fn, (size_t)n, &fc};
    int status = gsl_multimin_fminimizer_set(s, &F, u, step);
    if (fc.failed) {
        snprintf(err, errlen, "%s", fc.err);
        goto end;
    }
    if (status != GSL_SUCCESS) {
        snprintf(err, errlen, "the simplex could not start: %s", gsl_strerror(status));
        goto end;
    }
    def->converged = 0;
    def->restarts = 0;
    double run_start = gsl_multimin_fminimizer_minimum(s);
    while (def->iterations < def->max_iterations) {
        fc.iteration = def->iterations + 1;
        status = gsl_multimin_fminimizer_iterate(s);
        if (fc.failed) {
            snprintf(err, errlen, "%s", fc.err);
            goto end;
        }
        def->iterations++;
        def->size = gsl_multimin_fminimizer_size(s);
        values_of(&fc, gsl_multimin_fminimizer_x(s), best);
        if (progress)
            progress(ctx, def, def->iterations, gsl_multimin_fminimizer_minimum(s), def->size, best);
        int small = gsl_multimin_test_size(def->size, def->tolerance) == GSL_SUCCESS;
        if (status != GSL_SUCCESS && !small)
            break;   /* the simplex degenerated: keep its best point */
        if (!small)
            continue;
        /* A simplex can shrink onto a point that is not a minimum (it
         * collapses along a valley). Start a fresh one there, full size;
         * stop when a fresh simplex no longer improves by 1%, or when the
         * fit is already deep within the sampling noise. */
        double f = gsl_multimin_fminimizer_minimum(s);
        if (!(f < (1 - RESTART_GAIN) * run_start) || f <= RESTART_NOISE * fc.best_noise ||
            def->iterations >= def->max_iterations) {
            def->converged = 1;
            break;
        }
        gsl_vector_memcpy(u, gsl_multimin_fminimizer_x(s));
        initial_steps(def, u, step);
        fc.iteration = def->iterations;
        status = gsl_multimin_fminimizer_set(s, &F, u, step);
        if (fc.failed) {
            snprintf(err, errlen, "%s", fc.err);
            goto end;
        }
        if (status != GSL_SUCCESS)
            break;
        def->restarts++;
        run_start = f;
    }
    def->best_objective = gsl_multimin_fminimizer_minimum(s);
    values_of(&fc, gsl_multimin_fminimizer_x(s), best);
    /* Round, then run the rounded point: the outputs describe what is written. */
    for (int i = 0; i < n; i++) {
        calib_param *p = &def->params[i];
        double v = p->integer ? round(best[i]) : round_digits(best[i], def->digits);
        if (v < p->min)
            v = p->integer ? ceil(p->min) : p->min;
        if (v > p->max)
            v = p->integer ? floor(p->max) : p->max;
        p->fitted = v;
        fc.x[i] = v;
    }
    sim_summary *sums = calloc((size_t)def->n_targets, sizeof *sums);
    if (sums == NULL) {
        snprintf(err, errlen, "out of memory");
        goto end;
    }
    fc.iteration = def->iterations;
    def->objective = evaluate(&fc, fc.x, sums, &def->fitted_canonical, NULL);
    if (!fc.failed)
        trace_add(&fc, def->objective, fc.x);
    for (int k = 0; k < def->n_targets; k++) {
        def->targets[k].fitted = sums[k];
        def->targets[k].start = fc.start_sums[k];
    }
    free(sums);
    if (fc.failed) {
        snprintf(err, errlen, "%s", fc.err);
        goto end;
    }
    rc = 0;
end:
    def->seconds = seconds_since(&t0);
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(u);
    gsl_vector_free(step);
    gsl_set_error_handler(old_handler);
    free(fc.x);
    free(fc.u0);
    free(fc.start_sums);
    free(best);
    return rc;
}

/* ---- outputs ---------------------------------------------------------------- */

static int commit(atomic_file *af, const char *path, char *err, size_t errlen)
{
    if (atomic_commit(af) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static atomic_file *open_out(const char *dir, const char *name, char *path, size_t size, char *err, size_t errlen)
{
    snprintf(path, size, "%s/%s", dir, name);
    atomic_file *af = atomic_open(path);
    if (af == NULL)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return af;
}

static int write_fitted(const calib_def *def, const char *dir, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(def->fitted_canonical);
    if (root == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(root, "description");
    size_t cap = 1024 + (cJSON_IsString(old) ? strlen(old->valuestring) : 0);
    for (int i = 0; i < def->n_params; i++)
        cap += strlen(def->params[i].path) + 32;
    char *desc = malloc(cap);
    if (desc == NULL) {
        cJSON_Delete(root);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t len = 0;
    if (cJSON_IsString(old) && *old->valuestring)
        len += (size_t)snprintf(desc + len, cap - len, "%s ", old->valuestring);
    len += (size_t)snprintf(desc + len, cap - len,
                            "[Fitted by parcours calibrate %s: seed %llu, %ld replications, objective %.4g:",
                            base_name(def->file), (unsigned long long)def->seed, def->replications, def->objective);
    for (int i = 0; i < def->n_params && len < cap; i++)
        len += (size_t)snprintf(desc + len, cap - len, "%s %s=%.*g", i ? "," : "", def->params[i].path,
                                def->digits, def->params[i].fitted);
    if (len < cap)
        snprintf(desc + len, cap - len, ".]");
    if (cJSON_GetObjectItemCaseSensitive(root, "description"))
        cJSON_ReplaceItemInObjectCaseSensitive(root, "description", cJSON_CreateString(desc));
    else
        cJSON_AddStringToObject(root, "description", desc);
    free(desc);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char path[1100];
    atomic_file *af = open_out(dir, "fitted.json", path, sizeof path, err, errlen);
    if (af == NULL) {
        cJSON_free(text);
        return -1;
    }
    fputs(text, atomic_stream(af));
    fputc('\n', atomic_stream(af));
    cJSON_free(text);
    return commit(af, path, err, errlen);
}

static void end_header(FILE *f)
{
    provenance_csv_header(f, 1);
    fputc('\n', f);
}

static void end_row(FILE *f, const char *cells)
{
    fputs(cells, f);
    fputc('\n', f);
}

/* calibration.csv, parameters.csv and trace.csv. */
static int write_tables(const calib_def *def, const char *dir, const char *cells, char *err, size_t errlen)
{
    char path[1100];
    atomic_file *af = open_out(dir, "calibration.csv", path, sizeof path, err, errlen);
    if (af == NULL)
        return -1;
    FILE *f = atomic_stream(af);
    fputs("target,window,stage,metric,target_value,fitted_mean,ci95_low,ci95_high", f);
    end_header(f);
    for (int k = 0; k < def->n_targets; k++) {
        const calib_target *t = &def->targets[k];
        csv_field(f, t->name);
        fputc(',', f);
        csv_field(f, t->window_id);
        fputc(',', f);
        csv_field(f, t->stage_id);
        fprintf(f, ",%s,", sim_metric_name((sim_metric)t->metric));
        csv_number(f, t->target);
        fputc(',', f);
        csv_number(f, t->fitted.mean);
        fputc(',', f);
        csv_number(f, t->fitted.ci95_low);
        fputc(',', f);
        csv_number(f, t->fitted.ci95_high);
        end_row(f, cells);
    }
    if (commit(af, path, err, errlen) != 0)
        return -1;

    if ((af = open_out(dir, "parameters.csv", path, sizeof path, err, errlen)) == NULL)
        return -1;
    f = atomic_stream(af);
    fputs("parameter,start,fitted,min,max", f);
    end_header(f);
    for (int i = 0; i < def->n_params; i++) {
        const calib_param *p = &def->params[i];
        csv_field(f, p->path);
        const double v[4] = {p->start, p->fitted, p->min, p->max};
        for (int k = 0; k < 4; k++) {
            fputc(',', f);
            csv_number(f, v[k]);
        }
        end_row(f, cells);
    }
    if (commit(af, path, err, errlen) != 0)
        return -1;

    if ((af = open_out(dir, "trace.csv", path, sizeof path, err, errlen)) == NULL)
        return -1;
    f = atomic_stream(af);
    fputs("evaluation,iteration,objective", f);
    for (int i = 0; i < def->n_params; i++) {
        fputc(',', f);
        csv_field(f, def->params[i].path);
    }
    end_header(f);
    long width = 3 + def->n_params;
    for (long r = 0; r < def->n_trace; r++) {
        const double *row = def->trace + r * width;
        fprintf(f, "%.0f,%.0f,", row[0], row[1]);
        csv_number(f, row[2]);
        for (int i = 0; i < def->n_params; i++) {
            fputc(',', f);
            csv_number(f, row[3 + i]);
        }
        end_row(f, cells);
    }
    return commit(af, path, err, errlen);
}

int calib_write(const calib_def *def, const char *dir, const char *command, char *err, size_t errlen)
{
    if (def->fitted_canonical == NULL) {
        snprintf(err, errlen, "nothing to write: no fit");
        return -1;
    }
    if (atomic_mkdirs(dir) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    /* Every row ends with the provenance: the calibration's scenario, seed
     * and replications per evaluation. */
    provenance prov = {PARCOURS_VERSION, command, def->scenario_hash, def->seed, 0};
    char *cells = provenance_csv_cells(&prov, def->replications, 1);
    if (cells == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = write_tables(def, dir, cells, err, errlen);
    free(cells);
    /* The scenario last: its presence means the whole calibration was written. */
    return rc != 0 ? rc : write_fitted(def, dir, err, errlen);
}

static void print_duration(FILE *out, double s)
{
    if (s < 60)
        fprintf(out, "%.1f s", s);
    else if (s < 3600)
        fprintf(out, "%d min %02d s", (int)(s / 60), (int)fmod(s, 60));
    else
        fprintf(out, "%d h %02d min", (int)(s / 3600), (int)fmod(s / 60, 60));
}

void calib_print(const calib_def *def, FILE *out)
{
    fprintf(out, "%s: %s, %d parameter%s, %d target%s, seed %llu, %ld replications\n", base_name(def->file),
            def->scenario_name, def->n_params, def->n_params == 1 ? "" : "s", def->n_targets,
            def->n_targets == 1 ? "" : "s", (unsigned long long)def->seed, def->replications);
    fprintf(out, "%s after %ld iteration%s (%d restart%s, %ld evaluation%s, ", def->converged ? "converged" : "stopped",
            def->iterations, def->iterations == 1 ? "" : "s", def->restarts, def->restarts == 1 ? "" : "s",
            def->evaluations, def->evaluations == 1 ? "" : "s");
    print_duration(out, def->seconds);
    fprintf(out, "): simplex size %.2g %s tolerance %.2g\n", def->size, def->size < def->tolerance ? "<" : ">=",
            def->tolerance);
    fprintf(out, "objective: start %.4g, best %.4g, fitted (rounded to %d digits) %.4g\n\n", def->start_objective,
            def->best_objective, def->digits, def->objective);
    int pw = 9;
    for (int i = 0; i < def->n_params; i++)
        if ((int)strlen(def->params[i].path) > pw)
            pw = (int)strlen(def->params[i].path);
    fprintf(out, "%-*s %12s %12s %12s %12s\n", pw, "parameter", "start", "fitted", "min", "max");
    for (int i = 0; i < def->n_params; i++) {
        const calib_param *p = &def->params[i];
        fprintf(out, "%-*s %12.6g %12.6g %12.6g %12.6g\n", pw, p->path, p->start, p->fitted, p->min, p->max);
    }
    int tw = 6;
    for (int k = 0; k < def->n_targets; k++)
        if ((int)strlen(def->targets[k].name) > tw)
            tw = (int)strlen(def->targets[k].name);
    fprintf(out, "\n%-*s %10s %10s %28s %10s\n", tw, "target", "value", "start", "fitted mean [95% CI]",
            "error/scale");
    for (int k = 0; k < def->n_targets; k++) {
        const calib_target *t = &def->targets[k];
        char fit[64];
        snprintf(fit, sizeof fit, "%.4g [%.4g, %.4g]", t->fitted.mean, t->fitted.ci95_low, t->fitted.ci95_high);
        fprintf(out, "%-*s %10.4g %10.4g %28s %+10.3f\n", tw, t->name, t->target, t->start.mean, fit,
                (t->fitted.mean - t->target) / t->scale);
    }
}

/* ---- the command ------------------------------------------------------------ */

typedef struct progress_state {
    int enabled;
    int restarts;
    struct timespec start;
} progress_state;

static void show_progress(void *ctx, const calib_def *def, long iteration, double objective, double size,
                          const double *x)
{
    progress_state *p = ctx;
    if (!p->enabled)
        return;
    if (def->restarts != p->restarts) {
        p->restarts = def->restarts;
        fprintf(stderr, "restart %d: a fresh simplex at the best point\n", def->restarts);
    }
    fprintf(stderr, "iteration %3ld  evaluations %3ld  %6.0f s  objective %-10.4g size %-8.2g |", iteration,
            def->evaluations, seconds_since(&p->start), objective, size);
    for (int i = 0; i < def->n_params; i++)
        fprintf(stderr, " %.6g", x[i]);
    fputc('\n', stderr);
    fflush(stderr);
}

int calibrate_main(int argc, char **argv)
{
    const char *file = NULL, *out = "out/calibrate";
    int threads = 0, quiet = 0, has_seed = 0;
    uint64_t seed = 0;
    long reps = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(calibrate_help, stdout);
            return CLI_OK;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            if (next == NULL || !*next)
                return cli_usage_error("calibrate", "%s needs a directory", a);
            out = argv[++i];
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0) {
            long v;
            if (cli_parse_long(next, 1, 1024, &v) != 0)
                return cli_usage_error("calibrate", "%s needs a number of threads from 1 to 1024", a);
            threads = (int)v;
            i++;
        } else if (strcmp(a, "-s") == 0 || strcmp(a, "--seed") == 0) {
            int rc = cli_parse_seed("calibrate", a, next, &seed);
            if (rc != 0)
                return rc;
            has_seed = 1;
            i++;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--replications") == 0) {
            int rc = cli_parse_replications("calibrate", a, next, 2, &reps);
            if (rc != 0)
                return rc;
            i++;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("calibrate", "unknown option %s", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return cli_usage_error("calibrate", "unexpected argument %s (one calibration file at a time)", a);
        }
    }
    if (file == NULL)
        return cli_usage_error("calibrate", "%s", "needs a calibration file CALIB.json");
    calib_def def;
    int rc = calib_load(file, &def, stderr);
    if (rc != CLI_OK) {
        calib_fini(&def);
        return rc;
    }
    if (has_seed)
        def.seed = seed;
    if (reps > 0)
        def.replications = reps;
    if (atomic_dir_usable(out) != 0) {
        fprintf(stderr, "parcours calibrate: cannot write into the output directory %s: %s; nothing was run\n", out,
                strerror(errno));
        calib_fini(&def);
        return CLI_FAILURE;
    }
    if (threads == 0)
        threads = experiment_default_threads();
    progress_state ps = {!quiet && isatty(STDERR_FILENO), 0, {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &ps.start);
    if (ps.enabled) {
        fprintf(stderr, "calibrating %d parameter%s of %s (%ld replication%s per evaluation):", def.n_params,
                def.n_params == 1 ? "" : "s", def.scenario_name, def.replications, def.replications == 1 ? "" : "s");
        for (int i = 0; i < def.n_params; i++)
            fprintf(stderr, " %s", def.params[i].path);
        fputc('\n', stderr);
    }
    char err[512] = "";
    if (calib_fit(&def, threads, show_progress, &ps, err, sizeof err) != 0) {
        fprintf(stderr, "parcours calibrate: %s\n", err);
        calib_fini(&def);
        return CLI_FAILURE;
    }
    char *command = provenance_command("calibrate", argc, argv);
    if (command == NULL || calib_write(&def, out, command, err, sizeof err) != 0) {
        if (command == NULL)
            snprintf(err, sizeof err, "out of memory");
        free(command);
        fprintf(stderr, "parcours calibrate: %s\n", err);
        calib_fini(&def);
        return CLI_FAILURE;
    }
    if (!quiet) {
        calib_print(&def, stdout);
        printf("\nwritten: %s/ (fitted.json, calibration.csv, parameters.csv, trace.csv)\n", out);
    }
    free(command);
    calib_fini(&def);
    return CLI_OK;
}
