/* test_cli.c -- the command line end to end: outputs and their names,
 * determinism, exit statuses, and nothing written on bad input. */
#define _GNU_SOURCE   /* sched_setaffinity and the CPU_ macros */
#include "app/atomic.h"
#include "app/census.h"
#include "app/cli.h"
#include "app/experiment.h"
#include "app/plot.h"
#include "app/scenario.h"
#include "app/textfile.h"

#include <CUnit/Basic.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static int run(int argc, const char **argv)
{
    fflush(stdout);
    return cli_main(argc, (char **)argv);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[1024], why[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = textfile_read(path, (size_t)1 << 30, why, sizeof why);
    if (text && len)
        *len = strlen(text);
    return text;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Runs the command with its stderr in tmpdir/log; returns its status. */
static int run_logged(int argc, const char **argv, const char *log)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, log);
    fflush(stderr);
    int saved = dup(2);
    FILE *l = fopen(path, "w");
    CU_ASSERT_FATAL(saved >= 0 && l != NULL);
    dup2(fileno(l), 2);
    int rc = run(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(l);
    return rc;
}

static const char *outputs[] = {"summary.json", "occupancy.csv", "waiting.csv", "capacity.csv",
                                "census.csv", "blocked.csv", "public_space_by_hour.csv"};

static void help_and_version_succeed(void)
{
    const char *a[] = {"parcours", "--help"};
    CU_ASSERT_EQUAL(run(2, a), 0);
    const char *b[] = {"parcours", "--version"};
    CU_ASSERT_EQUAL(run(2, b), 0);
    const char *c[] = {"parcours", "run", "--help"};
    CU_ASSERT_EQUAL(run(3, c), 0);
    const char *d[] = {"parcours", "validate", "--help"};
    CU_ASSERT_EQUAL(run(3, d), 0);
    const char *e[] = {"parcours", "frobnicate"};
    CU_ASSERT_EQUAL(run(2, e), 2);
    const char *f[] = {"parcours", "run", "--replications", "zero"};
    CU_ASSERT_EQUAL(run(4, f), 2);
    const char *g[] = {"parcours", "help", "sweep"};
    CU_ASSERT_EQUAL(run(3, g), 0);
    const char *h[] = {"parcours", "help", "frobnicate"};   /* not the main help and 0 */
    CU_ASSERT_EQUAL(run(3, h), 2);
}

static void run_without_scenario_writes_every_output(void)
{
    char out[512];
    snprintf(out, sizeof out, "%s/baseline", tmpdir);
    const char *a[] = {"parcours", "run", "--out", out, "--replications", "2", "--quiet"};
    CU_ASSERT_EQUAL_FATAL(run(7, a), 0);
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char *text = slurp(out, outputs[i], NULL);
        CU_ASSERT_PTR_NOT_NULL(text);
        free(text);
    }
    char *occ = slurp(out, "occupancy.csv", NULL);
    CU_ASSERT_FATAL(occ != NULL);
    static const char occ_head[] = "date,stage,mean,ci95_low,ci95_high,scenario_hash,seed,replications,"
                                   "parcours_version,command\n2019-01-01,street,";
    CU_ASSERT_EQUAL(strncmp(occ, occ_head, strlen(occ_head)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(occ, "\n2023-12-31,assore,"));
    free(occ);
    char *census = slurp(out, "census.csv", NULL);
    CU_ASSERT_FATAL(census != NULL);
    static const char census_head[] = "date,stage,count,p10,p25,p50,p75,p90,share_gt_30,share_gt_91,share_gt_182,"
                                      "share_gt_365,share_gt_730,scenario_hash,seed,replications,"
                                      "parcours_version,command\n2019-04-30,street,";
    CU_ASSERT_EQUAL(strncmp(census, census_head, strlen(census_head)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(census, "\n2023-10-31,assore,"));
    free(census);
    char *json = slurp(out, "summary.json", NULL);
    cJSON *root = cJSON_Parse(json);
    CU_ASSERT_FATAL(root != NULL);
    const char *windows[] = {"all", "audit", "y2019", "y2021"};
    const char *metrics[] = {"occupancy_mean", "admissions", "exits", "exits_positive", "exits_negative",
                             "stay_mean_days", "stay_little_days", "wait_mean_days", "time_to_downstream_days"};
    for (size_t w = 0; w < 4; w++)
        for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
            cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(root, "windows"), windows[w]), "stages"), "assore"),
                metrics[m]), "mean");
            CU_ASSERT(cJSON_IsNumber(v));
            cJSON *lo = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(root, "windows"), windows[w]), "stages"), "street"),
                metrics[m]), "ci95_low");
            CU_ASSERT(lo != NULL);
        }
    cJSON_Delete(root);
    free(json);
}

