/* Response rate limiting (token buckets by network, class and name; slip;
 * exempt networks; a bounded table that keeps the state of limited
 * clients) and the cookie secret (file, rotation, lock-free readers). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "limit/rrl.h"
#include "limit/secret.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MS(ms) ((uint64_t)(ms)*1000000u)

static const uint8_t zone[] = "\7example\4test";
static const uint8_t www[] = "\3www\7example\4test";

static st_conf_rrl_t conf_rate(uint32_t rate, uint32_t slip)
{
	return (st_conf_rrl_t){.enabled = true,
			       .rate = rate,
			       .slip = slip,
			       .ipv4_prefix = 24,
			       .ipv6_prefix = 56,
			       .table_size = 1024};
}

static st_rrl_resp_t resp_v4(const char *ip, st_rrl_class_t cls, const uint8_t *name)
{
	static uint8_t addr[8][16];
	static unsigned next;
	uint8_t *a = addr[next++ % 8];
	assert_int_equal(inet_pton(AF_INET, ip, a), 1);
	return (st_rrl_resp_t){.addr = a,
			       .addr_len = 4,
			       .cls = cls,
			       .name = name,
			       .name_len = name ? strlen((const char *)name) + 1 : 0,
			       .qtype = 1};
}

/* A burst of `rate`, then nothing until time passes; every 2nd limited one slips. */
static void test_burst_and_slip(void **state)
{
	(void)state;
	st_rrl_counters_t rc = {0};
	st_rrl_t *t = st_rrl_new(1024, 1, &rc);
	st_conf_rrl_t c = conf_rate(10, 2);
	st_rrl_resp_t r = resp_v4("192.0.2.1", ST_RRL_ANSWER, www);
	uint64_t now = 5000;
	for (int i = 0; i < 10; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now)), ST_RRL_SEND);
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now)), ST_RRL_DROP);
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now)), ST_RRL_SLIP);
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now)), ST_RRL_DROP);
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now)), ST_RRL_SLIP);
	/* 100 ms at 10/s is one more response. */
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now + 100)), ST_RRL_SEND);
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now + 100)), ST_RRL_DROP);
	st_rrl_counters_t s;
	memset(&s, 0, sizeof(s));
	st_rrl_counters_add(&s, &rc);
	assert_int_equal(s.limited, 5);
	assert_int_equal(s.slipped, 2);
	assert_int_equal(s.dropped, 3);
	assert_int_equal(s.entered, 1);
	assert_int_equal(s.used, 1);
	assert_int_equal(s.size, 1024);
	char buf[64];
	st_prefix_t last;
	st_rrl_class_t cls;
	assert_true(st_rrl_last(&s, &last, &cls));
	st_prefix_str(&last, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.0/24");
	assert_int_equal(cls, ST_RRL_ANSWER);
	/* A second later the bucket is full again. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(now + 1200)), ST_RRL_SEND);
	st_rrl_free(t);
}

/* A flood at ten times the rate for five seconds: what gets through is the
 * rate plus one burst, plus the slips. */
static void test_sustained_flood(void **state)
{
	(void)state;
	st_rrl_counters_t rc = {0};
	st_rrl_t *t = st_rrl_new(1024, 2, &rc);
	st_conf_rrl_t c = conf_rate(100, 3);
	st_rrl_resp_t flood = resp_v4("198.51.100.7", ST_RRL_ANSWER, www);
	st_rrl_resp_t other = resp_v4("198.51.101.7", ST_RRL_ANSWER, www);
	unsigned sent = 0, slipped = 0, dropped = 0, other_sent = 0;
	for (uint64_t ms = 0; ms < 5000; ms++) {
		for (int i = 0; i < 1; i++) {
			switch (st_rrl_account(t, &c, 1, &flood, MS(100000 + ms))) {
			case ST_RRL_SEND:
				sent++;
				break;
			case ST_RRL_SLIP:
				slipped++;
				break;
			case ST_RRL_DROP:
				dropped++;
				break;
			}
		}
		/* 1000/s from one network, ten times the rate. */
		if (ms % 20 == 0)
			other_sent +=
			    st_rrl_account(t, &c, 1, &other, MS(100000 + ms)) == ST_RRL_SEND;
	}
	assert_true(sent <= 100 * 5 + 100);
	assert_true(sent >= 100 * 5);
	assert_int_equal(slipped, (5000 - sent) / 3);
	assert_int_equal(slipped + dropped + sent, 5000);
	/* The other network (50/s) gets everything. */
	assert_int_equal(other_sent, 250);
	st_rrl_free(t);
}

/* What shares a bucket and what does not. */
static void test_buckets(void **state)
{
	(void)state;
	st_rrl_counters_t rc = {0};
	st_rrl_t *t = st_rrl_new(1024, 3, &rc);
	st_conf_rrl_t c = conf_rate(1, 0);
	const uint64_t now = 1000;
	/* One /24: the second address shares the first one's bucket. */
	st_rrl_resp_t a = resp_v4("203.0.113.1", ST_RRL_ANSWER, www);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_SEND);
	a = resp_v4("203.0.113.200", ST_RRL_ANSWER, www);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_DROP);
	/* Another type, another class: other buckets. */
	a.qtype = 28;
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_SEND);
	a = resp_v4("203.0.113.1", ST_RRL_NODATA, www);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_SEND);
	a.qtype = 16; /* NODATA is per name whatever the type */
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_DROP);
	/* NXDOMAIN is per zone: the caller names the zone for every query. */
	a = resp_v4("203.0.113.1", ST_RRL_NXDOMAIN, zone);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_SEND);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_DROP);
	/* Errors ignore the name. */
	a = resp_v4("203.0.113.1", ST_RRL_ERROR, www);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_SEND);
	a = resp_v4("203.0.113.1", ST_RRL_ERROR, zone);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_DROP);
	a = resp_v4("203.0.113.1", ST_RRL_ERROR, NULL);
	assert_int_equal(st_rrl_account(t, &c, 1, &a, MS(now)), ST_RRL_DROP);
	/* IPv6: one /56. */
	uint8_t v6[16];
	inet_pton(AF_INET6, "2001:db8:0:1200::1", v6);
	st_rrl_resp_t b = {.addr = v6,
			   .addr_len = 16,
			   .cls = ST_RRL_REFERRAL,
			   .name = www,
			   .name_len = sizeof(www)};
	assert_int_equal(st_rrl_account(t, &c, 1, &b, MS(now)), ST_RRL_SEND);
	inet_pton(AF_INET6, "2001:db8:0:12ff:ffff::1", v6);
	assert_int_equal(st_rrl_account(t, &c, 1, &b, MS(now)), ST_RRL_DROP);
	inet_pton(AF_INET6, "2001:db8:0:1300::1", v6);
	assert_int_equal(st_rrl_account(t, &c, 1, &b, MS(now)), ST_RRL_SEND);
	st_rrl_free(t);
}

