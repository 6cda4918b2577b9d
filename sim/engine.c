/* engine.c -- event loop, entity pool, stages with waiting lists and blocking.
 *
 * Invariants kept between events:
 * - stage->occupancy == number of entities whose `stage` (or `visiting`, for
 *   overlays) is that stage, and members[0..occupancy) lists them, each
 *   entity's member_index pointing at its own slot;
 * - stage->n_waiting == number of entities whose awaited[] contains the
 *   stage; the waiting rings may also hold stale entries (an entity that
 *   stopped waiting has a different wait_token), dropped when reached;
 * - after settle(), no stage has both a free place and someone waiting.
 *
 * Entities live in one growable array addressed by index, so a sim_entity
 * pointer is only valid until the next spawn. Their visit state lives in
 * two parallel arrays of its own (see `visit_where`). */
#include "sim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wait_entry {
    sim_id e;
    uint32_t wait_token;
} wait_entry;

/* A FIFO ring whose capacity is a power of two (16, then doubled), so that
 * positions wrap with a mask: a division per enqueue and dequeue showed in
 * every queueing model, where each customer passes through a ring. */
typedef struct wait_ring {
    wait_entry *buf;
    size_t head, count, cap;
} wait_ring;

typedef struct stage {
    char *id;
    sim_schedule *capacity;     /* NULL: unlimited */
    double cap_now;
    long occupancy;
    sim_id *members;
    long members_cap;
    wait_ring *levels;
    int n_levels;
    long n_waiting;
    long queue_cap;
    sim_dist *patience;
    int priority_attr;
    uint8_t level_of_value[256];
    int absorbing, overlay, can_leave, public_space;
    long n_blocked;             /* members waiting to move on */
    int pool;                   /* overlays: the stage of every visitor, or -1 */
    /* cfg.outside_share: members on a visit (of an overlay whose pool this
     * is), and the integral of the share of members not on one (see
     * outside_until). */
    int outside_share;
    long away;
    double outside_days, n_since, away_int, away_since;
    int in_worklist;
    int mark;                   /* deadlock search */
    sim_behaviour behaviour;
} stage;

/* Visit state is kept apart from sim_entity, in two arrays parallel to the
 * entity table. Day services pick visitors at random from pools that may
 * hold a million people; a random read of an entity (80 bytes) misses
 * every cache level then. The pick and the start of a visit read only
 * `visit_where`, 4 bytes a person, which the caches hold; the rest of the
 * visit is written then and read back when it ends. */
typedef struct visit_where {
    int16_t stage;           /* overlay stage visited, -1 if none */
    uint8_t home_public;     /* its own stage is public: 0 from spawn, set by enter and place */
    uint8_t unused;
} visit_where;

typedef struct visit {
    double since;            /* when the current visit started */
    uint32_t token;          /* bumped whenever a visit ends */
    int32_t index;           /* position in the overlay's member array */
} visit;

typedef struct handler {
    sim_handler fn;
    void *ctx;
} handler;

enum { EV_CAPACITY, EV_CENSUS, EV_PATIENCE, EV_INTERNAL_COUNT };

struct sim_engine {
    sim_engine_config cfg;
    sim_window *windows;
    double *census;
    sim_evset *events;
    sim_record *rec;
    double now;
    double n_events;
    sim_status status;
    char detail[256];

    sim_entity *entities;
    visit_where *where;         /* [entities_cap], parallel to entities */
    visit *visits;              /* [entities_cap], parallel to entities */
    long n_entities, entities_cap;
    sim_id free_head;
    uint32_t lives;
    sim_counts counts;

    stage *stages;
    int n_stages, stages_cap;
    handler *handlers;
    int n_handlers, handlers_cap;

    int *worklist;
    int n_work;
    long public_level;          /* members of public stages not on a visit */
    double *scratch;
    long scratch_cap;
    gsl_rng *patience_rng;
    double population_cap;      /* cfg.max_population, or +infinity for none */
};

static void on_capacity(void *ctx, sim_engine *eng, const sim_event *ev);
static void on_census(void *ctx, sim_engine *eng, const sim_event *ev);
static void on_patience(void *ctx, sim_engine *eng, const sim_event *ev);

/* Fails the run with SIM_ERR_INVARIANT, naming the stage: a bug, never
 * reached in a correct run (out of line, away from the hot paths). */
static __attribute__((noinline)) void invariant_broken(sim_engine *eng, const char *what,
                                                       const char *stage_id)
{
    snprintf(eng->detail, sizeof eng->detail, what, stage_id);
    sim_engine_fail(eng, SIM_ERR_INVARIANT);
}