static void same_seed_gives_identical_bytes(void)
{
    char a_dir[512], b_dir[512], c_dir[512], d_dir[512];
    snprintf(a_dir, sizeof a_dir, "%s/same-a", tmpdir);
    snprintf(b_dir, sizeof b_dir, "%s/same-b", tmpdir);
    snprintf(c_dir, sizeof c_dir, "%s/other-seed", tmpdir);
    snprintf(d_dir, sizeof d_dir, "%s/same-4-threads", tmpdir);
    const char *a[] = {"parcours", "run", "--out", a_dir, "-r", "3", "--seed", "7", "-q"};
    /* The same command (the outputs record it) with another --out and
     * thread count (1, all cores, 4), which results do not depend on. */
    const char *b[] = {"parcours", "run", "--out", b_dir, "-r", "3", "--seed", "7", "-j", "1"};
    const char *c[] = {"parcours", "run", "--out", c_dir, "-r", "3", "--seed", "8", "-q"};
    const char *d[] = {"parcours", "run", "--out", d_dir, "-r", "3", "--seed", "7", "-j", "4", "-q"};
    CU_ASSERT_EQUAL_FATAL(run(9, a), 0);
    CU_ASSERT_EQUAL_FATAL(run(10, b), 0);
    CU_ASSERT_EQUAL_FATAL(run(9, c), 0);
    CU_ASSERT_EQUAL_FATAL(run(11, d), 0);
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        size_t la = 0, lb = 0, lc = 0;
        char *x = slurp(a_dir, outputs[i], &la), *y = slurp(b_dir, outputs[i], &lb), *z = slurp(c_dir, outputs[i], &lc);
        CU_ASSERT_FATAL(x && y && z);
        CU_ASSERT(la == lb && memcmp(x, y, la) == 0);
        size_t ld = 0;
        char *w = slurp(d_dir, outputs[i], &ld);
        CU_ASSERT(w != NULL && la == ld && memcmp(x, w, la) == 0);
        free(w);
        if (strcmp(outputs[i], "occupancy.csv") == 0)
            CU_ASSERT(la != lc || memcmp(x, z, la) != 0);   /* the seed matters */
        free(x);
        free(y);
        free(z);
    }
    /* summary.json differs only by the recorded command line's option order. */
    char *x = slurp(a_dir, "summary.json", NULL), *y = slurp(b_dir, "summary.json", NULL);
    CU_ASSERT_FATAL(x && y);
    CU_ASSERT_STRING_EQUAL(strstr(x, "\"scenario\""), strstr(y, "\"scenario\""));
    free(x);
    free(y);
}

static const char *const bad_inputs[] = {
    "{\"name\": \"bad\", \"start\": \"2020-01-01\"",
    "{\"name\": \"bad\", \"start\": \"2020-01-01\", \"days\": 10, \"stages\": [{\"id\": \"a\", \"kind\": \"sevrice\"}]}",
    "{\"name\": \"bad\", \"start\": \"2020-13-01\", \"days\": 10, \"stages\": [{\"id\": \"a\", \"kind\": \"exit\"}]}",
    "[1, 2, 3]",
    "",
};

