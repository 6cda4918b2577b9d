/* compare.c -- `parcours compare`: scenarios on common random numbers.
 *
 * Every scenario runs replications 0..R-1 of the same seed. Replication k
 * of each scenario draws from the same streams, so a difference is
 * estimated replication by replication (paired) and its interval is a
 * Student-t interval over the R differences. The per-replication values
 * come from experiment_values(); every experiment is kept until the end
 * (memory: scenarios x replications x windows x stages x metrics doubles,
 * plus each scenario's daily tallies -- a few MB per scenario for Paris).
 *
 * Nothing is written unless every scenario loaded; then each scenario's
 * usual files, compare.csv, compare_occupancy.csv, the overlaid plots (when
 * gnuplot is installed) and report.html. */
#include "app/compare.h"

#include "app/atomic.h"
#include "app/cli.h"
#include "app/csv.h"
#include "app/diag.h"
#include "app/namelist.h"
#include "app/output.h"
#include "app/plot.h"
#include "app/provenance.h"
#include "app/scenario.h"
#include "sim/date.h"
#include "sim/record.h"
#include "sim/stats.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define COMPARE_MAX 64   /* scenarios in one comparison */

static const char *const compare_help =
    "usage: parcours compare A.json B.json [C.json ...] [OPTIONS]\n"
    "\n"
    "Runs every scenario with the same seed and the same replications (common\n"
    "random numbers: replication k of each scenario draws the same random\n"
    "numbers wherever the scenarios agree) and compares each with the FIRST one.\n"
    "A difference is computed replication by replication, then averaged with a\n"
    "95% Student-t interval over the pairs: much narrower than comparing two\n"
    "independent runs, so fewer replications tell policies apart.\n"
    "\n"
    "Writes into the output directory:\n"
    "  <scenario>/             each scenario's usual files (as parcours run)\n"
    "  compare.csv             window,stage,metric,scenario,mean,ci95_low,ci95_high,\n"
    "                          diff_mean,diff_ci95_low,diff_ci95_high\n"
    "                          (diff: scenario - first, paired; windows and stages\n"
    "                          are matched by id; costs under stage \"all\"),\n"
    "                          each row ending with the provenance columns\n"
    "  compare_occupancy.csv   date,stage,scenario,mean,ci95_low,ci95_high for\n"
    "                          street, assore and every stage whose occupancy differs\n"
    "  compare_occupancy_<stage>.png   those series overlaid (needs gnuplot;\n"
    "                          drawn by scripts/plot/compare.gp)\n"
    "  report.html             one self-contained page: the scenarios, a table per\n"
    "                          planner question (mean [95% CI], difference [95% CI]),\n"
    "                          the plots; opens offline, no JavaScript. A model\n"
    "                          other than Paris gets each stage's occupancy and wait\n"
    "                          (also in the table printed at the end)\n"
    "\n"
    "options:\n"
    "  -o, --out DIR          output directory (default: out/compare/)\n"
    "  -s, --seed N           random seed (default: the first scenario's)\n"
    "  -r, --replications R   replications of each scenario (default: the first\n"
    "                         scenario's)\n"
    "  -j, --threads T        replications in parallel (default: all cores); the\n"
    "                         results are identical whatever T\n"
    "  -q, --quiet            no progress line and no table\n"
    "  -h, --help             this help\n"
    "\n"
    "example:\n"
    "  parcours compare scenarios/paris-baseline.json scenarios/policy/lhss-lam-50.json \\\n"
    "      scenarios/policy/all-downstream.json --out out/downstream\n"
    "\n"
    "exit status: 0 success; 1 a run or a write failed; 2 bad input (every problem\n"
    "of every scenario is listed and nothing is run or written).\n";

const int compare_metrics[] = {
    SIM_METRIC_OCCUPANCY_MEAN,   SIM_METRIC_ADMISSIONS,       SIM_METRIC_EXITS,
    SIM_METRIC_POSITIVE_SHARE,   SIM_METRIC_STAY_LITTLE_DAYS, SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS,
    SIM_METRIC_WAIT_MEAN_DAYS,   SIM_METRIC_WAITING_MEAN,     SIM_METRIC_BLOCKED_PLACE_DAYS,
};
const int compare_n_metrics = (int)(sizeof compare_metrics / sizeof compare_metrics[0]);

