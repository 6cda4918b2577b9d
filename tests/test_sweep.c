/* test_sweep.c -- `parcours sweep`: designs, sweep.csv, common random
 * numbers, thread independence, precision mode, and resuming after SIGKILL
 * or SIGTERM. Runs from the source tree (scenarios/sweeps/mm1.json).
 *
 * The interrupted sweeps run in a forked child: sweep_main itself, or the
 * binary named by the PARCOURS_BIN environment variable when it is set
 * (ctest sets it to the built parcours). */
#include "app/experiment.h"
#include "app/scenario.h"
#include "app/sweep.h"
#include "app/sweep_design.h"
#include "sim/record.h"

#include "app/textfile.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[256];
static char mm1[1024];   /* absolute path of scenarios/sweeps/mm1.json */

/* ---- helpers -------------------------------------------------------------- */

static int sweep(int argc, const char **argv)
{
    fflush(stdout);
    fflush(stderr);
    return sweep_main(argc, (char **)argv);
}

static char *slurp(const char *path)
{
    char why[256];
    return textfile_read(path, (size_t)1 << 30, why, sizeof why);
}

static char *slurp2(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return slurp(path);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int exists2(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return exists(path);
}

static int same_file(const char *a_dir, const char *b_dir, const char *name)
{
    char *a = slurp2(a_dir, name), *b = slurp2(b_dir, name);
    int same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Writes tmpdir/<name>.json: a grid sweep of the M/M/c scenario. */
static void write_sweep(const char *name, const char *scenario, int reps, const char *params, char *out,
                        size_t size)
{
    snprintf(out, size, "%s/%s.json", tmpdir, name);
    char text[4096];
    snprintf(text, sizeof text, "{\"scenario\": \"%s\", \"name\": \"%s\", \"seed\": 3, \"replications\": %d,\n"
                                " \"parameters\": [%s]}\n",
             scenario, name, reps, params);
    write_file(out, text);
}

static void out_dir(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/out-%s", tmpdir, name);
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    return n;
}

/* The n-th line (0-based) without its newline, into buf. */
static void line_of(const char *text, int n, char *buf, size_t size)
{
    const char *p = text;
    while (n-- > 0 && p && (p = strchr(p, '\n')))
        p++;
    buf[0] = '\0';
    if (p == NULL)
        return;
    size_t len = strcspn(p, "\n");
    if (len >= size)
        len = size - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
}

/* Number of completed points in a journal (0 if absent). */
static int journal_points(const char *dir)
{
    char *j = slurp2(dir, "journal.json");
    int n = 0;
    for (const char *p = j; p && (p = strstr(p, "\"point\"")); p++)
        n++;
    free(j);
    return n;
}

/* ---- tests ---------------------------------------------------------------- */

static void help_exits_0_and_bad_options_exit_2(void)
{
    const char *a[] = {"--help"};
    CU_ASSERT_EQUAL(sweep(1, a), 0);
    const char *b[] = {"x.json", "--threads", "0"};
    CU_ASSERT_EQUAL(sweep(3, b), 2);
    const char *c[] = {"x.json", "--precision", "0.05"};
    CU_ASSERT_EQUAL(sweep(3, c), 2);   /* --precision needs --metric */
    const char *d[] = {"--quiet"};
    CU_ASSERT_EQUAL(sweep(1, d), 2);   /* no sweep file */
}

static void a_grid_of_2_by_2_writes_4_rows_in_point_order(void)
{
    char out[512];
    out_dir("grid", out, sizeof out);
    const char *a[] = {"scenarios/sweeps/mm1-grid.json", "--out", out, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);
    char *csv = slurp2(out, "sweep.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_EQUAL(count_lines(csv), 5);
    CU_ASSERT_EQUAL(strncmp(csv, "point,stages.station.capacity,sources.arrivals.rate,replications,"
                                 "all.station.occupancy_mean.mean,all.station.occupancy_mean.ci95_low,"
                                 "all.station.occupancy_mean.ci95_high,all.station.admissions.mean,",
                            strlen("point,stages.station.capacity,sources.arrivals.rate,replications,"
                                   "all.station.occupancy_mean.mean,all.station.occupancy_mean.ci95_low,"
                                   "all.station.occupancy_mean.ci95_high,all.station.admissions.mean,")),
                    0);
    /* The exit stage has no columns; every window has. */
    CU_ASSERT_PTR_NULL(strstr(csv, ".done."));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "second_half.station.wait_mean_days.ci95_high"));
    static const char *const starts[] = {"0,1,0.5,10,", "1,1,0.8,10,", "2,2,0.5,10,", "3,2,0.8,10,"};
    char line[256];
    for (int i = 0; i < 4; i++) {
        line_of(csv, i + 1, line, sizeof line);
        CU_ASSERT_EQUAL(strncmp(line, starts[i], strlen(starts[i])), 0);
    }
    /* Header and rows have the same number of fields. */
    char *hdr = malloc(strlen(csv) + 1), *row = malloc(strlen(csv) + 1);
    line_of(csv, 0, hdr, strlen(csv) + 1);
    line_of(csv, 1, row, strlen(csv) + 1);
    int nh = 0, nr = 0;
    for (char *p = hdr; *p; p++)
        nh += *p == ',';
    for (char *p = row; *p; p++)
        nr += *p == ',';
    CU_ASSERT_EQUAL(nh, nr);
    /* point, 2 parameters, replications, metrics, 4 provenance columns */
    CU_ASSERT_EQUAL(nh + 1, 4 + 2 * 1 * SIM_METRIC_COUNT * 3 + 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(hdr, ",scenario_hash,seed,parcours_version,command"));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, ",parcours run "));
    free(hdr);
    free(row);
    free(csv);
    CU_ASSERT(exists2(out, "points/0000/summary.json"));
    CU_ASSERT(exists2(out, "points/0003/row.csv"));
    CU_ASSERT(exists2(out, "journal.json"));
    char *prov = slurp2(out, "sweep.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(prov);
    CU_ASSERT_PTR_NOT_NULL(strstr(prov, "\"sweep_file_hash\":\t\"fnv1a64:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(prov, "\"scenario_hash\":\t\"fnv1a64:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(prov, "\"parcours_version\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(prov, "\"command\":\t\"parcours sweep scenarios/sweeps/mm1-grid.json\""));
    free(prov);
    /* Each point's summary says how to rerun it alone. */
    char *sum = slurp2(out, "points/0002/summary.json");
    CU_ASSERT_PTR_NOT_NULL(sum && strstr(sum, "--set stages.station.capacity=2 --set sources.arrivals.rate=0.5"));
    free(sum);
}

