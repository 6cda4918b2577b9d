/* sweep.c -- `parcours sweep`: options, checks, points, journal, sweep.csv.
 *
 * Order of work: check the sweep file, the scenario and every point (exit 2
 * and nothing written on any problem), read the journal if the output
 * directory has one (refuse a different sweep), then run the points not yet
 * done. Each point's files are written atomically, then its row.csv, then
 * the journal: a point is done exactly when the journal says so. sweep.csv
 * is built at the end from the stored rows, so it never depends on how many
 * times the sweep was stopped and resumed. */
#include "app/sweep.h"

#include "app/atomic.h"
#include "app/cli.h"
#include "app/csv.h"
#include "app/diag.h"
#include "app/experiment.h"
#include "app/jread.h"
#include "app/output.h"
#include "app/provenance.h"
#include "app/scenario.h"
#include "app/textfile.h"
#include "sim/record.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char sweep_help[] =
    "usage: parcours sweep SWEEP.json [OPTIONS]\n"
    "\n"
    "Runs a scenario at every point of a design (a grid or a Latin hypercube\n"
    "over some of its parameters) and writes one table with a row per point.\n"
    "\n"
    "A sweep file (the scenario path is relative to the sweep file):\n"
    "  {\n"
    "    \"scenario\": \"../paris-baseline.json\",\n"
    "    \"name\": \"lhss-lam\",\n"
    "    \"seed\": 1,\n"
    "    \"replications\": 20,\n"
    "    \"parameters\": [\n"
    "      {\"path\": \"stages.lhss.capacity\", \"values\": [0, 25, 50]},\n"
    "      {\"path\": \"stages.lam.capacity\", \"range\": {\"from\": 0, \"to\": 50, \"step\": 25}}\n"
    "    ],\n"
    "    \"design\": \"grid\"\n"
    "  }\n"
    "PATH is as for `parcours run --set`. \"grid\" runs every combination, the\n"
    "first parameter varying slowest (here 9 points). A Latin hypercube instead:\n"
    "    \"parameters\": [{\"path\": \"stages.lhss.capacity\", \"min\": 0, \"max\": 100, \"integer\": true},\n"
    "                   {\"path\": \"sources.newcomers.rate\", \"min\": 0.5, \"max\": 1.2}],\n"
    "    \"design\": {\"lhs\": {\"points\": 20, \"seed\": 7}}\n"
    "\"seed\" and \"replications\" default to the scenario's; -s and -r override them.\n"
    "\n"
    "Every point runs replications 0..R-1 of the same seed: common random\n"
    "numbers, so the differences between points owe little to chance.\n"
    "\n"
    "Writes into the output directory:\n"
    "  sweep.csv      point,<parameter paths>,replications, then for every window,\n"
    "                 stage and metric <window>.<stage>.<metric>.mean, .ci95_low and\n"
    "                 .ci95_high, then scenario_hash, seed, parcours_version and\n"
    "                 the command that reruns the point; one row per point, in order\n"
    "  sweep.json     provenance (hashes, seed, replications, version, command)\n"
    "                 and the parameter values of every point\n"
    "  points/NNNN/   point NNNN's summary.json and CSV files, as parcours run\n"
    "  journal.json   the points done so far, to resume\n"
    "\n"
    "options:\n"
    "  -o, --out DIR            output directory (default: out/<sweep name>/)\n"
    "  -s, --seed N             the replications' seed (default: the sweep file's\n"
    "                           \"seed\"; a Latin hypercube keeps its own)\n"
    "  -r, --replications R     replications per point (default: the sweep file's\n"
    "                           \"replications\"); e.g. -r 3 for a first look\n"
    "  -j, --threads T          replications in parallel (default: all cores);\n"
    "                           the results are identical whatever T\n"
    "  -q, --quiet              no progress line and no messages\n"
    "      --dry-run            check the sweep and every point, list the points\n"
    "                           (CSV on stdout), run and write nothing\n"
    "      --precision P        per point, add replications R at a time until the\n"
    "                           95% CI half-width of every --metric is at most\n"
    "                           P x |mean| (e.g. 0.05), or --max-replications\n"
    "      --metric W.S.M       a metric for --precision, window.stage.metric:\n"
    "                           audit.assore.stay_little_days (repeatable)\n"
    "      --max-replications N the most replications per point (default 10 x R)\n"
    "  -h, --help               this help\n"
    "\n"
    "Stopping and resuming: Ctrl-C or SIGTERM stops after the current point;\n"
    "even a crash or SIGKILL keeps every finished point. Rerun the same command\n"
    "to carry on: sweep.csv is then byte-identical to an uninterrupted run's.\n"
    "A sweep whose file, scenario or options changed is refused: use a new --out.\n"
    "\n"
    "examples:\n"
    "  parcours sweep scenarios/sweeps/paris-lhss-lam.json --out out/lhss-lam\n"
    "  parcours sweep scenarios/sweeps/paris-lhss-lam.json --precision 0.05 \\\n"
    "      --metric audit.assore.stay_little_days --max-replications 200\n"
    "  mpirun -np 4 parcours sweep SWEEP.json --threads 8   # with -DPARCOURS_MPI=ON\n"
    "\n"
    "exit status: 0 success, 1 a run or writing failed or a signal stopped it,\n"
    "2 bad input. More: docs/batch.md.\n";

/* ---- small helpers -------------------------------------------------------- */

static uint64_t hash_str(uint64_t h, const char *s)
{
    return provenance_hash(h, s, strlen(s) + 1);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

static char *point_dir(const sweep_run *r, long p)
{
    size_t n = strlen(r->outdir) + 40;
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s/points/%0*ld", r->outdir, r->digits, p);
    return d;
}

static double point_value(const sweep_run *r, long p, int j)
{
    return r->def.points[(size_t)p * (size_t)r->def.n_params + (size_t)j];
}

/* "path=value" strings for point p into sets (each malloc'd). */
static int point_sets(const sweep_run *r, long p, char **sets)
{
    for (int j = 0; j < r->def.n_params; j++) {
        char num[64];
        sweep_format_number(point_value(r, p, j), num, sizeof num);
        size_t n = strlen(r->def.params[j].path) + strlen(num) + 2;
        sets[j] = malloc(n);
        if (sets[j] == NULL) {
            while (j-- > 0)
                free(sets[j]);
            return -1;
        }
        snprintf(sets[j], n, "%s=%s", r->def.params[j].path, num);
    }
    return 0;
}

static void free_sets(const sweep_run *r, char **sets)
{
    for (int j = 0; j < r->def.n_params; j++)
        free(sets[j]);
}

/* "path=value, path=value" for messages. */
static void describe_point(const sweep_run *r, long p, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int j = 0; j < r->def.n_params && len + 1 < size; j++) {
        char num[64];
        sweep_format_number(point_value(r, p, j), num, sizeof num);
        len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", j ? ", " : "", r->def.params[j].path, num);
    }
}