static const char *const cost_names[EXPERIMENT_COSTS] = {"cost_total_eur", "cost_per_person_sheltered_eur"};

/* ---- statistics ------------------------------------------------------- */

static void estimate_of(const double *v, size_t n, compare_estimate *out)
{
    /* Two passes (mean, then squared deviations): identical values give a
     * deviation of exactly 0, hence an interval of exactly [mean, mean]. */
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            sum += v[i];
            k++;
        }
    out->n = k;
    if (k == 0) {
        out->mean = out->ci95_low = out->ci95_high = NAN;
        return;
    }
    double mean = sum / (double)k, ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            ss += (v[i] - mean) * (v[i] - mean);
    double half = k > 1 ? sim_t975((double)k - 1) * sqrt(ss / (double)(k - 1) / (double)k) : 0.0;
    out->mean = mean;
    out->ci95_low = mean - half;
    out->ci95_high = mean + half;
}

void compare_paired(const double *a, const double *b, long n, compare_estimate *out)
{
    double *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
    if (d == NULL) {
        out->n = 0;
        out->mean = out->ci95_low = out->ci95_high = NAN;
        return;
    }
    for (long k = 0; k < n; k++)
        d[k] = isnan(a[k]) || isnan(b[k]) ? NAN : b[k] - a[k];
    estimate_of(d, (size_t)(n > 0 ? n : 0), out);
    free(d);
}

static void estimate_from_summary(const sim_summary *s, compare_estimate *out)
{
    out->n = s->n;
    out->mean = s->mean;
    out->ci95_low = s->ci95_low;
    out->ci95_high = s->ci95_high;
}

static void no_estimate(compare_estimate *e)
{
    e->n = 0;
    e->mean = e->ci95_low = e->ci95_high = NAN;
}

int compare_find_window(const model_spec *spec, const char *id)
{
    for (int w = 0; w < spec->n_windows; w++)
        if (strcmp(spec->window_ids[w], id) == 0)
            return w;
    return -1;
}

int compare_find_stage(const model_spec *spec, const char *id)
{
    for (int s = 0; s < spec->n_stages; s++)
        if (strcmp(spec->stages[s].id, id) == 0)
            return s;
    return -1;
}

int compare_has_costs(const model_spec *spec)
{
    for (int s = 0; s < spec->n_stages; s++)
        if (spec->stages[s].cost_per_day > 0)
            return 1;
    for (int p = 0; p < spec->n_patrols; p++)
        if (spec->patrols[p].cost_per_contact > 0)
            return 1;
    return 0;
}

/* Replications compared in a pair: both experiments hold the same count
 * when run by compare_main; a shorter one limits the pairs. */
static long pair_count(const experiment *a, const experiment *b)
{
    long na = experiment_replications(a), nb = experiment_replications(b);
    return na < nb ? na : nb;
}

int compare_metric(const compare_scenario *sc, int k, int w, int s, int metric, compare_estimate *est,
                   compare_estimate *diff)
{
    const model_spec *spec = sc[k].spec;
    estimate_from_summary(experiment_metric(sc[k].x, w, s, metric), est);
    int w0 = compare_find_window(sc[0].spec, spec->window_ids[w]);
    int s0 = compare_find_stage(sc[0].spec, spec->stages[s].id);
    if (w0 < 0 || s0 < 0) {
        no_estimate(diff);
        return -1;
    }
    compare_paired(experiment_values(sc[0].x, w0, s0, metric), experiment_values(sc[k].x, w, s, metric),
                   pair_count(sc[0].x, sc[k].x), diff);
    return 0;
}

int compare_cost(const compare_scenario *sc, int k, int w, int which, compare_estimate *est,
                 compare_estimate *diff)
{
    estimate_from_summary(experiment_cost(sc[k].x, w, which), est);
    int w0 = compare_find_window(sc[0].spec, sc[k].spec->window_ids[w]);
    if (w0 < 0) {
        no_estimate(diff);
        return -1;
    }
    compare_paired(experiment_cost_values(sc[0].x, w0, which), experiment_cost_values(sc[k].x, w, which),
                   pair_count(sc[0].x, sc[k].x), diff);
    return 0;
}

