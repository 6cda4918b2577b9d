/* output.c -- summary.json (cJSON) and tidy CSV files, one row per
 * observation, ready for gnuplot, R or pandas. CSV numbers are printed with
 * %.10g: enough digits for any plot, and identical bytes for identical runs;
 * summary.json's as cJSON prints them (numtext.h writes both, faster). */
#include "app/output.h"

#include "app/atomic.h"
#include "app/csv.h"
#include "app/numtext.h"
#include "sim/date.h"
#include "sim/record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What every writer needs; `cells` ends each CSV row (provenance.h). */
typedef struct out_ctx {
    const model_spec *spec;
    const experiment *x;
    const provenance *prov;
    const char *cells;
    size_t cells_len;
} out_ctx;

typedef int (*writer)(FILE *f, const out_ctx *c);

static void end_header(FILE *f)
{
    provenance_csv_header(f, 1);
    fputc('\n', f);
}

/* CSV rows are assembled here and written a block at a time: the daily
 * files have tens of thousands of rows, and every stdio call measures its
 * string and, once the replications' threads have run, locks the stream.
 * A piece longer than the block (a very long command in the provenance
 * cells) goes out on its own, with the same bytes. */
enum { ROWS_SIZE = 1 << 16 };
typedef struct rows {
    FILE *f;
    size_t n;
    char text[ROWS_SIZE];
} rows;

/* Not an initializer: that would clear the whole block first. */
static void rows_start(rows *r, FILE *f)
{
    r->f = f;
    r->n = 0;
}

static void rows_flush(rows *r)
{
    fwrite(r->text, 1, r->n, r->f);
    r->n = 0;
}

static void row_add(rows *r, const char *s, size_t n)
{
    if (n > ROWS_SIZE - r->n) {
        rows_flush(r);
        if (n > ROWS_SIZE) {
            fwrite(s, 1, n, r->f);
            return;
        }
    }
    memcpy(r->text + r->n, s, n);
    r->n += n;
}

/* s and a comma. */
static void row_cell(rows *r, const char *s)
{
    row_add(r, s, strlen(s));
    row_add(r, ",", 1);
}

static void row_number(rows *r, double v)
{
    char buf[CSV_NUMBER_SIZE];
    const char *text = csv_number_text(v, buf);
    row_add(r, text, strlen(text));
}

/* The provenance cells and the line break. */
static void row_end(rows *r, const out_ctx *c)
{
    row_add(r, c->cells, c->cells_len);
    row_add(r, "\n", 1);
}

/* mean,ci95_low,ci95_high and the end of the row. With one replication
 * the interval collapses onto the mean, so a bound with the mean's exact
 * bits reuses its text instead of formatting it again. */
static void end_estimate_row(rows *r, const out_ctx *c, double mean, double lo, double hi)
{
    char m[CSV_NUMBER_SIZE];
    const char *mean_text = csv_number_text(mean, m);
    size_t mean_len = strlen(mean_text);
    row_add(r, mean_text, mean_len);
    row_add(r, ",", 1);
    if (memcmp(&lo, &mean, sizeof mean) == 0)
        row_add(r, mean_text, mean_len);
    else
        row_number(r, lo);
    row_add(r, ",", 1);
    if (memcmp(&hi, &mean, sizeof mean) == 0)
        row_add(r, mean_text, mean_len);
    else
        row_number(r, hi);
    row_end(r, c);
}

/* summary.json is built as a cJSON tree. An allocation that fails leaves a
 * hole in the tree, so every addition goes through these, which note the
 * failure: a summary with a missing part is never written (out of memory
 * is an error, not a smaller file). */
typedef struct builder {
    int failed;
} builder;

static cJSON *add_object(builder *b, cJSON *parent, const char *key)
{
    cJSON *o = parent ? cJSON_AddObjectToObject(parent, key) : NULL;
    b->failed |= o == NULL;
    return o;
}

/* The summary holds tens of thousands of numbers: each is added as its
 * text, the bytes cJSON_Print would write for it, because cJSON prints a
 * number with two sprintf calls and an sscanf. */
static void add_number(builder *b, cJSON *o, const char *key, double v)
{
    char text[NUMTEXT_SIZE];
    numtext_json(v, text);
    b->failed |= o == NULL || cJSON_AddRawToObject(o, key, text) == NULL;
}

static void add_string(builder *b, cJSON *o, const char *key, const char *v)
{
    b->failed |= o == NULL || cJSON_AddStringToObject(o, key, v) == NULL;
}

static void add_bool(builder *b, cJSON *o, const char *key, int v)
{
    b->failed |= o == NULL || cJSON_AddBoolToObject(o, key, v) == NULL;
}