sim_engine *sim_engine_new(const sim_engine_config *cfg)
{
    sim_engine *eng = calloc(1, sizeof *eng);
    if (eng == NULL)
        return NULL;
    eng->cfg = *cfg;
    eng->population_cap = cfg->max_population > 0 ? (double)cfg->max_population : INFINITY;
    eng->windows = malloc(((size_t)cfg->n_windows + 1) * sizeof *eng->windows);
    eng->census = malloc(((size_t)cfg->n_census + 1) * sizeof *eng->census);
    eng->events = sim_evset_new(1024);
    eng->free_head = -1;
    if (!eng->windows || !eng->census || !eng->events)
        goto err;
    memcpy(eng->windows, cfg->windows, (size_t)cfg->n_windows * sizeof *eng->windows);
    if (cfg->n_census > 0)
        memcpy(eng->census, cfg->census, (size_t)cfg->n_census * sizeof *eng->census);
    eng->cfg.windows = eng->windows;
    eng->cfg.census = eng->census;
    if (sim_engine_add_handler(eng, on_capacity, NULL) != EV_CAPACITY ||
        sim_engine_add_handler(eng, on_census, NULL) != EV_CENSUS ||
        sim_engine_add_handler(eng, on_patience, NULL) != EV_PATIENCE)
        goto err;
    return eng;
err:
    sim_engine_free(eng);
    return NULL;
}

static void stage_fini(stage *st)
{
    free(st->id);
    sim_schedule_free(st->capacity);
    free(st->members);
    for (int l = 0; st->levels && l < st->n_levels; l++)   /* levels NULL: its calloc failed */
        free(st->levels[l].buf);
    free(st->levels);
    sim_dist_free(st->patience);
}

void sim_engine_free(sim_engine *eng)
{
    if (eng == NULL)
        return;
    for (int s = 0; s < eng->n_stages; s++)
        stage_fini(&eng->stages[s]);
    free(eng->stages);
    free(eng->handlers);
    free(eng->entities);
    free(eng->where);
    free(eng->visits);
    free(eng->worklist);
    free(eng->scratch);
    free(eng->windows);
    free(eng->census);
    sim_evset_free(eng->events);
    sim_record_free(eng->rec);
    free(eng);
}

int sim_engine_add_handler(sim_engine *eng, sim_handler fn, void *ctx)
{
    if (eng->n_handlers == eng->handlers_cap) {
        int cap = eng->handlers_cap ? 2 * eng->handlers_cap : 16;
        handler *h = realloc(eng->handlers, (size_t)cap * sizeof *h);
        if (h == NULL)
            return -1;
        eng->handlers = h;
        eng->handlers_cap = cap;
    }
    eng->handlers[eng->n_handlers].fn = fn;
    eng->handlers[eng->n_handlers].ctx = ctx;
    return eng->n_handlers++;
}

int sim_engine_add_stage(sim_engine *eng, const sim_stage_config *cfg)
{
    if (eng->n_stages >= INT16_MAX)
        return -1;   /* stage numbers are kept in 16 bits (awaited, visit_where) */
    if (eng->n_stages == eng->stages_cap) {
        int cap = eng->stages_cap ? 2 * eng->stages_cap : 16;
        stage *s = realloc(eng->stages, (size_t)cap * sizeof *s);
        int *w = realloc(eng->worklist, (size_t)cap * sizeof *w);
        if (s != NULL)
            eng->stages = s;
        if (w != NULL)
            eng->worklist = w;
        if (s == NULL || w == NULL)
            return -1;
        eng->stages_cap = cap;
    }
    stage *st = &eng->stages[eng->n_stages];
    memset(st, 0, sizeof *st);
    st->n_levels = cfg->priority_attr >= 0 ? cfg->n_levels : 1;
    st->id = malloc(strlen(cfg->id) + 1);
    st->levels = calloc((size_t)st->n_levels, sizeof *st->levels);
    st->capacity = cfg->capacity ? sim_schedule_copy(cfg->capacity) : NULL;
    st->patience = cfg->patience ? sim_dist_copy(cfg->patience) : NULL;
    if (!st->id || !st->levels || (cfg->capacity && !st->capacity) ||
        (cfg->patience && !st->patience)) {
        stage_fini(st);
        return -1;
    }
    strcpy(st->id, cfg->id);
    st->queue_cap = cfg->queue_cap;
    st->priority_attr = cfg->priority_attr;
    if (cfg->priority_attr >= 0)
        memcpy(st->level_of_value, cfg->level_of_value, 256);
    st->absorbing = cfg->absorbing;
    st->overlay = cfg->overlay;
    st->can_leave = cfg->can_leave;
    st->public_space = cfg->public_space;
    st->pool = cfg->overlay ? cfg->pool : -1;
    st->outside_share = cfg->outside_share;
    st->behaviour = cfg->behaviour;
    st->cap_now = INFINITY;
    return eng->n_stages++;
}

/* ---- entities ---------------------------------------------------------- */

/* A never used slot for a new entity, growing the arrays when they are
 * full; -1 (and the run fails) at the limit or when out of memory. */
