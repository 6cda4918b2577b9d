/* test_engine.c -- the blocking semantics stated at the top of sim/engine.h,
 * checked on tiny engines built by hand (no scenario, no models).
 *
 * Most tests follow a script: a list of actions (an arrival offered to some
 * stages, an offer of someone already present, a forced move, a probe that
 * copies the engine state) run by a handler of our own at fixed times.
 * Probes run at instants where nothing else happens, so what they see does
 * not depend on the order of simultaneous events. The last test drives a random flow instead and checks the
 * counters that must balance whatever happens. */
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/schedule.h"

#include "cu_table.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { MAX_STAGES = 6, MAX_PEOPLE = 8, MAX_ACTIONS = 32 };

typedef enum act_kind {
    ARRIVE,   /* spawn `who` with attribute 0 = attr, offer it the targets */
    OFFER,    /* offer `who` (already somewhere) the targets */
    MOVE,     /* move `who` unconditionally to targets[0] */
    PROBE     /* copy the engine state into the action */
} act_kind;

typedef struct action {
    double time;
    act_kind kind;
    int who;
    int n_targets;
    int targets[3];
    int attr;
    int joined;       /* run in the same event as the action before it */
    /* Filled in while running. */
    int done;
    sim_offer_result result;
    long occupancy[MAX_STAGES];
    long waiting[MAX_STAGES];
    double capacity[MAX_STAGES];
    int stage_of[MAX_PEOPLE];      /* who's stage, -1 if none */
    int awaiting[MAX_PEOPLE];      /* how many stages who waits for */
    sim_counts counts;
} action;

typedef struct script {
    action acts[MAX_ACTIONS];
    int n;
    sim_id people[MAX_PEOPLE];
    int n_stages;
} script;

static void add_act(script *s, double time, act_kind kind, int who, int attr, int n, int t0, int t1)
{
    CU_ASSERT_FATAL(s->n < MAX_ACTIONS);
    action *a = &s->acts[s->n++];
    memset(a, 0, sizeof *a);
    a->time = time;
    a->kind = kind;
    a->who = who;
    a->attr = attr;
    a->n_targets = n;
    a->targets[0] = t0;
    a->targets[1] = t1;
    a->result = (sim_offer_result)-1;
}

static void arrive(script *s, double time, int who, int stage)
{
    add_act(s, time, ARRIVE, who, 0, 1, stage, -1);
}

static void arrive_with(script *s, double time, int who, int attr, int stage)
{
    add_act(s, time, ARRIVE, who, attr, 1, stage, -1);
}

static void offer(script *s, double time, int who, int stage)
{
    add_act(s, time, OFFER, who, 0, 1, stage, -1);
}

static void offer2(script *s, double time, int who, int first, int second)
{
    add_act(s, time, OFFER, who, 0, 2, first, second);
}

static void move(script *s, double time, int who, int stage)
{
    add_act(s, time, MOVE, who, 0, 1, stage, -1);
}

/* Makes the last action run in the same event as the one before it, so
 * that nothing settles in between. */
static void join_last(script *s)
{
    CU_ASSERT_FATAL(s->n >= 2);
    s->acts[s->n - 1].joined = 1;
}

/* Returns the probe's index, to read its copy of the state later. */
static int probe(script *s, double time)
{
    add_act(s, time, PROBE, -1, 0, 0, -1, -1);
    return s->n - 1;
}

static void do_action(script *s, sim_engine *eng, action *a)
{
    sim_target targets[3];
    for (int i = 0; i < a->n_targets; i++) {
        targets[i].stage = a->targets[i];
        targets[i].positive = 1;
    }
    a->done = 1;
    switch (a->kind) {
    case ARRIVE: {
        sim_id e = sim_engine_spawn(eng);
        if (e < 0)
            return;
        sim_engine_entity(eng, e)->attr[0] = (uint8_t)a->attr;
        s->people[a->who] = e;
        a->result = sim_engine_offer(eng, e, targets, a->n_targets);
        if (a->result == SIM_REJECTED)
            sim_engine_discard(eng, e);
        break;
    }
    case OFFER:
        a->result = sim_engine_offer(eng, s->people[a->who], targets, a->n_targets);
        break;
    case MOVE:
        sim_engine_move(eng, s->people[a->who], a->targets[0], 1);
        break;
    case PROBE:
        for (int st = 0; st < s->n_stages && st < MAX_STAGES; st++) {
            a->occupancy[st] = sim_engine_occupancy(eng, st);
            a->waiting[st] = sim_engine_waiting(eng, st);
            a->capacity[st] = sim_engine_capacity(eng, st);
        }
        /* Only meaningful for people still present: a freed slot keeps
         * stale fields until reused. */
        for (int p = 0; p < MAX_PEOPLE; p++) {
            if (s->people[p] < 0)
                continue;
            const sim_entity *x = sim_engine_entity(eng, s->people[p]);
            a->stage_of[p] = x->stage;
            a->awaiting[p] = x->n_awaited;
        }
        sim_engine_counts(eng, &a->counts);
        break;
    }
}

static void on_action(void *ctx, sim_engine *eng, const sim_event *ev)
{
    script *s = ctx;
    do_action(s, eng, &s->acts[ev->arg]);
    for (int i = ev->arg + 1; i < s->n && s->acts[i].joined; i++)
        do_action(s, eng, &s->acts[i]);
}

/* ---- building engines ---------------------------------------------------- */

static sim_engine *new_engine(double horizon)
{
    sim_window whole = {0.0, horizon};
    sim_engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.horizon = horizon;
    cfg.n_windows = 1;
    cfg.windows = &whole;   /* copied by the engine */
    sim_engine *eng = sim_engine_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eng);
    return eng;
}

static sim_stage_config stage_config(const char *id)
{
    sim_stage_config c;
    memset(&c, 0, sizeof c);
    c.id = id;
    c.queue_cap = -1;
    c.priority_attr = -1;
    c.pool = -1;
    return c;
}