/* Every CSV ends each line with the provenance columns, and every row
 * carries what summary.json's provenance says. The seed is the largest
 * allowed, 2^53 - 1, which a JSON number printed with 15 significant
 * digits would round to another seed. */
static void every_csv_row_carries_the_provenance(void)
{
    char out[512];
    snprintf(out, sizeof out, "%s/provenance", tmpdir);
    const char *a[] = {"parcours", "run", "--out", out, "-r", "2", "--seed", "9007199254740991", "--set",
                       "stages.lhss.capacity=50", "-q"};
    CU_ASSERT_EQUAL_FATAL(run(11, a), 0);
    char *json = slurp(out, "summary.json", NULL);
    cJSON *root = cJSON_Parse(json);
    CU_ASSERT_FATAL(root != NULL);
    cJSON *p = cJSON_GetObjectItem(root, "provenance");
    const char *hash = cJSON_GetStringValue(cJSON_GetObjectItem(p, "scenario_hash"));
    const char *version = cJSON_GetStringValue(cJSON_GetObjectItem(p, "parcours_version"));
    const char *command = cJSON_GetStringValue(cJSON_GetObjectItem(p, "command"));
    CU_ASSERT_FATAL(hash && version && command);
    CU_ASSERT_STRING_EQUAL(command, "parcours run -r 2 --seed 9007199254740991 --set stages.lhss.capacity=50");
    CU_ASSERT_EQUAL(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "seed")), 9007199254740991.0);
    char cells[512];
    snprintf(cells, sizeof cells, ",%s,9007199254740991,2,%s,%s\n", hash, version, command);
    for (size_t i = 1; i < sizeof outputs / sizeof outputs[0]; i++) {
        char *text = slurp(out, outputs[i], NULL);
        CU_ASSERT_FATAL(text != NULL);
        long rows = 0, bad = 0;
        for (char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
            char *end = strchr(line + 1, '\n');
            size_t n = strlen(cells);
            rows++;
            bad += end == NULL || (size_t)(end + 1 - line) < n || strncmp(end + 1 - n, cells, n) != 0;
        }
        const char *head_end = strchr(text, '\n');
        static const char columns[] = ",scenario_hash,seed,replications,parcours_version,command\n";
        CU_ASSERT(head_end && strncmp(head_end + 1 - strlen(columns), columns, strlen(columns)) == 0);
        CU_ASSERT(rows > 0);
        CU_ASSERT_EQUAL(bad, 0);
        if (bad)
            fprintf(stderr, "\n%s: %ld of %ld rows lack the provenance\n", outputs[i], bad, rows);
        free(text);
    }
    cJSON_Delete(root);
    free(json);
}

/* A replication that cannot go on (here: circular blocking between two
 * full stages) stops the run with status 1 and writes nothing; the message
 * names the first replication that failed, whatever the threads. */
static void failed_replication_exits_1_and_names_the_same_one(void)
{
    static const char deadlock[] =
        "{\"name\": \"dead\", \"start\": \"2020-01-01\", \"days\": 200, \"seed\": 3, \"replications\": 40,"
        " \"outputs\": {\"daily\": false}, \"stages\": ["
        " {\"id\": \"a\", \"kind\": \"service\", \"capacity\": 1, \"stay\": {\"dist\": \"exponential\", \"mean\": 1},"
        "  \"routing\": \"random\", \"routes\": [{\"to\": \"b\", \"p\": 0.9}, {\"to\": \"done\", \"p\": 0.1}]},"
        " {\"id\": \"b\", \"kind\": \"service\", \"capacity\": 1, \"stay\": {\"dist\": \"exponential\", \"mean\": 1},"
        "  \"routing\": \"random\", \"routes\": [{\"to\": \"a\", \"p\": 0.9}, {\"to\": \"done\", \"p\": 0.1}]},"
        " {\"id\": \"done\", \"kind\": \"exit\"}],"
        " \"sources\": [{\"id\": \"in\", \"to\": \"a\", \"rate\": 2}]}";
    char file[512], out[512];
    snprintf(file, sizeof file, "%s/deadlock.json", tmpdir);
    snprintf(out, sizeof out, "%s/deadlock-out", tmpdir);
    FILE *f = fopen(file, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(deadlock, f);
    fclose(f);
    static const char *const threads[] = {"1", "2", "4"};
    for (size_t i = 0; i < 3; i++) {
        const char *a[] = {"parcours", "run", file, "--out", out, "-q", "-j", threads[i]};
        CU_ASSERT_EQUAL(run_logged(8, a, "deadlock.log"), 1);
        CU_ASSERT_FALSE(exists(out));
        char *msg = slurp(tmpdir, "deadlock.log", NULL);
        CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "replication 0 stopped: deadlock: circular blocking"));
        free(msg);
    }
}