static __attribute__((noinline)) sim_id fresh_slot(sim_engine *eng)
{
    if (eng->n_entities == eng->entities_cap) {
        long cap = eng->entities_cap ? 2 * eng->entities_cap : 1024;
        if (cap > INT32_MAX) {
            sim_engine_fail(eng, SIM_ERR_POPULATION_CAP);
            return -1;
        }
        /* Each array is kept once it has grown: a later failure leaves
         * the earlier ones larger than entities_cap, which is harmless. */
        sim_entity *a = realloc(eng->entities, (size_t)cap * sizeof *a);
        if (a != NULL)
            eng->entities = a;
        visit_where *w = a != NULL ? realloc(eng->where, (size_t)cap * sizeof *w) : NULL;
        if (w != NULL)
            eng->where = w;
        visit *v = w != NULL ? realloc(eng->visits, (size_t)cap * sizeof *v) : NULL;
        if (v == NULL) {
            sim_engine_fail(eng, SIM_ERR_NOMEM);
            return -1;
        }
        eng->visits = v;
        eng->entities_cap = cap;
    }
    sim_id e = (sim_id)eng->n_entities++;
    eng->entities[e].token = 0;
    eng->entities[e].wait_token = 0;
    eng->visits[e].token = 0;
    return e;
}

static __attribute__((noinline)) void population_cap_reached(sim_engine *eng)
{
    snprintf(eng->detail, sizeof eng->detail,
             "more than %ld people present at once (the population cap)", eng->cfg.max_population);
    sim_engine_fail(eng, SIM_ERR_POPULATION_CAP);
}

sim_id sim_engine_spawn(sim_engine *eng)
{
    if (eng->counts.present >= eng->population_cap) {
        population_cap_reached(eng);
        return -1;
    }
    sim_id e = eng->free_head;
    if (e >= 0)
        eng->free_head = eng->entities[e].next_free;
    else if ((e = fresh_slot(eng)) < 0)
        return -1;
    sim_entity *x = &eng->entities[e];
    uint32_t token = x->token + 1, wait_token = x->wait_token + 1;
    memset(x, 0, sizeof *x);
    x->token = token;            /* tokens survive reuse: old events stay stale */
    x->wait_token = wait_token;
    x->life = ++eng->lives;
    x->t_arrival = eng->now;
    x->stage = -1;
    x->next_free = -1;
    eng->where[e].stage = -1;
    eng->where[e].home_public = 0;
    eng->visits[e].token++;      /* since and index are written when a visit starts */
    eng->counts.spawned += 1;
    eng->counts.present += 1;
    return e;
}

sim_entity *sim_engine_entity(sim_engine *eng, sim_id e)
{
    assert(e >= 0 && e < eng->n_entities);
    return &eng->entities[e];
}

int sim_engine_is_current(sim_engine *eng, const sim_event *ev)
{
    return eng->entities[ev->subject].token == ev->token;
}

static void release(sim_engine *eng, sim_id e)
{
    sim_entity *x = &eng->entities[e];
    x->token++;
    x->wait_token++;
    x->stage = -1;
    x->next_free = eng->free_head;
    eng->free_head = e;
    eng->counts.present -= 1;
}

/* ---- membership --------------------------------------------------------- */

static int add_member(sim_engine *eng, stage *st, sim_id e, int32_t *index)
{
    if (st->occupancy == st->members_cap) {
        long cap = st->members_cap ? 2 * st->members_cap : 64;
        sim_id *m = realloc(st->members, (size_t)cap * sizeof *m);
        if (m == NULL) {
            sim_engine_fail(eng, SIM_ERR_NOMEM);
            return -1;
        }
        st->members = m;
        st->members_cap = cap;
    }
    *index = (int32_t)st->occupancy;
    st->members[st->occupancy++] = e;
    return 0;
}

static void remove_member(sim_engine *eng, stage *st, long index, int overlay)
{
    sim_id last = st->members[--st->occupancy];
    st->members[index] = last;
    if (overlay)
        eng->visits[last].index = (int32_t)index;
    else
        eng->entities[last].member_index = (int32_t)index;
}

static void public_change(sim_engine *eng, long delta)
{
    eng->public_level += delta;
    sim_record_public(eng->rec, eng->now, (double)eng->public_level);
}

/* The integral of the share outside visits, (n - away) / n, is kept in
 * two parts so that a visit, far more frequent than a change of members,
 * costs no division: away_int integrates `away` since the last change of
 * n (n_since), and at that change the stretch's share is folded into
 * outside_days as its length minus away_int / n. */
static double outside_until(const stage *st, double now)
{
    if (st->occupancy <= 0)
        return st->outside_days;
    double away_int = st->away_int + (now - st->away_since) * (double)st->away;
    return st->outside_days + (now - st->n_since) - away_int / (double)st->occupancy;
}

/* Before a change of the stage's members. */
static void outside_fold(const sim_engine *eng, stage *st)
{
    st->outside_days = outside_until(st, eng->now);
    st->n_since = st->away_since = eng->now;
    st->away_int = 0;
}

static void away_change(sim_engine *eng, int pool, long delta)
{
    stage *st = &eng->stages[pool];
    if (st->outside_share) {
        st->away_int += (eng->now - st->away_since) * (double)st->away;
        st->away_since = eng->now;
        st->away += delta;
    }
}

