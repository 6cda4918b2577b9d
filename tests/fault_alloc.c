/* fault_alloc.c -- allocation and I/O failures end in clean errors.
 *
 * Built by scripts/check-robustness with AddressSanitizer (leaks included)
 * and linked with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,
 *   --wrap=gsl_rng_alloc,--wrap=gsl_rng_free,--wrap=fopen,--wrap=fsync,--wrap=rename
 * so that every such call made by parcours code goes through the wrappers
 * below; cJSON's allocations are routed there with cJSON_InitHooks.
 *
 * Allocation failures. For N = 1, 2, ... the N-th allocation fails, in a
 * child process (a crash or a leak then names N): the child
 *   load:  loads the Paris baseline with two --set overrides;
 *   run:   loads a small scenario with every kind of stage, runs 2
 *          replications on 1 thread and writes the outputs to a new folder.
 * Each N must end in a clean error (a message, no crash, no leak, no
 * temporary file left), or in a success whose results are byte-identical
 * to those of the run without failure (an allocation whose failure only
 * costs a message). It stops at the first N beyond the last allocation.
 *
 * I/O failures. A complete run (seed 1) is written to a folder; then a run
 * with another seed is written over it through `parcours run` while the
 * i-th opening for writing fails (EACCES), the i-th file written lands on
 * /dev/full (ENOSPC, a full disk), the i-th fsync fails (EIO) or the i-th
 * rename fails (EIO). Each must exit with status 1 and leave the folder as
 * it was: the previous outputs untouched, no temporary file. (A failed
 * rename may leave the files renamed before it in place: each file is then
 * complete, old or new.)
 *
 * Leaks: the wrappers (free and gsl_rng_free included) count the blocks
 * allocated and not freed; after a failed case every block must be freed.
 * The cases run in this process, in sequence; FAULT_FORK=1 runs each in a
 * child instead (slower: LeakSanitizer checks each one; but it carries on
 * after a crash and lists every problem at once).
 *
 * Usage: fault_alloc [load|run|io]...  (default: all three). Exit status 0
 * if every case passed. FAULT_TRACE=phase:N prints the stack of the N-th
 * allocation of that phase (to locate a reported problem); FAULT_VERBOSE=1
 * prints the outcome of every case. */
#define _GNU_SOURCE 1
#include "app/cli.h"
#include "app/diag.h"
#include "app/experiment.h"
#include "app/output.h"
#include "app/scenario.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_rng.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the wrappers --------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);
void __real_gsl_rng_free(gsl_rng *r);
gsl_rng *__real_gsl_rng_alloc(const gsl_rng_type *t);
FILE *__real_fopen(const char *path, const char *mode);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);
void __wrap_gsl_rng_free(gsl_rng *r);
gsl_rng *__wrap_gsl_rng_alloc(const gsl_rng_type *t);
FILE *__wrap_fopen(const char *path, const char *mode);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);

void __sanitizer_print_stack_trace(void);
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

/* Sanitizer findings exit with 66, distinct from the children's codes. */
const char *__asan_default_options(void)
{
    return "detect_leaks=1:exitcode=66:abort_on_error=0";
}

const char *__ubsan_default_options(void)
{
    return "print_stacktrace=1:halt_on_error=1:exitcode=66";
}

enum { IO_NONE, IO_OPEN, IO_FULL, IO_FSYNC, IO_RENAME };

static struct {
    int armed;          /* count allocations only while the code under test runs */
    long count, fail_at;
    int injected, trace;
    long live;          /* blocks allocated through the wrappers and not freed */
    int io_kind;        /* IO_*: which call fails */
    long io_count, io_fail_at;
} F;

static int alloc_fails(void)
{
    if (!F.armed)
        return 0;
    if (++F.count != F.fail_at)
        return 0;
    F.injected = 1;
    if (F.trace) {
        fprintf(stderr, "fault_alloc: allocation %ld fails here:\n", F.count);
        __sanitizer_print_stack_trace();
    }
    return 1;
}

void *__wrap_malloc(size_t n)
{
    void *p = alloc_fails() ? NULL : __real_malloc(n);
    F.live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *p = alloc_fails() ? NULL : __real_calloc(n, size);
    F.live += p != NULL;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    void *r = alloc_fails() ? NULL : __real_realloc(p, n);
    F.live += p == NULL && r != NULL;
    return r;
}