static int write_atomic_text(const char *path, const char *text, char *err, size_t errlen)
{
    atomic_file *af = atomic_open(path);
    if (af == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fputs(text, atomic_stream(af));
    if (atomic_commit(af) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

double sweep_seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* ---- signals -------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;
static struct sigaction saved_actions[3];
static const int stop_signals[3] = {SIGINT, SIGTERM, SIGUSR1};

static void on_stop_signal(int sig)
{
    if (stop_signal) {
        /* A second signal: stop at once (the journal keeps finished points). */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
    static const char msg[] =
        "\nparcours sweep: stopping after the current point (signal again to stop at once)\n";
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
        /* nothing to do */
    }
}

void sweep_signals_install(void)
{
    stop_signal = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < 3; i++)
        sigaction(stop_signals[i], &sa, &saved_actions[i]);
}

void sweep_signals_restore(void)
{
    for (int i = 0; i < 3; i++)
        sigaction(stop_signals[i], &saved_actions[i], NULL);
}

int sweep_stop_requested(void)
{
    return stop_signal != 0;
}

/* ---- options -------------------------------------------------------------- */

int sweep_parse_options(int argc, char **argv, sweep_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        long v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(sweep_help, stdout);
            return -1;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            if (next == NULL || !*next)
                return cli_usage_error("sweep", "%s needs a directory", a);
            o->out = argv[++i];
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0) {
            if (next == NULL || cli_parse_long(next, 1, 1024, &v) != 0)
                return cli_usage_error("sweep", "%s needs a number of threads from 1 to 1024", a);
            o->threads = (int)v;
            i++;
        } else if (strcmp(a, "-s") == 0 || strcmp(a, "--seed") == 0) {
            int rc = cli_parse_seed("sweep", a, next, &o->seed);
            if (rc != 0)
                return rc;
            o->has_seed = 1;
            i++;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--replications") == 0) {
            int rc = cli_parse_replications("sweep", a, next, 1, &o->replications);
            if (rc != 0)
                return rc;
            o->has_replications = 1;
            i++;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--dry-run") == 0) {
            o->dry_run = 1;
        } else if (strcmp(a, "--precision") == 0) {
            char *end;
            double p = next ? strtod(next, &end) : NAN;
            if (next == NULL || end == next || *end || !(p > 0 && p <= 10))
                return cli_usage_error("sweep", "%s needs a relative half-width P, 0 < P <= 10 (e.g. 0.05)", a);
            o->precision = p;
            o->has_precision = 1;
            i++;
        } else if (strcmp(a, "--metric") == 0) {
            if (next == NULL || strchr(next, '.') == NULL || strchr(next, '.') == strrchr(next, '.'))
                return cli_usage_error("sweep", "%s needs window.stage.metric (e.g. audit.assore.stay_little_days)", a);
            if (o->n_metrics == SWEEP_MAX_METRICS)
                return cli_usage_error("sweep", "too many %s options", a);
            o->metrics[o->n_metrics++] = argv[++i];
        } else if (strcmp(a, "--max-replications") == 0) {
            if (next == NULL || cli_parse_long(next, 1, 10000000, &v) != 0)
                return cli_usage_error("sweep", "%s needs a whole number from 1 to 10000000", a);
            o->max_replications = v;
            o->has_max = 1;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("sweep", "unknown option %s", a);
        } else if (o->file == NULL) {
            o->file = a;
        } else {
            return cli_usage_error("sweep", "unexpected argument %s (one sweep file at a time)", a);
        }
    }
    if (o->file == NULL)
        return cli_usage_error("sweep", "%s", "needs a sweep file (SWEEP.json)");
    if (o->has_precision && o->n_metrics == 0)
        return cli_usage_error("sweep", "%s", "--precision needs at least one --metric window.stage.metric");
    if (!o->has_precision && (o->n_metrics > 0 || o->has_max))
        return cli_usage_error("sweep", "%s", "--metric and --max-replications go with --precision P");
    return 0;
}

/* ---- checks --------------------------------------------------------------- */

static void print_diag(const sweep_run *r, const diag *d)
{
    if (r->verbose)
        diag_print(d, stderr);
}

static int same_layout(const model_spec *a, const model_spec *b)
{
    if (a->n_windows != b->n_windows || a->n_stages != b->n_stages)
        return 0;
    for (int w = 0; w < a->n_windows; w++)
        if (strcmp(a->window_ids[w], b->window_ids[w]) != 0)
            return 0;
    for (int s = 0; s < a->n_stages; s++)
        if (strcmp(a->stages[s].id, b->stages[s].id) != 0 ||
            (a->stages[s].kind == MODEL_EXIT) != (b->stages[s].kind == MODEL_EXIT))
            return 0;
    return 1;
}

static int take_layout(sweep_run *r, const model_spec *spec)
{
    r->n_windows = spec->n_windows;
    r->window_ids = calloc((size_t)spec->n_windows + 1, sizeof *r->window_ids);
    r->stage_ids = calloc((size_t)spec->n_stages + 1, sizeof *r->stage_ids);
    r->stage_index = calloc((size_t)spec->n_stages + 1, sizeof *r->stage_index);
    if (!r->window_ids || !r->stage_ids || !r->stage_index)
        return -1;
    for (int w = 0; w < spec->n_windows; w++)
        if ((r->window_ids[w] = strdup(spec->window_ids[w])) == NULL)
            return -1;
    for (int s = 0; s < spec->n_stages; s++) {
        if (spec->stages[s].kind == MODEL_EXIT)
            continue;
        r->stage_index[r->n_stages] = s;
        if ((r->stage_ids[r->n_stages++] = strdup(spec->stages[s].id)) == NULL)
            return -1;
    }
    return 0;
}