static void test_exempt_and_slip_modes(void **state)
{
	(void)state;
	st_rrl_counters_t rc = {0};
	st_rrl_t *t = st_rrl_new(64, 4, &rc);
	st_prefix_t ex[2];
	assert_int_equal(st_prefix_parse("10.0.0.0/8", false, &ex[0]), 0);
	assert_int_equal(st_prefix_parse("2001:db8::1", true, &ex[1]), 0);
	st_conf_rrl_t c = conf_rate(1, 1);
	c.exempt = ex;
	c.n_exempt = 2;
	st_rrl_resp_t r = resp_v4("10.9.8.7", ST_RRL_ANSWER, www);
	for (int i = 0; i < 100; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(7)), ST_RRL_SEND);
	uint8_t v6[16];
	inet_pton(AF_INET6, "2001:db8::1", v6);
	st_rrl_resp_t r6 = {.addr = v6, .addr_len = 16, .cls = ST_RRL_ERROR};
	for (int i = 0; i < 100; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &r6, MS(7)), ST_RRL_SEND);
	st_rrl_counters_t s = {0};
	st_rrl_counters_add(&s, &rc);
	assert_int_equal(s.used, 0);
	/* slip 1: every limited response slips; slip 0: none does. */
	r = resp_v4("11.9.8.7", ST_RRL_ANSWER, www);
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(7)), ST_RRL_SEND);
	for (int i = 0; i < 5; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(7)), ST_RRL_SLIP);
	c.slip = 0;
	for (int i = 0; i < 5; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(7)), ST_RRL_DROP);
	/* Off (rate 0) and non-IP clients: always sent. */
	c.rate = 0;
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(7)), ST_RRL_SEND);
	c.rate = 1;
	r.addr_len = 0;
	assert_int_equal(st_rrl_account(t, &c, 1, &r, MS(7)), ST_RRL_SEND);
	assert_int_equal(st_rrl_account(NULL, &c, 1, &r, MS(7)), ST_RRL_SEND);
	st_rrl_free(t);
}

