/* The edge of the engine without sockets: DNS cookies (RFC 7873 5.2 cases,
 * RFC 9018 cookies that verify, rotation) and response rate limiting
 * (classes, slip, BADCOOKIE, exempt networks, cookies exempt, TCP never
 * limited) over tests/data/zones/answer.test.zone, on a clock the test
 * moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
#include "answer/stats.h"
#include "conf/conf.h"
#include "dns/cookie.h"
#include "dns/name.h"
#include "limit/secret.h"
#include "test_dns_msg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_answer_fixture.h"

static st_conf_t *conf;
static st_cookie_secret_t *secret;
static uint64_t now_ns = 1000000000;

static uint64_t test_clock(void)
{
	return now_ns;
}

static int setup(void **state)
{
	(void)state;
	st_diag_t diag;
	if (fx_load("answer.test.", "answer.test.zone") < 0 || fx_ready() < 0)
		return -1;
	conf = st_conf_new();
	if (!conf || st_cookie_secret_open(NULL, &secret, &diag) < 0)
		return -1;
	conf->rrl = (st_conf_rrl_t){.enabled = false,
				    .rate = 5,
				    .slip = 2,
				    .ipv4_prefix = 24,
				    .ipv6_prefix = 56,
				    .table_size = 1024};
	view.conf = conf;
	view.rrl_share = 1;
	st_answer_ctx_clock(ctx, test_clock);
	return 0;
}

static int teardown_all(void **state)
{
	st_cookie_secret_free(secret);
	st_conf_free(conf);
	return teardown(state);
}

/* Each test starts with cookies on, no limiting, a fresh clock second. */
static int reset(void **state)
{
	(void)state;
	view.cookies = secret;
	conf->rrl.enabled = false;
	conf->rrl.n_exempt = 0;
	now_ns += 10 * 1000000000ull;
	return 0;
}

static st_sockaddr_t client(const char *ip)
{
	st_sockaddr_t sa;
	assert_int_equal(st_sockaddr_parse(ip, 53000, &sa), 0);
	return sa;
}

/* A query with EDNS and, when cookie_len > 0, a COOKIE option. */
static void cookie_query(msg_t *m, const char *name, const uint8_t *cookie, size_t cookie_len)
{
	uint8_t o[64];
	size_t n = 0;
	if (cookie_len) {
		o[0] = 0;
		o[1] = ST_EDNS_OPT_COOKIE;
		o[2] = 0;
		o[3] = (uint8_t)cookie_len;
		memcpy(o + 4, cookie, cookie_len);
		n = 4 + cookie_len;
	}
	header(m, 0xbeef, 0, 1, 0, 0, 1);
	question(m, name, ST_TYPE_A);
	opt(m, 1232, 0, false, o, n);
}

/* What came back: rcode (extended included), flags, counts, the COOKIE. */
typedef struct reply {
	size_t len;
	unsigned rcode;
	bool tc;
	unsigned an, ns, ar;
	uint8_t cookie[40];
	size_t cookie_len;
} reply_t;

static reply_t send_q(const msg_t *m, const char *ip, st_transport_t transport)
{
	st_sockaddr_t sa = client(ip);
	reply_t r;
	memset(&r, 0, sizeof(r));
	r.len = st_answer(ctx, &view, m->b, m->len, &sa, transport, out,
			  transport == ST_TRANSPORT_TCP ? sizeof(out) : 4096);
	if (r.len == 0)
		return r;
	assert_int_equal(st_get16(out), 0xbeef);
	r.rcode = out[3] & 0x0f;
	r.tc = (out[2] & ST_FLAG1_TC) != 0;
	r.an = st_get16(out + 6);
	r.ns = st_get16(out + 8);
	r.ar = st_get16(out + 10);
	size_t pos = ST_DNS_HEADER_LEN;
	for (unsigned i = 0; i < st_get16(out + 4); i++) {
		assert_int_equal(st_name_skip(out, r.len, &pos), 0);
		pos += 4;
	}
	for (unsigned i = 0; i < r.an + r.ns + r.ar; i++) {
		assert_int_equal(st_name_skip(out, r.len, &pos), 0);
		uint16_t type = st_get16(out + pos);
		size_t rdlen = st_get16(out + pos + 8);
		if (type == ST_TYPE_OPT) {
			r.rcode |= (unsigned)out[pos + 4] << 4;
			for (size_t o = pos + 10; o + 4 <= pos + 10 + rdlen;) {
				size_t olen = st_get16(out + o + 2);
				if (st_get16(out + o) == ST_EDNS_OPT_COOKIE) {
					assert_true(olen <= sizeof(r.cookie));
					memcpy(r.cookie, out + o + 4, olen);
					r.cookie_len = olen;
				}
				o += 4 + olen;
			}
		}
		pos += 10 + rdlen;
	}
	assert_int_equal(pos, r.len);
	return r;
}