static void latin_hypercube_points_cover_each_stratum_once(void)
{
    enum { N = 12, D = 3 };
    double mn[D] = {0, -5, 0}, mx[D] = {1, 5, 11};
    int integer[D] = {0, 0, 1};
    double pts[N * D], again[N * D], other[N * D];
    CU_ASSERT_EQUAL_FATAL(sweep_lhs(N, D, mn, mx, integer, 7, pts), 0);
    for (int j = 0; j < D; j++) {
        int hits[N] = {0};
        for (int i = 0; i < N; i++) {
            double v = pts[i * D + j];
            CU_ASSERT(v >= mn[j] && v <= mx[j]);
            double width = integer[j] ? mx[j] + 1 - mn[j] : mx[j] - mn[j];
            int k = (int)floor((v - mn[j]) / width * N);
            if (k >= 0 && k < N)
                hits[k]++;
            if (integer[j])
                CU_ASSERT_EQUAL(v, floor(v));
        }
        for (int k = 0; k < N; k++)
            CU_ASSERT_EQUAL(hits[k], 1);
    }
    CU_ASSERT_EQUAL(sweep_lhs(N, D, mn, mx, integer, 7, again), 0);
    CU_ASSERT_EQUAL(memcmp(pts, again, sizeof pts), 0);
    CU_ASSERT_EQUAL(sweep_lhs(N, D, mn, mx, integer, 8, other), 0);
    CU_ASSERT_NOT_EQUAL(memcmp(pts, other, sizeof pts), 0);

    /* Through a sweep file: 8 points, one per eighth of the rate interval. */
    diag *d = diag_new("scenarios/sweeps/mm1-lhs.json");
    sweep_def def;
    CU_ASSERT_EQUAL_FATAL(sweep_def_load("scenarios/sweeps/mm1-lhs.json", d, &def), 0);
    CU_ASSERT_EQUAL(def.n_points, 8);
    CU_ASSERT_EQUAL(def.design, SWEEP_LHS);
    int hits[8] = {0};
    for (int i = 0; i < 8; i++) {
        double c = def.points[i * 2], rate = def.points[i * 2 + 1];
        CU_ASSERT(c == 1 || c == 2 || c == 3);
        int k = (int)floor((rate - 0.3) / 0.6 * 8);
        if (k >= 0 && k < 8)
            hits[k]++;
    }
    for (int k = 0; k < 8; k++)
        CU_ASSERT_EQUAL(hits[k], 1);
    sweep_def_fini(&def);
    diag_free(d);

    /* A scenario given for a sweep file: one problem naming the command. */
    d = diag_new("scenarios/paris-baseline.json");
    CU_ASSERT_EQUAL(sweep_def_load("scenarios/paris-baseline.json", d, &def), -1);
    CU_ASSERT_EQUAL(diag_count(d), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(diag_message(d, 0), "this is a scenario (it has \"stages\"), not a sweep file"));
    sweep_def_fini(&def);
    diag_free(d);
}