/* Adds item under key; an item that cannot be added is freed. */
static void add_item(builder *b, cJSON *parent, const char *key, cJSON *item)
{
    if (item == NULL || parent == NULL || !cJSON_AddItemToObject(parent, key, item)) {
        cJSON_Delete(item);
        b->failed = 1;
    }
}

static cJSON *summary_object(builder *b, const sim_summary *s)
{
    cJSON *o = cJSON_CreateObject();
    add_number(b, o, "mean", s->mean);
    add_number(b, o, "ci95_low", s->ci95_low);
    add_number(b, o, "ci95_high", s->ci95_high);
    add_number(b, o, "sd", s->sd);
    add_number(b, o, "p5", s->p5);
    add_number(b, o, "p50", s->p50);
    add_number(b, o, "p95", s->p95);
    add_number(b, o, "n", (double)s->n);
    return o;
}

static void add_date(builder *b, cJSON *o, const char *key, const model_spec *spec, double t)
{
    char buf[11];
    sim_date_format(spec->start_day + (long)floor(t), buf);
    add_string(b, o, key, buf);
}

static int write_summary(FILE *f, const out_ctx *c)
{
    const model_spec *spec = c->spec;
    const experiment *x = c->x;
    const provenance *prov = c->prov;
    builder b = {0};
    cJSON *root = cJSON_CreateObject();
    b.failed |= root == NULL;
    cJSON *p = add_object(&b, root, "provenance");
    char hash[PROVENANCE_HASH_TEXT];
    provenance_hash_text(prov->scenario_hash, hash);
    add_string(&b, p, "parcours_version", prov->version);
    add_string(&b, p, "command", prov->command);
    add_string(&b, p, "scenario", spec->name);
    add_string(&b, p, "scenario_hash", hash);
    char seed[PROVENANCE_SEED_TEXT];
    provenance_seed_text(prov->seed, seed);
    b.failed |= p == NULL || cJSON_AddRawToObject(p, "seed", seed) == NULL;
    add_number(&b, p, "replications", (double)experiment_replications(x));
    add_number(&b, p, "first_replication", (double)prov->first_replication);
    add_number(&b, p, "events", experiment_events(x));
    add_date(&b, p, "start", spec, 0);
    add_date(&b, p, "end", spec, spec->horizon - 1);
    /* Checked at every event of every replication; a violation stops the
     * run, so a written summary means they all held. */
    cJSON *inv = add_object(&b, root, "invariants");
    add_bool(&b, inv, "conservation", 1);
    add_bool(&b, inv, "occupancy_within_capacity", 1);
    add_bool(&b, inv, "event_times_monotone", 1);
    add_bool(&b, inv, "no_deadlock", 1);
    double worst = 0;
    for (int s = 0; s < spec->n_stages; s++) {
        double g = experiment_metric(x, 0, s, SIM_METRIC_LITTLE_GAP)->mean;
        if (!isnan(g) && g > worst)
            worst = g;
    }
    add_number(&b, inv, "little_law_max_gap", worst);
    cJSON *windows = add_object(&b, root, "windows");
    for (int w = 0; w < spec->n_windows && !b.failed; w++) {
        cJSON *wo = add_object(&b, windows, spec->window_ids[w]);
        add_date(&b, wo, "from", spec, spec->windows[w].from);
        add_date(&b, wo, "to", spec, spec->windows[w].to - 1);
        cJSON *stages = add_object(&b, wo, "stages");
        cJSON *blocked = cJSON_CreateObject();
        for (int s = 0; s < spec->n_stages && !b.failed; s++) {
            cJSON *so = add_object(&b, stages, spec->stages[s].id);
            for (int m = 0; m < SIM_METRIC_COUNT; m++)
                add_item(&b, so, sim_metric_name((sim_metric)m), summary_object(&b, experiment_metric(x, w, s, m)));
            cJSON *bo = NULL;
            for (int a = 0; a < spec->n_stages; a++) {
                double mean, half;
                experiment_blocked(x, w, s, a, &mean, &half);
                if (mean == 0 && half == 0)
                    continue;
                if (bo == NULL)
                    bo = add_object(&b, blocked, spec->stages[s].id);
                cJSON *ao = add_object(&b, bo, spec->stages[a].id);
                add_number(&b, ao, "mean", mean);
                add_number(&b, ao, "ci95_low", mean - half);
                add_number(&b, ao, "ci95_high", mean + half);
            }
        }
        add_item(&b, wo, "blocked_place_days", blocked);
        cJSON *costs = add_object(&b, wo, "costs");
        add_item(&b, costs, "total_eur", summary_object(&b, experiment_cost(x, w, EXPERIMENT_COST_TOTAL)));
        add_item(&b, costs, "per_person_sheltered_eur",
                 summary_object(&b, experiment_cost(x, w, EXPERIMENT_COST_PER_PERSON)));
    }
    char *text = b.failed ? NULL : cJSON_Print(root);
    cJSON_Delete(root);
    if (text == NULL) {
        errno = ENOMEM;
        return -1;
    }
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return 0;
}

