/* pathway.c -- wiring a scenario onto the engine, and the initial state.
 *
 * Random streams are keyed by what they serve and its id ("stage:assore",
 * "source:street"), not by position, so two scenarios that share a stage or
 * a source share its stream for a given replication: common random numbers
 * survive adding or removing other stages. */
#include "models/pathway_internal.h"
#include "sim/rng.h"

#include <stdlib.h>
#include <string.h>

static uint64_t stream_key(const char *kind, const char *id)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (const char *p = kind; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h = (h ^ ':') * 1099511628211ull;
    for (const char *p = id; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return h;
}

static gsl_rng **rng_array(int n)
{
    gsl_rng **a = calloc((size_t)n + 1, sizeof *a);
    if (a == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        a[i] = sim_rng_new(0, 0, 0);
        if (a[i] == NULL) {
            for (int k = 0; k < i; k++)
                gsl_rng_free(a[k]);
            free(a);
            return NULL;
        }
    }
    return a;
}

static void rng_array_free(gsl_rng **a, int n)
{
    if (a == NULL)
        return;
    for (int i = 0; i < n; i++)
        gsl_rng_free(a[i]);
    free(a);
}

static sim_behaviour behaviour_of(pathway *pw, model_kind kind)
{
    sim_behaviour b = {.ctx = pw};
    if (kind == MODEL_SERVICE)
        b.enter = accommodation_enter;
    else if (kind == MODEL_POOL)
        b.enter = street_enter;
    else if (kind == MODEL_DAY_SERVICE)
        b.visit_ended = day_service_visit_ended;
    return b;
}

static int add_stages(pathway *pw)
{
    const model_spec *spec = pw->spec;
    for (int s = 0; s < spec->n_stages; s++) {
        const model_stage *st = &spec->stages[s];
        sim_stage_config c;
        memset(&c, 0, sizeof c);
        c.id = st->id;
        c.capacity = st->kind == MODEL_SERVICE || st->kind == MODEL_DAY_SERVICE ? st->capacity : NULL;
        c.queue_cap = st->queue_cap;
        c.patience = st->patience;
        c.priority_attr = st->priority_attr;
        c.n_levels = st->n_levels;
        c.level_of_value = st->level_of_value;
        c.absorbing = st->kind == MODEL_EXIT;
        c.overlay = st->kind == MODEL_DAY_SERVICE;
        c.can_leave = st->n_hazards > 0;
        c.public_space = st->kind == MODEL_POOL;
        c.pool = st->kind == MODEL_DAY_SERVICE ? st->pool : -1;
        for (int p = 0; p < spec->n_patrols; p++)
            if (spec->patrols[p].stage == s)
                c.outside_share = 1;   /* the patrols' tallies (patrol.c) */
        c.behaviour = behaviour_of(pw, st->kind);
        if (sim_engine_add_stage(pw->eng, &c) != s)
            return -1;
    }
    return 0;
}

static int add_handlers(pathway *pw)
{
    sim_engine *eng = pw->eng;
    pw->ev_ready = sim_engine_add_handler(eng, accommodation_on_ready, pw);
    pw->ev_exit = sim_engine_add_handler(eng, exits_on_exit, pw);
    pw->ev_arrival = sim_engine_add_handler(eng, source_on_arrival, pw);
    pw->ev_contact = sim_engine_add_handler(eng, patrol_on_contact, pw);
    pw->ev_tally = sim_engine_add_handler(eng, patrol_on_tally, pw);
    pw->ev_visit = sim_engine_add_handler(eng, day_service_on_visit, pw);
    pw->ev_visit_end = sim_engine_add_handler(eng, day_service_on_visit_end, pw);
    pw->ev_boundary = sim_engine_add_handler(eng, day_service_on_boundary, pw);
    pw->ev_transition = sim_engine_add_handler(eng, attributes_on_transition, pw);
    return pw->ev_transition < 0 ? -1 : 0;
}

pathway *pathway_new(const model_spec *spec)
{
    pathway *pw = calloc(1, sizeof *pw);
    if (pw == NULL)
        return NULL;
    pw->spec = spec;
    sim_engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.horizon = spec->horizon;
    cfg.n_windows = spec->n_windows;
    cfg.windows = spec->windows;
    cfg.n_days = spec->daily ? (int)spec->horizon : 0;
    cfg.n_census = spec->n_census;
    cfg.census = spec->census;
    cfg.max_population = spec->max_population;
    cfg.max_events = spec->max_events;
    pw->eng = sim_engine_new(&cfg);
    pw->patience_rng = sim_rng_new(0, 0, 0);
    pw->initial_rng = sim_rng_new(0, 0, 0);
    pw->stage_rng = rng_array(spec->n_stages);
    pw->source_rng = rng_array(spec->n_sources);
    pw->patrol_rng = rng_array(spec->n_patrols);
    pw->source_count = calloc((size_t)spec->n_sources + 1, sizeof *pw->source_count);
    pw->day_full = calloc((size_t)spec->n_stages + 1, 1);
    pw->day_close = calloc((size_t)spec->n_stages + 1, sizeof *pw->day_close);
    pw->stage_piece = calloc((size_t)spec->n_stages + 1, sizeof *pw->stage_piece);
    pw->patrol_piece = calloc((size_t)spec->n_patrols + 1, sizeof *pw->patrol_piece);
    pw->stage_picks = calloc((size_t)spec->n_stages + 1, sizeof *pw->stage_picks);
    pw->patrol_picks = calloc((size_t)spec->n_patrols + 1, sizeof *pw->patrol_picks);
    pw->patrol_stretch = calloc((size_t)spec->n_patrols + 1, sizeof *pw->patrol_stretch);
    pw->source_piece = calloc((size_t)spec->n_sources + 1, sizeof *pw->source_piece);
    if (!pw->eng || !pw->patience_rng || !pw->initial_rng || !pw->stage_rng ||
        !pw->source_rng || !pw->patrol_rng || !pw->source_count || !pw->day_full ||
        !pw->day_close || !pw->stage_piece || !pw->patrol_piece || !pw->source_piece ||
        !pw->stage_picks || !pw->patrol_picks || !pw->patrol_stretch)
        goto err;
    if (add_stages(pw) != 0 || add_handlers(pw) != 0)
        goto err;
    sim_engine_set_patience_rng(pw->eng, pw->patience_rng);
    return pw;
err:
    pathway_free(pw);
    return NULL;
}

void pathway_free(pathway *pw)
{
    if (pw == NULL)
        return;
    sim_engine_free(pw->eng);
    gsl_rng_free(pw->patience_rng);
    gsl_rng_free(pw->initial_rng);
    rng_array_free(pw->stage_rng, pw->spec->n_stages);
    rng_array_free(pw->source_rng, pw->spec->n_sources);
    rng_array_free(pw->patrol_rng, pw->spec->n_patrols);
    free(pw->source_count);
    free(pw->day_full);
    free(pw->day_close);
    free(pw->stage_piece);
    free(pw->patrol_piece);
    free(pw->stage_picks);
    free(pw->patrol_picks);
    free(pw->patrol_stretch);
    free(pw->source_piece);
    free(pw);
}

sim_engine *pathway_engine(pathway *pw)
{
    return pw->eng;
}

static void seed_streams(pathway *pw, uint64_t seed, uint64_t rep)
{
    const model_spec *spec = pw->spec;
    sim_rng_reset(pw->patience_rng, seed, rep, stream_key("patience", ""));
    sim_rng_reset(pw->initial_rng, seed, rep, stream_key("initial", ""));
    for (int i = 0; i < spec->n_stages; i++)
        sim_rng_reset(pw->stage_rng[i], seed, rep, stream_key("stage", spec->stages[i].id));
    for (int i = 0; i < spec->n_sources; i++)
        sim_rng_reset(pw->source_rng[i], seed, rep, stream_key("source", spec->sources[i].id));
    for (int i = 0; i < spec->n_patrols; i++)
        sim_rng_reset(pw->patrol_rng[i], seed, rep, stream_key("patrol", spec->patrols[i].id));
}

/* A census: each person as listed, remaining stays and exits drawn
 * conditionally on the time already spent (see exits.c, accommodation.c). */
static void place_people(pathway *pw)
{
    const model_spec *spec = pw->spec;
    for (long i = 0; i < spec->n_people; i++) {
        const model_person *p = &spec->people[i];
        sim_id e = sim_engine_spawn(pw->eng);
        if (e < 0)
            return;
        attributes_draw(pw, e, pw->initial_rng, NULL);
        sim_entity *x = sim_engine_entity(pw->eng, e);
        for (int a = 0; a < spec->n_attributes && a < SIM_MAX_ATTRS; a++)
            if (p->attr[a] >= 0)
                x->attr[a] = (uint8_t)p->attr[a];
        if (p->ready)
            x->flags |= PATHWAY_LISTED_READY;
        sim_engine_place(pw->eng, e, p->stage, p->elapsed);
    }
}

static void place_initial(pathway *pw)
{
    const model_spec *spec = pw->spec;
    if (spec->n_people > 0) {
        place_people(pw);
        return;
    }
    for (int i = 0; i < spec->n_initial; i++) {
        const model_initial *in = &spec->initial[i];
        for (long k = 0; k < in->count; k++) {
            sim_id e = sim_engine_spawn(pw->eng);
            if (e < 0)
                return;
            attributes_draw(pw, e, pw->initial_rng, NULL);
            double elapsed = in->elapsed ? sim_dist_sample(in->elapsed, pw->initial_rng) : 0.0;
            sim_engine_place(pw->eng, e, in->stage, elapsed);
        }
    }
}

sim_status pathway_run(pathway *pw, uint64_t seed, uint64_t replication)
{
    const model_spec *spec = pw->spec;
    seed_streams(pw, seed, replication);
    sim_engine_reset(pw->eng);
    if (sim_engine_status(pw->eng) != SIM_OK)
        return sim_engine_status(pw->eng);
    memset(pw->source_count, 0, (size_t)spec->n_sources * sizeof *pw->source_count);
    place_initial(pw);
    for (int i = 0; i < spec->n_sources; i++)
        source_start(pw, i);
    for (int i = 0; i < spec->n_patrols; i++)
        patrol_start(pw, i);
    for (int s = 0; s < spec->n_stages; s++)
        if (spec->stages[s].kind == MODEL_DAY_SERVICE)
            day_service_start(pw, s);
    return sim_engine_run(pw->eng);
}
