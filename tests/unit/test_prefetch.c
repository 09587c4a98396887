/* Batch prefetching of zone lookups (st_answer_prefetch, st_zone_prefetch):
 * it finds the node st_zone_find finds, ends in a bounded number of steps,
 * and reads nothing outside a malformed or truncated query (run under ASan
 * in CI: every query here sits in a heap block of exactly its size). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
#include "common/errors.h"
#include "zone/zone.h"
#include "test_dns_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ST_TEST_SRCDIR
#define ST_TEST_SRCDIR "."
#endif

/* More steps than this would mean a walk that does not end. */
#define MAX_STEPS 8

static st_view_t view;
static st_zoneset_t *zones;
static const st_zone_t *zone;

static int setup(void **state)
{
	(void)state;
	st_diag_t diag;
	st_zone_t *z = NULL;
	char path[4096];
	const char *src = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer.test.zone",
		 src && *src ? src : ST_TEST_SRCDIR);
	if (st_zone_load("answer.test.", path, NULL, 0, &z, &diag) < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	zones = st_zoneset_new();
	if (!zones || st_zoneset_add(zones, z) < 0)
		return -1;
	zone = z;
	view.zones = zones;
	view.udp_max_payload = 1232;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	st_zoneset_free(zones);
	return 0;
}

/* Prefetch for the first len bytes of m, copied into a block of exactly
 * that size; returns the steps taken and the node the first step found. */
static unsigned run(const uint8_t *msg, size_t len, const st_node_t **node)
{
	uint8_t *b = malloc(len ? len : 1);
	assert_non_null(b);
	memcpy(b, msg, len);
	st_zone_pf_t pf;
	st_answer_prefetch(&view, b, len, &pf);
	unsigned steps = 0;
	*node = NULL;
	while (st_zone_prefetch_step(&pf)) {
		if (steps++ == 0)
			*node = pf.node;
		assert_true(steps < MAX_STEPS);
	}
	assert_false(st_zone_prefetch_step(&pf)); /* stays done */
	free(b);
	return steps;
}

/* Existing names in any case: the first step lands on the node that the
 * lookup returns; the walk then goes through name, RRsets and records. */
static void test_finds_the_node(void **state)
{
	(void)state;
	static const char *names[] = {"www.answer.test.", "WwW.AnSwEr.TeSt.",
				      "answer.test.",	  "ns1.answer.test.",
				      "alias.answer.test.", "mail.answer.test."};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		msg_t m;
		query(&m, names[i], ST_TYPE_A);
		uint8_t wire[ST_DNS_MAX_NAME];
		int n = st_name_from_str(names[i], wire, sizeof(wire));
		assert_true(n > 0);
		const st_node_t *want = st_zone_find(zone, wire, (size_t)n);
		assert_non_null(want);
		const st_node_t *got;
		unsigned steps = run(m.b, m.len, &got);
		assert_ptr_equal(got, want);
		assert_int_equal(steps, 2);
	}
}

/* A name that does not exist and a name outside every zone: a walk that
 * stops early, and no step at all. */
static void test_missing_names(void **state)
{
	(void)state;
	msg_t m;
	const st_node_t *got;
	query(&m, "nothing-here.answer.test.", ST_TYPE_A);
	assert_true(run(m.b, m.len, &got) <= 2);
	query(&m, "www.example.", ST_TYPE_A);
	assert_int_equal(run(m.b, m.len, &got), 0);
	assert_null(got);
}

/* Every prefix of a valid query, and messages that st_answer() refuses:
 * nothing prefetched from what is not a plain one-question QUERY. */
static void test_malformed(void **state)
{
	(void)state;
	msg_t m;
	const st_node_t *got;
	query(&m, "www.answer.test.", ST_TYPE_A);
	for (size_t len = 0; len < m.len; len++)
		run(m.b, len, &got);
	/* Without the class the question is incomplete. */
	assert_int_equal(run(m.b, m.len - 2, &got), 0);

	query(&m, "www.answer.test.", ST_TYPE_A);
	m.b[2] |= ST_FLAG1_QR;
	assert_int_equal(run(m.b, m.len, &got), 0);

	header(&m, 1, 0, 2, 0, 0, 0);
	question(&m, "www.answer.test.", ST_TYPE_A);
	question(&m, "www.answer.test.", ST_TYPE_A);
	assert_int_equal(run(m.b, m.len, &got), 0);

	/* A compressed question name. */
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 0xc0);
	put8(&m, 12);
	put16(&m, ST_TYPE_A);
	put16(&m, ST_CLASS_IN);
	assert_int_equal(run(m.b, m.len, &got), 0);

	/* Labels running past 255 bytes, then past the end of the message. */
	header(&m, 1, 0, 1, 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		put8(&m, 63);
		for (int k = 0; k < 63; k++)
			put8(&m, 'a');
	}
	put8(&m, 0);
	put16(&m, ST_TYPE_A);
	put16(&m, ST_CLASS_IN);
	assert_int_equal(run(m.b, m.len, &got), 0);
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 63);
	put8(&m, 'a');
	assert_int_equal(run(m.b, m.len, &got), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finds_the_node),
	    cmocka_unit_test(test_missing_names),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