/* The population and event caps stop a run with status 1, name the cap
 * and say which limit of the scenario raises it; nothing is written. */
static void a_cap_names_the_limit_to_raise(void)
{
    static const char *const sets[][2] = {
        {"limits.max_population=100", "(the population cap); if the scenario means it, raise limits.max_population"},
        {"limits.max_events=1000", "(the event cap); if the scenario means it, raise limits.max_events"},
    };
    char out[512];
    snprintf(out, sizeof out, "%s/capped", tmpdir);
    for (int i = 0; i < 2; i++) {
        const char *a[] = {"parcours", "run", "--set", sets[i][0], "-r", "1", "--out", out, "-q"};
        CU_ASSERT_EQUAL(run_logged(9, a, "capped.log"), 1);
        CU_ASSERT_FALSE(exists(out));
        char *msg = slurp(tmpdir, "capped.log", NULL);
        CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, sets[i][1]));
        free(msg);
    }
}

static void bad_scenario_exits_2_and_writes_nothing(void)
{
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        char file[512], out[512];
        snprintf(file, sizeof file, "%s/bad%zu.json", tmpdir, i);
        snprintf(out, sizeof out, "%s/bad-out%zu", tmpdir, i);
        FILE *f = fopen(file, "w");
        CU_ASSERT_FATAL(f != NULL);
        fputs(bad_inputs[i], f);
        fclose(f);
        const char *a[] = {"parcours", "run", file, "--out", out, "-q"};
        CU_ASSERT_EQUAL(run(6, a), 2);
        CU_ASSERT_FALSE(exists(out));
        const char *v[] = {"parcours", "validate", file};
        CU_ASSERT_EQUAL(run(3, v), 2);
    }
    char out[512];
    snprintf(out, sizeof out, "%s/bad-set", tmpdir);
    const char *s[] = {"parcours", "run", "--set", "stages.lhsss.capacity=50", "--out", out, "-q"};
    CU_ASSERT_EQUAL(run(7, s), 2);
    CU_ASSERT_FALSE(exists(out));
    const char *m[] = {"parcours", "run", "no/such/file.json", "--out", out, "-q"};
    CU_ASSERT_EQUAL(run(6, m), 2);
    CU_ASSERT_FALSE(exists(out));
    /* A directory given for a file: said so, not stdio's bare EIO. */
    const char *d[] = {"parcours", "run", tmpdir, "--out", out, "-q"};
    CU_ASSERT_EQUAL(run(6, d), 2);
    CU_ASSERT_FALSE(exists(out));
    char why[256];
    CU_ASSERT_PTR_NULL(textfile_read(tmpdir, 1024, why, sizeof why));
    CU_ASSERT_EQUAL(errno, EISDIR);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "it is a directory"));
    /* plot: a missing directory or a file is bad input, before gnuplot is looked for */
    const char *p[] = {"parcours", "plot", "no/such/dir"};
    CU_ASSERT_EQUAL(run(3, p), 2);
    const char *q[] = {"parcours", "plot", "/dev/null"};
    CU_ASSERT_EQUAL(run(3, q), 2);
}

