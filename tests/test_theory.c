/* test_theory.c -- the simulator against queueing theory.
 *
 * Each case loads a scenario of scenarios/check/ (override the folder with
 * PARCOURS_CHECK_DIR, e.g. to try a deliberately wrong copy), runs its
 * replications and compares estimates with values computed here, from
 * constants written in this file (never read back from the scenario):
 *
 *   1. M/M/c for c in {1, 2, 5} x utilisation in {0.3, 0.7, 0.9}: Erlang C
 *      mean wait Wq, queue length Lq, utilisation, number in system L;
 *   2. M/M/3/3 with offered load 2: Erlang B blocking and carried load;
 *   3. M/G/1 with gamma and lognormal service: Pollaczek-Khinchine;
 *   4. an open Jackson network of three stations with feedback: traffic
 *      equations and product form;
 *   5. two servers in tandem with a finite buffer and blocking after
 *      service: the continuous-time Markov chain solved here with GSL;
 *   6. a nonhomogeneous Poisson source: Poisson counts per window;
 *   7. a rest area whose visits are cut at closing time: mean visit and
 *      Little's law; a rest area that fills, open all week: Erlang B; and
 *      patrols beside it, whose contacts meet people outside it;
 *   8. confidence intervals that cover: an M/M/infinity station's number
 *      present at t, (lambda/mu)(1 - exp(-mu t)), covered by 92.9-97.1% of
 *      1,000 independent 95% intervals; and the intervals that runs report
 *      (summary.json's ci95), over 200 runs with 200 seeds, covering a known
 *      mean 90-99% of the time.
 *
 * How a check is judged. The tolerance is the 95% confidence interval over
 * replications (Student's t). An exact value outside it is a miss; misses
 * are allowed up to a budget (6 of the 36 M/M/c intervals, as the issue
 * says; 1 per other case), because a correct simulator misses 5% of them.
 * Independently, an estimate more than 3 half-widths (about 6 standard
 * errors) from the exact value fails at once: a correct simulator does that
 * with probability below 1e-5, so this catches gross errors that a miss
 * budget would let through.
 *
 * Quantities that are functions of several metrics of the same replication
 * (L = occupancy + waiting list, blocking = rejected / offered) need the
 * value of each replication, which the experiment summary does not keep.
 * Replication r of a seed uses the same random streams however it is run,
 * so running replications one at a time (first = r, count = 1) gives them;
 * the test checks that claim on the way.
 *
 * Warm-up: the window "all" starts at warmup_days, chosen about 20 times the
 * relaxation time 1 / (c mu (1 - sqrt(rho))^2) of the most loaded station,
 * so that the bias of the empty start is negligible next to the intervals.
 *
 * Seeds are fixed (in the files; per case for the M/M/c grid), so the test
 * is deterministic. Run time: about 10 s in a Release build on 2 cores,
 * about 70 s under ASan + UBSan (Debug). */
#include "app/diag.h"
#include "app/experiment.h"
#include "app/scenario.h"
#include "sim/record.h"
#include "sim/stats.h"

#include <CUnit/Basic.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading and running ---------------------------------------------------- */

static const char *check_dir(void)
{
    const char *d = getenv("PARCOURS_CHECK_DIR");
    return d && *d ? d : "scenarios/check";
}

/* Loads scenarios/check/<name> with overrides; NULL (and a printed report)
 * if it does not load. */
static model_spec *load(const char *name, const char *const *sets, int n_sets)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", check_dir(), name);
    diag *d = diag_new(path);
    scenario_result res;
    if (scenario_load_file(path, sets, n_sets, d, &res) != 0) {
        diag_print(d, stderr);
        diag_free(d);
        return NULL;
    }
    diag_free(d);
    model_spec *spec = res.spec;
    res.spec = NULL;
    scenario_result_fini(&res);
    return spec;
}

static experiment *run_reps(const model_spec *spec, long first, long count, int threads)
{
    char err[512];
    experiment *x = experiment_run(spec, spec->seed, first, count, threads, NULL, NULL, err, sizeof err);
    if (x == NULL)
        fprintf(stderr, "\n%s: %s\n", spec->name, err);
    return x;
}

/* Every replication of the scenario, on all cores. */
static experiment *run_all(const model_spec *spec)
{
    int threads = experiment_default_threads();
    return run_reps(spec, 0, spec->replications, threads < 1 ? 1 : threads);
}

static int stage_of(const model_spec *spec, const char *id)
{
    int s = model_spec_find_stage(spec, id);
    CU_ASSERT_FATAL(s >= 0);
    return s;
}

static int window_of(const model_spec *spec, const char *id)
{
    for (int w = 0; w < spec->n_windows; w++)
        if (strcmp(spec->window_ids[w], id) == 0)
            return w;
    CU_FAIL_FATAL("no such window");
    return -1;
}

typedef struct query {
    int window, stage, metric;
} query;

