/* What the command lines of steerd, steercheck and steerctl share. */
#ifndef ST_COMMON_CLI_H
#define ST_COMMON_CLI_H

#include "common/log.h"

#include <stdio.h>

#define ST_EXIT_USAGE 2

/* The options every program has, from the default: case of its option
 * switch: -V/--version and -h/--help (exit 0) and what getopt rejected
 * (the usage on stderr). Returns the exit code. */
int st_cli_exit(int opt, const char *prog, void (*usage)(FILE *f));

/* Words left after the options: 0 when there are none, else ST_EXIT_USAGE
 * after saying so (and the usage, when given). */
int st_cli_no_args(int argc, char **argv, const char *prog, void (*usage)(FILE *f));

/* Start the logger (stderr) at the level of --log-level (NULL: info): 0,
 * or ST_EXIT_USAGE after saying the level is unknown. */
int st_cli_log_init(const char *prog, const char *level_opt, st_log_level_t *level);

#endif
