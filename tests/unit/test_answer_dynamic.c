/* Dynamic RRsets through st_answer(): routing and health built from a
 * config with the public API, grafted into the engine's test zone. Client
 * location from ECS or the source address, ECS scope in the answer, NODATA
 * and SERVFAIL when everything is down, CNAME answers chased, counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
#include "answer/ask.h"
#include "answer/stats.h"
#include "dns/name.h"
#include "common/errors.h"
#include "conf/conf.h"
#include "health/health.h"
#include "route/route.h"
#include "zone/zone.h"
#include "test_dns_msg.h"
#include "test_pkt_text.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static st_conf_t *conf;
static st_route_t *route;
static st_health_t *health;
static st_view_t view;
static st_answer_ctx_t *ctx;
static uint8_t out[65535];
static size_t out_len;

static int setup(void **state)
{
	st_diag_t diag;
	char path[4096];
	const char *src = getenv("top_srcdir");
	src = src && *src ? src : ST_SRCDIR;
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer-dyn.yaml", src);
	if (st_conf_load(path, &conf, &diag) < 0 || st_route_new(conf, &route, &diag) < 0 ||
	    st_health_new(conf, &health, &diag) < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	size_t n = st_route_record_count(route);
	st_zone_dyn_t *dyn = calloc(n ? n : 1, sizeof(*dyn));
	for (size_t i = 0; i < n; i++) {
		st_route_record_info_t info;
		st_route_record_info(route, i, &info);
		dyn[i] = (st_zone_dyn_t){info.owner, info.owner_len, info.type,
					 info.ttl,   info.handle,    info.source};
	}
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer.test.zone", src);
	st_zone_t *zone;
	int ret = st_zone_load("answer.test.", path, dyn, n, &zone, &diag);
	free(dyn);
	if (ret < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	view.zones = st_zoneset_new();
	if (st_zoneset_add(view.zones, zone) < 0)
		return -1;
	view.route = route;
	view.health = health;
	view.udp_max_payload = 1232;
	ctx = st_answer_ctx_new(7);
	return ctx ? 0 : -1;
}

static int teardown(void **state)
{
	st_answer_ctx_free(ctx);
	st_zoneset_free(view.zones);
	st_health_free(health);
	st_route_free(route);
	st_conf_free(conf);
	return 0;
}

static void set_down(const char *endpoint, bool down)
{
	uint32_t i = st_conf_endpoint_index(conf, endpoint);
	assert_true(i < conf->n_endpoints);
	st_health_set_override(health, i, down ? ST_OVERRIDE_DOWN : ST_OVERRIDE_NONE);
}

/* Ask from a source address, optionally with an ECS option (source 0: none). */
static ldns_pkt *ask(const char *name, uint16_t type, const char *from, const char *subnet,
		     uint8_t source)
{
	msg_t m;
	st_sockaddr_t sa;
	memset(&sa, 0, sizeof(sa));
	if (strchr(from, ':')) {
		sa.u.in6.sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, from, &sa.u.in6.sin6_addr), 1);
		sa.len = sizeof(sa.u.in6);
	} else {
		sa.u.in4.sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, from, &sa.u.in4.sin_addr), 1);
		sa.len = sizeof(sa.u.in4);
	}
	header(&m, 0x4242, 0, 1, 0, 0, 1);
	question(&m, name, type);
	if (subnet) {
		uint8_t addr[16] = {0}, o[32];
		uint16_t family = strchr(subnet, ':') ? 2 : 1;
		assert_int_equal(inet_pton(family == 1 ? AF_INET : AF_INET6, subnet, addr), 1);
		size_t n = ecs(o, family, source, 0, addr, (source + 7u) / 8u);
		opt(&m, 1232, 0, false, o, n);
	} else {
		opt(&m, 1232, 0, false, NULL, 0);
	}
	out_len = st_answer(ctx, &view, m.b, m.len, &sa, ST_TRANSPORT_UDP, out, 1232);
	assert_true(out_len > 0);
	ldns_pkt *p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, out, out_len), LDNS_STATUS_OK);
	return p;
}