/* values[r * n + i]: query i in replication r, each replication run alone. */
static double *each_replication(const model_spec *spec, const query *q, int n)
{
    long reps = spec->replications;
    double *values = malloc((size_t)(reps * n) * sizeof *values);
    CU_ASSERT_FATAL(values != NULL);
    for (long r = 0; r < reps; r++) {
        experiment *x = run_reps(spec, r, 1, 1);
        CU_ASSERT_FATAL(x != NULL);
        for (int i = 0; i < n; i++)
            values[r * n + i] = experiment_metric(x, q[i].window, q[i].stage, q[i].metric)->mean;
        experiment_free(x);
    }
    return values;
}

/* ---- judging ---------------------------------------------------------------- */

typedef struct checks {
    const char *title;
    int n, misses, gross;
} checks;

/* With PARCOURS_VALIDATION_MD set, every check is also written there as a
 * Markdown table: scripts/validation-report turns it into the validation
 * section of docs/model.md, so the document shows what the tests measured. */
static FILE *report;

static void begin(checks *c, const char *title)
{
    memset(c, 0, sizeof *c);
    c->title = title;
    printf("\n  %s\n", title);
    if (report)
        fprintf(report, "\n**%s**\n\n| check | exact | estimate | 95%% CI | |\n|---|---|---|---|---|\n", title);
}

/* The exact value must lie in [lo, hi] (else a miss) and in [glo, ghi]
 * (else a gross error). */
static void judge(checks *c, const char *what, double exact, double estimate, double lo, double hi,
                  double glo, double ghi)
{
    int inside = exact >= lo && exact <= hi;
    int gross = !(exact >= glo && exact <= ghi);
    c->n++;
    c->misses += !inside;
    c->gross += gross;
    printf("    %-34s exact %10.5g  estimate %10.5g  95%% CI [%.5g, %.5g]%s\n", what, exact, estimate, lo, hi,
           gross ? "  GROSS ERROR" : inside ? "" : "  miss");
    if (report)
        fprintf(report, "| %s | %.5g | %.5g | [%.5g, %.5g] | %s |\n", what, exact, estimate, lo, hi,
                gross ? "GROSS ERROR" : inside ? "covered" : "miss");
}

static void judge_summary(checks *c, const char *what, double exact, const sim_summary *s)
{
    double half = (s->ci95_high - s->ci95_low) / 2;
    CU_ASSERT(s->n >= 2);
    judge(c, what, exact, s->mean, s->ci95_low, s->ci95_high, s->mean - 3 * half, s->mean + 3 * half);
}

static void judge_metric(checks *c, const char *what, double exact, const experiment *x, int window, int stage,
                         int metric)
{
    judge_summary(c, what, exact, experiment_metric(x, window, stage, metric));
}

/* A summary of per-replication values (the project's own interval). */
static void judge_values(checks *c, const char *what, double exact, double *v, size_t n)
{
    sim_summary s;
    sim_summary_of(v, n, &s);
    judge_summary(c, what, exact, &s);
}

static void finish(const checks *c, int budget)
{
    printf("    -> %d of %d intervals miss (allowed %d), %d gross errors\n", c->misses, c->n, budget, c->gross);
    if (report)
        fprintf(report, "\n%d of %d intervals miss (allowed %d), %d gross errors.\n", c->misses, c->n, budget, c->gross);
    CU_ASSERT(c->n > 0);
    CU_ASSERT(c->gross == 0);
    CU_ASSERT(c->misses <= budget);
}

/* ---- theory ------------------------------------------------------------------- */

/* Erlang B by the stable recursion, for offered load a on c servers. */
static double erlang_b(int c, double a)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

/* Erlang C: probability that an arrival waits in M/M/c (a = lambda/mu < c). */
static double erlang_c(int c, double a)
{
    double b = erlang_b(c, a);
    return c * b / (c - a * (1 - b));
}

/* ---- 1. M/M/c ------------------------------------------------------------------- */