/* Each of `share` tables allows rate / share, at least a response a second
 * over all of them. */
static void test_share(void **state)
{
	(void)state;
	st_rrl_counters_t rc = {0};
	st_rrl_t *t = st_rrl_new(64, 5, &rc);
	st_conf_rrl_t c = conf_rate(10, 0);
	st_rrl_resp_t r = resp_v4("192.0.2.1", ST_RRL_ANSWER, www);
	unsigned sent = 0;
	for (uint64_t ms = 0; ms < 10000; ms++)
		sent += st_rrl_account(t, &c, 4, &r, MS(ms)) == ST_RRL_SEND;
	/* 2.5 per second for 10 s, plus the first burst (2.5). */
	assert_true(sent >= 25 && sent <= 28);
	c.rate = 1;
	r = resp_v4("192.0.3.1", ST_RRL_ANSWER, www);
	sent = 0;
	for (uint64_t ms = 0; ms < 20000; ms++)
		sent += st_rrl_account(t, &c, 4, &r, MS(ms)) == ST_RRL_SEND;
	assert_true(sent >= 5 && sent <= 7);
	st_rrl_free(t);
}

/* A table never grows, and a flood of new keys does not push out the
 * bucket of a client being limited. */
static void test_bounded(void **state)
{
	(void)state;
	st_rrl_counters_t rc = {0};
	st_rrl_t *t = st_rrl_new(100, 6, &rc);
	assert_int_equal(st_rrl_size(t), 128);
	st_conf_rrl_t c = conf_rate(5, 0);
	st_rrl_resp_t flood = resp_v4("192.0.2.1", ST_RRL_ANSWER, www);
	uint8_t flood_addr[4] = {192, 0, 2, 1};
	flood.addr = flood_addr; /* resp_v4() reuses its buffers */
	for (int i = 0; i < 5; i++)
		assert_int_equal(st_rrl_account(t, &c, 1, &flood, MS(50)), ST_RRL_SEND);
	assert_int_equal(st_rrl_account(t, &c, 1, &flood, MS(50)), ST_RRL_DROP);
	for (unsigned i = 0; i < 100000; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.%u.%u.1", (i >> 8) & 255, i & 255);
		st_rrl_resp_t r = resp_v4(ip, ST_RRL_ANSWER, www);
		r.qtype = (uint16_t)(i >> 16);
		st_rrl_account(t, &c, 1, &r, MS(50));
		if (i % 1000 == 0)
			assert_int_equal(st_rrl_account(t, &c, 1, &flood, MS(50)), ST_RRL_DROP);
	}
	assert_int_equal(st_rrl_account(t, &c, 1, &flood, MS(50)), ST_RRL_DROP);
	st_rrl_counters_t s = {0};
	st_rrl_counters_add(&s, &rc);
	assert_int_equal(s.used, 128);
	assert_true(s.evicted > 0);
	/* The counters outlive the table; its gauges go with it. */
	st_rrl_free(t);
	memset(&s, 0, sizeof(s));
	st_rrl_counters_add(&s, &rc);
	assert_int_equal(s.used, 0);
	assert_int_equal(s.size, 0);
	assert_true(s.evicted > 0 && s.limited > 0);
}

