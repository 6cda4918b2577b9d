/* plot.c -- `parcours plot`: run scripts/plot/all.sh over a run directory.
 *
 * parcours itself draws nothing: the gnuplot scripts read the CSV files a
 * run wrote and add PNG or SVG files next to them. This module finds the
 * scripts, checks that gnuplot is there before anything starts (so that a
 * missing gnuplot is one clear message, not a shell error), and runs child
 * processes with fork/exec: no shell parses a user's path. */
#include "app/plot.h"

#include "app/cli.h"
#include "app/namelist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PARCOURS_SOURCE_DIR
#define PARCOURS_SOURCE_DIR "."   /* CMake defines the source tree */
#endif

static const char *const plot_help =
    "usage: parcours plot DIR [--format png|svg|both]\n"
    "\n"
    "Draws the charts of a run directory (written by parcours run or compare)\n"
    "next to its CSV files, with gnuplot:\n"
    "  parcours run --out out/base && parcours plot out/base\n"
    "The CSV files are only read, never changed. The charts are drawn by the\n"
    "scripts in scripts/plot/ (all.sh runs each .gp file); edit those to\n"
    "change a chart, or run one by hand:\n"
    "  gnuplot -e \"dir='out/base'; fmt='png'\" scripts/plot/occupancy.gp\n"
    "\n"
    "options:\n"
    "  -f, --format FMT  png (default), svg, or both\n"
    "  -h, --help        this help\n"
    "\n"
    "environment:\n"
    "  PARCOURS_SCRIPTS  the scripts directory (default: " PARCOURS_SOURCE_DIR "/scripts)\n"
    "\n"
    "exit status: 0 charts written; 1 gnuplot missing (apt-get install gnuplot-nox)\n"
    "or a script failed; 2 DIR is not a directory or holds none of the CSV files\n"
    "charts read, or a bad option. A run without daily series (outputs.daily\n"
    "false, a sweep's point) gets the charts of its other files: census,\n"
    "blocked places, public space.\n";

const char *plot_scripts_dir(void)
{
    const char *env = getenv("PARCOURS_SCRIPTS");
    return env && *env ? env : PARCOURS_SOURCE_DIR "/scripts";
}

int plot_script_path(const char *name, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/plot/%s", plot_scripts_dir(), name);
    if (n < 0 || (size_t)n >= len)
        return -1;
    return access(buf, R_OK) == 0 ? 0 : -1;
}

int plot_have_program(const char *program)
{
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0')
        path = "/usr/bin:/bin";
    char buf[4096];
    while (*path) {
        size_t n = strcspn(path, ":");
        /* an empty PATH entry means the current directory */
        int w = n == 0 ? snprintf(buf, sizeof buf, "./%s", program)
                       : snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, program);
        struct stat st;
        if (w > 0 && (size_t)w < sizeof buf && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return 1;
        path += n;
        if (*path == ':')
            path++;
    }
    return 0;
}

int plot_spawn(const char *dir, char *const argv[])
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (dir && chdir(dir) != 0) {
            fprintf(stderr, "parcours: cannot enter %s: %s\n", dir, strerror(errno));
            _exit(127);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "parcours: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int is_script(const struct dirent *e)
{
    size_t len = strlen(e->d_name);
    return len > 3 && strcmp(e->d_name + len - 3, ".gp") == 0;
}

int plot_charts_in(const char *dir, char *names, size_t size)
{
    namelist list;
    namelist_init(&list, names, size);
    char scripts[4096];
    if (snprintf(scripts, sizeof scripts, "%s/plot", plot_scripts_dir()) >= (int)sizeof scripts)
        return 0;
    struct dirent **entries;
    int m = scandir(scripts, &entries, is_script, alphasort);   /* sorted: the same message each time */
    for (int i = 0; i < m; i++) {
        static const char *const exts[] = {".png", ".svg"};
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(entries[i]->d_name) - 3), entries[i]->d_name);
        for (int k = 0; k < 2; k++) {
            char path[4096];
            int len = snprintf(path, sizeof path, "%s/%s%s", dir, stem, exts[k]);
            if (len > 0 && (size_t)len < sizeof path && access(path, F_OK) == 0)
                namelist_add(&list, stem, exts[k]);
        }
        free(entries[i]);
    }
    if (m >= 0)
        free(entries);
    return list.count;
}

/* Whether dir holds a CSV file some chart reads (scripts/plot/all.sh). A
 * run without daily series (outputs.daily false, a sweep's point) has no
 * occupancy.csv but still its census, blocked places and public space. */
static int has_a_chart_input(const char *dir)
{
    static const char *const inputs[] = {"occupancy.csv", "waiting.csv", "census.csv", "blocked.csv",
                                         "public_space_by_hour.csv"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", dir, inputs[i]);
        if (n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0)
            return 1;
    }
    return 0;
}

int plot_main(int argc, char **argv)
{
    const char *dir = NULL, *format = "png";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(plot_help, stdout);
            return CLI_OK;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            const char *v = strncmp(a, "--format=", 9) == 0 ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (v == NULL || (strcmp(v, "png") != 0 && strcmp(v, "svg") != 0 && strcmp(v, "both") != 0))
                return cli_usage_error("plot", "%s needs png, svg or both", "--format");
            format = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("plot", "unknown option %s", a);
        } else if (dir == NULL) {
            dir = a;
        } else {
            return cli_usage_error("plot", "unexpected argument %s (one directory at a time)", a);
        }
    }
    if (dir == NULL)
        return cli_usage_error("plot", "%s", "needs a run directory (written by parcours run)");
    struct stat info;
    int found = stat(dir, &info) == 0;
    if (!found || !S_ISDIR(info.st_mode)) {
        fprintf(stderr, "parcours plot: %s: %s (expected a run directory, written by parcours run)\n",
                dir, found ? "not a directory" : strerror(errno));
        return CLI_BAD_INPUT;
    }
    if (!has_a_chart_input(dir)) {
        fprintf(stderr,
                "parcours plot: %s holds none of the files the charts read (occupancy.csv,\n"
                "waiting.csv, census.csv, blocked.csv, public_space_by_hour.csv); run first, e.g.\n"
                "  parcours run --out %s\n"
                "(in a compare directory, plot one scenario's folder; in a sweep, a point's\n"
                "folder, points/NNNN)\n",
                dir, dir);
        return CLI_BAD_INPUT;
    }
    if (!plot_have_program("gnuplot")) {
        fprintf(stderr,
                "parcours plot: gnuplot is not installed (Debian: apt-get install gnuplot-nox);\n"
                "nothing was drawn, the CSV files in %s are untouched.\n",
                dir);
        return CLI_FAILURE;
    }
    char script[4096];
    if (plot_script_path("all.sh", script, sizeof script) != 0) {
        fprintf(stderr,
                "parcours plot: cannot find the plot scripts (%s/plot/all.sh);\n"
                "set PARCOURS_SCRIPTS to the scripts directory of the parcours sources.\n",
                plot_scripts_dir());
        return CLI_FAILURE;
    }
    char *args[] = {"sh", script, (char *)dir, (char *)format, NULL};
    int st = plot_spawn(NULL, args);
    if (st != 0) {
        fprintf(stderr, "parcours plot: %s failed (status %d); the CSV files in %s are untouched.\n", script, st,
                dir);
        return CLI_FAILURE;
    }
    printf("written: charts in %s/\n", dir);
    return CLI_OK;
}