double sim_engine_outside_days(const sim_engine *eng, int s)
{
    return outside_until(&eng->stages[s], eng->now);
}

static void push_work(sim_engine *eng, int s)
{
    if (!eng->stages[s].in_worklist) {
        eng->stages[s].in_worklist = 1;
        eng->worklist[eng->n_work++] = s;
    }
}

/* ---- waiting lists ------------------------------------------------------ */

/* Makes room in a full ring. Entries of people who stopped waiting stay
 * in it until reached; when they are half of it or more, dropping them in
 * place makes the room, without memory (a ring would otherwise grow
 * whenever a replication left more stale entries than the last, which
 * allocated in the steady state of Paris). Otherwise the ring doubles,
 * keeping live entries only; -1 (and the run fails) when out of memory. */
static __attribute__((noinline)) int ring_grow(sim_engine *eng, wait_ring *q)
{
    size_t live = 0;
    for (size_t i = 0; i < q->count; i++) {
        wait_entry x = q->buf[(q->head + i) & (q->cap - 1)];
        live += eng->entities[x.e].wait_token == x.wait_token;
    }
    if (q->cap > 0 && live <= q->cap / 2) {
        /* The write position never passes the read one: in place is safe. */
        size_t k = 0;
        for (size_t i = 0; i < q->count; i++) {
            wait_entry x = q->buf[(q->head + i) & (q->cap - 1)];
            if (eng->entities[x.e].wait_token == x.wait_token)
                q->buf[(q->head + k++) & (q->cap - 1)] = x;
        }
        q->count = k;
        return 0;
    }
    size_t cap = q->cap ? 2 * q->cap : 16;
    wait_entry *b = malloc(cap * sizeof *b);
    if (b == NULL) {
        sim_engine_fail(eng, SIM_ERR_NOMEM);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < q->count; i++) {
        wait_entry x = q->buf[(q->head + i) & (q->cap - 1)];
        if (eng->entities[x.e].wait_token == x.wait_token)
            b[k++] = x;
    }
    free(q->buf);
    q->buf = b;
    q->head = 0;
    q->count = k;
    q->cap = cap;
    return 0;
}

static int ring_push(sim_engine *eng, wait_ring *q, wait_entry en)
{
    if (q->count == q->cap && ring_grow(eng, q) != 0)
        return -1;
    q->buf[(q->head + q->count) & (q->cap - 1)] = en;
    q->count++;
    return 0;
}

static int level_of(const stage *st, const sim_entity *x)
{
    return st->priority_attr >= 0 ? st->level_of_value[x->attr[st->priority_attr]] : 0;
}

/* Splits the blocked place of x evenly over what it awaits: sign +1 adds
 * its share, -1 removes it. */
static __attribute__((noinline)) void account_blocked_shares(sim_engine *eng, const sim_entity *x,
                                                              double sign)
{
    eng->stages[x->stage].n_blocked += sign > 0 ? 1 : -1;
    if (eng->stages[x->stage].capacity == NULL)
        return;
    double share = sign / x->n_awaited;
    for (int i = 0; i < x->n_awaited; i++)
        sim_record_blocked(eng->rec, x->stage, x->awaited[i], eng->now, share);
}

/* Only an entity that holds a place and waits is blocked. */
static inline void account_blocked(sim_engine *eng, const sim_entity *x, double sign)
{
    if (x->stage >= 0 && x->n_awaited > 0)
        account_blocked_shares(eng, x, sign);
}

/* x waits (n_awaited > 0): takes it off every waiting list's count. */
static void stop_waiting(sim_engine *eng, sim_entity *x)
{
    account_blocked(eng, x, -1.0);
    for (int i = 0; i < x->n_awaited; i++) {
        stage *t = &eng->stages[x->awaited[i]];
        t->n_waiting--;
        sim_record_waitlist(eng->rec, x->awaited[i], eng->now, (double)t->n_waiting);
    }
    x->n_awaited = 0;
    x->positive_mask = 0;
    x->wait_token++;
}

void sim_engine_stop_waiting(sim_engine *eng, sim_id e)
{
    sim_entity *x = &eng->entities[e];
    if (x->n_awaited > 0)
        stop_waiting(eng, x);
}

/* ---- moves -------------------------------------------------------------- */

static void enter(sim_engine *eng, sim_id e, int to, double wait)
{
    stage *st = &eng->stages[to];
    sim_record_admission(eng->rec, to, eng->now, wait);
    if (st->absorbing) {
        eng->counts.absorbed += 1;
        release(eng, e);
        return;
    }
    if (st->occupancy >= st->cap_now)
        invariant_broken(eng, "stage %s admitted above its capacity", st->id);
    sim_entity *x = &eng->entities[e];
    if (st->outside_share)
        outside_fold(eng, st);
    if (add_member(eng, st, e, &x->member_index) != 0)
        return;
    x->stage = to;
    eng->where[e].home_public = (uint8_t)(st->public_space != 0);
    x->t_enter = eng->now;
    sim_record_occupancy(eng->rec, to, eng->now, (double)st->occupancy);
    if (st->public_space)
        public_change(eng, +1);
    if (st->behaviour.enter)
        st->behaviour.enter(st->behaviour.ctx, eng, to, e, 0.0);
}

