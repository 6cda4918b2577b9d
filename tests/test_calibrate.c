/* test_calibrate.c -- `parcours calibrate` finds known answers.
 *
 * Fast suite (default): small M/M/1 and M/M/c queues in temporary files,
 * fitted from starts far from the answer, whose exact values queueing
 * theory gives; identical results whatever the thread count; bad
 * calibration files refused with exit status 2 and nothing written.
 *
 * Slow suite (`test_calibrate paris`, its own ctest with a long timeout):
 * the Paris calibration from a perturbed start reaches every target. */
#include "app/calibrate.h"
#include "app/cli.h"

#include "app/textfile.h"

#include <CUnit/Basic.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    char why[256];
    return textfile_read(path, (size_t)1 << 30, why, sizeof why);
}

/* Runs `parcours calibrate NAME --out tmpdir/OUT --quiet [-j T]`. */
static int calibrate(const char *name, const char *out, const char *threads)
{
    char file[512], dir[512];
    snprintf(file, sizeof file, "%s/%s", tmpdir, name);
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, out);
    const char *argv[] = {file, "--out", dir, "--quiet", "--threads", threads ? threads : "2"};
    fflush(stdout);
    return calibrate_main(6, (char **)argv);
}

/* The fitted value of a parameter from OUT/parameters.csv (NaN if absent). */
static double fitted(const char *out, const char *param)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/parameters.csv", tmpdir, out);
    char *text = slurp(path);
    double v = NAN;
    for (char *line = text ? strchr(text, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n')) {
        size_t n = strlen(param);
        if (strncmp(line + 1, param, n) == 0 && line[1 + n] == ',') {
            double start, fit;
            if (sscanf(line + 2 + n, "%lf,%lf", &start, &fit) == 2)
                v = fit;
        }
    }
    free(text);
    return v;
}

/* M/M/1, service mean 1 day; the window is the steady state. */
static const char mm1[] =
    "{\"name\": \"calib-mm1\", \"start\": \"2000-01-01\", \"days\": 20000, \"warmup_days\": 1000,\n"
    " \"seed\": 1, \"replications\": 10, \"outputs\": {\"daily\": false},\n"
    " \"stages\": [\n"
    "   {\"id\": \"station\", \"kind\": \"service\", \"capacity\": 1,\n"
    "    \"stay\": {\"dist\": \"exponential\", \"mean\": 1}, \"routes\": [{\"to\": \"done\"}]},\n"
    "   {\"id\": \"done\", \"kind\": \"exit\"}],\n"
    " \"sources\": [{\"id\": \"arrivals\", \"to\": \"station\", \"rate\": 0.9}],\n"
    " \"windows\": [{\"id\": \"steady\", \"from\": 1000, \"to\": 19999}]}\n";

/* Lq = rho^2 / (1 - rho) = 0.5 exactly at rho = lambda = 0.5. The start,
 * 0.9, gives Lq = 8.1: sixteen times too long a queue. */
static const char mm1_cal[] =
    "{\"scenario\": \"mm1.json\", \"seed\": 3, \"replications\": 10, \"max_iterations\": 100,\n"
    " \"tolerance\": 1e-4,\n"
    " \"parameters\": [{\"path\": \"sources.arrivals.rate\", \"min\": 0.05, \"max\": 0.95, \"start\": 0.9}],\n"
    " \"targets\": [{\"metric\": \"windows.steady.stages.station.waiting_mean\", \"target\": 0.5}]}\n";

