/* census.c -- a small strict CSV reader for census files (no quoting:
 * stage ids and attribute values never contain commas). */
#include "app/census.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLUMNS (3 + SIM_MAX_ATTRS)

static int split(char *line, char **cells, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line;; p++) {
        if (n == max)
            return max + 1;
        cells[n++] = p;
        p += strcspn(p, ",");
        if (*p == '\0')
            break;
        *p = '\0';
    }
    return n;
}

static int value_of(const model_attribute *a, const char *v)
{
    for (int i = 0; i < a->n_values; i++)
        if (strcmp(a->values[i], v) == 0)
            return i;
    return -1;
}

/* Problems listed before the reader stops: enough to see a pattern (a
 * wrong column, a stage renamed) without flooding the terminal with a
 * line per person of a large census. */
#define MAX_PROBLEMS 20

/* Reads one line into buf; 0 at the end of the file, -1 when the line
 * does not fit (the rest of it is skipped). */
static int read_line(FILE *f, char *buf, int size)
{
    if (fgets(buf, size, f) == NULL)
        return 0;
    if (strchr(buf, '\n') == NULL && !feof(f)) {
        int c;
        while ((c = getc(f)) != EOF && c != '\n')
            ;
        return -1;
    }
    return 1;
}

int census_load(const char *path, model_spec *spec, diag *d)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        diag_add(d, "", "cannot read the census: %s", strerror(errno));
        return -1;
    }
    char line[4096], where[64];
    char *cells[MAX_COLUMNS + 1];
    int attr_of_col[MAX_COLUMNS];
    int before = diag_count(d), ncol = 0;
    long lineno = 1, n = 0, cap = 0;
    model_person *people = NULL;
    long *per_stage = calloc((size_t)spec->n_stages + 1, sizeof *per_stage);
    if (per_stage == NULL) {
        diag_add(d, "", "cannot read the census: out of memory");
        fclose(f);
        return -1;
    }
    int got = read_line(f, line, sizeof line);
    if (got <= 0) {
        diag_add(d, "line 1", got == 0 ? "empty file (expected a header stage,days,ready[,attributes...])"
                                       : "line too long (expected a header stage,days,ready[,attributes...])");
        goto fail;
    }
    /* A spreadsheet's "CSV UTF-8" export starts with a byte order mark. */
    char *header = strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? line + 3 : line;
    ncol = split(header, cells, MAX_COLUMNS);
    if (ncol < 3 || ncol > MAX_COLUMNS || strcmp(cells[0], "stage") || strcmp(cells[1], "days") ||
        strcmp(cells[2], "ready")) {
        diag_add(d, "line 1", "expected a header starting with stage,days,ready (then attribute ids)");
        goto fail;
    }
    for (int c = 3; c < ncol; c++) {
        attr_of_col[c] = -1;
        for (int a = 0; a < spec->n_attributes; a++)
            if (strcmp(spec->attributes[a].id, cells[c]) == 0)
                attr_of_col[c] = a;
        if (attr_of_col[c] < 0)
            diag_add(d, "line 1", "unknown attribute column \"%.40s\" (expected an attribute id of the scenario)", cells[c]);
    }
    if (diag_count(d) > before)
        goto fail;
    while ((got = read_line(f, line, sizeof line)) != 0) {
        lineno++;
        if (diag_count(d) - before >= MAX_PROBLEMS) {
            diag_add(d, "", "stopped at line %ld after %d problems; correct those first", lineno, MAX_PROBLEMS);
            break;
        }
        snprintf(where, sizeof where, "line %ld", lineno);
        if (got < 0) {
            diag_add(d, where, "line too long (expected at most %d characters)", (int)sizeof line - 2);
            continue;
        }
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;
        if (split(line, cells, MAX_COLUMNS) != ncol) {
            diag_add(d, where, "expected %d columns as in the header", ncol);
            continue;
        }
        if (n == cap) {
            long c2 = cap ? 2 * cap : 256;
            model_person *p = realloc(people, (size_t)c2 * sizeof *p);
            if (p == NULL) {
                diag_add(d, where, "out of memory");
                break;
            }
            people = p;
            cap = c2;
        }
        model_person *p = &people[n];
        p->stage = model_spec_find_stage(spec, cells[0]);
        if (p->stage < 0 || (spec->stages[p->stage].kind != MODEL_POOL && spec->stages[p->stage].kind != MODEL_SERVICE))
            diag_add(d, where, "column stage: expected the id of a pool or service stage, got \"%.40s\"", cells[0]);
        else
            per_stage[p->stage]++;
        char *end;
        p->elapsed = strtod(cells[1], &end);
        if (*cells[1] == '\0' || *end || !isfinite(p->elapsed) || p->elapsed < 0 || p->elapsed > 1e6)
            diag_add(d, where, "column days: expected a number of days >= 0, got \"%.40s\"", cells[1]);
        if (strcmp(cells[2], "0") && strcmp(cells[2], "1"))
            diag_add(d, where, "column ready: expected 0 or 1, got \"%.40s\"", cells[2]);
        p->ready = strcmp(cells[2], "1") == 0;
        for (int a = 0; a < SIM_MAX_ATTRS; a++)
            p->attr[a] = -1;
        for (int c = 3; c < ncol; c++) {
            if (cells[c][0] == '\0')
                continue;
            const model_attribute *at = &spec->attributes[attr_of_col[c]];
            p->attr[attr_of_col[c]] = value_of(at, cells[c]);
            if (p->attr[attr_of_col[c]] < 0)
                diag_add(d, where, "column %s: unknown value \"%.40s\"", at->id, cells[c]);
        }
        n++;
    }
    for (int s = 0; s < spec->n_stages; s++) {
        const sim_schedule *cap_s = spec->stages[s].capacity;
        if (cap_s && per_stage[s] > sim_schedule_value(cap_s, 0.0))
            diag_add(d, "", "%ld people listed in %s, above its capacity at the start (expected at most %g)",
                     per_stage[s], spec->stages[s].id, sim_schedule_value(cap_s, 0.0));
    }
    if (n == 0 && diag_count(d) == before)
        diag_add(d, "", "no person listed (expected one row per person)");
    if (diag_count(d) > before)
        goto fail;
    fclose(f);
    free(per_stage);
    free(spec->people);
    spec->people = people;
    spec->n_people = n;
    return 0;
fail:
    fclose(f);
    free(per_stage);
    free(people);
    return -1;
}
