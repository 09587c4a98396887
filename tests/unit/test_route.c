/* Routing policies without a geo database: simple, weighted, failover,
 * multivalue, cidr, region select rules, all-down behaviours, families,
 * CNAME, dials, the distance/latency/bias formulas and compile errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_route_fixture.h"

#include "common/hash.h"
#include "route/policy.h"

#include <math.h>
#include <stdio.h>

#define RAD(x) ((x)*M_PI / 180.0)
#define st_bias_distance_km_for_test st_bias_distance
#define st_latency_ms_for_test st_latency_estimate_ms
#define st_distance_km_for_test(a, b, c, d) st_geo_distance_km(RAD(a), RAD(b), RAD(c), RAD(d))

/* Three regions, one endpoint each (v4 + v6), and region C with two. */
static st_conf_t *three_regions(void)
{
	st_conf_t *c = fx_conf();
	uint32_t a = fx_region(c, "a", 39.04, -77.49);
	uint32_t b = fx_region(c, "b", 39.96, -83.00);
	uint32_t d = fx_region(c, "c", 50.11, 8.68);
	fx_endpoint(c, a, "a1", "192.0.2.1", "2001:db8::a1", 1);
	fx_endpoint(c, b, "b1", "192.0.2.2", "2001:db8::b1", 1);
	fx_endpoint(c, d, "c1", "192.0.2.3", "2001:db8::c1", 1);
	fx_endpoint(c, d, "c2", "192.0.2.4", NULL, 1);
	return c;
}