static void test_prefix(void **state)
{
	(void)state;
	st_prefix_t p;
	char buf[64];
	assert_int_equal(st_prefix_parse("192.0.2.0/24", false, &p), 0);
	st_prefix_str(&p, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.0/24");
	assert_int_equal(st_prefix_parse("192.0.2.1/24", false, &p), ST_ERANGE);
	assert_int_equal(st_prefix_parse("192.0.2.1", false, &p), ST_EINVAL);
	assert_int_equal(st_prefix_parse("192.0.2.1", true, &p), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(st_prefix_parse("192.0.2.0/33", false, &p), ST_EINVAL);
	assert_int_equal(st_prefix_parse("192.0.2.0/", false, &p), ST_EINVAL);
	assert_int_equal(st_prefix_parse("192.0.2.0/2x", false, &p), ST_EINVAL);
	assert_int_equal(st_prefix_parse("::/0", false, &p), 0);
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff};
	assert_true(st_prefix_match(&p, a, 16));
	assert_false(st_prefix_match(&p, a, 4));
	assert_int_equal(st_prefix_parse("2001:db8:fe00::/39", false, &p), 0);
	assert_true(st_prefix_match(&p, a, 16));
	a[4] = 0xfe;
	assert_true(st_prefix_match(&p, a, 16));
	a[4] = 0xfc;
	assert_false(st_prefix_match(&p, a, 16));
	assert_int_equal(st_prefix_parse("2001:db8:fe00::/38", false, &p), ST_ERANGE);
	assert_int_equal(st_prefix_parse("example.test/8", false, &p), ST_EINVAL);
}

static void test_class_names(void **state)
{
	(void)state;
	assert_string_equal(st_rrl_class_name(ST_RRL_ANSWER), "answer");
	assert_string_equal(st_rrl_class_name(ST_RRL_WILDCARD), "wildcard");
	assert_string_equal(st_rrl_class_name(ST_RRL_CLASSES), "unknown");
}

/* ---- the cookie secret ---- */

static char dir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/steer-test-limit.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_secret_memory(void **state)
{
	(void)state;
	st_cookie_secret_t *s;
	st_diag_t diag;
	assert_int_equal(st_cookie_secret_open(NULL, &s, &diag), 0);
	uint8_t cur[16], prev[16], cur2[16], zero[16] = {0};
	assert_false(st_cookie_secret_get(s, cur, prev));
	assert_memory_not_equal(cur, zero, 16);
	assert_null(st_cookie_secret_path(s));
	assert_int_equal(st_cookie_secret_rotate(s, &diag), 0);
	assert_true(st_cookie_secret_get(s, cur2, prev));
	assert_memory_equal(prev, cur, 16);
	assert_memory_not_equal(cur2, cur, 16);
	assert_true(st_cookie_secret_since(s) > 1600000000);
	st_cookie_secret_free(s);
	st_cookie_secret_free(NULL);
}

static void test_secret_file(void **state)
{
	(void)state;
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", dir, ST_COOKIE_SECRET_FILE);
	st_cookie_secret_t *s, *again;
	st_diag_t diag;
	uint8_t cur[16], prev[16], cur2[16], prev2[16];
	assert_int_equal(st_cookie_secret_open(path, &s, &diag), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	st_cookie_secret_get(s, cur, prev);
	/* A restart reads the same secret. */
	assert_int_equal(st_cookie_secret_open(path, &again, &diag), 0);
	assert_false(st_cookie_secret_get(again, cur2, prev2));
	assert_memory_equal(cur, cur2, 16);
	st_cookie_secret_free(again);
	/* A rotation is written before it applies. */
	assert_int_equal(st_cookie_secret_rotate(s, &diag), 0);
	assert_int_equal(st_cookie_secret_open(path, &again, &diag), 0);
	assert_true(st_cookie_secret_get(again, cur2, prev2));
	assert_memory_equal(prev2, cur, 16);
	st_cookie_secret_get(s, cur, prev);
	assert_memory_equal(cur2, cur, 16);
	st_cookie_secret_free(again);
	/* A rotation that cannot be written changes nothing. */
	char sub[400];
	snprintf(sub, sizeof(sub), "%s/gone/%s", dir, ST_COOKIE_SECRET_FILE);
	assert_int_equal(st_cookie_secret_open(sub, &again, &diag), -ENOENT);
	st_cookie_secret_free(s);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_secret_damaged(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"hello 1\n", ":1: not a steerd cookie secret file"},
	    {"steerd-cookie-secret 1\ncurrent 0011\n", ":2: current must be 32 hexadecimal"},
	    {"steerd-cookie-secret 1\nsince 12\n", "no 'current' secret"},
	    {"steerd-cookie-secret 1\ncurrent 000102030405060708090a0b0c0d0e0f\nkey x\n",
	     ":3: unknown key 'key'"},
	    {"steerd-cookie-secret 1\nprevious 000102030405060708090a0b0c0d0eZZ\n",
	     ":2: previous must be"},
	    {"steerd-cookie-secret 1\ncurrent 000102030405060708090a0b0c0d0e0f\nsince -1\n",
	     ":3: since must be seconds"},
	    {"steerd-cookie-secret 1\ncurrent 000102030405060708090a0b0c0d0e0f\nsince 1e9\n",
	     ":3: since must be seconds"},
	};
	char path[400];
	snprintf(path, sizeof(path), "%s/damaged", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i].text);
		st_cookie_secret_t *s = NULL;
		st_diag_t diag;
		assert_int_equal(st_cookie_secret_open(path, &s, &diag), ST_EPARSE);
		assert_null(s);
		if (!strstr(diag.text, bad[i].want))
			fail_msg("'%s' does not say '%s'", diag.text, bad[i].want);
	}
	write_file(path, "# comment\nsteerd-cookie-secret 1\n\n"
			 "current 000102030405060708090A0B0C0D0E0F\nsince 5\n");
	st_cookie_secret_t *s;
	st_diag_t diag;
	assert_int_equal(st_cookie_secret_open(path, &s, &diag), 0);
	uint8_t cur[16], prev[16];
	st_cookie_secret_get(s, cur, prev);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(cur[i], i);
	assert_int_equal(st_cookie_secret_since(s), 5);
	st_cookie_secret_free(s);
}