/* capacity < 0: unlimited. */
static int add_stage(sim_engine *eng, const char *id, double capacity)
{
    sim_stage_config c = stage_config(id);
    sim_schedule *cap = capacity >= 0 ? sim_schedule_new_constant(capacity) : NULL;
    c.capacity = cap;
    int s = sim_engine_add_stage(eng, &c);
    sim_schedule_free(cap);   /* the engine keeps its own copy */
    CU_ASSERT_FATAL(s >= 0);
    return s;
}

static int add_exit(sim_engine *eng)
{
    sim_stage_config c = stage_config("exit");
    c.absorbing = 1;
    int s = sim_engine_add_stage(eng, &c);
    CU_ASSERT_FATAL(s >= 0);
    return s;
}

/* Resets the engine, schedules the script and runs to the horizon. */
static sim_status run_script(sim_engine *eng, script *s)
{
    int type = sim_engine_add_handler(eng, on_action, s);
    CU_ASSERT_FATAL(type >= 0);
    s->n_stages = sim_engine_stage_count(eng);
    for (int p = 0; p < MAX_PEOPLE; p++)
        s->people[p] = -1;
    sim_engine_reset(eng);
    for (int i = 0; i < s->n; i++) {
        if (s->acts[i].joined)
            continue;
        unsigned prio = s->acts[i].kind == PROBE ? SIM_PRIORITY_LATE : SIM_PRIORITY_DEFAULT;
        sim_engine_schedule(eng, s->acts[i].time, prio, type, -1, 0, i);
    }
    sim_status st = sim_engine_run(eng);
    for (int i = 0; i < s->n; i++)
        CU_ASSERT(s->acts[i].done);
    return st;
}

static double metric(sim_engine *eng, int stage, sim_metric m)
{
    double out[SIM_METRIC_COUNT];
    sim_record_metrics(sim_engine_record(eng), 0, stage, out);
    return out[m];
}

static double blocked(sim_engine *eng, int stage, int awaited)
{
    return sim_record_blocked_days(sim_engine_record(eng), 0, stage, awaited);
}

/* ---- (1) waiting for a full stage --------------------------------------- */

static void full_stage_makes_arrivals_wait_and_admits_them_first_come_first_served(void)
{
    sim_engine *eng = new_engine(10.0);
    int S = add_stage(eng, "s", 1), X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, S);
    arrive(&sc, 1.0, 1, S);
    arrive(&sc, 2.0, 2, S);
    int p1 = probe(&sc, 2.5);
    move(&sc, 3.0, 0, X);
    int p2 = probe(&sc, 3.5);
    move(&sc, 6.0, 1, X);
    int p3 = probe(&sc, 6.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[0].result, SIM_ADMITTED);
    CU_ASSERT_EQUAL(sc.acts[1].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[2].result, SIM_WAITING);
    /* Waiting does not take a place. */
    CU_ASSERT_EQUAL(sc.acts[p1].occupancy[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[S], 2);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[0], S);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[1], -1);
    CU_ASSERT_EQUAL(sc.acts[p1].awaiting[1], 1);
    /* The departure admits the first in line, not the last. */
    CU_ASSERT_EQUAL(sc.acts[p2].occupancy[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[1], S);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[2], -1);
    CU_ASSERT_EQUAL(sc.acts[p3].stage_of[2], S);
    CU_ASSERT_EQUAL(sc.acts[p3].waiting[S], 0);
    /* Waits 0, 2 (1 -> 3) and 4 (2 -> 6): admitted at the departure instant. */
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_ADMISSIONS), 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_WAIT_MEAN_DAYS), 2.0, 1e-12);
    /* Waiting-list length integrated: 1 on [1,2), 2 on [2,3), 1 on [3,6). */
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_WAITING_MEAN), 6.0 / 10.0, 1e-12);
    /* Arrivals hold no place, so nothing is blocked. */
    CU_ASSERT_EQUAL(blocked(eng, S, S), 0.0);
    sim_engine_free(eng);
}

/* ---- (2) blocking -------------------------------------------------------- */

static void blocked_user_keeps_place_until_downstream_admits(void)
{
    sim_engine *eng = new_engine(10.0);
    int A = add_stage(eng, "a", 1), B = add_stage(eng, "b", 1), X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, B);          /* fills B */
    arrive(&sc, 0.5, 1, A);          /* fills A */
    offer(&sc, 1.0, 1, B);           /* 1 wants to move on: blocked in A */
    arrive(&sc, 1.5, 2, A);          /* 2 waits for A, held by 1 */
    int p1 = probe(&sc, 2.0);
    move(&sc, 5.0, 0, X);            /* B frees: 1 enters B, then 2 enters A */
    int p2 = probe(&sc, 5.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[2].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[3].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[1], A);     /* kept its place */
    CU_ASSERT_EQUAL(sc.acts[p1].occupancy[A], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[B], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[A], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[2], -1);
    /* Cascade in the same instant. */
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[1], B);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[2], A);
    CU_ASSERT_EQUAL(sc.acts[p2].occupancy[A], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].occupancy[B], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[A], 0);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[B], 0);
    CU_ASSERT_EQUAL(sc.acts[p2].awaiting[1], 0);
    /* One place of A blocked from 1 to 5, and nothing after. */
    CU_ASSERT_DOUBLE_EQUAL(blocked(eng, A, B), 4.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, A, SIM_METRIC_BLOCKED_PLACE_DAYS), 4.0, 1e-12);
    CU_ASSERT_EQUAL(blocked(eng, B, X), 0.0);
    /* Waits: 1 waited 4 for B, 2 waited 3.5 for A. */
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, B, SIM_METRIC_WAIT_MEAN_DAYS), (0.0 + 4.0) / 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, A, SIM_METRIC_WAIT_MEAN_DAYS), (0.0 + 3.5) / 2, 1e-12);
    /* 1 stayed in A from 0.5 to 5, blocked or not. */
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, A, SIM_METRIC_STAY_MEAN_DAYS), 4.5, 1e-12);
    sim_engine_free(eng);
}