static void leave(sim_engine *eng, sim_id e, int positive)
{
    sim_entity *x = &eng->entities[e];
    int from = x->stage;
    if (from < 0)
        return;
    stage *st = &eng->stages[from];
    if (st->outside_share)
        outside_fold(eng, st);
    remove_member(eng, st, x->member_index, 0);
    x->stage = -1;
    x->token++;
    if (st->public_space)
        public_change(eng, -1);
    sim_record_occupancy(eng->rec, from, eng->now, (double)st->occupancy);
    sim_record_exit(eng->rec, from, eng->now, positive, eng->now - x->t_enter);
    if (st->n_waiting > 0)
        push_work(eng, from);
}

static inline void transfer(sim_engine *eng, sim_id e, int to, int positive)
{
    sim_entity *x = &eng->entities[e];
    double wait = 0.0;
    if (x->n_awaited > 0) {
        wait = eng->now - x->t_wait;
        stop_waiting(eng, x);
    }
    if (eng->where[e].stage >= 0)
        sim_engine_end_visit(eng, e);
    if (x->stage >= 0)
        leave(eng, e, positive);
    enter(eng, e, to, wait);
}

void sim_engine_move(sim_engine *eng, sim_id e, int to, int positive)
{
    transfer(eng, e, to, positive);
}

void sim_engine_place(sim_engine *eng, sim_id e, int to, double elapsed)
{
    stage *st = &eng->stages[to];
    sim_record_add(eng->rec, to, SIM_RAW_ADMISSIONS, 0.0 - elapsed, 1.0);  /* before any window */
    if (st->absorbing) {
        eng->counts.absorbed += 1;
        release(eng, e);
        return;
    }
    sim_entity *x = &eng->entities[e];
    if (st->outside_share)
        outside_fold(eng, st);
    if (add_member(eng, st, e, &x->member_index) != 0)
        return;
    x->stage = to;
    eng->where[e].home_public = (uint8_t)(st->public_space != 0);
    x->t_enter = eng->now - elapsed;
    x->t_arrival = x->t_enter;
    sim_record_occupancy(eng->rec, to, eng->now, (double)st->occupancy);
    if (st->public_space)
        public_change(eng, +1);
    if (st->behaviour.enter)
        st->behaviour.enter(st->behaviour.ctx, eng, to, e, elapsed);
}

static int can_admit_now(const stage *st)
{
    return st->occupancy < st->cap_now && st->n_waiting == 0;
}

static int awaits(const sim_entity *x, int s)
{
    for (int i = 0; i < x->n_awaited; i++)
        if (x->awaited[i] == s)
            return 1;
    return 0;
}

/* Can this stage never lose a member nor gain a place again? */
static int stuck(const sim_engine *eng, const stage *st)
{
    return st->capacity != NULL && !st->can_leave && st->occupancy >= st->cap_now &&
           st->n_blocked == st->occupancy &&
           sim_schedule_next_change(st->capacity, eng->now) == INFINITY;
}

/* Looks for a closed set of stuck stages reachable from s through what their
 * members await (see the header). O(members of the set), and only entered
 * when s itself is stuck, which never happens to stages with exits. */
static __attribute__((noinline)) void detect_deadlock(sim_engine *eng, int s)
{
    if (!stuck(eng, &eng->stages[s]))
        return;
    int *set = malloc((size_t)eng->n_stages * sizeof *set);
    if (set == NULL)
        return;
    int n = 0, closed = 1;
    set[n++] = s;
    eng->stages[s].mark = 1;
    for (int i = 0; i < n && closed; i++) {
        stage *st = &eng->stages[set[i]];
        if (!stuck(eng, st)) {
            closed = 0;
            break;
        }
        for (long m = 0; m < st->occupancy && closed; m++) {
            const sim_entity *x = &eng->entities[st->members[m]];
            for (int k = 0; k < x->n_awaited; k++) {
                int a = x->awaited[k];
                if (!eng->stages[a].mark) {
                    eng->stages[a].mark = 1;
                    set[n++] = a;
                }
            }
        }
    }
    if (closed) {
        /* A stage of the set with no place at all, now or later, is the
         * cause to name: nobody holds it, so the blocking is not circular. */
        const char *placeless = NULL;
        for (int i = 0; i < n && placeless == NULL; i++)
            if (eng->stages[set[i]].cap_now <= 0)
                placeless = eng->stages[set[i]].id;
        size_t len = (size_t)snprintf(eng->detail, sizeof eng->detail, "deadlock: %s between stages",
                                      placeless ? "blocking that can never end" : "circular blocking");
        for (int i = 0; i < n && len < sizeof eng->detail; i++)
            len += (size_t)snprintf(eng->detail + len, sizeof eng->detail - len, "%s %s", i ? "," : "",
                                    eng->stages[set[i]].id);
        if (placeless && len < sizeof eng->detail)
            snprintf(eng->detail + len, sizeof eng->detail - len, " (%s has no places, now or later)", placeless);
        sim_engine_fail(eng, SIM_ERR_DEADLOCK);
    }
    for (int i = 0; i < n; i++)
        eng->stages[set[i]].mark = 0;
    free(set);
}