/* Finds window.stage.metric; ids may themselves contain dots. */
static int parse_target(const sweep_run *r, const model_spec *spec, const char *text, sweep_target *t,
                        char *why, size_t size)
{
    const char *last = strrchr(text, '.');
    int metric = -1;
    for (int m = 0; m < SIM_METRIC_COUNT; m++)
        if (strcmp(last + 1, sim_metric_name((sim_metric)m)) == 0)
            metric = m;
    if (metric < 0) {
        size_t len = (size_t)snprintf(why, size, "no metric \"%s\" (expected one of:", last + 1);
        for (int m = 0; m < SIM_METRIC_COUNT && len < size; m++)
            len += (size_t)snprintf(why + len, size - len, " %s", sim_metric_name((sim_metric)m));
        if (len < size)
            snprintf(why + len, size - len, ")");
        return -1;
    }
    for (int w = 0; w < spec->n_windows; w++) {
        size_t wl = strlen(spec->window_ids[w]);
        if (strncmp(text, spec->window_ids[w], wl) != 0 || text[wl] != '.')
            continue;
        const char *stage = text + wl + 1;
        size_t sl = (size_t)(last - stage);
        for (int s = 0; s < r->n_stages; s++)
            if (strlen(r->stage_ids[s]) == sl && strncmp(stage, r->stage_ids[s], sl) == 0) {
                t->window = w;
                t->stage = r->stage_index[s];
                t->metric = metric;
                return 0;
            }
        size_t len = (size_t)snprintf(why, size, "no stage \"%.*s\" (expected one of:", (int)sl, stage);
        for (int s = 0; s < r->n_stages && len < size; s++)
            len += (size_t)snprintf(why + len, size - len, " %s", r->stage_ids[s]);
        if (len < size)
            snprintf(why + len, size - len, ")");
        return -1;
    }
    size_t len = (size_t)snprintf(why, size, "does not start with a window id (expected one of:");
    for (int w = 0; w < spec->n_windows && len < size; w++)
        len += (size_t)snprintf(why + len, size - len, " %s", spec->window_ids[w]);
    if (len < size)
        snprintf(why + len, size - len, ")");
    return -1;
}

