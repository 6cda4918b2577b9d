/* evset.c -- 4-ary min-heap of events stored by value.
 *
 * Invariant: for every slot i > 0, heap[(i - 1) / 4] precedes heap[i] in
 * (time, key) order. Keys are unique (they carry a sequence number), so the
 * order is total and the pop order is fully determined.
 *
 * A 4-ary heap halves the depth of a binary heap and its four children share
 * a cache line or two, which matters more than the extra comparisons. */
#include "sim/evset.h"

#include <math.h>
#include <stdlib.h>

struct sim_evset {
    sim_event *heap;
    size_t size;
    size_t capacity;
    uint64_t next_seq;
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
    return set;
}

void sim_evset_free(sim_evset *set)
{
    if (set == NULL)
        return;
    free(set->heap);
    free(set);
}

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

int sim_evset_push(sim_evset *set, double time, unsigned priority, int32_t type,
                   int32_t subject, uint32_t token, int32_t arg)
{
    if (set->size == set->capacity) {
        size_t cap = set->capacity * 2;
        sim_event *heap = realloc(set->heap, cap * sizeof *heap);
        if (heap == NULL)
            return -1;
        set->heap = heap;
        set->capacity = cap;
    }
    sift_up(set->heap, set->size++, make_event(set, time, priority, type, subject, token, arg));
    return 0;
}

int sim_evset_pop(sim_evset *set, sim_event *out)
{
    if (set->size == 0)
        return 0;
    *out = set->heap[0];
    set->size--;
    if (set->size > 0)
        sift_down(set->heap, set->size, 0, set->heap[set->size]);
    return 1;
}

int sim_evset_replace_top(sim_evset *set, sim_event *out, double time,
                          unsigned priority, int32_t type, int32_t subject,
                          uint32_t token, int32_t arg)
{
    if (set->size == 0)
        return 0;
    *out = set->heap[0];
    sift_down(set->heap, set->size, 0, make_event(set, time, priority, type, subject, token, arg));
    return 1;
}

double sim_evset_peek_time(const sim_evset *set)
{
    return set->size > 0 ? set->heap[0].time : INFINITY;
}

size_t sim_evset_size(const sim_evset *set)
{
    return set->size;
}

void sim_evset_clear(sim_evset *set)
{
    set->size = 0;
    set->next_seq = 0;
}