static const uint8_t cc[8] = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};

/* The server cookie in r verifies for cc from ip under the current secret. */
static void verifies(const reply_t *r, const char *ip)
{
	uint8_t cur[16], prev[16], addr[4];
	st_cookie_secret_get(secret, cur, prev);
	inet_pton(AF_INET, ip, addr);
	assert_int_equal(r->cookie_len, 24);
	assert_memory_equal(r->cookie, cc, 8);
	assert_int_not_equal(
	    st_cookie_check(cur, cc, r->cookie + 8, 16, addr, 4, (uint32_t)time(NULL)),
	    ST_COOKIE_INVALID);
}

static uint64_t seen(unsigned kind)
{
	return st_stat_get(&st_answer_ctx_stats(ctx)->cookies[kind]);
}

/* RFC 7873 5.2.3: a client cookie alone gets a normal answer with both. */
static void test_client_cookie(void **state)
{
	(void)state;
	msg_t m;
	uint64_t before = seen(ST_COOKIE_SEEN_CLIENT);
	cookie_query(&m, "www.answer.test.", cc, 8);
	reply_t r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(r.an, 1);
	verifies(&r, "192.0.2.1");
	assert_int_equal(seen(ST_COOKIE_SEEN_CLIENT), before + 1);

	/* 5.2.5: the cookie it got is valid on the next query and comes back
	 * as it is (young); over TCP too. */
	uint8_t full[24];
	memcpy(full, r.cookie, 24);
	before = seen(ST_COOKIE_SEEN_VALID);
	cookie_query(&m, "www.answer.test.", full, 24);
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(r.cookie_len, 24);
	assert_memory_equal(r.cookie, full, 24);
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_TCP);
	assert_memory_equal(r.cookie, full, 24);
	assert_int_equal(seen(ST_COOKIE_SEEN_VALID), before + 2);

	/* From another address it is not valid: a fresh one comes back. */
	before = seen(ST_COOKIE_SEEN_INVALID);
	r = send_q(&m, "192.0.2.2", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(r.an, 1);
	verifies(&r, "192.0.2.2");
	assert_memory_not_equal(r.cookie, full, 24);
	assert_int_equal(seen(ST_COOKIE_SEEN_INVALID), before + 1);
}

/* 5.2.4: a wrong server cookie is answered as if there were none, with a
 * fresh one; errors (REFUSED here) carry the cookie too. */
static void test_wrong_server_cookie(void **state)
{
	(void)state;
	uint8_t bad[24];
	memcpy(bad, cc, 8);
	memset(bad + 8, 0x5a, 16);
	bad[8] = 1;
	msg_t m;
	cookie_query(&m, "www.answer.test.", bad, 24);
	reply_t r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(r.an, 1);
	verifies(&r, "192.0.2.1");
	/* Server cookies of other lengths (8..32) are not ours either. */
	cookie_query(&m, "www.answer.test.", bad, 16);
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	verifies(&r, "192.0.2.1");
	cookie_query(&m, "www.example.org.", cc, 8);
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_REFUSED);
	verifies(&r, "192.0.2.1");
}

/* 5.4: a query with no question and a cookie learns a server cookie. */
static void test_no_question(void **state)
{
	(void)state;
	uint8_t o[12] = {0, ST_EDNS_OPT_COOKIE, 0, 8};
	memcpy(o + 4, cc, 8);
	msg_t m;
	header(&m, 0xbeef, 0, 0, 0, 0, 1);
	opt(&m, 1232, 0, false, o, sizeof(o));
	reply_t r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(st_get16(out + 4), 0);
	assert_int_equal(r.an + r.ns, 0);
	verifies(&r, "192.0.2.1");
	/* With the server cookie just given: NOERROR, the same cookie back. */
	uint8_t full[28] = {0, ST_EDNS_OPT_COOKIE, 0, 24};
	memcpy(full + 4, r.cookie, 24);
	header(&m, 0xbeef, 0, 0, 0, 0, 1);
	opt(&m, 1232, 0, false, full, sizeof(full));
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_memory_equal(r.cookie, full + 4, 24);
	/* With a server cookie that is not ours: BADCOOKIE and a fresh one. */
	full[4 + 8] ^= 0xff;
	header(&m, 0xbeef, 0, 0, 0, 0, 1);
	opt(&m, 1232, 0, false, full, sizeof(full));
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_BADCOOKIE);
	assert_int_equal(st_get16(out + 4), 0);
	assert_int_equal(r.an + r.ns, 0);
	verifies(&r, "192.0.2.1");
	assert_memory_not_equal(r.cookie, full + 4, 24);
	/* Without a cookie, or with cookies off, it is still FORMERR. */
	header(&m, 0xbeef, 0, 0, 0, 0, 1);
	opt(&m, 1232, 0, false, NULL, 0);
	assert_int_equal(send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP).rcode, ST_RCODE_FORMERR);
	view.cookies = NULL;
	header(&m, 0xbeef, 0, 0, 0, 0, 1);
	opt(&m, 1232, 0, false, o, sizeof(o));
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_FORMERR);
	assert_int_equal(r.cookie_len, 0);
}