/* Readers racing rotations always see a current and previous secret that
 * were published together. */
#define ROTATIONS 3000
static uint8_t published[ROTATIONS + 1][16];
static atomic_int n_published;
static st_cookie_secret_t *racing;

static void *rotator(void *arg)
{
	(void)arg;
	st_diag_t diag;
	for (int i = 1; i <= ROTATIONS; i++) {
		assert_int_equal(st_cookie_secret_rotate(racing, &diag), 0);
		uint8_t prev[16];
		st_cookie_secret_get(racing, published[i], prev);
		atomic_store(&n_published, i);
	}
	return NULL;
}

static void test_secret_readers(void **state)
{
	(void)state;
	st_diag_t diag;
	assert_int_equal(st_cookie_secret_open(NULL, &racing, &diag), 0);
	uint8_t prev[16];
	st_cookie_secret_get(racing, published[0], prev);
	pthread_t tid;
	assert_int_equal(pthread_create(&tid, NULL, rotator, NULL), 0);
	unsigned checked = 0;
	while (atomic_load(&n_published) < ROTATIONS) {
		uint8_t cur[16];
		if (!st_cookie_secret_get(racing, cur, prev))
			continue;
		/* prev must be the cur of the version before cur's. */
		int n = atomic_load(&n_published);
		for (int i = 1; i <= n; i++) {
			if (memcmp(published[i], cur, 16) == 0) {
				assert_memory_equal(published[i - 1], prev, 16);
				checked++;
				break;
			}
		}
	}
	pthread_join(tid, NULL);
	/* And once after the last rotation (the rotator may finish before
	 * this thread ran at all). */
	uint8_t cur[16];
	assert_true(st_cookie_secret_get(racing, cur, prev));
	assert_memory_equal(cur, published[ROTATIONS], 16);
	assert_memory_equal(prev, published[ROTATIONS - 1], 16);
	st_cookie_secret_free(racing);
	(void)checked;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_and_slip), cmocka_unit_test(test_sustained_flood),
	    cmocka_unit_test(test_buckets),	   cmocka_unit_test(test_exempt_and_slip_modes),
	    cmocka_unit_test(test_share),	   cmocka_unit_test(test_bounded),
	    cmocka_unit_test(test_prefix),
	    cmocka_unit_test(test_class_names),	   cmocka_unit_test(test_secret_memory),
	    cmocka_unit_test(test_secret_file),	   cmocka_unit_test(test_secret_damaged),
	    cmocka_unit_test(test_secret_readers),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
