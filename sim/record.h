/* record.h -- what a replication measures, per stage, per window and per day.
 *
 * The recorder integrates piecewise-constant levels (occupancy, waiting-list
 * length, blocked places) over time and counts events (admissions, exits,
 * ...) into every window that contains them. A window is a half-open
 * interval [from, to) of simulation days; window 0 is conventionally the
 * whole horizon. Daily series hold the time-average level of each day. */
#ifndef SIM_RECORD_H
#define SIM_RECORD_H

#include <stddef.h>

typedef struct sim_window {
    double from, to;
} sim_window;

/* Raw accumulators, per window and stage. */
typedef enum sim_raw {
    SIM_RAW_OCCUPANCY_INT,   /* integral of occupancy, place-days */
    SIM_RAW_WAITLIST_INT,    /* integral of waiting-list length, person-days */
    SIM_RAW_ADMISSIONS,
    SIM_RAW_EXITS,
    SIM_RAW_EXITS_POSITIVE,
    SIM_RAW_EXITS_NEGATIVE,
    SIM_RAW_STAY_SUM,        /* days, of stays completed in the window */
    SIM_RAW_WAIT_SUM,        /* days waited by those admitted in the window */
    SIM_RAW_REJECTED,        /* turned away: no room and no room to wait */
    SIM_RAW_RENEGED,         /* gave up waiting (patience ran out) */
    SIM_RAW_CONTACTS,        /* outreach or visit contacts made there */
    SIM_RAW_CONTACT_COST,    /* their cost */
    SIM_RAW_COUNT
} sim_raw;

/* Derived metrics reported per window and stage (see sim_record_metrics). */
typedef enum sim_metric {
    SIM_METRIC_OCCUPANCY_MEAN,
    SIM_METRIC_ADMISSIONS,
    SIM_METRIC_EXITS,
    SIM_METRIC_EXITS_POSITIVE,
    SIM_METRIC_EXITS_NEGATIVE,
    SIM_METRIC_POSITIVE_SHARE,
    SIM_METRIC_STAY_MEAN_DAYS,
    SIM_METRIC_STAY_LITTLE_DAYS,
    SIM_METRIC_WAIT_MEAN_DAYS,
    SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS,
    SIM_METRIC_WAITING_MEAN,
    SIM_METRIC_REJECTED,
    SIM_METRIC_RENEGED,
    SIM_METRIC_CONTACTS,
    SIM_METRIC_BLOCKED_PLACE_DAYS,
    SIM_METRIC_CONTACT_COST,     /* cost of the contacts made there */
    SIM_METRIC_LITTLE_GAP,       /* |L - lambda W| / L with W from completed stays */
    SIM_METRIC_COUNT
} sim_metric;

/* Name of a metric as written in outputs ("occupancy_mean", ...). */
const char *sim_metric_name(sim_metric m);

/* Census quantities per stage at one census time. */
enum {
    SIM_CENSUS_COUNT, SIM_CENSUS_P10, SIM_CENSUS_P25, SIM_CENSUS_P50,
    SIM_CENSUS_P75, SIM_CENSUS_P90, SIM_CENSUS_GT_30, SIM_CENSUS_GT_91,
    SIM_CENSUS_GT_182, SIM_CENSUS_GT_365, SIM_CENSUS_GT_730, SIM_CENSUS_FIELDS
};

typedef struct sim_record sim_record;

/* n_days = 0 disables the daily series. Returns NULL when out of memory. */
sim_record *sim_record_new(int n_stages, int n_windows, const sim_window *windows,
                           int n_days, int n_census);
void sim_record_free(sim_record *rec);
/* Clears every accumulator for a new replication starting at time 0. */
void sim_record_reset(sim_record *rec);

/* Level changes at time t (the previous level is integrated up to t). */
void sim_record_occupancy(sim_record *rec, int stage, double t, double level);
void sim_record_waitlist(sim_record *rec, int stage, double t, double level);
/* Adds delta to the number of places of `stage` held by people waiting for
 * `awaited` (fractions when someone waits for several stages at once). */
void sim_record_blocked(sim_record *rec, int stage, int awaited, double t, double delta);
/* The number of people in the public space changed at time t (integrated
 * by hour of the day: day fractions are hours since midnight). */
void sim_record_public(sim_record *rec, double t, double level);
/* Mean number in the public space at hour h (0..23) within a window. */
double sim_record_public_by_hour(const sim_record *rec, int window, int hour);
/* Adds `value` to a raw counter in every window containing t. */
void sim_record_add(sim_record *rec, int stage, sim_raw what, double t, double value);
/* The two events every stay has, each in one pass over the windows: an
 * admission after `wait` days (ADMISSIONS += 1, WAIT_SUM += wait), and a
 * completed stay (EXITS, EXITS_POSITIVE or EXITS_NEGATIVE += 1,
 * STAY_SUM += stay). Same sums as the sim_record_add calls they replace. */
void sim_record_admission(sim_record *rec, int stage, double t, double wait);
void sim_record_exit(sim_record *rec, int stage, double t, int positive, double stay);
/* Records the census of a stage from the elapsed times of those present
 * (the array is reordered). */
void sim_record_census(sim_record *rec, int census, int stage, double *elapsed, size_t n);
/* Integrates every level up to the end time t. */
void sim_record_finish(sim_record *rec, double t);

/* Derived metrics of one window and stage into out[SIM_METRIC_COUNT]; NaN
 * where undefined (e.g. mean stay with no exits). */
void sim_record_metrics(const sim_record *rec, int window, int stage, double *out);
/* Blocked place-days of `stage` waiting for `awaited` within a window. */
double sim_record_blocked_days(const sim_record *rec, int window, int stage, int awaited);
/* Time-average occupancy / waiting-list length of a stage on day d. */
double sim_record_daily_occupancy(const sim_record *rec, int day, int stage);
double sim_record_daily_waitlist(const sim_record *rec, int day, int stage);
const double *sim_record_census_row(const sim_record *rec, int census, int stage);

int sim_record_stages(const sim_record *rec);
int sim_record_windows(const sim_record *rec);
int sim_record_days(const sim_record *rec);

#endif
