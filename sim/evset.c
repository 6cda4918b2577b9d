/* evset.c -- pending events: the near ones in a sorted run (or a 4-ary
 * min-heap when they are many), over a calendar of buckets for the far
 * ones once the set is large.
 *
 * Order. Events pop in (time, key) order; keys are unique (they carry a
 * sequence number), so the order is total and any correct priority queue
 * pops the same sequence: the layout below changes speed, never results.
 *
 * The near events are stored by value in one array, `heap`, in one of two
 * arrangements (see "The near events" below): a run sorted from the
 * latest to the earliest while they are at most RUN_MAX, a 4-ary min-heap
 * beyond. Below, "the heap" means that array, whatever its arrangement.
 *
 * Small sets (every queueing model, most of the time) are the near events
 * alone. When the heap grows past spill_at events
 * the far tier switches on: events are spread over nb buckets of equal
 * width starting at `base`, each bucket an unsorted linked list of pool
 * nodes, plus the overflow: the nodes in no bucket, for times beyond the
 * last one (not a list: only rebuild reads them, from the pool). The
 * position of time t is d(t) = (t - base) * inv_width, computed the same
 * way everywhere; rounded subtraction and multiplication are monotone, so
 * d is non-decreasing in t. Buckets below `cur` have been moved into the
 * heap, so:
 *
 *   - an event with d(t) < cur is pushed into the heap, one with
 *     cur <= d(t) < nb into bucket floor(d(t)), any other into overflow;
 *   - hence every heap event precedes every bucketed event, which precedes
 *     every overflow event (d(a) < d(b) implies a < b), and the heap's top
 *     is the earliest event of the whole set;
 *   - when the heap empties, the next non-empty bucket is moved into it;
 *     when the buckets are used up, the overflow is spread over new buckets
 *     (base = its earliest time, so that event lands in bucket 0 and every
 *     rebuild makes progress).
 *
 * Bucket width: twice as many buckets as far events over their range, or,
 * once enough events have been popped, a few mean gaps between pops (a
 * calendar queue's rule; four, or one for a pool beyond the caches): then the near traffic -- in Paris, rest-area
 * visits minutes apart, while exits are years away -- also goes through
 * the buckets and the heap holds only a few events. If the buckets in use
 * turn out far wider than that, the remaining ones are filed again.
 *
 * Invariant kept after every call: the heap is empty only if the whole set
 * is (pop refills it from the far tier; a push into an empty set switches
 * the far tier off first, as an event filed beyond cur would otherwise sit
 * there with nothing in the heap to pop). The heap's capacity is kept >=
 * the number of events in the set, so moving a bucket (or everything) into
 * the heap inside pop never needs memory; only the pages actually used
 * count towards resident memory. Non-finite times never enter a bucket:
 * -inf goes to the heap, +inf and NaN wait in the overflow and go to the
 * heap when nothing finite is left.
 *
 * Costs: push O(1) into a bucket, O(near) into a run (at most RUN_MAX
 * moves) or O(log near) into a heap; pop O(1) from a run or O(log near)
 * from a heap, plus amortised O(1) to move buckets. The near events stay
 * few (about the events of one bucket plus those scheduled within it): in
 * Paris 5.6 at a pop, in an M/M/10 queue 11. No memory is allocated once
 * the set has reached its largest size. */
#include "sim/evset.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SPILL_MIN 512        /* heap size that switches the far tier on */
#define RUN_MAX 32           /* most near events kept as a sorted run */
#define CACHED_POOL 65536    /* far nodes (2.5 MB) thought to fit the caches */
#define NIL (-1)

/* A far event and the link to the next one of its list, side by side: a
 * list walk (moving a bucket into the heap) then reads one place per event,
 * not two arrays, which matters once the pool outgrows the caches. `live`
 * marks the nodes holding an event, so that passes over every far event
 * (rebuild, absorb_all) read the pool in address order instead of chasing
 * links across it (it sits in the padding: the node stays 40 bytes). */
typedef struct far_node {
    sim_event ev;
    int32_t next;
    int32_t live;
} far_node;

struct sim_evset {
    sim_event *heap;         /* near events: a run, or a 4-ary min-heap */
    size_t size;
    int run;                 /* heap[0..size) is a run, latest first */
    size_t capacity;         /* >= size + far */
    uint64_t next_seq;

