/* What the command lines of steerd, steercheck and steerctl share. */
#ifndef ST_COMMON_CLI_H
#define ST_COMMON_CLI_H

#include "common/log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ST_EXIT_USAGE 2

/* One option of a command line, described once: --name, and -key when key
 * is a letter (0: --name only). `arg` keeps its value (the last one
 * given), `list` collects every value (at most `max`, counted in *n),
 * `flag` is set when it is given. */
typedef struct st_cli_opt {
	const char *name;
	int key;
	const char **arg;
	bool *flag;
	const char **list;
	size_t *n, max;
} st_cli_opt_t;

/* Read argv's options through `opts` (ended by a NULL name), and the
 * options every program has (st_cli_exit). `in_order`: the options end at
 * the first other word (else they may follow words). Returns -1 when all
 * are read (optind is then the first other word), or the exit code: 0
 * after --version or --help, ST_EXIT_USAGE after a bad option or too many
 * of a repeatable one. */
int st_cli_options(int argc, char **argv, const char *prog, const st_cli_opt_t *opts, bool in_order,
		   void (*usage)(FILE *f));

/* The options every program has: -V/--version and -h/--help (exit 0),
 * and what getopt rejected (the usage on stderr). Returns the exit code. */
int st_cli_exit(int opt, const char *prog, void (*usage)(FILE *f));

/* Words left after the options: 0 when there are none, else ST_EXIT_USAGE
 * after saying so (and the usage, when given). */
int st_cli_no_args(int argc, char **argv, const char *prog, void (*usage)(FILE *f));

/* Start the logger (stderr) at the level of --log-level (NULL: info): 0,
 * or ST_EXIT_USAGE after saying the level is unknown. */
int st_cli_log_init(const char *prog, const char *level_opt, st_log_level_t *level);

#endif
