/* provenance.c -- content hashes and the provenance columns of CSV files. */
#include "app/provenance.h"

#include "app/csv.h"

#include <stdlib.h>
#include <string.h>

uint64_t provenance_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

void provenance_hash_text(uint64_t h, char buf[PROVENANCE_HASH_TEXT])
{
    snprintf(buf, PROVENANCE_HASH_TEXT, "fnv1a64:%016llx", (unsigned long long)h);
}

void provenance_seed_text(uint64_t seed, char buf[PROVENANCE_SEED_TEXT])
{
    snprintf(buf, PROVENANCE_SEED_TEXT, "%llu", (unsigned long long)seed);
}

void provenance_csv_header(FILE *f, int with_replications)
{
    fputs(with_replications ? ",scenario_hash,seed,replications,parcours_version,command"
                            : ",scenario_hash,seed,parcours_version,command", f);
}

/* The strings are written with stdio into a buffer allocated here, sized
 * for the worst case (fmemopen, not open_memstream: the caller frees what
 * malloc gave, which keeps allocation accounting and fault injection
 * exact). Returns the buffer, or NULL when out of memory. */
static FILE *open_text(size_t cap, char **buf)
{
    *buf = malloc(cap);
    FILE *f = *buf ? fmemopen(*buf, cap, "w") : NULL;
    if (f == NULL) {
        free(*buf);
        *buf = NULL;
    }
    return f;
}

static char *close_text(FILE *f, char *buf)
{
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *provenance_csv_cells(const provenance *p, long replications, int with_replications)
{
    char *buf, hash[PROVENANCE_HASH_TEXT];
    /* a quoted cell is at most twice as long, plus its quotes */
    FILE *f = open_text(96 + 2 * (strlen(p->version) + strlen(p->command)) + 8, &buf);
    if (f == NULL)
        return NULL;
    provenance_hash_text(p->scenario_hash, hash);
    fprintf(f, ",%s,%llu", hash, (unsigned long long)p->seed);
    if (with_replications)
        fprintf(f, ",%ld", replications);
    fputc(',', f);
    csv_field(f, p->version);
    fputc(',', f);
    csv_field(f, p->command);
    return close_text(f, buf);
}

static int drops_value(const char *a)
{
    return strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0;
}

static int drops_alone(const char *a)
{
    return strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0 || strcmp(a, "--dry-run") == 0;
}

/* An argument as a POSIX shell reads it back. */
static void put_shell_word(FILE *f, const char *a)
{
    if (*a && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-@%") == strlen(a)) {
        fputs(a, f);
        return;
    }
    fputc('\'', f);
    for (; *a; a++) {
        if (*a == '\'')
            fputs("'\\''", f);
        else
            fputc(*a, f);
    }
    fputc('\'', f);
}

char *provenance_command(const char *verb, int argc, char **argv)
{
    size_t cap = 16 + strlen(verb);
    for (int i = 0; i < argc; i++)
        cap += 4 * strlen(argv[i]) + 3;   /* each ' may become '\'' */
    char *buf;
    FILE *f = open_text(cap, &buf);
    if (f == NULL)
        return NULL;
    fprintf(f, "parcours %s", verb);
    for (int i = 0; i < argc; i++) {
        if (drops_value(argv[i])) {
            i++;
            continue;
        }
        if (drops_alone(argv[i]))
            continue;
        fputc(' ', f);
        put_shell_word(f, argv[i]);
    }
    return close_text(f, buf);
}
