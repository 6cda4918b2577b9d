/* output.h -- writing a run's results: summary.json and the CSV files.
 *
 * Files (all written atomically, see atomic.h):
 *   summary.json   every metric per window and stage, mean and 95% CI
 *   occupancy.csv  date,stage,mean,ci95_low,ci95_high (daily mean occupancy)
 *   waiting.csv    the same for waiting-list lengths
 *   capacity.csv   date,stage,capacity (the capacity schedule, daily)
 *   census.csv     date,stage,count,p10..p90,share_gt_30..share_gt_730
 *   blocked.csv    window,stage,awaited,place_days,ci95_low,ci95_high
 *   public_space_by_hour.csv  window,hour,mean,ci95_low,ci95_high
 * Every CSV row ends with the provenance columns (provenance.h). */
#ifndef APP_OUTPUT_H
#define APP_OUTPUT_H

#include "app/experiment.h"
#include "app/provenance.h"
#include "models/spec.h"

#include <stdint.h>
#include <stdio.h>


/* Writes every file into dir (created if needed). Returns 0, or -1 with a
 * message in err; the files are then as they were before the call (all of
 * them are written and synced before any is renamed into place; only a
 * failing rename can leave some renamed, each file complete). */
int output_write(const char *dir, const model_spec *spec, const experiment *x,
                 const provenance *prov, char *err, size_t errlen);

/* The short table printed after a run. */
void output_print_table(FILE *out, const model_spec *spec, const experiment *x);

#endif
