/* cli.c -- commands, options and help texts.
 *
 * Each command parses its options into a plain struct, loads the scenario
 * (every problem reported, exit 2), runs, writes, and maps failures to exit
 * statuses: 0 ok, 1 the run or the writing failed, 2 bad input. Nothing is
 * written before the input has been fully checked. */
#include "app/cli.h"

#include "app/atomic.h"
#include "app/calibrate.h"
#include "app/census.h"
#include "app/compare.h"
#include "app/diag.h"
#include "app/experiment.h"
#include "app/jread.h"
#include "app/output.h"
#include "app/provenance.h"
#include "app/plot.h"
#include "app/scenario.h"
#include "app/sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SETS 256

static const char *const main_help =
    "parcours " PARCOURS_VERSION " -- a discrete-event simulator of care pathways\n"
    "\n"
    "usage: parcours COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO.json]    run replications and write summary.json and CSV files\n"
    "                         (without a scenario: the embedded Paris baseline)\n"
    "  validate [SCENARIO.json]  check a scenario and list every problem in it\n"
    "                         (without a scenario: the embedded Paris baseline)\n"
    "  sweep SWEEP.json       run a scenario over a grid or Latin hypercube of its\n"
    "                         parameters, one row per point in sweep.csv\n"
    "  compare A.json B.json [...]  run scenarios on common random numbers and\n"
    "                         compare each with the first: compare.csv, report.html\n"
    "  plot DIR               draw the charts of a run directory (needs gnuplot)\n"
    "  calibrate CALIB.json   fit uncertain parameters of a scenario to observed\n"
    "                         targets and write the fitted scenario\n"
    "  help [COMMAND]         show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help             show help (also after a command: parcours run --help)\n"
    "  -V, --version          show the version\n"
    "\n"
    "examples:\n"
    "  parcours run                                   # Paris baseline -> out/paris-baseline/\n"
    "  parcours run scenarios/paris-2019-plan.json --replications 200\n"
    "  parcours run --set stages.lhss.capacity=50 --out out/lhss50\n"
    "  parcours validate my-scenario.json\n"
    "  parcours sweep scenarios/sweeps/paris-lhss-lam.json   # 9 points -> out/paris-lhss-lam/\n"
    "  parcours compare scenarios/paris-baseline.json scenarios/policy/lhss-lam-50.json\n"
    "  parcours plot out/paris-baseline --format svg\n"
    "  parcours calibrate scenarios/calibrate-paris.json     # -> out/calibrate/fitted.json\n"
    "\n"
    "exit status: 0 success, 1 the run or writing failed, 2 bad input.\n"
    "The scenario format: docs/scenario-format.md; the model: docs/model.md;\n"
    "sweeps and batch runs: docs/batch.md; calibration: docs/calibration.md.\n";

static const char *const run_help =
    "usage: parcours run [SCENARIO.json] [OPTIONS]\n"
    "\n"
    "Runs replications of a scenario and writes into the output directory:\n"
    "  summary.json   per window and stage: occupancy_mean, admissions, exits,\n"
    "                 exits_positive, exits_negative, stay_mean_days,\n"
    "                 stay_little_days, wait_mean_days, time_to_downstream_days, ...\n"
    "                 each with mean, ci95_low, ci95_high (Student t), sd, p5, p50, p95\n"
    "  occupancy.csv  date,stage,mean,ci95_low,ci95_high  (daily occupancy)\n"
    "  waiting.csv    the same for waiting-list lengths\n"
    "  capacity.csv   date,stage,capacity\n"
    "  census.csv     tenure of those present at each census date\n"
    "  blocked.csv    place-days held by people waiting to move on, by awaited stage\n"
    "  public_space_by_hour.csv  people in the public space by hour of day\n"
    "Every CSV row ends with its provenance: scenario_hash, seed, replications,\n"
    "parcours_version, command. The run also prints a short table.\n"
    "Without SCENARIO, runs the embedded Paris baseline.\n"
    "\n"
    "options:\n"
    "  -o, --out DIR          output directory (default: out/<scenario name>/)\n"
    "  -s, --seed N           random seed (default: the scenario's, else 1)\n"
    "  -r, --replications R   number of replications (default: the scenario's)\n"
    "      --replication K    run replication K alone (same numbers as inside a\n"
    "                         batch; not with -r)\n"
    "      --census FILE.csv  start from the people present today instead of the\n"
    "                         scenario's initial state: CSV stage,days,ready[,attr...]\n"
    "                         (days already spent; ready=1 if waiting to move on);\n"
    "                         remaining stays are drawn given the time already spent\n"
    "  -j, --threads T        replications in parallel (default: all cores); the\n"
    "                         results are identical whatever T\n"
    "      --set PATH=VALUE   change the scenario before running; repeatable.\n"
    "                         PATH is dotted; array elements are named by id:\n"
    "                           --set stages.lhss.capacity=50    (a constant replaces a schedule)\n"
    "                           --set sources.newcomers.rate=0.8\n"
    "                           --set outputs.daily=false        (makes \"outputs\" if absent)\n"
    "                           --set end=2021-12-31             (not JSON: taken as text)\n"
    "                         VALUE is JSON (a number, \"text\", [..], {..}); a\n"
    "                         VALUE that is not JSON as a whole is text.\n"
    "                         An id that matches nothing, or an unknown key, is\n"
    "                         an error.\n"
    "  -q, --quiet            no progress line and no table\n"
    "  -h, --help             this help\n"
    "\n"
    "The same scenario, seed and replications always give byte-identical files.\n";