static void test_simple(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "www.example.test.", 1, ST_POLICY_SIMPLE);
	fx_regions(r, 2, 0u, 2u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	fx_down(h, c, "a1"); /* simple ignores health */
	uint64_t rng = 1;
	st_route_result_t res;
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.7", 0, h, &rng, &res), "192.0.2.1");
	assert_int_equal(res.action, ST_ROUTE_ANSWER);
	assert_int_equal(res.n, 3);
	assert_int_equal(res.scope, 0);
	assert_int_equal(res.ttl, 20);
	assert_int_equal(res.rrtype, 1);
	st_route_record_info_t info;
	st_route_record_info(rt, 0, &info);
	assert_int_equal(info.owner_len, 18);
	assert_memory_equal(info.owner, "\3www\7example\4test\0", 18);
	assert_string_equal(info.source, "test.yaml:200");
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void shares(const st_route_t *rt, size_t rec, const st_health_t *h, uint64_t seed,
		   unsigned counts[4], int n)
{
	uint64_t rng = seed;
	memset(counts, 0, 4 * sizeof(unsigned));
	for (int i = 0; i < n; i++) {
		st_route_result_t res;
		const char *a = fx_first(rt, rec, 1, "198.51.100.7", 0, h, &rng, &res);
		assert_int_equal(res.scope, 0);
		if (strcmp(a, "192.0.2.1") == 0)
			counts[0]++;
		else if (strcmp(a, "192.0.2.2") == 0)
			counts[1]++;
		else if (strcmp(a, "192.0.2.3") == 0 || strcmp(a, "192.0.2.4") == 0)
			counts[2]++;
		else
			counts[3]++;
	}
}

static void assert_share(unsigned got, int n, double want)
{
	double share = 100.0 * got / n;
	if (fabs(share - want) > 2.0)
		fail_msg("share %.2f%%, want %.2f%% +- 2", share, want);
}

static void test_weighted_123(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "w.example.test.", 1, ST_POLICY_WEIGHTED);
	fx_weight(c, r, "a", 1);
	fx_weight(c, r, "b", 2);
	fx_weight(c, r, "c", 3);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	unsigned n[4];
	for (uint64_t seed = 1; seed <= 3; seed++) {
		shares(rt, 0, h, seed * 7919, n, 10000);
		assert_share(n[0], 10000, 100.0 / 6);
		assert_share(n[1], 10000, 200.0 / 6);
		assert_share(n[2], 10000, 300.0 / 6);
		assert_int_equal(n[3], 0);
	}
	/* b down: a and c share 1:3 */
	fx_down(h, c, "b1");
	shares(rt, 0, h, 42, n, 10000);
	assert_int_equal(n[1], 0);
	assert_share(n[0], 10000, 25);
	assert_share(n[2], 10000, 75);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_weighted_backup_and_endpoints(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "w.example.test.", 1, ST_POLICY_WEIGHTED);
	fx_weight(c, r, "a1", 1); /* endpoint keys */
	fx_weight(c, r, "b1", 1);
	fx_weight(c, r, "c", 0); /* backup */
	r = fx_record(c, "z.example.test.", 1, ST_POLICY_WEIGHTED);
	fx_weight(c, r, "a", 0);
	fx_weight(c, r, "b", 0);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	unsigned n[4];
	shares(rt, 0, h, 5, n, 2000);
	assert_int_equal(n[2], 0); /* backup unused while a weighted one is up */
	assert_share(n[0], 2000, 50);
	fx_down(h, c, "a1");
	shares(rt, 0, h, 5, n, 2000);
	assert_int_equal(n[1], 2000);
	fx_down(h, c, "b1");
	shares(rt, 0, h, 5, n, 2000);
	assert_int_equal(n[2], 2000); /* every weighted one down: the backup */
	fx_down(h, c, "c1");
	fx_down(h, c, "c2");
	shares(rt, 0, h, 5, n, 2000); /* all down: Route 53 treats all as healthy */
	assert_int_equal(n[3], 0);
	assert_share(n[0], 2000, 50);
	/* all weights zero: equal shares */
	fx_up(h, c, "a1");
	fx_up(h, c, "b1");
	shares(rt, 1, h, 9, n, 4000);
	assert_share(n[0], 4000, 50);
	assert_share(n[1], 4000, 50);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_failover(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "f.example.test.", 1, ST_POLICY_FAILOVER);
	fx_regions(r, 2, 1u, 0u);
	r = fx_record(c, "s.example.test.", 1, ST_POLICY_FAILOVER);
	fx_regions(r, 2, 1u, 0u);
	r->on_all_down = ST_ALL_DOWN_SERVFAIL;
	r = fx_record(c, "n.example.test.", 1, ST_POLICY_FAILOVER);
	fx_regions(r, 2, 1u, 0u);
	r->on_all_down = ST_ALL_DOWN_NODATA;
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 1;
	st_route_result_t res;
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res), "192.0.2.2");
	fx_down(h, c, "b1");
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res), "192.0.2.1");
	assert_int_equal(res.regions[0], 0);
	assert_int_equal(res.endpoints[0], 0);
	fx_down(h, c, "a1");
	/* all down: the primary */
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res), "192.0.2.2");
	assert_int_equal(res.action, ST_ROUTE_ANSWER);
	fx_first(rt, 1, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_SERVFAIL);
	fx_first(rt, 2, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	fx_up(h, c, "a1");
	assert_string_equal(fx_first(rt, 1, 1, "192.0.2.200", 0, h, &rng, &res), "192.0.2.1");
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* Regions a (a0-a5: 192.0.2.10-15) and b (b0-b5: 192.0.2.20-25) under a
 * multivalue record m.example.test. */
static st_conf_t *multivalue_conf(uint32_t *a, uint32_t *b)
{
	st_conf_t *c = fx_conf();
	*a = fx_region(c, "a", 0, 0);
	*b = fx_region(c, "b", 0, 0);
	char name[16], addr[32];
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		snprintf(addr, sizeof(addr), "192.0.2.%d", 10 + i);
		fx_endpoint(c, *a, name, addr, NULL, 1);
		snprintf(name, sizeof(name), "b%d", i);
		snprintf(addr, sizeof(addr), "192.0.2.%d", 20 + i);
		fx_endpoint(c, *b, name, addr, NULL, 1);
	}
	fx_regions(fx_record(c, "m.example.test.", 1, ST_POLICY_MULTIVALUE), 2, *a, *b);
	return c;
}

static void test_multivalue(void **state)
{
	uint32_t a, b;
	st_conf_t *c = multivalue_conf(&a, &b);
	char name[16];
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 3;
	st_route_result_t res;
	unsigned firsts[256] = {0};
	for (int i = 0; i < 600; i++) {
		fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
		assert_int_equal(res.n, 8);
		for (size_t j = 0; j < res.n; j++)
			for (size_t k = j + 1; k < res.n; k++)
				assert_memory_not_equal(res.addrs[j], res.addrs[k], 4);
		firsts[res.addrs[0][3]]++;
	}
	/* random order: every one of the 12 leads some of the time */
	for (int i = 0; i < 6; i++) {
		assert_true(firsts[10 + i] > 10);
		assert_true(firsts[20 + i] > 10);
	}
	/* 9 of 12 down: the 3 healthy only */
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		fx_down(h, c, name);
		if (i < 3) {
			snprintf(name, sizeof(name), "b%d", i);
			fx_down(h, c, name);
		}
	}
	fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.n, 3);
	for (size_t j = 0; j < res.n; j++)
		assert_true(res.addrs[j][3] >= 23);
	/* all down: up to 8 of the unhealthy */
	for (int i = 3; i < 6; i++) {
		snprintf(name, sizeof(name), "b%d", i);
		fx_down(h, c, name);
	}
	fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_ANSWER);
	assert_int_equal(res.n, 8);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* The multivalue policy honours a region's select_max: such a region gives
 * at most that many of its healthy endpoints, healthy or all down. */
