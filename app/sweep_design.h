/* sweep_design.h -- sweep files: parameters, designs and their points.
 *
 * A sweep file names a scenario (relative to the sweep file), the seed and
 * replications shared by every point, the parameters (JSON paths as taken
 * by --set) and a design:
 *   "grid"                           every combination of the listed values
 *                                    (the first parameter varies slowest)
 *   {"lhs": {"points": n, "seed": s}} a Latin hypercube of n points over
 *                                    [min, max] of each parameter
 * Loading reports every problem at once through a diag (FILE: JSON.path:
 * what, expected ..., got ...) and returns a definition only when there is
 * none. See docs/batch.md. */
#ifndef APP_SWEEP_DESIGN_H
#define APP_SWEEP_DESIGN_H

#include "app/diag.h"

#include <stddef.h>
#include <stdint.h>

#define SWEEP_MAX_POINTS 1000000L
#define SWEEP_MAX_PARAMS 64

typedef enum sweep_design_kind { SWEEP_GRID, SWEEP_LHS } sweep_design_kind;

typedef struct sweep_param {
    char *path;          /* JSON path in the scenario, as for --set */
    int integer;         /* values are whole numbers */
    int n_values;        /* grid: the values, in order */
    double *values;
    double min, max;     /* lhs: the interval */
} sweep_param;

typedef struct sweep_def {
    char *file;          /* the sweep file, as given */
    char *scenario;      /* the scenario file, resolved against the sweep file's directory */
    char *name;          /* "name", else the sweep file's base name without .json */
    int has_seed, has_replications;
    uint64_t seed;       /* valid if has_seed (else: the scenario's) */
    long replications;   /* valid if has_replications (else: the scenario's) */
    sweep_design_kind design;
    long lhs_points;
    unsigned long lhs_seed;
    int n_params;
    sweep_param *params;
    long n_points;
    double *points;      /* [point][param] */
    uint64_t hash;       /* FNV-1a of the file's JSON printed canonically */
} sweep_def;

/* Reads and checks a sweep file and expands its points. Returns 0, or -1
 * with problems added to d (out is then empty; sweep_def_fini is safe). */
int sweep_def_load(const char *path, diag *d, sweep_def *out);
void sweep_def_fini(sweep_def *def);

/* Latin hypercube: n points in `dims` dimensions into out[point][dim].
 * Dimension j is cut into n equal strata over [min[j], max[j]] (over
 * [min, max + 1) then floored when integer[j]); each stratum gets exactly
 * one point, at a uniform position within it. With GSL's MT19937 seeded
 * with `seed`, dimension after dimension: a random permutation of the
 * strata (gsl_ran_shuffle), then one uniform per point. Returns 0, or -1
 * when out of memory. */
int sweep_lhs(long n, int dims, const double *min, const double *max, const int *integer,
              unsigned long seed, double *out);

/* The shortest decimal text that reads back as exactly v (at most 17
 * significant digits, "%.17g" style): 25, 0.1, 1e+20. */
void sweep_format_number(double v, char *buf, size_t size);

#endif
