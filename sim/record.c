/* record.c -- accumulators for one replication.
 *
 * Each level (occupancy, waiting list, blocked places) remembers its value
 * and the time of its last change; a change integrates the old value over
 * [last, t) into every window and day it overlaps. Cost per change:
 * O(windows + days crossed), and days crossed sum to the horizon, so the
 * daily series cost O(horizon) per level over a run.
 *
 * The span. Window bounds cut time into spans; every window contains all
 * of a span or none of it. Counts and integrals that fall within the
 * current span are summed once, in span_raw (and span_blocked, span_pub),
 * and those sums are added to each window containing the span when the
 * clock leaves it (flush_span) and at the end of the run. An event then
 * costs one addition whatever the number of windows. A sum crossing span
 * bounds (a level unchanged since an earlier span) goes straight to the
 * windows, split by overlap. */
#include "sim/record.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct level {
    double value, since;
    /* The day of `since`, [day_start, day_end), and its cell of the daily
     * series (NULL when it is outside the series); for a level without a
     * series, the whole line, so that every change falls within "the
     * day". A change within the day and the current span is then two
     * additions (level_change). */
    double day_start, day_end;
    double *day_cell;
    /* Where the level's sums go, fixed at sim_record_new: its cell of the
     * span's sums, its cell in window 0 (window w is window_stride
     * further on), and its column of the daily series (day d is n_stages
     * further on per day; NULL: no series). */
    double *span_cell, *window_cell, *daily;
    size_t window_stride;
} level;

struct sim_record {
    int n_stages, n_windows, n_days, n_census;
    sim_window *windows;
    double *raw;            /* [window][stage][SIM_RAW_COUNT] */
    double *blocked;        /* [window][stage][stage] place-days */
    double *span_raw;       /* [stage][SIM_RAW_COUNT]: the current span's sums */
    double *span_blocked;   /* [stage][stage] */
    double span_pub[24];
    level *occ, *wl;        /* [stage] */
    level *blk;             /* [stage][stage] */
    double *daily_occ;      /* [day][stage] */
    double *daily_wl;       /* [day][stage] */
    double *census;         /* [census][stage][SIM_CENSUS_FIELDS] */
    struct {
        double value, since;
    } pub;                  /* people in the public space */
    double *pub_hours;      /* [window][24] person-days */
    /* The hour sim_record_public last walked: its count k = floor(t * 24)
     * (NaN: none yet), its end (k + 1) / 24 and its hour of the day. Most
     * changes of the level fall in the hour of the one before, and a time
     * t with k <= t * 24 < k + 1 has exactly that hour count, so the
     * division and the remainder are done once per hour, not per change. */
    double pub_k, pub_end;
    int pub_h;
    /* The current span [span_lo, span_hi), between two consecutive window
     * bounds, and the windows that contain it. It follows the times of
     * sim_record_add (the clock); see span_fill and flush_span. */
    double span_lo, span_hi;
    int n_active;
    int *active;            /* [n_windows] windows containing the span */
};

static void level_init(level *lv, double *span_cell, double *window_cell, size_t window_stride,
                       double *daily)
{
    lv->span_cell = span_cell;
    lv->window_cell = window_cell;
    lv->window_stride = window_stride;
    lv->daily = daily;
}

static const char *metric_names[SIM_METRIC_COUNT] = {
    "occupancy_mean", "admissions", "exits", "exits_positive", "exits_negative",
    "positive_share", "stay_mean_days", "stay_little_days", "wait_mean_days",
    "time_to_downstream_days", "waiting_mean", "rejected", "reneged", "contacts",
    "blocked_place_days", "contact_cost", "little_law_gap",
};

const char *sim_metric_name(sim_metric m)
{
    return m < SIM_METRIC_COUNT ? metric_names[m] : "?";
}

