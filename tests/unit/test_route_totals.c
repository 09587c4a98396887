/* Routed-answer counts by name across reloads: a retired view's counts go
 * to the names of its config, whatever index they have in the next one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "server/totals.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Regions r1, r2 (and r0 first when `moved`); endpoints named after them,
 * "new" between a and b when `moved`. */
static st_conf_t *make_conf(bool moved)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "regions:\n%s"
		 "  r1:\n    endpoints:\n      a: { address: 192.0.2.1 }\n"
		 "%s"
		 "      b: { address: 192.0.2.2 }\n"
		 "  r2:\n    endpoints:\n      c: { address: 192.0.2.3 }\n",
		 moved ? "  r0:\n    endpoints:\n      z: { address: 192.0.2.9 }\n" : "",
		 moved ? "      new: { address: 192.0.2.4 }\n" : "");
	st_conf_t *conf = NULL;
	st_diag_t diag;
	int rc = st_conf_load_text("totals.yaml", text, strlen(text), &conf, &diag);
	if (rc < 0)
		fail_msg("%s", diag.text);
	return conf;
}

static uint64_t ep(const st_conf_t *conf, const st_answer_stats_t *s, const char *name)
{
	uint32_t i = st_conf_endpoint_index(conf, name);
	assert_true(i < conf->n_endpoints);
	return s->route_endpoint[i];
}

static uint64_t rg(const st_conf_t *conf, const st_answer_stats_t *s, const char *name)
{
	uint32_t i = st_conf_region_index(conf, name);
	assert_true(i < conf->n_regions);
	return s->route_region[i];
}

static void set_ep(const st_conf_t *conf, st_route_counts_t *c, const char *name, uint64_t n)
{
	c->endpoint[st_conf_endpoint_index(conf, name)] = n;
}

static void test_follows_names(void **state)
{
	st_conf_t *before = make_conf(false), *after = make_conf(true);
	st_route_counts_t *c = calloc(1, sizeof(*c));
	st_answer_stats_t *s = calloc(1, sizeof(*s));
	st_route_totals_t *t = st_route_totals_new();
	assert_non_null(c);
	assert_non_null(s);
	assert_non_null(t);
	/* The two configs really put the names at other indices. */
	assert_int_not_equal(st_conf_endpoint_index(before, "a"),
			     st_conf_endpoint_index(after, "a"));
	assert_int_not_equal(st_conf_region_index(before, "r1"), st_conf_region_index(after, "r1"));

	assert_int_equal(st_route_totals_reserve(t, before), 0);
	/* First view: a 5, b 7, c 11. */
	set_ep(before, c, "a", 5);
	set_ep(before, c, "b", 7);
	set_ep(before, c, "c", 11);
	c->region[st_conf_region_index(before, "r1")] = 12;
	c->region[st_conf_region_index(before, "r2")] = 11;
	assert_int_equal(st_route_totals_reserve(t, after), 0);
	st_route_totals_fold(t, before, c);

	/* Read with the next config: each name keeps its count. */
	st_route_totals_get(t, after, s);
	assert_int_equal(ep(after, s, "a"), 5);
	assert_int_equal(ep(after, s, "b"), 7);
	assert_int_equal(ep(after, s, "c"), 11);
	assert_int_equal(ep(after, s, "z"), 0);
	assert_int_equal(ep(after, s, "new"), 0);
	assert_int_equal(rg(after, s, "r0"), 0);
	assert_int_equal(rg(after, s, "r1"), 12);
	assert_int_equal(rg(after, s, "r2"), 11);

	/* Second view (indices of `after`): one more answer each. */
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < after->n_endpoints; i++)
		c->endpoint[i] = 1;
	assert_int_equal(st_route_totals_reserve(t, before), 0);
	st_route_totals_fold(t, after, c);

	/* Back to the first config: the names that stayed continue, "new"
	 * and "z" are not shown but kept. */
	memset(s, 0, sizeof(*s));
	st_route_totals_get(t, before, s);
	assert_int_equal(ep(before, s, "a"), 6);
	assert_int_equal(ep(before, s, "b"), 8);
	assert_int_equal(ep(before, s, "c"), 12);
	assert_int_equal(rg(before, s, "r1"), 12);
	memset(s, 0, sizeof(*s));
	st_route_totals_get(t, after, s);
	assert_int_equal(ep(after, s, "new"), 1);
	assert_int_equal(ep(after, s, "z"), 1);

	st_route_totals_free(t);
	st_route_totals_free(NULL);
	free(c);
	free(s);
	st_conf_free(before);
	st_conf_free(after);
}

/* Many names: the table grows and finds each. */
static void test_many_names(void **state)
{
	char *text = malloc(1 << 20);
	assert_non_null(text);
	size_t o = (size_t)sprintf(text, "regions:\n  r:\n    endpoints:\n");
	for (int i = 0; i < 1000; i++)
		o += (size_t)sprintf(text + o, "      e%d: { address: \"2001:db8::%x\" }\n", i,
				     i + 1);
	st_conf_t *conf = NULL;
	st_diag_t diag;
	if (st_conf_load_text("many.yaml", text, o, &conf, &diag) < 0)
		fail_msg("%s", diag.text);
	free(text);
	st_route_totals_t *t = st_route_totals_new();
	st_route_counts_t *c = calloc(1, sizeof(*c));
	st_answer_stats_t *s = calloc(1, sizeof(*s));
	assert_int_equal(st_route_totals_reserve(t, conf), 0);
	for (size_t i = 0; i < conf->n_endpoints; i++)
		c->endpoint[i] = i + 1;
	st_route_totals_fold(t, conf, c);
	st_route_totals_fold(t, conf, c);
	st_route_totals_get(t, conf, s);
	for (size_t i = 0; i < conf->n_endpoints; i++)
		assert_int_equal(s->route_endpoint[i], 2 * (i + 1));
	st_route_totals_free(t);
	free(c);
	free(s);
	st_conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_follows_names),
	    cmocka_unit_test(test_many_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