static const char *after_file(const char *msg, const char *file)
{
    size_t n = strlen(file);
    if (strncmp(msg, file, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    return msg;
}

/* Loads the scenario with one parameter at a time, then every point. */
static void check_points(sweep_run *r, diag *d, const model_spec *base)
{
    const sweep_def *def = &r->def;
    char *sets[SWEEP_MAX_PARAMS];
    for (int j = 0; j < def->n_params; j++) {
        char num[64], set[600];
        sweep_format_number(def->points[j], num, sizeof num);
        snprintf(set, sizeof set, "%s=%s", def->params[j].path, num);
        const char *one[1] = {set};
        diag *ds = diag_new(def->scenario);
        scenario_result res;
        if (ds == NULL)
            return;
        if (scenario_load_file(def->scenario, one, 1, ds, &res) == 0) {
            scenario_result_fini(&res);
        } else {
            const char *m = diag_message(ds, 0);
            char where[64];
            snprintf(where, sizeof where, "parameters[%d].path", j);
            if (m && strstr(m, ": --set "))
                diag_add(d, where, "\"%s\" is not a path in the scenario (%s)", def->params[j].path, m);
            else
                diag_add(d, where, "the scenario refuses %s (%s)", set, m ? m : "out of memory");
        }
        diag_free(ds);
    }
    if (diag_count(d) > 0)
        return;
    long failed = 0;
    for (long p = 0; p < def->n_points; p++) {
        if (point_sets(r, p, sets) != 0) {
            diag_add(d, "", "out of memory");
            return;
        }
        diag *ds = diag_new(def->scenario);
        scenario_result res;
        if (ds == NULL) {
            free_sets(r, sets);
            diag_add(d, "", "out of memory");
            return;
        }
        char what[512];
        describe_point(r, p, what, sizeof what);
        if (scenario_load_file(def->scenario, (const char *const *)sets, def->n_params, ds, &res) == 0) {
            r->point_hash[p] = res.hash;
            if (!same_layout(base, res.spec) && failed++ < 5)
                diag_add(d, "", "point %ld (%s): the windows or stages differ from the scenario's (expected the same, as sweep.csv has one set of columns)",
                         p, what);
            scenario_result_fini(&res);
        } else if (failed++ < 5) {
            const char *m = diag_message(ds, 0);
            diag_add(d, "", "point %ld (%s): the scenario refuses it (%s%s)", p, what,
                     m ? after_file(m, def->scenario) : "out of memory",
                     diag_count(ds) > 1 ? ", and more" : "");
        }
        diag_free(ds);
        free_sets(r, sets);
    }
    if (failed > 5)
        diag_add(d, "", "%ld more points are refused by the scenario", failed - 5);
}

int sweep_check(sweep_run *r, int argc, char **argv)
{
    const sweep_options *o = &r->o;
    diag *d = diag_new(o->file);
    if (d == NULL)
        return CLI_FAILURE;
    if (sweep_def_load(o->file, d, &r->def) != 0) {
        print_diag(r, d);
        if (r->verbose)
            fprintf(stderr, "%s: %d problem%s; nothing was run or written.\n", o->file, diag_count(d),
                    diag_count(d) == 1 ? "" : "s");
        diag_free(d);
        return CLI_BAD_INPUT;
    }
    /* The scenario alone. */
    FILE *probe = fopen(r->def.scenario, "rb");
    if (probe == NULL) {
        diag_add(d, "scenario", "cannot read %s (a path relative to the sweep file): %s", r->def.scenario,
                 strerror(errno));
        print_diag(r, d);
        if (r->verbose)
            fprintf(stderr, "%s: 1 problem; nothing was run or written.\n", o->file);
        diag_free(d);
        return CLI_BAD_INPUT;
    }
    fclose(probe);
    diag *ds = diag_new(r->def.scenario);
    scenario_result base;
    memset(&base, 0, sizeof base);
    if (ds == NULL || scenario_load_file(r->def.scenario, NULL, 0, ds, &base) != 0) {
        if (ds) {
            print_diag(r, ds);
            if (r->verbose)
                fprintf(stderr, "%s: scenario: %s has %d problem%s; nothing was run or written.\n", o->file,
                        r->def.scenario, diag_count(ds), diag_count(ds) == 1 ? "" : "s");
        }
        diag_free(ds);
        diag_free(d);
        return ds ? CLI_BAD_INPUT : CLI_FAILURE;
    }
    diag_free(ds);
    const model_spec *spec = base.spec;
    r->scenario_hash = base.hash;
    r->scenario_name = strdup(spec->name);
    r->seed = o->has_seed ? o->seed : r->def.has_seed ? r->def.seed : spec->seed;
    r->replications = o->has_replications   ? o->replications
                      : r->def.has_replications ? r->def.replications
                                                : spec->replications;
    r->max_replications = o->has_precision ? (o->has_max ? o->max_replications : 10 * r->replications)
                                           : r->replications;
    r->point_hash = calloc((size_t)r->def.n_points, sizeof *r->point_hash);
    if (r->scenario_name == NULL || r->point_hash == NULL || take_layout(r, spec) != 0) {
        diag_add(d, "", "out of memory");
    } else {
        check_points(r, d, spec);
    }
    if (o->has_precision && r->max_replications < r->replications)
        diag_add(d, "", "--max-replications %ld is less than the sweep's replications (expected at least %ld)",
                 r->max_replications, r->replications);
    for (int i = 0; i < o->n_metrics; i++) {
        char why[600];
        if (parse_target(r, spec, o->metrics[i], &r->targets[i], why, sizeof why) != 0)
            diag_add(d, "", "--metric %s: %s", o->metrics[i], why);
    }
    r->n_targets = o->n_metrics;
    int rc = CLI_OK;
    if (diag_count(d) > 0) {
        print_diag(r, d);
        if (r->verbose)
            fprintf(stderr, "%s: %d problem%s; nothing was run or written.\n", o->file, diag_count(d),
                    diag_count(d) == 1 ? "" : "s");
        rc = CLI_BAD_INPUT;
    }
    scenario_result_fini(&base);
    diag_free(d);
    if (rc != CLI_OK)
        return rc;

    if (o->out) {
        r->outdir = strdup(o->out);
    } else {
        r->outdir = malloc(strlen(r->def.name) + 8);
        if (r->outdir)
            sprintf(r->outdir, "out/%s", r->def.name);
    }
    r->command = provenance_command("sweep", argc, argv);
    r->done = calloc((size_t)r->def.n_points, 1);
    r->row_hash = calloc((size_t)r->def.n_points, sizeof *r->row_hash);
    r->row_reps = calloc((size_t)r->def.n_points, sizeof *r->row_reps);
    if (!r->outdir || !r->command || !r->done || !r->row_hash || !r->row_reps) {
        fprintf(stderr, "parcours sweep: out of memory\n");
        return CLI_FAILURE;
    }
    size_t len = strlen(r->outdir);
    while (len > 1 && r->outdir[len - 1] == '/')
        r->outdir[--len] = '\0';
    r->digits = 4;
    for (long n = r->def.n_points - 1; n >= 10000; n /= 10)
        r->digits++;
    r->threads = o->threads ? o->threads : experiment_default_threads();

    /* The key the journal must match: everything the rows depend on. */
    char buf[600];
    uint64_t k = hash_str(PROVENANCE_HASH_START, "parcours sweep journal 1");
    k = hash_str(k, PARCOURS_VERSION);
    provenance_hash_text(r->def.hash, buf);
    k = hash_str(k, buf);
    provenance_hash_text(r->scenario_hash, buf);
    k = hash_str(k, buf);
    snprintf(buf, sizeof buf, "seed %llu replications %ld", (unsigned long long)r->seed, r->replications);
    k = hash_str(k, buf);
    if (o->has_precision) {
        snprintf(buf, sizeof buf, "precision %.17g max %ld", o->precision, r->max_replications);
        k = hash_str(k, buf);
        for (int i = 0; i < o->n_metrics; i++)
            k = hash_str(k, o->metrics[i]);
    }
    r->key = k;
    return CLI_OK;
}

/* ---- journal -------------------------------------------------------------- */

static char *journal_path(const sweep_run *r)
{
    return path_join(r->outdir, "journal.json");
}

static int write_journal(const sweep_run *r, char *err, size_t errlen)
{
    char buf[64];
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "journal", "parcours sweep");
    provenance_hash_text(r->key, buf);
    cJSON_AddStringToObject(root, "sweep_hash", buf);
    cJSON_AddNumberToObject(root, "points", (double)r->def.n_points);
    cJSON *done = cJSON_AddArrayToObject(root, "completed");
    for (long p = 0; p < r->def.n_points; p++) {
        if (!r->done[p])
            continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "point", (double)p);
        cJSON_AddNumberToObject(e, "replications", (double)r->row_reps[p]);
        provenance_hash_text(r->row_hash[p], buf);
        cJSON_AddStringToObject(e, "row_hash", buf);
        cJSON_AddItemToArray(done, e);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *path = journal_path(r);
    int rc = -1;
    if (text == NULL || path == NULL)
        snprintf(err, errlen, "out of memory while writing the journal");
    else {
        size_t n = strlen(text);
        char *t2 = realloc(text, n + 2);
        if (t2) {
            text = t2;
            strcpy(text + n, "\n");
            rc = write_atomic_text(path, text, err, errlen);
        } else {
            snprintf(err, errlen, "out of memory while writing the journal");
        }
    }
    free(text);
    free(path);
    return rc;
}

static int parse_hash(const char *s, uint64_t *out)
{
    if (s == NULL || strncmp(s, "fnv1a64:", 8) != 0 || strlen(s) != 24)
        return -1;
    char *end;
    unsigned long long v = strtoull(s + 8, &end, 16);
    if (*end)
        return -1;
    *out = v;
    return 0;
}

/* A journal or a stored row: NULL with errno set (ENOENT: not there). */
static char *read_whole(const char *path)
{
    char why[256];
    return textfile_read(path, SWEEP_MAX_JOURNAL_BYTES, why, sizeof why);
}

static char *read_row(const sweep_run *r, long p)
{
    char *dir = point_dir(r, p);
    char *path = dir ? path_join(dir, "row.csv") : NULL;
    char *text = path ? read_whole(path) : NULL;
    free(dir);
    free(path);
    return text;
}

int sweep_journal_load(sweep_run *r)
{
    char *path = journal_path(r);
    if (path == NULL)
        return CLI_FAILURE;
    char *text = read_whole(path);
    if (text == NULL) {
        int e = errno;
        if (e == ENOENT) {
            free(path);
            return CLI_OK;
        }
        if (r->verbose && e == ENOTDIR)
            fprintf(stderr, "parcours sweep: cannot use %s as the output directory: %s\n", r->outdir, strerror(e));
        else if (r->verbose)
            fprintf(stderr, "parcours sweep: cannot read %s: %s\n", path, strerror(e));
        free(path);
        return CLI_FAILURE;
    }
    diag *d = diag_new(path);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (d == NULL) {
        free(path);
        cJSON_Delete(root);
        return CLI_FAILURE;
    }
    jctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    int rc = CLI_OK;
    uint64_t key = 0;
    if (root == NULL || !cJSON_IsObject(root)) {
        diag_add(d, "", "not a JSON object (truncated or overwritten?)");
    } else {
        const char *h = jstring(&c, root, "sweep_hash", 1);
        if (h && parse_hash(h, &key) != 0)
            diag_add(d, "sweep_hash", "expected fnv1a64:<16 hex digits>, got \"%.40s\"", h);
    }
    if (diag_count(d) == 0 && key != r->key) {
        if (r->verbose) {
            char mine[64], theirs[64];
            provenance_hash_text(r->key, mine);
            provenance_hash_text(key, theirs);
            fprintf(stderr,
                    "parcours sweep: %s was written by a different sweep (%s; this one is %s):\n"
                    "the sweep file, the scenario, the seed, the replications, the --precision options\n"
                    "or the parcours version changed since. Results of the two cannot be mixed:\n"
                    "use a new --out directory (or delete %s to start this sweep over).\n",
                    path, theirs, mine, r->outdir);
        }
        rc = CLI_BAD_INPUT;
    } else if (diag_count(d) == 0) {
        static const char *const keys[] = {"journal", "sweep_hash", "points", "completed", NULL};
        static const char *const entry_keys[] = {"point", "replications", "row_hash", NULL};
        jcheck_keys(&c, root, keys);
        jinteger(&c, root, "points", 1, r->def.n_points, r->def.n_points, 0);
        const cJSON *arr = jget(&c, root, "completed", 1);
        if (arr && !cJSON_IsArray(arr))
            diag_add(d, "completed", "expected an array, got %s", jtype(arr));
        int i = 0;
        const cJSON *e;
        if (cJSON_IsArray(arr))
            cJSON_ArrayForEach(e, arr) {
                size_t l = jpush_key(&c, "completed");
                jpush_index(&c, i++);
                if (!cJSON_IsObject(e)) {
                    diag_add(d, c.path, "expected an object, got %s", jtype(e));
                    jpop(&c, l);
                    continue;
                }
                jcheck_keys(&c, e, entry_keys);
                int before = diag_count(d);
                long p = jinteger(&c, e, "point", 1, 0, r->def.n_points - 1, 0);
                long reps = jinteger(&c, e, "replications", 1, 1, 10000000, 1);
                const char *h = jstring(&c, e, "row_hash", 1);
                uint64_t rh = 0;
                if (h && parse_hash(h, &rh) != 0)
                    diag_add(d, c.path, "row_hash: expected fnv1a64:<16 hex digits>, got \"%.40s\"", h);
                if (diag_count(d) == before && r->done[p])
                    diag_add(d, c.path, "point %ld is listed twice", p);
                if (diag_count(d) == before) {
                    r->done[p] = 1;
                    r->row_hash[p] = rh;
                    r->row_reps[p] = reps;
                }
                jpop(&c, l);
            }
    }
    if (diag_count(d) > 0) {
        if (r->verbose) {
            diag_print(d, stderr);
            fprintf(stderr,
                    "parcours sweep: %s is corrupt, so the points it lists cannot be trusted.\n"
                    "Use a new --out directory (or delete %s to start this sweep over).\n",
                    path, r->outdir);
        }
        rc = CLI_BAD_INPUT;
    }
    if (rc == CLI_OK) {
        /* A listed point whose row is missing or altered is simply run again. */
        for (long p = 0; p < r->def.n_points; p++) {
            if (!r->done[p])
                continue;
            char *row = read_row(r, p);
            if (row == NULL || provenance_hash(PROVENANCE_HASH_START, row, strlen(row)) != r->row_hash[p]) {
                if (r->verbose)
                    fprintf(stderr, "parcours sweep: point %ld: row.csv is %s; the point will be run again\n", p,
                            row ? "not the one journaled" : "missing");
                r->done[p] = 0;
            } else {
                r->n_done++;
            }
            free(row);
        }
    }
    for (long p = 0; rc != CLI_OK && p < r->def.n_points; p++)
        r->done[p] = 0;
    if (rc != CLI_OK)
        r->n_done = 0;
    cJSON_Delete(root);
    diag_free(d);
    free(path);
    return rc;
}

/* ---- outputs -------------------------------------------------------------- */

static const char *const stat_names[3] = {"mean", "ci95_low", "ci95_high"};

static void write_header(const sweep_run *r, FILE *f)
{
    fputs("point", f);
    for (int j = 0; j < r->def.n_params; j++) {
        fputc(',', f);
        csv_field(f, r->def.params[j].path);
    }
    fputs(",replications", f);
    char name[600];
    for (int w = 0; w < r->n_windows; w++)
        for (int s = 0; s < r->n_stages; s++)
            for (int m = 0; m < SIM_METRIC_COUNT; m++)
                for (int k = 0; k < 3; k++) {
                    snprintf(name, sizeof name, "%s.%s.%s.%s", r->window_ids[w], r->stage_ids[s],
                             sim_metric_name((sim_metric)m), stat_names[k]);
                    fputc(',', f);
                    csv_field(f, name);
                }
    provenance_csv_header(f, 0);   /* the replications are a column already */
    fputc('\n', f);
}

/* The row of point p; `cells` are its provenance columns. */
static char *make_row(const sweep_run *r, long p, const experiment *x, const char *cells)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    fprintf(f, "%ld", p);
    for (int j = 0; j < r->def.n_params; j++) {
        char num[64];
        sweep_format_number(point_value(r, p, j), num, sizeof num);
        fprintf(f, ",%s", num);
    }
    fprintf(f, ",%ld", experiment_replications(x));
    for (int w = 0; w < r->n_windows; w++)
        for (int s = 0; s < r->n_stages; s++)
            for (int m = 0; m < SIM_METRIC_COUNT; m++) {
                const sim_summary *sm = experiment_metric(x, w, r->stage_index[s], m);
                fputc(',', f);
                csv_number(f, sm->mean);
                fputc(',', f);
                csv_number(f, sm->ci95_low);
                fputc(',', f);
                csv_number(f, sm->ci95_high);
            }
    fputs(cells, f);
    fputc('\n', f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Removes the temporary files (NAME.tmp.PID, see atomic.h) that a process
 * killed while writing left in dir. */
static void remove_stale_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.") == NULL)
            continue;
        char *path = path_join(dir, e->d_name);
        if (path)
            unlink(path);
        free(path);
    }
    closedir(d);
}

