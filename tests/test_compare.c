/* test_compare.c -- `parcours compare`: paired differences on common random
 * numbers, compare.csv, the report, and bad input.
 *
 * Runs from the source tree (scenarios/ by relative path) with few
 * replications: the baseline against itself and against +50 LHSS/LAM. */
#include "app/compare.h"

#include "app/plot.h"
#include "app/scenario.h"

#include "app/textfile.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BASELINE "scenarios/paris-baseline.json"
#define LHSS_LAM "scenarios/policy/lhss-lam-50.json"

static char tmpdir[256];
static const char *const header =
    "window,stage,metric,scenario,mean,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,"
    "scenario_hash,seed,replications,parcours_version,command";

static int run(int argc, const char **argv)
{
    fflush(stdout);
    return compare_main(argc, (char **)argv);
}

static char *slurp(const char *path)
{
    char why[256];
    return textfile_read(path, (size_t)1 << 30, why, sizeof why);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- compare.csv as rows of 15 text fields ---------------------------------- */

enum { FIELDS = 15 };   /* 10, then the provenance */

typedef struct row {
    char *f[FIELDS];
} row;

typedef struct table {
    char *text;
    row *rows;
    int n;
    int bad;   /* rows without exactly FIELDS fields */
} table;

static int load_table(const char *path, table *t)
{
    memset(t, 0, sizeof *t);
    t->text = slurp(path);
    if (t->text == NULL)
        return -1;
    int lines = 0;
    for (char *p = t->text; *p; p++)
        lines += *p == '\n';
    t->rows = calloc((size_t)lines + 1, sizeof *t->rows);
    char *line = strchr(t->text, '\n');   /* skip the header */
    if (line == NULL || t->rows == NULL)
        return -1;
    *line++ = '\0';
    while (*line) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        row *r = &t->rows[t->n++];
        int k = 0;
        char *p = line;
        for (;;) {
            if (k < FIELDS)
                r->f[k] = p;
            k++;
            char *c = strchr(p, ',');
            if (c == NULL)
                break;
            *c = '\0';
            p = c + 1;
        }
        if (k != FIELDS)
            t->bad++;
        if (end == NULL)
            break;
        line = end + 1;
    }
    return 0;
}

static void free_table(table *t)
{
    free(t->text);
    free(t->rows);
}

static const row *find(const table *t, const char *window, const char *stage, const char *metric,
                       const char *scenario)
{
    for (int i = 0; i < t->n; i++) {
        const row *r = &t->rows[i];
        if (r->f[0] && r->f[3] && strcmp(r->f[0], window) == 0 && strcmp(r->f[1], stage) == 0 &&
            strcmp(r->f[2], metric) == 0 && strcmp(r->f[3], scenario) == 0)
            return r;
    }
    return NULL;
}

static double num(const row *r, int i)
{
    return r && r->f[i] && *r->f[i] ? strtod(r->f[i], NULL) : NAN;
}

/* The baseline against +50 LHSS/LAM, 5 replications: run once, shared. */
static char pair_dir[300];
static int pair_status = -1;

static void run_pair_once(void)
{
    if (pair_status >= 0)
        return;
    snprintf(pair_dir, sizeof pair_dir, "%s/pair", tmpdir);
    const char *a[] = {BASELINE, LHSS_LAM, "-r", "5", "--threads", "2", "--out", pair_dir, "--quiet"};
    pair_status = run(9, a);
}

/* ---- tests -------------------------------------------------------------------- */