sim_record *sim_record_new(int n_stages, int n_windows, const sim_window *windows,
                           int n_days, int n_census)
{
    sim_record *rec = calloc(1, sizeof *rec);
    if (rec == NULL)
        return NULL;
    size_t s = (size_t)n_stages, w = (size_t)n_windows;
    rec->n_stages = n_stages;
    rec->n_windows = n_windows;
    rec->n_days = n_days;
    rec->n_census = n_census;
    rec->windows = malloc(w * sizeof *rec->windows + 1);
    rec->raw = calloc(w * s * SIM_RAW_COUNT + 1, sizeof *rec->raw);
    rec->blocked = calloc(w * s * s + 1, sizeof *rec->blocked);
    rec->span_raw = calloc(s * SIM_RAW_COUNT + 1, sizeof *rec->span_raw);
    rec->span_blocked = calloc(s * s + 1, sizeof *rec->span_blocked);
    rec->occ = calloc(s + 1, sizeof *rec->occ);
    rec->wl = calloc(s + 1, sizeof *rec->wl);
    rec->blk = calloc(s * s + 1, sizeof *rec->blk);
    rec->daily_occ = calloc((size_t)n_days * s + 1, sizeof *rec->daily_occ);
    rec->daily_wl = calloc((size_t)n_days * s + 1, sizeof *rec->daily_wl);
    rec->census = calloc((size_t)n_census * s * SIM_CENSUS_FIELDS + 1, sizeof *rec->census);
    rec->pub_hours = calloc(w * 24 + 1, sizeof *rec->pub_hours);
    rec->active = calloc(w + 1, sizeof *rec->active);
    if (!rec->active || !rec->pub_hours || !rec->windows || !rec->raw || !rec->blocked ||
        !rec->span_raw || !rec->span_blocked || !rec->occ || !rec->wl || !rec->blk ||
        !rec->daily_occ || !rec->daily_wl || !rec->census) {
        sim_record_free(rec);
        return NULL;
    }
    if (n_windows > 0)
        memcpy(rec->windows, windows, w * sizeof *windows);
    size_t raw_stride = s * SIM_RAW_COUNT;
    for (size_t i = 0; i < s; i++) {
        level_init(&rec->occ[i], rec->span_raw + i * SIM_RAW_COUNT + SIM_RAW_OCCUPANCY_INT,
                   rec->raw + i * SIM_RAW_COUNT + SIM_RAW_OCCUPANCY_INT, raw_stride,
                   n_days > 0 ? rec->daily_occ + i : NULL);
        level_init(&rec->wl[i], rec->span_raw + i * SIM_RAW_COUNT + SIM_RAW_WAITLIST_INT,
                   rec->raw + i * SIM_RAW_COUNT + SIM_RAW_WAITLIST_INT, raw_stride,
                   n_days > 0 ? rec->daily_wl + i : NULL);
    }
    for (size_t i = 0; i < s * s; i++)
        level_init(&rec->blk[i], rec->span_blocked + i, rec->blocked + i, s * s, NULL);
    sim_record_reset(rec);
    return rec;
}

void sim_record_free(sim_record *rec)
{
    if (rec == NULL)
        return;
    free(rec->windows);
    free(rec->raw);
    free(rec->blocked);
    free(rec->span_raw);
    free(rec->span_blocked);
    free(rec->occ);
    free(rec->wl);
    free(rec->blk);
    free(rec->daily_occ);
    free(rec->daily_wl);
    free(rec->census);
    free(rec->pub_hours);
    free(rec->active);
    free(rec);
}

/* floor(x) without the library call for the usual positive times: for
 * 0 < x < 2^62 the conversion to an integer truncates, which is floor, and
 * the result converts back exactly (below 2^53 it is an integer a double
 * holds; above, x was already an integer). Zero, negatives, NaN and huge
 * values go to floor() itself, so the result is always floor(x), bit for
 * bit (including the sign of a zero). */
static double floor_fast(double x)
{
    if (x > 0 && x < 4611686018427387904.0)
        return (double)(int64_t)x;
    return floor(x);
}

static double overlap(const sim_window *w, double t0, double t1)
{
    double a = t0 > w->from ? t0 : w->from;
    double b = t1 < w->to ? t1 : w->to;
    return b > a ? b - a : 0.0;
}

/* Makes [span_lo, span_hi) the interval between the window bounds around t
 * (t not NaN) and lists the windows containing it. Every window contains
 * all of that interval or none of it, so for t0 < t1 both in it, a sum
 * over [t0, t1) belongs to exactly the listed windows, whole: overlap(w,
 * t0, t1) is t1 - t0 for a listed window (its from <= t0 and its to >= t1)
 * and 0 for any other. */
static void span_fill(sim_record *rec, double t)
{
    double lo = -INFINITY, hi = INFINITY;
    int n = 0;
    for (int w = 0; w < rec->n_windows; w++) {
        double from = rec->windows[w].from, to = rec->windows[w].to;
        if (t >= from && t < to)
            rec->active[n++] = w;
        if (from <= t) {
            if (from > lo)
                lo = from;
        } else if (from < hi) {
            hi = from;
        }
        if (to <= t) {
            if (to > lo)
                lo = to;
        } else if (to < hi) {
            hi = to;
        }
    }
    rec->n_active = n;
    rec->span_lo = lo;
    rec->span_hi = hi;
}