/* No target can admit e now: e waits for them all (see the header). */
static __attribute__((noinline)) sim_offer_result offer_wait(sim_engine *eng, sim_id e,
                                                             const sim_target *targets, int n)
{
    sim_entity *x = &eng->entities[e];
    int was_waiting = x->n_awaited > 0;
    int holds_place = x->stage >= 0 && eng->stages[x->stage].capacity != NULL;
    account_blocked(eng, x, -1.0);
    for (int i = 0; i < n; i++) {
        int s = targets[i].stage;
        stage *t = &eng->stages[s];
        if (awaits(x, s) || x->n_awaited == SIM_MAX_AWAITED)
            continue;
        if (!holds_place && t->queue_cap >= 0 && t->n_waiting >= t->queue_cap)
            continue;
        wait_entry en = {e, x->wait_token};
        if (ring_push(eng, &t->levels[level_of(t, x)], en) != 0)
            return SIM_REJECTED;
        t->n_waiting++;
        sim_record_waitlist(eng->rec, s, eng->now, (double)t->n_waiting);
        if (targets[i].positive)
            x->positive_mask |= (uint8_t)(1u << x->n_awaited);
        x->awaited[x->n_awaited++] = (int16_t)s;
    }
    account_blocked(eng, x, +1.0);
    if (x->n_awaited == 0) {
        if (n > 0)
            sim_record_add(eng->rec, targets[0].stage, SIM_RAW_REJECTED, eng->now, 1.0);
        return SIM_REJECTED;
    }
    if (holds_place)
        detect_deadlock(eng, x->stage);
    if (!was_waiting) {
        x->t_wait = eng->now;
        for (int i = 0; i < x->n_awaited; i++) {
            stage *t = &eng->stages[x->awaited[i]];
            if (t->patience) {
                double p = sim_dist_sample(t->patience, eng->patience_rng);
                sim_engine_schedule(eng, eng->now + p, SIM_PRIORITY_LATE, EV_PATIENCE, e,
                                    x->wait_token, 0);
                break;
            }
        }
    }
    return SIM_WAITING;
}

sim_offer_result sim_engine_offer(sim_engine *eng, sim_id e, const sim_target *targets, int n)
{
    for (int i = 0; i < n; i++) {
        if (can_admit_now(&eng->stages[targets[i].stage])) {
            transfer(eng, e, targets[i].stage, targets[i].positive);
            return SIM_ADMITTED;
        }
    }
    return offer_wait(eng, e, targets, n);
}

void sim_engine_discard(sim_engine *eng, sim_id e)
{
    sim_engine_stop_waiting(eng, e);
    assert(eng->entities[e].stage < 0);
    eng->counts.discarded += 1;
    release(eng, e);
}

int sim_engine_visit(sim_engine *eng, sim_id e, int s)
{
    stage *st = &eng->stages[s];
    visit_where *w = &eng->where[e];
    if (w->stage >= 0 || st->occupancy >= st->cap_now)
        return 0;
    visit *v = &eng->visits[e];
    if (add_member(eng, st, e, &v->index) != 0)
        return 0;
    w->stage = (int16_t)s;
    v->since = eng->now;
    if (w->home_public)
        public_change(eng, -1);
    if (st->pool >= 0) {
        assert(eng->entities[e].stage == st->pool);
        away_change(eng, st->pool, +1);
    }
    sim_record_occupancy(eng->rec, s, eng->now, (double)st->occupancy);
    sim_record_add(eng->rec, s, SIM_RAW_ADMISSIONS, eng->now, 1.0);
    return 1;
}

void sim_engine_end_visit(sim_engine *eng, sim_id e)
{
    visit_where *w = &eng->where[e];
    int s = w->stage;
    if (s < 0)
        return;
    visit *v = &eng->visits[e];
    stage *st = &eng->stages[s];
    remove_member(eng, st, v->index, 1);
    w->stage = -1;
    if (w->home_public)
        public_change(eng, +1);
    if (st->pool >= 0)
        away_change(eng, st->pool, -1);
    v->token++;
    sim_record_occupancy(eng->rec, s, eng->now, (double)st->occupancy);
    sim_record_exit(eng->rec, s, eng->now, 0, eng->now - v->since);
    if (st->behaviour.visit_ended)
        st->behaviour.visit_ended(st->behaviour.ctx, eng, s, e);
}

int sim_engine_visiting(const sim_engine *eng, sim_id e)
{
    return eng->where[e].stage;
}

uint32_t sim_engine_visit_token(const sim_engine *eng, sim_id e)
{
    return eng->visits[e].token;
}

