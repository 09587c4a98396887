/* Shared command-line handling of the three programs. */
#include "config.h"
#include "common/cli.h"

#include <assert.h>
#include <getopt.h>
#include <string.h>

/* Options a program has at most, besides --version and --help. */
#define MAX_OPTS 16

int st_cli_options(int argc, char **argv, const char *prog, const st_cli_opt_t *opts, bool in_order,
		   void (*usage)(FILE *f))
{
	struct option lo[MAX_OPTS + 3];
	char shorts[1 + 2 * MAX_OPTS + sizeof("Vh")];
	size_t n = 0, k = 0;
	if (in_order)
		shorts[k++] = '+';
	for (; opts[n].name; n++) {
		assert(n < MAX_OPTS);
		const st_cli_opt_t *o = &opts[n];
		bool value = o->arg || o->list;
		/* getopt_long's value of a --name only option: past any letter */
		int key = o->key ? o->key : 256 + (int)n;
		lo[n] = (struct option){o->name, value ? required_argument : no_argument, NULL, key};
		if (!o->key)
			continue;
		shorts[k++] = (char)o->key;
		if (value)
			shorts[k++] = ':';
	}
	lo[n] = (struct option){"version", no_argument, NULL, 'V'};
	lo[n + 1] = (struct option){"help", no_argument, NULL, 'h'};
	lo[n + 2] = (struct option){NULL, 0, NULL, 0};
	memcpy(shorts + k, "Vh", sizeof("Vh"));
	int c;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		size_t i = 0;
		while (i < n && lo[i].val != c)
			i++;
		const st_cli_opt_t *o = &opts[i];
		if (i == n)
			return st_cli_exit(c, prog, usage);
		if (o->flag) {
			*o->flag = true;
		} else if (o->arg) {
			*o->arg = optarg;
		} else if (*o->n < o->max) {
			o->list[(*o->n)++] = optarg;
		} else {
			fprintf(stderr, "%s: at most %zu --%s options\n", prog, o->max, o->name);
			return ST_EXIT_USAGE;
		}
	}
	return -1;
}

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