void __wrap_free(void *p)
{
    F.live -= p != NULL;
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = __wrap_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

gsl_rng *__wrap_gsl_rng_alloc(const gsl_rng_type *t)
{
    gsl_rng *r = alloc_fails() ? NULL : __real_gsl_rng_alloc(t);
    F.live += r != NULL;
    return r;
}

void __wrap_gsl_rng_free(gsl_rng *r)
{
    F.live -= r != NULL;
    __real_gsl_rng_free(r);
}

static int io_fails(int kind)
{
    return F.io_kind == kind && ++F.io_count == F.io_fail_at ? (F.injected = 1) : 0;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    if (mode[0] == 'w' && io_fails(IO_OPEN)) {
        errno = EACCES;
        return NULL;
    }
    if (mode[0] == 'w' && io_fails(IO_FULL))
        return __real_fopen("/dev/full", mode);
    return __real_fopen(path, mode);
}

int __wrap_fsync(int fd)
{
    if (io_fails(IO_FSYNC)) {
        errno = EIO;
        return -1;
    }
    if (F.armed)
        return 0;   /* allocation cases: durability is not the point, speed is */
    return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (io_fails(IO_RENAME)) {
        errno = EIO;
        return -1;
    }
    return __real_rename(from, to);
}

static void *hook_malloc(size_t n)
{
    return __wrap_malloc(n);
}

static void hook_free(void *p)
{
    __wrap_free(p);
}

/* ---- helpers ---------------------------------------------------------------- */

static int failures;
static char tmpdir[256];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAILED ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
    failures++;
}

/* The files of a folder, sorted by name, with their contents. */
typedef struct file_set {
    int n;
    char *name[32];
    char *data[32];
    size_t len[32];
} file_set;

static void files_free(file_set *fs)
{
    for (int i = 0; i < fs->n; i++) {
        free(fs->name[i]);
        free(fs->data[i]);
    }
    fs->n = 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int files_read(const char *dir, file_set *fs)
{
    memset(fs, 0, sizeof *fs);
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && fs->n < 32) {
        if (e->d_name[0] == '.')
            continue;
        fs->name[fs->n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(fs->name, (size_t)fs->n, sizeof fs->name[0], by_name);
    for (int i = 0; i < fs->n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, fs->name[i]);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            return -1;
        size_t cap = 1 << 16, len = 0, got;
        char *buf = malloc(cap);
        while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
            len += got;
            if (len == cap)
                buf = realloc(buf, cap *= 2);
        }
        fclose(f);
        if (buf == NULL)
            return -1;
        fs->data[i] = buf;
        fs->len[i] = len;
    }
    return 0;
}

static const file_set *find_in(const file_set *fs, const char *name, int *at)
{
    for (int i = 0; i < fs->n; i++)
        if (strcmp(fs->name[i], name) == 0) {
            *at = i;
            return fs;
        }
    return NULL;
}

static int same_file(const file_set *a, int i, const file_set *b, int j)
{
    return a->len[i] == b->len[j] && memcmp(a->data[i], b->data[j], a->len[i]) == 0;
}

/* 1 if the two folders hold the same files with the same bytes. */
static int files_equal(const file_set *a, const file_set *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->name[i], b->name[i]) != 0 || !same_file(a, i, b, i))
            return 0;
    return 1;
}

