/* Command lines read through an option table (st_cli_options): values,
 * flags, repeatable options up to their bound, --name only options,
 * options in order or among the words, and the options every program has. */
#include "config.h"

#include "common/cli.h"

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define MAX_ZONES 2

static const char *config, *level, *zones[MAX_ZONES];
static size_t n_zones;
static bool check;

static void usage(FILE *f)
{
	fprintf(f, "usage: prog [-c FILE] [--zone Z]... [--check] [--log-level L]\n");
}

/* argv from the words (NULL-ended), read afresh as a program's would be. */
static int run(bool in_order, const char **words)
{
	static char *argv[16];
	int argc = 0;
	argv[argc++] = "prog";
	for (; *words; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	config = level = NULL;
	memset(zones, 0, sizeof(zones));
	n_zones = 0;
	check = false;
	optind = 0; /* getopt starts over */
	const st_cli_opt_t opts[] = {
	    {"config", 'c', .arg = &config},
	    {"zone", 'z', .list = zones, .n = &n_zones, .max = MAX_ZONES},
	    {"check", 0, .flag = &check},
	    {"log-level", 0, .arg = &level},
	    {NULL},
	};
	return st_cli_options(argc, argv, "prog", opts, in_order, usage);
}

static void test_values_and_flags(void **state)
{
	const char *w[] = {"-c",       "a.yaml",  "--zone",	 "x:x.zone", "-z",
			   "y:y.zone", "--check", "--log-level", "debug",    NULL};
	assert_int_equal(run(false, w), -1);
	assert_string_equal(config, "a.yaml");
	assert_int_equal(n_zones, 2);
	assert_string_equal(zones[0], "x:x.zone");
	assert_string_equal(zones[1], "y:y.zone");
	assert_true(check);
	assert_string_equal(level, "debug");
}

static void test_last_value_wins(void **state)
{
	const char *w[] = {"--config=a.yaml", "-c", "b.yaml", NULL};
	assert_int_equal(run(false, w), -1);
	assert_string_equal(config, "b.yaml");
}

static void test_repeatable_bound(void **state)
{
	const char *w[] = {"-z", "a", "-z", "b", "-z", "c", NULL};
	assert_int_equal(run(false, w), ST_EXIT_USAGE);
	assert_int_equal(n_zones, MAX_ZONES);
}

/* A --name only option has no letter: "-" and any letter getopt does not
 * know is refused, whatever value 256 + index it is read by. */
static void test_long_only(void **state)
{
	const char *w[] = {"--check", NULL};
	assert_int_equal(run(false, w), -1);
	assert_true(check);
	const char *bad[] = {"-x", NULL};
	assert_int_equal(run(false, bad), ST_EXIT_USAGE);
	const char *missing[] = {"--log-level", NULL};
	assert_int_equal(run(false, missing), ST_EXIT_USAGE);
}

static void test_version_and_help(void **state)
{
	const char *v[] = {"--version", NULL};
	assert_int_equal(run(false, v), 0);
	const char *h[] = {"-h", NULL};
	assert_int_equal(run(false, h), 0);
	const char *unknown[] = {"--bogus", NULL};
	assert_int_equal(run(false, unknown), ST_EXIT_USAGE);
}

/* In order, the options end at the first other word (a command and its
 * own options); otherwise options may follow words. */
static void test_order(void **state)
{
	const char *w[] = {"-c", "a.yaml", "dial", "r", "5", "--check", NULL};
	assert_int_equal(run(true, w), -1);
	assert_false(check);
	assert_int_equal(optind, 3);
	assert_int_equal(run(false, w), -1);
	assert_true(check);
	assert_int_equal(optind, 4); /* the words, moved after the options */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_and_flags), cmocka_unit_test(test_last_value_wins),
	    cmocka_unit_test(test_repeatable_bound), cmocka_unit_test(test_long_only),
	    cmocka_unit_test(test_version_and_help), cmocka_unit_test(test_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