static void unwritable_output_fails_with_status_1(void)
{
    char blocker[512], out[600];
    snprintf(blocker, sizeof blocker, "%s/a-file", tmpdir);
    FILE *f = fopen(blocker, "w");
    CU_ASSERT_FATAL(f != NULL);
    fclose(f);
    snprintf(out, sizeof out, "%s/sub", blocker);   /* a directory under a file */
    const char *a[] = {"parcours", "run", "--out", out, "-r", "1", "-q"};
    CU_ASSERT_EQUAL(run(7, a), 1);
    const char *b[] = {"parcours", "run", "--out", blocker, "-r", "1", "-q"};   /* the file itself */
    CU_ASSERT_EQUAL(run(7, b), 1);
    /* what run checks before running, creating nothing */
    CU_ASSERT(atomic_dir_usable(blocker) == -1 && errno == ENOTDIR);
    CU_ASSERT(atomic_dir_usable(out) == -1 && errno == ENOTDIR);
    snprintf(out, sizeof out, "%s/not/yet", tmpdir);
    CU_ASSERT_EQUAL(atomic_dir_usable(out), 0);
    CU_ASSERT_FALSE(exists(out));
    CU_ASSERT_EQUAL(atomic_dir_usable(tmpdir), 0);
}

static void census_starts_from_the_people_listed(void)
{
    char census[512], out[512], bad[512], bad_out[512];
    snprintf(census, sizeof census, "%s/census.csv", tmpdir);
    snprintf(out, sizeof out, "%s/census-run", tmpdir);
    FILE *f = fopen(census, "w");
    CU_ASSERT_FATAL(f != NULL);
    /* Four people ready to move on, in ASSORE for years, with PHASE open. */
    fputs("stage,days,ready,health\nassore,900,1,mild\nassore,800,1,mild\nassore,700,1,mild\nassore,600,1,mild\n", f);
    fclose(f);
    const char *a[] = {"parcours", "run", "--census", census, "--set", "stages.phase.capacity=null",
                       "--set", "end=\"2019-01-10\"", "--set", "windows=[]", "--set", "census=[]",
                       "--out", out, "-r", "2", "-q"};
    CU_ASSERT_EQUAL_FATAL(run(17, a), 0);
    char *json = slurp(out, "summary.json", NULL);
    cJSON *root = cJSON_Parse(json);
    cJSON *adm = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "windows"), "all"), "stages"), "assore"), "exits_positive"), "mean");
    CU_ASSERT(cJSON_IsNumber(adm) && adm->valuedouble >= 4);   /* all four moved on (to PHASE, or court if ordered) */
    cJSON_Delete(root);
    free(json);
    snprintf(bad, sizeof bad, "%s/bad-census.csv", tmpdir);
    snprintf(bad_out, sizeof bad_out, "%s/bad-census-run", tmpdir);
    f = fopen(bad, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("stage,days,ready\nnowhere,-3,2\n", f);
    fclose(f);
    const char *b[] = {"parcours", "run", "--census", bad, "--out", bad_out, "-q"};
    CU_ASSERT_EQUAL(run(7, b), 2);
    CU_ASSERT_FALSE(exists(bad_out));
}

/* Loads the census text into the Paris baseline; returns census_load's
 * status and the number of problems, message i in msg when asked. */
static int load_census(const char *text, int *problems, int i, char *msg, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/census-unit.csv", tmpdir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
    diag *d = diag_new("census.csv"), *ds = diag_new("baseline");
    scenario_result res;
    CU_ASSERT_FATAL(scenario_load_text(scenario_embedded_baseline, NULL, 0, ds, &res) == 0);
    int rc = census_load(path, res.spec, d);
    *problems = diag_count(d);
    if (msg)
        snprintf(msg, size, "%s", diag_message(d, i) ? diag_message(d, i) : "");
    if (rc == 0)
        CU_ASSERT_EQUAL(res.spec->n_people, 2);
    scenario_result_fini(&res);
    diag_free(d);
    diag_free(ds);
    return rc;
}

/* Every bad row is listed (up to 20), a stage over capacity once, and a
 * spreadsheet's byte order mark and CRLF lines are accepted. The capacity
 * check was once a scan of the rows before each row: a census of 200,000
 * people took 41 s to read. */