static void one_departure_cascades_admissions_up_a_chain_of_full_stages(void)
{
    sim_engine *eng = new_engine(10.0);
    int A = add_stage(eng, "a", 1), B = add_stage(eng, "b", 1);
    int C = add_stage(eng, "c", 1), X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, C);
    arrive(&sc, 0.1, 1, B);
    arrive(&sc, 0.2, 2, A);
    offer(&sc, 1.0, 1, C);
    offer(&sc, 2.0, 2, B);
    arrive(&sc, 3.0, 3, A);
    int p1 = probe(&sc, 3.5);
    move(&sc, 4.0, 0, X);
    int p2 = probe(&sc, 4.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[1], B);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[2], A);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[3], -1);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[1], C);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[2], B);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[3], A);
    for (int s = A; s <= C; s++) {
        CU_ASSERT_EQUAL(sc.acts[p2].occupancy[s], 1);
        CU_ASSERT_EQUAL(sc.acts[p2].waiting[s], 0);
    }
    CU_ASSERT_DOUBLE_EQUAL(blocked(eng, B, C), 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(blocked(eng, A, B), 2.0, 1e-12);
    sim_engine_free(eng);
}

/* A place freed during an event goes to the waiting list when the event
 * ends, even if someone else asks for it before then. */
static void newcomer_does_not_jump_the_waiting_list_for_a_freed_place(void)
{
    sim_engine *eng = new_engine(10.0);
    int S = add_stage(eng, "s", 1), X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, S);
    arrive(&sc, 1.0, 1, S);
    move(&sc, 2.0, 0, X);
    arrive(&sc, 2.0, 2, S);          /* same event: the place is free, 1 waits */
    join_last(&sc);
    int p = probe(&sc, 2.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);
    CU_ASSERT_EQUAL(sc.acts[3].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[p].stage_of[1], S);
    CU_ASSERT_EQUAL(sc.acts[p].stage_of[2], -1);
    CU_ASSERT_EQUAL(sc.acts[p].waiting[S], 1);
    sim_engine_free(eng);
}

/* The list's length cap turns away arrivals and people in unlimited stages
 * (they lose nothing by it), but someone holding a capacitated place always
 * queues: refusing would strand them with nowhere to go. */
static void waiting_list_cap_turns_away_arrivals_but_never_blocked_users(void)
{
    sim_engine *eng = new_engine(10.0);
    int A = add_stage(eng, "a", 1), U = add_stage(eng, "street", -1);
    sim_schedule *one = sim_schedule_new_constant(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    sim_stage_config c = stage_config("b");
    c.capacity = one;
    c.queue_cap = 1;
    int B = sim_engine_add_stage(eng, &c);
    sim_schedule_free(one);
    CU_ASSERT_FATAL(B >= 0);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, B);
    arrive(&sc, 0.5, 1, B);          /* the list is now full */
    arrive(&sc, 1.0, 2, B);          /* turned away, discarded by the script */
    arrive(&sc, 1.5, 3, A);
    offer(&sc, 2.0, 3, B);           /* holds a place in A: queues anyway */
    arrive(&sc, 2.5, 4, U);
    offer(&sc, 3.0, 4, B);           /* unlimited stage: turned away, stays there */
    int p = probe(&sc, 3.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);
    CU_ASSERT_EQUAL(sc.acts[1].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[2].result, SIM_REJECTED);
    CU_ASSERT_EQUAL(sc.acts[4].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[6].result, SIM_REJECTED);
    CU_ASSERT_EQUAL(sc.acts[p].waiting[B], 2);
    CU_ASSERT_EQUAL(sc.acts[p].stage_of[3], A);
    CU_ASSERT_EQUAL(sc.acts[p].stage_of[4], U);
    CU_ASSERT_EQUAL(sc.acts[p].awaiting[4], 0);
    CU_ASSERT_EQUAL(sc.acts[p].counts.discarded, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, B, SIM_METRIC_REJECTED), 2.0, 1e-12);
    sim_engine_free(eng);
}

/* Blocked place-days measure capacity lost to blocking: someone waiting in
 * an unlimited stage takes nobody's place. */
static void blocked_time_counts_only_for_capacitated_places(void)
{
    sim_engine *eng = new_engine(10.0);
    int U = add_stage(eng, "street", -1), B = add_stage(eng, "b", 1);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, B);
    arrive(&sc, 0.5, 1, U);
    offer(&sc, 1.0, 1, B);
    int p = probe(&sc, 1.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);
    CU_ASSERT_EQUAL(sc.acts[2].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[p].stage_of[1], U);
    CU_ASSERT_EQUAL(sc.acts[p].waiting[B], 1);
    CU_ASSERT_EQUAL(blocked(eng, U, B), 0.0);
    sim_engine_free(eng);
}

/* ---- (3) waiting for several stages -------------------------------------- */

static void waiting_for_two_stages_splits_blocked_time_in_halves(void)
{
    sim_engine *eng = new_engine(11.0);
    int A = add_stage(eng, "a", 1), B = add_stage(eng, "b", 1);
    int C = add_stage(eng, "c", 1), X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, B);
    arrive(&sc, 0.1, 1, C);
    arrive(&sc, 0.2, 2, A);
    offer2(&sc, 1.0, 2, B, C);
    int p1 = probe(&sc, 1.5);
    move(&sc, 7.0, 0, X);       /* B frees first: 2 goes there, stops waiting for C */
    int p2 = probe(&sc, 7.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[3].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[B], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[C], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].awaiting[2], 2);
    CU_ASSERT_EQUAL(sc.acts[p1].occupancy[A], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[2], B);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[B], 0);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[C], 0);
    CU_ASSERT_EQUAL(sc.acts[p2].occupancy[A], 0);
    /* One place blocked for 6 days, shared evenly by the two awaited stages. */
    CU_ASSERT_DOUBLE_EQUAL(blocked(eng, A, B), 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(blocked(eng, A, C), 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, A, SIM_METRIC_BLOCKED_PLACE_DAYS), 6.0, 1e-12);
    sim_engine_free(eng);
}

/* ---- (4) priority levels ------------------------------------------------- */

