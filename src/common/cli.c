/* Shared command-line handling of the three programs. */
#include "config.h"
#include "common/cli.h"

#include <getopt.h>

int st_cli_exit(int opt, const char *prog, void (*usage)(FILE *f))
{
	if (opt == 'V') {
		printf("%s %s\n", prog, PACKAGE_VERSION);
		return 0;
	}
	if (opt == 'h') {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return ST_EXIT_USAGE;
}

int st_cli_no_args(int argc, char **argv, const char *prog, void (*usage)(FILE *f))
{
	if (optind >= argc)
		return 0;
	fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
	if (usage)
		usage(stderr);
	return ST_EXIT_USAGE;
}

int st_cli_log_init(const char *prog, const char *level_opt, st_log_level_t *level)
{
	*level = ST_LOG_INFO;
	if (level_opt && st_log_level_parse(level_opt, level) != 0) {
		fprintf(stderr, "%s: --log-level: unknown level '%s'\n", prog, level_opt);
		return ST_EXIT_USAGE;
	}
	st_log_init(prog, *level, false);
	return 0;
}