/* Admits the heads of a stage's waiting list while it has free places. */
static void admit_waiting(sim_engine *eng, int s)
{
    stage *st = &eng->stages[s];
    while (st->occupancy < st->cap_now && st->n_waiting > 0 && eng->status == SIM_OK) {
        sim_id e = -1;
        for (int l = 0; l < st->n_levels && e < 0; l++) {
            wait_ring *q = &st->levels[l];
            while (q->count > 0) {
                wait_entry en = q->buf[q->head];
                q->head = (q->head + 1) & (q->cap - 1);
                q->count--;
                if (eng->entities[en.e].wait_token == en.wait_token) {
                    e = en.e;
                    break;
                }
            }
        }
        if (e < 0) {
            invariant_broken(eng, "waiting list of %s lost track of its count", st->id);
            return;
        }
        sim_entity *x = &eng->entities[e];
        int positive = 0;
        for (int i = 0; i < x->n_awaited; i++)
            if (x->awaited[i] == s)
                positive = (x->positive_mask >> i) & 1u;
        transfer(eng, e, s, positive);
    }
}

static void settle(sim_engine *eng)
{
    while (eng->n_work > 0) {
        int s = eng->worklist[--eng->n_work];
        eng->stages[s].in_worklist = 0;
        admit_waiting(eng, s);
    }
}

/* ---- internal events ---------------------------------------------------- */

static void on_capacity(void *ctx, sim_engine *eng, const sim_event *ev)
{
    (void)ctx;
    stage *st = &eng->stages[ev->subject];
    st->cap_now = sim_schedule_value(st->capacity, eng->now);
    double next = sim_schedule_next_change(st->capacity, eng->now);
    if (next <= eng->cfg.horizon)
        sim_engine_schedule(eng, next, SIM_PRIORITY_CAPACITY, EV_CAPACITY, ev->subject, 0, 0);
    push_work(eng, ev->subject);
}

static void on_census(void *ctx, sim_engine *eng, const sim_event *ev)
{
    (void)ctx;
    for (int s = 0; s < eng->n_stages; s++) {
        stage *st = &eng->stages[s];
        if (st->occupancy > eng->scratch_cap) {
            /* Doubling, from 1024: a census of a larger stage than any
             * before would otherwise allocate again in a later replication. */
            long cap = eng->scratch_cap > 512 ? 2 * eng->scratch_cap : 1024;
            if (cap < st->occupancy)
                cap = st->occupancy;
            double *b = realloc(eng->scratch, (size_t)cap * sizeof *b);
            if (b == NULL) {
                sim_engine_fail(eng, SIM_ERR_NOMEM);
                return;
            }
            eng->scratch = b;
            eng->scratch_cap = cap;
        }
        for (long i = 0; i < st->occupancy; i++) {
            sim_id e = st->members[i];
            eng->scratch[i] = eng->now - (st->overlay ? eng->visits[e].since : eng->entities[e].t_enter);
        }
        sim_record_census(eng->rec, ev->arg, s, eng->scratch, (size_t)st->occupancy);
    }
}

static void on_patience(void *ctx, sim_engine *eng, const sim_event *ev)
{
    (void)ctx;
    sim_id e = ev->subject;
    sim_entity *x = &eng->entities[e];
    if (x->wait_token != ev->token || x->n_awaited == 0)
        return;
    sim_record_add(eng->rec, x->awaited[0], SIM_RAW_RENEGED, eng->now, 1.0);
    sim_engine_stop_waiting(eng, e);
    int s = x->stage;
    if (s < 0) {
        sim_engine_discard(eng, e);
        return;
    }
    stage *st = &eng->stages[s];
    if (st->behaviour.reneged)
        st->behaviour.reneged(st->behaviour.ctx, eng, s, e);
}

/* ---- run ---------------------------------------------------------------- */

void sim_engine_schedule(sim_engine *eng, double time, unsigned priority, int type,
                         int32_t subject, uint32_t token, int32_t arg)
{
    assert(type >= 0 && type < eng->n_handlers);
    assert(time >= eng->now);
    if (time > eng->cfg.horizon)
        return;   /* never runs: keep the set small */
    if (sim_evset_push(eng->events, time, priority, type, subject, token, arg) != 0)
        sim_engine_fail(eng, SIM_ERR_NOMEM);
}

