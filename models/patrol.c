/* patrol.c -- street outreach patrols.
 *
 * Contacts happen as a Poisson process whose rate is the scenario's
 * contacts per hour during the patrol's weekly hours (none outside them:
 * no night patrols). Each contact meets a person drawn uniformly from
 * those present in the pool; it is made (counted, and paid) if that person
 * is not inside a day service. With the patrol's acceptance probability,
 * drawn independently, the contact offers a referral, which one not
 * already referred takes.
 *
 * Only the offers can change anything but the records, so only they are
 * events: marking each contact an offer with probability `accept` splits
 * the process into two independent Poisson processes, offers at rate x
 * accept and the rest at rate x (1 - accept). The rest is tallied: within
 * a stretch of constant rate, each of those contacts is made with the
 * probability that its random person is outside, the share of the pool
 * not on a visit at that moment, which these contacts do not change. So,
 * given the share's path, the number made in the stretch is Poisson with
 * mean rate x (1 - accept) x the integral of the share over the stretch
 * (sim_engine_outside_days): the same law as one event per contact. In
 * Paris (accept 0.08) that is some 10,000 events a replication instead of
 * 59,000: the offers, and an event at each opening and closing.
 * A stretch ends at midnight too, and its tally is dated at its start, so
 * that every contact falls on its own day and in its own windows (windows
 * are whole days). The offers are drawn two people ahead (see street.c). */
#include "models/pathway_internal.h"
#include "sim/nhpp.h"

#include <gsl/gsl_randist.h>
#include <math.h>

static void schedule_offer(pathway *pw, int p)
{
    const model_patrol *pt = &pw->spec->patrols[p];
    if (!(pt->accept > 0))
        return;
    double next = sim_nhpp_next(&pw->patrol_piece[p], pw->patrol_rng[p], sim_engine_now(pw->eng),
                                pt->contacts_per_hour, pt->hours, 24.0 * pt->accept,
                                sim_engine_horizon(pw->eng));
    if (next <= sim_engine_horizon(pw->eng))
        sim_engine_schedule(pw->eng, next, SIM_PRIORITY_DEFAULT, pw->ev_contact, -1, 0, p);
}

/* Starts the stretch of the patrol's tally at now: its rate of contacts
 * that are not offers (per day), and its end at the next change of rate,
 * opening hours or day (a closed stretch needs no end at midnight). */
static void start_stretch(pathway *pw, int p)
{
    const model_patrol *pt = &pw->spec->patrols[p];
    if (pt->contacts_per_hour == NULL || !(pt->accept < 1))
        return;   /* every contact is an offer: nothing to tally */
    sim_engine *eng = pw->eng;
    double now = sim_engine_now(eng);
    patrol_stretch *sr = &pw->patrol_stretch[p];
    sim_nhpp_piece piece;
    sim_nhpp_piece_at(&piece, now, pt->contacts_per_hour, pt->hours, 24.0 * (1.0 - pt->accept));
    double rate = piece.rate, end = piece.until;
    if (rate > 0 && floor(now) + 1 < end)
        end = floor(now) + 1;
    sr->from = now;
    sr->rate = rate;
    sr->outside = sim_engine_outside_days(eng, pt->stage);
    if (end > sim_engine_horizon(eng) && rate > 0)
        end = sim_engine_horizon(eng);   /* tally the last stretch */
    if (end <= sim_engine_horizon(eng))
        sim_engine_schedule(eng, end, SIM_PRIORITY_DEFAULT, pw->ev_tally, -1, 0, p);
}

void patrol_start(pathway *pw, int p)
{
    sim_nhpp_piece_reset(&pw->patrol_piece[p]);   /* forget the last replication's */
    schedule_offer(pw, p);
    street_picks_start(&pw->patrol_picks[p], pw->patrol_rng[p]);
    start_stretch(pw, p);
}

static void record_contacts(sim_engine *eng, const model_patrol *pt, double t, double n)
{
    sim_record_add(sim_engine_record(eng), pt->stage, SIM_RAW_CONTACTS, t, n);
    sim_record_add(sim_engine_record(eng), pt->stage, SIM_RAW_CONTACT_COST, t, n * pt->cost_per_contact);
}

void patrol_on_contact(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    const model_patrol *pt = &pw->spec->patrols[ev->arg];
    gsl_rng *r = pw->patrol_rng[ev->arg];
    long n = sim_engine_occupancy(eng, pt->stage);
    if (n > 0) {
        sim_id e = sim_engine_member(eng, pt->stage, street_pick(&pw->patrol_picks[ev->arg], r, n));
        if (sim_engine_visiting(eng, e) < 0) {
            record_contacts(eng, pt, sim_engine_now(eng), 1.0);
            if (sim_engine_entity(eng, e)->n_awaited == 0)
                street_refer(pw, e);
        }
    }
    schedule_offer(pw, ev->arg);
    if (n > 0)
        street_picks_advance(pw, pt->stage, &pw->patrol_picks[ev->arg], r);
}

void patrol_on_tally(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    int p = ev->arg;
    const patrol_stretch *sr = &pw->patrol_stretch[p];
    double mean = sr->rate * (sim_engine_outside_days(eng, pw->spec->patrols[p].stage) - sr->outside);
    if (mean > 0) {
        unsigned int made = gsl_ran_poisson(pw->patrol_rng[p], mean);
        if (made > 0)
            record_contacts(eng, &pw->spec->patrols[p], sr->from, (double)made);
    }
    if (sim_engine_now(eng) < sim_engine_horizon(eng))
        start_stretch(pw, p);
}
