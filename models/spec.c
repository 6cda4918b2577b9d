/* spec.c -- ownership of scenario data. */
#include "models/spec.h"

#include <stdlib.h>
#include <string.h>

model_spec *model_spec_new(void)
{
    model_spec *spec = calloc(1, sizeof *spec);
    if (spec != NULL) {
        spec->replications = 1;
        spec->daily = 1;
    }
    return spec;
}

static void stage_fini(model_stage *st)
{
    free(st->id);
    free(st->description);
    sim_schedule_free(st->capacity);
    sim_dist_free(st->patience);
    sim_dist_free(st->stay);
    free(st->routes);
    for (int h = 0; h < st->n_hazards; h++)
        sim_dist_free(st->hazards[h].after);
    free(st->hazards);
    sim_week_free(st->hours);
    sim_schedule_free(st->visits_per_hour);
    sim_dist_free(st->visit);
}

void model_spec_free(model_spec *spec)
{
    if (spec == NULL)
        return;
    free(spec->name);
    free(spec->description);
    for (int i = 0; i < spec->n_attributes; i++) {
        free(spec->attributes[i].id);
        for (int v = 0; v < spec->attributes[i].n_values; v++)
            free(spec->attributes[i].values[v]);
    }
    free(spec->attributes);
    for (int i = 0; i < spec->n_transitions; i++)
        sim_dist_free(spec->transitions[i].after);
    free(spec->transitions);
    for (int i = 0; i < spec->n_stages; i++)
        stage_fini(&spec->stages[i]);
    free(spec->stages);
    for (int i = 0; i < spec->n_sources; i++) {
        free(spec->sources[i].id);
        sim_schedule_free(spec->sources[i].rate);
        sim_dist_free(spec->sources[i].interarrival);
    }
    free(spec->sources);
    for (int i = 0; i < spec->n_patrols; i++) {
        free(spec->patrols[i].id);
        sim_week_free(spec->patrols[i].hours);
        sim_schedule_free(spec->patrols[i].contacts_per_hour);
    }
    free(spec->patrols);
    for (int i = 0; i < spec->n_initial; i++)
        sim_dist_free(spec->initial[i].elapsed);
    free(spec->initial);
    free(spec->people);
    for (int i = 0; i < spec->n_windows; i++)
        free(spec->window_ids[i]);
    free(spec->window_ids);
    free(spec->windows);
    free(spec->census);
    free(spec);
}

int model_spec_find_stage(const model_spec *spec, const char *id)
{
    for (int i = 0; i < spec->n_stages; i++)
        if (spec->stages[i].id && strcmp(spec->stages[i].id, id) == 0)
            return i;
    return -1;
}

int model_when_holds(const model_when *w, const uint8_t *attr)
{
    for (int i = 0; i < w->n; i++)
        if (!((w->allowed[i] >> attr[w->attr[i]]) & 1u))
            return 0;
    return 1;
}
