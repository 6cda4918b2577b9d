/* scenario.h -- JSON scenario files into model_spec.
 *
 * The scenario format is described in docs/scenario-format.md and
 * scenarios/schema.json. Loading reports every problem at once through a
 * diag; a scenario with any problem is refused as a whole. */
#ifndef APP_SCENARIO_H
#define APP_SCENARIO_H

#include "app/diag.h"
#include "models/spec.h"

#include <stdint.h>

typedef struct scenario_result {
    model_spec *spec;        /* NULL if any problem */
    uint64_t hash;           /* FNV-1a of the canonical JSON after --set */
    char *canonical;         /* that canonical JSON (owned) */
} scenario_result;

/* Parses `text` (the diag names its file), applies `n_sets` overrides of
 * the form "json.path=value", and builds the spec. Returns 0 and fills *out,
 * or -1 with problems added to d (out->spec is then NULL). */
int scenario_load_text(const char *text, const char *const *sets, int n_sets,
                       diag *d, scenario_result *out);
/* Reads the file then as above; a file that cannot be read is a problem,
 * and so is one above SCENARIO_MAX_BYTES (a scenario, a sweep or a
 * calibration file is a page of JSON, not data). */
#define SCENARIO_MAX_BYTES ((size_t)64 << 20)
int scenario_load_file(const char *path, const char *const *sets, int n_sets, diag *d,
                       scenario_result *out);
void scenario_result_fini(scenario_result *r);

/* The Paris baseline compiled into the binary. */
extern const char scenario_embedded_baseline[];

#endif
