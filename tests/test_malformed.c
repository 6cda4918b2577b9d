/* test_malformed.c -- every file in tests/malformed/ is refused, cleanly.
 *
 * For each NNN-name.json there is a sidecar NNN-name.expect:
 *     # free comment lines
 *     path: stages.shelter.capacity      (the JSON path; empty for the file as a whole)
 *     message: out of range              (a fragment of the message at that path)
 *     schema: reject | n/a               (used by scripts/check-robustness)
 *     pending: why                       (optional: a loader fix not applied yet)
 * The test checks, for each file:
 *   - scenario_load_file fails, returns no spec, and one of its messages
 *     reads "FILE: PATH: ..." and contains the fragment;
 *   - `parcours run FILE --out TMP/x -q` and `parcours validate FILE` exit
 *     with status 2, and TMP/x does not exist afterwards.
 * A pending case that the loader still accepts is reported, not failed;
 * once the fix is in, it is checked like the others.
 *
 * Usage: test_malformed [DIR]   (default tests/malformed, run from the
 * source tree). Exit status 0 if every check passed. */
#include "app/cli.h"
#include "app/diag.h"
#include "app/scenario.h"

#include <CUnit/Basic.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_CASES 50

typedef struct expect {
    char path[256];
    char message[256];
    char schema[32];
    char pending[256];
    int has_path, has_message;
} expect;

static const char *dir = "tests/malformed";
static char tmpdir[256];
static glob_t files;
static int n_pending;

/* A check that names the file in its failure record. */
static void check(int ok, const char *file, const char *what)
{
    char text[1024];
    snprintf(text, sizeof text, "%s: %s", file, what);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, __LINE__, text, __FILE__, "", CU_FALSE);
    if (!ok)
        fprintf(stderr, "FAILED %s\n", text);
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static int read_expect(const char *json, expect *e)
{
    char path[1024];
    size_t n = strlen(json);
    memset(e, 0, sizeof *e);
    snprintf(path, sizeof path, "%.*s.expect", (int)(n - 5), json);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        if (strncmp(line, "path:", 5) == 0) {
            snprintf(e->path, sizeof e->path, "%.255s", line + 5 + (line[5] == ' '));
            e->has_path = 1;
        } else if (strncmp(line, "message: ", 9) == 0) {
            snprintf(e->message, sizeof e->message, "%.255s", line + 9);
            e->has_message = e->message[0] != '\0';
        } else if (strncmp(line, "schema: ", 8) == 0) {
            snprintf(e->schema, sizeof e->schema, "%.31s", line + 8);
        } else if (strncmp(line, "pending: ", 9) == 0) {
            snprintf(e->pending, sizeof e->pending, "%.255s", line + 9);
        }
    }
    fclose(f);
    return e->has_path && e->has_message ? 0 : -1;
}

/* Runs the command line with stderr silenced (the diagnostics of a hundred
 * bad files are not the test's output). */
static int run_cli(int argc, const char **argv)
{
    fflush(stdout);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    int rc = cli_main(argc, (char **)argv);
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    if (null >= 0)
        close(null);
    return rc;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Loads the file; 1 if the loader still accepts it (the caller decides
 * whether that is a failure), 0 otherwise. */
static int loader_reports(const char *file, const expect *e, int *matched)
{
    diag *d = diag_new(file);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    scenario_result res;
    int rc = scenario_load_file(file, NULL, 0, d, &res);
    int accepted = rc == 0;
    char prefix[1300];
    if (e->path[0])
        snprintf(prefix, sizeof prefix, "%s: %s: ", file, e->path);
    else
        snprintf(prefix, sizeof prefix, "%s: ", file);
    *matched = 0;
    for (int i = 0; diag_message(d, i); i++) {
        const char *m = diag_message(d, i);
        if (strncmp(m, prefix, strlen(prefix)) == 0 && strstr(m + strlen(prefix), e->message))
            *matched = 1;
    }
    if (!accepted) {
        check(res.spec == NULL, file, "no spec after a problem");
        check(diag_count(d) > 0, file, "at least one problem reported");
        if (!*matched) {
            fprintf(stderr, "%s: expected a message \"%s...%s\"; got:\n", file, prefix, e->message);
            diag_print(d, stderr);
        }
    }
    scenario_result_fini(&res);
    diag_free(d);
    return accepted;
}

static void every_file_has_an_expectation(void)
{
    int active = 0;
    for (size_t i = 0; i < files.gl_pathc; i++) {
        expect e;
        int ok = read_expect(files.gl_pathv[i], &e) == 0;
        check(ok, files.gl_pathv[i], "has a .expect sidecar with path: and message: lines");
        if (ok && !e.pending[0])
            active++;
    }
    char what[128];
    snprintf(what, sizeof what, "at least %d malformed cases (got %d besides pending ones)", MIN_CASES, active);
    check(active >= MIN_CASES, dir, what);
}

static void loader_names_the_path(void)
{
    for (size_t i = 0; i < files.gl_pathc; i++) {
        const char *file = files.gl_pathv[i];
        expect e;
        if (read_expect(file, &e) != 0)
            continue;
        int matched;
        int accepted = loader_reports(file, &e, &matched);
        if (accepted && e.pending[0]) {
            printf("\n  pending: %s (%s)\n  ", file, e.pending);
            n_pending++;
            continue;
        }
        check(!accepted, file, "refused by the loader");
        if (!accepted)
            check(matched, file, "a message names the expected path and says what is wrong");
    }
}

static void cli_exits_2_and_writes_nothing(void)
{
    for (size_t i = 0; i < files.gl_pathc; i++) {
        const char *file = files.gl_pathv[i];
        expect e;
        if (read_expect(file, &e) != 0)
            continue;
        if (e.pending[0]) {
            /* Run it only once the loader refuses it: a pending case may
             * be a scenario that never ends. */
            int matched;
            if (loader_reports(file, &e, &matched))
                continue;
        }
        char out[512];
        snprintf(out, sizeof out, "%s/x", tmpdir);
        const char *run[] = {"parcours", "run", file, "--out", out, "-q"};
        check(run_cli(6, run) == CLI_BAD_INPUT, file, "parcours run exits with status 2");
        check(!exists(out), file, "parcours run wrote nothing");
        const char *validate[] = {"parcours", "validate", file};
        check(run_cli(3, validate) == CLI_BAD_INPUT, file, "parcours validate exits with status 2");
        if (exists(out)) {
            char cmd[600];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
            if (system(cmd) != 0)
                fprintf(stderr, "cannot remove %s\n", out);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        dir = argv[1];
    char pattern[512];
    snprintf(pattern, sizeof pattern, "%s/*.json", dir);
    if (glob(pattern, 0, NULL, &files) != 0) {
        fprintf(stderr, "test_malformed: no files match %s (run from the source tree)\n", pattern);
        return 1;
    }
    snprintf(tmpdir, sizeof tmpdir, "%s/parcours-malformed-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("malformed", NULL, NULL);
    if (s == NULL || !CU_add_test(s, "every file has an expectation", every_file_has_an_expectation) ||
        !CU_add_test(s, "the loader names the path", loader_names_the_path) ||
        !CU_add_test(s, "run and validate exit 2, write nothing", cli_exits_2_and_writes_nothing)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    printf("\n%zu malformed files, %d pending a loader fix\n", files.gl_pathc, n_pending);
    CU_cleanup_registry();
    globfree(&files);
    rmdir(tmpdir);
    return failures ? 1 : 0;
}
