/* test_paris.c -- the Paris baseline reproduces the audit's bottleneck, and
 * the bottleneck comes from downstream capacity.
 *
 * Calibration targets (issue "parcours core"), default seed, 100
 * replications, audit window 2020-01-01..2021-05-31: ASSORE exits 150-250,
 * positive share 0.38-0.50, Little stay 2.0-3.0 years, time to a downstream
 * place 4.0-6.5 years; street population 600-800 over 2019 and 250-450 over
 * 2021. The whole 95% confidence interval must lie inside each range, not
 * just the mean. The counterfactual with unlimited downstream places must
 * shorten the ASSORE stay far below the baseline's interval. */
#include "app/diag.h"
#include "app/experiment.h"
#include "app/scenario.h"
#include "sim/record.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define YEAR 365.25

static const char *const unlimited_downstream[] = {
    "stages.phase.capacity=null", "stages.uhs.capacity=null", "stages.court.capacity=null",
    "stages.act.capacity=null",   "stages.lhss.capacity=null", "stages.lam.capacity=null",
    "stages.housing.capacity=null",
};

static experiment *run_baseline(const char *const *sets, int n_sets, model_spec **spec_out,
                                scenario_result *res)
{
    diag *d = diag_new("paris-baseline.json");
    int rc = scenario_load_file("scenarios/paris-baseline.json", sets, n_sets, d, res);
    if (rc != 0)
        diag_print(d, stderr);
    diag_free(d);
    CU_ASSERT_FATAL(rc == 0);
    char err[256];
    experiment *x = experiment_run(res->spec, res->spec->seed, 0, res->spec->replications,
                                   experiment_default_threads(), NULL, NULL,
                                   err, sizeof err);
    CU_ASSERT_FATAL(x != NULL);
    *spec_out = res->spec;
    return x;
}

static int window_of(const model_spec *spec, const char *id)
{
    for (int w = 0; w < spec->n_windows; w++)
        if (strcmp(spec->window_ids[w], id) == 0)
            return w;
    return -1;
}

/* True if the metric's whole 95% CI lies in [lo, hi] (after scaling). */
static int ci_within(const experiment *x, const model_spec *spec, const char *window, const char *stage,
                     int metric, double scale, double lo, double hi)
{
    int w = window_of(spec, window), s = model_spec_find_stage(spec, stage);
    CU_ASSERT_FATAL(w >= 0 && s >= 0);
    const sim_summary *m = experiment_metric(x, w, s, metric);
    double a = m->ci95_low * scale, b = m->ci95_high * scale;
    int ok = a >= lo && b <= hi;
    printf("\n  %-6s %-7s %-26s mean %8.3f  CI [%8.3f, %8.3f]  target [%g, %g] %s", window, stage,
           sim_metric_name((sim_metric)metric), m->mean * scale, a, b, lo, hi, ok ? "ok" : "MISS");
    return ok;
}

static void baseline_reproduces_the_audit_bottleneck(void)
{
    scenario_result res;
    model_spec *spec;
    experiment *x = run_baseline(NULL, 0, &spec, &res);
    CU_ASSERT_EQUAL(experiment_replications(x), 100);
    CU_ASSERT(ci_within(x, spec, "audit", "assore", SIM_METRIC_EXITS, 1, 150, 250));
    CU_ASSERT(ci_within(x, spec, "audit", "assore", SIM_METRIC_POSITIVE_SHARE, 1, 0.38, 0.50));
    CU_ASSERT(ci_within(x, spec, "audit", "assore", SIM_METRIC_STAY_LITTLE_DAYS, 1 / YEAR, 2.0, 3.0));
    CU_ASSERT(ci_within(x, spec, "audit", "assore", SIM_METRIC_TIME_TO_DOWNSTREAM_DAYS, 1 / YEAR, 4.0, 6.5));
    CU_ASSERT(ci_within(x, spec, "y2019", "street", SIM_METRIC_OCCUPANCY_MEAN, 1, 600, 800));
    CU_ASSERT(ci_within(x, spec, "y2021", "street", SIM_METRIC_OCCUPANCY_MEAN, 1, 250, 450));
    experiment_free(x);
    scenario_result_fini(&res);
}

static void unlimited_downstream_makes_the_hotel_stay_much_shorter(void)
{
    scenario_result base_res, open_res;
    model_spec *base_spec, *open_spec;
    experiment *base = run_baseline(NULL, 0, &base_spec, &base_res);
    experiment *open = run_baseline(unlimited_downstream,
                                    (int)(sizeof unlimited_downstream / sizeof unlimited_downstream[0]),
                                    &open_spec, &open_res);
    int w = window_of(base_spec, "audit"), s = model_spec_find_stage(base_spec, "assore");
    const sim_summary *b = experiment_metric(base, w, s, SIM_METRIC_STAY_LITTLE_DAYS);
    const sim_summary *o = experiment_metric(open, w, s, SIM_METRIC_STAY_LITTLE_DAYS);
    printf("\n  ASSORE Little stay, audit window: baseline %.2f y [%.2f, %.2f], unlimited downstream %.2f y [%.2f, %.2f]",
           b->mean / YEAR, b->ci95_low / YEAR, b->ci95_high / YEAR, o->mean / YEAR, o->ci95_low / YEAR,
           o->ci95_high / YEAR);
    /* "Much shorter": the open interval lies entirely below half the baseline's. */
    CU_ASSERT(o->ci95_high < 0.5 * b->ci95_low);
    const sim_summary *bp = experiment_metric(base, w, s, SIM_METRIC_POSITIVE_SHARE);
    const sim_summary *op = experiment_metric(open, w, s, SIM_METRIC_POSITIVE_SHARE);
    CU_ASSERT(op->ci95_low > bp->ci95_high);   /* and most exits become positive */
    experiment_free(base);
    experiment_free(open);
    scenario_result_fini(&base_res);
    scenario_result_fini(&open_res);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("paris", NULL, NULL);
    CU_add_test(s, "baseline_reproduces_the_audit_bottleneck", baseline_reproduces_the_audit_bottleneck);
    CU_add_test(s, "unlimited_downstream_makes_the_hotel_stay_much_shorter",
                unlimited_downstream_makes_the_hotel_stay_much_shorter);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
