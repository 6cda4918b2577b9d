/* spec.h -- a scenario as plain C data.
 *
 * The scenario loader (app/) turns JSON into this structure; models/ never
 * sees JSON. Stage, attribute and value references are indices. Times are
 * days since the scenario start. A model_spec owns everything it points to:
 * free it with model_spec_free. */
#ifndef MODEL_SPEC_H
#define MODEL_SPEC_H

#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/record.h"
#include "sim/schedule.h"
#include "sim/week.h"

#include <stdint.h>

#define MODEL_MAX_VALUES 16   /* values per attribute */

typedef enum model_kind {
    MODEL_POOL,        /* unlimited; people present, referred onwards by contacts */
    MODEL_SERVICE,     /* places; a stay, then ready to move on; exit hazards */
    MODEL_DAY_SERVICE, /* seats visited from a pool during opening hours */
    MODEL_EXIT         /* absorbing */
} model_kind;

/* Eligibility: for each attribute listed, the value must be in the mask. */
typedef struct model_when {
    int n;
    int attr[SIM_MAX_ATTRS];
    uint32_t allowed[SIM_MAX_ATTRS];
} model_when;

typedef struct model_route {
    int stage;
    double p;          /* random routing only */
    int positive;
    model_when when;
} model_route;

typedef struct model_hazard {
    int stage;
    sim_dist *after;
    int positive;
} model_hazard;

typedef struct model_stage {
    char *id;
    char *description;
    model_kind kind;
    sim_schedule *capacity;      /* NULL: unlimited */
    long queue_cap;              /* < 0 unlimited */
    sim_dist *patience;          /* NULL: never gives up */
    int priority_attr;           /* -1: FIFO only */
    int n_levels;
    uint8_t level_of_value[256];
    sim_dist *stay;              /* service: time until ready; NULL: never */
    int routing_random;          /* 1: one route drawn by p; 0: first available */
    int n_routes;
    model_route *routes;
    int n_hazards;
    model_hazard *hazards;
    /* day services */
    int pool;                    /* the stage visitors come from */
    sim_week *hours;
    sim_schedule *visits_per_hour;
    sim_dist *visit;
    double refer_p;              /* chance a visit leads to a referral */
    double cost_per_day;         /* per occupied place-day */
} model_stage;

typedef struct model_attribute {
    char *id;
    int n_values;
    char *values[MODEL_MAX_VALUES];
    double p[MODEL_MAX_VALUES];
} model_attribute;

typedef struct model_transition {
    int attr, from, to;
    sim_dist *after;
} model_transition;

typedef struct model_source {
    char *id;
    int stage;
    sim_schedule *rate;          /* per day; NULL if renewal */
    sim_dist *interarrival;      /* renewal process; NULL if Poisson */
    double limit;                /* stop after this many arrivals; <= 0: none */
    int n_fixed;                 /* attributes forced for this source */
    int fixed_attr[SIM_MAX_ATTRS];
    int fixed_value[SIM_MAX_ATTRS];
} model_source;

typedef struct model_patrol {
    char *id;
    int stage;                   /* the pool it works */
    sim_week *hours;             /* NULL: always */
    sim_schedule *contacts_per_hour;
    double accept;               /* chance a contact accepts a referral */
    double cost_per_contact;
} model_patrol;

typedef struct model_initial {
    int stage;
    long count;
    sim_dist *elapsed;           /* NULL: just arrived */
} model_initial;

/* One person of a census (start from today): where they are, for how
 * long, whether ready to move on; attribute values, -1 to draw them. */
typedef struct model_person {
    int stage;
    double elapsed;
    int ready;
    int attr[SIM_MAX_ATTRS];
} model_person;

typedef struct model_spec {
    char *name;
    char *description;
    long start_day;              /* days since 1970-01-01 */
    double horizon;              /* days */
    uint64_t seed;
    long replications;
    double warmup_days;
    int n_attributes;
    model_attribute *attributes;
    int n_transitions;
    model_transition *transitions;
    int n_stages;
    model_stage *stages;
    int n_sources;
    model_source *sources;
    int n_patrols;
    model_patrol *patrols;
    int n_initial;
    model_initial *initial;
    long n_people;               /* a census replaces `initial` when > 0 */
    model_person *people;
    int n_windows;               /* window 0 is "all", the whole horizon */
    char **window_ids;
    sim_window *windows;
    int n_census;
    double *census;              /* census times (end of the census day) */
    int daily;                   /* write daily series */
    long max_population;
    double max_events;
} model_spec;

model_spec *model_spec_new(void);
void model_spec_free(model_spec *spec);
int model_spec_find_stage(const model_spec *spec, const char *id);
int model_when_holds(const model_when *w, const uint8_t *attr);

#endif