static void mm1_arrival_rate_from_a_far_start(void)
{
    write_file("mm1.json", mm1);
    write_file("mm1-cal.json", mm1_cal);
    CU_ASSERT_EQUAL_FATAL(calibrate("mm1-cal.json", "mm1-a", "2"), 0);
    double rate = fitted("mm1-a", "sources.arrivals.rate");
    printf("\n  M/M/1: fitted arrival rate %.4f (exact 0.5)", rate);
    CU_ASSERT(fabs(rate - 0.5) < 0.02 * 0.5);
    /* Every output is there, and the fitted scenario carries the value. */
    const char *names[] = {"fitted.json", "calibration.csv", "parameters.csv", "trace.csv"};
    for (int i = 0; i < 4; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/mm1-a/%s", tmpdir, names[i]);
        CU_ASSERT(exists(path));
    }
    char path[512];
    snprintf(path, sizeof path, "%s/mm1-a/fitted.json", tmpdir);
    char *text = slurp(path);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    const cJSON *src = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "sources"), 0);
    const cJSON *r = cJSON_GetObjectItem(src, "rate");
    CU_ASSERT(cJSON_IsNumber(r) && r->valuedouble == rate);
    const cJSON *desc = cJSON_GetObjectItem(root, "description");
    CU_ASSERT(cJSON_IsString(desc) && strstr(desc->valuestring, "Fitted by parcours calibrate") != NULL);
    cJSON_Delete(root);
    free(text);
    snprintf(path, sizeof path, "%s/mm1-a/calibration.csv", tmpdir);
    text = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    static const char start[] = "target,window,stage,metric,target_value,fitted_mean,ci95_low,ci95_high,"
                                "scenario_hash,seed,replications,parcours_version,command\n"
                                "windows.steady.stages.station.waiting_mean,steady,station,waiting_mean,0.5,";
    CU_ASSERT(strncmp(text, start, strlen(start)) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, ",parcours calibrate "));   /* the provenance */
    free(text);
}

static void same_results_whatever_the_threads(void)
{
    write_file("mm1.json", mm1);
    write_file("mm1-cal.json", mm1_cal);
    CU_ASSERT_EQUAL_FATAL(calibrate("mm1-cal.json", "mm1-j1", "1"), 0);
    CU_ASSERT_EQUAL_FATAL(calibrate("mm1-cal.json", "mm1-j3", "3"), 0);
    const char *names[] = {"fitted.json", "calibration.csv", "parameters.csv", "trace.csv"};
    for (int i = 0; i < 4; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/mm1-j1/%s", tmpdir, names[i]);
        snprintf(b, sizeof b, "%s/mm1-j3/%s", tmpdir, names[i]);
        char *ta = slurp(a), *tb = slurp(b);
        CU_ASSERT(ta && tb && strcmp(ta, tb) == 0);
        free(ta);
        free(tb);
    }
}

/* Two parameters, two targets, one of them nested in an object: arrival
 * rate lambda and mean service time s. Admissions over the window are
 * lambda * 18999 days, occupancy (the server busy) lambda * s: the answer
 * is lambda = 0.6, s = 1.2, from a start at lambda = 1.5, s = 0.3. */
static void mm1_rate_and_service_time_together(void)
{
    write_file("mm1.json", mm1);
    write_file("mm1-two.json",
               "{\"scenario\": \"mm1.json\", \"seed\": 5, \"replications\": 10, \"max_iterations\": 200,\n"
               " \"tolerance\": 1e-4,\n"
               " \"parameters\": [\n"
               "   {\"path\": \"sources.arrivals.rate\", \"min\": 0.1, \"max\": 2, \"start\": 1.5},\n"
               "   {\"path\": \"stages.station.stay.mean\", \"min\": 0.1, \"max\": 2, \"start\": 0.3}],\n"
               " \"targets\": [\n"
               "   {\"metric\": \"windows.steady.stages.station.admissions\", \"target\": 11399.4},\n"
               "   {\"metric\": \"windows.steady.stages.station.occupancy_mean\", \"target\": 0.72}]}\n");
    CU_ASSERT_EQUAL_FATAL(calibrate("mm1-two.json", "mm1-two", "2"), 0);
    double lambda = fitted("mm1-two", "sources.arrivals.rate"), s = fitted("mm1-two", "stages.station.stay.mean");
    printf("\n  M/M/1: fitted rate %.4f (exact 0.6), service mean %.4f (exact 1.2)", lambda, s);
    CU_ASSERT(fabs(lambda - 0.6) < 0.02 * 0.6);
    CU_ASSERT(fabs(s - 1.2) < 0.03 * 1.2);
}