    /* Far tier (active only while `active`). */
    int active;
    size_t spill_at;
    double base, inv_width;
    size_t cur, nb, nb_cap;
    int32_t *head;           /* [nb_cap] bucket lists */
    size_t far;              /* events in buckets and overflow */
    far_node *pool;          /* [pool_cap] far events with their list links */
    size_t pool_used, pool_cap;
    int32_t free_list;

    /* Pops since the far tier switched on or was last rebuilt, and the
     * times of the first and last: their mean spacing sets the bucket
     * width of the next rebuild. */
    uint64_t epoch_pops;
    double epoch_t0, last_pop;
};

static int precedes(const sim_event *a, const sim_event *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

sim_evset *sim_evset_new(size_t capacity)
{
    sim_evset *set = calloc(1, sizeof *set);
    if (set == NULL)
        return NULL;
    if (capacity < 16)
        capacity = 16;
    set->heap = malloc(capacity * sizeof *set->heap);
    if (set->heap == NULL) {
        free(set);
        return NULL;
    }
    set->capacity = capacity;
    set->run = 1;
    set->spill_at = SPILL_MIN;
    set->free_list = NIL;
    return set;
}

void sim_evset_free(sim_evset *set)
{
    if (set == NULL)
        return;
    free(set->heap);
    free(set->head);
    free(set->pool);
    free(set);
}

/* ---- the heap ------------------------------------------------------------ */

static void sift_up(sim_event *heap, size_t i, sim_event ev)
{
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!precedes(&ev, &heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = ev;
}

static void sift_down(sim_event *heap, size_t size, size_t i, sim_event ev)
{
    for (;;) {
        size_t first = 4 * i + 1;
        if (first >= size)
            break;
        size_t last = first + 4 < size ? first + 4 : size;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++)
            if (precedes(&heap[c], &heap[best]))
                best = c;
        if (!precedes(&heap[best], &ev))
            break;
        heap[i] = heap[best];
        i = best;
    }
    heap[i] = ev;
}

static void heapify(sim_event *heap, size_t size)
{
    if (size < 2)
        return;
    for (size_t i = (size - 2) / 4 + 1; i-- > 0;)
        sift_down(heap, size, i, heap[i]);
}

/* ---- the near events -----------------------------------------------------
 *
 * Few near events (the usual case) are a run: heap[0..size) sorted from
 * the latest to the earliest, so that a pop takes the last one, O(1), and
 * a push moves the earlier ones up by one until its place, O(size). For
 * five or ten events that is fewer instructions and fewer mispredicted
 * branches than a heap's sift down, whose comparisons of random times the
 * processor cannot guess (measured: Paris -4.7%, M/M/10 -4% of the time,
 * same bytes). Past RUN_MAX events a push turns the run into a heap
 * (reversed, a run is an ascending array: a heap already), and the heap
 * stays until it empties; a bulk load (a bucket moved in) picks by size. */

/* Inserts ev into the run heap[0..size). */
static inline void run_insert(sim_event *heap, size_t size, sim_event ev)
{
    size_t i = size;
    while (i > 0 && precedes(&heap[i - 1], &ev)) {
        heap[i] = heap[i - 1];
        i--;
    }
    heap[i] = ev;
}

/* A push into a full run, which becomes a heap, or into a heap. */
static __attribute__((noinline)) void heap_push(sim_evset *set, sim_event ev)
{
    if (set->run) {
        for (size_t i = 0, j = set->size - 1; i < j; i++, j--) {
            sim_event x = set->heap[i];
            set->heap[i] = set->heap[j];
            set->heap[j] = x;
        }
        set->run = 0;
    }
    sift_up(set->heap, set->size++, ev);
}

static inline void near_push(sim_evset *set, sim_event ev)
{
    if (set->run && set->size < RUN_MAX)
        run_insert(set->heap, set->size++, ev);
    else
        heap_push(set, ev);
}

static const sim_event *near_top(const sim_evset *set)
{
    return set->run ? &set->heap[set->size - 1] : &set->heap[0];
}

/* Removes the earliest near event (size > 0) into *out. */
static inline void near_pop(sim_evset *set, sim_event *out)
{
    if (set->run) {
        *out = set->heap[--set->size];
        return;
    }
    *out = set->heap[0];
    if (--set->size > 0)
        sift_down(set->heap, set->size, 0, set->heap[set->size]);
    else
        set->run = 1;
}

/* Arranges heap[0..size), loaded in any order: a run, or a heap. */
static void near_arrange(sim_evset *set)
{
    set->run = set->size <= RUN_MAX;
    if (set->run) {
        for (size_t i = 1; i < set->size; i++)
            run_insert(set->heap, i, set->heap[i]);
    } else {
        heapify(set->heap, set->size);
    }
}

/* Room for one more event anywhere in the set. */
static int reserve(sim_evset *set)
{
    if (set->size + set->far < set->capacity)
        return 0;
    size_t cap = set->capacity * 2;
    sim_event *heap = realloc(set->heap, cap * sizeof *heap);
    if (heap == NULL)
        return -1;
    set->heap = heap;
    set->capacity = cap;
    return 0;
}

/* ---- the far tier -------------------------------------------------------- */

/* Doubles the node pool; -1 if out of memory (the pool is unchanged). */
static int grow_pool(sim_evset *set)
{
    size_t cap = set->pool_cap ? 2 * set->pool_cap : 1024;
    if (cap > (size_t)INT32_MAX)
        return -1;
    far_node *pool = realloc(set->pool, cap * sizeof *pool);
    if (pool == NULL)
        return -1;
    set->pool = pool;
    set->pool_cap = cap;
    return 0;
}

static int32_t node_alloc(sim_evset *set)
{
    int32_t n = set->free_list;
    if (n != NIL) {
        set->free_list = set->pool[n].next;
    } else {
        if (set->pool_used == set->pool_cap && grow_pool(set) != 0)
            return NIL;
        n = (int32_t)set->pool_used++;
    }
    set->pool[n].live = 1;
    return n;
}

static void node_free(sim_evset *set, int32_t n)
{
    set->pool[n].live = 0;
    set->pool[n].next = set->free_list;
    set->free_list = n;
}

/* Files node n, at position d = d(time), into its bucket, or leaves it in
 * the overflow; it must not belong in the heap (d >= cur, or d not a
 * number). */
static void file_at(sim_evset *set, int32_t n, double d)
{
    if (d < (double)set->nb) {
        int32_t *list = &set->head[(size_t)d];
        set->pool[n].next = *list;
        *list = n;
    }
}

static void file_node(sim_evset *set, int32_t n)
{
    file_at(set, n, (set->pool[n].ev.time - set->base) * set->inv_width);
}

/* Switches the far tier off; it must hold no event (they are in the heap). */
static void deactivate(sim_evset *set)
{
    set->active = 0;
    set->far = 0;
    set->nb = set->cur = 0;
    set->pool_used = 0;
    set->free_list = NIL;
    set->spill_at = 2 * set->size > SPILL_MIN ? 2 * set->size : SPILL_MIN;
}

/* Moves every far event into the heap and switches the far tier off. */
static void absorb_all(sim_evset *set)
{
    for (size_t k = 0; k < set->pool_used; k++)
        if (set->pool[k].live)
            set->heap[set->size++] = set->pool[k].ev;
    near_arrange(set);
    deactivate(set);
}

/* Buckets for n far events: twice as many, so that the bucket moved into
 * the heap is small where events are densest (just ahead of now). */
static size_t buckets_for(size_t n)
{
    size_t nb = 2 * n;
    return nb < 16 ? 16 : nb;
}

static int grow_heads(sim_evset *set, size_t nb)
{
    if (nb <= set->nb_cap)
        return 0;
    int32_t *h = realloc(set->head, nb * sizeof *h);
    if (h == NULL)
        return -1;
    set->head = h;
    set->nb_cap = nb;
    return 0;
}

/* The bucket width wanted from the recent pops, returned as its inverse,
 * or 0 while unknown: four mean gaps between consecutive pops, so that a
 * bucket moved into the heap holds a few events, while the pool fits the
 * caches; one mean gap beyond. A bucket's nodes are read by following its
 * list, and in a pool that misses the caches each read waits for the one
 * before (only the first is prefetched): there, many short lists beat few
 * long ones (hold at 1e6 events -25%), where in the caches the extra
 * refills cost more (Paris +4.5% with one gap). */
static double wanted_inverse_width(const sim_evset *set)
{
    if (set->epoch_pops < 64)
        return 0;
    double span = set->last_pop - set->epoch_t0;
    double gaps = set->pool_used < CACHED_POOL ? 4.0 : 1.0;
    double inv = (double)(set->epoch_pops - 1) / (gaps * span);
    return span > 0 && isfinite(inv) ? inv : 0;
}

/* nb buckets over a span; for a span of zero (one instant) or one too
 * large or small to divide, a tiny positive value: everything finite then
 * lands in the first buckets, which is slow but exact, and -inf still
 * lands below cur. */
static double inverse_width(size_t nb, double span)
{
    double inv = (double)nb / span;
    return isfinite(inv) && inv >= DBL_MIN ? inv : DBL_MIN;
}

/* Spreads every far event over new buckets from the earliest finite time;
 * called when the buckets are used up or abandoned, so they are all in the
 * overflow or in buckets no longer read. Returns 0, or -1 if none has a
 * finite time. Both passes read the pool in address order: with a million
 * far events, following the lists instead missed the cache at every node. */
static int rebuild(sim_evset *set)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t n = set->far;
    for (size_t k = 0; k < set->pool_used; k++) {
        double t = set->pool[k].ev.time;
        if (set->pool[k].live && isfinite(t)) {
            if (t < lo)
                lo = t;
            if (t > hi)
                hi = t;
        }
    }
    if (!(lo <= hi))
        return -1;
    /* Buckets over the whole range, unless the recent pops ask for finer
     * ones: then as many as that width needs, within a bound, and what lies
     * beyond the last bucket waits in the overflow for the next rebuild. */
    size_t nb = buckets_for(n);
    double inv = inverse_width(nb, hi - lo);
    double want = wanted_inverse_width(set);
    if (want > inv) {
        size_t limit = 4 * n > 4096 ? 4 * n : 4096;
        double need = (hi - lo) * want + 1;
        nb = need < (double)limit ? (size_t)need + 1 : limit;
        if (nb < 16)
            nb = 16;
        inv = want;
    }
    if (grow_heads(set, nb) != 0)
        nb = set->nb_cap;      /* fewer buckets: slower, still exact */
    set->epoch_pops = 0;
    set->base = lo;
    set->inv_width = inv;
    set->nb = nb;
    set->cur = 0;
    for (size_t b = 0; b < nb; b++)
        set->head[b] = NIL;
    for (size_t k = 0; k < set->pool_used; k++)
        if (set->pool[k].live)
            file_node(set, (int32_t)k);
    return 0;
}