/* ---- compare.csv -------------------------------------------------------- */

/* The numbers of a row of compare.csv, then the scenario's provenance. */
static void put_estimates(FILE *f, const compare_estimate *est, const compare_estimate *diff,
                          const compare_scenario *sc)
{
    const double v[6] = {est->mean, est->ci95_low, est->ci95_high, diff->mean, diff->ci95_low, diff->ci95_high};
    for (int i = 0; i < 6; i++) {
        fputc(',', f);
        csv_number(f, v[i]);
    }
    fputs(sc->cells, f);
    fputc('\n', f);
}

/* The ids of every window (or stage) of every scenario, the reference's
 * first, each once. Returns the count, or -1 when out of memory. */
static int union_ids(const compare_scenario *sc, int n, int stages, const char ***out)
{
    int total = 0;
    for (int k = 0; k < n; k++)
        total += stages ? sc[k].spec->n_stages : sc[k].spec->n_windows;
    const char **ids = malloc((size_t)(total + 1) * sizeof *ids);
    if (ids == NULL)
        return -1;
    int m = 0;
    for (int k = 0; k < n; k++) {
        int count = stages ? sc[k].spec->n_stages : sc[k].spec->n_windows;
        for (int i = 0; i < count; i++) {
            const char *id = stages ? sc[k].spec->stages[i].id : sc[k].spec->window_ids[i];
            int seen = 0;
            for (int j = 0; j < m && !seen; j++)
                seen = strcmp(ids[j], id) == 0;
            if (!seen)
                ids[m++] = id;
        }
    }
    *out = ids;
    return m;
}

int compare_write_csv(FILE *f, const compare_scenario *sc, int n)
{
    const char **wins = NULL, **stages = NULL;
    int nw = union_ids(sc, n, 0, &wins), ns = union_ids(sc, n, 1, &stages);
    if (nw < 0 || ns < 0) {
        free(wins);
        free(stages);
        errno = ENOMEM;
        return -1;
    }
    fputs("window,stage,metric,scenario,mean,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high", f);
    provenance_csv_header(f, 1);
    fputc('\n', f);
    compare_estimate est, diff;
    for (int iw = 0; iw < nw; iw++) {
        for (int is = 0; is < ns; is++)
            for (int im = 0; im < compare_n_metrics; im++)
                for (int k = 0; k < n; k++) {
                    int w = compare_find_window(sc[k].spec, wins[iw]);
                    int s = compare_find_stage(sc[k].spec, stages[is]);
                    if (w < 0 || s < 0)
                        continue;
                    /* an exit stage only counts arrivals */
                    if (sc[k].spec->stages[s].kind == MODEL_EXIT && compare_metrics[im] != SIM_METRIC_ADMISSIONS)
                        continue;
                    compare_metric(sc, k, w, s, compare_metrics[im], &est, &diff);
                    fprintf(f, "%s,%s,%s,%s", wins[iw], stages[is], sim_metric_name((sim_metric)compare_metrics[im]),
                            sc[k].label);
                    put_estimates(f, &est, &diff, &sc[k]);
                }
        for (int c = 0; c < EXPERIMENT_COSTS; c++)
            for (int k = 0; k < n; k++) {
                int w = compare_find_window(sc[k].spec, wins[iw]);
                if (w < 0)
                    continue;
                compare_cost(sc, k, w, c, &est, &diff);
                fprintf(f, "%s,all,%s,%s", wins[iw], cost_names[c], sc[k].label);
                put_estimates(f, &est, &diff, &sc[k]);
            }
    }
    free(wins);
    free(stages);
    return ferror(f) ? -1 : 0;
}

/* ---- overlaid occupancy ------------------------------------------------- */

static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

/* Appends a word; returns -1 if it does not fit. */
static int add_word(char *buf, size_t len, const char *word)
{
    size_t used = strlen(buf);
    int w = snprintf(buf + used, len - used, "%s%s", used ? " " : "", word);
    if (w < 0 || (size_t)w >= len - used) {
        buf[used] = '\0';
        return -1;
    }
    return 0;
}

