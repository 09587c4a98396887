/* The fleet's pure parts: the quorum rule, the JSON of views and member
 * records, etcd's key encoding (base64, prefix ends), key shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/base64.h"
#include "fleet/etcd.h"
#include "fleet/quorum.h"
#include "fleet/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static st_quorum_t q(const char *s)
{
	st_quorum_t out;
	assert_int_equal(st_quorum_parse(s, &out), 0);
	return out;
}

static void test_quorum_majority(void **state)
{
	st_quorum_t m = q("majority");
	/* no voter: no opinion */
	assert_int_equal(st_quorum_decide(&m, 0, 0), ST_HEALTH_UNKNOWN);
	/* one voter decides alone */
	assert_int_equal(st_quorum_decide(&m, 1, 1), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&m, 0, 1), ST_HEALTH_DOWN);
	/* two: a tie keeps it up, both down moves it */
	assert_int_equal(st_quorum_decide(&m, 1, 2), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&m, 0, 2), ST_HEALTH_DOWN);
	/* three: one partitioned vantage point is outvoted; two are not */
	assert_int_equal(st_quorum_decide(&m, 2, 3), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&m, 1, 3), ST_HEALTH_DOWN);
	/* four: 2-2 keeps it up, 1-3 moves it */
	assert_int_equal(st_quorum_decide(&m, 2, 4), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&m, 1, 4), ST_HEALTH_DOWN);
	for (uint32_t v = 1; v <= 50; v++)
		for (uint32_t up = 0; up <= v; up++) {
			bool down_majority = (v - up) * 2 > v;
			assert_int_equal(st_quorum_decide(&m, up, v),
					 down_majority ? ST_HEALTH_DOWN : ST_HEALTH_UP);
		}
}

static void test_quorum_count(void **state)
{
	st_quorum_t two = q("2");
	assert_int_equal(st_quorum_needed(&two, 5), 2);
	assert_int_equal(st_quorum_decide(&two, 2, 5), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&two, 1, 5), ST_HEALTH_DOWN);
	/* fewer voters than N: all of them must see it up, never more than
	 * there are (a dead vantage point must not take everything down) */
	assert_int_equal(st_quorum_needed(&two, 1), 1);
	assert_int_equal(st_quorum_decide(&two, 1, 1), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&two, 0, 1), ST_HEALTH_DOWN);
	assert_int_equal(st_quorum_decide(&two, 0, 0), ST_HEALTH_UNKNOWN);
}

static void test_quorum_percent(void **state)
{
	/* Route 53: more than 18 % of the checkers */
	st_quorum_t r53 = q("18%");
	assert_int_equal(st_quorum_needed(&r53, 3), 1);
	assert_int_equal(st_quorum_needed(&r53, 15), 3); /* 2.7 -> 3 */
	assert_int_equal(st_quorum_decide(&r53, 1, 3), ST_HEALTH_UP);
	assert_int_equal(st_quorum_decide(&r53, 0, 3), ST_HEALTH_DOWN);
	st_quorum_t half = q("50%");
	assert_int_equal(st_quorum_needed(&half, 4), 2);
	assert_int_equal(st_quorum_needed(&half, 3), 2);
	assert_int_equal(st_quorum_needed(&half, 1), 1);
	st_quorum_t all = q("100%");
	assert_int_equal(st_quorum_decide(&all, 2, 3), ST_HEALTH_DOWN);
	assert_int_equal(st_quorum_decide(&all, 3, 3), ST_HEALTH_UP);
	st_quorum_t one = q("1%");
	assert_int_equal(st_quorum_needed(&one, 1000), 10);
	assert_int_equal(st_quorum_needed(&one, 3), 1);
}