static int write_daily(FILE *f, const out_ctx *c, int waitlist)
{
    const model_spec *spec = c->spec;
    char date[11];
    rows r;
    rows_start(&r, f);
    fputs("date,stage,mean,ci95_low,ci95_high", f);
    end_header(f);
    int days = spec->daily ? (int)spec->horizon : 0;
    for (int d = 0; d < days; d++) {
        sim_date_format(spec->start_day + d, date);
        for (int s = 0; s < spec->n_stages; s++) {
            if (spec->stages[s].kind == MODEL_EXIT)
                continue;
            double mean, lo, hi;
            experiment_daily(c->x, waitlist, d, s, &mean, &lo, &hi);
            row_cell(&r, date);
            row_cell(&r, spec->stages[s].id);
            end_estimate_row(&r, c, mean, lo, hi);
        }
    }
    rows_flush(&r);
    return 0;
}

static int write_occupancy(FILE *f, const out_ctx *c)
{
    return write_daily(f, c, 0);
}

static int write_waiting(FILE *f, const out_ctx *c)
{
    return write_daily(f, c, 1);
}

static int write_capacity(FILE *f, const out_ctx *c)
{
    const model_spec *spec = c->spec;
    char date[11];
    rows r;
    rows_start(&r, f);
    fputs("date,stage,capacity", f);
    end_header(f);
    int days = spec->daily ? (int)spec->horizon : 0;
    for (int d = 0; d < days; d++) {
        sim_date_format(spec->start_day + d, date);
        for (int s = 0; s < spec->n_stages; s++)
            if (spec->stages[s].capacity) {
                row_cell(&r, date);
                row_cell(&r, spec->stages[s].id);
                row_number(&r, sim_schedule_value(spec->stages[s].capacity, d + 0.5));
                row_end(&r, c);
            }
    }
    rows_flush(&r);
    return 0;
}

static int write_census(FILE *f, const out_ctx *c)
{
    const model_spec *spec = c->spec;
    char date[11];
    rows r;
    rows_start(&r, f);
    fputs("date,stage,count,p10,p25,p50,p75,p90,share_gt_30,share_gt_91,share_gt_182,share_gt_365,share_gt_730", f);
    end_header(f);
    for (int k = 0; k < spec->n_census; k++) {
        sim_date_format(spec->start_day + (long)spec->census[k] - 1, date);
        for (int s = 0; s < spec->n_stages; s++) {
            if (spec->stages[s].kind == MODEL_EXIT)
                continue;
            row_cell(&r, date);
            row_add(&r, spec->stages[s].id, strlen(spec->stages[s].id));
            for (int i = 0; i < SIM_CENSUS_FIELDS; i++) {
                row_add(&r, ",", 1);
                row_number(&r, experiment_census(c->x, k, s, i));
            }
            row_end(&r, c);
        }
    }
    rows_flush(&r);
    return 0;
}

static int write_blocked(FILE *f, const out_ctx *c)
{
    const model_spec *spec = c->spec;
    rows r;
    rows_start(&r, f);
    fputs("window,stage,awaited,place_days,ci95_low,ci95_high", f);
    end_header(f);
    for (int w = 0; w < spec->n_windows; w++)
        for (int s = 0; s < spec->n_stages; s++)
            for (int a = 0; a < spec->n_stages; a++) {
                double mean, half;
                experiment_blocked(c->x, w, s, a, &mean, &half);
                if (mean == 0 && half == 0)
                    continue;
                row_cell(&r, spec->window_ids[w]);
                row_cell(&r, spec->stages[s].id);
                row_cell(&r, spec->stages[a].id);
                end_estimate_row(&r, c, mean, mean - half, mean + half);
            }
    rows_flush(&r);
    return 0;
}

static int write_public(FILE *f, const out_ctx *c)
{
    const model_spec *spec = c->spec;
    rows r;
    rows_start(&r, f);
    fputs("window,hour,mean,ci95_low,ci95_high", f);
    end_header(f);
    for (int w = 0; w < spec->n_windows; w++)
        for (int h = 0; h < 24; h++) {
            double mean, lo, hi;
            experiment_public_by_hour(c->x, w, h, &mean, &lo, &hi);
            row_cell(&r, spec->window_ids[w]);
            row_number(&r, h);
            row_add(&r, ",", 1);
            end_estimate_row(&r, c, mean, lo, hi);
        }
    rows_flush(&r);
    return 0;
}

/* Writes one file under its temporary name and starts its disk write
 * (*out is then the file, to commit or abort). */