static void higher_priority_waiter_overtakes_earlier_lower_priority_ones(void)
{
    sim_engine *eng = new_engine(10.0);
    /* Attribute 0 gives the level: value 1 (urgent) -> level 0, served first. */
    uint8_t levels[256];
    memset(levels, 1, sizeof levels);
    levels[1] = 0;
    sim_schedule *one = sim_schedule_new_constant(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    sim_stage_config c = stage_config("s");
    c.capacity = one;
    c.priority_attr = 0;
    c.n_levels = 2;
    c.level_of_value = levels;
    int S = sim_engine_add_stage(eng, &c);
    sim_schedule_free(one);
    CU_ASSERT_FATAL(S >= 0);
    int X = add_exit(eng);
    script sc = {.n = 0};
    arrive_with(&sc, 0.0, 0, 0, S);
    arrive_with(&sc, 1.0, 1, 0, S);    /* ordinary, first in line */
    arrive_with(&sc, 2.0, 2, 1, S);    /* urgent */
    arrive_with(&sc, 3.0, 3, 1, S);    /* urgent, after 2 */
    move(&sc, 4.0, 0, X);
    int p1 = probe(&sc, 4.5);
    move(&sc, 5.0, 2, X);
    int p2 = probe(&sc, 5.5);
    move(&sc, 6.0, 3, X);
    int p3 = probe(&sc, 6.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[2], S);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[1], -1);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[3], -1);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[S], 2);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[3], S);   /* FIFO within the level */
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[1], -1);
    CU_ASSERT_EQUAL(sc.acts[p3].stage_of[1], S);   /* the ordinary one at last */
    CU_ASSERT_EQUAL(sc.acts[p3].waiting[S], 0);
    sim_engine_free(eng);
}

/* ---- (5) patience -------------------------------------------------------- */

static int add_patient_stage(sim_engine *eng, const char *id, double capacity,
                             double patience, sim_behaviour behaviour)
{
    sim_schedule *cap = sim_schedule_new_constant(capacity);
    sim_dist *pat = sim_dist_new(SIM_DIST_FIXED, patience, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pat);
    sim_stage_config c = stage_config(id);
    c.capacity = cap;
    c.patience = pat;
    c.behaviour = behaviour;
    int s = sim_engine_add_stage(eng, &c);
    sim_schedule_free(cap);
    sim_dist_free(pat);
    CU_ASSERT_FATAL(s >= 0);
    return s;
}

static void arrival_that_waits_longer_than_its_patience_gives_up_and_is_discarded(void)
{
    sim_engine *eng = new_engine(10.0);
    gsl_rng *r = sim_rng_new(1, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    sim_engine_set_patience_rng(eng, r);
    sim_behaviour none = {0};
    int S = add_patient_stage(eng, "s", 1, 2.0, none), X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, S);
    arrive(&sc, 1.0, 1, S);         /* gives up at 3 */
    int p1 = probe(&sc, 2.5);
    int p2 = probe(&sc, 3.5);
    arrive(&sc, 4.0, 2, S);         /* would give up at 6 */
    move(&sc, 5.0, 0, X);           /* ... but is admitted at 5 */
    int p3 = probe(&sc, 5.5);
    int p4 = probe(&sc, 7.0);       /* its old patience event was ignored */
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[1].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p1].counts.discarded, 0.0);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[S], 0);
    CU_ASSERT_EQUAL(sc.acts[p2].counts.discarded, 1.0);
    CU_ASSERT_EQUAL(sc.acts[p2].counts.present, 1.0);
    CU_ASSERT_EQUAL(sc.acts[p3].stage_of[2], S);
    CU_ASSERT_EQUAL(sc.acts[p4].stage_of[2], S);
    CU_ASSERT_EQUAL(sc.acts[p4].occupancy[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p4].counts.discarded, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_RENEGED), 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_ADMISSIONS), 2.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_WAIT_MEAN_DAYS), (0.0 + 1.0) / 2, 1e-12);
    sim_engine_free(eng);
    gsl_rng_free(r);
}

static void count_reneged(void *ctx, sim_engine *eng, int stage, sim_id e)
{
    (void)eng;
    (void)e;
    int *calls = ctx;
    calls[stage]++;
}

/* A blocked user whose patience runs out stops waiting but stays where it
 * is; its stage's behaviour decides what happens next. */
static void blocked_user_whose_patience_runs_out_keeps_its_place(void)
{
    sim_engine *eng = new_engine(10.0);
    gsl_rng *r = sim_rng_new(1, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    sim_engine_set_patience_rng(eng, r);
    int calls[MAX_STAGES] = {0};
    sim_behaviour watch = {.reneged = count_reneged, .ctx = calls};
    sim_behaviour none = {0};
    int A = add_patient_stage(eng, "a", 1, 100.0, watch);
    int B = add_patient_stage(eng, "b", 1, 1.0, none);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, B);
    arrive(&sc, 0.5, 1, A);
    offer(&sc, 2.0, 1, B);          /* gives up waiting at 3 */
    int p = probe(&sc, 3.5);
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);
    CU_ASSERT_EQUAL(calls[A], 1);
    CU_ASSERT_EQUAL(calls[B], 0);
    CU_ASSERT_EQUAL(sc.acts[p].stage_of[1], A);
    CU_ASSERT_EQUAL(sc.acts[p].awaiting[1], 0);
    CU_ASSERT_EQUAL(sc.acts[p].waiting[B], 0);
    CU_ASSERT_EQUAL(sc.acts[p].counts.discarded, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, B, SIM_METRIC_RENEGED), 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(blocked(eng, A, B), 1.0, 1e-12);
    sim_engine_free(eng);
    gsl_rng_free(r);
}

/* ---- (6) capacity changes ------------------------------------------------ */