static void a_grid_range_includes_both_ends_without_rounding_noise(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/range.json", tmpdir);
    char text[2048];
    snprintf(text, sizeof text,
             "{\"scenario\": \"%s\", \"parameters\": [{\"path\": \"sources.arrivals.rate\", "
             "\"range\": {\"from\": 0.1, \"to\": 0.7, \"step\": 0.1}}]}",
             mm1);
    write_file(path, text);
    diag *d = diag_new(path);
    sweep_def def;
    CU_ASSERT_EQUAL_FATAL(sweep_def_load(path, d, &def), 0);
    CU_ASSERT_EQUAL(def.n_points, 7);
    CU_ASSERT_EQUAL(def.points[2], 0.3);
    CU_ASSERT_EQUAL(def.points[6], 0.7);
    CU_ASSERT_STRING_EQUAL(def.name, "range");
    sweep_def_fini(&def);
    diag_free(d);
}

/* 4 threads on 2 cores: more threads than cores must not matter either. */
static void results_are_identical_with_one_two_and_four_threads(void)
{
    char o1[512], o2[512], o4[512];
    out_dir("threads1", o1, sizeof o1);
    out_dir("threads2", o2, sizeof o2);
    out_dir("threads4", o4, sizeof o4);
    const char *a[] = {"scenarios/sweeps/mm1-lhs.json", "--out", o1, "--quiet", "--threads", "1"};
    const char *b[] = {"scenarios/sweeps/mm1-lhs.json", "--out", o2, "--quiet", "--threads", "2"};
    const char *c[] = {"scenarios/sweeps/mm1-lhs.json", "--out", o4, "--quiet", "--threads", "4"};
    CU_ASSERT_EQUAL_FATAL(sweep(6, a), 0);
    CU_ASSERT_EQUAL_FATAL(sweep(6, b), 0);
    CU_ASSERT_EQUAL_FATAL(sweep(6, c), 0);
    static const char *const files[] = {"sweep.csv", "sweep.json", "points/0005/summary.json",
                                        "points/0005/public_space_by_hour.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        CU_ASSERT(same_file(o1, o2, files[i]));
        CU_ASSERT(same_file(o1, o4, files[i]));
    }
}

static void bad_input_exits_2_and_writes_nothing(void)
{
    char sw[512], out[512];
    write_sweep("badpath", mm1, 2, "{\"path\": \"stages.statoin.capacity\", \"values\": [1, 2]}", sw, sizeof sw);
    out_dir("badpath", out, sizeof out);
    const char *a[] = {sw, "--out", out, "--quiet"};
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    CU_ASSERT_FALSE(exists(out));
    /* A value the scenario refuses at one point only. */
    write_sweep("badvalue", mm1, 2, "{\"path\": \"stages.station.capacity\", \"values\": [1, -2]}", sw, sizeof sw);
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    CU_ASSERT_FALSE(exists(out));
    /* Not a sweep: wrong types, unknown keys. */
    write_sweep("badtypes", mm1, 0, "{\"path\": 3, \"values\": []}", sw, sizeof sw);
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    write_file(sw, "{\"scenario\": \"mm1.json\", \"parameters\": [");
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    /* A metric that does not exist. */
    const char *b[] = {"scenarios/sweeps/mm1-grid.json", "--out", out, "--quiet", "--precision", "0.1",
                       "--metric", "all.station.stay_little_day"};
    CU_ASSERT_EQUAL(sweep(8, b), 2);
    CU_ASSERT_FALSE(exists(out));
}