/* Find the ECS option in the response's OPT and return its scope, or -1. */
static int response_scope(void)
{
	for (size_t i = 12; i + 8 <= out_len; i++) {
		if (out[i] == 0 && out[i + 1] == 0 && out[i + 2] == 41) {
			size_t rd = i + 11;
			if (rd + 8 <= out_len && out[rd] == 0 && out[rd + 1] == 8)
				return out[rd + 7];
		}
	}
	return -1;
}

static void test_failover(void **state)
{
	ldns_pkt *p = ask("dyn.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(p));
	assert_string_equal(ANSWER(p), "dyn.answer.test. 20 IN A 192.0.2.11\n");
	ldns_pkt_free(p);
	p = ask("Dyn.Answer.Test.", ST_TYPE_AAAA, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "Dyn.Answer.Test. 20 IN AAAA 2001:db8::11\n");
	ldns_pkt_free(p);

	set_down("e1", true);
	p = ask("dyn.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "dyn.answer.test. 20 IN A 198.51.100.11\n");
	ldns_pkt_free(p);
	set_down("e1", false);
	p = ask("dyn.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "dyn.answer.test. 20 IN A 192.0.2.11\n");
	ldns_pkt_free(p);
}

static void test_family_nodata(void **state)
{
	/* Failed over to west, which has no IPv6 address: NODATA with the SOA. */
	set_down("e1", true);
	ldns_pkt *p = ask("dyn.answer.test.", ST_TYPE_AAAA, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(p));
	assert_string_equal(ANSWER(p), "");
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
	set_down("e1", false);
	/* A record with only A: AAAA is NODATA. */
	p = ask("west.answer.test.", ST_TYPE_AAAA, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "");
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
	/* Types the record does not have: NODATA too. */
	p = ask("dyn.answer.test.", ST_TYPE_MX, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "");
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
}

static void test_all_down(void **state)
{
	set_down("w1", true);
	ldns_pkt *p = ask("down.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_SERVFAIL);
	assert_false(ldns_pkt_aa(p));
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	p = ask("gone.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(p));
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
	/* A simple record ignores health. */
	p = ask("west.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "west.answer.test. 20 IN A 198.51.100.11\n");
	ldns_pkt_free(p);
	set_down("w1", false);
	p = ask("down.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "down.answer.test. 20 IN A 198.51.100.11\n");
	ldns_pkt_free(p);
}

static void test_client_location(void **state)
{
	/* The source address decides without ECS. */
	ldns_pkt *p = ask("net.answer.test.", ST_TYPE_A, "192.0.2.200", NULL, 0);
	assert_string_equal(ANSWER(p), "net.answer.test. 30 IN A 192.0.2.11\n");
	ldns_pkt_free(p);
	p = ask("net.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "net.answer.test. 30 IN A 198.51.100.11\n");
	ldns_pkt_free(p);
	/* IPv4-mapped IPv6 sources count as IPv4. */
	p = ask("net.answer.test.", ST_TYPE_A, "::ffff:192.0.2.7", NULL, 0);
	assert_string_equal(ANSWER(p), "net.answer.test. 30 IN A 192.0.2.11\n");
	ldns_pkt_free(p);
	/* ECS wins over the source, and the answer's scope is the matched prefix. */
	p = ask("net.answer.test.", ST_TYPE_A, "203.0.113.5", "192.0.2.0", 24);
	assert_string_equal(ANSWER(p), "net.answer.test. 30 IN A 192.0.2.11\n");
	assert_int_equal(response_scope(), 24);
	ldns_pkt_free(p);
	p = ask("net.answer.test.", ST_TYPE_A, "192.0.2.200", "198.51.100.0", 24);
	assert_string_equal(ANSWER(p), "net.answer.test. 30 IN A 198.51.100.11\n");
	ldns_pkt_free(p);
	/* ECS with source prefix 0: the source address decides. */
	p = ask("net.answer.test.", ST_TYPE_A, "192.0.2.200", "0.0.0.0", 0);
	assert_string_equal(ANSWER(p), "net.answer.test. 30 IN A 192.0.2.11\n");
	ldns_pkt_free(p);
	/* Answers that do not depend on the client: scope 0. */
	p = ask("dyn.answer.test.", ST_TYPE_A, "203.0.113.5", "192.0.2.0", 24);
	assert_int_equal(response_scope(), 0);
	ldns_pkt_free(p);
	p = ask("www.answer.test.", ST_TYPE_A, "203.0.113.5", "192.0.2.0", 24);
	assert_int_equal(response_scope(), 0);
	ldns_pkt_free(p);
}

/* st_answer_ask (steerctl explain's view of the wire) says what the
 * response says, read here independently: rcode, answer count, and the ECS
 * option with the scope the server set. */
static void test_ask(void **state)
{
	static const struct {
		const char *name;
		const char *client; /* ECS network, or a source address */
		unsigned prefix;    /* 0: no ECS */
		bool down;	    /* w1 forced down */
		unsigned rcode, answers;
	} cases[] = {
	    {"net.answer.test.", "192.0.2.0", 24, false, 0, 1},
	    {"net.answer.test.", "192.0.2.0", 23, false, 0, 1}, /* wider than the /24 */
	    {"net.answer.test.", "203.0.113.0", 24, false, 0, 1},
	    {"net.answer.test.", "192.0.2.77", 0, false, 0, 1},
	    {"dyn.answer.test.", "192.0.2.0", 24, false, 0, 1},
	    {"lbname.answer.test.", "192.0.2.0", 24, false, 0, 2},
	    {"www.answer.test.", "2001:db8::", 48, false, 0, 1},
	    {"nx.answer.test.", "192.0.2.0", 24, false, 3, 0},
	    {"down.answer.test.", "192.0.2.0", 24, true, 2, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_down("w1", cases[i].down);
		st_client_t cl;
		memset(&cl, 0, sizeof(cl));
		cl.family = strchr(cases[i].client, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(cl.family, cases[i].client, cl.addr), 1);
		cl.from_ecs = cases[i].prefix > 0;
		cl.source_prefix = (uint8_t)(cases[i].prefix	    ? cases[i].prefix
					     : cl.family == AF_INET ? 32
								    : 128);
		uint8_t wire[256];
		int wl = st_name_from_str(cases[i].name, wire, sizeof(wire));
		assert_true(wl > 0);
		st_ask_result_t r;
		assert_int_equal(st_answer_ask(&view, wire, (size_t)wl, ST_TYPE_A, &cl, 7, &r), 0);
		/* the same query the test's own way */
		ldns_pkt *p = cases[i].prefix
				  ? ask(cases[i].name, ST_TYPE_A, "203.0.113.9", cases[i].client,
					(uint8_t)cases[i].prefix)
				  : ask(cases[i].name, ST_TYPE_A, cases[i].client, NULL, 0);
		if (r.rcode != cases[i].rcode || r.answers != cases[i].answers)
			fail_msg("%s from %s/%u: rcode %u answers %u", cases[i].name,
				 cases[i].client, cases[i].prefix, r.rcode, r.answers);
		assert_int_equal(r.rcode, ldns_pkt_get_rcode(p));
		assert_int_equal(r.answers, ldns_pkt_ancount(p));
		assert_int_equal(r.ecs, cases[i].prefix > 0);
		assert_int_equal(r.ecs ? (int)r.ecs_scope : -1, response_scope());
		if (r.ecs)
			assert_int_equal(r.ecs_source, cases[i].prefix);
		assert_false(r.truncated);
		ldns_pkt_free(p);
	}
	set_down("w1", false);
}

static void test_cname(void **state)
{
	/* A routed CNAME into the zone is chased. */
	ldns_pkt *p = ask("LbName.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_string_equal(ANSWER(p), "LbName.answer.test. 10 IN CNAME www.answer.test.\n"
				       "www.answer.test. 3600 IN A 192.0.2.80\n");
	ldns_pkt_free(p);
	p = ask("lbname.answer.test.", ST_TYPE_MX, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "lbname.answer.test. 10 IN CNAME www.answer.test.\n");
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
	/* Out of the zone: the CNAME alone. */
	p = ask("farname.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "farname.answer.test. 10 IN CNAME www.example.org.\n");
	assert_int_equal(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	/* QTYPE CNAME or ANY: the CNAME itself, not followed (RFC 1034 4.3.2,
	 * RFC 8482), and no SOA as if the target had no data. */
	p = ask("lbname.answer.test.", ST_TYPE_CNAME, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_string_equal(ANSWER(p), "lbname.answer.test. 10 IN CNAME www.answer.test.\n");
	assert_int_equal(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	p = ask("lbname.answer.test.", ST_TYPE_ANY, "203.0.113.5", NULL, 0);
	assert_string_equal(ANSWER(p), "lbname.answer.test. 10 IN CNAME www.answer.test.\n");
	assert_int_equal(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	/* ANY at a routed name answers the routed RRset. */
	p = ask("dyn.answer.test.", ST_TYPE_ANY, "203.0.113.5", NULL, 0);
	assert_int_equal(ldns_pkt_ancount(p), 1);
	ldns_pkt_free(p);
}

static void test_counters(void **state)
{
	st_answer_stats_t before, after;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	st_answer_stats_add(&before, st_answer_ctx_stats(ctx));
	/* Routed answers count with the view's generation, by its indices:
	 * start both sets from zero. */
	st_answer_ctx_route_reset(ctx, view.generation);
	st_answer_ctx_route_reset(ctx, view.generation + 1);
	for (int i = 0; i < 3; i++)
		ldns_pkt_free(ask("dyn.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0));
	st_answer_stats_add(&after, st_answer_ctx_stats(ctx));
	uint32_t e1 = st_conf_endpoint_index(conf, "e1");
	uint32_t east = st_conf_region_index(conf, "east");
	assert_int_equal(after.dynamic - before.dynamic, 3);
	const st_route_counts_t *rc = st_answer_ctx_route(ctx, view.generation);
	const st_route_counts_t *other = st_answer_ctx_route(ctx, view.generation + 1);
	assert_int_equal(rc->endpoint[e1], 3);
	assert_int_equal(rc->region[east], 3);
	uint64_t records = 0;
	for (size_t i = 0; i < ST_STATS_ROUTE_MAX; i++) {
		records += rc->record[i];
		assert_int_equal(other->record[i], 0);
		assert_int_equal(other->endpoint[i], 0);
	}
	assert_int_equal(records, 3);

	/* A view of the next generation counts apart; a reset clears one set. */
	view.generation++;
	ldns_pkt_free(ask("dyn.answer.test.", ST_TYPE_A, "203.0.113.5", NULL, 0));
	view.generation--;
	assert_int_equal(other->endpoint[e1], 1);
	assert_int_equal(rc->endpoint[e1], 3);
	st_answer_ctx_route_reset(ctx, view.generation);
	assert_int_equal(rc->endpoint[e1], 0);
	assert_int_equal(rc->region[east], 0);
	assert_int_equal(other->endpoint[e1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_failover), cmocka_unit_test(test_family_nodata),
	    cmocka_unit_test(test_all_down), cmocka_unit_test(test_client_location),
	    cmocka_unit_test(test_cname),    cmocka_unit_test(test_counters),
	    cmocka_unit_test(test_ask),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