static void paired_difference_matches_a_hand_computation(void)
{
    const double a[] = {1, 2, 3, NAN, 5}, b[] = {2, 4, 6, 8, NAN};
    compare_estimate d;
    compare_paired(a, b, 5, &d);   /* pairs 1..3: differences 1, 2, 3 */
    CU_ASSERT_EQUAL(d.n, 3);
    CU_ASSERT_DOUBLE_EQUAL(d.mean, 2.0, 1e-12);
    double half = gsl_cdf_tdist_Pinv(0.975, 2) * 1.0 / sqrt(3.0);
    CU_ASSERT_DOUBLE_EQUAL(d.ci95_low, 2.0 - half, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(d.ci95_high, 2.0 + half, 1e-12);
    const double same[] = {3.25, 7.5, 1e6};
    compare_paired(same, same, 3, &d);
    CU_ASSERT(d.mean == 0 && d.ci95_low == 0 && d.ci95_high == 0);
    const double none[] = {NAN, NAN};
    compare_paired(none, none, 2, &d);
    CU_ASSERT_EQUAL(d.n, 0);
    CU_ASSERT(isnan(d.mean));
}

static void compare_csv_has_the_header_and_a_row_per_quantity(void)
{
    run_pair_once();
    CU_ASSERT_EQUAL_FATAL(pair_status, 0);
    char path[400];
    snprintf(path, sizeof path, "%s/compare.csv", pair_dir);
    table t;
    CU_ASSERT_EQUAL_FATAL(load_table(path, &t), 0);
    CU_ASSERT_STRING_EQUAL(t.text, header);
    CU_ASSERT_EQUAL(t.bad, 0);
    CU_ASSERT(t.n > 1000);
    static const char *const metrics[] = {"occupancy_mean", "admissions", "exits", "positive_share",
                                          "stay_little_days", "time_to_downstream_days", "wait_mean_days",
                                          "waiting_mean", "blocked_place_days"};
    static const char *const windows[] = {"all", "audit", "y2019", "y2023"};
    static const char *const scen[] = {"paris-baseline", "lhss-lam-50"};
    for (size_t w = 0; w < 4; w++)
        for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++)
            for (size_t k = 0; k < 2; k++) {
                const row *r = find(&t, windows[w], "assore", metrics[m], scen[k]);
                CU_ASSERT_PTR_NOT_NULL(r);
                if (r && k == 0)   /* the reference against itself */
                    CU_ASSERT(strcmp(r->f[7], "0") == 0 && strcmp(r->f[8], "0") == 0 && strcmp(r->f[9], "0") == 0);
            }
    for (size_t k = 0; k < 2; k++) {
        CU_ASSERT_PTR_NOT_NULL(find(&t, "y2022", "all", "cost_total_eur", scen[k]));
        CU_ASSERT_PTR_NOT_NULL(find(&t, "y2022", "all", "cost_per_person_sheltered_eur", scen[k]));
        CU_ASSERT_PTR_NOT_NULL(find(&t, "all", "gone", "admissions", scen[k]));
    }
    CU_ASSERT_PTR_NULL(find(&t, "all", "gone", "occupancy_mean", "paris-baseline"));   /* exits: arrivals only */
    /* mean and interval agree with the scenario's own summary ordering */
    const row *r = find(&t, "y2022", "assore", "stay_little_days", "lhss-lam-50");
    CU_ASSERT(num(r, 5) <= num(r, 4) && num(r, 4) <= num(r, 6));
    CU_ASSERT(num(r, 8) <= num(r, 7) && num(r, 7) <= num(r, 9));
    /* before the beds open (2021) nothing differs, replication by replication */
    r = find(&t, "y2019", "street", "occupancy_mean", "lhss-lam-50");
    CU_ASSERT(r && strcmp(r->f[7], "0") == 0 && strcmp(r->f[8], "0") == 0 && strcmp(r->f[9], "0") == 0);
    /* after: the hotel stay is shorter, and the interval says so */
    CU_ASSERT(num(r = find(&t, "y2022", "assore", "stay_little_days", "lhss-lam-50"), 9) < 0);
    CU_ASSERT(num(find(&t, "y2022", "lhss", "admissions", "lhss-lam-50"), 4) > 0);
    free_table(&t);
    /* each scenario's usual files, the occupancy series and the report */
    static const char *const files[] = {"paris-baseline/summary.json", "paris-baseline/occupancy.csv",
                                        "lhss-lam-50/summary.json", "compare_occupancy.csv", "report.html"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", pair_dir, files[i]);
        CU_ASSERT(exists(path));
    }
    snprintf(path, sizeof path, "%s/compare_occupancy.csv", pair_dir);
    char *occ = slurp(path);
    CU_ASSERT_FATAL(occ != NULL);
    const char *start = "date,stage,scenario,mean,ci95_low,ci95_high,scenario_hash,seed,replications,"
                        "parcours_version,command\n2019-01-01,street,paris-baseline,";
    CU_ASSERT_EQUAL(strncmp(occ, start, strlen(start)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(occ, "\n2023-12-31,assore,lhss-lam-50,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(occ, ",lhss,lhss-lam-50,"));   /* a stage that differs */
    CU_ASSERT_PTR_NULL(strstr(occ, ",phase,"));                  /* full in both: not plotted */
    free(occ);
}

static void report_is_one_self_contained_page(void)
{
    run_pair_once();
    CU_ASSERT_EQUAL_FATAL(pair_status, 0);
    char path[400];
    snprintf(path, sizeof path, "%s/report.html", pair_dir);
    char *html = slurp(path);
    CU_ASSERT_FATAL(html != NULL);
    CU_ASSERT_EQUAL(strncmp(html, "<!DOCTYPE html>", 15), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "Hotel stay in ASSORE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "Time before a downstream place"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "People on the street"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "Total cost"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "The 50 planned LHSS/LAM beds"));   /* the description */
    CU_ASSERT_PTR_NULL(strstr(html, "<script"));
    CU_ASSERT_PTR_NULL(strstr(html, "http://"));
    CU_ASSERT_PTR_NULL(strstr(html, "https://"));
    CU_ASSERT_PTR_NULL(strstr(html, "src=\"compare"));   /* no image by file name */
    if (plot_have_program("gnuplot"))
        CU_ASSERT_PTR_NOT_NULL(strstr(html, "<img alt=\"Daily occupancy of street"));
    free(html);
}

static void a_scenario_compared_with_itself_differs_by_exactly_zero(void)
{
    char out[300], path[400];
    snprintf(out, sizeof out, "%s/self", tmpdir);
    const char *a[] = {BASELINE, BASELINE, "-r", "4", "-j", "2", "-o", out, "-q"};
    CU_ASSERT_EQUAL_FATAL(run(9, a), 0);
    snprintf(path, sizeof path, "%s/paris-baseline-2/summary.json", out);   /* the twin gets a suffix */
    CU_ASSERT(exists(path));
    snprintf(path, sizeof path, "%s/compare.csv", out);
    table t;
    CU_ASSERT_EQUAL_FATAL(load_table(path, &t), 0);
    int twins = 0, defined = 0;
    for (int i = 0; i < t.n; i++) {
        const row *r = &t.rows[i];
        if (strcmp(r->f[3], "paris-baseline-2") != 0)
            continue;
        twins++;
        if (*r->f[7] == '\0') {   /* undefined in every replication: no difference either */
            CU_ASSERT(*r->f[4] == '\0');
            continue;
        }
        defined++;
        CU_ASSERT_STRING_EQUAL(r->f[7], "0");
        CU_ASSERT_STRING_EQUAL(r->f[8], "0");
        CU_ASSERT_STRING_EQUAL(r->f[9], "0");
        const row *ref = find(&t, r->f[0], r->f[1], r->f[2], "paris-baseline");
        CU_ASSERT(ref && strcmp(ref->f[4], r->f[4]) == 0 && strcmp(ref->f[6], r->f[6]) == 0);
    }
    CU_ASSERT(twins > 500);   /* 7 windows x (12 stages x 9 metrics + 6 exits) + costs */
    CU_ASSERT(defined > twins / 2);
    free_table(&t);
}

/* Common random numbers: the paired interval of a difference is narrower
 * than the interval two independent runs would give, whose half-width is
 * t * sqrt(sa^2/n + sb^2/n) = sqrt(ha^2 + hb^2) with the same n and t.
 *
 * The tolerance comes from the spread of the ratio paired / unpaired over
 * seeds, 20 replications each. With common random numbers (40 seeds): street
 * occupancy y2022 0.18-0.47, whole run 0.12-0.32; the median over the eight
 * quantities 0.48-0.86, and a single hotel quantity up to 1.02, which is
 * why no single one of those is held below 1. With the second scenario on
 * another seed (CRN broken, 20 seeds): street occupancy 0.73-1.23, the
 * median 0.80-1.15. With 5 replications the ratios spread so much that a
 * seed in four failed some quantity even with CRN working. */
static void common_random_numbers_narrow_the_difference(void)
{
    char out[300], path[400];
    snprintf(out, sizeof out, "%s/crn", tmpdir);
    const char *args[] = {BASELINE, LHSS_LAM, "-r", "20", "--threads", "2", "--out", out, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(run(9, args), 0);
    snprintf(path, sizeof path, "%s/compare.csv", out);
    table t;
    CU_ASSERT_EQUAL_FATAL(load_table(path, &t), 0);
    static const struct { const char *window, *stage, *metric; double below; } q[] = {
        {"y2022", "street", "occupancy_mean", 0.6}, {"all", "street", "occupancy_mean", 0.6},
        {"y2023", "street", "occupancy_mean", INFINITY}, {"y2021", "assore", "stay_little_days", INFINITY},
        {"y2022", "assore", "stay_little_days", INFINITY}, {"y2023", "assore", "time_to_downstream_days", INFINITY},
        {"y2022", "assore", "exits", INFINITY}, {"y2022", "assore", "admissions", INFINITY},
    };
    /* (not the costs: the priced stages, the hotels, are full in both
     * scenarios, so their cost hardly varies and pairing gains nothing) */
    enum { NQ = sizeof q / sizeof q[0] };
    double ratio[NQ];
    for (size_t i = 0; i < NQ; i++) {
        const row *a = find(&t, q[i].window, q[i].stage, q[i].metric, "paris-baseline");
        const row *b = find(&t, q[i].window, q[i].stage, q[i].metric, "lhss-lam-50");
        CU_ASSERT_FATAL(a && b);
        double ha = (num(a, 6) - num(a, 5)) / 2, hb = (num(b, 6) - num(b, 5)) / 2;
        double paired = (num(b, 9) - num(b, 8)) / 2, unpaired = sqrt(ha * ha + hb * hb);
        ratio[i] = paired / unpaired;
        if (!(ratio[i] < q[i].below))
            fprintf(stderr, "\n%s %s %s: paired half-width %g, unpaired %g\n", q[i].window, q[i].stage,
                    q[i].metric, paired, unpaired);
        CU_ASSERT(ratio[i] < q[i].below);
    }
    gsl_sort(ratio, 1, NQ);
    double median = gsl_stats_median_from_sorted_data(ratio, 1, NQ);
    if (!(median < 1.0))
        fprintf(stderr, "\nmedian of paired / unpaired half-widths: %g\n", median);
    CU_ASSERT(median < 1.0);
    free_table(&t);
}

static void results_do_not_depend_on_the_thread_count(void)
{
    run_pair_once();
    CU_ASSERT_EQUAL_FATAL(pair_status, 0);
    char out[300], p1[400], p2[400];
    snprintf(out, sizeof out, "%s/one-thread", tmpdir);
    const char *a[] = {BASELINE, LHSS_LAM, "-r", "5", "-j", "1", "-o", out, "-q"};
    CU_ASSERT_EQUAL_FATAL(run(9, a), 0);
    static const char *const files[] = {"compare.csv", "compare_occupancy.csv"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(p1, sizeof p1, "%s/%s", out, files[i]);
        snprintf(p2, sizeof p2, "%s/%s", pair_dir, files[i]);
        char *x = slurp(p1), *y = slurp(p2);
        CU_ASSERT(x && y && strcmp(x, y) == 0);
        free(x);
        free(y);
    }
}

static void bad_input_exits_2_and_writes_nothing(void)
{
    char out[300], bad[300];
    snprintf(out, sizeof out, "%s/never", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad.json", tmpdir);
    FILE *f = fopen(bad, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("{\"name\": \"bad\", \"start\": \"2020-01-01\", \"days\": -3, \"stages\": []}", f);
    fclose(f);
    const char *a[] = {BASELINE, bad, "-r", "2", "-o", out, "-q"};
    CU_ASSERT_EQUAL(run(7, a), 2);
    const char *b[] = {BASELINE, "no/such/file.json", "-r", "2", "-o", out, "-q"};
    CU_ASSERT_EQUAL(run(7, b), 2);
    const char *c[] = {BASELINE, "-o", out};   /* one scenario: nothing to compare */
    CU_ASSERT_EQUAL(run(3, c), 2);
    const char *d[] = {BASELINE, LHSS_LAM, "-r", "1", "-o", out};   /* an interval needs 2 */
    CU_ASSERT_EQUAL(run(6, d), 2);
    const char *e[] = {BASELINE, LHSS_LAM, "--frobnicate", "-o", out};
    CU_ASSERT_EQUAL(run(5, e), 2);
    CU_ASSERT_FALSE(exists(out));
    const char *h[] = {"--help"};
    CU_ASSERT_EQUAL(run(1, h), 0);
}

/* Another model than Paris: one server against two. The report and the
 * printed table show each stage's occupancy and wait, and no cost table
 * when nothing has a cost (every cell would be 0). */
static void another_model_gets_its_stages_and_no_zero_costs(void)
{
    char one[300], two[300], out[300], path[400];
    snprintf(one, sizeof one, "%s/one.json", tmpdir);
    snprintf(two, sizeof two, "%s/two.json", tmpdir);
    snprintf(out, sizeof out, "%s/queues", tmpdir);
    char *text = slurp("scenarios/sweeps/mm1.json");
    CU_ASSERT_FATAL(text != NULL);
    char *cap = strstr(text, "\"capacity\": 1,"), *name = strstr(text, "\"sweep-mm1\"");
    CU_ASSERT_FATAL(cap != NULL && name != NULL);
    FILE *f = fopen(one, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
    cap[12] = '2';
    memcpy(name + 1, "two-queue", 9);   /* as long as "sweep-mm1" */
    f = fopen(two, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
    free(text);
    const char *a[] = {one, two, "-r", "5", "-o", out, "-q"};
    CU_ASSERT_EQUAL_FATAL(run(7, a), 0);
    snprintf(path, sizeof path, "%s/report.html", out);
    char *html = slurp(path);
    CU_ASSERT_FATAL(html != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "Mean occupancy by stage"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "Mean wait before admission by stage"));
    CU_ASSERT_PTR_NULL(strstr(html, "Total cost"));
    CU_ASSERT_PTR_NULL(strstr(html, "Hotel stay in ASSORE"));
    free(html);
    /* A folder of an earlier comparison in the same directory is named. */
    const char *labels[] = {"sweep-mm1", "two-queue"};
    char names[64];
    CU_ASSERT_EQUAL(compare_other_folders(out, labels, 2, names, sizeof names), 0);
    snprintf(path, sizeof path, "%s/old-one", out);
    CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
    CU_ASSERT_EQUAL(compare_other_folders(out, labels, 2, names, sizeof names), 0);   /* no run in it */
    snprintf(path, sizeof path, "%s/old-one/summary.json", out);
    f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fclose(f);
    CU_ASSERT_EQUAL(compare_other_folders(out, labels, 2, names, sizeof names), 1);
    CU_ASSERT_STRING_EQUAL(names, "old-one/");
    CU_ASSERT_EQUAL(compare_other_folders(out, labels, 1, names, sizeof names), 2);
    CU_ASSERT_STRING_EQUAL(names, "old-one/, two-queue/");
}

static void policy_scenarios_are_valid(void)
{
    DIR *d = opendir("scenarios/policy");
    CU_ASSERT_FATAL(d != NULL);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "scenarios/policy/%s", de->d_name);
        diag *dg = diag_new(path);
        scenario_result res;
        int rc = scenario_load_file(path, NULL, 0, dg, &res);
        if (rc != 0)
            diag_print(dg, stderr);
        CU_ASSERT_EQUAL(rc, 0);
        if (rc == 0) {
            CU_ASSERT_PTR_NOT_NULL(res.spec->description);   /* a one-line description */
            CU_ASSERT(res.spec->description && strchr(res.spec->description, '\n') == NULL);
            scenario_result_fini(&res);
        }
        diag_free(dg);
        n++;
    }
    closedir(d);
    CU_ASSERT(n >= 8);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/parcours-test-compare-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("compare", NULL, NULL);
    CU_add_test(s, "paired_difference_matches_a_hand_computation", paired_difference_matches_a_hand_computation);
    CU_add_test(s, "compare_csv_has_the_header_and_a_row_per_quantity",
                compare_csv_has_the_header_and_a_row_per_quantity);
    CU_add_test(s, "report_is_one_self_contained_page", report_is_one_self_contained_page);
    CU_add_test(s, "another_model_gets_its_stages_and_no_zero_costs", another_model_gets_its_stages_and_no_zero_costs);
    CU_add_test(s, "a_scenario_compared_with_itself_differs_by_exactly_zero",
                a_scenario_compared_with_itself_differs_by_exactly_zero);
    CU_add_test(s, "common_random_numbers_narrow_the_difference", common_random_numbers_narrow_the_difference);
    CU_add_test(s, "results_do_not_depend_on_the_thread_count", results_do_not_depend_on_the_thread_count);
    CU_add_test(s, "bad_input_exits_2_and_writes_nothing", bad_input_exits_2_and_writes_nothing);
    CU_add_test(s, "policy_scenarios_are_valid", policy_scenarios_are_valid);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failures ? 1 : 0;
}