/* Does stage id of scenario k differ from the reference's daily occupancy? */
static int occupancy_differs(const compare_scenario *sc, int k, const char *id)
{
    const model_spec *a = sc[0].spec, *b = sc[k].spec;
    int sb = compare_find_stage(b, id);
    if (sb < 0 || b->stages[sb].kind == MODEL_EXIT || !b->daily)
        return 0;
    int sa = compare_find_stage(a, id);
    if (sa < 0 || !a->daily)
        return 1;
    double peak = 0, worst = 0, mean, lo, hi;
    for (int d = 0; d < (int)a->horizon; d++) {
        experiment_daily(sc[0].x, 0, d, sa, &mean, &lo, &hi);
        if (mean > peak)
            peak = mean;
    }
    long shift = b->start_day - a->start_day;   /* reference day of b's day 0 */
    for (int d = 0; d < (int)b->horizon; d++) {
        long d0 = d + shift;
        if (d0 < 0 || d0 >= (long)a->horizon)
            continue;
        double ma, mb;
        experiment_daily(sc[0].x, 0, (int)d0, sa, &ma, &lo, &hi);
        experiment_daily(sc[k].x, 0, d, sb, &mb, &lo, &hi);
        if (fabs(mb - ma) > worst)
            worst = fabs(mb - ma);
    }
    return worst >= 1.0 && worst >= 0.02 * peak;
}

int compare_plot_stages(const compare_scenario *sc, int n, char *buf, size_t len)
{
    buf[0] = '\0';
    int count = 0;
    const char **stages = NULL;
    int ns = union_ids(sc, n, 1, &stages);
    static const char *const always[] = {"street", "assore"};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < n; k++) {
            int s = compare_find_stage(sc[k].spec, always[i]);
            if (s >= 0 && sc[k].spec->daily && sc[k].spec->stages[s].kind != MODEL_EXIT) {
                count += add_word(buf, len, always[i]) == 0;
                break;
            }
        }
    for (int is = 0; is < ns; is++) {
        if (has_word(buf, stages[is]))
            continue;
        for (int k = 1; k < n; k++)
            if (occupancy_differs(sc, k, stages[is])) {
                count += add_word(buf, len, stages[is]) == 0;
                break;
            }
    }
    free(stages);
    return count;
}

int compare_write_occupancy(FILE *f, const compare_scenario *sc, int n, const char *stages)
{
    fputs("date,stage,scenario,mean,ci95_low,ci95_high", f);
    provenance_csv_header(f, 1);
    fputc('\n', f);
    char date[11], id[128];
    for (const char *p = stages; *p;) {
        size_t len = strcspn(p, " ");
        snprintf(id, sizeof id, "%.*s", (int)len, p);
        p += len;
        while (*p == ' ')
            p++;
        for (int k = 0; k < n; k++) {
            const model_spec *spec = sc[k].spec;
            int s = compare_find_stage(spec, id);
            if (s < 0 || !spec->daily || spec->stages[s].kind == MODEL_EXIT)
                continue;
            for (int d = 0; d < (int)spec->horizon; d++) {
                double mean, lo, hi;
                experiment_daily(sc[k].x, 0, d, s, &mean, &lo, &hi);
                sim_date_format(spec->start_day + d, date);
                fprintf(f, "%s,%s,%s,", date, id, sc[k].label);
                csv_number(f, mean);
                fputc(',', f);
                csv_number(f, lo);
                fputc(',', f);
                csv_number(f, hi);
                fputs(sc[k].cells, f);
                fputc('\n', f);
            }
        }
    }
    return ferror(f) ? -1 : 0;
}

/* ---- the command -------------------------------------------------------- */

typedef struct compare_options {
    const char *files[COMPARE_MAX];
    int n_files;
    const char *out;
    int has_seed, has_reps, quiet, threads;
    uint64_t seed;
    long reps;
} compare_options;