/* Adds the current span's sums to each window containing it, and empties
 * them. Adding a zero changes no accumulator (they never hold -0). */
static void flush_span(sim_record *rec)
{
    size_t s = (size_t)rec->n_stages;
    for (int i = 0; i < rec->n_active; i++) {
        size_t w = (size_t)rec->active[i];
        double *raw = rec->raw + w * s * SIM_RAW_COUNT;
        for (size_t k = 0; k < s * SIM_RAW_COUNT; k++)
            raw[k] += rec->span_raw[k];
        double *blocked = rec->blocked + w * s * s;
        for (size_t k = 0; k < s * s; k++)
            blocked[k] += rec->span_blocked[k];
        for (int h = 0; h < 24; h++)
            rec->pub_hours[w * 24 + (size_t)h] += rec->span_pub[h];
    }
    memset(rec->span_raw, 0, s * SIM_RAW_COUNT * sizeof *rec->span_raw);
    memset(rec->span_blocked, 0, s * s * sizeof *rec->span_blocked);
    memset(rec->span_pub, 0, sizeof rec->span_pub);
}

/* Makes the current span the one containing t; 0 if t is NaN (in no
 * window, and no span). Out of line: it runs a few times a run. */
static __attribute__((noinline)) int move_span(sim_record *rec, double t)
{
    if (isnan(t))
        return 0;
    flush_span(rec);
    span_fill(rec, t);
    return 1;
}

/* Is [t0, t1) (t0 < t1) within the current span? The span follows the
 * times of sim_record_add (the clock), so that the levels' integrals, whose
 * t0 may be any earlier time, do not make it jump back and forth. */
static int in_span(const sim_record *rec, double t0, double t1)
{
    return t0 >= rec->span_lo && t1 <= rec->span_hi;
}

static void level_reset(level *lv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lv[i].value = lv[i].since = 0;
        lv[i].day_cell = NULL;
        if (lv[i].daily != NULL)
            lv[i].day_start = lv[i].day_end = NAN;   /* no day yet: the first change finds it */
        else {
            lv[i].day_start = -INFINITY;
            lv[i].day_end = INFINITY;
        }
    }
}

void sim_record_reset(sim_record *rec)
{
    size_t s = (size_t)rec->n_stages, w = (size_t)rec->n_windows;
    memset(rec->raw, 0, w * s * SIM_RAW_COUNT * sizeof *rec->raw);
    memset(rec->blocked, 0, w * s * s * sizeof *rec->blocked);
    memset(rec->span_raw, 0, s * SIM_RAW_COUNT * sizeof *rec->span_raw);
    memset(rec->span_blocked, 0, s * s * sizeof *rec->span_blocked);
    memset(rec->span_pub, 0, sizeof rec->span_pub);
    level_reset(rec->occ, s);
    level_reset(rec->wl, s);
    level_reset(rec->blk, s * s);
    memset(rec->daily_occ, 0, (size_t)rec->n_days * s * sizeof *rec->daily_occ);
    memset(rec->daily_wl, 0, (size_t)rec->n_days * s * sizeof *rec->daily_wl);
    memset(rec->census, 0, (size_t)rec->n_census * s * SIM_CENSUS_FIELDS * sizeof *rec->census);
    memset(rec->pub_hours, 0, w * 24 * sizeof *rec->pub_hours);
    rec->pub.value = rec->pub.since = 0;
    rec->pub_k = NAN;
    rec->span_lo = rec->span_hi = 0;   /* empty: filled on first use */
    rec->n_active = 0;
}

/* The hour of the day of an hour count, floor(a * 24), from time 0. An
 * integer remainder for the usual non-negative counts (exact: they are
 * integers below 2^53); otherwise the floating-point formula, which gives
 * the same hour for those. */
static int hour_of_day(double hour_index)
{
    if (hour_index >= 0 && hour_index < 9007199254740992.0)
        return (int)((int64_t)hour_index % 24);
    return (int)(hour_index - floor(hour_index / 24.0) * 24.0);
}