static int has_temp_file(const file_set *fs)
{
    for (int i = 0; i < fs->n; i++)
        if (strstr(fs->name[i], ".tmp."))
            return 1;
    return 0;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* ---- the code under test -------------------------------------------------------- */

static const char small_scenario[] =
    "{\"name\": \"fault\", \"start\": \"2020-01-01\", \"days\": 30, \"seed\": 7,"
    " \"attributes\": [{\"id\": \"sex\", \"values\": {\"male\": 0.8, \"female\": 0.2}}],"
    " \"transitions\": [{\"attribute\": \"sex\", \"from\": \"male\", \"to\": \"female\","
    "   \"after\": {\"dist\": \"exponential\", \"mean\": 40}}],"
    " \"stages\": ["
    "  {\"id\": \"street\", \"kind\": \"pool\", \"routing\": \"first_available\","
    "   \"routes\": [{\"to\": \"shelter\"}, {\"to\": \"women\", \"when\": {\"sex\": \"female\"}}],"
    "   \"exits\": [{\"to\": \"gone\", \"after\": {\"dist\": \"exponential\", \"mean\": 100}}]},"
    "  {\"id\": \"rest\", \"kind\": \"day_service\", \"pool\": \"street\", \"capacity\": [{\"from\": 5, \"value\": 5}],"
    "   \"hours\": {\"daily\": [\"10:00-18:00\"], \"sat\": [\"22:00-02:00\"]}, \"visits_per_hour\": 2,"
    "   \"visit\": {\"dist\": \"exponential\", \"mean\": 4, \"unit\": \"hours\"}, \"referral\": 0.3},"
    "  {\"id\": \"shelter\", \"kind\": \"service\","
    "   \"capacity\": [{\"from\": \"2020-01-01\", \"value\": 10}, {\"from\": 15, \"value\": 14}],"
    "   \"queue\": {\"capacity\": 50, \"patience\": {\"dist\": \"exponential\", \"mean\": 20},"
    "             \"priority\": {\"attribute\": \"sex\", \"order\": [\"female\", \"male\"]}},"
    "   \"stay\": {\"dist\": \"gamma\", \"shape\": 2, \"mean\": 8},"
    "   \"routes\": [{\"to\": \"housing\", \"p\": 0.6}, {\"to\": \"street\", \"p\": 0.4, \"outcome\": \"negative\"}],"
    "   \"exits\": [{\"to\": \"street\", \"after\": {\"dist\": \"empirical\", \"values\": [10, 20], \"weights\": [1, 3]}}]},"
    "  {\"id\": \"women\", \"kind\": \"service\", \"capacity\": 3, \"cost_per_day\": 50,"
    "   \"stay\": {\"dist\": \"lognormal\", \"mean\": 6, \"sd\": 2}, \"routing\": \"first_available\","
    "   \"routes\": [{\"to\": \"housing\"}]},"
    "  {\"id\": \"housing\", \"kind\": \"service\", \"capacity\": 4,"
    "   \"exits\": [{\"to\": \"housed\", \"outcome\": \"positive\", \"after\": {\"dist\": \"weibull\", \"shape\": 1.5, \"scale\": 6}}]},"
    "  {\"id\": \"housed\", \"kind\": \"exit\"}, {\"id\": \"gone\", \"kind\": \"exit\"}],"
    " \"sources\": [{\"id\": \"newcomers\", \"to\": \"street\", \"rate\": [{\"from\": 0, \"value\": 2}, {\"from\": 10, \"value\": 3}]},"
    "   {\"id\": \"referred\", \"to\": \"shelter\", \"interarrival\": {\"dist\": \"uniform\", \"min\": 1, \"max\": 3},"
    "    \"limit\": 10, \"attributes\": {\"sex\": \"female\"}}],"
    " \"patrols\": [{\"id\": \"day\", \"pool\": \"street\", \"hours\": {\"weekdays\": [\"09:00-17:00\"]},"
    "   \"contacts_per_hour\": 2, \"accept\": 0.3, \"cost_per_contact\": 40}],"
    " \"initial\": [{\"stage\": \"street\", \"count\": 20, \"elapsed\": {\"dist\": \"fixed\", \"value\": 3}},"
    "   {\"stage\": \"shelter\", \"count\": 5}],"
    " \"windows\": [{\"id\": \"last\", \"from\": 10, \"to\": \"2020-01-30\"}],"
    " \"census\": [\"2020-01-15\", 25]}";

static const char *const baseline_sets[] = {"stages.lhss.capacity=25", "sources.newcomers.rate=1.1"};
static const char *const small_sets[] = {"stages.housing.capacity=5"};

/* Child outcomes. */
enum {
    OUT_CLEAN_ERROR = 0,   /* failure injected, error reported */
    OUT_TOLERATED = 1,     /* failure injected, same results as without it */
    OUT_DONE = 2,          /* no failure injected: N is past the last allocation */
    OUT_SILENT = 3,        /* success but different results: a failure went unnoticed */
    OUT_SPURIOUS = 4,      /* an error without any failure injected */
    OUT_TEMP_LEFT = 5,     /* a temporary file left behind */
    OUT_NO_MESSAGE = 6,    /* an error with no message */
    OUT_LEAK = 7,          /* blocks still allocated after everything was freed */
};

static char *ref_canonical;
static uint64_t ref_hash;
static file_set ref_run;

static int do_load(void)
{
    diag *d = diag_new("baseline");
    if (d == NULL)
        return F.injected ? OUT_CLEAN_ERROR : OUT_SPURIOUS;
    scenario_result res;
    int rc = scenario_load_text(scenario_embedded_baseline, baseline_sets, 2, d, &res);
    int outcome;
    if (rc == 0) {
        int same = res.hash == ref_hash && res.canonical && ref_canonical && strcmp(res.canonical, ref_canonical) == 0;
        if (ref_canonical == NULL) {   /* the reference run */
            ref_canonical = __real_strdup(res.canonical);
            ref_hash = res.hash;
            same = 1;
        }
        outcome = same ? (F.injected ? OUT_TOLERATED : OUT_DONE) : OUT_SILENT;
    } else {
        outcome = !F.injected ? OUT_SPURIOUS : diag_count(d) == 0 ? OUT_NO_MESSAGE : OUT_CLEAN_ERROR;
        if (!F.injected)
            diag_print(d, stdout);
    }
    scenario_result_fini(&res);
    diag_free(d);
    return outcome;
}

static int do_run(const char *outdir, int reference)
{
    char err[512] = "";
    int outcome = -1;
    diag *d = diag_new("small");
    scenario_result res;
    memset(&res, 0, sizeof res);
    experiment *x = NULL;
    if (d == NULL) {
        snprintf(err, sizeof err, "diag_new failed");
    } else if (scenario_load_text(small_scenario, small_sets, 1, d, &res) != 0) {
        if (diag_count(d) == 0)
            outcome = OUT_NO_MESSAGE;
        else
            snprintf(err, sizeof err, "%s", diag_message(d, 0) ? diag_message(d, 0) : "(message lost)");
    } else if ((x = experiment_run(res.spec, 7, 0, 2, 1, NULL, NULL, err, sizeof err)) == NULL) {
        if (!err[0])
            outcome = OUT_NO_MESSAGE;
    } else {
        provenance prov = {PARCOURS_VERSION, "fault_alloc", res.hash, 7, 0};
        if (output_write(outdir, res.spec, x, &prov, err, sizeof err) == 0)
            outcome = OUT_DONE;
        else if (!err[0])
            outcome = OUT_NO_MESSAGE;
    }
    F.armed = 0;
    experiment_free(x);
    scenario_result_fini(&res);
    diag_free(d);
    file_set got;
    int readable = files_read(outdir, &got) == 0;
    if (readable && has_temp_file(&got)) {
        outcome = OUT_TEMP_LEFT;
    } else if (outcome == OUT_DONE) {
        if (reference) {
            ref_run = got;
            return OUT_DONE;
        }
        outcome = !files_equal(&got, &ref_run) ? OUT_SILENT : F.injected ? OUT_TOLERATED : OUT_DONE;
    } else if (outcome < 0) {
        outcome = F.injected ? OUT_CLEAN_ERROR : OUT_SPURIOUS;
    }
    if (outcome == OUT_SPURIOUS)
        printf("error without a failure: %s\n", err);
    if (readable)
        files_free(&got);
    return outcome;
}

static const char *const outcome_names[] = {"clean error", "tolerated", "done", "SILENT (results differ)",
                                            "SPURIOUS error", "TEMPORARY FILE LEFT", "error WITHOUT MESSAGE",
                                            "LEAK"};

/* One case in this process: N-th allocation fails. Leaks are counted by
 * the wrappers (blocks allocated minus blocks freed). */
static int in_process(const char *phase, long n, int trace)
{
    char outdir[512];
    snprintf(outdir, sizeof outdir, "%s/run-%ld", tmpdir, n);
    long live = F.live;
    if (getenv("FAULT_VERBOSE"))
        fprintf(stderr, "fault_alloc: %s: allocation %ld fails\n", phase, n);
    F.count = 0;
    F.fail_at = n;
    F.injected = 0;
    F.trace = trace;
    F.armed = 1;
    int outcome = strcmp(phase, "load") == 0 ? do_load() : do_run(outdir, 0);
    F.armed = 0;
    remove_tree(outdir);
    if (F.live != live) {
        printf("%s: allocation %ld fails: %ld blocks leaked\n", phase, n, F.live - live);
        outcome = OUT_LEAK;
    }
    F.live = live;
    return outcome;
}

/* Runs one case in a child with the N-th allocation failing; returns its
 * outcome, or -1 after reporting a crash or a sanitizer finding. Slower
 * (LeakSanitizer checks each child), but goes on after a crash. */
static int child(const char *phase, long n, int trace)
{
    if (getenv("FAULT_FORK") == NULL)
        return in_process(phase, n, trace);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        int outcome = in_process(phase, n, trace);
        files_free(&ref_run);
        free(ref_canonical);
        exit(outcome);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status)) {
        fail("%s: allocation %ld fails: killed by signal %d (crash)", phase, n, WTERMSIG(status));
        return -1;
    }
    int code = WEXITSTATUS(status);
    if (code == 66) {
        fail("%s: allocation %ld fails: AddressSanitizer/LeakSanitizer report above", phase, n);
        return -1;
    }
    if (code > OUT_LEAK) {
        fail("%s: allocation %ld fails: exit status %d", phase, n, code);
        return -1;
    }
    return code;
}