static void test_multivalue_select_max(void **state)
{
	uint32_t a, b;
	st_conf_t *c = multivalue_conf(&a, &b);
	char name[16];
	c->regions[a].select = ST_SELECT_MULTIVALUE;
	c->regions[a].select_max = 2;
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 5;
	st_route_result_t res;
	unsigned seen[256] = {0};
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 400; i++) {
			fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
			unsigned from_a = 0;
			for (size_t j = 0; j < res.n; j++) {
				from_a += res.addrs[j][3] < 20;
				seen[res.addrs[j][3]]++;
			}
			assert_int_equal(from_a, 2);
			assert_int_equal(res.n, round == 1 ? 5 : 8);
		}
		/* round 1: three of b down; round 2: everything down (route53) */
		for (int i = 0; i < 6; i++) {
			snprintf(name, sizeof(name), round == 0 ? "b%d" : "a%d", i);
			if (round == 0 && i >= 3)
				continue;
			fx_down(h, c, name);
			if (round == 1) {
				snprintf(name, sizeof(name), "b%d", i);
				fx_down(h, c, name);
			}
		}
	}
	for (int i = 0; i < 6; i++)
		assert_true(seen[10 + i] > 10); /* each of a takes its turn */
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_region_select(void **state)
{
	st_conf_t *c = fx_conf();
	uint32_t a = fx_region(c, "a", 0, 0), b = fx_region(c, "b", 0, 0);
	fx_endpoint(c, a, "a1", "192.0.2.1", NULL, 1);
	fx_endpoint(c, a, "a2", "192.0.2.2", NULL, 3);
	fx_endpoint(c, a, "a3", "192.0.2.3", NULL, 0);
	fx_endpoint(c, b, "b1", "192.0.2.11", NULL, 1);
	fx_endpoint(c, b, "b2", "192.0.2.12", NULL, 1);
	fx_endpoint(c, b, "b3", "192.0.2.13", NULL, 1);
	c->regions[b].select = ST_SELECT_ALL;
	c->regions[b].min_healthy = 2;
	st_conf_record_t *r = fx_record(c, "f.example.test.", 1, ST_POLICY_FAILOVER);
	fx_regions(r, 2, b, a);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 11;
	st_route_result_t res;
	fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.n, 3); /* select all */
	fx_down(h, c, "b2");
	fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.n, 2);
	fx_down(h, c, "b3"); /* below min_healthy: b is down, fail over to a */
	unsigned n1 = 0, n2 = 0;
	for (int i = 0; i < 4000; i++) {
		const char *x = fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
		assert_int_equal(res.n, 1);
		n1 += strcmp(x, "192.0.2.1") == 0;
		n2 += strcmp(x, "192.0.2.2") == 0;
	}
	assert_int_equal(n1 + n2, 4000); /* a3 (weight 0) is a backup */
	assert_share(n1, 4000, 25);
	fx_down(h, c, "a1");
	fx_down(h, c, "a2");
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res), "192.0.2.3");
	/* multivalue with select_max */
	st_route_free(rt);
	c->regions[b].select = ST_SELECT_MULTIVALUE;
	c->regions[b].select_max = 2;
	c->regions[b].min_healthy = 1;
	rt = fx_route(c);
	fx_up(h, c, "b2");
	fx_up(h, c, "b3");
	fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.n, 2);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* A region of more endpoints than a weighted choice remembers (64): the
 * health of those past it is asked again, and never one that is down comes
 * out, weighted or backup. */