static void mmc_matches_erlang_c_over_the_grid_of_servers_and_loads(void)
{
    static const int servers[] = {1, 2, 5};
    static const double loads[] = {0.3, 0.7, 0.9};
    const double mu = 1.0;          /* stay: exponential, mean 1 day (mmc.json) */
    const double run_days = 40000;  /* after the warm-up */
    checks c;
    begin(&c, "M/M/c (scenarios/check/mmc.json): Wq, Lq, utilisation, L");
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int k = servers[i];
            double rho = loads[j], lambda = rho * k * mu, a = lambda / mu;
            double relax = 1.0 / (k * mu * (1 - sqrt(rho)) * (1 - sqrt(rho)));
            double warmup = ceil(fmax(100.0, 20 * relax));
            char s1[64], s2[64], s3[64], s4[64], s5[64];
            snprintf(s1, sizeof s1, "stages.station.capacity=%d", k);
            snprintf(s2, sizeof s2, "sources.arrivals.rate=%.17g", lambda);
            snprintf(s3, sizeof s3, "warmup_days=%.17g", warmup);
            snprintf(s4, sizeof s4, "days=%.17g", warmup + run_days);
            /* Streams are keyed by seed and stage or source id: with one seed
             * the nine cases would share their arrival and service draws
             * (common random numbers) and miss together. */
            snprintf(s5, sizeof s5, "seed=%d", 101 + 3 * i + j);
            const char *sets[] = {s1, s2, s3, s4, s5};
            model_spec *spec = load("mmc.json", sets, 5);
            CU_ASSERT_FATAL(spec != NULL);
            int st = stage_of(spec, "station");

            double lq = erlang_c(k, a) * rho / (1 - rho);
            double wq = lq / lambda;
            experiment *x = run_all(spec);
            CU_ASSERT_FATAL(x != NULL);
            char what[64];
            printf("    c = %d, rho = %.1f (lambda = %g, warm-up %g days)\n", k, rho, lambda, warmup);
            snprintf(what, sizeof what, "mean wait Wq (days)");
            judge_metric(&c, what, wq, x, 0, st, SIM_METRIC_WAIT_MEAN_DAYS);
            snprintf(what, sizeof what, "mean queue length Lq");
            judge_metric(&c, what, lq, x, 0, st, SIM_METRIC_WAITING_MEAN);
            /* Utilisation: occupancy / c, interval scaled alike. */
            sim_summary u = *experiment_metric(x, 0, st, SIM_METRIC_OCCUPANCY_MEAN);
            u.mean /= k;
            u.ci95_low /= k;
            u.ci95_high /= k;
            judge_summary(&c, "utilisation", rho, &u);

            /* L = occupancy + waiting list, replication by replication. */
            query q[2] = {{0, st, SIM_METRIC_OCCUPANCY_MEAN}, {0, st, SIM_METRIC_WAITING_MEAN}};
            long reps = spec->replications;
            double *v = each_replication(spec, q, 2);
            double *l = malloc((size_t)reps * sizeof *l);
            CU_ASSERT_FATAL(l != NULL);
            for (long r = 0; r < reps; r++)
                l[r] = v[2 * r] + v[2 * r + 1];
            judge_values(&c, "mean number in system L", lq + a, l, (size_t)reps);
            free(l);
            free(v);
            experiment_free(x);
            model_spec_free(spec);
        }
    finish(&c, 6);
}

/* ---- 2. M/M/c/c ------------------------------------------------------------------- */