static void census_lists_every_problem(void)
{
    int n;
    char msg[512];
    CU_ASSERT_EQUAL(load_census("\xEF\xBB\xBFstage,days,ready\r\nassore,100,0\r\nstreet,3,1\r\n", &n, 0, NULL, 0), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(load_census("stage,days,ready\nassore,1,0\nnope,3,1\nassore,abc,0\nassore,5,2\n", &n, 2, msg,
                                sizeof msg), -1);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(msg, "census.csv: line 5: column ready: expected 0 or 1, got \"2\"");
    size_t cap = 64 * 16 + 64;
    char *text = malloc(cap);
    CU_ASSERT_FATAL(text != NULL);
    strcpy(text, "stage,days,ready\n");
    for (int i = 0; i < 61; i++)   /* ASSORE has 60 places at the start */
        strcat(text, "assore,1,0\n");
    CU_ASSERT_EQUAL(load_census(text, &n, 0, msg, sizeof msg), -1);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_STRING_EQUAL(msg, "census.csv: 61 people listed in assore, above its capacity at the start "
                                "(expected at most 60)");
    strcpy(text, "stage,days,ready\n");
    for (int i = 0; i < 30; i++)
        strcat(text, "street,-1,0\n");
    CU_ASSERT_EQUAL(load_census(text, &n, 20, msg, sizeof msg), -1);
    CU_ASSERT_EQUAL(n, 21);
    CU_ASSERT_STRING_EQUAL(msg, "census.csv: stopped at line 22 after 20 problems; correct those first");
    free(text);
}

/* A run replaces the CSV files, not the charts drawn from the earlier
 * ones: it names those left (the plot scripts' charts, sorted). */
static void charts_of_an_earlier_run_are_named(void)
{
    char dir[512], path[600], names[256];
    snprintf(dir, sizeof dir, "%s/charts", tmpdir);
    CU_ASSERT_FATAL(mkdir(dir, 0755) == 0);
    CU_ASSERT_EQUAL(plot_charts_in(dir, names, sizeof names), 0);
    const char *files[] = {"occupancy.png", "census.svg", "holiday.png", "occupancy.csv"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f != NULL);
        fclose(f);
    }
    CU_ASSERT_EQUAL(plot_charts_in(dir, names, sizeof names), 2);
    CU_ASSERT_STRING_EQUAL(names, "census.svg, occupancy.png");
    char tiny[12];   /* truncated names, the count still right */
    CU_ASSERT_EQUAL(plot_charts_in(dir, tiny, sizeof tiny), 2);
    CU_ASSERT_STRING_EQUAL(tiny, "census.svg");
}

/* The default thread count follows the CPUs the process may use (a
 * Slurm job's, taskset's), not the machine's. */
static void default_threads_follow_the_affinity(void)
{
    cpu_set_t all, one;
    CU_ASSERT_FATAL(sched_getaffinity(0, sizeof all, &all) == 0);
    CU_ASSERT_EQUAL(experiment_default_threads(), CPU_COUNT(&all));
    int cpu = 0;
    while (!CPU_ISSET(cpu, &all))
        cpu++;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    CU_ASSERT_FATAL(sched_setaffinity(0, sizeof one, &one) == 0);
    CU_ASSERT_EQUAL(experiment_default_threads(), 1);
    CU_ASSERT_FATAL(sched_setaffinity(0, sizeof all, &all) == 0);
}

/* The mean of all.stages.<stage>.admissions in dir/summary.json, NAN if absent. */
static double admissions_mean(const char *dir, const char *stage)
{
    char *json = slurp(dir, "summary.json", NULL);
    cJSON *root = cJSON_Parse(json);
    cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(root, "windows"), "all"), "stages"), stage), "admissions"), "mean");
    double v = cJSON_IsNumber(m) ? m->valuedouble : NAN;
    cJSON_Delete(root);
    free(json);
    return v;
}