/* 5.2.2: a COOKIE option of a length not allowed is FORMERR, no cookie. */
static void test_malformed_cookie(void **state)
{
	(void)state;
	uint8_t junk[41] = {0};
	const size_t lens[] = {1, 7, 9, 15, 41};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		msg_t m;
		cookie_query(&m, "www.answer.test.", junk, lens[i]);
		reply_t r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
		assert_int_equal(r.rcode, ST_RCODE_FORMERR);
		assert_int_equal(r.cookie_len, 0);
	}
	/* Cookies off: the option is ignored. */
	view.cookies = NULL;
	msg_t m;
	cookie_query(&m, "www.answer.test.", cc, 8);
	reply_t r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(r.cookie_len, 0);
}

/* A rotation keeps the previous secret's cookies valid; the next one ends
 * them. */
static void test_rotation(void **state)
{
	(void)state;
	st_diag_t diag;
	msg_t m;
	cookie_query(&m, "www.answer.test.", cc, 8);
	reply_t r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	uint8_t full[24];
	memcpy(full, r.cookie, 24);
	assert_int_equal(st_cookie_secret_rotate(secret, &diag), 0);
	uint64_t valid = seen(ST_COOKIE_SEEN_VALID);
	cookie_query(&m, "www.answer.test.", full, 24);
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(seen(ST_COOKIE_SEEN_VALID), valid + 1);
	assert_memory_equal(r.cookie, full, 24);
	assert_int_equal(st_cookie_secret_rotate(secret, &diag), 0);
	uint64_t invalid = seen(ST_COOKIE_SEEN_INVALID);
	r = send_q(&m, "192.0.2.1", ST_TRANSPORT_UDP);
	assert_int_equal(seen(ST_COOKIE_SEEN_INVALID), invalid + 1);
	assert_memory_not_equal(r.cookie, full, 24);
	verifies(&r, "192.0.2.1");
}

static reply_t ask_udp(const char *name, const char *ip)
{
	msg_t m;
	header(&m, 0xbeef, 0, 1, 0, 0, 0);
	question(&m, name, ST_TYPE_A);
	return send_q(&m, ip, ST_TRANSPORT_UDP);
}

/* A burst of `rate`, then every 2nd limited answer slips (TC, no records)
 * and the others are dropped; a second later there is room again. Another
 * network, TCP and exempt networks are untouched. */
static void test_rrl(void **state)
{
	(void)state;
	conf->rrl.enabled = true;
	const st_rrl_counters_t *rc = &st_answer_ctx_stats(ctx)->rrl;
	uint64_t limited = rc->limited, slipped = rc->slipped;
	for (int i = 0; i < 5; i++)
		assert_int_equal(ask_udp("www.answer.test.", "198.51.100.7").an, 1);
	reply_t r = ask_udp("www.answer.test.", "198.51.100.9");
	assert_int_equal(r.len, 0);
	r = ask_udp("www.answer.test.", "198.51.100.7");
	assert_true(r.len > 0 && r.tc);
	assert_int_equal(r.an + r.ns + r.ar, 0);
	assert_int_equal(r.rcode, ST_RCODE_NOERROR);
	assert_int_equal(ask_udp("www.answer.test.", "198.51.100.7").len, 0);
	assert_int_equal(rc->limited, limited + 3);
	assert_int_equal(rc->slipped, slipped + 1);
	/* Other names, another network, TCP: answered. */
	assert_int_equal(ask_udp("mail.answer.test.", "198.51.100.7").an, 1);
	assert_int_equal(ask_udp("www.answer.test.", "198.51.101.7").an, 1);
	msg_t m;
	header(&m, 0xbeef, 0, 1, 0, 0, 0);
	question(&m, "www.answer.test.", ST_TYPE_A);
	assert_int_equal(send_q(&m, "198.51.100.7", ST_TRANSPORT_TCP).an, 1);
	/* 200 ms at 5/s is one more answer. */
	now_ns += 200000000;
	assert_int_equal(ask_udp("www.answer.test.", "198.51.100.7").an, 1);
	assert_true(ask_udp("www.answer.test.", "198.51.100.7").tc);
	/* An exempt network is never limited. */
	st_prefix_t ex;
	assert_int_equal(st_prefix_parse("198.51.100.0/24", false, &ex), 0);
	conf->rrl.exempt = &ex;
	conf->rrl.n_exempt = 1;
	for (int i = 0; i < 20; i++)
		assert_int_equal(ask_udp("www.answer.test.", "198.51.100.7").an, 1);
	conf->rrl.exempt = NULL;
	conf->rrl.n_exempt = 0;
}