static pid_t start_child(const char *sw, const char *out)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* The child: quiet, one thread, so that points take a while. */
    const char *bin = getenv("PARCOURS_BIN");
    if (bin && *bin) {
        char *args[] = {"parcours", "sweep", (char *)sw, "--out", (char *)out, "--quiet", "--threads", "1", NULL};
        execv(bin, args);
        _exit(127);
    }
    const char *a[] = {sw, "--out", out, "--quiet", "--threads", "1"};
    _exit(sweep_main(6, (char **)a));
}

/* Waits until the journal lists at least one point (or the child ends). */
static void wait_for_journal(pid_t pid, const char *out)
{
    char j[600];
    snprintf(j, sizeof j, "%s/journal.json", out);
    for (int i = 0; i < 60000; i++) {
        if (exists(j))
            return;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

/* Six points of 300 replications each: long enough to interrupt. */
static void slow_sweep(char *sw, size_t size)
{
    write_sweep("slow", mm1, 300,
                "{\"path\": \"stages.station.capacity\", \"values\": [1, 2, 3]},"
                "{\"path\": \"sources.arrivals.rate\", \"values\": [0.6, 0.8]}",
                sw, size);
}

static void a_sweep_killed_by_sigkill_resumes_to_identical_bytes(void)
{
    char sw[512], whole[512], killed[512];
    slow_sweep(sw, sizeof sw);
    out_dir("whole", whole, sizeof whole);
    out_dir("killed", killed, sizeof killed);
    const char *a[] = {sw, "--out", whole, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);

    pid_t pid = start_child(sw, killed);
    CU_ASSERT_FATAL(pid > 0);
    wait_for_journal(pid, killed);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    int done = journal_points(killed);
    CU_ASSERT(done >= 1 && done < 6);
    CU_ASSERT_FALSE(exists2(killed, "sweep.csv"));

    const char *b[] = {sw, "--out", killed, "--quiet"};
    CU_ASSERT_EQUAL(sweep(4, b), 0);
    CU_ASSERT(same_file(whole, killed, "sweep.csv"));
    CU_ASSERT(same_file(whole, killed, "journal.json"));
    CU_ASSERT(same_file(whole, killed, "points/0005/summary.json"));
}

static void a_sweep_stopped_by_sigterm_exits_1_and_resumes(void)
{
    char sw[512], whole[512], stopped[512];
    slow_sweep(sw, sizeof sw);
    out_dir("whole", whole, sizeof whole);   /* written by the previous test */
    out_dir("stopped", stopped, sizeof stopped);
    if (!exists2(whole, "sweep.csv")) {
        const char *a[] = {sw, "--out", whole, "--quiet"};
        CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);
    }
    pid_t pid = start_child(sw, stopped);
    CU_ASSERT_FATAL(pid > 0);
    wait_for_journal(pid, stopped);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    int done = journal_points(stopped);
    CU_ASSERT(done >= 1 && done < 6);
    CU_ASSERT_FALSE(exists2(stopped, "sweep.csv"));
    const char *b[] = {sw, "--out", stopped, "--quiet"};
    CU_ASSERT_EQUAL(sweep(4, b), 0);
    CU_ASSERT(same_file(whole, stopped, "sweep.csv"));
}

static void rerunning_a_finished_sweep_runs_nothing_and_rebuilds_identical_files(void)
{
    char out[512];
    out_dir("grid", out, sizeof out);   /* finished by the grid test */
    char *csv = slurp2(out, "sweep.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    char summary[700];
    snprintf(summary, sizeof summary, "%s/points/0000/summary.json", out);
    struct stat before, after;
    CU_ASSERT_EQUAL_FATAL(stat(summary, &before), 0);
    const char *a[] = {"scenarios/sweeps/mm1-grid.json", "--out", out, "--quiet"};
    CU_ASSERT_EQUAL(sweep(4, a), 0);
    char *again = slurp2(out, "sweep.csv");
    CU_ASSERT(again && strcmp(csv, again) == 0);
    CU_ASSERT_EQUAL_FATAL(stat(summary, &after), 0);
    CU_ASSERT(before.st_mtim.tv_sec == after.st_mtim.tv_sec && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
    free(csv);
    free(again);
}

static void a_changed_scenario_or_sweep_refuses_to_resume(void)
{
    char scen[512], sw[512], out[512];
    snprintf(scen, sizeof scen, "%s/mm1-copy.json", tmpdir);
    char *text = slurp(mm1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    write_file(scen, text);
    write_sweep("changing", "mm1-copy.json", 3, "{\"path\": \"stages.station.capacity\", \"values\": [1, 2]}", sw,
                sizeof sw);
    out_dir("changing", out, sizeof out);
    const char *a[] = {sw, "--out", out, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);
    char *csv = slurp2(out, "sweep.csv");

    /* The scenario changes: refused, nothing rewritten. */
    char *edited = strdup(text);
    char *at = strstr(edited, "\"rate\": 0.7");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    memcpy(at, "\"rate\": 0.6", 11);
    write_file(scen, edited);
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    char *after = slurp2(out, "sweep.csv");
    CU_ASSERT(csv && after && strcmp(csv, after) == 0);
    free(after);

    /* Back as it was: resumes (nothing to do). The sweep file changes: refused. */
    write_file(scen, text);
    CU_ASSERT_EQUAL(sweep(4, a), 0);
    write_sweep("changing", "mm1-copy.json", 4, "{\"path\": \"stages.station.capacity\", \"values\": [1, 2]}", sw,
                sizeof sw);
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    /* Other precision options are another sweep too. */
    write_sweep("changing", "mm1-copy.json", 3, "{\"path\": \"stages.station.capacity\", \"values\": [1, 2]}", sw,
                sizeof sw);
    const char *b[] = {sw, "--out", out, "--quiet", "--precision", "0.5", "--metric", "all.station.exits"};
    CU_ASSERT_EQUAL(sweep(8, b), 2);

    /* A corrupt journal is refused. */
    char journal[600];
    snprintf(journal, sizeof journal, "%s/journal.json", out);
    write_file(journal, "{\"journal\": \"parcours sweep\", \"sweep_ha");
    CU_ASSERT_EQUAL(sweep(4, a), 2);
    free(csv);
    free(text);
    free(edited);
}

/* -s and -r replace the sweep file's seed and replications: the same rows
 * as a file that says so, and a resume with others is refused. */
static void seed_and_replications_options_override_the_sweep_file(void)
{
    const char *grid = "{\"path\": \"stages.station.capacity\", \"values\": [1, 2]}";
    char sw_file[512], sw_opts[512], o_file[512], o_opts[512];
    write_sweep("said-in-file", mm1, 2, grid, sw_file, sizeof sw_file);   /* seed 3 */
    write_sweep("said-in-options", mm1, 5, grid, sw_opts, sizeof sw_opts);
    out_dir("said-in-file", o_file, sizeof o_file);
    out_dir("said-in-options", o_opts, sizeof o_opts);
    char *text = slurp(sw_opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *seed = strstr(text, "\"seed\": 3");
    CU_ASSERT_PTR_NOT_NULL_FATAL(seed);
    seed[8] = '8';
    write_file(sw_opts, text);
    free(text);

    const char *a[] = {sw_file, "--out", o_file, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);
    const char *b[] = {sw_opts, "--out", o_opts, "--quiet", "-r", "2", "--seed", "3"};
    CU_ASSERT_EQUAL_FATAL(sweep(8, b), 0);
    CU_ASSERT(same_file(o_file, o_opts, "sweep.csv"));

    const char *c[] = {sw_opts, "--out", o_opts, "--quiet", "-r", "3", "--seed", "3"};
    CU_ASSERT_EQUAL(sweep(8, c), 2);
    const char *d[] = {sw_opts, "--out", o_opts, "--quiet", "--replications", "0"};
    CU_ASSERT_EQUAL(sweep(6, d), 2);
}

/* Strips "N," (the point index) from the start of a row. */
static const char *without_index(const char *row)
{
    const char *c = strchr(row, ',');
    return c ? c + 1 : row;
}

static void points_with_the_same_parameters_give_the_same_row_in_any_sweep(void)
{
    char sw1[512], sw2[512], o1[512], o2[512];
    write_sweep("crn1", mm1, 5, "{\"path\": \"stages.station.capacity\", \"values\": [1, 2]}", sw1, sizeof sw1);
    write_sweep("crn2", mm1, 5, "{\"path\": \"stages.station.capacity\", \"values\": [2, 3]}", sw2, sizeof sw2);
    out_dir("crn1", o1, sizeof o1);
    out_dir("crn2", o2, sizeof o2);
    const char *a[] = {sw1, "--out", o1, "--quiet"};
    const char *b[] = {sw2, "--out", o2, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);
    CU_ASSERT_EQUAL_FATAL(sweep(4, b), 0);
    char *r1 = slurp2(o1, "points/0001/row.csv"), *r2 = slurp2(o2, "points/0000/row.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r2);
    CU_ASSERT_STRING_EQUAL(without_index(r1), without_index(r2));
    free(r1);
    free(r2);
}

/* Per-replication occupancy of the M/M/c at capacity c, seed s. */
static void occupancy_by_replication(int c, uint64_t seed, int n, double *out)
{
    char set[64];
    snprintf(set, sizeof set, "stages.station.capacity=%d", c);
    const char *sets[] = {set, "sources.arrivals.rate=0.8"};
    diag *d = diag_new(mm1);
    scenario_result res;
    CU_ASSERT_EQUAL_FATAL(scenario_load_file(mm1, sets, 2, d, &res), 0);
    char err[256];
    for (int r = 0; r < n; r++) {
        experiment *x = experiment_run(res.spec, seed, r, 1, 1, NULL, NULL, err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        out[r] = experiment_metric(x, 0, 0, SIM_METRIC_OCCUPANCY_MEAN)->mean;
        experiment_free(x);
    }
    scenario_result_fini(&res);
    diag_free(d);
}

static double variance(const double *v, int n)
{
    double m = 0, s = 0;
    for (int i = 0; i < n; i++)
        m += v[i] / n;
    for (int i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    return s / (n - 1);
}

static void common_random_numbers_make_differences_between_points_less_noisy(void)
{
    enum { N = 30 };
    double one[N], two[N], two_other_seed[N], crn[N], indep[N];
    occupancy_by_replication(1, 3, N, one);
    occupancy_by_replication(2, 3, N, two);
    occupancy_by_replication(2, 4, N, two_other_seed);
    for (int i = 0; i < N; i++) {
        crn[i] = one[i] - two[i];
        indep[i] = one[i] - two_other_seed[i];
    }
    double vc = variance(crn, N), vi = variance(indep, N);
    CU_ASSERT(vc < vi / 4);
}

/* Reads the replications column of row `line` of sweep.csv (1 parameter). */
static long replications_of(const char *out, int line)
{
    char *csv = slurp2(out, "sweep.csv");
    char row[256];
    line_of(csv, line, row, sizeof row);
    free(csv);
    const char *p = strchr(row, ',');
    p = p ? strchr(p + 1, ',') : NULL;
    return p ? strtol(p + 1, NULL, 10) : -1;
}

static int met(int c, long n, double precision)
{
    char set[64];
    snprintf(set, sizeof set, "stages.station.capacity=%d", c);
    const char *sets[] = {set};
    diag *d = diag_new(mm1);
    scenario_result res;
    CU_ASSERT_EQUAL_FATAL(scenario_load_file(mm1, sets, 1, d, &res), 0);
    char err[256];
    experiment *x = experiment_run(res.spec, 3, 0, n, 2, NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    const sim_summary *s = experiment_metric(x, 0, 0, SIM_METRIC_OCCUPANCY_MEAN);
    int ok = (s->ci95_high - s->ci95_low) / 2 <= precision * fabs(s->mean);
    experiment_free(x);
    scenario_result_fini(&res);
    diag_free(d);
    return ok;
}

static void precision_mode_stops_when_the_half_width_target_is_met(void)
{
    char sw[512], out[512];
    write_sweep("precision", mm1, 5, "{\"path\": \"stages.station.capacity\", \"values\": [1, 2]}", sw, sizeof sw);
    out_dir("precision", out, sizeof out);
    const char *a[] = {sw, "--out", out, "--quiet", "--precision", "0.04", "--metric", "all.station.occupancy_mean",
                       "--max-replications", "400"};
    CU_ASSERT_EQUAL_FATAL(sweep(10, a), 0);
    for (int i = 0; i < 2; i++) {
        long n = replications_of(out, i + 1);
        CU_ASSERT(n >= 5 && n < 400 && n % 5 == 0);
        CU_ASSERT(met(i + 1, n, 0.04));
        if (n > 5)
            CU_ASSERT_FALSE(met(i + 1, n - 5, 0.04));
    }
    /* A target out of reach stops at --max-replications. */
    char out2[512];
    out_dir("precision-max", out2, sizeof out2);
    const char *b[] = {sw, "--out", out2, "--quiet", "--precision", "0.0001", "--metric",
                       "all.station.occupancy_mean", "--max-replications", "12"};
    CU_ASSERT_EQUAL_FATAL(sweep(10, b), 0);
    CU_ASSERT_EQUAL(replications_of(out2, 1), 12);
    CU_ASSERT_EQUAL(replications_of(out2, 2), 12);
}

/* Does every figure of a (values, summaries, daily series, census, public
 * space by hour, costs) have the same bits as in b? */
static int same_experiment(const model_spec *spec, const experiment *a, const experiment *b)
{
    long n = experiment_replications(a);
    if (n != experiment_replications(b) || experiment_events(a) != experiment_events(b))
        return 0;
    int same = 1;
    for (int w = 0; w < spec->n_windows; w++) {
        for (int s = 0; s < spec->n_stages; s++)
            for (int m = 0; m < SIM_METRIC_COUNT; m++) {
                same &= memcmp(experiment_values(a, w, s, m), experiment_values(b, w, s, m), (size_t)n * sizeof(double)) == 0;
                same &= memcmp(experiment_metric(a, w, s, m), experiment_metric(b, w, s, m), sizeof(sim_summary)) == 0;
            }
        for (int k = 0; k < EXPERIMENT_COSTS; k++) {
            same &= memcmp(experiment_cost_values(a, w, k), experiment_cost_values(b, w, k), (size_t)n * sizeof(double)) == 0;
            same &= memcmp(experiment_cost(a, w, k), experiment_cost(b, w, k), sizeof(sim_summary)) == 0;
        }
        for (int h = 0; h < 24; h++) {
            double fa[3], fb[3];
            experiment_public_by_hour(a, w, h, &fa[0], &fa[1], &fa[2]);
            experiment_public_by_hour(b, w, h, &fb[0], &fb[1], &fb[2]);
            same &= memcmp(fa, fb, sizeof fa) == 0;
        }
    }
    int days = spec->daily ? (int)spec->horizon : 0;
    for (int d = 0; d < days; d++)
        for (int s = 0; s < spec->n_stages; s++)
            for (int wl = 0; wl < 2; wl++) {
                double fa[3], fb[3];
                experiment_daily(a, wl, d, s, &fa[0], &fa[1], &fa[2]);
                experiment_daily(b, wl, d, s, &fb[0], &fb[1], &fb[2]);
                same &= memcmp(fa, fb, sizeof fa) == 0;
            }
    for (int c = 0; c < spec->n_census; c++)
        for (int s = 0; s < spec->n_stages; s++)
            for (int f = 0; f < SIM_CENSUS_FIELDS; f++) {
                double va = experiment_census(a, c, s, f), vb = experiment_census(b, c, s, f);
                same &= memcmp(&va, &vb, sizeof va) == 0;
            }
    return same;
}

/* Precision mode extends an experiment instead of rerunning it: 7
 * replications, then 5 more, then 3 (on other thread counts), must be the
 * 15 of one run, bit for bit. Paris over 15 months: windows, daily series,
 * census and public space are all there. */
static void an_extended_experiment_equals_one_run_of_all_its_replications(void)
{
    const char *sets[] = {"end=2020-03-31",
                          "windows=[{\"id\": \"y2019\", \"from\": \"2019-01-01\", \"to\": \"2019-12-31\"}]",
                          "census=[\"2019-04-30\", \"2019-10-31\", \"2020-03-31\"]"};
    const char *paris = "scenarios/paris-baseline.json";
    diag *d = diag_new(paris);
    scenario_result res;
    CU_ASSERT_EQUAL_FATAL(scenario_load_file(paris, sets, 3, d, &res), 0);
    char err[256];
    experiment *one = experiment_run(res.spec, 11, 0, 15, 2, NULL, NULL, err, sizeof err);
    experiment *steps = experiment_run(res.spec, 11, 0, 7, 1, NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    CU_ASSERT_PTR_NOT_NULL_FATAL(steps);
    CU_ASSERT_FALSE(same_experiment(res.spec, one, steps));
    CU_ASSERT_EQUAL_FATAL(experiment_extend(steps, 5, 2, NULL, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(experiment_extend(steps, 3, 3, NULL, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(experiment_replications(steps), 15);
    CU_ASSERT(same_experiment(res.spec, one, steps));
    experiment_free(one);
    experiment_free(steps);
    scenario_result_fini(&res);
    diag_free(d);
}

/* Runs argv (a NULL-terminated program and arguments) and returns its exit
 * status, or -1 if it did not exit normally. */
static int run_program(char *const *argv)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void an_mpi_run_over_two_ranks_gives_the_same_bytes_as_a_serial_run(void)
{
    const char *mpirun = getenv("PARCOURS_MPIRUN"), *bin = getenv("PARCOURS_BIN");
    if (!mpirun || !*mpirun || !bin || !*bin) {
        printf("(skipped: set PARCOURS_MPIRUN and PARCOURS_BIN, as ctest does in an MPI build) ");
        return;
    }
    char serial[512], mpi[512];
    out_dir("mpi-serial", serial, sizeof serial);
    out_dir("mpi-ranks", mpi, sizeof mpi);
    const char *a[] = {"scenarios/sweeps/mm1-lhs.json", "--out", serial, "--quiet"};
    CU_ASSERT_EQUAL_FATAL(sweep(4, a), 0);
    char *args[] = {(char *)mpirun, "-np", "2", "--oversubscribe", (char *)bin, "sweep",
                    "scenarios/sweeps/mm1-lhs.json", "--out", mpi, "--quiet", "--threads", "1", NULL};
    CU_ASSERT_EQUAL_FATAL(run_program(args), 0);
    CU_ASSERT(same_file(serial, mpi, "sweep.csv"));
    CU_ASSERT(same_file(serial, mpi, "journal.json"));
    CU_ASSERT(same_file(serial, mpi, "points/0007/summary.json"));
    /* Resuming an MPI sweep without MPI, and the other way round. */
    char *args2[] = {(char *)mpirun, "-np", "2", "--oversubscribe", (char *)bin, "sweep",
                     "scenarios/sweeps/mm1-lhs.json", "--out", serial, "--quiet", NULL};
    CU_ASSERT_EQUAL(run_program(args2), 0);
    CU_ASSERT(same_file(serial, mpi, "sweep.csv"));
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/parcours-test-sweep-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char cwd[900];
    if (getcwd(cwd, sizeof cwd) == NULL || !exists("scenarios/sweeps/mm1.json")) {
        fprintf(stderr, "test_sweep: run from the source tree (scenarios/sweeps/mm1.json: %s)\n", strerror(errno));
        return 1;
    }
    snprintf(mm1, sizeof mm1, "%s/scenarios/sweeps/mm1.json", cwd);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("sweep", NULL, NULL);
    CU_add_test(s, "help exits 0 and bad options exit 2", help_exits_0_and_bad_options_exit_2);
    CU_add_test(s, "a grid of 2 x 2 writes 4 rows in point order", a_grid_of_2_by_2_writes_4_rows_in_point_order);
    CU_add_test(s, "Latin hypercube points cover each stratum once", latin_hypercube_points_cover_each_stratum_once);
    CU_add_test(s, "a grid range includes both ends without rounding noise",
                a_grid_range_includes_both_ends_without_rounding_noise);
    CU_add_test(s, "results are identical with one, two and four threads",
                results_are_identical_with_one_two_and_four_threads);
    CU_add_test(s, "bad input exits 2 and writes nothing", bad_input_exits_2_and_writes_nothing);
    CU_add_test(s, "a sweep killed by SIGKILL resumes to identical bytes",
                a_sweep_killed_by_sigkill_resumes_to_identical_bytes);
    CU_add_test(s, "a sweep stopped by SIGTERM exits 1 and resumes", a_sweep_stopped_by_sigterm_exits_1_and_resumes);
    CU_add_test(s, "rerunning a finished sweep runs nothing and rebuilds identical files",
                rerunning_a_finished_sweep_runs_nothing_and_rebuilds_identical_files);
    CU_add_test(s, "a changed scenario or sweep refuses to resume", a_changed_scenario_or_sweep_refuses_to_resume);
    CU_add_test(s, "seed and replications options override the sweep file",
                seed_and_replications_options_override_the_sweep_file);
    CU_add_test(s, "points with the same parameters give the same row in any sweep",
                points_with_the_same_parameters_give_the_same_row_in_any_sweep);
    CU_add_test(s, "common random numbers make differences between points less noisy",
                common_random_numbers_make_differences_between_points_less_noisy);
    CU_add_test(s, "an extended experiment equals one run of all its replications",
                an_extended_experiment_equals_one_run_of_all_its_replications);
    CU_add_test(s, "precision mode stops when the half-width target is met",
                precision_mode_stops_when_the_half_width_target_is_met);
    CU_add_test(s, "an MPI run over two ranks gives the same bytes as a serial run",
                an_mpi_run_over_two_ranks_gives_the_same_bytes_as_a_serial_run);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    if (failed == 0) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "test_sweep: could not remove %s\n", tmpdir);
    }
    return failed ? 1 : 0;
}