/* Returns -1 after help, 0 when parsed, else an exit status. */
static int parse_compare_options(int argc, char **argv, compare_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        long v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(compare_help, stdout);
            return -1;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            if (next == NULL || !*next)
                return cli_usage_error("compare", "%s needs a directory", a);
            o->out = argv[++i];
        } else if (strcmp(a, "-s") == 0 || strcmp(a, "--seed") == 0) {
            int rc = cli_parse_seed("compare", a, next, &o->seed);
            if (rc != 0)
                return rc;
            o->has_seed = 1;
            i++;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--replications") == 0) {
            int rc = cli_parse_replications("compare", a, next, 2, &o->reps);
            if (rc != 0)
                return rc;
            o->has_reps = 1;
            i++;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0) {
            if (cli_parse_long(next, 1, 1024, &v) != 0)
                return cli_usage_error("compare", "%s needs a number of threads from 1 to 1024", a);
            o->threads = (int)v;
            i++;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("compare", "unknown option %s", a);
        } else if (o->n_files == COMPARE_MAX) {
            return cli_usage_error("compare", "too many scenarios (at most %s)", "64");
        } else {
            o->files[o->n_files++] = a;
        }
    }
    if (o->n_files < 2)
        return cli_usage_error("compare", "%s", "needs at least two scenario files (the first is the reference)");
    return 0;
}

/* A name made safe for paths, CSV cells and gnuplot words. */
static void make_label(compare_scenario *sc, int k)
{
    const char *name = sc[k].spec->name;
    char base[100];
    size_t j = 0;
    for (size_t i = 0; name[i] && j < sizeof base - 1; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || (c == '.' && j > 0);
        base[j++] = ok ? c : '_';
    }
    base[j] = '\0';
    if (j == 0)
        snprintf(base, sizeof base, "scenario");
    snprintf(sc[k].label, sizeof sc[k].label, "%s", base);
    for (int suffix = 2;; suffix++) {
        int taken = 0;
        for (int i = 0; i < k && !taken; i++)
            taken = strcmp(sc[i].label, sc[k].label) == 0;
        if (!taken)
            break;
        snprintf(sc[k].label, sizeof sc[k].label, "%s-%d", base, suffix);
    }
}

typedef struct compare_progress {
    int enabled, k, n;
    const char *label;
    struct timespec start;
} compare_progress;