static void capacity_decrease_never_evicts_and_increase_admits_waiters(void)
{
    sim_engine *eng = new_engine(10.0);
    const double from[] = {0.0, 2.0, 6.0};
    const double values[] = {2.0, 1.0, 3.0};
    sim_schedule *cap = sim_schedule_new(3, from, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
    sim_stage_config c = stage_config("s");
    c.capacity = cap;
    int S = sim_engine_add_stage(eng, &c);
    sim_schedule_free(cap);
    CU_ASSERT_FATAL(S >= 0);
    int X = add_exit(eng);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, S);
    arrive(&sc, 0.5, 1, S);
    arrive(&sc, 1.0, 2, S);
    int p1 = probe(&sc, 2.5);        /* capacity 1, two inside: nobody evicted */
    move(&sc, 3.0, 0, X);
    int p2 = probe(&sc, 3.5);        /* one inside, capacity 1: still full */
    arrive(&sc, 4.0, 3, S);
    int p3 = probe(&sc, 5.0);
    int p4 = probe(&sc, 6.5);        /* capacity 3 since 6: both admitted */
    CU_ASSERT_EQUAL_FATAL(run_script(eng, &sc), SIM_OK);

    CU_ASSERT_EQUAL(sc.acts[1].result, SIM_ADMITTED);
    CU_ASSERT_EQUAL(sc.acts[2].result, SIM_WAITING);
    CU_ASSERT_EQUAL(sc.acts[p1].capacity[S], 1.0);
    CU_ASSERT_EQUAL(sc.acts[p1].occupancy[S], 2);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[0], S);
    CU_ASSERT_EQUAL(sc.acts[p1].stage_of[1], S);
    CU_ASSERT_EQUAL(sc.acts[p1].waiting[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].occupancy[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].waiting[S], 1);
    CU_ASSERT_EQUAL(sc.acts[p2].stage_of[2], -1);
    CU_ASSERT_EQUAL(sc.acts[6].result, SIM_WAITING);   /* 3 queues behind 2 */
    CU_ASSERT_EQUAL(sc.acts[p3].waiting[S], 2);
    CU_ASSERT_EQUAL(sc.acts[p4].capacity[S], 3.0);
    CU_ASSERT_EQUAL(sc.acts[p4].occupancy[S], 3);
    CU_ASSERT_EQUAL(sc.acts[p4].waiting[S], 0);
    CU_ASSERT_EQUAL(sc.acts[p4].stage_of[2], S);
    CU_ASSERT_EQUAL(sc.acts[p4].stage_of[3], S);
    /* Admitted at the instant of the increase: waits 0, 0, 5, 2. */
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, S, SIM_METRIC_WAIT_MEAN_DAYS), 7.0 / 4.0, 1e-12);
    sim_engine_free(eng);
}

/* ---- (7) conservation under a random flow ------------------------------- */

/* Arrivals offered to A (capacity 3, short list, impatient); after a stay in
 * A people ask for B (capacity 2) and stay blocked in A meanwhile; after B
 * they leave. Downstream is slower than upstream, so every mechanism (full
 * lists, reneging, blocking, cascades, stale events) is exercised. */
typedef struct flow {
    gsl_rng *arrivals, *stays;
    int t_arrival, t_done;
    int A, B, X;
} flow;

static void flow_enter(void *ctx, sim_engine *eng, int stage, sim_id e, double elapsed)
{
    (void)elapsed;
    flow *f = ctx;
    double mean = stage == f->A ? 1.0 : 1.5;
    sim_engine_schedule(eng, sim_engine_now(eng) + gsl_ran_exponential(f->stays, mean),
                        SIM_PRIORITY_DEFAULT, f->t_done, e, sim_engine_entity(eng, e)->token, stage);
}

static void flow_arrival(void *ctx, sim_engine *eng, const sim_event *ev)
{
    (void)ev;
    flow *f = ctx;
    sim_engine_schedule(eng, sim_engine_now(eng) + gsl_ran_exponential(f->arrivals, 0.5),
                        SIM_PRIORITY_DEFAULT, f->t_arrival, -1, 0, 0);
    sim_id e = sim_engine_spawn(eng);
    if (e < 0)
        return;
    sim_target t = {f->A, 1};
    if (sim_engine_offer(eng, e, &t, 1) == SIM_REJECTED)
        sim_engine_discard(eng, e);
}

static void flow_done(void *ctx, sim_engine *eng, const sim_event *ev)
{
    flow *f = ctx;
    if (!sim_engine_is_current(eng, ev))
        return;
    if (ev->arg == f->A) {
        sim_target t = {f->B, 1};
        /* Someone holding a capacitated place always queues. */
        CU_ASSERT_NOT_EQUAL(sim_engine_offer(eng, ev->subject, &t, 1), SIM_REJECTED);
    } else {
        sim_engine_move(eng, ev->subject, f->X, 1);
    }
}