/* NXDOMAIN counts per zone, wildcard answers per wildcard, errors per
 * network whatever the name. */
static void test_rrl_classes(void **state)
{
	(void)state;
	conf->rrl.enabled = true;
	char name[64];
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "nx%d.answer.test.", i);
		assert_int_equal(ask_udp(name, "203.0.113.1").rcode, ST_RCODE_NXDOMAIN);
	}
	assert_int_equal(ask_udp("nx-other.answer.test.", "203.0.113.1").len, 0);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "w%d.wild.answer.test.", i);
		assert_int_equal(ask_udp(name, "203.0.113.1").an, 1);
	}
	assert_int_equal(ask_udp("other.wild.answer.test.", "203.0.113.1").len, 0);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "host%d.example.org.", i);
		assert_int_equal(ask_udp(name, "203.0.113.1").rcode, ST_RCODE_REFUSED);
	}
	assert_int_equal(ask_udp("elsewhere.example.net.", "203.0.113.1").len, 0);
	/* A referral counts per delegation point. */
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "h%d.sub.answer.test.", i);
		reply_t r = ask_udp(name, "203.0.113.1");
		assert_true(r.ns > 0 && r.an == 0);
	}
	assert_int_equal(ask_udp("x.sub.answer.test.", "203.0.113.1").len, 0);
	/* The positive answers of the same network are their own buckets. */
	assert_int_equal(ask_udp("www.answer.test.", "203.0.113.1").an, 1);
}

/* A client with a valid server cookie is not limited; one with a client
 * cookie alone gets BADCOOKIE and a fresh cookie where others get TC. */
static void test_rrl_cookies(void **state)
{
	(void)state;
	conf->rrl.enabled = true;
	msg_t m;
	cookie_query(&m, "www.answer.test.", cc, 8);
	reply_t r = send_q(&m, "192.0.2.77", ST_TRANSPORT_UDP);
	uint8_t full[24];
	memcpy(full, r.cookie, 24);
	cookie_query(&m, "www.answer.test.", full, 24);
	for (int i = 0; i < 50; i++)
		assert_int_equal(send_q(&m, "192.0.2.77", ST_TRANSPORT_UDP).an, 1);
	/* Without the server cookie the network is over its rate (the first
	 * query above counted): a drop, then BADCOOKIE with a cookie. */
	cookie_query(&m, "www.answer.test.", cc, 8);
	unsigned answered = 0, dropped = 0, badcookie = 0;
	for (int i = 0; i < 10; i++) {
		r = send_q(&m, "192.0.2.77", ST_TRANSPORT_UDP);
		if (r.len == 0) {
			dropped++;
		} else if (r.rcode == ST_RCODE_BADCOOKIE) {
			badcookie++;
			assert_false(r.tc);
			assert_int_equal(r.an, 0);
			verifies(&r, "192.0.2.77");
		} else {
			answered++;
		}
	}
	assert_int_equal(answered, 4);
	assert_int_equal(dropped, 3);
	assert_int_equal(badcookie, 3);
	assert_true(st_stat_get(&st_answer_ctx_stats(ctx)->rcode[ST_STATS_RCODE_BADCOOKIE]) >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_client_cookie, reset),
	    cmocka_unit_test_setup(test_wrong_server_cookie, reset),
	    cmocka_unit_test_setup(test_malformed_cookie, reset),
	    cmocka_unit_test_setup(test_no_question, reset),
	    cmocka_unit_test_setup(test_rotation, reset),
	    cmocka_unit_test_setup(test_rrl, reset),
	    cmocka_unit_test_setup(test_rrl_classes, reset),
	    cmocka_unit_test_setup(test_rrl_cookies, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown_all);
}