static void show_compare_progress(void *ctx, long done, long total)
{
    compare_progress *p = ctx;
    if (!p->enabled)
        return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double el = (double)(t.tv_sec - p->start.tv_sec) + (double)(t.tv_nsec - p->start.tv_nsec) * 1e-9;
    fprintf(stderr, "\rscenario %d/%d %s: %ld/%ld replications, %.0fs   ", p->k + 1, p->n, p->label, done, total, el);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

typedef int (*compare_writer)(FILE *f, void *ctx);

static int write_atomic(const char *dir, const char *name, compare_writer fn, void *ctx, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    atomic_file *af = atomic_open(path);
    if (af == NULL) {
        snprintf(err, errlen, "cannot write %.400s: %s", path, strerror(errno));
        return -1;
    }
    if (fn(atomic_stream(af), ctx) != 0) {
        snprintf(err, errlen, "cannot write %.400s: %s", path, strerror(errno ? errno : EIO));
        atomic_abort(af);
        return -1;
    }
    if (atomic_commit(af) != 0) {
        snprintf(err, errlen, "cannot write %.400s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

typedef struct write_ctx {
    const compare_scenario *sc;
    int n;
    const char *stages;
    uint64_t seed;
    long reps;
    const char *command;
    const char *const *images;
    const char *const *captions;
    int n_images;
} write_ctx;

static int csv_writer(FILE *f, void *ctx)
{
    write_ctx *c = ctx;
    return compare_write_csv(f, c->sc, c->n);
}

static int occupancy_writer(FILE *f, void *ctx)
{
    write_ctx *c = ctx;
    return compare_write_occupancy(f, c->sc, c->n, c->stages);
}

static int report_writer(FILE *f, void *ctx)
{
    write_ctx *c = ctx;
    return report_write_html(f, c->sc, c->n, c->seed, c->reps, c->command, c->images, c->captions, c->n_images);
}

/* Draws compare_occupancy_<stage>.png for each stage with compare.gp.
 * Returns 0, or -1 (with a warning printed) if it could not. */
static int draw_plots(const char *outdir, const compare_scenario *sc, int n, const char *stages)
{
    char script[4096], vars[2 * 4096 + 128], names[4096] = "";
    if (!plot_have_program("gnuplot")) {
        fprintf(stderr, "parcours compare: gnuplot is not installed (apt-get install gnuplot-nox): "
                        "the report has no plots; compare_occupancy.csv holds their data.\n");
        return -1;
    }
    if (plot_script_path("compare.gp", script, sizeof script) != 0) {
        fprintf(stderr, "parcours compare: cannot find %s/plot/compare.gp (set PARCOURS_SCRIPTS): "
                        "the report has no plots.\n", plot_scripts_dir());
        return -1;
    }
    if (script[0] != '/') {   /* gnuplot runs inside outdir: make the path absolute */
        char cwd[2048], rel[4096];
        snprintf(rel, sizeof rel, "%s", script);
        if (getcwd(cwd, sizeof cwd) == NULL || snprintf(script, sizeof script, "%s/%s", cwd, rel) >= (int)sizeof script) {
            fprintf(stderr, "parcours compare: cannot locate %s: the report has no plots.\n", rel);
            return -1;
        }
    }
    for (int k = 0; k < n; k++)
        add_word(names, sizeof names, sc[k].label);
    /* labels and stage ids hold no quote (make_label; stage ids are words) */
    snprintf(vars, sizeof vars, "dir='.'; fmt='png'; stages='%s'; scenarios='%s'", stages, names);
    char *args[] = {"gnuplot", "-e", vars, script, NULL};
    int st = plot_spawn(outdir, args);
    if (st != 0) {
        fprintf(stderr, "parcours compare: %s failed (status %d): the report may lack plots.\n", script, st);
        return -1;
    }
    return 0;
}

/* v, with a value that prints as zero printed without a sign ("-0.00"). */
static double tidy(double v, int dec)
{
    return nearbyint(v * pow(10, dec)) == 0 ? 0.0 : v;   /* as printf rounds */
}

/* One row of the printed table: title, then each scenario's estimate of a
 * metric of the stage in window win and its difference to the reference. */
static void print_row(FILE *out, const compare_scenario *sc, int n, const char *win, const char *stage,
                      int metric, double f, int dec, const char *title)
{
    fprintf(out, "%s\n", title);
    for (int k = 0; k < n; k++) {
        int wk = compare_find_window(sc[k].spec, win), sk = compare_find_stage(sc[k].spec, stage);
        if (wk < 0 || sk < 0)
            continue;
        compare_estimate e, d;
        compare_metric(sc, k, wk, sk, metric, &e, &d);
        fprintf(out, "  %-28.28s %10.*f [%.*f, %.*f]", sc[k].label, dec, e.mean * f, dec, e.ci95_low * f, dec,
                e.ci95_high * f);
        if (k > 0 && d.n > 0)
            fprintf(out, "  diff %+.*f [%+.*f, %+.*f]", dec, tidy(d.mean * f, dec), dec,
                    tidy(d.ci95_low * f, dec), dec, tidy(d.ci95_high * f, dec));
        fputc('\n', out);
    }
}

/* The planners' figures for Paris; for another model, the occupancy and
 * the wait of each of its stages. */
static void print_table(FILE *out, const compare_scenario *sc, int n)
{
    const model_spec *ref = sc[0].spec;
    int w = ref->n_windows - 1;
    const char *win = ref->window_ids[w];
    static const struct { const char *stage; int metric; double scale; const char *title; } rows[] = {
        {"assore", SIM_METRIC_STAY_LITTLE_DAYS, 1 / 365.25, "ASSORE stay (years)"},
        {"assore", SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS, 1 / 365.25, "to downstream (years)"},
        {"assore", SIM_METRIC_ADMISSIONS, 1, "ASSORE admissions"},
        {"street", SIM_METRIC_OCCUPANCY_MEAN, 1, "street (mean people)"},
    };
    fprintf(out, "\nwindow %s, mean [95%% CI]; difference to %s, paired over replications\n", win, sc[0].label);
    int paris = 0;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (compare_find_stage(ref, rows[r].stage) < 0)
            continue;
        paris = 1;
        print_row(out, sc, n, win, rows[r].stage, rows[r].metric, rows[r].scale, rows[r].scale < 1 ? 2 : 0,
                  rows[r].title);
    }
    for (int s = 0; s < ref->n_stages && !paris; s++) {
        if (ref->stages[s].kind == MODEL_EXIT)
            continue;
        char title[160];
        snprintf(title, sizeof title, "%s occupancy (mean)", ref->stages[s].id);
        print_row(out, sc, n, win, ref->stages[s].id, SIM_METRIC_OCCUPANCY_MEAN, 1, 2, title);
        snprintf(title, sizeof title, "%s wait before admission (days)", ref->stages[s].id);
        print_row(out, sc, n, win, ref->stages[s].id, SIM_METRIC_WAIT_MEAN_DAYS, 1, 2, title);
    }
}

int compare_other_folders(const char *outdir, const char *const *labels, int n, char *names, size_t size)
{
    namelist list;
    namelist_init(&list, names, size);
    struct dirent **entries;
    int m = scandir(outdir, &entries, NULL, alphasort);   /* sorted: the same message each time */
    for (int i = 0; i < m; i++) {
        const char *name = entries[i]->d_name;
        int ours = name[0] == '.';
        for (int k = 0; k < n && !ours; k++)
            ours = strcmp(name, labels[k]) == 0;
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s/summary.json", outdir, name);
        if (!ours && len > 0 && (size_t)len < sizeof path && access(path, F_OK) == 0)
            namelist_add(&list, name, "/");
        free(entries[i]);
    }
    if (m >= 0)
        free(entries);
    return list.count;
}

int compare_main(int argc, char **argv)
{
    compare_options o;
    int rc = parse_compare_options(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;

    /* Load everything first: every problem of every scenario, then stop. */
    scenario_result res[COMPARE_MAX];
    compare_scenario sc[COMPARE_MAX];
    memset(res, 0, sizeof res);
    memset(sc, 0, sizeof sc);
    int problems = 0;
    for (int k = 0; k < o.n_files; k++) {
        diag *d = diag_new(o.files[k]);
        if (d == NULL) {
            fprintf(stderr, "parcours compare: out of memory\n");
            rc = CLI_FAILURE;
            goto end;
        }
        if (scenario_load_file(o.files[k], NULL, 0, d, &res[k]) != 0) {
            diag_print(d, stderr);
            problems += diag_count(d) > 0 ? diag_count(d) : 1;
        }
        diag_free(d);
    }
    if (problems) {
        fprintf(stderr, "parcours compare: %d problem%s; nothing was run or written.\n", problems,
                problems == 1 ? "" : "s");
        rc = CLI_BAD_INPUT;
        goto end;
    }
    for (int k = 0; k < o.n_files; k++) {
        sc[k].file = o.files[k];
        sc[k].spec = res[k].spec;
        make_label(sc, k);
    }
    uint64_t seed = o.has_seed ? o.seed : sc[0].spec->seed;
    long reps = o.has_reps ? o.reps : sc[0].spec->replications;
    if (reps < 2) {
        fprintf(stderr, "parcours compare: %s asks for %ld replication; a comparison needs at least 2 (use -r)\n",
                o.files[0], reps);
        rc = CLI_BAD_INPUT;
        goto end;
    }
    const char *outdir = o.out ? o.out : "out/compare";
    int threads = o.threads ? o.threads : experiment_default_threads();
    char err[512] = "";

    if (atomic_dir_usable(outdir) != 0) {
        fprintf(stderr, "parcours compare: cannot write into the output directory %s: %s; nothing was run\n",
                outdir, strerror(errno));
        rc = CLI_FAILURE;
        goto end;
    }
    /* Run: replications 0..reps-1 of the same seed for everyone. */
    for (int k = 0; k < o.n_files; k++) {
        compare_progress ps = {!o.quiet && isatty(STDERR_FILENO), k, o.n_files, sc[k].label, {0, 0}};
        clock_gettime(CLOCK_MONOTONIC, &ps.start);
        sc[k].x = experiment_run(sc[k].spec, seed, 0, reps, threads, show_compare_progress, &ps, err, sizeof err);
        if (sc[k].x == NULL) {
            fprintf(stderr, "parcours compare: %s: %s\n", sc[k].file, err);
            rc = CLI_FAILURE;
            goto end;
        }
    }

    /* Write. */
    char *command = provenance_command("compare", argc, argv);
    rc = CLI_OK;
    if (atomic_mkdirs(outdir) != 0) {
        fprintf(stderr, "parcours compare: cannot create the output directory %s: %s\n", outdir, strerror(errno));
        rc = CLI_FAILURE;
    }
    for (int k = 0; rc == CLI_OK && k < o.n_files; k++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%.3800s/%.127s", outdir, sc[k].label);
        provenance prov = {PARCOURS_VERSION, command ? command : "parcours compare", res[k].hash, seed, 0};
        sc[k].cells = provenance_csv_cells(&prov, reps, 1);
        if (sc[k].cells == NULL) {
            fprintf(stderr, "parcours compare: out of memory\n");
            rc = CLI_FAILURE;
        } else if (output_write(dir, sc[k].spec, sc[k].x, &prov, err, sizeof err) != 0) {
            fprintf(stderr, "parcours compare: %s\n", err);
            rc = CLI_FAILURE;
        }
    }
    char stages[4096];
    compare_plot_stages(sc, o.n_files, stages, sizeof stages);
    write_ctx wc = {sc, o.n_files, stages, seed, reps, command ? command : "parcours compare", NULL, NULL, 0};
    if (rc == CLI_OK && (write_atomic(outdir, "compare.csv", csv_writer, &wc, err, sizeof err) != 0 ||
                         write_atomic(outdir, "compare_occupancy.csv", occupancy_writer, &wc, err, sizeof err) != 0)) {
        fprintf(stderr, "parcours compare: %s\n", err);
        rc = CLI_FAILURE;
    }
    /* Plots, then the report with whatever plots exist. */
    char *images[64], *captions[64];
    int n_images = 0;
    if (rc == CLI_OK && stages[0] && draw_plots(outdir, sc, o.n_files, stages) == 0) {
        for (const char *p = stages; *p && n_images < 64;) {
            size_t len = strcspn(p, " ");
            char path[4096], caption[256];
            snprintf(path, sizeof path, "%s/compare_occupancy_%.*s.png", outdir, (int)len, p);
            snprintf(caption, sizeof caption, "Daily occupancy of %.*s: mean across replications and 95%% band, "
                     "one colour per scenario", (int)len, p);
            if (access(path, R_OK) == 0) {
                images[n_images] = strdup(path);
                captions[n_images] = strdup(caption);
                if (images[n_images] && captions[n_images])
                    n_images++;
            }
            p += len;
            while (*p == ' ')
                p++;
        }
    }
    wc.images = (const char *const *)images;
    wc.captions = (const char *const *)captions;
    wc.n_images = n_images;
    if (rc == CLI_OK && write_atomic(outdir, "report.html", report_writer, &wc, err, sizeof err) != 0) {
        fprintf(stderr, "parcours compare: %s\n", err);
        rc = CLI_FAILURE;
    }
    for (int i = 0; i < n_images; i++) {
        free(images[i]);
        free(captions[i]);
    }
    if (rc == CLI_OK && !o.quiet) {
        printf("%d scenarios, %ld replications each, seed %llu (common random numbers)\n", o.n_files, reps,
               (unsigned long long)seed);
        print_table(stdout, sc, o.n_files);
        printf("\nwritten: %s/ (compare.csv, compare_occupancy.csv, %d plot%s, report.html, one folder per scenario)\n",
               outdir, n_images, n_images == 1 ? "" : "s");
        const char *labels[COMPARE_MAX];
        for (int k = 0; k < o.n_files; k++)
            labels[k] = sc[k].label;
        char others[512];
        int n_others = compare_other_folders(outdir, labels, o.n_files, others, sizeof others);
        if (n_others > 0)
            printf("note: %s in %s/ %s from an earlier comparison, not this one\n", others, outdir,
                   n_others == 1 ? "is" : "are");
    }
    free(command);
end:
    for (int k = 0; k < o.n_files; k++) {
        experiment_free((experiment *)sc[k].x);
        free(sc[k].cells);
        scenario_result_fini(&res[k]);
    }
    return rc;
}