static sim_engine *new_flow_engine(flow *f, gsl_rng *patience_rng)
{
    sim_engine *eng = new_engine(2000.0);
    sim_behaviour b = {.enter = flow_enter, .ctx = f};
    sim_schedule *three = sim_schedule_new_constant(3), *two = sim_schedule_new_constant(2);
    sim_dist *patience = sim_dist_new(SIM_DIST_EXPONENTIAL, 1.0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(three);
    CU_ASSERT_PTR_NOT_NULL_FATAL(two);
    CU_ASSERT_PTR_NOT_NULL_FATAL(patience);
    sim_stage_config a = stage_config("a");
    a.capacity = three;
    a.queue_cap = 2;
    a.patience = patience;
    a.behaviour = b;
    sim_stage_config bb = stage_config("b");
    bb.capacity = two;
    bb.behaviour = b;
    f->A = sim_engine_add_stage(eng, &a);
    f->B = sim_engine_add_stage(eng, &bb);
    f->X = add_exit(eng);
    sim_schedule_free(three);
    sim_schedule_free(two);
    sim_dist_free(patience);
    CU_ASSERT_FATAL(f->A >= 0 && f->B >= 0);
    f->t_arrival = sim_engine_add_handler(eng, flow_arrival, f);
    f->t_done = sim_engine_add_handler(eng, flow_done, f);
    CU_ASSERT_FATAL(f->t_arrival >= 0 && f->t_done >= 0);
    sim_engine_set_patience_rng(eng, patience_rng);
    return eng;
}

/* Seeds the three streams, resets the engine and runs one replication. */
static sim_status run_flow(sim_engine *eng, flow *f, gsl_rng *patience_rng)
{
    sim_rng_reset(f->arrivals, 7, 0, 0);
    sim_rng_reset(f->stays, 7, 0, 1);
    sim_rng_reset(patience_rng, 7, 0, 2);
    sim_engine_reset(eng);
    sim_engine_schedule(eng, 0.0, SIM_PRIORITY_DEFAULT, f->t_arrival, -1, 0, 0);
    return sim_engine_run(eng);
}

static void every_spawned_entity_is_absorbed_discarded_or_present(void)
{
    flow f;
    f.arrivals = sim_rng_new(7, 0, 0);
    f.stays = sim_rng_new(7, 0, 1);
    gsl_rng *pr = sim_rng_new(7, 0, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f.arrivals);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f.stays);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
    sim_engine *eng = new_flow_engine(&f, pr);
    CU_ASSERT_EQUAL_FATAL(run_flow(eng, &f, pr), SIM_OK);

    sim_counts k;
    sim_engine_counts(eng, &k);
    CU_ASSERT_EQUAL(k.spawned, k.absorbed + k.discarded + k.present);
    /* Present: inside A or B, or waiting for A without a place. */
    CU_ASSERT_EQUAL(k.present, (double)(sim_engine_occupancy(eng, f.A) + sim_engine_occupancy(eng, f.B) +
                                        sim_engine_waiting(eng, f.A)));
    /* Discarded: turned away at a full list, or gave up waiting. */
    CU_ASSERT_DOUBLE_EQUAL(k.discarded, metric(eng, f.A, SIM_METRIC_REJECTED) +
                                            metric(eng, f.A, SIM_METRIC_RENEGED), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(k.absorbed, metric(eng, f.X, SIM_METRIC_ADMISSIONS), 1e-9);
    CU_ASSERT(sim_engine_occupancy(eng, f.A) <= 3);
    CU_ASSERT(sim_engine_occupancy(eng, f.B) <= 2);
    CU_ASSERT(sim_engine_waiting(eng, f.A) <= 2);
    /* The scenario really exercised what it is meant to. */
    CU_ASSERT(k.spawned > 3000);
    CU_ASSERT(k.absorbed > 1000);
    CU_ASSERT(metric(eng, f.A, SIM_METRIC_REJECTED) > 100);
    CU_ASSERT(metric(eng, f.A, SIM_METRIC_RENEGED) > 100);
    CU_ASSERT(blocked(eng, f.A, f.B) > 100);
    /* Each place of A is either free, used, or blocked: blocked place-days
     * cannot exceed occupied place-days. */
    CU_ASSERT(blocked(eng, f.A, f.B) <= metric(eng, f.A, SIM_METRIC_OCCUPANCY_MEAN) * 2000.0 + 1e-6);

    /* A reset and rerun with the same seeds is the same run. */
    sim_counts again;
    double events = sim_engine_events(eng), blocked_days = blocked(eng, f.A, f.B);
    CU_ASSERT_EQUAL_FATAL(run_flow(eng, &f, pr), SIM_OK);
    sim_engine_counts(eng, &again);
    CU_ASSERT_EQUAL(again.spawned, k.spawned);
    CU_ASSERT_EQUAL(again.absorbed, k.absorbed);
    CU_ASSERT_EQUAL(again.discarded, k.discarded);
    CU_ASSERT_EQUAL(sim_engine_events(eng), events);
    CU_ASSERT_EQUAL(blocked(eng, f.A, f.B), blocked_days);

    sim_engine_free(eng);
    gsl_rng_free(f.arrivals);
    gsl_rng_free(f.stays);
    gsl_rng_free(pr);
}

/* ---- (8) overlay visits and the public space ----------------------------- */

/* One day, hour by hour: A and B start on the street (a public space), C in
 * a hotel (not one). A visit takes its visitor out of the public space only
 * if the visitor's own stage is public, whatever stage that is at the time;
 * moving ends a visit first. */
enum { V_STREET, V_REST, V_HOTEL };
typedef enum { V_VISIT, V_END, V_MOVE } visit_kind;

typedef struct visit_step {
    double hour;
    visit_kind kind;
    int who;        /* 0 = A, 1 = B, 2 = C */
    int stage;
} visit_step;

static const visit_step visit_steps[] = {
    {2, V_VISIT, 0, V_REST},    /* A leaves the street: public 2 -> 1 */
    {3, V_VISIT, 2, V_REST},    /* C visits from the hotel: still 1 */
    {5, V_END, 0, 0},           /* A is back on the street: 2 */
    {5, V_END, 2, 0},           /* C is back in the hotel: still 2 */
    {6, V_MOVE, 1, V_HOTEL},    /* B leaves the street for the hotel: 1 */
    {7, V_VISIT, 1, V_REST},    /* B visits from the hotel: still 1 */
    {8, V_MOVE, 1, V_STREET},   /* the move ends B's visit; B is on the street: 2 */
    {9, V_VISIT, 1, V_REST},    /* B leaves the street again: 1 */
    {10, V_END, 1, 0},          /* 2 for the rest of the day */
};
static const double public_by_hour[24] = {2, 2, 1, 1, 1, 2, 1, 1, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};

typedef struct visit_script {
    const visit_step *steps;
    sim_id people[3];
    int done;
    int ended;      /* visit_ended calls, each with its visitor already out */
} visit_script;

static void count_visit_ended(void *ctx, sim_engine *eng, int stage, sim_id e)
{
    visit_script *vs = ctx;
    CU_ASSERT_EQUAL(stage, V_REST);
    CU_ASSERT_EQUAL(sim_engine_visiting(eng, e), -1);
    vs->ended++;
}

static void on_visit_step(void *ctx, sim_engine *eng, const sim_event *ev)
{
    visit_script *vs = ctx;
    const visit_step *st = &vs->steps[ev->arg];
    sim_id e = vs->people[st->who];
    uint32_t token = sim_engine_visit_token(eng, e);
    switch (st->kind) {
    case V_VISIT:
        CU_ASSERT_EQUAL(sim_engine_visit(eng, e, st->stage), 1);
        CU_ASSERT_EQUAL(sim_engine_visiting(eng, e), st->stage);
        CU_ASSERT_EQUAL(sim_engine_visit(eng, e, st->stage), 0);   /* one visit at a time */
        CU_ASSERT_EQUAL(sim_engine_visit_token(eng, e), token);
        break;
    case V_END:
        sim_engine_end_visit(eng, e);
        CU_ASSERT_EQUAL(sim_engine_visiting(eng, e), -1);
        CU_ASSERT_EQUAL(sim_engine_visit_token(eng, e), token + 1);
        break;
    case V_MOVE:
        sim_engine_move(eng, e, st->stage, 0);
        CU_ASSERT_EQUAL(sim_engine_visiting(eng, e), -1);
        CU_ASSERT_EQUAL(sim_engine_entity(eng, e)->stage, st->stage);
        break;
    }
    vs->done++;
}

static void visit_leaves_the_public_space_only_from_a_public_stage(void)
{
    sim_engine *eng = new_engine(1.0);
    sim_stage_config c = stage_config("street");
    c.public_space = 1;
    CU_ASSERT_EQUAL_FATAL(sim_engine_add_stage(eng, &c), V_STREET);
    visit_script vs = {visit_steps, {-1, -1, -1}, 0, 0};
    sim_schedule *three = sim_schedule_new_constant(3);
    c = stage_config("rest");
    c.overlay = 1;
    c.capacity = three;
    c.behaviour = (sim_behaviour){.visit_ended = count_visit_ended, .ctx = &vs};
    CU_ASSERT_EQUAL_FATAL(sim_engine_add_stage(eng, &c), V_REST);
    sim_schedule_free(three);
    CU_ASSERT_EQUAL_FATAL(add_stage(eng, "hotel", 2), V_HOTEL);
    int type = sim_engine_add_handler(eng, on_visit_step, &vs);
    CU_ASSERT_FATAL(type >= 0);

    sim_engine_reset(eng);
    for (int p = 0; p < 3; p++) {
        vs.people[p] = sim_engine_spawn(eng);
        CU_ASSERT_FATAL(vs.people[p] >= 0);
        sim_engine_place(eng, vs.people[p], p < 2 ? V_STREET : V_HOTEL, 0.0);
    }
    int n = (int)(sizeof visit_steps / sizeof visit_steps[0]);
    for (int i = 0; i < n; i++)
        sim_engine_schedule(eng, visit_steps[i].hour / 24.0, SIM_PRIORITY_DEFAULT, type, -1, 0, i);
    CU_ASSERT_EQUAL_FATAL(sim_engine_run(eng), SIM_OK);
    CU_ASSERT_EQUAL(vs.done, n);

    for (int h = 0; h < 24; h++)
        CU_ASSERT_DOUBLE_EQUAL(sim_record_public_by_hour(sim_engine_record(eng), 0, h), public_by_hour[h], 1e-9);
    /* Four visits ended (one by the move), of 3, 2, 1 and 1 hours, and the
     * rest area heard of each, the move's included. */
    CU_ASSERT_EQUAL(vs.ended, 4);
    CU_ASSERT_EQUAL(sim_engine_occupancy(eng, V_REST), 0);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, V_REST, SIM_METRIC_EXITS), 4, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(metric(eng, V_REST, SIM_METRIC_STAY_MEAN_DAYS), 7.0 / 4 / 24, 1e-12);
    /* Visitors stay members of their own stage. */
    CU_ASSERT_EQUAL(sim_engine_occupancy(eng, V_STREET), 2);
    CU_ASSERT_EQUAL(sim_engine_occupancy(eng, V_HOTEL), 1);
    sim_engine_free(eng);
}