int sweep_begin(sweep_run *r)
{
    char err[1200];
    char *points = path_join(r->outdir, "points");
    if (points == NULL)
        return CLI_FAILURE;
    if (atomic_mkdirs(points) != 0) {
        fprintf(stderr, "parcours sweep: cannot create the output directory %s: %s\n", points, strerror(errno));
        free(points);
        return CLI_FAILURE;
    }
    free(points);
    /* Nothing else writes into DIR now; a killed run may have left
     * temporaries in DIR and in the directories of unfinished points. */
    remove_stale_temporaries(r->outdir);
    for (long p = 0; p < r->def.n_points; p++) {
        if (r->done[p])
            continue;
        char *dir = point_dir(r, p);
        if (dir)
            remove_stale_temporaries(dir);
        free(dir);
    }
    char buf[64];
    cJSON *root = cJSON_CreateObject();
    cJSON *pv = cJSON_AddObjectToObject(root, "provenance");
    cJSON_AddStringToObject(pv, "parcours_version", PARCOURS_VERSION);
    cJSON_AddStringToObject(pv, "command", r->command);
    cJSON_AddStringToObject(pv, "sweep", r->def.name);
    cJSON_AddStringToObject(pv, "sweep_file", r->def.file);
    provenance_hash_text(r->def.hash, buf);
    cJSON_AddStringToObject(pv, "sweep_file_hash", buf);
    cJSON_AddStringToObject(pv, "scenario", r->scenario_name);
    cJSON_AddStringToObject(pv, "scenario_file", r->def.scenario);
    provenance_hash_text(r->scenario_hash, buf);
    cJSON_AddStringToObject(pv, "scenario_hash", buf);
    provenance_hash_text(r->key, buf);
    cJSON_AddStringToObject(pv, "sweep_hash", buf);
    provenance_seed_text(r->seed, buf);
    cJSON_AddRawToObject(pv, "seed", buf);
    cJSON_AddNumberToObject(pv, "replications", (double)r->replications);
    cJSON_AddStringToObject(pv, "common_random_numbers", "every point runs replications 0..R-1 of the same seed");
    if (r->o.has_precision) {
        cJSON *pr = cJSON_AddObjectToObject(pv, "precision");
        cJSON_AddNumberToObject(pr, "relative_half_width", r->o.precision);
        cJSON *ms = cJSON_AddArrayToObject(pr, "metrics");
        for (int i = 0; i < r->o.n_metrics; i++)
            cJSON_AddItemToArray(ms, cJSON_CreateString(r->o.metrics[i]));
        cJSON_AddNumberToObject(pr, "batch", (double)r->replications);
        cJSON_AddNumberToObject(pr, "max_replications", (double)r->max_replications);
    }
    if (r->def.design == SWEEP_GRID) {
        cJSON_AddStringToObject(root, "design", "grid");
    } else {
        cJSON *de = cJSON_AddObjectToObject(root, "design");
        cJSON *lhs = cJSON_AddObjectToObject(de, "lhs");
        cJSON_AddNumberToObject(lhs, "points", (double)r->def.lhs_points);
        cJSON_AddNumberToObject(lhs, "seed", (double)r->def.lhs_seed);
    }
    cJSON *params = cJSON_AddArrayToObject(root, "parameters");
    for (int j = 0; j < r->def.n_params; j++)
        cJSON_AddItemToArray(params, cJSON_CreateString(r->def.params[j].path));
    cJSON *pts = cJSON_AddArrayToObject(root, "points");
    for (long p = 0; p < r->def.n_points; p++) {
        cJSON *po = cJSON_CreateObject();
        cJSON_AddNumberToObject(po, "point", (double)p);
        char *dir = point_dir(r, p);
        cJSON_AddStringToObject(po, "dir", dir ? dir + strlen(r->outdir) + 1 : "");
        free(dir);
        cJSON *vals = cJSON_AddObjectToObject(po, "values");
        for (int j = 0; j < r->def.n_params; j++)
            cJSON_AddNumberToObject(vals, r->def.params[j].path, point_value(r, p, j));
        provenance_hash_text(r->point_hash[p], buf);
        cJSON_AddStringToObject(po, "scenario_hash", buf);
        cJSON_AddItemToArray(pts, po);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *path = path_join(r->outdir, "sweep.json");
    int rc = CLI_FAILURE;
    if (text && path) {
        size_t n = strlen(text);
        char *t2 = realloc(text, n + 2);
        if (t2) {
            text = t2;
            strcpy(text + n, "\n");
            if (write_atomic_text(path, text, err, sizeof err) == 0)
                rc = CLI_OK;
            else
                fprintf(stderr, "parcours sweep: %s\n", err);
        }
    }
    if (rc != CLI_OK && (text == NULL || path == NULL))
        fprintf(stderr, "parcours sweep: out of memory\n");
    free(text);
    free(path);
    return rc;
}

int sweep_finish(sweep_run *r)
{
    char *path = path_join(r->outdir, "sweep.csv");
    if (path == NULL)
        return CLI_FAILURE;
    atomic_file *af = atomic_open(path);
    if (af == NULL) {
        fprintf(stderr, "parcours sweep: cannot write %s: %s\n", path, strerror(errno));
        free(path);
        return CLI_FAILURE;
    }
    FILE *f = atomic_stream(af);
    write_header(r, f);
    for (long p = 0; p < r->def.n_points; p++) {
        char *row = read_row(r, p);
        if (row == NULL || !r->done[p] || provenance_hash(PROVENANCE_HASH_START, row, strlen(row)) != r->row_hash[p]) {
            fprintf(stderr, "parcours sweep: point %ld: row.csv is %s; rerun the same command to run it again\n", p,
                    row ? "not the one journaled (changed while the sweep ran?)" : "missing");
            free(row);
            atomic_abort(af);
            free(path);
            return CLI_FAILURE;
        }
        fputs(row, f);
        free(row);
    }
    if (atomic_commit(af) != 0) {
        fprintf(stderr, "parcours sweep: cannot write %s: %s\n", path, strerror(errno));
        free(path);
        return CLI_FAILURE;
    }
    free(path);
    return CLI_OK;
}

/* ---- points --------------------------------------------------------------- */

static void format_eta(double s, char *buf, size_t size)
{
    if (!(s >= 0) || s > 1e8)
        snprintf(buf, size, "?");
    else if (s < 60)
        snprintf(buf, size, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, size, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

static void clear_line(sweep_run *r)
{
    if (r->line_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        r->line_shown = 0;
    }
}

static void show_progress(void *ctx, long done, long total)
{
    sweep_run *r = ctx;
    if (r->poll)
        r->poll(r);
    if (!r->progress)
        return;
    double el = sweep_seconds_since(&r->session_start);
    double f = r->session_points > 0
                   ? ((double)r->session_done + (total > 0 ? (double)done / (double)total : 0)) /
                         (double)r->session_points
                   : 1;
    char eta[32];
    format_eta(f > 0 ? el * (1 - f) / f : -1, eta, sizeof eta);
    fprintf(stderr, "\r\033[Kpoint %ld/%ld, %ld/%ld replications, ETA %s", r->n_done + 1, r->def.n_points, done,
            total, eta);
    fflush(stderr);
    r->line_shown = 1;
}

static int precise_enough(const sweep_run *r, const experiment *x)
{
    for (int i = 0; i < r->n_targets; i++) {
        const sweep_target *t = &r->targets[i];
        const sim_summary *s = experiment_metric(x, t->window, t->stage, t->metric);
        double half = (s->ci95_high - s->ci95_low) / 2;
        if (s->n < 2 || !(half <= r->o.precision * fabs(s->mean)))
            return 0;
    }
    return 1;
}

static char *point_command(const sweep_run *r, char **sets, long reps)
{
    size_t len = strlen(r->def.scenario) + 128;
    for (int j = 0; j < r->def.n_params; j++)
        len += strlen(sets[j]) + 8;
    char *cmd = malloc(len);
    if (cmd == NULL)
        return NULL;
    size_t n = (size_t)snprintf(cmd, len, "parcours run %s --seed %llu --replications %ld", r->def.scenario,
                                (unsigned long long)r->seed, reps);
    for (int j = 0; j < r->def.n_params; j++)
        n += (size_t)snprintf(cmd + n, len - n, " --set %s", sets[j]);
    return cmd;
}

int sweep_point_compute(sweep_run *r, long p, char **row, char *err, size_t errlen)
{
    *row = NULL;
    char *sets[SWEEP_MAX_PARAMS];
    if (point_sets(r, p, sets) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    experiment *x = NULL;
    char *dir = NULL, *cmd = NULL;
    scenario_result res;
    memset(&res, 0, sizeof res);
    diag *d = diag_new(r->def.scenario);
    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        goto end;
    }
    if (scenario_load_file(r->def.scenario, (const char *const *)sets, r->def.n_params, d, &res) != 0 ||
        res.hash != r->point_hash[p]) {
        snprintf(err, errlen, "point %ld: the scenario %s changed while the sweep was running; rerun the same command to start it over (in a new --out directory)",
                 p, r->def.scenario);
        goto end;
    }
    long n = r->replications;
    r->current_point = p;
    x = experiment_run(res.spec, r->seed, 0, n, r->threads, show_progress, r, err, errlen);
    if (x == NULL)
        goto end;
    /* Precision mode: R more replications at a time, folded into the same
     * experiment, which ends as a single run of n would. */
    while (r->o.has_precision && n < r->max_replications && !precise_enough(r, x)) {
        if (sweep_stop_requested()) {
            rc = 1;
            goto end;
        }
        long more = n + r->replications < r->max_replications ? r->replications : r->max_replications - n;
        if (experiment_extend(x, more, r->threads, show_progress, r, err, errlen) != 0)
            goto end;
        n += more;
    }
    dir = point_dir(r, p);
    cmd = point_command(r, sets, n);
    if (dir == NULL || cmd == NULL) {
        snprintf(err, errlen, "out of memory");
        goto end;
    }
    provenance prov = {PARCOURS_VERSION, cmd, res.hash, r->seed, 0};
    if (output_write(dir, res.spec, x, &prov, err, errlen) != 0)
        goto end;
    char *cells = provenance_csv_cells(&prov, experiment_replications(x), 0);
    *row = cells ? make_row(r, p, x, cells) : NULL;
    free(cells);
    if (*row == NULL) {
        snprintf(err, errlen, "out of memory");
        goto end;
    }
    rc = 0;
end:
    experiment_free(x);
    scenario_result_fini(&res);
    diag_free(d);
    free(dir);
    free(cmd);
    free_sets(r, sets);
    return rc;
}

int sweep_point_record(sweep_run *r, long p, const char *row, char *err, size_t errlen)
{
    char *dir = point_dir(r, p);
    char *path = dir ? path_join(dir, "row.csv") : NULL;
    if (path == NULL) {
        free(dir);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    if (atomic_mkdirs(dir) != 0)
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
    else
        rc = write_atomic_text(path, row, err, errlen);
    free(dir);
    free(path);
    if (rc != 0)
        return -1;
    if (!r->done[p])
        r->n_done++;
    r->done[p] = 1;
    r->row_hash[p] = provenance_hash(PROVENANCE_HASH_START, row, strlen(row));
    /* The replications: the field after the parameters. */
    const char *q = row;
    for (int j = 0; j < r->def.n_params + 1 && q; j++) {
        q = strchr(q, ',');
        if (q)
            q++;
    }
    r->row_reps[p] = q ? strtol(q, NULL, 10) : 0;
    return write_journal(r, err, errlen);
}

void sweep_report_point(sweep_run *r, long p, const char *row, double seconds)
{
    if (!r->verbose || r->o.quiet)
        return;
    clear_line(r);
    char what[512];
    describe_point(r, p, what, sizeof what);
    (void)row;
    char took[32] = "";
    if (seconds >= 0)
        snprintf(took, sizeof took, ", %.1fs", seconds);
    printf("point %0*ld (%s): %ld replication%s%s [%ld/%ld done]\n", r->digits, p, what, r->row_reps[p],
           r->row_reps[p] == 1 ? "" : "s", took, r->n_done, r->def.n_points);
    fflush(stdout);
}

void sweep_run_fini(sweep_run *r)
{
    sweep_def_fini(&r->def);
    for (int w = 0; r->window_ids && w < r->n_windows; w++)
        free(r->window_ids[w]);
    for (int s = 0; r->stage_ids && s < r->n_stages; s++)
        free(r->stage_ids[s]);
    free(r->window_ids);
    free(r->stage_ids);
    free(r->stage_index);
    free(r->outdir);
    free(r->command);
    free(r->scenario_name);
    free(r->point_hash);
    free(r->done);
    free(r->row_hash);
    free(r->row_reps);
    memset(r, 0, sizeof *r);
}

/* ---- the command ---------------------------------------------------------- */

static void list_points(const sweep_run *r)
{
    fputs("point", stdout);
    for (int j = 0; j < r->def.n_params; j++) {
        fputc(',', stdout);
        csv_field(stdout, r->def.params[j].path);
    }
    fputc('\n', stdout);
    for (long p = 0; p < r->def.n_points; p++) {
        printf("%ld", p);
        for (int j = 0; j < r->def.n_params; j++) {
            char num[64];
            sweep_format_number(point_value(r, p, j), num, sizeof num);
            printf(",%s", num);
        }
        putchar('\n');
    }
}

void sweep_announce(sweep_run *r)
{
    if (!r->verbose || r->o.quiet)
        return;
    printf("%s: %ld point%s (%s over", r->def.name, r->def.n_points, r->def.n_points == 1 ? "" : "s",
           r->def.design == SWEEP_GRID ? "grid" : "Latin hypercube");
    for (int j = 0; j < r->def.n_params; j++)
        printf("%s %s", j ? "," : "", r->def.params[j].path);
    printf(") of %s, seed %llu, ", r->scenario_name, (unsigned long long)r->seed);
    if (r->o.has_precision)
        printf("%ld replications at a time up to %ld until +-%g x mean", r->replications, r->max_replications,
               r->o.precision);
    else
        printf("%ld replication%s each", r->replications, r->replications == 1 ? "" : "s");
    printf(" -> %s/\n", r->outdir);
    if (r->n_done > 0 && r->n_done < r->def.n_points)
        printf("resuming: %ld of %ld points already done (%s/journal.json)\n", r->n_done, r->def.n_points,
               r->outdir);
    fflush(stdout);
}

static int run_serial(sweep_run *r)
{
    char err[1200];
    int rc = CLI_OK;
    r->session_points = r->def.n_points - r->n_done;
    r->progress = !r->o.quiet && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &r->session_start);
    sweep_signals_install();
    for (long p = 0; p < r->def.n_points; p++) {
        if (r->done[p])
            continue;
        if (sweep_stop_requested())
            break;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        char *row = NULL;
        err[0] = '\0';
        int prc = sweep_point_compute(r, p, &row, err, sizeof err);
        if (prc == 1)
            break;
        if (prc != 0 || sweep_point_record(r, p, row, err, sizeof err) != 0) {
            clear_line(r);
            fprintf(stderr, "parcours sweep: point %ld: %s\n", p, err);
            free(row);
            rc = CLI_FAILURE;
            break;
        }
        r->session_done++;
        sweep_report_point(r, p, row, sweep_seconds_since(&t0));
        free(row);
    }
    clear_line(r);
    int stopped = sweep_stop_requested();
    sweep_signals_restore();
    if (rc != CLI_OK) {
        fprintf(stderr, "parcours sweep: %ld of %ld points done; fix the problem and rerun the same command to resume\n",
                r->n_done, r->def.n_points);
        return rc;
    }
    if (stopped && r->n_done < r->def.n_points) {
        fprintf(stderr, "parcours sweep: stopped by signal after %ld of %ld points; rerun the same command to resume\n",
                r->n_done, r->def.n_points);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

void sweep_conclude(const sweep_run *r, long already)
{
    if (!r->verbose || r->o.quiet)
        return;
    if (already == r->def.n_points)
        printf("%s %ld point%s already done (%s/journal.json): nothing was run; sweep.csv was rebuilt from the stored "
               "rows\n", r->def.n_points == 1 ? "the" : "all", r->def.n_points, r->def.n_points == 1 ? " was" : "s were",
               r->outdir);
    printf("written: %s/sweep.csv (%ld row%s), %s/sweep.json, %s/points/%.*s/{summary.json,row.csv,...}\n",
           r->outdir, r->def.n_points, r->def.n_points == 1 ? "" : "s", r->outdir, r->outdir, r->digits,
           "NNNNNNNNNNNN");
}

int sweep_main(int argc, char **argv)
{
    sweep_run r;
    memset(&r, 0, sizeof r);
    int rc = sweep_parse_options(argc, argv, &r.o);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
#ifdef PARCOURS_MPI
    if (!r.o.dry_run && sweep_mpi_launched())
        return sweep_mpi_main(&r, argc, argv);
#endif
    r.size = 1;
    r.verbose = 1;
    rc = sweep_check(&r, argc, argv);
    if (rc == CLI_OK && r.o.dry_run) {
        list_points(&r);
        if (!r.o.quiet)
            fprintf(stderr, "%s: valid, %ld point%s; --dry-run: nothing was run or written\n", r.o.file,
                    r.def.n_points, r.def.n_points == 1 ? "" : "s");
        sweep_run_fini(&r);
        return CLI_OK;
    }
    if (rc == CLI_OK)
        rc = sweep_journal_load(&r);
    if (rc == CLI_OK)
        rc = sweep_begin(&r);
    long already = r.n_done;
    if (rc == CLI_OK) {
        sweep_announce(&r);
        rc = run_serial(&r);
    }
    if (rc == CLI_OK)
        rc = sweep_finish(&r);
    if (rc == CLI_OK)
        sweep_conclude(&r, already);
    sweep_run_fini(&r);
    return rc;
}