/* Asks for the first node of the next non-empty bucket (among the next
 * few) while the events just moved into the heap are handled. In a large
 * set the nodes of a bucket were filed at random times long ago, so each
 * one misses the caches; the first is the only one whose address is known
 * before the previous is read. */
static void prefetch_next_bucket(const sim_evset *set)
{
    size_t end = set->cur + 8 < set->nb ? set->cur + 8 : set->nb;
    for (size_t b = set->cur; b < end; b++)
        if (set->head[b] != NIL) {
            __builtin_prefetch(&set->pool[set->head[b]]);
            return;
        }
}

/* The heap is empty and the far tier holds events: moves the next bucket
 * (rebuilding from the overflow when the buckets are used up) into it. */
static void refill(sim_evset *set)
{
    /* Buckets much wider than the recent pops ask for (the range was set
     * by far events, the traffic is near): abandon them, so that rebuild
     * files everything left again. Amortised: only after more pops than
     * there are far events. */
    if (set->epoch_pops > 2 * set->far + 64 && wanted_inverse_width(set) > 16 * set->inv_width)
        set->cur = set->nb;
    for (;;) {
        while (set->cur < set->nb && set->head[set->cur] == NIL)
            set->cur++;
        if (set->cur < set->nb) {
            int32_t k = set->head[set->cur];
            set->head[set->cur] = NIL;
            set->cur++;
            prefetch_next_bucket(set);
            while (k != NIL) {
                int32_t following = set->pool[k].next;
                set->heap[set->size++] = set->pool[k].ev;
                node_free(set, k);
                set->far--;
                k = following;
            }
            near_arrange(set);
            return;
        }
        if (rebuild(set) != 0) {
            absorb_all(set);
            return;
        }
    }
}