static void test_obs_json(void **state)
{
	st_fleet_obs_t o = {.state = ST_HEALTH_DOWN, .rtt_us = 1234, .since_ms = 1733500000123ULL};
	snprintf(o.error, sizeof(o.error), "http 503 from \"127.0.0.1:8080\"\n\\");
	char *j = st_fleet_obs_encode(&o);
	assert_non_null(j);
	assert_string_equal(j, "{\"state\":\"down\",\"rtt_us\":1234,\"since\":1733500000123,"
			       "\"error\":\"http 503 from \\\"127.0.0.1:8080\\\"\\n\\\\\"}");
	st_fleet_obs_t back;
	st_diag_t diag;
	assert_int_equal(st_fleet_obs_decode(j, strlen(j), &back, &diag), 0);
	assert_int_equal(back.state, ST_HEALTH_DOWN);
	assert_int_equal(back.rtt_us, 1234);
	assert_int_equal(back.since_ms, 1733500000123ULL);
	assert_string_equal(back.error, o.error);
	free(j);

	/* up, no error: no "error" member */
	st_fleet_obs_t up = {.state = ST_HEALTH_UP, .rtt_us = 0, .since_ms = 5};
	j = st_fleet_obs_encode(&up);
	assert_string_equal(j, "{\"state\":\"up\",\"rtt_us\":0,\"since\":5}");
	free(j);

	/* newer writers may add members */
	const char *newer = "{\"state\":\"up\",\"rtt_us\":7,\"since\":9,\"weight\":3}";
	assert_int_equal(st_fleet_obs_decode(newer, strlen(newer), &back, &diag), 0);
	assert_int_equal(back.rtt_us, 7);

	/* a long error is cut, not overflowing */
	char longjson[400];
	snprintf(longjson, sizeof(longjson), "{\"state\":\"down\",\"error\":\"%0200d\"}", 0);
	assert_int_equal(st_fleet_obs_decode(longjson, strlen(longjson), &back, &diag), 0);
	assert_int_equal(strlen(back.error), sizeof(back.error) - 1);

	/* a message cut in the middle of a character (a probe's text is cut
	 * to fit) or with a byte that is not UTF-8 is still published: the
	 * state must reach the fleet */
	st_fleet_obs_t cut = {.state = ST_HEALTH_DOWN, .since_ms = 1};
	snprintf(cut.error, sizeof(cut.error), "body lacks \"gr\xc3\xb6\xc3\" \xff end");
	j = st_fleet_obs_encode(&cut);
	assert_non_null(j);
	assert_int_equal(st_fleet_obs_decode(j, strlen(j), &back, &diag), 0);
	assert_int_equal(back.state, ST_HEALTH_DOWN);
	assert_string_equal(back.error, "body lacks \"gr\xc3\xb6?\" ? end");
	free(j);
	/* a long error with multi-byte characters is cut between characters */
	snprintf(longjson, sizeof(longjson), "{\"state\":\"down\",\"error\":\"a");
	for (int i = 0; i < 60; i++)
		strcat(longjson, "\xc3\xa9");
	strcat(longjson, "\"}");
	assert_int_equal(st_fleet_obs_decode(longjson, strlen(longjson), &back, &diag), 0);
	assert_int_equal(strlen(back.error), sizeof(back.error) - 1); /* "a" and 47 of 2 bytes */
	assert_int_equal((unsigned char)back.error[strlen(back.error) - 1], 0xa9);

	const char *bad[] = {
	    "",
	    "[]",
	    "{}",
	    "{\"state\":\"unknown\"}",
	    "{\"state\":\"UP\"}",
	    "{\"state\":1}",
	    "{\"state\":\"up\",\"rtt_us\":-1}",
	    "{\"state\":\"up\",\"rtt_us\":4294967296}",
	    "{\"state\":\"up\",\"rtt_us\":\"5\"}",
	    "{\"state\":\"up\",\"since\":1.5}",
	    "{\"state\":\"up\",\"error\":5}",
	    "{\"state\":\"up\",\"state\":\"down\"}",
	    "{\"state\":\"up\"",
	    "{\"state\":\"up\"} x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st_diag_clear(&diag);
		assert_int_equal(st_fleet_obs_decode(bad[i], strlen(bad[i]), &back, &diag),
				 ST_EPARSE);
		assert_true(diag.text[0] != '\0');
	}
	/* not NUL-terminated input: only len bytes are read */
	const char trunc[] = "{\"state\":\"up\"}garbage";
	assert_int_equal(st_fleet_obs_decode(trunc, 14, &back, &diag), 0);
}