void sim_record_public(sim_record *rec, double t, double value)
{
    double t0 = rec->pub.since, v = rec->pub.value;
    rec->pub.value = value;
    rec->pub.since = t;
    if (v == 0 || t <= t0)
        return;
    /* The usual change: within the hour of the last one, and the span. It
     * is the first (and last) turn of the walk below. */
    double x0 = t0 * 24.0;
    if (x0 >= rec->pub_k && x0 < rec->pub_k + 1 && t <= rec->pub_end && in_span(rec, t0, t)) {
        rec->span_pub[rec->pub_h] += v * (t - t0);
        return;
    }
    /* Walk the hours between t0 and t: O(hours crossed). */
    double a = t0;
    while (a < t) {
        double x = a * 24.0;
        if (!(x >= rec->pub_k && x < rec->pub_k + 1)) {
            double hour_index = floor_fast(x);
            rec->pub_k = hour_index;
            rec->pub_end = (hour_index + 1) / 24.0;
            rec->pub_h = hour_of_day(hour_index);
        }
        double b = rec->pub_end;
        if (b > t)
            b = t;
        int h = rec->pub_h;
        if (b > a && in_span(rec, a, b)) {
            rec->span_pub[h] += v * (b - a);
        } else {
            for (int w = 0; w < rec->n_windows; w++)
                rec->pub_hours[(size_t)w * 24 + (size_t)h] += v * overlap(&rec->windows[w], a, b);
        }
        a = b;
    }
}

double sim_record_public_by_hour(const sim_record *rec, int window, int hour)
{
    double len = rec->windows[window].to - rec->windows[window].from;
    return len > 0 ? rec->pub_hours[(size_t)window * 24 + (size_t)hour] / (len / 24.0) : NAN;
}

/* Adds value over [t0, t1) to the days of a daily series (its column:
 * day d at daily[d * n_stages]), one term per day crossed. */
static void integrate_days(const sim_record *rec, double value, double t0, double t1, double *daily)
{
    long d0 = (long)floor_fast(t0), d1 = (long)floor_fast(t1);
    if (d0 < 0)
        d0 = 0;
    for (long d = d0; d <= d1 && d < rec->n_days; d++) {
        double a = t0 > (double)d ? t0 : (double)d;
        double b = t1 < (double)(d + 1) ? t1 : (double)(d + 1);
        if (b > a)
            daily[(size_t)d * (size_t)rec->n_stages] += value * (b - a);
    }
}

/* Any change of a level: integrates its value over [since, t1) into the
 * span's cell, or into the windows' cells split by overlap when the
 * stretch crosses span bounds, and into the days it crosses; then keeps
 * the day of the new `since`. */
static __attribute__((noinline)) void level_change_slow(sim_record *rec, level *lv, double t1, double value)
{
    double v = lv->value, t0 = lv->since;
    lv->value = value;
    lv->since = t1;
    if (v != 0 && t1 > t0) {
        double term = v * (t1 - t0);
        if (in_span(rec, t0, t1)) {
            *lv->span_cell += term;
        } else {
            for (int w = 0; w < rec->n_windows; w++)
                lv->window_cell[(size_t)w * lv->window_stride] += v * overlap(&rec->windows[w], t0, t1);
        }
        if (lv->daily != NULL) {
            /* t0 is in [day_start, day_end). Ending by day_end, the stretch
             * is one term on that day: what integrate_days adds too, as
             * b - a is then t1 - t0 (b = day_end = t1 at most). */
            if (t1 <= lv->day_end) {
                if (lv->day_cell != NULL)
                    *lv->day_cell += term;
            } else {
                integrate_days(rec, v, t0, t1, lv->daily);
            }
        }
    }
    if (lv->daily != NULL && !(t1 >= lv->day_start && t1 < lv->day_end)) {
        double d = floor_fast(t1);
        lv->day_start = d;
        lv->day_end = d + 1;
        lv->day_cell = d >= 0 && d < (double)rec->n_days
                           ? lv->daily + (size_t)d * (size_t)rec->n_stages : NULL;
    }
}

/* A level changes to `value` at t1. The usual change, within the day of
 * the last one and the current span, adds one term to the span's cell and
 * one to the day's; the same terms, in the same order, as the general
 * path would. */
static inline void level_change(sim_record *rec, level *lv, double t1, double value)
{
    double v = lv->value, t0 = lv->since;
    if (t1 >= t0 && t1 < lv->day_end && t0 >= rec->span_lo && t1 <= rec->span_hi) {
        if (v != 0 && t1 > t0) {
            double term = v * (t1 - t0);
            *lv->span_cell += term;
            if (lv->day_cell != NULL)
                *lv->day_cell += term;
        }
        lv->value = value;
        lv->since = t1;
        return;
    }
    level_change_slow(rec, lv, t1, value);
}

