/* provenance.h -- what every output carries so that a figure in a report
 * can be traced to the run that made it and rerun: the parcours version,
 * the command line, the scenario's content hash, the seed and the number
 * of replications.
 *
 * JSON outputs have a "provenance" object. CSV outputs end every row with
 * the same columns (provenance_csv_header), so each file keeps its header
 * on the first line and one observation per row, and rows remember where
 * they came from when files of several runs are concatenated. */
#ifndef APP_PROVENANCE_H
#define APP_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct provenance {
    const char *version;
    const char *command;      /* provenance_command */
    uint64_t scenario_hash;   /* provenance_hash of the scenario's canonical JSON */
    uint64_t seed;
    long first_replication;
} provenance;

/* The command line "parcours VERB ARGS..." as provenance: the options that
 * cannot change the results (-o/--out, -j/--threads with their values,
 * -q/--quiet, --dry-run) are left out, so the same run writes the same
 * bytes wherever and however fast it runs; arguments a shell would split
 * are single-quoted, so the line can be pasted back. A string to free, or
 * NULL when out of memory. */
char *provenance_command(const char *verb, int argc, char **argv);

/* Content hashes are FNV-1a 64 over bytes, continued from h (start with
 * PROVENANCE_HASH_START): cheap, stable across machines, and enough to
 * tell two scenarios apart (this is not a defence against forgery). */
#define PROVENANCE_HASH_START 1469598103934665603ull
uint64_t provenance_hash(uint64_t h, const void *data, size_t len);

/* The hash as every output writes it: "fnv1a64:" and 16 hex digits. */
#define PROVENANCE_HASH_TEXT 25
void provenance_hash_text(uint64_t h, char buf[PROVENANCE_HASH_TEXT]);

/* The seed as JSON outputs write it: its decimal digits, raw. A seed near
 * 2^53 is a number cJSON would print with 15 significant digits, which
 * read back as a different seed. */
#define PROVENANCE_SEED_TEXT 21
void provenance_seed_text(uint64_t seed, char buf[PROVENANCE_SEED_TEXT]);

/* The CSV columns, for the end of a header line (starting with a comma):
 * scenario_hash,seed[,replications],parcours_version,command. A table with
 * a replications column of its own (sweep.csv) leaves it out here. */
void provenance_csv_header(FILE *f, int with_replications);

/* Their values for every row of a file, in the same order, starting with a
 * comma; a string to free, or NULL when out of memory. */
char *provenance_csv_cells(const provenance *p, long replications, int with_replications);

#endif