static void test_region_many_endpoints(void **state)
{
	st_conf_t *c = fx_conf();
	uint32_t a = fx_region(c, "a", 0, 0);
	char name[16], addr[32];
	for (int i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		snprintf(addr, sizeof(addr), "192.0.2.%d", i + 1);
		fx_endpoint(c, a, name, addr, NULL, i >= 75 ? 0 : 1);
	}
	st_conf_record_t *r = fx_record(c, "f.example.test.", 1, ST_POLICY_FAILOVER);
	fx_regions(r, 1, a);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	/* down: every odd one before 64 and every even one from 64 on */
	for (int i = 0; i < 80; i++)
		if (i < 64 ? i % 2 : i % 2 == 0) {
			snprintf(name, sizeof(name), "e%d", i);
			fx_down(h, c, name);
		}
	uint64_t rng = 5;
	st_route_result_t res;
	unsigned seen[80] = {0};
	for (int k = 0; k < 20000; k++) {
		const char *x = fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
		int i = atoi(x + strlen("192.0.2.")) - 1;
		assert_true(i >= 0 && i < 75); /* backups only when no weighted one is up */
		assert_true(i < 64 ? i % 2 == 0 : i % 2 == 1);
		seen[i]++;
	}
	for (int i = 0; i < 75; i++)
		if (i < 64 ? i % 2 == 0 : i % 2 == 1)
			assert_true(seen[i] > 0);
	/* every weighted one down: the backups, those up (75 .. 79, odd ones) */
	for (int i = 0; i < 75; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		fx_down(h, c, name);
	}
	for (int k = 0; k < 2000; k++) {
		const char *x = fx_first(rt, 0, 1, "192.0.2.200", 0, h, &rng, &res);
		int i = atoi(x + strlen("192.0.2.")) - 1;
		assert_true(i == 75 || i == 77 || i == 79);
	}
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_families_and_cname(void **state)
{
	st_conf_t *c = fx_conf();
	uint32_t a = fx_region(c, "a", 0, 0), b = fx_region(c, "b", 0, 0);
	fx_endpoint(c, a, "a1", "192.0.2.1", NULL, 1);
	uint32_t b1 = fx_endpoint(c, b, "b1", "2001:db8::1", NULL, 1);
	c->endpoints[b1].cname = strdup("lb.b.example.net.");
	fx_regions(fx_record(c, "x.example.test.", 28, ST_POLICY_FAILOVER), 2, a, b);
	fx_regions(fx_record(c, "y.example.test.", 1, ST_POLICY_FAILOVER), 2, b, a);
	fx_regions(fx_record(c, "z.example.test.", 5, ST_POLICY_FAILOVER), 2, b, a);
	st_conf_record_t *r = fx_record(c, "w.example.test.", 28, ST_POLICY_WEIGHTED);
	fx_weight(c, r, "a", 1);
	st_route_t *rt;
	rt = fx_route(c);
	uint64_t rng = 1;
	st_route_result_t res;
	/* AAAA record: the choice (primary a) has no IPv6 endpoint: NODATA,
	 * rather than sending IPv6 to another region than IPv4 */
	fx_first(rt, 0, 28, "192.0.2.200", 0, NULL, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	/* A record whose primary b is IPv6-only: NODATA */
	fx_first(rt, 1, 1, "192.0.2.200", 0, NULL, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	/* a type the record does not have: NODATA */
	fx_first(rt, 1, 28, "192.0.2.200", 0, NULL, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	/* CNAME: answers any type */
	fx_first(rt, 2, 1, "192.0.2.200", 0, NULL, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_ANSWER);
	assert_int_equal(res.rrtype, 5);
	assert_int_equal(res.cname_len, 18);
	assert_memory_equal(res.cname, "\2lb\1b\7example\3net\0", 18);
	/* w (AAAA) can only pick region a, which has no IPv6 address: NODATA */
	fx_first(rt, 3, 28, "192.0.2.200", 0, NULL, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	/* a down: failover to b, which has IPv6 */
	st_health_t *h = fx_health(c);
	fx_down(h, c, "a1");
	assert_string_equal(fx_first(rt, 0, 28, "192.0.2.200", 0, h, &rng, &res), "2001:db8::1");
	/* all down: the primary again, NODATA */
	fx_down(h, c, "b1");
	fx_first(rt, 0, 28, "192.0.2.200", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_cidr(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "c.example.test.", 1, ST_POLICY_CIDR);
	fx_map(r, "198.51.100.0/24", 0);
	fx_map(r, "198.51.100.128/25", 1);
	fx_map(r, "2001:db8:1::/48", 1);
	fx_map(r, "default", 2);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 1;
	st_route_result_t res;
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.200", 0, h, &rng, &res), "192.0.2.2");
	assert_int_equal(res.scope, 25);
	/* an ECS /24: the /25 inside it decides only half of it, the /24
	 * decides all of it, and the scope is no longer than the source */
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.0", 24, h, &rng, &res), "192.0.2.1");
	assert_int_equal(res.scope, 24);
	/* a whole address in the lower half: the /24, and not into the /25 */
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.7", 0, h, &rng, &res), "192.0.2.1");
	assert_int_equal(res.scope, 25);
	const char *d = fx_first(rt, 0, 1, "203.0.113.9", 0, h, &rng, &res);
	assert_true(strcmp(d, "192.0.2.3") == 0 || strcmp(d, "192.0.2.4") == 0);
	/* default: 203.0.113.9 and 198.51.100.0 share their first 4 bits */
	assert_int_equal(res.scope, 5);
	fx_first(rt, 0, 1, "2001:db8:1:2::1", 56, h, &rng, &res);
	assert_int_equal(res.scope, 48);
	fx_first(rt, 0, 1, "2001:db8:2::1", 0, h, &rng, &res);
	assert_int_equal(res.scope, 47);
	/* /25 region down: the /24 (longest healthy match), scope unchanged */
	fx_down(h, c, "b1");
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.200", 0, h, &rng, &res), "192.0.2.1");
	assert_int_equal(res.scope, 25);
	fx_down(h, c, "a1");
	d = fx_first(rt, 0, 1, "198.51.100.200", 0, h, &rng, &res);
	assert_true(strcmp(d, "192.0.2.3") == 0 || strcmp(d, "192.0.2.4") == 0);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* An ECS source prefix shorter than the block that would decide: the
 * answer is that of the longest block holding the whole client network, and
 * the scope never claims more than the source network determines. */
static void test_cidr_source_shorter(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "c.example.test.", 1, ST_POLICY_CIDR);
	fx_map(r, "10.1.0.0/16", 0);
	fx_map(r, "10.1.2.0/24", 1);
	fx_map(r, "2001:db8::/32", 0);
	fx_map(r, "2001:db8:1::/48", 1);
	fx_map(r, "default", 2);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 1;
	st_route_result_t res;
	static const struct {
		const char *client;
		unsigned prefix;
		uint32_t region;
		uint8_t scope;
	} cases[] = {
	    {"10.1.2.0", 23, 0, 23},  /* holds the /24 and a /24 of the /16 */
	    {"10.1.2.0", 24, 1, 24},  /* the /24 itself */
	    {"10.1.3.0", 24, 0, 24},  /* beside it */
	    {"10.1.0.0", 16, 0, 16},  /* the /16 */
	    {"10.0.0.0", 8, 2, 8},    /* wider than every entry: the default */
	    {"10.1.2.5", 0, 1, 24},   /* a whole address */
	    {"10.1.4.0", 22, 0, 22},  /* /22 beside the /24: the /16, no need to narrow */
	    {"0.0.0.0", 1, 2, 1},     /* /1 */
	    {"2001:db8::", 47, 0, 47}, /* holds the /48 */
	    {"2001:db8:1::", 48, 1, 48},
	    {"2001:db8:1:100::", 56, 1, 48},
	    {"2001:db8::", 32, 0, 32},
	    {"2001:d00::", 24, 2, 24},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_first(rt, 0, 1, cases[i].client, cases[i].prefix, h, &rng, &res);
		if (res.regions[0] != cases[i].region || res.scope != cases[i].scope)
			fail_msg("%s/%u: region %u scope %u, want region %u scope %u",
				 cases[i].client, cases[i].prefix, res.regions[0], res.scope,
				 cases[i].region, cases[i].scope);
	}
	/* health: the /24's region down, its own clients get the /16's answer
	 * with the /24's scope; the /16 down too: the default, same scopes */
	fx_down(h, c, "b1");
	fx_first(rt, 0, 1, "10.1.2.0", 24, h, &rng, &res);
	assert_int_equal(res.regions[0], 0);
	assert_int_equal(res.scope, 24);
	fx_down(h, c, "a1");
	fx_first(rt, 0, 1, "10.1.2.0", 23, h, &rng, &res);
	assert_int_equal(res.regions[0], 2);
	assert_int_equal(res.scope, 23);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* For random tables and random client networks: the scope is never longer
 * than the source prefix, and every network of that source length inside
 * the scope's block gets the same answer (what a resolver that caches the
 * answer for that block, RFC 7871 7.3.1, hands to those clients). */
static void test_cidr_scope_holds(void **state)
{
	uint64_t seed = 0x5c09e;
	for (int round = 0; round < 40; round++) {
		st_conf_t *c = three_regions();
		st_conf_record_t *r = fx_record(c, "c.example.test.", 1, ST_POLICY_CIDR);
		char key[64];
		for (int i = 0; i < 12; i++) {
			/* nested blocks in 10.0.0.0/8 of lengths 9..30 */
			unsigned len = 9 + (unsigned)(st_splitmix64(&seed) % 22);
			uint32_t a = 0x0a000000u | ((uint32_t)st_splitmix64(&seed) & 0x00ffffffu);
			a &= len ? ~0u << (32 - len) : 0;
			snprintf(key, sizeof(key), "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255,
				 (a >> 8) & 255, a & 255, len);
			bool dup = false;
			for (size_t j = 0; j < r->n_map; j++)
				dup |= strcmp(r->map[j].key.text, key) == 0;
			if (!dup)
				fx_map(r, key, (uint32_t)(st_splitmix64(&seed) % 2));
		}
		fx_map(r, "default", 2);
		st_route_t *rt = fx_route(c);
		for (int q = 0; q < 200; q++) {
			unsigned p = 8 + (unsigned)(st_splitmix64(&seed) % 25);
			uint32_t a = 0x0a000000u | ((uint32_t)st_splitmix64(&seed) & 0x00ffffffu);
			fx_scope_holds(rt, 0, a & ~0u << (32 - p), p, 20, &seed);
		}
		st_route_free(rt);
		st_conf_free(c);
	}
}

static void test_formulas(void **state)
{
	/* Route 53 bias */
	assert_true(fabs(st_bias_distance_km_for_test(1000, 50) - 500) < 1e-9);
	assert_true(fabs(st_bias_distance_km_for_test(1000, -50) - 2000) < 1e-9);
	assert_true(fabs(st_bias_distance_km_for_test(1000, 99) - 10) < 1e-9);
	assert_true(fabs(st_bias_distance_km_for_test(1000, -99) - 100000) < 1e-6);
	assert_true(fabs(st_bias_distance_km_for_test(1000, 0) - 1000) < 1e-9);
}

static void test_latency_estimate(void **state)
{
	/* us-east-1 Ashburn <-> us-east-2 Columbus: 484 km, ~10.3 ms */
	double km = st_distance_km_for_test(39.04, -77.49, 39.96, -83.00);
	assert_true(fabs(km - 484) < 3);
	double ms = st_latency_ms_for_test(km);
	assert_true(ms > 9.5 && ms < 11);
	/* us-east-1 <-> eu-central-1: 6549 km, ~101 ms */
	km = st_distance_km_for_test(39.04, -77.49, 50.11, 8.68);
	assert_true(fabs(km - 6549) < 20);
	assert_true(fabs(st_latency_ms_for_test(km) - 101.3) < 1);
	assert_true(fabs(st_latency_ms_for_test(0) - 3) < 1e-9);
	/* the vector form used on the query path agrees with haversine */
	double a[3], b[3];
	st_geo_vec(RAD(39.04), RAD(-77.49), a);
	st_geo_vec(RAD(39.96), RAD(-83.00), b);
	assert_true(fabs(st_geo_vec_km(a, b) -
			 st_distance_km_for_test(39.04, -77.49, 39.96, -83.00)) < 0.01);
	st_geo_vec(RAD(35.68), RAD(139.69), b);
	assert_true(fabs(st_geo_vec_km(a, b) - 10872) < 30);
	assert_true(st_geo_vec_km(a, a) < 1e-3);
}

/* Latency without a geo database: the configured order, with dials. */
/* Without costs to show, latency and unbiased geoproximity order regions by
 * dot products: the order must be the one the costs give, ties (two regions
 * at one place) in configured order, whatever the client's point. */
static void test_order_by_dot(void **state)
{
	(void)state;
	st_conf_t *c = fx_conf();
	static const double places[][2] = {
	    {39.04, -77.49}, {39.96, -83.00}, {50.11, 8.68},  {39.04, -77.49}, {-33.87, 151.21},
	    {35.68, 139.69}, {1.35, 103.82},  {39.040000001, -77.49}, {-23.55, -46.63}, {64.15, -21.94},
	};
	char name[16];
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		uint32_t r = fx_region(c, name, places[i][0], places[i][1]);
		snprintf(name, sizeof(name), "e%d", i);
		fx_endpoint(c, r, name, "192.0.2.1", NULL, 1);
	}
	st_policy_t policies[] = {ST_POLICY_LATENCY, ST_POLICY_GEOPROXIMITY};
	for (int k = 0; k < 2; k++) {
		st_conf_record_t *r = fx_record(c, k ? "p.example.test." : "l.example.test.", 1,
						policies[k]);
		r->regions = calloc(10, sizeof(uint32_t));
		assert_non_null(r->regions);
		for (uint32_t i = 0; i < 10; i++)
			r->regions[r->n_regions++] = (i * 7) % 10;
	}
	st_route_t *rt = fx_route(c);
	uint64_t rng = 7;
	for (int n = 0; n < 20000; n++) {
		st_geo_loc_t loc = {.found = true, .has_point = true};
		if (n < 10) { /* exactly at a region, and at the two that share a place */
			loc.lat = RAD(places[n][0]);
			loc.lon = RAD(places[n][1]);
		} else {
			loc.lat = asin(2.0 * (double)(st_splitmix64(&rng) >> 11) / 9007199254740992.0 - 1);
			loc.lon = M_PI * (2.0 * (double)(st_splitmix64(&rng) >> 11) / 9007199254740992.0 - 1);
		}
		st_geo_vec(loc.lat, loc.lon, loc.vec);
		for (int k = 0; k < 2; k++) {
			uint32_t a[ST_ROUTE_MAX_ORDER], b[ST_ROUTE_MAX_ORDER];
			double ca[ST_ROUTE_MAX_ORDER], cb[ST_ROUTE_MAX_ORDER];
			const char *why;
			size_t na = st_route_order(rt, &rt->records[k], &loc, a, ca, true, &why);
			size_t nb = st_route_order(rt, &rt->records[k], &loc, b, cb, false, &why);
			assert_int_equal(na, 10);
			assert_int_equal(nb, 10);
			assert_memory_equal(a, b, sizeof(a[0]) * na);
		}
	}
	st_route_free(rt);
	st_conf_free(c);
}

static void test_dial_spill(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "l.example.test.", 1, ST_POLICY_LATENCY);
	fx_regions(r, 3, 0u, 1u, 2u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	unsigned n[4];
	shares(rt, 0, h, 1, n, 1000);
	assert_int_equal(n[0], 1000);
	assert_int_equal(st_route_set_dial(rt, 0, 70), 0);
	assert_int_equal(st_route_get_dial(rt, 0), 70);
	shares(rt, 0, h, 2, n, 10000);
	assert_share(n[0], 10000, 70);
	assert_share(n[1], 10000, 30);
	assert_int_equal(n[2], 0);
	/* the next one's dial applies to what reaches it */
	assert_int_equal(st_route_set_dial(rt, 1, 50), 0);
	shares(rt, 0, h, 3, n, 10000);
	assert_share(n[0], 10000, 70);
	assert_share(n[1], 10000, 15);
	assert_share(n[2], 10000, 15);
	/* dial 0: nothing; a down region gets nothing whatever its dial */
	assert_int_equal(st_route_set_dial(rt, 0, 0), 0);
	assert_int_equal(st_route_set_dial(rt, 1, 100), 0);
	shares(rt, 0, h, 4, n, 2000);
	assert_int_equal(n[1], 2000);
	fx_down(h, c, "b1");
	shares(rt, 0, h, 4, n, 2000);
	assert_int_equal(n[2], 2000);
	/* every healthy region dialled to 0: the nearest healthy one */
	assert_int_equal(st_route_set_dial(rt, 2, 0), 0);
	shares(rt, 0, h, 4, n, 200);
	assert_int_equal(n[0], 200);
	/* errors */
	assert_int_equal(st_route_set_dial(rt, 3, 50), ST_ENOENT);
	assert_int_equal(st_route_set_dial(rt, 0, 101), ST_ERANGE);
	assert_int_equal(st_route_get_dial(rt, 99), 100);
	assert_int_equal(st_route_region_index(rt, "c"), 2);
	assert_int_equal(st_route_region_index(rt, "nope"), UINT32_MAX);
	assert_string_equal(st_route_region_name(rt, 1), "b");
	assert_int_equal(st_route_region_count(rt), 3);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_no_records(void **state)
{
	st_conf_t *c = three_regions();
	st_route_t *rt = fx_route(c);
	assert_non_null(rt);
	assert_int_equal(st_route_record_count(rt), 0);
	assert_int_equal(st_route_record_count(NULL), 0);
	st_route_free(rt);
	st_route_free(NULL);
	st_conf_free(c);
}

static void test_explain(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "f.example.test.", 1, ST_POLICY_FAILOVER);
	fx_regions(r, 2, 1u, 0u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	fx_down(h, c, "b1");
	char buf[2048];
	st_client_t cl = fx_client("198.51.100.0", 24);
	assert_int_equal(
	    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, 0x5eed, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "record f.example.test. A (test.yaml:200), policy failover"));
	assert_non_null(strstr(buf, "client 198.51.100.0/24 (EDNS client subnet)"));
	assert_non_null(strstr(buf, "b: 0/1 endpoints up (b1 forced down)"));
	assert_non_null(strstr(buf, "answer: A 192.0.2.1 (a/a1), ttl 20\n"));
	assert_null(strstr(buf, "scope")); /* the wire's business: answer/ask.h */
	char tiny[40];
	assert_int_equal(
	    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, 0x5eed, tiny, sizeof(tiny)),
	    ST_ENOSPC);
	assert_true(strlen(tiny) < sizeof(tiny));
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* explain says what chance decided (one random draw, with the share),
 * names drained and forced endpoints as such, and says when the health
 * table is stale (its states are then old or ignored). */
static void test_explain_draws_and_states(void **state)
{
	st_conf_t *c = three_regions();
	st_conf_record_t *r = fx_record(c, "w.example.test.", 1, ST_POLICY_WEIGHTED);
	fx_weight(c, r, "a", 1);
	fx_weight(c, r, "c", 3);
	fx_regions(fx_record(c, "g.example.test.", 1, ST_POLICY_GEOPROXIMITY), 3, 2u, 0u, 1u);
	/* a checked endpoint and a table that is not there: stale */
	c->n_checks = 1;
	c->checks = calloc(1, sizeof(*c->checks));
	c->checks[0].name = strdup("web");
	c->endpoints[st_conf_endpoint_index(c, "b1")].check = 0;
	c->health_table = strdup("/nonexistent/steerdns-test/health.shm");
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	st_health_set_override(h, st_conf_endpoint_index(c, "c2"), ST_OVERRIDE_DRAIN);
	st_health_set_override(h, st_conf_endpoint_index(c, "a1"), ST_OVERRIDE_UP);
	char buf[4096];
	st_client_t cl = fx_client("198.51.100.0", 24);
	/* find a seed whose draw picks c, then c1 */
	uint64_t seed = 0;
	for (uint64_t s = 1; s < 64 && !seed; s++) {
		assert_int_equal(
		    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, s, buf, sizeof(buf)), 0);
		if (strstr(buf, "answer: A 192.0.2.3 (c/c1)"))
			seed = s;
	}
	assert_true(seed != 0);
	assert_non_null(strstr(buf, "health table: STALE (no heartbeat, checker none): on_stale "
				    "last-known"));
	assert_non_null(
	    strstr(buf, "weighted: c by one random draw over the healthy weight 4 (weight 3: 75% "
			"of answers)"));
	assert_non_null(strstr(buf, "region c selects (weighted): c1, its only usable endpoint"));
	/* the geoproximity record: c (no location known: configured order)
	 * with its dial at 40%: a draw keeps or passes the traffic on */
	st_route_set_dial(rt, 2, 40);
	bool kept = false, passed = false;
	for (uint64_t s = 1; s < 64; s++) {
		assert_int_equal(
		    st_route_explain(rt, fx_handle(rt, 1), 1, &cl, h, s, buf, sizeof(buf)), 0);
		assert_non_null(strstr(buf, "c: 1/2 endpoints up (c2 drained)"));
		assert_non_null(strstr(buf, "a: 1/1 endpoints up (a1 forced up)"));
		kept |=
		    strstr(buf, "c keeps it, by one random draw (dial 40%: it keeps 40% of what "
				"reaches it)") != NULL;
		passed |= strstr(buf, "c passes it on, by one random draw (dial 40%: 60% of what "
				      "reaches it spills)") != NULL;
	}
	assert_true(kept && passed);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple),
	    cmocka_unit_test(test_weighted_123),
	    cmocka_unit_test(test_weighted_backup_and_endpoints),
	    cmocka_unit_test(test_failover),
	    cmocka_unit_test(test_multivalue),
	    cmocka_unit_test(test_multivalue_select_max),
	    cmocka_unit_test(test_region_select),
	    cmocka_unit_test(test_region_many_endpoints),
	    cmocka_unit_test(test_families_and_cname),
	    cmocka_unit_test(test_cidr),
	    cmocka_unit_test(test_cidr_source_shorter),
	    cmocka_unit_test(test_cidr_scope_holds),
	    cmocka_unit_test(test_formulas),
	    cmocka_unit_test(test_latency_estimate),
	    cmocka_unit_test(test_order_by_dot),
	    cmocka_unit_test(test_dial_spill),
	    cmocka_unit_test(test_no_records),
	    cmocka_unit_test(test_explain),
	    cmocka_unit_test(test_explain_draws_and_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
