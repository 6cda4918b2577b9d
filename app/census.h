/* census.h -- starting a run from the people present today.
 *
 * A census file is CSV with a header: `stage,days,ready` then optional
 * attribute columns named by attribute id (values by name; empty = draw it).
 * `days` is the time already spent in the stage, `ready` is 1 if the person
 * is ready to move on (waiting for a downstream place), else 0. Each row is
 * one person; the list replaces the scenario's initial state. */
#ifndef APP_CENSUS_H
#define APP_CENSUS_H

#include "app/diag.h"
#include "models/spec.h"

/* Reads the census into spec (spec->people). Problems are reported as
 * "FILE: line N: column NAME: ...", every one up to 20, then the reading
 * stops; a stage holding more people than its capacity at the start is
 * one problem. Any problem makes it return -1 (spec unchanged). A UTF-8
 * byte order mark and CRLF line ends are accepted. */
int census_load(const char *path, model_spec *spec, diag *d);

#endif