/* An integer parameter: the number of servers c of an M/M/c queue with
 * offered load 3 whose mean queue is Erlang C's Lq(c = 4) = 1.528. */
static void mmc_servers_as_an_integer(void)
{
    write_file("mmc.json",
               "{\"name\": \"calib-mmc\", \"start\": \"2000-01-01\", \"days\": 5000, \"warmup_days\": 500,\n"
               " \"seed\": 1, \"replications\": 8, \"outputs\": {\"daily\": false},\n"
               " \"stages\": [\n"
               "   {\"id\": \"station\", \"kind\": \"service\", \"capacity\": 6,\n"
               "    \"stay\": {\"dist\": \"exponential\", \"mean\": 1}, \"routes\": [{\"to\": \"done\"}]},\n"
               "   {\"id\": \"done\", \"kind\": \"exit\"}],\n"
               " \"sources\": [{\"id\": \"arrivals\", \"to\": \"station\", \"rate\": 3}],\n"
               " \"windows\": [{\"id\": \"steady\", \"from\": 500, \"to\": 4999}]}\n");
    write_file("mmc-cal.json",
               "{\"scenario\": \"mmc.json\", \"max_iterations\": 40,\n"
               " \"parameters\": [{\"path\": \"stages.station.capacity\", \"min\": 2, \"max\": 12, \"integer\": true}],\n"
               " \"targets\": [{\"metric\": \"windows.steady.stages.station.waiting_mean\", \"target\": 1.528}]}\n");
    CU_ASSERT_EQUAL_FATAL(calibrate("mmc-cal.json", "mmc", "2"), 0);
    double c = fitted("mmc", "stages.station.capacity");
    printf("\n  M/M/c: fitted servers %g (exact 4)", c);
    CU_ASSERT_EQUAL(c, 4);
}