/* The heap has grown past spill_at: moves all its finite events to buckets
 * spread over their range, then refills the heap from the first one. */
static void spill(sim_evset *set)
{
    size_t n = set->size;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double t = set->heap[i].time;
        if (!isfinite(t))
            lo = NAN;          /* only finite times are ever spilled */
        if (t < lo)
            lo = t;
        if (t > hi)
            hi = t;
    }
    set->spill_at *= 2;        /* if this fails, do not retry at every push */
    if (!(lo < hi) || !isfinite(hi - lo))
        return;
    /* Pool nodes for all of them first, so that failing changes nothing. */
    while (set->pool_cap - set->pool_used < n)
        if (grow_pool(set) != 0)
            return;
    size_t nb = buckets_for(n);
    if (grow_heads(set, nb) != 0)
        return;
    set->active = 1;
    set->epoch_pops = 0;
    set->spill_at = SPILL_MIN;
    set->far = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t k = node_alloc(set);   /* cannot fail: reserved above; in the overflow */
        set->pool[k].ev = set->heap[i];
        set->far++;
    }
    set->size = 0;
    set->nb = 0;
    set->cur = 0;
    refill(set);
}

/* ---- the interface ------------------------------------------------------- */

static sim_event make_event(sim_evset *set, double time, unsigned priority, int32_t type,
                            int32_t subject, uint32_t token, int32_t arg)
{
    sim_event ev;
    ev.time = time;
    ev.key = ((uint64_t)(priority & 0xffffu) << 48) | (set->next_seq++ & 0xffffffffffffull);
    ev.type = type;
    ev.subject = subject;
    ev.token = token;
    ev.arg = arg;
    return ev;
}