void sim_engine_reset(sim_engine *eng)
{
    sim_evset_clear(eng->events);
    eng->now = 0;
    eng->n_events = 0;
    eng->status = SIM_OK;
    eng->detail[0] = '\0';
    eng->n_entities = 0;
    eng->free_head = -1;
    eng->lives = 0;
    memset(&eng->counts, 0, sizeof eng->counts);
    eng->n_work = 0;
    eng->public_level = 0;
    if (eng->rec == NULL)
        eng->rec = sim_record_new(eng->n_stages, eng->cfg.n_windows, eng->windows,
                                  eng->cfg.n_days, eng->cfg.n_census);
    if (eng->rec == NULL) {
        eng->status = SIM_ERR_NOMEM;
        return;
    }
    sim_record_reset(eng->rec);
    for (int s = 0; s < eng->n_stages; s++) {
        stage *st = &eng->stages[s];
        st->occupancy = 0;
        st->n_waiting = 0;
        st->n_blocked = 0;
        st->away = 0;
        st->outside_days = st->n_since = st->away_int = st->away_since = 0;
        st->mark = 0;
        st->in_worklist = 0;
        for (int l = 0; l < st->n_levels; l++)
            st->levels[l].head = st->levels[l].count = 0;
        st->cap_now = INFINITY;
        if (st->capacity) {
            st->cap_now = sim_schedule_value(st->capacity, 0.0);
            double next = sim_schedule_next_change(st->capacity, 0.0);
            if (next <= eng->cfg.horizon)
                sim_engine_schedule(eng, next, SIM_PRIORITY_CAPACITY, EV_CAPACITY, s, 0, 0);
        }
    }
    for (int c = 0; c < eng->cfg.n_census; c++)
        sim_engine_schedule(eng, eng->census[c], SIM_PRIORITY_CENSUS, EV_CENSUS, -1, 0, c);
}

void sim_engine_set_patience_rng(sim_engine *eng, gsl_rng *r)
{
    eng->patience_rng = r;
}

sim_status sim_engine_run(sim_engine *eng)
{
    sim_event ev;
    double event_cap = eng->cfg.max_events > 0 ? eng->cfg.max_events : INFINITY;
    settle(eng);
    while (eng->status == SIM_OK && sim_evset_pop(eng->events, &ev)) {
        if (ev.time < eng->now) {
            snprintf(eng->detail, sizeof eng->detail, "event time went backwards");
            sim_engine_fail(eng, SIM_ERR_INVARIANT);
            break;
        }
        eng->now = ev.time;
        eng->n_events += 1;
        if (eng->n_events > event_cap) {
            snprintf(eng->detail, sizeof eng->detail,
                     "more than %.0f events in one replication (the event cap)", eng->cfg.max_events);
            sim_engine_fail(eng, SIM_ERR_EVENT_CAP);
            break;
        }
        const handler *h = &eng->handlers[ev.type];
        h->fn(h->ctx, eng, &ev);
        if (eng->n_work > 0)
            settle(eng);
    }
    if (eng->status == SIM_OK) {
        eng->now = eng->cfg.horizon;
        sim_record_finish(eng->rec, eng->cfg.horizon);
        if (eng->counts.spawned != eng->counts.absorbed + eng->counts.discarded + eng->counts.present) {
            snprintf(eng->detail, sizeof eng->detail, "people were created or lost: conservation broken");
            eng->status = SIM_ERR_INVARIANT;
        }
    }
    return eng->status;
}

sim_status sim_engine_status(const sim_engine *eng) { return eng->status; }

void sim_engine_fail(sim_engine *eng, sim_status status)
{
    if (eng->status == SIM_OK)
        eng->status = status;
}

const char *sim_engine_error_detail(const sim_engine *eng) { return eng->detail; }
double sim_engine_now(const sim_engine *eng) { return eng->now; }
double sim_engine_horizon(const sim_engine *eng) { return eng->cfg.horizon; }
sim_record *sim_engine_record(sim_engine *eng) { return eng->rec; }
double sim_engine_events(const sim_engine *eng) { return eng->n_events; }
int sim_engine_stage_count(const sim_engine *eng) { return eng->n_stages; }
const char *sim_engine_stage_id(const sim_engine *eng, int s) { return eng->stages[s].id; }
long sim_engine_occupancy(const sim_engine *eng, int s) { return eng->stages[s].occupancy; }
double sim_engine_capacity(const sim_engine *eng, int s) { return eng->stages[s].cap_now; }
long sim_engine_waiting(const sim_engine *eng, int s) { return eng->stages[s].n_waiting; }

int sim_engine_find_stage(const sim_engine *eng, const char *id)
{
    for (int s = 0; s < eng->n_stages; s++)
        if (strcmp(eng->stages[s].id, id) == 0)
            return s;
    return -1;
}

sim_id sim_engine_member(const sim_engine *eng, int s, long i)
{
    assert(i >= 0 && i < eng->stages[s].occupancy);
    return eng->stages[s].members[i];
}

void sim_engine_prefetch_member(const sim_engine *eng, int s, long i)
{
    if (i >= 0 && i < eng->stages[s].occupancy)
        __builtin_prefetch(&eng->stages[s].members[i]);
}

/* The start of a visit reads where[e] and writes visits[e]. */
void sim_engine_prefetch_visit(const sim_engine *eng, sim_id e)
{
    assert(e >= 0 && e < eng->n_entities);
    __builtin_prefetch(&eng->where[e]);
    __builtin_prefetch(&eng->visits[e], 1);
}

void sim_engine_counts(const sim_engine *eng, sim_counts *out)
{
    *out = eng->counts;
}