/* calibrate_main with stdout and stderr sent to /dev/null. */
static int quietly(int argc, const char **argv)
{
    fflush(stdout);
    fflush(stderr);
    int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    if (out >= 0 && err >= 0 && null >= 0) {
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    int rc = calibrate_main(argc, (char **)argv);
    fflush(stdout);
    fflush(stderr);
    if (out >= 0 && err >= 0 && null >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
    }
    if (out >= 0)
        close(out);
    if (err >= 0)
        close(err);
    if (null >= 0)
        close(null);
    return rc;
}

/* -s and -r replace the file's seed and replications: the same fit as a
 * file that says so. The file here says seed 8 and 4 replications. */
static void seed_and_replications_options_override_the_file(void)
{
    write_file("mm1.json", mm1);
    write_file("mm1-cal.json", mm1_cal);
    char other[sizeof mm1_cal];
    memcpy(other, mm1_cal, sizeof other);
    char *seed = strstr(other, "\"seed\": 3"), *reps = strstr(other, "\"replications\": 10");
    CU_ASSERT_PTR_NOT_NULL_FATAL(seed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reps);
    seed[8] = '8';
    memcpy(reps + 16, " 4", 2);
    write_file("mm1-cal-other.json", other);
    CU_ASSERT_EQUAL_FATAL(calibrate("mm1-cal.json", "mm1-said-in-file", "2"), 0);

    char file[512], dir[512];
    snprintf(file, sizeof file, "%s/mm1-cal-other.json", tmpdir);
    snprintf(dir, sizeof dir, "%s/mm1-said-in-options", tmpdir);
    const char *argv[] = {file, "--out", dir, "--quiet", "--seed", "3", "-r", "10"};
    CU_ASSERT_EQUAL_FATAL(quietly(8, argv), 0);
    double a = fitted("mm1-said-in-file", "sources.arrivals.rate");
    double b = fitted("mm1-said-in-options", "sources.arrivals.rate");
    CU_ASSERT(a == b && !isnan(a));

    const char *one[] = {file, "--out", dir, "--quiet", "-r", "1"};
    CU_ASSERT_EQUAL(quietly(6, one), 2);
}

/* Each bad file: exit status 2, the expected message, nothing written. */
static void bad_files_are_refused_and_nothing_is_written(void)
{
    write_file("mm1.json", mm1);
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"sources.arrivals.rate\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.waiting\", \"target\": 1}]}",
         "targets[0].metric: no metric \"waiting\""},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"sources.arrivals.rate\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.later.stages.station.exits\", \"target\": 1}]}",
         "targets[0].metric: no such window"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"sources.arrivals.rat\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "sources.arrivals.rat: unknown key (did you mean \"rate\"?)"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"source.arrivals.rate\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "parameters[0].path: source.arrivals.rate: \"source\" matches nothing in the scenario"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"stages.3.capacity\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "parameters[0].path: stages.3.capacity: \"3\" matches no element"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"stages.station.kind\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "is not numeric"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"sources.arrivals.rate\", \"min\": 0.1, \"max\": 0.9, \"start\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "parameters[0].start: expected a number strictly between min and max"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"sources.arrivals.rate\", \"min\": 0.9, \"max\": 0.1}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "parameters[0].max: expected a number above min"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"stages.station.stay.mean\", \"min\": -1, \"max\": 2}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 1}]}",
         "the scenario refuses every parameter at its min value"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [], \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 0}],"
         " \"tolerence\": 1}",
         "tolerence: unknown key (did you mean \"tolerance\"?)"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"sources.arrivals.rate\", \"min\": 0.1, \"max\": 0.9}],"
         " \"targets\": [{\"metric\": \"windows.steady.stages.station.exits\", \"target\": 0}]}",
         "targets[0].scale: required when the target is 0"},
        {"{\"scenario\": \"missing.json\", \"parameters\": [{\"path\": \"a\", \"min\": 0, \"max\": 1}],"
         " \"targets\": [{\"metric\": \"m\", \"target\": 1}]}",
         "scenario: "},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [", "invalid JSON"},
        {"{\"scenario\": \"mm1.json\", \"parameters\": [{\"path\": \"a\", \"values\": [1]}]}",
         "this is a sweep file (it names a \"scenario\"), not a calibration file: give it to parcours sweep"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file("bad.json", cases[i].text);
        char file[512], out[512];
        snprintf(file, sizeof file, "%s/bad.json", tmpdir);
        snprintf(out, sizeof out, "%s/bad-out", tmpdir);
        /* The messages, as the command prints them. */
        FILE *errs = tmpfile();
        CU_ASSERT_PTR_NOT_NULL_FATAL(errs);
        calib_def def;
        CU_ASSERT_EQUAL(calib_load(file, &def, errs), 2);
        calib_fini(&def);
        rewind(errs);
        char buf[8192];
        size_t n = fread(buf, 1, sizeof buf - 1, errs);
        buf[n] = '\0';
        fclose(errs);
        if (strstr(buf, cases[i].message) == NULL)
            printf("\n  case %zu: expected \"%s\" in:\n%s", i, cases[i].message, buf);
        CU_ASSERT(strstr(buf, cases[i].message) != NULL);
        CU_ASSERT(strstr(buf, "bad.json: ") != NULL || strstr(buf, "mm1.json: ") != NULL);
        /* And the command: exit status 2, no output directory. */
        const char *argv[] = {file, "--out", out, "--quiet"};
        int rc = quietly(4, argv);
        CU_ASSERT_EQUAL(rc, 2);
        CU_ASSERT(!exists(out));
    }
    const char *usage[][3] = {{"--frobnicate", NULL, NULL}, {NULL, NULL, NULL}, {"a.json", "b.json", NULL},
                              {"a.json", "--threads", "0"}};
    for (int i = 0; i < 4; i++) {
        int argc = 0;
        while (argc < 3 && usage[i][argc])
            argc++;
        CU_ASSERT_EQUAL(quietly(argc, usage[i]), 2);
    }
    const char *help[] = {"--help"};
    CU_ASSERT_EQUAL(quietly(1, help), 0);
}

