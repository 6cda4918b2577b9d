/* pathway.h -- a care pathway built from a scenario, run replication by
 * replication.
 *
 * The pathway wires the stage behaviours of models/ (street pool, outreach
 * patrols, day services, accommodations, exits) onto a sim_engine. One
 * pathway can run any number of replications; each starts from the
 * scenario's initial state with its own random streams. */
#ifndef MODEL_PATHWAY_H
#define MODEL_PATHWAY_H

#include "models/spec.h"
#include "sim/engine.h"

#include <stdint.h>

typedef struct pathway pathway;

/* Borrows spec, which must outlive the pathway. NULL when out of memory. */
pathway *pathway_new(const model_spec *spec);
void pathway_free(pathway *pw);

/* Runs replication `replication` with streams derived from `seed`. The
 * results stay in the engine's record until the next run. */
sim_status pathway_run(pathway *pw, uint64_t seed, uint64_t replication);
sim_engine *pathway_engine(pathway *pw);

#endif