static void loss_system_blocks_as_erlang_b_says(void)
{
    const int servers = 3;
    const double lambda = 2.0, mu = 1.0, a = lambda / mu;   /* erlang-loss.json */
    const double b = erlang_b(servers, a);                  /* 4/19 */
    checks c;
    begin(&c, "M/M/3/3 (scenarios/check/erlang-loss.json): Erlang B");
    model_spec *spec = load("erlang-loss.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int st = stage_of(spec, "servers");
    long reps = spec->replications;
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);

    /* Blocking replication by replication: rejected / (admissions + rejected). */
    query q[2] = {{0, st, SIM_METRIC_REJECTED}, {0, st, SIM_METRIC_ADMISSIONS}};
    double *v = each_replication(spec, q, 2);
    double *ratio = malloc((size_t)reps * sizeof *ratio);
    double *rej = malloc((size_t)reps * sizeof *rej);
    CU_ASSERT_FATAL(ratio != NULL && rej != NULL);
    for (long r = 0; r < reps; r++) {
        ratio[r] = v[2 * r] / (v[2 * r] + v[2 * r + 1]);
        rej[r] = v[2 * r];
    }
    /* Replications run alone are those of the batch (same streams). */
    sim_summary alone;
    sim_summary_of(rej, (size_t)reps, &alone);
    const sim_summary *batch = experiment_metric(x, 0, st, SIM_METRIC_REJECTED);
    CU_ASSERT_DOUBLE_EQUAL(alone.mean, batch->mean, 1e-9 * batch->mean);
    CU_ASSERT_DOUBLE_EQUAL(alone.sd, batch->sd, 1e-9 * batch->sd);
    judge_values(&c, "blocking, per replication", b, ratio, (size_t)reps);

    /* The same from the summaries alone: the ratio of means R / (R + A) is
     * increasing in R and decreasing in A, so the box of the two 95%
     * intervals maps to an interval with coverage at least 90% (Bonferroni). */
    const sim_summary *rs = experiment_metric(x, 0, st, SIM_METRIC_REJECTED);
    const sim_summary *as = experiment_metric(x, 0, st, SIM_METRIC_ADMISSIONS);
    double est = rs->mean / (rs->mean + as->mean);
    double lo = rs->ci95_low / (rs->ci95_low + as->ci95_high), hi = rs->ci95_high / (rs->ci95_high + as->ci95_low);
    double rh = (rs->ci95_high - rs->ci95_low) / 2, ah = (as->ci95_high - as->ci95_low) / 2;
    double glo = (rs->mean - 3 * rh) / (rs->mean - 3 * rh + as->mean + 3 * ah);
    double ghi = (rs->mean + 3 * rh) / (rs->mean + 3 * rh + as->mean - 3 * ah);
    judge(&c, "blocking, ratio of mean counts", b, est, lo, hi, glo, ghi);
    judge_metric(&c, "carried load (mean busy servers)", a * (1 - b), x, 0, st, SIM_METRIC_OCCUPANCY_MEAN);
    free(ratio);
    free(rej);
    free(v);
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* ---- 3. M/G/1 ------------------------------------------------------------------- */

static void mg1(checks *c, const char *file, double lambda, double mean, double second_moment)
{
    model_spec *spec = load(file, NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int st = stage_of(spec, "server");
    double rho = lambda * mean;
    double wq = lambda * second_moment / (2 * (1 - rho));
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    printf("    %s (lambda = %g, E[S] = %g, E[S^2] = %g)\n", file, lambda, mean, second_moment);
    judge_metric(c, "mean wait Wq (days)", wq, x, 0, st, SIM_METRIC_WAIT_MEAN_DAYS);
    judge_metric(c, "mean queue length Lq", lambda * wq, x, 0, st, SIM_METRIC_WAITING_MEAN);
    judge_metric(c, "utilisation", rho, x, 0, st, SIM_METRIC_OCCUPANCY_MEAN);
    experiment_free(x);
    model_spec_free(spec);
}

static void mg1_waits_follow_pollaczek_khinchine(void)
{
    checks c;
    begin(&c, "M/G/1: Pollaczek-Khinchine Wq = lambda E[S^2] / (2 (1 - rho))");
    /* Gamma, shape 0.5, mean 1: Var = mean^2 / shape. */
    mg1(&c, "mg1-gamma.json", 0.7, 1.0, 1.0 * (1 + 1 / 0.5));
    /* Lognormal, mean 1, sd 1.5: E[S^2] = mean^2 + sd^2. */
    mg1(&c, "mg1-lognormal.json", 0.6, 1.0, 1.0 + 1.5 * 1.5);
    finish(&c, 1);
}

/* ---- 4. Jackson network ------------------------------------------------------------- */

static void jackson_network_with_feedback_has_product_form_occupancies(void)
{
    /* jackson.json: stations a, b, c; P[i][j] = routing probability i -> j. */
    static const char *const ids[3] = {"a", "b", "c"};
    const double gamma_in[3] = {0.5, 0, 0};
    const double P[3][3] = {{0, 0.5, 0.3}, {0.3, 0, 0.2}, {0.2, 0, 0}};
    const double mean_service[3] = {1.0, 2.4, 2.0};
    checks c;
    begin(&c, "Jackson network (scenarios/check/jackson.json): L_i = rho_i / (1 - rho_i)");

    /* Traffic equations (I - P^T) lambda = gamma, by LU. */
    gsl_matrix *m = gsl_matrix_alloc(3, 3);
    gsl_vector *g = gsl_vector_alloc(3), *lam = gsl_vector_alloc(3);
    gsl_permutation *perm = gsl_permutation_alloc(3);
    CU_ASSERT_FATAL(m && g && lam && perm);
    for (int i = 0; i < 3; i++) {
        gsl_vector_set(g, (size_t)i, gamma_in[i]);
        for (int j = 0; j < 3; j++)
            gsl_matrix_set(m, (size_t)i, (size_t)j, (i == j) - P[j][i]);
    }
    int sign;
    gsl_linalg_LU_decomp(m, perm, &sign);
    gsl_linalg_LU_solve(m, perm, g, lam);

    model_spec *spec = load("jackson.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    query q[6];
    int st[3];
    for (int i = 0; i < 3; i++) {
        st[i] = stage_of(spec, ids[i]);
        q[2 * i] = (query){0, st[i], SIM_METRIC_OCCUPANCY_MEAN};
        q[2 * i + 1] = (query){0, st[i], SIM_METRIC_WAITING_MEAN};
    }
    long reps = spec->replications;
    double *v = each_replication(spec, q, 6);
    double *l = malloc((size_t)reps * sizeof *l);
    CU_ASSERT_FATAL(l != NULL);
    for (int i = 0; i < 3; i++) {
        double li = gsl_vector_get(lam, (size_t)i), rho = li * mean_service[i];
        CU_ASSERT_FATAL(rho < 1);
        char what[64];
        for (long r = 0; r < reps; r++)
            l[r] = v[6 * r + 2 * i] + v[6 * r + 2 * i + 1];
        snprintf(what, sizeof what, "station %s: L (rho = %.3f)", ids[i], rho);
        judge_values(&c, what, rho / (1 - rho), l, (size_t)reps);
        snprintf(what, sizeof what, "station %s: Wq (days)", ids[i]);
        judge_metric(&c, what, rho / (1 - rho) * mean_service[i], x, 0, st[i], SIM_METRIC_WAIT_MEAN_DAYS);
    }
    free(l);
    free(v);
    experiment_free(x);
    model_spec_free(spec);
    gsl_permutation_free(perm);
    gsl_vector_free(lam);
    gsl_vector_free(g);
    gsl_matrix_free(m);
    finish(&c, 1);
}

/* ---- 5. Tandem with blocking ---------------------------------------------------------- */

/* State: n1 users at station 1 (waiting or with server1), n2 users in the
 * buffer or with server2 (0 .. K+1), b = 1 if server1 has finished and is
 * blocked (only when n1 >= 1 and n2 = K+1). n1 is truncated at N. */
typedef struct tandem {
    int K, N;
    int *index;     /* [n1][n2][b] -> state, -1 if impossible */
    int states;
} tandem;

static int tandem_at(const tandem *t, int n1, int n2, int b)
{
    return t->index[(n1 * (t->K + 2) + n2) * 2 + b];
}

typedef struct tandem_result {
    double busy_or_blocked1, queue1, buffer, blocked, tail;
} tandem_result;

static void tandem_solve(double lambda, double mu1, double mu2, int K, int N, tandem_result *out)
{
    tandem t = {K, N, NULL, 0};
    size_t cells = (size_t)(N + 1) * (size_t)(K + 2) * 2;
    t.index = malloc(cells * sizeof *t.index);
    CU_ASSERT_FATAL(t.index != NULL);
    for (int n1 = 0; n1 <= N; n1++)
        for (int n2 = 0; n2 <= K + 1; n2++)
            for (int b = 0; b <= 1; b++) {
                int possible = b == 0 || (n1 >= 1 && n2 == K + 1);
                t.index[(n1 * (K + 2) + n2) * 2 + b] = possible ? t.states++ : -1;
            }
    size_t S = (size_t)t.states;
    /* A = Q^T, then the last balance equation replaced by sum(pi) = 1. */
    gsl_matrix *A = gsl_matrix_calloc(S, S);
    gsl_vector *rhs = gsl_vector_calloc(S), *pi = gsl_vector_alloc(S);
    gsl_permutation *perm = gsl_permutation_alloc(S);
    CU_ASSERT_FATAL(A && rhs && pi && perm);
#define RATE(from, to, r)                                                             \
    do {                                                                              \
        *gsl_matrix_ptr(A, (size_t)(to), (size_t)(from)) += (r);                      \
        *gsl_matrix_ptr(A, (size_t)(from), (size_t)(from)) -= (r);                    \
    } while (0)
    for (int n1 = 0; n1 <= N; n1++)
        for (int n2 = 0; n2 <= K + 1; n2++)
            for (int b = 0; b <= 1; b++) {
                int i = tandem_at(&t, n1, n2, b);
                if (i < 0)
                    continue;
                if (n1 < N)
                    RATE(i, tandem_at(&t, n1 + 1, n2, b), lambda);
                if (n1 >= 1 && b == 0) {
                    if (n2 < K + 1)
                        RATE(i, tandem_at(&t, n1 - 1, n2 + 1, 0), mu1);
                    else
                        RATE(i, tandem_at(&t, n1, n2, 1), mu1);
                }
                if (n2 >= 1) {
                    if (b == 1)   /* the blocked user takes the freed place */
                        RATE(i, tandem_at(&t, n1 - 1, n2, 0), mu2);
                    else
                        RATE(i, tandem_at(&t, n1, n2 - 1, 0), mu2);
                }
            }
#undef RATE
    for (size_t j = 0; j < S; j++)
        gsl_matrix_set(A, S - 1, j, 1.0);
    gsl_vector_set(rhs, S - 1, 1.0);
    int sign;
    gsl_linalg_LU_decomp(A, perm, &sign);
    gsl_linalg_LU_solve(A, perm, rhs, pi);
    memset(out, 0, sizeof *out);
    double total = 0;
    for (int n1 = 0; n1 <= N; n1++)
        for (int n2 = 0; n2 <= K + 1; n2++)
            for (int b = 0; b <= 1; b++) {
                int i = tandem_at(&t, n1, n2, b);
                if (i < 0)
                    continue;
                double p = gsl_vector_get(pi, (size_t)i);
                CU_ASSERT(p > -1e-12);
                total += p;
                if (n1 >= 1) {
                    out->busy_or_blocked1 += p;
                    out->queue1 += p * (n1 - 1);
                }
                if (n2 >= 2)
                    out->buffer += p * (n2 - 1);
                if (b)
                    out->blocked += p;
                if (n1 == N)
                    out->tail += p;
            }
    CU_ASSERT_DOUBLE_EQUAL(total, 1.0, 1e-9);
    gsl_permutation_free(perm);
    gsl_vector_free(pi);
    gsl_vector_free(rhs);
    gsl_matrix_free(A);
    free(t.index);
}

static void tandem_with_finite_buffer_matches_its_markov_chain(void)
{
    /* tandem.json: arrivals 0.6/day, server1 mean 1, buffer 2, server2 mean 1.25. */
    const double lambda = 0.6, mu1 = 1.0, mu2 = 0.8;
    const int K = 2, N = 150;
    tandem_result th;
    tandem_solve(lambda, mu1, mu2, K, N, &th);
    CU_ASSERT(th.tail < 1e-12);   /* the truncation at N users is harmless */
    checks c;
    begin(&c, "Tandem with buffer 2 and blocking (scenarios/check/tandem.json): Markov chain");
    model_spec *spec = load("tandem.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int s1 = stage_of(spec, "server1"), buf = stage_of(spec, "buffer");
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    judge_metric(&c, "server1 occupancy (busy or blocked)", th.busy_or_blocked1, x, 0, s1, SIM_METRIC_OCCUPANCY_MEAN);
    judge_metric(&c, "server1 queue length", th.queue1, x, 0, s1, SIM_METRIC_WAITING_MEAN);
    judge_metric(&c, "buffer occupancy", th.buffer, x, 0, buf, SIM_METRIC_OCCUPANCY_MEAN);
    judge_metric(&c, "server1 blocked (buffer's list)", th.blocked, x, 0, buf, SIM_METRIC_WAITING_MEAN);
    sim_summary bl = *experiment_metric(x, 0, s1, SIM_METRIC_BLOCKED_PLACE_DAYS);
    double len = spec->windows[0].to - spec->windows[0].from;
    bl.mean /= len;
    bl.ci95_low /= len;
    bl.ci95_high /= len;
    judge_summary(&c, "server1 blocked place-days / days", th.blocked, &bl);
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* ---- 6. Nonhomogeneous Poisson source ------------------------------------------------- */

/* Checks that counts summarised by s are Poisson with mean m: the mean, and
 * the variance (= m) against the chi-square interval of the sample variance. */
static void poisson_counts(checks *c, const char *what, double m, const sim_summary *s)
{
    char label[64];
    snprintf(label, sizeof label, "%s: mean", what);
    judge_summary(c, label, m, s);
    double df = (double)s->n - 1, ss = df * s->sd * s->sd;
    snprintf(label, sizeof label, "%s: variance", what);
    judge(c, label, m, s->sd * s->sd, ss / gsl_cdf_chisq_Pinv(0.975, df), ss / gsl_cdf_chisq_Pinv(0.025, df),
          ss / gsl_cdf_chisq_Pinv(0.999995, df), ss / gsl_cdf_chisq_Pinv(0.000005, df));
}

static void nonhomogeneous_source_gives_poisson_counts_per_window(void)
{
    /* nhpp.json: 2 per day on days 0-99, 5 per day on days 100-199. */
    checks c;
    begin(&c, "Nonhomogeneous Poisson source (scenarios/check/nhpp.json)");
    model_spec *spec = load("nhpp.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int done = stage_of(spec, "done");
    int low = window_of(spec, "low"), high = window_of(spec, "high");
    CU_ASSERT(low == 1 && high == 2);   /* window 0 is "all" */
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    poisson_counts(&c, "days 0-99 (rate 2)", 200, experiment_metric(x, low, done, SIM_METRIC_ADMISSIONS));
    poisson_counts(&c, "days 100-199 (rate 5)", 500, experiment_metric(x, high, done, SIM_METRIC_ADMISSIONS));
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* ---- 7. A day service that closes ------------------------------------------------- */

/* day-service.json: open 10:00-18:00 (T = 8 hours), 12 requests an hour,
 * visits exponential with mean m = 4 hours, seats to spare, a pool that
 * never changes. A request comes s hours after opening, s uniform on
 * [0, T), and its visit lasts min(X, T - s): closing ends it. So the mean
 * visit is (1/T) * int_0^T m (1 - exp(-(T - s)/m)) ds
 * = m - (m^2 / T)(1 - exp(-T / m)), and by Little's law the mean number
 * inside over the whole day is 12 T times that, in days. A visit that
 * outlived closing, or ended early because its end event was dropped,
 * moves the mean visit by a gross error. */
static void visits_cut_at_closing_have_the_exact_mean_length(void)
{
    const double m = 4.0, T = 8.0, per_hour = 12.0, days = 200.0;
    const double mean_hours = m - m * m / T * (1 - exp(-T / m));
    checks c;
    begin(&c, "A rest area closing at 18:00 (scenarios/check/day-service.json)");
    model_spec *spec = load("day-service.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    CU_ASSERT_FATAL(spec->horizon == days);
    int rest = stage_of(spec, "rest");
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    judge_metric(&c, "visits", per_hour * T * days, x, 0, rest, SIM_METRIC_ADMISSIONS);
    judge_metric(&c, "mean visit (days)", mean_hours / 24.0, x, 0, rest, SIM_METRIC_STAY_MEAN_DAYS);
    judge_metric(&c, "mean number inside", per_hour * T * mean_hours / 24.0, x, 0, rest,
                 SIM_METRIC_OCCUPANCY_MEAN);
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* day-service-full.json: open all week, c = 5 seats, 2 requests an hour,
 * visits exponential with mean 4 hours (offered load a = 8), a pool large
 * enough that a pick almost never meets a visitor. Requests that find
 * every seat taken are lost: an M/M/5/5 loss system. The service draws no
 * request while full and resumes from the freed seat (day_service.c); a
 * request drawn from any other moment, or none after a seat frees, moves
 * the visits and the number inside away from Erlang B. */
static void rest_area_that_fills_loses_requests_as_erlang_b_says(void)
{
    const int seats = 5;
    const double per_day = 2.0 * 24.0, mean_days = 4.0 / 24.0, a = per_day * mean_days;
    const double b = erlang_b(seats, a), days = 400.0 - 10.0;
    checks c;
    begin(&c, "A rest area that fills, M/M/5/5 (scenarios/check/day-service-full.json): Erlang B");
    model_spec *spec = load("day-service-full.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int rest = stage_of(spec, "rest");
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    judge_metric(&c, "visits", per_day * (1 - b) * days, x, 0, rest, SIM_METRIC_ADMISSIONS);
    judge_metric(&c, "mean number inside", a * (1 - b), x, 0, rest, SIM_METRIC_OCCUPANCY_MEAN);
    judge_metric(&c, "mean visit (days)", mean_days, x, 0, rest, SIM_METRIC_STAY_MEAN_DAYS);
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* patrol.json: a pool of N = 40 that never changes, whose rest area is
 * the M/M/10/10 loss system of offered load 8 (open all week), and two
 * patrols: weekdays 09:30-17:30 at 4 contacts an hour, Saturdays 23:00 to
 * Sunday 01:00 at 6. A contact is made when its random person is not in
 * the rest area: in the long run, a share 1 - 8 (1 - B) / N of the time.
 * Over 50 whole weeks that is 50 x (5 x 8 x 4 + 2 x 6) contacts times the
 * share; on a Sunday alone, the Saturday patrol's last hour, 6 times it.
 * Patrols make events of their referral offers only and tally the other
 * contacts per stretch of constant rate (patrol.c): a tally that missed
 * visitors, the offers or the split of a stretch at midnight misses these
 * by a gross error. */
static void patrol_contacts_meet_the_people_outside_the_rest_area(void)
{
    const double n = 40, a = 8, b = erlang_b(10, a), share = 1 - a * (1 - b) / n;
    checks c;
    begin(&c, "Patrols beside a rest area that fills (scenarios/check/patrol.json)");
    model_spec *spec = load("patrol.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int street = stage_of(spec, "street");
    int weeks = window_of(spec, "weeks"), sunday = window_of(spec, "sunday");
    CU_ASSERT_FATAL(weeks >= 0 && sunday >= 0);
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    judge_metric(&c, "contacts over 50 weeks", 50 * (5 * 8 * 4 + 2 * 6) * share, x, weeks, street,
                 SIM_METRIC_CONTACTS);
    judge_metric(&c, "contacts on a Sunday", 6 * share, x, sunday, street, SIM_METRIC_CONTACTS);
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* ---- 8. Confidence intervals that cover ------------------------------------------ */

/* mminf.json: Poisson arrivals at 20 per day into an unlimited station with
 * exponential stays of mean 2 days, empty at 0, observed at t = 2 days. */
static const double mminf_lambda = 20, mminf_mu = 0.5, mminf_t = 2;
enum { MMINF_PER_INTERVAL = 5 };   /* replications behind each interval */

/* Each interval is a Student-t 95% interval of 5 replications; how often
 * 1,000 of them (replications 0-4, 5-9, ...; independent streams) cover
 * the exact mean is binomial(1000, 0.95) when intervals are right: 92.9% to
 * 97.1% holds it with probability 0.998. The number present at t is
 * admissions - exits over [0, t], in each replication. */
static void mminf_intervals_cover_the_exact_mean_at_time_t(void)
{
    const double exact = mminf_lambda / mminf_mu * (1 - exp(-mminf_mu * mminf_t));
    checks c;
    begin(&c, "M/M/infinity: number present at t = 2 days (scenarios/check/mminf.json)");
    model_spec *spec = load("mminf.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    CU_ASSERT_FATAL(spec->replications == 1000 * MMINF_PER_INTERVAL);
    int station = stage_of(spec, "station");
    experiment *x = run_all(spec);
    CU_ASSERT_FATAL(x != NULL);
    const double *in = experiment_values(x, 0, station, SIM_METRIC_ADMISSIONS);
    const double *out = experiment_values(x, 0, station, SIM_METRIC_EXITS);
    long n = experiment_replications(x), intervals = n / MMINF_PER_INTERVAL, covered = 0;
    double *present = malloc((size_t)n * sizeof *present);
    CU_ASSERT_FATAL(present != NULL);
    for (long r = 0; r < n; r++)
        present[r] = in[r] - out[r];
    for (long i = 0; i < intervals; i++) {
        sim_summary s;
        sim_summary_of(present + i * MMINF_PER_INTERVAL, MMINF_PER_INTERVAL, &s);
        covered += exact >= s.ci95_low && exact <= s.ci95_high;
    }
    judge_values(&c, "mean over every replication", exact, present, (size_t)n);
    double share = (double)covered / (double)intervals;
    printf("    %ld of %ld intervals of %d replications cover %.5g: %.1f%% (expected 92.9%%-97.1%%)\n", covered,
           intervals, MMINF_PER_INTERVAL, exact, 100 * share);
    if (report)
        fprintf(report, "\n%ld of %ld independent 95%% intervals (5 replications each) cover the exact %.5g: "
                        "%.1f%% (required 92.9%%-97.1%%).\n", covered, intervals, exact, 100 * share);
    CU_ASSERT(intervals == 1000);
    CU_ASSERT(covered >= 929 && covered <= 971);
    free(present);
    experiment_free(x);
    model_spec_free(spec);
    finish(&c, 1);
}

/* The interval a run reports (the experiment's summary, as written to
 * summary.json), over 200 runs that differ only by their seed: admissions
 * over [0, t] have mean lambda t. Covered 90-99% of the time (a correct
 * interval falls outside with probability below 0.003). */
static void runs_with_200_seeds_report_intervals_that_cover_a_known_mean(void)
{
    const double exact = mminf_lambda * mminf_t;
    enum { RUNS = 200 };
    model_spec *spec = load("mminf.json", NULL, 0);
    CU_ASSERT_FATAL(spec != NULL);
    int station = stage_of(spec, "station");
    int threads = experiment_default_threads();
    int covered = 0;
    for (int k = 0; k < RUNS; k++) {
        spec->seed = 1000 + (uint64_t)k;
        experiment *x = run_reps(spec, 0, MMINF_PER_INTERVAL, threads < 1 ? 1 : threads);
        CU_ASSERT_FATAL(x != NULL);
        const sim_summary *s = experiment_metric(x, 0, station, SIM_METRIC_ADMISSIONS);
        covered += exact >= s->ci95_low && exact <= s->ci95_high;
        experiment_free(x);
    }
    printf("\n  Runs with seeds 1000-1199, %d replications each: %d of %d reported 95%% intervals cover "
           "lambda t = %g (%.1f%%; required 90%%-99%%)\n", MMINF_PER_INTERVAL, covered, RUNS, exact,
           100.0 * covered / RUNS);
    if (report)
        fprintf(report, "\n**Reported intervals over 200 seeds (scenarios/check/mminf.json)**\n\n"
                        "%d of %d runs (seeds 1000-1199, %d replications each) report a 95%% interval for the "
                        "admissions that covers lambda t = %g: %.1f%% (required 90%%-99%%).\n",
                covered, RUNS, MMINF_PER_INTERVAL, exact, 100.0 * covered / RUNS);
    CU_ASSERT(covered >= 180 && covered <= 198);
    model_spec_free(spec);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("theory", NULL, NULL);
    if (s == NULL ||
        !CU_add_test(s, "M/M/c matches Erlang C over the grid of servers and loads",
                     mmc_matches_erlang_c_over_the_grid_of_servers_and_loads) ||
        !CU_add_test(s, "a loss system blocks as Erlang B says", loss_system_blocks_as_erlang_b_says) ||
        !CU_add_test(s, "M/G/1 waits follow Pollaczek-Khinchine", mg1_waits_follow_pollaczek_khinchine) ||
        !CU_add_test(s, "a Jackson network with feedback has product-form occupancies",
                     jackson_network_with_feedback_has_product_form_occupancies) ||
        !CU_add_test(s, "a tandem with a finite buffer matches its Markov chain",
                     tandem_with_finite_buffer_matches_its_markov_chain) ||
        !CU_add_test(s, "a nonhomogeneous source gives Poisson counts per window",
                     nonhomogeneous_source_gives_poisson_counts_per_window) ||
        !CU_add_test(s, "visits cut at closing time have the exact mean length",
                     visits_cut_at_closing_have_the_exact_mean_length) ||
        !CU_add_test(s, "a rest area that fills loses requests as Erlang B says",
                     rest_area_that_fills_loses_requests_as_erlang_b_says) ||
        !CU_add_test(s, "patrol contacts meet the people outside the rest area",
                     patrol_contacts_meet_the_people_outside_the_rest_area) ||
        !CU_add_test(s, "M/M/inf: 1,000 intervals cover the exact mean at time t 92.9-97.1% of the time",
                     mminf_intervals_cover_the_exact_mean_at_time_t) ||
        !CU_add_test(s, "runs with 200 seeds report intervals that cover a known mean 90-99% of the time",
                     runs_with_200_seeds_report_intervals_that_cover_a_known_mean)) {
        CU_cleanup_registry();
        return 1;
    }
    const char *md = getenv("PARCOURS_VALIDATION_MD");
    if (md && (report = fopen(md, "w")) == NULL)
        fprintf(stderr, "cannot write %s\n", md);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    if (report) {
        fprintf(report, "\nResult: %s.\n", failed ? "FAILED" : "every case passed");
        fclose(report);
    }
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