static const char *const validate_help =
    "usage: parcours validate [SCENARIO.json] [--set PATH=VALUE]...\n"
    "\n"
    "Checks a scenario without running it and prints every problem, each as\n"
    "  FILE: JSON.path: what is wrong (expected ..., got ...)\n"
    "Without SCENARIO, checks the embedded Paris baseline, as `run` would run\n"
    "it: so `parcours validate --set stages.lhss.capacity=50` checks the\n"
    "changes of a run before making it. --set as for run (parcours run --help).\n"
    "Exit status 0 if the scenario is valid, 2 otherwise.\n";

typedef struct run_options {
    const char *scenario;
    const char *out;
    const char *census;
    const char *sets[MAX_SETS];
    int n_sets;
    int has_seed, has_reps, has_rep, quiet, threads;
    uint64_t seed;
    long reps, rep;
} run_options;

static int is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "parcours %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see: parcours %s --help)\n", cmd);
    return CLI_BAD_INPUT;
}

int cli_parse_long(const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (text == NULL || errno || end == text || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_seed(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
    long v;
    if (cli_parse_long(text, 0, JREAD_WHOLE_MAX, &v) != 0)
        return cli_usage_error(cmd, "%s needs a whole number from 0 to 9007199254740991 (2^53 - 1)", opt);
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_replications(const char *cmd, const char *opt, const char *text, long min, long *out)
{
    if (cli_parse_long(text, min, 10000000, out) == 0)
        return 0;
    return cli_usage_error(cmd,
                           min > 1 ? "%s needs a whole number from 2 to 10000000 (a confidence interval needs two)"
                                   : "%s needs a whole number from 1 to 10000000",
                           opt);
}

/* Parses run/validate options. Returns -1 if help was printed, 0 ok, or an exit status. */
static int parse_options(const char *cmd, int argc, char **argv, run_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        long v;
        if (is_help(a)) {
            fputs(strcmp(cmd, "run") == 0 ? run_help : validate_help, stdout);
            return -1;
        } else if (strcmp(a, "--set") == 0) {
            if (next == NULL)
                return cli_usage_error(cmd, "%s needs PATH=VALUE", a);
            if (o->n_sets == MAX_SETS)
                return cli_usage_error(cmd, "too many %s options", a);
            o->sets[o->n_sets++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0) {
            if (o->n_sets == MAX_SETS)
                return cli_usage_error(cmd, "too many %s options", "--set");
            o->sets[o->n_sets++] = a + 6;
        } else if (strcmp(cmd, "run") == 0 && (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0)) {
            if (next == NULL || !*next)
                return cli_usage_error(cmd, "%s needs a directory", a);
            o->out = argv[++i];
        } else if (strcmp(cmd, "run") == 0 && (strcmp(a, "-s") == 0 || strcmp(a, "--seed") == 0)) {
            int rc = cli_parse_seed(cmd, a, next, &o->seed);
            if (rc != 0)
                return rc;
            o->has_seed = 1;
            i++;
        } else if (strcmp(cmd, "run") == 0 && (strcmp(a, "-r") == 0 || strcmp(a, "--replications") == 0)) {
            int rc = cli_parse_replications(cmd, a, next, 1, &o->reps);
            if (rc != 0)
                return rc;
            o->has_reps = 1;
            i++;
        } else if (strcmp(cmd, "run") == 0 && strcmp(a, "--replication") == 0) {
            if (next == NULL || cli_parse_long(next, 0, 100000000, &v) != 0)
                return cli_usage_error(cmd, "%s needs a replication index >= 0", a);
            o->rep = v;
            o->has_rep = 1;
            i++;
        } else if (strcmp(cmd, "run") == 0 && strcmp(a, "--census") == 0) {
            if (next == NULL || !*next)
                return cli_usage_error(cmd, "%s needs a CSV file", a);
            o->census = argv[++i];
        } else if (strcmp(cmd, "run") == 0 && (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0)) {
            if (next == NULL || cli_parse_long(next, 1, 1024, &v) != 0)
                return cli_usage_error(cmd, "%s needs a number of threads from 1 to 1024", a);
            o->threads = (int)v;
            i++;
        } else if (strcmp(cmd, "run") == 0 && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error(cmd, "unknown option %s", a);
        } else if (o->scenario == NULL) {
            o->scenario = a;
        } else {
            return cli_usage_error(cmd, "unexpected argument %s (one scenario at a time)", a);
        }
    }
    if (o->has_rep && o->has_reps)   /* which one was meant? */
        return cli_usage_error(cmd, "%s", "--replication K runs replication K alone: give it or -r R, not both");
    return 0;
}

/* How messages name the scenario of run and validate. */
static const char *scenario_name(const run_options *o)
{
    return o->scenario ? o->scenario : "<embedded paris-baseline>";
}

static int load(const run_options *o, scenario_result *res)
{
    const char *name = scenario_name(o);
    diag *d = diag_new(name);
    if (d == NULL) {
        fprintf(stderr, "parcours: out of memory\n");
        return CLI_FAILURE;
    }
    int rc = o->scenario ? scenario_load_file(o->scenario, o->sets, o->n_sets, d, res)
                         : scenario_load_text(scenario_embedded_baseline, o->sets, o->n_sets, d, res);
    if (rc == 0 && o->census) {
        diag *dc = diag_new(o->census);
        if (dc == NULL || census_load(o->census, res->spec, dc) != 0) {
            if (dc)
                diag_print(dc, stderr);
            fprintf(stderr, "%s: nothing was run or written.\n", o->census);
            scenario_result_fini(res);
            diag_free(dc);
            diag_free(d);
            return CLI_BAD_INPUT;
        }
        diag_free(dc);
    }
    if (rc != 0) {
        diag_print(d, stderr);
        fprintf(stderr, "%s: %d problem%s; nothing was run or written.\n", name, diag_count(d),
                diag_count(d) == 1 ? "" : "s");
    }
    diag_free(d);
    return rc == 0 ? CLI_OK : CLI_BAD_INPUT;
}

typedef struct progress_state {
    int enabled;
    struct timespec start;
} progress_state;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void show_progress(void *ctx, long done, long total)
{
    progress_state *p = ctx;
    if (!p->enabled)
        return;
    double el = seconds_since(&p->start);
    double rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r%ld/%ld replications, %.1f/s, ETA %.0fs   ", done, total, rate, eta);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* SIGINT/SIGTERM during `run`: before the outputs are written nothing
 * exists yet, so stop at once and say so; while they are being written,
 * finish them (each file is complete or absent) and stop afterwards. */
static volatile sig_atomic_t writing_outputs, interrupted;

static void on_stop_signal(int sig)
{
    static const char msg[] = "\nparcours run: interrupted before writing anything; no output was written\n";
    if (writing_outputs) {
        interrupted = sig;
        return;
    }
    ssize_t rc = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)rc;
    _exit(128 + sig);
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int cmd_run(int argc, char **argv)
{
    run_options o;
    int rc = parse_options("run", argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    scenario_result res;
    rc = load(&o, &res);
    if (rc != CLI_OK)
        return rc;
    const model_spec *spec = res.spec;
    uint64_t seed = o.has_seed ? o.seed : spec->seed;
    long first = o.has_rep ? o.rep : 0;
    long reps = o.has_rep ? 1 : o.has_reps ? o.reps : spec->replications;
    char outdir[1024];
    if (o.out)
        snprintf(outdir, sizeof outdir, "%s", o.out);
    else
        snprintf(outdir, sizeof outdir, "out/%s", spec->name);
    if (atomic_dir_usable(outdir) != 0) {
        fprintf(stderr, "parcours run: cannot write into the output directory %s: %s; nothing was run\n", outdir,
                strerror(errno));
        scenario_result_fini(&res);
        return CLI_FAILURE;
    }
    progress_state ps = {!o.quiet && isatty(STDERR_FILENO), {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &ps.start);
    catch_stop_signals();
    char err[512] = "";
    int threads = o.threads ? o.threads : experiment_default_threads();
    experiment *x = experiment_run(spec, seed, first, reps, threads, show_progress, &ps, err, sizeof err);
    if (x == NULL) {
        fprintf(stderr, "parcours run: %s\n", err);
        scenario_result_fini(&res);
        return CLI_FAILURE;
    }
    char *command = provenance_command("run", argc, argv);
    provenance prov = {PARCOURS_VERSION, command ? command : "parcours run", res.hash, seed, first};
    rc = CLI_OK;
    writing_outputs = 1;
    int written = output_write(outdir, spec, x, &prov, err, sizeof err) == 0;
    writing_outputs = 0;
    if (interrupted && written) {
        fprintf(stderr, "parcours run: interrupted while writing; every file in %s was completed first\n", outdir);
        rc = 128 + interrupted;
    } else if (!written) {
        fprintf(stderr, "parcours run: %s\n", err);
        rc = CLI_FAILURE;
    } else if (!o.quiet) {
        printf("%s: %ld replication%s, seed %llu, %.0f events\n", spec->name, reps, reps == 1 ? "" : "s",
               (unsigned long long)seed, experiment_events(x));
        output_print_table(stdout, spec, x);
        printf("\nwritten: %s/ (summary.json, occupancy.csv, waiting.csv, capacity.csv, census.csv, blocked.csv, public_space_by_hour.csv)\n", outdir);
        char charts[512];
        int n = plot_charts_in(outdir, charts, sizeof charts);
        if (n > 0)
            printf("note: %s %s drawn from an earlier run (parcours plot %s redraws %s)\n", charts,
                   n == 1 ? "was" : "were", outdir, n == 1 ? "it" : "them");
    }
    free(command);
    experiment_free(x);
    scenario_result_fini(&res);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    run_options o;
    int rc = parse_options("validate", argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    scenario_result res;
    rc = load(&o, &res);
    if (rc == CLI_OK) {
        const model_spec *sp = res.spec;
        int windows = sp->n_windows - 1;   /* not "all" */
        printf("%s: valid (%d stage%s, %d source%s, %d patrol%s, %d window%s)\n", scenario_name(&o),
               sp->n_stages, sp->n_stages == 1 ? "" : "s", sp->n_sources, sp->n_sources == 1 ? "" : "s",
               sp->n_patrols, sp->n_patrols == 1 ? "" : "s", windows, windows == 1 ? "" : "s");
        scenario_result_fini(&res);
    }
    return rc;
}

static int unknown_command(const char *cmd)
{
    fprintf(stderr, "parcours: unknown command \"%s\" (commands: run, validate, sweep, compare, plot, calibrate, "
                    "help; see parcours --help)\n", cmd);
    return CLI_BAD_INPUT;
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help, stderr);
        return CLI_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (is_help(cmd)) {
        fputs(main_help, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("parcours %s\n", PARCOURS_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        const char *what = argc > 2 ? argv[2] : "";
        char help_flag[] = "--help";
        char *help_argv[] = {help_flag, NULL};
        if (strcmp(what, "compare") == 0)
            return compare_main(1, help_argv);
        if (strcmp(what, "plot") == 0)
            return plot_main(1, help_argv);
        const char *text = strcmp(what, "run") == 0        ? run_help
                           : strcmp(what, "validate") == 0 ? validate_help
                           : strcmp(what, "sweep") == 0    ? sweep_help
                           : strcmp(what, "calibrate") == 0 ? calibrate_help
                           : *what == '\0' || strcmp(what, "help") == 0 ? main_help
                                                                       : NULL;
        if (text == NULL)
            return unknown_command(what);
        fputs(text, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return sweep_main(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0)
        return compare_main(argc - 2, argv + 2);
    if (strcmp(cmd, "plot") == 0)
        return plot_main(argc - 2, argv + 2);
    if (strcmp(cmd, "calibrate") == 0)
        return calibrate_main(argc - 2, argv + 2);
    return unknown_command(cmd);
}