/* Patrols meet the members of a pool who are not on a visit: the engine
 * integrates their share. A and B on the street, whose rest area takes
 * its visitors from it; then both leave for the hotel. */
static const visit_step share_steps[] = {
    {6, V_VISIT, 0, V_REST},    /* share 1/2 */
    {12, V_END, 0, 0},          /* 1 */
    {14, V_VISIT, 1, V_REST},   /* 1/2 */
    {18, V_MOVE, 1, V_HOTEL},   /* the move ends B's visit; A alone, outside: 1 */
    {20, V_MOVE, 0, V_HOTEL},   /* nobody left: 0 */
};

static void share_of_a_pool_outside_visits_is_integrated(void)
{
    sim_engine *eng = new_engine(1.0);
    sim_stage_config c = stage_config("street");
    c.public_space = 1;
    c.outside_share = 1;
    CU_ASSERT_EQUAL_FATAL(sim_engine_add_stage(eng, &c), V_STREET);
    visit_script vs = {share_steps, {-1, -1, -1}, 0, 0};
    c = stage_config("rest");
    c.overlay = 1;
    c.pool = V_STREET;
    CU_ASSERT_EQUAL_FATAL(sim_engine_add_stage(eng, &c), V_REST);
    CU_ASSERT_EQUAL_FATAL(add_stage(eng, "hotel", 2), V_HOTEL);
    int type = sim_engine_add_handler(eng, on_visit_step, &vs);
    CU_ASSERT_FATAL(type >= 0);

    for (int rep = 0; rep < 2; rep++) {   /* the second checks the reset */
        sim_engine_reset(eng);
        vs.done = 0;
        for (int p = 0; p < 2; p++) {
            vs.people[p] = sim_engine_spawn(eng);
            CU_ASSERT_FATAL(vs.people[p] >= 0);
            sim_engine_place(eng, vs.people[p], V_STREET, 0.0);
        }
        int n = (int)(sizeof share_steps / sizeof share_steps[0]);
        for (int i = 0; i < n; i++)
            sim_engine_schedule(eng, share_steps[i].hour / 24.0, SIM_PRIORITY_DEFAULT, type, -1, 0, i);
        CU_ASSERT_EQUAL_FATAL(sim_engine_run(eng), SIM_OK);
        CU_ASSERT_EQUAL(vs.done, n);
        /* 6 h at 1, 6 at 1/2, 2 at 1, 4 at 1/2, 2 at 1, 4 at 0. */
        CU_ASSERT_DOUBLE_EQUAL(sim_engine_outside_days(eng, V_STREET), 15.0 / 24, 1e-12);
    }
    sim_engine_free(eng);
}

/* ---- (9) deadlock -------------------------------------------------------- */

/* A stage of capacity `cap` until `until`, then `after` (until = INFINITY:
 * constant); can_leave says whether its members may leave by a hazard. */