static int prepare_one(const char *dir, const char *name, writer fn, const out_ctx *c, atomic_file **out,
                       char *err, size_t errlen)
{
    *out = NULL;
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(path, len, "%s/%s", dir, name);
    atomic_file *af = atomic_open(path);
    if (af == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (fn(atomic_stream(af), c) != 0 || atomic_flush(af) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        atomic_abort(af);
        free(path);
        return -1;
    }
    free(path);
    *out = af;
    return 0;
}

int output_write(const char *dir, const model_spec *spec, const experiment *x,
                 const provenance *prov, char *err, size_t errlen)
{
    static const struct { const char *name; writer fn; int daily; } files[] = {
        {"occupancy.csv", write_occupancy, 1}, {"waiting.csv", write_waiting, 1},
        {"capacity.csv", write_capacity, 1}, {"census.csv", write_census, 0},
        {"blocked.csv", write_blocked, 0}, {"public_space_by_hour.csv", write_public, 0},
        {"summary.json", write_summary, 0},
    };
    enum { N_FILES = sizeof files / sizeof files[0] };
    atomic_file *af[N_FILES] = {NULL};
    if (atomic_mkdirs(dir) != 0) {
        snprintf(err, errlen, "cannot create the output directory %s: %s", dir, strerror(errno));
        return -1;
    }
    /* Every file is written and synced under a temporary name first, and
     * renamed into place only once all of them are complete: a failure (a
     * full disk, an I/O error, out of memory) leaves the previous outputs
     * as they were, never a mix of two runs. */
    char *cells = provenance_csv_cells(prov, experiment_replications(x), 1);
    if (cells == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    out_ctx c = {spec, x, prov, cells, strlen(cells)};
    int rc = 0;
    for (size_t i = 0; i < N_FILES && rc == 0; i++)
        if (!files[i].daily || spec->daily)
            rc = prepare_one(dir, files[i].name, files[i].fn, &c, &af[i], err, errlen);
    free(cells);
    if (rc != 0) {
        for (size_t i = 0; i < N_FILES; i++)
            atomic_abort(af[i]);
        return rc;
    }
    size_t bad = 0;
    if (atomic_commit_all(af, N_FILES, &bad) != 0) {
        snprintf(err, errlen, "cannot write %s/%s: %s", dir, files[bad].name, strerror(errno));
        rc = -1;
    }
    return rc;
}

static void cell(FILE *out, const sim_summary *s, double scale, int width)
{
    char buf[64];
    if (isnan(s->mean))
        snprintf(buf, sizeof buf, "-");
    else if (s->ci95_high - s->ci95_low > 0)
        snprintf(buf, sizeof buf, "%.*f ±%.*f", scale < 1 ? 2 : 0, s->mean * scale, scale < 1 ? 2 : 0,
                 (s->ci95_high - s->ci95_low) / 2 * scale);
    else
        snprintf(buf, sizeof buf, "%.*f", scale < 1 ? 2 : 0, s->mean * scale);
    fprintf(out, " %*s", width, buf);
}

void output_print_table(FILE *out, const model_spec *spec, const experiment *x)
{
    for (int w = 0; w < spec->n_windows; w++) {
        char from[11], to[11];
        sim_date_format(spec->start_day + (long)spec->windows[w].from, from);
        sim_date_format(spec->start_day + (long)spec->windows[w].to - 1, to);
        long reps = experiment_replications(x);
        fprintf(out, "\nwindow %s (%s to %s), %ld replication%s, mean ±95%% CI half-width\n",
                spec->window_ids[w], from, to, reps, reps == 1 ? "" : "s");
        fprintf(out, "%-16s %14s %12s %12s %12s %14s %14s\n", "stage", "occupancy", "admissions", "exits",
                "positive", "stay (years)", "to downstr (y)");
        for (int s = 0; s < spec->n_stages; s++) {
            if (spec->stages[s].kind == MODEL_EXIT)
                continue;
            fprintf(out, "%-16.16s", spec->stages[s].id);
            cell(out, experiment_metric(x, w, s, SIM_METRIC_OCCUPANCY_MEAN), 1, 14);
            cell(out, experiment_metric(x, w, s, SIM_METRIC_ADMISSIONS), 1, 12);
            cell(out, experiment_metric(x, w, s, SIM_METRIC_EXITS), 1, 12);
            cell(out, experiment_metric(x, w, s, SIM_METRIC_POSITIVE_SHARE), 0.999999, 12);
            cell(out, experiment_metric(x, w, s, SIM_METRIC_STAY_LITTLE_DAYS), 1 / 365.25, 14);
            cell(out, experiment_metric(x, w, s, SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS), 1 / 365.25, 14);
            fputc('\n', out);
        }
    }
}
