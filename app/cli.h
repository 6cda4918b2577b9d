/* cli.h -- the parcours command line. */
#ifndef APP_CLI_H
#define APP_CLI_H

#include <stdint.h>

#define PARCOURS_VERSION "0.1.0"

/* Exit statuses. */
enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_BAD_INPUT = 2 };

/* Runs the command in argv; returns the exit status. */
int cli_main(int argc, char **argv);

/* For every command's options. Prints "parcours CMD: " and fmt with arg,
 * then where to find help, on stderr; returns CLI_BAD_INPUT. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* A whole number within [lo, hi] into *out: 0, or -1 if text is NULL,
 * not a number or out of range. */
int cli_parse_long(const char *text, long lo, long hi, long *out);
/* The value of a --seed option (cmd's option opt) into *out: 0, or the
 * status of a usage error it printed. */
int cli_parse_seed(const char *cmd, const char *opt, const char *text, uint64_t *out);
/* The value of an -r option into *out, at least min (1, or 2 where a
 * confidence interval is needed): 0, or the status of a usage error. */
int cli_parse_replications(const char *cmd, const char *opt, const char *text, long min, long *out);

#endif