/* Files a new event in the far tier at position d; -1 if out of memory. */
static int push_far(sim_evset *set, double d, double time, unsigned priority, int32_t type,
                    int32_t subject, uint32_t token, int32_t arg)
{
    int32_t k = node_alloc(set);
    if (k == NIL)
        return -1;
    set->pool[k].ev = make_event(set, time, priority, type, subject, token, arg);
    file_at(set, k, d);
    set->far++;
    return 0;
}

/* Every push but the plainest: the far tier, growing, spilling. Kept out
 * of line so that the plain push stays a leaf with few registers to save. */
static __attribute__((noinline)) int push_general(sim_evset *set, double time, unsigned priority,
                                                  int32_t type, int32_t subject, uint32_t token,
                                                  int32_t arg)
{
    if (reserve(set) != 0)
        return -1;
    if (set->active) {
        if (set->size == 0) {
            deactivate(set);   /* the set is empty (see the invariant): start afresh */
        } else {
            /* d < cur (which includes -inf): the heap; else a bucket or the overflow. */
            double d = (time - set->base) * set->inv_width;
            if (!(d < (double)set->cur))
                return push_far(set, d, time, priority, type, subject, token, arg);
        }
    }
    near_push(set, make_event(set, time, priority, type, subject, token, arg));
    if (!set->active && set->size > set->spill_at)
        spill(set);
    return 0;
}

int sim_evset_push(sim_evset *set, double time, unsigned priority, int32_t type,
                   int32_t subject, uint32_t token, int32_t arg)
{
    /* The usual pushes, with room and no tier to switch: into the heap
     * below the spill size, or, the far tier on, into the heap or a bucket
     * with a pool node at hand. Anything else goes the general way. */
    if (set->size + set->far < set->capacity) {
        if (!set->active) {
            if (set->size < set->spill_at) {
                near_push(set, make_event(set, time, priority, type, subject, token, arg));
                return 0;
            }
        } else if (set->size > 0) {
            double d = (time - set->base) * set->inv_width;
            if (d < (double)set->cur) {
                near_push(set, make_event(set, time, priority, type, subject, token, arg));
                return 0;
            }
            if (set->free_list != NIL || set->pool_used < set->pool_cap)
                return push_far(set, d, time, priority, type, subject, token, arg);
        }
    }
    return push_general(set, time, priority, type, subject, token, arg);
}

int sim_evset_pop(sim_evset *set, sim_event *out)
{
    if (set->size == 0)
        return 0;
    near_pop(set, out);
    if (set->active) {
        set->last_pop = out->time;
        if (set->epoch_pops++ == 0)
            set->epoch_t0 = out->time;
    }
    if (set->size == 0 && set->far > 0)
        refill(set);
    return 1;
}

double sim_evset_peek_time(const sim_evset *set)
{
    return set->size > 0 ? near_top(set)->time : INFINITY;
}

size_t sim_evset_size(const sim_evset *set)
{
    return set->size + set->far;
}

void sim_evset_clear(sim_evset *set)
{
    set->size = 0;
    set->run = 1;
    set->next_seq = 0;
    set->active = 0;
    set->spill_at = SPILL_MIN;
    set->far = 0;
    set->nb = set->cur = 0;
    set->pool_used = 0;
    set->free_list = NIL;
    set->epoch_pops = 0;
}