void sim_record_occupancy(sim_record *rec, int stage, double t, double value)
{
    level_change(rec, &rec->occ[stage], t, value);
}

void sim_record_waitlist(sim_record *rec, int stage, double t, double value)
{
    level_change(rec, &rec->wl[stage], t, value);
}

void sim_record_blocked(sim_record *rec, int stage, int awaited, double t, double delta)
{
    level *lv = &rec->blk[(size_t)stage * (size_t)rec->n_stages + (size_t)awaited];
    double value = lv->value + delta;
    if (fabs(value) < 1e-9)   /* fractions of 1/k may not cancel exactly */
        value = 0;
    level_change(rec, lv, t, value);
}

static double *raw_at(const sim_record *rec, int window, int stage)
{
    return rec->raw + ((size_t)window * (size_t)rec->n_stages + (size_t)stage) * SIM_RAW_COUNT;
}

/* The current span's counters of a stage at time t (the clock), or NULL
 * if t is in no window and no span (NaN). */
static inline double *span_counters(sim_record *rec, int stage, double t)
{
    if (!(t >= rec->span_lo && t < rec->span_hi) && !move_span(rec, t))
        return NULL;
    return rec->span_raw + (size_t)stage * SIM_RAW_COUNT;
}

void sim_record_add(sim_record *rec, int stage, sim_raw what, double t, double value)
{
    double *c = span_counters(rec, stage, t);
    if (c != NULL)
        c[what] += value;
}

void sim_record_admission(sim_record *rec, int stage, double t, double wait)
{
    double *c = span_counters(rec, stage, t);
    if (c != NULL) {
        c[SIM_RAW_ADMISSIONS] += 1.0;
        c[SIM_RAW_WAIT_SUM] += wait;
    }
}

void sim_record_exit(sim_record *rec, int stage, double t, int positive, double stay)
{
    double *c = span_counters(rec, stage, t);
    if (c != NULL) {
        c[SIM_RAW_EXITS] += 1.0;
        c[positive ? SIM_RAW_EXITS_POSITIVE : SIM_RAW_EXITS_NEGATIVE] += 1.0;
        c[SIM_RAW_STAY_SUM] += stay;
    }
}

/* The quantiles q[0..nq) (increasing) of x[0..n), n > 0, exactly as
 * gsl_stats_quantile_from_sorted_data would give them from the sorted
 * data, without sorting it: a census runs inside the replication, and
 * sorting a stage of a few thousand people made 2% of a Paris replication
 * (heapsort's branches), five selections cost a fraction of that. Each
 * gsl_stats_select leaves x[from..k) <= x[k] <= x(k..n) (quickselect's
 * partition), so the next quantile is selected in the suffix only, and the
 * order statistic after x[k] is the least of that suffix. x is reordered. */
static void quantiles_by_selection(double *x, size_t n, const double *q, int nq, double *out)
{
    size_t from = 0;
    for (int i = 0; i < nq; i++) {
        double index = q[i] * (double)(n - 1);
        size_t lhs = (size_t)index;
        double delta = index - (double)lhs;
        if (lhs >= from) {
            gsl_stats_select(x + from, 1, n - from, lhs - from);
            from = lhs;
        }
        if (lhs == n - 1) {
            out[i] = x[lhs];
            continue;
        }
        double next = x[lhs + 1];
        for (size_t k = lhs + 2; k < n; k++)
            if (x[k] < next)
                next = x[k];
        out[i] = (1 - delta) * x[lhs] + delta * next;
    }
}

void sim_record_census(sim_record *rec, int census, int stage, double *elapsed, size_t n)
{
    double *row = rec->census + ((size_t)census * (size_t)rec->n_stages + (size_t)stage) * SIM_CENSUS_FIELDS;
    static const double q[] = {0.10, 0.25, 0.50, 0.75, 0.90};
    static const double gt[] = {30, 91, 182, 365, 730};
    row[SIM_CENSUS_COUNT] = (double)n;
    if (n == 0) {
        for (int i = 1; i < SIM_CENSUS_FIELDS; i++)
            row[i] = NAN;
        return;
    }
    quantiles_by_selection(elapsed, n, q, 5, row + SIM_CENSUS_P10);
    for (int i = 0; i < 5; i++) {
        size_t above = 0;
        for (size_t k = 0; k < n; k++)
            above += elapsed[k] > gt[i];
        row[SIM_CENSUS_GT_30 + i] = (double)above / (double)n;
    }
}

