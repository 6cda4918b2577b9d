/* engine.h -- the discrete-event engine: clock, events, entities, stages.
 *
 * Semantics, stated first because everything else relies on them:
 *
 * - Time is a double in days since the run start. Events run in (time,
 *   priority, scheduling order); the run stops before the horizon.
 * - An entity is in at most one stage at a time. A stage has a capacity
 *   (a schedule; infinite if none). An entity enters a stage only if a place
 *   is free and nobody waits before it.
 * - Blocking: an entity that wants to move on but finds no free place joins
 *   the waiting list of each stage it may go to and KEEPS its current place
 *   until one of them admits it. The time spent so is recorded as blocked
 *   place-days per (current stage, awaited stage), split evenly when it
 *   waits for several.
 * - Waiting lists are FIFO within priority levels (level 0 first). A waiting
 *   list may have a patience law: an entity that waited that long gives up.
 *   A list's length cap applies only to entities that hold no capacitated
 *   place (arrivals, people in unlimited stages): blocked entities always
 *   queue.
 * - When a place frees (departure, capacity increase), the head of the
 *   waiting list enters; admissions cascade upstream until no place is free
 *   or nobody waits. Capacity decreases never evict: admissions stop until
 *   occupancy falls below the new capacity.
 * - An absorbing stage counts its admissions and frees the entity at once.
 * - An overlay stage (day services) holds entities that remain members of
 *   their main stage: a visit does not change where the entity is.
 * - Deadlock: a set of full stages whose members are all blocked waiting for
 *   stages of the same set, none of which can lose a member any other way
 *   or gain capacity later, can never move again. The engine detects it
 *   when it forms and stops the run with SIM_ERR_DEADLOCK, naming the stages.
 *
 * Stage behaviours (models/) are callbacks run when an entity enters or
 * leaves a stage; they schedule their own events through registered
 * handlers. Events about an entity carry its token; the engine bumps the token
 * when the entity changes stage, so events made stale by a move are skipped
 * by the handlers (sim_engine_is_current). */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include "sim/dist.h"
#include "sim/evset.h"
#include "sim/record.h"
#include "sim/schedule.h"

#include <gsl/gsl_rng.h>
#include <stdint.h>

#define SIM_MAX_ATTRS 8     /* attributes per entity */
#define SIM_MAX_AWAITED 8   /* stages an entity may wait for at once */

typedef int32_t sim_id;

typedef struct sim_entity {
    double t_arrival;        /* when it entered the system */
    double t_enter;          /* when it entered its current stage */
    double t_wait;           /* when it started waiting */
    uint32_t token;          /* bumped at every stage change */
    uint32_t wait_token;     /* bumped whenever it stops waiting */
    uint32_t life;           /* distinguishes successive users of a slot */
    int32_t stage;           /* current stage, -1 if none */
    int32_t member_index;    /* position in the stage's member array */
    int32_t next_free;       /* free-list link while unused */
    uint8_t n_awaited;
    uint8_t positive_mask;   /* bit i: admission by awaited[i] is a positive exit */
    int16_t awaited[SIM_MAX_AWAITED];
    uint8_t attr[SIM_MAX_ATTRS];
    uint8_t flags;           /* free for behaviours */
} sim_entity;

typedef struct sim_engine sim_engine;

/* Event priorities among equal times: the census sees the state at the end
 * of the previous instant, capacity changes apply before anything moves. */
enum {
    SIM_PRIORITY_CENSUS = 0,
    SIM_PRIORITY_CAPACITY = 1,
    SIM_PRIORITY_DEFAULT = 10,
    SIM_PRIORITY_LATE = 20
};

typedef struct sim_behaviour {
    /* Entity e has entered stage `stage`; `elapsed` is the time it had
     * already spent there (non-zero only for the initial state). */
    void (*enter)(void *ctx, sim_engine *eng, int stage, sim_id e, double elapsed);
    /* Entity e stopped waiting without being admitted (patience ran out).
     * Called while it is still in its stage (or in none). */
    void (*reneged)(void *ctx, sim_engine *eng, int stage, sim_id e);
    /* Overlay stages: e's visit ended, however it ended (sim_engine_end_visit
     * or e moving on), so a seat is free. Called once e is out. */
    void (*visit_ended)(void *ctx, sim_engine *eng, int stage, sim_id e);
    void *ctx;
} sim_behaviour;

typedef void (*sim_handler)(void *ctx, sim_engine *eng, const sim_event *ev);

typedef struct sim_target {
    int stage;
    int positive;     /* does moving there count as a positive exit? */
} sim_target;

typedef enum sim_offer_result {
    SIM_ADMITTED, SIM_WAITING, SIM_REJECTED
} sim_offer_result;

typedef enum sim_status {
    SIM_OK = 0,
    SIM_ERR_NOMEM,
    SIM_ERR_POPULATION_CAP,
    SIM_ERR_EVENT_CAP,
    SIM_ERR_DEADLOCK,
    SIM_ERR_INVARIANT
} sim_status;

typedef struct sim_stage_config {
    const char *id;
    const sim_schedule *capacity;   /* copied; NULL = unlimited */
    long queue_cap;                 /* < 0: unlimited waiting list */
    const sim_dist *patience;       /* copied; NULL = waits forever */
    int priority_attr;              /* attribute giving the level, -1 for none */
    int n_levels;                   /* levels when priority_attr >= 0 */
    const uint8_t *level_of_value;  /* attribute value -> level */
    int absorbing;
    int overlay;
    int can_leave;                  /* members may leave other than by being admitted
                                       elsewhere (exit hazards): never deadlocked */
    int public_space;               /* members count as present in the public space */
    int pool;                       /* overlays: the stage all visitors are members of,
                                       or -1 (any) */
    int outside_share;              /* keep sim_engine_outside_days for this stage */
    sim_behaviour behaviour;
} sim_stage_config;

