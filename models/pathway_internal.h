/* pathway_internal.h -- what the behaviour files of models/ share. */
#ifndef MODEL_PATHWAY_INTERNAL_H
#define MODEL_PATHWAY_INTERNAL_H

#include "models/pathway.h"
#include "sim/nhpp.h"
#include "sim/rng.h"

#include <gsl/gsl_rng.h>

/* A pool's next two random picks, drawn ahead (street.c). */
typedef struct street_picks {
    uint64_t next[2];
} street_picks;

/* A patrol's stretch of constant rate, whose contacts other than offers
 * are tallied at its end (patrol.c): its start, that rate (per day) and
 * sim_engine_outside_days of the pool at its start. */
typedef struct patrol_stretch {
    double from, rate, outside;
} patrol_stretch;

/* sim_entity.flags. READY: the stay in the current stage is over (cleared
 * on entering a stage). LISTED_READY: a census lists the person as ready,
 * so their first stay is already over. */
enum { PATHWAY_READY = 1, PATHWAY_LISTED_READY = 2 };

struct pathway {
    const model_spec *spec;
    sim_engine *eng;
    gsl_rng *patience_rng;
    gsl_rng *initial_rng;
    gsl_rng **stage_rng;     /* stays, exits, routing, visits: per stage */
    gsl_rng **source_rng;    /* arrival times and attributes: per source */
    gsl_rng **patrol_rng;
    double *source_count;
    char *day_full;          /* per stage: a day service waiting for a free seat */
    double *day_close;       /* per stage: a day service's next closing (see day_service.c) */
    sim_nhpp_piece *stage_piece;   /* per stage: day-service request rate in force */
    sim_nhpp_piece *patrol_piece;  /* per patrol: contact rate in force */
    sim_nhpp_piece *source_piece;  /* per source: arrival rate in force */
    street_picks *stage_picks;     /* per stage: a day service's picks of visitors */
    street_picks *patrol_picks;    /* per patrol: its picks of people to contact */
    patrol_stretch *patrol_stretch; /* per patrol: the stretch being tallied */
    int ev_ready, ev_exit, ev_arrival, ev_contact, ev_tally, ev_visit, ev_visit_end,
        ev_boundary, ev_transition;
};

/* attributes.c */
void attributes_draw(pathway *pw, sim_id e, gsl_rng *r, const model_source *src);
void attributes_on_transition(void *ctx, sim_engine *eng, const sim_event *ev);

/* source.c */
void source_start(pathway *pw, int source);
void source_on_arrival(void *ctx, sim_engine *eng, const sim_event *ev);

/* exits.c: competing exit hazards */
void exits_schedule(pathway *pw, int stage, sim_id e, double elapsed);
void exits_on_exit(void *ctx, sim_engine *eng, const sim_event *ev);

/* accommodation.c: service stages */
void accommodation_enter(void *ctx, sim_engine *eng, int stage, sim_id e, double elapsed);
void accommodation_on_ready(void *ctx, sim_engine *eng, const sim_event *ev);
/* Offers e the routes of its stage it is eligible for. */
void accommodation_route(pathway *pw, int stage, sim_id e);

/* street.c: pools */
void street_enter(void *ctx, sim_engine *eng, int stage, sim_id e, double elapsed);
/* A contact convinced e to accept a referral onwards. */
void street_refer(pathway *pw, sim_id e);
/* Random picks of members of a pool, drawn two ahead: street_picks_start
 * draws the first two from r; street_pick makes the next pick in a pool
 * of n > 0 members (the draw made ahead, redrawn from r if rejected);
 * street_picks_advance, called after each pick, draws the one after the
 * next and prefetches what the next two picks will read. */
void street_picks_start(street_picks *p, gsl_rng *r);
long street_pick(const street_picks *p, gsl_rng *r, long n);
void street_picks_advance(pathway *pw, int pool, street_picks *p, gsl_rng *r);

/* patrol.c */
void patrol_start(pathway *pw, int patrol);
/* An offer of a referral (a contact that may change something). */
void patrol_on_contact(void *ctx, sim_engine *eng, const sim_event *ev);
/* The end of a stretch: the other contacts made in it, tallied. */
void patrol_on_tally(void *ctx, sim_engine *eng, const sim_event *ev);

/* day_service.c */
void day_service_start(pathway *pw, int stage);
void day_service_on_visit(void *ctx, sim_engine *eng, const sim_event *ev);
void day_service_on_visit_end(void *ctx, sim_engine *eng, const sim_event *ev);
void day_service_on_boundary(void *ctx, sim_engine *eng, const sim_event *ev);
void day_service_visit_ended(void *ctx, sim_engine *eng, int stage, sim_id e);

#endif