static void allocation_phase(const char *phase)
{
    /* The reference: no failure. */
    F.fail_at = 0;
    F.armed = 1;
    F.count = 0;
    char refdir[512];
    snprintf(refdir, sizeof refdir, "%s/reference", tmpdir);
    int rc = strcmp(phase, "load") == 0 ? do_load() : do_run(refdir, 1);
    F.armed = 0;
    long total = F.count;
    if (rc != OUT_DONE) {
        fail("%s: the reference run fails (%s)", phase, rc >= 0 ? outcome_names[rc] : "?");
        return;
    }
    const char *trace = getenv("FAULT_TRACE");
    long trace_n = -1;
    if (trace && strncmp(trace, phase, strlen(phase)) == 0 && trace[strlen(phase)] == ':')
        trace_n = atol(trace + strlen(phase) + 1);
    long counts[OUT_LEAK + 1] = {0};
    long n;
    for (n = trace_n > 0 ? trace_n : 1;; n++) {
        int o = child(phase, n, n == trace_n);
        if (trace_n > 0) {   /* that one case only */
            printf("%s: allocation %ld fails: %s\n", phase, n, o >= 0 ? outcome_names[o] : "crash");
            return;
        }
        if (o < 0)
            continue;
        counts[o]++;
        if (getenv("FAULT_VERBOSE"))
            fprintf(stderr, "fault_alloc: %s: allocation %ld fails: %s\n", phase, n, outcome_names[o]);
        if (o == OUT_DONE)
            break;
        if (o >= OUT_SILENT)
            fail("%s: allocation %ld fails: %s (FAULT_TRACE=%s:%ld shows where)", phase, n, outcome_names[o],
                 phase, n);
        if (n > 4 * total + 1000) {
            fail("%s: still injecting after %ld allocations (reference: %ld)", phase, n, total);
            break;
        }
    }
    printf("%s: %ld allocations in the reference run; N = 1..%ld: %ld clean errors, %ld tolerated\n", phase,
           total, n - 1, counts[OUT_CLEAN_ERROR], counts[OUT_TOLERATED]);
    fflush(stdout);
}

