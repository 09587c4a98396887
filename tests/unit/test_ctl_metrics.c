/* Prometheus exposition helpers: HELP/TYPE lines, label value escaping,
 * rcode labels; routed-answer counters that stay with their names across
 * reloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "metrics/metrics.h"
#include "metrics/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_header(void **state)
{
	st_buf_t b;
	st_buf_init(&b);
	st_prom_header(&b, "steerdns_x_total", "counter", "Things.");
	assert_string_equal(b.data, "# HELP steerdns_x_total Things.\n"
				    "# TYPE steerdns_x_total counter\n");
	st_buf_free(&b);
}

static void test_label_escape(void **state)
{
	st_buf_t b;
	st_buf_init(&b);
	st_prom_label_value(&b, "a\"b\\c\nd");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\"");
	st_buf_reset(&b);
	st_prom_label_value(&b, "");
	assert_string_equal(b.data, "\"\"");
	st_buf_free(&b);
}

static void test_rcode_label(void **state)
{
	char buf[16];
	assert_string_equal(st_rcode_label(0, buf, sizeof(buf)), "NOERROR");
	assert_string_equal(st_rcode_label(3, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(st_rcode_label(10, buf, sizeof(buf)), "NOTZONE");
	assert_string_equal(st_rcode_label(12, buf, sizeof(buf)), "RCODE12");
	assert_string_equal(st_rcode_label(ST_STATS_RCODE_BADVERS, buf, sizeof(buf)), "BADVERS");
}

/* Regions r1, r2 (and r0 first when `moved`); endpoints named after them. */
static st_conf_t *tally_conf(bool moved)
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
	int rc = st_conf_load_text("tally.yaml", text, strlen(text), &conf, &diag);
	if (rc < 0)
		fail_msg("%s", diag.text);
	return conf;
}

static void test_tally_follows_names(void **state)
{
	st_conf_t *before = tally_conf(false), *after = tally_conf(true);
	st_answer_stats_t *raw = calloc(1, sizeof(*raw)), *sum = calloc(1, sizeof(*sum));
	st_route_tally_t *t = st_route_tally_new();
	assert_non_null(raw);
	assert_non_null(sum);
	assert_non_null(t);

	/* before: r1 = {a, b}, r2 = {c}: a 5, b 7, c 11 */
	raw->route_endpoint[0] = 5, raw->route_endpoint[1] = 7, raw->route_endpoint[2] = 11;
	raw->route_region[0] = 12, raw->route_region[1] = 11;
	assert_int_equal(st_route_tally_rebase(t, before, after, raw), 0);
	/* after: r0 = {z}, r1 = {a, new, b}, r2 = {c}; one more answer each */
	for (int i = 0; i < 5; i++)
		raw->route_endpoint[i]++;
	for (int i = 0; i < 3; i++)
		raw->route_region[i]++;
	*sum = *raw;
	st_route_tally_apply(t, sum);
	uint64_t want_ep[] = {1, 6, 1, 8, 12}; /* z a new b c */
	for (int i = 0; i < 5; i++)
		assert_int_equal(sum->route_endpoint[i], want_ep[i]);
	uint64_t want_rg[] = {1, 13, 12}; /* r0 r1 r2 */
	for (int i = 0; i < 3; i++)
		assert_int_equal(sum->route_region[i], want_rg[i]);

	/* back to the first config: every name continues where it was */
	assert_int_equal(st_route_tally_rebase(t, after, before, raw), 0);
	raw->route_endpoint[0] += 2;
	*sum = *raw;
	st_route_tally_apply(t, sum);
	assert_int_equal(sum->route_endpoint[0], 8);  /* a */
	assert_int_equal(sum->route_endpoint[1], 8);  /* b */
	assert_int_equal(sum->route_endpoint[2], 12); /* c */
	assert_int_equal(sum->route_region[0], 13);
	assert_int_equal(sum->route_region[1], 12);

	/* a reload that moves nothing leaves the counts alone */
	assert_int_equal(st_route_tally_rebase(t, before, before, raw), 0);
	*sum = *raw;
	st_route_tally_apply(t, sum);
	assert_int_equal(sum->route_endpoint[0], 8);

	st_route_tally_free(t);
	free(raw);
	free(sum);
	st_conf_free(before);
	st_conf_free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_label_escape),
	    cmocka_unit_test(test_rcode_label),
	    cmocka_unit_test(test_tally_follows_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