void sim_record_finish(sim_record *rec, double t)
{
    sim_record_public(rec, t, rec->pub.value);
    for (int s = 0; s < rec->n_stages; s++) {
        sim_record_occupancy(rec, s, t, rec->occ[s].value);
        sim_record_waitlist(rec, s, t, rec->wl[s].value);
        for (int a = 0; a < rec->n_stages; a++)
            sim_record_blocked(rec, s, a, t, 0.0);
    }
    flush_span(rec);
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

void sim_record_metrics(const sim_record *rec, int window, int stage, double *out)
{
    const double *r = raw_at(rec, window, stage);
    double len = rec->windows[window].to - rec->windows[window].from;
    double occ = ratio(r[SIM_RAW_OCCUPANCY_INT], len);
    double exits = r[SIM_RAW_EXITS];
    double share = ratio(r[SIM_RAW_EXITS_POSITIVE], exits);
    double little = ratio(occ, exits / len);
    double blocked = 0;
    for (int a = 0; a < rec->n_stages; a++)
        blocked += sim_record_blocked_days(rec, window, stage, a);
    out[SIM_METRIC_OCCUPANCY_MEAN] = occ;
    out[SIM_METRIC_ADMISSIONS] = r[SIM_RAW_ADMISSIONS];
    out[SIM_METRIC_EXITS] = exits;
    out[SIM_METRIC_EXITS_POSITIVE] = r[SIM_RAW_EXITS_POSITIVE];
    out[SIM_METRIC_EXITS_NEGATIVE] = r[SIM_RAW_EXITS_NEGATIVE];
    out[SIM_METRIC_POSITIVE_SHARE] = share;
    out[SIM_METRIC_STAY_MEAN_DAYS] = ratio(r[SIM_RAW_STAY_SUM], exits);
    out[SIM_METRIC_STAY_LITTLE_DAYS] = little;
    out[SIM_METRIC_WAIT_MEAN_DAYS] = ratio(r[SIM_RAW_WAIT_SUM], r[SIM_RAW_ADMISSIONS]);
    out[SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS] = share > 0 ? little / share : NAN;
    out[SIM_METRIC_WAITING_MEAN] = ratio(r[SIM_RAW_WAITLIST_INT], len);
    out[SIM_METRIC_REJECTED] = r[SIM_RAW_REJECTED];
    out[SIM_METRIC_RENEGED] = r[SIM_RAW_RENEGED];
    out[SIM_METRIC_CONTACTS] = r[SIM_RAW_CONTACTS];
    out[SIM_METRIC_BLOCKED_PLACE_DAYS] = blocked;
    out[SIM_METRIC_CONTACT_COST] = r[SIM_RAW_CONTACT_COST];
    /* Little's law over a window: mean occupancy against the arrival rate
     * times the mean stay, both measured by exits; boundary effects (people
     * present at the window's edges) vanish as the window grows. */
    out[SIM_METRIC_LITTLE_GAP] = occ > 0 && exits > 0 ? fabs(occ - r[SIM_RAW_STAY_SUM] / len) / occ : NAN;
}

double sim_record_blocked_days(const sim_record *rec, int window, int stage, int awaited)
{
    size_t s = (size_t)rec->n_stages;
    return rec->blocked[(size_t)window * s * s + (size_t)stage * s + (size_t)awaited];
}

double sim_record_daily_occupancy(const sim_record *rec, int day, int stage)
{
    return rec->daily_occ[(size_t)day * (size_t)rec->n_stages + (size_t)stage];
}

double sim_record_daily_waitlist(const sim_record *rec, int day, int stage)
{
    return rec->daily_wl[(size_t)day * (size_t)rec->n_stages + (size_t)stage];
}

const double *sim_record_census_row(const sim_record *rec, int census, int stage)
{
    return rec->census + ((size_t)census * (size_t)rec->n_stages + (size_t)stage) * SIM_CENSUS_FIELDS;
}

int sim_record_stages(const sim_record *rec) { return rec->n_stages; }
int sim_record_windows(const sim_record *rec) { return rec->n_windows; }
int sim_record_days(const sim_record *rec) { return rec->n_days; }