static void test_member_json(void **state)
{
	st_fleet_member_t m = {.started_ms = 1733500000000ULL, .generation = 3, .endpoints = 12};
	snprintf(m.version, sizeof(m.version), "0.1.0");
	snprintf(m.config, sizeof(m.config), "sha256:00112233445566778899aabbccddeeff");
	char *j = st_fleet_member_encode(&m);
	assert_non_null(j);
	st_fleet_member_t back;
	st_diag_t diag;
	assert_int_equal(st_fleet_member_decode(j, strlen(j), &back, &diag), 0);
	assert_string_equal(back.version, "0.1.0");
	assert_string_equal(back.config, m.config);
	assert_int_equal(back.started_ms, m.started_ms);
	assert_int_equal(back.generation, 3);
	assert_int_equal(back.endpoints, 12);
	free(j);
	const char *bad = "{\"version\":1}";
	assert_int_equal(st_fleet_member_decode(bad, strlen(bad), &back, &diag), ST_EPARSE);
}

static void test_names_and_keys(void **state)
{
	assert_true(st_fleet_name_valid("use1"));
	assert_true(st_fleet_name_valid("site-2.example_a"));
	assert_false(st_fleet_name_valid(""));
	assert_false(st_fleet_name_valid("a/b"));
	assert_false(st_fleet_name_valid("a b"));
	char big[80];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(st_fleet_name_valid(big));

	char v[64];
	const char *ep;
	assert_true(st_fleet_view_key_split("use1/web-a", v, sizeof(v), &ep));
	assert_string_equal(v, "use1");
	assert_string_equal(ep, "web-a");
	/* the endpoint part is whatever follows the first slash */
	assert_true(st_fleet_view_key_split("use1/a/b", v, sizeof(v), &ep));
	assert_string_equal(ep, "a/b");
	assert_false(st_fleet_view_key_split("use1", v, sizeof(v), &ep));
	assert_false(st_fleet_view_key_split("use1/", v, sizeof(v), &ep));
	assert_false(st_fleet_view_key_split("/web", v, sizeof(v), &ep));
	assert_false(st_fleet_view_key_split("u se/web", v, sizeof(v), &ep));
}

static void test_prefix_end(void **state)
{
	char out[16];
	assert_int_equal(st_etcd_prefix_end("/steerdns/", 10, out), 10);
	assert_memory_equal(out, "/steerdns0", 10);
	assert_int_equal(st_etcd_prefix_end("a\xff", 2, out), 1);
	assert_memory_equal(out, "b", 1);
	/* all 0xff: to the end of the key space, which etcd writes as "\0" */
	assert_int_equal(st_etcd_prefix_end("\xff\xff", 2, out), 1);
	assert_int_equal(out[0], 0);
}

static void test_base64(void **state)
{
	/* RFC 4648 section 10 */
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char enc[16];
	unsigned char dec[16];
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(st_base64_encode(in[i], strlen(in[i]), enc), strlen(out[i]));
		assert_string_equal(enc, out[i]);
		assert_int_equal(st_base64_encoded_len(strlen(in[i])), strlen(out[i]));
		long n = st_base64_decode(out[i], strlen(out[i]), dec);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(dec, in[i], (size_t)n);
	}
	/* every byte value */
	unsigned char all[256], back[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	char *e = malloc(st_base64_encoded_len(256) + 1);
	st_base64_encode(all, 256, e);
	assert_int_equal(st_base64_decode(e, strlen(e), back), 256);
	assert_memory_equal(all, back, 256);
	free(e);
	/* white space is skipped (TSIG secrets are written over lines) */
	assert_int_equal(st_base64_decode("Zm9v\nYmFy ", 10, dec), 6);
	const char *bad[] = {"Zg=", "Z", "Zm9", "Z===", "Zg==Zg==", "Zm9v!", "Zg=a", "=Zg="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(st_base64_decode(bad[i], strlen(bad[i]), dec), ST_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quorum_majority),
	    cmocka_unit_test(test_quorum_count),  cmocka_unit_test(test_quorum_percent),
	    cmocka_unit_test(test_obs_json),	  cmocka_unit_test(test_member_json),
	    cmocka_unit_test(test_names_and_keys),
	    cmocka_unit_test(test_prefix_end),	  cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
