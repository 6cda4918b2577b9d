/* cli.h -- the parcours command line. */
#ifndef APP_CLI_H
#define APP_CLI_H

#define PARCOURS_VERSION "0.1.0"

/* Exit statuses. */
enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_BAD_INPUT = 2 };

/* Runs the command in argv; returns the exit status. */
int cli_main(int argc, char **argv);

#endif
