/* sweep.h -- `parcours sweep`: many scenario variants, one table of results.
 *
 * A sweep file (see app/sweep_design.h and docs/batch.md) lists parameters
 * of a scenario and a design (a grid or a Latin hypercube). Every point of
 * the design is the scenario with the parameters --set, run with the same
 * seed and replication indices (common random numbers). Output directory:
 *   sweep.csv             one row per point: parameters, replications, and
 *                         <window>.<stage>.<metric>.{mean,ci95_low,ci95_high}
 *   sweep.json            provenance and the list of points
 *   journal.json          the completed points (for resuming)
 *   points/NNNN/          that point's summary.json, CSV files and row.csv
 * Every file is written atomically and the journal last, so a sweep stopped
 * at any moment (even by SIGKILL) resumes where it stopped when rerun, and
 * gives the same bytes as if it had never stopped. */
#ifndef APP_SWEEP_H
#define APP_SWEEP_H

#include "app/sweep_design.h"

#include <stdint.h>
#include <time.h>

/* Runs `parcours sweep` with the arguments after the command name (argv[0]
 * is its first option). Returns the exit status: 0 ok, 1 the run or the
 * writing failed or was stopped by a signal, 2 bad input. */
int sweep_main(int argc, char **argv);

/* The help text. */
extern const char sweep_help[];

/* ---- shared with app/sweep_mpi.c and tests/test_sweep.c ------------------ */

#define SWEEP_MAX_METRICS 64
/* The largest journal or stored row read back (a row holds every metric). */
#define SWEEP_MAX_JOURNAL_BYTES ((size_t)256 << 20)

typedef struct sweep_options {
    const char *file;
    const char *out;
    int threads, quiet, dry_run;
    int has_seed, has_replications;      /* -s and -r: override the sweep file's */
    uint64_t seed;
    long replications;
    int has_precision;
    double precision;
    int n_metrics;
    const char *metrics[SWEEP_MAX_METRICS];
    int has_max;
    long max_replications;
} sweep_options;

typedef struct sweep_target {
    int window, stage, metric;
} sweep_target;

typedef struct sweep_run {
    sweep_options o;
    sweep_def def;
    int rank, size;             /* MPI rank and size; 0 and 1 without MPI */
    int verbose;                /* this process prints messages */
    char *outdir;
    char *command;              /* provenance: the command line without --out, --threads, --quiet */
    char *scenario_name;
    uint64_t scenario_hash;     /* the scenario without the sweep's parameters */
    uint64_t *point_hash;       /* each point's scenario hash, checked again when it runs */
    uint64_t seed;
    long replications, max_replications;
    uint64_t key;               /* what the journal must match to resume */
    int digits;                 /* of NNNN in points/NNNN */
    int threads;
    /* Columns, from the scenario: windows and non-exit stages. */
    int n_windows, n_stages;
    char **window_ids, **stage_ids;
    int *stage_index;           /* [n_stages] index in the spec */
    int n_targets;
    sweep_target targets[SWEEP_MAX_METRICS];
    /* Journal. */
    unsigned char *done;
    uint64_t *row_hash;
    long *row_reps;
    long n_done;
    /* Progress line. */
    int progress, line_shown;
    long session_points, session_done, current_point;
    struct timespec session_start;
    /* Called between batches of replications (MPI: rank 0 takes in rows). */
    void (*poll)(struct sweep_run *r);
} sweep_run;

/* Parses options; returns -1 after printing help, 0, or an exit status. */
int sweep_parse_options(int argc, char **argv, sweep_options *o);
/* Reads and checks the sweep file, the scenario and every point (nothing is
 * written); prints problems when r->verbose. Returns an exit status. */
int sweep_check(sweep_run *r, int argc, char **argv);
/* Reads DIR/journal.json if any: refuses a different sweep or a corrupt
 * journal (exit status 2), else marks completed points. */
int sweep_journal_load(sweep_run *r);
/* Creates DIR and DIR/points, writes sweep.json. Returns an exit status. */
int sweep_begin(sweep_run *r);
/* Runs point p and writes DIR/points/NNNN/ (but not row.csv); *row gets its
 * sweep.csv line (malloc'd). Returns 0, 1 when stopped by a signal before
 * the point was complete, or -1 with a message in err. */
int sweep_point_compute(sweep_run *r, long p, char **row, char *err, size_t errlen);
/* Writes DIR/points/NNNN/row.csv, then the journal. Returns 0 or -1. */
int sweep_point_record(sweep_run *r, long p, const char *row, char *err, size_t errlen);
/* Writes DIR/sweep.csv from the stored rows. Returns an exit status. */
int sweep_finish(sweep_run *r);
void sweep_run_fini(sweep_run *r);

/* SIGINT, SIGTERM, SIGUSR1: stop after the current point. */
void sweep_signals_install(void);
void sweep_signals_restore(void);
int sweep_stop_requested(void);
/* One line to stdout about a finished point (when verbose and not quiet);
 * seconds < 0 when unknown. */
void sweep_report_point(sweep_run *r, long p, const char *row, double seconds);
/* The opening and closing messages (when verbose and not quiet). */
void sweep_announce(sweep_run *r);
void sweep_conclude(const sweep_run *r, long already);
double sweep_seconds_since(const struct timespec *t0);

#ifdef PARCOURS_MPI
/* Whether this process was started by an MPI launcher (mpirun, srun). */
int sweep_mpi_launched(void);
/* The sweep over MPI ranks: rank r runs the points of index % size == r;
 * rank 0 records every row and writes the outputs. Returns the exit status. */
int sweep_mpi_main(sweep_run *r, int argc, char **argv);
#endif

#endif