static int add_stage_with(sim_engine *eng, const char *id, double cap, double until, double after, int can_leave)
{
    const double from[] = {0.0, until};
    const double values[] = {cap, after};
    sim_schedule *sched = sim_schedule_new(isinf(until) ? 1 : 2, from, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sched);
    sim_stage_config c = stage_config(id);
    c.capacity = sched;
    c.can_leave = can_leave;
    int s = sim_engine_add_stage(eng, &c);
    sim_schedule_free(sched);
    CU_ASSERT_FATAL(s >= 0);
    return s;
}

/* Two full stages whose members each wait for the other's place. */
static sim_status swap_places(sim_engine *eng, int A, int B)
{
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, A);
    arrive(&sc, 0.0, 1, B);
    offer(&sc, 1.0, 0, B);
    offer(&sc, 2.0, 1, A);
    return run_script(eng, &sc);
}

static void circular_blocking_stops_the_run_and_names_the_stages(void)
{
    sim_engine *eng = new_engine(10.0);
    int A = add_stage(eng, "a", 1), B = add_stage(eng, "b", 1);
    CU_ASSERT_EQUAL(swap_places(eng, A, B), SIM_ERR_DEADLOCK);
    const char *why = sim_engine_error_detail(eng);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "circular blocking between stages"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, " a") && strstr(why, " b"));
    CU_ASSERT_DOUBLE_EQUAL(sim_engine_now(eng), 2.0, 1e-12);   /* stopped when it formed */
    sim_engine_free(eng);
}

/* Blocking that will end is no deadlock: a place that opens later, or
 * members who may leave by an exit hazard. */
static void blocking_that_can_end_is_not_a_deadlock(void)
{
    sim_engine *eng = new_engine(10.0);
    int A = add_stage(eng, "a", 1), B = add_stage_with(eng, "b", 1, 5.0, 2.0, 0);
    CU_ASSERT_EQUAL(swap_places(eng, A, B), SIM_OK);
    sim_engine_free(eng);

    eng = new_engine(10.0);
    A = add_stage_with(eng, "a", 1, INFINITY, 0, 1);
    B = add_stage(eng, "b", 1);
    CU_ASSERT_EQUAL(swap_places(eng, A, B), SIM_OK);
    sim_engine_free(eng);
}

/* Waiting for a stage with no places, ever: stopped, and that stage named
 * as the cause (nobody holds it, so "circular" would mislead). */
static void waiting_for_a_stage_without_places_names_it(void)
{
    sim_engine *eng = new_engine(10.0);
    int A = add_stage(eng, "a", 1), B = add_stage(eng, "b", 0);
    script sc = {.n = 0};
    arrive(&sc, 0.0, 0, A);
    offer(&sc, 1.0, 0, B);
    CU_ASSERT_EQUAL(run_script(eng, &sc), SIM_ERR_DEADLOCK);
    const char *why = sim_engine_error_detail(eng);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "b has no places, now or later"));
    CU_ASSERT_PTR_NULL(strstr(why, "circular"));
    sim_engine_free(eng);

    /* The same stage given places later: the wait ends. */
    eng = new_engine(10.0);
    A = add_stage(eng, "a", 1);
    B = add_stage_with(eng, "b", 0, 4.0, 1.0, 0);
    script sc2 = {.n = 0};
    arrive(&sc2, 0.0, 0, A);
    offer(&sc2, 1.0, 0, B);
    int p = probe(&sc2, 5.0);
    CU_ASSERT_EQUAL(run_script(eng, &sc2), SIM_OK);
    CU_ASSERT_EQUAL(sc2.acts[p].stage_of[0], B);
    sim_engine_free(eng);
}

static const cu_table_test tests[] = {
    {"full_stage_makes_arrivals_wait_and_admits_them_first_come_first_served",
     full_stage_makes_arrivals_wait_and_admits_them_first_come_first_served},
    {"blocked_user_keeps_place_until_downstream_admits", blocked_user_keeps_place_until_downstream_admits},
    {"one_departure_cascades_admissions_up_a_chain_of_full_stages",
     one_departure_cascades_admissions_up_a_chain_of_full_stages},
    {"newcomer_does_not_jump_the_waiting_list_for_a_freed_place",
     newcomer_does_not_jump_the_waiting_list_for_a_freed_place},
    {"waiting_list_cap_turns_away_arrivals_but_never_blocked_users",
     waiting_list_cap_turns_away_arrivals_but_never_blocked_users},
    {"blocked_time_counts_only_for_capacitated_places", blocked_time_counts_only_for_capacitated_places},
    {"waiting_for_two_stages_splits_blocked_time_in_halves",
     waiting_for_two_stages_splits_blocked_time_in_halves},
    {"higher_priority_waiter_overtakes_earlier_lower_priority_ones",
     higher_priority_waiter_overtakes_earlier_lower_priority_ones},
    {"arrival_that_waits_longer_than_its_patience_gives_up_and_is_discarded",
     arrival_that_waits_longer_than_its_patience_gives_up_and_is_discarded},
    {"blocked_user_whose_patience_runs_out_keeps_its_place",
     blocked_user_whose_patience_runs_out_keeps_its_place},
    {"capacity_decrease_never_evicts_and_increase_admits_waiters",
     capacity_decrease_never_evicts_and_increase_admits_waiters},
    {"every_spawned_entity_is_absorbed_discarded_or_present",
     every_spawned_entity_is_absorbed_discarded_or_present},
    {"visit_leaves_the_public_space_only_from_a_public_stage",
     visit_leaves_the_public_space_only_from_a_public_stage},
    {"share_of_a_pool_outside_visits_is_integrated", share_of_a_pool_outside_visits_is_integrated},
    {"circular_blocking_stops_the_run_and_names_the_stages", circular_blocking_stops_the_run_and_names_the_stages},
    {"blocking_that_can_end_is_not_a_deadlock", blocking_that_can_end_is_not_a_deadlock},
    {"waiting_for_a_stage_without_places_names_it", waiting_for_a_stage_without_places_names_it},
};

int main(void)
{
    return cu_table_run("engine", tests, sizeof tests / sizeof tests[0]);
}
