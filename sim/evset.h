/* evset.h -- the pending-event set.
 *
 * Events are kept by value in a 4-ary min-heap ordered by (time, priority,
 * sequence): equal times go to the lower priority number first, then in the
 * order they were scheduled. The order is therefore a pure function of the
 * calls made, which is what makes identical seeds give identical runs.
 *
 * Events are never removed from the middle: a model that wants to cancel one
 * bumps the token of its subject and ignores stale events when they come out
 * (see engine.h). */
#ifndef SIM_EVSET_H
#define SIM_EVSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_event {
    double time;      /* days since the start of the run */
    uint64_t key;     /* priority in the top 16 bits, sequence number below */
    int32_t type;     /* what happens: an index into the engine's handlers */
    int32_t subject;  /* entity or stage the event is about */
    uint32_t token;   /* subject's token when scheduled; stale if it changed */
    int32_t arg;      /* handler-specific argument */
} sim_event;

typedef struct sim_evset sim_evset;

/* Returns an empty set with room for `capacity` events, or NULL if out of
 * memory. The set grows as needed. */
sim_evset *sim_evset_new(size_t capacity);
void sim_evset_free(sim_evset *set);

/* Schedules an event. Priority 0..65535, lower first among equal times.
 * Returns 0, or -1 if the set could not grow (the set is unchanged). */
int sim_evset_push(sim_evset *set, double time, unsigned priority, int32_t type,
                   int32_t subject, uint32_t token, int32_t arg);

/* Removes the earliest event into *out. Returns 1, or 0 if the set is empty. */
int sim_evset_pop(sim_evset *set, sim_event *out);

/* Time of the earliest event, or INFINITY if the set is empty. */
double sim_evset_peek_time(const sim_evset *set);

size_t sim_evset_size(const sim_evset *set);

/* Forgets every event and restarts the sequence numbers. */
void sim_evset_clear(sim_evset *set);

#endif