/* ---- I/O failures ------------------------------------------------------------- */

static int cli_run(const char *scenario, const char *out, const char *seed)
{
    const char *argv[] = {"parcours", "run", scenario, "--out", out, "--seed", seed, "-r", "2", "-j", "1", "-q"};
    fflush(stdout);
    fflush(stderr);
    return cli_main((int)(sizeof argv / sizeof argv[0]), (char **)argv);
}

static void io_phase(void)
{
    static const char *const kinds[] = {"", "fopen fails", "disk full", "fsync fails", "rename fails"};
    char scenario[512], dir[512], fresh[512];
    snprintf(scenario, sizeof scenario, "%s/small.json", tmpdir);
    snprintf(dir, sizeof dir, "%s/io", tmpdir);
    snprintf(fresh, sizeof fresh, "%s/io-new", tmpdir);
    write_file(scenario, small_scenario, strlen(small_scenario));
    file_set old, new;
    if (cli_run(scenario, dir, "1") != 0 || files_read(dir, &old) != 0 || old.n == 0) {
        fail("io: the first run fails");
        return;
    }
    if (cli_run(scenario, fresh, "2") != 0 || files_read(fresh, &new) != 0 || files_equal(&old, &new)) {
        fail("io: the second run fails or writes the same files as the first");
        return;
    }
    remove_tree(fresh);
    for (int kind = IO_OPEN; kind <= IO_RENAME; kind++) {
        long i, failed = 0;
        for (i = 1; i < 100; i++) {
            /* The previous run, as it was written. */
            for (int k = 0; k < old.n; k++) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%s", dir, old.name[k]);
                write_file(path, old.data[k], old.len[k]);
            }
            F.io_kind = kind;
            F.io_count = 0;
            F.io_fail_at = i;
            F.injected = 0;
            int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
            if (saved < 0 || null < 0 || dup2(null, STDERR_FILENO) < 0)
                exit(2);
            int rc = cli_run(scenario, dir, "2");
            fflush(stderr);
            dup2(saved, STDERR_FILENO);
            close(saved);
            close(null);
            F.io_kind = IO_NONE;
            int injected = F.injected;
            file_set now;
            if (files_read(dir, &now) != 0) {
                fail("io: %s #%ld: the output folder is unreadable", kinds[kind], i);
                break;
            }
            if (!injected) {   /* past the last call: a normal run */
                if (rc != 0 || !files_equal(&now, &new))
                    fail("io: without failure, status %d and %s files", rc,
                         files_equal(&now, &new) ? "the right" : "wrong");
                files_free(&now);
                break;
            }
            if (has_temp_file(&now))
                fail("io: %s #%ld: a temporary file is left", kinds[kind], i);
            if (rc == 0) {
                /* The failure hit a call whose failure does not matter (the
                 * folder's own fsync): the run must then be complete. */
                if (!files_equal(&now, &new))
                    fail("io: %s #%ld: status 0 but the files are not the new run's", kinds[kind], i);
            } else {
                failed++;
                if (rc != CLI_FAILURE)
                    fail("io: %s #%ld: exit status %d (expected %d)", kinds[kind], i, rc, CLI_FAILURE);
                if (kind != IO_RENAME && !files_equal(&now, &old)) {
                    int replaced = 0;
                    for (int k = 0; k < now.n; k++) {
                        int at;
                        if (find_in(&old, now.name[k], &at) && !same_file(&now, k, &old, at))
                            replaced++;
                    }
                    fail("io: %s #%ld: status %d but %d of the previous %d files were replaced "
                         "(expected the previous outputs untouched)", kinds[kind], i, rc, replaced, old.n);
                }
                for (int k = 0; k < now.n; k++) {   /* each file complete, old or new */
                    int a, b;
                    int is_old = find_in(&old, now.name[k], &a) && same_file(&now, k, &old, a);
                    int is_new = find_in(&new, now.name[k], &b) && same_file(&now, k, &new, b);
                    if (!is_old && !is_new)
                        fail("io: %s #%ld: %s is neither the previous file nor the new one", kinds[kind], i,
                             now.name[k]);
                }
            }
            files_free(&now);
        }
        printf("io: %s: %ld failing runs checked\n", kinds[kind], failed);
        if (failed == 0)
            fail("io: %s: never injected", kinds[kind]);
    }
    files_free(&old);
    files_free(&new);
    remove_tree(dir);
    unlink(scenario);
}

int main(int argc, char **argv)
{
    cJSON_Hooks hooks = {hook_malloc, hook_free};
    cJSON_InitHooks(&hooks);
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* Thousands of small output folders: in memory if possible. */
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/parcours-fault-XXXXXX", base);
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    int all = argc < 2;
    for (int i = 1; i < argc || all; i++) {
        const char *what = all ? NULL : argv[i];
        if (!all && strcmp(what, "load") != 0 && strcmp(what, "run") != 0 && strcmp(what, "io") != 0) {
            fprintf(stderr, "usage: fault_alloc [load|run|io]...\n");
            return 2;
        }
        if (all || strcmp(what, "load") == 0)
            allocation_phase("load");
        if (all || strcmp(what, "run") == 0)
            allocation_phase("run");
        if (all || strcmp(what, "io") == 0)
            io_phase();
        if (all)
            break;
    }
    files_free(&ref_run);
    free(ref_canonical);
    char ref[512];
    snprintf(ref, sizeof ref, "%s/reference", tmpdir);
    remove_tree(ref);
    rmdir(tmpdir);
    printf("fault_alloc: %s\n", failures ? "FAILED" : "all cases passed");
    return failures ? 1 : 0;
}