typedef struct sim_engine_config {
    double horizon;            /* days */
    int n_windows;
    const sim_window *windows;
    int n_days;                /* daily series length, 0 for none */
    int n_census;
    const double *census;      /* census times, days */
    long max_population;       /* <= 0: unlimited */
    double max_events;         /* <= 0: unlimited */
} sim_engine_config;

/* Returns NULL when out of memory. Stages are added before the first run. */
sim_engine *sim_engine_new(const sim_engine_config *cfg);
void sim_engine_free(sim_engine *eng);

/* Returns the stage index, or -1 when out of memory or past 32,766 stages. */
int sim_engine_add_stage(sim_engine *eng, const sim_stage_config *cfg);
/* Returns an event type for sim_engine_schedule, or -1 when out of memory. */
int sim_engine_add_handler(sim_engine *eng, sim_handler fn, void *ctx);

/* The stream that draws patience times (owned by the caller). */
void sim_engine_set_patience_rng(sim_engine *eng, gsl_rng *r);
/* Empties the engine for a new replication (stages and handlers stay). */
void sim_engine_reset(sim_engine *eng);
/* Runs events until the horizon or an error; returns the status. */
sim_status sim_engine_run(sim_engine *eng);
sim_status sim_engine_status(const sim_engine *eng);
/* Stops the run with an error status (first error wins). */
void sim_engine_fail(sim_engine *eng, sim_status status);
/* Explanation of the last error (e.g. the stages in a deadlock). */
const char *sim_engine_error_detail(const sim_engine *eng);

double sim_engine_now(const sim_engine *eng);
double sim_engine_horizon(const sim_engine *eng);
sim_record *sim_engine_record(sim_engine *eng);
double sim_engine_events(const sim_engine *eng);

void sim_engine_schedule(sim_engine *eng, double time, unsigned priority, int type,
                         int32_t subject, uint32_t token, int32_t arg);

/* A new entity, in no stage. Returns -1 (and fails the run) at the
 * population cap or when out of memory. */
sim_id sim_engine_spawn(sim_engine *eng);
sim_entity *sim_engine_entity(sim_engine *eng, sim_id e);
/* True if the event was scheduled for the entity's current stay. */
int sim_engine_is_current(sim_engine *eng, const sim_event *ev);

/* Puts an entity straight into a stage at time 0 as if it had been there
 * `elapsed` days (initial state); capacity is the caller's concern. */
void sim_engine_place(sim_engine *eng, sim_id e, int stage, double elapsed);
/* Asks to move e to the first of the targets able to take it now; otherwise
 * e waits for all of them (see the header comment). */
sim_offer_result sim_engine_offer(sim_engine *eng, sim_id e, const sim_target *targets, int n);
/* Moves e unconditionally (the target must be unlimited or absorbing). */
void sim_engine_move(sim_engine *eng, sim_id e, int stage, int positive);
/* Removes e from every waiting list it is on. */
void sim_engine_stop_waiting(sim_engine *eng, sim_id e);
/* Frees an entity that is in no stage (e.g. a rejected arrival). */
void sim_engine_discard(sim_engine *eng, sim_id e);

/* Overlay visits. The visit state is kept apart from sim_entity (see
 * engine.c): read it through these, not through the entity. */
int sim_engine_visit(sim_engine *eng, sim_id e, int overlay_stage);
void sim_engine_end_visit(sim_engine *eng, sim_id e);
/* The integral over [0, now] of the share of a stage's members not on a
 * visit (0 while it is empty), in days; needs cfg.outside_share, and the
 * overlays' `pool` so that their visits count. Multiplied by a rate per
 * day, it is the expected number of meetings, at that rate, of a member
 * drawn at random who turns out to be outside any visit. */
double sim_engine_outside_days(const sim_engine *eng, int stage);
/* The overlay stage e is visiting, -1 if none. */
int sim_engine_visiting(const sim_engine *eng, sim_id e);
/* Bumped whenever a visit of e ends: events about a visit carry it. */
uint32_t sim_engine_visit_token(const sim_engine *eng, sim_id e);

int sim_engine_stage_count(const sim_engine *eng);
const char *sim_engine_stage_id(const sim_engine *eng, int stage);
int sim_engine_find_stage(const sim_engine *eng, const char *id);
long sim_engine_occupancy(const sim_engine *eng, int stage);
double sim_engine_capacity(const sim_engine *eng, int stage);
long sim_engine_waiting(const sim_engine *eng, int stage);
/* Member i (0 <= i < occupancy) of a stage, in no particular order. */
sim_id sim_engine_member(const sim_engine *eng, int stage, long i);
/* Hints that change no result: slot i of a stage's members (ignored
 * outside 0 <= i < occupancy), or the visit state of e, will be read soon.
 * A model picking at random in a pool of a million people calls them a
 * request or two ahead, so that the reads find the data in the caches. */
void sim_engine_prefetch_member(const sim_engine *eng, int stage, long i);
void sim_engine_prefetch_visit(const sim_engine *eng, sim_id e);

/* Counters for the conservation invariant. */
typedef struct sim_counts {
    double spawned, absorbed, discarded, present;
} sim_counts;
void sim_engine_counts(const sim_engine *eng, sim_counts *out);

#endif