/* ---- the Paris fit --------------------------------------------------------- */

/* scenarios/calibrate-paris.json with its starts moved well away from the
 * answer and fewer replications (for time); every target must come within
 * 3% of its scale. */
static void paris_fit_from_a_perturbed_start(void)
{
    char *text = slurp("scenarios/calibrate-paris.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    char cwd[3000], scenario[4096];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
    snprintf(scenario, sizeof scenario, "%s/scenarios/paris-baseline.json", cwd);
    cJSON_ReplaceItemInObject(root, "scenario", cJSON_CreateString(scenario));
    cJSON_ReplaceItemInObject(root, "replications", cJSON_CreateNumber(10));
    cJSON_ReplaceItemInObject(root, "max_iterations", cJSON_CreateNumber(150));
    cJSON_ReplaceItemInObject(root, "tolerance", cJSON_CreateNumber(1e-2));
    /* Starts: each parameter a quarter of its range away from the middle. */
    const cJSON *p;
    int i = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(root, "parameters")) {
        double lo = cJSON_GetObjectItem(p, "min")->valuedouble, hi = cJSON_GetObjectItem(p, "max")->valuedouble;
        double start = lo + (hi - lo) * (i % 2 ? 0.25 : 0.75);
        cJSON_DeleteItemFromObject((cJSON *)p, "start");
        cJSON_AddNumberToObject((cJSON *)p, "start", start);
        i++;
    }
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    write_file("paris-cal.json", out);
    free(out);
    char file[512];
    snprintf(file, sizeof file, "%s/paris-cal.json", tmpdir);
    calib_def def;
    CU_ASSERT_EQUAL_FATAL(calib_load(file, &def, stderr), 0);
    char err[512];
    CU_ASSERT_EQUAL_FATAL(calib_fit(&def, 2, NULL, NULL, err, sizeof err), 0);
    printf("\n");
    calib_print(&def, stdout);
    for (int k = 0; k < def.n_targets; k++) {
        const calib_target *t = &def.targets[k];
        CU_ASSERT(fabs(t->fitted.mean - t->target) <= 0.03 * t->scale);
    }
    calib_fini(&def);
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
    int paris = argc > 1 && strcmp(argv[1], "paris") == 0;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/parcours-calibrate-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    if (paris) {
        CU_pSuite s = CU_add_suite("calibrate_paris", NULL, NULL);
        CU_add_test(s, "paris_fit_from_a_perturbed_start", paris_fit_from_a_perturbed_start);
    } else {
        CU_pSuite s = CU_add_suite("calibrate", NULL, NULL);
        CU_add_test(s, "mm1_arrival_rate_from_a_far_start", mm1_arrival_rate_from_a_far_start);
        CU_add_test(s, "same_results_whatever_the_threads", same_results_whatever_the_threads);
        CU_add_test(s, "seed_and_replications_options_override_the_file",
                    seed_and_replications_options_override_the_file);
        CU_add_test(s, "mm1_rate_and_service_time_together", mm1_rate_and_service_time_together);
        CU_add_test(s, "mmc_servers_as_an_integer", mmc_servers_as_an_integer);
        CU_add_test(s, "bad_files_are_refused_and_nothing_is_written",
                    bad_files_are_refused_and_nothing_is_written);
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    remove_tree(tmpdir);
    return failures ? 1 : 0;
}