/* --replication K gives replication K of a batch, alone; with -r it is
 * refused (it once ran one replication and ignored -r). */
static void one_replication_is_the_one_of_a_batch(void)
{
    char pair[512], first[512], second[512];
    snprintf(pair, sizeof pair, "%s/rep-pair", tmpdir);
    snprintf(first, sizeof first, "%s/rep-0", tmpdir);
    snprintf(second, sizeof second, "%s/rep-1", tmpdir);
    const char *a[] = {"parcours", "run", "--set", "end=2019-12-31", "--set", "windows=[]", "--set", "census=[]",
                       "-r", "2", "--out", pair, "-q"};
    CU_ASSERT_EQUAL_FATAL(run(13, a), 0);
    a[8] = "--replication";
    a[9] = "0";
    a[11] = first;
    CU_ASSERT_EQUAL_FATAL(run(13, a), 0);
    a[9] = "1";
    a[11] = second;
    CU_ASSERT_EQUAL_FATAL(run(13, a), 0);
    double both = admissions_mean(pair, "street"), x0 = admissions_mean(first, "street"),
           x1 = admissions_mean(second, "street");
    CU_ASSERT(x0 != x1);   /* two different replications */
    CU_ASSERT_DOUBLE_EQUAL(both, (x0 + x1) / 2, 1e-9 * fabs(both));
    const char *b[] = {"parcours", "run", "--replication", "1", "-r", "5", "--out", first, "-q"};
    CU_ASSERT_EQUAL(run(9, b), 2);
}

static void validate_accepts_shipped_scenarios(void)
{
    const char *a[] = {"parcours", "validate", "scenarios/paris-2019-plan.json"};
    CU_ASSERT_EQUAL(run(3, a), 0);
}

/* Without a file, validate checks the embedded baseline as run would run
 * it, overrides included. */
static void validate_checks_the_embedded_baseline(void)
{
    const char *a[] = {"parcours", "validate"};
    CU_ASSERT_EQUAL(run(2, a), 0);
    const char *b[] = {"parcours", "validate", "--set", "stages.lhss.capacity=50"};
    CU_ASSERT_EQUAL(run(4, b), 0);
    const char *c[] = {"parcours", "validate", "--set", "stages.lhsss.capacity=50"};
    CU_ASSERT_EQUAL(run(4, c), 2);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/parcours-test-cli-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("cli", NULL, NULL);
    CU_add_test(s, "help_and_version_succeed", help_and_version_succeed);
    CU_add_test(s, "run_without_scenario_writes_every_output", run_without_scenario_writes_every_output);
    CU_add_test(s, "same_seed_gives_identical_bytes", same_seed_gives_identical_bytes);
    CU_add_test(s, "every_csv_row_carries_the_provenance", every_csv_row_carries_the_provenance);
    CU_add_test(s, "bad_scenario_exits_2_and_writes_nothing", bad_scenario_exits_2_and_writes_nothing);
    CU_add_test(s, "a_cap_names_the_limit_to_raise", a_cap_names_the_limit_to_raise);
    CU_add_test(s, "failed_replication_exits_1_and_names_the_same_one",
                failed_replication_exits_1_and_names_the_same_one);
    CU_add_test(s, "unwritable_output_fails_with_status_1", unwritable_output_fails_with_status_1);
    CU_add_test(s, "census_starts_from_the_people_listed", census_starts_from_the_people_listed);
    CU_add_test(s, "census_lists_every_problem", census_lists_every_problem);
    CU_add_test(s, "charts_of_an_earlier_run_are_named", charts_of_an_earlier_run_are_named);
    CU_add_test(s, "default_threads_follow_the_affinity", default_threads_follow_the_affinity);
    CU_add_test(s, "one_replication_is_the_one_of_a_batch", one_replication_is_the_one_of_a_batch);
    CU_add_test(s, "validate_accepts_shipped_scenarios", validate_accepts_shipped_scenarios);
    CU_add_test(s, "validate_checks_the_embedded_baseline", validate_checks_the_embedded_baseline);
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
